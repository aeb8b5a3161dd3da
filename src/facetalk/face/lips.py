"""The inner lip contour moved to the photo's visible lip edge, where the mouth shows its teeth.

MediaPipe's inner-lip landmarks of a mouth that shows its teeth often sit a few pixels inside the
opening: on the teeth or on the dark band between teeth and lip. The rig closes the lips by
bringing those landmarks together (lip_press, /p b m/), so the pixels between a landmark and the
real lip edge travel with the lip and stay between the "closed" lips: teeth tops, a dark strip.
Here each inner point of a parted mouth walks across the face into its lip until the photo's
pixels read as lip, plus a margin past the blurred edge; the rings of lip vertices between the
inner and the outer contour keep their share of the way.

Colours are CIELAB lightness (weighted down: lips shade) and a* (redness). The lip's colour is the
median of its middle band; the opening's, the least lip-like pixel at or just inside the landmark.
A point moves only where the evidence is clear: the mouth parted, the opening's colour far from
the lip's and of the interior's kind (less red, or far brighter or darker), a sharp step to lip
colour within part of the lip's thickness. A mouth whose landmarks already lie on lip stays as it
is. A parted mouth's inner corners move out to where its lips meet when the opening beside them
is too tall for a corner (_refine_corners). A closed mouth's inner points move instead onto the
photo's dark meeting line where it is clear (_onto_meeting_line). About 2 ms a photo.
"""

from __future__ import annotations

import numpy as np

from facetalk.face import landmarks as lm
from facetalk.imaging import sample_points

# Rings of lip vertices between the inner and the outer contour, column by column with
# LIPS_INNER_*[1:-1] (each lies on its column's inner -> outer segment: the nearer ring at about
# 0.2-0.33 of the lip's thickness, the farther at 0.5-0.7, measured on out/portraits' 13).
UPPER_RINGS = ((183, 42, 41, 38, 12, 268, 271, 272, 407), (184, 74, 73, 72, 11, 302, 303, 304, 408))
LOWER_RINGS = ((96, 89, 179, 86, 15, 316, 403, 319, 325), (77, 90, 180, 85, 16, 315, 404, 320, 307))
# The rings' own corners, between each inner corner and its outer one (lm.MOUTH_CORNERS), nearer first.
CORNER_RINGS = ((62, 76), (292, 306))
# A parted mouth's lips meet where the gap between its inner pair next to a corner is at most this
# times that pair's distance from the corner (the opening's corner at most ~60 degrees wide); a
# corner landmark nearer than that moves out toward its outer corner, at most CORNER_MAX_SHARE of
# the way (the corner rings keep their shares of what is left). Next to the corners the gap over
# the distance is 0.94-1.23 on the bundled photo, 01 and 13, which stay; 1.4-2.2 on 03, 11 and
# 12, whose corner landmarks move 2-3 px out (12's other corner, 1.22, stays).
CORNER_STEEPEST = 1.2
CORNER_MAX_SHARE = 0.75
# The mouth counts as parted from this inner gap at mid-mouth, in mouth widths
# (expression.LIPS_CLOSED: a closed mouth's landmarks lie 0-0.03 widths apart).
MIN_OPENING = 0.03
# A closed mouth's inner pairs move onto its meeting line (_onto_meeting_line): the darkest point
# within this many mouth widths across the face (3.6 px on 07's 99 px mouth), at least MEET_REACH_MIN_PX
# (small mouths' landmarks lie as far off: 05's and 09's, 53-56 px wide, by 2-3 px) ...
MEET_REACH = 0.036
MEET_REACH_MIN_PX = 3.0
# ... where lightness (L*) rises from it by MEET_DEPTH on both sides within MEET_FLANK_PX, and by
# MEET_DEPTH_STRONG on one (the lower lip's lit pink; the upper lip's underside is often in shadow),
MEET_FLANK_PX = 2.5
MEET_DEPTH = 4.0
MEET_DEPTH_STRONG = 10.0
# ... and only where this many of the 9 columns show such a valley (a moustache, a painting
# without a drawn line: the landmarks stay).
MEET_MIN_COLUMNS = 5
# The lower point goes to the line's lower edge but keeps the pair closed: at most this share of
# MIN_OPENING (and MEET_MAX_GAP_PX) below the upper point. Left at the edge, 10's 45 px mouth opened
# 0.042 widths, over MIN_OPENING and rig.LIP_FILL_FROM: the rig read the closed photo as a third parted.
MEET_MAX_GAP_SHARE = 0.5
MEET_MAX_GAP_PX = 1.0
# A point already this close to its place stays: a second call re-estimates the line a few hundredths
# of a pixel off (its pair's middle, where the profile is sampled, has moved), and must change nothing.
MEET_STILL_PX = 0.25
# How far a point may walk: this share of its lip's thickness across the face (to the outer contour).
MAX_SHARE_OF_LIP = 0.7
# Profile step along the walk, pixels.
STEP_PX = 0.25
# A point walks only where the opening's colour differs from its lip's middle by this much
# (weighted L*, a*): teeth are brighter and less red than lips, the cavity darker and greyer.
MIN_CONTRAST = 6.0
# The opening's colour is less red than the lip's by at least this (a*), or brighter or darker by
# this (weighted L*: 15 is 30 L* units; a lip's rim in its own shadow is 10-15 L* darker than its
# middle, as red or redder, on out/portraits' 13).
MIN_REDNESS_DROP = 6.0
MIN_LIGHTNESS_STEP = 15.0
# Shading across a lip (its underside rolls into shadow) changes its lightness far more than its
# hue; lightness counts at this weight against a* (red-green). b* (yellow-blue) is left out: the
# lip's rim is redder than its middle band, which skin and the light turn yellower, and teeth are
# told apart by lightness and a* alone.
LIGHTNESS_WEIGHT = 0.5
# The edge found is clear when one pixel either side of it the colour has come less than this share
# of the way from the opening's colour to the lip's, and more than 1 - this share.
EDGE_CLEAR = 0.4
# The point goes this far past the edge into the lip: the photo's edge is blurred over a pixel or
# two, and the half-lip pixels at it, carried with the lip, would stay as a pale or dark line
# between the lips when they close (the rig stretches the lip's edge as it closes).
EDGE_MARGIN_PX = 0.75
# The opening's colour is read as the least lip-like from the landmark to this far inward (pixels;
# no farther than half the gap to the other lip): a landmark on a blurred edge is itself half lip.
START_PX = 1.5
# The span (pixels) either side of the edge over which the colour must have changed.
LIP_RUN_PX = 1.0


def refine_inner_lips(image: np.ndarray, landmarks_px: np.ndarray) -> np.ndarray:
    """(478, 3) landmarks whose inner-lip points (and the lip rings behind them) are moved to the
    visible lip edge of `image` ((H, W, 3) uint8 RGB), or for a closed mouth onto its meeting line;
    the input is returned unchanged (as a copy) where the edge or the line is not clear."""
    out = np.array(landmarks_px, np.float32, copy=True)
    pts = out[:, :2].astype(np.float64)
    width = float(np.linalg.norm(pts[lm.MOUTH_CORNERS[1]] - pts[lm.MOUTH_CORNERS[0]]))
    mid = len(lm.LIPS_INNER_UPPER) // 2
    if width <= 0:
        return out
    if np.linalg.norm(pts[lm.LIPS_INNER_LOWER[mid]] - pts[lm.LIPS_INNER_UPPER[mid]]) < MIN_OPENING * width:
        _onto_meeting_line(out, image, width=width)
        return out
    lab, origin = _mouth_lab(image, pts)
    # Points walk across the face only (perpendicular to the eye line, the rig's face frame): their
    # position along the mouth is what pairs each with its partner on the other lip (rig._lip_press).
    right_eye, left_eye = lm.eye_centres(pts)
    eyes = left_eye - right_eye
    side = eyes / np.linalg.norm(eyes)
    down = np.array([-side[1], side[0]])
    lips: list[np.ndarray] = []
    for inner, outer, other, rings, toward in (
            (lm.LIPS_INNER_UPPER, lm.LIPS_OUTER_UPPER, lm.LIPS_INNER_LOWER, UPPER_RINGS, -down),
            (lm.LIPS_INNER_LOWER, lm.LIPS_OUTER_LOWER, lm.LIPS_INNER_UPPER, LOWER_RINGS, down)):
        # The lip's colour: the median over its middle band, robust to a highlight or a shadow.
        lip = np.median(_lab_at(lab, origin, _lip_band(pts, inner=inner, outer=outer)), axis=0)
        lips.append(lip)
        # The lip's thickness across the face at each inner point, to its outer contour.
        across = pts[list(outer)] @ toward
        along_outer = pts[list(outer)] @ side
        for c in range(1, len(inner) - 1):  # the corners: _refine_corners
            a, b = pts[inner[c]], pts[outer[c]]
            thickness = float(np.interp(a @ side, along_outer, across)) - float(a @ toward) if np.all(
                np.diff(along_outer) > 0) else float((b - a) @ toward)
            gap = float((a - pts[other[c]]) @ toward)
            if thickness <= 0.0 or gap <= 0.0:
                continue
            shift = _edge_shift(lab, origin, a, toward, lip=lip, reach=MAX_SHARE_OF_LIP * thickness,
                                inward_px=min(START_PX, 0.5 * gap))
            if shift == 0.0:
                continue
            for ring in rings:
                # Each ring keeps its share of the way from the outer contour to the inner one.
                share = 1.0 - float((pts[ring[c - 1]] - a) @ (b - a)) / float((b - a) @ (b - a))
                out[ring[c - 1], :2] += (np.clip(share, 0.0, 1.0) * shift * toward).astype(np.float32)
            out[inner[c], :2] += (shift * toward).astype(np.float32)
    _refine_corners(out, lab, origin, lip=np.mean(lips, axis=0))
    return out


def _onto_meeting_line(out: np.ndarray, image: np.ndarray, *, width: float) -> None:
    """Moves, in `out` (478, 3) in place, a closed mouth's inner-lip pairs (upper and lower point of
    each column, the corners kept) across the face onto the photo's meeting line: the darkest
    point (sub-pixel) within MEET_REACH mouth widths of the pair, where it is a clear valley of
    lightness and most columns show one; the upper point goes to the line's middle, the lower to
    its lower edge (_valley) but no more than MEET_MAX_GAP_* below the upper (the mouth stays closed:
    MIN_OPENING), and a point already in place stays (a second call changes nothing). The lip rings
    keep their shares of the way. MediaPipe's closed inner lips lie up to 3-4 px below a
    three-quarter face's line by its corners (07's): the rig then opened the mouth along the lower
    lip's pink, and the upper lip carried the dark line down as an outline with a pale streak under it."""
    pts = out[:, :2].astype(np.float64)
    lab, origin = _mouth_lab(image, pts)
    lightness = np.ascontiguousarray(lab[..., :1] / LIGHTNESS_WEIGHT)
    right_eye, left_eye = lm.eye_centres(pts)
    side = (left_eye - right_eye) / np.linalg.norm(left_eye - right_eye)
    down = np.array([-side[1], side[0]])
    reach = max(MEET_REACH * width, MEET_REACH_MIN_PX)
    s = np.arange(-np.ceil((reach + MEET_FLANK_PX) / STEP_PX), np.ceil((reach + MEET_FLANK_PX) / STEP_PX) + 1) * STEP_PX
    upper, lower = lm.LIPS_INNER_UPPER, lm.LIPS_INNER_LOWER
    # Per column: the line's middle (the upper point's place) and its lower edge (the lower's).
    shifts = np.full((len(upper), 2), np.nan)
    for c in range(1, len(upper) - 1):
        pair = 0.5 * (pts[upper[c]] + pts[lower[c]])
        profile = sample_points(lightness, pair[None] + s[:, None] * down[None] - origin)[:, 0].astype(np.float64)
        # An upper point already on a valley keeps it (a second call must change nothing: the darkest
        # point within the reach of the moved pair can be another line, 2 px up on 05).
        on = float((pts[upper[c]] - pair) @ down)
        shifts[c] = np.add(_valley(s - on, profile, reach=2.0 * STEP_PX), on)
        if not np.isfinite(shifts[c, 0]):
            shifts[c] = _valley(s, profile, reach=reach)
    if np.count_nonzero(np.isfinite(shifts[:, 0])) < MEET_MIN_COLUMNS:
        return
    cap = min(MEET_MAX_GAP_SHARE * MIN_OPENING * width, MEET_MAX_GAP_PX)
    for c in np.nonzero(np.isfinite(shifts[:, 0]))[0]:
        middle = float(0.5 * (pts[upper[c]] + pts[lower[c]]) @ down)
        up_now, low_now = float(pts[upper[c]] @ down), float(pts[lower[c]] @ down)
        # The upper point moves from itself no farther than the reach; the lower one's place is
        # taken from where the upper one lands (its edge, at most `cap` below), so the pair stays closed.
        up_move = float(np.clip(middle + shifts[c, 0] - up_now, -reach, reach))
        up_move = 0.0 if abs(up_move) < MEET_STILL_PX else up_move
        low_at = float(np.clip(middle + shifts[c, 1], up_now + up_move, up_now + up_move + cap))
        keep = abs(low_at - low_now) < MEET_STILL_PX and 0.0 <= low_now - up_now - up_move <= cap
        low_move = 0.0 if keep else low_at - low_now
        for inner, outer, rings, shift in ((upper, lm.LIPS_OUTER_UPPER, UPPER_RINGS, up_move),
                                           (lower, lm.LIPS_OUTER_LOWER, LOWER_RINGS, low_move)):
            _move_point(out, pts, c, shift * down, inner=inner, outer=outer, rings=rings)


def _move_point(out: np.ndarray, pts: np.ndarray, c: int, move: np.ndarray, *, inner: tuple[int, ...],
                outer: tuple[int, ...], rings: tuple[tuple[int, ...], ...]) -> None:
    """Moves, in `out`, the inner point of column `c` by `move` (pixels) and each of its lip rings
    by its share of the way from the outer contour to the inner one (`pts`: the points before)."""
    a, b = pts[inner[c]], pts[outer[c]]
    for ring in rings:
        share = 1.0 - float((pts[ring[c - 1]] - a) @ (b - a)) / max(float((b - a) @ (b - a)), 1e-9)
        out[ring[c - 1], :2] += (np.clip(share, 0.0, 1.0) * move).astype(np.float32)
    out[inner[c], :2] += move.astype(np.float32)


def _valley(s: np.ndarray, profile: np.ndarray, *, reach: float) -> tuple[float, float]:
    """(middle, lower edge): the sub-pixel position along `s` of `profile`'s minimum within `reach`
    of 0, where the profile rises by MEET_DEPTH on both sides within MEET_FLANK_PX of it (by
    MEET_DEPTH_STRONG on one), and where it has come half-way up on its far (lower) side; NaNs
    where there is no such valley."""
    inside = np.nonzero(np.abs(s) <= reach)[0]
    if len(inside) < 3:  # the search lies past the profile's end (a column parted wider than the rest: one side open)
        return np.nan, np.nan
    i = int(inside[np.argmin(profile[inside])])
    if i in (inside[0], inside[-1]):
        return np.nan, np.nan  # the minimum at the search's end: a slope, not a valley
    near = np.abs(s - s[i]) <= MEET_FLANK_PX
    below = near & (s > s[i])
    rise = sorted((profile[near & (s < s[i])].max() - profile[i], profile[below].max() - profile[i]))
    if rise[0] < MEET_DEPTH or rise[1] < MEET_DEPTH_STRONG:
        return np.nan, np.nan
    curvature = profile[i - 1] - 2.0 * profile[i] + profile[i + 1]
    offset = 0.5 * (profile[i - 1] - profile[i + 1]) / curvature if curvature > 0 else 0.0
    # The lower lip starts where the line has faded half-way to it: below the middle, the lower
    # lip carried the line's lower half, a dark stroke under the opening by the corners (07's).
    half = 0.5 * (profile[i] + profile[below].max())
    j = i + int(np.argmax(profile[i:] >= half))
    edge = s[j - 1] + STEP_PX * (half - profile[j - 1]) / max(profile[j] - profile[j - 1], 1e-9)
    return float(s[i] + STEP_PX * np.clip(offset, -0.5, 0.5)), float(edge)


def _refine_corners(out: np.ndarray, lab: np.ndarray, origin: np.ndarray, *, lip: np.ndarray) -> None:
    """Moves, in `out` (478, 3) in place, each inner corner of a parted mouth out along the line to
    its outer corner until the lips' gap at the next inner pair is at most CORNER_STEEPEST times its
    distance from the corner (at most CORNER_MAX_SHARE of the way), where the photo shows the
    mouth's interior between that pair (a colour far from `lip`, both lips' mean, as _edge_shift
    asks); the corner rings keep their shares of the way between the two corners. A
    toothy smile's corner landmark lies on the lip a few px inside where the lips meet, its
    neighbours on the teeth's ends: the opening stood blunt there, and the open mouth stretched
    the lip's pale corner between them into a pale band (12's)."""
    pts = out[:, :2].astype(np.float64)
    for inner, outer, rings, up, low in (
            (lm.LIPS_INNER_UPPER[0], lm.MOUTH_CORNERS[0], CORNER_RINGS[0], lm.LIPS_INNER_UPPER[1], lm.LIPS_INNER_LOWER[1]),
            (lm.LIPS_INNER_UPPER[-1], lm.MOUTH_CORNERS[1], CORNER_RINGS[1], lm.LIPS_INNER_UPPER[-2], lm.LIPS_INNER_LOWER[-2])):
        a, b = pts[inner], pts[outer]
        room = float(np.linalg.norm(b - a))
        gap = float(np.linalg.norm(pts[up] - pts[low]))
        shift = min(gap / CORNER_STEEPEST - float(np.linalg.norm(0.5 * (pts[up] + pts[low]) - a)),
                    CORNER_MAX_SHARE * room)
        if room < 1.0 or shift <= 0.0:
            continue
        # The least lip-like colour on the middle half of the segment between the pair.
        between = _lab_at(lab, origin, pts[up] + np.linspace(0.25, 0.75, 5)[:, None] * (pts[low] - pts[up]))
        if not _is_interior(between[np.argmax(np.linalg.norm(between - lip, axis=1))], lip):
            continue
        toward = (b - a) / room
        for ring in rings:
            share = 1.0 - float((pts[ring] - a) @ (b - a)) / room ** 2
            out[ring, :2] += (np.clip(share, 0.0, 1.0) * shift * toward).astype(np.float32)
        out[inner, :2] += (shift * toward).astype(np.float32)


def _edge_shift(lab: np.ndarray, origin: np.ndarray, a: np.ndarray, toward: np.ndarray, *, lip: np.ndarray,
                reach: float, inward_px: float) -> float:
    """Pixels from inner point `a` along unit vector `toward` (into its lip) to the lip's visible
    edge (the colour of `lip`), at most `reach`; 0 when `a` already lies on lip or no clear edge is
    found. The opening's colour is looked for up to `inward_px` the other way."""
    s = np.arange(-np.floor(inward_px / STEP_PX) * STEP_PX, reach + LIP_RUN_PX + 1e-6, STEP_PX)
    colours = _lab_at(lab, origin, a[None] + s[:, None] * toward[None])
    window = np.nonzero(s <= STEP_PX)[0]
    start = int(window[np.argmax(np.linalg.norm(colours[window] - lip, axis=1))])
    to_lip = lip - colours[start]
    contrast = float(np.linalg.norm(to_lip))
    if not _is_interior(colours[start], lip):
        return 0.0
    # 0 at the opening's colour, 1 at the lip's, along the line between them.
    progress = (colours - colours[start]) @ to_lip / contrast ** 2
    # The edge: the first point past the opening's colour where the colour is half-way to the lip's.
    ahead = int(round(LIP_RUN_PX / STEP_PX))
    crossed = np.nonzero((progress >= 0.5) & (np.arange(len(s)) > start))[0]
    if len(crossed) == 0 or s[crossed[0]] > reach or crossed[0] + ahead >= len(s):
        return 0.0
    edge = int(crossed[0])
    # Clear evidence: one pixel past the edge the colour is mostly the lip's, and it was mostly
    # the opening's one pixel before.
    if progress[edge + ahead] < 1.0 - EDGE_CLEAR or progress[max(edge - ahead, start)] > EDGE_CLEAR:
        return 0.0
    at = s[edge - 1] + STEP_PX * (0.5 - progress[edge - 1]) / (progress[edge] - progress[edge - 1])
    return float(np.clip(at + EDGE_MARGIN_PX, 0.0, reach))


def _is_interior(colour: np.ndarray, lip: np.ndarray) -> bool:
    """Whether a (weighted L*, a*) `colour` reads as the mouth's interior against the lip's: far
    from it, and less red (teeth and cavity), or far brighter (teeth in a face whose lips are
    hardly redder than its teeth) or far darker (the cavity's depths) than a lip's own shading."""
    to_lip = lip - colour
    return bool(np.linalg.norm(to_lip) >= MIN_CONTRAST
                and (to_lip[1] >= MIN_REDNESS_DROP or abs(to_lip[0]) >= MIN_LIGHTNESS_STEP))


def _lip_band(pts: np.ndarray, *, inner: tuple[int, ...], outer: tuple[int, ...]) -> np.ndarray:
    """Points in the middle of one lip's thickness (35-65% from inner to outer), off the corners."""
    ts = np.array([0.35, 0.5, 0.65])
    a, b = pts[list(inner[2:-2])], pts[list(outer[2:-2])]
    return (a[:, None] + ts[None, :, None] * (b - a)[:, None]).reshape(-1, 2)


def _mouth_lab(image: np.ndarray, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CIELAB L* (weighted by LIGHTNESS_WEIGHT) and a* (float32) of the lips' bounding box (a few
    pixels padded) and its origin."""
    import cv2

    lips = pts[list(lm.LIPS_OUTER_UPPER + lm.LIPS_OUTER_LOWER)]
    h, w = image.shape[:2]
    x0, y0 = np.clip(np.floor(lips.min(axis=0)).astype(int) - 4, 0, [w - 1, h - 1])
    x1, y1 = np.clip(np.ceil(lips.max(axis=0)).astype(int) + 5, 1, [w, h])
    crop = np.ascontiguousarray(image[y0:y1, x0:x1]).astype(np.float32) / 255.0
    lab = cv2.cvtColor(crop, cv2.COLOR_RGB2LAB)[..., :2] * np.array([LIGHTNESS_WEIGHT, 1.0], np.float32)
    return lab, np.array([x0, y0], np.float64)


def _lab_at(lab: np.ndarray, origin: np.ndarray, points: np.ndarray) -> np.ndarray:
    """(N, 2) float64 samples of the crop's (h, w, 2) float32 `lab` at image-pixel `points` (N, 2)
    (`origin`: the crop's top-left in the image)."""
    return sample_points(lab, points - origin).astype(np.float64)
