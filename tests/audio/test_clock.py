from fractions import Fraction

import pytest

from facetalk.audio.clock import frame_centre


@pytest.mark.parametrize("sr, fps", [(16000, 25), (16000, 30), (44100, 30), (22050, 100), (48000, 29.97)])
def test_frame_centres_are_the_nearest_sample_to_i_over_fps(sr, fps):
    for i in range(2000):
        exact = Fraction(i) * sr / Fraction(fps)
        centre = frame_centre(i, sr=sr, fps=fps)
        assert abs(centre - exact) <= Fraction(1, 2)
        assert centre >= frame_centre(i - 1, sr=sr, fps=fps)
    assert frame_centre(0, sr=sr, fps=fps) == 0
