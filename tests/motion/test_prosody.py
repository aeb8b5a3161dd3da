import numpy as np
import pytest

from facetalk.audio.features import extract_features
from facetalk.motion.prosody import PitchTracker, ProsodyTracker

SR, FPS, WINDOW = 16000, 25, 1024


def voice(f0_hz: float, seconds: float = 1.0) -> np.ndarray:
    """A buzzy vowel-like tone: harmonics of f0 falling off at 6 dB per octave."""
    t = np.arange(int(seconds * SR)) / SR
    return (0.3 * sum(np.sin(2 * np.pi * k * f0_hz * t) / k for k in range(1, 12))).astype(np.float32)


def pitch_of(audio: np.ndarray, chunks: list[int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    tracker = PitchTracker(sr=SR, fps=FPS, window=WINDOW)
    n = int(np.ceil(len(audio) / SR * FPS))
    if chunks is None:
        tracker.push(audio)
        return tracker.frames(0, n)
    out, pos, done = [], 0, 0
    for size in chunks:
        tracker.push(audio[pos:pos + size])
        pos += size
        ready = max(0, min(n, (pos - WINDOW // 2) * FPS // SR + 1) - done)  # frames whose window is in
        out.append(tracker.frames(done, ready))
        done += ready
    out.append(tracker.frames(done, n - done))
    return tuple(np.concatenate(parts) for parts in zip(*out))


@pytest.mark.parametrize("f0", [85.0, 120.0, 210.0, 330.0])
def test_pitch_of_a_voiced_tone(f0):
    hz, periodicity = pitch_of(voice(f0))
    inner = slice(2, -2)  # windows wholly inside the tone
    np.testing.assert_allclose(hz[inner], f0, rtol=0.01)
    assert np.all(periodicity[inner] > 0.9)


def test_no_pitch_in_noise_or_silence():
    noise = np.random.default_rng(0).normal(0, 0.1, SR).astype(np.float32)
    hz, _ = pitch_of(noise)
    assert np.mean(hz == 0) > 0.9
    hz, periodicity = pitch_of(np.zeros(SR, np.float32))
    assert np.all(hz == 0) and np.all(periodicity == 0)


def test_pitch_does_not_depend_on_chunking(speech):
    whole = pitch_of(speech)
    rng = np.random.default_rng(1)
    chunked = pitch_of(speech, [int(x) for x in rng.choice([1, 160, 555, 2000, 7000], 40)])
    for a, b in zip(whole, chunked):
        np.testing.assert_array_equal(a, b)


def test_prosody_of_speech_then_silence(speech_then_silence):
    audio, speech_end_s = speech_then_silence
    feats = extract_features(audio, sr=SR, fps=FPS)
    hz, periodicity = pitch_of(audio)
    tracker = ProsodyTracker(fps=FPS)
    p = [tracker.step(float(feats.loudness_db[i]), float(hz[i]), float(periodicity[i])) for i in range(len(feats))]
    t = np.arange(len(p)) / FPS
    speaking = np.array([x.speaking for x in p])
    assert speaking[(t > 0.3) & (t < speech_end_s - 0.3)].mean() > 0.8
    assert not np.any(speaking[t > speech_end_s + 0.2])
    ends = [t[i] for i, x in enumerate(p) if x.phrase_end]
    assert ends and ends[-1] == pytest.approx(speech_end_s + ProsodyTracker.PHRASE_PAUSE_S, abs=0.1)
    assert p[-1].pause_s > 0.5 and p[-1].activity < 0.2
    accents = [x.accent for x in p if x.accent > 0]
    assert len(accents) >= 4 and all(0 < a <= 1 for a in accents)
    assert all(x.speaking for x in p if x.accent > 0)
    assert all(0.4 <= x.effort <= 2.0 for x in p)
