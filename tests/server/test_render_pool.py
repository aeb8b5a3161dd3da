"""Render processes for WebRTC sessions (server.render_pool): what a session's process draws is
what the server's own StreamSession draws, bit for bit; each session gets a process of its own,
forked from a zygote that gets each avatar once; a process or zygote that dies is reported, and
the next session gets a new one."""

import asyncio
import os
import signal
import time
from pathlib import Path

import numpy as np
import pytest

from facetalk.config import Controls
from facetalk.server.render_pool import ProcessGone, RenderPool, to_yuv

SR = 16_000


def _speech(seconds: float) -> np.ndarray:
    """Seeded voiced noise with pauses, int16 at 16 kHz (what the WebRTC feed pushes)."""
    rng = np.random.default_rng(3)
    t = np.arange(int(seconds * SR)) / SR
    voiced = (np.sin(2 * np.pi * 3 * t) > -0.3) * (np.sin(2 * np.pi * 140 * t) + 0.3 * rng.standard_normal(len(t)))
    return np.round(np.clip(voiced * 0.4, -1, 1) * 32767).astype(np.int16)


@pytest.fixture(scope="module")
def animator(client, avatar_id):
    return client.app.state.facetalk.avatars.get(avatar_id).animator


def test_a_render_process_draws_what_the_server_draws(animator):
    """Frames, indices and skipped frames alike, in 20 ms pushes with some not drawn."""
    pcm = _speech(2.0)
    chunks = [pcm[i:i + 320] for i in range(0, len(pcm), 320)]
    draw = [k % 7 not in (3, 4) for k in range(len(chunks))]

    async def scenario():
        pool = RenderPool()
        try:
            process = await pool.lease("sample", animator)
            assert process is not None, "no render process could be started"
            remote = await asyncio.to_thread(process.open, "sample", Controls(seed=4))
            got = [await asyncio.to_thread(remote.push, c, render=d) for c, d in zip(chunks, draw)]
            return got, remote.n_frames_done
        finally:
            pool.close()

    got, n_done = asyncio.run(scenario())
    local = animator.open_stream(Controls(seed=4))
    want = [[to_yuv(f.index, f.image) for f in local.push(c, render=d)] for c, d in zip(chunks, draw)]
    assert n_done == local.n_frames_done >= 45
    assert [[f.index for f in push] for push in got] == [[f.index for f in push] for push in want]
    assert sum(len(push) for push in got) >= 30
    for remote_push, local_push in zip(got, want):
        for a, b in zip(remote_push, local_push):
            assert a.i420.shape == (768, 512) and np.array_equal(a.i420, b.i420), a.index


def test_each_session_gets_a_process_and_the_dead_are_replaced(animator):
    async def scenario():
        pool = RenderPool()
        try:
            first, second = [await pool.lease("sample", animator) for _ in range(2)]
            assert first.pid != second.pid and pool._avatars == ["sample"]  # the avatar went once
            zygote = pool._zygote.pid
            streams = [await asyncio.to_thread(p.open, "sample", Controls(seed=1)) for p in (first, second)]
            os.kill(first.pid, signal.SIGKILL)
            with pytest.raises(ProcessGone, match="render process has ended"):
                await asyncio.to_thread(streams[0].push, _speech(0.2))
            assert await asyncio.to_thread(streams[1].push, _speech(0.2)) is not None  # the other draws on
            second.end()
            with pytest.raises(ProcessGone):
                await asyncio.to_thread(streams[1].push, _speech(0.2))

            os.kill(zygote, signal.SIGKILL)  # the zygote itself: the next lease starts another
            await asyncio.sleep(0.2)
            third = await pool.lease("sample", animator)
            assert third is not None and pool._zygote.pid != zygote
            stream = await asyncio.to_thread(third.open, "sample", Controls(seed=1))
            frames = []
            for chunk in np.split(_speech(0.6), 30):
                frames += await asyncio.to_thread(stream.push, chunk)
            third.end()
            return frames
        finally:
            pool.close()

    frames = asyncio.run(scenario())
    assert [f.index for f in frames] == list(range(len(frames))) and len(frames) >= 10


def test_ending_a_session_never_waits_for_its_push(animator):
    """end() comes from the event loop while a push may be under way in a thread: it returns at
    once, the push gets its frames, and the process ends after it."""
    async def scenario():
        pool = RenderPool()
        try:
            process = await pool.lease("sample", animator)
            stream = await asyncio.to_thread(process.open, "sample", Controls(seed=1))
            pushed = asyncio.ensure_future(asyncio.to_thread(stream.push, _speech(1.0)))  # ~25 frames to draw
            while not process._lock.locked():
                await asyncio.sleep(0.001)
            started = time.monotonic()
            process.end()
            waited_s = time.monotonic() - started
            frames = await pushed
            with pytest.raises(ProcessGone):
                await asyncio.to_thread(stream.push, _speech(0.1))
            return waited_s, frames, process.pid
        finally:
            pool.close()

    waited_s, frames, pid = asyncio.run(scenario())
    assert waited_s < 0.1 and len(frames) >= 20  # the push takes ~1 s: end() did not wait for it
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.05)
    assert not _alive(pid), "the render process did not end"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a zombie waiting for its parent has ended too
        return stat.read().rsplit(")", 1)[1].split()[0] != "Z"


def test_a_stuck_zygote_or_render_process_is_given_up_and_a_fault_is_told(animator, monkeypatch):
    """A zygote that stops answering (stopped, swapping) does not hold the next offers: the lease
    gives up after its timeout and the session renders in a thread. A render process that stops
    answering a push is killed and its session told; one that fails says why."""
    import facetalk.server.render_pool as pool_module

    async def scenario():
        pool = RenderPool()
        try:
            # The first avatar also loads the compiled kernels (over a second on a busy machine).
            await pool.warm("sample", animator)
            monkeypatch.setattr(pool_module, "AVATAR_TIMEOUT_S", 1.0)
            monkeypatch.setattr(pool_module, "PUSH_TIMEOUT_S", 1.0)
            process = await pool.lease("sample", animator)
            with pytest.raises(ProcessGone, match="KeyError"):  # an avatar it does not hold
                await asyncio.to_thread(process.open, "nobody", Controls(seed=1))
            stuck = await pool.lease("sample", animator)
            stream = await asyncio.to_thread(stuck.open, "sample", Controls(seed=1))
            os.kill(stuck.pid, signal.SIGSTOP)
            started = time.monotonic()
            with pytest.raises(ProcessGone, match="did not answer"):
                await asyncio.to_thread(stream.push, _speech(0.2))
            pushed_s = time.monotonic() - started
            zygote = pool._zygote.pid
            os.kill(zygote, signal.SIGSTOP)
            started = time.monotonic()
            fallback = await pool.lease("another", animator)  # a new avatar: the zygote must answer
            return pushed_s, time.monotonic() - started, fallback, stuck.pid, zygote
        finally:
            pool.close()

    pushed_s, leased_s, fallback, stuck_pid, zygote = asyncio.run(scenario())
    assert pushed_s < 5 and leased_s < 8 and fallback is None
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (_alive(stuck_pid) or _alive(zygote)):
        time.sleep(0.05)
    assert not _alive(stuck_pid) and not _alive(zygote), "a stuck process was left running"


def _zygotes() -> set[int]:
    """This process's children that are render-process zygotes."""
    found = set()
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            ppid = int(next(line for line in status.read_text().splitlines() if line.startswith("PPid:")).split()[1])
            cmdline = (status.parent / "cmdline").read_bytes()
        except (OSError, StopIteration, ValueError):
            continue  # ended meanwhile
        if ppid == os.getpid() and b"zygote_main" in cmdline:
            found.add(int(status.parent.name))
    return found


def test_the_server_starts_the_zygote_with_itself_and_stops_it_after(fake_face_models):
    """With webrtc_warm_start the zygote starts with the app, before any offer (so the first
    session does not wait 1-4 s for it), and is gone once the app has shut down; an avatar added
    is announced to the hooks (the WebRTC routes' warm_soon)."""
    pytest.importorskip("aiortc")
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from facetalk.server import create_app
    from tests.server.conftest import LIMITS

    before = _zygotes()
    detector, segmenter = fake_face_models.get()  # the sample avatar's analysis, replayed (tests/fakes.py)
    app = create_app(replace(LIMITS, webrtc_warm_start=True), detector=detector, segmenter=segmenter)
    announced = []
    app.state.facetalk.avatar_added.append(announced.append)
    with TestClient(app) as client:
        assert client.get("/api/info").status_code == 200  # it answers while the zygote starts
        deadline = time.monotonic() + 60
        while not (started := _zygotes() - before) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert started, "no zygote started with the server"
        avatar_id = client.post("/api/avatars/sample").json()["avatar_id"]
        assert [a.id for a in announced] == [avatar_id]
    for pid in started:
        assert not _alive(pid), "the zygote outlived the server"
    with TestClient(create_app(LIMITS)) as client:  # without warm start: none until an offer
        client.get("/api/info")
        time.sleep(0.5)
        assert _zygotes() == before


def test_an_avatar_readied_ahead_is_held_by_the_zygote_and_leased_at_once(animator):
    """warm_soon(avatar) starts the zygote and sends it the avatar in the background: the lease
    that follows sends nothing and only forks."""
    pytest.importorskip("aiortc")
    from dataclasses import replace

    from facetalk.server.avatars import Avatar
    from facetalk.server.routes.webrtc import WebRtcRoutes, _avatar_key
    from facetalk.server.state import ServerState
    from tests.server.conftest import LIMITS

    avatar = Avatar(id="ahead", animator=animator, preview_jpeg=b"")

    async def scenario():
        state = ServerState(replace(LIMITS, webrtc_warm_start=True))
        routes = WebRtcRoutes(state)
        try:
            routes.warm_soon(avatar)
            await asyncio.gather(*routes._warming)
            held = list(routes._pool._avatars)
            sent = []
            routes._pool._ask = lambda request, **_: sent.append(request)  # nothing more is sent
            process = await routes._pool.lease(_avatar_key(avatar), animator)
            process.end()
            return held, sent
        finally:
            await routes.close_all()
            state.close()

    held, sent = asyncio.run(scenario())
    assert held == [_avatar_key(avatar)] and sent == []


def test_a_failed_warm_up_is_logged_and_the_next_lease_tries_again(animator, monkeypatch, caplog):
    """warm() runs in the background: whatever it meets is logged, never raised into the server's
    shutdown, and the pool is left closed for the next lease to start afresh."""
    async def scenario():
        pool = RenderPool()
        closed = []
        monkeypatch.setattr(pool, "_hold", lambda key, animator: (_ for _ in ()).throw(RuntimeError("boom")))
        monkeypatch.setattr(pool, "close", lambda: closed.append(True))
        await pool.warm("sample", animator)
        return closed

    assert asyncio.run(scenario()) == [True]
    assert "not ready (RuntimeError: boom)" in caplog.text


def test_warm_ups_queued_at_shutdown_do_nothing(monkeypatch):
    """stop_warming(): the warm-up under way finishes, those queued behind it return at once (a
    stuck zygote would otherwise hold the shutdown up to a start timeout per queued avatar)."""
    async def scenario():
        pool = RenderPool()
        held = []

        def hold(key, animator):
            time.sleep(0.3)
            held.append(key)

        monkeypatch.setattr(pool, "_hold", hold)
        tasks = [asyncio.ensure_future(pool.warm(key, None)) for key in ("a", "b", "c")]
        await asyncio.sleep(0.1)  # "a" is under way, "b" and "c" wait for the lock
        pool.stop_warming()
        await asyncio.gather(*tasks)
        return held

    assert asyncio.run(scenario()) == ["a"]


def test_an_animator_given_its_own_lip_model_renders_in_the_server(animator):
    """The zygote's Animators load the bundled lip model: one given another is not leased a
    process (it would draw other lips), and no process is started for it."""
    from facetalk.motion.lipsync import load_lipsync_model
    from facetalk.pipeline import Animator

    own = Animator.from_analysis(animator.analysis, lip_model=load_lipsync_model())
    assert own.lip_model is not None and animator.lip_model is None

    async def scenario():
        pool = RenderPool()
        try:
            return await pool.lease("sample", own), pool._zygote
        finally:
            pool.close()

    process, zygote = asyncio.run(scenario())
    assert process is None and zygote is None
