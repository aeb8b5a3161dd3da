"""Streaming: small PCM chunks in, each frame out as soon as its audio (plus look-ahead) is in."""

import math
import threading

import numpy as np
import pytest

from facetalk.config import Controls
from facetalk.pipeline import Animator, n_frames_for

SR = 16000
FPS = 25


@pytest.fixture(scope="module")
def animator(analysis):
    """The bundled portrait's Animator, made from the session's analysis of it (conftest: the face
    models' answers replayed, bit-identical to theirs; Animator.__init__ is test_pipeline's)."""
    return Animator.from_analysis(analysis)


def _chunks(audio, chunk_s):
    step = int(chunk_s * SR)
    return [audio[i:i + step] for i in range(0, len(audio), step)]


def test_stream_gives_the_frames_render_gives(animator, speech):
    speech = speech[:int(1.2 * SR)]  # 30 frames: rendering is the slow part
    controls = Controls(seed=4)
    offline = list(animator.render(speech, controls))
    live = list(animator.stream(_chunks(speech, 0.02), controls))
    assert len(live) == len(offline) == n_frames_for(len(speech), sr=SR, fps=FPS)
    for a, b in zip(live, offline):
        assert a.index == b.index and a.t_s == b.t_s and a.motion == b.motion
        np.testing.assert_array_equal(a.image, b.image)


def test_each_frame_comes_out_as_soon_as_its_audio_is_in(animator, speech):
    session = animator.open_stream(Controls(seed=1))
    n_out = 0
    for chunk in _chunks(speech, 0.03):
        frames = session.push(chunk)
        assert [f.index for f in frames] == list(range(n_out, n_out + len(frames)))
        n_out += len(frames)
        heard_s = session.n_samples / SR
        # Frame i (at i / fps) needs audio up to i / fps + look-ahead, and no more.
        assert n_out == math.floor((heard_s - session.lookahead_s) * FPS + 1e-9) + 1
        assert all(f.image.shape == (512, 512, 3) and f.image.dtype == np.uint8 for f in frames)
    rest = session.close()
    assert n_out + len(rest) == n_frames_for(len(speech), sr=SR, fps=FPS)
    assert session.close() == []
    with pytest.raises(RuntimeError):
        session.push(speech[:320])


def test_skipped_frames_leave_the_later_ones_as_offline(animator, speech):
    """A live stream behind real time skips drawing frames; the ones it draws after are still
    the offline render's frames of their index (motion and image)."""
    speech = speech[:int(1.2 * SR)]
    controls = Controls(seed=4)
    offline = list(animator.render(speech, controls))
    session = animator.open_stream(controls)
    drawn = []
    for k, chunk in enumerate(_chunks(speech, 0.02)):
        drawn += session.push(chunk, render=not 10 <= k < 30)  # 0.4 s of audio not drawn
        assert session.n_frames_done >= len(drawn)
    drawn += session.close()
    assert session.n_frames_done == len(offline)
    skipped = len(offline) - len(drawn)
    assert 8 <= skipped <= 12, skipped
    for frame in drawn:
        np.testing.assert_array_equal(frame.image, offline[frame.index].image)
        assert frame.motion == offline[frame.index].motion


def test_int16_pcm_is_scaled_like_float(animator, speech):
    pcm16 = np.round(speech[:SR] * 32767).astype(np.int16)
    a = [f.motion for f in animator.stream(_chunks(pcm16, 0.02))]
    b = [f.motion for f in animator.stream(_chunks(pcm16.astype(np.float32) / 32768.0, 0.02))]
    assert a == b


def test_sessions_of_one_animator_run_in_threads(animator, speech):
    """A server streams several clients from one cached avatar at once."""
    speech = speech[:SR]
    expected = [f.image for f in animator.stream(_chunks(speech, 0.02), Controls(seed=2))]
    results = [None] * 2

    def run(k):
        results[k] = [f.image for f in animator.stream(_chunks(speech, 0.02), Controls(seed=2))]

    threads = [threading.Thread(target=run, args=(k,)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for images in results:
        assert len(images) == len(expected)
        assert all(np.array_equal(a, b) for a, b in zip(images, expected))


def test_bad_chunks_are_refused(animator):
    session = animator.open_stream()
    with pytest.raises(ValueError):
        session.push(np.zeros((2, 320), np.float32))
    with pytest.raises(ValueError):
        session.push(np.full(320, np.nan, np.float32))
