"""The one table of motion parameters: name, range, face region, mirror pair and ARKit blendshapes.

Every MotionFrame field but `t_s` is a row. The face rig builds one displacement basis per
EXPRESSION row, in this order; holistic motion clips every face parameter to its range; the
ARKit/Live Link Face files (motion.arkit) write each row's blendshapes. `arkit` names the
one-sided ARKit shapes a positive value drives, `arkit_negative` those a negative value drives
(-value / `arkit_negative_scale` is then their weight); weights are clipped to 0..1. Rows whose ARKit form is not one
value to one pair of shapes (smile and smirk share the mouthSmile pair; gaze turns one eye in
and the other out; brow_knit is half of browDown's AU4, brow_raise < 0 the other) leave `arkit`
empty and motion.arkit maps them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Parameter:
    """One motion parameter. `region`: the part of the face or pose it moves; `pair`: the
    parameter mirroring it on the other side of the face ('' if none); `doc`: its units."""

    name: str
    lo: float
    hi: float
    region: str
    doc: str
    pair: str = ""
    arkit: tuple[str, ...] = ()
    arkit_negative: tuple[str, ...] = ()
    arkit_negative_scale: float = 1.0


def _both(shape: str) -> tuple[str, str]:
    return (f"{shape}Left", f"{shape}Right")


WIDE_BLINK = 0.3  # blink = -0.3 is eyeWide = 1

# Expression coefficients, in the order of the face rig's blendshape basis.
EXPRESSION = (
    Parameter("jaw_open", 0.0, 1.0, "jaw", "0 closed .. 1 wide open", arkit=("JawOpen",)),
    Parameter("lip_spread", -2.1, 1.0, "lips",
              "-1 rounded/narrow (u, o) .. +1 spread (i, e) (down to -2.1 when an emotion first undoes a smiling "
              "photo's own smile: its width, up to 1.05 past the rounding's -1, motion.emotion.UNDO_SMILE)",
              arkit=_both("MouthStretch"), arkit_negative=("MouthPucker",)),
    Parameter("smile", -2.0, 1.0, "lips",
              "-1 corners down .. +1 corners up and out, relative to the photo (down to -2 when an emotion "
              "first undoes a smiling photo's own smile)"),
    Parameter("upper_lip_raise", 0.0, 1.0, "lips", "0 .. 1 upper lip lifts off the teeth",
              arkit=_both("MouthUpperUp")),
    Parameter("lower_lip_depress", 0.0, 1.0, "lips", "0 .. 1 lower lip pulls down off the lower teeth (jaw stays)",
              arkit=_both("MouthLowerDown")),
    Parameter("smirk", -1.0, 1.0, "lips", "-1 .. +1 one-sided smile: + lifts the subject's left corner, - the right"),
    Parameter("brow_raise", -1.0, 1.0, "brows", "-1 frown (brow lowerer) .. +1 raised",
              arkit=_both("BrowOuterUp"), arkit_negative=_both("BrowDown")),
    Parameter("brow_inner_raise", 0.0, 1.0, "brows", "0 .. 1 inner ends of the brows lift (sadness, worry, fear)",
              arkit=("BrowInnerUp",)),
    Parameter("blink_left", -WIDE_BLINK, 1.0, "eyes",
              "-0.3 wide open .. 0 as photographed .. 1 closed (subject's left eye)", pair="blink_right",
              arkit=("EyeBlinkLeft",), arkit_negative=("EyeWideLeft",), arkit_negative_scale=WIDE_BLINK),
    Parameter("blink_right", -WIDE_BLINK, 1.0, "eyes",
              "-0.3 wide open .. 0 as photographed .. 1 closed (subject's right eye)", pair="blink_left",
              arkit=("EyeBlinkRight",), arkit_negative=("EyeWideRight",), arkit_negative_scale=WIDE_BLINK),
    Parameter("gaze_x", -1.0, 1.0, "eyes", "-1 subject looks to the image's left .. +1 image's right"),
    Parameter("gaze_y", -1.0, 1.0, "eyes", "-1 up .. +1 down",
              arkit=_both("EyeLookDown"), arkit_negative=_both("EyeLookUp")),
    Parameter("nose_sneer", 0.0, 1.0, "nose",
              "0 .. 1 the nose wrinkler (AU9): nose wings and the cheeks beside them up, the upper lip "
              "squared up beside its middle",
              arkit=_both("NoseSneer")),
    Parameter("eye_squint", 0.0, 1.0, "eyes",
              "0 .. 1 the lid tightener (AU7): the lower lids rise into the eye opening, beyond a smile's own squint"),
    Parameter("jaw_sideways", -1.0, 1.0, "jaw", "-1 .. +1 the jaw shifts toward the subject's right .. left",
              arkit=("JawLeft",), arkit_negative=("JawRight",)),
    Parameter("jaw_forward", 0.0, 1.0, "jaw", "0 .. 1 the jaw juts forward", arkit=("JawForward",)),
    Parameter("mouth_sideways", -1.0, 1.0, "lips", "-1 .. +1 the closed lips shift toward the subject's right .. left",
              arkit=("MouthLeft",), arkit_negative=("MouthRight",)),
    Parameter("mouth_funnel", 0.0, 1.0, "lips", "0 .. 1 the lips flare into a funnel (corners in, lips apart and forward)",
              arkit=("MouthFunnel",)),
    Parameter("mouth_roll_lower", 0.0, 1.0, "lips", "0 .. 1 the lower lip rolls in over the teeth",
              arkit=("MouthRollLower",)),
    Parameter("mouth_roll_upper", 0.0, 1.0, "lips", "0 .. 1 the upper lip rolls in", arkit=("MouthRollUpper",)),
    Parameter("mouth_shrug_lower", 0.0, 1.0, "lips", "0 .. 1 the chin raiser (AU17) pushes the lower lip up",
              arkit=("MouthShrugLower",)),
    Parameter("mouth_shrug_upper", 0.0, 1.0, "lips", "0 .. 1 the upper lip rises a little", arkit=("MouthShrugUpper",)),
    Parameter("mouth_dimple", 0.0, 1.0, "lips", "0 .. 1 the dimpler (AU14): the corners tighten in and back",
              arkit=_both("MouthDimple")),
    Parameter("cheek_puff", 0.0, 1.0, "cheeks", "0 .. 1 the cheeks puff out", arkit=("CheekPuff",)),
    Parameter("brow_knit", 0.0, 1.0, "brows",
              "0 .. 1 the corrugator's knit (AU4 without the whole brow's drop): the brows' inner heads and "
              "the skin between them drawn toward the midline and a little down, under raised brows too (fear)"),
    Parameter("lip_stretch", 0.0, 1.0, "lips",
              "0 .. 1 the lip stretcher (AU20, fear): the corners drawn straight back toward the ears and a "
              "little down, the lips thinned by tension; not lip_spread's speech spread (carried in FacetalkLipStretch)"),
)
# Face parameters that are not blendshapes of the rig: applied after them (renderer) or drawn.
AFTER_EXPRESSION = (
    Parameter("lip_press", 0.0, 1.0, "lips",
              "0 .. 1 presses the inner lips together whatever the jaw does (p, b, m): it closes the current gap",
              arkit=_both("MouthPress")),
    Parameter("tongue_tip", 0.0, 1.0, "tongue",
              "0 resting low behind the lower teeth .. 1 tip up at the back of the upper teeth (t d n l); "
              "no ARKit shape carries it"),
)
POSE = (
    Parameter("yaw_deg", -60.0, 60.0, "head", "degrees; + turns the face toward the image's right"),
    Parameter("pitch_deg", -60.0, 60.0, "head", "degrees; + nods down"),
    Parameter("roll_deg", -60.0, 60.0, "head", "degrees; + tilts clockwise in the image"),
    Parameter("tx", -1.0, 1.0, "head", "face heights; + right"),
    Parameter("ty", -1.0, 1.0, "head", "face heights; + down"),
    Parameter("scale", 0.5, 2.0, "camera", "camera zoom: 1 as photographed, < 1 farther away"),
)
FACE = EXPRESSION + AFTER_EXPRESSION
ALL = POSE + FACE
BY_NAME = {p.name: p for p in ALL}
EXPRESSION_NAMES = tuple(p.name for p in EXPRESSION)
FACE_NAMES = tuple(p.name for p in FACE)
_FACE_INDEX = {name: i for i, name in enumerate(FACE_NAMES)}
FACE_LO = np.array([p.lo for p in FACE])
FACE_HI = np.array([p.hi for p in FACE])

# ARKit shapes no facetalk parameter drives (written as 0, ignored when read), or that are derived
# from others (CheekSquint from a broad smile, EyeSquint from eye_squint and the smile's own squint,
# EyeLookIn/Out from gaze_x, MouthSmile/Frown from smile and smirk): see motion.arkit.
ARKIT_DERIVED = (*_both("CheekSquint"), *_both("EyeSquint"), *_both("EyeLookIn"), *_both("EyeLookOut"),
                 *_both("MouthSmile"), *_both("MouthFrown"))
ARKIT_UNSUPPORTED = ("MouthClose", "TongueOut")


@dataclass(frozen=True)
class PhotoExpression:
    """The photo's own expression, in the units of the expression parameters: `smile` 0..1 (how
    far its mouth corners are raised, as the `smile` coefficient would raise them from a neutral
    mouth), `lips_apart` 0..1 (how far its lips are parted, as in a smile with teeth),
    `corner_lift` (how high its mouth corners sit above the line through the lips' middle, in
    mouth widths, as the photo shows them: a neutral mouth's are about face.expression.
    NEUTRAL_CORNER_LIFT; None where not measured, read as all of `smile`'s lift). A smile can be
    read from the mouth's width where its corners hardly show lifted (a face seen from below):
    `corner_lift` says how far undoing it should bring them down. `turn`: how far the head is
    turned, the nose tip's offset from the eyes' midpoint along the eye line in eye distances,
    + toward the subject's left (that cheek turned away from the camera); 0 in expressions saved
    before it. `lid_cover`: how far the upper lids can rise (blink < 0, in its units) before they
    bare white above the iris: the share of the eye's opening by which the lid covers the iris'
    top (the lesser eye's; None where not measured). Emotions are rendered relative to a neutral
    face: they undo this first (motion.emotion.blend)."""

    smile: float = 0.0
    lips_apart: float = 0.0
    corner_lift: float | None = None
    turn: float = 0.0
    lid_cover: float | None = None


def face_index(name: str) -> int:
    """Position of a face parameter in FACE order (the order of the (P,) face vectors)."""
    return _FACE_INDEX[name]


def clip_face(values: np.ndarray) -> np.ndarray:
    """(P,) face parameter values in FACE order, each clipped to its range."""
    return np.clip(values, FACE_LO, FACE_HI)
