"""Render benchmark: prints render-loop FPS, end-to-end real-time factor and peak memory.

  .venv/bin/python benchmarks/bench_render.py [--seconds 30] [--sizes 512 1024] [--long-minutes 0] [--threads 2]
      [--processes 2] [--images PHOTO ...]

Render loop = MotionFrame -> RGB frame (mesh posing, rasterization, remap, mouth), no encoding:
once for the speech's own motion, once with every expression parameter pushed as well
(every_shape_on: every blendshape, fold and painted layer within any two frames), and that again with frames drawn
on several threads at once (--threads) and in several worker processes (--processes: what the CLI does for clips
of 20 s or more on a machine with as many cores; their start-up, the zygote's imports, the avatar sent and the
forks, is printed apart from the frames/s).
End to end = photo analysis + audio analysis + motion + render + H.264/AAC encoding to an MP4, once per way of
drawing; with processes, the zygote is started before the photo is analysed, as the CLI does. Its peak memory
is the sum of the resident sets of this process and its zygote and workers, sampled every 20 ms.
--images: the render loop also on these photos (after the bundled one; the end to end on the bundled
one alone). A frame costs about in proportion to the pixels the face's triangles cover, so a photo the
face fills (out/portraits/11-man-glasses-smile.png: ~2.9x the bundled photo's) is the loop's worst case.
--long-minutes N renders N minutes in a child process and prints its peak RSS, to show memory
stays bounded however long the audio is.
"""

import argparse
import glob
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import resources

import numpy as np

from facetalk.config import Config, FramingConfig
from facetalk.io import load_image, synthesize_speech
from facetalk.motion.frame import MotionFrame
from facetalk.params import EXPRESSION
from facetalk.pipeline import Animator, start_frame_processes, stop_frame_processes

SR = 16000
TEXT = ("The astronaut looked back at the blue planet. Every sunrise in orbit comes sixteen times a day, "
        "and each one is different. We trained for years, and still nothing prepares you for the view.")


def speech_of(seconds: float) -> np.ndarray:
    once = synthesize_speech(TEXT, lang="en", sr=SR)
    reps = int(np.ceil(seconds * SR / len(once)))
    return np.tile(once, reps)[: int(seconds * SR)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def every_shape_on(motion: MotionFrame, *, index: int) -> MotionFrame:
    """The renderer's heaviest case for frame `index`: every expression parameter also pushed 40%
    of its range's upper end further (clipped; the speech still moves the mouth), the smile and
    the inner brows raised to the full (crow's feet, the inner forehead lines), and the signed
    ones alternating frame by frame between their two sides (brows raised, drawing the forehead
    lines, and lowered, drawing the glabellar ones; the smirk on either corner), so every
    blendshape, fold and painted layer (lids, chin, creases) is drawn within any two frames."""
    pushed = {p.name: float(np.clip(getattr(motion, p.name) + 0.4 * p.hi, p.lo, p.hi)) for p in EXPRESSION}
    side = 1.0 if index % 2 == 0 else -1.0
    pushed.update(smile=1.0, brow_inner_raise=1.0, brow_raise=0.4 * side, smirk=0.5 * side)
    return motion.with_(**pushed)


@dataclass(frozen=True)
class Loop:
    """One render-loop run: `fps` over `n_frames`, `cpu_fps` per second of this process's CPU
    time (without its worker processes'), `prep_s` the photo's preparation, `startup_s` from the
    first call to the warm-up frames drawn (a process's first call with processes: the zygote's
    imports, the avatar sent, the forks)."""

    fps: float
    cpu_fps: float
    prep_s: float
    startup_s: float
    n_frames: int


def bench_loop(photo, audio, size: int, *, every_shape: bool = False, threads: int = 1, processes: int = 0) -> Loop:
    """The render loop at size x size; `every_shape`: with every_shape_on applied to each frame;
    `threads`, `processes`: frames drawn at once (Animator.frames). The CPU time leaves out the
    waits for a core that other processes hold (on a shared 2-core machine the wall-clock figure
    swings by half between runs minutes apart)."""
    t0 = time.perf_counter()
    animator = Animator(photo, config=Config(framing=FramingConfig(size=size)))
    prep_s = time.perf_counter() - t0
    motion = list(animator.motion(audio))
    if every_shape:
        motion = [every_shape_on(m, index=i) for i, m in enumerate(motion)]
    # The first frames compile, warm caches and make the threads' renderers or the worker
    # processes: timed after them.
    n_warm = 4 * max(threads, processes)
    t0 = time.perf_counter()
    frames = animator.frames(motion[:n_warm] + motion, threads=threads, processes=processes)
    for _ in range(n_warm):
        next(frames)
    startup_s = time.perf_counter() - t0
    t0, cpu0 = time.perf_counter(), time.process_time()
    for _ in frames:
        pass
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    return Loop(len(motion) / wall, len(motion) / cpu, prep_s, startup_s, len(motion))


class TreeMemory:
    """Samples the summed resident set of this process and its descendants (zygote, workers)
    every 20 ms on a thread; `peak_mb` is the largest sum seen."""

    def __init__(self):
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self.peak_mb = max(self.peak_mb, sum(_rss_mb(pid) for pid in _tree(os.getpid())))


def _tree(root: int) -> set[int]:
    parents = {}
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                parents[int(stat.split("/")[2])] = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    tree = {root}
    while grown := {pid for pid, parent in parents.items() if parent in tree} - tree:
        tree |= grown
    return tree


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


def print_end_to_end(photo, audio, args) -> None:
    """End to end (analysis, motion, frames, encoding) for one thread and each of --threads and
    --processes, each with a fresh zygote, as a new command has."""
    ways = [("1 thread", 1, 0), *((f"{n} threads", n, 0) for n in args.threads if n > 1),
            *((f"{n} processes", 1, n) for n in args.processes)]
    for name, threads, processes in ways:
        stop_frame_processes()  # a fresh zygote, as a new command has
        with tempfile.TemporaryDirectory() as tmp, TreeMemory() as memory:
            t0 = time.perf_counter()
            if processes:
                start_frame_processes()  # as the CLI does: its imports overlap the photo's analysis
            Animator(photo).render_to_file(audio, os.path.join(tmp, "bench.mp4"), threads=threads,
                                           processes=processes)
            wall = time.perf_counter() - t0
        print(f"end to end 512x512, {args.seconds:.0f} s clip, {name}: {wall:.2f} s wall, real-time factor "
              f"{wall / args.seconds:.3f} ({args.seconds / wall:.1f}x faster than real time), peak memory "
              f"{memory.peak_mb:.0f} MB (this process and its workers, resident)")


def print_loops(image, audio, size: int, args, *, name: str) -> None:
    """The render-loop rows for one photo at size x size: the speech's own motion, every blendshape
    active on one thread and on each of --threads and --processes."""
    loop = bench_loop(image, audio, size)
    print(f"render loop {size}x{size}, {name}: {loop.fps:7.1f} frames/s over {loop.n_frames} frames, "
          f"{loop.cpu_fps:.1f} per CPU second (photo preparation {loop.prep_s:.2f} s)")
    loop = bench_loop(image, audio, size, every_shape=True)
    print(f"render loop {size}x{size}, {name}, every blendshape active: {loop.fps:7.1f} frames/s over {loop.n_frames} "
          f"frames, {loop.cpu_fps:.1f} per CPU second")
    for threads in args.threads:
        loop = bench_loop(image, audio, size, every_shape=True, threads=threads)
        print(f"render loop {size}x{size}, {name}, every blendshape active, {threads} threads: {loop.fps:7.1f} "
              f"frames/s over {loop.n_frames} frames, {loop.cpu_fps:.1f} per CPU second")
    for processes in args.processes:
        loop = bench_loop(image, audio, size, every_shape=True, processes=processes)
        print(f"render loop {size}x{size}, {name}, every blendshape active, {processes} processes: {loop.fps:7.1f} "
              f"frames/s over {loop.n_frames} frames (start-up {loop.startup_s:.2f} s: zygote, avatar, forks, "
              f"first {4 * processes} frames)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--sizes", type=int, nargs="+", default=[512, 1024])
    ap.add_argument("--long-minutes", type=float, default=0.0)
    ap.add_argument("--threads", type=int, nargs="*", default=[2],
                    help="also the every-blendshape loop with this many frames drawn at once on threads")
    ap.add_argument("--processes", type=int, nargs="*", default=[2],
                    help="... and in this many worker processes (Animator.frames' threads and processes)")
    ap.add_argument("--images", nargs="*", default=[],
                    help="the render loop also on these photos (e.g. out/portraits/11-man-glasses-smile.png)")
    ap.add_argument("--child-long", type=float, default=0.0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    photo = load_image(resources.files("facetalk.data").joinpath("astronaut.jpg"))

    if args.child_long:
        audio = speech_of(args.child_long * 60)
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            Animator(photo).render_to_file(audio, os.path.join(tmp, "long.mp4"))
            print(f"{time.perf_counter() - t0:.1f} {peak_rss_mb():.0f}")
        return

    print(f"facetalk render benchmark - {os.cpu_count()} CPUs, {args.seconds:.0f} s of speech")
    audio = speech_of(args.seconds)
    t0 = time.perf_counter()
    Animator(photo)  # the process's first photo also loads the face models and compiles the rasterizer
    print(f"first photo, models loaded and rasterizer compiled: {time.perf_counter() - t0:.2f} s")
    photos = [("bundled photo", photo), *((os.path.basename(path), load_image(path)) for path in args.images)]
    for name, image in photos:
        for size in args.sizes:
            print_loops(image, audio, size, args, name=name)

    print_end_to_end(photo, audio, args)
    print(f"peak memory (RSS) of this process: {peak_rss_mb():.0f} MB")

    if args.long_minutes:
        out = subprocess.run([sys.executable, __file__, "--child-long", str(args.long_minutes)],
                             capture_output=True, text=True, check=True).stdout.split()
        print(f"long render: {args.long_minutes:.0f} min of audio in {float(out[0]):.0f} s, "
              f"peak memory (RSS) {float(out[1]):.0f} MB")


if __name__ == "__main__":
    main()
