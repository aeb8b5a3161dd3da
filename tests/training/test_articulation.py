"""training/articulation.py: phone_frames and cap_press_in_phones (the tongue's closures kept open in the targets)."""

import numpy as np
import pytest

art = pytest.importorskip("training.articulation")
PRESS = art.PARAMS.index("lip_press")


def _rap_phones() -> list[tuple[str, float, float]]:
    """'bits bump' at rap speed: a 30 ms /t/ and /s/ between two bilabials, as in the rap clip (round 17)."""
    return [("", 0.0, 0.1), ("b", 0.1, 0.14), ("ɪ", 0.14, 0.18), ("t", 0.18, 0.21), ("s", 0.21, 0.24),
            ("b", 0.24, 0.28), ("ʌ", 0.28, 0.33), ("m", 0.33, 0.38), ("p", 0.38, 0.42), ("", 0.42, 0.6)]


def test_the_cap_opens_a_bilabials_press_reaching_into_s_and_leaves_the_rest():
    phones = _rap_phones()
    times_s = np.arange(60) / 100
    targets = art.blend(art.segments_from_phones(phones), times_s)
    in_s = (times_s >= 0.21) & (times_s < 0.24)
    assert targets[in_s, PRESS].max() > 0.5  # the coarticulated press the cap is for
    capped = art.cap_press_in_phones(targets, phones, cap=0.5)
    assert capped[in_s, PRESS].max() == pytest.approx(0.5)
    outside = ~((times_s >= 0.18) & (times_s < 0.24))
    assert np.array_equal(capped[outside], targets[outside])  # the bilabials keep their full press
    others = [k for k in range(len(art.PARAMS)) if k != PRESS]
    assert np.array_equal(capped[:, others], targets[:, others])
    assert targets[in_s, PRESS].max() > 0.5  # the input is not changed


def test_the_cap_reads_a_phones_first_ipa_letter():
    """espeak's dental t̪ and aspirated kʰ are capped as /t/ and /k/; /f/, a labiodental, is not."""
    targets = np.ones((9, len(art.PARAMS)), np.float32)
    phones = [("t\u032a", 0.0, 0.03), ("k\u02b0", 0.03, 0.06), ("f", 0.06, 0.09)]
    capped = art.cap_press_in_phones(targets, phones, cap=0.3)
    assert capped[:, PRESS].tolist() == pytest.approx([0.3] * 6 + [1.0] * 3)


def test_phone_frames_marks_the_frames_inside_the_named_phones_at_j_over_100_s():
    """Frame j at j / 100 s: /t/ over 0-0.03 s holds frames 0-2, /m/ over 0.05-0.08 s frames 5-7 (0.08 is
    the next phone's); /a/ and an unnamed letter hold none; frames past the last phone none."""
    phones = [("t\u032a", 0.0, 0.03), ("a", 0.03, 0.05), ("m", 0.05, 0.08), ("f", 0.08, 0.1)]
    inside = art.phone_frames(phones, n_frames=12, letters=frozenset("tm"))
    assert inside.dtype == bool and inside.tolist() == [True] * 3 + [False] * 2 + [True] * 3 + [False] * 4
    assert not art.phone_frames(phones, n_frames=12, letters=frozenset("sz")).any()
    assert art.phone_frames(phones, n_frames=0, letters=frozenset("tm")).shape == (0,)
