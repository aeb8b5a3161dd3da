"""facetalk's motion parameters as ARKit face blendshapes and head/eye rotations, and back.

The 52 ARKit blendshapes (0..1, by Apple's names, as iPhone face capture, Live Link Face,
Audio2Face, VRM and three.js avatars exchange them) plus head and eye yaw/pitch/roll are the 61
values of a Live Link Face frame. facetalk's parameters map onto them one way, and back (with
facetalk's own columns, exactly): a signed parameter splits into two one-sided shapes (smile: mouthSmile
or mouthFrown; lip_spread: mouthStretch or mouthPucker; brow_raise: browOuterUp or browDown;
blink: eyeBlink or, below 0, eyeWide; gaze: eyeLook*), as the parameter table (facetalk.params)
lists them. browDown is AU4, which lowers the brows and knits them: written from brow_raise < 0
alone (brow_knit rides in its own column), read into both, brow_raise = -browDown and brow_knit =
browDown, where the knit column is NaN (a capture's browDown is the whole frown; io.motion reads a
facetalk file from before that column as knit 0). eyeSquint carries eye_squint plus the squint a smile makes (face capture raises it
with every smile; the rig's smile squints the lids itself, so reading it back takes that part
off). Shapes facetalk has no parameter for
(cheekPuff, jawLeft, mouthRollLower, tongueOut, ...) are written as 0 and ignored when read.
A frown beyond smile = -1 (an emotion undoing a smiling photo's own smile) is written as
mouthFrown = 1. Rotations are in radians, in facetalk's convention (yaw + turns the face toward the image's
right, pitch + nods down, roll + clockwise). What the 61 values cannot carry (head translation,
camera zoom, smile and smirk where together they pass what the shapes hold, the tongue tip
raised behind the upper teeth, which tongueOut is not, the brows' knit apart from their drop, and fear's lip
stretcher, lip_stretch, apart from lip_spread's speech spread, which mouthStretch carries) goes in facetalk's own
columns (EXTRA), which other readers ignore.
"""

from __future__ import annotations

import math

import numpy as np

from facetalk.motion.frame import MotionFrame
from facetalk.motion.gaze import GAZE_X_DEG, GAZE_Y_DEG
from facetalk.face.rig import EYE_SQUINT, SMILE_SQUINT
from facetalk.params import FACE

BLENDSHAPES = (
    "EyeBlinkLeft", "EyeLookDownLeft", "EyeLookInLeft", "EyeLookOutLeft", "EyeLookUpLeft", "EyeSquintLeft",
    "EyeWideLeft", "EyeBlinkRight", "EyeLookDownRight", "EyeLookInRight", "EyeLookOutRight", "EyeLookUpRight",
    "EyeSquintRight", "EyeWideRight", "JawForward", "JawRight", "JawLeft", "JawOpen", "MouthClose",
    "MouthFunnel", "MouthPucker", "MouthRight", "MouthLeft", "MouthSmileLeft", "MouthSmileRight",
    "MouthFrownLeft", "MouthFrownRight", "MouthDimpleLeft", "MouthDimpleRight", "MouthStretchLeft",
    "MouthStretchRight", "MouthRollLower", "MouthRollUpper", "MouthShrugLower", "MouthShrugUpper",
    "MouthPressLeft", "MouthPressRight", "MouthLowerDownLeft", "MouthLowerDownRight", "MouthUpperUpLeft",
    "MouthUpperUpRight", "BrowDownLeft", "BrowDownRight", "BrowInnerUp", "BrowOuterUpLeft", "BrowOuterUpRight",
    "CheekPuff", "CheekSquintLeft", "CheekSquintRight", "NoseSneerLeft", "NoseSneerRight", "TongueOut",
)
ROTATIONS = ("HeadYaw", "HeadPitch", "HeadRoll", "LeftEyeYaw", "LeftEyePitch", "LeftEyeRoll",
             "RightEyeYaw", "RightEyePitch", "RightEyeRoll")
COLUMNS = BLENDSHAPES + ROTATIONS  # a Live Link Face frame, in its order
# What a Live Link Face frame cannot carry, in columns of facetalk's own after its 61 (other
# readers ignore them; without them a file reads as no translation, camera at 1).
# Smile and smirk are carried too: together they can exceed what the one-sided shapes hold; and
# lip_spread, which an emotion's undo of a smiling photo's width takes below MouthPucker's -1 (to -2.1).
EXTRA = ("FacetalkHeadX", "FacetalkHeadY", "FacetalkCameraZoom", "FacetalkSmile", "FacetalkSmirk", "FacetalkTongueTip",
         "FacetalkBrowKnit", "FacetalkLipStretch", "FacetalkLipSpread")
EXTRA_DEFAULTS = (0.0, 0.0, 1.0, math.nan, math.nan, 0.0, math.nan, 0.0, math.nan)  # NaN: derive from the ARKit shapes
_INDEX = {name: i for i, name in enumerate(COLUMNS)}
_TABLED = tuple(p for p in FACE if p.arkit)
_SMILE_EYE_SQUINT = SMILE_SQUINT / EYE_SQUINT  # eye_squint units of the lower-lid rise smile = 1 makes


def to_arkit(frame: MotionFrame) -> np.ndarray:
    """(70,) float64: the frame as COLUMNS + EXTRA values (blendshapes 0..1, rotations in
    radians, head translation in face heights, camera zoom, smile, smirk, tongue tip, brow knit,
    lip stretcher and lip spread)."""
    v = np.zeros(len(COLUMNS) + len(EXTRA))
    v[len(COLUMNS):] = (frame.tx, frame.ty, frame.scale, frame.smile, frame.smirk, frame.tongue_tip, frame.brow_knit,
                        frame.lip_stretch, frame.lip_spread)

    def put(names: tuple[str, ...], value: float) -> None:
        for name in names:
            v[_INDEX[name]] = min(max(value, 0.0), 1.0)

    for p in _TABLED:  # one value to its shapes, by the table (facetalk.params)
        value = getattr(frame, p.name)
        put(p.arkit, value)
        put(p.arkit_negative, -value / p.arkit_negative_scale)
    # Gaze + x: the eyes turn to the image's right, the subject's left: out for the left eye.
    put(("EyeLookOutLeft", "EyeLookInRight"), frame.gaze_x)
    put(("EyeLookInLeft", "EyeLookOutRight"), -frame.gaze_x)
    put(("MouthSmileLeft",), frame.smile + max(frame.smirk, 0.0))
    put(("MouthSmileRight",), frame.smile + max(-frame.smirk, 0.0))
    if frame.smile < 0:  # a frown lifts no corner but the smirk's
        put(("MouthSmileLeft",), max(frame.smirk, 0.0))
        put(("MouthSmileRight",), max(-frame.smirk, 0.0))
    put(("MouthFrownLeft", "MouthFrownRight"), -frame.smile)
    put(("CheekSquintLeft", "CheekSquintRight"), (frame.smile - 0.4) / 0.6)  # a broad smile squints
    # Face capture raises EyeSquint with every smile; the rig's smile squints the lids itself.
    put(("EyeSquintLeft", "EyeSquintRight"), frame.eye_squint + _SMILE_EYE_SQUINT * max(frame.smile, 0.0))
    for i, name in enumerate(("HeadYaw", "HeadPitch", "HeadRoll")):
        v[_INDEX[name]] = math.radians((frame.yaw_deg, frame.pitch_deg, frame.roll_deg)[i])
    for eye in ("LeftEye", "RightEye"):
        v[_INDEX[f"{eye}Yaw"]] = math.radians(frame.gaze_x * GAZE_X_DEG)
        v[_INDEX[f"{eye}Pitch"]] = math.radians(frame.gaze_y * GAZE_Y_DEG)
    return v


def from_arkit(values: np.ndarray, *, t_s: float) -> MotionFrame:
    """The MotionFrame of (70,) COLUMNS + EXTRA values (blendshapes, the tongue tip, the brow
    knit and the lip stretcher clipped to 0..1; NaN extras at their defaults, smile, smirk, brow knit and
    lip spread then from the shapes: the knit is browDown's mean, AU4's knit with its drop)."""
    v = {name: float(x) for name, x in zip(COLUMNS + EXTRA, np.asarray(values, np.float64))}
    shape = {name: min(max(v[name], 0.0), 1.0) for name in BLENDSHAPES}

    def pair(name: str) -> float:
        return 0.5 * (shape[f"{name}Left"] + shape[f"{name}Right"])

    smile_left, smile_right = shape["MouthSmileLeft"], shape["MouthSmileRight"]
    both = min(smile_left, smile_right)
    smile = v["FacetalkSmile"] if math.isfinite(v["FacetalkSmile"]) else both - pair("MouthFrown")
    smirk = v["FacetalkSmirk"] if math.isfinite(v["FacetalkSmirk"]) else smile_left - smile_right
    knit = v["FacetalkBrowKnit"] if math.isfinite(v["FacetalkBrowKnit"]) else pair("BrowDown")
    tabled = {p.name: _mean(shape, p.arkit) - p.arkit_negative_scale * _mean(shape, p.arkit_negative)
              for p in _TABLED}
    if math.isfinite(v["FacetalkLipSpread"]):
        tabled["lip_spread"] = v["FacetalkLipSpread"]
    # The squint the smile already makes is not squinted again.
    eye_squint = max(pair("EyeSquint") - _SMILE_EYE_SQUINT * max(smile, 0.0), 0.0)
    return MotionFrame(
        t_s=t_s, yaw_deg=math.degrees(v["HeadYaw"]), pitch_deg=math.degrees(v["HeadPitch"]),
        roll_deg=math.degrees(v["HeadRoll"]), tx=v["FacetalkHeadX"], ty=v["FacetalkHeadY"],
        scale=v["FacetalkCameraZoom"], smile=smile, smirk=smirk, eye_squint=eye_squint, **tabled,
        tongue_tip=min(max(v["FacetalkTongueTip"], 0.0), 1.0), brow_knit=min(max(knit, 0.0), 1.0),
        lip_stretch=min(max(v["FacetalkLipStretch"], 0.0), 1.0),
        gaze_x=0.5 * (shape["EyeLookOutLeft"] + shape["EyeLookInRight"] - shape["EyeLookInLeft"]
                      - shape["EyeLookOutRight"]),
    )


def _mean(shape: dict[str, float], names: tuple[str, ...]) -> float:
    return sum(shape[name] for name in names) / len(names) if names else 0.0
