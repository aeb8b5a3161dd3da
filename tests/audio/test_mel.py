import numpy as np
import pytest

from facetalk.audio.mel import (ENERGY, N_FEATURES, N_MELS, PITCH, VOICING, AnalysisClock, AudioFrontEnd, energy_db,
                                energy_from_db, log_mel)

SR = 16000


def tone(f0_hz: float, seconds: float = 1.0, sr: int = SR) -> np.ndarray:
    t = np.arange(int(seconds * sr)) / sr
    return (0.3 * sum(np.sin(2 * np.pi * k * f0_hz * t) / k for k in range(1, 8))).astype(np.float32)


def analyse(samples: np.ndarray, sr: int = SR) -> tuple[np.ndarray, np.ndarray]:
    """(features, f0_hz) of a whole clip."""
    frontend = AudioFrontEnd(sr=sr)
    parts = [frontend.push(samples), frontend.flush()]
    return np.concatenate([p.features for p in parts]), np.concatenate([p.f0_hz for p in parts])


def test_one_frame_per_10_ms_and_digital_silence_is_one_constant_frame():
    frames = log_mel(np.zeros(SR, np.float32))
    assert frames.shape == (100, N_FEATURES) and frames.dtype == np.float32
    assert np.all(frames == frames[0])
    assert frames[0, VOICING] == 0.0 and frames[0, PITCH] == 0.0
    assert np.all(analyse(np.zeros(SR, np.float32))[1] == 0.0)


def test_same_frames_however_the_audio_is_chunked(speech):
    whole, whole_f0 = analyse(speech)
    frontend = AudioFrontEnd(sr=SR)
    rng = np.random.default_rng(0)
    parts, pushed = [], 0
    while pushed < len(speech):
        size = int(rng.choice([0, 1, 13, 160, 555, 2000]))
        parts.append(frontend.push(speech[pushed:pushed + size]))
        pushed += size
        assert parts[-1].n_samples == min(pushed, len(speech))
    parts.append(frontend.flush())
    assert [p.first for p in parts] == list(np.cumsum([0] + [len(p) for p in parts[:-1]]))
    assert np.array_equal(np.concatenate([p.features for p in parts]), whole)
    assert np.array_equal(np.concatenate([p.f0_hz for p in parts]), whole_f0)
    assert np.array_equal(log_mel(speech), whole)


def test_no_frame_before_its_audio_and_lookahead():
    frontend = AudioFrontEnd(sr=SR)
    assert frontend.lookahead_s == pytest.approx(0.012)
    emitted = 0
    for pushed in range(0, SR // 2, 37):
        emitted += len(frontend.push(np.zeros(37, np.float32)))
        available = pushed + 37
        # frame j needs audio up to its centre (j * 10 ms) + 12 ms, and comes as soon as it is there
        assert (emitted - 1) * SR // 100 + 192 <= available < emitted * SR // 100 + 192
        assert frontend.clock.last_complete(available) == emitted - 1


@pytest.mark.parametrize("sr", [8000, 16000, 22050, 44100])
def test_clock_finds_the_frames_the_stream_emits(sr):
    clock = AnalysisClock(sr=sr)
    index = np.arange(-100, 400)
    centres = np.array([clock.centre(j) for j in index])
    for sample in range(-500, 3 * sr, 97):
        last = index[centres + clock.half <= sample].max()
        if last >= 0:
            assert clock.last_complete(sample) == last
        assert clock.first_centred_from(sample) == index[centres >= sample].min()


def test_pitch_and_voicing_follow_a_harmonic_tone():
    for f0 in (110.0, 220.0, 330.0, 440.0):
        frames, f0_hz = analyse(tone(f0))
        frames, f0_hz = frames[10:-10], f0_hz[10:-10]
        assert np.median(frames[:, VOICING]) > 0.8
        # The model's input: F0 at a whole-sample lag.
        f0_est = 200.0 * 2 ** (frames[:, PITCH] / frames[:, VOICING])
        assert np.median(f0_est) == pytest.approx(f0, rel=0.03)
        # The record's F0 is refined between lags.
        np.testing.assert_allclose(f0_hz, f0, rtol=0.003)
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


@pytest.mark.parametrize("amplitude, expected_db", [(1.0, -3.01), (0.1, -23.01)])
def test_energy_in_dbfs(amplitude, expected_db):
    t = np.arange(SR) / SR
    sine = (amplitude * np.sin(2 * np.pi * 441.0 * t)).astype(np.float32)
    db = energy_db(log_mel(sine)[5:-5, ENERGY])
    np.testing.assert_allclose(db, expected_db, atol=0.1)


def test_energy_from_db_inverts_energy_db():
    """One conversion both ways: a -23 dBFS sine's ENERGY back from its dBFS, and dBFS back from ENERGY."""
    t = np.arange(SR) / SR
    energy = log_mel((0.1 * np.sin(2 * np.pi * 441.0 * t)).astype(np.float32))[5:-5, ENERGY]
    np.testing.assert_allclose(energy_from_db(energy_db(energy)), energy, rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(energy_db(energy_from_db(np.array([-60.0, -15.0, -3.01]))), [-60.0, -15.0, -3.01])
    np.testing.assert_allclose(energy_from_db(-23.01), energy, atol=0.03)


@pytest.mark.parametrize("sr", [0, 4000, 7999])
def test_rates_below_8_khz_are_refused(sr):
    with pytest.raises(ValueError, match="8000"):
        AudioFrontEnd(sr=sr)
