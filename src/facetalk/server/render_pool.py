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
render's frames; they come back as I420 (what the encoders take), converted there. Nothing here
imports aiortc.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe

import anyio
import numpy as np

from facetalk.config import Config, Controls

KEPT_AVATARS = 4             # avatars the zygote keeps (each ~20 MB), the first sent dropped first
START_TIMEOUT_S = 60.0       # a zygote not ready by then (imports) is given up
AVATAR_TIMEOUT_S = 60.0      # ... nor one that has not taken an avatar by then (its first frame, the kernels)
FORK_TIMEOUT_S = 10.0        # ... nor one that has not forked by then
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
class AddAvatar:
    """To the zygote: keep this avatar's Animator (made from its analysis) under `key`."""

    key: str
    analysis: object  # face.analysis.FaceAnalysis
    config: Config
    label: bool


@dataclass(frozen=True)
class Fork:
    """To the zygote: fork a render process on the pipe end sent right after this."""


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
class Done:
    """A request carried out: the zygote's readiness, an avatar kept (`value` None), a fork (the
    render process's pid), a stream opened (its sample rate)."""

    value: int | None = None


@dataclass(frozen=True)
class Pushed:
    """A push's frames, and how many frames the stream has completed."""

    n_frames_done: int
    frames: list


@dataclass(frozen=True)
class Failed:
    """A request that failed, or one not understood: the reason, in one line."""

    reason: str


class ProcessGone(RuntimeError):
    """The render process of a session ended (killed, out of memory)."""


# ---- the render processes' side ---------------------------------------------------------------

def zygote_main(fd: int) -> None:
    """The process render processes are forked from, one per session, talking to the server over
    the socket `fd`. It has done the imports and loaded the compiled kernels (1-4 s of CPU) and
    holds the avatars, so a fork starts drawing at once. It runs no thread to fork in a bad state:
    no OpenCV or BLAS pool (the sessions run side by side, one process each), and the lip model's
    onnxruntime session is made by each render process, never here."""
    import signal

    import cv2
    from multiprocessing.reduction import recv_handle

    from facetalk.pipeline import Animator

    control = Connection(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # a terminal's Ctrl-C is the server's to handle
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # ended render processes are reaped by the kernel
    cv2.setNumThreads(1)
    animators: dict[str, Animator] = {}
    control.send(Done())
    while True:
        try:
            request = control.recv()
        except EOFError:  # the server has gone
            return
        if isinstance(request, AddAvatar):
            # Building it draws a frame, which loads the compiled kernels (render.renderer's warm-up).
            animators[request.key] = Animator.from_analysis(request.analysis, config=request.config, label=request.label)
            while len(animators) > KEPT_AVATARS:  # as RenderPool._fork counts them
                del animators[next(iter(animators))]
            control.send(Done())
        elif not isinstance(request, Fork):
            control.send(Failed(f"the zygote does not take {type(request).__name__}"))
        else:
            fd = recv_handle(control)
            pid = os.fork()
            if pid == 0:  # the render process
                control.close()
                os._exit(_render_process(Connection(fd), animators))  # not the zygote's exit handlers
            os.close(fd)
            control.send(Done(pid))


def _render_process(conn, animators) -> int:
    """Runs a render process to its end; its exit status. A fault is told to the server in one
    line (it ends the session with it) and to stderr, rather than lost with the process."""
    try:
        _render(conn, animators)
        return 0
    except BaseException as err:  # noqa: BLE001 - whatever it is, the server must hear of it
        line = f"{type(err).__name__}: {err}"[:300]
        print(f"facetalk render process {os.getpid()}: {line}", file=sys.stderr, flush=True)
        try:
            conn.send(Failed(line))
        except OSError:
            pass
        return 1


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

    def __init__(self, conn, pid: int) -> None:
        self._conn = conn
        self.pid = pid
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
        import signal

        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:  # it has ended already
            pass
        self._conn.close()

    def _hang_up(self) -> None:
        if not self._conn.closed:
            try:
                self._conn.send(End())
            except OSError:  # it has ended already
                pass
            self._conn.close()


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
        self._zygote: subprocess.Popen | None = None
        self._control: Connection | None = None
        self._avatars: list[str] = []  # those the zygote holds, in the order sent
        self._lock = anyio.Lock()
        self._stopping = False  # set by stop_warming(): warm-ups still queued do nothing

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
        if self._control is not None:
            self._control.close()
        if self._zygote is not None:
            try:
                self._zygote.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self._zygote.kill()
                self._zygote.wait()
        self._zygote = self._control = None
        self._avatars.clear()

    def _fork(self, key: str, animator) -> RenderProcess:
        from multiprocessing.reduction import send_handle

        self._hold(key, animator)
        ours, theirs = Pipe()
        try:
            self._control.send(Fork())
            send_handle(self._control, theirs.fileno(), self._zygote.pid)
            pid = self._answer(timeout_s=FORK_TIMEOUT_S).value
        finally:
            theirs.close()
        return RenderProcess(ours, pid)

    def _hold(self, key: str | None, animator) -> None:
        """A running zygote, holding `animator` under `key` (if given)."""
        if self._zygote is None or self._zygote.poll() is not None:
            self.close()
            self._start_zygote()
        if key is not None and key not in self._avatars:
            self._ask(AddAvatar(key, animator.analysis, animator.config, animator.label), timeout_s=AVATAR_TIMEOUT_S)
            self._avatars = [*self._avatars, key][-KEPT_AVATARS:]

    def _start_zygote(self) -> None:
        # A new interpreter, not a fork of this threaded server, nor multiprocessing's spawn, which
        # would run the server's main script again in it (a script that starts a server, unguarded).
        self._control, theirs = Pipe()
        paths = os.pathsep.join(p for p in sys.path if p)  # where this server found facetalk
        try:
            self._zygote = subprocess.Popen(
                [sys.executable, "-c", f"from facetalk.server.render_pool import zygote_main; zygote_main({theirs.fileno()})"],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": paths, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
        finally:
            theirs.close()
        self._answer(timeout_s=START_TIMEOUT_S)

    def _ask(self, request, *, timeout_s: float):
        _send_within(self._control, request, timeout_s=timeout_s)
        return self._answer(timeout_s=timeout_s)

    def _answer(self, *, timeout_s: float):
        """The zygote's answer; ProcessGone if it has ended or not answered within `timeout_s`
        (the caller's close() then kills it)."""
        if not self._control.poll(timeout_s):
            raise ProcessGone(f"the render processes' zygote did not answer within {timeout_s:g} s")
        try:
            reply = self._control.recv()
        except EOFError:
            raise ProcessGone(f"the render processes' zygote has ended (exit code {self._zygote.poll()})") from None
        if isinstance(reply, Failed):
            raise ProcessGone(f"the render processes' zygote refused: {reply.reason}")
        return reply


def _send_within(conn: Connection, message, *, timeout_s: float) -> None:
    """Sends `message`, or raises ProcessGone if the other end has not taken it within `timeout_s`:
    an avatar (~20 MB) fills the socket's buffer, and a stopped zygote would hold the send, and
    the sessions waiting for the pool, for good. The sending thread ends when close() kills it."""
    done, failed = threading.Event(), []

    def send() -> None:
        try:
            conn.send(message)
        except BaseException as err:  # noqa: BLE001 - handed to the caller
            failed.append(err)
        finally:
            done.set()

    threading.Thread(target=send, name="facetalk-zygote-send", daemon=True).start()
    if not done.wait(timeout_s):
        raise ProcessGone(f"the render processes' zygote did not take a request within {timeout_s:g} s")
    if failed:
        raise failed[0]
