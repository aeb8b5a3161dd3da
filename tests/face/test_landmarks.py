import numpy as np
import pytest

from facetalk.errors import InputError, NoFaceError
from facetalk.face.detect import select_face
from facetalk.face.landmarks import N_LANDMARKS, DetectedFace, height_along
from facetalk.face.mesh import FaceMeshDetector


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
    with pytest.raises(InputError, match="face index 2 is out of range"):
        select_face(faces, face_index=2, source="two.png")


def test_small_face_is_refused():
    pts = np.zeros((N_LANDMARKS, 3), np.float32)
    pts[:, :2] = np.random.default_rng(0).uniform(100, 140, (N_LANDMARKS, 2))
    with pytest.raises(InputError, match="under the 64 px minimum"):
        select_face([DetectedFace(pts)], face_index=None, source="tiny.jpg")


def test_rejects_wrong_image_type(detector):
    with pytest.raises(ValueError):
        detector.detect(np.zeros((10, 10), np.uint8))


def _placed(portrait, canvas_hw, at_xy, side) -> tuple[np.ndarray, float]:
    """The portrait scaled to `side` px on a grey canvas; returns (canvas, its face's expected size)."""
    import cv2

    canvas = np.full((*canvas_hw, 3), 110, np.uint8)
    x, y = at_xy
    canvas[y:y + side, x:x + side] = cv2.resize(portrait, (side, side), interpolation=cv2.INTER_AREA)
    return canvas, side / portrait.shape[1]


@pytest.mark.parametrize("canvas_hw, at_xy", [((896, 896), (500, 500)), ((1024, 1024), (40, 700)),
                                              ((512, 1024), (650, 150)), ((2400, 3600), (3000, 100))])
def test_small_faces_in_large_and_wide_photos(detector, portrait, canvas_hw, at_xy):
    """A 64-70 px face anywhere in a large, square or landscape photo is found, with landmarks
    where the face is (the whole-photo mesh alone missed these)."""
    reference = detector.detect(portrait)[0]
    canvas, scale = _placed(portrait, canvas_hw, at_xy, 320)
    faces = detector.detect(canvas)
    assert len(faces) == 1
    expected = reference.landmarks_px[:, :2] * scale + np.array(at_xy)
    assert 60 < faces[0].size_px < 80
    assert np.abs(faces[0].landmarks_px[:, :2] - expected).mean() < 0.05 * faces[0].size_px


def test_a_grid_of_faces_is_found_face_by_face(detector, portrait):
    import cv2

    grid = np.tile(cv2.resize(portrait, (300, 300), interpolation=cv2.INTER_AREA), (3, 3, 1))
    faces = detector.detect(grid)
    assert len(faces) == 9
    centres = sorted((round(f.landmarks_px[:, 1].mean() / 300), round(f.landmarks_px[:, 0].mean() / 300))
                     for f in faces)
    assert len(set(centres)) == 9  # one per tile, none twice


def test_a_wide_group_photo_frames_its_largest_face(portrait, face_models):
    """Three people of different sizes in a wide photo: the largest is framed, unless
    a face index picks another."""
    import cv2

    from facetalk.config import FramingConfig
    from facetalk.face.analysis import analyse_face

    canvas = np.full((1000, 2600, 3), 100, np.uint8)
    for x, side in ((100, 300), (1000, 560), (2000, 400)):
        canvas[200:200 + side, x:x + side] = cv2.resize(portrait, (side, side), interpolation=cv2.INTER_AREA)
    models = {"detector": face_models.detector, "segmenter": face_models.segmenter}  # the session's real ones
    largest = analyse_face(canvas, framing=FramingConfig(size=128), **models)
    assert largest.n_faces == 3 and 1000 < 0.5 * (largest.crop.x0 + largest.crop.x1) < 1560
    second = analyse_face(canvas, framing=FramingConfig(size=128, face_index=1), **models)
    assert 2000 < 0.5 * (second.crop.x0 + second.crop.x1) < 2400


def test_height_along_reads_a_contour_in_any_order_and_holds_its_ends():
    # An eye's lower lid runs corner to corner in landmark order, which can be right to left.
    x = np.array([30.0, 10.0, 20.0])
    y = np.array([3.0, 1.0, 5.0])
    got = height_along(np.array([0.0, 15.0, 25.0, 40.0]), x, y)
    np.testing.assert_allclose(got, [1.0, 3.0, 4.0, 3.0])
