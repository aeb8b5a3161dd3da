"""The mouth benchmark's lip flicker reads the lip band head-relative: the same material points in
every frame, followed by the lip landmarks (benchmarks/bench_mouth.py)."""

import cv2
import bench_mouth as bench  # benchmarks/ is on pytest's path (pyproject.toml)
import numpy as np
import pytest


SIZE = 96
CENTRE = np.array([48.0, 48.0])
RADIUS_PX = 10.0


def _frames(shifts_px: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray]]:
    """A dark opening (an antialiased disc) in a textured lip that darkens toward it over the band,
    moved right by each of `shifts_px`: the (H, W, 3) frames, their (H, W) openings (the pixels
    whose centres lie inside) and eight landmarks on the opening's rim."""
    rng = np.random.default_rng(0)
    lip = cv2.GaussianBlur(rng.uniform(60, 200, (SIZE, SIZE)).astype(np.float32), (0, 0), 2.0)
    yy, xx = np.mgrid[:SIZE, :SIZE]
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False)
    rim = CENTRE + RADIUS_PX * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    images, openings, lips = [], [], []
    for dx in shifts_px:
        moved = cv2.warpAffine(lip, np.float32([[1, 0, dx], [0, 1, 0]]), (SIZE, SIZE), flags=cv2.INTER_LINEAR,
                               borderMode=cv2.BORDER_REFLECT)
        out_px = np.hypot(xx - CENTRE[0] - dx, yy - CENTRE[1]) - RADIUS_PX
        opening = out_px < 0
        lit = np.clip(0.5 + out_px / 2, 0, 1) * np.clip(0.4 + 0.2 * out_px, 0.4, 1.0)  # the lip's inner face in shade
        image = 20.0 + (moved - 20.0) * lit
        images.append(np.repeat(np.round(image)[..., None], 3, axis=2).astype(np.uint8))
        openings.append(opening)
        lips.append(rim + [dx, 0.0])
    return images, openings, lips


def _band_xy(opening: np.ndarray) -> np.ndarray:
    ring = np.ones((2 * bench.LIP_BAND_PX + 1,) * 2, np.uint8)
    ys, xs = np.nonzero((cv2.dilate(opening.astype(np.uint8), ring) > 0) & ~opening)
    return np.stack([xs, ys], axis=1).astype(np.float64)


def test_a_moving_mouth_alone_does_not_read_as_lip_flicker():
    images, openings, lips = _frames(np.arange(11) * 0.3)
    followed = bench.band_means(images, lips=lips, band_xy=_band_xy(openings[5]), reference=5)
    # The band re-cut in each frame's pixels (the measure before) reads the pixel set's shifts.
    recut = np.array([image[(_band_xy(o)[:, 1].astype(int), _band_xy(o)[:, 0].astype(int))].mean(axis=0)
                      for image, o in zip(images, openings, strict=True)])
    assert bench.step(recut) > 2.0  # 2.41
    assert bench.step(followed) < 0.5  # 0.37: bilinear reading at a new phase, no more


def test_a_real_step_of_the_lips_colour_is_read_in_full():
    images, openings, lips = _frames(np.arange(11) * 0.3)
    band = _band_xy(openings[5])
    images[7] = np.clip(images[7].astype(int) + 2, 0, 255).astype(np.uint8)  # the whole frame 2 levels lighter
    followed = bench.band_means(images, lips=lips, band_xy=band, reference=5)
    assert bench.step(followed) == pytest.approx(2.0, abs=0.5)


def test_jumpy_points_count_a_local_step_the_band_mean_hides():
    images, openings, lips = _frames(np.arange(11) * 0.3)
    band = _band_xy(openings[5])
    held = bench.band_samples(bench.held_frames(images, lips=lips, reference=5), lips=lips, band_xy=band,
                              reference=5)
    assert bench.jumpy_points(held) == 0  # resampling the unchanged frame alone steps no point 8 levels
    spot = band[np.hypot(*(band - band[0]).T) < 2.5]  # a few points, one lip spot
    for x, y in spot.astype(int):
        images[7][y, x] = np.clip(images[7][y, x].astype(int) + 40, 0, 255)
    samples = bench.band_samples(images, lips=lips, band_xy=band, reference=5)
    assert bench.step(samples.mean(axis=1)) < 1.5  # the mean over the band hides the spot
    assert bench.jumpy_points(samples) >= len(spot)


def test_rounding_gives_none_where_dlib_loses_a_rendered_face():
    """--rounding measures each rendered shape by dlib; one it finds no face in gives None (main
    prints one line for it), not an AttributeError on None."""
    from types import SimpleNamespace

    photo = np.zeros((8, 8, 3), np.uint8)
    found = SimpleNamespace(box=(0, 0, 8, 8), landmarks=np.arange(136, dtype=np.float64).reshape(68, 2))

    class OnlyThePhoto:
        def measure(self, image, box=None):
            return found if image is photo else None

    animator = SimpleNamespace(analysis=SimpleNamespace(image=photo), render_motion=lambda frame: photo.copy())
    assert bench.rounding(animator, OnlyThePhoto()) is None
