import numpy as np
import pytest

from facetalk.face.framing import apply_crop, face_crop_box, full_box


def test_face_box_is_square_inside_and_holds_the_face():
    box = face_crop_box((512, 512), (180, 70, 270, 180), margin=3.0)
    assert box.width == box.height
    assert 0 <= box.x0 and 0 <= box.y0 and box.x1 <= 512 and box.y1 <= 512
    assert box.x0 < 180 and box.x1 > 270 and box.y0 < 70 and box.y1 > 180


def test_face_box_shrinks_to_fit_a_small_photo():
    box = face_crop_box((300, 200), (50, 50, 150, 160), margin=3.0)
    assert box.width == box.height == 200


def test_apply_crop_sizes():
    img = np.random.default_rng(0).integers(0, 255, (300, 400, 3), dtype=np.uint8)
    assert apply_crop(img, face_crop_box((300, 400), (100, 100, 160, 170)), size=512).shape == (512, 512, 3)
    assert apply_crop(img, full_box((300, 400)), size=256).shape == (192, 256, 3)


@pytest.mark.parametrize("size", [255, 257])
def test_odd_sizes_become_even(size):
    img = np.zeros((100, 100, 3), np.uint8)
    out = apply_crop(img, full_box((100, 100)), size=size)
    assert out.shape[0] % 2 == 0 and out.shape[1] % 2 == 0
