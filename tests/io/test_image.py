import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from facetalk.errors import InputError
from facetalk.io import load_image, save_image


def _gradient(h: int = 32, w: int = 48) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w]
    return np.stack([x * 255 // (w - 1), y * 255 // (h - 1), np.full_like(x, 100)], axis=-1).astype(np.uint8)


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG whose IHDR claims width x height (no pixel data): enough for Pillow to read the size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


@pytest.mark.parametrize("ext", ["png", "bmp"])
def test_lossless_rgb_round_trip(tmp_path, ext):
    image = _gradient()
    path = tmp_path / f"photo.{ext}"
    save_image(path, image)
    out = load_image(path)
    assert out.dtype == np.uint8 and out.shape == (32, 48, 3)
    np.testing.assert_array_equal(out, image)


@pytest.mark.parametrize("ext", ["jpg", "webp"])
def test_lossy_rgb(tmp_path, ext):
    image = _gradient()
    path = tmp_path / f"photo.{ext}"
    Image.fromarray(image).save(path, quality=95)
    out = load_image(path)
    assert out.shape == (32, 48, 3) and out.dtype == np.uint8
    assert np.abs(out.astype(int) - image).mean() < 3


def test_save_image_is_atomic_and_checks_input(tmp_path):
    save_image(tmp_path / "a.jpg", _gradient())
    assert [p.name for p in tmp_path.iterdir()] == ["a.jpg"]
    with pytest.raises(ValueError):
        save_image(tmp_path / "b.png", np.zeros((4, 4), np.uint8))
    with pytest.raises(ValueError):
        save_image(tmp_path / "b.unknown", _gradient())
    assert [p.name for p in tmp_path.iterdir()] == ["a.jpg"]


@pytest.mark.parametrize("mode", ["L", "1"])
def test_grayscale_becomes_rgb(tmp_path, mode):
    gray = np.tile(np.arange(0, 256, 8, dtype=np.uint8), (4, 1))
    Image.fromarray(gray).convert(mode).save(tmp_path / "g.png")
    out = load_image(tmp_path / "g.png")
    assert out.shape == (4, 32, 3)
    assert (out[..., 0] == out[..., 1]).all() and (out[..., 1] == out[..., 2]).all()
    if mode == "L":
        np.testing.assert_array_equal(out[..., 0], gray)


def test_rgba_is_composited_on_white(tmp_path):
    rgba = np.zeros((4, 4, 4), np.uint8)
    rgba[..., 0] = 255  # red ...
    rgba[:, :2, 3] = 255  # ... opaque on the left, transparent on the right
    rgba[:, 2:, 3] = 0
    Image.fromarray(rgba).save(tmp_path / "a.png")
    out = load_image(tmp_path / "a.png")
    np.testing.assert_array_equal(out[0, 0], [255, 0, 0])
    np.testing.assert_array_equal(out[0, 3], [255, 255, 255])


def test_la_half_transparent_black_is_mid_gray(tmp_path):
    Image.new("LA", (4, 4), (0, 128)).save(tmp_path / "la.png")
    assert abs(int(load_image(tmp_path / "la.png")[0, 0, 0]) - 127) <= 1


def test_palette_with_transparency(tmp_path):
    im = Image.new("P", (4, 4), 0)
    im.putpalette([0, 0, 255, 0, 255, 0] + [0] * 762)
    im.paste(1, (0, 0, 2, 4))  # left half green, right half index 0 (transparent blue)
    im.save(tmp_path / "p.png", transparency=0)
    out = load_image(tmp_path / "p.png")
    np.testing.assert_array_equal(out[0, 0], [0, 255, 0])
    np.testing.assert_array_equal(out[0, 3], [255, 255, 255])


def test_palette_without_transparency(tmp_path):
    Image.fromarray(_gradient()).convert("P").save(tmp_path / "p.gif")
    out = load_image(tmp_path / "p.gif")
    assert out.shape == (32, 48, 3)
    assert np.abs(out.astype(int) - _gradient()).mean() < 20  # palette quantization


def test_16bit_png_uses_full_range(tmp_path):
    ramp = np.tile(np.linspace(0, 65535, 256).astype(np.uint16), (2, 1))
    Image.fromarray(ramp).save(tmp_path / "deep.png")
    with Image.open(tmp_path / "deep.png") as im:
        assert im.mode == "I;16"
    out = load_image(tmp_path / "deep.png")
    assert out.shape == (2, 256, 3)
    np.testing.assert_allclose(out[0, :, 0], np.arange(256), atol=1)


def test_16bit_big_endian_tiff(tmp_path):
    ramp = np.tile(np.linspace(0, 65535, 256).astype(">u2"), (2, 1))
    Image.frombytes("I;16B", (256, 2), ramp.tobytes()).save(tmp_path / "deep.tif")
    with Image.open(tmp_path / "deep.tif") as im:
        assert im.mode == "I;16B"
    np.testing.assert_allclose(load_image(tmp_path / "deep.tif")[0, :, 1], np.arange(256), atol=1)


@pytest.mark.parametrize(("dtype", "top"), [(np.int32, 1000), (np.float32, 0.25)])
def test_int32_and_float_are_stretched_by_their_range(tmp_path, dtype, top):
    values = np.tile(np.linspace(0, top, 256).astype(dtype), (2, 1))
    Image.fromarray(values).save(tmp_path / "wide.tif")
    with Image.open(tmp_path / "wide.tif") as im:
        assert im.mode == ("I" if dtype == np.int32 else "F")
    np.testing.assert_allclose(load_image(tmp_path / "wide.tif")[0, :, 2], np.arange(256), atol=1)


def test_cmyk_jpeg(tmp_path):
    Image.new("CMYK", (8, 8), (0, 255, 255, 0)).save(tmp_path / "c.jpg")  # pure red in CMYK
    out = load_image(tmp_path / "c.jpg")
    assert out.shape == (8, 8, 3)
    np.testing.assert_allclose(out[4, 4], [255, 0, 0], atol=8)


def test_exif_orientation_is_applied(tmp_path):
    stored = np.zeros((20, 40, 3), np.uint8)
    stored[:8, :8] = [255, 0, 0]  # red block at the stored top-left
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    Image.fromarray(stored).save(tmp_path / "r.jpg", exif=exif.tobytes(), quality=95)
    out = load_image(tmp_path / "r.jpg")
    assert out.shape == (40, 20, 3)
    # Rotating clockwise moves the top-left corner to the top-right.
    assert out[2, -3, 0] > 200 and out[2, -3, 1] < 50
    assert out[2, 2, 0] < 50 and out[-3, -3, 0] < 50


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"nope\.png.*not found"):
        load_image(tmp_path / "nope.png")


def test_directory(tmp_path):
    with pytest.raises(InputError, match="directory"):
        load_image(tmp_path)


def test_empty_file(tmp_path):
    (tmp_path / "empty.jpg").write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.jpg.*empty"):
        load_image(tmp_path / "empty.jpg")


def test_garbage_bytes(tmp_path):
    (tmp_path / "junk.png").write_bytes(b"this is not a picture at all" * 10)
    with pytest.raises(InputError, match=r"junk\.png.*not an image"):
        load_image(tmp_path / "junk.png")


@pytest.mark.parametrize("ext", ["jpg", "png"])
def test_truncated_image(tmp_path, ext):
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, (64, 64, 3), dtype=np.uint8)  # incompressible: the data is most of the file
    full = tmp_path / f"full.{ext}"
    Image.fromarray(noise).save(full)
    cut = tmp_path / f"cut.{ext}"
    cut.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    with pytest.raises(InputError, match=rf"cut\.{ext}.*truncated"):
        load_image(cut)


def test_zero_size_image(tmp_path):
    (tmp_path / "zero.png").write_bytes(_png_header_only(0, 10))
    with pytest.raises(InputError, match=r"zero\.png"):
        load_image(tmp_path / "zero.png")


@pytest.mark.parametrize(("width", "height"), [(11_000, 10_000), (20_000, 20_000)])
def test_too_many_pixels(tmp_path, width, height):
    # 110 MP is under Pillow's own bomb limit (~179 MP), so our check must catch it; 400 MP is over it.
    (tmp_path / "huge.png").write_bytes(_png_header_only(width, height))
    with pytest.raises(InputError, match=r"huge\.png.*100 megapixels"):
        load_image(tmp_path / "huge.png")
