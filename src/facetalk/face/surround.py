"""The photo around the framed crop, for a camera that moves away (distance > 1).

Zooming out shows what lies beyond the frame's edges: the photo itself where it has pixels (the
rest of the body, more background), and elsewhere its background extended smoothly. The
surround covers three times the frame's extent about the frame's centre, at a third of the
frame's scale: at the farthest distance (2) it is shown at two thirds of its resolution.
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
EDGE_FADE_PX = 12.0  # surround pixels over which the photo's edges fade into its extended background


@dataclass(frozen=True, eq=False)
class Surround:
    """rgb: (h, w, 3) uint8, the photo, and beyond its edges its background extended;
    alpha: (h, w) float32 person matte (0 beyond the photo); background: (h, w, 3) uint8, rgb with
    the person removed; frame_origin_px: (x, y) of the frame's top-left corner in surround pixels;
    scale: surround pixels per frame pixel; photo_bottom_px: where the photo ends below, in frame
    pixels; body_cut_at_bottom: the person reaches the photo's bottom edge (there is no more of
    the body to show below it)."""

    rgb: np.ndarray
    alpha: np.ndarray
    background: np.ndarray
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
    scale = 1.0 / EXTENT  # as many pixels as the frame
    out_w, out_h = int(round(frame_w * EXTENT * scale)), int(round(frame_h * EXTENT * scale))
    # Surround pixel (i, j) <- photo point origin + (j, i) * step.
    step = box.width / frame_w / scale
    origin = np.array([box.x0 + box.width / 2, box.y0 + box.height / 2]) - 0.5 * step * np.array([out_w, out_h])
    affine = np.array([[step, 0.0, origin[0]], [0.0, step, origin[1]]], np.float32)
    flags = cv2.INTER_AREA | cv2.WARP_INVERSE_MAP if step > 1 else cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    rgb = cv2.warpAffine(photo, affine, (out_w, out_h), flags=flags, borderMode=cv2.BORDER_CONSTANT)
    inside = cv2.warpAffine(np.ones(photo.shape[:2], np.uint8), affine, (out_w, out_h),
                            flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP, borderValue=0).astype(bool)
    alpha = np.where(inside, np.clip((segmenter.alpha(rgb) - 0.3) / 0.4, 0.0, 1.0), 0.0).astype(np.float32)
    # The background: what is neither person nor beyond the photo, grown smoothly into both.
    known = inside & (cv2.dilate((alpha > 0).astype(np.uint8), np.ones((5, 5), np.uint8)) == 0)
    background = np.clip(fill_holes(rgb.astype(np.float32), known) + 0.5, 0, 255).astype(np.uint8)
    # The photo's background fades into the extension near its edges, so they leave no hard line.
    fade = np.clip(cv2.distanceTransform(inside.astype(np.uint8), cv2.DIST_L2, 3) / EDGE_FADE_PX, 0.0, 1.0)
    fade = np.maximum(fade, alpha)[..., None]
    rgb = np.clip(rgb * fade + background * (1.0 - fade) + 0.5, 0, 255).astype(np.uint8)
    frame_origin = (0.5 * (out_w - frame_w * scale), 0.5 * (out_h - frame_h * scale))
    photo_bottom = (photo.shape[0] - box.y0) * frame_h / box.height
    last_row = int(np.clip(np.floor(frame_origin[1] + photo_bottom * scale) - 1, 0, out_h - 1))
    return Surround(rgb=rgb, alpha=alpha, background=background, frame_origin_px=frame_origin, scale=scale,
                    photo_bottom_px=float(photo_bottom), body_cut_at_bottom=bool((alpha[last_row] > 0.5).any()))
