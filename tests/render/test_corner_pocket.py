import numpy as np

from facetalk.face.landmarks import LIPS_INNER_LOWER, LIPS_INNER_UPPER, MOUTH_CORNERS
from facetalk.render.corner_pocket import POCKET_SHARE, CornerPocket

SKIN = (200, 160, 140)
DARK = (70, 40, 35)
# What filling the pocket all the way adds to its pixels' channel sum, and how much of it a test wants.
GAP = sum(SKIN) - sum(DARK)
MOST = 0.8 * POCKET_SHARE * GAP


def _mouth(n_vertices: int = 468, *, inner_from: float = 64.0) -> np.ndarray:
    """(V, 2) rest places: a mouth 80 px wide about (100, 100), its opening a thin lens inside from
    x `inner_from` to 136."""
    xy = np.full((n_vertices, 2), 5.0)
    xy[MOUTH_CORNERS[0]], xy[MOUTH_CORNERS[1]] = (60.0, 100.0), (140.0, 100.0)
    for line, sign in ((LIPS_INNER_UPPER, -1.0), (LIPS_INNER_LOWER, 1.0)):
        for k, v in enumerate(line):
            t = k / (len(line) - 1)
            xy[v] = (inner_from + (136.0 - inner_from) * t, 100.0 + sign * 6.0 * np.sin(np.pi * t))
    return xy


def _photo(*, mole: bool = False) -> np.ndarray:
    img = np.empty((200, 200, 3), np.uint8)
    img[:] = SKIN
    img[99:102, 56:66] = DARK  # the smile's dark pocket, running out of the opening's corner
    if mole:
        img[93:95, 59:62] = DARK  # dark, within the pocket's reach of the corner, but not reaching the opening
    return img


def _pocket(photo: np.ndarray, smile: float = 1.0) -> CornerPocket:
    xy = _mouth()
    # The second reaches out to vertex 0's (5, 5): its pixels fetch from all of the corner's box.
    tris = np.array([[MOUTH_CORNERS[0], LIPS_INNER_UPPER[1], LIPS_INNER_LOWER[1]],
                     [MOUTH_CORNERS[0], LIPS_INNER_LOWER[1], 0]])
    return CornerPocket.of(texture=photo, rest_xy=xy, triangles=tris, smile=smile)


def _filled(photo: np.ndarray, pocket: CornerPocket, share: float, posed: np.ndarray | None = None) -> np.ndarray:
    """`photo` with `pocket` painted over it by the identity warp, the mouth posed at (V, 2) `posed`
    (at rest if None)."""
    ys, xs = np.mgrid[0:200, 0:200].astype(np.float32)
    out = photo.copy()
    posed = _mouth() if posed is None else posed
    pocket.paint(out, map_x=xs, map_y=ys, verts=np.c_[posed, np.zeros(len(posed))].astype(np.float32), share=share)
    return out


def test_the_pocket_fills_toward_the_skin_about_it_and_nothing_far_off_moves():
    photo = _photo()
    out = _filled(photo, _pocket(photo), 1.0)
    lift = out[100, 58].astype(int) - photo[100, 58]
    assert MOST < lift.sum() <= POCKET_SHARE * GAP + 3  # most of its share of the way to the skin
    assert np.all(np.abs(lift - POCKET_SHARE * (np.array(SKIN) - DARK)) < 20)  # toward the skin's colour
    assert np.array_equal(out[:80], photo[:80]) and np.array_equal(out[:, 75:125], photo[:, 75:125])


def test_dark_that_does_not_reach_the_opening_is_left():
    photo = _photo(mole=True)
    out = _filled(photo, _pocket(photo), 1.0)
    assert np.array_equal(out[93:95, 59:62], photo[93:95, 59:62])
    assert out[100, 58].astype(int).sum() > photo[100, 58].astype(int).sum() + MOST


def test_the_lift_goes_by_the_share_undone_and_the_photos_smile():
    photo = _photo()
    assert np.array_equal(_filled(photo, _pocket(photo), 0.0), photo)
    full, half = _filled(photo, _pocket(photo), 1.0), _filled(photo, _pocket(photo), 0.5)
    mild = _filled(photo, _pocket(photo, smile=0.5), 1.0)
    lift = int(full[100, 58].sum()) - int(photo[100, 58].sum())
    assert abs(int(half[100, 58].sum()) - int(photo[100, 58].sum()) - lift / 2) <= 3
    assert np.array_equal(half, mild)


def test_the_lift_travels_with_the_warp():
    photo = _photo()
    pocket = _pocket(photo)
    ys, xs = np.mgrid[0:200, 0:200].astype(np.float32)
    out = photo.copy()
    # Every frame pixel shows the photo 4 px to its left: the pocket's lift shows 4 px right of it.
    moved = _mouth() + (4.0, 0.0)  # the posed mouth 4 px right with it
    pocket.paint(out, map_x=xs - 4, map_y=ys, verts=np.c_[moved, np.zeros(468)].astype(np.float32), share=1.0)
    still = _filled(photo, pocket, 1.0)
    lift_at = int(still[100, 58].sum()) - int(photo[100, 58].sum())
    assert lift_at > MOST
    assert int(out[100, 62].sum()) - int(photo[100, 62].sum()) == lift_at  # photo[100, 62] is as dark as [100, 58]


def test_the_lift_comes_in_over_a_few_px_outside_the_inner_lip_line():
    photo = _photo()
    pocket = _pocket(photo)
    posed = _mouth(inner_from=60.0)  # the frame's opening reaches the pocket's inner end
    free, fenced = _filled(photo, pocket, 1.0), _filled(photo, pocket, 1.0, posed)
    inside = (100, slice(61, 66))  # within the lens (thin so near its end): the mouth painter's pixels
    assert np.array_equal(fenced[inside], photo[inside]) and not np.array_equal(free[inside], photo[inside])
    gain = [int(fenced[100, x].sum()) - int(photo[100, x].sum()) for x in (59, 58, 57)]
    assert gain[0] < gain[1] < gain[2] and gain[0] < 0.5 * (int(free[100, 59].sum()) - int(photo[100, 59].sum()))


def test_a_sub_pixel_move_of_the_lips_moves_the_fill_by_as_little():
    """A held expression's lips move by hundredths of a px frame to frame; the fade beside the
    opening must not jump by whole pixels (rev50c: 15-24 levels at the corners, main <= 1). The
    opening's end crosses a pixel centre (60, 100) here."""
    photo = _photo()
    pocket = _pocket(photo)
    before = _filled(photo, pocket, 1.0, _mouth(inner_from=60.03))
    inner = list(LIPS_INNER_UPPER) + list(LIPS_INNER_LOWER)
    rng = np.random.default_rng(5)
    for _ in range(5):
        posed = _mouth(inner_from=59.97)
        posed[inner] += rng.uniform(-0.03, 0.03, (len(inner), 2))
        after = _filled(photo, pocket, 1.0, posed)
        assert np.abs(after.astype(int) - before).max() <= 2
    assert int(before[100, 58].sum()) - int(photo[100, 58].sum()) > 0.5 * MOST  # the fade's pixels are lifted


def test_the_lift_is_fetched_bilinearly_between_its_pixels():
    """The warp maps land between the lift's pixels: half way between two it adds their mean (rev50c2:
    a nearest-pixel fetch passed every other test, which shift by whole pixels)."""
    from facetalk.render.corner_pocket import OPENING_FEATHER_PX, _paint_kernel

    lift = np.zeros((4, 4, 3), np.float32)
    lift[:, 1] = 40.0
    lift[:, 2] = 100.0
    line = np.array([[500.0, 500.0], [510.0, 500.0], [510.0, 510.0], [500.0, 510.0]])  # far off

    def added(u: float) -> int:
        out = np.zeros((8, 8, 3), np.uint8)
        map_x, map_y = np.full((8, 8), u, np.float32), np.full((8, 8), 1.0, np.float32)
        _paint_kernel(out, map_x, map_y, (3, 3, 4, 4), lift, (0, 0), line, np.float32(1.0), OPENING_FEATHER_PX)
        return int(out[3, 3, 0])

    at_1, at_2 = added(1.0), added(2.0)
    assert 0 < at_1 < at_2
    assert abs(added(1.5) - 0.5 * (at_1 + at_2)) <= 1
    assert abs(added(1.25) - (0.75 * at_1 + 0.25 * at_2)) <= 1


def test_a_corner_beyond_the_photos_edge_lifts_nothing_there_and_the_other_still_fills():
    xy = _mouth()
    xy[MOUTH_CORNERS[1]] = (400.0, 100.0)  # past the 200 px photo's right edge, out of the pocket's reach
    tris = np.array([[MOUTH_CORNERS[0], LIPS_INNER_UPPER[1], LIPS_INNER_LOWER[1]],
                     [MOUTH_CORNERS[0], LIPS_INNER_LOWER[1], 0]])
    photo = _photo()
    pocket = CornerPocket.of(texture=photo, rest_xy=xy, triangles=tris, smile=1.0)
    assert not pocket.lifts[1].any() and len(pocket.vertices[1]) == 0
    filled = _filled(photo, pocket, 1.0)
    assert filled[99:102, 56:60].astype(int).sum(axis=2).mean() > sum(DARK) + MOST
