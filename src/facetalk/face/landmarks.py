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


# The tiled search for small faces: MediaPipe's full-range detector sees a 192 px input, so a
# photo is searched in SEARCH_TILE_PX tiles (a 64 px face is then ~24 px to it) at every scale
# from the whole photo down to full resolution, and the face mesh runs on a crop around each find.
SEARCH_TILE_PX = 512
SEARCH_OVERLAP = 0.25
MESH_CROP_PX = 384    # the crop around a found face, resized to this side for the mesh
MESH_CROP_FACES = 2.2  # crop side in detector boxes


@dataclass(frozen=True)
class FaceBox:
    """A face the detector found: (x0, y0, x1, y1) in photo pixels, and its score 0..1."""

    box: tuple[float, float, float, float]
    score: float

    @property
    def side(self) -> float:
        return max(self.box[2] - self.box[0], self.box[3] - self.box[1])


class FaceMeshDetector:
    """Loads MediaPipe's legacy face mesh and full-range face detector once; `detect` may then be
    called many times."""

    def __init__(self, *, max_faces: int = 5, min_confidence: float = 0.5):
        os.environ.setdefault("GLOG_minloglevel", "2")
        with _quiet_stderr():
            from mediapipe.python.solutions import face_detection, face_mesh

            self._mesh = face_mesh.FaceMesh(
                static_image_mode=True,
                max_num_faces=max_faces,
                refine_landmarks=True,
                min_detection_confidence=min_confidence,
            )
            self._finder = face_detection.FaceDetection(model_selection=1, min_detection_confidence=min_confidence)

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        """All faces in an (H, W, 3) uint8 RGB image, largest first: those the face mesh finds in
        the whole image, then those a tiled, multi-scale search finds (small faces in large or
        wide photos, group photos), each meshed on a crop around it."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 image, got {image.shape} {image.dtype}")
        faces = self._mesh_faces(image)
        for found in self.search(image):
            if any(_overlap(found.box, face.bbox) > 0.3 for face in faces):
                continue
            face = self._mesh_crop(image, found)
            if face is not None and not any(_overlap(face.bbox, f.bbox) > 0.3 for f in faces):
                faces.append(face)
        faces.sort(key=lambda f: f.size_px, reverse=True)
        return faces

    def search(self, image: np.ndarray) -> list[FaceBox]:
        """Face boxes from the full-range detector over tiles at every scale, overlaps merged."""
        import cv2

        h, w = image.shape[:2]
        found: list[FaceBox] = []
        scale = min(1.0, SEARCH_TILE_PX / max(h, w))
        while True:
            level = image if scale == 1.0 else cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))),
                                                          interpolation=cv2.INTER_AREA)
            for x0, y0, tile in _tiles(level):
                for box in self._find(tile):
                    bx0, by0, bx1, by1 = box.box
                    found.append(FaceBox(((bx0 + x0) / scale, (by0 + y0) / scale, (bx1 + x0) / scale,
                                          (by1 + y0) / scale), box.score))
            if scale >= 1.0:
                break
            scale = min(1.0, 2.0 * scale)
        return _merge(found)

    def _find(self, tile: np.ndarray) -> list[FaceBox]:
        th, tw = tile.shape[:2]
        with _quiet_stderr():
            result = self._finder.process(np.ascontiguousarray(tile))
        boxes = []
        for det in result.detections or ():
            rel = det.location_data.relative_bounding_box
            boxes.append(FaceBox((rel.xmin * tw, rel.ymin * th, (rel.xmin + rel.width) * tw,
                                  (rel.ymin + rel.height) * th), float(det.score[0])))
        return boxes

    def _mesh_faces(self, image: np.ndarray) -> list[DetectedFace]:
        h, w = image.shape[:2]
        with _quiet_stderr():
            result = self._mesh.process(np.ascontiguousarray(image))
        faces = []
        for face in result.multi_face_landmarks or ():
            pts = np.array([(p.x, p.y, p.z) for p in face.landmark], dtype=np.float32)
            # MediaPipe normalises x by width, y by height, and z on the same scale as x.
            pts *= np.array([w, h, w], dtype=np.float32)
            faces.append(DetectedFace(landmarks_px=pts))
        return faces

    def _mesh_crop(self, image: np.ndarray, found: FaceBox) -> DetectedFace | None:
        """The mesh of the face in `found`, run on a square crop around it at MESH_CROP_PX."""
        import cv2

        x0, y0, x1, y1 = found.box
        side = MESH_CROP_FACES * found.side
        cx, cy = 0.5 * (x0 + x1), 0.5 * (y0 + y1)
        left, top = int(round(cx - side / 2)), int(round(cy - side / 2))
        size = int(round(side))
        h, w = image.shape[:2]
        # Pad where the crop leaves the photo, so the face stays centred at a known scale.
        patch = cv2.copyMakeBorder(image[max(top, 0):top + size, max(left, 0):left + size],
                                   max(-top, 0), max(0, top + size - h), max(-left, 0), max(0, left + size - w),
                                   cv2.BORDER_REPLICATE)
        scale = MESH_CROP_PX / size
        crop = cv2.resize(patch, (MESH_CROP_PX, MESH_CROP_PX),
                          interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
        faces = self._mesh_faces(crop)
        if not faces:
            return None
        centre = np.array([MESH_CROP_PX / 2, MESH_CROP_PX / 2])
        nearest = min(faces, key=lambda f: np.linalg.norm(f.landmarks_px[:, :2].mean(axis=0) - centre))
        pts = nearest.landmarks_px / scale + np.array([left, top, 0], np.float32)
        return DetectedFace(landmarks_px=pts.astype(np.float32))

    def close(self) -> None:
        self._mesh.close()
        self._finder.close()

    def __enter__(self) -> "FaceMeshDetector":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _tiles(image: np.ndarray):
    """(x0, y0, tile) covering `image` with SEARCH_TILE_PX tiles overlapping by SEARCH_OVERLAP."""
    h, w = image.shape[:2]
    stride = int(SEARCH_TILE_PX * (1 - SEARCH_OVERLAP))

    def starts(n: int) -> list[int]:
        if n <= SEARCH_TILE_PX:
            return [0]
        return sorted(set(list(range(0, n - SEARCH_TILE_PX, stride)) + [n - SEARCH_TILE_PX]))

    for y0 in starts(h):
        for x0 in starts(w):
            yield x0, y0, image[y0:y0 + SEARCH_TILE_PX, x0:x0 + SEARCH_TILE_PX]


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Intersection over the smaller box's area (a face found twice, at two scales, overlaps ~1)."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return ix * iy / smaller if smaller > 0 else 0.0


def _merge(boxes: list[FaceBox]) -> list[FaceBox]:
    """One box per face: the best-scoring of those that overlap."""
    kept: list[FaceBox] = []
    for box in sorted(boxes, key=lambda b: b.score, reverse=True):
        if all(_overlap(box.box, k.box) <= 0.3 for k in kept):
            kept.append(box)
    return kept


def no_face_error(source: str) -> NoFaceError:
    return NoFaceError(f"no face found in '{source}' (searched the whole photo and, in {SEARCH_TILE_PX} px tiles, "
                       "for faces down to 64 px); if it shows a face, crop the photo closer around it")


def select_face(faces: list[DetectedFace], *, face_index: int | None, source: str,
                min_face_px: float = 64.0) -> DetectedFace:
    """Pick the face to animate: the largest unless `face_index` (0 = largest) says otherwise."""
    if not faces:
        raise no_face_error(source)
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
