"""Irises drawn as sprites inside the eye openings: gaze slides them, the lids clip them.

The warped texture already shows each eye's sclera with the iris removed (face.appearance);
here the photo's own iris disc is drawn at the iris centre's current position, scaled with the
eye, and only on pixels the eye-opening triangles won (so lids and blinks hide it).
"""

from __future__ import annotations

import numpy as np

from facetalk.face.appearance import EyeSprite
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
