"""Render jobs: audio + avatar -> MP4 in the server's work folder, one job rendering at a time
(each already uses both cores), a bounded queue, and a bounded number of finished MP4s kept."""

from __future__ import annotations

import logging
import secrets
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from facetalk.config import Controls
from facetalk.io._files import WRITE_ERRNOS
from facetalk.pipeline import Animator

log = logging.getLogger("facetalk.server")


class TooBusy(Exception):
    """The job queue is full."""


class _Stopping(Exception):
    """Raised inside a render to abandon it when the server shuts down."""


@dataclass(eq=False)
class Job:
    id: str
    n_frames: int
    path: Path
    status: str = "queued"  # queued -> running -> done | failed
    frames_done: int = 0
    error: str | None = None
    _inputs: tuple | None = field(default=None, repr=False)  # dropped once rendered: audio can be large

    @property
    def progress(self) -> float:
        return self.frames_done / self.n_frames if self.n_frames else 0.0


class JobManager:
    def __init__(self, workdir: Path, *, max_jobs: int, max_finished: int):
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.max_jobs = max_jobs
        self.max_finished = max_finished
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        # One worker: Animator.render reuses the avatar's renderer, and one render already keeps
        # both cores busy; more jobs wait in the queue.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="facetalk-job")

    def submit(self, animator: Animator, audio: np.ndarray, controls: Controls, *,
               audio_file: Path | None = None) -> Job:
        """Queues a render of `audio` (mono at the analysis rate), or of `audio_file`, the upload it
        was decoded from (its sound at its own quality in the MP4; the job deletes the file)."""
        with self._lock:
            active = sum(j.status in ("queued", "running") for j in self._jobs.values())
            if active >= self.max_jobs:
                if audio_file is not None:
                    audio_file.unlink(missing_ok=True)
                raise TooBusy(f"{active} render jobs are already queued or running; try again later")
            job_id = secrets.token_urlsafe(12)
            job = Job(id=job_id, n_frames=animator.n_frames(audio), path=self.workdir / f"{job_id}.mp4",
                      _inputs=(animator, None if audio_file is not None else audio, controls, audio_file))
            self._jobs[job_id] = job
            self._forget_old()
        self._executor.submit(self._run, job)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def shutdown(self) -> None:
        self._stopping.set()
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _forget_old(self) -> None:
        """Drops the oldest finished jobs (and their MP4s) beyond max_finished. Holds the lock."""
        finished = [j for j in self._jobs.values() if j.status in ("done", "failed")]
        for job in finished[:max(0, len(finished) - self.max_finished)]:
            del self._jobs[job.id]
            job.path.unlink(missing_ok=True)

    def _run(self, job: Job) -> None:
        animator, audio, controls, audio_file = job._inputs
        job.status = "running"

        def on_frame(_frame) -> None:
            if self._stopping.is_set():
                raise _Stopping
            job.frames_done += 1

        try:
            if audio_file is not None:  # the upload itself: its own sound in the MP4, decoded as it goes
                animator.render_file(audio_file, job.path, controls=controls, on_frame=on_frame)
            else:
                animator.render_to_file(audio, job.path, controls=controls, on_frame=on_frame)
            job.status = "done"
        except _Stopping:
            job.status, job.error = "failed", "the server shut down"
        except Exception as err:  # noqa: BLE001 - a job's failure is reported through its status
            log.exception("render job %s failed", job.id)
            disk = WRITE_ERRNOS.get(err.errno) if isinstance(err, OSError) else None
            job.status, job.error = "failed", (f"the server could not write the video: {disk}" if disk
                                               else f"render failed: {type(err).__name__}")
        finally:
            job._inputs = None
            if audio_file is not None:
                audio_file.unlink(missing_ok=True)
            with self._lock:
                self._forget_old()
