"""The irises cut out of the photo: the sclera refilled where an iris was, and the iris completed."""

import numpy as np
import pytest

from facetalk.face import landmarks as lm
from facetalk.face.appearance import (BAND_REACH_PX, SCLERA_SHADE_MIN_PX, SEAM_SHADE_DEPTH, TREND_SPAN_PX, _band_shade,
                                      _cut_iris, _depth_matched, _lid_shade, _row_trend, _seam_offset, _white_share)
from facetalk.imaging import LUMA

IRIS_R = 9.0  # px


def _synthetic_eye(seed: int = 0, *, lower_lid_px: float = 12.0) -> tuple[np.ndarray, np.ndarray]:
    """A 60 x 24 px eye opening of textured, shaded white (grain of std 10 on 200, darker toward
    the upper lid), an iris disc in its middle whose top the upper lid hides, and skin around it.
    Returns the (H, W, 3) uint8 image and (N_LANDMARKS, 3) landmarks."""
    import cv2

    rng = np.random.default_rng(seed)
    h, w = 120, 160
    yy, xx = np.mgrid[:h, :w]
    grain = cv2.GaussianBlur(rng.standard_normal((h, w)), (0, 0), 0.7)
    white = 200.0 - 20.0 * np.clip((60 - yy) / 12.0, 0.0, 1.0) + 10.0 * grain / grain.std()
    image = np.dstack([white, white - 5, white - 12])
    pts = np.zeros((lm.N_LANDMARKS, 3))
    upper, lower = np.array(lm.LEFT_EYE_UPPER), np.array(lm.LEFT_EYE_LOWER)
    x = np.linspace(50, 110, len(upper))
    pts[upper, 0], pts[upper, 1] = x, 60 - 12 * np.sin(np.linspace(0, np.pi, len(upper)))
    pts[lower, 0], pts[lower, 1] = x, 60 + lower_lid_px * np.sin(np.linspace(0, np.pi, len(lower)))
    opening = np.zeros((h, w), np.uint8)
    cv2.fillPoly(opening, [np.round(pts[list(upper) + list(lower[-2:0:-1]), :2]).astype(np.int32)], 1)
    image[opening == 0] = (180, 140, 120)  # skin
    centre = np.array([80.0, 52.0])  # the iris' top lies under the upper lid
    iris = (np.hypot(xx - centre[0], yy - centre[1]) <= IRIS_R) & (opening == 1)
    image[iris] = (90, 60, 40)
    pts[lm.LEFT_IRIS[0], :2] = centre
    angles = np.array([0.0, 0.5, 1.0, 1.5]) * np.pi
    pts[list(lm.LEFT_IRIS[1:]), 0] = centre[0] + IRIS_R * np.cos(angles)
    pts[list(lm.LEFT_IRIS[1:]), 1] = centre[1] + IRIS_R * np.sin(angles)
    return np.clip(image, 0, 255).astype(np.uint8), pts


def _detail(luma: np.ndarray) -> np.ndarray:
    import cv2

    return luma - cv2.GaussianBlur(luma, (0, 0), 1.0)


def test_refilled_sclera_has_the_whites_texture_and_brightness():
    """Where the iris was, a moved gaze shows sclera: as grainy as the photo's white (a flat fill
    reads as painted), its ends meeting the white past them and its middle no paler than the
    white's light beside it."""
    import cv2

    image, pts = _synthetic_eye()
    texture = image.copy()
    sprite = _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    # The refilled pixels: those the iris sprite took (inside the opening), less their 1 px rim.
    taken = np.zeros(image.shape[:2], np.uint8)
    x0, y0 = sprite.origin_xy.astype(int)
    box = (slice(y0, y0 + sprite.alpha.shape[0]), slice(x0, x0 + sprite.alpha.shape[1]))
    taken[box] = (sprite.alpha >= 1.0) & (np.abs(texture[box].astype(int) - image[box]).max(axis=2) > 0)
    hole = cv2.erode(taken, np.ones((3, 3), np.uint8)).astype(bool)
    assert hole.sum() > 100
    luma, filled = image.astype(np.float32) @ LUMA, texture.astype(np.float32) @ LUMA
    # Each end of the refill, on rows clear of both lids: its 2 end pixels against the photo's white
    # 1-2 px past it, averaged over the rows (one row's are the grain's, std 10): 1.8 and 0.8 levels.
    refilled = np.abs(texture.astype(int) - image).max(axis=2) > 0
    steps = [[filled[y, [end, end - out]].mean() - filled[y, [end + out, end + 2 * out]].mean()
              for end, out in ((np.nonzero(refilled[y])[0].min(), -1), (np.nonzero(refilled[y])[0].max(), 1))]
             for y in range(52, 64) if refilled[y].any()]
    assert np.abs(np.mean(steps, axis=0)).max() <= 4.0, np.mean(steps, axis=0)
    yy, xx = np.mgrid[:image.shape[0], :image.shape[1]]
    # The white beside the iris, on the same rows.
    white = np.abs(image.astype(int) - (180, 140, 120)).max(axis=2) > 0
    beside = white & (luma > 120) & (np.abs(xx - 80) > IRIS_R + 2) & (np.abs(xx - 80) < 2.2 * IRIS_R) \
        & (yy >= yy[hole].min()) & (yy <= yy[hole].max())
    # Between its ends the fill keeps the depth match's shape, lighter white weighing most (and
    # lighter under the curved lid's middle; this white is shaded by row): no paler than the white's
    # 75th percentile, 199.7 (196.3; the white's mean is 190.8).
    assert filled[hole].mean() <= np.percentile(luma[beside], 75)
    grain = _detail(luma)[cv2.erode(beside.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)].std()
    assert 0.5 * grain < _detail(filled)[hole].std() < 2.0 * grain


def test_refilled_sclera_is_shaded_under_the_upper_lid_like_the_white_beside_it():
    """The white darkens toward the upper lid along its curved margin; the refill over the iris
    takes that shade at each depth under the margin, not the light of the white on the same image
    row (deeper under the margin beside the iris), which a raised lid bared as a light crescent
    hugging the iris's top."""
    import cv2

    image, pts = _synthetic_eye()
    h, w = image.shape[:2]
    yy, xx = np.mgrid[:h, :w]
    # Depth under the upper margin, read down the column (the margin is 60 - 12 sin over x 50..110).
    depth = yy - (60 - 12 * np.sin(np.pi * np.clip((xx - 50) / 60.0, 0.0, 1.0)))
    white = np.abs(image.astype(int) - (180, 140, 120)).max(axis=2) > 0
    iris = np.abs(image.astype(int) - (90, 60, 40)).max(axis=2) == 0
    shade = 1.0 - 0.35 * np.clip(1.0 - depth / 5.0, 0.0, 1.0)
    sclera = white & ~iris
    image[sclera] = np.clip(image[sclera] * shade[sclera][:, None], 0, 255).astype(np.uint8)
    texture = image.copy()
    _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    refilled = np.abs(texture.astype(int) - image).max(axis=2) > 0
    luma, filled = image.astype(np.float32) @ LUMA, texture.astype(np.float32) @ LUMA
    near_lid = refilled & (depth >= 1.0) & (depth < 3.0)
    assert near_lid.sum() >= 10
    white_there = sclera & ~cv2.dilate(iris.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool) \
        & (depth >= 1.0) & (depth < 3.0)
    # Within the white's grain (std 10) of its median there: 154 against 148; the fill carried
    # along image rows gave 178.
    assert filled[near_lid].mean() <= np.median(luma[white_there]) + 10.0


def test_a_refilled_pixel_far_in_depth_from_every_known_white_takes_the_nearest_not_black():
    """Every known white 11 px or more away in depth: the Gaussian weights of all of them underflowed
    to 0 and the pixel was refilled black; it takes the nearest depth's colour."""
    colours = np.array([[200.0, 180.0, 170.0], [120.0, 100.0, 90.0]], np.float32)
    for depths, want, expect in (([-0.5, -11.0], [11.0], None), ([11.0, 12.0], [0.6], 0)):
        out = _depth_matched(colours, np.array(depths, np.float32), np.array([3, 40]), np.array(want, np.float32),
                             np.array([20]))
        assert out.min() > 50.0
        if expect is not None:
            np.testing.assert_allclose(out[0], colours[expect], atol=1.0)


def test_one_dark_pixel_deep_under_the_lid_does_not_cap_the_whole_fill():
    """The deepest depth steps of the known white often hold a pixel or three: one dark one there (a
    lash, a shadow) capped every refilled pixel on that side; a step counts with SCLERA_SHADE_MIN_PX."""
    rng = np.random.default_rng(0)
    depths = np.concatenate([rng.uniform(0.0, 6.0, 200), [6.5]]).astype(np.float32)
    luma = np.concatenate([rng.normal(150.0, 5.0, 200), [69.0]]).astype(np.float32)
    fill = np.full(50, 150.0, np.float32)
    want = rng.uniform(0.0, 6.9, 50).astype(np.float32)
    assert SCLERA_SHADE_MIN_PX > 1
    factor = _lid_shade(luma, depths, fill, want)
    assert factor.min() > 0.9  # 69 / 150 = 0.46 when the lone pixel's step counted


def test_refill_band_under_the_lid_is_as_dark_as_the_white_beside_it_at_that_depth():
    """The refill's band under the upper lid is brought down to the white's level at the same whole-px
    depth in the columns beside it (the lashes' shade just past the iris), not to a lighter white far
    off at that depth; deeper than SEAM_SHADE_DEPTH it is untouched, and so is a lower-lid pixel with
    no white beside it under that lid."""
    # Known white: at depth 1 px, dark (120) beside the refill (columns 8-9, 20-21), light (200) far
    # off (columns 40-45); 180 deeper down.
    near_cols = np.array([8, 9, 20, 21] * 3)
    far_cols = np.arange(40, 46).repeat(2)
    cols = np.concatenate([near_cols, far_cols, np.arange(8, 22)])
    depths = np.concatenate([np.full(len(near_cols), 1.5), np.full(len(far_cols), 1.5),
                             np.full(14, SEAM_SHADE_DEPTH + 2.0)]).astype(np.float32)
    luma = np.concatenate([np.full(len(near_cols), 120.0), np.full(len(far_cols), 200.0),
                           np.full(14, 180.0)]).astype(np.float32)
    assert far_cols.min() > 21 + BAND_REACH_PX
    want_cols = np.array([12, 15, 18, 12, 15])
    want_depths = np.array([1.2, 1.7, 1.4, SEAM_SHADE_DEPTH + 1.0, -1.5], np.float32)
    fill = np.full(5, 180.0, np.float32)
    factor = _band_shade(luma, depths, cols, fill_luma=fill, want_depths=want_depths, want_cols=want_cols)
    np.testing.assert_allclose(factor[:3], 120.0 / 180.0, rtol=1e-5)
    np.testing.assert_array_equal(factor[3:], 1.0)
    # A fill already darker than that white is left as it is.
    darker = np.full(5, 100.0, np.float32)
    assert _band_shade(luma, depths, cols, fill_luma=darker, want_depths=want_depths, want_cols=want_cols).min() == 1.0


def test_a_look_aside_refill_takes_the_lash_shade_in_the_top_px_and_the_whites_rise_toward_it():
    """Cut end to end (01's case): the white under the upper margin is shaded by the lashes in its top
    px alone, which the white the fill grows from (1 px in from the margin) holds none of, and beside
    the refill's left end it brightens toward the iris. The refill's top px are no lighter than that
    shaded white beside them, and its left part carries the rise on rather than falling off it."""
    # Fails with the band read from the fill's own white (band=others), or with the _band_shade or the
    # _row_trend call taken out of _sclera_fill.
    image, pts = _synthetic_eye()
    yy, xx = np.mgrid[:image.shape[0], :image.shape[1]]
    under = yy - (60.0 - 12.0 * np.sin(np.pi * (xx - 50) / 60.0))  # px under the upper margin
    img = image.astype(np.float64)
    white = img @ LUMA > 150.0
    img[white] += (4.0 * np.clip(8 - (68 - xx), 0, 8) * (xx < 80))[white][:, None] - 12.0  # +4 a px to col 68
    img[white & (under >= 0.0) & (under < 1.0)] -= 110.0
    image = np.clip(img, 0, 255).astype(np.uint8)
    texture = image.copy()
    _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    luma, filled = image.astype(np.float64) @ LUMA, texture.astype(np.float64) @ LUMA
    refilled = (texture != image).any(axis=2)
    top = (under >= 0.0) & (under < 1.0)
    beside = white & top & ~refilled & (np.abs(xx - 80) > 10) & (np.abs(xx - 80) < 17)
    assert (refilled & top).sum() >= 8 and beside.sum() >= 4
    # Against that white's upper quartile: without the band's cap read from the whole opening, the
    # refill's top px (part iris, by their share) are ~7 levels lighter; with it, ~2 darker.
    assert filled[refilled & top].mean() <= np.percentile(luma[beside], 75)
    # Rows 54-61: the refill's 3rd-10th px against its 2 end px: ~-1 level; with no trend, ~-5.
    ends = [np.nonzero(refilled[y])[0].min() for y in range(54, 62)]
    fall = [filled[y, x + 3:x + 11].mean() - filled[y, x:x + 2].mean() for y, x in zip(range(54, 62), ends)]
    assert np.mean(fall) >= -3.0, fall


def test_refill_continues_the_whites_rise_toward_it_but_not_a_fall():
    """A white that brightens toward the refill (the eyeball's lit front) is carried on into it from
    that end, by no more than it rose beside it and under the white's ceiling; one that darkens toward
    it (the photo's soft limbus) is not; the far end, with no trend, keeps the fill met to its white."""
    h, w = 40, 42
    hole = np.zeros((h, w), bool)
    hole[:, 15:27] = True
    known = ~hole
    cols = np.arange(w, dtype=np.float32)
    luma = np.full((h, w), 150.0, np.float32)
    luma[:8, :15] = 100.0 + 4.0 * cols[:15]      # rows 0-7: rise 4 a px toward the hole from both ends
    luma[:8, 27:] = 100.0 + 4.0 * (w - 1 - cols[27:])
    luma[16:24, :15] = 100.0 + 4.0 * cols[:15]   # rows 16-23: from the left end only
    luma[32:, :15] = 220.0 - 4.0 * cols[:15]     # rows 32-39: falls toward it
    fill = np.full((h, w), 156.0, np.float32)
    gain = _row_trend(luma, known=known, hole=hole, fill_luma=fill, ceiling=400.0)
    assert np.all(gain[~hole] == 0.0)
    rise = 4.0 * (TREND_SPAN_PX - 1)
    assert gain[19, 15] == 0.0 < gain[19, 16] < gain[19, 20]   # carried on from 0 at the end, growing into it
    # From both ends the middle's gain reaches the rise (4 a px from either end would make it 24 there).
    assert rise - 1.0 <= gain[3, 15:27].max() <= rise + 1e-3
    assert np.abs(gain[35:, 15:]).max() < 0.02 * gain[19].max()  # a fall toward the hole is not carried
    assert gain[19, 26] < gain[19, 20]                            # the far end stays near its own white
    capped = _row_trend(luma, known=known, hole=hole, fill_luma=fill, ceiling=160.0)
    assert capped.max() <= 4.0 + 1e-3


def test_the_rows_blended_trend_leaves_each_rows_ends_at_their_white():
    """Blended over rows, the trend of a disc's wide middle rows is not carried onto the ends of its
    narrower top and bottom rows (rows with no trend of their own): each row's ends keep no gain."""
    h, w = 30, 50
    yy, xx = np.mgrid[:h, :w]
    hole = np.hypot(xx - 25.0, yy - 15.0) <= 10.0
    cols = np.arange(w, dtype=np.float32)
    luma = np.broadcast_to(100.0 + 4.0 * np.minimum(cols, w - 1 - cols), (h, w)).astype(np.float32)
    gain = _row_trend(luma, known=~hole, hole=hole, fill_luma=np.full((h, w), 100.0, np.float32), ceiling=400.0)
    ends = [(y, x) for y in range(h) if hole[y].any() for x in np.nonzero(hole[y])[0][[0, -1]]]
    assert gain[15].max() > 10.0
    assert max(gain[y, x] for y, x in ends) == 0.0


def test_iris_sprite_completes_the_top_the_upper_lid_hides():
    """The part of the iris the upper lid hides is completed in the iris' colour, so a wider eye
    shows a round iris, not one cut flat where the lid was."""
    image, pts = _synthetic_eye()
    sprite = _cut_iris(image, image.copy(), pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    x0, y0 = sprite.origin_xy
    cx, cy = 80 - int(x0), 52 - int(y0)
    column = sprite.alpha[:, cx]
    top = np.nonzero(column > 0.5)[0].min()
    assert top <= cy - IRIS_R + 1.5
    hidden_top = sprite.rgb[cy - int(IRIS_R) + 2, cx] @ LUMA
    assert abs(hidden_top - np.array([90, 60, 40]) @ LUMA) < 15


def test_a_raised_lid_bares_the_iris_and_white_under_its_margin_not_a_stepped_shadow_band():
    """The lashes shade the iris's top 2-3 px under the upper margin, and the pixel mask of the
    opening (one pixel in from the margin) left the iris in the texture above it: a raised lid
    (anger, fear, surprise) stretched both into a stepped dark band over the iris (judge43b: 07 and
    13). The texture is refilled up to the margin's line, and the raised-lid sprite's top is the
    completed iris, the lash shadow left out; the sprite at rest keeps the lid's shade."""
    image, pts = _synthetic_eye()
    h, w = image.shape[:2]
    yy, xx = np.mgrid[:h, :w]
    depth = yy - (60 - 12 * np.sin(np.pi * np.clip((xx - 50) / 60.0, 0.0, 1.0)))
    iris = np.abs(image.astype(int) - (90, 60, 40)).max(axis=2) == 0
    shadow = iris & (depth < 3.0)
    image[shadow] = image[shadow] // 2  # the lash shadow on the iris's top
    texture = image.copy()
    sprite = _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    luma = texture.astype(np.float32) @ LUMA
    # Under the margin's line over the iris the texture is refilled by depth (from 0.5 to 1.5 px
    # under the line): no whole pixel of the shaded iris (33) is left 0.8 px or more under it, as
    # the opening's stepped pixel mask left them (at 0.74-0.85 px in columns 77, 83, 84), and white
    # (~180) from 1.5 px.
    near = iris & (np.abs(xx - 80) < 6)
    assert (near & (depth >= 0.8) & (depth < 1.5)).sum() >= 6
    assert luma[near & (depth >= 0.8)].min() > 40.0  # 33 before
    assert luma[near & (depth >= 1.5) & (depth < 3.0)].min() > 150.0
    # The raised sprite's top band, 0.5-1.5 px under the margin: mostly the iris's own colour (66),
    # not its shadow (33) (the photo's is blended in from IRIS_TOP_SHADE - IRIS_TOP_RAMP px down).
    x0, y0 = sprite.origin_xy.astype(int)
    box = (slice(y0, y0 + sprite.alpha.shape[0]), slice(x0, x0 + sprite.alpha.shape[1]))
    rgb, alpha = sprite.raised
    band = shadow[box] & (alpha > 0.99) & (np.abs(depth[box] - 1.0) <= 0.5)
    assert band.sum() >= 8
    iris_luma = np.array([90, 60, 40]) @ LUMA
    assert np.abs(rgb[band] @ LUMA - iris_luma).max() < 12.0  # 33 levels under it before
    # At rest the photo's shaded top is kept where the photo shows it.
    rest = shadow[box] & (sprite.alpha > 0.99) & (depth[box] >= 1.5)
    assert rest.sum() >= 8
    assert np.abs(sprite.rgb[rest] @ LUMA - iris_luma / 2).max() < 1.0


def test_a_raised_lids_sprite_keeps_no_dark_photo_pixel_in_the_white_round_the_iris_top():
    """The sprite's disc reaches past the iris (to the cut radius) into the white round it; under
    the upper margin that rim held the photo's lash shadow opaque in the raised-lid sprite, while
    its neighbours were completed lighter: single dark specks at the iris's top when the lid rose
    (rev44l: 06 under anger, fear, surprise). The raised sprite fades out there over the texture's
    refilled white, as it takes the completed iris over the iris's own shaded top."""
    from facetalk.face.appearance import IRIS_TOP_RAMP, IRIS_TOP_SHADE

    image, pts = _synthetic_eye()
    h, w = image.shape[:2]
    yy, xx = np.mgrid[:h, :w]
    depth = yy - (60 - 12 * np.sin(np.pi * np.clip((xx - 50) / 60.0, 0.0, 1.0)))
    dist = np.hypot(xx - 80, yy - 52)
    rim = (dist > IRIS_R + 0.5) & (dist <= 1.1 * IRIS_R + 0.5) & (yy < 52) & (depth >= 0.5)
    image[rim] = (25, 20, 18)  # the lash shadow on the white beside the iris's top
    texture = image.copy()
    sprite = _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    x0, y0 = sprite.origin_xy.astype(int)
    box = (slice(y0, y0 + sprite.alpha.shape[0]), slice(x0, x0 + sprite.alpha.shape[1]))
    rgb, alpha = sprite.raised
    drawn = (rgb * alpha[..., None] + texture[box] * (1.0 - alpha[..., None])) @ LUMA
    # Up to 1.5 px under the margin (the rim pixels there: 1.39 px) the raised sprite keeps at most
    # 0.2 of the photo (IRIS_TOP_SHADE, IRIS_TOP_RAMP): the refilled white (~170-190) shows, not
    # the shadow (21; it stayed opaque before).
    # Those the sprite takes from the photo (opaque at rest: the opening's pixel mask, one pixel in
    # from the margin; the rest are the texture's, as along the whole margin).
    near = rim[box] & (depth[box] < IRIS_TOP_SHADE - IRIS_TOP_RAMP + 0.5) & (sprite.alpha > 0.99)
    assert near.sum() >= 1
    assert drawn[near].min() > 120.0
    # At rest the sprite keeps the photo's pixels there, the lid's shade.
    assert (sprite.rgb[near] @ LUMA).max() < 25.0


def test_a_raised_lids_sprite_keeps_no_dark_photo_pixel_in_its_ring_past_the_disc():
    """The sprite reaches IRIS_RING_PX + IRIS_FEATHER_PX past the cut disc (the soft limbus moves
    with the iris); under the upper margin that ring held the photo's lashes and lash shadow, opaque
    or half so, in the raised-lid sprite, not faded as the disc's rim is: dark hooks at the iris's
    top corners of an eye opened wide (rev46a: bundled, 07). The raised sprite fades out there too."""
    from facetalk.face.appearance import IRIS_FEATHER_PX, IRIS_RING_PX, IRIS_TOP_RAMP, IRIS_TOP_SHADE

    image, pts = _synthetic_eye()
    h, w = image.shape[:2]
    yy, xx = np.mgrid[:h, :w]
    depth = yy - (60 - 12 * np.sin(np.pi * np.clip((xx - 50) / 60.0, 0.0, 1.0)))
    dist = np.hypot(xx - 80, yy - 52)
    radius = 1.1 * IRIS_R + 0.5
    ring = (dist > radius) & (dist < radius + IRIS_RING_PX + IRIS_FEATHER_PX) & (yy < 52) & (depth >= 0.5)
    image[ring] = (25, 20, 18)  # the lashes' shade on the white beside the iris's top
    texture = image.copy()
    sprite = _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    x0, y0 = sprite.origin_xy.astype(int)
    box = (slice(y0, y0 + sprite.alpha.shape[0]), slice(x0, x0 + sprite.alpha.shape[1]))
    rgb, alpha = sprite.raised
    # Drawn over the texture of the photo a raised lid shows there (its white, ~175 at that depth),
    # not over the dark pixels themselves (which the lid's own drawing decides).
    white = np.full_like(texture[box], 175)
    drawn = (rgb * alpha[..., None] + white * (1.0 - alpha[..., None])) @ LUMA
    # In the ring, up to IRIS_TOP_SHADE - IRIS_TOP_RAMP + 0.5 px under the margin, the raised sprite
    # keeps at most 0.25 of the photo (here none, drawn 175; it kept the ring whole before: 21).
    near = ring[box] & (depth[box] < IRIS_TOP_SHADE - IRIS_TOP_RAMP + 0.5) & (sprite.alpha > 0.0)
    assert near.sum() >= 2
    assert drawn[near].min() > 130.0
    # At rest the sprite keeps the photo's pixels there where it is opaque, the lid's shade.
    assert (sprite.rgb[near & (sprite.alpha > 0.99)] @ LUMA).max() < 25.0


def test_iris_sprite_leaves_the_bottom_the_lower_lid_hides():
    """Only the lid-hidden top is completed: the lower lid stays on the iris when an eye widens,
    and a completed bottom showed as a dark bar under the iris of narrow eyes."""
    image, pts = _synthetic_eye(lower_lid_px=-4.0)  # the lower lid at y 56 mid-eye hides the iris below
    sprite = _cut_iris(image, image.copy(), pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    x0, y0 = sprite.origin_xy
    cx, cy = 80 - int(x0), 52 - int(y0)
    assert sprite.alpha[cy - int(IRIS_R) + 2, cx] > 0.5  # the hidden top is there
    assert sprite.alpha[cy + int(IRIS_R) - 1, cx] < 0.5  # the hidden bottom is not


def test_a_shut_eyes_lash_line_takes_its_darkness_from_the_lashes_and_its_hue_from_the_skin():
    """The darkest pixels just over the margin can be the iris's top (pale lashes over green eyes):
    the lash line of a shut eye is dark hair, never green."""
    import cv2

    from facetalk.face.appearance import read_lid_skin

    image, pts = _synthetic_eye()
    pts[lm.RIGHT_IRIS[0], :2] = (20.0, 52.0)  # the other eye, for the eye distance (60 px)
    upper = np.round(pts[list(lm.LEFT_EYE_UPPER), :2]).astype(np.int32)
    over_margin = np.zeros(image.shape[:2], np.uint8)
    cv2.polylines(over_margin, [upper - (0, 1)], False, 1, thickness=2)
    image[over_margin > 0] = (30, 48, 26)  # dark green just over the margin
    lid = read_lid_skin(image, pts, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    r, g, b = lid.lash_rgb
    assert r > g > b  # the skin's order (180, 140, 120), not the green's
    assert abs(float(lid.lash_rgb @ LUMA) - float(np.array([30, 48, 26]) @ LUMA)) < 8  # as dark as the darkest


def test_the_plate_is_inpainted_at_half_size_from_the_background_alone():
    """appearance._inpainted (the plate behind the person, Telea at reduced size):
    the photo is kept bit for bit outside the hole, and the fill inside takes only the background's
    colours, none of the person's, even where the hole's edge halves a small pixel (odd edges, an
    odd-sized image). The fill's side-to-side ramp follows the background's."""
    from facetalk.face.appearance import _inpainted

    h, w = 101, 131
    yy, xx = np.mgrid[:h, :w]
    image = np.dstack([60 + xx, 100 + 0 * xx, 200 - xx]).astype(np.uint8)  # blue-to-red ramp
    hole = ((np.abs(xx - 65) <= 20) & (yy >= 31)).astype(np.uint8)  # x 45..85, odd edge at y 31
    image[hole > 0] = (0, 255, 0)  # the person: pure green
    filled = _inpainted(image, hole)
    assert filled.dtype == np.float32 and filled.shape == image.shape
    np.testing.assert_array_equal(filled[hole == 0], image[hole == 0].astype(np.float32))
    inside = filled[hole > 0]
    assert inside[:, 1].max() <= 110.0  # no green from the person (Telea itself overshoots the ramp by 4)
    row = filled[80, 45:86, 0]
    assert row[0] < row[20] < row[-1] and abs(row[0] - (60 + 45)) <= 5 and abs(row[-1] - (60 + 85)) <= 5


@pytest.mark.parametrize("strip_px, w", [(1, 75), (2, 75), (2, 76)])
def test_a_background_strip_too_thin_for_the_half_size_plate_still_fills_the_plate(strip_px, w):
    """A person filling the frame but for a strip of background 1-2 px wide at its edge: at half
    size no small pixel of the strip is free of the person, and Telea, with nothing known, handed
    back the person's own green. The plate is then inpainted at full size, from the strip."""
    from facetalk.face.appearance import _inpainted

    h = 97
    yy, xx = np.mgrid[:h, :w]
    image = np.dstack([60 + xx, 100 + 0 * xx, 200 - xx]).astype(np.uint8)
    hole = np.ones((h, w), np.uint8)
    hole[:, w - strip_px:] = 0
    image[hole > 0] = (0, 255, 0)
    filled = _inpainted(image, hole)
    np.testing.assert_array_equal(filled[hole == 0], image[hole == 0].astype(np.float32))
    strip = image[hole == 0].astype(np.float32).mean(axis=0)  # about (134, 100, 126)
    assert filled[hole > 0, 1].max() <= 130.0  # none of the person's green (255)
    assert np.abs(filled[hole > 0][:, [0, 2]].mean(axis=0) - strip[[0, 2]]).max() <= 20.0


def test_build_appearance_given_no_segmenter_uses_the_shared_one(analysis, counted_face_models):
    """build_appearance without a segmenter takes the process's shared one (face.mesh's
    shared_face_models): two photos load one segmenter and close none (each call loaded and
    closed its own before)."""
    import facetalk.face.mesh as mesh
    from facetalk.face.appearance import build_appearance

    made, closed = counted_face_models
    for _ in range(2):
        build_appearance(analysis.image, analysis.landmarks_px)
    assert [type(m).__name__ for m in made] == ["PersonSegmenter"] and closed == []
    assert made[0] is mesh.shared_face_models().segmenter


def test_a_shut_eyes_lash_line_keeps_its_own_hue_on_a_colour_cast_photo():
    """On a magenta-cast photo the skin is red over blue over green, and so are its lashes and lid
    margin: the line keeps their redder hue (R/G 1.75 over the margin) instead of the lid skin's at
    its darkness (R/G 1.41: grey-green against the pink lid at 2x, review rev22a); a green margin still
    takes the skin's hue."""
    from facetalk.face.appearance import _lash_colour

    skin = np.array([205.0, 145.0, 150.0])
    margin = np.tile([137.0, 78.0, 91.0], (40, 1)) + np.linspace(-4.0, 4.0, 40)[:, None]
    r, g, b = _lash_colour(margin, skin)
    assert r / g > 1.5  # before: 1.41, the skin's
    assert abs(float(np.array([r, g, b]) @ LUMA) - float(np.array([133.0, 74.0, 87.0]) @ LUMA)) < 12.0
    green = np.tile([30.0, 48.0, 26.0], (40, 1))
    line = _lash_colour(green, skin)
    assert line[0] > line[2] > line[1]  # the skin's order


def test_a_nearly_black_colour_has_no_hue_to_compare():
    from facetalk.face.appearance import _hue_cosine

    blue = np.array([10.0, 20.0, 60.0])
    assert _hue_cosine(blue, blue * 2) > 0.99
    # under 4 grey levels the chroma (over the colour's own level) is noise: (0, 0, 1) is no blue
    assert _hue_cosine(np.array([0.0, 0.0, 1.0]), blue) == 0.0


def test_the_lid_fill_continues_the_skin_round_the_eye_over_it():
    """lid_fill: over the eye opening, its lash band and the dark lashes above it, the skin round the
    eye continued as a membrane. On skin that is a plane (a linear ramp, lighter toward the cheek and
    the inner corner), the harmonic fill is that plane: within 2 levels of it where the photo has
    sclera, iris or lashes. The photo's eye region differs from it by over 60 there. (The plane's
    top, darker than FILL_DARKEST x the lid, reads as a brow over lid skin: a fill is made only
    under one.)"""
    import cv2

    from facetalk.face.appearance import FILL_A, FILL_B, FILL_GRID, lid_fill

    h, w = 120, 160
    yy, xx = np.mgrid[:h, :w].astype(np.float64)
    plane = 90.0 + 1.2 * (yy - 30.0) + 0.3 * (xx - 50.0)  # 54..198 over the grid's span
    image = np.dstack([plane, 0.8 * plane, 0.65 * plane])
    eye, pts = _synthetic_eye()
    upper, lower = lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER
    opening = np.all(eye != (180, 140, 120), axis=2)
    image[opening] = eye[opening]
    lash_band = 3.0 / 60.0
    cv2.polylines(image, [np.round(pts[list(upper), :2] - (0, 2)).astype(np.int32)], False, (30.0, 25.0, 20.0), 3)
    image = np.clip(image, 0, 255).astype(np.uint8)
    fill, gap = lid_fill(image, pts[:, :2], upper=upper, lower=lower, down=1.0, lash_band=lash_band,
                         skin=np.array([180.0, 144.0, 117.0]), skin_luma=150.0)
    assert gap is not None
    assert fill.shape == (*FILL_GRID, 3)
    b, a = np.meshgrid(np.linspace(*FILL_B, FILL_GRID[0]), np.linspace(*FILL_A, FILL_GRID[1]), indexing="ij")
    x, y = 50.0 + 60.0 * a, 60.0 + 60.0 * b  # the eye's axes: corners (50, 60) and (110, 60)
    inside = (a > 0.2) & (a < 0.8) & (b > -0.2) & (b < 0.15)
    truth = 90.0 + 1.2 * (y - 30.0) + 0.3 * (x - 50.0)
    assert np.abs(fill[inside, 0] - truth[inside]).max() < 2.0
    assert np.abs(fill[inside, 2] - 0.65 * truth[inside]).max() < 2.0
    photo = image[np.round(y[inside]).astype(int), np.round(x[inside]).astype(int), 0]
    assert np.abs(photo - truth[inside]).max() > 60.0


def _eye_under_a_brow(*, socket: bool, band: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """_synthetic_eye's eye (60 px wide, its open upper margin `top` (x) px) under a brow of dark
    hairs from 12 to 22 px (0.2 to 0.37 eye widths) above that margin, over lid skin or (`socket`)
    over a deep socket's shade dark from the margin up to the brow; with `band`, a dark band (a
    fringe, a hat's brim) 30 to 36 px above the margin: (image, landmarks, top (160,))."""
    image, pts = _synthetic_eye()
    upper = list(lm.LEFT_EYE_UPPER)
    xs = np.arange(image.shape[1])
    top = np.interp(xs, pts[upper, 0], pts[upper, 1])
    rows = np.arange(image.shape[0])[:, None]
    image[(rows >= top - 22) & (rows < top - 12)] = (50, 40, 35)
    if band:
        image[(rows >= top - 36) & (rows < top - 30)] = (50, 40, 35)
    if socket:
        image[(rows >= top - 12) & (rows < top - 1) & (xs >= 50) & (xs <= 110)] = (75, 55, 45)
    return image, pts, top


def test_the_brow_gap_is_where_a_low_brows_hairs_begin_over_lid_skin():
    """lid_fill's brow_gap: over lid skin between the lash band and the brow, the brow's hairs begin
    0.2 eye widths over the open margin (12 px of a 60 px eye; read within the fill grid's 0.03
    step and its one-sample growth of hairs); dark from the margin up to the brow (a deep-set eye's
    socket shade, which the lid must cover to read as shut) reads none, whatever dark lies above the
    brow (a fringe, a hat's brim: skin between it and the brow does not make the brow lid skin),
    and then no fill is made (it is used only under a brow read over lid skin)."""
    from facetalk.face.appearance import FILL_A, FILL_GRID, lid_fill

    a = np.linspace(*FILL_A, FILL_GRID[1])
    mid = (a > 0.2) & (a < 0.8)
    gaps, fills = {}, {}
    for socket, band in ((False, False), (True, False), (True, True)):
        image, pts, _ = _eye_under_a_brow(socket=socket, band=band)
        fills[socket, band], gaps[socket, band] = lid_fill(
            image, pts[:, :2], upper=lm.LEFT_EYE_UPPER, lower=lm.LEFT_EYE_LOWER, down=1.0, lash_band=0.05,
            skin=np.array([180.0, 140.0, 120.0]), skin_luma=150.0)
    assert gaps[False, False].shape == (FILL_GRID[1],)
    assert np.all(np.abs(gaps[False, False][mid] - 0.2) < 0.05)
    assert gaps[True, False] is None and gaps[True, True] is None
    assert fills[False, False].shape == (FILL_GRID[0], FILL_GRID[1], 3) and fills[True, False] is None


@pytest.mark.parametrize("lower_lid_px", [12.0, -4.0])
def test_the_refill_is_cut_along_the_margins_lines_not_the_openings_pixel_mask(lower_lid_px):
    """The opening's pixel mask (one pixel in from the margin) left the iris's shoulders beside its
    top, and its edge over a lower lid, in the texture as whole dark pixels 0.5-1.5 px inside the
    margins beside refilled white ones: a raised lid (or the lower lid an undone smile lowers)
    stretched them into a stepped dark rim round the white it bared (bundled, 01, 07, 10, 12). The
    refill follows both margins' polylines: pixels as deep inside the opening take one share of the
    fill, and at rest the sprite is the photo wherever the opening shows the disc."""
    image, pts = _synthetic_eye(lower_lid_px=lower_lid_px)
    h, w = image.shape[:2]
    yy, xx = np.mgrid[:h, :w]
    # px inside the opening: the distance to the nearer margin's landmark polyline (densely sampled).
    chains = [pts[list(chain), :2] for chain in (lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)]
    t = np.linspace(0.0, 1.0, 50)[:, None]
    line = np.concatenate([a + (b - a) * t for chain in chains for a, b in zip(chain[:-1], chain[1:])])
    near = np.sqrt(((np.stack([xx, yy], -1)[:, :, None, :] - line[None, None]) ** 2).sum(-1)).min(-1)
    upper_y = np.interp(xx, chains[0][:, 0], chains[0][:, 1])
    lower_y = np.interp(xx, chains[1][:, 0], chains[1][:, 1])
    depth = np.where((yy > upper_y) & (yy < lower_y), near, -near)
    dist = np.hypot(xx - 80, yy - 52)
    texture = image.copy()
    sprite = _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    luma = texture.astype(np.float32) @ LUMA
    disc = dist <= 1.1 * IRIS_R + 0.5
    iris = np.abs(image.astype(int) - (90, 60, 40)).max(axis=2) == 0
    # The iris's own pixels 0.5-1.5 px inside a margin: about one tone at one depth (the photo's
    # iris, 66-110, beside refilled white, 184, 0.5-0.9 px in before: a spread of 118).
    for lo, hi in ((0.5, 0.9), (0.9, 1.5)):
        ring = disc & iris & (depth >= lo) & (depth < hi)
        assert ring.sum() >= 6, (lo, hi)
        assert np.ptp(luma[ring]) < 60.0, (lo, hi, luma[ring])
    assert luma[disc & iris & (depth >= 1.5)].min() > 150.0
    # At rest the sprite takes the photo's pixels wherever it is drawn inside the opening.
    x0, y0 = sprite.origin_xy.astype(int)
    box = (slice(y0, y0 + sprite.alpha.shape[0]), slice(x0, x0 + sprite.alpha.shape[1]))
    shown = (depth[box] >= 0.0) & disc[box]
    assert np.all(sprite.alpha[shown & (depth[box] >= 0.5)] >= 0.99)
    np.testing.assert_allclose(sprite.rgb[shown], image[box][shown], atol=0.5)


def _streaks(luma: np.ndarray, mask: np.ndarray) -> float:
    """Variance of `luma`'s row-to-row steps over its column-to-column ones, within `mask`: ~1 for
    grain, large for horizontal streaks."""
    dy = (luma[1:] - luma[:-1])[mask[1:] & mask[:-1]]
    dx = (luma[:, 1:] - luma[:, :-1])[mask[:, 1:] & mask[:, :-1]]
    return float(np.var(dy) / max(np.var(dx), 1e-6))


def test_the_white_a_side_gaze_bares_is_grain_as_light_as_the_white_beside_the_iris_not_streaks():
    """A wide iris with a narrow band of white either side and the eye's corners shaded darker (a
    small or dark-skinned eye, 03, 12): the refill a side gaze bares is the white's grain in 2-D,
    not each row's detail mirrored in, which a gap wider than the white clamped into horizontal
    streaks (07, 13), and as light as the white beside the iris, not pulled down by the corners."""
    import cv2

    image, pts = _synthetic_eye()
    h, w = image.shape[:2]
    yy, xx = np.mgrid[:h, :w]
    white = (np.abs(image.astype(int) - (180, 140, 120)).max(axis=2) > 0) \
        & (np.abs(image.astype(int) - (90, 60, 40)).max(axis=2) > 0)
    corners = white & (np.abs(xx - 80) > IRIS_R + 5)
    image[corners] = (image[corners] * 0.55).astype(np.uint8)
    texture = image.copy()
    _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    refilled = np.abs(texture.astype(int) - image).max(axis=2) > 0
    hole = cv2.erode(refilled.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool) & (yy >= 52)
    assert hole.sum() > 50
    luma, filled = image.astype(np.float32) @ LUMA, texture.astype(np.float32) @ LUMA
    beside = white & ~corners & (np.abs(xx - 80) > IRIS_R + 1) & (yy >= 52) & (yy <= yy[hole].max())
    # Here the white is wide enough for the old per-row mirror too (0.6); the 2-D grain 1.9. The
    # fill here has no grain (the patch's flat skin gives a spread of 0): since aside46 the white
    # past the iris's ring sets its ends (_seam_offset), which shades its top 3 rows more steeply
    # under the lid (5.0); per-row streaks measured 5.4 median and up to 42 (gaze45).
    assert _streaks(_detail(filled), hole) < 6.0
    # 162 before (the corners' shade, weighed alike and capping the fill at their median), 184 now.
    assert filled[hole].mean() >= luma[beside].mean() - 8.0


def _limbus_eye(*, corner_dark: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The synthetic eye with a soft limbus (a darker ring 1-2 px past the cut disc, as on photos,
    where the landmarks' iris is a little small) and the white left of the iris `corner_dark` levels
    darker than right of it. Returns the image, the landmarks and the (H, W) px distance to the iris
    centre."""
    image, pts = _synthetic_eye()
    h, w = image.shape[:2]
    yy, xx = np.mgrid[:h, :w]
    dist = np.hypot(xx - 80, yy - 52)
    white = (np.abs(image.astype(int) - (180, 140, 120)).max(axis=2) > 0) \
        & (np.abs(image.astype(int) - (90, 60, 40)).max(axis=2) > 0)
    radius = 1.1 * IRIS_R + 0.5
    shade = np.where(xx < 80, corner_dark, 0.0) + 60.0 * np.clip(1.0 - np.abs(dist - radius - 0.7), 0.0, 1.0)
    image[white] = np.clip(image[white] - shade[white][:, None], 0, 255).astype(np.uint8)
    return image, pts, dist


def test_the_white_a_side_gaze_bares_meets_the_photos_white_past_the_limbus_without_a_seam():
    """The refill's ends, which a look aside bares, continue the white beside them: the photo's
    soft limbus past the cut disc left in the texture was a dark line there (01, 11), and a fill
    at the level of both sides a flat box with a step at the darker side's end (01, 12)."""
    image, pts, dist = _limbus_eye(corner_dark=30.0)
    texture = image.copy()
    _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    luma = texture.astype(np.float32) @ LUMA
    refilled = np.abs(texture.astype(int) - image).max(axis=2) > 0
    dips, steps = [], []
    for y in range(52, 62):  # rows of the lower half, clear of both lids
        xs = np.nonzero(refilled[y])[0]
        for end, out in ((xs.min(), -1), (xs.max(), 1)):
            inside = luma[y, [end, end - out]].mean()
            far = luma[y, [end + 3 * out, end + 4 * out]].mean()
            across = luma[y, [end + k * out for k in range(-1, 5)]]
            dips.append(min(inside, far) - across.min())
            steps.append(abs(inside - far))
    # Base: a dip of 31 (the ring left beside the fill) and a step of 21 (the fill at both sides' level); 4.5 and 8 now.
    assert np.median(dips) <= 6.0 and np.median(steps) <= 10.0, (np.median(dips), np.median(steps))


def test_where_one_side_of_the_iris_has_only_shaded_white_the_fill_falls_toward_it_not_the_lit_sides_white():
    """The white left of the iris 90 levels under the right's (a deep-set eye's shaded corner, 09): the fill a look
    aside bares next to that side is not the lit side's white carried across to a step at its last px, and the
    lit side's end still meets its white."""
    image, pts, _ = _limbus_eye(corner_dark=90.0)
    texture = image.copy()
    _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    luma, photo = texture.astype(np.float32) @ LUMA, image.astype(np.float32) @ LUMA
    refilled = np.abs(texture.astype(int) - image).max(axis=2) > 0
    dark, lit = [], []
    for y in range(52, 62):  # rows of the lower half, clear of both lids
        xs = np.nonzero(refilled[y])[0]
        third = len(xs) // 3
        dark.append(luma[y, xs[:third + 1]].mean() - photo[y, xs.min() - 4:xs.min() - 1].mean())
        lit.append(luma[y, xs[-third - 1:]].mean() - photo[y, xs.max() + 2:xs.max() + 5].mean())
    # Before _darker_end_met the third next to the shaded side was 37 levels over its white; 20 now. The lit end
    # 8 over its white before, 7 under now.
    assert np.median(dark) <= 25.0, np.median(dark)
    assert abs(np.median(lit)) <= 10.0, np.median(lit)


def test_the_sprite_fades_out_past_the_refill_and_the_frame_at_rest_is_the_photo():
    """The sprite carries the refilled ring round the iris opaque and fades out past it over the
    photo's own white (its hard edge moved over the fill as a seam): over the texture at rest it
    gives the photo back wherever it is drawn in the opening."""
    import cv2

    image, pts, dist = _limbus_eye(corner_dark=0.0)
    texture = image.copy()
    sprite = _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    x0, y0 = sprite.origin_xy.astype(int)
    h, w = sprite.alpha.shape
    box = (slice(y0, y0 + h), slice(x0, x0 + w))
    a = sprite.alpha[..., None]
    rest = sprite.rgb * a + texture[box].astype(np.float32) * (1.0 - a)
    # Inside the opening (1 px in from its outline): the renderer clips the sprite to it.
    opening = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(opening, [np.round(pts[list(lm.LEFT_EYE_UPPER) + list(lm.LEFT_EYE_LOWER[-2:0:-1]), :2])
                           .astype(np.int32)], 1)
    inner = cv2.erode(opening, np.ones((3, 3), np.uint8)).astype(bool)[box]
    assert np.abs(rest - image[box])[inner].max() <= 1.0
    row = sprite.alpha[52 - y0 + 6]  # a row under the centre, clear of the lids
    partial = (row > 0.05) & (row < 0.95)
    assert 2 <= partial.sum() <= 6, row


def test_the_photos_iris_edge_past_the_ring_is_refilled_and_faded_with_a_moved_iris():
    """The landmark disc falls short of the photo's iris on one side (12's outer side, 11): its edge left
    in the texture past the refilled ring was a second limbus or a dark vertical seam beside the refill
    once the iris moved. It is refilled as white, opaque in the sprite at rest (the frame at rest is the
    photo) and faded out with a moved iris as the sprite's white (carried, its dark px were specks)."""
    image, pts = _synthetic_eye()
    h, w = image.shape[:2]
    yy, xx = np.mgrid[:h, :w]
    dist = np.hypot(xx - 80, yy - 52)
    ring_r = 1.1 * IRIS_R + 0.5 + 1.5
    # The photo's iris reaches 3 px past the ring on its right side, level with the centre and below.
    edge = (dist > ring_r) & (dist <= ring_r + 3.0) & (xx > 80) & (np.abs(yy - 52) < (xx - 80)) & (yy >= 54) \
        & (yy <= 62)
    image[edge] = (90, 60, 40)
    texture = image.copy()
    sprite = _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    luma = texture.astype(np.float32) @ LUMA
    # Before: the iris's colour (luma 67) left there.
    assert luma[edge].min() > 150.0, luma[edge].min()
    x0, y0 = sprite.origin_xy.astype(int)
    ys, xs = np.nonzero(edge)
    assert np.all(sprite.alpha[ys - y0, xs - x0] >= 1.0)
    np.testing.assert_allclose(sprite.rgb[ys - y0, xs - x0], image[ys, xs], atol=0.5)
    assert np.all(sprite.white[ys - y0, xs - x0] >= 1.0)
    # The white past it is left as it was: the iris's own side without such an edge has none refilled.
    mirror = (dist > ring_r + 0.5) & (dist <= ring_r + 3.0) & (xx < 80) & (np.abs(yy - 52) < (80 - xx)) & (yy >= 54) \
        & (yy <= 62)
    assert np.all(texture[mirror] == image[mirror])


def test_the_lashes_shade_beside_the_iris_top_is_not_taken_for_its_edge():
    """Under a high upper margin the lashes' shade beside the iris's top is as dark as an iris edge past the ring,
    but no white lies past it along the radius: refilled, a glance of a few hundredths bared a light stair in
    the shade (07's top corners). It is left as photographed; the iris edge with white past it still is not."""
    import cv2

    image, pts = _synthetic_eye()
    h, w = image.shape[:2]
    yy, xx = np.mgrid[:h, :w]
    dist = np.hypot(xx - 80, yy - 52)
    old = np.zeros((h, w), np.uint8)
    cv2.fillPoly(old, [np.round(pts[list(lm.LEFT_EYE_UPPER) + list(lm.LEFT_EYE_LOWER[-2:0:-1]), :2]).astype(np.int32)], 1)
    upper = np.array(lm.LEFT_EYE_UPPER)
    pts[upper, 1] = 60 - 20 * np.sin(np.linspace(0, np.pi, len(upper)))  # the lid raised 8 px more
    new = np.zeros((h, w), np.uint8)
    cv2.fillPoly(new, [np.round(pts[list(upper) + list(lm.LEFT_EYE_LOWER[-2:0:-1]), :2]).astype(np.int32)], 1)
    bared = (new == 1) & (old == 0)
    image[bared] = np.where((dist[bared] <= IRIS_R)[:, None], (90, 60, 40), (185, 180, 173))
    upper_y = np.interp(xx, pts[upper, 0], pts[upper, 1])
    ring_r = 1.1 * IRIS_R + 0.5 + 1.5
    shade = (new == 1) & (yy - upper_y <= 4.0) & (yy < 52) & (dist > IRIS_R)  # the lashes' shade, 4 px deep
    image[shade] = (70, 50, 40)
    edge = (dist > ring_r) & (dist <= ring_r + 3.0) & (xx > 80) & (np.abs(yy - 52) < (xx - 80)) & (yy >= 54) \
        & (yy <= 62)
    image[edge] = (90, 60, 40)
    texture = image.copy()
    _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    past = shade & (dist > ring_r + 0.5) & (np.abs(yy - 52) <= np.abs(xx - 80))
    assert past.sum() >= 6, past.sum()
    # Before: 14 of its px refilled.
    assert np.all(texture[past] == image[past]), int((texture[past] != image[past]).any(axis=1).sum())
    assert (texture.astype(np.float32) @ LUMA)[edge].min() > 150.0


def test_a_catchlight_under_the_upper_margin_leaves_the_texture_with_the_iris():
    """A catchlight on the iris's top, under the upper margin where the refill takes the photo only
    in part (so the margin stays anti-aliased), is refilled wholly: partly kept, a look aside left
    it on the white it bared (02). At rest the sprite, opaque there, still shows it."""
    image, pts = _synthetic_eye()
    y, xs = 49, slice(80, 82)  # 0.9-1.0 px under the margin's line (48.0-48.1 there): refilled in part
    image[y, xs] = (255, 255, 255)
    texture = image.copy()
    sprite = _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    luma = texture.astype(np.float32) @ LUMA
    # Before: 222 and 230 (refilled in part).
    assert luma[y, xs].max() < 200.0, luma[y, xs]
    x0, y0 = sprite.origin_xy.astype(int)
    assert np.all(sprite.alpha[y - y0, xs.start - x0:xs.stop - x0] >= 1.0)
    assert np.all(sprite.rgb[y - y0, xs.start - x0:xs.stop - x0] == 255.0)


def test_a_light_px_on_the_iris_top_refilled_in_part_under_the_margin_takes_the_lash_lines_colour():
    """Under the upper margin the refill takes the photo in part (so a raised lid's edge stays anti-aliased);
    over the iris's top that part was the photo's px itself: a catchlight's or a light fibre's top there was
    left over the white a look aside bared as a light chunk beside a dark hook (12). Where lighter than the
    margin's px over it (the lash line), that px is taken instead; the frame at rest is still the photo."""
    image, pts = _synthetic_eye()
    image[:49, 70:91] = (60, 45, 40)  # the lash line down to the margin's line (48.0-48.1 over the iris)
    y, xs = 49, slice(77, 83)  # 0.9-1.0 px under the margin's line over the iris: refilled in part
    image[y, xs] = (175, 160, 150)  # a light chunk, no catchlight (under the white's GLINT_PERCENTILE)
    texture = image.copy()
    sprite = _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    luma = texture.astype(np.float32) @ LUMA
    # Before: 166-172 (the chunk's 163 kept in part); the lash line's 48 and the fill blended now.
    assert luma[y, xs].max() < 130.0, luma[y, xs]
    x0, y0 = sprite.origin_xy.astype(int)
    h, w = sprite.alpha.shape
    a = sprite.alpha[..., None]
    rest = sprite.rgb * a + texture[y0:y0 + h, x0:x0 + w].astype(np.float32) * (1.0 - a)
    changed = np.abs(texture.astype(int) - image).max(axis=2) > 0
    assert np.abs(rest - image[y0:y0 + h, x0:x0 + w])[changed[y0:y0 + h, x0:x0 + w]].max() <= 1.0


def _lash_shaded_seam_offset(*, hole_w: int) -> np.ndarray:
    """_seam_offset's red channel over a white of 200 whose top 2 rows beside a fill `hole_w` px wide
    (columns 12 on, 12 rows deep, a 2-px seam edge either side) are the lashes' shade, 150; the fill 200."""
    h, w = 16, hole_w + 24
    yy, xx = np.mgrid[:h, :w]
    depth = (yy + 0.5).astype(np.float32)  # px under the upper margin, which runs along the top
    hole = (xx >= 12) & (xx < 12 + hole_w) & (yy < 12)
    edge = (((xx >= 10) & (xx < 12)) | ((xx >= 12 + hole_w) & (xx < 14 + hole_w))) & (yy < 12)
    patch = np.full((h, w, 3), 200.0, np.float32)
    patch[(yy < 2) & ~hole] = 150.0
    fill = np.full((h, w, 3), 200.0, np.float32)
    return _seam_offset(patch, fill, known=~hole, hole=hole, edge=edge, depth=depth)[..., 0]


def test_the_fills_ends_under_the_upper_margin_meet_the_lash_shaded_white_beside_them():
    """The white 0.5-2 px under the upper margin beside the cut is the lashes' shade, darker than the
    depth match reads the white at that depth: held as the seam's edge there, it pulls the fill's top
    ends down to it (a fill 50 lighter, held only from 2 px deep, kept its top ends light: the bared
    white's top corners a light box edge, 03, 06, 09), while deeper rows, matched, are left near 0."""
    offset = _lash_shaded_seam_offset(hole_w=10)
    # Main (held from 2 px): 0 at both ends of the top rows; now -22 and -20.
    assert offset[:2, [12, 21]].max() <= -15.0, offset[:2, [12, 21]]
    assert np.abs(offset[8:12, 12:22]).max() <= 5.0, offset[8:12, 12:22]


def test_the_lash_shade_beside_the_cut_is_carried_along_the_fills_top_band_not_blurred_with_deeper_white():
    """The white beside the cut is the lashes' shade in its top 2 rows (150 against 200 below): its edge
    white is read at its own depth (_edge_white) and carried along the top band's rows
    (SEAM_TOP_UPRIGHT), so the middle of a fill 20 px wide takes it too. A plain blur over the deeper
    white and a harmonic as free across the rows as along them left the top row's ends at -21 and its
    middle at -9 (11's box: the fill's top band 15-25 lighter than the white beside it); now -40 and -14."""
    offset = _lash_shaded_seam_offset(hole_w=20)
    assert offset[0, [12, 31]].max() <= -35.0, offset[0, [12, 31]]
    assert offset[:2, 20:24].max() <= -12.0, offset[:2, 20:24]


def test_the_white_a_landmark_disc_overshoots_is_marked_for_the_painter_the_iris_and_its_catchlight_not():
    """The landmark disc overshoots the photo's iris by 1-2 px on one side; that white, carried with a
    moved iris, was a white chunk beside it (12) or the lid's bright white as a wedge (13). It is
    marked white (the painter fades it out as the iris moves); the iris and its catchlights, inside or
    on its rim, are not, nor is a pixel half way from the iris's luma to the white's wholly."""
    h, w = 30, 30
    yy, xx = np.mgrid[:h, :w]
    dist = np.hypot(xx - 15.0, yy - 15.0)  # from the landmark disc's centre
    iris = np.hypot(xx - 13.5, yy - 15.0) <= 7.0  # the photo's, 1.5 px to the left
    patch = np.where(iris[..., None], np.float32(60.0), np.float32(200.0)) * np.ones((1, 1, 3), np.float32)
    patch[15, 13] = 250.0  # a catchlight 1.5 px from the iris's centre
    patch[15, 5] = 130.0  # half way between the iris's luma and the white's, on the limbus
    patch[15, 9] = 250.0  # a catchlight on the iris's rim (dist 6), which the iris parts from the white
    share = _white_share(patch, iris_px=iris & (dist <= 7.0), white=dist > 9.0, dist=dist, iris_r=7.0,
                         shown=dist <= 12.0)
    assert share[15, 21:23].min() == 1.0  # the overshoot past the photo's iris (x 21-22, dist 6-7)
    assert share[iris & (patch[..., 0] < 100)].max() == 0.0
    assert share[15, 13] == 0.0 and share[15, 9] == 0.0
    assert 0.0 < share[15, 5] < 1.0
    assert share[dist > 12.0].max() == 0.0  # not shown


def test_top_shade_reads_the_lashes_shade_per_px_under_the_upper_margin_as_a_factor():
    """The photo's iris top over the raised sprite's (its lash shade completed), per whole px under the
    margin: the painter lays it where the margin is over a moved iris (12's stair). At most 1 (a
    catchlight kept in the photo is no shade), 1 where fewer than 2 pixels lie at a depth."""
    from facetalk.face.appearance import IRIS_TOP_SHADE, _top_shade

    below = np.repeat(np.arange(10, dtype=np.float32)[:, None] - 0.5, 8, axis=1)  # row r lies r - 0.5 px under
    raised = np.full((10, 8, 3), 100.0, np.float32)
    rgb = raised.copy()
    rgb[1] = 40.0  # 0.5 px under the margin
    rgb[2] = 70.0  # 1.5 px
    rgb[3, :, :] = 130.0  # 2.5 px: lighter than the completed iris
    top = np.ones((10, 8), bool)
    shade = _top_shade(rgb, raised, iris_top=top, below=below)
    assert shade.shape == (int(IRIS_TOP_SHADE),)
    assert np.allclose(shade, [0.4, 0.7, 1.0], atol=1e-3)
    top[2, 1:] = False  # one pixel left at 1.5 px
    assert np.allclose(_top_shade(rgb, raised, iris_top=top, below=below), [0.4, 1.0, 1.0], atol=1e-3)


def test_the_photos_straight_iris_edge_is_cut_round_for_a_moved_iris():
    """A corner's or a lid's shade squares the photo's iris off on one side (11's left edge, a vertical line
    over 13 rows): carried with a moved iris, it was the straight side of a box of refill beside it. Past the
    circle fitted to the photo's limbus, the sprite is faded with a moved iris as its white is (the refill
    under it); at rest it is the photo's (opaque). A round iris keeps all of its own pixels."""
    image, pts = _synthetic_eye()
    h, w = image.shape[:2]
    yy, xx = np.mgrid[:h, :w]
    round_sprite = _cut_iris(image, image.copy(), pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    # The iris's lower left squared off: dark out to column 70 on rows 56-59 (its corner px 10.6-12.2 px from
    # the centre, the iris's radius 9), round above.
    square = (xx >= 70) & (xx < 80) & (yy >= 56) & (yy <= 59)
    corner = square & (np.hypot(xx - 80, yy - 52) > IRIS_R + 1.5)
    image[square] = (90, 60, 40)
    sprite = _cut_iris(image, image.copy(), pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    x0, y0 = sprite.origin_xy.astype(int)
    ys, xs = np.nonzero(corner)
    # Before: 0 (the iris's own colour, carried).
    assert np.all(sprite.white[ys - y0, xs - x0] >= 0.5), sprite.white[ys - y0, xs - x0]
    assert np.all(sprite.alpha[ys - y0, xs - x0] >= 1.0)
    np.testing.assert_allclose(sprite.rgb[ys - y0, xs - x0], image[ys, xs], atol=0.5)
    for s in (round_sprite, sprite):
        iris = (np.hypot(xx - 80, yy - 52) <= IRIS_R - 0.5)[y0:y0 + s.alpha.shape[0], x0:x0 + s.alpha.shape[1]]
        assert s.white[iris & (s.alpha > 0.0)].max() == 0.0


def _painted_eye(*, white_grain: float, skin_grain: float, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """The synthetic eye with its white's grain drawn per channel (a painting's tinted strokes, a colour
    photo's chroma noise: std `white_grain` levels in each) and the skin round it grainy too (std
    `skin_grain`)."""
    import cv2

    image, pts = _synthetic_eye()
    rng = np.random.default_rng(seed)
    skin = np.all(image == (180, 140, 120), axis=2)
    iris = np.all(image == (90, 60, 40), axis=2)
    white = ~skin & ~iris
    noise = np.dstack([cv2.GaussianBlur(rng.standard_normal(image.shape[:2]), (0, 0), 0.7) for _ in range(3)])
    noise /= noise.std(axis=(0, 1))
    out = image.astype(np.float64)
    # The white's own luma grain is replaced by the per-channel one (about its mean shade).
    out[white] = (out[white] @ LUMA)[:, None] * np.ones(3) + np.array([0.0, -5.0, -12.0]) \
        + white_grain * noise[white]
    out[skin] += skin_grain * noise[skin]
    return np.clip(out, 0, 255).astype(np.uint8), pts


def _refilled_core(image: np.ndarray, texture: np.ndarray) -> np.ndarray:
    import cv2

    refilled = (np.abs(texture.astype(int) - image).max(axis=2) > 0).astype(np.uint8)
    return cv2.erode(refilled, np.ones((3, 3), np.uint8)).astype(bool)


def test_the_refill_carries_the_whites_colour_grain_not_a_grey_one():
    """A painted or colour-photo white's grain differs per channel; a grey grain (luma only) over the
    fill left it one flat hue where the iris moved away (05's lilac patch, judge52 fault 8). The fill's
    chroma detail (red less blue) is here 0.77 of the white's; 0.27 with luma grain."""
    image, pts = _painted_eye(white_grain=8.0, skin_grain=1.0)
    texture = image.copy()
    _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    hole = _refilled_core(image, texture)
    assert hole.sum() > 100
    chroma = lambda im: _detail(im[..., 0].astype(np.float32) - im[..., 2].astype(np.float32))  # noqa: E731
    white = np.abs(image.astype(int) - (180, 140, 120)).max(axis=2) > 40
    white &= np.abs(image.astype(int) - (90, 60, 40)).max(axis=2) > 40
    yy, xx = np.mgrid[:image.shape[0], :image.shape[1]]
    beside = white & (np.abs(xx - 80) > IRIS_R + 3) & (np.abs(xx - 80) < 25) & (yy > 54) & (yy < 64)
    assert chroma(texture)[hole].std() > 0.5 * chroma(image)[beside].std()


def test_a_wide_whites_grain_is_its_own_not_the_smoother_skins():
    """Where the white is wide enough to show its grain (SCLERA_GRAIN_OWN_PX core px), the fill takes
    that grain's spread, not the lesser skin's round it: clipped to the skin's, 07's fill had under
    half its white's grain, a flat cream patch (judge52 fault 8). Here 1.05 of the white's detail;
    0.77 clipped to the lesser spread of the whole box (mostly skin)."""
    image, pts = _painted_eye(white_grain=8.0, skin_grain=1.0)
    texture = image.copy()
    _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    hole = _refilled_core(image, texture)
    luma, filled = image.astype(np.float32) @ LUMA, texture.astype(np.float32) @ LUMA
    yy, xx = np.mgrid[:image.shape[0], :image.shape[1]]
    white = (np.abs(image.astype(int) - (180, 140, 120)).max(axis=2) > 40) & (luma > 150)
    beside = white & (np.abs(xx - 80) > IRIS_R + 3) & (np.abs(xx - 80) < 25) & (yy > 54) & (yy < 64)
    assert _detail(filled)[hole].std() > 0.9 * _detail(luma)[beside].std()


def test_no_refill_past_the_eyes_corner_where_no_iris_is_drawn():
    """An eye whose margins fold back at a corner (each bulges past it, as MediaPipe put h04's far eye
    on the glasses' rim) and an iris disc reaching past that bulge: read past the polylines' ends, the
    pixels there lie under the upper margin and over the lower one, but outside the opening, where the
    renderer draws no iris: refilled there, the frame at rest showed the fill (h04: a grey wedge of 28
    px, up to 73 levels at the corner). Nothing outside the opening's outline is refilled."""
    from facetalk.face.rig import inside_polygon

    image, pts = _synthetic_eye()
    upper, lower = list(lm.LEFT_EYE_UPPER), list(lm.LEFT_EYE_LOWER)
    # The corner at x = 110, y = 60; the margins' last landmarks bulge 3-4 px past it.
    pts[upper[-2], :2], pts[upper[-3], :2] = (113.0, 57.0), (112.0, 54.0)
    pts[lower[-2], :2], pts[lower[-3], :2] = (114.0, 63.0), (112.0, 66.0)
    centre = np.array([106.0, 60.0])
    pts[lm.LEFT_IRIS[0], :2] = centre
    angles = np.array([0.0, 0.5, 1.0, 1.5]) * np.pi
    pts[list(lm.LEFT_IRIS[1:]), 0] = centre[0] + IRIS_R * np.cos(angles)
    pts[list(lm.LEFT_IRIS[1:]), 1] = centre[1] + IRIS_R * np.sin(angles)
    yy, xx = np.mgrid[:image.shape[0], :image.shape[1]]
    image[np.hypot(xx - centre[0], yy - centre[1]) <= IRIS_R] = (90, 60, 40)
    texture = image.copy()
    _cut_iris(image, texture, pts, lm.LEFT_IRIS, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    refilled = np.abs(texture.astype(int) - image).max(axis=2) > 0
    outline = pts[upper + lower[-2:0:-1], :2]
    inside = inside_polygon(np.stack([xx.ravel(), yy.ravel()], axis=1), outline).reshape(refilled.shape)
    assert refilled.any() and not (refilled & ~inside).any(), (refilled & ~inside).sum()
