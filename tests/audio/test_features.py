import math

import numpy as np
import pytest

from facetalk.audio.features import AudioFeatures, FrameFeatureExtractor, concat_features, extract_features

SR, FPS = 16000, 25
FIELDS = tuple(AudioFeatures.__dataclass_fields__)


def tone(freq_hz: float, seconds: float = 1.0, amp: float = 1.0) -> np.ndarray:
    t = np.arange(int(seconds * SR)) / SR
    return (amp * np.sin(2 * np.pi * freq_hz * t)).astype(np.float32)


def interior(feats: AudioFeatures, name: str) -> np.ndarray:
    """Values of frames whose window lies wholly inside the clip (no zero history, no end padding)."""
    return getattr(feats, name)[3:-3]


def assert_same(a: AudioFeatures, b: AudioFeatures) -> None:
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.shape == y.shape, name
        assert np.array_equal(x, y), name


def test_shapes_dtypes_and_len(speech):
    feats = extract_features(speech, sr=SR, fps=FPS)
    n = len(feats)
    assert n > 0
    for name in FIELDS:
        arr = getattr(feats, name)
        assert arr.shape == (n,) and arr.dtype == np.float32, name
        assert np.all(np.isfinite(arr)), name
    np.testing.assert_allclose(feats.t_s, np.arange(n) / FPS, atol=1e-6)
    assert np.all((feats.low_ratio >= 0) & (feats.low_ratio <= 1) & (feats.high_ratio >= 0) & (feats.high_ratio <= 1))


@pytest.mark.parametrize("n_samples, fps", [(16000, 25), (16001, 25), (12345, 25), (1, 25), (16000, 30), (7777, 30), (5000, 60)])
def test_frame_count_after_flush(n_samples, fps):
    noise = np.random.default_rng(n_samples).normal(0, 0.1, n_samples).astype(np.float32)
    assert len(extract_features(noise, sr=SR, fps=fps)) == math.ceil(n_samples / SR * fps)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_chunked_extraction_matches_one_push(speech, seed):
    rng = np.random.default_rng(seed)
    extractor = FrameFeatureExtractor(sr=SR, fps=FPS)
    parts, pos = [], 0
    while pos < len(speech):
        size = int(rng.choice([0, 1, 1, 7, 160, 333, 640, 1023, 4001]))
        parts.append(extractor.push(speech[pos:pos + size]))
        pos += size
    parts.append(extractor.flush())
    assert_same(concat_features(parts), extract_features(speech, sr=SR, fps=FPS))


@pytest.mark.parametrize("fps, seconds", [(25, 1.0), (30, 1.0), (25, 0.5), (60, 0.77)])
def test_frames_wait_for_their_lookahead(fps, seconds):
    extractor = FrameFeatureExtractor(sr=SR, fps=fps)
    n = int(round(seconds * SR))
    got = extractor.push(tone(440, seconds, 0.5)[:n])
    half_window_s = extractor.window / 2 / SR
    expected = sum(1 for i in range(2 * fps * 2) if i / fps + half_window_s <= n / SR + 1e-9)
    assert len(got) == expected
    if (fps, seconds) == (25, 1.0):
        assert expected == 25  # centres 0 .. 0.96 s; 1.00 s would need audio up to 1.032 s
    # Nothing more until more audio arrives; the rest comes with flush.
    assert len(extractor.push(np.zeros(0, np.float32))) == 0
    assert len(got) + len(extractor.flush()) == math.ceil(n / SR * fps)


def silence_db() -> np.ndarray:
    return extract_features(np.zeros(SR, np.float32), sr=SR, fps=FPS).loudness_db


def test_silence_is_exactly_the_documented_floor():
    assert np.all(silence_db() == -100.0)


def test_full_scale_sine_is_minus_3_dbfs():
    loud = interior(extract_features(tone(440), sr=SR, fps=FPS), "loudness_db")
    assert np.all(np.abs(loud - 20 * np.log10(np.sqrt(0.5))) <= 0.5)


def test_band_ratios_and_first_formant_proxy():
    low = extract_features(tone(300, amp=0.5), sr=SR, fps=FPS)
    high = extract_features(tone(6000, amp=0.5), sr=SR, fps=FPS)
    assert np.all(interior(low, "low_ratio") > 0.9)
    assert np.all(interior(high, "high_ratio") > 0.9)
    f1 = interior(extract_features(tone(500, amp=0.5), sr=SR, fps=FPS), "f1_hz")
    assert np.all(np.abs(f1 - 500) <= 30)


def test_empty_input_gives_no_frames():
    assert len(extract_features(np.zeros(0, np.float32), sr=SR, fps=FPS)) == 0
    extractor = FrameFeatureExtractor(sr=SR, fps=FPS)
    assert len(extractor.push(np.zeros(0, np.float32))) == 0
    feats = extractor.flush()
    assert len(feats) == 0 and all(getattr(feats, n).shape == (0,) for n in FIELDS)


@pytest.mark.parametrize("sr, fps", [(0, 25), (-16000, 25), (16000, 0), (16000, -25)])
def test_bad_rates_raise(sr, fps):
    with pytest.raises(ValueError):
        FrameFeatureExtractor(sr=sr, fps=fps)
    with pytest.raises(ValueError):
        extract_features(np.zeros(100, np.float32), sr=sr, fps=fps)
