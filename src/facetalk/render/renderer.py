"""Appearance + motion -> frames: the photo itself, deformed through the face rig's mesh.

Per frame: pose the mesh (where a smiling photo's smile is undone, its outer corners' slivers kept from
turning over by their skin vertex: _hold_outer_corners), rasterize it into a backward warp map, warp the
texture and the person matte together, lay the warped person over the clean background plate (so nothing
behind the person is ever stretched), fade a smiling photo's dark mouth corners by the share of its
smile the frame undoes (render.corner_pocket), then draw the irises, the lids and the mouth interior,
lay any spectacle frames over them moved by the head pose alone (they do not bend with the face), and
last frame it for the camera's distance (render.camera).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

import numpy as np
from numba import njit

from facetalk.face.analysis import FaceAnalysis
from facetalk.face.landmarks import FACE_OVAL, INNER_MOUTH_CORNERS, LIPS_INNER_UPPER, LIPS_OUTER_UPPER, MOUTH_CORNERS
from facetalk.face.glasses import Glasses
from facetalk.face.rig import (JAW_LIFT_KEEP, MATERIAL_CAVITY, FaceRig, jaw_lift_share, twice_signed_area,
                               with_lip_lift)
from facetalk.motion.frame import MotionFrame
from facetalk.params import EXPRESSION_NAMES
from facetalk.render.camera import Camera
from facetalk.render.corner_pocket import CornerPocket
from facetalk.render.eyes import IrisPainter, LidPainter
from facetalk.render.lip_warp import LipSmoothing
from facetalk.render.mouth import MouthPainter, hair_lip_lift_share, own_crowns_lift_share
from facetalk.render.raster import RasterMesh, StillReach, WarpBuffers, WarpSource
from facetalk.render.shading import FoldShader, crease_tint, glabella_grain, smirk_on
from facetalk.render.sampling import luminance_grain, material_lookup, pixel_box


# The gap, in mouth widths per unit of upper_lip_raise, that pressed lips leave for the upper
# teeth when the upper lip is raised (the lower lip tucked under the teeth for f and v).
LABIODENTAL_GAP = 0.1
# The cheek's vertex beside each outer mouth corner, the skin end of its sliver
# (MediaPipe 57 by the corner 61, 287 by 291).
CORNER_SKIN = (57, 287)
# (skin, outer corner, upper lip) beside each mouth corner: slivers of near zero rest area that the
# rounding of an undone smile turned over, a dark wedge of the photo's corner at 2x (surp49c).
CORNER_SLIVERS = np.array([(CORNER_SKIN[0], MOUTH_CORNERS[0], LIPS_OUTER_UPPER[1]),
                           (CORNER_SKIN[1], MOUTH_CORNERS[1], LIPS_OUTER_UPPER[-2])])
# Places along the way _hold_outer_corners tries for each skin vertex (0 .. all the way).
HOLD_STEPS = 9
# The farthest, in mouth widths, _hold_outer_corners moves a skin vertex: a short corner-to-lip edge asks more
# (01 surprised /o/ all 0.05 of it, 4.75 px; 11 disgusted still 0.041, 5.45 px).
HOLD_REACH = 0.05
# ... and past the corner's own drop only as the lips round (smiling_round_share), all the way from this rounding:
# surprise's own on a full smile (speech's /o/ 0.75). A frown alone pulls centred on a smiling photo's corner (rig).
HOLD_ROUNDED = 0.5
# Unrounded, the skin vertex drops at most this share of the corner's drop (both along the posed head's own down,
# from where the head pose alone puts them): the corner stays the frown's lowest point, the head turned or not.
HOLD_SKIN_DROP = 0.99
# The share of the photo's smile undone (_undone_share) from which the hold acts in full: it fades in below, so a
# smile just crossing below 0 (plain speech on a smiling photo does) does not move the skin vertex 1-2 px at once.
HOLD_FADE_UNDONE = 0.15


def rotation_matrix(yaw_deg: float, pitch_deg: float, roll_deg: float) -> np.ndarray:
    """(3, 3) head rotation in image axes (x right, y down, z away from the camera).

    yaw + brings the nose toward the image's right, pitch + nods it down, roll + is clockwise.
    """
    y, p, r = (math.radians(a) for a in (yaw_deg, pitch_deg, roll_deg))
    cy, sy, cp, sp, cr, sr = math.cos(y), math.sin(y), math.cos(p), math.sin(p), math.cos(r), math.sin(r)
    yaw = np.array([[cy, 0, -sy], [0, 1, 0], [sy, 0, cy]])
    pitch = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    roll = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
    return roll @ yaw @ pitch


def posed_vertices(rig: FaceRig, frame: MotionFrame, *, draw_in_kept: np.ndarray | None = None) -> np.ndarray:
    """(V, 3) vertex positions for one frame: expression first, then head pose blended by weight.

    A coefficient's negative part has its own shape (the frown is not a smile mirrored). With the
    upper lip raised and the lips pressed only partly (f, v: press about 0.5), the lower lip meets
    the upper teeth, not the upper lip: the press leaves a gap the teeth show in. A full press
    (p, b, m) shuts the lips whatever raises the upper lip (disgust). The jaw's lift of the upper lip
    comes after the expression and before the press, with the skin over the lip's border risen where
    the lift would fold it (the rig's LiftGuard, _guard_lift) and the inner corners' draw-in held back
    where it would fold a triangle at them (_hold_corners): `draw_in_kept`, a (V,) float64 array if
    given, takes the share of its draw-in each inner corner keeps (1 where none is held back). Where
    the expression carries a lower inner lip above its upper partner mid-mouth (CONTACT_MIDDLE),
    that pair is pressed shut (the lips meet, not cross), press or no press. The knit under lowered
    brows starts from the rest shape with the rig's knit_lowered added (_knit_rest). Last, after the head
    pose, where the frame undoes part of a smiling photo's smile, each outer corner's sliver is kept from
    turning over by moving its skin vertex (_hold_outer_corners)."""
    coeffs = np.asarray(frame.expression(), dtype=np.float32)
    labiodental = frame.upper_lip_raise * 4.0 * frame.lip_press * (1.0 - frame.lip_press)
    rot, shift = _head_transform(rig, frame, np.float32)
    out = np.empty_like(rig.rest_xyz)
    kept = np.ones(len(out)) if draw_in_kept is None else draw_in_kept
    kept[:] = 1.0
    guard = rig.lift_guard
    _pose(_knit_rest(rig, frame), rig.expression_basis, rig.expression_basis_negative, coeffs, rig.jaw_lift,
          np.float32(jaw_lift_share(frame.jaw_open)), guard.triangles, guard.slot, guard.floor, guard.guarded,
          guard.vertex, guard.up, guard.corner_tri, rig.cavity_u, rig.press_vertex,
          rig.press_upper, rig.press_lower, rig.press_weight, rig.press_fill, rig.press_rest_px,
          np.float32(frame.lip_press),
          np.float32(labiodental * LABIODENTAL_GAP * rig.mouth_width_px), rig.head_weight, rot, rig.pivot_xyz,
          shift, out, kept)
    undone = _undone_share(rig, frame)
    if undone > 0.0:
        _hold_outer_corners(rig, out, frame=frame, undone=undone)
    return out


@dataclass(frozen=True, eq=False)
class _CornerHold:
    """One outer corner's sliver (CORNER_SLIVERS: `skin`, `corner`, `lip` vertices) as the rest shape
    has it: `rest_area2`, the sliver's twice signed area; `own`, (n, 3) the triangles with the skin vertex
    in them; `moved`, (n, 3) bool where `skin` sits in them; `rest_sign`, (n,) each one's rest side;
    `floor`, (n,) the twice area each must keep (the sliver's own rest area, 0 for the others)."""

    skin: int
    corner: int
    lip: int
    rest_area2: float
    own: np.ndarray
    moved: np.ndarray
    rest_sign: np.ndarray
    floor: np.ndarray


@functools.lru_cache(maxsize=8)
def _corner_holds(rig: FaceRig) -> tuple[_CornerHold, ...]:
    """The rig's two _CornerHolds, found once per rig (a frozen rig: its identity is its key): the
    per-frame hold is then a few small array operations, not a search of the mesh."""
    rest = rig.rest_xyz[:, :2].astype(np.float64)
    holds = []
    for skin, corner, lip in CORNER_SLIVERS:
        own = rig.triangles[np.any(rig.triangles == skin, axis=1)]
        rest_area2 = float(twice_signed_area(rest[[skin, corner, lip]]))
        floor = np.where(np.all(np.isin(own, (skin, lip, corner)), axis=1), abs(rest_area2), 0.0)
        holds.append(_CornerHold(int(skin), int(corner), int(lip), rest_area2, own, own == skin,
                                 np.sign(twice_signed_area(rest[own])), floor))
    return tuple(holds)


def _hold_outer_corners(rig: FaceRig, out: np.ndarray, *, frame: MotionFrame, undone: float) -> None:
    """Keeps each outer mouth corner's sliver (CORNER_SLIVERS) of the posed (V, 3) `out` from turning
    over where the frame's undone smile left the corner low: the sliver's skin vertex, in place, goes across the
    corner-to-lip edge (down and out, beside the lowered corner) towards giving the sliver back its rest
    area, as far along that way (of HOLD_STEPS places) as leaves the least area turned over in the skin
    vertex's own triangles; that way's length fades in with the share of the smile `undone` (HOLD_FADE_UNDONE).
    The corner stays where the expression put it: held up instead, it took back part of the undone smile (corner50).
    The skin drops no further than HOLD_SKIN_DROP of the corner's drop (a frown pulls centred on a smiling
    photo's corner, face.rig), both measured along the posed head's down from where the pose alone puts
    them (_head_posed_rest), but past it as far as the lips round (smiling_round_share; all the way from
    HOLD_ROUNDED): an upper lip rounding up past the lowered corner leaves the sliver's line lower beyond it."""
    fade = min(undone / HOLD_FADE_UNDONE, 1.0)
    unrounded = 1.0 - min(max(smiling_round_share(rig, frame) / HOLD_ROUNDED, 0.0), 1.0)
    ref = dict(zip((*MOUTH_CORNERS, *CORNER_SKIN), _head_posed_rest(rig, frame, (*MOUTH_CORNERS, *CORNER_SKIN))))
    along = ref[MOUTH_CORNERS[1]] - ref[MOUTH_CORNERS[0]]
    down = np.array([-along[1], along[0]]) / max(float(np.hypot(*along)), 1e-9)
    for hold in _corner_holds(rig):
        edge = out[hold.lip, :2].astype(np.float64) - out[hold.corner, :2]
        length = float(np.hypot(*edge))
        side = math.copysign(1.0, hold.rest_area2)
        short = abs(hold.rest_area2) - side * float(twice_signed_area(out[[hold.skin, hold.corner, hold.lip], :2]))
        if short <= 0.0 or length == 0.0:
            continue
        # Square to the corner-to-lip edge, on the side that adds area: each px there adds `length`.
        normal = -side * np.array([edge[1], -edge[0]]) / length
        reach = fade * min(short / length, HOLD_REACH * rig.mouth_width_px)
        sinks = float(normal @ down)
        if sinks > 0.0 and unrounded > 0.0:  # past HOLD_SKIN_DROP of the corner's drop (`room`) only as the lips round
            room = float(HOLD_SKIN_DROP * (out[hold.corner, :2] - ref[hold.corner]) @ down
                         - (out[hold.skin, :2] - ref[hold.skin]) @ down)
            reach -= unrounded * max(reach - max(room, 0.0) / sinks, 0.0)
        _move_least_turned(out, hold.own, hold.moved, hold.rest_sign, hold.floor, hold.skin, normal, reach, HOLD_STEPS)


def _warm_up_corner_hold() -> None:
    """Loads _move_least_turned's compiled search on dummy arrays of the real types: the warm-up frame
    smiles, so it undoes no smile and never reaches it."""
    _move_least_turned(np.zeros((3, 3), np.float32), np.zeros((1, 3), np.int32), np.zeros((1, 3), bool), np.ones(1),
                       np.zeros(1), 0, np.zeros(2), 0.0, HOLD_STEPS)


# Compiled: the places' search was a dozen numpy calls on (9, 6, 3, 2) arrays (~0.1 ms a frame that
# holds a corner); numpy's arithmetic, sums and first least kept, so the frames are what they were.
@njit(cache=True, nogil=True)
def _move_least_turned(out, own, moved, rest_sign, floor, skin, normal, reach, n_steps):
    """Moves vertex `skin` of the posed (V, 3) float32 `out` in place by step * (2,) float64 `normal`,
    the step of np.linspace(0, reach, n_steps) that leaves the least area turned over in its (n, 3)
    triangles `own` (n < 128; `moved`: (n, 3) bool, where `skin` sits in them): per triangle its
    twice signed area short of `floor` (n,) on its `rest_sign` (n,) side, summed as numpy sums them."""
    n, div = own.shape[0], n_steps - 1
    step = reach / div
    deficit = np.empty(n)
    best, best_s = np.inf, 0.0
    for k in range(n_steps):
        # np.linspace's arithmetic: k * step, or k / div * reach where the step underflows to 0.
        s = (k / div * reach if step == 0 else k * step) + 0.0
        if k == n_steps - 1:
            s = reach
        dx, dy = s * normal[0], s * normal[1]
        for j in range(n):
            ax, ay = _moved_corner(out, own[j, 0], moved[j, 0], dx, dy)
            bx, by = _moved_corner(out, own[j, 1], moved[j, 1], dx, dy)
            cx, cy = _moved_corner(out, own[j, 2], moved[j, 2], dx, dy)
            area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax)  # face.rig.twice_signed_area's
            deficit[j] = max(floor[j] - rest_sign[j] * area, 0.0)
        total = _numpy_sum(deficit)
        if k == 0 or total < best:  # np.argmin's first least
            best, best_s = total, s
    out[skin, 0] += np.float32(best_s * normal[0])
    out[skin, 1] += np.float32(best_s * normal[1])


@njit(cache=True, nogil=True, inline="always")
def _moved_corner(out, v, moved, dx, dy):
    """float64 (x, y) of vertex v of `out`, moved by (dx, dy) where `moved`."""
    x, y = np.float64(out[v, 0]), np.float64(out[v, 1])
    return (x + dx, y + dy) if moved else (x, y)


@njit(cache=True, nogil=True, inline="always")
def _numpy_sum(a):
    """np.sum of the (n,) float64 `a`, n < 128, in numpy's order (pairwise_sum's leaf: one running sum
    under 8 items, else 8 interleaved sums added pairwise, then the rest)."""
    n = a.shape[0]
    if n < 8:
        total = 0.0
        for i in range(n):
            total += a[i]
        return total
    r = a[:8].copy()
    i = 8
    while i < n - n % 8:
        for j in range(8):
            r[j] += a[i + j]
        i += 8
    total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
    for j in range(i, n):
        total += a[j]
    return total


def _head_posed_rest(rig: FaceRig, frame: MotionFrame, vertices: tuple[int, ...]) -> np.ndarray:
    """(n, 2) float64 px: where the frame's head pose alone (no expression) puts `vertices`' rest places,
    each by its head weight as _pose blends it: the hold's reference for a drop, so roll and shift are no drop."""
    rot, shift = _head_transform(rig, frame, np.float64)
    rest = rig.rest_xyz[list(vertices)].astype(np.float64)
    moved = (rest - rig.pivot_xyz) @ rot.T + rig.pivot_xyz + shift
    return (rest + rig.head_weight[list(vertices), None] * (moved - rest))[:, :2]


def _undone_share(rig: FaceRig, frame: MotionFrame) -> float:
    """The share (0..1) of the photo's smile the frame's frown undoes (FaceRig.undo_frown); 0 on an
    unsmiling photo."""
    return min(max(-frame.smile, 0.0) / rig.undo_frown, 1.0) if rig.undo_frown > 0.0 else 0.0


def _knit_rest(rig: FaceRig, frame: MotionFrame) -> np.ndarray:
    """(V, 3) float32 the shape a frame's expression starts from: the rest shape, plus the knit's
    part with lowered brows (FaceRig.knit_lowered) by brow_knit x max(-brow_raise, 0), the two
    muscles' product (a linear basis cannot hold it), and rounded lips on a smiling photo by
    smiling_round_share: FaceRig.round_undone by the share of the photo's smile the frame's frown
    undoes (FaceRig.undo_frown), FaceRig.round_smiling by the rest. The rest shape itself, and so every sum as
    before, where the two are 0 (fear's knit under raised brows among them)."""
    both = np.float32(frame.brow_knit * max(-frame.brow_raise, 0.0))
    rounded = smiling_round_share(rig, frame)
    rest = rig.rest_xyz if both == 0 else rig.rest_xyz + both * rig.knit_lowered
    if rounded == 0:
        return rest
    # Where an emotion has undone the photo's smile its width is back already: the lips round from
    # there as an unsmiling mouth does (round_undone), not by giving the width back again (surp49).
    undone = _undone_share(rig, frame)
    if undone < 1.0:
        rest = rest + np.float32(rounded * (1.0 - undone)) * rig.round_smiling
    return rest if undone == 0.0 else rest + np.float32(rounded * undone) * rig.round_undone


def smiling_round_share(rig: FaceRig, frame: MotionFrame) -> float:
    """0..1 how far a frame rounds the lips beyond what an emotion's undoing of the photo's smile
    narrows them: -lip_spread less the rig's undo_spread_per_frown per unit of frown. Speech's /o/
    (-0.75) on a photo kept as it is 0.75; an emotion on a smiling photo (lip_spread and smile both
    taking the smile off) about 0, so the mouth it shuts stays shut.

    The undo lies beyond -1 (down to lip_spread's -2.1; motion.holistic clips only the rounding at -1),
    so surprise's own -0.5 on a full smile is 0.5 here (0 before surp49, when the clip at -1 ate it),
    and speech's /o/ under neutral or surprise rounds. Not under sad: its own frown (-1.14 on a full
    smile) is read as undo too, which eats its lip_spread, so a smile's /o/ under sad is 0 (rev49s)."""
    return min(max(-frame.lip_spread - rig.undo_spread_per_frown * max(-frame.smile, 0.0), 0.0), 1.0)


# Half the share of the inner lips' length (face.rig.FaceRig.cavity_u, 0..1 corner to corner) about
# its middle where a crossed pair is pressed shut (_pose): the middle five pairs (cavity_u 0.3-0.7 in
# steps of 0.1), the bound between two steps so float rounding does not decide which count.
CONTACT_MIDDLE = np.float32(0.25)


# One compiled pass: the numpy version's two dozen small array operations cost ~0.2 ms a call in
# call overhead alone (while the lids move, the open-eyed twin is posed by _pose_some on the few
# vertices a blink or a gaze moves).
@njit(cache=True, nogil=True)
def _pose(rest, basis, basis_negative, coeffs, jaw_lift, lift, guard_tri, guard_slot, guard_floor, guarded,
          guard_vertex, guard_up, corner_tri, cavity_u, press_vertex, press_upper, press_lower, press_weight,
          press_fill, press_rest_px, press, teeth_px, head_weight, rot, pivot, shift, out, kept):
    """posed_vertices' arithmetic into `out` (V, 3) float32: the expression (coefficients (K,),
    bases (K, V, 3)), the upper lip's (V, 3) `jaw_lift` by `lift` (jaw_lift_share) with the skin over
    it risen where it must and the lift given up where that skin may not rise (_guard_lift, the rig's
    LiftGuard as `guard_*` and `guarded`) and the inner corners' draw-in held back where it must
    (_hold_corners, LiftGuard.corner_tri as `corner_tri`; the share each keeps into (V,) `kept`), the lip press
    (closing each pair's gap up to `teeth_px` short of shut, by `press_weight` and, what it closes
    beyond `press_rest_px`, by `press_fill` more; a crossed pair mid-mouth, its lower inner
    lip above the upper along `guard_up`, `cavity_u` within CONTACT_MIDDLE of 0.5, shut along `up` at
    any press), then the head pose (rotation `rot`
    about `pivot`, then `shift`) by each vertex's weight."""
    out[:] = rest
    flat = out.reshape(-1)
    for k in range(coeffs.shape[0]):
        c = coeffs[k]
        if c == 0:
            continue
        # The negative part's shape is taken by -c (its own basis points the way it moves).
        shape, c = (basis[k], c) if c > 0 else (basis_negative[k], -c)
        # Flat, unsigned indices: the loop vectorizes (each element's multiply and add as before).
        flat_shape = shape.reshape(-1)
        for i in range(flat.shape[0]):
            u = np.uintp(i)
            flat[u] += c * flat_shape[u]
    if lift != 0:  # a wide opening's only (face.rig.JAW_UPPER_LIFT_FROM)
        flat_lift = jaw_lift.reshape(-1)
        for i in range(flat.shape[0]):
            u = np.uintp(i)
            flat[u] += lift * flat_lift[u]
        _guard_lift(out, jaw_lift, lift, guard_tri, guard_slot, guard_floor, guarded, guard_vertex, guard_up)
        _hold_corners(out, jaw_lift, lift, corner_tri, kept, guard_up)
    _press(out, guard_up, cavity_u, press_vertex, press_upper, press_lower, press_weight, press_fill, press_rest_px,
           press, teeth_px)
    r00, r01, r02, r10, r11, r12, r20, r21, r22 = rot[0, 0], rot[0, 1], rot[0, 2], rot[1, 0], rot[1, 1], rot[1, 2], \
        rot[2, 0], rot[2, 1], rot[2, 2]
    p0, p1, p2, s0, s1, s2 = pivot[0], pivot[1], pivot[2], shift[0], shift[1], shift[2]
    for v in range(out.shape[0]):  # the same sums in the same order, on scalars the loop keeps in registers
        u = np.uintp(v)
        a, b, c = flat[3 * u], flat[3 * u + 1], flat[3 * u + 2]
        x, y, z = a - p0, b - p1, c - p2
        weight = head_weight[u]
        flat[3 * u] = a + weight * ((x * r00 + y * r01 + z * r02 + p0 + s0) - a)
        flat[3 * u + 1] = b + weight * ((x * r10 + y * r11 + z * r12 + p1 + s1) - b)
        flat[3 * u + 2] = c + weight * ((x * r20 + y * r21 + z * r22 + p2 + s2) - c)


@njit(cache=True, nogil=True)
def _press(out, up, cavity_u, press_vertex, press_upper, press_lower, press_weight, press_fill, press_rest_px,
           press, teeth_px):
    """_pose's lip press on `out` (V, 3): each press vertex closes its pair's gap by `press`
    (up to `teeth_px` short of shut) times its `press_weight` (M,), and what it closes (the length
    less `teeth_px`) beyond `press_rest_px` (M,; the photo's own gap) by `press_fill` (M,) more; a crossed pair mid-mouth (its
    lower inner lip above the upper along the face's `up`, (2,); cavity_u within CONTACT_MIDDLE of
    0.5) is shut along `up` at any press, sideways and depth left as they are. Photos whose landmark
    inner lips cross slightly at rest (out/portraits' 02, 05, 10) are so shut on every frame,
    neutral too (0.06-0.33 px)."""
    # The press; and where the expression has carried a lower inner lip above its upper partner
    # mid-mouth (a chin raiser under a rounded, nearly shut speech shape: sad's /w/), the lips meet
    # instead of crossing: that pair pressed shut along up (its move is its rise, none as they touch). Not
    # toward the corners (CONTACT_MIDDLE), where a frown's crossed pairs shut whole drew the outer
    # corners down further (bench_emotions: Grace Hopper's sad -0.043 -> -0.072, identity +0.03).
    n = press_vertex.shape[0]
    gaps = np.empty((n, 3), np.float32)
    for m in range(n):
        for j in range(3):
            gaps[m, j] = out[press_lower[m], j] - out[press_upper[m], j]
    for m in range(n):
        middle = abs(cavity_u[press_upper[m]] - np.float32(0.5)) < CONTACT_MIDDLE
        rise = gaps[m, 0] * up[0] + gaps[m, 1] * up[1]
        if middle and rise > 0:  # crossed
            # Along `up` only: that part of the gap is 0 as the pair crosses, so the shut starts from
            # nothing; the whole gap (sideways and depth too) moved the pair by them in one frame.
            for j in range(2):
                out[press_vertex[m], j] += press_weight[m] * rise * up[j]
        elif press != 0:
            length = np.sqrt(gaps[m, 0] * gaps[m, 0] + gaps[m, 1] * gaps[m, 1])
            closing = min(max(np.float32(1.0) - teeth_px / max(length, np.float32(1e-3)), np.float32(0.0)),
                          np.float32(1.0))
            # A parted photo's lip fills out by a share of its own gap (face.rig._lip_fill), not of
            # what an expression opens beyond it (disgust's raised upper lip): that closes with the lip
            # moving as a whole, or the fill's uneven shares along the lip give the raise back unevenly.
            for j in range(3):
                out[press_vertex[m], j] += press * press_weight[m] * gaps[m, j] * closing
            beyond = max(length * closing - press_rest_px[m], np.float32(0.0)) / max(length, np.float32(1e-3))
            if press_fill[m] != 0 and beyond > 0:
                for j in range(3):
                    out[press_vertex[m], j] += press * press_fill[m] * gaps[m, j] * beyond


# Passes of _guard_lift's rise: the second gives a triangle the rise a neighbour's larger ask took
# from it (a riser whose own rise shrinks it).
GUARD_PASSES = 2


@njit(cache=True, nogil=True)
def _guard_lift(out, jaw_lift, lift, tri, slot, floor, guarded, vertex, up):
    """Raises the skin `vertex` (S,) in `out` (V, 3) along `up` (2,) so that each of the first `guarded`
    triangles of (T, 3) `tri` keeps twice its area `floor` (T,), signed as at rest, or what it had with
    the (V, 3) `jaw_lift` by `lift` left out where that is less (so the lift alone never folds it, and
    no frame without a lift changes). Twice the area is linear in a corner's rise: in each of
    GUARD_PASSES a triangle asks the rise its risers share (at most the lift's reach at its corners),
    each vertex takes the largest ask, capped where it would take one of the other triangles (to the
    skin that stays) below its floor (_guard_caps). What a capped rise leaves short, the lift gives up
    over the whole lip (_guard_take_back). Arithmetic in float64 throughout: the
    tests' numpy reference gives its bits."""
    lift64 = np.float64(lift)
    target = np.empty(guarded, np.float64)
    for g in range(guarded):
        i, j, k = tri[g, 0], tri[g, 1], tri[g, 2]
        sign = 1.0 if floor[g] >= 0 else -1.0
        unlifted2 = _twice_area(out, i, j, k, -lift64 * jaw_lift[i, 0], -lift64 * jaw_lift[i, 1],
                                -lift64 * jaw_lift[j, 0], -lift64 * jaw_lift[j, 1],
                                -lift64 * jaw_lift[k, 0], -lift64 * jaw_lift[k, 1])
        target[g] = min(sign * np.float64(floor[g]), sign * unlifted2)
    for _ in range(GUARD_PASSES):
        rise = np.zeros(vertex.shape[0], np.float64)
        for g in range(guarded):
            sign = 1.0 if floor[g] >= 0 else -1.0
            deficit = target[g] - sign * _twice_area(out, tri[g, 0], tri[g, 1], tri[g, 2], 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            if deficit <= 0:
                continue
            slope, reach = 0.0, 0.0
            for m in range(3):
                v = tri[g, m]
                if slot[g, m] >= 0:
                    slope += _own_slope(out, tri, g, m, sign, np.float64(up[0]), np.float64(up[1]))
                else:
                    lx, ly = np.float64(jaw_lift[v, 0]), np.float64(jaw_lift[v, 1])
                    reach = max(reach, lift64 * np.sqrt(lx ** 2 + ly ** 2))
            if slope <= 0:
                continue
            for m in range(3):
                if slot[g, m] >= 0:
                    rise[slot[g, m]] = max(rise[slot[g, m]], min(deficit / slope, reach))
        cap = _guard_caps(out, tri, slot, floor, guarded, vertex.shape[0], up)
        for s in range(vertex.shape[0]):
            r = min(rise[s], cap[s])
            out[vertex[s], 0] += np.float32(r * up[0])
            out[vertex[s], 1] += np.float32(r * up[1])
    _guard_take_back(out, jaw_lift, lift64, tri, slot, floor, target, up)


@njit(cache=True, nogil=True)
def _twice_area(out, i, j, k, dxi, dyi, dxj, dyj, dxk, dyk):
    """Twice the signed area, in float64, of the triangle (i, j, k) of `out` (V, 3) with each corner
    moved by its (dx, dy) px."""
    ax, ay = np.float64(out[i, 0]) + dxi, np.float64(out[i, 1]) + dyi
    bx, by = np.float64(out[j, 0]) + dxj, np.float64(out[j, 1]) + dyj
    cx, cy = np.float64(out[k, 0]) + dxk, np.float64(out[k, 1]) + dyk
    return (bx - ax) * (cy - ay) - (cx - ax) * (by - ay)


@njit(cache=True, nogil=True)
def _own_slope(out, tri, g, m, sign, dx, dy):
    """d(twice the area, signed by `sign`)/d(corner m moving along (dx, dy)) of (T, 3) `tri`'s row g in
    `out` (V, 3): the opposite edge crossed with the move (float64)."""
    p, q = tri[g, (m + 1) % 3], tri[g, (m + 2) % 3]
    return sign * ((np.float64(out[q, 0]) - np.float64(out[p, 0])) * dy
                   - (np.float64(out[q, 1]) - np.float64(out[p, 1])) * dx)


@njit(cache=True, nogil=True)
def _guard_caps(out, tri, slot, floor, guarded, n_vertex, up):
    """(n_vertex,) float64 px the most each riser may rise now in `out` (V, 3) along `up` (2,): over the
    triangles of (T, 3) `tri` after the first `guarded` (risers and skin that stays), the share of
    what each has above its `floor` (twice its area, signed) over the sum of its shrinking risers'
    slopes, so that all of them rising that far together keep it there (0 where it has nothing
    above)."""
    cap = np.full(n_vertex, np.inf)
    slopes = np.zeros(3, np.float64)  # each riser's slope, taken once for the sum and the cap
    for g in range(guarded, tri.shape[0]):
        sign = 1.0 if floor[g] >= 0 else -1.0
        shrink = 0.0
        for m in range(3):
            slopes[m] = 0.0
            if slot[g, m] >= 0:
                slopes[m] = _own_slope(out, tri, g, m, sign, np.float64(up[0]), np.float64(up[1]))
            shrink += max(-slopes[m], 0.0)
        if shrink <= 0:
            continue
        room = sign * _twice_area(out, tri[g, 0], tri[g, 1], tri[g, 2], 0.0, 0.0, 0.0, 0.0, 0.0, 0.0) \
            - sign * np.float64(floor[g])
        for m in range(3):
            if slot[g, m] >= 0 and slopes[m] < 0:
                cap[slot[g, m]] = min(cap[slot[g, m]], max(room, 0.0) / shrink)
    return cap


@njit(cache=True, nogil=True)
def _guard_take_back(out, jaw_lift, lift64, tri, slot, floor, target, up):
    """Gives up the share of the lift, along `up` (2,), over the whole lip in `out` (V, 3) that the
    slope of the shortest of (T, 3) `tri`'s first len(`target`) triangles says makes up what it keeps
    short of its (G,) `target` (twice its area, signed as `floor`); at most all of it. The whole lip
    gives it up, not the short triangle's corners alone: the border coming down past the lip under
    it folds the lip instead (the (V, 3) `jaw_lift` by `lift64`; the inner corners' draw-in, across
    the face, stays)."""
    up0, up1 = np.float64(up[0]), np.float64(up[1])
    share = 0.0
    for g in range(target.shape[0]):
        sign = 1.0 if floor[g] >= 0 else -1.0
        deficit = target[g] - sign * _twice_area(out, tri[g, 0], tri[g, 1], tri[g, 2], 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        if deficit <= 0:
            continue
        slope = 0.0
        for m in range(3):
            v = tri[g, m]
            if slot[g, m] < 0:
                back = -lift64 * (np.float64(jaw_lift[v, 0]) * up0 + np.float64(jaw_lift[v, 1]) * up1)
                slope += _own_slope(out, tri, g, m, sign, back * up0, back * up1)
        if slope > 0:
            share = max(share, min(deficit / slope, 1.0))
    if share <= 0:
        return
    for v in range(out.shape[0]):
        along = np.float64(jaw_lift[v, 0]) * up0 + np.float64(jaw_lift[v, 1]) * up1
        if along != 0:
            out[v, 0] -= np.float32(share * lift64 * along * up0)
            out[v, 1] -= np.float32(share * lift64 * along * up1)


@njit(cache=True, nogil=True)
def _draw_in(jaw_lift, v, lift, up0, up1, rx, ry):
    """(dx, dy) px vertex v's draw-in by `lift`: its (V, 3) `jaw_lift` row's part along the face (off the
    face's up (up0, up1), which is the upper lip's lift), (0, 0) unless it points as a corner's row
    (rx, ry) does: the lip about each inner corner comes in with it (face.rig._corners_in)."""
    x, y = np.float64(jaw_lift[v, 0]), np.float64(jaw_lift[v, 1])
    a = x * up0 + y * up1
    x, y = lift * (x - a * up0), lift * (y - a * up1)
    if x * rx + y * ry <= 0:
        return 0.0, 0.0
    return x, y


@njit(cache=True, nogil=True)
def _hold_corners(out, jaw_lift, lift, tri, kept, up):
    """Moves each inner corner in `out` (V, 3) and the lip drawn in with it back along their draw-in
    (_draw_in, by `lift`; `up` the face's (2,) up) just so far that each triangle of (C, 3) `tri` at it
    (the corner first) keeps JAW_LIFT_KEEP of twice its area with the draw-in left out, signed as that
    is: the draw-ins about a corner are parallel, so twice the area is linear in the share the corner
    keeps (written to (V,) `kept` at the corner). No frame without a deficit changes."""
    up0, up1, lift64 = np.float64(up[0]), np.float64(up[1]), np.float64(lift)
    g = 0
    while g < tri.shape[0]:
        c = tri[g, 0]
        keep = 1.0
        rx, ry = np.float64(jaw_lift[c, 0]), np.float64(jaw_lift[c, 1])
        while g < tri.shape[0] and tri[g, 0] == c:  # the corner's triangles, in one run
            i, j = tri[g, 1], tri[g, 2]
            dcx, dcy = _draw_in(jaw_lift, c, lift64, up0, up1, rx, ry)
            dix, diy = _draw_in(jaw_lift, i, lift64, up0, up1, rx, ry)
            djx, djy = _draw_in(jaw_lift, j, lift64, up0, up1, rx, ry)
            area2 = _twice_area(out, c, i, j, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
            held2 = _twice_area(out, c, i, j, -dcx, -dcy, -dix, -diy, -djx, -djy)
            sign = 1.0 if held2 >= 0 else -1.0
            lost = sign * (held2 - area2)
            if sign * area2 < JAW_LIFT_KEEP * sign * held2 and lost > 0:
                keep = min(keep, (1.0 - JAW_LIFT_KEEP) * sign * held2 / lost)
            g += 1
        kept[c] = keep
        if keep < 1.0:
            for v in range(out.shape[0]):
                dx, dy = _draw_in(jaw_lift, v, lift64, up0, up1, rx, ry)
                if dx != 0.0 or dy != 0.0:
                    out[v, 0] -= np.float32((1.0 - keep) * dx)
                    out[v, 1] -= np.float32((1.0 - keep) * dy)


@njit(cache=True, nogil=True)
def _pose_some(rest, basis, basis_negative, coeffs, idx, head_weight, rot, pivot, shift, out):
    """_pose's arithmetic without a lip press for the vertices `idx` (N,) alone, into their rows of
    `out` (V, 3) float32: per vertex, each coefficient's term added in turn, then the head pose."""
    for m in range(idx.shape[0]):
        v = idx[m]
        a, b, c = rest[v, 0], rest[v, 1], rest[v, 2]
        for k in range(coeffs.shape[0]):
            w = coeffs[k]
            if w == 0:
                continue
            shape, w = (basis[k], w) if w > 0 else (basis_negative[k], -w)
            a, b, c = a + w * shape[v, 0], b + w * shape[v, 1], c + w * shape[v, 2]
        x, y, z = a - pivot[0], b - pivot[1], c - pivot[2]
        weight = head_weight[v]
        out[v, 0] = a + weight * ((x * rot[0, 0] + y * rot[0, 1] + z * rot[0, 2] + pivot[0] + shift[0]) - a)
        out[v, 1] = b + weight * ((x * rot[1, 0] + y * rot[1, 1] + z * rot[1, 2] + pivot[1] + shift[1]) - b)
        out[v, 2] = c + weight * ((x * rot[2, 0] + y * rot[2, 1] + z * rot[2, 2] + pivot[2] + shift[2]) - c)


# The coefficients a frame's open-eyed twin (LidPainter.paint's) changes: only the vertices their
# shapes move differ from the frame's own.
LID_COEFFICIENTS = tuple(EXPRESSION_NAMES.index(name) for name in ("blink_left", "blink_right", "gaze_y"))


def lid_vertices(rig: FaceRig) -> np.ndarray | None:
    """(N,) int64 the vertices a blink or a gaze moves, where opened_vertices may repose them alone:
    None where it may not (a lip-press vertex or partner among them, one the jaw's lift or its guard
    moves, which _pose_some leaves out, or a rest coordinate -0.0)."""
    moved = np.zeros(len(rig.rest_xyz), bool)
    for k in LID_COEFFICIENTS:
        moved |= np.any(rig.expression_basis[k] != 0, axis=1) | np.any(rig.expression_basis_negative[k] != 0, axis=1)
    press = np.concatenate([rig.press_vertex, rig.press_upper, rig.press_lower])
    if (moved[press].any() or np.any(rig.jaw_lift[moved] != 0) or moved[rig.lift_guard.vertex].any()
            or np.signbit(rig.rest_xyz[rig.rest_xyz == 0]).any()):
        return None
    return np.nonzero(moved)[0]


def opened_vertices(rig: FaceRig, frame: MotionFrame, verts: np.ndarray, lid_verts: np.ndarray | None) -> np.ndarray:
    """posed_vertices(rig, frame) of a frame that differs from the one posed as (V, 3) `verts` in
    LID_COEFFICIENTS alone, bit for bit, reposing only `lid_verts` (lid_vertices; None: all). Every
    other vertex is the same sum less terms that are each +-0 on it, which leave every sum but -0.0
    as it is, and its sums start at a rest coordinate that is not -0.0 and so never reach it."""
    if lid_verts is None:
        return posed_vertices(rig, frame)
    coeffs = np.asarray(frame.expression(), dtype=np.float32)
    rot, shift = _head_transform(rig, frame, np.float32)
    out = verts.copy()
    _pose_some(_knit_rest(rig, frame), rig.expression_basis, rig.expression_basis_negative, coeffs, lid_verts, rig.head_weight,
               rot, rig.pivot_xyz, shift, out)
    return out


def head_posed(rig: FaceRig, frame: MotionFrame, xyz: np.ndarray) -> np.ndarray:
    """(N, 3) points `xyz` moved rigidly by the frame's head pose (rotation about the rig's
    pivot, then translation), in xyz's dtype."""
    rot, shift = _head_transform(rig, frame, xyz.dtype)
    return (xyz - rig.pivot_xyz) @ rot.T + rig.pivot_xyz + shift


def head_unposed(rig: FaceRig, frame: MotionFrame, verts: np.ndarray) -> np.ndarray:
    """(V, 3) float64 px: a frame's posed (V, 3) `verts` with its head pose undone (head_posed's
    inverse; exact where the head carries a vertex wholly, as it does the eyes)."""
    rot, shift = _head_transform(rig, frame, np.float64)
    return (verts - rig.pivot_xyz - shift) @ rot + rig.pivot_xyz


def _head_transform(rig: FaceRig, frame: MotionFrame, dtype) -> tuple[np.ndarray, np.ndarray]:
    """The frame's head pose as ((3, 3) rotation about the rig's pivot, (3,) shift in px), in
    `dtype`. frame.scale is the camera's (render.camera): it scales the whole person, not the head."""
    rot = _rotation(float(frame.yaw_deg), float(frame.pitch_deg), float(frame.roll_deg)).astype(dtype)
    return rot, np.array([frame.tx, frame.ty, 0.0], dtype) * rig.face_height_px


# A frame's pose is needed five times (posed_vertices, opened_vertices, the upper lip's and the
# spectacle frames' head_posed, the irises' head_unposed): the matrix is built once (~5 us each time
# it is built).
@functools.lru_cache(maxsize=4)
def _rotation(yaw_deg: float, pitch_deg: float, roll_deg: float) -> np.ndarray:
    """rotation_matrix, read-only: shared by every caller of the same angles (an angle of -0.0
    shares 0.0's: the matrices differ only in the signs of zero entries, which no pose's sum, with
    the pivot's non-zero coordinates in it, carries through)."""
    rot = rotation_matrix(yaw_deg, pitch_deg, roll_deg)
    rot.flags.writeable = False
    return rot


# Landmarks near the frames' plane that only the head moves: eye corners, nose bridge, brows'
# rest places (not the temples, which lie far behind it and would skew a turned head's fit). The
# frame follows the affine map that takes them from the photo to where the pose alone puts them.
GLASSES_ANCHORS = (33, 133, 263, 362, 168, 6, 197, 70, 300)



# A frame that reaches every compiled kernel: lips apart, a smile's folds, a raised brow, half-shut
# lids, an upper lip rolled over a toothy photo's own teeth (fear, anger: its first frame in a live
# stream otherwise compiled that pass, ~1.6 s without a cache).
_WARM_UP = MotionFrame(t_s=0.0, jaw_open=0.6, smile=0.5, brow_raise=0.5, eye_squint=0.3, nose_sneer=0.3,
                       blink_left=0.5, blink_right=0.5, mouth_roll_upper=0.5)

class GlassesLayer:
    """The photo's spectacle frames (face.glasses), drawn over each frame where the head pose
    alone puts them: rigid with the head, not bent by brows, lids or cheeks."""

    def __init__(self, *, glasses: Glasses, texture: np.ndarray, rig: FaceRig):
        import cv2

        x0, y0, x1, y1 = glasses.box_px
        self._box = glasses.box_px
        # The skin is filled in under the frames over their mask grown by a pixel; the frames are
        # laid back over all of that (feathered outward), so at rest the photo comes back exactly.
        self._hole = cv2.dilate((glasses.mask > 0.02).astype(np.uint8), np.ones((3, 3), np.uint8))
        hole = self._hole.astype(np.float32)
        self._alpha = np.ascontiguousarray(np.maximum(hole, cv2.GaussianBlur(hole, (0, 0), 1.0)))
        self._rgb = np.ascontiguousarray(texture[y0:y1, x0:x1])
        self._rig = rig
        self._anchors = rig.rest_xyz[list(GLASSES_ANCHORS)].astype(np.float64)
        rest_xy = self._anchors[:, :2]
        self._fit = np.linalg.pinv(np.hstack([rest_xy, np.ones((len(rest_xy), 1))]))  # (3, N) least squares

    def texture_without_frames(self, texture: np.ndarray) -> np.ndarray:
        """A copy of `texture` with the frames filled in from the skin and lenses around them."""
        import cv2

        x0, y0, x1, y1 = self._box
        out = texture.copy()
        out[y0:y1, x0:x1] = cv2.inpaint(np.ascontiguousarray(texture[y0:y1, x0:x1]), self._hole, 3, cv2.INPAINT_TELEA)
        return out

    def pose_affine(self, frame: MotionFrame) -> np.ndarray:
        """(2, 3) map from photo pixels to where the head pose (no expression) puts them."""
        moved = head_posed(self._rig, frame, self._anchors)
        return (self._fit @ moved[:, :2]).T

    def paint(self, out: np.ndarray, frame: MotionFrame) -> None:
        """Lays the frames over `out` (H, W, 3) uint8, in place."""
        import cv2

        affine = self.pose_affine(frame)
        x0, y0, x1, y1 = self._box
        corners = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]], np.float64)
        placed = pixel_box(corners @ affine[:, :2].T + affine[:, 2], pad=1, shape=out.shape)
        if placed is None:
            return
        bx0, by0, bx1, by1 = placed
        # From layer pixels to output-box pixels.
        local = affine.copy()
        local[:, 2] += affine[:, :2] @ np.array([x0, y0]) - np.array([bx0, by0])
        size = (int(bx1 - bx0), int(by1 - by0))
        rgb = cv2.warpAffine(self._rgb, local, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        mask = cv2.warpAffine(self._alpha, local, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        region = out[by0:by1, bx0:bx1]
        region[:] = cv2.blendLinear(rgb, region, mask, 1.0 - mask)


def with_photo_lip_lift(analysis: FaceAnalysis) -> FaceAnalysis:
    """`analysis` with its rig's wide-jaw upper-lip lift taken by the photo's own crowns'
    share (mouth.own_crowns_lift_share, face.rig.with_lip_lift): a photo showing its upper teeth
    whole lifts its lip less. Applied once, where the pipeline analyses the photo (Animator), so
    the analysis it keeps, pickles and hands to every Renderer, stream session and worker is
    the rig that is drawn; the analysis itself where the rig is already at that share (so a
    second call, on an analysis made by it, changes nothing). Hair hiding the upper lip lifts it less
    too (mouth.hair_lip_lift_share): the lesser share."""
    share = min(own_crowns_lift_share(rig=analysis.rig, image=analysis.image),
                hair_lip_lift_share(rig=analysis.rig, image=analysis.image))
    rig = with_lip_lift(analysis.rig, share=share)
    return analysis if rig is analysis.rig else replace(analysis, rig=rig)


def _eye_painters(analysis: FaceAnalysis, *, grain: np.ndarray) -> tuple[IrisPainter, LidPainter]:
    """The irises' and lids' painters, over the eyes that show: one behind an opaque lens
    (analysis.eyes) gets no iris and no lids, so the lens stays as photographed. The shut lids
    leave out the spectacle frames' pixels; `grain` is the synthetic skin's (H, W, 1) grain (the
    mouth's: MouthPainter.face_grain)."""
    app = analysis.appearance
    shown = (analysis.eyes.left, analysis.eyes.right)  # Appearance.eyes' and .lids' order
    frames = None if analysis.glasses is None else analysis.glasses.full_mask(analysis.image.shape)
    irises = IrisPainter(analysis.rig, tuple(e for e, s in zip(app.eyes, shown) if s))
    lids = LidPainter(tuple(lid for lid, s in zip(app.lids, shown) if s), grain, frames=frames,
                      rest_xy=analysis.rig.rest_xyz[:, :2], image=analysis.image)
    return irises, lids


def _corner_pocket(analysis: FaceAnalysis, *, texture: np.ndarray) -> CornerPocket | None:
    """A smiling photo's dark mouth corners, faded as an emotion undoes the smile (CornerPocket);
    None where no frame can undo one (rig.undo_frown 0), so those frames are drawn as before."""
    if analysis.rig.undo_frown <= 0.0:
        return None
    return CornerPocket.of(texture=texture, rest_xy=analysis.rig.rest_xyz[:, :2], triangles=analysis.rig.triangles,
                           smile=analysis.expression.smile)


class Renderer:
    """Renders MotionFrames of one analysed photo. Not thread-safe: it reuses its buffers."""

    def __init__(self, analysis: FaceAnalysis):
        image, app = analysis.image, analysis.appearance
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 image, got {image.shape} {image.dtype}")
        self.height, self.width = image.shape[:2]
        # Synthetic detail is softened like the photo was when the crop was enlarged to size.
        upscale = image.shape[1] / analysis.crop.width
        # The synthetic skin's grain (mouth, shut lids): luminance alone, as coarse as the photo's own.
        grain = luminance_grain(image, app.grain, box=pixel_box(analysis.rig.rest_xyz[list(FACE_OVAL), :2], pad=0,
                                                                 shape=image.shape[:2]))
        # The analysis' rig as it is (with_photo_lip_lift has fitted its lip lift to the photo's crowns).
        self.rig = analysis.rig
        self._mouth = MouthPainter(self.rig, image, grain, softness_px=0.5 * max(upscale, 1.0) + 0.2)
        self._texture = np.ascontiguousarray(app.texture)
        self._glasses = None
        if analysis.glasses is not None:
            self._glasses = GlassesLayer(glasses=analysis.glasses, texture=app.texture, rig=self.rig)
            # The mesh warps the face without the frames, which are laid over it rigidly.
            self._texture = self._glasses.texture_without_frames(app.texture)
        self._alpha = np.ascontiguousarray(app.person_alpha, dtype=np.float32)
        self._background = np.ascontiguousarray(app.background)
        # What a pixel that nothing moves shows: the photo, irises removed (they are drawn on top).
        self._still = np.ascontiguousarray(np.where(app.person_alpha[..., None] >= 1.0, app.texture, image))
        # Where the still frame already is what warping by the identity map gives (all but the
        # irises and spectacle frames, the residual added), the warp leaves pixels that did not
        # move (by 1/64 px) as they are.
        self._warp = WarpSource.of(texture=_unmixed(self._texture, matte=self._alpha, plate=self._background),
                                   matte=self._alpha, plate=self._background, still=self._still)
        # Only vertices of triangles that can move bound the region a frame must recompute.
        self._moving = np.unique(self.rig.triangles[self.rig.movable])
        self._pocket = _corner_pocket(analysis, texture=self._texture)
        self._buffers = WarpBuffers(self.height, self.width)
        self._mesh = RasterMesh.of(self.rig)
        self._lip_smoothing = LipSmoothing.of(self.rig)
        self._expressive = np.unique(self.rig.triangles[self._mesh.active & ~self._mesh.head_only])
        # Rest places' extremes stand for all of them in the per-frame boxes.
        self._moving_rest, self._expressive_rest = (_extremes(self.rig.rest_xyz[v, :2])
                                                    for v in (self._moving, self._expressive))
        # Pixels where laying the plate gives the still frame: the surround's triangles, which
        # sample no farther off than the head moves them, are drawn only near the others.
        self._reach = StillReach.of(self._warp.kept & (self._alpha == 0)
                                    & np.all(self._background == self._still, axis=2))
        # The shut lids take the mouth's grain: on a print its own hatching or paper (10's lid was a smooth disk).
        self._irises, self._lids = _eye_painters(analysis, grain=self._mouth.face_grain)
        self._draw_in_kept = np.ones(len(self.rig.rest_xyz))  # posed_vertices' per frame: _hold_corners' shares
        # Where the head's pose alone carries the upper inner lip is where the mouth's upper teeth are.
        self._upper_lip_rest = self.rig.rest_xyz[list(LIPS_INNER_UPPER)]
        self._lid_verts = lid_vertices(self.rig)
        self._camera = Camera.for_analysis(analysis)
        self._folds = FoldShader(photo=analysis.expression,
                                 tint=crease_tint(analysis.image, analysis.landmarks_px[list(FACE_OVAL), :2],
                                                  held=self._mouth.one_tint),
                                 glabella_share=glabella_grain(analysis.image, analysis.landmarks_px))
        # One expressive frame drawn and thrown away: the compiled kernels of the folds, irises and
        # mouth load (or, with no numba cache yet, compile: docs/architecture.md's step 7 has the
        # cost) now rather than in a live stream's first frames. Nothing carries over but the
        # columns the next frame resets.
        self.render(_WARM_UP)
        _warm_up_corner_hold()

    def render(self, frame: MotionFrame) -> np.ndarray:
        """(H, W, 3) uint8 RGB frame."""
        kept = self._draw_in_kept
        verts = posed_vertices(self.rig, frame, draw_in_kept=kept)
        buf = self._buffers
        box = self._moving_box(verts)
        buf.reset()
        buf.draw(self._mesh, verts, clip=True)
        smoothed = self._lip_smoothing.apply(buf, verts)  # the open lips' lines curved through the landmarks
        out = self._still.copy()
        x0, y0, x1, y1 = box
        if x1 > x0 and y1 > y0:
            # Outside the box nothing moved: the still frame is already right there.
            # Texture and matte warped and laid over the plate in one pass. The few pixels a moving
            # head pulls in from beyond the photo's edge (the rig lets go of the head there:
            # face.rig.EDGE_HOLD) continue its texture mirrored, where a replicated edge row would
            # draw streaks.
            alpha = np.empty((y1 - y0, x1 - x0), np.float32)
            self._warp.warp(buf, box, out=out, alpha=alpha)
        else:
            alpha = None
        undone = _undone_share(self.rig, frame)
        if self._pocket is not None and undone > 0.0:
            self._pocket.paint(out, map_x=buf.map_x, map_y=buf.map_y, verts=verts, share=undone)
        self._folds.paint(out, verts, frame)
        self._irises.paint(out, verts, buf.tri_id, unposed=head_unposed(self.rig, frame, verts))
        if frame.blink_left > 0 or frame.blink_right > 0 or frame.gaze_y > 0:
            # Where the lids would be open: what a blink or a downward look covers is lid skin.
            opened = frame.with_(blink_left=0.0, blink_right=0.0, gaze_y=min(frame.gaze_y, 0.0))
            self._lids.paint(out, verts, opened_vertices(self.rig, opened, verts, self._lid_verts))
        self._mouth.paint(out, verts, buf.tri_id, buf.bary, tongue_tip=frame.tongue_tip,
                          lip_on_skull_xy=head_posed(self.rig, frame, self._upper_lip_rest)[:, :2],
                          roll_upper=frame.mouth_roll_upper, jaw_lift=jaw_lift_share(frame.jaw_open),
                          corners_kept=(float(kept[INNER_MOUTH_CORNERS[0]]), float(kept[INNER_MOUTH_CORNERS[1]])),
                          corners_smile=_corners_smile(frame), smiling_round=smiling_round_share(self.rig, frame),
                          warp_map=(buf.map_x, buf.map_y) if smoothed else None)
        if self._glasses is not None:
            self._glasses.paint(out, frame)
        if frame.scale != 1.0:
            matte = self._alpha.copy()
            if alpha is not None:
                matte[y0:y1, x0:x1] = alpha
            out = self._camera.shoot(out, matte, zoom=float(frame.scale))
        return out

    def _moving_box(self, verts: np.ndarray) -> tuple[int, int, int, int]:
        """(x0, y0, x1, y1) pixels covering where moving triangles are now and were in the photo,
        less what the surround's triangles leave as it is; fills the buffers' rows they are drawn
        over (WarpBuffers.draw's clip)."""
        shape = (self.height, self.width)
        pts = np.concatenate([verts[self._moving, :2], self._moving_rest])
        box = pixel_box(pts, pad=2, shape=shape) or (0, 0, 0, 0)
        drawn = self._reach.rows(self._mesh.head_only_reach(verts), row_lo=self._buffers.row_lo,
                                row_hi=self._buffers.row_hi)
        pts = np.concatenate([verts[self._expressive, :2], self._expressive_rest])
        expressive = pixel_box(pts, pad=2, shape=shape)
        if drawn is None and expressive is None:
            return 0, 0, 0, 0
        near = _union(drawn, expressive) if drawn is not None else expressive
        return max(box[0], near[0]), max(box[1], near[1]), min(box[2], near[2]), min(box[3], near[3])

    def cavity_mask(self) -> np.ndarray:
        """(H, W) bool: pixels the last render() drew from the mouth-cavity triangles."""
        return material_lookup(self.rig.material)[self._buffers.tri_id] == MATERIAL_CAVITY


def _unmixed(texture: np.ndarray, *, matte: np.ndarray, plate: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8: `texture` with its soft edge (0 < matte < 1) unmixed from the plate, the
    colour that laid over the plate by the matte gives the texture back: plate + (texture - plate)
    / matte, rounded and cut to 0..255. A moving edge pixel then shows the person's part of it
    over whatever plate it lands on, not the photo's background mixed in twice, and the warp's
    residual (what the warp at rest falls short of the still frame, raster.WarpSource.of: added
    where each pixel comes from) is left to the pixels the cut to 0..255 changes on the soft edge
    and, most of them, to those where the matte is 0 up to ~6 px out: the plate's inpainted fade
    by the outline, there sampled with the plate where each pixel comes from. Added only to pixels that had not moved by 1e-3 px, that residual (then every soft
    edge pixel's) switched off at a motion's first frame: jaw 0 -> 0.001 changed 143 px by over 20
    levels (up to 93) along the bundled photo's jaw."""
    soft = (matte > 0) & (matte < 1)
    out = texture.copy()
    under = plate[soft].astype(np.float32)
    out[soft] = np.clip(np.rint(under + (texture[soft] - under) / matte[soft][:, None]), 0, 255).astype(np.uint8)
    return out


def _corners_smile(frame: MotionFrame) -> tuple[float, float]:
    """How far the inner mouth corners (INNER_MOUTH_CORNERS: the subject's right, left) smile in
    `frame`: its smile (over 0) plus that side's smirk (shading.smirk_on)."""
    smile = max(frame.smile, 0.0)
    return smile + smirk_on(frame, 0), smile + smirk_on(frame, 1)


def _extremes(xy: np.ndarray) -> np.ndarray:
    """(2, 2) the least and the greatest x and y of (N, 2) points (N = 0: (0, 2))."""
    return np.stack([xy.min(axis=0), xy.max(axis=0)]) if len(xy) else xy


def _union(a: tuple[int, int, int, int], b: tuple[int, int, int, int] | None) -> tuple[int, int, int, int]:
    if b is None:
        return a
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])
