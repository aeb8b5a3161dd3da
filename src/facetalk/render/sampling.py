"""Small shared helpers for painting layers into frames."""

from __future__ import annotations

import numpy as np


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
    x0, y0 = np.maximum(np.floor(points.min(axis=0) - pad).astype(int), 0)
    x1, y1 = np.minimum(np.ceil(points.max(axis=0) + pad).astype(int) + 1, (w, h))
    return (int(x0), int(y0), int(x1), int(y1)) if x0 < x1 and y0 < y1 else None
