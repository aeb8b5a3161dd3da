"""The controls in force at each moment: a timeline's keyframes glide in, typed values come out."""

import dataclasses
import json

import pytest

from facetalk.config import COMPONENTS, EMOTIONS, Controls
from facetalk.motion.timeline import Animated, ControlTimeline


def test_components_are_the_configs():
    assert tuple(f.name for f in dataclasses.fields(Animated)) == COMPONENTS


def test_keyframes_glide_in_and_hold():
    timeline = json.dumps([{"t_s": 1.0, "emotion": "happy", "gaze": "10,-4", "animate_head": False},
                           {"t_s": 3.0, "distance": 2.0}])
    track = ControlTimeline(Controls(timeline=timeline, emotion_strength=0.5))
    start, middle, end = track.at(0.0), track.at(0.5), track.at(1.0)
    happy = EMOTIONS.index("happy")
    assert start.emotion[happy] == 0.0 and end.emotion[happy] == pytest.approx(0.5)
    assert 0.0 < middle.emotion[happy] < 0.5 and middle.emotion[happy] == pytest.approx(0.25)  # smoothstep's middle
    assert (end.gaze_yaw_deg, end.gaze_pitch_deg, end.gaze_free) == (10.0, -4.0, 0.0)
    assert start.animate == Animated(lips=1.0, eyes=1.0, head=1.0, face=1.0)
    assert end.animate.head == 0.0 and end.animate.lips == 1.0
    assert track.at(3.0).scale == pytest.approx(0.5) and track.at(9.0) == track.at(3.0)


def test_without_a_timeline_the_state_is_constant():
    track = ControlTimeline(Controls(emotion="sad", gaze="free"))
    assert track.at(0.0) is track.at(7.5)
    assert track.at(0.0).gaze_free == 1.0 and track.at(0.0).emotion[EMOTIONS.index("sad")] == 1.0


def test_a_keyframe_with_no_emotion_glides_back_to_the_photo():
    """`none` in a keyframe: every weight glides to 0 (the photo's own expression), a partial sum
    on the way; a later `neutral` glides in as a commanded emotion of its own."""
    timeline = json.dumps([{"t_s": 1.0, "emotion": "none"}, {"t_s": 3.0, "emotion": "neutral"}])
    track = ControlTimeline(Controls(timeline=timeline, emotion="happy", emotion_strength=0.8))
    happy, neutral = EMOTIONS.index("happy"), EMOTIONS.index("neutral")
    assert track.at(0.0).emotion[happy] == pytest.approx(0.8)
    assert sum(track.at(0.5).emotion) == pytest.approx(0.4)  # smoothstep's middle, toward none
    assert track.at(1.0).emotion == (0.0,) * len(EMOTIONS)
    assert track.at(2.0).emotion[neutral] == pytest.approx(0.4) and sum(track.at(2.0).emotion) == pytest.approx(0.4)
    assert track.at(3.0).emotion[neutral] == pytest.approx(0.8)
