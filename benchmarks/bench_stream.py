"""Streaming benchmark: first-frame latency, steady FPS and per-chunk latency of Animator streams.

  .venv/bin/python benchmarks/bench_stream.py [--seconds 10] [--chunk-ms 20] [--size 512]

Live run: speech is pushed in real time (one chunk every chunk-ms, as a microphone delivers it)
into a new StreamSession of an already analysed photo, as the server does for each client.
  first frame   = from handing over the first chunk to getting the first frame back
  audio->frame  = from the moment a frame's instant was spoken (its chunk ends being captured
                  one chunk later) to the frame being ready: look-ahead + chunking + compute
  per chunk     = time push() takes per chunk (compute only)
Throughput run: the same chunks pushed as fast as possible; frames per second produced, without
and with the JPEG encoding the server sends frames in.
"""

import argparse
import os
import time
from importlib import resources

import numpy as np

from facetalk.config import Config, FramingConfig
from facetalk.io import load_image, synthesize_speech
from facetalk.pipeline import Animator

SR = 16000
TEXT = ("The astronaut looked back at the blue planet. Every sunrise in orbit comes sixteen times a day, "
        "and each one is different. We trained for years, and still nothing prepares you for the view.")


def speech_of(seconds: float) -> np.ndarray:
    once = synthesize_speech(TEXT, lang="en", sr=SR)
    return np.tile(once, int(np.ceil(seconds * SR / len(once))))[: int(seconds * SR)]


def chunks_of(audio: np.ndarray, chunk_ms: float) -> list[np.ndarray]:
    step = int(round(chunk_ms * SR / 1000))
    return [audio[i:i + step] for i in range(0, len(audio), step)]


def live_run(animator: Animator, chunks: list[np.ndarray], chunk_s: float) -> dict:
    """Pushes chunk k at t0 + k * chunk_s; returns latencies in ms."""
    session = animator.open_stream()
    push_ms, frame_lat_ms = [], []
    first_frame_ms = None
    t0 = time.perf_counter()
    for k, chunk in enumerate(chunks):
        delay = t0 + k * chunk_s - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        sent = time.perf_counter()
        frames = session.push(chunk)
        done = time.perf_counter()
        push_ms.append((done - sent) * 1000)
        if frames and first_frame_ms is None:
            first_frame_ms = (done - t0) * 1000
        # Chunk 0 is handed over when its capture ends, so sample 0 was spoken chunk_s before t0.
        frame_lat_ms += [(done - (t0 - chunk_s + f.t_s)) * 1000 for f in frames]
    session.close()
    return {"first": first_frame_ms, "push": np.array(push_ms), "frame": np.array(frame_lat_ms)}


def throughput(animator: Animator, chunks: list[np.ndarray], *, jpeg: bool) -> tuple[float, int]:
    import cv2

    session = animator.open_stream()
    n = 0
    t0 = time.perf_counter()
    for chunk in chunks:
        for frame in session.push(chunk):
            if jpeg:
                cv2.imencode(".jpg", frame.image[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 80])
            n += 1
    return n / (time.perf_counter() - t0), n


def pct(values: np.ndarray) -> str:
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return f"p50 {p50:6.1f}  p95 {p95:6.1f}  p99 {p99:6.1f}  max {values.max():6.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0, help="length of the live (real-time) run")
    ap.add_argument("--chunk-ms", type=float, default=20.0)
    ap.add_argument("--size", type=int, default=512)
    args = ap.parse_args()

    photo = load_image(resources.files("facetalk.data").joinpath("astronaut.jpg"))
    audio = speech_of(args.seconds)
    chunks = chunks_of(audio, args.chunk_ms)
    chunk_s = args.chunk_ms / 1000

    animator = Animator(photo, config=Config(framing=FramingConfig(size=args.size)))
    print(f"facetalk stream benchmark - {os.cpu_count()} CPUs, {args.size}x{args.size}, "
          f"{args.chunk_ms:.0f} ms chunks, look-ahead {animator.open_stream().lookahead_s * 1000:.0f} ms")

    cold = live_run(animator, chunks[:10], chunk_s)  # the process's first session loads the compiled rasterizer
    print(f"first frame, first session of the process: {cold['first']:6.1f} ms after the first chunk")
    live = live_run(animator, chunks, chunk_s)
    print(f"first frame, new session (avatar cached):  {live['first']:6.1f} ms after the first chunk")
    print(f"audio->frame latency over {len(live['frame'])} frames: {pct(live['frame'])}")
    print(f"push() per {args.chunk_ms:.0f} ms chunk over {len(live['push'])} chunks: {pct(live['push'])}")

    for jpeg in (False, True):
        fps, n = throughput(animator, chunks, jpeg=jpeg)
        print(f"steady throughput{' + JPEG' if jpeg else ''}: {fps:6.1f} frames/s over {n} frames")


if __name__ == "__main__":
    main()
