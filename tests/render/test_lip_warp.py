import numpy as np
import pytest

from facetalk.face import landmarks as lm
from facetalk.motion.frame import MotionFrame
from facetalk.render.lip_warp import LipSmoothing
from facetalk.render.renderer import Renderer, posed_vertices


@pytest.fixture(scope="module")
def renderer(analysis):
    return Renderer(analysis)


def _bilinear(plane, xy):
    x0, y0 = np.floor(xy[:, 0]).astype(int), np.floor(xy[:, 1]).astype(int)
    fx, fy = xy[:, 0] - x0, xy[:, 1] - y0
    return (plane[y0, x0] * (1 - fx) * (1 - fy) + plane[y0, x0 + 1] * fx * (1 - fy)
            + plane[y0 + 1, x0] * (1 - fx) * fy + plane[y0 + 1, x0 + 1] * fx * fy)


def _drawn_at(map_x, map_y, src, start):
    """(N, 2) frame places whose map (the photo place each pixel shows) is the (N, 2) photo places `src`:
    Newton's steps on the bilinear map from `start`."""
    xy, h = start.astype(np.float64), 0.5
    for _ in range(8):
        at = np.stack([_bilinear(map_x, xy), _bilinear(map_y, xy)], axis=1)
        jac = np.stack([np.stack([_bilinear(m, xy + [h, 0]) - _bilinear(m, xy - [h, 0]),
                                  _bilinear(m, xy + [0, h]) - _bilinear(m, xy - [0, h])], axis=1) / (2 * h)
                        for m in (map_x, map_y)], axis=1)
        xy = xy - np.linalg.solve(jac, (at - src)[..., None])[..., 0]
    return xy


def _largest_turn_deg(line):
    """The largest turn between consecutive 1 px chords of the (N, 2) polyline, its ends' 15% left out."""
    s = np.r_[0.0, np.cumsum(np.linalg.norm(np.diff(line, axis=0), axis=1))]
    t = np.arange(0.0, s[-1], 1.0)
    line = np.stack([np.interp(t, s, line[:, 0]), np.interp(t, s, line[:, 1])], axis=1)
    heading = np.unwrap(np.arctan2(*np.diff(line, axis=0).T[::-1]))
    turn = np.degrees(np.abs(np.diff(heading)))
    return float(turn[int(0.15 * len(turn)):int(0.85 * len(turn))].max())


def _smooth_through(points, per_segment=40):
    """(M, 2) a centripetal Catmull-Rom curve through the (N, 2) points, `per_segment` samples a segment, and
    (M, 2) the polyline's places at the same shares of each segment."""
    ext = np.vstack([2 * points[0] - points[1], points, 2 * points[-1] - points[-2]])
    curve, straight = [], []
    for p0, p1, p2, p3 in zip(ext[:-3], ext[1:-2], ext[2:-1], ext[3:]):
        t1 = np.linalg.norm(p1 - p0) ** 0.5
        t2 = t1 + np.linalg.norm(p2 - p1) ** 0.5
        t3 = t2 + np.linalg.norm(p3 - p2) ** 0.5
        share = np.linspace(0.0, 1.0, per_segment, endpoint=False)[:, None]
        t = t1 + share * (t2 - t1)
        a1, a2, a3 = ((t1 - t) * p0 + t * p1) / t1, ((t2 - t) * p1 + (t - t1) * p2) / (t2 - t1), \
            ((t3 - t) * p2 + (t - t2) * p3) / (t3 - t2)
        b1, b2 = ((t2 - t) * a1 + t * a2) / t2, ((t3 - t) * a2 + (t - t1) * a3) / (t3 - t1)
        curve.append(((t2 - t) * b1 + (t - t1) * b2) / (t2 - t1))
        straight.append(p1 + share * (p2 - p1))
    return np.vstack(curve), np.vstack(straight)


def _border_turn(renderer, frame, *, smoothed):
    """The largest turn of the photo's upper vermilion border (a smooth curve through its landmarks, as the
    photo draws it) as the frame's warp draws it."""
    rig = renderer.rig
    verts = posed_vertices(rig, frame)
    buf = renderer._buffers
    buf.reset()
    buf.draw(renderer._mesh, verts, clip=True)
    if smoothed:
        renderer._lip_smoothing.apply(buf, verts)
    photo, _ = _smooth_through(rig.rest_xyz[list(lm.LIPS_OUTER_UPPER), :2].astype(np.float64))
    start = _mesh_carries(rig, verts, photo)
    return _largest_turn_deg(_drawn_at(buf.map_x.astype(np.float64), buf.map_y.astype(np.float64), photo, start))


def _mesh_carries(rig, verts, photo):
    """(N, 2) where the posed mesh carries the (N, 2) photo places: each by its barycentric weights in the
    first photo triangle (at rest) holding it."""
    tri = rig.triangles[rig.material == 0]
    a, b, c = (rig.rest_xyz[tri[:, k], :2].astype(np.float64) for k in range(3))
    d = (b - a)[None], (c - a)[None], photo[:, None] - a[None]
    det = d[0][..., 0] * d[1][..., 1] - d[0][..., 1] * d[1][..., 0]
    w1 = (d[2][..., 0] * d[1][..., 1] - d[2][..., 1] * d[1][..., 0]) / det
    w2 = (d[0][..., 0] * d[2][..., 1] - d[0][..., 1] * d[2][..., 0]) / det
    first = np.argmax((w1 >= -1e-9) & (w2 >= -1e-9) & (w1 + w2 <= 1 + 1e-9), axis=1)
    rows = np.arange(len(photo))
    w1, w2, t = w1[rows, first], w2[rows, first], tri[first]
    return ((1 - w1 - w2)[:, None] * verts[t[:, 0], :2] + w1[:, None] * verts[t[:, 1], :2]
            + w2[:, None] * verts[t[:, 2], :2])


# (shape, the most of its turn left): /o/'s border turns most at the cupid's bow, which it keeps.
@pytest.mark.parametrize("shape, most", [(dict(jaw_open=1.0), 0.5), (dict(jaw_open=0.6), 0.5),
                                         (dict(jaw_open=0.38, lip_spread=-0.75), 0.85)])
def test_an_open_mouths_lip_line_curves_through_the_landmarks_not_a_polygon(renderer, shape, most):
    # Each lip triangle's own affine map bent the photo's border only at the landmarks: at 2x an octagon
    # (judge52: 13's widest vowel and /o/). A line straight in the photo is drawn with its turns spread out.
    frame = MotionFrame(t_s=0, **shape)
    before, after = (_border_turn(renderer, frame, smoothed=s) for s in (False, True))
    assert after < most * before
    renderer.render(MotionFrame(t_s=0))  # the buffers as a render leaves them, for the tests after


@pytest.mark.parametrize("shape", [dict(), dict(jaw_open=0.04, lip_press=1.0), dict(jaw_open=0.2, lip_spread=0.75),
                                   dict(jaw_open=0.08, lip_press=0.55, upper_lip_raise=0.45), dict(yaw_deg=15)])
def test_a_closed_or_barely_parted_mouth_is_drawn_as_before_to_the_bit(renderer, analysis, shape, monkeypatch):
    frame = MotionFrame(t_s=0, **shape)
    assert renderer._lip_smoothing.share(posed_vertices(analysis.rig, frame)) == 0.0
    drawn = renderer.render(frame)
    monkeypatch.setattr(LipSmoothing, "apply", lambda self, buf, verts: False)
    assert np.array_equal(drawn, renderer.render(frame))


def test_a_displacement_of_zero_stays_zero_where_the_smoothing_is_whole(renderer, monkeypatch):
    # Identity maps under a lip triangle (the cavity's in the lips' middle, left out of the blur): the mesh
    # at rest. The smoothing is whole there, so a zero displacement it did not keep would show.
    smoothing, buf, rest = renderer._lip_smoothing, renderer._buffers, renderer.rig.rest_xyz
    buf.reset()
    lips = rest[list(lm.LIPS_OUTER_UPPER + lm.LIPS_OUTER_LOWER), :2]
    (x0, y0), (x1, y1) = np.floor(lips.min(axis=0)).astype(int), np.ceil(lips.max(axis=0)).astype(int)
    ym = (y0 + y1) // 2
    buf.tri_id[y0:y1, x0:x1] = np.flatnonzero(smoothing.lip)[0]
    buf.tri_id[ym - 2:ym + 2, x0 + 8:x1 - 8] = np.flatnonzero(smoothing.kept[:-1] == 0)[0]
    monkeypatch.setattr(LipSmoothing, "share", lambda self, verts: 1.0)
    try:
        map_x, map_y = buf.map_x.copy(), buf.map_y.copy()
        assert smoothing.apply(buf, rest)
        assert np.array_equal(map_x, buf.map_x) and np.array_equal(map_y, buf.map_y)
        # The same box with a bumpy displacement is smoothed: the weight is not nothing here.
        buf.map_x[y0:y1, x0:x1] += np.float32(2.0) * ((np.arange(x1 - x0) % 6) < 3)
        bumpy = buf.map_x.copy()
        smoothing.apply(buf, rest)
        assert np.abs(buf.map_x - bumpy)[y0:y1, x0:x1].max() > 0.5
    finally:
        buf.tri_id[:] = -1
        buf.map_x[:], buf.map_y[:] = map_x, map_y
