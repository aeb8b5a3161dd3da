"""The photo's own expression, from its landmarks."""

import numpy as np
import pytest

from facetalk.face import landmarks as lm
from facetalk.face.expression import estimate_expression
from facetalk.face.rig import SMILE_CORNER_LIFT


def test_the_bundled_portrait_smiles_with_its_teeth(analysis):
    expression = estimate_expression(analysis.landmarks_px)
    assert expression.smile > 0.8 and expression.lips_apart > 0.8
    assert analysis.expression == expression


def test_lowering_the_corners_and_closing_the_lips_reads_as_neutral(analysis):
    pts = analysis.landmarks_px.astype(np.float64).copy()
    width = np.linalg.norm(pts[lm.MOUTH_CORNERS[0], :2] - pts[lm.MOUTH_CORNERS[1], :2])
    smiling = estimate_expression(pts).smile
    pts[list(lm.MOUTH_CORNERS), 1] += 1.5 * SMILE_CORNER_LIFT * width
    assert estimate_expression(pts).smile < smiling
    pts[list(lm.MOUTH_CORNERS), 1] += 1.0 * SMILE_CORNER_LIFT * width
    mid = len(lm.LIPS_INNER_UPPER) // 2
    pts[lm.LIPS_INNER_LOWER[mid], :2] = pts[lm.LIPS_INNER_UPPER[mid], :2]
    neutral = estimate_expression(pts)
    assert neutral.smile == 0.0 and neutral.lips_apart == 0.0


def test_undoing_the_photos_smile_leaves_a_neutral_mouth(analysis):
    """What every emotion but happy starts from on a smiling photo (motion.emotion): the corners
    come down to a neutral mouth's height over the lips' middle (within 0.02 mouth widths of
    NEUTRAL_CORNER_LIFT) and back in from the smile's width, the lips shut as the commanded neutral
    shuts them (its corners -0.050 mouth widths over the middle before the chin raiser left the
    upper lip, face.rig._chin; -0.031 since). With the lips left apart, as speech parts them, the
    undo still reads as a trace of a smile, under 0.15 (0.116 here; out/portraits' 11 0.30): the
    frown lowers the corners but not the upper lip's middle, which stays at the smile's teeth's
    edge. It read 0.013 only while the chin raiser lifted that lip's inner rows with the lower lip,
    which folded the lip over itself mid-mouth (sad's tent): out/tent37/undo_smile.py. Raising
    either lip's middle 0.02 mouth widths per unit of the photo's smile reads 0.053 apart, but puts
    the shut corners 0.020-0.022 off and brings back part of sad's peak (out/fix37e/NOTES.md)."""
    from facetalk.config import EMOTIONS
    from facetalk.face.expression import NEUTRAL_CORNER_LIFT
    from facetalk.motion import emotion
    from facetalk.motion.frame import MotionFrame
    from facetalk.params import FACE_NAMES
    from facetalk.render.renderer import posed_vertices

    photo = analysis.expression
    offsets = np.zeros(len(FACE_NAMES))
    emotion._undo_smile(offsets, photo.smile, shown=emotion.corner_share(photo))
    offsets[FACE_NAMES.index("lip_press")] = emotion.blend(tuple(float(n == "neutral") for n in EMOTIONS),
                                                           photo=photo).closes_lips
    posed = posed_vertices(analysis.rig, MotionFrame(t_s=0.0).with_face(offsets))[:lm.N_LANDMARKS]
    undone = estimate_expression(posed)
    assert photo.smile > 0.8 and undone.smile < 0.1 and abs(undone.corner_lift - NEUTRAL_CORNER_LIFT) < 0.02, undone
    corners = list(lm.MOUTH_CORNERS)
    width = np.linalg.norm(np.diff(posed[corners, :2], axis=0))
    assert 0.75 < width / np.linalg.norm(np.diff(analysis.landmarks_px[corners, :2], axis=0)) < 0.9
    offsets[FACE_NAMES.index("lip_press")] = 0.0
    apart = estimate_expression(posed_vertices(analysis.rig, MotionFrame(t_s=0.0).with_face(offsets))[:lm.N_LANDMARKS])
    assert apart.lips_apart > 0.5 and apart.smile < 0.15, apart


def test_a_wide_mouth_showing_its_teeth_smiles_with_its_corners_level(analysis):
    """A face seen from below (a camera under the chin) draws a grin's corners nearly level with the
    lips' middle: the corners' lift alone read out/portraits' 12, a broad toothy grin, as a quarter
    of a smile (0.26), and the emotions left most of the grin in place. Its width over the eye
    distance still tells the smile; a mouth as wide with the lips shut, or as open and narrow
    (talking), or with its corners down (a grimace), is read by the lift alone."""
    from facetalk.face.expression import NEUTRAL_CORNER_LIFT

    pts = analysis.landmarks_px.astype(np.float64).copy()
    right, left = pts[lm.MOUTH_CORNERS[0], :2], pts[lm.MOUTH_CORNERS[1], :2]
    width = np.linalg.norm(left - right)
    mid = len(lm.LIPS_INNER_UPPER) // 2
    centre = 0.5 * (pts[lm.LIPS_INNER_UPPER[mid], :2] + pts[lm.LIPS_INNER_LOWER[mid], :2])
    # The corners a quarter of a smile's lift above a neutral mouth's: the lift reads 0.25.
    for corner in lm.MOUTH_CORNERS:
        pts[corner, 1] = centre[1] - (NEUTRAL_CORNER_LIFT + 0.25 * SMILE_CORNER_LIFT) * width
    level = estimate_expression(pts)
    assert level.lips_apart > 0.8 and level.smile > 0.8
    narrow = pts.copy()
    mouth = list(set(lm.LIPS_OUTER_UPPER + lm.LIPS_OUTER_LOWER + lm.LIPS_INNER_UPPER + lm.LIPS_INNER_LOWER))
    narrow[mouth, 0] = centre[0] + 0.7 * (narrow[mouth, 0] - centre[0])
    assert estimate_expression(narrow).smile < 0.4  # its lift alone, in a narrower mouth's widths
    shut = pts.copy()
    shut[lm.LIPS_INNER_LOWER[mid], :2] = shut[lm.LIPS_INNER_UPPER[mid], :2]
    assert estimate_expression(shut).smile < 0.3
    grimace = pts.copy()
    grimace[list(lm.MOUTH_CORNERS), 1] += 0.5 * SMILE_CORNER_LIFT * width
    assert estimate_expression(grimace).smile == 0.0


def _level_corners(analysis) -> np.ndarray:
    """The bundled portrait's (478, 3) landmarks with the mouth corners a quarter of a smile's lift
    above a neutral mouth's (a wide toothy mouth seen from below, as out/portraits' 12)."""
    from facetalk.face.expression import NEUTRAL_CORNER_LIFT

    pts = analysis.landmarks_px.astype(np.float64).copy()
    width = np.linalg.norm(pts[lm.MOUTH_CORNERS[0], :2] - pts[lm.MOUTH_CORNERS[1], :2])
    mid = len(lm.LIPS_INNER_UPPER) // 2
    centre_y = 0.5 * (pts[lm.LIPS_INNER_UPPER[mid], 1] + pts[lm.LIPS_INNER_LOWER[mid], 1])
    for corner in lm.MOUTH_CORNERS:
        pts[corner, 1] = centre_y - (NEUTRAL_CORNER_LIFT + 0.25 * SMILE_CORNER_LIFT) * width
    return pts


def test_undoing_a_smile_whose_corners_show_level_leaves_them_where_a_neutral_mouth_has_them(analysis):
    """A smile read from the mouth's width shows its corners nearly level (out/portraits' 12: 0.044
    mouth widths above a neutral mouth's, a full smile's lift 0.17). The undo brings them down by
    the lift the photo shows (PhotoExpression.corner_lift), not by the whole smile's: taken down
    the whole lift, they ended about 0.1 mouth widths under a neutral mouth's (every emotion that
    shuts the lips arched into a frown on 12). The smile's width is still taken back."""
    from facetalk.face.expression import NEUTRAL_CORNER_LIFT
    from facetalk.face.rig import build_rig
    from facetalk.motion import emotion
    from facetalk.motion.frame import MotionFrame
    from facetalk.params import FACE_NAMES
    from facetalk.render.renderer import posed_vertices

    pts = _level_corners(analysis)
    photo = estimate_expression(pts)
    assert photo.smile > 0.8 and photo.lips_apart > 0.8
    assert photo.corner_lift == pytest.approx(NEUTRAL_CORNER_LIFT + 0.25 * SMILE_CORNER_LIFT, abs=1e-3)
    assert emotion.corner_share(photo) == pytest.approx(0.25 / photo.smile, abs=0.01)
    rig = build_rig(pts)
    offsets = np.zeros(len(FACE_NAMES))
    emotion._undo_smile(offsets, photo.smile, shown=emotion.corner_share(photo))
    posed = posed_vertices(rig, MotionFrame(t_s=0.0).with_face(offsets))[:lm.N_LANDMARKS].astype(np.float64)
    assert abs(estimate_expression(posed).corner_lift - NEUTRAL_CORNER_LIFT) < 0.015
    corners = list(lm.MOUTH_CORNERS)
    width = np.linalg.norm(np.diff(posed[corners, :2], axis=0))
    assert 0.75 < width / np.linalg.norm(np.diff(pts[corners, :2], axis=0)) < 0.9


def test_a_photo_expression_saved_before_the_corner_lift_undoes_all_of_its_smile():
    """An expression pickled before PhotoExpression had `corner_lift` (a server's saved analysis)
    unpickles without it: the class default None, read as corners showing the whole smile."""
    import pickle

    from facetalk.motion import emotion
    from facetalk.params import PhotoExpression

    old = PhotoExpression.__new__(PhotoExpression)
    old.__dict__.update(smile=1.0, lips_apart=1.0)  # the state an old pickle restores
    old = pickle.loads(pickle.dumps(old))
    assert old.corner_lift is None and emotion.corner_share(old) == 1.0
    assert emotion.corner_share(PhotoExpression(smile=1.0, lips_apart=1.0, corner_lift=0.024)) < 0.3


def test_the_heads_turn_is_the_nose_tips_offset_along_the_eye_line(analysis):
    """PhotoExpression.turn: the nose tip's offset from the eyes' midpoint along the eye line, in
    eye distances, + toward the subject's left. A nose tip moved 0.2 eye distances toward the
    subject's left eye reads 0.2 more; the bearded old photo (out/portraits' 09), turned toward
    the subject's right, reads under -0.1."""
    from pathlib import Path

    from facetalk.face.expression import NOSE_TIP

    pts = analysis.landmarks_px.astype(np.float64).copy()
    right, left = lm.eye_centres(pts)
    before = estimate_expression(pts).turn
    pts[NOSE_TIP, :2] += 0.2 * (left - right)
    assert estimate_expression(pts).turn == pytest.approx(before + 0.2, abs=1e-9)
    bearded = np.load(Path(__file__).resolve().parent / "data" / "bearded_old_photo_landmarks.npz")["landmarks_px"]
    assert estimate_expression(bearded).turn < -0.1


def test_the_lid_cover_is_how_far_a_raise_may_go_before_white_shows_over_the_iris(analysis):
    """lid_cover: the lid over the iris' top, in openings (the rig's blink < 0 units). Moving the
    upper lids' landmarks up by that many openings at the iris leaves none to raise; down more."""
    from facetalk.face.expression import lid_cover

    pts = np.asarray(analysis.landmarks_px, np.float64)[:, :2].copy()
    cover = lid_cover(pts)
    assert 0.0 <= cover < 1.0
    lowered = pts.copy()  # both lids lower (the lesser eye's counts)
    for upper, lower in ((lm.RIGHT_EYE_UPPER, lm.RIGHT_EYE_LOWER), (lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)):
        lowered[list(upper), 1] += 0.2 * (pts[list(lower), 1].mean() - pts[list(upper), 1].mean())
    assert lid_cover(lowered) > cover + 0.1
    raised = pts.copy()
    for upper in (lm.RIGHT_EYE_UPPER, lm.LEFT_EYE_UPPER):
        raised[list(upper), 1] -= 0.5 * (pts[list(upper), 1].max() - pts[list(upper), 1].min()) + 50.0
    assert lid_cover(raised) == 0.0
