"""Irises drawn as sprites inside the eye openings: gaze slides them, the lids clip them.

The warped texture already shows each eye's sclera with the iris removed (face.appearance);
here the photo's own iris disc is drawn at the iris centre's current position, scaled with the
eye, and only on pixels the eye-opening triangles won (so lids and blinks hide it).
"""

from __future__ import annotations

import numpy as np

from facetalk.face.appearance import EyeSprite, LidSkin
from facetalk.face.rig import MATERIAL_EYE, FaceRig
from facetalk.render.sampling import bilinear, material_lookup


class IrisPainter:
    def __init__(self, rig: FaceRig, eyes: tuple[EyeSprite, ...]):
        self._material = material_lookup(rig.material)
        self._eyes = eyes
        # Sprite colour premultiplied by alpha, with alpha as a 4th channel: one bilinear lookup.
        self._rgba = [np.dstack([e.rgb * e.alpha[..., None], e.alpha]) for e in eyes]
        rest = rig.rest_xyz[:, :2]
        self._rest_width = [float(np.linalg.norm(rest[e.corner_indices[0]] - rest[e.corner_indices[1]])) for e in eyes]

    def paint(self, out: np.ndarray, verts: np.ndarray, tri_id: np.ndarray) -> None:
        """Draws both irises into `out` (H, W, 3) uint8 in place for this frame's (V, 3) vertices."""
        h, w = tri_id.shape
        for eye, rgba, rest_width in zip(self._eyes, self._rgba, self._rest_width):
            centre = verts[eye.centre_index, :2]
            scale = float(np.linalg.norm(verts[eye.corner_indices[0], :2] - verts[eye.corner_indices[1], :2])) / rest_width
            # Where the sprite patch lands in this frame.
            lo = centre + (eye.origin_xy - eye.centre_xy) * scale
            hi = lo + np.array(rgba.shape[1::-1]) * scale
            x0, y0 = np.maximum(np.floor(lo).astype(int), 0)
            x1, y1 = np.minimum(np.ceil(hi).astype(int) + 1, (w, h))
            if x0 >= x1 or y0 >= y1:
                continue
            ys, xs = np.nonzero(self._material[tri_id[y0:y1, x0:x1]] == MATERIAL_EYE)
            if not len(xs):
                continue
            pix = np.column_stack([xs + x0, ys + y0]).astype(np.float32)
            sample = bilinear(rgba, eye.centre_xy - eye.origin_xy + (pix - centre) / scale)
            alpha = sample[:, 3]
            drawn = alpha > 1e-3
            if not drawn.any():
                continue
            px, py = xs[drawn] + x0, ys[drawn] + y0
            base = out[py, px].astype(np.float32)
            a = alpha[drawn, None]
            out[py, px] = np.clip(base * (1.0 - a) + sample[drawn, :3] + 0.5, 0, 255).astype(np.uint8)


# A shut eye's lash line: thickness at mid-eye as a share of the eye's width, and how far its
# lashes hang below the closing edge, in line thicknesses.
LASH_WIDTH = 0.08
LASH_FRINGE = 1.3
LASH_OF_OPENING = 0.3  # the line is at most this share of the open eye's height
N_LASHES = 23  # strands along the lash fringe


def _smoothstep(x: np.ndarray, edge0: float, edge1: float) -> np.ndarray:
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


class LidPainter:
    """Draws the part of each eye a blink has covered as a lid of the photo's own skin.

    Per eye and frame, in the eye's own axes (a: 0..1 from corner to corner, b: pixels toward the
    cheek), the band between where the upper lid margin would be without the blink (U0) and where
    it is now (U) is covered with lid skin: the photo's lid colour along the eye, shaded as a lid
    curving over the eyeball (lit mid-lid, darker toward the closing edge and the corners), with the
    photo's grain. A lash line follows the closing edge, its lashes hanging toward the cheek. So a
    shut eye shows skin and lashes, never a squeezed strip of the open eye's lashes, iris or sclera.
    """

    def __init__(self, rig: FaceRig, lids: tuple[LidSkin, ...], grain: np.ndarray):
        self._lids = lids
        self._grain = grain
        rest = rig.rest_xyz[:, :2]
        self._rest_width = [float(np.linalg.norm(rest[lid.upper[0]] - rest[lid.upper[-1]])) for lid in lids]
        # Fixed per-strand darkness along the fringe, so the lashes never flicker.
        self._strands = np.random.default_rng(7).uniform(0.55, 1.0, N_LASHES + 1)

    def paint(self, out: np.ndarray, verts: np.ndarray, open_verts: np.ndarray) -> None:
        """Draws the lids into `out` (H, W, 3) uint8 in place, given this frame's (V, 3) vertices and
        the same pose with both blinks at 0 (`open_verts`)."""
        for lid, rest_width in zip(self._lids, self._rest_width):
            self._paint_eye(out, lid, rest_width, verts[:, :2], open_verts[:, :2])

    def _paint_eye(self, out: np.ndarray, lid: LidSkin, rest_width: float, xy: np.ndarray, open_xy: np.ndarray) -> None:
        c0, c1 = xy[lid.upper[0]], xy[lid.upper[-1]]
        width = float(np.linalg.norm(c1 - c0))
        along = (c1 - c0) / width
        down = lid.down_sign * np.array([-along[1], along[0]])

        def chain(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            a, b = (points - c0) @ along / width, (points - c0) @ down
            order = np.argsort(a)
            return a[order], b[order]

        upper, lower, upper_open = chain(xy[list(lid.upper)]), chain(xy[list(lid.lower)]), chain(open_xy[list(lid.upper)])
        covered = np.max(upper[1] - np.interp(upper[0], *upper_open))
        if covered < 0.25:
            return
        # Narrow (hooded, squinting) eyes get a finer lash line than their width alone would give.
        grid = np.linspace(0.0, 1.0, 9)
        opening = float(np.max(np.interp(grid, *lower) - np.interp(grid, *upper_open)))
        lash = min(LASH_WIDTH * width, LASH_OF_OPENING * opening)
        corners = np.concatenate([xy[list(lid.lower)], open_xy[list(lid.upper)]])
        h, w = out.shape[:2]
        pad = (LASH_FRINGE + 1.0) * lash + 2.0
        x0, y0 = np.maximum(np.floor(corners.min(axis=0) - pad).astype(int), 0)
        x1, y1 = np.minimum(np.ceil(corners.max(axis=0) + pad).astype(int) + 1, (w, h))
        if x0 >= x1 or y0 >= y1:
            return
        yy, xx = np.mgrid[y0:y1, x0:x1]
        rel = np.stack([xx - c0[0], yy - c0[1]], axis=-1).astype(np.float32)
        a, b = rel @ along / width, rel @ down
        top, edge, bottom = np.interp(a, *upper_open), np.interp(a, *upper), np.interp(a, *lower)
        span = np.clip(bottom - top, 1e-3, None)
        closure = np.clip((edge - top) / span, 0.0, 1.0)
        in_eye = (a > 0.0) & (a < 1.0)

        # The lid: from where the open margin was down to the closing edge, soft at both ends.
        s = np.clip((b - top) / np.maximum(edge - top, 1.0), 0.0, 1.0)
        lid_alpha = np.clip(edge - b + 0.5, 0.0, 1.0) * np.clip((b - top + 1.5) / 1.5, 0.0, 1.0) \
            * _smoothstep(closure, 0.0, 0.15) * in_eye
        across = 2.0 * np.clip(a, 0.0, 1.0) - 1.0
        # The lid's colour: at its top, the skin the frame shows just above it (so no seam), then
        # the photo's lid colour.
        grid = np.linspace(0.0, 1.0, len(lid.colour_profile))
        above = c0 + np.outer(grid * width, along) + np.outer(np.interp(grid, *upper_open) - 2.5, down)
        top_colour = bilinear(out.astype(np.float32), above)
        at_a = np.clip(a, 0.0, 1.0)
        top_skin, lid_skin = (np.stack([np.interp(at_a, grid, table[:, c]) for c in range(3)], axis=-1)
                              for table in (top_colour, lid.colour_profile))
        skin = top_skin + (lid_skin - top_skin) * _smoothstep(s, 0.0, 0.6)[..., None]
        # A lid sits in the brow's shade, a little darker than the skin around it.
        shade = 0.94 + 0.03 * np.sin(np.pi * s) * (1.0 - across ** 2) - 0.15 * s ** 3 - 0.08 * across ** 4
        skin = skin * shade[..., None] + self._grain[y0:y1, x0:x1]

        # The lash line along the closing edge, thinner toward the corners, its lashes below.
        thick = lash * (0.35 + 0.65 * np.sin(np.pi * np.clip(a, 0.0, 1.0)))
        below = b - edge
        line = np.exp(-0.5 * ((below + 0.15 * thick) / (0.5 * thick)) ** 2)
        strand = self._strands[np.clip((a * N_LASHES).astype(int), 0, N_LASHES)]
        fringe = 0.55 * strand * np.clip(1.0 - below / (LASH_FRINGE * thick), 0.0, 1.0) * (below > 0)
        lash_alpha = np.clip(np.maximum(line, fringe), 0.0, 0.95) * _smoothstep(closure, 0.05, 0.4) \
            * _smoothstep(a, -0.02, 0.08) * _smoothstep(1.0 - a, -0.02, 0.08)

        region = out[y0:y1, x0:x1].astype(np.float32)
        region += (skin - region) * lid_alpha[..., None]
        region += (lid.lash_rgb - region) * lash_alpha[..., None]
        out[y0:y1, x0:x1] = np.clip(region + 0.5, 0, 255).astype(np.uint8)
