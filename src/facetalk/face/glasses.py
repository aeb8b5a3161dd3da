"""Spectacle frames: whether the photo's face wears glasses, and a soft mask of the frame's pixels.

The renderer draws the masked pixels rigidly with the head (render.renderer) instead of letting the
mesh bend them with the brows, lids and cheeks. The cue is the one a frame gives and a face does
not: around each eye, outside its opening, a thin dark line (black-hat response) that goes all the
way round, including down the temple side and along the cheek where skin is smooth, plus a bridge
crossing the nose between the eyes. Each rim is traced as the strongest smooth closed loop in polar
coordinates about the eye (dynamic programming over angle); the mask is the traced band, its lens
side kept to the rim's median width (a crease touching a rim is not frame). The lens interior is
left out, so the eyes still animate behind it. Conservative: when in doubt, no glasses.

Opaque lenses (sunglasses) are found apart from the frames (`eyes_shown`, frames or none): an eye
behind one is not animated at all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facetalk.face import landmarks as lm

N_ANGLES = 72
N_RADII = 40
RIM_RADII_D = (0.2, 0.8)  # searched loop radii, in eye distances (centre to centre), along the eye axis
RIM_ASPECT = 0.72  # the search ellipse's height over its width (lenses are wider than tall)
# Share of a loop's angles that must show a line for it to count as a rim, gaps of up to RIM_GAP
# angles (15 deg) in the line counted as line: a drawn frame's rim breaks where its ink does (the
# cartoon h12 in out/portraits-heldout: 0.74/0.72 unbridged, 0.75/0.79 bridged; 0.8 was needed
# unbridged), a photographed one at a glint; 02 and 11 0.93 and up. This gate alone does not
# separate faces without glasses: the 20 photos of out/portraits, out/portraits-heldout and the
# bundled one, as photographed, keep the weaker rim at 0.62 at most, but mirrored the engraving
# 10 reaches 0.86/0.82 (above h12); over those 20 and their mirrors, each as is and restyled 7 ways
# (posterised, JPEG, noise, gamma, half size, sharpened), 20 of 320 pass it (4 at 0.8 unbridged).
# The bridge test is the main guard: 3 of the 320 are found (2 at 0.8 unbridged: 10 and its mirror
# posterised to 3 levels; now h05 mirrored, posterised, too; out/revframes54/REVIEW.md).
RIM_COVERAGE = 0.7
RIM_GAP = 3
RIM_LINE_CONTRAST = 2.2  # a line: its response over the median response about the eye
RIM_MIN_RESPONSE = 25.0  # ... and at least this many grey levels darker than its surroundings
BRIDGE_COVERAGE = 0.8  # share of the columns across the nose where the bridge's line must show
# A rim's band reaches into the lens at most this many times its median reach there over the loop
# (the rim's measured width): a lid crease touching a wire rim continues its line, and the band had
# grown into it (out/portraits' 11: 5-10 px at the top of a 2 px rim, out/fix46f/g11_mask.png),
# so the photo's unmoving, unshaded lid was laid back over the lowered one inside the lens, a ragged
# pale strip under anger's brows (1.5 left a thinner one; out/fear47/z_11_rimtop_caps.png). Outward
# it is left alone: a thick plastic top's corners (Grace Hopper's, 02) are wider than its median.
RIM_BAND_CAP = 1.0
# A brow that the rims' mask covers by more than this share of its area (landmarks' brow outline) is
# drawn on the frame's top or is it (the cartoon h12 in out/portraits-heldout: browline frames under
# brow strokes, 0.52-0.60 of each brow covered; 02's thick plastic top and 11's wire rims touch
# theirs, 0.06-0.31): it is left out of the mask, with the skin BROW_RISE_D eye distances above it,
# so that it moves with the brows (out/frames55/REPORT.md).
BROW_COVERED = 0.4
BROW_RISE_D = 0.3


@dataclass(frozen=True, eq=False)
class Glasses:
    """Frames found on the photo.

    mask: (y1 - y0, x1 - x0) float32 0..1, the frame's pixels (rims and bridge, not the lenses)
      in the box `box_px` = (x0, y0, x1, y1) of the framed image.
    """

    mask: np.ndarray
    box_px: tuple[int, int, int, int]

    def full_mask(self, shape: tuple[int, ...]) -> np.ndarray:
        """(H, W) float32 mask over an image of `shape`."""
        out = np.zeros(shape[:2], np.float32)
        x0, y0, x1, y1 = self.box_px
        out[y0:y1, x0:x1] = self.mask
        return out


@dataclass(frozen=True)
class _Rim:
    """One traced loop: (N_ANGLES, 2) px points on its line, inner and outer edges; coverage 0..1
    (the share of its angles on a line, breaks of up to RIM_GAP angles bridged)."""

    line_px: np.ndarray
    inner_px: np.ndarray
    outer_px: np.ndarray
    coverage: float


def find_glasses(image: np.ndarray, landmarks_px: np.ndarray) -> Glasses | None:
    """Glasses on an (H, W, 3) uint8 image whose face has (478, 3) `landmarks_px`; None if none."""
    import cv2

    pts = landmarks_px[:, :2].astype(np.float32)
    right = pts[[33, 133]].mean(axis=0)
    left = pts[[263, 362]].mean(axis=0)
    eye_d = float(np.linalg.norm(left - right))
    if eye_d < 20:
        return None
    axis = (left - right) / eye_d
    # Only the region around the eyes is looked at (cheap at any image size).
    reach = RIM_RADII_D[1] * eye_d + 4
    lo = np.maximum(np.floor(np.minimum(right, left) - reach).astype(int), 0)
    hi = np.minimum(np.ceil(np.maximum(right, left) + reach).astype(int), (image.shape[1], image.shape[0]))
    x0, y0, x1, y1 = int(lo[0]), int(lo[1]), int(hi[0]), int(hi[1])
    response = _line_response(image[y0:y1, x0:x1], eye_d, pts - (x0, y0))
    rims = [_trace_rim(response, centre - (x0, y0), axis, eye_d) for centre in (right, left)]
    if min(r.coverage for r in rims) < RIM_COVERAGE:
        return None
    bridge = _trace_bridge(response, rims, axis, eye_d)
    if bridge is None:
        return None
    mask = np.zeros(response.shape, np.uint8)
    for rim in rims:
        ring = np.concatenate([rim.outer_px, rim.inner_px[::-1]])
        cv2.fillPoly(mask, [np.round(ring * 4).astype(np.int32)], 255, cv2.LINE_AA, shift=2)
    cv2.fillPoly(mask, [np.round(bridge * 4).astype(np.int32)], 255, cv2.LINE_AA, shift=2)
    _leave_out_drawn_brows(mask, pts - (x0, y0), axis=axis, eye_d=eye_d)
    soft = cv2.GaussianBlur(mask.astype(np.float32) / 255.0, (0, 0), 0.6)
    # Kept to the frame's own box: the renderer composites it every frame.
    ys, xs = np.nonzero(soft > 1e-3)
    if not ys.size:  # rims traced outside the crop (a face at the image's edge)
        return None
    soft = soft[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    return Glasses(mask=np.ascontiguousarray(soft),
                   box_px=(x0 + int(xs.min()), y0 + int(ys.min()), x0 + int(xs.max()) + 1, y0 + int(ys.max()) + 1))


def _leave_out_drawn_brows(mask: np.ndarray, pts: np.ndarray, *, axis: np.ndarray, eye_d: float) -> None:
    """Clears from the uint8 `mask` (in place) each brow whose area (landmarks.RIGHT_BROW/LEFT_BROW
    of the (478, 2+) crop-px `pts`) the traced rims cover by more than BROW_COVERED, and the skin
    above it up to BROW_RISE_D eye distances: there the brow is drawn on or as the frame's top, and
    held rigid it would neither rise nor lower (nor would the rig move it: the brows' lift is held
    below the frames' top edge, face.rig._hold_over_frames)."""
    import cv2

    up = -BROW_RISE_D * eye_d * np.array([-axis[1], axis[0]])  # across the eye axis, toward the forehead
    for brow in (lm.RIGHT_BROW, lm.LEFT_BROW):
        outline = pts[list(brow), :2]
        area = np.zeros(mask.shape, np.uint8)
        cv2.fillPoly(area, [np.round(outline * 4).astype(np.int32)], 1, shift=2)
        if not area.any() or (mask[area > 0] >= 128).mean() <= BROW_COVERED:
            continue
        # The upper edge (the first five) raised, the lower edge kept: the brow and the skin it rises into.
        swept = np.concatenate([outline[:5] + up, outline[5:]])
        cv2.fillPoly(mask, [np.round(swept * 4).astype(np.int32)], 0, shift=2)


def _line_response(crop: np.ndarray, eye_d: float, pts: np.ndarray) -> np.ndarray:
    """(h, w) float32: how much darker than its surroundings a thin or thick line is at each pixel
    (black-hat at two widths: wire frames and thick plastic ones); zero inside the eye openings,
    whose lash lines would otherwise form a loop of their own."""
    import cv2

    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    response = np.zeros(grey.shape, np.float32)
    for width in (0.1, 0.22):
        k = max(3, int(round(width * eye_d)) | 1)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
        np.maximum(response, cv2.morphologyEx(grey, cv2.MORPH_BLACKHAT, kernel).astype(np.float32), out=response)
    openings = np.zeros(grey.shape, np.uint8)
    for upper, lower in ((lm.RIGHT_EYE_UPPER, lm.RIGHT_EYE_LOWER), (lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)):
        contour = np.concatenate([pts[list(upper)], pts[list(lower)][::-1]])
        cv2.fillPoly(openings, [np.round(contour).astype(np.int32)], 1)
    k = max(3, int(round(0.2 * eye_d)) | 1)
    openings = cv2.dilate(openings, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
    response[openings > 0] = 0
    return response


def _trace_rim(response: np.ndarray, centre: np.ndarray, axis: np.ndarray, eye_d: float) -> _Rim:
    """The strongest smooth closed loop of line response about an eye centre (px)."""
    angles = np.linspace(0.0, 2.0 * np.pi, N_ANGLES, endpoint=False)
    radii = np.linspace(*RIM_RADII_D, N_RADII) * eye_d
    u = np.cos(angles)[:, None] * radii[None]
    v = np.sin(angles)[:, None] * radii[None] * RIM_ASPECT
    polar, xy = _sample(response, centre, axis, u, v)
    # Of two loops, the outer one: a frame lies outside the lid folds and under-eye lines.
    path = _smooth_path(polar * np.linspace(0.6, 1.4, N_RADII)[None], closed=True)
    line = polar[np.arange(N_ANGLES), path]
    is_line = line > max(RIM_MIN_RESPONSE, RIM_LINE_CONTRAST * float(np.median(polar)))
    inner, outer = _band(polar, path, is_line, max_steps=int(0.08 * N_RADII / np.ptp(RIM_RADII_D)))
    inner = _cap_band(inner, path=path, is_line=is_line)
    rows = np.arange(N_ANGLES)
    return _Rim(line_px=xy[rows, path], inner_px=_lerp_rows(xy, inner), outer_px=_lerp_rows(xy, outer),
                coverage=float(_gaps_bridged(is_line, max_gap=RIM_GAP).mean()))


def _gaps_bridged(is_line: np.ndarray, *, max_gap: int) -> np.ndarray:
    """(N,) bool `is_line` about a closed loop with its runs of at most `max_gap` False set True."""
    if is_line.all() or not is_line.any():
        return is_line.copy()
    start = int(np.argmax(is_line))  # a lap that begins on the line, so no run wraps round
    lap = np.roll(is_line, -start)
    edges = np.flatnonzero(np.diff(lap.astype(np.int8)))  # where runs end, in turn: line, gap, line...
    gap_starts, gap_ends = edges[::2] + 1, np.append(edges[1::2] + 1, len(lap))[:len(edges[::2])]
    out = lap.copy()
    for a, b in zip(gap_starts, gap_ends):
        if b - a <= max_gap:
            out[a:b] = True
    return np.roll(out, start)


def _trace_bridge(response: np.ndarray, rims: list[_Rim], axis: np.ndarray, eye_d: float) -> np.ndarray | None:
    """(N, 2) px polygon of the bridge across the nose between the rims, or None if no line
    crosses the whole gap."""
    centre = (rims[0].line_px.mean(axis=0) + rims[1].line_px.mean(axis=0)) / 2
    # Columns across the nose (the rims' loops already hold their own nasal sides).
    u = np.linspace(-0.22, 0.22, 24)[:, None] * eye_d * np.ones((1, 30))
    v = np.linspace(-0.4, 0.12, 30)[None, :] * eye_d * np.ones((24, 1))
    patch, xy = _sample(response, centre, axis, u, v)
    path = _smooth_path(patch, closed=False)
    line = patch[np.arange(len(path)), path]
    is_line = line > max(RIM_MIN_RESPONSE, RIM_LINE_CONTRAST * float(np.median(patch)))
    if is_line.mean() < BRIDGE_COVERAGE:
        return None
    top, bottom = _band(patch, path, is_line, max_steps=5)
    return np.concatenate([_lerp_rows(xy, top), _lerp_rows(xy, bottom)[::-1]])


def _sample(response: np.ndarray, centre: np.ndarray, axis: np.ndarray, u: np.ndarray,
            v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The response at offsets u (along the eye axis) and v (across it, + down) from `centre`:
    (values, (..., 2) px positions)."""
    import cv2

    x = centre[0] + u * axis[0] - v * axis[1]
    y = centre[1] + u * axis[1] + v * axis[0]
    values = cv2.remap(response, x.astype(np.float32), y.astype(np.float32), cv2.INTER_LINEAR,
                       borderMode=cv2.BORDER_CONSTANT, borderValue=0)
    return values, np.stack([x, y], axis=-1).astype(np.float32)


def _smooth_path(values: np.ndarray, *, closed: bool) -> np.ndarray:
    """(N,) column index per row of (N, M) `values` maximising their sum, moving at most one column
    a row at a cost (so it follows a line rather than hopping between specks). A closed path is
    found on the rows repeated three times, the middle lap kept (its ends then nearly meet)."""
    n, m = values.shape
    rows = np.concatenate([values] * 3) if closed else values
    step_cost = 0.15 * float(np.median(values.max(axis=1)))
    total = rows[0].copy()
    back = np.zeros(rows.shape, np.intp)
    cols = np.arange(m)
    for i in range(1, len(rows)):
        stay = total
        down = np.concatenate([[-np.inf], total[:-1]]) - step_cost
        up = np.concatenate([total[1:], [-np.inf]]) - step_cost
        choice = np.argmax(np.stack([stay, down, up]), axis=0)
        back[i] = cols - np.array([0, 1, -1])[choice]
        total = np.stack([stay, down, up])[choice, cols] + rows[i]
    path = np.empty(len(rows), np.intp)
    path[-1] = int(np.argmax(total))
    for i in range(len(rows) - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path[n:2 * n] if closed else path


def _band(values: np.ndarray, path: np.ndarray, is_line: np.ndarray, *, max_steps: int) -> tuple[np.ndarray, np.ndarray]:
    """(N,) fractional columns of a line's near and far edges about its path: where the response
    falls under half the line's, half a step either side, at most `max_steps` from the path (a
    frame is thin: beyond that it is a brow or a fold touching it); none where no line."""
    n, m = values.shape
    near = path.astype(np.float32) - 0.5
    far = path.astype(np.float32) + 0.5
    for i in range(n):
        if not is_line[i]:
            near[i] = far[i] = path[i]
            continue
        floor = 0.5 * values[i, path[i]]
        j = path[i]
        while j > max(path[i] - max_steps, 0) and values[i, j - 1] > floor:
            j -= 1
        near[i] = j - 0.5
        j = path[i]
        while j < min(path[i] + max_steps, m - 1) and values[i, j + 1] > floor:
            j += 1
        far[i] = j + 0.5
    return np.clip(near, 0, m - 1), np.clip(far, 0, m - 1)


def _cap_band(near: np.ndarray, *, path: np.ndarray, is_line: np.ndarray) -> np.ndarray:
    """`_band`'s near (lens-side) edge held within RIM_BAND_CAP times its median distance from the
    line over the loop: a rim's inner edge follows the rim, a lid crease touching it does not."""
    if not is_line.any():
        return near
    centre = path.astype(np.float32)
    cap = RIM_BAND_CAP * float(np.median((centre - near)[is_line]))
    return np.maximum(near, centre - cap)


def _lerp_rows(xy: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """(N, 2) px positions at fractional column `cols[i]` of row i of an (N, M, 2) grid."""
    i = np.arange(len(cols))
    j0 = np.floor(cols).astype(np.intp)
    j1 = np.minimum(j0 + 1, xy.shape[1] - 1)
    t = (cols - j0)[:, None]
    return xy[i, j0] * (1 - t) + xy[i, j1] * t


# Eyes behind opaque lenses (sunglasses): the eye opening and the lid skin round it are all dark
# lens, where an eye shows a bright sclera and lids of skin. Per eye, the opening's light end
# (OPENING_LIGHT_PERCENTILE of its luma) and the brighter of the lid bands above and below it
# (median luma, LID_BAND_D eye distances out from the opening) are read against the cheek under
# that eye (landmarks CHEEK_UNDER, same side: a face lit from one side is judged on its own side).
# The eye is hidden when even the brighter of the two is under HIDDEN_LUMA of the cheek. Over
# out/portraits, out/portraits-heldout and the bundled photo (out/shades52/REPORT.md): h06's
# sunglasses 0.41 and 0.54 (its left lens carries a glare streak); the 50 other eyes 0.68 (08's
# right, an old photo) and up (clear glasses: 02 0.95, 11 0.90 and 1.03; the backlit, near-shut h07 0.93).
OPENING_LIGHT_PERCENTILE = 90
LID_BAND_D = (0.04, 0.15)
HIDDEN_LUMA = 0.6
CHEEK_UNDER = {"left": (425, 280), "right": (205, 50)}


@dataclass(frozen=True)
class EyesShown:
    """Whether each eye shows (False: behind an opaque lens, so nothing of it is animated).
    left / right: the subject's; lightness: each eye's lightest of opening and lids over its
    cheek's luma (under HIDDEN_LUMA: hidden), for reports; NaN where not measured."""

    left: bool = True
    right: bool = True
    lightness: tuple[float, float] = (float("nan"), float("nan"))

    @property
    def hidden_sides(self) -> tuple[str, ...]:
        """The sides ("left", "right") whose eye is hidden."""
        return tuple(side for side, shown in (("left", self.left), ("right", self.right)) if not shown)


def eyes_shown(image: np.ndarray, landmarks_px: np.ndarray) -> EyesShown:
    """Which eyes of the face with (478, 3) `landmarks_px` on the (H, W, 3) uint8 `image` show."""
    pts = landmarks_px[:, :2].astype(np.float64)
    eye_d = float(np.linalg.norm(pts[[33, 133]].mean(axis=0) - pts[[263, 362]].mean(axis=0)))
    if not eye_d >= 20:  # too small to read, or NaN landmarks: when in doubt, animate
        return EyesShown()
    lightness = tuple(_eye_lightness(image, pts=pts, upper=upper, lower=lower, cheek=CHEEK_UNDER[side],
                                     eye_d=eye_d)
                      for side, upper, lower in (("left", lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER),
                                                 ("right", lm.RIGHT_EYE_UPPER, lm.RIGHT_EYE_LOWER)))
    # NaN (nothing to read, at the image's edge) counts as shown: when in doubt, animate.
    return EyesShown(left=not lightness[0] < HIDDEN_LUMA, right=not lightness[1] < HIDDEN_LUMA,
                     lightness=lightness)


def _eye_lightness(image: np.ndarray, *, pts: np.ndarray, upper: tuple[int, ...], lower: tuple[int, ...],
                   cheek: tuple[int, ...], eye_d: float) -> float:
    """The lighter of an eye opening's light end and its lid bands, over the cheek's median luma."""
    import cv2

    contour = np.concatenate([pts[list(upper)], pts[list(lower)][::-1]])
    reach = int(np.ceil(LID_BAND_D[1] * eye_d)) + 2
    lo = np.maximum(np.floor(contour.min(axis=0)).astype(int) - reach, 0)
    hi = np.minimum(np.ceil(contour.max(axis=0)).astype(int) + reach, (image.shape[1], image.shape[0]))
    if np.any(hi - lo < 3):
        return float("nan")
    luma = cv2.cvtColor(image[lo[1]:hi[1], lo[0]:hi[0]], cv2.COLOR_RGB2GRAY).astype(np.float32)
    opening = np.zeros(luma.shape, np.uint8)
    cv2.fillPoly(opening, [np.round((contour - lo) * 4).astype(np.int32)], 1, shift=2)
    inner = cv2.erode(opening, np.ones((3, 3), np.uint8))  # off the lash line
    inner = inner if inner.sum() >= 10 else opening

    def grown(d: float) -> np.ndarray:
        k = max(3, int(round(2 * d * eye_d)) | 1)
        return cv2.dilate(opening, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0

    band = grown(LID_BAND_D[1]) & ~grown(LID_BAND_D[0])
    rows = np.arange(lo[1], hi[1])[:, None]
    mid_y = float(contour[:, 1].mean())
    parts = [luma[band & (rows < mid_y)], luma[band & (rows > mid_y)]]
    cheek_px = _cheek_luma(image, pts[list(cheek)], eye_d)
    if not inner.any() or min(p.size for p in parts) == 0 or not cheek_px > 0:
        return float("nan")
    lightest = max(float(np.percentile(luma[inner > 0], OPENING_LIGHT_PERCENTILE)),
                   *(float(np.median(p)) for p in parts))
    return lightest / cheek_px


def _cheek_luma(image: np.ndarray, points: np.ndarray, eye_d: float) -> float:
    """Median luma of small squares about `points` (px); NaN if none lies in the image."""
    import cv2

    r = max(2, int(0.04 * eye_d))
    values = []
    for x, y in np.round(points).astype(int):
        x0, y0, x1, y1 = max(x - r, 0), max(y - r, 0), min(x + r + 1, image.shape[1]), min(y + r + 1, image.shape[0])
        if x1 > x0 and y1 > y0:
            values.append(cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_RGB2GRAY).ravel())
    return float(np.median(np.concatenate(values))) if values else float("nan")
