"""Blinks: spontaneous at a set mean rate, more in the pauses between phrases, and at phrase
ends and with large gaze shifts.

Blinks cluster at pauses and ends of phrases, and come with large gaze shifts (Bentivoglio et
al. 1997; Evinger et al. 1994; Nakano and Kitazawa 2010). They last 100-400 ms, closing fast and
reopening slower, and some come in pairs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from facetalk.motion.prosody import Prosody

DURATION_RANGE_S = (0.1, 0.4)
DOUBLE_P = 0.1           # share of blinks followed at once by a second
PAUSE_FACTOR = 1.3       # the urge to blink grows this much faster in a pause between phrases...
PAUSE_S = 2.0            # ...one up to this long: past it the face is at rest, back to the set rate
PHRASE_END_RIPE = 0.4    # a phrase end brings on a blink whose urge has reached this share of its threshold
SACCADE_RIPE = 0.3       # ...and so does a large gaze shift


APEX = 0.4  # share of a blink spent closing; the lids are fully shut at this phase


def blink_profile(phase: float) -> float:
    """Lid closure 0..1 over a blink, phase 0..1: closes in the first 40%, reopens slower."""
    if phase < APEX:
        return math.sin(0.5 * math.pi * phase / APEX)
    return math.cos(0.5 * math.pi * (phase - APEX) / (1.0 - APEX)) ** 2


@dataclass(frozen=True)
class BlinkInput:
    """One frame's inputs to BlinkProcess: the blink rate in force, and whether a large gaze
    shift started."""

    prosody: Prosody
    rate_per_min: float
    large_saccade: bool


class BlinkProcess:
    """A FrameProcess (motion.process): BlinkInput -> lid closure 0..1 per frame, from an urge
    that grows at the set rate (faster in pauses) to a random threshold (gamma, mean 1: irregular
    intervals). Phrase ends and large gaze shifts bring on a blink once the urge is ripe enough,
    so blinks gather there, while the mean rate stays near the set one: those blinks come early,
    not extra."""

    def __init__(self, rng: np.random.Generator, *, fps: int):
        self.rng, self.fps = rng, fps
        self._dt = 1.0 / fps
        self._threshold = self._draw_threshold()
        self._urge = float(rng.uniform(0.0, 0.8)) * self._threshold  # mid-cycle: takes don't all start alike
        self._phase = -1.0          # position in the current blink, -1 when none
        self._duration = 0.2
        self._pending_s = -1.0      # a blink due in this many seconds, -1 when none
        self._doubled = False

    def step(self, inputs: BlinkInput, /) -> float:
        prosody, rate_per_min, large_saccade = inputs.prosody, inputs.rate_per_min, inputs.large_saccade
        u = float(self.rng.random())
        if self._phase >= 0.0:
            return self._advance()
        if self._pending_s >= 0.0:
            self._pending_s -= self._dt
            return self._start() if self._pending_s < 0.0 else 0.0
        if rate_per_min <= 0.0:
            return 0.0
        in_pause = not prosody.speaking and prosody.pause_s < PAUSE_S
        self._urge += self._dt * rate_per_min / 60.0 * (PAUSE_FACTOR if in_pause else 1.0)
        ripe = self._urge / self._threshold
        if ripe >= 1.0 or large_saccade and ripe >= SACCADE_RIPE and u < 0.6:
            return self._start()
        if prosody.phrase_end and ripe >= PHRASE_END_RIPE and u < 0.8:
            self._pending_s = float(self.rng.uniform(0.0, 0.2))  # within 200 ms of the phrase end
        return 0.0

    def _draw_threshold(self) -> float:
        return float(self.rng.gamma(2.0, 0.5))

    def _start(self) -> float:
        lo, hi = DURATION_RANGE_S
        self._duration = float(np.clip(self.rng.lognormal(math.log(0.2), 0.3), lo, hi))
        self._phase = 0.0
        self._pending_s = -1.0
        self._urge, self._threshold = 0.0, self._draw_threshold()
        return self._advance()

    def _advance(self) -> float:
        step = self._dt / self._duration
        # The frame nearest the apex shows the lids fully shut: sampled at the frame rate, a
        # blink would otherwise often peak short of closure and read as a flutter.
        closure = 1.0 if abs(self._phase - APEX) <= 0.5 * step else blink_profile(self._phase)
        self._phase += step
        if self._phase >= 1.0:
            self._phase = -1.0
            if not self._doubled and self.rng.random() < DOUBLE_P:
                self._doubled = True
                self._pending_s = float(self.rng.uniform(0.04, 0.12))
            else:
                self._doubled = False
        return closure
