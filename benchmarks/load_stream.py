"""Load test on loopback: N concurrent live sessions against `facetalk serve`, each streaming
speech in real time (20 ms chunks); prints the FPS and latency each session gets.

  .venv/bin/python benchmarks/load_stream.py [--sessions 1 2 4 6] [--seconds 10] [--size 512]
  .venv/bin/python benchmarks/load_stream.py --url http://127.0.0.1:8000 --sessions 4   # a running server

Without --url it starts `facetalk serve` on a free 127.0.0.1 port and stops it at the end. Only
loopback addresses are accepted. Every level runs once, for --seconds of audio (at most 60) and
at most 16 sessions, then the script stops by itself.
  fps      = frames per second arriving while audio streams (25 when the server keeps up)
  latency  = from the moment a frame's instant was spoken (its chunk is sent when captured, one
             chunk later) to the frame's arrival: look-ahead + chunking + render + JPEG + network
A session is "sustained" when it gets >= 24.5 fps with a 95th-percentile latency under 250 ms.
"""

import argparse
import asyncio
import ipaddress
import json
import os
import socket
import struct
import subprocess
import sys
import time
import urllib.request
from urllib.parse import urlsplit

import numpy as np

SR = 16000
CHUNK_S = 0.02
MAX_SESSIONS, MAX_SECONDS = 16, 60.0
TEXT = ("The astronaut looked back at the blue planet. Every sunrise in orbit comes sixteen times a day, "
        "and each one is different. We trained for years, and still nothing prepares you for the view.")


def loopback_only(url: str) -> str:
    host = urlsplit(url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        sys.exit(f"load_stream: refusing {url!r}: only loopback addresses (127.0.0.1, localhost, ::1)")
    return url.rstrip("/")


def speech(seconds: float) -> np.ndarray:
    from facetalk.io import synthesize_speech

    once = synthesize_speech(TEXT, lang="en", sr=SR)
    pcm = np.tile(once, int(np.ceil(seconds * SR / len(once))))[: int(seconds * SR)]
    return np.round(pcm * 32767).astype("<i2")


async def session(ws_url: str, avatar_id: str, pcm: np.ndarray, start_delay_s: float) -> dict:
    from websockets.asyncio.client import connect

    await asyncio.sleep(start_delay_s)
    n = int(CHUNK_S * SR)
    arrivals = []  # (t_s, arrival time)
    async with connect(ws_url, max_size=2**24) as ws:
        await ws.send(json.dumps({"type": "start", "avatar_id": avatar_id, "sample_rate": SR}))
        ready = json.loads(await ws.recv())
        if ready.get("type") != "ready":
            return {"error": ready.get("message", str(ready))}
        t0 = time.perf_counter()
        streaming_until = [float("inf")]

        async def send_audio():
            for k in range(0, len(pcm) // n):
                delay = t0 + k * CHUNK_S - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                await ws.send(pcm[k * n:(k + 1) * n].tobytes())
            streaming_until[0] = time.perf_counter()
            await ws.send(json.dumps({"type": "end"}))

        sender = asyncio.create_task(send_audio())
        async for message in ws:
            if isinstance(message, str):
                reply = json.loads(message)
                if reply.get("type") == "error":
                    return {"error": reply["message"]}
                break
            now = time.perf_counter()
            if now <= streaming_until[0]:
                arrivals.append((struct.unpack_from("<Id", message)[1], now))
        await sender
    t_s = np.array([a[0] for a in arrivals])
    got = np.array([a[1] for a in arrivals])
    # Chunk 0 is sent once captured, so sample 0 was spoken one chunk before t0.
    latency_ms = (got - (t0 - CHUNK_S + t_s)) * 1000
    fps = (len(got) - 1) / (got[-1] - got[0]) if len(got) > 1 else 0.0
    return {"frames": len(got), "fps": fps, "p50": float(np.percentile(latency_ms, 50)),
            "p95": float(np.percentile(latency_ms, 95)), "max": float(latency_ms.max()),
            "first_ms": float((got[0] - t0) * 1000) if len(got) else float("nan")}


async def level(base: str, avatar_id: str, pcm: np.ndarray, n_sessions: int) -> list[dict]:
    ws_url = base.replace("http", "ws", 1) + "/api/stream"
    # Staggered a little, as real clients are; all overlap for nearly the whole run.
    runs = [session(ws_url, avatar_id, pcm, i * 0.037) for i in range(n_sessions)]
    return await asyncio.wait_for(asyncio.gather(*runs), timeout=len(pcm) / SR + 60)


def start_server(size: int, max_sessions: int) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "facetalk.cli", "serve", "--host", "127.0.0.1",
                               "--port", str(port), "--size", str(size), "--max-sessions", str(max_sessions)],
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/api/info", timeout=1).read()
            return server, base
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("load_stream: the server did not start within 60 s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 2, 4, 6])
    ap.add_argument("--seconds", type=float, default=10.0, help="audio each session streams (<= 60)")
    ap.add_argument("--size", type=int, default=512, help="frame side, for the server this script starts")
    ap.add_argument("--url", help="a running server on loopback, e.g. http://127.0.0.1:8000")
    args = ap.parse_args()
    if not all(1 <= n <= MAX_SESSIONS for n in args.sessions) or not 1 <= args.seconds <= MAX_SECONDS:
        sys.exit(f"load_stream: sessions must be 1..{MAX_SESSIONS} and seconds 1..{MAX_SECONDS:g}")

    server = None
    if args.url:
        base = loopback_only(args.url)
    else:
        server, base = start_server(args.size, max(args.sessions))
    try:
        request = urllib.request.Request(base + "/api/avatars/sample", method="POST")
        avatar = json.loads(urllib.request.urlopen(request, timeout=60).read())
        pcm = speech(args.seconds)
        print(f"facetalk load test - {os.cpu_count()} CPUs, {avatar['width']}x{avatar['height']}, "
              f"{args.seconds:g} s of speech per session in {CHUNK_S * 1000:.0f} ms chunks, server {base}")
        best = 0
        for n in args.sessions:
            load_before = os.getloadavg()[0]
            results = asyncio.run(level(base, avatar["avatar_id"], pcm, n))
            print(f"\n{n} session(s) (load average before {load_before:.2f}):")
            sustained = 0
            for i, r in enumerate(results):
                if "error" in r:
                    print(f"  #{i}: refused: {r['error']}")
                    continue
                ok = r["fps"] >= 24.5 and r["p95"] < 250
                sustained += ok
                print(f"  #{i}: {r['fps']:5.1f} fps over {r['frames']} frames; first frame {r['first_ms']:5.0f} ms; "
                      f"latency p50 {r['p50']:5.0f}  p95 {r['p95']:5.0f}  max {r['max']:5.0f} ms"
                      f"{'' if ok else '  (below 25 fps or late)'}")
            if sustained == n:
                best = max(best, n)
        print(f"\nsessions sustained at >= 25 fps each: {best} (largest level where every session kept up)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
