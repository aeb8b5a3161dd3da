"""`facetalk render`'s motion controls, run as a user would."""

import json
import subprocess
import sys

import pytest

from facetalk.io import write_wav

SR = 16000


def run(*args):
    return subprocess.run([sys.executable, "-m", "facetalk.cli", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def wav(tmp_path_factory, speech):
    path = tmp_path_factory.mktemp("audio") / "speech.wav"
    write_wav(path, speech[: int(0.8 * SR)], sr=SR)
    return path


def test_controls_reach_the_motion(portrait_path, wav, tmp_path):
    keyframes = tmp_path / "keys.json"
    keyframes.write_text(json.dumps([{"t_s": 0.6, "distance": 1.0}]))
    out, motion = tmp_path / "out.mp4", tmp_path / "m.jsonl"
    r = run("render", "--image", portrait_path, "--audio", str(wav), "-o", str(out), "--size", "128", "--fps", "20",
            "--gaze", "10,-5", "--distance", "2", "--emotion", "happy", "--emotion-strength", "0.5",
            "--expressiveness", "0", "--animate", "lips,eyes", "--controls", str(keyframes),
            "--motion-out", str(motion), "--save-config", "-q")
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in motion.read_text().splitlines()]
    assert len(rows) == 20
    assert rows[0]["scale"] == 0.5 and rows[-1]["scale"] == 1.0
    assert all(row["yaw_deg"] == 0.0 and row["pitch_deg"] == 0.0 for row in rows)
    from facetalk.motion.emotion import BROADER_THAN_PHOTO, RECIPES

    # Happy at half strength is a target on a neutral face (motion.emotion.blend): this photo
    # already smiles that much (smile 1), so of the half smile it adds only half of the share by
    # which happy smiles broader than a smiling photo, on every frame.
    smiles = {row["smile"] for row in rows}
    assert len(smiles) == 1 and RECIPES["happy"].face["smile"] == 1.0
    assert smiles.pop() == pytest.approx(0.5 * BROADER_THAN_PHOTO["happy"], abs=1e-6)
    assert all(abs(row["gaze_x"] - 10 / 30) < 0.05 for row in rows)
    controls = json.loads((tmp_path / "out.config.json").read_text())["controls"]
    assert controls["emotion"] == "happy" and json.loads(controls["timeline"]) == [{"t_s": 0.6, "distance": 1.0}]


@pytest.mark.parametrize("args, needle", [
    (["--emotion", "joyful"], "emotion must be one of none, neutral, happy"),
    (["--distance", "5"], "distance must be 0.5..2, not 5"),
    (["--gaze", "up"], "gaze must be 'camera', 'free' or 'yaw,pitch'"),
    (["--animate", "lips,tail"], "animate takes a comma-separated list"),
])
def test_bad_controls_one_line_exit_2(portrait_path, wav, tmp_path, args, needle):
    out = tmp_path / "o.mp4"
    r = run("render", "--image", portrait_path, "--audio", str(wav), "-o", str(out), *args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], r.stderr
    assert not out.exists()


def test_bad_controls_file_names_it(portrait_path, wav, tmp_path):
    keyframes = tmp_path / "keys.json"
    keyframes.write_text('[{"t_s": 1, "emotion": "happy"}, {"t_s": 0.5, "emotion": "sad"}]')
    out = tmp_path / "o.mp4"
    r = run("render", "--image", portrait_path, "--audio", str(wav), "-o", str(out), "--controls", str(keyframes))
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and f"controls file '{keyframes}'" in lines[0] and "keyframe 2" in lines[0], r.stderr
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("emotion", [(), ("--emotion", "surprised")])
def test_blendshape_csv_round_trip_renders_the_same_frames(portrait_path, wav, tmp_path, emotion):
    """facetalk writes a Live Link Face CSV, reads it back and renders the same frames; under surprise
    on the bundled photo's full smile too, whose undo takes lip_spread below MouthPucker's -1
    (FacetalkLipSpread carries it whole)."""
    import csv

    import numpy as np

    from facetalk.io import read_frames

    first, csv_path, again = tmp_path / "a.mp4", tmp_path / "a.csv", tmp_path / "b.mp4"
    # Lossless H.264 (crf 0): the comparison sees the renders, not the encoder's response to them.
    r = run("render", "--image", portrait_path, "--audio", str(wav), "-o", str(first), "--size", "128",
            "--motion-out", str(csv_path), "--crf", "0", "-q", *emotion)
    assert r.returncode == 0, r.stderr
    if emotion:
        spreads = [float(row["FacetalkLipSpread"]) for row in csv.DictReader(csv_path.open())]
        assert max(spreads) < -1.0, (min(spreads), max(spreads))
    r = run("render", "--image", portrait_path, "--blendshapes", str(csv_path), "--audio", str(wav), "-o", str(again),
            "--size", "128", "--crf", "0", "-q")
    assert r.returncode == 0, r.stderr
    a, b = list(read_frames(first)), list(read_frames(again))
    assert len(a) == len(b) > 10
    assert max(np.abs(x.astype(int) - y).max() for x, y in zip(a, b)) <= 1


def test_neither_speech_nor_blendshapes_is_one_line_exit_2(portrait_path, tmp_path):
    r = run("render", "--image", portrait_path, "-o", str(tmp_path / "x.mp4"))
    assert r.returncode == 2 and "--blendshapes" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.mp4").exists()


@pytest.mark.slow
def test_blendshapes_refuse_motion_controls_and_motion_out_over_the_video(portrait_path, wav, tmp_path):
    csv_path = tmp_path / "m.csv"
    r = run("render", "--image", portrait_path, "--audio", str(wav), "-o", str(tmp_path / "a.mp4"), "--size", "128",
            "--motion-out", str(csv_path), "-q")
    assert r.returncode == 0, r.stderr
    r = run("render", "--image", portrait_path, "--blendshapes", str(csv_path), "--emotion", "sad",
            "-o", str(tmp_path / "b.mp4"), "--size", "128")
    assert r.returncode == 2 and "drop --emotion" in r.stderr and not (tmp_path / "b.mp4").exists()
    r = run("render", "--image", portrait_path, "--audio", str(wav), "-o", str(tmp_path / "c.mp4"),
            "--motion-out", str(tmp_path / "c.mp4"), "--size", "128")
    assert r.returncode == 2 and "video's own path" in r.stderr and not (tmp_path / "c.mp4").exists()
