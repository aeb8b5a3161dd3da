"""face.lips: the inner lip contour moved to the photo's visible lip edge."""

import cv2
import numpy as np
import pytest

from facetalk.face import landmarks as lm
from facetalk.face.lips import (CORNER_MAX_SHARE, CORNER_RINGS, CORNER_STEEPEST, LOWER_RINGS, MIN_OPENING, UPPER_RINGS,
                                refine_inner_lips)

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
    # The lower lip's points already lie on its edge; the rest of the face stays (the inner corners
    # may move out: test_blunt_corners_move_out_to_where_the_lips_meet).
    lower = list(lm.LIPS_INNER_LOWER[1:-1])
    assert np.abs(out[lower, 1] - pts[lower, 1]).max() <= 1.0
    moved = np.nonzero(np.any(out != pts, axis=1))[0]
    assert set(moved) <= set(upper) | set(lower) | set(UPPER_RINGS[0] + UPPER_RINGS[1] + LOWER_RINGS[0] + LOWER_RINGS[1]) \
        | {lm.LIPS_INNER_UPPER[0], lm.LIPS_INNER_UPPER[-1], *CORNER_RINGS[0], *CORNER_RINGS[1]}


def test_points_on_the_cavity_move_too():
    """A mouth whose opening shows no teeth, only the dark cavity under the upper lip."""
    img, pts = _synthetic_mouth(on_teeth_px=2.5, gap_px=12.0, opening=(CAVITY, CAVITY))
    out = refine_inner_lips(img, pts)
    upper = list(lm.LIPS_INNER_UPPER[1:-1])
    assert np.all(out[upper, 1] <= UPPER_EDGE_Y) and np.all(out[upper, 1] >= UPPER_EDGE_Y - 1.5), out[upper, 1]


def test_closed_mouth_does_not_move():
    # The same picture with the landmarks of a closed mouth (the lips' inner contours together):
    # they lie on the teeth, no dark valley between two lips, so no meeting line moves them.
    img, pts = _synthetic_mouth(on_teeth_px=3.0, gap_px=14.0)
    closed = pts.copy()
    closed[list(lm.LIPS_INNER_LOWER), 1] = closed[list(lm.LIPS_INNER_UPPER), 1]
    np.testing.assert_array_equal(refine_inner_lips(img, closed), closed)


def _closed_mouth(*, line_y: float | None, landmarks_y: float = 116.0):
    """(image, landmarks): a closed mouth, the upper lip from UPPER_OUTER_Y to 116 and the lower
    lip from 116 to 128, with a dark one-pixel meeting line at row `line_y` (None: none); both
    inner contours at `landmarks_y`, the rings at 0.3 and 0.6 of each lip's thickness."""
    img, pts = _synthetic_mouth(on_teeth_px=0.0, gap_px=14.0, opening=(LIP, LIP))
    if line_y is not None:
        img = np.zeros_like(img)
        img[:] = SKIN
        img[int(UPPER_OUTER_Y):128, int(X0):int(X1)] = LIP
        img[int(line_y), int(X0):int(X1)] = CAVITY
        img = cv2.GaussianBlur(img, (0, 0), 0.8)
    for inner, outer, rings, outer_y in ((lm.LIPS_INNER_UPPER, lm.LIPS_OUTER_UPPER, UPPER_RINGS, UPPER_OUTER_Y),
                                         (lm.LIPS_INNER_LOWER, lm.LIPS_OUTER_LOWER, LOWER_RINGS, 128.0)):
        pts[list(inner), 1] = landmarks_y
        pts[list(outer[1:-1]), 1] = outer_y
        for ring, share in zip(rings, (0.3, 0.6)):
            pts[list(ring), 1] = landmarks_y + share * (outer_y - landmarks_y)
    pts[[lm.LIPS_OUTER_UPPER[0], lm.LIPS_OUTER_UPPER[-1]], 1] = landmarks_y
    return img, pts


def test_closed_mouth_moves_onto_its_meeting_line():
    """A closed mouth whose lips meet 2 px above its inner landmarks (07's three-quarter view by
    its corners): the upper inner points move across the face onto the dark line's middle, to
    within 0.3 px, the lower ones to just under it (its lower edge, the blurred line's half-way
    rise, at most MEET_MAX_GAP_PX below); the corners stay; the rings keep their order between the
    inner and the outer contour."""
    img, pts = _closed_mouth(line_y=114.0)
    out = refine_inner_lips(img, pts)
    upper, lower = list(lm.LIPS_INNER_UPPER[1:-1]), list(lm.LIPS_INNER_LOWER[1:-1])
    np.testing.assert_allclose(out[upper, 1], 114.0, atol=0.3)
    assert np.all(out[lower, 1] > 114.3) and np.all(out[lower, 1] < 115.5), out[lower, 1]
    np.testing.assert_array_equal(out[upper + lower, 0], pts[upper + lower, 0])
    corners = [lm.LIPS_INNER_UPPER[0], lm.LIPS_INNER_UPPER[-1]]
    np.testing.assert_array_equal(out[corners], pts[corners])
    for c in range(1, len(upper) + 1):
        up = [lm.LIPS_OUTER_UPPER[c], UPPER_RINGS[1][c - 1], UPPER_RINGS[0][c - 1], lm.LIPS_INNER_UPPER[c]]
        low = [lm.LIPS_INNER_LOWER[c], LOWER_RINGS[0][c - 1], LOWER_RINGS[1][c - 1], lm.LIPS_OUTER_LOWER[c]]
        assert np.all(np.diff(out[up + low[1:], 1]) > 0), out[up + low, 1]


def _narrowed(img: np.ndarray, pts: np.ndarray, *, scale: float):
    """`img` and `pts` squeezed along x about the image's middle by `scale` (a smaller mouth)."""
    w = img.shape[1]
    small = cv2.resize(img, (round(w * scale), img.shape[0]), interpolation=cv2.INTER_AREA)
    out = np.zeros_like(img)
    out[:] = SKIN
    x0 = (w - small.shape[1]) // 2
    out[:, x0:x0 + small.shape[1]] = small
    pts = pts.copy()
    pts[:, 0] = x0 + pts[:, 0] * small.shape[1] / w
    return out, pts


@pytest.mark.parametrize("scale", [1.0, 45.0 / 84.0])
def test_a_moved_closed_mouth_stays_closed_and_a_second_call_changes_nothing(scale):
    """After the move onto the line (84 px mouth, and a 45 px one, whose reach is MEET_REACH_MIN_PX),
    every pair's gap stays under MIN_OPENING and the opening's area under 0.02 widths² (the rig's
    and the renderer's "parted", rig.LIP_FILL_FROM and render.mouth._photo_mouth), and refining the
    result again changes nothing."""
    img, pts = _narrowed(*_closed_mouth(line_y=114.0), scale=scale)
    out = refine_inner_lips(img, pts)
    upper, lower = list(lm.LIPS_INNER_UPPER), list(lm.LIPS_INNER_LOWER)
    assert np.all(out[upper[1:-1], 1] < 115.0), out[upper, 1]  # it moved (the landmarks lie at 116)
    width = float(np.linalg.norm(out[lm.MOUTH_CORNERS[1], :2] - out[lm.MOUTH_CORNERS[0], :2]))
    assert width == pytest.approx(84.0 * scale, abs=2.0)
    gaps = np.linalg.norm(out[lower, :2] - out[upper, :2], axis=1)
    assert np.all(gaps < MIN_OPENING * width), gaps / width
    ring = out[upper + lower[-2:0:-1], :2].astype(np.float64)
    area = 0.5 * abs(float(ring[:, 0] @ np.roll(ring[:, 1], -1) - ring[:, 1] @ np.roll(ring[:, 0], -1)))
    assert area < 0.02 * width ** 2, area / width ** 2
    np.testing.assert_array_equal(refine_inner_lips(img, out), out)


def test_closed_mouth_without_a_line_or_beyond_reach_stays():
    # Lips that meet without a dark line (a moustache's or a painting's even tone), or whose line
    # lies 6 px away (beyond MEET_REACH of the 84 px mouth): the landmarks stay.
    for line_y in (None, 110.0):
        img, pts = _closed_mouth(line_y=line_y)
        np.testing.assert_array_equal(refine_inner_lips(img, pts), pts)


def _with_corner_rings(pts: np.ndarray) -> np.ndarray:
    """The corner rings at 1/3 and 2/3 of the way from each inner corner to its outer one."""
    pts = pts.copy()
    for (near, far), inner, outer in zip(CORNER_RINGS, (lm.LIPS_INNER_UPPER[0], lm.LIPS_INNER_UPPER[-1]), lm.MOUTH_CORNERS):
        pts[near] = pts[inner] + (pts[outer] - pts[inner]) / 3
        pts[far] = pts[inner] + 2 * (pts[outer] - pts[inner]) / 3
    return pts


def test_blunt_corners_move_out_to_where_the_lips_meet():
    """The synthetic opening runs square to the outer corners, its inner corners 4 px inside them
    next to a 14 px gap 7.6 px away: each inner corner moves out along the mouth line, at most
    CORNER_MAX_SHARE of the way, and the corner rings keep their order between the two corners."""
    img, pts = _synthetic_mouth(on_teeth_px=3.0, gap_px=14.0)
    pts = _with_corner_rings(pts)
    out = refine_inner_lips(img, pts)
    for inner, outer, (near, far), sign in ((lm.LIPS_INNER_UPPER[0], lm.MOUTH_CORNERS[0], CORNER_RINGS[0], -1),
                                            (lm.LIPS_INNER_UPPER[-1], lm.MOUTH_CORNERS[1], CORNER_RINGS[1], 1)):
        moved = (out[inner, 0] - pts[inner, 0]) * sign
        room = abs(pts[outer, 0] - pts[inner, 0])
        assert 0.5 * CORNER_MAX_SHARE * room < moved <= CORNER_MAX_SHARE * room + 1e-4, moved
        assert out[inner, 1] == pytest.approx(pts[inner, 1])
        # Order along the mouth line: inner corner, near ring, far ring, outer corner.
        xs = sign * out[[inner, near, far, outer], 0]
        assert np.all(np.diff(xs) > 0), xs


def test_tapering_corners_stay():
    """The same mouth whose opening tapers into its inner corners over 30 px (beside them the
    gap is under half the distance from the corner, under CORNER_STEEPEST), the inner pair next to
    each corner on its edges: the corners stay where they are."""
    img, pts = _synthetic_mouth(on_teeth_px=0.0, gap_px=14.0)
    pts = _with_corner_rings(pts)
    mid_y, taper = float(pts[lm.LIPS_INNER_UPPER[0], 1]), 30.0
    lower_edge = UPPER_EDGE_Y + 14.0
    # Lip over the opening's ends, then the opening as a hexagon pointed at the inner corners.
    img[int(UPPER_EDGE_Y):int(lower_edge)] = np.where(
        (np.arange(200) >= X0)[:, None] & (np.arange(200) < X1)[:, None], np.array(LIP, np.uint8), img[int(UPPER_EDGE_Y)])
    left, right = float(pts[lm.LIPS_INNER_UPPER[0], 0]), float(pts[lm.LIPS_INNER_UPPER[-1], 0])
    hexagon = np.array([(left, mid_y), (left + taper, UPPER_EDGE_Y), (right - taper, UPPER_EDGE_Y), (right, mid_y),
                        (right - taper, lower_edge), (left + taper, lower_edge)])
    mask = np.zeros((200, 200), np.uint8)
    cv2.fillPoly(mask, [np.round(hexagon * 16).astype(np.int32)], 1, cv2.LINE_AA, 4)
    img[mask > 0] = TEETH
    img = cv2.GaussianBlur(img, (0, 0), 0.8)
    for up, low, corner in ((lm.LIPS_INNER_UPPER[1], lm.LIPS_INNER_LOWER[1], lm.LIPS_INNER_UPPER[0]),
                            (lm.LIPS_INNER_UPPER[-2], lm.LIPS_INNER_LOWER[-2], lm.LIPS_INNER_UPPER[-1])):
        half = 7.0 * abs(pts[up, 0] - pts[corner, 0]) / taper
        pts[up, 1], pts[low, 1] = mid_y - half, mid_y + half
    assert 14.0 * 7.6 / taper < CORNER_STEEPEST * 7.6  # the gap beside each corner is under the limit
    out = refine_inner_lips(img, pts)
    corners = [lm.LIPS_INNER_UPPER[0], lm.LIPS_INNER_UPPER[-1], *CORNER_RINGS[0], *CORNER_RINGS[1]]
    np.testing.assert_array_equal(out[corners], pts[corners])


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
        moved = [i for i in inner[1:-1] if shift[i] > 0.5]  # the corners move by the opening's shape
        if not moved:
            continue
        before = np.linalg.norm(_lab_at(analysis.image, detected[moved, :2]) - lip, axis=1)
        after = np.linalg.norm(_lab_at(analysis.image, analysis.landmarks_px[moved, :2]) - lip, axis=1)
        assert np.all(after < before), (inner, before, after)


def test_a_valley_searched_past_the_profiles_end_is_none_not_an_error():
    """A closed mouth parted wide at one column (a lopsided smile, a pipe in a corner) shifts that column's search
    (about its own upper point) off the sampled profile: no valley there, not a ValueError out of analysis."""
    from facetalk.face.lips import STEP_PX, _valley

    s = np.arange(-20, 21) * STEP_PX
    profile = 10.0 * np.abs(s).astype(np.float64)  # a clear valley at 0
    assert np.isfinite(_valley(s, profile, reach=3.0)[0])
    assert np.isnan(_valley(s - 40.0, profile, reach=2.0 * STEP_PX)).all()
