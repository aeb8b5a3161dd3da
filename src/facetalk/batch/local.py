"""The default engine: a pool of worker processes on this machine, one per core.

Workers are spawned (not forked): the parent has PyAV, tqdm's monitor thread and maybe more loaded,
and forking a process with threads can deadlock the child. Each worker keeps the photos it has
analysed (facetalk.batch.worker), so a photo is analysed at most once per worker.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from facetalk.batch.engine import MAX_RETRIES, RenderTask, RowResult
from facetalk.batch.worker import render_task, worker_name
from facetalk.system import available_cores

_FRAMES_EVERY_S = 0.25  # how often the parent passes on frame counts
_FRAMES_BATCH = 10  # a worker reports its frames ten at a time: one message per 0.4 s of video
_STOP_JOIN_S = 20.0  # how long an interrupted batch waits for its workers to delete their partial files
_PARENT_POLL_S = 0.5  # how often a worker checks that the batch that started it is still there


class LocalEngine:
    """Renders tasks in `workers` processes (default: one per available core)."""

    def __init__(self, *, workers: int | None = None):
        self.workers = workers or available_cores()
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, not {self.workers}")

    def run(self, tasks: Sequence[RenderTask], *, on_frames: Callable[[int], None] | None = None
            ) -> Iterator[RowResult]:
        """Yields each task's result as it finishes; `on_frames(n)` hears of frames rendered as they
        are. If a worker dies (killed, out of memory) the pool breaks and every task it held is run
        again in a fresh pool, at most MAX_RETRIES times."""
        pending = list(tasks)
        retries: dict[int, int] = {}
        context = multiprocessing.get_context("spawn")
        while pending:
            frames = context.SimpleQueue()  # workers report frames rendered through it
            pool = ProcessPoolExecutor(max_workers=min(self.workers, len(pending)), mp_context=context,
                                       initializer=_init_worker, initargs=(frames, os.getpid()))
            try:
                futures = {pool.submit(_run, task): task for task in pending}
                pending = []
                for future in _as_completed(futures, frames=frames, on_frames=on_frames):
                    result = _result(future, futures[future], retries)
                    if result is None:
                        pending.append(futures[future])
                    else:
                        yield result
            except BaseException:  # Ctrl-C, SIGTERM, or the consumer stopped: workers delete their partials
                _stop_workers(pool)
                raise
            pool.shutdown(wait=True)

    def close(self) -> None:
        pass


def _as_completed(futures: dict[Future, RenderTask], *, frames, on_frames) -> Iterator[Future]:
    """Futures as they finish, passing on the frame counts the workers send meanwhile."""
    waiting = set(futures)
    while waiting:
        done, waiting = wait(waiting, timeout=_FRAMES_EVERY_S, return_when=FIRST_COMPLETED)
        while not frames.empty():  # always drained: a full pipe would block the workers
            n = frames.get()
            if on_frames is not None:
                on_frames(n)
        yield from done


def _result(future: Future, task: RenderTask, retries: dict[int, int]) -> RowResult | None:
    """The task's result, or None to run it again because its worker died."""
    try:
        return future.result()
    except BrokenProcessPool:
        retries[task.line] = retries.get(task.line, 0) + 1
        if retries[task.line] <= MAX_RETRIES:
            return None
        return RowResult(row=task.line, status="failed", output=str(task.output), seconds=0.0,
                         error=f"its worker process died {retries[task.line]} times", worker=worker_name())


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    # The executor cannot cancel running calls; SIGTERM makes each worker unwind its render (the
    # VideoWriter deletes its temporary file) and exit. _processes is the executor's own table.
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(_STOP_JOIN_S)
    pool.shutdown(wait=False, cancel_futures=True)


class _Stop(BaseException):
    """SIGTERM inside a worker: unwinds the render like Ctrl-C so its temporary file is deleted."""


class _WorkerState:
    rendering = False  # inside a render: SIGTERM unwinds it; otherwise the worker just exits
    stopping = False   # SIGTERM arrived
    frames = None      # the queue frame counts go to
    unreported = 0     # frames rendered since the last report


_state = _WorkerState()


def _init_worker(frames, parent_pid: int) -> None:
    _state.frames = frames
    # Ctrl-C reaches the whole process group; the parent decides and then stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    threading.Thread(target=_end_with_parent, args=(parent_pid,), name="facetalk-parent-watch",
                     daemon=True).start()
    import cv2

    cv2.setNumThreads(1)  # one process per core: OpenCV's own threads would only contend


def _end_with_parent(parent_pid: int) -> None:
    # A batch killed outright (SIGKILL, out of memory) cannot stop its workers, and an idle worker
    # waits on a queue whose writing end it holds itself, so it would wait forever (and a busy one
    # would render on for nobody). Orphaned, the worker stops itself the way the parent would have:
    # SIGTERM unwinds a render, deleting its temporary file. Sent to the main thread, where Python
    # runs the handler: delivered to this one it would not wake a main thread blocked on the queue.
    # The spawn context makes each worker the batch's own child; a start method that put a process
    # between them (forkserver) would have every worker stop itself at once.
    while os.getppid() == parent_pid:
        time.sleep(_PARENT_POLL_S)
    signal.pthread_kill(threading.main_thread().ident, signal.SIGTERM)


def _on_sigterm(_signum, _frame) -> None:
    if not _state.rendering:
        os._exit(128 + signal.SIGTERM)
    _state.stopping = True
    raise _Stop


def _on_frame(_frame) -> None:
    # SIGTERM's exception is raised again here where C code (numba, onnxruntime) swallowed it.
    if _state.stopping:
        raise _Stop
    _state.unreported += 1
    if _state.unreported >= _FRAMES_BATCH:
        _report_frames()


def _report_frames() -> None:
    if _state.unreported:
        _state.frames.put(_state.unreported)
        _state.unreported = 0


def _run(task: RenderTask) -> RowResult:
    _state.rendering = True
    try:
        return render_task(task, on_frame=_on_frame)
    except _Stop:
        os._exit(128 + signal.SIGTERM)  # the render has unwound; nothing is left to report
    finally:
        _state.rendering = False
        _report_frames()
