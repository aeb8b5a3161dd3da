import numpy as np
import pytest

from facetalk.errors import InputError, NoFaceError
from facetalk.face.landmarks import N_LANDMARKS, DetectedFace, FaceMeshDetector, select_face


@pytest.fixture(scope="module")
def detector():
    with FaceMeshDetector() as det:
        yield det


def test_detects_the_astronaut(detector, portrait):
    faces = detector.detect(portrait)
    assert len(faces) == 1
    pts = faces[0].landmarks_px
    assert pts.shape == (N_LANDMARKS, 3) and pts.dtype == np.float32
    x0, y0, x1, y1 = faces[0].bbox
    # The face sits in the upper middle of the 512x512 photo, roughly 90-130 px across.
    assert 150 < x0 < x1 < 300 and 40 < y0 < y1 < 220
    assert 80 < faces[0].size_px < 140


def test_blank_image_has_no_face(detector):
    assert detector.detect(np.full((256, 256, 3), 128, np.uint8)) == []
    with pytest.raises(NoFaceError, match="no face found in 'blank.png'"):
        select_face([], face_index=None, source="blank.png")


def test_two_faces_largest_first_and_index_override(detector, portrait):
    import cv2

    # Two heads side by side: the 320 px head-and-shoulders crop, and a copy at 80 %.
    head = portrait[0:320, 65:385]
    canvas = np.full((320, 576, 3), 200, np.uint8)
    canvas[:, :320] = head
    canvas[32:288, 320:] = cv2.resize(head, (256, 256), interpolation=cv2.INTER_AREA)
    faces = detector.detect(canvas)
    assert len(faces) == 2
    assert faces[0].size_px > faces[1].size_px
    assert faces[0].bbox[0] < 320 < faces[1].bbox[0]
    assert select_face(faces, face_index=None, source="two.png", min_face_px=10) is faces[0]
    assert select_face(faces, face_index=1, source="two.png", min_face_px=10) is faces[1]
    with pytest.raises(InputError, match="--face-index 2 is out of range"):
        select_face(faces, face_index=2, source="two.png")


def test_small_face_is_refused():
    pts = np.zeros((N_LANDMARKS, 3), np.float32)
    pts[:, :2] = np.random.default_rng(0).uniform(100, 140, (N_LANDMARKS, 2))
    with pytest.raises(InputError, match="under the 64 px minimum"):
        select_face([DetectedFace(pts)], face_index=None, source="tiny.jpg")


def test_rejects_wrong_image_type(detector):
    with pytest.raises(ValueError):
        detector.detect(np.zeros((10, 10), np.uint8))
