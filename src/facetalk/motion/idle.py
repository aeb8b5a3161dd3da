"""Motion that is not the lips: blinks, head sway and nods, gaze, brows.

Every process draws from its own generator spawned from the seed, and advances exactly one
step per frame, so the result does not depend on how the audio was chunked.
"""

from __future__ import annotations

import math

import numpy as np


def _blink_profile(phase: float) -> float:
    """Lid closure 0..1 over a blink, phase 0..1: closes in the first 40%, reopens slower."""
    if phase < 0.4:
        return math.sin(0.5 * math.pi * phase / 0.4)
    return math.cos(0.5 * math.pi * (phase - 0.4) / 0.6) ** 2


class BlinkProcess:
    """Blinks at a human rate: gamma-distributed intervals, 150-300 ms each, some doubled."""

    def __init__(self, rng: np.random.Generator, *, fps: int, rate_per_min: float):
        self.rng, self.fps = rng, fps
        self.mean_interval_s = 60.0 / max(rate_per_min, 1e-3)
        self._t = 0.0
        self._start = self._next_gap(first=True)
        self._duration = self._draw_duration()

    def _next_gap(self, *, first: bool = False) -> float:
        gap = self.rng.gamma(3.0, self.mean_interval_s / 3.0)
        return (0.3 + 0.7 * self.rng.random()) * self.mean_interval_s * 0.6 if first else max(gap, 0.6)

    def _draw_duration(self) -> float:
        return float(self.rng.uniform(0.15, 0.3))

    def step(self) -> float:
        t = self._t
        self._t += 1.0 / self.fps
        phase = (t - self._start) / self._duration
        if phase >= 1.0:
            double = self.rng.random() < 0.12
            self._start = t + (float(self.rng.uniform(0.05, 0.15)) if double else self._next_gap())
            self._duration = self._draw_duration()
            phase = (t - self._start) / self._duration
        return _blink_profile(phase) if 0.0 <= phase < 1.0 else 0.0


class SmoothNoise:
    """Band-limited random drift: an Ornstein-Uhlenbeck process, then a one-pole low-pass, so it
    wanders on a ~`tau_s` time scale with no frame-to-frame jitter. Unit stationary std (approx)."""

    def __init__(self, rng: np.random.Generator, *, fps: int, tau_s: float, smooth_s: float = 0.15):
        self.rng = rng
        dt = 1.0 / fps
        self._a = math.exp(-dt / tau_s)
        self._noise = math.sqrt(1.0 - self._a ** 2)
        self._b = 1.0 - math.exp(-dt / smooth_s)
        self._x = float(rng.normal())
        self._y = self._x

    def step(self) -> float:
        self._x = self._a * self._x + self._noise * float(self.rng.normal())
        self._y += self._b * (self._x - self._y)
        return self._y


class HeadAndFace:
    """Head pose, gaze and brows driven by speech activity and smooth noise."""

    def __init__(self, seed: int, *, fps: int, head_motion: float, blink_rate_per_min: float):
        streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(8)]
        self.fps = fps
        self.head_motion = head_motion
        self.blinks = BlinkProcess(streams[0], fps=fps, rate_per_min=blink_rate_per_min)
        self._yaw = SmoothNoise(streams[1], fps=fps, tau_s=1.6)
        self._pitch = SmoothNoise(streams[2], fps=fps, tau_s=1.2)
        self._roll = SmoothNoise(streams[3], fps=fps, tau_s=2.0)
        self._tx = SmoothNoise(streams[4], fps=fps, tau_s=2.5)
        self._ty = SmoothNoise(streams[5], fps=fps, tau_s=2.5)
        self._gaze_rng = streams[6]
        self._gaze_target = (0.0, 0.0)
        self._gaze = [0.0, 0.0]
        self._next_saccade = float(self._gaze_rng.uniform(0.8, 2.5))
        self._t = 0.0
        dt = 1.0 / fps
        self._activity_rate = 1.0 - math.exp(-dt / 0.6)
        self._nod_rate = 1.0 - math.exp(-dt / 0.12)
        self._activity = 0.0
        self._nod = 0.0
        self._prev_level = 0.0

    def step(self, speech_level: float) -> dict[str, float]:
        """One frame. `speech_level` 0..1 is how loud speech is now (0 in silence)."""
        self._t += 1.0 / self.fps
        self._activity += self._activity_rate * (speech_level - self._activity)
        onset = max(0.0, speech_level - self._prev_level)
        self._prev_level = speech_level
        self._nod += self._nod_rate * (onset - self._nod)
        amp = self.head_motion * (0.45 + 0.9 * self._activity)
        blink = self.blinks.step()
        return {
            "yaw_deg": 3.0 * amp * self._yaw.step(),
            "pitch_deg": 2.0 * amp * self._pitch.step() + 6.0 * self.head_motion * self._nod,
            "roll_deg": 1.5 * amp * self._roll.step(),
            "tx": 0.008 * amp * self._tx.step(),
            "ty": 0.006 * amp * self._ty.step(),
            "brow_raise": min(1.0, 2.5 * self._nod + 0.15 * self._activity),
            "blink_left": blink,
            "blink_right": blink,
            **self._gaze_step(),
        }

    def _gaze_step(self) -> dict[str, float]:
        # Mostly on the camera; every 1-3 s a small saccade, completed within ~2 frames.
        if self._t >= self._next_saccade:
            rng = self._gaze_rng
            on_camera = rng.random() < 0.6
            off = np.clip(rng.normal(0.0, (0.25, 0.12)), -0.8, 0.8)
            self._gaze_target = (0.0, 0.0) if on_camera else (float(off[0]), float(off[1]))
            self._next_saccade = self._t + float(rng.uniform(0.8, 3.0))
        for i in range(2):
            self._gaze[i] += 0.7 * (self._gaze_target[i] - self._gaze[i])
        return {"gaze_x": self._gaze[0], "gaze_y": self._gaze[1]}
