"""scripts/gather_portraits.py's held-out set: its own names and folder, the alpha compositing and
the stylized copies (no download: the functions on made-up images)."""

import fnmatch
import importlib.util
import io
import sys
from pathlib import Path

import numpy as np
from PIL import Image

_SPEC = importlib.util.spec_from_file_location(
    "gather_portraits", Path(__file__).resolve().parents[1] / "scripts" / "gather_portraits.py")
gp = importlib.util.module_from_spec(_SPEC)
sys.modules["gather_portraits"] = gp  # its dataclasses look their module up there
_SPEC.loader.exec_module(gp)


def _face_like(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:96, 0:80]
    base = np.stack([120 + x, 90 + y // 2, 60 + (x + y) // 3], axis=-1)
    return np.clip(base + rng.integers(-20, 20, base.shape), 0, 255).astype(np.uint8)


def test_heldout_names_are_apart_from_the_tuned_portraits():
    tuned = {e.name for e in gp.ENTRIES}
    held = [e.name for e in gp.HELDOUT]
    assert len(set(held)) == len(held) and not tuned & set(held)
    # --heldout clears only its own files, and the default run never clears a held-out one.
    assert all(fnmatch.fnmatch(f"{n}.png", "h[0-9][0-9]-*.png") for n in held)
    assert not any(fnmatch.fnmatch(f"{n}.png", "h[0-9][0-9]-*.png") for n in tuned)
    assert not any(fnmatch.fnmatch(f"{n}.png", "[0-9][0-9]-*.png") for n in held)
    assert all(e.style in ("", *gp.STYLES) for e in gp.HELDOUT + gp.ENTRIES)


def test_transparent_background_is_composited_on_grey_not_black():
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[2:6, 2:6] = (180, 120, 90, 255)
    buf = io.BytesIO()
    Image.fromarray(rgba, "RGBA").save(buf, "PNG")
    rgb = gp.to_rgb(buf.getvalue())
    assert rgb.shape == (8, 8, 3)
    assert (rgb[0, 0] == 200).all() and (rgb[3, 3] == (180, 120, 90)).all()


def test_styles_keep_the_frame_change_the_look_and_repeat_exactly():
    face = _face_like()
    for name, style in gp.STYLES.items():
        out = style(face)
        assert out.shape == face.shape and out.dtype == np.uint8, name
        assert np.abs(out.astype(int) - face).mean() > 2, name
        assert np.array_equal(out, style(face.copy())), name
    sepia = gp.sepia(face).astype(int)
    assert (sepia[..., 0] >= sepia[..., 1]).all() and (sepia[..., 1] >= sepia[..., 2]).all()
