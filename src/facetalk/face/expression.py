"""The photo's own expression, estimated from its landmarks in the expression parameters' units."""

from __future__ import annotations

import numpy as np

from facetalk.face import landmarks as lm
from facetalk.face.rig import SMILE_CORNER_LIFT
from facetalk.params import PhotoExpression

# Mouth corners above the midpoint of the inner lips, in mouth widths: about this on a neutral
# mouth (measured on 13 portraits: neutral and closed-mouth faces -0.06..+0.01, broad smiles
# +0.10..+0.17).
NEUTRAL_CORNER_LIFT = -0.02
# Inner-lip gap at mid-mouth, in mouth widths: closed below the first, teeth fully shown at the second.
LIPS_CLOSED, LIPS_APART = 0.03, 0.15
# Mouth width over the distance between the eyes' centres: neutral and talking mouths 0.59-0.87
# on 14 portraits, smiles showing their teeth 1.00-1.18. Lips apart and this wide, a mouth smiles
# even where the corners' lift does not show: a face seen from below (out/portraits' 12, a broad
# toothy grin) has its corners drawn level with the lips' middle (a lift of 0.26 smiles), and the
# emotions left most of the grin in place (fear and disgust read as grins). Only with the corners
# above a neutral mouth's (fully from WIDTH_NEEDS_LIFT of a smile's lift): a wide mouth with its
# corners down and the teeth bared is a grimace, not a smile.
NEUTRAL_WIDTH, SMILE_WIDTH = 0.88, 1.0
WIDTH_NEEDS_LIFT = 0.15
# MediaPipe's point on the nose tip: its offset from the eyes' midpoint is the head's turn.
NOSE_TIP = 1


def estimate_expression(landmarks_px: np.ndarray) -> PhotoExpression:
    """The expression of a face from its (478, 3) landmarks."""
    pts = np.asarray(landmarks_px, np.float64)[:, :2]
    right, left = pts[lm.MOUTH_CORNERS[0]], pts[lm.MOUTH_CORNERS[1]]
    width = float(np.linalg.norm(left - right))
    along = (left - right) / width
    down = np.array([-along[1], along[0]])
    down = down if down[1] >= 0 else -down  # toward the chin
    mid = len(lm.LIPS_INNER_UPPER) // 2
    upper, lower = pts[lm.LIPS_INNER_UPPER[mid]], pts[lm.LIPS_INNER_LOWER[mid]]
    lift = float((0.5 * (upper + lower) - 0.5 * (left + right)) @ down) / width
    gap = float(np.linalg.norm(lower - upper)) / width
    apart = float(np.clip((gap - LIPS_CLOSED) / (LIPS_APART - LIPS_CLOSED), 0.0, 1.0))
    right_eye, left_eye = lm.eye_centres(pts)
    eye_d = float(np.linalg.norm(left_eye - right_eye))
    turn = float((pts[NOSE_TIP] - 0.5 * (right_eye + left_eye)) @ (left_eye - right_eye)) / eye_d ** 2
    wide = (width / eye_d - NEUTRAL_WIDTH) / (SMILE_WIDTH - NEUTRAL_WIDTH)
    lifted = (lift - NEUTRAL_CORNER_LIFT) / SMILE_CORNER_LIFT
    wide *= apart * np.clip(lifted / WIDTH_NEEDS_LIFT, 0.0, 1.0)
    return PhotoExpression(smile=float(np.clip(max(lifted, wide), 0.0, 1.0)), lips_apart=apart, corner_lift=lift,
                           turn=turn, lid_cover=lid_cover(pts))


def lid_cover(pts: np.ndarray) -> float:
    """>= 0: the lesser over both eyes of how far the upper lid margin lies below the iris' top,
    over the eye's opening there (face.rig's lid raiser lifts the margin by blink x the opening, so
    this is the blink < 0 at which white shows above the iris). (478, 2) landmarks, px."""
    covers = []
    for upper, lower, iris in ((lm.RIGHT_EYE_UPPER, lm.RIGHT_EYE_LOWER, lm.RIGHT_IRIS),
                               (lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER, lm.LEFT_IRIS)):
        centre = pts[iris[0]]
        radius = float(np.mean(np.linalg.norm(pts[list(iris[1:])] - centre, axis=1)))
        lid_y = float(lm.height_along(centre[0], pts[list(upper), 0], pts[list(upper), 1]))
        low_y = float(lm.height_along(centre[0], pts[list(lower), 0], pts[list(lower), 1]))
        covers.append(max(lid_y - (centre[1] - radius), 0.0) / max(low_y - lid_y, 1e-6))
    return float(min(covers))


def corner_share(photo: PhotoExpression) -> float:
    """0..1: the share of the photo's smile its corners show lifted (PhotoExpression.corner_lift
    above a neutral mouth's, over the smile's SMILE_CORNER_LIFT; 1 where the lift is unknown)."""
    if photo.corner_lift is None or photo.smile <= 0.0:
        return 1.0
    return min(max((photo.corner_lift - NEUTRAL_CORNER_LIFT) / (SMILE_CORNER_LIFT * photo.smile), 0.0), 1.0)
