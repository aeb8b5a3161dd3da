"""Rendering one task inside a worker process, with the photos it has analysed kept for its next rows.

Every engine's workers call render_task: a local pool's processes and a Ray cluster's workers alike.
"""

from __future__ import annotations

import os
import socket
import time
from collections import OrderedDict
from collections.abc import Callable

from facetalk.batch.engine import BatchSettings, RenderTask, RowResult
from facetalk.errors import FacetalkError

# Analysed photos a worker keeps (least recently used dropped): batches often reuse a few
# presenters, and an analysis costs far more than a short clip's render.
PHOTO_CACHE_SIZE = 4
_animators: OrderedDict[tuple[str, BatchSettings], object] = OrderedDict()
# The face detector and segmenter are the process's shared ones (face.mesh.shared_face_models):
# loaded at this process's first photo and kept for the rest.


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def render_task(task: RenderTask, *, on_frame: Callable[[object], None] | None = None) -> RowResult:
    """Renders `task` to task.output (whole or absent: the VideoWriter renames a finished file into
    place); a failure becomes a "failed" result naming it, so that one bad row never stops a batch."""
    start = time.perf_counter()
    error = None
    clip_s, analysed = 0.0, False
    try:
        analysed = (task.photo_sha256, task.settings) not in _animators
        clip_s = _render(task, on_frame=on_frame)
    except FacetalkError as err:
        error = str(err)
    except OSError as err:  # the disk's or folder's doing (full, read-only, ...): say so in a line
        from facetalk.io._files import WRITE_ERRNOS, user_path

        where = f" '{user_path(err.filename)}'" if isinstance(err.filename, str) else ""
        error = f"cannot write{where}: {WRITE_ERRNOS.get(err.errno, err.strerror or err)}"
    except Exception as err:  # noqa: BLE001 - a bug hit by one row is reported with it; the rest render
        error = f"internal error: {type(err).__name__}: {err}"
    return RowResult(row=task.line, status="failed" if error else "done", output=str(task.output),
                     seconds=round(time.perf_counter() - start, 3), error=error, clip_s=round(clip_s, 3),
                     worker=worker_name(), analysed_photo=analysed)


def _render(task: RenderTask, *, on_frame) -> float:
    """Renders the task; returns the clip's length in seconds."""
    from facetalk.io import synthesize_speech

    animator = _animator(task)
    task.output.parent.mkdir(parents=True, exist_ok=True)
    n_frames = 0

    def count(frame) -> None:
        nonlocal n_frames
        n_frames += 1
        if on_frame is not None:
            on_frame(frame)

    if task.text is not None:
        speech = synthesize_speech(task.text, lang=task.lang, sr=animator.config.video.audio_sr)
        animator.render_to_file(speech, task.output, controls=task.controls, on_frame=count)
    else:
        _render_audio_file(animator, task, on_frame=count)
    return n_frames / task.settings.fps


def _render_audio_file(animator, task: RenderTask, *, on_frame) -> None:
    # Streamed from the file as the video advances; the MP4 carries the file's own sound.
    animator.render_file(task.audio, task.output, controls=task.controls, on_frame=on_frame)


def _animator(task: RenderTask):
    """The Animator for the task's photo and settings: analysed on first use in this process."""
    from facetalk.io import load_image
    from facetalk.pipeline import Animator

    key = (task.photo_sha256, task.settings)
    if key in _animators:
        _animators.move_to_end(key)
        return _animators[key]
    # Given no models, the analysis takes the process's shared ones (face.mesh.shared_face_models).
    animator = Animator(load_image(task.photo), config=task.settings.config(task.controls), source=str(task.photo))
    _animators[key] = animator
    while len(_animators) > PHOTO_CACHE_SIZE:
        _animators.popitem(last=False)
    return animator
