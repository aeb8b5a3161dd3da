"""The expression classifier's crops (benchmarks/fer_judge.py): a fixed set around the face box, the
box itself first, so --crops 1 is the single-crop reading the benchmark gave before."""

import fer_judge  # benchmarks/ is on pytest's path (pyproject.toml); fer itself is only needed to judge
import numpy as np
import pytest

BOX = (120, 80, 200, 220)  # x, y, w, h: a tall face box, as Haar's are not always square


def test_one_crop_is_the_face_box_itself():
    assert fer_judge.crop_boxes(BOX, n_crops=1) == [BOX]


def test_the_crops_are_fixed_and_their_order_too():
    five = fer_judge.crop_boxes(BOX, n_crops=5)
    assert five == fer_judge.crop_boxes(BOX, n_crops=5)
    assert fer_judge.crop_boxes(BOX, n_crops=3) == five[:3]
    assert len(set(five)) == 5


def test_the_crops_are_small_moves_of_the_box():
    """Each crop keeps the box's centre within 2% of its side and its size within 5%: a few pixels,
    the wobble a detector has between near-identical images, not another framing of the face."""
    x, y, w, h = BOX
    for cx, cy, cw, ch in fer_judge.crop_boxes(BOX, n_crops=len(fer_judge.CROPS)):
        assert abs(cx + cw / 2 - (x + w / 2)) <= 0.02 * h + 1
        assert abs(cy + ch / 2 - (y + h / 2)) <= 0.02 * h + 1
        assert 0.95 <= cw / w <= 1.05 and 0.95 <= ch / h <= 1.05


def test_the_crops_scale_about_the_centre_and_shift_both_ways():
    boxes = fer_judge.crop_boxes(BOX, n_crops=5)
    sides = sorted(b[2] for b in boxes[:3])
    assert sides[0] < BOX[2] < sides[2]
    lefts = [b[0] for b in boxes[3:]]
    assert min(lefts) < BOX[0] < max(lefts)


def test_the_first_crop_reproduces_fer_s_input():
    gray = np.random.default_rng(0).integers(0, 256, (480, 440), dtype=np.uint8)
    first = fer_judge.fer_crop(gray, fer_judge.crop_boxes(BOX, n_crops=5)[0], (64, 64))
    np.testing.assert_array_equal(first, fer_judge.fer_crop(gray, BOX, (64, 64)))
    moved = fer_judge.fer_crop(gray, fer_judge.crop_boxes(BOX, n_crops=5)[3], (64, 64))
    assert not np.array_equal(moved, first)


@pytest.mark.parametrize("n_crops", [0, len(fer_judge.CROPS) + 1])
def test_a_crop_count_outside_the_set_is_refused(n_crops):
    with pytest.raises(ValueError):
        fer_judge.crop_boxes(BOX, n_crops=n_crops)
