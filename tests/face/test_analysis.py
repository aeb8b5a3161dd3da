"""face.analysis.analyse_face: the surround built on a second thread, the rest unchanged."""

import threading

import numpy as np

from facetalk.config import FramingConfig


def test_the_surround_is_built_beside_the_rest_and_is_what_a_call_of_its_own_gives(
        portrait, face_recording, monkeypatch):
    """build_surround runs on a thread of its own while the caller's thread builds the landmarks,
    appearance and rig (on two cores its ~0.3 s overlaps theirs), and
    what it returns is what calling it alone gives."""
    import facetalk.face.analysis as analysis
    from tests.fakes import ReplayDetector, ReplaySegmenter

    threads = {}
    real_surround, real_appearance = analysis.build_surround, analysis.build_appearance

    def surround(*args, **kwargs):
        threads["surround"] = threading.current_thread()
        return real_surround(*args, **kwargs)

    def appearance(*args, **kwargs):
        threads["appearance"] = threading.current_thread()
        return real_appearance(*args, **kwargs)

    monkeypatch.setattr(analysis, "build_surround", surround)
    monkeypatch.setattr(analysis, "build_appearance", appearance)
    segmenter = ReplaySegmenter(face_recording)
    result = analysis.analyse_face(portrait, framing=FramingConfig(), detector=ReplayDetector(face_recording),
                                   segmenter=segmenter)
    assert threads["appearance"] is threading.current_thread() is not threads["surround"]
    alone = real_surround(portrait, result.crop, frame_hw=result.image.shape[:2], segmenter=segmenter,
                          face_bbox=max((f.bbox for f in ReplayDetector(face_recording).detect(portrait)),
                                        key=lambda b: b[2] - b[0]))
    for name in ("rgb", "alpha", "background", "frame_alpha"):
        np.testing.assert_array_equal(getattr(result.surround, name), getattr(alone, name))
    assert result.surround.frame_origin_px == alone.frame_origin_px


def test_an_error_beside_the_surround_is_raised_without_waiting_for_it(portrait, face_recording, monkeypatch):
    """The appearance fails while the surround is still being built: the error is raised at once
    (it came only after the surround finished: leaving the executor's `with` waited for it)."""
    import time

    import pytest

    import facetalk.face.analysis as analysis
    from tests.fakes import ReplayDetector, ReplaySegmenter

    release = threading.Event()

    def slow_surround(*args, **kwargs):
        release.wait(timeout=5.0)

    def broken_appearance(*args, **kwargs):
        raise RuntimeError("appearance broke")

    monkeypatch.setattr(analysis, "build_surround", slow_surround)
    monkeypatch.setattr(analysis, "build_appearance", broken_appearance)
    start = time.perf_counter()
    try:
        with pytest.raises(RuntimeError, match="appearance broke"):
            analysis.analyse_face(portrait, framing=FramingConfig(), detector=ReplayDetector(face_recording),
                                  segmenter=ReplaySegmenter(face_recording))
        assert time.perf_counter() - start < 2.0
    finally:
        release.set()


def test_a_given_model_is_used_and_only_the_other_is_loaded(portrait, face_recording, monkeypatch):
    """Given only a detector, an analysis loads the shared segmenter and no detector; a given
    detector is used even if it is falsy (`detector or shared` replaced it)."""
    import facetalk.face.mesh as mesh
    from facetalk.face.analysis import analyse_face
    from tests.fakes import ReplayDetector, ReplaySegmenter

    class EmptyLooking(ReplayDetector):
        def __len__(self) -> int:
            return 0

    loaded = []
    monkeypatch.setattr(mesh, "_shared", None)
    monkeypatch.setattr(mesh, "FaceMeshDetector", lambda: loaded.append("detector") or ReplayDetector(face_recording))
    monkeypatch.setattr(mesh, "PersonSegmenter", lambda: loaded.append("segmenter") or ReplaySegmenter(face_recording))
    given = EmptyLooking(face_recording)
    analyse_face(portrait, framing=FramingConfig(), detector=given)
    assert loaded == ["segmenter"] and given.calls == 2


def test_two_photos_analysed_at_once_with_the_shared_models_give_what_one_after_the_other_does(
        portrait, face_recording, monkeypatch):
    """Two threads analysing two photos at once through the process's shared models (replays of
    the real ones) get the same bits as the two analyses made one after the other. The replays
    keep no state between calls, so this guards the analysis's own code around the models (it
    passed before too) and cannot test the real onnxruntime models' thread safety."""
    import facetalk.face.mesh as mesh
    from facetalk.face.analysis import analyse_face
    from scripts.record_test_faces import CASES
    from tests.fakes import ReplayDetector, ReplaySegmenter

    monkeypatch.setattr(mesh, "_shared", None)
    monkeypatch.setattr(mesh, "FaceMeshDetector", lambda: ReplayDetector(face_recording))
    monkeypatch.setattr(mesh, "PersonSegmenter", lambda: ReplaySegmenter(face_recording))
    tight = CASES[3]  # a recorded crop of the portrait: a second photo the fakes know
    photos = (portrait, np.ascontiguousarray(portrait[tight.rows, tight.cols]))
    alone = [analyse_face(photo, framing=FramingConfig()) for photo in photos]
    together: dict[int, object] = {}

    def analyse(i: int) -> None:
        together[i] = analyse_face(photos[i], framing=FramingConfig())

    threads = [threading.Thread(target=analyse, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for i, one in enumerate(alone):
        both = together[i]
        for name in ("image", "landmarks_px"):
            np.testing.assert_array_equal(getattr(both, name), getattr(one, name))
        for name in ("texture", "background", "person_alpha", "grain"):
            np.testing.assert_array_equal(getattr(both.appearance, name), getattr(one.appearance, name))
        for name in ("rgb", "alpha", "background", "frame_alpha"):
            np.testing.assert_array_equal(getattr(both.surround, name), getattr(one.surround, name))
        np.testing.assert_array_equal(both.rig.rest_xyz, one.rig.rest_xyz)
        np.testing.assert_array_equal(both.rig.expression_basis, one.rig.expression_basis)
