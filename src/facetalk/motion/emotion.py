"""Emotions as offsets on the expression parameters, plus a head posture and a liveliness.

The offsets follow the action units of each basic emotion (Ekman and Friesen's FACS): happy =
AU6+12 (cheeks up, lip corners up and out), sad = AU1+4+15 (inner brows up, frown, corners
down), angry = AU4+5+7+23/24 (lowered brows, glaring lids, pressed lips), surprised = AU1+2+5+26
(brows up, eyes wide, jaw dropped), disgusted = AU9+10+15 (nose wrinkle, upper lip up), fearful
= AU1+2+4+5+20+26 (brows up and drawn together, eyes wide, lips stretched), contempt = unilateral
AU14 (one corner up). They are added to what the lips and the prosody produce, so speech stays
in sync. Values are at strength 1: clear, not caricatured.
"""

from __future__ import annotations

from dataclasses import dataclass

from facetalk.config import EMOTIONS
from facetalk.motion.frame import PhotoExpression

# Expression offsets; "blink" is added to both lids (negative: eyes wider).
OFFSETS: dict[str, dict[str, float]] = {
    "neutral": {},
    # AU6+12+25: corners up and out, cheeks up, lids narrowed by the cheeks, lips apart on the teeth.
    "happy": {"smile": 1.0, "lip_spread": 0.2, "blink": 0.15, "brow_raise": 0.1, "jaw_open": 0.1,
              "upper_lip_raise": 0.3},
    # AU1+4+15+17: inner brows up and drawn together, the frown (smile < 0: corners down, chin up),
    # heavy lids.
    "sad": {"smile": -0.9, "brow_inner_raise": 1.0, "brow_raise": -0.2, "blink": 0.3},
    # AU4+5+7+23: the brow lowerer (brow_raise < 0), glaring lids, lips pressed.
    "angry": {"brow_raise": -1.0, "blink": -0.25, "lip_press": 0.6, "smile": -0.2},
    # AU1+2+5+26: brows up, eyes wide, jaw dropped.
    "surprised": {"brow_raise": 1.0, "brow_inner_raise": 0.4, "blink": -0.3, "jaw_open": 0.4, "lip_spread": -0.2},
    # AU9+10+15: upper lip up, brows down, corners down.
    "disgusted": {"upper_lip_raise": 0.9, "brow_raise": -0.5, "smile": -0.4, "blink": 0.25, "lower_lip_depress": 0.2},
    # AU1+2+4+5+20+26: brows up and drawn together, eyes wide, lips stretched sideways and down.
    "fearful": {"brow_raise": 0.6, "brow_inner_raise": 1.0, "blink": -0.3, "lip_spread": 0.7, "jaw_open": 0.15,
                "lower_lip_depress": 0.3, "smile": -0.3},
    # AU14, one side: the subject's left corner up and in.
    "contempt": {"smirk": 1.0, "brow_raise": -0.1},
}

# Head posture in degrees (pitch + down, roll + clockwise): sadness hangs the head, surprise
# and contempt lift the chin, anger lowers it toward the other person.
POSTURE_DEG: dict[str, tuple[float, float]] = {
    "neutral": (0.0, 0.0), "happy": (-1.0, 1.5), "sad": (5.0, -1.5), "angry": (3.0, 0.0),
    "surprised": (-3.0, 0.0), "disgusted": (1.0, -2.0), "fearful": (1.5, 0.0), "contempt": (-3.0, 2.5),
}

# How much the head moves while speaking, relative to neutral: sad speech is subdued, happy,
# angry and surprised speech animated.
LIVELINESS: dict[str, float] = {
    "neutral": 1.0, "happy": 1.2, "sad": 0.6, "angry": 1.25, "surprised": 1.2, "disgusted": 0.9,
    "fearful": 0.9, "contempt": 0.8,
}


# How far each emotion shuts lips the photo shows apart (a toothy smile), while the voice rests.
CLOSES_LIPS = {"sad": 1.0, "angry": 1.0, "contempt": 0.7}


@dataclass(frozen=True)
class Blend:
    """A mix of emotions: expression offsets, head posture (pitch, roll in degrees), liveliness,
    and how far to press shut the photo's own parted lips where the speech leaves them at rest."""

    offsets: dict[str, float]
    posture_deg: tuple[float, float]
    liveliness: float
    closes_lips: float = 0.0


def blend(weights: tuple[float, ...], *, photo: PhotoExpression = PhotoExpression()) -> Blend:
    """The mix of EMOTIONS with these weights (each times its strength; the rest is neutral).

    Emotions are relative to a neutral face, not to the photo's expression: one that does not
    smile first undoes the photo's own smile (sad on a broad smile turns the corners down) and
    may shut its parted lips; happy smiles on top of whatever the photo shows."""
    offsets: dict[str, float] = {}
    closes = 0.0
    for w, name in zip(weights, EMOTIONS):
        if name == "neutral" or w == 0.0:
            continue
        for param, value in OFFSETS[name].items():
            offsets[param] = offsets.get(param, 0.0) + w * value
        if OFFSETS[name].get("smile", 0.0) <= 0.0:
            offsets["smile"] = offsets.get("smile", 0.0) - w * photo.smile
        closes += w * CLOSES_LIPS.get(name, 0.0) * photo.lips_apart
    posture = tuple(sum(w * POSTURE_DEG[name][i] for w, name in zip(weights, EMOTIONS)) for i in range(2))
    liveliness = 1.0 + sum(w * (LIVELINESS[name] - 1.0) for w, name in zip(weights, EMOTIONS))
    return Blend(offsets=offsets, posture_deg=posture, liveliness=liveliness, closes_lips=closes)
