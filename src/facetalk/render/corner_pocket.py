"""The dark pocket a smiling photo shows at each outer mouth corner, faded as an emotion undoes the smile.

A smile presses the cheek against the lip corners: the photo shows a deep shadow there (and a short
crease running on from the corner). When an emotion undoes the smile the rig pulls the corners in and
the corners' triangles stretch that shadow into dark wedges beside the mouth (issue 12, surp49c,
corner50). The shadow belongs to the smile, so it goes with it: per photo, the lift that fills each
corner's pocket with the lip and skin about it is found once, in the photo's pixels; per frame it is
carried through the frame's warp map (so it moves and stretches with the texture it corrects) and
added by the share of the smile undone.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numba import njit

from facetalk.face.landmarks import LIPS_INNER_LOWER, LIPS_INNER_UPPER, MOUTH_CORNERS
from facetalk.render.sampling import pixel_box

# How far from each outer corner the pocket may reach, in mouth half-widths: the smile's corner
# shadow and the start of its crease; the nasolabial fold (FoldShader smooths it) lies beyond.
POCKET_REACH = 0.25
# The closing that finds the pocket (a black top-hat): wider than the pocket's shadow, in half-widths.
POCKET_CLOSE = 0.3
# Levels (of a pixel's brightest channel, 0..255) the closing lifts a pixel before it counts as
# pocket, and over how many more it counts fully. The brightest channel: a lip is red, not dark,
# so it keeps its colour; the pocket's shadow is dark in every channel.
POCKET_FLOOR = 6.0
POCKET_RAMP = 16.0
# The share of the pocket filled once the smile is all undone: a relaxed mouth keeps a soft corner
# shadow of its own, and filled all the way the open mouth's corners read as a hexagon's sharp points
# (fer's P(surprise) on held surprise fell 11 .84 -> .66, 12 .46 -> .37; at a half, .85 and .46).
POCKET_SHARE = 0.5
# Over how many px outside the frame's inner lip line the lift comes in: filled right up to a dark
# opening, the corner read as a hard, stepped dark edge at 2x. Measured to the line itself, not to
# the cavity's whole pixels: a sub-pixel move of the lips then moves the fade by as little (by whole
# pixels, a held expression's corners blinked 15-24 levels frame to frame, rev50c). A shut mouth's line
# is its seam: the fill keeps off the seam's last px too, which read as the corner's end.
OPENING_FEATHER_PX = 2.5


@dataclass(frozen=True, eq=False)
class CornerPocket:
    """Per outer mouth corner (subject's right, left): `boxes`, the photo's pixels (x0, y0, x1, y1)
    the pocket's lift covers; `lifts`, (h, w, 3) float32, what brings them to the pocket filled, for the
    photo's whole smile; `vertices`, (N,) int32, those of the triangles that sample the box, whose
    posed places bound the frame's pixels that can show it."""

    boxes: tuple[tuple[int, int, int, int], ...]
    lifts: tuple[np.ndarray, ...]
    vertices: tuple[np.ndarray, ...]

    @classmethod
    def of(cls, *, texture: np.ndarray, rest_xy: np.ndarray, triangles: np.ndarray, smile: float) -> CornerPocket:
        """The pockets of (H, W, 3) uint8 `texture` at the rig's (V, 2) rest places, lifted
        POCKET_SHARE of the way; `smile`, the photo's own (0..1): the share of the corner's shadow
        that is the smile's (a mild smile's corner is mostly the closed mouth's own)."""
        half = 0.5 * float(np.hypot(*(rest_xy[MOUTH_CORNERS[1]] - rest_xy[MOUTH_CORNERS[0]])))
        reach = POCKET_REACH * half
        opening = _opening(texture.shape[:2], rest_xy)
        boxes, lifts, vertices = [], [], []
        for corner in MOUTH_CORNERS:
            box = pixel_box(rest_xy[corner][None], pad=reach + 1.0, shape=texture.shape[:2])
            if box is None:  # a corner beyond the photo's edge (a face cut by the frame): no pocket to lift
                boxes.append((0, 0, 1, 1))
                lifts.append(np.zeros((1, 1, 3), np.float32))
                vertices.append(np.zeros(0, np.int32))
                continue
            x0, y0, x1, y1 = box
            lift = _lift(texture[y0:y1, x0:x1], opening[y0:y1, x0:x1], centre=rest_xy[corner] - (x0, y0),
                         reach_px=reach, close_px=POCKET_CLOSE * half)
            lift = (lift * (POCKET_SHARE * float(np.clip(smile, 0.0, 1.0)))).astype(np.float32)
            # Kept only as far as it lifts anything: a frame fetches from a few hundred px, not the box.
            rows, cols = np.nonzero(np.any(lift != 0.0, axis=2))
            if len(rows) == 0:
                rows, cols = np.zeros(1, int), np.zeros(1, int)  # one pixel, lifting nothing
            boxes.append((x0 + int(cols.min()), y0 + int(rows.min()), x0 + int(cols.max()) + 1, y0 + int(rows.max()) + 1))
            lifts.append(np.ascontiguousarray(lift[rows.min():rows.max() + 1, cols.min():cols.max() + 1]))
            vertices.append(_sampling_vertices(rest_xy, triangles, box))
        return cls(tuple(boxes), tuple(lifts), tuple(vertices))

    def paint(self, out: np.ndarray, *, map_x: np.ndarray, map_y: np.ndarray, verts: np.ndarray,
              share: float) -> None:
        """Adds `share` (0..1, of the photo's smile undone) of each pocket's lift into (H, W, 3)
        uint8 `out` in place, where the frame's (H, W) float32 warp maps (the photo pixel each
        frame pixel shows) fetch it; (V, 3) posed `verts`. None inside the frame's inner lip line
        (the mouth painter's), and less within OPENING_FEATHER_PX outside it: the opening's edge
        fades into the skin through what is left of the corner's shadow, not in one step."""
        line = _inner_line(verts[:, :2]).astype(np.float64)
        for (bx0, by0, _, _), lift, vertices in zip(self.boxes, self.lifts, self.vertices):
            box = pixel_box(verts[vertices, :2], pad=2, shape=out.shape[:2])
            if box is None:
                continue
            _paint_kernel(out, map_x, map_y, box, lift, (bx0, by0), line, np.float32(share), OPENING_FEATHER_PX)


def _inner_line(xy: np.ndarray) -> np.ndarray:
    """(N, 2) the inner lip line of (V, 2) places, a closed polygon: upper lip corner to corner,
    lower lip back."""
    return np.concatenate([xy[list(LIPS_INNER_UPPER)], xy[list(LIPS_INNER_LOWER)][::-1]])


# Compiled, one pass over the frame's box: numpy's dozen small array operations a corner (remap, masks,
# fancy indexing, a (P, E) distance table) cost ~0.15-0.3 ms a frame (rev50c's budget: +0.3 ms in all).
@njit(cache=True, nogil=True)
def _paint_kernel(out, map_x, map_y, box, lift, origin, line, share, feather_px):
    """CornerPocket.paint for one corner: each pixel of `box` (x0, y0, x1, y1) in (H, W, 3) uint8 `out`
    whose warp map fetches from (h, w, 3) `lift` (its pixel (0, 0) at the photo's `origin`; bilinear,
    0 outside) gets `share` of it, by _fade_at of the (N, 2) inner lip line `line`."""
    x0, y0, x1, y1 = box
    h, w = lift.shape[0], lift.shape[1]
    for y in range(y0, y1):
        for x in range(x0, x1):
            u, v = map_x[y, x] - origin[0], map_y[y, x] - origin[1]
            if not (u > -1.0 and u < w and v > -1.0 and v < h):
                continue
            iu, iv = int(np.floor(u)), int(np.floor(v))
            fu, fv = u - iu, v - iv
            val = np.zeros(3, np.float32)
            for dv, wv in ((0, 1.0 - fv), (1, fv)):
                for du, wu in ((0, 1.0 - fu), (1, fu)):
                    r, c = iv + dv, iu + du
                    if 0 <= r < h and 0 <= c < w and wu * wv > 0.0:
                        for k in range(3):
                            val[k] += wu * wv * lift[r, c, k]
            if val[0] == 0.0 and val[1] == 0.0 and val[2] == 0.0:
                continue
            fade = _fade_at(line, float(x), float(y), feather_px)
            for k in range(3):
                out[y, x, k] = np.uint8(min(max(out[y, x, k] + share * fade * val[k] + 0.5, 0.0), 255.0))


@njit(cache=True, nogil=True)
def _fade_at(line, x, y, feather_px):
    """0 at pixel centre (x, y) inside the (N, 2) polygon `line` (even-odd: an odd number of its edges
    crossed by a ray to the right), rising to 1 at `feather_px` outside it by the distance to its
    nearest edge: continuous in the polygon's places, so the lips' sub-pixel motion fades by as little."""
    n = line.shape[0]
    best = np.inf  # squared, rooted once
    inside = False
    for e in range(n):
        ax, ay = line[e, 0], line[e, 1]
        bx, by = line[(e + 1) % n, 0], line[(e + 1) % n, 1]
        dx, dy = bx - ax, by - ay
        t = min(max(((x - ax) * dx + (y - ay) * dy) / max(dx * dx + dy * dy, 1e-12), 0.0), 1.0)
        ex, ey = x - ax - t * dx, y - ay - t * dy
        best = min(best, ex * ex + ey * ey)
        if (ay > y) != (by > y) and x < ax + (y - ay) * dx / dy:
            inside = not inside
    return 0.0 if inside else min(np.sqrt(best) / feather_px, 1.0)


def _opening(shape: tuple[int, int], rest_xy: np.ndarray) -> np.ndarray:
    """(H, W) uint8, 1 inside the photo's inner lip line: teeth and dark the mouth painter draws
    over, neither pocket nor a colour to fill it with."""
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(_inner_line(rest_xy) * 16).astype(np.int32)], 1, shift=4)
    return mask


def _lift(patch: np.ndarray, opening: np.ndarray, *, centre: np.ndarray, reach_px: float,
          close_px: float) -> np.ndarray:
    """(h, w, 3) float32: the pocket's pixels of (h, w, 3) uint8 `patch` brought toward the lip and
    skin about them (inpainted from outside the pocket and the opening), by how dark they are
    (the black top-hat of the brightest channel), fading out toward `reach_px` from `centre`.
    Only dark that reaches the opening counts: the corner's own, not a fold or a mole nearby."""
    bright = patch.max(axis=2).astype(np.float32)
    size = max(3, int(close_px) | 1)
    closed = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    ys, xs = np.mgrid[0:patch.shape[0], 0:patch.shape[1]]
    near = np.clip(2.0 * (1.0 - np.hypot(xs - centre[0], ys - centre[1]) / reach_px), 0.0, 1.0)
    weight = np.clip((closed - bright - POCKET_FLOOR) / POCKET_RAMP, 0.0, 1.0) * near
    _, label = cv2.connectedComponents(((weight > 0.05) | (opening > 0)).astype(np.uint8), connectivity=8)
    touching = np.unique(label[opening > 0])
    weight *= np.isin(label, touching[touching > 0])
    hole = cv2.dilate(((weight > 0.05) | (opening > 0)).astype(np.uint8), np.ones((3, 3), np.uint8))
    filled = cv2.inpaint(patch, hole, 3, cv2.INPAINT_TELEA).astype(np.float32)
    return (filled - patch.astype(np.float32)) * weight[..., None]


def _sampling_vertices(rest_xy: np.ndarray, triangles: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """(N,) int32 the vertices of the triangles whose rest bounds meet `box`: the only ones whose
    pixels can fetch from it."""
    x0, y0, x1, y1 = box
    corners = rest_xy[triangles]
    meets = ((corners[..., 0].max(axis=1) >= x0) & (corners[..., 0].min(axis=1) <= x1)
             & (corners[..., 1].max(axis=1) >= y0) & (corners[..., 1].min(axis=1) <= y1))
    return np.unique(triangles[meets]).astype(np.int32)
