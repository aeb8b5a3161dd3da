"""Render processes for live sessions: a WebRTC session's motion, drawing and watermark run in a
process of its own, so that sessions use every core. In the server's threads they share one
interpreter lock with aiortc's event loop, and the motion's and the drawing's Python hold it for
much of a frame (the compiled kernels, OpenCV and the VP8 encoder let go of it): with three
sessions at 13 fps the server held it 43% of the time, two thirds of that for them.

Each session's process is forked from a zygote that the server starts with itself (1-4 s:
imports, compiled kernels) and that holds the avatars, each sent when it is added (with
ServerSettings.webrtc_warm_start; else the first session's offer waits for both), so sessions
start drawing at once and no session's CPU goes to starting another's process. A render process
draws what StreamSession draws in the server (the same code, the same avatar), so an offline
render's frames; they come back as I420 (what the encoders take), converted there. The zygote is
render.workers' (offline renders fork their workers from one too). Nothing here imports aiortc.
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection

import anyio
import numpy as np

from facetalk.config import Controls
from facetalk.render.workers import (AVATAR_TIMEOUT_S, FORK_TIMEOUT_S, START_TIMEOUT_S, AddAvatar, Done, Failed,
                                     ProcessGone, Worker, Zygote, tell_failure)

OPEN_TIMEOUT_S = 30.0        # a render process that has not opened its stream by then (the lip model) is killed
PUSH_TIMEOUT_S = 10.0        # ... and one that has not answered a push (20-100 ms of audio) by then
SWITCH_INTERVAL_S = 0.001    # the server's interpreter lock switch interval once sessions render in processes


@dataclass(frozen=True, eq=False)
class YuvFrame:
    """One frame for the encoders: `i420` (H * 3/2, W) uint8, BT.601 video range, as OpenCV's
    RGB -> YUV_I420 gives; frame `index` of its stream."""

    index: int
    i420: np.ndarray


def to_yuv(index: int, rgb: np.ndarray) -> YuvFrame:
    import cv2

    # OpenCV converts in ~0.1 ms at 512²; left to the encoder, FFmpeg sets up a new converter for
    # every frame (~1 ms). Same BT.601 video range either way.
    return YuvFrame(index=index, i420=cv2.cvtColor(rgb, cv2.COLOR_RGB2YUV_I420))


# The messages between the server and the zygote or a render process (pickled over a pipe).

@dataclass(frozen=True)
class Open:
    """To a render process: open a stream of avatar `key`."""

    key: str
    controls: Controls


@dataclass(frozen=True)
class Push:
    """To a render process: push `pcm` (int16 at the stream's rate); draw its frames if `render`."""

    pcm: np.ndarray
    render: bool


@dataclass(frozen=True)
class End:
    """To a render process: end."""


@dataclass(frozen=True)
class Pushed:
    """A push's frames, and how many frames the stream has completed."""

    n_frames_done: int
    frames: list


# ---- the render processes' side ---------------------------------------------------------------

def _render_process(fd: int, animators: dict) -> int:
    """A render process (render.workers.Fork's main) run to its end; its exit status. A fault is
    told to the server in one line (it ends the session with it)."""
    conn = Connection(fd)
    try:
        _render(conn, animators)
        return 0
    except BaseException as err:  # noqa: BLE001 - whatever it is, the server must hear of it
        return tell_failure(conn, err)


def _render(conn, animators) -> None:
    """A render process: one session of one of `animators`, push by push, until told to end."""
    stream = None
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if isinstance(request, Open):
            stream = animators[request.key].open_stream(request.controls)
            conn.send(Done(stream.sample_rate))
        elif isinstance(request, Push) and stream is not None:
            frames = stream.push(request.pcm, render=request.render)
            conn.send(Pushed(stream.n_frames_done, [to_yuv(f.index, f.image) for f in frames]))
        elif isinstance(request, End):
            return
        else:
            raise ValueError(f"a render process does not take {type(request).__name__} here")


# ---- in the server -----------------------------------------------------------------------------

class RenderProcess:
    """One session's render process; its calls block (run them in a thread)."""

    def __init__(self, worker: Worker) -> None:
        self._worker = worker
        self._conn = worker.conn
        self.pid = worker.pid
        self._lock = threading.Lock()  # one request and its answer at a time
        self._ending = False

    def open(self, key: str, controls: Controls) -> WorkerStream:
        return WorkerStream(self, sample_rate=self._ask(Open(key, controls), timeout_s=OPEN_TIMEOUT_S).value)

    def end(self) -> None:
        """Ends the process now, or once the push under way is answered; never waits (the event
        loop calls it)."""
        self._ending = True
        if self._lock.acquire(blocking=False):
            try:
                self._hang_up()
            finally:
                self._lock.release()

    def _ask(self, request, *, timeout_s: float):
        with self._lock:
            try:
                if self._ending:
                    raise ProcessGone("the render process has ended")
                self._conn.send(request)
                if not self._conn.poll(timeout_s):  # stuck (stopped, swapping): it is given up
                    self._kill()
                    raise ProcessGone(f"the render process did not answer within {timeout_s:g} s")
                reply = self._conn.recv()
            except (EOFError, OSError):
                raise ProcessGone("the render process has ended") from None
            finally:
                if self._ending:  # end() came while this was under way
                    self._hang_up()
        # end() may have come after the check above and found the lock still held: hang up here.
        if self._ending and self._lock.acquire(blocking=False):
            try:
                self._hang_up()
            finally:
                self._lock.release()
        if isinstance(reply, Failed):
            raise ProcessGone(f"the render process failed: {reply.reason}")
        return reply

    def _kill(self) -> None:
        self._worker.close(kill=True)

    def _hang_up(self) -> None:
        if not self._conn.closed:
            try:
                self._conn.send(End())
            except OSError:  # it has ended already
                pass
        self._worker.close()


class WorkerStream:
    """A StreamSession in a render process, as _Feed uses one: `push` blocks until the frames are
    back (run it in a thread; the interpreter lock is let go while it waits)."""

    def __init__(self, process: RenderProcess, *, sample_rate: int):
        self._process = process
        self.sample_rate = sample_rate
        self.n_frames_done = 0

    def push(self, pcm: np.ndarray, *, render: bool = True) -> list[YuvFrame]:
        pushed = self._process._ask(Push(pcm, render), timeout_s=PUSH_TIMEOUT_S)
        self.n_frames_done = pushed.n_frames_done
        return pushed.frames


class RenderPool:
    """Forks a render process for each session from a zygote (zygote_main), started by warm() or
    the first lease. Its coroutines run on the server's event loop; the blocking calls go to
    threads, one at a time."""

    def __init__(self) -> None:
        self._zygote: Zygote | None = None
        self._lock = anyio.Lock()
        self._stopping = False  # set by stop_warming(): warm-ups still queued do nothing

    @property
    def _avatars(self) -> list[str]:
        """The avatars the zygote holds, in the order sent."""
        return self._zygote.avatars if self._zygote is not None else []

    async def lease(self, key: str, animator) -> RenderProcess | None:
        """A render process drawing `animator` (under `key`, its avatar), or None when none can be
        had (the zygote failed to start, has died or is stuck) or would not draw what the server
        draws (an Animator given its own lip model): the session renders in a thread then."""
        if animator.lip_model is not None:  # the zygote's Animator loads the bundled one
            return None
        # Each push's thread takes the interpreter lock back 3-4 times (after the pipe's reads and
        # writes), waiting up to the switch interval each time while aiortc's loop runs Python:
        # 5 ms by default, which made a push's round trip 23 ms where the drawing takes 11.
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        async with self._lock:
            try:
                return await anyio.to_thread.run_sync(lambda: self._fork(key, animator))
            except (OSError, EOFError, ProcessGone) as err:
                logging.getLogger(__name__).warning("no render process (%s); the session renders in a thread", err)
                await anyio.to_thread.run_sync(self.close)  # the next session starts a new zygote
                return None

    async def warm(self, key: str | None = None, animator=None) -> None:
        """Readies what a first session would wait for: the zygote (its imports take 1-4 s) and,
        given one, the avatar `animator` under `key` (sending it, and the first one's compiled
        kernels, another ~1 s). A failure is logged; the next lease tries again."""
        async with self._lock:
            if self._stopping:
                return
            try:
                await anyio.to_thread.run_sync(lambda: self._hold(key, animator))
            except Exception as err:  # noqa: BLE001 - in the background: logged, and the next lease tries again
                logging.getLogger(__name__).warning("the render processes are not ready (%s: %s)", type(err).__name__, err)
                await anyio.to_thread.run_sync(self.close)

    def stop_warming(self) -> None:
        """Warm-ups queued from now on return at once (the server is shutting down: only the one
        under way is waited for)."""
        self._stopping = True

    def close(self) -> None:
        """Stops the zygote; render processes end with their sessions (or with the server)."""
        if self._zygote is not None:
            self._zygote.close()
        self._zygote = None

    def _fork(self, key: str, animator) -> RenderProcess:
        self._hold(key, animator)
        return RenderProcess(self._zygote.fork(_render_process, timeout_s=FORK_TIMEOUT_S))

    def _hold(self, key: str | None, animator) -> None:
        """A running zygote, holding `animator` under `key` (if given)."""
        if self._zygote is None or not self._zygote.alive():
            self.close()
            # The server imports the pipeline anyway; the zygote does so before any avatar comes.
            self._zygote = Zygote(preload=("facetalk.pipeline",))
            self._zygote.ready(timeout_s=START_TIMEOUT_S)
        if key is not None and key not in self._avatars:
            self._ask(AddAvatar(key, animator.remade), timeout_s=AVATAR_TIMEOUT_S)
            self._zygote.held(key)

    def _ask(self, request, *, timeout_s: float):
        return self._zygote.ask(request, timeout_s=timeout_s)
