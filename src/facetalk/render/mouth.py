"""Mouth interior: throat, tongue and teeth, drawn where the lips part beyond the photo's own opening.

Cavity pixels carry, from the rasterizer, their position between the inner lips (t: 0 at the
upper lip, 1 at the lower) and along the mouth (u: 0..1 corner to corner). What the photo shows
between its lips (teeth in a smile) stays hung from the upper lip at its photographed distance;
below it come synthetic upper teeth (if the photo's mouth was closed), a throat, a tongue and
lower teeth resting a fixed distance above the lower lip, so teeth move with their jaws.
Colours come from the photo (lip colour, skin brightness).
"""

from __future__ import annotations

import numpy as np

from facetalk.face import landmarks as lm
from facetalk.face.appearance import LUMA
from facetalk.face.rig import MATERIAL_CAVITY, FaceRig
from facetalk.render.sampling import bilinear, material_lookup, mix


def _chroma(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) colours -> (...) chroma: channel spread over luma (0 for greys)."""
    return np.ptp(rgb, axis=-1) / np.maximum(rgb @ LUMA, 1.0)


def _polygon_mask(shape: tuple[int, int], polygon_xy: np.ndarray) -> np.ndarray:
    import cv2

    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(polygon_xy).astype(np.int32)], 1)
    return mask.astype(bool)


class MouthPainter:
    """Composites the mouth interior into rendered frames of one photo."""

    def __init__(self, rig: FaceRig, image: np.ndarray, grain: np.ndarray, *, softness_px: float = 0.7):
        """`softness_px`: Gaussian sigma matching the photo's own softness (an upscaled photo is
        blurrier than crisp synthetic teeth would be); `grain`: (H, W, 3) fixed noise added to what it draws."""
        self.rig = rig
        self._material = material_lookup(rig.material)
        self._verts = np.unique(rig.triangles[rig.material == MATERIAL_CAVITY])
        rest = rig.rest_xyz[:, :2]
        self._rest_gap = np.linalg.norm(rest - rest[rig.cavity_partner], axis=1)
        # Each inner-lip vertex's upper-lip anchor in the photo: itself or its upper partner.
        upper = np.arange(len(rest))
        lower = list(lm.LIPS_INNER_LOWER)
        upper[lower] = rig.cavity_partner[lower]
        self._anchor_xy = rest[upper]
        eye_line = rest[lm.LEFT_EYE_UPPER[0]] - rest[lm.RIGHT_EYE_UPPER[0]]
        self._down = np.array([-eye_line[1], eye_line[0]]) / np.linalg.norm(eye_line)
        self._rest_mouth_w = float(np.linalg.norm(rest[lm.MOUTH_CORNERS[0]] - rest[lm.MOUTH_CORNERS[1]]))
        self.image = image.astype(np.float32)
        self._colors(image)
        self._softness = float(np.clip(softness_px, 0.5, 2.0))
        # Facing inner-lip pairs from corner to corner (the corners themselves are shared).
        self._seam_pairs = np.array(list(zip(lm.LIPS_INNER_UPPER, lm.LIPS_INNER_LOWER)), np.int32)
        self._seam_rest_gap = np.linalg.norm(rest[self._seam_pairs[:, 1]] - rest[self._seam_pairs[:, 0]], axis=1)
        self._noise = grain

    def _colors(self, image: np.ndarray) -> None:
        pts = self.rig.rest_xyz[:, :2]
        shape = image.shape[:2]
        outer = pts[list(lm.LIPS_OUTER_UPPER) + list(lm.LIPS_OUTER_LOWER[-2:0:-1])]
        inner = pts[list(lm.LIPS_INNER_UPPER) + list(lm.LIPS_INNER_LOWER[-2:0:-1])]
        opening = _polygon_mask(shape, inner)
        lips = _polygon_mask(shape, outer) & ~opening
        lip = np.median(image[lips], axis=0) if lips.any() else np.array([150.0, 80.0, 80.0])
        face = _polygon_mask(shape, pts[list(lm.FACE_OVAL)]) & ~lips
        skin = np.median(image[face], axis=0) if face.any() else np.array([190.0, 145.0, 125.0])
        skin_luma = float(skin @ LUMA)
        # Teeth in the mouth's shade: a little lighter than the lit skin, never paper-white, and
        # warmed by the same light.
        ivory = np.array([236.0, 230.0, 214.0])
        hue = 0.6 * ivory / float(ivory @ LUMA) + 0.4 * skin / max(skin_luma, 1.0)
        self.teeth_rgb = hue * float(np.clip(1.35 * skin_luma, 120.0, 225.0))
        own = self._photo_teeth(image[opening], skin_luma=skin_luma) if opening.sum() >= 40 else None
        if own is not None:
            self.teeth_rgb = own
        self._lip_rgb = lip.astype(np.float64)
        # Throat and tongue are redder than the lips in a colour photo; in a grey or faded print
        # (lips barely colourful: chroma under 0.22) a red mouth would be the only colour in it,
        # so they keep the lips' own hue there. A strongly tinted sepia still gets a red mouth.
        colour = float(np.clip((_chroma(lip) - 0.22) / 0.12, 0.0, 1.0))
        self.throat_rgb = lip * (0.336 + colour * (np.array([0.42, 0.3, 0.3]) - 0.336)) + 6.0
        self.tongue_rgb = lip * (0.676 + colour * (np.array([0.85, 0.6, 0.6]) - 0.676))

    @staticmethod
    def _photo_teeth(rgb: np.ndarray, *, skin_luma: float) -> np.ndarray | None:
        """The colour of the teeth a photo shows between its lips: pixels there about as light as
        the skin or lighter and far less saturated than lips; None if there are too few (a closed
        mouth's lips and shadow)."""
        luma = rgb @ LUMA
        teeth = (luma >= 0.85 * skin_luma) & (_chroma(rgb) <= 0.35)
        return np.median(rgb[teeth], axis=0).astype(np.float64) if teeth.sum() >= 20 else None

    def paint(self, out: np.ndarray, verts: np.ndarray, tri_id: np.ndarray, bary: np.ndarray, *,
              tongue_tip: float = 0.0) -> None:
        """Draws the interior into `out` (H, W, 3) uint8 in place, given this frame's (V, 3) vertices
        and how far the tongue tip is raised (MotionFrame.tongue_tip)."""
        import cv2

        self._paint_seam(out, verts)
        xy = verts[self._verts, :2]
        h, w = tri_id.shape
        x0, y0 = np.maximum(np.floor(xy.min(axis=0)).astype(int) - 2, 0)
        x1, y1 = np.minimum(np.ceil(xy.max(axis=0)).astype(int) + 3, (w, h))
        if x0 >= x1 or y0 >= y1:
            return
        ids = tri_id[y0:y1, x0:x1]
        mask = self._material[ids] == MATERIAL_CAVITY
        if not mask.any():
            return
        ys, xs = np.nonzero(mask)
        tris = self.rig.triangles[ids[ys, xs]]
        b = bary[y0 + ys, x0 + xs]
        weights = np.column_stack([b, 1.0 - b.sum(axis=1)])

        def interp(per_vertex: np.ndarray) -> np.ndarray:
            return (weights * per_vertex[tris]).sum(axis=1)

        rig = self.rig
        gap = np.linalg.norm(verts[:, :2] - verts[rig.cavity_partner, :2], axis=1)
        opening, rest_opening = interp(gap), interp(self._rest_gap)
        t, u = interp(rig.cavity_t), interp(rig.cavity_u)
        mouth_w = float(np.linalg.norm(verts[lm.MOUTH_CORNERS[0], :2] - verts[lm.MOUTH_CORNERS[1], :2]))
        d_upper = t * opening
        color = self._shade(d_upper, (1.0 - t) * opening, opening, u, mouth_w, photo_gap=rest_opening,
                            tongue_tip=tongue_tip)
        # The photo's own interior, hung from the upper lip at its photographed distance.
        to_rest = self._rest_mouth_w / max(mouth_w, 1e-6)
        d_rest = d_upper * to_rest
        own = d_rest < rest_opening
        if own.any():
            anchor = np.column_stack([interp(self._anchor_xy[:, 0]), interp(self._anchor_xy[:, 1])])
            src = anchor[own] + d_rest[own, None] * self._down
            feather = np.clip((rest_opening[own] - d_rest[own]) / 1.5, 0, 1)[:, None]
            color[own] = mix(color[own], bilinear(self.image, src), feather[:, 0])
        # The photo's own opening (if any) stays as photographed; new opening fades in.
        alpha = np.clip((opening - rest_opening - 0.5) / (0.04 * mouth_w), 0.0, 1.0)

        region = (y1 - y0, x1 - x0)
        a = np.zeros(region, np.float32)
        a[ys, xs] = alpha
        premul = np.zeros(region + (3,), np.float32)
        premul[ys, xs] = (color + self._noise[y0 + ys, x0 + xs]) * alpha[:, None]
        # Soft, anti-aliased inner-lip edge: blur premultiplied colour and coverage alike.
        a = cv2.GaussianBlur(a, (0, 0), self._softness)
        premul = cv2.GaussianBlur(premul, (0, 0), self._softness)
        sub = out[y0:y1, x0:x1].astype(np.float32)
        out[y0:y1, x0:x1] = np.clip(sub * (1.0 - a[..., None]) + premul + 0.5, 0, 255).astype(np.uint8)

    def _paint_seam(self, out: np.ndarray, verts: np.ndarray) -> None:
        """Where lips the photo shows apart are pressed together (p, b, m on a smile), the line
        where they meet: a soft, dark, anti-aliased line, so they read as lips shut, not as
        stretched texture ending in a jagged edge."""
        import cv2

        upper, lower = verts[self._seam_pairs[:, 0], :2], verts[self._seam_pairs[:, 1], :2]
        gap = np.linalg.norm(lower - upper, axis=1)
        strength = np.clip((self._seam_rest_gap - 2.0) / 4.0, 0, 1) * np.clip(1.5 - gap, 0, 1)
        if strength.max() <= 0.01:
            return
        line = 0.5 * (upper + lower)
        pad = 4
        x0, y0 = np.maximum(np.floor(line.min(axis=0)).astype(int) - pad, 0)
        x1, y1 = np.minimum(np.ceil(line.max(axis=0)).astype(int) + pad, out.shape[1::-1])
        if x0 >= x1 or y0 >= y1:  # the mouth is outside the frame
            return
        alpha = np.zeros((y1 - y0, x1 - x0), np.float32)
        shift = 4  # cv2 draws at 1/16 px
        pts = np.round((line - (x0, y0)) * (1 << shift)).astype(np.int32)
        for k in range(len(pts) - 1):
            segment = np.zeros_like(alpha)
            cv2.line(segment, tuple(pts[k]), tuple(pts[k + 1]), 1.0, 2, cv2.LINE_AA, shift)
            alpha = np.maximum(alpha, segment * 0.5 * (strength[k] + strength[k + 1]))
        alpha = np.minimum(cv2.GaussianBlur(alpha, (0, 0), self._softness) * 1.1, 0.6)
        region = out[y0:y1, x0:x1].astype(np.float32)
        region += (0.5 * (self.throat_rgb + self._lip_rgb) - region) * alpha[..., None]
        out[y0:y1, x0:x1] = np.clip(region + 0.5, 0, 255).astype(np.uint8)

    def _shade(self, d_upper: np.ndarray, d_lower: np.ndarray, opening: np.ndarray, u: np.ndarray,
               mouth_w: float, *, photo_gap: np.ndarray, tongue_tip: float = 0.0) -> np.ndarray:
        """(N, 3) interior colour from each pixel's distance (px) to the upper and lower inner lip.
        `photo_gap` is the photo's own opening there (px); synthetic upper teeth start below it.
        `tongue_tip` 0..1 raises the middle of the tongue's front to the upper teeth."""
        across = np.abs(2.0 * u - 1.0)  # 0 mid-mouth .. 1 at the corners
        depth_shade = (1.0 - 0.45 * across ** 2)[:, None]
        # Lit near the lips, darkest deep in the middle of the opening.
        near_lip = np.exp(-np.minimum(d_upper, d_lower) / (0.05 * mouth_w))[:, None]
        color = np.broadcast_to(self.throat_rgb, (len(u), 3)) * (0.5 + 0.3 * depth_shade + 0.4 * near_lip)

        # Tongue: a low rounded hump behind the lower teeth, in shadow at its back.
        # Resting low for open vowels: its back (the top of it, as seen) recedes into shadow, its
        # tip behind the lower teeth catches the light; darker toward the corners.
        # For t d n l and th its tip rises to the back of the upper teeth: a narrow, rounded blade
        # in the middle of the mouth, lit, seen through smaller openings than the resting tongue.
        tongue_top = opening * (0.62 + 0.3 * across ** 2)
        raised = tongue_tip * np.clip(1.0 - (across / 0.42) ** 2, 0, 1)
        tongue_top = (1.0 - raised) * tongue_top + raised * np.minimum(tongue_top, TIP_BELOW_LIP * mouth_w)
        shows = np.clip((opening - (0.15 - 0.09 * raised) * mouth_w) / (0.1 * mouth_w), 0, 1)
        tongue = np.clip((d_upper - tongue_top) / 1.5, 0, 1) * shows
        front = np.clip((d_upper - tongue_top) / np.maximum(opening - tongue_top, 1.0), 0, 1)
        lit = (0.45 + 0.5 * front) * (1.0 - 0.5 * across ** 2)
        # The raised tip faces the light: lighter toward its edge, shading into the body.
        tip_light = raised * np.exp(-np.maximum(d_upper - tongue_top, 0.0) / (0.06 * mouth_w))
        tongue_colour = self.tongue_rgb * (lit + 0.35 * tip_light)[:, None] + 18.0 * tip_light[:, None]
        color = mix(color, tongue_colour * depth_shade, tongue)

        # Lower teeth: rise from behind the lower lip, seen only when the jaw is well open.
        lower_h = 0.045 * mouth_w
        rank, f, gap = _teeth_along(u)  # the same teeth positions for both rows
        tip_l = lower_h * _tooth_length(rank, f)
        lower = np.clip((tip_l - d_lower) / 1.0, 0, 1) * (across < 0.75) \
            * np.clip((opening - 0.28 * mouth_w) / (0.1 * mouth_w), 0, 1)
        color = mix(color, self._tooth_colour(f, gap, d_lower, lower_h, depth_shade, mouth_w, lip_shadow=0.0) * 0.88,
                    lower)

        # Upper teeth: hang from the upper lip, one by one along the arch, in its shadow at the top.
        upper_h = 0.10 * mouth_w
        upper = np.clip((upper_h * _tooth_length(rank, f) - d_upper) / 1.0, 0, 1) \
            * np.clip((0.85 - across) / 0.1, 0, 1) * (photo_gap < 0.5 * upper_h)
        return mix(color, self._tooth_colour(f, gap, d_upper, upper_h, depth_shade, mouth_w), upper)

    def _tooth_colour(self, f: np.ndarray, gap: np.ndarray, d_lip: np.ndarray, height: float,
                      depth_shade: np.ndarray, mouth_w: float, *, lip_shadow: float = 0.2) -> np.ndarray:
        """(N, 3) teeth colour: each tooth rounded (lighter mid-tooth), dark gaps between teeth,
        darker toward the corners and, by `lip_shadow` at most, in the shadow of the lip above."""
        convex = 1.0 - 0.1 * (2.0 * f - 1.0) ** 2
        shadow = 1.0 - lip_shadow * np.exp(-d_lip / (0.025 * mouth_w))
        edge = 1.0 - 0.08 * np.clip(d_lip / height, 0, 1)
        shade = (convex * (1.0 - 0.4 * gap) * shadow * edge)[:, None] * depth_shade ** 1.5
        return self.teeth_rgb * shade


# How far below the upper lip a raised tongue tip reaches, in mouth widths: just under the edge
# of the upper incisors (0.10), so it shows against their back.
TIP_BELOW_LIP = 0.085

# Teeth along the arch: the visible row (corner to corner) spans this many teeth a side, and each
# tooth's length relative to a central incisor, from the midline out (incisors, canine, premolars).
TEETH_PER_SIDE = 5.5
TOOTH_LENGTH = np.array([1.0, 0.88, 0.95, 0.8, 0.72, 0.66, 0.6])


def _teeth_along(u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which tooth each cavity pixel's position along the mouth (u 0..1) falls on, seen in
    perspective: teeth are evenly spaced along a round arch, so they look narrower toward the
    corners. Returns (rank 0 = central incisor, position across the tooth 0..1, gap darkness 0..1)."""
    angle = np.arcsin(np.clip(2.0 * u - 1.0, -0.999, 0.999))
    p = angle / (0.5 * np.pi) * TEETH_PER_SIDE
    f = p - np.floor(p)
    rank = np.where(p >= 0, np.floor(p), -np.floor(p) - 1).astype(int)
    # The gap looks as wide as the perspective squeezes it (in angle, not in pixels).
    gap = np.exp(-(np.minimum(f, 1.0 - f) / 0.05) ** 2)
    return np.minimum(rank, len(TOOTH_LENGTH) - 1), f, gap


def _tooth_length(rank: np.ndarray, f: np.ndarray) -> np.ndarray:
    """(N,) tooth length as a share of the central incisor's, its tip rounded at the corners."""
    return TOOTH_LENGTH[rank] * (1.0 - 0.35 * np.abs(2.0 * f - 1.0) ** 6)
