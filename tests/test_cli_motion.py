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
    from facetalk.motion.emotion import OFFSETS

    assert all(row["smile"] == pytest.approx(0.5 * OFFSETS["happy"]["smile"]) for row in rows)
    assert all(abs(row["gaze_x"] - 10 / 30) < 0.05 for row in rows)
    controls = json.loads((tmp_path / "out.config.json").read_text())["controls"]
    assert controls["emotion"] == "happy" and json.loads(controls["timeline"]) == [{"t_s": 0.6, "distance": 1.0}]


@pytest.mark.parametrize("args, needle", [
    (["--emotion", "joyful"], "emotion must be one of neutral, happy"),
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
