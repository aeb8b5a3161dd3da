"""Small shared helpers for painting layers into frames."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from facetalk.imaging import LUMA


def bilinear(image: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """(N, C) float32 colours of an (H, W, C) image at (N, 2) sub-pixel positions (clamped)."""
    h, w = image.shape[:2]
    x = np.clip(xy[:, 0], 0, w - 1.001)
    y = np.clip(xy[:, 1], 0, h - 1.001)
    x0, y0 = x.astype(np.intp), y.astype(np.intp)
    fx, fy = (x - x0)[:, None], (y - y0)[:, None]
    top = image[y0, x0] * (1 - fx) + image[y0, x0 + 1] * fx
    bottom = image[y0 + 1, x0] * (1 - fx) + image[y0 + 1, x0 + 1] * fx
    return (top * (1 - fy) + bottom * fy).astype(np.float32)


def material_lookup(material: np.ndarray) -> np.ndarray:
    """(F + 1,) materials indexable by a triangle-id buffer, where -1 (no triangle) maps to 255."""
    return np.append(material, np.uint8(255))


def mix(base: np.ndarray, layer: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """base + (layer - base) * alpha, with alpha (N,) over (N, C) colours."""
    return base + (np.broadcast_to(layer, base.shape) - base) * alpha[:, None]


def pixel_box(points: np.ndarray, *, pad: float, shape: tuple[int, ...]) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) of the pixels within `pad` of (N, 2) points, clipped to an image of
    `shape` (H, W, ...); None if nothing of it lies in the image."""
    h, w = shape[:2]
    if not len(points):  # the compiled pass reads the first point unchecked
        return None
    # Compiled: numpy's reductions and rounding cost ~12 us a call on a few points, and a frame
    # asks for a few dozen boxes. The pad is taken in the points' precision, as numpy would.
    x0, y0, x1, y1 = _pixel_box(points, points.dtype.type(pad), h, w)
    return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else None


@njit(cache=True, nogil=True)
def _pixel_box(points, pad, h, w):
    lo_x, lo_y, hi_x, hi_y = points[0, 0], points[0, 1], points[0, 0], points[0, 1]
    for k in range(1, points.shape[0]):
        lo_x, hi_x = min(lo_x, points[k, 0]), max(hi_x, points[k, 0])
        lo_y, hi_y = min(lo_y, points[k, 1]), max(hi_y, points[k, 1])
    return (max(int(math.floor(lo_x - pad)), 0), max(int(math.floor(lo_y - pad)), 0),
            min(int(math.ceil(hi_x + pad)) + 1, w), min(int(math.ceil(hi_y + pad)) + 1, h))


# A high-passed noise field's neighbour correlation (lag 1 px, after taking off a 1.5 px Gaussian
# blur, as photo_grain measures grain) when the noise is white noise blurred by a Gaussian of
# sigma GRAIN_BLUR_PX (measured on 256² fields).
GRAIN_BLUR_PX = np.array([0.0, 0.5, 0.7, 0.9, 1.2, 1.6])
GRAIN_NEIGHBOUR_CORR = np.array([-0.1, 0.11, 0.4, 0.57, 0.7, 0.8])


def _neighbour_corr(luma: np.ndarray) -> float:
    """The correlation of horizontally and vertically neighbouring pixels of an (H, W) field's
    fine detail (the field less its 1.5 px Gaussian blur): about -0.1 for white noise, 0.38-0.80
    for the test portraits' faces, larger for coarser grain."""
    import cv2

    high = (luma - cv2.GaussianBlur(luma, (0, 0), 1.5))[2:-2, 2:-2]
    energy = max(float(np.mean(high * high)), 1e-9)
    return 0.5 * float(np.mean(high[:, 1:] * high[:, :-1]) + np.mean(high[1:] * high[:-1])) / energy


def luminance_grain(image: np.ndarray, grain: np.ndarray, *, box: tuple[int, int, int, int] | None) -> np.ndarray:
    """(H, W, 1) float32: the (H, W, 3) `grain` as luminance alone, at its level and as coarse as
    the photo's own fine detail inside `box` (x0, y0, x1, y1; the face). A photo's fine detail is
    nearly all luminance (its chroma 0-0.25 of its luma over the test portraits, 0 on grey prints):
    noise per channel put coloured speckles in a grey print's mouth. And it is not pixel-fine
    (neighbours correlate 0.38-0.80 in the test portraits' faces, white noise -0.1): a crisp
    speckle in an old print's or a painting's mouth read as digital noise. A (H, W, 1) `grain` is
    taken to be one already (the renderer makes it once for the mouth and the lids)."""
    import cv2

    if grain.shape[-1] == 1:
        return grain
    mono = grain.mean(axis=2) * np.float32(np.sqrt(3.0))
    if box is None or min(box[2] - box[0], box[3] - box[1]) < 16:
        return mono[..., None]
    x0, y0, x1, y1 = box
    corr = _neighbour_corr(image[y0:y1, x0:x1].astype(np.float32) @ LUMA.astype(np.float32))
    sigma = float(np.interp(corr, GRAIN_NEIGHBOUR_CORR, GRAIN_BLUR_PX))
    if sigma < 0.3:
        return mono[..., None]
    blurred = cv2.GaussianBlur(mono, (0, 0), sigma)
    return (blurred * np.float32(mono.std() / max(float(blurred.std()), 1e-6)))[..., None]


def row_norms(d: np.ndarray) -> np.ndarray:
    """(N,) the lengths of (N, 2) `d`, as numpy.linalg.norm(d, axis=1) takes them (x^2 + y^2, then the
    root, in d's dtype, the same bits), without its ~5 us of checks (the mouth and lip warp call it per frame)."""
    square = d * d
    return np.sqrt(square[:, 0] + square[:, 1])
