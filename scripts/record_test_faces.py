"""Records what the real face models answer on the bundled portrait's analyses, for the tests'
fakes (tests/fakes.py): every image analyse_face shows the detector and the segmenter, keyed by
its pixels, with the landmarks and mattes they gave. Re-record when the models, the analysis
(what it crops, resizes or flips before asking) or the cases below change:

    .venv/bin/python scripts/record_test_faces.py

tests/face/test_fakes.py fails while the recording no longer matches the real models."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests/fakes.py, as the tests import it

from facetalk.config import FramingConfig  # noqa: E402
from facetalk.face.analysis import analyse_face  # noqa: E402
from facetalk.face.mesh import FaceMeshDetector, PersonSegmenter  # noqa: E402
from facetalk.io import load_image  # noqa: E402
from tests.fakes import RECORDING, Recording, digest  # noqa: E402


@dataclass(frozen=True)
class Case:
    """One analysis the tests make with the fakes: a part of the bundled portrait (rows, columns
    as slices), framed so."""

    rows: slice
    cols: slice
    framing: FramingConfig


CASES = (
    Case(rows=slice(None), cols=slice(None), framing=FramingConfig()),  # conftest's analysis, the server's avatar
    Case(rows=slice(None), cols=slice(None), framing=FramingConfig(margin=2.2)),  # render/test_camera
    Case(rows=slice(None), cols=slice(None), framing=FramingConfig(crop="full")),  # render/test_camera
    Case(rows=slice(60, None), cols=slice(40, -40), framing=FramingConfig()),  # render/test_renderer: a tight crop
)


class Recorder:
    """The real detector and segmenter, noting each answer by the digest of the image asked about."""

    def __init__(self, detector: FaceMeshDetector, segmenter: PersonSegmenter):
        self._detector, self._segmenter = detector, segmenter
        self.faces: dict[str, tuple[np.ndarray, ...]] = {}
        self.mattes: dict[str, np.ndarray] = {}

    def detect(self, image: np.ndarray):
        found = self._detector.detect(image)
        self.faces[digest(image)] = tuple(face.landmarks_px.copy() for face in found)
        return found

    def alpha(self, image: np.ndarray) -> np.ndarray:
        matte = self._segmenter.alpha(image)
        self.mattes[digest(image)] = matte.copy()
        return matte


def record(photo: np.ndarray) -> Recording:
    with FaceMeshDetector() as detector, PersonSegmenter() as segmenter:
        recorder = Recorder(detector, segmenter)
        for case in CASES:
            part = np.ascontiguousarray(photo[case.rows, case.cols])
            analyse_face(part, framing=case.framing, detector=recorder, segmenter=recorder)
    return Recording(faces=recorder.faces, mattes=recorder.mattes)


def main() -> None:
    photo = load_image(str(resources.files("facetalk.data").joinpath("astronaut.jpg")))
    recording = record(photo)
    recording.save(RECORDING)
    print(f"{len(recording.faces)} detections and {len(recording.mattes)} mattes -> "
          f"{RECORDING.relative_to(ROOT)} ({RECORDING.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
