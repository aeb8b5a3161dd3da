import numpy as np

from facetalk.render.raster import (REACH_MARGIN_PX, StillReach, WarpBuffers, WarpSource, matte_blocks, pack_texels,
                                    rasterize, warp_over_plate)


def _warp(texture, matte, plate, map_x, map_y, box, out, alpha, kept, drawn=None, residual=None):
    """warp_over_plate with every row drawn over (unless (lo, hi) (H,) `drawn` say otherwise), no
    residual unless given."""
    h, w = matte.shape
    unkept = ~kept
    unkept_lo = np.where(unkept.any(axis=1), np.argmax(unkept, axis=1), w).astype(np.int32)
    unkept_hi = np.where(unkept.any(axis=1), w - 1 - np.argmax(unkept[:, ::-1], axis=1), -1).astype(np.int32)
    drawn_lo, drawn_hi = drawn if drawn is not None else (np.zeros(h, np.int32), np.full(h, w - 1, np.int32))
    residual = np.zeros((h, w, 3), np.float32) if residual is None else residual
    warp_over_plate(pack_texels(texture), matte, matte_blocks(matte, residual=residual), plate, residual, kept,
                    unkept_lo, unkept_hi, map_x, map_y, drawn_lo, drawn_hi, *box, out, alpha)


def _run(dst, depth, src, tris, size=32, weighed=None):
    buf = WarpBuffers(size, size)
    buf.reset()
    weighed = np.ones(len(tris), bool) if weighed is None else np.asarray(weighed, bool)
    rasterize(np.asarray(dst, np.float32), np.asarray(depth, np.float32), np.asarray(src, np.float32),
              np.asarray(tris, np.int32), np.ones(len(tris), bool), weighed, np.zeros(len(tris), np.float32),
              np.zeros(len(tris), bool), buf.row_lo, buf.row_hi, buf.map_x, buf.map_y, buf.zbuf, buf.tri_id, buf.bary,
              buf.drawn_lo, buf.drawn_hi)
    return buf


def test_single_triangle_coverage_and_map():
    # Right triangle with legs of 20 px; its source is the same triangle shifted by (+3, +1).
    dst = [[5, 5], [25, 5], [5, 25]]
    src = [[8, 6], [28, 6], [8, 26]]
    buf = _run(dst, [0, 0, 0], src, [[0, 1, 2]])
    covered = buf.tri_id == 0
    ys, xs = np.nonzero(covered)
    assert np.all(xs - 5 + ys - 5 <= 20) and xs.min() == 5 and ys.min() == 5
    assert abs(covered.sum() - 21 * 22 / 2) <= 1  # lattice points in the closed triangle
    assert np.allclose(buf.map_x[covered], xs + 3, atol=1e-4) and np.allclose(buf.map_y[covered], ys + 1, atol=1e-4)
    # Outside: identity map, no triangle.
    assert np.array_equal(buf.map_x[~covered], np.nonzero(~covered)[1].astype(np.float32))
    assert np.all(buf.tri_id[~covered] == -1)


def test_barycentric_weights_are_written_for_weighed_triangles_only():
    """Weights are what the mouth painter reads on cavity triangles; the rest skip the stores."""
    dst = [[2, 2], [29, 3], [3, 29], [28, 28]]
    buf = _run(dst, [0, 0, 0, 0], dst, [[0, 1, 2], [1, 3, 2]], weighed=[False, True])
    first, second = buf.tri_id == 0, buf.tri_id == 1
    assert first.sum() > 100 and second.sum() > 100
    assert np.all(buf.bary[first] == 0.0)  # as WarpBuffers made them
    w = buf.bary[second]
    assert np.all(w >= -1e-5) and np.all(w.sum(axis=1) <= 1 + 1e-5) and w[:, 0].std() > 0.1


def test_nearest_triangle_wins_whatever_the_order():
    dst = [[0, 0], [31, 0], [0, 31], [0, 0], [31, 0], [0, 31]]
    src = [[0, 0], [31, 0], [0, 31], [5, 5], [36, 5], [5, 36]]
    for depth, winner in (([0, 0, 0, 1, 1, 1], 1), ([1, 1, 1, 0, 0, 0], 0)):
        buf = _run(dst, depth, src, [[0, 1, 2], [3, 4, 5]])
        assert np.all(buf.tri_id[buf.tri_id >= 0] == winner)


def test_shared_edge_leaves_no_gap():
    dst = [[2, 2], [29, 3], [3, 29], [28, 28]]
    buf = _run(dst, [0, 0, 0, 0], dst, [[0, 1, 2], [1, 3, 2]])
    inside = np.zeros((32, 32), bool)
    inside[4:27, 4:27] = True  # well inside the quad
    assert np.all(buf.tri_id[inside] >= 0)


def test_depth_bias_pushes_a_triangle_behind():
    dst = [[0, 0], [31, 0], [0, 31]] * 2
    buf = WarpBuffers(32, 32)
    buf.reset()
    rasterize(np.asarray(dst, np.float32), np.zeros(6, np.float32), np.asarray(dst, np.float32),
              np.array([[0, 1, 2], [3, 4, 5]], np.int32), np.ones(2, bool), np.ones(2, bool),
              np.array([1.0, 0.0], np.float32),
              np.zeros(2, bool), buf.row_lo, buf.row_hi, buf.map_x, buf.map_y, buf.zbuf, buf.tri_id, buf.bary,
              buf.drawn_lo, buf.drawn_hi)
    assert np.all(buf.tri_id[buf.tri_id >= 0] == 1)


def test_degenerate_and_offscreen_triangles_are_skipped():
    dst = [[5, 5], [10, 10], [15, 15], [-50, -50], [-40, -50], [-50, -40]]
    buf = _run(dst, [0] * 6, dst, [[0, 1, 2], [3, 4, 5]])
    assert np.all(buf.tri_id == -1)


def test_the_residual_travels_with_the_pixels_it_belongs_to():
    """warp_over_plate adds the soft edge's residual sampled where each pixel comes from, as
    cv2.remap samples it, to the rounded blend: bit for bit, also on blocks reaching solid and empty
    matte (whose short cuts would skip it) and past the edges. So a pixel moved by 1/1000 px keeps
    its residual (the old
    renderer added it only where the map was the identity within 1e-3 px, and every soft-edge pixel
    jumped by its whole residual at a motion's first frame)."""
    import cv2

    rng = np.random.default_rng(11)
    h, w = 24, 32
    texture, plate = (rng.integers(0, 256, (h, w, 3), dtype=np.uint8) for _ in range(2))
    matte = np.clip(rng.uniform(-1.0, 2.0, (h, w)), 0.0, 1.0).astype(np.float32)
    matte[:, :8], matte[16:, 24:] = 1.0, 0.0  # solid and empty blocks
    residual = (rng.uniform(-80.0, 80.0, (h, w, 3)) * (rng.uniform(size=(h, w, 1)) < 0.4)).astype(np.float32)
    residual[(matte == 0) | (matte == 1)] = 0.0  # empty blocks' residual travels with their plate: the next test
    residual[18, 23] = (90.0, -90.0, 30.0)  # one by the empty block
    matte[18, 23] = 0.5
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    for shift in (1e-3, 0.3, 2.5, -4.0):  # -4 reaches past the edges
        map_x, map_y = xs + shift, ys + rng.uniform(-1.0, 1.0, (h, w)).astype(np.float32) * abs(shift)
        out, alpha = np.zeros((h, w, 3), np.uint8), np.empty((h, w), np.float32)
        _warp(texture, matte, plate, map_x, map_y, (0, 0, w, h), out, alpha, np.zeros((h, w), bool),
              residual=residual)
        warped, a = (cv2.remap(src, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
                     for src in (texture, matte))
        blend = cv2.blendLinear(warped, plate, a, 1.0 - a).astype(np.float32)
        moved = cv2.remap(residual, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
        want = np.clip(np.floor(blend + moved + np.float32(0.5)), 0, 255).astype(np.uint8)
        assert np.array_equal(out, want), shift
    # At 1/1000 px every pixel still carries its own residual, within a level, where not cut at 0 or 255.
    outs = []
    for res in (residual, None):
        out, alpha = np.zeros((h, w, 3), np.uint8), np.empty((h, w), np.float32)
        _warp(texture, matte, plate, xs + np.float32(1e-3), ys, (0, 0, w, h), out, alpha, np.zeros((h, w), bool),
              residual=res)
        outs.append(out.astype(np.float32))
    uncut = (outs[1] + residual > 0) & (outs[1] + residual < 255)
    assert np.abs(outs[0] - outs[1] - residual)[uncut].max() <= 1.0 and uncut[18, 23].all()


def test_the_background_by_the_person_stays_where_it_is():
    """Where the matte is 0 the frame shows the photo's own background (the plate and the residual,
    photo less the plate's inpainted fade): moved by 3 px, a pixel there stays within the photo's
    range. (The residual sampled where the pixel comes from and added to the plate where it lands
    counted the fade's change twice: 100 levels off, black, by a step in the plate.)"""
    h, w = 16, 40
    texture = np.full((h, w, 3), 200, np.uint8)
    matte = np.zeros((h, w), np.float32)
    matte[:, :6], matte[:, 6] = 1.0, 0.5  # the person at the left, its soft edge
    still = np.full((h, w, 3), 60, np.uint8)
    still[:, 30:] = 70  # the photo's background: flat but for a faint edge
    still[:, :7] = texture[:, :7]
    plate = np.zeros((h, w, 3), np.uint8)
    plate[:, 20:] = 100  # the plate's inpainted fade: a step where the photo has none
    source = WarpSource.of(texture=texture, matte=matte, plate=plate, still=still)
    buffers = WarpBuffers(h, w)
    buffers.map_x += 3.0
    buffers.drawn_lo[:], buffers.drawn_hi[:] = 0, w - 1
    out, alpha = still.copy(), np.empty((h, w), np.float32)
    source.warp(buffers, (0, 0, w, h), out=out, alpha=alpha)
    background = (matte == 0)[:, 10:]
    got, near = out[:, 10:].astype(int)[background], still[:, 10:].astype(int)[background]
    assert got.min() >= near.min() and got.max() <= near.max()  # 60..70 (the double count: 0, black)


def test_the_warp_at_rest_gives_the_still_frame_by_its_residual():
    """WarpSource.of takes as residual, in whole levels, what laying the texture over the plate
    falls short of the still frame where the matte is under 1: at rest every such pixel is the
    still frame, kept as it is. Where the matte is 1 the still frame may differ on purpose (irises
    drawn on top): no residual there, and the warp draws the texture."""
    rng = np.random.default_rng(12)
    h, w = 20, 24
    texture, plate, still = (rng.integers(0, 256, (h, w, 3), dtype=np.uint8) for _ in range(3))
    matte = np.clip(rng.uniform(-0.5, 1.5, (h, w)), 0.0, 1.0).astype(np.float32)
    still[matte == 1] = texture[matte == 1]
    still[3, 4], matte[3, 4] = 7, 1.0  # an iris: the still frame is not the texture there
    source = WarpSource.of(texture=texture, matte=matte, plate=plate, still=still)
    assert np.all(source.residual[matte == 1] == 0) and np.array_equal(source.residual, np.round(source.residual))
    assert np.abs(source.residual).max() > 100  # random photo and plate: far apart
    assert source.kept[matte < 1].all() and not source.kept[3, 4]
    out, alpha = np.zeros((h, w, 3), np.uint8), np.empty((h, w), np.float32)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    _warp(texture, matte, source.plate, xs, ys, (0, 0, w, h), out, alpha, np.zeros((h, w), bool),
          residual=source.residual)
    assert np.array_equal(out[matte < 1], still[matte < 1]) and np.array_equal(out[matte == 1], texture[matte == 1])


def test_warp_over_plate_is_opencvs_remap_and_blend_bit_for_bit():
    """The renderer's one-pass warp gives what cv2.remap of texture and matte and cv2.blendLinear
    gave, on maps reaching past the edges (mirrored), whole and sub-pixel positions and a matte
    with solid, empty and soft parts."""
    import cv2

    rng = np.random.default_rng(3)
    h, w = 48, 64
    texture = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    plate = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    matte = np.clip(rng.uniform(-1.0, 2.0, (h, w)), 0.0, 1.0).astype(np.float32)  # a third each 0, soft, 1
    matte[:, :12], matte[30:, 44:] = 1.0, 0.0  # solid and empty 2x2 blocks (matte_blocks' short cuts)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    map_x = xs + rng.uniform(-6.0, 6.0, (h, w)).astype(np.float32)
    map_y = ys + rng.uniform(-6.0, 6.0, (h, w)).astype(np.float32)
    map_x[::5] = np.round(map_x[::5])  # whole pixels
    x0, y0, x1, y1 = 3, 2, 60, 45
    out = plate.copy()
    alpha = np.empty((y1 - y0, x1 - x0), np.float32)
    map_x[10, 20:30], map_y[10, 20:30] = np.arange(20, 30), 10  # identity, not kept: warped all the same
    _warp(texture, matte, plate, map_x, map_y, (x0, y0, x1, y1), out, alpha, np.zeros((h, w), bool))
    box = (slice(y0, y1), slice(x0, x1))
    want_alpha = cv2.remap(matte, map_x[box], map_y[box], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    warped = cv2.remap(texture, map_x[box], map_y[box], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
    want = cv2.blendLinear(warped, plate[box], want_alpha, 1.0 - want_alpha)
    assert np.array_equal(alpha, want_alpha)
    assert np.array_equal(out[box], want)
    outside = np.ones((h, w), bool)
    outside[box] = False
    assert np.array_equal(out[outside], plate[outside])  # nothing drawn beyond the box


def test_packed_texels_sample_as_opencv_at_every_fraction_and_extreme_value():
    """The warp's three channels share one uint64 (pack_texels): at every 1/32 px fraction, between
    texels of 0, 1, 254 and 255 per channel (the largest sums a lane takes), solid and soft matte,
    each channel is still what cv2.remap and cv2.blendLinear give, none spilling into the next."""
    import cv2

    rng = np.random.default_rng(6)
    size = 32  # texels in the top left 6x6, the map over its cells at every fraction
    texture = np.zeros((size, size, 3), np.uint8)
    texture[:6, :6] = rng.choice(np.array([0, 1, 254, 255], np.uint8), (6, 6, 3))
    texture[2:4, 2:4] = 255  # one cell all 255: every lane at its largest sum
    plate = np.broadcast_to(rng.integers(0, 256, 3, dtype=np.uint8), (size, size, 3)).copy()
    fy, fx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    for matte_value in (1.0, 0.3):  # solid (the texture alone) and soft (blended)
        matte = np.zeros((size, size), np.float32)
        matte[:6, :6] = matte_value
        for cell_x, cell_y in ((1, 1), (2, 2), (3, 1)):
            map_x, map_y = cell_x + fx, cell_y + fy
            out, alpha = np.zeros((size, size, 3), np.uint8), np.empty((size, size), np.float32)
            _warp(texture, matte, plate, map_x, map_y, (0, 0, size, size), out, alpha, np.zeros((size, size), bool))
            warped = cv2.remap(texture, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
            want_alpha = cv2.remap(matte, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT_101)
            assert np.array_equal(out, cv2.blendLinear(warped, plate, want_alpha, 1.0 - want_alpha))


def test_warp_over_plate_leaves_kept_pixels_where_the_map_is_the_identity():
    rng = np.random.default_rng(4)
    h, w = 16, 16
    texture, plate = (rng.integers(0, 256, (h, w, 3), dtype=np.uint8) for _ in range(2))
    matte = rng.uniform(0.0, 1.0, (h, w)).astype(np.float32)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    map_x, map_y = xs.copy(), ys.copy()
    map_x[:, 8:] += 0.25  # the right half moved
    map_y[:, 4:8] += 0.01  # not by 1/64 px: as good as unmoved
    kept = np.zeros((h, w), bool)
    kept[::2] = True  # even rows kept

    def warp(keep):
        out, alpha = np.zeros((h, w, 3), np.uint8), np.empty((h, w), np.float32)
        _warp(texture, matte, plate, map_x, map_y, (0, 0, w, h), out, alpha, keep)
        return out, alpha

    (out, alpha), (full, full_alpha) = warp(kept), warp(np.zeros((h, w), bool))
    assert np.all(out[::2, :8] == 0) and full[::2, :8].any()  # kept and unmoved: left as they were
    assert np.array_equal(out[1::2], full[1::2]) and np.array_equal(out[::2, 8:], full[::2, 8:])  # the rest drawn
    assert np.array_equal(alpha, full_alpha)  # the matte is given out all the same


def test_a_clipped_triangle_is_drawn_only_over_its_rows_columns():
    # Two triangles covering the whole 32² buffer; the first clipped to columns 8..19 of rows 4..27.
    dst = [[-1, -1], [40, -1], [-1, 40], [40, -1], [40, 40], [-1, 40]]
    tris = np.array([[0, 1, 2], [3, 4, 5]], np.int32)
    buf = WarpBuffers(32, 32)
    buf.reset()
    buf.row_lo[:], buf.row_hi[:] = 32, -1
    buf.row_lo[4:28], buf.row_hi[4:28] = 8, 19
    rasterize(np.asarray(dst, np.float32), np.zeros(6, np.float32), np.asarray(dst, np.float32), tris,
              np.ones(2, bool), np.zeros(2, bool), np.zeros(2, np.float32), np.array([True, False]), buf.row_lo,
              buf.row_hi, buf.map_x, buf.map_y, buf.zbuf, buf.tri_id, buf.bary,
              buf.drawn_lo, buf.drawn_hi)
    ys, xs = np.mgrid[0:32, 0:32]
    under_first = xs + ys <= 39  # the first triangle's pixels (its hypotenuse x + y = 39)
    inside = (ys >= 4) & (ys < 28) & (xs >= 8) & (xs <= 19)
    assert np.array_equal(buf.tri_id == 0, under_first & inside)
    # The second, unclipped, is drawn wherever it lies, whatever the rows say.
    assert np.all(buf.tri_id[xs + ys >= 40] == 1)
    assert np.all(buf.tri_id[~inside & (xs + ys < 39)] == -1)


def test_still_reach_rows_are_the_columns_near_an_unsettled_pixel():
    import cv2

    rng = np.random.default_rng(3)
    settled = np.ones((40, 50), bool)
    settled[rng.integers(0, 40, 6), rng.integers(0, 50, 6)] = False
    settled[30:, 5:12] = False
    dist = cv2.distanceTransform(settled.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    reach = StillReach.of(settled)
    row_lo, row_hi = np.zeros(40, np.int32), np.zeros(40, np.int32)
    for reach_px in (0.0, 2.5, 7.0):
        box = reach.rows(reach_px, row_lo=row_lo, row_hi=row_hi)
        near = dist <= reach_px + REACH_MARGIN_PX
        for y in range(40):
            cols = np.flatnonzero(near[y])
            assert (row_lo[y], row_hi[y]) == ((cols[0], cols[-1]) if len(cols) else (50, -1))
        ys, xs = np.nonzero(near)
        assert box == (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    assert StillReach.of(np.ones((8, 8), bool)).rows(1.0, row_lo=row_lo[:8], row_hi=row_hi[:8]) is None


def test_still_reach_rows_do_not_depend_on_where_each_rows_search_starts():
    """rows() searches each row from the columns row_lo, row_hi hold (the last frame's answer):
    from any start, in range or not, the same columns as scanning the whole row."""
    import cv2

    rng = np.random.default_rng(5)
    settled = np.ones((60, 300), bool)
    settled[rng.integers(0, 60, 40), rng.integers(0, 300, 40)] = False
    dist = cv2.distanceTransform(settled.astype(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
    reach = StillReach.of(settled)
    for trial in range(40):
        reach_px = float(rng.uniform(0.0, 30.0))
        row_lo = rng.integers(-20, 330, 60).astype(np.int32)
        row_hi = rng.integers(-20, 330, 60).astype(np.int32)
        reach.rows(reach_px, row_lo=row_lo, row_hi=row_hi)
        near = dist <= np.float32(reach_px + REACH_MARGIN_PX)
        for y in range(60):
            cols = np.flatnonzero(near[y])
            assert (row_lo[y], row_hi[y]) == ((cols[0], cols[-1]) if len(cols) else (300, -1)), (trial, y)


def test_the_buffers_know_each_rows_drawn_columns_and_reset_puts_back_only_those():
    """reset() goes over the columns drawn since the last one (about half the moving box on a
    photo with background in view), and the buffers come out as new ones."""
    buf = _run([[5, 4], [25, 9], [9, 26]], [0, 0, 0], [[8, 6], [28, 6], [8, 26]], [[0, 1, 2]])
    drawn = buf.tri_id >= 0
    rows = drawn.any(axis=1)
    cols = np.arange(32)
    assert np.array_equal(buf.drawn_lo[rows], np.where(drawn, cols, 99).min(axis=1)[rows])
    assert np.array_equal(buf.drawn_hi[rows], np.where(drawn, cols, -1).max(axis=1)[rows])
    assert np.all(buf.drawn_lo[~rows] > buf.drawn_hi[~rows])
    buf.map_x[0, 0] = 99.0  # no triangle in row 0: reset does not go there
    buf.reset()
    fresh = WarpBuffers(32, 32)
    assert buf.map_x[0, 0] == 99.0
    buf.map_x[0, 0] = 0.0
    for name in ("map_x", "map_y", "zbuf", "tri_id", "drawn_lo", "drawn_hi"):
        assert np.array_equal(getattr(buf, name), getattr(fresh, name)), name


def test_warp_over_plate_visits_only_the_drawn_and_the_unkept_columns():
    """Beyond each row's drawn columns the map is the identity (WarpBuffers), so where the pixel
    is also kept the warp does not look at it: a map moved there (breaking that promise) is not
    sampled, the matte is given out as it is."""
    rng = np.random.default_rng(5)
    h, w = 12, 20
    texture, plate = (rng.integers(0, 256, (h, w, 3), dtype=np.uint8) for _ in range(2))
    matte = rng.uniform(0.0, 1.0, (h, w)).astype(np.float32)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    map_x, map_y = xs + 0.5, ys + 0.25  # moved everywhere
    kept = np.ones((h, w), bool)
    kept[7, 15] = False  # an unkept pixel beyond row 7's drawn columns
    drawn_lo, drawn_hi = np.full(h, w, np.int32), np.full(h, -1, np.int32)
    drawn_lo[2:9], drawn_hi[2:9] = 4, 10

    def warp(drawn):
        out, alpha = np.zeros((h, w, 3), np.uint8), np.empty((h - 1, w - 2), np.float32)
        _warp(texture, matte, plate, map_x, map_y, (1, 1, w - 1, h), out, alpha, kept, drawn)
        return out, alpha

    (out, alpha), (full, full_alpha) = warp((drawn_lo, drawn_hi)), warp(None)
    visited = np.zeros((h, w), bool)
    visited[2:9, 4:11] = True
    visited[7, 4:16] = True
    assert np.array_equal(out[visited], full[visited]) and full[visited].any()
    assert np.all(out[~visited] == 0) and full[1:, 1:w - 1].all(axis=-1).mean() > 0.9
    assert np.array_equal(alpha[visited[1:, 1:w - 1]], full_alpha[visited[1:, 1:w - 1]])
    assert np.array_equal(alpha[~visited[1:, 1:w - 1]], matte[1:, 1:w - 1][~visited[1:, 1:w - 1]])
