"""Eyes: irises drawn as sprites inside the eye openings, and lids drawn over what a blink covers.

The warped texture already shows each eye's sclera with the iris removed (face.appearance);
here the photo's own iris disc is drawn where the iris centre's gaze puts it, its travel toward a corner
eased so most of it stays in the opening (both eyes by the same share; the rig's landmarks travel the whole
way: IrisPainter._travel_kept), scaled with the eye, and only on pixels the eye-opening triangles won (so lids and blinks hide it); under a raised
upper lid, blended toward the sprite whose top is completed past the lid's shade. Then, where
a blink or a downward look has brought the upper lid down, LidPainter covers the eye with lid skin
and a lash line (the mesh alone would show the lid's lashes and skin stretched into a slit).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numba import njit

from facetalk.face import landmarks as lm
from facetalk.face.appearance import (FILL_A, FILL_B, LID_HUE_ACROSS, LID_HUE_LEAST, LID_HUE_SAT, EyeSprite,
                                      LidSkin, below_line)
from facetalk.imaging import LUMA, sample_points
from facetalk.face.rig import MATERIAL_EYE, FaceRig, inside_polygon, smoothstep
from facetalk.render.sampling import bilinear, material_lookup, pixel_box


class IrisPainter:
    def __init__(self, rig: FaceRig, eyes: tuple[EyeSprite, ...]):
        self._material = material_lookup(rig.material)
        self._eyes = eyes
        # Sprite colour premultiplied by alpha, with alpha as a 4th channel: one bilinear lookup.
        self._rgba = [np.dstack([e.rgb * e.alpha[..., None], e.alpha]) for e in eyes]
        # ... and the same for each raised-lid sprite (None: none).
        self._rgba_raised = [None if e.raised is None
                             else np.dstack([e.raised[0] * e.raised[1][..., None], e.raised[1]]) for e in eyes]
        # The rows where an eye's two sprites differ (their top, rows [r0, r1)): only those are
        # blended per frame, into a copy of the resting sprite kept for the eye (rev44l nit: the
        # whole-sprite blend cost +25-40% of paint).
        self._blend_rows = [None if raised is None else _differing_rows(rgba, raised)
                            for rgba, raised in zip(self._rgba, self._rgba_raised)]
        self._blended = [rgba.astype(np.float32) for rgba in self._rgba]
        # Where a moved iris's lash shade is laid (_slid): the iris's own pixels in its upper half.
        self._slid_weight = [_slid_weight(e, rgba) for e, rgba in zip(eyes, self._rgba)]
        # What the frame's sprite passes read of the photo alone, once: the rows that weight is set on
        # ((0, 0): none), the lash shade's steps as _slid reads them, and each sprite pixel's distance to
        # the iris's centre (_ring_and_white_faded; rebuilt per frame, these were ~0.4 ms a frame).
        self._slid_rows = [_nonzero_rows(weight) for weight in self._slid_weight]
        self._shade_steps = [None if e.top_shade is None
                             else (np.arange(len(e.top_shade) + 1) + 0.5, np.append(e.top_shade, 1.0)) for e in eyes]
        self._ring_dist = [_ring_distances(e, rgba.shape[:2]) for e, rgba in zip(eyes, self._rgba)]
        # ... and where paint lays each sprite: its corner off the iris centre, the centre's place in it, the
        # bounds bilinear() clamps it to, and its (w, h).
        self._corner = [e.origin_xy - e.centre_xy for e in eyes]
        self._offset = [e.centre_xy - e.origin_xy for e in eyes]
        self._bounds = [np.array([rgba.shape[1] - 1.001, rgba.shape[0] - 1.001], np.result_type(offset, np.float32))
                        for rgba, offset in zip(self._rgba, self._offset)]
        self._extent = [np.array(rgba.shape[1::-1]) for rgba in self._rgba]
        rest = rig.rest_xyz[:, :2]
        self._rest = np.asarray(rest, np.float64)
        self._rest_width = [float(np.linalg.norm(rest[e.corner_indices[0]] - rest[e.corner_indices[1]])) for e in eyes]
        # Per eye, its rest corner span and its rest iris centre off the first corner, as complex
        # numbers (_gaze_shift's similarity).
        self._rest_span = [complex(*(self._rest[e.corner_indices[1]] - self._rest[e.corner_indices[0]])) for e in eyes]
        self._rest_centre = [complex(*(self._rest[e.centre_index] - self._rest[e.corner_indices[0]])) for e in eyes]
        # Each eye opening's outline (the rig's eye-fill contour: upper margin, then the lower one
        # back), so the iris's edge on the lids is drawn by how much of a pixel the opening covers.
        outlines = [_opening_outline(e.corner_indices) for e in eyes]
        self._outlines = [np.array(outline, np.int64) for outline, _ in outlines]
        self._n_upper = [n_upper for _, n_upper in outlines]
        # Each upper margin's height over its eye's corners at rest (px, across the eye), and the
        # opening's height: how far a frame has raised the lid is read against these.
        self._rest_lift = [_margin_height(np.asarray(rest[outline], np.float64), n_upper)
                           for outline, n_upper in zip(self._outlines, self._n_upper)]
        # How far each iris may travel toward either corner (rest px along the corner line; _iris_room).
        self._room = [_iris_room(e, self._rest, outline) for e, outline in zip(eyes, self._outlines)]

    def paint(self, out: np.ndarray, verts: np.ndarray, tri_id: np.ndarray, *, unposed: np.ndarray) -> None:
        """Draws both irises into `out` (H, W, 3) uint8 in place for this frame's (V, 3) vertices;
        `unposed` (V, 3) px, the same frame's vertices before the head's pose (renderer.head_unposed),
        is what the lids' rise (_sprite) and the eyeball's turn (_eyeball_turn) are read on."""
        h, w = tri_id.shape
        travels, turns = self._travel_kept(verts), self._travel_kept(unposed)
        for k, (eye, rest_width, outline, n_upper) in enumerate(zip(self._eyes, self._rest_width, self._outlines,
                                                                    self._n_upper)):
            scale = float(np.linalg.norm(verts[eye.corner_indices[0], :2] - verts[eye.corner_indices[1], :2])) / rest_width
            moved, kept = travels[k]
            # The iris drawn where its kept travel puts it (the rig moves its landmarks the whole way).
            centre = verts[eye.centre_index, :2]
            if np.any(kept != moved):
                centre = (centre + (kept - moved)).astype(centre.dtype)
            shift = kept / scale
            # The eyeball turns with the gaze in the head, read before the pose (a head turn alone moves
            # the iris over its corners by parallax: no turn of the eye in its socket).
            turn_shift_px = turns[k][1] / self._scale(k, unposed)
            sprite = self._slid(k, self._sprite(k, unposed), upper_xy=verts[outline[:n_upper], :2], centre=centre,
                                scale=scale, gaze_px=turn_shift_px)
            rgba = _ring_and_white_faded(eye, sprite, shift, dist=self._ring_dist[k])
            # Where the sprite patch lands in this frame.
            lo = centre + self._corner[k] * scale
            hi = lo + self._extent[k] * scale
            # ... and within a pixel of the opening (its rim is drawn too).
            rim = np.asarray(verts[outline, :2], np.float64)
            x0, y0 = np.maximum(np.maximum(np.floor(lo).astype(int), np.floor(rim.min(axis=0)).astype(int) - 1), 0)
            x1, y1 = np.minimum(np.minimum(np.ceil(hi).astype(int) + 1, np.ceil(rim.max(axis=0)).astype(int) + 2), (w, h))
            if x0 >= x1 or y0 >= y1:
                continue
            # Sprite position of a pixel: offset + (pixel - centre) / scale, in the precision
            # numpy gave it (the offset's, at least float32); bounds as bilinear() clamps it.
            offset, bounds = self._offset[k], self._bounds[k]
            ball_px, turn = _eyeball_turn(eye, turn_shift_px)
            _draw_iris(out, tri_id, self._material, np.uint8(MATERIAL_EYE), rgba, offset, bounds, centre,
                       np.float32(scale), x0, y0, x1, y1, rim, n_upper, np.asarray(turn_shift_px, np.float64),
                       ball_px, turn)

    def _slid(self, index: int, rgba: np.ndarray, *, upper_xy: np.ndarray, centre: np.ndarray, scale: float,
              gaze_px: np.ndarray) -> np.ndarray:
        """Eye `index`'s premultiplied (h, w, 4) sprite `rgba` for an iris the gaze has moved `gaze_px`
        (2,) sprite px in the head (before the pose): toward its raised-lid sprite (the photo's lash
        shade on the iris's top completed) with that shade laid back (eye.top_shade) under the upper
        margin where it is in this frame (`upper_xy` (k, 2) px, drawn with the iris at `centre` px,
        `scale`), over TOP_SLID_PX of the move: the photo's shade follows the margin at rest, and slid
        toward the middle, where the lid sits higher, it showed as a dark slanted stroke under the
        completed top (12's stair). Only on the iris's own pixels of its upper half (_slid_weight). Moved
        no more than RING_SHIFT_MIN_PX by the gaze (a head turn, nod or blink alone; or no raised sprite
        or shade read), `rgba` itself (the frame at rest, to the bit)."""
        eye, raised, weight = self._eyes[index], self._rgba_raised[index], self._slid_weight[index]
        if raised is None or eye.top_shade is None or not np.abs(gaze_px).max() > RING_SHIFT_MIN_PX:
            return rgba
        r0, r1 = self._slid_rows[index]
        if r0 == r1:
            return rgba
        # Only the weighted rows: the margin's depth over the whole sprite cost ~1 ms an eye (rev48b).
        line = (eye.centre_xy - eye.origin_xy - (0.0, r0)) + (np.asarray(upper_xy, np.float64) - centre) / scale
        depth = below_line(line, (r1 - r0, rgba.shape[1]))
        # top_shade[k] is the median over [k, k + 1) px under the margin: read at k + 0.5, and past the
        # deepest back to 1 over a px (a step there drew a contour).
        shade = np.interp(depth, *self._shade_steps[index]).astype(np.float32)
        target = raised[r0:r1].copy()
        target[..., :3] *= shade[..., None]
        share = np.float32(min(float(np.hypot(*gaze_px)) / TOP_SLID_PX, 1.0)) * weight[r0:r1, :, None]
        out = rgba.copy()
        out[r0:r1] += (target - rgba[r0:r1]) * share
        return out

    def _gaze_shift(self, index: int, verts: np.ndarray) -> np.ndarray:
        """(2,) px: eye `index`'s iris centre in this frame's (V, 3) `verts` less where its rest place
        lands (the rest centre carried by the similarity that takes the eye's rest corners to
        theirs): how far the sprite has moved over the texture beneath it."""
        eye = self._eyes[index]
        # In Python floats: the float64 arithmetic the (2,) arrays had, without their overhead.
        (ax, ay), (bx, by) = (verts[i, :2].tolist() for i in eye.corner_indices)
        turn = complex(bx - ax, by - ay) / self._rest_span[index]
        place = complex(ax, ay) + turn * self._rest_centre[index]
        cx, cy = verts[eye.centre_index, :2].tolist()
        return np.array([cx - place.real, cy - place.imag])

    def _travel_kept(self, verts: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per eye, (moved, kept) (2,) px: its gaze shift (_gaze_shift in (V, 3) `verts`) and that shift with its part
        along the corner line eased into the room toward that corner (_iris_room, _eased_travel), so at least
        TRAVEL_IRIS_KEPT of the iris stays in the opening: carried the rig's whole way, a large or off-centre iris
        went under the lids at the corner and the eye read blank (07, 10, 05, 09). Both eyes keep the same share of
        their travel, the smaller one's (eyes turn together: eased each alone, 05's irises at +1 travelled 0.123 and
        0.218 eye widths). Within TRAVEL_KNEE of both rooms, `moved` itself."""
        reads, shares = [], []
        for index, eye in enumerate(self._eyes):
            moved = self._gaze_shift(index, verts)
            a, b = (np.asarray(verts[i, :2], np.float64) for i in eye.corner_indices)
            span = b - a
            width = float(np.linalg.norm(span))
            axis = span / max(width, 1e-9)
            along = float(moved @ axis)
            room = self._room[index][int(along > 0.0)] * width / self._rest_width[index]
            shares.append(_eased_travel(abs(along), room) / abs(along) if along != 0.0 else 1.0)
            reads.append((moved, along, axis))
        share = min(shares, default=1.0)
        return [(moved, moved + (share - 1.0) * along * axis) for moved, along, axis in reads]

    def _scale(self, index: int, verts: np.ndarray) -> float:
        """Eye `index`'s width in (V, 3) `verts` over its width at rest."""
        corners = self._eyes[index].corner_indices
        return float(np.linalg.norm(verts[corners[0], :2] - verts[corners[1], :2])) / self._rest_width[index]

    def _sprite(self, index: int, unposed: np.ndarray) -> np.ndarray:
        """Eye `index`'s premultiplied (h, w, 4) sprite for this frame's (V, 3) vertices before the
        head's pose, `unposed`: blended toward its raised-lid sprite by how far the upper margin has
        risen over the eye's corners (from RAISED_FROM to RAISED_FULL of the opening), so the lid's
        shade on the iris's top stays at rest and in a blink, and a raised lid bares the iris's own
        colour. Read before the pose: on the projected outline a 5 deg nod or a 20 deg turn alone
        rose 0.03-0.24 of the opening (rev44l)."""
        raised = self._rgba_raised[index]
        if raised is None:
            return self._rgba[index]
        rest_height, opening = self._rest_lift[index]
        outline = np.asarray(unposed[self._outlines[index], :2], np.float64)
        scale = self._scale(index, unposed)
        height, _ = _margin_height(outline, self._n_upper[index])
        rise = (height / max(scale, 1e-6) - rest_height) / max(opening, 1e-6)
        share = min(max((rise - RAISED_FROM) / (RAISED_FULL - RAISED_FROM), 0.0), 1.0)
        if share <= 0.0:
            return self._rgba[index]
        if share >= 1.0:
            return raised
        r0, r1 = self._blend_rows[index]
        blended = self._blended[index]
        blended[r0:r1] = self._rgba[index][r0:r1] * np.float32(1.0 - share) + raised[r0:r1] * np.float32(share)
        return blended


def _slid_weight(eye: EyeSprite, rgba: np.ndarray) -> np.ndarray:
    """(h, w) float32 0..1: how much of `eye`'s resting sprite (premultiplied (h, w, 4) `rgba`) a moved
    iris's top takes from the raised one with the lash shade laid back (IrisPainter._slid): the iris's
    upper half (inside iris_r_px, faded out over its last px), but not its catchlights (_glint_share: the
    shade dimmed them, bundled 165 -> 76). That also keeps it off the white the landmark disc overshoots
    past the photo's limbus (lighter than the iris; the completed iris drawn there was a dark line or hook
    past it, 01, bundled, 07), which _ring_and_white_faded then fades out: a factor 1 - eye.white here moved 9 px
    of 14 faces' gaze and blink frames by 1 level (aside49b). 0 everywhere without a ring."""
    if eye.ring_px is None:
        return np.zeros(rgba.shape[:2], np.float32)
    yy, xx = np.mgrid[:rgba.shape[0], :rgba.shape[1]]
    cx, cy = eye.centre_xy - eye.origin_xy
    dist = np.hypot(xx - cx, yy - cy)
    # Faded out over its last px: the raised sprite's completed iris is lightest at its rim (the ring's
    # median takes in the white the landmark disc overshoots onto), a grey notch at the iris's top edge (10).
    weight = (np.clip(eye.iris_r_px - dist, 0.0, 1.0) * (yy < cy)).astype(np.float32)
    return (weight * (1.0 - _glint_share(eye, rgba, dist=dist))).astype(np.float32)


def _glint_share(eye: EyeSprite, rgba: np.ndarray, *, dist: np.ndarray) -> np.ndarray:
    """(h, w) float32 0..1: how much each pixel of `eye`'s resting sprite (premultiplied `rgba`) is a
    catchlight: its luma over the iris's GLINT_IRIS_PERCENTILE (its opaque pixels inside its own radius,
    white aside), ramped over GLINT_OVER_LEVELS grey levels; 0 where less than opaque."""
    luma = (rgba[..., :3] / np.maximum(rgba[..., 3:], 1e-6)) @ LUMA
    opaque = rgba[..., 3] >= 1.0
    iris = opaque & (dist <= eye.iris_r_px) & (True if eye.white is None else eye.white <= 0.0)
    if iris.sum() < 4:
        return np.zeros(luma.shape, np.float32)
    level = float(np.percentile(luma[iris], GLINT_IRIS_PERCENTILE))
    return (np.clip((luma - level) / GLINT_OVER_LEVELS, 0.0, 1.0) * opaque).astype(np.float32)


def _ring_and_white_faded(eye: EyeSprite, rgba: np.ndarray, shift_px: np.ndarray, *,
                          dist: np.ndarray) -> np.ndarray:
    """Premultiplied (h, w, 4) `rgba` for an iris moved `shift_px` (2,) sprite px off the place it was cut
    from, with the sprite's ring past its disc (eye.ring_px) kept only where it lies over the texture's
    refill, and the photo's white the sprite carries round its iris (eye.white) faded out by how far
    it has moved, over WHITE_FADE_PX. Past the refill the texture is the photo's own white at that place:
    the ring (the white beside the iris, lighter) drawn over a corner's darker white was a light crescent on
    the side the iris moves toward (rev46a: 07, 10, 12, 13); and the white moved with the iris was a chunk of
    another place's white beside it (a stair under the completed top, 12; the lid's bright white as a jagged
    wedge, 13). A fade, not a switch, so a small drift of the gaze does not swap the photo's white for the
    fill at once. Moved no more than RING_SHIFT_MIN_PX, `rgba` itself (the frame at rest, to the bit).
    `dist`: _ring_distances' (h, w) for the eye."""
    ring, white = eye.ring_px is not None, eye.white is not None
    if not (ring or white) or not np.abs(shift_px).max() > RING_SHIFT_MIN_PX:
        return rgba
    # The compiled pass does not check bounds: the shapes are checked here.
    assert dist.shape == rgba.shape[:2] and (not white or eye.white.shape == rgba.shape[:2])
    out = rgba.copy()
    disc, opaque, outer = eye.ring_px if ring else (np.inf, 0.0, 1.0)
    offset = np.asarray(eye.centre_xy - eye.origin_xy, np.float64)
    share = np.float32(min(float(np.hypot(*shift_px)) / WHITE_FADE_PX, 1.0))
    _fade_ring_and_white(out, dist, float(disc), float(opaque), float(outer), offset, np.asarray(shift_px, np.float64),
                         eye.white if white else np.zeros((0, 0), np.float32), share)
    return out


@njit(cache=True, nogil=True)
def _fade_ring_and_white(out, dist, disc, opaque, outer, offset, shift, white, share):
    """In place on the premultiplied (h, w, 4) float32 `out`: each pixel past `disc` px (`dist` (h, w), px
    from the iris's centre at `offset` in the sprite) with some alpha keeps of it at most its place's fade
    from `opaque` to `outer` px once moved by `shift` (2,) px (the ring over the refill); then each pixel is
    scaled by 1 - `share` x `white` (h, w) (none when `white` is empty). The arithmetic, to the bit, of the
    numpy these were (a boolean-masked float64 fade and float32 products), without its masks and copies."""
    least, one = np.float32(1e-6), np.float32(1.0)
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            alpha = out[y, x, 3]
            if dist[y, x] > disc and alpha > 0.0:
                under = np.hypot(np.float64(x) + shift[0] - offset[0], np.float64(y) + shift[1] - offset[1])
                kept = min(np.float64(alpha), min(max((outer - under) / (outer - opaque), 0.0), 1.0))
                factor = np.float32(kept / np.float64(max(alpha, least)))
                for c in range(4):
                    out[y, x, c] *= factor
            if white.shape[0]:
                fade = one - share * white[y, x]
                for c in range(4):
                    out[y, x, c] *= fade


def _ring_distances(eye: EyeSprite, shape: tuple[int, int]) -> np.ndarray:
    """(h, w) float64: each pixel's distance (px) to the iris's centre in `eye`'s sprite of this
    `shape`, as _ring_and_white_faded reads it (once per photo, not per frame)."""
    yy, xx = np.mgrid[:shape[0], :shape[1]]
    offset = eye.centre_xy - eye.origin_xy
    return np.hypot(xx - offset[0], yy - offset[1])


def _nonzero_rows(weight: np.ndarray) -> tuple[int, int]:
    """(r0, r1): the rows [r0, r1) of the (h, w) `weight` outside which it is 0 ((0, 0): none)."""
    rows = np.nonzero(weight.any(axis=1))[0]
    return (int(rows[0]), int(rows[-1]) + 1) if len(rows) else (0, 0)


def _eyeball_turn(eye: EyeSprite, shift_px: np.ndarray) -> tuple[float, np.ndarray]:
    """(radius px, (3, 3) rotation): the eyeball behind `eye`'s iris, EYEBALL_PER_IRIS iris radii
    (sprite px), and the turn that carries its front (the iris at rest: the photo's gaze is the ball's
    straight ahead) to the iris moved `shift_px` (2,) sprite px, as seen from the front (orthographic):
    the painter draws the sprite on that sphere, so a look aside foreshortens the iris on the side it
    turns toward and its limbus stays round inside the ball's outline (slid flat, the iris reached into
    the eye's corner and was cut to a point there: 13, 11, 10, 01). (0.0, identity): no turn (moved no
    more than RING_SHIFT_MIN_PX or no ring: the sprite slides flat, the frame at rest to the bit)."""
    if eye.ring_px is None or not np.abs(shift_px).max() > RING_SHIFT_MIN_PX:
        return 0.0, np.eye(3)
    ball = EYEBALL_PER_IRIS * eye.iris_r_px
    # Never past EYEBALL_TURN_MOST of the ball's radius off its centre (a turn near 90 deg shows its edge).
    front = np.asarray(shift_px, np.float64) / ball
    front *= min(1.0, EYEBALL_TURN_MOST / max(float(np.hypot(*front)), 1e-12))
    n = np.array([front[0], front[1], np.sqrt(max(1.0 - front @ front, 0.0))])
    # Rodrigues: the least rotation taking +z (toward the camera) to n.
    k = np.array([-n[1], n[0], 0.0])
    cross = np.array([[0.0, -k[2], k[1]], [k[2], 0.0, -k[0]], [-k[1], k[0], 0.0]])
    turn = np.eye(3) + cross + cross @ cross / (1.0 + n[2])
    return float(ball), turn


def _iris_room(eye: EyeSprite, rest: np.ndarray, outline: np.ndarray) -> tuple[float, float]:
    """(toward corner_indices[0], toward [1]) px: how far `eye`'s iris disc (iris_r_px round its rest centre in the
    (V, 2) `rest` vertices) may slide along the corner line while at least TRAVEL_IRIS_KEPT of what the opening
    (`outline`, vertex ids) shows of it at rest stays inside it (to TRAVEL_STEP_PX). (inf, inf): no ring read."""
    if eye.ring_px is None:
        return np.inf, np.inf
    poly = np.asarray(rest[outline, :2], np.float64)
    a, b = (np.asarray(rest[i, :2], np.float64) for i in eye.corner_indices)
    width = float(np.linalg.norm(b - a))
    axis = (b - a) / max(width, 1e-9)
    r = eye.iris_r_px
    grid = np.arange(-r, r + 1e-9, TRAVEL_GRID_PX)
    dx, dy = np.meshgrid(grid, grid)
    disc = np.stack([dx, dy], -1)[np.hypot(dx, dy) <= r] + np.asarray(rest[eye.centre_index, :2], np.float64)
    seen = inside_polygon(disc, poly, on_edge_px=0.0).sum()
    rooms = []
    for sign in (-1.0, 1.0):
        # Bisected (the share falls as the disc slides into the corner): stepping it cost ~1 s an avatar.
        lo, hi = 0.0, width
        while hi - lo > TRAVEL_STEP_PX:
            mid = 0.5 * (lo + hi)
            if inside_polygon(disc + sign * mid * axis, poly, on_edge_px=0.0).sum() >= TRAVEL_IRIS_KEPT * seen:
                lo = mid
            else:
                hi = mid
        rooms.append(lo)
    return rooms[0], rooms[1]


def _eased_travel(travel: float, room: float) -> float:
    """`travel` (px, >= 0) up to TRAVEL_KNEE of `room`, past it eased toward `room` (an exponential, its slope 1 at
    the knee), so a gaze swept to the side slows into the corner rather than stopping there."""
    knee = TRAVEL_KNEE * room
    if travel <= knee:
        return travel
    soft = room - knee
    return knee + soft * (1.0 - np.exp(-(travel - knee) / max(soft, 1e-9)))


def _differing_rows(rgba: np.ndarray, raised: np.ndarray) -> tuple[int, int]:
    """(r0, r1): the rows [r0, r1) of two (h, w, 4) sprites outside which they are equal ((0, 0): none)."""
    rows = np.nonzero(np.any(rgba != raised, axis=(1, 2)))[0]
    return (int(rows[0]), int(rows[-1]) + 1) if len(rows) else (0, 0)


# The raised-lid sprite is blended in as the upper margin (before the head's pose) rises from
# RAISED_FROM of the opening (below it, an expression's slight pull on the lid: the resting sprite
# to the bit) and drawn wholly from RAISED_FULL (fear's lids -0.3, surprise's -0.35 rise 0.3-0.35 of it).
RAISED_FROM = 0.02
RAISED_FULL = 0.1
# The sprite's ring is left whole for an iris moved less than this (sprite px) over the texture: the
# frame at rest (a rounding off its place) draws the sprite to the bit.
RING_SHIFT_MIN_PX = 0.01
# The eyeball's radius in iris radii: 12 mm against the visible iris's 5.9 mm (the landmark iris's
# radius, without the sprite's rim). A turn is taken at most this far off the ball's centre (of its radius).
EYEBALL_PER_IRIS = 2.0
EYEBALL_TURN_MOST = 0.9
# A look aside carries the iris no further than keeps TRAVEL_IRIS_KEPT of what the opening shows of its disc at
# rest inside the opening (_iris_room: read on a TRAVEL_GRID_PX grid, to TRAVEL_STEP_PX), eased from
# TRAVEL_KNEE of that room (_eased_travel).
TRAVEL_IRIS_KEPT = 0.8
TRAVEL_GRID_PX = 0.5
TRAVEL_STEP_PX = 0.25
TRAVEL_KNEE = 0.7
# The white round the iris (_ring_and_white_faded) is gone once the iris has moved this far (sprite px): a
# fade, not a switch, so a small drift of the gaze does not swap the photo's white for the fill at once.
WHITE_FADE_PX = 1.0
# A moved iris's top is the raised sprite with the lashes' shade laid under the margin where it is now
# (_slid), wholly once moved this far (sprite px): a fade, as the white's.
TOP_SLID_PX = 1.0
# ... but not on a catchlight (_glint_share): a sprite pixel is one by how far its luma is over this
# percentile of the iris's (a lighter fibre of a pale iris is partly one: the photo's pixel is kept), wholly
# GLINT_OVER_LEVELS grey levels over it.
GLINT_IRIS_PERCENTILE = 75
GLINT_OVER_LEVELS = 24.0


@njit(cache=True, nogil=True)
def _margin_height(pts, n_upper):
    """(px, px): the mean height of the upper margin's inner points over the line between the eye's
    corners, and the opening's mean height (upper margin over the lower), across the eye, for the
    (k, 2) float64 opening outline `pts` (_opening_outline's order: its first `n_upper` the upper
    margin)."""
    ax, ay = pts[0, 0], pts[0, 1]
    dx, dy = pts[n_upper - 1, 0] - ax, pts[n_upper - 1, 1] - ay
    norm = max(np.sqrt(dx * dx + dy * dy), 1e-9)
    # Up across the eye: the corners' line turned a quarter, its y negative (image y grows down).
    ux, uy = dy / norm, -dx / norm
    if uy > 0.0:
        ux, uy = -ux, -uy
    upper, lower = 0.0, 0.0
    for i in range(1, n_upper - 1):
        upper += (pts[i, 0] - ax) * ux + (pts[i, 1] - ay) * uy
    for i in range(n_upper, pts.shape[0]):
        lower += (pts[i, 0] - ax) * ux + (pts[i, 1] - ay) * uy
    upper /= n_upper - 2
    lower /= pts.shape[0] - n_upper
    return upper, upper - lower


def _opening_outline(corners: tuple[int, int]) -> tuple[tuple[int, ...], int]:
    """The landmark outline of the eye opening with these corner landmarks, as face.rig fills it
    (MATERIAL_EYE): its upper margin corner to corner, then its lower margin back; and how many
    of its landmarks are the upper margin's."""
    for upper, lower in ((lm.RIGHT_EYE_UPPER, lm.RIGHT_EYE_LOWER), (lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)):
        if (upper[0], upper[-1]) == tuple(corners):
            return tuple(upper) + tuple(lower[-2:0:-1]), len(upper)
    raise ValueError(f"no eye opening has the corners {corners}")


@njit(cache=True, nogil=True, inline="always")
def _opening_cover(px, py, outline, n_upper):
    """(cover, inside): how much of the pixel centred at (px, py) the eye opening covers, 0..1, and
    whether its centre lies in the (k, 2) `outline` polygon (or on it), whose first `n_upper` points
    are the upper margin. Cover is 0.5 plus the centre's signed distance (px, positive inside) to the nearer
    margin, so the iris's edge on the lids is anti-aliased like the lid painter's closing edge, not
    the raster's whole-pixel steps; less what lies beyond the other margin where that is under 0.5
    px away too (a near-shut slit under a pixel tall covers only its height)."""
    k = outline.shape[0]
    upper, lower, inside = 1e30, 1e30, False
    for i in range(k):
        ax, ay = outline[i, 0], outline[i, 1]
        bx, by = outline[(i + 1) % k, 0], outline[(i + 1) % k, 1]
        if (ay > py) != (by > py) and px < ax + (py - ay) * (bx - ax) / (by - ay):
            inside = not inside
        ex, ey = bx - ax, by - ay
        t = min(max(((px - ax) * ex + (py - ay) * ey) / max(ex * ex + ey * ey, 1e-12), 0.0), 1.0)
        squared = (px - ax - t * ex) ** 2 + (py - ay - t * ey) ** 2
        if i < n_upper - 1:
            upper = min(upper, squared)
        else:
            lower = min(lower, squared)
    near, far = np.sqrt(min(upper, lower)), np.sqrt(max(upper, lower))
    cover = _clip01(0.5 + (near if inside else -near))
    # Between two parallel margins a pixel's cover is clip(0.5 + near) + clip(0.5 + far) - 1.
    if far < 0.5:
        cover = max(cover - (0.5 - far), 0.0)
    return cover, inside or near == 0.0


@njit(cache=True, nogil=True, inline="always")
def _on_ball(px, py, ball, turn):
    """(front, x, y): the point seen at (px, py) px from the eyeball's centre (radius `ball` px) on
    the ball turned by `turn` (3, 3), carried back to where it lay at rest (x, y px from the centre);
    `front` False where the pixel is off the ball or the point lies on the ball's far half at rest."""
    pz2 = ball * ball - px * px - py * py
    if pz2 <= 0.0:
        return False, 0.0, 0.0
    pz = np.sqrt(pz2)
    # The inverse of a rotation is its transpose.
    x = turn[0, 0] * px + turn[1, 0] * py + turn[2, 0] * pz
    y = turn[0, 1] * px + turn[1, 1] * py + turn[2, 1] * pz
    z = turn[0, 2] * px + turn[1, 2] * py + turn[2, 2] * pz
    return z > 0.0, x, y


@njit(cache=True, nogil=True)
def _draw_iris(out, tri_id, material, eye_material, rgba, offset, bounds, centre, scale, x0, y0, x1, y1, outline,
               n_upper, shift, ball, turn):
    """Lays the premultiplied (h, w, 4) float32 sprite `rgba` over the (H, W, 3) uint8 `out`, in
    place, in the box [x0, x1) x [y0, y1), weighted by how much of a pixel the eye opening's
    `outline` (k, 2; its first `n_upper` points the upper margin) covers (_opening_cover), on the
    pixels the eye-opening triangles won and their 4-neighbours whose centre lies outside the
    outline (the opening's anti-aliased rim; other pixels are not the eye's: a nose or frame in
    front). Sprite sampling in the arithmetic IrisPainter's numpy had (sampling.bilinear's float64
    weights, float32 elsewhere). Where `ball` > 0 (px, the eyeball's radius in the sprite) each
    pixel's sprite place is read on a ball turned by the (3, 3) `turn` from the (2,) sprite-px
    `shift` the gaze moved it (_eyeball_turn, _on_ball), so the side it turns toward foreshortens;
    pixels off the ball's front are left to the texture beneath."""
    one, half, top = np.float32(1.0), np.float32(0.5), np.float32(255.0)
    h, w = tri_id.shape
    for y in range(y0, y1):
        for x in range(x0, x1):
            own = material[tri_id[y, x]] == eye_material
            near = int(y > 0 and material[tri_id[y - 1, x]] == eye_material) \
                + int(y < h - 1 and material[tri_id[y + 1, x]] == eye_material) \
                + int(x > 0 and material[tri_id[y, x - 1]] == eye_material) \
                + int(x < w - 1 and material[tri_id[y, x + 1]] == eye_material)
            if not own and near == 0:
                continue
            # A pixel with its 4 neighbours in the opening lies 0.5 px or more inside a (locally
            # straight) margin: wholly covered; only the rim's pixels need the distance.
            cover, inside = one, True
            if not (own and near == 4):
                exact, inside = _opening_cover(np.float64(x), np.float64(y), outline, n_upper)
                cover = np.float32(exact)
            # A neighbour whose centre lies in the outline is not the eye's only because something
            # in front covers it (a nose at a turned head): no iris on it.
            if cover <= np.float32(0.0) or (not own and inside):
                continue
            sx = offset[0] + (np.float32(x) - centre[0]) / scale
            sy = offset[1] + (np.float32(y) - centre[1]) / scale
            if ball > 0.0:
                turned, sx, sy = _on_ball(sx - offset[0] + shift[0], sy - offset[1] + shift[1], ball, turn)
                if not turned:
                    continue
                sx, sy = offset[0] + sx, offset[1] + sy
            sx, sy = min(max(sx, 0.0), bounds[0]), min(max(sy, 0.0), bounds[1])
            ix, iy = int(sx), int(sy)
            fx, fy = np.float64(sx) - ix, np.float64(sy) - iy
            alpha = np.float32((rgba[iy, ix, 3] * (1 - fx) + rgba[iy, ix + 1, 3] * fx) * (1 - fy)
                               + (rgba[iy + 1, ix, 3] * (1 - fx) + rgba[iy + 1, ix + 1, 3] * fx) * fy)
            if not alpha > np.float32(1e-3):
                continue
            for c in range(3):
                colour = np.float32((rgba[iy, ix, c] * (1 - fx) + rgba[iy, ix + 1, c] * fx) * (1 - fy)
                                    + (rgba[iy + 1, ix, c] * (1 - fx) + rgba[iy + 1, ix + 1, c] * fx) * fy)
                v = np.float32(out[y, x, c]) * (one - alpha * cover) + colour * cover + half
                out[y, x, c] = np.uint8(min(max(v, np.float32(0.0)), top))


# A shut eye's lash line: thickness at mid-eye as a share of the eye's width, and how far its
# lashes hang below the closing edge, in line thicknesses.
LASH_WIDTH = 0.08
# Any thinner, or tapered to finer tips, the line reads less drawn on sharp photos but dlib loses
# blinks (bench_blinks --seconds 10, 2026-12-02): 0.055 of the eye's width saw 3 of 7 on Coelho's
# portrait and 6 of 7 on Biden's (6 and 7 at 0.08); 0.07, thinning toward the inner corner, 4 of 7
# on Coelho's; 0.08 with tips at 0.2 of mid-eye's thickness and the inner third halved, 5 of 7 on
# Coelho's and 6 of 7 on the bearded old photo (7); 0.08 with only the outer 15% at either corner
# thinned to fine tips, 6 of 7 on the bearded old photo.
LASH_FRINGE = 0.8
LASH_OF_OPENING = 0.3  # the line is at most this share of the open eye's height
# A lid lowered under 0.4 of the way (a look down, a half blink) shows its margin and the lashes'
# roots, not the shut eye's lashes seen from the front: its line is this share as thick, thickening
# to the whole from 0.4 to 0.6 shut (at the whole thickness a look down drew a stroke along the lid).
# dlib reads a blink in its frames from ~0.6 shut on (on the bearded old photo the lowest eye aspect
# ratio near 4 of 7 apexes was at 0.6-0.75 shut, not at the apex): thinning the line up to 0.95 shut
# lost one of its blinks (0.585 -> 0.607 x the median at 0.75 shut).
LASH_PART_SHUT = 0.6
# Under the line's soft fringe hang N_LASHES strands, rooted along the closing edge (each root
# LASH_JITTER of the spacing off even, so no comb), each its own fixed darkness (up to
# LASH_STRAND_DARK) and length (LASH_LENGTHS x LASH_FRINGE line thicknesses), LASH_STRAND_PX wide (a
# Gaussian sigma, widened by the photo's blur) and fanning out toward either corner by up to
# LASH_FAN px sideways a px down, as a shut eye's lashes do: lashes, not only an even dark band.
# The line and the fringe stay as they were: on Coelho's portrait (shut/open EAR 0.46, dlib), the
# line 12% lighter in clumps gave 0.52, up to 25% thicker in clumps 0.59, the lid's colour keeping
# the socket's shade further down toward its corners (a rounder dome) 0.54, the lid's side fade
# at 0.07 of the width (no straight side at a 3/4 view's outer corner) 0.52, the fringe replaced
# by strands alone 0.55; these strands under it, 0.51.
N_LASHES = 23
LASH_LENGTHS = (1.0, 2.0)
LASH_STRAND_PX = 0.45
LASH_FAN = 0.45
LASH_JITTER = 0.3
LASH_STRAND_DARK = 0.9
# The line's colour is at most LASH_CONTRAST x the luma of what it lies on (scaled, its hue kept): on
# a lid in deep shadow (the faded print's image-right eye) the photo's lash colour was barely darker
# than the lid, a dark blob dlib read as an open eye (bench_blinks' clip: 0 -> 1 of 7 blinks, EAR
# 0.70 -> 0.66 x the median, eye showing 11.7% -> 6.1%). Still frames, dlib's EAR shut over open:
# a floor of 0.4 (EAR 0.72) did no better there than 0.5 (0.75) and cost the man in glasses' (0.33
# -> 0.60).
LASH_CONTRAST = 0.5
# Lashes as lashes, not a stroke: under the line's core (the lid margin, which keeps its
# thickness: thinner lines lost dlib blinks) hang the lashes' clumps, one at each strand's root
# (LASH_CLUMP_WIDTH of the roots' spacing wide, a Gaussian sigma, slanting with the fan), where
# the line's shade falls off up to LASH_RAGGED slower (by the clump's fixed random length), and
# LASH_RAGGED faster between them, so its lower edge is toothed, not parallel to the lid's; and up
# to LASH_INNER_SHORT shorter toward the inner corner, where lashes are short and sparse. (Still
# renders, dlib's shut/open EAR: Coelho 0.51 -> 0.50, Pedersen 0.26 -> 0.28, bearded old photo
# 0.45 -> 0.48; the line thinned toward the inner corner instead, 0.62 on Coelho's.)
LASH_INNER_SHORT = 0.35
LASH_CLUMP_WIDTH = 0.35
LASH_RAGGED = 0.45
# The lashes under the line (its soft fringe and strands) grow faint toward the inner corner, to
# LASH_INNER_FAINT of their darkness from a = LASH_INNER_FROM on: the photo's own open upper lash
# line is there 0.0-0.4 as deep (under the lid skin's luma) as mid-eye on 13 of 14 measured eyes
# (02's at x = 313, 1.2, does not fade; out/lash31/measure_main.txt, a = 0.8-0.9 over 0.2-0.5), where
# an even fringe to the corner reads as a ruled comb. The line's core
# (the lid margin) is left whole: with the core faded by the same ramp, dlib's shut/open eye aspect
# ratio on still renders rose on Coelho's and Pedersen's portraits (0.457 -> 0.481, 0.388 -> 0.480)
# and the eye "showing" at full closure on the Morisot in mauve and the faded print went over
# bench_blinks' 2% bar (1.8 -> 2.4%, 1.4 -> 2.3%).
LASH_INNER_FAINT = 0.35
LASH_INNER_FROM = 0.6
# A shut upper lid is painted from this far above the open margin (eye widths, less toward the
# corners): over the photo's lash band and the skin the mesh stretches down with the lid, and the
# crease, which a closing lid unfolds (left in place, its shadow outlines an open eye above the lash
# line). Its upper LID_FADE share fades in. A longer fade (0.8) let a fifth to a third of the
# crease's or socket's shadow show through 0.2-0.3 eye widths above the open margin, where dlib
# read it as an open eye's upper rim: 0.5 took the bearded old photo from 5 to 6 of 7 blinks and
# Coelho's from 5 to 7 (Biden's 7, the lowest EAR at blinks as deep).
LID_REACH = 0.6
LID_FADE = 0.5
# ... but never far into the brow: on every test portrait the brow's lower edge lies 0.17-0.6 eye
# widths above the open margin (under 0.6 on 13 of 14), so a lid reaching 0.6 wiped the brow's
# lower half into a smooth smear at every blink, half blink and look down. The lid's top reaches at
# most BROW_OVERLAP eye widths over the brow's lower landmarks (softening its lowest hairs only),
# and at least LID_LEAST above the open margin's lash band; lowered so, it is whole from as far up
# as before and only its fade is shorter. Stopping the lid 0.04 under the landmarks instead let
# the shade under the brow reach the lash line: dlib's shut/open eye aspect ratio (still frames)
# Coelho 0.454 -> 0.497, Pedersen 0.241 -> 0.464, the bearded old photo 0.489 -> 0.544; at 0.04
# over them 0.451, 0.309, 0.516.
BROW_OVERLAP = 0.04
LID_LEAST = 0.08
# As the eye shuts the lower lid rises slightly, this share of the opening (the lids meet there, so
# the lash line keeps the lower margin's downward curve, as on a real shut eye), and its skin is
# repainted this far below the margin (eye widths): the open eye's lower rim and the shadow under
# it would read as an open eye below the lashes.
LOWER_LID_RISE = 0.1
LOWER_LID_BAND = 0.15
# The shut upper lid's shadow on the lower lid: this much darker at the lash line, falling off over
# LOWER_LID_SHADE_PX pixels.
LOWER_LID_SHADE = 0.08
LOWER_LID_SHADE_PX = 2.0
# A lowered lid (a half blink, a look down) shades the eyeball under its edge: this much darker at
# the edge, falling off over EYEBALL_SHADE_FALL eye widths (the photo's own lid shadow there is
# covered by the lowered lid; without one the lid read as a flat band laid on the eye).
EYEBALL_SHADE = 0.35
EYEBALL_SHADE_FALL = 0.04
# Both lids fade out over this share of the eye's width at either corner.
LID_SIDE_FADE = 0.15
# The skin beside a shut lid is read LID_CORNER_OUT eye widths beyond either corner (_beside_grey). Its
# colour is not blended into the lid's corners: turned to 07's dark socket there, the lid lost dlib 3 of
# 7 blinks (lid47b: 4/7 -> 7/7 without it, out/lid47b/bench_nocorner.log).
LID_CORNER_OUT = 0.05
# ... but where the skin beside the outer corner is a socket's shade (darker than the lid's lit colour
# by LID_CARRY_FROM x it, wholly LID_CARRY_RAMP further), the upper lid is carried past that corner, up to
# LID_CARRY_PAST eye widths, its top held where the side fade ends: lit over a dark corner that
# stopped at it, 07's far lid drew a light patch with a hard outer edge (75 -> 150 levels in 4 px,
# judge47); so the step spreads over LID_CARRY_PAST + LID_SIDE_FADE eye widths, lightening the
# socket (every darkening of that lid cost dlib 1-2 of 07's blinks, lid48).
# From LID_DEEP_FROM (0.35) the bundled face's corners (0.47-0.53 darker) were carried too: its iris or
# sclera at closure 1.5 -> 3.1% (lid48b); 07's far corner is 0.6 or more darker.
LID_CARRY_PAST = 0.1
LID_CARRY_FROM = 0.55
LID_CARRY_RAMP = 0.2
# Lid colours are averaged along the eye over this many samples (one a pixel) either side.
SMOOTH_SAMPLES = 4
# Above a shut lid only a spectacle frame or lashes (darker than this x the lid) are not lid skin:
# a deep-set eye's socket shadow is, and the lid must continue it, not show a lighter patch.
TOP_DARKEST = 0.3
# Where the brow sits close over the eye, the skin just above the shut lid's top is the brow's lower
# edge: continued down the lid, it would draw a grey-brown smear under the brow, a grey box at the
# blink's apex. So a sample there darker than TOP_FILL_DARKEST x the photo's skin at that place
# (LidSkin.fill: the skin round the eye continued under its brow hairs, lashes and opening) is drawn
# toward that skin, wholly TOP_FILL_RAMP x it darker; only under a brow read over lid skin
# (LidSkin.brow_gap): a deep-set eye's socket shade, dark up to the brow, is left out of the fill as
# hair is, and a lid lighter than that shade at its top draws an edge dlib reads as an open eye's rim.
TOP_FILL_DARKEST = 0.8
TOP_FILL_RAMP = 0.25
# Nor is the hue of a sample of another hue than the lid skin's (_off_hue): spectacle glare, greyer
# than skin, or a frame's tinted rim. The test is face.appearance's for the photo's lid skin
# (_skin_hued: LID_HUE_SAT, LID_HUE_ACROSS, LID_HUE_LEAST), softened here: past its bounds a sample
# takes the lid's hue at its own grey level, fully SKIN_HUE_RAMP further on. (numba freezes those
# imported bounds into its cached machine code: after changing them, clear render/__pycache__.)
SKIN_HUE_RAMP = 0.25
# A shut lid lit darker than SHADE_HUE_FROM x the photo's lid skin takes the hue of the skin below the
# lower lid (skin in shade), wholly SHADE_HUE_SPAN lower.
SHADE_HUE_FROM = 0.75
SHADE_HUE_SPAN = 0.2
# A shut lid is convex, bulging forward over the eyeball: it keeps the socket's shade only at its
# top, its colour turning to its lit colour (the photo's lid skin at the lower lid's brightness) as
# a smoothstep from s = 0 to LID_LIT_FROM mid-eye, LID_LIT_FROM + LID_LIT_CORNERS at the corners,
# down its height s = 0..1 (across = -1..1 corner to corner; the step's rate 1 / (lit height) is
# linear in across^2), so the lit part is a dome rounded toward the corners that grows out of the
# socket's shade with no outline (a steep 1 - (1 - s)^6 drew one, and straight sides at a 3/4 view's
# far eye), lit over its lower part to the corners (a socket-dark lid, or dark corners, with a dark
# lash line under it read as an open eye's upper rim to dlib); it is lighter mid-lid by up to
# LID_BULGE, and darkens toward its rounded margin: the lash line's shade reaches LASH_SHADE_ABOVE
# times as far up the lid as below the lashes' roots.
LID_LIT_FROM = 0.4
# The lit colour's grey level is the skin's below the lower lid, lifted to the photo's own lid skin
# (LidSkin.colour_profile) where that is lighter: a shut lid is the skin that lay above the open
# margin, not the under-eye's (lid40: the lid's middle was darker than the photo's lid skin on all
# 28 eyes; 03 a grey-brown box, 10 a grey dome on white paper). Where the lid skin is of the open
# eye's light's hue (LidSkin.eye_rgb: the opening's brightest tenth, its sclera where that shows, else
# lit skin or iris; of the lid skin's hue on 22 of 28 eyes, colour photos among them, as on grey or
# sepia prints), not to within LIT_UNDER_EYE levels under it: a lid as light as that light and of its
# hue reads as the open eye (lid40: 10's iris or sclera at closure 0.4 -> 2.4%). Skin of another hue
# (chromas, colour over grey level, LIT_HUE_APART apart) is lifted whole, as lid skin is told from
# sclera by hue.
# The lift fades out toward the corners (x 1 - across^4), where the skin beside is the socket's shade
# (lifted flat, the side step between lid and skin beside, out/lid41/sides.py, grew 26.0 -> 27.3).
# The lift blends the lit colour toward the lid skin's own RGB (_lit_colour), not its hue scaled up.
LIT_UNDER_EYE = 30.0
# Nor above the open eye's light where that is under SOCKET_SHADE_FROM x the lid skin's grey (wholly
# SOCKET_SHADE_RAMP lower): even the opening's lightest tenth is in shadow (h07's far eye: 40 under
# lid skin of 141, its whites and iris unseen in a backlit socket), and a lid lifted to the lit lid
# skin above it hung there as a pink flap (judge54). Sclera, or an iris's light, lies near or over the
# lid skin's grey on the other eyes (see _in_shaded_socket).
SOCKET_SHADE_FROM = 0.5
SOCKET_SHADE_RAMP = 0.15
LIT_HUE_APART = 0.15
# A lid is lifted only as far as that cap lies above the median grey of the skin below it, wholly
# LIT_ROOM levels above: where the eye's light is no lighter than that skin (08's sepia print), lifting
# only the lid's darker columns (its corners) moved its lash line where dlib reads the shut eye.
LIT_ROOM = 20.0
# A column is lifted by how far the photo's lid skin (capped) lies above the skin below it, wholly
# LIT_GAP_RAMP levels above: lifted or not by a bare "lighter" test, a lid switched between the lid
# skin's RGB and the skin below's hue where the two greys crossed along the eye, drawn as full-height
# vertical stripes of either colour (07: orange and grey bands, 05).
LIT_GAP_RAMP = 20.0
# The lit colour is averaged along the eye over LIT_ALONG eye widths either side: column by column, a
# highlight under the lower lid (07's cheek light under the iris) or a dip in the lid skin's profile
# ran up the whole shut lid as a vertical band of its colour (07's orange band; averaging the skin
# below alone left a faint one).
LIT_ALONG = 0.25
# No lift at all where the photo's lid skin itself has no colour (its chroma, colour over grey level
# less 1, under LIT_SKIN_CHROMA; only the engraving, 10, of 28 eyes: the next least is 0.12): there
# the lid skin is the paper, and lifted toward it the lid went a smooth near-white dome (rev41d).
LIT_SKIN_CHROMA = 0.05
LID_LIT_CORNERS = 0.3
# ... unless the lid sits deep in a socket: where the skin above its top (averaged along the eye as
# the lit colour is) and the skin beside its corners are darker than the lit colour by over
# LID_DEEP_FROM x it, wholly LID_DEEP_RAMP x it further (the skin above alone: a brow low over a lit
# lid read as a socket; from 0, 05's painted socket, 0.7 x its lid, shaded the lid into its dark iris's
# colour: 16-22% of the open eye's pixels at closure in bench_blinks, 0.3% without), the lid keeps that
# shade (its colour ramping from it, averaged so, not the column's own: stripes) down to where the
# open eye's upper margin was, within LID_LIT_DEEP of its height (the corners' LID_LIT_CORNERS
# further). A lid lit from 0.4 down inside 07's socket, as bright as the nose, left the socket's
# shadow as a dark ring round a bright slab: a sticker (judge46, diag46l).
LID_DEEP_FROM = 0.35
LID_DEEP_RAMP = 0.25
LID_LIT_DEEP = 0.75
LID_BULGE = 0.08
LASH_SHADE_ABOVE = 1.6
# A shut lid carries the photo's own skin detail (wrinkles, pores, film grain, an engraving's
# hatching: the skin minus its blur at DETAIL_SIGMA eye widths). The upper lid's is the photo's lid
# skin from just above its lash band up to the shut lid's top, read back from the frame where the
# mesh has moved it down (so unstretched), and laid from the closing edge up: stretched as far as
# the unfolding lid is taller than that band, at most DETAIL_STRETCH times, mirrored beyond. The
# lower lid's band mirrors the DETAIL_BELOW eye widths of skin below it. Detail over DETAIL_OUTLIER x
# the band's typical size (brow hairs, lashes) and skin darker than DETAIL_DARKEST x the lid are not
# lid skin and are left out; lines beyond DETAIL_CLIP x the typical size are softened (repeated down
# a smooth lid, a crease's shadow would draw folds). The fixed grain is laid over it all. The detail
# is taken DETAIL_GAIN times: laid, it is sampled again between pixels (bilinear, at the stretch's
# fractional rows), which averages a pixel's grain with its neighbours' (to 2/3 of its size, on
# average, for uncorrelated grain). Lines along the eye (a crease, the lash band's edge: the strip's
# rows run along the open margin) are not laid either: the detail loses its running mean along the
# eye over DETAIL_ALONG eye widths. judge23 (item 2) saw every shut lid as a smooth pasted patch: at
# 0.03 eye widths (about a pixel), outliers from 8 x and taken once, the fine detail (luma less its
# blur at 1 px) of the shut lid above its lash line was 0.25-0.55 of the photo's lid skin's around
# the eye (bundled, 03, 05, 09, 10); now 0.28-0.55, per eye +0-22%, +12% on average
# (out/lidgrain/probe.py). Wider, or without the mean along the eye or outliers from 3 x, the bundled
# photo's crease was repeated down the lid as bright arcs; clipped at 2 x the typical size (0.4-0.9
# of the photo's), the textured lid matched the open eye's colour within 10 levels on more pixels
# (bench_blinks' eye showing at closure: 09 1.7% -> 2.7%, 04 0 -> 0.5%).
DETAIL_SIGMA = 0.06
DETAIL_BELOW = 0.3
DETAIL_STRETCH = 1.3
DETAIL_OUTLIER = 3.0
DETAIL_CLIP = 1.0
DETAIL_DARKEST = 0.3
DETAIL_GAIN = 1.5
DETAIL_ALONG = 0.3
# A wild pixel's neighbours within DETAIL_REJECT_PX are left out too (its halo). At ceil(DETAIL_SIGMA x
# the eye's width), 3-5 px, a 2-5% outlier rate left 07's shut lids 22-39% of their strip (diag46l).
# Skin texture is about multiplicative: detail read in shade has its luma scaled by the lid skin's
# luma over the strip's (blurred) luma there, within DETAIL_SCALE (07's strip lies in the socket's
# shade, a third as bright as the lit lid: added as read, its pores were a third of the cheek's; at
# up to 3 x, the shade's edges drew veins).
# Where under DETAIL_SKIN_LEAST of the upper strip is lid skin (a deep-set eye: the lid skin is
# hidden in the socket, the strip is shade, lashes and brow; 07's image-right eye 0.07), the lid
# carries the skin below the lower lid instead, mirrored up from the lash line.
DETAIL_REJECT_PX = 1
DETAIL_SCALE = (0.5, 2.0)
DETAIL_SKIN_LEAST = 0.3
# Skin sampled around a shut lid within FRAME_GROW eye widths of a spectacle frame (face.glasses'
# mask) is not skin to continue (the frame-less texture's fill along a rim: a darker band along
# Hopper's outer lid corners): it takes the photo's lid skin. The mask is read once per photo on a
# grid over eye positions a in COVER_A, b in COVER_B eye widths (COVER_GRID rows and columns).
FRAME_GROW = 0.04
COVER_A = (-0.3, 1.3)
COVER_B = (-0.8, 0.5)
COVER_GRID = (27, 33)


@dataclass(frozen=True)
class _EyeAxes:
    """One eye in a frame, in its own axes: a = 0..1 from corner upper[0] to upper[-1], b = pixels
    toward the cheek. Chains are (a, b) pairs sorted by a: the upper lid margin now, the lower lid
    margin, and the upper margin where it would be with the eye open."""

    origin: np.ndarray
    along: np.ndarray
    down: np.ndarray
    width: float
    upper: tuple[np.ndarray, np.ndarray]
    lower: tuple[np.ndarray, np.ndarray]
    upper_open: tuple[np.ndarray, np.ndarray]

    @classmethod
    def of(cls, lid: LidSkin, xy: np.ndarray, open_xy: np.ndarray) -> "_EyeAxes":
        c0, c1 = xy[lid.upper[0]], xy[lid.upper[-1]]
        width = float(np.linalg.norm(c1 - c0))
        along = (c1 - c0) / width
        down = lid.down_sign * np.array([-along[1], along[0]])

        def chain(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            a, b = (points - c0) @ along / width, (points - c0) @ down
            order = np.argsort(a)
            return a[order], b[order]

        return cls(c0, along, down, width, chain(xy[list(lid.upper)]), chain(xy[list(lid.lower)]),
                   chain(open_xy[list(lid.upper)]))

    def covered_px(self) -> float:
        """How far (px) the upper lid has come down from open, at most along the eye."""
        return float(_covered(*self.upper, *self.upper_open))

    def opening_px(self) -> float:
        """The open eye's height (px) at its widest."""
        return float(_opening(_unit_grid(9), *self.lower, *self.upper_open))

    def to_image(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """(N, 2) pixel positions of eye coordinates."""
        return self.origin + np.outer(a * self.width, self.along) + np.outer(b, self.down)


@lru_cache(maxsize=64)
def _unit_grid(n: int) -> np.ndarray:
    """np.linspace(0, 1, n), read-only and cached (linspace's own overhead was a sizeable share of
    a lid's setup)."""
    grid = np.linspace(0.0, 1.0, n)
    grid.flags.writeable = False
    return grid


def _lid_lift(eye: _EyeAxes, xy: np.ndarray, open_xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How the skin above the upper lid follows its margin down in this frame (the rig's fall-off,
    read off the (V, 2) vertices now and with the eye open): (heights in px above the open margin,
    ascending; the share of the margin's travel the skin there moves)."""
    rel = open_xy - eye.origin
    a = rel @ eye.along / eye.width
    # The eye's middle as bounds on a, in a's dtype (numpy compared in it).
    heights, share = _lift_samples(a, np.array((0.2, 0.8), a.dtype), rel @ eye.down, (xy - open_xy) @ eye.down,
                                   *eye.upper, *eye.upper_open, eye.width)
    order = np.argsort(heights)
    # Never rising with height (vertices a little off the middle columns scatter it); where no
    # vertex says otherwise, the skin an eye width up stays.
    heights = np.concatenate([[0.0], heights[order], [eye.width]])
    return heights, np.minimum.accumulate(np.concatenate([[1.0], share[order], [0.0]]))


# The eye geometry's numpy on small arrays, compiled (its overhead was most of the lids' setup);
# the BLAS products stay numpy's, and np.interp took the float32 chains as float64, as here.
@njit(cache=True, nogil=True)
def _covered(upper_a, upper_b, open_a, open_b):
    """_EyeAxes.covered_px from its chains."""
    now = _interp_each(upper_a.astype(np.float64), open_a.astype(np.float64), open_b.astype(np.float64))
    return np.max(upper_b.astype(np.float64) - now)


@njit(cache=True, nogil=True)
def _opening(grid, lower_a, lower_b, open_a, open_b):
    """_EyeAxes.opening_px from its chains, at `grid` along the eye."""
    low = _interp_each(grid, lower_a.astype(np.float64), lower_b.astype(np.float64))
    return np.max(low - _interp_each(grid, open_a.astype(np.float64), open_b.astype(np.float64)))


@njit(cache=True, nogil=True)
def _lift_samples(a, middle, open_down, moved_down, upper_a, upper_b, open_a, open_b, width):
    """_lid_lift's samples, unsorted: (heights px above the open margin, share of the margin's travel)
    of the vertices over the `middle` (a's bounds) of the eye, from each vertex's eye position `a`,
    its distance down with the eye open and how far it moved down."""
    af = a.astype(np.float64)
    margin = _interp_each(af, open_a.astype(np.float64), open_b.astype(np.float64))
    now = _interp_each(af, upper_a.astype(np.float64), upper_b.astype(np.float64))
    heights, share, k = np.empty(a.shape[0]), np.empty(a.shape[0]), 0
    for i in range(a.shape[0]):
        height, travel = margin[i] - open_down[i], now[i] - margin[i]
        if middle[0] < a[i] < middle[1] and 0.5 < height < width and travel > 0.5:
            heights[k], share[k] = height, min(max(moved_down[i] / max(travel, 0.5), 0.0), 1.0)
            k += 1
    return heights[:k], share[:k]


@njit(cache=True, nogil=True)
def _detail_rows(top, edge, low_edge, base_px, lift_heights, lift_share, n_upper, n_lower):
    """(n_upper + n_lower, len(top)) px along b of the detail strips' rows (LidPainter._detail_strips):
    row i (base_px + i) px above the open margin `top`, moved toward the closing edge `edge` by the
    lift's share at that height, then rows from `low_edge` down. numpy's formulas in its order (the
    same bits)."""
    n = top.shape[0]
    share = _interp_each(base_px + np.arange(n_upper).astype(np.float64), lift_heights, lift_share)
    rows = np.empty((n_upper + n_lower, n))
    for i in range(n_upper + n_lower):
        for j in range(n):
            if i < n_upper:
                rows[i, j] = (top[j] - (base_px + i)) + (edge[j] - top[j]) * share[i]
            else:
                rows[i, j] = low_edge[j] + (i - n_upper)
    return rows


@njit(cache=True, nogil=True)
def _image_maps(axes, grid, rows_b):
    """cv2.remap's float32 x and y maps (rows, cols) of eye positions (grid[col], rows_b[row, col]),
    `axes` as _paint_lid_box's: _EyeAxes.to_image's formula in its order, then float32 (the same bits)."""
    map_x, map_y = np.empty(rows_b.shape, np.float32), np.empty(rows_b.shape, np.float32)
    for i in range(rows_b.shape[0]):
        for j in range(rows_b.shape[1]):
            along = grid[j] * axes[6]
            map_x[i, j] = np.float32(axes[0] + along * axes[2] + rows_b[i, j] * axes[4])
            map_y[i, j] = np.float32(axes[1] + along * axes[3] + rows_b[i, j] * axes[5])
    return map_x, map_y


def _strip(frame: np.ndarray, eye: _EyeAxes, grid: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    """(rows, cols, 3) float32 of the (H, W, 3) uint8 `frame` at eye positions (grid[col], rows_b[row, col])."""
    import cv2

    map_x, map_y = _image_maps(np.array([*eye.origin, *eye.along, *eye.down, eye.width], np.float64), grid, rows_b)
    strip = cv2.remap(frame, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return strip.astype(np.float32)


@njit(cache=True, nogil=True)
def _abs_median(values):
    """The median of |values| (float32), as np.median gives it (the float32 mean of the middle two)."""
    flat = np.abs(values.ravel())
    k = flat.size // 2
    if flat.size % 2:
        return np.float64(np.partition(flat, k)[k])
    middle = np.partition(flat, k)
    return np.float64((np.max(middle[:k]) + middle[k]) / np.float32(2.0))


@njit(cache=True, nogil=True)
def _detail_and_skin(detail, luma, blur_luma, clipped, limit, outlier, darkest, radius, lid_luma):
    """_skin_detail's (rows, cols, 4) from the strip's `detail` (rows, cols, 3), its luma and its blur's
    (float32) and tanh(luma / limit) `clipped`, taken DETAIL_GAIN times, its luma scaled by `lid_luma`
    over the blur's luma (within DETAIL_SCALE); `outlier`, `darkest` and `lid_luma` are float32.
    A pixel is wild where its detail's luma passes `outlier` or its blur is under `darkest`; a wild
    pixel's square of `radius` (cv2.dilate's) is not skin."""
    rows, cols = luma.shape
    wild = np.zeros((rows, cols), np.bool_)
    for i in range(rows):
        for j in range(cols):
            if abs(luma[i, j]) > outlier or blur_luma[i, j] < darkest:
                for y in range(max(i - radius, 0), min(i + radius + 1, rows)):
                    for x in range(max(j - radius, 0), min(j + radius + 1, cols)):
                        wild[y, x] = True
    out = np.empty((rows, cols, 4), np.float32)
    for i in range(rows):
        for j in range(cols):
            shift = np.float32(limit * clipped[i, j] - luma[i, j])
            scale = np.float32(min(max(lid_luma / max(blur_luma[i, j], np.float32(1.0)), np.float32(DETAIL_SCALE[0])),
                                   np.float32(DETAIL_SCALE[1])))
            # Its luma alone is scaled: a shadow's colour noise (JPEG chroma) taken 3 x speckled 07's lid.
            more = np.float32(limit * clipped[i, j]) * (scale - np.float32(1.0))
            for c in range(3):
                out[i, j, c] = (detail[i, j, c] + shift + more) * np.float32(DETAIL_GAIN)
            out[i, j, 3] = np.float32(0.0) if wild[i, j] else np.float32(1.0)
    return out


def _skin_detail(strip: np.ndarray, *, eye_width_px: float, lid_luma: float) -> np.ndarray:
    """(rows, cols, 4): a strip of skin's detail (RGB, less its blur at DETAIL_SIGMA and its mean along
    the eye over DETAIL_ALONG, both x the eye's width `eye_width_px`, its lines softened, scaled to
    the lid skin's `lid_luma` (DETAIL_SCALE)) and how much of it is lid skin (0..1), by DETAIL_OUTLIER,
    DETAIL_CLIP, DETAIL_DARKEST and DETAIL_REJECT_PX. The BLAS products and np.tanh stay numpy's
    (their bits depend on the library); the rest is compiled (_abs_median, _detail_and_skin: numpy's
    small-array overhead was most of the cost)."""
    import cv2

    sigma_px = DETAIL_SIGMA * eye_width_px
    blur = cv2.GaussianBlur(strip, (0, 0), sigma_px, borderType=cv2.BORDER_REFLECT)
    detail = strip - blur
    along = 2 * int(0.5 * DETAIL_ALONG * eye_width_px) + 1
    detail -= cv2.blur(detail, (along, 1), borderType=cv2.BORDER_REFLECT)
    luma = detail @ LUMA
    typical = 1.4826 * _abs_median(luma)
    limit = np.float32(DETAIL_CLIP * typical + 1.0)  # numpy took the Python float as float32
    # A dark or wild thing's halo is not skin either; LUMA sums to 1, so the shift sets the luma.
    return _detail_and_skin(detail, luma, blur @ LUMA, np.tanh(luma / limit), limit,
                            np.float32(DETAIL_OUTLIER * typical + 1.0), np.float32(DETAIL_DARKEST * lid_luma),
                            DETAIL_REJECT_PX, np.float32(lid_luma))


def upper_or_lower(upper: np.ndarray, lower: np.ndarray) -> np.ndarray:
    """The upper lid's detail strip (rows, cols, 4), or where under DETAIL_SKIN_LEAST of it is lid
    skin the `lower` one mirrored up to as many rows (row 0 at the lash line either way)."""
    if float(np.mean(upper[..., 3])) >= DETAIL_SKIN_LEAST:
        return upper
    repeats = -(-upper.shape[0] // (2 * lower.shape[0]))
    return np.ascontiguousarray(np.concatenate([lower, lower[::-1]] * repeats)[:upper.shape[0]])


def _along(a: np.ndarray, grid: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """(h, w, 3) colours at eye positions `a` (h, w), from (N, 3) colours at `grid`."""
    return np.stack([np.interp(a, grid, colours[:, c]) for c in range(colours.shape[1])], axis=-1)


# A shut lid's per-column curves and per-pixel compositing are compiled: one pass over the eye's
# box, where numpy made ~40 full-box temporaries (3x the time). They compute the numpy formulas
# they replaced in the same order, in float64 (the numpy had the pixels' eye coordinates in
# float32), and reproduce np.interp and OpenCV's remap exactly, so frames agree with the numpy
# reference kept in tests/render/lid_reference.py to a gray level. Serial: the render loop's
# other stages and other sessions share the cores. Per-column curves are rows of one
# (_N_CURVES, n) array at the eye's grid: first _GEOMETRY_ROWS rows of geometry (lid top, closing
# edge, where the lids meet, lower margin, lower band, closure, rising, how far the brow lowered
# the lid's top), then the detail strips' stretch and the lower strip's first row, then the
# smoothed skin above (3) and below (3) the lids, then the photo's own upper lid skin (3), then the
# lit colour's rate down the lid mid-eye and its change toward the corners (_keep_socket_shade).
_GEOMETRY_ROWS = 8
_N_CURVES = 21
# Lash opacity under this is left out where no lid is painted: it cannot move a pixel a gray level.
_LASH_NEGLIGIBLE = 1.0 / 1024.0
# Under its core the line is left out beyond this many sigmas: under 1e-5 where lashes are longest.
_LASH_LINE_SIGMAS = 4.8 * (1.0 + LASH_RAGGED)


@njit(cache=True, nogil=True, inline="always")
def _step(x, edge0, edge1):
    """face.rig.smoothstep for one value."""
    t = min(max((x - edge0) / (edge1 - edge0), 0.0), 1.0)
    return t * t * (3.0 - 2.0 * t)


@njit(cache=True, nogil=True, inline="always")
def _clip01(x):
    """x clipped to 0..1."""
    return min(max(x, 0.0), 1.0)


@njit(cache=True, nogil=True, inline="always")
def _segment(x, xp):
    """np.interp's segment for `x` on ascending `xp`: -1 left of it, len(xp) - 1 at or right of
    its end, else j with xp[j] <= x < xp[j + 1] (starting from a uniform grid's guess)."""
    n = xp.shape[0]
    if x >= xp[n - 1]:
        return n - 1
    if x < xp[0]:
        return -1
    j = min(max(int(x * (n - 1)), 0), n - 2)
    while j > 0 and xp[j] > x:
        j -= 1
    while j < n - 2 and xp[j + 1] <= x:
        j += 1
    return j


@njit(cache=True, nogil=True, inline="always")
def _interp_rows(x, j, xp, fp, slopes, k0, k1, out):
    """out[k] = np.interp(x, xp, fp[k]) for rows k0..k1 - 1 (same formula, so the same bits),
    given x's _segment `j` and np.interp's slopes (fp[:, 1:] - fp[:, :-1]) / (xp[1:] - xp[:-1])."""
    n = xp.shape[0]
    for k in range(k0, k1):
        if j < 0:
            out[k] = fp[k, 0]
        elif j >= n - 1:
            out[k] = fp[k, n - 1]
        elif xp[j] == x:
            out[k] = fp[k, j]
        else:
            out[k] = slopes[k, j] * (x - xp[j]) + fp[k, j]


@njit(cache=True, nogil=True, inline="always")
def _reflect(p, n):
    """cv2.BORDER_REFLECT's index for `p` in a row of `n`."""
    if n == 1:
        return 0
    while p < 0 or p >= n:
        p = -p - 1 if p < 0 else 2 * n - 1 - p
    return p


@njit(cache=True, nogil=True)
def _sample_detail(strip, col, row, out3):
    """cv2.remap(strip, col, row, INTER_LINEAR, BORDER_REFLECT) at one float32 position, into
    `out3` as detail RGB x its lid-skin weight: the same 1/32-pixel fixed-point position and float32
    weights as OpenCV, so the same bits."""
    ix, iy = int(np.rint(col * np.float32(32.0))), int(np.rint(row * np.float32(32.0)))
    fx, fy = np.float32((ix & 31) / 32.0), np.float32((iy & 31) / 32.0)
    one = np.float32(1.0)
    w0, w1, w2, w3 = (one - fy) * (one - fx), (one - fy) * fx, fy * (one - fx), fy * fx
    h, w = strip.shape[0], strip.shape[1]
    x0, x1 = _reflect(ix >> 5, w), _reflect((ix >> 5) + 1, w)
    y0, y1 = _reflect(iy >> 5, h), _reflect((iy >> 5) + 1, h)
    weight = strip[y0, x0, 3] * w0 + strip[y0, x1, 3] * w1 + strip[y1, x0, 3] * w2 \
        + strip[y1, x1, 3] * w3
    for c in range(3):
        out3[c] = (strip[y0, x0, c] * w0 + strip[y0, x1, c] * w1 + strip[y1, x0, c] * w2 + strip[y1, x1, c] * w3) \
            * weight


@njit(cache=True, nogil=True, inline="always")
def _lash_at(a, below, closure, lash, blur_px, strands, width):
    """The lash line's opacity at one pixel, `below` px under the closing edge (`closure` 0..1 of
    the eye's height there, `width` px the eye's; `a` 0 at the outer corner, 1 at the inner): thinner
    toward the corners and on a lid under 0.6 shut (LASH_PART_SHUT), its lower edge toothed by the
    lashes' clumps and shorter toward the inner corner, its lashes hanging below it, fainter toward
    the inner corner (LASH_INNER_FAINT) and fanning out (fixed `strands` (4, N_LASHES + 1): each
    one's darkness, length, root's offset and clump length, so they never flicker), blurred as the
    photo draws its edges (`blur_px`, a Gaussian sigma: a soft photo gets a wider, fainter line, never
    a crisp stroke), its shade reaching further up the lid than down."""
    # The strands' darkness, drifting smoothly along the eye: the soft fringe's (no steps).
    u = _clip01(a) * N_LASHES
    k = min(int(u), N_LASHES - 1)
    clump = strands[0, k] + (strands[0, k + 1] - strands[0, k]) * (u - k)
    thick = lash * (0.35 + 0.65 * np.sin(np.pi * _clip01(a))) \
        * (LASH_PART_SHUT + (1.0 - LASH_PART_SHUT) * _step(closure, 0.4, 0.6))
    sigma = np.hypot(0.5 * thick, blur_px)
    centred = below + 0.15 * thick
    # Where the lashes' roots are, traced back up along the fan from this pixel (under the core).
    spacing = width / N_LASHES
    root = a * N_LASHES - 0.5 - LASH_FAN * (2.0 * _clip01(a) - 1.0) * below / spacing if centred >= 0.0 else 0.0
    line = 0.0
    if centred < 0.0:
        line = np.sqrt(0.5 * thick / sigma) * np.exp(-0.5 * (centred / (sigma * LASH_SHADE_ABOVE)) ** 2)
    elif centred < _LASH_LINE_SIGMAS * sigma:  # beyond, under 1e-5 even where lashes are longest
        # Under its core the line is the lashes' clumps, each reaching its own way down (no even
        # stroke), slanting as they fan.
        tooth, first = 0.0, int(np.floor(root))
        for k in range(max(first - 1, 0), min(first + 3, N_LASHES + 1)):  # roots are jittered
            d = (root - k - strands[2, k]) / LASH_CLUMP_WIDTH
            tooth = max(tooth, (0.5 + 0.5 * strands[3, k]) * np.exp(-0.5 * d * d))
        spread = sigma * (1.0 + LASH_RAGGED * (2.0 * tooth - 1.0)) * (1.0 - LASH_INNER_SHORT * _step(a, 0.45, 1.0))
        line = np.sqrt(0.5 * thick / sigma) * np.exp(-0.5 * (centred / spread) ** 2)
    fringe = 0.0
    if 0.0 < below < LASH_FRINGE * LASH_LENGTHS[1] * thick:
        # Under the line, a soft band of lash shade (dlib needs the line this deep to see a shut
        # eye: strands alone cost blinks), the strands hanging past it.
        fringe = 0.55 * clump * _clip01(1.0 - below / (LASH_FRINGE * thick))
        width_px = np.hypot(LASH_STRAND_PX, blur_px)
        first = int(np.floor(root))
        for k in range(max(first - 1, 0), min(first + 3, N_LASHES + 1)):  # roots are jittered
            reach = _clip01(1.0 - below / (LASH_FRINGE * thick * strands[1, k]))
            d = (root - k - strands[2, k]) * spacing
            strand = LASH_STRAND_DARK * strands[0, k] * np.sqrt(reach) * np.exp(-0.5 * (d / width_px) ** 2)
            fringe = max(fringe, strand)
        fringe *= 1.0 - (1.0 - LASH_INNER_FAINT) * _step(a, LASH_INNER_FROM, 1.0)
    return min(max(line, fringe), 0.95) * _step(closure, 0.05, 0.4) * _step(a, -0.02, 0.08) \
        * _step(1.0 - a, -0.02, 0.08)


@njit(cache=True, nogil=True, inline="always")
def _upper_lid_alpha(a, b, lid_top, top_fade, edge, closure, carry=0.0):
    """The upper lid's opacity at one pixel: from `lid_top`, fading in over `top_fade` px, down to
    the closing edge `edge` (px along b), fading out at the corners (from `carry` eye widths past
    the outer one, a = 0) and while the lid barely moves."""
    return _clip01(edge - b + 0.5) * _clip01((b - lid_top + 1.0) / (top_fade + 2.0)) \
        * _step(a, -carry, LID_SIDE_FADE) * _step(1.0 - a, 0.0, LID_SIDE_FADE) * _step(closure, 0.0, 0.15)


@njit(cache=True, nogil=True, inline="always")
def _upper_lid_colour(a, b, lid_top, edge, above, lit, rate, rate_corners, out3):
    """The upper lid's colour at one pixel into `out3`, from the skin above it (`above`, (3,)) to
    its lit colour (`lit`: the photo's lid skin at the lower lid's brightness) near its top
    (LID_LIT_FROM; lower in a deep socket: the reciprocal lit height `rate` mid-eye, plus
    `rate_corners` x across^2): a shut lid sits forward over the eyeball, as lit as the cheek, not
    in the socket's shade. It curves over the eyeball: lighter mid-lid, darker toward the corners
    and just above the lashes."""
    s = _clip01((b - lid_top) / max(edge - lid_top, 1.0))
    across = 2.0 * _clip01(a) - 1.0
    across2, s2 = across * across, s * s
    # smoothstep(s, 0, lit height) with the lit height's reciprocal linear in across^2: no division
    # a pixel (one cost the lids 4-8%).
    t = min(s * (rate + rate_corners * across2), 1.0)
    fall = t * t * (3.0 - 2.0 * t)
    shade = 1.0 + LID_BULGE * np.sin(np.pi * s) * (1.0 - across2) - 0.04 * (across2 * across2) - 0.10 * (s2 * s2 * s2)
    for c in range(3):
        out3[c] = (above[c] + (lit[c] - above[c]) * fall) * shade


@njit(cache=True, nogil=True, inline="always")
def _eyeball_shadow(a, below, above_margin, closure, width):
    """How much a lowered lid darkens the eyeball at one pixel `below` px under its closing edge and
    `above_margin` px over the lower lid's margin (`width` px the eye's): EYEBALL_SHADE at the edge,
    falling off over EYEBALL_SHADE_FALL eye widths, fading out at the corners, while the lid
    barely moves (the photo's own lid shadow is still there) and from 0.45 to 0.65 shut (where dlib
    reads blinks: a darker sliver of eye under the lash line reads as an open eye's)."""
    # The cheap checks first: the exp below would run over the whole lid box at every closure.
    if closure <= 0.02 or closure >= 0.65 or below <= 0.0 or above_margin <= -0.5:
        return 0.0
    return EYEBALL_SHADE * np.exp(-below / (EYEBALL_SHADE_FALL * width)) * _clip01(above_margin + 0.5) \
        * _step(a, 0.0, LID_SIDE_FADE) * _step(1.0 - a, 0.0, LID_SIDE_FADE) * _step(closure, 0.02, 0.25) \
        * (1.0 - _step(closure, 0.45, 0.65))


@njit(cache=True, nogil=True, inline="always")
def _lower_lid_alpha(a, b, meet, bottom, band, rising):
    """The risen lower lid's opacity at one pixel: from where the lids meet (`meet`, px along b)
    down over its band, fading out at the corners and until the blink is well under way."""
    return _clip01(b - meet + 0.5) * _step(bottom + band + 1.0 - b, 0.0, 0.6 * band + 1.5) \
        * _step(a, 0.0, LID_SIDE_FADE) * _step(1.0 - a, 0.0, LID_SIDE_FADE) * _step(rising, 0.0, 0.3)


@njit(cache=True, nogil=True, inline="always")
def _blend(pixel, v, a, b, upper_alpha, lower_alpha, lash_alpha, shadow, tex, grain, lash_rgb, lash_luma, skin,
           under):
    """Composites the lid's `shadow` on the eyeball, the upper lid over it (its soft edge is lid,
    not shaded eyeball), the lower lid (shaded by the upper one) and the lash line over one (3,)
    uint8 pixel, each step rounded to float32 as numpy's float32 frame was (`lash_luma`: the line
    colour's luma, at least 1, the same for the whole lid; `skin`, `under`: (3,) scratch)."""
    if upper_alpha > 0.0:
        _upper_lid_colour(a, b, v[0], v[1], v[10:13], v[16:19], v[19], v[20], skin)
    dark = 1.0 - LOWER_LID_SHADE * np.exp(-max(b - v[2], 0.0) / LOWER_LID_SHADE_PX) if lower_alpha > 0.0 else 1.0
    for c in range(3):
        t = tex[c] + grain
        r = np.float32(pixel[c])
        if shadow > 0.0:
            r = np.float32(r * (1.0 - shadow))
        if upper_alpha > 0.0:
            r = np.float32(r + (skin[c] + t - r) * upper_alpha)
        if lower_alpha > 0.0:
            r = np.float32(r + (v[13 + c] * dark + t - r) * lower_alpha)
        under[c] = r
    # Never much less dark than what it lies on (LASH_CONTRAST): a lid in deep shadow keeps a line.
    floor = 1.0
    if lash_alpha > 0.0:
        floor = min(1.0, LASH_CONTRAST * (under[0] * LUMA[0] + under[1] * LUMA[1] + under[2] * LUMA[2])
                    / lash_luma)
    for c in range(3):
        # The line carries the photo's grain as the skin does (a flat colour read as a drawn stroke).
        line = lash_rgb[c] if floor >= 1.0 else np.float32(lash_rgb[c] * floor)
        r = np.float32(under[c] + (line + grain - under[c]) * lash_alpha)
        pixel[c] = np.uint8(min(max(r + np.float32(0.5), np.float32(0.0)), np.float32(255.0)))


@njit(cache=True, nogil=True)
def _interp_each(x, xp, fp):
    """np.interp(x, xp, fp) for an array `x` (same formula, so the same bits)."""
    out = np.empty((1, x.shape[0]))
    fp2 = fp.reshape(1, -1)
    slopes = ((fp[1:] - fp[:-1]) / (xp[1:] - xp[:-1])).reshape(1, -1)
    for i in range(x.shape[0]):
        _interp_rows(x[i], _segment(x[i], xp), xp, fp2, slopes, 0, 1, out[:, i])
    return out[0]


@njit(cache=True, nogil=True)
def _off_hue(rgb, lid):
    """0..1: how far colour `rgb` (3,) lies from the hue of the lid skin `lid` (3,). With chromas
    (colour over grey level) less 1, v for `rgb` and r for the lid: v's part along r as a share of
    r (its saturation in the skin's hue) under LID_HUE_SAT, or its part across r past
    LID_HUE_ACROSS x |r| (another hue), over SKIN_HUE_RAMP. Spectacle glare (grey) and a frame's
    tinted rim are not lid skin, however light; a brow or a more saturated lid is. 0 on a grey lid."""
    grey, lid_grey = max((rgb[0] + rgb[1] + rgb[2]) / 3.0, 1.0), max((lid[0] + lid[1] + lid[2]) / 3.0, 1.0)
    rr, vr, vv = 0.0, 0.0, 0.0
    for c in range(3):
        r, v = lid[c] / lid_grey - 1.0, rgb[c] / grey - 1.0
        rr, vr, vv = rr + r * r, vr + v * r, vv + v * v
    if rr < LID_HUE_LEAST ** 2:
        return 0.0
    along = vr / rr
    across = np.sqrt(max(vv / rr - along * along, 0.0))
    return _clip01(max(LID_HUE_SAT - along, across - LID_HUE_ACROSS) / SKIN_HUE_RAMP)


@njit(cache=True, nogil=True)
def _skin_at(frame, axes, grid, rows_b, profile, darkest, cover, cover_width, out):
    """The frame's colours at eye positions (grid, rows_b) into `out` (3, n), drawn toward the lid's
    `profile` (n, 3) where lashes or a spectacle frame make one darker than `darkest` x it, in its
    hue at their own grey level where they are of another hue (_off_hue: glare, a tinted rim), and
    to it where a spectacle frame was (`cover`, frame_cover's grid, its b in `cover_width` px: the
    rest eye's width, as a turned head narrows the eye, not its height), then box-averaged along the
    eye over SMOOTH_SAMPLES either side (ends repeated)."""
    n = grid.shape[0]
    raw, rgb = np.empty((n, 3)), np.empty(3)
    for i in range(n):
        _frame_at(frame, axes, grid[i], rows_b[i], rgb)
        luma, lid_luma = np.float32(0.0), 0.0
        for c in range(3):
            raw[i, c] = np.float32(rgb[c])
            luma += np.float32(raw[i, c]) * LUMA[c]
            lid_luma += profile[i, c] * LUMA[c]
        dark, off = _clip01((darkest * lid_luma - luma) / 40.0), _off_hue(raw[i], profile[i])
        for c in range(3):
            raw[i, c] += (profile[i, c] - raw[i, c]) * dark
        if off > 0.0:  # glare or a tinted rim keeps its grey level and takes the lid's hue
            grey = (raw[i, 0] + raw[i, 1] + raw[i, 2]) / 3.0
            lid_grey = max((profile[i, 0] + profile[i, 1] + profile[i, 2]) / 3.0, 1.0)
            for c in range(3):
                raw[i, c] += (profile[i, c] * grey / lid_grey - raw[i, c]) * off
        on_frame = _grid_at(cover, grid[i], rows_b[i] / cover_width)
        if on_frame > 0.0:
            for c in range(3):
                raw[i, c] += (profile[i, c] - raw[i, c]) * on_frame
    weight = np.float64(np.float32(1.0 / (2 * SMOOTH_SAMPLES + 1)))
    for i in range(n):
        for c in range(3):
            total = 0.0
            for k in range(i - SMOOTH_SAMPLES, i + SMOOTH_SAMPLES + 1):
                total += raw[min(max(k, 0), n - 1), c] * weight
            out[c, i] = total


@njit(cache=True, nogil=True, inline="always")
def _fill_at(fill, a, b_widths, out3):
    """LidSkin.fill (rows, cols, 3) read bilinearly at eye position a, b (eye widths) into `out3`,
    its edge held."""
    rows, cols = fill.shape[0], fill.shape[1]
    u = _clip01((a - FILL_A[0]) / (FILL_A[1] - FILL_A[0])) * (cols - 1)
    v = _clip01((b_widths - FILL_B[0]) / (FILL_B[1] - FILL_B[0])) * (rows - 1)
    i, j = min(int(v), rows - 2), min(int(u), cols - 2)
    fv, fu = v - i, u - j
    for c in range(3):
        out3[c] = (fill[i, j, c] * (1.0 - fu) + fill[i, j + 1, c] * fu) * (1.0 - fv) \
            + (fill[i + 1, j, c] * (1.0 - fu) + fill[i + 1, j + 1, c] * fu) * fv


@njit(cache=True, nogil=True)
def _toward_fill(colours, grid, rows_b, profile, fill, cover, cover_width, width):
    """Draws the skin samples `colours` (3, n), at eye positions (`grid`, `rows_b` (n,) px along b;
    `width` px the eye's), toward the photo's skin there (`fill`, LidSkin.fill (rows, cols, 3)) in
    place, where darker than TOP_FILL_DARKEST x it (see there), at the fill's grey level in the lid
    `profile`'s hue ((n, 3): the fill may carry a tinted spectacle rim's orange); not where a frame was
    (`cover`, frame_cover's grid, its b in `cover_width` px): _skin_at gave those the lid's colour,
    and the fill does not know frames. An empty (1, 1, 3) fill (a hand-made lid): left as they are."""
    if fill.shape[0] < 2:
        return
    rgb = np.empty(3)
    for i in range(grid.shape[0]):
        _fill_at(fill, grid[i], rows_b[i] / width, rgb)
        tone = (rgb[0] + rgb[1] + rgb[2]) / max(profile[i, 0] + profile[i, 1] + profile[i, 2], 1.0)
        for c in range(3):
            rgb[c] = profile[i, c] * tone
        fill_luma = rgb[0] * LUMA[0] + rgb[1] * LUMA[1] + rgb[2] * LUMA[2]
        luma = colours[0, i] * LUMA[0] + colours[1, i] * LUMA[1] + colours[2, i] * LUMA[2]
        pull = _clip01((TOP_FILL_DARKEST * fill_luma - luma) / (TOP_FILL_RAMP * max(fill_luma, 1.0))) \
            * (1.0 - _grid_at(cover, grid[i], rows_b[i] / cover_width))
        for c in range(3):
            colours[c, i] += (rgb[c] - colours[c, i]) * pull


@njit(cache=True, nogil=True)
def _column_curves(grid, open_chain, upper_chain, lower_chain, profile, frame, axes, opening_px, reach_px, base_px,
                   ceiling, least_px, cover, cover_width, fill, lift_most):
    """(curves, open margin, closing edge, taper) at `grid`: the shut lid's per-column curves
    (_N_CURVES rows, see there; the skin colours read from `frame`), the margins (px along b) and
    how much of the lid's reach a column gets (0..1, less toward the corners). For the eye at `axes`
    (see _paint_lid_box) with its lid margins' (2, k) (a, b) chains, the lid's colour `profile`
    (n, 3) at `grid`, the shut lid's `reach_px` above the open margin and the upper detail strip's
    start `base_px` above it; the lid's top stays below `ceiling` (n,) (px along b: BROW_OVERLAP over
    the brow's lower edge) wherever that leaves it `least_px` above the open margin (the lash band
    covered); `cover` the eye's frame_cover grid, its b in `cover_width` px; `fill` the photo's
    LidSkin.fill where a brow was read over the lid skin, else an empty (1, 1, 3) one (see
    TOP_FILL_DARKEST); `lift_most` the grey level the lit colour is lifted to at most (_lit_colour)."""
    top, edge = _interp_each(grid, open_chain[0], open_chain[1]), _interp_each(grid, upper_chain[0], upper_chain[1])
    bottom = _interp_each(grid, lower_chain[0], lower_chain[1])
    curves, taper = np.empty((_N_CURVES, grid.shape[0])), np.empty(grid.shape[0])
    for i in range(grid.shape[0]):
        closure = _clip01((edge[i] - top[i]) / max(bottom[i] - top[i], 1e-3))
        taper[i] = np.sqrt(_clip01((bottom[i] - top[i]) / max(opening_px, 1e-3)))
        reached = top[i] - reach_px * taper[i] * _step(closure, 0.0, 0.5)
        lid_top = max(reached, min(ceiling[i], top[i] - least_px * taper[i]))
        # The lower lid joins in late in a blink (not in a downward look): its risen margin and band.
        rising = _step(closure, 0.2, 0.9)
        meet = bottom[i] - LOWER_LID_RISE * rising * (bottom[i] - top[i])
        band = LOWER_LID_BAND * axes[6] * taper[i] * rising
        # The detail strip is stretched as far as the lid is taller than it, within DETAIL_STRETCH.
        stretch = (min(edge[i], meet) - lid_top) / max(reach_px * taper[i] - base_px, 1.0)
        stretch = min(max(stretch, 1.0), DETAIL_STRETCH)
        curves[0, i], curves[1, i], curves[2, i], curves[3, i], curves[4, i] = lid_top, min(edge[i], meet), meet, \
            bottom[i], band
        curves[5, i], curves[6, i], curves[7, i], curves[8, i] = closure, rising, lid_top - reached, stretch
        curves[9, i] = bottom[i] + LOWER_LID_BAND * axes[6] + 2.0
    _skin_at(frame, axes, grid, curves[0] - 1.5, profile, TOP_DARKEST, cover, cover_width, curves[10:13])
    _toward_fill(curves[10:13], grid, curves[0] - 1.5, profile, fill, cover, cover_width, axes[6])
    _skin_at(frame, axes, grid, curves[3] + curves[4] + 2.0, profile, 0.45, cover, cover_width,
             curves[13:16])
    lit = np.empty((3, grid.shape[0]))
    _lit_colour(curves[10:13], curves[13:16], profile, grid, lift_most, lit)
    curves[16:19] = _box_along(lit, int(LIT_ALONG * grid.shape[0]))
    _keep_socket_shade(curves, top, int(LIT_ALONG * grid.shape[0]), _beside_grey(frame, axes, curves))
    return curves, top, edge, taper


@njit(cache=True, nogil=True)
def _corner_grey_sum(frame, axes, curves, a, i, total):
    """`total` plus the frame's grey levels (mean of channels) at `a` (eye widths along the eye: beside a
    corner) a quarter, half and three quarters down the lid's column `i` (`curves` as _N_CURVES); added
    one by one, so a sum over both corners keeps its order (and its bits)."""
    rgb = np.empty(3)
    for s in (0.25, 0.5, 0.75):
        _frame_at(frame, axes, a, curves[0, i] + s * (curves[1, i] - curves[0, i]), rgb)
        total += (rgb[0] + rgb[1] + rgb[2]) / 3.0
    return total


@njit(cache=True, nogil=True)
def _beside_grey(frame, axes, curves):
    """The grey level of the frame beside a shut lid: LID_CORNER_OUT eye widths beyond either corner,
    a quarter, half and three quarters down the lid there (`curves` as _N_CURVES)."""
    total = _corner_grey_sum(frame, axes, curves, -LID_CORNER_OUT, 0, 0.0)
    return _corner_grey_sum(frame, axes, curves, 1.0 + LID_CORNER_OUT, curves.shape[1] - 1, total) / 6.0


@njit(cache=True, nogil=True)
def _outer_carry(frame, axes, curves):
    """How far (eye widths) the upper lid is carried past its outer corner (LID_CARRY_PAST): by how
    much darker the frame's grey LID_CORNER_OUT beside that corner (a quarter, half and three quarters
    down the lid there) is than the lid's lit colour at the corner (`curves` as _N_CURVES, its lit
    colour set). Read before the lid is painted."""
    beside = _corner_grey_sum(frame, axes, curves, -LID_CORNER_OUT, 0, 0.0) / 3.0
    lit = max((curves[16, 0] + curves[17, 0] + curves[18, 0]) / 3.0, 1.0)
    return LID_CARRY_PAST * _clip01(((lit - beside) / lit - LID_CARRY_FROM) / LID_CARRY_RAMP)


@njit(cache=True, nogil=True)
def _keep_socket_shade(curves, top, radius, beside):
    """How far down a shut lid keeps the socket's shade (LID_DEEP_RAMP; to the open margin `top`, px
    along b, within LID_LIT_DEEP): per column, the lit
    colour's reciprocal height mid-eye and its change toward the corners into curves[19:21], and the
    skin above (curves[10:13]) drawn toward its average along the eye (`radius` samples, as the
    lit colour's) as deep. Only as deep as the skin `beside` the lid (a grey level) is dark too: a
    brow low over a lid in lit skin is no socket."""
    shade = _box_along(curves[10:13], radius)
    for i in range(curves.shape[1]):
        grey_lit = (curves[16, i] + curves[17, i] + curves[18, i]) / 3.0
        grey_shade = max((shade[0, i] + shade[1, i] + shade[2, i]) / 3.0, beside)
        deep = _clip01(((grey_lit - grey_shade) / max(grey_lit, 1.0) - LID_DEEP_FROM) / LID_DEEP_RAMP)
        for c in range(3):
            curves[10 + c, i] += (shade[c, i] - curves[10 + c, i]) * deep
        at_margin = (top[i] - curves[0, i]) / max(curves[1, i] - curves[0, i], 1.0)
        mid = LID_LIT_FROM + (min(max(at_margin, LID_LIT_FROM), LID_LIT_DEEP) - LID_LIT_FROM) * deep
        corners = mid + LID_LIT_CORNERS
        curves[19, i], curves[20, i] = 1.0 / mid, 1.0 / corners - 1.0 / mid


@njit(cache=True, nogil=True)
def _box_along(colours, radius):
    """(3, n) `colours` box-averaged along the eye over `radius` samples either side, fewer toward
    the corners (as many as lie between the sample and the corner), so a corner keeps its own colour:
    the skin beside it, which the lid meets there."""
    n, out = colours.shape[1], np.empty_like(colours)
    for c in range(3):
        for i in range(n):
            r, total = min(radius, i, n - 1 - i), 0.0
            for k in range(i - r, i + r + 1):
                total += colours[c, k]
            out[c, i] = total / (2 * r + 1)
    return out


@njit(cache=True, nogil=True)
def _lit_colour(above, below, profile, grid, lift_most, out):
    """The shut upper lid's lit colour along the eye (at `grid`, 0..1 corner to corner) into `out`
    (3, n): at the grey level (the mean of its channels, as dlib reads a colour) of the skin below the
    lower lid (`below` (3, n); lit, so dlib still reads the eye as shut, as before the lid took a hue
    of its own), in the hue two of three skin samples around the lid agree on (per channel, the
    median of their colours over their grey level): the skin above the lid's top (`above` (3, n)),
    below the lower lid, and the photo's own lid skin (`profile` (n, 3)). The lower lid's hue alone
    read brown-grey on Hopper's warm paint and red on a pink under-eye; the median keeps whichever
    hue two agree on, the lid's own where it differs. Where that lit grey falls under
    SHADE_HUE_FROM x the profile takes the shaded skin's hue below it (see there): Hopper's outer
    lid corners, grey before, are warm, yet still darker than the rest of her lid. Where the photo's
    lid skin is lighter, the colour is then blended toward that skin's own RGB (darkened to at most
    `lift_most`, a grey level; see LIT_UNDER_EYE), the more the lighter it is (LIT_GAP_RAMP), not the
    hue scaled up: a scaled hue grew the lid's chroma with its grey (a peach slab at half blink,
    rev41d). _column_curves then averages it along the eye (LIT_ALONG)."""
    hue = np.empty(3)
    # Lifted as far as the cap clears the lid's typical skin below (LIT_ROOM): not its darker columns alone.
    room = _clip01((lift_most - np.median((below[0] + below[1] + below[2]) / 3.0)) / LIT_ROOM)
    for i in range(out.shape[1]):
        grey_above = max((above[0, i] + above[1, i] + above[2, i]) / 3.0, 1.0)
        grey_below = (below[0, i] + below[1, i] + below[2, i]) / 3.0
        grey_lid = max((profile[i, 0] + profile[i, 1] + profile[i, 2]) / 3.0, 1.0)
        for c in range(3):
            x, y, z = above[c, i] / grey_above, below[c, i] / max(grey_below, 1.0), profile[i, c] / grey_lid
            hue[c] = max(min(x, y), min(max(x, y), z))  # the median of three
        # Skin in shade is redder than lit skin: a lid lit as dark as a shadowed under-eye takes that
        # skin's hue, not the lit profile's (greyish brown there: Hopper's lid corners).
        shade = _clip01((SHADE_HUE_FROM * grey_lid - grey_below) / (SHADE_HUE_SPAN * grey_lid))
        if shade > 0.0:
            for c in range(3):
                hue[c] += (below[c, i] / max(grey_below, 1.0) - hue[c]) * shade
        scale = grey_below / max((hue[0] + hue[1] + hue[2]) / 3.0, 1e-3)
        across2 = (2.0 * grid[i] - 1.0) ** 2
        toward = min(1.0, lift_most / grey_lid)  # the photo's lid skin, darkened to the cap
        lift = room * (1.0 - across2 * across2) * _clip01((grey_lid * toward - grey_below) / LIT_GAP_RAMP)
        for c in range(3):
            out[c, i] = hue[c] * scale + (profile[i, c] * toward - hue[c] * scale) * lift


@njit(cache=True, nogil=True)
def _paint_lid_box(region, x0, y0, axes, grid, curves, open_a, open_b, upper, lower, grain, lash_rgb, strands,
                   lash, blur_px, carry=0.0, grain_gain=1.0):
    """Paints one eye's lids and lash line into `region` (h, w, 3) uint8, the frame's box at
    (x0, y0): `axes` = (origin x, y, along x, y, down x, y, width) of the eye; `curves` as
    _N_CURVES at `grid`; (open_a, open_b) the open upper margin's chain; `upper`, `lower` the
    detail strips (rows, len(grid), 4); `grain` (h, w) float32; `lash` the line's thickness; `carry`
    how far (eye widths) the upper lid is carried past the outer corner (_outer_carry), its top and
    closure held there as where the side fade ends (at the corner itself both are 0); `grain_gain`
    the grain's scale on this lid (LidPainter._grain_gain)."""
    n = grid.shape[0]
    slopes = (curves[:, 1:] - curves[:, :-1]) / (grid[1:] - grid[:-1])
    open_slopes = ((open_b[1:] - open_b[:-1]) / (open_a[1:] - open_a[:-1])).reshape(1, -1)
    open_b2 = open_b.reshape(1, -1)
    v, top_open, tex, skin, under = np.empty(_N_CURVES), np.empty(1), np.zeros(3, np.float32), np.empty(3), \
        np.empty(3, np.float32)
    # Beyond these px from the closing edge the lash line is under _LASH_NEGLIGIBLE.
    reach = np.sqrt(2.0 * np.log(1.0 / _LASH_NEGLIGIBLE)) * LASH_SHADE_ABOVE * np.hypot(0.5 * lash, blur_px)
    lash_lo, lash_hi = -reach - 0.15 * lash, max(reach, LASH_FRINGE * LASH_LENGTHS[1] * lash)
    lash_luma = max(lash_rgb[0] * LUMA[0] + lash_rgb[1] * LUMA[1] + lash_rgb[2] * LUMA[2], 1.0)  # (_blend's floor)
    held, held_open = np.empty(_GEOMETRY_ROWS), np.empty(1)
    _interp_rows(LID_SIDE_FADE, _segment(LID_SIDE_FADE, grid), grid, curves, slopes, 0, _GEOMETRY_ROWS, held)
    _interp_rows(LID_SIDE_FADE, _segment(LID_SIDE_FADE, open_a), open_a, open_b2, open_slopes, 0, 1, held_open)
    for y in range(region.shape[0]):
        ry = np.float32(y0 + y - axes[1])
        for x in range(region.shape[1]):
            rx = np.float32(x0 + x - axes[0])
            a = (rx * axes[2] + ry * axes[3]) / axes[6]
            if a <= -0.02 - carry or a >= 1.02:  # every layer's opacity is 0 there
                continue
            b = rx * axes[4] + ry * axes[5]
            j = _segment(a, grid)
            _interp_rows(a, j, grid, curves, slopes, 0, _GEOMETRY_ROWS, v)
            _interp_rows(a, _segment(a, open_a), open_a, open_b2, open_slopes, 0, 1, top_open)
            lid_closure = v[5]
            if carry > 0.0 and a < LID_SIDE_FADE:  # carried past the outer corner: its top (and closure) held,
                w = carry / LID_CARRY_PAST  # ... by the carry's share, so a corner near the gate does not pop
                v[0] += w * (held[0] - v[0])
                v[7] += w * (held[7] - v[7])
                top_open[0] += w * (held_open[0] - top_open[0])
                lid_closure += w * (held[5] - lid_closure)
            # Lowered under the brow, the lid is whole from where it would be (only its fade is shorter).
            upper_alpha = _upper_lid_alpha(a, b, v[0], max(LID_FADE * (top_open[0] - v[0] + v[7]) - v[7], 0.0), v[1],
                                           lid_closure, carry)
            lower_alpha = _lower_lid_alpha(a, b, v[2], v[3], v[4], v[6])
            in_lash = lash_lo < b - v[1] < lash_hi
            # The lowered lid's shadow on the eyeball (none from 0.65 shut on: most blinking frames).
            shadow = _eyeball_shadow(a, b - v[1], v[3] - b, v[5], axes[6]) if v[5] < 0.65 else 0.0
            if upper_alpha == 0.0 and lower_alpha == 0.0 and not in_lash and shadow < _LASH_NEGLIGIBLE:
                continue
            lash_alpha = _lash_at(a, b - v[1], v[5], lash, blur_px, strands, axes[6]) \
                if in_lash or upper_alpha > 0.0 or lower_alpha > 0.0 else 0.0
            if upper_alpha > 0.0 or lower_alpha > 0.0:
                _interp_rows(a, j, grid, curves, slopes, _GEOMETRY_ROWS, _N_CURVES, v)
                col = np.float32(_clip01(a) * (n - 1))
                if b > v[2]:
                    _sample_detail(lower, col, np.float32(abs(b - v[9])), tex)
                else:
                    _sample_detail(upper, col, np.float32((v[1] - b) / v[8]), tex)
            _blend(region[y, x], v, a, b, upper_alpha, lower_alpha, lash_alpha, shadow, tex,
                   np.float32(grain[y, x] * grain_gain), lash_rgb, lash_luma, skin, under)


@njit(cache=True, nogil=True, inline="always")
def _frame_at(frame, axes, a, b, out3):
    """The (H, W, 3) uint8 `frame` at eye position (a, b) into `out3` (bilinear, clamped:
    render.sampling.bilinear's formula): _skin_at's samples and _beside_grey's."""
    h, w = frame.shape[0], frame.shape[1]
    x = min(max(axes[0] + a * axes[6] * axes[2] + b * axes[4], 0.0), w - 1.001)
    y = min(max(axes[1] + a * axes[6] * axes[3] + b * axes[5], 0.0), h - 1.001)
    x0, y0 = int(x), int(y)
    fx, fy = x - x0, y - y0
    for c in range(3):
        top = frame[y0, x0, c] * (1 - fx) + frame[y0, x0 + 1, c] * fx
        low = frame[y0 + 1, x0, c] * (1 - fx) + frame[y0 + 1, x0 + 1, c] * fx
        out3[c] = top * (1 - fy) + low * fy


def lit_most(lid: LidSkin) -> float:
    """The grey level (mean of channels) a shut lid's lit colour is lifted to at most (_lit_colour):
    LIT_UNDER_EYE under the open eye's light where the lid skin is of its hue, none (255) where their
    chromas lie LIT_HUE_APART apart, between in between; 0 (no lift) without the eye's light or where
    the lid skin is colourless (LIT_SKIN_CHROMA)."""
    eye, skin = lid.eye_rgb, np.median(lid.colour_profile, axis=0).astype(np.float64)
    if eye is None or np.linalg.norm(skin / max(skin.mean(), 1.0) - 1.0) < LIT_SKIN_CHROMA:
        return 0.0
    eye = np.asarray(eye, np.float64)
    apart = float(np.linalg.norm(eye / max(eye.mean(), 1.0) - skin / max(skin.mean(), 1.0)))
    guard = 1.0 - min(apart / LIT_HUE_APART, 1.0)
    return _in_shaded_socket((float(eye.mean()) - LIT_UNDER_EYE) * guard + 255.0 * (1.0 - guard),
                             eye_grey=float(eye.mean()), skin_grey=float(skin.mean()))


def _in_shaded_socket(most: float, *, eye_grey: float, skin_grey: float) -> float:
    """The lift's cap `most` (a grey level, lit_most's) brought down to the open eye's light
    `eye_grey` where that light lies far under the lid skin's `skin_grey` (SOCKET_SHADE_FROM): the
    opening, sclera included, is in shadow, so a shut lid lying there is in it too."""
    shade = min(max((SOCKET_SHADE_FROM - eye_grey / max(skin_grey, 1.0)) / SOCKET_SHADE_RAMP, 0.0), 1.0)
    return most + (min(most, eye_grey) - most) * shade


def frame_cover(frames: np.ndarray, rest_xy: np.ndarray, lid: LidSkin) -> np.ndarray:
    """(COVER_GRID) float32 0..1: how much of the skin at each eye position (a, b) on COVER_A x
    COVER_B (rest eye widths; rows along b) is a spectacle frame's: `frames` (H, W) the photo's frame
    mask (face.glasses) grown by FRAME_GROW eye widths (the frame-less texture's fill along a rim is
    no skin to continue either), `rest_xy` (V, 2) the photo's landmarks."""
    import cv2

    eye = _EyeAxes.of(lid, rest_xy, rest_xy)
    grow = 2 * int(np.ceil(FRAME_GROW * eye.width)) + 1
    grown = np.clip(cv2.dilate(np.ascontiguousarray(frames, np.float32), np.ones((grow, grow), np.uint8)), 0.0, 1.0)
    rows, cols = COVER_GRID
    a, b = np.meshgrid(np.linspace(*COVER_A, cols), np.linspace(*COVER_B, rows) * eye.width)
    return sample_points(grown[..., None], eye.to_image(a.ravel(), b.ravel())).reshape(COVER_GRID)


@njit(cache=True, nogil=True, inline="always")
def _grid_at(grid, a, b_widths):
    """Bilinear lookup of a frame_cover grid at eye position a, b (eye widths), its edge held."""
    rows, cols = grid.shape
    u = _clip01((a - COVER_A[0]) / (COVER_A[1] - COVER_A[0])) * (cols - 1)
    v = _clip01((b_widths - COVER_B[0]) / (COVER_B[1] - COVER_B[0])) * (rows - 1)
    i, j = min(int(v), rows - 2), min(int(u), cols - 2)
    fv, fu = v - i, u - j
    return (grid[i, j] * (1.0 - fu) + grid[i, j + 1] * fu) * (1.0 - fv) \
        + (grid[i + 1, j] * (1.0 - fu) + grid[i + 1, j + 1] * fu) * fv


# The brow's lower edge over each upper lid (face mesh indices, inner to outer end).
_BROW_UNDER = {lm.RIGHT_EYE_UPPER: lm.RIGHT_BROW[5:], lm.LEFT_EYE_UPPER: lm.LEFT_BROW[5:]}


def brow_ceiling(eye: _EyeAxes, *, brow_xy: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """(len(grid),) float64: how high (px along b, up negative) the shut lid may reach at `grid`,
    BROW_OVERLAP over the brow's lower edge (`brow_xy` (k, 2) its points in this frame, as posed;
    none given: no limit)."""
    if len(brow_xy) < 2:
        return np.full(len(grid), -np.inf)
    rel = np.asarray(brow_xy, np.float64) - eye.origin
    a, b = rel @ eye.along / eye.width, rel @ eye.down
    order = np.argsort(a)
    return np.interp(grid, a[order], b[order]) - BROW_OVERLAP * eye.width


def hair_ceiling(eye: _EyeAxes, lid: LidSkin, *, grid: np.ndarray) -> np.ndarray:
    """(len(grid),) float64: how high (px along b, up negative) the shut lid may reach at `grid`: up to
    where the photo's hairs over the open upper margin begin (LidSkin.brow_gap, eye widths, the brow
    or a crease as dark), so a lid under a brow close over the eye leaves the brow whole (reaching
    into it, it drew a box of lid colour over the brow's lower half: Obama). None read: no limit."""
    if lid.brow_gap is None:
        return np.full(len(grid), -np.inf)
    gap = np.interp(grid, np.linspace(*FILL_A, len(lid.brow_gap)), np.asarray(lid.brow_gap, np.float64))
    return np.interp(grid, *eye.upper_open) - gap * eye.width


def lid_extent(eye: _EyeAxes, lid: LidSkin, *, opening_px: float,
               shape: tuple[int, ...]) -> tuple[float, float, tuple[int, int, int, int] | None]:
    """A lid's lash line width (px), how far above the open margin its skin reaches (px), and the
    (x0, y0, x1, y1) pixel box it may paint in a frame of `shape` (None: off the frame)."""
    # Narrow (hooded, squinting) eyes get a finer lash line than their width alone would give.
    lash = min(LASH_WIDTH * eye.width, LASH_OF_OPENING * opening_px)
    reach = max(LID_REACH, lid.lash_band + 0.05) * eye.width
    corners = np.concatenate([eye.to_image(eye.lower[0], eye.lower[1] + LOWER_LID_BAND * eye.width + 2.0),
                              eye.to_image(eye.upper_open[0], eye.upper_open[1] - reach),
                              eye.to_image(np.array([-LID_CARRY_PAST]), eye.upper_open[1][:1] - reach)])
    return lash, reach, pixel_box(corners, pad=(LASH_FRINGE * LASH_LENGTHS[1] + 1.0) * lash + 3.0, shape=shape)


# A shut lid's grain is scaled down where its fine detail (GRAIN_FINE_BLUR_PX high-pass, robust
# deviation) with the lid's own (the photo's lid detail) would pass the photo's own lid skin's:
# GRAIN_SKIN_B eye widths above the open margin, the middle GRAIN_MASK_A of the eye; the shut lid
# read in the opening less GRAIN_LASH_B eye widths over the lower margin (the lash line). 08's shut
# lids were 1.23 x its soft lid skin's (the print's face-wide grain: specks in its shadowed socket),
# now 0.99. The grain's share is read from the lid as painted (with and without its grain), not
# taken as its variance added to the lid's own: on a hatched print the two do not add as noise
# (taken to, the hatching was cut by 20-30%). The gain then takes that share to scale with the gain
# squared (as a noise's variance would). Never up (the early return in _grain_gain): seeded noise
# scaled to a brushed or drawn skin's level (up to 3 x) read as popcorn blobs on 06, 04 and the
# pencil drawing h03 (out/lid54/ba_*.png), though it took 05's and 06's lids from 0.63 and 0.44 of
# their skin's to 0.92 and 0.91. Where the cap cannot reach the skin's level (the lid's own detail
# already passes it, or no skin read) the gain stays 1: h12's cartoon lid took gain 0, its grain
# gone, and lost a dlib blink (5/7 -> 4/7). Never under GRAIN_GAIN_LEAST: 0.5 took 08's shadowed lid
# from 0.47 and cost both its dlib blinks (2/7 -> 0/7, eye showing 3.9 -> 6.5%, out/fixlid54). A
# grain under GRAIN_LEAST grey levels is left as it is.
GRAIN_FINE_BLUR_PX = 1.5
GRAIN_SKIN_B = (0.08, 0.22)
GRAIN_MASK_A = (0.15, 0.85)
GRAIN_LASH_B = 0.12
GRAIN_GAIN_LEAST = 0.4
GRAIN_LEAST = 0.05


def _fine_deviation(luma: np.ndarray, mask: np.ndarray) -> float:
    """The robust deviation (1.4826 x MAD) of (h, w) float32 `luma` less its blur at
    GRAIN_FINE_BLUR_PX, over the (h, w) bool `mask` (0 where it holds under 16 pixels)."""
    import cv2

    high = luma - cv2.GaussianBlur(luma, (0, 0), GRAIN_FINE_BLUR_PX)
    values = high[mask]
    if values.size < 16:
        return 0.0
    return 1.4826 * float(np.median(np.abs(values - np.median(values))))


def _lid_masks(lid: LidSkin, xy: np.ndarray,
               shape: tuple[int, ...]) -> tuple[tuple[int, int, int, int], np.ndarray, np.ndarray] | None:
    """The pixel box round an open eye (landmarks `xy` (V, 2) px) in a frame of `shape`, and in it
    the (h, w) bool masks of the lid a blink shuts and of the photo's lid skin above it
    (GRAIN_MASK_A, GRAIN_LASH_B, GRAIN_SKIN_B); None where the box is off the frame."""
    import cv2

    upper, lower = (np.asarray(xy[list(chain)], np.float64) for chain in (lid.upper, lid.lower))
    width = max(float(np.linalg.norm(upper[-1] - upper[0])), 1.0)
    along = (upper[-1] - upper[0]) / width
    down = lid.down_sign * np.array([-along[1], along[0]])

    def kept(points: np.ndarray) -> np.ndarray:
        a = (points - upper[0]) @ along / width
        return points[(a > GRAIN_MASK_A[0]) & (a < GRAIN_MASK_A[1])]
    top, bottom = kept(upper), kept(lower)
    shut = np.vstack([top, (bottom - GRAIN_LASH_B * width * down)[::-1]])
    skin = np.vstack([top - GRAIN_SKIN_B[0] * width * down, (top - GRAIN_SKIN_B[1] * width * down)[::-1]])
    box = pixel_box(np.vstack([shut, skin]), pad=4.0, shape=shape)
    if box is None or len(top) < 2 or len(bottom) < 2:
        return None
    masks = []
    for polygon in (shut, skin):
        mask = np.zeros((box[3] - box[1], box[2] - box[0]), np.uint8)
        cv2.fillPoly(mask, [np.round((polygon - np.array(box[:2])) * 4).astype(np.int32)], 1, shift=2)
        masks.append(mask.astype(bool))
    return box, masks[0], masks[1]


class LidPainter:
    """Draws the part of each eye a blink (or a downward look) has covered as lid skin.

    Per eye and frame, from a little above where the upper lid margin would be with the eye open
    (never far into the brow) down to where it is now, the eye is covered with lid skin: its
    colour runs down each column from the skin the frame shows just above it to the lower lid's
    skin below the eye (so it continues the skin all round and no outline of the open eye or of
    the patch remains, whatever shadow the socket casts), shaded as a lid curving over the eyeball,
    carrying the photo's own lid skin detail (see DETAIL_SIGMA) and grain. The lower lid rises to
    meet it and its open-eye rim is repainted as skin. A lash line follows the closing edge, its
    lashes hanging toward the cheek. So a shut eye shows skin and lashes, never a squeezed strip of
    the open eye's lashes, iris or sclera. The per-pixel work is compiled (numba) and compiled when
    a painter is made.
    """

    def __init__(self, lids: tuple[LidSkin, ...], grain: np.ndarray, *, frames: np.ndarray | None = None,
                 rest_xy: np.ndarray | None = None, image: np.ndarray | None = None, warm_up: bool = True):
        """`frames` (H, W) float32: the photo's spectacle frame mask (face.glasses), with its (V, 2)
        landmarks `rest_xy`: frames' pixels and their fill are not skin to continue (frame_cover).
        With the (H, W, 3) uint8 photo `image` and `rest_xy`, each lid's grain is scaled to the
        photo's lid skin (_grain_gain); without, it is laid as given."""
        self._lids = lids
        framed = frames is not None and rest_xy is not None
        self._covers = [frame_cover(frames, rest_xy, lid) if framed else np.zeros(COVER_GRID, np.float32)
                        for lid in lids]
        # The grids' b is in rest eye widths (px here; without frames the grids are 0, any width does).
        self._cover_widths = [_EyeAxes.of(lid, rest_xy, rest_xy).width if framed else 1.0 for lid in lids]
        # The grain's brightness alone, at the photo's grain level: per-channel noise speckles a grey
        # or sepia photo's lid with colours the photo never shows, and its brightness varies only
        # |LUMA| (0.67) times as much as the photo's. An (H, W, 1) grain is that already (the
        # renderer's: render.sampling.luminance_grain, as coarse as the photo's own fine detail).
        self._grain = grain if grain.shape[-1] == 1 else (grain @ LUMA)[..., None] / float(np.linalg.norm(LUMA))
        # Fixed per-strand darkness, length, root offset along the fringe and clump length under the
        # line's core: lashes never flicker.
        rng = np.random.default_rng(7)
        self._strands = np.stack([rng.uniform(0.55, 1.0, N_LASHES + 1), rng.uniform(*LASH_LENGTHS, N_LASHES + 1),
                                  rng.uniform(-LASH_JITTER, LASH_JITTER, N_LASHES + 1),
                                  rng.uniform(-1.0, 1.0, N_LASHES + 1)])
        self._lid_luma = [float(np.median(lid.colour_profile @ LUMA)) for lid in lids]
        # The photo's skin round the eye, to draw the skin above a lid to where a brow was read over it.
        self._fills = [np.asarray(lid.fill, np.float64) if lid.fill is not None and lid.brow_gap is not None
                       else np.zeros((1, 1, 3)) for lid in lids]
        self._brows = [_BROW_UNDER.get(lid.upper, ()) for lid in lids]
        self._lift_most = [lit_most(lid) for lid in lids]
        self._profiles: dict[tuple[int, int], np.ndarray] = {}
        if warm_up:
            _warm_up_lid_kernels()
        self._gains = [1.0] * len(lids)
        if image is not None and rest_xy is not None:
            self._gains = [self._grain_gain(i, image, rest_xy) for i in range(len(lids))]

    def _grain_gain(self, index: int, image: np.ndarray, rest_xy: np.ndarray) -> float:
        """The grain's scale on lid `index` (GRAIN_GAIN_LEAST to 1): where the lid, painted shut
        over the (H, W, 3) uint8 `image` at rest (`rest_xy` (V, 2) px), has finer detail than the
        photo's lid skin (_fine_deviation), what brings it there: the grain's share of the lid's
        variance (the lid painted with it less without it) scaled by the gain squared. 1 where the
        lid is within its skin's, where its own detail alone already passes the skin's (no gain
        reaches it), or where either mask is under 16 pixels.
        The grain's level is the whole photo's (or, on a one-tint print, its face's): a faded
        print's made a soft lid grainier than the skin round it (08)."""
        lid = self._lids[index]
        masks = _lid_masks(lid, rest_xy, image.shape)
        if masks is None:
            return 1.0
        (x0, y0, x1, y1), shut, skin = masks
        shut_xy = np.array(rest_xy, np.float64)
        shut_xy[list(lid.upper)] = shut_xy[list(lid.lower)]
        eye, luma = _EyeAxes.of(lid, shut_xy, rest_xy), LUMA.astype(np.float32)
        levels = [_fine_deviation(image[y0:y1, x0:x1].astype(np.float32) @ luma, skin)]
        for gain in (0.0, 1.0):  # the lid as painted: its own detail and the grain need not add as noise
            painted = np.array(image, np.uint8)
            self._paint_eye(painted, index, eye, _lid_lift(eye, shut_xy, rest_xy), xy=shut_xy, grain_gain=gain)
            levels.append(_fine_deviation(painted[y0:y1, x0:x1].astype(np.float32) @ luma, shut))
        skin_level, own, whole = levels
        grain = whole ** 2 - own ** 2
        # 0.0 is _fine_deviation's "under 16 pixels": unknown, not a flat skin.
        if min(levels) <= 0.0 or whole <= skin_level or own >= skin_level or grain < GRAIN_LEAST ** 2:
            return 1.0
        return max(float(np.sqrt((skin_level ** 2 - own ** 2) / grain)), GRAIN_GAIN_LEAST)

    def paint(self, out: np.ndarray, verts: np.ndarray, open_verts: np.ndarray) -> None:
        """Draws the lids into `out` (H, W, 3) uint8 in place, given this frame's (V, 3) vertices and
        the same pose with the eyes open (`open_verts`: blinks 0, no downward gaze)."""
        for index, lid in enumerate(self._lids):
            eye = _EyeAxes.of(lid, verts[:, :2], open_verts[:, :2])
            if eye.covered_px() >= 0.25:
                self._paint_eye(out, index, eye, _lid_lift(eye, verts[:, :2], open_verts[:, :2]), xy=verts[:, :2])

    def _paint_eye(self, out: np.ndarray, index: int, eye: _EyeAxes, lift: tuple[np.ndarray, np.ndarray], *,
                   xy: np.ndarray, grain_gain: float | None = None) -> None:
        lid, opening = self._lids[index], eye.opening_px()
        lash, reach, box = lid_extent(eye, lid, opening_px=opening, shape=out.shape)
        if box is None:
            return
        x0, y0, x1, y1 = box
        grid = _unit_grid(max(int(eye.width), 8))  # along the eye, one sample a pixel
        axes = np.array([*eye.origin, *eye.along, *eye.down, eye.width], np.float64)
        base = (lid.lash_band + 0.03) * eye.width
        # float64, as np.interp took the (float32) chains.
        open_chain, upper_chain, lower_chain = (np.array(c, np.float64) for c in (eye.upper_open, eye.upper, eye.lower))
        ceiling = np.maximum(brow_ceiling(eye, brow_xy=xy[list(self._brows[index])], grid=grid),
                             hair_ceiling(eye, lid, grid=grid))
        curves, top, edge, taper = _column_curves(grid, open_chain, upper_chain, lower_chain,
                                                  self._profile(index, len(grid)), out, axes, opening, reach, base,
                                                  ceiling, (lid.lash_band + LID_LEAST) * eye.width,
                                                  self._covers[index], self._cover_widths[index],
                                                  self._fills[index], self._lift_most[index])
        upper, lower = self._detail_strips(out, eye, lift, grid=grid, top=top, edge=edge, low_edge=curves[9],
                                           base_px=base, reach_px=reach * float(np.max(taper)),
                                           lid_luma=self._lid_luma[index])
        _paint_lid_box(out[y0:y1, x0:x1], x0, y0, axes, grid, curves, open_chain[0], open_chain[1], upper, lower,
                       self._grain[y0:y1, x0:x1, 0], lid.lash_rgb, self._strands, lash, float(lid.edge_sigma_px),
                       _outer_carry(out, axes, curves), self._gains[index] if grain_gain is None else grain_gain)

    def _profile(self, index: int, n: int) -> np.ndarray:
        """(n, 3) float64: lid `index`'s colour profile at n points along the eye (cached: it only
        depends on the eye's width in pixels)."""
        key = (index, n)
        if key not in self._profiles:
            profile = self._lids[index].colour_profile
            self._profiles[key] = _along(_unit_grid(n), _unit_grid(len(profile)), profile)
        return self._profiles[key]

    @staticmethod
    def _detail_strips(frame: np.ndarray, eye: _EyeAxes, lift: tuple[np.ndarray, np.ndarray], *, grid: np.ndarray,
                       top: np.ndarray, edge: np.ndarray, low_edge: np.ndarray, base_px: float, reach_px: float,
                       lid_luma: float) -> tuple[np.ndarray, np.ndarray]:
        """The photo's own lid skin detail to lay over the painted lids (read from `frame` before
        painting), as (rows, len(grid), 4) float32 strips (_skin_detail): the upper lid's, row i
        (`base_px` + i) px above the open margin `top` up to the shut lid's top `reach_px`, found in
        the frame where the mesh has moved it (toward the closing edge `edge`); the lower lid's,
        the skin below its band (from `low_edge`); that mirrored for the upper lid where its own is
        mostly not lid skin (upper_or_lower). All px along b at `grid`."""
        n_upper, n_lower = max(int(reach_px - base_px), 2), max(int(DETAIL_BELOW * eye.width), 2)
        rows_b = _detail_rows(top, edge, low_edge, float(base_px), np.asarray(lift[0], np.float64),
                              np.asarray(lift[1], np.float64), n_upper, n_lower)
        strips = _strip(frame, eye, grid, rows_b)  # one remap for both strips
        lower = _skin_detail(strips[n_upper:], eye_width_px=eye.width, lid_luma=lid_luma)
        return upper_or_lower(_skin_detail(strips[:n_upper], eye_width_px=eye.width, lid_luma=lid_luma), lower), lower


@lru_cache(maxsize=1)
def _warm_up_lid_kernels() -> None:
    """Compiles the lid kernels (or loads them from numba's cache) by painting a small synthetic
    shut eye, once a process: otherwise the first blink of a live stream would wait for them
    (~7 s to compile, tens of ms to load)."""
    t = np.linspace(0.0, 1.0, 9)
    verts = np.zeros((18, 3), np.float32)  # as the renderer's
    verts[:9, 0] = verts[9:, 0] = 12.0 + 40.0 * t
    verts[:9, 1], verts[9:, 1] = 24.0 - 6.0 * np.sin(np.pi * t), 24.0 + 4.0 * np.sin(np.pi * t)
    shut = verts.copy()
    shut[:9, 1] = verts[9:, 1]
    lid = LidSkin(upper=tuple(range(9)), lower=tuple(range(9, 18)), colour_profile=np.full((8, 3), 150.0, np.float32),
                  lash_rgb=np.full(3, 40.0, np.float32), down_sign=1.0, lash_band=0.05)
    # Wider than the lid's box (LID_CARRY_PAST's corner included): a box slice of a real frame is not contiguous.
    frame = np.full((48, 96, 3), 150, np.uint8)
    LidPainter((lid,), np.zeros((48, 96, 3), np.float32), warm_up=False).paint(frame, shut, verts)
