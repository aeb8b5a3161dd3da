"""Upper-face and smile dynamics that go with the voice.

Brows rise on pitch accents and follow the pitch contour a little (Cave et al. 1996; Guaitella
et al. 2009), eyes widen slightly on strong accents, and a speaker's smile comes and goes:
a slow drift, and a short social smile now and then as a phrase ends.
"""

from __future__ import annotations

import numpy as np

from dataclasses import dataclass

from facetalk.face.rig import SMIRK_CORNER_LIFT
from facetalk.motion.dynamics import OnePole, SmoothNoise, Spring
from facetalk.motion.prosody import Prosody

SOCIAL_LEAN = 0.044  # mouth widths a full social smile's corner rises above the other one


@dataclass(frozen=True)
class FaceState:
    """One frame of the voice-driven face, in MotionFrame units; `widen` opens the lids (the
    opposite of a blink)."""

    brow_raise: float
    brow_inner_raise: float
    smile: float
    smirk: float
    widen: float


class FaceDynamics:
    """A FrameProcess (motion.process): Prosody -> FaceState per frame: offsets for brow_raise,
    brow_inner_raise, smile and smirk, and how far the voice widens the lids, at expressiveness 1."""

    def __init__(self, rng: np.random.Generator, *, fps: int):
        self.rng = rng
        self._dt = 1.0 / fps
        # Accent pulses rise in ~0.15 s and fade in ~0.5 s: a critically damped spring following
        # a slowly fading trace, so even the rise starts smoothly.
        self._brow_trace = OnePole(fps=fps, tau_s=0.35)
        self._brow = Spring(fps=fps, f_hz=2.0, zeta=1.0)
        self._widen_trace = OnePole(fps=fps, tau_s=0.25)
        self._widen = Spring(fps=fps, f_hz=2.0, zeta=1.0)
        self._contour = OnePole(fps=fps, tau_s=0.2)
        self._smile_drift = SmoothNoise(rng, fps=fps, tau_s=5.0, smooth_s=0.5)
        self._inner_drift = SmoothNoise(rng, fps=fps, tau_s=4.0, smooth_s=0.5)
        self._smile = OnePole(fps=fps, tau_s=0.35)
        self._smile_target = 0.0
        self._smile_left_s = 0.0
        self._smirk_side = 1.0 if rng.random() < 0.5 else -1.0  # this take's more mobile mouth corner

    def step(self, prosody: Prosody) -> FaceState:
        accent = prosody.accent
        if accent > 0.0:
            # Pitch prominence, more than loudness, raises the brows.
            lift = 0.35 * accent * (0.5 + 0.5 * min(max(prosody.pitch_st / 2.0, 0.0), 1.0))
            self._brow_trace.x = max(self._brow_trace.x, lift)
            if accent > 0.7:
                self._widen_trace.x = max(self._widen_trace.x, 0.12 * accent)
        brow = self._brow.step(self._brow_trace.step(0.0))
        contour = self._contour.step(0.04 * min(max(prosody.pitch_st, -3.0), 4.0) * prosody.activity)
        widen = self._widen.step(self._widen_trace.step(0.0))

        if prosody.phrase_end and self.rng.random() < 0.35:
            self._smile_target = float(self.rng.uniform(0.2, 0.4))
            self._smile_left_s = float(self.rng.uniform(0.8, 2.0))
        self._smile_left_s -= self._dt
        if self._smile_left_s <= 0.0:
            self._smile_target = 0.0
        social = self._smile.step(self._smile_target)
        smile = 0.06 * self._smile_drift.step() + social
        return FaceState(
            brow_raise=brow + contour,
            brow_inner_raise=max(0.04 * self._inner_drift.step(), 0.0),
            smile=smile,
            # A social smile leans to one side, 0.044 mouth widths at its fullest: the rig's smirk
            # lifts its corner 0.28 (face.rig.SMIRK_CORNER_LIFT, for contempt to read).
            smirk=SOCIAL_LEAN / SMIRK_CORNER_LIFT * self._smirk_side * social,
            widen=widen,
        )
