"""The Ray engine: each row a Ray task on an existing cluster (`--ray-address`).

Nothing the driver's file system holds is assumed on the workers: photos go into the object store
once each, by content (a worker keeps each photo's analysis, keyed by that content, for its next
rows), and each row's audio goes with its task. Each finished MP4 comes back to the driver, which
writes it into the output folder whole or not at all; with `shared_output` the workers write into
that folder themselves (a path every node sees, such as an NFS mount).

A task whose worker or node dies is retried by Ray (at most MAX_RETRIES times, elsewhere when the
node is gone). A retried task renders its clip from the start and only a finished render is
renamed into place or sent back, so every row ends with exactly one complete output.

This module imports ray; facetalk imports it only when the Ray engine is asked for.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import ray

from facetalk.batch.engine import MAX_RETRIES, RenderTask, RowResult
from facetalk.batch.worker import render_task
from facetalk.errors import InputError

# Tasks in flight per CPU of the cluster: enough to keep every worker busy while results come
# back, few enough that a manifest of thousands does not put all its audio in the object store.
_IN_FLIGHT_PER_CPU = 2
_CONNECT_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class _Shipped:
    """A task as it travels: the driver's paths are only names here; the bytes travel beside it."""

    task: RenderTask
    audio_suffix: str   # the audio file's extension, which FFmpeg's probing can use
    shared_output: bool


@dataclass(frozen=True)
class _Rendered:
    result: RowResult
    mp4: bytes | None   # the clip, unless the worker wrote it into a shared output folder


class RayEngine:
    """Renders tasks on the Ray cluster at `address` ("auto", "HOST:PORT" or "ray://HOST:PORT")."""

    def __init__(self, *, address: str, shared_output: bool = False):
        self.shared_output = shared_output
        _check_reachable(address)
        try:
            ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False,
                     configure_logging=True, ignore_reinit_error=True)
        except (ConnectionError, ValueError, RuntimeError) as err:
            reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
            raise InputError(f"cannot connect to the Ray cluster at '{address}': {reason}") from None
        self._remote = ray.remote(num_cpus=1, max_retries=MAX_RETRIES, retry_exceptions=False)(_render_shipped)

    def run(self, tasks: Sequence[RenderTask], *, on_frames: Callable[[int], None] | None = None
            ) -> Iterator[RowResult]:
        """Yields each task's result as it finishes. Frames are not reported: a row's progress
        would need an actor to collect it, for a bar that rows already move."""
        photos = {}  # photo content -> its object in the store, put once however many rows use it
        queue = list(reversed(tasks))
        in_flight: dict[ray.ObjectRef, RenderTask] = {}
        limit = max(2, _IN_FLIGHT_PER_CPU * int(ray.cluster_resources().get("CPU", 1)))
        try:
            while queue or in_flight:
                while queue and len(in_flight) < limit:
                    task = queue.pop()
                    if task.photo_sha256 not in photos:
                        photos[task.photo_sha256] = ray.put(task.photo.read_bytes())
                    in_flight[self._submit(task, photos[task.photo_sha256])] = task
                ready, _ = ray.wait(list(in_flight), num_returns=1)
                yield self._collect(ready[0], in_flight.pop(ready[0]))
        finally:
            for ref in in_flight:  # interrupted: KeyboardInterrupt in each worker unwinds its render
                ray.cancel(ref)

    def _submit(self, task: RenderTask, photo: ray.ObjectRef) -> ray.ObjectRef:
        audio = task.audio.read_bytes() if task.audio is not None else None
        shipped = _Shipped(task=task, audio_suffix=task.audio.suffix if task.audio else "",
                           shared_output=self.shared_output)
        return self._remote.remote(shipped, photo, audio)

    def _collect(self, ref: ray.ObjectRef, task: RenderTask) -> RowResult:
        """The task's result, its MP4 written into the output folder (temporary name, then rename)."""
        from facetalk.io._files import partial_path

        try:
            rendered: _Rendered = ray.get(ref)
        except ray.exceptions.RayError as err:  # retries used up: the worker or node died each time
            reason = str(err).strip().splitlines()[0]
            return RowResult(row=task.line, status="failed", output=str(task.output), seconds=0.0,
                             error=f"Ray task failed after {MAX_RETRIES} retries: {type(err).__name__}: {reason}")
        if rendered.mp4 is not None:
            task.output.parent.mkdir(parents=True, exist_ok=True)
            tmp = partial_path(task.output)
            try:
                tmp.write_bytes(rendered.mp4)
                os.replace(tmp, task.output)
            finally:
                tmp.unlink(missing_ok=True)
        return replace(rendered.result, output=str(task.output))

    def close(self) -> None:
        ray.shutdown()


def _check_reachable(address: str) -> None:
    """One line at once for an address nothing answers at: ray.init retries such a one for minutes."""
    import socket

    host_port = address.removeprefix("ray://")
    if address == "auto" or ":" not in host_port:
        return
    host, _, port = host_port.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=_CONNECT_TIMEOUT_S).close()
    except ValueError:
        raise InputError(f"--ray-address '{address}': the port must be a number") from None
    except OSError as err:
        raise InputError(f"cannot connect to the Ray cluster at '{address}': {err.strerror or err}") from None


def _render_shipped(shipped: _Shipped, photo: bytes, audio: bytes | None) -> _Rendered:
    """Runs on a Ray worker: the bytes become files in a folder of its own, then render_task."""
    task = shipped.task
    folder = Path(tempfile.mkdtemp(prefix=f"facetalk-row{task.line}-"))
    try:
        # The photo is read only when this worker has not analysed it yet; written anyway, as it
        # costs little beside a render and leaves nothing behind once the task's folder goes.
        local = replace(task, photo=folder / f"photo{task.photo.suffix}")
        local.photo.write_bytes(photo)
        if audio is not None:
            local = replace(local, audio=folder / f"speech{shipped.audio_suffix}")
            local.audio.write_bytes(audio)
        if not shipped.shared_output:
            local = replace(local, output=folder / "clip.mp4")
        result = render_task(local)
        error = result.error
        for here, there in ((local.photo, task.photo), (local.audio, task.audio)):
            if error and here is not None:  # name the files as the manifest does, not this worker's copies
                error = error.replace(str(here), str(there))
        result = replace(result, error=error,
                         worker=f"{result.worker} node {ray.get_runtime_context().get_node_id()[:8]}")
        mp4 = None if shipped.shared_output or result.status != "done" else local.output.read_bytes()
        return _Rendered(result=result, mp4=mp4)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
