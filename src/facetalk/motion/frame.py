"""The per-frame motion parameters every stage agrees on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

# Expression coefficients, in the order of the face rig's blendshape basis.
EXPRESSION_NAMES = (
    "jaw_open",         # 0 closed .. 1 wide open
    "lip_spread",       # -1 rounded/narrow (u, o) .. +1 spread (i, e)
    "smile",            # -1 corners down .. +1 corners up and out (relative to the photo: down to -2
                        # when an emotion first undoes a smiling photo's own smile, up to 1.5 when
                        # happy smiles broader than a smiling photo)
    "upper_lip_raise",  # 0 .. 1 upper lip lifts off the teeth
    "lower_lip_depress",  # 0 .. 1 lower lip pulls down off the lower teeth (jaw stays)
    "smirk",            # -1 .. +1 one-sided smile: + lifts the subject's left corner, - the right
    "brow_raise",       # -1 frown .. +1 raised
    "brow_inner_raise",  # 0 .. 1 inner ends of the brows lift (sadness, worry, fear)
    "blink_left",       # -0.3 wide open .. 0 as photographed .. 1 closed (subject's left eye)
    "blink_right",      # -0.3 wide open .. 0 as photographed .. 1 closed (subject's right eye)
    "gaze_x",           # -1 subject looks to the image's left .. +1 image's right
    "gaze_y",           # -1 up .. +1 down
)


@dataclass(frozen=True)
class MotionFrame:
    """Everything that moves in one video frame.

    Angles in degrees (yaw + turns the face toward the image's right, pitch + nods down,
    roll + tilts clockwise in the image); translation in face heights (+x right, +y down);
    `scale` is the camera's zoom (1 = as photographed, < 1 farther away: the whole person smaller
    about the face, the background less so, more of the photo around the frame in view).
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
    # 0 .. 1 presses the inner lips together whatever the jaw does (p, b, m). Not a blendshape:
    # it closes the current gap, so it is applied after the others (render.renderer.posed_vertices).
    lip_press: float = 0.0
    # 0 resting low behind the lower teeth .. 1 tongue tip up at the back of the upper teeth
    # (t d n l). Not a blendshape: drawn inside the mouth (render.mouth). The lip model does not
    # set it; motion files can. Not carried by the ARKit CSV (motion.arkit), which has no such shape.
    tongue_tip: float = 0.0

    def expression(self) -> tuple[float, ...]:
        """The expression coefficients in EXPRESSION_NAMES order."""
        return tuple(getattr(self, name) for name in EXPRESSION_NAMES)

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


@dataclass(frozen=True)
class PhotoExpression:
    """The photo's own expression, in the units of the expression parameters: `smile` 0..1 (how
    far its mouth corners are raised, as the `smile` coefficient would raise them from a neutral
    mouth), `lips_apart` 0..1 (how far its lips are parted, as in a smile with teeth). Emotions
    are rendered relative to a neutral face: they undo this first (motion.emotion.blend)."""

    smile: float = 0.0
    lips_apart: float = 0.0


def neutral(t_s: float = 0.0) -> MotionFrame:
    """The photo as it is: every parameter at rest."""
    return MotionFrame(t_s=t_s)
