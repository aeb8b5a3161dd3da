"""Where the eyes look, in degrees relative to the camera (yaw + toward the image's right, pitch
+ down), and how that becomes the rig's eye-in-head gaze_x / gaze_y.

The eyes fixate, drift a little, and jump in saccades (done within 2-3 frames, as real saccades
take 30-80 ms). In `free` gaze a speaker looks mostly at the camera, glances away now and then,
more often as an utterance starts, and looks away to think in pauses, coming back when speech
resumes (Kendon 1967; Argyle and Cook 1976). Held gaze (the camera, or a direction) keeps only
the fixational drift.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from facetalk.motion.dynamics import SmoothNoise
from facetalk.motion.prosody import Prosody

# Eye rotation at gaze_x / gaze_y = +-1: the rig slides the iris 0.22 / 0.12 eye widths, which
# on a 12 mm eyeball in a 30 mm eye opening is about 33 / 17 degrees.
GAZE_X_DEG, GAZE_Y_DEG = 30.0, 20.0
SACCADE_TAU_S = 0.03    # a saccade closes the distance to its target with this time constant
LARGE_SACCADE_DEG = 5.0


def eye_in_head(yaw_deg: float, pitch_deg: float, head_yaw_deg: float, head_pitch_deg: float) -> tuple[float, float]:
    """gaze_x, gaze_y that look in direction (yaw, pitch) from a head turned (head_yaw, head_pitch):
    the eyes counter-rotate the head, as the vestibulo-ocular reflex keeps them on target."""
    x = (yaw_deg - head_yaw_deg) / GAZE_X_DEG
    y = (pitch_deg - head_pitch_deg) / GAZE_Y_DEG
    return min(max(x, -1.0), 1.0), min(max(y, -1.0), 1.0)


@dataclass(frozen=True)
class GazeInput:
    """One frame's inputs to GazeProcess. free: 0..1 weight of the free process over the held
    direction `held_deg` (yaw, pitch); lively 0..1 scales the drift and the free process (0: the
    eyes hold their target exactly)."""

    prosody: Prosody
    free: float
    held_deg: tuple[float, float]
    lively: float


@dataclass(frozen=True)
class GazeOutput:
    """Where the eyes look, (yaw, pitch) in degrees, and whether a large saccade started (blinks
    often come with them)."""

    direction_deg: tuple[float, float]
    large_saccade: bool


class GazeProcess:
    """A FrameProcess (motion.process): GazeInput -> GazeOutput."""

    def __init__(self, rng: np.random.Generator, *, fps: int):
        self.rng, self.fps = rng, fps
        self._dt = 1.0 / fps
        self._saccade_rate = 1.0 - math.exp(-self._dt / SACCADE_TAU_S)  # ~3/4 per frame at 25 fps
        self._drift = (SmoothNoise(rng, fps=fps, tau_s=0.8, smooth_s=0.2),
                       SmoothNoise(rng, fps=fps, tau_s=0.8, smooth_s=0.2))
        self._target = (0.0, 0.0)   # the free process's fixation point
        self._gaze = [0.0, 0.0]     # where the free process's eyes are now
        self._away = False
        self._thinking = False
        self._hold_s = float(rng.uniform(0.5, 2.0))  # time left on the current fixation

    @property
    def away_deg(self) -> tuple[float, float]:
        """The free process's current fixation point when it looks away, else (0, 0)."""
        return self._target if self._away else (0.0, 0.0)

    def step(self, inputs: GazeInput, /) -> GazeOutput:
        large = self._free_step(inputs.prosody)
        weight = inputs.free * inputs.lively
        drift = 0.4 * inputs.lively
        held = inputs.held_deg
        yaw = (1.0 - weight) * held[0] + weight * self._gaze[0] + drift * self._drift[0].step()
        pitch = (1.0 - weight) * held[1] + weight * self._gaze[1] + drift * self._drift[1].step()
        return GazeOutput(direction_deg=(yaw, pitch), large_saccade=large and weight > 0.5)

    def _free_step(self, prosody: Prosody) -> bool:
        rng, dt = self.rng, self._dt
        self._hold_s -= dt
        u = float(rng.random())
        previous = self._target
        if self._away:
            if prosody.phrase_start and self._thinking:  # speech resumes: back soon after
                self._hold_s = min(self._hold_s, float(rng.uniform(0.1, 0.4)))
            if self._hold_s <= 0.0:
                self._look_at_camera()
        elif prosody.phrase_start and u < 0.15:  # planning what to say
            self._look_away(thinking=False, duration_s=float(rng.uniform(0.3, 0.8)))
        elif prosody.speaking and u < 0.05 * dt:
            self._look_away(thinking=False, duration_s=float(rng.uniform(0.4, 1.0)))
        elif not prosody.speaking and 0.2 < prosody.pause_s < 3.0 and u < 1.2 * dt:
            self._look_away(thinking=True, duration_s=float(rng.uniform(1.5, 3.0)))
        elif not prosody.speaking and prosody.pause_s >= 3.0 and u < 0.12 * dt:  # at rest, now and then
            self._look_away(thinking=False, duration_s=float(rng.uniform(0.8, 2.5)))
        elif self._hold_s <= 0.0:
            # Small saccades around the camera, as between a listener's eyes and mouth.
            self._target = (float(rng.normal(0.0, 0.8)), float(rng.normal(0.0, 0.5)))
            self._hold_s = float(rng.uniform(0.5, 2.5))
        for i in range(2):
            self._gaze[i] += self._saccade_rate * (self._target[i] - self._gaze[i])
        return math.dist(previous, self._target) > LARGE_SACCADE_DEG

    def _look_away(self, *, thinking: bool, duration_s: float) -> None:
        rng = self.rng
        side = 1.0 if rng.random() < 0.5 else -1.0
        yaw = side * float(rng.uniform(6.0, 15.0))
        # Thinking glances go up and aside more often than down.
        pitch = float(rng.normal(-4.0 if thinking else 1.0, 4.0))
        self._target = (yaw, min(max(pitch, -12.0), 10.0))
        self._away, self._thinking = True, thinking
        self._hold_s = duration_s

    def _look_at_camera(self) -> None:
        self._target = (float(self.rng.normal(0.0, 0.8)), float(self.rng.normal(0.0, 0.5)))
        self._away = False
        self._hold_s = float(self.rng.uniform(1.0, 3.0))
