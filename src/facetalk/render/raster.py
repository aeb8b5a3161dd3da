"""Triangle rasterizer with a depth buffer, producing a backward warp map.

For every output pixel covered by a triangle it writes where to sample the photo (the
triangle's rest-pose coordinates, interpolated barycentrically), which triangle won the depth
test, and two barycentric weights. Pixels no triangle covers keep the identity map. The photo is
then warped by that map and laid over the background plate in one pass (warp_over_plate).
Compiled with numba on first use (cached on disk afterwards).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from facetalk.face.rig import MATERIAL_CAVITY

if TYPE_CHECKING:
    from facetalk.face.rig import FaceRig


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _row_span(a0, b0, a1, b1, a2, b2, lo, hi):
    """The x range [lo, hi] of a row where every barycentric weight w_k = a_k * x + b_k is
    >= -1e-5 (empty: lo > hi), clipped to the given [lo, hi]."""
    for a, b in ((a0, b0), (a1, b1), (a2, b2)):
        if a > 1e-12:
            lo = max(lo, (-1e-5 - b) / a)
        elif a < -1e-12:
            hi = min(hi, (-1e-5 - b) / a)
        elif b < -1e-5:
            return 1.0, 0.0
    return lo, hi


# Serial on purpose: the loop is 1.2-2.5 ms at 512x512 on one core, and a fork-join over threads
# stalls badly whenever another process (or another stream session) holds the other core.
@njit(cache=True, nogil=True, fastmath=True)
def rasterize(dst_xy, depth, src_xy, triangles, active, weighed, depth_bias, clipped, row_lo, row_hi, map_x, map_y,
              zbuf, tri_id, bary, drawn_lo, drawn_hi):
    """Rasterizes `triangles` (F, 3) at vertex positions `dst_xy` (V, 2), nearest `depth` wins;
    `depth_bias` (F,) is subtracted per triangle (puts eyeballs behind the lids that share their edge).
    Triangles `clipped` (F,) bool marks are drawn only over columns row_lo[y]..row_hi[y] (H,) int32
    of each row y (StillReach.rows: beyond them drawing them would give the still frame back).

    Writes in place: map_x, map_y (H, W) float32 source coordinates; zbuf (H, W) float32
    (pre-filled with -inf); tri_id (H, W) int32 (pre-filled with -1); bary (H, W, 2) float32
    weights of the triangle's first two vertices, only where a triangle `weighed` (F,) bool marks
    won (elsewhere bary keeps whatever it held: two stores a pixel saved on every other triangle);
    drawn_lo, drawn_hi (H,) int32 widened to each row's first and last column a span covered (what
    WarpBuffers.reset puts back and warp_over_plate visits).
    """
    height, width = map_x.shape
    for f in range(triangles.shape[0]):
        if not active[f]:
            continue
        i0, i1, i2 = triangles[f, 0], triangles[f, 1], triangles[f, 2]
        x0, y0 = dst_xy[i0, 0], dst_xy[i0, 1]
        x1, y1 = dst_xy[i1, 0], dst_xy[i1, 1]
        x2, y2 = dst_xy[i2, 0], dst_xy[i2, 1]
        area = (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
        if abs(area) < 1e-8:
            continue
        inv_area = 1.0 / area
        ymin = max(0, int(math.ceil(min(y0, min(y1, y2)))))
        ymax = min(height - 1, int(math.floor(max(y0, max(y1, y2)))))
        if ymin > ymax:
            continue
        xmin = max(0, int(math.ceil(min(x0, min(x1, x2)))))
        xmax = min(width - 1, int(math.floor(max(x0, max(x1, x2)))))
        if xmin > xmax:
            continue
        d0 = depth[i0] - depth_bias[f]
        d1 = depth[i1] - depth_bias[f]
        d2 = depth[i2] - depth_bias[f]
        # Barycentric weights are linear in x along a row: w = a * x + b(y). Solving
        # w >= -eps for each gives the row's covered span, so only covered pixels are visited
        # (big, thin triangles at the mesh's rim would otherwise scan a mostly empty box).
        a1 = (y2 - y0) * inv_area
        a2 = -(y1 - y0) * inv_area
        a0 = -(a1 + a2)
        u0, v0 = src_xy[i0, 0], src_xy[i0, 1]
        u1, v1 = src_xy[i1, 0], src_xy[i1, 1]
        u2, v2 = src_xy[i2, 0], src_xy[i2, 1]
        for py in range(ymin, ymax + 1):
            b1 = (-x0 * (y2 - y0) - (x2 - x0) * (py - y0)) * inv_area
            b2 = ((x1 - x0) * (py - y0) + x0 * (y1 - y0)) * inv_area
            lo, hi = float(xmin), float(xmax)
            if clipped[f]:
                lo, hi = max(lo, float(row_lo[py])), min(hi, float(row_hi[py]))
            lo, hi = _row_span(a0, 1.0 - b1 - b2, a1, b1, a2, b2, lo, hi)
            px_lo, px_hi = int(math.ceil(lo)), int(math.floor(hi))
            if px_lo > px_hi:
                continue
            drawn_lo[py], drawn_hi[py] = min(drawn_lo[py], px_lo), max(drawn_hi[py], px_hi)
            _fill_span(py, px_lo, px_hi, a1, b1, a2, b2, d0, d1, d2,
                       f, weighed[f], u0, v0, u1, v1, u2, v2, map_x[py], map_y[py], zbuf[py], tri_id[py], bary)


@njit(cache=True, nogil=True, fastmath=True, inline="always")
def _fill_span(py, px_lo, px_hi, a1, b1, a2, b2, d0, d1, d2, f, weighed, u0, v0, u1, v1, u2, v2, map_x, map_y, zbuf,
               tri_id, bary):
    """Draws triangle f's pixels px_lo..px_hi of row py (map_x, map_y, zbuf, tri_id: that row's
    (W,)) where it is nearer than what is there: weights w1 = a1 * x + b1, w2 = a2 * x + b2,
    w0 = 1 - w1 - w2 (into bary if `weighed`); depths d0..d2 and source points (u0, v0)..(u2, v2)
    at its corners, as scalars (row views and scalars let the loop keep them in registers)."""
    for px in range(px_lo, px_hi + 1):
        w1 = a1 * px + b1
        w2 = a2 * px + b2
        w0 = 1.0 - w1 - w2
        if w0 < -1e-5 or w1 < -1e-5 or w2 < -1e-5:
            continue
        z = w0 * d0 + w1 * d1 + w2 * d2
        if z <= zbuf[px]:
            continue
        zbuf[px] = z
        map_x[px] = w0 * u0 + w1 * u1 + w2 * u2
        map_y[px] = w0 * v0 + w1 * v1 + w2 * v2
        tri_id[px] = f
        if weighed:
            bary[py, px, 0] = w0
            bary[py, px, 1] = w1


@njit(cache=True, nogil=True, inline="always")
def _reflect_101(p, n):
    """cv2.BORDER_REFLECT_101's index for `p` in a row of `n`."""
    if n == 1:
        return 0
    while p < 0 or p >= n:
        p = -p if p < 0 else 2 * n - 2 - p
    return p


# Texels packed for warp_over_plate: red, green and blue in bits 0-19, 20-39 and 40-59 of a
# uint64. OpenCV's bilinear weights are 32x multiples of (32 - fy or fy) * (32 - fx or fx), which
# sum to 1024: a channel's weighted sum is at most 255 * 1024 < 2^18, so the three channels'
# sums, each rounded (+512), are taken in one uint64 multiply-add without spilling into each other.
TEXEL_BITS = 20
if 255 * 1024 + 512 >= 1 << TEXEL_BITS:  # a rounded sum must fit its lane, not carry into the next
    raise ImportError(f"TEXEL_BITS {TEXEL_BITS} is too narrow for a channel's weighted sum")


def pack_texels(texture: np.ndarray) -> np.ndarray:
    """(H, W) uint64: the (H, W, 3) uint8 `texture`'s channels in TEXEL_BITS-bit lanes."""
    t = texture.astype(np.uint64)
    return np.ascontiguousarray(t[..., 0] | t[..., 1] << TEXEL_BITS | t[..., 2] << 2 * TEXEL_BITS)


_ROUND_LANES = np.uint64(512 | 512 << TEXEL_BITS | 512 << 2 * TEXEL_BITS)
# A channel is 8 bits once shifted down by 10; masking 8, not 10, keeps the next lane's low bits
# out for lanes narrower than 20 bits too.
_LANE = np.uint64(0xFF)


@njit(cache=True, nogil=True, inline="always")
def _bilinear_texels(row_a, row_b, xa, xb, fx, fy):
    """OpenCV's fixed-point bilinear sample of the packed texel rows (W,) `row_a` (top) and `row_b`
    (bottom) between columns xa and xb at fractions fx, fy in 1/32 px, its three channels in the
    lanes' low 8 bits: (sum t * w * 32 + 16384) >> 15 with the weights w summing to 1024 is
    (sum t * w + 512) >> 10."""
    gx, gy = np.uint64(fx), np.uint64(fy)
    hx, hy = np.uint64(32) - gx, np.uint64(32) - gy
    s = row_a[xa] * (hy * hx) + row_a[xb] * (hy * gx) + row_b[xa] * (gy * hx) + row_b[xb] * (gy * gx)
    return (s + _ROUND_LANES) >> np.uint64(10)


@njit(cache=True, nogil=True, inline="always")
def _channel(rgb, c):
    """Channel c (0, 1, 2) of _bilinear_texels' packed result."""
    return (rgb >> np.uint64(TEXEL_BITS * c)) & _LANE


# Serial for the reason rasterize is; one pass where remapping the texture and the matte and then
# blending were three (the matte's float remap alone cost as much as the texture's).
@njit(cache=True, nogil=True)
def warp_over_plate(texels, matte, blocks, plate, residual, kept, unkept_lo, unkept_hi, map_x, map_y, drawn_lo,
                    drawn_hi, x0, y0, x1, y1, out, alpha):
    """Warps the texture (`texels`: its (H, W) uint64 pack_texels) and its (H, W) float32 `matte` by
    the maps (source pixel of each output pixel) over the box [x0, x1) x [y0, y1) and lays the one
    over the (H, W, 3) uint8 `plate` by the other, into `out` (H, W, 3) uint8, the warped matte into
    `alpha` (the box's shape). Bit for bit what cv2.remap (INTER_LINEAR, BORDER_REFLECT_101) of each and
    cv2.blendLinear(warped, plate, alpha, 1 - alpha) give: positions rounded to 1/32 px, uint8
    weights in 1/32768, the matte's in float32, the blend's sum divided by its weights' (+1e-5).
    To that blend, rounded and cut to 0..255, the (H, W, 3) float32 `residual` sampled bilinearly at
    the same position is added (rounded, cut to 0..255): what the blend does not give of the photo
    travels with the pixels it belongs to (all zeros: the blend alone).
    Where all four matte samples are 1 (or 0) that blend gives the texture (the plate) exactly, so
    those pixels skip it; where all four are 0 and a residual is there, the plate sampled at the
    same position plus the residual (the photo's background by the outline, travelling as the
    residual does); `blocks` (matte_blocks) says so of each 2x2 block at once. The residual is 0
    where the matte is 1.

    Pixels whose map rounds to the identity (at 1/32 px) and that the (H, W) bool `kept` marks are
    left as `out` has them (the caller's promise: what this pass writes there for the identity map).
    So is each row beyond drawn_lo..drawn_hi (H,) int32, the columns a triangle was drawn over since
    the maps were last the identity (WarpBuffers), and unkept_lo..unkept_hi (H,) int32, its first
    and last column `kept` does not mark: there the map is the identity and the pixel kept."""
    for y in range(y0, y1):
        lo = max(x0, min(drawn_lo[y], unkept_lo[y]))
        hi = min(x1, max(drawn_hi[y], unkept_hi[y]) + 1)
        arow, mrow = alpha[y - y0], matte[y]
        for x in range(x0, min(lo, x1)):
            arow[x - x0] = mrow[x]  # whole-pixel position: the weight is all its own
        for x in range(max(hi, lo), x1):
            arow[x - x0] = mrow[x]
        if lo < hi:
            _warp_row(texels, matte, blocks, plate, residual, kept[y], map_x[y], map_y[y], y, lo, hi, out[y],
                      arow[lo - x0:])


@njit(cache=True, nogil=True, inline="always")
def _warp_row(texels, matte, blocks, plate, residual, kept, map_x, map_y, y, lo, hi, out, alpha):
    """warp_over_plate's columns lo..hi-1 of row y (kept, map_x, map_y, out: that row's; alpha:
    from column lo on). Indices go unsigned: numba checks signed ones for wrapping below 0."""
    h, w, yu = texels.shape[0], texels.shape[1], np.uintp(y)
    one, zero, eps, top = np.float32(1.0), np.float32(0.0), np.float32(1e-5), np.float32(255.0)
    for xs in range(lo, hi):
        x, ax = np.uintp(xs), np.uintp(xs - lo)
        ix, iy = np.int32(np.rint(map_x[x] * np.float32(32.0))), np.int32(np.rint(map_y[x] * np.float32(32.0)))
        if ix == 32 * xs and iy == 32 * y and kept[x]:
            alpha[ax] = matte[y, x]  # whole-pixel position: the weight is all its own
            continue
        fx, fy, sx, sy = ix & 31, iy & 31, ix >> 5, iy >> 5
        if 0 <= sx < w - 1 and 0 <= sy < h - 1:
            xa, xb, ya, yb = np.uintp(sx), np.uintp(sx + 1), np.uintp(sy), np.uintp(sy + 1)
            kind = blocks[ya, xa]
        else:
            xa, xb = np.uintp(_reflect_101(sx, w)), np.uintp(_reflect_101(sx + 1, w))
            ya, yb = np.uintp(_reflect_101(sy, h)), np.uintp(_reflect_101(sy + 1, h))
            kind = _block_kind(matte[ya, xa], matte[ya, xb], matte[yb, xa], matte[yb, xb])
            if _any_residual(residual, ya, yb, xa, xb):
                kind = np.uint8(3) if kind == 0 else np.uint8(4)
        if kind == 0:
            alpha[ax] = zero
            for c in range(3):
                out[x, np.uintp(c)] = plate[yu, x, np.uintp(c)]
            continue
        if kind == 3:
            # The photo's background by the outline (the plate and its residual), both sampled where
            # the pixel comes from: the residual added to the plate where it lands counted the
            # plate's inpainted change between the two twice (black specks, doubled edges).
            alpha[ax] = zero
            w00, w01, w10, w11 = _weights(fx, fy)
            for c in range(3):
                k = np.uintp(c)
                under = (np.float32(plate[ya, xa, k]) * w00 + np.float32(plate[ya, xb, k]) * w01
                         + np.float32(plate[yb, xa, k]) * w10 + np.float32(plate[yb, xb, k]) * w11)
                out[x, k] = _plus_residual(under, residual, ya, yb, xa, xb, k, w00, w01, w10, w11)
            continue
        rgb = _bilinear_texels(texels[ya], texels[yb], xa, xb, fx, fy)
        if kind == 1:
            alpha[ax] = one
            for c in range(3):
                out[x, np.uintp(c)] = np.uint8(_channel(rgb, c))
            continue
        w00, w01, w10, w11 = _weights(fx, fy)
        a = matte[ya, xa] * w00 + matte[ya, xb] * w01 + matte[yb, xa] * w10 + matte[yb, xb] * w11
        alpha[ax] = a
        b = one - a
        den = a + b + eps
        for c in range(3):
            k = np.uintp(c)
            t = np.float32(_channel(rgb, c))
            v = min(max(np.rint((t * a + np.float32(plate[yu, x, k]) * b) / den), zero), top)
            out[x, k] = np.uint8(v) if kind == 2 else _plus_residual(v, residual, ya, yb, xa, xb, k, w00, w01, w10, w11)


@njit(cache=True, nogil=True, inline="always")
def _weights(fx, fy):
    """float32 bilinear weights of the top left, top right, bottom left and bottom right pixel at
    fractions fx, fy in 1/32 px: what cv2.remap weighs a float image's pixels by."""
    one, step = np.float32(1.0), np.float32(1.0 / 32.0)
    gx, gy = np.float32(fx) * step, np.float32(fy) * step
    return (one - gy) * (one - gx), (one - gy) * gx, gy * (one - gx), gy * gx


@njit(cache=True, nogil=True, inline="always")
def _plus_residual(v, residual, ya, yb, xa, xb, k, w00, w01, w10, w11):
    """uint8: the whole level `v` (float32, 0..255) plus channel k of the (H, W, 3) `residual`
    sampled at rows ya, yb and columns xa, xb by those weights, rounded and cut to 0..255 (no residual: v)."""
    r = residual[ya, xa, k] * w00 + residual[ya, xb, k] * w01 + residual[yb, xa, k] * w10 + residual[yb, xb, k] * w11
    return np.uint8(min(max(v + r + np.float32(0.5), np.float32(0.0)), np.float32(255.0)))


@njit(cache=True, nogil=True, inline="always")
def _any_residual(residual, ya, yb, xa, xb):
    """Whether the (H, W, 3) `residual` is non-zero at any of the four pixels (ya | yb, xa | xb)."""
    for y in (ya, yb):
        for x in (xa, xb):
            if residual[y, x, 0] != 0 or residual[y, x, 1] != 0 or residual[y, x, 2] != 0:
                return True
    return False


@njit(cache=True, nogil=True, inline="always")
def _block_kind(m00, m01, m10, m11):
    """0: four matte samples all 0, 1: all 1, 2: otherwise."""
    if m00 == 0 and m01 == 0 and m10 == 0 and m11 == 0:
        return np.uint8(0)
    if m00 == 1 and m01 == 1 and m10 == 1 and m11 == 1:
        return np.uint8(1)
    return np.uint8(2)


def matte_blocks(matte: np.ndarray, *, residual: np.ndarray | None = None) -> np.ndarray:
    """(H, W) uint8: for the 2x2 block of the (H, W) `matte` whose top left is each pixel, 0 if all
    four are 0, 1 if all are 1, else 2 (also the last row and column); where the (H, W, 3) `residual`
    is non-zero at one of the four, 3 if all four mattes are 0, else 4. One read where bilinear
    sampling's four took 8 compares."""
    a, b, c, d = matte[:-1, :-1], matte[:-1, 1:], matte[1:, :-1], matte[1:, 1:]
    out = np.full(matte.shape, 2, np.uint8)
    some = np.zeros(out[:-1, :-1].shape, bool)
    if residual is not None:
        r = np.any(residual != 0, axis=2)
        some = r[:-1, :-1] | r[:-1, 1:] | r[1:, :-1] | r[1:, 1:]
    empty = (a == 0) & (b == 0) & (c == 0) & (d == 0)
    out[:-1, :-1][some] = 4
    out[:-1, :-1][empty] = np.where(some[empty], 3, 0)
    out[:-1, :-1][(a == 1) & (b == 1) & (c == 1) & (d == 1)] = 1  # no residual where the matte is 1 (of)
    return out


@dataclass(frozen=True, eq=False)
class WarpSource:
    """What warp_over_plate samples and lays over, fixed per photo. texels: (H, W) uint64, the
    texture's pack_texels; matte: (H, W) float32, the texture's share of each pixel; blocks:
    matte_blocks(matte, residual=residual); plate: (H, W, 3) uint8 background; residual: (H, W, 3)
    float32, whole levels: what laying the texture over the plate by the matte falls short of the still
    frame at rest (see of); kept: (H, W) bool, where warping by the identity map gives the still frame
    exactly (left alone there when unmoved); unkept_lo, unkept_hi: (H,) int32, each row's first and last column `kept` does not mark
    (none: lo > hi)."""

    texels: np.ndarray
    matte: np.ndarray
    blocks: np.ndarray
    plate: np.ndarray
    residual: np.ndarray
    kept: np.ndarray
    unkept_lo: np.ndarray
    unkept_hi: np.ndarray

    @classmethod
    def of(cls, *, texture: np.ndarray, matte: np.ndarray, plate: np.ndarray, still: np.ndarray) -> WarpSource:
        """For a photo whose frame shows (H, W, 3) uint8 `still` where nothing moves. Where the matte
        is under 1, what laying the texture over the plate gives at rest falls short of the still
        frame (the photo's own mix of person and background, background the plate does not have):
        that shortfall is the residual, added back where each pixel comes from, so the warp at rest
        gives the still frame and a pixel moved by a hair changes by a hair. (Where the matte is 1
        the still frame may differ on purpose: irises, spectacle frames drawn on top.)"""
        texels, plate = pack_texels(texture), np.ascontiguousarray(plate)
        matte = np.ascontiguousarray(matte, dtype=np.float32)
        h, w = matte.shape
        bare = cls._identity_warp(texels, matte, plate, np.zeros((h, w, 3), np.float32))
        residual = np.where((matte < 1)[..., None], still.astype(np.float32) - bare, np.float32(0.0))
        residual = np.ascontiguousarray(residual, dtype=np.float32)
        kept = np.all(cls._identity_warp(texels, matte, plate, residual) == still, axis=2)
        unkept, any_unkept = ~kept, ~kept.all(axis=1)
        lo = np.where(any_unkept, np.argmax(unkept, axis=1), w).astype(np.int32)
        hi = np.where(any_unkept, w - 1 - np.argmax(unkept[:, ::-1], axis=1), -1).astype(np.int32)
        return cls(texels=texels, matte=matte, blocks=matte_blocks(matte, residual=residual), plate=plate,
                   residual=residual, kept=kept, unkept_lo=lo, unkept_hi=hi)

    @classmethod
    def _identity_warp(cls, texels: np.ndarray, matte: np.ndarray, plate: np.ndarray,
                       residual: np.ndarray) -> np.ndarray:
        """(H, W, 3) uint8: what warping by the identity map gives, nothing kept."""
        h, w = matte.shape
        source = cls(texels=texels, matte=matte, blocks=matte_blocks(matte, residual=residual), plate=plate,
                     residual=residual, kept=np.zeros((h, w), bool), unkept_lo=np.zeros(h, np.int32),
                     unkept_hi=np.full(h, w - 1, np.int32))
        warped = np.empty((h, w, 3), np.uint8)
        source.warp(WarpBuffers(h, w), (0, 0, w, h), out=warped, alpha=np.empty((h, w), np.float32))
        return warped

    def warp(self, buffers: WarpBuffers, box: tuple[int, int, int, int], *, out: np.ndarray, alpha: np.ndarray) -> None:
        """warp_over_plate by the buffers' maps over `box` (x0, y0, x1, y1) into (H, W, 3) uint8
        `out`, the warped matte into `alpha` (the box's shape)."""
        warp_over_plate(self.texels, self.matte, self.blocks, self.plate, self.residual, self.kept, self.unkept_lo,
                        self.unkept_hi, buffers.map_x, buffers.map_y, buffers.drawn_lo, buffers.drawn_hi, *box, out,
                        alpha)


@dataclass(frozen=True, eq=False)
class RasterMesh:
    """A mesh as the rasterizer takes it, fixed per photo. src_xy: (V, 2) float32, the photo pixel
    each vertex samples; triangles: (F, 3) int32 vertex indices; active: (F,) bool, the triangles
    drawn; weighed: (F,) bool, those whose pixels get barycentric weights (the mouth cavity's, all
    render.mouth reads); depth_bias: (F,) float32, subtracted from a triangle's depth (see rasterize);
    head_only: (F,) bool, active triangles no expression moves, only the head's pose (the
    surround's: what StillReach may clip); head_only_verts: (N,) int32, their vertices."""

    src_xy: np.ndarray
    triangles: np.ndarray
    active: np.ndarray
    weighed: np.ndarray
    depth_bias: np.ndarray
    head_only: np.ndarray
    head_only_verts: np.ndarray

    @classmethod
    def of(cls, rig: FaceRig, *, active: np.ndarray | None = None) -> RasterMesh:
        """A FaceRig's mesh sampling the photo at the rest pose; `active` default: the triangles
        some parameter can move (the others stay where the photo has them)."""
        active = rig.movable if active is None else active
        expressive = np.any(rig.expression_basis != 0, axis=(0, 2)) | np.any(rig.expression_basis_negative != 0,
                                                                            axis=(0, 2))
        expressive[rig.press_vertex] = True
        expressive |= np.any(rig.jaw_lift != 0, axis=1)
        expressive[rig.lift_guard.vertex] = True
        head_only = active & ~expressive[rig.triangles].any(axis=1)
        return cls(src_xy=np.ascontiguousarray(rig.rest_xyz[:, :2]), triangles=rig.triangles, active=active,
                   weighed=rig.material == MATERIAL_CAVITY, depth_bias=rig.depth_bias, head_only=head_only,
                   head_only_verts=np.unique(rig.triangles[head_only]).astype(np.int32))

    def head_only_reach(self, verts: np.ndarray) -> float:
        """The farthest, in px, any head-only triangle's vertex at (V, 3) `verts` is from the photo
        pixel it samples: how far off where it lands any of their pixels samples the photo."""
        return float(_farthest(verts, self.src_xy, self.head_only_verts))


@njit(cache=True, nogil=True)
def _farthest(verts, src_xy, idx):
    """max over idx of |verts[i, :2] - src_xy[i]| (0 if none): one pass where numpy's gathers took 30 us."""
    most = 0.0
    for i in idx:
        dx, dy = verts[i, 0] - src_xy[i, 0], verts[i, 1] - src_xy[i, 1]
        most = max(most, dx * dx + dy * dy)
    return math.sqrt(most)


@dataclass(frozen=True, eq=False)
class StillReach:
    """Where a triangle that samples the photo no farther than `reach` px from where it lands can
    change the frame at all. Elsewhere (the settled pixels: still, matte 0, the plate there the
    photo) such a triangle samples only matte-0 photo and so lays the plate, which is the still
    frame: drawing it there is wasted (on the bundled photo most of the box a frame redraws).
    This reasons about the skipped triangle's own samples, not about depth: it also assumes such a
    surround triangle never lies in front of an expressive one where it is skipped (the surround
    is behind the person; tests/render/test_renderer.py compares the frames with the whole box).
    near_left, near_right: (H, W) float32, the least distance to an unsettled pixel over each row's
    pixels up to and from each column."""

    near_left: np.ndarray
    near_right: np.ndarray

    @classmethod
    def of(cls, settled: np.ndarray) -> StillReach:
        """From the (H, W) bool map of settled pixels."""
        import cv2

        dist = cv2.distanceTransform(settled.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
        return cls(near_left=np.minimum.accumulate(dist, axis=1),
                   near_right=np.ascontiguousarray(np.minimum.accumulate(dist[:, ::-1], axis=1)[:, ::-1]))

    def rows(self, reach_px: float, *, row_lo: np.ndarray, row_hi: np.ndarray) -> tuple[int, int, int, int] | None:
        """Fills (H,) int32 row_lo, row_hi with each row's columns that may need drawing for a
        triangle whose map moves its pixels by at most `reach_px` (empty: lo > hi); returns their
        box (x0, y0, x1, y1), None if empty. What they held is where each row's search starts (the
        answer does not depend on it)."""
        box = _rows_within(self.near_left, self.near_right, np.float32(reach_px + REACH_MARGIN_PX), row_lo, row_hi)
        return None if box[0] > box[2] else box


# A map value strays from the pixel by up to the triangle's vertex displacement (barycentric
# weights sum to 1, none below -1e-5); bilinear sampling reads a pixel on: 3 px covers both.
REACH_MARGIN_PX = 3.0


@njit(cache=True, nogil=True)
def _rows_within(near_left, near_right, reach, row_lo, row_hi):
    """Per row the first and last column within `reach` of an unsettled pixel, searched on the
    monotone running minima from the columns row_lo, row_hi (H,) int32 held (the last frame's:
    the reach changes little between frames, so a row's search reads a cache line or two where
    bisecting the whole row read nine; any start gives the same answer), written over them; their
    box (x0, y0, x1, y1), x0 > x1 if none."""
    h, w = near_left.shape
    x0, y0, x1, y1 = w, h, -1, -1
    for y in range(h):
        if near_left[y, w - 1] > reach:
            row_lo[y], row_hi[y] = w, -1
            continue
        lo = _first_within(near_left[y], reach, row_lo[y])
        hi = _last_within(near_right[y], reach, row_hi[y])
        row_lo[y], row_hi[y] = lo, hi
        x0, x1, y0, y1 = min(x0, lo), max(x1, hi + 1), min(y0, y), y + 1
    return x0, y0, x1, y1


@njit(cache=True, nogil=True, inline="always")
def _first_within(row, reach, start):
    """The first column of the falling (W,) `row` whose value is <= reach (its last one is): the
    bracket about it found stepping out from column `start` in doubling steps, then bisected."""
    w = row.shape[0]
    g = min(max(start, 0), w - 1)
    if row[g] <= reach:  # at or left of g: the bracket [lo, hi] with row[hi] <= reach
        hi, lo, step = g, g - 1, 1
        while lo > 0 and row[lo] <= reach:
            hi, step = lo, 2 * step
            lo = g - step
        lo = max(lo, 0)
    else:  # right of g
        lo, hi, step = g + 1, g + 1, 1
        while hi < w - 1 and row[hi] > reach:
            lo, step = hi + 1, 2 * step
            hi = g + step
        hi = min(hi, w - 1)
    while lo < hi:
        mid = (lo + hi) // 2
        if row[mid] <= reach:
            hi = mid
        else:
            lo = mid + 1
    return lo


@njit(cache=True, nogil=True, inline="always")
def _last_within(row, reach, start):
    """The last column of the rising (W,) `row` whose value is <= reach (its first one is), as
    _first_within finds the first."""
    w = row.shape[0]
    g = min(max(start, 0), w - 1)
    if row[g] <= reach:  # at or right of g: the bracket [lo, hi] with row[lo] <= reach
        lo, hi, step = g, g + 1, 1
        while hi < w - 1 and row[hi] <= reach:
            lo, step = hi, 2 * step
            hi = g + step
        hi = min(hi, w - 1)
    else:  # left of g
        hi, lo, step = g - 1, g - 1, 1
        while lo > 0 and row[lo] > reach:
            hi, step = lo - 1, 2 * step
            lo = g - step
        lo = max(lo, 0)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if row[mid] <= reach:
            lo = mid
        else:
            hi = mid - 1
    return lo


class WarpBuffers:
    """Per-frame output buffers, allocated once per output size and reused. `bary` holds this
    frame's weights only where a weighed triangle (RasterMesh.weighed) won; elsewhere it keeps
    older frames' (reset() leaves it alone), so it may be read on those pixels only, or streaming
    would stop matching offline rendering."""

    def __init__(self, height: int, width: int):
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        self.map_x, self.map_y = xs.copy(), ys.copy()
        self.zbuf = np.full((height, width), -np.inf, np.float32)
        self.tri_id = np.full((height, width), -1, np.int32)
        self.bary = np.zeros((height, width, 2), np.float32)
        # Columns of each row the mesh's head-only triangles are drawn over (draw's `clip`).
        self.row_lo = np.zeros(height, np.int32)
        self.row_hi = np.full(height, width - 1, np.int32)
        # Each row's first and last column drawn since the last reset (none: lo > hi); the
        # buffers are as reset everywhere else.
        self.drawn_lo = np.full(height, width, np.int32)
        self.drawn_hi = np.full(height, -1, np.int32)

    def draw(self, mesh: RasterMesh, verts: np.ndarray, *, clip: bool = False) -> None:
        """Rasterizes `mesh` posed at (V, 3) `verts` (x, y in pixels of these buffers, z in pixels,
        negative = nearer) over what the buffers hold: reset() them first. With `clip`, its
        head-only triangles only over row_lo..row_hi of each row (filled by StillReach.rows)."""
        clipped = mesh.head_only if clip else np.zeros_like(mesh.head_only)
        rasterize(np.ascontiguousarray(verts[:, :2]), np.ascontiguousarray(-verts[:, 2]), mesh.src_xy,
                  mesh.triangles, mesh.active, mesh.weighed, mesh.depth_bias, clipped, self.row_lo, self.row_hi,
                  self.map_x, self.map_y, self.zbuf, self.tri_id, self.bary, self.drawn_lo, self.drawn_hi)

    def reset(self) -> None:
        """Back to the identity map with nothing drawn: over the columns drawn since the last reset
        (about half the moving box where the person leaves background in view)."""
        _reset_rows(self.drawn_lo, self.drawn_hi, self.map_x, self.map_y, self.zbuf, self.tri_id)


@njit(cache=True, nogil=True)
def _reset_rows(drawn_lo, drawn_hi, map_x, map_y, zbuf, tri_id):
    """Identity maps, -inf depths and no triangle over each row's columns drawn_lo..drawn_hi (H,)
    int32, which are then emptied (lo > hi)."""
    width = map_x.shape[1]
    for y in range(map_x.shape[0]):
        lo, hi = drawn_lo[y], drawn_hi[y] + 1
        if lo < hi:
            # Row slices and unsigned offsets: no check for negative indices, so the loop
            # vectorizes (2x faster than indexing the 2-D arrays, 30% faster than numpy's copies).
            xs, ys, zs, ids = map_x[y, lo:hi], map_y[y, lo:hi], zbuf[y, lo:hi], tri_id[y, lo:hi]
            for i in range(hi - lo):
                k = np.uintp(i)
                xs[k], ys[k], zs[k], ids[k] = np.float32(lo + i), np.float32(y), -np.inf, -1
        drawn_lo[y], drawn_hi[y] = width, -1
