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


class AlsoTakes(ColourSegmenter):
    """ColourSegmenter that also takes every pixel of exactly `colour` for the person."""

    def __init__(self, colour):
        self.colour = colour

    def alpha(self, image):
        taken = (np.abs(image.astype(np.int32) - self.colour).sum(axis=2) == 0).astype(np.float32)
        return np.maximum(super().alpha(image), taken)


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


def test_ground_the_matte_takes_for_body_at_the_edge_is_not_continued():
    """A segmenter can take the background by a picture's edge for the person (paintings): the
    background's colour continued as a body would be a block of it beside the person."""
    ground_like = (44, 64, 204)
    photo = _photo()
    photo[200:, :40] = ground_like  # the ground by the left edge, below the neck
    s = build_surround(photo, CropBox(0, 0, N, N), frame_hw=(N, N), segmenter=AlsoTakes(ground_like), face_bbox=FACE)
    row, col = _at(s, -5.0, 285)
    assert s.alpha[row, col] == 0.0  # not continued on the left ...
    row, col = _at(s, N + 5.0, 285)
    assert s.alpha[row, col] > 0.9  # ... while the suit on the right still is


def test_the_continued_clothing_has_the_clothings_texture():
    """Beyond the edge the suit keeps its own weave (here horizontal stripes), not a flat colour
    with noise, which reads as a block beside the person."""
    photo = _photo()
    rows = np.arange(N)[:, None]
    suit = (photo == SUIT).all(axis=2)
    stripes = np.where((rows // 3) % 2 == 0, 12, -12)
    photo = np.where(suit[..., None], np.clip(photo.astype(int) + stripes[..., None], 0, 255), photo).astype(np.uint8)
    s = _surround(photo)
    r0, c0 = _at(s, -14.0, 265)  # within the arm's reach (1.7 face widths from the face's centre)
    r1, c1 = _at(s, -2.0, 298)
    grey = s.rgb[r0:r1, c0:c1].astype(np.float32).mean(axis=2)
    assert s.alpha[r0:r1, c0:c1].min() > 0.9
    down, along = np.abs(np.diff(grey, axis=0)).mean(), np.abs(np.diff(grey, axis=1)).mean()
    assert down > 2.0 * along and down > 3.0


def test_no_dark_line_where_the_continued_body_meets_the_photo():
    """A photo's outermost column is often darker (a scan's border, or blended with the black
    beyond it when framed): the continued clothing covers it, so no dark line runs down the seam."""
    photo = _photo()
    photo[:, 0] = photo[:, -1] = 10  # a dark border column on each side
    s = _surround(photo)
    grey = s.rgb.astype(float).mean(axis=2)
    suit = float(np.mean(SUIT))
    for x_edge in (0.0, N - 1.0):
        for y in range(250, 286, 5):  # above the photo's own bottom edge
            r, c = _at(s, x_edge, y)
            assert grey[r, c - 3:c + 4].min() > suit - 8, (x_edge, y, grey[r, c - 3:c + 4])


def test_beyond_the_photo_each_side_continues_its_own_colour():
    """A background yellow on the left and blue on the right: beyond the photo's left edge it stays
    yellow and beyond the right one blue. Grown from the whole photo at once (push-pull), the far
    extension turned to their mean, a khaki in neither (Biden's yellow and blue curtains), and a
    bright corner of the photo (an engraving's paper) spread into it as a soft glow."""
    yellow, blue = np.array((220, 180, 40)), np.array((40, 80, 200))
    photo = np.empty((N, N, 3), np.uint8)
    photo[:, : N // 2], photo[:, N // 2:] = yellow, blue
    photo[200:, 100:200] = SUIT  # a person at the bottom (the colour segmenter's dark)
    s = _surround(photo, face_bbox=None)
    rgb = s.rgb.astype(float)
    for x, colour in ((-0.3 * N, yellow), (1.3 * N, blue)):
        for y in (-0.3 * N, 0.2 * N, 0.5 * N):
            row, col = _at(s, x, y)
            assert np.abs(rgb[row, col] - colour).max() < 25, (x, y, rgb[row, col])


def test_an_edge_cutting_a_sleeve_and_a_bare_arm_is_not_continued_but_fades():
    """Where the photo's edge cuts more than one garment (a sleeve and the bare arm below it, a
    hand, another person), each band continued outward made a block of stripes beside the person
    (the man in glasses, Morisot's coat): that body fades out toward the edge instead; one
    garment (a suit) still continues."""
    skin = (205, 150, 120)
    photo = _photo()
    photo[267:, :40] = skin  # the left edge cuts the sleeve (rows 235-266) and the bare arm below
    s = build_surround(photo, CropBox(0, 0, N, N), frame_hw=(N, N), segmenter=AlsoTakes(skin), face_bbox=FACE)
    for y in (245.0, 285.0):
        row, col = _at(s, -5.0, y)
        assert s.alpha[row, col] == 0.0  # not continued on the left ...
        # ... and, like cut hair, faded out toward the edge rather than ending in a vertical cut
        row, col = _at(s, 1.0, y)
        assert s.alpha[row, col] < 0.3
        row, col = _at(s, 25.0, y)
        assert s.alpha[row, col] > 0.95
    row, col = _at(s, N + 5.0, 285)
    assert s.alpha[row, col] > 0.9  # ... while the suit on the right still is


def test_what_the_edge_cuts_does_not_run_on_as_a_streak():
    """A bright door frame cut by the photo's top edge: above the photo it fades into the wall
    within a third of a frame instead of running on as a soft streak (a fifth of its contrast left
    there; a window or a lit corner so read as a glow)."""
    wall = np.array((120, 130, 140))
    photo = np.empty((N, N, 3), np.uint8)
    photo[:] = wall
    photo[:, 130:170] = 235
    s = _surround(photo, face_bbox=None)
    grey = s.rgb.astype(float).mean(axis=2)
    row, on_frame = _at(s, 150.0, -0.3 * N)
    _, on_wall = _at(s, 40.0, -0.3 * N)
    assert grey[row, on_frame] - grey[row, on_wall] < 0.1 * (235 - wall.mean())
    row, on_frame = _at(s, 150.0, -0.03 * N)  # right by the edge it still continues the frame
    assert grey[row, on_frame] - grey[row, on_wall] > 0.25 * (235 - wall.mean())


@pytest.mark.parametrize("cut", ["lamp", "window", "shirt"])
def test_what_stands_on_the_ground_ends_beyond_the_edge(cut):
    """What the photo's edge cuts on its background (a lamp, a window a quarter of the frame wide,
    another person's shirt by the side) shows right by the edge and has all but ended a sixth of
    a frame beyond it, where the wall continues: continued with the wall, it ran on outward as a
    glow, a column of light or a band (Coelho's lamp, Obama's window, the red shirt beside the man
    in glasses)."""
    wall = np.array((70, 80, 110))
    photo = np.empty((N, N, 3), np.uint8)
    photo[:] = wall
    colour, rows, cols, outward = {
        "lamp": ((250, 240, 200), slice(0, 25), slice(140, 165), (0.0, -1.0)),
        "window": ((210, 220, 230), slice(0, 150), slice(110, 185), (0.0, -1.0)),
        "shirt": ((200, 30, 40), slice(150, 260), slice(0, 40), (-1.0, 0.0)),
    }[cut]
    photo[rows, cols] = colour
    s = _surround(photo, face_bbox=None)
    rgb = s.rgb.astype(float)
    # The edge's point through the middle of what it cuts, and the wall beside it along the edge.
    mid = np.array([(cols.start + cols.stop) / 2 if outward[0] == 0 else 0.0,
                    (rows.start + rows.stop) / 2 if outward[1] == 0 else 0.0])
    aside = mid + (np.array((-1.0, 0.0)) if outward[0] == 0 else np.array((0.0, 1.0))) * 0.3 * N
    contrast = np.abs(np.array(colour, float) - wall).max()
    # (before: lamp 0.09 and 0.02 of its contrast left, window 0.26 and 0.06, shirt 0.30 and 0.07)
    for out_frames, most in ((1 / 6, 0.05), (1 / 3, 0.02)):
        on, beside = (_at(s, *(p + np.array(outward) * out_frames * N)) for p in (mid, aside))
        assert np.abs(rgb[on] - rgb[beside]).max() < most * contrast, (out_frames, rgb[on], rgb[beside])
    on, beside = (_at(s, *(p + np.array(outward) * 0.01 * N)) for p in (mid, aside))
    assert np.abs(rgb[on] - rgb[beside]).max() > 0.3 * contrast  # right by the edge it still shows


def test_what_lies_by_the_edge_stays_sharp_inside_the_photo():
    """A small bright thing by the photo's edge (a flag's finial, a lamp's bulb) keeps its contrast
    a few pixels inside the edge: the photo faded into a blur of itself over 48 px there, and the
    thing spread into a glow inside the photo as well as beyond it."""
    wall = np.array((40, 60, 150))
    photo = np.empty((N, N, 3), np.uint8)
    photo[:] = wall
    photo[:20, 145:155] = 250
    s = _surround(photo, face_bbox=None)
    row, col = _at(s, 150.0, 8.0)
    assert s.rgb[row, col].astype(float).min() > 250 - 0.15 * (250 - wall.min())
    row, col = _at(s, 135.0, 8.0)  # and beside it the wall, not its glow
    assert np.abs(s.rgb[row, col].astype(float) - wall).max() < 0.15 * (250 - wall.min())


def test_beyond_the_photo_its_blotches_continue_not_a_smooth_plate():
    """A ground of blotches (a painting's strokes, a photo's out-of-focus background, here
    ten pixels across): beyond the photo the fill keeps at least half their contrast at that
    scale (0.3 before: a smooth ground with only the fine grain quilted over it, which outlined
    the photo as a halo round the person, Morisot's painting in mauve)."""
    import cv2

    rng = np.random.default_rng(1)
    noise = cv2.GaussianBlur(rng.standard_normal((N, N)).astype(np.float32), (0, 0), 5.0)
    photo = np.clip(np.array((150, 140, 120), np.float32) + 20 * (noise / noise.std())[..., None], 0, 255)
    s = _surround(photo.astype(np.uint8), face_bbox=None)
    grey = s.rgb.astype(np.float32).mean(axis=2)
    band = cv2.GaussianBlur(grey, (0, 0), 2.0) - cv2.GaussianBlur(grey, (0, 0), 8.0)
    (r0, c0), (r1, c1) = _at(s, 0, 0), _at(s, N, N)
    inside = band[r0 + 20:r1 - 20, c0 + 20:c1 - 20].std()
    (r0, c0), (r1, c1) = _at(s, -0.35 * N, 0.2 * N), _at(s, -0.15 * N, 0.8 * N)
    assert band[r0:r1, c0:c1].std() > 0.5 * inside


def test_a_lighter_margin_continues_into_the_fill_without_a_frame():
    """A photo whose last 20 px all round are lighter than its interior (a painting's margin, a wall
    lit toward the edges): just beyond the edge the fill keeps the margin's tone, and it turns to
    the interior's over a reach that wanders along the edge. Ended within 0.09 frames as something
    standing on the ground, it drew the photo's rectangle as a light frame against the fill
    (Morisot 1885, Biden's right edge at distance 2; before: a step of 0.74 of the contrast a tenth
    of a frame out, and the fill's tone even along the edge there)."""
    interior, margin = np.array((150.0, 120.0, 90.0)), np.array((200.0, 195.0, 190.0))
    photo = np.empty((N, N, 3), np.uint8)
    photo[:], photo[20:-20, 20:-20] = margin, interior
    s = _surround(photo, face_bbox=None)
    rgb = s.rgb.astype(float)
    contrast = np.abs(margin - interior).max()
    (r0, c0), (r1, c1) = _at(s, 0.3 * N, -0.15 * N), _at(s, 0.7 * N, -0.05 * N)
    step = np.abs(rgb[r0:r1, c0:c1].reshape(-1, 3).mean(axis=0) - margin).max()
    assert step < 0.2 * contrast, step
    # Further out the turn to the interior's tone is not a line parallel to the edge: along it,
    # how far it has turned varies (before: 0 levels, a straight band).
    row, c0 = _at(s, 0.0, -0.4 * N)
    _, c1 = _at(s, N, -0.4 * N)
    assert rgb[row, c0:c1].mean(axis=1).std() > 0.03 * contrast


@pytest.mark.parametrize("strip_px", [16, 20, 24])
def test_a_photo_with_a_thin_strip_of_background_builds(strip_px):
    """A tight crop whose background is a strip by one edge (16-24 px of a 300 px photo) has enough
    background at a quarter size to tell its ground but none left at an eighth, where its dominant
    colour is told: build_surround raised IndexError, and every analysis runs it, so such a photo
    could not render at all. Beyond the strip's edge the fill continues the strip's colour."""
    photo = np.empty((N, N, 3), np.uint8)
    photo[:], photo[:, :strip_px] = SUIT, GROUND
    s = _surround(photo, face_bbox=None)
    row, col = _at(s, -0.05 * N, 0.5 * N)
    assert np.abs(s.rgb[row, col].astype(int) - GROUND).max() < 30, s.rgb[row, col]


def test_a_strip_too_thin_to_keep_is_not_continued_as_black():
    """An 8 px strip keeps no background pixel at the half size the fill is grown at: the fill
    beyond the photo was black ((2, 4, 16) here); it is grown from the photo's own pixels instead
    (the strip and the suit beside it)."""
    photo = np.empty((N, N, 3), np.uint8)
    photo[:], photo[:, :8] = SUIT, GROUND
    s = _surround(photo, face_bbox=None)
    (r0, c0), (r1, c1) = _at(s, -0.2 * N, 0.2 * N), _at(s, -0.05 * N, 0.8 * N)
    fill = s.rgb[r0:r1, c0:c1].reshape(-1, 3).astype(float).mean(axis=0)
    assert fill.min() > 0.7 * min(SUIT + GROUND) and fill[2] > SUIT[2], fill


def test_a_thin_strips_bands_do_not_run_on_sharp():
    """With too little background to tell its ground, the nearest part of the edge is continued
    blurred by 1.5 times the distance: bands the strip shows (30 px tall, red and blue) have
    mostly merged 10 px beyond the edge (by half the distance they ran on as sharp streaks,
    a spread of 48 levels there against 9)."""
    photo = np.empty((N, N, 3), np.uint8)
    photo[:] = SUIT
    red = ((np.arange(N) // 30) % 2 == 0)[:, None]
    photo[:, :12] = np.where(red[..., None], (200, 60, 40), (40, 60, 200))
    s = _surround(photo, face_bbox=None)
    (r0, col), (r1, _) = _at(s, -10.0, 60.0), _at(s, -10.0, 240.0)
    assert s.rgb[r0:r1, col, 0].astype(float).std() < 20.0  # (the bands' own: 80)


def test_the_photos_outermost_pixels_are_not_continued():
    """The warp mixes the photo's outermost pixels with the black beyond it where its edge falls
    inside a surround pixel (here, a 300 px photo for a 256 px frame): continued as background,
    they drew the photo's rectangle as a dark line through the fill (down to 59 levels on a wall of
    167). Those EDGE_MIXED_PX are left out of the known background."""
    wall = np.array((180, 170, 150))
    photo = np.empty((N, N, 3), np.uint8)
    photo[:] = wall
    s = build_surround(photo, CropBox(0, 0, N, N), frame_hw=(256, 256), segmenter=ColourSegmenter(), face_bbox=None)
    assert s.rgb.astype(float).mean(axis=2).min() > wall.mean() - 3


def _stripes(*, angle_of_block) -> np.ndarray:
    """(N, N, 3) uint8 a ground of fine stripes (6 px apart) in 30 px blocks, each block's at
    `angle_of_block(rng)` radians."""
    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:N, 0:N].astype(np.float32)
    wave = np.zeros((N, N), np.float32)
    for y in range(0, N, 30):
        for x in range(0, N, 30):
            a = angle_of_block(rng)
            wave[y:y + 30, x:x + 30] = np.sin(2 * np.pi * (np.cos(a) * xx + np.sin(a) * yy) / 6.0)[y:y + 30, x:x + 30]
    return np.clip(np.array((150, 140, 120), np.float32) + 15 * wave[..., None], 0, 255).astype(np.uint8)


def test_no_mid_scale_detail_is_quilted_where_the_photos_detail_runs_every_way():
    """Detail running every way is structure out of focus (a draped curtain's folds): quilted at
    the mid scale it read as a collage of swags, so none is made there; stripes running one way
    are still quilted."""
    import cv2
    from facetalk.face.surround import _Background, _mid_detail
    from facetalk.face.texture import measure_detail, tile_size, varied_tile

    made = {}
    for name, angle in (("every way", lambda rng: rng.uniform(0, np.pi)), ("one way", lambda rng: 0.3)):
        rgb, known = np.zeros((600, 600, 3), np.uint8), np.zeros((600, 600), bool)
        rgb[150:450, 150:450] = cv2.resize(_stripes(angle_of_block=angle), (300, 300))
        known[152:448, 152:448] = True
        fine = measure_detail(rgb, source=known, tile_px=varied_tile(known, tile_px=tile_size(known.shape)))
        made[name] = _mid_detail(_Background.of(rgb, known), fine=fine, base=np.full((600, 600, 3), 140, np.float32),
                                 frame_px=300.0)
    assert not made["every way"].any()
    assert np.abs(made["one way"]).mean() > 0.5


HAIR = (60, 40, 20)


def _cut_head() -> np.ndarray:
    """A head (a dark-brown disc, 160 px wide) whose crown the photo's top edge cuts 30 px below its
    top, over the face (the oval's box FACE); the suit's shoulders below."""
    photo = _photo()
    ys, xs = np.mgrid[0:N, 0:N]
    photo[(xs - N / 2) ** 2 + (ys - 50) ** 2 < 80 ** 2] = HAIR
    return photo


def test_a_head_the_top_edge_cuts_rounds_off_above_the_photo():
    """Hair cut by the photo's top edge continues above it in the hair's colour, its outline
    narrowing as a head's crown does, instead of fading into a flat line at the edge."""
    s = _surround(_cut_head())
    # Just above the edge, over the head's middle: hair, not the extended ground.
    row, col = _at(s, N / 2, -5.0)
    assert s.alpha[row, col] > 0.9
    assert np.abs(s.rgb[row, col].astype(int) - HAIR).max() < 30
    # Whole up to the edge inside the photo (not faded toward it).
    row, col = _at(s, N / 2, 2.0)
    assert s.alpha[row, col] > 0.9
    # The outline rounds off: narrower 15 px above the edge than at it (the disc: by 33 px), and
    # gone not far above the disc's own top (30 px above the edge).
    width = [(s.alpha[_at(s, 0, y)[0]] > 0.5).sum() / s.scale for y in (-1.0, -15.0)]
    assert width[1] < width[0] - 12
    assert 120 < width[0] < 160  # the cut's own width (about 126 px)
    row, col = _at(s, N / 2, -50.0)
    assert s.alpha[row, col] < 0.1
    # The head's matte, beyond the photo, has the ground's colour nowhere over its middle.
    row, col = _at(s, N / 2, -20.0)
    assert np.abs(s.rgb[row, col].astype(int) - GROUND).max() > 60


def test_a_dark_band_along_the_top_edge_is_no_head():
    """A matte along the whole top edge (a dark ground the segmenter takes for person) is wider than
    any head: it is not continued as a flat brim across the frame above the photo."""
    photo = _cut_head()
    photo[:12] = SUIT
    s = _surround(photo)
    for x in (20.0, N / 2, N - 20.0):
        row, col = _at(s, x, -5.0)
        assert s.alpha[row, col] < 0.1


def test_a_head_the_top_and_a_side_edge_cut_is_not_continued():
    """A head in the photo's top corner is not continued above it: its continued side rose as a
    hard vertical edge beside the photo's faded one (an L-shaped notch at the corner)."""
    photo = _photo()
    ys, xs = np.mgrid[0:N, 0:N]
    photo[(xs - 20) ** 2 + (ys - 50) ** 2 < 80 ** 2] = HAIR
    s = _surround(photo, face_bbox=(0.0, 40.0, 60.0, 170.0))
    for y in (-1.0, -8.0):
        assert s.alpha[_at(s, 0, y)[0]].max() < 0.1


def test_the_continued_head_meets_the_photo_s_hair_without_a_step():
    """Across the cut the continued hair has the photo's hair's brightness: the shading toward the
    outline grows in above the edge (at full strength there it drew a line 6 levels darker)."""
    s = _surround(_cut_head())
    edge, _ = _at(s, N / 2, 0.0)  # (the photo's first row: mixed with the black beyond)
    over = np.flatnonzero(s.alpha[edge - 1] > 0.9)[2:-2]  # (less the outline's own columns)
    assert len(over) > 80
    step = np.abs(s.rgb[edge - 1].astype(int) - s.rgb[edge + 1].astype(int)).max(axis=-1)
    assert step[over].max() <= 3


def test_no_head_is_continued_where_the_top_edge_cuts_none():
    """_continue_head returns None where the cut lies below the eyes, is narrower than a head, or
    the photo reaches the surround's own top; the same matte otherwise continues."""
    from facetalk.face.surround import _continue_head

    h = w = 200
    rgb = np.full((h, w, 3), 60, np.uint8)
    inside = np.zeros((h, w), bool)
    inside[20:, 20:180] = True
    alpha = np.zeros((h, w), np.float32)
    alpha[20:120, 60:140] = 1.0  # an 80 px cut over the face
    face = np.array([70.0, 40.0, 130.0, 120.0])  # 60 px wide: eyes at row 68

    def head(*, alpha=alpha, inside=inside, face=face):
        return _continue_head(rgb, np.where(inside, alpha, 0).astype(np.float32), inside, face_box=face)

    assert head() is not None
    assert head(face=face + [0, -60, 0, -60]) is None  # eyes at row 8, above the edge
    narrow = np.zeros_like(alpha)
    narrow[20:120, 92:108] = 1.0  # 16 px: under 0.3 face widths
    assert head(alpha=narrow) is None
    top = np.zeros_like(inside)
    top[1:, 20:180] = True
    assert head(inside=top) is None


def test_the_fill_s_grain_copies_no_part_of_the_photo():
    """Beyond the photo its grain continues, but no patch of it is a copy of the photo's: the best
    match of any 16 px block of the fill's fine detail within the photo's correlates under 0.6
    (0.90 when the grain was quilted from the photo's patches, whose seams showed a grain running
    one way, the wood behind the mohawk, as a parquet of copies), and it keeps the grain's contrast."""
    import cv2

    rng = np.random.default_rng(3)
    photo = np.array((150, 140, 120), np.float32) + 20 * rng.standard_normal((N, N, 1)).astype(np.float32)
    s = _surround(np.clip(cv2.GaussianBlur(photo, (0, 0), 1.0), 0, 255).astype(np.uint8), face_bbox=None)
    grey = s.rgb.astype(np.float32).mean(axis=2)
    detail = grey - cv2.GaussianBlur(grey, (0, 0), 3.0)
    (r0, c0), (r1, c1) = _at(s, 10, 10), _at(s, N - 10, N - 10)
    source = detail[r0:r1, c0:c1]
    (f0, g0), (f1, g1) = _at(s, 0.1 * N, -0.45 * N), _at(s, 0.9 * N, -0.15 * N)
    best = [cv2.matchTemplate(source, detail[r:r + 16, c:c + 16], cv2.TM_CCOEFF_NORMED).max()
            for r in range(f0, f1 - 16, 8) for c in range(g0, g1 - 16, 8)]
    assert max(best) < 0.6
    assert detail[f0:f1, g0:g1].std() > 0.5 * source.std()


def test_a_vignette_s_light_corners_do_not_rise_beyond_the_photo():
    """A grey ground with lighter paper in the two top corners, down half the sides (an engraving's
    oval vignette): the edges' tone is the median of the photo's own strip, so a tenth to a third
    of a frame above the photo the fill stays near the ground. Every place beyond the photo took
    its nearest strip pixel's tone into that median, so by a corner the corner's own pixel filled
    a quadrant of the square and the light paper rose as a fan of glows (the engraving's
    crescents): 0.53 of the contrast on average there, the brightest 0.87 (now 0.19 and 0.39)."""
    ground, paper = 130.0, 240.0
    photo = np.full((N, N, 3), ground, np.uint8)
    photo[:N // 2, :N // 5] = paper
    photo[:N // 2, -N // 5:] = paper
    s = _surround(photo, face_bbox=None)
    grey = s.rgb.astype(float).mean(axis=2)
    (r0, c0), (r1, c1) = _at(s, -0.3 * N, -0.35 * N), _at(s, 1.3 * N, -0.1 * N)
    rise = (grey[r0:r1, c0:c1] - ground) / (paper - ground)
    assert rise.mean() < 0.25, rise.mean()
    assert rise.max() < 0.5, rise.max()


def test_an_oriented_grain_keeps_its_direction_beyond_the_photo():
    """Grain streaked one way (noise blurred 3 px down, 1 across: wood's, a hatching's) carries on
    beyond the photo in its direction: above it the fill's horizontal-to-vertical gradient energy
    is within 25% of the photo's (6.2 against 6.5; a fill of the same grain in no direction reads
    1.1, one turned a quarter under 0.1), and it copies no part of the photo. Streaks match by
    chance more than a grain running every way does (a fill in no direction matches 0.56), so the
    bar is 0.75: quilted from the photo's patches the fill matched it at 0.87."""
    import cv2

    rng = np.random.default_rng(5)
    streaks = 3 * cv2.GaussianBlur(25 * rng.standard_normal((N, N)).astype(np.float32), (0, 0), sigmaX=1.0, sigmaY=3.0)
    photo = np.array((150, 140, 120), np.float32) + streaks[..., None]
    s = _surround(np.clip(photo, 0, 255).astype(np.uint8), face_bbox=None)
    grey = s.rgb.astype(np.float32).mean(axis=2)
    detail = grey - cv2.GaussianBlur(grey, (0, 0), 3.0)
    (r0, c0), (r1, c1) = _at(s, 50, 50), _at(s, N - 50, N - 50)  # (clear of the edge's fade)
    (f0, g0), (f1, g1) = _at(s, 0.1 * N, -0.45 * N), _at(s, 0.9 * N, -0.15 * N)
    source, fill = detail[r0:r1, c0:c1], detail[f0:f1, g0:g1]

    def across_over_down(d: np.ndarray) -> float:
        gx, gy = cv2.Sobel(d, cv2.CV_32F, 1, 0), cv2.Sobel(d, cv2.CV_32F, 0, 1)
        return float(np.mean(gx * gx) / np.mean(gy * gy))

    assert across_over_down(source) > 4.0  # (the photo's grain does run one way)
    assert across_over_down(fill) == pytest.approx(across_over_down(source), rel=0.25)
    best = [cv2.matchTemplate(source, detail[r:r + 16, c:c + 16], cv2.TM_CCOEFF_NORMED).max()
            for r in range(f0, f1 - 16, 8) for c in range(g0, g1 - 16, 8)]
    assert max(best) < 0.75, max(best)
    assert fill.std() > 0.5 * source.std()


def test_a_vignette_s_oval_continues_beyond_the_photo():
    """A grey ground inside an oval, light paper outside it (an engraving's vignette), the oval's
    top cut by the photo's top edge, the paper showing in its top corners: above the photo the
    oval closes (its fitted ellipse), so the paper lies all round its cap and the grey only
    within it. Each tone continued from the nearest part of the edge, the paper corners ended at
    the edge as crescents and a tenth to a third of a frame up the fill was grey (0.01 of the
    contrast over the grey, now 0.96); within the cap it stays grey (0.00)."""
    rng = np.random.default_rng(3)
    ground, paper = 130.0, 240.0
    ys, xs = np.mgrid[0:N, 0:N].astype(np.float32)
    within = ((xs - 150) / 170) ** 2 + ((ys - 260) / 300) ** 2 < 1.0  # the cap's top 40 px above the photo
    grey = np.where(within, ground + 8 * rng.standard_normal((N, N)), paper + 2 * rng.standard_normal((N, N)))
    photo = np.clip(np.repeat(grey[..., None], 3, axis=2), 0, 255).astype(np.uint8)
    top = (190 + 0.3 * np.abs(np.arange(N) - N / 2)).astype(int)
    for col in range(N):
        photo[top[col]:, col] = SUIT
    s = _surround(photo)
    lum = s.rgb.astype(float).mean(axis=2)
    (r0, c0), (r1, c1) = _at(s, -0.3 * N, -0.35 * N), _at(s, 1.3 * N, -0.2 * N)
    rise = (lum[r0:r1, c0:c1] - ground) / (paper - ground)
    assert rise.mean() > 0.8, rise.mean()
    (r0, c0), (r1, c1) = _at(s, 130, -0.07 * N), _at(s, 170, -0.03 * N)  # within the cap (its sides at 89, 211)
    assert abs(((lum[r0:r1, c0:c1] - ground) / (paper - ground)).mean()) < 0.2
    # Just above the edge the paper reaches in to the oval's outline (x 65 and 235 at the edge).
    r, (_, ca), (_, cb) = _at(s, 0, -3)[0], _at(s, 40, 0), _at(s, 260, 0)
    assert ((lum[r, [ca, cb]] - ground) / (paper - ground)).min() > 0.7


def test_straight_light_bands_either_side_are_no_vignette():
    """Light door frames down both sides of a grey ground (Pedersen's) are not an oval: their
    edges lie on no ellipse (a circle through them leaves most of their points off it), so no
    vignette is found; an oval cut by the photo's top and sides is, where it is (a guard on the fit,
    which HEAD did not have)."""
    from facetalk.face import surround

    ground, paper = 130, 240
    photo = np.full((N, N, 3), ground, np.uint8)
    photo[:, :40] = paper
    photo[:, -40:] = paper
    clear = np.ones((N, N), bool)
    clear[190:] = False  # (the body)
    face = np.array(FACE)
    assert surround._vignette_ellipse(photo, clear, face_box=face, frame_px=float(N)) is None
    ys, xs = np.mgrid[0:N, 0:N]
    photo[:] = np.where((((xs - 150) / 160) ** 2 + ((ys - 180) / 200) ** 2 < 1.0)[..., None], ground, paper)
    found = surround._vignette_ellipse(photo, clear, face_box=face, frame_px=float(N))
    assert found is not None
    assert np.allclose(found, (150, 180, 160, 200), atol=8), found


def test_the_fill_s_blotches_keep_the_ground_s_tint_not_stray_hues():
    """Brown wood-like streaks with a few teal marks among them (book spines by the mohawk's
    panelling): beyond the photo the mid-scale blotches keep the streaks' tint and only half of
    the hue that strays from it (MID_HUE_KEPT). Quilted whole, the marks were scattered over the
    fill as teal streaks: its stray hue (at 2-8 px) was 0.55 of the photo's, now 0.29 (the quiet
    patches hold few of the marks, and the fine grain has the tint alone)."""
    import cv2

    rng = np.random.default_rng(7)
    streaks = cv2.GaussianBlur(rng.standard_normal((N, N)).astype(np.float32), (0, 0), sigmaX=2.0, sigmaY=8.0)
    marks = cv2.GaussianBlur(rng.standard_normal((N, N)).astype(np.float32), (0, 0), 4.0)
    marks = np.clip(marks / marks.std() - 1.5, 0, None)  # (sparse)
    photo = (np.array((180, 130, 90), np.float32)
             + 20 * (streaks / streaks.std())[..., None] * np.array((1.2, 1.0, 0.8))
             + 20 * marks[..., None] * np.array((-1.0, 0.6, 1.0), np.float32))
    s = _surround(np.clip(photo, 0, 255).astype(np.uint8), face_bbox=None)
    rgb = s.rgb.astype(np.float32)
    band = cv2.GaussianBlur(rgb, (0, 0), 2.0) - cv2.GaussianBlur(rgb, (0, 0), 8.0)

    def stray(b: np.ndarray) -> float:
        lum = b.mean(axis=2)
        tint = (b * lum[..., None]).mean(axis=(0, 1)) / np.mean(lum * lum)
        return float((b - lum[..., None] * tint).std())

    (r0, c0), (r1, c1) = _at(s, 20, 20), _at(s, N - 20, N - 20)
    (f0, g0), (f1, g1) = _at(s, -0.35 * N, 0.2 * N), _at(s, -0.15 * N, 0.8 * N)
    ratio = stray(band[f0:f1, g0:g1]) / stray(band[r0:r1, c0:c1])
    assert 0.1 < ratio < 0.4, ratio


def _coherence(lum: np.ndarray) -> float:
    """How much the (h, w) `lum`'s detail finer than 2 px runs one way: the anisotropy of its mean
    structure tensor, 0 (none) to 1."""
    import cv2

    fine = lum.astype(np.float32) - cv2.GaussianBlur(lum.astype(np.float32), (0, 0), 2.0)
    gx, gy = cv2.Sobel(fine, cv2.CV_32F, 1, 0), cv2.Sobel(fine, cv2.CV_32F, 0, 1)
    a, b, c = float(np.mean(gx * gx)), float(np.mean(gy * gy)), float(np.mean(gx * gy))
    return float(np.hypot(a - b, 2 * c) / (a + b))


def test_a_vignette_s_paper_beyond_the_photo_has_the_paper_s_grain_not_the_hatching_s():
    """Diagonal hatching within the oval, plain paper with a grain running no way outside it (the
    engraving's): beyond the photo the paper's grain is made from the paper's own pixels. One grain
    over both sides, its strength alone set per side, laid the hatching's diagonal streaks on the
    paper: its detail's coherence there (beyond the oval's top left) was 0.61 against the photo's
    paper's 0.05, now 0.14 (what is left is the mid-scale quilt's, made from both sides)."""
    import cv2

    rng = np.random.default_rng(11)
    ys, xs = np.mgrid[0:N, 0:N].astype(np.float32)
    within = ((xs - 150) / 170) ** 2 + ((ys - 260) / 300) ** 2 < 1.0
    hatching = cv2.filter2D(rng.standard_normal((N, N)).astype(np.float32), -1, np.eye(9, dtype=np.float32) / 3.0)
    paper = cv2.GaussianBlur(rng.standard_normal((N, N)).astype(np.float32), (0, 0), 0.7)
    grey = np.where(within, 130 + 12 * hatching, 240 + 4 * paper / paper.std())
    photo = np.clip(np.repeat(grey[..., None], 3, axis=2), 0, 255).astype(np.uint8)
    top = (190 + 0.3 * np.abs(np.arange(N) - N / 2)).astype(int)
    for col in range(N):
        photo[top[col]:, col] = SUIT
    s = _surround(photo)
    lum = s.rgb.astype(np.float32).mean(axis=2)
    (r0, c0), (r1, c1) = _at(s, -0.45 * N, -0.45 * N), _at(s, -0.15 * N, -0.15 * N)  # (beyond the oval's top left)
    assert _coherence(grey[:25, :25]) < 0.1  # (the photo's paper runs no way)
    assert _coherence(lum[r0:r1, c0:c1]) < 0.25, _coherence(lum[r0:r1, c0:c1])


def _two_tone(within: np.ndarray, inside: float, outside) -> np.ndarray:
    """(N, N, 3) uint8 grey `inside` where the (N, N) bool `within`, else `outside` (a level or (N, N))."""
    return np.repeat(np.clip(np.where(within, inside, outside), 0, 255).astype(np.uint8)[..., None], 3, axis=2)


def _within(cx: float, cy: float, a: float, b: float) -> np.ndarray:
    ys, xs = np.mgrid[0:N, 0:N].astype(np.float32)
    return ((xs - cx) / a) ** 2 + ((ys - cy) / b) ** 2 < 1.0


def test_one_short_arc_is_no_vignette(monkeypatch):
    """An oval seen only in the photo's top-left corner (the rest is the person): its one short arc
    fits many ellipses, so none is taken (VIGNETTE_ARC). Without that guard the same points give
    (138.5, 163.9, 143.1, 178.8) for the oval (150, 180, 160, 200)."""
    from facetalk.face import surround

    clear = np.zeros((N, N), bool)
    clear[:100, :90] = True
    photo = _two_tone(_within(150, 180, 160, 200), 130, 240)
    assert surround._vignette_ellipse(photo, clear, face_box=np.array(FACE), frame_px=float(N)) is None
    monkeypatch.setattr(surround, "VIGNETTE_ARC", 0.0)  # (the guard is what says no)
    assert surround._vignette_ellipse(photo, clear, face_box=np.array(FACE), frame_px=float(N)) is not None


def test_an_outline_lighter_on_alternating_sides_is_no_vignette(monkeypatch):
    """A ground on an oval whose surround is light paper on the left and dark on the right: the
    outline is an ellipse, but its lighter side changes along it, so it is no vignette (VIGNETTE_SIDE).
    Without that guard it is taken: (150.0, 180.1, 160.1, 200.1)."""
    from facetalk.face import surround

    xs = np.arange(N, dtype=np.float32)[None, :] * np.ones((N, 1), np.float32)
    photo = _two_tone(_within(150, 180, 160, 200), 130, np.clip(240 - 2.2 * (xs - 100), 20, 240))
    clear = np.ones((N, N), bool)
    assert surround._vignette_ellipse(photo, clear, face_box=np.array(FACE), frame_px=float(N)) is None
    monkeypatch.setattr(surround, "VIGNETTE_SIDE", 0.0)
    assert surround._vignette_ellipse(photo, clear, face_box=np.array(FACE), frame_px=float(N)) is not None


def test_an_oval_beside_the_face_is_no_vignette():
    """A whole small oval left of the face (a medallion, a mirror), its centre (55, 100) and the
    face's (150, 105): no vignette, as the face's centre lies outside it. Without that guard it is
    found, (54.8, 100.0, 44.5, 55.6), and the fill would lay the paper all round the face."""
    from facetalk.face import surround

    photo = _two_tone(_within(55, 100, 45, 56), 130, 240)
    assert surround._vignette_ellipse(photo, np.ones((N, N), bool), face_box=np.array(FACE), frame_px=float(N)) is None


def test_a_vignette_s_continued_outline_is_crisp():
    """The engraving's hatching within the oval, paper outside: above the photo the continued
    outline is about as crisp as the oval's own edge (over half its soft width, moved in and out
    as the hatching's lines end), not a soft smooth curve. Per column of the cap, the pixels a
    quarter to three quarters of the way from the ground to the paper were 2.1 (1.35 with each
    side's own grain, 3bf9a1d), now 0.35."""
    import cv2

    rng = np.random.default_rng(11)
    ys, xs = np.mgrid[0:N, 0:N].astype(np.float32)
    within = ((xs - 150) / 170) ** 2 + ((ys - 260) / 300) ** 2 < 1.0
    hatching = cv2.filter2D(rng.standard_normal((N, N)).astype(np.float32), -1, np.eye(9, dtype=np.float32) / 3.0)
    grey = np.where(within, 130 + 12 * hatching, 240 + 2 * rng.standard_normal((N, N)))
    photo = np.clip(np.repeat(grey[..., None], 3, axis=2), 0, 255).astype(np.uint8)
    top = (190 + 0.3 * np.abs(np.arange(N) - N / 2)).astype(int)
    for col in range(N):
        photo[top[col]:, col] = SUIT
    s = _surround(photo)
    rise = (s.rgb.astype(np.float32).mean(axis=2) - 130) / 110
    (r0, c0), (r1, c1) = _at(s, 60, -0.15 * N), _at(s, 240, -3)  # (the cap: its top 40 px above the photo)
    part = rise[r0:r1, c0:c1]
    assert part.min() < 0.25 and part.max() > 0.75  # (the outline crosses it)
    assert ((part > 0.25) & (part < 0.75)).sum(axis=0).mean() < 0.8


def test_a_ragged_outline_with_no_grain_inside_to_follow_stays_smooth_and_finite():
    """_ragged measures the grain's spread over the wanted pixels within the oval; with none there
    (an oval whose inside the photo covers whole) the outline is the smooth one, not NaN."""
    h = w = 200
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    distance = (np.hypot(xs - 100, ys - 100) - 50).astype(np.float32)
    from facetalk.face import surround

    vignette = surround._Vignette(tones=np.zeros((h, w, 3), np.float32), outside=(distance > 0).astype(np.float32),
                                  distance=distance, step=np.ones((h, w, 3), np.float32), soft_px=2.0)
    wanted = np.zeros((h, w), bool)
    wanted[:5] = True  # only beyond the oval: the photo's fading edge
    inner = np.random.default_rng(0).standard_normal((h, w, 3)).astype(np.float32)
    outside, band = surround._ragged(vignette, inner=inner, wanted=wanted)
    assert np.isfinite(outside).all()
    assert outside[100, 100] == 0.0 and outside[5, 5] == 1.0
    np.testing.assert_array_equal(outside, outside.T)  # unmoved by the grain: as round as the oval


def test_a_ragged_outline_moves_by_the_grains_strokes_not_by_single_pixels():
    """The continued outline is jagged by the grain smoothed to its strokes' scale: at 4x a
    per-pixel jag was a sawtooth with specks (review 22d). Along a circle's top edge, under a white
    noise grain: the edge's second difference per column 1.78 px before, ~1.0 now, while it still
    wanders ~1 px off the circle (ragged, not smooth)."""
    from facetalk.face import surround

    h = w = 200
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    distance = (np.hypot(xs - 100, ys - 100) - 60).astype(np.float32)
    vignette = surround._Vignette(tones=np.zeros((h, w, 3), np.float32), outside=(distance > 0).astype(np.float32),
                                  distance=distance, step=np.ones((h, w, 3), np.float32), soft_px=2.5)
    inner = np.repeat(np.random.default_rng(0).normal(size=(h, w, 1)).astype(np.float32), 3, axis=2)
    outside, _ = surround._ragged(vignette, inner=inner, wanted=np.ones((h, w), bool))
    columns = np.arange(70, 131)
    top = np.array([np.argmax(outside[:100, x] < 0.5) for x in columns], float)
    circle = 100 - np.sqrt(60.0 ** 2 - (columns - 100.0) ** 2)
    assert np.abs(np.diff(top, 2)).mean() < 1.3
    assert np.abs(top - circle).mean() > 0.5
