"""The blink benchmark's eye showing at full closure: which unchanged pixels are the photo's own
eye and which are painted lid or lash that match it (benchmarks/bench_blinks.py)."""

import bench_blinks as bench  # benchmarks/ is on pytest's path (pyproject.toml)
import numpy as np


def test_showing_tells_the_photos_own_eye_from_painted_pixels_that_match_it():
    rng = np.random.default_rng(0)
    opened = rng.integers(40, 200, (4, 5, 3)).astype(np.uint8)
    shut = opened + np.uint8(40)  # changed: the lid covers the eye
    unpainted = opened.copy()  # the warped photo under the lid: the open eye, squeezed
    inside = np.ones((4, 5), bool)
    inside[:, 4] = False  # not the open eye's: never counted
    lash_line = np.zeros((4, 5), bool)
    shut[0, 0] = opened[0, 0] + np.uint8(1)  # left by the painter: the photo's eye showing
    unpainted[0, 0] = shut[0, 0]
    shut[1, 1] = opened[1, 1] + np.uint8(bench.SAME_LEVELS - 1)  # painted, matching the open eye
    shut[2, 2] = opened[2, 2]  # the same on the shut lash line: lid, unless the line is counted
    lash_line[2, 2] = True
    shut[3, 4] = opened[3, 4]  # outside the eye
    unpainted[3, 4] = shut[3, 4]
    showing = bench.showing_shares(opened=opened, shut=shut, unpainted=unpainted, inside=inside,
                                   lash_line=lash_line)
    assert showing == bench.Showing(eye=2 / 16, with_lash_line=3 / 16, photo=1 / 16)
