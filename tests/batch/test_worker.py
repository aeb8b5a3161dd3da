"""A worker process's caches (batch.worker): analysed photos, and the face models behind them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from facetalk.batch import worker
from facetalk.batch.engine import BatchSettings, RenderTask
from facetalk.config import Controls


def _task(photo: Path, sha: str) -> RenderTask:
    return RenderTask(line=1, photo=photo, photo_sha256=sha, audio=None, text="Hi.", lang="en",
                      controls=Controls(), settings=BatchSettings(), output=photo.with_suffix(".mp4"))


def test_a_worker_loads_the_face_models_once_for_all_its_photos(portrait, tmp_path, monkeypatch, counted_face_models):
    """Each new photo is analysed, but with the detector and segmenter the first one loaded."""
    from facetalk.io import save_image

    made, _ = counted_face_models
    monkeypatch.setattr(worker, "_face_models", None)
    monkeypatch.setattr(worker, "_animators", type(worker._animators)())
    photos = []
    for i, image in enumerate((portrait, np.ascontiguousarray(portrait[:, ::-1]))):
        photos.append(tmp_path / f"p{i}.png")
        save_image(photos[-1], image)
    try:
        first, second = (worker._animator(_task(p, f"sha{i}")) for i, p in enumerate(photos))
        assert first is not second and len(worker._animators) == 2
        assert sorted(type(m).__name__ for m in made) == ["FaceMeshDetector", "PersonSegmenter"]
    finally:
        worker._face_models.close()
