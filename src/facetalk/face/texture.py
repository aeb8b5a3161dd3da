"""A photo's own texture laid over what has to be made up: the plate behind the person, the
photo's background beyond its edges, clothing continued beyond them.

A smooth fill (push-pull, a blur) continues a background's colour but not its surface: beside a
painting's brushwork, an engraving's lines or a photo's grain and out-of-focus blotches, a smooth
patch reads as a hole with its outline, and fine noise alone does not change that. The detail the
fill lacks (the image less its blur at a patch's scale) is measured on quiet patches of the photo's
known pixels (a patch across an object's edge, a flag's star or a picture frame's corner, would
scatter copies of that edge) and quilted: randomly chosen patches of it laid half-overlapping with
windows whose squares sum to one, so it keeps its contrast (image quilting, Efros and Freeman 2001,
without the seam search: band-passed detail over a smooth base does not show the overlaps). It
continues structure: a curtain's pleats, an engraving's hatching, a canvas's weave. Each place
takes the texture of the photo's parts of its own colour: a red wall's on red, a blue curtain's on
blue. Where the patches run in different directions (a draped, out-of-focus curtain's folds) the
fill gets the photo's grain instead: quilted side by side such patches read as a basket weave on
the patch grid, and seeded noise with their mean power spectrum (random-phase texture) as a
coarse linen.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

TEXTURE_SEED = 0  # a photo's made-up texture is the same on every render of it
# Patches measured: those whose mean detail is at most this quantile of all the whole patches
# (edges and objects are the loud ones).
QUIET_QUANTILE = 0.3
# The detail made: finer than this many patches (strokes, lines, grain). Coarser, it carried the
# shapes of the background (a curtain's folds, a flag's stripes) and the fill read as a collage.
BAND_TILES = 0.08
CANDIDATES = 12  # patches drawn per place when quilting matches colour
MATCH_SLACK = 60.0  # ... any of them within this many RGB levels (summed) of the best match fits
DETAIL_CLIP = 2.5  # measured detail is cut at this many times the sources' typical deviation
MIN_SOURCES = 8  # patches the detail is measured on at least: fewer, and repeats show
DIRECTION_PATCHES = 64  # patches direction_spread reads at most (more add time, not accuracy)
# How much more the patches run in one direction each than all together (mean anisotropy of
# their structure tensors less that of their mean) above which they are not quilted (texture_over
# lays the photo's grain instead), plus what pure grain reads by chance in a patch of that many px
# (NOISE_SPREAD_PX / its side: 0.14 at 12 px, 0.04 at 36). Measured on the test portraits' plates: pleated curtains,
# engravings, canvas and grain 0.00-0.06; Biden's draped curtain 0.19, where the quilt read as a
# basket weave.
WEAVE_SPREAD = 0.12
NOISE_SPREAD_PX = 1.5


def tile_size(shape_hw: tuple[int, int]) -> int:
    """Patch side in px for an image of `shape_hw`: 6% of its shorter side, at least 12 px
    (brush strokes and blotches are about that size in a head-and-shoulders picture)."""
    return max(12, int(round(0.06 * min(shape_hw))))


@dataclass(frozen=True)
class PhotoDetail:
    """The detail a fill lacks, measured on a photo. detail: (h, w, 3) float32 band-passed and cut
    at DETAIL_CLIP; corners: (n, 2) int top-left (y, x) of the quiet patches wholly in the source;
    colours: (n, 3) float32 the photo below the detail at each patch's centre; tile_px: the
    patches' side (even)."""

    detail: np.ndarray
    corners: np.ndarray
    colours: np.ndarray
    tile_px: int


def measure_detail(rgb: np.ndarray, *, source: np.ndarray, tile_px: int) -> PhotoDetail | None:
    """The detail of `rgb` (h, w, 3) uint8 and its quiet `tile_px` patches lying wholly in
    `source` (h, w) bool; None if it holds too few whole patches."""
    tile_px = 2 * max(tile_px // 2, 2)
    return quiet_detail(rgb, _band(rgb, tile_px=tile_px), source=source, tile_px=tile_px, clip=DETAIL_CLIP,
                        sample_every=7)


def quiet_detail(image: np.ndarray, detail: np.ndarray, *, source: np.ndarray, tile_px: int, clip: float,
                 sample_every: int = 1) -> PhotoDetail | None:
    """PhotoDetail of `detail` ((h, w, 3) float32, `image` (h, w, 3) less a blur of it) over its
    quiet even `tile_px` patches lying wholly in `source` (h, w) bool, each patch's colour the image
    below the detail at its centre, the detail cut at `clip` times its typical size over `source`
    (the median of every `sample_every`-th source pixel); None if it holds too few whole patches."""
    corners = _quiet_patches(detail, source, tile_px=tile_px)
    if corners is None:
        return None
    centre = corners + tile_px // 2
    colours = image[centre[:, 0], centre[:, 1]].astype(np.float32) - detail[centre[:, 0], centre[:, 1]]
    # Cut at a few times the sources' typical detail: what loud pixels a quiet patch holds (a stroke
    # of another colour, a speck) would otherwise be copied all over the fill.
    typical = 1.4826 * np.median(np.abs(detail[source][::sample_every]), axis=0)
    detail = np.clip(detail, -clip * typical, clip * typical)
    return PhotoDetail(detail=detail, corners=corners, colours=colours, tile_px=tile_px)


def made_detail(measured: PhotoDetail, *, wanted: np.ndarray, seed: int,
                base: np.ndarray | None = None) -> np.ndarray:
    """(h, w, 3) float32 zero-mean detail at the `wanted` (h, w) bool pixels, 0 elsewhere: patches
    laid on a grid half a patch apart, each drawn at random or, with `base` ((h, w, 3) float32:
    the fill it goes on), one of the best matches in colour of CANDIDATES drawn. Seeded: the same
    photo gets the same texture on every render."""
    step = measured.tile_px // 2
    h, w = wanted.shape
    # Patch (i, j) of the grid covers rows (i - 1) * step .. (i + 1) * step and columns likewise:
    # every pixel lies in four patches, whose windows' squares sum to one there.
    grid = (h // step + 2, w // step + 2)
    rng = np.random.default_rng(seed)
    if base is None:
        picks = rng.integers(0, len(measured.corners), size=grid)
    else:
        rows = np.minimum(np.arange(grid[0]) * step, h - 1)
        cols = np.minimum(np.arange(grid[1]) * step, w - 1)
        drawn = rng.integers(0, len(measured.corners), size=grid + (CANDIDATES,))
        misfit = np.abs(measured.colours[drawn] - base[rows][:, cols][:, :, None]).sum(axis=3)
        # Any of those within MATCH_SLACK of the best, at random: over an even base the best alone
        # is the same few patches everywhere (Morisot's canvas: one patch in half the places).
        near = misfit <= misfit.min(axis=2, keepdims=True) + MATCH_SLACK
        choice = np.where(near, rng.random(misfit.shape), -1.0).argmax(axis=2)
        picks = np.take_along_axis(drawn, choice[..., None], axis=2)[..., 0]
    out = np.zeros(wanted.shape + (3,), np.float32)
    _quilt(measured.detail, measured.corners[picks].astype(np.int64), wanted, _ramp(measured.tile_px), step, out)
    return out


def runs_every_way(measured: PhotoDetail) -> bool:
    """Whether the patches run in different directions: direction_spread above WEAVE_SPREAD beyond
    what grain reads by chance in a patch of their size."""
    return direction_spread(measured) > WEAVE_SPREAD + NOISE_SPREAD_PX / measured.tile_px


def direction_spread(measured: PhotoDetail) -> float:
    """How much the quiet patches run in directions of their own: the mean anisotropy of their
    structure tensors less the anisotropy of the mean of the (trace-normalised) tensors; 0 when
    all run one way or none has a direction, up to 1."""
    t = measured.tile_px
    # Every patch up to DIRECTION_PATCHES, then an even spread of that many.
    corners = measured.corners[np.linspace(0, len(measured.corners) - 1,
                                           min(len(measured.corners), DIRECTION_PATCHES)).astype(int)]
    patches = detail_patches(measured.detail, corners, tile_px=t).mean(axis=3)
    # Sobel's gradients (a difference across, smoothed along: pixel noise alone has no direction).
    across = patches[:, :, 2:] - patches[:, :, :-2]
    gx = across[:, :-2] + 2 * across[:, 1:-1] + across[:, 2:]
    down = patches[:, 2:, :] - patches[:, :-2, :]
    gy = down[:, :, :-2] + 2 * down[:, :, 1:-1] + down[:, :, 2:]
    sums = [np.sum(product, axis=(1, 2), dtype=np.float64) for product in (gx * gx, gy * gy, gx * gy)]
    jxx, jyy, jxy = (part / (sums[0] + sums[1] + 1e-9) for part in sums)
    each = np.sqrt((jxx - jyy) ** 2 + 4 * jxy ** 2)
    together = np.hypot(jxx.mean() - jyy.mean(), 2 * jxy.mean()) / max(jxx.mean() + jyy.mean(), 1e-9)
    return float(each.mean() - together)


def detail_patches(detail: np.ndarray, corners: np.ndarray, *, tile_px: int) -> np.ndarray:
    """(n, tile, tile, 3) the detail in the patches at `corners` (n, 2) top-left (y, x)."""
    return np.stack([detail[y:y + tile_px, x:x + tile_px] for y, x in corners])


def _band(rgb: np.ndarray, *, tile_px: int) -> np.ndarray:
    """(h, w, 3) float32 the detail a fill lacks: `rgb` less its blur at BAND_TILES of a patch."""
    import cv2

    image = rgb.astype(np.float32)
    h, w = image.shape[:2]
    # The blur is smooth at its scale: computed on a grid a third of it apart.
    shrink = max(1, int(round(BAND_TILES * tile_px / 3)))
    small = cv2.resize(image, (max(w // shrink, 1), max(h // shrink, 1)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), BAND_TILES * tile_px / shrink)
    return image - cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _quiet_patches(detail: np.ndarray, source: np.ndarray, *, tile_px: int) -> np.ndarray | None:
    """(n, 2) int top-left (y, x) corners of patches wholly in `source`, on a grid of a quarter
    patch, whose mean absolute detail is within the QUIET_QUANTILE of all such patches; None if
    too few."""
    import cv2

    h, w = source.shape
    if h < tile_px or w < tile_px:
        return None
    stride = max(1, tile_px // 4)
    inside = cv2.integral(source.astype(np.uint8))
    size = np.abs(detail)
    loud = cv2.integral(size[..., 0] + size[..., 1] + size[..., 2], sdepth=cv2.CV_64F)
    y, x = np.mgrid[0:h - tile_px + 1:stride, 0:w - tile_px + 1:stride]
    y, x = y.ravel(), x.ravel()

    def box_sum(table: np.ndarray) -> np.ndarray:
        return table[y + tile_px, x + tile_px] - table[y, x + tile_px] - table[y + tile_px, x] + table[y, x]

    whole = box_sum(inside) == tile_px * tile_px
    if whole.sum() < MIN_SOURCES:
        return None
    # The quietest QUIET_QUANTILE of them, and never fewer than MIN_SOURCES (a small source, such
    # as the clothing by a photo's edge, has few whole patches).
    order = np.argsort(box_sum(loud)[whole], kind="stable")
    keep = order[:max(int(np.ceil(QUIET_QUANTILE * len(order))), MIN_SOURCES)]
    return np.stack([y[whole][keep], x[whole][keep]], axis=1)


def _ramp(tile_px: int) -> np.ndarray:
    """(tile,) float32 window whose squares, over tiles half a tile apart, sum to one (sin over
    the tile: sin^2 + cos^2)."""
    return np.sin(np.pi * (np.arange(tile_px, dtype=np.float32) + 0.5) / tile_px).astype(np.float32)


@njit(cache=True, nogil=True)
def _quilt(detail, corners, wanted, ramp, step, out):
    """out[y, x] (at `wanted` pixels) = the sum over the four tiles covering (y, x) of their
    windows' weight times the detail at the same place in each tile's source; `corners`
    (rows, cols, 2) each grid tile's source top-left (y, x)."""
    w = out.shape[1]
    col = np.empty(w, np.int64)
    in_x = np.empty(w, np.int64)
    for x in range(w):
        col[x] = x // step + 1
        in_x[x] = x - (col[x] - 1) * step
    for y in range(out.shape[0]):
        row = y // step + 1
        in_y = y - (row - 1) * step
        for x in range(w):
            if not wanted[y, x]:
                continue
            for dy in range(2):
                r, iy = row - dy, in_y + dy * step
                for dx in range(2):
                    c, ix = col[x] - dx, in_x[x] + dx * step
                    weight = ramp[iy] * ramp[ix]
                    sy, sx = corners[r, c, 0] + iy, corners[r, c, 1] + ix
                    out[y, x, 0] += weight * detail[sy, sx, 0]
                    out[y, x, 1] += weight * detail[sy, sx, 1]
                    out[y, x, 2] += weight * detail[sy, sx, 2]


def fill_holes(image: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Fills pixels where `known` is False from the known ones, smoothly (push-pull pyramid).

    image: (H, W, C) float32; known: (H, W) bool. Returns (H, W, C) float32; known pixels unchanged.
    """
    import cv2

    weights = [known.astype(np.float32)]
    colours = [image * weights[0][..., None]]
    while min(weights[-1].shape) > 2:
        weights.append(cv2.pyrDown(weights[-1]))
        colours.append(cv2.pyrDown(colours[-1]))
    w = weights[-1][..., None]
    estimate = np.where(w > 1e-6, colours[-1] / np.maximum(w, 1e-6),
                        colours[-1].sum(axis=(0, 1)) / max(weights[-1].sum(), 1e-6))
    for colour, weight in zip(reversed(colours[:-1]), reversed(weights[:-1])):
        up = cv2.pyrUp(estimate, dstsize=(weight.shape[1], weight.shape[0]))
        if up.ndim == 2:
            up = up[..., None]
        a = np.clip(weight, 0.0, 1.0)[..., None]
        estimate = a * colour / np.maximum(weight[..., None], 1e-6) + (1.0 - a) * up
    return np.where(known[..., None], image, estimate).astype(np.float32)


def filled(rgb: np.ndarray, known: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8: `rgb` where `known`, elsewhere grown smoothly from the known pixels
    (push-pull: grown_nearest's fallback where its half-size copy has no known pixel left). The
    fill is smooth, so it is computed at half size (a quarter of the time) and enlarged."""
    small, small_known = _halved(rgb, known)
    return _known_over(rgb, known, grown_half=fill_holes(small, small_known))


def _halved(rgb: np.ndarray, known: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`rgb` (h, w, 3) at half size as float32, and where it is known there: wholly known pixels
    only, so a fill never starts from a colour mixed with the hole's."""
    import cv2

    h, w = known.shape
    half = (max(w // 2, 1), max(h // 2, 1))
    small = cv2.resize(rgb.astype(np.float32), half, interpolation=cv2.INTER_AREA)
    return small, cv2.resize(known.astype(np.float32), half, interpolation=cv2.INTER_AREA) > 0.99


def _known_over(rgb: np.ndarray, known: np.ndarray, *, grown_half: np.ndarray) -> np.ndarray:
    """(h, w, 3) uint8: `rgb` where `known`, elsewhere `grown_half` (a fill at half size) enlarged."""
    import cv2

    h, w = known.shape
    grown = cv2.resize(grown_half, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.where(known[..., None], rgb, np.clip(grown + 0.5, 0, 255).astype(np.uint8))


# grown_nearest blurs the nearest known colour by this share of the distance to it: a strand
# continued inward spreads as it goes instead of running on as a ray.
NEAREST_SPREAD = 0.75
NEAREST_SIGMAS_PX = (2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0)  # (at half size) the blurs it mixes between


def grown_nearest(rgb: np.ndarray, known: np.ndarray, *, spread: float = NEAREST_SPREAD) -> np.ndarray:
    """(h, w, 3) uint8: `rgb` where `known`, elsewhere the colour of the nearest known pixel,
    blurred by `spread` of the distance to it. Over a wide hole (the place of a person the camera
    shrinks) this continues what lies by each part of the outline (a window behind the head,
    the wall beside the shoulders), where push-pull (`filled`) averages all of it into one colour
    in the hole's middle, a disc of the curtains' red in a window; and, blurred with the distance,
    it draws no rays as Telea's inpainting does. `spread`: the blur's share of the distance.
    Computed at half size and enlarged (it is smooth)."""
    import cv2

    small, small_known = _halved(rgb, known)
    if not small_known.any():
        return filled(rgb, known)
    # The known colours lightly smoothed among themselves: one odd pixel by the outline would
    # otherwise colour a whole wedge.
    weight = small_known.astype(np.float32)
    smooth = cv2.GaussianBlur(small * weight[..., None], (0, 0), 1.5) \
        / np.maximum(cv2.GaussianBlur(weight, (0, 0), 1.5), 1e-3)[..., None]
    distance, label = cv2.distanceTransformWithLabels((~small_known).astype(np.uint8), cv2.DIST_L2, 5,
                                                      labelType=cv2.DIST_LABEL_PIXEL)
    ys, xs = np.nonzero(small_known)
    colour_of = np.zeros((int(label.max()) + 1, 3), np.float32)
    colour_of[label[ys, xs]] = smooth[ys, xs]
    nearest = colour_of[label]
    sigmas = np.array((0.0,) + NEAREST_SIGMAS_PX, np.float32)
    levels = np.stack([nearest] + [_wide_blur(nearest, sigma_px=float(s)) for s in sigmas[1:]])
    wanted = np.clip(spread * distance, 0.0, sigmas[-1])
    upper = np.clip(np.searchsorted(sigmas, wanted), 1, len(sigmas) - 1)
    t = ((wanted - sigmas[upper - 1]) / (sigmas[upper] - sigmas[upper - 1]))[..., None]
    rows, cols = np.indices(wanted.shape)
    grown_half = levels[upper - 1, rows, cols] * (1.0 - t) + levels[upper, rows, cols] * t
    return _known_over(rgb, known, grown_half=grown_half)


def _wide_blur(image: np.ndarray, *, sigma_px: float) -> np.ndarray:
    """(h, w, 3) float32 Gaussian blur of `image` by `sigma_px`, computed at a quarter of the
    sigma's scale (a blur that wide is smooth at it) and enlarged."""
    import cv2

    h, w = image.shape[:2]
    shrink = max(1.0, sigma_px / 4.0)
    size = (max(int(round(w / shrink)), 1), max(int(round(h / shrink)), 1))
    small = cv2.GaussianBlur(cv2.resize(image, size, interpolation=cv2.INTER_AREA), (0, 0), sigma_px / shrink)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def texture_over(rgb: np.ndarray, *, known: np.ndarray, wanted: np.ndarray, tile_px: int | None = None,
                 base: np.ndarray | None = None) -> np.ndarray:
    """(h, w, 3) float32 zero-mean texture for the `wanted` pixels of `rgb` (h, w, 3) uint8, taken
    from its `known` ones: its own detail, quilted (made_detail); its grain where its patches run
    every way (runs_every_way) or it has too few whole patches; 0 elsewhere (and 0 everywhere
    with under 64 known pixels). `tile_px`: the patches' side (default: tile_size of the image,
    or less where the known pixels hold too few whole ones: varied_tile); `base`: the fill it goes
    on (each pixel takes the texture of the photo's parts of its colour)."""
    tile_px = varied_tile(known, tile_px=tile_size(known.shape)) if tile_px is None else tile_px
    return texture_from(measure_detail(rgb, source=known, tile_px=tile_px), rgb=rgb, known=known, wanted=wanted,
                        base=base)


def texture_from(measured: PhotoDetail | None, *, rgb: np.ndarray, known: np.ndarray, wanted: np.ndarray,
                 base: np.ndarray | None = None) -> np.ndarray:
    """texture_over given `measured`, measure_detail of `rgb` over `known` (None: too few whole
    patches), for a caller that has measured it already."""
    # Patches running every way are structure seen out of focus (a draped curtain's folds), not a
    # texture: quilted they read as a basket weave, as noise with their spectrum a coarse linen.
    # The photo's own grain is what such a background shows between its folds.
    if measured is not None and not runs_every_way(measured):
        return made_detail(measured, wanted=wanted, seed=TEXTURE_SEED, base=base)
    if known.sum() < 64:
        return np.zeros(rgb.shape, np.float32)
    return (grain_field(known.shape) * wanted)[..., None] * grain_strength(rgb, known)


# The quiet patches a quilt should draw from at least: from fewer, the same ones show again and
# again (Morisot's canvas beyond a painting cut close: 8 patches of 61 px, the fill a knit of them).
VARIED_SOURCES = 16
SMALLEST_TILE_PX = 12


def varied_tile(known: np.ndarray, *, tile_px: int) -> int:
    """The largest patch side up to `tile_px` (shrinking by a fifth at a time, down to
    SMALLEST_TILE_PX) at which the (h, w) bool `known` pixels hold enough whole patches for
    VARIED_SOURCES quiet ones (_quiet_patches keeps the QUIET_QUANTILE quietest)."""
    import cv2

    table = cv2.integral(known.astype(np.uint8))
    h, w = known.shape
    while tile_px > SMALLEST_TILE_PX:
        even = 2 * max(tile_px // 2, 2)  # as measure_detail rounds it
        stride = max(1, even // 4)
        y, x = np.mgrid[0:max(h - even + 1, 0):stride, 0:max(w - even + 1, 0):stride]
        whole = (table[y + even, x + even] - table[y, x + even] - table[y + even, x] + table[y, x]) == even * even
        if QUIET_QUANTILE * whole.sum() >= VARIED_SOURCES:
            return tile_px
        tile_px = max(SMALLEST_TILE_PX, int(round(0.8 * tile_px)))
    return tile_px


def grain_strength(rgb: np.ndarray, known: np.ndarray) -> np.ndarray:
    """(3,) float32 per channel: how strong the fine detail of `rgb` is over its `known` pixels."""
    import cv2

    photo = rgb.astype(np.float32)
    detail = photo - cv2.GaussianBlur(photo, (0, 0), 1.5)
    # The median deviation, not the spread: edges and patterns in the background are not grain.
    # Every third pixel of the background is plenty to measure it.
    return 1.4826 * np.median(np.abs(detail[known][::3]), axis=0)


def grain_field(shape_hw: tuple[int, int]) -> np.ndarray:
    """(h, w) float32 seeded noise of unit spread, in the band grain_strength measures (one field:
    grain is mostly luminance)."""
    import cv2

    rng = np.random.default_rng(TEXTURE_SEED)
    noise = rng.standard_normal(shape_hw, dtype=np.float32)
    noise = noise - cv2.GaussianBlur(noise, (0, 0), 1.5)
    return noise / max(float(noise.std()), 1e-6)
