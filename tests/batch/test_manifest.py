"""Reading and checking batch manifests (facetalk.io.manifest): CSV and JSON Lines, line numbers,
relative paths, controls, output names."""

from __future__ import annotations

import json

import pytest

from facetalk.errors import InputError
from facetalk.io.manifest import read_manifest


@pytest.fixture
def folder(batch_inputs, tmp_path):
    for name in ("ada.jpg", "bob.png", "broken.jpg", "hello.wav"):
        (tmp_path / name).symlink_to(batch_inputs / name)
    return tmp_path


def _problems(manifest) -> dict[int, str]:
    return {p.line: p.message for p in manifest.problems}


def test_csv_rows_controls_and_line_numbers(folder):
    (folder / "sub").mkdir()
    path = folder / "sub" / "m.csv"
    path.write_text('IMAGE,Audio,text,head-motion,gaze,animate,controls\n'
                    '../ada.jpg,../hello.wav,,0.5,"-10,5",lips,\n'
                    '\n'
                    '../bob.png,,"Two\nlines of text",,free,,"[{""t_s"": 1, ""emotion"": ""happy""}]"\n'
                    '../broken.jpg,../hello.wav,,,,,\n'
                    '../ada.jpg,../hello.wav,,fast,,,\n'
                    '../ada.jpg,../missing.wav,,,,,\n')
    manifest = read_manifest(path)
    first, second = manifest.rows
    assert first.line == 2 and first.image == folder / "sub" / ".." / "ada.jpg"
    assert first.audio_s == pytest.approx(1.0, abs=0.01) and first.text is None and first.lang == "en"
    assert first.controls.head_motion == 0.5 and first.controls.gaze == "-10,5"
    assert (first.controls.animate_lips, first.controls.animate_head) == (True, False)
    assert second.line == 4 and second.text == "Two\nlines of text" and second.audio is None
    assert json.loads(second.controls.timeline) == [{"t_s": 1, "emotion": "happy"}]
    problems = _problems(manifest)
    assert sorted(problems) == [6, 7, 8]  # the quoted cell spans lines 4-5
    assert "cannot read image" in problems[6]
    assert problems[7] == "head_motion must be a number, not 'fast'"
    assert "file not found" in problems[8]
    assert first.image_sha256 != second.image_sha256


def test_jsonl_typed_values_timeline_and_bad_lines(folder):
    path = folder / "m.jsonl"
    lines = [{"image": "ada.jpg", "audio": "hello.wav", "seed": 3, "distance": 1.5, "output": "a/one.mp4",
              "controls": [{"t_s": 0.5, "gaze": "free"}]},
             {"image": "bob.png", "text": "Hi", "lang": "fr", "blink_rate": "30"},
             {"image": "ada.jpg", "audio": "hello.wav", "text": "both"},
             {"image": "ada.jpg", "text": "x", "output": "../escape.mp4"},
             {"image": "ada.jpg", "text": "x", "output": "a/one.mp4"},
             {"image": "ada.jpg", "text": "bad\u0000text"}]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n[1, 2]\n{not json\n")
    manifest = read_manifest(path)
    one, two = manifest.rows
    assert (one.controls.seed, one.controls.distance, one.output) == (3, 1.5, "a/one.mp4")
    assert json.loads(one.controls.timeline) == [{"t_s": 0.5, "gaze": "free"}]
    assert (two.lang, two.controls.blink_rate_per_min, two.text) == ("fr", 30.0, "Hi")
    problems = _problems(manifest)
    assert problems[3].startswith("give the speech as 'audio' or as 'text'")
    assert "inside the output folder" in problems[4]
    assert problems[5] == "output 'a/one.mp4' is also line 1's"
    assert "control characters" in problems[6]
    assert problems[7] == "not a JSON object" and problems[8].startswith("not valid JSON")
    assert manifest.n_rows == 8


def test_default_output_names_follow_the_inputs(folder):
    path = folder / "m.csv"
    path.write_text("image,audio,emotion\nada.jpg,hello.wav,happy\nada.jpg,hello.wav,sad\nbob.png,hello.wav,sad\n")
    names = [row.output for row in read_manifest(path).rows]
    assert len(set(names)) == 3 and all(n.endswith(".mp4") for n in names)
    assert names[0].startswith("ada-hello-") and names[2].startswith("bob-hello-")
    assert [row.output for row in read_manifest(path).rows] == names  # stable: a rerun finds its outputs
    path.write_text("image,audio,emotion\nada.jpg,hello.wav,angry\n")
    assert read_manifest(path).rows[0].output not in names  # an edited row is a new clip


@pytest.mark.parametrize("text, words", [("image,audio,emotoin\nada.jpg,hello.wav,happy\n", "unknown column 'emotoin'"),
                                         ("audio\nhello.wav\n", "needs an 'image' column"),
                                         ("image,audio\n", "has no rows"),
                                         ("image,audio\n\"ada.jpg,hello.wav\n", "unexpected end of data")])
def test_manifest_level_problems_are_input_errors(folder, text, words):
    path = folder / "m.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=words):
        read_manifest(path)


def test_controls_file_and_its_errors(folder):
    (folder / "t.json").write_text('[{"t_s": 1, "emotion": "sad"}]')
    (folder / "bad.json").write_text('[{"t_s": 1, "emotion": "glum"}]')
    path = folder / "m.csv"
    path.write_text("image,audio,controls\nada.jpg,hello.wav,t.json\nada.jpg,hello.wav,bad.json\n")
    manifest = read_manifest(path)
    assert json.loads(manifest.rows[0].controls.timeline) == [{"t_s": 1, "emotion": "sad"}]
    assert "keyframe 1" in _problems(manifest)[3] and "glum" in _problems(manifest)[3]


def test_a_cell_with_no_emotion_keeps_the_photos_expression(folder):
    """`none` in a manifest's emotion cell is no emotion; `neutral` stays a commanded neutral."""
    path = folder / "m.csv"
    path.write_text("image,audio,emotion\nada.jpg,hello.wav,none\nada.jpg,hello.wav,neutral\n")
    manifest = read_manifest(path)
    assert not manifest.problems
    assert [row.controls.emotion for row in manifest.rows] == ["none", "neutral"]
