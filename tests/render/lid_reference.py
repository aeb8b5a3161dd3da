"""The shut-lid painter's per-pixel part in numpy, as render.eyes drew lids before its compiled
path (d308e22): a slow, readable reference the product's LidPainter must match within a gray level
(tests/render/test_eyes.py), so speed-ups are proven not to change what a lid looks like. A change
to the look changes both. The per-eye setup (axes, extent, lift, detail strips) is shared with the
product, so a speed-up there needs its own A/B. Not used by the product."""

from __future__ import annotations

import numpy as np

from facetalk.face.appearance import FILL_A, FILL_B, LID_HUE_ACROSS, LID_HUE_LEAST, LID_HUE_SAT, LidSkin
from facetalk.imaging import LUMA
from facetalk.face.rig import smoothstep
# The lid's constants are the product's: tuning one moves both paths alike.
from facetalk.render.eyes import (
    COVER_A, COVER_B, DETAIL_BELOW, DETAIL_STRETCH, EYEBALL_SHADE, EYEBALL_SHADE_FALL, LASH_FAN,
    LASH_CLUMP_WIDTH, LASH_CONTRAST, LASH_FRINGE, LASH_INNER_SHORT, LASH_PART_SHUT, LASH_RAGGED, LASH_SHADE_ABOVE,
    LASH_STRAND_DARK, LASH_STRAND_PX, LASH_INNER_FAINT, LASH_INNER_FROM,
    LID_BULGE, LID_CARRY_FROM, LID_CARRY_PAST, LID_CARRY_RAMP, LID_CORNER_OUT, LID_DEEP_FROM, LID_DEEP_RAMP, LID_FADE, LID_LIT_CORNERS, LID_LIT_DEEP, LID_LIT_FROM,
    LID_SIDE_FADE, LIT_ALONG, LIT_GAP_RAMP, LIT_ROOM,
    LOWER_LID_BAND, LOWER_LID_RISE, LOWER_LID_SHADE, LOWER_LID_SHADE_PX, N_LASHES, SMOOTH_SAMPLES, TOP_DARKEST,
    SHADE_HUE_FROM, SHADE_HUE_SPAN, SKIN_HUE_RAMP, TOP_FILL_DARKEST, TOP_FILL_RAMP,
)
# The per-eye geometry and the skin detail strips are the product's too: the reference is the
# per-pixel part the compiled path replaced.
from facetalk.render.eyes import (
    LID_LEAST, _BROW_UNDER, _along, _lid_lift, _skin_detail, _strip, brow_ceiling, hair_ceiling, lid_extent,
    lit_most, upper_or_lower,
)
from facetalk.render.eyes import _EyeAxes as _ProductAxes
from facetalk.render.sampling import bilinear


class _EyeAxes(_ProductAxes):
    """The product's eye axes, with every pixel of a box in them (the compiled path computes
    them per pixel)."""

    def coords(self, x0: int, y0: int, x1: int, y1: int) -> tuple[np.ndarray, np.ndarray]:
        """(a, b) of every pixel of the box."""
        yy, xx = np.mgrid[y0:y1, x0:x1]
        rel = np.stack([xx - self.origin[0], yy - self.origin[1]], axis=-1).astype(np.float32)
        return rel @ self.along / self.width, rel @ self.down


def _cover_at(cover: np.ndarray, a: np.ndarray, b_widths: np.ndarray) -> np.ndarray:
    """(N,) a frame_cover grid read bilinearly at eye positions `a`, `b_widths` (rest eye widths), its
    edge held."""
    rows, cols = cover.shape
    u = np.clip((a - COVER_A[0]) / (COVER_A[1] - COVER_A[0]), 0.0, 1.0) * (cols - 1)
    v = np.clip((b_widths - COVER_B[0]) / (COVER_B[1] - COVER_B[0]), 0.0, 1.0) * (rows - 1)
    i, j = np.minimum(v.astype(int), rows - 2), np.minimum(u.astype(int), cols - 2)
    fv, fu = v - i, u - j
    return (cover[i, j] * (1.0 - fu) + cover[i, j + 1] * fu) * (1.0 - fv) \
        + (cover[i + 1, j] * (1.0 - fu) + cover[i + 1, j + 1] * fu) * fv


def _fill_at(fill: np.ndarray | None, a: np.ndarray, b_widths: np.ndarray) -> np.ndarray:
    """(N, 3) a LidSkin.fill grid read bilinearly at eye positions `a`, `b_widths` (N,) (eye widths),
    its edge held; zeros where the lid has none."""
    if fill is None:
        return np.zeros((len(a), 3))
    fill = np.asarray(fill, np.float64)
    rows, cols = fill.shape[:2]
    u = np.clip((a - FILL_A[0]) / (FILL_A[1] - FILL_A[0]), 0.0, 1.0) * (cols - 1)
    v = np.clip((b_widths - FILL_B[0]) / (FILL_B[1] - FILL_B[0]), 0.0, 1.0) * (rows - 1)
    i, j = np.minimum(v.astype(int), rows - 2), np.minimum(u.astype(int), cols - 2)
    fv, fu = (v - i)[:, None], (u - j)[:, None]
    return (fill[i, j] * (1.0 - fu) + fill[i, j + 1] * fu) * (1.0 - fv) \
        + (fill[i + 1, j] * (1.0 - fu) + fill[i + 1, j + 1] * fu) * fv


def _toward_skin(above: np.ndarray, lid: LidSkin, *, grid: np.ndarray, rows_b: np.ndarray, width: float,
                 profile: np.ndarray, on_frame: np.ndarray) -> np.ndarray:
    """(N, 3) skin samples `above` the lid's top (at `grid`, `rows_b` px, of an eye `width` px wide):
    brow hairs are not skin to continue down the lid, so where one is darker than TOP_FILL_DARKEST x
    the photo's skin there (LidSkin.fill, at its grey level in the `profile`'s hue), it is drawn to
    that, not where a spectacle frame was (`on_frame` (N,) 0..1); only under a brow read over lid skin."""
    if lid.fill is None or lid.brow_gap is None:
        return above
    skin = _fill_at(lid.fill, grid, rows_b / width)
    skin = profile * (skin.sum(axis=1) / np.maximum(profile.sum(axis=1), 1.0))[:, None]
    pull = np.clip((TOP_FILL_DARKEST * (skin @ LUMA) - above @ LUMA) / (TOP_FILL_RAMP * np.maximum(skin @ LUMA, 1.0)),
                   0.0, 1.0) * (1.0 - on_frame)
    return above + (skin - above) * pull[:, None]


def _lit_rgb(above: np.ndarray, below: np.ndarray, profile: np.ndarray, *, grid: np.ndarray,
             lift_most: float) -> np.ndarray:
    """(N, 3) the upper lid's lit colour along the eye (at `grid`, 0..1): at the grey level of the skin
    `below` the lower lid, in the hue two of three skin samples (`above` the lid, below it, the photo's
    lid `profile`) agree on; as dark as skin in shade, in the hue of the shaded skin below; then blended
    in RGB toward the profile (darkened to `lift_most` at most) as far as that is lighter (LIT_GAP_RAMP)."""
    hue = np.median(np.stack([c / np.maximum(c.mean(axis=1), 1.0)[:, None] for c in (above, below, profile)]), axis=0)
    grey_lid = np.maximum(profile.mean(axis=1), 1.0)
    grey = below.mean(axis=1)
    shade = np.clip((SHADE_HUE_FROM * grey_lid - grey) / (SHADE_HUE_SPAN * grey_lid), 0.0, 1.0)
    hue = hue + (below / np.maximum(below.mean(axis=1), 1.0)[:, None] - hue) * shade[:, None]
    unlifted = hue * (grey / np.maximum(hue.mean(axis=1), 1e-3))[:, None]
    room = np.clip((lift_most - np.median(grey)) / LIT_ROOM, 0.0, 1.0)
    toward = profile * np.minimum(1.0, lift_most / grey_lid)[:, None]
    lift = room * (1.0 - (2.0 * grid - 1.0) ** 4) * np.clip((toward.mean(axis=1) - grey) / LIT_GAP_RAMP, 0.0, 1.0)
    return unlifted + (toward - unlifted) * lift[:, None]


def _skin_near(out: np.ndarray, points: np.ndarray, lid_colour: np.ndarray, *, on_frame: np.ndarray,
               darkest: float = 0.45) -> np.ndarray:
    """(N, 3) colours of the frame at `points`; where lashes or a spectacle frame make one darker
    than `darkest` x the lid's own colour there, it is drawn toward that colour; where one is of
    another hue (glare, a frame's tinted rim), it takes that colour's hue at its own grey level;
    where a spectacle frame was (`on_frame` (N,) 0..1, _cover_at), it is that colour."""
    colour = bilinear(out, points)
    dark = np.clip((darkest * (lid_colour @ LUMA) - colour @ LUMA) / 40.0, 0.0, 1.0)
    # A sample of another hue than the lid's (glare, a frame's tinted rim) is not lid skin either.
    v = colour / np.maximum(colour.mean(axis=1, keepdims=True), 1.0) - 1.0
    r = lid_colour / np.maximum(lid_colour.mean(axis=1, keepdims=True), 1.0) - 1.0
    rr = np.maximum((r * r).sum(axis=1), 1e-12)
    along = (v * r).sum(axis=1) / rr
    across = np.sqrt(np.maximum((v * v).sum(axis=1) / rr - along ** 2, 0.0))
    off = np.clip(np.maximum(LID_HUE_SAT - along, across - LID_HUE_ACROSS) / SKIN_HUE_RAMP, 0.0, 1.0)
    off[rr < LID_HUE_LEAST ** 2] = 0.0
    colour = colour + (lid_colour - colour) * dark[:, None]
    toned = lid_colour * (colour.mean(axis=1) / np.maximum(lid_colour.mean(axis=1), 1.0))[:, None]
    colour = colour + (toned - colour) * off[:, None]
    return colour + (lid_colour - colour) * on_frame[:, None]


def _smooth(colours: np.ndarray, *, radius: int = 2) -> np.ndarray:
    """(N, 3) colours along the eye, box-averaged over 2 radius + 1 neighbours (ends repeated)."""
    padded = np.pad(colours, ((radius, radius), (0, 0)), mode="edge")
    kernel = np.ones(2 * radius + 1, np.float32) / (2 * radius + 1)
    return np.stack([np.convolve(padded[:, c], kernel, mode="valid") for c in range(colours.shape[1])], axis=-1)


class ReferenceLidPainter:
    """render.eyes.LidPainter's lids drawn with numpy, full-box array by array (see its docstring
    for what a lid is); the same grain, lash strands and spectacle frame cover (`frames`, `rest_xy`
    as LidPainter's) as the product's painter."""

    def __init__(self, lids: tuple[LidSkin, ...], grain: np.ndarray, *, frames: np.ndarray | None = None,
                 rest_xy: np.ndarray | None = None):
        from facetalk.render.eyes import LidPainter

        product = LidPainter(lids, grain, frames=frames, rest_xy=rest_xy, warm_up=False)
        self._lids, self._grain, self._strands = lids, product._grain, product._strands
        self._covers = dict(zip((lid.upper for lid in lids), zip(product._covers, product._cover_widths)))

    def paint(self, out: np.ndarray, verts: np.ndarray, open_verts: np.ndarray) -> None:
        """Draws the lids into `out` (H, W, 3) uint8 in place, given this frame's (V, 3) vertices and
        the same pose with the eyes open (`open_verts`: blinks 0, no downward gaze)."""
        for lid in self._lids:
            eye = _EyeAxes.of(lid, verts[:, :2], open_verts[:, :2])
            if eye.covered_px() >= 0.25:
                self._paint_eye(out, lid, eye, _lid_lift(eye, verts[:, :2], open_verts[:, :2]),
                                brow_xy=verts[list(_BROW_UNDER.get(lid.upper, ())), :2])

    def _paint_eye(self, out: np.ndarray, lid: LidSkin, eye: _EyeAxes, lift: tuple[np.ndarray, np.ndarray], *,
                   brow_xy: np.ndarray) -> None:
        lash, reach, box = lid_extent(eye, lid, opening_px=eye.opening_px(), shape=out.shape)
        if box is None:
            return
        x0, y0, x1, y1 = box
        # Along the eye, one sample a pixel.
        grid = np.linspace(0.0, 1.0, max(int(eye.width), 8))
        top, edge, bottom = (np.interp(grid, *chain) for chain in (eye.upper_open, eye.upper, eye.lower))
        closure = np.clip((edge - top) / np.clip(bottom - top, 1e-3, None), 0.0, 1.0)
        taper = np.sqrt(np.clip((bottom - top) / max(eye.opening_px(), 1e-3), 0.0, 1.0))
        reached = top - reach * taper * smoothstep(closure, 0.0, 0.5)
        # Never into the brow, yet over the lash band; lowered, only its fade is shorter.
        ceiling = np.maximum(brow_ceiling(eye, brow_xy=brow_xy, grid=grid), hair_ceiling(eye, lid, grid=grid))
        lid_top = np.maximum(reached, np.minimum(ceiling, top - (lid.lash_band + LID_LEAST) * eye.width * taper))
        lowered = lid_top - reached
        # The lower lid joins in late in a blink (not in a downward look): its risen margin and band.
        rising = smoothstep(closure, 0.2, 0.9)
        meet = bottom - LOWER_LID_RISE * rising * (bottom - top)
        band = LOWER_LID_BAND * eye.width * taper * rising
        profile = _along(grid, np.linspace(0.0, 1.0, len(lid.colour_profile)), lid.colour_profile)
        cover, cover_width = self._covers[lid.upper]
        rows_b = (lid_top - 1.5, bottom + band + 2.0)
        above, below = (_skin_near(out, eye.to_image(grid, b), profile, darkest=darkest,
                                   on_frame=_cover_at(cover, grid, b / cover_width))
                        for b, darkest in zip(rows_b, (TOP_DARKEST, 0.45)))
        a, b = eye.coords(x0, y0, x1, y1)
        lid_curves = (top, edge, lid_top, meet, bottom)
        lid_curves_closure = closure
        lid_top, edge, meet, bottom, band, closure, rising, lowered = (np.interp(a, grid, curve) for curve in (
            lid_top, np.minimum(edge, meet), meet, bottom, band, closure, rising, lowered))
        texture = self._texture(out, eye, lid, lift, a=a, b=b, grid=grid, curves=lid_curves, reach_px=reach * taper,
                                edge_px=edge, meet_px=meet, box=box)
        above, below = (_smooth(c, radius=SMOOTH_SAMPLES) for c in (above, below))
        # The curves at `grid` (lid_curves), before the per-pixel lid_top and edge.
        top_px = lid_curves[2]
        above = _toward_skin(above, lid, grid=grid, rows_b=top_px - 1.5, width=eye.width, profile=profile,
                             on_frame=_cover_at(cover, grid, (top_px - 1.5) / cover_width))
        lid_rgb = _lit_rgb(above, below, profile, grid=grid, lift_most=lit_most(lid))
        # Averaged along the eye, over fewer samples toward the corners (LIT_ALONG).
        radius = np.minimum(int(LIT_ALONG * len(grid)), np.minimum(np.arange(len(grid)), np.arange(len(grid))[::-1]))
        lid_rgb = np.stack([lid_rgb[i - r:i + r + 1].mean(axis=0) for i, r in enumerate(radius)])
        # In a deep socket the lid keeps its shade further down, from the skin above averaged so too.
        shade = np.stack([above[i - r:i + r + 1].mean(axis=0) for i, r in enumerate(radius)])
        # ... only as deep as the skin beside its corners is dark too.
        edge_px = np.minimum(lid_curves[1], lid_curves[3])
        side_b = [top_px[i] + s * (edge_px[i] - top_px[i]) for i in (0, -1) for s in (0.25, 0.5, 0.75)]
        side_a = [-LID_CORNER_OUT] * 3 + [1.0 + LID_CORNER_OUT] * 3
        beside = float(bilinear(out, eye.to_image(np.array(side_a), np.array(side_b))).astype(np.float64).mean())
        deep = np.clip(((lid_rgb.mean(axis=1) - np.maximum(shade.mean(axis=1), beside))
                        / np.maximum(lid_rgb.mean(axis=1), 1.0) - LID_DEEP_FROM) / LID_DEEP_RAMP, 0.0, 1.0)
        above = above + (shade - above) * deep[:, None]
        # ... down to the open eye's margin, within LID_LIT_DEEP.
        at_margin = (lid_curves[0] - top_px) / np.maximum(edge_px - top_px, 1.0)
        mid = LID_LIT_FROM + (np.clip(at_margin, LID_LIT_FROM, LID_LIT_DEEP) - LID_LIT_FROM) * deep
        corners = mid + LID_LIT_CORNERS
        # Beside a dark outer corner the upper lid is carried past it, its top held where the side fade ends.
        outer_b = [top_px[0] + s * (edge_px[0] - top_px[0]) for s in (0.25, 0.5, 0.75)]
        outer = float(bilinear(out, eye.to_image(np.full(3, -LID_CORNER_OUT), np.array(outer_b)))
                      .astype(np.float64).mean())
        lit0 = max(float(lid_rgb[0].mean()), 1.0)
        carry = LID_CARRY_PAST * float(np.clip(((lit0 - outer) / lit0 - LID_CARRY_FROM) / LID_CARRY_RAMP, 0.0, 1.0))
        above, below, lid_rgb = (_along(a, grid, c) for c in (above, below, lid_rgb))
        rate, rate_corners = (np.interp(a, grid, r) for r in (1.0 / mid, 1.0 / corners - 1.0 / mid))
        top_open = np.interp(a, *eye.upper_open)
        if carry > 0.0:  # held by the carry's share (as eyes._paint_lid_box)
            held, w = a < LID_SIDE_FADE, carry / LID_CARRY_PAST
            lid_top = np.where(held, lid_top + w * (np.interp(LID_SIDE_FADE, grid, lid_curves[2]) - lid_top), lid_top)
            lowered = np.where(held, lowered + w * (np.interp(LID_SIDE_FADE, grid, lid_curves[2] - reached) - lowered),
                               lowered)
            top_open = np.where(held, top_open + w * (np.interp(LID_SIDE_FADE, *eye.upper_open) - top_open), top_open)
            lid_closure = np.where(held, closure + w * (np.interp(LID_SIDE_FADE, grid, lid_curves_closure) - closure),
                                   closure)
        else:
            lid_closure = closure
        top_fade = np.maximum(LID_FADE * (top_open - lid_top + lowered) - lowered, 0.0)
        skin, lid_alpha = self._lid_layer(a, b, lid_top, top_fade=top_fade, edge=edge, closure=lid_closure,
                                          above=above, below=lid_rgb, rate=rate, rate_corners=rate_corners, carry=carry)
        lower_shade = 1.0 - LOWER_LID_SHADE * np.exp(-np.clip(b - meet, 0.0, None) / LOWER_LID_SHADE_PX)
        lower_skin = below * lower_shade[..., None] + texture
        lower_alpha = np.clip(b - meet + 0.5, 0.0, 1.0) * smoothstep(bottom + band + 1.0 - b, 0.0, 0.6 * band + 1.5) \
            * smoothstep(a, 0.0, LID_SIDE_FADE) * smoothstep(1.0 - a, 0.0, LID_SIDE_FADE) * smoothstep(rising, 0.0, 0.3)
        lash_alpha = self._lash_alpha(a, b - edge, lash, closure, blur_px=lid.edge_sigma_px, width=eye.width)
        region = out[y0:y1, x0:x1].astype(np.float32)
        # The lowered lid's shadow on the eyeball under its edge; the lid's soft edge is laid over it.
        shadow = EYEBALL_SHADE * np.exp(-np.maximum(b - edge, 0.0) / (EYEBALL_SHADE_FALL * eye.width)) \
            * np.clip(bottom - b + 0.5, 0.0, 1.0) * (b > edge) * smoothstep(a, 0.0, LID_SIDE_FADE) \
            * smoothstep(1.0 - a, 0.0, LID_SIDE_FADE) * smoothstep(closure, 0.02, 0.25) \
            * (1.0 - smoothstep(closure, 0.45, 0.65))
        region *= (1.0 - shadow)[..., None].astype(np.float32)
        region += (skin + texture - region) * lid_alpha[..., None]
        region += (lower_skin - region) * lower_alpha[..., None]
        # The line at most LASH_CONTRAST x the luma of what it lies on (its hue kept).
        floor = np.minimum(1.0, LASH_CONTRAST * (region @ LUMA) / max(float(lid.lash_rgb @ LUMA), 1.0))
        region += (lid.lash_rgb * floor[..., None] + self._grain[y0:y1, x0:x1] - region) * lash_alpha[..., None]
        out[y0:y1, x0:x1] = np.clip(region + 0.5, 0, 255).astype(np.uint8)

    def _texture(self, frame: np.ndarray, eye: _EyeAxes, lid: LidSkin, lift: tuple[np.ndarray, np.ndarray], *,
                 a: np.ndarray, b: np.ndarray, grid: np.ndarray, curves: tuple[np.ndarray, ...], reach_px: np.ndarray,
                 edge_px: np.ndarray, meet_px: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
        """(h, w, 3) detail to lay over the painted lids in the box of `frame` (before painting; `a`,
        `b` its pixels' eye positions): the photo's own lid skin detail, and the grain. `curves`:
        the open margin, the closing edge, the lid's top, where the lids meet and the
        lower margin (px along b at `grid`); `reach_px`: the shut lid's height above the open margin
        there; `edge_px`, `meet_px`: the closing edge and where the lids meet, per pixel."""
        import cv2

        top, edge, lid_top, meet, bottom = curves
        lid_luma = float(np.median(lid.colour_profile @ LUMA))
        # The upper lid skin as photographed: row i is (lash band + i) px above the open margin,
        # found in the frame where the mesh has moved it.
        base = (lid.lash_band + 0.03) * eye.width
        heights = base + np.arange(max(int(np.max(reach_px) - base), 2))
        rows_b = top - heights[:, None] + (edge - top) * np.interp(heights, *lift)[:, None]
        upper = _skin_detail(_strip(frame, eye, grid, rows_b), eye_width_px=eye.width, lid_luma=lid_luma)
        # The lower lid band mirrors the skin below it; so does the upper lid where its own strip is
        # mostly not lid skin.
        low_edge = bottom + LOWER_LID_BAND * eye.width + 2.0
        rows_b = low_edge + np.arange(max(int(DETAIL_BELOW * eye.width), 2))[:, None]
        lower = _skin_detail(_strip(frame, eye, grid, rows_b), eye_width_px=eye.width, lid_luma=lid_luma)
        upper = upper_or_lower(upper, lower)
        # Laid from the closing edge up, stretched as far as the lid is taller than the band.
        col = (np.clip(a, 0.0, 1.0) * (len(grid) - 1)).astype(np.float32)
        stretch = np.clip((np.minimum(edge, meet) - lid_top) / np.maximum(reach_px - base, 1.0), 1.0, DETAIL_STRETCH)
        up_row = ((edge_px - b) / np.interp(a, grid, stretch)).astype(np.float32)
        low_row = np.abs(b - np.interp(a, grid, low_edge)).astype(np.float32)
        laid = [cv2.remap(strip, col, row, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
                for strip, row in ((upper, up_row), (lower, low_row))]
        detail = np.where((b > meet_px)[..., None], laid[1], laid[0])
        weight = detail[..., 3:]
        # The grain as well: the mesh's warp and the strip's resampling have softened the finest detail.
        return detail[..., :3] * weight + self._grain[box[1]:box[3], box[0]:box[2]]

    @staticmethod
    def _lid_layer(a: np.ndarray, b: np.ndarray, lid_top: np.ndarray, *, top_fade: np.ndarray, edge: np.ndarray,
                   closure: np.ndarray, above: np.ndarray, below: np.ndarray, rate: np.ndarray,
                   rate_corners: np.ndarray, carry: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
        """(colour (h, w, 3), alpha (h, w)) of the upper lid from `lid_top`, fading in over
        `top_fade` px, down to the closing edge `edge` (px along b; all per pixel of the box). Its
        colour turns from the skin above it (`above`) to the lower lid's (`below`) near its top
        (LID_LIT_FROM, later toward the corners and in a deep socket: `rate` the lit height's
        reciprocal mid-eye, plus `rate_corners` x across^2): a shut lid sits forward over the eyeball, as lit as
        the cheek, not in the socket's shade."""
        # Its side fade starts `carry` eye widths past the outer corner (a = 0; see LID_CARRY_PAST).
        alpha = np.clip(edge - b + 0.5, 0.0, 1.0) * np.clip((b - lid_top + 1.0) / (top_fade + 2.0), 0.0, 1.0) \
            * smoothstep(a, -carry, LID_SIDE_FADE) * smoothstep(1.0 - a, 0.0, LID_SIDE_FADE) \
            * smoothstep(closure, 0.0, 0.15)
        s = np.clip((b - lid_top) / np.maximum(edge - lid_top, 1.0), 0.0, 1.0)
        across = 2.0 * np.clip(a, 0.0, 1.0) - 1.0
        skin = above + (below - above) * smoothstep(s * (rate + rate_corners * across ** 2), 0.0, 1.0)[..., None]
        # A lid curves over the eyeball: lighter mid-lid, darker toward the corners and just above
        # the lashes.
        shade = 1.0 + LID_BULGE * np.sin(np.pi * s) * (1.0 - across ** 2) - 0.04 * across ** 4 - 0.10 * s ** 6
        return skin * shade[..., None], alpha

    def _lash_alpha(self, a: np.ndarray, below: np.ndarray, lash: float, closure: np.ndarray, *,
                    blur_px: float, width: float) -> np.ndarray:
        """(h, w) opacity of the lash line along the closing edge (`below` = px below it) of an eye
        `width` px wide (a = 0 at the outer corner, 1 at the inner): thinner toward the corners, its
        lower edge ragged with the lashes' clumps and shorter toward the inner corner, its lashes hanging
        below it as strands (fixed darkness, length, root offset and clump each), fainter toward the
        inner corner and fanning out toward the corners, blurred as the photo draws its edges
        (`blur_px`, a Gaussian sigma: a soft photo gets a wider, fainter line, never a crisp stroke)."""
        darkness, length, offset, clumps = self._strands
        clump = np.interp(np.clip(a, 0.0, 1.0) * N_LASHES, np.arange(N_LASHES + 1), darkness)
        thick = lash * (0.35 + 0.65 * np.sin(np.pi * np.clip(a, 0.0, 1.0))) \
            * (LASH_PART_SHUT + (1.0 - LASH_PART_SHUT) * smoothstep(closure, 0.4, 0.6))
        sigma = np.hypot(0.5 * thick, blur_px)
        centred = below + 0.15 * thick
        spacing = width / N_LASHES
        root = a * N_LASHES - 0.5 - LASH_FAN * (2.0 * np.clip(a, 0.0, 1.0) - 1.0) * np.maximum(below, 0.0) / spacing
        # Under the core the lashes' clumps, one at each root, reach further down, the line's
        # shade between them less far, and less toward the inner corner; wider up the lid.
        tooth = np.zeros_like(root)
        for step in (-1, 0, 1, 2):
            k = np.floor(root).astype(int) + step
            valid = (k >= 0) & (k <= N_LASHES)
            k = np.clip(k, 0, N_LASHES)
            d = (root - k - offset[k]) / LASH_CLUMP_WIDTH
            tooth = np.maximum(tooth, np.where(valid, (0.5 + 0.5 * clumps[k]) * np.exp(-0.5 * d * d), 0.0))
        spread = sigma * np.where(centred < 0.0, LASH_SHADE_ABOVE, (1.0 + LASH_RAGGED * (2.0 * tooth - 1.0))
                                  * (1.0 - LASH_INNER_SHORT * smoothstep(a, 0.45, 1.0)))
        line = (0.5 * thick / sigma) ** 0.5 * np.exp(-0.5 * (centred / spread) ** 2)
        fringe = 0.55 * clump * np.clip(1.0 - below / (LASH_FRINGE * thick), 0.0, 1.0) * (below > 0)
        for step in (-1, 0, 1, 2):
            k = np.floor(root).astype(int) + step
            valid = (k >= 0) & (k <= N_LASHES) & (below > 0)
            k = np.clip(k, 0, N_LASHES)
            reach = np.clip(1.0 - below / (LASH_FRINGE * thick * length[k]), 0.0, 1.0)
            d = (root - k - offset[k]) * spacing
            strand = LASH_STRAND_DARK * darkness[k] * np.sqrt(reach) \
                * np.exp(-0.5 * (d / np.hypot(LASH_STRAND_PX, blur_px)) ** 2)
            fringe = np.maximum(fringe, np.where(valid, strand, 0.0))
        fringe *= 1.0 - (1.0 - LASH_INNER_FAINT) * smoothstep(a, LASH_INNER_FROM, 1.0)
        return np.clip(np.maximum(line, fringe), 0.0, 0.95) * smoothstep(closure, 0.05, 0.4) \
            * smoothstep(a, -0.02, 0.08) * smoothstep(1.0 - a, -0.02, 0.08)
