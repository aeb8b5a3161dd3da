"""Shared fixtures: the bundled portrait, its analysis, the face models (real and fake), and speech
with a pause."""

from importlib import resources

import numpy as np
import pytest

from facetalk.face.mesh import FaceModels
from tests.fakes import Recording, ReplayDetector, ReplaySegmenter

SR = 16000


@pytest.fixture(scope="session")
def portrait_path() -> str:
    return str(resources.files("facetalk.data").joinpath("astronaut.jpg"))


@pytest.fixture(scope="session")
def portrait(portrait_path) -> np.ndarray:
    from facetalk.io import load_image

    return load_image(portrait_path)


@pytest.fixture(scope="session")
def face_models():
    """The real face detector and segmenter, shared by the session: loading them is much of what an
    Animator costs to build, and tests that build one are not about the loading, which tests/face
    tests on its own. Nothing loads unless a test asks."""
    models = FaceModels()
    yield models
    models.close()


@pytest.fixture(scope="session")
def face_recording() -> Recording:
    """What the real face models answered on the bundled portrait's analyses (tests/fakes.py)."""
    return Recording.load()


@pytest.fixture(scope="session")
def fake_face_models(face_recording) -> FaceModels:
    """Fakes answering as the real models did on the bundled portrait's analyses, for tests about
    what comes after the analysis; any other photo fails loudly (tests/fakes.py)."""
    return FaceModels(detector=ReplayDetector(face_recording), segmenter=ReplaySegmenter(face_recording))


@pytest.fixture(scope="session")
def analysis(portrait, fake_face_models):
    """The bundled portrait's analysis: bit-identical to the real models' (the fakes replay their
    recorded answers; tests/face/test_fakes.py holds the recording to the real models)."""
    from facetalk.config import FramingConfig
    from facetalk.face.analysis import analyse_face

    return analyse_face(portrait, framing=FramingConfig(), source="astronaut.jpg",
                        detector=fake_face_models.detector, segmenter=fake_face_models.segmenter)


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
    facetalk.face.mesh's names, which its FaceModels and shared_face_models load by) and every one
    closed are appended to. The process's shared models are set aside for the test, so that one
    an earlier test loaded cannot stand in for a load this test makes (or must not make)."""
    import facetalk.face.mesh as mesh

    monkeypatch.setattr(mesh, "_shared", None)

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
    return made, closed
