"""Variants of a portrait for coverage checks: painterly and sketched renditions, mirror,
rotations, grayscale, a darker skin tone, and drawn-on spectacles."""

from __future__ import annotations

import numpy as np


def photo_variants(photo: np.ndarray, *, eye_centres: tuple[tuple[int, int], tuple[int, int]] | None = None
                   ) -> dict[str, np.ndarray]:
    """Named (H, W, 3) uint8 variants of an RGB photo. `eye_centres` (px) places the spectacles;
    without it that variant is left out."""
    import cv2

    h, w = photo.shape[:2]
    rotated = {a: cv2.warpAffine(photo, cv2.getRotationMatrix2D((w / 2, h / 2), a, 1.0), (w, h),
                                 borderMode=cv2.BORDER_REFLECT) for a in (15, -15)}
    out = {
        "stylization": cv2.stylization(photo, sigma_s=60, sigma_r=0.45),
        "pencil-colour": cv2.pencilSketch(photo, sigma_s=60, sigma_r=0.07, shade_factor=0.05)[1],
        "detail-enhance": cv2.detailEnhance(photo),
        "mirrored": np.ascontiguousarray(photo[:, ::-1]),
        "rotated+15": rotated[15],
        "rotated-15": rotated[-15],
        "grayscale": cv2.cvtColor(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB),
        # Darker and warmer: a crude stand-in for another skin tone, exercising colour matching.
        "darker-skin-tone": np.clip((photo / 255.0) ** 1.8 * 255 * np.array([0.85, 0.72, 0.6]), 0, 255).astype(np.uint8),
    }
    if eye_centres is not None:
        glasses = photo.copy()
        (lx, ly), (rx, ry) = eye_centres
        radius = max(6, int(0.35 * np.hypot(rx - lx, ry - ly)))
        for cx, cy in eye_centres:
            cv2.circle(glasses, (cx, cy), radius, (25, 25, 25), max(2, radius // 8), cv2.LINE_AA)
        cv2.line(glasses, (lx + radius, ly), (rx - radius, ry), (25, 25, 25), max(2, radius // 8), cv2.LINE_AA)
        out["glasses"] = glasses
    return out
