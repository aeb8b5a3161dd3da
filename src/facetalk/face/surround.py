"""The photo around the framed crop, for a camera that moves away (distance > 1).

Zooming out shows what lies beyond the frame's edges: the photo itself where it has pixels (the
rest of the body, more background), and elsewhere its background extended, softened and with the
photo's own grain. The surround covers three times the frame's extent about the frame's centre,
at two thirds of the frame's scale for frames up to 512 px (a third at 1024 px, where it reaches
its 1024 px cap): at distance 1.5 a 512 px frame shows it at its own resolution.

Which pixels are the person (scaled with the face) and which the background (scaled less) comes
from one matte of the photo, segmented over all of the photo the surround holds (the frame alone
often shows too little of the body for the segmenter to find a dark suit on a dark ground) and
averaged with the matte of its mirror image; the camera takes it for the frame too, so the frame
and the photo around it split the person the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facetalk.face.appearance import fill_holes
from facetalk.face.mesh import PersonSegmenter
from facetalk.face.framing import CropBox

# The surround spans this many frame widths (and heights), centred on the frame: at the farthest
# distance (2) the view spans twice the frame about the face, which may sit off the frame's centre
# (a whole-photo crop), and moves down to keep a cut-off body cut by the frame.
EXTENT = 3.0
EDGE_FADE_PX = 48.0  # surround pixels over which the photo's edges fade into its extended background
# The surround has this many times the frame's pixels along each side: it covers EXTENT frames at
# RESOLUTION / EXTENT of the frame's scale, enough that the photo beyond the frame, magnified as the
# camera moves away, does not turn visibly blurrier than the frame beside it.
RESOLUTION = 2.0
MAX_SURROUND_PX = 1024  # ... up to this many pixels a side (a 1024² frame keeps a 1024² surround)
GRAIN_SEED = 0  # the extension's grain is the same on every render of a photo


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
                   segmenter: PersonSegmenter) -> Surround:
    """The surround of `box` (the frame's crop of the (H, W, 3) uint8 `photo`) for a frame of
    `frame_hw` pixels."""
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
    # The background: what is neither person nor beyond the photo, grown smoothly into both.
    known = inside & (cv2.dilate((alpha > 0).astype(np.uint8), np.ones((5, 5), np.uint8)) == 0)
    background = filled(rgb, known)
    # Near its edges the photo's background softens into a blurred extension of itself (as out of
    # focus), with the photo's own grain: where its detail stops at a line, the edge reads as a
    # picture pasted on a smear.
    soft = _with_grain(_blurred(background, sigma_px=EDGE_FADE_PX / 3), rgb, known)
    fade = np.clip(cv2.distanceTransform(inside.astype(np.uint8), cv2.DIST_L2, 3) / EDGE_FADE_PX, 0.0, 1.0)
    fade = fade * fade * (3.0 - 2.0 * fade)
    background = np.clip(background * fade[..., None] + soft * (1.0 - fade[..., None]) + 0.5, 0, 255).astype(np.uint8)
    fade = np.maximum(fade, alpha)[..., None]
    rgb = np.clip(rgb * fade + soft * (1.0 - fade) + 0.5, 0, 255).astype(np.uint8)
    frame_origin = (0.5 * (out_w - frame_w * scale), 0.5 * (out_h - frame_h * scale))
    photo_bottom = (photo.shape[0] - box.y0) * frame_h / box.height
    last_row = int(np.clip(np.floor(frame_origin[1] + photo_bottom * scale) - 1, 0, out_h - 1))
    return Surround(rgb=rgb, alpha=alpha, background=background, frame_alpha=frame_alpha,
                    frame_origin_px=frame_origin, scale=scale, photo_bottom_px=float(photo_bottom), body_cut_at_bottom=bool((alpha[last_row] > 0.5).any()))


def _photo_matte(photo: np.ndarray, origin_xy: np.ndarray, extent_xy: np.ndarray,
                 segmenter: PersonSegmenter) -> tuple[np.ndarray, tuple[int, int]]:
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


def filled(rgb: np.ndarray, known: np.ndarray, *, grain: bool = False) -> np.ndarray:
    """(h, w, 3) uint8: `rgb` where `known`, elsewhere grown smoothly from the known pixels (with
    the photo's grain if `grain`: a plate shows beside the person as the person shrinks, and a
    smooth patch there reads as a halo). The fill is smooth, so it is computed at half size (a
    quarter of the time) and enlarged."""
    import cv2

    h, w = known.shape
    half = (max(w // 2, 1), max(h // 2, 1))
    small = cv2.resize(rgb.astype(np.float32), half, interpolation=cv2.INTER_AREA)
    small_known = cv2.resize(known.astype(np.float32), half, interpolation=cv2.INTER_AREA) > 0.99
    grown = cv2.resize(fill_holes(small, small_known), (w, h), interpolation=cv2.INTER_LINEAR)
    if grain:
        grown = _with_grain(grown, rgb, known)
    return np.where(known[..., None], rgb, np.clip(grown + 0.5, 0, 255).astype(np.uint8))


def _blurred(image: np.ndarray, *, sigma_px: float) -> np.ndarray:
    """(h, w, 3) float32 Gaussian blur of `image`, computed at an eighth of its size (a wide blur
    at full size costs a tenth of a second on a megapixel)."""
    import cv2

    h, w = image.shape[:2]
    small = cv2.resize(image.astype(np.float32), (max(w // 8, 1), max(h // 8, 1)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma_px / 8)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _with_grain(image: np.ndarray, rgb: np.ndarray, known: np.ndarray) -> np.ndarray:
    """(h, w, 3) float32 `image` with grain as fine and as strong as the photo `rgb` shows on its
    `known` background (film grain, canvas, sensor noise): a smooth extension beside a grainy
    photo reads as a pasted frame."""
    import cv2

    if known.sum() < 64:
        return image
    photo = rgb.astype(np.float32)
    detail = photo - cv2.GaussianBlur(photo, (0, 0), 1.5)
    # The median deviation, not the spread: edges and patterns in the background are not grain.
    # Every third pixel of the background is plenty to measure it.
    strength = 1.4826 * np.median(np.abs(detail[known][::3]), axis=0)  # (3,) per channel
    rng = np.random.default_rng(GRAIN_SEED)
    noise = rng.standard_normal(photo.shape[:2], dtype=np.float32)  # one field: grain is mostly luminance
    noise = noise - cv2.GaussianBlur(noise, (0, 0), 1.5)  # the same band as the measured detail
    noise /= max(float(noise.std()), 1e-6)
    return image + noise[..., None] * strength
