"""Photo -> FaceAnalysis: find the face, frame it, build its appearance model."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from facetalk.config import FramingConfig
from facetalk.face.appearance import Appearance, build_appearance
from facetalk.face.expression import estimate_expression
from facetalk.face.framing import CropBox, apply_crop, face_crop_box, full_box
from facetalk.face.glasses import EyesShown, Glasses, eyes_shown, find_glasses
from facetalk.face.lips import refine_inner_lips
from facetalk.face.detect import select_face
from facetalk.face.mesh import FaceDetector, Segmenter, shared_face_models
from facetalk.face.rig import FaceRig, build_rig
from facetalk.face.surround import Surround, build_surround
from facetalk.params import PhotoExpression


@dataclass(frozen=True, eq=False)
class FaceAnalysis:
    """Everything known about one photo, computed once.

    image: (H, W, 3) uint8 RGB, the framed photo the video is made from.
    landmarks_px: (478, 3) float32 landmarks in `image` pixels (z in pixels, negative = nearer);
        the inner lips of a parted mouth moved to its visible lip edge (face.lips).
    crop: where `image` came from in the original photo.
    rig: the mesh and motion bases.
    appearance: the layers rendered through the rig (texture, background plate, matte, irises).
    n_faces: how many faces the photo holds.
    expression: the photo's own expression (smile, parted lips, head turn, how far the lids cover the iris),
        which emotions undo or respect.
    surround: the photo around the frame, shown when the camera moves away (distance > 1).
    glasses: the spectacle frames' mask, drawn rigidly with the head; None without glasses.
    eyes: which eyes show; one behind an opaque lens (sunglasses) is left as photographed: its iris
        stays in the texture, the rig moves nothing of it and no lid or iris is drawn over it.
    """

    image: np.ndarray
    landmarks_px: np.ndarray
    crop: CropBox
    rig: FaceRig
    appearance: Appearance
    n_faces: int
    expression: PhotoExpression = PhotoExpression()
    surround: Surround | None = None
    glasses: Glasses | None = None
    eyes: EyesShown = EyesShown()


def analyse_face(photo: np.ndarray, *, framing: FramingConfig, source: str = "photo",
                 detector: FaceDetector | None = None, segmenter: Segmenter | None = None) -> FaceAnalysis:
    """Finds the face in an (H, W, 3) uint8 photo, frames it and builds its rig. `detector` and
    `segmenter` default to the process's shared ones (face.mesh.shared_face_models: each loaded at
    the first analysis that needs it and kept for later photos); given ones are left open. The
    segmenter is called from two threads at once (the surround is built on a second one)."""
    if detector is None:
        detector = shared_face_models().detector
    if segmenter is None:
        segmenter = shared_face_models().segmenter
    # 1. Find faces; pick the largest (or the one asked for).
    faces = detector.detect(photo)
    face = select_face(faces, face_index=framing.face_index, source=source, min_face_px=framing.min_face_px)
    # 2. Frame it.
    box = full_box(photo.shape[:2]) if framing.crop == "full" else face_crop_box(
        photo.shape[:2], face.bbox, margin=framing.margin)
    image = apply_crop(photo, box, size=framing.size)
    # The surround needs only the photo and the frame's box: it is built on a second thread while
    # the rest is (its NumPy and OpenCV work leaves the interpreter lock), so on two cores its
    # ~0.3 s overlaps the landmarks, appearance and rig (each reads the models, which allow it).
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="surround")
    try:
        surround = pool.submit(build_surround, photo, box, frame_hw=image.shape[:2], segmenter=segmenter,
                               face_bbox=face.bbox)
        # 3. Landmarks at the output resolution: detect again on the framed image (sharper).
        scale = image.shape[1] / box.width
        mapped = (face.landmarks_px - np.array([box.x0, box.y0, 0], np.float32)) * scale
        detected = _landmarks_again(image, mapped=mapped, detector=detector)
        # The inner lips at the photo's visible lip edge (MediaPipe's lie on the teeth of a smile):
        # the rig closes the lips there. The expression keeps the detector's landmarks, which its
        # thresholds were measured on.
        landmarks = refine_inner_lips(image, detected)
        # 4. The appearance model: image layers, and the mesh rig (whose neck ends at the shoulders).
        eyes = eyes_shown(image, landmarks)
        appearance = _irises_kept(build_appearance(image, landmarks, segmenter=segmenter), image=image, eyes=eyes)
        # Spectacle frames stay rigid; the rig must not lift the skin filled in under them.
        glasses = find_glasses(image, landmarks)
        frames_mask = None if glasses is None else glasses.full_mask(image.shape)
        rig = build_rig(landmarks, person_alpha=appearance.person_alpha, frames_mask=frames_mask,
                        hidden_eyes=eyes.hidden_sides)
        surround_built = surround.result()
    except BaseException:
        # An error here (or Ctrl-C) is raised now, not after the surround finishes: its thread is
        # left to end on its own, its result unused.
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return FaceAnalysis(image=image, landmarks_px=landmarks.astype(np.float32), crop=box, rig=rig,
                        appearance=appearance, n_faces=len(faces), expression=estimate_expression(detected),
                        surround=surround_built, glasses=glasses, eyes=eyes)


def _landmarks_again(image: np.ndarray, *, mapped: np.ndarray, detector: FaceDetector) -> np.ndarray:
    """(478, 3) landmarks of the framed `image`: the detector's on it where it finds the face the
    photo's `mapped` landmarks (in `image` pixels) show, else those (the crop confused it)."""
    again = detector.detect(image)
    if again:
        nearest = min(again, key=lambda f: np.abs(f.landmarks_px[:, :2] - mapped[:, :2]).mean())
        if np.abs(nearest.landmarks_px[:, :2] - mapped[:, :2]).mean() < 0.05 * image.shape[1]:
            return nearest.landmarks_px
    return mapped


def _irises_kept(appearance: Appearance, *, image: np.ndarray, eyes: EyesShown) -> Appearance:
    """`appearance` with the photo put back in the texture where a hidden eye's iris was cut out
    (its sprite's box: the iris refill writes nowhere else), as no iris is drawn over it."""
    if eyes.left and eyes.right:
        return appearance
    texture = appearance.texture.copy()
    for sprite, shown in zip(appearance.eyes, (eyes.left, eyes.right)):
        if not shown:
            x0, y0 = sprite.origin_xy.astype(int)
            h, w = sprite.rgb.shape[:2]
            x1, y1, x0, y0 = x0 + w, y0 + h, max(x0, 0), max(y0, 0)  # a negative start would slice from the end
            texture[y0:y1, x0:x1] = image[y0:y1, x0:x1]
    return replace(appearance, texture=texture)
