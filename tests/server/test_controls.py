"""Controls come from the dataclass fields: fields added to Controls work without server changes."""

from dataclasses import dataclass

import pytest

from facetalk.config import Controls
from facetalk.server import controls as controls_module
from facetalk.server.controls import controls_from_json, controls_schema


@dataclass(frozen=True)
class FutureControls:
    seed: int = 0
    head_motion: float = 1.0
    gaze: str = "camera"
    distance: float = 1.0
    emotion: str = "neutral"
    emotion_strength: float = 0.0
    subtitles: bool = False

    def __post_init__(self):
        if not 0.5 <= self.distance <= 2.0:
            raise ValueError(f"distance must be 0.5..2, not {self.distance}")


def test_today_controls_round_trip():
    assert controls_from_json({}) == Controls()
    assert controls_from_json({"seed": 7, "head_motion": 0, "mouth_gain": 1.5}) == Controls(
        seed=7, head_motion=0.0, mouth_gain=1.5)
    assert controls_from_json({"seed": 3.0}).seed == 3


def test_new_fields_are_listed_and_accepted(monkeypatch):
    monkeypatch.setattr(controls_module, "Controls", FutureControls)
    schema = {c["name"]: (c["type"], c["default"]) for c in controls_schema()}
    assert schema["gaze"] == ("str", "camera") and schema["distance"] == ("float", 1.0)
    assert schema["emotion_strength"] == ("float", 0.0) and schema["subtitles"] == ("bool", False)
    chosen = controls_from_json({"gaze": "10,-5", "distance": 1.5, "emotion": "happy", "emotion_strength": 1,
                                 "subtitles": True})
    assert chosen == FutureControls(gaze="10,-5", distance=1.5, emotion="happy", emotion_strength=1.0,
                                    subtitles=True)
    assert isinstance(chosen.emotion_strength, float)


@pytest.mark.parametrize("data, words", [
    ({"distance": 3}, "distance must be 0.5..2"),
    ({"gaze": 5}, "'gaze' must be a string"),
    ({"subtitles": 1}, "'subtitles' must be true or false"),
    ({"distance": "near"}, "'distance' must be a finite number"),
    ({"distance": float("nan")}, "finite number"),
    ({"head_motion": True}, "finite number"),
    ({"seed": "1"}, "'seed' must be an integer"),
    ({"mood": "grumpy"}, "unknown control 'mood'"),
    ([1, 2], "JSON object"),
])
def test_bad_values_name_the_field(monkeypatch, data, words):
    monkeypatch.setattr(controls_module, "Controls", FutureControls)
    with pytest.raises(ValueError, match=None) as err:
        controls_from_json(data)
    assert words in str(err.value)


def test_no_emotion_and_a_commanded_neutral_are_distinct_choices():
    """A request's `none` is the default (the photo's own expression); `neutral` is an emotion."""
    assert controls_from_json({"emotion": "none"}) == Controls() == Controls(emotion="none")
    assert controls_from_json({"emotion": "neutral"}) == Controls(emotion="neutral") != Controls()
    choices = {c["name"]: c.get("choices") for c in controls_schema()}["emotion"]
    assert choices[:2] == ("none", "neutral") and "contempt" in choices
