import numpy as np
import pytest

from facetalk.motion.blinks import BlinkInput, BlinkProcess


class _Talking:
    speaking, pause_s, phrase_end = True, 0.0, False


@pytest.mark.parametrize("fps", [25, 30, 24])
def test_every_blink_shuts_fully_on_some_frame(fps):
    blink = BlinkProcess(np.random.default_rng(7), fps=fps)
    talking = BlinkInput(prosody=_Talking, rate_per_min=25, large_saccade=False)
    closure = np.array([blink.step(talking) for _ in range(fps * 120)])
    edges = np.diff(np.concatenate([[0], (closure > 0.05).astype(int), [0]]))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    assert len(starts) >= 20
    assert all(closure[s:e].max() == 1.0 for s, e in zip(starts, ends))
