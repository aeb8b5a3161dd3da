"""The 478 refined 3D landmarks of MediaPipe's face mesh (run by face.mesh), and the index sets
facetalk uses.

Index lists are ordered contours of MediaPipe's canonical face mesh topology.
"Left"/"right" are the subject's: the subject's left eye appears on the image's right.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

N_LANDMARKS = 478

FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378,
             400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21,
             54, 103, 67, 109)
LIPS_OUTER_UPPER = (61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291)
LIPS_OUTER_LOWER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291)
LIPS_INNER_UPPER = (78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308)
LIPS_INNER_LOWER = (78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308)
RIGHT_EYE_UPPER = (33, 246, 161, 160, 159, 158, 157, 173, 133)
RIGHT_EYE_LOWER = (33, 7, 163, 144, 145, 153, 154, 155, 133)
LEFT_EYE_UPPER = (263, 466, 388, 387, 386, 385, 384, 398, 362)
LEFT_EYE_LOWER = (263, 249, 390, 373, 374, 380, 381, 382, 362)
RIGHT_IRIS = (468, 469, 470, 471, 472)  # centre first, then the ring
LEFT_IRIS = (473, 474, 475, 476, 477)
RIGHT_BROW = (70, 63, 105, 66, 107, 55, 65, 52, 53, 46)
LEFT_BROW = (300, 293, 334, 296, 336, 285, 295, 282, 283, 276)
# The brows' lower edges (the last five of each brow, inner head to tail), right then left.
BROWS_LOWER_EDGE = RIGHT_BROW[5:] + LEFT_BROW[5:]
MOUTH_CORNERS = (61, 291)  # subject's right, left
# The outer upper-lip vertex beside each outer mouth corner, subject's right, left.
MOUTH_CORNER_UPPER_NEIGHBOURS = (LIPS_OUTER_UPPER[1], LIPS_OUTER_UPPER[-2])
# The opening's inner corners (the inner lip lines' ends), subject's right, left.
INNER_MOUTH_CORNERS = (LIPS_INNER_UPPER[0], LIPS_INNER_UPPER[-1])
CHIN_BOTTOM = 152  # the chin's lowest point, on FACE_OVAL


def height_along(x_query: np.ndarray | float, x_pts: np.ndarray, y_pts: np.ndarray) -> np.ndarray:
    """y of the polyline through the points (`x_pts`, `y_pts`), taken in order of x (a contour's
    landmarks need not run left to right), at each `x_query`; held flat past its ends (np.interp)."""
    order = np.argsort(x_pts)
    return np.interp(x_query, x_pts[order], y_pts[order])


def eye_centres(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(subject's right, left) eye centres, (2,) each: the mean of each eye's lid margins in the
    (478, 2+) landmarks `pts`."""
    right = pts[list(RIGHT_EYE_UPPER + RIGHT_EYE_LOWER), :2].mean(axis=0)
    left = pts[list(LEFT_EYE_UPPER + LEFT_EYE_LOWER), :2].mean(axis=0)
    return right, left


@dataclass(frozen=True, eq=False)
class DetectedFace:
    """One face found in a photo.

    landmarks_px: (478, 3) float32; x, y in image pixels, z in pixels (negative = nearer the camera).
    """

    landmarks_px: np.ndarray

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the face oval, in pixels."""
        oval = self.landmarks_px[list(FACE_OVAL), :2]
        x0, y0 = oval.min(axis=0)
        x1, y1 = oval.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)

    @property
    def size_px(self) -> float:
        """Face size: the larger side of the face-oval box, in pixels."""
        x0, y0, x1, y1 = self.bbox
        return max(x1 - x0, y1 - y0)
