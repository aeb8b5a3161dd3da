"""Head distance as a camera: the whole person scales about the face, the background by less.

A camera moving away (distance d > 1) shows the person 1/d as large, and, being nearer to the
person than to the background, the background shrinks less (1/sqrt(d): parallax). What comes
into view beyond the frame's edges is the photo around the crop (face.surround), at two thirds of
the frame's scale; beyond the photo, its background extended. Where the photo cuts the body at
its bottom edge, the camera keeps that edge at the frame's bottom instead of showing the body end
in mid-air (as a camera tilting down with the move would).

The person is what the surround's matte of the photo calls person (the frame's own matte, made
from the frame alone, can miss a body the wider view shows, which then stayed at the
background's scale: a small head on a large coat), moved where the rendered head moves it; behind
it, the frame's background plate with whatever more of the person that matte finds filled in too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facetalk.face import landmarks as lm
from facetalk.face.surround import Surround
from facetalk.face.texture import grown_nearest, texture_over

FRAME_EDGE_FADE_PX = 40.0  # frame pixels over which the frame's own edge fades into the (coarser) surround
# The plate behind the person is made up over the person's place and this many frame sides around
# it: strands of hair, a soft shadow or a matte's ragged edge just outside the matte, shown again
# behind the shrunk person at the background's scale, read as a ring around it.
FRINGE_FRAMES = 0.015
# ... and where the renderer's matte (which moves with the head) has the person within this many
# frame sides of the surround's: its soft edge, strands of hair.
REST_NEAR_FRAMES = 0.03
# How far the zoom moves from 1 before the view is wholly the camera's (the surround at the
# frame's edges, the made-up plate behind the person): nearer 1 both give way to the frame and the
# photo in proportion (smoothly), so a glide starting from 1 does not swap them in at its first frame
# (distance 1 -> 1.001 changed 1,200-27,000 px by over 20 levels on six portraits at 512 px).
ZOOM_EASE = 0.03
# ... and beyond the frame's own edge, where it has nothing to show, the surround takes over the share
# of each pixel the frame no longer covers within this much of zoom 1 (at once, a quarter-pixel
# band changed a glide's first frame's outer pixels; continued as the frame's edge row is, the
# band streaked and widened a light stripe at the photo's edge, 3 px to 6 at zoom 0.99).
EDGE_EASE = ZOOM_EASE / 3.0


class Camera:
    """Re-frames rendered frames of one analysed photo for a camera zoom (MotionFrame.scale)."""

    def __init__(self, *, surround: Surround | None, background: np.ndarray, face_centre_xy: np.ndarray,
                 rest_alpha: np.ndarray | None = None, photo: np.ndarray | None = None):
        """`background`: (H, W, 3) uint8 the frame's background plate; `face_centre_xy` (2,) px;
        `rest_alpha`: (H, W) float32 the renderer's matte of the still photo (with a surround, what
        a frame's matte differs from it by is how the head moved); `photo`: (H, W, 3) uint8 the
        framed photo the plate behind a shrunk person is made from (default: `background`)."""
        import cv2

        self._cv2 = cv2
        self._surround = surround
        self._rest_alpha = rest_alpha if surround is not None else None
        self._background = background
        self._photo = background if photo is None else photo
        self._plate: np.ndarray | None = None
        self._near: np.ndarray | None = None
        self._person: np.ndarray | None = None
        self._centre = np.asarray(face_centre_xy, np.float32)
        h, w = background.shape[:2]
        self._grid_y, self._grid_x = np.mgrid[0:h, 0:w].astype(np.float32)
        self._cached: _View | None = None

    @classmethod
    def for_analysis(cls, analysis) -> "Camera":
        centre = analysis.rig.rest_xyz[list(lm.FACE_OVAL), :2].mean(axis=0)
        return cls(surround=analysis.surround, background=analysis.appearance.background, face_centre_xy=centre,
                   rest_alpha=analysis.appearance.person_alpha, photo=analysis.image)

    def shoot(self, frame: np.ndarray, alpha: np.ndarray, *, zoom: float) -> np.ndarray:
        """(H, W, 3) uint8: the rendered `frame` and its (H, W) person matte seen `zoom` times as
        large (< 1: from farther away)."""
        if zoom == 1.0:
            return frame
        cv2 = self._cv2
        view = self._view(zoom)
        if self._rest_alpha is not None:
            # The person's matte (_person_alpha), moved where the head moved: the frame's matte and
            # the one it was rendered from differ only there.
            alpha = np.clip(self._person_alpha() + (alpha - self._rest_alpha), 0.0, 1.0)
        person = cv2.remap(frame, view.qx, view.qy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        # Beyond the frame's edge the frame shows only the share its own weight leaves it within
        # EDGE_EASE of zoom 1 (_maps), continued as its colour is; without a surround, nothing.
        border = cv2.BORDER_CONSTANT if view.own is None else cv2.BORDER_REPLICATE
        matte = cv2.remap(alpha, view.qx, view.qy, cv2.INTER_LINEAR, borderMode=border)
        if view.own is not None:  # near and beyond the frame's edges, the surround
            person = cv2.blendLinear(person, view.around, view.own, view.not_own)
            matte = view.around_alpha + (matte - view.around_alpha) * view.own
        return cv2.blendLinear(person, view.behind, matte, 1.0 - matte)

    def _view(self, zoom: float) -> "_View":
        """The maps and the still layers of one zoom, computed once and kept while it holds."""
        if self._cached is not None and self._cached.zoom == zoom:
            return self._cached
        shift = self._shift(zoom)
        ease = _ease(zoom)
        qx, qy, own = self._maps(zoom, shift, ease=ease)
        cv2 = self._cv2
        around = around_alpha = None
        if own is not None:
            s = self._surround
            sx, sy = s.frame_origin_px[0] + qx * s.scale, s.frame_origin_px[1] + qy * s.scale
            around = cv2.remap(s.rgb, sx, sy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            around_alpha = cv2.remap(s.alpha, sx, sy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
        behind = self._background_layer(self._maps(float(np.sqrt(zoom)), shift, ease=ease))
        if ease < 1.0:
            # Nearer zoom 1, the photo (and the surround beyond it) as the person is seen: what the
            # person's matte leaves out of it lies where the frame has it, not a ghost beside it at
            # the background's scale. On the person's maps and layer: one more remap a frame.
            photo = cv2.remap(self._photo, qx, qy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            if own is not None:
                photo = cv2.blendLinear(photo, around, own, 1.0 - own)
            behind = cv2.addWeighted(photo, 1.0 - ease, behind, ease, 0.0, dtype=cv2.CV_32F)
        behind = np.clip(behind + 0.5, 0, 255).astype(np.uint8)
        self._cached = _View(zoom, qx, qy, own, None if own is None else 1.0 - own, around, around_alpha, behind)
        return self._cached

    def _near_ours(self) -> np.ndarray:
        """(H, W) bool: within REST_NEAR_FRAMES of where the surround's matte has the person. The
        renderer's matte counts only there: elsewhere it is what the segmenter half-took for a
        person (a figure in a poster on the wall), which made up showed as a smudge where it stood,
        beside the shrunk person."""
        if self._near is None:
            near = 2 * int(round(REST_NEAR_FRAMES * max(self._photo.shape[:2]))) + 1
            ours = (self._surround.frame_alpha > 0.5).astype(np.uint8)
            self._near = self._cv2.dilate(ours, np.ones((near, near), np.uint8)) > 0
        return self._near

    def _person_alpha(self) -> np.ndarray:
        """(H, W) float32 the still frame's person matte: the surround's, and the renderer's near it
        (_near_ours: an ear the surround's misses, which showed through it from the layer behind)."""
        if self._person is None:
            near = np.where(self._near_ours(), self._rest_alpha, np.float32(0.0))
            self._person = np.maximum(self._surround.frame_alpha, near).astype(np.float32)
        return self._person

    def _behind_person(self) -> np.ndarray:
        """(H, W, 3) uint8 the photo with the person's place made up: grown from the background by
        each part of its outline (face.texture.grown_nearest) and given the photo's own texture.
        The place is where the surround's matte has the person (it finds more of a dark suit on a
        dark ground than the renderer's), and the renderer's within REST_NEAR_FRAMES of it,
        with a fringe of FRINGE_FRAMES around it. Not the renderer's plate, which is inpainted for
        head motion (a few pixels by the outline): Telea's inpainting draws the outline's colours
        inward as rays (white hair as a fan of light streaks behind a shrunk head), and fades into
        the photo over 16 px, a ring of its colours around the place. Made once, when the camera
        first moves."""
        if self._rest_alpha is None:
            return self._background
        if self._plate is None:
            cv2 = self._cv2
            side = max(self._photo.shape[:2])
            fringe = 2 * int(round(FRINGE_FRAMES * side)) + 1
            person = self._person_alpha() > 0
            place = cv2.dilate(person.astype(np.uint8), np.ones((fringe, fringe), np.uint8)) > 0
            plate = grown_nearest(self._photo, ~place)
            texture = texture_over(self._photo, known=~place, wanted=place, base=plate.astype(np.float32))
            self._plate = np.clip(plate + texture + 0.5, 0, 255).astype(np.uint8)
        return self._plate

    def _shift(self, zoom: float) -> np.ndarray:
        """(2,) px the view moves so that a body the photo cuts at its bottom stays cut by the frame."""
        s = self._surround
        h = self._background.shape[0]
        if s is None or not s.body_cut_at_bottom or zoom >= 1.0:
            return np.zeros(2, np.float32)
        bottom = self._centre[1] + (s.photo_bottom_px - self._centre[1]) * zoom
        return np.array([0.0, max(0.0, h - bottom)], np.float32)

    def _maps(self, zoom: float, shift: np.ndarray, *, ease: float) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """Where each output pixel looks in the frame (qx, qy), and how much the frame itself
        (rather than the surround) shows there: 1 well inside it, fading over its outer band (the
        surround is coarser, and beyond the photo it is its extended background) by `ease` (_ease)
        of the way; None if all 1."""
        h, w = self._background.shape[:2]
        qx = self._centre[0] + (self._grid_x - self._centre[0] - shift[0]) / zoom
        qy = self._centre[1] + (self._grid_y - self._centre[1] - shift[1]) / zoom
        inner = np.minimum(np.minimum(qx, w - 1 - qx), np.minimum(qy, h - 1 - qy))
        own = np.clip(inner / FRAME_EDGE_FADE_PX, 0.0, 1.0)
        own = own * own * (3.0 - 2.0 * own)  # a smooth ramp: a linear one shows its ends as lines
        if ease < 1.0:  # beyond its edge (inner < 0) by EDGE_EASE
            own = (1.0 - ease * (1.0 - own)) * (1.0 - _ease(zoom, over=EDGE_EASE) * np.clip(-inner, 0.0, 1.0))
        return qx, qy, (None if self._surround is None or own.min() >= 1.0 else own)

    def _background_layer(self, maps: tuple[np.ndarray, np.ndarray, np.ndarray | None]) -> np.ndarray:
        """(H, W, 3) float32: the plate behind the person (_behind_person) seen through _maps' (qx,
        qy, own): from the frame where it maps well inside it, else from the surround's background."""
        cv2 = self._cv2
        qx, qy, own = maps
        colour = cv2.remap(self._behind_person(), qx, qy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        colour = colour.astype(np.float32)
        if own is None:
            return colour
        s = self._surround
        sx, sy = s.frame_origin_px[0] + qx * s.scale, s.frame_origin_px[1] + qy * s.scale
        around = cv2.remap(s.background, sx, sy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE).astype(np.float32)
        return around + (colour - around) * own[..., None]


def _ease(zoom: float, *, over: float = ZOOM_EASE) -> float:
    """0 at zoom 1 rising smoothly to 1 at `over` from it: how much of the camera's own layers
    (the surround, the made-up plate) a zoom shows rather than the frame's and the photo's."""
    u = min(abs(zoom - 1.0) / over, 1.0)
    return u * u * (3.0 - 2.0 * u)


@dataclass(frozen=True, eq=False)
class _View:
    """One zoom's maps (H, W) float32, the frame's weight `own` and 1 - own (None: the frame
    everywhere), the surround's person layer (`around` (H, W, 3) uint8, `around_alpha` float32) and
    the background behind, (H, W, 3) uint8."""

    zoom: float
    qx: np.ndarray
    qy: np.ndarray
    own: np.ndarray | None
    not_own: np.ndarray | None
    around: np.ndarray | None
    around_alpha: np.ndarray | None
    behind: np.ndarray
