"""facetalk's parameters as ARKit blendshapes and back."""

import numpy as np
import pytest

from facetalk.motion import arkit
from facetalk.motion.frame import MotionFrame

FIELDS = [f for f in MotionFrame(t_s=0).to_dict() if f != "t_s"]


def test_the_52_blendshapes_by_apples_names():
    assert len(arkit.BLENDSHAPES) == 52 and len(set(arkit.BLENDSHAPES)) == 52
    assert len(arkit.COLUMNS) == 61
    for name in ("JawOpen", "MouthSmileLeft", "MouthFrownRight", "MouthPucker", "MouthFunnel", "MouthPressLeft",
                 "MouthRollLower", "MouthShrugUpper", "CheekSquintLeft", "CheekPuff", "NoseSneerLeft", "BrowInnerUp",
                 "BrowDownLeft", "BrowOuterUpRight", "EyeBlinkLeft", "EyeSquintLeft", "EyeWideRight", "EyeLookUpLeft"):
        assert name in arkit.BLENDSHAPES


@pytest.mark.parametrize("seed", range(5))
def test_round_trip_is_exact(seed):
    rng = np.random.default_rng(seed)
    values = dict(yaw_deg=rng.uniform(-20, 20), pitch_deg=rng.uniform(-15, 15), roll_deg=rng.uniform(-10, 10),
                  tx=rng.uniform(-0.05, 0.05), ty=rng.uniform(-0.05, 0.05), scale=rng.uniform(0.5, 2),
                  jaw_open=rng.uniform(0, 1), lip_spread=rng.uniform(-1, 1), smile=rng.uniform(-1, 1),
                  upper_lip_raise=rng.uniform(0, 1), lower_lip_depress=rng.uniform(0, 1),
                  smirk=rng.uniform(-0.3, 0.3), brow_raise=rng.uniform(-1, 1), brow_inner_raise=rng.uniform(0, 1),
                  blink_left=rng.uniform(-0.3, 1), blink_right=rng.uniform(-0.3, 1), gaze_x=rng.uniform(-1, 1),
                  gaze_y=rng.uniform(-1, 1), lip_press=rng.uniform(0, 1), nose_sneer=rng.uniform(0, 1),
                  eye_squint=rng.uniform(0, 0.25), jaw_sideways=rng.uniform(-1, 1), jaw_forward=rng.uniform(0, 1),
                  mouth_sideways=rng.uniform(-1, 1), mouth_funnel=rng.uniform(0, 1), mouth_roll_lower=rng.uniform(0, 1),
                  mouth_roll_upper=rng.uniform(0, 1), mouth_shrug_lower=rng.uniform(0, 1),
                  mouth_shrug_upper=rng.uniform(0, 1), mouth_dimple=rng.uniform(0, 1), cheek_puff=rng.uniform(0, 1),
                  tongue_tip=rng.uniform(0, 1), brow_knit=rng.uniform(0, 1))
    if values["smile"] > 0:  # a smile and a smirk together stay within the blendshapes' 0..1
        values["smile"] *= 1 - abs(values["smirk"])
    frame = MotionFrame(t_s=1.0, **values)
    shapes = arkit.to_arkit(frame)
    assert np.all(shapes[:52] >= 0) and np.all(shapes[:52] <= 1)
    back = arkit.from_arkit(shapes, t_s=1.0)
    for name in FIELDS:
        assert getattr(back, name) == pytest.approx(getattr(frame, name), abs=1e-9), name



def test_the_tongue_tip_rides_in_facetalks_own_column_not_in_tongue_out():
    """No ARKit shape is the tip raised behind the upper teeth (tongueOut puts the tongue out of the mouth), so it
    travels in FacetalkTongueTip; a capture file without that column reads as the tip resting low."""
    shapes = arkit.to_arkit(MotionFrame(t_s=0.0, tongue_tip=0.8))
    assert shapes[arkit.COLUMNS.index("TongueOut")] == 0.0
    assert shapes[len(arkit.COLUMNS) + arkit.EXTRA.index("FacetalkTongueTip")] == 0.8
    captured = np.concatenate([shapes[:len(arkit.COLUMNS)], arkit.EXTRA_DEFAULTS])
    assert arkit.from_arkit(captured, t_s=0.0).tongue_tip == 0.0


def test_the_lip_stretcher_rides_in_its_own_column_and_a_captures_mouth_stretch_is_lip_spread():
    """Fear's AU20 (lip_stretch) is not speech's spread: facetalk writes it in FacetalkLipStretch and
    reads it back; a capture's mouthStretch stays lip_spread, with no stretcher."""
    shapes = arkit.to_arkit(MotionFrame(t_s=0.0, lip_stretch=0.6))
    assert shapes[arkit.COLUMNS.index("MouthStretchLeft")] == 0.0
    assert arkit.from_arkit(shapes, t_s=0.0).lip_stretch == pytest.approx(0.6)
    captured = np.concatenate([arkit.to_arkit(MotionFrame(t_s=0.0, lip_spread=0.5))[:len(arkit.COLUMNS)],
                               arkit.EXTRA_DEFAULTS])
    read = arkit.from_arkit(captured, t_s=0.0)
    assert read.lip_stretch == 0.0 and read.lip_spread == pytest.approx(0.5)


def test_lip_spread_past_the_puckers_minus_one_rides_in_its_own_column():
    """An emotion's undo of a smiling photo's width takes lip_spread below -1 (surp49), which
    MouthPucker (0..1) cannot hold: facetalk writes it in FacetalkLipSpread and reads it back whole;
    a capture without the column reads it from MouthPucker, at -1 at most."""
    shapes = arkit.to_arkit(MotionFrame(t_s=0.0, lip_spread=-1.55))
    assert shapes[arkit.COLUMNS.index("MouthPucker")] == 1.0
    assert arkit.from_arkit(shapes, t_s=0.0).lip_spread == pytest.approx(-1.55)
    captured = np.concatenate([shapes[:len(arkit.COLUMNS)], arkit.EXTRA_DEFAULTS])
    assert arkit.from_arkit(captured, t_s=0.0).lip_spread == pytest.approx(-1.0)


def test_the_brow_knit_rides_in_its_own_column_and_a_captures_brow_down_knits_too():
    """browDown is AU4, the brows lowered and knit: facetalk writes it from brow_raise < 0 alone and the knit
    in FacetalkBrowKnit (fear knits raised brows), so its own files read back exactly; a capture file
    without that column reads its browDown as both the lowering and the knit."""
    shapes = arkit.to_arkit(MotionFrame(t_s=0.0, brow_raise=0.4, brow_knit=0.7))
    named = dict(zip(arkit.COLUMNS, shapes))
    assert named["BrowDownLeft"] == named["BrowDownRight"] == 0.0 and named["BrowOuterUpLeft"] == 0.4
    assert shapes[len(arkit.COLUMNS) + arkit.EXTRA.index("FacetalkBrowKnit")] == 0.7
    back = arkit.from_arkit(shapes, t_s=0.0)
    assert (back.brow_raise, back.brow_knit) == (0.4, 0.7)
    frown = arkit.to_arkit(MotionFrame(t_s=0.0, brow_raise=-0.6))
    captured = np.concatenate([frown[:len(arkit.COLUMNS)], arkit.EXTRA_DEFAULTS])
    read = arkit.from_arkit(captured, t_s=0.0)
    assert read.brow_raise == pytest.approx(-0.6) and read.brow_knit == pytest.approx(0.6)


def test_one_sided_shapes():
    shapes = dict(zip(arkit.COLUMNS, arkit.to_arkit(MotionFrame(t_s=0, smile=-0.6, blink_left=-0.3, gaze_x=0.5))))
    assert shapes["MouthFrownLeft"] == pytest.approx(0.6) and shapes["MouthSmileLeft"] == 0.0
    assert shapes["EyeWideLeft"] == pytest.approx(1.0) and shapes["EyeBlinkLeft"] == 0.0
    # Looking toward the image's right is toward the subject's left: out for the left eye.
    assert shapes["EyeLookOutLeft"] == shapes["EyeLookInRight"] == pytest.approx(0.5)
    assert shapes["EyeLookInLeft"] == shapes["EyeLookOutRight"] == 0.0


def test_a_captured_smiles_squint_is_not_squinted_twice():
    """Face capture raises EyeSquint with every smile; the rig's smile already raises the lower
    lids, so only a squint beyond the smile's own becomes eye_squint."""
    from facetalk.face.rig import EYE_SQUINT, SMILE_SQUINT

    smiling = arkit.to_arkit(MotionFrame(t_s=0.0, smile=0.8))
    index = arkit.COLUMNS.index("EyeSquintLeft")
    assert smiling[index] == pytest.approx(0.8 * SMILE_SQUINT / EYE_SQUINT)
    assert arkit.from_arkit(smiling, t_s=0.0).eye_squint == 0.0
    squinting = smiling.copy()
    squinting[[index, arkit.COLUMNS.index("EyeSquintRight")]] += 0.2
    assert arkit.from_arkit(squinting, t_s=0.0).eye_squint == pytest.approx(0.2)
