"""WebRTC on loopback: aiortc peers send speech in real time to `facetalk serve` and time the
avatar's video and audio coming back, inside a network namespace of their own.

  sudo .venv/bin/python benchmarks/bench_webrtc.py [--seconds 30] [--levels 1 2 3 4] [--level-seconds 15]
  .venv/bin/python benchmarks/bench_webrtc.py --sessions 1 --seconds 6 --speech-s 5 --dump out.npz
  benchmarks/bench_webrtc.py --url http://127.0.0.1:PORT ...  # a server already in this namespace (the tests)

Isolation. aiortc and Chromium gather candidates on every interface but loopback's, so the script
re-runs itself under `unshare --net` (as root) in a namespace holding only `lo` and a veth pair
whose two ends are both inside it (10.213.0.1, 10.213.0.2): every candidate is an address of that
namespace and nothing can leave it. No STUN or TURN server is used. Exit status 77 (with the
reason on stderr) where no namespace can be made.

Measures (one session for --seconds, then each of --levels concurrently for --level-seconds):
  answered in   from posting the offer to its answer (the session's start-up; the first session
                right after the avatar's upload may wait for the render processes to get ready)
  first frame   from sending the first audio packet to the arrival of the first video frame
  latency       from the instant a frame animates (frame i animates audio time i/25 s, the frame
                index read from its RTP timestamp; that instant was spoken one 20 ms packet before
                the packet holding it was sent, as a microphone sends) to the arrival of that
                frame's last packet: network + jitter buffer + look-ahead + render + VP8
  fps           video frames arriving per second while the audio streams
  A/V offset    the video frame for audio time t arrives this much after the audio packet holding t
                (both read from RTP timestamps); a receiver playing on arrival, or syncing the
                tracks by their Sender Reports (sent times), is off by this much
Arrivals are taken when the packets reach the client's RTP handler, before aiortc's own jitter
buffers (a browser decodes a frame once its last packet is in). A level is "sustained" when every
session gets >= 24.5 fps with a p95 latency <= 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

NETNS_ENV = "FACETALK_NETNS"
NETNS_SETUP = ("ip link set lo up && ip link add ft0 type veth peer name ft1 && "
               "ip addr add 10.213.0.1/24 dev ft0 && ip addr add 10.213.0.2/24 dev ft1 && "
               "ip link set ft0 up && ip link set ft1 up")
NETNS_INTERFACES = {"lo", "ft0", "ft1"}
SKIP = 77
RATE, CHUNK = 48_000, 960  # the client sends 20 ms Opus packets of 48 kHz audio
CHUNK_S = CHUNK / RATE
FPS, VIDEO_CLOCK = 25, 90_000
TEXT = ("The astronaut looked back at the blue planet. Every sunrise in orbit comes sixteen times a day, "
        "and each one is different. We trained for years, and still nothing prepares you for the view.")


def in_netns_or_exit(argv: list[str]) -> None:
    """Re-runs this script inside a fresh network namespace unless already in one; exits with
    the child's status. Exit SKIP where no namespace can be made."""
    if os.environ.get(NETNS_ENV) == "1":
        import ifaddr

        names = {a.nice_name for a in ifaddr.get_adapters()}
        if not names <= NETNS_INTERFACES:
            sys.exit(f"bench_webrtc: {NETNS_ENV}=1 but interfaces {sorted(names)} are visible: not the namespace")
        return
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None:
        print("bench_webrtc: needs root with unshare and ip to make an isolated network namespace", file=sys.stderr)
        sys.exit(SKIP)
    probe = subprocess.run(["unshare", "--net", "sh", "-c", NETNS_SETUP], capture_output=True, text=True)
    if probe.returncode:
        print(f"bench_webrtc: cannot make the network namespace: {probe.stderr.strip()[:200]}", file=sys.stderr)
        sys.exit(SKIP)
    env = {**os.environ, NETNS_ENV: "1"}
    child = subprocess.run(["unshare", "--net", "sh", "-c", f'{NETNS_SETUP} && exec "$@"', "netns",
                            sys.executable, os.path.abspath(__file__), *argv], env=env)
    sys.exit(child.returncode)


# The server as `facetalk serve` makes it, but its sessions rendering in its own threads (for A/B).
IN_THREADS = ("import sys, uvicorn; from facetalk.server import ServerSettings, create_app; "
              "uvicorn.run(create_app(ServerSettings(size=int(sys.argv[2]), max_sessions=int(sys.argv[3]), "
              "webrtc_render_processes=False)), host='127.0.0.1', port=int(sys.argv[1]), log_level='warning')")


def start_server(*, size: int, max_sessions: int, in_threads: bool = False) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = ["-c", IN_THREADS, str(port), str(size), str(max_sessions)] if in_threads else \
        ["-m", "facetalk.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--size", str(size),
         "--max-sessions", str(max_sessions)]
    server = subprocess.Popen([sys.executable, *command])
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(base + "/api/info", timeout=1).read()
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("bench_webrtc: the server did not start")


def post_json(url: str, body: dict | None = None, method: str = "POST") -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read()
    return json.loads(text) if text else {}


def speech_48k(*, seconds: float, speech_s: float) -> np.ndarray:
    """int16 mono at 48 kHz: espeak-ng speech for speech_s, then silence up to seconds."""
    from scipy.signal import resample_poly

    from facetalk.io import synthesize_speech

    once = synthesize_speech(TEXT, lang="en", sr=16000)
    voiced = np.tile(once, int(np.ceil(speech_s * 16000 / len(once))))[: int(speech_s * 16000)]
    pcm = np.zeros(int(seconds * RATE), np.float32)
    up = resample_poly(voiced, 3, 1)[: len(pcm)]
    pcm[: len(up)] = up
    return np.round(np.clip(pcm, -1, 1) * 32767).astype(np.int16)


@dataclass
class Record:
    """What one client saw; times are time.monotonic() seconds."""

    sent_at: list[float] = field(default_factory=list)        # audio packet k (20 ms) sent
    video: list[tuple[float, int]] = field(default_factory=list)  # (arrival, RTP ts) per complete frame
    audio: list[tuple[float, int]] = field(default_factory=list)  # (arrival, RTP ts) per audio packet
    frames: list[np.ndarray] = field(default_factory=list)   # decoded (--dump, session 0)
    frame_pts: list[int] = field(default_factory=list)
    sound: list[np.ndarray] = field(default_factory=list)
    sound_pts: list[int] = field(default_factory=list)
    answer_ms: float = float("nan")  # from posting the offer to its answer (the session's start-up)
    error: str | None = None


def speech_track(pcm: np.ndarray, record: Record):
    from aiortc import MediaStreamTrack
    import av

    class SpeechTrack(MediaStreamTrack):
        """`pcm` at the pace of a microphone: packet k leaves at t0 + k * 20 ms; silence after it."""

        kind = "audio"

        async def recv(self):
            k = len(record.sent_at)
            if k:
                await asyncio.sleep(max(0.0, record.sent_at[0] + k * CHUNK_S - time.monotonic()))
            chunk = pcm[k * CHUNK:(k + 1) * CHUNK]
            chunk = np.pad(chunk, (0, CHUNK - len(chunk)))
            frame = av.AudioFrame.from_ndarray(chunk[None], format="s16", layout="mono")
            frame.sample_rate, frame.pts, frame.time_base = RATE, k * CHUNK, Fraction(1, RATE)
            record.sent_at.append(time.monotonic())
            return frame

    return SpeechTrack()


def watch_packets(receiver, kind: str, record: Record, *, decode: bool) -> None:
    """Logs each RTP packet's arrival before aiortc's jitter buffer holds it; decoding only when
    the frames are wanted (a browser decodes; a benchmark client need not spend the CPU)."""
    handle = receiver._handle_rtp_packet

    async def logged(packet, arrival_time_ms):
        now = time.monotonic()
        if kind == "audio":
            record.audio.append((now, packet.timestamp))
        elif packet.marker:
            record.video.append((now, packet.timestamp))
        if decode:
            await handle(packet, arrival_time_ms=arrival_time_ms)

    receiver._handle_rtp_packet = logged


async def collect(track, record: Record) -> None:
    from aiortc.mediastreams import MediaStreamError

    try:
        while True:
            frame = await track.recv()
            if track.kind == "video":
                record.frames.append(frame.to_ndarray(format="rgb24"))
                record.frame_pts.append(frame.pts)
            else:
                record.sound.append(frame.to_ndarray().reshape(-1, len(frame.layout.channels))[:, 0].copy())
                record.sound_pts.append(frame.pts)
    except MediaStreamError:
        pass


async def run_peer(base: str, avatar_id: str, pcm: np.ndarray, *, seconds: float, decode: bool) -> Record:
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    record = Record()
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))  # explicitly none: no STUN server
    pc.addTransceiver(speech_track(pcm, record), direction="sendrecv")
    pc.addTransceiver("video", direction="recvonly")
    for transceiver in pc.getTransceivers():
        watch_packets(transceiver.receiver, transceiver.kind, record, decode=decode)
    tasks = []

    @pc.on("track")
    def on_track(track) -> None:
        if decode:
            tasks.append(asyncio.ensure_future(collect(track, record)))

    await pc.setLocalDescription(await pc.createOffer())
    posted = time.monotonic()
    try:
        answer = await asyncio.to_thread(post_json, base + "/api/webrtc/offer", {
            "sdp": pc.localDescription.sdp, "type": "offer", "avatar_id": avatar_id, "controls": {"seed": 1}})
        record.answer_ms = (time.monotonic() - posted) * 1000
    except urllib.error.HTTPError as err:
        record.error = f"{err.code} {err.read().decode()[:200]}"
        await pc.close()
        return record
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
    deadline = time.monotonic() + 20 + seconds
    while time.monotonic() < deadline and (not record.sent_at or time.monotonic() < record.sent_at[0] + seconds):
        await asyncio.sleep(0.05)
    await asyncio.to_thread(post_json, f"{base}/api/webrtc/{answer['session_id']}", None, "DELETE")
    await asyncio.sleep(0.3)  # the last frames' packets, and the server's BYE
    await pc.close()
    for task in tasks:
        task.cancel()
    return record


@dataclass(frozen=True)
class Figures:
    frames: int
    first_frame_ms: float
    fps: float
    p50_ms: float
    p95_ms: float
    av_offset_median_ms: float
    av_offset_p95_abs_ms: float


def figures(record: Record, *, seconds: float) -> Figures:
    video = np.array(record.video, dtype=np.float64).reshape(-1, 2)
    audio = np.array(record.audio, dtype=np.float64).reshape(-1, 2)
    if len(video) < 2 or len(audio) < 2:
        return Figures(len(video), *(float("nan"),) * 6)
    t0 = record.sent_at[0]
    # Media times from RTP timestamps (uint32: unwrapped from the first packet).
    video_t = np.mod(video[:, 1] - video[0, 1], 2**32) / VIDEO_CLOCK
    audio_t = np.mod(audio[:, 1] - audio[0, 1], 2**32) / RATE
    spoken = t0 - CHUNK_S + video_t
    latency_ms = (video[:, 0] - spoken) * 1000
    streaming = video[:, 0] <= t0 + seconds
    window = (video[:, 0] >= t0 + 1.0) & streaming  # after the start-up, while audio streams
    fps = window.sum() / max(1e-9, min(seconds, video[-1, 0] - t0) - 1.0)
    heard = np.interp(video_t, audio_t, audio[:, 0])  # when the audio packet holding each frame's instant came
    offset_ms = (video[:, 0] - heard)[video_t <= audio_t[-1]] * 1000
    return Figures(frames=len(video), first_frame_ms=(video[0, 0] - t0) * 1000, fps=float(fps),
                   p50_ms=float(np.percentile(latency_ms[streaming], 50)),
                   p95_ms=float(np.percentile(latency_ms[streaming], 95)),
                   av_offset_median_ms=float(np.median(offset_ms)),
                   av_offset_p95_abs_ms=float(np.percentile(np.abs(offset_ms), 95)))


async def level(base: str, avatar_id: str, pcm: np.ndarray, *, n: int, seconds: float,
                decode_first: bool) -> list[Record]:
    async def staggered(i: int) -> Record:
        await asyncio.sleep(i * 0.037)  # as real clients are; all overlap for nearly the whole run
        return await run_peer(base, avatar_id, pcm, seconds=seconds, decode=decode_first and i == 0)

    return await asyncio.gather(*(staggered(i) for i in range(n)))


def dump(path: str, record: Record, pcm: np.ndarray) -> None:
    np.savez(path, frames=np.array(record.frames), frame_pts=np.array(record.frame_pts),
             sound=np.concatenate(record.sound) if record.sound else np.zeros(0, np.int16),
             sound_pts=np.array(record.sound_pts), sent=pcm, sent_at=np.array(record.sent_at),
             video=np.array(record.video, dtype=np.float64), audio=np.array(record.audio, dtype=np.float64))


def show(n: int, records: list[Record], *, seconds: float) -> bool:
    sustained = True
    for i, record in enumerate(records):
        if record.error:
            print(f"  {n} sessions, #{i}: refused: {record.error}")
            sustained = False
            continue
        f = figures(record, seconds=seconds)
        ok = f.fps >= 24.5 and f.p95_ms <= 150
        sustained &= ok
        print(f"  {n} sessions, #{i}: answered in {record.answer_ms:.0f} ms, {f.frames} frames, "
              f"first {f.first_frame_ms:.0f} ms, {f.fps:.1f} fps, "
              f"latency p50 {f.p50_ms:.0f} / p95 {f.p95_ms:.0f} ms, A/V offset median {f.av_offset_median_ms:+.0f} ms "
              f"(p95 |offset| {f.av_offset_p95_abs_ms:.0f} ms){'' if ok else '  <- not sustained'}")
    return sustained


class CpuWatch:
    """CPU seconds (user + system, all threads) of the server's process and of the processes under
    it (the render processes, which end with their sessions: read every 0.2 s while they live)."""

    def __init__(self, pid: int):
        import threading

        self._pid = pid
        self._first: dict[int, float] = {}
        self._last: dict[int, float] = {}
        self._stop = threading.Event()
        self._read()
        self._first = dict(self._last)
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def stop(self) -> tuple[float, float]:
        """(the server's own process, the processes under it), since the watch began."""
        self._stop.set()
        self._thread.join()
        self._read()
        used = {pid: cpu - self._first.get(pid, 0.0) for pid, cpu in self._last.items()}
        return used.get(self._pid, 0.0), sum(v for pid, v in used.items() if pid != self._pid)

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            self._read()

    def _read(self, pid: int | None = None) -> None:
        pid = self._pid if pid is None else pid
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            children = set()
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as listed:
                    children |= {int(c) for c in listed.read().split()}
        except (FileNotFoundError, ProcessLookupError):  # it has ended: its last reading stays
            return
        self._last[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for child in children:
            self._read(child)


def show_cpu(*, n: int, seconds: float, server_s: tuple[float, float] | None, client_s: float) -> None:
    """CPU seconds per session-second (independent of what else loads the machine), and the load."""
    per = n * seconds
    server = "" if server_s is None else \
        f"server {sum(server_s) / per:.2f} (main process {server_s[0] / per:.2f}, render processes {server_s[1] / per:.2f}), "
    print(f"  CPU s per session-second: {server}clients {client_s / per:.2f}; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="the one-session run (default 30)")
    parser.add_argument("--speech-s", type=float, default=None, help="speech, then silence (default: all speech)")
    parser.add_argument("--levels", type=int, nargs="*", default=[2, 3, 4], help="concurrent sessions to try")
    parser.add_argument("--level-seconds", type=float, default=15.0)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--sessions", type=int, default=None, help="run only this many sessions once")
    parser.add_argument("--dump", metavar="NPZ", help="keep session 0's decoded frames and audio here")
    parser.add_argument("--url", help="use this server (loopback, from inside the namespace) instead of starting one")
    parser.add_argument("--render-in-threads", action="store_true",
                        help="the server renders its sessions in its own threads, not in render processes (A/B)")
    args = parser.parse_args(argv)
    if args.url and (os.environ.get(NETNS_ENV) != "1" or not args.url.startswith("http://127.0.0.1:")):
        sys.exit("bench_webrtc: --url takes http://127.0.0.1:PORT, from inside the namespace the tests make")
    in_netns_or_exit(argv)
    pcm = speech_48k(seconds=args.seconds + 1, speech_s=args.speech_s or args.seconds + 1)
    server, base = (None, args.url.rstrip("/")) if args.url else start_server(
        size=args.size, max_sessions=max([args.sessions or 1, *args.levels]), in_threads=args.render_in_threads)
    try:
        avatar = post_json(base + "/api/avatars/sample")
        runs = [(args.sessions or 1, args.seconds)]
        runs += [] if args.sessions else [(n, args.level_seconds) for n in args.levels]
        for i, (n, seconds) in enumerate(runs):
            watch, client_cpu0 = (CpuWatch(server.pid) if server else None), time.process_time()
            records = asyncio.run(level(base, avatar["avatar_id"], pcm, n=n, seconds=seconds,
                                        decode_first=bool(args.dump) and i == 0))
            # Over the whole level, start-up and teardown included: a slight overestimate.
            show_cpu(n=n, seconds=seconds,
                     server_s=watch.stop() if watch else None,
                     client_s=time.process_time() - client_cpu0)
            verdict = "sustained" if show(n, records, seconds=seconds) else "NOT sustained"
            print(f"{n} session(s) for {seconds:g} s: {verdict} (>= 24.5 fps and p95 <= 150 ms each)")
            if args.dump and i == 0:
                dump(args.dump, records[0], pcm)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
