"""The controls in force at each moment: Controls' own values, changed over time by its timeline.

Every control becomes numbers that can be blended (an emotion a one-hot vector over EMOTIONS,
a gaze its (free, yaw, pitch), a switch 0 or 1), and between two keyframes a control glides
along a smoothstep, so it starts and ends each change with zero velocity: no jumps, no kinks.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

import numpy as np

from facetalk.config import COMPONENTS, EMOTIONS, Controls


@dataclass(frozen=True)
class Animated:
    """How far each component of COMPONENTS is animated, 0..1 (fractional mid-change)."""

    lips: float
    eyes: float
    head: float
    face: float


@dataclass(frozen=True)
class ControlState:
    """Controls at one instant, as numbers. emotion: weights over EMOTIONS (one-hot times
    emotion_strength; all 0 for `none`, config.NO_EMOTION; gliding between two emotions they sum
    to the strength, gliding to or from `none` to a part of it)."""

    head_motion: float
    blink_rate_per_min: float
    expressiveness: float
    emotion: tuple[float, ...]
    scale: float
    gaze_free: float
    gaze_yaw_deg: float
    gaze_pitch_deg: float
    animate: Animated


def _vector(name: str, controls: Controls) -> tuple[float, ...]:
    """Control `name` of `controls` as numbers that blend."""
    if name == "emotion":
        return tuple(float(e == controls.emotion) for e in EMOTIONS)
    if name == "gaze":
        gaze = controls.gaze_target
        return float(gaze.free), gaze.yaw_deg, gaze.pitch_deg
    return (float(getattr(controls, name)),)


class _Track:
    """Keyframed values of one control: (t_s, vector) pairs, smoothstep between them."""

    def __init__(self, points: list[tuple[float, tuple[float, ...]]]):
        self.times = [t for t, _ in points]
        self.values = np.array([v for _, v in points], dtype=np.float64)

    def at(self, t_s: float) -> np.ndarray:
        i = bisect.bisect_right(self.times, t_s) - 1
        if i < 0:
            return self.values[0]
        if i == len(self.times) - 1:
            return self.values[i]
        s = (t_s - self.times[i]) / (self.times[i + 1] - self.times[i])
        s = s * s * (3.0 - 2.0 * s)
        return self.values[i] + s * (self.values[i + 1] - self.values[i])


class ControlTimeline:
    """`at(t_s)` gives the ControlState in force at time t_s."""

    def __init__(self, controls: Controls):
        tracks: dict[str, list[tuple[float, tuple[float, ...]]]] = {}
        for name in ("head_motion", "blink_rate_per_min", "expressiveness", "emotion", "emotion_strength", "gaze",
                     "distance", *(f"animate_{c}" for c in COMPONENTS)):
            tracks[name] = [(0.0, _vector(name, controls))]
        for keyframe in controls.keyframes:
            for name in keyframe.names:
                points = tracks[name]
                if keyframe.t_s == 0.0:  # a keyframe at 0 replaces the starting value
                    points.clear()
                points.append((keyframe.t_s, _vector(name, keyframe.values)))
        self._tracks = {name: _Track(points) for name, points in tracks.items()}
        self._constant = self._state(0.0) if not controls.keyframes else None

    def at(self, t_s: float) -> ControlState:
        return self._constant or self._state(t_s)

    def _state(self, t_s: float) -> ControlState:
        value = {name: track.at(t_s) for name, track in self._tracks.items()}
        free, yaw, pitch = value["gaze"]
        return ControlState(
            head_motion=float(value["head_motion"][0]),
            blink_rate_per_min=float(value["blink_rate_per_min"][0]),
            expressiveness=float(value["expressiveness"][0]),
            emotion=tuple(float(w) * float(value["emotion_strength"][0]) for w in value["emotion"]),
            scale=1.0 / float(value["distance"][0]),
            gaze_free=float(free), gaze_yaw_deg=float(yaw), gaze_pitch_deg=float(pitch),
            animate=Animated(**{c: float(value[f"animate_{c}"][0]) for c in COMPONENTS}),
        )
