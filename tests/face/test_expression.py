"""The photo's own expression, from its landmarks."""

import numpy as np

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
    come down to a neutral mouth's height and back in from the smile's width."""
    from facetalk.motion import emotion
    from facetalk.motion.frame import MotionFrame
    from facetalk.params import FACE_NAMES
    from facetalk.render.renderer import posed_vertices

    photo = analysis.expression
    offsets = np.zeros(len(FACE_NAMES))
    emotion._undo_smile(offsets, photo.smile)
    posed = posed_vertices(analysis.rig, MotionFrame(t_s=0.0).with_face(offsets))[:lm.N_LANDMARKS]
    assert photo.smile > 0.8 and estimate_expression(posed).smile < 0.1
    corners = list(lm.MOUTH_CORNERS)
    width = np.linalg.norm(np.diff(posed[corners, :2], axis=0))
    assert 0.75 < width / np.linalg.norm(np.diff(analysis.landmarks_px[corners, :2], axis=0)) < 0.9
