import numpy as np

from facetalk.audio.features import AudioFeatures, extract_features
from facetalk.motion.lips import LipMapper

SR, FPS = 16000, 25


def mouth(audio: np.ndarray, *, gain: float = 1.0):
    feats = extract_features(audio, sr=SR, fps=FPS)
    return feats, LipMapper(fps=FPS, gain=gain)(feats)


def frames_slice(feats: AudioFeatures, a: int, b: int) -> AudioFeatures:
    return AudioFeatures(**{n: getattr(feats, n)[a:b] for n in AudioFeatures.__dataclass_fields__})


def test_digital_silence_keeps_the_mouth_shut():
    _, shape = mouth(np.zeros(3 * SR, np.float32))
    assert np.all(shape.jaw_open == 0.0) and np.all(shape.lip_spread == 0.0)


def test_speech_opens_the_jaw(speech):
    feats, shape = mouth(np.concatenate([np.zeros(SR // 2, np.float32), speech]))
    jaw = shape.jaw_open
    loud = feats.loudness_db > -40
    lead_in = feats.t_s < 0.5 - 0.04  # windows wholly inside the leading silence
    silent = feats.loudness_db < -99  # also pauses inside the speech, where the jaw is still closing
    assert jaw.dtype == np.float32 and jaw.shape == (len(feats),)
    assert np.all((jaw >= 0) & (jaw <= 1)) and jaw.max() > 0.3
    assert loud.sum() > 10 and np.all(jaw[lead_in] == 0.0)
    assert jaw[loud].mean() > 0.2 and jaw[loud].mean() > 3 * jaw[silent].mean()
    assert np.all(np.abs(shape.lip_spread) <= 1) and np.abs(shape.lip_spread).max() > 0.01


def test_jaw_closes_within_100_ms_of_the_end_of_speech(speech_then_silence):
    audio, end_s = speech_then_silence
    feats, shape = mouth(audio)
    before = (feats.t_s > end_s - 0.3) & (feats.t_s <= end_s)
    assert shape.jaw_open[before].max() > 0.3  # the mouth really was open as speech ended
    after = feats.t_s >= end_s + 0.1
    assert after.sum() > 20 and np.all(shape.jaw_open[after] < 0.05)


def test_mapper_is_chunk_invariant_and_gain_scales(speech):
    feats = extract_features(speech, sr=SR, fps=FPS)
    whole = LipMapper(fps=FPS)(feats)
    mapper = LipMapper(fps=FPS)
    cuts = [0, 1, 2, 7, 20, len(feats)]
    pieces = [mapper(frames_slice(feats, a, b)) for a, b in zip(cuts[:-1], cuts[1:])]
    assert np.array_equal(np.concatenate([p.jaw_open for p in pieces]), whole.jaw_open)
    assert np.array_equal(np.concatenate([p.lip_spread for p in pieces]), whole.lip_spread)
    assert np.all(LipMapper(fps=FPS, gain=0.0)(feats).jaw_open == 0.0)
