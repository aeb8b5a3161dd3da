"""Everything but the lips, layered onto the lips' frame: head, eyes, brows, smile and emotion,
driven by prosody, a seed and the controls in force at each frame.

Every random process draws from its own generator spawned from the seed and steps once per
frame, so a seed gives the same motion however the audio is chunked, and the state carried
from frame to frame (a few dozen numbers) is all the "window" there is: no seams, constant memory.
"""

from __future__ import annotations

from dataclasses import asdict, fields

import numpy as np

from facetalk.config import Controls
from facetalk.motion import emotion
from facetalk.motion.blinks import BlinkProcess
from facetalk.motion.face import FaceDynamics
from facetalk.motion.frame import MotionFrame, PhotoExpression
from facetalk.motion.gaze import GazeProcess, eye_in_head
from facetalk.motion.head import HeadMotion, HeadPose
from facetalk.motion.prosody import Prosody
from facetalk.motion.timeline import ControlTimeline

# Valid range of each expression parameter (see motion.frame.EXPRESSION_NAMES).
RANGES = {
    "jaw_open": (0.0, 1.0), "lip_spread": (-1.0, 1.0), "smile": (-2.0, 1.5), "upper_lip_raise": (0.0, 1.0),
    "lower_lip_depress": (0.0, 1.0), "smirk": (-1.0, 1.0), "brow_raise": (-1.0, 1.0), "brow_inner_raise": (0.0, 1.0),
    "blink_left": (-0.3, 1.0), "blink_right": (-0.3, 1.0), "gaze_x": (-1.0, 1.0), "gaze_y": (-1.0, 1.0),
    "lip_press": (0.0, 1.0), "tongue_tip": (0.0, 1.0),
}
LIPS_AT_REST_JAW = 0.3  # jaw_open from which the speech, not the emotion, decides the lips
# What the lips produce: everything the lip frame sets except time, pose and the eyes.
_NOT_LIPS = {"t_s", "yaw_deg", "pitch_deg", "roll_deg", "tx", "ty", "scale", "blink_left", "blink_right",
             "gaze_x", "gaze_y"}
LIP_PARAMETERS = tuple(f.name for f in fields(MotionFrame) if f.name not in _NOT_LIPS)
_FACE_PARAMETERS = ("brow_raise", "brow_inner_raise", "smile", "smirk")


def _clip(name: str, value: float) -> float:
    lo, hi = RANGES[name]
    return min(max(value, lo), hi)


class HolisticMotion:
    """`step(lips, prosody)`: the lips' MotionFrame for a frame, completed with everything else."""

    def __init__(self, controls: Controls, *, fps: int, photo: PhotoExpression = PhotoExpression()):
        """`photo`: the photo's own expression, which emotions undo (face.expression)."""
        self._photo = photo
        rngs = [np.random.default_rng(s) for s in np.random.SeedSequence(controls.seed).spawn(6)]
        self._timeline = ControlTimeline(controls)
        self._head = HeadMotion(rngs[0:3], fps=fps)
        self._gaze = GazeProcess(rngs[3], fps=fps)
        self._blinks = BlinkProcess(rngs[4], fps=fps)
        self._face = FaceDynamics(rngs[5], fps=fps)

    def step(self, lips: MotionFrame, prosody: Prosody) -> MotionFrame:
        c = self._timeline.at(lips.t_s)
        eyes, head_on, face_on = c.animate["eyes"], c.animate["head"], c.animate["face"]
        mood = emotion.blend(c.emotion, photo=self._photo)

        gaze_deg, large_saccade = self._gaze.step(prosody, free=c.gaze_free, lively=eyes,
                                                  held_deg=(c.gaze_yaw_deg, c.gaze_pitch_deg))
        away = self._gaze.away_deg
        head = self._head.step(prosody, liveliness=mood.liveliness,
                               gaze_away_deg=(away[0] * c.gaze_free * eyes, away[1] * c.gaze_free * eyes))
        head_gain = c.head_motion * head_on
        pose = HeadPose(yaw_deg=head_gain * head.yaw_deg, pitch_deg=head_gain * (head.pitch_deg + mood.posture_deg[0]),
                        roll_deg=head_gain * (head.roll_deg + mood.posture_deg[1]), tx=head_gain * head.tx,
                        ty=head_gain * head.ty)
        gaze_x, gaze_y = eye_in_head(*gaze_deg, pose.yaw_deg, pose.pitch_deg)

        closure = eyes * self._blinks.step(prosody, rate_per_min=c.blink_rate_per_min, large_saccade=large_saccade)
        face = self._face.step(prosody)
        face_gain = c.expressiveness * face_on
        # Lids: the emotion's and the voice's opening, then the blink closes from there fully.
        offsets = dict(mood.offsets)
        lid = offsets.pop("blink", 0.0) - face_gain * face.widen
        lid = lid + closure * (1.0 - lid)

        values = {name: c.animate["lips"] * getattr(lips, name) for name in LIP_PARAMETERS}
        if not prosody.speaking:
            # In a pause the lips' press is the pause closure (motion.lipsync.PauseClosure): it
            # gives way to a mouth the emotion holds open (surprise, a smile showing teeth).
            values["lip_press"] *= max(0.0, 1.0 - offsets.get("jaw_open", 0.0) / LIPS_AT_REST_JAW)
        for name in _FACE_PARAMETERS:
            values[name] += face_gain * getattr(face, name)
        for name, offset in offsets.items():
            values[name] += offset
        # Lips the photo shows apart are shut as the emotion asks while the voice rests (in pauses,
        # and even then an open mouth from the lips' own frame wins): speech articulates freely.
        at_rest = (1.0 - prosody.activity) * max(0.0, 1.0 - values["jaw_open"] / LIPS_AT_REST_JAW)
        values["lip_press"] += mood.closes_lips * at_rest
        values = {name: _clip(name, value) for name, value in values.items()}
        return lips.with_(**asdict(pose), scale=c.scale, **values, blink_left=_clip("blink_left", lid),
                          blink_right=_clip("blink_right", lid), gaze_x=gaze_x, gaze_y=gaze_y)
