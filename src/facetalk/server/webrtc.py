"""The media side of a WebRTC session (aiortc): the caller's audio track in, the avatar's video and
the same audio, delayed to play in step with the mouth, out. The routes are in routes/webrtc.py.

Timing. Decoded audio (48 kHz from Opus) is pushed into the avatar's StreamSession in the packets'
20 ms steps; each frame it returns is sent with the audio of its own 40 ms, so the audio leaves
with the frame that animates it. aiortc's Sender Reports map each track's RTP time to the send
time of its packets, so a receiver that syncs the tracks of a stream (browsers do) plays them
together, and one that plays on arrival sees them within a frame's encoding time.

Rendering. The session's StreamSession runs in a render process of its own (server.render_pool:
every core, and the same frames) when the server gives it one, else in the server's threads.

Silence. A peer's track sends packets in silence too (20 ms apart); when none come for
FILL_AFTER_S, silence is fed in their place so the face keeps blinking and breathing. When none
come for the peer-gone time, the peer has gone (a closed tab sends no BYE) and the session ends.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import anyio
import av
import numpy as np
from aiortc import MediaStreamTrack, RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.mediastreams import MediaStreamError
from aiortc.sdp import SessionDescription

from facetalk.pipeline import StreamSession
from facetalk.server.render_pool import ProcessGone, WorkerStream, YuvFrame, to_yuv
from facetalk.server.routes.webrtc import IceServer

OUT_RATE = 48_000            # Opus's rate: the audio sent back is the decoded audio, not the 16 kHz copy
OUT_CHUNK = 960              # 20 ms at OUT_RATE, one Opus packet
VIDEO_CLOCK = 90_000         # RTP's video clock
FILL_AFTER_S = 0.3           # no packet for this long: feed silence (normal jitter stays far below)
FILL_STEP_S = 0.02           # then one packet's worth at a time
MAX_VIDEO_BACKLOG = 3        # frames waiting for the encoder beyond this (120 ms) are skipped
# A session behind real time draws fewer frames rather than fall ever further behind: the share
# it draws falls (x DRAW_DECREASE every ADJUST_S) while audio has waited to be fed more than
# BEHIND_S for BEHIND_FOR_S (a CPU that cannot keep up, not a burst of packets after a network
# stall, which an idle CPU feeds in a few ms), and climbs back (+DRAW_INCREASE) while audio is fed
# within BEHIND_S (a render process's round trip keeps a packet or two waiting even then); so it
# settles at what the CPU sustains. Audio waiting over FAR_BEHIND_S (a stall) is caught up
# at once, drawing one frame every DRAW_EVERY_S.
BEHIND_S = 0.06
BEHIND_FOR_S = 0.1
ADJUST_S = 0.1
DRAW_DECREASE = 0.7
DRAW_INCREASE = 0.05
MIN_DRAWN = 0.1              # the share drawn never falls below this (2.5 fps at 25)
FAR_BEHIND_S = 0.3
DRAW_EVERY_S = 0.5

# aioice logs every candidate pair's state at INFO, a dozen lines per session in the server's log.
logging.getLogger("aioice").setLevel(logging.WARNING)


@dataclass(frozen=True)
class SessionLimits:
    max_stream_s: float      # audio one session may receive (as a WebSocket stream)
    peer_gone_s: float       # no packet for this long: the peer has gone


@dataclass(frozen=True)
class _Out:
    """What one push produced: video frames, and the audio that plays with them."""

    video: list[av.VideoFrame]
    audio: list[av.AudioFrame]
    n_completed: int  # frames the push completed, drawn or skipped


def offer_problem(sdp: str) -> str | None:
    """Why an offer cannot be served (one line), or None: it must send one audio track and
    receive audio and video."""
    try:
        media = SessionDescription.parse(sdp).media
    except Exception as err:  # the parser meets malformed text with asserts, KeyError, IndexError...
        return f"the offer's SDP cannot be read ({type(err).__name__}: {str(err)[:120]})"
    kinds = {m.kind: m.direction for m in media}
    if [m.kind for m in media if m.kind == "audio"] != ["audio"] or kinds["audio"] != "sendrecv":
        return "the offer must carry one audio track, sendrecv: your speech in, the avatar's audio back"
    if kinds.get("video") not in ("recvonly", "sendrecv"):
        return "the offer must receive one video track (addTransceiver('video', {direction: 'recvonly'}))"
    return None


class _Outgoing(MediaStreamTrack):
    """A track whose frames are put in by the session; aiortc's sender sends each as it comes,
    so the pace is the incoming audio's."""

    def __init__(self, kind: str):
        super().__init__()
        self.kind = kind
        self._queue: asyncio.Queue[av.Frame | None] = asyncio.Queue()

    def put(self, frame: av.Frame | None) -> None:
        self._queue.put_nowait(frame)

    async def recv(self) -> av.Frame:
        if self.readyState != "live":
            raise MediaStreamError
        frame = await self._queue.get()
        # An encoder that falls behind (a loaded CPU) must not make the picture ever later: the
        # newest frame goes, the ones it replaces are skipped. Audio is never skipped.
        while self.kind == "video" and frame is not None and self._queue.qsize() > MAX_VIDEO_BACKLOG:
            frame = self._queue.get_nowait()
        if frame is None:
            self.stop()
            raise MediaStreamError
        return frame


def _pcm(frames: list[av.AudioFrame]) -> np.ndarray:
    return np.concatenate([f.to_ndarray().reshape(-1) for f in frames]) if frames else np.zeros(0, np.int16)


class _InThread:
    """A StreamSession rendering in the server's threads, as a WorkerStream renders in a process."""

    def __init__(self, stream: StreamSession):
        self._stream = stream
        self.sample_rate = stream.sample_rate

    @property
    def n_frames_done(self) -> int:
        return self._stream.n_frames_done

    def push(self, pcm: np.ndarray, *, render: bool = True) -> list[YuvFrame]:
        # The Animator has watermarked them.
        return [to_yuv(f.index, f.image) for f in self._stream.push(pcm, render=render)]


class _Feed:
    """The thread side of a session (one push at a time): audio in; frames, and the audio they
    animate, out."""

    def __init__(self, stream: StreamSession | WorkerStream, *, fps: int):
        self._stream = _InThread(stream) if isinstance(stream, StreamSession) else stream
        self._fps = fps
        self._to_mono = av.AudioResampler(format="s16", layout="mono", rate=OUT_RATE)
        self._to_analysis = av.AudioResampler(format="s16", layout="mono", rate=stream.sample_rate)
        self._held = np.zeros(0, np.int16)  # received at OUT_RATE, not sent back yet
        self._n_sent = 0                    # samples sent back
        self.n_received = 0

    @property
    def received_s(self) -> float:
        return self.n_received / OUT_RATE

    def heard(self, frame: av.AudioFrame, *, render: bool = True) -> _Out:
        return self._feed(_pcm(self._to_mono.resample(frame)), render=render)

    def silence(self, *, n_samples: int, render: bool = True) -> _Out:
        return self._feed(np.zeros(n_samples, np.int16), render=render)

    def _feed(self, mono: np.ndarray, *, render: bool) -> _Out:
        """render=False: the frames this audio completes are skipped (a session behind real time
        catches up at the cost of frames, not of ever more delay); their audio still goes."""
        self._held = np.concatenate([self._held, mono])
        self.n_received += len(mono)
        chunk = av.AudioFrame.from_ndarray(mono[None], format="s16", layout="mono")
        chunk.sample_rate = OUT_RATE
        n_done = self._stream.n_frames_done
        frames = self._stream.push(_pcm(self._to_analysis.resample(chunk)), render=render)
        # Frame i shows the instant i / fps: the audio up to the next frame goes with it.
        until_sample = self._stream.n_frames_done * OUT_RATE // self._fps
        return _Out(video=[self._video_frame(f) for f in frames], audio=self._release(until_sample=until_sample),
                    n_completed=self._stream.n_frames_done - n_done)

    def _release(self, *, until_sample: int) -> list[av.AudioFrame]:
        out = []
        while self._n_sent + OUT_CHUNK <= until_sample and len(self._held) >= OUT_CHUNK:
            frame = av.AudioFrame.from_ndarray(self._held[None, :OUT_CHUNK], format="s16", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = OUT_RATE, self._n_sent, Fraction(1, OUT_RATE)
            out.append(frame)
            self._held = self._held[OUT_CHUNK:]
            self._n_sent += OUT_CHUNK
        return out

    def _video_frame(self, rendered: YuvFrame) -> av.VideoFrame:
        frame = av.VideoFrame.from_ndarray(rendered.i420, format="yuv420p")
        frame.pts, frame.time_base = rendered.index * VIDEO_CLOCK // self._fps, Fraction(1, VIDEO_CLOCK)
        return frame


class _AudioAsItComes(JitterBuffer):
    """Each Opus packet is a whole frame: decoded as it arrives. aiortc's buffer holds 4 audio
    packets (80 ms) before the first, and each until the next one is in, against reordering on
    the Internet; a live face cannot spare that. A late or repeated packet is dropped (20 ms lost)."""

    def __init__(self):
        super().__init__(capacity=16)
        self._last_seq: int | None = None

    def add(self, packet) -> tuple[bool, JitterFrame | None]:
        if self._last_seq is not None and not 0 < (packet.sequence_number - self._last_seq) % 65536 < 32768:
            return False, None
        self._last_seq = packet.sequence_number
        return False, JitterFrame(data=packet._data, timestamp=packet.timestamp)


def _low_latency(pc: RTCPeerConnection) -> None:
    # A private name of the pinned aiortc 1.16; should it change, aiortc's own buffer stays.
    for transceiver in pc.getTransceivers():
        if transceiver.kind == "audio" and hasattr(transceiver.receiver, "_RTCRtpReceiver__jitter_buffer"):
            transceiver.receiver._RTCRtpReceiver__jitter_buffer = _AudioAsItComes()


def _waiting_s(track: MediaStreamTrack, frame: av.AudioFrame) -> float:
    """Seconds of audio received and not yet fed, counted as packets like `frame` (Opus's are all
    alike in one call). Reads a private name of the pinned aiortc 1.16's remote track (a test
    checks it is there); without it, 0: nothing is skipped."""
    queue = getattr(track, "_queue", None)
    return queue.qsize() * frame.samples / frame.sample_rate if isinstance(queue, asyncio.Queue) else 0.0


class _CatchUp:
    """Whether to draw the frames of the next push (see BEHIND_S); counts the frames not drawn."""

    def __init__(self) -> None:
        self._behind_since: float | None = None
        self._adjusted_at = -math.inf
        self._drawn_at = -math.inf
        self.share = 1.0             # of the frames, drawn
        self._credit = 1.0           # frames that may be drawn now
        self.skipped = 0
        self.completed = 0

    def draw(self, *, waiting_s: float, now_s: float) -> bool:
        if waiting_s <= BEHIND_S:
            self._behind_since = None
        elif self._behind_since is None:
            self._behind_since = now_s
        behind = self._behind_since is not None and now_s - self._behind_since >= BEHIND_FOR_S
        if now_s - self._adjusted_at >= ADJUST_S and (behind or waiting_s <= BEHIND_S):
            self._adjusted_at = now_s
            # Faster back up when nothing waits at all: the CPU has had time to spare.
            more = DRAW_INCREASE * (3 if waiting_s == 0 else 1)
            self.share = max(MIN_DRAWN, self.share * DRAW_DECREASE) if behind else min(1.0, self.share + more)
        if behind and waiting_s > FAR_BEHIND_S:
            drawing = now_s - self._drawn_at >= DRAW_EVERY_S
        else:
            drawing = self._credit >= 1.0
        if drawing:
            self._drawn_at = now_s
        return drawing

    def done(self, *, n_frames: int, drawn: bool) -> None:
        """After the push: `n_frames` completed, drawn or not."""
        self.completed += n_frames
        if drawn:
            self._credit -= n_frames
        else:
            self.skipped += n_frames
        # Earned per frame completed, so the frames drawn are spread evenly among them; at most
        # two frames' worth, so that the share drawn stays the share asked for.
        self._credit = min(2.0, max(0.0, self._credit) + self.share * n_frames) if self.share < 1 else 1.0


class LiveSession:
    """One peer connection animating one avatar; `close()` ends it (once) and calls `on_end`."""

    def __init__(self, *, stream: StreamSession | WorkerStream, fps: int, limits: SessionLimits,
                 on_end: Callable[[], None]):
        self._feed = _Feed(stream, fps=fps)
        self._limits = limits
        self._on_end = on_end
        self._video = _Outgoing("video")
        self._audio = _Outgoing("audio")
        self._pc: RTCPeerConnection | None = None
        self._pump: asyncio.Task | None = None
        self._catch_up = _CatchUp()
        self._closed = False
        self.end_reason: str | None = None

    async def start(self, *, offer_sdp: str, ice_servers: tuple[IceServer, ...]) -> str:
        """Answers the offer; returns the answer's SDP, with all of the server's candidates."""
        # An explicit list, empty by default: given none, aiortc would ask a public STUN server.
        config = RTCConfiguration(iceServers=[RTCIceServer(urls=s.url, username=s.username, credential=s.credential)
                                              for s in ice_servers])
        self._pc = pc = RTCPeerConnection(config)
        pc.on("track", self.consume)
        pc.on("connectionstatechange", self._on_state)
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        except Exception as err:  # whatever the client's SDP makes aiortc raise: the client's error
            raise ValueError(f"{type(err).__name__}: {err}") from None
        _low_latency(pc)
        pc.addTrack(self._audio)  # both in the peer connection's one stream: receivers sync them
        pc.addTrack(self._video)
        await pc.setLocalDescription(await pc.createAnswer())  # returns once the candidates are gathered
        return pc.localDescription.sdp

    @property
    def video(self) -> MediaStreamTrack:
        """The avatar's frames, as sent to the peer."""
        return self._video

    def consume(self, track: MediaStreamTrack) -> None:
        """Animates from `track`, the peer's audio (the peer connection calls this for each track)."""
        if track.kind == "audio" and self._pump is None:
            self._pump = asyncio.ensure_future(self._run(track))

    async def _on_state(self) -> None:
        if self._pc is not None and self._pc.connectionState in ("failed", "closed"):
            await self.close(reason=f"connection {self._pc.connectionState}")

    async def _run(self, track: MediaStreamTrack) -> None:
        reason = "ended"
        try:
            reason = await self._pump_audio(track)
        except ProcessGone as err:
            reason = str(err)
        finally:
            # Scheduled, not awaited: when close() has cancelled this task, nothing here may await.
            asyncio.ensure_future(self.close(reason=reason))

    async def _pump_audio(self, track: MediaStreamTrack) -> str:
        """Feeds the track's audio (or silence in its gaps) until the peer goes; returns why it ended."""
        heard_at = fed_at = time.monotonic()
        started = filling = False
        while True:
            # Before the first packet (ICE and DTLS still connecting) nothing is filled in.
            wait_s = FILL_STEP_S if filling else FILL_AFTER_S if started else self._limits.peer_gone_s
            try:
                frame = await asyncio.wait_for(track.recv(), wait_s)
            except asyncio.TimeoutError:
                now = time.monotonic()
                if now - heard_at >= self._limits.peer_gone_s:
                    return f"no audio from the peer for {self._limits.peer_gone_s:g} s"
                n_steps = max(1, int((now - fed_at) / FILL_STEP_S))
                filling, fed_at = True, fed_at + n_steps * FILL_STEP_S
                # Silence owed for longer than a step is audio waiting too.
                render = self._catch_up.draw(waiting_s=(n_steps - 1) * FILL_STEP_S, now_s=now)
                out = await anyio.to_thread.run_sync(
                    lambda: self._feed.silence(n_samples=n_steps * round(FILL_STEP_S * OUT_RATE), render=render))
            except MediaStreamError:
                return "the peer's track ended"
            else:
                started, filling = True, False
                heard_at = fed_at = time.monotonic()
                render = self._catch_up.draw(waiting_s=_waiting_s(track, frame), now_s=heard_at)
                out = await anyio.to_thread.run_sync(lambda: self._feed.heard(frame, render=render))
            self._catch_up.done(n_frames=out.n_completed, drawn=render)
            for video in out.video:
                self._video.put(video)
            for audio in out.audio:
                self._audio.put(audio)
            if self._feed.received_s > self._limits.max_stream_s:
                return f"the session is over the {self._limits.max_stream_s:g} s limit"

    async def close(self, *, reason: str = "closed by the client") -> None:
        if self._closed:
            return
        self._closed = True
        self.end_reason = reason
        self._on_end()  # the slot is free at once, whatever the teardown below takes
        if self._catch_up.skipped:  # operators see a machine that cannot hold its sessions
            logging.getLogger(__name__).warning("WebRTC session ended (%s); behind real time, it skipped %d of "
                                                "%d frames", reason, self._catch_up.skipped, self._catch_up.completed)
        self._video.put(None)
        self._audio.put(None)
        if self._pump is not None and self._pump is not asyncio.current_task():
            self._pump.cancel()
        if self._pc is not None:
            try:
                await self._pc.close()
            except Exception:  # a connection half set up by a bad offer; the slot is free already
                logging.getLogger(__name__).warning("closing a WebRTC connection failed", exc_info=True)
