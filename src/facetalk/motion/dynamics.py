"""Smooth signals stepped once per video frame: the building blocks of head, gaze and face motion.

Nothing here jumps from one frame to the next: random drives are low-passed before they move
anything, and movements come out of damped springs, so velocities are continuous.
"""

from __future__ import annotations

import math

import numpy as np


class OnePole:
    """First-order low-pass: follows its input with time constant `tau_s`."""

    def __init__(self, *, fps: int, tau_s: float, x0: float = 0.0):
        self._a = 1.0 - math.exp(-1.0 / (fps * tau_s))
        self.x = x0

    def step(self, u: float) -> float:
        self.x += self._a * (u - self.x)
        return self.x


class SmoothNoise:
    """Band-limited random drift with unit standard deviation (approximately): an
    Ornstein-Uhlenbeck process wandering on a `tau_s` time scale, then a one-pole low-pass of
    `smooth_s` that removes its frame-to-frame roughness. One normal draw per step."""

    def __init__(self, rng: np.random.Generator, *, fps: int, tau_s: float, smooth_s: float = 0.15):
        self.rng = rng
        self._a = math.exp(-1.0 / (fps * tau_s))
        self._noise = math.sqrt(1.0 - self._a ** 2)
        x0 = float(rng.normal())
        self._x = x0
        self._lp = OnePole(fps=fps, tau_s=smooth_s, x0=x0)

    def step(self) -> float:
        self._x = self._a * self._x + self._noise * float(self.rng.normal())
        return self._lp.step(self._x)


class Spring:
    """A damped spring pulled toward its input: x'' = w^2 (u - x) - 2 zeta w x', w = 2 pi f_hz.

    Underdamped (zeta < 1), a brief push on u gives a go-and-return movement (a nod, a turn)
    at about `f_hz`; critically damped (zeta = 1), a step on u gives a smooth glide. DC gain 1.
    Integrated with semi-implicit Euler substeps, stable and accurate for f_hz up to ~fps / 4.
    """

    SUBSTEPS = 4

    def __init__(self, *, fps: int, f_hz: float, zeta: float):
        self._w = 2.0 * math.pi * f_hz
        self._zeta = zeta
        self._dt = 1.0 / (fps * self.SUBSTEPS)
        self.x = 0.0
        self.v = 0.0

    def step(self, u: float) -> float:
        w, dt = self._w, self._dt
        for _ in range(self.SUBSTEPS):
            self.v += dt * (w * w * (u - self.x) - 2.0 * self._zeta * w * self.v)
            self.x += dt * self.v
        return self.x
