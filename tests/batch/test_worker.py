"""A worker process's caches (batch.worker): analysed photos, and the face models behind them."""

from __future__ import annotations

from pathlib import Path

from facetalk.batch import worker
from facetalk.batch.engine import BatchSettings, RenderTask
from facetalk.config import Controls


def _task(photo: Path, sha: str) -> RenderTask:
    return RenderTask(line=1, photo=photo, photo_sha256=sha, audio=None, text="Hi.", lang="en",
                      controls=Controls(), settings=BatchSettings(), output=photo.with_suffix(".mp4"))


def test_a_worker_loads_the_face_models_once_for_all_its_photos(portrait, face_recording, tmp_path, monkeypatch):
    """Each new photo is analysed, but with the detector and segmenter the first one loaded (the
    process's shared ones, face.mesh.shared_face_models, set aside here for the test). What
    loads are replays of the real models' answers (tests/fakes.py; tests/face loads the real ones):
    the photos are the bundled portrait under two names, which the worker tells apart by their
    digests, as it would two photos."""
    import facetalk.face.mesh as mesh
    from facetalk.io import save_image
    from tests.fakes import ReplayDetector, ReplaySegmenter

    made = []

    def loaded(fake):
        def load():
            made.append(fake(face_recording))
            return made[-1]
        return load

    monkeypatch.setattr(mesh, "FaceMeshDetector", loaded(ReplayDetector))
    monkeypatch.setattr(mesh, "PersonSegmenter", loaded(ReplaySegmenter))
    monkeypatch.setattr(mesh, "_shared", None)
    monkeypatch.setattr(worker, "_animators", type(worker._animators)())
    photos = [tmp_path / f"p{i}.png" for i in range(2)]
    for photo in photos:
        save_image(photo, portrait)
    first, second = (worker._animator(_task(p, f"sha{i}")) for i, p in enumerate(photos))
    assert first is not second and len(worker._animators) == 2
    assert sorted(type(m).__name__ for m in made) == ["ReplayDetector", "ReplaySegmenter"]
    detector, segmenter = sorted(made, key=lambda m: type(m).__name__)
    # Both photos went through the one pair: each analysis asks the detector twice (photo,
    # framing) and the segmenter three times (frame, surround and its mirror image).
    assert (detector.calls, segmenter.calls) == (4, 6)
    assert mesh.shared_face_models().get() == (detector, segmenter)  # one pair in the process, not two
