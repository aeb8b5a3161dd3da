"""The lip benchmark's closure criterion: a nasal's lips open where its murmur gives way to the
vowel, which espeak-ng's phone events can place well after (benchmarks/bench_lipsync.py)."""

import numpy as np
import pytest

bench = pytest.importorskip("bench_lipsync")

SR = bench.SR
F0 = 120.0


def _murmur_then_vowel(onset_s: float, *, seconds: float = 1.3) -> np.ndarray:
    """A vowel, a nasal murmur from 0.9 s (harmonics under 400 Hz only) and the vowel again from
    `onset_s` (formants near 800 and 1300 Hz over the murmur)."""
    t = np.arange(int(seconds * SR)) / SR
    murmur = sum(0.05 / k * np.sin(2 * np.pi * F0 * k * t) for k in (1, 2, 3))
    vowel = sum((0.1 * np.exp(-((F0 * k - 800) / 400) ** 2) + 0.05 * np.exp(-((F0 * k - 1300) / 300) ** 2))
                * np.sin(2 * np.pi * F0 * k * t) for k in range(1, 26))
    return np.where(t < 0.9, vowel, np.where(t < onset_s, murmur, vowel + murmur)).astype(np.float32)


@pytest.mark.parametrize("onset_s", [1.0, 1.0031, 1.0077])
def test_a_nasal_labelled_past_its_release_is_released_where_the_vowel_sounds(onset_s):
    audio = _murmur_then_vowel(onset_s)
    # espeak-ng's next phone 45 ms late (the Mandarin clip's last "mang2"): the sound decides.
    assert abs(bench.nasal_release(audio, 0.9, onset_s + 0.045) - onset_s) <= 0.005
    # A label at or before the vowel's onset stays.
    assert bench.nasal_release(audio, 0.9, onset_s - 0.01) == onset_s - 0.01


def test_closed_by_the_burst_counts_the_closure_before_the_sounds_release():
    onset_s, fps = 1.0, 50
    audio = _murmur_then_vowel(onset_s)
    # Lips shut through the murmur, open from the vowel's onset on (aperture over the rest, 0.1).
    t = np.arange(int(1.3 * fps)) / fps
    aperture = np.where((t >= 0.9) & (t < onset_s), 0.05, 0.3)
    track = bench.Track(aperture, np.ones_like(aperture))
    phones = [("m", 0.9, onset_s + 0.045)]
    within, by_release, by_burst = bench.bilabial_closures(track, phones, 0.1, fps, audio=audio)
    assert within == [True] and by_release == [False] and by_burst == [True]
    # Without the audio, by the phone's end as before.
    assert bench.bilabial_closures(track, phones, 0.1, fps)[2] == [False]
    # A stop keeps its end (its release is refined from the sound before: refine_stop_closures).
    assert bench.bilabial_closures(track, [("p", 0.9, onset_s + 0.045)], 0.1, fps, audio=audio)[2] == [False]


class _RecordingEngine:
    """Stands in for espeak-ng: records what it is asked to speak, in order."""

    def __init__(self):
        self.asked: list[tuple[str, int]] = []

    def synth(self, text, *, voice, rate, pitch, pitch_range):
        self.asked.append((voice, rate))
        return np.zeros(4410, np.float32), [("a", 0.0, 0.1)]


def test_every_clip_is_spoken_in_one_fixed_order_whichever_are_measured(monkeypatch):
    # espeak-ng's output depends on what it spoke before in the process, so --clips must not
    # change which clips are spoken before a measured one.
    monkeypatch.setattr(bench, "refine_stop_closures", lambda raw, sr, phones: phones)
    engine = _RecordingEngine()
    clips = bench.spoken_clips(engine)
    assert list(clips) == [lang for lang, _, _ in bench.CLIPS]
    expected = [(f"{lang}+{voice}", rate) for lang, voice, _ in bench.CLIPS for rate in (165, int(1.5 * 165))]
    assert engine.asked == expected
    assert set(clips["es"].fast) == {"at 1.5x rate", "time-compressed 1.5x"}


def test_the_open_bilabials_are_named_with_their_start():
    """Each row names the /p b m/ left open (phone and start), so a round can look at those syllables."""
    fps = 50
    t = np.arange(100) / fps
    aperture = np.where((t >= 0.5) & (t < 0.6), 0.05, 0.3)  # shut on the first /m/ only
    track = bench.Track(aperture, np.ones_like(aperture))
    phones = [("m", 0.5, 0.58), ("a", 0.58, 0.7), ("ph", 0.75, 0.79), ("t", 0.9, 0.95), ("b", 1.2, 1.25)]
    within, _, _ = bench.bilabial_closures(track, phones, 0.1, fps)
    assert within == [True, False, False]
    assert bench.open_bilabials(phones, within) == "ph@0.75 b@1.20"
    assert bench.open_bilabials(phones[:2], within[:1]) == ""


def test_a_bilabial_is_shut_where_the_lip_gap_falls_under_the_threshold_within_it():
    """--stages' fast-speech-over-a-beat rows: a /p b m/ counts as shut where the stream's lip gap
    falls under SHUT_GAP within the phone +-20 ms, its times shifted by the music's lead."""
    fps = 50
    gap = np.full(100, 0.3)
    gap[60] = bench.SHUT_GAP / 2  # 1.2 s
    phones = [("b", 1.19, 1.25), ("a", 1.25, 1.4), ("m", 0.5, 0.56), ("t", 1.19, 1.25)]
    assert bench.shut_bilabials(gap, phones, fps) == [True, False]
    # 1 s of music before the voice: the same phones now lie 1 s later.
    assert bench.shut_bilabials(gap, [("p", 0.19, 0.25), ("m", 0.6, 0.7)], fps, offset_s=1.0) == [True, False]
    gap[60] = bench.SHUT_GAP  # at the threshold: open
    assert bench.shut_bilabials(gap, phones, fps) == [False, False]


def test_the_stages_network_alone_runs_every_pass_off_and_over_music_differs_from_the_runtime():
    """--stages' "none" row: the stream with every pass stubbed out (VoiceYield's `acting` too, which the
    stream calls for the press yield's argument, and the press yield's music share, MusicAround) runs, and
    under music gives another lip gap than the whole runtime."""
    from facetalk.io import synthesize_speech
    from facetalk.motion.lipsync import load_lipsync_model

    model = load_lipsync_model()
    voice = synthesize_speech("Maybe my brother Bob.", lang="en", sr=SR)
    mixed = bench.over_music(voice, np.random.default_rng(0), 0)
    n = int(len(mixed) / SR * 50)
    alone = bench._runtime_gap(model, mixed, n, 50, passes="none")
    whole = bench._runtime_gap(model, mixed, n, 50, passes="all")
    assert alone.shape == whole.shape == (n,) and np.abs(alone - whole).max() > 0.01


def test_the_tongue_stops_are_counted_by_the_bilabials_window():
    """--rap-beats counts /t d k s/ shut (the false closures a rap gain has cost before) by the /p b m/'s
    rule: lip gap under SHUT_GAP within the phone +-20 ms."""
    fps = 25
    gap = np.full(150, 0.3)
    gap[10] = 0.0  # shut on the frame at 0.4 s
    phones = [("t", 0.42, 0.5), ("s", 0.8, 0.9), ("m", 0.36, 0.42), ("a", 0.42, 0.5), ("d", 0.45, 0.5)]
    assert bench.shut_bilabials(gap, phones, fps, kind="tongue") == [True, False, True]
    assert bench.shut_bilabials(gap, phones, fps) == [True]
    # The music's lead moves the window: shut 2 s later.
    assert bench.shut_bilabials(np.roll(gap, 2 * fps), phones, fps, offset_s=2.0, kind="tongue") == [True, False, True]


def test_a_rows_closure_counts_for_the_phone_its_frame_time_lies_in():
    """Row j of a stream's outputs is mel frame j + first_row, shown at its time less the mouth lead
    (offset_s adds it): a closure on the row of 0.54 s counts for a phone at 0.50-0.52 s with a 20 ms lead,
    and with the times offset otherwise, for the phone that then lies there."""
    first_row = -2
    rows = np.full(120, 0.3)
    rows[54 - first_row] = 0.01
    phones = [("m", 0.5, 0.52), ("a", 0.52, 0.6), ("p", 0.38, 0.44), ("b", 0.58, 0.62)]
    assert bench.shut_rows(rows, phones, offset_s=0.02, first_row=first_row) == [True, False, False]
    assert bench.shut_rows(rows, phones, offset_s=0.12, first_row=first_row) == [False, True, False]
    assert bench.shut_rows(rows, phones, offset_s=-0.06, first_row=first_row) == [False, False, True]


def test_tracing_the_passes_leaves_the_stream_as_it_was():
    """rap_counts records every pass's rows without changing the stream: its frames' closures are those
    of an untraced stream, and it counts each /p b m/ after the network and after every pass."""
    from facetalk.motion.lipsync import load_lipsync_model

    model = load_lipsync_model()
    rng = np.random.default_rng(3)
    t = np.arange(3 * SR) / SR
    # A voiced tone cut by 60 ms silences (a stop's closure) every 0.25 s, over faint noise.
    audio = (0.2 * np.sin(2 * np.pi * F0 * t) * ((t % 0.25) > 0.06) + 1e-3 * rng.standard_normal(len(t)))
    phones = [(p, 0.25 * k + 0.5, 0.25 * k + 0.56) for k, p in enumerate("pbmpbm")]
    fps = 25
    n = int(np.ceil(len(audio) / SR * fps))
    counts = bench.rap_counts(model, audio.astype(np.float32), phones, fps=fps, n_frames=n)
    plain = bench.shut_bilabials(bench._runtime_gap(model, audio.astype(np.float32), n, fps, passes="all"), phones, fps)
    assert counts.bilabials == plain
    assert list(counts.by_pass) == ["network", *(name for _, name in bench.RAP_PASSES)]
    assert all(len(shut) == len(phones) for shut in counts.by_pass.values())


def test_a_tongue_stop_counts_shut_on_its_middle_half_rows_only():
    """--rap-beats' second /t d k s/ count: shut on a 10 ms row in the phone's middle half, not on the
    following bilabial's closure, which its +-20 ms window would reach."""
    rows = np.full(120, 0.3)
    rows[60] = 0.0  # a bilabial's closure at 0.60 s, right after the /s/
    phones = [("s", 0.52, 0.6), ("b", 0.6, 0.64), ("t", 0.58, 0.62)]
    assert bench.shut_rows(rows, phones, offset_s=0.0, first_row=0, kind="tongue") == [False, True]
    rows[56] = 0.0  # the /s/'s own middle
    assert bench.shut_rows(rows, phones, offset_s=0.0, first_row=0, kind="tongue") == [True, True]
    assert bench.shut_rows(rows, phones, offset_s=0.0, first_row=0) == [True]


def test_a_vowel_counts_shut_on_its_middle_half_rows_only():
    """--rap-beats' vowel count (lips shut through a vowel: mumbling): on a 10 ms row in its middle half."""
    rows = np.full(120, 0.3)
    rows[50] = 0.0  # the /m/ before the vowel
    phones = [("m", 0.45, 0.51), ("a", 0.51, 0.59), ("m", 0.59, 0.62)]
    assert bench.shut_rows(rows, phones, offset_s=0.0, first_row=0, kind="vowel") == [False]
    rows[55] = 0.0
    assert bench.shut_rows(rows, phones, offset_s=0.0, first_row=0, kind="vowel") == [True]
