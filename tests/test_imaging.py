"""The shared point sampler and luma weights (facetalk.imaging)."""

import numpy as np

from facetalk.imaging import LUMA, sample_points


def test_points_sample_bilinearly_with_the_border_replicated():
    image = np.arange(4 * 5 * 3, dtype=np.float32).reshape(4, 5, 3)
    xy = np.array([[2.0, 1.0], [2.5, 1.0], [2.0, 1.5], [-3.0, 0.0], [9.0, 3.0]])
    got = sample_points(image, xy)
    assert got.shape == (5, 3) and got.dtype == np.float32
    assert np.array_equal(got[0], image[1, 2])
    assert np.allclose(got[1], 0.5 * (image[1, 2] + image[1, 3]))
    assert np.allclose(got[2], 0.5 * (image[1, 2] + image[2, 2]))
    assert np.array_equal(got[3], image[0, 0]) and np.array_equal(got[4], image[3, 4])
    # uint8 images are sampled as their values, not rounded; points may come in any (..., 2) shape.
    as_u8 = sample_points(image.astype(np.uint8), xy[None, :2])
    assert np.allclose(as_u8, got[:2])


def test_luma_weights_sum_to_one():
    assert np.isclose(LUMA.sum(), 1.0) and LUMA.dtype == np.float32


def test_any_number_of_points():
    """More points than OpenCV takes in one map's row or column (32767)."""
    rng = np.random.default_rng(0)
    image = rng.uniform(0, 255, (64, 80, 3)).astype(np.float32)
    xy = rng.uniform(-2, 82, (40_000, 2))
    got = sample_points(image, xy)
    assert got.shape == (40_000, 3)
    assert np.array_equal(got[:1000], sample_points(image, xy[:1000]))
    assert np.array_equal(got[-5:], sample_points(image, xy[-5:]))
