"""tests/fakes.py's face-model fakes hold to the real models: the recording they replay is what
the real models answer, and they refuse what was never recorded."""

import numpy as np
import pytest

from facetalk.face.analysis import analyse_face
from scripts.record_test_faces import CASES
from tests.fakes import ReplayDetector, ReplaySegmenter, Unrecorded

# Another machine's onnxruntime may round differently; on the recording machine both are exact.
LANDMARK_TOL_PX = 0.05
MATTE_TOL = 1e-3


@pytest.mark.parametrize("case", CASES, ids=["default", "margin-2.2", "full-crop", "tight-photo"])
def test_the_recording_is_what_the_real_models_answer(portrait, face_models, fake_face_models, case):
    """Every analysis the fakes serve comes out as the real models make it (re-record with
    scripts/record_test_faces.py when this fails after a change to the models or the analysis)."""
    part = np.ascontiguousarray(portrait[case.rows, case.cols])
    real = analyse_face(part, framing=case.framing, detector=face_models.detector, segmenter=face_models.segmenter)
    fake = analyse_face(part, framing=case.framing, detector=fake_face_models.detector,
                        segmenter=fake_face_models.segmenter)
    assert fake.crop == real.crop and fake.n_faces == real.n_faces == 1
    np.testing.assert_array_equal(fake.image, real.image)
    np.testing.assert_allclose(fake.landmarks_px, real.landmarks_px, atol=LANDMARK_TOL_PX, rtol=0)
    np.testing.assert_allclose(fake.appearance.person_alpha, real.appearance.person_alpha, atol=MATTE_TOL, rtol=0)
    np.testing.assert_allclose(fake.surround.alpha, real.surround.alpha, atol=MATTE_TOL, rtol=0)


def test_an_analysis_with_the_fakes_loads_no_real_model(portrait, face_recording, counted_face_models):
    from facetalk.config import FramingConfig

    made, _ = counted_face_models
    detector, segmenter = ReplayDetector(face_recording), ReplaySegmenter(face_recording)
    analysis = analyse_face(portrait, framing=FramingConfig(), detector=detector, segmenter=segmenter)
    assert made == [] and analysis.n_faces == 1
    assert detector.calls == 2 and segmenter.calls == 3  # the photo and its framing; the frame and the surround twice


def test_the_fakes_refuse_what_was_never_recorded(face_recording):
    detector, segmenter = ReplayDetector(face_recording), ReplaySegmenter(face_recording)
    noise = np.random.default_rng(0).integers(0, 256, (64, 80, 3), dtype=np.uint8)
    with pytest.raises(Unrecorded, match="record_test_faces"):
        detector.detect(noise)
    with pytest.raises(Unrecorded, match="record_test_faces"):
        segmenter.alpha(noise)


def test_the_fake_detector_answers_a_blank_photo_and_a_bad_array_as_the_real_one(face_recording, face_models):
    fake = ReplayDetector(face_recording)
    blank = np.full((120, 160, 3), (200, 180, 160), np.uint8)
    assert fake.detect(blank) == face_models.detector.detect(blank) == []
    for bad in (np.zeros((32, 32), np.uint8), np.zeros((32, 32, 3), np.float32)):
        for detector in (fake, face_models.detector):
            with pytest.raises(ValueError, match="uint8 image"):
                detector.detect(bad)
