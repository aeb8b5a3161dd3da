"""Outputs whole or absent: paths checked before any work, unique temporary names, signals that
clean up like Ctrl-C, a full or read-only disk reported as such (exit 2) with nothing left."""

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

from facetalk.io import probe_video, write_wav

SR = 16000


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "facetalk.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300)


def _one_line(result, *needles, code=2):
    assert result.returncode == code, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.fixture(scope="module")
def wav(tmp_path_factory, speech):
    path = tmp_path_factory.mktemp("audio") / "speech.wav"
    write_wav(path, speech, sr=SR)
    return path


@contextlib.contextmanager
def _mounted(path, options: str):
    """A small tmpfs at `path` (root only): a full disk, or a read-only one."""
    path.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    if result.returncode != 0:
        pytest.skip("needs root to mount a tmpfs")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)


def test_output_that_is_a_directory(portrait_path, wav, tmp_path):
    (tmp_path / "v.mp4").mkdir()
    start = time.monotonic()
    r = run("render", "--image", portrait_path, "--audio", str(wav), "-o", str(tmp_path / "v.mp4"))
    _one_line(r, "is a directory", "v.mp4")
    assert time.monotonic() - start < 20  # refused before any rendering


@pytest.mark.parametrize("motion, words", [("missing/m.jsonl", "does not exist"), ("adir", "is a directory"),
                                           ("out.mp4", "the video's own path")])
def test_bad_motion_out(portrait_path, wav, tmp_path, motion, words):
    (tmp_path / "adir").mkdir()
    r = run("render", "--image", portrait_path, "--audio", str(wav), "-o", str(tmp_path / "out.mp4"),
            "--motion-out", str(tmp_path / motion))
    _one_line(r, words)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir"]


def test_read_only_folder(portrait_path, wav, tmp_path):
    with _mounted(tmp_path / "ro", "ro,size=1m") as folder:
        r = run("render", "--image", portrait_path, "--audio", str(wav), "-o", str(folder / "v.mp4"))
        _one_line(r, "read-only file system", "v.mp4")


@pytest.mark.slow
def test_full_disk_is_reported_and_leaves_nothing(portrait_path, wav, tmp_path):
    with _mounted(tmp_path / "full", "size=48k") as folder:
        r = run("render", "--image", portrait_path, "--audio", str(wav), "-o", str(folder / "v.mp4"),
                "--motion-out", str(folder / "v.jsonl"), "-q")
        # Whichever output fills the disk first is named.
        assert "v.mp4" in r.stderr or "v.jsonl" in r.stderr, r.stderr
        _one_line(r, "no space left", "'")
        assert ".partial" not in r.stderr
        assert list(folder.iterdir()) == []


@pytest.mark.slow
def test_full_disk_under_the_motion_file_names_it(portrait_path, wav, tmp_path):
    with _mounted(tmp_path / "full", "size=12k") as folder:
        r = run("render", "--image", portrait_path, "--audio", str(wav), "-o", str(tmp_path / "v.mp4"),
                "--motion-out", str(folder / "v.jsonl"), "-q")
        _one_line(r, "no space left", "v.jsonl")
        assert list(folder.iterdir()) == [] and not (tmp_path / "v.mp4").exists()


@pytest.mark.slow
def test_two_renders_to_one_path_both_complete(portrait_path, wav, tmp_path):
    out = tmp_path / "same.mp4"
    command = [sys.executable, "-m", "facetalk.cli", "render", "--image", portrait_path, "--audio", str(wav),
               "-o", str(out), "--size", "128", "-q"]
    procs = [subprocess.Popen(command, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], errors
    info = probe_video(out)
    assert info.n_frames > 0 and info.has_audio and info.width == 128
    assert [p.name for p in tmp_path.iterdir()] == ["same.mp4"]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_signals_clean_up(portrait_path, tmp_path, sig):
    """Killed mid-render, the command leaves no partial file, and says so in one line."""
    out = tmp_path / "v.mp4"
    proc = subprocess.Popen([sys.executable, "-m", "facetalk.cli", "render", "--image", portrait_path, "--text",
                             "A long text to speak. " * 40, "-o", str(out), "--motion-out", str(tmp_path / "m.jsonl"),
                             "--size", "256", "-q"], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not any(".partial" in p.name for p in tmp_path.iterdir()):
        assert proc.poll() is None and time.monotonic() < deadline, "the render never started writing"
        time.sleep(0.05)
    os.kill(proc.pid, sig)
    err = proc.communicate(timeout=60)[1]
    assert proc.returncode == (130 if sig == signal.SIGINT else 128 + sig), err
    assert err.strip().count("\n") == 0 and "no output written" in err
    assert list(tmp_path.iterdir()) == []


def test_a_stop_before_a_writer_is_entered_leaves_no_partial_file(tmp_path):
    """A signal can land after a writer's open() and before the `with` that would delete its file
    (seen under load: SIGTERM left `.m.PID-XXXXXX.partial.jsonl`); the stop handler deletes it."""
    from facetalk.cli import _stopped
    from facetalk.io.motion import MotionWriter

    writer = MotionWriter(tmp_path / "m.jsonl")  # opened, never entered: as if the signal came right then
    assert [p.name.endswith(".partial.jsonl") for p in tmp_path.iterdir()] == [True]
    assert _stopped(KeyboardInterrupt(), command="render") == 130
    writer._file.close()  # the file is gone; only this process's handle is left
    assert list(tmp_path.iterdir()) == []


def test_temporary_names_are_pruned_of_files_gone_but_not_of_names_just_handed_out(tmp_path):
    """A long-running server hands out a temporary name per file it writes: the list of names a
    stop would delete stays bounded, and a name handed out but not yet created stays on it."""
    from facetalk.io import _files

    names = [_files.partial_path(tmp_path / f"v{i}.mp4") for i in range(3 * _files._PARTIALS_PRUNE_AT)]
    assert len(_files._PARTIALS) <= _files._PARTIALS_PRUNE_AT
    assert names[-1] in _files._PARTIALS  # not created yet, still to be deleted on a stop
    _files.remove_partials()
    assert not _files._PARTIALS


def test_a_name_too_long_for_the_file_system(portrait_path, wav, tmp_path):
    """Refused before rendering: the check writes the writer's own temporary name, which is longer."""
    out = tmp_path / ("a" * 245 + ".mp4")  # fits (249 of 255 bytes); the temporary name never does
    r = run("render", "--image", portrait_path, "--audio", str(wav), "-o", str(out))
    _one_line(r, "file name too long")
    assert list(tmp_path.iterdir()) == []
