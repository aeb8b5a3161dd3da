"""MediaPipe's models under onnxruntime (facetalk.face.mesh) against MediaPipe itself: against
what MediaPipe 0.10.21 gave on the bundled portrait and its variations, recorded in
tests/face/data/mediapipe_reference.npz by scripts/record_mediapipe_reference.py (mediapipe is not
installed: it pinned numpy<2 and protobuf<5), and, where mediapipe happens to be installed, against
it live on out/portraits.

Tolerances (measured on the astronaut and its variations, and on out/portraits; see
docs/models/mediapipe.md): landmarks within LANDMARK_MEAN_TOL / LANDMARK_MAX_TOL of the
inter-ocular distance (iris centre to iris centre); detection boxes within BOX_TOL_PX; segmentation
masks with IoU (at 0.5) of at least SEG_MIN_IOU and values within SEG_MAX_ABS (the reference mask is
float16). The conversion is exact up to float32 rounding, so these are ~10x the largest difference
measured, not model error.
"""

from __future__ import annotations

import glob
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from facetalk.face.landmarks import LEFT_IRIS, N_LANDMARKS, RIGHT_IRIS
from facetalk.face.mesh import (
    FULL_RANGE,
    MODELS_DIR,
    SHORT_RANGE,
    FaceMeshDetector,
    PersonSegmenter,
    ssd_anchor_centres,
)

LANDMARK_MEAN_TOL = 0.001  # share of the inter-ocular distance (0.1 %)
LANDMARK_MAX_TOL = 0.005  # 0.5 %
BOX_TOL_PX = 0.5
SEG_MIN_IOU = 0.999
SEG_MAX_ABS = 1e-3
PORTRAITS = sorted(glob.glob(str(Path(__file__).resolve().parents[2] / "out" / "portraits" / "*.png")))
REFERENCE = Path(__file__).resolve().parent / "data" / "mediapipe_reference.npz"


@dataclass(frozen=True)
class LandmarkError:
    """Per-point distance between two (478, 3) landmark sets, x and y only, as shares of the
    inter-ocular distance of the reference."""

    mean: float
    max: float
    iod_px: float


def landmark_error(*, reference_px: np.ndarray, candidate_px: np.ndarray) -> LandmarkError:
    iod = float(np.linalg.norm(reference_px[RIGHT_IRIS[0], :2] - reference_px[LEFT_IRIS[0], :2]))
    dist = np.linalg.norm(reference_px[:, :2] - candidate_px[:, :2], axis=1)
    return LandmarkError(mean=float(dist.mean()) / iod, max=float(dist.max()) / iod, iod_px=iod)


@pytest.fixture(scope="module")
def onnx_detector():
    with FaceMeshDetector() as det:
        yield det


@pytest.fixture(scope="module")
def reference():
    return np.load(REFERENCE)


@pytest.fixture(scope="module")
def mp_detector():
    """MediaPipe itself, where it is installed (scripts/record_mediapipe_reference.py's wrapper)."""
    pytest.importorskip("mediapipe")
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "record_mediapipe_reference", Path(__file__).resolve().parents[2] / "scripts" / "record_mediapipe_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    finder = module.mediapipe_finder()
    yield finder
    finder.close()


def _rotated(image: np.ndarray, degrees: float) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _scaled(image: np.ndarray, factor: float) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    return cv2.resize(image, (round(w * factor), round(h * factor)), interpolation=cv2.INTER_AREA)


def _in_canvas(image: np.ndarray) -> np.ndarray:
    """The photo at 40 % off-centre in a 1600 x 1200 grey canvas: a ~45 px face, found only by the
    tiled full-range search and meshed on a crop."""
    small = _scaled(image, 0.4)
    canvas = np.full((1200, 1600, 3), 140, np.uint8)
    canvas[700:700 + small.shape[0], 300:300 + small.shape[1]] = small
    return canvas


VARIATIONS = {
    "original": lambda im: im,
    "rotated+20": lambda im: _rotated(im, 20.0),
    "rotated-20": lambda im: _rotated(im, -20.0),
    "scaled0.6": lambda im: _scaled(im, 0.6),
    "scaled2.0": lambda im: _scaled(im, 2.0),
    "canvas": _in_canvas,
}


def test_models_are_packaged_and_anchor_layouts_match_the_models():
    for name in ("face_detection_short_range.onnx", "face_detection_full_range.onnx",
                 "face_landmark_with_attention.onnx", "selfie_segmentation.onnx"):
        assert (MODELS_DIR / name).stat().st_size > 100_000
    assert ssd_anchor_centres(SHORT_RANGE).shape == (896, 2)
    assert ssd_anchor_centres(FULL_RANGE).shape == (2304, 2)


def test_onnx_mesh_finds_the_astronaut(onnx_detector, portrait):
    (face,) = onnx_detector.detect(portrait)
    pts = face.landmarks_px
    assert (pts.shape, pts.dtype) == ((N_LANDMARKS, 3), np.float32)
    # Upper middle of the 512 px photo, 80-140 px across; the subject's right iris on the image's
    # left, each iris between its eye's corners.
    assert 80 < face.size_px < 140 and 150 < face.bbox[0] < face.bbox[2] < 300
    assert pts[33, 0] < pts[RIGHT_IRIS[0], 0] < pts[133, 0] < pts[362, 0] < pts[LEFT_IRIS[0], 0] < pts[263, 0]


def test_blank_image_has_no_face(onnx_detector):
    blank = np.full((256, 256, 3), 128, np.uint8)
    assert onnx_detector.detect(blank) == []
    assert onnx_detector.search(blank) == []


@pytest.mark.parametrize("variation", list(VARIATIONS))
def test_landmarks_and_boxes_agree_with_mediapipe(reference, onnx_detector, portrait, variation):
    image = np.ascontiguousarray(VARIATIONS[variation](portrait))
    expected, got = reference[f"{variation}/landmarks_px"], onnx_detector.detect(image)
    assert len(got) == len(expected) == 1
    err = landmark_error(reference_px=expected[0], candidate_px=got[0].landmarks_px)
    print(f"{variation}: iod {err.iod_px:.1f} px, mean {100 * err.mean:.4f} %, max {100 * err.max:.4f} %")
    assert err.mean < LANDMARK_MEAN_TOL and err.max < LANDMARK_MAX_TOL
    depth = np.abs(expected[0][:, 2] - got[0].landmarks_px[:, 2]).max()
    assert depth < LANDMARK_MAX_TOL * err.iod_px
    boxes = onnx_detector.search(image)
    assert len(boxes) == len(reference[f"{variation}/boxes_px"]) >= 1
    for box, expected_box, expected_score in zip(boxes, reference[f"{variation}/boxes_px"],
                                                 reference[f"{variation}/scores"]):
        assert np.abs(np.subtract(box.box, expected_box)).max() < BOX_TOL_PX
        assert abs(box.score - expected_score) < 1e-3


def test_short_range_detections_agree_with_mediapipe(portrait):
    """The detector the mesh starts from, compared with MediaPipe's FaceDetection(model_selection=0)."""
    mp = pytest.importorskip("mediapipe")
    from facetalk.face.mesh import BlazeFaceDetector

    detector = BlazeFaceDetector(spec=SHORT_RANGE, min_score=0.5)
    found = detector.detect(portrait)
    with mp.solutions.face_detection.FaceDetection(model_selection=0, min_detection_confidence=0.5) as ref:
        result = ref.process(portrait).detections
    assert len(found) == len(result) == 1
    h, w = portrait.shape[:2]
    rel = result[0].location_data.relative_bounding_box
    expected = (rel.xmin * w, rel.ymin * h, (rel.xmin + rel.width) * w, (rel.ymin + rel.height) * h)
    assert np.abs(np.subtract(found[0].box_px, expected)).max() < BOX_TOL_PX
    kps = np.array([(k.x * w, k.y * h) for k in result[0].location_data.relative_keypoints])
    assert np.abs(found[0].keypoints_px - kps).max() < BOX_TOL_PX
    assert abs(found[0].score - result[0].score[0]) < 1e-3


@pytest.mark.parametrize("variation", ["original", "rotated+20", "canvas"])
def test_segmentation_agrees_with_mediapipe(reference, portrait, variation):
    image = np.ascontiguousarray(VARIATIONS[variation](portrait))
    with PersonSegmenter() as segmenter:
        got = segmenter.alpha(image)
    expected = reference[f"{variation}/alpha"].astype(np.float32)
    assert got.shape == expected.shape == image.shape[:2] and got.dtype == np.float32
    iou = ((got > 0.5) & (expected > 0.5)).sum() / max(((got > 0.5) | (expected > 0.5)).sum(), 1)
    assert iou >= SEG_MIN_IOU and np.abs(got - expected).max() < SEG_MAX_ABS
    if variation == "original":  # the person is there: most of the centre column is foreground
        assert got[200:400, 200:300].mean() > 0.9


def test_timing_is_comparable(mp_detector, onnx_detector, portrait):
    """Prints per-call times (not asserted: shared CI machines)."""
    image = np.ascontiguousarray(portrait)

    def best_of(fn, n=3) -> float:
        times = []
        for _ in range(n):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    print(f"\ndetect: mediapipe {1e3 * best_of(lambda: mp_detector.detect(image)):.1f} ms, "
          f"onnx {1e3 * best_of(lambda: onnx_detector.detect(image)):.1f} ms; "
          f"mesh only: mediapipe {1e3 * best_of(lambda: mp_detector._mesh_faces(image)):.1f} ms, "
          f"onnx {1e3 * best_of(lambda: onnx_detector._mesh_faces(image)):.1f} ms")


@pytest.mark.slow
@pytest.mark.skipif(not PORTRAITS, reason="out/portraits not present (not in git)")
def test_portraits_agree_with_mediapipe(mp_detector, onnx_detector):
    from facetalk.io import load_image

    for path in PORTRAITS:
        image = np.ascontiguousarray(load_image(path))
        expected, got = mp_detector.detect(image), onnx_detector.detect(image)
        assert len(got) == len(expected) >= 1, path
        err = landmark_error(reference_px=expected[0].landmarks_px, candidate_px=got[0].landmarks_px)
        print(f"{Path(path).name}: mean {100 * err.mean:.4f} %, max {100 * err.max:.4f} % of {err.iod_px:.0f} px")
        assert err.mean < LANDMARK_MEAN_TOL and err.max < LANDMARK_MAX_TOL, path


def test_analyses_given_no_models_load_them_once(portrait, counted_face_models, monkeypatch):
    """analyse_face without models takes the process's shared ones (face.mesh.shared_face_models):
    a second photo loads nothing, and nothing it loaded is closed (each analysis made and closed
    its own four onnxruntime sessions before, ~0.1 s a photo)."""
    import facetalk.face.mesh as mesh
    from facetalk.config import FramingConfig
    from facetalk.face.analysis import analyse_face

    monkeypatch.setattr(mesh, "_shared", None)
    made, closed = counted_face_models
    first = analyse_face(portrait, framing=FramingConfig())
    second = analyse_face(portrait[:, ::-1].copy(), framing=FramingConfig())
    assert [type(m).__name__ for m in made] == ["FaceMeshDetector", "PersonSegmenter"] and closed == []
    assert first.n_faces == second.n_faces == 1
    assert mesh.shared_face_models() is mesh.shared_face_models()


def test_the_sessions_threads_do_not_spin_between_runs():
    """face.mesh.load_session turns onnxruntime's intra-op spinning off: spinning threads held a
    core between runs that the surround's thread (or anyone on a shared machine) wanted."""
    from facetalk.face.mesh import SEGMENTATION_MODEL, load_session

    session = load_session(MODELS_DIR / SEGMENTATION_MODEL)
    assert session.get_session_options().get_session_config_entry("session.intra_op.allow_spinning") == "0"


def test_a_closed_model_says_so_and_the_shared_set_loads_it_again(counted_face_models):
    """A closed model refuses in one line (it failed later with "'NoneType' object has no attribute
    'run'"), and a model of the process's shared set that a caller closed is loaded again at the
    next use instead of breaking every later analysis."""
    import facetalk.face.mesh as mesh

    made, _ = counted_face_models
    blank = np.full((64, 64, 3), 128, np.uint8)
    shared = mesh.shared_face_models()
    detector, segmenter = shared.get()
    detector.close()
    segmenter.close()
    assert detector.closed and segmenter.closed
    with pytest.raises(RuntimeError, match="is closed"):
        detector.detect(blank)
    with pytest.raises(RuntimeError, match="PersonSegmenter is closed"):
        segmenter.alpha(blank)
    again, matte = shared.detector, shared.segmenter
    assert again is not detector and matte is not segmenter and len(made) == 4
    assert again.detect(blank) == [] and matte.alpha(blank).shape == (64, 64)


def test_two_threads_asking_the_shared_set_at_once_load_one_model(monkeypatch):
    """The shared set's lazy properties load under a lock: two analyses starting together (here
    after the set was closed) load one detector between them, not one each."""
    import threading
    import time
    from types import SimpleNamespace

    import facetalk.face.mesh as mesh

    made = []

    def slow_load():
        time.sleep(0.2)  # a load takes time: without the lock both threads find none loaded
        made.append(SimpleNamespace(close=lambda: None))
        return made[-1]

    monkeypatch.setattr(mesh, "FaceMeshDetector", slow_load)
    monkeypatch.setattr(mesh, "PersonSegmenter", lambda: SimpleNamespace(close=lambda: None))
    monkeypatch.setattr(mesh, "_shared", None)
    shared = mesh.shared_face_models()
    shared.get()
    shared.close()  # the next use loads again
    made.clear()
    got = []
    threads = [threading.Thread(target=lambda: got.append(mesh.shared_face_models().detector)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1 and got == [made[0], made[0]]
