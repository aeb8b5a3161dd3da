"""The per-frame motion parameters every stage agrees on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

import numpy as np

from facetalk.params import EXPRESSION_NAMES, FACE_NAMES


@dataclass(frozen=True)
class MotionFrame:
    """Everything that moves in one video frame.

    Angles in degrees (yaw + turns the face toward the image's right, pitch + nods down,
    roll + tilts clockwise in the image); translation in face heights (+x right, +y down);
    `scale` is the camera's zoom (1 = as photographed, < 1 farther away: the whole person smaller
    about the face, the background less so, more of the photo around the frame in view). Every
    field's range, region and ARKit blendshapes are in facetalk.params, the one table.
    """

    t_s: float
    yaw_deg: float = 0.0
    pitch_deg: float = 0.0
    roll_deg: float = 0.0
    tx: float = 0.0
    ty: float = 0.0
    scale: float = 1.0
    jaw_open: float = 0.0
    lip_spread: float = 0.0
    smile: float = 0.0
    upper_lip_raise: float = 0.0
    lower_lip_depress: float = 0.0
    smirk: float = 0.0
    brow_raise: float = 0.0
    brow_inner_raise: float = 0.0
    blink_left: float = 0.0
    blink_right: float = 0.0
    gaze_x: float = 0.0
    gaze_y: float = 0.0
    nose_sneer: float = 0.0
    eye_squint: float = 0.0
    jaw_sideways: float = 0.0
    jaw_forward: float = 0.0
    mouth_sideways: float = 0.0
    mouth_funnel: float = 0.0
    mouth_roll_lower: float = 0.0
    mouth_roll_upper: float = 0.0
    mouth_shrug_lower: float = 0.0
    mouth_shrug_upper: float = 0.0
    mouth_dimple: float = 0.0
    cheek_puff: float = 0.0
    brow_knit: float = 0.0
    lip_stretch: float = 0.0
    # 0 .. 1 presses the inner lips together whatever the jaw does (p, b, m). Not a blendshape:
    # it closes the current gap, so it is applied after the others (render.renderer.posed_vertices).
    lip_press: float = 0.0
    # 0 resting low behind the lower teeth .. 1 tongue tip up at the back of the upper teeth
    # (t d n l). Not a blendshape: drawn inside the mouth (render.mouth). Set from speech by the
    # tongue-tip net beside the lip model (motion.lipsync.TongueTipNet); motion files can set it too.
    # Not carried by the ARKit CSV (motion.arkit), which has no such shape.
    tongue_tip: float = 0.0

    def expression(self) -> tuple[float, ...]:
        """The expression coefficients in EXPRESSION_NAMES order."""
        return tuple(getattr(self, name) for name in EXPRESSION_NAMES)

    def face_values(self) -> np.ndarray:
        """(P,) float64: the face parameters (expression, lip_press, tongue_tip) in FACE_NAMES order."""
        return np.array([getattr(self, name) for name in FACE_NAMES])

    def with_face(self, values: np.ndarray) -> "MotionFrame":
        """This frame with its face parameters set from (P,) values in FACE_NAMES order."""
        return replace(self, **{name: float(v) for name, v in zip(FACE_NAMES, values)})

    def to_dict(self) -> dict[str, float]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, float]) -> "MotionFrame":
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise ValueError(f"unknown motion parameters: {sorted(unknown)}")
        return cls(**{k: float(v) for k, v in values.items()})

    def with_(self, **changes: float) -> "MotionFrame":
        return replace(self, **changes)


def neutral(t_s: float = 0.0) -> MotionFrame:
    """The photo as it is: every parameter at rest."""
    return MotionFrame(t_s=t_s)
