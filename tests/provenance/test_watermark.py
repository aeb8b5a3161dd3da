"""The watermark: invisible (PSNR), found after the transformations a shared video goes through,
with its payload, and never found in content that did not come out of facetalk."""

import numpy as np
import pytest

from facetalk.io import VideoWriter, encode_frames, read_frames, save_image
from facetalk.provenance import THRESHOLD, Payload, Watermarker, detect, embed, verify_file

PAYLOAD = Payload(version="0.1", id=0x5EED1234)


def _psnr(a, b):
    return 10 * np.log10(255**2 / np.mean((a.astype(float) - b.astype(float)) ** 2))


def _mp4(path, frames, *, crf):
    with VideoWriter(path, fps=25, crf=crf) as writer:
        for frame in frames:
            writer.write(frame)
    return path


@pytest.fixture(scope="module")
def unmarked(analysis):
    """25 rendered talking-head frames that never went through the watermark."""
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import Renderer

    renderer = Renderer(analysis)
    return [renderer.render(MotionFrame(t_s=i / 25, yaw_deg=6 * np.sin(i / 4), jaw_open=0.3 + 0.3 * np.sin(i / 2)))
            for i in range(25)]


@pytest.fixture(scope="module")
def marked(unmarked):
    mark = Watermarker(PAYLOAD)
    return [mark(f) for f in unmarked]


@pytest.fixture(scope="module")
def shared(marked, tmp_path_factory):
    """The clip as it leaves facetalk (H.264, CRF 20), decoded: what others transform further."""
    path = _mp4(tmp_path_factory.mktemp("wm") / "generated.mp4", marked, crf=20)
    return list(read_frames(path))


def test_round_trip_and_invisible(marked, unmarked):
    assert np.mean([_psnr(m, u) for m, u in zip(marked, unmarked)]) >= 42
    result = detect(marked[0])
    assert result.generated and result.watermark and result.payload == PAYLOAD
    assert result.score > 2 * THRESHOLD and result.confidence > 0.999999 and result.n_frames == 1


def test_psnr_on_flat_busy_and_small_images():
    rng = np.random.default_rng(0)
    flat = np.full((256, 384, 3), 128, np.uint8)
    busy = rng.integers(0, 256, (512, 512, 3), dtype=np.uint8)
    small = rng.integers(100, 140, (64, 96, 3), dtype=np.uint8)
    for image in (flat, busy, small):
        out = embed(image, PAYLOAD)
        assert out.shape == image.shape and out.dtype == np.uint8
        assert _psnr(out, image) >= 42


def _resize(frames, side):
    import cv2

    return [cv2.resize(f, (side, side), interpolation=cv2.INTER_AREA) for f in frames]


def _crop(frames, fraction):
    """Cuts `fraction` of each side's length off, unevenly (more at the top-left): no tile alignment."""
    h, w = frames[0].shape[:2]
    y0, x0 = round(h * fraction * 0.7), round(w * fraction * 0.6)
    nh, nw = round(h * (1 - fraction)) // 2 * 2, round(w * (1 - fraction)) // 2 * 2
    return [np.ascontiguousarray(f[y0:y0 + nh, x0:x0 + nw]) for f in frames]


def _levels(frames, gain, offset):
    return [np.clip(f * gain + offset, 0, 255).astype(np.uint8) for f in frames]


TRANSFORMS = {
    "h264 crf 23": lambda fr, d: _mp4(d / "a.mp4", fr, crf=23),
    "h264 crf 30": lambda fr, d: _mp4(d / "a.mp4", fr, crf=30),
    "resized to 256 + crf 23": lambda fr, d: _mp4(d / "a.mp4", _resize(fr, 256), crf=23),
    "cropped 10% + crf 23": lambda fr, d: _mp4(d / "a.mp4", _crop(fr, 0.1), crf=23),
    "brighter, less contrast": lambda fr, d: _mp4(d / "a.mp4", _levels(fr, 0.8, 40), crf=23),
    "darker, more contrast": lambda fr, d: _mp4(d / "a.mp4", _levels(fr, 1.25, -40), crf=23),
    # another container and another codec (MPEG-4 part 2 at 1 Mb/s)
    "mkv, mpeg4": lambda fr, d: encode_frames(d / "a.mkv", fr, fps=25, codec="mpeg4", container_format="matroska",
                                              bit_rate=10**6),
}


@pytest.mark.parametrize("name", TRANSFORMS)
def test_survives(shared, tmp_path, name):
    result = verify_file(TRANSFORMS[name](shared, tmp_path))
    assert result.watermark and result.generated, result
    assert result.tag_id is None  # found by the watermark alone: these files carry no metadata tag
    if name != "h264 crf 30":  # the payload needs more of the mark than detection does
        assert result.payload == PAYLOAD


def test_images_png_jpeg_and_downscaled(shared, tmp_path):
    for name, image in (("f.png", shared[3]), ("f.jpg", shared[3]), ("small.png", _resize(shared[3:4], 256)[0])):
        save_image(tmp_path / name, image)
        result = verify_file(tmp_path / name)
        assert result.generated and result.payload == PAYLOAD, (name, result)


def test_unmarked_content_is_not_found(portrait, unmarked, tmp_path):
    import cv2

    rng = np.random.default_rng(3)
    images = [portrait, unmarked[0], cv2.resize(unmarked[5], (256, 256), interpolation=cv2.INTER_AREA)]
    for _ in range(12):  # random crops, flips and rescales of the photo
        s = int(rng.integers(128, min(portrait.shape[:2])))
        y, x = rng.integers(0, portrait.shape[0] - s), rng.integers(0, portrait.shape[1] - s)
        crop = portrait[y:y + s, x:x + s, :][:, ::rng.choice([1, -1])]
        side = int(rng.integers(128, 640))
        images.append(cv2.resize(crop, (side, side), interpolation=cv2.INTER_AREA))
    scores = [detect(np.ascontiguousarray(im)).score for im in images]
    assert max(scores) < THRESHOLD, scores
    video = verify_file(_mp4(tmp_path / "plain.mp4", unmarked, crf=23))
    assert not video.generated and video.payload is None and video.n_frames == 25


def test_detect_takes_images_stacks_and_iterables(marked):
    assert detect(np.stack(marked[:3])).n_frames == 3
    assert detect(iter(marked[:2])).generated
    for bad in ([], [marked[0], marked[0][:100]], [marked[0][..., 0]], [marked[0].astype(np.float32)]):
        with pytest.raises(ValueError):
            detect(bad)


def test_dense_strokes_do_not_drown_the_mark():
    """Line art, hatching, hair: high-contrast strokes over the picture. The detector's residual is
    what an edge-preserving smoothing leaves, so strokes stay out of it (a plain high-pass scored
    about 11 here, at the edge of what one JPEG'd frame needs)."""
    import cv2

    rng = np.random.default_rng(0)
    shading = cv2.GaussianBlur(rng.normal(170, 30, (512, 512, 3)).astype(np.float32), (0, 0), 20)
    marked = embed(np.clip(shading, 0, 255).astype(np.uint8), PAYLOAD).astype(np.float32)
    strokes = np.zeros((512, 512), np.float32)
    for _ in range(3200):
        start, angle, length = rng.integers(0, 512, 2), rng.uniform(0, np.pi), rng.uniform(20, 80)
        end = (start + length * np.array([np.cos(angle), np.sin(angle)])).astype(int)
        cv2.line(strokes, tuple(map(int, start)), tuple(map(int, end)), float(rng.uniform(40, 90)), 1, cv2.LINE_AA)
    drawn = np.clip(marked - strokes[..., None], 0, 255).astype(np.uint8)
    _, data = cv2.imencode(".jpg", drawn, [cv2.IMWRITE_JPEG_QUALITY, 80])
    result = detect(cv2.imdecode(data, cv2.IMREAD_COLOR))
    assert result.score > 2 * THRESHOLD and result.payload == PAYLOAD, result


def test_near_white_frames_spend_their_whole_psnr_budget():
    """On paper a few levels under 255 the mark's upper half is cut at 255; it is scaled up to make
    up for it, so such a frame carries as much mark as any other (and no more)."""
    rng = np.random.default_rng(1)
    paper = np.clip(253 + rng.normal(0, 1.5, (384, 384, 1)), 0, 255).repeat(3, 2).astype(np.uint8)
    assert 42 <= _psnr(embed(paper, PAYLOAD), paper) <= 42.8  # without the boost: 43.3


@pytest.mark.parametrize("side", [128, 160, 256])
def test_the_boost_keeps_psnr_on_black_white_and_periodic_frames(side):
    """Frames where the boost is largest, and patterns with the mark's own 8-px period (a grid
    probe lined up with it and overshot to 39 dB)."""
    y, x = np.mgrid[:side, :side + side // 2]
    frames = [np.full(y.shape, v) for v in (0, 1, 254, 255)]
    frames += [(x // 4) % 2 * 255, ((x % 8 == 0) & (y % 8 == 0)) * 255, (x < side // 4) * 128]
    for frame in frames:
        image = np.repeat(frame[..., None], 3, axis=2).astype(np.uint8)
        assert _psnr(embed(image, PAYLOAD), image) >= 42


def test_frames_too_small_for_the_mark_are_left_as_they_are():
    image = np.full((32, 48, 3), 200, np.uint8)
    assert np.array_equal(embed(image, PAYLOAD), image)


def _marked_with(image, tile, gain, scale):
    """What facetalk.provenance.marking._add_masked writes for these inputs."""
    from facetalk.provenance.marking import _add_masked, _linear_taps, _upsample_across

    out = np.empty_like(image)
    _add_masked(image.reshape(-1), tile, _upsample_across(gain, tile.shape[1]), np.float32(scale),
                *_linear_taps(tile.shape[0], gain.shape[0]), out.reshape(-1))
    return out


def test_the_luma_delta_is_added_as_a_rounded_saturating_sum():
    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, (64, 48, 3), dtype=np.uint8)
    image[:8], image[8:16] = 0, 255  # where the sum is cut at 0 and at 255
    delta = (rng.standard_normal((64, 48)) * 6).astype(np.float32)
    delta[20, :4] = (0.4, -0.4, 300.0, -300.0)
    want = np.clip(np.rint(image + delta[..., None].astype(np.float64)), 0, 255).astype(np.uint8)
    assert np.array_equal(_marked_with(image, delta, np.ones((64, 48), np.float32), 1.0), want)


def test_the_mask_is_upsampled_in_the_pass_as_opencv_resizes_it():
    """The gain measured on a small copy of the frame is upsampled where it is applied, bit for
    bit OpenCV's linear resize of it (which the mark used to make as a full-size array first)."""
    import cv2

    rng = np.random.default_rng(6)
    # Whole and fractional ratios (96 / 24, 97 / 24 rows; 130 / 32, 131 / 33 columns).
    for (h, w), (gh, gw) in (((96, 130), (24, 32)), ((97, 131), (24, 33))):
        image = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
        tile = (rng.standard_normal((h, w)) * 4).astype(np.float32)
        gain = rng.uniform(0.7, 1.4, (gh, gw)).astype(np.float32)
        full = cv2.resize(gain, (w, h), interpolation=cv2.INTER_LINEAR)
        delta = cv2.multiply(tile, full, scale=1.2)
        want = np.clip(np.rint(image + delta[..., None].astype(np.float64)), 0, 255).astype(np.uint8)
        assert np.array_equal(_marked_with(image, tile, gain, 1.2), want)


def _boost_with_numpy(image, tile, gain_cols):
    """The saturation boost as numpy's gathers and clips give it (what the compiled probe pass
    must reproduce bit for bit, so the frames stay what they were)."""
    from facetalk.provenance.marking import _MAX_BOOST, _probe_places, _probe_taps

    flat = _probe_places(*tile.shape)
    above, below, weight = _probe_taps(*tile.shape, gain_cols.shape[0])
    gain = gain_cols.ravel()
    at = gain.take(above) * (1 - weight) + gain.take(below) * weight
    probe = image.reshape(-1, 3).take(flat, axis=0).astype(np.float32)
    d = (tile.ravel().take(flat) * at)[:, None]
    kept = np.clip(probe + d, 0.0, 255.0) - probe
    meant = 3.0 * float(np.sum(d * d))
    return 1.0 if meant <= 0.0 else min(_MAX_BOOST, np.sqrt(meant / max(float(np.sum(kept * kept)), 1e-12)))


@pytest.mark.parametrize("shape", [(512, 512), (97, 131), (40, 50)])
def test_the_saturation_boost_is_numpys_bit_for_bit(shape):
    from facetalk.provenance.layout import pattern
    from facetalk.provenance.marking import _probe_places, _probe_tile, _saturation_boost, _small_gain, _upsample_across

    rng = np.random.default_rng(8)
    h, w = shape
    coded = PAYLOAD.coded_bits().tobytes()
    tile = pattern(h, w, coded)
    for image in (rng.integers(0, 256, (h, w, 3), dtype=np.uint8), np.full((h, w, 3), 254, np.uint8),
                  np.clip(rng.normal(3, 3, (h, w, 3)), 0, 255).astype(np.uint8)):
        gain_cols = _upsample_across(_small_gain(image), w)
        # The compiled pass reads the pattern gathered once at the probes; numpy's, the whole pattern.
        want = _boost_with_numpy(image, tile, gain_cols)
        assert _saturation_boost(image, _probe_tile(h, w, coded), gain_cols) == want
        # With the probes' pixels gathered by the gain's pass (compiled at 512^2, numpy's otherwise).
        probes = np.empty((len(_probe_places(h, w)), 3), np.uint8)
        assert np.array_equal(_small_gain(image, probes=probes), _small_gain(image))
        assert _saturation_boost(image, _probe_tile(h, w, coded), gain_cols, probes=probes) == want


def test_the_compiled_block_means_are_opencvs_grey_image_area_resized_by_a_whole_factor():
    """_small_gain's compiled block means (a frame a whole number of times, 3 or more, the mask's
    size) are cv2.resize(INTER_AREA)'s bytes of cv2.cvtColor(RGB2GRAY)'s grey image: random, flat
    and black-and-white frames, factors 3-8."""
    import cv2

    from facetalk.provenance.marking import _gray_block_means

    rng = np.random.default_rng(4)
    for step in range(3, 9):
        for k in range(12):
            h, w = int(rng.integers(1, 30)) * step, int(rng.integers(1, 30)) * step
            image = (rng.integers(0, 256, (h, w, 3)) if k % 3 else rng.integers(0, 2, (h, w, 3)) * 255 if k % 2
                     else np.full((h, w, 3), rng.integers(0, 256, 3))).astype(np.uint8)
            out = np.empty((h // step, w // step), np.uint8)
            # The saturation boost's probes, copied out in the same pass: any sorted places, first and last pixels too.
            flat = np.unique(np.r_[0, h * w - 1, rng.integers(0, h * w, 50)]).astype(np.int64)
            probes = np.empty((len(flat), 3), np.uint8)
            _gray_block_means(image.reshape(h, 3 * w), step, out, flat, probes)
            gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
            assert np.array_equal(out, cv2.resize(gray, (w // step, h // step), interpolation=cv2.INTER_AREA))
            assert np.array_equal(probes, image.reshape(-1, 3)[flat])


def test_the_compiled_grey_level_is_opencvs_for_every_colour():
    """The fixed-point luma _gray_block_means sums is cv2.cvtColor(RGB2GRAY)'s for all 2^24 colours
    (blocks of one pixel)."""
    import cv2

    from facetalk.provenance.marking import _gray_block_means

    v = np.arange(1 << 24, dtype=np.uint32)
    image = np.stack([v >> 16, (v >> 8) & 255, v & 255], axis=-1).astype(np.uint8).reshape(4096, 4096, 3)
    out = np.empty((4096, 4096), np.uint8)
    _gray_block_means(image.reshape(4096, 3 * 4096), 1, out, np.zeros(0, np.int64), np.zeros((0, 3), np.uint8))
    assert np.array_equal(out, cv2.cvtColor(image, cv2.COLOR_RGB2GRAY))
