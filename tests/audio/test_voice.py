import math

import numpy as np
import pytest

from facetalk.audio.clock import frame_centre
from facetalk.audio.mel import AudioFrontEnd
from facetalk.audio.voice import VoiceReader

SR, FPS = 16000, 25


def voice(f0_hz: float, seconds: float = 1.0, amp: float = 0.3) -> np.ndarray:
    """A buzzy vowel-like tone: harmonics of f0 falling off at 6 dB per octave."""
    t = np.arange(int(seconds * SR)) / SR
    return (amp * sum(np.sin(2 * np.pi * k * f0_hz * t) / k for k in range(1, 12))).astype(np.float32)


def read(audio: np.ndarray, chunks: list[int] | None = None, *, fps: int = FPS, lookahead_s: float = 0.032):
    """(loudness_db, f0_hz) of every video frame of a clip, fed in `chunks` (default: at once)."""
    frontend, reader = AudioFrontEnd(sr=SR), VoiceReader(sr=SR, fps=fps, lookahead_s=lookahead_s)
    out, pos = [], 0
    for size in (chunks or []) + [len(audio)]:  # the last chunk: what is left
        out += reader.push(frontend.push(audio[pos:pos + size]))
        pos += size
    n = math.ceil(len(audio) * fps / SR)
    out += reader.finish(frontend.flush(n_frames=max(reader.frames_needed(n), frontend.n_frames)), n_frames=n)
    assert len(out) == n
    return np.array([v.loudness_db for v in out]), np.array([v.f0_hz for v in out])


@pytest.mark.parametrize("f0", [85.0, 120.0, 210.0, 330.0])
def test_pitch_of_a_voiced_tone(f0):
    _, hz = read(voice(f0))
    inner = slice(2, -2)  # frames whose analysis lies wholly inside the tone
    np.testing.assert_allclose(hz[inner], f0, rtol=0.005)


def test_no_pitch_in_noise_or_silence():
    noise = np.random.default_rng(0).normal(0, 0.1, SR).astype(np.float32)
    assert np.mean(read(noise)[1] == 0) > 0.9
    loudness, hz = read(np.zeros(SR, np.float32))
    assert np.all(hz == 0) and np.all(loudness == loudness[0]) and -100 < loudness[0] < -90


@pytest.mark.parametrize("amplitude, expected_db", [(1.0, -3.01), (0.01, -43.01)])
def test_loudness_of_a_sine_in_dbfs(amplitude, expected_db):
    t = np.arange(SR) / SR
    loudness, _ = read((amplitude * np.sin(2 * np.pi * 300.0 * t)).astype(np.float32))
    np.testing.assert_allclose(loudness[2:-2], expected_db, atol=0.1)


@pytest.mark.parametrize("fps", [25, 30])
def test_same_voice_however_the_audio_is_chunked(speech, fps):
    whole = read(speech, fps=fps)
    rng = np.random.default_rng(fps)
    chunked = read(speech, [int(x) for x in rng.choice([0, 1, 160, 555, 2000, 7000], 40)], fps=fps)
    for a, b in zip(whole, chunked):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("fps, lookahead_s", [(25, 0.032), (30, 0.032), (25, 0.02), (30, 0.005), (60, 0.1)])
def test_each_frame_comes_once_its_lookahead_has_arrived(speech, fps, lookahead_s):
    frontend, reader = AudioFrontEnd(sr=SR), VoiceReader(sr=SR, fps=fps, lookahead_s=lookahead_s)
    reach = round(lookahead_s * SR)
    emitted, pushed = 0, 0
    for size in np.random.default_rng(1).choice([1, 13, 160, 555], 200):
        pushed += size
        emitted += len(reader.push(frontend.push(np.zeros(size, np.float32))))
        if not emitted:
            continue
        first, last = reader.span(emitted - 1)
        # Frames read audio no further than their look-ahead...
        assert frontend.clock.centre(last) + frontend.half <= frame_centre(emitted - 1, sr=SR, fps=fps) + reach
        assert 0 <= first <= last or last < 0  # none yet: the silence before t = 0
        # ...and come as soon as it is there.
        assert frame_centre(emitted, sr=SR, fps=fps) + reach > pushed


def test_finish_needs_the_frames_it_promised():
    frontend, reader = AudioFrontEnd(sr=SR), VoiceReader(sr=SR, fps=FPS, lookahead_s=0.032)
    reader.push(frontend.push(np.zeros(SR, np.float32)))
    with pytest.raises(ValueError, match="analysis frames"):
        reader.finish(frontend.flush(n_frames=reader.frames_needed(30) - 1), n_frames=30)


def test_frames_out_of_order_are_refused():
    frontend, reader = AudioFrontEnd(sr=SR), VoiceReader(sr=SR, fps=FPS, lookahead_s=0.032)
    frontend.push(np.zeros(SR // 2, np.float32))  # frames the reader never sees
    with pytest.raises(ValueError, match="in order"):
        reader.push(frontend.push(np.zeros(SR // 2, np.float32)))
