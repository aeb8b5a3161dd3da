import json

import pytest

from facetalk.config import Controls
from facetalk.errors import InputError
from facetalk.io.controls import read_controls


def test_reads_keyframes_onto_the_base(tmp_path):
    path = tmp_path / "c.json"
    keyframes = [{"t_s": 1, "emotion": "happy"}, {"t_s": 3.5, "gaze": "10,-5", "animate_head": False}]
    path.write_text(json.dumps(keyframes, indent=2))
    controls = read_controls(path, Controls(seed=4, distance=1.2))
    assert (controls.seed, controls.distance) == (4, 1.2)
    assert json.loads(controls.timeline) == keyframes


@pytest.mark.parametrize("text, problem", [
    ('[{"t_s": 1, "emotion": "happy"},\n {"t_s": 2 "emotion": "sad"}]', "timeline is not valid JSON at line 2 column 12"),
    ('[{"t_s": 1, "emotion": "glad"}]', "keyframe 1 (t_s 1): emotion must be one of"),
    ('[{"t_s": 1, "distance": 9}]', "keyframe 1 (t_s 1): distance must be 0.5..2, not 9"),
    ('{"emotion": "happy"}', "timeline must be a JSON list of keyframes"),
])
def test_problems_name_the_file_on_one_line(tmp_path, text, problem):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        read_controls(path)
    message = str(err.value)
    assert message.startswith(f"cannot read controls file '{path}': ") and problem in message
    assert "\n" not in message


def test_missing_empty_or_binary_file(tmp_path):
    with pytest.raises(InputError, match="controls file .* file not found"):
        read_controls(tmp_path / "none.json")
    (tmp_path / "bin.json").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_controls(tmp_path / "bin.json")
    (tmp_path / "blank.json").write_text(" \n\t\n")
    with pytest.raises(InputError, match="blank.json': no keyframes"):
        read_controls(tmp_path / "blank.json")


def test_the_same_keyframes_give_the_same_controls_however_the_file_is_laid_out(tmp_path):
    """The timeline is kept as compact JSON: batch names outputs after the controls, and a
    reformatted file must not render its rows again under new names."""
    keyframes = [{"t_s": 1, "emotion": "happy"}, {"t_s": 2, "distance": 1.3}]
    (tmp_path / "a.json").write_text(json.dumps(keyframes))
    (tmp_path / "b.json").write_text(json.dumps(keyframes, indent=4) + "\n\n")
    a, b = read_controls(tmp_path / "a.json"), read_controls(tmp_path / "b.json")
    assert a == b and repr(a) == repr(b) and "\n" not in a.timeline
