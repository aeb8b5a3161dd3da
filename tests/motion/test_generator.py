from functools import lru_cache

import numpy as np
import pytest

from facetalk.audio.mel import AudioFrontEnd
from facetalk.config import Controls, MotionConfig
from facetalk.motion.lipsync import PARAMS, SHAPE_FIELDS
from facetalk.motion.generator import MotionGenerator, generate_motion
from facetalk.motion.lipsync import load_lipsync_model

SR, FPS = 16000, 25
HEAD = ("yaw_deg", "pitch_deg", "roll_deg", "tx", "ty")


def run(audio: np.ndarray, chunk: int | None = None, config: MotionConfig = MotionConfig(), **controls):
    chunks = [audio] if chunk is None else [audio[i:i + chunk] for i in range(0, len(audio), chunk)]
    return list(generate_motion(chunks, config, Controls(**controls), sr=SR))


def track(frames, name: str) -> np.ndarray:
    return np.array([getattr(f, name) for f in frames])


@lru_cache(maxsize=None)
def minute_of_silence(seed: int = 0, blink_rate_per_min: float = 17.0) -> tuple:
    return tuple(run(np.zeros(60 * SR, np.float32), seed=seed, blink_rate_per_min=blink_rate_per_min))


def closed_spans(blink: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) frame ranges where the lid is more than half closed."""
    edges = np.diff(np.concatenate([[0], (blink > 0.5).astype(int), [0]]))
    return list(zip(np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]))


def test_mouth_is_the_lip_sync_model_of_the_audio(speech_then_silence):
    audio, _ = speech_then_silence
    frames = run(audio, chunk=320)
    config = MotionConfig()
    stream = load_lipsync_model().stream(fps=FPS, sr=SR, lookahead_s=MotionGenerator().lookahead_s,
                                         lead_s=config.mouth_lead_s)
    expected = [stream.push(audio), stream.flush()]
    assert len(frames) == int(np.ceil(len(audio) / SR * FPS))
    assert np.array_equal(track(frames, "t_s"), np.arange(len(frames)) / FPS)
    for name in SHAPE_FIELDS:  # the lips and the tongue-tip net's tongue_tip
        assert np.array_equal(track(frames, name), np.concatenate([getattr(e, name) for e in expected]).astype(float))
    assert track(frames, "tongue_tip").max() > 0.3  # "Hello, my name is Ada. Papa paid a lot.": l, n, d, t
    assert all(f.jaw_open == 0.0 and f.lip_press == 0.0 and f.tongue_tip == 0.0
               for f in run(np.zeros(2 * SR, np.float32)))


def test_speech_opens_the_mouth_and_it_closes_within_100_ms(speech_then_silence):
    audio, end_s = speech_then_silence
    frames = run(audio, chunk=SR // 50)
    jaw, t = track(frames, "jaw_open"), track(frames, "t_s")
    assert jaw[t < end_s].max() > 0.4 and jaw[t < end_s].mean() > 0.15
    after = t >= end_s + 0.1
    # Shut: the jaw up and the lips together (motion.lipsync.PauseClosure presses them in the pause).
    gap = jaw * (1.0 - track(frames, "lip_press"))
    assert after.sum() > 20 and np.all(jaw[after] < 0.05) and np.all(gap[after] < 0.01)
    assert all(f.jaw_open <= 1.0 for f in run(audio, mouth_gain=2.0))
    assert all(f.jaw_open == 0.0 for f in run(audio, mouth_gain=0.0))


def test_same_seed_same_frames_whatever_the_chunking(speech_then_silence):
    audio, _ = speech_then_silence
    whole = run(audio, seed=7)
    assert run(audio, chunk=SR // 50, seed=7) == whole
    assert run(audio, chunk=SR // 2, seed=7) == whole
    assert run(audio, seed=7) == whole


def test_different_seeds_move_the_head_differently(speech):
    a, b = run(speech, seed=1), run(speech, seed=2)
    for name in ("yaw_deg", "pitch_deg", "roll_deg"):
        assert not np.allclose(track(a, name), track(b, name)), name
    assert np.array_equal(track(a, "jaw_open"), track(b, "jaw_open"))  # the mouth follows the audio only


def test_zero_head_motion_holds_the_head_still(speech):
    frames = run(np.concatenate([speech, np.zeros(SR // 2, np.float32), speech]), head_motion=0.0)
    for name in HEAD:
        assert np.all(track(frames, name) == 0.0), name
    assert max(f.jaw_open for f in frames) > 0.3


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_blinks_at_a_human_rate_and_shape(seed):
    blink = track(minute_of_silence(seed), "blink_left")
    assert np.array_equal(blink, track(minute_of_silence(seed), "blink_right"))
    assert np.all((blink >= 0) & (blink <= 1))
    spans = closed_spans(blink)  # one per rising edge through 0.5; 60 s of audio, so per minute
    assert 8 <= len(spans) <= 30
    assert all((end - start) / FPS < 0.4 for start, end in spans)
    apex_closed = [blink[start:end].max() > 0.9 for start, end in spans]
    assert np.mean(apex_closed) >= 0.8


def test_no_blinks_at_rate_zero():
    assert all(f.blink_left == 0.0 and f.blink_right == 0.0 for f in minute_of_silence(0, 0.0))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_head_motion_is_smooth_and_moderate(seed):
    yaw = track(minute_of_silence(seed), "yaw_deg")
    assert np.percentile(np.abs(np.diff(yaw)), 95) < 0.5
    assert 0.5 <= yaw.std() <= 8.0


def test_gaze_stays_in_range(speech):
    frames = list(minute_of_silence(0)) + run(speech, seed=3) + list(minute_of_silence(1))
    for name in ("gaze_x", "gaze_y"):
        values = track(frames, name)
        assert np.all(np.abs(values) <= 1.0) and np.any(values != 0.0), name


def test_lookahead_is_bounded():
    # The features' look-ahead plus the mouth's lead: within the 80 ms a live stream can afford.
    config = MotionConfig()
    assert MotionGenerator().lookahead_s == pytest.approx(config.lookahead_s + config.mouth_lead_s, abs=1 / SR)
    assert MotionGenerator().lookahead_s <= 0.08
    assert MotionGenerator(MotionConfig(lookahead_s=0.02, mouth_lead_s=0.0)).lookahead_s <= 0.02 + 1 / SR


def test_the_mouth_leads_by_mouth_lead_s(speech):
    """A frame shows the mouth the lip model gives mouth_lead_s later (the lips lead the sound)."""
    lead_frames = 2
    led = run(speech, config=MotionConfig(fps=50, mouth_lead_s=lead_frames / 50))
    plain = run(speech, config=MotionConfig(fps=50, mouth_lead_s=0.0))
    jaw_led, jaw_plain = track(led, "jaw_open"), track(plain, "jaw_open")
    assert np.allclose(jaw_led[:-lead_frames - 2], jaw_plain[lead_frames:-2], atol=1e-6)


@pytest.mark.parametrize("fps", [25, 30])
def test_no_frame_before_its_audio_and_lookahead(speech, fps):
    gen = MotionGenerator(MotionConfig(fps=fps), sr=SR)
    rng = np.random.default_rng(fps)
    pushed, emitted = 0, 0
    while pushed < len(speech):
        size = int(rng.choice([0, 1, 13, 320, 555, 2000]))
        frames = gen.push(speech[pushed:pushed + size])
        pushed += len(speech[pushed:pushed + size])
        for frame in frames:
            assert frame.t_s == pytest.approx(emitted / fps)
            # Sub-sample slack: frame centres are rounded to whole samples.
            assert frame.t_s + gen.lookahead_s <= pushed / SR + 0.5 / SR
            emitted += 1
        # ...and each frame comes as soon as its audio is there.
        assert emitted / fps + gen.lookahead_s > pushed / SR - 0.5 / SR
    assert emitted + len(gen.flush()) == int(np.ceil(len(speech) / SR * fps))


@pytest.mark.parametrize("fps", [25, 30])
def test_any_chunking_gives_the_same_frames(speech_then_silence, fps):
    audio, _ = speech_then_silence
    config = MotionConfig(fps=fps)
    whole = run(audio, config=config, seed=4)
    sizes = np.random.default_rng(fps).choice([0, 1, 7, 160, 555, 2001], 400)
    edges = np.minimum(np.concatenate([[0], np.cumsum(sizes)]), len(audio))
    chunks = [audio[a:b] for a, b in zip(edges[:-1], edges[1:])] + [audio[edges[-1]:]]
    assert list(generate_motion(chunks, config, Controls(seed=4), sr=SR)) == whole


def test_a_lip_stream_fed_the_shared_analysis_moves_as_one_fed_pcm(speech_then_silence):
    """The generator's lip stream reads the front end it shares with the voice; a stream that
    analyses the PCM itself gives the same mouth, frame for frame and call for call."""
    audio, _ = speech_then_silence
    model, fps = load_lipsync_model(), 30
    pushed, fed, frontend = model.stream(fps=fps, sr=SR), model.stream(fps=fps, sr=SR), AudioFrontEnd(sr=SR)
    for i in range(0, len(audio), 333):
        a, b = pushed.push(audio[i:i + 333]), fed.feed(frontend.push(audio[i:i + 333].astype(np.float32)))
        assert all(np.array_equal(getattr(a, name), getattr(b, name)) for name in SHAPE_FIELDS)
    n = int(np.ceil(len(audio) / SR * fps)) + 5  # past the end: silence
    a = pushed.flush(n_frames=n)
    b = fed.finish(frontend.flush(n_frames=max(fed.frames_needed(n), frontend.n_frames)), n_frames=n)
    assert len(a) == len(b) > 5 and all(np.array_equal(getattr(a, name), getattr(b, name)) for name in SHAPE_FIELDS)
    with pytest.raises(ValueError, match="fed analysis frames"):
        fed.push(audio[:100])
    with pytest.raises(ValueError, match="finish"):
        fed.flush()


def test_padding_past_the_end_is_silence(speech):
    n = int(np.ceil(len(speech) / SR * FPS))
    padded = list(generate_motion([speech], controls=Controls(seed=2), sr=SR, n_frames=n + 50))
    assert padded[:n] == run(speech, seed=2)
    assert all(f.jaw_open == 0.0 for f in padded[-20:])
