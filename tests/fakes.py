"""Small fakes of the face models and the lip model, for tests where the models are not the point.

`ReplayDetector` and `ReplaySegmenter` answer with what facetalk.face.mesh's FaceMeshDetector
and PersonSegmenter answered on the same pixels: the real outputs for every image the bundled
portrait's analyses show them (the photo, its framings, its mattes' inputs), recorded once by
`scripts/record_test_faces.py` into tests/face/data/recorded_faces.npz. Replayed outputs are the
recorded arrays themselves, so an analysis made with the fakes is bit-identical to one made with
the real models on the machine that recorded them (tests/face/test_fakes.py checks the
recording against the real models, within the tolerance of another machine's onnxruntime).

An image no analysis was recorded for is not guessed at: a blank photo (every pixel the same
colour) has no face, as the real detector says; any other raises `Unrecorded`, which names the
script to run or says to use the real models (conftest's `face_models`)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facetalk.audio.mel import ENERGY, N_FEATURES, energy_db
from facetalk.face.landmarks import DetectedFace
from facetalk.motion.lipsync import PARAMS, LipSyncModel

RECORDING = Path(__file__).resolve().parent / "face" / "data" / "recorded_faces.npz"


class Unrecorded(AssertionError):
    """A fake face model was asked about an image it has no recording for."""


def digest(image: np.ndarray) -> str:
    """A key for an image's exact pixels (shape, dtype and bytes)."""
    image = np.ascontiguousarray(image)
    h = hashlib.sha256(f"{image.shape}{image.dtype}".encode())
    h.update(image.tobytes())
    return h.hexdigest()[:20]


@dataclass(frozen=True)
class Recording:
    """The real models' answers, by image digest: each face's (478, 3) landmarks, largest first
    (an empty tuple where no face was found), and each (H, W) float32 person matte."""

    faces: dict[str, tuple[np.ndarray, ...]]
    mattes: dict[str, np.ndarray]

    def save(self, path: Path) -> None:
        arrays = {f"matte_{key}": matte for key, matte in self.mattes.items()}
        for key, landmarks in self.faces.items():
            arrays[f"count_{key}"] = np.array(len(landmarks))
            arrays.update({f"face_{key}_{i}": points for i, points in enumerate(landmarks)})
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, **arrays)

    @classmethod
    def load(cls, path: Path = RECORDING) -> "Recording":
        with np.load(path) as data:
            mattes = {name[len("matte_"):]: data[name] for name in data.files if name.startswith("matte_")}
            counts = {name[len("count_"):]: int(data[name]) for name in data.files if name.startswith("count_")}
            faces = {key: tuple(data[f"face_{key}_{i}"] for i in range(n)) for key, n in counts.items()}
        return cls(faces=faces, mattes=mattes)


def _unrecorded(what: str, image: np.ndarray) -> Unrecorded:
    return Unrecorded(f"no recorded {what} for this {image.shape} image ({digest(image)}): re-record with "
                      "scripts/record_test_faces.py, or use the real models (conftest's face_models)")


class _Replay:
    """A real model's lifecycle (close, a context manager): a replay holds nothing to release."""

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class ReplayDetector(_Replay):
    """FaceMeshDetector's interface (detect, close, a context manager) answering from a Recording."""

    def __init__(self, recording: Recording):
        self._faces = recording.faces
        self.calls = 0

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        """All faces in an (H, W, 3) uint8 RGB image, largest first, as the real detector found them."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 image, got {image.shape} {image.dtype}")
        self.calls += 1
        found = self._faces.get(digest(image))
        if found is not None:
            # Copies: a caller may change its landmarks without changing the recording.
            return [DetectedFace(landmarks_px=points.copy()) for points in found]
        if np.ptp(image.reshape(-1, 3), axis=0).max() == 0:
            return []  # one colour all over: nothing to find
        raise _unrecorded("faces", image)


class ReplaySegmenter(_Replay):
    """PersonSegmenter's interface (alpha, close, a context manager) answering from a Recording."""

    def __init__(self, recording: Recording):
        self._mattes = recording.mattes
        self.calls = 0

    def alpha(self, image: np.ndarray) -> np.ndarray:
        """(H, W) float32 person probability 0..1, as the real segmenter gave it."""
        self.calls += 1
        matte = self._mattes.get(digest(image))
        if matte is None:
            raise _unrecorded("matte", image)
        return matte.copy()


class LoudnessLips(LipSyncModel):
    """A lip model with no weights, for tests where the mouth's shape is not the point: the jaw
    opens with a 10 ms frame's loudness (shut at -50 dBFS, fully open at -10 dBFS) and the lips
    press in silence; nothing else moves. It answers `run` as the bundled network does (outputs
    and the next state), so everything after the network (its passes, the lead, streaming) runs
    on it unchanged. `runs` counts the calls, so a test can tell the model was used."""

    def __init__(self, *, lookahead_frames: int = 2, n_state_frames: int = 4):
        # No ONNX session: LipSyncModel's methods read only these.
        self.has_voice_level = False
        self.voice_net = None
        self.tongue_net = None  # tongue_tip stays 0
        self.lookahead_frames = lookahead_frames
        self.n_state_frames = n_state_frames
        self._state_shape = (n_state_frames, N_FEATURES)
        self.runs = 0

    def run(self, frames: np.ndarray, state: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.runs += 1
        frames = np.asarray(frames, np.float32)
        jaw = np.clip((energy_db(frames[:, ENERGY]) + 50.0) / 40.0, 0.0, 1.0).astype(np.float32)
        out = np.zeros((len(frames), len(PARAMS)), np.float32)
        out[:, PARAMS.index("jaw_open")] = jaw
        out[:, PARAMS.index("lip_press")] = np.where(jaw > 0.0, 0.0, 1.0)
        context = np.concatenate([np.asarray(state, np.float32), frames])[-self.n_state_frames:]
        return out, context
