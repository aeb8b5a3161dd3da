"""Per-photo analysis benchmark: prints the time `Animator(photo)` takes for each photo (find and
frame the face, its rig, appearance and surround, the renderer's set-up and the watermark's
pattern), with the face models already loaded (by a first, untimed Animator), as a server or a
batch worker analyses photo after photo. Issue 12 asks for at most 1 s wall on an idle machine.

  .venv/bin/python benchmarks/bench_analysis.py [PHOTO ...] [--repeat 3] [--stages]

Default photos: the bundled portrait, then every image in out/portraits (scripts/gather_portraits.py).
Per photo: the least wall time, process CPU time (onnxruntime's and the surround's threads
included) and the calling thread's CPU time (the part a second core does not take over) over
--repeat runs, and with --stages each main step's CPU on the thread it ran on (their sum is less
than the whole: detection, the renderer's set-up and the watermark are the rest). Prints the load average
before and after, as the machine may be shared: wall figures count only when it is low.
"""

from __future__ import annotations

import argparse
import glob
import os
import time
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources

import numpy as np

STAGES = ("build_appearance", "build_surround", "find_glasses", "build_rig")


@dataclass(frozen=True)
class Timing:
    """One photo's least wall, process CPU and calling-thread CPU seconds over the repeats, and its
    stages' thread CPU."""

    name: str
    wall_s: float
    cpu_s: float
    thread_s: float
    stages_s: dict[str, float]


def default_photos() -> list[str]:
    bundled = str(resources.files("facetalk.data") / "astronaut.jpg")
    return [bundled] + sorted(glob.glob("out/portraits/*.png") + glob.glob("out/portraits/*.jpg"))


def timed_stages(totals: dict[str, float]) -> None:
    """Wraps face.analysis' steps so each adds its calling thread's CPU seconds to `totals`."""
    import facetalk.face.analysis as analysis

    def timed(name: str, step):
        def run(*args, **kwargs):
            start = time.thread_time()
            try:
                return step(*args, **kwargs)
            finally:
                totals[name] += time.thread_time() - start
        return run

    for name in STAGES:
        setattr(analysis, name, timed(name, getattr(analysis, name)))


def time_photo(path: str, *, repeat: int, totals: dict[str, float]) -> Timing:
    from facetalk.io import load_image
    from facetalk.pipeline import Animator

    photo = load_image(path)
    walls, cpus, threads, stages = [], [], [], []
    for _ in range(repeat):
        totals.clear()
        wall, cpu, thread = time.perf_counter(), time.process_time(), time.thread_time()
        Animator(photo)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        threads.append(time.thread_time() - thread)
        stages.append(dict(totals))
    best = int(np.argmin(walls))
    return Timing(name=os.path.basename(path), wall_s=min(walls), cpu_s=min(cpus), thread_s=min(threads),
                  stages_s=stages[best])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("photos", nargs="*", help="default: the bundled portrait and out/portraits/*")
    parser.add_argument("--repeat", type=int, default=3, help="runs per photo; the least time is printed")
    parser.add_argument("--stages", action="store_true", help="also print the main steps' thread CPU")
    args = parser.parse_args()
    from facetalk.io import load_image
    from facetalk.pipeline import Animator

    photos = args.photos or default_photos()
    totals: dict[str, float] = defaultdict(float)
    if args.stages:
        timed_stages(totals)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    Animator(load_image(photos[0]))  # the models load and the compiled kernels warm up: not timed
    rows = [time_photo(path, repeat=args.repeat, totals=totals) for path in photos]
    for row in rows:
        stages = "  ".join(f"{name.split('_', 1)[1]} {row.stages_s.get(name, 0.0):.3f}" for name in STAGES)
        print(f"{row.name[:40]:40s} wall {row.wall_s:.3f} s  cpu {row.cpu_s:.3f} s  thread {row.thread_s:.3f} s"
              + (f"  ({stages})" if args.stages else ""))
    walls = np.array([row.wall_s for row in rows])
    print(f"{len(rows)} photos: wall mean {walls.mean():.3f} s, max {walls.max():.3f} s, "
          f"over 1 s: {int((walls > 1).sum())}; "
          f"cpu mean {np.mean([row.cpu_s for row in rows]):.3f} s, calling thread mean "
          f"{np.mean([row.thread_s for row in rows]):.3f} s, max {max(row.thread_s for row in rows):.3f} s")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
