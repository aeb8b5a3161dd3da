"""Shared fixtures: the bundled portrait, its analysis, and speech with a pause."""

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


@pytest.fixture(scope="session")
def analysis(portrait):
    from facetalk.config import FramingConfig
    from facetalk.face.analysis import analyse_face

    return analyse_face(portrait, framing=FramingConfig(), source="astronaut.jpg")


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
