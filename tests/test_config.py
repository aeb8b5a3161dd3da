import dataclasses
import json

import pytest

from facetalk.config import (COMPONENTS, EMOTIONS, TIMED_CONTROLS, Config, Controls, Gaze, animate_components,
                             parse_gaze, parse_timeline)


def test_defaults_are_simple_types_with_help():
    for f in dataclasses.fields(Controls):
        assert type(f.default) in (str, float, int, bool), f.name
        assert f.metadata["help"], f.name
    assert Controls().gaze == "camera" and Controls().distance == 1.0 and Controls().emotion == "none"
    assert json.loads(Config().to_json())["controls"]["animate_lips"] is True


@pytest.mark.parametrize("values, message", [
    ({"distance": 3.0}, "distance must be 0.5..2, not 3"),
    ({"emotion": "joy"}, "emotion must be one of none, neutral, happy"),
    ({"emotion_strength": -0.1}, "emotion_strength must be 0..1"),
    ({"expressiveness": 2.5}, "expressiveness must be 0..2"),
    ({"head_motion": "a lot"}, "head_motion must be a number"),
    ({"animate_eyes": 1}, "animate_eyes must be true or false"),
    ({"seed": -1}, "seed must be at least 0"),
    ({"seed": 1.5}, "seed must be an integer"),
    ({"gaze": "left"}, "gaze must be 'camera', 'free' or 'yaw,pitch'"),
    ({"gaze": "45,0"}, "gaze yaw must be within ±30° and pitch within ±20°"),
    ({"blink_rate_per_min": float("nan")}, "blink_rate_per_min must be a number"),
])
def test_bad_values_say_which_and_why(values, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(")):
        Controls(**values)


def test_gaze_forms():
    assert parse_gaze("camera") == Gaze(free=False, yaw_deg=0.0, pitch_deg=0.0)
    assert parse_gaze("free") == Gaze(free=True, yaw_deg=0.0, pitch_deg=0.0)
    assert parse_gaze("12.5,-4") == Gaze(free=False, yaw_deg=12.5, pitch_deg=-4.0)
    assert Controls(gaze="12.5,-4").gaze_target == parse_gaze("12.5,-4")


def test_animate_components():
    assert animate_components("lips") == {"animate_lips": True, "animate_eyes": False, "animate_head": False,
                                          "animate_face": False}
    assert all(animate_components(",".join(COMPONENTS)).values())
    for bad in ("", "lips,nose", "all"):
        with pytest.raises(ValueError, match="comma-separated list of lips, eyes, head, face"):
            animate_components(bad)


def test_timeline_keyframes():
    text = json.dumps([{"t_s": 0, "emotion": "sad"}, {"t_s": 2.5, "gaze": "free", "distance": 1.5,
                                                       "animate_head": False}])
    second = parse_timeline(text)[1]
    assert "distance" in second.names and second.values.distance == 1.5
    assert json.loads(Controls(timeline=text).timeline) == json.loads(text)
    assert Controls(timeline=text).keyframes == parse_timeline(text)
    assert parse_timeline("") == () and "seed" not in TIMED_CONTROLS and set(EMOTIONS) >= {"happy", "contempt"}


def test_the_same_keyframes_give_equal_controls_however_the_text_is_laid_out():
    """The timeline is kept as compact JSON (parsed once, where it comes in): batch names outputs
    after the controls, and a reformatted timeline must not render its rows again."""
    keyframes = [{"t_s": 1, "emotion": "happy"}, {"t_s": 2, "distance": 1}]
    a, b = Controls(timeline=json.dumps(keyframes)), Controls(timeline=json.dumps(keyframes, indent=4) + "\n\n")
    reordered = Controls(timeline='[{"emotion": "happy", "t_s": 1.0}, {"distance": 1.0, "t_s": 2}]')
    assert a == b == reordered and repr(a) == repr(b) == repr(reordered)
    assert a.timeline == '[{"emotion":"happy","t_s":1.0},{"distance":1.0,"t_s":2.0}]'
    assert Controls(timeline=a.timeline) == a  # what it keeps reads back the same
    assert Controls(timeline=" \n").timeline == "" and Controls(timeline="[]").timeline == ""


@pytest.mark.parametrize("keyframes, message", [
    ('{"t_s": 1}', "timeline must be a JSON list of keyframes"),
    ('[{"t_s": 1', "timeline is not valid JSON"),
    ('[3]', "keyframe 1 must be a JSON object"),
    ('[{"emotion": "sad"}]', "keyframe 1 needs a time 't_s'"),
    ('[{"t_s": -1, "emotion": "sad"}]', "keyframe 1 needs a time 't_s'"),
    ('[{"t_s": 2, "emotion": "sad"}, {"t_s": 1, "emotion": "happy"}]', "keyframe 2: t_s 1 must come after"),
    ('[{"t_s": 1}]', "keyframe 1 .t_s 1. sets no control"),
    ('[{"t_s": 1, "seed": 3}]', "keyframe 1 .t_s 1.: unknown or fixed control 'seed'"),
    ('[{"t_s": 1, "smile": 1}]', "unknown or fixed control 'smile'"),
    ('[{"t_s": 1, "emotion": "sad"}, {"t_s": 2, "distance": "far"}]', "keyframe 2 .t_s 2.: distance must be a number"),
])
def test_bad_timelines_name_the_keyframe(keyframes, message):
    with pytest.raises(ValueError, match=message):
        Controls(timeline=keyframes)


def test_config_json_round_trip_and_errors():
    from dataclasses import replace

    from facetalk.config import Config

    config = Config()
    changed = replace(config, controls=replace(config.controls, emotion="sad", seed=3, gaze="10,-5",
                                               timeline='[{"t_s":1,"distance":1.3}]'),
                      framing=replace(config.framing, size=256, face_index=1))
    assert Config.from_json(changed.to_json()) == changed
    assert Config.from_json("{}") == config  # everything left out: the defaults
    for text, words in [("[]", "JSON object"), ('{"audio": {}}', "unknown config section 'audio'"),
                        ('{"video": {"crf": "high"}}', "'video.crf' must be int"),
                        ('{"controls": {"seed": true}}', "'controls.seed' must be int"),
                        ('{"motion": {"fps": 500}}', "fps must be 1..120"),
                        ('{"controls": {"emotion": "bored"}}', "emotion"), ("[" * 100 + "]" * 100, "nested")]:
        with pytest.raises(ValueError, match=words):
            Config.from_json(text)


@pytest.mark.parametrize("text, words", [('{"video": {"audio_sr": 44100}}', "16000"),
                                         ('{"framing": {"margin": -5}}', "margin"),
                                         ('{"framing": {"min_face_px": 0}}', "min_face_px"),
                                         ('{"framing": {"face_index": -1}}', "face_index")])
def test_config_values_out_of_range_are_refused(text, words):
    from facetalk.config import Config

    with pytest.raises(ValueError, match=words):
        Config.from_json(text)


def test_json_nesting_check_is_linear():
    """The depth check reads each character once: a megabyte of escaped quotes (which would make a
    regex for strings backtrack for minutes) takes a fraction of a second."""
    import time

    from facetalk.jsontext import nesting_depth

    start = time.monotonic()
    assert nesting_depth('"' + '\\"' * 500_000) == 0
    assert nesting_depth('{"a": "[[[\\"]]", "b": [[1], {"c": [2]}]}') == 4
    assert time.monotonic() - start < 5.0


@pytest.mark.parametrize("emotion", ["none", "neutral"])
def test_no_emotion_and_neutral_survive_a_save_and_load(emotion):
    """A saved config keeps `none` (the photo's own expression) and `neutral` (a neutral face)
    apart: each loads back as itself."""
    config = dataclasses.replace(Config(), controls=dataclasses.replace(Config().controls, emotion=emotion))
    assert json.loads(config.to_json())["controls"]["emotion"] == emotion
    assert Config.from_json(config.to_json()).controls.emotion == emotion
