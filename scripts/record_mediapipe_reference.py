"""Records what MediaPipe 0.10.21 itself gives on the bundled portrait and variations of it, so that
the tests can check facetalk.face.mesh (MediaPipe's models under onnxruntime) against MediaPipe
without installing it.

  pip install --no-deps mediapipe==0.10.21   # into a dev venv with numpy<2, protobuf<5
  python scripts/record_mediapipe_reference.py [--out tests/face/data/mediapipe_reference.npz]

For each variation (tests/face/test_mesh_onnx.py's VARIATIONS): the face mesh's 478 refined
landmarks (FaceMesh(static_image_mode=True, refine_landmarks=True), whole image, or on a crop
around the full-range detector's find, as facetalk's search does), the full-range detector's
boxes and scores over facetalk's tiles, and the selfie segmentation mask (float16).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _variations():
    """test_mesh_onnx's VARIATIONS, imported from the test file itself (one definition)."""
    spec = importlib.util.spec_from_file_location("test_mesh_onnx", ROOT / "tests" / "face" / "test_mesh_onnx.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module.VARIATIONS


@contextlib.contextmanager
def _quiet_stderr():
    fd = os.dup(2)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(fd, 2)
            os.close(fd)


def mediapipe_finder():
    """facetalk's face search (face.detect.FaceFinder) with MediaPipe's own solutions inside."""
    from mediapipe.python.solutions import face_detection, face_mesh

    from facetalk.face.detect import FaceBox, FaceFinder
    from facetalk.face.landmarks import DetectedFace

    class MediaPipeFinder(FaceFinder):
        def __init__(self):
            with _quiet_stderr():
                self._mesh = face_mesh.FaceMesh(static_image_mode=True, max_num_faces=5, refine_landmarks=True,
                                                min_detection_confidence=0.5)
                self._finder = face_detection.FaceDetection(model_selection=1, min_detection_confidence=0.5)

        def _find(self, tile):
            th, tw = tile.shape[:2]
            boxes = []
            for det in self._finder.process(np.ascontiguousarray(tile)).detections or ():
                rel = det.location_data.relative_bounding_box
                boxes.append(FaceBox((rel.xmin * tw, rel.ymin * th, (rel.xmin + rel.width) * tw,
                                      (rel.ymin + rel.height) * th), float(det.score[0])))
            return boxes

        def _mesh_faces(self, image):
            h, w = image.shape[:2]
            faces = []
            for face in self._mesh.process(np.ascontiguousarray(image)).multi_face_landmarks or ():
                pts = np.array([(p.x, p.y, p.z) for p in face.landmark], np.float32) * np.array([w, h, w], np.float32)
                faces.append(DetectedFace(landmarks_px=pts))
            return faces

        def close(self):
            self._mesh.close()
            self._finder.close()

    return MediaPipeFinder()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(ROOT / "tests" / "face" / "data" / "mediapipe_reference.npz"))
    args = ap.parse_args()
    import mediapipe
    from mediapipe.python.solutions import selfie_segmentation

    from facetalk.io import load_image

    portrait = load_image(ROOT / "src" / "facetalk" / "data" / "astronaut.jpg")
    finder = mediapipe_finder()
    arrays = {"mediapipe_version": np.array(mediapipe.__version__)}
    with _quiet_stderr(), selfie_segmentation.SelfieSegmentation(model_selection=0) as segmenter:
        for name, make in _variations().items():
            image = np.ascontiguousarray(make(portrait))
            faces = finder.detect(image)
            boxes = finder.search(image)
            arrays[f"{name}/landmarks_px"] = np.stack([f.landmarks_px for f in faces]).astype(np.float32)
            arrays[f"{name}/boxes_px"] = np.array([b.box for b in boxes], np.float32)
            arrays[f"{name}/scores"] = np.array([b.score for b in boxes], np.float32)
            arrays[f"{name}/alpha"] = np.asarray(segmenter.process(image).segmentation_mask, np.float16)
    finder.close()
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **arrays)
    print(f"wrote {args.out} ({Path(args.out).stat().st_size / 1e3:.0f} kB) with MediaPipe {mediapipe.__version__}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
