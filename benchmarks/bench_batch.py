"""Batch throughput: 20 clips of 5 s from 3 photos through `facetalk batch`, on the local engine with
one worker and with every core, and on a local two-node Ray cluster; prints clips/min, seconds of
video rendered per wall-clock second, Ray's overhead per clip, and what a 10-node, 16-core cluster
would render per hour at the measured per-core rate.

  .venv/bin/python benchmarks/bench_batch.py [--clips 20] [--seconds 5] [--size 512] [--no-ray]

Each run is the real command (`python -m facetalk.cli batch ... -q`) into a fresh folder, timed
from start to exit: worker start-up, photo analysis, rendering and encoding all count. The Ray
cluster (head + one worker node, the cores split between them) runs in network and PID namespaces
of its own (root: `unshare`), so it is reachable on 127.0.0.1 only; its start-up is not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

SR = 16000
TEXTS = ("The astronaut looked back at the blue planet, and every sunrise in orbit is different.",
         "Welcome to the course. Today we look at how a batch of videos is rendered on many machines.",
         "Our new product ships in twelve languages, and each market gets its own presenter.",
         "Good evening. Here are the headlines, read by a face that never gets tired.")
RAY_PORT = 6379


@dataclass(frozen=True)
class Run:
    name: str
    slots: int          # clips rendered at once
    wall_s: float
    clips: int
    video_s: float      # seconds of video rendered
    render_s: float     # sum of the rows' own render times (results.jsonl "seconds")
    cpu_s: float | None  # CPU time of the command and its workers (local only: Ray's workers are the raylet's)

    @property
    def clips_per_min(self) -> float:
        return 60.0 * self.clips / self.wall_s

    @property
    def video_s_per_s(self) -> float:
        return self.video_s / self.wall_s


def make_inputs(folder: Path, *, clips: int, seconds: float) -> Path:
    """3 photos (the portrait, mirrored, and a darker variant), 4 speech clips of `seconds`, and a
    manifest of `clips` rows cycling through them with their own seeds."""
    from evaluation.variants import photo_variants
    from facetalk.io import load_image, save_image, synthesize_speech, write_wav

    portrait = load_image(resources.files("facetalk.data").joinpath("astronaut.jpg"))
    variants = photo_variants(portrait)
    photos = ["ada.jpg", "bob.png", "cy.jpg"]
    for name, image in zip(photos, (portrait, variants["mirrored"], variants["darker-skin-tone"])):
        save_image(folder / name, image)
    speeches = []
    for k, text in enumerate(TEXTS):
        once = synthesize_speech(text, lang="en", sr=SR)
        write_wav(folder / f"speech{k}.wav", np.tile(once, 1 + int(seconds * SR) // len(once))[: int(seconds * SR)],
                  sr=SR)
        speeches.append(f"speech{k}.wav")
    manifest = folder / "clips.csv"
    rows = [f"{photos[i % 3]},{speeches[i % 4]},{i}" for i in range(clips)]
    manifest.write_text("image,audio,seed\n" + "\n".join(rows) + "\n")
    return manifest


def run_batch(name: str, manifest: Path, outdir: Path, *, slots: int, size: int, options: list[str]) -> Run:
    command = [sys.executable, "-m", "facetalk.cli", "batch", str(manifest), "-o", str(outdir), "--size", str(size),
               "-q", *options]
    start, cpu_start = time.perf_counter(), _children_cpu_s()
    result = subprocess.run(command, capture_output=True, text=True)
    wall_s, cpu_s = time.perf_counter() - start, _children_cpu_s() - cpu_start
    if result.returncode != 0:
        raise SystemExit(f"{name}: batch failed ({result.returncode}): {result.stderr[-2000:]}")
    rows = [json.loads(line) for line in (outdir / "results.jsonl").read_text().splitlines()]
    done = [r for r in rows if r["status"] == "done"]
    return Run(name=name, slots=slots, wall_s=wall_s, clips=len(done), video_s=sum(r["clip_s"] for r in done),
               render_s=sum(r["seconds"] for r in done), cpu_s=None if "--ray-address" in options else cpu_s)


def _children_cpu_s() -> float:
    """CPU seconds of the finished child processes and theirs (the pool's workers are waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def ray_inside(manifest: Path, outdir: Path, *, cores: int, size: int, report: Path) -> None:
    """Runs inside the namespaces: a head and a worker node splitting the cores, then the batch."""
    ray = str(Path(sys.executable).with_name("ray"))
    temp_dir = tempfile.mkdtemp(prefix="ftbench-", dir="/tmp")  # short: Ray's socket paths must fit 107 bytes
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    common = ["--node-ip-address", "127.0.0.1", "--disable-usage-stats"]
    head_cpus = max(1, cores // 2)
    try:
        subprocess.run([ray, "start", "--head", "--port", str(RAY_PORT), "--include-dashboard=false",
                        "--temp-dir", temp_dir, "--num-cpus", str(head_cpus), *common],
                       env=env, check=True, capture_output=True)
        if cores > head_cpus:
            subprocess.run([ray, "start", "--address", f"127.0.0.1:{RAY_PORT}", "--num-cpus", str(cores - head_cpus),
                            *common], env=env, check=True, capture_output=True)
        run = run_batch("Ray, 2 nodes", manifest, outdir, slots=cores, size=size,
                        options=["--ray-address", f"127.0.0.1:{RAY_PORT}"])
        report.write_text(json.dumps(run.__dict__))
    finally:
        # This PID namespace ends with this process, and every Ray process with it.
        shutil.rmtree(temp_dir, ignore_errors=True)


def run_ray(manifest: Path, outdir: Path, *, cores: int, size: int) -> Run | None:
    report = outdir.with_suffix(".json")
    script = (f"ip link set lo up && exec {sys.executable} {Path(__file__).resolve()} --ray-inside "
              f"--manifest {manifest} --out {outdir} --report {report} --cores {cores} --size {size}")
    try:
        subprocess.run(["unshare", "--net", "--pid", "--fork", "--mount-proc", "bash", "-c", script], check=True)
    except (OSError, subprocess.CalledProcessError) as err:
        print(f"Ray: skipped, no network namespace could be made or the run failed ({err})")
        return None
    return Run(**json.loads(report.read_text()))


def report(runs: list[Run], *, cores: int, clips: int, seconds: float) -> None:
    print(f"\n{clips} clips of {seconds:g} s from 3 photos, {cores} cores (load average "
          f"{os.getloadavg()[0]:.1f} at the end)")
    print(f"{'engine':<22}{'wall s':>8}{'clips/min':>11}{'video-s/s':>11}{'render s/clip':>15}{'CPU s':>8}")
    for run in runs:
        cpu = f"{run.cpu_s:>8.1f}" if run.cpu_s is not None else f"{'-':>8}"
        print(f"{run.name:<22}{run.wall_s:>8.1f}{run.clips_per_min:>11.1f}{run.video_s_per_s:>11.2f}"
              f"{run.render_s / run.clips:>15.2f}{cpu}")
    by_name = {run.name: run for run in runs}
    local = by_name.get(f"local, {cores} workers") or runs[-1]
    ray_run = by_name.get("Ray, 2 nodes")
    if ray_run is not None:
        # Clips run `slots` at a time, so each clip's share of the extra wall time is slots/clips of it.
        overhead = (ray_run.wall_s - local.wall_s) * local.slots / clips
        print(f"Ray's overhead per clip against the local pool at the same {local.slots} slots: {overhead:+.2f} s")
    # The per-core rate is video per CPU-second of the 1-worker command (start-up and photo analysis
    # included): on a machine others share, a worker's wall time also counts the time it waits for a core.
    one = by_name["local, 1 worker"]
    per_core = one.video_s / one.cpu_s
    print(f"scaling: {local.slots} workers give {local.video_s_per_s / one.video_s_per_s:.2f}x one worker's "
          f"throughput; CPU per second of video: {one.cpu_s / one.video_s:.3f} s (1 worker), "
          f"{local.cpu_s / local.video_s:.3f} s ({local.slots} workers)")
    cluster = per_core * 160  # seconds of video per second = hours of video per hour
    print(f"per core: {per_core:.2f} s of video per CPU-second; a 10-node x 16-core cluster at that rate: "
          f"{cluster:.0f} h of video per hour, {cluster * 3600 / seconds:.0f} clips of {seconds:g} s per hour")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--no-ray", action="store_true")
    parser.add_argument("--ray-inside", action="store_true", help=argparse.SUPPRESS)
    for hidden in ("--manifest", "--out", "--report"):
        parser.add_argument(hidden, type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--cores", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args()
    if args.ray_inside:
        ray_inside(args.manifest, args.out, cores=args.cores, size=args.size, report=args.report)
        return
    with tempfile.TemporaryDirectory(prefix="facetalk-bench-batch-") as tmp:
        folder = Path(tmp)
        manifest = make_inputs(folder, clips=args.clips, seconds=args.seconds)
        runs = [run_batch("local, 1 worker", manifest, folder / "one", slots=1, size=args.size,
                          options=["--workers", "1"]),
                run_batch(f"local, {args.cores} workers", manifest, folder / "all", slots=args.cores, size=args.size,
                          options=["--workers", str(args.cores)])]
        if not args.no_ray:
            ray_run = run_ray(manifest, folder / "ray", cores=args.cores, size=args.size)
            runs += [ray_run] if ray_run is not None else []
        report(runs, cores=args.cores, clips=args.clips, seconds=args.seconds)


if __name__ == "__main__":
    main()
