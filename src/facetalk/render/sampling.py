"""Small shared helpers for painting layers into frames."""

from __future__ import annotations

import math

import numpy as np
from numba import njit


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
