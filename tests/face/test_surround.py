"""The photo around the frame: a body the photo's side edges cut continues beyond them."""

import numpy as np
import pytest

from facetalk.face.framing import CropBox
from facetalk.face.surround import CONTINUE_TAPER, SHOULDER_CAP, build_surround

N = 300
SUIT = (50, 50, 50)
GROUND = (40, 60, 200)
FACE = (100.0, 40.0, 200.0, 170.0)  # the face oval's box: 100 px wide, chin at row 170


class ColourSegmenter:
    """The person is whatever is darker than the blue ground (a stand-in for the real segmenter,
    which tests/face/test_mesh_onnx.py tests; here the matte must be known exactly)."""

    def alpha(self, image):
        return (image.astype(np.int32).sum(axis=2) < 225).astype(np.float32)


def _photo(*, hair_at_left_edge: bool = False) -> np.ndarray:
    """A suit whose shoulders fall away from the neck, cut by the photo's sides and bottom."""
    photo = np.empty((N, N, 3), np.uint8)
    photo[:] = GROUND
    x = np.arange(N)
    top = (190 + 0.3 * np.abs(x - N / 2)).astype(int)
    for col in range(N):
        photo[top[col]:, col] = SUIT
    if hair_at_left_edge:  # a dark block at the face's height, touching the left edge
        photo[100:140, :30] = SUIT
    return photo


def _surround(photo, *, face_bbox=FACE):
    return build_surround(photo, CropBox(0, 0, N, N), frame_hw=(N, N), segmenter=ColourSegmenter(),
                          face_bbox=face_bbox)


def _at(surround, x_px: float, y_px: float) -> tuple[int, int]:
    """Surround (row, column) of photo point (x, y) (the frame here is the whole photo)."""
    ox, oy = surround.frame_origin_px
    return int(round(oy + y_px * surround.scale)), int(round(ox + x_px * surround.scale))


@pytest.fixture(scope="module")
def continued():
    return _surround(_photo())


def test_the_suit_continues_beyond_the_photos_side_edges(continued):
    s = continued
    for x in (-5.0, N + 5.0):  # just beyond the left and the right edge, low on the body
        row, col = _at(s, x, 285)
        assert s.alpha[row, col] > 0.9
        assert np.abs(s.rgb[row, col].astype(int) - SUIT).max() < 30
    # Without the face's box nothing is continued: beyond the photo there is no person.
    bare = _surround(_photo(), face_bbox=None)
    row, col = _at(bare, -5.0, 285)
    assert bare.alpha[row, col] == 0.0


def test_the_shoulder_keeps_falling_and_the_arm_ends(continued):
    s = continued
    centre, face_w = 0.5 * (FACE[0] + FACE[2]), FACE[2] - FACE[0]
    # At the left edge the suit's top is at row 235; 20 px further out it has fallen by about
    # 0.3 px a px: its top there lies below the edge's.
    row, col = _at(s, -20.0, 237)
    assert s.alpha[row, col] < 0.1
    row, col = _at(s, -20.0, 250)
    assert s.alpha[row, col] > 0.9
    # Beyond the arm's reach (a shoulder's cap past the edge, 1.5 face widths out) there is ground
    # again, on both sides.
    reach = (1.5 + SHOULDER_CAP + CONTINUE_TAPER) * face_w + 2
    for x in (centre - reach, centre + reach):
        row, col = _at(s, x, 295)
        assert s.alpha[row, col] == 0.0
    # The two sides mirror each other (the photo does).
    left = s.alpha[:, : s.alpha.shape[1] // 2]
    right = s.alpha[:, s.alpha.shape[1] - left.shape[1]:][:, ::-1]
    assert np.abs(left - right).mean() < 0.01


def test_what_the_edge_cuts_above_the_neck_fades_and_is_not_continued():
    """Hair or a face the edge cuts would turn into streaks if continued: only the body is. It
    fades out toward the edge instead of ending in a straight line."""
    s = _surround(_photo(hair_at_left_edge=True))
    row, col = _at(s, -5.0, 120)
    assert s.alpha[row, col] == 0.0
    row, col = _at(s, 1.0, 120)
    assert s.alpha[row, col] < 0.3  # at the edge, faded ...
    row, col = _at(s, 25.0, 120)
    assert s.alpha[row, col] > 0.95  # ... and whole a sixth of a face height in
    row, col = _at(s, -5.0, 285)  # the suit below still is
    assert s.alpha[row, col] > 0.9
