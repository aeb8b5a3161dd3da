"""A photo's own texture laid over what has to be made up: the plate behind the person, the
photo's background beyond its edges, clothing continued beyond them.

A smooth fill (push-pull, a blur) continues a background's colour but not its surface: beside a
painting's brushwork, an engraving's lines or a photo's grain and out-of-focus blotches, a smooth
patch reads as a hole with its outline, and fine noise alone does not change that. Here the
detail the fill lacks (the image less its blur at the tile's scale) is assembled from randomly
chosen tiles of the photo's own known pixels (image quilting, Efros and Freeman 2001, without the
seam search: the tiles are band-passed detail over a smooth base, where their overlap is not
seen). Tiles overlap by half with windows whose squares sum to one, so the detail keeps its
contrast across the overlaps. Only quiet tiles are sources: a tile across an object's edge (a
flag's star, a picture frame's corner) would scatter copies of that edge over the fill.
"""

from __future__ import annotations

import numpy as np
from numba import njit

TEXTURE_SEED = 0  # a photo's made-up texture is the same on every render of it
# Source tiles are drawn from the quieter part of the known pixels: those whose mean detail is at
# most this quantile of all candidate tiles' (edges and objects are the loud ones).
QUIET_QUANTILE = 0.3
# The detail copied: finer than this many tiles (strokes, lines, grain). Coarser, it carried the
# shapes of the background (a curtain's folds, a flag's stripes) and the fill read as a collage.
BAND_TILES = 0.08
CANDIDATES = 12  # tiles drawn per place when matching colour
DETAIL_CLIP = 2.5  # copied detail is cut at this many times the sources' typical deviation
MIN_SOURCES = 8  # sources drawn from at least: fewer, and repeats show


def tile_size(shape_hw: tuple[int, int]) -> int:
    """Tile side in px for an image of `shape_hw`: 6% of its shorter side, at least 12 px
    (brush strokes and blotches are about that size in a head-and-shoulders picture)."""
    return max(12, int(round(0.06 * min(shape_hw))))


def quilted_detail(rgb: np.ndarray, *, source: np.ndarray, wanted: np.ndarray, tile_px: int, seed: int,
                   base: np.ndarray | None = None) -> np.ndarray | None:
    """(h, w, 3) float32 detail (zero-mean, about as strong as the photo's quiet parts) at the
    `wanted` (h, w) bool pixels, assembled from tiles of `rgb` (h, w, 3) uint8 lying wholly in
    `source` (h, w) bool; 0 elsewhere. With `base` ((h, w, 3) float32, the fill the detail goes
    on), each tile is the best match in colour of CANDIDATES drawn: a wall's texture goes on the
    wall's colour, a curtain's on the curtain's. None if `source` holds too few whole tiles.
    Seeded: the same photo gets the same texture on every render."""
    step = max(tile_px // 2, 2)
    tile_px = 2 * step
    detail = _band(rgb, tile_px=tile_px)
    sources = _quiet_tiles(detail, source, tile_px=tile_px)
    if sources is None:
        return None
    h, w = wanted.shape
    centre = sources + step
    # Each source's local colour: the photo below its detail, at the tile's centre.
    own = rgb[centre[:, 0], centre[:, 1]].astype(np.float32) - detail[centre[:, 0], centre[:, 1]]
    # Cut at a few times the sources' typical detail: what loud pixels a quiet tile holds (a stroke
    # of another colour, a speck) would otherwise be copied all over the fill.
    typical = 1.4826 * np.median(np.abs(detail[source][::7]), axis=0)
    detail = np.clip(detail, -DETAIL_CLIP * typical, DETAIL_CLIP * typical)
    # Tile (i, j) of the grid covers rows (i - 1) * step .. (i + 1) * step and columns likewise:
    # every pixel lies in four tiles, whose windows' squares sum to one there.
    grid = (h // step + 2, w // step + 2)
    rng = np.random.default_rng(seed)
    if base is None:
        picks = rng.integers(0, len(sources), size=grid)
    else:
        rows = np.minimum(np.arange(grid[0]) * step, h - 1)
        cols = np.minimum(np.arange(grid[1]) * step, w - 1)
        drawn = rng.integers(0, len(sources), size=grid + (CANDIDATES,))
        misfit = np.abs(own[drawn] - base[rows][:, cols][:, :, None]).sum(axis=3)
        picks = np.take_along_axis(drawn, misfit.argmin(axis=2)[..., None], axis=2)[..., 0]
    out = np.zeros(rgb.shape, np.float32)
    _quilt(detail, sources[picks].astype(np.int64), wanted, _ramp(tile_px), step, out)
    return out


def _band(rgb: np.ndarray, *, tile_px: int) -> np.ndarray:
    """(h, w, 3) float32 the detail a fill lacks: `rgb` less its blur at BAND_TILES of a tile."""
    import cv2

    image = rgb.astype(np.float32)
    h, w = image.shape[:2]
    # The blur is smooth at its scale: computed on a grid a third of it apart.
    shrink = max(1, int(round(BAND_TILES * tile_px / 3)))
    small = cv2.resize(image, (max(w // shrink, 1), max(h // shrink, 1)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), BAND_TILES * tile_px / shrink)
    return image - cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _quiet_tiles(detail: np.ndarray, source: np.ndarray, *, tile_px: int) -> np.ndarray | None:
    """(n, 2) int top-left (y, x) corners of tiles wholly in `source`, on a grid of a quarter tile,
    whose mean absolute detail is within the QUIET_QUANTILE of all such tiles; None if too few."""
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
    # as the clothing by a photo's edge, has few whole tiles).
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
    """(h, w, 3) uint8: `rgb` where `known`, elsewhere grown smoothly from the known pixels (the
    callers lay texture_over on it: a smooth patch reads as a hole). The fill is smooth, so it is
    computed at half size (a quarter of the time) and enlarged."""
    import cv2

    h, w = known.shape
    half = (max(w // 2, 1), max(h // 2, 1))
    small = cv2.resize(rgb.astype(np.float32), half, interpolation=cv2.INTER_AREA)
    small_known = cv2.resize(known.astype(np.float32), half, interpolation=cv2.INTER_AREA) > 0.99
    grown = cv2.resize(fill_holes(small, small_known), (w, h), interpolation=cv2.INTER_LINEAR)
    return np.where(known[..., None], rgb, np.clip(grown + 0.5, 0, 255).astype(np.uint8))


def texture_over(rgb: np.ndarray, *, known: np.ndarray, wanted: np.ndarray, tile_px: int | None = None,
                 base: np.ndarray | None = None) -> np.ndarray:
    """(h, w, 3) float32 zero-mean texture for the `wanted` pixels of `rgb` (h, w, 3) uint8, taken
    from its `known` ones: quilted tiles of its own detail, or where it has too few whole tiles
    of them, its grain; 0 elsewhere (and 0 everywhere with under 64 known pixels). `tile_px`:
    the tiles' side (default: tile_size of the image); `base`: the fill it goes on (tiles are
    matched to its colour; see quilted_detail)."""
    tile_px = tile_size(known.shape) if tile_px is None else tile_px
    quilted = quilted_detail(rgb, source=known, wanted=wanted, tile_px=tile_px, seed=TEXTURE_SEED, base=base)
    if quilted is not None:
        return quilted
    if known.sum() < 64:
        return np.zeros(rgb.shape, np.float32)
    return (grain_field(known.shape) * wanted)[..., None] * grain_strength(rgb, known)


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
