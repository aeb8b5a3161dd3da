"""Spectacle frames are drawn rigidly with the head: brows and cheeks move, the frames do not bend."""

import dataclasses
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from facetalk.face.glasses import find_glasses
from facetalk.motion.frame import MotionFrame
from facetalk.render.renderer import GlassesLayer, Renderer

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "face"))
from test_glasses import draw_frames, paint_lenses  # noqa: E402


@pytest.fixture(scope="module")
def with_glasses(analysis):
    """The bundled analysis with wire frames drawn on the photo (and its texture)."""
    image = analysis.image.copy()
    drawn = draw_frames(image, analysis.landmarks_px)
    texture = analysis.appearance.texture.copy()
    texture[drawn] = image[drawn]
    glasses = find_glasses(image, analysis.landmarks_px)
    assert glasses is not None
    appearance = dataclasses.replace(analysis.appearance, texture=texture)
    return dataclasses.replace(analysis, image=image, appearance=appearance, glasses=glasses), drawn


def test_frames_stay_put_under_brow_raise_and_smile(with_glasses):
    analysis, drawn = with_glasses
    renderer = Renderer(analysis)
    rest = renderer.render(MotionFrame(t_s=0.0))
    moved = renderer.render(MotionFrame(t_s=0.0, brow_raise=1.0, smile=1.0, blink_left=1.0))
    core = drawn & (analysis.glasses.full_mask(drawn.shape) > 0.99)
    assert core.sum() > 200
    diff = np.abs(moved.astype(int) - rest.astype(int)).max(axis=2)
    assert np.percentile(diff[core], 95) <= 2
    # ... while the brows above them did move.
    brows = np.round(analysis.landmarks_px[[105, 334], :2]).astype(int)
    assert max(diff[y - 2:y + 3, x - 2:x + 3].max() for x, y in brows) > 10


def test_frames_follow_the_head_pose(with_glasses):
    analysis, drawn = with_glasses
    renderer = Renderer(analysis)
    frame = MotionFrame(t_s=0.0, yaw_deg=10.0, roll_deg=6.0, brow_raise=1.0)
    out = renderer.render(frame)
    affine = GlassesLayer(glasses=analysis.glasses, texture=analysis.appearance.texture, rig=analysis.rig).pose_affine(frame)
    ys, xs = np.nonzero(drawn & (analysis.glasses.full_mask(drawn.shape) > 0.99))
    to = np.stack([xs, ys, np.ones_like(xs)], axis=1) @ affine.T
    inside = np.round(to).astype(int)
    dark = out[inside[:, 1], inside[:, 0]].astype(int).sum(axis=1) < 3 * 80
    assert dark.mean() > 0.9


def test_no_glasses_no_layer(analysis):
    assert Renderer(analysis)._glasses is None


def test_the_analysis_keeps_brow_raises_off_the_skin_under_the_frames(analysis, face_models):
    """analyse_face hands the frames' mask to the rig: a brow raise moves the brows but not the
    filled-in skin under the top rim (which would show as a smeared band)."""
    from facetalk.config import FramingConfig
    from facetalk.face.analysis import analyse_face
    from facetalk.face.rig import build_rig
    from facetalk.render.renderer import posed_vertices

    photo = analysis.image.copy()
    draw_frames(photo, analysis.landmarks_px)
    framed = analyse_face(photo, framing=FramingConfig(), source="with frames", detector=face_models.detector,
                          segmenter=face_models.segmenter)  # the session's real models, loaded once
    assert framed.glasses is not None
    unmasked = build_rig(framed.landmarks_px, person_alpha=framed.appearance.person_alpha)
    under = framed.glasses.full_mask(framed.image.shape[:2]) > 0.5
    raise_ = MotionFrame(t_s=0.0, brow_raise=1.0)
    rest = framed.rig.rest_xyz
    height, width = framed.image.shape[:2]
    xy = np.round(rest[:, :2]).astype(int).clip(0, [width - 1, height - 1])
    beneath = under[xy[:, 1], xy[:, 0]]
    assert beneath.sum() > 5
    moved = np.linalg.norm(posed_vertices(framed.rig, raise_) - rest, axis=1)
    moved_unmasked = np.linalg.norm(posed_vertices(unmasked, raise_) - unmasked.rest_xyz, axis=1)
    assert moved[beneath].max() < 0.5 * moved_unmasked[beneath].max()


def test_eyes_behind_dark_lenses_stay_as_photographed(analysis, face_models):
    """Blinks, widening, squints and gaze draw nothing on opaque lenses (no lids, lashes or iris on
    sunglasses); the head still turns them and the mouth still moves."""
    from facetalk.config import FramingConfig
    from facetalk.face.analysis import analyse_face
    from facetalk.face.glasses import EyesShown

    photo = analysis.image.copy()
    lenses = paint_lenses(photo, analysis.landmarks_px)
    # A 3-px check on the lenses, so an iris drawn, moved or cut out of them shows (flat paint hides it).
    rows, cols = np.indices(lenses.shape)
    photo[lenses] += (16 * ((rows // 3 + cols // 3) % 2)[lenses, None]).astype(np.uint8)
    shaded = analyse_face(photo, framing=FramingConfig(), source="with sunglasses", detector=face_models.detector,
                          segmenter=face_models.segmenter)  # the session's real models, loaded once
    assert shaded.eyes.hidden_sides == ("left", "right")
    renderer = Renderer(shaded)
    rest = renderer.render(MotionFrame(t_s=0.0))
    # The lenses as far in as a pixel of their edge (the detector re-frames the photo by a pixel or so).
    core = cv2.erode((shaded.image.astype(int).sum(axis=2) < 3 * 55).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    assert core.sum() > 0.5 * lenses.sum()
    assert np.array_equal(rest[core], shaded.image[core])  # no iris drawn back, none cut out
    for moved in (dict(blink_left=1.0, blink_right=1.0), dict(blink_left=0.5, blink_right=0.5), dict(gaze_y=1.0),
                  dict(gaze_x=-1.0, gaze_y=-0.8), dict(blink_left=-0.3, blink_right=-0.3), dict(eye_squint=1.0)):
        out = renderer.render(MotionFrame(t_s=0.0, **moved))
        assert np.array_equal(out[core], rest[core]), moved
    talking = renderer.render(MotionFrame(t_s=0.0, jaw_open=0.6, blink_left=1.0))
    assert (np.abs(talking.astype(int) - rest.astype(int)).max(axis=2) > 20).sum() > 200
    turned = renderer.render(MotionFrame(t_s=0.0, yaw_deg=16.0))
    assert (np.abs(turned[core].astype(int) - rest[core].astype(int)).max(axis=1) > 10).mean() > 0.05
    # Turned, the lenses move rigidly: no blink or gaze shows on them, and no iris or lid is drawn
    # there, which a renderer given both eyes as shown does (the same rig and texture otherwise).
    blinking = renderer.render(MotionFrame(t_s=0.0, yaw_deg=16.0, blink_left=1.0, gaze_x=0.8))
    assert np.array_equal(blinking[core], turned[core])
    painted = Renderer(dataclasses.replace(shaded, eyes=EyesShown())).render(MotionFrame(t_s=0.0, yaw_deg=16.0))
    assert (painted[core] != turned[core]).any(axis=1).sum() > 50  # 106 px here; 0 if the painters held both
