"""The photo around the framed crop, for a camera that moves away (distance > 1).

Zooming out shows what lies beyond the frame's edges: the photo itself where it has pixels (the
rest of the body, more background), and elsewhere its background extended: the ground it shows by
each part of its edge (the wall, curtain or painted ground that dominates there) continues, what
stands on that ground (a lamp, a window, a door's frame) ends within a short way, and the photo's
own texture lies over both (its fine detail made anew in random phase, its blotches quilted by
face.texture). The surround covers three times the frame's extent about the frame's centre, at
two thirds of the frame's scale for frames up to 512 px (a third at 1024 px, where it reaches its
1024 px cap): at distance 1.5 a 512 px frame shows it at its own resolution.

Which pixels are the person (scaled with the face) and which the background (scaled less) comes
from one matte of the photo, segmented over all of the photo the surround holds (the frame alone
often shows too little of the body for the segmenter to find a dark suit on a dark ground) and
averaged with the matte of its mirror image; the camera takes it for the frame too, so the frame
and the photo around it split the person the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facetalk.face.mesh import Segmenter
from facetalk.face.rig import smoothstep
from facetalk.face.framing import CropBox
from facetalk.face.texture import (TEXTURE_SEED, PhotoDetail, detail_patches, grown_nearest, made_detail,
                                   measure_detail, quiet_detail, runs_every_way, texture_from, texture_over,
                                   tile_size, varied_tile)

# The surround spans this many frame widths (and heights), centred on the frame: at the farthest
# distance (2) the view spans twice the frame about the face, which may sit off the frame's centre
# (a whole-photo crop), and moves down to keep a cut-off body cut by the frame.
EXTENT = 3.0
# Surround pixels over which the photo's background fades into its extension (which continues it
# there, so this only hides where its own detail stops). Over 48 px, with the extension blurred,
# what lay by the edge (a lamp, a shirt, a flag's finials) spread into glows inside the photo.
EDGE_FADE_PX = 28.0
EDGE_MIXED_PX = 2.0  # the photo's outermost pixels, mixed with the black beyond it by the warp
# The surround has this many times the frame's pixels along each side: it covers EXTENT frames at
# RESOLUTION / EXTENT of the frame's scale, enough that the photo beyond the frame, magnified as the
# camera moves away, does not turn visibly blurrier than the frame beside it.
RESOLUTION = 2.0
MAX_SURROUND_PX = 1024  # ... up to this many pixels a side (a 1024² frame keeps a 1024² surround)
# The surround's random streams, one each, apart from face.texture's own (TEXTURE_SEED) and from
# each other so that no two of its layers share a pattern; fixed, so every render of a photo agrees.
MID_DETAIL_SEED = TEXTURE_SEED + 1  # _mid_detail's quilt
EDGE_TONE_WANDER_SEED = TEXTURE_SEED + 2  # _edge_tone's wandering reach
FINE_TEXTURE_SEED = TEXTURE_SEED + 3  # _fine_texture's random-phase noise


@dataclass(frozen=True, eq=False)
class Surround:
    """rgb: (h, w, 3) uint8, the photo, and beyond its edges its background extended;
    alpha: (h, w) float32 person matte (0 beyond the photo); background: (h, w, 3) uint8, rgb with
    the person removed; frame_alpha: (H, W) float32 the same matte at the frame's pixels;
    frame_origin_px: (x, y) of the frame's top-left corner in surround pixels; scale: surround
    pixels per frame pixel; photo_bottom_px: where the photo ends below, in frame pixels;
    body_cut_at_bottom: the person reaches the photo's bottom edge (there is no more of the body
    to show below it)."""

    rgb: np.ndarray
    alpha: np.ndarray
    background: np.ndarray
    frame_alpha: np.ndarray
    frame_origin_px: tuple[float, float]
    scale: float
    photo_bottom_px: float
    body_cut_at_bottom: bool


def build_surround(photo: np.ndarray, box: CropBox, *, frame_hw: tuple[int, int],
                   segmenter: Segmenter, face_bbox: tuple[float, float, float, float] | None = None) -> Surround:
    """The surround of `box` (the frame's crop of the (H, W, 3) uint8 `photo`) for a frame of
    `frame_hw` pixels. `face_bbox` (x0, y0, x1, y1, photo px: the face oval's box) lets a body
    the photo's side edges cut continue beyond them (see `_continue_body`)."""
    import cv2

    frame_h, frame_w = frame_hw
    scale = min(RESOLUTION, MAX_SURROUND_PX / max(frame_w, frame_h)) / EXTENT
    out_w, out_h = int(round(frame_w * EXTENT * scale)), int(round(frame_h * EXTENT * scale))
    # Surround pixel (i, j) <- photo point origin + (j, i) * step.
    step = box.width / frame_w / scale
    origin = np.array([box.x0 + box.width / 2, box.y0 + box.height / 2]) - 0.5 * step * np.array([out_w, out_h])
    affine = np.array([[step, 0.0, origin[0]], [0.0, step, origin[1]]], np.float32)
    flags = cv2.INTER_AREA | cv2.WARP_INVERSE_MAP if step > 1 else cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    rgb = cv2.warpAffine(photo, affine, (out_w, out_h), flags=flags, borderMode=cv2.BORDER_CONSTANT)
    inside = cv2.warpAffine(np.ones(photo.shape[:2], np.uint8), affine, (out_w, out_h),
                            flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP, borderValue=0).astype(bool)
    matte, (mx, my) = _photo_matte(photo, origin, step * np.array([out_w, out_h]), segmenter)
    alpha = _warped_matte(matte, np.array([[step, 0.0, origin[0] - mx], [0.0, step, origin[1] - my]]), (out_w, out_h))
    alpha = np.where(inside, alpha, 0.0).astype(np.float32)
    frame_step = box.width / frame_w
    frame_alpha = _warped_matte(matte, np.array([[frame_step, 0.0, box.x0 - mx], [0.0, frame_step, box.y0 - my]]),
                                (frame_w, frame_h))
    # The background: what is neither person nor beyond the photo, grown smoothly into both; not
    # the photo's outermost pixels, which the warp mixed with the black beyond it (continued, a
    # dark line drew the photo's rectangle).
    to_edge = cv2.distanceTransform(inside.astype(np.uint8), cv2.DIST_L2, 3)  # px inside the photo
    known = (to_edge > EDGE_MIXED_PX) & (cv2.dilate((alpha > 0).astype(np.uint8), np.ones((5, 5), np.uint8)) == 0)
    fade = smoothstep(to_edge, 0.0, EDGE_FADE_PX)
    face = None if face_bbox is None else (np.asarray(face_bbox, np.float64) - np.tile(origin, 2)) / step  # surround px
    soft = _fill(rgb, known=known, clear=(to_edge > EDGE_MIXED_PX) & (alpha <= 0.5), to_edge=to_edge,
                 wanted=~known | (fade < 1.0), face_box=face, frame_px=frame_w * scale)
    background = np.where(known[..., None], rgb * fade[..., None] + soft * (1.0 - fade[..., None]), soft)
    background = np.clip(background + 0.5, 0, 255).astype(np.uint8)
    head = None if face is None else _continue_head(rgb, alpha, inside, face_box=face)
    if face is not None:
        alpha = _soften_cut_hair(alpha if head is None else np.maximum(alpha, head.fill), to_edge, face_box=face,
                                 keep=None if head is None else head.keep)
    fade = np.maximum(fade, alpha)[..., None]
    rgb = np.clip(rgb * fade + soft * (1.0 - fade) + 0.5, 0, 255).astype(np.uint8)
    if face is not None:
        rgb, alpha = _continue_body(rgb, alpha, inside, face_box=face)
    if head is not None:
        rgb, alpha = head.over(rgb, alpha)
    frame_origin = (0.5 * (out_w - frame_w * scale), 0.5 * (out_h - frame_h * scale))
    photo_bottom = (photo.shape[0] - box.y0) * frame_h / box.height
    last_row = int(np.clip(np.floor(frame_origin[1] + photo_bottom * scale) - 1, 0, out_h - 1))
    return Surround(rgb=rgb, alpha=alpha, background=background, frame_alpha=frame_alpha,
                    frame_origin_px=frame_origin, scale=scale, photo_bottom_px=float(photo_bottom), body_cut_at_bottom=bool((alpha[last_row] > 0.5).any()))


def _fill(rgb: np.ndarray, *, known: np.ndarray, clear: np.ndarray, to_edge: np.ndarray, wanted: np.ndarray,
          face_box: np.ndarray | None, frame_px: float) -> np.ndarray:
    """(h, w, 3) float32 the background extended beyond the `known` background of the (h, w, 3)
    `rgb` (the photo warped into the surround; `clear`: its pixels that are not the person;
    `to_edge`: px inside the photo), its fine texture over the `wanted` pixels. `face_box`
    (surround px, or None) and `frame_px` (a frame's side in surround px) as build_surround's."""
    # Near its edges the photo's background fades into its extension; where the person was and
    # beyond the photo, the photo's own texture lies on the fill: where its detail stops at a
    # line, the edge reads as a picture pasted on a smear. Each place beyond the photo continues
    # the ground by the nearest part of its edge (grown from the whole photo at once, push-pull,
    # it turned to the mean of all of it: yellow and blue curtains, a khaki in neither). A
    # vignette's oval (_vignette) is taken out of what is extended and laid back over the fill.
    ground = _Background.of(rgb, known)
    vignette = None if face_box is None else _vignette(rgb, ground, clear=clear, face_box=face_box, frame_px=frame_px)
    if vignette is not None:
        rgb = np.clip(rgb - vignette.tones + 0.5, 0, 255).astype(np.uint8)
        ground = _Background.of(rgb, known)
    fine = _measured(rgb, known)
    smooth = _extended(rgb, ground, to_edge=to_edge, frame_px=frame_px)
    smooth = smooth + _mid_detail(ground, fine=fine, base=smooth, frame_px=frame_px)
    if vignette is None:
        return smooth + _fine_texture(fine, rgb=rgb, known=known, wanted=wanted, base=smooth)
    inner, outer = _side_textures(rgb, known=known, wanted=wanted, base=smooth, vignette=vignette)
    outside, band = _ragged(vignette, inner=inner, wanted=wanted)
    fill = smooth + inner + (outer - inner) * outside[..., None] + vignette.tones
    fill[band] += vignette.step[band] * (outside[band] - vignette.outside[band])[..., None]
    return fill


def _measured(rgb: np.ndarray, known: np.ndarray) -> PhotoDetail | None:
    """measure_detail of the (h, w, 3) uint8 `rgb` over its (h, w) bool `known` pixels, in patches
    as large as they hold enough of (varied_tile)."""
    return measure_detail(rgb, source=known, tile_px=varied_tile(known, tile_px=tile_size(known.shape)))


def _side_textures(rgb: np.ndarray, *, known: np.ndarray, wanted: np.ndarray, base: np.ndarray,
                   vignette: _Vignette) -> tuple[np.ndarray, np.ndarray]:
    """(h, w, 3) float32 _fine_texture within and beyond a `vignette`'s outline, each made from
    that side's own `known` pixels of the (h, w, 3) `rgb` (0 where _ragged gives it no weight)."""
    # One grain over both sides, scaled per side, laid the hatching's diagonal streaks on the
    # plain paper (the engraving's: its coherence 0.4 against the photo's paper's 0.06).
    reach = (2.0 * VIGNETTE_RAGGED + 0.5) * vignette.soft_px  # (_ragged's farthest)
    textures = []
    for sign in (1.0, -1.0):
        side, there = known & (sign * vignette.distance < 0), _box(sign * vignette.distance < reach)
        # (each measured and made within its box: over the whole surround a side cost 40 ms more)
        have = _box(side)
        measured = measure_detail(rgb[have], source=side[have],
                                  tile_px=varied_tile(side[have], tile_px=tile_size(known.shape)))
        texture = np.zeros(base.shape, np.float32)
        texture[there] = _fine_texture(measured, rgb=rgb[there], known=side[there], wanted=wanted[there],
                                       base=base[there])
        textures.append(texture)
    return textures[0], textures[1]


def _ragged(vignette: _Vignette, *, inner: np.ndarray,
            wanted: np.ndarray) -> tuple[np.ndarray, tuple[slice, slice]]:
    """(h, w) float32 0 within the `vignette`'s outline, 1 beyond it: crisp (over half its soft
    width) and ragged: moved out where the `inner` grain is dark, in where it is light, by
    VIGNETTE_RAGGED soft widths per its deviation over the `wanted` pixels (up to 2; a hatching's
    lines end each at its own place); and the box beyond which it is the smooth outline's 0 or 1."""
    reach = (2.0 * VIGNETTE_RAGGED + 0.5) * vignette.soft_px
    outside = (vignette.distance > 0).astype(np.float32)
    band = _box(np.abs(vignette.distance) < reach)  # (beyond it the outline is 0 or 1)
    import cv2

    # The grain's own pixels jag it by whole pixels either way, a sawtooth with specks at 4x: its
    # strokes' scale (VIGNETTE_JAG_BLUR soft widths) moves it.
    lum = cv2.GaussianBlur(inner[band].mean(axis=2), (0, 0), VIGNETTE_JAG_BLUR * vignette.soft_px)
    measured = (vignette.distance[band] < 0) & wanted[band]  # (none: no grain to follow, a smooth outline)
    spread = float(lum[measured].std()) if measured.any() else 0.0
    jag = np.clip(lum / max(spread, 1e-6), -2.0, 2.0) if spread > 0.0 else np.zeros_like(lum)
    soft = np.float32(0.5 * vignette.soft_px)
    outside[band] = smoothstep(vignette.distance[band] + np.float32(VIGNETTE_RAGGED * vignette.soft_px) * jag,
                               -soft, soft)
    return outside, band


def _box(mask: np.ndarray) -> tuple[slice, slice]:
    """The rows and columns of the box about the (h, w) bool `mask` (all of it when it is empty)."""
    rows, cols = np.nonzero(mask.any(axis=1))[0], np.nonzero(mask.any(axis=0))[0]
    if len(rows) == 0:
        return slice(None), slice(None)
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


@dataclass(frozen=True, eq=False)
class _Background:
    """What the fill beyond the known background is made from, computed once for _extended and
    _mid_detail. known: (h, w) bool the surround's known background; beyond: (h, w) float32 px
    from it (0 on it); small: (h/4, w/4, 3) float32 the surround at a quarter of its size
    (GROUND_SHRINK, MID_SHRINK); small_known: (h/4, w/4) bool where that is wholly known."""

    known: np.ndarray
    beyond: np.ndarray
    small: np.ndarray
    small_known: np.ndarray

    @staticmethod
    def of(rgb: np.ndarray, known: np.ndarray) -> "_Background":
        import cv2

        h, w = known.shape
        size = (max(w // GROUND_SHRINK, 1), max(h // GROUND_SHRINK, 1))
        return _Background(known=known, beyond=cv2.distanceTransform((~known).astype(np.uint8), cv2.DIST_L2, 3),
                           small=cv2.resize(rgb.astype(np.float32), size, interpolation=cv2.INTER_AREA),
                           small_known=cv2.resize(known.astype(np.float32), size, interpolation=cv2.INTER_AREA) > 0.99)


# What the photo's background shows by its edge is split into its ground (at each place, the
# colour that dominates the background within GROUND_FRAMES frames of it: a wall, a curtain, a
# painted ground, the sky) and what stands on that (a lamp, a window, a door's frame, a finial,
# another person's shirt). Beyond the known background the ground continues, each place from the
# nearest part of the edge blurred by GROUND_SPREAD of the distance; what stands on it ends.
# Continued with the ground (the nearest edge colour, blurred by 1.5 of the distance), it ran on
# outward: Coelho's lamp as a glow, Obama's window as a column, Pedersen's door frame as a band,
# the red shirt beside the man in glasses as a red band (a sixth of a frame out, a quarter of a
# window's contrast was left; tests/face/test_surround.py).
GROUND_FRAMES = 0.3
GROUND_SPREAD = 1.0
GROUND_COLOURS = 6  # the background's colours (clustered) the dominant one is chosen among
GROUND_SHRINK = 4  # the ground is continued at this fraction of the surround's size (it is smooth)
# What stands on the ground, in bands of size (frames; None: all the rest), each ending (a
# Gaussian) over about as many frames as given: all over the longest, a flag's stars and finials
# cut by the edge stood beyond it as glowing dots.
STRUCTURE_BANDS = ((0.025, 0.012), (0.08, 0.03), (None, 0.09))
# ... blurred by this share of the distance as it ends (by 1.5, a lamp spread into a glow)
STRUCTURE_SPREAD = 0.5
# ... and the coarsest band (a print's paper by its oval vignette, a window) blurred by this many
# frames more: its outline, sharp in the photo, ran on as a crisp edge round a bright crescent.
COARSE_SOFTEN_FRAMES = 0.04
# With too little background to tell its ground (a tight crop), the nearest part of the edge is
# continued blurred by this share of the distance: by STRUCTURE_SPREAD, what the edge shows ran
# on outward as sharp streaks.
FALLBACK_SPREAD = 1.5


def _extended(rgb: np.ndarray, background: _Background, *, to_edge: np.ndarray, frame_px: float) -> np.ndarray:
    """(h, w, 3) float32: `rgb` where the `background` is known, elsewhere the background's ground continued
    (_dominant at the nearest part of the edge, blurred by GROUND_SPREAD of the distance), plus
    the tone the photo's edge strip has along most of the edge (_edge_tone, fading slowly), and
    over both what stands on the ground by the edge, ending in bands of size (STRUCTURE_BANDS;
    `to_edge`: (h, w) px inside the photo; `frame_px`: a frame's side in surround px). With too
    little background to tell its ground: _nearest_fallback."""
    import cv2

    known, small, small_known = background.known, background.small, background.small_known
    h, w = known.shape
    size = small_known.shape[::-1]
    # The ground is smooth at GROUND_FRAMES: told at half the size it is continued at, from the
    # background wholly known there (a strip a few px wide at the quarter size can leave none).
    half = (max(size[0] // 2, 1), max(size[1] // 2, 1))
    half_known = cv2.resize(small_known.astype(np.float32), half, interpolation=cv2.INTER_AREA) > 0.99
    if half_known.sum() < 4 * GROUND_COLOURS:  # (too little background to tell its ground)
        return _nearest_fallback(rgb, known, to_edge=to_edge)
    near = grown_nearest(rgb, known, spread=STRUCTURE_SPREAD).astype(np.float32)
    ground = _dominant(cv2.resize(small, half, interpolation=cv2.INTER_AREA), half_known,
                       sigma_px=GROUND_FRAMES * frame_px / GROUND_SHRINK / 2)
    ground = np.clip(cv2.resize(ground, size, interpolation=cv2.INTER_LINEAR) + 0.5, 0, 255)
    # The ground by the edge continued as the edge itself is (`under`), so that near - under is
    # what stands on the ground at the nearest part of the edge.
    ground, under = (grown_nearest(ground.astype(np.uint8), small_known, spread=spread).astype(np.float32)
                     for spread in (GROUND_SPREAD, STRUCTURE_SPREAD))
    # The edge's tone joins the ground (it fades slowly) and leaves what stands on it (which ends).
    tone, tone_beyond = _edge_tone(small, small_known, under, frame_px=frame_px / GROUND_SHRINK,
                                   to_edge=cv2.resize(to_edge, size, interpolation=cv2.INTER_AREA) / GROUND_SHRINK)
    ground, under = (cv2.resize(a, (w, h), interpolation=cv2.INTER_LINEAR) for a in (ground + tone_beyond, under + tone))
    made = np.where(known[..., None], rgb.astype(np.float32), ground)
    beyond = background.beyond
    # Only pixels within reach of the slowest band's end (3 of its widths: 0.01% left) change.
    reach = np.flatnonzero((beyond > 0) & (beyond < 3.0 * max(e for _, e in STRUCTURE_BANDS) * frame_px))
    flat, finer = made.reshape(-1, 3), near
    for band_px, ends_in in STRUCTURE_BANDS:
        coarser = under if band_px is None else _blurred(finer, sigma_px=band_px * frame_px)
        band = finer - coarser
        if band_px is None:  # (its outline, sharp in the photo, ran on as a crisp edge)
            band = _blurred(band, sigma_px=COARSE_SOFTEN_FRAMES * frame_px)
        ends = np.exp(-np.square(beyond.ravel()[reach] / max(ends_in * frame_px, 1.0)))[:, None]
        flat[reach] += band.reshape(-1, 3)[reach] * ends
        finer = coarser
    return made


# A background in two tones split by an oval about the person (an engraving's or an old print's
# vignette: hatched ground inside, light paper outside) continues as that oval: the photo's edge
# cuts it, and continued from the nearest part of the edge each tone ran straight on, the paper's
# corners ending at the photo's edge as light crescents. The outline is the background's edges
# (Canny, on it blurred by VIGNETTE_BLUR_FRAMES: an engraving's hatching gone) a step of at least
# VIGNETTE_STEP levels makes; it is fitted with an upright ellipse about the face, taken only if
# VIGNETTE_INLIERS of them lie within VIGNETTE_FIT_FRAMES of it, spanning VIGNETTE_ARC of its turn,
# and VIGNETTE_SIDE of them are lighter on the same side of it.
VIGNETTE_BLUR_FRAMES = 0.02
VIGNETTE_ROUND = 1.25  # the oval's height over its width (a 4:5 oval frame)
VIGNETTE_STEP = 40.0
VIGNETTE_FIT_FRAMES = 0.015
VIGNETTE_INLIERS = 0.8  # the share of the edges' points on the ellipse
VIGNETTE_ARC = 0.15  # of a turn (the engraving: 0.23)
VIGNETTE_SIDE = 0.9  # the share of them lighter on its side
VIGNETTE_SOFT_FRAMES = 0.005  # the continued outline, soft over this many frames either side
VIGNETTE_RAGGED = 0.5  # the continued outline's raggedness, in soft widths (see _ragged)
VIGNETTE_JAG_BLUR = 0.5  # the grain that moves it, smoothed over this many soft widths (a sigma)


def _vignette_ellipse(rgb: np.ndarray, clear: np.ndarray, *, face_box: np.ndarray,
                      frame_px: float) -> tuple[float, float, float, float] | None:
    """The upright ellipse (cx, cy, half width, half height; surround px) of a vignette's oval in
    the (h, w, 3) `rgb`'s photo `clear` of the person, or None where there is none. `face_box`
    (x0, y0, x1, y1) surround px. Found at half size (it is blurred)."""
    import cv2

    rows, cols = np.nonzero(clear.any(axis=1))[0], np.nonzero(clear.any(axis=0))[0]
    if len(rows) < 16 or len(cols) < 16:
        return None
    y0, x0 = int(rows[0]), int(cols[0])
    crop = (slice(y0, int(rows[-1]) + 1), slice(x0, int(cols[-1]) + 1))
    half = ((crop[1].stop - x0) // 2, (crop[0].stop - y0) // 2)
    part = cv2.resize(clear[crop].astype(np.float32), half, interpolation=cv2.INTER_AREA)
    part = (part > 0.99).astype(np.float32)
    lum = cv2.resize(rgb[crop].mean(axis=2, dtype=np.float32), half, interpolation=cv2.INTER_AREA)
    px = 0.5 * frame_px  # a frame at half size
    sigma = max(VIGNETTE_BLUR_FRAMES * px, 1.0)
    lum = cv2.GaussianBlur(lum * part, (0, 0), sigma) / np.maximum(cv2.GaussianBlur(part, (0, 0), sigma), 1e-3)
    # (a step of VIGNETTE_STEP blurred by sigma: a gradient of step / (2.5 sigma) a px, 8 times that in Sobel's units)
    high = 8.0 * VIGNETTE_STEP / (2.5 * sigma)
    edges = cv2.Canny(np.clip(lum + 0.5, 0, 255).astype(np.uint8), 0.5 * high, high, L2gradient=True) > 0
    # (not where the blur reaches past the clear photo: the person's outline, the photo's edge)
    edges &= cv2.erode(part.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=int(np.ceil(sigma))) > 0
    ys, xs = np.nonzero(edges)
    if len(xs) < 0.5 * px:
        return None
    # An upright ellipse VIGNETTE_ROUND times as tall as wide, a circle once its rows are
    # shrunk by that: fitted as one (Kasa: linear least squares). A free ellipse through the
    # short arcs a photo shows of its oval swung from a flat one to a round one between halves
    # of the same points.
    u, v = xs.astype(np.float64), ys / VIGNETTE_ROUND
    (p, q, r), *_ = np.linalg.lstsq(np.stack([u, v, np.ones_like(u)], axis=1), u * u + v * v, rcond=None)
    cx, cy, radius = 0.5 * p, 0.5 * q * VIGNETTE_ROUND, float(np.sqrt(max(r + 0.25 * (p * p + q * q), 0.0)))
    if radius < 1.0:
        return None
    ellipse = (cx, cy, radius, VIGNETTE_ROUND * radius)
    on = np.abs(_ellipse_distance(xs.astype(np.float32), ys.astype(np.float32), ellipse)) < VIGNETTE_FIT_FRAMES * px
    centre = (np.array([face_box[0] + face_box[2], face_box[1] + face_box[3]], np.float32) * 0.5
              - np.array([x0, y0], np.float32) - 0.5) / 2.0  # (at half size)
    if on.mean() < VIGNETTE_INLIERS or _ellipse_distance(centre[:1], centre[1:], ellipse)[0] >= 0:
        return None
    # The arc the points span (all the turn but its widest gap: arcs on two sides pin the
    # ellipse, one short arc does not), and whether one side of it is lighter all along it.
    turn = np.arctan2(ys[on] - cy, xs[on] - cx)
    ordered = np.sort(turn)
    gaps = np.diff(np.concatenate([ordered, ordered[:1] + 2 * np.pi]))
    if 2 * np.pi - gaps.max() < VIGNETTE_ARC * 2 * np.pi:
        return None
    gx = cv2.Sobel(lum, cv2.CV_32F, 1, 0)[ys[on], xs[on]]
    gy = cv2.Sobel(lum, cv2.CV_32F, 0, 1)[ys[on], xs[on]]
    lighter = float(np.mean(gx * np.cos(turn) + gy * np.sin(turn) > 0))
    if max(lighter, 1.0 - lighter) < VIGNETTE_SIDE:
        return None
    return 2.0 * cx + x0 + 0.5, 2.0 * cy + y0 + 0.5, 2.0 * radius, 2.0 * VIGNETTE_ROUND * radius


VIGNETTE_TONE_FRAMES = 0.1  # each side's tone: its colours smoothed over this many frames
VIGNETTE_REACH_FRAMES = 1.0  # ... and beyond the photo, over this many
VIGNETTE_SHRINK = 2 * GROUND_SHRINK  # ... told at this fraction of the surround's size (an eighth)


@dataclass(frozen=True, eq=False)
class _Vignette:
    """A vignette's oval over the whole surround: tones (h, w, 3) float32 less 128, on each side
    of its outline that side's colours; outside (h, w) float32 0 within the oval, 1 beyond it
    (soft over its outline: soft_px either side); distance (h, w) float32 px to the outline (< 0
    within); step (h, w, 3) float32 the outer side's colours less the inner's."""

    tones: np.ndarray
    outside: np.ndarray
    distance: np.ndarray
    step: np.ndarray
    soft_px: float


def _vignette(rgb: np.ndarray, background: _Background, *, clear: np.ndarray, face_box: np.ndarray,
              frame_px: float) -> _Vignette | None:
    """The two sides of a vignette's oval (_vignette_ellipse, in `rgb`'s photo `clear` of the
    person), or None: on each side its known `background` smoothed over VIGNETTE_TONE_FRAMES
    (spread over VIGNETTE_REACH_FRAMES beyond it). The tones are told
    at VIGNETTE_SHRINK of the size and laid either side of the outline at half of it (it is soft)."""
    import cv2

    ellipse = _vignette_ellipse(rgb, clear, face_box=face_box, frame_px=frame_px)
    if ellipse is None:
        return None
    known = background.known
    h, w = known.shape
    size = (max(w // VIGNETTE_SHRINK, 1), max(h // VIGNETTE_SHRINK, 1))
    small = cv2.resize(background.small, size, interpolation=cv2.INTER_AREA)
    small_known = cv2.resize(background.small_known.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    within = _ellipse_distance(*_grid(small_known.shape, VIGNETTE_SHRINK), ellipse) < 0
    half = (max(w // 2, 1), max(h // 2, 1))
    sides = []
    for side in (within, ~within):
        have = small_known * side
        if have.sum() < 4:
            return None
        # Smoothed over VIGNETTE_TONE_FRAMES where the side is known, and where it is not (beyond
        # the photo) its colours within VIGNETTE_REACH_FRAMES: weighted so the nearer wins.
        both = np.dstack([small * have[..., None], have])
        sums = [cv2.GaussianBlur(both, (0, 0), VIGNETTE_TONE_FRAMES * frame_px / VIGNETTE_SHRINK),
                1e-3 * _blurred(both, sigma_px=VIGNETTE_REACH_FRAMES * frame_px / VIGNETTE_SHRINK)]
        tone = (sums[0][..., :3] + sums[1][..., :3]) / np.maximum(sums[0][..., 3:] + sums[1][..., 3:], 1e-9)
        sides.append(cv2.resize(tone, half, interpolation=cv2.INTER_LINEAR))
    soft = max(VIGNETTE_SOFT_FRAMES * frame_px, 0.5)
    distance = _ellipse_distance(*_grid(half[::-1], 2), ellipse)
    outside = smoothstep(distance, -soft, soft).astype(np.float32)
    tones = sides[0] + (sides[1] - sides[0]) * outside[..., None] - 128.0
    full_distance = cv2.resize(distance, (w, h), interpolation=cv2.INTER_LINEAR)
    if not ((known & (full_distance < 0)).any() and (known & (full_distance > 0)).any()):
        return None  # a side with no pixel of its own at full size has no grain to measure (_side_textures)
    return _Vignette(tones=cv2.resize(tones, (w, h), interpolation=cv2.INTER_LINEAR),
                     outside=cv2.resize(outside, (w, h), interpolation=cv2.INTER_LINEAR),
                     distance=full_distance,
                     step=cv2.resize(sides[1] - sides[0], (w, h), interpolation=cv2.INTER_LINEAR), soft_px=soft)


def _grid(shape_hw: tuple[int, int], scale: float) -> tuple[np.ndarray, np.ndarray]:
    """(xs, ys) each (h, w) float32: the surround px that the pixel centres of an image of
    `shape_hw` at 1 / `scale` of its size stand for."""
    ys, xs = (np.indices(shape_hw, dtype=np.float32) + 0.5) * scale - 0.5
    return xs, ys


def _ellipse_distance(xs: np.ndarray, ys: np.ndarray, ellipse: tuple[float, float, float, float]) -> np.ndarray:
    """About the signed distance (px, < 0 inside) of points (xs, ys) to the upright `ellipse`
    (cx, cy, half width, half height): its normalised radius less 1 over that radius's gradient."""
    cx, cy, a, b = ellipse
    u, v = (xs - cx) / a, (ys - cy) / b
    r = np.sqrt(u * u + v * v)
    grad = np.sqrt((u / a) ** 2 + (v / b) ** 2) / np.maximum(r, 1e-6)
    return (r - 1.0) / np.maximum(grad, 1e-6)


def _nearest_fallback(rgb: np.ndarray, known: np.ndarray, *, to_edge: np.ndarray) -> np.ndarray:
    """(h, w, 3) float32 _extended's fill for a photo with too little background to tell its
    ground: the nearest known pixel's colour, blurred by FALLBACK_SPREAD of the distance; grown
    from all of the photo's own pixels (less its EDGE_MIXED_PX) where no known pixel is left at
    the half size grown_nearest works at (a strip a few px wide), which filled the rest black."""
    import cv2

    h, w = known.shape
    half_known = cv2.resize(known.astype(np.float32), (max(w // 2, 1), max(h // 2, 1)), interpolation=cv2.INTER_AREA)
    source = known if (half_known > 0.99).any() else to_edge > EDGE_MIXED_PX
    return grown_nearest(rgb, source, spread=FALLBACK_SPREAD).astype(np.float32)


# Where the photo's edge strip (its last EDGE_TONE_STRIP_FRAMES) differs in tone from the ground
# along most of the edge (a painting's lighter margin, a wall lit more toward one side), that is
# the ground's tone there, not something standing on it: ended within 0.09 frames like a lamp,
# it drew the photo's rectangle as a light frame against a warmer fill (Morisot 1885, Biden's
# right edge) at distance 2. It is the median in a square EDGE_TONE_ALONG_FRAMES a side, which
# along a straight edge is the median along it (a window or a shirt, under half of that, still
# ends) and within half of it of a corner mixes the two edges' tones, smoothed over EDGE_TONE_SMOOTH_FRAMES, and
# fades with the distance from the photo over EDGE_TONE_FADE_FRAMES, that reach wandering
# (log-normal, EDGE_TONE_WANDER, at EDGE_TONE_WANDER_FRAMES) so no line parallel to the edge shows.
EDGE_TONE_STRIP_FRAMES = 0.06
EDGE_TONE_ALONG_FRAMES = 1.5
EDGE_TONE_SMOOTH_FRAMES = 0.1
EDGE_TONE_FADE_FRAMES = 0.4
EDGE_TONE_WANDER = 0.45
EDGE_TONE_WANDER_FRAMES = 0.12
EDGE_TONE_HELD = 0.1  # the share of _edge_tone's square in the photo that tells a tone


def _edge_tone(small: np.ndarray, small_known: np.ndarray, ground: np.ndarray, *, to_edge: np.ndarray,
               frame_px: float) -> tuple[np.ndarray, np.ndarray]:
    """(tone, tone beyond): each (h, w, 3) float32 at the size of `small` (the photo's colours,
    `small_known` its known background, `ground` the ground by the edge there, `to_edge` px inside
    the photo, `frame_px` a frame's side, all at that size). tone: at each place the median, over
    the photo's own pixels in a square EDGE_TONE_ALONG_FRAMES a side about it (along the edge, and
    the two edges' near a corner; places beyond the photo take no vote), of the difference each
    carries: the edge strip's mean colour less the ground, at the strip's nearest part. It fades
    out where under EDGE_TONE_HELD of the square lies in the photo (none under half of that).
    Tone beyond: that, faded with the distance from the photo as EDGE_TONE_FADE_FRAMES says."""
    import cv2

    zero = np.zeros(small.shape, np.float32)
    strip = small_known & (to_edge < max(EDGE_TONE_STRIP_FRAMES * frame_px, 1.0))
    if not strip.any():
        return zero, zero
    # The strip's mean (within a strip's width along it) less its ground, each place taking it
    # from the strip's nearest pixel.
    sigma = max(EDGE_TONE_STRIP_FRAMES * frame_px, 1.0)
    weight = cv2.GaussianBlur(strip.astype(np.float32), (0, 0), sigma)[..., None]
    mean = cv2.GaussianBlur(small * strip[..., None], (0, 0), sigma) / np.maximum(weight, 1e-6)
    _, label = cv2.distanceTransformWithLabels((~strip).astype(np.uint8), cv2.DIST_L2, 3,
                                               labelType=cv2.DIST_LABEL_PIXEL)
    at = np.zeros(int(label.max()) + 1, np.int64)
    at[label[strip]] = np.flatnonzero(strip.ravel())
    differs = (mean - ground).reshape(-1, 3)[at[label]]  # (h, w, 3)
    # The median in a square (of 8-bit codes, which medianBlur takes at any size), smoothed.
    side = 2 * int(round(EDGE_TONE_ALONG_FRAMES * frame_px / 2)) + 1
    codes = np.clip(differs / 2.0 + 128.0, 0, 255).astype(np.uint8)
    # Beyond the photo every pixel carries its nearest strip pixel's difference (near a corner,
    # the corner's own, enough to outvote both edges): there the codes alternate 0 and 255, which
    # leaves the median of the photo's own ...
    outside = to_edge <= 0
    codes[outside] = (255 * (np.indices(outside.shape).sum(axis=0) % 2)[outside])[:, None].astype(np.uint8)
    tone = (cv2.medianBlur(codes, side).astype(np.float32) - 128.0) * 2.0
    # ... where the square holds enough of the photo: with little, the 0s and 255s decide it (they
    # are balanced to a pixel a row, less at the surround's border, which medianBlur replicates).
    held = cv2.blur((~outside).astype(np.float32), (side, side), borderType=cv2.BORDER_CONSTANT)
    tone *= smoothstep(held, 0.5 * EDGE_TONE_HELD, EDGE_TONE_HELD)[..., None]
    tone = _blurred(tone, sigma_px=EDGE_TONE_SMOOTH_FRAMES * frame_px)
    # The reach's wander, smooth at EDGE_TONE_WANDER_FRAMES: made at an eighth of the size.
    h, w = small_known.shape
    rng = np.random.default_rng(EDGE_TONE_WANDER_SEED)
    wander = cv2.GaussianBlur(rng.standard_normal((h // 8 + 2, w // 8 + 2)).astype(np.float32), (0, 0),
                              max(EDGE_TONE_WANDER_FRAMES * frame_px / 8, 0.5))
    wander = cv2.resize(wander, (w, h), interpolation=cv2.INTER_LINEAR)
    reach = EDGE_TONE_FADE_FRAMES * frame_px * np.exp(EDGE_TONE_WANDER * wander / max(float(wander.std()), 1e-6))
    beyond = cv2.distanceTransform((~small_known).astype(np.uint8), cv2.DIST_L2, 3)
    return tone, tone * np.exp(-np.square(beyond / reach))[..., None]


# Between the grain face.texture quilts (finer than a twelfth of a patch) and the ground lie the
# background's own blotches, strokes and folds: a fill without them, beside a painting's strokes or
# a photo's out-of-focus blotches, outlined the photo as a halo round the person (Morisot's mauve
# painting). That detail, finer than MID_BAND_FRAMES, is quilted from the photo's quiet patches of
# MID_TILE_FRAMES at MID_SHRINK of the surround's size, cut at MID_CLIP times its typical size (a
# dark mark a quiet patch held was scattered as specks).
MID_SHRINK = GROUND_SHRINK  # (the same quarter-size copy serves both)
MID_BAND_FRAMES = 0.035
MID_TILE_FRAMES = 0.12
MID_CLIP = 2.0
# ... its hue beyond the patches' mean tint (_tint) kept only in this share: quilted whole, the
# few coloured marks among the quiet patches (book spines by the mohawk's wood) were scattered
# over the fill as teal and red streaks.
MID_HUE_KEPT = 0.5


def _mid_detail(background: _Background, *, fine: PhotoDetail | None, base: np.ndarray,
                frame_px: float) -> np.ndarray:
    """(h, w, 3) float32 the background's detail finer than MID_BAND_FRAMES quilted over what is
    not known (each patch matched in colour to `base`, the fill it goes on), fading in as what
    stands on the ground by the edge ends (it continues the photo's own detail there), its hue
    beyond the patches' tint kept in MID_HUE_KEPT; 0 where the background holds too few whole
    patches or they, or its `fine` detail (measure_detail of the surround over its known
    background), run every way (face.texture.runs_every_way)."""
    import cv2

    h, w = background.known.shape
    none = np.zeros((h, w, 3), np.float32)
    # Structure seen out of focus (a draped curtain's folds: its fine detail runs every way) is
    # not a texture: quilted at this scale it read as a collage of the curtain's swags.
    if fine is None or runs_every_way(fine):
        return none
    small, small_known = background.small, background.small_known
    tile = 2 * max(int(round(MID_TILE_FRAMES * frame_px / MID_SHRINK / 2)), 2)
    detail = small - cv2.GaussianBlur(small, (0, 0), MID_BAND_FRAMES * frame_px / MID_SHRINK)
    measured = quiet_detail(small, detail, source=small_known, tile_px=tile, clip=MID_CLIP)
    if measured is None or runs_every_way(measured):  # (quilted side by side they read as a basket weave)
        return none
    made = made_detail(measured, wanted=~small_known, seed=MID_DETAIL_SEED,
                       base=cv2.resize(base, small_known.shape[::-1], interpolation=cv2.INTER_AREA))
    grey = made.mean(axis=2, keepdims=True) * _tint(detail_patches(measured.detail, measured.corners,
                                                                   tile_px=measured.tile_px))
    made = grey + MID_HUE_KEPT * (made - grey)
    fade_in = 1.0 - np.exp(-np.square(background.beyond / max(STRUCTURE_BANDS[-1][1] * frame_px, 1.0)))
    return cv2.resize(made, (w, h), interpolation=cv2.INTER_LINEAR) * fade_in[..., None]


# Beyond the photo (and where the person was) the background's fine detail (what face.texture
# measures: grain, hatching, strokes) is noise with the mean power spectrum of its quiet patches,
# in random phase (Galerne, Gousseau and Morel 2011): hatching and wood grain continue in their
# directions and scales, and no part of the photo is copied. Quilted from the patches, a grain that
# runs one way (the wood panelling behind the mohawk) broke at the patches' seams into a parquet of
# copies. The field's luminance has the patches' spectrum; each colour channel is its regression on
# luminance (grain is mostly light and dark; a tint, such as wood's, is kept). The coarser
# _mid_detail stays quilted: made so, a curtain's pleats, longer than a patch, came out mottled.


def _fine_texture(fine: PhotoDetail | None, *, rgb: np.ndarray, known: np.ndarray, wanted: np.ndarray,
                  base: np.ndarray) -> np.ndarray:
    """(h, w, 3) float32 zero-mean texture at the `wanted` pixels: _random_phase of `fine`
    (measure_detail of `rgb` over its `known` background), or where that is None or runs every way
    face.texture's answer (the photo's grain: structure out of focus is not a texture)."""
    if fine is None or runs_every_way(fine):
        return texture_from(fine, rgb=rgb, known=known, wanted=wanted, base=base)
    return _random_phase(fine, wanted=wanted, seed=FINE_TEXTURE_SEED)


def _random_phase(measured: PhotoDetail, *, wanted: np.ndarray, seed: int) -> np.ndarray:
    """(h, w, 3) float32 zero-mean texture at the `wanted` (h, w) bool pixels (0 elsewhere) with the
    luminance power spectrum of `measured`'s quiet patches (Hann-windowed) and their spread,
    seeded: white noise convolved with the spectrum's square root (zero phase, so a kernel at most
    one patch wide, _cropped)."""
    import cv2

    t = measured.tile_px
    patches = detail_patches(measured.detail, measured.corners, tile_px=t).astype(np.float32)
    lum = patches.mean(axis=3)  # (n, t, t)
    window = np.outer(np.hanning(t), np.hanning(t)).astype(np.float32)
    power = np.mean(np.abs(np.fft.fft2(lum * window)) ** 2, axis=0)
    kernel = _cropped((np.real(np.fft.fftshift(np.fft.ifft2(np.sqrt(power)))) * window).astype(np.float32))
    # (uniform noise: a third of a normal draw's time, and Gaussian enough once the kernel sums it)
    noise = np.random.default_rng(seed).random(wanted.shape, dtype=np.float32)
    noise -= 0.5
    field = cv2.filter2D(noise, -1, kernel, borderType=cv2.BORDER_REFLECT)
    field *= wanted * np.float32(lum.std() / max(float(field.std()), 1e-6))
    return field[..., None] * _tint(patches)


def _tint(patches: np.ndarray) -> np.ndarray:
    """(3,) float32 each colour channel's regression on luminance over the (n, t, t, 3) detail
    `patches` (grain is mostly light and dark; a tint, such as wood's, is kept)."""
    lum = patches.mean(axis=3)
    return ((patches * lum[..., None]).mean(axis=(0, 1, 2)) / max(float(np.mean(lum * lum)), 1e-6)).astype(np.float32)


# A grain's kernel is mostly a few pixels about its centre: cropped to the box holding all but
# this share of its energy, the convolution costs a fraction of the whole patch's.
KERNEL_ENERGY_LEFT = 0.005


def _cropped(kernel: np.ndarray) -> np.ndarray:
    """The (t, t) `kernel` (centred at t // 2) cropped to the centred box whose rows and columns each
    hold all but KERNEL_ENERGY_LEFT of its energy."""
    energy = kernel * kernel
    half = []
    for profile in (energy.sum(axis=1), energy.sum(axis=0)):
        c = len(profile) // 2
        held = np.array([profile[max(c - r, 0):c + r + 1].sum() for r in range(c + 1)])
        half.append(int(np.argmax(held >= (1.0 - KERNEL_ENERGY_LEFT) * profile.sum())))
    c = len(kernel) // 2
    return np.ascontiguousarray(kernel[c - half[0]:c + half[0] + 1, c - half[1]:c + half[1] + 1])


def _dominant(small: np.ndarray, known: np.ndarray, *, sigma_px: float) -> np.ndarray:
    """(h, w, 3) float32 at each place the mean colour, within about `sigma_px`, of the known
    pixels of the one of GROUND_COLOURS clustered colours most of them there have (0 with none known)."""
    import cv2

    h, w = known.shape
    centres = _colour_clusters(small[known], k=GROUND_COLOURS)
    if not len(centres):
        return np.zeros_like(small)
    label = np.argmin(((small[..., None, :] - centres) ** 2).sum(axis=3), axis=2)
    # Each colour's presence and mean are smooth at sigma_px: blurred at a quarter of that scale.
    shrink = max(1.0, sigma_px / 4.0)
    coarse = (max(int(round(w / shrink)), 1), max(int(round(h / shrink)), 1))
    best = np.zeros((h, w), np.float32)
    out = np.zeros_like(small)
    for k in range(len(centres)):
        mask = (known & (label == k)).astype(np.float32)
        both = cv2.resize(np.dstack([small * mask[..., None], mask]), coarse, interpolation=cv2.INTER_AREA)
        both = cv2.resize(cv2.GaussianBlur(both, (0, 0), sigma_px / shrink), (w, h), interpolation=cv2.INTER_LINEAR)
        density = both[..., 3]
        wins = density > best
        out[wins] = both[wins, :3] / np.maximum(density[wins], 1e-6)[:, None]
        best[wins] = density[wins]
    return out


def _colour_clusters(colours: np.ndarray, *, k: int, rounds: int = 8) -> np.ndarray:
    """(k, 3) float32 k-means centres of (n, 3) `colours`, started from their brightness
    quantiles (deterministic; a cluster left empty keeps its start); (0, 3) if n is 0."""
    if not len(colours):
        return np.zeros((0, 3), np.float32)
    order = np.argsort(colours.sum(axis=1), kind="stable")
    centres = colours[order[((np.arange(k) + 0.5) / k * len(order)).astype(int)]].copy()
    for _ in range(rounds):
        label = np.argmin(((colours[:, None, :] - centres[None]) ** 2).sum(axis=2), axis=1)
        centres = np.stack([colours[label == j].mean(axis=0) if (label == j).any() else centres[j] for j in range(k)])
    return centres.astype(np.float32)


# A body the photo's side edge cuts continues beyond it (shoulders, then the arm) out to this many
# face widths from the face's centre: a person's outer shoulder breadth is about 3.4 face widths
# (biacromial breadth ~2.8, plus the arms' deltoids), so 1.7 a side (further for a body the photo
# shows wider: a cap beyond its edge). The shoulder rounds into the arm over a quarter circle of
# SHOULDER_CAP face widths, and the outline is soft over CONTINUE_TAPER face widths.
CONTINUE_HALF_WIDTH = 1.7
SHOULDER_CAP = 0.45
CONTINUE_TAPER = 0.05
# Only the body continues: rows from this many face heights below the chin (the neck), never the
# hair or a face the edge cuts, which would turn into streaks.
CONTINUE_BELOW_CHIN = 0.15
# Above it, the matte fades out over this many face heights toward the photo's edges.
HAIR_FADE = 0.12
# ... and only a body the edge cuts over at least this many face heights (a shoulder, not the
# corner of a sleeve, which continued would be a lump beside the person).
CONTINUE_MIN_RUN = 0.4


def _soften_cut_hair(alpha: np.ndarray, to_edge: np.ndarray, *, face_box: np.ndarray,
                     keep: np.ndarray | None = None) -> np.ndarray:
    """The person matte above the neck faded out over HAIR_FADE face heights toward the photo's
    edges (`to_edge`: (h, w) px from each pixel to them, 0 beyond), except where `keep` ((h, w)
    bool: a head _continue_head continues above the photo): hair the photo's side edges cut
    would otherwise end in a straight line against the extended background when the camera moves
    away; faded, it ends as if out of focus."""
    fade = smoothstep(to_edge, 0.0, max(HAIR_FADE * float(face_box[3] - face_box[1]), 1.0))
    if keep is not None:
        fade = np.where(keep, 1.0, fade)
    neck = face_box[3] + CONTINUE_BELOW_CHIN * (face_box[3] - face_box[1])
    below = (np.arange(len(alpha)) >= neck)[:, None]
    return np.where(below, alpha, alpha * fade).astype(np.float32)


# A head the photo's top edge cuts (its hair, or a bald crown) continues above it: its outline
# rounds off as an ellipse through the edge's cut (_head_ellipse), soft over HEAD_TAPER face
# widths, in the hair's colour and texture. Faded toward the edge instead (_soften_cut_hair), the
# hair ended in a flat soft line under the extended background: a head sliced off above the
# photo (Pedersen, the mohawk). Only a cut HEAD_MIN_RUN to 2 HEAD_MAX_HALF_WIDTH face widths
# wide, above the eyes (HEAD_EYES face heights below the face oval's top), over the face's
# columns and clear of the photo's side edges, is a head (_head_cut).
HEAD_ROUND = 1.0  # the outline's height over its width (a crown is about round)
HEAD_MAX_HALF_WIDTH = 0.9  # face widths (a wider cut is a matte that runs into a dark ground)
HEAD_TAPER = 0.06
HEAD_MIN_RUN = 0.3
HEAD_EYES = 0.35
HEAD_TOP = 0.6  # face heights above the oval's top: the skull's crown ~0.3, and the hair on it
HEAD_MIN_RISE = 0.08
HEAD_SLOPE_ROWS = 0.1
HEAD_MAX_SLOPE = 2.0  # px inward per px up
HEAD_CARRY = 0.04  # face heights over which the edge's own strands give way to the smoothed colour
HEAD_LOOK = 0.06


@dataclass(frozen=True, eq=False)
class _Head:
    """A head continued above the photo's top edge: rgb (rows, c1 - c0, 3) float32 and alpha
    (rows, c1 - c0) float32 over the surround's first `rows` rows (down to the photo's first
    whole row, the one before it mixed with the black beyond by the warp), `columns` (c0, c1);
    keep: (h, w) bool the head's columns near the edge inside the photo, where its matte is not
    faded toward the edge; fill: (h, w) float32 the least matte there (whole where the
    segmenter's thinned toward the edge)."""

    rgb: np.ndarray
    alpha: np.ndarray
    keep: np.ndarray
    fill: np.ndarray
    columns: tuple[int, int]

    def over(self, rgb: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(rgb, alpha) of the surround with the head laid over its first rows."""
        at = (slice(0, len(self.alpha)), slice(*self.columns))
        out_rgb, out_alpha = rgb.copy(), alpha.copy()
        a = self.alpha[..., None]
        out_rgb[at] = np.clip(rgb[at] * (1.0 - a) + self.rgb * a + 0.5, 0, 255).astype(np.uint8)
        out_alpha[at] = np.maximum(alpha[at], self.alpha)
        return out_rgb, out_alpha


def _continue_head(rgb: np.ndarray, alpha: np.ndarray, inside: np.ndarray, *,
                   face_box: np.ndarray) -> _Head | None:
    """The head continued above the photo's top edge where the person matte (`alpha`, unfaded)
    reaches it over the face (its outline: _head_ellipse), or None where _head_cut finds no head
    cut there. Its colour is the hair's along the edge, smoothed along it, with the hair's texture
    quilted over it and darkening toward the outline as the continued clothing does (_form_shade).
    `face_box` (x0, y0, x1, y1) in surround px."""
    import cv2

    cut = _head_cut(alpha, inside, face_box=face_box)
    if cut is None:
        return None
    edge, look, strip, run = cut
    face_w, face_h = float(face_box[2] - face_box[0]), float(face_box[3] - face_box[1])
    centre, half = 0.5 * (run[0] + run[1]), 0.5 * (run[1] - run[0])
    a, b, centre_y = _head_ellipse(alpha, edge=edge, half=half, centre=centre, face_box=face_box, whole=look)
    # The head's matte above the edge: inside the ellipse, soft over the taper across its outline
    # (computed over the columns it can reach only).
    taper = max(HEAD_TAPER * face_w, 1.0)
    c0, c1 = (int(np.clip(centre + sign * (a + taper), 0, rgb.shape[1])) for sign in (-1, 1))
    ys = np.arange(edge, dtype=np.float32)[:, None]
    xs = np.arange(c0, c1, dtype=np.float32)[None, :]
    inward = a * (1.0 - np.sqrt(((xs - centre) / a) ** 2 + ((ys - centre_y) / b) ** 2))  # ~px inside the outline
    ext_alpha = smoothstep(inward, -0.5 * taper, 0.5 * taper).astype(np.float32)
    # The hair's colour along the edge (the head's pixels only), smoothed over a fifth of a face.
    worn = (alpha[edge:edge + look, c0:c1] > 0.5).astype(np.float32)[..., None]  # (look, c1 - c0, 1)
    weight = worn.sum(axis=0)
    sigma = max(1.0, 0.2 * face_w)
    colour = cv2.GaussianBlur((rgb[edge:edge + look, c0:c1] * worn).sum(axis=0)[None], (0, 0), sigma)[0] \
        / np.maximum(cv2.GaussianBlur(weight[None], (0, 0), sigma)[0], 1e-6)[..., None]
    # The hair's own strands at the edge carry on a little way up, then the smoothed colour (it
    # alone drew a line where the photo's detail stopped); the shading toward the outline grows in
    # over the same rows from none at the edge, as the photo's hair below it has none (at full
    # strength from the first row, a step showed along the cut).
    strands = (rgb[edge:edge + 2, c0:c1].mean(axis=0) - colour) * (strip[c0:c1] > 0.5)[:, None]
    carry = np.exp(-(edge - ys) / max(HEAD_CARRY * face_h, 1.0))[..., None]  # (edge, 1, 1)
    onset = 1.0 - np.exp(-(edge - 1 - ys) / max(HEAD_CARRY * face_h, 1.0))  # (edge, 1): 0 on the row above the edge
    shade = 1.0 - (1.0 - _form_shade(ext_alpha, face_w=face_w)) * onset
    ext_rgb = (colour[None] + strands[None] * carry) * shade[..., None]
    # (textured from the hair alone: above the face's oval, half a face at most)
    reach = int(np.clip(face_box[1] - edge, 8, 0.5 * face_h))
    ext_rgb = ext_rgb + _hair_texture(rgb[:, c0:c1], alpha[:, c0:c1], edge=edge, worn=ext_alpha > 0, reach_px=reach)
    keep = np.zeros(alpha.shape, bool)
    keep[:int(np.ceil(edge + HAIR_FADE * face_h)) + 1, max(int(run[0]) - 2, 0):int(run[1]) + 3] = True
    fill = np.zeros(alpha.shape, np.float32)
    fill[edge - 1:edge + look, run[0]:run[1]] = strip[run[0]:run[1]]
    return _Head(rgb=ext_rgb.astype(np.float32), alpha=ext_alpha, keep=keep, fill=fill, columns=(c0, c1))


def _head_cut(alpha: np.ndarray, inside: np.ndarray, *,
              face_box: np.ndarray) -> tuple[int, int, np.ndarray, tuple[int, int]] | None:
    """(edge, look, strip, run) of a head the photo's top edge cuts: `edge` the photo's first whole
    row, `look` the rows below it read, `strip` (w,) the matte's maximum over them and `run`
    (first, stop) the head's columns there; or None: the edge lies at the surround's own top or
    below the eyes, the run is narrower than HEAD_MIN_RUN or wider than twice HEAD_MAX_HALF_WIDTH
    face widths (a dark ground the matte takes for person: continued, a flat brim across the
    frame), or it reaches a side edge of the photo (a head in the corner: its continued side rose
    as a hard vertical edge beside the photo's faded one)."""
    rows = np.nonzero(inside.any(axis=1))[0]
    columns = np.nonzero(inside.any(axis=0))[0]
    face_w, face_h = float(face_box[2] - face_box[0]), float(face_box[3] - face_box[1])
    if not len(rows) or rows[0] < 2 or rows[0] + 1 >= face_box[1] + HEAD_EYES * face_h:
        return None
    edge = int(rows[0]) + 1  # the first whole row (the one before is mixed with the black beyond)
    # The segmenter's matte thins toward the photo's edge (0.54 at the mohawk's cut, whole 10 px
    # in): the cut is where the head's matte is whole within HEAD_LOOK face heights of the edge.
    look = max(2, int(round(HEAD_LOOK * face_h)))
    strip = alpha[edge:edge + look].max(axis=0)  # (w,)
    run = _run_over(strip > 0.5, face_box=face_box)
    if run is None or not HEAD_MIN_RUN * face_w <= run[1] - run[0] <= 2 * HEAD_MAX_HALF_WIDTH * face_w:
        return None
    if run[0] <= columns[0] + EDGE_MIXED_PX or run[1] >= columns[-1] + 1 - EDGE_MIXED_PX:
        return None
    return edge, look, strip, run


def _head_ellipse(alpha: np.ndarray, *, edge: int, half: float, centre: float, face_box: np.ndarray,
                  whole: int) -> tuple[float, float, float]:
    """(a, b, centre row) of the head's outline above row `edge`, where the matte's run about
    column `centre` is `half` px from it: an ellipse b = HEAD_ROUND a that meets the outline there
    at the slope it has over the HEAD_SLOPE_ROWS face heights below the first `whole` rows (where
    the segmenter's matte is thin): vertical sides rise into a half dome, converging ones (a
    pompadour's top) round off soon; a at most HEAD_MAX_HALF_WIDTH face widths; its top at most
    HEAD_TOP face heights above the face oval's top, or HEAD_MIN_RISE above the edge (flattened
    to reach no higher)."""
    face_w, face_h = float(face_box[2] - face_box[0]), float(face_box[3] - face_box[1])
    rows = whole + max(2, int(round(HEAD_SLOPE_ROWS * face_h)))
    lower = _run_over(alpha[min(edge + rows, len(alpha) - 1)] > 0.5, face_box=face_box, at=centre)
    slope = 0.0 if lower is None else float(np.clip((0.5 * (lower[1] - lower[0]) - half) / rows, 0.0, HEAD_MAX_SLOPE))
    # On x = a sqrt(1 - (t / b)^2), dx/dt = -t / (R^2 x) at height t above the centre (R = b / a).
    above = slope * HEAD_ROUND ** 2 * half  # the edge's height above the centre
    a = max(float(np.hypot(half, above / HEAD_ROUND)), 1.0)
    if a > HEAD_MAX_HALF_WIDTH * face_w:  # (_head_cut's run is at most as wide)
        a = HEAD_MAX_HALF_WIDTH * face_w
        above = HEAD_ROUND * float(np.sqrt(max(a * a - half * half, 0.0)))
    b = HEAD_ROUND * a
    allowed = max(edge - (face_box[1] - HEAD_TOP * face_h), HEAD_MIN_RISE * face_h)
    if b - above > allowed:
        squash = allowed / (b - above)
        b, above = b * squash, above * squash
    return a, b, edge + above


def _run_over(person: np.ndarray, *, face_box: np.ndarray, at: float | None = None) -> tuple[int, int] | None:
    """(first, stop) of the run of True in the (w,) `person` that holds column `at` (by default
    the one that overlaps most of the face's columns, face_box[0]..face_box[2]), or None."""
    padded = np.concatenate([[False], person, [False]])
    change = np.flatnonzero(padded[1:] != padded[:-1])
    runs = change.reshape(-1, 2)  # (first, stop) of each run
    if not len(runs):
        return None
    if at is not None:
        hit = runs[(runs[:, 0] <= at) & (at < runs[:, 1])]
        return None if not len(hit) else (int(hit[0, 0]), int(hit[0, 1]))
    overlap = np.minimum(runs[:, 1], face_box[2]) - np.maximum(runs[:, 0], face_box[0])
    best = int(np.argmax(overlap))
    return None if overlap[best] <= 0 else (int(runs[best, 0]), int(runs[best, 1]))


def _hair_texture(rgb: np.ndarray, alpha: np.ndarray, *, edge: int, worn: np.ndarray, reach_px: int) -> np.ndarray:
    """(edge, w, 3) float32 the texture of the hair within `reach_px` rows below the photo's top
    row `edge`, quilted over the continued head (`worn`: (edge, w) bool)."""
    h, w = alpha.shape
    stop = min(edge + reach_px, h)
    hair = np.zeros((stop, w), bool)
    hair[edge:] = alpha[edge:stop] > 0.5
    wanted = np.zeros_like(hair)
    wanted[:edge] = worn
    tile_px = min(tile_size((h, h)), max(reach_px // 2, 12))
    return texture_over(rgb[:stop], known=hair, wanted=wanted, tile_px=tile_px)[:edge]


def _continue_body(rgb: np.ndarray, alpha: np.ndarray, inside: np.ndarray, *,
                   face_box: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(rgb, alpha) with the body continued beyond the photo's left and right edges where the
    person matte reaches them below the face (most head-and-shoulders photos cut the shoulders):
    a camera moving away would otherwise show a body ending in a straight vertical cut, a person
    pasted on the extended background. `face_box` (x0, y0, x1, y1) in surround px."""
    out_rgb, out_alpha = rgb.copy(), alpha.copy()
    w = rgb.shape[1]
    for flip in (False, True):  # the left edge, then the right one (mirrored, done as the left)
        f = (lambda a: a[:, ::-1]) if flip else (lambda a: a)
        box = np.array([w - 1 - face_box[2], face_box[1], w - 1 - face_box[0], face_box[3]]) if flip else face_box
        ext = _continue_left(f(out_rgb), f(out_alpha), f(inside), face_box=box)
        if ext is None:
            _fade_cut_body(f(out_alpha), f(inside), face_box=box)  # (in place: f gives a view)
            continue
        first, ext_rgb, ext_alpha = ext  # over columns first.. left of the photo (of the flipped surround)
        stop = first + ext_alpha.shape[1]
        cols = slice(w - stop, w - first) if flip else slice(first, stop)
        a = f(ext_alpha)[..., None]
        out_rgb[:, cols] = np.clip(out_rgb[:, cols] * (1.0 - a) + f(ext_rgb) * a + 0.5, 0, 255).astype(np.uint8)
        out_alpha[:, cols] = np.maximum(out_alpha[:, cols], f(ext_alpha))
    return out_rgb, out_alpha


def _fade_cut_body(alpha: np.ndarray, inside: np.ndarray, *, face_box: np.ndarray) -> None:
    """Fades, in place, the (h, w) person matte below the neck out over HAIR_FADE face heights
    toward the photo's left edge (the first column of `inside`), as _soften_cut_hair does above
    it: a body that is not continued there (two garments, a hand) ends as if out of focus rather
    than in a straight vertical cut."""
    columns = np.nonzero(inside.any(axis=0))[0]
    if not len(columns) or columns[0] < 2:  # (the photo reaches the surround's own edge: no cut shows)
        return
    face_h = float(face_box[3] - face_box[1])
    neck = max(int(np.ceil(face_box[3] + CONTINUE_BELOW_CHIN * face_h)), 0)
    x = np.arange(alpha.shape[1], dtype=np.float32) - float(columns[0])
    alpha[neck:] *= smoothstep(x, 0.0, max(HAIR_FADE * face_h, 1.0))[None, :].astype(np.float32)


def _continue_left(rgb: np.ndarray, alpha: np.ndarray, inside: np.ndarray, *,
                   face_box: np.ndarray) -> tuple[int, np.ndarray, np.ndarray] | None:
    """The body continued beyond the photo's left edge, as (first, (h, e, 3) float32 colour,
    (h, e) float32 matte) over the surround's columns first..first + e (left of the photo, as far
    out as an arm can reach), or None if the photo's left edge cuts no body (or lies at the
    surround's own edge). The matte's profile down the photo's first whole column moves down as it goes
    out, at the slope the shoulder's outline has near the edge (shoulders fall away from the neck),
    and ends at the arm's outer edge; its colour is the clothing's along that column, smoothed,
    with the texture of the clothing by the edge, quilted (continued the same way, its detail would be streaks)."""
    import cv2

    columns = np.nonzero(inside.any(axis=0))[0]
    rows = np.nonzero(inside.any(axis=1))[0]
    if not len(columns) or columns[0] < 2:
        return None
    edge = int(columns[0]) + 1  # a column inside: the first one is interpolated with the outside
    face_w = float(face_box[2] - face_box[0])
    neck = int(np.clip(face_box[3] + CONTINUE_BELOW_CHIN * (face_box[3] - face_box[1]), rows[0], rows[-1]))
    profile = _body_run(alpha[:, edge], start=neck, stop=int(rows[-1]))
    if profile is None or (profile > 0.5).sum() < CONTINUE_MIN_RUN * float(face_box[3] - face_box[1]):
        return None
    reach = max(8, int(face_w))  # the clothing compared with the ground and textured from: a face wide
    if _edge_is_background(rgb, alpha, inside, edge=edge, run=profile > 0.5, reach_px=reach) \
            or not _one_garment(rgb, run=profile > 0.5, edge=edge):
        return None
    slope = _shoulder_slope(alpha, edge, neck, step_px=max(3, int(round(0.25 * face_w))))
    # The clothing's colour down the edge, averaged over the body only and smoothed over a fifth of
    # a face: its folds and patterns, continued outward, would be streaks.
    colour = np.median(rgb[:, edge:edge + 4].astype(np.float32), axis=1)  # (h, 3)
    weight = profile[:, None, None]
    sigma = max(1.0, 0.2 * face_w)
    colour = cv2.GaussianBlur(colour[:, None, :] * weight, (0, 0), sigmaX=0.1, sigmaY=sigma) \
        / np.maximum(cv2.GaussianBlur(weight, (0, 0), sigmaX=0.1, sigmaY=sigma), 1e-6)[..., None]
    h = len(alpha)
    # The arm's outer edge, in face widths from the face's centre: a body wider than that at the
    # edge (nearer the camera, or broader) still rounds off a shoulder's cap beyond it.
    centre_x = 0.5 * (face_box[0] + face_box[2])
    half_width = max(CONTINUE_HALF_WIDTH, (centre_x - edge) / face_w + SHOULDER_CAP)
    # Only the columns the arm can reach (beyond them the matte would be 0 anyway).
    first = int(np.clip(np.floor(centre_x - (half_width + CONTINUE_TAPER) * face_w) - 1, 0, edge - 1))
    out_x = np.arange(first, edge, dtype=np.float32)
    ys, xs = np.mgrid[0:h, first:edge].astype(np.float32)
    map_y = ys - slope * (edge - xs)  # (h, edge): the profile row each pixel continues
    map_x = np.zeros_like(map_y)
    ext_alpha = cv2.remap(profile[:, None], map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
    ext_rgb = cv2.remap(colour, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    ext_alpha = ext_alpha * _arm_outline(ext_alpha, out_x, face_box=face_box, half_width=half_width)
    ext_rgb = ext_rgb * _form_shade(ext_alpha, face_w=face_w)[..., None]
    ext_rgb = ext_rgb + _clothing_texture(rgb, alpha, inside, edge=edge, first=first, worn=ext_alpha > 0,
                                          reach_px=reach)
    # Over what lies beyond the photo, and its first column, which the framing blended with the
    # black beyond it (kept, a dark line down the seam).
    beyond = ~inside[:, first:edge]
    beyond[:, -1] = True
    return first, ext_rgb, (ext_alpha * beyond).astype(np.float32)


def _clothing_texture(rgb: np.ndarray, alpha: np.ndarray, inside: np.ndarray, *, edge: int, first: int,
                      worn: np.ndarray, reach_px: int) -> np.ndarray:
    """(h, edge - first, 3) float32 the texture of the clothing within `reach_px` columns of the
    photo's left `edge`, quilted over the continued clothing (`worn`: (h, edge - first) bool) in
    tiles small enough that the clothing there holds whole ones."""
    h = len(alpha)
    stop = edge + reach_px
    body = np.zeros((h, stop - first), bool)
    body[:, edge - first:] = inside[:, edge:stop] & (alpha[:, edge:stop] > 0.5)
    wanted = np.zeros_like(body)
    wanted[:, :edge - first] = worn
    tile_px = min(tile_size((h, h)), max(reach_px // 2, 12))
    return texture_over(rgb[:, first:stop], known=body, wanted=wanted, tile_px=tile_px)[:, :edge - first]


# The body at the edge is continued only if at least this share of its rows lie within
# GARMENT_SPREAD RGB levels of its median colour (suits, coats, a painting's brushed dress: 0.73-1.0).
ONE_GARMENT_SHARE = 0.6
GARMENT_SPREAD = 40.0


def _one_garment(rgb: np.ndarray, *, run: np.ndarray, edge: int) -> bool:
    """Whether the body down column `edge` (the rows of `run`) is one garment: an edge that cuts a
    sleeve and the bare arm below it, a hand, or another person beside (the man in glasses: 0.36
    of the rows; Morisot's coat and hand: 0.28) continued row by row is a block of bands beside the
    person."""
    colours = np.median(rgb[run, edge:edge + 4].astype(np.float32), axis=1)  # (rows, 3)
    off = np.linalg.norm(colours - np.median(colours, axis=0), axis=1)
    return bool(np.mean(off < GARMENT_SPREAD) >= ONE_GARMENT_SHARE)


def _edge_is_background(rgb: np.ndarray, alpha: np.ndarray, inside: np.ndarray, *, edge: int, run: np.ndarray,
                        reach_px: int) -> bool:
    """Whether what the matte calls body along column `edge` (the rows of `run`) has the
    background's colour rather than the body's: the segmenter, on a painting or a busy ground,
    can take the background by a picture's edge for the person, which continued would be a block
    of the background's colour beside the person. Compared by median colour: the run at the edge;
    the person within `reach_px` columns of it (the clothing); the background there."""
    band = slice(edge, edge + reach_px)
    person = inside[:, band] & (alpha[:, band] > 0.5)
    ground = inside[:, band] & (alpha[:, band] == 0.0)
    if person.sum() < 64 or ground.sum() < 64:
        return False
    region = rgb[:, band].astype(np.float32)
    at_edge = np.median(rgb[run, edge:edge + 4].reshape(-1, 3).astype(np.float32), axis=0)
    to_body = np.linalg.norm(at_edge - np.median(region[person], axis=0))
    to_ground = np.linalg.norm(at_edge - np.median(region[ground], axis=0))
    return bool(to_ground < to_body)


def _arm_outline(ext_alpha: np.ndarray, out_x: np.ndarray, *, face_box: np.ndarray, half_width: float) -> np.ndarray:
    """(h, w) float32 0..1 over columns `out_x`: the arm's outer edge, `half_width` face widths out
    from the face's centre, straight down, its top rounded into the shoulder (a quarter circle of
    SHOULDER_CAP face widths from where the continued shoulder's top meets it), soft over
    CONTINUE_TAPER face widths."""
    face_w = float(face_box[2] - face_box[0])
    reach = (0.5 * (face_box[0] + face_box[2]) - out_x) / face_w  # face widths from the face's centre
    inner = half_width - SHOULDER_CAP  # where the cap starts to round off
    rows = np.arange(len(ext_alpha), dtype=np.float32)[:, None]
    # The shoulder's top at the cap's start, per column there: its first row over half.
    column = int(np.clip(np.argmin(np.abs(reach - inner)), 0, ext_alpha.shape[1] - 1))
    body = np.nonzero(ext_alpha[:, column] > 0.5)[0]
    cap_top = float(body[0]) if len(body) else 0.0
    down = np.clip((rows - cap_top) / (SHOULDER_CAP * face_w), 0.0, 1.0)  # 0 at the top .. 1 a cap lower
    limit = inner + SHOULDER_CAP * np.sqrt(1.0 - (1.0 - down) ** 2)  # the cap's outline, face widths
    return smoothstep(limit - reach[None, :], -0.5 * CONTINUE_TAPER, 0.5 * CONTINUE_TAPER)


def _form_shade(ext_alpha: np.ndarray, *, face_w: float) -> np.ndarray:
    """(h, w) float32 brightness of the continued clothing: up to a fifth darker toward its
    outline, where the body turns away from the light (flat cloth up to its edge reads as cut
    out of paper)."""
    import cv2

    inside = (ext_alpha > 0.5).astype(np.uint8)
    depth = cv2.distanceTransform(np.pad(inside, 1, constant_values=1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    return (1.0 - 0.2 * np.exp(-depth / max(0.15 * face_w, 1.0))).astype(np.float32)


def _body_run(column: np.ndarray, *, start: int, stop: int) -> np.ndarray | None:
    """(h,) float32 the matte down one column, kept only over the body: the run of person pixels
    (> 0.5) that reaches the photo's last row `stop` and begins at or below row `start` (with its
    soft top edge); None if there is none. Whatever else the matte finds along the edge (another
    person, an arm across) is not continued."""
    person = column > 0.5
    if not person[stop]:
        return None
    clear = np.nonzero(~person[:stop + 1])[0]
    top = int(clear[-1]) + 1 if len(clear) else 0
    if top < start:
        top = start
    out = np.zeros(len(column), np.float32)
    soft = max(top - 3, start)
    out[soft:stop + 1] = column[soft:stop + 1]
    return out


def _shoulder_slope(alpha: np.ndarray, edge: int, neck: int, *, step_px: int) -> float:
    """How far (px per px, 0..1.5) the top of the body drops per pixel outward at the photo's left
    edge: its top row there against `step_px` columns further in (0 where either has no body)."""
    def top(column: int) -> int | None:
        body = np.nonzero(alpha[neck:, column] > 0.5)[0]
        return None if not len(body) else neck + int(body[0])

    outer, inner = top(edge), top(min(edge + step_px, alpha.shape[1] - 1))
    if outer is None or inner is None:
        return 0.0
    return float(np.clip((outer - inner) / step_px, 0.0, 1.5))


def _photo_matte(photo: np.ndarray, origin_xy: np.ndarray, extent_xy: np.ndarray,
                 segmenter: Segmenter) -> tuple[np.ndarray, tuple[int, int]]:
    """The person matte (float32, sharpened to a thin soft edge) of the part of `photo` that lies
    within `extent_xy` photo pixels from `origin_xy`, and that part's (x, y) offset in the photo.
    Segmented on the photo's own pixels (the extension beyond them would read as a studio wall
    around a small figure) and averaged with its mirror image's matte: the segmenter's misses are
    not symmetric, so the average finds a body that one side of it loses."""
    h, w = photo.shape[:2]
    x0, y0 = (max(int(np.floor(v)), 0) for v in origin_xy)
    x1, y1 = min(int(np.ceil(origin_xy[0] + extent_xy[0])), w), min(int(np.ceil(origin_xy[1] + extent_xy[1])), h)
    part = photo[y0:y1, x0:x1]
    raw = 0.5 * (segmenter.alpha(part) + segmenter.alpha(np.ascontiguousarray(part[:, ::-1]))[:, ::-1])
    return np.clip((raw - 0.3) / 0.4, 0.0, 1.0).astype(np.float32), (x0, y0)


def _warped_matte(matte: np.ndarray, affine: np.ndarray, size_wh: tuple[int, int]) -> np.ndarray:
    """(h, w) float32 `matte` resampled where `affine` (output pixel -> matte pixel) maps; 0 off it."""
    import cv2

    return cv2.warpAffine(matte, affine.astype(np.float32), size_wh, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)


def _blurred(image: np.ndarray, *, sigma_px: float) -> np.ndarray:
    """(h, w, c) float32 Gaussian blur of `image`, computed at an eighth of its size (a wide blur
    at full size costs a tenth of a second on a megapixel)."""
    import cv2

    h, w = image.shape[:2]
    small = cv2.resize(image.astype(np.float32), (max(w // 8, 1), max(h // 8, 1)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma_px / 8)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
