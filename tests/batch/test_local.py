"""`facetalk batch` on the local engine, end to end through the command line."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from facetalk.io import probe_video
from facetalk.io.manifest import read_manifest


def _mp4s(outdir) -> dict[str, int]:
    """Each MP4's name and its modification time in ns (a re-render replaces the file)."""
    return {p.name: p.stat().st_mtime_ns for p in outdir.glob("*.mp4")}


@pytest.mark.slow
def test_mixed_manifest_rerun_and_force(mixed_batch, kit):
    out = mixed_batch.path / "out"
    first = kit.run_cli("batch", mixed_batch.manifest, "-o", out, "--size", kit.SIZE, "--workers", 2)
    assert first.returncode == 2, first.stderr  # bad rows make the batch's status 2; the others rendered
    assert "Traceback" not in first.stderr
    assert "clips.csv line 4: cannot read image" in first.stderr
    assert "clips.csv line 5: emotion must be one of" in first.stderr
    assert "4 rendered, 0 skipped (already complete), 2 invalid, 0 failed" in first.stderr
    results = kit.read_results(out)
    assert sorted(results) == [2, 3, 4, 5, 6, 7]
    assert {line: results[line]["status"] for line in results} == {2: "done", 3: "done", 4: "invalid",
                                                                  5: "invalid", 6: "done", 7: "done"}
    assert results[4]["error"].startswith("cannot read image") and results[4]["output"] is None
    rows = {row.line: row for row in read_manifest(mixed_batch.manifest).rows}
    for line in mixed_batch.good:
        kit.assert_complete(out / rows[line].output, seconds=rows[line].audio_s)
    assert len(_mp4s(out)) == 4 and kit.leftovers(out) == []
    # The progress bar counts the frames the workers render, as they render them.
    shown = [int(n) for n in re.findall(r"(\d+) frames", first.stderr)]
    assert shown and shown == sorted(shown)
    assert shown[-1] == sum(probe_video(out / rows[line].output).n_frames for line in mixed_batch.good)

    # A rerun renders nothing again, except a clip that is not complete (cut short while copied, say).
    rendered = _mp4s(out)
    damaged = out / rows[6].output
    damaged.write_bytes(damaged.read_bytes()[:3000])
    again = kit.run_cli("batch", mixed_batch.manifest, "-o", out, "--size", kit.SIZE, "-q")
    assert again.returncode == 2
    statuses = {line: r["status"] for line, r in kit.read_results(out).items()}
    assert [statuses[line] for line in mixed_batch.good] == ["skipped", "skipped", "done", "skipped"]
    kit.assert_complete(damaged, seconds=rows[6].audio_s)
    assert {name: t for name, t in _mp4s(out).items() if name != damaged.name} == \
        {name: t for name, t in rendered.items() if name != damaged.name}
    rendered = _mp4s(out)

    forced = kit.run_cli("batch", mixed_batch.manifest, "-o", out, "--size", kit.SIZE, "--force", "--workers", 1,
                         "-q")
    assert forced.returncode == 2
    results = kit.read_results(out)
    assert [results[line]["status"] for line in mixed_batch.good] == ["done"] * 4
    assert all(_mp4s(out)[name] != rendered[name] for name in rendered)  # every clip written anew
    # One worker: each of the two photos analysed once, the other two rows reuse the analysis.
    assert sum(results[line]["analysed_photo"] for line in mixed_batch.good) == 2


def _batch_writing_clips(mixed_batch, kit) -> tuple[Path, Path, subprocess.Popen]:
    """A two-worker batch of four 3 s clips, started and left running once a clip is being written:
    its manifest, its output folder and the process."""
    rows = [f"{'ada.jpg' if i % 2 else 'bob.png'},long.wav,,,,{i}" for i in range(4)]
    manifest = kit.write_batch(mixed_batch.path, "long.csv", rows)
    out = mixed_batch.path / "out"
    command = [sys.executable, "-m", "facetalk.cli", "batch", manifest, "-o", out, "--size", kit.SIZE,
               "--workers", 2, "-q"]
    batch = subprocess.Popen(list(map(str, command)), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while batch.poll() is None and time.monotonic() < deadline and not list(out.glob(".*.partial.mp4")):
        time.sleep(0.02)
    if batch.poll() is None and not list(out.glob(".*.partial.mp4")):
        batch.kill()
        batch.communicate()
    assert batch.poll() is None, "the batch ended, or wrote no clip in 120 s"
    return manifest, out, batch


@pytest.mark.slow
def test_interrupted_batch_leaves_only_complete_clips(mixed_batch, kit):
    manifest, out, batch = _batch_writing_clips(mixed_batch, kit)
    batch.send_signal(signal.SIGTERM)  # mid-write
    _, stderr = batch.communicate(timeout=60)
    assert batch.returncode == 128 + signal.SIGTERM, stderr
    assert "batch stopped with" in stderr and "Traceback" not in stderr
    assert kit.leftovers(out) == []  # the clips being written were deleted, in every worker
    finished = kit.read_results(out)
    assert len(finished) < 4
    for mp4 in out.glob("*.mp4"):
        kit.assert_complete(mp4, seconds=3.0)
    assert {r["output"] for r in finished.values()} == {str(p) for p in out.glob("*.mp4")}

    resumed = kit.run_cli("batch", manifest, "-o", out, "--size", kit.SIZE, "-q")
    assert resumed.returncode == 0, resumed.stderr
    statuses = [r["status"] for r in kit.read_results(out).values()]
    assert statuses.count("skipped") == len(finished) and statuses.count("done") == 4 - len(finished)
    assert len(list(out.glob("*.mp4"))) == 4 and kit.leftovers(out) == []


def _descendants(pid: int) -> set[int]:
    """The processes under `pid` (its children, theirs, ...), read from /proc."""
    parents = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _started(pid: int) -> str | None:
    """When `pid` started (clock ticks after boot, /proc's field 22), or None if it has ended (a zombie
    waiting to be reaped has): a pid reused by another process reads another time."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return None if fields[0] == "Z" else fields[19]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process tree from /proc")
def test_workers_end_when_the_batch_is_killed(mixed_batch, kit):
    # SIGKILL leaves the parent no chance to stop its workers: they must notice and stop themselves,
    # deleting the clip they were writing, rather than run on for nobody.
    _, out, batch = _batch_writing_clips(mixed_batch, kit)
    workers = {pid: _started(pid) for pid in _descendants(batch.pid)}
    batch.kill()
    batch.wait(timeout=10)
    assert workers, "the batch had no worker processes"

    def left() -> list[int]:
        return [pid for pid, started in workers.items() if started is not None and _started(pid) == started]

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and left():
        time.sleep(0.1)
    outlived = left()
    for pid in outlived:  # not to leave them to the rest of the suite
        os.kill(pid, signal.SIGKILL)
    batch.stdout.close()  # only now: a worker writing to a closed pipe would end by that
    batch.stderr.close()
    assert not outlived, f"{len(outlived)} of {len(workers)} worker processes outlived their batch by 30 s"
    assert not list(out.glob(".*.partial.mp4")), "an orphaned worker left its partial clip"


@pytest.mark.slow
def test_local_batch_never_imports_ray(mixed_batch, kit):
    manifest = kit.write_batch(mixed_batch.path, "one.csv", ["ada.jpg,hello.wav,,,,1"])
    code = ("import sys; from facetalk.cli import main; "
            f"status = main(['batch', {str(manifest)!r}, '-o', {str(mixed_batch.path / 'one')!r}, '--size', "
            f"'{kit.SIZE}', '--workers', '1', '-q']); "
            "assert status == 0, status; assert 'ray' not in sys.modules, 'ray was imported'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert len(list((mixed_batch.path / "one").glob("*.mp4"))) == 1


def test_bad_invocations_are_one_line(mixed_batch, kit, tmp_path):
    cases = [(["batch", tmp_path / "missing.csv", "-o", tmp_path / "o"], "cannot read manifest"),
             (["batch", mixed_batch.manifest, "-o", tmp_path / "o", "--shared-output"], "--shared-output is for"),
             (["batch", mixed_batch.manifest, "-o", tmp_path / "o", "--workers", "0"], "--workers must be"),
             (["batch", mixed_batch.manifest, "-o", mixed_batch.manifest], "is a file"),
             (["batch", mixed_batch.manifest, "-o", tmp_path / "o", "--size", "20"], "size must be 64..2048")]
    for args, words in cases:
        result = kit.run_cli(*args)
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1 and words in lines[0], (args, result.stderr)
    assert not os.path.exists(tmp_path / "o" / "results.jsonl")


@pytest.mark.slow
def test_a_full_disk_fails_the_rows_by_name_and_leaves_nothing(mixed_batch, kit, tmp_path):
    """OUTDIR on a disk too small for the clips: the rows that do not fit fail saying the disk is
    full (exit 2), those that fit are whole, no half-written MP4 stays, and results.jsonl says so."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32k", "tmpfs", str(disk)], capture_output=True).returncode:
        import pytest

        pytest.skip("needs root to mount a small tmpfs")
    try:
        result = kit.run_cli("batch", mixed_batch.manifest, "-o", disk, "--workers", "1", "--size", kit.SIZE, "-q")
        assert result.returncode == 2 and "Traceback" not in result.stderr
        results = kit.read_results(disk)
        full = 0
        for row in mixed_batch.good:  # the first clips may fit; once the disk is full, the rest say so
            if results[row]["status"] == "done":
                kit.assert_complete(Path(results[row]["output"]), seconds=None)
            else:
                assert "no space left" in results[row]["error"], results[row]
                full += 1
        assert full >= 1 and kit.leftovers(disk) == []
    finally:
        subprocess.run(["umount", str(disk)], check=True)
