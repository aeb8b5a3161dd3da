"""MediaPipe face mesh (478 refined 3D landmarks) and the index sets facetalk uses.

Index lists are ordered contours of MediaPipe's canonical face mesh topology.
"Left"/"right" are the subject's: the subject's left eye appears on the image's right.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass

import numpy as np

from facetalk.errors import InputError, NoFaceError

log = logging.getLogger(__name__)

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
MOUTH_CORNERS = (61, 291)  # subject's right, left


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


@contextlib.contextmanager
def _quiet_stderr():
    """TFLite/glog print INFO lines straight to fd 2; keep the user's terminal clean."""
    try:
        fd = os.dup(2)
    except OSError:  # no stderr at all
        yield
        return
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(fd, 2)
            os.close(fd)


class FaceMeshDetector:
    """Loads MediaPipe's legacy face mesh once; `detect` may then be called many times."""

    def __init__(self, *, max_faces: int = 5, min_confidence: float = 0.5):
        os.environ.setdefault("GLOG_minloglevel", "2")
        with _quiet_stderr():
            from mediapipe.python.solutions import face_mesh

            self._mesh = face_mesh.FaceMesh(
                static_image_mode=True,
                max_num_faces=max_faces,
                refine_landmarks=True,
                min_detection_confidence=min_confidence,
            )

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        """All faces in an (H, W, 3) uint8 RGB image, largest first."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 image, got {image.shape} {image.dtype}")
        h, w = image.shape[:2]
        with _quiet_stderr():
            result = self._mesh.process(np.ascontiguousarray(image))
        faces = []
        for face in result.multi_face_landmarks or ():
            pts = np.array([(p.x, p.y, p.z) for p in face.landmark], dtype=np.float32)
            # MediaPipe normalises x by width, y by height, and z on the same scale as x.
            pts *= np.array([w, h, w], dtype=np.float32)
            faces.append(DetectedFace(landmarks_px=pts))
        faces.sort(key=lambda f: f.size_px, reverse=True)
        return faces

    def close(self) -> None:
        self._mesh.close()

    def __enter__(self) -> "FaceMeshDetector":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def select_face(faces: list[DetectedFace], *, face_index: int | None, source: str,
                min_face_px: float = 64.0) -> DetectedFace:
    """Pick the face to animate: the largest unless `face_index` (0 = largest) says otherwise."""
    if not faces:
        raise NoFaceError(f"no face found in '{source}'")
    if face_index is not None:
        if not 0 <= face_index < len(faces):
            raise InputError(f"--face-index {face_index} is out of range: '{source}' has "
                             f"{len(faces)} face(s), numbered 0 (largest) to {len(faces) - 1}")
        chosen = faces[face_index]
    else:
        chosen = faces[0]
    if len(faces) > 1:
        log.info("'%s' has %d faces; animating face %d (%.0f px), largest first; "
                 "--face-index picks another", source, len(faces), faces.index(chosen), chosen.size_px)
    if chosen.size_px < min_face_px:
        raise InputError(f"the face in '{source}' is {chosen.size_px:.0f} px, under the "
                         f"{min_face_px:.0f} px minimum: use a larger or closer photo")
    return chosen
