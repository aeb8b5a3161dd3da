"""The visible label: small white "AI-generated" text on a darkened box in the bottom-right corner."""

from __future__ import annotations

import numpy as np

TEXT = "AI-generated"


def draw_label(image: np.ndarray, text: str = TEXT) -> np.ndarray:
    """A copy of an (H, W, 3) uint8 RGB frame with `text` in its bottom-right corner.

    The text is about 3 % of the shorter side tall (never under 8 px, so it stays legible on
    small frames) and sits on a box that halves the brightness behind it, readable on any picture.
    """
    import cv2

    h, w = image.shape[:2]
    font = cv2.FONT_HERSHEY_SIMPLEX
    scale = max(8.0, 0.03 * min(h, w)) / cv2.getTextSize(text, font, 1.0, 1)[0][1]
    thickness = max(1, round(scale * 1.5))
    (tw, th), baseline = cv2.getTextSize(text, font, scale, thickness)
    pad = max(2, th // 3)
    x1, y1 = w - pad, h - pad
    x0, y0 = max(0, x1 - tw - 2 * pad), max(0, y1 - th - baseline - 2 * pad)
    out = image.copy()
    out[y0:y1, x0:x1] //= 2
    cv2.putText(out, text, (x0 + pad, y1 - pad - baseline), font, scale, (255, 255, 255), thickness,
                cv2.LINE_AA)
    return out
