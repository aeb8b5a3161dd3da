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


def _synthetic_eye(*, size: int = 64) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """A (size, size, 3) face of flat skin with an open eye (white sclera, brown iris, dark lash
    lines), and the eye's masks as the bench builds them from landmarks."""
    import cv2

    face = np.full((size, size, 3), (200, 150, 125), np.uint8)
    eye_px = np.array([[12, 32], [22, 26], [42, 26], [52, 32], [42, 38], [22, 38]], float)
    cv2.fillPoly(face, [eye_px.astype(np.int32)], (235, 232, 228))
    cv2.circle(face, (32, 32), 6, (90, 55, 30), -1)
    cv2.polylines(face, [eye_px.astype(np.int32)], True, (40, 30, 25), 1)
    ring = np.array([[32, 32], [37, 32], [32, 27], [27, 32], [32, 37]], float)
    shut_px = eye_px * [1, 0] + [0, 36]  # the lids meet on a line a little below mid-eye
    masks = bench.eye_masks(shape=face.shape, eye_px=eye_px, shut_eye_px=shut_px, iris_px=ring)
    return face, masks


def test_iris_or_sclera_counts_an_open_eye_and_not_a_shut_lid():
    import cv2

    opened, masks = _synthetic_eye()
    inside = masks.inside
    assert bench.iris_sclera_showing(opened=opened, shut=opened, eyes=[masks]).share > 0.9
    shut = np.full_like(opened, (200, 150, 125))
    shut[::2] -= np.uint8(12)  # the lid's grain and shade: darker than the band, still skin
    cv2.line(shut, (12, 36), (52, 36), (40, 30, 25), 2)  # the shut lash line
    assert bench.iris_sclera_showing(opened=opened, shut=shut, eyes=[masks]).share < 0.02
    half = shut.copy()
    half[inside & (np.arange(64)[:, None] >= 33)] = opened[inside & (np.arange(64)[:, None] >= 33)]
    figure = bench.iris_sclera_showing(opened=opened, shut=half, eyes=[masks])
    assert 0.3 < figure.share < 0.6  # the lower half of the eye left open
    assert not figure.counted[~inside].any()
