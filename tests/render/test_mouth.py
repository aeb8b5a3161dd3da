"""Mouth interior: teeth one by one in perspective, coloured from the photo."""

import dataclasses

import numpy as np
import pytest

from facetalk.face.landmarks import FACE_OVAL
from facetalk.face.rig import smoothstep
from facetalk.render import mouth as mouth_module
from facetalk.render.mouth import (
    EDGES_UPPER, EX_UPPER_GAP, EX_UPPER_TIP, INCISAL_FROM, N_ROWS, RGB_BLACK, RGB_BLACK_SCALE, RGB_THROAT, ROW_UPPER_F,
    ROW_UPPER_RANK,
    SLOT_OPENING, SYNTHETIC_UPPER_TEETH_MW, TH_LOWER_COVER, TH_UPPER_COVER, TH_UPPER_SHADE, TIP_DROP, MouthPainter, _along_at,
    _photo_gamut, _shade_exponentials, _teeth_edges, _tooth_length_at, lens_opens, lens_wide,
)
from tests.render.mouth_reference import ShadeReference, _teeth_along, _tooth_length, drape_reference

LUMA = np.array([0.299, 0.587, 0.114])


def _teeth_along_compiled(u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rank, f, gap) of the upper row at (N,) `u` as _shade takes them (_along_at over the
    upper row's edges, float32 u, and _shade_exponentials' gap)."""
    u32 = np.asarray(u, np.float32)
    edges, rows = _teeth_edges()[EDGES_UPPER], np.zeros((N_ROWS, len(u32)))
    for i, uu in enumerate(u32):
        rows[ROW_UPPER_RANK, i], rows[ROW_UPPER_F, i] = _along_at(abs(np.float32(2.0) * uu - np.float32(1.0)), uu,
                                                                  edges)
    reach = np.zeros((2, len(u32)), bool)
    reach[1] = True
    ex = _shade_exponentials(u32, np.zeros_like(u32), np.zeros_like(u32), rows, reach, 100.0, synthetic=reach[1],
                             lift=np.zeros_like(u32))
    return rows[ROW_UPPER_RANK].astype(int), rows[ROW_UPPER_F], ex[EX_UPPER_GAP]


def _tooth_length_compiled(rank: np.ndarray, f: np.ndarray) -> np.ndarray:
    """(N,) the upper teeth's length (share of the central incisor's) at `rank`, `f` as _shade's
    _upper_tooth_at takes it (_shade_exponentials' tip power, _tooth_length_at)."""
    rows, reach = np.zeros((N_ROWS, len(f))), np.zeros((2, len(f)), bool)
    rows[ROW_UPPER_RANK], rows[ROW_UPPER_F], reach[1] = rank, f, True
    zeros = np.zeros(len(f), np.float32)
    ex = _shade_exponentials(zeros, zeros, zeros, rows, reach, 100.0, synthetic=reach[1], lift=zeros)
    return np.array([_tooth_length_at(int(r), ex[EX_UPPER_TIP, i], TIP_DROP[int(r)]) for i, r in enumerate(rank)])


def _upper_tooth_shade(painter: MouthPainter, u: np.ndarray, d_upper: np.ndarray, mouth_w: float, *,
                       opening_mw: float = 0.3, lift_mw: float = 0.0) -> np.ndarray:
    """(N,) the synthetic upper teeth's light (1 lit, before _in_shade's warmth) at `u`, `d_upper`
    px below the lip, as _shade's compiled _shade_front works it out, the mouth open `opening_mw`
    mouth widths there and the upper lip raised `lift_mw` (mouth widths) off its place."""
    seen, original = [], mouth_module._shade_teeth

    def record(teeth, tint_lower, tint_upper, rgb, out):
        seen.append(teeth[TH_UPPER_SHADE].copy())
        original(teeth, tint_lower, tint_upper, rgb, out)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mouth_module, "_shade_teeth", record)
        opening = np.full(len(u), opening_mw * mouth_w)
        painter._shade(d_upper, opening - d_upper, opening, u, mouth_w,
                       photo_teeth=(np.zeros(len(u)), np.zeros(len(u))), lip_lift=np.full(len(u), lift_mw * mouth_w))
    return seen[0]


def _lower_row_alone(painter: MouthPainter, u: np.ndarray, d_lower: np.ndarray, opening: float,
                     mouth_w: float, *, lower_show: np.ndarray | None = None, smiling: float = 0.0,
                     widened: float = 1.0) -> np.ndarray:
    """(N, 3) the synthetic lower teeth alone over black at `u`, `d_lower` px over the lower lip of
    an `opening` px tall (`lower_show` (N,), 1 by default; `smiling` 0..1 and `widened` as _shade
    takes them), as _shade's compiled _shade_teeth lays them."""
    return _lower_row_laid(painter, u, d_lower, opening, mouth_w, lower_show=lower_show, smiling=smiling,
                           widened=widened)[1]


def _lower_row_alone_reference(painter: MouthPainter, u: np.ndarray, d_lower: np.ndarray, opening: float,
                               mouth_w: float, *, lower_show: np.ndarray | None = None,
                               smiling: float = 0.0) -> np.ndarray:
    """_lower_row_alone as the numpy ShadeReference lays it (its _lower_teeth over black, its
    shade's inputs as _lower_row_laid's): a test may patch tests.render.mouth_reference's constants
    to see the row without one of its parts, which the compiled kernel (its constants frozen) can't."""
    reference, seen = ShadeReference(painter), []
    original = reference._lower_teeth

    def alone(color, *args, **kwargs):
        seen.append(original(np.zeros_like(color), *args, **kwargs))
        return color

    reference._lower_teeth = alone
    n = len(u)
    reference.shade(np.full(n, opening) - d_lower, d_lower, np.full(n, opening), u, mouth_w,
                    photo_teeth=(np.zeros(n), np.zeros(n)), lower_show=np.ones(n) if lower_show is None else lower_show,
                    lip_lift=np.zeros(n), smiling=smiling)
    return seen[0]


def _lower_row_laid(painter: MouthPainter, u: np.ndarray, d_lower: np.ndarray, opening: float,
                    mouth_w: float, *, lower_show: np.ndarray | None = None, smiling: float = 0.0,
                    widened: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """_lower_row_alone's ((N_TH, N) teeth _shade_front hands _shade_teeth, the (N, 3) colour)."""
    seen, lower_only = _one_row_of_teeth(hide=TH_UPPER_COVER)
    n = len(u)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mouth_module, "_shade_teeth", lower_only)
        painter._shade(np.full(n, opening) - d_lower, d_lower, np.full(n, opening), u, mouth_w,
                       photo_teeth=(np.zeros(n), np.zeros(n)), lower_show=np.ones(n) if lower_show is None else lower_show,
                       lip_lift=np.zeros(n), smiling=smiling, widened=widened)
    return seen[0]


def _one_row_of_teeth(*, hide: int):
    """A stand-in for the compiled _shade_teeth that lays one row alone over black (the other's
    cover, `hide` (TH_UPPER_COVER or TH_LOWER_COVER), taken to 0), and the list it appends each
    call's (_shade_front's (N_TH, N) teeth, the (N, 3) colour) to."""
    seen, original = [], mouth_module._shade_teeth

    def one_row(teeth, tint_lower, tint_upper, rgb, out):
        teeth[hide], out[:] = 0.0, 0.0
        rgb = rgb.copy()
        rgb[RGB_BLACK], rgb[RGB_BLACK_SCALE] = 0.0, 1.0
        original(teeth, tint_lower, tint_upper, rgb, out)
        seen.append((teeth.copy(), out.copy()))

    return seen, one_row


def _taper(painter: MouthPainter, color: np.ndarray, ids: np.ndarray, *, u: np.ndarray, peak_opening: float,
           mouth_w: float, **kwargs) -> None:
    """painter._taper_corners on the (N, 3) `color`, its pixels read at the vertices `ids` (N,),
    `u` (N,) along the mouth taken as across it (|2u - 1|), the lens as open as paint takes it."""
    painter._taper_corners(color, lambda per_vertex, only=slice(None): per_vertex[ids][only],
                           along=2.0 * np.asarray(u, np.float32) - 1.0,
                           opens=lens_opens(peak_opening, mouth_w), peak_opening=peak_opening, mouth_w=mouth_w,
                           **{"verts": None, "jaw_lift": 0.0, **kwargs})


def _cavity(painter: MouthPainter, below: np.ndarray, d_lower: np.ndarray, across: np.ndarray, mouth_w: float, *,
            peak_opening: float | None = None, widened: float = 1.0) -> np.ndarray:
    """(N, 3) the cavity behind tongue and teeth (the reference's _cavity: `below` px under the
    upper teeth, `d_lower` px over the lower lip, `across` 0..1 from mid-mouth, the soft palate by
    `peak_opening`, the lips `widened`: _widened's ratio) as _shade's compiled _shade_back lays it;
    checked against the reference."""
    seen, original = [], mouth_module._shade_back

    def record(*args):
        original(*args)
        seen.append(args[-2].copy())  # `out`

    upper_h, n = SYNTHETIC_UPPER_TEETH_MW * mouth_w, len(below)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mouth_module, "_shade_back", record)
        painter._shade(below + upper_h, d_lower, below + upper_h + d_lower, 0.5 + 0.5 * across, mouth_w,
                       photo_teeth=(np.zeros(n), np.zeros(n)), peak_opening=peak_opening or 0.0, widened=widened)
    opening_mw = (below + upper_h + d_lower) / mouth_w  # a narrow slot lets less light in (SLOT_*)
    reference = ShadeReference(painter)._cavity(below, d_lower, across, mouth_w, peak_opening=peak_opening,
                                                narrow=1.0 - smoothstep(opening_mw, *SLOT_OPENING), widened=widened)
    assert np.allclose(seen[0], reference, rtol=1e-4, atol=1e-3), np.abs(seen[0] - reference).max()
    return seen[0]


def test_teeth_are_separate_and_narrow_toward_the_corners():
    u = np.linspace(0.0, 1.0, 4001)
    rank, f, gap = _teeth_along_compiled(u)
    reference = _teeth_along(u)
    assert np.array_equal(rank, reference[0]) and np.allclose(f, reference[1], atol=1e-5)
    # A gap on the midline between the central incisors, and symmetric ranks about it.
    assert gap[len(u) // 2] > 0.9 and rank[len(u) // 2 + 5] == 0 and rank[len(u) // 2 - 5] == 0
    assert np.array_equal(rank, rank[::-1])
    # Tooth boundaries: where f wraps. Apparent widths shrink from the midline out.
    edges = u[1:][np.diff(f) < -0.5]
    right = np.diff(edges[edges >= 0.5])
    assert len(right) >= 3 and np.all(np.diff(right) < 0)
    # Gaps are narrow: most of the row is tooth.
    assert np.mean(gap > 0.5) < 0.15


def test_tooth_tips_are_rounded_and_incisors_longest():
    f = np.linspace(0, 1, 101)
    central = _tooth_length_compiled(np.zeros(101, int), f)
    assert np.array_equal(central, _tooth_length(np.zeros(101, int), f))
    assert central[50] == central.max() and central[0] < 0.7 * central[50]
    assert _tooth_length_compiled(np.array([3]), np.array([0.5]))[0] \
        < _tooth_length_compiled(np.array([0]), np.array([0.5]))[0]


def test_teeth_colour_comes_from_the_photo_or_its_skin(analysis):
    # The bundled portrait smiles with its teeth: their colour is read from the photo, light.
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    luma = np.array([0.299, 0.587, 0.114])
    assert painter.teeth_rgb @ luma > 180
    # A closed mouth shows only lips and shadow: no teeth colour is read from it.
    lips = np.tile(np.array([[150.0, 80.0, 80.0]]), (60, 1))
    shadow = np.tile(np.array([[60.0, 35.0, 35.0]]), (60, 1))
    assert MouthPainter._photo_teeth(np.vstack([lips, shadow]), skin_luma=140.0) is None
    teeth = np.tile(np.array([[215.0, 205.0, 190.0]]), (30, 1))
    got = MouthPainter._photo_teeth(np.vstack([lips, shadow, teeth]), skin_luma=140.0)
    assert np.allclose(got, teeth[0])


def test_lips_pressed_over_photographed_teeth_meet_along_a_dark_line(analysis):
    """The bundled portrait smiles with its teeth: pressed shut, the lips meet along a line
    darker than the lips on either side (no teeth, no light seam between them)."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    renderer = Renderer(analysis)
    frame = MotionFrame(t_s=0, jaw_open=0.04, lip_press=1.0)
    out = renderer.render(frame).astype(float)
    verts = posed_vertices(analysis.rig, frame)
    luma = out @ np.array([0.299, 0.587, 0.114])
    pairs = list(zip(lm.LIPS_INNER_UPPER, lm.LIPS_INNER_LOWER))[3:-3]  # mid-mouth
    for upper, lower in pairs:
        x, y = np.round(0.5 * (verts[upper, :2] + verts[lower, :2])).astype(int)
        on_line = luma[y - 1:y + 2, x].min()
        lips = min(luma[y - 5, x], luma[y + 5, x])
        assert on_line < lips - 10  # a visible line, not a drawn one (the seam is lip and throat colour)


def test_f_and_v_leave_the_upper_teeth_showing_over_the_lower_lip(analysis):
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import LABIODENTAL_GAP, posed_vertices

    rig = analysis.rig
    mid = len(lm.LIPS_INNER_UPPER) // 2
    upper, lower = lm.LIPS_INNER_UPPER[mid], lm.LIPS_INNER_LOWER[mid]

    def gap(**params):
        v = posed_vertices(rig, MotionFrame(t_s=0, **params))
        return float(np.linalg.norm(v[lower, :2] - v[upper, :2]))

    assert gap(jaw_open=0.3, lip_press=1.0) < 0.5  # p, b, m: shut
    assert gap(jaw_open=0.3, lip_press=1.0, upper_lip_raise=0.9) < 0.5  # and shut in disgust too
    # f, v (the lip model's targets: jaw 0.08, press 0.55, upper lip raised 0.45): the lower lip
    # stops at the upper teeth, which show between the lips.
    f = gap(jaw_open=0.08, lip_press=0.55, upper_lip_raise=0.45)
    assert f > 0.02 * rig.mouth_width_px
    assert f > gap(jaw_open=0.08, lip_press=0.55) + 0.5 * 0.45 * LABIODENTAL_GAP * rig.mouth_width_px


def test_a_raised_tongue_tip_shows_under_the_upper_teeth_mid_mouth_only(analysis):
    """t d n l: the tongue tip rises to the back of the upper teeth. In the middle of the opening,
    just under the teeth, it replaces dark cavity with lit tongue; at the corners nothing changes."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    renderer = Renderer(analysis)
    low = renderer.render(MotionFrame(t_s=0, jaw_open=0.6)).astype(float)
    tip = renderer.render(MotionFrame(t_s=0, jaw_open=0.6, tongue_tip=1.0)).astype(float)
    verts = posed_vertices(analysis.rig, MotionFrame(t_s=0, jaw_open=0.6))
    mid = len(lm.LIPS_INNER_UPPER) // 2
    upper, lower = verts[lm.LIPS_INNER_UPPER[mid], :2], verts[lm.LIPS_INNER_LOWER[mid], :2]
    # The upper half of the opening below the teeth, mid-mouth.
    x = int(round(0.5 * (upper[0] + lower[0])))
    ys = np.arange(int(upper[1] + 0.35 * (lower[1] - upper[1])), int(upper[1] + 0.6 * (lower[1] - upper[1])))
    luma = np.array([0.299, 0.587, 0.114])
    assert (tip[ys, x] @ luma).mean() > (low[ys, x] @ luma).mean() + 15  # lit tongue, not throat
    assert (tip[ys, x, 0] - tip[ys, x, 2]).mean() > 20  # and red-pink, not grey
    corner = np.round(verts[lm.LIPS_INNER_UPPER[1], :2] * 0.5 + verts[lm.LIPS_INNER_LOWER[1], :2] * 0.5).astype(int)
    y0, x0 = corner[1], corner[0]
    assert np.abs(tip[y0 - 1:y0 + 2, x0 - 1:x0 + 2] - low[y0 - 1:y0 + 2, x0 - 1:x0 + 2]).max() < 3
    # Resting (0) is the default: the same frame as before the parameter existed.
    assert np.array_equal(renderer.render(MotionFrame(t_s=0, jaw_open=0.6, tongue_tip=0.0)), low.astype(np.uint8))


def test_a_monochrome_photo_gets_a_mouth_in_its_own_hue(analysis):
    """A sepia or grey photo has no red anywhere: its throat and tongue keep the lips' hue
    instead of turning into the only red in the picture. A colour photo's stay red."""
    chroma = lambda rgb: float(np.ptp(rgb)) / float(np.mean(rgb))  # noqa: E731
    colour = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    grey_image = np.repeat((analysis.image @ np.array([0.299, 0.587, 0.114]))[..., None], 3, axis=2)
    grey = MouthPainter(analysis.rig, grey_image.astype(np.uint8), analysis.appearance.grain)
    assert chroma(colour.throat_rgb) > 0.3 and chroma(colour.tongue_rgb) > 0.3
    assert chroma(grey.throat_rgb) < 0.02 and chroma(grey.tongue_rgb) < 0.02
    assert abs(float(grey.throat_rgb.mean()) - float(colour.throat_rgb.mean())) < 15  # as dark


def test_wide_open_mouth_is_dark_above_a_lit_tongue_with_lower_teeth(analysis):
    """Open vowel: mid-mouth, from the upper teeth down, the cavity is dark, the tongue resting low
    is lit at its front, and the lower incisors' tips show just over the lower lip."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    frame = MotionFrame(t_s=0, jaw_open=1.0)
    out = Renderer(analysis).render(frame).astype(float) @ np.array([0.299, 0.587, 0.114])
    verts = posed_vertices(analysis.rig, frame)
    mid = len(lm.LIPS_INNER_UPPER) // 2
    (x, top), (_, bottom) = verts[lm.LIPS_INNER_UPPER[mid], :2], verts[lm.LIPS_INNER_LOWER[mid], :2]
    x, opening = int(round(x)), bottom - top
    column = lambda a, b: out[int(top + a * opening):int(top + b * opening) + 1, x - 1:x + 2]  # noqa: E731
    cavity, tongue = column(0.4, 0.55).mean(), column(0.72, 0.85).mean()
    assert cavity < 60 and tongue > cavity + 25
    # The tongue reads as a tongue, lit about like the lips (luma 170 here), not as more of the
    # dark cavity (0.5 of the lips before).
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    assert tongue > 0.6 * float(painter._lip_rgb @ np.array([0.299, 0.587, 0.114]))
    # The cavity darkens with depth: lightest just under the upper teeth (their backs and the
    # palate's front, where the light comes in), darkest in the middle (the soft palate, the
    # throat), not one flat colour.
    profile = column(0.3, 0.6).mean(axis=1)
    assert profile[:2].mean() > profile.min() + 10 and np.argmin(profile) > 2
    # Lower teeth: lighter than the tongue behind them, within 0.05 mouth widths of the lip.
    tips = out[int(bottom - 0.05 * analysis.rig.mouth_width_px):int(bottom), x - 1:x + 2].max()
    assert tips > tongue + 20


def _mid_mouth_columns(analysis, frame) -> tuple[float, list[tuple[np.ndarray, float, float, np.ndarray]]]:
    """The synthetic teeth's luma, and for three inner-lip pairs mid-mouth of `frame` rendered on
    `analysis`: the rows from the upper inner lip to the lower (ceil(top)..floor(bottom)), the two
    lips' y in px, and the (rows, 3) colours there, averaged over 3 columns."""
    from facetalk.face import landmarks as lm
    from facetalk.render.renderer import Renderer, posed_vertices

    out = Renderer(analysis).render(frame).astype(float)
    verts = posed_vertices(analysis.rig, frame)
    teeth = float(MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain).teeth_rgb @ LUMA)
    columns = []
    for k in (4, 5, 6):
        (x, top), (_, bottom) = verts[lm.LIPS_INNER_UPPER[k], :2], verts[lm.LIPS_INNER_LOWER[k], :2]
        rows = np.arange(int(np.ceil(top)), int(np.floor(bottom)) + 1)
        columns.append((rows, float(top), float(bottom), out[rows, int(round(x)) - 1:int(round(x)) + 2].mean(axis=1)))
    return teeth, columns


def test_a_parted_smile_shows_the_tongue_between_the_rows(analysis):
    """A smile with the jaw dropped (the rows 0.19 mouth widths apart on the bundled portrait): the
    lower part of the gap between the rows shows the tongue, dimly lit and red, as in real smiles,
    not a dark band from row to row (luma 45 mid-mouth before, a fifth of the teeth)."""
    from facetalk.motion.frame import MotionFrame

    frame = MotionFrame(t_s=0, smile=1.0, upper_lip_raise=0.3, jaw_open=0.4, lip_spread=0.3)
    teeth, columns = _mid_mouth_columns(analysis, frame)
    for rows, top, bottom, column in columns:
        band = column[((rows - top) / (bottom - top) > 0.5) & ((rows - top) / (bottom - top) < 0.8)]
        assert (band @ LUMA).mean() > 0.3 * teeth and (band[:, 0] - band[:, 2]).mean() > 40
        assert (band @ LUMA).mean() < 0.7 * teeth  # in the mouth's shade, not lit like the teeth


def test_the_resting_tongue_has_a_groove_and_a_wet_front(analysis):
    """Wide open (0.5 mouth widths), the tongue's surface: a median groove (darker mid-mouth than
    either side), and its front, lit and moist, lighter than its back, which turns a deeper red:
    only near its top, a wide opening lighting the rest of it (TONGUE_LIT_POWER)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    luma = np.array([0.299, 0.587, 0.114])
    mouth_w, opening = 80.0, 0.5 * 80.0
    u = np.linspace(0.35, 0.65, 61)
    none = np.zeros_like(u)

    def row(d_lower: float) -> np.ndarray:
        return painter._shade(np.full_like(u, opening - d_lower), np.full_like(u, d_lower), np.full_like(u, opening),
                              u, mouth_w, photo_teeth=(none, none))

    back = row(0.14 * mouth_w) @ luma
    assert back[30] < back[24] - 4 and back[30] < back[36] - 4  # the groove, mid-mouth
    # Its top, where the luma is darkest up from the lip (its top turns down into the throat's dark
    # there, TONGUE_INTO), measured: a sample at a fixed height moved off the tongue whenever its
    # share of the gap or its rim changed.
    d = np.arange(0.1 * mouth_w, 0.35 * mouth_w, 0.25)
    up = np.array([row(x)[22] @ luma for x in d])
    top = d[np.argmin(up)]
    assert 0.2 * mouth_w < top < 0.28 * mouth_w  # 0.25 mouth widths
    # At 0.7 of its height, where it takes about a quarter of the cavity's colour behind it
    # (TONGUE_INTO), still tongue, dimmer than its front and redder ((R - B) / luma up by 0.048).
    front, rear = row(0.07 * mouth_w)[22], row(0.7 * top)[22]
    assert front @ luma > rear @ luma + 20 and rear @ luma > 50
    redness = lambda rgb: (rgb[0] - rgb[2]) / (rgb @ luma)  # noqa: E731
    assert redness(rear) > redness(front) + 0.04


def test_a_wide_open_mouth_darkens_down_to_the_tongues_top_and_rises_softly_into_it(analysis):
    """Down mid-mouth from the upper teeth a wide-open mouth (0.5 mouth widths, mouth 80 px) only
    darkens to its darkest point (the oral space's dark over the tongue's back), then the tongue rises
    out of it soft but defined, a horizon: at least a third of its rise over the next 0.1 mouth widths
    within the first 0.03 (TONGUE_INTO_WIDE; at 926ef9b 0.24, its top fading into the dark over the
    whole 0.1 read as no tongue top, judge38), at most 29 levels a px (lit to its top edge it would rise
    36, a hard drawn edge on the near-black; 16 before cavity39, its top then 0.9 the dark's colour)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, opening, step = 80.0, 40.0, 0.25
    d = np.arange(opening, 0.0, -step)  # px over the lower lip, from the upper lip down
    none = np.zeros_like(d)
    luma = painter._shade(opening - d, d, np.full_like(d, opening), np.full_like(d, 0.46), mouth_w,
                          photo_teeth=(none, none)) @ LUMA
    darkest = int(np.argmin(luma))
    assert darkest > 0, luma[:5]  # darker somewhere under the teeth than at the upper lip
    teeth = int(np.argmax(luma[:darkest]))  # the upper teeth's lit edge
    assert np.diff(luma[teeth:darkest + 1]).max() <= 1e-6, np.diff(luma[teeth:darkest + 1]).max()
    into = luma[darkest:darkest + int(0.1 * mouth_w / step) + 1]
    assert into[-1] > into[0] + 40, into  # it does rise into a lit tongue
    rise = into - into[0]
    assert rise[int(0.03 * mouth_w / step)] > rise[-1] / 3.0, rise[int(0.03 * mouth_w / step)] / rise[-1]
    # LOOSENED in cavity43 28 -> 29: the taller tongue (TONGUE_SHARE_WIDE 0.45 -> 0.5) rises 28.1 a px, 27.3 at ae31b14
    assert np.diff(into).max() / step < 29.0, np.diff(into).max() / step


def test_a_wide_open_mouths_tongue_fills_over_half_its_middle_under_a_warm_dark(analysis):
    """Wide open (0.5 mouth widths, mouth 80 px), mid-mouth: the resting tongue's body fills over half the
    column from lip to lip (TONGUE_SHARE_WIDE; 0.494 at ae31b14, a low arc under a black band, issue 13; 0.531
    now), and the oral space over it is a warm near-black, not a grey one (WALL_DEEP_CHROMA: its darkest's red
    over green 1.18 at ae31b14, 1.35 now; luma 3.5 -> 3.7), still under luma 15."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, opening, step = 80.0, 40.0, 0.25
    d = np.arange(opening, 0.0, -step)  # px over the lower lip, from the upper lip down
    none, cover = np.zeros_like(d), np.zeros_like(d)
    rgb = painter._shade(opening - d, d, np.full_like(d, opening), np.full_like(d, 0.5), mouth_w,
                         photo_teeth=(none, none), tongue_cover=cover)
    assert (cover >= 0.5).mean() > 0.515, (cover >= 0.5).mean()
    darkest = rgb[int(np.argmin(rgb @ LUMA))]
    assert darkest @ LUMA < 15.0, darkest
    assert darkest[0] > 1.3 * darkest[1], darkest


def test_photo_teeth_in_one_row_are_split_between_the_jaws(analysis):
    """The bundled portrait's teeth fill its opening from lip to lip, the rows touching: the upper
    row hangs from the upper lip, the lower row's share from the lower lip (so a jaw that drops
    carries its own teeth down), and the two meet with nothing left between them."""
    from facetalk.face import landmarks as lm
    from facetalk.render.mouth import UPPER_ROW_SHARE, _rows_split, _run_from_start

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    upper = list(lm.LIPS_INNER_UPPER[1:-1])
    gap = painter._rest_gap[upper]
    assert np.allclose(painter._own_upper[upper], UPPER_ROW_SHARE * gap)
    lower = list(lm.LIPS_INNER_LOWER[1:-1])
    assert np.allclose(painter._own_lower[lower], (1.0 - UPPER_ROW_SHARE) * painter._rest_gap[lower])
    # A block with a dark line at its biting edge is split there; one without, at the default.
    profile = np.full(33, 220.0)
    profile[18:21] = 150.0
    assert _rows_split(profile) == pytest.approx(19 / 32)
    assert _rows_split(np.full(33, 220.0)) is None  # no line: UPPER_ROW_SHARE, a guess
    assert painter._lower_guessed
    # A run of teeth from the lip, then the dark gap, then the lower teeth: the run's end.
    flags = np.array([0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1], bool)
    assert _run_from_start(flags, within=0.3) == 0.5
    assert _run_from_start(flags[::-1], within=0.3) == 0.2
    assert _run_from_start(np.array([0, 0, 0, 0, 0, 1, 1, 0], bool), within=0.3) == 0.0  # none near the lip


def test_a_narrow_opening_over_photographed_teeth_shows_no_dark_crescent(analysis):
    """/i/ on the bundled portrait (teeth together in the photo): the jaw drops a little. Just
    above the lower lip lower teeth show, lighter; the dark is a line between the rows, not a
    crescent between the upper teeth and the lower lip. They are the synthetic lower teeth's tips
    now (the photo's guessed lower share rode on the lip as a pale band), in the lower lip's
    shadow and as tall as the opening makes them: 24 levels or more over the dark line, not the
    45 the photo's share stood over it."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    frame = MotionFrame(t_s=0, jaw_open=0.2, lip_spread=0.75)
    out = Renderer(analysis).render(frame).astype(float) @ np.array([0.299, 0.587, 0.114])
    verts = posed_vertices(analysis.rig, frame)
    for k in (4, 5, 6):  # mid-mouth
        (x, top), (_, bottom) = verts[lm.LIPS_INNER_UPPER[k], :2], verts[lm.LIPS_INNER_LOWER[k], :2]
        rows = np.arange(int(np.ceil(top)), int(np.floor(bottom)))
        column = out[rows, int(round(x)) - 1:int(round(x)) + 2].mean(axis=1)
        share = (rows - top) / (bottom - top)
        darkest = share[np.argmin(column)]
        assert 0.3 < darkest < 0.75
        # The synthetic tips: 23.6-50.8 levels over the dark line, 0.55-0.61 of the column's
        # lightest (0.62-0.67 while a guessed lower row took a broad smile's taller tips).
        assert column[share > 0.8].mean() > max(column.min() + 20, 0.5 * column.max())


def test_a_guessed_lower_row_hands_over_to_synthetic_lower_teeth(analysis, monkeypatch):
    """The bundled portrait's teeth touch with no dark line between the rows, so its lower row's
    share (UPPER_ROW_SHARE) is a guess, as often the upper row's biting edge: hung from the parting
    lower lip it rode on it as an even pale band (12's /i/ at 2x). Where the lips part, the frame is
    the one drawn with no photo's lower share at all (before: 494 px differed by over 2 levels, by
    up to 104); the synthetic lower teeth stand there."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    painter = renderer._mouth
    assert painter._lower_guessed
    frame = MotionFrame(t_s=0, jaw_open=0.2, lip_spread=0.75)
    drawn = renderer.render(frame)
    own_lower = painter._own_lower
    painter._own_lower = np.zeros_like(own_lower)
    try:
        without = renderer.render(frame)
    finally:
        painter._own_lower = own_lower
    assert np.array_equal(drawn, without), int((np.abs(drawn.astype(int) - without).max(axis=2) > 2).sum())
    # The synthetic tips are drawn there: without them 103 px over the lower lip are darker by
    # over 10 levels (by up to 43).
    # (Knocked out of _shade's last compiled pass: no lower teeth's cover.)
    lay_teeth = mouth_module._shade_teeth

    def no_lower_teeth(teeth, *args):
        teeth[TH_LOWER_COVER] = 0.0
        lay_teeth(teeth, *args)

    monkeypatch.setattr(mouth_module, "_shade_teeth", no_lower_teeth)
    lighter = (drawn.astype(float) - renderer.render(frame)) @ LUMA
    assert (lighter > 10).sum() >= 60 and lighter.max() > 30, ((lighter > 10).sum(), lighter.max())


def test_shading_keeps_synthetic_teeth_warm(analysis):
    """A closed-mouth photo gets teeth in a tone matched to its skin. Shading them (the upper lip's
    shadow, the corners' depth, the gaps, the translucent biting edge) must not cool that tone: a
    darkened or blue-tinted ivory reads grey-blue next to warm skin. Every upper-tooth pixel of a
    wide opening above its translucent biting edge is at least as warm ((R - B) / luma) as the tone
    itself; the edge, cooler by enamel's scatter (INCISAL_COOL) and taking only UPPER_SHADE_WARMTH of
    the shade's warmth, within 0.02 of it (0.014 under at 0.4)."""
    luma = np.array([0.299, 0.587, 0.114])
    warmth = lambda rgb: (rgb[..., 0] - rgb[..., 2]) / (rgb @ luma)  # noqa: E731
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))  # lips and their shadow
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    assert not painter._own_teeth
    mouth_w, opening = 80.0, 40.0
    u, d_upper = (g.ravel() for g in np.meshgrid(np.linspace(0.1, 0.9, 81), np.linspace(0.2, 7.5, 30)))
    none = np.zeros_like(u)
    rgb = painter._shade(d_upper, opening - d_upper, np.full_like(u, opening), u, mouth_w, photo_teeth=(none, none))
    above_edge = d_upper < INCISAL_FROM[0] * (1.0 - TIP_DROP.max()) * SYNTHETIC_UPPER_TEETH_MW * mouth_w
    assert warmth(rgb[above_edge]).min() >= warmth(painter.teeth_rgb) - 0.005
    assert warmth(rgb).min() >= warmth(painter.teeth_rgb) - 0.02
    # ... and the top, in the lip's shadow, does take some warmth (with none it sits at the tone).
    assert warmth(rgb[d_upper < 1.0]).mean() >= warmth(painter.teeth_rgb) + 0.03


def test_an_opening_lips_sag_toward_its_corners_covers_half_as_much_of_the_synthetic_upper_teeth(analysis):
    """The synthetic upper teeth stay on the skull and a lowered lip covers them (_teeth_lift), all
    of an even lowering (fear's lip drawn down) and of one deepest mid-mouth, but of an opening
    lip's sag toward its corners (its lowering past the midline's) only UPPER_SAG_COVER: with all of
    it the wide vowel's row was cut off from the centrals' outer halves out (short lozenges)."""
    from facetalk.render.mouth import UPPER_SAG_COVER

    painter = MouthPainter(analysis.rig, _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),)),
                           analysis.appearance.grain)
    assert not painter._own_teeth
    rest, ids = analysis.rig.rest_xyz, painter._lip_ids
    x = rest[ids, 0]
    across = np.abs(2.0 * (x - x.min()) / np.ptp(x) - 1.0)
    mouth_w = float(np.ptp(x))
    for lowered, expect in ((np.full(len(ids), 4.0), np.full(len(ids), -4.0)),  # px down: even
                            (5.0 - 3.0 * across ** 2, -(5.0 - 3.0 * across ** 2)),  # deepest mid-mouth
                            (1.0 + 6.0 * across ** 2, -(1.0 + UPPER_SAG_COVER * 6.0 * across ** 2))):  # a sag
        verts = rest.copy()
        verts[ids, 1] += lowered
        lift = painter._teeth_lift(lambda v: v, verts, mouth_w=mouth_w, lip_on_skull_xy=None, widened=1.0)
        np.testing.assert_allclose(lift[ids], expect, atol=0.05)  # (V,): the identity for interp


def test_synthetic_upper_teeth_in_the_lips_shadow_stay_tooth_coloured_under_a_red_lip(analysis):
    """The synthetic upper row takes only UPPER_SHADE_WARMTH of _in_shade's warmth: under a strongly
    red lip (07's, shade tint (2.19, 0.51, 0.39)) its top in the lip's shadow turns grey-brown, not
    lip red. With the whole warmth it drew a red frame round pale lozenges (judge33 e): redness
    (R - G) / R there 0.46 against the tone's 0.08 (0.26 at UPPER_SHADE_WARMTH 0.4); the lit middle
    0.27 (0.16)."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    lip = np.array([170.0, 40.0, 30.0])
    painter._shade_tint = lip / (lip @ np.array([0.299, 0.587, 0.114]))
    d_upper = np.array([0.2, 4.0], np.float32)  # the top, in the lip's shadow, and the lit middle
    u = np.full(2, 0.45, np.float32)
    none = np.zeros_like(u)
    rgb = painter._shade(d_upper, 40.0 - d_upper, np.full_like(u, 40.0), u, 80.0, photo_teeth=(none, none))
    red = (rgb[:, 0] - rgb[:, 1]) / rgb[:, 0] - (painter.teeth_rgb[0] - painter.teeth_rgb[1]) / painter.teeth_rgb[0]
    assert red[0] < 0.2 and red[1] < 0.12, red


def test_inner_lip_edge_is_anti_aliased(analysis):
    """The opening's coverage ramps from none at the inner lip line to whole a pixel inside it, not
    in the raster's whole-pixel steps: fractional only along the rim, full inside; at the corners
    too (a corner pixel entered the raster whole: a jaw held at 1 +- 0.0005 stepped 17 levels)."""
    import cv2

    from facetalk.face.rig import MATERIAL_CAVITY
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices
    from facetalk.render.sampling import material_lookup

    renderer = Renderer(analysis)
    frame = MotionFrame(t_s=0, jaw_open=0.8)
    renderer.render(frame)
    buf, rig = renderer._buffers, analysis.rig
    mask = material_lookup(rig.material)[buf.tri_id] == MATERIAL_CAVITY
    ys, xs = np.nonzero(mask)
    tri_index = buf.tri_id[ys, xs]
    b = buf.bary[ys, xs]
    weights = np.column_stack([b, 1.0 - b.sum(axis=1)])
    t = (weights * rig.cavity_t[rig.triangles[tri_index]]).sum(axis=1)
    coverage = renderer._mouth._edge_coverage(posed_vertices(rig, frame), tri_index, t, px=xs, py=ys)
    rim = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 3)[ys, xs]
    assert np.all((coverage >= 0) & (coverage <= 1))
    assert coverage[rim <= 1].min() < 0.3  # the raster's last pixels (0.5 when the edge was the line)
    partial = coverage < 0.99
    assert 0.02 < partial.mean() < 0.5
    assert np.all(rim[partial] <= 2.5) and np.all(coverage[rim >= 3] > 0.99)


def test_gaps_between_teeth_open_toward_their_tips(analysis):
    """Neighbouring teeth touch near the gum and part toward the biting edge: the gap between
    them is darker just above its teeth's tips (the central incisor's corner ends at 0.65 of its
    length) than near the lip; mid-tooth the colour barely changes."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = 80.0
    height = SYNTHETIC_UPPER_TEETH_MW * mouth_w
    d_lip = np.array([0.2, 0.6, 0.2, 0.6]) * height
    edge = _teeth_edges()[EDGES_UPPER][1]  # between the central and the lateral incisor
    u = 0.5 + 0.5 * np.array([edge, edge, 0.5 * edge, 0.5 * edge])  # the gap, mid-tooth
    light = _upper_tooth_shade(painter, u, d_lip, mouth_w)
    assert light[1] < 0.7 * light[0], light
    assert light[3] > 0.9 * light[2], light


def test_an_upper_gap_is_a_notch_at_the_biting_edge_not_a_line_to_the_gum(analysis):
    """Upper teeth touch toward the gum: there the gap between the central and the lateral incisor is
    the soft valley where their rounded sides meet and a faint contact line, over 0.68 of the light
    of the central's own middle at the same height (UPPER_PARTING[0]: 0.69 now; 0.659 when a gap was
    ruled from lip to edge, piano keys, judge32b on 07, 05, 06) and within 15% of a tenth of a tooth
    in from it; near the tips it is the dark behind, a notch over 30% darker than that flank."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = 80.0
    height = SYNTHETIC_UPPER_TEETH_MW * mouth_w
    edges = _teeth_edges()[EDGES_UPPER]
    flank = edges[1] - 0.1 * (edges[1] - edges[0])  # a tenth of the central incisor in from the gap
    middle = 0.5 * (edges[0] + edges[1])
    u = 0.5 + 0.5 * np.array([edges[1], flank, middle, edges[1], flank])
    light = _upper_tooth_shade(painter, u, np.array([0.15, 0.15, 0.15, 0.6, 0.6]) * height, mouth_w)
    assert light[0] > 0.68 * light[2] and light[0] > 0.85 * light[1], light
    assert light[3] < 0.7 * light[4], light


def test_a_raised_lip_bares_the_synthetic_upper_teeths_necks_parted(analysis):
    """A smile's lip raised 0.08 mouth widths off its place shows the teeth's upper half, above any
    notch: there, toward their necks, the gap between the central and the lateral incisor opens into
    the embrasure (UPPER_EMBRASURE, UPPER_NECK), under 0.55 of the light of the central's middle
    just under the raised lip (0.69 with contact lines alone: the smile's strip was one grey band,
    judge34) and wider (a tenth of a tooth in from it 10% darker than beside a lip at its place).
    The wedge goes with the teeth, not the lip (the same at the same place on the skull under a lip
    raised less), and is gone at the lip's place: there only the contact line, as under an unraised
    lip (test_an_upper_gap_is_a_notch_at_the_biting_edge_not_a_line_to_the_gum)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = 100.0
    edges = _teeth_edges()[EDGES_UPPER]
    flank = edges[1] - 0.1 * (edges[1] - edges[0])
    u = 0.5 + 0.5 * np.array([edges[1], flank, 0.5 * (edges[0] + edges[1])])  # the gap, its flank, mid-central

    def ratios(lift_mw: float, d_mw: float) -> np.ndarray:
        light = _upper_tooth_shade(painter, u, np.full(3, d_mw * mouth_w), mouth_w, opening_mw=0.3, lift_mw=lift_mw)
        return light[:2] / light[2]

    raised, at_place = ratios(0.08, 0.01), ratios(0.0, 0.01)
    # (At a lip's place the gap is the contact line's alone, 0.690 under either lip: the 0.68 bounds
    # here and below guard that the wedge stays off there, 0.01 under that value.)
    assert raised[0] < 0.55 and at_place[0] > 0.68, (raised, at_place)
    assert raised[1] < 0.9 * at_place[1], (raised, at_place)
    # Fixed to the skull, not the lip (a wedge hung at a fixed depth under the lip fails this). With
    # no wedge at all it holds too: the bounds above test the wedge itself.
    np.testing.assert_allclose(ratios(0.06, 0.02), ratios(0.08, 0.04), rtol=1e-4)
    assert ratios(0.08, 0.08)[0] > 0.68, ratios(0.08, 0.08)


def test_a_smiles_upper_teeth_end_in_a_biting_edge_over_the_lower_lip_along_its_curve(analysis):
    """A smile's lip raised 0.08 mouth widths over an opening of 0.06-0.08 (a closed-mouth photo's
    smile) shows the synthetic upper teeth ending just above the lower lip (SMILE_ARC_SLIT), not
    running on under it: under the central's edge a slit darker than the tooth 3 px above it, and the
    edge moving with the lower lip (0.02 mouth widths lower opening, the edge that much higher: the
    smile arc). Under a lip at its place (/i/) the teeth run on behind the lower lip."""
    from facetalk.render.mouth import SMILE_ARC_SLIT

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = 100.0
    mid_central = 0.5 + 0.25 * _teeth_edges()[EDGES_UPPER][1]

    def column(opening_mw: float, lift_mw: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        d = np.arange(0.0, opening_mw * mouth_w, 0.25, dtype=np.float32)
        seen, original = [], mouth_module._shade_teeth

        def record(teeth, tint_lower, tint_upper, rgb, out):
            seen.append(teeth[TH_UPPER_COVER].copy())
            original(teeth, tint_lower, tint_upper, rgb, out)

        opening = np.full(d.size, opening_mw * mouth_w, np.float32)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(mouth_module, "_shade_teeth", record)
            rgb = painter._shade(d, opening - d, opening, np.full(d.size, mid_central, np.float32), mouth_w,
                                 photo_teeth=(np.zeros(d.size), np.zeros(d.size)),
                                 lip_lift=np.full(d.size, lift_mw * mouth_w, np.float32))
        return d, seen[0], rgb @ np.array([0.299, 0.587, 0.114])

    edges = []
    for opening_mw in (0.08, 0.06):
        d, cover, luma = column(opening_mw, 0.08)
        edge = d[np.flatnonzero(cover > 0.5)[-1]]
        edges.append(edge)
        room = opening_mw * mouth_w - edge
        assert 0.5 * SMILE_ARC_SLIT * mouth_w < room < 2.0 * SMILE_ARC_SLIT * mouth_w, (opening_mw, edge)
        slit = luma[np.argmin(np.abs(d - (edge + 1.0)))]
        tooth = luma[np.argmin(np.abs(d - (edge - 3.0)))]
        assert slit < 0.8 * tooth, (opening_mw, slit, tooth)
    assert abs((edges[0] - edges[1]) - 0.02 * mouth_w) < 0.75, edges
    d, cover, _ = column(0.08, 0.0)  # a lip at its place: the teeth run on behind the lower lip
    assert cover[-1] > 0.99, cover[-4:]


def test_a_smiles_shortened_upper_teeth_touch_over_most_of_their_height_and_part_toward_the_edge(analysis):
    """On a smile's strip (the lip raised 0.06 mouth widths over an opening of 0.07: the smile arc
    leaves the central the opening less SMILE_ARC_SLIT, half its length) the notch and the
    embrasure are measured against what shows: just inside a central beside its gap, 0.3 of the
    way down the shown tooth, the gap keeps over half the tooth's light (the crowns touch; 0.29
    measured against the full length: dark from the lip to the edge, each tooth a pill), and half
    way down, by the rounded corner, it parts darker (under 0.85 of that)."""
    from facetalk.render.mouth import SMILE_ARC_SLIT

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, opening_mw = 100.0, 0.07
    shown = (opening_mw - SMILE_ARC_SLIT) * mouth_w
    edge = _teeth_edges()[EDGES_UPPER][1]
    u = 0.5 + 0.5 * np.array([0.5 * edge, 0.97 * edge])  # mid central; inside it, beside its gap

    def gap_share(d_shown: float) -> float:
        light = _upper_tooth_shade(painter, u, np.full(2, d_shown * shown), mouth_w, opening_mw=opening_mw,
                                   lift_mw=0.06)
        return float(light[1] / light[0])

    touching, parting = gap_share(0.3), gap_share(0.5)
    assert touching > 0.5, touching
    assert parting < 0.85 * touching, (touching, parting)


def _upper_row_alone(painter: MouthPainter, u: np.ndarray, d_upper: np.ndarray, mouth_w: float) -> tuple[np.ndarray, np.ndarray]:
    """The synthetic upper teeth alone over black at `u`, `d_upper` px below the lip of a mouth open
    0.3 mouth widths, as _shade's compiled _shade_teeth lays them: (_shade_front's (N_TH, N) teeth,
    the (N, 3) colour)."""
    seen, upper_only = _one_row_of_teeth(hide=TH_LOWER_COVER)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mouth_module, "_shade_teeth", upper_only)
        opening = np.full(len(u), 0.3 * mouth_w)
        painter._shade(d_upper, opening - d_upper, opening, u, mouth_w,
                       photo_teeth=(np.zeros(len(u)), np.zeros(len(u))), lip_lift=np.zeros(len(u)))
    return seen[0]


def test_an_upper_tooths_translucent_edge_starts_unevenly_and_is_cooler(analysis):
    """The translucent biting edge (TH_INCISAL) of the synthetic upper teeth starts at a different
    share of each tooth's length (INCISAL_UNEVEN: 0.60-0.75 mid-tooth on the centrals and laterals
    each side, over 0.1 apart; 0 apart as one even band, a pale tile's rim) and higher at a tooth's
    rounded sides (INCISAL_SIDES: 0.05 higher 0.15 of the way in); there the colour laid turns
    bluer over its luma toward the tip (INCISAL_COOL: 1.04x mid-tooth's at 0.95 of the central's
    length; 0.99 if the edge kept the tooth's own hue over the warm mouth's)."""
    from facetalk.render.mouth import TH_INCISAL

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = 200.0
    d = np.linspace(0.0, 1.3 * SYNTHETIC_UPPER_TEETH_MW * mouth_w, 2601)
    e = _teeth_edges()[EDGES_UPPER]
    starts, cooler = [], []
    for at in (0.5 * (e[0] + e[1]), -0.5 * (e[0] + e[1]), 0.5 * (e[1] + e[2]), -0.5 * (e[1] + e[2]),
               e[0] + 0.15 * (e[1] - e[0])):  # mid-tooth on four teeth, then the first's side
        teeth, rgb = _upper_row_alone(painter, np.full(d.size, 0.5 + 0.5 * at, np.float32), d.astype(np.float32), mouth_w)
        cover = teeth[TH_UPPER_COVER]
        tip = float(np.interp(0.5, cover[::-1], d[::-1])) + 0.5  # cover is 1 down to a px above its tip
        starts.append(float(d[np.nonzero((teeth[TH_INCISAL] <= 0.0) & (cover > 0.0))[0].max()]) / tip)
        blue = rgb[:, 2] / np.maximum(rgb @ LUMA, 1e-9)
        cooler.append(float(np.interp(0.95 * tip, d, blue)) / float(np.interp(0.5 * tip, d, blue)))
    assert max(starts[:4]) - min(starts[:4]) > 0.1 and starts[4] < starts[0] - 0.03, starts
    assert cooler[0] > 1.02, cooler


def test_a_narrow_slots_synthetic_teeth_lie_in_the_lips_shade(analysis):
    """A mouth open a few mm (fear's, /i/, /l/) is a slot under the upper lip's overhang: its
    synthetic upper teeth are dimmer than a wide-open mouth's, the narrower the more, lit
    mid-mouth where the light comes in straight and darker toward the corners, and the gaps
    between them, seen in that shade, shallower notches (lit as in a wide-open mouth, 07's were a
    row of white bricks, one tone end to end). A lip raised off them (a smile) bares them to the
    light again."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = 100.0
    height = SYNTHETIC_UPPER_TEETH_MW * mouth_w
    edges = _teeth_edges()[EDGES_UPPER]
    # Mid central incisor, the gap beside it, mid canine.
    u = 0.5 + 0.5 * np.array([0.5 * edges[1], edges[1], 0.5 * (edges[2] + edges[3])])
    d_lip = np.full(3, 0.6 * height)

    def light(opening_mw: float, lift_mw: float = 0.0) -> np.ndarray:
        return _upper_tooth_shade(painter, u, d_lip, mouth_w, opening_mw=opening_mw, lift_mw=lift_mw)

    wide, slot, closing = light(0.45), light(0.15), light(0.07)
    assert 0.7 * wide[0] < closing[0] < slot[0] < 0.95 * wide[0], (wide, slot, closing)
    assert closing[2] / wide[2] < closing[0] / wide[0] - 0.1, (wide, closing)  # darker toward the corners
    # The gap's notch: its light under the tooth's, shallower in the slot's shade.
    assert 1.0 - closing[1] / closing[0] < 0.9 * (1.0 - wide[1] / wide[0]), (wide, closing)
    # A smile's teeth stay lit and its gaps' notch is not the slot's shallower one: read 0.3 of a
    # central's length under the lip, inside the teeth at both openings (the smile arc ends the low
    # opening's teeth half a central's length under the lip).
    inside = np.full(3, 0.3 * height)
    low, tall = (_upper_tooth_shade(painter, u, inside, mouth_w, opening_mw=opening_mw, lift_mw=0.06)
                 for opening_mw in (0.07, 0.45))
    assert np.allclose(low[[0, 2]], tall[[0, 2]]), ("a smile's teeth stay lit", low, tall)
    assert 1.0 - low[1] / low[0] >= 1.0 - tall[1] / tall[0], (low, tall)


def test_a_narrow_slots_cavity_takes_less_light(analysis):
    """Behind the teeth a slot open a few mm lets in less light than the same place in a wider
    opening (its light by depth under the teeth and over the lower lip, the reference's _cavity
    fully lit), the less the narrower it is there: darkest where it closes toward the corners, not
    one grey-mauve tone end to end. Open wide, it is lit in full."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = 100.0
    upper_h = SYNTHETIC_UPPER_TEETH_MW * mouth_w
    openings = np.array([0.45, 0.15, 0.08]) * mouth_w
    below = np.full(3, 1.0)
    d_lower = openings - upper_h - below
    across = np.full(3, 0.2)
    lit = ShadeReference(painter)._cavity(below, d_lower, across, mouth_w) @ LUMA
    share = (_cavity(painter, below, d_lower, across, mouth_w) @ LUMA) / lit
    assert share[0] > 0.99 and share[1] < 0.8 and share[2] < 0.75 * share[1], share


def _mid_upper_lip() -> int:
    from facetalk.face import landmarks as lm

    return lm.LIPS_INNER_UPPER[len(lm.LIPS_INNER_UPPER) // 2]


def _photo_and_upper_lip_rows(analysis) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A copy of the photo, each pixel's row (H, W) and the row (H, W) of the upper inner lip's rest
    outline in that pixel's column, for tests that paint a line along the lip's edge."""
    from facetalk.face import landmarks as lm

    rest = analysis.rig.rest_xyz[:, :2]
    image = analysis.image.copy()
    yy, xx = np.mgrid[0:image.shape[0], 0:image.shape[1]]
    upper = list(lm.LIPS_INNER_UPPER)
    return image, yy, np.interp(xx, rest[upper, 0], rest[upper, 1])


def _bare_cavity(inside: np.ndarray, *, tongue_cover: np.ndarray, sharp: np.ndarray | None = None) -> np.ndarray:
    """(N,) 0..1 the share of each painted colour that is bare cavity: _shade's (N,) `inside` (cavity and tongue,
    not teeth: the tongue takes the cavity's grain since paint40) less the tongue's (N,) cover (_shade's
    `tongue_cover`) and, as _composite lays them, the photo's own teeth ((N,) `sharp`, if given)."""
    bare = np.asarray(inside, float) * (1.0 - np.asarray(tongue_cover, float))
    return bare if sharp is None else bare * (1.0 - np.asarray(sharp, float))


def _record_paints_shade(patch: pytest.MonkeyPatch, seen: dict) -> None:
    """Patches MouthPainter._shade (class-wide, on `patch`) so paint's call (the one given `inside`) records its
    (N,) `u`, `d_upper`, `d_lower` (px) and the tongue's cover (`tongue`) in `seen`, for _bare_cavity."""
    shade = MouthPainter._shade

    def recording(self, d_upper, d_lower, opening, u, *args, **kw):
        if kw.get("inside") is None:
            return shade(self, d_upper, d_lower, opening, u, *args, **kw)
        tongue = kw.pop("tongue_cover", None)  # a second patch in one test wraps the first
        tongue = np.empty(len(u)) if tongue is None else tongue
        color = shade(self, d_upper, d_lower, opening, u, *args, tongue_cover=tongue, **kw)
        seen.update(u=np.asarray(u, float).copy(), d_upper=np.asarray(d_upper, float).copy(),
                    d_lower=np.asarray(d_lower, float).copy(), tongue=tongue)
        return color

    patch.setattr(MouthPainter, "_shade", recording)


def _photo_with_opening(analysis, bands) -> np.ndarray:
    """The bundled photo with its lips' opening painted in horizontal bands: (from, to, rgb), the
    shares of the way from the upper inner lip (0) to the lower (1)."""
    from facetalk.face import landmarks as lm

    rest = analysis.rig.rest_xyz[:, :2]
    image = analysis.image.copy()
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    upper, lower = list(lm.LIPS_INNER_UPPER), list(lm.LIPS_INNER_LOWER)
    top = np.interp(xx, rest[upper, 0], rest[upper, 1])
    bottom = np.interp(xx, rest[lower, 0], rest[lower, 1])
    share = (yy - top) / np.maximum(bottom - top, 1e-6)
    inside = (share >= 0) & (share <= 1) & (xx > rest[upper, 0].min()) & (xx < rest[upper, 0].max())
    for start, end, rgb in bands:
        image[inside & (share >= start) & ((share < end) if end < 1.0 else (share <= end))] = rgb
    return image


def test_photo_teeth_apart_are_split_between_the_jaws(analysis):
    """A photo showing its upper teeth, a dark gap and the tips of its lower teeth: the upper row
    goes with the upper lip, the lower tips with the lower lip, and the gap with neither (so the
    upper teeth do not drag the lower lip's edge up with them when the jaw drops)."""
    image = _photo_with_opening(analysis, ((0.0, 0.45, (230, 225, 215)),  # upper teeth
                                           (0.45, 0.8, (40, 20, 20)),  # the dark between
                                           (0.8, 1.0, (220, 215, 205))))  # lower teeth's tips
    painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
    mid = _mid_upper_lip()
    gap = painter._rest_gap[mid]
    assert 0.3 * gap < painter._own_upper[mid] < 0.6 * gap
    assert 0.1 * gap < painter._own_lower[mid] < 0.3 * gap


def test_a_photo_showing_only_its_lower_teeth_keeps_them(analysis):
    """A dark gap over the lower teeth's tips, no upper teeth: the tips stay with the lower lip."""
    image = _photo_with_opening(analysis, ((0.0, 0.8, (40, 20, 20)),  # the dark opening
                                           (0.8, 1.0, (220, 215, 205))))  # lower teeth's tips
    painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
    mid = _mid_upper_lip()
    gap = painter._rest_gap[mid]
    assert painter._own_upper[mid] == 0.0 and 0.1 * gap < painter._own_lower[mid] < 0.3 * gap


def test_lower_teeth_rise_over_the_lip_as_the_jaw_opens(analysis):
    """Mostly hidden by the lower lip at a small opening, the lower incisors show about 0.06 mouth
    widths of their height at an open vowel: teeth, not a thin light line along the lip."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    luma = np.array([0.299, 0.587, 0.114])
    mouth_w = 80.0
    u = np.linspace(0.4, 0.6, 201)  # mid-mouth, several teeth
    none = np.zeros_like(u)

    def row(opening: float, d_lower: float) -> float:
        rgb = painter._shade(np.full_like(u, opening - d_lower), np.full_like(u, d_lower), np.full_like(u, opening),
                             u, mouth_w, photo_teeth=(none, none))
        return float(np.median(rgb @ luma))

    teeth, tongue = float(painter.teeth_rgb @ luma), row(0.45 * mouth_w, 0.15 * mouth_w)
    assert row(0.45 * mouth_w, 0.055 * mouth_w) > 0.7 * teeth > tongue
    assert row(0.26 * mouth_w, 0.045 * mouth_w) < 0.5 * (teeth + tongue)


def test_wide_open_photo_teeth_hand_over_to_whole_lower_teeth(analysis):
    """The bundled portrait shows a sliver of its lower row. Wide open, lower teeth stand 0.05
    mouth widths over the lower lip mid-mouth, not that sliver stretched into a thin band."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    frame = MotionFrame(t_s=0, jaw_open=1.0)
    out = Renderer(analysis).render(frame).astype(float) @ np.array([0.299, 0.587, 0.114])
    verts = posed_vertices(analysis.rig, frame)
    mouth_w = float(np.linalg.norm(verts[lm.MOUTH_CORNERS[0], :2] - verts[lm.MOUTH_CORNERS[1], :2]))
    lower = verts[list(lm.LIPS_INNER_LOWER), :2]
    xs = np.arange(int(lower[4, 0]), int(lower[6, 0]) + 1)
    ys = np.round(np.interp(xs, lower[:, 0], lower[:, 1]) - 0.05 * mouth_w).astype(int)
    tongue_ys = np.round(np.interp(xs, lower[:, 0], lower[:, 1]) - 0.15 * mouth_w).astype(int)
    # The tongue behind them is lit like it (luma 105; 66 before it read as a tongue), the teeth
    # over it lighter still (by 46.8 at 926ef9b, 43.8 since cavity39 lit the tongue's top wide open,
    # TONGUE_INTO_WIDE: the bar 45 -> 40; LOOSENED 40 -> 36 in cavity43: 38.0 since its taller tongue,
    # TONGUE_SHARE_WIDE 0.45 -> 0.5, set this sample further below its darkened top, the tongue there 122.3).
    assert np.median(out[ys, xs]) > np.median(out[tongue_ys, xs]) + 36


def test_a_closed_mouth_shows_no_teeth_of_its_own():
    """A closed mouth's lip line (the Morisot painting's landmarks) rasterizes to a few dozen pixels
    between the lips; pale, unsaturated lips there (an old print) used to be read as the photo's
    teeth, so its synthetic teeth took the lips' dull colour. Only a parted mouth's are read."""
    from pathlib import Path

    from facetalk.face.rig import build_rig

    landmarks = np.load(Path(__file__).resolve().parents[1] / "face" / "data" / "painting_landmarks.npz")["landmarks_px"]
    rig = build_rig(landmarks)
    pale = np.full((512, 512, 3), 180, np.uint8)
    painter = MouthPainter(rig, pale, np.zeros((512, 512, 3), np.float32))
    assert not painter._own_teeth
    assert painter.teeth_rgb @ np.array([0.299, 0.587, 0.114]) > 200  # lighter than the skin


def test_rows_barely_apart_show_the_tongue_behind_them(analysis):
    """/i/ on the bundled portrait: the rows are a few pixels apart, and the tongue fills the mouth
    just behind them. The gap shows it dimly lit and red, not a black band (the darkest point
    mid-mouth read luma 37, a sixth of the teeth, before). Red by 25 levels: the lower row's edge
    beside it is in the photo's teeth's own hue, not warmed toward the lips (_lit_teeth_tint: its
    darkest point's red over blue 29.7-36 now)."""
    from facetalk.motion.frame import MotionFrame

    frame = MotionFrame(t_s=0, jaw_open=0.2, lip_spread=0.75)
    teeth, columns = _mid_mouth_columns(analysis, frame)
    for _, _, _, column in columns:
        column = column[:-1]  # the rows strictly between the inner lips
        darkest = column[np.argmin(column @ LUMA)]
        assert darkest @ LUMA > 0.3 * teeth and darkest[0] - darkest[2] > 25


def test_a_faded_print_keeps_its_mouth_within_its_own_tones(analysis):
    """An old print's darkest tone is a brown-grey (luma ~55 on the old photos in out/portraits):
    the mouth's inside is lifted toward it, so it does not read as a hole cut into the print
    with its teeth ringed in black (it went down to luma ~10 before). A photo with true blacks
    keeps its mouth's."""
    luma = np.array([0.299, 0.587, 0.114])
    faded = (55.0 + analysis.image.astype(float) * (185.0 / 255.0)).astype(np.uint8)
    mouth_w, opening = 80.0, 0.5 * 80.0
    u = np.linspace(0.05, 0.95, 91)
    none = np.zeros_like(u)
    darkest, black = {}, {}
    for name, image in (("photo", analysis.image), ("faded", faded)):
        painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
        rgb = np.vstack([painter._shade(np.full_like(u, opening - d), np.full_like(u, d), np.full_like(u, opening), u,
                                        mouth_w, photo_teeth=(none, none)) for d in np.linspace(0, opening, 41)])
        darkest[name], black[name] = float((rgb @ luma).min()), float(painter._black_rgb @ luma)
    assert darkest["faded"] > 0.5 * 55.0, darkest
    assert black["photo"] < 2.0  # true blacks: nothing lifted


def test_teeth_and_tongue_keep_their_own_hues():
    """A grey engraving's synthetic teeth are grey, not ivory (a yellow-green stain on it), and mauve
    lips give a pink-red tongue, not a mauve one (more blue than green: a smear of lip colour)."""
    from pathlib import Path

    from facetalk.face import landmarks as lm
    from facetalk.face.rig import build_rig

    landmarks = np.load(Path(__file__).resolve().parents[1] / "face" / "data" / "painting_landmarks.npz")["landmarks_px"]
    rig = build_rig(landmarks)
    grain = np.zeros((512, 512, 3), np.float32)
    grey = MouthPainter(rig, np.full((512, 512, 3), 120, np.uint8), grain)
    assert np.ptp(grey.teeth_rgb) / grey.teeth_rgb.mean() < 0.01
    # Mauve lips in a colour picture (stripes of skin, blue and green about them): an image all
    # mauve is a mauve-toned print, whose mouth keeps to its tint (_photo_gamut).
    stripes = np.array([[200, 150, 130], [90, 120, 170], [110, 150, 90]], np.uint8)[(np.arange(512) // 8) % 3]
    image = np.tile(stripes[None], (512, 1, 1))
    x0, y0 = np.floor(landmarks[list(lm.LIPS_OUTER_UPPER + lm.LIPS_OUTER_LOWER), :2].min(axis=0)).astype(int) - 10
    x1, y1 = np.ceil(landmarks[list(lm.LIPS_OUTER_UPPER + lm.LIPS_OUTER_LOWER), :2].max(axis=0)).astype(int) + 10
    image[y0:y1, x0:x1] = (202, 111, 122)
    mauve = MouthPainter(rig, image, grain)
    assert mauve.tongue_rgb[0] > 1.6 * mauve.tongue_rgb[1] and mauve.tongue_rgb[2] <= mauve.tongue_rgb[1]


def test_a_sepia_photos_mouth_has_no_colour_the_photo_has_not(analysis):
    """A sepia print's lips pass as colourful (09's chroma 0.26): its tongue, throat and teeth were
    the only pink in it (09's widest vowel). Each now has the colour of some of the photo's own
    pixels (chromaticity rgb/luma within 0.02 of it: 0.22% of them for the three held to the
    photo's range); on the old code none for the throat, tongue and its back (the nearest 0.23,
    0.30, 0.56 away). The colour photo's mouth is not held to anything."""
    sepia = _sepia(analysis.image)
    painter = MouthPainter(analysis.rig, sepia, analysis.appearance.grain)
    pixels = sepia.reshape(-1, 3).astype(float)
    pixels = pixels[pixels @ LUMA >= 20]
    photo = pixels / (pixels @ LUMA)[:, None]
    for name in ("throat_rgb", "tongue_rgb", "_tongue_back_rgb", "teeth_rgb"):
        rgb = getattr(painter, name)
        near = np.linalg.norm(photo - rgb / (rgb @ LUMA), axis=1)
        assert (near < 0.02).mean() > 0.0005, (name, float(near.min()))
    oval = analysis.rig.rest_xyz[list(FACE_OVAL), :2]
    assert _photo_gamut(sepia, oval).held == 1.0
    assert _photo_gamut(analysis.image, oval).held == 0.0


def _warm_lit(image: np.ndarray) -> np.ndarray:
    """The (H, W, 3) uint8 `image` under a warm light (blue 0.6, green 0.82 of red's): its skin's
    blue over green falls from 0.84 to 0.62, about 07's (0.74) and 02's (0.73)."""
    return np.clip(image.astype(float) * np.array([1.0, 0.82, 0.6]), 0, 255).astype(np.uint8)


def test_a_warm_faces_open_mouth_is_no_bluer_than_its_lips(analysis):
    """The bundled photo under a warm light, wide open (mouth 100 px, opening 40, synthetic teeth
    10 px), down the middle from under the teeth to over the lower ones: every pixel of the
    cavity and tongue at least 12 levels bright has its blue over green at most 1.06 of the lips'
    (the tongue's wet sheen takes the teeth's colour), the darkest third of them at most 0.9 of
    it: a warm dark, red-brown into near-black. On the old code the throat (the lips' hue scaled
    red) and the tongue (a fixed pink) read slate-grey and mauve on 07 and 02: 1.04-1.28 of the
    lips', the darkest third 1.10; now 0.85-1.04, 0.89."""
    warm = _warm_lit(analysis.image)
    painter = MouthPainter(analysis.rig, warm, analysis.appearance.grain)
    d = np.arange(12.5, 34.0, 0.5)
    none = np.zeros(len(d))
    rgb = painter._shade(d, 40.0 - d, np.full(len(d), 40.0), np.full(len(d), 0.5), 100.0,
                         photo_teeth=(none, none), peak_opening=40.0)
    seen = rgb[rgb @ LUMA >= 12.0]
    ratio = seen[:, 2] / seen[:, 1] / (painter._lip_rgb[2] / painter._lip_rgb[1])
    darkest = ratio[np.argsort(seen @ LUMA)[:len(seen) // 3]]
    assert len(seen) > 30 and ratio.max() <= 1.06 and darkest.mean() <= 0.9, (ratio.round(3), darkest.mean())


def test_a_one_tint_photos_mouth_is_not_warmed(analysis):
    """Only a colour photo's mouth is warmed (_warmed): on the sepia-toned bundled photo its
    colours (throat, tongue, the tongue's back, the black, the teeth) are bit for bit those made
    with no warming at all; on the warm-lit one they are not. The print is lifted off black first,
    so that its black has a hue (sepia) the warming could move."""
    names = ("throat_rgb", "tongue_rgb", "_tongue_back_rgb", "_black_rgb", "teeth_rgb", "_shade_rgb")
    sepia = _sepia((25.0 + 0.9 * analysis.image).astype(np.uint8))
    for image, same in ((sepia, True), (_warm_lit(analysis.image), False)):
        lit = MouthPainter(analysis.rig, image, analysis.appearance.grain)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(mouth_module, "_warmed", lambda rgb, **_: rgb)
            patch.setattr(mouth_module, "_warmed_black", lambda black, **_: black)
            unlit = MouthPainter(analysis.rig, image, analysis.appearance.grain)
        assert all(np.array_equal(getattr(lit, n), getattr(unlit, n)) for n in names) == same


def test_a_photo_with_no_blue_builds_a_mouth(analysis):
    """Lips with no blue at all (the bundled photo's blue channel emptied, as in a red duotone)
    allow no blue inside the mouth (_warmed): the painter builds, its colours finite and in range."""
    image = analysis.image.copy()
    image[..., 2] = 0
    painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
    for name in ("throat_rgb", "tongue_rgb", "_tongue_back_rgb", "_black_rgb"):
        rgb = getattr(painter, name)
        assert np.all(np.isfinite(rgb)) and rgb.min() >= 0.0 and rgb.max() <= 255.0, (name, rgb)


def _sepia(image: np.ndarray) -> np.ndarray:
    """The (H, W, 3) uint8 `image` sepia-toned (the classic sepia matrix)."""
    toned = image.astype(float) @ np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]]).T
    return np.clip(toned, 0, 255).astype(np.uint8)


def test_only_a_one_tint_photo_has_its_mouth_held_to_its_colours(analysis):
    """The bundled photo's colour at a share of its saturation (spread across its main hue line
    0.048 x the share): a colour photo only partly desaturated, at 0.6 (0.029), keeps its red mouth
    (held 0.80 with MONOCHROME_SPREAD 0.025-0.04: its tongue went grey-mauve under pink lips); one
    nearly grey, at 0.45 (0.022), is held part way (0.65; 1.0 before); at 0.3 (0.015, about 09's)
    wholly."""
    oval = analysis.rig.rest_xyz[list(FACE_OVAL), :2]
    image = analysis.image.astype(float)
    grey = (image @ LUMA)[..., None]
    held = {share: _photo_gamut(np.clip(grey + share * (image - grey), 0, 255).astype(np.uint8), oval).held
            for share in (0.6, 0.45, 0.3)}
    assert held[0.6] == 0.0 and 0.2 < held[0.45] < 0.9 and held[0.3] == 1.0, held


def test_a_lip_hidden_by_hair_keeps_to_a_one_tint_photos_colours_and_the_lips_light(analysis):
    """Hair over both lips of the sepia-toned bundled photo: the lower lip drawn under the opening
    (_hidden_lip_rgb) is lip-toned skin, its chromaticity within the range the photo shows along
    each principal axis (a red lip on a sepia print lay 0.05 outside it unheld), at the photo's
    lip's luma or the lip-toned skin's, the lighter (08's band went from its hair's luma 160 to
    the skin's 120 and read as part of the hole)."""
    image = _sepia(_moustache(analysis, over_lips=True))
    painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
    gamut = _photo_gamut(image, analysis.rig.rest_xyz[list(FACE_OVAL), :2])
    rgb = painter._hidden_lip_rgb
    at = (rgb / (rgb @ LUMA) - 1.0 - gamut.mean) @ gamut.axes.T
    assert painter._lip_hair > 0.3 and gamut.held == 1.0  # sepia strands: 0.48
    assert (at >= gamut.low - 1e-6).all() and (at <= gamut.high + 1e-6).all(), (at, gamut.low, gamut.high)
    skin = mouth_module._polygon_mask(image.shape[:2], analysis.rig.rest_xyz[list(FACE_OVAL), :2])
    toned = float(np.median(image[skin], axis=0) * mouth_module.LIP_OVER_SKIN @ LUMA)
    assert rgb @ LUMA >= max(float(painter._lip_rgb @ LUMA), toned) - 0.5, (rgb @ LUMA, painter._lip_rgb @ LUMA, toned)


def test_the_interior_carries_the_photos_grain_at_its_level(analysis):
    """Synthetic teeth get the photo's grain at the level measured on the photo's own detail: it
    goes on after the softening blur, which took it to about a third (teeth too clean on a
    painting's brushwork). The cavity keeps at most CAVITY_GRAIN_KEEP of it
    (test_the_photos_grain_is_mostly_kept_off_the_cavity), so the teeth are found as the lit
    pixels (luma over 150) of what the grain reaches, in the middle 60% of its columns: the photo's own
    row's last crowns turn away round the arch (ROW_END_TURN), partly laid over the dark as they slope up
    into the lip, and carry it only at their laid share (over all lit px 5.50 over 573 px, was 5.64 over 582
    at 0a2d26b; over the middle 5.79 over 494, 5.93 over 502 at 0a2d26b)."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    soft = renderer._mouth._softness
    frame = MotionFrame(t_s=0, jaw_open=1.0)
    h, w = analysis.image.shape[:2]
    renders = []
    for level in (0.0, 8.0):
        grain = (np.random.default_rng(1).standard_normal((h, w, 3)) * level).astype(np.float32)
        renderer._mouth = MouthPainter(analysis.rig, analysis.image, grain, softness_px=soft)
        renders.append(renderer.render(frame).astype(float))
    diff = renders[1] - renders[0]
    reached = np.abs(diff).max(axis=2) > 0
    inside = reached & (renders[0] @ LUMA > 150.0)
    cols = np.nonzero(reached)[1]
    cut = 0.2 * (cols.max() - cols.min())  # the turned ends' columns off: only fully laid px
    inside[:, : int(np.ceil(cols.min() + cut))] = False
    inside[:, int(np.floor(cols.max() - cut)) + 1:] = False
    assert inside.sum() > 300 and diff[inside].std() > 0.7 * 8.0, (inside.sum(), diff[inside].std())


def test_no_two_synthetic_teeth_are_alike(analysis):
    """Procedural teeth are not one shape repeated: each upper tooth's length differs from its
    neighbour's and from its mirror image's by a few percent (they were equal in pairs)."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w, opening = 100.0, 30.0
    u = np.linspace(0.1, 0.9, 1601)
    none = np.zeros_like(u)
    rank, f, _ = _teeth_along_compiled(u)
    lengths = {}
    for k in range(3):  # the incisors and canines, each side
        for side, on_side in (("left", u < 0.5), ("right", u >= 0.5)):
            at = np.nonzero((rank == k) & on_side & (np.abs(f - 0.5) < 0.05))[0]
            d = np.linspace(0.0, 0.15 * mouth_w, 301)
            rgb = painter._shade(d, opening - d, np.full_like(d, opening), np.full_like(d, u[at[0]]), mouth_w,
                                 photo_teeth=(np.zeros_like(d), np.zeros_like(d)))
            # Where the tooth ends: half way down from its lightest into the dark below it.
            luma = rgb @ np.array([0.299, 0.587, 0.114])
            top = np.argmax(luma)
            lengths[k, side] = d[top + np.argmax(luma[top:] < 0.5 * (luma[top] + luma[-1]))]
    for k in range(3):
        assert abs(lengths[k, "left"] - lengths[k, "right"]) > 0.02 * lengths[k, "left"], lengths
    assert abs(lengths[0, "left"] - lengths[1, "left"]) > 0.02 * lengths[0, "left"]


def test_central_incisors_look_widest_by_the_dental_proportion():
    """Seen from the front the central incisors are clearly the widest teeth: a lateral incisor
    looks about two thirds as wide, a canine about half (equal steps around a round arch made the
    laterals 0.92 of the centrals, a row of piano keys)."""
    u = np.linspace(0.0, 1.0, 20001)
    rank, f, _ = _teeth_along_compiled(u)
    right = u >= 0.5
    width = {k: float(np.ptp(u[right & (rank == k)])) for k in range(3)}
    assert 0.6 < width[1] / width[0] < 0.75 and 0.45 < width[2] / width[0] < 0.62
    # The two central incisors together span about a third of the row (0.28-0.34 of each half).
    assert 0.28 < 2 * width[0] < 0.36


def test_the_cavity_is_a_dark_hollow_between_lit_walls(analysis):
    """Deep in a wide-open mouth the throat, mid-mouth, is darkest and the cheeks' inner walls
    toward the corners are lit: at one depth the cavity is at least 1.8x lighter at 0.6 of the way
    to a corner than mid-mouth (1.25x before: a dark band of one darkness from corner to corner)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = 100.0
    across = np.array([0.0, 0.6])
    deep = np.full(2, 0.2 * mouth_w)
    luma = _cavity(painter, deep, deep, across, mouth_w) @ LUMA
    assert luma[1] > 1.8 * luma[0]
    # The walls catch a little of the light, not most of it: near a corner (0.8 of the way) the
    # same depth is under 3x the throat (3.9x before, pale panels either side of a dark box).
    corner = _cavity(painter, deep[:1], deep[:1], np.array([0.8]), mouth_w) @ LUMA
    assert corner[0] < 3.0 * luma[0]
    # Just under the upper teeth (the palate's front, lit) it is lighter than deep mid-mouth.
    near = _cavity(painter, np.zeros(1), deep[:1], across[:1], mouth_w) @ LUMA
    assert near[0] > 2.0 * luma[0]


def test_the_cavitys_tone_follows_its_light(analysis):
    """The inside of a wide-open mouth is not one colour scaled by its light (an even maroon or
    brown fill): deep mid-mouth, where little light reaches, it is a near-black with under 0.6 of
    the chroma of the lit cheek wall beside it, and where lit it is redder than the throat's own
    hue (less green to its red: the tongue's deep red). (The lit probe was the palate's front just
    under the upper teeth; that space is in the row's shade now, ROW_SHADE.)"""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = 100.0
    # The lit probe in the column at the peak, 0.6 of the way to a corner and 0.12 mouth widths under
    # the teeth: the wall beside the oral space, clear of the row's shade.
    peak, upper_h = 0.45 * mouth_w, SYNTHETIC_UPPER_TEETH_MW * mouth_w
    below, d_lower = np.array([0.12 * mouth_w, 0.2 * mouth_w]), np.array([peak - upper_h - 0.12 * mouth_w, 0.2 * mouth_w])
    lit, deep = _cavity(painter, below, d_lower, np.array([0.6, 0.0]), mouth_w, peak_opening=peak)
    chroma = [float(np.ptp(rgb) / (rgb @ LUMA)) for rgb in (lit, deep)]
    assert deep @ LUMA < 0.4 * (lit @ LUMA), (lit, deep)
    assert chroma[1] < 0.6 * chroma[0], chroma
    throat = painter._shade_rgb[RGB_THROAT]
    assert lit[1] / lit[0] < 0.9 * throat[1] / throat[0], (lit, throat)


def test_the_space_right_under_the_upper_row_is_in_its_shade(analysis):
    """Wide open, the upper row casts the space right under it into shade (ROW_SHADE): mid-mouth, 1 px
    under the teeth the cavity is under 0.5 of the lit cheek wall's luma (0.6 of the way to a corner,
    0.12 mouth widths down), not a lit maroon strip between the crowns and the dark band (judge39's
    stacked stripes: 0.69 of it before, 0.18 now)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = 100.0
    peak, upper_h = 0.45 * mouth_w, SYNTHETIC_UPPER_TEETH_MW * mouth_w
    below = np.array([1.0, 0.12 * mouth_w])
    under, wall = _cavity(painter, below, peak - upper_h - below, np.array([0.0, 0.6]), mouth_w, peak_opening=peak)
    assert under @ LUMA < 0.5 * (wall @ LUMA), (under @ LUMA / (wall @ LUMA), under, wall)


@pytest.mark.parametrize("across", [0.3, 0.4, 0.6])
def test_the_inner_cheeks_are_in_the_upper_lips_shade_lit_only_low(analysis, across):
    """Wide open, the side walls are darker toward the upper row than low by the lower lip (WALL_TOP_SHADE):
    2 px under the row, 0.3-0.6 of the way to a corner, the wall is under 0.5 of its luma 0.26 mouth widths
    down (9 px over the lip). Lit up to the row, the walls stood as lit side panels beside a box of dark under
    it (judge40): 0.82 / 1.04 / 1.16 of it at cdc8531, 0.20 / 0.27 / 0.31 now."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = 100.0
    peak, upper_h = 0.45 * mouth_w, SYNTHETIC_UPPER_TEETH_MW * mouth_w
    below = np.array([2.0, 0.26 * mouth_w])
    high, low = _cavity(painter, below, peak - upper_h - below, np.full(2, across), mouth_w, peak_opening=peak)
    assert high @ LUMA < 0.5 * (low @ LUMA), (high @ LUMA / (low @ LUMA), high, low)


def test_the_resting_tongue_is_a_mound_with_the_dark_floor_beside_it(analysis):
    """Wide open, the tongue resting low is a mound mid-mouth that meets the floor before the
    corners: just over the lower lip (0.04 mouth widths; no lower teeth drawn), 0.7 of the way to
    a corner is floor, not tongue, in shade: under 0.45 of the tongue's luma mid-mouth (0.6 before:
    a low dome reaching 0.9 of the way out, whose flat top closed the dark cavity into a box; under
    0.4 while a near-black floor drew the tongue's edge, a dark horseshoe round it, judge39: 0.38
    then, 0.41 since legs40). The tongue's flank (0.46) reads by its own edge against it, at least
    1.45 times the floor's luma (1.53; 1.82 at e902adf, before legs40), and rolls into shade (TONGUE_FLANK):
    under 0.72 of the tongue's luma 0.3 across (0.69; 0.755 at e902adf, rev40g)."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w, opening = 100.0, 45.0
    u = 0.5 + 0.5 * np.array([0.0, 0.7, 0.46, 0.3])
    d, none, inside, tongue = np.full(4, 0.04 * mouth_w), np.zeros(4), np.zeros(4), np.zeros(4)
    luma = painter._shade(opening - d, d, np.full(4, opening), u, mouth_w, photo_teeth=(none, none),
                          lower_show=none, inside=inside, tongue_cover=tongue) @ LUMA
    bare = _bare_cavity(inside, tongue_cover=tongue)
    assert bare[0] < 0.01 and bare[2] < 0.01 and bare[1] > 0.99, bare
    assert luma[1] < 0.45 * luma[0], luma
    assert luma[2] > 1.45 * luma[1], luma
    assert luma[2] < 0.72 * luma[3], luma


def test_photo_back_teeth_give_way_to_the_dark_mouth_when_wide_open(analysis):
    """The bundled portrait shows its teeth to its corners. Opened for a wide vowel, the photo's
    upper row stays mid-mouth but not near the corners (0.8 of the way out), whose stretched
    lips cover them: its shadowed premolars hung from the corners' steep lip edges stood as pale
    panels either side of the opening. A smile's opening keeps them."""
    from facetalk.face import landmarks as lm

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = painter._rest_mouth_w
    ids = np.array([lm.LIPS_INNER_UPPER[1], lm.LIPS_INNER_UPPER[len(lm.LIPS_INNER_UPPER) // 2]])
    assert np.all(painter._own_upper[ids] > 1.0)  # the photo's row reaches both
    u = analysis.rig.cavity_u[ids]
    assert abs(2.0 * u[0] - 1.0) >= 0.8

    def laid(peak: float) -> np.ndarray:
        color = np.zeros((2, 3))
        painter._lay_photo_interior(color, lambda per_vertex, only=slice(None): per_vertex[ids][only],
                                    d_upper=np.full(2, 0.5), d_lower=np.full(2, 30.0),
                                    runs=(painter._own_upper[ids], painter._own_lower[ids]),
                                    lower_show=np.ones(2), mouth_w=mouth_w, u=u, peak_opening=peak)
        return color @ LUMA

    wide, smile = laid(0.4 * mouth_w), laid(0.1 * mouth_w)
    assert smile[0] > 30 and wide[1] > 60 and wide[0] < 0.1 * smile[0], (wide, smile)


def test_the_opening_tapers_into_its_corners_between_the_lips_inner_faces(analysis):
    """Wide open, the opening is a lens: near a corner (past the lens's closing point, half way on
    from LENS_REACH_WIDE to the corner), where the rig's straight corner segment leaves it 0.45 of its
    peak height, the lips' inner faces (the photo's lip, shaded) meet; 0.15 of the way along (0.8
    of the peak high: the wide lens's fuller ends, LENS_POWER_WIDE, stand 0.73 there) its edges
    are those faces and the middle of its gap the interior, as is the whole height mid-mouth (the
    rig's opening stood with blunt, near-vertical ends)."""
    from facetalk.face import landmarks as lm
    from facetalk.render.mouth import LENS_REACH_WIDE

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = painter._rest_mouth_w
    peak = 0.6 * mouth_w
    near = 0.25 * (1.0 - LENS_REACH_WIDE)  # u half way from the lens's closing point to the corner
    u = np.array([near, near, near, 0.15, 0.15, 0.15, 0.5, 0.5])
    gap = np.array([0.45, 0.45, 0.45, 0.8, 0.8, 0.8, 1.0, 1.0]) * peak
    d_lower = np.array([1.0, gap[0] - 1.0, 0.5 * gap[0], 1.0, gap[3] - 1.0, 0.5 * gap[3], 1.0, peak - 1.0])
    ids = np.full(len(u), lm.LIPS_INNER_UPPER[1])  # every pixel read at one inner-lip pair: only u and depths vary
    color = np.zeros((len(u), 3))
    _taper(painter, color, ids, d_upper=gap - d_lower, d_lower=d_lower, u=u, peak_opening=peak, mouth_w=mouth_w)
    luma = color @ LUMA
    lip = float(painter._lip_rgb @ LUMA)
    assert (luma[[0, 1, 3, 4]] > 0.3 * lip).all(), (luma, lip)  # the lower and upper lips' faces
    assert luma[2] > 0.1 * lip, (luma, lip)  # where they meet, in their shade
    assert luma[5] == 0.0 and luma[6] == 0.0 and luma[7] == 0.0, luma


def test_the_top_of_the_opening_comes_down_into_its_corners(analysis):
    """A toothy photo's upper lip and the teeth under it run level to the corners: wide open, the
    opening's top is brought down into the corners by the upper lip's inner face as far as its
    bottom is brought up (a trapezoid with a straight top before, the lower lip taking 0.7 of the
    lens's cut): 0.82 of the lens's reach across (where the wide lens, LENS_POWER_WIDE, stands
    0.59 of its peak), at 0.85 of the peak's height, the upper lip covers the top 0.1 of the
    peak's height."""
    from facetalk.face import landmarks as lm
    from facetalk.render.mouth import LENS_REACH_WIDE

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = painter._rest_mouth_w
    peak = 0.6 * mouth_w
    gap = 0.85 * peak
    d_upper = np.array([0.02, 0.06, 0.1]) * peak
    ids = np.full(3, lm.LIPS_INNER_UPPER[1])
    color = np.zeros((3, 3))
    _taper(painter, color, ids, d_upper=d_upper, d_lower=gap - d_upper,
           u=np.full(3, 0.5 - 0.5 * 0.82 * LENS_REACH_WIDE), peak_opening=peak, mouth_w=mouth_w)
    assert (color @ LUMA > 0.2 * float(painter._lip_rgb @ LUMA)).all(), color @ LUMA


def _tongue_top_y(analysis, frame, pairs) -> list[float]:
    """For inner-lip pairs (indices into LIPS_INNER_UPPER), the screen y (px) of the resting
    tongue's top edge in `frame`: going up from the lower lip, where the luma falls half way from
    the tongue's lightest to the cavity's darkest above it."""
    from facetalk.face import landmarks as lm
    from facetalk.render.renderer import Renderer, posed_vertices

    out = Renderer(analysis).render(frame).astype(float) @ LUMA
    verts = posed_vertices(analysis.rig, frame)
    tops = []
    for k in pairs:
        (x, top), (_, bottom) = verts[lm.LIPS_INNER_UPPER[k], :2], verts[lm.LIPS_INNER_LOWER[k], :2]
        rows = np.arange(int(np.ceil(top)), int(np.floor(bottom)) + 1)
        luma = out[rows, int(round(x)) - 1:int(round(x)) + 2].mean(axis=1)
        low = len(rows) // 2 + np.argmax(luma[len(rows) // 2:])
        dark = np.argmin(luma[:low])
        half = 0.5 * (luma[low] + luma[dark])
        tops.append(float(rows[dark + np.nonzero(luma[dark:low + 1] >= half)[0][0]]))
    return tops


def test_the_resting_tongue_is_an_arch_not_a_flat_floor(analysis):
    """At the widest vowel the tongue's top, seen from the front, arches: it stands less high over
    the lower lip a third of the way to the corners than mid-mouth (on the bundled portrait 2.7 px
    less of a 38 px opening; 0.7 before: its top ran parallel to the lower lip, a flat floor)."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import posed_vertices

    frame = MotionFrame(t_s=0, jaw_open=1.0)
    mid = len(lm.LIPS_INNER_UPPER) // 2
    sides = (mid - 2, mid + 2)
    tops = _tongue_top_y(analysis, frame, (mid,) + sides)
    verts = posed_vertices(analysis.rig, frame)
    lip = [float(verts[lm.LIPS_INNER_LOWER[k], 1]) for k in (mid,) + sides]
    opening = lip[0] - float(verts[lm.LIPS_INNER_UPPER[mid], 1])
    for side, top in zip((1, 2), tops[1:]):
        assert (lip[side] - top) < (lip[0] - tops[0]) - 0.04 * opening, (tops, lip)


def _visible_tongue_top(*, analysis, monkeypatch, frame) -> np.ndarray:
    """(n, 2) the resting tongue's top edge in the MotionFrame `frame` as painted, (x, y) px per
    column it shows in: the first row down where its cover (_shade_back's) passes 0.5 inside the
    opening (alpha > 0.5), to a tenth of a px by the cover's step there."""
    from facetalk.render.mouth import TG_COVER
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    painter, seen = renderer._mouth, {}
    shade_back, composite = mouth_module._shade_back, painter._composite

    def record_back(*args):
        shade_back(*args)
        seen["cover"] = args[-1][TG_COVER].copy()

    def record_composite(out, box, ys, xs, color, alpha, **kw):
        seen["box"], seen["ys"], seen["xs"], seen["alpha"] = box, ys.copy(), xs.copy(), np.asarray(alpha).copy()
        return composite(out, box, ys, xs, color, alpha, **kw)

    monkeypatch.setattr(mouth_module, "_shade_back", record_back)
    monkeypatch.setattr(painter, "_composite", record_composite)
    renderer.render(frame)
    x0, y0, x1, y1 = seen["box"]
    cover = np.zeros((y1 - y0, x1 - x0))
    cover[seen["ys"], seen["xs"]] = seen["cover"] * (seen["alpha"] > 0.5)
    top = []
    for x in np.nonzero((cover > 0.5).any(axis=0))[0]:
        y = int(np.argmax(cover[:, x] > 0.5))
        above = cover[y - 1, x] if y > 0 else 0.0
        top.append((x, y - (cover[y, x] - 0.5) / max(cover[y, x] - above, 1e-6)))
    return np.array(top, float)


def _chord_bow(points: np.ndarray) -> float:
    """How far (px) the (n, 2) points stand off the chord between the first and the last at most."""
    a, d = points[0], points[-1] - points[0]
    off = (points - a) @ np.array([d[1], -d[0]]) / max(float(np.hypot(*d)), 1e-9)
    return float(np.abs(off).max())


def test_the_resting_tongues_top_is_a_mound_not_straight_flanks(analysis, monkeypatch):
    """At the widest vowel the resting tongue's top, seen from the front, bends all the way down
    to its ends, a rounded mound: each flank (an end to the highest point) stands off its chord by
    over 0.1 of the tongue's width, both together (4.3 px of 38 on the bundled portrait; 3.3 of 41,
    0.08, before: its height followed each pixel's own gap and lost 0.9 of the opening lost toward
    the corners, so it ran down the opening's straight lens tail in straight flanks, a tent on 13)."""
    from facetalk.motion.frame import MotionFrame

    top = _visible_tongue_top(analysis=analysis, monkeypatch=monkeypatch, frame=MotionFrame(t_s=0, jaw_open=1.0))
    width = top[-1, 0] - top[0, 0] + 1.0
    peak = int(np.argmin(top[:, 1]))
    assert len(top) > 20 and 5 < peak < len(top) - 5, top
    bows = _chord_bow(top[:peak + 1]), _chord_bow(top[peak:])
    assert sum(bows) > 0.1 * width, (bows, width)


def test_lower_teeth_sink_behind_the_lip_toward_the_corners(analysis):
    """Wide open, the lower incisors show over the lower lip mid-mouth; toward the corners the
    lip rises over the lower row, so its teeth show shorter there and not at all half way to a
    corner (they showed at full length, faded, in a row of blocks round the whole lower lip:
    6.0, 6.1, 6.05 px here)."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w, opening = 100.0, 45.0
    d = np.linspace(0.0, 0.15 * mouth_w, 301)  # up from the lower lip
    shown = []
    for across in (0.05, 0.3, 0.5):
        lengths = []
        for u in 0.5 + 0.5 * (across + np.linspace(-0.04, 0.04, 9)):  # the longest of a few, clear of gaps
            # The lower row alone, over black (behind it the tongue's arch or, beside it, the
            # mouth's dark floor), as _shade's last compiled pass lays it at this opening.
            rgb = _lower_row_alone(painter, np.full_like(d, u), d, opening, mouth_w)
            # Tooth: 0.12 of the teeth's luma or more, from within 2 px of the lip.
            tooth = np.nonzero(rgb @ LUMA > 0.12 * float(painter.teeth_rgb @ LUMA))[0]
            lengths.append(float(d[tooth.max()]) if len(tooth) and tooth.min() < 40 else 0.0)
        shown.append(max(lengths))
    assert shown[0] > 0.03 * mouth_w and shown[1] < 0.85 * shown[0] and shown[2] < 0.25 * shown[0], shown


def test_an_open_vowels_lower_row_shows_tips_mid_mouth_fading_into_shade_toward_the_corners(analysis):
    """Wide open (an open vowel: the row neither risen, spread nor a smile's), the lower incisors'
    tips show mid-mouth and fall behind the lip and into shade toward the corners (LOWER_PLAIN_*):
    0.3 of the way to a corner the row stands under 0.6 of its mid-mouth height (0.74 sunk by
    LOWER_TEETH_SINK alone) and 1 px over the lip it is under 0.7 of the mid-mouth light 0.35 of
    the way out (0.9 with the corners' shade alone). Evenly lit and nearly level, the row would read
    as one thin bright line along the lower lip."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w, opening = 100.0, 45.0
    d = np.linspace(0.0, 0.15 * mouth_w, 301)  # up from the lower lip
    shown, light = [], []
    for across in (0.05, 0.3, 0.35):
        lengths, lit = [], []
        for u in 0.5 + 0.5 * (across + np.linspace(-0.03, 0.03, 7)):  # the longest and lightest of a few
            luma = _lower_row_alone(painter, np.full_like(d, u), d, opening, mouth_w) @ LUMA
            tooth = np.nonzero(luma > 0.12 * float(painter.teeth_rgb @ LUMA))[0]
            lengths.append(float(d[tooth.max()]) if len(tooth) and tooth.min() < 40 else 0.0)
            lit.append(float(luma[np.argmin(np.abs(d - 1.0))]))
        shown.append(max(lengths))
        light.append(max(lit))
    assert shown[0] > 0.03 * mouth_w and shown[1] < 0.6 * shown[0], shown
    assert light[2] < 0.7 * light[0], light


def _lower_gap_profile(painter: MouthPainter, d: float, *, mouth_w: float, opening: float) -> np.ndarray:
    """(N,) luma of the lower row alone across the mid-mouth gap between the central incisors,
    `d` px over the lower lip, from 0.0225 mouth widths left of it to as far right (a tooth or so)."""
    u = (0.5 + np.linspace(-0.0225, 0.0225, 181)).astype(np.float32)
    return _lower_row_alone(painter, u, np.full(len(u), d, np.float32), opening, mouth_w) @ LUMA


def test_lower_teeth_gaps_are_soft_wedges_toward_the_tips(analysis):
    """Seen past the lower lip, neighbouring lower teeth touch down at the lip and part toward
    their tips: over the lip a gap between the central incisors is a faint shade (within 8% of
    mid-tooth), near the tips a darker and wider notch. Each tooth's sides turned as far from the
    light as the upper row's drew a dark line down every gap, full height, a picket fence (judge27
    item 3: 0.15-0.22 darker than mid-tooth at every height on 12, 13, 03 and the bundled photo;
    here 0.22 over the lip, and 99 of the 181 samples 5% darker than mid-tooth at either height,
    not a notch widening toward the tips; now 0.03, and 0 then 65)."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w, opening = 100.0, 45.0
    mid_u = np.full(201, 0.5 + 0.5 * 0.05, np.float32)  # mid-tooth of a central incisor
    d = np.linspace(0.0, 0.1 * mouth_w, 201).astype(np.float32)
    rgb = _lower_row_alone(painter, mid_u, d, opening, mouth_w)
    tips = float(d[np.nonzero(rgb @ LUMA > 0.5 * float(painter.teeth_rgb @ LUMA))[0].max()])
    contrast, width = [], []
    for along in (0.25, 0.8):
        luma = _lower_gap_profile(painter, along * tips, mouth_w=mouth_w, opening=opening)
        tooth = float(np.percentile(luma, 90))
        contrast.append(1.0 - float(luma.min()) / tooth)
        width.append(int(np.count_nonzero(luma < 0.95 * tooth)))
    assert contrast[0] < 0.08 and contrast[1] > 2.0 * contrast[0] and width[1] > width[0], (contrast, width)


def test_an_open_vowels_lower_row_is_parted_crown_by_crown(analysis):
    """Wide open (a plain row: neither risen, spread nor a smile's), the lower incisors read as
    separate small crowns, not a smooth white bar. Across the middle 0.3 of the mouth, sampled a
    pixel apart as a frame is, at 0.6 of the central incisor's height over the lip a gap stands
    12% or more under the lightest crown within 4 px either side, and the one between the central
    incisors 20% or more there and 50% at 0.8 of the height (LOWER_PLAIN_PARTING), at a 100 px mouth
    and a 60 px one. Parted at the tips alone (LOWER_PARTING * along ** 3), its wedge 0.04 of a
    tooth wide at the lip, the row was a bar under its tips' notches (judge36): (gaps, midline at
    0.6, at 0.8) (1, 0.071, 0.568) and (0, 0.064, 0.593); now (2, 0.281, 0.734) and (1, 0.248, 0.73)."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    found = {}
    for mouth_w in (100.0, 60.0):
        u = (0.5 + np.arange(-0.15 * mouth_w, 0.15 * mouth_w + 1.0) / mouth_w).astype(np.float32)
        d = np.linspace(0.0, 0.1 * mouth_w, 201).astype(np.float32)
        central = _lower_row_alone(painter, np.full(len(d), 0.5 + 0.5 * 0.05, np.float32), d, 0.45 * mouth_w,
                                   mouth_w) @ LUMA
        tips = float(d[np.nonzero(central > 0.5 * float(painter.teeth_rgb @ LUMA))[0].max()])
        mid = np.abs(u - 0.5) < 1.5 / mouth_w  # the midline gap, within 1.5 px
        found[mouth_w] = []
        for share in (0.6, 0.8):
            luma = _lower_row_alone(painter, u, np.full(len(u), share * tips, np.float32), 0.45 * mouth_w,
                                    mouth_w) @ LUMA
            crowns = np.array([luma[max(i - 4, 0):i + 5].max() for i in range(len(luma))])
            depth = 1.0 - luma / np.maximum(crowns, 1e-6)
            if share == 0.6:
                inner = depth[1:-1]
                found[mouth_w].append(int(((inner >= 0.12) & (inner >= depth[:-2]) & (inner > depth[2:])
                                           & (luma[1:-1] > 0.25 * crowns.max())).sum()))
            found[mouth_w].append(round(float(depth[mid].max()), 3))
    assert all(gaps >= 1 and at_6 >= 0.2 and at_8 >= 0.5 for gaps, at_6, at_8 in found.values()), found


# A photo's own teeth: a cool white lit quarter of the opening over warmer, shaded teeth.
LIT_TEETH = (232, 240, 246)


def _two_tone_teeth_painter(analysis) -> MouthPainter:
    """A painter over the bundled photo with its opening painted as teeth lit LIT_TEETH in its upper
    quarter, shaded (205, 182, 165) below, and dark red lips."""
    bands = ((0.0, 0.25, LIT_TEETH), (0.25, 0.75, (205, 182, 165)), (0.75, 1.0, (90, 40, 40)))
    return MouthPainter(analysis.rig, _photo_with_opening(analysis, bands), analysis.appearance.grain)


def _central_lower_row(painter: MouthPainter) -> tuple[np.ndarray, np.ndarray]:
    """(d (201,) px over the lower lip, (201, 3) the lower row alone there) mid-tooth of a central
    incisor, the mouth 100 px wide, 45 px open."""
    mid_u = np.full(201, 0.5 + 0.5 * 0.05, np.float32)
    d = np.linspace(0.0, 10.0, 201).astype(np.float32)
    return d, _lower_row_alone(painter, mid_u, d, 45.0, 100.0)


def test_the_lower_teeth_take_the_hue_of_the_photos_lit_teeth(analysis):
    """The synthetic lower row under a photo's own teeth is in the hue family of the photo's lit teeth,
    darker only: here a cool white upper quarter of the opening over warmer, shaded teeth (Lab b* -4
    and 12), no pixel more than 1.5 Lab a* redder than the lit teeth and its green over luma within
    0.01 of theirs (warmed toward the lips as the upper row's shade is (_in_shade), and from the
    median of all the teeth pixels, the lower row was taupe or lilac beside the photo's white teeth,
    judge31: 03's 202,185,171 against 228,241,247; 4-16 a* pinker on six portraits). Its blue may
    fall as it darkens (LOWER_SHADE_WARM; the next test)."""
    import cv2

    lit = np.array(LIT_TEETH, np.float64)
    painter = _two_tone_teeth_painter(analysis)
    assert painter._own_teeth
    _, rgb = _central_lower_row(painter)
    shown = rgb[rgb @ LUMA > 0.5 * float(painter.teeth_rgb @ LUMA)]
    a_star = cv2.cvtColor((np.vstack([shown, lit])[None] / 255.0).astype(np.float32), cv2.COLOR_RGB2LAB)[0, :, 1]
    redder = a_star[:-1] - a_star[-1]
    green = np.abs(shown[:, 1] / (shown @ LUMA) - lit[1] / (lit @ LUMA))
    assert len(shown) > 20 and redder.max() < 1.5 and green.max() < 0.01, (len(shown), redder.max(), green.max())
    assert (shown @ LUMA < lit @ LUMA).all()


def test_a_shaded_lower_tooth_turns_yellower_not_greyer(analysis):
    """Under a photo's own teeth, the lower row's shaded part is yellower than its lit part and than
    the photo's lit teeth, in the warm family of the upper row: over the cool white lit teeth
    (LIT_TEETH, Lab b* -3.8), the darker half of a central incisor's pixels is more than 3 Lab b* over
    them (+1.2 darkened at their hue), and its blue over luma more than 0.01 under the
    lighter half's (0 darkened at their hue) (LOWER_SHADE_WARM: its
    enamel thins toward the gum and the dentin shows). Darkened at the lit teeth's own hue the row read
    cool blue-grey under 01's, 03's and the bundled photo's warm ivory teeth (judge32b; b* -4 .. +1)."""
    import cv2

    painter = _two_tone_teeth_painter(analysis)
    _, rgb = _central_lower_row(painter)
    shown = rgb[rgb @ LUMA > 0.5 * float(painter.teeth_rgb @ LUMA)]
    luma = shown @ LUMA
    darker, lighter = shown[luma < np.median(luma)], shown[luma >= np.median(luma)]

    def b_star(colours: np.ndarray) -> float:
        return float(cv2.cvtColor((colours[None] / 255.0).astype(np.float32), cv2.COLOR_RGB2LAB)[0, :, 2].mean())

    blue = [float(np.mean(part[:, 2] / (part @ LUMA))) for part in (darker, lighter)]
    lit_b = b_star(np.array([LIT_TEETH], np.float64))
    assert b_star(darker) > lit_b + 3.0 and blue[1] - blue[0] > 0.01, (b_star(darker), lit_b, blue)


def test_an_ordinary_lower_row_stands_in_shade_at_the_median_teeths_light(analysis):
    """The ordinary (not risen, not a spread mouth's) lower row takes the photo's lit teeth's hue but
    only the light of its median teeth colour: deep under the lower lip's edge, it stands in shade.
    At the lit teeth's own light it was as light as the upper row's brightest teeth (judge31b: 11's
    thin row in the widest vowel, /o/ and the smile a bright cream crescent against its magenta mouth);
    here the lit quarter is 1.2x the median's luma."""
    from facetalk.render.mouth import LOWER_TIP_LIGHT

    lit = LIT_TEETH
    painter = _two_tone_teeth_painter(analysis)
    assert painter._own_teeth
    d, rgb = _central_lower_row(painter)
    luma = rgb @ LUMA
    median = float(painter.teeth_rgb @ LUMA)
    assert np.array(lit) @ LUMA > 1.1 * median
    shown = luma[luma > 0.5 * median]
    assert len(shown) > 20 and shown.max() <= (1.0 + LOWER_TIP_LIGHT) * median, (shown.max() / median)


def test_a_spread_rows_light_comes_in_with_the_row_not_before_it(analysis):
    """A smile fading on an open jaw with the lips spread wide (`smiling` 0.4 -> 0 by 0.01, so
    _near_share 0.6 -> 1): the spread row stands past the ordinary one from near 0.63 (ROW_NEAR),
    and the lower row's light comes in with it, at most 4 luma levels per 0.01 step, over 30 levels
    in all (the ordinary row's shade to the lit teeth's). Lit from a tenth of ROW_NEAR, it switched
    on within ~5 such steps, 8-10 levels each: in a wide-open fading smile (smile 0.8, jaw 0.71 ->
    0.72) 122 px of 03's mouth changed by over 20 levels in one 0.01 step of jaw (76 on 12, 43 on
    01; out/fix32a/sweep.py). Measured 1-2 px over the lip, inside the ordinary row."""
    from facetalk.render.mouth import NEAR_WIDENED

    painter = _two_tone_teeth_painter(analysis)
    mid_u = np.full(201, 0.5 + 0.5 * 0.05, np.float32)
    d = np.linspace(0.0, 10.0, 201).astype(np.float32)
    inside = (d >= 1.0) & (d < 2.0)
    light = [float((_lower_row_alone(painter, mid_u, d, 30.0, 100.0, smiling=float(smiling),
                                     widened=NEAR_WIDENED[1] + 0.04) @ LUMA)[inside].mean())
             for smiling in np.arange(0.4, -0.001, -0.01)]
    assert light[-1] - light[0] > 30.0, (light[0], light[-1])
    assert np.abs(np.diff(light)).max() <= 4.0, np.round(np.diff(light), 2)


def test_the_lower_rows_colour_is_the_photos_lit_teeth_in_hue_and_light(analysis):
    """Under a photo's own teeth the lower row's colour (teeth_rgb x _lower_tint) is its lit teeth's,
    light included (a risen or spread mouth's row is lit so; the ordinary one then dims by
    _lower_ordinary, under 1): at the median teeth colour's light with the lit hue, 01's and the
    bundled one's rows read as a grey band (judge31). Its luma within a level of theirs, its red over
    green within 0.005, its blue lower (half way, geometrically, to the yellower median teeth
    colour's blue over luma, LOWER_LIT_YELLOW: here 246 -> 229.5, the median's 210; blue-grey it read cool under
    ivory upper teeth, judge32b) but no lower than the median's would be at that light."""
    lit = np.array(LIT_TEETH, np.float64)
    painter = _two_tone_teeth_painter(analysis)
    assert painter._own_teeth and lit @ LUMA > 1.1 * float(painter.teeth_rgb @ LUMA)
    lower, median = painter.teeth_rgb * painter._lower_tint, painter.teeth_rgb
    floor = median[2] / float(median @ LUMA) * float(lit @ LUMA)
    assert abs(float(lower @ LUMA) - float(lit @ LUMA)) < 1.0 and abs(lower[0] / lower[1] - lit[0] / lit[1]) < 0.005, lower
    assert floor + 5.0 < lower[2] < lit[2] - 5.0, (lower, floor)
    assert 0.7 < painter._lower_ordinary < 1.0


def test_no_risen_lower_tooth_is_both_the_tallest_and_the_lightest():
    """A risen row's teeth (the four each side of the midline a smile shows) differ in height
    (LOWER_SINK_JITTER x SMILE_TIP_JITTER) and in shade (SMILE_TOOTH_SHADE) by phases fixed per
    tooth: no one tooth is both the tallest and the lightest (with LOWER_SINK_JITTER's phase alone the
    left central incisor was, on every photo: judge31's one bright tall tooth)."""
    from facetalk.render.mouth import LOWER_SINK_JITTER, SMILE_TIP_JITTER, SMILE_TOOTH_SHADE, _lower_tooth_sines

    sines = _lower_tooth_sines()[:4]
    height = ((1.0 + LOWER_SINK_JITTER[0] * sines[..., 0]) * (1.0 + SMILE_TIP_JITTER[0] * sines[..., 1])).ravel()
    light = (1.0 - SMILE_TOOTH_SHADE[0] * (0.5 + 0.5 * sines[..., 3])).ravel()
    assert height[light.argmax()] < height.max() - 0.01, (height, light)
    assert light[height.argmax()] < light.max() - 0.005, (height, light)


def test_lower_teeth_tips_catch_the_light(analysis):
    """Mid-tooth, a lower incisor is lighter at its biting edge than halfway down to the lip: the
    edge faces up into the light from the opening (LOWER_TIP_LIGHT). Darkened toward the tip like
    the upper row's edge, the row read as a flat grey band under a photo's own upper teeth
    (judge29, judge27: 12, 13, 03, bundled); the tip at 0.9 of the row's height was 1.00 of its
    luma at 0.5 before, 1.11 now."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    d, rgb = _central_lower_row(painter)
    luma = rgb @ LUMA
    shown = np.nonzero(luma > 0.5 * float(painter.teeth_rgb @ LUMA))[0]
    tips = float(d[shown.max()])
    at = lambda share: float(np.interp(share * tips, d, luma))  # noqa: E731
    assert at(0.9) > 1.05 * at(0.5), (at(0.5), at(0.9))


def test_light_teeths_lit_lower_tips_stay_under_white(analysis):
    """On a photo whose own teeth are nearly white, the lower row's lit tips (LOWER_TIP_LIGHT, up
    to 1.2x the teeth's colour) stay under LOWER_TEETH_CEILING in every channel, still lighter
    than mid-tooth: uncapped they clipped to a white strip (11's smile: 278 of 255; here 271
    before, at most 245 now)."""
    from facetalk.render.mouth import LOWER_TEETH_CEILING

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    painter.teeth_rgb = np.array([240.0, 236.0, 228.0])
    painter._lower_tint = np.ones(3)  # the lower row in this teeth colour, not the photo's lit teeth
    painter._shade_rgb = painter._shade_colours()
    mouth_w, opening = 100.0, 45.0
    d = np.linspace(0.0, 0.1 * mouth_w, 201).astype(np.float32)
    rgb = _lower_row_alone(painter, np.full(201, 0.5 + 0.5 * 0.05, np.float32), d, opening, mouth_w)
    luma = rgb @ LUMA
    tips = float(d[np.nonzero(luma > 0.5 * float(painter.teeth_rgb @ LUMA))[0].max()])
    at = lambda share: float(np.interp(share * tips, d, luma))  # noqa: E731
    assert rgb.max() <= LOWER_TEETH_CEILING + 1e-9 and at(0.9) > at(0.3), (rgb.max(), at(0.3), at(0.9))


def test_the_lower_rows_ceiling_leaves_its_tips_gaps_as_dark(analysis):
    """Where LOWER_TEETH_CEILING holds light teeth (240, 236, 228) down, the gap between the lower
    central incisors near their tips (4 and 4.5 px over the lip of a 45 px opening) is as dark
    against mid-tooth as on teeth 0.8x as light, which it leaves alone: within 0.005 (0.074 and
    0.308 on both). A ceiling on the whole shade flattened the gaps with the lit tips (0.053 and 0.274)."""
    from facetalk.render.mouth import LOWER_TIP_LIGHT

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, opening, n = 100.0, 45.0, 241
    u = (0.5 + np.linspace(-0.12, 0.12, n)).astype(np.float32)
    off = np.abs(u - 0.5)
    contrast = []
    for teeth in ((240.0, 236.0, 228.0), (192.0, 188.8, 182.4)):
        painter.teeth_rgb = np.array(teeth)
        painter._lower_tint = np.ones(3)  # the lower row in this teeth colour, not the photo's lit teeth
        painter._shade_rgb = painter._shade_colours()
        assert (painter._lower_ceiling() < 1.0 + LOWER_TIP_LIGHT) == (teeth[0] > 200.0)  # only the light ones held
        for d in (4.0, 4.5):
            luma = _lower_row_alone(painter, u, np.full(n, d, np.float32), opening, mouth_w) @ LUMA
            contrast.append(1.0 - float(luma[off < 0.004].min()) / float(np.median(luma[(off > 0.04) & (off < 0.07)])))
    assert np.allclose(contrast[:2], contrast[2:], atol=0.005, rtol=0.0), contrast


def _risen_row(analysis, *, n: int):
    """A painter over the bundled photo with its opening painted shut (synthetic teeth), and a
    smile's risen lower row over the central incisors: the rows 0.14 mouth widths apart, the lower
    one risen 0.1 tall. Returns (painter, mouth_w, opening (n,), lower_show (n,), u (n,) float32)."""
    from facetalk.render.mouth import _lower_teeth_show

    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w = 1.3 * painter._rest_mouth_w
    opening = np.full(n, 0.24 * mouth_w)
    none = np.zeros(n)
    show = painter._stretched_lower_teeth(_lower_teeth_show(opening, mouth_w), opening=opening,
                                          own_upper=none, lift=none, mouth_w=mouth_w)
    u = (0.5 + np.linspace(-0.12, 0.12, n)).astype(np.float32)
    return painter, mouth_w, opening, show, u


def _lower_central_and_tips(painter, mouth_w: float, opening: np.ndarray, show: np.ndarray,
                            u: np.ndarray) -> tuple[tuple[float, float], float, float]:
    """A smile's risen lower row under synthetic upper teeth (_risen_row): ((the left and the right
    lower central incisor's width in mouth widths, from the midline's gap to the next one out at 0.7
    of the row's height, under its shortest tip (at 0.85 the slit between the rows, in shade, shows
    over a shorter tooth: TIPS_SLIT_*)); how much darker than mid-tooth (each central's middle) the
    midline's gap is at 0.85, and at 0.15)."""
    none = np.zeros(u.size)
    off = np.abs(u - 0.5)

    def luma(height: float) -> np.ndarray:
        d_lower = np.full(u.size, height * 0.1 * mouth_w)
        return painter._shade(opening - d_lower, d_lower, opening, u, mouth_w, photo_teeth=(none, none),
                              lower_show=show, lip_lift=none, smiling=1.0) @ LUMA

    tips = luma(0.85)
    at_07, widths, mid = luma(0.7), [], np.zeros(u.size, bool)
    for half in (u < 0.5, u > 0.5):
        beyond = half & (off > 0.03)  # the next gap out from the midline's, that side of it
        widths.append(float(off[beyond][np.argmin(at_07[beyond])]))
        mid |= half & (np.abs(off - 0.5 * widths[-1]) < 0.1 * widths[-1])

    def contrast(row: np.ndarray) -> float:
        return 1.0 - float(row[off < 0.002].min()) / float(np.median(row[mid]))

    return (widths[0], widths[1]), contrast(tips), contrast(luma(0.15))


def test_a_smiles_risen_lower_row_shows_incisors_parted_at_their_tips(analysis):
    """A smile's risen lower row (its teeth bared close under the upper row) shows its incisors one
    by one, parted by a wedge: the gap between the central ones at 0.85 of the row's height more
    than 0.12 darker than mid-tooth (0.76 now, the dark behind showing in the gaps: SMILE_GAP_LIGHT),
    at 0.15 (down by the lip, where they touch) under 0.4 of that (0.20 now, each central's middle
    its own side's; dark full height it read as a picket fence)."""
    painter, mouth_w, opening, show, u = _risen_row(analysis, n=481)
    painter._own_teeth = True  # under a photo's own upper row: the narrow incisors teeth30b tuned
    _, at_tips, by_lip = _lower_central_and_tips(painter, mouth_w, opening, show, u)
    assert at_tips > 0.12 and by_lip < 0.4 * at_tips, (at_tips, by_lip)


def test_a_smiles_risen_lower_gaps_show_the_dark_behind_at_the_tips(analysis):
    """Between a smile's risen lower incisors, at 0.85 of the row's height, the gap shows the dark
    behind (SMILE_GAP_LIGHT of the throat colour): more than half darker than mid-tooth (0.76 now).
    Darkened teeth instead (0.29), in _in_shade's warmth the gaps were the brick pink of the band
    between the rows and read as notches cut in a band (judge30b)."""
    painter, mouth_w, opening, show, u = _risen_row(analysis, n=481)
    painter._own_teeth = True
    _, at_tips, _ = _lower_central_and_tips(painter, mouth_w, opening, show, u)
    assert at_tips > 0.5, at_tips


def test_a_smiles_unrisen_lower_row_is_still_seen_tooth_by_tooth(analysis, monkeypatch):
    """A smile whose rows stand too far apart for its lower row to rise (an opening of 0.5 mouth
    widths: the row stays at its ordinary height, under SMILE_LOWER_RISEN's first) bares that row
    all the same (SMILE_BARED): at half its height its light varies tooth by tooth (each face convex
    about its crest, soft-tipped). Read over the middle 0.1 of the mouth, where a plain row is lit
    alike (further out it falls into shade toward the corners, LOWER_PLAIN_*, which would swamp the
    teeth's own variation): (p90 - p10) / median of the row's luma there is over 0.08 with the smile
    (0.105 now) and under 0.06 for the same smile unbared over a plain row that is not parted
    (0.043: a smooth band, a "mouthguard"). An open vowel's plain row now parts crown by crown
    (LOWER_PLAIN_PARTING: 0.169), so that foil is the numpy reference's with SMILE_BARED never
    reached and LOWER_PLAIN_PARTING 0; the reference lays the smile's row as the kernel does, and a
    bared row takes none of the plain parting. The smile's tips stand uneven, their heights over the
    middle 0.3 of the mouth spread over more than 0.5 of the tallest (0.625)."""
    import tests.render.mouth_reference as mouth_reference
    from facetalk.render.mouth import SMILE_LOWER_RISEN

    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w, n, m = 1.3 * painter._rest_mouth_w, 481, 40
    u = np.tile((0.5 + np.linspace(-0.15, 0.15, n)).astype(np.float32), m)
    step = 0.1 * mouth_w / m  # px between the heights sampled over the lip
    d_lower = np.repeat(np.arange(m) * step, n).astype(np.float32)
    args = (painter, u, d_lower, 0.5 * mouth_w, mouth_w)
    smile = _lower_row_alone(*args, smiling=1.0)
    assert np.allclose(_lower_row_alone_reference(*args, smiling=1.0), smile, rtol=0.0, atol=1e-3)
    rows = {"smile": smile}
    monkeypatch.setattr(mouth_reference, "LOWER_PLAIN_PARTING", 0.0)
    rows["smile, plain row unparted"] = _lower_row_alone_reference(*args, smiling=1.0)
    monkeypatch.setattr(mouth_reference, "SMILE_BARED", (2.0, 3.0))  # never reached: not bared
    rows["unbared, unparted"] = _lower_row_alone_reference(*args, smiling=1.0)
    found = {}
    for name, row in rows.items():
        luma = (row @ LUMA).reshape(m, n)
        lit = luma > 0.5 * luma.max()
        tips = np.array([np.flatnonzero(column).max() for column in lit.T])  # the tip's row per column
        assert tips.max() * step < SMILE_LOWER_RISEN[0] * mouth_w  # not risen: the ordinary row
        half = luma[tips.max() // 2]
        half = half[(half > 0) & (np.abs(u[:n] - 0.5) < 0.05)]
        p10, p50, p90 = np.percentile(half, [10, 50, 90])
        found[name] = ((p90 - p10) / p50, float(np.ptp(tips)) / tips.max())
    assert min(found["smile"][0], found["smile, plain row unparted"][0]) > 0.08 and found["smile"][1] > 0.5, found
    assert found["unbared, unparted"][0] < 0.06, found


def test_a_smiles_bared_row_hands_over_to_the_risen_rows_shading_without_a_gap():
    """_smile_bared: none under SMILE_BARED's first `smiling`, the whole share from its second on a
    row at its ordinary height, none on a row risen whole (its tallest pixel past SMILE_LOWER_RISEN's
    second); and as the row rises through SMILE_LOWER_RISEN the tallest pixel's bared share, max(risen
    there, the smile's), never falls under a half: a cut-off before the risen shading came in left a
    row 0.07-0.08 mouth widths tall a smooth band, and a rising row stepped bared -> band -> risen."""
    from facetalk.face.rig import smoothstep as smooth
    from facetalk.render.mouth import ROW_LOWER_H, SMILE_BARED, SMILE_LOWER_RISEN, _smile_bared

    mouth_w, n = 150.0, 8
    reach = np.ones((1, n), dtype=np.bool_)

    def bared(tallest_mw: float, smiling: float) -> float:
        rows = np.zeros((ROW_LOWER_H + 1, n))
        rows[ROW_LOWER_H] = np.linspace(0.5, 1.0, n) * tallest_mw * mouth_w
        return _smile_bared(rows, reach, smiling, mouth_w)

    assert bared(0.05, 0.5 * SMILE_BARED[0]) == 0.0 and bared(0.05, SMILE_BARED[1]) == 1.0
    assert bared(SMILE_LOWER_RISEN[1] + 0.01, 1.0) == 0.0
    for tallest in np.linspace(0.06, 0.11, 51):
        risen = float(smooth(np.float64(tallest), *SMILE_LOWER_RISEN))
        assert max(risen, bared(tallest, 1.0)) >= 0.5 - 1e-9, tallest


def test_both_lower_central_incisors_are_0_54_to_0_75_of_the_upper_central(analysis):
    """Each lower central incisor, left and right of the midline, measured in a smile's risen row,
    is 0.54-0.75 as wide as the upper central shown over it, about as lower incisors are (0.55-0.75):
    under synthetic upper teeth (their central _teeth_edges' first edge / 2 = 0.155 mouth widths)
    and under a photo's own (03's centrals about 0.11 mouth widths, out/teeth30b). Now left 0.669 /
    right 0.665 under synthetic ones, 0.591 / 0.586 under a photo's own: the two centrals near twins
    (LOWER_CENTRAL_JITTER; with the whole of LOWER_WIDTH_JITTER 16% apart, 0.55 / 0.64). As wide
    as the upper centrals the row read as a fence of square blocks (judge30); narrowed under
    synthetic ones too, 0.42 of them."""
    from facetalk.render.mouth import _teeth_edges

    painter, mouth_w, opening, show, u = _risen_row(analysis, n=481)
    ratios = []
    for own, upper_central in ((False, float(_teeth_edges()[0][1]) / 2.0), (True, 0.11)):
        painter._own_teeth = own
        widths, _, _ = _lower_central_and_tips(painter, mouth_w, opening, show, u)
        ratios += [width / upper_central for width in widths]
    assert all(0.54 <= r <= 0.75 for r in ratios), ratios


def test_the_narrowed_lower_row_outlasts_its_sink_and_a_spread_row_stops_at_its_last_edge(analysis, monkeypatch):
    """Under a photo's own upper row the lower teeth are 1/(1 + LOWER_TEETH_NARROW) as wide: on both
    sides of the midline (_teeth_edges' EDGES_LOWER, EDGES_LOWER_LEFT) the row reaches further
    across than the ordinary row's sink behind the lip (LOWER_TEETH_SINK's end), but short of a
    spread mouth's (NEAR_SINK's end). A spread row is drawn out to its last edge and no further:
    wherever it may show (_shade_rows' reach) each tooth's f stays within 0..1 (past the last edge
    it ran to -1.6..2.2, the tips' terms blowing up), and on each side it reaches to within 0.001
    across (one step of the 2001 pixels) of that edge."""
    from facetalk.render.mouth import (
        EDGES_LOWER, EDGES_LOWER_LEFT, LOWER_TEETH_NARROW, LOWER_TEETH_SINK, NEAR_SINK, ROW_LOWER_F, ROW_NEAR,
        _teeth_edges,
    )

    narrow = 1.0 + LOWER_TEETH_NARROW
    last = {side: float(_teeth_edges()[row][-1]) / narrow for side, row in (("left", EDGES_LOWER_LEFT),
                                                                            ("right", EDGES_LOWER))}
    assert all(LOWER_TEETH_SINK[1] < edge < NEAR_SINK[1] for edge in last.values()), last
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    painter._own_teeth = True
    n, mouth_w = 2001, 120.0
    u = np.linspace(0.0, 1.0, n).astype(np.float32)
    opening = np.full(n, 0.3 * mouth_w, np.float32)
    seen, original = {}, mouth_module._shade_rows

    def record(*args):
        original(*args)
        seen["rows"], seen["reach"] = args[-2].copy(), args[-1].copy()

    monkeypatch.setattr(mouth_module, "_shade_rows", record)
    painter._shade(opening - 1.0, np.ones(n, np.float32), opening, u, mouth_w,
                   photo_teeth=(np.full(n, 0.1 * mouth_w), np.zeros(n)), lower_show=np.ones(n), widened=1.3)
    rows, reach = seen["rows"], seen["reach"][0]
    # A spread mouth's row, sinking only so far out that it would reach past its last edges.
    assert 0.6 + rows[ROW_NEAR, reach].min() * (NEAR_SINK[1] - 0.6) > max(last.values()) + 0.01
    f, across = rows[ROW_LOWER_F, reach], np.abs(2.0 * u[reach].astype(np.float64) - 1.0)
    assert f.min() >= 0.0 and f.max() <= 1.0, (f.min(), f.max())
    for side, half in (("left", u[reach] < 0.5), ("right", u[reach] > 0.5)):
        assert last[side] - 1e-3 < across[half].max() < last[side], (side, across[half].max(), last[side])


def _central_incisors_turn(painter, u: np.ndarray, f: np.ndarray, central: np.ndarray, show: np.ndarray, *,
                           opening: float, up_mw: float, mouth_w: float) -> list[float]:
    """[left, right]: how much darker each lower central incisor of _risen_row's row, alone over
    black, is 0.75 of the way from its crest to its side than at its lightest, `up_mw` mouth widths
    over the lip (`u`, `f`: (n,) along the mouth and across each tooth; `central` (n,) bool)."""
    luma = _lower_row_alone(painter, u, np.full(u.size, up_mw * mouth_w, np.float32), opening, mouth_w,
                            lower_show=show, smiling=1.0) @ LUMA
    turned = []
    for half in (u < 0.5, u > 0.5):
        tooth = central & half
        flank = float(luma[tooth & (np.abs(np.abs(2.0 * f - 1.0) - 0.75) < 0.05)].mean())
        turned.append(1.0 - flank / float(luma[tooth].max()))
    return turned


def test_a_spread_mouths_lower_row_darkens_toward_the_corners(analysis):
    """A spread mouth's lower row (/i/: lips spread past NEAR_WIDENED, ROW_NEAR 1; a 12 px opening,
    the row not risen), alone over black 1 px over the lip: its teeth 0.4-0.5 of the way to a
    corner, over those 0.1-0.2 across, are more than 5% darker than with NEAR_CORNER_DIM 0 (0.92 of
    it now). Lit alike to its last tooth,
    /i/'s row read as a line of even pegs (judge33). The pixel code runs as Python here (its
    py_func) so that the patched constant reaches it; as it is, it gives the compiled kernel's."""
    from facetalk.render.mouth import NEAR_WIDENED, TH_LOWER_COVER

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    n = 101
    spans = [np.linspace(a - 0.05, a + 0.05, n) for a in (0.15, 0.45)]
    u = (0.5 + 0.5 * np.concatenate(spans)).astype(np.float32)

    def far_over_near(dim: float | None, *, python: bool = True) -> float:
        """The teeth's mean luma (where they cover fully) far over near, NEAR_CORNER_DIM `dim`
        (None: as it is), the pixel code run as Python or compiled."""
        with pytest.MonkeyPatch.context() as patch:
            for name in ("_shade_front", "_lower_tooth_at", "_bared_row_dim") if python else ():
                patch.setattr(mouth_module, name, getattr(mouth_module, name).py_func)
            if dim is not None:
                patch.setattr(mouth_module, "NEAR_CORNER_DIM", dim)
            teeth, rgb = _lower_row_laid(painter, u, np.full(u.size, 1.0, np.float32), 12.0, 100.0,
                                         widened=NEAR_WIDENED[1] + 0.04)
        luma, cover = (rgb @ LUMA).reshape(2, n), teeth[TH_LOWER_COVER].reshape(2, n) >= 0.99
        assert cover.mean(axis=1).min() > 0.8, cover.mean(axis=1)
        return float(luma[1][cover[1]].mean() / luma[0][cover[0]].mean())

    now, none = far_over_near(None), far_over_near(0.0)
    assert abs(now - far_over_near(None, python=False)) < 1e-4, now  # the Python run is the kernel's
    assert now < 0.95 * none, (now, none)


def test_touching_lower_incisors_part_only_at_their_tips(analysis):
    """A smile's risen lower incisors touch: the turn of each central's face toward its neighbour
    (0.75 of the way from its crest to its side, against its lightest) is near the lip (0.02 mouth
    widths up) under 0.65 of what it is near the tips (0.06 up; the tips at about 0.065), so the
    contacts read as short notches at the tips (LOWER_CONTACT_FADE: 0.57-0.59 now). Turned nearly
    alike the whole height (0.76-0.81 of it), every contact was a dark line from the tips half way
    to the lip: a smile's row read as tiles (judge33)."""
    from facetalk.render.mouth import LOWER_TEETH_NARROW
    from tests.render.mouth_reference import _lower_teeth_along

    painter, mouth_w, _, show, u = _risen_row(analysis, n=241)
    painter._own_teeth = True
    rank, f = _lower_teeth_along(u.astype(np.float64), narrow=1.0 + LOWER_TEETH_NARROW)
    kw = dict(opening=0.24 * mouth_w, mouth_w=mouth_w)
    tips = _central_incisors_turn(painter, u, f, rank == 0, show, up_mw=0.06, **kw)
    lip = _central_incisors_turn(painter, u, f, rank == 0, show, up_mw=0.02, **kw)
    ratios = [low / high for low, high in zip(lip, tips)]
    assert min(tips) > 0.05 and max(ratios) < 0.65, (lip, tips)


def test_a_risen_lower_rows_midline_gap_parts_only_near_the_tips(analysis):
    """A smile's risen lower row, the gap between its central incisors at its centre, where the
    teeth still cover fully (under their tips' V): the share of the dark behind that it shows
    (TH_LOWER_NOTCH, SMILE_LOWER_PARTING x along ** 6) half way up is under 0.1 of what it is at 0.9
    of that height (0.03 now; along ** 3 gave 0.17: a dark line half way down every contact, a
    smile's row read as tiles, judge33)."""
    from facetalk.render.mouth import TH_LOWER_NOTCH

    painter, mouth_w, _, show, _ = _risen_row(analysis, n=1)
    d = np.linspace(0.0, 0.12 * mouth_w, 481).astype(np.float32)
    u = np.full(d.size, 0.5, np.float32)
    teeth, _ = _lower_row_laid(painter, u, d, 0.24 * mouth_w, mouth_w, lower_show=np.full(d.size, show[0]),
                               smiling=1.0)
    notch, cover = teeth[TH_LOWER_NOTCH], teeth[TH_LOWER_COVER]
    tip = float(d[np.nonzero(cover >= 0.99)[0].max()])  # where the tooth still covers fully
    half, high = np.interp([0.5 * tip, 0.9 * tip], d, notch)
    assert high > 1e-3 and half < 0.1 * high, (tip, half, high)


def test_a_bared_lower_incisor_is_lit_on_its_crest_and_its_edge_rounds_into_its_sides(analysis):
    """A smile's risen lower incisors, alone over black: near their tips (0.06 mouth widths up, the
    tips at about 0.065), each central turns away from the light across its width, 0.75 of the way
    from its crest to its side more than 0.10 darker than its lightest (LOWER_TOOTH_ROUND: 0.112-0.117
    now; the turn fades toward the lip, LOWER_CONTACT_FADE: 0.05 up 0.099-0.102, 0.131-0.135 with
    none of it, 0.066-0.081 before LOWER_TOOTH_ROUND); and its worn biting
    edge rounds down into its sides, so two tips meet in a narrow V of the dark behind: the tooth's
    top a fifth of the way in from either side is on average 0.96-0.98 of its height mid-tooth
    (LOWER_TIP_ROUND: 0.973 now; one side tilted up, SMILE_TIP_JITTER). Nearly flat-lit and
    square-tipped (0.99), the row read as piano keys (judge31); rounded to 0.95 (LOWER_TIP_ROUND
    0.18), as separate rounded pegs, corn kernels (judge32b)."""
    from facetalk.render.mouth import LOWER_TEETH_NARROW
    from tests.render.mouth_reference import _lower_teeth_along

    painter, mouth_w, _, show, u = _risen_row(analysis, n=241)
    painter._own_teeth = True  # narrowed as under a photo's own upper row, as _lower_teeth_along's here
    rank, f = _lower_teeth_along(u.astype(np.float64), narrow=1.0 + LOWER_TEETH_NARROW)
    central = rank == 0
    n, opening = u.size, 0.24 * mouth_w
    turned = _central_incisors_turn(painter, u, f, central, show, opening=opening, up_mw=0.06, mouth_w=mouth_w)
    # The tooth's top mid-tooth and a fifth of the way in from either side, right of the midline.
    d = np.linspace(0.0, opening, 961).astype(np.float32)
    tops = []
    for at in (0.5, 0.2, 0.8):
        u_at = float(u[(u > 0.5) & central][np.argmin(np.abs(f[(u > 0.5) & central] - at))])
        column = _lower_row_alone(painter, np.full(d.size, u_at, np.float32), d, opening, mouth_w,
                                  lower_show=np.full(d.size, float(np.interp(u_at, u, show))), smiling=1.0) @ LUMA
        tops.append(float(d[np.nonzero(column > 0.5 * float(column.max()))[0].max()]))
    assert min(turned) > 0.10 and 0.96 * tops[0] < 0.5 * (tops[1] + tops[2]) < 0.98 * tops[0], (turned, tops)


def test_a_spread_rows_incisors_tips_stand_at_uneven_heights(analysis):
    """Lips spread (/i/), the four lower incisors' tips mid-tooth stand at heights over the lip whose
    spread over their mean is over 0.095 (NEAR_JAG: 0.101 now, 0.086 at half a risen row's
    unevenness, where its teeth read as alike pegs, judge32b)."""
    from facetalk.render.mouth import LOWER_TEETH_NARROW, NEAR_WIDENED
    from tests.render.mouth_reference import _lower_teeth_along

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    u = np.linspace(0.3, 0.7, 801)
    rank, f = _lower_teeth_along(u, narrow=1.0 + LOWER_TEETH_NARROW)
    d = np.linspace(0.0, 12.0, 1201).astype(np.float32)
    tops = []
    for tooth in ((rank == r) & half for r in (0, 1) for half in (u < 0.5, u > 0.5)):
        u_at = float(u[tooth][np.argmin(np.abs(f[tooth] - 0.5))])
        column = _lower_row_alone(painter, np.full(d.size, u_at, np.float32), d, 30.0, 100.0,
                                  widened=NEAR_WIDENED[1] + 0.04) @ LUMA
        tops.append(float(d[np.nonzero(column > 0.5 * column.max())[0].max()]))
    assert np.std(tops) / np.mean(tops) > 0.095, tops


def test_the_lower_teeth_are_not_alike_in_width_each_side_of_the_midline():
    """The lower row's teeth each side of the midline differ in width (LOWER_WIDTH_JITTER, fixed per
    tooth): the four incisors and canines' widths differ from their mirror image's by more than 5% on
    average, and no side's incisors are evenly spaced (their widths' spread over their mean > 0.04).
    Alike on both sides, a bared row's gaps stood evenly spaced, a comb (judge31)."""
    from facetalk.render.mouth import EDGES_LOWER, EDGES_LOWER_LEFT, _teeth_edges

    right, left = (np.diff(_teeth_edges()[row])[:4] for row in (EDGES_LOWER, EDGES_LOWER_LEFT))
    apart = np.abs(right - left) / (0.5 * (right + left))
    incisors = [w[:2].std() / w[:2].mean() for w in (right, left)]
    assert apart.mean() > 0.05 and min(incisors) > 0.04, (apart, incisors)


def test_the_two_lower_central_incisors_are_near_twins():
    """The lower central incisors either side of the midline are within 4% of each other's width,
    as real ones are; the unevenness is the laterals' and canines' (LOWER_CENTRAL_JITTER): with the
    whole of LOWER_WIDTH_JITTER they stood 15% apart, one plainly the wider (judge32b). Their edges
    as drawn (_teeth_edges), so the per-side scale to the corner counts too."""
    from facetalk.render.mouth import EDGES_LOWER, EDGES_LOWER_LEFT, _teeth_edges

    right, left = (float(np.diff(_teeth_edges()[row])[0]) for row in (EDGES_LOWER, EDGES_LOWER_LEFT))
    assert abs(right - left) / (0.5 * (right + left)) < 0.04, (right, left)


def test_a_smiles_risen_lower_teeth_are_each_shaded_and_rounded(analysis, monkeypatch):
    """A smile's risen lower incisors, alone over black at 0.6 and 0.65 of their height: the
    two central ones differ in light by more than 0.01 of their mean (SMILE_TOOTH_SHADE: 0.018
    now, 0.0002 unrisen), and each turns into shade toward its sides, at 0.6 of the way from its
    middle more than 0.027 darker than mid-tooth (SMILE_LOWER_CONVEX, more toward the tips, and
    the bared row's LOWER_TOOTH_ROUND: 0.061-0.064 now), an unrisen plain row at a third of its
    height under 0.015 there (0.014): a row of alike flat teeth read as a painted band. That foil
    is the numpy reference's with LOWER_PLAIN_PARTING 0 (as the kernel lays it otherwise): the open
    vowel's plain row now parts crown by crown, its gap reaching 0.6 of the way out (0.039 with it),
    which measures the gap, not the tooth's rounding. Each tooth is labelled in its side's own
    widths (_lower_teeth_along, as _shade_rows does)."""
    import tests.render.mouth_reference as mouth_reference
    from facetalk.render.mouth import LOWER_TEETH_NARROW
    from tests.render.mouth_reference import _lower_teeth_along

    painter, mouth_w, _, show, u = _risen_row(analysis, n=241)
    painter._own_teeth = True  # under a photo's own upper row: narrowed as _lower_teeth_along's here
    n = u.size
    # Each side's teeth in that side's widths, as _shade_rows labels them (LOWER_WIDTH_JITTER).
    rank, f = _lower_teeth_along(u.astype(np.float64), narrow=1.0 + LOWER_TEETH_NARROW)
    central = rank == 0

    def laid(lay, *, height: float, smiling: float) -> np.ndarray:
        d_lower = np.full(n, height * 0.1 * mouth_w, np.float32)
        return lay(painter, u, d_lower, 0.24 * mouth_w, mouth_w, lower_show=show, smiling=smiling)

    def measured(row: np.ndarray) -> tuple[float, float]:
        luma = row @ LUMA
        left, right = (float(np.median(luma[central & half & (np.abs(f - 0.5) < 0.1)])) for half in (u < 0.5, u > 0.5))
        mid = float(luma[central & (np.abs(f - 0.5) < 0.02)].mean())
        sides = float(luma[central & (np.abs(np.abs(2.0 * f - 1.0) - 0.6) < 0.04)].mean())
        return abs(left - right) / (0.5 * (left + right)), 1.0 - sides / mid

    risen = [measured(laid(_lower_row_alone, height=height, smiling=1.0)) for height in (0.6, 0.65)]
    plain = laid(_lower_row_alone, height=0.33, smiling=0.0)
    assert np.allclose(laid(_lower_row_alone_reference, height=0.33, smiling=0.0), plain, rtol=0.0, atol=1e-3)
    monkeypatch.setattr(mouth_reference, "LOWER_PLAIN_PARTING", 0.0)
    unrisen = measured(laid(_lower_row_alone_reference, height=0.33, smiling=0.0))
    assert min(apart for apart, _ in risen) > 0.01 and unrisen[0] < 0.002, (risen, unrisen)
    assert min(side for _, side in risen) > 0.027 and unrisen[1] < 0.015, (risen, unrisen)


def test_synthetic_teeth_are_as_light_as_photographed_ones(analysis):
    """Over the skin, synthetic teeth are as light as the photo's own teeth (the bundled portrait's
    1.18): within 0.04 of it (1.19 now, 1.27 before: on a faded print they stood at its brightest
    highlights, a bright band in the shadowed mouth)."""
    import cv2

    from facetalk.face import landmarks as lm

    pts = analysis.rig.rest_xyz[:, :2]
    face = np.zeros(analysis.image.shape[:2], np.uint8)
    cv2.fillPoly(face, [np.round(pts[list(lm.FACE_OVAL)]).astype(np.int32)], 1)
    skin = float(np.median(analysis.image[face > 0] @ LUMA))
    own = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    synthetic = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    assert own._own_teeth and not synthetic._own_teeth
    ratios = own.teeth_rgb @ LUMA / skin, synthetic.teeth_rgb @ LUMA / skin
    assert abs(ratios[1] - ratios[0]) < 0.04, ratios


def test_canines_come_to_a_cusp_and_teeth_round_into_their_gaps(analysis):
    """A canine's tip is a point, an incisor's a straight edge (they were cut alike, blocks); and
    a tooth turns into shade toward its sides, so a gap is where two shaded sides meet: 0.1 of the
    way across, clear of the gap, a tooth is under 0.92 of its middle's light (0.94 before)."""
    f = np.array([0.25, 0.5])
    canine, incisor = _tooth_length_compiled(np.array([2, 2]), f), _tooth_length_compiled(np.array([0, 0]), f)
    assert canine[0] < 0.85 * canine[1] and incisor[0] > 0.97 * incisor[1]
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    edge = _teeth_edges()[EDGES_UPPER][1]
    side_mid = 0.5 + 0.5 * np.array([0.1, 0.5]) * edge  # 0.1 and half way across the central incisor
    d_lip = np.full(2, 6.0)  # clear of the lip's shadow
    light = _upper_tooth_shade(painter, side_mid, d_lip, 80.0)
    assert light[0] < 0.92 * light[1], light


def _tip_grid(painter, *, tongue_tip: float, shade=None) -> np.ndarray:
    """(R, C) luma of _shade over one half of an opening 30 px tall at a 100 px mouth (synthetic upper teeth 10 px):
    rows 0.5 px apart from 10.25 px under the upper lip (just under the teeth's edge) down 8 px, columns from
    mid-mouth (across 0) to 0.6 of the way to a corner, 0.01 apart. `shade`: the painter's _shade by default, or
    ShadeReference(painter).shade (whose constants a test may patch)."""
    mouth_w, opening = 100.0, 30.0
    d, across = np.meshgrid(np.arange(10.25, 18.3, 0.5), np.arange(0.0, 0.605, 0.01), indexing="ij")
    none = np.zeros(d.size)
    shade = painter._shade if shade is None else shade
    return (shade(d.ravel(), opening - d.ravel(), np.full(d.size, opening), 0.5 + 0.5 * across.ravel(),
                  mouth_w, photo_teeth=(none, none), tongue_tip=tongue_tip) @ LUMA).reshape(d.shape)


def test_a_raised_tongue_tip_narrows_to_a_rounded_apex_at_the_teeth(analysis, monkeypatch):
    """For t d n l the raised tip seen from the front is a rounded apex narrowing from a flared foot, touching
    the back of the upper teeth: the width it lights (over the resting tongue, by more than 8 levels) 1-2 px
    under the teeth's edge is under 0.7 of its width 6-7 px down (0.64; 0.82 with the flat-topped blade, a pink
    panel from teeth to teeth, judge42), yet it reaches them mid-mouth; and that foot is lit no wider than the
    outline (BLADE_HALF 0.28: at most 32 of the 0.01 columns, 31 now; lit out to TIP_LIT_HALF 0.36 it reached 34,
    the body's shoulders lit into a broad mass, rev43q, and the bar above was 0.6 at 0.54; 30 over the shorter
    resting tongue before cavity43's TONGUE_SHARE_WIDE 0.5, which the lit width is counted over). Shaded by its curvature:
    mid-mouth it is lighter 3 px under the teeth than 6 px lower (its lit top over its underside) and 0.5 px under
    their edge darker by its contact line (14.5 against the reference without TIP_CONTACT), and half way out its
    flank's rim darkens it (10.5 against the reference with TIP_ROUND[0] 0)."""
    import tests.render.mouth_reference as mouth_reference
    from facetalk.render.mouth import TIP_ROUND

    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    rest, tip = (_tip_grid(painter, tongue_tip=t) for t in (0.0, 1.0))
    lit = tip - rest > 8
    # Each row's half width: the columns lit from mid-mouth out without a break.
    width = np.array([np.argmin(np.append(row, False)) for row in lit])
    top, base = width[2:5].mean(), width[12:15].mean()  # 1.25-2.25 px and 6.25-7.25 px under the teeth
    assert width[1] > 0 and top < 0.7 * base and width[12:15].max() <= 32, (list(width), top, base)
    assert tip[6, 0] > tip[18 - 6, 0] + 3, (tip[6, 0], tip[12, 0])
    reference = ShadeReference(painter)
    monkeypatch.setattr(mouth_reference, "TIP_CONTACT", (0.0, mouth_reference.TIP_CONTACT[1]))
    uncontacted = _tip_grid(painter, tongue_tip=1.0, shade=reference.shade)
    assert tip[0, 0] < uncontacted[0, 0] - 10, (tip[0, 0], uncontacted[0, 0])
    monkeypatch.undo()
    monkeypatch.setattr(mouth_reference, "TIP_ROUND", (0.0, TIP_ROUND[1]))
    unrimmed = _tip_grid(painter, tongue_tip=1.0, shade=reference.shade)
    half = int(round(width[6] / 2))
    assert tip[6, half] < unrimmed[6, half] - 5, (tip[6, half], unrimmed[6, half], half)
    # Beside it, 0.45 of the way to a corner, none of the column's upper third just under the teeth changes.
    assert not lit[:5, 45].any()


def test_the_interiors_grain_is_luminance_only(analysis):
    """A grey print's mouth stays grey to the pixel: the photo's grain goes on as luminance
    (channels moved alike), not as coloured speckles (up to 10 levels of channel spread before)."""
    from facetalk.face.appearance import photo_grain
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    grey = np.repeat(np.round(analysis.image @ LUMA)[..., None], 3, axis=2).astype(np.uint8)
    renderer = Renderer(analysis)
    frame = MotionFrame(t_s=0, jaw_open=1.0)
    out = np.repeat(np.round(renderer.render(frame) @ LUMA)[..., None], 3, axis=2).astype(np.uint8)
    before = out.copy()
    painter = MouthPainter(analysis.rig, grey, photo_grain(grey), softness_px=renderer._mouth._softness)
    buf = renderer._buffers
    from facetalk.render.renderer import posed_vertices

    painter.paint(out, posed_vertices(analysis.rig, frame), buf.tri_id, buf.bary)
    painted = np.any(out != before, axis=2)
    spread = np.ptp(out[painted].astype(int), axis=1)
    assert painted.sum() > 300 and spread.max() <= 1, spread.max()


def test_the_photos_grain_is_mostly_kept_off_the_cavity(analysis):
    """The photo's grain over the cavity behind tongue and teeth is at most CAVITY_GRAIN_KEEP (0.3)
    of it (a painting's brushwork drawn whole over the inside put the canvas in the mouth, judge38)
    and fades in proportion under CAVITY_GRAIN_DARK (48) levels of the laid luma (on a near-black it
    shows as streaks at 4x): grain of a constant 8 levels moves a cavity of luma 96 by 8 x 0.3 (+-0.5
    rounding), one of luma 12 by at most a quarter of that + 0.5; dark lips (not the cavity) and the
    photo's own teeth laid sharp over it keep it whole at luma 12 (a low-key photo's shadowed lips
    keep its grain)."""
    from facetalk.render.mouth import CAVITY_GRAIN_KEEP

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    ys, xs = np.mgrid[10:30, 10:30]
    ys, xs = ys.ravel(), xs.ravel()
    n, centre = len(ys), (slice(16, 24), slice(16, 24))  # whole cover, away from the blurred edge

    def moved(level: float, **kw) -> np.ndarray:
        """(8, 8) levels the grain moves the centre of a grey `level` square laid whole (`kw`: _composite's)."""
        lumas = []
        for grain in (0.0, 8.0):
            painter._noise = np.full_like(painter._noise, grain)
            out = np.zeros((40, 40, 3), np.uint8)
            painter._composite(out, (0, 0, 40, 40), ys, xs, np.full((n, 3), level), np.ones(n), **kw)
            lumas.append(out[centre].astype(float) @ LUMA)
        return lumas[1] - lumas[0]

    inside = np.ones(n)
    dark = moved(12.0, inside=inside)
    assert dark.max() <= 8.0 * CAVITY_GRAIN_KEEP * 12.0 / 48.0 + 0.5, (dark.min(), dark.max())
    assert np.allclose(moved(96.0, inside=inside), 8.0 * CAVITY_GRAIN_KEEP, atol=0.51)
    assert np.allclose(moved(12.0), 8.0, atol=0.01)  # the lips
    assert np.allclose(moved(12.0, inside=inside, sharp=np.ones(n, np.float32)), 8.0, atol=0.01)  # own teeth


def test_a_prints_softer_edge_leaves_its_inside_as_sharp_as_the_photo(analysis):
    """On a one-tint print the opening's edge is softer than the photo (OPEN_SOFTEN), but only the
    edge: the colours inside it are blurred by the photo's own softness. Blurred whole by the
    edge's, 08-10's tongue, band and teeth ran into one grey smear (judge39). 2 px stripes 60
    levels apart laid whole: the centre within 1 level of the photo's softness alone (14
    levels off on the old code), while the square's edge stays the softer one."""
    painter = MouthPainter(analysis.rig, _sepia(analysis.image), np.zeros_like(analysis.appearance.grain))
    assert painter._open_softness > 1.5 * painter._softness, (painter._open_softness, painter._softness)
    ys, xs = np.mgrid[8:40, 8:40]
    ys, xs = ys.ravel(), xs.ravel()
    color = np.where(((xs // 2) % 2 == 0)[:, None], 60.0, 120.0) * np.ones((1, 3))

    def laid(open_softness: float) -> np.ndarray:
        painter._open_softness = open_softness
        out = np.zeros((48, 48, 3), np.uint8)
        painter._composite(out, (0, 0, 48, 48), ys, xs, color, np.ones(len(ys)))
        return out.astype(float) @ LUMA

    soft_edge, photo = laid(painter._open_softness), laid(painter._softness)
    centre = (slice(16, 32), slice(16, 32))
    assert np.abs(soft_edge[centre] - photo[centre]).max() <= 1.0, np.abs(soft_edge[centre] - photo[centre]).max()
    assert np.ptp(soft_edge[centre][0]) > 20.0  # the stripes are still there
    assert soft_edge[24, 6] > photo[24, 6] + 4.0, (soft_edge[24, 6], photo[24, 6])  # 2 px outside: the softer edge


def test_a_prints_inside_carries_its_grain_whole_and_a_paintings_tongue_the_cavitys(analysis):
    """The grain over the inside is one level: the tongue's share keeps what the cavity's does
    (CAVITY_GRAIN_KEEP, judge39: 05/06's tongue held the canvas whole beside smooth walls), and on
    a one-tint print that is all of it (08-10's inside a smooth smear in a grainy face): grain of
    8 moves a luma-96 square laid with the tongue's share (_shade's `inside` mid-mouth, low down
    in a wide opening: 0 on the old code) by 8 x 0.3 on the colour photo, and one laid as cavity
    by 8 on its sepia print (8 x 0.3 on the old code)."""
    from facetalk.render.mouth import CAVITY_GRAIN_KEEP

    mouth_w, opening = 100.0, 60.0
    d = np.linspace(0.55, 0.9, 15) * opening  # mid-mouth, over the tongue's top toward the lower lip
    u = np.full_like(d, 0.5)
    shares = {}
    for name, image in (("photo", analysis.image), ("print", _sepia(analysis.image))):
        painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
        inside = np.empty(len(d))
        painter._shade(d, opening - d, np.full_like(d, opening), u, mouth_w, photo_teeth=(np.zeros_like(d),) * 2,
                       inside=inside)
        ys, xs = np.mgrid[10:30, 10:30]
        ys, xs = ys.ravel(), xs.ravel()
        n, centre = len(ys), (slice(16, 24), slice(16, 24))
        lumas = []
        for grain in (0.0, 8.0):
            painter._noise = np.full_like(painter._noise, grain)
            out = np.zeros((40, 40, 3), np.uint8)
            share = inside.min() if name == "photo" else 1.0
            painter._composite(out, (0, 0, 40, 40), ys, xs, np.full((n, 3), 96.0), np.ones(n), inside=np.full(n, share))
            lumas.append(out[centre].astype(float) @ LUMA)
        shares[name] = float(np.median(lumas[1] - lumas[0]))
    assert abs(shares["photo"] - 8.0 * CAVITY_GRAIN_KEEP) <= 0.51, shares
    assert abs(shares["print"] - 8.0) <= 0.51, shares


def test_a_prints_mouth_carries_its_own_hatching_not_noise(analysis):
    """On a one-tint print the grain laid over what the mouth draws is the print's own detail
    (_with_print_detail), at its own level: a grey print of the bundled face hatched with diagonal
    lines (period 6 px, +-30 levels) gets over the face a field that runs along the hatching
    (correlation 3 px along it > 0.4, half a period across it < -0.25; seeded noise, the old
    grain: 0.005, 0.017) at the
    photo's own level (median deviation within 30%: the old grain's was the photo's capped at 8).
    The colour photo's grain stays as it was, bit for bit; and a print's darks keep it (a luma-12
    inside moves by the whole 8 levels of grain, not 12/48 of it: an engraving's dark is lines)."""
    import cv2

    from facetalk.face import landmarks as lm
    from facetalk.face.appearance import photo_grain
    from facetalk.render.mouth import PRINT_DETAIL_BLUR_PX
    from facetalk.render.sampling import luminance_grain, pixel_box

    grey = np.repeat(analysis.image.astype(float) @ LUMA, 3).reshape(analysis.image.shape)
    ys, xs = np.mgrid[:grey.shape[0], :grey.shape[1]]
    hatched = np.clip(grey + 30.0 * np.sign(np.sin(2 * np.pi * (xs + ys) / 6.0))[..., None], 0, 255).astype(np.uint8)
    painter = MouthPainter(analysis.rig, hatched, photo_grain(hatched))
    assert painter._held == 1.0
    x0, y0, x1, y1 = pixel_box(analysis.rig.rest_xyz[list(lm.FACE_OVAL), :2], pad=0, shape=grey.shape)
    noise = painter._noise[y0:y1, x0:x1, 0]

    def corr(a: np.ndarray, b: np.ndarray) -> float:
        a, b = a - a.mean(), b - b.mean()
        return float(np.mean(a * b) / np.sqrt(np.mean(a * a) * np.mean(b * b)))

    along, across = corr(noise[3:, :-3], noise[:-3, 3:]), corr(noise[:-3], noise[3:])  # half a period across
    assert along > 0.4 and across < -0.25, (along, across)  # seeded noise: 0.005, 0.017
    luma = hatched[y0:y1, x0:x1].astype(np.float32) @ LUMA.astype(np.float32)
    level = np.median(np.abs(luma - cv2.GaussianBlur(luma, (0, 0), PRINT_DETAIL_BLUR_PX)))
    assert abs(np.median(np.abs(noise)) / level - 1.0) < 0.3, (np.median(np.abs(noise)), level)
    colour = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    box = pixel_box(analysis.rig.rest_xyz[list(lm.FACE_OVAL), :2], pad=0, shape=grey.shape)
    assert np.array_equal(colour._noise, luminance_grain(analysis.image, analysis.appearance.grain, box=box))
    ys, xs = np.mgrid[10:30, 10:30]
    ys, xs = ys.ravel(), xs.ravel()
    lumas = []
    for grain in (0.0, 8.0):
        painter._noise = np.full_like(painter._noise, grain)
        out = np.zeros((40, 40, 3), np.uint8)
        painter._composite(out, (0, 0, 40, 40), ys, xs, np.full((len(ys), 3), 12.0), np.ones(len(ys)),
                           inside=np.ones(len(ys)))
        lumas.append(out[16:24, 16:24].astype(float) @ LUMA)
    assert np.allclose(lumas[1] - lumas[0], 8.0, atol=0.51), (lumas[1] - lumas[0]).max()


def test_the_interiors_grain_is_as_coarse_as_the_photos(analysis):
    """The grain drawn over the mouth is as coarse as the photo's own fine detail (neighbouring
    pixels of the bundled photo's face correlate 0.7 there), within 0.12, at the grain's
    level; it was white noise, -0.1: a crisp speckle over a soft photo."""
    import cv2

    from facetalk.face import landmarks as lm

    def neighbour_corr(field):
        high = (field - cv2.GaussianBlur(field, (0, 0), 1.5))[2:-2, 2:-2]
        across, down = np.mean(high[:, 1:] * high[:, :-1]), np.mean(high[1:] * high[:-1])
        return 0.5 * float(across + down) / float(np.mean(high ** 2))

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    face = analysis.rig.rest_xyz[list(lm.FACE_OVAL), :2]
    (x0, y0), (x1, y1) = np.floor(face.min(axis=0)).astype(int), np.ceil(face.max(axis=0)).astype(int)
    photo = neighbour_corr(analysis.image[max(y0, 0):y1, max(x0, 0):x1].astype(np.float32) @ LUMA.astype(np.float32))
    noise = painter._noise[..., 0]
    assert abs(neighbour_corr(noise) - photo) < 0.12, (neighbour_corr(noise), photo)
    assert abs(noise.std() - analysis.appearance.grain.std()) < 0.05 * analysis.appearance.grain.std()


def test_synthetic_upper_teeth_stay_on_the_skull_when_the_lip_rises(analysis):
    """The upper teeth are fixed to the skull: a raised upper lip shows more of them and their
    biting edge stays where it was (they hung from the lip and rose with it). The lip's rise over
    its place on the skull is read from the posed mesh, the head's own turn taken out."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import head_posed, posed_vertices

    rig = analysis.rig
    painter = MouthPainter(rig, analysis.image, analysis.appearance.grain)
    mouth_w = rig.mouth_width_px
    mid = lm.LIPS_INNER_UPPER[len(lm.LIPS_INNER_UPPER) // 2]

    def on_skull(frame):
        return head_posed(rig, frame, rig.rest_xyz[list(lm.LIPS_INNER_UPPER)])[:, :2]

    turn = MotionFrame(t_s=0, yaw_deg=8.0, pitch_deg=5.0, roll_deg=3.0)
    # The head alone moves no lip, and neither do expressions away from it.
    for frame in (turn, turn.with_(brow_raise=1.0, eye_squint=1.0)):
        assert np.abs(painter._lip_lift(posed_vertices(rig, frame), mouth_w, on_skull(frame))).max() < 0.05
    for pose in ({}, dict(yaw_deg=8.0, pitch_deg=5.0)):
        rest = posed_vertices(rig, MotionFrame(t_s=0, **pose))
        raised_frame = MotionFrame(t_s=0, upper_lip_raise=0.5, **pose)
        raised = posed_vertices(rig, raised_frame)
        rise = float(np.linalg.norm(raised[mid, :2] - rest[mid, :2]))
        assert rise > 2.0 and abs(painter._lip_lift(raised, mouth_w, on_skull(raised_frame))[mid] - rise) < 0.15 * rise
    # Lifted by `lift` px, the lip shows the teeth's edge `lift` px further from it.
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    d = np.linspace(0.0, 30.0, 601)
    none = np.zeros_like(d)
    edges = []
    for lift in (0.0, 4.0):
        luma = painter._shade(d, 40.0 - d, np.full_like(d, 40.0), np.full_like(d, 0.56), 100.0,
                              photo_teeth=(none, none), lip_lift=np.full_like(d, lift)) @ LUMA
        top = int(np.argmax(luma))
        edges.append(float(d[top + np.argmax(luma[top:] < 0.5 * (luma[top] + luma[-100:].min()))]))
    assert abs(edges[1] - edges[0] - 4.0) < 0.5, edges


def test_the_tongue_behind_rows_barely_apart_is_shaded_by_the_upper_teeth(analysis):
    """Rows barely apart (/i/, a smile): the tongue seen between them is darker just under the
    upper teeth than by the lower row, by at least a sixth (one flat colour before)."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w, opening = 100.0, 14.0  # 10 px of upper teeth, then 4 px to the lower lip
    d = np.array([10.6, 13.4])
    u = np.full(2, 0.56)
    luma = painter._shade(d, opening - d, np.full(2, opening), u, mouth_w,
                          photo_teeth=(np.zeros(2), np.zeros(2))) @ LUMA
    assert luma[1] > 1.17 * luma[0], luma


def _narrow_column(painter, *, tongue_tip: float, u: float, shade=None) -> np.ndarray:
    """(N, 3) _shade down one column of a narrow opening (an /l/ with the jaw barely down: 16 px at
    a 100 px mouth, 10 px of synthetic upper teeth, 6 px to the lower lip) from 10.5 px under the
    upper lip (just under the teeth's edge) to the lower lip, at `u` along the mouth. `shade`: as _tip_grid's."""
    mouth_w, opening = 100.0, 16.0
    d = np.arange(10.5, 15.6, 1.0)
    shade = painter._shade if shade is None else shade
    return shade(d, opening - d, np.full(len(d), opening), np.full(len(d), u), mouth_w,
                 photo_teeth=(np.zeros(len(d)), np.zeros(len(d))), tongue_tip=tongue_tip)


def test_a_raised_tongue_tip_shows_through_a_narrow_opening(analysis, monkeypatch):
    """/l/ with the rows close (07's and 02's lip models): mid-mouth just under the upper teeth the
    raised tip is the lit front of the tongue, lighter and redder than the tongue resting there in
    the teeth's shade (a narrow gap showed the same dim tongue whether the tip was raised or not),
    from 1.5 px under the teeth down (by 13.0 in red over green; 11.9 with the flat blade, 10.1 with the
    apex lit by its bell, fix43p). At 0.5 px it is darker by more than 12 (19.4: the apex's own edge under
    the teeth's cover; the penumbra alone gave 7.8): its contact line with their back fades out through a
    gap this narrow (NARROW_GAP), the column the same as the reference's without TIP_CONTACT (at a wide
    gap it darkens 14.5, test_a_raised_tongue_tip_narrows_to_a_rounded_apex_at_the_teeth). Toward the
    corners, beside the blade, nothing changes."""
    import tests.render.mouth_reference as mouth_reference

    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    rest, column = (_narrow_column(painter, tongue_tip=t, u=0.5)[:4] for t in (0.0, 0.85))
    rest, tip = rest[1:], column[1:]
    assert (tip @ LUMA).mean() > (rest @ LUMA).mean() + 15, (tip, rest)
    assert (tip[:, 0] - tip[:, 1]).mean() > (rest[:, 0] - rest[:, 1]).mean() + 12
    assert column[0] @ LUMA < column[1] @ LUMA - 12, column @ LUMA
    monkeypatch.setattr(mouth_reference, "TIP_CONTACT", (0.0, mouth_reference.TIP_CONTACT[1]))
    uncontacted = _narrow_column(painter, tongue_tip=0.85, u=0.5, shade=ShadeReference(painter).shade)[:4]
    assert np.allclose(uncontacted, column, rtol=0.0, atol=1e-3), (uncontacted @ LUMA, column @ LUMA)
    beside = (_narrow_column(painter, tongue_tip=t, u=0.85) for t in (0.85, 0.0))
    assert np.array_equal(*beside)


def test_the_tongue_behind_a_narrow_gap_is_a_deep_red(analysis):
    """Seen between rows barely apart, in the teeth's shade, the tongue is redder over green than
    its lit front colour (toward its back's deep red, NARROW_DEEP): dimmed in its front's own hue it
    read as a grey-brown band between the orange-red lips of a warm face."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    column = _narrow_column(painter, tongue_tip=0.0, u=0.6)[3:]  # below the teeth's penumbra
    tongue = painter.tongue_rgb
    assert (column[:, 0] / column[:, 1]).min() > 1.07 * tongue[0] / tongue[1], (column, tongue)


def test_the_face_down_axis_turns_with_the_face(analysis):
    """The mouth's one down axis (the photo's teeth hang along it, the lip's rise is read along
    it) is square to the eye line and follows a rolled face."""
    from facetalk.render.mouth import _face_down

    rest = analysis.rig.rest_xyz[:, :2].astype(np.float64)
    down = _face_down(rest)
    assert abs(np.linalg.norm(down) - 1.0) < 1e-9 and down[1] > 0.9  # an upright photo: down the image
    angle = np.radians(20.0)
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    assert np.allclose(_face_down(rest @ turn.T), turn @ down, atol=1e-9)


def test_the_tongue_does_not_depend_on_which_pixels_get_painted(analysis):
    """The resting tongue's arch is measured from the opening's own height: with the middle of
    the opening not painted (hidden, or off the frame), the rest of it is painted exactly as
    before (the arch read the largest opening among painted pixels and dropped with it)."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    renderer = Renderer(analysis)
    frame = MotionFrame(t_s=0, jaw_open=1.0)
    base = renderer.render(frame)
    buf = renderer._buffers
    verts = posed_vertices(analysis.rig, frame)
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    cavity = renderer.cavity_mask()
    xs = np.nonzero(cavity.any(axis=0))[0]
    mid, half = 0.5 * (xs[0] + xs[-1]), 0.5 * (xs[-1] - xs[0])
    hidden = buf.tri_id.copy()
    hidden[:, int(mid - 0.3 * half):int(mid + 0.3 * half) + 1] = -1
    whole, cut = base.copy(), base.copy()
    painter.paint(whole, verts, buf.tri_id, buf.bary)
    painter.paint(cut, verts, hidden, buf.bary)
    sides = np.zeros_like(cavity)
    sides[:, xs[0]:int(mid - 0.45 * half)] = sides[:, int(mid + 0.45 * half):xs[-1] + 1] = True
    sides &= cavity
    assert sides.sum() > 100
    assert np.array_equal(whole[sides], cut[sides])


def test_lips_nearly_shut_over_photographed_teeth_show_a_dark_slit(analysis):
    """The bundled portrait smiles with its teeth. Lips closing over them (around a p, b or m) leave
    a slit a few px high: it shows the teeth in the lips' shadow, not the photo's bright teeth
    squeezed into a white line; wide open, the teeth keep their photographed light."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    teeth = float(renderer._mouth.teeth_rgb @ LUMA)

    def brightest(**motion) -> float:
        out = renderer.render(MotionFrame(t_s=0, **motion))
        return float(np.percentile(out[renderer.cavity_mask()].astype(float) @ LUMA, 95))

    assert brightest(lip_press=0.9, jaw_open=0.05) < 0.8 * teeth  # 1.03 x before
    assert brightest(jaw_open=0.3) > 0.95 * teeth


def test_the_tongue_surface_is_mottled_not_smooth_and_not_mirrored(analysis):
    """Wide open, across the resting tongue's lit front: besides its smooth shading (groove,
    bulges, darkening toward the corners) its colour is mottled, fixed to the tongue (the same on
    every call) and not mirrored about the midline: 0.9 gray levels of detail finer than 0.05
    mouth widths (the smooth shading before: 0.06)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, opening = 80.0, 0.5 * 80.0
    u = np.linspace(0.3, 0.7, 161)
    none = np.zeros_like(u)

    def row() -> np.ndarray:
        return painter._shade(np.full_like(u, opening - 6.0), np.full_like(u, 6.0), np.full_like(u, opening), u,
                              mouth_w, photo_teeth=(none, none)) @ LUMA

    luma = row()
    assert np.array_equal(luma, row())
    # Detail: the row less its running mean over 0.05 mouth widths (10 samples), away from the groove.
    smooth = np.convolve(luma, np.ones(11) / 11, mode="same")
    detail = (luma - smooth)[10:-10]
    sides = np.abs(np.linspace(-0.2, 0.2, 161)[10:-10]) > 0.06
    assert detail[sides].std() > 0.6, detail[sides].std()
    assert np.abs(luma - luma[::-1]).max() > 2.0


def test_the_interior_is_shaded_by_straight_distances_from_the_lips(analysis, monkeypatch):
    """Wide open, the distance below the upper lip that the interior is shaded by (teeth, cavity,
    tongue) grows evenly down each column of pixels: the raster's t and lip gap, linear in each
    cavity triangle and creased along the triangles' diagonals, bent it there (second differences
    up to 0.25 px down a column on the bundled portrait), and the shading drew the creases: slanting
    streaks and a zigzag under the teeth (out/s10c/sp.png, old left). Within 0.05 mouth widths of
    either inner corner, past the teeth's ends, the corner's triangles (the corners drawn in by the
    jaw: face.rig.JAW_CORNER_IN) bend it more, and the bound there is 0.25 px, under the old creases."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    renderer = Renderer(analysis)
    painter = renderer._mouth
    seen = {}
    shade, composite = painter._shade, painter._composite

    def record_shade(d_upper, *args, **kwargs):
        seen["d_upper"] = d_upper.copy()
        return shade(d_upper, *args, **kwargs)

    def record_composite(out, box, ys, xs, color, alpha, **kw):
        seen["box"], seen["ys"], seen["xs"] = box, ys.copy(), xs.copy()
        return composite(out, box, ys, xs, color, alpha, **kw)

    monkeypatch.setattr(painter, "_shade", record_shade)
    monkeypatch.setattr(painter, "_composite", record_composite)
    frame = MotionFrame(t_s=0, jaw_open=1.0)
    renderer.render(frame)
    x0, y0, x1, y1 = seen["box"]
    depth = np.full((y1 - y0, x1 - x0), np.nan)
    depth[seen["ys"], seen["xs"]] = seen["d_upper"]
    corners = posed_vertices(analysis.rig, frame)[[lm.LIPS_INNER_UPPER[0], lm.LIPS_INNER_UPPER[-1]], :2]
    xx = np.arange(x0, x1)
    near = (xx < corners[:, 0].min() + 0.05 * analysis.rig.mouth_width_px) \
        | (xx > corners[:, 0].max() - 0.05 * analysis.rig.mouth_width_px)
    bends = np.abs(depth[2:] - 2.0 * depth[1:-1] + depth[:-2])  # NaN off the opening
    assert np.isfinite(bends[:, ~near]).sum() > 500 and np.isfinite(bends[:, near]).sum() > 20
    assert np.nanmax(bends[:, ~near]) < 0.05, np.nanmax(bends[:, ~near])
    assert np.nanmax(bends[:, near]) < 0.25, np.nanmax(bends[:, near])


def test_a_wide_open_mouth_darkens_into_a_round_throat_with_no_drawn_arch_or_uvula(analysis):
    """Wide open (peak 0.55 mouth widths), down the column at the peak the cavity darkens into a
    round throat low mid-mouth (_throat_at) and lightens again toward the floor: mid-mouth its
    darkest lies 0.25-0.75 of the way down (at b6bd462 it darkened down to the tongue, 0.98, the
    dark frame's legs), under 0.4 of the lit walls' luma 0.5 of the way to a corner at its depth and
    under 0.6 of the luma just under the upper teeth mid-mouth (LOOSENED from 0.4 in throat41: that space
    is in the row's shade, ROW_SHADE, and now the upper lip's too, WALL_TOP_SHADE, which shades the whole
    opening's top: 4.9 of 21.6 levels, 0.22, at cdc8531, 3.5 of 5.9, 0.58, now; the walls 73.2 -> 46.4; 0.58
    under 0.6 is a tripwire meant to trip on the next change to the mouth's inside: re-measure then, do not
    just raise it). Seen from the front the palate barely shows, so nothing is
    drawn there: mid-mouth the luma has one minimum down the column (no lit fold of an arch), every
    row in its upper half lightens from mid-mouth out to 0.5 across (no uvula's stripe: 0.9 levels a
    0.5 px step at its edge; the walls' field here at most 0.05 darker a step), and the light
    changes smoothly: under 0.15 of the walls' brightest luma a px (was their luma just under the teeth,
    0.5 across, which is in the upper lip's shade now, WALL_TOP_SHADE: 97.8 -> 24.2; the steepest step
    5.9 -> 6.2 a px, the brightest 105.0 -> 97.6, cdc8531 -> throat41), where a drawn fold
    or stripe steps most of it in one (the throat falls from the walls to its core over about 0.12
    mouth widths). A mouth open less shows none of it (its cavity as before)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, peak = 100.0, 55.0
    gap = peak - SYNTHETIC_UPPER_TEETH_MW * mouth_w  # the column at the peak, under the teeth to the lip
    depth, across = np.meshgrid(np.linspace(0.0, gap, 161), np.linspace(0.0, 0.8, 81), indexing="ij")
    below, at = depth.ravel(), across.ravel()
    luma = (_cavity(painter, below, gap - below, at, mouth_w, peak_opening=peak) @ LUMA).reshape(depth.shape)
    mid = luma[:, 0]
    darkest = int(np.argmin(mid))
    assert 0.25 < depth[darkest, 0] / gap < 0.75, depth[darkest, 0] / gap
    assert mid[darkest] < min(0.6 * mid[0], 0.4 * luma[darkest, 50]), (mid[darkest], mid[0], luma[darkest, 50])
    falls, rises = np.diff(mid[:darkest + 1]), np.diff(mid[darkest:])
    assert falls.max() <= 1e-3 and rises.min() >= -1e-3, (falls.max(), rises.min())
    upper = depth[:, 0] <= 0.5 * gap
    outward = np.diff(luma[upper][:, across[0] <= 0.5], axis=1)
    assert outward.min() >= -0.05, outward.min()
    px = (depth[1, 0] - depth[0, 0], 0.01 * mouth_w)  # a step down, a step across, in px
    steps = max(np.abs(np.diff(luma, axis=0)).max() / px[0], np.abs(np.diff(luma, axis=1)).max() / px[1])
    assert steps < 0.15 * luma.max(), (steps, luma.max())
    deep = np.array([darkest])
    narrow = _cavity(painter, below[::81][deep], (gap - below[::81])[deep], np.zeros(1), mouth_w,
                     peak_opening=0.25 * mouth_w)
    assert np.allclose(narrow, _cavity(painter, below[::81][deep], (gap - below[::81])[deep], np.zeros(1), mouth_w))


def test_a_wide_open_mouths_throat_is_round_not_a_band_along_the_upper_teeth(analysis):
    """The throat's dark of a wide-open mouth does not lie at one distance under the upper teeth
    across the mouth (every column darkening alike with px under them drew a black band tracking
    the upper row's line corner to corner, judge33 b): toward the corners it reaches less far down
    (the round throat's side), by at least 0.03 mouth widths 0.4 of the way there, or is not there
    (walls lit all the way). The deepest px of each column under half its brightest luma; mid-mouth
    there must be one (the throat). (Where each column first fell to half its light just under the
    teeth until throat41: the walls' top is in the upper lip's shade now, WALL_TOP_SHADE, so a column
    starts dark. This measure at cdc8531: 24.25 px mid-mouth, none at 0.4; now 24.25 and 18.75.) Nor does
    a dark line run under the row out to its ends: in the column at the peak, 2 px under the row, the cavity
    0.7-0.8 of the way to a corner is at least 3 times as light as mid-mouth (rev41t: 5.0 at cdc8531, 4.4
    now; 1.26 with WALL_TOP_SHADE faded in across as ROW_SHADE fades out, sparing mid-mouth and shading the
    walls' top alone)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, gap_mw = 100.0, 0.3
    depth, across = np.meshgrid(np.linspace(0.0, gap_mw, 121) * mouth_w, np.array([0.0, 0.4]), indexing="ij")
    below, at = depth.ravel(), across.ravel()
    luma = (_cavity(painter, below, gap_mw * mouth_w - below, at, mouth_w, peak_opening=0.55 * mouth_w)
            @ LUMA).reshape(depth.shape)
    half_dark = luma <= 0.5 * luma.max(axis=0)
    assert half_dark[:, 0].any(), luma[:, 0].min() / luma[:, 0].max()
    reach = np.array([depth[half_dark[:, k], k].max() if half_dark[:, k].any() else -np.inf for k in range(2)])
    assert reach[0] - reach[1] > 0.03 * mouth_w, reach
    row, at = np.full(4, 2.0), np.array([0.0, 0.7, 0.75, 0.8])
    gap = (0.55 - SYNTHETIC_UPPER_TEETH_MW) * mouth_w
    top = _cavity(painter, row, gap - row, at, mouth_w, peak_opening=0.55 * mouth_w) @ LUMA
    assert top[1:].min() > 3.0 * top[0], top


def test_a_cavitys_dark_lies_mid_mouth_not_at_one_distance_under_the_upper_teeth(analysis):
    """The cavity's dark is a hollow mid-mouth, not a band at one distance under the upper row
    (every column darkening alike with px under the teeth draws a black band along its line,
    judge33 b). In columns 0.3 mouth widths from the upper teeth to the lower lip, 0.1-0.2 mouth
    widths under the teeth, the cavity 0.5 of the way to a corner is at least 1.5 times as light as
    mid-mouth on a mouth open 0.3 mouth widths at its peak (2 on one wide open, 0.55), and 0.15 mouth
    widths under the teeth the cavity 0.35 of the way to a corner, where the cheeks' light
    (CHEEK_SPAN) has barely begun, at least 1.4 times (2.3) as light as mid-mouth, in columns 0.3
    and 0.45 tall: the cheeks' light cannot hide a band. A throat as wide as the mouth (THROAT_WIDTH
    10) gives 1.30 and 1.17 at peak 0.3, no wider reach of the light under the teeth toward the sides
    (CAVITY_UNDER_TEETH_SIDES 0) 1.42 and 1.26 (the 0.45 column)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, gap_mw = 100.0, 0.3
    below = np.repeat(np.linspace(0.1, 0.2, 11) * mouth_w, 2)
    across = np.tile(np.array([0.0, 0.5]), 11)
    for peak_mw, least in ((0.55, 2.0), (0.3, 1.5)):
        luma = (_cavity(painter, below, gap_mw * mouth_w - below, across, mouth_w,
                        peak_opening=peak_mw * mouth_w) @ LUMA).reshape(11, 2)
        assert (luma[:, 1] / luma[:, 0]).min() > least, (peak_mw, luma[:, 1] / luma[:, 0])
    row, at = np.full(2, 0.15 * mouth_w), np.array([0.0, 0.35])
    for peak_mw, least in ((0.55, 2.3), (0.3, 1.4)):
        for column_mw in (0.3, 0.45):
            luma = _cavity(painter, row, column_mw * mouth_w - row, at, mouth_w, peak_opening=peak_mw * mouth_w) @ LUMA
            assert luma[1] / luma[0] > least, (peak_mw, column_mw, luma)


def test_the_walls_over_the_tongues_flanks_stay_lit_down_from_the_upper_teeth(analysis):
    """The light under the upper teeth reaches further down toward the sides
    (CAVITY_UNDER_TEETH_SIDES), so the walls over the tongue's flanks stay lit and the dark is a
    hollow mid-mouth: 0.5 of the way to a corner, in a column 0.45 mouth widths tall, the cavity
    0.15 and 0.2 mouth widths under the teeth keeps over 0.56 of its luma 0.02 under them, on a
    mouth open 0.3 and 0.55 mouth widths at its peak (with the reach as narrow as mid-mouth's,
    CAVITY_UNDER_TEETH_SIDES 0, 0.49)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, column_mw = 100.0, 0.45
    below = np.array([0.02, 0.15, 0.2]) * mouth_w
    for peak_mw in (0.3, 0.55):
        luma = _cavity(painter, below, column_mw * mouth_w - below, np.full(3, 0.5), mouth_w,
                       peak_opening=peak_mw * mouth_w) @ LUMA
        assert (luma[1:] / luma[0]).min() > 0.56, (peak_mw, luma)


def test_a_wide_open_mouths_cavity_is_one_field_in_short_and_tall_columns(analysis):
    """The tongue's top stands at a share of each column's gap from the upper teeth to the lower
    lip, so any shade by that share (each column's own way down) lay along the tongue's top
    (judge34 b: a streaky band following it). Wide open the cavity's light is one field in the
    mouth's own frame (_throat_at): a column's depth there is px under its upper teeth plus
    UPPER_LIP_SHARE of the opening it loses to the peak (its upper lip stands that much lower).
    Mid-mouth, at 0.06 and 0.1 mouth widths down that frame, the cavity's luma in a column 0.3
    mouth widths tall is within 3% of one 0.45 tall, under an opening 0.55 mouth widths at its peak
    (by each column's own way down, 59-71% apart there)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, peak = 100.0, 0.55 * 100.0
    probe, upper_h = np.array([0.06, 0.1]) * mouth_w, SYNTHETIC_UPPER_TEETH_MW * mouth_w

    def luma_at(gap_mw: float) -> np.ndarray:
        """(2,) the wide mouth's cavity luma mid-mouth at `probe` px down the mouth's frame, in a
        column `gap_mw` mouth widths from the upper teeth to the lower lip."""
        below = np.linspace(0.0, gap_mw, 121) * mouth_w
        luma = _cavity(painter, below, gap_mw * mouth_w - below, np.zeros(below.size), mouth_w,
                       peak_opening=peak) @ LUMA
        lost = max(peak - gap_mw * mouth_w - upper_h, 0.0)  # the opening this column loses to the peak
        return np.interp(probe, below + mouth_module.UPPER_LIP_SHARE * lost, luma)

    short, tall = luma_at(0.3), luma_at(0.45)
    assert np.abs(short / tall - 1.0).max() < 0.03, (short, tall)


def test_a_held_wide_jaw_does_not_shimmer(analysis):
    """A jaw held wide open, moving by +-0.0005, moves the opening's edge by a hundredth of a
    pixel: no pixel about the mouth may step more than 2 levels (pixels joining or leaving the
    opening's raster changed at once: the edge's half cover, the corners' whole pixels, the rim
    clearing on the lips only; 7 levels on this photo, 17 on 03, 11 on 12). 3 levels with the wet
    edge's chroma 1.4 -> 1.1 (fix39r; with or without its cap at the lip beyond), 2 before."""
    import cv2

    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    renderer = Renderer(analysis)
    outer = posed_vertices(analysis.rig, MotionFrame(t_s=0, jaw_open=1.0))[
        list(lm.LIPS_OUTER_UPPER) + list(lm.LIPS_OUTER_LOWER[::-1]), :2]
    lips = cv2.fillPoly(np.zeros(analysis.image.shape[:2], np.uint8), [np.round(outer).astype(np.int32)], 1)
    about = cv2.dilate(lips, np.ones((13, 13), np.uint8)) > 0  # the lips and 6 px about them
    frames = [np.asarray(renderer.render(MotionFrame(t_s=0, jaw_open=1.0 + 0.0005 * np.sin(k)))).astype(int)
              for k in range(12)]
    step = max(int(np.abs(a - b)[about].max()) for a, b in zip(frames, frames[1:]))
    assert step <= 3, step


def test_a_mouth_beginning_to_open_changes_its_edge_smoothly(analysis):
    """A jaw opening from 0 to 0.03 in steps of 0.0025 moves no pixel more than 12 levels a step:
    the cleared lip carried over the opening's edge (_rim_pass) comes in as the lip there parts
    (it came in whole as soon as any of the mouth had parted: 42 levels on 47 px at 0.0175 ->
    0.02 on this photo, 32 on 13, 52 on 03)."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    frames = [np.asarray(renderer.render(MotionFrame(t_s=0, jaw_open=float(j)))).astype(int)
              for j in np.arange(0.0, 0.0301, 0.0025)]
    step = max(int(np.abs(a - b).max()) for a, b in zip(frames, frames[1:]))
    assert step <= 12, step  # 8 now


def test_the_lip_is_carried_over_all_of_the_openings_edge(analysis):
    """_rim_pass carries the lip over every pixel of the opening within a px of the inner lip line
    whose nearest segment has a lip triangle, cleared or not (where that triangle had no clearing
    it was skipped: 26 of 144 such pixels on this photo at jaw 0.5, 4 of 20 segments). The wet
    inner lip's grade (_wet_edge) left out, which gives every lip along the opening a clearing."""
    from facetalk.face.rig import MATERIAL_CAVITY
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    seen, original = [], mouth_module._rim_pass
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mouth_module, "_wet_edge", lambda lip, **_: lip)
        patch.setattr(mouth_module, "_rim_pass", lambda *args: seen.append(args) or original(*args))
        Renderer(analysis).render(MotionFrame(t_s=0, jaw_open=0.5))
    out, x0, y0, ids, _, lower, *rest = seen[-1]
    material, loop, loop_tris = rest[-6], rest[-5], rest[-4]
    black = np.zeros_like(out)
    original(black, x0, y0, ids, seen[-1][4], lower, *rest)  # what the pass lays, over black
    near, nearest = mouth_module._near_field(loop, x0, y0, ids.shape[0], ids.shape[1])
    edge = ((ids >= 0) & (material[np.maximum(ids, 0)] == MATERIAL_CAVITY) & (near[0] < 1.0)
            & (loop_tris[nearest[0]] >= 0))
    assert np.any(lower[loop_tris[loop_tris >= 0]] < 0)  # segments whose lip has no clearing
    laid = black[y0:y0 + ids.shape[0], x0:x0 + ids.shape[1]].max(axis=-1) > 0
    assert edge.sum() > 100 and np.all(laid[edge]), (int(edge.sum()), int((edge & ~laid).sum()))


def test_a_pixel_the_edge_between_the_two_lips_crosses_keeps_its_clearing():
    """Beyond the inner corners an upper lip's triangle shares an edge with a lower lip's, and
    the two lips' clearings (_Rims.delta) differ there (by up to 95 levels on 07, 52 on the bundled
    photo: out/enter31/seamgap.py): each row of 07's corners that edge crossed as the jaw opened
    stepped up to 43 levels at once (152 pixel-steps over 20 levels over jaw 0.2-1 step 0.004, 13
    now, all the warp's: out/enter31/NOTES.md). Two triangles sharing a vertical edge, the upper lip's clearing
    +40 levels and the lower's none, the edge moved across a pixel 0.02 px a step: the pixel's
    clearing changes at most 2 levels a step, from none (1.5 px inside the lower lip's side) to
    40 (1.5 px inside the upper's). Taking its own lip's alone it stepped 40 at the edge. Within
    RIM_SEAM_PX of the edge a pixel of another upper lip's triangle (not on the edge) takes the
    same share: per triangle, a pixel leaving the edge's triangle for its lip's next one stepped
    33 levels on 07."""
    from facetalk.render.mouth import RIM_SEAM_PX

    size = 21
    triangles = np.array([[0, 1, 2], [0, 1, 3], [0, 2, 4]])  # the last the upper lip's too, off the edge
    lower = np.array([0, 1, 0], np.int8)
    rest_xy = np.array([[10.0, -5.0], [10.0, 25.0], [-5.0, 10.0], [25.0, 10.0], [-5.0, -5.0]])
    delta = np.zeros((2, size, size, 3), np.float32)
    delta[0] = 40.0  # clearing the upper lip adds 40, the lower lip's nothing
    seams = mouth_module._lip_seams(triangles, lower)
    assert seams.tolist() == [[0, 1]]
    far = np.array([[100.0, 100.0], [101.0, 100.0], [100.0, 101.0]])  # no cavity here: nothing carried

    def cleared(shift: float, *, upper: int = 0) -> int:
        verts = np.column_stack([rest_xy + np.array([shift, 0.0]), np.zeros(5)])
        ids = np.full((size, size), -1, np.int64)
        ids[8:13] = np.where(np.arange(size) < 10.0 + shift, upper, 1)
        out = np.full((size, size, 3), 100, np.uint8)
        mouth_module._rim_pass(out, 0, 0, ids, triangles, lower, verts, rest_xy, delta, np.zeros(2),
                               np.array([1.0, 0.0]), np.array([-100.0, 100.0]), np.ones(2), np.zeros(3, np.int64),
                               far, np.full(3, -1, np.int64), np.zeros((size, size, 3)), seams,
                               mouth_module._NO_MAP)
        return int(out[10, 10, 0]) - 100

    added = [cleared(shift) for shift in np.arange(-1.5, 1.5001, 0.02)]
    assert RIM_SEAM_PX <= 1.5  # the shifts run the edge past the blend on both sides
    assert added[0] == 0 and added[-1] == 40, (added[0], added[-1])  # the lower lip's side, then the upper's
    assert np.abs(np.diff(added)).max() <= 2, np.abs(np.diff(added)).max()
    assert cleared(0.5, upper=2) == cleared(0.5) < 35, (cleared(0.5, upper=2), cleared(0.5))


def test_the_opening_lets_nothing_of_the_photo_under_it_through_at_its_rim(analysis):
    """Under a new opening lies the photo's own opening, stretched (a toothy photo's teeth): at its
    soft rim what the interior leaves uncovered is the lip around it, not that (a blurred coverage
    let the pale teeth through as a pale rim round the lips); where the photo's own opening still
    shows (not owned), it does."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    lip = np.array([150, 80, 80], np.uint8)
    lumas = []
    for owned in (True, False):
        out = np.broadcast_to(lip, (40, 40, 3)).copy()
        out[10:30, 10:30] = 250  # the stretched teeth under the opening
        ys, xs = np.mgrid[10:30, 10:30]
        ys, xs = ys.ravel(), xs.ravel()
        painter._composite(out, (0, 0, 40, 40), ys, xs, np.full((len(ys), 3), 20.0), np.ones(len(ys)),
                           owned=np.full(len(ys), owned))
        lumas.append(out[10:30, 10:30].astype(float) @ LUMA)
        assert 20 < out[20, 9] @ LUMA < lip @ LUMA - 10  # the edge still softens outward, over the lip
    assert lumas[0].max() < lip @ LUMA, lumas[0].max()
    assert lumas[1].max() > lip @ LUMA + 5, lumas[1].max()


def test_the_lips_inner_faces_at_the_corners_keep_the_lips_hue(analysis):
    """The lens's lip faces read the photo's lip: toward the opening, a pale rim along its inner
    edge (a toothy photo's teeth blurred into it) is pulled toward the lips' own hue there, under
    the lightness it would have read whole, on its way to the lip's shadow (wholly before: a pale
    band round the corners)."""
    from facetalk.face import landmarks as lm
    from facetalk.render.mouth import (CORNER_LIP_HUE, CORNER_LOWER_SHARE, CORNER_SHADOW, LENS_FULL, LENS_POWER_WIDE,
                                       LENS_REACH_WIDE, lens_height)

    rest = analysis.rig.rest_xyz[:, :2]
    h, w = analysis.image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    lower = list(lm.LIPS_INNER_LOWER)
    edge = np.interp(xx, rest[lower, 0], rest[lower, 1])
    along = (xx > rest[lower, 0].min()) & (xx < rest[lower, 0].max())
    lumas = []
    for band in (0.0, 2.5):
        image = analysis.image.copy()
        if band:
            image[(yy >= edge) & (yy <= edge + band) & along] = 250
        painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
        mouth_w = painter._rest_mouth_w
        peak = 0.6 * mouth_w
        ids = np.full(1, lm.LIPS_INNER_UPPER[2])
        color = np.zeros((1, 3))
        # Near the lens's edge (toward the opening) on the lower lip's face, 0.95 of the lens's
        # reach across (where the wide lens, LENS_POWER_WIDE, stands 0.28 of its peak).
        across = 0.95 * LENS_REACH_WIDE
        reach = CORNER_LOWER_SHARE * (0.45 - float(lens_height(np.array(across), power=LENS_POWER_WIDE,
                                                                reach=LENS_REACH_WIDE, full_share=LENS_FULL))) * peak
        _taper(painter, color, ids, d_upper=np.array([0.45 * peak - 0.9 * reach]), d_lower=np.array([0.9 * reach]),
               u=np.array([0.5 - 0.5 * across]), peak_opening=peak, mouth_w=mouth_w)
        lumas.append(float(color[0] @ LUMA))
        shadow, lip = float(painter._lip_shadow_rgb @ LUMA), float(painter._lip_rgb @ LUMA)
    # How far the face has turned in there (0.9 of the way to the lens's edge), and the gain that
    # takes its light toward the lip's shadow.
    inward = 0.9 ** 2 * (3.0 - 2.0 * 0.9)
    gain = 1.0 + CORNER_SHADOW * inward * (shadow / lip - 1.0)
    plain, paled = lumas
    # Read whole, the band would be 250 darkened by the gain; pulled to the lips' hue it is at
    # least a quarter of the pull's way to the lip's luma under that (its hue, not just its light).
    whole = 250 * gain
    pulled = CORNER_LIP_HUE * inward * (250 - lip) * gain
    assert plain < paled < whole - 0.25 * pulled, (plain, paled, whole, pulled)


def test_a_broad_smile_shows_the_lower_teeth_tips_over_the_lower_lip(analysis):
    """A broad smile with the jaw dropped a little (the sheet's "smile, teeth"): its lips drawn
    wide (1.3x the photo's mouth) stretch the lower lip off the lower teeth, whose tips show just
    over it, light, under the dark gap below the upper row; the same opening with the lips not
    drawn wide keeps them hidden (before, both were a dark crescent from the upper teeth to the
    lower lip)."""
    from facetalk.render.mouth import _lower_teeth_show

    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    u = np.full(60, 0.52)
    tips = {}
    for spread in (1.3, 1.0):
        mouth_w = spread * painter._rest_mouth_w
        opening = np.full(60, 0.2 * mouth_w)
        d_lower = np.linspace(0.0, opening[0], 60)
        none = np.zeros(60)
        show = painter._stretched_lower_teeth(_lower_teeth_show(opening, mouth_w), opening=opening,
                                          own_upper=none, lift=none, mouth_w=mouth_w)
        luma = painter._shade(opening - d_lower, d_lower, opening, u, mouth_w, photo_teeth=(none, none),
                              lower_show=show, lip_lift=none) @ LUMA
        near_lip = d_lower < 0.03 * mouth_w
        gap = (d_lower > 0.05 * mouth_w) & (d_lower < 0.08 * mouth_w)
        tips[spread] = (luma[near_lip].max(), luma[gap].min())
    teeth = float(painter.teeth_rgb @ LUMA)
    # Tips lit about like teeth over the lip, the gap above them dark; without the stretch the
    # tongue's front (luma 120 of the teeth's 210 here) is what shows there.
    assert tips[1.3][0] > 0.75 * teeth and tips[1.3][0] > tips[1.3][1] + 0.3 * teeth, tips
    assert tips[1.0][0] < tips[1.3][0] - 0.2 * teeth, tips


def _rows_apart(analysis, *, n: int):
    """_risen_row's painter and opening with (painter, lit teeth's luma, mouth_w, opening,
    d_lower (n,) across the opening, zeros, the stretched lower teeth's show)."""
    painter, mouth_w, opening, show, _ = _risen_row(analysis, n=n)
    return (painter, float(painter.teeth_rgb @ LUMA), mouth_w, opening, np.linspace(0.0, opening[0], n), np.zeros(n),
            show)


def test_a_smiles_lower_teeth_rise_close_under_the_upper_row(analysis):
    """In a smile (`smiling` 1) the stretched lower row rises to a thin line under the upper one
    (SMILE_ROWS_GAP), teeth in shade where the gap between the rows showed (darker than lit teeth,
    darkest down into the lip: SMILE_LOWER_DIM), and still sinks behind the
    lip toward the corners (the buccal corridors dark); not smiling, the same stretched opening
    keeps that gap over the short tips (fear's and /i/'s lips are drawn wide too). Before, a
    smile's gap showed from the upper row down to tips at most 0.065 mouth widths tall. Its
    lightest lies between 0.96 and 1.05 of lit teeth: darker, it read as a grey-mauve band
    under a photo's own teeth (judge29, judge27), and under 0.96 as a tan-grey row 60 levels below
    the upper teeth (judge30b); over lit teeth only on each tooth's crest (LOWER_TOOTH_ROUND[1], 1.03
    now), its sides turned away into shade. Its body is compared over the ordinary tips and under its shortest
    central's tip (the right central's ends at ~0.075 mouth widths): above that the slit between the
    rows' tips is dark (TIPS_SLIT_*), where the lit tongue showed before."""
    from facetalk.render.mouth import SMILE_ROWS_GAP

    n = 80
    painter, teeth, mouth_w, opening, d_lower, none, show = _rows_apart(analysis, n=n)
    assert show.min() == 1.0

    def luma(u: float, smiling: float) -> np.ndarray:
        return painter._shade(opening - d_lower, d_lower, opening, np.full(n, u), mouth_w, photo_teeth=(none, none),
                              lower_show=show, lip_lift=none, smiling=smiling) @ LUMA

    old_gap = (d_lower > 0.075 * mouth_w) & (d_lower < 0.11 * mouth_w)  # over tips 0.065 tall
    body = (d_lower > 0.066 * mouth_w) & (d_lower < 0.074 * mouth_w)  # and under the risen row's shortest tip
    below_row = (d_lower > 0.1 * mouth_w) & (d_lower < 0.14 * mouth_w)  # the upper row ends at 0.14
    lightest = []
    for u in (0.467, 0.533):  # the central lower incisors' middles
        smiling, level = luma(u, 1.0), luma(u, 0.0)
        # Teeth where, not smiling, the gap between the rows shows the tongue dim behind it, but in
        # the upper row's and the lip's shadow: darker than lit teeth, darkest down at the lip.
        assert smiling[body].mean() > level[body].mean() + 0.1 * teeth, (u, level[body].mean() / teeth)
        assert 0.45 * teeth < smiling[body].min() and smiling[old_gap].max() < 1.05 * teeth, \
            (u, smiling[body].min() / teeth, smiling[old_gap].max() / teeth)
        lightest.append(smiling[old_gap].max() / teeth)
        # Its middle, clear of the tips' uneven soft edges (SMILE_TIP_JITTER), is lighter than at the lip.
        at_lip, middle = ((d_lower > lo * mouth_w) & (d_lower < hi * mouth_w) for lo, hi in ((0.01, 0.03), (0.05, 0.08)))
        assert smiling[at_lip].mean() < smiling[middle].mean() - 0.05 * teeth, \
            (u, smiling[at_lip].mean() / teeth, smiling[middle].mean() / teeth)
        dark = (smiling < 0.45 * teeth) & below_row
        assert dark.sum() * (d_lower[1] - d_lower[0]) < SMILE_ROWS_GAP * mouth_w + 2.0, (u, dark.sum())
    # Lit enough to read as enamel, not a tan-grey row (1.03 now, 0.984 before its crest, 0.951 before f682828).
    assert max(lightest) > 0.96, lightest
    # Toward the corners the lip hides the lower row: dark there between the rows.
    corner = luma(0.86, 1.0)
    assert corner[old_gap].min() < 0.45 * teeth


def test_a_smiles_risen_lower_incisors_are_lit_near_the_upper_teeth(analysis):
    """A smile's risen lower row (the rows 0.14 mouth widths apart, `smiling` 1): the central
    incisors' middles, from halfway up the row to under their uneven tips, are on average more
    than 0.9 as light as lit teeth. Darker (0.86), the row read as tan-grey, about 60 levels below the
    photo's upper teeth on 03 (judge30b)."""
    from facetalk.render.mouth import _lower_teeth_show

    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    teeth = float(painter.teeth_rgb @ LUMA)
    mouth_w = 1.3 * painter._rest_mouth_w
    n = 80
    opening = np.full(n, 0.24 * mouth_w)
    d_lower = np.linspace(0.0, opening[0], n)
    none = np.zeros(n)
    show = painter._stretched_lower_teeth(_lower_teeth_show(opening, mouth_w), opening=opening,
                                          own_upper=none, lift=none, mouth_w=mouth_w)
    upper_half = (d_lower > 0.05 * mouth_w) & (d_lower < 0.08 * mouth_w)  # under the tips' uneven edge
    lit = [(painter._shade(opening - d_lower, d_lower, opening, np.full(n, u), mouth_w, photo_teeth=(none, none),
                           lower_show=show, lip_lift=none, smiling=1.0) @ LUMA)[upper_half].mean() / teeth
           for u in (0.467, 0.533)]  # the central lower incisors' middles
    assert np.mean(lit) > 0.9, lit


def test_a_smile_raises_the_corners_fear_and_speech_do_not(analysis):
    """MouthPainter._smiling, which lets a smile's lower row rise, is full on the sheet's "smile,
    teeth" (corners raised over the upper lip's middle) and none on fear's stretched mouth, /i/,
    the widest vowel or at rest."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import posed_vertices

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    smiling = {name: painter._smiling(posed_vertices(analysis.rig, MotionFrame(t_s=0, **params))) for name, params in (
        ("smile", dict(smile=1.0, upper_lip_raise=0.5, jaw_open=0.15, lip_spread=0.4)),
        ("fear", dict(jaw_open=0.3, lip_spread=0.7, lower_lip_depress=0.9, mouth_roll_upper=0.8,
                      smile=-0.1 - analysis.expression.smile)),
        ("/i/", dict(jaw_open=0.2, lip_spread=0.75)), ("widest", dict(jaw_open=1.0)), ("rest", {}))}
    assert smiling["smile"] > 0.9 and all(smiling[k] == 0.0 for k in ("fear", "/i/", "widest", "rest")), smiling


def test_a_smiles_lower_row_grows_evenly_with_the_corner_lift(analysis, monkeypatch):
    """Along _smiling's ramp the risen lower row grows from its own height, so a corner lift of
    0.005 mouth widths (a speaking mouth's jitter is ~0.001) moves it by at most 0.025 mouth widths;
    from 0 it stood at its own height to halfway along the ramp, then rose the whole 0.12 (0.036
    per step), and a partial smile's row swung in and out with the corners. Saturated, exactly the
    full smile's row; at no lift, the row's own height."""
    from facetalk.render.mouth import SMILE_LOWER_TEETH, _lower_height

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    verts = analysis.rig.rest_xyz
    mouth_w, lift = 100.0, {"mw": 0.0}
    monkeypatch.setattr(mouth_module, "_corner_rise", lambda xy, *, down: painter._rest_rise + lift["mw"])

    def height(lift_mw: float) -> float:
        lift["mw"] = lift_mw
        # rows 0.2 apart, close where the opening peaks, an opening that gives the shortest stretched row
        return _lower_height(op=np.float32(20.0), ls=np.float32(1.0), stretch=1.0, rows_gap=20.0, mouth_w=mouth_w,
                             show32=False, smiling=painter._smiling(verts), peak_gap=0.0)

    lifts = np.arange(-0.01, 0.04, 0.0005)
    h = np.array([height(x) for x in lifts])
    own, full = h[0], h[-1]
    assert full == SMILE_LOWER_TEETH * mouth_w and own < 0.6 * full, (own, full)
    assert np.all(np.diff(h) >= 0.0)
    steps = h[10:] - h[:-10]  # 0.005 mouth widths of lift apart
    assert steps.max() < 0.025 * mouth_w, steps.max()


def test_the_bundled_smile_shows_no_dark_band_under_its_own_teeth(analysis):
    """The sheet's "smile, teeth" on the bundled portrait, which smiles with its own teeth: down
    the middle of the mouth, under the photo's upper teeth, no dark band (luma under half the
    teeth's) taller than the thin line between the rows (SMILE_ROWS_GAP, the slit between the
    rows' tips, in shade: TIPS_SLIT_*; 1 px for its soft edges), as in the photo's own smile (none
    there); before, 0.058 mouth widths (out/smile/measure.py). Under 0.03 mouth widths passed while
    that slit showed the lit tongue, a brick-pink crescent (judge30b)."""
    from facetalk.render.mouth import SMILE_ROWS_GAP
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    frame = MotionFrame(t_s=0, smile=1.0, upper_lip_raise=0.5, jaw_open=0.15, lip_spread=0.4)
    out = Renderer(analysis).render(frame).astype(float) @ LUMA
    verts = posed_vertices(analysis.rig, frame)
    mouth_w = float(np.linalg.norm(verts[lm.MOUTH_CORNERS[0], :2] - verts[lm.MOUTH_CORNERS[1], :2]))
    (x, top), (_, bottom) = verts[lm.LIPS_INNER_UPPER[5], :2], verts[lm.LIPS_INNER_LOWER[5], :2]
    column = out[int(np.ceil(top)):int(np.floor(bottom)) + 1, int(round(x)) - 1:int(round(x)) + 2].mean(axis=1)
    teeth = np.percentile(column, 95)
    assert teeth > 180  # the photo's own teeth, lit
    lit = np.flatnonzero(column > 0.75 * teeth)
    under = column[lit[0]:]  # from the upper teeth down to the lower lip
    dark = under < 0.5 * teeth
    assert dark.sum() < SMILE_ROWS_GAP * mouth_w + 1.0, (dark.sum(), SMILE_ROWS_GAP * mouth_w + 1.0)



def test_a_nearly_shut_jaw_shows_the_lower_incisors_under_a_thin_slit(analysis):
    """/i/ (jaw 0.2, lips spread) on the bundled portrait, which shows its own upper teeth: down the
    middle of the mouth, under the photo's upper teeth, the gap between the rows is a slit, with
    its soft edges (luma under 0.55 of the teeth's) at most 0.045 mouth widths tall
    (NEAR_LOWER_TEETH leaves 0.025), and under it the lower incisors show lit (over 0.6 of the
    teeth's luma) taller than its core (under half the teeth's) and at least 0.045 mouth widths
    tall. Before, 0.035-tall tips under a slot of even thickness (here 3 px lit under 3 px dark, 5
    px under 0.55 of the teeth; 0.1 mouth widths on 03 and 12): a drawn slot over a pale line
    (judge30b). Toward the corners (0.3 of the way from mid-mouth) 0.02 mouth widths of lit tips
    still show under the slit, whose core widens there by the tips' NEAR_SLIT_SIDES (0.025 mouth
    widths) but by no more than 0.05 mouth widths (here 1 px mid-mouth, 4 px there; LOWER_TEETH_SINK's
    0.15-0.6 across once opened a dark wedge over 1 px of tips on one side)."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    frame = MotionFrame(t_s=0, jaw_open=0.2, lip_spread=0.75)
    out = Renderer(analysis).render(frame).astype(float) @ LUMA
    verts = posed_vertices(analysis.rig, frame)
    mouth_w = float(np.linalg.norm(verts[lm.MOUTH_CORNERS[0], :2] - verts[lm.MOUTH_CORNERS[1], :2]))

    def runs(at: int) -> tuple[int, int, float, int]:
        """(dark px, lit lower-teeth px, teeth luma, px under 0.55 of it) down the opening's column between the
        inner lips' points `at`."""
        (x, top), (_, bottom) = verts[lm.LIPS_INNER_UPPER[at], :2], verts[lm.LIPS_INNER_LOWER[at], :2]
        column = out[int(np.ceil(top)):int(np.floor(bottom)) + 1, int(round(x)) - 1:int(round(x)) + 2].mean(axis=1)
        teeth = np.percentile(column, 95)
        lit = np.flatnonzero(column > 0.75 * teeth)
        dark = np.flatnonzero(column < 0.5 * teeth)
        below = column[dark[-1] + 1:] if len(dark) else column[lit[0]:]
        return len(dark), int((below > 0.6 * teeth).sum()), teeth, int((column < 0.55 * teeth).sum())

    mid_dark, mid_lower, teeth, mid_slit = runs(5)
    assert teeth > 180  # the photo's own teeth, lit
    assert mid_slit <= 0.045 * mouth_w, (mid_slit, 0.045 * mouth_w)
    assert mid_lower >= 0.045 * mouth_w and mid_lower > mid_dark, (mid_lower, mid_dark, 0.045 * mouth_w)
    for at in (3, 7):  # 0.3 of the way toward either corner
        dark, lower = runs(at)[:2]
        assert mid_dark < dark <= mid_dark + 0.05 * mouth_w and lower >= 0.02 * mouth_w, (at, dark, lower, mid_dark)


def test_a_spread_mouths_slit_is_greyed_between_the_centrals_and_dark_by_the_canines(analysis):
    """/i/ (jaw 0.2, lips spread) on the bundled portrait: between the centrals, where the rows
    nearly meet, the slit is greyed toward the teeth's shade (TIPS_SLIT_GREY's first: its darkest
    pixel over 0.44 of the teeth's luma, 0.465 now) and thin (at most 2 px under half the teeth's
    luma, 1 now), while 0.3 of the way toward either corner (by the canines) it is taller and darker
    than mid-mouth's (NEAR_SLIT_SIDES, TIPS_SLIT_GREY's second). Before (01bc23d), one row height and
    a dimming strongest mid-mouth left the slit darkest in the middle and of one width along the
    mouth: mid 3 px under 0.55 of the teeth, darkest 0.425 of them; 1 and 0 px, 0.55 and 0.64
    toward the corners (judge32b: an even band)."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    frame = MotionFrame(t_s=0, jaw_open=0.2, lip_spread=0.75)
    out = Renderer(analysis).render(frame).astype(float) @ LUMA
    verts = posed_vertices(analysis.rig, frame)

    def slit(at: int) -> tuple[int, float]:
        """(px under half the teeth's luma, darkest luma over the teeth's) below the upper teeth, down
        the column between the inner lips' points `at`."""
        (x, top), (_, bottom) = verts[lm.LIPS_INNER_UPPER[at], :2], verts[lm.LIPS_INNER_LOWER[at], :2]
        column = out[int(np.ceil(top)):int(np.floor(bottom)) + 1, int(round(x)) - 1:int(round(x)) + 2].mean(axis=1)
        teeth = np.percentile(column, 95)
        below_upper = column[np.flatnonzero(column > 0.75 * teeth)[0]:]
        return int((below_upper < 0.5 * teeth).sum()), float(below_upper.min() / teeth)

    mid_px, mid_dark = slit(5)
    assert mid_px <= 2 and mid_dark > 0.44, (mid_px, mid_dark)
    for at in (3, 7):
        px, dark = slit(at)
        assert px > mid_px and dark < mid_dark, (at, px, dark, mid_px, mid_dark)


def test_the_spread_rows_share_is_taken_away_by_a_smile_and_by_a_rolled_upper_lip():
    """/i/'s raised lower row (_near_share) follows the lips' spread alone: full past NEAR_WIDENED,
    none short of it; a smile's row is SMILE_*'s, so none while smiling; fear's upper lip rolled over
    the teeth (13's fear rolls 0.08, spread as wide as /i/) takes it away, else both rows show bared
    (a grin), and half way it is half."""
    from facetalk.render.mouth import NEAR_ROLLED, NEAR_WIDENED, _near_share

    spread = NEAR_WIDENED[1] + 0.04
    assert _near_share(spread, smiling=0.0, rolled=0.0) == 1.0
    assert _near_share(NEAR_WIDENED[0] - 0.01, smiling=0.0, rolled=0.0) == 0.0
    assert _near_share(spread, smiling=1.0, rolled=0.0) == 0.0
    assert _near_share(spread, smiling=0.5, rolled=0.0) == 0.5
    assert _near_share(spread, smiling=0.0, rolled=0.08) == 0.0
    assert _near_share(spread, smiling=0.0, rolled=0.5 * NEAR_ROLLED) == 0.5


def test_a_spread_mouths_lower_row_rides_its_jaw(analysis, monkeypatch):
    """The lower incisors and the lower lip both ride the mandible: with the lips held spread (/i/,
    lip_spread 0.75) and the jaw moving from 0.18 to 0.3, the lower row's height over the lip
    mid-mouth (ROW_LOWER_H x lower_show, px) changes by under 0.1 px per 0.01 of jaw. Raised by how
    nearly shut the jaw was (the rows' gap where the opening peaks), the row sank ~1.2-2.8x as fast
    as the lip: up to 0.48 px a step here, 0.69 on 12 (rev31b; out/fix31b/rowslide.py)."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    fronts, original = [], mouth_module._shade_rows

    def record(u, opening, d_upper, d_lower, runs, lower_show, lift, stretch, scalars, edges, rows, reach):
        original(u, opening, d_upper, d_lower, runs, lower_show, lift, stretch, scalars, edges, rows, reach)
        mid = np.abs(u - 0.5) < 0.02
        fronts.append(float(np.median((rows[mouth_module.ROW_LOWER_H] * lower_show)[mid])))

    renderer = Renderer(analysis)  # (which shades a frame of its own)
    monkeypatch.setattr(mouth_module, "_shade_rows", record)
    for jaw in np.arange(0.18, 0.3001, 0.01):
        renderer.render(MotionFrame(t_s=0, jaw_open=float(jaw), lip_spread=0.75))
    frame = MotionFrame(t_s=0, jaw_open=0.18, lip_spread=0.75)
    verts = posed_vertices(analysis.rig, frame)
    mouth_w = float(np.linalg.norm(verts[lm.MOUTH_CORNERS[0], :2] - verts[lm.MOUTH_CORNERS[1], :2]))
    assert len(fronts) == 13 and min(fronts) > 0.06 * mouth_w  # the raised row (NEAR_LOWER_TEETH), every frame
    assert np.abs(np.diff(fronts)).max() < 0.1, np.round(fronts, 2)


def test_the_slit_between_a_smiles_rows_shows_the_tongue_in_shade(analysis):
    """A smile's risen lower row (the rows 0.14 mouth widths apart, `smiling` 1) leaves a slit
    between the rows' tips (SMILE_ROWS_GAP): through it the tongue is in the teeth's shade, under
    0.4 of lit teeth mid-mouth, and the less lit the narrower the slit. Measured from the lower lip,
    the tongue there stood lit, 0.5 of lit teeth: an even brick-pink crescent from corner to corner
    (judge30b)."""
    n = 120
    painter, teeth, mouth_w, opening, d_lower, none, show = _rows_apart(analysis, n=n)
    slit = (d_lower > 0.125 * mouth_w) & (d_lower < 0.136 * mouth_w)  # under the upper row, over the soft tips
    for u in (0.467, 0.5):
        luma = painter._shade(opening - d_lower, d_lower, opening, np.full(n, u), mouth_w, photo_teeth=(none, none),
                              lower_show=show, lip_lift=none, smiling=1.0) @ LUMA
        assert luma[slit].max() < 0.4 * teeth, (u, luma[slit].max() / teeth)


def test_beside_a_raised_tongue_tip_its_sides_rise_part_way(analysis):
    """For t d n l the tongue's body rises behind the raised tip: beside the blade (0.4 of the way
    to a corner) its sides stand higher than at rest, lighting a fifth or more of the column under
    the teeth that the resting tongue leaves dark, but not all of it (a dark channel stays under
    the teeth): the resting sides left a square dark hole either side of the blade."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w, opening = 100.0, 30.0
    d_upper = np.linspace(0.1 * mouth_w, 0.3 * mouth_w, 121)  # from the teeth's edge to the lower lip
    none = np.zeros_like(d_upper)
    u = np.full_like(d_upper, 0.5 + 0.5 * 0.4)
    luma = [painter._shade(d_upper, opening - d_upper, np.full_like(d_upper, opening), u, mouth_w,
                           photo_teeth=(none, none), tongue_tip=tip) @ LUMA for tip in (0.0, 1.0)]
    risen = float(np.mean(luma[1] - luma[0] > 8))
    assert 0.2 < risen < 0.8, risen


def test_the_lips_inner_faces_continue_the_lip_at_the_rigs_outline(analysis):
    """Where the lens's lip face meets the lip the warp draws (the rig's corner chord), it is that
    lip, not a shade darker (0.8 of it before: a second, jagged outline along the chord). Placed
    0.88 of the way to a corner (u 0.06), where the wide lens (LENS_POWER_WIDE) stands 0.36 of its
    peak, under the rig's 0.45."""
    from facetalk.face import landmarks as lm
    from facetalk.imaging import sample_points

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = painter._rest_mouth_w
    peak = 0.6 * mouth_w
    ids = np.full(1, lm.LIPS_INNER_UPPER[2])
    color = np.zeros((1, 3))
    _taper(painter, color, ids, d_upper=np.array([0.45 * peak - 0.25]), d_lower=np.array([0.25]), u=np.array([0.06]),
           peak_opening=peak, mouth_w=mouth_w)
    anchor = painter._lower_anchor_xy[ids]
    lip = sample_points(painter.image, anchor + 0.75 * painter._down)
    assert float(color[0] @ LUMA) > 0.93 * float(lip[0] @ LUMA), (color, lip)


def _discs(blur_px: float, *, grain: float, seed: int = 0) -> np.ndarray:
    """(200, 200, 3) uint8: grey discs with anti-aliased edges, blurred by `blur_px`, plus grain."""
    import cv2

    rng = np.random.default_rng(seed)
    big = np.zeros((800, 800), np.float32)
    for _ in range(40):
        cv2.circle(big, (int(rng.integers(0, 800)), int(rng.integers(0, 800))), int(rng.integers(20, 120)),
                   float(rng.integers(40, 200)), -1)
    luma = cv2.GaussianBlur(cv2.resize(big, (200, 200), interpolation=cv2.INTER_AREA), (0, 0), blur_px)
    luma += rng.normal(0.0, grain, luma.shape).astype(np.float32)
    return np.repeat(np.clip(luma, 0, 255)[..., None], 3, axis=2).astype(np.uint8)


def test_the_photos_blur_is_measured_from_its_edges_not_its_grain():
    """A faded print is soft and grainy: its edges' blur is read past its grain (steps blurred by
    1, 2, 3 px under grain of 8 grey levels), not taken for sharp detail."""
    from facetalk.render.mouth import photo_blur_px

    got = [photo_blur_px(_discs(s, grain=8.0), box=None) for s in (1.0, 2.0, 3.0)]
    assert np.all(np.diff(got) > 0.4), got
    assert np.allclose(got, (1.0, 2.0, 3.0), rtol=0.25), got
    assert photo_blur_px(_discs(0.3, grain=0.0), box=None) < 0.9


def test_a_soft_photos_opening_has_an_edge_as_soft_as_the_photos(analysis):
    """The opening's edge is softened at least as much as the photo's own edges measure: on the
    bundled photo blurred by 2 px (an old print's softness, though not upscaled) the same hard-edged
    patch of mouth laid over a white frame ramps over about twice the pixels it does on the photo."""
    import cv2

    widths = {}
    for name, image in (("photo", analysis.image), ("soft", cv2.GaussianBlur(analysis.image, (0, 0), 2.0))):
        painter = MouthPainter(analysis.rig, image, analysis.appearance.grain, softness_px=0.7)
        painter._noise = np.zeros_like(painter._noise)
        out = np.full((60, 60, 3), 255, np.uint8)
        ys, xs = np.nonzero(np.ones((30, 30), bool))
        painter._composite(out, (5, 5, 55, 55), ys + 10, xs + 10, np.zeros((len(ys), 3), np.float32),
                           np.ones(len(ys), np.float32))
        row = out[30, :, 0].astype(float)
        widths[name] = int(((row > 0.1 * 255) & (row < 0.9 * 255)).sum())
    assert widths["soft"] >= 1.7 * widths["photo"], widths


def test_a_broad_smiles_lower_teeth_show_as_far_as_a_half_open_jaws(analysis):
    """The stretched lower lip of a broad smile bares the lower teeth's tips as far as a jaw half
    open does (0.05 mouth widths over the lip), not the barest 0.035 (a faint line under the dark
    gap on the bundled smile), while the gap between the rows stays dark above them."""
    from facetalk.render.mouth import _lower_teeth_show

    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w = 1.3 * painter._rest_mouth_w
    opening = np.full(200, 0.2 * mouth_w)
    d_lower = np.linspace(0.0, opening[0], 200)
    none = np.zeros(200)
    show = painter._stretched_lower_teeth(_lower_teeth_show(opening, mouth_w), opening=opening,
                                          own_upper=none, lift=none, mouth_w=mouth_w)
    luma = painter._shade(opening - d_lower, d_lower, opening, np.full(200, 0.52), mouth_w,
                          photo_teeth=(none, none), lower_show=show, lip_lift=none) @ LUMA
    teeth = float(painter.teeth_rgb @ LUMA)
    lit = luma > 0.6 * teeth
    reach = d_lower[np.argmin(lit)] / mouth_w  # the first pixel up from the lip that is not tooth
    assert lit[0] and reach > 0.048, reach
    assert luma[(d_lower > 0.06 * mouth_w) & (d_lower < 0.15 * mouth_w)].min() < 0.5 * teeth


def test_a_moustache_hangs_over_the_top_of_the_opening(analysis):
    """Hair over the upper lip (fine detail running across it: vertical strands) is told from a
    bare lip, and its strands, as the frame shows them above the lip, hang on down over the top of
    the opening, fading out below it (08's white moustache ended in a clean dark slot)."""
    from facetalk.face import landmarks as lm
    from facetalk.render.mouth import moustache_strands

    lip = analysis.rig.rest_xyz[list(lm.LIPS_OUTER_UPPER), :2]
    assert moustache_strands(analysis.image, lip) == 0.0
    hairy = analysis.image.copy()
    x0, x1 = int(lip[:, 0].min()), int(lip[:, 0].max())
    y1 = int(lip[:, 1].max())
    y0 = y1 - int(0.3 * (x1 - x0))
    hairy[y0:y1, x0:x1] = np.where((np.arange(x0, x1) % 3 == 0)[None, :, None], 230, 120).astype(np.uint8)
    assert moustache_strands(hairy, lip) > 0.9

    painter = MouthPainter(analysis.rig, hairy, analysis.appearance.grain)
    mouth_w = 60.0
    out = hairy.copy()
    n = 40
    px = np.full(n, (x0 + x1) // 2, np.int64)
    py = np.arange(n) + y1  # straight down from the lip (the face is upright)
    d_upper = np.arange(n, dtype=np.float32)
    color = np.zeros((n, 3))  # float64, as paint passes it
    painter._drape(color, out, px, py, d_upper=d_upper, mouth_w=mouth_w)
    luma = color @ LUMA
    assert luma[:3].max() > 60 and np.all(luma[int(0.1 * mouth_w) + 1:] == 0)


def test_the_compiled_drape_matches_its_numpy_form(analysis):
    """MouthPainter._drape (compiled: _strand_sources, _hang_strands) gives the numpy form's colours
    (mouth_reference.drape_reference) to the bit on a hairy upper lip: an opening's pixels below it,
    float64 colour and int64 pixels as paint passes them, some within the drape's reach, some below."""
    from facetalk.face import landmarks as lm

    lip = analysis.rig.rest_xyz[list(lm.LIPS_OUTER_UPPER), :2]
    hairy = analysis.image.copy()
    x0, x1 = int(lip[:, 0].min()), int(lip[:, 0].max())
    y1 = int(lip[:, 1].max())
    strands = np.random.default_rng(3).integers(60, 240, size=(1, x1 - x0, 3))
    hairy[y1 - int(0.3 * (x1 - x0)):y1, x0:x1] = np.where((np.arange(x0, x1) % 3 == 0)[None, :, None], strands,
                                                          90).astype(np.uint8)
    painter = MouthPainter(analysis.rig, hairy, analysis.appearance.grain)
    assert painter._strands > 0.9
    ys, xs = np.mgrid[y1:y1 + 14, x0 + 4:x1 - 4]
    px, py = xs.ravel().astype(np.int64), ys.ravel().astype(np.int64)
    d_upper = ((py - y1) + 0.37 * np.sin(px)).astype(np.float32)
    mouth_w = float(x1 - x0)
    color = np.random.default_rng(4).uniform(10.0, 200.0, (len(px), 3))
    out = hairy.astype(np.float32)
    compiled, numpy_form = color.copy(), color.copy()
    painter._drape(compiled, out, px, py, d_upper=d_upper, mouth_w=mouth_w)
    drape_reference(painter, numpy_form, out, px, py, d_upper=d_upper, mouth_w=mouth_w)
    assert (d_upper < mouth_module.DRAPE_REACH * mouth_w).any() and (d_upper > mouth_module.DRAPE_REACH * mouth_w).any()
    assert not np.array_equal(compiled, color)
    assert np.array_equal(compiled, numpy_form), np.abs(compiled - numpy_form).max()


def test_a_moustaches_strands_run_on_over_the_whole_opening(analysis):
    """Below the drape's reach the opening under hanging hair is still seen through the strands:
    under a light strand the interior is lighter than under the dark between two (08's fear mouth
    was an even-toned dark slash cut into its white moustache)."""
    from facetalk.face import landmarks as lm

    lip = analysis.rig.rest_xyz[list(lm.LIPS_OUTER_UPPER), :2]
    hairy = analysis.image.copy()
    x0, x1 = int(lip[:, 0].min()), int(lip[:, 0].max())
    y1 = int(lip[:, 1].max())
    hairy[y1 - int(0.3 * (x1 - x0)):y1, x0:x1] = np.where((np.arange(x0, x1) % 3 == 0)[None, :, None], 230,
                                                          120).astype(np.uint8)
    painter = MouthPainter(analysis.rig, hairy, analysis.appearance.grain)
    mid = (x0 + x1) // 2
    light_x = mid - mid % 3  # a light strand's column, and a dark one's beside it
    n = 20
    d_upper = np.tile(np.arange(n, dtype=np.float32), 2)
    px = np.repeat([light_x, light_x + 1], n) + d_upper * painter._down[0]  # straight down the face
    py = y1 + d_upper * painter._down[1]
    color = np.full((2 * n, 3), 60.0)  # float64, as paint passes it
    mouth_w = 60.0
    painter._drape(color, hairy.copy(), px, py, d_upper=d_upper, mouth_w=mouth_w)
    deep = np.arange(n) > mouth_module.DRAPE_REACH * mouth_w + 1
    luma = color @ LUMA
    assert np.all(luma[:n][deep] > luma[n:][deep] + 20), (luma[:n][deep], luma[n:][deep])


def test_the_openings_edge_is_softer_on_a_one_tint_print(analysis):
    """The opening's edge on a sepia print of the bundled photo is blurred wider than on the colour
    photo (its lips are faint; at the photo's own softness 09's and 10's small openings were
    lozenges with hard edges); the colour photo's at its own softness."""
    def edge_px(image: np.ndarray) -> tuple[float, float]:
        painter = MouthPainter(analysis.rig, image, np.zeros_like(analysis.appearance.grain))
        out = np.full((40, 40, 3), 200, np.uint8)
        ys, xs = np.mgrid[20:30, 5:35]
        ys, xs = ys.ravel(), xs.ravel()
        painter._composite(out, (0, 0, 40, 40), ys, xs, np.full((len(ys), 3), 20.0), np.ones(len(ys)))
        column = out[:, 20] @ LUMA
        step = 200.0 - column.min()  # px from 10% to 90% of the step, both edges
        return float(np.sum((column > column.min() + 0.1 * step) & (column < 200.0 - 0.1 * step))), painter._softness

    colour, colour_soft = edge_px(analysis.image)
    sepia, sepia_soft = edge_px(_sepia(analysis.image))
    assert abs(sepia_soft - colour_soft) < 0.2 and sepia >= 1.5 * colour, (colour, sepia, colour_soft, sepia_soft)


def test_a_lowered_upper_lip_covers_the_upper_teeth(analysis):
    """The synthetic upper teeth stay on the skull when the upper lip is drawn down: the lip's
    lowering is read up to 0.12 mouth widths (held to 0.04 before: 0.06 of them bared under a
    lowered lip, a grin)."""
    from facetalk.face import landmarks as lm
    from facetalk.render.mouth import _face_down

    rig = analysis.rig
    mouth_w = rig.mouth_width_px
    painter = MouthPainter(rig, analysis.image, analysis.appearance.grain)
    upper = list(lm.LIPS_INNER_UPPER)
    verts = rig.rest_xyz.copy()
    verts[upper, :2] += 0.1 * mouth_w * _face_down(verts[:, :2])
    lift = painter._lip_lift(verts, mouth_w, rig.rest_xyz[upper, :2])
    assert np.allclose(lift[upper], -0.1 * mouth_w, atol=0.01 * mouth_w), lift[upper] / mouth_w


def test_rounded_lips_cover_the_synthetic_upper_teeth(analysis):
    """Lips drawn in to 0.8 of the photo's width (/o/ /u/) come forward over the synthetic upper
    teeth: the lip stands 0.08 mouth widths (ROUND_TEETH_COVER) lower over them than the same lips
    unrounded (a photo's own smile, _round_free 0). On the faded print (08) /o/ had its top third
    teeth as light as the white moustache over them, a dark slot left (4 px of a 12 px opening; 6
    at 0.05); at 0.05 the row's lower edge still showed under 07's and 02's pursed upper lip, a lit
    arc in their surprise and /o/ (judge50 items 3, 6; out/lens51/NOTES.md). Before, rounding left
    the teeth as they were (0.0). A lip already lowered as far as it goes (LIP_LOWERED_MAX) stays
    there. The bundled photo shows its own teeth, so no render here sees the arc: the value is pinned."""
    from facetalk.face import landmarks as lm
    from facetalk.render.mouth import LIP_LOWERED_MAX, _face_down

    rig = analysis.rig
    mouth_w = rig.mouth_width_px
    painter = MouthPainter(rig, analysis.image, analysis.appearance.grain)
    painter._own_teeth = False  # as on a closed-mouth photo
    inner = list(lm.LIPS_INNER_UPPER) + list(lm.LIPS_INNER_LOWER)
    verts = rig.rest_xyz.copy()
    centre = verts[inner, :2].mean(axis=0)
    verts[inner, 0] = centre[0] + 0.8 * (verts[inner, 0] - centre[0])
    upper = list(lm.LIPS_INNER_UPPER[2:-2])

    def lift(round_free: float, skull: np.ndarray | None = None) -> np.ndarray:
        painter._round_free = round_free
        return painter._teeth_lift(lambda per_vertex: per_vertex, verts, mouth_w=mouth_w, lip_on_skull_xy=skull,
                                   widened=painter._widened(verts, skull, jaw_lift=0.0))  # a closed jaw

    assert np.allclose((lift(1.0) - lift(0.0))[upper], -0.08 * mouth_w, atol=1e-3 * mouth_w), \
        (lift(1.0) - lift(0.0))[upper] / mouth_w
    # Rounded and drawn down by LIP_LOWERED_MAX already: no lower.
    skull = rig.rest_xyz[list(lm.LIPS_INNER_UPPER), :2]  # the lips' own width there
    verts[list(lm.LIPS_INNER_UPPER), :2] += LIP_LOWERED_MAX * mouth_w * _face_down(verts[:, :2])
    lowered = lift(1.0, skull)[upper]
    assert painter._rounded(painter._widened(verts, skull, jaw_lift=0.0)) > 0.99
    assert np.allclose(lowered, -LIP_LOWERED_MAX * mouth_w, atol=1e-3 * mouth_w), lowered / mouth_w
    verts = rig.rest_xyz.copy()  # lips at their own width: not rounded
    assert np.allclose(lift(1.0), lift(0.0))


def test_speech_presses_leave_a_photos_own_teeth_as_photographed(analysis):
    """A press in speech lowers the upper lip as far as a lip rolled down over the teeth (0.09
    mouth widths at lip_press 0.6, jaw_open 0.35 on the bundled smile): a cover of the photo's own
    teeth keyed to that lowering redrew them in every such frame, a smeared pale band with
    lip-coloured wedges (133-622 pixels changed by up to 131 grey levels). The photo's own teeth
    hang from the lip as photographed: the frame is the one drawn with the lip's lowering ignored."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    assert renderer._mouth._own_teeth
    for motion in (dict(jaw_open=0.35, lip_press=0.6), dict(jaw_open=0.2, lip_press=0.3)):
        frame = MotionFrame(t_s=0, **motion)
        drawn = renderer.render(frame)
        painter = renderer._mouth
        real = painter._lip_lift
        painter._lip_lift = lambda verts, mouth_w, on_skull: np.zeros(len(verts), np.float32)
        try:
            unlowered = renderer.render(frame)
        finally:
            painter._lip_lift = real
        assert np.array_equal(drawn, unlowered), motion


def test_a_lower_lip_hidden_by_a_moustache_shows_under_the_opening(analysis):
    """Under hair hanging over the lips (08's white moustache) the rig's lower lip is the hair's
    texture, and the opening was a dark slot cut into it with no lip under it: a band of lip, in
    the lips' colour in their shade, now runs along its bottom mid-mouth, thinning to the corners;
    a bare lip (the bundled photo's) keeps the interior as it was."""
    from facetalk.face import landmarks as lm
    from facetalk.render.mouth import HIDDEN_LIP_HEIGHT

    lip = analysis.rig.rest_xyz[list(lm.LIPS_OUTER_UPPER), :2]
    hairy = analysis.image.copy()
    x0, x1 = int(lip[:, 0].min()), int(lip[:, 0].max())
    y1 = int(lip[:, 1].max())
    y0 = y1 - int(0.3 * (x1 - x0))
    hairy[y0:y1, x0:x1] = np.where((np.arange(x0, x1) % 3 == 0)[None, :, None], 230, 120).astype(np.uint8)
    mouth_w = 60.0
    d_lower = np.array([0.5, 0.5 * HIDDEN_LIP_HEIGHT * mouth_w, 2.0 * HIDDEN_LIP_HEIGHT * mouth_w, 0.5])
    u = np.array([0.5, 0.5, 0.5, 0.02])
    for image, shows in ((hairy, True), (analysis.image, False)):
        painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
        color = np.zeros((4, 3))
        if painter._strands > 0.0:
            painter._lower_lip_under_hair(color, d_lower=d_lower, u=u, mouth_w=mouth_w, peak_opening=0.3 * mouth_w)
        luma = color @ LUMA
        if shows:
            assert (luma[:2] > 0.4 * float(painter._lip_rgb @ LUMA)).all(), luma
            assert luma[2] == 0.0 and luma[3] < 0.2 * luma[0], luma  # above it, and at the corners
        else:
            assert not luma.any()


def test_a_lower_lip_hidden_by_hair_is_drawn_lip_toned_not_in_the_hairs_colour(analysis):
    """Hair over both lips (08's white moustache): the photo's "lip" colour is the hair's, and the
    lower lip drawn under the opening was the hair in shade, a grey band lost in the beard (chroma
    0.0 under grey strands). It is lip-toned skin now (the skin's colour x LIP_OVER_SKIN): chroma
    0.41 on the bundled photo's skin. A bare lip keeps its own."""
    hairy = MouthPainter(analysis.rig, _moustache(analysis, over_lips=True), analysis.appearance.grain)
    bare = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, u, d_lower = 60.0, np.array([0.5]), np.array([0.5])
    color = np.zeros((1, 3))
    hairy._lower_lip_under_hair(color, d_lower=d_lower, u=u, mouth_w=mouth_w, peak_opening=0.3 * mouth_w)
    chroma = float(np.ptp(color[0]) / (color[0] @ LUMA))
    assert hairy._lip_hair == 1.0 and chroma > 0.2, chroma
    assert bare._lip_hair == 0.0 and bare._hidden_lip_rgb is bare._lip_rgb


def test_a_lower_lip_hidden_by_hair_stands_out_of_the_opening_in_a_faded_print(analysis):
    """The widest vowel on a faded print (the bundled photo lifted to 55..240) with hair over both
    lips: the lower lip drawn under the opening is lit like the photo's lip, well above the
    opening's dark (mid-band luma 126 over the tongue's 79 a band-height above it; 111 when it
    took the skin's darker light, as 08's band did, reading as the hole's bottom), with a light
    wet top edge over it (its lightest row over the mid-band, OPEN_SOFTEN blurring the opening's
    edge as a print's under hair is: a crisp light line there drew a rim under 08's opening).
    Rows are read by their height over the lower inner lip in each of the middle columns (+-0.12
    mouth widths) and averaged: read in the middle column alone the mid-band's row took the lip's
    light below it as the lip's line moved (the lower lip's U, face.rig JAW_LOWER_OPENING_POWER:
    122.3 -> 125.6 there, 116.3 -> 119.5 with no wet edge, whose own lift stayed +6.0), against a
    wet row of 125.7 on both. So read: wet 127.6 over the band's 125.3 (+2.3), +1.2 with the U;
    with the wet edge left out -0.2 and -1.5 (out/fix35c/band_stats.py)."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.mouth import HIDDEN_LIP_HEIGHT, HIDDEN_LIP_SHARE
    from facetalk.render.renderer import Renderer, posed_vertices

    renderer = Renderer(analysis)
    faded = (55.0 + _moustache(analysis, over_lips=True).astype(float) * (185.0 / 255.0)).astype(np.uint8)
    soft = renderer._mouth._softness
    renderer._mouth = MouthPainter(analysis.rig, faded, analysis.appearance.grain, softness_px=soft)
    frame = MotionFrame(t_s=0, jaw_open=1.0)
    out = renderer.render(frame).astype(float)
    verts = posed_vertices(analysis.rig, frame)[:, :2]
    mouth_w = float(np.linalg.norm(verts[lm.LIPS_OUTER_UPPER[0]] - verts[lm.LIPS_OUTER_UPPER[-1]]))
    mid = len(lm.LIPS_INNER_UPPER) // 2
    (x, top), (_, bottom) = verts[lm.LIPS_INNER_UPPER[mid]], verts[lm.LIPS_INNER_LOWER[mid]]
    height = min(HIDDEN_LIP_HEIGHT * mouth_w, HIDDEN_LIP_SHARE * (bottom - top))
    xs = np.arange(int(round(x - 0.12 * mouth_w)), int(round(x + 0.12 * mouth_w)) + 1)
    lower = verts[list(lm.LIPS_INNER_LOWER)]
    order = np.argsort(lower[:, 0])
    edge = np.interp(xs, lower[order, 0], lower[order, 1])  # (C,) the lower inner lip's row in each column
    rows = np.arange(int(edge.min() - 3.0 * height), int(edge.max()) + 1)
    over = np.rint(edge[None, :] - rows[:, None])  # (R, C) px each pixel lies over the lip's line
    grid = (out @ LUMA)[rows][:, xs]
    def over_lip(d: int) -> float:  # mean luma d px over the lower inner lip
        return float(grid[over == d].mean())
    mid_band = int(round(0.5 * height))
    band, opening = over_lip(mid_band), over_lip(int(round(2.0 * height)))
    wet = max(over_lip(d) for d in range(mid_band + 1, int(round(height)) + 1))
    assert band > opening + 40.0 and wet > band + 0.5, (band, opening, wet)


def test_a_narrow_opening_under_a_moustache_has_the_lower_lip_under_it(analysis):
    """/o/ under hanging hair (08's white moustache: its peak 0.3 mouth widths, most of it under the
    drape) was a dark slot: the hidden lower lip grew in with the lens, 0.26 of its height at a
    peak of 0.1 mouth widths. It is there at any opening now, under half its peak high mid-mouth
    (HIDDEN_LIP_SHARE), so a dark gap is left above it."""
    from facetalk.face import landmarks as lm

    lip = analysis.rig.rest_xyz[list(lm.LIPS_OUTER_UPPER), :2]
    hairy = analysis.image.copy()
    x0, x1 = int(lip[:, 0].min()), int(lip[:, 0].max())
    y1 = int(lip[:, 1].max())
    strands = np.where((np.arange(x0, x1) % 3 == 0)[None, :, None], 230, 120)
    hairy[y1 - int(0.3 * (x1 - x0)):y1, x0:x1] = strands.astype(np.uint8)
    painter = MouthPainter(analysis.rig, hairy, analysis.appearance.grain)
    assert painter._strands > 0.0
    mouth_w, peak = 60.0, 6.0
    d_lower = np.array([1.5, 0.5 * peak])
    color = np.zeros((2, 3))
    painter._lower_lip_under_hair(color, d_lower=d_lower, u=np.full(2, 0.5), mouth_w=mouth_w, peak_opening=peak)
    luma = color @ LUMA
    assert luma[0] > 0.4 * float(painter._lip_rgb @ LUMA), luma
    assert luma[1] == 0.0, luma


def test_rounded_lips_open_an_oval_drawn_in_from_the_corners(analysis):
    """With the lips drawn in (/o/ /u/: 0.8 of the photo's width) the opening is an oval the
    pursed lips close in from the corners (ROUND_REACH): 0.82 of the lens's reach toward a
    corner, where lips at their own width leave the middle of an opening 0.75 of the peak high
    open (the lens's ends filled out part way toward LENS_POWER_WIDE, as it opens that wide), they
    meet over all of it (it was left whole: the rig's /o/, as wide as the lips, a
    slot); 0.35 of the way an opening 0.7 of the peak high is still whole."""
    from facetalk.face import landmarks as lm

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = painter._rest_mouth_w
    peak = 0.5 * mouth_w
    ids = np.full(3, lm.LIPS_INNER_UPPER[1])
    reach = painter._lens_shape(1.0, wide=lens_wide(peak, mouth_w))[1]  # lips at their own width

    def covered(widened: float, *, across: float = 0.82 * reach, height: float = 0.75) -> np.ndarray:
        color = np.zeros((3, 3))
        d_upper = np.array([0.1, 0.5, 0.9]) * height * peak
        _taper(painter, color, ids, d_upper=d_upper, d_lower=height * peak - d_upper, u=np.full(3, 0.5 - 0.5 * across),
               peak_opening=peak, mouth_w=mouth_w, widened=widened)
        return color @ LUMA > 0

    # The bundled photo smiles fully: its lips drawn in are an emotion undoing the smile, which
    # the rig does not round (face.rig._rounding), so the lens stays a lens.
    assert painter._round_free == 0.0
    assert (covered(0.8) == covered(1.0)).all() and covered(1.0)[[0, 2]].all() and not covered(1.0)[1]
    painter._round_free = 1.0  # as on a closed, unsmiling mouth
    assert covered(0.8).all()
    assert not covered(0.8, across=0.35, height=0.7).any() and not covered(1.0, across=0.35, height=0.7).any()


def _outline_against_rig(painter, rig, frame):
    """The drawn outline (_rounded_outline) of `frame`, and the rig's own upper and lower lip edges on
    OUTLINE_GRID (px, measured down from and across the corners' line), half the corners' distance,
    the peak opening and the mouth width (px)."""
    from facetalk.face import landmarks as lm
    from facetalk.face.rig import jaw_lift_share
    from facetalk.render.mouth import OUTLINE_GRID
    from facetalk.render.renderer import posed_vertices, smiling_round_share

    verts = posed_vertices(rig, frame)
    mouth_w = float(np.linalg.norm(verts[lm.MOUTH_CORNERS[0], :2] - verts[lm.MOUTH_CORNERS[1], :2]))
    peak = float(np.linalg.norm(verts[list(lm.LIPS_INNER_LOWER), :2] - verts[list(lm.LIPS_INNER_UPPER), :2],
                                axis=1).max())
    widened = painter._widened(verts, None, jaw_lift=jaw_lift_share(frame.jaw_open))  # as paint's
    outline = painter._rounded_outline(verts, peak_opening=peak, opens=lens_opens(peak, mouth_w),
                                       widened=widened, wide=lens_wide(peak, mouth_w),
                                       jaw_lift=jaw_lift_share(frame.jaw_open),
                                       smiling_round=smiling_round_share(rig, frame))  # as paint's
    left, right = verts[painter._lip_ids[0], :2], verts[painter._lip_ids[-1], :2]
    half = float(np.linalg.norm(right - left)) / 2
    axis = (right - left) / (2 * half)
    down = np.array([-axis[1], axis[0]])
    edges = [np.interp(OUTLINE_GRID, np.maximum.accumulate((verts[ids, :2] - (left + right) / 2) @ axis / half),
                       sign * ((verts[ids, :2] - (left + right) / 2) @ down))
             for ids, sign in ((painter._lip_ids, -1.0), (painter._lower_ids, 1.0))]
    return outline, edges, half, peak, mouth_w


def _largest_turn_deg(x: np.ndarray, y: np.ndarray, *, chord: float, where) -> float:
    """The largest turn (degrees) between successive chords `chord` px long along the curve
    (x, y) px, at the chords' starts x where `where(x)` holds."""
    s = np.r_[0.0, np.cumsum(np.hypot(np.diff(x), np.diff(y)))]
    t = np.arange(0.0, s[-1], chord)
    px, py = np.interp(t, s, x), np.interp(t, s, y)
    heading = np.arctan2(np.diff(py), np.diff(px))
    return float(np.degrees(np.abs(np.diff(heading)))[where(px[1:-1])].max())


def test_the_open_mouths_outline_is_round_not_a_hexagon(analysis):
    """The rig's inner lips are straight segments between landmarks, and the opening they left
    (cut to the lens only toward its ends) was a hexagon at 2x: straight runs meeting at
    shoulders (13's widest vowel), /o/ an octagonal slot. Each lip's edge as drawn
    (_rounded_outline: the rig's less its face's reach) turns by under 10.8 degrees between chords
    0.04 mouth widths long wherever the opening is over 0.3 of its peak, the opening keeping 0.9 of
    its peak (/o/: see the end) (the bundled photo: widest vowel and /l/ 9.6 and 9.7 degrees, the rig's
    own edges 25.0 and 11.8; before o46 /o/ too: 10.3, its rig 16.1).
    The lower lip's U (face.rig.JAW_LOWER_OPENING_POWER) bends near the
    corners, which the drawn edge follows: 0.3-1.7 degrees more than with the lower lip a lemon's
    (9.2, 8.3 and 8.5), /l/'s most against the rig's own turn (0.81 of it). The cap is absolute,
    0.5 degrees over the worst, so that a drift toward 12 degrees fails. At jaw 0.9 and 1 the
    opening's inner corners are drawn in (face.rig.JAW_CORNER_IN) and the lower lip keeps its depth
    over a narrower span; the oval's pull (OUTLINE_OVAL_PULL) keeps it round there too. The last
    rounding (_rounded_inside) bends the shoulders in, so the widest vowel keeps 0.895 of its peak
    (0.904 without it): over 0.89. /o/ keeps 0.8
    of its peak: since o46 the smile's lips round too (face.rig.FaceRig.round_smiling), and the rounded
    lens is drawn inside the rig's parting, 0.82 of it, as on the unsmiling faces (02 0.75, 07 0.72,
    13 0.78: out/o46/peak.py), and turns 11.1 degrees (the rig's rounded edge as the unsmiling faces' /o/,
    5.3-13.5 on 02, 07, 13), capped 0.5 over that. Since ring54 the rounded opening is one closed curve
    (_closed_outline): each lip's edge now carries the lens's cut too, and bends round into the oval's ends
    (no shoulders, no cusp) where the lens cut it at an angle: /o/ turns 15.1 degrees there, capped 0.5 over
    that (tests/render/test_round_outline.py checks the closed outline). That cap now passes the old octagon too
    (its edges turned 11.1 degrees), so this test no longer guards /o/ against it: test_round_outline.py does.
    It keeps 0.82 of its peak, over 0.8."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.mouth import OUTLINE_GRID

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    for params in (dict(jaw_open=1.0), dict(jaw_open=0.9), dict(jaw_open=0.4, lip_spread=0.1),
                   dict(jaw_open=0.38, lip_spread=-0.75)):
        outline, rig, half, peak, mouth_w = _outline_against_rig(painter, analysis.rig, MotionFrame(t_s=0, **params))
        drawn = (rig[0] - outline.upper, rig[1] - outline.lower)
        x = OUTLINE_GRID * half

        def open_wide(at: np.ndarray) -> np.ndarray:
            return np.interp(at, x, drawn[0] + drawn[1]) > 0.3 * peak

        rounded = params.get("lip_spread", 0.0) < 0.0  # the rounded lens lies inside the rig's parting
        assert (drawn[0] + drawn[1]).max() > (0.8 if rounded else 0.89) * peak, params
        turn = max(_largest_turn_deg(x, y, chord=0.04 * mouth_w, where=open_wide) for y in drawn)
        assert turn < (15.6 if rounded else 10.8), (params, turn)


def test_the_last_rounding_bends_a_hexagons_runs_inside_it_and_keeps_its_tips():
    """A lip edge that is a trapezoid (straight from each tip to a shoulder, then flat: the rig's
    hexagon, 12's widest vowel) comes out of _rounded_inside bent: the largest turn between the
    grid's neighbouring chords between the tips falls to under 0.4 of the trapezoid's (at its
    shoulders), it stays inside the edge (the faces never come in less), the tips and all beyond
    them are as they were, and mid-mouth it keeps over 0.95 of its height. Shut (opens 0) nothing
    moves."""
    from facetalk.render.mouth import OUTLINE_GRID, _rounded_inside

    half_px = 40.0
    shape = np.clip((0.9 - np.abs(OUTLINE_GRID)) / 0.4, 0.0, 1.0)
    rig = np.stack([6.0 * shape, 12.0 * shape])
    need = np.zeros_like(rig)
    out = _rounded_inside(rig, need, opens=1.0, least_px=0.1)
    drawn = rig - out

    def largest_turn(y: np.ndarray) -> float:  # between the tips (their own corner stays as tight)
        heading = np.arctan2(np.diff(y), np.diff(OUTLINE_GRID) * half_px)
        return float(np.degrees(np.abs(np.diff(heading)))[np.abs(OUTLINE_GRID[1:-1]) < 0.85].max())

    assert (out >= need).all() and (out[:, np.abs(OUTLINE_GRID) >= 0.9] == 0.0).all()
    for lip in range(2):
        assert largest_turn(drawn[lip]) < 0.4 * largest_turn(rig[lip]), lip
        assert drawn[lip, len(OUTLINE_GRID) // 2] > 0.95 * rig[lip].max()
    assert (_rounded_inside(rig, need, opens=0.0, least_px=0.1) == need).all()


def test_the_widest_vowels_sides_bend_into_the_corners(analysis):
    """Smoothed with the edge mirrored odd about each corner, the lips' edges ran straight from the
    corners to the shoulders, a polygon with straight sloping sides meeting a flat bottom (12's, 11's
    and the bundled photo's widest vowel at 2x, judge27). As drawn (_rounded_outline) each lip's
    edge bows out from its chord between 0.35 and 0.75 of the way to either corner by over 1.5% of
    the chord (the upper lip's 0.13% and 0.53% mirrored, 2.1% and 2.9% now), and lies inside the
    lens-cut edge (to 1e-6 px) wherever it stands over OUTLINE_HELD[1] of its height (the hold is
    whole at the widest vowel: not rounded)."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.mouth import (CORNER_LOWER_SHARE, CORNER_ROUND, LENS_FULL, OUTLINE_GRID, OUTLINE_HELD,
                                       OUTLINE_HELD_LIP, lens_height)
    from facetalk.render.renderer import posed_vertices

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    frame = MotionFrame(t_s=0, jaw_open=1.0)
    outline, rig, half, peak, mouth_w = _outline_against_rig(painter, analysis.rig, frame)
    widened = painter._widened(posed_vertices(analysis.rig, frame), None, jaw_lift=1.0)  # paint's at jaw 1
    assert painter._rounded(widened) <= 0.0  # so _rounded_outline's hold is 1
    power, reach, full = painter._lens_shape(widened, wide=lens_wide(peak, mouth_w))
    assert full == LENS_FULL  # not rounded
    excess = rig[0] + rig[1] - peak * lens_height(np.abs(OUTLINE_GRID), power=power, reach=reach, full_share=full)
    soft = CORNER_ROUND * peak
    cut = lens_opens(peak, mouth_w) * np.where(excess >= soft, excess,
                                               np.clip(excess + soft, 0.0, None) ** 2 / (4 * soft))
    cut[np.abs(OUTLINE_GRID) <= LENS_FULL * reach] = 0.0
    edge = np.array(rig) - np.array([[1.0 - CORNER_LOWER_SHARE], [CORNER_LOWER_SHARE]]) * cut
    bows = []
    for lip, need in enumerate((outline.upper, outline.lower)):
        drawn = rig[lip] - need
        held = drawn / max(drawn.max(), OUTLINE_HELD_LIP * peak) >= OUTLINE_HELD[1]
        assert held.sum() > 10 and (drawn[held] <= edge[lip][held] + 1e-6).all(), (lip, (drawn - edge[lip])[held].max())
        for side in (-1.0, 1.0):
            x = np.linspace(0.35, 0.75, 41) * side
            y = np.interp(x, OUTLINE_GRID, drawn)
            chord = y[0] + (y[-1] - y[0]) * (x - x[0]) / (x[-1] - x[0])
            bows.append(float((y - chord).max() / np.hypot((x[-1] - x[0]) * half, y[-1] - y[0])))
    assert min(bows) > 0.015, bows


def test_the_widest_vowels_lower_lip_bows_into_its_ends(analysis):
    """The rig's lower inner lip runs from each inner corner to the next landmark, 0.2 of the way in,
    in one straight segment, and the fit only moved it in: the widest vowel's lower lip ran from
    each of the opening's tips in one straight diagonal, the tip a knife-sharp wedge (judge32b: 12,
    13, 03 at 2x). As drawn (_rounded_outline), the lower lip's edge from where the opening first
    stands 1 px open to 0.3 half-widths further in bows out from its chord by over 6% of the
    chord's length at either end, and stays inside the rig's edge. (Over 9% before the last
    rounding, _rounded_inside, which spreads the tips' quick rise along the edge: 0.094 -> 0.063-0.066
    on the bundled photo, the tips closing tighter; a curve, not the rig's straight diagonal.)"""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.mouth import OUTLINE_GRID

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    outline, rig, half, peak, mouth_w = _outline_against_rig(painter, analysis.rig, MotionFrame(t_s=0, jaw_open=1.0))
    upper, lower = rig[0] - outline.upper, rig[1] - outline.lower
    assert (outline.lower >= 0.0).all() and (outline.upper >= 0.0).all()
    bows = []
    for ends in (slice(None), slice(None, None, -1)):  # from the left end inward, then from the right
        x_px, total, y = np.abs(OUTLINE_GRID[ends] - OUTLINE_GRID[ends][0]) * half, (upper + lower)[ends], lower[ends]
        first = int(np.argmax(total > 1.0))
        tip = np.interp(1.0, total[first - 1:first + 1], x_px[first - 1:first + 1])
        inward = np.linspace(tip, tip + 0.3 * half, 31)
        at = np.interp(inward, x_px, y)
        chord = at[0] + (at[-1] - at[0]) * (inward - inward[0]) / (inward[-1] - inward[0])
        bows.append(float((at - chord).max() / np.hypot(inward[-1] - inward[0], at[-1] - at[0])))
    assert min(bows) > 0.06, bows


def _outline_need_numpy(heights, kernel, *, peak, power, reach, full_share, opens, hold):
    """The numpy form of _outline_need, for (2, G) lip `heights` px at OUTLINE_GRID's places: the
    lens's excess (lens_height with `power`, `reach`, `full_share`, times `peak` px) cut soft
    (CORNER_ROUND) and split between the lips by `opens`, smoothed twice by the (G, G) `kernel`,
    scaled inside the edge where over OUTLINE_HELD of its height, weighed in, as far as `hold`
    says. Returns the (2, G) px each lip's face comes in and whether the scale went under 1."""
    from facetalk.render.mouth import (CORNER_LOWER_SHARE, CORNER_ROUND, OUTLINE_GRID, OUTLINE_HELD, OUTLINE_HELD_LIP,
                                       lens_height)

    lens = lens_height(np.abs(OUTLINE_GRID), power=power, reach=reach, full_share=full_share)
    excess, soft = heights[0] + heights[1] - peak * lens, CORNER_ROUND * peak
    cut = opens * np.where(excess >= soft, excess, np.clip(excess + soft, 0.0, None) ** 2 / (4.0 * soft))
    cut[np.abs(OUTLINE_GRID) <= full_share * reach] = 0.0
    edge = heights - np.array([[1.0 - CORNER_LOWER_SHARE], [CORNER_LOWER_SHARE]]) * cut
    smooth = np.minimum(edge, edge @ kernel.T) @ kernel.T
    share = smooth / np.maximum(smooth.max(axis=1, keepdims=True), OUTLINE_HELD_LIP * peak)
    weight = np.clip((share - OUTLINE_HELD[0]) / (OUTLINE_HELD[1] - OUTLINE_HELD[0]), 0.0, 1.0)
    ratio = np.minimum(np.maximum(edge, 0.0) / np.where(smooth > 0.0, smooth, 1.0), 1.0)
    scale = np.where(smooth > 0.0, 1.0 - weight * (1.0 - ratio), 1.0).min(axis=1, initial=1.0)
    held = 1.0 - hold * (1.0 - scale[:, None])
    return np.maximum(heights - edge - opens * (held * smooth - edge), 0.0), bool((scale < 1.0).any())


def _oval_floor_numpy(heights, need, edge, *, share, soft, pull):
    """The numpy form of _oval_floor for (2, G) lip `heights`, `need` and lens-cut `edge` px at
    OUTLINE_GRID's places: the tips where the drawn opening's run about its highest place ends
    (linearly between places) over OUTLINE_OVAL_TIP x `soft` px, each lip's half ellipse through them times its drawn height, scaled
    inside the edge where the ellipse stands over OUTLINE_OVAL_HELD (weighed in), eased into the
    edge and the drawn edge up to it by quadratic ramps `soft` px wide, raised to by `share` (faded
    in over a lip's first `soft` px of height); beyond the lip's own half ellipse, brought back
    toward it by `pull` times the ellipse there."""
    from facetalk.render.mouth import OUTLINE_GRID, OUTLINE_OVAL_HELD, OUTLINE_OVAL_TIP

    def soft_min(a, b):
        gap = np.abs(a - b)
        return np.minimum(a, b) - np.where(gap < soft, (soft - gap) ** 2 / (4.0 * soft), 0.0)

    def soft_rise(z):
        z = np.clip(z, 0.0, None)
        return np.where(z < soft, z ** 2 / (2.0 * soft), z - 0.5 * soft)

    drawn = heights - need
    total, tips, least = drawn[0] + drawn[1], [], OUTLINE_OVAL_TIP * soft
    top = int(np.argmax(total))
    if total[top] <= least:
        return need.copy()
    shut = np.flatnonzero(total <= least)  # the open run is the one holding the highest place
    for beyond in (shut[shut < top][-1:], shut[shut > top][:1]):
        if not len(beyond):  # open at the corner itself
            tips.append(OUTLINE_GRID[0] if not tips else OUTLINE_GRID[-1])
            continue
        last = beyond[0] + (1 if beyond[0] < top else -1)
        tips.append(np.interp(least, [total[beyond[0]], total[last]], [OUTLINE_GRID[beyond[0]], OUTLINE_GRID[last]]))
    oval = np.sqrt(np.clip(1.0 - ((OUTLINE_GRID - 0.5 * (tips[0] + tips[1])) / (0.5 * (tips[1] - tips[0]))) ** 2,
                           0.0, None))
    weight = np.clip((oval - OUTLINE_OVAL_HELD[0]) / (OUTLINE_OVAL_HELD[1] - OUTLINE_OVAL_HELD[0]), 0.0, 1.0)
    out = need.copy()
    for lip in range(2):
        height = drawn[lip].max()
        if height <= 0.0:  # a lip at or past the corners' line has no floor
            continue
        ratio = np.minimum(np.maximum(edge[lip], 0.0) / np.where(weight > 0.0, height * oval, 1.0), 1.0)
        scale = min(1.0, (1.0 - weight * (1.0 - ratio)).min())
        rise = soft_rise(soft_min(scale * height * oval, edge[lip]) - drawn[lip])
        bulge = (pull if lip == 1 else 0.0) * oval * soft_rise(drawn[lip] - height * oval)
        out[lip] = need[lip] - share * min(height / soft, 1.0) * (rise - bulge)
    return out


def test_the_compiled_outline_passes_match_their_numpy_form(analysis):
    """_lip_heights and _outline_need (one compiled pass each) give what the numpy form of
    _rounded_outline gives (np.interp of each lip's places along the corners' line, then
    _outline_need_numpy), to 1e-9 px, on the bundled photo's widest vowel, /l/ and /o/, and on its
    mirror image, with the lens at LENS_REACH, wide open (`wide` 1: the fits for LENS_REACH and
    LENS_REACH_WIDE mixed, as _rounded_outline mixes them) and half way; _rounded_outline itself
    gives the same (the oval's pull at the pose's jaw_lift share, then _rounded_inside). The same with the lens's full
    height held over none of the mouth (rounded lips': _lens_shape's `full_share` 0)."""
    from facetalk.face.rig import jaw_lift_share
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.mouth import (LENS_FULL, OUTLINE_GRID, LENS_REACH, LENS_REACH_WIDE, OUTLINE_OVAL_PULL,
                                       OUTLINE_OVAL_SOFT, OUTLINE_OVAL_TIP, _lens_cut_edge, _lip_heights,
                                       _outline_kernel, _outline_need, _rounded_inside)
    from facetalk.render.renderer import posed_vertices

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    narrow, scaled, bowed, pulled = _outline_kernel(lens_reach=LENS_REACH), False, False, False
    assert not np.array_equal(narrow, _outline_kernel(lens_reach=LENS_REACH_WIDE))
    for params in (dict(jaw_open=1.0), dict(jaw_open=0.4, lip_spread=0.1), dict(jaw_open=0.38, lip_spread=-0.75)):
        jaw_lift = jaw_lift_share(params["jaw_open"])
        for mirror in (1.0, -1.0):
            verts = posed_vertices(analysis.rig, MotionFrame(t_s=0, **params)).copy()
            verts[:, 0] *= mirror
            left, right = verts[painter._lip_ids[0], :2].astype(np.float64), verts[painter._lip_ids[-1], :2]
            half = max(0.5 * float(np.hypot(*(right - left))), 1e-6)
            axis = (right - left) / (2.0 * half)
            down = np.array([-axis[1], axis[0]])
            centre = 0.5 * (left + right)
            upper, lower = verts[painter._lip_ids, :2] - centre, verts[painter._lower_ids, :2] - centre
            if float((lower - upper).sum(axis=0) @ down) < 0.0:
                down = -down
            heights = np.array([np.interp(OUTLINE_GRID, np.maximum.accumulate(pts @ axis / half), sign * (pts @ down))
                                for pts, sign in ((upper, -1.0), (lower, 1.0))])
            rig = _lip_heights(verts, painter._lip_ids, painter._lower_ids, OUTLINE_GRID)
            assert np.abs(rig - heights).max() < 1e-9, (params, mirror, np.abs(rig - heights).max())
            for peak, opens, hold, wide in ((0.3 * half, 0.8, 1.0, 0.0), (0.9 * half, 1.0, 1.0, 0.0),
                                            (0.9 * half, 1.0, 0.4, 0.0), (0.9 * half, 1.0, 1.0, 1.0),
                                            (0.9 * half, 1.0, 0.4, 1.0), (0.6 * half, 1.0, 1.0, 0.5),
                                            (1.9 * half, 1.0, 1.0, 1.0)):
                kernel = narrow + wide * (_outline_kernel(lens_reach=LENS_REACH_WIDE) - narrow)
                power, reach, unrounded = painter._lens_shape(1.0, wide=wide)
                assert unrounded == LENS_FULL
                for full_share in (LENS_FULL, 0.0):
                    want, scaled_here = _outline_need_numpy(heights, kernel, peak=peak, power=power, reach=reach,
                                                            full_share=full_share, opens=opens, hold=hold)
                    scaled |= scaled_here
                    edge = _lens_cut_edge(rig, OUTLINE_GRID, peak, power, reach, full_share, opens)
                    need = _outline_need(rig, edge, OUTLINE_GRID, kernel, peak, opens, hold)
                    assert want.max() > 1.0 and np.abs(need - want).max() < 1e-9, (params, mirror, np.abs(need - want).max())
                    if hold == 1.0 and full_share == LENS_FULL:  # lips as wide as the photo's: _rounded_outline holds them whole
                        if wide > 0.0:  # and a wide-open mouth's bows out toward an oval (stretch = wide: not rounded)
                            floor = _oval_floor_numpy(heights, want, edge, share=wide, soft=OUTLINE_OVAL_SOFT * peak,
                                                      pull=0.0)
                            want = _oval_floor_numpy(heights, want, edge, share=wide, soft=OUTLINE_OVAL_SOFT * peak,
                                                     pull=OUTLINE_OVAL_PULL * jaw_lift)
                            bowed |= bool((floor < need - 0.5).any())
                            pulled |= bool((want > floor + 0.1).any())
                        want = _rounded_inside(heights, want, opens=opens,
                                               least_px=OUTLINE_OVAL_TIP * OUTLINE_OVAL_SOFT * peak)
                        drawn = painter._rounded_outline(verts, peak_opening=peak, opens=opens, widened=1.0, wide=wide,
                                                         jaw_lift=jaw_lift)
                        assert np.abs(np.array([drawn.upper, drawn.lower]) - want).max() < 1e-9, (params, mirror, wide)
    assert scaled and bowed and pulled  # the scale inside the edge, the oval floor and its pull are exercised


def test_a_corner_face_turns_from_the_light_only_where_it_curls_in():
    """A lip's face over the opening's corner (_face_depth) darkens only over its last
    CORNER_CURL mouth widths before the opening: turned from the light across all of a wide one (the
    rig's opening far outside the lens), it was a band 4-8 px wide, darker and greyer than the lip,
    between the lip and the mouth (13, 07 at 2x). The curl is a share of the mouth's width: a mouth
    twice as wide (or posed twice as wide) turns over twice the px."""
    from facetalk.render.mouth import CORNER_CURL, _face_depth

    reach = np.float32(16.0)
    for rest_w, to_rest in ((100.0, 1.0), (200.0, 1.0), (100.0, 0.5)):
        curl = CORNER_CURL * rest_w / to_rest  # px

        def turned(d: float) -> float:
            return float(_face_depth(np.float32(d), reach, np.float32(0.0), False, to_rest, rest_w)[1])

        assert turned(float(reach) - curl - 0.5) == 0.0 and turned(0.5 * float(reach)) == 0.0, rest_w / to_rest
        assert turned(float(reach) - 0.05) > 0.99 and 0.0 < turned(float(reach) - 0.5 * curl) < 1.0, rest_w / to_rest
    # A face narrower than that turns across its whole reach, but only as far as it reaches of the curl:
    # turned whole, a px of rounding mid-mouth (_rounded_inside) was a dark line round the opening.
    curl = CORNER_CURL * 100.0
    narrow = [float(_face_depth(np.float32(d), np.float32(1.0), np.float32(0.0), False, 1.0, 100.0)[1])
              for d in (0.5, 0.999)]
    assert 0.0 < narrow[0] < narrow[1] <= 1.0 / curl + 1e-3 and narrow[1] > 0.9 / curl, (narrow, curl)


def test_a_wide_open_toothy_mouth_arches_its_top_and_its_teeth_follow(analysis, monkeypatch):
    """A toothy photo's level upper lip and biting edge gave its widest vowel a straight top: the
    upper lip's inner face comes down over the opening toward its corners (none mid-mouth), as
    far as LIP_ARCH_SAG of the peak asks beyond the rig's own sag, and the photo's upper teeth
    hang from that arched edge (a pixel `arch` px further down reads what one at the rig's edge
    did), so their biting edge arches with it. /i/'s spread lips keep their flat, wide top.
    Checked at 0.3, LIP_ARCH_SAG's value, where it reads as an arch at 2x."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render import mouth
    from facetalk.render import renderer as renderer_module
    from facetalk.render.renderer import posed_vertices

    monkeypatch.setattr(mouth, "LIP_ARCH_SAG", 0.3)
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    u = np.array([0.5, 0.2, 0.8])

    def arch(**params) -> tuple[np.ndarray, float]:
        verts = posed_vertices(analysis.rig, MotionFrame(t_s=0, **params))
        mouth_w = float(np.linalg.norm(verts[lm.MOUTH_CORNERS[0], :2] - verts[lm.MOUTH_CORNERS[1], :2]))
        gap = verts[list(lm.LIPS_INNER_LOWER), :2] - verts[list(lm.LIPS_INNER_UPPER), :2]
        peak = float(np.linalg.norm(gap, axis=1).max())
        share = renderer_module.jaw_lift_share(params.get("jaw_open", 0.0))  # as paint's
        return painter._upper_arch(verts, u, peak_opening=peak, mouth_w=mouth_w,
                                   widened=painter._widened(verts, None, jaw_lift=share)), peak

    # The painter's own arch, on a rig whose upper lip is not lifted mid-mouth (face.rig.JAW_UPPER_LIFT
    # arches it beyond this, leaving the painter little to add at jaw 1).
    with monkeypatch.context() as m:
        m.setattr(renderer_module, "jaw_lift_share", lambda jaw_open: 0.0)
        level, level_peak = arch(jaw_open=1.0)
    assert level[0] == 0.0 and (level[1:] > 0.05 * level_peak).all(), (level, level_peak)
    # With it, the rig's own sag and the faces' drop beyond it together bring the lip down toward the corners.
    wide, peak = arch(jaw_open=1.0)
    verts = posed_vertices(analysis.rig, MotionFrame(t_s=0, jaw_open=1.0))
    depth = verts[painter._lip_ids, :2].astype(np.float64) @ mouth._face_down(verts[:, :2])
    sag = np.interp(u, painter._lip_u, depth - depth[len(depth) // 2])
    assert wide[0] == 0.0 and (wide[1:] + sag[1:] > 0.05 * peak).all(), (wide, sag, peak)
    assert not arch(jaw_open=0.2, lip_spread=0.75)[0].any()
    ids = np.full(2, lm.LIPS_INNER_UPPER[len(lm.LIPS_INNER_UPPER) // 2])
    laid = []
    for d_upper, arch_px in ((np.full(2, 1.0), None), (np.full(2, 4.0), np.full(2, 3.0))):  # an arch of 3 px
        color = np.zeros((2, 3))
        painter._lay_photo_interior(color, lambda per_vertex, only=slice(None): per_vertex[ids][only],
                                    d_upper=d_upper, d_lower=np.full(2, 30.0),
                                    runs=(painter._own_upper[ids], painter._own_lower[ids]), lower_show=np.ones(2),
                                    mouth_w=painter._rest_mouth_w, u=np.full(2, 0.5),
                                    peak_opening=0.1 * painter._rest_mouth_w,
                                    arch=arch_px)
        laid.append(color)
    assert (laid[0] @ LUMA > 60).all() and np.allclose(laid[0], laid[1], atol=1e-3), laid


def test_a_photos_own_upper_teeth_stay_on_the_skull_as_a_wide_open_jaw_lifts_the_lip(analysis):
    """A wide-open jaw lifts the upper inner lip mid-mouth (face.rig.JAW_UPPER_LIFT, 5.2 px here at
    jaw 1); the bundled photo's own upper teeth stay where the skull has them, so their biting edge
    (the top of the dark under them, mid-mouth) stays within 2 px of where it is with the lip not
    lifted, and the lip uncovers more of them (hung from the lip, the edge rose 4-5 px here with it,
    more mid-mouth than toward the corners: a reversed smile arc)."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    renderer = Renderer(analysis)
    assert renderer._mouth._own_teeth
    frame = MotionFrame(t_s=0, jaw_open=1.0)
    upper = list(lm.LIPS_INNER_UPPER)

    def edge_and_lip() -> tuple[np.ndarray, np.ndarray]:  # (5,) rows of the biting edge, of the lip, mid-mouth
        img = renderer.render(frame).astype(float) @ LUMA
        verts = posed_vertices(renderer.rig, frame)
        cols = np.linspace(verts[upper[3], 0], verts[upper[-4], 0], 5)
        lip = np.interp(cols, verts[upper, 0], verts[upper, 1])
        # The biting edge is the steepest fall from tooth to cavity under the lip, not a fixed luma: how
        # dark the cavity is just under the teeth is the cavity's shading, not where the teeth are.
        edge = [int(y) + np.argmin(np.diff(img[int(y):int(y) + 60, int(round(c))])) for c, y in zip(cols, lip)]
        return np.array(edge, float), lip

    lifted, lip = edge_and_lip()
    rig_lift, teeth_lift = renderer.rig.jaw_lift.copy(), renderer._mouth._jaw_raise_px.copy()
    renderer.rig.jaw_lift[:] = 0.0
    renderer._mouth._jaw_raise_px[:] = 0.0
    try:
        level, level_lip = edge_and_lip()
    finally:
        renderer.rig.jaw_lift[:], renderer._mouth._jaw_raise_px[:] = rig_lift, teeth_lift
    assert (level_lip - lip)[2] > 4.0, (level_lip, lip)  # the lip does lift mid-mouth
    assert np.abs(level - lifted).max() <= 2.0, (level, lifted)


def test_the_gum_margin_scallops_between_the_crowns_a_photo_shows(analysis, monkeypatch):
    """_crown_scallop reads the gaps between a photo's upper crowns from its row under the lip: a
    row whose luma is bright with dark dips at u 0.3, 0.4 .. 0.7 (within PHOTO_TEETH_HIDDEN's
    middle) gives 0 at the crown centres between them and the crown's width (0.1 of the rest mouth)
    at each gap, crowns as wide on out to the corners; a shallower dip 9 samples beside a gap (its
    own dip apart from the gap's) is no gap (_apart: without it, a sliver crown 0.18 of the width);
    with one dip, no scallop (a level margin)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    n, width = mouth_module.GUM_TABLE_N, 0.1 * painter._rest_mouth_w
    uu = np.linspace(0.0, 1.0, n)
    teeth = float(painter.teeth_rgb @ LUMA)

    def row(gaps, noise=()):
        luma = np.full(n, teeth)
        for at, depth in [(g, 0.5) for g in gaps] + [(g, 0.3) for g in noise]:
            luma -= depth * teeth * np.clip(1.0 - np.abs(uu - at) * (n - 1) / 4.0, 0.0, 1.0)
        return lambda image, points: np.repeat(luma[:, None], 3, axis=1) / float(np.sum(LUMA))

    gaps = (0.3, 0.4, 0.5, 0.6, 0.7)
    monkeypatch.setattr(mouth_module, "bilinear", row(gaps, noise=(0.5 + 9.0 / (n - 1),)))
    scallop, *_ = painter._crown_scallop(0.0)
    at_gaps = [int(round(g * (n - 1))) for g in gaps]
    centres = [int(round((g + 0.05) * (n - 1))) for g in gaps[:-1]]
    assert np.allclose(scallop[at_gaps], width, rtol=0.03), scallop[at_gaps] / width
    assert np.all(scallop[centres] < 0.02 * width), scallop[centres] / width
    first, last = at_gaps[1] - at_gaps[0], at_gaps[-1] - at_gaps[-2]  # gaps carried on to the corners
    outer = [at_gaps[0] - first, at_gaps[0] - 2 * first, at_gaps[-1] + last, at_gaps[-1] + 2 * last]
    assert np.allclose(scallop[outer], width, rtol=0.03), scallop[outer] / width
    monkeypatch.setattr(mouth_module, "bilinear", row((0.5,)))
    assert not painter._crown_scallop(0.0)[0].any()


def test_too_few_crowns_found_keep_those_found_and_an_arch_divides_the_wide_spans(analysis, monkeypatch):
    """_Gum from a photo's row under the lip: gaps every 0.1 of the mouth (crowns one central
    incisor's share wide) keep their scallop. Where the gaps found leave a crown wider than
    GUM_CROWN_MAX_MW (13's and 11's blurred rows) or none are found, the found ones are kept and
    each wider span is divided as an arch divides it (_arch_gaps), a scallop GUM_ARCH_GENTLE as
    deep: with no gap found, the arch's own edges out from the middle (central incisors
    GUM_ARCH_CENTRAL_MW of the mouth), none closer than GUM_GAP_MW of the mouth; gaps found 0.08
    apart right of the midline and one 0.25 left of it all kept, nothing added between them, the
    span left of the midline divided into crowns no wider than GUM_CROWN_MAX_MW; one dip 11 samples off the middle: the midline there
    and the central incisors' outer edges shifted with it. Crowns at u 0.7-0.8 at a quarter of the row's
    luma (a back tooth in deep shade) are not lit, the rest are (at half of it, in the row's own grey, they
    are now a tooth in shade, GUM_DIM_TOOTH_LIGHT: 13's side teeth, 0.42-0.79)."""
    n = mouth_module.GUM_TABLE_N
    uu = np.linspace(0.0, 1.0, n)
    arch = np.cumsum(mouth_module.UPPER_TOOTH_WIDTHS) * mouth_module.GUM_ARCH_CENTRAL_MW * (n - 1)
    middle = 0.5 * (n - 1)

    def gum(gaps, dark=None):
        painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
        teeth = float(painter.teeth_rgb @ LUMA)
        luma = np.full(n, teeth)
        for at in gaps:
            luma -= 0.5 * teeth * np.clip(1.0 - np.abs(uu - at) * (n - 1) / 4.0, 0.0, 1.0)
        if dark is not None:
            luma[(uu > dark[0]) & (uu < dark[1])] *= 0.25
        monkeypatch.setattr(mouth_module, "bilinear",
                            lambda image, points: np.repeat(luma[:, None], 3, axis=1) / float(np.sum(LUMA)))
        return painter._gum, painter._rest_mouth_w

    def peaks(scallop):  # the gum points: at a gap, or 1 sample into the wider crown
        return np.flatnonzero((scallop[1:-1] >= scallop[:-2]) & (scallop[1:-1] > scallop[2:])) + 1

    def has(scallop, wanted):
        return all(np.abs(peaks(scallop) - w).min() <= 1 for w in wanted)

    even, _ = gum((0.3, 0.4, 0.5, 0.6, 0.7))
    assert even.scallop.max() > 0.0 and has(even.scallop, np.array([0.4, 0.5, 0.6]) * (n - 1))
    assert (even.lit[(uu > 0.25) & (uu < 0.75)] == 1.0).all()
    flat, mouth_w = gum(())  # no gap found at all: the arch's own edges
    assert has(flat.scallop, np.round(middle + np.array([-1.0, 1.0])[:, None] * np.r_[0.0, arch[:3]]).ravel())
    assert np.isclose(flat.scallop[int(middle)], mouth_module.GUM_ARCH_GENTLE * mouth_module.GUM_ARCH_CENTRAL_MW
                      * mouth_w, rtol=0.05)  # the midline: a central incisor's width, gently
    assert np.diff(peaks(flat.scallop)).min() >= mouth_module.GUM_GAP_MW * (n - 1) - 2  # no sliver crowns
    found = (0.25, 0.5, 0.58, 0.66, 0.74)
    kept, _ = gum(found)
    inside = peaks(kept.scallop)[(peaks(kept.scallop) > 0.25 * (n - 1) + 1) & (peaks(kept.scallop) < middle - 1)]
    assert has(kept.scallop, np.array(found) * (n - 1)), (peaks(kept.scallop), np.array(found) * (n - 1))
    assert len(inside) and np.diff(np.r_[0.25 * (n - 1), inside, middle]).max() <= mouth_module.GUM_CROWN_MAX_MW * (n - 1)
    right = peaks(kept.scallop)[(peaks(kept.scallop) > middle) & (peaks(kept.scallop) < 0.74 * (n - 1) + 2)]
    assert all(np.abs(np.array(found) * (n - 1) - p).min() <= 1 for p in right), right  # nothing added there
    off = 11.0 / (n - 1)
    shifted, _ = gum((0.5 + off,))
    assert has(shifted.scallop, np.round(middle + 11.0 + np.array([-arch[0], 0.0, arch[0]])))
    shaded, _ = gum((0.3, 0.4, 0.5, 0.6, 0.7), dark=(0.7, 0.85))
    assert not shaded.lit[(uu > 0.75) & (uu < 0.8)].any()  # its lightest within GUM_GAP_MW
    assert (shaded.lit[(uu > 0.25) & (uu < 0.65)] == 1.0).all()


def test_an_archs_edge_moves_to_a_dip_near_it_only_where_the_crowns_keep_their_widths():
    """_arch_snap moves each of an arch's nominal inner edges (table indices 100, 200, 300 between
    crowns 100 wide) to the row's darkest place within GUM_ARCH_SNAP of the narrower crown beside
    it where that is a dip: a dip 28 samples past the first takes it; a dip 28 short of the next,
    which would leave the crown between them 44 wide (under GUM_ARCH_FIT[0] of its 100), does not;
    a row sloping down through the third's window (its darkest at the window's end: the slope, no
    dip) leaves that edge where it was."""
    nominal = np.array([0.0, 100.0, 200.0, 300.0, 400.0])
    row = np.ones(401)
    for at in (128, 172):
        row[at - 2:at + 3] = 0.5 + 0.1 * np.abs(np.arange(-2, 3))
    row[250:351] = np.linspace(1.0, 0.6, 101)
    snapped = mouth_module._arch_snap(nominal, row, 1.0 - row, dip=0.1)
    assert snapped == [128, 200, 300], snapped


def test_over_a_shaded_crowns_neck_the_photos_row_gives_way_to_the_dark_mouth(analysis):
    """_gum_offsets just under a lifted lip (5 px, past GUM_FULL_PX): where _Gum.lit is 0 (a back tooth in
    shade, which mirrored up or carried up read as a brown decayed tooth at the row's end), the
    photo's row is not laid above the seam (its weight lowered to 0, the dark mouth behind shows)
    and no gum is laid; where lit, the row is laid whole and gummed; halfway between a lit 0 and a
    lit 1 table sample (interpolated, not the nearest), the row's weight and the gum's both 0.5;
    over an unlit crown 0.75 GUM_SOFT_PX above the seam, the row's weight 1 - 0.75 (soft at the seam)."""
    from dataclasses import replace

    from facetalk.face import landmarks as lm

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    assert painter._own_teeth
    last = mouth_module.GUM_TABLE_N - 1
    uu = np.linspace(0.0, 1.0, last + 1)
    lit = np.where((uu > 0.6) & (uu < 0.7), 0.0, 1.0)
    half = int(0.75 * last)
    lit[half] = 0.0  # u between samples half and half + 1 (lit 1): 0.5 by interpolation
    gum = replace(painter._gum, lit=lit)
    painter.__dict__["_gum"] = gum
    u = np.array([0.4, 0.45, 0.5, 0.63, 0.65, 0.67, (half + 0.5) / last, 0.65], np.float32)
    n = len(u)
    weight = np.ones(n)
    run = np.full(n, float(np.median(painter._own_upper[list(lm.LIPS_INNER_UPPER)])))
    top = min(gum.crown_top_px, mouth_module.GUM_CROWN_RUN * run[-1])
    seam = top + mouth_module.GUM_SEAM_GAP * float(np.interp(u[-1], uu, gum.scallop))
    down_upper = np.full(n, -4.5, np.float32)
    down_upper[-1] = seam - 0.75 * mouth_module.GUM_SOFT_PX  # rest px = posed px: mouth_w is the rest one
    at, is_gum, _, gummed = painter._gum_offsets(np.arange(n), np.zeros((n, 2)), weight, down_upper=down_upper,
                                                 raised=np.full(n, 5.0, np.float32), run=run, u=u,
                                                 mouth_w=painter._rest_mouth_w, wide=0.0,
                                                 ends=_wide_open_ends(painter))
    assert np.allclose(weight, [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 0.5, 0.25], atol=0.01), weight
    assert set(at.tolist()) == {0, 1, 2, 6} and (is_gum > 0.5).all()
    assert np.allclose(gummed[at == 6], 0.5, atol=0.01) and np.allclose(gummed[at != 6], 1.0), gummed


def test_a_lifted_lip_uncovers_gum_over_a_photos_own_crowns_at_their_photographed_height(analysis, monkeypatch):
    """A wide-open jaw lifts the upper lip (face.rig.JAW_UPPER_LIFT) over a photo's own upper teeth,
    which stay on the skull: below the seam (GUM_CROWN_RUN of the row's run under the lip) they
    are laid at their photographed scale, each pixel the photo's own depth under its lip
    line (stretched over what the lip uncovered, main's row sampled the crowns at 0.6-0.7 of it:
    long smeared crowns, tall pink gum points), and what the lip uncovered is gum (_Gum's colours)
    right under the lip. Read from a photo that is a ramp along the face's down (bilinear sampling
    of a linear ramp is exact), so each laid colour says the depth it was sampled at; the crowns'
    light (_crown_light, 1/0.972 mid-crown since it keeps the row's mean) is held at 1 to read it."""
    from facetalk.face import landmarks as lm

    monkeypatch.setattr(mouth_module, "_crown_light", lambda d_rest, run, *, held: np.ones((len(d_rest), 3)))
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    assert painter._own_teeth
    gum = painter._gum  # from the photo itself, before the ramp replaces it
    mid = lm.LIPS_INNER_UPPER[len(lm.LIPS_INNER_UPPER) // 2]
    d_upper = np.arange(0.5, 20.0, 0.5).astype(np.float32)
    n = len(d_upper)
    ids = np.full(n, mid)

    def interp(per_vertex, only=slice(None)):
        return per_vertex[ids][only]

    mouth_w = painter._rest_mouth_w
    run = painter._own_upper[ids]
    raised = painter._row_offset(None, interp, mouth_w=mouth_w, jaw_lift=1.0)
    places = np.linspace(0.0, 1.0, len(gum.scallop))
    centre = float(places[np.argmin(np.where(np.abs(places - 0.5) < 0.1, gum.scallop, np.inf))])  # mid-crown
    h, w = painter.image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    anchor = painter._anchor_xy[mid]
    depth_px = (xx - anchor[0]) * painter._down[0] + (yy - anchor[1]) * painter._down[1]
    painter.image = np.repeat((100.0 + 4.0 * depth_px)[..., None], 3, axis=2).astype(np.float32)
    color = np.zeros((n, 3))
    painter._lay_photo_interior(color, interp, d_upper=d_upper, d_lower=np.full(n, 40.0, np.float32),
                                runs=(run, painter._own_lower[ids]), lower_show=np.ones(n), mouth_w=mouth_w,
                                u=np.full(n, centre, np.float32), peak_opening=0.05 * mouth_w, lowered=raised)
    sampled = (color[:, 0] - 100.0) / 4.0
    r = float(raised[0])
    assert r > 4.0, r  # the lip does lift mid-mouth
    seam = gum.crown_top_px + mouth_module.GUM_SEAM_GAP * np.interp(centre, places, gum.scallop)
    below = (d_upper > r + seam + 0.5) & (d_upper < r + 0.7 * run[0])  # laid whole: clear of the biting edge
    assert below.sum() >= 3, (r, gum.crown_top_px, run[0])
    assert np.allclose(sampled[below], d_upper[below] - r, atol=0.05), np.c_[d_upper, sampled][below]
    low, high = np.minimum(gum.rgb, gum.shade_rgb) - 2.0, np.maximum(gum.rgb, gum.shade_rgb) + 2.0
    assert ((color[0] >= low) & (color[0] <= high)).all(), (color[0], gum.rgb, gum.shade_rgb)


def test_over_the_crowns_tops_a_lifted_lip_shows_its_shaded_inner_face_and_gum_only_between_them(analysis):
    """A wide-open jaw's lifted lip (jaw_lift 1) over a photo's own crowns: in a column mid-crown
    nothing the lip uncovered is pink gum (is_gum > 0.5 outside the lip's shade, shade < 0.5): over
    the crowns' tops it is the lip's inner face in its shade (main laid 2.2-4.3 px of flat lip-pink
    gum there, 0.14-0.22 of the crown, judge36 on 13: pink felt); at the widest gap a papilla
    between the necks, pink, at most GUM_PAPILLA of that gap's crown width (plus the soft edge) tall."""
    from facetalk.face import landmarks as lm

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    assert painter._own_teeth
    gum, step = painter._gum, 0.05
    mid = lm.LIPS_INNER_UPPER[len(lm.LIPS_INNER_UPPER) // 2]
    ids = np.full(8, mid)
    r = float(painter._row_offset(None, lambda v, only=slice(None): v[ids][only], mouth_w=painter._rest_mouth_w,
                                  jaw_lift=1.0)[0])
    assert r > 4.0, r
    places = np.linspace(0.0, 1.0, len(gum.scallop))
    near = np.abs(places - 0.5) < 0.1
    pink = {}
    for where, u0 in (("mid", places[np.argmin(np.where(near, gum.scallop, np.inf))]),
                      ("gap", places[np.argmax(np.where(near, gum.scallop, -np.inf))])):
        d = np.arange(-r, 12.0, step).astype(np.float32)  # px under the photo's lip line, from the lifted lip
        n = len(d)
        at, is_gum, shade, _ = painter._gum_offsets(np.arange(n), np.zeros((n, 2)), np.ones(n), down_upper=d,
                                                    raised=np.full(n, r, np.float32), run=painter._own_upper[np.full(n, mid)],
                                                    u=np.full(n, u0, np.float32), mouth_w=painter._rest_mouth_w, wide=0.0,
                                                    ends=_wide_open_ends(painter))
        assert len(at) and (shade[d[at] < -0.5 * r] >= 0.5).all(), where  # under the lip: its shade
        if where == "mid":  # over the crowns' level, past the soft edge: a gradient, not one flat shadow
            level = float(d[at][is_gum > 0.5].max()) - mouth_module.GUM_SOFT_PX  # px under the photo's lip line
            band = d[at] <= level
            near_crowns, near_lip = shade[band & (d[at] > level - 1.0)], shade[band & (d[at] < -r + 1.0)]
            assert near_crowns.mean() < near_lip.mean() - 0.1, (near_crowns, near_lip)  # 1 and 1 on h/gum37
            assert (np.diff(shade[band][np.argsort(d[at][band])]) <= 1e-9).all()  # lightening toward the crowns
            assert (near_crowns >= mouth_module.GUM_BAND_SHADE - 0.05).all(), near_crowns
        pink[where] = float(((is_gum > 0.5) & (shade < 0.5 * mouth_module.GUM_BAND_SHADE)).sum() * step)
    widest = float(gum.scallop[near].max())
    assert pink["mid"] == 0.0, pink
    assert 0.0 < pink["gap"] <= mouth_module.GUM_PAPILLA * widest + mouth_module.GUM_SOFT_PX, (pink, widest)


def test_a_pink_place_in_the_photos_row_is_not_mirrored_up_as_a_crown():
    """_lit_crowns: a row as light as its crowns throughout, grey (chroma 0.1) but pink (chroma
    0.5, lip) at u under 0.2 (11's pale lip beside its last canine, 0.7 of the crowns' luma there,
    mirrored up into a pink-white ghost crown on main): lit 1 on the grey crowns, 0 on the pink."""
    n = mouth_module.GUM_TABLE_N
    uu = np.linspace(0.0, 1.0, n)
    chroma = np.where(uu < 0.2, 0.5, 0.1)
    lit = mouth_module._lit_crowns(np.full(n, 200.0), chroma)
    assert (lit[uu > 0.25] == 1.0).all() and (lit[uu < 0.2] == 0.0).all(), lit[::32]


def test_an_evenly_yellow_row_stays_lit_and_only_a_pinker_place_gives_way():
    """_lit_crowns measures chroma over the row's middle half's median, as it does luma: a row as
    light as its crowns throughout at chroma 0.4 (mildly yellowed or warm-lit teeth; h/gum37's
    absolute GUM_LIT_CHROMA 0.3-0.42 blanked 12's tinted row, 0.84 of its middle unlit) stays lit 1
    everywhere; the same row with a place 0.3 pinker (lip) at u under 0.2 gives way there."""
    n = mouth_module.GUM_TABLE_N
    uu = np.linspace(0.0, 1.0, n)
    even = mouth_module._lit_crowns(np.full(n, 200.0), np.full(n, 0.4))
    assert (even == 1.0).all(), even[::32]
    lip = mouth_module._lit_crowns(np.full(n, 200.0), np.where(uu < 0.2, 0.7, 0.4))
    assert (lip[uu > 0.25] == 1.0).all() and (lip[uu < 0.2] == 0.0).all(), lip[::32]


def test_a_dim_crown_at_the_rows_very_end_is_a_back_tooth_in_shade_not_lit():
    """_lit_crowns: a row lit out to its corners whose crowns at its very ends (|2u - 1| over 0.85)
    are 0.88 of the front teeth's light, no pinker (12's grey-blue corner crowns, 0.86-0.94: lit 1
    on 372251c, laid translucent over the dark at a wide jaw as grey slivers) is not lit there
    (under 0.05) and stays lit 1 where it is as light as the front; the same ends at 0.98 (nearly
    the front's light) stay lit above 0.9; at 0.88 mid-row (|2u - 1| under 0.5) a crown stays lit 1, and so
    do the dim end crowns of a row that goes dark before its corner."""
    n = mouth_module.GUM_TABLE_N
    uu = np.linspace(0.0, 1.0, n)
    end = np.abs(2.0 * uu - 1.0)
    chroma = np.full(n, 0.2)
    dim = mouth_module._lit_crowns(np.where(end > 0.85, 176.0, 200.0), chroma)
    assert (dim[end > 0.86] < 0.05).all() and (dim[end < 0.5] == 1.0).all(), dim[::32]
    bright = mouth_module._lit_crowns(np.where(end > 0.85, 196.0, 200.0), chroma)
    assert (bright > 0.9).all(), bright[::32]
    middle = mouth_module._lit_crowns(np.where((end > 0.2) & (end < 0.4), 176.0, 200.0), chroma)
    assert (middle == 1.0).all(), middle[::32]
    # a row that goes dark before its corner (bundled's, 03's: 0.5 there) keeps its dimmer crowns lit
    dark = mouth_module._lit_crowns(np.where(end > 0.97, 100.0, np.where(end > 0.85, 176.0, 200.0)), chroma)
    assert (dark[(end > 0.86) & (end < 0.96)] == 1.0).all(), dark[::32]


def test_a_back_tooth_in_shade_gives_way_only_as_the_jaw_opens_wide(analysis, monkeypatch):
    """A row lit out to its corners whose crowns toward its ends (|2u - 1| over 0.6) are 0.88 of the front
    teeth's light (12's grey-blue back crowns) gives them way as a back tooth in shade (GUM_LIT_BACK) at the
    widest vowel's opening (0.67 mouth widths: laid under half of what a row lit alike throughout lays at
    |2u - 1| 0.7 near the lip, 0 of 0.5), but at /l/'s (0.33, where _lower_teeth_show is already whole) it
    lays them as that row does, to the bit (0.49 0.47 0.44 at 10-20% of the run): at b71ef09..7254c52 they
    gave way there too (laid 0), the row stopping a crown short of its lip corner over a near-black pocket
    rising to the lip (judge43b 1). Between (0.40, inside GUM_LIT_BACK_OPEN) it lays them strictly between
    the two (by 0.05 at least: 0.243 against 0.442-0.485 at /l/'s opening; 0.428 while the solid end,
    `_solid_row_end`, shared GUM_LIT_BACK_OPEN's short band and was nearly whole there, fix44s: its own
    ROW_END_SOLID_OPEN), and from 0.30 to 0.70 mouth widths the light it draws there never rises
    as the jaw opens (the light, not how much is laid: a solid end's cover first rises by 0.02 as it comes in
    at the band's foot, while its crown darkens)."""
    shaded = _painter_with_dim_ends(analysis, monkeypatch, dim=0.88)
    lit = _painter_with_dim_ends(analysis, monkeypatch, dim=1.0)
    assert shaded._gum.lit[-1] < 0.05 and (lit._gum.lit == 1.0).all()  # the rule itself (_lit_crowns)
    run_px, mouth_w = 30.0, lit._rest_mouth_w
    u = np.full(3, 0.85, np.float32)  # |2u - 1| 0.7, half way through PHOTO_TEETH_HIDDEN
    d_upper = np.array([0.1, 0.15, 0.2], np.float32) * run_px

    def laid_at(opening: float) -> tuple[np.ndarray, np.ndarray]:
        return drawn_at(opening)[1:]

    def drawn_at(opening: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(the shaded row's luma over the dark, its laid, the lit row's laid) at |2u - 1| 0.7."""
        peak = opening * mouth_w / run_px
        color, laid_shaded = _laid_row(shaded, mouth_w=mouth_w, u=u, d_upper=d_upper, run_px=run_px, opening=peak)
        _, laid_lit = _laid_row(lit, mouth_w=mouth_w, u=u, d_upper=d_upper, run_px=run_px, opening=peak)
        assert (laid_lit > 0.2).all(), (opening, laid_lit)
        return color @ LUMA, laid_shaded, laid_lit

    narrow, narrow_lit = laid_at(0.33)
    assert np.array_equal(narrow, narrow_lit), (narrow, narrow_lit)
    wide, wide_lit = laid_at(0.67)
    assert (wide < 0.5 * wide_lit).all(), (wide, wide_lit)
    between, _ = laid_at(0.40)
    assert (between < narrow - 0.05).all() and (between > wide + 0.05).all(), (narrow, between, wide)
    sweep = np.array([drawn_at(opening)[0] for opening in np.arange(0.30, 0.701, 0.02)])
    assert (np.diff(sweep, axis=0) <= 1e-3).all(), sweep


def _painter_with_dim_ends(analysis, monkeypatch, *, dim: float) -> MouthPainter:
    """The bundled photo's painter, its own row lit out to its corners, its crowns toward its ends
    (|2u - 1| over 0.6) `dim` x the front teeth's light and as chromatic (_crown_scallop patched)."""
    scallop = MouthPainter._crown_scallop

    def crowns(self, top):
        gum_scallop, luma, light, gaps, chroma = scallop(self, top)
        end = np.abs(2.0 * np.linspace(0.0, 1.0, len(light)) - 1.0)
        light = np.where(end > 0.6, dim, 1.0) * float(np.median(light[end < 0.5]))
        return gum_scallop, luma, light, gaps, np.full(len(chroma), float(np.median(chroma)))

    with monkeypatch.context() as patch:
        patch.setattr(MouthPainter, "_crown_scallop", crowns)
        painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
        assert painter._own_teeth and painter._gum is not None  # (its _gum read now, under this patch)
    return painter


def test_a_row_end_giving_way_stays_a_solid_crown_in_shade(analysis, monkeypatch):
    """A row lit alike out to its corners (the bundled photo's crowns patched to their middle's light: 11's
    row) gives way at the widest vowel where the arch's back teeth go (PHOTO_TEETH_HIDDEN), but as a solid
    crown turning into the shade (_solid_row_end), not a see-through one: half way through it (|2u - 1| 0.7,
    a third of the way down the run) the row is laid at least 0.8 (1 - 0.5^3 of it; 0.5 on e80fb2a, where
    the end faded evenly down each column over the dark: 11's pale strip, judge43b), under 0.4 as light as
    mid-mouth's crowns there yet no darker than the maroon-black cavity behind it; at mid-mouth nothing
    gives way (laid whole)."""
    scallop = MouthPainter._crown_scallop

    def crowns(self, top):
        gum_scallop, luma, light, gaps, chroma = scallop(self, top)
        end = np.abs(2.0 * np.linspace(0.0, 1.0, len(light)) - 1.0)
        light = np.full(len(light), float(np.median(light[end < 0.5])))
        return gum_scallop, luma, light, gaps, np.full(len(chroma), float(np.median(chroma)))

    monkeypatch.setattr(MouthPainter, "_crown_scallop", crowns)
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    assert painter._own_teeth and (painter._gum.lit == 1.0).all()
    run_px = 30.0
    u = np.repeat(np.array([0.5, 0.85], np.float32), 3)
    d_upper = np.tile(np.array([0.1, 0.15, 0.2], np.float32) * run_px, 2)
    color, laid = _laid_row(painter, mouth_w=painter._rest_mouth_w, u=u, d_upper=d_upper, run_px=run_px,
                            opening=0.67 * painter._rest_mouth_w / run_px)
    luma, cavity = color @ LUMA, float(np.array([40.0, 18.0, 20.0]) @ LUMA)
    assert np.allclose(laid[:3], 1.0), laid
    assert (laid[3:] >= 0.8).all(), laid
    assert (luma[3:] < 0.4 * luma[:3].min()).all() and (luma[3:] >= cavity - 1e-6).all(), (luma, cavity)


def _painted_row_end(analysis, *, rgb_of, u_band: tuple[float, float]) -> MouthPainter:
    """A painter of the bundled photo with its own upper row, lip to biting edge, painted `rgb_of(middle)` over
    u `u_band` (`middle`: (3,) float64 the row's median colour over its middle half, 0.4 of its run down)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    uu = np.linspace(0.0, 1.0, mouth_module.GUM_TABLE_N)
    at, run = painter._row_line()
    image = analysis.image.copy()
    middle = np.abs(2.0 * uu - 1.0) < 0.5
    row = (at + 0.4 * run[:, None] * painter._down)[middle]
    colour = rgb_of(np.median(image[row[:, 1].round().astype(int), row[:, 0].round().astype(int)], axis=0))
    band = (uu >= u_band[0]) & (uu <= u_band[1])
    places = (at[band, None, :] + np.linspace(-0.1, 1.1, 50)[None, :, None] * run[band, None, None] * painter._down)
    xy = places.reshape(-1, 2)
    for dx in (-1, 0, 1, 2):
        for dy in (-1, 0, 1, 2):
            image[np.floor(xy[:, 1]).astype(int) + dy, np.floor(xy[:, 0]).astype(int) + dx] = np.clip(colour, 0, 255)
    return MouthPainter(analysis.rig, image, analysis.appearance.grain)


def test_a_dim_crown_that_keeps_its_rows_hue_is_a_tooth_in_shade(analysis):
    """_Gum.lit: the bundled photo's row with its crowns at u 0.78-0.86 (|2u - 1| 0.56-0.72) painted the row's
    own middle colour at 0.55 of its light (13's side teeth in its lip's shade, 0.53-0.67 of its middle's light,
    +0.01..+0.11 chroma at their greyest) is lit there (over 0.9: MouthPainter._dim_teeth), and a wide jaw lays
    that row near the lip at u 0.8 (|2u - 1| 0.6) over half; on e80fb2a the light test called it unlit (0) and
    the row gave way there (laid 0): 13's dark "ears" beside a short row at every speech opening. The same
    crowns painted the photo's lip colour at 0.65 of the light (11's pale lip beside its last canine) stay
    unlit (under 0.1), and so does the photo's own deep-shade end (01's and this photo's ragged grey end)."""
    band = (0.78, 0.86)
    uu = np.linspace(0.0, 1.0, mouth_module.GUM_TABLE_N)
    inside = (uu > band[0] + 0.01) & (uu < band[1] - 0.01)
    dim = _painted_row_end(analysis, rgb_of=lambda middle: 0.55 * middle, u_band=band)
    lip = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    pink = _painted_row_end(analysis, rgb_of=lambda middle: lip._lip_rgb * 0.65 * float(middle @ LUMA)
                            / float(lip._lip_rgb @ LUMA), u_band=band)
    assert (dim._gum.lit[inside] > 0.9).all(), dim._gum.lit[inside][::8]
    assert (pink._gum.lit[inside] < 0.1).all(), pink._gum.lit[inside][::8]
    assert (lip._gum.lit[(uu > 0.79) & (uu < 0.86)] < 0.1).all(), lip._gum.lit[inside][::8]
    run_px = 20.0
    u, d_upper = np.full(3, 0.8, np.float32), np.array([0.1, 0.15, 0.2], np.float32) * run_px
    _, laid = _laid_row(dim, mouth_w=dim._rest_mouth_w, u=u, d_upper=d_upper, run_px=run_px)
    _, laid_photo = _laid_row(lip, mouth_w=lip._rest_mouth_w, u=u, d_upper=d_upper, run_px=run_px)
    assert (laid > 0.5).all() and (laid_photo < 0.1).all(), (laid, laid_photo)


def test_a_photo_showing_its_whole_crowns_lifts_its_lip_less_at_a_wide_jaw(analysis, monkeypatch):
    """own_crowns_lift_share, a figure of the photo alone (the painter's own row's, from its rig and
    image): the bundled smile's crowns, 1.14 central widths long, keep all of the rig's wide-jaw lip
    lift (with_photo_lip_lift keeps the analysis itself); the same row 1.6x as long (13's 1.72: the
    lip at the necks) keeps LIP_LIFT_OWN_KEEP of it. An analysis whose share is 0.35 is fitted once
    (h/gum37b's Renderer built a second painter for it): its rig poses the upper lip's middle 0.35 as
    high over the jaw's drop at jaw 1 (h/gum37 lifted it whole: 13's band over the crowns 5.9 px,
    0.31 of the crown), the inner corners' draw-in kept; the Renderer draws that rig, and its
    painter's raise over the photo's crowns is that share too. with_lip_lift clamps the share to 0..1."""
    from facetalk.face import landmarks as lm
    from facetalk.face.rig import with_lip_lift
    from facetalk.motion.frame import MotionFrame
    from facetalk.render import renderer as renderer_module
    from facetalk.render.renderer import Renderer, posed_vertices, with_photo_lip_lift

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    share = mouth_module.own_crowns_lift_share(rig=analysis.rig, image=analysis.image)
    assert painter._own_teeth and share == 1.0
    assert share == mouth_module._lift_share_of(painter._own_upper, rest_mouth_w=painter._rest_mouth_w)
    assert mouth_module._lift_share_of(1.6 * painter._own_upper, rest_mouth_w=painter._rest_mouth_w) \
        == pytest.approx(mouth_module.LIP_LIFT_OWN_KEEP)
    assert with_photo_lip_lift(analysis) is analysis and Renderer(analysis).rig is analysis.rig
    assert with_lip_lift(analysis.rig, share=1.5) is analysis.rig
    np.testing.assert_array_equal(with_lip_lift(analysis.rig, share=-0.5).jaw_lift,
                                  with_lip_lift(analysis.rig, share=0.0).jaw_lift)
    monkeypatch.setattr(renderer_module, "own_crowns_lift_share", lambda *, rig, image: 0.35)
    fitted = with_photo_lip_lift(analysis)
    assert with_photo_lip_lift(fitted).rig is fitted.rig  # set, not taken twice (FaceRig.lip_lift_share)
    renderer = Renderer(fitted)
    assert renderer.rig is fitted.rig and fitted.image is analysis.image
    corners = [lm.LIPS_INNER_UPPER[0], lm.LIPS_INNER_UPPER[-1]]
    np.testing.assert_array_equal(fitted.rig.jaw_lift[corners], analysis.rig.jaw_lift[corners])
    mid = lm.LIPS_INNER_UPPER[len(lm.LIPS_INNER_UPPER) // 2]
    frame = MotionFrame(t_s=0, jaw_open=1.0)
    up = [float(posed_vertices(rig, frame)[mid, 1]) for rig in (analysis.rig, fitted.rig)]
    lift = float(-analysis.rig.jaw_lift[mid, 1])
    assert lift > 4.0 and up[1] - up[0] == pytest.approx(0.65 * lift, abs=0.1), (up, lift)
    assert renderer._mouth._jaw_raise_px[mid] == pytest.approx(0.35 * painter._jaw_raise_px[mid], rel=1e-5)


def test_the_photos_row_gives_way_at_its_ends_where_it_is_no_lit_tooth():
    """_photo_reach's upper row at a wide jaw (`wide` 1): toward its ends (PHOTO_TEETH_UNLIT) a place
    the `lit` table calls no lit tooth (11's pale pink last crown in shade, u 0.17-0.23: a ghost
    crown on h/gum37) gives way to the dark mouth under the seam too, as far as it is unlit; a lit
    one there, and an unlit one mid-mouth, are laid as before."""
    n = 5
    d_lip, length = np.full(n, 2.0, np.float32), np.full(n, 10.0)
    u = np.array([0.2, 0.2, 0.5, 0.5, 0.2], np.float32)
    table = np.linspace(0.0, 1.0, mouth_module.GUM_TABLE_N)

    def weights(lit: np.ndarray) -> np.ndarray:
        _, w, _ = mouth_module._photo_reach(d_lip, length, np.zeros(n), u, 1.0, 1.0, False, 1.0,
                                            np.array([0.0, 1.0]), lit)
        return w

    lit_all = weights(np.ones(mouth_module.GUM_TABLE_N))
    dark = weights(np.where(np.abs(table - 0.2) < 0.05, 0.0, 1.0) * np.where(np.abs(table - 0.5) < 0.05, 0.0, 1.0))
    half = weights(np.where(table < 0.3, 0.5, 1.0))
    hidden = float(smoothstep(np.array(abs(2 * 0.2 - 1)), *mouth_module.PHOTO_TEETH_HIDDEN))
    assert lit_all[0] == pytest.approx(1.0 - hidden, abs=1e-6) and lit_all[2] == 1.0
    assert dark[0] == 0.0 and dark[2] == 1.0, dark
    assert half[0] == pytest.approx(0.5, abs=1e-6), half


def test_a_rolled_upper_lip_covers_a_photos_own_upper_teeth_in_proportion(analysis):
    """Fear rolls the upper lip down over the upper teeth (mouth_roll_upper); the photo's own
    teeth hang from the lip, and on a toothy photo they showed whole under it, its smile's teeth
    (a grin). Column by column mid-mouth, the rolled lip moves the teeth's top edge down by the
    `roll` share of the photo's own upper teeth's height (its longest run, scaled to the frame's
    mouth width) and a little more where what is left is too thin to read as teeth
    (render.mouth._rolled_cover): half rolled, by 0.35-0.75 of that height; fully rolled, none
    show in the opening's upper half. The renderer draws the frame's own roll."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.face import landmarks as lm
    from facetalk.render.renderer import Renderer, posed_vertices

    renderer = Renderer(analysis)
    painter = renderer._mouth
    assert painter._own_teeth
    frame = MotionFrame(t_s=0, jaw_open=0.3, lip_spread=0.7, lower_lip_depress=0.9, mouth_roll_upper=0.8,
                        smile=-0.1 - analysis.expression.smile)
    as_rendered = renderer.render(frame)  # the renderer passes the frame's roll on to the painter
    paint, roll = painter.paint, {"upper": 0.0}
    painter.paint = lambda *a, **k: paint(*a, **{**k, "roll_upper": roll["upper"]})
    teeth_luma = float(painter.teeth_rgb @ LUMA)
    # The opening's upper half, column by column: the synthetic lower row, which no roll covers,
    # is as pale and unsaturated as the upper one (in the photo's teeth's hue).
    cavity = renderer.cavity_mask()
    y = np.arange(cavity.shape[0])[:, None]
    upper_half = y < 0.5 * (np.where(cavity, y, cavity.shape[0]).min(axis=0) + np.where(cavity, y, -1).max(axis=0))
    counts, frames, masks = [], [], []
    for roll["upper"] in (0.0, 0.5, 1.0, 0.8):
        out = renderer.render(frame).astype(float)
        frames.append(out)
        chroma = (out.max(axis=2) - out.min(axis=2)) / np.maximum(out @ LUMA, 1.0)
        teeth = (out @ LUMA > 0.8 * teeth_luma) & (chroma < 0.25) & cavity & upper_half
        counts.append(int(teeth.sum()))
        masks.append(teeth)
    assert np.array_equal(frames[3], as_rendered)
    assert counts[0] > 150 and counts[2] < 0.15 * counts[0], counts
    # The teeth's top edge per column, px below the opening's top; a column with none left counts
    # as covered to the teeth's full height.
    posed = posed_vertices(analysis.rig, frame)
    mouth_w = float(np.linalg.norm(posed[lm.MOUTH_CORNERS[0], :2] - posed[lm.MOUTH_CORNERS[1], :2]))
    height = painter._own_upper_most * mouth_w / painter._rest_mouth_w
    xs = np.nonzero(cavity.any(axis=0))[0]
    top = np.where(cavity, y, cavity.shape[0]).min(axis=0)
    edges = [np.where(teeth.any(axis=0), np.argmax(teeth, axis=0) - top, height) for teeth in masks]
    middle = np.zeros(cavity.shape[1], bool)
    middle[int(np.percentile(xs, 30)):int(np.percentile(xs, 70)) + 1] = True
    middle &= masks[0].any(axis=0)
    cover = np.median(edges[1][middle] - edges[0][middle]) / height
    assert middle.sum() >= 10 and 0.35 < cover < 0.75, (middle.sum(), cover, height)
    # What covers them is lip: redder than the teeth were.
    changed = np.abs(frames[2] - frames[0]).max(axis=2) > 30
    red = frames[2][changed]
    assert changed.sum() > 100 and np.median(red[:, 0] - red[:, 2]) > 25, (changed.sum(), np.median(red, axis=0))


def test_the_resting_tongues_foot_rounds_into_the_lower_lip(analysis):
    """Wide open, the resting tongue's flank meets the lower lip in a curve, not at an angle: just
    over the lip (0.5 px), a little past where its flank came down (0.52 of the way to a corner),
    it is still tongue, over 0.55 of its luma mid-mouth (0.46 with no foot, TONGUE_FOOT ~0: the dark
    floor's sharp V at the opening's lower corners, 12 and 03; 0.66 before its flank rolled into
    shade, TONGUE_FLANK, 0.60 since legs40), while 6 px over the lip there is floor, not tongue, in
    shade: under 0.6 of the tongue's luma at the lip mid-mouth (0.54; under 0.45 while a near-black
    floor, 0.445, drew a dark horseshoe round the tongue, judge39) but over 0.5 of it (dim, not black: 0.445 at
    e902adf, before legs40; rev40g), and darker than the foot below it."""
    from facetalk.render.mouth import LENS_FULL, lens_height

    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w, peak = 100.0, 45.0
    across = np.array([0.0, 0.52])
    u, opening, none = 0.5 + 0.5 * across, peak * lens_height(across, full_share=LENS_FULL), np.zeros(2)

    def luma(d_lower: float) -> tuple[np.ndarray, np.ndarray]:
        """(2,) luma and (2,) bare cavity share at `d_lower` px over the lower lip."""
        d, inside, tongue = np.full(2, d_lower), np.zeros(2), np.zeros(2)
        color = painter._shade(opening - d, d, opening, u, mouth_w, photo_teeth=(none, none), lower_show=none,
                               peak_opening=peak, inside=inside, tongue_cover=tongue)
        return color @ LUMA, _bare_cavity(inside, tongue_cover=tongue)

    (at_lip, tongue), (above, floor) = luma(0.5), luma(6.0)
    assert at_lip[1] > 0.55 * at_lip[0] and tongue[1] < 0.15, (at_lip, tongue)  # its soft edge: 0.09
    assert above[1] < 0.6 * at_lip[0] and above[1] < at_lip[1] and floor[1] > 0.99, (above, floor)
    assert above[1] > 0.5 * at_lip[0], (above, at_lip)


def test_a_rolled_upper_lip_is_the_lip_curling_in_not_a_second_lip(analysis):
    """The upper lip rolled down over a photo's own teeth (fear, anger on a toothy smile) read as a
    flat second lip at 2x: the lip's lowest band read on down drew the photo's lip-over-teeth
    line again at its lower edge. It is the lip curling in: its texture read back up from past
    that line (here a green one on the photo, never drawn), turning darker and redder (its wet
    inner face) toward its lower edge, the teeth under that edge in its shadow."""
    image, yy, top = _photo_and_upper_lip_rows(analysis)
    image[(yy >= top - 1.0) & (yy <= top + 0.5)] = (40, 200, 40)  # the photo's line at the lip's edge
    painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
    mouth_w = painter._rest_mouth_w
    run = 0.12 * mouth_w
    painter._upper_lip_px[:] = run  # a lip as high as the run: the whole run is covered (_rolled_cover's cap)
    d = np.arange(0.0, run + 4.0, 0.5)
    teeth = np.array([225.0, 220.0, 210.0])
    color, alpha = np.tile(teeth, (len(d), 1)), np.ones(len(d))
    ids = np.full(len(d), _mid_upper_lip())
    alpha = painter._roll_cover(color, alpha, lambda per_vertex, only=slice(None): per_vertex[ids][only],
                                d_upper=d, own_upper=np.full(len(d), run), mouth_w=mouth_w, roll=1.0)
    covered = d < run - 1.0
    green = color[:, 1] - np.maximum(color[:, 0], color[:, 2])
    assert green[covered].max() < 10, green[covered]
    luma, chroma = color @ LUMA, np.ptp(color, axis=1) / np.maximum(color @ LUMA, 1.0)
    high, low = d < 0.2 * run, covered & (d > 0.75 * run)
    assert luma[low].mean() < 0.9 * luma[high].mean() and chroma[low].mean() > chroma[high].mean(), (luma, chroma)
    shadow = (d > run) & (d <= run + 1.0)
    assert (alpha[shadow] > 0).all() and (luma[shadow] < 0.8 * float(teeth @ LUMA)).all(), luma[shadow]


def test_parted_lips_lose_the_photos_line_along_their_edge_but_a_thin_lip_keeps_its_red(analysis):
    """The photo's dark line where its lips met (a band along each lip's inner edge) was carried
    by the warp with each lip as they parted: a thin, even rim drawn round the opening (07 at 2x).
    Parted, the lower lip's band here (2 px of its 8) is cleared to the lip beyond it; the upper
    lip, dark from edge to edge (a thin lip whose whole red reads as its line: cleared, it vanished
    on Biden and Grace Hopper), keeps it."""
    from dataclasses import replace

    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    rest = analysis.rig.rest_xyz[:, :2]
    image = analysis.image.copy()
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    line = {name: np.interp(xx, rest[list(ids), 0], rest[list(ids), 1]) for name, ids in
            (("upper", lm.LIPS_INNER_UPPER), ("lower", lm.LIPS_INNER_LOWER), ("top", lm.LIPS_OUTER_UPPER),
             ("bottom", lm.LIPS_OUTER_LOWER))}
    across = (xx > rest[list(lm.LIPS_INNER_UPPER), 0].min()) & (xx < rest[list(lm.LIPS_INNER_UPPER), 0].max())
    lip, dark = (200, 110, 105), (70, 30, 30)
    below = yy - line["lower"]
    image[across & (below >= 0) & (yy <= line["bottom"])] = lip
    image[across & (below >= -0.5) & (below < 2.0)] = dark
    image[across & (yy >= line["top"]) & (yy <= line["upper"] + 0.5)] = dark
    photo = replace(analysis, image=image, appearance=replace(analysis.appearance, texture=image))
    renderer = Renderer(photo)
    out = renderer.render(MotionFrame(t_s=0, jaw_open=0.6)).astype(float) @ LUMA
    hole = renderer.cavity_mask()
    cols = np.nonzero(hole.any(axis=0))[0]
    lower_edge, upper_edge = [], []
    for x in range(int(np.percentile(cols, 30)), int(np.percentile(cols, 70))):
        ys = np.nonzero(hole[:, x])[0]
        lower_edge.append(out[ys.max() + 2:ys.max() + 4, x].min())
        upper_edge.append(out[ys.min() - 3:ys.min() - 1, x].max())
    lip_luma = float(np.array(lip) @ LUMA)
    assert np.median(lower_edge) > 0.8 * lip_luma, lower_edge
    assert np.median(upper_edge) < 1.2 * float(np.array(dark) @ LUMA), upper_edge


def test_the_upper_lip_set_lower_over_the_arch_continues_the_lip_and_turns_in(analysis):
    """Wide open, a toothy photo's upper lip comes down over the opening's upper corners (the
    arch). Read back up from its new edge, the photo's pale lip-over-teeth edge came down with it:
    pale wedges at the upper corners (12, 03 at 2x). It continues the lip above it, read from past
    that soft edge (never within a pixel of it), and turns in (a face's hue and shade), more
    toward its new edge."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    reach = 6.0
    d = np.linspace(0.0, reach, 13)
    # _taper_corners' compiled _face_depth (arch over it, at the rest mouth width), as numpy's form.
    from facetalk.render.mouth import _face_depth

    rest_w, one = painter._rest_mouth_w, np.float32(1.0)
    depth, turned = np.array([_face_depth(np.float32(x), np.float32(reach), one, True, 1.0, rest_w) for x in d]).T
    reference = ShadeReference(painter)._corner_face_depth(d, np.full(13, reach), np.ones(13), mouth_w=rest_w)
    assert np.allclose(depth, reference[0], atol=1e-4) and np.allclose(turned, reference[1], atol=1e-5)
    assert depth.min() >= 1.0, depth
    assert (turned > 0.2).all() and turned[-1] > turned[0] and (np.diff(turned) >= 0).all(), turned


def test_the_rolled_lips_shadow_fades_to_nothing_at_its_reach():
    """Below the rolled lip's edge its shadow on the teeth ends where it reaches (a cut at 4% of
    its strength stood as a step of several grey levels on bright teeth)."""
    from facetalk.render.mouth import _roll_pass

    reach_px, cover_px = 6.0, 4.0
    d_upper = cover_px + np.linspace(0.0, reach_px - 1e-3, 200)
    n = len(d_upper)
    color = np.full((n, 3), 220.0)
    alpha = np.ones(n)
    image = np.full((16, 16, 3), 150.0, np.float32)
    params = np.array([1.5, 3.0, 1.0, 0.3, 1.0, 1.2, 0.6, 0.25, 0.5, 0.4 * reach_px, 0.35, reach_px])
    _roll_pass(color, alpha, np.arange(n), d_upper, np.full(n, cover_px), np.full(n, cover_px), np.full((n, 2), 8.0),
               np.array([0.0, 1.0]), image, np.array([160.0, 60.0, 60.0]), np.array([150.0, 90.0, 90.0]), params)
    assert color[0].mean() < 220.0 - 20.0  # shadowed at the lip's edge ...
    assert 220.0 - color[-1].mean() < 0.05  # ... and nothing left at its reach
    assert np.all(np.diff(color.mean(axis=1)) >= -1e-9)  # lightening all the way down


def _rim_photo(analysis, *, lip, dark, band):
    """The bundled photo with its lower lip painted `lip` across the mouth and a `dark` line in it
    from `band[0]` to `band[1]` px below its inner line, and the renderer of it."""
    from dataclasses import replace

    from facetalk.face import landmarks as lm
    from facetalk.render.renderer import Renderer

    rest = analysis.rig.rest_xyz[:, :2]
    image = analysis.image.copy()
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    inner = np.interp(xx, rest[list(lm.LIPS_INNER_LOWER), 0], rest[list(lm.LIPS_INNER_LOWER), 1])
    bottom = np.interp(xx, rest[list(lm.LIPS_OUTER_LOWER), 0], rest[list(lm.LIPS_OUTER_LOWER), 1])
    across = (xx > rest[list(lm.LIPS_INNER_UPPER), 0].min()) & (xx < rest[list(lm.LIPS_INNER_UPPER), 0].max())
    below = yy - inner
    image[across & (below >= -1.0) & (yy <= bottom)] = lip
    image[across & (below >= band[0]) & (below < band[1])] = dark
    photo = replace(analysis, image=image, appearance=replace(analysis.appearance, texture=image))
    return Renderer(photo)


def _lip_valleys(renderer, out_luma: np.ndarray, *, reach: int) -> np.ndarray:
    """Per column of the opening's middle 40%: the deepest valley in luma going down from the
    opening's lower edge `reach` px into the lower lip (a pixel darker than something both above
    and below it in that run)."""
    hole = renderer.cavity_mask()
    cols = np.nonzero(hole.any(axis=0))[0]
    depths = []
    for x in range(int(np.percentile(cols, 30)), int(np.percentile(cols, 70))):
        edge = np.nonzero(hole[:, x])[0].max()
        run = out_luma[edge + 1:edge + 1 + reach, x]
        depths.append(max(min(run[:i].max(), run[i + 1:].max()) - run[i] for i in range(1, reach - 1)))
    return np.array(depths)


def test_a_dark_line_left_inside_a_parted_lip_is_filled(analysis):
    """What the clearing of the photo's lip line cannot reach (a line wider than its cap, its dark
    core past the landmarks' line) stood as a thin dark line a few px inside the parted lip,
    parallel to the opening, lighter lip either side (07 at 2x: a dark dash under /o/). It is
    lifted to the lip beside it (a lip darkening steadily toward its edge keeps that shading:
    test_fill_valleys_lifts_a_line_between_lighter_sides_and_leaves_a_slope)."""
    from facetalk.motion.frame import MotionFrame

    lip, dark = (200, 110, 105), (70, 30, 30)
    renderer = _rim_photo(analysis, lip=lip, dark=dark, band=(1.0, 3.0))
    out = renderer.render(MotionFrame(t_s=0, jaw_open=0.6)).astype(float) @ LUMA
    assert np.median(_lip_valleys(renderer, out, reach=6)) < 8.0  # 24 before


def test_a_parted_lips_inner_margin_turns_darker_into_the_opening(analysis):
    """The parted lower lip's margin along the opening is the wet inner lip turning in: darker than
    the lip a few px further in and about as red, graded, not the lip's own colour carried to the
    edge. Cleared to the lip read past the photo's line, it was an even band as light as the lip
    or lighter, with the lip beyond it reading as a dark line outside: a pale gasket round the
    widest vowel's opening (12, 13; judge31). Only slightly darker (2-6 levels): 8+ levels
    (WET_EDGE_DARK 0.2) drew a dark line round the opening (judge38)."""
    from facetalk.motion.frame import MotionFrame

    lip, dark = (200, 110, 105), (70, 30, 30)
    renderer = _rim_photo(analysis, lip=lip, dark=dark, band=(0.0, 2.0))
    out = renderer.render(MotionFrame(t_s=0, jaw_open=0.6)).astype(float)
    hole = renderer.cavity_mask()
    cols = np.nonzero(hole.any(axis=0))[0]
    margin, inside, redder = [], [], []
    for x in range(int(np.percentile(cols, 30)), int(np.percentile(cols, 70))):
        edge = np.nonzero(hole[:, x])[0].max()
        run = out[edge + 1:edge + 7, x]
        luma = run @ LUMA
        chroma = (run[:, 0] - run[:, 2]) / luma
        margin.append(luma[:2].mean())
        inside.append(luma[4:].mean())
        redder.append(chroma[:2].mean() - chroma[4:].mean())
        assert np.all(np.diff(luma[1:5]) >= -1.0), (x, luma)  # graded: no pale band before the lip
    darker = float(np.median(np.array(inside) - np.array(margin)))
    assert 2.0 <= darker <= 6.0, darker
    # As red as the lip within 0.03 of (R - B) / luma: WET_EDGE_CHROMA 1.4 made it over 0.02 redder,
    # with WET_EDGE_DARK 0.05 a red line round the opening (rev39r); 1.1 gives -0.009 here.
    assert abs(np.median(redder)) <= 0.03, np.median(redder)


def _inner_margin_against_lip(out: np.ndarray, verts: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per lip (upper, lower), per one of 64 points along the middle of its posed inner line: how
    much paler (luma levels) and how much redder (R - B levels) the first 2 px of lip past the
    line stand than the lip from 3 px to 0.6 of its thickness in (out/rim39/probe.py's ring and
    body), in the (H, W, 3) frame `out` posed as `verts` (V, 3)."""
    from facetalk.face import landmarks as lm
    from facetalk.imaging import sample_points

    d = np.arange(0.0, 10.01, 0.5)  # px along the normal into the lip
    centre = verts[list(lm.LIPS_INNER_UPPER + lm.LIPS_INNER_LOWER), :2].mean(axis=0)
    result = []
    for inner, outer in ((lm.LIPS_INNER_UPPER, lm.LIPS_OUTER_UPPER), (lm.LIPS_INNER_LOWER, lm.LIPS_OUTER_LOWER)):
        line, edge = ([_resampled(verts[list(ids), :2].astype(np.float64), 80)[8:-8] for ids in (inner, outer)])
        tangent = np.gradient(line, axis=0)
        normal = np.column_stack([tangent[:, 1], -tangent[:, 0]]) / np.linalg.norm(tangent, axis=1)[:, None]
        normal *= np.sign(((line - centre) * normal).sum(axis=1))[:, None]
        thick = np.abs(((edge - line) * normal).sum(axis=1))
        rgb = sample_points(out, (line[:, None] + d[None, :, None] * normal[:, None]).reshape(-1, 2))
        rgb = rgb.astype(np.float64).reshape(len(line), len(d), 3)
        luma, red = rgb @ LUMA, rgb[..., 0] - rgb[..., 2]
        ring = d <= 2.0
        body = [(d >= 3.0) & (d <= max(3.5, 0.6 * t)) for t in thick]
        paler = luma[:, ring].mean(axis=1) - np.array([row[b].mean() for row, b in zip(luma, body)])
        redder = red[:, ring].mean(axis=1) - np.array([row[b].mean() for row, b in zip(red, body)])
        result.append((paler, redder))
    return result


def _resampled(points: np.ndarray, n: int) -> np.ndarray:
    """(n, 2) points evenly spaced along the polyline (M, 2) `points`."""
    at = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))]
    s = np.linspace(0.0, at[-1], n)
    return np.column_stack([np.interp(s, at, points[:, 0]), np.interp(s, at, points[:, 1])])


def test_a_parted_lips_inner_margin_stands_no_paler_than_the_lip_beyond_it(analysis):
    """On the photo, per point along each parted lip's inner line (widest vowel, /o/): the wet inner
    margin is no pale stretch and no red line. Lightened to WET_EDGE_DARK 0.05 with its chroma
    still 1.4, the lip read past the photo's line stood paler than the lip beyond in runs of up to
    17 of 64 points (05's lower lip: 33% of points over 5 levels) and 2-3 times as red over it
    (R - B here +7.5 to +11.1 levels, median); capped at the lip past the band (_lip_beyond) with
    chroma 1.1: 05's 3%, here +0.9 to +4.9 (out/fix39r/gasket.py)."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    painter = renderer._mouth
    paint, seen = painter.paint, {}

    def spy(out, verts, *args, **kwargs):
        seen["verts"] = verts.copy()
        return paint(out, verts, *args, **kwargs)

    painter.paint = spy
    for frame in (MotionFrame(t_s=0, jaw_open=1.0), MotionFrame(t_s=0, jaw_open=0.38, lip_spread=-0.75)):
        out = renderer.render(frame).astype(np.float32)
        for paler, redder in _inner_margin_against_lip(out, seen["verts"]):
            assert (paler > 5.0).mean() <= 0.05, ((paler > 5.0).mean(), paler.max())
            assert np.median(redder) <= 6.0, np.median(redder)


def test_wet_edge_darkens_and_reddens_toward_the_line_and_fades_out_by_the_bands_end():
    """_wet_edge on one lip's profile: darkest and reddest at the inner line, lighter inward without
    a step, the lip as it was from where the band ends (WET_EDGE_PX past the photo's line, or the
    band's end); a grey-blue pixel (a tooth read into the band) is darkened, not made bluer; under
    a moustache nothing changes."""
    from facetalk.render.mouth import WET_EDGE_CHROMA, WET_EDGE_DARK, WET_EDGE_PX, _wet_edge

    s = np.arange(-1.0, 8.0, 0.5)
    lip = np.tile(np.array([[200.0, 110.0, 105.0]]), (len(s), 1))
    width, far = np.full(len(s), 1.0), np.full(len(s), 6.0)
    own = float(lip[0] @ LUMA)
    got = _wet_edge(lip, s=s, width=width, far=far, beyond=np.full(len(s), own), hair=0.0)
    luma, chroma = got @ LUMA, (got[:, 0] - got[:, 2]) / (got @ LUMA)
    assert np.all(np.diff(luma) >= -1e-6), luma
    assert luma[s <= 0].max() <= (1.0 - WET_EDGE_DARK) * own + 1e-3, luma
    assert chroma[0] > (lip[0, 0] - lip[0, 2]) / own * (1.0 + 0.9 * (WET_EDGE_CHROMA - 1.0)), chroma
    np.testing.assert_allclose(got[s >= 1.0 + WET_EDGE_PX], lip[s >= 1.0 + WET_EDGE_PX])
    tooth = np.array([[170.0, 175.0, 190.0]])
    dim = _wet_edge(tooth, s=np.zeros(1), width=np.ones(1), far=np.full(1, 6.0), beyond=np.full(1, 255.0),
                    hair=0.0)[0]
    assert dim[2] - dim[0] <= (tooth[0, 2] - tooth[0, 0]) * (1.0 - WET_EDGE_DARK) + 1e-3, dim
    np.testing.assert_allclose(_wet_edge(lip, s=s, width=width, far=far, beyond=np.full(len(s), own), hair=1.0),
                               lip)
    # A margin read paler than the lip past the band is brought down to it over the band (to 6 px,
    # `far`), let go over its last px: no step where it ends.
    pale = _wet_edge(lip * 1.2, s=s, width=width, far=far, beyond=np.full(len(s), own), hair=0.0) @ LUMA
    assert pale[s <= 5.0].max() <= own + 1e-3, pale
    assert own < pale[s == 5.5][0] < 1.2 * own, pale
    np.testing.assert_allclose(pale[s >= 6.0], 1.2 * own)


def test_wet_edge_on_a_band_too_thin_to_reach_a_pixel_in_is_as_faint_before_the_line():
    """Where the band reaches under a pixel into the lip (a very thin lip, a tiny face) the grade
    before the line (the lower lip's band starts 1.5 px before it) is as faint as the band: no hard
    strip at the full WET_EDGE_DARK."""
    from facetalk.render.mouth import WET_EDGE_DARK, _wet_edge

    s = np.array([-1.5, -1.0, -0.5, 0.0, 0.1])
    lip = np.tile(np.array([[200.0, 110.0, 105.0]]), (len(s), 1))
    own = float(lip[0] @ LUMA)
    for far in (0.1, 0.3, 0.6):
        got = _wet_edge(lip, s=s, width=np.zeros(len(s)), far=np.full(len(s), far), beyond=np.full(len(s), own),
                        hair=0.0) @ LUMA
        assert got.min() >= own * (1.0 - WET_EDGE_DARK * far) - 1e-3, (far, got)
        assert got.min() < own - 1e-3, (far, got)  # still graded, not switched off


def test_the_lower_lips_edge_shows_no_dots_of_a_line_above_its_landmarks(analysis, monkeypatch):
    """A photo's dark line where its lips met lying above the lower lip's inner landmarks (07: its
    core 2 px above) was left uncleared by the lower lip's band (from half a px above): its edge
    pixels, warped onto it, read as dark dots along the opening over the teeth. (The wet inner
    lip's grade, darker at the edge by design, is left out: test_a_parted_lips_inner_margin_...)"""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render import mouth

    monkeypatch.setattr(mouth, "WET_EDGE_DARK", 0.0)
    monkeypatch.setattr(mouth, "WET_EDGE_CHROMA", 1.0)

    lip = (200, 110, 105)
    renderer = _rim_photo(analysis, lip=lip, dark=(70, 30, 30), band=(-2.0, 0.5))
    renderer._mouth._noise[:] = 0.0  # the dot itself: the grain's draw at one px moved it 0.6 level (rev40p)
    # Grain-free 40.46, 26.78 (out/fix40m/probe_tests.py; 40.46 at e902adf too, 39.8 and 40.35 with the
    # grain there and after paint40, which gave the tongue 0.3 of it): 40 -> 41 at 0.15 (the dot not fixed).
    # Kept in: the corner faces' edge fade into the mouth's dark (mid45, _roll_shade's FACE_EDGE_*, by
    # design toward the opening's ends) darkens the lip's edge in this window by 2.6 levels at 0.15:
    # 40.46 -> 43.06 (rev45m at 0111e4c; fix45m at 1188784, out/fix45m/NOTES.md), so 41 -> 44 there.
    for jaw, most in ((0.15, 44.0), (0.6, 32.0)):
        out = renderer.render(MotionFrame(t_s=0, jaw_open=jaw)).astype(float) @ LUMA
        hole = renderer.cavity_mask()
        cols = np.nonzero(hole.any(axis=0))[0]
        edges = [np.nonzero(hole[:, x])[0].max() for x in range(int(np.percentile(cols, 20)),
                                                                  int(np.percentile(cols, 80)))]
        darkest = min(out[y:y + 3, x].min() for x, y in zip(range(int(np.percentile(cols, 20)), 10**6), edges))
        assert float(np.array(lip) @ LUMA) - darkest < most, (jaw, darkest)


def test_a_lip_darkening_toward_its_edge_beside_the_photos_teeth_keeps_its_shading(analysis, monkeypatch):
    """A lower lip darkening steadily toward the opening (too gently within its first third to
    read as a line to clear), beside the bundled photo's bright teeth: it has no valley, and the
    parted lip renders as with nothing cleared or filled. The fill read the teeth half a px outside
    the lip as lighter lip toward the opening and lifted the shading (25 levels on 118 px before;
    01, 03, 13 at jaw 0.5). The wet inner lip's grade (_wet_edge), a shade of its own, is left out,
    its cap at the lip beyond too (it darkens the teeth read before the lower lip's line)."""
    from dataclasses import replace

    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render import mouth
    from facetalk.render.renderer import Renderer

    monkeypatch.setattr(mouth, "WET_EDGE_DARK", 0.0)
    monkeypatch.setattr(mouth, "WET_EDGE_CHROMA", 1.0)
    monkeypatch.setattr(mouth, "_lip_beyond", lambda image, foot, **_: np.full(len(foot), np.inf))

    rest = analysis.rig.rest_xyz[:, :2]
    image = analysis.image.copy()
    yy, xx = np.mgrid[0:image.shape[0], 0:image.shape[1]]
    inner = np.interp(xx, rest[list(lm.LIPS_INNER_LOWER), 0], rest[list(lm.LIPS_INNER_LOWER), 1])
    bottom = np.interp(xx, rest[list(lm.LIPS_OUTER_LOWER), 0], rest[list(lm.LIPS_OUTER_LOWER), 1])
    across = (xx > rest[list(lm.LIPS_INNER_UPPER), 0].min()) & (xx < rest[list(lm.LIPS_INNER_UPPER), 0].max())
    lip = across & (yy - inner >= -0.5) & (yy <= bottom)
    shade = 90.0 + 35.0 * np.clip((yy - inner) / np.maximum(bottom - inner, 1.0), 0.0, 1.0)
    image[lip] = np.array([1.15, 0.6, 0.55]) * shade[lip][:, None]
    renderer = Renderer(replace(analysis, image=image, appearance=replace(analysis.appearance, texture=image)))
    assert renderer._mouth._own_teeth
    frame = MotionFrame(t_s=0, jaw_open=0.6)
    filled = renderer.render(frame).astype(float)
    rims = renderer._mouth._rims  # the photo's upper lip keeps its own clearing
    renderer._mouth._rims = replace(rims, delta=rims.delta * np.array([1.0, 0.0], np.float32)[:, None, None, None])
    plain = renderer.render(frame).astype(float)
    assert np.abs(filled - plain).max() <= 1.0, np.abs(filled - plain).max()


def test_fill_valleys_lifts_a_line_between_lighter_sides_and_leaves_a_slope():
    """_fill_valleys on one lip profile: a dark line with lighter lip both sides of it is lifted
    to the darker side's level (less RIM_FILL_KEEP); a profile darkening steadily toward the
    opening is left as it is."""
    from facetalk.render.mouth import RIM_FILL_KEEP, _fill_valleys

    s = np.arange(0.0, 6.0, 1.0)
    # The lip's inner line at row 1; row 0 is beyond it: teeth, bright, in the third profile
    # (flattened to 159.5 across before: the sample half a px outside the lip was read as lip).
    for column, expect_lifted in (([180, 180, 170, 60, 60, 160, 165, 165, 165], True),
                                  ([60, 60, 80, 100, 120, 140, 160, 165, 165], False),
                                  ([235, 90, 110, 130, 150, 160, 165, 165, 165], False)):
        image = np.repeat(np.array(column, np.float32)[:, None, None], 12, axis=1).repeat(3, axis=2)
        foot = np.column_stack([np.full(len(s), 5.0), np.ones(len(s))])
        own = image[1 + s.astype(int), 5]
        got = _fill_valleys(image, foot, into=np.array([0.0, 1.0]), s=s, width=np.zeros(len(s)),
                            far=np.full(len(s), 6.0), cleared=own)
        if expect_lifted:
            assert got[2:4, 0].min() >= 160.0 - RIM_FILL_KEEP - 1e-3, got[:, 0]
        else:
            np.testing.assert_allclose(got, own)
    none = np.zeros(0)
    empty = _fill_valleys(image, np.zeros((0, 2)), into=np.array([0.0, 1.0]), s=none, width=none, far=none,
                          cleared=np.zeros((0, 3)))
    assert empty.shape == (0, 3)  # a ValueError before


def _upper_corner_faces(analysis, image: np.ndarray) -> np.ndarray:
    """The upper lip's corner faces _taper lays over `image` at 0.04 of the mouth from a corner,
    0..6 px down from the lip's edge (the lower lip far off, the mouth half a width open): (25, 3)
    colours, 0 where no face is laid."""
    painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
    mouth_w = painter._rest_mouth_w
    d_upper = np.linspace(0.0, 6.0, 25)
    n = len(d_upper)
    color = np.zeros((n, 3))
    ids = np.full(n, _mid_upper_lip())
    _taper(painter, color, ids, d_upper=d_upper, d_lower=np.full(n, 40.0), u=np.full(n, 0.04),
           peak_opening=0.5 * mouth_w, mouth_w=mouth_w)
    return color


def test_a_corner_face_is_never_lighter_than_the_lip_edge_beside_it(analysis):
    """The lips' inner faces at an open mouth's corners read the photo's lip further in than its
    edge. Where the photo's lip edge is a dark line (a toothy photo's lip-over-teeth shadow: 03,
    12, 13), that drew the dark edge at the rig's outline, the lighter lip beside it, then the
    face darkening into the mouth: two dark lines down the opening's sides with a pale band
    between. The face is no lighter than the lip at the outline (an upper lip set lower over the
    arch, which continues the lip above, aside)."""
    image, yy, top = _photo_and_upper_lip_rows(analysis)
    image[(yy <= top + 0.5) & (yy > top - 12)] = (200, 120, 110)  # the lip
    image[(yy <= top + 0.5) & (yy > top - 2.0)] = (70, 40, 38)  # its dark edge
    color = _upper_corner_faces(analysis, image)
    covered = color.sum(axis=1) > 0
    assert covered.sum() >= 5, color
    edge_luma = float(np.array([70.0, 40.0, 38.0]) @ LUMA)
    assert (color[covered] @ LUMA).max() <= edge_luma + 1.0, color[covered] @ LUMA


def test_a_corner_face_held_to_a_dark_lip_edge_takes_its_colour(analysis):
    """Held down to a dark lip edge beside it, a corner face took only that edge's light: the lit
    lip scaled down was a dull grey-brown, slate beside the deep red-brown line it was held to
    (the bundled photo's and 01's widest vowel, upper right corner: C*ab 13.5 against the lip's
    21.6). Held, it moves toward the edge's own colour as far as the hold took its light; its
    light stays the edge's."""
    image, yy, top = _photo_and_upper_lip_rows(analysis)
    lip_rgb, edge_rgb = np.array([200.0, 150.0, 140.0]), np.array([110.0, 40.0, 20.0])
    image[(yy <= top + 0.5) & (yy > top - 12)] = lip_rgb  # a pale lip
    image[(yy <= top + 0.5) & (yy > top - 2.0)] = edge_rgb  # its edge in deep, saturated shadow
    color = _upper_corner_faces(analysis, image)
    edge_luma, lip_luma = float(edge_rgb @ LUMA), float(lip_rgb @ LUMA)
    luma = color @ LUMA
    held = (luma > 0) & (luma < 0.6 * lip_luma)  # well under the lip read there: the hold's doing
    assert held.sum() >= 5, luma
    assert luma[held].max() <= edge_luma + 1.0, luma[held]
    warmth = (color[held, 0] - color[held, 2]) / luma[held]  # (R - B) / luma: 0.37 the lip's, 1.53 the edge's
    assert warmth.min() > 0.5 * float((edge_rgb[0] - edge_rgb[2]) / edge_luma), warmth  # 0.37 before, 1.08 now


def test_a_held_corner_face_takes_a_saturated_edges_colour_no_further_than_white():
    """_held_hue moves a face toward its lip edge's colour at the face's light; a face 2.5x as
    light as a deep red edge (120, 20, 10), wholly held, would take (300, 50, 25). It stays in
    0..255 and still turns redder than it was."""
    from facetalk.render.mouth import _held_hue

    row = np.zeros(13)
    row[7:10] = (120.0, 20.0, 10.0)
    face = np.array([150.0, 110.0, 100.0])
    held = np.array(_held_hue(*face, row, 7, 1.0))
    assert held.max() <= 255.0 and held.min() >= 0.0, held
    assert held[0] - held[2] > face[0] - face[2], held


def test_a_corner_face_is_clamped_to_the_lip_edge_as_drawn_once_its_line_is_cleared(analysis, monkeypatch):
    """Parted, the photo's dark line along its upper lip is cleared (_clear_rims): the lip drawn
    beside a corner face is the lip, not that line. Clamped to the photo's line as it was, a thin
    lip's faces darkened into a seam no longer drawn beside them (02, 04, 06, 07 at jaw 0.5).
    Rendered through the painter, the upper faces come out as with no upper clamp at all. (The wet
    inner lip's grade, _wet_edge, darker at the line by design, is left out: this is the clearing.)"""
    from dataclasses import replace

    from facetalk.motion.frame import MotionFrame
    from facetalk.render import mouth
    from facetalk.render.renderer import Renderer

    monkeypatch.setattr(mouth, "_wet_edge", lambda lip, **_: lip)

    image, yy, top = _photo_and_upper_lip_rows(analysis)
    image[(yy <= top + 0.5) & (yy > top - 12)] = (200, 120, 110)  # the lip
    image[(yy <= top + 0.5) & (yy > top - 1.0)] = (70, 40, 38)  # its dark edge, narrow enough to clear
    renderer = Renderer(replace(analysis, image=image, appearance=replace(analysis.appearance, texture=image)))
    painter = renderer._mouth
    assert painter._rims is not None
    frame = MotionFrame(t_s=0, jaw_open=0.6)
    clamped = renderer.render(frame).astype(float)
    for name in ("_outline_luma", "_outline_cleared"):
        if hasattr(painter, name):
            luma = getattr(painter, name).copy()
            luma[:, 0] = 1e6  # never darker than the upper lip's face
            setattr(painter, name, luma)
    free = renderer.render(frame).astype(float)
    # Up to 2 levels while the lens was cut by u; cut across the mouth, the faces reach nearer the
    # corners, where the line is cleared less: 5 levels on 35 px; 6 on 11 px with the wide lens's
    # fuller ends (LENS_POWER_WIDE); 10 on 16 px with the upper lip's middle lifted (face.rig's
    # JAW_UPPER_LIFT, 0.18 of it at jaw 0.6), the faces reaching further in beside it; 13 on 25 px
    # with the lower lip dropped as a U (JAW_LOWER_OPENING_POWER: 9 on 17 px before), the same
    # three columns beside the left inner corner held 4 levels further, 5 px at the right corner.
    # Clamped to the line as photographed (nothing cleared) it is 110 on 301 px.
    off = np.abs(clamped - free).max(axis=2)
    assert off.max() <= 14.0 and (off > 2).sum() <= 40, (off.max(), (off > 2).sum())


def test_a_corner_face_reads_the_lip_as_cleared_beside_it(analysis, monkeypatch):
    """A corner face continues the lip drawn beside it: where _clear_rims clears the photo's dark
    line along a parted lip's inner edge, the face reads the lip so cleared. Read as photographed
    it mirrored that line in along the rig's outline, inside the lip: on /o/, where the pursed
    lips' faces close the opening's sides, a dark band and a second outline inside the first
    (07: those faces 48-65 luma beside its upper lip's 70-78). As photographed (nothing cleared)
    the face keeps the line. (The wet inner lip's grade, _wet_edge, is left out: this is the
    clearing.)"""
    monkeypatch.setattr(mouth_module, "_wet_edge", lambda lip, **_: lip)
    image, yy, top = _photo_and_upper_lip_rows(analysis)
    image[(yy <= top + 0.5) & (yy > top - 12)] = (200, 120, 110)  # the lip
    image[(yy <= top + 0.5) & (yy > top - 1.0)] = (70, 40, 38)  # its dark edge, narrow enough to clear
    painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
    assert painter._rims is not None
    mouth_w = painter._rest_mouth_w
    d_upper = np.linspace(0.0, 6.0, 25)
    n = len(d_upper)
    ids = np.full(n, _mid_upper_lip())
    lip, edge = float(np.array([200.0, 120.0, 110.0]) @ LUMA), float(np.array([70.0, 40.0, 38.0]) @ LUMA)
    faces = {}
    for name, cleared in (("photographed", None), ("cleared", np.ones(len(painter._anchor_xy), np.float32))):
        color = np.zeros((n, 3))
        _taper(painter, color, ids, d_upper=d_upper, d_lower=np.full(n, 40.0), u=np.full(n, 0.04),
               peak_opening=0.5 * mouth_w, mouth_w=mouth_w, cleared=cleared)
        faces[name] = color @ LUMA
    at_outline = (faces["cleared"] > 0) & (d_upper <= 1.0)  # the face's first px, not yet turned in
    assert at_outline.sum() >= 3, faces
    assert faces["cleared"][at_outline].min() >= 0.85 * lip, faces["cleared"][at_outline]
    assert faces["photographed"][at_outline].max() <= edge + 1.0, faces["photographed"][at_outline]


def test_the_photos_own_teeth_keep_their_sharpness_under_the_soft_edge(analysis):
    """What the interior lays from the photo (its own teeth, hung from their lips) is as soft as
    the photo already; softened again with the synthetic interior it was a smear (11's teeth at
    /i/ and in a smile at 2x). Laid as the photo's (`sharp`), a row of teeth with dark gaps keeps
    its contrast inside the opening; synthetic colour is softened as before, and the edge's
    coverage is soft either way."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    painter._noise = np.zeros_like(painter._noise)
    ys, xs = np.mgrid[4:16, 4:40]
    ys, xs = ys.ravel(), xs.ravel()
    teeth = np.where((xs % 6 == 0)[:, None], 60.0, 220.0) * np.ones((1, 3))  # a dark gap every 6 px
    alpha = np.ones(len(ys))
    inside = (ys >= 7) & (ys <= 12) & (xs >= 8) & (xs <= 35)
    contrast = {}
    for name, sharp in (("photo", np.ones(len(ys), np.float32)), ("synthetic", None)):
        out = np.zeros((20, 44, 3), np.uint8)
        painter._composite(out, (0, 0, 44, 20), ys, xs, teeth, alpha, sharp=sharp)
        luma = out[ys[inside], xs[inside]].astype(float) @ LUMA
        gap = xs[inside] % 6 == 0
        contrast[name] = luma[~gap].mean() - luma[gap].mean()
        edge = out[4, 20].astype(float) @ LUMA
        assert edge < 0.8 * 220.0, edge  # the edge row is half covered, softened
    assert contrast["photo"] > 0.9 * 160.0 > contrast["synthetic"], contrast


def test_synthetic_colour_over_the_photos_teeth_is_softened_like_the_rest(analysis):
    """A rolled lip (fear on a toothy photo) paints lip over the photo's own teeth after they are
    laid; kept sharp as the photo's, its edge stood as a hard, stepped dark line (12, 03, 11 at
    4x). Rendered through the painter, whatever the roll covers is as soft as with nothing kept
    sharp; the photo's teeth it leaves still are kept sharp."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    painter = renderer._mouth
    assert painter._own_teeth
    frame = MotionFrame(t_s=0, jaw_open=0.3, lip_spread=0.7, lower_lip_depress=0.9, mouth_roll_upper=0.8,
                        smile=-0.1 - analysis.expression.smile)
    kept = renderer.render(frame).astype(float)
    unrolled = renderer.render(MotionFrame(**{**frame.__dict__, "mouth_roll_upper": 0.0})).astype(float)
    # Rolled 0.8 the lip leaves one corner pixel of teeth, which the lips' faces at the corners
    # cover since the lens is cut across the mouth (_across); rolled 0.5 it leaves a band (43 px).
    half = MotionFrame(**{**frame.__dict__, "mouth_roll_upper": 0.5})
    kept_half = renderer.render(half).astype(float)
    composite = painter._composite
    painter._composite = lambda *a, **k: composite(*a, **{**k, "sharp": None})
    soft = renderer.render(frame).astype(float)
    rolled = np.abs(kept - unrolled).max(axis=2) > 30  # what the rolled lip covers, and the teeth just under its edge
    assert rolled.sum() > 100
    # Capped at the lip's height (_rolled_cover) the lip's soft lower edge lies on teeth it leaves,
    # kept sharp by how little the passes after them move them (_unlay_repainted): 13 of 476 px here,
    # up to 6 levels, with the corners' outline mirrored (main a4d261c); 15 px, up to 5, with it bent
    # into the corners (_outline_kernel), the row of teeth along the lip's edge at y 236-240; 2 of
    # 602 px, up to 7, with the wet inner lip's darkening 0.2 -> 0.05 (rim39: the lip's edge lighter
    # there); 2 of 594, up to 7, its 99th percentile 1 level, capped at the lip beyond (fix39r); 4
    # of 602, up to 7 (e902adf; lipline40's corner pocket, read by the corner faces too, made one
    # pixel 7 -> 8; cleared by the rim pass alone it is 7 again, fix40l).
    step = np.abs(kept - soft)[rolled].max(axis=1)
    assert (step > 1.0).mean() < 0.04 and step.max() <= 7.0, ((step > 1.0).sum(), step.max())  # 40 before
    assert np.percentile(step, 99) <= 2.0, np.percentile(step, 99)
    sharp_left = np.abs(kept_half - renderer.render(half)).max(axis=2) > 3
    assert sharp_left.sum() > 20, int(sharp_left.sum())  # the teeth it leaves are still the photo's, sharp


def test_a_rolled_lip_leaves_no_sliver_of_teeth_too_thin_to_read_as_teeth(analysis):
    """Fear rolls the upper lip 0.8 down over a toothy smile's upper teeth: the fifth left was
    2-5 px of even height from corner to corner, a pale drawn line under the lip (03, 11, 12 at
    2x). A remainder under ROLL_SLIVER's mouth widths is covered too, so the frame shows no more
    teeth than a lip rolled all the way; a thick remainder keeps its share, and the cover grows
    with the roll without a jump."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.mouth import _rolled_cover
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    painter = renderer._mouth
    frame = MotionFrame(t_s=0, jaw_open=0.3, lip_spread=0.7, lower_lip_depress=0.9, mouth_roll_upper=0.8,
                        smile=-0.1 - analysis.expression.smile)
    paint, roll = painter.paint, {"upper": 0.0}
    painter.paint = lambda *a, **k: paint(*a, **{**k, "roll_upper": roll["upper"]})
    frames = {}
    for roll["upper"] in (0.8, 1.0):
        frames[roll["upper"]] = renderer.render(frame).astype(float) @ LUMA
    lighter = frames[0.8] - frames[1.0]  # what the fifth left shows over the lip rolled all the way
    assert (lighter > 3).sum() < 5, ((lighter > 3).sum(), lighter.max())  # 71 px, up to 8.8 before
    mouth_w = 100.0
    thick = _rolled_cover(np.array([20.0]), roll=0.3, mouth_w=mouth_w, lip_px=None)  # 14 px left: teeth
    assert thick[0] == pytest.approx(6.0)
    rolls = np.linspace(0.0, 1.0, 201)
    for run in (3.0, 12.0):  # a sliver from the start (3 px was covered whole at roll 0.005 before), and teeth
        cover = np.array([_rolled_cover(np.array([run]), roll=r, mouth_w=mouth_w, lip_px=None)[0] for r in rolls])
        assert cover[0] == 0.0 and (np.diff(cover) >= -1e-9).all(), (run, np.diff(cover).min())
        assert np.diff(cover).max() < 0.3 and cover[-1] == pytest.approx(run), (run, np.diff(cover).max())


def test_a_rolled_lip_covers_no_more_of_the_teeth_than_its_own_height(analysis):
    """A broad smile shows up to 3.6 of its upper lip's heights of upper teeth (03: 14.1 px under a
    4.1 px lip; out/fear15/lip_height.txt), and a lip rolled down over a share of that run was a
    smooth slab of lip 2.5-3 times the photo's mid-mouth under fear (03, 11, 12; 4.5x at roll 0.8).
    Rolled down, the lip covers at most its own height (the photo's, outer to inner line), the
    teeth below it showing, the rolled share it does not reach in its shadow; a run within that
    height is still covered in proportion."""
    from facetalk.face import landmarks as lm
    from facetalk.render.mouth import ROLL_SHADOW_REACH

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, mid = painter._rest_mouth_w, _mid_upper_lip()
    lip = float(painter._upper_lip_px[mid])
    rest = analysis.rig.rest_xyz[:, :2]
    outer = rest[lm.LIPS_OUTER_UPPER[len(lm.LIPS_OUTER_UPPER) // 2]]
    assert lip == pytest.approx(float(np.linalg.norm(rest[mid] - outer)), rel=0.1) and lip > 0.04 * mouth_w

    def rolled(run: float, roll: float, teeth: tuple[float, float, float]) -> tuple[np.ndarray, np.ndarray]:
        """(d, colour): the column `d` px down from the lip, `teeth` coloured, after the roll."""
        d = np.arange(0.0, run + 0.1 * mouth_w, 0.25)
        color, ids = np.tile(np.array(teeth), (len(d), 1)), np.full(len(d), mid)
        painter._roll_cover(color, np.ones(len(d)), lambda per_vertex, only=slice(None): per_vertex[ids][only],
                            d_upper=d, own_upper=np.full(len(d), run), mouth_w=mouth_w, roll=roll)
        return d, color

    def covered(run: float, roll: float) -> float:
        """Px down the column that the rolled lip turns from (pure green) teeth to lip."""
        d, color = rolled(run, roll, (0.0, 255.0, 0.0))
        return float(d[color[:, 1] <= color[:, [0, 2]].max(axis=1)].max(initial=0.0))

    long_teeth = covered(3.0 * lip, 0.8)  # 0.8 x 3 lips = 2.4 lips before
    assert 0.8 * lip < long_teeth < 1.2 * lip + 1.0, (long_teeth, lip)
    short_teeth = covered(0.8 * lip, 0.5)  # within the lip's height: its share (and a thin remainder), as before
    assert short_teeth >= 0.4 * lip - 0.5, (short_teeth, lip)
    # What the lip would cover were it as high as the teeth (here all 3 lips: 2.4 and the thin
    # remainder) is in its shadow, not lit: lit, a smile's long teeth under a lip of its own height
    # read as a grin. Past the run and the shadow's reach the teeth keep their light.
    d, color = rolled(3.0 * lip, 0.8, (230.0, 230.0, 230.0))
    luma = color @ LUMA
    band = (d > 1.3 * lip + 1.0) & (d < 2.8 * lip)
    assert band.sum() > 4 and luma[band].max() < 0.7 * 230.0, luma[band]
    assert luma[d > 3.0 * lip + ROLL_SHADOW_REACH * mouth_w].min() > 229.0


def test_where_the_lip_thins_to_nothing_the_teeth_it_would_cover_are_still_in_its_shadow(analysis):
    """Toward the corners the photo's upper lip is barely a px high, so the capped cover is under
    half a px, yet the share a lip as high as the teeth would cover stays in its shadow: scaled by
    the capped cover, the shadow switched off there and long teeth under a sliver of lip were lit
    whole (03 under fear at roll 0.5: 91 px lit with up to 7.3 px of teeth below)."""
    from facetalk.render.mouth import ROLL_SHADOW_REACH

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, mid = painter._rest_mouth_w, _mid_upper_lip()
    painter._upper_lip_px[:] = 0.0  # no lip to roll: the capped cover is 0
    run = 0.2 * mouth_w
    d = np.arange(0.0, run + 0.1 * mouth_w, 0.25)
    color, ids = np.full((len(d), 3), 230.0), np.full(len(d), mid)
    painter._roll_cover(color, np.ones(len(d)), lambda per_vertex, only=slice(None): per_vertex[ids][only],
                        d_upper=d, own_upper=np.full(len(d), run), mouth_w=mouth_w, roll=0.5)
    luma = color @ LUMA
    band = (d > 1.0) & (d < 0.5 * run)  # the rolled share, uncovered: shaded, not lit (lit: 230 before)
    assert band.sum() > 4 and luma[band].max() < 0.8 * 230.0, luma[band]
    assert luma[d > run + ROLL_SHADOW_REACH * mouth_w].min() > 229.0


def test_a_slight_roll_changes_the_frame_by_under_a_level(analysis):
    """The sliver rule covered a short run of teeth whole at any roll above 0, and any pixel the
    rolled lip touched lost the photo's sharp teeth: a roll of 0.005 changed 53 px of the bundled
    photo's open mouth by more than 3 levels, up to 20 (where fear ramps in; a blendshape CSV's
    roll wandering near 0 flickered). The sliver's cover, the lip's soft edge, its shadow and its
    corner clamp all grow in with the roll: each step of 0.001 (or less) changes no pixel of the
    frame by more than a level, and a roll's first 0.001 none by 1.5."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.mouth import _rolled_cover
    from facetalk.render.renderer import Renderer

    assert _rolled_cover(np.array([1.0, 3.0]), roll=1e-3, mouth_w=100.0, lip_px=np.full(2, 5.0)).max() < 0.01  # 3.0 before
    renderer = Renderer(analysis)
    painter = renderer._mouth
    paint, roll = painter.paint, {"upper": 0.0}
    painter.paint = lambda *a, **k: paint(*a, **{**k, "roll_upper": roll["upper"]})
    rolls = (0.0, 1e-4, 5e-4, 1e-3, 2e-3, 3e-3, 4e-3, 5e-3)  # 1e-4, 5e-4 at jaw 0.1: a cover reaching no pixel
    for jaw in (0.1, 0.3):
        frames = {}
        for roll["upper"] in rolls:
            frames[roll["upper"]] = renderer.render(MotionFrame(t_s=0, jaw_open=jaw)).astype(float) @ LUMA
        for a, b in zip(rolls, rolls[1:]):
            step = np.abs(frames[b] - frames[a]).max()
            # 2.9 at jaw 0.3 (rolls 0.001 -> 0.005) had the rolled lip unlaid the teeth by its own change
            # where the lens then painted the same colour at every roll (_unlay_repainted: once, in all).
            # One count in all three channels is a level (1.0 + float error): the drifting pixel below
            # (229, 248) steps that at jaw 0.3, roll 0.001 -> 0.002 (0.70 with the old outline smoothing).
            assert step < 1.0 + 1e-6, (jaw, a, b, step)
        # Over 0.001 -> 0.005 one pixel at jaw 0.1 drifts 1.7 levels, steadily (the steps above): a corner
        # face reading the lip as cleared comes out near the photo's own colour there, which so stays
        # partly laid and the roll's growing cover moves it further. A roll's onset holds 1.5.
        onset = np.abs(frames[1e-3] - frames[0.0])
        assert onset.max() < 1.5, (jaw, onset.max())


def test_the_rolled_lips_reach_covers_a_shorter_run_covered_further(analysis):
    """The painter shades only the cavity pixels the rolled lip may reach (_roll_reach), taken
    from the photo's longest run of teeth; but a short run is covered further than a long one at
    a slight roll (a sliver is covered whole: roll 0.1 on a 100 px mouth, 5 px -> 2.3 px, 10 px ->
    1.0), so a shorter run's cover was cut off at the longer's."""
    from facetalk.render.mouth import ROLL_REACH_MARGIN, ROLL_SHADOW_REACH, _rolled_cover

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = painter._rest_mouth_w
    painter._own_upper_most = 0.1 * mouth_w
    d = np.linspace(0.0, 0.2 * mouth_w, 801)  # px below the upper lip, at t 0.5 of an opening 2d
    half = lambda per_vertex, only=slice(None): np.full(len(d), 0.5)[only]  # noqa: E731
    kept = painter._roll_reach(half, 2.0 * d, mouth_w=mouth_w, peak_opening=0.0, roll=0.1)
    runs = np.linspace(0.0, 0.1 * mouth_w, 1001)
    # The lip's height caps its cover, not its shadow's reach (_roll_cover): the uncapped cover.
    furthest = _rolled_cover(runs, roll=0.1, mouth_w=mouth_w, lip_px=None).max()  # a shorter run's
    assert furthest > 2.0 * _rolled_cover(runs[-1:], roll=0.1, mouth_w=mouth_w, lip_px=None)[0]
    assert kept[d < furthest + ROLL_SHADOW_REACH * mouth_w + ROLL_REACH_MARGIN - 0.01].all(), (
        d[kept].max(), furthest)


def test_fill_valleys_takes_no_grain_speck_for_a_lighter_side():
    """A lip darkening steadily toward the opening has no valley to fill; one grain speck on the
    opening's side, lighter than the lip further in (a grainy photo), was read as the lighter
    side and the whole slope lifted to the lip's level (100-140 -> 162). Each level is the
    median of the lip read beside it along the lip, so the slope keeps its shading."""
    from facetalk.render.mouth import LEVEL_ALONG_PX, _fill_valleys

    s = np.arange(0.0, 6.0, 1.0)
    column = [60, 60, 80, 100, 120, 140, 160, 165, 165]
    image = np.repeat(np.array(column, np.float32)[:, None, None], 12, axis=1).repeat(3, axis=2)
    image[2, 5] = 200.0  # the speck, in this column only, a px into the lip
    feet = np.stack([np.column_stack([np.full(len(s), 5.0 + shift), np.ones(len(s))]) for shift in LEVEL_ALONG_PX])
    own = image[1 + s.astype(int), 5]
    got = _fill_valleys(image, feet, into=np.array([0.0, 1.0]), s=s, width=np.zeros(len(s)),
                        far=np.full(len(s), 6.0), cleared=own)
    np.testing.assert_allclose(got, own)


def test_the_lip_level_at_the_outline_takes_no_grain_speck_for_the_lip(analysis):
    """The corner face is held no lighter than the lip at the rig's outline beside it (_outline_share);
    that level was one bilinear sample, so a grainy photo's speck there set it. It is the median
    of the lip read along the lip about the point: a speck moves it by little."""
    from facetalk.face import landmarks as lm

    plain = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    assert plain._outline_luma.dtype == np.float32 and plain._outline_cleared.dtype == np.float32
    vertex = lm.LIPS_INNER_UPPER[len(lm.LIPS_INNER_UPPER) // 2 - 2]
    x, y = np.round(plain._outline_xy[vertex, 0]).astype(int)
    speck = analysis.image.copy()
    speck[y, x] = 255
    specked = MouthPainter(analysis.rig, speck, analysis.appearance.grain)
    assert abs(specked._outline_luma[vertex, 0] - plain._outline_luma[vertex, 0]) < 12.0, (  # 84 before
        specked._outline_luma[vertex, 0], plain._outline_luma[vertex, 0])


def test_a_rolled_lip_is_no_lighter_than_the_lip_at_the_outline_beside_it(analysis):
    """At a smile's corners the photo's lip is in shadow; the lip rolled down over the photo's dark
    corners (fear) read its texture from further in, lighter, and stood as a pale wedge framed by
    that shadowed lip (03, 11 at 2x). Like a corner's face, the rolled lip is held no lighter than
    the lip at the rig's outline beside it, as far as the lips' parting has not cleared that lip's
    line (here not at all)."""
    from facetalk.face import landmarks as lm

    image, yy, top = _photo_and_upper_lip_rows(analysis)
    image[(yy <= top + 0.5) & (yy > top - 12)] = (200, 120, 110)  # the lip
    image[(yy <= top + 0.5) & (yy > top - 2.0)] = (70, 40, 38)  # in shadow at its edge
    painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
    mouth_w = painter._rest_mouth_w
    run = 0.12 * mouth_w
    painter._upper_lip_px[:] = run  # the lip drawn as high as the run (_rolled_cover's cap)
    d = np.arange(0.0, run - 1.0, 0.5)

    def rolled(vertex: int, u: float) -> np.ndarray:
        color, alpha = np.tile(np.array([225.0, 220.0, 210.0]), (len(d), 1)), np.ones(len(d))
        ids = np.full(len(d), vertex)
        painter._roll_cover(color, alpha, lambda per_vertex, only=slice(None): per_vertex[ids][only],
                            d_upper=d, own_upper=np.full(len(d), run), mouth_w=mouth_w, roll=1.0,
                            across=np.full(len(d), abs(2.0 * u - 1.0)))
        return color @ LUMA

    vertex = lm.LIPS_INNER_UPPER[1]
    outline = float(painter._outline_luma[vertex, 0])
    near_corner = rolled(vertex, 0.05)
    assert outline < 80.0 and near_corner.max() <= outline + 1.0, (near_corner.max(), outline)
    assert rolled(_mid_upper_lip(), 0.5).max() > outline + 40.0  # mid-mouth it keeps its light


def test_the_upper_lip_eases_into_its_arch_as_the_jaw_opens(analysis):
    """The arch over a vowel's opening (_upper_arch) eases in with the opening, the rig's own lip
    line's share with it: a smile's lip lifted toward the corners was set down by all its lift at
    the first trace of the arch, and between jaw 0.21 and 0.215 the bundled photo's upper lip
    snapped down over the teeth at both corners (266 px changed by over 20 levels, up to 138).
    Over a fine jaw ramp across that point, no step changes more than a few edge pixels."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    frames = [renderer.render(MotionFrame(t_s=0, jaw_open=j)).astype(np.int16)
              for j in np.arange(0.195, 0.2401, 0.005)]
    for before, after in zip(frames, frames[1:]):
        assert (np.abs(after - before).max(axis=2) > 20).sum() <= 10


def test_the_upper_lips_arch_drops_as_far_as_the_wide_open_lens_reaches(analysis, monkeypatch):
    """The arch (_upper_arch) is down whole where the unrounded lens closes (_lens_reach): on a
    wide-open mouth (peak 0.6 mouth widths, lens_wide 1) it is still dropping between LENS_REACH
    and LENS_REACH_WIDE; whole at LENS_REACH, its lip stood level over the lens's last tenth, a
    wedge of its face over each upper corner. Rounded lips (their lens held at LENS_REACH,
    _lens_stretch) and an opening short of LENS_WIDE_OPENING keep it whole from LENS_REACH on.
    The rig's lip is set level here, so the arch is the drop alone."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.mouth import LENS_REACH, LENS_REACH_WIDE, LENS_WIDE_OPENING, _face_down, lens_wide
    from facetalk.render.renderer import posed_vertices

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    monkeypatch.setattr(painter, "_round_free", 1.0)  # the bundled photo's smile would half-free /o/
    verts = posed_vertices(analysis.rig, MotionFrame(t_s=0, jaw_open=1.0)).copy()
    down = _face_down(verts[:, :2])  # from the eyes: levelling the lip leaves it as it is
    depth = verts[painter._lip_ids, :2].astype(np.float64) @ down
    verts[painter._lip_ids, :2] -= (depth - depth[len(depth) // 2])[:, None] * down
    mouth_w = float(np.linalg.norm(verts[lm.MOUTH_CORNERS[0], :2] - verts[lm.MOUTH_CORNERS[1], :2]))
    between = 0.5 * (LENS_REACH + LENS_REACH_WIDE)
    u = 0.5 - 0.5 * np.array([between, LENS_REACH_WIDE, 1.0])  # |2u - 1| at those three places

    def arch(peak_mw: float, widened: float) -> np.ndarray:
        return painter._upper_arch(verts, u, peak_opening=peak_mw * mouth_w, mouth_w=mouth_w, widened=widened)

    assert lens_wide(0.6 * mouth_w, mouth_w) == 1.0
    wide_open = arch(0.6, 1.0)
    assert wide_open[0] < wide_open[1] - 0.01 * mouth_w and abs(wide_open[1] - wide_open[2]) < 1e-3, wide_open
    assert painter._rounded(0.7) == 1.0
    for held in (arch(0.6, 0.7), arch(LENS_WIDE_OPENING[0], 1.0)):  # float32 levelling leaves ~1e-5 px
        assert held[0] > 0.0 and np.allclose(held, held[0], rtol=0.0, atol=1e-3), held


def test_a_guessed_lower_row_takes_the_openings_tips_not_a_broad_smiles(analysis):
    """A guessed lower row (_lower_guessed) shows the synthetic tips at every opening, but only a
    broad smile's stretched lip takes the smile's taller tips (_shade's `stretch`): taken as
    stretched at every opening, 12's /i/ at jaw 0.12 was an even row of tall pale blocks."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    assert painter._lower_guessed
    mouth_w = painter._rest_mouth_w
    opening = np.array([0.06, 0.12, 0.3]) * mouth_w
    upper = np.zeros(3)
    show, stretched = painter._lower_teeth_shown(opening, own_upper=upper, lift=None, mouth_w=mouth_w)
    assert np.array_equal(show, np.ones(3)) and not stretched.any()
    # A broad smile (the lips 1.3 times the photo's width) stretches the lower lip off them once
    # the rows stand apart (SPREAD_GAP, past the synthetic upper teeth).
    wide = np.array([0.06, 0.2, 0.25]) * 1.3 * mouth_w
    show, stretched = painter._lower_teeth_shown(wide, own_upper=upper, lift=None, mouth_w=1.3 * mouth_w)
    assert np.array_equal(stretched > 0.0, [False, True, True])


def test_a_partial_smiles_lower_row_grows_with_the_stretch_not_in_a_step(analysis):
    """As a smile draws the lips wider (SPREAD_LOWER_TEETH) the stretch bares the lower teeth past
    what a well open jaw shows, and the row grows from the opening's tips toward the stretched
    one's height (_lower_teeth_shown's 0..1 `stretch`): a per-pixel flag jumped each pixel it
    reached to the stretched height, and 03's and 12's partial smiles flickered ~100 / ~50 levels
    as pixels flipped. Over a fine widening at an opening of 0.25 mouth widths, no 0.001 of the
    rest width moves the row more than 0.01 mouth widths (the flag: 0.05); fully wide, the row is
    the stretched one whole."""
    from facetalk.render.mouth import SYNTHETIC_UPPER_TEETH_MW, _lower_height

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    heights, weights = [], []
    for mouth_w in np.arange(1.18, 1.2801, 0.001) * painter._rest_mouth_w:
        opening = np.array([0.25 * mouth_w])
        show, stretch = painter._lower_teeth_shown(opening, own_upper=np.zeros(1), lift=None, mouth_w=mouth_w,
                                                  smiling=0.7)
        weights.append(stretch[0])
        heights.append(_lower_height(op=np.float32(opening[0]), ls=show[0], stretch=stretch[0],
                                     rows_gap=opening[0] - SYNTHETIC_UPPER_TEETH_MW * mouth_w, mouth_w=mouth_w,
                                     show32=False, smiling=0.7, peak_gap=0.0) / mouth_w)
    assert weights[0] == 0.0 and weights[-1] == 1.0
    assert np.abs(np.diff(heights)).max() <= 0.01, np.abs(np.diff(heights)).max()
    assert heights[-1] > heights[0] + 0.04  # the stretched row, well above the opening's tips


@pytest.mark.parametrize("tongue_tip, lower_f32, lifted, mouth_w, smiling, own, widened, rolled", [
    (0.0, True, False, 120.0, 1.0, True, 1.3, 0.0), (0.7, False, True, 120.0, 0.0, True, 1.19, 0.0),
    (0.3, True, True, 120.0, 0.6, False, 1.13, 0.0), (0.5, True, True, 23.7, 1.0, False, 1.0, 0.0),
    (0.0, False, False, 61.3, 0.3, True, 1.11, 0.02), (0.7, True, True, 287.9, 0.0, False, 1.2, 0.03)])
def test_shade_passes_equal_the_numpy_specification_to_the_bit(analysis, tongue_tip, lower_f32, lifted, mouth_w,
                                                               smiling, own, widened, rolled):
    """_shade's compiled passes give the numpy reference's (tests/render/mouth_reference.py)
    colours to the last bit over random pixels in
    paint's dtypes: float32 distances, openings and u, float64 photo runs (some past the synthetic
    teeth's half height, the photo's own upper row), a float32 or float64 lower_show (paint hands
    either), raised and lowered lips, stretched pixels, the tongue's tip raised or resting, a wide
    opening (the throat's shade), a smile's lower row raised or not, narrowed (a photo's own upper
    teeth) or not, the lips spread (the raised row, NEAR_*) or not, the upper lip rolled part way,
    at small to frame-filling mouth widths (the teeth's and the tongue's px thresholds move with it). A single float's dtype off
    fails it (checked: the tongue's toward_corners taken with 0.45 in float64 differs in 302-705 of
    the 4,000 pixels). Drawn (not the photo's own) teeth have their upper row lit as a closed-mouth
    photo's are (_upper_lift; 1 on the bundled photo, which shows its own): the reference once lifted
    the finished colour, not the tint, and was 1 ulp off in 517 of the pixels."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    painter._own_teeth = own  # the lower row narrowed under the photo's own upper teeth or not
    if not own:
        painter._upper_lift = 1.3  # the synthetic upper row lit as drawn (_teeth_tints)
    rng = np.random.default_rng(3)
    n = 4000
    opening = (rng.random(n) * 0.6 * mouth_w).astype(np.float32)
    t = rng.random(n).astype(np.float32)
    u = rng.random(n).astype(np.float32)
    runs = (rng.random(n) * 0.15 * mouth_w * (rng.random(n) < 0.4), rng.random(n) * 0.05 * mouth_w)
    show = rng.random(n) * (rng.random(n) < 0.7)
    kwargs = dict(photo_teeth=runs, tongue_tip=tongue_tip, peak_opening=0.55 * mouth_w, smiling=smiling,
                  widened=widened, rolled=rolled, lower_show=show.astype(np.float32) if lower_f32 else show,
                  stretch=np.clip(rng.random(n) * 2.0 - 1.2, 0.0, 1.0),
                  lip_lift=((rng.random(n) - 0.6) * 0.1 * mouth_w).astype(np.float32) if lifted else None)
    args = (t * opening, (1.0 - t) * opening, opening, u, mouth_w)
    fast, spec = painter._shade(*args, **kwargs), ShadeReference(painter).shade(*args, **kwargs)
    assert fast.dtype == spec.dtype == np.float64
    assert np.array_equal(fast, spec), int((fast != spec).any(axis=1).sum())


@pytest.mark.parametrize("own", [False, True])
def test_shade_rows_looks_up_each_rows_teeth_where_that_row_reaches_as_the_reference_does(analysis, monkeypatch, own):
    """_shade_rows takes a row's tooth (rank, f) only where that row may show (its `reach`) and there
    it is the reference's _teeth_along to the bit (the lower row narrowed as _lower_narrow says, each
    side of the midline in its own widths: _lower_teeth_along); it
    is 0 elsewhere, where nothing reads it. Where the photo's own upper teeth show (not synthetic)
    there is no slot (ROW_SLOT 0, the teeth's light ROW_SLOT_TEETH 1), as the full formula gives:
    both are taken for free there (out/ifast32/NOTES.md). Paint's float32 inputs, random pixels."""
    from facetalk.render.mouth import (
        OWN_ROW_SHOWS, ROW_LOWER_F, ROW_LOWER_RANK, ROW_SLOT, ROW_SLOT_TEETH, TEETH_PER_SIDE, UPPER_TOOTH_WIDTHS,
    )
    from tests.render.mouth_reference import _lower_teeth_along

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    painter._own_teeth = own
    rng, n, mouth_w = np.random.default_rng(5), 4000, 120.0
    opening = (rng.random(n) * 0.6 * mouth_w).astype(np.float32)
    t, u = rng.random(n).astype(np.float32), rng.random(n).astype(np.float32)
    runs = (rng.random(n) * 0.15 * mouth_w * (rng.random(n) < 0.4), rng.random(n) * 0.05 * mouth_w)
    seen, original = {}, mouth_module._shade_rows

    def record(*args):
        original(*args)
        seen["rows"], seen["reach"] = args[-2].copy(), args[-1].copy()

    monkeypatch.setattr(mouth_module, "_shade_rows", record)
    painter._shade(t * opening, (1.0 - t) * opening, opening, u, mouth_w, photo_teeth=runs,
                   lower_show=rng.random(n) * (rng.random(n) < 0.7), peak_opening=0.55 * mouth_w, widened=1.2)
    rows, reach = seen["rows"], seen["reach"]
    for reaches, rank_row, f_row, teeth in (
            (reach[0], ROW_LOWER_RANK, ROW_LOWER_F, _lower_teeth_along(u, narrow=painter._lower_narrow())),
            (reach[1], ROW_UPPER_RANK, ROW_UPPER_F, _teeth_along(u, widths=UPPER_TOOTH_WIDTHS, per_side=TEETH_PER_SIDE))):
        assert 100 < reaches.sum() < n - 100  # both kinds of pixel
        assert np.array_equal(rows[rank_row, reaches], teeth[0][reaches])
        assert np.array_equal(rows[f_row, reaches], teeth[1][reaches])
        assert not rows[[rank_row, f_row]][:, ~reaches].any()
    own_row = runs[0] >= OWN_ROW_SHOWS * (SYNTHETIC_UPPER_TEETH_MW * mouth_w)
    assert own_row.sum() > 100 and (rows[ROW_SLOT, ~own_row] > 0.0).sum() > 100
    assert not rows[ROW_SLOT, own_row].any() and (rows[ROW_SLOT_TEETH, own_row] == 1.0).all()


def test_cavity_gather_equals_numpy_lookups():
    """_cavity_gather finds the cavity pixels of a box row by row with their triangles, vertices and
    float32 weights exactly as numpy's lookups did (material of each triangle id, -1 none)."""
    from facetalk.face.rig import MATERIAL_CAVITY
    from facetalk.render.mouth import _cavity_gather
    from facetalk.render.sampling import material_lookup

    rng = np.random.default_rng(0)
    triangles = rng.integers(0, 500, (300, 3)).astype(np.int32)
    material = material_lookup(np.where(rng.random(300) < 0.3, MATERIAL_CAVITY, 0).astype(np.uint8))
    tri_id = rng.integers(-1, 300, (64, 80)).astype(np.int32)
    bary = rng.random((64, 80, 2)).astype(np.float32)
    x0, y0, x1, y1 = 7, 5, 71, 60
    ys, xs, tri_index, tris, weights = _cavity_gather(tri_id, bary, material, triangles, x0, y0, x1, y1)
    ids = tri_id[y0:y1, x0:x1]
    want_ys, want_xs = np.nonzero(material[ids] == MATERIAL_CAVITY)
    b = bary[y0 + want_ys, x0 + want_xs]
    assert len(ys) > 500
    assert np.array_equal(ys, want_ys) and np.array_equal(xs, want_xs)
    assert np.array_equal(tri_index, ids[want_ys, want_xs]) and np.array_equal(tris, triangles[tri_index])
    assert weights.dtype == np.float32 and np.array_equal(weights, np.column_stack([b, 1.0 - b.sum(axis=1)]))


def test_the_photos_upper_teeth_end_in_a_curved_uneven_biting_edge(analysis):
    """A photo's own upper row, laid from the lip to a run that is the same share of the opening
    all along it (here one run everywhere), ends in a biting edge's shape, not a straight cut
    (judge24 item 6: 12's toothy grin and /i/, 01 and 11 wide open): longer mid-mouth than toward
    the corners (a smile arc: the central incisors over 1.1x its length 0.6 of the way out; was
    1.0) and uneven tooth by tooth, gently (the edge off a quadratic through it by 0.2 px or more
    at a 10 px run: 0.31, a cosine wave; was 0, and 1.02 with the tips' sharp notches), and
    continuous."""
    from facetalk.face import landmarks as lm

    run_px, step = 10.0, 0.05
    painter, mouth_w, u_row, depth, u, d_upper = _own_teeth_grid(analysis, run_px=run_px, n_u=241, reach=1.5, step=step)
    n = len(u)
    ids = np.full(n, lm.LIPS_INNER_UPPER[len(lm.LIPS_INNER_UPPER) // 2])
    laid = painter._lay_photo_interior(np.zeros((n, 3)), lambda per_vertex, only=slice(None): per_vertex[ids][only],
                                       d_upper=d_upper, d_lower=np.full(n, 60.0, np.float32),
                                       runs=(np.full(n, run_px), np.zeros(n)), lower_show=np.zeros(n),
                                       mouth_w=mouth_w, u=u, peak_opening=WIDE_OPENING * run_px)
    edge = laid.reshape(len(u_row), len(depth)).sum(axis=1) * step  # px the row reaches, per place
    across = np.abs(2.0 * u_row - 1.0)
    assert edge[across < 0.2].max() > 1.1 * edge[np.abs(across - 0.6) < 0.02].mean(), edge
    uneven = edge - np.polyval(np.polyfit(across, edge, 2), across)
    assert np.abs(uneven).max() > 0.2, np.abs(uneven).max()
    # With no step between teeth: a step of 0.04 of the run at each tooth's side flipped an edge
    # pixel 47 levels between a jaw sweep's frames (12); 1e-5 of the way along, under 0.001.
    from facetalk.render.mouth import EDGES_UPPER, _biting_edge_at, _teeth_edges

    fine = np.linspace(0.0, 1.0, 100001, dtype=np.float32)
    shape = np.array([_biting_edge_at(x, _teeth_edges()[EDGES_UPPER]) for x in fine])
    assert np.abs(np.diff(shape)).max() < 1e-3, np.abs(np.diff(shape)).max()


def test_the_biting_edge_table_reads_as_the_edge_itself():
    """_edge_at, the per-pixel read of _biting_edge_table that _shaped_run lays (and the numpy
    reference shares), is the biting edge _biting_edge_at defines, within 2e-4 of the run (0.01 px
    of a 50 px run) at 1e5 random places along the mouth: a table of the wrong length, spacing or
    interpolation would shift the teeth's notches."""
    from facetalk.render.mouth import EDGES_UPPER, _biting_edge_at, _biting_edge_table, _edge_at, _teeth_edges

    u = np.random.default_rng(3).random(100000).astype(np.float32)
    table, edges = _biting_edge_table(), _teeth_edges()[EDGES_UPPER]
    read = np.array([_edge_at(x, table) for x in u])
    exact = np.array([_biting_edge_at(x, edges) for x in u])
    assert np.abs(read - exact).max() < 2e-4, np.abs(read - exact).max()
    assert np.ptp(exact) > 0.1  # the edge does vary along the mouth


@pytest.mark.parametrize("lower_f32, dim_ends", [(True, None), (False, None), (True, 0.88)])
def test_photo_interior_passes_equal_numpy_steps_to_the_bit(analysis, monkeypatch, lower_f32, dim_ends):
    """_lay_photo_interior's compiled passes (_photo_reach, _lay_samples) lay the photo's interior
    exactly as its numpy steps do (ShadeReference.lay_photo_interior) over random pixels in
    paint's dtypes, a wide opening hiding the upper row's back teeth, the lower row handing over
    by a float32 or a float64 lower_show (to_rest taken in float64, not numpy's float32, fails both).
    With the row's end crowns dimmed to `dim_ends` of the front's light (a back tooth in shade,
    _painter_with_dim_ends) at 0.40 mouth widths, inside GUM_LIT_BACK_OPEN: the row-end tables
    blended between the narrow and wide sets (_row_ends) as the reference builds and blends them."""
    from facetalk.render.mouth import _lower_teeth_show

    if dim_ends is None:
        painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    else:
        painter = _painter_with_dim_ends(analysis, monkeypatch, dim=dim_ends)
    rng = np.random.default_rng(5)
    n, mouth_w = 3000, 1.1 * painter._rest_mouth_w
    ids = rng.integers(0, len(painter._anchor_xy), n)
    interp = lambda per_vertex, only=slice(None): per_vertex[ids][only]  # noqa: E731
    d_upper, d_lower = (rng.random((2, n)) * 0.2 * mouth_w).astype(np.float32)
    runs = (rng.random(n) * 0.15 * mouth_w, rng.random(n) * 0.1 * mouth_w)
    show = rng.random(n) * (rng.random(n) < 0.5)
    show = show.astype(np.float32) if lower_f32 else show
    u, peak = rng.random(n).astype(np.float32), (0.45 if dim_ends is None else 0.40) * mouth_w
    color = rng.random((n, 3)) * 255.0
    assert _lower_teeth_show(np.array([peak]), mouth_w)[0] > 0  # wide open: the upper row's back teeth hide
    if dim_ends is not None:  # a blend: neither set's tables
        ends, narrow = painter._row_ends(peak_opening=peak, mouth_w=mouth_w), painter._row_ends_narrow
        assert narrow is not None and painter._row_end_lit[-1] + 0.1 < ends.lit[-1] < narrow.lit[-1] - 0.1, ends.lit[-1]
    want, want_laid = ShadeReference(painter).lay_photo_interior(color, interp, d_upper=d_upper, d_lower=d_lower,
                                                                 runs=runs, lower_show=show, mouth_w=mouth_w, u=u,
                                                                 peak_opening=peak)
    laid = painter._lay_photo_interior(color, interp, d_upper=d_upper, d_lower=d_lower, runs=runs, lower_show=show,
                                       mouth_w=mouth_w, u=u, peak_opening=peak)
    assert (want_laid > 0).sum() > 1000
    assert np.array_equal(color, want) and np.array_equal(laid, want_laid)


@pytest.mark.parametrize("show", [0.0, 0.05, 0.6])
def test_a_photo_lower_row_is_cut_to_its_kept_height_and_sampled_from_its_tips(analysis, show):
    """Part way through the hand-over to the synthetic lower teeth (lower_show 0.6), the photo's own
    lower row is laid whole over the lower part of (1 - 0.6) of its run from the lip, fades out
    linearly over the upper LOWER_CUT_FADE of that, and is not laid beyond; what is laid there is
    the photo's row from 0.6 of its run up (its tips). Laid at 0.4 opacity over its whole run, it
    drew a pale translucent band with no teeth in it (11's /i/, judge33 d). A row not handing over
    (lower_show 0) fades over the same share of its whole run: a 1.5 px edge there flickered."""
    from facetalk.imaging import sample_points

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = painter._rest_mouth_w  # rest px = posed px
    n, run = 400, 0.15 * mouth_w
    ids = np.full(n, len(painter._anchor_xy) // 2)
    interp = lambda per_vertex, only=slice(None): per_vertex[ids][only]  # noqa: E731
    d_lower = np.linspace(0.0, 1.2 * run, n).astype(np.float32)
    runs = (np.zeros(n), np.full(n, run))
    color = np.zeros((n, 3))
    laid = painter._lay_photo_interior(color, interp, d_upper=np.full(n, mouth_w, np.float32), d_lower=d_lower,
                                       runs=runs, lower_show=np.full(n, show), mouth_w=mouth_w,
                                       u=np.full(n, 0.5, np.float32), peak_opening=0.25 * mouth_w)
    kept = (1.0 - show) * run
    width = max(1.5, mouth_module.LOWER_CUT_FADE * kept)
    whole, none = d_lower < kept - width, d_lower >= kept
    fade = ~whole & ~none
    assert whole.sum() > 50 and none.sum() > 50 and fade.sum() >= 3
    assert np.all(laid[whole] == 1.0) and np.all(laid[none] == 0.0)
    assert np.allclose(laid[fade], np.clip((kept - d_lower[fade]) / width, 0.0, 1.0), atol=1e-5)
    assert laid[fade].min() < 0.9 and laid[fade].max() > 0.1
    tips = painter._lower_anchor_xy[ids[whole]] - (d_lower[whole, None] + show * run) * painter._down
    assert np.abs(color[whole] - sample_points(painter.image, tips)).max() < 1e-6


@pytest.mark.parametrize("arched, own_teeth", [(False, True), (True, True), (True, False)])
def test_corner_faces_pass_equals_numpy_steps_to_the_bit(analysis, arched, own_teeth):
    """_taper_corners' compiled pass (_corner_cover, _face_depth) covers the lens's corners exactly as
    its numpy steps do (ShadeReference.taper_corners) over random pixels in paint's float32,
    with and without the upper lip's arch, over a photo's own teeth or not (the arch's share
    taken in float64, not numpy's float32, fails both arched cases: 16-17 px). The pixels' place
    across the mouth is paint's: MouthPainter._across at random places about the rest mouth, out
    a little past its corners."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    painter._own_teeth = own_teeth
    rng = np.random.default_rng(7)
    n, mouth_w = 3000, painter._rest_mouth_w
    ids = rng.integers(0, len(painter._anchor_xy), n)
    interp = lambda per_vertex, only=slice(None): per_vertex[ids][only]  # noqa: E731
    opening = (rng.random(n) * 0.4 * mouth_w).astype(np.float32)
    t = rng.random(n).astype(np.float32)
    d_upper, d_lower, peak = t * opening, (1.0 - t) * opening, 0.45 * mouth_w
    arch = (rng.random(n) * 0.1 * mouth_w).astype(np.float32) if arched else None
    cleared = rng.random(len(painter._anchor_xy)).astype(np.float32)
    color = rng.random((n, 3)) * 255.0
    rest = analysis.rig.rest_xyz
    left, right = rest[painter._lip_ids[0], :2], rest[painter._lip_ids[-1], :2]
    along, off = rng.uniform(-0.05, 1.05, n), rng.uniform(-0.2, 0.2, n) * mouth_w
    px, py = (left + along[:, None] * (right - left) + off[:, None] * np.array([0.0, 1.0])).T
    across = painter._across(rest, px, py)
    assert across.dtype == np.float32 and across.min() < 0.02 and across.max() > 1.05
    want = ShadeReference(painter).taper_corners(color, interp, d_upper=d_upper, d_lower=d_lower, across=across,
                                                 peak_opening=peak, mouth_w=mouth_w, arch=arch, cleared=cleared)
    assert int((want != color).any(axis=1).sum()) > 500
    painter._taper_corners(color, interp, d_upper=d_upper, d_lower=d_lower,
                           along=painter._across(rest, px, py, signed=True), opens=lens_opens(peak, mouth_w),
                           peak_opening=peak, mouth_w=mouth_w, arch=arch, cleared=cleared, verts=None,
                           jaw_lift=0.0)
    assert np.array_equal(color, want), int((color != want).any(axis=1).sum())


def test_a_lips_inner_face_rolls_into_the_mouths_shadow_and_greys_across_its_face():
    """_roll_shade: a lip's inner face keeps its lip's colour at the lip line and, across the face
    toward the opening, goes darker and greyer (its own hue), toward the mouth's dark under it; the
    upper lip's face (looking down into the mouth) further than the lower's up to FACE_EDGE_FROM of
    the way across; over something lighter than the face (the teeth) it is only greyed, not tinted
    toward their colour at its own light (it is not in their shadow, rev42r), over black it keeps
    its floor there. Laid in the lip's own colour whole, the upper face was a saturated red band, a
    painted ring round the open mouth (judge39-41: 02, 04, 07; at /o/ its CIELAB chroma 0.97-1.00
    of the photo's lip on 02 and 07, out/ring42/probe.py)."""
    from facetalk.render.mouth import FACE_EDGE_FROM, FACE_ROLL_GREY, FACE_ROLL_INTO, _roll_shade

    lip, mouth = np.array([180.0, 80.0, 70.0]), np.array([60.0, 30.0, 28.0])

    def luma_chroma(c):
        c = np.asarray(c, float)
        return float(c @ LUMA), float(np.linalg.norm(c - c @ LUMA))

    assert np.allclose(_roll_shade(*lip, mouth, False, 0.0, 0.0), lip)
    lit, vivid = luma_chroma(lip)
    for lower in (False, True):
        got = [luma_chroma(_roll_shade(*lip, mouth, lower, q, 0.0)) for q in np.linspace(0.0, 1.0, 11)]
        lumas, chromas = np.array(got).T
        assert np.all(np.diff(lumas) <= 1e-9) and np.all(np.diff(chromas) <= 1e-9), got
    at = FACE_EDGE_FROM  # the face's edge band begins here: before it, the roll as it always was
    upper = luma_chroma(_roll_shade(*lip, mouth, False, at, 0.0))
    lower = luma_chroma(_roll_shade(*lip, mouth, True, at, 0.0))
    eased = float(np.clip(at, 0, 1) ** 2 * (3 - 2 * np.clip(at, 0, 1)))
    assert upper[0] == pytest.approx(lit + FACE_ROLL_INTO[0] * eased * (float(mouth @ LUMA) - lit))
    assert upper[1] < lower[1] < vivid, (upper, lower, vivid)
    assert upper[0] < lower[0] < lit, (upper, lower, lit)
    # At the edge (rolled 1): where the faces meet (`opened` 0) the roll as before the edge band, and
    # where the opening lies beyond (1) the band's further way into the dark greys it further.
    met = [luma_chroma(_roll_shade(*lip, mouth, side, 1.0, 0.0, 0.0)) for side in (False, True)]
    assert met[0][0] == pytest.approx(lit + FACE_ROLL_INTO[0] * (float(mouth @ LUMA) - lit))
    assert met[0][1] < 0.5 * vivid and met[0][1] < met[1][1] < 0.8 * vivid, (met, vivid)
    edge = [luma_chroma(_roll_shade(*lip, mouth, side, 1.0, 0.0, 1.0)) for side in (False, True)]
    assert edge[0][1] < edge[1][1] < 0.4 * vivid, (edge, vivid)
    teeth = np.array([230.0, 220.0, 200.0])  # lighter than the face: greyed only, not taken toward it
    over_teeth = luma_chroma(_roll_shade(*lip, teeth, False, 1.0, 0.0))
    assert over_teeth == pytest.approx((lit, (1.0 - FACE_ROLL_GREY[0]) * vivid))
    assert luma_chroma(_roll_shade(*lip, np.zeros(3), False, at, 80.0))[0] == pytest.approx(80.0)


def test_a_lips_inner_face_fades_into_the_mouth_at_its_edge_not_cut():
    """_roll_shade over its face's edge band (FACE_EDGE_FROM..1 across): the face goes on into the
    mouth's dark, FACE_EDGE_INTO of the way at the edge, both lips, under the lip shadow's floor
    (which held it there; it still holds where the faces meet, `opened` 0), and smoothly (no step
    between neighbouring places). Held at the floor to the edge, the corner faces were a flat band
    of the lip shadow's light cut at one px into the cavity: a drawn rim round the speech openings
    (12: the largest 1-px fall 0.46 of the face-to-cavity fall at jaw 0.45; 03, 11;
    out/mid45/rim_metric.py)."""
    from facetalk.render.mouth import FACE_EDGE_FROM, FACE_EDGE_INTO, _roll_shade

    lip, mouth = np.array([180.0, 80.0, 70.0]), np.array([30.0, 12.0, 12.0])
    floor = 0.8 * float(lip @ LUMA)  # a floor over the mouth's dark, as the lip shadow's is
    for lower in (False, True):
        edge = float(np.asarray(_roll_shade(*lip, mouth, lower, 1.0, floor), float) @ LUMA)
        lit, dark = float(lip @ LUMA), float(mouth @ LUMA)
        assert edge == pytest.approx(lit + FACE_EDGE_INTO * (dark - lit), abs=0.5)
        # where the two faces meet (beyond the lens: no opening past the edge) the floor holds to the edge
        met = float(np.asarray(_roll_shade(*lip, mouth, lower, 1.0, floor, 0.0), float) @ LUMA)
        assert met == pytest.approx(floor, abs=0.5)
        held = float(np.asarray(_roll_shade(*lip, mouth, lower, FACE_EDGE_FROM, floor), float) @ LUMA)
        assert held >= floor - 1e-6  # at the band's start the floor still holds
        lumas = np.array([np.asarray(_roll_shade(*lip, mouth, lower, q, floor), float) @ LUMA
                          for q in np.linspace(FACE_EDGE_FROM, 1.0, 41)])
        assert np.all(np.diff(lumas) <= 1e-9)
        assert np.abs(np.diff(lumas)).max() < 0.1 * (lumas[0] - lumas[-1]), np.diff(lumas)


def _rolled_corners(analysis, *, smiling: float, unrolled: bool = False,
                    widened: float = 1.0) -> tuple[np.ndarray, dict]:
    """_taper_corners as paint calls it on a closed-mouth photo (the bundled analysis with no teeth
    of its own, no arch) over 4000 random corner pixels whose (N, 3) colour before is a dark cavity
    red: the colour after, and what _lay_corner_faces was handed (`px`, `lower`, `cover`, `rolled`).
    `unrolled`: the faces laid with rolled=None (at the lip line all across, as before ring42);
    `widened`: _taper_corners' lips' width ratio (the photo's own smile not held against rounding)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    painter._own_teeth, painter._round_free = False, 1.0
    rng = np.random.default_rng(7)
    n, mouth_w = 4000, painter._rest_mouth_w
    ids = rng.integers(0, len(painter._anchor_xy), n)
    opening, t = (rng.random(n) * 0.4 * mouth_w).astype(np.float32), rng.random(n).astype(np.float32)
    rest, seen, lay = analysis.rig.rest_xyz, {}, painter._lay_corner_faces
    left, right = rest[painter._lip_ids[0], :2], rest[painter._lip_ids[-1], :2]
    along, off = rng.uniform(-0.05, 1.05, n), rng.uniform(-0.2, 0.2, n) * mouth_w
    px, py = (left + along[:, None] * (right - left) + off[:, None] * np.array([0.0, 1.0])).T

    def spy(color, interp, px, *, rolled=None, **kwargs):
        seen.update(px=px.copy(), lower=kwargs["lower"].copy(), cover=kwargs["cover"].copy(), rolled=rolled.copy(),
                    opened=np.asarray(kwargs["opened"]).copy())
        return lay(color, interp, px, rolled=None if unrolled else rolled, **kwargs)

    painter._lay_corner_faces = spy
    color = np.tile(np.array([40.0, 20.0, 18.0]), (n, 1))
    peak = 0.45 * mouth_w
    painter._taper_corners(color, lambda per_vertex, only=slice(None): per_vertex[ids][only], d_upper=t * opening,
                           d_lower=(1.0 - t) * opening, along=painter._across(rest, px, py, signed=True),
                           opens=lens_opens(peak, mouth_w), peak_opening=peak, mouth_w=mouth_w, arch=None,
                           cleared=None, verts=None, jaw_lift=0.0, smiling=smiling, widened=widened)
    return color, seen


def test_a_rounded_openings_sides_get_no_edge_fade(analysis):
    """With the lips fully rounded (/o/: ROUND_NARROWER narrower than the photo's), _taper_corners
    hands _lay_corner_faces no edge fade into the mouth's dark (`opened` 0 everywhere): an oval's
    "ends" past its full middle are its sides, and the fade there drew thin dark arcs lower left and
    right inside 13's O ring (judge45m). Half rounded, at most half of it; unrounded, the ends fade
    (over 100 of the 4000 pixels)."""
    from facetalk.render.mouth import ROUND_NARROWER

    _, flat = _rolled_corners(analysis, smiling=0.0)
    _, half = _rolled_corners(analysis, smiling=0.0, widened=1.0 - 0.5 * ROUND_NARROWER)
    _, round_ = _rolled_corners(analysis, smiling=0.0, widened=1.0 - ROUND_NARROWER)
    assert int((flat["opened"] > 0.01).sum()) > 100, int((flat["opened"] > 0.01).sum())
    assert float(round_["opened"].max()) < 1e-6, float(round_["opened"].max())
    assert float(half["opened"].max()) <= 0.5 + 1e-6


def test_a_smiles_lip_faces_are_laid_unrolled(analysis):
    """_taper_corners with the mouth smiling (_smiling 1) lays the lips' inner faces bit for bit as
    with no roll at all (rolled=None): a smile's lips are drawn back into the light, and the smile with
    teeth stays as it was before the roll (ring42). Unsmiling, the same faces differ (over 500 of the
    4000 pixels), so the smile's switch is what keeps them."""
    smiled, _ = _rolled_corners(analysis, smiling=1.0)
    unrolled, _ = _rolled_corners(analysis, smiling=0.0, unrolled=True)
    rolled, _ = _rolled_corners(analysis, smiling=0.0)
    assert np.array_equal(smiled, unrolled), int((smiled != unrolled).any(axis=1).sum())
    assert int((rolled != unrolled).any(axis=1).sum()) > 500


def test_an_upper_lip_face_greys_toward_its_edge_through_taper_corners(analysis):
    """Unsmiling, on a closed-mouth photo, the upper lip's inner face laid by _taper_corners (wholly
    covered pixels) has a lower CIELAB C* near its edge over the opening (rolled > 0.7) than near the
    lip line (< 0.1): under 0.85 of it (0.73; laid unrolled, 0.97: the face a uniform red band round
    the opening, judge39-41), and near the lip line within 3% of the unrolled face's."""
    import cv2

    def chroma(color, seen, pick):
        lab = cv2.cvtColor((color[seen["px"][pick]][None] / 255.0).astype(np.float32), cv2.COLOR_RGB2LAB)[0]
        return float(np.hypot(lab[:, 1], lab[:, 2]).mean())

    rolled, seen = _rolled_corners(analysis, smiling=0.0)
    unrolled, _ = _rolled_corners(analysis, smiling=0.0, unrolled=True)
    upper = ~seen["lower"] & (seen["cover"] > 0.99)
    edge, line = upper & (seen["rolled"] > 0.7), upper & (seen["rolled"] < 0.1)
    assert edge.sum() > 30 and line.sum() > 30, (int(edge.sum()), int(line.sum()))
    assert chroma(rolled, seen, edge) < 0.85 * chroma(rolled, seen, line), \
        (chroma(rolled, seen, edge), chroma(rolled, seen, line))
    assert chroma(rolled, seen, line) == pytest.approx(chroma(unrolled, seen, line), rel=0.03)


def test_the_lens_outline_turns_smoothly_where_it_leaves_its_full_height(analysis):
    """The lens's top (lens_height, half of a 45 px opening on a 100 px mouth), sampled every 0.25
    px from mid-mouth to near its closing point, turns by under 2 degrees between samples, with
    the (power, reach, full_share) _lens_shape gives lips as wide as the photo's and fully rounded
    ones (ROUND_NARROWER narrower, on a photo not smiling): full to half way and then
    (1 - across²) the lens would meet its full height at an angle, a turn of 35 degrees at one
    sample (across 0.425), the kink of a hexagon."""
    from facetalk.render.mouth import LENS_FULL, ROUND_NARROWER, lens_height

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    painter._round_free = 1.0  # as on a photo not smiling
    mouth_w, peak = 100.0, 45.0
    shapes = [painter._lens_shape(widened, wide=lens_wide(peak, mouth_w)) for widened in (1.0, 1.0 - ROUND_NARROWER)]
    assert shapes[0][2] == LENS_FULL and shapes[1][2] < 1e-9 and shapes[1][0] < 1.0  # the two lenses drawn
    for power, reach, full_share in shapes:
        x = np.arange(0.0, 0.97 * reach * mouth_w / 2, 0.25)
        y = 0.5 * peak * lens_height(x / (mouth_w / 2), power=power, reach=reach, full_share=full_share)
        heading = np.arctan2(np.diff(y), np.diff(x))
        assert np.degrees(np.abs(np.diff(heading))).max() < 2.0, (power, full_share)
        assert lens_height(np.array([0.0, reach]), power=power, reach=reach, full_share=full_share)[1] < 1e-6  # closed


def test_rounded_lips_open_an_oval_whose_sides_curve_all_the_way_round(analysis):
    """Fully rounded lips' lens (/o/ /u/: _lens_shape at ROUND_NARROWER narrower than the photo's),
    drawn as a closed outline on a 100 px mouth opened 55 px (13's /o/ is about as tall as wide),
    turns by over 1.5 degrees between every two successive 3 px chords, and no run of it lies
    within 1 px of one straight line for 0.25 mouth widths: an oval (or a rounded diamond). Held
    at full height over LENS_FULL of its reach, with power 0.5's ends, it was a rounded box: a
    flat top and bottom (no turn at all) and straight vertical sides, its longest straight run
    0.30 mouth widths (13's /o/ at 2x, out/s31/m13z.png)."""
    from facetalk.render.mouth import ROUND_NARROWER, lens_height

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    painter._round_free = 1.0  # as on a photo not smiling
    mouth_w, peak = 100.0, 55.0
    widened = 1.0 - ROUND_NARROWER
    assert painter._rounded(widened) > 0.999
    power, reach, full_share = painter._lens_shape(widened, wide=lens_wide(peak, mouth_w))
    across = np.linspace(0.0, reach, 20001)
    x, y = across * mouth_w / 2, 0.5 * peak * lens_height(across, power=power, reach=reach, full_share=full_share)
    # the closed outline (both lips, both halves), resampled every 0.5 px along it
    xs, ys = np.concatenate([x, x[::-1], -x, -x[::-1]]), np.concatenate([y, -y[::-1], -y, y[::-1]])
    along = np.concatenate([[0.0], np.cumsum(np.hypot(np.diff(xs), np.diff(ys)))])
    at = np.arange(0.0, along[-1], 0.5)
    pts = np.column_stack([np.interp(at, along, xs), np.interp(at, along, ys)])
    chord = pts[6:] - pts[:-6]  # 3 px
    heading = np.arctan2(chord[:, 1], chord[:, 0])
    turn = np.degrees(np.abs(np.angle(np.exp(1j * (heading[6:] - heading[:-6])))))
    assert turn.min() > 1.5, turn.min()
    longest = 0.0
    for i in range(len(pts)):
        for j in range(i + 2, len(pts)):
            d = pts[j] - pts[i]
            off = np.abs((pts[i:j + 1] - pts[i]) @ np.array([d[1], -d[0]])) / np.hypot(*d)
            if off.max() > 1.0:
                break
            longest = max(longest, float(np.hypot(*d)))
    assert longest < 0.25 * mouth_w, longest / mouth_w


def test_rounded_lips_lay_their_faces_by_a_lens_with_no_full_height_held(analysis, monkeypatch):
    """The painter draws what _lens_shape gives rounded lips: on the bundled photo's /o/ with the
    lips fully rounded (_round_free 1, lip_spread -1), the lens _taper_corners hands _corner_cover
    is lens_height with the frame's (power, reach, full_share), full_share 0, so it stands under its
    full height everywhere off mid-mouth (held over LENS_FULL, it is 1 out to 0.35 of the reach)."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render import mouth
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    painter, seen = renderer._mouth, {}
    painter._round_free = 1.0  # as on a photo not smiling
    taper, cover = painter._taper_corners, mouth._corner_cover

    def spy_taper(color, interp, **kwargs):
        seen["faces"] = taper(color, interp, **kwargs)
        seen["across"] = np.abs(kwargs["along"])
        wide = lens_wide(kwargs["peak_opening"], kwargs["mouth_w"])
        seen["shape"] = painter._lens_shape(kwargs["widened"], wide=wide)
        seen["rounded"] = painter._rounded(kwargs["widened"])
        return seen["faces"]

    def spy_cover(d_upper, d_lower, lens, *args):
        seen["lens"] = np.array(lens)
        return cover(d_upper, d_lower, lens, *args)

    painter._taper_corners = spy_taper
    monkeypatch.setattr(mouth, "_corner_cover", spy_cover)
    renderer.render(MotionFrame(t_s=0, jaw_open=0.38, lip_spread=-1.0))
    power, reach, full_share = seen["shape"]
    assert seen["rounded"] > 0.999 and full_share < 1e-9 and power < 1.0
    faces = seen["faces"]
    across = seen["across"][faces.near]
    lens = mouth.lens_height(across, power=power, reach=reach, full_share=full_share)
    assert np.array_equal(seen["lens"], lens)
    mid = (across > 0.02 * reach) & (across < 0.1 * reach)
    assert mid.sum() > 20, int(mid.sum())
    assert seen["lens"][mid].max() < 1.0


def test_the_opening_curves_into_the_lens_where_the_lips_faces_begin_to_cover_it():
    """Where the rig's opening (a straight segment between landmarks, here closing linearly from
    the peak at 0.3 across to nothing at the corner) first stands higher than the lens, the lips'
    faces begin to cover it (_corner_cover). Covered by the whole excess at once, the outline
    turned there in one step: 11.2 degrees between outline samples 0.25 px apart on a 100 px
    mouth opened 45 px, the shoulder of a kite (judge24 items 4, 9). Eased in, it turns by under
    3 degrees between samples, and where the rig's opening is well over the lens the lens holds."""
    from facetalk.render.mouth import CORNER_LOWER_SHARE, CORNER_ROUND, LENS_FULL, _corner_cover, lens_height

    mouth_w, peak = 100.0, 45.0
    across = np.arange(0.3, 0.84, 0.005, dtype=np.float32)  # 0.25 px apart along the mouth
    rig = (peak * np.clip((1.0 - across) / 0.7, 0.0, 1.0)).astype(np.float32)
    lens = lens_height(across, full_share=LENS_FULL).astype(np.float32)
    d = np.arange(0.0, 6.0, 0.01, dtype=np.float32)  # px from the lower lip, on its side of the middle
    n, m = len(across), len(d)
    d_lower = np.tile(d, n)
    d_upper = np.repeat(rig, m) - d_lower
    at, lower, cover, *_ = _corner_cover(d_upper, d_lower, np.repeat(lens, m), np.zeros(n * m, np.float32),
                                         np.zeros(n * m, np.float32), np.zeros(61), np.zeros(61),
                                         peak, 1.0, False, False, 1.0, mouth_w)
    covered = np.zeros(n * m)
    covered[at[lower]] = cover[lower]
    reach = (covered.reshape(n, m) >= 0.5).sum(axis=1) * 0.01  # px the lower lip's face reaches
    edge = 0.5 * rig - reach  # the outline's height over the lower lip's rig line... as drawn
    x = across * mouth_w / 2
    heading = np.degrees(np.arctan2(np.diff(edge), np.diff(x)))
    assert np.abs(np.diff(heading)).max() < 3.0, np.abs(np.diff(heading)).max()
    well_over = rig - peak * lens > CORNER_ROUND * peak + 0.5
    assert well_over.sum() >= 10 and np.allclose(reach[well_over], CORNER_LOWER_SHARE * (rig - peak * lens)[well_over],
                                                atol=0.02)


def test_the_lips_faces_no_more_saturated_than_the_photos_lip_nor_darker_short_of_their_edge_band(analysis):
    """The lips' inner faces at the lens's corners darken into the opening only as far as the
    photo's own lip shadow (the median of its lip's darkest 15%) short of their edge band:
    darkened to 0.45 of their light they were a drawn rim round the widest vowel, darker and more
    saturated than anything on the lip (12 mauve, 07 dark red; judge24 item 4). On the bundled
    photo, the lower lip's face from its outline to FACE_EDGE_FROM of the way to the lens's edge
    is at least 0.95 of the shadow's luma (0.61 of it before), and no more saturated than it
    anywhere; over its edge band it turns on into the mouth's dark (here black), never lighter
    further in (mid45: held at the floor to the edge, it was a flat band cut at one px into the
    cavity)."""
    from facetalk.face import landmarks as lm
    from facetalk.render.mouth import (CORNER_LOWER_SHARE, CORNER_SHADOW_PERCENTILE, FACE_EDGE_FROM, LENS_FULL,
                                       LENS_POWER_WIDE, LENS_REACH_WIDE, _chroma, _polygon_mask, lens_height)

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    rest = analysis.rig.rest_xyz[:, :2]
    outer = rest[list(lm.LIPS_OUTER_UPPER) + list(lm.LIPS_OUTER_LOWER[-2:0:-1])]
    inner = rest[list(lm.LIPS_INNER_UPPER) + list(lm.LIPS_INNER_LOWER[-2:0:-1])]
    lips = analysis.image[_polygon_mask(analysis.image.shape[:2], outer)
                          & ~_polygon_mask(analysis.image.shape[:2], inner)].astype(float)
    shadow = np.median(lips[lips @ LUMA <= np.percentile(lips @ LUMA, CORNER_SHADOW_PERCENTILE)], axis=0)
    mouth_w = painter._rest_mouth_w
    peak = 0.6 * mouth_w
    across = 0.95 * LENS_REACH_WIDE  # where the wide lens (LENS_POWER_WIDE) stands 0.28 of its peak
    reach = CORNER_LOWER_SHARE * (0.45 - float(lens_height(np.array(across), power=LENS_POWER_WIDE,
                                                           reach=LENS_REACH_WIDE, full_share=LENS_FULL))) * peak
    d_lower = np.linspace(0.0, reach - 0.5, 12)  # wholly covered (from black)
    n = len(d_lower)
    color = np.zeros((n, 3))
    _taper(painter, color, np.full(n, lm.LIPS_INNER_UPPER[2]), d_upper=0.45 * peak - d_lower, d_lower=d_lower,
           u=np.full(n, 0.5 - 0.5 * across), peak_opening=peak, mouth_w=mouth_w)
    assert (color.sum(axis=1) > 0).all()
    body = d_lower <= FACE_EDGE_FROM * reach
    assert body.sum() >= 6 and (~body).sum() >= 3
    assert (color[body] @ LUMA).min() >= 0.95 * float(shadow @ LUMA), ((color @ LUMA).min(), shadow @ LUMA)
    assert np.all(np.diff(color[~body] @ LUMA) <= 1e-6), color @ LUMA
    assert (color[-1] @ LUMA) < 0.95 * float(shadow @ LUMA)  # its edge gone on into the dark
    assert _chroma(color).max() <= float(_chroma(shadow)) + 0.02, (_chroma(color).max(), _chroma(shadow))


def test_wide_open_the_opening_ends_where_the_lens_closes_across_the_mouth(analysis):
    """At jaw 1 on the bundled photo the lower lip's first vertices drop nearly straight down from
    the corners: its pixels 0.1-0.2 along the rig's u lie within a few px of a corner. The lens
    cut by u left the rig's steep straight segments as the opening's lower sides (a trapezoid):
    248 of its 1,770 px covered by the lips' faces, 3 of them open beyond the lens's closing point
    (12: 7, 11: 12, 13: 8). Measured along the line between the inner corners, the faces cover 267
    (over 300 with the arch's lip down whole at LENS_REACH, short of the wide-open lens's corners) and
    none of the 14 px beyond the frame's own lens's reach (_lens_shape; lens_wide 0.92, 0.942 of the
    way) stays open; nor at jaw 0.6, the lens part way to LENS_REACH_WIDE (lens_wide 0.24, 0.874):
    316 covered, none of the 41 beyond."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.mouth import LENS_REACH, LENS_REACH_WIDE, lens_wide
    from facetalk.render.renderer import Renderer, posed_vertices

    renderer = Renderer(analysis)
    painter, seen = renderer._mouth, {}
    taper, composite = painter._taper_corners, painter._composite

    def spy_taper(color, interp, **kwargs):
        before = color.copy()
        faces = taper(color, interp, **kwargs)
        seen["covered"] = (color != before).any(axis=1)
        seen["wide"] = lens_wide(kwargs["peak_opening"], kwargs["mouth_w"])
        seen["reach"] = painter._lens_shape(kwargs["widened"], wide=seen["wide"])[1]
        return faces

    def spy_composite(out, box, ys, xs, *args, **kwargs):
        seen["xy"] = np.column_stack([xs + box[0], ys + box[1]]).astype(float)
        return composite(out, box, ys, xs, *args, **kwargs)

    painter._taper_corners, painter._composite = spy_taper, spy_composite
    # (at jaw 1, 8 px beyond with the upper lip's middle lifted, face.rig.JAW_UPPER_LIFT; 14 before)
    for jaw, least_beyond in ((1.0, 5), (0.6, 20)):
        frame = MotionFrame(t_s=0, jaw_open=jaw)
        renderer.render(frame)
        if jaw < 1.0:  # part way: the reach, and the outline's fit with it, mixed
            assert 0.0 < seen["wide"] < 1.0, (jaw, seen["wide"])
            assert LENS_REACH < seen["reach"] < LENS_REACH_WIDE, (jaw, seen["reach"])
        verts = posed_vertices(analysis.rig, frame)[:, :2].astype(float)
        left, right = verts[lm.LIPS_INNER_UPPER[0]], verts[lm.LIPS_INNER_UPPER[-1]]
        across = np.abs(2.0 * ((seen["xy"] - left) @ (right - left)) / ((right - left) @ (right - left)) - 1.0)
        beyond = across > seen["reach"]
        assert beyond.sum() > least_beyond, (jaw, int(beyond.sum()))  # the rig's opening reaches past the lens's ends
        # 140 at jaw 1 (over 200 before the rig's upper lip lifted mid-mouth, face.rig.JAW_UPPER_LIFT:
        # its own arch leaves the faces less to cover)
        assert seen["covered"].sum() > 100, (jaw, int(seen["covered"].sum()))
        assert seen["covered"][beyond].all(), (jaw, int((~seen["covered"][beyond]).sum()))


def _dark_span(renderer, analysis, frame, monkeypatch) -> tuple[float, np.ndarray]:
    """The share of the line between the (posed) inner corners that `frame`'s opening spans, left
    uncovered by the lips' faces (paint's composite cover less the faces' cover, over half), and
    the rendered frame."""
    from facetalk.face import landmarks as lm
    from facetalk.render.renderer import posed_vertices

    painter, seen = renderer._mouth, {}
    faces_cover, composite = mouth_module._faces_cover, painter._composite

    def spy_cover(alpha, *, edge, faces):
        seen["faces"] = faces
        return faces_cover(alpha, edge=edge, faces=faces)

    def spy_composite(out, box, ys, xs, color, alpha, **kwargs):
        seen["xy"] = np.column_stack([xs + box[0], ys + box[1]]).astype(float)
        seen["alpha"] = np.asarray(alpha, float).copy()
        return composite(out, box, ys, xs, color, alpha, **kwargs)

    monkeypatch.setattr(mouth_module, "_faces_cover", spy_cover)
    monkeypatch.setattr(painter, "_composite", spy_composite)
    image = renderer.render(frame)
    cover = np.zeros(len(seen["alpha"]))
    cover[seen["faces"].px] = seen["faces"].cover
    dark = seen["xy"][seen["alpha"] * (1.0 - cover) > 0.5]
    verts = posed_vertices(analysis.rig, frame)[:, :2].astype(float)
    left, right = verts[lm.LIPS_INNER_UPPER[0]], verts[lm.LIPS_INNER_UPPER[-1]]
    along = (dark - left) @ (right - left) / float(np.linalg.norm(right - left))
    return float(np.ptp(along)) / float(np.linalg.norm(right - left)), image


def test_wide_open_the_openings_sides_bend_into_its_corners(analysis, monkeypatch):
    """Wide open the opening's sides bend all the way into its corners (LENS_POWER_WIDE): the
    lens's quarter-cosine tail (power 1) is straight over its last ~40 %, and the opening's sides
    (and the tongue's flanks, which follow it) ran straight into the corners, a hexagon at 2x
    (12's widest vowel, judge30b item 1; out/cavity31/NOTES.md). 0.85 of the way to a corner,
    where power 1 stands 0.25 of the peak and LENS_POWER_WIDE 0.44, a rig's gap 0.38 of the peak
    tall is left open 1 px inside either lip (the interior, untouched); at power 1 both lips'
    faces come in over it. /i/ (its peak under LENS_WIDE_OPENING) and openings up to half way into
    it (LENS_POWER_STRETCH's first share: /o/'s 0.29, 02's and 04's widest vowel's 0.43) keep power
    1; three quarters of the way it is part way to LENS_POWER_WIDE (a knee at 0.75 or over would
    leave it at 1), the widest all of it."""
    from facetalk.face import landmarks as lm
    from facetalk.render.mouth import LENS_POWER, LENS_POWER_WIDE

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = painter._rest_mouth_w
    ids = np.full(2, lm.LIPS_INNER_UPPER[1])

    def laid(peak: float) -> np.ndarray:
        gap = 0.38 * peak
        d_upper = np.array([1.0, gap - 1.0])
        color = np.zeros((2, 3))
        _taper(painter, color, ids, d_upper=d_upper, d_lower=gap - d_upper, u=np.full(2, 0.5 - 0.5 * 0.85),
               peak_opening=peak, mouth_w=mouth_w)
        return color @ LUMA

    assert (laid(0.6 * mouth_w) == 0.0).all()
    assert painter._lens_shape(1.0, wide=0.0)[0] == LENS_POWER
    for wide in (0.29, 0.43, 0.5):
        assert painter._lens_shape(1.0, wide=wide)[0] == LENS_POWER, wide
    assert LENS_POWER_WIDE < painter._lens_shape(1.0, wide=0.75)[0] < LENS_POWER
    assert painter._lens_shape(1.0, wide=1.0)[0] == LENS_POWER_WIDE
    monkeypatch.setattr(mouth_module, "LENS_POWER_WIDE", LENS_POWER)
    assert (laid(0.6 * mouth_w) > 0.0).all()


def test_wide_open_the_dark_runs_nearly_to_the_inner_corners(analysis, monkeypatch):
    """Wide open (jaw 1) the lens runs on to LENS_REACH_WIDE of the way to the inner corners:
    closed at LENS_REACH, it left a wedge of the lips' pale inner faces between the dark and each
    corner, and the dark, framed by faces widening into the corners, read as a pale gasket with
    pointed ends (12's widest vowel, judge29b). On the bundled photo the opening the faces leave
    spans 0.91 of the line between the inner corners (0.80 closed at LENS_REACH); over 0.85 here.
    /i/ (its peak under LENS_WIDE_OPENING) keeps LENS_REACH: its frame is the same with
    LENS_REACH_WIDE set to LENS_REACH."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.mouth import LENS_REACH
    from facetalk.render.renderer import Renderer

    span, _ = _dark_span(Renderer(analysis), analysis, MotionFrame(t_s=0, jaw_open=1.0), monkeypatch)
    assert span > 0.85, span
    spread = MotionFrame(t_s=0, jaw_open=0.2, lip_spread=0.75)
    _, wide = _dark_span(Renderer(analysis), analysis, spread, monkeypatch)
    monkeypatch.setattr(mouth_module, "LENS_REACH_WIDE", LENS_REACH)
    _, narrow = _dark_span(Renderer(analysis), analysis, spread, monkeypatch)
    assert np.array_equal(wide, narrow)


def test_the_wide_open_lens_reach_grows_slowly_with_the_opening(analysis):
    """The lens's reach (_lens_reach) runs on from LENS_REACH to LENS_REACH_WIDE over
    LENS_WIDE_OPENING slowly enough that the corner faces slide over a photo's own corner teeth a
    fraction of a pixel a jaw step (with the reach grown over 0.3-0.45 mouth widths of peak, the
    teeth the faces left at 11's corners stepped 76 levels a jaw step, over 0.3-0.6 39, while the
    colour moved alone unlaid them: out/rim30/NOTES.md, out/tip31/NOTES.md). Its steepest growth
    over a fine sweep of the peak is at most 0.5 of the way to the corners a mouth width of peak
    (lens_wide's smoothstep peaks at 1.5 / the range's width; 1.0 over 0.3-0.45)."""
    from facetalk.render.mouth import LENS_REACH, LENS_REACH_WIDE, lens_wide

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = 100.0
    peak_mw = np.linspace(0.0, 1.0, 20001)
    reach = np.array([painter._lens_reach(1.0, wide=lens_wide(p * mouth_w, mouth_w)) for p in peak_mw])
    assert reach[0] == LENS_REACH and reach[-1] == LENS_REACH_WIDE
    steepest = float(np.max(np.diff(reach) / np.diff(peak_mw)))
    assert 0.3 < steepest <= 0.5 + 1e-6, steepest


@pytest.mark.parametrize("whole_over", [None, 1e12])
def test_a_corner_face_hides_the_photos_opening_under_it(analysis, monkeypatch, whole_over):
    """At /i/ the rig's corners open little past the photo's own opening, so the new opening there
    is only partly faded in; a lip's inner face laid only that far let the photo's opening under
    it show through (on a toothy smile its shaded grey teeth: a grey-lilac wedge at 11's and 12's
    corners). With what lies under the opening painted blue, the faces' pixels the fade half laid
    (0.3-0.9, away from the lip line's anti-aliased edge) take up little of it: median blue +30
    levels (the softened edge's neighbours), under 45. With CORNER_FACE_OVER set huge (`whole_over`
    1e12: the faces laid only as far as the fade) the median is over 45 (61), so the check fails
    without the faces' own cover."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    if whole_over is not None:
        monkeypatch.setattr(mouth_module, "CORNER_FACE_OVER", whole_over)
    renderer = Renderer(analysis)
    painter, seen = renderer._mouth, {}
    faces_cover, composite = mouth_module._faces_cover, painter._composite

    def spy_cover(alpha, *, edge, faces):
        fade, laid = alpha / np.maximum(edge, 1e-6), np.zeros(len(alpha), bool)
        laid[faces.px] = True
        seen["faces"] = laid & (edge >= 1.0) & (fade > 0.3) & (fade < 0.9)
        return faces_cover(alpha, edge=edge, faces=faces)

    def spy_composite(out, box, ys, xs, *args, **kwargs):
        if seen.get("blue"):
            out[ys + box[1], xs + box[0]] = (0, 0, 255)
        seen["yx"] = (ys + box[1], xs + box[0])
        return composite(out, box, ys, xs, *args, **kwargs)

    monkeypatch.setattr(mouth_module, "_faces_cover", spy_cover)
    painter._composite = spy_composite
    frame = MotionFrame(t_s=0, jaw_open=0.2, lip_spread=0.75)
    plain = renderer.render(frame).astype(float)
    seen["blue"] = True
    blue = renderer.render(frame).astype(float)
    y, x = seen["yx"][0][seen["faces"]], seen["yx"][1][seen["faces"]]
    assert len(y) > 40, len(y)  # the bundled photo's /i/ corners: 80 such pixels
    shift = blue[y, x, 2] - plain[y, x, 2]
    assert (np.median(shift) < 45.0) == (whole_over is None), np.median(shift)


def test_a_pass_touching_the_photos_teeth_softens_them_by_how_far_it_moves_them():
    """The photo's teeth stay sharp (`laid`) under the passes after them by how little those moved
    them: any change at all unlaid a pixel, and a corner's first touch of 4 levels stepped 12's jaw
    sweep 45 levels (0.956 -> 0.96) and a jaw held at 1 +- 0.0005 34 levels on 11, as the pixel's
    blurred colour mixed in the dark beside it (both 27 and 2 now, out/shimmer4/NOTES.md)."""
    laid = np.ones(4, np.float32)
    as_laid = np.full((4, 3), 200.0)
    color = as_laid + np.array([0.0, 4.0, 8.0, 40.0])[:, None]
    mouth_module._unlay_repainted(laid, color=color, as_laid=as_laid, faces=None)
    assert laid[1] > 0.5, laid  # 0 before
    np.testing.assert_allclose(laid, [1.0, 1.0 - 4.0 / mouth_module.UNLAY_LEVELS, 1.0 - 8.0 / mouth_module.UNLAY_LEVELS, 0.0])


def test_the_compiled_unlay_pass_is_numpys_unlay_to_the_bit():
    """_unlay_pass is `laid *= max(1 - moved / UNLAY_LEVELS, 0)` in numpy (moved: the largest
    channel's change) bit for bit on random float64 colours: the float32 `laid` times the float64
    factor, rounded once (the factor rounded to float32 first: 28724 of 200k differed by up to
    6e-8)."""
    rng = np.random.default_rng(7)
    n = 200_000
    color = rng.uniform(0.0, 255.0, (n, 3))
    as_laid = color + rng.normal(0.0, 6.0, (n, 3)) * (rng.random((n, 1)) < 0.7)
    laid = rng.uniform(0.0, 1.0, n).astype(np.float32) * (rng.random(n) < 0.8)
    expect = laid.copy()
    expect *= np.maximum(1.0 - np.abs(color - as_laid).max(axis=1) / mouth_module.UNLAY_LEVELS, 0.0)
    mouth_module._unlay_pass(laid, color, as_laid, mouth_module.UNLAY_LEVELS)
    assert laid.dtype == np.float32 and np.array_equal(laid, expect), int((laid != expect).sum())


def test_the_faces_distance_unlays_the_photos_teeth_beside_them():
    """_unlay_repainted's faces' pass (_unlay_near_faces), after the colour's rule and times it, at
    the pixels `near` only (each laid[near[j]] by its j-th distance): a laid pixel half a px past a
    face's edge (its cover 0) keeps none of its sharp share, one px past it 0.5 / FACES_UNLAY_PX,
    one FACES_UNLAY_PX px clear of its cover all; a lens half faded in (`opens` 0.5) unlays half
    as much. Bit for bit the float64 product rounded to float32 once."""
    from facetalk.render.mouth import FACES_UNLAY_PX, UNLAY_LEVELS, _Faces

    near = np.array([7, 2, 9, 0, 5, 3])
    beyond_px = np.array([1.0, 0.5 + 0.5 * FACES_UNLAY_PX, 1.0, 0.2, 0.4, 0.5 + FACES_UNLAY_PX], np.float32)
    as_laid = np.full((10, 3), 200.0)
    color = as_laid.copy()
    color[9, 1] += 0.5 * UNLAY_LEVELS  # its colour moved too: the two rules multiply
    part = 0.5 / FACES_UNLAY_PX
    by_faces = np.array([part, 0.5, part, 0.0, 0.0, 1.0])  # at near, with opens 1
    ramp = np.clip((beyond_px.astype(np.float64) - 0.5) / FACES_UNLAY_PX, 0.0, 1.0)
    for opens in (1.0, 0.5):
        laid = np.ones(10, np.float32)
        faces = _Faces(px=np.zeros(0, np.int64), cover=np.zeros(0, np.float32), near=near, beyond_px=beyond_px,
                       opens=opens, rounded=0.0)
        mouth_module._unlay_repainted(laid, color=color, as_laid=as_laid, faces=faces)
        by_colour = np.ones(10, np.float32)
        by_colour[9] = 0.5
        meant = by_colour.astype(np.float64)
        meant[near] *= 1.0 - opens * (1.0 - by_faces)
        np.testing.assert_allclose(laid, meant, rtol=1e-6, atol=1e-7)
        exact = by_colour.copy()
        exact[near] = (by_colour[near] * (1.0 - opens * (1.0 - ramp))).astype(np.float32)
        assert laid.dtype == np.float32 and np.array_equal(laid, exact), (laid, exact)
        assert np.all(laid[[1, 4, 6, 8]] == 1.0)  # not near a face: as the colour's rule left them


def test_the_photos_teeth_toward_the_corners_sharpen_by_degrees_as_a_face_leaves_them(analysis):
    """Over a jaw ramp the lips' corner faces slide off the photo's own teeth toward the corners
    a fraction of a px a step; the share of each tooth pixel kept sharp (`laid`, after
    _unlay_repainted) goes with its distance from the face's edge (_unlay_near_faces), not with
    the colour the face moved there, which cleared it whole at a cover of a few hundredths and
    laid it sharp again in one step (11's corner teeth stepped 39-44 levels a jaw step,
    out/tip31/NOTES.md). On the bundled photo, jaw 0.3 -> 0.9 in steps of 0.008, at the pixels
    beyond 0.6 of the way to the inner corners: no step over 0.2 (by the colour's rule alone,
    7c92ddf: 582 over 0.1, the largest 0.41; by the distance, the largest 0.12; out/fix31a/NOTES.md)."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    painter, seen = renderer._mouth, {}
    taper, composite, unlay = painter._taper_corners, painter._composite, mouth_module._unlay_repainted

    def spy_taper(color, interp, **kwargs):
        seen["along"] = np.asarray(kwargs["along"]).copy()
        return taper(color, interp, **kwargs)

    def spy_unlay(laid, **kwargs):
        unlay(laid, **kwargs)
        seen["laid"] = laid.copy()

    def spy_composite(out, box, ys, xs, *args, **kwargs):
        seen["yx"] = (ys + box[1], xs + box[0])
        return composite(out, box, ys, xs, *args, **kwargs)

    steps, before = [], None
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mouth_module, "_unlay_repainted", spy_unlay)
        painter._taper_corners, painter._composite = spy_taper, spy_composite
        for jaw in np.arange(0.3, 0.9 + 1e-9, 0.008):
            seen.clear()
            renderer.render(MotionFrame(t_s=0, jaw_open=float(jaw)))
            corner = np.abs(seen["along"]) > 0.6
            now = dict(zip(zip(seen["yx"][0][corner].tolist(), seen["yx"][1][corner].tolist()),
                           seen["laid"][corner].tolist()))
            if before is not None:
                steps += [abs(share - before[px]) for px, share in now.items() if px in before]
            before = now
    steps = np.array(steps)
    assert len(steps) > 10_000, len(steps)  # the corners' pixels, each frame's and the next's: 24,368
    assert steps.max() < 0.2, (steps.max(), int((steps > 0.1).sum()))


def test_the_near_field_is_every_pixels_distance_to_every_segment():
    """_near_field, which measures each segment over only the pixels about it, is the brute-force
    distance from every pixel to every segment of a closed loop: the nearest (capped at
    RIM_FADE_PX, -1 beyond) and the second nearest (capped at RIM_FADE_PX + RIM_SEAM_PX), with
    their segments, on random wobbly loops."""
    rng = np.random.default_rng(3)
    caps = (mouth_module.RIM_FADE_PX, mouth_module.RIM_FADE_PX + mouth_module.RIM_SEAM_PX)
    for _ in range(20):
        m = int(rng.integers(6, 24))
        angle = np.sort(rng.uniform(0.0, 2.0 * np.pi, m))
        radius = rng.uniform(3.0, 12.0, m)
        loop = np.column_stack([20.0 + radius * 1.8 * np.cos(angle), 15.0 + radius * np.sin(angle)])
        x0, y0, h, w = int(rng.integers(0, 4)), int(rng.integers(0, 4)), 30, 40
        near, nearest = mouth_module._near_field(loop, x0, y0, h, w)
        px = np.stack(np.meshgrid(np.arange(w) + x0, np.arange(h) + y0), axis=-1).reshape(-1, 1, 2).astype(float)
        a, e = loop, np.roll(loop, -1, axis=0) - loop
        f = np.clip(((px - a) * e).sum(-1) / np.maximum((e * e).sum(-1), 1e-12), 0.0, 1.0)
        d = np.linalg.norm(px - (a + f[..., None] * e), axis=-1)  # (h w, M)
        ranked = np.sort(d, axis=1)
        for k in range(2):
            best, within = ranked[:, k], ranked[:, k] < caps[k]
            np.testing.assert_allclose(near[k].ravel(), np.minimum(best, caps[k]), atol=1e-12)
            assert np.all(nearest[k].ravel()[~within] == -1)
            picked = d[np.arange(len(d)), np.maximum(nearest[k].ravel(), 0)]
            np.testing.assert_allclose(picked[within], best[within], atol=1e-12)  # ties either
        assert np.all((nearest[0] != nearest[1]) | (nearest[1] == -1))  # two segments


def test_the_dark_under_photographed_teeth_follows_the_gap_between_the_rows(analysis):
    """Smile with teeth (judge23 item 7): a narrow gap below the photo's upper teeth shows the
    tongue's lit front, its dark back only as the gap grows, not a crescent as wide and as dark at
    any gap. 10 px of the photo's teeth, mid-mouth, mouth 100 px wide: at a gap of 13 px the
    tongue's back (luma under half the gap's lightest) took 6 px down to 47 before
    (TONGUE_BACK_DEPTH), now 3 px down to 55; a wide gap keeps its dark cavity. The tongue is
    measured with the lower row hidden (lower_show 0): its tips, lit (LOWER_TIP_LIGHT), are the
    gap's lightest and would move the bar the tongue is measured by."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, run = 100.0, 10.0
    dark, least = {}, {}
    for gap in (10.0, 13.0, 16.0, 35.0):
        opening = run + gap
        d = np.arange(run + 0.5, opening, 1.0)
        n = len(d)
        luma = painter._shade(d, opening - d, np.full(n, opening), np.full(n, 0.52), mouth_w,
                              photo_teeth=(np.full(n, run), np.zeros(n)), lower_show=np.zeros(n)) @ LUMA
        dark[gap], least[gap] = int((luma < 0.5 * luma.max()).sum()), float(luma.min())
    assert dark[13.0] <= 0.35 * 13.0 and least[13.0] > 52.0, (dark, least)
    assert least[10.0] > least[13.0] > least[16.0] > least[35.0] and least[35.0] < 20.0, least
    assert dark[10.0] <= dark[13.0] <= dark[16.0] < dark[35.0], dark


def _moustache(analysis, *, over_lips: bool) -> np.ndarray:
    """The photo with hair hanging in vertical strands (light, 230 and 150) from 0.3 mouth widths
    above the mouth down to the upper lip (`over_lips` False: the lips bare) or over both lips to
    the mouth's bottom, the photo's own opening between them then hair in shade (110 and 60:
    no teeth of its own show)."""
    from facetalk.face import landmarks as lm

    rest = analysis.rig.rest_xyz[:, :2]
    outer = rest[list(lm.LIPS_OUTER_UPPER) + list(lm.LIPS_OUTER_LOWER)]
    x0, x1 = int(outer[:, 0].min()) - 4, int(outer[:, 0].max()) + 5
    top, y1 = int(outer[:, 1].min()), int(outer[:, 1].max()) + 2
    image = analysis.image.copy()
    strands = (np.arange(image.shape[1]) % 3 == 0)[:, None]
    band = np.zeros(image.shape[:2], bool)
    band[top - int(0.3 * (x1 - x0)) - (y1 - top):y1, x0:x1] = True
    if over_lips:
        gap = mouth_module._polygon_mask(image.shape[:2], rest[list(lm.LIPS_INNER_UPPER) + list(lm.LIPS_INNER_LOWER[-2:0:-1])])
        image[gap] = np.where(strands, 110, 60)[np.nonzero(gap)[1]]
    else:  # down to the upper lip's outer line, 2 px above it
        upper = rest[list(lm.LIPS_OUTER_UPPER)]
        order = np.argsort(upper[:, 0])
        line = np.interp(np.arange(image.shape[1]), upper[order, 0], upper[order, 1]) - 2.0
        band &= np.arange(image.shape[0])[:, None] < line[None, :]
        gap = np.zeros_like(band)
    image[band & ~gap] = np.where(strands, 230, 150)[np.nonzero(band & ~gap)[1]]
    return image


def _faded_bearded(analysis) -> np.ndarray:
    """The photo as a faded print (its black lifted to luma ~55, its range squeezed) with hair
    hanging over both lips (_moustache): 08's white moustache."""
    return (55.0 + _moustache(analysis, over_lips=True).astype(float) * (150.0 / 255.0)).astype(np.uint8)


def test_a_faded_bearded_mouth_opens_within_the_prints_tones_as_one_lens(analysis):
    """On a faded print whose lips are hidden by a moustache (08: the widest vowel a black dumbbell
    in the beard), the opening's darkest stays within the print's own tones (its black, the mean of
    its darkest 0.5%: FADED_BLACK lifts the mouth's all the way to it; 0.6 of it before, luma 39
    under a black of 55), and the hair's shade over the opening (HAIR_SHADE) leaves one dark lens:
    its height along the mouth falls from the middle to the corners, by bins of an eighth of it, each
    within 0.5 px of the one nearer the middle (LOOSENED from 0 in fix40m: with ROW_SHADE over legs40's
    floor the sixth bin stands 0.25 px over the fifth, 21.0 against 20.7; the dumbbell dipped 1.0 and 2.2).
    The photo shows no teeth of its own, so the synthetic teeth and tongue are drawn, lit as on a bare
    mouth before: the height in 8 bins was 4.5 15.6 14.6 15.9 13.2 15.4 13.2 1.5 (333d6ba), 1.0 15.2 18.2 20.1 17.2 17.7
    11.9 0 with HAIR_SHADE 0, 1.8 18.0 21.6 25.2 21.2 19.1 13.7 0.4 at e902adf, 2.2 18.5 21.7 25.5
    20.7 21.0 15.0 0.6 (stripes40's row shade with legs40: the dark reaches up to the row); read through
    a 1 px blur, 2.1 17.7 21.1 25.1 19.8 20.3 14.0 0.6 before refill52, 2.0 17.1 20.2 24.6 19.8 20.1 14.0 0.4 now."""
    from dataclasses import replace

    import cv2

    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    image = _faded_bearded(analysis)
    renderer = Renderer(replace(analysis, image=image, appearance=replace(analysis.appearance, texture=image)))
    painter = renderer._mouth
    assert painter._lip_hair > 0.9 and not painter._own_teeth
    seen = {}
    composite = painter._composite

    def record(out, box, ys, xs, color, alpha, **kwargs):
        seen.update(box=box, ys=ys, xs=xs, color=color.copy(), alpha=alpha.copy())
        composite(out, box, ys, xs, color, alpha, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(painter, "_composite", record)
        frame = renderer.render(MotionFrame(t_s=0, jaw_open=1.0)).astype(float) @ LUMA
    luma = image.reshape(-1, 3).astype(float) @ LUMA
    black = float(luma[luma <= np.percentile(luma, 0.5)].mean())
    inside = seen["alpha"] > 0.5
    darkest = float((seen["color"][inside] @ LUMA).min())
    assert black - 0.5 <= darkest < black + 25.0, (darkest, black)
    # The dark's height along the mouth (mid-way from the opening's darkest to the hair's level).
    x0, y0, x1, y1 = seen["box"]
    ys, xs = seen["ys"][inside] + y0, seen["xs"][inside] + x0
    # Read through a 1 px blur: the print's own grain, laid whole on its inside (_with_print_detail),
    # is no part of the lens's shape (unblurred, its specks moved the sixth bin 1.2 px over the fifth).
    frame = cv2.GaussianBlur(frame, (0, 0), 1.0)
    lit = frame[ys, xs]
    dark = lit < 0.5 * (np.percentile(lit, 5) + float(np.median(frame[y0:y1, x0:x1])))
    rest = analysis.rig.rest_xyz[:, :2]
    left, right = rest[lm.LIPS_INNER_UPPER[0], 0], rest[lm.LIPS_INNER_UPPER[-1], 0]
    bins = np.clip(((xs - left) / (right - left) * 8).astype(int), 0, 7)
    height = np.bincount(bins[dark], minlength=8) / ((right - left) / 8)
    assert np.all(np.diff(height[:4]) >= -0.5) and np.all(np.diff(height[4:]) <= 0.5), height
    assert height[3:5].mean() >= 1.2 * height[[1, 6]].mean(), height


def test_hair_shades_the_mouths_inside_only_where_it_hides_the_lip(analysis):
    """A moustache overhangs the opening only where it hides the lip itself (lip_strands): with the
    strands above a bare upper lip (moustache_strands 1 there) the mouth's inside, the photo's own
    teeth included, is lit as without them (before: its throat, tongue and own teeth kept 0.4 of
    their light, a black hole under the teeth); with the strands over the lips it is darker than
    the same photo's mouth lit as a bare one (HAIR_SHADE 0)."""
    from facetalk.face import landmarks as lm

    mouth_w, opening = 80.0, 0.5 * 80.0
    u = np.linspace(0.05, 0.95, 91)
    none = np.zeros_like(u)

    def inside_luma(image: np.ndarray) -> float:
        painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
        rgb = np.vstack([painter._shade(np.full_like(u, opening - d), np.full_like(u, d), np.full_like(u, opening), u,
                                        mouth_w, photo_teeth=(none, none)) for d in np.linspace(0, opening, 41)])
        return float((rgb @ LUMA).mean())

    above = _moustache(analysis, over_lips=False)
    assert mouth_module.moustache_strands(above, analysis.rig.rest_xyz[list(lm.LIPS_OUTER_UPPER), :2]) > 0.9
    bare, moustached = inside_luma(analysis.image), inside_luma(above)
    assert abs(moustached - bare) <= 0.02 * bare, (moustached, bare)
    hidden = _moustache(analysis, over_lips=True)
    shaded = inside_luma(hidden)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mouth_module, "HAIR_SHADE", 0.0)
        lit = inside_luma(hidden)
    assert shaded < 0.75 * lit, (shaded, lit)


def test_a_pressed_seam_fades_out_along_the_segment_to_a_corner_the_photo_shows_shut(analysis):
    """12's /p b m/: the seam's last segment runs to the inner corner, which the photo shows shut
    (strength 0) and which lies below the pressed lips' line; drawn whole at the segment's mean
    strength it was a half-dark tail bent down past the line. It fades toward the corner instead."""
    from facetalk.face import landmarks as lm

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    verts = analysis.rig.rest_xyz.astype(np.float32).copy()
    upper, lower = list(lm.LIPS_INNER_UPPER), list(lm.LIPS_INNER_LOWER)
    verts[lower, :2] = verts[upper, :2]  # pressed: every pair meets (gap 0)
    corner, beside = lm.LIPS_INNER_UPPER[0], lm.LIPS_INNER_UPPER[1]
    verts[corner, :2] = verts[beside, :2] + np.array([-9.0, 4.0])  # the corner 4 px under the line, 9 px out
    assert painter._seam_rest_gap[1] > 6.0 and painter._seam_rest_gap[0] == 0.0  # full strength beside, 0 at it
    out = np.full(analysis.image.shape, 200, np.uint8)
    painter._paint_seam(out, verts)
    dark = 200.0 - out.astype(float) @ LUMA

    def darkest_near(share: float) -> float:
        x, y = verts[beside, :2] + share * (verts[corner, :2] - verts[beside, :2])
        return float(dark[int(round(y)) - 1:int(round(y)) + 2, int(round(x)) - 1:int(round(x)) + 2].max())

    # Toward the corner the line fades: at 0.9 of the way under 0.7 of its darkness beside it, at
    # the corner under half (49.4 -> 31.1, 21.6 levels); the mean-strength segment kept 44.3 (0.9)
    # all the way to the corner. (Its first half stays at the 0.6 cap of the line's alpha.)
    profile = [darkest_near(s) for s in (0.0, 0.7, 0.9, 1.0)]
    assert profile[2] < 0.7 * profile[0] and profile[3] < 0.5 * profile[0], profile
    assert profile[1] > profile[2] > profile[3], profile


def test_a_faded_print_on_a_black_mat_keeps_the_prints_black_in_its_mouth(analysis):
    """The print's black is read about the head (BLACK_ABOUT_FACE), so a faded print scanned on a
    black mat (a 30 px border of 0, outside the box: 22% of the photo) opens its mouth within the
    print's tones as without the mat; read over the whole photo its black was the mat's, and the
    mouth's darkest went from the print's ~55 down to 0."""
    print_ = (55.0 + analysis.image.astype(float) * (150.0 / 255.0)).astype(np.uint8)
    matted = print_.copy()
    matted[:30], matted[-30:], matted[:, :30], matted[:, -30:] = 0, 0, 0, 0
    mouth_w, opening = 80.0, 0.5 * 80.0
    u = np.linspace(0.05, 0.95, 91)
    none = np.zeros_like(u)
    luma = {}
    for name, image in (("print", print_), ("matted", matted)):
        painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
        luma[name] = np.vstack([painter._shade(np.full_like(u, opening - d), np.full_like(u, d), np.full_like(u, opening),
                                               u, mouth_w, photo_teeth=(none, none))
                                for d in np.linspace(0, opening, 41)]) @ LUMA
    assert luma["print"].min() > 50.0, luma["print"].min()
    np.testing.assert_allclose(luma["matted"], luma["print"], atol=0.5)


def test_a_pressed_seam_smooths_the_lips_raster_edge_along_it(analysis):
    """Pressed, the two lips' warped textures meet on the line at the mesh's raster edge: a dark
    upper lip (the photo's mouth corner) over a light lower one steps a whole pixel row at a time
    where the line slopes, a staircase (01's right corner at 2x). The seam blurs across the line
    first, so along it no neighbouring pixels differ by a step's worth."""
    from facetalk.face import landmarks as lm

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    verts = analysis.rig.rest_xyz.astype(np.float32).copy()
    upper, lower = list(lm.LIPS_INNER_UPPER), list(lm.LIPS_INNER_LOWER)
    verts[lower, :2] = verts[upper, :2]  # pressed: every pair meets (gap 0)
    line = verts[upper, :2].astype(float)
    assert (painter._seam_rest_gap[2:-2] > 6.0).all()  # full strength over the span measured
    h, w = analysis.image.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    # Above the line (by pixel centre) dark, below it light: the raster's hard edge.
    above = ys < np.interp(xs, line[:, 0], line[:, 1])
    out = np.repeat(np.where(above, 90, 210)[..., None], 3, axis=2).astype(np.uint8)
    painter._paint_seam(out, verts)
    luma = out.astype(float) @ LUMA
    span = np.arange(int(np.ceil(line[2, 0])), int(np.floor(line[-3, 0])))
    on_line = np.interp(span, line[:, 0], line[:, 1])

    def along(off: float) -> np.ndarray:
        """Luma along the line `off` px under it, linearly between rows: a smooth ramp stays smooth."""
        y = on_line + off
        row = np.floor(y).astype(int)
        return luma[row, span] * (row + 1 - y) + luma[row + 1, span] * (y - row)

    step = max(np.abs(np.diff(along(off))).max() for off in (-0.5, 0.0, 0.5))
    # A row's step is 120 levels; under the seam's 0.6 cover alone 44 showed between neighbours
    # on the line, blurred across first 6.
    assert step < 15.0, step


def test_a_pressed_seam_running_off_the_frame_is_drawn_where_it_lies_inside(analysis):
    """A mouth at the frame's edge (tight framing, a turned head): the pressed lips' line half
    outside the frame is drawn on its inside half, as cv2 clipped the one whole-line buffer before
    the seam was drawn in pieces; each piece's box clamped on one side only had a negative size
    past the frame's far edge and numpy raised."""
    from facetalk.face import landmarks as lm

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    rest = analysis.rig.rest_xyz.astype(np.float32)
    upper, lower = list(lm.LIPS_INNER_UPPER), list(lm.LIPS_INNER_LOWER)
    w = analysis.image.shape[1]
    xs = rest[upper, 0]
    drawn = {}
    for side, dx in (("whole", 0.0), ("right", w - 0.5 * (xs.min() + xs.max())), ("left", -0.5 * (xs.min() + xs.max()))):
        verts = rest.copy()
        verts[lower, :2] = verts[upper, :2]  # pressed
        verts[:, 0] += dx  # the line's middle on the frame's edge
        out = np.full(analysis.image.shape, 200, np.uint8)
        painter._paint_seam(out, verts)
        drawn[side] = int((out != 200).any(axis=2).sum())
    # Each half of the line inside the frame is drawn: a good share of the whole line's pixels.
    assert drawn["whole"] > 100, drawn
    assert 0.3 * drawn["whole"] < drawn["right"] < 0.8 * drawn["whole"], drawn
    assert 0.3 * drawn["whole"] < drawn["left"] < 0.8 * drawn["whole"], drawn


def test_a_seam_segment_is_drawn_in_as_many_pieces_as_its_strengths_differ_by():
    """A segment from full strength to a corner the photo shows shut (1 -> 0) fades in
    SEAM_FADE_PIECES pieces; one between nearly equal strengths (the bundled photo's 1 -> 0.95) is
    one piece: four pieces of nearly one darkness cost +51% of _paint_seam a pressed frame."""
    from facetalk.render.mouth import SEAM_FADE_PIECES, _seam_pieces

    pts = np.array([[0, 0], [160, 0]])
    counts = {pair: len(_seam_pieces(pts, np.array(pair))) for pair in ((1.0, 0.0), (1.0, 0.95), (1.0, 1.0), (0.6, 0.2))}
    assert counts == {(1.0, 0.0): SEAM_FADE_PIECES, (1.0, 0.95): 1, (1.0, 1.0): 1, (0.6, 0.2): 2}, counts


def test_a_corner_face_takes_the_lip_shadow_without_going_under_it(analysis):
    """Turned from the light, a corner face goes toward the photo's lip shadow, but no pixel goes
    under the lower of its own light and the shadow's: one gain (shadow / lip median) on every
    sampled pixel took those already darker than the median under the photo's lip shadow (07's
    widest vowel 62 -> 44 luma under a lip p5 of 55: a drawn rim). Lighter pixels keep their order
    (the texture). Samples: the lip's colour from 0.5 to 1.5 of its light."""
    from facetalk.render.mouth import CORNER_LIP_HUE

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    scale = np.linspace(0.5, 1.5, 21)
    samples = scale[:, None] * painter._lip_rgb
    n = len(scale)
    ids = np.full(n, _mid_upper_lip())
    color = np.zeros((n, 3))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mouth_module, "sample_points", lambda image, points: samples.copy())
        painter._lay_corner_faces(color, lambda per_vertex, only=slice(None): per_vertex[ids][only], np.arange(n),
                                  lower=np.zeros(n, bool), depth=np.ones(n), inward=np.ones(n), arched=np.ones(n),
                                  cover=np.ones(n), cleared=None)
    shadow, lip = float(painter._lip_shadow_rgb @ LUMA), float(painter._lip_rgb @ LUMA)
    own = (scale + (1.0 - scale) * CORNER_LIP_HUE) * lip  # after the pull to the lips' hue
    got = color @ LUMA
    assert shadow < 0.9 * lip, (shadow, lip)
    assert np.all(got >= np.minimum(own, shadow) - 1e-6), (got, own, shadow)
    assert np.all(np.diff(got) >= -1e-6) and got[-1] > shadow + 0.2 * (own[-1] - shadow), got


def test_a_face_oval_off_the_image_reads_the_whole_photos_black(analysis):
    """pixel_box gives None when the box about the face oval misses the image; the print's black
    is then read over the whole photo (unpacking None raised a TypeError)."""
    from facetalk.face import landmarks as lm
    from facetalk.face.rig import smoothstep
    from facetalk.render.mouth import BLACK_SHARE, FADED_BLACK, _darkest_rgb

    original = mouth_module.pixel_box

    def missing_oval(points, *, pad, shape):
        return None if len(points) == len(lm.FACE_OVAL) and pad > 0 else original(points, pad=pad, shape=shape)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mouth_module, "pixel_box", missing_oval)
        painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    whole = _darkest_rgb(analysis.image)
    faded = float(smoothstep(whole @ LUMA, *FADED_BLACK))
    np.testing.assert_allclose(painter._black_rgb, whole * (BLACK_SHARE + (1.0 - BLACK_SHARE) * faded))


def _shade_luma(painter: MouthPainter, d_upper: np.ndarray, u: np.ndarray, *, opening: float,
                mouth_w: float) -> np.ndarray:
    """(N,) luma _shade gives at (N,) pixels `d_upper` px under the upper lip and `u` along the
    mouth, in an opening `opening` px tall everywhere, with no teeth of the photo's own."""
    none = np.zeros(len(u))
    return painter._shade(d_upper, opening - d_upper, np.full(len(u), opening), u, mouth_w,
                          photo_teeth=(none, none), peak_opening=opening) @ LUMA


def test_the_dark_under_the_upper_teeth_comes_on_softly(analysis):
    """Open vowel, synthetic teeth (10 px tall, mouth 100 px wide): just under the teeth's edge
    the cavity takes their colour in shade (TEETH_PENUMBRA), falling off over a few px, no cut
    from ivory to maroon-black (judge25 item 8). From 0.5 to 6.5 px under the edge, mid-tooth of
    a central incisor, luma falls 39.5 levels (84.8 -> 45.3, fix38o; 42.6, 80.7 -> 38.1 before oblot38;
    unrounded lips: /o/'s dim walls, THROAT_SHORT_DIM, are not this test's), 31.4 before judge25's
    (68.1 -> 36.7)."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    d = np.arange(10.5, 17.0, 1.0)
    luma = _shade_luma(painter, d, np.full(len(d), 0.55), opening=40.0, mouth_w=100.0)
    assert np.all(np.diff(luma) < 0) and luma[0] - luma[-1] > 38.0, luma
    assert luma[0] < 0.45 * float(painter.teeth_rgb @ LUMA)  # the teeth's shade, not the teeth


def test_the_tongue_is_a_rounded_body_lit_over_its_top(analysis, monkeypatch):
    """Wide open (0.5 mouth widths, mouth 80 px): the resting tongue's sides turn from the light
    (TONGUE_SIDE_SHADE): 0.55 of the way to a corner its front is 0.92 as light as the same tongue
    unshaded at its sides (the numpy reference with TONGUE_SIDE_SHADE 0); and the opening lights it
    well up its back (TONGUE_LIT_POWER): 0.12 mouth widths over the lip, 0.3 of the way out (off
    the groove), about 0.7 of its height there (its top 0.17 mouth widths over the lip), it keeps
    0.82 of its front's light (0.73 with TONGUE_LIT_POWER (1.2, 0.4), a band fading from the lower
    teeth into the dark). Higher up its top turns into the throat (TONGUE_INTO)."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w, opening = 80.0, 40.0
    u = 0.5 + 0.5 * np.array([0.0, 0.3, 0.55])

    def row(d_lower: float) -> np.ndarray:
        return _shade_luma(painter, np.full(len(u), opening - d_lower * mouth_w), u, opening=opening, mouth_w=mouth_w)

    front, up = row(0.05), row(0.12)
    assert up[1] > 0.775 * front[1], (front, up)
    monkeypatch.setattr("tests.render.mouth_reference.TONGUE_SIDE_SHADE", 0.0)
    d_upper = np.full(len(u), opening - 0.05 * mouth_w)
    none = np.zeros(len(u))
    unshaded = ShadeReference(painter).shade(d_upper, opening - d_upper, np.full(len(u), opening), u, mouth_w,
                                             photo_teeth=(none, none), peak_opening=opening) @ LUMA
    assert front[2] < 0.95 * unshaded[2], (front, unshaded)


def test_the_cavity_darkens_into_its_corners(analysis):
    """Wide open, above the tongue: the cheeks' inner walls catch more light than the throat mid-
    mouth, and turn from it into the corners (CAVITY_CORNER_DARK): 0.95 of the way out the cavity
    is 0.59 as light as at 0.7 (1.05 before: lit to the corners)."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w, opening = 100.0, 50.0
    u = 0.5 + 0.5 * np.array([0.0, 0.7, 0.95])
    luma = _shade_luma(painter, np.full(len(u), 0.15 * mouth_w), u, opening=opening, mouth_w=mouth_w)
    assert luma[1] > luma[0] and luma[2] < 0.8 * luma[1], luma


def test_the_upper_teeths_penumbra_fades_with_them_into_the_corners(analysis):
    """Open vowel, synthetic teeth (10 px tall, mouth 100 px wide): 0.95 of the way to a corner,
    where no tooth is drawn (UPPER_TEETH_FADE), no penumbra either: down from the lip the cavity
    darkens without a step where the teeth's nominal line ends (a step of 10.7 levels a px with
    the penumbra at full strength above that line: flat 74, then 74 67 56 49; 1.5 on the
    bundled photo's painter now)."""
    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    d = np.arange(0.5, 20.0, 1.0)
    luma = _shade_luma(painter, d, np.full(len(d), 0.5 + 0.5 * 0.95), opening=40.0, mouth_w=100.0)
    assert np.abs(np.diff(luma)).max() < 4.0, luma


def test_a_smiles_gap_under_the_photos_teeth_is_a_soft_shadow_not_a_crescent(analysis):
    """Smile with teeth over a photo showing its upper teeth, a dark gap and its lower tips: under
    the photo's own upper teeth (laid sharp) the gap takes their penumbra (_photo_penumbra), so
    the dark comes on over a few px and is a shadow, not a maroon-black line (judge25 item 8).
    Mid-mouth (three columns), 2 px past the teeth's last bright pixel the luma keeps 0.45 of
    theirs on average (0.47, 0.43, 0.44; 0.42 with no penumbra: the middle column is the notch
    between the central incisors, which keeps the dark behind them), and the gap's darkest is 69
    on average (64-74; 58 with no penumbra)."""
    from dataclasses import replace

    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    image = _photo_with_opening(analysis, ((0.0, 0.45, (230, 225, 215)), (0.45, 0.8, (40, 20, 20)),
                                           (0.8, 1.0, (220, 215, 205))))
    renderer = Renderer(replace(analysis, image=image, appearance=replace(analysis.appearance, texture=image)))
    frame = MotionFrame(t_s=0, smile=1.0, upper_lip_raise=0.5, jaw_open=0.15, lip_spread=0.4)
    out = renderer.render(frame).astype(float) @ LUMA
    verts = posed_vertices(analysis.rig, frame)
    kept, darkest = [], []
    for k in (4, 5, 6):
        (x, top), (_, bottom) = verts[lm.LIPS_INNER_UPPER[k], :2], verts[lm.LIPS_INNER_LOWER[k], :2]
        column = out[int(np.ceil(top)):int(np.floor(bottom)) + 1, int(round(x)) - 1:int(round(x)) + 2].mean(axis=1)
        edge = int(np.flatnonzero(column[:len(column) // 2] >= 0.9 * column.max())[-1])
        kept.append(column[edge + 2] / column[edge])
        darkest.append(column[edge:].min())
    assert np.mean(kept) > 0.435 and np.mean(darkest) > 63.0, (kept, darkest)


def test_the_photos_own_tooth_tips_keep_the_dark_notches_between_them(analysis, monkeypatch):
    """A photo's own upper row ends in tips with notches between them (_shaped_run). Their
    penumbra starts at the line through the tips, so the notches keep the dark behind the teeth
    (what the cavity is there) as a photo's own teeth show it; under the tips the gap still takes
    the penumbra at once, so the edge fades softly. Filling the notches with the teeth's colour in
    shade merged 12's tips at /i/ into one grey-ivory smear (judge, issue 13; here it moved the
    notches by up to 45 levels). Laid over a maroon-black cavity at a 30 px run, each
    place's edge read off the laid teeth, the tips' line straight from tip to tip (the edge's local
    maxima): half a pixel above that line and more, past the teeth, nothing moves (< 0.5 levels;
    within half a pixel of it the line's pixels are blended by how much lies under it); 0.5 to 1 px
    under it the colour goes most of the way the falloff takes it there (over 0.85 x
    TEETH_PENUMBRA[0] x its value at 1 px; the tips' line read off the laid teeth is not exactly the
    envelope's); across the line it rises with no step (the line's pixels blended by how much of each
    lies under it: at most 0.1 of the way between samples 0.05 px apart; a hard start at the line
    stepped by TEETH_PENUMBRA[0])."""
    from facetalk.face import landmarks as lm
    from facetalk.render.mouth import RGB_PENUMBRA, TEETH_PENUMBRA

    run_px, step = 30.0, 0.05
    painter, mouth_w, u_row, depth, u, d_upper = _own_teeth_grid(analysis, run_px=run_px, n_u=481, reach=1.3, step=step)
    n, cavity = len(u), np.array([40.0, 18.0, 20.0])
    ids = np.full(n, lm.LIPS_INNER_UPPER[len(lm.LIPS_INNER_UPPER) // 2])

    def lay() -> tuple[np.ndarray, np.ndarray]:
        color = np.tile(cavity, (n, 1))
        laid = painter._lay_photo_interior(color, lambda per_vertex, only=slice(None): per_vertex[ids][only],
                                           d_upper=d_upper, d_lower=np.full(n, 60.0, np.float32),
                                           runs=(np.full(n, run_px), np.zeros(n)), lower_show=np.zeros(n),
                                           mouth_w=mouth_w, u=u, peak_opening=0.1 * mouth_w)
        return color.reshape(len(u_row), len(depth), 3), laid.reshape(len(u_row), len(depth))

    # the crowns' whole shape (as a widest vowel's opening leaves it) at this test's small opening
    monkeypatch.setattr(mouth_module, "_notch_share", lambda run, **kwargs: 1.0)
    shaded, laid = lay()
    monkeypatch.setattr(MouthPainter, "_photo_penumbra", lambda self, *args, **kwargs: None)
    unshaded, _ = lay()
    edge = depth[np.argmax(laid <= 0.0, axis=1)]  # the first px past the laid teeth, per place
    reach = laid.sum(axis=1) * step  # the same edge unquantised, for finding the tips
    tips = np.flatnonzero((reach[1:-1] > reach[:-2]) & (reach[1:-1] >= reach[2:])) + 1
    line = np.interp(np.arange(len(u_row)), tips, edge[tips])
    moved = np.abs(shaded - unshaded).max(axis=2)
    between = (np.arange(len(u_row)) > tips[0]) & (np.arange(len(u_row)) < tips[-1])
    notch = (laid <= 0.0) & (depth[None, :] < line[:, None] - 0.5 - step) & between[:, None]
    assert notch.sum() > 2000, notch.sum()  # the notches are there, ~1.5 px deep
    assert moved[notch].max() < 0.5, moved[notch].max()
    pen = painter._shade_rgb[RGB_PENUMBRA]
    under = (depth[None, :] >= line[:, None] + 0.5 + step) & (depth[None, :] < line[:, None] + 1.0) & between[:, None]
    share = ((shaded - unshaded) @ (pen - cavity)) / ((pen - cavity) @ (pen - cavity))
    least = TEETH_PENUMBRA[0] * np.exp(-1.0 / (TEETH_PENUMBRA[1] * mouth_w))
    assert share[under].min() > 0.85 * least, (share[under].min(), least)
    span = (laid <= 0.0) & (np.abs(depth[None, :] - line[:, None]) < 1.0) & between[:, None]
    jump = np.abs(np.diff(share, axis=1))[span[:, 1:] & span[:, :-1]]
    assert jump.max() < 0.1, jump.max()


def _lip_edge_photo(profile: tuple[tuple[float, float], ...], *, cavity: float = 75.0) -> np.ndarray:
    """(60, 100, 3) float32 grey photo of an upper lip over a mouth: rows above y = 30 (the inner
    lip line) take the luma of the last (from_s px, luma) step of `profile` that starts at or before
    their distance s = 30 - y into the lip; `cavity` below the line."""
    s = 30.0 - np.arange(60, dtype=np.float64)
    luma = np.full(60, cavity)
    for start, level in profile:
        luma[s >= start] = level
    return np.repeat(np.repeat(luma[:, None, None], 100, axis=1), 3, axis=2).astype(np.float32)


def test_a_deep_shadow_along_a_thin_lips_edge_is_read_as_its_line_not_the_lip():
    # 13's upper lip: a 6 px lip, its first 2.5 px a shadow 80 levels darker than the lip beyond
    # (measured 3 px wide, RIM_WHOLE_LIP of the lip), which is lighter than the photo's lip colour.
    inner = np.column_stack([np.linspace(20.0, 80.0, 7), np.full(7, 30.0)])
    outer = inner - np.array([0.0, 6.0])
    up = np.array([0.0, -1.0])
    shadow = _lip_edge_photo(((0.0, 40.0), (2.5, 120.0), (6.0, 160.0)))

    def widths(image: np.ndarray, lip_luma: float | None) -> np.ndarray:
        return mouth_module._rim_widths(image, inner, outer, up, mouth_w=100.0, lip_luma=lip_luma)[0]

    found = widths(shadow, 110.0)
    assert np.all(found[1:-1] > 1.0), found  # cleared, up to RIM_CAP of the lip
    assert np.all(found <= mouth_module.RIM_CAP * 6.0 + 1e-9), found
    # The same line is the lip itself: on a one-tint print (ink), where the lip beyond is darker
    # than the photo's lip colour, and where it is a thin lip's red only 40 levels under the skin.
    assert not widths(shadow, None).any()
    assert not widths(shadow, 130.0).any()
    assert not widths(_lip_edge_photo(((0.0, 90.0), (2.5, 130.0))), 80.0).any()


def test_a_deep_dark_pocket_beside_an_inner_corner_is_measured_apart_though_its_neighbours_have_no_line():
    # 01's and the bundled photo's right corner: the photo's dark corner pocket (12-17 luma under a
    # lip of 118-132) reaches 1.5-2 px into the upper lip at the point next to the inner corner,
    # while the corner's own point measures none (its thin lip) and the point on the other side
    # reads the opening's dark (width 0). The median of three dropped it and the warp drew it out
    # as a dark dash on the upper lip past the opening's end (judge39): its own width comes apart
    # (the painter fades it in a smile).
    import cv2

    inner = np.column_stack([np.linspace(20.0, 80.0, 7), np.full(7, 30.0)])
    outer = inner - np.array([0.0, 6.0])
    up = np.array([0.0, -1.0])

    def pocket(level: float, *, at_x: int = 70, before: bool = False, upper: bool = True,
               lip_luma: float | None = 130.0, small: bool = False) -> np.ndarray:
        image = _lip_edge_photo(((0.0, 140.0),))
        image[29:31, at_x - 4:at_x + 5] = 60.0 if before else level
        if before:  # its darkest 1 px before the line, in the opening, the line's edge lighter
            image[31, at_x - 4:at_x + 5] = level
        if small:  # the photo 0.7x and back, as a smaller photo reaches the painter (rev40l)
            image = cv2.resize(cv2.resize(image, (70, 42), interpolation=cv2.INTER_AREA), (100, 60),
                               interpolation=cv2.INTER_LINEAR)
        steady, extra = mouth_module._rim_widths(image, inner, outer, up, mouth_w=100.0, lip_luma=lip_luma,
                                                 corner_pocket=upper)
        assert not steady.any(), steady  # the median of three still drops it
        return extra

    for small in (False, True):
        deep = pocket(15.0, small=small)  # s 0..1.5 px into the lip at the sixth point of seven
        assert 1.0 <= deep[5] <= mouth_module.RIM_CAP * 6.0 + 1e-9, (small, deep)
        assert not np.delete(deep, 5).any(), (small, deep)
        # The opening's dark 1-2 px before the line is no pocket (the 0.7x bundled photo's left corner).
        assert not pocket(15.0, before=True, small=small).any(), small
    # A shallower one, 40 levels under the lip, may be grain; a deep one mid-lip (the fourth
    # point), where its neighbours' lip does vote; a lower lip's (the photo's dark beside its own
    # shading); a one-tint print's (an ink line, no shadow).
    assert not pocket(100.0).any()
    assert not pocket(15.0, at_x=50).any()
    assert not pocket(15.0, upper=False).any()
    assert not pocket(15.0, lip_luma=None).any()


def test_the_corner_pockets_clearing_fades_out_as_that_corner_smiles(analysis):
    # rev40l: in a smile (a smirk's one corner) the photo's dark corner pocket is the corner closing
    # in shade; cleared there, 01's right tip stood pale beside its dark left one. The bundled
    # photo's pocket is at its right inner corner (the subject's left, which smirk > 0 lifts).
    from dataclasses import replace

    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    rims = renderer._mouth._rims
    assert rims.pocket[1].any() and not rims.pocket[0].any()
    plain = replace(rims, pocket=np.zeros_like(rims.pocket))

    def changed(*, levels: bool = False, **motion: float) -> int:
        """Pixels the pocket's clearing changes (`levels`: the levels it changes them by, summed)."""
        frame = MotionFrame(t_s=0, **motion)
        renderer._mouth._rims = rims
        cleared = renderer.render(frame).astype(int)
        renderer._mouth._rims = plain
        moved = np.abs(cleared - renderer.render(frame).astype(int))
        return int(moved.sum()) if levels else int((moved.max(axis=2) > 0).sum())

    assert changed(smile=1.0, upper_lip_raise=0.5, jaw_open=0.15, lip_spread=0.4) == 0
    assert changed(smile=0.5, jaw_open=0.8) == 0  # a smile's corner, though the jaw pulls it down
    assert changed(smirk=1.0, jaw_open=0.3) == 0
    assert changed(smirk=-1.0, jaw_open=0.3) > 10  # the other corner's smirk: this one still clears
    assert changed(jaw_open=1.0) > 10
    assert changed(levels=True, smile=0.25, jaw_open=0.8) < 0.75 * changed(levels=True, jaw_open=0.8)  # fading


def _own_teeth_grid(analysis, *, run_px: float, n_u: int, reach: float, step: float = 0.05):
    """The bundled photo's painter (it shows its own upper teeth) and a grid of cavity places
    under its upper lip: (painter, rest mouth width px, the (n_u,) places 0.2..0.8 along the mouth,
    the (D,) px from the lip down to `reach` x `run_px`, `step` px apart, and the grid's (N,) u and
    d_upper, place-major), float32."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    assert painter._own_teeth
    u_row = np.linspace(0.2, 0.8, n_u, dtype=np.float32)
    depth = np.arange(0.0, reach * run_px, step, dtype=np.float32)
    u, d_upper = (a.ravel() for a in np.meshgrid(u_row, depth, indexing="ij"))
    return painter, painter._rest_mouth_w, u_row, depth, u, d_upper


def test_the_resting_tongue_stands_highest_where_the_jaw_drops_furthest(analysis, monkeypatch):
    """On a turned or crooked mouth (07) the opening is widest off the middle between the corners:
    the tongue's arch stands highest there (`tongue_centre`), not halfway between the corners, where
    its parabola and its drop toward the corners (least at the widest point) peaked apart and summed
    to a flat top (07's top within 1 px of its highest over 0.36 of its width, 0.28 from its widest
    point; out/tongue07/probe.py)."""
    from facetalk.render.mouth import LENS_FULL, TG_HEIGHT, lens_height

    closed = _photo_with_opening(analysis, ((0.0, 1.0, (120, 60, 55)),))
    painter = MouthPainter(analysis.rig, closed, analysis.appearance.grain)
    mouth_w, peak, widest = 100.0, 45.0, 0.62
    u = np.linspace(0.2, 0.85, 131)
    way = np.where(u < widest, (widest - u) / widest, (u - widest) / (1.0 - widest))  # 0 widest .. 1 a corner
    opening, none, seen = peak * lens_height(way, full_share=LENS_FULL), np.zeros(len(u)), {}
    shade_back = mouth_module._shade_back

    def record_back(*args):
        shade_back(*args)
        seen["height"] = args[-1][TG_HEIGHT].copy()

    monkeypatch.setattr(mouth_module, "_shade_back", record_back)
    painter._shade(opening - 1.0, np.ones(len(u)), opening, u, mouth_w, photo_teeth=(none, none), lower_show=none,
                   peak_opening=peak, tongue_centre=widest)
    assert abs(u[np.argmax(seen["height"])] - widest) < 0.02, u[np.argmax(seen["height"])]


def test_the_tongues_centre_is_where_the_lips_part_furthest(analysis):
    """MouthPainter._tongue_centre: 0.5 where the lips part evenly about the middle, and toward
    the side where they part further (the lips' gap along cavity_u peaking at 0.65)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    rig, ids = analysis.rig, painter._verts
    u, t = rig.cavity_u.astype(np.float64), rig.cavity_t.astype(np.float64)

    def centre(widest: float) -> float:
        verts = np.zeros((len(u), 3))
        gap = 40.0 * np.maximum(1.0 - ((u - widest) / 0.5) ** 2, 0.05)
        verts[:, 0], verts[:, 1] = 100.0 * u, t * gap
        return painter._tongue_centre(np.linalg.norm(verts[:, :2] - verts[rig.cavity_partner, :2], axis=1))

    even, off = centre(0.5), centre(0.65)
    assert abs(even - 0.5) < 0.03 and off > even + 0.08, (even, off)


def test_the_openings_tips_are_where_its_own_run_ends_not_a_bump_near_a_corner():
    """_drawn_tips walks out from the opening's highest place: a separate bump past `least` near a
    corner (a lip's stray place) does not move the tip there, and the tips fall between the last
    open place and the first shut one, where the height crosses `least`."""
    from facetalk.render.mouth import OUTLINE_GRID, _drawn_tips

    total = np.clip(10.0 * (1.0 - (OUTLINE_GRID / 0.6) ** 2), 0.0, None)
    tips = _drawn_tips(total, OUTLINE_GRID, 1.0)
    assert -0.6 < tips[0] < -0.5 and 0.5 < tips[1] < 0.6 and abs(tips[0] + tips[1]) < 1e-12
    bumped = total.copy()
    bumped[2] = 1.5  # a stray bump 0.93 of the way to the left corner
    assert np.array_equal(_drawn_tips(bumped, OUTLINE_GRID, 1.0), tips)
    assert np.array_equal(_drawn_tips(np.full_like(total, 0.5), OUTLINE_GRID, 1.0), np.zeros(2))
    assert np.array_equal(_drawn_tips(np.full_like(total, 2.0), OUTLINE_GRID, 1.0), OUTLINE_GRID[[0, -1]])


def test_a_wide_jaws_corners_drawn_in_are_not_rounded_lips(analysis):
    """The rig brings the opening's inner corners in as the jaw opens wide (face.rig.JAW_CORNER_IN,
    a blunter commissure), and _widened adds that back: the widest vowel's lips are not read as
    pursed (_rounded 0: no lens drawn in from the corners, no lip ring inside the opening), while
    lips narrowed by lip_spread at the same jaw still are, as far as before."""
    from facetalk.face import landmarks as lm
    from facetalk.face.rig import jaw_lift_share
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import posed_vertices

    rig = analysis.rig
    painter = MouthPainter(rig, analysis.image, analysis.appearance.grain)
    painter._round_free = 1.0  # as on an unsmiling photo, whose narrowed lips round fully
    corners = [lm.LIPS_INNER_UPPER[0], lm.LIPS_INNER_UPPER[-1]]

    def inner_w(verts: np.ndarray) -> float:
        return float(np.linalg.norm(verts[corners[1], :2] - verts[corners[0], :2]))

    wide = posed_vertices(rig, MotionFrame(t_s=0, jaw_open=1.0))
    assert inner_w(wide) < 0.95 * inner_w(rig.rest_xyz)  # the jaw drew the corners in
    assert painter._rounded(painter._widened(wide, None, jaw_lift=0.0)) > 0.3  # which alone reads as pursed
    assert painter._rounded(painter._widened(wide, None, jaw_lift=jaw_lift_share(1.0))) < 1e-4  # float32
    pursed = posed_vertices(rig, MotionFrame(t_s=0, jaw_open=1.0, lip_spread=-1.0))
    unlifted = posed_vertices(dataclasses.replace(rig, jaw_lift=np.zeros_like(rig.jaw_lift)),
                              MotionFrame(t_s=0, jaw_open=1.0, lip_spread=-1.0))
    rounded = painter._rounded(painter._widened(pursed, None, jaw_lift=1.0))
    assert rounded > 0.5
    assert abs(rounded - painter._rounded(painter._widened(unlifted, None, jaw_lift=0.0))) < 0.01


def _widest_vowel_with_and_without_corner_meet(analysis, monkeypatch):
    """The bundled photo's widest vowel (jaw 1) rendered with MouthPainter._shade_corner_meet and without
    it: (luma (H, W) with, luma without, the renderer, its (V, 2) float64 posed xy)."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.mouth import MouthPainter
    from facetalk.render.renderer import Renderer, posed_vertices

    renderer = Renderer(analysis)
    frame = MotionFrame(t_s=0, jaw_open=1.0)
    shaded = renderer.render(frame).astype(np.float64) @ LUMA
    with monkeypatch.context() as patch:
        patch.setattr(MouthPainter, "_shade_corner_meet", lambda self, out, verts, **_: None)
        plain = renderer.render(frame).astype(np.float64) @ LUMA
    return shaded, plain, renderer, posed_vertices(renderer.rig, frame)[:, :2].astype(np.float64)


def test_the_corner_meet_never_lightens_the_widest_vowels_opening(analysis, monkeypatch):
    """_shade_corner_meet mixes toward the seam's mid-tone (the throat's and lips' mean); over the
    opening and its soft edge it only darkens, so the cavity's dark tip by each inner corner keeps its
    depth: no pixel of the posed inner-lip polygon (filled as cv2 rasterises it, its rim pixels
    included) gets over 2 levels lighter than without the pass (wedge37's full-strength band there
    lifted 55 of them by > 8 levels, up to 56.8)."""
    import cv2
    from facetalk.face import landmarks as lm

    shaded, plain, _, xy = _widest_vowel_with_and_without_corner_meet(analysis, monkeypatch)
    inner = list(lm.LIPS_INNER_UPPER) + list(lm.LIPS_INNER_LOWER[::-1][1:-1])
    opening = np.zeros(shaded.shape, np.uint8)
    cv2.fillPoly(opening, [np.round(xy[inner]).astype(np.int32)], 1)
    lifted = (shaded - plain)[opening == 1]
    assert (np.abs(shaded - plain) > 0.5).sum() > 10  # the pass does act on this frame
    assert lifted.max() <= 2.0, np.sort(lifted)[-10:]


def test_the_widest_vowels_pale_corner_wedge_is_shaded_toward_the_seam(analysis, monkeypatch):
    """A toothy smile's pale lip stretched between each commissure and its drawn-in inner corner (12, 11)
    goes toward the seam's mid-tone: with the bundled photo's widest vowel's triangles (commissure, first
    inner-lip landmarks, inner corner) painted a pale lip's colour (12's luma there, 175), the line from
    each commissure to its inner corner, 55-85 % of the way in, ends over 10 levels darker (12 itself:
    155.1 -> 132.7, out/wedge37/line_after.txt) and no darker than the seam."""
    import cv2
    from facetalk.face import landmarks as lm

    _, plain, renderer, xy = _widest_vowel_with_and_without_corner_meet(analysis, monkeypatch)
    painter = renderer._mouth
    pale = np.zeros((*plain.shape, 3), np.uint8)
    ends = ((lm.MOUTH_CORNERS[0], lm.LIPS_INNER_UPPER[0], lm.LIPS_INNER_UPPER[1], lm.LIPS_INNER_LOWER[1]),
            (lm.MOUTH_CORNERS[1], lm.LIPS_INNER_UPPER[-1], lm.LIPS_INNER_UPPER[-2], lm.LIPS_INNER_LOWER[-2]))
    for commissure, inner, upper, lower in ends:
        cv2.fillPoly(pale, [np.round(xy[[commissure, upper, inner, lower]]).astype(np.int32)], (200, 165, 160))
    verts = np.zeros((len(xy), 3), np.float32)
    verts[:, :2] = xy
    shaded = pale.copy()
    painter._shade_corner_meet(shaded, verts, corners_lift=(1.0, 1.0))
    seam = float(0.5 * (painter.throat_rgb + painter._lip_rgb) @ LUMA)
    before, after = [], []
    for commissure, inner, _, _ in ends:
        for f in np.linspace(0.55, 0.85, 4):
            x, y = np.round(xy[commissure] + f * (xy[inner] - xy[commissure])).astype(int)
            before.append(pale[y, x] @ LUMA)
            after.append(shaded[y, x].astype(np.float64) @ LUMA)
    assert np.mean(before) - np.mean(after) > 10.0, (before, after)
    assert min(after) >= seam - 1.0, (after, seam)


def test_the_corner_meet_kernel_equals_its_numpy_reference_to_the_bit():
    """mouth._shade_meet_triangle (compiled) gives mouth_reference.shade_meet_triangle_reference's pixels to
    the bit over 600 seeded random triangles (integer and fractional vertices, some off the image, both
    values of on_line) on a random image, strengths 0..1 and seams dark to light."""
    from facetalk.render.mouth import _shade_meet_triangle
    from tests.render.mouth_reference import shade_meet_triangle_reference

    rng = np.random.default_rng(37)
    image = rng.integers(0, 256, (48, 56, 3), dtype=np.uint8)
    for case in range(600):
        tri = rng.uniform(-8.0, 62.0, (3, 2))
        if case % 3 == 0:
            tri = np.round(tri)
        seam, strength, on_line = rng.uniform(20.0, 230.0, 3), float(rng.uniform(0.0, 1.0)), bool(case % 2)
        compiled, reference = image.copy(), image.copy()
        _shade_meet_triangle(compiled, tri, seam, strength, on_line)
        shade_meet_triangle_reference(reference, tri, seam, strength, on_line)
        assert np.array_equal(compiled, reference), (case, tri, np.argwhere(compiled != reference)[:5])


def _widest_bare_cavity(analysis, monkeypatch) -> tuple[np.ndarray, ...]:
    """The widest vowel's bare cavity on `analysis` (not tongue, teeth or the photo's own teeth, wholly in the
    opening) among the painted px: each one's (N,) luma, whether bare, `across` 0..1 from mid-mouth, whether in
    its column's lower 0.35 (d_lower under 0.35 of the column's gap), its row (px) and its alpha."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    painter, seen = renderer._mouth, {}
    composite = painter._composite

    def record_composite(out, box, ys, xs, color, alpha, **kw):
        seen.update(box=box, ys=ys.copy(), xs=xs.copy(), alpha=np.asarray(alpha, float).copy(),
                    bare=_bare_cavity(kw["inside"], tongue_cover=seen["tongue"], sharp=kw.get("sharp")))
        return composite(out, box, ys, xs, color, alpha, **kw)

    _record_paints_shade(monkeypatch, seen)
    monkeypatch.setattr(painter, "_composite", record_composite)
    frame = renderer.render(MotionFrame(t_s=0, jaw_open=1.0))
    x0, y0 = seen["box"][:2]
    luma = frame[seen["ys"] + y0, seen["xs"] + x0].astype(float) @ LUMA
    bare = (seen["bare"] >= 0.95) & (seen["alpha"] >= 0.99)
    low = seen["d_lower"] < 0.35 * (seen["d_upper"] + seen["d_lower"])
    return luma, bare, np.abs(2.0 * seen["u"] - 1.0), low, seen["ys"], seen["alpha"]


def test_a_wide_open_mouths_dark_is_a_broad_band_over_the_tongue_not_a_blot_nor_down_its_flanks(analysis,
                                                                                                 monkeypatch):
    """At the widest vowel the bare cavity (_widest_bare_cavity) has its dark core (under half the luma of
    its lit walls, the 90th percentile) as a broad band over the tongue (the oral space, _throat_at's exp(-dx^4)):
    at the row with the most of it, over 0.6 of the opening's width there (0.45 at 926ef9b, a blurred blot
    mid-mouth, judge38; 0.72 now), but not down the tongue's flanks: under 0.07 of it lies 0.35 or more of the
    way to a corner in the column's lower 0.35 (THROAT_FLANKS; the band's ends ran down the flanks to the lip,
    an inverted U round the tongue, judges 33-36 and rev39c: 0.078 at 44afde7, 0.049 now). The lit walls stand
    at least 66 levels (80.2 at 926ef9b, most of the cavity lit wall; 65.1 at 44afde7, the band's broad radius
    dimming the walls through WALL_DEPTH; 70.5 with WALL_DEPTH_ACROSS; LOOSENED to 62 in stripes40: the space
    right under the upper row is in its shade now, ROW_SHADE, so the brightest tenth of the cavity, which
    it held, is darker: 64.7 on the bundled photo, 62.7 on the toothy landmarks (68.7 before), the walls beside
    the band as lit as before; LOOSENED to 55 in throat41: the walls' upper part is in the upper lip's shade,
    WALL_TOP_SHADE, lit only low, so the brightest tenth is darker still: 69.5 -> 58.7 on the bundled photo,
    68.9 -> 58.3 on the toothy landmarks, the band 0.68 -> 0.73 and 0.63 -> 0.66, legs 0.030 -> 0.022 and
    0.032 -> 0.027, cdc8531 -> throat41; 55 lies 3.3 under the toothy 58.3, a tripwire meant to trip on the
    next change to the mouth's inside: re-measure then, do not just lower it). The same on the toothy smile's
    landmarks
    (12's mouth) with the bundled photo carried onto them: band 0.64, legs 0.099 -> 0.058, walls 63.8 -> 68.7
    (out/fix39c/NOTES.md)."""
    from pathlib import Path

    from facetalk.face.rig import build_rig

    import cv2

    pts = np.load(Path(__file__).resolve().parents[1] / "face" / "data" / "toothy_smile_landmarks.npz")["landmarks_px"]
    # the bundled photo carried onto those landmarks (least-squares affine), so its lips lie under the rig's
    carry, _ = cv2.estimateAffine2D(np.ascontiguousarray(analysis.landmarks_px[:, :2], np.float32),
                                    np.ascontiguousarray(pts[:, :2], np.float32), method=cv2.LMEDS)
    image = cv2.warpAffine(analysis.image, carry, analysis.image.shape[1::-1], flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REFLECT)
    toothy = dataclasses.replace(analysis, image=image, landmarks_px=pts.astype(np.float32), rig=build_rig(pts),
                                 appearance=dataclasses.replace(analysis.appearance, texture=image))
    for face in (analysis, toothy):
        luma, bare, across, low, ys, alpha = _widest_bare_cavity(face, monkeypatch)
        walls = np.percentile(luma[bare], 90)
        deep = bare & (luma < 0.5 * walls)
        assert bare.sum() > 300 and deep.sum() > 20, (bare.sum(), deep.sum())
        row = np.bincount(ys[deep]).argmax()
        band = deep[ys == row].sum() / (alpha[ys == row] >= 0.5).sum()
        legs = (deep & low & (across > 0.35)).sum() / deep.sum()
        assert band > 0.6 and legs < 0.07 and walls >= 55.0, (face is toothy, band, legs, walls)


def test_a_short_round_openings_inside_is_mostly_dark_not_a_blot_under_the_teeth(analysis):
    """At /o/ (peak 0.38 mouth widths, the walls' light half faded in) the round throat at the wide
    mouth's radii and centre was a dark dot a few px across just under the central teeth, ringed by
    lit walls (judge37: a blot, not depth). A small round opening's inside is mostly dark, darkest
    centre-low, its light soft: mid-mouth down the column the darkest lies past 0.55 of the way (0.49
    at f720e08), the walls 0.5 of the way to a corner at that depth and the column just under the
    teeth under 4 times it (5.0 and 4.5 at f720e08: the lit ring round a dot). The lips 0.8 of their
    width, as /o/ narrows them on the portraits (_widened 0.77-0.82)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w, peak = 100.0, 38.0
    gap = peak - SYNTHETIC_UPPER_TEETH_MW * mouth_w
    depth, across = np.meshgrid(np.linspace(0.0, gap, 77), np.linspace(0.0, 0.8, 81), indexing="ij")
    below = depth.ravel()
    luma = (_cavity(painter, below, gap - below, across.ravel(), mouth_w, peak_opening=peak, widened=0.8)
            @ LUMA).reshape(depth.shape)
    darkest = int(np.argmin(luma[:, 0]))
    core, wall, top = luma[darkest, 0], luma[darkest, 50], luma[0, 0]
    assert depth[darkest, 0] / gap > 0.55, depth[darkest, 0] / gap
    assert wall < 4.0 * core and top < 4.0 * core, (core, wall, top)


def _short_cavity_luma(painter: MouthPainter, *, peak_mw: float, widened: float) -> np.ndarray:
    """(41, 9) luma of the cavity of a mouth 100 px wide, `peak_mw` mouth widths open, its lips
    `widened`, down a column (41 depths) at 0-0.8 across (9)."""
    mouth_w, peak = 100.0, 100.0 * peak_mw
    gap = peak - SYNTHETIC_UPPER_TEETH_MW * mouth_w
    depth, across = np.meshgrid(np.linspace(0.0, gap, 41), np.linspace(0.0, 0.8, 9), indexing="ij")
    below = depth.ravel()
    return (_cavity(painter, below, gap - below, across.ravel(), mouth_w, peak_opening=peak, widened=widened)
            @ LUMA).reshape(depth.shape)


def test_only_a_short_round_opening_takes_o_s_dark_inside(analysis):
    """/o/'s dark inside (THROAT_SHORT_DIM, _throat_short) keys on the lips' rounding and the peak over
    their unrounded width: a plain vowel (lips 1.0 of their width) or a smile's spread lips (1.25) at
    0.42 mouth widths keep the wide mouth's walls, as does a rounded mouth (0.8) open past
    THROAT_SHORT[1] of its unrounded width (0.8 mouth widths); at 0.42 rounded lips dim the walls.
    (oblot38 keyed it on the current width: the plain vowel and the smile took it.) LOOSENED 8 -> 5 levels in
    throat41: the plain vowel's walls now take the upper lip's shade (WALL_TOP_SHADE), which /o/ does not, so
    the top is shaded for both and /o/ is the darker only lower down. 0.3-0.6 across, rows 0/5/10/15 of 40
    down: plain 28/31/39/51 (91/86/80/77 at cdc8531) against /o/'s 70/66/62/58; rows 20-40: plain 62-85,
    /o/ 50-55 (out/rev41t/probe.log). This test's mid-depth block (rows 10-30): plain 78.0 -> 62.2 against
    /o/'s 56.0 (unchanged), cdc8531 -> throat41."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    plain, smile, round_ = (_short_cavity_luma(painter, peak_mw=0.42, widened=w) for w in (1.0, 1.25, 0.8))
    assert np.array_equal(plain, smile)
    assert np.array_equal(_short_cavity_luma(painter, peak_mw=0.8, widened=0.8),
                          _short_cavity_luma(painter, peak_mw=0.8, widened=1.0))
    walls = slice(10, 31), slice(3, 7)  # mid-depth, 0.3-0.6 across
    assert plain[walls].mean() - round_[walls].mean() > 5.0, (plain[walls].mean(), round_[walls].mean())


def test_o_s_dark_inside_comes_on_without_a_jump(analysis):
    """Across /o/'s range (THROAT_SHORT, THROAT_ROUND) the cavity changes by little per small step: the
    peak 0.25-0.85 mouth widths by 0.005 with the lips 0.8 of their width steps a pixel's luma at most
    0.5 level more than the same sweep with unrounded lips does (2.98 and 2.99: the opening's own growth),
    and the lips 1.0 -> 0.75 of their width by 0.0025 at 0.4 mouth widths at most 2 levels (1.65)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    peaks, widths = np.arange(0.25, 0.85, 0.005), np.arange(1.0, 0.75, -0.0025)

    def largest_step(frames: list[np.ndarray]) -> float:
        return max(float(np.abs(b - a).max()) for a, b in zip(frames, frames[1:]))

    rounded = largest_step([_short_cavity_luma(painter, peak_mw=p, widened=0.8) for p in peaks])
    plain = largest_step([_short_cavity_luma(painter, peak_mw=p, widened=1.0) for p in peaks])
    assert rounded < plain + 0.5, (rounded, plain)
    rounding = largest_step([_short_cavity_luma(painter, peak_mw=0.4, widened=w) for w in widths])
    assert rounding < 2.0, rounding


def test_the_upper_rows_end_goes_into_shade_with_the_mouth_beside_it(analysis):
    """Wide open (jaw 1), where the photo's own upper row gives way toward its ends (_Gum.lit's step
    at its last lit crown, PHOTO_TEETH_UNLIT), its last crown and the mouth beside it go into the
    buccal corridor's shade together (_buccal_light): where a tooth px's row, over its fade, meets the
    bare cavity beyond it in its px row the step is under 15.5 levels of luma (this photo 17.4 at
    f720e08, its last crown cut against the lit wall, judge37; 22.8 with corner38's lips, cut at one
    px; 13.8 with the buccal shade alone), the fade spans px (_row_end_lit: at most a quarter of those ends a tooth px beside a bare
    one), and the row's middle keeps its light."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    seen, lay, composite = {}, MouthPainter._lay_photo_interior, MouthPainter._composite

    def laying(self, color, interp, **kw):
        laid = lay(self, color, interp, **kw)
        seen.update(laid=laid.copy(), as_laid=color.copy(), u=np.asarray(kw["u"], float),
                    below=np.asarray(kw["d_upper"], float) < np.asarray(kw["d_lower"], float))
        return laid

    def compositing(self, out, box, ys, xs, color, alpha, **kw):
        seen.update(box=box, ys=ys.copy(), xs=xs.copy(), alpha=np.asarray(alpha, float).copy(),
                    kept=np.abs(np.asarray(color) - seen["as_laid"]).max(axis=1) < 2.0,
                    bare=_bare_cavity(kw["inside"], tongue_cover=seen["tongue"], sharp=kw.get("sharp")))
        return composite(self, out, box, ys, xs, color, alpha, **kw)

    with pytest.MonkeyPatch.context() as patch:
        _record_paints_shade(patch, seen)
        patch.setattr(MouthPainter, "_lay_photo_interior", laying)
        patch.setattr(MouthPainter, "_composite", compositing)
        frame = np.asarray(Renderer(analysis).render(MotionFrame(t_s=0, jaw_open=1.0))).astype(float)
    x0, y0, x1, y1 = seen["box"]

    def grid(values: np.ndarray) -> np.ndarray:
        out = np.zeros((y1 - y0, x1 - x0))
        out[seen["ys"], seen["xs"]] = values
        return out

    luma = frame[y0:y1, x0:x1] @ LUMA
    across = grid(np.abs(2.0 * seen["u"] - 1.0))
    ok = grid((seen["alpha"] >= 0.99) & seen["kept"] & seen["below"]) > 0  # as laid, the opening's upper half
    laid = grid(seen["laid"])
    tooth = ok & (laid >= 0.5)
    bare = ok & (laid <= 0.05) & (grid(seen["bare"]) >= 0.95)
    fading = ok & (laid > 0.05) & (laid < 0.5)
    steps, cuts = [], 0  # from each tooth px over the row's fade: the step where it meets the bare cavity
    for y, x in zip(*np.nonzero(tooth & (across > 0.35))):
        for dx in (1, -1):
            k = x + dx
            while 0 <= k < laid.shape[1] and fading[y, k]:
                k += dx
            if 0 <= k < laid.shape[1] and bare[y, k]:
                steps.append(abs(luma[y, k] - luma[y, k - dx]))
                cuts += abs(k - x) == 1
    step = np.array(steps)
    assert step.size >= 4 and step.max() < 15.5, (step.size, step.max())
    assert cuts <= step.size // 4, (cuts, step.size)  # the row's end fades over px (_row_end_lit), not a one-px cut
    middle = tooth & (across < 0.2)
    assert np.median(luma[middle]) > 150.0, np.median(luma[middle])


def test_the_buccal_corridor_darkens_the_walls_toward_the_corners_not_the_floor(analysis):
    """_buccal_light wide open: mid-mouth no shade; by the corners, over the upper row's height,
    BUCCAL_SHADE of the way down to 40 luma (BUCCAL_DARKEST); down the wall less, fading out BUCCAL_BELOW mouth
    widths under the row (the floor by the lower lip keeps its light); a jaw not yet wide (`wide` 0.5)
    half as much; a pixel already under 40 left as it is, and the dark wall's tones kept graded, not
    flattened onto one."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    w = painter._rest_mouth_w
    u = np.array([0.5, 0.96, 0.04, 0.96, 0.96], np.float32)
    d_upper = np.array([0.03, 0.03, 0.03, 0.05 + 0.5 * mouth_module.BUCCAL_BELOW, 0.06 + mouth_module.BUCCAL_BELOW]) * w
    run, bright, ends = np.full(5, 0.05 * w), 250.0, _wide_open_ends(painter)
    shade, darkest = mouth_module.BUCCAL_SHADE, 40.0  # the tuned target, stated (at 30 a dark wedge: out/notch45)

    def shaded(luma: float, *, wide: float = 1.0) -> np.ndarray:
        return luma * painter._buccal_light(u, d_upper, run, to_rest=1.0, wide=wide, luma=np.full(5, luma), ends=ends)

    def toward_darkest(luma: float, share: float) -> float:
        return darkest + (luma - darkest) * (1.0 - share)

    lit = shaded(bright)
    assert lit[0] == pytest.approx(bright) and lit[4] == pytest.approx(bright), lit
    assert lit[1] == pytest.approx(toward_darkest(bright, shade)) and lit[2] == pytest.approx(lit[1]), lit
    assert lit[3] == pytest.approx(toward_darkest(bright, 0.5 * shade)), lit
    assert shaded(bright, wide=0.5)[1] == pytest.approx(toward_darkest(bright, 0.5 * shade))
    assert shaded(0.5 * darkest)[1] == pytest.approx(0.5 * darkest)
    ramp = np.linspace(darkest, 4.0 * darkest, 12)  # a wall's tones by the corner, each kept apart
    walls = np.array([shaded(luma)[1] for luma in ramp])
    assert walls.min() >= darkest - 1e-9 and np.allclose(np.diff(walls), (1.0 - shade) * np.diff(ramp)), walls


def test_the_buccal_corridor_at_jaw_0_6_stays_a_wall_lighter_than_the_throat(analysis):
    """Rendered, this photo at jaw 0.6: the px the buccal corridor shades (>= 0.35 of their light at an
    unbounded luma, wholly in the opening) keep at least 41 luma (43.3 here with the walls shaded toward
    40; 38.5 toward 30, where 12's corner was a flat dark wedge: out/notch45, rev45n), and the throat's
    core (the opening's darkest 1 %) stays darker than the corridor's darkest by 10 levels or more."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    seen, light, composite = {}, MouthPainter._buccal_light, MouthPainter._composite

    def lighting(self, u, d_upper, run, *, luma, **kw):
        seen["shade"] = 1.0 - light(self, u, d_upper, run, luma=np.full(len(u), 1e12), **kw)
        return light(self, u, d_upper, run, luma=luma, **kw)

    def compositing(self, out, box, ys, xs, color, alpha, **kw):
        seen.update(box=box, ys=ys.copy(), xs=xs.copy(), alpha=np.asarray(alpha, float).copy())
        return composite(self, out, box, ys, xs, color, alpha, **kw)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MouthPainter, "_buccal_light", lighting)
        patch.setattr(MouthPainter, "_composite", compositing)
        frame = np.asarray(Renderer(analysis).render(MotionFrame(t_s=0, jaw_open=0.6))).astype(float)
    x0, y0 = seen["box"][:2]
    luma = frame[seen["ys"] + y0, seen["xs"] + x0] @ LUMA
    inside = seen["alpha"] >= 0.99
    corridor = luma[inside & (seen["shade"] >= 0.35)]
    assert corridor.size >= 50 and corridor.min() >= 41.0, (corridor.size, corridor.min())
    assert np.percentile(luma[inside], 1) <= corridor.min() - 10.0, (np.percentile(luma[inside], 1), corridor.min())


def test_the_buccal_table_deepens_from_the_rows_give_way_into_the_corners(analysis):
    """_buccal (this photo's own row gives way at its last lit crown on one side, |2u - 1| about 0.47):
    none mid-mouth; BUCCAL_FLOOR of it where the row has given way (_gives_way) short of
    BUCCAL_CORNERS; all of it at the corners; never less toward either end."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    table, end = painter._buccal, np.abs(2.0 * mouth_module._GUM_U - 1.0)
    assert table[end < 0.1].max() == 0.0, table[end < 0.1].max()
    gone = mouth_module._gives_way_table(np.asarray(painter._gum.lit, np.float64)) >= 1.0
    past = gone & (end < mouth_module.BUCCAL_CORNERS[0])
    assert past.any() and np.allclose(table[past], mouth_module.BUCCAL_FLOOR, atol=1e-6), table[past]
    assert np.allclose(table[end >= mouth_module.BUCCAL_CORNERS[1]], 1.0), table[end >= 0.9]
    half = len(table) // 2
    assert (np.diff(table[half:]) >= -1e-12).all() and (np.diff(table[:half + 1]) <= 1e-12).all()


# A widest vowel's opening over its row's run (_notch_share: 4.4-5.3 measured), so the crowns'
# shape shows in full in the tests that read it
WIDE_OPENING = 5.0


def _wide_open_ends(painter: MouthPainter):
    """The painter's row-end tables (_RowEnds) at a wide-open jaw (an opening as wide as the mouth)."""
    return painter._row_ends(peak_opening=painter._rest_mouth_w, mouth_w=painter._rest_mouth_w)


def _laid_row(painter, *, mouth_w: float, u: np.ndarray, d_upper: np.ndarray, run_px: float,
              opening: float = WIDE_OPENING) -> tuple[np.ndarray, np.ndarray]:
    """The photo's own upper row laid by _lay_photo_interior over a maroon-black cavity, run `run_px`
    rest px, at the (N,) float32 places `u` and `d_upper` px under the lip, the opening's peak
    `opening` x the run: ((N, 3) colour, (N,) laid)."""
    from facetalk.face import landmarks as lm

    n = len(u)
    ids = np.full(n, lm.LIPS_INNER_UPPER[len(lm.LIPS_INNER_UPPER) // 2])
    color = np.tile(np.array([40.0, 18.0, 20.0]), (n, 1))
    laid = painter._lay_photo_interior(color, lambda per_vertex, only=slice(None): per_vertex[ids][only],
                                       d_upper=d_upper, d_lower=np.full(n, 3.0 * run_px, np.float32),
                                       runs=(np.full(n, run_px), np.zeros(n)), lower_show=np.zeros(n),
                                       mouth_w=mouth_w, u=u, peak_opening=opening * run_px)
    return color, laid


@pytest.mark.parametrize("run_px", [30.0, 12.0])
def test_the_photos_own_upper_edge_notches_at_its_own_crowns_gaps(analysis, run_px):
    """The photo's own upper row's biting edge (_shaped_run over _edge_table) is a sequence of crown
    edges with an incisal embrasure at each gap between the photo's own crowns (_Gum.gaps), not at
    the synthetic row's places (which met the photo's crowns nowhere, a near-straight band under
    them: judge38). At a 30 px run and at 12 px (a real wide vowel's: the bundled photo's, where
    the notches are 0.6-1.5 px, rev39t), over the row's middle (u 0.3..0.7): every gap found there
    has a notch of the laid edge within 0.012 of u of it (a crown's width is ~0.1), at least 0.05 of
    the run (1.5 px at 30, 0.6 px at 12) above the lower of its two tips, and the edge rises toward
    the ends (the smile arc: its ends at 0.2/0.8 at least as much higher than mid-mouth's tips).
    But where the crown outward of a gap is the row's last, turning away round the arch (the row's lit
    envelope, _row_end_envelope, over half gone a crown's width beyond that crown's middle: this photo's
    right side gives way at u ~0.75, so gap 0.666's outer crown), its edge slopes up toward the lip
    instead (ROW_END_TURN), no tip beyond the notch: there the edge at that crown's middle stands under
    0.6 of mid-mouth's (0.86-0.87 at 0a2d26b, a full crown cut square at its end; 0.31-0.32 at 40e4cec).
    That edge is read by the light the row lays (luma over the cavity's, of the middle crowns' p90), since
    its end is laid solid in shade (_solid_row_end): by `laid` it read 0.57 / 0.59 at e80fb2a, 0.69 / 0.71
    now; by the light 0.39 / 0.39 at e80fb2a, 0.33 / 0.32 now (run 30 / 12 px)."""
    from facetalk.render.mouth import PHOTO_TEETH_UNLIT

    step, bar = 0.05, 0.05 * run_px
    painter, mouth_w, u_row, depth, u, d_upper = _own_teeth_grid(analysis, run_px=run_px, n_u=481, reach=1.1, step=step)
    color, laid = _laid_row(painter, mouth_w=mouth_w, u=u, d_upper=d_upper, run_px=run_px)
    reach = laid.reshape(len(u_row), len(depth)).sum(axis=1) * step  # the edge's depth per place, px
    # the light it lays over the cavity (_laid_row's), of the middle crowns' p90, px: the end is laid solid in shade
    luma, cavity = (color @ LUMA).reshape(len(u_row), len(depth)), float(np.array([40.0, 18.0, 20.0]) @ LUMA)
    top = np.percentile(luma[np.abs(u_row - 0.5) < 0.1], 90)
    seen = np.clip((luma - cavity) / (top - cavity), 0.0, 1.0).sum(axis=1) * step
    every = painter._gum.gaps / (len(painter._gum.scallop) - 1.0)
    gaps = every[(every > 0.3) & (every < 0.7)]
    assert len(gaps) >= 2, gaps
    middle = reach[np.abs(u_row - 0.5) < 0.1].max()
    turning = []
    for gap in gaps:  # the crown outward of it: to the next gap, or a crown's width (0.1)
        out = np.sign(gap - 0.5)
        further = every[(every - gap) * out > 1e-6]
        crown = 0.5 * (gap + (further[np.argmin(np.abs(further - gap))] if len(further) else gap + 0.1 * out))
        at = crown + 0.1 * out
        gone = (1.0 - np.interp(at, mouth_module._GUM_U, painter._row_end_envelope)) \
            * smoothstep(np.array(abs(2.0 * at - 1.0)), *PHOTO_TEETH_UNLIT)
        if gone > 0.5:
            turning.append(gap)
            edge, lit_middle = seen[np.argmin(np.abs(u_row - crown))], seen[np.abs(u_row - 0.5) < 0.1].max()
            assert edge < 0.6 * lit_middle, (gap, crown, edge, lit_middle)
    assert len(gaps) - len(turning) >= 2, (gaps, turning)
    lows = np.flatnonzero((reach[1:-1] < reach[:-2]) & (reach[1:-1] <= reach[2:])) + 1
    tips = np.flatnonzero((reach[1:-1] > reach[:-2]) & (reach[1:-1] >= reach[2:])) + 1
    for gap in (g for g in gaps if g not in turning):
        near = lows[np.abs(u_row[lows] - gap) < 0.012]
        assert len(near), (gap, u_row[lows])
        low = near[np.argmin(reach[near])]
        left, right = tips[tips < low], tips[tips > low]
        assert len(left) and len(right), gap
        depth_px = min(reach[left[-1]], reach[right[0]]) - reach[low]
        assert depth_px >= bar, (gap, depth_px)
    assert middle - max(reach[0], reach[-1]) >= bar, (middle, reach[0], reach[-1])


def _row_end_places(painter, *, run_px: float, shares: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The photo's own upper row laid at a wide jaw (_laid_row, run `run_px`) over its right end, u 0.55..0.98
    (961 places): ((S,) the outermost u laid at least half at each of `shares` of the run down from the lip,
    (P, D) the laid weight, place-major, D depths 0.05 px apart)."""
    u_row = np.linspace(0.55, 0.98, 961, dtype=np.float32)
    depth = np.arange(0.0, run_px, 0.05, dtype=np.float32)
    u, d_upper = (a.ravel() for a in np.meshgrid(u_row, depth, indexing="ij"))
    _, laid = _laid_row(painter, mouth_w=painter._rest_mouth_w, u=u, d_upper=d_upper, run_px=run_px)
    laid = laid.reshape(len(u_row), len(depth))
    ends = [u_row[np.flatnonzero(laid[:, int(round(share * run_px / 0.05))] >= 0.5)].max() for share in shares]
    return np.array(ends, np.float64), laid


def test_the_rows_end_rounds_off_within_a_crown_at_its_biting_edge(analysis):
    """The photo's own upper row's end turns away round the arch (_row_end_turn) by at most about one of its
    own crowns toward its biting edge (_row_end_reach: ROW_END_TURN_CROWNS of the median step between
    _Gum.gaps), by the square of the share down the run: near the lip the end stands near where the lip's
    does and it rounds in toward the edge, as the last crown turning along the arch, not a straight chamfer
    (judge42: 13's ends 45-degree cuts, a row narrower than the photo's at /i/). At a 30 px run on the
    bundled photo's right end, from the lip's (5% of the run) to 75% down it the end comes in 0.066 of the
    mouth (crown 0.092; 0.097 at ae31b14), and half way down 0.46 of that (0.66 at ae31b14, the chamfer).
    Not at 90%: the notch at gap 0.666 sets the end there."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    assert painter._own_teeth
    crown = float(np.median(np.diff(painter._gum.gaps / (mouth_module.GUM_TABLE_N - 1.0))))
    (lip, half, edge), _ = _row_end_places(painter, run_px=30.0, shares=(0.05, 0.5, 0.75))
    assert 0.3 * crown < lip - edge < 0.8 * crown, (lip, half, edge, crown)
    assert lip - half < 0.55 * (lip - edge), (lip, half, edge)


def test_a_row_lit_to_its_corners_gives_way_first_at_its_biting_edge(analysis):
    """Where the photo's own upper row is lit to the corners (11, 12: _Gum.lit 1 out to them) its end at a wide
    jaw is the arch's back giving way (PHOTO_TEETH_HIDDEN), which alone took a whole column of it to the
    same share: a translucent crown over the dark, a pale (11) or grey (12) strip cut square (judge42). It
    turns away round the arch as a lit envelope's end does (_row_end_turn): half way through that
    give-way (|2u - 1| 0.7) the crown half way down its run is laid under 0.7 of what it is near the lip
    (15%): 0.40 of it now (0.34 of 0.84: its end laid solid in shade, 1 - gone^3, _solid_row_end), 0.28 at
    e80fb2a (0.13 of 0.46), 1.0 at ae31b14 (0.499 all down the column)."""
    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    lit = np.ones(mouth_module.GUM_TABLE_N)
    lit.flags.writeable = False
    painter.__dict__.update(_row_end_lit=lit, _row_end_envelope=lit)  # a row lit to its corners
    run_px = 30.0
    _, laid = _row_end_places(painter, run_px=run_px, shares=(0.05,))
    at = int(round((0.85 - 0.55) / 0.43 * 960))
    lip, edge = laid[at, int(round(0.15 * run_px / 0.05))], laid[at, int(round(0.5 * run_px / 0.05))]
    assert 0.2 < lip < 0.9, lip  # half way through the give-way at the lip (1 - 0.5^3 laid, solid)
    assert edge < 0.7 * lip, (lip, edge)


def test_a_short_openings_upper_edge_notches_no_deeper_than_half_a_pixel(analysis):
    """Where the opening is short for the row (an /o/'s: peak 3 x the run; 3.0-3.6 measured,
    _notch_share), the photo's own crowns' notches are shallow and soft: at a 12 px run each notch
    of the laid edge over u 0.3..0.7 lies at most EDGE_SHORT_NOTCH_PX + 0.1 px (the read's own
    wobble) under the lower of its two tips, where the widest vowel's opening leaves them 0.6-1.9 px
    (test above; judge39: 12 /o/'s battlement of dark spikes, bundled's and 01's white beads)."""
    from facetalk.render.mouth import EDGE_SHORT_NOTCH_PX

    run_px, step = 12.0, 0.05
    painter, mouth_w, u_row, depth, u, d_upper = _own_teeth_grid(analysis, run_px=run_px, n_u=481, reach=1.1, step=step)
    _, laid = _laid_row(painter, mouth_w=mouth_w, u=u, d_upper=d_upper, run_px=run_px, opening=3.0)
    reach = laid.reshape(len(u_row), len(depth)).sum(axis=1) * step
    middle = (u_row > 0.3) & (u_row < 0.7)
    lows = np.flatnonzero((reach[1:-1] < reach[:-2]) & (reach[1:-1] <= reach[2:]) & middle[1:-1]) + 1
    tips = np.flatnonzero((reach[1:-1] > reach[:-2]) & (reach[1:-1] >= reach[2:])) + 1
    assert len(lows) >= 2, lows
    deepest = max(min(reach[tips[tips < low]].max(initial=0.0), reach[tips[tips > low]].max(initial=0.0)) - reach[low]
                  for low in lows)
    assert deepest <= EDGE_SHORT_NOTCH_PX + 0.1, deepest


def test_the_photos_own_upper_crowns_darken_and_warm_under_the_lip(analysis):
    """Each of the photo's own upper crowns is lit as a real incisor (_crown_light): laid from a flat
    grey photo at a 30 px run, its px under the lip (1 px down) are at least 8% darker than
    mid-crown and yellower (blue over red at least 0.05 lower), and its incisal edge (2 px above the
    edge) bluer than mid-crown (blue over red at least 0.03 higher): laid as sampled, the row was one
    flat band from lip to edge (judge38: 11 flat white, 13 a flat grey block)."""
    run_px = 30.0
    painter, mouth_w, *_ = _own_teeth_grid(analysis, run_px=run_px, n_u=2, reach=1.0)
    keep = painter._edge_table  # the crowns found on the photo before it goes grey
    painter.image = np.full_like(painter.image, 180)
    at = np.float32(painter._rest_mouth_w / mouth_w)
    edge = run_px * float(keep[len(keep) // 2]) / at
    d_upper = np.array([1.0, 0.5 * edge, edge - 2.0], np.float32)
    color, laid = _laid_row(painter, mouth_w=mouth_w, u=np.full(3, 0.5, np.float32), d_upper=d_upper, run_px=run_px)
    assert (laid > 0.99).all(), laid
    lip, mid, tip = color
    luma = color @ np.array([0.299, 0.587, 0.114])
    assert luma[0] < 0.92 * luma[1], luma
    assert lip[2] / lip[0] < mid[2] / mid[0] - 0.05, color
    assert tip[2] / tip[0] > mid[2] / mid[0] + 0.03, color


def _o_rim_and_core(analysis, *, jaw_open: float = 0.38, lip_spread: float = -0.75) -> tuple[float, float, np.ndarray]:
    """Renders the bundled photo's mouth (the /o/ of scripts/closeup_sheet.py by default) and returns the mean
    luma of the bare cavity (none of the photo's own laid) in the opening's upper half within 1.5 px past the
    lips' faces' reach (_taper_corners' beyond_px), that of its deep middle (past 0.7 of the deepest reach), and the frame."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    seen, lay, taper, composite = {}, MouthPainter._lay_photo_interior, MouthPainter._taper_corners, \
        MouthPainter._composite

    def laying(self, color, interp, **kw):
        laid = lay(self, color, interp, **kw)
        seen["laid"] = np.asarray(laid, float).copy()
        return laid

    def tapering(self, color, interp, **kw):
        faces = taper(self, color, interp, **kw)
        seen.update(near=faces.near.copy(), beyond=np.asarray(faces.beyond_px, float).copy())
        return faces

    def compositing(self, out, box, ys, xs, color, alpha, **kw):
        seen.update(box=box, ys=ys.copy(), xs=xs.copy())
        return composite(self, out, box, ys, xs, color, alpha, **kw)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MouthPainter, "_lay_photo_interior", laying)
        patch.setattr(MouthPainter, "_taper_corners", tapering)
        patch.setattr(MouthPainter, "_composite", compositing)
        frame = np.asarray(Renderer(analysis).render(MotionFrame(t_s=0, jaw_open=jaw_open,
                                                                 lip_spread=lip_spread))).astype(float)
    x0, y0 = seen["box"][:2]
    near, beyond = seen["near"], seen["beyond"]
    bare = seen["laid"][near] <= 0.05
    luma = frame[seen["ys"][near] + y0, seen["xs"][near] + x0] @ LUMA
    ys = seen["ys"][near]
    upper = ys < np.median(ys[bare & (beyond >= 0.0)])  # the upper half: beside the teeth, the upper corners
    rim = bare & upper & (beyond >= 0.0) & (beyond < 1.5)
    core = bare & (beyond > 0.7 * beyond.max())
    return float(luma[rim].mean()), float(luma[core].mean()), frame


def test_o_s_cavity_is_lit_round_its_rim_and_dark_in_its_core(analysis):
    """/o/ (a short round opening): the cavity just inside the lips' faces goes toward the lip's colour in
    shade (_rolled_in_rim: the inner lips roll in and catch light round the opening), so its dark is a
    rounded core, not a flat cut-out whose square upper corners meet the pale faces (judge38, 13's /o/). On
    the bundled photo the bare cavity of the opening's upper half within 1.5 px past the faces stands over 25
    levels of luma above its deep middle (34.5; with the pass off, as at 7a2806e: 15.5), the middle within 1
    level of its dark without it (0.33; 1.4 since o46 rounds the smile's lips, FaceRig.round_smiling: a smaller
    opening, rim 94 over core 39, that the rim's light reaches further into); the wide-open vowel, no short opening, takes none of it (the same frame with the pass
    switched off)."""
    rim, core, _ = _o_rim_and_core(analysis)
    wide = _o_rim_and_core(analysis, jaw_open=1.0, lip_spread=0.0)[2]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(MouthPainter, "_rolled_in_rim", lambda self, *a, **k: None, raising=False)  # at 7a2806e: the assertion fails
        rim_off, core_off, _ = _o_rim_and_core(analysis)
        assert np.array_equal(wide, _o_rim_and_core(analysis, jaw_open=1.0, lip_spread=0.0)[2])
    assert rim - core > 25.0, (rim, core, rim_off, core_off)
    assert abs(core - core_off) < 1.6, (core, core_off)  # the middle keeps its dark


def test_the_photos_own_upper_crowns_light_keeps_the_photos_brightness(analysis):
    """_crown_light moves light from under the lip and the edge to mid-crown, not away: laid from a
    flat grey photo (180) at a 30 px run, the crown's mean luma from the lip to 2 px above its edge is
    within 1.5 levels of the grey (as bare factors, 0.972 of it: 175, every row further under its
    photo's teeth: rev39t), and its px under the lip still darker than mid-crown."""
    run_px = 30.0
    painter, mouth_w, *_ = _own_teeth_grid(analysis, run_px=run_px, n_u=2, reach=1.0)
    keep = painter._edge_table
    painter.image = np.full_like(painter.image, 180)
    at = np.float32(painter._rest_mouth_w / mouth_w)
    edge = run_px * float(keep[len(keep) // 2]) / at
    d_upper = np.arange(0.25, edge - 2.0, 0.25, dtype=np.float32)
    color, laid = _laid_row(painter, mouth_w=mouth_w, u=np.full(len(d_upper), 0.5, np.float32), d_upper=d_upper,
                            run_px=run_px)
    assert (laid > 0.99).all(), laid.min()
    luma = color @ np.array([0.299, 0.587, 0.114])
    assert abs(luma.mean() - 180.0) <= 1.5, luma.mean()
    assert luma[:4].mean() < luma[len(luma) // 2] - 5.0, luma


def test_a_narrow_mid_mouth_crown_is_merged_and_narrow_end_crowns_notch_less():
    """_crown_edge_table over 01's found gaps (0.312 0.393 0.488 0.535 0.582 0.66: two 0.047 crowns
    mid-mouth beside 0.08-0.10 ones, a dark spike inside a central incisor at /i/ and smile, rev39t)
    has no embrasure at 0.535 (the edge there within 1% of its tips), the centrals are the crowns
    beside the gap nearest u 0.5 (0.488: both 0.05 of the run longer than the next crowns out, not
    two crowns left of it), and on 11's gaps (0.041-0.05 crowns at the ends) an end crown's notch
    is shallower than a mid-mouth one's (min(1, narrower crown / median) of EDGE_NOTCH)."""
    from facetalk.render.mouth import EDGE_NOTCH, EDGE_TABLE_N, _crown_edge_table

    uu = np.linspace(0.0, 1.0, EDGE_TABLE_N)
    at = lambda table, u: float(np.interp(u, uu, table))
    table = _crown_edge_table(np.array([0.312, 0.393, 0.488, 0.535, 0.582, 0.66]), kept=np.ones(EDGE_TABLE_N))
    assert at(table, 0.535) > 0.99 * max(at(table, 0.512), at(table, 0.558)), table[::64]
    left, right = at(table, 0.44), at(table, 0.535)  # mid-crown of each central (0.393-0.488, 0.488-0.582)
    assert abs(left - right) < 0.01 and min(left, right) > at(table, 0.352) + 0.03 and right > at(table, 0.621) + 0.03
    gaps = np.array([0.137, 0.178, 0.227, 0.273, 0.33, 0.398, 0.508, 0.598, 0.672, 0.754, 0.805, 0.855, 0.91])
    table = _crown_edge_table(gaps, kept=np.ones(EDGE_TABLE_N))
    notch = lambda g, a, b: min(at(table, 0.5 * (a + g)), at(table, 0.5 * (g + b))) - at(table, g)
    assert notch(0.178, 0.137, 0.227) < 0.85 * notch(0.598, 0.508, 0.672), (notch(0.178, 0.137, 0.227),
                                                                             notch(0.598, 0.508, 0.672))
    assert notch(0.598, 0.508, 0.672) > 0.5 * EDGE_NOTCH


def test_a_nearly_shut_rounded_mouths_slit_keeps_its_dark(analysis):
    """_rolled_in_rim fades in as the jaw opens past the photo's own opening (O_RIM_OPENED): at jaw 0.05 with
    the lips rounded (spread -0.75) the slit is no /o/, and lit as rim through and through its dark went muddy
    (rev39o: 13's darkest 3% 34.9 -> 43.2, out/fix39o/bu_slit.py: 33.4 -> 40.2). On the bundled photo (opened
    0.02) the frame is the one with the pass off to the bit (unfaded, as at 54184fd: 231 px up to 4 levels)."""
    frames = []
    for off in (False, True):
        with pytest.MonkeyPatch.context() as patch:
            if off:  # raising=False: the same frame where the pass does not exist
                patch.setattr(MouthPainter, "_rolled_in_rim", lambda self, *a, **k: None, raising=False)
            frames.append(_o_rim_and_core(analysis, jaw_open=0.05, lip_spread=-0.75)[2])
    lit, off = frames
    assert np.array_equal(lit, off), (np.abs(lit - off).max(), np.any(lit != off, axis=2).sum())


def test_a_near_zero_tongue_tip_draws_next_to_nothing_at_a_wide_jaw(analysis):
    """The tip is drawn eased in (_tip_drawn): a net's 0.04 between raised frames must not move the tongue's
    outline. At jaw 0.77 the bundled portrait's tip of 0.04 changed 107 px by more than 10 levels drawn linearly
    (judge42: 268 px on 12), flickering the tongue's edge; eased, 0 (out/pop42/lowtip.py), while a tip of 0.5
    draws as before (454 px)."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    rest = renderer.render(MotionFrame(t_s=0, jaw_open=0.77)).astype(int)

    def changed(tip: float) -> int:
        frame = renderer.render(MotionFrame(t_s=0, jaw_open=0.77, tongue_tip=tip)).astype(int)
        return int((np.abs(frame - rest).max(axis=2) > 10).sum())

    raised = changed(0.5)
    assert raised > 200
    assert changed(0.04) <= 0.02 * raised, (changed(0.04), raised)


def test_a_rounded_mouths_rim_lights_toward_its_faces_edge_not_the_lips_tone(analysis):
    """_rolled_in_rim on rounded lips (rounded 1) lights the cavity past the faces toward the faces' own colour at
    their edge (_rim_rgb), O_RIM_ROUND_LIGHT of the way: toward the lip's tone (13's magenta) at O_RIM_LIGHT it
    stood as a lilac ring inside the faces' band (judge47 item 3). Unrounded (rounded 0) the rim is the lip's as
    before: the faces' edge colour does not move it. Synthetic faces: 8 px inside their edge, 8 dark px past it."""
    from facetalk.render.mouth import O_RIM_ROUND_LIGHT, _Faces

    painter = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    mouth_w = painter._rest_mouth_w
    beyond = np.array([-1.0] * 8 + [0.3] * 8, np.float32)
    dark = np.array([20.0, 18.0, 18.0])

    def rim(edge_rgb, rounded):
        faces = _Faces(px=np.arange(8), cover=np.ones(8, np.float32), near=np.arange(16), beyond_px=beyond,
                       opens=1.0, rounded=rounded)
        color = np.vstack([np.tile(edge_rgb, (8, 1)), np.tile(dark, (8, 1))]).astype(np.float64)
        painter._rolled_in_rim(color, faces, laid=np.zeros(16), short=1.0, mouth_w=mouth_w,
                               peak_opening=painter._rest_peak + 0.3 * mouth_w)
        return color[8:]

    brown, green = np.array([70.0, 40.0, 30.0]), np.array([30.0, 70.0, 30.0])
    assert np.array_equal(rim(brown, 0.0), rim(green, 0.0))  # unrounded: the lip's tone, whatever the faces
    lit = rim(brown, 1.0)
    assert not np.array_equal(lit, rim(green, 1.0))
    step = lit - dark  # toward the faces' edge colour, at most O_RIM_ROUND_LIGHT of the way
    assert (step > 0.0).all(), step
    np.testing.assert_allclose(step / (brown - dark), (step / (brown - dark))[:, :1].repeat(3, axis=1), rtol=1e-6)
    assert (step / (brown - dark)).max() <= O_RIM_ROUND_LIGHT + 1e-9


def test_a_rounded_mouths_faces_keep_the_lips_hue_at_their_own_light():
    """_lip_hued (rounded lips' faces, _lay_corner_faces): each pixel goes `share` of the way to the lip's hue at
    its own luma, so a face greyed toward a lilac mouth comes back red, as light as it was laid; share 0 leaves
    it to the bit. Greyed and rolled into the mouth's colour, 13's /o/ faces were a grey-mauve band (judge47)."""
    from facetalk.render.mouth import _lip_hued

    lip = np.array([180.0, 90.0, 100.0])
    mauve = np.array([[90.0, 80.0, 100.0], [60.0, 55.0, 70.0], [200.0, 200.0, 200.0]])
    color = mauve.copy()
    _lip_hued(color, np.arange(3), lip_rgb=lip, share=np.array([1.0, 0.5, 0.0]))
    luma = np.array([0.299, 0.587, 0.114])
    np.testing.assert_allclose(color[0] / (color[0] @ luma), lip / (lip @ luma), rtol=1e-6)
    np.testing.assert_allclose(color[:2] @ luma, mauve[:2] @ luma, rtol=1e-6)  # its light kept (LUMA is float32)
    assert color[1, 0] - color[1, 2] > mauve[1, 0] - mauve[1, 2] + 5.0  # half way: redder than it was
    assert np.array_equal(color[2], mauve[2])


def test_at_luma_keeps_the_hue_at_the_asked_light_and_a_black_at_its_floor():
    """_at_luma (render.mouth's rescaling of one colour to a luma; _warmed_black and _lip_hued keep their own, per
    pixel or rounded differently): the result has the asked luma in the same hue; a colour darker than `floor` is
    scaled as if it were `floor` light (no division by a black's 0)."""
    from facetalk.render.mouth import _at_luma

    rgb = np.array([120.0, 60.0, 30.0])
    out = _at_luma(rgb, 45.0, floor=1.0)
    assert abs(float(out @ LUMA) - 45.0) < 1e-4
    np.testing.assert_allclose(out / out.sum(), rgb / rgb.sum())
    np.testing.assert_allclose(_at_luma(np.zeros(3), 45.0, floor=1e-6), np.zeros(3))
    np.testing.assert_allclose(_at_luma(np.array([0.5, 0.5, 0.5]), 10.0, floor=1.0), [5.0, 5.0, 5.0])


def test_a_rounded_mouths_faces_darken_toward_the_opening_in_the_lips_hue():
    """_lip_hued's `shade`: a face pixel goes to the lip's hue at its own luma less `shade` of it (a rounded mouth's
    faces fall toward the opening, ROUND_FACE_SHADE; laid at one light, 12's were a flat grey-lilac band); shade 0
    is the unshaded call to the bit."""
    from facetalk.render.mouth import _lip_hued

    lip = np.array([180.0, 90.0, 100.0])
    face = np.array([[150.0, 120.0, 125.0], [150.0, 120.0, 125.0], [150.0, 120.0, 125.0]])
    plain, shaded = face.copy(), face.copy()
    _lip_hued(plain, np.arange(3), lip_rgb=lip, share=np.ones(3))
    _lip_hued(shaded, np.arange(3), lip_rgb=lip, share=np.ones(3), shade=np.array([0.0, 0.3, 0.6]))
    luma = np.array([0.299, 0.587, 0.114])
    assert np.array_equal(shaded[0], plain[0])
    np.testing.assert_allclose(shaded[1:] @ luma, (face[1:] @ luma) * np.array([0.7, 0.4]), rtol=1e-6)
    np.testing.assert_allclose(shaded[2] / (shaded[2] @ luma), lip / (lip @ luma), rtol=1e-6)  # still the lip's hue


def test_a_rounded_mouths_faces_fall_no_darker_than_the_floor():
    """_lip_hued's `floor` (ROUND_FACE_FLOOR over the opening's dark): the shade takes a face pixel no lower than it,
    and one laid darker already keeps its own luma; unfloored, 13's and 07's dark faces merged with the core, the
    near-black hole widening sideways in spurs (rev50m)."""
    from facetalk.render.mouth import _lip_hued

    lip = np.array([180.0, 90.0, 100.0])
    face = np.array([[150.0, 120.0, 125.0], [70.0, 50.0, 55.0], [40.0, 30.0, 32.0]])  # luma 129.5, 56.6, 33.2
    floored = face.copy()
    _lip_hued(floored, np.arange(3), lip_rgb=lip, share=np.ones(3), shade=np.full(3, 0.6), floor=50.0)
    luma = np.array([0.299, 0.587, 0.114])
    np.testing.assert_allclose(floored @ luma, [(face[0] @ luma) * 0.4, 50.0, face[2] @ luma], rtol=1e-6)
    np.testing.assert_allclose(floored[1] / (floored[1] @ luma), lip / (lip @ luma), rtol=1e-6)

def _rendered_with_and_without(analysis, *, constant: str, off: float, **shape) -> tuple[np.ndarray, np.ndarray]:
    """The frame of `shape` rendered as shipped and with render.mouth's `constant` set to `off`, (H, W, 3) float."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    frame = MotionFrame(t_s=0, **shape)
    shipped = np.asarray(Renderer(analysis).render(frame)).astype(float)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mouth_module, constant, off)
        without = np.asarray(Renderer(analysis).render(frame)).astype(float)
    return shipped, without



def test_a_rendered_o_s_faces_fall_darker_only_when_rounded(analysis):
    """paint's wiring of ROUND_FACE_SHADE (_lay_corner_faces): the bundled photo's /o/ faces come out darker than
    laid at one light (ROUND_FACE_SHADE 0), no pixel lighter; the widest vowel (lips not rounded) is bit-identical."""
    def both(**shape) -> tuple[np.ndarray, np.ndarray]:
        return _rendered_with_and_without(analysis, constant="ROUND_FACE_SHADE", off=0.0, **shape)

    shaded, flat = both(jaw_open=0.38, lip_spread=-0.75)
    moved = np.abs(shaded - flat).max(axis=2) > 0.0
    assert moved.sum() > 20, moved.sum()
    drop = flat[moved] @ LUMA - shaded[moved] @ LUMA
    assert drop.min() >= -0.5 and drop.mean() > 2.0, (drop.min(), drop.mean())
    wide, wide_flat = both(jaw_open=1.0)
    assert np.array_equal(wide, wide_flat)


def _hue_gap(rgb: np.ndarray, lip_rgb: np.ndarray) -> np.ndarray:
    """(n,) how far each (n, 3) colour's hue (its RGB over its luma) lies from the lip's."""
    return np.linalg.norm(rgb / np.maximum(rgb @ LUMA, 1.0)[:, None] - lip_rgb / float(lip_rgb @ LUMA), axis=1)


def _chroma_per_luma(rgb: np.ndarray) -> np.ndarray:
    """(n,) each (n, 3) colour's chroma (max - min channel) over its luma: 0 grey, at any light."""
    return np.ptp(rgb, axis=1) / np.maximum(rgb @ LUMA, 1.0)


def test_a_rendered_o_s_faces_keep_the_lips_hue_and_its_rim_is_not_the_lips_tone(analysis):
    """The bundled photo's rendered /o/ (paint's wiring, not the helpers alone): its corner faces go toward the lip's
    hue (_lay_corner_faces' _lip_hued; with ROUND_FACE_LIP_HUE 0 they stay greyed, 13's grey-mauve band) and its lit
    rim goes less far, toward the faces' edge, not the lip's tone (_rolled_in_rim's rounded branch; as before o48,
    O_RIM_LIGHT toward the lip's tone, 13's lilac ring). Fails with either call taken out of paint's path. The hue
    is measured with the faces' fall to the lip's shadow hue off (ROUND_FACE_SHADOW_HUE 0): that part is
    test_a_rendered_o_s_faces_take_the_lips_shadow_hue's. As shipped (both pulls on) the faces are no greyer
    (chroma per luma) than un-hued (ROUND_FACE_LIP_HUE 0) nor than with the lit lip's hue alone (main before lens51):
    0.435 vs 0.417 and 0.412; the shadow pull taken out (0.412) or turned away from the shadow (-1: 0.388) fails."""
    from facetalk.render import mouth as mouth_module

    lip_rgb = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)._lip_rgb.astype(float)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mouth_module, "ROUND_FACE_SHADOW_HUE", 0.0)
        lip_hued = _o_rim_and_core(analysis)[2]
        patch.setattr(mouth_module, "ROUND_FACE_LIP_HUE", 0.0)
        grey = _o_rim_and_core(analysis)[2]
    toned = _o_rim_and_core(analysis)[2]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(mouth_module, "O_RIM_ROUND_LIGHT", mouth_module.O_RIM_LIGHT)
        patch.setattr(mouth_module, "_rim_rgb", lambda color, faces, *, lip_rgb: lip_rgb)
        lilac = _o_rim_and_core(analysis)[2]
    hued = np.abs(lip_hued - grey).max(axis=2) > 0.0
    assert hued.sum() > 20, hued.sum()
    assert _hue_gap(lip_hued[hued], lip_rgb).mean() < 0.9 * _hue_gap(grey[hued], lip_rgb).mean()  # 0.080 vs 0.097
    shipped = _chroma_per_luma(toned[hued]).mean()  # the settings as shipped: no greyer than un-hued
    assert shipped > _chroma_per_luma(grey[hued]).mean() + 0.01, (shipped, _chroma_per_luma(grey[hued]).mean())
    assert shipped > _chroma_per_luma(lip_hued[hued]).mean() + 0.01, (shipped, _chroma_per_luma(lip_hued[hued]).mean())
    rim = np.abs(toned - lilac).max(axis=2) > 0.0
    assert rim.sum() > 20, rim.sum()
    assert (toned[rim] @ LUMA).mean() < (lilac[rim] @ LUMA).mean() - 1.0  # lit less far (86.0 vs 88.1)
    assert _hue_gap(toned[rim], lip_rgb).mean() > 1.1 * _hue_gap(lilac[rim], lip_rgb).mean()  # 0.159 vs 0.139


def test_a_short_round_opening_darkens_with_depth_its_teeth_and_tongue_less():
    """_round_depth: a short round opening's bare cavity goes ROUND_DEPTH_DIM[0] of the way to the mouth's black at
    the lips and [1] at the opening's centre line, darker with depth; the tongue ROUND_TONGUE_KEEP less, synthetic
    teeth (inside 0) ROUND_TEETH_DIM at any depth, the photo's own laid pixels not at all; an opening that is not
    short round (short 0) is left bit for bit (every unrounded shape's frame)."""
    from facetalk.render.mouth import ROUND_DEPTH_DIM, ROUND_TEETH_DIM, ROUND_TONGUE_KEEP, _round_depth

    rgb, black = np.array([120.0, 60.0, 40.0]), np.array([4.0, 2.0, 1.0])
    # a 20 px peak: lip, shallow, mid, centre line; then at the centre line tongue, teeth, the photo's own teeth
    d_upper = np.array([0.0, 2.0, 5.0, 10.0, 10.0, 10.0, 10.0])
    inside, tongue = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]), np.array([0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0])
    kept = np.array([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0])
    shades = {}
    for short in (0.0, 1.0):
        shades[short] = np.tile(rgb, (7, 1))
        _round_depth(shades[short], d_upper=d_upper, d_lower=20.0 - d_upper, peak_opening=20.0, short=short,
                     widened=0.7, black_rgb=black, inside=inside, tongue=tongue, kept=kept)
    assert np.array_equal(shades[0.0], np.tile(rgb, (7, 1)))
    color = shades[1.0]
    assert np.all(np.diff(color[:4] @ LUMA) < 0.0), color @ LUMA  # darker with depth
    np.testing.assert_allclose(color[0], rgb + ROUND_DEPTH_DIM[0] * (black - rgb))
    np.testing.assert_allclose(color[3], rgb + ROUND_DEPTH_DIM[1] * (black - rgb))
    np.testing.assert_allclose(color[4], rgb + (1.0 - ROUND_TONGUE_KEEP) * ROUND_DEPTH_DIM[1] * (black - rgb))
    np.testing.assert_allclose(color[5], rgb + ROUND_TEETH_DIM * (black - rgb))
    assert np.array_equal(color[6], rgb)  # the photo's own



def test_a_wide_slightly_rounded_opening_is_dimmed_less_than_a_short_round_one():
    """_round_depth's strength falls with how little the lips narrowed the opening (ROUND_DEPTH_NARROW): a nearly
    full-width opening (12 at lip_spread -0.3 went near-black, judge49b) keeps more of its light than /o/'s, none
    dimmed up to ROUND_DEPTH_NARROW[0], and the luma falls monotonically and without a jump as the lips narrow."""
    from facetalk.render.mouth import ROUND_DEPTH_NARROW, _round_depth

    rgb, black = np.array([150.0, 70.0, 60.0]), np.array([20.0, 8.0, 6.0])
    d_upper = np.array([0.0, 4.0, 10.0])
    ones, zeros = np.ones(3), np.zeros(3)

    def core_luma(widened: float) -> float:
        color = np.tile(rgb, (3, 1))
        _round_depth(color, d_upper=d_upper, d_lower=20.0 - d_upper, peak_opening=20.0, short=1.0, widened=widened,
                     black_rgb=black, inside=ones, tongue=zeros, kept=zeros)
        return float(color[2] @ LUMA)

    lit = float(rgb @ LUMA)
    assert core_luma(1.0 - ROUND_DEPTH_NARROW[0]) == lit  # barely narrowed: untouched
    wide, short_round = core_luma(0.88), core_luma(0.75)
    assert short_round < wide - 30.0, (wide, short_round)
    sweep = np.array([core_luma(w) for w in np.linspace(1.0, 0.6, 41)])
    assert np.all(np.diff(sweep) <= 0.0) and np.abs(np.diff(sweep)).max() < 12.0, sweep

def test_a_round_opening_darkens_toward_the_mouths_own_dark_not_the_faces():
    """_round_black: the throat's hue at the mean luma of the photo's darkest mouth pixels (ROUND_BLACK_PERCENT), at
    most ROUND_BLACK_MOST, never darker than the mouth's black: toward the face's darkest (a suit's, luma ~0), 13's
    /o/ core went darker than anything in its own mouth (rev49o)."""
    from facetalk.render.mouth import ROUND_BLACK_MOST, _round_black

    black, throat = np.array([1.0, 0.5, 0.2]), np.array([90.0, 45.0, 30.0])
    lit = np.tile([150.0, 90.0, 80.0], (990, 1))
    for dark_rgb, luma in (([60.0, 30.0, 20.0], ROUND_BLACK_MOST), ([14.0, 8.0, 6.0], np.array([14.0, 8.0, 6.0]) @ LUMA)):
        got = _round_black(np.vstack([np.tile(dark_rgb, (10, 1)), lit]), black=black, throat=throat)
        np.testing.assert_allclose(got, throat * luma / (throat @ LUMA))  # the throat's hue, at most the cap
    faded = np.array([40.0, 30.0, 30.0])  # a faded print's black, lighter than the mouth's darkest
    assert np.array_equal(_round_black(np.vstack([np.tile([14.0, 8.0, 6.0], (10, 1)), lit]), black=faded,
                                       throat=throat), faded)
    assert np.array_equal(_round_black(np.empty((0, 3)), black=black, throat=throat), black)


def test_an_o_opening_has_a_dark_core_not_a_lit_lens(analysis):
    """At /o/ (jaw 0.38, lips rounded 0.75) the opening's core is dark, yet no darker than the photo's own mouth
    (_round_black): lit as a wide mouth's (ROUND_DEPTH_DIM 0), its inside was a grey-brown lens, no dark hole
    (judge48: 02, 07); toward the face's darkest, a near-black cut-out (rev49o: its darkest 8's mean 7.7). Here
    the core's mean 59.5 -> 47.8 (under 49.5 with lens49c's ROUND_TONGUE_KEEP 0.5), its min 25.0 over the mouth's own dark 23.9; the portraits' /o/ darkest quarter
    22-58 -> 16-40 (08, 09 ~80 -> ~70; out/lens49b/all14c.log)."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    frame = MotionFrame(t_s=0, jaw_open=0.38, lip_spread=-0.75)
    verts = posed_vertices(analysis.rig, frame)
    mid = len(lm.LIPS_INNER_UPPER) // 2
    (x, top), (_, bottom) = verts[lm.LIPS_INNER_UPPER[mid], :2], verts[lm.LIPS_INNER_LOWER[mid], :2]
    x, opening = int(round(x)), bottom - top
    core = lambda out: out[int(top + 0.3 * opening):int(top + 0.7 * opening) + 1,  # noqa: E731
                           x - 3:x + 4].astype(float) @ LUMA
    renderer = Renderer(analysis)
    dark = core(renderer.render(frame))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(mouth_module, "ROUND_DEPTH_DIM", (0.0, 0.0))
        lit = core(Renderer(analysis).render(frame))
    floor = float(renderer._mouth._round_black_rgb @ LUMA)
    assert dark.mean() < lit.mean() - 10.0, (dark.mean(), lit.mean())
    assert dark.min() >= floor - 1.0, (dark.min(), floor)  # the mouth's own dark, not the face's


def test_a_rounded_mouths_faces_take_the_lips_shadow_hue_as_they_fall_dark():
    """_lip_hued's `shadow_rgb` (_shadow_hue, ROUND_FACE_SHADOW_HUE): a face at the lit lip's luma keeps the lip's
    hue, one at the lip's own shadow's luma or darker takes the shadow's (redder for a red lip: the lit lip's hue
    scaled down greyed 02's faces into a grey-blue lens, judge50), one between goes part way; no shadow is the old
    call to the bit."""
    from facetalk.render.mouth import ROUND_FACE_SHADOW_HUE, _lip_hued

    luma = np.array([0.299, 0.587, 0.114])
    lip, shadow = np.array([190.0, 120.0, 105.0]), np.array([110.0, 35.0, 28.0])  # 02-like: the shadow far redder
    lip_l, shadow_l = float(lip @ luma), float(shadow @ luma)
    grey = np.array([1.0, 1.0, 1.0])
    face = np.stack([grey * lip_l, grey * 0.5 * (lip_l + shadow_l), grey * shadow_l, grey * 0.6 * shadow_l])
    old, new = face.copy(), face.copy()
    _lip_hued(old, np.arange(4), lip_rgb=lip, share=np.ones(4))
    _lip_hued(new, np.arange(4), lip_rgb=lip, share=np.ones(4), shadow_rgb=shadow)
    np.testing.assert_allclose(new @ luma, face @ luma, rtol=1e-5)  # light as laid
    np.testing.assert_allclose(new[0], old[0], rtol=1e-9)  # at the lip's light: the lip's hue
    want = lip / lip_l + ROUND_FACE_SHADOW_HUE * (shadow / shadow_l - lip / lip_l)
    for row in (2, 3):  # at the shadow's light and under it: the shadow's hue
        np.testing.assert_allclose(new[row] / (new[row] @ luma), want, rtol=1e-5)
    red = lambda c: c[:, 0] - c[:, 2]  # noqa: E731
    assert np.all(red(new[1:]) > red(old[1:]) + 5.0), (new, old)  # redder than the lit hue scaled down
    per_light = red(new) / (new @ luma)
    assert per_light[0] < per_light[1] < per_light[2], per_light  # between the two: part way
    plain = face.copy()
    _lip_hued(plain, np.arange(4), lip_rgb=lip, share=np.ones(4), shadow_rgb=None)
    assert np.array_equal(plain, old)


def test_a_rendered_o_s_faces_take_the_lips_shadow_hue(analysis):
    """The bundled photo's rendered /o/ (paint's wiring: _lay_corner_faces passes the lip's shadow to _lip_hued): the
    faces' pixels that ROUND_FACE_SHADOW_HUE moves lie nearer the photo's own lip shadow's hue than with it at 0, at
    the same light within a level; the widest vowel (lips not rounded) is bit-identical."""
    shadow = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)._lip_shadow_rgb.astype(float)
    shipped, lit_hue = _rendered_with_and_without(analysis, constant="ROUND_FACE_SHADOW_HUE", off=0.0, jaw_open=0.38,
                                                  lip_spread=-0.75)
    moved = np.abs(shipped - lit_hue).max(axis=2) > 1.0
    assert moved.sum() > 20, moved.sum()
    assert _hue_gap(shipped[moved], shadow).mean() < 0.8 * _hue_gap(lit_hue[moved], shadow).mean()
    assert abs(float((shipped[moved] @ LUMA).mean() - (lit_hue[moved] @ LUMA).mean())) < 1.0
    wide, wide_lit = _rendered_with_and_without(analysis, constant="ROUND_FACE_SHADOW_HUE", off=0.0, jaw_open=1.0)
    assert np.array_equal(wide, wide_lit)


def _fringe_rows(image, analysis):
    """The widest vowel drawn on `image` (the analysis' photo replaced): (the mouth painter, luma 3-5 px
    under the upper inner lip, luma of the same columns' hair 0.2 mouth widths above it, the opening's darkest),
    mid-mouth (+-0.1 mouth widths)."""
    from dataclasses import replace

    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer, posed_vertices

    renderer = Renderer(replace(analysis, image=image, appearance=replace(analysis.appearance, texture=image)))
    frame = MotionFrame(t_s=0, jaw_open=1.0)
    luma = renderer.render(frame).astype(float) @ LUMA
    verts = posed_vertices(analysis.rig, frame)[:, :2]
    mouth_w = float(np.linalg.norm(verts[lm.MOUTH_CORNERS[0]] - verts[lm.MOUTH_CORNERS[1]]))
    upper, lower = verts[list(lm.LIPS_INNER_UPPER)], verts[list(lm.LIPS_INNER_LOWER)]
    mid = float(upper[len(upper) // 2, 0])
    xs = np.arange(int(round(mid - 0.1 * mouth_w)), int(round(mid + 0.1 * mouth_w)) + 1)
    top = np.interp(xs, *upper[np.argsort(upper[:, 0])].T)
    bottom = np.interp(xs, *lower[np.argsort(lower[:, 0])].T)
    under = np.mean([luma[np.rint(top + d).astype(int), xs].mean() for d in (3, 4, 5)])
    hair = luma[np.rint(top - 0.2 * mouth_w).astype(int), xs].mean()
    darkest = min(luma[int(t):int(b), x].min() for t, b, x in zip(top, bottom, xs))
    return renderer._mouth, under, hair, darkest


def test_a_moustache_over_the_upper_lip_hangs_a_fringe_over_the_opening(analysis):
    """Hair hiding the upper lip (08's white moustache, the landmarks' inner lip on the hair) hangs
    over the top of the opening as a solid fringe (MouthPainter._fringe): the opening appears under
    the hair's edge, not cut through it (08's widest vowel was a dark pentagon in the moustache).
    On the faded bearded bundled photo, 3-5 px under the upper inner lip mid-mouth the widest vowel
    is hair-light (luma 163 against 159 for the hair above it; 119 before, the drape fading
    quadratically into the dark); the opening under it stays dark (its darkest 43)."""
    painter, under, hair, darkest = _fringe_rows(_faded_bearded(analysis), analysis)
    assert painter._lip_hair > 0.9
    assert under > 0.85 * hair and darkest < 0.75 * hair, (under, hair, darkest)


def test_a_lip_hidden_by_hair_on_a_sepia_print_takes_the_prints_tint_at_its_light(analysis):
    """On a one-tint print the hidden lower lip (_hidden_lip_rgb) is the print's own tint at its
    light (mouth._in_print_tint): clipped into the print's whole gamut only, it was a tone more
    saturated than any of the print's pixels at that light (08: a pink-beige band under its white
    moustache). On the sepia-toned bearded bundled photo its chromaticity lies within 0.0004 of the
    median of the print's pixels within 8 levels of its luma (0.012 before), at the same luma."""
    image = _sepia(_moustache(analysis, over_lips=True))
    painter = MouthPainter(analysis.rig, image, analysis.appearance.grain)
    assert painter._lip_hair > 0.3 and painter._held == 1.0
    rgb = painter._hidden_lip_rgb
    luma = float(rgb @ LUMA)
    pixels = image.reshape(-1, 3).astype(float)
    lumas = pixels @ LUMA
    near = np.abs(lumas - luma) <= 8.0
    tint = np.median(pixels[near] / lumas[near, None], axis=0)
    off = float(np.abs(rgb / luma - tint / float(tint @ LUMA)).max())
    assert off < 0.005, (rgb / luma, tint)


def test_an_upper_lip_hidden_by_hair_lifts_less_as_the_jaw_opens(analysis):
    """A moustache hanging over the upper lip barely moves as the jaw opens: the rig's wide-jaw lip
    lift is kept at HAIR_LIP_LIFT where hair hides the lip wholly (08's white moustache rose with the
    lip and its widest vowel opened high in the hair); a bare lip keeps its whole lift."""
    from dataclasses import replace

    from facetalk.render.mouth import HAIR_LIP_LIFT, hair_lip_lift_share
    from facetalk.render.renderer import with_photo_lip_lift

    image = _faded_bearded(analysis)
    assert hair_lip_lift_share(rig=analysis.rig, image=analysis.image) == 1.0
    hidden = hair_lip_lift_share(rig=analysis.rig, image=image)
    assert HAIR_LIP_LIFT <= hidden < HAIR_LIP_LIFT + 0.1, hidden
    fitted = with_photo_lip_lift(replace(analysis, image=image))
    assert fitted.rig.lip_lift_share == pytest.approx(hidden)
    assert with_photo_lip_lift(fitted).rig is fitted.rig


def test_synthetic_teeth_are_lit_over_the_skin_up_to_the_faces_highlights():
    """A closed-mouth photo's synthetic upper row is lit lighter than TEETH_OVER_SKIN x the skin by
    what _shade takes off it (DRAWN_TEETH_SHADE): drawn at 1.2 x the skin the upper row came
    out at 0.55-0.85 of an orange skin's luma (02's /i/ and jaw 0.6), a grey-olive band (judge52).
    Lifted past 1.2 x the skin only as far as the face's own highlights go (a faded print's teeth at
    its brightest read as a bright band), never over DRAWN_TEETH_LUMA's top, warm and paler than
    the skin."""
    from pathlib import Path

    from facetalk.face import landmarks as lm
    from facetalk.face.rig import build_rig
    from facetalk.render.mouth import DRAWN_TEETH_LUMA, N_TH, TEETH_OVER_SKIN, TH_UPPER_COVER, TH_UPPER_SHADE

    landmarks = np.load(Path(__file__).resolve().parents[1] / "face" / "data" / "painting_landmarks.npz")["landmarks_px"]
    rig = build_rig(landmarks)
    stripes = np.array([[200, 150, 130], [90, 120, 170], [110, 150, 90]], np.uint8)[(np.arange(512) // 8) % 3]
    skin_rgb = np.array([209.0, 131.0, 95.0])  # 02's lit skin
    skin = float(skin_rgb @ LUMA)
    oval = landmarks[list(lm.FACE_OVAL), :2]
    (x0, y0), (x1, y1) = np.floor(oval.min(axis=0)).astype(int), np.ceil(oval.max(axis=0)).astype(int)
    teeth = {}
    for highlight in (245, 190):
        image = np.tile(stripes[None], (512, 1, 1))  # a colour picture about the face: not a one-tint print
        image[y0:y1, x0:x1] = skin_rgb
        image[y0:y1:3, x0:x1:3] = highlight  # glints, eye whites: a ninth of the face
        painter = MouthPainter(rig, image, np.zeros((512, 512, 3), np.float32))
        assert not painter._own_teeth
        row = np.zeros((N_TH, 1))
        row[TH_UPPER_COVER], row[TH_UPPER_SHADE] = 1.0, 1.0  # an upper tooth, wholly lit (none of the lips' warmth)
        teeth[highlight] = painter.teeth_rgb * painter._teeth_tints(row)[1, 0]  # as _shade_teeth paints it
    lit, dim = (float(teeth[h] @ LUMA) for h in (245, 190))  # the upper row's, as drawn
    assert lit >= 1.4 * skin and lit <= DRAWN_TEETH_LUMA[1] + 1e-6, (lit, skin)  # its reddest channel at most 255
    assert TEETH_OVER_SKIN * skin - 1e-6 <= dim <= 190.0 + 1e-6, dim
    colour = teeth[245]
    assert colour[0] > colour[1] > colour[2]  # warm
    chroma = lambda rgb: float(np.abs(rgb / (rgb @ LUMA) - 1.0).max())  # noqa: E731
    assert chroma(colour) < 0.6 * chroma(skin_rgb)  # off-white, not the skin's orange


def test_a_visibly_grained_pictures_dark_inside_keeps_its_grain():
    """A painting's brushwork is on all it shows, its dark inside too: over a picture whose grain is
    8 levels (05's brushwork) a near-black inside (luma 18) keeps over 0.4 of it, where it kept a
    tenth (CAVITY_GRAIN_KEEP, faded under CAVITY_GRAIN_DARK: an airbrushed hole in the paint,
    judge52); a smooth photo's (2 levels, the toothy test photos' 1.9-3.3) keeps its tenth."""
    from pathlib import Path

    from facetalk.face import landmarks as lm
    from facetalk.face.rig import build_rig

    landmarks = np.load(Path(__file__).resolve().parents[1] / "face" / "data" / "painting_landmarks.npz")["landmarks_px"]
    rig = build_rig(landmarks)
    stripes = np.array([[200, 150, 130], [90, 120, 170], [110, 150, 90]], np.uint8)[(np.arange(512) // 8) % 3]
    image = np.tile(stripes[None], (512, 1, 1))  # a colour picture: not a one-tint print
    cx, cy = np.round(landmarks[list(lm.LIPS_OUTER_UPPER + lm.LIPS_OUTER_LOWER), :2].mean(axis=0)).astype(int)
    x0, y0, x1, y1 = cx - 30, cy - 30, cx + 30, cy + 30
    ys, xs = (a.ravel() for a in np.mgrid[0:60, 0:60])
    kept = {}
    for level in (8.0, 2.0):
        grain = np.random.default_rng(5).normal(0.0, level, (512, 512, 1)).astype(np.float32)
        painter = MouthPainter(rig, image, grain)
        out = np.full((512, 512, 3), 100, np.uint8)
        painter._composite(out, (x0, y0, x1, y1), ys, xs, np.full((len(ys), 3), 18.0), np.ones(len(ys)),
                           inside=np.ones(len(ys)))
        inner = out[y0 + 10:y1 - 10, x0 + 10:x1 - 10].astype(float) @ LUMA
        kept[level] = float(inner.std()) / level
    assert kept[8.0] > 0.4 and kept[2.0] < 0.2, kept


def _cast(image: np.ndarray, gain: np.ndarray) -> np.ndarray:
    return np.clip(image.astype(float) * gain, 0, 255).round().astype(np.uint8)


@pytest.mark.parametrize("gain", [(0.9, 1.0, 1.45), (0.92, 1.0, 1.3), (0.85, 1.0, 1.15)], ids=["lilac", "blue", "cyan"])
def test_a_colour_cast_photos_mouth_inside_takes_the_cast(analysis, gain, monkeypatch):
    """The bundled photo under a lilac, blue or cyan cast (its skin's blue over green 1.38, 1.24,
    1.09, red over green 1.02, 1.05, 0.96, and its lips likewise past their bounds: _photo_cast): the throat, the
    tongue and its back are the uncast photo's under the same cast, each within 0.12 in
    chromaticity (rgb / luma), 0.08 on average (measured 0.05-0.12, 0.05-0.08). On the old code,
    read off the cast lips with the tongue mostly a fixed pink, they were 0.05-0.46 off, 0.09-0.32
    on average. The uncast photo reads no cast at all (its mouth as before, bit for bit)."""
    gain = np.array(gain)
    plain = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    cast = MouthPainter(analysis.rig, _cast(analysis.image, gain), analysis.appearance.grain)
    offs = []
    for name in ("throat_rgb", "tongue_rgb", "_tongue_back_rgb"):
        want, got = getattr(plain, name) * gain, getattr(cast, name)
        offs.append(np.abs(want / (want @ LUMA) - got / (got @ LUMA)).max())
    assert max(offs) <= 0.12 and np.mean(offs) <= 0.08, np.round(offs, 3)
    with monkeypatch.context() as patch:  # the painter with the cast step taken out
        patch.setattr(mouth_module, "_cast_interior", lambda inside, **_: inside)
        bare = MouthPainter(analysis.rig, analysis.image, analysis.appearance.grain)
    for name in ("throat_rgb", "tongue_rgb", "_tongue_back_rgb"):
        assert np.array_equal(getattr(plain, name), getattr(bare, name)), name
