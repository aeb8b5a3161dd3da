"""One batch, whatever the engine: check the manifest, skip complete outputs, render the rest,
keep results.jsonl current, and sum up.

results.jsonl has one JSON object per manifest row, in row order (RowResult's fields): rewritten
whole (temporary name, then rename) after every row, so it is never half-written and a batch that
is killed still says which rows finished.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from facetalk.batch.engine import BatchSettings, Engine, RenderTask, RowResult
from facetalk.config import VideoConfig
from facetalk.errors import InputError
from facetalk.io.manifest import Manifest, ManifestRow, read_manifest

RESULTS_NAME = "results.jsonl"


@dataclass(frozen=True)
class EngineChoice:
    """Which engine renders: the local pool unless a Ray address is given."""

    workers: int | None = None        # local pool size; None: one per core
    ray_address: str | None = None    # "auto", "HOST:PORT" or "ray://HOST:PORT"
    shared_output: bool = False       # Ray workers write into the output folder (a path they all see)


@dataclass(frozen=True)
class BatchSummary:
    n_rows: int
    done: int
    skipped: int
    invalid: int
    failed: int
    wall_s: float
    clip_s: float        # seconds of video rendered by this run
    results_path: Path

    @property
    def exit_code(self) -> int:
        """0 when every row is rendered (now or before); 2 when a row was bad or failed."""
        return 2 if self.invalid or self.failed else 0

    def line(self) -> str:
        rate = (f"; {self.clip_s:.1f} s of video in {self.wall_s:.1f} s: {60 * self.done / self.wall_s:.1f} clips/min, "
                f"{self.clip_s / self.wall_s:.2f} video-s per s" if self.done and self.wall_s > 0 else "")
        return (f"facetalk: batch of {self.n_rows} rows: {self.done} rendered, {self.skipped} skipped (already "
                f"complete), {self.invalid} invalid, {self.failed} failed{rate}; results in {self.results_path}")


def run_batch(manifest_path: str | os.PathLike[str], outdir: str | os.PathLike[str], *, settings: BatchSettings,
              engine: EngineChoice = EngineChoice(), force: bool = False, progress: bool = True,
              log: TextIO = sys.stderr) -> BatchSummary:
    """Renders every good row of the manifest into `outdir` (made if missing); bad rows are told on
    `log`, one line each with their line number, and skipped. `force` renders complete outputs again."""
    start = time.monotonic()
    manifest = read_manifest(manifest_path)
    outdir = _output_folder(outdir)
    results = {p.line: RowResult(row=p.line, status="invalid", output=None, seconds=0.0, error=p.message)
               for p in manifest.problems}
    for problem in manifest.problems:
        print(f"facetalk: {manifest.path.name} line {problem.line}: {problem.message}", file=log)
    tasks = []
    for row in manifest.rows:
        output = outdir / row.output
        if not force and is_complete(output, row=row, settings=settings):
            results[row.line] = RowResult(row=row.line, status="skipped", output=str(output), seconds=0.0)
        else:
            tasks.append(_task(row, output, settings))
    results_path = outdir / RESULTS_NAME
    _write_results(results_path, results)
    if tasks:
        _render(tasks, manifest, results, results_path, choice=engine, progress=progress, log=log)
    return _summary(manifest, results, results_path, wall_s=time.monotonic() - start)


def _render(tasks: list[RenderTask], manifest: Manifest, results: dict[int, RowResult], results_path: Path, *,
            choice: EngineChoice, progress: bool, log: TextIO) -> None:
    from tqdm import tqdm

    engine = open_engine(choice)
    bar = tqdm(total=manifest.n_rows, initial=len(results), unit="clip", desc="facetalk batch", file=log,
               disable=not progress, dynamic_ncols=True)
    frames = 0

    def count_frames(n: int) -> None:
        nonlocal frames
        frames += n
        bar.set_postfix_str(f"{frames} frames")

    try:
        for result in engine.run(tasks, on_frames=count_frames):
            results[result.row] = result
            _write_results(results_path, results)
            bar.update(1)
            if result.status == "failed":
                bar.write(f"facetalk: {manifest.path.name} line {result.row}: {result.error}", file=log)
    except BaseException:  # Ctrl-C or SIGTERM: the engine has stopped its workers; say what is kept
        bar.close()
        done = sum(r.status in ("done", "skipped") for r in results.values())
        print(f"facetalk: batch stopped with {done} of {manifest.n_rows} rows complete (see {results_path}); "
              "the same command renders the rest", file=log)
        raise
    finally:
        bar.close()
        engine.close()


def open_engine(choice: EngineChoice) -> Engine:
    """The engine asked for; Ray is imported only here, and only when an address is given."""
    if choice.ray_address is None:
        from facetalk.batch.local import LocalEngine

        return LocalEngine(workers=choice.workers)
    try:
        from facetalk.batch.ray import RayEngine
    except ImportError:
        raise InputError("--ray-address needs Ray: pip install 'facetalk[ray]'") from None
    return RayEngine(address=choice.ray_address, shared_output=choice.shared_output)


def is_complete(path: Path, *, row: ManifestRow, settings: BatchSettings) -> bool:
    """Whether `path` is a whole render of the row at these settings: an MP4 that opens, at the
    frame size and rate asked, as long as the speech (from the audio's header; at least 1 s for text)."""
    from facetalk.io import probe_video
    from facetalk.pipeline import MIN_DURATION_S, n_frames_for

    if not path.is_file():
        return False
    try:
        info = probe_video(path)
    except InputError:  # truncated or foreign: render it again
        return False
    if abs(max(info.width, info.height) - settings.size) > 1 or abs(info.fps - settings.fps) > 0.01:
        return False
    if row.audio_s is None:
        return info.n_frames >= MIN_DURATION_S * settings.fps
    sr = VideoConfig().audio_sr
    expected = n_frames_for(round(row.audio_s * sr), sr=sr, fps=settings.fps)
    return abs(info.n_frames - expected) <= 1  # headers round a duration to their own time base


def _output_folder(outdir: str | os.PathLike[str]) -> Path:
    from facetalk.io._files import output_file

    outdir = Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise InputError(f"output folder '{outdir}' is a file")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot make output folder '{outdir}': {err.strerror or err}") from None
    output_file(outdir / RESULTS_NAME, what="results file")  # writable, before any work
    return outdir.resolve()


def _task(row: ManifestRow, output: Path, settings: BatchSettings) -> RenderTask:
    return RenderTask(line=row.line, photo=row.image, photo_sha256=row.image_sha256, audio=row.audio, text=row.text,
                      lang=row.lang, controls=row.controls, settings=settings, output=output)


def _write_results(path: Path, results: dict[int, RowResult]) -> None:
    from facetalk.io._files import write_text_atomic

    write_text_atomic(path, "".join(json.dumps(asdict(results[line])) + "\n" for line in sorted(results)))


def _summary(manifest: Manifest, results: dict[int, RowResult], results_path: Path, *, wall_s: float) -> BatchSummary:
    def count(status: str) -> int:
        return sum(r.status == status for r in results.values())

    return BatchSummary(n_rows=manifest.n_rows, done=count("done"), skipped=count("skipped"), invalid=count("invalid"),
                        failed=count("failed"), wall_s=wall_s, results_path=results_path,
                        clip_s=sum(r.clip_s for r in results.values() if r.status == "done"))
