"""The command line, run as a user would: exit codes, one-line errors, no partial files."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from facetalk.io import probe_video, save_image, write_wav

SR = 16000


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "facetalk.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def short_wav(tmp_path_factory, speech):
    path = tmp_path_factory.mktemp("audio") / "speech.wav"
    write_wav(path, speech[: int(0.8 * SR)], sr=SR)
    return path


def _one_line_error(result, *needles):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0]


def test_render_with_motion_out_and_config(portrait_path, short_wav, tmp_path):
    out = tmp_path / "out.mp4"
    r = run("render", "--image", portrait_path, "--audio", str(short_wav), "-o", str(out), "--size", "256",
            "--fps", "20", "--seed", "4", "--motion-out", str(tmp_path / "m.jsonl"), "--save-config", "-q")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(out)
    info = probe_video(out)
    assert (info.width, info.height, info.fps, info.n_frames) == (256, 256, 20, 20)  # 0.8 s -> 1 s minimum
    rows = [json.loads(line) for line in (tmp_path / "m.jsonl").read_text().splitlines()]
    assert len(rows) == 20
    assert {"t_s", "yaw_deg", "pitch_deg", "roll_deg", "tx", "ty", "scale", "jaw_open", "blink_left",
            "gaze_x", "gaze_y", "brow_raise", "lip_spread"} <= set(rows[0])
    assert json.loads((tmp_path / "out.config.json").read_text())["controls"]["seed"] == 4


def test_output_carries_the_input_audio_at_its_own_quality(portrait_path, speech, tmp_path):
    """A 48 kHz stereo voice-over keeps 48 kHz, both channels and its sound above 8 kHz; the
    analysis runs on the 16 kHz mono copy."""
    import wave

    import av

    sr = 48000
    voice = np.interp(np.arange(int(0.8 * sr)) / sr, np.arange(int(0.8 * SR)) / SR, speech[: int(0.8 * SR)])
    air = 0.05 * np.sin(2 * np.pi * 11000 * np.arange(len(voice)) / sr)  # above what 16 kHz can carry
    stereo = np.stack([voice + air, voice]).T
    source = tmp_path / "voice48k.wav"
    with wave.open(str(source), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(sr)
        out.writeframes(np.rint(np.clip(stereo, -1, 1) * 32767).astype("<i2").tobytes())
    video = tmp_path / "hifi.mp4"
    r = run("render", "--image", portrait_path, "--audio", str(source), "-o", str(video), "--size", "128", "-q")
    assert r.returncode == 0, r.stderr
    with av.open(str(video)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.sample_rate == sr and stream.codec_context.layout.nb_channels == 2
        track = np.concatenate([f.to_ndarray() for f in container.decode(stream)], axis=1)
    spectrum = np.abs(np.fft.rfft(track[0] - track[1]))  # the voice cancels, the 11 kHz tone stays
    freqs = np.fft.rfftfreq(track.shape[1], 1 / sr)
    assert freqs[np.argmax(spectrum)] == pytest.approx(11000, abs=50)
    assert probe_video(video).audio_duration_s == pytest.approx(0.8, abs=0.05)


@pytest.mark.slow
def test_saved_config_loads_back_and_flags_override_it(portrait_path, short_wav, tmp_path):
    """--config loads what --save-config wrote: the same settings, the same motion; a flag given
    beside it wins."""
    first = tmp_path / "a.mp4"
    r = run("render", "--image", portrait_path, "--audio", str(short_wav), "-o", str(first), "--size", "128",
            "--fps", "20", "--seed", "7", "--emotion", "happy", "--gaze", "free", "--animate", "lips,eyes",
            "--motion-out", str(tmp_path / "a.jsonl"), "--save-config", "-q")
    assert r.returncode == 0, r.stderr
    again = tmp_path / "b.mp4"
    r = run("render", "--image", portrait_path, "--audio", str(short_wav), "-o", str(again), "--config",
            str(tmp_path / "a.config.json"), "--motion-out", str(tmp_path / "b.jsonl"), "--save-config", "-q")
    assert r.returncode == 0, r.stderr
    saved = json.loads((tmp_path / "a.config.json").read_text())
    assert json.loads((tmp_path / "b.config.json").read_text()) == saved
    assert saved["controls"]["animate_head"] is False and saved["framing"]["size"] == 128
    assert (tmp_path / "b.jsonl").read_text() == (tmp_path / "a.jsonl").read_text()
    other = tmp_path / "c.mp4"
    r = run("render", "--image", portrait_path, "--audio", str(short_wav), "-o", str(other), "--config",
            str(tmp_path / "a.config.json"), "--seed", "8", "--save-config", "-q")
    assert r.returncode == 0, r.stderr
    changed = json.loads((tmp_path / "c.config.json").read_text())
    assert changed["controls"].pop("seed") == 8 and saved["controls"].pop("seed") == 7 and changed == saved
    bad = tmp_path / "bad.json"
    bad.write_text('{"framing": {"sise": 3}}')
    r = run("render", "--image", portrait_path, "--audio", str(short_wav), "-o", str(tmp_path / "d.mp4"),
            "--config", str(bad))
    assert r.returncode == 2
    _one_line_error(r, "bad.json", "unknown setting 'framing.sise'")


def test_text_and_full_crop(portrait_path, tmp_path):
    out = tmp_path / "t.mp4"
    r = run("render", "--image", portrait_path, "--text", "Hi.", "--lang", "es", "-o", str(out),
            "--crop", "full", "--size", "128", "-q")
    assert r.returncode == 0, r.stderr
    assert probe_video(out).width == 128


def test_no_face_exit_2_names_the_file(tmp_path, short_wav):
    blank = tmp_path / "wall.png"
    save_image(blank, np.full((200, 200, 3), 180, np.uint8))
    out = tmp_path / "o.mp4"
    r = run("render", "--image", str(blank), "--audio", str(short_wav), "-o", str(out))
    assert r.returncode == 2
    _one_line_error(r, "no face", "wall.png")
    assert not out.exists()


@pytest.mark.parametrize("content", [b"", b"not audio at all" * 100])
def test_bad_audio(portrait_path, tmp_path, content):
    bad = tmp_path / "bad.mp3"
    bad.write_bytes(content)
    out = tmp_path / "o.mp4"
    r = run("render", "--image", portrait_path, "--audio", str(bad), "-o", str(out))
    _one_line_error(r, "bad.mp3")
    assert list(tmp_path.iterdir()) == [bad]


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n garbage", None])
def test_bad_image(tmp_path, short_wav, content):
    img = tmp_path / "face.png"
    if content is not None:
        img.write_bytes(content)
    r = run("render", "--image", str(img), "--audio", str(short_wav), "-o", str(tmp_path / "o.mp4"))
    _one_line_error(r, "face.png")
    assert not (tmp_path / "o.mp4").exists()


@pytest.mark.parametrize("args, needle", [
    (["--size", "10"], "size"), (["--fps", "0"], "fps"), (["--text", "hello", "--lang", "xx-nope"], "xx-nope"),
    (["-o", "/nonexistent-dir/o.mp4"], "does not exist"), (["-o", "out.avi"], ".mp4"),
    (["--face-index", "3"], "face index 3 is out of range"), (["--head-motion", "-1"], "head_motion"),
    (["--size", "12.5"], "invalid int value: '12.5'"), (["--crf", "-1"], "crf must be an integer 0..51"),
    (["--crf", "100"], "crf must be"), (["--audio", "/dev/urandom"], "not a regular file"),
    (["--text", "a\x01b"], "control characters"), (["--bogus", "1"], "unrecognized arguments"),
    (["--threads", "0"], "--threads must be at least 1"), (["--processes", "0"], "--processes must be at least 1"),
    (["--threads", "2", "--processes", "2"], "not allowed with argument")])
def test_bad_arguments(portrait_path, short_wav, tmp_path, args, needle):
    base = {"--image": portrait_path, "--audio": str(short_wav), "-o": str(tmp_path / "o.mp4")}
    if "--text" in args:
        base.pop("--audio")
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    r = run("render", *[x for kv in base.items() for x in kv], cwd=tmp_path)
    _one_line_error(r, needle)


def test_nan_audio_and_nested_controls_are_input_errors(portrait_path, tmp_path):
    nan_wav = tmp_path / "nan.wav"  # 32-bit float WAV (format 3) holding NaN and Inf
    samples = np.zeros(8000, "<f4")
    samples[100], samples[200] = np.nan, np.inf
    header = b"RIFF" + (36 + samples.nbytes).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little") \
        + (3).to_bytes(2, "little") + (1).to_bytes(2, "little") + (16000).to_bytes(4, "little") \
        + (64000).to_bytes(4, "little") + (4).to_bytes(2, "little") + (32).to_bytes(2, "little") \
        + b"data" + samples.nbytes.to_bytes(4, "little")
    nan_wav.write_bytes(header + samples.tobytes())
    # Small frames: the NaN is found once the photo is analysed (about 0.6 s less CPU than at 512).
    r = run("render", "--image", portrait_path, "--audio", str(nan_wav), "-o", str(tmp_path / "o.mp4"), "--size", "128")
    assert r.returncode == 2
    _one_line_error(r, "NaN or infinite")
    nested = tmp_path / "deep.json"
    nested.write_text("[" * 5000 + "]" * 5000)
    r = run("render", "--image", portrait_path, "--text", "hi", "--controls", str(nested), "-o", str(tmp_path / "o.mp4"))
    assert r.returncode == 2
    _one_line_error(r, "nested deeper than 32")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep.json", "nan.wav"]


def test_faces_lists_the_faces_largest_first(portrait, tmp_path):
    import cv2

    group = tmp_path / "group.png"
    canvas = np.full((900, 2400, 3), 100, np.uint8)
    for x, side in ((100, 300), (900, 560), (1800, 400)):
        canvas[100:100 + side, x:x + side] = cv2.resize(portrait, (side, side), interpolation=cv2.INTER_AREA)
    save_image(group, canvas)
    r = run("faces", str(group))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert "3 face(s)" in lines[0] and [line.split()[0] for line in lines[1:]] == ["0", "1", "2"]
    sizes = [float(line.split()[1]) for line in lines[1:]]
    assert sizes == sorted(sizes, reverse=True)
    blank = tmp_path / "wall.png"
    save_image(blank, np.full((300, 300, 3), 128, np.uint8))
    r = run("faces", str(blank))
    assert r.returncode == 2
    _one_line_error(r, "no face found", "wall.png", "crop")


def test_import_is_light():
    code = "import sys, facetalk; print(sorted(m for m in ('numpy', 'cv2', 'onnxruntime', 'av', 'numba') if m in sys.modules))"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "[]"


def test_a_negative_gaze_needs_no_equals_sign():
    from facetalk.cli import _join_negative_values, _parser

    argv = ["render", "--image", "p.jpg", "--audio", "a.wav", "-o", "o.mp4", "--gaze", "-10,5", "--head-motion", "0"]
    assert _parser().parse_args(_join_negative_values(argv)).gaze == "-10,5"
    assert _join_negative_values(["--gaze", "camera", "-q"]) == ["--gaze", "camera", "-q"]
    assert _join_negative_values(["-o", "-1.mp4"]) == ["-o", "-1.mp4"]  # other options untouched


@pytest.mark.parametrize("cores, cpus, load, beyond, threads, processes, want", [
    (2, 2, 0.3, 0, None, None, (1, 2)),      # a long clip on two free cores: a process each
    (8, 8, 2.0, 9000, None, None, (1, 4)),   # at most MAX_DEFAULT_THREADS of them
    (8, 8, 6.0, 9000, None, None, (4, 0)),   # fewer than 3 of 8 cores free: threads
    (2, 2, 1.6, 9000, None, None, (2, 0)),   # a busy 2-core machine: threads
    (2, 2, 0.3, -1, None, None, (2, 0)),     # a clip too short to pay for the start-up
    (1, 1, 0.0, 9000, None, None, (1, 0)),   # one core
    (2, 2, 1.6, -200, None, 3, (1, 3)),      # --processes as given
    (2, 2, 0.0, 9000, 2, None, (2, 0))])     # --threads as given
def test_render_draws_long_clips_in_processes_when_cores_are_free(monkeypatch, cores, cpus, load, beyond,
                                                                  threads, processes, want):
    """With 2 or more cores free, clips of MIN_PROCESS_FRAMES or more are drawn in worker
    processes (one per core, up to 4); shorter ones, on one core or on a busy machine, on
    threads; --threads and --processes as given. `want`: (threads, processes)."""
    import argparse

    from facetalk import cli, system

    monkeypatch.setattr(system, "available_cores", lambda: cores)
    monkeypatch.setattr(cli.os, "cpu_count", lambda: cpus)
    monkeypatch.setattr(cli.os, "getloadavg", lambda: (load, load, load))
    n_frames = cli.MIN_PROCESS_FRAMES + beyond
    drawing = cli._drawing(argparse.Namespace(threads=threads, processes=processes), n_frames=n_frames)
    assert (drawing.threads, drawing.processes) == want


def _process_tree(pid: int) -> set[int]:
    """`pid`'s live descendants."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parents[int(stat.parent.name)] = int(fields[1])
    tree, grown = {pid}, True
    while grown:
        grown = False
        for child, parent in parents.items():
            if parent in tree and child not in tree:
                tree.add(child)
                grown = True
    return tree - {pid}


@pytest.mark.slow
def test_ctrl_c_while_drawing_in_processes_leaves_no_file_and_no_process(portrait_path, speech, tmp_path):
    """Ctrl-C (SIGINT to the command) while its worker processes draw: the one line, exit 130, no
    output file, and the zygote and its workers end with the command."""
    import signal
    import time

    wav = tmp_path / "long.wav"
    write_wav(wav, np.tile(speech, 1 + 30 * SR // len(speech))[: 30 * SR], sr=SR)
    out = tmp_path / "o.mp4"
    proc = subprocess.Popen([sys.executable, "-m", "facetalk.cli", "render", "--image", portrait_path, "--audio",
                             str(wav), "-o", str(out), "--processes", "2", "-q"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while len(tree := _process_tree(proc.pid)) < 3 and time.monotonic() < deadline:  # zygote + 2 workers
        time.sleep(0.05)
    assert len(tree) >= 3, "the worker processes did not start"
    time.sleep(0.5)  # drawing
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and err.strip().splitlines() == ["facetalk: interrupted; no output written"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.wav"]
    deadline = time.monotonic() + 5
    while (left := [pid for pid in tree if Path(f"/proc/{pid}").exists()]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not left, "a worker process outlived the command"


@pytest.mark.slow
def test_processes_and_threads_write_the_same_video(portrait_path, short_wav, tmp_path):
    from facetalk.io import read_frames

    videos = []
    for flag in (["--threads", "1"], ["--processes", "2"]):
        out = tmp_path / f"{flag[0][2:]}.mp4"
        r = run("render", "--image", portrait_path, "--audio", str(short_wav), "-o", str(out), "--size", "256", *flag)
        assert r.returncode == 0, r.stderr
        videos.append(list(read_frames(out)))
    assert len(videos[0]) == len(videos[1]) == 25
    assert all(np.array_equal(a, b) for a, b in zip(*videos))
