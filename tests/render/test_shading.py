"""Expression folds: creases where the expression makes them, nothing where it does not."""

import numpy as np

from facetalk.motion.frame import MotionFrame
from facetalk.params import PhotoExpression
from facetalk.render.renderer import posed_vertices
from facetalk.render.shading import NASOLABIAL, FoldShader


def _paint(analysis, photo=PhotoExpression(), image=None, **params):
    frame = MotionFrame(t_s=0, **params)
    out = np.full(analysis.image.shape, 128, np.uint8) if image is None else image.copy()
    FoldShader(photo=photo).paint(out, posed_vertices(analysis.rig, frame), frame)
    return out


def _along(out, points):
    return np.array([out[int(round(y)), int(round(x))].mean() for x, y in points])


def test_neutral_draws_nothing(analysis):
    assert np.all(_paint(analysis) == 128)


def _posed(analysis, **params):
    return posed_vertices(analysis.rig, MotionFrame(t_s=0, **params))[:, :2]


def test_a_smile_creases_the_nasolabial_folds(analysis):
    out = _paint(analysis, smile=1.0)
    pts = _posed(analysis, smile=1.0)
    for chain in NASOLABIAL:
        middle = pts[list(chain[1:-1])]
        assert _along(out, middle).max() < 120  # darker in the crease
    # And deeper with more smile.
    half, half_pts = _paint(analysis, smile=0.5), _posed(analysis, smile=0.5)
    assert _along(half, half_pts[[206, 426]]).mean() > _along(out, pts[[206, 426]]).mean()


def test_brows_raised_and_frowning_fold_the_forehead(analysis):
    raised, frown = _paint(analysis, brow_raise=1.0), _paint(analysis, brow_raise=-1.0)
    pts = _posed(analysis, brow_raise=1.0)
    span = np.linalg.norm(pts[263] - pts[33])  # the shader's unit: outer eye corner to corner
    x, y = np.round(pts[105] - [0, 0.18 * span]).astype(int)  # above the brow's middle
    assert raised[y - 3:y + 4, x - 3:x + 4].min() < 124
    pts = _posed(analysis, brow_raise=-1.0)
    between = 0.5 * (pts[55] + pts[285]) - [0, 0.04 * span]
    region = frown[int(between[1]) - 8:int(between[1]) + 8, int(between[0]) - 15:int(between[0]) + 15]
    assert region.min() < 122


def test_lowered_brows_shade_the_upper_lids_not_the_eyes(analysis):
    """AU4's shade on the lid: between each lowered brow's lower edge and the lid margin under it
    the skin darkens, more with more frown; the eye openings under the margins darken far less
    (only the shade's soft edge reaches over the margin)."""
    import cv2

    from facetalk.face import landmarks as lm
    from facetalk.render.shading import BROW_OVER_LID

    pts = _posed(analysis, brow_raise=-1.0)
    full, half = _paint(analysis, brow_raise=-1.0), _paint(analysis, brow_raise=-0.5)
    lid_shade = []
    for brow, lid in BROW_OVER_LID:
        x, y = np.round(0.6 * pts[brow[2]] + 0.4 * pts[lid[2]]).astype(int)  # over the lid's middle
        assert full[y - 1:y + 2, x - 1:x + 2].mean() < half[y - 1:y + 2, x - 1:x + 2].mean() < 124
        lid_shade.append(128 - full[y - 1:y + 2, x - 1:x + 2].mean())
    openings = np.zeros(full.shape[:2], np.uint8)
    for upper, lower in ((lm.RIGHT_EYE_UPPER, lm.RIGHT_EYE_LOWER), (lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)):
        cv2.fillPoly(openings, [np.round(pts[list(upper) + list(lower[::-1])]).astype(np.int32)], 1)
    openings = cv2.erode(openings, np.ones((5, 5), np.uint8)).astype(bool)
    assert openings.sum() > 50 and 128 - full[openings].mean() < 0.3 * min(lid_shade)


def test_undoing_a_smile_smooths_the_photos_fold(analysis):
    """With the photo smiling and the smile undone, texture along the fold is smoothed."""
    rng = np.random.default_rng(0)
    noisy = np.clip(128 + 30 * rng.standard_normal(analysis.image.shape), 0, 255).astype(np.uint8)
    out = _paint(analysis, PhotoExpression(smile=1.0), noisy, smile=-1.0)
    pts = _posed(analysis, smile=-1.0)
    x, y = np.round(pts[206]).astype(int)
    before = noisy[y - 2:y + 3, x - 2:x + 3].astype(float).std()
    after = out[y - 2:y + 3, x - 2:x + 3].astype(float).std()
    assert after < 0.6 * before


def test_half_a_smile_undone_smooths_the_photos_fold_nearly_away(analysis):
    """Sad and angry undo part of a smiling photo's smile (about 0.7 of the frown on the toothy
    photos); its nasolabial fold goes with it (UNDO_FOLD): half-smoothed at 0.6 a unit, it was part
    of what the offline classifier read as happy under them."""
    rng = np.random.default_rng(0)
    noisy = np.clip(128 + 30 * rng.standard_normal(analysis.image.shape), 0, 255).astype(np.uint8)
    out = _paint(analysis, PhotoExpression(smile=1.0), noisy, smile=-0.6)
    x, y = np.round(_posed(analysis, smile=-0.6)[206]).astype(int)
    before = noisy[y - 2:y + 3, x - 2:x + 3].astype(float).std()
    assert out[y - 2:y + 3, x - 2:x + 3].astype(float).std() < 0.4 * before


def test_the_upper_lip_raiser_keeps_the_fold_a_smile_undone_would_smooth(analysis):
    """Disgust on a smiling photo undoes the smile but raises the upper lip, whose raiser deepens
    the nasolabial furrow: the fold is creased there, not smoothed away."""
    rng = np.random.default_rng(0)
    noisy = np.clip(128 + 30 * rng.standard_normal(analysis.image.shape), 0, 255).astype(np.uint8)
    params = dict(smile=-1.0, upper_lip_raise=0.55)
    out = _paint(analysis, PhotoExpression(smile=1.0), noisy, **params)
    x, y = np.round(_posed(analysis, **params)[206]).astype(int)
    before, after = noisy[y - 2:y + 3, x - 2:x + 3].astype(float), out[y - 2:y + 3, x - 2:x + 3].astype(float)
    assert after.std() > 0.8 * before.std() and after.mean() < before.mean() - 2


def test_disgust_wrinkles_the_nose_and_speech_does_not(analysis):
    """AU9: the nose bridge creases when the upper lip rises with the brows lowered (disgust), not
    when the lip rises alone (f, v) nor when the brows lower alone (anger)."""
    from facetalk.render.shading import NOSE_BRIDGE

    def bridge(**params):
        out = _paint(analysis, **params)
        return _along(out, _posed(analysis, **params)[list(NOSE_BRIDGE)]).min()

    assert bridge(upper_lip_raise=1.0, brow_raise=-0.7) < 118
    assert bridge(upper_lip_raise=1.0) == 128 and bridge(brow_raise=-1.0) > 124


def test_the_nose_wrinkler_creases_it_more_as_it_strengthens_and_saturates(analysis):
    """The nose wrinkler (nose_sneer) creases the bridge by itself, deeper as it strengthens.
    Disgust's own sneer (0.4) gets most of the wrinkle's depth; ARKit's full noseSneer (a Live
    Link capture's) a crease, not two stripes (linear at disgust's depth a unit, it darkened mid
    grey by 57 levels)."""
    from facetalk.render.shading import NOSE_BRIDGE

    def darkening(sneer):
        out = _paint(analysis, nose_sneer=sneer)
        x, y = np.round(_posed(analysis, nose_sneer=sneer)[list(NOSE_BRIDGE)].mean(axis=0)).astype(int)
        return 128 - out[y - 25:y + 26, x - 25:x + 26].astype(float).mean(axis=2).min()

    full, disgust = darkening(1.0), darkening(0.4)
    assert 10 < disgust < full < 45 and disgust > 0.55 * full


def test_inner_brows_raised_crease_the_middle_of_the_forehead(analysis):
    """Sadness and fear (brow_inner_raise beyond brow_raise) fold the forehead's middle, not its sides."""
    from facetalk.render.shading import INNER_BROW_ENDS

    out = _paint(analysis, brow_inner_raise=1.0, brow_raise=-0.3)
    pts = _posed(analysis, brow_inner_raise=1.0, brow_raise=-0.3)
    span = np.linalg.norm(pts[263] - pts[33])
    middle = 0.5 * (pts[INNER_BROW_ENDS[0]] + pts[INNER_BROW_ENDS[1]]) + [0, -0.26 * span]
    x, y = np.round(middle).astype(int)
    assert out[y - 4:y + 5, x - 3:x + 4].min() < 122
    x, y = np.round(pts[70] - [0, 0.26 * span]).astype(int)  # above the outer end of a brow
    assert out[y - 3:y + 4, x - 3:x + 4].min() >= 127


def test_the_chin_raiser_dimples_the_chin_and_nothing_else(analysis):
    """AU17 (mouth_shrug_lower) puckers the chin boss into dents, deeper with more; the same frame
    twice is the same picture (it holds still); speech's lip_press alone does not."""
    full, half = _paint(analysis, mouth_shrug_lower=1.0), _paint(analysis, mouth_shrug_lower=0.5)
    changed = np.argwhere(np.any(full != 128, axis=2))
    assert len(changed) > 100
    pts = _posed(analysis, mouth_shrug_lower=1.0)
    lip, chin = pts[17], pts[152]
    # All of it between the lower lip and the chin's tip, within the mouth's width.
    assert lip[1] - 2 <= changed[:, 0].min() and changed[:, 0].max() <= chin[1] + 2
    assert pts[61][0] - 2 <= changed[:, 1].min() and changed[:, 1].max() <= pts[291][0] + 2
    assert full.min() < half.min() < 128 and full.std() > half.std()
    assert full.max() > 128  # the dents' lit upper rims
    np.testing.assert_array_equal(full, _paint(analysis, mouth_shrug_lower=1.0))
    assert np.all(_paint(analysis, lip_press=1.0) == 128)


def test_the_smirk_dimples_its_own_corner_only(analysis):
    """AU14: a crease just outside the smirking corner (smirk > 0: the subject's left, the image's
    right; < 0 the other), none at the other corner; mouth_dimple creases both."""
    from facetalk.face import landmarks as lm
    from facetalk.render.shading import DIMPLE_OUT

    def beside(side, **params):
        out, pts = _paint(analysis, **params), _posed(analysis, **params)
        span = np.linalg.norm(pts[263] - pts[33])
        across = (pts[263] - pts[33]) / span
        corner = pts[lm.MOUTH_CORNERS[side]]
        x, y = np.round(corner + (1 if side == 1 else -1) * DIMPLE_OUT * span * across).astype(int)
        return out[y - 2:y + 3, x - 2:x + 3].min()

    assert beside(1, smirk=1.0) < 118 and beside(0, smirk=1.0) >= 126
    assert beside(0, smirk=-1.0) < 118 and beside(1, smirk=-1.0) >= 126
    assert beside(0, mouth_dimple=1.0) < 118 and beside(1, mouth_dimple=1.0) < 118


def test_the_render_benchmarks_heaviest_frames_draw_every_fold(analysis):
    """bench_render's every-blendshape figure is the heaviest case only if every fold is drawn
    within its two alternating frames."""
    from bench_render import every_shape_on

    shader = FoldShader(photo=analysis.expression)
    xy = posed_vertices(analysis.rig, MotionFrame(t_s=0))[:, :2]
    depths = np.array([[fold.depth for fold in shader._folds(xy, every_shape_on(MotionFrame(t_s=0), index=i))]
                       for i in (0, 1)])
    assert np.all(np.abs(depths).max(axis=0) > 0.01)


def test_frown_lines_between_the_brows_are_creases_not_a_bright_bar(analysis):
    """Each glabellar line's lit bulge lies on its brow's side: toward the middle, the two lines'
    lit sides fell on one another as the brows drew together, a bright bar between them."""
    from facetalk.render.shading import INNER_BROW_ENDS

    out = _paint(analysis, brow_raise=-1.0).astype(float).mean(axis=2)
    xy = _posed(analysis, brow_raise=-1.0)
    a, b = xy[INNER_BROW_ENDS[0]], xy[INNER_BROW_ENDS[1]]
    mid, half = 0.5 * (a + b), 0.15 * np.linalg.norm(a - b)
    x0, x1, y0, y1 = int(mid[0] - half), int(mid[0] + half) + 1, int(mid[1] - half), int(mid[1] + 4 * half) + 1
    between = out[y0:y1, x0:x1]
    assert between.min() < 128 - 3  # the creases are there ...
    assert between.max() < 128 + 6  # ... with no bright bar between them


def test_creases_keep_the_skins_hue_on_colour_skin_and_on_a_print(analysis):
    """A crease deepens the skin's own colour (crease_tint): on the bundled photo red darkens least
    and blue most, on a grey print every channel alike (SHADOW_LUMA each), and on a sepia print the
    crease keeps the print's hue (a fixed warm tint read as red stains there)."""
    from facetalk.face.landmarks import FACE_OVAL
    from facetalk.render.shading import SHADOW_LUMA, SHADOW_TINT, crease_tint

    oval = analysis.landmarks_px[list(FACE_OVAL), :2]
    assert np.allclose(crease_tint(analysis.image, oval), SHADOW_TINT, atol=0.01)
    grey = np.repeat(analysis.image.astype(np.float32).mean(axis=2, keepdims=True), 3, axis=2)
    assert np.allclose(crease_tint(grey.astype(np.uint8), oval), SHADOW_LUMA, atol=0.01)
    sepia = np.clip(grey * (1.1, 1.0, 0.8), 0, 255).astype(np.uint8)
    frame = MotionFrame(t_s=0, smile=1.0)
    out = sepia.copy()
    FoldShader(photo=PhotoExpression(), tint=crease_tint(sepia, oval)).paint(
        out, posed_vertices(analysis.rig, frame), frame)
    changed = np.abs(out.astype(int) - sepia).max(axis=2) > 6
    assert changed.sum() > 50
    assert np.abs(_lab_hue_deg(out[changed]) - _lab_hue_deg(sepia[changed])) < 4.0


def _lab_hue_deg(rgb):
    """The CIELAB hue angle (degrees) of the (N, 3) uint8 pixels' mean colour in Lab."""
    import cv2

    lab = cv2.cvtColor(rgb.reshape(-1, 1, 3).astype(np.uint8), cv2.COLOR_RGB2LAB)[:, 0].astype(float) - (0, 128, 128)
    return float(np.degrees(np.arctan2(lab[:, 2].mean(), lab[:, 1].mean())))


def _lab_chroma(rgb):
    """The CIELAB chroma of the (N, 3) uint8 pixels' mean colour in Lab."""
    import cv2

    lab = cv2.cvtColor(rgb.reshape(-1, 1, 3).astype(np.uint8), cv2.COLOR_RGB2LAB)[:, 0].astype(float) - (0, 128, 128)
    return float(np.hypot(lab[:, 1].mean(), lab[:, 2].mean()))


def test_a_fold_on_pale_even_skin_is_the_skins_own_colour_darker_not_grey():
    """Judge23 item 6: on 12's pale, even skin (its red and blue barely stray over brightness)
    the smile's folds darkened every channel alike and read as grey-green bands. On a patch of
    such skin with grain, the crease keeps the skin's hue (CIELAB, within 4 degrees, none greener),
    its chroma does not fall, and the grain stays (multiplied, not replaced)."""
    from facetalk.render.shading import _Fold, crease_tint

    rng = np.random.default_rng(3)
    grain = rng.normal(1.0, 0.03, (160, 160, 1))
    skin = np.clip(np.array([224.0, 188.0, 167.0]) * grain, 0, 255).astype(np.uint8)
    square = np.array([[0.0, 0.0], [159.0, 0.0], [159.0, 159.0], [0.0, 159.0]])
    shader = FoldShader(photo=PhotoExpression(), tint=crease_tint(skin, square))
    out = skin.copy()
    line = np.array([[30.0, 20.0], [60.0, 80.0], [70.0, 140.0]], np.float32)
    shader._crease(out, _Fold(line, 0.24, 6.0, None))
    deep = out.astype(float).mean(axis=2) < skin.astype(float).mean(axis=2) - 15
    assert deep.sum() > 100
    hue_skin, hue_fold = _lab_hue_deg(skin[deep]), _lab_hue_deg(out[deep])
    assert -4.0 < hue_fold - hue_skin <= 0.5  # the same hue or a touch warmer, never toward green
    assert _lab_chroma(out[deep]) >= _lab_chroma(skin[deep])  # the old neutral shade: 18.2 -> 16.1
    ratio = out[deep].astype(float).mean(axis=1) / skin[deep].astype(float).mean(axis=1)
    assert np.corrcoef(out[deep].astype(float).mean(axis=1), skin[deep].astype(float).mean(axis=1))[0, 1] > 0.5
    assert ratio.std() < 0.05


def test_a_crease_darkens_pink_and_pale_skin_alike():
    """Rev24c A: the chroma raise changed how dark a crease is (per unit of depth the skin's luma
    fell 1.04 on 11's pink skin, 0.97 on 12's pale one, 0.95 on a sepia print). The tint is scaled
    so the skin's luma falls SHADOW_LUMA per unit on every skin (as on a grey print), and the raise
    on pink skin stays short of rouge (its CIELAB chroma up at most a fifth)."""
    from facetalk.imaging import LUMA
    from facetalk.render.shading import _Fold, crease_tint

    square = np.array([[0.0, 0.0], [119.0, 0.0], [119.0, 119.0], [0.0, 119.0]])
    line = np.array([[20.0, 20.0], [60.0, 60.0], [100.0, 100.0]], np.float32)
    falls, deep = [], None
    for rgb in ((160.0, 160.0, 160.0), (207.0, 139.0, 142.0), (219.0, 184.0, 165.0), (143.0, 131.0, 114.0)):
        skin = np.full((120, 120, 3), rgb, np.uint8)
        out = skin.copy()
        FoldShader(photo=PhotoExpression(), tint=crease_tint(skin, square))._crease(out, _Fold(line, 0.5, 5.0, None))
        fall = 1.0 - (out.astype(np.float32) @ LUMA) / float(np.float32(rgb) @ LUMA)
        deep = fall > 0.05 if deep is None else deep  # the same pixels on each skin: the grey one's crease
        falls.append(fall[deep].mean())  # a grey print's, 11's, 12's, 09's
        if rgb[0] == 207.0:  # 11's pink: chroma 27.5 -> 30.9 (34.2 at d022cd6)
            assert _lab_chroma(out[deep]) < 1.2 * _lab_chroma(skin[deep])
    assert max(falls) / min(falls) < 1.02  # d022cd6: 1.09 (11 0.176, 09 0.161)


def test_on_a_one_tint_print_a_crease_keeps_to_the_prints_own_tones():
    """angry54 (held-out h10, a sepia print): the skin's tint with its chroma raised put a saturated
    orange-brown band on the lids under anger. On a one-tint print (`held` 1) a crease darkens the
    skin toward the print's own darker tone: its pixels' chromaticity stays within the print's (the
    raised tint's strays 0.05 past it), and the skin's luma falls as far as with the raised tint."""
    from facetalk.imaging import LUMA
    from facetalk.render.shading import _Fold, crease_tint

    rng = np.random.default_rng(5)
    grey = np.clip(150.0 + 40.0 * rng.normal(size=(120, 120, 1)), 40, 220)
    sepia = np.clip(grey * (1.12, 0.98, 0.75), 0, 255).astype(np.uint8)
    square = np.array([[0.0, 0.0], [119.0, 0.0], [119.0, 119.0], [0.0, 119.0]])
    line = np.array([[20.0, 20.0], [60.0, 60.0], [100.0, 100.0]], np.float32)

    def chroma(rgb):
        rgb = rgb.astype(np.float64)
        return np.linalg.norm(rgb / np.maximum(rgb @ LUMA, 1.0)[:, None] - 1.0, axis=1)

    print_chroma = np.percentile(chroma(sepia.reshape(-1, 3)), 99.5)
    falls = []
    for held in (1.0, 0.0):
        out = sepia.copy()
        FoldShader(photo=PhotoExpression(), tint=crease_tint(sepia, square, held=held))._crease(
            out, _Fold(line, 0.5, 5.0, None))
        fall = 1.0 - (out.astype(np.float64) @ LUMA) / (sepia.astype(np.float64) @ LUMA)
        deep = fall > 0.2
        assert deep.sum() > 100
        falls.append(fall[deep].mean())
        strays = np.percentile(chroma(out[deep]), 95) - print_chroma
        assert strays < 0.01 if held else strays > 0.03
    assert abs(falls[0] / falls[1] - 1.0) < 0.05


def test_the_crease_tint_does_not_move_with_the_photos_exposure(analysis):
    """Rev24c B: the skin's mean colour took only pixels brighter than 40 levels, so on dark skin
    or a dim photo it came from the highlights alone (04 at 0.3 brightness: blue 1.50 -> 1.26).
    Cut relative to the oval's own luma, the bundled photo at 0.3 brightness gets the same tint
    (within 0.03; 0.063 on blue before)."""
    from facetalk.face.landmarks import FACE_OVAL
    from facetalk.render.shading import crease_tint

    oval = analysis.landmarks_px[list(FACE_OVAL), :2]
    dim = (analysis.image.astype(np.float32) * 0.3).astype(np.uint8)
    assert np.abs(crease_tint(dim, oval) - crease_tint(analysis.image, oval)).max() < 0.03


def test_lowered_brows_shade_the_lids_lightly(analysis):
    """A fully lowered brow's shade over the lid's middle darkens mid-grey skin by 45-70 grey
    levels (23 at BROW_SHADOW 0.2 x frown before fear46): the lid under a brow lowered over it
    is in shadow, which with the deeper drop makes anger a glare to the offline classifier
    (out/fear46/NOTES.md). Not darker: the shade moves dlib's identity distance under anger most
    after the brows' drop (the bundled photo 0.429 -> 0.373 without it, at emo41's drop)."""
    from facetalk.render.shading import BROW_OVER_LID

    pts = _posed(analysis, brow_raise=-1.0)
    full = _paint(analysis, brow_raise=-1.0)
    for brow, lid in BROW_OVER_LID:
        x, y = np.round(0.6 * pts[brow[2]] + 0.4 * pts[lid[2]]).astype(int)
        assert 45.0 < 128 - full[y - 1:y + 2, x - 1:x + 2].mean() < 70.0
    # A slight lowering (sad's -0.15, speech's) casts hardly any: the shade grows as its square.
    pts = _posed(analysis, brow_raise=-0.3)
    slight = _paint(analysis, brow_raise=-0.3)
    for brow, lid in BROW_OVER_LID:
        x, y = np.round(0.6 * pts[brow[2]] + 0.4 * pts[lid[2]]).astype(int)
        assert 128 - slight[y - 1:y + 2, x - 1:x + 2].mean() < 10.0


def test_the_nose_wrinkle_is_bunched_skin_not_two_stripes(analysis):
    """AU9's wrinkle on mid grey, down the nose root from between the eyes (NOSE_BRIDGE): three
    creases, each with the skin bunched below it catching the light (a profile that alternates
    darker and lighter than the skin), not two dark stripes of one width with flat skin between
    (read as drawn lines at 2x on out/portraits' 07 and 13)."""
    from facetalk.render.shading import NOSE_BRIDGE

    out = _paint(analysis, nose_sneer=0.4).astype(float).mean(axis=2)
    top, bottom = _posed(analysis, nose_sneer=0.4)[list(NOSE_BRIDGE)]
    step = (bottom - top) / np.linalg.norm(bottom - top)
    length = np.linalg.norm(bottom - top)
    profile = np.array([out[int(round(y)), int(round(x))]
                        for x, y in (top + t * step for t in np.arange(-0.8 * length, 1.8 * length))]) - 128
    from scipy.signal import find_peaks

    creases, _ = find_peaks(-profile, height=4, prominence=3)  # dips the skin rises 3 levels between
    assert len(creases) == 3, profile.round(1)
    assert profile.max() > 2  # lit bulges beside the creases


def test_the_compiled_crease_layout_is_pixel_box_and_chord_of_the_lines_in_the_box():
    """_crease_layout stands for pixel_box over both lines, the lines less the box's corner rounded
    to 1/16 px, and _chord's start and chord: in float32 and float64 and mixed, and off the frame."""
    from facetalk.render.sampling import pixel_box
    from facetalk.render.shading import _chord, _crease_layout

    rng = np.random.default_rng(3)
    for dtype, lit_dtype in ((np.float32, np.float32), (np.float64, np.float64), (np.float32, np.float64)):
        for _ in range(50):
            line = rng.uniform(-20.0, 120.0, (int(rng.integers(2, 9)), 2)).astype(dtype)
            lit = (line + rng.uniform(-5.0, 5.0, 2)).astype(lit_dtype)
            both = np.concatenate([line, lit])
            pad = float(rng.uniform(2.0, 12.0))
            box = pixel_box(both, pad=pad, shape=(100, 90))
            layout = _crease_layout(line, lit, both.dtype.type(pad), 100, 90)
            if box is None:
                assert layout is None
                continue
            assert layout[0] == box
            origin = np.array(box[:2], np.float32)
            for k, drawn in enumerate((line, lit)):
                in_box = drawn - origin
                assert np.array_equal(layout[1 + k], np.round(in_box * 16).astype(np.int32))
                expected = _chord(in_box)
                chord = layout[3][k]
                inv = 1.0 / max(float(chord[1::2].copy() @ chord[1::2].copy()), 1e-6)
                assert np.array_equal([chord[0], chord[1] * inv, chord[2], chord[3] * inv], expected)


def _glabella(analysis, brow_raise):
    """(shaded mid-grey frame as grey levels, the subject's right glabellar line's foot (2,) px, the
    unit vector toward its brow, eye span px) at `brow_raise`."""
    from facetalk.render.shading import INNER_BROW_ENDS

    out = _paint(analysis, brow_raise=brow_raise).astype(float).mean(axis=2)
    xy = _posed(analysis, brow_raise=brow_raise)
    a, b = xy[INNER_BROW_ENDS[0]], xy[INNER_BROW_ENDS[1]]
    span = np.linalg.norm(xy[263] - xy[33])
    return out, 0.7 * a + 0.3 * b, (a - b) / np.linalg.norm(a - b), span


def test_anger_frown_lines_read_deep_and_long_with_their_ridge_no_brighter_than_the_skin(analysis):
    """Anger's frown (brow_raise -0.6) draws the "11" between the brows deep enough to read at 2x:
    on mid-grey the line darkens by over 20 levels (12 before: a stern look, not a frown, on Biden's
    and Coelho's portraits), reaches 0.12 eye spans above the inner brow (0.11 before, faded out
    there), the skin bunched on its brow side not lit past the skin about it; a lighter frown creases
    less."""
    out, foot, toward_brow, span = _glabella(analysis, -0.6)
    up = np.array([0.0, -1.0])

    def darkest(image, centre, radius=3):
        x, y = np.round(centre).astype(int)
        return image[y - radius:y + radius + 1, x - radius:x + radius + 1].min()

    middle = foot + 0.06 * span * up
    assert darkest(out, middle) < 128 - 20
    assert darkest(out, foot + 0.12 * span * up) < 128 - 8
    x, y = np.round(middle + 0.04 * span * toward_brow).astype(int)
    # The ridge beside the line is not lit past the skin about it (frown49, GLABELLA_LIT_CAP_PCT): on even
    # grey it stays 128. GLABELLA_LIT of the depth 0.6 before frown48 lit a bright edge here (144, a
    # drawn "1" at 2x), 138 at depth 0.45; on 12's pale skin still a cream edge (judge48).
    assert out[y - 3:y + 4, x - 3:x + 4].max() <= 128
    lighter, *_ = _glabella(analysis, -0.3)
    assert darkest(lighter, middle) > darkest(out, middle) + 5


def test_a_frown_lines_ridge_evens_the_skins_shadows_out_and_lights_nothing_past_it(analysis):
    """On textured skin (mid-grey with even noise, 100..156) the ridge beside a glabellar crease lifts
    the skin's darker pixels toward the skin about it, but no pixel anywhere ends brighter than both
    its own value and that skin's median (128, GLABELLA_LIT_CAP_PCT) by over two levels: the bulge evens the
    skin out, it is not a bright edge (frown49; before, up to 18% brighter on any skin, a cream ridge
    on 12's pale skin, judge48)."""
    rng = np.random.default_rng(3)
    skin = rng.integers(100, 157, analysis.image.shape[:2], np.uint8)
    before = np.repeat(skin[..., None], 3, axis=2)
    out = _paint(analysis, image=before, brow_raise=-0.6)
    lifted = out.astype(int) - before
    assert (out.astype(int) <= np.maximum(before, 128) + 2).all(), int((out.astype(int) - np.maximum(before, 128)).max())
    assert lifted.max() >= 8  # the ridge does lift the skin's shadows


def test_a_frown_lines_shadow_falls_off_gradually_away_from_its_ridge(analysis):
    """A glabellar crease is a groove in a soft shadow, not one even stroke (frown48: a single
    Gaussian 1.6 px wide read as a drawn "1" on the bundled photo): across it, away from its lit
    side, 0.012 eye spans out the skin is still darkened by over a fifth of the groove's darkest,
    while on the ridge's side it comes back to the skin's own level."""
    out, foot, toward_brow, span = _glabella(analysis, -0.6)
    middle = foot + 0.06 * span * np.array([0.0, -1.0])
    across = np.array([middle + t * span * toward_brow for t in np.linspace(-0.06, 0.06, 25)])
    darkening = 128.0 - _along(out, across)
    groove = int(np.argmax(darkening))
    far = 128.0 - _along(out, [across[groove] - 0.012 * span * toward_brow])[0]
    assert far > 0.2 * darkening[groove], (far, darkening[groove])
    # On the ridge's side the skin comes back to its own level, lit no brighter (frown49: on even
    # grey the ridge's light, capped at the skin about it, adds nothing; it lifted 3+ levels before).
    assert abs(darkening[groove:].min()) <= 1


def test_the_skin_between_the_two_sides_frown_lines_stays_lighter_than_them(analysis):
    """Each side's crease keeps its shadow on its own side: midway between the two sides' lines the
    skin is darkened by under a sixth of the shallower groove's darkest (frown48b: both shadows,
    shifted toward the middle, met there and greyed it as dark as the shallower groove, a grey "V" at
    2x; in a frown that skin bulges and catches the light)."""
    from facetalk.render.shading import INNER_BROW_ENDS

    out, *_, span = _glabella(analysis, -0.6)
    xy = _posed(analysis, brow_raise=-0.6)
    a, b = xy[INNER_BROW_ENDS[0]], xy[INNER_BROW_ENDS[1]]
    for height in (0.03, 0.06, 0.09):
        lift = height * span * np.array([0.0, -1.0])
        right, left = 0.7 * a + 0.3 * b + lift, 0.7 * b + 0.3 * a + lift
        # Each side's darkest within 0.03 eye spans of its line's foot (the lines fan out as they rise).
        reach = 0.03 * span * (a - b) / np.linalg.norm(a - b)
        grooves = [(128.0 - _along(out, [foot + t * reach for t in np.linspace(-1, 1, 21)])).max()
                   for foot in (right, left)]
        between = 128.0 - _along(out, [0.5 * (right + left)])[0]
        assert min(grooves) > 10, grooves
        assert between < min(grooves) / 6, (height, between, grooves)


def test_frown_lines_keep_close_to_the_skins_hue_on_pink_skin(analysis):
    """The glabellar creases take GLABELLA_CHROMA of crease_tint's chroma: on pink skin their
    darkest pixels stay near the skin's saturation (frown48: the full raise turned 13's pink skin
    into a saturated red blob; here R:B 1.92 at the full raise, 1.70 now, the skin's 1.46), yet
    warmer than an even darkening."""
    from facetalk.face.landmarks import FACE_OVAL
    from facetalk.render.shading import crease_tint

    pink = np.empty(analysis.image.shape, np.uint8)
    pink[...] = (205, 150, 140)
    frame = MotionFrame(t_s=0, brow_raise=-0.85)
    out = pink.copy()
    tint = crease_tint(pink, analysis.landmarks_px[list(FACE_OVAL), :2])
    FoldShader(photo=PhotoExpression(), tint=tint).paint(out, posed_vertices(analysis.rig, frame), frame)
    xy = _posed(analysis, brow_raise=-0.85)
    mid = 0.5 * (xy[55] + xy[285])
    y0, y1, x0, x1 = int(mid[1] - 0.25 * (xy[263] - xy[33])[0]), int(mid[1]), int(mid[0] - 20), int(mid[0] + 20)
    patch = out[y0:y1, x0:x1].reshape(-1, 3).astype(float)
    darkest = patch[np.argsort(patch @ (0.299, 0.587, 0.114))[:20]].mean(axis=0)
    assert darkest.sum() < 0.8 * pink[0, 0].astype(float).sum()  # the creases are there
    ratio, skin_ratio = darkest[0] / darkest[2], 205 / 140
    assert skin_ratio < ratio < 1.22 * skin_ratio, (ratio, skin_ratio)


def _random_polylines(rng, count):
    """(shape (h, w), (N, 2) int32 1/16 px points, width_px) of thin creases as _crease draws them:
    boxes narrower than the blur's reach, lines near and over the box's edges, 1-px boxes."""
    for k in range(count):
        width = float(rng.choice([0.3, 0.6, 1.1, 2.5, 4.0, 7.5, 12.0, 16.0]) * rng.uniform(0.9, 1.1))
        h, w = (int(v) for v in rng.integers(1, 90, 2))
        if k % 10 == 0:
            h, w = (1, w) if k % 20 == 0 else (h, 1)
        points = rng.uniform([-4, -4], [w + 4, h + 4], (int(rng.integers(2, 6)), 2))
        yield (h, w), np.rint(points * 16).astype(np.int32), width


def test_the_compiled_crease_blur_is_opencvs_gaussian_blur():
    """_blurred_points blurs the crease's line where it is not zero only, in OpenCV's arithmetic:
    cv2.GaussianBlur of the drawn line (BORDER_REFLECT_101), whatever the box, the line's place in
    it and the blur's width. The same float32 bits where both use fused multiply-adds (OpenCV's
    AVX2 path, as on the machines this is built on: there, a first line blurred alike holds every
    other to the bit, so a reordered sum fails); elsewhere within float32 rounding: the product
    needs only its own frames to be reproducible."""
    import cv2

    from facetalk.render.shading import _blurred_points

    rng = np.random.default_rng(5)
    exact = None  # whether this machine's OpenCV blurs with the same bits
    for shape, points, width in _random_polylines(rng, 400):
        mask = np.zeros(shape, np.float32)
        cv2.polylines(mask, [points], False, 1.0, 1, cv2.LINE_AA, 4)
        expected = cv2.GaussianBlur(mask, (0, 0), max(width, 0.6))
        got = _blurred_points(shape, points, width)
        if exact is None and min(shape) > 1:
            exact = np.array_equal(got.view(np.uint32), expected.view(np.uint32))
        if exact:
            assert np.array_equal(got.view(np.uint32), expected.view(np.uint32)), (shape, width)
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7, err_msg=f"{shape} {width}")


def test_the_compiled_crease_pass_shades_as_opencvs_blur_numpys_dot_and_the_shading_kernel():
    """_crease_pass (both blurs, the chords' squared lengths and the shading in one call) shades as
    the separate steps did: cv2.GaussianBlur of each line, numpy's dot of each chord (bit for bit
    where both use fused multiply-adds; elsewhere a rounding may land one level off)."""
    import cv2

    from facetalk.render.shading import _NO_TAPS, _TAPER, _crease_pass, _gaussian_taps, _line_mask, _shade_crease

    rng = np.random.default_rng(6)
    lines = list(_random_polylines(rng, 120))
    for (shape, dark_pts, width), (_, lit_pts, _) in zip(lines, lines[1:] + lines[:1]):
        lit_pts = np.clip(lit_pts, -64, 16 * max(shape)).astype(np.int32)
        chords = rng.normal(0.0, 40.0, (2, 4))
        region = rng.integers(0, 256, shape + (3,), np.uint8)
        # Half the cases with the lit side's ceiling (frown49's glabellar ridge), half without.
        ceiling = rng.uniform(0.0, 255.0, 3) if rng.random() < 0.5 else np.full(3, np.inf)
        args = (1.5 * width, 0.2, 2.0 * width, 0.07, np.array([0.75, 1.0, 1.1], np.float32), _TAPER, ceiling)
        dark = cv2.GaussianBlur(_line_mask(shape, dark_pts), (0, 0), max(width, 0.6))
        lit = cv2.GaussianBlur(_line_mask(shape, lit_pts), (0, 0), max(1.5 * width, 0.6))
        expected = region.copy()
        inv = [1.0 / max(float(chords[k, 1::2].copy() @ chords[k, 1::2].copy()), 1e-6) for k in (0, 1)]
        _shade_crease(expected, dark, lit, chords, *inv, *args)
        got = region.copy()
        _crease_pass(got, _line_mask(shape, dark_pts), _gaussian_taps(width), dark_pts, _line_mask(shape, lit_pts),
                     _gaussian_taps(1.5 * width), lit_pts, chords, *args)
        _assert_within_a_level(got, expected, shape)
        # Masks blurred already (a one pixel thin box: OpenCV's own blur) are taken as they are.
        got = region.copy()
        _crease_pass(got, dark, _NO_TAPS, dark_pts, lit, _NO_TAPS, lit_pts, chords, *args)
        _assert_within_a_level(got, expected, shape)


def _assert_within_a_level(got: np.ndarray, expected: np.ndarray, shape) -> None:
    off = np.abs(got.astype(np.int16) - expected)
    assert off.max() <= 1 and np.count_nonzero(off) <= max(1, off.size // 1000), (shape, off.max(), np.count_nonzero(off))


def test_a_crease_without_a_line_draws_nothing(analysis):
    """A fold not drawn carries _NO_LINE, a (0, 2) line; the compiled layout reads a line's first
    point without a bounds check, so an empty line must stop before it."""
    from facetalk.render.shading import _NO_LINE, FoldShader, _Fold

    shader = FoldShader(photo=analysis.expression)
    out = np.full((64, 64, 3), 128, np.uint8)
    for lit_side in (None, np.array([0.0, -1.0])):
        shader._crease(out, _Fold(_NO_LINE, 0.8, 3.0, lit_side))
    assert (out == 128).all()


def _smoothed_by_opencv(region: np.ndarray, weight: np.ndarray, sigma: float) -> np.ndarray:
    """What FoldShader._smooth laid before _smooth_pass: the whole box blurred by OpenCV and
    blended by numpy's float32 arithmetic."""
    import cv2

    box = region.astype(np.float32)
    blurred = cv2.GaussianBlur(box, (0, 0), sigma)
    return np.clip(box + (blurred - box) * weight[..., None] + 0.5, 0, 255).astype(np.uint8)


def test_the_compiled_smoothing_is_opencvs_blur_blended_by_numpy():
    """_smooth_pass blurs only where the blend can move a pixel and gives what blurring the whole
    box did: at speech's small weights (a few % at the line) and at an emotion's full ones, on
    noise (every pixel near a 255-level spread) and on smooth skin-like boxes with a few spikes,
    boxes narrower than the kernel, views into a frame. The same bits where OpenCV blurs with fused
    multiply-adds (a first box blurred alike holds every other to the bit), else within a level."""
    from facetalk.render.shading import _gaussian_taps, _smooth_pass

    rng = np.random.default_rng(7)
    exact = None
    for k in range(60):
        h, w = (int(v) for v in rng.integers(2, 70, 2))
        sigma = float(rng.choice([0.6, 1.3, 4.0, 9.0, 14.0]) * rng.uniform(1.0, 1.1))
        if k % 2:
            region = rng.integers(0, 256, (h, w, 3), np.uint8)
        else:
            ramp = np.linspace(90, 170, w)[None, :, None] + np.linspace(-20, 20, h)[:, None, None]
            region = np.clip(ramp + rng.normal(0, 3, (h, w, 3)), 0, 255).astype(np.uint8)
            region[rng.integers(0, h, 3), rng.integers(0, w, 3)] = rng.integers(0, 256, (3, 3))
        top = float(rng.choice([0.003, 0.03, 0.08, 1.0]))
        weight = (top * rng.uniform(0, 1, (h, w)) ** 2).astype(np.float32)
        expected = _smoothed_by_opencv(region, weight, sigma)
        frame = np.zeros((h + 4, w + 5, 3), np.uint8)
        frame[2:-2, 3:-2] = region
        _smooth_pass(frame[2:-2, 3:-2], weight, _gaussian_taps(sigma))
        got = frame[2:-2, 3:-2]
        assert (frame[:2] == 0).all() and (frame[:, :3] == 0).all()  # nothing beyond the view
        if exact is None:
            exact = np.array_equal(got, expected)
        if exact:
            assert np.array_equal(got, expected), (h, w, sigma, top)
        assert np.abs(got.astype(np.int16) - expected).max() <= 1, (h, w, sigma, top)


def test_smoothing_a_fold_at_speechs_weights_blurs_a_small_share_of_its_box(analysis):
    """Speech dips a smiling photo's smile a little below its own (weights of 1-8% at the line),
    which moves a handful of pixels: _smooth_pass blurs only the columns where the blend can move
    one (on the bundled photo's fold at 3%, 19% of the box; at 100%, 35%: weights fall off away
    from the line), and the fold comes out as blurring the whole box gave it (cv2.GaussianBlur of
    the mask and the box)."""
    import cv2

    from facetalk.render.shading import _TAPER, _Fold, _chord, _gaussian_taps, _may_move, _taper_grid

    shader = FoldShader(photo=PhotoExpression(smile=1.0))
    xy = _posed(analysis, smile=-0.02)
    line, width = xy[np.array(NASOLABIAL[0])], 0.024 * float(np.linalg.norm(xy[263] - xy[33]))
    x0, y0 = (int(v) for v in np.floor(line.min(axis=0) - (6 * width + 3)))
    x1, y1 = (int(v) for v in np.ceil(line.max(axis=0) + (6 * width + 3)) + 1)
    region = analysis.image[y0:y1, x0:x1]
    mask = np.zeros(region.shape[:2], np.float32)
    cv2.polylines(mask, [np.rint((line - (x0, y0)) * 16).astype(np.int32)], False, 1.0, 1, cv2.LINE_AA, 4)
    blurred = cv2.GaussianBlur(mask, (0, 0), 2.5 * width)
    taper = np.empty(mask.shape, np.float32)
    _taper_grid(_chord(line - (x0, y0)), _TAPER, taper)
    shares = []
    for depth in (-0.03, -1.0):
        weight = min(-depth, 1.0) * (np.minimum(blurred * 2.5 * (2.5 * width), 1.0) * taper)
        lo, hi = _may_move(region, weight, _gaussian_taps(2.0 * width).shape[0] // 2)
        shares.append(np.maximum(hi - lo + 1, 0).sum() / weight.size)
        out = analysis.image.copy()
        shader._smooth(out, _Fold(line, depth, width, None))
        assert np.array_equal(out[y0:y1, x0:x1], _smoothed_by_opencv(region, weight, 2.0 * width)), depth
        assert np.array_equal(np.delete(out, np.s_[y0:y1], axis=0), np.delete(analysis.image, np.s_[y0:y1], axis=0))
    assert shares[0] < 0.25 and shares[1] > 0.3, shares


def test_the_knits_frown_lines_fade_under_raised_brows(analysis):
    """The knit draws the glabellar lines (GLABELLA_KNIT); raised brows stretch that skin, so under
    fear's raise the lines the knit adds are fainter than the knit's alone, and gone at a full raise."""
    from facetalk.render.shading import INNER_BROW_ENDS

    def knit_lines(brow_raise):
        knit = _paint(analysis, brow_raise=brow_raise, brow_knit=1.0).astype(float).mean(axis=2)
        unknit = _paint(analysis, brow_raise=brow_raise).astype(float).mean(axis=2)
        xy = _posed(analysis, brow_raise=brow_raise, brow_knit=1.0)
        a, b = xy[INNER_BROW_ENDS[0]], xy[INNER_BROW_ENDS[1]]
        mid, half = 0.5 * (a + b), 0.5 * np.linalg.norm(a - b)
        box = np.s_[int(mid[1] - half):int(mid[1] + 2 * half) + 1, int(mid[0] - half):int(mid[0] + half) + 1]
        return np.clip(unknit[box] - knit[box], 0.0, None).sum()

    alone, feared, full = knit_lines(0.0), knit_lines(0.4), knit_lines(1.0)
    assert alone > 0.0
    assert feared < 0.8 * alone
    assert full == 0.0


def _frown_line_profiles(analysis, **shader):
    """Per side (subject's right, left) of anger's frown (brow_raise -0.6) on mid grey: (the line's
    depth profile, grey levels darker than 128 per row from its top to its foot, the row's darkest;
    the darkening's centroid column per row, px; eye span px; +1 or -1, the brow's direction across
    the image)."""
    from facetalk.render.shading import INNER_BROW_ENDS

    frame = MotionFrame(t_s=0, brow_raise=-0.6)
    out = np.full(analysis.image.shape, 128, np.uint8)
    FoldShader(photo=PhotoExpression(), **shader).paint(out, posed_vertices(analysis.rig, frame), frame)
    dark = 128.0 - out.astype(float).mean(axis=2)
    xy = _posed(analysis, brow_raise=-0.6)
    span = np.linalg.norm(xy[263] - xy[33])
    a, b = xy[INNER_BROW_ENDS[0]], xy[INNER_BROW_ENDS[1]]
    mid = 0.5 * (a + b)
    sides = []
    for brow in (a, b):
        x_lo, x_hi = sorted((int(mid[0]), int(brow[0] + 0.3 * (brow[0] - mid[0]))))
        part = dark[int(mid[1] - 0.35 * span):int(mid[1] + 0.15 * span), x_lo:x_hi]
        rows = part.max(axis=1)
        on = np.nonzero(rows > 0.2 * rows.max())[0]
        kept = np.clip(part[on[0]:on[-1] + 1], 0.0, None)
        centroid = (kept * np.arange(kept.shape[1])).sum(axis=1) / np.maximum(kept.sum(axis=1), 1e-9) + x_lo
        sides.append((kept.max(axis=1), centroid, span, np.sign(brow[0] - mid[0])))
    return sides


def test_frown_lines_are_uneven_creases_fanning_out_not_a_painted_pair_of_bars(analysis):
    """Glabellar lines are creases, not two matched strokes (judge43b's "II" on the bundled photo
    and 11): one side's is deeper and longer than the other's, each is deepest low and fades upward
    (its upper quarter well under its peak), and leans out toward its brow as it rises. Before:
    both sides alike (peaks and lengths within 7%), their upper quarters 0.47-0.53 of their peaks,
    the right one's lean 0.002 eye spans (now 0.012 and 0.022: measured over the rows it shows)."""
    (right, right_cols, span, right_out), (left, left_cols, _, left_out) = _frown_line_profiles(analysis)
    assert right.max() > 1.2 * left.max()  # not a matched pair ...
    assert len(right) > 1.2 * len(left)  # ... in depth or length
    for depth, cols, outward in ((right, right_cols, right_out), (left, left_cols, left_out)):
        quarter = max(len(depth) // 4, 1)
        lean = outward * (cols[:quarter].mean() - cols[-quarter:].mean()) / span
        assert depth[:quarter].mean() < 0.45 * depth.max(), depth  # fading out upward
        assert lean > 0.008, lean  # the top out toward the brow


def test_frown_lines_are_shallow_on_smooth_skin(analysis):
    """glabella_grain: the lines' share of their depth follows the photo's own skin between the
    brows, GLABELLA_GRAIN_LEAST on flat skin, full on grainy skin, and on the bundled photo's smooth
    young skin under 0.8 (at full depth there the lines stood 14 times the skin's texture: a drawn
    "II"); the shader's lines are that share as dark, the main crease no lighter than
    GLABELLA_MAIN_LEAST."""
    from facetalk.render.shading import GLABELLA_GRAIN_LEAST, GLABELLA_MAIN_LEAST, glabella_grain

    flat = np.full(analysis.image.shape, 170, np.uint8)
    rng = np.random.default_rng(3)
    grain = np.clip(150 + 25 * rng.standard_normal(analysis.image.shape[:2]), 0, 255).astype(np.uint8)
    assert glabella_grain(flat, analysis.landmarks_px) == GLABELLA_GRAIN_LEAST
    assert glabella_grain(np.repeat(grain[..., None], 3, axis=2), analysis.landmarks_px) == 1.0
    share = glabella_grain(analysis.image, analysis.landmarks_px)
    assert GLABELLA_GRAIN_LEAST <= share < 0.8
    full = [profile.max() for profile, *_ in _frown_line_profiles(analysis)]
    shallow = [profile.max() for profile, *_ in _frown_line_profiles(analysis, glabella_share=share)]
    # The main crease (the subject's right) no shallower than GLABELLA_MAIN_LEAST: at 0.6 it was
    # gone at 2x on smooth pale photos (out/rev44g/REVIEW.md); the other side takes the share.
    assert abs(shallow[0] - max(share, GLABELLA_MAIN_LEAST) * full[0]) < 0.1 * full[0]
    assert abs(shallow[1] - share * full[1]) < 0.1 * full[1]


def test_the_frown_lines_share_reads_skin_not_a_fringe_of_hair(analysis):
    """glabella_grain leaves out hair over the glabella: a dark fringe of strands across the top
    of the skin between the brows (13's took its patch to the full share from hair, out/rev44g/
    p13.png) moves the share under 0.05."""
    from facetalk.render.shading import INNER_BROW_ENDS, OUTER_EYE_CORNERS, glabella_grain

    xy = analysis.landmarks_px[:, :2]
    span = np.linalg.norm(xy[OUTER_EYE_CORNERS[1]] - xy[OUTER_EYE_CORNERS[0]])
    a, b = xy[INNER_BROW_ENDS[0]], xy[INNER_BROW_ENDS[1]]
    mid_x, heads_y = 0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1])
    fringe = analysis.image.copy()
    rows = np.s_[int(heads_y - 0.3 * span):int(heads_y - 0.08 * span)]
    cols = np.arange(int(mid_x - 0.5 * span), int(mid_x + 0.5 * span))
    strands = cols[(cols // 2) % 3 != 0]  # 4 px strands, 2 px gaps of skin
    fringe[rows, strands] = (60, 45, 30)
    clean = glabella_grain(analysis.image, analysis.landmarks_px)
    assert abs(glabella_grain(fringe, analysis.landmarks_px) - clean) < 0.05


def test_the_dimple_is_a_long_soft_crease_as_deep_as_the_skins_grain(analysis):
    """dimple53: the dimpler's crease is a short dent longer than wide (its darkened patch, over half its
    darkest, over 2.6 times as long as wide on the bundled photo's 97 px eye span, where it is 15 px long
    and about 1 px wide: the crescent before, a dark dot at 2x, 2.3), whose lit side lifts the skin no brighter
    than the skin about it, and shallower on smooth skin (glabella_grain's share), as the glabellar
    lines; not one short deep crescent with a bright rim."""
    from facetalk.face import landmarks as lm

    frame = MotionFrame(t_s=0, mouth_dimple=1.0)  # the dimple alone (the smirk deepens the nasolabial fold too)
    pts = _posed(analysis, mouth_dimple=1.0)
    span = np.linalg.norm(pts[263] - pts[33])
    corner = pts[lm.MOUTH_CORNERS[1]]
    x0, y0 = np.round(corner - 0.25 * span).astype(int)
    x1, y1 = np.round(corner + 0.25 * span).astype(int)

    def drop(share, image):
        out = image.copy()
        FoldShader(photo=PhotoExpression(), glabella_share=share).paint(out, posed_vertices(analysis.rig, frame), frame)
        return (image[y0:y1, x0:x1].astype(float) - out[y0:y1, x0:x1]).mean(axis=2), out

    flat = np.full(analysis.image.shape, 128, np.uint8)
    full, _ = drop(1.0, flat)
    ys, xs = np.nonzero(full > 0.5 * full.max())
    low, high = np.linalg.eigvalsh(np.cov(np.stack([xs, ys]).astype(float)))
    assert np.sqrt(high / low) > 2.6
    assert 0 < drop(0.6, flat)[0].max() < 0.7 * full.max()
    grainy = np.random.default_rng(3).integers(100, 157, analysis.image.shape).astype(np.uint8)
    _, out = drop(1.0, grainy)
    skin = grainy[y0:y1, x0:x1]
    assert np.all(out[y0:y1, x0:x1] <= np.maximum(skin, np.percentile(skin.reshape(-1, 3), 50, axis=0)))
