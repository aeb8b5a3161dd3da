"""Audio features -> mouth parameters (the hand-made mapping; a learned model replaces it later).

Loudness, gated against a running speech level, sets how far the mouth may open; the first
formant proxy (f1_hz) scales the jaw (open vowels have a high F1, closed vowels and nasals a
low one); fricative energy (high_ratio) narrows it; the second formant proxy (f2_hz) spreads
or rounds the lips. Asymmetric smoothing opens fast and closes a little slower, as lips do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from facetalk.audio.features import AudioFeatures


@dataclass(frozen=True)
class MouthShape:
    """(T,) arrays in MotionFrame units."""

    jaw_open: np.ndarray
    lip_spread: np.ndarray


class LipMapper:
    """Stateful, frame-causal mapping: feed feature batches in order."""

    SILENCE_DB = -50.0        # below this the mouth is shut whatever the running level
    DYNAMIC_RANGE_DB = 28.0   # from the running speech peak down to closed

    def __init__(self, *, fps: int, gain: float = 1.0):
        self.gain = gain
        dt = 1.0 / fps
        self._attack = 1.0 - math.exp(-dt / 0.025)
        self._release = 1.0 - math.exp(-dt / 0.045)
        self._peak_decay_db = 3.0 * dt  # running peak falls 3 dB per second
        self._peak_db = -20.0
        self._jaw = 0.0
        self._spread = 0.0

    def __call__(self, feats: AudioFeatures) -> MouthShape:
        n = len(feats)
        jaw = np.zeros(n, np.float32)
        spread = np.zeros(n, np.float32)
        for i in range(n):
            jaw[i], spread[i] = self._step(feats, i)
        return MouthShape(jaw_open=jaw, lip_spread=spread)

    def _step(self, f: AudioFeatures, i: int) -> tuple[float, float]:
        loud = float(f.loudness_db[i])
        self._peak_db = max(loud, self._peak_db - self._peak_decay_db, self.SILENCE_DB + 10.0)
        level = (loud - (self._peak_db - self.DYNAMIC_RANGE_DB)) / self.DYNAMIC_RANGE_DB
        level = min(max(level, 0.0), 1.0) if loud > self.SILENCE_DB else 0.0
        vowel = min(max((float(f.f1_hz[i]) - 250.0) / 450.0, 0.2), 1.0)
        fricative = min(max((float(f.high_ratio[i]) - 0.15) / 0.5, 0.0), 1.0)
        target_jaw = self.gain * level ** 0.8 * vowel * (1.0 - 0.6 * fricative)
        voiced = min(max((float(f.low_ratio[i]) - 0.3) / 0.4, 0.0), 1.0) * level
        target_spread = float(np.clip((float(f.f2_hz[i]) - 1600.0) / 500.0, -1.0, 1.0)) * voiced * 0.6

        rate = self._attack if target_jaw > self._jaw else self._release
        self._jaw += rate * (target_jaw - self._jaw)
        self._spread += self._release * (target_spread - self._spread)
        return min(max(self._jaw, 0.0), 1.0), self._spread
