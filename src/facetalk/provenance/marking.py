"""Add the watermark to RGB frames: the fixed pattern, scaled per pixel by a local-contrast mask
and per frame to make up for what 0..255 cuts off."""

from __future__ import annotations

import functools
import math

import numpy as np
from numba import njit

from facetalk.provenance.layout import pattern
from facetalk.provenance.payload import Payload

# Mask: the pattern is hidden where the picture is busy and kept faint in flat areas, where the eye
# sees noise best. Relative gains, normalised per frame so every frame spends the same energy.
_MASK_RANGE = (0.7, 1.4)  # (0.5, 1.7) hid more but lost a fifth of the score after 256 px + CRF 30
_MASK_KNEE = 1.5  # gray levels of local mean absolute deviation at which the gain is 1
_MASK_SIDE = 128  # the mask is measured on a copy about this small: cheap, and scale-independent
# Where a frame is near white (a sketch's paper) or near black, the mark's excursions past 255 or 0
# are cut at embedding, so the frame spends less than its PSNR budget: the mark is scaled up until
# it spends it again (at most _MAX_BOOST), measured on _PROBE_PIXELS pixels at fixed pseudo-random
# places (a regular grid lines up with the pattern's period in some frame sizes and misjudges it).
# It is the same content whose paper a brightness change clips, so that is where the extra is needed.
_MAX_BOOST = 1.5
_PROBE_PIXELS = 4096


class Watermarker:
    """Marks frames with one payload. The pattern is computed once per frame size (lru-cached)."""

    def __init__(self, payload: Payload):
        self.payload = payload
        self._coded = payload.coded_bits().tobytes()

    def __call__(self, image: np.ndarray) -> np.ndarray:
        """A marked copy of an (H, W, 3) uint8 RGB frame: the same delta on R, G and B (luma only),
        the pattern x the mask (upsampled from its small copy in the same pass) x the boost."""
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 frame, got {image.shape} {image.dtype}")
        h, w = image.shape[:2]
        probes = np.empty((len(_probe_places(h, w)), 3), np.uint8)
        tile, gain = pattern(h, w, self._coded), _small_gain(image, probes=probes)
        rows, across = _linear_taps(h, gain.shape[0]), _upsample_across(gain, w)
        scale = _saturation_boost(image, _probe_tile(h, w, self._coded), across, probes=probes)
        image = np.ascontiguousarray(image)
        out = np.empty_like(image)
        _add_masked(image.reshape(-1), tile, across, np.float32(scale), *rows, out.reshape(-1))
        return out


def embed(image: np.ndarray, payload: Payload) -> np.ndarray:
    """A marked copy of one (H, W, 3) uint8 RGB image."""
    return Watermarker(payload)(image)


@functools.lru_cache(maxsize=16)
def _linear_taps(n_out: int, n_in: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Linear interpolation from n_in samples to n_out, as OpenCV's INTER_LINEAR resize places
    them (sample centres aligned, held at the ends): (first tap, second tap) int32 indices and the
    second's float32 weight, each (n_out,)."""
    pos = (np.arange(n_out, dtype=np.float64) + 0.5) * (n_in / n_out) - 0.5
    first = np.floor(pos)
    weight = pos - first
    weight[first < 0], first[first < 0] = 0.0, 0
    last = first >= n_in - 1
    weight[last], first[last] = 0.0, n_in - 1
    taps = first.astype(np.int32), np.minimum(first + 1, n_in - 1).astype(np.int32), weight.astype(np.float32)
    for tap in taps:
        tap.flags.writeable = False  # cached: shared by every frame of this size
    return taps


@njit(cache=True, nogil=True)
def _add_masked(image, tile, gain_cols, scale, row0, row1, row_w, out):
    """out = `image` + tile * gain * scale on every channel, on flat RGB `image` and `out` (3HW,)
    uint8 and the (H, W) float32 `tile`, where the gain is `gain_cols` ((h, W) float32: the small
    gain already upsampled across, _upsample_across) upsampled down the rows by the row taps
    (_linear_taps) in the same pass: the delta's size rounded half to even and cut at 255, the sums
    cut to 0..255. One pass where resizing the mask, multiplying and adding were three, each
    writing a full-size array. Per row the deltas are laid out three to a pixel first, so the
    adding runs over the row's bytes as one loop (the compiler's vector unit takes it: 15% less
    time than adding each pixel's three channels as it is computed)."""
    zero, top, one = np.int32(0), np.int32(255), np.float32(1.0)
    width = tile.shape[1]
    flat_tile = tile.reshape(-1)  # flat: indexing the 2-D tile made the pass 4x slower
    steps = np.empty(3 * width, np.int32)
    for y in range(tile.shape[0]):
        above, below, wy = gain_cols[row0[y]], gain_cols[row1[y]], row_w[y]
        start = y * width
        for x in range(width):
            d = flat_tile[start + x] * (above[x] * (one - wy) + below[x] * wy) * scale
            size = np.int32(np.rint(min(abs(d), np.float32(255.0))))
            step = size if d > 0 else -size
            steps[3 * x], steps[3 * x + 1], steps[3 * x + 2] = step, step, step
        row_in, row_out = image[3 * start:3 * (start + width)], out[3 * start:3 * (start + width)]
        for i in range(3 * width):
            row_out[i] = min(max(np.int32(row_in[i]) + steps[i], zero), top)


def _upsample_across(gain: np.ndarray, width: int) -> np.ndarray:
    """(h, width) float32: the (h, w) gain resized along its rows alone (the first half of
    OpenCV's separable linear resize, which _add_masked finishes down the rows)."""
    import cv2

    return cv2.resize(gain, (width, gain.shape[0]), interpolation=cv2.INTER_LINEAR)


def _saturation_boost(image: np.ndarray, probe_tile: np.ndarray, gain_cols: np.ndarray, *,
                      probes: np.ndarray | None = None) -> float:
    """The factor that brings the energy the luma delta tile x gain (the tile at _probe_places:
    `probe_tile`, _probe_tile; the gain as _add_masked takes it: `gain_cols`, (h, W), resized down
    the rows there) keeps once added to the (H, W, 3) uint8 image and cut to 0..255 back to the
    energy it was meant to have; `probes`: the image's (n, 3) pixels at _probe_places if gathered
    already (_small_gain), else gathered here."""
    h, w = image.shape[:2]
    if probes is None:
        probes = np.ascontiguousarray(image).reshape(-1, 3)[_probe_places(h, w)]
    above, below, weight = _probe_taps(h, w, gain_cols.shape[0])
    meant_d = np.empty((len(probes), 1), np.float32)
    kept = np.empty((len(probes), 3), np.float32)
    _probe_deltas(probes, probe_tile, gain_cols.reshape(-1), above, below, weight, meant_d, kept)
    # The sums stay numpy's (pairwise, float32): the factor, and so every frame, is what it was.
    meant = 3.0 * float(np.sum(meant_d * meant_d))
    if meant <= 0.0:
        return 1.0
    return min(_MAX_BOOST, math.sqrt(meant / max(float(np.sum(kept * kept)), 1e-12)))


# Compiled: the same float32 arithmetic as numpy's gathers and clips on the few thousand probes,
# without a dozen array calls' overhead (0.25 of the mark's 1.8 ms a 512² frame).
@njit(cache=True, nogil=True)
def _probe_deltas(probes, tile, gain, above, below, weight, delta, kept):
    """For each probe k: delta[k, 0] = the luma delta meant there (tile[k], the tile there, x the
    gain between the gain's samples above[k] and below[k], weighed by weight[k]) and kept[k] (3,) =
    what of it each channel of its pixel, probes[k] ((n, 3) uint8), keeps once cut to 0..255, float32."""
    zero, top, one = np.float32(0.0), np.float32(255.0), np.float32(1.0)
    for k in range(probes.shape[0]):
        at = gain[above[k]] * (one - weight[k]) + gain[below[k]] * weight[k]
        d = tile[k] * at
        delta[k, 0] = d
        for c in range(3):
            p = np.float32(probes[k, c])
            kept[k, c] = min(max(p + d, zero), top) - p


@functools.lru_cache(maxsize=8)
def _probe_places(height: int, width: int) -> np.ndarray:
    """Flat (row-major) indices of the pixels the saturation boost is measured on (every pixel of
    a small frame)."""
    n = height * width
    flat = np.arange(n) if n <= _PROBE_PIXELS else np.random.default_rng(0).choice(n, _PROBE_PIXELS, replace=False)
    return np.sort(flat)


# Gathered once per frame size and payload: the pattern's 4096 probes scattered over its 1 MB (512^2)
# cost a cache miss each, every frame.
@functools.lru_cache(maxsize=8)
def _probe_tile(height: int, width: int, coded: bytes) -> np.ndarray:
    """(n,) float32, read-only: the pattern (layout.pattern) at each of _probe_places' pixels."""
    tile = np.ascontiguousarray(pattern(height, width, coded).reshape(-1)[_probe_places(height, width)])
    tile.flags.writeable = False
    return tile


@functools.lru_cache(maxsize=8)
def _probe_taps(height: int, width: int, gain_height: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each of _probe_places' pixels, the flat indices of the two rows' samples of the gain as
    _add_masked takes it ((gain_height, width): already resized across) and the second's weight."""
    ys, xs = np.divmod(_probe_places(height, width), width)
    first, second, weight = (tap[ys] for tap in _linear_taps(height, gain_height))
    taps = first * width + xs, second * width + xs, weight
    for tap in taps:
        tap.flags.writeable = False  # cached: shared by every frame of this size
    return taps


def _small_gain(image: np.ndarray, *, probes: np.ndarray | None = None) -> np.ndarray:
    """(h, w) float32 gain with mean square 1, high where the luma has local detail, on a copy of
    the frame about _MASK_SIDE px small (upsampled where it is applied: _add_masked). `probes`, if
    given: (n, 3) uint8 filled with the frame's pixels at _probe_places (the saturation boost's)."""
    import cv2

    h, w = image.shape[:2]
    step = max(1, round(min(h, w) / _MASK_SIDE))
    size = (max(1, w // step), max(1, h // step))
    flat = _probe_places(h, w) if probes is not None else _NO_PLACES
    if step > 2 and size[0] * step == w and size[1] * step == h:  # whole blocks: OpenCV's generic mean
        small = np.empty(size[::-1], np.uint8)
        _gray_block_means(np.ascontiguousarray(image).reshape(h, 3 * w), step, small, flat,
                          _NO_PIXELS if probes is None else probes)
    else:
        small = cv2.resize(cv2.cvtColor(image, cv2.COLOR_RGB2GRAY), size, interpolation=cv2.INTER_AREA)
        if probes is not None:
            probes[:] = np.ascontiguousarray(image).reshape(-1, 3)[flat]
    small = small.astype(np.float32)
    detail = cv2.blur(cv2.absdiff(small, cv2.blur(small, (3, 3))), (5, 5))
    gain = np.clip(detail * (1.0 / _MASK_KNEE), *_MASK_RANGE)
    gain *= 1.0 / np.sqrt(np.mean(gain * gain))
    return np.ascontiguousarray(gain, dtype=np.float32)


# No probes to gather (_small_gain's `probes` not given).
_NO_PLACES = np.zeros(0, np.int64)
_NO_PIXELS = np.zeros((0, 3), np.uint8)


# Compiled, from the colour frame: cvtColor's full-size grey image and OpenCV's INTER_AREA resize by a
# whole factor (which sums each block pixel by pixel through an offset table) cost 0.3 of the
# mark's 1.2 ms a 512^2 frame; one pass reading the frame once costs 0.2. The saturation boost's
# probes are copied out in the same pass, each row while it is in cache: gathered from the frame
# afterwards, each cost a cache miss (0.33 -> 0.14 ms for the boost's pass).
@njit(cache=True, nogil=True)
def _gray_block_means(rows, step, out, flat, probes):
    """out (h, w) uint8: the mean of each step x step block of the grey image of the (h * step,
    w * step) RGB uint8 frame given as (h * step, 3 * w * step) `rows`, as cv2.resize(INTER_AREA)
    of cv2.cvtColor(RGB2GRAY) gives it for a whole factor over 2: each grey level OpenCV's 15-bit
    fixed-point luma (_gray), the block's int sum times the float32 1 / step^2, rounded half to even.
    probes (n, 3) uint8: the frame's pixels at the sorted flat (row-major) indices flat (n,) int64."""
    h, w = out.shape
    n = w * step
    sums = np.empty(n, np.int32)
    scale = np.float32(1.0) / np.float32(step * step)
    taken = 0
    for i in range(h):
        sums[:] = 0
        for k in range(step):
            row = rows[i * step + k]
            for x in range(n):
                p = np.uintp(3 * x)  # unsigned: no check for negative indices
                sums[x] += _gray(row[p], row[p + np.uintp(1)], row[p + np.uintp(2)])
            start = (i * step + k) * n
            while taken < flat.shape[0] and flat[taken] < start + n:
                p = np.uintp(3 * (flat[taken] - start))
                for c in range(3):
                    probes[taken, c] = row[p + np.uintp(c)]
                taken += 1
        for j in range(w):
            total = np.int32(0)
            for k in range(step):
                total += sums[j * step + k]
            out[i, j] = np.uint8(np.rint(np.float32(total) * scale))


@njit(cache=True, nogil=True, inline="always")
def _gray(r, g, b):
    """cv2.cvtColor(RGB2GRAY)'s grey level of one uint8 colour (OpenCV 4.11, every colour): the
    luma weights in 1/32768, rounded half up."""
    return (np.int32(r) * 9798 + np.int32(g) * 19235 + np.int32(b) * 3735 + 16384) >> 15
