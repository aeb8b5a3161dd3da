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
    return PhotoExpression(smile=float(np.clip((lift - NEUTRAL_CORNER_LIFT) / SMILE_CORNER_LIFT, 0.0, 1.0)),
                           lips_apart=float(np.clip((gap - LIPS_CLOSED) / (LIPS_APART - LIPS_CLOSED), 0.0, 1.0)))
