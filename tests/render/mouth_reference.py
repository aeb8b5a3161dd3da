"""The mouth interior's shading in numpy, as render.mouth drew it before its compiled passes
(6133f3d): MouthPainter._shade's slow, readable reference, which it must equal to the bit
(tests/render/test_mouth.py), so speed-ups are proven not to change what a mouth looks like. A
change to the look changes both. Its constants and the per-pixel kernels it shares (_throat_at,
_texel, the teeth's edges) are the product's, save BUCCAL_DARKEST, stated here so a change to that
tuned value fails the equality tests. Not used by the product.

ShadeReference(painter).shade(...) takes MouthPainter._shade's arguments; its steps (_cavity,
_tongue, _lower_teeth, ...) are the names the compiled stages' docstrings use. Its
_corner_face_depth is the numpy form of _taper_corners' compiled _face_depth (6568dee)."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from facetalk.face.rig import smoothstep
from facetalk.imaging import sample_points
from facetalk.render.sampling import mix
# The interior's constants and per-pixel kernels are the product's: tuning one moves both paths alike.
from facetalk.render.mouth import (
    FACE_EDGE_ENDS, FACE_EDGE_OPEN_PX,
    UPPER_SHADE_WARMTH, UPPER_TOOTH_TABLE, UT_INCISAL, UT_LIGHT, UT_LONGER, UT_TILT,
    LOWER_RAISED_LIT, ARCH_FACE_TURN, BLADE_HALF, TIP_LIT_HALF, TIP_LIT_EDGE, TIP_LIT_OUTLINE_PX, BLADE_SHOULDER, BLADE_SIDES, SMILE_LOWER_TEETH, SMILE_ROWS_CLOSE, SMILE_ROWS_GAP,
    CAVITY_LIGHT_FLOOR, CAVITY_LIGHT_NEAR_LOWER, CAVITY_DEEP_CHROMA, CAVITY_DEEP_LIGHT, CAVITY_LIT_RED, CAVITY_TONE_LIGHT,
    CAVITY_CORNER_DARK, CAVITY_CORNERS, CAVITY_LIGHT_UNDER_TEETH, CAVITY_NEAR_LOWER, CAVITY_UNDER_TEETH, CHEEK_LIGHT, CHEEK_SPAN,
    CAVITY_FLANKS, CAVITY_UNDER_TEETH_SIDES, CORNER_CURL, CORNER_EDGE_SKIP, CORNER_LIP_DEPTH, DRAPE_REACH, DRAPE_SHARE, LUMA, STRAND_DETAIL, CORNER_LOWER_SHARE, CORNER_ROUND, CORNER_SHADE, FLOOR_SHADE,
    INCISAL_FROM,
    INCISAL_COOL, INCISAL_KEEP, INCISAL_SHADE, INCISAL_SIDES, LENS_FULL, LENS_OPENING, LENS_POWER, LENS_POWER_STRETCH, LENS_POWER_WIDE,
    LENS_WIDE_OPENING,
    LIP_SHADOW_REACH, LOWER_GAP_SHARE,
    LOWER_GAP_WEDGE, LOWER_PARTING, LOWER_TOOTH_CONVEX,
    LOWER_LIP_SHADOW, LOWER_SINK_JITTER, LOWER_TEETH_HEIGHT, LOWER_TEETH_OPENING, LOWER_TEETH_PER_SIDE,
    LOWER_CONTACT_FADE, LOWER_TIP_ROUND, LOWER_TOOTH_ROUND, LOWER_TOOTH_SKEW, SMILE_BARED, SMILE_BARED_SOFT,
    NEAR_JAG, NEAR_CORNER_DIM, NEAR_CORNERS, LOWER_GAP_VARY, NEAR_LOWER_TEETH, NEAR_ROLLED, NEAR_WIDENED, NEAR_SHARE_RAMP, NEAR_SINK, NEAR_SLIT_MIN, NEAR_SLIT_SIDES, NEAR_SLIT_WIDEN, TIPS_SLIT_DARK, TIPS_SLIT_CANINES, TIPS_SLIT_GREY, TIPS_SLIT_OPEN, TIPS_SLIT_RISEN, RGB_PENUMBRA,
    LOWER_TEETH_SINK, LOWER_TOOTH_GAP, LOWER_TOOTH_WIDTHS, LOWER_CENTRAL_JITTER, LOWER_WIDTH_JITTER, NARROW_DEEP, NARROW_GAP, NARROW_TONGUE_LIGHT, PALATE_OPENING, LOWER_SHADE_WARM, LOWER_WARM_CHROMA,
    OWN_ROW_SHOWS, PENUMBRA_REACH, PENUMBRA_WARMTH, REACH_FADE_PX, ROW_END_TURN, PHOTO_TEETH_HIDDEN, PHOTO_TEETH_UNLIT, BUCCAL_SHADE, BUCCAL_BELOW, GUM_TABLE_N, LOWER_CUT_FADE, SYNTHETIC_UPPER_TEETH_MW, TEETH_PER_SIDE, THROAT_SHADE, THROAT_WIDTH, TIP_CONTACT, TIP_ROUND, TIP_TUCK,
    TIP_DROP, TIP_POWER, TONGUE_ARCH_DROP, TONGUE_ARCH_WIDTH, TONGUE_BACK_DEPTH, TONGUE_BULGE, TONGUE_CELLS,
    TONGUE_DEEP, TONGUE_EDGE, TONGUE_FOOT, TONGUE_GROOVE, TONGUE_GROOVE_BACK, TONGUE_LIGHT_IN, TONGUE_LIT,
    TONGUE_INTO, TONGUE_INTO_WIDE, TONGUE_LIT_POWER, TONGUE_MOTTLE, TONGUE_RIM, TONGUE_RIM_SHEEN, TONGUE_RIM_SIDES, TONGUE_ROOM, TONGUE_SHARE_WIDE, TONGUE_SHEEN,
    TONGUE_SHEEN_LIGHT, TONGUE_SHOWS, TONGUE_SIDE_SHADE, TONGUE_FLANK, TONGUE_FLANK_SIDES, TONGUE_SPECKLE, TONGUE_TIP_LIGHT, TEETH_PENUMBRA, TEETH_PENUMBRA_LIGHT, TOOTH_CONVEX, TOOTH_EDGE_DARK, TOOTH_LENGTH,
    SLOT_GAP, SLOT_LIFT, SLOT_MID, SLOT_OPENING, SLOT_SHADE, SMILE_LOWER_CORNERS, SMILE_LOWER_DIM, SMILE_LOWER_PARTING, LOWER_TEETH_NARROW, SMILE_LOWER_CONVEX, SMILE_TOOTH_SHADE,
    SMILE_LOWER_RISEN, SMILE_GAP_DARK, SMILE_GAP_LIGHT, LOWER_TIP_LIGHT, LOWER_TEETH_CEILING, RGB_TEETH, RGB_THROAT, SMILE_TIP_JITTER, SMILE_TIP_SOFT, UPPER_LIP_SHADOW, UPPER_TEETH_FADE, UPPER_TOOTH_GAP, UPPER_TOOTH_WIDTHS, MouthPainter, _lower_teeth_show,
    _biting_edge_table, _notch_share, _crown_light, _cavity_tone, _contact_at, _edge_at, _throat_at, _texel, _wall_tone, TONE_BLUE_OVER_GREEN, TONE_DEEP_CHROMA, TONE_LIT_BLUE, TONE_TO_BACK, _tongue_texture, _tooth_edges, lens_height, UPPER_NOTCH, UPPER_PARTING, UPPER_EMBRASURE, UPPER_EMBRASURE_WIDE, UPPER_NECK, SMILE_ARC_SLIT, SMILE_ARC_LIFT,
    LOWER_PLAIN_SIDES, LOWER_PLAIN_SINK, LOWER_PLAIN_DIM, LOWER_PLAIN_JAG, LOWER_PLAIN_PARTING,
    THROAT_ROUND, THROAT_SHORT,
    GUM_LIT_BACK_OPEN, ROW_END_SHADE, ROW_END_SOLID_OPEN, _RowEnds, _buccal_table, _crown_edges, _soft_envelope, _soft_row_end, _tips_envelope,
)
# The luma the buccal corridor shades toward (render.mouth.BUCCAL_DARKEST), stated, not imported: at 30
# 12's corner at jaw 0.6 stayed a dark wedge (out/notch45/NOTES.md), and an import would follow it there.
BUCCAL_DARKEST = 40.0


def _solid_end(weight, samples, *, d_rest, run, under, opened):
    """The row's end solid in shade at a wide-open jaw (_solid_row_end), restated: the share given way is 1 less
    the weight over the reach's fade (REACH_FADE_PX rest px from the lip), the weight raised to 1 - gone^3 of the
    reach's and the crown darkened to (1 - gone)^ROW_END_SHADE, never under the colour behind it, both by the
    opening's step through ROW_END_SOLID_OPEN (none: as laid)."""
    deep = float(smoothstep(np.float64(opened), *ROW_END_SOLID_OPEN))
    if deep <= 0.0:
        return weight, np.asarray(samples, np.float32)
    fade = np.clip((run - d_rest.astype(np.float64)) / REACH_FADE_PX, 0.0, 1.0)
    kept = np.where(fade > 0.0, weight / np.maximum(fade, 1e-12), 1.0).astype(np.float32).astype(np.float64)
    gone = np.clip(1.0 - kept, 0.0, 1.0)
    behind = np.minimum((under @ LUMA) / np.maximum(np.asarray(samples, np.float64) @ LUMA, 1e-6), 1.0)
    shade = np.maximum((1.0 - gone) ** (ROW_END_SHADE * deep), behind)
    return weight * (1.0 + deep * (gone + gone * gone)), (samples * shade[:, None]).astype(np.float32)


def _bared_row_dim(risen, along, across, rank, side, near, plain):
    """A bared lower row's shade (_bared_row_dim): a risen row's (SMILE_LOWER_DIM) darker down into
    the lip and toward the corners, and tooth by tooth (SMILE_TOOTH_SHADE); a spread mouth's row
    (`near`) toward the corners (NEAR_CORNER_DIM); a plain row (`plain`) toward them (LOWER_PLAIN_DIM)."""
    return (1.0 - SMILE_LOWER_DIM[0] * risen) * (1.0 - SMILE_LOWER_DIM[1] * risen * (1.0 - along)) \
        * (1.0 - SMILE_LOWER_DIM[2] * risen * smoothstep(across.astype(np.float64), *SMILE_LOWER_CORNERS)) \
        * (1.0 - SMILE_TOOTH_SHADE[0] * risen
           * (0.5 + 0.5 * np.sin(SMILE_TOOTH_SHADE[1] * rank + SMILE_TOOTH_SHADE[2] * side + SMILE_TOOTH_SHADE[3]))) \
        * (1.0 - NEAR_CORNER_DIM * near * smoothstep(across.astype(np.float64), *NEAR_CORNERS)) \
        * (1.0 - LOWER_PLAIN_DIM * plain * smoothstep(across.astype(np.float64), *LOWER_PLAIN_SIDES))


def _row_end_turned(u: np.ndarray, share: np.ndarray, ends: np.ndarray, reach: float) -> np.ndarray:
    """(n,) float32 how far the photo's upper row's end (its lit envelope `ends`, or the arch's back,
    PHOTO_TEETH_HIDDEN) gives way at (n,) float32 `u` read `reach` x the square of the pixels' (n,)
    `share` of the run further out (_row_end_turn's turn round the arch)."""
    share = np.clip(np.asarray(share, np.float64), 0.0, 1.0)
    out = (reach * share * share).astype(np.float32)
    uu = np.clip(np.where(u >= np.float32(0.5), u + out, u - out), np.float32(0.0), np.float32(1.0))
    x = np.clip(uu.astype(np.float64), 0.0, 1.0) * (len(ends) - 1)
    c = np.minimum(x.astype(np.int64), len(ends) - 2)
    gone = (1.0 - (ends[c] + (ends[c + 1] - ends[c]) * (x - c))).astype(np.float32)
    end = np.abs(np.float32(2.0) * uu - np.float32(1.0))
    return np.maximum(gone * smoothstep(end, *PHOTO_TEETH_UNLIT), smoothstep(end, *PHOTO_TEETH_HIDDEN))


class ShadeReference:
    """MouthPainter._shade's steps in numpy over a built `painter` (its colours: throat_rgb,
    tongue_rgb, teeth_rgb, _tongue_back_rgb, _shade_tint, _black_rgb)."""

    def __init__(self, painter: MouthPainter):
        self._painter = painter

    def __getattr__(self, name: str):
        return getattr(self._painter, name)

    def _corner_face_depth(self, d: np.ndarray, reach: np.ndarray, arched: np.ndarray, *,
                           mouth_w: float, over_arch: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(depth px from a covered corner pixel's lip edge at which the lip's texture is read, how
        far 0..1 it is turned inward), for (M,) pixels `d` px from their lip, the face reaching
        `reach` px, `arched` 0..1 the upper lip set lower over the arch (_taper_corners), where
        `over_arch` (M,) bool the arch itself comes down (None: everywhere).

        At the rig's outline the face continues the lip drawn beside it (its texture read half a
        px in, its own shade: a darker face there drew a second, jagged outline along the chord);
        toward the opening it reads past the photo's soft edge (CORNER_EDGE_SKIP of the fold: a
        toothy photo's pale rim, mirrored, was a pale band), folded back within the lip, takes
        the lips' own hue (CORNER_LIP_HUE: stray pale or grey pixels halved) and darkens: wet
        and turned from the light, both over its last CORNER_CURL mouth widths."""
        inward = smoothstep(d / np.maximum(reach, 1e-6), 0.0, 1.0)
        # Turned from the light (and toward the lips' hue) only over the last CORNER_CURL mouth widths
        # before the opening, where it curls in.
        full_curl = np.float32(CORNER_CURL * self._rest_mouth_w / (self._rest_mouth_w / max(mouth_w, 1e-6)))
        curl = np.minimum(reach, full_curl)
        # A face narrower than the curl turns only as far as it reaches (a px of rounding mid-mouth).
        turn = smoothstep((d - (reach - curl)) / np.maximum(curl, 1e-6), 0.0, 1.0) * (curl / full_curl)
        fold = CORNER_LIP_DEPTH * self._rest_mouth_w
        skip = max(1.0, CORNER_EDGE_SKIP * fold)
        into = d * (self._rest_mouth_w / max(mouth_w, 1e-6))
        span = max(fold - skip, 0.5)
        past_edge = skip + span - np.abs(np.mod(into, 2.0 * span) - span)  # within [skip, skip + span]
        depth = (1.0 - inward) * (0.5 + into) + inward * past_edge
        # The upper lip set lower over the arch: the lip above continued down (mirrored, from past
        # the photo's soft edge over its teeth), turned in, more toward its new edge (ARCH_FACE_TURN
        # of a face's hue and shade). Read back up from that edge, the photo's pale lip-over-teeth
        # edge came down with it: a pale wedge at the upper corners, ringed by the rig's edge line
        # (12, 03 wide open).
        # Elsewhere (a pixel's own edge, no arch over it) the lip is read back up from the edge.
        down_face = np.minimum(d / np.maximum(reach, 1e-6), 1.0)
        lowered = skip + np.minimum(reach, np.maximum(fold - skip, 0.5)) * down_face
        turned = ARCH_FACE_TURN * (0.5 + 0.5 * smoothstep(down_face, 0.0, 1.0))
        if over_arch is not None:
            lowered = np.where(over_arch, lowered, 0.5 + np.minimum(reach, fold) * (1.0 - d / np.maximum(reach, 1e-6)))
            turned = np.where(over_arch, turned, 0.0)
        return depth + arched * (lowered - depth), turn * (1.0 - arched) + arched * turned

    def _row_end_tables(self, *, peak_opening: float, mouth_w: float) -> _RowEnds:
        """MouthPainter._row_ends restated: the photo's own upper row's end tables (_RowEnds) built here
        from _Gum.lit (the back-tooth rule's, a wide-open jaw's) and _Gum.lit_narrow (without it) by the
        module's table builders, the narrow set under GUM_LIT_BACK_OPEN's first opening (peak px over
        mouth_w px), the wide one from its second, a smooth step's lerp between."""
        def tables(lit: np.ndarray) -> _RowEnds:
            envelope = _soft_envelope(lit, rest_mouth_w=self._rest_mouth_w)
            row_lit = _soft_row_end(lit, envelope=envelope)
            edge = _crown_edges(self._gum.gaps, row_end_lit=row_lit)
            return _RowEnds(lit=row_lit, envelope=envelope, buccal=_buccal_table(lit), edge=edge,
                            tips=_tips_envelope(edge))

        wide, narrow = tables(self._gum.lit), tables(self._gum.lit_narrow)
        low, high = GUM_LIT_BACK_OPEN
        t = min(max((peak_opening / max(mouth_w, 1e-6) - low) / (high - low), 0.0), 1.0)
        back = t * t * (3.0 - 2.0 * t)
        if back >= 1.0:  # the wide set itself, not narrow + (wide - narrow), which may round off it
            return wide
        return _RowEnds(lit=narrow.lit + back * (wide.lit - narrow.lit),
                        envelope=narrow.envelope + back * (wide.envelope - narrow.envelope),
                        buccal=narrow.buccal + back * (wide.buccal - narrow.buccal),
                        edge=narrow.edge + back * (wide.edge - narrow.edge),
                        tips=narrow.tips + back * (wide.tips - narrow.tips))

    def lay_photo_interior(self, color: np.ndarray, interp, *, d_upper: np.ndarray, d_lower: np.ndarray,
                           runs: tuple[np.ndarray, np.ndarray], lower_show: np.ndarray, mouth_w: float,
                           u: np.ndarray, peak_opening: float) -> tuple[np.ndarray, np.ndarray]:
        """MouthPainter._lay_photo_interior's numpy steps (no lowered lip, no arch): (the (N, 3)
        `color` with the photo's interior laid over it, a copy; (N,) float32 how much of each
        pixel is the photo's own)."""
        color, laid = color.copy(), np.zeros(len(color), np.float32)
        to_rest, wide = self._rest_mouth_w / mouth_w, float(_lower_teeth_show(np.array([peak_opening]), mouth_w)[0])
        ends = self._row_end_tables(peak_opening=peak_opening, mouth_w=mouth_w) if self._own_teeth else None
        table, envelope = (ends.edge, ends.tips) if self._own_teeth else (_biting_edge_table(),) * 2  # tip: own only
        shape = np.array([_edge_at(uu, table) for uu in np.asarray(u, np.float32)])
        tip = np.array([_edge_at(uu, envelope) for uu in np.asarray(u, np.float32)])
        share = _notch_share(np.asarray(runs[0], np.float64), to_rest=to_rest, peak_opening=peak_opening)
        upper_run = runs[0] * (tip - share * (tip - shape)) if self._own_teeth else runs[0]
        if self._own_teeth:  # the teeth's penumbra (_photo_penumbra) from their tips' line down, laid over
            tips = runs[0] * tip
            near = np.flatnonzero(d_upper * to_rest < runs[0] + PENUMBRA_REACH * TEETH_PENUMBRA[1] * mouth_w * to_rest)
            below = d_upper[near] - tips[near] / to_rest
            penumbra = TEETH_PENUMBRA[0] * np.exp(-np.maximum(below, 0.0) / (TEETH_PENUMBRA[1] * mouth_w)) \
                * np.clip(below + 0.5, 0.0, 1.0)  # the tips' line's pixels blended by how much lies under it
            color[near] = mix(color[near], self._penumbra_rgb(), penumbra)
        for d_lip, length, anchor_xy, sign in ((d_upper, upper_run, self._anchor_xy, 1.0),
                                               (d_lower, runs[1], self._lower_anchor_xy, -1.0)):
            d_rest = d_lip * to_rest
            own = np.nonzero(d_rest < length)[0]
            weight = np.clip((length[own] - d_rest[own]) / REACH_FADE_PX, 0, 1)
            along = sign * d_rest[own]
            if sign < 0:  # the lower row cut to (1 - lower_show) of its run, whole, its tips sampled
                keep = (1.0 - lower_show[own]).astype(np.float64)  # in lower_show's dtype, as the pass
                kept = length[own] * keep
                weight = np.clip((kept - d_rest[own]) / np.maximum(REACH_FADE_PX, LOWER_CUT_FADE * kept), 0, 1)
                along = along - length[own] * (1.0 - keep)
            else:  # the back teeth, and toward the ends the crowns not lit (_row_end_lit: _Gum.lit, its ends soft), give way
                end = np.abs(2.0 * u[own] - 1.0)
                lit = ends.lit if self._own_teeth else np.ones(GUM_TABLE_N)
                x = np.clip(u[own].astype(np.float64), 0.0, 1.0) * (len(lit) - 1)
                c = np.minimum(x.astype(np.int64), len(lit) - 2)
                unlit = (1.0 - (lit[c] + (lit[c + 1] - lit[c]) * (x - c))).astype(np.float32)
                hidden = smoothstep(end, *PHOTO_TEETH_HIDDEN)
                hidden = np.where(unlit > 0.0, np.maximum(hidden, unlit * smoothstep(end, *PHOTO_TEETH_UNLIT)), hidden)
                if self._own_teeth:  # the row's end turning away round the arch (_row_end_turn)
                    hidden = np.maximum(hidden, _row_end_turned(u[own], d_rest[own] / np.maximum(length[own], 1e-6),
                                                                ends.envelope, self._row_end_reach))
                weight *= 1.0 - wide * hidden
            src = interp(anchor_xy, own) + along[:, None] * self._down
            samples = sample_points(self.image, src)
            if sign > 0 and self._own_teeth:  # the crowns' light from the lip to the edge, the end solid in shade
                samples = samples * _crown_light(np.asarray(d_lip, np.float64)[own] * to_rest, length[own], held=self._held)
                weight, samples = _solid_end(weight, samples, d_rest=np.asarray(d_lip, np.float32)[own] * np.float32(to_rest),
                                                 run=length[own], under=color[own], opened=peak_opening / mouth_w)
            color[own] = mix(color[own], samples, weight)
            laid[own] = np.maximum(laid[own], weight)
        if wide > 0.0 and self._own_teeth:  # the buccal corridor over the row's end, fading out below it
            grid = np.linspace(0.0, 1.0, GUM_TABLE_N)
            below = np.asarray(d_upper, np.float64) * to_rest - runs[0]
            near = 1.0 - smoothstep(below / (BUCCAL_BELOW * self._rest_mouth_w), 0.0, 1.0)
            light = 1.0 - BUCCAL_SHADE * wide * np.interp(np.asarray(u, np.float32), grid, ends.buccal) * near
            luma = np.maximum(np.asarray(color @ LUMA, np.float64), 1e-6)
            color = color * np.minimum(light + (1.0 - light) * BUCCAL_DARKEST / luma, 1.0)[:, None]
        return color, laid

    def taper_corners(self, color: np.ndarray, interp, *, d_upper: np.ndarray, d_lower: np.ndarray,
                      across: np.ndarray, peak_opening: float, mouth_w: float, arch: np.ndarray | None,
                      cleared: np.ndarray | None) -> np.ndarray:
        """MouthPainter._taper_corners' numpy steps (lips as wide as the photo's): the (N, 3)
        `color` with the lips' faces laid over the lens's corners, a copy; `across` (N,) the
        pixels' place across the mouth (_across)."""
        color = color.copy()
        opens = float(smoothstep(np.array(peak_opening / mouth_w), *LENS_OPENING))
        # _lens_shape's reach and power, the lips unrounded: on toward LENS_REACH_WIDE as the mouth
        # opens wide, and toward LENS_POWER_WIDE as that share goes over LENS_POWER_STRETCH
        wide = float(smoothstep(np.array(peak_opening / mouth_w), *LENS_WIDE_OPENING))
        lens_reach = self._lens_reach(1.0, wide=wide)
        lens_power = LENS_POWER + float(smoothstep(np.array(wide), *LENS_POWER_STRETCH)) * (LENS_POWER_WIDE - LENS_POWER)
        side = across > LENS_FULL * lens_reach
        if arch is not None:
            side |= d_upper < arch + 0.5
        side = np.nonzero(side)[0]
        du, dl = d_upper[side], d_lower[side]
        # _lens_cut: the lips' faces ease in over +-soft px of the rig's opening's excess over the lens
        excess, soft = (du + dl - peak_opening * lens_height(across[side], power=lens_power, reach=lens_reach,
                                                                         full_share=LENS_FULL),
                        np.float32(CORNER_ROUND * peak_opening))
        ramp = np.where(excess >= soft, excess, (excess + soft) * (excess + soft) / (np.float32(4.0) * soft))
        cut = np.where(excess <= -soft, 0.0, ramp) * opens
        low_reach, up_reach = CORNER_LOWER_SHARE * cut, (1.0 - CORNER_LOWER_SHARE) * cut
        arched_at, over_arch = np.zeros(len(side)), np.zeros(len(side), bool)
        if arch is not None:
            arched_at = np.clip((arch[side] - up_reach) / np.maximum(0.3 * arch[side], 1.0), 0.0, 1.0)
            up_reach = np.maximum(up_reach, arch[side])
            over_arch = (arch[side] > 0.5) & self._own_teeth
        lower = dl - low_reach < du - up_reach
        d, reach = np.where(lower, dl, du), np.where(lower, low_reach, up_reach)
        at = np.nonzero(reach - d > -0.5)[0]
        d, reach, lower, px = d[at], reach[at], lower[at], side[at]
        arched_at = np.where(lower, 0.0, arched_at[at])
        cover = np.minimum(reach - d + 0.5, 1.0)
        depth, inward = self._corner_face_depth(d, reach, arched_at, mouth_w=mouth_w, over_arch=over_arch[at])
        # The faces' colour is the painter's own step; what this specifies is the compiled geometry.
        rolled = np.clip(d / np.maximum(reach, np.float32(1e-6)), 0.0, 1.0).astype(np.float32)
        opened = np.clip((du + dl - up_reach - low_reach)[at] / np.float32(FACE_EDGE_OPEN_PX), 0.0, 1.0)
        # Only at the opening's ends: from the lens's full middle over FACE_EDGE_ENDS more across (the
        # step in float64, then float32, as the product takes it); rounded lips (_rounded) would take it
        # back by their rounding, none here (the lips as wide as the photo's).
        full = LENS_FULL * lens_reach
        opened = opened * smoothstep(across[px].astype(np.float64), full, full + FACE_EDGE_ENDS).astype(np.float32)
        self._lay_corner_faces(color, interp, px, lower=lower, depth=depth, inward=inward, arched=arched_at,
                               cover=cover, cleared=cleared, rolled=rolled, opened=opened.astype(np.float32))
        return color

    def shade(self, d_upper: np.ndarray, d_lower: np.ndarray, opening: np.ndarray, u: np.ndarray,
              mouth_w: float, *, photo_teeth: tuple[np.ndarray, np.ndarray],
              lower_show: np.ndarray | None = None, tongue_tip: float = 0.0,
              lip_lift: np.ndarray | None = None, peak_opening: float | None = None,
              stretch: np.ndarray | None = None, smiling: float = 0.0, widened: float = 1.0,
              rolled: float = 0.0, tongue_centre: float = 0.5) -> np.ndarray:
        """(N, 3) interior colour from each pixel's distance (px) to the upper and lower inner lip.
        `photo_teeth`: how far (px) the photo's own opening goes with the upper and the lower jaw
        there; synthetic upper teeth are drawn only where the photo shows little of its own (its
        lower row hands over to synthetic lower teeth as the jaw opens wide, in paint).
        `tongue_tip` 0..1 raises the middle of the tongue's front to the upper teeth; `lower_show`:
        _lower_teeth_show at the pixels' opening, if paint() has it already; `lip_lift`: how far
        (px) the upper lip stands above its place on the skull there (_teeth_lift: _lip_lift less a
        rounded lip's cover), which shows that much more of the synthetic upper teeth;
        `peak_opening`: the opening's height (px) at its widest (paint: the lips' largest gap, so
        the tongue's arch does not change with which pixels get painted; by default the largest of
        `opening`, for callers shading a whole opening);
        `stretch`: (N,) 0..1, paint's _lower_teeth_shown (by default 1 where `lower_show` is beyond the opening's);
        `smiling` 0..1: a smile's stretched lower row rises under the upper (MouthPainter._smiling);
        `widened`: the lips' width ratio (_widened) raising the lower row, unless `rolled` 0..1; `tongue_centre`:
        0..1 along `u` where the tongue's arch and throat peak. Back to front: cavity, tongue, lower, upper teeth."""
        lower_show = _lower_teeth_show(opening, mouth_w) if lower_show is None else lower_show
        across = np.abs(2.0 * u - 1.0)  # 0 mid-mouth .. 1 at the corners
        across2 = across ** 2
        toward_corners = 1.0 - CORNER_SHADE * across2
        # How far the rows stand apart: the opening less the upper teeth (the photo's or synthetic
        # ones) and the photo's lower row while it shows.
        upper_h = SYNTHETIC_UPPER_TEETH_MW * mouth_w
        own_upper = photo_teeth[0] >= OWN_ROW_SHOWS * upper_h
        lift = np.zeros_like(opening) if lip_lift is None else lip_lift
        # A lowered lip covers the part of the photo's opening hung from it as it does synthetic teeth.
        upper_px = np.where(own_upper, np.maximum(photo_teeth[0] + np.minimum(lift, 0.0), 0.0), upper_h + lift)
        lower_px = photo_teeth[1] * (1.0 - lower_show)
        rows_gap = opening - upper_px - lower_px
        peak = float(opening.max()) if peak_opening is None else peak_opening
        narrow = _slot(opening, lift, mouth_w, synthetic=~own_upper)
        wide_at = (np.asarray(opening, np.float32), _arch_off(u, tongue_centre), upper_px, lower_px)
        color = self._cavity(d_upper - upper_px, d_lower, across, mouth_w, peak_opening=peak, narrow=narrow,
                             wide_at=wide_at, widened=widened)
        lower_h = _lower_row_height(opening, lower_show, stretch, rows_gap, peak - upper_px - lower_px, mouth_w, smiling=smiling)
        lower_h, shut = _spread_row(lower_h, lower_show, rows_gap, mouth_w, widened=widened, smiling=smiling,
                                       rolled=rolled, across=across)
        # The tongue's tip rests behind them: its lit front starts about at their tips.
        front_px = np.maximum(lower_px, lower_h * lower_show)
        tips_gap, slit_light, slit_grey = _tips_slit(np.maximum(smoothstep(lower_h / mouth_w, *TIPS_SLIT_RISEN), shut), rows_gap,
                                          front_px, lower_px, mouth_w, across=across)
        color, tip = self._tongue(color, d_lower, front_px, rows_gap, opening, across, mouth_w, tongue_tip=tongue_tip,
                                  across2=across2, toward_corners=toward_corners, peak_opening=peak, u=u,
                                  centre=tongue_centre, upper_px=upper_px, below_teeth=d_upper - upper_px, tips_gap=tips_gap)
        color = self._behind_teeth(color, rows_gap, d_upper - upper_px, across2, mouth_w, tip=tip, tips_gap=tips_gap,
                                   slit_light=slit_light, slit_grey=slit_grey)
        color = self._teeth_penumbra(color, d_upper - upper_px, across, mouth_w, synthetic=~own_upper, narrow=narrow, u=u)
        side = np.where(u < 0.5, 1.0, 2.0)  # which side of the midline, to tell mirrored teeth apart
        rounded = toward_corners[:, None] ** 1.5
        color = self._lower_teeth(color, u, across, side, rounded, d_lower, lower_h, lower_show, mouth_w,
                                  smiling=smiling, near=shut)
        color = self._upper_teeth(color, u, across, side, rounded, d_upper, upper_h, lift, own_upper, mouth_w,
                                  narrow=narrow, d_lower=d_lower)
        # Into the photo's tonal range, as its print or screen would lay it.
        return self._black_rgb + color * (1.0 - self._black_rgb / 255.0)

    def _lower_teeth(self, color: np.ndarray, u: np.ndarray, across: np.ndarray, side: np.ndarray,
                     rounded: np.ndarray, d_lower: np.ndarray, lower_h: np.ndarray, lower_show: np.ndarray,
                     mouth_w: float, *, smiling: float, near: np.ndarray | None = None) -> np.ndarray:
        """The lower incisors' tips over the lower lip (see _shade; `rounded`: (N, 1) shade toward the
        corners). Their biting edges are nearly straight, only the corners rounded, a few percent
        longer or shorter each (fixed per tooth). Toward the corners the lower lip rises over them:
        they sink behind it (faded out in place they showed as a row of blocks round the whole lip).
        Packed close, a narrow gap between them, darker at the tips. Worked out only where they
        can show (a tenth of the opening or less). A spread mouth's row (`near` (N,) 0..1, how far
        it stands past the ordinary one) sinks only further out (NEAR_SINK) and reaches that much further."""
        near = np.zeros(len(u)) if near is None else near
        # Under the photo's own upper teeth, narrower than LOWER_TOOTH_WIDTHS (in every shape).
        narrow = 1.0 + LOWER_TEETH_NARROW * float(self._own_teeth)
        at = np.nonzero((lower_show > 0) & _lower_reach(u, across, near, narrow=narrow)
                        & (d_lower < 1.1 * lower_h + 1.2))[0]
        if not len(at):
            return color
        u, across, side, d_lower, lower_h, near = u[at], across[at], side[at], d_lower[at], lower_h[at], near[at]
        rank, f = _lower_teeth_along(u, narrow=narrow)
        # Corners rounded no deeper than the tallest ordinary tips' (a smile's row is taller).
        rounding = np.minimum(1.0, (LOWER_TEETH_HEIGHT[0] + LOWER_TEETH_HEIGHT[1]) * mouth_w / lower_h)
        # Risen in a smile: mostly behind the lip, tips uneven and soft-edged, gaps faint, the row
        # in the upper row's and the lip's shadow, darker into the lip and toward the corners.
        risen = smoothstep(lower_h / mouth_w, *SMILE_LOWER_RISEN)
        smiled = _smile_bared(lower_h, smiling, mouth_w)
        plain = 1.0 - np.maximum(np.maximum(risen, near), smiled)  # an open vowel's row (LOWER_PLAIN_*)
        sink = _lower_sink(across, rank, side, near, plain)
        along = np.clip(d_lower / lower_h, 0, 1)
        uneven, crest_light = _lower_tips(f, rank, side, risen=risen, near=near, smiled=smiled, along=along,
                                          plain=plain)
        rounded = rounded[at] * crest_light[:, None]
        # Each tooth's side of its gaps LOWER_GAP_VARY wider or fainter by the tilt's sine.
        gap_vary = 1.0 + LOWER_GAP_VARY * np.maximum(risen, near) * np.sin(1.7 * rank + 2.1 * side)
        soft = 1.2 + np.maximum(risen, SMILE_BARED_SOFT * smiled) * SMILE_TIP_SOFT * mouth_w
        lower = np.clip((lower_h * sink * uneven * (1.0 - 0.2 * np.abs(2.0 * f - 1.0) ** 8 * rounding) - d_lower)
                        / soft, 0, 1) * lower_show[at]
        # A soft wedge: touching at the lip, parting (wider, darker) toward the tips.
        wedge = np.exp(-(np.minimum(f, 1.0 - f)
                         / (LOWER_TOOTH_GAP * (LOWER_GAP_WEDGE[0] + LOWER_GAP_WEDGE[1] * along))) ** 2)
        gap = 0.75 * (wedge + plain * (1.0 - along) * (np.sqrt(np.sqrt(wedge)) - wedge)) * gap_vary  # LOWER_PLAIN_PARTING
        dim = _bared_row_dim(risen, along, across, rank, side, near, plain)
        # Tips lit from above, only the base in the lip's shadow (half the upper lip's reach); risen, full
        # height and rounder; the ceiling over _shade_rgb's teeth (a moustache darkens synthetic teeth).
        lower_colour = self._tooth_colour(f, LOWER_GAP_SHARE * gap, d_lower,
                                          lower_h, rounded, 0.5 * mouth_w, lip_shadow=LOWER_LIP_SHADOW, dim=dim,
                                          convex_k=LOWER_TOOTH_CONVEX + SMILE_LOWER_CONVEX * risen * along,
                                          parting=LOWER_PARTING * (along * along * along) + LOWER_PLAIN_PARTING * plain * (along * along),
                                          tip_light=LOWER_TIP_LIGHT * (1.0 - risen),
                                          ceiling=max(LOWER_TEETH_CEILING / (self._shade_rgb[RGB_TEETH] * self._lower_tint).max(), 1.0),
                                          lower=True, ordinary=1.0 - (1.0 - self._lower_ordinary)
                                          * (1.0 - np.minimum(np.maximum(LOWER_RAISED_LIT * risen, near), 1.0)))
        color[at] = mix(color[at], lower_colour, lower)
        # Risen, its gaps show the dark behind: parted over the teeth toward the tips, and bare
        # between the tips up to the tallest tip's height.
        row_top = lower_h * sink * (1.0 + risen * SMILE_TIP_JITTER[0])
        bare = np.clip((row_top - d_lower) / soft, 0, 1) * lower_show[at] - lower
        notch = risen * wedge * gap_vary * (SMILE_GAP_DARK * np.maximum(bare, 0.0)
                                            + SMILE_LOWER_PARTING * (along * along * along) ** 2 * lower)
        color[at] = mix(color[at], self._shade_rgb[RGB_THROAT] * SMILE_GAP_LIGHT, notch)
        return color

    def _upper_teeth(self, color: np.ndarray, u: np.ndarray, across: np.ndarray, side: np.ndarray,
                     rounded: np.ndarray, d_upper: np.ndarray, upper_h: float, lift: np.ndarray,
                     own_upper: np.ndarray, mouth_w: float, *, narrow: np.ndarray, d_lower: np.ndarray) -> np.ndarray:
        """Synthetic upper teeth where the photo shows none of its own (see _shade): under the
        upper lip, one by one along the arch, in its shadow at the top. No two teeth quite alike
        (fixed per tooth, not mirrored): a few percent longer or shorter, the biting edge a little
        tilted, lighter or darker. Fixed to the skull, not the lip: `lift` (px) more of them shows
        where the lip stands raised above its place. Worked out only where they can reach. In a
        narrow slot (`narrow` 0..1, _slot) they lie in the lip's shade, their gaps fainter in it. A
        raised lip's (a smile's) low opening has them end just above the lower lip (`d_lower` px), along
        its curve, each shorter by the central's excess (SMILE_ARC_SLIT, SMILE_ARC_LIFT)."""
        at = np.nonzero(~own_upper & (across < 0.9) & (d_upper < 1.12 * upper_h + 1.0 + lift))[0]
        if not len(at):
            return color
        u, across, side, d_upper = u[at], across[at], side[at], d_upper[at]
        rank, f, _ = _teeth_along(u)
        tooth = (side.astype(np.intp) - 1, rank)  # its values fixed per tooth (UPPER_TOOTH_TABLE)
        tip = upper_h * _tooth_length(rank, f) * (1.0 + UPPER_TOOTH_TABLE[UT_LONGER][tooth]
                                                  + (2.0 * f - 1.0) * UPPER_TOOTH_TABLE[UT_TILT][tooth]) + lift[at]
        lift64 = lift[at].astype(np.float64)
        excess = upper_h + lift64 - ((d_upper + d_lower[at]).astype(np.float64) - SMILE_ARC_SLIT * mouth_w)
        arc = np.maximum(excess, 0.0) * smoothstep(lift64 / mouth_w, 0.0, SMILE_ARC_LIFT)
        tip = tip - arc
        upper = np.clip((tip - d_upper) / 1.0, 0, 1) * (1.0 - smoothstep(across, *UPPER_TEETH_FADE))
        # The gap darkens as a notch up from the tooth's own biting edge, UPPER_NOTCH of the central's
        # length as far as it shows (the smile arc shortens it); the sides turn away flat where they
        # meet (UPPER_PARTING).
        shown = np.where(arc > 0.0, np.maximum(np.minimum(upper_h, upper_h + lift64 - arc), 1.0), upper_h)
        notch = np.clip(1.0 - (tip - d_upper) / (UPPER_NOTCH * shown), 0.0, 1.0)
        # Up toward the necks a raised lip bares, the gap widens and darkens into the embrasure
        # (UPPER_EMBRASURE, UPPER_NECK); what it bares squashed, as the teeth are, by the smile arc.
        kept = 1.0 - arc / np.maximum(upper_h + lift64, upper_h)
        neck = np.clip((lift64 * kept - d_upper) / (UPPER_NECK * upper_h * np.maximum(kept, 0.01)), 0.0, 1.0)
        gap = np.exp(-(np.minimum(f, 1.0 - f) / (UPPER_TOOTH_GAP * (1.0 + UPPER_EMBRASURE_WIDE * neck))) ** 2) \
            * (1.0 - SLOT_GAP * narrow[at])
        x = np.abs(2.0 * f - 1.0)
        x2 = x * x
        teeth = self._tooth_colour(f, gap, d_upper, upper_h, rounded[at] * _slot_light(narrow[at], u)[:, None], mouth_w,
                                   parting=UPPER_PARTING[0] + UPPER_PARTING[1] * (notch * notch) + UPPER_EMBRASURE * neck,
                                   sides=x2 * (2.0 - x2),
                                   warmth=UPPER_SHADE_WARMTH, lift=self._upper_lift)  # lit as drawn
        teeth *= UPPER_TOOTH_TABLE[UT_LIGHT][tooth][:, None]
        # The translucent biting edge shows the dark mouth behind it: darker, and warm like it.
        x = 2.0 * f - 1.0
        start = UPPER_TOOTH_TABLE[UT_INCISAL][tooth] - INCISAL_SIDES * (x * x)
        incisal = INCISAL_SHADE * smoothstep(d_upper / np.maximum(tip, 1e-6), start, INCISAL_FROM[1])
        teeth = mix(teeth, INCISAL_KEEP * teeth * INCISAL_COOL + (1.0 - INCISAL_KEEP) * self.throat_rgb, incisal)
        color[at] = mix(color[at], teeth, upper)
        return color

    def _cavity(self, below_teeth: np.ndarray, d_lower: np.ndarray, across: np.ndarray, mouth_w: float, *,
                peak_opening: float | None = None, narrow: np.ndarray | float = 0.0,
                wide_at: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
                widened: float = 1.0) -> np.ndarray:
        """(N, 3) the mouth's inside behind teeth and tongue, from each pixel's distance (px) below
        the upper teeth and above the lower lip. Light comes in through the opening only, so it
        darkens with depth: lightest just under the upper teeth (their backs and the palate,
        receding), along the cheeks' inner walls toward the corners and on the floor by the lower
        lip mid-mouth; the throat, mid-mouth, darkest: a dark hollow, not a band of one darkness
        from corner to corner. The cheeks' inner walls catch only a little of it (CHEEK_LIGHT),
        and the floor beside the tongue, toward the corners, lies in their shadow: walls lit 1.8x
        the throat stood as pale panels either side of a dark box. Its tone follows its light
        (_cavity_tone_at): a warm near-black where little reaches, the tongue's deep red where it does.
        Wide open (`peak_opening` over PALATE_OPENING) it goes over to lit pink-red walls beside a
        broad dark oral space over the tongue (_throat_at, _wall_tone), by `wide_at`: each pixel's (N,) float32
        opening px, float32 way `off` from under the tongue's arch top to a corner and the upper and
        lower rows' (N,) px (by default a column from synthetic upper teeth to the lower lip, the
        arch's top mid-mouth); lips `widened` (_widened's ratio) round a short opening (THROAT_ROUND)."""
        sides = 1.0 + CAVITY_UNDER_TEETH_SIDES * across * across * (1.0 - smoothstep(across, *CAVITY_FLANKS))
        under_teeth = np.exp(-np.maximum(below_teeth, 0.0) / (CAVITY_UNDER_TEETH * mouth_w * sides))
        cheeks = smoothstep(across, *CHEEK_SPAN)
        near_lower = np.exp(-d_lower / (CAVITY_NEAR_LOWER * mouth_w)) * (1.0 - FLOOR_SHADE * cheeks)
        light = CAVITY_LIGHT_FLOOR + CAVITY_LIGHT_UNDER_TEETH * under_teeth + CAVITY_LIGHT_NEAR_LOWER * near_lower \
            + CHEEK_LIGHT * cheeks * (1.0 - 0.5 * under_teeth)
        # the throat's narrow shade and the palate's by px under the teeth over the opening's peak
        # (this column's own gap where that is larger, or with no peak given; _way_down)
        below = np.maximum(below_teeth, 0.0)
        gap = below + np.maximum(d_lower, 0.0)
        down = below / np.maximum(gap, max(0.0 if peak_opening is None else peak_opening, 1.0))
        throat = np.exp(-(across / THROAT_WIDTH) ** 2) * down
        # Into the corners the cheeks' walls turn from the light.
        walls = 1.0 - np.float32(CAVITY_CORNER_DARK) * smoothstep(across, *CAVITY_CORNERS)
        # A narrow slot (`narrow` 0..1, _slot) lets little of the light in.
        k = light * (1.0 - THROAT_SHADE * throat) * walls * (1.0 - SLOT_SHADE[1] * narrow)
        shows = 0.0 if peak_opening is None else float(smoothstep(np.array(peak_opening / mouth_w), *PALATE_OPENING))
        if shows > 0.0:
            if wide_at is None:
                upper_h = float(np.float32(SYNTHETIC_UPPER_TEETH_MW * mouth_w))
                wide_at = (below_teeth + upper_h + d_lower, across, np.full(len(k), upper_h), np.zeros(len(k)))
            opening, off, upper_px, lower_px = (np.asarray(a, np.float64) for a in wide_at)
            k = np.broadcast_to(k, below_teeth.shape).astype(np.float64)
            dl = np.asarray(d_lower, np.float32).astype(np.float64)  # paint's float32, as _shade_back reads it
            _throat_pass(k, np.asarray(below_teeth, np.float64), dl, opening, off,
                         np.asarray(across, np.float64), upper_px, lower_px, float(peak_opening), float(mouth_w), shows,
                         _short(float(peak_opening), float(mouth_w), widened))
        color = self.throat_rgb * k[:, None]
        _tone_pass(color, np.asarray(self.throat_rgb, np.float64), np.asarray(self._tongue_back_rgb, np.float64),
                   tongue=np.asarray(self.tongue_rgb, np.float64), shows=shows)
        return color

    def _tongue(self, color: np.ndarray, d_lower: np.ndarray, front_px: np.ndarray, rows_gap: np.ndarray,
                opening: np.ndarray, across: np.ndarray, mouth_w: float, *, tongue_tip: float, across2: np.ndarray,
                toward_corners: np.ndarray, peak_opening: float, u: np.ndarray, upper_px: np.ndarray,
                below_teeth: np.ndarray, tips_gap: np.ndarray, centre: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
        """The colour with the tongue over the cavity, and (N,) how much of each pixel is its raised tip
        (raised times its tip light, _tongue_surface_colour's, times cover). Resting, the tongue
        lies on the mouth's floor behind the lower teeth: seen over them it fills most of a narrow gap between the rows (a smile) and less of a wide
        one (its back drops away as the jaw opens), in a mound clear of the corners. Lit from the
        opening: its front light with a moist sheen along its front and sides, a median groove,
        darker and redder toward its back. For t d n l and th its tip rises to the back of the upper teeth: a rounded
        apex narrowing from a flared foot (BLADE_HALF), lit by a flatter, wider profile (TIP_LIT_HALF). `across2`: across ** 2; `toward_corners`:
        1 - 0.45 across2 (_shade has them); `peak_opening`: the opening's height at its widest (px);
        `u`: the pixels' place along the mouth, where its surface texture lies (_tongue_surface);
        `centre`: 0..1 along `u` where the arch stands highest; `upper_px`, `below_teeth`: the upper row's height, px under it; `tips_gap` the rows' tips' gap (_tips_slit's)."""
        space = np.maximum(rows_gap, 0.0)
        wide = np.maximum(space - TONGUE_ROOM[0] * mouth_w, 0.0) / (TONGUE_ROOM[1] * mouth_w)
        share = TONGUE_SHARE_WIDE + (1.0 - TONGUE_SHARE_WIDE) * np.exp(-wide)
        # Its top, seen from the front, is an arch over the floor: highest mid-mouth, a parabola
        # down to the floor TONGUE_ARCH_WIDTH of the way out, a mound with the dark floor of the
        # mouth either side of it. Its height is the share of the gap at the opening's peak
        # (this pixel's gap plus the opening `lost` here), less the lower lip's rise toward the
        # corners (about TONGUE_ARCH_DROP of the opening lost), so it neither runs parallel to the
        # lip nor comes down the opening's lens tail in straight flanks.
        lost = (1.0 - share) / (1.0 - TONGUE_SHARE_WIDE) * np.maximum(peak_opening - opening, 0.0)
        # Highest at `centre`, each side's parabola meeting the floor TONGUE_ARCH_WIDTH of its own way out.
        top = np.float32(2.0 * centre - 1.0)
        off = (2.0 * u - 1.0) - top
        arch = np.abs(off) / np.where(off > 0.0, 1.0 - top, 1.0 + top)
        dome = np.maximum(1.0 - arch * arch / TONGUE_ARCH_WIDTH ** 2, 0.0)
        height = (front_px + share * (space + lost)) * dome - TONGUE_ARCH_DROP * lost  # above the lower lip
        # The raised tip: a rounded apex narrowing from a flared foot (BLADE_HALF), tucked TIP_TUCK behind the teeth's
        # edge (a flat top stood as a pink panel; a parabola to 0.42 a wide wedge; an ellipse to 0.32 a dark box).
        raised, shown = _tip_profiles(across, tongue_tip, height, mouth_w)
        gap_narrow = 1.0 - np.clip((tips_gap - NARROW_GAP * mouth_w) / (NARROW_GAP * mouth_w), 0, 1)  # _behind_teeth's
        if tongue_tip > 0.0:  # most frames rest it: nothing to work out
            blade = np.maximum(height, np.asarray(opening, np.float64) - (upper_px - TIP_TUCK * mouth_w))
            # The body of the tongue rises behind the tip, its sides part way (the air passes over
            # them): beside the blade a narrow dark channel under the teeth, not a hole to the floor.
            sides = tongue_tip * BLADE_SHOULDER * (1.0 - smoothstep(across, BLADE_SIDES[0], BLADE_SIDES[1]))
            height = (1.0 - raised) * (height + sides * (blade - height)) + raised * blade
        height = _tongue_foot(height, TONGUE_FOOT * mouth_w)
        _contact_shadow(color, d_lower, height, across, mouth_w=mouth_w, peak_opening=peak_opening)
        shows = np.clip(space / (TONGUE_SHOWS * mouth_w), 0, 1)
        # Its top edge is where its surface turns away into the dark: soft, not a cut.
        cover = np.clip((height - d_lower) / max(1.5, TONGUE_EDGE * mouth_w), 0, 1) * shows
        # Shaded only where it shows (the upper part of a wide opening has none of it).
        at = np.nonzero(cover > 0)[0]
        if len(at):
            surface, into = self._tongue_surface_colour(
                d_lower[at], front_px[at], opening[at], across[at], height[at], raised[at], toward_corners[at],
                u[at], mouth_w, space=space[at], tongue_tip=tongue_tip, below_teeth=below_teeth[at], shown=shown[at], gap_narrow=gap_narrow[at],
                palate=float(smoothstep(np.array(peak_opening / mouth_w), *PALATE_OPENING)))
            # Its top turns down into the throat: it takes the cavity's colour behind it there.
            color[at] = mix(color[at], surface + (color[at] - surface) * into[:, None], cover[at])
        tip = np.zeros_like(cover)
        tip[at] = shown[at] * np.exp(-np.maximum(height[at] - d_lower[at], 0.0) / (TONGUE_TIP_LIGHT[0] * mouth_w)) \
            * cover[at]
        return color, tip

    def _tongue_surface_colour(self, d_lower: np.ndarray, front_px: np.ndarray, opening: np.ndarray,
                               across: np.ndarray, height: np.ndarray, raised: np.ndarray,
                               toward_corners: np.ndarray, u: np.ndarray, mouth_w: float, *,
                               space: np.ndarray, palate: float = 0.0, tongue_tip: float = 0.0,
                               below_teeth: np.ndarray | None = None, shown: np.ndarray,
                               gap_narrow: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(N, 3) the tongue's colour at pixels it covers (see _tongue), and (N,) how far toward its
        top it takes the cavity's colour behind it (TONGUE_INTO): `height` its top over the
        lower lip there (px), `raised` how far its tip is raised there (0..1), `space` the gap
        between the rows there (px), `palate` 0..1 wide open (TONGUE_INTO_WIDE, TONGUE_FLANK), `tongue_tip` the
        tip's raise and `below_teeth` px under the upper teeth's edge (its rounding and contact shadow), `shown` how far
        the tip is lit across (flatter than its outline, `raised`), `gap_narrow` how narrow the rows' gap is."""
        # 0 at its front (as far as it shows over the lower teeth) .. 1 at its top edge.
        # ... over at least TONGUE_BACK_DEPTH[0] where the rows are narrowly apart (`space` px):
        # through a narrow gap only its lit front shows.
        least, narrow_to, none_from = TONGUE_BACK_DEPTH
        narrow = np.clip((none_from * mouth_w - space) / ((none_from - narrow_to) * mouth_w), 0, 1)
        depth = np.maximum(least * mouth_w * narrow, 1.0)
        back = np.clip((d_lower - front_px) / np.maximum(height - front_px, depth), 0, 1)
        # A wide opening lets light further onto it; its back, turning down toward the throat,
        # stays dark whatever the opening.
        light_in = np.clip((opening - TONGUE_LIGHT_IN[0] * mouth_w) / (TONGUE_LIGHT_IN[1] * mouth_w), 0, 1)
        # Rounded across: its sides, where the arch meets the floor, turn from the light.
        side = np.minimum(across ** 2 / np.float32(TONGUE_ARCH_WIDTH ** 2), 1.0)
        # A raised tip is lit as its front is at its top, fading by tip_light below.
        tip_light = shown * np.exp(-np.maximum(height - d_lower, 0.0) / (TONGUE_TIP_LIGHT[0] * mouth_w))
        lit = (TONGUE_LIT[0] - (TONGUE_LIT[1] - TONGUE_LIT[2] * light_in)
               * back ** (TONGUE_LIT_POWER[0] + TONGUE_LIT_POWER[1] * light_in) * (1.0 - tip_light)) * toward_corners \
            * (1.0 - np.float32(TONGUE_SIDE_SHADE) * (side * side)) \
            * (1.0 - TONGUE_FLANK * palate
               * np.sqrt(np.exp(-np.maximum(height - d_lower, 0.0) / (TONGUE_RIM * mouth_w)))
               * smoothstep(across, *TONGUE_FLANK_SIDES))
        # Its two halves bulge either side of the groove down its middle.
        groove = (1.0 - TONGUE_GROOVE[0] * np.exp(-(across / TONGUE_GROOVE[1]) ** 2)
                  * smoothstep(back, *TONGUE_GROOVE_BACK)) \
            * (1.0 + TONGUE_BULGE[0] * np.exp(-((across - TONGUE_BULGE[1]) / TONGUE_BULGE[2]) ** 2))
        # Wet: a highlight across its front and along its sides, where its surface turns toward the light.
        rim = np.exp(-np.maximum(height - d_lower, 0.0) / (TONGUE_RIM * mouth_w)) \
            * smoothstep(across, *TONGUE_RIM_SIDES)
        sheen = (TONGUE_SHEEN[0] * np.exp(-((back - TONGUE_SHEEN[1]) / TONGUE_SHEEN[2]) ** 2)
                 * np.exp(-(across / TONGUE_SHEEN[3]) ** 2) + TONGUE_RIM_SHEEN * rim) \
            * (1.0 - raised) * (TONGUE_SHEEN_LIGHT[0] + TONGUE_SHEEN_LIGHT[1] * light_in)
        mottle, speckle = _tongue_surface(u, d_lower, mouth_w, np.ones(len(u), bool))
        shade = lit * groove * mottle + TONGUE_TIP_LIGHT[1] * tip_light
        if tongue_tip > 0.0:
            shade = shade * _tip_rounding(tongue_tip, raised, height - d_lower, below_teeth, mouth_w, gap_narrow)
        shade = shade[:, None]
        # Toward its back it turns a deeper red.
        deep = TONGUE_DEEP[0] * back ** TONGUE_DEEP[1] * (1.0 - raised)
        base = self.tongue_rgb + (self._tongue_back_rgb - self.tongue_rgb) * deep[:, None]
        shaded = base * shade
        return shaded + (sheen * speckle + TONGUE_TIP_LIGHT[2] * tip_light)[:, None] * (self.teeth_rgb - shaded), \
            TONGUE_INTO[0] * (np.exp(-np.maximum(height - d_lower, 0.0) / (TONGUE_INTO[1] * mouth_w))
                              * back ** TONGUE_INTO[2] * (1.0 - TONGUE_INTO_WIDE * palate)) * (1.0 - tip_light)

    def _behind_teeth(self, color: np.ndarray, rows_gap: np.ndarray, below_teeth: np.ndarray, across2: np.ndarray,
                      mouth_w: float, *, tip: np.ndarray, tips_gap: np.ndarray, slit_light: np.ndarray,
                      slit_grey: np.ndarray) -> np.ndarray:
        """With the rows barely apart (a smile, /i/), the tongue fills the mouth just behind the
        teeth: the gap between them (`rows_gap`, px) shows it dimly lit, not a black band, and
        darker under the upper teeth (`below_teeth` px below them), which shade it, than toward
        the lower row, and NARROW_DEEP of the way to its deep red back. `across2`: the square of the
        pixels' distance from mid-mouth (0..1 at the corners); `tip` (N,) where its raised tip
        covers (_tongue's), which keeps its own lit colour; `tips_gap` (px) the slit between the rows'
        tips (rows_gap where the lower row is not risen), `slit_light` the light let in through it,
        `slit_grey` how far a shallow slit is the teeth's own shade instead (_tips_slit's)."""
        narrow = 1.0 - np.clip((tips_gap - NARROW_GAP * mouth_w) / (NARROW_GAP * mouth_w), 0, 1)
        narrow *= 1.0 - tip  # a raised tip (`tip`: _tongue's) shows its own lit surface
        down = np.clip(below_teeth / np.maximum(rows_gap, 1.0), 0, 1)
        light = NARROW_TONGUE_LIGHT * (1.0 - 0.5 * across2) * (0.8 + 0.4 * down) * slit_light
        deep = self.tongue_rgb + (self._tongue_back_rgb - self.tongue_rgb) * NARROW_DEEP
        seen = deep * light[:, None]
        return mix(color, seen + slit_grey[:, None] * (self._shade_rgb[RGB_PENUMBRA] - seen), narrow)

    def _penumbra_rgb(self) -> np.ndarray:
        """(3,) the upper teeth in shade, their penumbra's colour: TEETH_PENUMBRA_LIGHT of their
        light, warmed PENUMBRA_WARMTH times as far as _in_shade warms them (a photo with no moustache
        over the lip: HAIR_SHADE)."""
        warmth = PENUMBRA_WARMTH * (1.0 - TEETH_PENUMBRA_LIGHT)
        return self.teeth_rgb * TEETH_PENUMBRA_LIGHT * self._shade_tint ** warmth

    def _teeth_penumbra(self, color: np.ndarray, below_teeth: np.ndarray, across: np.ndarray, mouth_w: float, *,
                        synthetic: np.ndarray, narrow: np.ndarray, u: np.ndarray) -> np.ndarray:
        """Just under the synthetic upper teeth's edge (`below_teeth` px; `synthetic` (N,) bool where
        they are drawn, not the photo's) the dark takes up to TEETH_PENUMBRA[0] of the teeth's colour
        in shade (their translucent edge and shadowed backs), falling off by e per TEETH_PENUMBRA[1]
        mouth widths: no cut from ivory to black. It fades out with the teeth (UPPER_TEETH_FADE)
        toward the corners (`across` 0..1), where no tooth is drawn to cast it. In a narrow slot
        (`narrow` 0..1, _slot) the teeth it comes from lie in the lip's shade (_slot_light at `u`)."""
        reach = PENUMBRA_REACH * TEETH_PENUMBRA[1] * mouth_w  # and none that far down
        penumbra = TEETH_PENUMBRA[0] * np.where(synthetic & (below_teeth < reach), np.exp(
            -np.maximum(below_teeth, 0.0) / (TEETH_PENUMBRA[1] * mouth_w)), 0.0) \
            * (1.0 - smoothstep(across, *UPPER_TEETH_FADE))
        return mix(color, self._penumbra_rgb() * _slot_light(narrow, u)[:, None], penumbra)

    def _tooth_colour(self, f: np.ndarray, gap: np.ndarray, d_lip: np.ndarray, height: float,
                      corner_shade: np.ndarray, mouth_w: float, *, lip_shadow: float = UPPER_LIP_SHADOW,
                      dim: np.ndarray | float = 1.0,
                      parting: np.ndarray, convex_k: float = TOOTH_CONVEX,
                      tip_light: np.ndarray | None = None, ceiling: float = np.inf, lower: bool = False,
                      ordinary: np.ndarray | float = 1.0, sides: np.ndarray | None = None,
                      warmth: float = 1.0, lift: float = 1.0) -> np.ndarray:
        """(N, 3) teeth colour: each tooth rounded (lighter mid-tooth), dark gaps between teeth,
        darker toward the corners (by the (N, 1) `corner_shade`) and, by `lip_shadow` at most, in
        the shadow of the lip over it; its sides `convex_k` darker; `parting` (N,) how dark the gap
        is by height (the upper row's a notch at its biting edge, the lower's along³); `tip_light`:
        the lower row's edges lighter by that times along ** 2, facing the light (by default darker
        by TOOTH_EDGE_DARK * along);
        `lower`: the lower row, under a photo's own teeth in its lit teeth's colour (_lower_tint), not _in_shade's;
        `ceiling`: the most the lower row's edge light may be (LOWER_TEETH_CEILING); `ordinary`: the
        lower row's light where it is neither risen nor a spread mouth's (MouthPainter._lower_ordinary);
        `sides` (N,) how far each pixel's side turns away, 0..1 (by default |2f - 1| ** 3); `warmth`
        the share of _in_shade's warmth it takes (the synthetic upper row UPPER_SHADE_WARMTH); `lift`
        _in_shade's factor on its tint (the synthetic upper row _upper_lift)."""
        # Rounded across: flat-lit over most of its face, turning away into shade at its sides, so
        # the gap is where two shaded sides meet (a flat tooth beside a dark line read as a block).
        convex = 1.0 - convex_k * (np.abs(2.0 * f - 1.0) ** 3 if sides is None else sides)
        shadow = 1.0 - lip_shadow * np.exp(-d_lip / (LIP_SHADOW_REACH * mouth_w))
        along = np.clip(d_lip / height, 0, 1)  # 0 at the lip .. 1 at the tip
        edge = (1.0 - TOOTH_EDGE_DARK * along if tip_light is None
                else 1.0 + np.minimum(tip_light, ceiling - 1.0) * (along * along))
        shade = (convex * (1.0 - parting * gap) * shadow * edge)[:, None] * corner_shade * np.reshape(dim, (-1, 1)) \
            * np.reshape(ordinary, (-1, 1))
        # The lower row under a photo's own teeth: its lit teeth (_lit_teeth_tint), yellower in shade.
        if lower and self._own_teeth:
            warm = LOWER_SHADE_WARM ** min(float(np.ptp(self.teeth_rgb) / max(self.teeth_rgb @ LUMA, 1.0)) / LOWER_WARM_CHROMA,
                                           1.0)  # none on a grey photo
            return self.teeth_rgb * shade * (self._lower_tint * warm ** (1.0 - np.clip(shade, 0.0, 1.0)))
        return self._in_shade(shade, warmth=warmth, lift=lift)

    def _in_shade(self, shade: np.ndarray, *, warmth: float = 1.0, lift: float = 1.0) -> np.ndarray:
        """(N, 3) teeth colour at (N, 1) brightness `shade` (1 lit): the light in a mouth's shadow
        comes off the lips and the inside of the mouth, so shaded teeth turn warmer as they darken
        (a plain darkened ivory reads grey-blue next to the skin); a grey photo stays grey. `warmth`:
        the share of that warmth taken (its exponent's); `lift` a factor on that warmth's tint, as
        MouthPainter._teeth_tints lifts the synthetic upper row's (its tint, not the finished colour,
        so the compiled pass's products are the same to the bit)."""
        dark = (1.0 - np.clip(shade, 0.0, 1.0)) * warmth
        return self.teeth_rgb * shade * (self._shade_tint ** dark * lift)


def _slot(opening: np.ndarray, lift: np.ndarray, mouth_w: float, *, synthetic: np.ndarray) -> np.ndarray:
    """(N,) float64 0..1 how narrow a slot under the upper lip's overhang the mouth is at each pixel:
    the less it is open there (`opening` px, taken as float32 as paint's), the less light gets in,
    unless the lip is raised off the teeth (`lift` px) or the photo's own teeth show there (not
    `synthetic`: lit as the photo has them)."""
    open_mw = np.asarray(opening, np.float32) / np.float32(mouth_w)
    lift_mw = np.asarray(lift, np.float32) / np.float32(mouth_w)
    narrow = (1.0 - smoothstep(open_mw, *SLOT_OPENING)) * (1.0 - smoothstep(lift_mw, 0.0, SLOT_LIFT))
    return np.where(synthetic, narrow, 0.0).astype(np.float64)


def _slot_light(narrow: np.ndarray, u: np.ndarray) -> np.ndarray:
    """(N,) the synthetic upper teeth's light (1 lit) in a slot `narrow` deep (_slot) at `u` along
    the mouth: the light comes in straight mid-mouth, so SLOT_MID of SLOT_SHADE[0] darker there,
    all of it at the corners."""
    across = np.abs(2.0 * np.asarray(u).astype(np.float64) - 1.0)
    return 1.0 - SLOT_SHADE[0] * narrow * (SLOT_MID + (1.0 - SLOT_MID) * across)


def _tongue_surface(u: np.ndarray, d_lower: np.ndarray, mouth_w: float,
                    where: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(N,) brightness and (N,) sheen factors of the tongue's surface texture at pixels `u` along
    the mouth (0..1), `d_lower` px above the lower lip; 1 outside `where` (not tongue)."""
    mottle, speckle = np.ones(len(u)), np.ones(len(u))
    _texture_at(_tongue_texture(), u.astype(np.float64), d_lower.astype(np.float64) * (TONGUE_CELLS / mouth_w),
                where, TONGUE_MOTTLE, TONGUE_SPECKLE, mottle, speckle)
    return mottle, speckle


@njit(cache=True, nogil=True)
def _texture_at(texture, u, v, where, mottle_k, speckle_k, mottle, speckle):
    """_tongue_surface's per-pixel part: the texture's two layers bilinearly at (u * (cells - 1),
    v) texels (clamped), where `where`, into `mottle` and `speckle` (one pass; numpy's gathers
    cost a quarter of a millisecond on a wide-open mouth)."""
    for i in range(u.shape[0]):
        if where[i]:
            mottle[i], speckle[i] = _texel(texture, u[i], v[i], mottle_k, speckle_k)


def _arch_off(u: np.ndarray, tongue_centre: float) -> np.ndarray:
    """(N,) float32 each pixel's way (0..1) from under the tongue's arch top (`tongue_centre` 0..1
    along the mouth) to its side's corner, from its (N,) place `u`, in float32 as _shade_back takes it."""
    centre, one = np.float32(2.0 * tongue_centre - 1.0), np.float32(1.0)
    off = np.float32(2.0) * np.asarray(u, np.float32) - one - centre
    return np.abs(off) / np.where(off > 0, one - centre, one + centre)


def _short(peak: float, mouth_w: float, widened: float) -> float:
    """How far the opening is a short round one: lips narrowed over THROAT_ROUND, the peak over the
    unrounded width (mouth_w / widened) under THROAT_SHORT (mouth._throat_short, spelt with smoothstep)."""
    rounded = float(smoothstep(np.float64(1.0 - widened), *THROAT_ROUND))
    return rounded * (1.0 - float(smoothstep(np.float64(peak * widened / max(mouth_w, 1e-6)), *THROAT_SHORT)))


@njit(cache=True, nogil=True)
def _throat_pass(k, below, d_lower, opening, off, across, upper_px, lower_px, peak, mouth_w, shows, short):
    """ShadeReference._cavity's wide-open part, in place on the (N,) light `k` (one compiled pass,
    float64 (N,) arrays): each pixel's _throat_at, `shows` 0..1 of the way to a wide-open mouth's,
    `short` 0..1 a short round opening's."""
    for i in range(k.shape[0]):
        k[i] = _throat_at(k[i], below[i], d_lower[i], opening[i], off[i], across[i], upper_px[i], lower_px[i], peak,
                          mouth_w, shows, short)


def _tone_pass(color: np.ndarray, throat: np.ndarray, back: np.ndarray, *, tongue: np.ndarray,
               shows: float) -> None:
    """ShadeReference._cavity's last part, in place on the (N, 3) `color` (the (3,) `throat` rgb times
    the light reaching each pixel; `back`: the tongue's (3,) back rgb): its tone follows its light,
    by that light over the throat's (CAVITY_TONE_LIGHT), from CAVITY_DEEP_LIGHT of it and
    CAVITY_DEEP_CHROMA of the throat's chroma (a warm near-black) to all of it in a hue CAVITY_LIT_RED
    of the way to the back's (the tongue's deep red), or wide open (`shows` 0..1) the lit walls' hue
    and blue over green (_wall_tone, from the (3,) `tongue` rgb); blue held to the throat's blue over
    green where dark."""
    # luma summed in order, not by `@`: its rounding may differ from the product's
    luma_t, luma_b = (rgb[0] * LUMA[0] + rgb[1] * LUMA[1] + rgb[2] * LUMA[2] for rgb in (throat, back))
    if luma_t <= 1.0 or luma_b <= 1.0:  # a black throat or tongue: nothing to take a hue from
        return
    tone = _cavity_tone(throat, back)  # the per-frame hues (the product's kernels), wide open the walls'
    if shows > 0.0:
        _wall_tone(tone, throat, back, tongue, shows)
    light = color[:, 0] * (LUMA[0] / luma_t) + color[:, 1] * (LUMA[1] / luma_t) + color[:, 2] * (LUMA[2] / luma_t)
    # times the span's reciprocal, not over the span, as the product does: the same bits
    t = np.clip((light - CAVITY_TONE_LIGHT[0]) * (1.0 / (CAVITY_TONE_LIGHT[1] - CAVITY_TONE_LIGHT[0])), 0.0, 1.0)
    lit = t * t * (3.0 - 2.0 * t)
    hue = (throat / luma_t - 1.0) + lit[:, None] * tone[TONE_TO_BACK:TONE_TO_BACK + 3]
    deep = tone[TONE_DEEP_CHROMA]  # CAVITY_DEEP_CHROMA, wide open WALL_DEEP_CHROMA
    chroma = deep + (1.0 - deep) * lit
    dark = light * luma_t * (CAVITY_DEEP_LIGHT + (1.0 - CAVITY_DEEP_LIGHT) * lit)
    color[:] = dark[:, None] * (1.0 + chroma[:, None] * hue)
    blue = tone[TONE_BLUE_OVER_GREEN]  # the throat's
    color[:, 2] = np.minimum(color[:, 2], color[:, 1] * (blue + (lit * lit) * (lit * lit) * (tone[TONE_LIT_BLUE] - blue)))


def _contact_shadow(color: np.ndarray, d_lower: np.ndarray, height: np.ndarray, across: np.ndarray, *,
                    mouth_w: float, peak_opening: float) -> None:
    """The (N, 3) cavity `color` in place, wide open (PALATE_OPENING): the resting tongue's contact
    shadow on the floor beside it, each pixel's _contact_at from `d_lower` (px over the lower lip),
    the tongue's (N,) `height` over it (px) and `across` (0..1 from mid-mouth)."""
    shows = float(smoothstep(np.array(peak_opening / mouth_w), *PALATE_OPENING))
    if shows <= 0.0:
        return
    dl, off = (np.asarray(a, np.float32).astype(np.float64) for a in (d_lower, across))  # paint's float32
    _contact_pass(color, dl, np.asarray(height, np.float64), off, float(mouth_w), shows)


@njit(cache=True, nogil=True)
def _contact_pass(color, d_lower, height, across, mouth_w, shows):
    """_contact_shadow's per-pixel part (one compiled pass, float64 (N,) arrays, `color` (N, 3))."""
    for i in range(color.shape[0]):
        contact = _contact_at(d_lower[i], height[i], across[i], mouth_w, shows)
        for c in range(3):
            color[i, c] *= contact


def _tip_profiles(across: np.ndarray, tongue_tip: float, like: np.ndarray, mouth_w: float) -> tuple[np.ndarray, np.ndarray]:
    """(N,) float32 twice, at float32 `across` (0 mid-mouth .. 1 a corner): how far a raised tip stands (its outline,
    (1 - (across / BLADE_HALF) ** 2) ** 2 times `tongue_tip`) and how far it is lit (1 - (across / TIP_LIT_HALF) ** 2
    times it, flatter, held within the outline by smoothstep(0, TIP_LIT_EDGE) of its bell as `mouth_w` px grows over
    TIP_LIT_OUTLINE_PX); zeros like `like` at tip 0."""
    if tongue_tip <= 0.0:
        return np.zeros_like(like), np.zeros_like(like)
    reach = np.minimum(across / np.float32(BLADE_HALF), np.float32(1.0))
    bell = 1.0 - reach * reach
    lit = np.minimum(across / np.float32(TIP_LIT_HALF), np.float32(1.0))
    held = smoothstep(np.float32(mouth_w), *TIP_LIT_OUTLINE_PX)
    within = 1.0 - held * (1.0 - smoothstep(bell * bell, 0.0, TIP_LIT_EDGE))
    return tongue_tip * (bell * bell), tongue_tip * (1.0 - lit * lit) * within


def _tip_rounding(tongue_tip: float, raised: np.ndarray, over: np.ndarray, below: np.ndarray,
                  mouth_w: float, narrow: np.ndarray) -> np.ndarray:
    """(N,) the factor on a raised tip's light (TIP_ROUND, TIP_CONTACT): its flanks' rim darker near their top,
    its underside below its lit top, a contact shadow under the teeth's edge (`below` px) where its top (`over` px
    above the pixel) stands above that edge. `raised` float32 (N,) how far it stands in each column; `narrow` (N,)
    how narrow the rows' gap is (neither underside nor contact line dims it through a narrow one)."""
    over = np.maximum(over, 0.0)
    near = np.exp(-over / (TONGUE_TIP_LIGHT[0] * mouth_w))
    flank = 4.0 * raised.astype(np.float64) * (np.float32(tongue_tip) - raised).astype(np.float64)
    k = 1.0 - TIP_ROUND[0] * flank * near - TIP_ROUND[1] * raised.astype(np.float64) * (1.0 - near) * (1.0 - narrow)
    touch = np.clip((over - below) / (TIP_TUCK * mouth_w), 0.0, 1.0)
    # exp per element through math (libm), as numba's compiled math.exp: numpy's SIMD exp can differ in the last bit.
    contact = 1.0 - TIP_CONTACT[0] * raised.astype(np.float64) * touch * (1.0 - narrow) \
        * np.array([math.exp(x) for x in -np.maximum(below, 0.0) / (TIP_CONTACT[1] * mouth_w)])  # libm's, as compiled
    return np.where(below >= 0.0, k * contact, k)


def _tongue_foot(height: np.ndarray, radius_px: float) -> np.ndarray:
    """(N,) the tongue's top over the lower lip (px) with its foot rounded into the floor: a smooth
    maximum of `height` and the lip (0) over `radius_px` (a polynomial one, so nothing changes
    where the top stands `radius_px` above or below the lip). Its flank met the lip's rise toward
    a corner at an angle, and the dark floor between them ended in a sharp V (12, 03 wide open)."""
    # blend (height + radius (1 - blend)), in place: half the time of clip and the plain product.
    blend = height * (0.5 / radius_px)
    blend += 0.5
    np.maximum(blend, 0.0, out=blend)
    np.minimum(blend, 1.0, out=blend)
    rounded = blend * -radius_px
    rounded += radius_px
    rounded += height
    rounded *= blend
    return rounded


def _teeth_along(u: np.ndarray, *, widths: np.ndarray | None = None,
                 per_side: float = TEETH_PER_SIDE,
                 narrow: np.ndarray | float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which tooth each cavity pixel's position along the mouth (u 0..1) falls on, as seen from
    the front: `widths` are the teeth's apparent widths from the midline out (UPPER_TOOTH_WIDTHS
    by default), and `per_side` of them span the row from the midline to a corner. Returns (rank
    0 = central incisor, position across the tooth 0..1 left to right, gap darkness 0..1)."""
    widths = UPPER_TOOTH_WIDTHS if widths is None else widths
    edges = _tooth_edges(widths, per_side)
    x = np.abs(2.0 * u - 1.0)
    if narrow is not None:  # each tooth 1 / `narrow` as wide (a smile's risen lower row)
        x = x.astype(np.float64) * narrow
    rank = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, len(widths) - 1)
    out = (x - edges[rank]) / (edges[rank + 1] - edges[rank])
    # Left to right across each tooth on both sides of the midline.
    f = np.where(u >= 0.5, out, 1.0 - out)
    # A gap as wide as its teeth look (a share of each tooth, not fixed pixels): perspective
    # narrows both alike.
    gap = np.exp(-(np.minimum(f, 1.0 - f) / UPPER_TOOTH_GAP) ** 2)
    return np.minimum(rank, len(TOOTH_LENGTH) - 1), f, gap


def _lower_widths(*, side: int) -> np.ndarray:
    """(8,) the lower teeth's widths from the midline out on `side` (1 left, 2 right): each
    LOWER_TOOTH_WIDTHS x (1 + LOWER_WIDTH_JITTER[0] sin(phase of rank and side)), the central
    incisor's jitter LOWER_CENTRAL_JITTER as large."""
    rank = np.arange(len(LOWER_TOOTH_WIDTHS), dtype=np.float64)
    amount = np.where(rank == 0, LOWER_WIDTH_JITTER[0] * LOWER_CENTRAL_JITTER, LOWER_WIDTH_JITTER[0])
    return LOWER_TOOTH_WIDTHS * (1.0 + amount * np.sin(LOWER_WIDTH_JITTER[1] * rank + LOWER_WIDTH_JITTER[2] * side))


def _lower_reach(u: np.ndarray, across: np.ndarray, near: np.ndarray, *, narrow: float) -> np.ndarray:
    """(N,) bool how far across the lower row may show: to LOWER_TEETH_SINK's end, a spread mouth's
    (`near` (N,) 0..1) toward NEAR_SINK's, and no further than its side's last edge (each tooth
    1 / `narrow` as wide)."""
    last = [_tooth_edges(_lower_widths(side=side), LOWER_TEETH_PER_SIDE)[-1] for side in (1, 2)]
    within = across.astype(np.float64) * narrow < np.where(u < 0.5, last[0], last[1])
    return (across < np.float64(np.float32(0.6)) + near * (NEAR_SINK[1] - 0.6)) & within


def _smile_bared(lower_h: np.ndarray, smiling: float, mouth_w: float) -> float:
    """How far a smile (`smiling` over SMILE_BARED) bares a lower row that rises nowhere: fading out
    as its tallest (`lower_h` (N,) px where it may show) rises (SMILE_LOWER_RISEN, mouth widths)."""
    rises = float(smoothstep(np.float64(lower_h.max() / mouth_w), *SMILE_LOWER_RISEN))
    return float(smoothstep(np.float64(smiling), SMILE_BARED[0], SMILE_BARED[1])) * (1.0 - rises)


def _lower_tips(f: np.ndarray, rank: np.ndarray, side: np.ndarray, *, risen: np.ndarray,
                near: np.ndarray, smiled: float, along: np.ndarray,
                plain: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The lower row's (N,) (tips' height factor, light factor) at `f` across tooth `rank` on `side`:
    a smile's risen row's (`risen` 0..1) tips uneven, a spread mouth's (`near` 0..1) NEAR_JAG as
    uneven, a smile's row risen or not (`smiled` 0..1, SMILE_BARED's ramp of smiling) as uneven, a plain
    row (`plain` 0..1) LOWER_PLAIN_JAG as uneven; bared (risen,
    spread or smiled), each tooth's worn edge rounds into its sides (LOWER_TIP_ROUND), its face
    convex across it about a crest off its middle (LOWER_TOOTH_ROUND; _lower_tooth_crest), that turn
    LOWER_CONTACT_FADE less from the tips down to the lip (`along` (N,) 0 at the lip .. 1 at the tips)."""
    jitter, tilt = SMILE_TIP_JITTER[:3], SMILE_TIP_JITTER[3]
    jag = np.maximum(np.maximum(np.maximum(risen, NEAR_JAG * near), smiled), LOWER_PLAIN_JAG * plain)
    uneven = 1.0 + jag * (jitter[0] * np.sin(jitter[1] * rank + jitter[2] * side)
                          + tilt * (2.0 * f - 1.0) * np.sin(1.7 * rank + 2.1 * side))
    raised = np.maximum(np.maximum(risen, near), smiled)
    tips = uneven * (1.0 - raised * LOWER_TIP_ROUND * np.abs(2.0 * f - 1.0) ** 3)
    crest = 0.5 + LOWER_TOOTH_SKEW * np.sin(LOWER_SINK_JITTER[1] * rank + LOWER_SINK_JITTER[2] * side)
    x = np.where(f < crest, np.maximum((f - crest) / crest, -1.0), np.minimum((f - crest) / (1.0 - crest), 1.0))
    lit_open = np.maximum(near, smiled * (1.0 - risen))  # a spread mouth's row, a smile's not risen
    turn = LOWER_TOOTH_ROUND[0] * (1.0 - LOWER_CONTACT_FADE * (1.0 - along))  # flush contacts at the lip
    return tips, 1.0 + raised * (LOWER_TOOTH_ROUND[1] - turn * x * x) + lit_open * LOWER_TOOTH_ROUND[2]


def _lower_teeth_along(u: np.ndarray, *, narrow: float) -> tuple[np.ndarray, np.ndarray]:
    """_teeth_along over the lower row (each tooth 1 / `narrow` as wide), its teeth's widths each side
    of the midline its own (_lower_widths): (rank, f)."""
    right = _teeth_along(u, widths=_lower_widths(side=2), per_side=LOWER_TEETH_PER_SIDE, narrow=narrow)
    left = _teeth_along(u, widths=_lower_widths(side=1), per_side=LOWER_TEETH_PER_SIDE, narrow=narrow)
    return np.where(u < 0.5, left[0], right[0]), np.where(u < 0.5, left[1], right[1])


def _tooth_length(rank: np.ndarray, f: np.ndarray) -> np.ndarray:
    """(N,) tooth length as a share of the central incisor's, at `f` 0..1 across it: the
    incisors' edges straight with rounded corners, the canine's a cusp, the premolars' rounded."""
    return TOOTH_LENGTH[rank] * (1.0 - TIP_DROP[rank] * np.abs(2.0 * f - 1.0) ** TIP_POWER[rank])


def _spread_row(lower_h: np.ndarray, lower_show: np.ndarray, rows_gap: np.ndarray, mouth_w: float, *,
                   widened: float, smiling: float, rolled: float,
                   across: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lips spread (`widened`: the lips' width ratio, over NEAR_WIDENED; none while `smiling` 0..1 nor
    with the upper lip `rolled` over the teeth, by NEAR_ROLLED):
    the lower incisors NEAR_LOWER_TEETH over the lip, their tips at
    most NEAR_SLIT_MIN under the upper row (`rows_gap` px from the lip; NEAR_SLIT_SIDES more by the
    canines, over NEAR_SLIT_WIDEN of (N,) `across`). (N,) px the row's height, at least `lower_h`; (N,) 0..1
    how far it stands past the ordinary row (`lower_h`), by which it sinks only further out (_lower_sink)."""
    near = float(smoothstep(np.float64(widened), *NEAR_WIDENED)) * (1.0 - smiling)
    near *= 1.0 - min(rolled / NEAR_ROLLED, 1.0)
    if near <= 0.0:
        return lower_h, np.zeros(len(lower_h))
    show = np.asarray(lower_show, np.float64)
    shut = np.clip((show * near * NEAR_LOWER_TEETH - lower_h / mouth_w) / NEAR_SHARE_RAMP, 0.0, 1.0)
    sides = smoothstep(across.astype(np.float64), *NEAR_SLIT_WIDEN)
    tall = np.minimum(np.maximum(rows_gap - (NEAR_SLIT_MIN + NEAR_SLIT_SIDES * sides) * mouth_w,
                                 LOWER_TEETH_HEIGHT[0] * mouth_w),
                      NEAR_LOWER_TEETH * mouth_w)
    return np.maximum(lower_h, show * near * tall), shut


def _tips_slit(raised: np.ndarray, rows_gap: np.ndarray, front_px: np.ndarray, lower_px: np.ndarray,
               mouth_w: float, *, across: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A risen row's tips (`raised` (N,) 0..1: past TIPS_SLIT_RISEN, or by a spread mouth) close
    the gap between the rows to a slit, the tongue seen through it: (N,) px that slit (`rows_gap`
    where the row is not risen) and (N,) the light let in through it (1 there), and (N,) how far a
    shallow slit is the teeth's own shade instead (TIPS_SLIT_GREY, its first between the centrals,
    its second from the canines out, TIPS_SLIT_CANINES of `across`; 0 there)."""
    tips_gap = rows_gap - raised * np.maximum(front_px - lower_px, 0.0)
    sides = smoothstep(across.astype(np.float64), *TIPS_SLIT_CANINES)
    reach = TIPS_SLIT_GREY[0] + (TIPS_SLIT_GREY[1] - TIPS_SLIT_GREY[0]) * sides
    grey = raised * (1.0 - np.clip(tips_gap / (reach * mouth_w), 0, 1))
    shut = 1.0 - np.clip(tips_gap / (TIPS_SLIT_OPEN * mouth_w), 0, 1)
    return tips_gap, 1.0 - TIPS_SLIT_DARK * raised * shut, grey


def _lower_sink(across: np.ndarray, rank: np.ndarray, side: np.ndarray, near: np.ndarray,
                plain: np.ndarray) -> np.ndarray:
    """The lower teeth's sink behind the lip toward the corners (LOWER_TEETH_SINK; a spread
    mouth's row, `near` 0..1, only further out: NEAR_SINK), a few percent uneven per tooth; a plain
    row (`plain` 0..1) LOWER_PLAIN_SINK more over LOWER_PLAIN_SIDES."""
    sink = (1.0 - smoothstep(across, *LOWER_TEETH_SINK)).astype(np.float64)
    sink += near * ((1.0 - smoothstep(across, *NEAR_SINK)).astype(np.float64) - sink)
    sink = sink * (1.0 + LOWER_SINK_JITTER[0] * np.sin(LOWER_SINK_JITTER[1] * rank + LOWER_SINK_JITTER[2] * side))
    return sink * (1.0 - LOWER_PLAIN_SINK * plain * smoothstep(across.astype(np.float64), *LOWER_PLAIN_SIDES))


def _lower_row_height(opening: np.ndarray, lower_show: np.ndarray, stretch: np.ndarray | None, rows_gap: np.ndarray,
                      peak_gap: np.ndarray, mouth_w: float, *, smiling: float) -> np.ndarray:
    """(N,) px: how tall the lower teeth stand at each pixel (`rows_gap`: the gap between the rows
    there; `peak_gap`: that gap where the opening peaks; `smiling` 0..1: MouthPainter._smiling):
    the ordinary tips' height and the stretched row's mixed by `stretch` 0..1 (by default 1 where
    `lower_show` is beyond the opening's), each end exactly its own."""
    stretch = lower_show > _lower_teeth_show(opening, mouth_w) if stretch is None else stretch
    stretch = np.asarray(stretch, np.float64)
    plain = _lower_row_height_at(opening, lower_show, np.zeros(len(opening), bool), rows_gap, peak_gap, mouth_w,
                                 smiling=smiling)
    full = _lower_row_height_at(opening, lower_show, np.ones(len(opening), bool), rows_gap, peak_gap, mouth_w,
                                smiling=smiling)
    return np.where(stretch >= 1.0, full, np.where(stretch <= 0.0, plain, plain + stretch * (full - plain)))


def _lower_row_height_at(opening: np.ndarray, lower_show: np.ndarray, stretched: np.ndarray, rows_gap: np.ndarray,
                         peak_gap: np.ndarray, mouth_w: float, *, smiling: float) -> np.ndarray:
    """_lower_row_height for (N,) bool `stretched`: the stretched row's height or the ordinary tips'."""
    # Lower teeth: only their tips show, over the lower lip, when the jaw is well open (more of
    # them the wider it opens); the lip hides them toward the corners. Narrower than the upper
    # incisors, so more to the arch.
    wide = np.clip((opening - LOWER_TEETH_OPENING[0] * mouth_w) / (LOWER_TEETH_OPENING[1] * mouth_w), 0, 1)
    # A broad smile's lower lip, stretched down off the lower teeth, bares their tips as far as
    # a jaw half open does, within most of the gap between the rows: at 0.035 mouth widths the
    # bundled smile's lower row was a faint line under the dark gap. Other openings keep the
    # tips the opening gives, a guessed lower row's too (taken as stretched, 12's /i/ at jaw
    # 0.12 was an even row of tall pale blocks).
    least, grows = LOWER_TEETH_HEIGHT
    lower_h = (least + grows * np.where(stretched, np.maximum(wide, 0.5 * lower_show), wide)) * mouth_w
    lower_h = np.where(stretched, np.minimum(lower_h, np.maximum(least * mouth_w, 0.7 * rows_gap)), lower_h)
    # The stretch bares them up to a thin line under the upper row, as tall as a lower crown.
    tall = np.minimum(np.maximum(rows_gap - SMILE_ROWS_GAP * mouth_w, least * mouth_w), SMILE_LOWER_TEETH * mouth_w)
    # while the rows stand close where the opening peaks (the peak opening less the rows here)
    close = 1.0 - smoothstep(peak_gap, SMILE_ROWS_CLOSE[0] * mouth_w,
                             SMILE_ROWS_CLOSE[1] * mouth_w)
    if smiling > 0.0:
        rise = np.asarray(lower_show, np.float64) * close * tall
        lower_h = np.where(stretched, np.maximum(lower_h, rise - (1.0 - smiling) * (rise - lower_h)), lower_h)
    return lower_h


def drape_reference(painter, color: np.ndarray, out: np.ndarray, px: np.ndarray, py: np.ndarray, *,
                    d_upper: np.ndarray, mouth_w: float) -> None:
    """MouthPainter._drape in numpy, as it was before its compiled _strand_sources and _hang_strands
    (05661fd), in place on the (N, 3) float64 `color`: the compiled form must equal it to the bit."""
    reach = DRAPE_REACH * mouth_w
    src = np.column_stack([px, py]) - (d_upper + reach)[:, None] * painter._down
    x0, y0 = np.maximum(np.floor(src.min(axis=0)).astype(int) - 1, 0)
    x1, y1 = np.maximum(np.ceil(src.max(axis=0)).astype(int) + 2, (x0 + 1, y0 + 1))
    hair = sample_points(out[y0:y1, x0:x1], src - (x0, y0))
    luma = hair @ LUMA
    light = 1.0 + STRAND_DETAIL * painter._strands * (luma / max(float(luma.mean()), 1.0) - 1.0)
    color[:] = painter._black_rgb + (color - painter._black_rgb) * np.clip(light, 0.0, 2.0)[:, None]
    near = d_upper < reach
    weight = painter._strands * DRAPE_SHARE * (1.0 - d_upper[near] / reach) ** 2
    color[near] = mix(color[near], hair[near], weight)


def shade_meet_triangle_reference(out: np.ndarray, tri: np.ndarray, seam: np.ndarray, strength: float,
                                  on_line: bool) -> None:
    """mouth._shade_meet_triangle in numpy (wedge37's 9feac02 form, with the opening's darken-only
    band): `out` (H, W, 3) uint8 in place over the (3, 2) float64 triangle `tri` (commissure, inner
    lip's first landmark, inner corner), toward the (3,) float64 `seam`, at most `strength`."""
    from facetalk.render.mouth import CORNER_MEET_BLEND, CORNER_MEET_CORE, CORNER_MEET_KEEP_PX, CORNER_MEET_OVER_PX
    h, w = out.shape[:2]
    pad = int(np.ceil(CORNER_MEET_OVER_PX))  # the band over the opening reaches past the triangle's box
    x0, y0 = np.maximum(np.floor(tri.min(axis=0)).astype(int) - pad, 0)
    x1, y1 = np.minimum(np.ceil(tri.max(axis=0)).astype(int) + 1 + pad, (w, h))
    (ax, ay), (bx, by), (cx, cy) = tri
    det = (by - cy) * (ax - cx) + (cx - bx) * (ay - cy)
    if abs(det) < 1e-6 or x1 <= x0 or y1 <= y0:
        return
    ys, xs = np.mgrid[y0:y1, x0:x1]
    wa = ((by - cy) * (xs - cx) + (cx - bx) * (ys - cy)) / det
    wb = ((cy - ay) * (xs - cx) + (ax - cx) * (ys - cy)) / det
    wc = 1.0 - wa - wb
    per_px = np.hypot(bx - cx, by - cy) / abs(det)
    over, keep = -CORNER_MEET_OVER_PX * per_px, CORNER_MEET_KEEP_PX * per_px
    inside = (wa >= over) & (wb >= 0.0) & (wc >= 0.0) & ((wb != 0.0) | on_line)
    y, x, wa, wb, wc = ys[inside], xs[inside], wa[inside], wb[inside], wc[inside]
    off = wb / np.maximum(wb + wc, 1e-9)
    shade = strength * (1.0 - smoothstep(off, CORNER_MEET_CORE, 1.0)) * smoothstep(wb + wc, 0.0, 1.0)
    v = out[y, x].astype(np.float64)
    luma = 0.299 * v[:, 0] + 0.587 * v[:, 1] + 0.114 * v[:, 2]
    seam_luma = 0.299 * seam[0] + 0.587 * seam[1] + 0.114 * seam[2]
    near = wa < keep  # the opening's soft edge: the dark tip kept, a light seam fading out over it
    dark = smoothstep(wa[near], 0.5 * keep, keep)
    light = np.where(wa[near] < 0.0, smoothstep(wa[near], over, 0.0), 1.0)
    shade[near] *= dark + (light - dark) * smoothstep(luma[near], seam_luma - CORNER_MEET_BLEND,
                                                      seam_luma + CORNER_MEET_BLEND)
    keep = shade > 0.0
    mixed = v[keep] + (seam - v[keep]) * shade[keep][:, None] + 0.5
    out[y[keep], x[keep]] = np.clip(mixed, 0.0, 255.0).astype(np.uint8)
