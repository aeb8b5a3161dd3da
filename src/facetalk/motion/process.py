"""The one shape of a per-frame motion process: stepped once per video frame, in order, with that
frame's inputs in one typed record; it returns one typed result and keeps its own state (a few
numbers), so the motion streams with no window and no seams.

ProsodyTracker (VoiceFrame -> Prosody), GazeProcess (GazeInput -> GazeOutput), HeadMotion
(HeadInput -> HeadPose), BlinkProcess (BlinkInput -> lid closure) and FaceDynamics (Prosody ->
FaceState) are FrameProcesses; HolisticMotion steps them in that order.
"""

from __future__ import annotations

from typing import Protocol, TypeVar, runtime_checkable

In = TypeVar("In", contravariant=True)
Out = TypeVar("Out", covariant=True)


@runtime_checkable
class FrameProcess(Protocol[In, Out]):
    def step(self, inputs: In, /) -> Out:
        """The next frame's result for this frame's inputs."""
        ...
