"""Small image helpers every stage shares (below face/ and render/ in the import order)."""

from __future__ import annotations

import numpy as np

LUMA = np.array([0.299, 0.587, 0.114], np.float32)  # RGB -> luma (Rec. 601)
MAP_COLUMNS = 1024


def sample_points(image: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """(N, C) float32 samples of an (H, W, C) image at (N, 2) sub-pixel positions (x, y): OpenCV's
    bilinear interpolation (to 1/32 px), the border replicated. One remap call over the points:
    numpy gathers of the four neighbours cost about 20 times as much per point."""
    import cv2

    pixels = image if image.dtype == np.float32 else image.astype(np.float32)
    points = np.ascontiguousarray(xy, np.float32).reshape(-1, 2)
    n = len(points)
    # As a map at most MAP_COLUMNS wide: OpenCV refuses a map 32767 or more rows (or columns) long.
    # (A few hundred points, the mouth's per frame, stay one row: no padding to sample.)
    cols = min(max(n, 1), MAP_COLUMNS)
    rows = -(-max(n, 1) // cols)
    grid = np.zeros((rows * cols, 2), np.float32)
    grid[:n] = points
    grid = grid.reshape(rows, cols, 2)
    out = cv2.remap(pixels, grid[..., 0], grid[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out.reshape(rows * cols, -1)[:n]
