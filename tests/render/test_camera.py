"""Head distance as a camera: the whole person scales about the face, the view widens."""

import numpy as np
import pytest

from facetalk.config import FramingConfig
from facetalk.face.analysis import analyse_face
from facetalk.motion.frame import MotionFrame
from facetalk.render.renderer import Renderer


@pytest.fixture(scope="module")
def framed(portrait, fake_face_models):
    """The bundled photo framed tightly, so the photo around the frame has more to show (analysed
    by the fakes: the real models' answers, replayed)."""
    detector, segmenter = fake_face_models.get()
    analysis = analyse_face(portrait, framing=FramingConfig(margin=2.2), source="astronaut.jpg", detector=detector,
                            segmenter=segmenter)
    return portrait, analysis, Renderer(analysis)


def _photo_to_frame(analysis, xy):
    box = analysis.crop
    return (np.asarray(xy, float) - (box.x0, box.y0)) * analysis.image.shape[1] / box.width


def test_moving_away_shows_the_photo_around_the_frame(framed):
    photo, analysis, renderer = framed
    zoom = 1 / 1.5
    out = renderer.render(MotionFrame(t_s=0, scale=zoom))
    centre = renderer._camera._centre
    shift = renderer._camera._shift(zoom)
    box = analysis.crop
    # A point of the photo's background left of the frame, at the face's height, comes into view
    # where the camera puts it, in the photo's own colour.
    point = (box.x0 - 0.05 * box.width, box.y0 + 0.3 * box.height)
    q = _photo_to_frame(analysis, point)
    x, y = np.round(centre + (q - centre) * np.sqrt(zoom) + shift).astype(int)  # background: parallax
    assert 0 <= x < out.shape[1] and 0 <= y < out.shape[0]
    px, py = int(point[0]), int(point[1])
    assert px >= 3, "the point must lie in the photo, outside the frame"
    patch = photo[py - 3:py + 4, px - 3:px + 4].reshape(-1, 3).mean(axis=0)
    assert np.abs(out[y, x].astype(float) - patch).max() < 30


def test_the_whole_person_scales_about_the_face(framed):
    _, analysis, renderer = framed
    near = renderer.render(MotionFrame(t_s=0)).astype(float)
    far = renderer.render(MotionFrame(t_s=0, scale=0.5)).astype(float)
    centre = renderer._camera._centre
    shift = renderer._camera._shift(0.5)
    # A point on the chest (below the chin) lands at half its distance from the face centre.
    chin = analysis.landmarks_px[152, :2]
    chest = chin + (0, 0.6 * (chin[1] - centre[1]))
    x, y = np.round(chest).astype(int)
    fx, fy = np.round(centre + (chest - centre) * 0.5 + shift).astype(int)
    assert np.abs(far[fy - 1:fy + 2, fx - 1:fx + 2].mean(axis=(0, 1)) - near[y - 1:y + 2, x - 1:x + 2].mean(axis=(0, 1))).max() < 25


def test_beyond_the_photo_the_background_extends_without_streaks(framed):
    """Outside the photo the view shows a smooth extension, not rows or columns copied outward."""
    _, analysis, renderer = framed
    out = renderer.render(MotionFrame(t_s=0, scale=0.5)).astype(float)
    top = out[:6]  # beyond the photo's top edge at this distance (the frame is near it)
    assert np.abs(np.diff(top, axis=1)).mean() < 2.0  # smooth along the row
    surround = analysis.surround
    from facetalk.face.surround import MAX_SURROUND_PX, RESOLUTION

    h, w = analysis.image.shape[:2]
    side = int(min(RESOLUTION * w, MAX_SURROUND_PX))
    assert surround is not None and surround.rgb.shape == (side, side, 3)


def test_nearer_zooms_in_without_the_surround(framed):
    _, analysis, renderer = framed
    out = renderer.render(MotionFrame(t_s=0, scale=1.25))
    assert out.shape == analysis.image.shape and renderer._camera._view(1.25).own is None


@pytest.mark.parametrize("crop", ["face", "full"])
def test_the_farthest_view_stays_inside_the_surround(portrait, fake_face_models, crop):
    """At distance 2 every pixel the camera shows comes from the surround's own pixels (none
    copied outward from its edge), whether the face is centred or not."""
    detector, segmenter = fake_face_models.get()
    analysis = analyse_face(portrait, framing=FramingConfig(crop=crop), source="astronaut.jpg", detector=detector,
                            segmenter=segmenter)
    camera = Renderer(analysis)._camera
    surround = analysis.surround
    for zoom in (0.5, np.sqrt(0.5)):  # the person and the background's zoom at distance 2
        qx, qy, _ = camera._maps(zoom, camera._shift(0.5), ease=1.0)
        sx = surround.frame_origin_px[0] + qx * surround.scale
        sy = surround.frame_origin_px[1] + qy * surround.scale
        h, w = surround.rgb.shape[:2]
        assert sx.min() >= 0 and sy.min() >= 0 and sx.max() <= w - 1 and sy.max() <= h - 1


def test_the_extension_carries_the_photos_grain(framed):
    """Beyond the photo the extended background has grain like the photo's own background (a
    smooth fill beside a grainy photo reads as a pasted frame)."""
    import cv2

    _, analysis, _ = framed
    s = analysis.surround
    rgb = s.rgb.astype(np.float32)
    detail = np.abs(rgb - cv2.GaussianBlur(rgb, (0, 0), 1.5)).mean(axis=2)
    beyond = detail[:20]  # above the photo's top edge
    background = detail[(s.alpha < 0.01) & (np.arange(rgb.shape[0])[:, None] > rgb.shape[0] // 3)]
    assert 0.4 < np.median(beyond) / np.median(background) < 2.5


def test_the_surrounds_matte_lies_on_the_frames_person(framed):
    """The surround's matte, mapped onto the frame, covers the person where the frame's own matte
    does (a misplaced mapping would shift or scale it off)."""
    _, analysis, _ = framed
    ours = analysis.surround.frame_alpha > 0.5
    theirs = analysis.appearance.person_alpha > 0.5
    assert ours.shape == theirs.shape
    assert (ours & theirs).sum() / (ours | theirs).sum() > 0.85


def test_a_body_only_the_wider_matte_finds_moves_with_the_person():
    """Where the frame's own matte misses part of the body (a dark suit on a dark ground) and the
    surround's matte finds it, that part shrinks with the face, and the plate behind it does not
    show it again at the background's scale."""
    from facetalk.face.surround import Surround
    from facetalk.render.camera import Camera

    n = 256
    ground = np.full((n, n, 3), (40, 60, 200), np.uint8)
    frame = ground.copy()
    frame[150:200, 60:196] = (220, 40, 40)  # the body the frame's matte misses
    body = np.zeros((n, n), np.float32)
    body[150:200, 60:196] = 1.0
    side = 3 * n  # a surround of the frame's scale, the frame at its centre, all of it background
    surround = Surround(rgb=np.full((side, side, 3), ground[0, 0], np.uint8), alpha=np.zeros((side, side), np.float32),
                        background=np.full((side, side, 3), ground[0, 0], np.uint8), frame_alpha=body,
                        frame_origin_px=(n, n), scale=1.0, photo_bottom_px=float(3 * n), body_cut_at_bottom=False)
    camera = Camera(surround=surround, background=frame, face_centre_xy=np.array([128.0, 90.0]),
                    rest_alpha=np.zeros((n, n), np.float32))
    out = camera.shoot(frame, np.zeros((n, n), np.float32), zoom=0.5).astype(int)
    # The body's top-left corner (60, 150) lands at half its distance from the face centre ...
    assert out[123, 97, 0] > 180 and out[123, 97, 2] < 80
    assert out[116, 90, 2] > 180  # (beyond it, the ground)
    # ... and nothing red is left where the background's zoom (1/sqrt 2) would put its corner.
    x, y = np.round(np.array([128.0, 90.0]) + (np.array([62.0, 198.0]) - (128.0, 90.0)) * np.sqrt(0.5)).astype(int)
    assert not (94 <= x <= 162 and 120 <= y <= 145) and out[y, x, 0] < 100 and out[y, x, 2] > 150


def test_behind_the_shrunk_person_the_plate_has_the_backgrounds_texture():
    """Moving away shows most of the place the person filled; there the plate carries the photo's
    own texture (a smooth or streaked fill there reads as a smear in the shape of the person)."""
    from facetalk.face.surround import Surround
    from facetalk.render.camera import Camera

    n = 256
    rows = np.arange(n)[:, None, None]
    ground = np.broadcast_to(np.where((rows // 3) % 2 == 0, 150, 110), (n, n, 3)).astype(np.uint8)
    person = np.zeros((n, n), np.float32)
    person[90:, 70:186] = 1.0
    plate = ground.copy()
    plate[86:, 66:190] = 130  # the renderer's plate: the person's place filled smoothly
    side = 3 * n
    surround = Surround(rgb=np.full((side, side, 3), 130, np.uint8), alpha=np.zeros((side, side), np.float32),
                        background=np.full((side, side, 3), 130, np.uint8), frame_alpha=person,
                        frame_origin_px=(n, n), scale=1.0, photo_bottom_px=float(3 * n), body_cut_at_bottom=False)
    camera = Camera(surround=surround, background=plate, face_centre_xy=np.array([128.0, 90.0]), rest_alpha=person)
    behind = camera._behind_person().astype(np.float32).mean(axis=2)[110:240, 90:166]
    down, along = np.abs(np.diff(behind, axis=0)).mean(), np.abs(np.diff(behind, axis=1)).mean()
    assert down > 8.0 and down > 3.0 * along  # the ground's stripes, not a flat fill


def _camera_over(plate: np.ndarray, person: np.ndarray, *, centre_xy=(128.0, 170.0)):
    """A Camera of a (n, n) frame whose photo around it is all background (grey 100)."""
    from facetalk.face.surround import Surround
    from facetalk.render.camera import Camera

    side = 3 * len(person)
    ground = np.full((side, side, 3), 100, np.uint8)
    surround = Surround(rgb=ground, alpha=np.zeros((side, side), np.float32), background=ground, frame_alpha=person,
                        frame_origin_px=(len(person), len(person)), scale=1.0, photo_bottom_px=float(side),
                        body_cut_at_bottom=False)
    return Camera(surround=surround, background=plate, face_centre_xy=np.array(centre_xy), rest_alpha=person)


def _head_on_grey(n: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """(n, n, 3) uint8 a dark disc (the person, its matte the (n, n) float32 second value) on a
    grainy grey 100."""
    import cv2

    rng = np.random.default_rng(1)
    photo = np.clip(100 + rng.normal(0, 4, (n, n, 3)), 0, 255).astype(np.uint8)
    person = np.zeros((n, n), np.float32)
    cv2.circle(person, (n // 2, n * 170 // 256), n * 70 // 256, 1.0, -1)
    photo[person > 0] = 30
    return photo, person


def test_a_bright_wisp_by_the_outline_leaves_no_ray_behind_the_shrunk_person():
    """The renderer's plate is inpainted (Telea), which draws a light strand of hair by the outline
    inward as a bright ray; behind a shrunk person it showed as a fan of light streaks from the
    head. The camera's plate fills the person's place afresh, smoothly."""
    import cv2

    photo, person = _head_on_grey()
    cv2.circle(photo, (128, 96), 8, (240, 240, 240), -1)  # a white wisp at the top of the head
    place = cv2.dilate((person > 0).astype(np.uint8), np.ones((9, 9), np.uint8))
    plate = cv2.inpaint(photo, place, 5, cv2.INPAINT_TELEA)  # as face.appearance makes it
    behind = _camera_over(plate, person)._behind_person().astype(np.float32).mean(axis=2)
    below_wisp, aside = behind[130:170, 118:138].mean(), behind[130:170, 60:80].mean()
    assert abs(below_wisp - aside) < 10.0  # Telea's ray: 53 grey levels brighter


def test_behind_the_head_the_plate_continues_what_lies_by_its_outline():
    """A head before a window between curtains: behind the shrunk head the plate continues the
    window's light, which lies by the head's top (push-pull averaged the whole place into one
    colour there: a disc of the curtains' red in the window)."""
    import cv2

    n = 256
    photo = np.full((n, n, 3), (200, 40, 40), np.uint8)  # curtains
    photo[:150, 40:216] = 230  # the window
    person = np.zeros((n, n), np.float32)
    cv2.circle(person, (128, 190), 70, 1.0, -1)
    photo[person > 0] = 30
    behind = _camera_over(photo, person, centre_xy=(128.0, 190.0))._behind_person().astype(np.float32)
    below_the_top = behind[130:140, 118:138].reshape(-1, 3).mean(axis=0)
    assert below_the_top.min() > 200  # the window's white (push-pull: 171, 122, 122)


def test_no_ring_of_the_outlines_fringe_behind_the_shrunk_person():
    """Dark strands or a shadow just outside the matte, kept in the plate, show again around the
    shrunk person at the background's scale: a dark ring around the small head. The plate makes
    up a fringe around the person's place too."""
    import cv2

    photo, person = _head_on_grey(512)
    outside = cv2.distanceTransform((person == 0).astype(np.uint8), cv2.DIST_L2, 3)
    ring = (outside > 0) & (outside <= 7)
    photo[ring] = 45  # strands the matte missed, 7 px (1.4% of the frame) deep
    behind = _camera_over(photo, person, centre_xy=(256.0, 340.0))._behind_person().astype(np.float32).mean(axis=2)
    ground = behind[(outside > 30) & (outside < 60)].mean()
    assert abs(behind[ring].mean() - ground) < 10.0  # with a 4 px fringe: 21 grey levels darker


def test_a_figure_only_the_renderers_matte_half_takes_for_a_person_stays_in_the_plate():
    """A figure in a poster on the wall, away from the person, that the renderer's segmenter
    half-takes for a person (the surround's matte does not): the plate keeps it as the photo
    shows it instead of making it up, which left a smudge where it stood beside the shrunk
    person (the man with the mohawk)."""
    from facetalk.face.surround import Surround
    from facetalk.render.camera import Camera

    photo, person = _head_on_grey()
    figure = np.zeros_like(person)
    figure[40:120, 200:240] = 0.6  # the renderer's matte only
    photo[40:120, 200:240] = (30, 160, 60)
    side = 3 * len(person)
    ground = np.full((side, side, 3), 100, np.uint8)
    surround = Surround(rgb=ground, alpha=np.zeros((side, side), np.float32), background=ground, frame_alpha=person,
                        frame_origin_px=(len(person), len(person)), scale=1.0, photo_bottom_px=float(side),
                        body_cut_at_bottom=False)
    camera = Camera(surround=surround, background=photo, face_centre_xy=np.array((128.0, 170.0)),
                    rest_alpha=np.maximum(person, figure))
    behind = camera._behind_person().astype(int)
    assert np.abs(behind[50:110, 205:235] - (30, 160, 60)).max() < 10  # made up: the grey ground
    # The person's own place is still made up (no dark disc left behind the shrunk head).
    assert behind[160:180, 118:138].mean() > 80


@pytest.mark.parametrize("zoom", [0.999, 1.001])
def test_a_glide_from_distance_1_starts_without_a_jump(framed, zoom):
    """A zoom a hair from 1 is a hair from the frame: the surround at the frame's edges and the
    plate made up behind the person come in with the zoom (ZOOM_EASE), not at its first frame
    (the background and the frame's outer band swapped at once: 4,723 and 3,866 px changed by over
    20 levels here, now 95 and 99), whichever way the camera moves."""
    _, _, renderer = framed
    still, near = renderer.render(MotionFrame(t_s=0)), renderer.render(MotionFrame(t_s=0, scale=zoom))
    jumped = np.abs(still.astype(np.int16) - near).max(axis=2) > 20
    assert jumped.sum() <= 300  # the resampled frame's sharpest edges, a fifth of a pixel on at most


def test_the_plate_behind_the_person_comes_in_step_by_step_as_a_glide_leaves_1():
    """Behind the person, a glide from distance 1 moves from the photo (the person itself, dark)
    to the plate made up there (the grey ground) over ZOOM_EASE, a share at a time: no step of
    0.005 of zoom brings in more than a third of it, and from ZOOM_EASE on it is all the plate."""
    from facetalk.render.camera import ZOOM_EASE

    photo, person = _head_on_grey()
    camera = _camera_over(photo, person)
    zooms = [1.0 - 0.005 * k for k in range(int(round(ZOOM_EASE / 0.005)) + 2)]
    behind = [float(camera._view(z).behind[165:175, 123:133].mean()) if z < 1.0 else 30.0 for z in zooms]
    steps = np.diff(behind)
    assert steps.min() >= -0.5 and steps.max() <= (100.0 - 30.0) / 3.0
    assert behind[1] < 45.0 and abs(behind[-2] - 100.0) < 3.0 and abs(behind[-1] - 100.0) < 3.0


def test_near_zoom_1_the_person_shows_no_ghost_of_itself_behind():
    """Near distance 1 what shows behind the person is partly the photo itself, person included;
    at the background's zoom it lay beside the person, a translucent second edge (a ghost ear, a
    dark second rim of a mohawk). And what the surround's matte leaves out of the person (an
    ear only the renderer's matte has) showed through it half made up. A bright disc (an ear
    missing from the surround's matte on its right) far from the face at zoom 0.99: nothing more
    than 1 px outside the scaled disc is lit, all more than 1 px inside it is."""
    import cv2
    from facetalk.face.surround import Surround
    from facetalk.render.camera import Camera

    n, zoom, centre, disc = 512, 0.99, np.array([40.0, 40.0]), np.array([400.0, 400.0])
    photo = np.full((n, n, 3), 30, np.uint8)
    rest = np.zeros((n, n), np.float32)
    cv2.circle(rest, (400, 400), 40, 1.0, -1)
    photo[rest > 0] = 250
    ours = rest.copy()
    ours[:, 430:] = 0.0  # the ear only the renderer's matte has
    ground = np.full((3 * n, 3 * n, 3), 30, np.uint8)
    surround = Surround(rgb=ground, alpha=np.zeros((3 * n, 3 * n), np.float32), background=ground, frame_alpha=ours,
                        frame_origin_px=(n, n), scale=1.0, photo_bottom_px=float(3 * n), body_cut_at_bottom=False)
    camera = Camera(surround=surround, background=photo, face_centre_xy=centre, rest_alpha=rest, photo=photo)
    out = camera.shoot(photo, rest, zoom=zoom).max(axis=2).astype(int)
    ys, xs = np.mgrid[0:n, 0:n]
    at = centre + (disc - centre) * zoom
    d = np.hypot(xs - at[0], ys - at[1])
    assert out[d > 40 * zoom + 1].max() <= 40  # the ghost at the background's zoom, 2.5 px out: 193
    assert out[d < 40 * zoom - 1].min() >= 240  # the ear half made up: 193


def test_beyond_the_frames_edge_the_surround_shows_not_the_edge_row():
    """Near zoom 1 the frame shows beyond its own edge (ZOOM_EASE): there it has nothing, and
    continued as its edge row is it streaked and widened a light stripe at the photo's edge (03: 3
    px to 6). At zoom 0.99 the stripe's 3 px lie 3 * 0.99 px wide, and beyond them the surround."""
    photo, person = _head_on_grey()
    photo[:, :3] = 250
    camera = _camera_over(photo, person, centre_xy=(128.0, 128.0))
    out = camera.shoot(photo, person, zoom=0.99).min(axis=2)
    lit = (out[60:200, :10] > 200).sum(axis=1)
    assert lit.max() <= 3 and out[60:200, 0].max() < 120  # continued as the edge row: 211
