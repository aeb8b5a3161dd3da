"""What an engine is given and gives back: RenderTasks in, one RowResult per task out.

An engine only renders. The runner (facetalk.batch.runner) checks the manifest, skips rows whose
output is already complete, shows progress and writes results.jsonl; it is the same for every
engine. Engines: LocalEngine (a process pool on this machine), RayEngine (tasks on a Ray cluster).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from facetalk.config import Config, Controls, FramingConfig, MotionConfig, VideoConfig

# A task whose worker process (or node) dies is run again this many times at most, elsewhere if it can be.
MAX_RETRIES = 2

Status = Literal["done", "skipped", "invalid", "failed"]


@dataclass(frozen=True)
class BatchSettings:
    """What every row of a batch shares (rows differ in photo, speech and controls)."""

    size: int = FramingConfig.size
    fps: int = MotionConfig.fps
    crf: int = VideoConfig.crf
    crop: str = FramingConfig.crop

    def __post_init__(self):
        self.config(Controls())  # the Config dataclasses check the ranges

    def config(self, controls: Controls) -> Config:
        return Config(framing=FramingConfig(size=self.size, crop=self.crop), motion=MotionConfig(fps=self.fps),
                      video=VideoConfig(crf=self.crf), controls=controls)


@dataclass(frozen=True)
class RenderTask:
    """One clip to render, with paths valid where the engine hands it out (the Ray engine swaps the
    paths for its workers' local copies)."""

    line: int                 # the manifest line, for results and messages
    photo: Path
    photo_sha256: str         # workers cache a photo's analysis by its content
    audio: Path | None        # exactly one of audio and text
    text: str | None
    lang: str
    controls: Controls
    settings: BatchSettings
    output: Path              # the final MP4; written under a temporary name and renamed


@dataclass(frozen=True)
class RowResult:
    """One line of results.jsonl."""

    row: int                  # the manifest line
    status: Status
    output: str | None
    seconds: float            # wall time the row's render took (0 for skipped and invalid rows)
    error: str | None = None
    clip_s: float = 0.0       # seconds of video rendered: the speech's length (at least 1 s)
    worker: str = ""          # where it rendered: host:pid
    analysed_photo: bool = False  # this row analysed its photo (the worker had not yet): once per worker


class Engine(Protocol):
    """Renders tasks, yielding a RowResult for each as it finishes (in any order). A task that
    fails yields a "failed" result rather than raising; only an interruption (Ctrl-C, SIGTERM)
    propagates, after the engine has removed what its workers were writing. `on_frames(n)` is told
    of frames rendered while rows are under way, where the engine can tell."""

    def run(self, tasks: Sequence[RenderTask], *, on_frames: Callable[[int], None] | None = None
            ) -> Iterator[RowResult]: ...

    def close(self) -> None: ...
