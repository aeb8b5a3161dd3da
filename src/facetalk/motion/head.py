"""Head pose from prosody: nods on stressed syllables, sway while speaking, posture shifts at
phrase boundaries, slow drift and breathing.

Speakers' head movement follows the voice (Hadar et al. 1983; Graf et al. 2002; Munhall et al.
2004): nods and small turns land on stressed syllables, the head rises with the pitch, its
movement grows with vocal effort, and posture resets between phrases. Most of that movement
is go-and-return gestures at 0.5-3 Hz, so each comes out of an underdamped spring pushed by
smooth (low-passed) forces: velocity and acceleration stay continuous, with no jitter.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from facetalk.motion.dynamics import OnePole, SmoothNoise, Spring
from facetalk.motion.prosody import Prosody

AXES = ("yaw", "pitch", "roll")
SWAY_HZ = (1.2, 1.5, 1.0)           # resonance of each axis's gesture spring
SWAY_DEG = (5.0, 3.0, 2.2)          # speaking sway per axis at effort 1 (spring input, deg)
IDLE_DRIFT_DEG = (0.8, 0.6, 0.5)    # slow wander, speaking or not
POSTURE_DEG = (1.5, 1.0, 1.2)       # spread of the posture each phrase starts with
NOD_DEG = 9.0                       # nod push for a fully prominent syllable at effort 1
PITCH_RISE_DEG_PER_ST = 0.35        # the head rises with the voice's pitch
BREATH_DEG, BREATH_TY = 0.35, 0.002  # breathing: chin lift (deg) and head rise (face heights)


@dataclass(frozen=True)
class HeadPose:
    """One frame of head motion: rotation in degrees (MotionFrame's convention) and translation in
    frame widths."""

    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    tx: float
    ty: float


@dataclass(frozen=True)
class HeadInput:
    """One frame's inputs to HeadMotion: liveliness scales the speech-driven gestures (emotion);
    gaze_away_deg (yaw, pitch), where the eyes glance, turns the head a quarter of the way with them."""

    prosody: Prosody
    liveliness: float
    gaze_away_deg: tuple[float, float]


class HeadMotion:
    """Steps once per frame. Returns yaw/pitch/roll in degrees and tx/ty in face heights at
    head_motion 1 with no emotion; HolisticMotion scales and offsets them."""

    def __init__(self, rngs: list[np.random.Generator], *, fps: int):
        noise_rng, drift_rng, event_rng = rngs
        self.rng = event_rng
        self._dt = 1.0 / fps
        self._push_frames = max(1, round(0.12 * fps))  # a 120 ms push: the spring makes it a ~0.5 s nod
        self._drive = [SmoothNoise(noise_rng, fps=fps, tau_s=0.3, smooth_s=0.08) for _ in AXES]
        self._drive_mean = [OnePole(fps=fps, tau_s=0.5) for _ in AXES]  # taken out: sway goes and returns
        self._gesture = [Spring(fps=fps, f_hz=f, zeta=0.5) for f in SWAY_HZ]
        self._drift = [SmoothNoise(drift_rng, fps=fps, tau_s=5.0, smooth_s=0.6) for _ in AXES]
        self._translation = [SmoothNoise(drift_rng, fps=fps, tau_s=3.0, smooth_s=0.5) for _ in range(2)]
        self._posture_target = [0.0, 0.0, 0.0]
        self._posture = [Spring(fps=fps, f_hz=0.4, zeta=1.0) for _ in AXES]
        self._push = [OnePole(fps=fps, tau_s=0.05) for _ in AXES]  # smoothed gesture pushes
        self._push_left = [0, 0, 0]     # frames a push still lasts
        self._push_size = [0.0, 0.0, 0.0]
        self._effort = OnePole(fps=fps, tau_s=0.3, x0=1.0)
        self._phrase_gain_target = 1.0
        self._phrase_gain = OnePole(fps=fps, tau_s=0.5, x0=1.0)
        self._breath_phase = float(event_rng.uniform(0.0, 2.0 * math.pi))
        self._breath_rate = SmoothNoise(drift_rng, fps=fps, tau_s=6.0, smooth_s=1.0)

    def step(self, inputs: HeadInput, /) -> HeadPose:
        prosody, liveliness, gaze_away_deg = inputs.prosody, inputs.liveliness, inputs.gaze_away_deg
        effort = self._effort.step(prosody.effort if prosody.speaking else 1.0)
        if prosody.phrase_start:
            self._posture_target = [float(self.rng.normal(0.0, s)) for s in POSTURE_DEG]
            # Some phrases are said with more movement than others.
            self._phrase_gain_target = float(np.clip(self.rng.lognormal(0.0, 0.35), 0.5, 1.8))
        if prosody.phrase_end:
            self._posture_target[1] += 1.0  # the head settles a little as a phrase ends
        if prosody.accent > 0.3:
            self._gesture_push(prosody.accent * effort * liveliness)

        gain = prosody.activity * effort * liveliness * self._phrase_gain.step(self._phrase_gain_target)
        pose = []
        for a in range(3):
            push = self._push[a].step(self._push_size[a] if self._push_left[a] > 0 else 0.0)
            self._push_left[a] -= 1
            drive = self._drive[a].step()
            force = SWAY_DEG[a] * gain * (drive - self._drive_mean[a].step(drive)) + push
            if a == 1:
                force -= PITCH_RISE_DEG_PER_ST * prosody.pitch_st * liveliness
            posture_target = self._posture_target[a] + (0.25 * gaze_away_deg[a] if a < 2 else 0.0)
            pose.append(self._gesture[a].step(force) + self._posture[a].step(posture_target)
                        + IDLE_DRIFT_DEG[a] * self._drift[a].step())
        breath = self._breath()
        yaw, pitch, roll = pose
        return HeadPose(
            yaw_deg=yaw,
            pitch_deg=pitch - BREATH_DEG * breath,
            roll_deg=roll + 0.2 * yaw,  # turning and tilting go together
            tx=0.004 * self._translation[0].step() + 0.0015 * yaw,
            ty=0.003 * self._translation[1].step() - BREATH_TY * breath,
        )

    def _gesture_push(self, strength: float) -> None:
        """A stressed syllable: a nod (pitch down, then back), and sometimes a small turn or tilt."""
        rng, frames = self.rng, self._push_frames
        self._push_left[1], self._push_size[1] = frames, NOD_DEG * strength * float(rng.uniform(0.6, 1.2))
        if rng.random() < 0.35:
            axis = 0 if rng.random() < 0.7 else 2
            self._push_left[axis] = frames
            self._push_size[axis] = float(rng.choice((-1.0, 1.0))) * 0.7 * NOD_DEG * strength

    def _breath(self) -> float:
        """-1..1, a breathing cycle of about 4 s whose rate wanders a little."""
        self._breath_phase += 2.0 * math.pi * self._dt * 0.25 * (1.0 + 0.15 * self._breath_rate.step())
        return math.sin(self._breath_phase)
