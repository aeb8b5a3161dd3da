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


class Checked:
    """The fakes, each answer also asked of the real models and held to it."""

    def __init__(self, fakes, real):
        self.fakes, self.real, self.answers = fakes, real, 0

    def detect(self, image):
        fake, real = self.fakes.detector.detect(image), self.real.detector.detect(image)
        assert len(fake) == len(real)
        for f, r in zip(fake, real):
            np.testing.assert_allclose(f.landmarks_px, r.landmarks_px, atol=LANDMARK_TOL_PX, rtol=0)
        self.answers += 1
        return fake

    def alpha(self, image):
        fake = self.fakes.segmenter.alpha(image)
        np.testing.assert_allclose(fake, self.real.segmenter.alpha(image), atol=MATTE_TOL, rtol=0)
        self.answers += 1
        return fake


@pytest.mark.parametrize("case", CASES, ids=["default", "margin-2.2", "full-crop", "tight-photo"])
def test_the_recording_is_what_the_real_models_answer(portrait, face_models, fake_face_models, case):
    """Every answer the fakes give in the analyses they serve is the real models' answer (re-record
    with scripts/record_test_faces.py when this fails after a change to the models or the analysis)."""
    checked = Checked(fake_face_models, face_models)
    analysis = analyse_face(np.ascontiguousarray(portrait[case.rows, case.cols]), framing=case.framing,
                            detector=checked, segmenter=checked)
    assert checked.answers == 5 and analysis.n_faces == 1


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


def test_face_models_load_what_is_asked_for_and_close_only_their_own(face_recording):
    """facetalk.face.mesh.FaceModels: a given model is used as it is and left to its owner; one not
    given loads at its first use (the detector property) and is closed by close()."""
    from facetalk.face.mesh import FaceModels, PersonSegmenter
    from tests.fakes import ReplayDetector

    given = ReplayDetector(face_recording)
    models = FaceModels(detector=given)
    assert models._own == [] and models.detector is given
    segmenter = models.segmenter
    assert isinstance(segmenter, PersonSegmenter) and models._own == [segmenter]
    models.close()
    assert models._own == [] and models.detector is given
    # Each property loads its own model alone.
    from facetalk.face.mesh import FaceMeshDetector

    alone = FaceModels()
    detector = alone.detector
    assert isinstance(detector, FaceMeshDetector) and alone._own == [detector]
    alone.close()
