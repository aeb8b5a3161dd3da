"""The photo's own texture over made-up pixels (the plate behind the person, the background beyond
the photo, clothing continued beyond its edges): quilted, or the photo's grain where its patches
run in different directions."""

import numpy as np
import pytest

from facetalk.face.texture import (DETAIL_CLIP, WEAVE_SPREAD, direction_spread, filled, made_detail, measure_detail,
                                   runs_every_way, texture_over)

N = 240


def _stripes(*, horizontal: bool, colour, period: int = 8, amplitude: float = 30.0) -> np.ndarray:
    """(N, N, 3) uint8 `colour` with stripes of `period` px across rows (horizontal) or columns."""
    ramp = amplitude * np.sin(2 * np.pi * np.arange(N) / period)
    wave = np.broadcast_to(ramp[:, None] if horizontal else ramp[None, :], (N, N))
    return np.clip(np.asarray(colour, np.float32) + wave[..., None], 0, 255).astype(np.uint8)


def _orientation(detail: np.ndarray, where: np.ndarray) -> float:
    """How much more the detail changes down the rows than along them, over `where` (interior)."""
    grey = detail.mean(axis=2)
    down = np.abs(np.diff(grey, axis=0))[:, :-1]
    along = np.abs(np.diff(grey, axis=1))[:-1, :]
    inner = where[:-1, :-1] & where[1:, :-1] & where[:-1, 1:]
    return float(down[inner].mean() / max(along[inner].mean(), 1e-6))


def _hole() -> np.ndarray:
    known = np.ones((N, N), bool)
    known[60:180, 60:180] = False
    return known


def test_the_fill_gets_the_photos_own_texture_where_it_was_made_up():
    photo = _stripes(horizontal=True, colour=(120, 110, 100))
    known = _hole()
    smooth = filled(photo, known)
    base = smooth.astype(np.float32)
    layered = base + texture_over(photo, known=known, wanted=~known, base=base)
    textured = np.where(known[..., None], photo, np.clip(layered + 0.5, 0, 255).astype(np.uint8))
    assert np.array_equal(textured[known], photo[known])  # known pixels untouched
    hole = ~known
    # The smooth fill is flat in the hole; the textured one has the photo's horizontal stripes.
    def spread(pixels):
        return pixels.astype(float).std(axis=0).max()

    inner = np.zeros_like(known)
    inner[80:160, 80:160] = True  # the hole's middle, away from its edges
    assert spread(smooth[inner]) < 3.0
    assert _orientation(textured.astype(np.float32), hole) > 3.0
    # Within the photo's own strength (the quilted band keeps the stripes' finer part, about half).
    assert 0.35 < spread(textured[inner]) / spread(photo[known]) < 1.3


def _patchwork(*, period: int = 8) -> np.ndarray:
    """(N, N, 3) uint8 grey with 40 px squares of stripes running four ways in turn (a draped,
    out-of-focus curtain's folds, simplified)."""
    ys, xs = np.mgrid[0:N, 0:N].astype(np.float32)
    angle = ((ys // 40 + 2 * (xs // 40)) % 4) * (np.pi / 4)
    wave = 20.0 * np.sin(2 * np.pi * (xs * np.cos(angle) + ys * np.sin(angle)) / period)
    return np.clip(128.0 + wave[..., None], 0, 255).astype(np.uint8).repeat(3, axis=2)


def test_the_detail_is_only_where_wanted_and_seeded():
    make = made_detail
    photo = _stripes(horizontal=False, colour=(90, 140, 60))
    known = _hole()
    measured = measure_detail(photo, source=known, tile_px=24)
    a, b, c = (make(measured, wanted=~known, seed=seed) for seed in (3, 3, 4))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert not a[known].any() and a[~known].std() > 5.0
    assert _orientation(a, ~known) < 1 / 3.0  # vertical stripes: the detail changes along the rows


def test_the_texture_follows_the_colour_of_what_it_goes_on():
    """With a base to go on, a place takes the texture of where the photo has its colour: a red
    wall's on red, a blue curtain's on blue, not a collage of both."""
    photo = np.concatenate([_stripes(horizontal=True, colour=(200, 60, 60))[:, : N // 2],
                            _stripes(horizontal=False, colour=(60, 60, 200))[:, N // 2:]], axis=1)
    source = np.ones((N, N), bool)
    wanted = np.zeros((N, N), bool)
    wanted[40:200, 40:200] = True
    measured = measure_detail(photo, source=source, tile_px=24)
    for base_colour, horizontal in (((200, 60, 60), True), ((60, 60, 200), False)):
        base = np.broadcast_to(np.asarray(base_colour, np.float32), (N, N, 3))
        ratio = _orientation(made_detail(measured, wanted=wanted, seed=0, base=base), wanted)
        assert (ratio > 3.0) if horizontal else (ratio < 1 / 3.0)


def test_patches_running_different_ways_are_not_quilted():
    """Quilted side by side, patches of stripes running different ways read as a basket weave on
    the patch grid (texture_over lays the photo's grain there); stripes running one way (pleats,
    hatching) and grain without a direction are quilted, which continues their structure."""
    known = _hole()
    weave = measure_detail(_patchwork(), source=known, tile_px=24)
    pleats = measure_detail(_stripes(horizontal=False, colour=(150, 60, 60)), source=known, tile_px=24)
    rng = np.random.default_rng(0)
    grain = measure_detail(np.clip(128 + 12 * rng.standard_normal((N, N, 3)), 0, 255).astype(np.uint8),
                           source=known, tile_px=24)
    assert direction_spread(weave) > 2 * WEAVE_SPREAD and runs_every_way(weave)
    assert direction_spread(pleats) < WEAVE_SPREAD / 3 and direction_spread(grain) < WEAVE_SPREAD
    assert not runs_every_way(pleats) and not runs_every_way(grain)


def test_grain_is_quilted_at_any_patch_size():
    """Grain has no direction, but a small patch of it reads one by chance (0.2 at 12 px for a
    photo's soft grain): the cut-off allows for it, so grain is quilted whatever the image's size."""
    import cv2

    rng = np.random.default_rng(1)
    for tile_px in (12, 18, 24, 36):
        noise = cv2.GaussianBlur(rng.standard_normal((N, N, 3)).astype(np.float32), (0, 0), 1.0)
        grain = np.clip(128 + 12 * noise / noise.std(), 0, 255).astype(np.uint8)
        assert not runs_every_way(measure_detail(grain, source=_hole(), tile_px=tile_px)), tile_px


def test_loud_specks_in_quiet_patches_are_cut(monkeypatch):
    """Specks scattered all over the photo (dust, a painting's bright dabs) lie in every quiet patch
    too: measured as they are they would dot the fill; the detail is cut at DETAIL_CLIP times the
    sources' typical detail."""
    from facetalk.face import texture

    photo = _stripes(horizontal=True, colour=(120, 120, 120), amplitude=6.0)
    photo[3::9, 5::11] = 255  # a speck in every 9 x 11 px
    known = _hole()
    band = texture._band(photo, tile_px=24)
    bound = DETAIL_CLIP * 1.4826 * np.median(np.abs(band[known]), axis=0).max()
    cut = measure_detail(photo, source=known, tile_px=24)
    monkeypatch.setattr(texture, "DETAIL_CLIP", 1e9)
    uncut = measure_detail(photo, source=known, tile_px=24)
    assert np.abs(uncut.detail).max() > 1.5 * bound  # the specks come through uncut ...
    assert np.abs(cut.detail).max() <= bound + 1e-3  # ... and are cut
    assert made_detail(cut, wanted=~known, seed=0).std() < 0.7 * made_detail(uncut, wanted=~known, seed=0).std()


def test_too_little_to_measure_falls_back_to_grain():
    photo = _stripes(horizontal=True, colour=(120, 110, 100))
    known = np.zeros((N, N), bool)
    known[:10, :] = True  # a strip thinner than a patch
    assert measure_detail(photo, source=known, tile_px=24) is None
    grain = texture_over(photo, known=known, wanted=~known)
    assert not grain[known].any() and grain[~known].std() > 1.0


@pytest.mark.parametrize("known_px", [0, 30])
def test_nothing_known_gives_no_texture(known_px):
    photo = _stripes(horizontal=True, colour=(120, 110, 100))
    known = np.zeros((N, N), bool)
    known[0, :known_px] = True
    assert not texture_over(photo, known=known, wanted=~known).any()


def test_grown_nearest_continues_each_side_of_a_hole_and_keeps_the_known_pixels():
    """A hole between a light and a dark half: near each side the fill has that side's colour
    (push-pull brings both halves' mean well into it), and the known pixels stay as they were."""
    from facetalk.face.texture import grown_nearest

    rgb = np.zeros((N, N, 3), np.uint8)
    rgb[:, : N // 2] = 220
    rgb[:, N // 2:] = 40
    known = _hole()
    out = grown_nearest(rgb, known).astype(float)
    assert np.array_equal(out[known], rgb[known].astype(float))
    assert out[110:130, 66:76].mean() > 200 and out[110:130, 164:174].mean() < 60
    pushed = filled(rgb, known).astype(float)
    assert pushed[110:130, 66:76].mean() < 200 or pushed[110:130, 164:174].mean() > 60  # what it improves on


def test_patches_running_different_ways_give_the_photos_grain_not_a_made_weave():
    """Folds seen out of focus run every way (Biden's draped curtain): noise with their mean
    spectrum crosses those ways at once and read as a coarse linen over the fill; the fill takes
    the photo's fine grain instead, with no stripes of the folds' period in it."""
    known = _hole()
    made = texture_over(_patchwork(), known=known, wanted=~known)[80:160, 80:160].mean(axis=2)
    made = made - made.mean()

    def correlation(dy: int, dx: int) -> float:
        a, b = made[: made.shape[0] - dy, : made.shape[1] - dx], made[dy:, dx:]
        return float((a * b).mean() / max(made.var(), 1e-9))

    assert made.std() > 1.0  # textured, not left flat
    # Grain: pixels 2 px apart unrelated (the made weave's stripes: 0.38 and 0.49), and no
    # stripes of the folds' 8 px period (half of it apart: -0.26).
    assert max(correlation(2, 0), correlation(0, 2)) < 0.15
    assert min(correlation(4, 0), correlation(0, 4)) > -0.15


def _laid_patches(monkeypatch) -> list:
    """Records the source corners of every patch the quilt lays (a spy on texture._quilt)."""
    from facetalk.face import texture

    laid = []
    quilt = texture._quilt

    def spy(detail, corners, wanted, ramp, step, out):
        laid.append(corners.reshape(-1, 2))
        return quilt(detail, corners, wanted, ramp, step, out)

    monkeypatch.setattr(texture, "_quilt", spy)
    return laid


def test_over_an_even_base_the_quilt_does_not_repeat_one_patch(monkeypatch):
    """Over an even fill (the far extension of a painting's canvas) the best colour match was the
    same few patches nearly everywhere (Morisot's canvas: one of 8 in half the places, a knit of
    it). Any patch near the best fits, at random."""
    rng = np.random.default_rng(3)
    ramp = np.linspace(-12.0, 12.0, N)[None, :, None]  # the ground's colour drifts a little
    photo = np.clip(150.0 + ramp + 10.0 * rng.standard_normal((N, N, 3)), 0, 255).astype(np.uint8)
    known = np.zeros((N, N), bool)
    known[:60] = True  # a strip of ground: 11 quiet patches of 48 px
    laid = _laid_patches(monkeypatch)
    measured = measure_detail(photo, source=known, tile_px=48)
    made_detail(measured, wanted=~known, seed=0, base=np.full((N, N, 3), 150.0, np.float32))
    _, counts = np.unique(laid[0], axis=0, return_counts=True)
    assert counts.max() / counts.sum() < 0.25  # the best match alone: 0.70


def test_a_small_source_is_cut_into_smaller_patches_for_variety(monkeypatch):
    """A photo cut close around the person leaves little background: at the surround's patch size
    it held 8 whole quiet patches, and the quilt laid the same ones again and again. The patches
    shrink until the source holds VARIED_SOURCES."""
    n = 1000  # tile_size: 60 px
    rng = np.random.default_rng(4)
    photo = np.clip(128.0 + 12.0 * rng.standard_normal((n, n, 3)), 0, 255).astype(np.uint8)
    known = np.zeros((n, n), bool)
    known[100:190, 100:190] = True  # 90 x 90 px of background
    laid = _laid_patches(monkeypatch)
    texture_over(photo, known=known, wanted=~known)
    drawn_from = len(np.unique(laid[0], axis=0)) if laid else 0  # at 60 px: 4 whole, grain only
    assert drawn_from >= 16  # VARIED_SOURCES


def test_texture_from_a_measurement_is_texture_over_and_quiet_detail_clips():
    """A caller that measured the photo's detail already (face.surround, which decides on it
    first) gets from texture_from what texture_over makes; and quiet_detail cuts the detail at
    the `clip` it is given times its typical size over the source."""
    from facetalk.face import texture
    from facetalk.face.texture import quiet_detail, texture_from, tile_size, varied_tile

    photo, known = _stripes(horizontal=True, colour=(120, 110, 100)), _hole()
    base = filled(photo, known).astype(np.float32)
    measured = measure_detail(photo, source=known, tile_px=varied_tile(known, tile_px=tile_size(known.shape)))
    over = texture_over(photo, known=known, wanted=~known, base=base)
    assert over.any() and np.array_equal(texture_from(measured, rgb=photo, known=known, wanted=~known, base=base), over)
    detail = texture._band(photo, tile_px=24)
    typical = 1.4826 * np.median(np.abs(detail[known]), axis=0)
    cut = quiet_detail(photo, detail, source=known, tile_px=24, clip=0.5)
    assert np.allclose(np.abs(cut.detail).max(axis=(0, 1)), 0.5 * typical, rtol=1e-5)
    assert len(cut.corners) == len(measure_detail(photo, source=known, tile_px=24).corners)
