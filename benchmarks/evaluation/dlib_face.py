"""dlib face measurements: landmarks, identity, head pose, eye and mouth openness, iris position."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# dlib 68-point indices
JAW_CHIN = 8
NOSE_TIP = 30
RIGHT_EYE = slice(36, 42)  # subject's right (image left)
LEFT_EYE = slice(42, 48)
MOUTH_CORNERS = (48, 54)
INNER_LIP_TOP, INNER_LIP_BOTTOM = 62, 66

# A generic head (millimetres, x right, y up, z toward the camera) for six landmarks:
# nose tip, chin, outer eye corners, mouth corners. Rough anthropometric averages.
_MODEL_POINTS = np.array([
    (0.0, 0.0, 0.0), (0.0, -63.6, -12.5), (-43.3, 32.7, -26.0), (43.3, 32.7, -26.0),
    (-28.9, -28.9, -24.1), (28.9, -28.9, -24.1)], dtype=np.float64)
_POSE_IDS = [NOSE_TIP, JAW_CHIN, 36, 45, 48, 54]


@dataclass(frozen=True, eq=False)
class FaceMeasure:
    """One face found by dlib. landmarks: (68, 2) float64 pixels; box: (x0, y0, x1, y1)."""

    landmarks: np.ndarray
    box: tuple[int, int, int, int]

    @property
    def eyes_centre(self) -> np.ndarray:
        """(2,) px: the midpoint of the two eyes' centres."""
        return 0.5 * (self.landmarks[RIGHT_EYE].mean(0) + self.landmarks[LEFT_EYE].mean(0))

    @property
    def interocular_px(self) -> float:
        return float(np.linalg.norm(self.landmarks[LEFT_EYE].mean(0) - self.landmarks[RIGHT_EYE].mean(0)))

    def eye_aspect_ratio(self) -> float:
        """Mean of both eyes' (|p2-p6| + |p3-p5|) / (2 |p1-p4|): ~0.25-0.35 open, < 0.1 closed."""
        ears = []
        for sl in (RIGHT_EYE, LEFT_EYE):
            p = self.landmarks[sl]
            ears.append((np.linalg.norm(p[1] - p[5]) + np.linalg.norm(p[2] - p[4])) / (2 * np.linalg.norm(p[0] - p[3])))
        return float(np.mean(ears))

    def mouth_aperture(self) -> float:
        """Inner-lip opening over mouth width."""
        p = self.landmarks
        return float(np.linalg.norm(p[INNER_LIP_TOP] - p[INNER_LIP_BOTTOM]) /
                     np.linalg.norm(p[MOUTH_CORNERS[0]] - p[MOUTH_CORNERS[1]]))

    def mouth_corner_lift(self) -> float:
        """How far the mouth corners sit above the lips' centre line, in interocular distances."""
        p = self.landmarks
        centre_y = 0.5 * (p[51, 1] + p[57, 1])
        return float((centre_y - p[list(MOUTH_CORNERS), 1].mean()) / self.interocular_px)

    def head_pose_deg(self, image_hw: tuple[int, int]) -> tuple[float, float, float]:
        """(yaw, pitch, roll) in degrees from a six-point PnP fit to a generic head, in facetalk's
        convention: yaw + turns the nose toward the image's right, pitch + nods down, roll + clockwise."""
        import cv2

        h, w = image_hw
        camera = np.array([[w, 0, w / 2], [0, w, h / 2], [0, 0, 1]], dtype=np.float64)
        ok, rvec, _ = cv2.solvePnP(_MODEL_POINTS, self.landmarks[_POSE_IDS].astype(np.float64), camera,
                                   np.zeros(4), flags=cv2.SOLVEPNP_ITERATIVE)
        if not ok:
            raise RuntimeError("head pose fit failed")
        rot, _ = cv2.Rodrigues(rvec)
        # Model axes (x right, y up, z toward camera) -> camera axes (x right, y down, z away).
        flip = np.diag([1.0, -1.0, -1.0])
        r = rot @ flip
        yaw = np.degrees(np.arcsin(np.clip(-r[2, 0], -1, 1)))
        pitch = np.degrees(np.arctan2(r[2, 1], r[2, 2]))
        roll = np.degrees(np.arctan2(r[1, 0], r[0, 0]))
        return float(-yaw), float(pitch), float(roll)

    def iris_offset(self, image: np.ndarray) -> tuple[float, float]:
        """Mean (x, y) offset of the darkest blob in each eye from the eye's centre, in eye widths."""
        import cv2

        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        offsets = []
        for sl in (RIGHT_EYE, LEFT_EYE):
            poly = self.landmarks[sl]
            mask = np.zeros(gray.shape, np.uint8)
            cv2.fillPoly(mask, [np.round(poly).astype(np.int32)], 1)
            ys, xs = np.nonzero(mask)
            if len(xs) < 5:
                continue
            values = gray[ys, xs].astype(np.float64)
            dark = values <= np.percentile(values, 30)
            centre = poly.mean(axis=0)
            width = np.linalg.norm(poly[0] - poly[3])
            offsets.append(((xs[dark].mean() - centre[0]) / width, (ys[dark].mean() - centre[1]) / width))
        return tuple(np.mean(offsets, axis=0)) if offsets else (0.0, 0.0)


class DlibFace:
    """Loads dlib's detector, 68-point predictor and identity encoder once."""

    def __init__(self):
        import dlib
        import face_recognition_models as models

        self._detect = dlib.get_frontal_face_detector()
        self._predict = dlib.shape_predictor(models.pose_predictor_model_location())
        self._encode = dlib.face_recognition_model_v1(models.face_recognition_model_location())
        self._dlib = dlib

    def measure(self, image: np.ndarray, *, upsample: int = 2,
                box: tuple[int, int, int, int] | None = None) -> FaceMeasure | None:
        """The largest face in an (H, W, 3) uint8 RGB image, or None.

        Landmarks are predicted on a copy enlarged `upsample` times (then scaled back): on faces of
        a few hundred pixels dlib's 68 points are only pixel-accurate, which is coarse for eyelids.
        `box`: predict in this (x0, y0, x1, y1) box without detecting (the 68 points are regressed
        from the box, so comparing frames of a still head in one box leaves the detector's draws
        out; or where the face is known to be, found on another frame of the same still head, when
        the detector finds none here)."""
        import cv2

        if box is not None:
            rect = self._dlib.rectangle(*box)
        else:
            # dlib's HOG detector is brittle at the margin: a face it misses on the doubled image
            # it may find on the original, so both are tried.
            rects = self._detect(image, 1) or self._detect(image, 0)
            if not rects:
                return None
            rect = max(rects, key=lambda r: r.width() * r.height())
        big = cv2.resize(image, None, fx=upsample, fy=upsample, interpolation=cv2.INTER_CUBIC) if upsample > 1 else image
        scaled = self._dlib.rectangle(rect.left() * upsample, rect.top() * upsample,
                                      rect.right() * upsample, rect.bottom() * upsample)
        shape = self._predict(big, scaled)
        pts = np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64) / upsample
        return FaceMeasure(landmarks=pts, box=(rect.left(), rect.top(), rect.right(), rect.bottom()))

    def steady_interocular_px(self, image: np.ndarray, *, shifts_px: int = 4) -> float:
        """The interocular distance (px) of the largest face in an (H, W, 3) uint8 RGB image, averaged
        over the image and its mirror image, each moved by 0 .. shifts_px - 1 whole pixels sideways;
        NaN where dlib finds no face in any. One reading of a face some 60 px between the eyes
        moves by up to 10% with a one-pixel shift (Grace Hopper at distance 1.5: 57.5-63.8 px), more
        than a size ratio's tolerance."""
        readings = []
        for dx in range(shifts_px):
            moved = np.roll(image, dx, axis=1)
            for view in (moved, np.ascontiguousarray(moved[:, ::-1])):
                face = self.measure(view)
                if face is not None:
                    readings.append(face.interocular_px)
        return float(np.mean(readings)) if readings else float("nan")

    def embedding(self, image: np.ndarray, face: FaceMeasure) -> np.ndarray:
        """(128,) identity embedding; distances under ~0.6 mean the same person."""
        x0, y0, x1, y1 = face.box
        shape = self._predict(image, self._dlib.rectangle(x0, y0, x1, y1))
        return np.array(self._encode.compute_face_descriptor(image, shape))
