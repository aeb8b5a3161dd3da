import numpy as np
import pytest

from facetalk.audio.mel import ENERGY, N_FEATURES, N_MELS, PITCH, VOICING, MelExtractor, log_mel

SR = 16000


def tone(f0_hz: float, seconds: float = 1.0, sr: int = SR) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (0.3 * sum(np.sin(2 * np.pi * k * f0_hz * t) / k for k in range(1, 8))).astype(np.float32)


def test_one_frame_per_10_ms_and_digital_silence_is_one_constant_frame():
    frames = log_mel(np.zeros(SR, np.float32))
    assert frames.shape == (100, N_FEATURES) and frames.dtype == np.float32
    assert np.all(frames == frames[0])
    assert frames[0, VOICING] == 0.0 and frames[0, PITCH] == 0.0


def test_same_frames_however_the_audio_is_chunked(speech):
    whole = log_mel(speech)
    extractor = MelExtractor(sr=SR)
    rng = np.random.default_rng(0)
    parts, pushed = [], 0
    while pushed < len(speech):
        size = int(rng.choice([0, 1, 13, 160, 555, 2000]))
        parts.append(extractor.push(speech[pushed:pushed + size]))
        pushed += size
    parts.append(extractor.flush())
    assert np.array_equal(np.concatenate(parts), whole)


def test_no_frame_before_its_audio_and_lookahead():
    extractor = MelExtractor(sr=SR)
    assert extractor.lookahead_s == pytest.approx(0.012)
    emitted = 0
    for pushed in range(0, SR // 2, 37):
        emitted += len(extractor.push(np.zeros(37, np.float32)))
        available = pushed + 37
        # frame j needs audio up to its centre (j * 10 ms) + 12 ms, and comes as soon as it is there
        assert (emitted - 1) * SR // 100 + 192 <= available < emitted * SR // 100 + 192


def test_pitch_and_voicing_follow_a_harmonic_tone():
    for f0 in (110.0, 220.0, 440.0):
        frames = log_mel(tone(f0))[10:-10]
        assert np.median(frames[:, VOICING]) > 0.8
        f0_est = 200.0 * 2 ** (frames[:, PITCH] / frames[:, VOICING])
        assert np.median(f0_est) == pytest.approx(f0, rel=0.03)
    noise = np.random.default_rng(0).normal(0, 0.1, SR).astype(np.float32)
    assert np.median(log_mel(noise)[10:-10, VOICING]) < 0.5


def test_energy_tracks_level_and_telephone_audio_leaves_the_top_bands_empty():
    loud, quiet = log_mel(tone(200.0)), log_mel(tone(200.0) * 0.1)
    assert np.median(loud[:, ENERGY] - quiet[:, ENERGY]) == pytest.approx(np.log(100.0), abs=0.01)
    rng = np.random.default_rng(0)
    wide = log_mel(rng.normal(0, 0.1, SR).astype(np.float32))
    narrow = log_mel(rng.normal(0, 0.1, SR // 2).astype(np.float32), sr=8000)
    assert narrow.shape == (100, N_FEATURES)
    top = slice(N_MELS - 5, N_MELS)  # bands above 4 kHz
    assert np.all(narrow[5:-5, top] < wide[5:-5, top] - 10)
