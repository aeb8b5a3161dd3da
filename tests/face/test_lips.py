"""face.lips: the inner lip contour moved to the photo's visible lip edge."""

import cv2
import numpy as np
import pytest

from facetalk.face import landmarks as lm
from facetalk.face.lips import LOWER_RINGS, UPPER_RINGS, refine_inner_lips

SKIN, LIP, TEETH, CAVITY = (225, 180, 160), (180, 75, 85), (235, 228, 210), (45, 15, 20)
X0, X1 = 58.0, 142.0  # the mouth's outer corners
UPPER_OUTER_Y, UPPER_EDGE_Y = 104.0, 114.0  # the upper lip: its outer contour and its visible edge


def _synthetic_mouth(*, on_teeth_px: float, gap_px: float, opening=(TEETH, CAVITY)):
    """(image, landmarks): a straight mouth on skin, an upper lip whose visible edge is
    UPPER_EDGE_Y, the opening below it (upper half teeth, lower half cavity) `gap_px` tall, then the
    lower lip. The upper inner landmarks lie `on_teeth_px` below the lip's edge (on the teeth), the
    lower ones on the lower lip's edge; the lip rings at 0.3 and 0.6 of each lip's thickness."""
    img = np.zeros((200, 200, 3), np.uint8)
    img[:] = SKIN
    lower_edge = UPPER_EDGE_Y + gap_px
    x = slice(int(X0), int(X1))
    img[int(UPPER_OUTER_Y):int(UPPER_EDGE_Y), x] = LIP
    img[int(UPPER_EDGE_Y):int(UPPER_EDGE_Y + gap_px / 2), x] = opening[0]
    img[int(UPPER_EDGE_Y + gap_px / 2):int(lower_edge), x] = opening[1]
    img[int(lower_edge):int(lower_edge + 12), x] = LIP
    img = cv2.GaussianBlur(img, (0, 0), 0.8)  # a photo's soft edges

    pts = np.zeros((478, 3), np.float32)
    for ids, cx in ((lm.RIGHT_EYE_UPPER + lm.RIGHT_EYE_LOWER, 70.0), (lm.LEFT_EYE_UPPER + lm.LEFT_EYE_LOWER, 130.0)):
        pts[list(ids), 0] = cx + np.linspace(-8, 8, len(ids))
        pts[list(ids), 1] = 60.0
    xs = np.linspace(X0 + 4, X1 - 4, len(lm.LIPS_INNER_UPPER))
    inner_upper_y = UPPER_EDGE_Y + on_teeth_px
    mid_y = 0.5 * (inner_upper_y + lower_edge)
    for inner, outer, rings, inner_y, outer_y in (
            (lm.LIPS_INNER_UPPER, lm.LIPS_OUTER_UPPER, UPPER_RINGS, inner_upper_y, UPPER_OUTER_Y),
            (lm.LIPS_INNER_LOWER, lm.LIPS_OUTER_LOWER, LOWER_RINGS, lower_edge, lower_edge + 12)):
        pts[list(inner), 0], pts[list(inner), 1] = xs, inner_y
        pts[list(outer), 0] = np.linspace(X0, X1, len(outer))
        pts[list(outer), 1] = outer_y
        for ring, share in zip(rings, (0.3, 0.6)):
            pts[list(ring), 0] = xs[1:-1]
            pts[list(ring), 1] = inner_y + share * (outer_y - inner_y)
    # The corners: inner ones on the mouth line, outer ones beyond them.
    pts[[lm.LIPS_INNER_UPPER[0], lm.LIPS_INNER_UPPER[-1]], 1] = mid_y
    pts[[lm.LIPS_OUTER_UPPER[0], lm.LIPS_OUTER_UPPER[-1]], 1] = mid_y
    return img, pts


def test_inner_points_on_teeth_move_to_the_lips_edge():
    img, pts = _synthetic_mouth(on_teeth_px=3.0, gap_px=14.0)
    out = refine_inner_lips(img, pts)
    upper = list(lm.LIPS_INNER_UPPER[1:-1])
    # On the lip now: at its edge or a little inside it (not more than 1.5 px), from 3 px below.
    assert np.all(out[upper, 1] <= UPPER_EDGE_Y) and np.all(out[upper, 1] >= UPPER_EDGE_Y - 1.5), out[upper, 1]
    # Across the face only (here: straight up): the position along the mouth pairs the lips.
    np.testing.assert_array_equal(out[upper, 0], pts[upper, 0])
    # The rings keep their order between the outer contour and the inner one.
    assert np.all(out[list(UPPER_RINGS[1]), 1] < out[list(UPPER_RINGS[0]), 1])
    assert np.all(out[list(UPPER_RINGS[0]), 1] < out[upper, 1])
    assert np.all(out[list(UPPER_RINGS[1]), 1] > UPPER_OUTER_Y)
    # The lower lip's points already lie on its edge; the corners and the rest of the face stay.
    lower = list(lm.LIPS_INNER_LOWER[1:-1])
    assert np.abs(out[lower, 1] - pts[lower, 1]).max() <= 1.0
    moved = np.nonzero(np.any(out != pts, axis=1))[0]
    assert set(moved) <= set(upper) | set(lower) | set(UPPER_RINGS[0] + UPPER_RINGS[1] + LOWER_RINGS[0] + LOWER_RINGS[1])


def test_points_on_the_cavity_move_too():
    """A mouth whose opening shows no teeth, only the dark cavity under the upper lip."""
    img, pts = _synthetic_mouth(on_teeth_px=2.5, gap_px=12.0, opening=(CAVITY, CAVITY))
    out = refine_inner_lips(img, pts)
    upper = list(lm.LIPS_INNER_UPPER[1:-1])
    assert np.all(out[upper, 1] <= UPPER_EDGE_Y) and np.all(out[upper, 1] >= UPPER_EDGE_Y - 1.5), out[upper, 1]


def test_closed_mouth_does_not_move():
    # The same picture with the landmarks of a closed mouth (the lips' inner contours together).
    img, pts = _synthetic_mouth(on_teeth_px=3.0, gap_px=14.0)
    closed = pts.copy()
    closed[list(lm.LIPS_INNER_LOWER), 1] = closed[list(lm.LIPS_INNER_UPPER), 1]
    np.testing.assert_array_equal(refine_inner_lips(img, closed), closed)


def test_no_evidence_no_move():
    # Parted lips whose opening looks like lip, or like the lip's rim in its own shadow (darker by
    # 9-12 L*, as red): unchanged.
    img, pts = _synthetic_mouth(on_teeth_px=3.0, gap_px=14.0, opening=(LIP, LIP))
    np.testing.assert_array_equal(refine_inner_lips(img, pts), pts)
    img, pts = _synthetic_mouth(on_teeth_px=3.0, gap_px=14.0, opening=((150, 55, 65), (140, 50, 60)))
    np.testing.assert_array_equal(refine_inner_lips(img, pts), pts)


def _lab_at(image: np.ndarray, xy: np.ndarray) -> np.ndarray:
    lab = cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)
    return np.array([cv2.getRectSubPix(lab, (1, 1), (float(x), float(y)))[0, 0] for x, y in xy])


@pytest.mark.slow
def test_bundled_portrait_lips_move_onto_the_lip(analysis, face_models):
    """The bundled portrait smiles with its teeth: analyse_face's inner-lip points are the
    detector's moved across the face by at most a few pixels, onto colours nearer its lip's."""
    faces = face_models.detector.detect(analysis.image)
    detected = min(faces, key=lambda f: np.abs(f.landmarks_px[:, :2] - analysis.landmarks_px[:, :2]).mean()).landmarks_px
    np.testing.assert_allclose(analysis.landmarks_px, refine_inner_lips(analysis.image, detected), atol=1e-4)
    shift = np.linalg.norm(analysis.landmarks_px[:, :2] - detected[:, :2], axis=1)
    assert 0.5 < shift.max() <= 4.0
    for inner, outer in ((lm.LIPS_INNER_UPPER, lm.LIPS_OUTER_UPPER), (lm.LIPS_INNER_LOWER, lm.LIPS_OUTER_LOWER)):
        a, b = detected[list(inner[2:-2]), :2], detected[list(outer[2:-2]), :2]
        lip = np.median(_lab_at(analysis.image, a + 0.5 * (b - a)), axis=0)
        moved = [i for i in inner if shift[i] > 0.5]
        if not moved:
            continue
        before = np.linalg.norm(_lab_at(analysis.image, detected[moved, :2]) - lip, axis=1)
        after = np.linalg.norm(_lab_at(analysis.image, analysis.landmarks_px[moved, :2]) - lip, axis=1)
        assert np.all(after < before), (inner, before, after)
