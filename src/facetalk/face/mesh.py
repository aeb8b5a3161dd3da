"""MediaPipe's face detector, attention face mesh and selfie segmentation, run by onnxruntime.

The models are MediaPipe 0.10.21's own (Apache-2.0), converted once to ONNX by
`scripts/convert_mediapipe_models.py` and shipped in `facetalk/data/models/` (model card:
docs/models/mediapipe.md). This module re-implements, in numpy and OpenCV, what MediaPipe's
calculator graphs do around them, so that mediapipe (which pins numpy<2, protobuf<5 and
OpenCV 4.11) is not needed at run time:

- detection (face_detection.pbtxt): the image letterboxed into the model's square input, SSD anchors,
  box and keypoint decoding, weighted non-maximum suppression, projection back to the image;
- the mesh ROI (face_detection_front_detection_to_roi.pbtxt): the detection box squared, scaled 1.5x
  and rotated so the eyes are level;
- the mesh (face_landmark_cpu.pbtxt, tensors_to_face_landmarks_with_attention.pbtxt): the rotated
  crop, the 468-point mesh refined by the lip, eye and iris heads into 478 points, projected back;
- segmentation (selfie_segmentation_cpu.pbtxt): the stretched 256 x 256 input and the mask resized back.

`FaceMeshDetector` (faces at any scale, with face.detect's search) and `PersonSegmenter` (the
person matte) load their models in the constructors, never at import; analysis takes them as
arguments typed by the `FaceDetector` and `Segmenter` protocols, so tests can give small fakes
(tests/fakes.py).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol, TypeVar

import numpy as np

from facetalk.face.detect import FaceBox, FaceFinder
from facetalk.face.landmarks import N_LANDMARKS, DetectedFace


class FaceDetector(Protocol):
    """What analysis asks of a face detector: FaceMeshDetector, or any object with these methods."""

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        """All faces in an (H, W, 3) uint8 RGB image, largest first."""

    def close(self) -> None: ...


class Segmenter(Protocol):
    """What analysis asks of a person segmenter: PersonSegmenter, or any object with these methods.
    An analysis calls `alpha` from two threads at once (the surround is built on a second thread),
    so an injected segmenter's `alpha` must allow that."""

    def alpha(self, image: np.ndarray) -> np.ndarray:
        """(H, W) float32 person matte 0..1 of an (H, W, 3) uint8 RGB image."""

    def close(self) -> None: ...


MODELS_DIR = Path(__file__).resolve().parent.parent / "data" / "models"
SHORT_RANGE_MODEL = "face_detection_short_range.onnx"
FULL_RANGE_MODEL = "face_detection_full_range.onnx"
MESH_MODEL = "face_landmark_with_attention.onnx"
SEGMENTATION_MODEL = "selfie_segmentation.onnx"

MESH_INPUT_PX = 192
SEGMENTATION_INPUT_PX = 256
MESH_ROI_SCALE = 1.5  # the mesh crop's side in (longer) detection-box sides
NMS_MIN_IOU = 0.3  # detections overlapping more than this are merged
SCORE_CLIP = 100.0  # raw logits are clipped to +-this before the sigmoid

# Where the attention model's lip, eye and iris heads go in the 478-point mesh
# (LandmarksRefinementCalculator in tensors_to_face_landmarks_with_attention.pbtxt). "Right" and
# "left" are the subject's, as in landmarks.py: the model's "left eye" head is the subject's right.
LIPS_REFINED = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 185, 40, 39, 37, 0, 267, 269, 270, 409, 78,
                95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 191, 80, 81, 82, 13, 312, 311, 310, 415, 76, 77, 90,
                180, 85, 16, 315, 404, 320, 307, 306, 184, 74, 73, 72, 11, 302, 303, 304, 408, 62, 96, 89, 179, 86,
                15, 316, 403, 319, 325, 292, 183, 42, 41, 38, 12, 268, 271, 272, 407)
RIGHT_EYE_REFINED = (33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173, 130, 25, 110,
                     24, 23, 22, 26, 112, 243, 247, 30, 29, 27, 28, 56, 190, 226, 31, 228, 229, 230, 231, 232, 233,
                     244, 113, 225, 224, 223, 222, 221, 189, 35, 124, 46, 53, 52, 65, 143, 111, 117, 118, 119, 120,
                     121, 128, 245, 156, 70, 63, 105, 66, 107, 55, 193)
LEFT_EYE_REFINED = (263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398, 359, 255, 339,
                    254, 253, 252, 256, 341, 463, 467, 260, 259, 257, 258, 286, 414, 446, 261, 448, 449, 450, 451,
                    452, 453, 464, 342, 445, 444, 443, 442, 441, 413, 265, 353, 276, 283, 282, 295, 372, 340, 346,
                    347, 348, 349, 350, 357, 465, 383, 300, 293, 334, 296, 336, 285, 417)
RIGHT_IRIS_REFINED = (468, 469, 470, 471, 472)
LEFT_IRIS_REFINED = (473, 474, 475, 476, 477)
# An iris gets the mean depth of its eye's lid contour (the iris head predicts x, y only).
RIGHT_IRIS_Z_FROM = (33, 7, 163, 144, 145, 153, 154, 155, 133, 246, 161, 160, 159, 158, 157, 173)
LEFT_IRIS_Z_FROM = (263, 249, 390, 373, 374, 380, 381, 382, 362, 466, 388, 387, 386, 385, 384, 398)


@dataclass(frozen=True)
class SsdSpec:
    """One BlazeFace detector's model input and anchor layout (face_detection_*_range.pbtxt).

    input_px: square model input side; strides: one per anchor layer (consecutive equal strides share
    a grid, each layer adding anchors per cell); anchors_per_layer: 2 with the interpolated-scale
    anchor, else 1; min_score: the graph's own score threshold; coord_scale_px: raw box/keypoint
    offsets are in these units of the input.
    """

    model_file: str
    input_px: int
    strides: tuple[int, ...]
    anchors_per_layer: int
    min_score: float

    @property
    def coord_scale_px(self) -> float:
        return float(self.input_px)


SHORT_RANGE = SsdSpec(model_file=SHORT_RANGE_MODEL, input_px=128, strides=(8, 16, 16, 16), anchors_per_layer=2,
                      min_score=0.5)
FULL_RANGE = SsdSpec(model_file=FULL_RANGE_MODEL, input_px=192, strides=(4,), anchors_per_layer=1, min_score=0.6)


@dataclass(frozen=True, eq=False)
class FaceDetection:
    """One face from a BlazeFace detector, in image pixels.

    box_px: (x0, y0, x1, y1); keypoints_px: (6, 2) float32 x, y of the subject's right eye, left eye,
    nose tip, mouth centre, right ear tragion, left ear tragion; score: 0..1.
    """

    box_px: tuple[float, float, float, float]
    keypoints_px: np.ndarray
    score: float


@dataclass(frozen=True)
class RotatedRoi:
    """A rotated rectangle in image pixels: centre (x, y), size (width, height), rotation in radians
    (counter-clockwise in the image as shown, i.e. clockwise in y-down pixel coordinates)."""

    centre_px: tuple[float, float]
    size_px: tuple[float, float]
    rotation_rad: float


def load_session(path: Path, *, threads: int = 0):
    """An onnxruntime CPU session for one model file (threads 0 = onnxruntime's default)."""
    import onnxruntime as ort

    if not path.is_file():
        raise FileNotFoundError(f"model file missing: {path} (run scripts/convert_mediapipe_models.py)")
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    # Its other threads sleep between runs rather than spin: spinning, they held a core an analysis
    # wanted for the surround's thread, or others on a shared machine did (process CPU of an
    # analysis 0.81 -> 0.57 s, out/perf1/ab_spin.txt); the answers are the same.
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(str(path), sess_options=opts, providers=["CPUExecutionProvider"])


class ModelSession:
    """One model's onnxruntime session and its single input, owned by `owner` (a class name, for
    the error): closed, it refuses to run in a line instead of failing deep in a later call."""

    def __init__(self, path: Path, *, owner: str, threads: int = 0):
        self._owner = owner
        self._session = load_session(path, threads=threads)
        self._input = self._session.get_inputs()[0].name

    @property
    def closed(self) -> bool:
        return self._session is None

    def run(self, tensor: np.ndarray) -> list[np.ndarray]:
        """The model's outputs for one float32 input `tensor`."""
        session = self._session
        if session is None:
            raise RuntimeError(f"{self._owner} is closed")
        return session.run(None, {self._input: tensor})

    def close(self) -> None:
        self._session = None


def crop_rotated(image: np.ndarray, roi: RotatedRoi, *, out_w: int, out_h: int, replicate: bool) -> np.ndarray:
    """The (out_h, out_w, 3) uint8 crop of `roi`, as MediaPipe's ImageToTensorCalculator samples it
    (bilinear perspective warp of the box corners; zero or replicated border)."""
    import cv2

    angle_deg = roi.rotation_rad * 180.0 / math.pi
    src = cv2.boxPoints((roi.centre_px, roi.size_px, angle_deg)).astype(np.float32)
    dst = np.array([[0, out_h], [0, 0], [out_w, 0], [out_w, out_h]], np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    border = cv2.BORDER_REPLICATE if replicate else cv2.BORDER_CONSTANT
    return cv2.warpPerspective(image, matrix, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=border,
                               borderValue=0)


def ssd_anchor_centres(spec: SsdSpec) -> np.ndarray:
    """(N, 2) float32 anchor centres (x, y) in 0..1 of the model input, in the model's output order.
    Fixed-size anchors: every anchor is 1 x 1, so only centres matter."""
    centres = []
    layer = 0
    while layer < len(spec.strides):
        stride = spec.strides[layer]
        repeat = 0
        while layer < len(spec.strides) and spec.strides[layer] == stride:
            repeat += spec.anchors_per_layer
            layer += 1
        cells = math.ceil(spec.input_px / stride)
        ys, xs = np.meshgrid(np.arange(cells), np.arange(cells), indexing="ij")
        grid = np.stack([(xs.ravel() + 0.5) / cells, (ys.ravel() + 0.5) / cells], axis=1)
        centres.append(np.repeat(grid, repeat, axis=0))
    return np.concatenate(centres).astype(np.float32)


def _iou(box: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """IoU of one (4,) x0, y0, x1, y1 box with each of (N, 4) boxes."""
    ix = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0, None)
    iy = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0, None)
    inter = ix * iy
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    union = area + areas - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


def weighted_nms(boxes: np.ndarray, keypoints: np.ndarray, scores: np.ndarray
                 ) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """MediaPipe's WEIGHTED non-maximum suppression: the best detection absorbs every remaining one
    overlapping it by IoU > NMS_MIN_IOU, its box and keypoints becoming their score-weighted mean.

    boxes: (N, 4) x0, y0, x1, y1; keypoints: (N, K, 2); scores: (N,). Returns (box, keypoints,
    score) best first, the score being the best member's."""
    order = np.argsort(-scores, kind="stable")
    remaining = order
    merged = []
    while remaining.size:
        best = remaining[0]
        overlap = _iou(boxes[best], boxes[remaining]) > NMS_MIN_IOU
        members = remaining[overlap]
        weights = scores[members]
        box = (boxes[members] * weights[:, None]).sum(axis=0) / weights.sum()
        kps = (keypoints[members] * weights[:, None, None]).sum(axis=0) / weights.sum()
        merged.append((box, kps, float(scores[best])))
        remaining = remaining[~overlap]
    return merged


class BlazeFaceDetector:
    """One of MediaPipe's BlazeFace face detectors (short range: faces filling much of the photo;
    full range: faces down to ~1/20 of it), run by onnxruntime."""

    def __init__(self, *, spec: SsdSpec, min_score: float = 0.5, models_dir: Path = MODELS_DIR, threads: int = 0):
        self.spec = spec
        self.min_score = min_score
        self._session = ModelSession(models_dir / spec.model_file, owner=type(self).__name__, threads=threads)
        self._anchors = ssd_anchor_centres(spec)

    def detect(self, image: np.ndarray) -> list[FaceDetection]:
        """Faces in an (H, W, 3) uint8 RGB image, best score first."""
        h, w = image.shape[:2]
        side = float(max(h, w))  # the letterbox: the image centred in a zero-padded square
        roi = RotatedRoi(centre_px=(w / 2.0, h / 2.0), size_px=(side, side), rotation_rad=0.0)
        n = self.spec.input_px
        crop = crop_rotated(image, roi, out_w=n, out_h=n, replicate=False)
        tensor = (crop.astype(np.float32) * (2.0 / 255.0) - 1.0)[None]
        raw_boxes, raw_scores = self._session.run(tensor)
        boxes, keypoints, scores = self._decode(raw_boxes[0], raw_scores[0, :, 0])
        origin = np.array([w / 2.0 - side / 2.0, h / 2.0 - side / 2.0], np.float32)
        found = []
        for box, kps, score in weighted_nms(boxes, keypoints, scores):
            box_px = box.reshape(2, 2) * side + origin
            found.append(FaceDetection(box_px=tuple(float(v) for v in box_px.ravel()),
                                       keypoints_px=(kps * side + origin).astype(np.float32), score=score))
        return found

    def _decode(self, raw: np.ndarray, logits: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(N, 16) raw offsets, (N,) logits -> boxes (M, 4), keypoints (M, 6, 2) in 0..1 of the
        model input, scores (M,), for the M anchors scoring at least min_score."""
        scores = 1.0 / (1.0 + np.exp(-np.clip(logits.astype(np.float64), -SCORE_CLIP, SCORE_CLIP)))
        keep = scores >= self.min_score
        raw, scores, anchors = raw[keep] / self.spec.coord_scale_px, scores[keep], self._anchors[keep]
        centre = raw[:, 0:2] + anchors
        half = raw[:, 2:4] / 2.0
        boxes = np.concatenate([centre - half, centre + half], axis=1)
        keypoints = raw[:, 4:16].reshape(-1, 6, 2) + anchors[:, None, :]
        return boxes, keypoints, scores

    @property
    def closed(self) -> bool:
        return self._session.closed

    def close(self) -> None:
        self._session.close()


def mesh_roi(face: FaceDetection) -> RotatedRoi:
    """The face mesh's input crop for a detection: the box squared on its longer side, scaled by
    MESH_ROI_SCALE, rotated so the line from the subject's right eye to the left eye is level."""
    x0, y0, x1, y1 = face.box_px
    (rx, ry), (lx, ly) = face.keypoints_px[0], face.keypoints_px[1]
    rotation = _normalize_radians(-math.atan2(-(ly - ry), lx - rx))
    side = MESH_ROI_SCALE * max(x1 - x0, y1 - y0)
    return RotatedRoi(centre_px=((x0 + x1) / 2.0, (y0 + y1) / 2.0), size_px=(side, side), rotation_rad=rotation)


def _normalize_radians(angle: float) -> float:
    return angle - 2.0 * math.pi * math.floor((angle + math.pi) / (2.0 * math.pi))


@dataclass(frozen=True, eq=False)
class MeshHeads:
    """The attention mesh model's outputs for one crop, in crop pixels (0..MESH_INPUT_PX).

    mesh: (468, 3); lips: (80, 2); right_eye, left_eye: (71, 2); right_iris, left_iris: (5, 2)
    (subject's sides); presence: face-presence probability 0..1."""

    mesh: np.ndarray
    lips: np.ndarray
    right_eye: np.ndarray
    left_eye: np.ndarray
    right_iris: np.ndarray
    left_iris: np.ndarray
    presence: float


def refine(heads: MeshHeads) -> np.ndarray:
    """(478, 3) float32 crop-pixel landmarks: the mesh with its lip and eye points replaced by the
    dedicated heads' x, y (depth kept) and the iris points appended at their eye's mean depth."""
    out = np.zeros((N_LANDMARKS, 3), np.float32)
    out[:468] = heads.mesh
    for idx, pts in ((LIPS_REFINED, heads.lips), (RIGHT_EYE_REFINED, heads.right_eye),
                     (LEFT_EYE_REFINED, heads.left_eye)):
        out[list(idx), :2] = pts
    for idx, pts, z_from in ((RIGHT_IRIS_REFINED, heads.right_iris, RIGHT_IRIS_Z_FROM),
                             (LEFT_IRIS_REFINED, heads.left_iris, LEFT_IRIS_Z_FROM)):
        out[list(idx), :2] = pts
        out[list(idx), 2] = out[list(z_from), 2].mean()
    return out


def project(points_crop_px: np.ndarray, roi: RotatedRoi) -> np.ndarray:
    """(N, 3) crop-pixel landmarks -> image pixels: un-rotated about and shifted to the ROI centre;
    depth scaled like x (MediaPipe's LandmarkProjectionCalculator)."""
    scale = roi.size_px[0] / MESH_INPUT_PX
    u = points_crop_px[:, 0] / MESH_INPUT_PX - 0.5
    v = points_crop_px[:, 1] / MESH_INPUT_PX - 0.5
    c, s = math.cos(roi.rotation_rad), math.sin(roi.rotation_rad)
    out = np.empty_like(points_crop_px, dtype=np.float32)
    out[:, 0] = roi.centre_px[0] + roi.size_px[0] * (c * u - s * v)
    out[:, 1] = roi.centre_px[1] + roi.size_px[1] * (s * u + c * v)
    out[:, 2] = points_crop_px[:, 2] * scale
    return out


class AttentionMesh:
    """MediaPipe's face mesh with attention (478 refined landmarks) on a rotated crop."""

    def __init__(self, *, models_dir: Path = MODELS_DIR, min_presence: float = 0.5, threads: int = 0):
        self.min_presence = min_presence
        self._session = ModelSession(models_dir / MESH_MODEL, owner=type(self).__name__, threads=threads)

    def heads(self, image: np.ndarray, roi: RotatedRoi) -> MeshHeads:
        n = MESH_INPUT_PX
        crop = crop_rotated(image, roi, out_w=n, out_h=n, replicate=True)
        out = self._session.run((crop.astype(np.float32) / 255.0)[None])
        mesh, lips, right_eye, left_eye, right_iris, left_iris, flag = (o.reshape(-1) for o in out)
        return MeshHeads(mesh=mesh.reshape(468, 3), lips=lips.reshape(80, 2), right_eye=right_eye.reshape(71, 2),
                         left_eye=left_eye.reshape(71, 2), right_iris=right_iris.reshape(5, 2),
                         left_iris=left_iris.reshape(5, 2), presence=float(1.0 / (1.0 + np.exp(-flag[0]))))

    def landmarks(self, image: np.ndarray, roi: RotatedRoi) -> np.ndarray | None:
        """(478, 3) float32 image-pixel landmarks of the face in `roi`, or None if the model says
        the crop holds no face."""
        heads = self.heads(image, roi)
        if heads.presence < self.min_presence:
            return None
        return project(refine(heads), roi)

    @property
    def closed(self) -> bool:
        return self._session.closed

    def close(self) -> None:
        self._session.close()


class FaceMeshDetector(FaceFinder):
    """Faces and their 478-point meshes: face.detect's search (whole photo, then tiles at every scale
    for small faces) with MediaPipe's own models under onnxruntime. The face mesh runs on the
    short-range detector's faces, the tiled search uses the full-range detector, as in MediaPipe's
    FaceMesh and FaceDetection(model_selection=1). Models load here; `detect` may then be called
    many times."""

    def __init__(self, *, max_faces: int = 5, min_confidence: float = 0.5, models_dir: Path = MODELS_DIR,
                 threads: int = 0):
        self.max_faces = max_faces
        self._near = BlazeFaceDetector(spec=SHORT_RANGE, min_score=min_confidence, models_dir=models_dir,
                                       threads=threads)
        # MediaPipe 0.10.21's FaceDetection solution does not pass min_detection_confidence on to its
        # graph (measured: scores below 0.6 never come back, whatever it is set to), so the full-range
        # search keeps the graph's own 0.6 unless a stricter threshold is asked for.
        self._far = BlazeFaceDetector(spec=FULL_RANGE, min_score=max(min_confidence, FULL_RANGE.min_score),
                                      models_dir=models_dir, threads=threads)
        self._attention = AttentionMesh(models_dir=models_dir, threads=threads)

    def _find(self, tile: np.ndarray) -> list[FaceBox]:
        return [FaceBox(found.box_px, found.score) for found in self._far.detect(np.ascontiguousarray(tile))]

    def _mesh_faces(self, image: np.ndarray) -> list[DetectedFace]:
        faces = []
        for found in self._near.detect(np.ascontiguousarray(image))[:self.max_faces]:
            points = self._attention.landmarks(image, mesh_roi(found))
            if points is not None:
                faces.append(DetectedFace(landmarks_px=points))
        return faces

    @property
    def closed(self) -> bool:
        return self._near.closed or self._far.closed or self._attention.closed

    def close(self) -> None:
        self._near.close()
        self._far.close()
        self._attention.close()

    def __enter__(self) -> "FaceMeshDetector":
        return self


class PersonSegmenter:
    """MediaPipe's selfie segmentation (general, 256 x 256) under onnxruntime: the person matte."""

    def __init__(self, *, models_dir: Path = MODELS_DIR, threads: int = 0):
        self._session = ModelSession(models_dir / SEGMENTATION_MODEL, owner=type(self).__name__, threads=threads)

    def alpha(self, image: np.ndarray) -> np.ndarray:
        """(H, W) float32 person probability 0..1 for an (H, W, 3) uint8 RGB image."""
        import cv2

        h, w = image.shape[:2]
        n = SEGMENTATION_INPUT_PX
        # The whole photo, stretched to the square input (no letterbox), as MediaPipe feeds it.
        roi = RotatedRoi(centre_px=(w / 2.0, h / 2.0), size_px=(float(w), float(h)), rotation_rad=0.0)
        crop = crop_rotated(image, roi, out_w=n, out_h=n, replicate=False)
        (mask,) = self._session.run((crop.astype(np.float32) / 255.0)[None])
        return cv2.resize(mask[0, :, :, 0], (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)

    @property
    def closed(self) -> bool:
        return self._session.closed

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> "PersonSegmenter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_Model = TypeVar("_Model")


class FaceModels:
    """A face detector and a person segmenter for analysing many photos (a server's avatars, a
    batch worker's rows, the process's shared set): each loaded at its first use and kept, or
    given (a given one is the caller's to close). One loaded here that was closed since (by close()
    or by a caller closing the model it got) is loaded again at the next use. The models may serve
    two photos at once (onnxruntime's `run` is thread-safe; they keep no state between calls),
    and loading is under a lock, so two threads never load the same model twice."""

    def __init__(self, *, detector: FaceDetector | None = None, segmenter: Segmenter | None = None):
        self._detector, self._segmenter = detector, segmenter
        self._own: list[FaceDetector | Segmenter] = []  # loaded here: closed by close()
        self._lock = threading.Lock()

    @property
    def detector(self) -> FaceDetector:
        """The face detector, loaded now if it is not yet (the segmenter is not)."""
        with self._lock:
            if self._stale(self._detector):
                self._drop(self._detector)
                self._detector = self._load(FaceMeshDetector)
            return self._detector

    @property
    def segmenter(self) -> Segmenter:
        """The person segmenter, loaded now if it is not yet (the detector is not)."""
        with self._lock:
            if self._stale(self._segmenter):
                self._drop(self._segmenter)
                self._segmenter = self._load(PersonSegmenter)
            return self._segmenter

    def _stale(self, model: FaceDetector | Segmenter | None) -> bool:
        # A given model is the caller's: used as it is, closed or not.
        # A loaded one without `closed` (a test's stand-in) is taken to be open.
        return model is None or (self._owns(model) and getattr(model, "closed", False))

    def _owns(self, model: FaceDetector | Segmenter | None) -> bool:
        return any(own is model for own in self._own)

    def _drop(self, model: FaceDetector | Segmenter | None) -> None:
        # A closed model this set loaded, about to be replaced: kept in `_own` it would stay
        # referenced for the life of the set, one more with every close and reuse.
        self._own = [own for own in self._own if own is not model]

    def _load(self, kind: Callable[[], _Model]) -> _Model:
        model = kind()
        self._own.append(model)
        return model

    def get(self) -> tuple[FaceDetector, Segmenter]:
        """(detector, segmenter), loading what is not loaded yet (each kept as soon as it loads)."""
        return self.detector, self.segmenter

    def close(self) -> None:
        with self._lock:
            for model in self._own:
                model.close()
            if self._owns(self._detector):
                self._detector = None
            if self._owns(self._segmenter):
                self._segmenter = None
            self._own.clear()


_SHARED_LOCK = threading.Lock()
_shared: FaceModels | None = None


def shared_face_models() -> FaceModels:
    """The process's own FaceModels, made at the first call (never at import) and kept: what an
    analysis given no models uses, so that a caller analysing photo after photo (`Animator(photo)`
    in a loop, a batch worker's rows) creates the four onnxruntime sessions once (~0.1 s of CPU a
    photo when each made its own). Each model loads at its first use (an analysis given a detector
    loads no detector), under the set's lock; threads may analyse with them at once. A model
    of the set closed by someone is loaded again at the next use."""
    global _shared
    with _SHARED_LOCK:
        if _shared is None:
            _shared = FaceModels()
        return _shared
