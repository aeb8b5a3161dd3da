"""Worker processes that draw frames: a zygote, and the processes forked from it.

The motion's and the drawing's Python hold the interpreter lock for much of a frame, so threads
of one process do not draw frames side by side (two threads: 60-72 frames/s where one draws
50-65); processes do. A process that holds threads (PyAV's, tqdm's monitor, onnxruntime's, a
server's) must not fork: a child forked in the middle of another thread's lock can deadlock. So
workers are forked from a zygote, a fresh interpreter (not multiprocessing's spawn, which runs
the caller's main script again in it) that runs no thread: it does the imports once, holds the
avatars (each made from its analysis, sent once: no second photo analysis) and forks a worker per
request, which starts drawing at once.

Two kinds of worker use it: the server's WebRTC sessions (server.render_pool: a StreamSession per
process) and offline rendering (FramePool: an Animator's frames over N processes, in order, the
frames coming back through shared memory). An avatar is anything with `frame(index, motion)`
returning an object with `image`; it is made in the zygote by a picklable callable
(`functools.partial(Animator.from_analysis, ...)`), so this module imports no stage above it.

A worker ignores Ctrl-C (its parent's to handle) and ends when its pipe closes, as the zygote
does: a parent that ends, however, leaves none behind.
"""

from __future__ import annotations

import atexit
import collections
import mmap
import os
import signal
import subprocess
import sys
import tempfile
import threading
import uuid
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, Pipe

import numpy as np

KEPT_AVATARS = 4           # avatars a zygote keeps (each ~20 MB), the first sent dropped first
START_TIMEOUT_S = 60.0     # a zygote not ready by then (imports) is given up
AVATAR_TIMEOUT_S = 60.0    # ... nor one that has not made an avatar by then (its first frame, the kernels)
FORK_TIMEOUT_S = 10.0      # ... nor one that has not forked by then
DRAW_TIMEOUT_S = 60.0      # an offline worker that has not drawn a frame by then (stopped, swapping) is killed


class ProcessGone(RuntimeError):
    """A worker process or its zygote ended (killed, out of memory), failed, or stopped answering."""


class Worker:
    """A worker process: the pipe to it, its pid, and a pidfd naming it for good (-1 where the
    system has none: not Linux, a kernel before 5.3, a sandbox refusing the call). The zygote's
    kernel reaps an ended worker at once, so its pid may be another process's by the time a
    stuck worker is killed; the pidfd (opened while the worker waits on its pipe, which it does
    not leave on its own) cannot point elsewhere."""

    def __init__(self, *, conn: Connection, pid: int, pidfd: int) -> None:
        self.conn, self.pid, self._pidfd = conn, pid, pidfd

    def kill(self) -> None:
        """SIGKILL, unless it has ended already (or was closed: its number may be reused by then)."""
        try:
            if self._pidfd >= 0:
                signal.pidfd_send_signal(self._pidfd, signal.SIGKILL)
            elif not self.conn.closed:
                os.kill(self.pid, signal.SIGKILL)
        except OSError:  # it has ended already
            pass

    def close(self, *, kill: bool = False) -> None:
        """Hangs up (it ends after the frame under way); `kill`: ends it at once. Idempotent."""
        if kill:
            self.kill()
        self.conn.close()
        if self._pidfd >= 0:
            os.close(self._pidfd)
            self._pidfd = -1


# The messages between a parent and its zygote or a worker (pickled over a pipe).

@dataclass(frozen=True)
class AddAvatar:
    """To the zygote: keep the avatar `make()` returns under `key` (made there, once)."""

    key: str
    make: Callable[[], object]


@dataclass(frozen=True)
class Fork:
    """To the zygote: fork a worker that runs `main(fd, avatars)` (a module-level function; its
    return value is the worker's exit status) on the pipe end sent right after this."""

    main: Callable[[int, dict], int]


@dataclass(frozen=True)
class Done:
    """A request carried out: the zygote's readiness, an avatar kept (`value` None), a fork (the
    worker's pid), an offline worker set up, a frame drawn (its index)."""

    value: int | None = None


@dataclass(frozen=True)
class Failed:
    """A request that failed, or one not understood: the reason, in one line."""

    reason: str


@dataclass(frozen=True)
class DrawFor:
    """To an offline worker, first: draw avatar `key`'s frames, (height, width, 3) uint8 each,
    into the `n_slots` slots of the shared file whose handle is sent right after this."""

    key: str
    shape: tuple[int, int, int]
    n_slots: int


@dataclass(frozen=True)
class Draw:
    """To an offline worker: draw frame `index` showing `motion` into slot `slot`."""

    index: int
    motion: object
    slot: int


# ---- in the zygote and its workers ------------------------------------------------------------

def zygote_main(fd: int, preload: tuple[str, ...] = ()) -> None:
    """The process workers are forked from, talking to its parent over the socket `fd`. It imports
    `preload` first (1-4 s of CPU: the parent's photo analysis overlaps it) and holds the avatars,
    so a fork starts drawing at once. It runs no thread, so it forks in a sound state: no OpenCV or
    BLAS pool (the workers run side by side, one process each)."""
    import importlib

    import cv2
    from multiprocessing.reduction import recv_handle

    for name in preload:
        importlib.import_module(name)
    control = Connection(fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # a terminal's Ctrl-C is the parent's to handle
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # ended workers are reaped by the kernel
    cv2.setNumThreads(1)
    avatars: dict[str, object] = {}
    try:
        control.send(Done())
    except OSError:  # the parent has gone already
        return
    while True:
        try:
            request = control.recv()
        except (EOFError, OSError):  # the parent has gone (a reset: it left our readiness unread)
            return
        if isinstance(request, AddAvatar):
            # An Animator draws a frame as it is made, which loads the compiled kernels for every fork.
            try:
                avatars[request.key] = request.make()
            except Exception as err:  # noqa: BLE001 - the parent hears why, the zygote goes on
                control.send(Failed(f"{type(err).__name__}: {err}"[:300]))
                continue
            while len(avatars) > KEPT_AVATARS:  # as Zygote.held counts them
                del avatars[next(iter(avatars))]
            control.send(Done())
        elif not isinstance(request, Fork):
            control.send(Failed(f"the zygote does not take {type(request).__name__}"))
        else:
            fd = recv_handle(control)
            pid = os.fork()
            if pid == 0:  # the worker
                control.close()
                os._exit(request.main(fd, avatars))  # not the zygote's exit handlers
            os.close(fd)
            control.send(Done(pid))


def tell_failure(conn: Connection, err: BaseException) -> int:
    """A worker's fault, told to its parent in one line (and to stderr) rather than lost with the
    process; the worker's exit status."""
    line = f"{type(err).__name__}: {err}"[:300]
    print(f"facetalk worker process {os.getpid()}: {line}", file=sys.stderr, flush=True)
    try:
        conn.send(Failed(line))
    except OSError:
        pass
    return 1


def _draw_frames(fd: int, avatars: dict) -> int:
    """An offline worker (FramePool): draws the frames it is sent into the shared slots until its
    pipe closes."""
    from multiprocessing.reduction import recv_handle

    conn = Connection(fd)
    try:
        setup = conn.recv()
        shared = mmap.mmap(recv_handle(conn), setup.n_slots * int(np.prod(setup.shape)))
        slots = np.ndarray((setup.n_slots, *setup.shape), np.uint8, buffer=shared)
        avatar = avatars[setup.key]
        conn.send(Done())
        while True:
            request = conn.recv()
            slots[request.slot] = avatar.frame(request.index, request.motion).image
            conn.send(Done(request.index))
    except (EOFError, ConnectionError):  # the parent is done with it (or has gone: a reset, a broken pipe)
        return 0
    except BaseException as err:  # noqa: BLE001 - whatever it is, the parent must hear of it
        return tell_failure(conn, err)


# ---- in the parent ----------------------------------------------------------------------------

class Zygote:
    """A running zygote (zygote_main) and the avatars it holds; its calls block."""

    def __init__(self, *, preload: tuple[str, ...] = ()):
        """Starts it without waiting for its imports (ready() waits)."""
        # A new interpreter, not a fork of this (perhaps threaded) process, nor multiprocessing's
        # spawn, which would run the caller's main script again in it (a script that starts a
        # server or a render, unguarded).
        self._control, theirs = Pipe()
        paths = os.pathsep.join(p for p in sys.path if p)  # where this process found facetalk
        try:
            self._process = subprocess.Popen(
                # SIGINT ignored before the imports: a terminal's Ctrl-C is the parent's to handle.
                # -P: the working directory is not put on sys.path (a numpy.py there would shadow).
                [sys.executable, "-P", "-c", "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
                 "from facetalk.render.workers import zygote_main; "
                 f"zygote_main({theirs.fileno()}, {tuple(preload)!r})"],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": paths, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
        finally:
            theirs.close()
        self._ready = False
        self.avatars: list[str] = []  # those it holds, in the order sent

    @property
    def pid(self) -> int:
        return self._process.pid

    def alive(self) -> bool:
        return self._process.poll() is None and not self._control.closed

    def ready(self, *, timeout_s: float = START_TIMEOUT_S) -> None:
        """Waits for its imports; ProcessGone if it does not come up within `timeout_s`."""
        if not self._ready:
            self.answer(timeout_s=timeout_s)
            self._ready = True

    def ask(self, request, *, timeout_s: float):
        self.ready(timeout_s=START_TIMEOUT_S)
        _send_within(self._control, request, timeout_s=timeout_s)
        return self.answer(timeout_s=timeout_s)

    def held(self, key: str) -> None:
        """Notes that avatar `key` was sent, dropping the one the zygote dropped."""
        self.avatars = [*self.avatars, key][-KEPT_AVATARS:]

    def answer(self, *, timeout_s: float):
        """The zygote's answer; ProcessGone if it has ended or not answered within `timeout_s`
        (the caller's close() then kills it)."""
        if not self._control.poll(timeout_s):
            raise ProcessGone(f"the worker processes' zygote did not answer within {timeout_s:g} s")
        try:
            reply = self._control.recv()
        except EOFError:
            raise ProcessGone(f"the worker processes' zygote has ended (exit code {self._process.poll()})") from None
        if isinstance(reply, Failed):
            raise ProcessGone(f"the worker processes' zygote refused: {reply.reason}")
        return reply

    def fork(self, main: Callable[[int, dict], int], *, timeout_s: float = FORK_TIMEOUT_S) -> Worker:
        """A new worker running `main`."""
        from multiprocessing.reduction import send_handle

        self.ready()
        ours, theirs = Pipe()
        try:
            self._control.send(Fork(main))
            send_handle(self._control, theirs.fileno(), self._process.pid)
            pid = self.answer(timeout_s=timeout_s).value
            pidfd = _pidfd_of(pid)
        except ProcessLookupError:
            ours.close()
            raise ProcessGone("a worker process ended as it was forked") from None
        except BaseException:
            ours.close()
            raise
        finally:
            theirs.close()
        return Worker(conn=ours, pid=pid, pidfd=pidfd)

    def close(self) -> None:
        """Stops it (its workers end with their pipes)."""
        self._control.close()
        try:
            self._process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


def _pidfd_of(pid: int) -> int:
    """A pidfd of `pid`, or -1 where the system gives none (Worker kills by number there);
    ProcessLookupError if it has ended."""
    if not hasattr(os, "pidfd_open"):
        return -1
    try:
        return os.pidfd_open(pid)
    except ProcessLookupError:
        raise
    except OSError:  # ENOSYS, EPERM (a seccomp filter), EMFILE
        return -1


def _send_within(conn: Connection, message, *, timeout_s: float) -> None:
    """Sends `message`, or raises ProcessGone if the other end has not taken it within `timeout_s`:
    an avatar (~20 MB) fills the socket's buffer, and a stopped zygote would hold the send, and
    whoever waits for it, for good. The sending thread ends when close() kills the zygote."""
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
        raise ProcessGone(f"the worker processes' zygote did not take a request within {timeout_s:g} s")
    if failed:
        raise failed[0]


class FramePool:
    """Draws frames offline in worker processes forked from a zygote of its own, started by
    launch() or the first draw() and kept, with the avatars it holds, until close() (or exit).
    Each draw() forks its workers (~10 ms each: they share the zygote's memory until they write)."""

    def __init__(self, *, preload: tuple[str, ...] = ()):
        self._preload = preload
        self._zygote: Zygote | None = None
        self._keys: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # owner -> its avatar's key
        self._lock = threading.Lock()  # one zygote request and its answer at a time

    def launch(self) -> None:
        """Starts the zygote now without waiting for it: its imports (1-4 s) overlap what the
        caller does next (analysing the photo)."""
        with self._lock:
            self._running()

    def close(self) -> None:
        with self._lock:
            if self._zygote is not None:
                self._zygote.close()
                self._zygote = None

    def draw(self, owner: object, make: Callable[[], object], motions: Iterable, *, processes: int,
             shape: tuple[int, int, int]) -> Iterator[tuple[object, np.ndarray]]:
        """(motion, (H, W, 3) uint8 image) for each of `motions`, in order, drawn by the avatar
        `make()` returns (made once per `owner`, in the zygote) on `processes` workers, frame i on
        worker i mod `processes`; at most 2 x `processes` frames are drawn ahead of the one yielded,
        each into a slot of a shared file (a copy in memory, not pickled through the pipe).
        Nothing starts before the first frame is asked for. A worker that fails, dies or stops
        answering raises ProcessGone; whenever this ends (closed early, an exception in the
        caller), its workers are stopped."""
        from multiprocessing.reduction import send_handle

        n_slots = 2 * processes
        shared_file = _shared_file(n_slots * int(np.prod(shape)))
        slots = np.ndarray((n_slots, *shape), np.uint8,
                           buffer=mmap.mmap(shared_file.fileno(), n_slots * int(np.prod(shape))))
        workers, finished = [], False
        try:
            workers = self._fork(owner, make, processes)
            for worker in workers:
                try:
                    worker.conn.send(DrawFor(self._keys[owner], shape, n_slots))
                    send_handle(worker.conn, shared_file.fileno(), worker.pid)
                except OSError:
                    raise ProcessGone("a worker process ended before it was set up") from None
            for worker in workers:
                _reply(worker.conn, what="setting up")
            pending: collections.deque = collections.deque()
            for index, motion in enumerate(motions):
                conn = workers[index % processes].conn
                # Slot index mod n_slots is free: the frame n_slots before this one was copied out.
                _send(Draw(index, motion, index % n_slots), conn, pending, slots)
                pending.append((index, motion, conn))
                if len(pending) >= n_slots:
                    yield _collect(*pending.popleft(), slots)
            while pending:
                yield _collect(*pending.popleft(), slots)
            finished = True
        finally:  # also when the caller closes it early (an error, Ctrl-C): nothing more is drawn
            _stop(workers, kill=not finished)
            shared_file.close()  # the memory goes with the last map of it

    def _fork(self, owner: object, make: Callable[[], object], processes: int) -> list[Worker]:
        """`processes` new workers, their zygote holding `owner`'s avatar."""
        workers: list[Worker] = []
        with self._lock:
            try:
                self._hold(owner, make)
                for _ in range(processes):
                    workers.append(self._zygote.fork(_draw_frames))
            except BaseException:  # a zygote stuck or gone: the next call starts another
                _stop(workers, kill=True)
                if self._zygote is not None:
                    self._zygote.close()
                    self._zygote = None
                raise
        return workers

    def _running(self) -> Zygote:
        if self._zygote is None or not self._zygote.alive():
            if self._zygote is not None:
                self._zygote.close()
            self._zygote = Zygote(preload=self._preload)
        return self._zygote

    def _hold(self, owner: object, make: Callable[[], object]) -> str:
        """The key of `owner`'s avatar, which the running zygote holds (sent to it if not)."""
        zygote = self._running()
        key = self._keys.get(owner)
        if key is None:
            key = self._keys[owner] = uuid.uuid4().hex
        if key not in zygote.avatars:
            zygote.ask(AddAvatar(key, make), timeout_s=AVATAR_TIMEOUT_S)
            zygote.held(key)
        return key


def _send(request: Draw, conn: Connection, pending: collections.deque, slots: np.ndarray) -> None:
    """Sends `request` to a worker; if it has ended, ProcessGone says why: the frames still pending
    are collected until one tells (a worker that failed said so before it ended)."""
    try:
        conn.send(request)
    except OSError:
        for waiting in pending:
            _collect(*waiting, slots)
        raise ProcessGone(f"a worker process ended before drawing frame {request.index}") from None


def _collect(index: int, motion, conn: Connection, slots: np.ndarray) -> tuple[object, np.ndarray]:
    _reply(conn, what=f"drawing frame {index}")
    return motion, slots[index % len(slots)].copy()  # the slot is reused: the caller may keep the frame


def _reply(conn: Connection, *, what: str) -> None:
    """Waits for a worker's Done; ProcessGone (the worker killed) if it fails, ends or stops."""
    try:
        if not conn.poll(DRAW_TIMEOUT_S):
            raise ProcessGone(f"a worker process did not answer within {DRAW_TIMEOUT_S:g} s ({what})")
        reply = conn.recv()
    except (EOFError, OSError):
        raise ProcessGone(f"a worker process ended while {what} (killed, or out of memory?)") from None
    if isinstance(reply, Failed):
        raise ProcessGone(f"{what} failed in a worker process: {reply.reason}")


def _stop(workers: list[Worker], *, kill: bool) -> None:
    """Hangs up on `workers` (each ends after its frame under way); `kill`: at once (one may be
    stopped or stuck)."""
    for worker in workers:
        worker.close(kill=kill)


def _shared_file(size: int):
    """An anonymous file of `size` bytes in memory, whose handle workers map: no name to clean up,
    and no resource tracker (multiprocessing.shared_memory's would start one in every worker)."""
    if hasattr(os, "memfd_create"):
        file = open(os.memfd_create("facetalk-frames", os.MFD_CLOEXEC), "r+b", buffering=0)
    else:
        file = tempfile.TemporaryFile()
    file.truncate(size)
    return file


_pools: list[FramePool] = []


def frame_pool(*, preload: tuple[str, ...]) -> FramePool:
    """The process's FramePool for `preload` (one zygote each, stopped at exit)."""
    for pool in _pools:
        if pool._preload == preload:
            return pool
    _pools.append(FramePool(preload=preload))
    atexit.register(_pools[-1].close)
    return _pools[-1]
