"""Framing: which square of the photo becomes the video."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CropBox:
    """An axis-aligned box in photo pixels: x0, y0 inclusive; side = x1 - x0."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0


def face_crop_box(image_hw: tuple[int, int], face_bbox: tuple[float, float, float, float], *,
                  margin: float = 3.0) -> CropBox:
    """Square box centred on the face, `margin` face heights tall, lowered a little for the
    shoulders, and kept inside the photo (shrunk if the photo is too small for the margin)."""
    h, w = image_hw
    fx0, fy0, fx1, fy1 = face_bbox
    face = max(fx1 - fx0, fy1 - fy0)
    side = int(round(min(margin * face, h, w)))
    side -= side % 2
    cx = 0.5 * (fx0 + fx1)
    cy = 0.5 * (fy0 + fy1) + 0.12 * face
    x0 = int(round(np.clip(cx - side / 2, 0, w - side)))
    y0 = int(round(np.clip(cy - side / 2, 0, h - side)))
    return CropBox(x0, y0, x0 + side, y0 + side)


def full_box(image_hw: tuple[int, int]) -> CropBox:
    """The whole photo (--crop full)."""
    h, w = image_hw
    return CropBox(0, 0, w, h)


def apply_crop(image: np.ndarray, box: CropBox, *, size: int) -> np.ndarray:
    """Cuts `box` out of `image` and resizes it to `size` px on its longer side (even dimensions)."""
    import cv2

    patch = image[box.y0:box.y1, box.x0:box.x1]
    scale = size / max(box.width, box.height)
    out_w = max(2, int(round(box.width * scale / 2)) * 2)
    out_h = max(2, int(round(box.height * scale / 2)) * 2)
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LANCZOS4
    return cv2.resize(patch, (out_w, out_h), interpolation=interp)
