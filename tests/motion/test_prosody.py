import numpy as np
import pytest

from facetalk.audio.voice import VoiceFrame, voice_of
from facetalk.motion.prosody import ProsodyTracker

SR, FPS = 16000, 25


def prosody_of(voices: list[VoiceFrame]) -> list:
    tracker = ProsodyTracker(fps=FPS)
    return [tracker.step(v) for v in voices]


def test_prosody_of_speech_then_silence(speech_then_silence):
    audio, speech_end_s = speech_then_silence
    p = prosody_of(voice_of(audio, sr=SR, fps=FPS, lookahead_s=0.032))
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


def glide(f0_from_hz: float, f0_to_hz: float, seconds: float) -> np.ndarray:
    """A vowel-like tone whose pitch glides exponentially between two frequencies."""
    t = np.arange(int(seconds * SR)) / SR
    f0 = f0_from_hz * (f0_to_hz / f0_from_hz) ** (t / seconds)
    phase = 2 * np.pi * np.cumsum(f0) / SR
    return (0.3 * sum(np.sin(k * phase) / k for k in range(1, 12))).astype(np.float32)


def test_pitch_follows_the_voice_in_semitones():
    """Steady at 150 Hz, then a rise of an octave: pitch_st rises by about 12 semitones over
    the running mean, held through the pause after it and 0 once speech has stopped."""
    audio = np.concatenate([glide(150, 150, 2.0), glide(150, 300, 0.5), glide(300, 300, 0.1),
                            np.zeros(SR, np.float32)])
    p = prosody_of(voice_of(audio, sr=SR, fps=FPS, lookahead_s=0.032))
    pitch = np.array([x.pitch_st for x in p])
    assert np.all(np.abs(pitch[25:50]) < 0.5)  # the mean has settled on the steady tone
    assert 6.0 < pitch[62:66].max() < 13.0  # the mean follows the rise a little
    assert np.all(pitch[-10:] == 0.0) and not p[-1].speaking


def test_louder_speech_is_more_effort(speech):
    quiet = np.concatenate([speech, np.zeros(SR // 2, np.float32)] * 3)
    loud = np.concatenate([quiet, 4 * quiet])
    effort = np.array([x.effort for x in prosody_of(voice_of(loud, sr=SR, fps=FPS, lookahead_s=0.032))])
    n = len(quiet) * FPS // SR
    assert np.median(effort[n + n // 2:]) > np.median(effort[n // 2:n]) + 0.3


def test_silence_is_no_speech():
    p = prosody_of(voice_of(np.zeros(2 * SR, np.float32), sr=SR, fps=FPS, lookahead_s=0.032))
    assert not any(x.speaking or x.phrase_start or x.accent for x in p)
    assert all(x.pitch_st == 0.0 and x.effort == pytest.approx(1.0) for x in p)
