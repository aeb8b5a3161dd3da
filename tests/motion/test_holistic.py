"""Everything but the lips, on speech with pauses: head, blinks, gaze, brows, emotion, controls.

HolisticMotion runs on the prosody of the audio and a stand-in mouth (jaw from loudness), so
these tests do not depend on, or wait for, the lip model; test_generator covers the whole.
"""

from functools import lru_cache

import numpy as np
import pytest
from scipy.signal import welch

from facetalk.audio.voice import VoiceFrame, voice_of
from facetalk.config import EMOTIONS, Controls
from facetalk.motion import emotion
from facetalk.motion.gaze import GAZE_X_DEG, GAZE_Y_DEG
from facetalk.motion.frame import MotionFrame
from facetalk.motion.generator import generate_motion
from facetalk.motion.holistic import HolisticMotion
from facetalk.params import AFTER_EXPRESSION, BY_NAME, EXPRESSION
from facetalk.motion.prosody import ProsodyTracker

SR, FPS = 16000, 25
POSE = ("yaw_deg", "pitch_deg", "roll_deg", "tx", "ty")
PAUSES_S = (0.3, 0.8, 0.5, 1.2, 0.4, 0.9, 0.6, 1.5, 0.35, 0.7, 1.0, 0.5)


@pytest.fixture(scope="module")
def talk_audio(speech):
    """loud_every -> ~28 s: the speech fixture 12 times with pauses between, every
    `loud_every`-th time (if any) 3x louder."""
    voiced = np.nonzero(np.abs(speech) > 0.01)[0]
    sentence = speech[voiced[0]:voiced[-1] + 1]

    @lru_cache(maxsize=None)
    def audio(loud_every: int = 0) -> np.ndarray:
        parts = []
        for i, pause in enumerate(PAUSES_S):
            parts += [loud(loud_every, i) * sentence, np.zeros(int(pause * SR), np.float32)]
        return np.concatenate(parts).astype(np.float32)
    audio.gain_per_frame = lambda loud_every: np.concatenate([
        np.full(len(sentence) + int(pause * SR), loud(loud_every, i)) for i, pause in enumerate(PAUSES_S)])[::SR // FPS]
    return audio


def loud(loud_every: int, i: int) -> float:
    return 3.0 if loud_every and i % loud_every == 1 else 1.0


@pytest.fixture(scope="module")
def analysed(talk_audio):
    """loud_every -> (Prosody, stand-in lips MotionFrame) of each frame of talk_audio."""
    @lru_cache(maxsize=None)
    def frames(loud_every: int = 0) -> tuple:
        audio = talk_audio(loud_every)
        tracker = ProsodyTracker(fps=FPS)
        out = []
        for i, voice in enumerate(voice_of(audio, sr=SR, fps=FPS, lookahead_s=0.032)):
            jaw = float(np.clip((voice.loudness_db + 50.0) / 30.0, 0.0, 1.0))
            lips = MotionFrame(t_s=i / FPS, jaw_open=jaw, lip_spread=0.4 * jaw * np.sin(i / 3), lip_press=0.3 * jaw)
            out.append((tracker.step(voice), lips))
        return tuple(out)
    return frames


@pytest.fixture(scope="module")
def prosody(analysed):
    """loud_every -> the Prosody of each frame of talk_audio."""
    return lambda loud_every=0: tuple(p for p, _ in analysed(loud_every))


@pytest.fixture(scope="module")
def talk(analysed):
    """(seed, loud_every, **controls) -> the motion of talk_audio."""
    @lru_cache(maxsize=None)
    def frames(seed: int = 0, loud_every: int = 0, **controls) -> tuple:
        motion = HolisticMotion(Controls(seed=seed, **controls), fps=FPS)
        return tuple(motion.step(lips, p) for p, lips in analysed(loud_every))
    return frames


def track(frames, name: str) -> np.ndarray:
    return np.array([getattr(f, name) for f in frames])


def onsets(x: np.ndarray, level: float = 0.5) -> np.ndarray:
    above = (x > level).astype(int)
    return np.nonzero(np.diff(np.concatenate([[0], above])) == 1)[0]


def test_prosody_of_the_test_clip_has_phrases_and_accents(prosody):
    p = prosody()
    starts, ends = sum(x.phrase_start for x in p), sum(x.phrase_end for x in p)
    assert starts == ends >= len(PAUSES_S)  # the sentence has pauses of its own
    accents = [x.accent for x in p if x.accent > 0]
    assert len(accents) >= 2 * len(PAUSES_S) and max(accents) > 0.8
    assert all(x.speaking for x in p if x.accent > 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_head_moves_with_speech_in_human_range_and_rests_in_silence(seed, talk, prosody):
    frames = talk(seed)
    speaking = np.array([x.speaking for x in prosody()])
    for name in ("yaw_deg", "pitch_deg"):
        x = track(frames, name)
        assert 2.0 <= x.std() <= 8.0, name
        assert np.abs(x).max() < 20.0, name
    rest = HolisticMotion(Controls(seed=seed), fps=FPS)
    tracker = ProsodyTracker(fps=FPS)
    quiet = VoiceFrame(loudness_db=-100.0, f0_hz=0.0)
    silence = [rest.step(MotionFrame(t_s=i / FPS), tracker.step(quiet)) for i in range(20 * FPS)]
    assert track(silence, "yaw_deg").std() < 0.5 * track(frames, "yaw_deg")[speaking].std()


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_nothing_jitters(seed, talk):
    frames = talk(seed)
    for name in ("yaw_deg", "pitch_deg", "roll_deg"):
        d2 = np.diff(track(frames, name), 2)
        assert np.sqrt(np.mean(d2 ** 2)) < 0.5, name  # degrees per frame^2
        assert np.abs(d2).max() < 2.5, name
    for name in ("brow_raise", "smile", "tx", "ty", "scale"):
        assert np.abs(np.diff(track(frames, name), 2)).max() < 0.1, name


def test_pose_spectrum_is_mostly_in_half_to_three_hertz(talk):
    shares = []
    for seed in range(3):
        for name in ("yaw_deg", "pitch_deg"):
            x = track(talk(seed), name)
            f, p = welch(x - x.mean(), fs=FPS, nperseg=256)
            shares.append(p[(f >= 0.5) & (f <= 3.0)].sum() / p.sum())
    assert np.mean(shares) > 0.5


def test_head_moves_more_when_the_voice_is_louder(talk, prosody, talk_audio):
    speaking = np.array([x.speaking for x in prosody(loud_every=2)])
    gain = talk_audio.gain_per_frame(2)[:len(speaking)]
    loud_phrase, quiet_phrase = speaking & (gain > 1), speaking & (gain == 1)
    ratios = []
    for seed in range(4):
        speed = np.abs(np.diff(track(talk(seed, loud_every=2), "pitch_deg"), prepend=0.0))
        ratios.append(speed[loud_phrase].mean() / speed[quiet_phrase].mean())
    assert np.mean(ratios) > 1.2


def test_nods_follow_accented_syllables(talk, prosody):
    p = prosody()
    accents = [i for i, x in enumerate(p) if x.accent > 0.6]
    gains = []
    for seed in range(3):
        pitch = track(talk(seed), "pitch_deg")
        # The head goes down (pitch +) in the 0.3 s after an accent.
        gains += [pitch[min(i + 7, len(pitch) - 1)] - pitch[i] for i in accents]
    assert np.mean(gains) > 0.5


def test_blinks_rate_duration_and_pairs(talk):
    rates, durations, gaps = [], [], []
    for seed in range(5):
        blink = track(talk(seed), "blink_left")
        assert np.array_equal(blink, track(talk(seed), "blink_right"))
        rates.append(len(onsets(blink)) / (len(blink) / FPS / 60))
        closed = np.diff(np.concatenate([[0], (blink > 0.05).astype(int), [0]]))
        starts, ends = np.nonzero(closed == 1)[0], np.nonzero(closed == -1)[0]
        whole = ends < len(blink)  # a blink the clip's end cuts short has no duration to judge
        durations += list((ends[whole] - starts[whole]) / FPS)
        gaps += list((starts[1:] - ends[:-1]) / FPS)
    assert all(10 <= r <= 35 for r in rates), rates
    assert 0.08 <= min(durations) and max(durations) <= 0.44  # 100-400 ms, to within a frame
    assert 15 <= np.mean(rates) <= 30
    assert sum(g < 0.2 for g in gaps) >= 1  # some double blinks


def test_more_blinks_in_pauses_and_at_phrase_ends(talk, prosody):
    p = prosody()
    in_pause = np.array([not x.speaking for x in p])
    per_pause, per_speech = [], []
    for seed in range(6):
        starts = onsets(track(talk(seed), "blink_left"), 0.05)
        per_pause.append(in_pause[starts].sum() / in_pause.sum())
        per_speech.append((~in_pause[starts]).sum() / (~in_pause).sum())
    assert np.mean(per_pause) > 1.5 * np.mean(per_speech)


def test_gaze_on_the_camera_counter_rotates_the_head(talk):
    frames = talk(0)
    yaw, pitch = track(frames, "yaw_deg"), track(frames, "pitch_deg")
    world_yaw = track(frames, "gaze_x") * GAZE_X_DEG + yaw
    world_pitch = track(frames, "gaze_y") * GAZE_Y_DEG + pitch
    assert np.abs(world_yaw).max() < 2.0 and np.abs(world_pitch).max() < 2.0
    assert np.corrcoef(track(frames, "gaze_x"), yaw)[0, 1] < -0.9


def test_gaze_held_in_a_direction(talk):
    frames = talk(0, gaze="20,-10", animate_head=False)
    assert np.mean(track(frames, "gaze_x")) == pytest.approx(20 / GAZE_X_DEG, abs=0.03)
    assert np.mean(track(frames, "gaze_y")) == pytest.approx(-10 / GAZE_Y_DEG, abs=0.03)


def test_free_gaze_looks_away_to_think_in_pauses(talk, prosody):
    p = prosody()
    pause = np.array([not x.speaking for x in p])
    away_pause, away_speech = [], []
    for seed in range(4):
        frames = talk(seed, gaze="free")
        world = np.hypot(track(frames, "gaze_x") * GAZE_X_DEG + track(frames, "yaw_deg"),
                         track(frames, "gaze_y") * GAZE_Y_DEG + track(frames, "pitch_deg"))
        away = world > 5.0
        away_pause.append(away[pause].mean())
        away_speech.append(away[~pause].mean())
        assert away.mean() < 0.5  # mostly on the camera
    assert np.mean(away_pause) > 2 * np.mean(away_speech) > 0


def test_silence_is_idle_life_without_mouth_flapping():
    frames = list(generate_motion([np.zeros(30 * SR, np.float32)], controls=Controls(seed=5)))
    for name in (p.name for p in EXPRESSION + AFTER_EXPRESSION if p.region not in ("eyes", "brows")):
        if name not in ("smile", "smirk"):
            assert np.all(track(frames, name) == 0.0), name
    assert 0.2 < track(frames, "pitch_deg").std() < 2.0  # breathing and drift
    assert len(onsets(track(frames, "blink_left"))) >= 3
    assert np.abs(track(frames, "brow_raise")).max() < 0.2


@pytest.mark.parametrize("name", EMOTIONS)
def test_emotion_is_an_offset_over_the_speech(name, talk):
    neutral, moved = talk(0), talk(0, emotion=name, emotion_strength=0.8)
    # Every parameter the recipe names (the lids aside: blinks close them from there) and the mouth's.
    named = set(emotion.RECIPES[name].face)
    for param in sorted(named | {"jaw_open", "lip_spread", "smile", "upper_lip_raise", "lower_lip_depress", "smirk",
                                 "lip_press", "brow_inner_raise"}):
        offset = 0.8 * emotion.RECIPES[name].face.get(param, 0.0)
        lo, hi = BY_NAME[param].lo, BY_NAME[param].hi
        expected = np.clip(track(neutral, param) + offset, lo, hi)
        if param == "lip_press":
            # In pauses the lips' press gives way to a mouth the emotion opens (the pause
            # closure's): there it may be less, nowhere more, and speech frames are untouched.
            got = track(moved, param)
            assert np.all(got <= expected + 1e-9) and np.mean(np.abs(got - expected) > 1e-9) < 0.02
            continue
        np.testing.assert_allclose(track(moved, param), expected, atol=1e-9, err_msg=param)


def test_happy_smiles_and_sad_frowns(talk):
    assert np.mean(track(talk(0, emotion="happy"), "smile")) > np.mean(track(talk(0), "smile")) + 0.5
    sad = talk(0, emotion="sad")
    assert np.mean(track(sad, "brow_inner_raise")) > 0.5 and np.mean(track(sad, "smile")) < -0.3


def test_distance_sets_the_scale(talk):
    assert np.all(track(talk(0, distance=2.0), "scale") == 0.5)
    assert np.all(track(talk(0, distance=0.8), "scale") == pytest.approx(1.25))
    assert np.all(track(talk(0), "scale") == 1.0)


def test_each_component_switches_off(talk):
    lips_only = talk(0, animate_eyes=False, animate_head=False, animate_face=False)
    full = talk(0)
    for name in POSE + ("blink_left", "gaze_x", "gaze_y", "brow_raise", "smile"):
        assert np.all(track(lips_only, name) == 0.0), name
    assert np.array_equal(track(lips_only, "jaw_open"), track(full, "jaw_open"))
    still_mouth = talk(0, animate_lips=False)
    for name in ("jaw_open", "lip_spread", "lip_press"):
        assert np.all(track(still_mouth, name) == 0.0), name
    assert np.array_equal(track(still_mouth, "yaw_deg"), track(full, "yaw_deg"))
    eyes_held = talk(0, animate_eyes=False)
    assert np.all(track(eyes_held, "blink_left") <= 0.0)
    np.testing.assert_allclose(track(eyes_held, "gaze_x"), -track(eyes_held, "yaw_deg") / GAZE_X_DEG, atol=1e-12)


def test_expressiveness_scales_the_face(talk):
    stds = [track(talk(0, expressiveness=x), "brow_raise").std() for x in (0.0, 1.0, 2.0)]
    assert stds[0] == 0.0 and stds[2] > 1.5 * stds[1] > 0.0


def test_head_motion_scales_the_head(talk):
    stds = [track(talk(1, head_motion=x), "yaw_deg").std() for x in (0.0, 0.5, 1.0)]
    assert stds[0] == 0.0 and stds[1] == pytest.approx(0.5 * stds[2])


def test_timeline_glides_between_keyframes(talk):
    timeline = ('[{"t_s": 4, "distance": 2, "emotion": "happy"}, {"t_s": 10, "emotion": "sad"},'
                ' {"t_s": 14, "animate_head": false}]')
    frames = talk(0, timeline=timeline)
    t, scale, smile = track(frames, "t_s"), track(frames, "scale"), track(frames, "smile")
    assert scale[0] == 1.0 and np.all(scale[t >= 4] == 0.5)
    assert np.all(np.diff(scale) <= 0) and np.abs(np.diff(scale, 2)).max() < 0.01
    plain = track(talk(0), "smile")
    for t_s, name in ((4, "happy"), (10, "sad")):
        assert smile[t == t_s] == pytest.approx(np.clip(plain[t == t_s] + emotion.RECIPES[name].face["smile"], -1, 1))
    assert np.all(track(frames, "yaw_deg")[t >= 14] == 0.0)
    assert np.abs(np.diff(track(frames, "yaw_deg"), 2)).max() < 2.5  # freezing is a glide too


def test_seeds_give_different_takes_alike_in_kind(talk):
    yaws = [track(talk(seed), "yaw_deg") for seed in range(4)]
    corr = np.corrcoef(yaws)[np.triu_indices(4, 1)]
    assert np.all(np.abs(corr) < 0.6)
    stds = [y.std() for y in yaws]
    assert max(stds) < 2.0 * min(stds)


def test_a_smiles_undone_width_lies_beyond_the_rounding_clip():
    """Surprise's own narrowed lips (lip_spread -0.5) survive on a full smile: the undo of the smile's
    width (-1.05 alone) comes on top of lip_spread's -1, to which only speech's and the emotions' own
    rounding are clipped; on an unsmiling photo /o/ under surprise stops at -1 as before (surp49)."""
    from facetalk.motion.face import FaceState
    from facetalk.motion.prosody import Prosody
    from facetalk.params import PhotoExpression, face_index

    surprised = tuple(float(n == "surprised") for n in EMOTIONS)
    still, o = MotionFrame(t_s=0.0), MotionFrame(t_s=0.0, lip_spread=-0.75)
    face = FaceState(brow_raise=0.0, brow_inner_raise=0.0, smile=0.0, smirk=0.0, widen=0.0)
    own = emotion.RECIPES["surprised"].face["lip_spread"]

    def spread(lips, photo):
        mood = emotion.blend(surprised, photo=photo)
        values = HolisticMotion._face_values(lips, Prosody(), mood, face, lips_gain=1.0, face_gain=0.0)
        return values[face_index("lip_spread")], mood.undo_spread

    value, undo = spread(still, PhotoExpression(smile=1.0, lips_apart=1.0))
    assert undo == pytest.approx(emotion.UNDO_SMILE["lip_spread"]) and undo < -1.0
    assert value == pytest.approx(own + undo) and value < -1.5
    value, undo = spread(o, PhotoExpression(smile=1.0, lips_apart=1.0))
    assert value == pytest.approx(-1.0 + undo)
    assert spread(o, PhotoExpression()) == (-1.0, 0.0)
    assert spread(still, PhotoExpression()) == (pytest.approx(own), 0.0)


def test_emotions_undo_the_photos_own_smile():
    from facetalk.config import EMOTIONS
    from facetalk.params import PhotoExpression

    smiling = PhotoExpression(smile=0.9, lips_apart=1.0)
    weights = {name: tuple(float(n == name) for n in EMOTIONS) for name in EMOTIONS}
    # Sad: the photo's smile taken off with the frown and the corners drawn in, then its own frown.
    sad = emotion.blend(weights["sad"], photo=smiling)
    # (its own frown whole on a smiling photo; sad takes off only UNDO_SHARE of the photo's smile)
    own_frown = emotion.RECIPES["sad"].face["smile"]
    assert own_frown < 0.0
    undone = emotion.UNDO_SHARE["sad"] * 0.9
    assert 0.0 < undone < 0.9
    assert sad.offset("smile") == pytest.approx(own_frown + undone * emotion.UNDO_SMILE["smile"])
    assert sad.offset("lip_spread") == pytest.approx(undone * emotion.UNDO_SMILE["lip_spread"])
    assert emotion.UNDO_SMILE["smile"] < 0 and emotion.UNDO_SMILE["lip_spread"] < -0.5
    # The smile's share of the parting shut all the way (CLOSES_A_SMILE), the rest as speech's.
    toothy = min(smiling.smile, smiling.lips_apart)
    assert sad.closes_lips == pytest.approx(emotion.CLOSES_A_SMILE["sad"] * toothy
                                            + emotion.CLOSES_LIPS["sad"] * (smiling.lips_apart - toothy))
    assert sad.closes_lips > 0.95
    # Happy is a target, not an offset: on a smiling photo it adds only the smile the photo lacks
    # (a happy face smiling broader than the photo by a share of the photo's smile), and the
    # teeth the photo shows count toward its parted lips.
    happy = emotion.blend(weights["happy"], photo=smiling)
    broader = emotion.BROADER_THAN_PHOTO["happy"] * 0.9
    assert 0.25 < broader < 0.5
    assert happy.offset("smile") == pytest.approx(emotion.RECIPES["happy"].face["smile"] + broader - 0.9)
    assert happy.offset("lip_spread") == emotion.RECIPES["happy"].face["lip_spread"]
    assert happy.offset("jaw_open") == pytest.approx(max(emotion.RECIPES["happy"].face["jaw_open"] - 0.2, 0.0))
    # Half happy on that photo: half of the photo's smile is kept, and half of happy's on top.
    half = emotion.blend(tuple(0.5 * float(n == "happy") for n in EMOTIONS), photo=smiling)
    assert half.offset("smile") == pytest.approx(0.5 * (emotion.RECIPES["happy"].face["smile"] + broader - 0.9))
    # Surprise has no smile of its own: the photo's is taken off, and its narrowed lips come on top.
    surprised = emotion.blend(weights["surprised"], photo=smiling)
    assert surprised.offset("smile") == pytest.approx(0.9 * emotion.UNDO_SMILE["smile"])
    assert surprised.offset("lip_spread") == pytest.approx(
        emotion.RECIPES["surprised"].face["lip_spread"] + 0.9 * emotion.UNDO_SMILE["lip_spread"])
    # No emotion commanded (every weight 0): the photo as it is.
    as_photo = emotion.blend(tuple(0.0 for _ in EMOTIONS), photo=smiling)
    assert not as_photo.offsets.any() and as_photo.lids == 0.0 and as_photo.closes_lips == 0.0
    # A photo with a neutral mouth: offsets as in the table.
    sad_on_neutral = emotion.blend(weights["sad"])
    assert sad_on_neutral.lids == emotion.RECIPES["sad"].lids
    assert {name: sad_on_neutral.offset(name) for name in emotion.RECIPES["sad"].face} == dict(emotion.RECIPES["sad"].face)
    assert np.count_nonzero(sad_on_neutral.offsets) == len(emotion.RECIPES["sad"].face)


def test_parted_lips_shut_in_pauses_not_while_speaking():
    from facetalk.params import PhotoExpression
    from facetalk.motion.prosody import Prosody

    smiling = PhotoExpression(smile=1.0, lips_apart=1.0)
    motion = HolisticMotion(Controls(seed=0, emotion="sad"), fps=FPS, photo=smiling)
    quiet, voiced = Prosody(), Prosody(speaking=True, activity=1.0)
    assert motion.step(MotionFrame(t_s=0.0), quiet).lip_press > 0.7  # sad shuts them 0.8 (a line of teeth)
    # An open vowel opens them, and so does speech on a low-jaw phone (/i/, /s/).
    assert motion.step(MotionFrame(t_s=1 / FPS, jaw_open=0.6), quiet).lip_press == 0.0
    assert motion.step(MotionFrame(t_s=2 / FPS, jaw_open=0.1), voiced).lip_press == 0.0


def test_the_pause_closure_gives_way_to_a_mouth_the_emotion_opens(speech_then_silence):
    """After speech the lips meet in the pause, unless the emotion holds the mouth open."""
    import numpy as np

    from facetalk.config import Controls
    from facetalk.motion.generator import MotionGenerator

    audio, end_s = speech_then_silence

    def pause(emotion):
        gen = MotionGenerator(controls=Controls(emotion=emotion, emotion_strength=1.0))
        frames = gen.push(audio) + gen.flush()
        return [f for f in frames if end_s + 0.4 < f.t_s < end_s + 0.9]

    assert all(f.lip_press > 0.95 for f in pause("neutral"))
    surprised = pause("surprised")
    assert surprised and all(f.lip_press < 0.05 and f.jaw_open > 0.5 for f in surprised)
    # Disgust's sneer holds its raised upper lip through the pause (pressed shut, it came and went
    # with every pause) ...
    disgusted = pause("disgusted")
    assert disgusted and all(f.lip_press < 0.05 and f.upper_lip_raise > 0.45 for f in disgusted)
    # ... while happy's lip (raised 0.4, below a sneer) gives way to its jaw alone (0.2 of 0.3).
    neutral, happy = pause("neutral"), pause("happy")
    assert all(abs(h.lip_press - n.lip_press * (1 - 0.2 / 0.3)) < 0.02 for h, n in zip(happy, neutral))
