"""Read any photo Pillow understands as 8-bit RGB; write RGB arrays as PNG/JPEG."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from facetalk.errors import InputError
from facetalk.io._files import input_file, partial_path

if TYPE_CHECKING:
    from PIL import Image

MAX_PIXELS = 100_000_000
_WHITE = (255, 255, 255, 255)


def load_image(path: str | os.PathLike[str]) -> np.ndarray:
    """Decode an image file to an (H, W, 3) uint8 RGB array, upright per its EXIF orientation.

    Transparency is composited onto white; 16-bit, 32-bit and float images are scaled down to
    8 bits rather than clipped. Raises InputError if the file is missing, empty, not an image,
    truncated or corrupt, zero-sized or larger than 100 megapixels.
    """
    from PIL import Image, ImageOps

    path = input_file(path, what="image")
    fail = f"cannot read image '{path}'"
    try:
        # Pillow warns above ~89 MP and raises above ~179 MP; our own limit below is stricter.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(path)
    except Image.UnidentifiedImageError as err:
        raise InputError(f"{fail}: not an image file (or an unsupported or zero-sized one)") from err
    except Image.DecompressionBombError as err:
        raise InputError(f"{fail}: larger than {MAX_PIXELS // 1_000_000} megapixels") from err
    except Exception as err:
        raise InputError(f"{fail}: corrupt image ({err})") from err
    with im:
        width, height = im.size  # never 0: Pillow treats a zero-sized image as unidentified
        if width * height > MAX_PIXELS:
            raise InputError(f"{fail}: {width}x{height} is larger than {MAX_PIXELS // 1_000_000} megapixels")
        try:
            # load() decodes every pixel, so truncated data fails here instead of later
            # (ImageFile.LOAD_TRUNCATED_IMAGES is left False on purpose).
            im.load()
            return _to_rgb(ImageOps.exif_transpose(im))
        except Exception as err:
            raise InputError(f"{fail}: truncated or corrupt image ({err})") from err


def _to_rgb(im: Image.Image) -> np.ndarray:
    """Any Pillow mode -> (H, W, 3) uint8 RGB."""
    from PIL import Image

    if im.mode.startswith("I;16"):
        # Pillow's own convert() clips 16-bit values at 255 (a white image); scale the full range instead.
        gray = np.asarray(im).astype(np.float32) / 257.0
    elif im.mode in ("I", "F"):
        # No fixed nominal range (32-bit int, or float), so stretch the values actually present.
        values = np.asarray(im).astype(np.float64)
        lo, hi = float(values.min()), float(values.max())
        gray = (values - lo) * (255.0 / (hi - lo) if hi > lo else 0.0)
    else:
        if im.has_transparency_data:
            im = Image.alpha_composite(Image.new("RGBA", im.size, _WHITE), im.convert("RGBA"))
        return np.array(im.convert("RGB"))
    gray = np.clip(np.rint(gray), 0, 255).astype(np.uint8)
    return np.repeat(gray[:, :, None], 3, axis=2)


def save_image(path: str | os.PathLike[str], image: np.ndarray) -> None:
    """Write an (H, W, 3) uint8 RGB array; the format (PNG, JPEG, ...) follows the file extension.

    Written to a hidden file beside `path` and renamed into place, so `path` is never half-written.
    """
    from PIL import Image

    path = Path(path)
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected an (H, W, 3) uint8 array, got {image.shape} {image.dtype}")
    fmt = Image.registered_extensions().get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"cannot tell the image format from the extension of '{path}'")
    options = {"quality": 95} if fmt == "JPEG" else {}
    tmp = partial_path(path)
    try:
        Image.fromarray(image).save(tmp, format=fmt, **options)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # no-op after a successful rename
