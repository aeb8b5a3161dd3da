"""Faces at any scale: a tiled, multi-scale search for small faces in large, wide and group
photos, the face chosen to animate, and the error when there is none. The models that run inside
(a full-range face detector, a face mesh) come from face.mesh."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from facetalk.errors import InputError, NoFaceError
from facetalk.face.landmarks import DetectedFace

log = logging.getLogger(__name__)

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


class FaceFinder:
    """The search for faces at any scale, whatever runs the models: subclasses give `_find` (face
    boxes in one tile, from a full-range detector) and `_mesh_faces` (meshes of the faces a whole
    image shows, from a face-mesh model), and `close`."""

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

    def _find(self, tile: np.ndarray) -> list[FaceBox]:
        raise NotImplementedError

    def _mesh_faces(self, image: np.ndarray) -> list[DetectedFace]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self):
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
            raise InputError(f"face index {face_index} is out of range: '{source}' has "
                             f"{len(faces)} face(s), numbered 0 (largest) to {len(faces) - 1}")
        chosen = faces[face_index]
    else:
        chosen = faces[0]
    if len(faces) > 1:
        log.info("'%s' has %d faces; animating face %d (%.0f px), largest first; "
                 "a face index picks another", source, len(faces), faces.index(chosen), chosen.size_px)
    if chosen.size_px < min_face_px:
        raise InputError(f"the face in '{source}' is {chosen.size_px:.0f} px, under the "
                         f"{min_face_px:.0f} px minimum: use a larger or closer photo")
    return chosen
