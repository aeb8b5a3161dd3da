"""Frames drawn offline in worker processes (render.workers.FramePool, Animator.frames(processes=N)):
the frames drawn one by one, bit for bit and in order; each Animator's avatar sent to the zygote
once; a worker that fails or dies gives one clear error; however the drawing ends, no worker is
left running."""

import hashlib
import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from facetalk.pipeline import Animator
from facetalk.render import workers
from facetalk.render.workers import ProcessGone

SR = 16000


@pytest.fixture(scope="module")
def animator(analysis):
    return Animator.from_analysis(analysis)


@pytest.fixture(scope="module")
def motions(animator, speech):
    """1 s of speech with blinks, smile and brows moving too: lids, folds and mouth all drawn."""
    return [m.with_(blink_left=(i % 5) / 4, blink_right=(i % 5) / 4, smile=(i % 3) / 2, brow_raise=0.3 * (i % 2))
            for i, m in enumerate(animator.motion(speech[:SR]))]


def _pool() -> workers.FramePool:
    return workers.frame_pool(preload=("facetalk.pipeline",))


def _children(pid: int) -> set[int]:
    """The live (not zombie) child processes of `pid`."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _workers_gone(within_s: float = 5.0) -> bool:
    """Whether the zygote's workers have all ended (within `within_s`)."""
    zygote = _pool()._zygote
    deadline = time.monotonic() + within_s
    while zygote is not None and _children(zygote.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return zygote is None or not _children(zygote.pid)


def _digests(frames) -> list[tuple[int, float, str]]:
    return [(f.index, f.t_s, hashlib.sha1(f.image.tobytes()).hexdigest()) for f in frames]


def test_frames_drawn_in_processes_are_the_frames_drawn_one_by_one(animator, motions, monkeypatch):
    """Hashed frame by frame, in order, with their motions; the avatar goes to the zygote once for
    all the calls of one Animator, whatever their number of processes."""
    sent = []
    ask = workers.Zygote.ask

    def counted(self, request, **kw):
        sent.append(request)
        return ask(self, request, **kw)

    monkeypatch.setattr(workers.Zygote, "ask", counted)
    one_by_one = list(animator.frames(motions))
    in_processes = list(animator.frames(motions, processes=2))
    assert _digests(in_processes) == _digests(one_by_one)
    assert [f.motion for f in in_processes] == motions
    assert len({f.image.tobytes() for f in in_processes}) > len(motions) // 2  # the motion shows
    assert _digests(animator.frames(motions[:7], processes=3)) == _digests(one_by_one[:7])
    assert [type(r).__name__ for r in sent] == ["AddAvatar"]
    assert _pool()._keys[animator] in _pool()._zygote.avatars
    assert _workers_gone()


def test_a_labelled_animator_is_drawn_labelled(analysis, motions):
    labelled = Animator.from_analysis(analysis, label=True)
    assert _digests(labelled.frames(motions[:4], processes=2)) == _digests(labelled.frames(motions[:4]))


def test_a_frame_failing_in_a_worker_fails_the_render_in_one_line(animator, motions, tmp_path):
    bad = [m.with_(jaw_open="not a number") if i == 9 else m for i, m in enumerate(motions)]
    out = tmp_path / "fail.mp4"
    with pytest.raises(ProcessGone, match=r"^drawing frame 9 failed in a worker process: \w+Error") as failure:
        animator.render_motion_to_file(bad, out, processes=2)
    assert "\n" not in str(failure.value)
    assert list(tmp_path.iterdir()) == []  # nothing half-written
    assert _workers_gone()


def test_a_worker_that_dies_fails_the_render_and_the_other_is_stopped(animator, motions):
    frames = animator.frames(motions, processes=2)
    next(frames)
    drawing = _children(_pool()._zygote.pid)
    assert len(drawing) == 2
    os.kill(min(drawing), signal.SIGKILL)
    with pytest.raises(ProcessGone, match="a worker process ended while drawing frame"):
        list(frames)
    assert _workers_gone()


def test_a_render_closed_early_or_stopped_by_its_caller_leaves_no_worker(animator, motions, tmp_path):
    """The caller closing the frames (a consumer done early) or raising in on_frame (the CLI's
    Ctrl-C does so) stops the workers before it returns."""
    frames = animator.frames(motions, processes=2)
    assert np.array_equal(next(frames).image, animator.frame(0, motions[0]).image)
    assert len(_children(_pool()._zygote.pid)) == 2
    frames.close()
    assert _workers_gone()

    def stop(frame):
        if frame.index == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        animator.render_motion_to_file(motions, tmp_path / "stopped.mp4", on_frame=stop, processes=2)
    assert _workers_gone()
    assert list(tmp_path.iterdir()) == []


def test_a_dead_zygote_is_replaced_by_the_next_render(animator, motions):
    pool = _pool()
    list(animator.frames(motions[:2], processes=1))
    dead = pool._zygote.pid
    os.kill(dead, signal.SIGKILL)
    time.sleep(0.2)
    assert _digests(animator.frames(motions[:3], processes=2)) == _digests(animator.frames(motions[:3]))
    assert pool._zygote.pid != dead


def _refuse() -> None:
    raise ValueError("no avatar for you")


def test_an_avatar_that_fails_to_build_is_refused_with_its_reason(animator, motions):
    """The zygote tells why (it used to die with a traceback: "the zygote has ended"); the next
    render draws as before."""
    pool = _pool()
    owner = Animator.from_analysis(animator.analysis)  # a key of its own
    with pytest.raises(ProcessGone, match="refused: ValueError: no avatar for you"):
        list(pool.draw(owner, _refuse, motions[:1], processes=1, shape=(8, 8, 3)))
    assert _digests(animator.frames(motions[:2], processes=1)) == _digests(animator.frames(motions[:2]))


@pytest.mark.parametrize("wait_s", [0.0, 3.0])
def test_a_zygote_left_before_or_after_it_is_ready_ends_quietly(wait_s):
    """A parent that starts a zygote (the CLI does so before analysing the photo) and ends without
    using it, before or after the zygote's readiness came: the zygote ends with status 0, no
    traceback."""
    zygote = workers.Zygote(preload=())
    time.sleep(wait_s)
    zygote.close()
    assert zygote._process.returncode == 0


@pytest.mark.slow
def test_a_parent_killed_outright_leaves_no_worker_behind(portrait_path, tmp_path):
    """SIGKILL runs no clean-up: the zygote and its workers end because their pipes close."""
    import subprocess
    import sys

    script = (
        "import sys, numpy as np\n"
        "from facetalk.io import load_image\n"
        "from facetalk.pipeline import Animator\n"
        "a = Animator(load_image(sys.argv[1]))\n"
        "frames = a.render(np.zeros(16000 * 20, np.float32), processes=2)\n"
        "next(frames)\n"
        "print('drawing', flush=True)\n"
        "for _ in frames:\n"
        "    pass\n")
    proc = subprocess.Popen([sys.executable, "-c", script, portrait_path], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "drawing"
        tree = {zygote: _children(zygote) for zygote in _children(proc.pid)}
        assert len(tree) == 1 and len(next(iter(tree.values()))) == 2  # one zygote, two workers
    finally:
        proc.kill()
        proc.wait()
    left = {pid for zygote, drawing in tree.items() for pid in {zygote, *drawing}}
    deadline = time.monotonic() + 5
    while left and time.monotonic() < deadline:
        left = {pid for pid in left if Path(f"/proc/{pid}").exists()}
        time.sleep(0.05)
    assert not left, "a worker process outlived its parent"


def test_the_zygote_does_not_import_from_the_working_directory(tmp_path, monkeypatch):
    """A module in the directory the user runs from must not shadow the zygote's own imports."""
    (tmp_path / "numpy.py").write_text("raise ImportError('the numpy.py of the working directory')\n")
    monkeypatch.chdir(tmp_path)
    zygote = workers.Zygote(preload=("numpy",))
    try:
        zygote.ready()
        assert zygote.alive()
    finally:
        zygote.close()


def test_a_worker_is_killed_by_its_pidfd_not_by_its_number():
    """The zygote's kernel reaps an ended worker at once, and its number may then be another
    process's: kill() must reach only the process it was opened on."""
    import subprocess
    from multiprocessing import Pipe

    opened_on, holding_the_number = (subprocess.Popen(["sleep", "30"]) for _ in range(2))
    ours, theirs = Pipe()
    try:
        worker = workers.Worker(conn=ours, pid=holding_the_number.pid, pidfd=os.pidfd_open(opened_on.pid))
        worker.close(kill=True)
        assert opened_on.wait(timeout=5) == -signal.SIGKILL
        assert holding_the_number.poll() is None
        worker.close(kill=True)  # a second close does nothing
    finally:
        theirs.close()
        for process in (opened_on, holding_the_number):
            process.kill()
            process.wait()


def test_without_pidfds_workers_are_killed_by_number(animator, motions, monkeypatch):
    """Where the system has no pidfd (not Linux, an old kernel, a sandbox refusing the call), frames
    are still drawn in processes and a worker that stops answering is still killed."""
    monkeypatch.delattr(os, "pidfd_open")
    assert _digests(animator.frames(motions[:6], processes=2)) == _digests(animator.frames(motions[:6]))
    assert _workers_gone()
    worker = _pool()._zygote.fork(workers._draw_frames)
    try:
        assert worker._pidfd == -1
        worker.kill()  # its pipe still open: hung up, it would end by itself
        deadline = time.monotonic() + 5
        while worker.pid in _children(_pool()._zygote.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert worker.pid not in _children(_pool()._zygote.pid)
    finally:
        worker.close(kill=True)
