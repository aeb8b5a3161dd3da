"""How much a camera move scaled the body below the face, measured by image registration.

No segmenter and no model the product uses: the near frame is scaled about its face's centre by
each candidate factor and moved onto the far frame's face centre, and the factor whose edges best
match the far frame's under the chin (neck, collar, shoulders' outline, clothes) wins. A person
scaled whole by a camera moving away gives the face's own factor; a body left at its size gives 1.
"""

from __future__ import annotations

import numpy as np

from evaluation.dlib_face import FaceMeasure

SCALES = np.round(np.arange(0.45, 1.101, 0.005), 3)
MIN_CORRELATION = 0.2  # the best scale's edge correlation below which the frames do not register


def _edges(image: np.ndarray) -> np.ndarray:
    """(H, W) float32 gradient magnitude of the luma, lightly smoothed (edges, not texture)."""
    import cv2

    gray = cv2.GaussianBlur(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32), (0, 0), 1.5)
    return cv2.magnitude(cv2.Sobel(gray, cv2.CV_32F, 1, 0), cv2.Sobel(gray, cv2.CV_32F, 0, 1))


def body_scale(near: np.ndarray, far: np.ndarray, *, face_near: FaceMeasure, face_far: FaceMeasure) -> float:
    """The factor (0.45..1.1) by which the body under the chin is smaller in `far` than in `near`,
    two (H, W, 3) uint8 RGB frames of one person; the faces dlib found in each. NaN where too
    little lies below the chin or the edges there match at no scale."""
    import cv2

    c_near, c_far = face_near.eyes_centre, face_far.eyes_centre
    chin_far = float(face_far.landmarks[8, 1])
    face_h = chin_far - float(face_far.landmarks[19, 1])  # brows to chin
    h, w = far.shape[:2]
    # Under the far face's chin, a band as wide as the shoulders can be.
    y0 = int(min(h - 1, chin_far + 0.15 * face_h))
    x0, x1 = int(max(0, c_far[0] - 2.2 * face_h)), int(min(w, c_far[0] + 2.2 * face_h))
    target = _edges(far)[y0:, x0:x1]
    if h - y0 < 0.3 * face_h or target.size < 100:  # too little below the chin to measure
        return float("nan")
    edges_near = _edges(near)
    inside = np.ones(near.shape[:2], np.float32)
    scores = []
    for s in SCALES:
        affine = np.array([[s, 0.0, c_far[0] - s * c_near[0]], [0.0, s, c_far[1] - s * c_near[1]]], np.float32)
        moved = cv2.warpAffine(edges_near, affine, (w, h), flags=cv2.INTER_LINEAR)[y0:, x0:x1]
        # Only where the near frame has content: what a zoom out adds beyond it is not compared.
        valid = cv2.warpAffine(inside, affine, (w, h), flags=cv2.INTER_NEAREST)[y0:, x0:x1] > 0.5
        scores.append(_correlation(target[valid], moved[valid]) if valid.mean() > 0.3 else -np.inf)
    best = int(np.argmax(scores))
    # Edges that match at no scale (a flat dark coat on a dark ground) give no answer, not a guess.
    return float(SCALES[best]) if np.isfinite(scores[best]) and scores[best] >= MIN_CORRELATION else float("nan")


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two equal-length arrays (-1 where either is flat)."""
    sa, sb = float(a.std()), float(b.std())
    return -1.0 if sa < 1e-6 or sb < 1e-6 else float(np.mean((a - a.mean()) * (b - b.mean())) / (sa * sb))
