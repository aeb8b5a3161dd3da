"""Shared fixtures: the bundled portrait, its analysis, and speech with a pause."""

from dataclasses import dataclass
from importlib import resources

import numpy as np
import pytest

SR = 16000


@pytest.fixture(scope="session")
def portrait_path() -> str:
    return str(resources.files("facetalk.data").joinpath("astronaut.jpg"))


@pytest.fixture(scope="session")
def portrait(portrait_path) -> np.ndarray:
    from facetalk.io import load_image

    return load_image(portrait_path)


@dataclass(frozen=True)
class FaceModels:
    """The real face detector and segmenter, loaded once for the whole session: loading them is
    most of what an Animator costs to build (~1.1 of ~1.6 s), and tests that build one are not
    about the loading, which tests/face tests on its own."""

    detector: object
    segmenter: object

    def animator(self, photo: np.ndarray, **kwargs):
        from facetalk.pipeline import Animator

        return Animator(photo, detector=self.detector, segmenter=self.segmenter, **kwargs)


@pytest.fixture(scope="session")
def face_models():
    from facetalk.face.mesh import FaceMeshDetector, PersonSegmenter

    with FaceMeshDetector() as detector, PersonSegmenter() as segmenter:
        yield FaceModels(detector=detector, segmenter=segmenter)


@pytest.fixture(scope="session")
def analysis(portrait, face_models):
    from facetalk.config import FramingConfig
    from facetalk.face.analysis import analyse_face

    return analyse_face(portrait, framing=FramingConfig(), source="astronaut.jpg",
                        detector=face_models.detector, segmenter=face_models.segmenter)


@pytest.fixture(scope="session")
def speech() -> np.ndarray:
    """About 1.5 s of espeak-ng speech at 16 kHz."""
    from facetalk.io import synthesize_speech

    return synthesize_speech("Hello, my name is Ada. Papa paid a lot.", lang="en", sr=SR)


@pytest.fixture(scope="session")
def speech_then_silence(speech) -> tuple[np.ndarray, float]:
    """Speech followed by 1 s of digital silence; returns (audio, time speech ends in s)."""
    voiced = np.nonzero(np.abs(speech) > 0.01)[0]
    end = voiced[-1] + 1
    return np.concatenate([speech[:end], np.zeros(SR, np.float32)]), end / SR


class FuzzCorpus:
    """A seeded corpus of malformed inputs for the fuzz tests (tests/io, tests/server): each case
    one mutation of a valid input (truncated, bit-flipped, noise behind a valid header, pure
    noise, a header that lies about its sizes), and JSON texts broken in the same spirit."""

    SEED = 20261201
    N_CASES = 40

    @staticmethod
    def valid_png() -> bytes:
        import io

        from PIL import Image

        buf = io.BytesIO()
        Image.fromarray(np.random.default_rng(0).integers(0, 255, (48, 64, 3), dtype=np.uint8)).save(buf, "PNG")
        return buf.getvalue()

    @staticmethod
    def valid_wav(tmp_path) -> bytes:
        from facetalk.io import write_wav

        path = tmp_path / "valid.wav"
        write_wav(path, 0.3 * np.sin(np.arange(8000) / 5.0), sr=16000)
        return path.read_bytes()

    @staticmethod
    def mutate(data: bytes, rng) -> bytes:
        kind = rng.randrange(5)
        if kind == 0:  # truncated
            return data[: rng.randrange(1, max(2, len(data)))]
        if kind == 1:  # bit flips
            out = bytearray(data)
            for _ in range(rng.randrange(1, 40)):
                i = rng.randrange(len(out))
                out[i] ^= 1 << rng.randrange(8)
            return bytes(out)
        if kind == 2:  # random bytes behind a valid header
            return data[:rng.randrange(4, 64)] + rng.randbytes(rng.randrange(0, 4000))
        if kind == 3:  # pure noise
            return rng.randbytes(rng.randrange(1, 5000))
        return data[: len(data) // 2] * 3  # repeated halves: a header that lies about its sizes

    @classmethod
    def json_cases(cls, rng) -> list[str]:
        import json

        text = json.dumps({"emotion": "happy", "head_motion": 0.5, "gaze": "free", "seed": 3})
        cases = ["[" * 3000 + "]" * 3000, '{"a":' * 500 + "1" + "}" * 500, "null", "[]", '"x"', "1e999",
                 '{"seed": 1e400}', '{"emotion": "\\u0000"}', '{"head_motion": NaN}', '{"timeline": "' + "[" * 100 + '"}']
        for _ in range(cls.N_CASES):
            i = rng.randrange(len(text))
            cases.append(text[:i] + rng.choice(['"', "{", "]", ",", "\x00", "\\", "9" * 400, ""]) + text[i + 1:])
        return cases


@pytest.fixture(scope="session")
def fuzz() -> type[FuzzCorpus]:
    return FuzzCorpus


@pytest.fixture
def counted_face_models(monkeypatch):
    """(made, closed): lists that every face detector and segmenter loaded from here on (by
    facetalk.face.mesh's names or by face.analysis's own imports of them) and every one closed
    are appended to."""
    import facetalk.face.analysis as analysis
    import facetalk.face.mesh as mesh

    made, closed = [], []

    def counted(real):
        class Counted(real):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                made.append(self)

            def close(self):
                closed.append(self)
                super().close()

        Counted.__name__ = real.__name__
        return Counted

    for name in ("FaceMeshDetector", "PersonSegmenter"):
        replacement = counted(getattr(mesh, name))
        monkeypatch.setattr(mesh, name, replacement)
        monkeypatch.setattr(analysis, name, replacement)
    return made, closed
