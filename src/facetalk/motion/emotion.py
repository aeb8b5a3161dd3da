"""Emotions as action-unit targets on the expression parameters, plus a head posture and a liveliness.

The recipes follow the action units of each basic emotion (Ekman and Friesen's FACS): happy =
AU6+12+25 (cheeks up, lip corners up and out, lids narrowed, teeth), sad = AU1+4+15+17 (inner
brows up, frown, corners down, chin up, heavy lids), angry = AU4+5+7+23/24 (lowered brows,
glaring lids, pressed lips), surprised = AU1+2+5+26 (brows up, eyes wide, jaw dropped),
disgusted = AU9+10+15 (nose wrinkle, upper lip up, corners down, lids narrowed), fearful =
AU1+2+5+20+26 (brows up, level rather than sad's slant, eyes wide, lips stretched toward the
ears, jaw a little open; on a toothy photo the mouth opens from the smile's teeth under the upper
lip rolled down over them),
contempt = unilateral AU14 (one corner up). They are targets on a neutral face: the photo's own
smile and parted lips are undone first (blend; sad, angry and disgust undo only part of the smile,
their own frown doing the rest: UNDO_SHARE), so an emotion holds on whatever the photo shows.
Neutral, commanded, is that neutral face (a smiling photo's smile undone, its teeth shut); with no
emotion commanded (the control's default, config.NO_EMOTION: every weight 0) the photo's own
expression stays as it is.
They are added to what the lips and the prosody produce, so speech stays in sync. Values are at
strength 1: unmistakable to an expression classifier trained on real photos where it can be
(benchmarks/bench_expression_classifier.py), without caricature, and no stronger than that: every
unit moves dlib's identity distance to the photo (benchmarks/bench_emotions.py), so the lids,
lips and brows move as far as the expression needs to read and no farther.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from facetalk.config import EMOTIONS
from facetalk.face.expression import corner_share
from facetalk.face.rig import (EYE_SQUINT, FROWN_CORNER_OUT, SMILE_SQUINT, SPREAD_CORNER_OUT, SQUINT_UNDONE,
                               UNDO_FROWN_PER_SMILE, UNDO_SPREAD_PER_SMILE)
from facetalk.params import FACE_NAMES, PhotoExpression, face_index

@dataclass(frozen=True, eq=False)
class Recipe:
    """One emotion at strength 1 on a neutral face: offsets of face parameters by name
    (facetalk.params.FACE_NAMES; any other name is refused) and of both lids, added to the blinks
    (`lids`, negative: wider); `lid_raise` (>= 0, blink units): an upper-lid raise (AU5) on top,
    taken only as far as the photo's lids cover the iris (IRIS_COVER_USED of PhotoExpression.lid_cover)."""

    face: Mapping[str, float]
    lids: float = 0.0
    lid_raise: float = 0.0

    def __post_init__(self):
        unknown = sorted(set(self.face) - set(FACE_NAMES))
        if unknown:
            raise ValueError(f"unknown face parameters {unknown} (the lids are `lids`)")
        object.__setattr__(self, "face", MappingProxyType(dict(self.face)))


# Each emotion's action units at strength 1 on a neutral face.
RECIPES: dict[str, Recipe] = {
    # Nothing of its own: commanded, it only undoes the photo's smile (blend).
    "neutral": Recipe({}),
    # AU6+12+25: corners up and out, cheeks up (the smile's own lower-lid squint), lips apart on the
    # teeth, not a laugh's open mouth: with the jaw at 0.3 and the upper lip at 0.6 the lips stood
    # 0.22-0.24 mouth widths apart on the painting and the bearded photo, and the teeth shown moved
    # dlib's identity distance (happy over bench_emotions' five portraits 0.041 more on average).
    "happy": Recipe({"smile": 1.0, "lip_spread": 0.25, "jaw_open": 0.2, "upper_lip_raise": 0.4}, lids=0.05),
    # AU1+4+15+17: inner brows up and drawn together, the frown (smile < 0: corners down), the chin
    # raiser pushing the lower lip up into a pout (and dimpling the chin), a little heavy lids. The
    # brows at 0.7 and -0.15 (1.0 and -0.3 before): the worried brow still reads at 2x, and the
    # brows were a quarter of sad's identity distance on the bundled smile (0.49, 0.41 without).
    "sad": Recipe({"smile": -0.8, "brow_inner_raise": 0.7, "brow_raise": -0.15, "mouth_shrug_lower": 0.5}, lids=0.15),
    # AU4+5+7+23: the brow lowerer (brow_raise < 0), glaring upper lids, tightened lower lids, lips
    # pressed and tightened: rolled in so their red narrows to a thin line, the mouth drawn a little
    # narrower, the corners barely down. Sad's mouth is the downturned pout; with anger's corners as
    # far down (-0.3) and its lips rolled in 0.3, the two shared one arched mouth on smiling photos
    # (out/portraits' 03, 12, 13 at 2x) and differed by the brows alone. The brows at -0.85 (-1.0
    # before): still knit and lowered at 2x, anger's identity distance 0.296 -> 0.285.
    # No press of its own (1.0 before): lips the photo shows apart are shut 0.6 at rest (CLOSES_LIPS;
    # a smile's parting all the way, CLOSES_A_SMILE, since anger51), a tense sliver between tightened
    # lips on a talking photo; pressed fully shut, a talking photo's lips met halfway in
    # sad's pout (Pedersen at 2x) and the closure was most of anger's identity distance there (dlib:
    # 0.352 -> 0.275; the man in glasses 0.425 -> 0.376).
    # The brows at -0.6 (-0.85 before): still knit and lowered at 2x with the glabellar lines and
    # the glare, and dlib still reads them lowered by 0.02 eye distances or more where it did
    # (the bundled photo -0.031 -> -0.021, Biden -0.050 -> -0.038); the brows' drop was most of
    # anger's identity distance (unseen seven 0.310 -> 0.281; Coelho's three-quarter view 0.369 ->
    # 0.304, 0.157 with no brows at all). (Pedersen's reading jumps with a hair strand over his
    # outer brow: -0.000 at -0.85, -0.030 at -0.6, -0.001 at -0.65; out/emo5/abl7-8.)
    # The chin raiser (AU17, 0.4), anger's with pressed lips (AU23+24+17): it pushes the lower lip's
    # middle up, so the pressed line is level, not the curve of the smile a toothy photo's shut lips
    # keep (read as happy: the bundled photo 0.51 -> 0.33, Obama 0.41 -> 0.38; out/emo10/t_b), and
    # dimples the chin; dlib's identity distance 0.005 more over six portraits.
    # The brows at -0.65, the lower lids tightened 0.8 and the upper lids as photographed (-0.6, 0.5
    # and -0.15 before; the lids raised again since emo41, below, under sloped brows): with the rig's
    # brows lowered level, widened lids under them had made a worried stare.
    # The mouth a little narrower (-0.35) for AU23's tightened lips (out/anger29/NOTES.md).
    # The upper lids raised into a stare (-0.25; 0.0 before): with the lids as photographed the
    # lowered brows' hooding and the tensed lower lids left the eye 0.72 of the commanded neutral's
    # opening (the bearded old photo's and the painting's rigs), a tired, stern look at 2x; now
    # 0.95-0.97, white above the iris under the sloped, lowered brows (BROW_TAIL_SHARE: a glare,
    # not emo29's worried stare under level ones). The offline classifier's P(angry) over six
    # portraits 0.064 -> 0.080 with the thinned lips below, still read as commanded on none: top class
    # neutral on 5 of 6, surprise on the bundled photo (0.46), whose stare shows the eye painter's light
    # rim above the iris and reads as alarm at 2x (out/rev41e/REVIEW.md; fainter since the refilled
    # sclera is shaded under the lid, rim41, not re-classified); dlib's identity distance over
    # bench_emotions' five 0.260 -> 0.262 (out/emo41/sweep_lids.log, bench_after2.log). The lips'
    # roll 0.6 thins their red since the rig's roll does (face.rig.ROLL_THIN; it moved the lip
    # whole before, 1% of a mouth width thinner): the red shown mid-mouth 0.70-0.73 of neutral's.
    # The brows knit 0.3 (brow_knit, AU4's corrugator: the heads drawn in toward the midline): with
    # the lowerer alone the brows only came down (fear43). At 0.6 the offline classifier's P(angry)
    # over bundled, 02, 04, 11, 13 rose 0.089 -> 0.119 (0.140 at 0.7 with the glabellar lines
    # deepened too; read as commanded on 0/5, 1/5), but anger's identity distance over
    # bench_emotions' five rose 0.257 -> 0.280 (Biden 0.249 -> 0.317) and a triangle of the bundled
    # photo's lid skin kept 0.30 of its area (test_rig's bar 0.35; 0.34 at 0.4).
    # fear46: the brows at -0.85 and knit 0.5, the upper lids as photographed (0.0): with the lowerer
    # reaching further over the lid (face.rig.BROW_FOLD_SLOPE) and the lid shaded under it
    # (render.shading.BROW_SHADOW), the lids' raise showed white over the iris under brows that had
    # come down, surprise's stare (the bundled photo and Coelho at 2x); as photographed the lowered
    # brows hood the lids into a glare. The offline classifier's P(angry) over the bundled photo, 02,
    # 04, 07, 11, 13: 0.085 -> 0.156, read as commanded 0/6 -> 1/6 (Coelho); dlib's identity distance
    # there 0.335 -> 0.392, over bench_emotions' five 0.276 -> 0.334 (all but neutral 0.287 -> 0.295),
    # the price of brows that read (out/fear46/NOTES.md).
    # fear47b: the upper lids raised 0.15 (AU5) only as far as each photo's lids cover the iris
    # (Recipe.lid_raise, IRIS_COVER_USED): the bundled photo, whose lids hardly cover it (lid_cover
    # 0.04), keeps its lids and reads neutral, not fear47's surprise at an uncapped 0.1; Pedersen and
    # Coelho glare. P(angry) over the six-face probe 0.175 -> 0.187 (1/6), identity 0.396 -> 0.394
    # (out/fear47b/p_t2 aC against out/fear47/p_code; s_angry_t2_eyes.png).
    # anger52: over the 14 (tuned on six, eight held out) only a lower brow (-1.0) or a darker lid
    # shade under it (render.shading.BROW_SHADOW 0.9) raised the held-out P(angry) past the crops'
    # noise (+0.056, +0.051), each for dlib's identity distance +0.03-0.04; not kept
    # (docs/eval/expression_classifier.md, "Anger's cues over the 14").
    "angry": Recipe({"brow_raise": -0.85, "brow_knit": 0.5, "eye_squint": 0.8, "smile": -0.15,
                     "mouth_shrug_lower": 0.4, "mouth_roll_upper": 0.6, "mouth_roll_lower": 0.6,
                     "lip_spread": -0.35}, lid_raise=0.15),
    # AU1+2+5+26: brows up, eyes wide, jaw dropped, lips relaxed into an oval. The jaw at 0.65 and the
    # brows at 0.9 (0.8 and 1.0 before) moved dlib's identity distance least for the surprise they
    # keep (bench_emotions: 0.343 -> 0.320 over five portraits); the lids a little wider (-0.3 before)
    # so the eyes still open past neutral's on Grace Hopper's, under spectacle frames. The jaw at 0.55
    # (0.65 before): still dropped into an oval at 2x; surprise's identity distance on the closed
    # mouths of the unseen seven 0.283 -> 0.269 (Coelho 0.357 -> 0.334, the engraving 0.207 -> 0.181).
    # On parted lips it opens as far as before (PHOTO_OPENING_BY_EMOTION).
    # The brows at 0.8 (0.9 before): dlib still reads them up 0.045 eye distances or more where it
    # did (the bundled photo +0.070 -> +0.063, Obama +0.061 -> +0.053, the man in glasses +0.063 ->
    # +0.045, bench_emotions), and surprise's identity distance fell 0.330 -> 0.320 over the unseen
    # seven (Coelho 0.345 -> 0.332, the painting 0.260 -> 0.249): what disgust's shut teeth on
    # toothy smiles cost (CLOSES_A_SMILE; out/emo9/unseen_c2.txt). At 0.85: Grace Hopper's brows
    # read +0.042 (+0.039 at 0.8, under the issue's +0.04), surprise's identity distance over the
    # five 0.304 -> 0.294 (bench_emotions, out/s28/bench_emo*.log). The jaw at 0.52: past jaw 0.3 the
    # rig lifts the upper lip mid-mouth (face.rig.jaw_lift_share), which at 0.55 opened the bearded
    # photo's closed lips 0.388 mouth widths where 0.52 keeps them at the 0.36 they opened before.
    "surprised": Recipe({"brow_raise": 0.85, "jaw_open": 0.52, "lip_spread": -0.5}, lids=-0.35),
    # AU9+10+15: nose wrinkled, upper lip up off the upper teeth, brows down, corners down, lower
    # lids pushed up. No lower-lip depressor or stretch: the lips it shuts (CLOSES_LIPS) they only
    # pulled about, and they moved dlib's identity distance (0.26 -> 0.23 on the painting without).
    # The wings rise 0.4 (0.55 before; Biden's identity distance 0.32 -> 0.27 at 0.25): the wrinkles
    # (render.shading) keep their depth and carry the rest. The corners down only a little (-0.15;
    # -0.4 before) on a closed mouth: with sad's downturned arch there, disgust read as sad at 2x
    # (out/portraits' 07 and 13), and dlib's identity distance fell 0.433 -> 0.385 and 0.266 -> 0.241
    # at -0.15. On a smiling photo it stays -0.15, the smile undone 0.8 (UNDO_SHARE).
    # The brows down a little (-0.2; -0.35 before): AU9 is not anger's AU4, the nose wrinkle and the
    # lip carry it; disgust's identity distance over the unseen seven 0.323 -> 0.317 (Coelho 0.383
    # -> 0.352; out/emo5/abl9).
    # The wings up 0.5 and the lower lids 0.5 (0.4, 0.35 before), the brows -0.1 and the upper lip
    # 0.5 (-0.2, 0.55): the wrinkled nose and narrowed eyes read at 2x on the closed mouths where
    # disgust was weak (out/portraits' 06, 07, 10, 13; out/emo6/new10d), at no identity cost (dlib
    # over those and Obama, sum of distances 1.352 -> 1.352; wrinkle and lids alone cost +0.05).
    "disgusted": Recipe({"nose_sneer": 0.5, "upper_lip_raise": 0.5, "brow_raise": -0.1, "smile": -0.15,
                         "eye_squint": 0.5}, lids=0.1),
    # AU1+2+5+20+26: brows up and level, eyes wide, lips stretched toward the ears and down off the
    # lower teeth, the jaw a little open, the upper lip rolled down over the upper teeth
    # (mouth_roll_upper: render.mouth covers the synthetic teeth with it): upper teeth showing read
    # as a smile. The brows rise by brow_raise alone, 0.3 (0.4 before: with the inner raise then
    # at 0.8 -> 0.6, fear's identity distance over bench_emotions' five portraits 0.323 -> 0.301).
    # No inner raise of their own (0.6, then 0.3 before) and no frown (-0.3, then -0.1): the inner
    # ends drawn up beyond the outer ones, and the corners' small drop, were sad's worried brow and
    # AU15, and the offline classifier read fear as sad on 5 of 11 portraits (P(sad) on Hopper
    # 0.53 -> 0.24, Biden 0.82 -> 0.70, Coelho 0.48 -> 0.31, and Coelho now reads fear 0.42; dlib's
    # identity distance unchanged, 0.350; out/emo11/q6). AU20 draws the corners sideways, not down.
    # The mouth open on a closed one (jaw 0.3, lower lip down 0.9 until fear45, below; stretched 0.9, the upper lip
    # rolled down 0.8; jaw 0.22, 0.7, stretched 0.55 then 0.7, and no roll before): a dark opening
    # over the lower teeth between stretched lips, not a talking mouth's band of upper teeth
    # (out/emo6/fear5, new7f). The jaw at 0.35 looked the same at 2x and cost dlib's identity
    # distance 0.02 more (the painting 0.240 -> 0.266, Coelho 0.290 -> 0.309). On a photo with its
    # lips apart the opening is the photo's (PHOTO_OPENING_BY_EMOTION); on a toothy smile it opens
    # from the photo's teeth with the upper lip rolled down over them (SMILE_OPENING_BY_EMOTION).
    # Since the rig's roll thins a lip's red (face.rig.ROLL_THIN), that roll thins the upper lip too,
    # as AU20's stretch does: accepted at its cost over bench_emotions' five, fear's identity
    # distance 0.282 -> 0.291 and the classifier's P(fear) over six 0.026 -> 0.017, read on none
    # before or after (out/emo41/bench_after2, fer_after2; out/rev41e/REVIEW.md).
    # The classic fear brow (AU1+2+4): raised and drawn together, flattened (brow_knit 1, the brows
    # up 0.4): without the knit fear could not raise and knit at once, and its brows read as plain
    # surprise or as sad's (fear43). The offline classifier over bundled, 02, 04, 11, 13: P(fear)
    # 0.038 -> 0.069, still read as commanded on none (sad 2, surprise 2, neutral 1, as before).
    # With an inner raise 0.3 (brow_raise 0.3) 0.091, but sad on 3 of 5 (Hopper's fear sad 0.51) and
    # the inner ends rose 1.59 times the outer on the bearded photo (test_emotion's worried-slant
    # bar 1.5; out/fear43/fer_before, fer_trial_noinner, fer_after2).
    # AU20 draws the corners back and a little down; the lower lip's depressor alone (a pull at its
    # middle, none at the corners) opened a U under corners that stayed: dlib read fear's corners
    # +0.02..+0.07 eye distances above the commanded neutral's on all five of bench_emotions'
    # portraits, a grin's geometry, and the offline classifier read the mouth as sad (Biden: its
    # rows alone carried 0.50 of P(sad) 0.69; out/fear45/occ_sad.png) or the open U as a smile.
    # A small frown (-0.2) with the lower lip drawn down 0.6 (0.9) and the jaw at 0.2 (0.3): a
    # tense, flatter, less open mouth with the corners about level (out/fear45/cmp_fear_closed.png,
    # mouth3x_closed.png). Fear's identity distance over bench_emotions' five 0.304 -> 0.291 and
    # P(fear) over the classifier's five 0.065 -> 0.078, still read as commanded on none
    # (out/fear45/NOTES.md). Left off toothy smiles until fear50 (the frown on top dragged the
    # smile's teeth then, the bundled photo's identity distance 0.467 -> 0.535); kept there now
    # (SMILE_OPENING_BY_EMOTION): without the frown their corners stayed a grin's.
    # Not the rig's own lip stretcher (lip_stretch, AU20 out and down, fear47b): in lip_spread's place
    # at 1 it took the corners off the undone smile's lifted path and P(fear) over the six-face probe
    # 0.129 -> 0.145, but fear's identity distance over bench_emotions' five 0.295 -> 0.333 (the
    # bundled photo 0.461 -> 0.520) put all but neutral at 0.302, over the bar; at 0.6 the bundled
    # photo's fear came out narrower than sad (out/fear47b/NOTES.md).
    # Nor (fear48, P(fear) over the nine faces of out/fear47p/p_tF, paired against this recipe, face-
    # to-face standard error 0.015-0.045): the whole roll over a toothy smile's teeth (a grey bar;
    # 11 and 12 then read neutral and sad: -0.005, -0.021 without the jaw), the lower lids tensed
    # (eye_squint 0.4, 0.5, 0.6, 0.8, 1.0: +0.005, +0.024, +0.001, -0.012, -0.034, no trend), the lids
    # raised past the blink floor (white all round the iris, still surprise: +0.002), an inner raise
    # (0.2, 0.35: sad, -0.042, -0.024) or the knit's heads drawn further in (-0.005). None beyond the
    # noise; only 05 and 10, whose own photos read fear, ever read it (out/fear48b/NOTES.md has both probes).
    # Nor a level brow of its own (fear48b, same nine): each brow's arch lowered toward the line through
    # its head and tail, the heads drawn in 0.02 eye distances, at 0.5, 0.75, 1, 1.5 of the arch on top of
    # this raise: -0.039, +0.009, +0.039 (1.4 SE; 8 of 9 up, 10 0.56 -> 0.41), +0.001, identity +0.014 to
    # +0.073 (+0.045 at 1: the arch is about twice this raise, so the peak ends below rest and the brows
    # slant like worry); the heads and tails lifted to the peak instead (0.5) -0.006 (out/fear48b/NOTES.md).
    # Nor the raise held at the tails (fear51: the knit holding the raised brows' outer parts to 0.3-0.8
    # of the lift, heads whole, straighter than surprise's arch), nor the lids at -0.2, nor an inner raise
    # with less brow_raise (0.1-0.2 with 0.2-0.35): picked on bundled, 02, 04, 06, 11, 13 (at best +0.039
    # +- 0.021, tails 0.3 with lids -0.2), each fell on the eight held out (01, 03, 05, 07-10, 12: -0.010
    # to -0.085, SE 0.05-0.07; the engraving, 10, 0.55 -> 0.06-0.25). Judged as the mean over five crops
    # (the stills scaled 0.96-1.04, shifted 3 px) these swings are the crop's: on the six the 12 trials
    # re-judged are within +-0.008 (tails 0.3, lids -0.2: +0.005 +- 0.005; 10 0.44 -> 0.43), on the eight
    # -0.040 to +0.004 (07 0.33 -> 0.16 under lids -0.2; out/fear51/NOTES.md, jitter.py).
    "fearful": Recipe({"brow_raise": 0.4, "brow_knit": 1.0, "lip_spread": 0.9, "smile": -0.2,
                       "jaw_open": 0.2, "lower_lip_depress": 0.6, "mouth_roll_upper": 0.8}, lids=-0.3),
    # AU12+14 on one side: the subject's left corner tightened up and back into a dimple, the lids a
    # little lowered and tightened (looking down on someone). No press of its own (0.4 before): on
    # photos with their lips apart it and the closure (CLOSES_LIPS) were most of contempt's identity
    # distance (dlib: the man in glasses 0.444 -> 0.379, Pedersen 0.448 -> 0.395, Obama 0.334 ->
    # 0.247 without it and with the lips shut 0.55, not 0.7); the smirk's slant is kept.
    # The smirk on the subject's left corner, or on the side facing the camera where the head is
    # turned (NEAR_SIDE_TURN_EYE_D).
    "contempt": Recipe({"smirk": 1.0, "eye_squint": 0.1}),
}
# The share of the photo's lid over the iris (PhotoExpression.lid_cover) an emotion's capped lid
# raise (Recipe.lid_raise) may take: the rest keeps a sliver of lid on the iris, no white above it
# (the bundled photo's raised lids under anger read as surprise, fear47).
IRIS_COVER_USED = 0.75
# A head turned further than this (PhotoExpression.turn, eye distances) toward the subject's left
# takes a one-sided smirk on the corner facing the camera: a far corner's lift foreshortens toward
# the cheek's edge and hardly reads (Biden's, out/portraits' 04, turn +0.151). A head turned the
# other way has its left corner near already (the bearded old photo, -0.111).
NEAR_SIDE_TURN_EYE_D = 0.1
# How much of a smiling photo's smile each emotion undoes (the rest stays in the photo's own lip
# shape). Undoing all of a broad toothy smile drags its stretched lips and teeth down with the
# corners (the photo's teeth pulled into fangs, an arched mouth) and is most of what moved dlib's
# identity distance on smiling photos (0.50-0.57 at strength 1); sad and angry, which close the
# lips, start from half of it or a little more and bring the corners the rest of the way with
# their own frown (below). Emotions that keep teeth showing undo all of it: on a half-undone
# smile fear and surprise read as a grin (disgust too, before it shut the teeth: CLOSES_A_SMILE). Sad at 0.4 (0.5
# before): on the toothy photos the mouth's undo and closure were most of sad's identity distance
# (the bundled one 0.47, 0.26 with the mouth left alone); sad's own frown still ends the corners
# below a neutral mouth's. Angry at 0.9: at 0.6 the smile it left stayed in the mouth under the
# photo's lifted cheeks, a pleasant face with a frown line at 2x, and the offline classifier read
# it more happy than the commanded neutral (P(happy) 0.6 -> 0.9: the bundled photo 0.47 -> 0.07,
# out/portraits' 01 0.38 -> 0.06, Obama 0.72 -> 0.65, neutral 0.51). All of it (1.0) leaves
# Obama's 0.45, but dlib then reads the bundled photo's angry brows lowered only -0.0196 eye
# distances (bench_emotions' bar -0.02; -0.0218 at 0.9); the cost at 0.9 is dlib's identity
# distance on the toothy smiles (bundled 0.400 -> 0.438, 01 0.412 -> 0.459; out/undo33), and
# there the shut lips arch a little over the corners at 2x: displeased, no longer smiling.
# Disgust at 0.8 (all of it before), its own frown as on a neutral photo:
# the smile's lift left (0.2 x SMILE_CORNER_LIFT) and disgust's frown (0.15 x FROWN_CORNER_DROP)
# about cancel at the corners. With all of the smile undone and the frown grown to -0.2, the lips
# shut over the smile's teeth drew a thin arch drooping into the corners (the "M" of judge24's
# sheet, issue 12; the bundled photo and out/portraits' 12 at 2x), sad's mouth: the corners 0.156
# mouth widths under the shut line's middle on the bundled photo, 0.096 now (a neutral mouth 0.02;
# the corners make the arch: with upper_lip_raise or nose_sneer off it stayed, out/emo15).
# dlib's identity distance 0.448 -> 0.417 on the bundled photo, 0.411 -> 0.401 on 12, 0.431 ->
# 0.420 on 11 (out/emo15/tr_d3).
UNDO_SHARE = {"sad": 0.4, "angry": 0.9, "disgusted": 0.8}
UNDO_SHARE_DEFAULT = 1.0
# An emotion's own frown is not scaled down on a smiling photo; the smile it leaves (UNDO_SHARE)
# already softens it. Sad undoes 0.4 of the smile and needs all of its frown to end its corners
# below the commanded neutral's (the whole smile undone), not in a trace of the photo's smile: with
# its frown cut by 0.6 of the photo's smile (-0.030 mouth widths under the lips' middle in the rig, neutral -0.050) its
# corners sat above neutral's on the toothy photos (dlib, in eye distances: the bundled photo
# +0.001, 01 +0.011, 11 +0.024) and the classifier read it as happy (0.73, 0.65 and 0.16); with all
# of it (-0.132 in the rig): -0.052, -0.055, -0.040, 12 -0.057 (Obama +0.010: dlib's corner stays
# on the lower lip's shadow end), happy 0.02-0.05. The cost: dlib's identity distance of sad on
# the five toothy photos 0.370 -> 0.455 (out/emo29/s1, s2; the commanded neutral's is 0.27-0.44
# there). Angry's thin lips without its frown, level, kept the smile's curve under
# the photo's lifted cheeks and read pleasant at 2x (Obama, out/portraits' 03: the expression
# classifier's happy 0.74 with none of it, 0.40 with all; out/emo8/a3), for dlib's identity distance 0.017
# more there and on the bundled photo. Disgust's small frown (-0.15) and the 0.2 of the smile it
# leaves about cancel at the corners. (Fear has no frown of its own: its mouth opens from the
# smile's teeth under the rolled upper lip, SMILE_OPENING_BY_EMOTION, and neither Obama's nor the
# bundled smile reads happy under it.)
# A happy face smiles broader than a smiling photo does: its target smile grows by this share of
# the photo's own smile (on a neutral photo, nothing), so happy still reads on a broad smile.
BROADER_THAN_PHOTO = {"happy": 0.35}

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
# Disgust part of the way where the lips are parted in speech (a toothy smile's: all the way,
# CLOSES_A_SMILE), its upper lip then raised anew (OPENS_ANEW), the corners down. Shut 0.8 with
# the raise counted as the photo's, a thin line of teeth followed the lips' downturned arch and disgust's mouth was
# sad's (out/portraits' 03, 12, 13 at 2x); with the smile undone and the lips left apart the teeth
# showed only as two points by the corners (fangs).
# Contempt all the way (1.0, contempt53; it shuts only a smile's parting, ONLY_A_SMILES_PARTING). At
# 0.4 (0.7 with a press of its own, then 0.55, before: shutting a toothy smile costs identity) the
# sliver left was the smile's own teeth sheared along the smirk's slant, a jagged saw-tooth strip at
# 2x (judge52 on out/portraits' 11: score 2; 12 likewise); 0.8 left a grey stair-stepped line.
# Shut, a clean lip line with the raised corner, the slant kept (dlib, bench_emotions' figure,
# single stills: +0.111 -> +0.109 over ten smiling photos, each >= +0.077). fer has no contempt
# class: it reads the smirk less happy (P(happy) 0.801 -> 0.570, P(neutral) 0.085 -> 0.265). The
# cost is dlib's identity distance, 0.239 -> 0.280 (tuned on bundled, 11, 12: 0.265 -> 0.304; held
# out 01, 03, 13: 0.257 -> 0.291; out/portraits-heldout h02, h06, h07, h12: 0.205 -> 0.254;
# out/contempt53).
# Fear shuts nothing: on a toothy smile its mouth opens from the photo's teeth, the upper lip
# rolled down over them (SMILE_OPENING_BY_EMOTION). Shut 0.8 to a tense sliver before (its upper
# teeth showed under a lowered lip, a grin), it shared sad's and anger's closed mouth there.
# Sad most of the way (0.8; 1.0 before): a line of the teeth, 0.03 mouth widths, between lips
# parted in speech whose corners are down reads as sad at 2x (a smile's parting: all the way since
# neutral51, CLOSES_A_SMILE).
# Neutral (commanded: the default "none" leaves the photo as it is) shut a smile's parting 0.8
# first: with the smile undone and the lips left apart, the smile's teeth showed between
# narrowed lips (out/portraits' 11, 12 at 2x) and the expression classifier read the bundled photo
# and Obama as happy 0.58 and 0.97; shut, 0.50 and 0.51, neutral 0.45 and 0.49 (out/emo29/p1).
# Then all the way (1.0, neutral51; it shuts only a smile's parting, ONLY_A_SMILES_PARTING): the
# line 0.8 left was the smile's teeth, a grey-green stair-stepped strip at 2x (judge51 on 11, 12,
# 03, 01); shut, a clean lip line, and the offline classifier reads Obama and the bundled photo
# less happy (P(happy) 0.67 -> 0.42, 0.56 -> 0.41; P(neutral) over the 14 0.425 -> 0.470, dlib's
# identity distance on the six it moves 0.316 -> 0.320; out/neutral51/p1). Over five crops, on the
# six: P(neutral) +0.038 +- 0.038, P(happy) -0.060 +- 0.037 (out/neutral51/jitter_neutral.txt).
CLOSES_LIPS = {"sad": 0.8, "angry": 0.6, "contempt": 1.0, "disgusted": 0.6, "neutral": 1.0}
# ... and a smile's parting (its share: the lesser of the photo's smile and parting), where it
# differs. Disgust most of the way (0.8; 0.6 before), its lip then raised anew: less of the smile's
# teeth, which read as a grin (the man in glasses, out/portraits' 11: the classifier's happy 0.69
# -> 0.11), and dlib's identity distance 0.012-0.013 less on the bundled photo and Obama (0.017
# more on 11; out/emo8/a3); lips parted in speech shut 0.8 cost 0.028 on Pedersen's (13).
# Then all the way (1.0): the raised upper lip arches the shut lips (AU10 over closed lips) instead
# of baring a line of the smile's teeth, which the classifier read as a smile (happy: the bundled
# photo 0.47 -> 0.08, Obama 0.84 -> 0.21; dlib's identity distance 0.442 -> 0.460, 0.368 -> 0.378,
# the man in glasses 0.435 -> 0.447; out/emo9/d2).
# Anger all the way too (1.0; 0.6, its CLOSES_LIPS, before, anger51): the tense sliver it left between
# the lips of a smiling photo was the smile's own teeth, a white line; shut, the offline classifier
# reads more anger (stills, out/anger51/table_p6.txt, against 0.6: P(angry) the man in glasses 0.18 ->
# 0.31, the mohawk 0.38 -> 0.49, the bundled photo 0.03 -> 0.08; Obama's P(happy) 0.33 -> 0.24; at 0.8
# the mean over the six photos it moves barely does: the judge gains from the line gone, not the press).
# A talking photo's parting stays at 0.6 (CLOSES_LIPS): shut all the way, Pedersen's lips met in sad's
# pout and dlib's identity distance rose 0.049 with CLOSES_LIPS["angry"] at 1.0 (this way: +0.010 on
# that photo, +0.004 over the 14).
# Sad all the way too (1.0; 0.8, its CLOSES_LIPS, before, neutral51): its line of the teeth was
# the same grey stair-stepped strip under the downturned lips (03, 11, 12, 01 at 4x); shut, a clean
# lip line, P(sad) over the 14 0.280 -> 0.305 (the man in glasses 0.30 -> 0.49, the bundled photo
# 0.12 -> 0.26; over five crops, on the six it moves, +0.018 +- 0.023: within the judge's noise),
# dlib's identity distance 0.346 -> 0.347 (out/neutral51/p1). Lips parted in speech keep 0.8.
CLOSES_A_SMILE = {"disgusted": 1.0, "angry": 1.0, "sad": 1.0}
# How much of an emotion's mouth opening a photo with its lips fully apart (teeth showing, or
# parted in speech) already has: a happy face's parted lips are there, not opened again on top.
# Disgust's upper lip is not there: it rises from the lips it has shut (OPENS_ANEW).
PHOTO_OPENING = {"jaw_open": 0.2, "upper_lip_raise": 0.5}
# ... but surprise's, whose dropped jaw on a photo with its lips apart ends where it did at 0.65 (0.45
# on a toothy smile: at 0.35 the bundled one's identity distance rose 0.446 -> 0.470, Obama's 0.401 -> 0.413).
# Fear's open mouth is all there on lips parted in speech (Pedersen, out/portraits' 13): fear's jaw
# on top of theirs gaped into surprise's oval (the classifier: surprise 0.76-0.89).
PHOTO_OPENING_BY_EMOTION = {"surprised": {"jaw_open": 0.1, "upper_lip_raise": 0.5},
                            "fearful": {"jaw_open": 0.28, "upper_lip_raise": 0.5, "mouth_roll_upper": 0.8,
                                        "lower_lip_depress": 0.2}}
# ... but a smile's parting (its share: the lesser of the photo's smile and parting) is the smile's
# teeth, and fear opens from them: the jaw the whole 0.2 further (at 0.1 the lips closed over a row
# of the smile's teeth, a grin: the bundled photo's P(happy) 0.02 -> 0.35-0.43, out/fear45), the
# lower lip drawn down the whole 0.6 off the lower teeth, fear's whole frown (below), the upper lip
# rolled down 0.5 over the upper ones (render.mouth covers the photo's own with it) between lips
# stretched less than on a closed mouth (the undone smile's spread is most of their width already):
# open and tense, not a grin.
# A rolled lip covers a share of the teeth's run (render.mouth._rolled_cover), and a broad smile
# shows 1.8-3.6 lip heights of upper teeth (the bundled photo 8.8 px under a 4.8 px lip, Obama 14.1
# under 4.1, out/portraits' 11 21.6 under 6.0; out/fear15/lip_height.txt): rolled 0.8 it hid them
# under a smooth slab of lip 2.72-4.56 times the photo's (issues 12.3, 13.1). render.mouth caps the
# cover at the lip's own height and leaves the rest of the share in its shadow (2.0x mid-mouth on
# Obama, 11 and 12; out/mouth14/NOTES.md). 0.5 is the least roll at which the expression
# classifier's P(happy) did not rise before that cap (at 0.4 the teeth's row read as a grin;
# out/fear15/NOTES.md); with it, P(happy) under fear is 0.23 against 0.18.
# jaw_open 0.0 acts as leaving it out would; it says so: the smile's teeth count nothing toward fear's jaw.
# Fear's frown stays whole there (smile 0.2 counted as there before, fear50): left off, the corners
# sat +0.04..+0.05 eye distances over the commanded neutral's on the bundled photo and 11 (dlib;
# happy's bar is +0.03), a grin's mouth the expression classifier read as sad. The drop is the
# frown's: at the rig the bundled photo's corners end 0.078 eye distances under neutral's whatever
# the spread (0.034 with the frown left off; out/rev50f/REVIEW.md). With it, P(fear), fer, over the
# tuning six (bundled, 02, 04, 06, 11, 13) 0.073 -> 0.097, over eight it never saw (01, 03, 05,
# 07-10, 12) 0.200 -> 0.235 (paired +0.036 +- 0.019), read as fear on 2 -> 4 of the 14 (11 and 12;
# out/fear50 p_1, p_4, p_6, p_7 "S3"); but Obama (03) reads happy (0.20 -> 0.39, dlib corners +0.021
# -> +0.055).
# The spread is 0.4 there, not 0.9 (lip_spread 0.5 counted as there): it only narrows the mouth
# (1.03 -> 0.91 photo widths). With the whole spread P(fear) is the same (the eight +0.001 +- 0.002,
# the six -0.010 +- 0.012: 11 reads sad, 0.43 -> 0.36) and Obama no longer happy (0.39 -> 0.09), but
# dlib's identity distance is 0.03-0.04 further on the toothy bundled, 01 and 12
# (out/fix50f/f9_vs_s3.txt).
# The lower lip is drawn down 0.1 there, not 0.6 (0.5 counted as there), under the jaw opened further
# (SMILE_OPENS_FURTHER): its whole 0.6 on top made the mouth a tall oval the classifier read as surprise,
# and 0.3 (fearmouth52) still a U under the corners, a laugh's lower lip (judge52 on 03). At 0.1 (fear54,
# held-mood stills, fer over five crops) P(fear) on the toothy smiles it moves, bundled, 01, 03, 11, 12,
# 0.149 -> 0.170, dlib's identity distance 0.460 -> 0.461 (out/fear54/m_vIJKN.log, vI).
SMILE_OPENING_BY_EMOTION = {"fearful": {"jaw_open": 0.0, "upper_lip_raise": 0.5, "mouth_roll_upper": 0.3,
                                        "lip_spread": 0.5, "lower_lip_depress": 0.5}}
# ... and how much further than its own recipe an emotion opens a toothy smile's parting (times the
# smile's share of it). Fear's jaw 0.2 over a smile's teeth kept the photo's own teeth in the gap and
# stretched them down with the lower lip into jagged white fangs (judge52 on out/portraits' 11: score
# 1; the bundled photo and 01 a smeared white band, 03 and 12 a bared grin); drawn down without the
# lip (lower_lip_depress counted as there) the fangs stayed. From a jaw of 0.3-0.4 render.mouth
# draws its own teeth and cavity in the gap (fearmouth52, out/fearmouth52/s_v345.png). At 0.4 the
# expression classifier's P(fear) on the four toothy smiles it was tuned on (bundled, 03, 11, 12)
# 0.227 -> 0.190 (11 0.34 -> 0.26, 12 0.42 -> 0.34: the stretched teeth were a grimace to it; Obama's
# P(happy) 0.35 -> 0.14), held out (01, 13) 0.098 -> 0.081; dlib's identity distance 0.443 -> 0.440
# (out/fearmouth52/REPORT.md).
SMILE_OPENS_FURTHER = {"fearful": {"jaw_open": 0.2}}
OPENS_ANEW = frozenset({"disgusted"})
# Emotions whose lower lids stay as a broad smile's squint raised them: the frown that undoes the
# smile lowers them (face.rig.SQUINT_UNDONE), but anger's are tensed (AU7), and lowered there they
# let dlib read its brows as less lowered (the bundled photo -0.022 -> -0.016 eye distances). On a
# photo smiling little there is little squint to keep (Pedersen's 0.16: 0.03 of the lid
# tightener), and dlib's brow reading there jumps with sub-pixel changes (a hair strand over his
# brow: -0.041 without, -0.014 with it), so nothing is given back. The share kept ramps over the
# photo's smile (KEEPS_SQUINT_RAMP, from .. to; a hard switch at 0.5 before): two photos smiling
# 0.49 and 0.51 got lids apart by the whole kept squint.
KEEPS_SQUINT = frozenset({"angry"})
KEEPS_SQUINT_RAMP = (0.25, 0.5)
# Emotions that take back at least this share of a smiling photo's squint, however little of the
# smile their own frown undoes: a frown of 0.66 squints on a broad smile left a third of the
# smile's raised lower lids, smiling eyes over a sad mouth (the bundled photo and the mohawk's
# toothy smile, out/portraits' 12, at 2x). Sad's own frown alone already reaches about the whole
# squint (0.97-1.14 times its strength for photo smiles 0.5-1); the floor holds where less of it
# reaches the rig, in mixes. At strength w the share is w times this; it stops at the whole squint
# (the eye as the photo's neutral would be).
UNDOES_SQUINT = {"sad": 1.0}
# Emotions for which only a smile's parted lips are shut (CLOSES_LIPS): contempt shuts the teeth a
# smile bares, not a talking photo's parted lips, whose closure was a quarter of its identity
# distance there; its smile's slant carries it (Pedersen, out/portraits' 13: identity 0.395 ->
# 0.306, slant +0.127 -> +0.128).
# Neutral likewise: lips parted in speech are the photo's own, not an expression to undo.
ONLY_A_SMILES_PARTING = frozenset({"contempt", "neutral"})
# An upper lip raised this far (upper_lip_raise, from .. to) is an emotion's sneer, held: a pause's
# closure gives way to it (motion.holistic) and a smiling photo's nasolabial fold stays creased
# under it (render.shading). Disgust raises it 0.5, happy 0.4; speech alone, under 0.06.
SNEER_HELD = (0.42, 0.5)
# Undoing one unit of the photo's smile: smile < 0 is the frown (corners down and a little out),
# not the smile mirrored, so the corners are brought down by the frown and back in by lip_spread
# < 0 as far as the smile had lifted and widened them (face.rig's shapes, in mouth widths). The
# corners come down only as far as the photo shows them lifted (corner_share): a smile read from
# the mouth's width with its corners nearly level (a face seen from below, out/portraits' 12:
# 0.044 mouth widths above a neutral mouth's, a full smile's 0.17) was taken down the whole 0.17,
# and every emotion shutting its lips arched into a frown there (sad, angry and disgust 0.07-0.13
# mouth widths under a neutral mouth's corners, against 0.01-0.08 on the bundled photo: out/emo15).
# For the emotions in CORNERS_AS_SHOWN: first those that shut the smile's lips, where that arch was;
# the others took the whole lift down, since with the teeth left showing (fear, surprise) or a smirk
# on top (contempt) the corners left up read as the photo's grin (the expression classifier: 12's
# fear and surprise read happy 0.79 and 0.48, sad with the whole lift undone; Obama's fear happy
# 0.43 -> 0.74; out/emo16/fer_new). Surprise and fear have joined since (below); contempt still
# takes the whole lift down.
# Neutral shuts the smile's lips too: with the whole lift undone 12's and Obama's corners arched
# below their shut line (out/emo29/p1, column C).
# Surprise too since its own narrowing reaches a smiling photo (surp49: motion.holistic no longer
# clips it away with the undo): its rounded oval no longer keeps the grin's width, and with the whole
# lift undone 12's dropped jaw was an arch, its corners 0.08 mouth widths under the commanded
# neutral's (the classifier: sad; P(surprise) 0.07 -> 0.49 as shown; out/surp49/a2.log).
# Fear too, with a margin (fear54): taken down the whole lift, 12's fear (corners showing 0.26 of its
# smile) was an arched dark slot under folded lips (judge52: shout or anguish, not fear), its corners
# 0.077 eye distances under the lips' middle (dlib); taken down only as shown they stood level
# (+0.005), but Obama's (03, 0.71 shown) rose into a grin (+0.049, P(happy) 0.14 -> 0.42). So fear
# takes down what the corners show and CORNERS_SHOWN_MARGIN of the lift more (AU20's own slight
# drop): the whole lift from 0.65 shown (03, bundled, 01, 11 as before); on 12 0.61 of it, corners
# -0.025, identity 0.458 -> 0.416, P(fear) 0.365 -> 0.309 (sad stays its top reading; held out h06,
# 0.54 shown: 0.171 -> 0.193; out/fear54/m_vM.log).
CORNERS_AS_SHOWN = frozenset({"sad", "angry", "disgusted", "neutral", "surprised", "fearful"})
CORNERS_SHOWN_MARGIN = {"fearful": 0.35}
UNDO_SMILE = {"smile": -UNDO_FROWN_PER_SMILE, "lip_spread": -UNDO_SPREAD_PER_SMILE}


def sneer_held(upper_lip_raise: float) -> float:
    """0..1: how far an upper lip raised this much is a held sneer (SNEER_HELD, a linear ramp)."""
    lo, hi = SNEER_HELD
    return min(max((upper_lip_raise - lo) / (hi - lo), 0.0), 1.0)


@dataclass(frozen=True, eq=False)
class Blend:
    """A mix of emotions: face parameter offsets ((P,) in facetalk.params.FACE_NAMES order),
    an offset of both lids (negative: wider), head posture (pitch, roll in degrees), liveliness,
    how far to press shut the photo's own parted lips where the speech leaves them at rest, and
    `undo_spread` (<= 0): the part of the lip_spread offset that takes back the photo's smile's
    width (UNDO_SMILE), which lies beyond lip_spread's -1 of speech and the emotions' own rounding
    (motion.holistic clips those at -1, not it: a full smile's undo alone is -1.05)."""

    offsets: np.ndarray
    lids: float
    posture_deg: tuple[float, float]
    liveliness: float
    closes_lips: float = 0.0
    undo_spread: float = 0.0

    def offset(self, name: str) -> float:
        """The offset of one face parameter, by name."""
        return float(self.offsets[face_index(name)])


def blend(weights: tuple[float, ...], *, photo: PhotoExpression = PhotoExpression()) -> Blend:
    """The mix of EMOTIONS with these weights (each times its strength; the rest is the photo's
    own expression, as with every weight 0: no emotion commanded).

    Emotions are targets on a neutral face, not offsets on the photo's expression: each first
    undoes the photo's own smile, all of it or UNDO_SHARE of it (sad on a broad smile turns the
    corners down, happy on it adds only what the photo lacks), counts the parting and teeth the
    photo already shows toward its own mouth opening (and a toothy smile's toward fear's spread,
    SMILE_OPENING_BY_EMOTION; but not for those in OPENS_ANEW, which open from them), and may shut
    the photo's parted lips."""
    offsets = np.zeros(len(FACE_NAMES))
    lids = closes = undo = shown = 0.0
    for w, name in zip(weights, EMOTIONS):
        if w == 0.0:
            continue
        toothy = min(photo.lips_apart, photo.smile)  # the smile's share of the parting
        recipe = RECIPES[name]
        lids += w * (recipe.lids - capped_lid_raise(recipe.lid_raise, photo=photo))
        opening = PHOTO_OPENING_BY_EMOTION.get(name, PHOTO_OPENING)
        smile_opening = SMILE_OPENING_BY_EMOTION.get(name, opening)
        for param, value in recipe.face.items():
            if (param in opening or param in smile_opening) and name not in OPENS_ANEW:
                there = opening.get(param, 0.0) * (photo.lips_apart - toothy) + smile_opening.get(param, 0.0) * toothy
                # Toward 0 by what the photo already has. Every value counted so is > 0 now
                # (fear's frown no longer is, fear50); the sign is kept for a negative one.
                # A smile's parting that asks for more opening (SMILE_OPENS_FURTHER) counts less than nothing.
                there -= SMILE_OPENS_FURTHER.get(name, {}).get(param, 0.0) * toothy
                value = float(np.sign(value)) * max(abs(value) - there, 0.0)
            if param == "smile":
                value += BROADER_THAN_PHOTO.get(name, 0.0) * photo.smile
            if param == "smirk":
                value *= smirk_side(photo=photo)
            offsets[face_index(param)] += w * value
        undo += w * UNDO_SHARE.get(name, UNDO_SHARE_DEFAULT) * photo.smile
        shown += w * UNDO_SHARE.get(name, UNDO_SHARE_DEFAULT) * photo.smile * _corners_shown(name, photo=photo)
        on_speech = 0.0 if name in ONLY_A_SMILES_PARTING else CLOSES_LIPS.get(name, 0.0)
        closes += w * (CLOSES_A_SMILE.get(name, CLOSES_LIPS.get(name, 0.0)) * toothy
                       + on_speech * (photo.lips_apart - toothy))
    spread_k = face_index("lip_spread")
    own_spread = offsets[spread_k]
    hidden = _undo_smile(offsets, undo, shown=shown / undo) if undo > 0.0 else 0.0
    undo_spread = min(offsets[spread_k] - own_spread, 0.0)
    _lower_lids_under_frown(offsets, weights=weights, photo_smile=photo.smile, hidden_frown=hidden)
    posture = tuple(sum(w * POSTURE_DEG[name][i] for w, name in zip(weights, EMOTIONS)) for i in range(2))
    liveliness = 1.0 + sum(w * (LIVELINESS[name] - 1.0) for w, name in zip(weights, EMOTIONS))
    return Blend(offsets=offsets, lids=lids, posture_deg=posture, liveliness=liveliness, closes_lips=closes,
                 undo_spread=float(undo_spread))


def _corners_shown(name: str, *, photo: PhotoExpression) -> float:
    """0..1: the share of the photo's smile lift that emotion `name` takes its corners down: what
    they show (corner_share) for CORNERS_AS_SHOWN, plus its CORNERS_SHOWN_MARGIN, the whole lift at
    most; the whole lift for the rest."""
    if name not in CORNERS_AS_SHOWN:
        return 1.0
    return min(corner_share(photo) + CORNERS_SHOWN_MARGIN.get(name, 0.0), 1.0)


def capped_lid_raise(raise_blink: float, *, photo: PhotoExpression) -> float:
    """>= 0: the upper-lid raise `raise_blink` (blink units) cut to IRIS_COVER_USED of how far the
    photo's lids cover the iris (PhotoExpression.lid_cover); none where not measured, as before
    lid_cover (a raise past the cover bares white above the iris: surprise, not anger)."""
    if photo.lid_cover is None:
        return 0.0
    return min(raise_blink, IRIS_COVER_USED * photo.lid_cover)


def smirk_side(*, photo: PhotoExpression) -> float:
    """+1 where a one-sided smirk goes on the subject's left corner (params: smirk > 0), -1 on
    the right: the corner facing the camera on a head turned past NEAR_SIDE_TURN_EYE_D toward the
    subject's left, the left corner otherwise."""
    return -1.0 if photo.turn > NEAR_SIDE_TURN_EYE_D else 1.0


def _lower_lids_under_frown(offsets: np.ndarray, *, weights: tuple[float, ...], photo_smile: float,
                            hidden_frown: float = 0.0) -> None:
    """Adjusts the eye_squint offset in `offsets` (face parameters) for the lower lids' drop the
    rig ties to a frown on a smiling photo (face.rig.SQUINT_UNDONE: per unit of frown, the squint
    the photo's smile raised). Anger's share of it is given back as its tensed lids (KEEPS_SQUINT,
    ramped in over the photo's smile: KEEPS_SQUINT_RAMP); sad's drop is at least its weight times
    UNDOES_SQUINT less the weight of smiling emotions in the mix (the rest taken with eye_squint
    < 0); and the drop stops at the photo's whole squint: it is linear in the frown, and a frown
    past 1 (disgust's on a full smile reached 1.05 before ef0c7f2, 0.83 now; the range 2) sank
    the lids below their rest line, white under the iris reading as fear. `hidden_frown`: the frown the smile's undo left out
    where the photo's corners show less than its smile (_undo_smile); the lids drop as if it were
    there, the smile's squint being there whatever the corners show."""
    rig_frown = max(-offsets[face_index("smile")], 0.0)
    frown = rig_frown + hidden_frown
    # A smiling emotion in the mix keeps the photo's smile, and with it as much of its squint.
    smiling = sum(w for w, name in zip(weights, EMOTIONS) if RECIPES[name].face.get("smile", 0.0) > 0.0)
    floor = max(sum(w * UNDOES_SQUINT.get(name, 0.0) for w, name in zip(weights, EMOTIONS)) - smiling, 0.0)
    if (frown <= 0.0 and floor <= 0.0) or photo_smile <= 0.0:
        return
    per_frown = SQUINT_UNDONE * photo_smile * SMILE_SQUINT / EYE_SQUINT  # eye_squint units
    lo, hi = KEEPS_SQUINT_RAMP
    ramp = min(max((photo_smile - lo) / (hi - lo), 0.0), 1.0)
    active = sum(weights)
    kept = ramp * sum(w for w, name in zip(weights, EMOTIONS) if name in KEEPS_SQUINT) / max(active, 1e-9)
    # The rig drops the lids by `frown` squints; they end `dropped` down, no less than the floor
    # and no more than the whole squint, the difference given back (or taken) with eye_squint.
    dropped = min(max((1.0 - kept) * frown, floor), 1.0)
    offsets[face_index("eye_squint")] += (rig_frown - dropped) * per_frown


def _undo_smile(offsets: np.ndarray, photo_smile: float, *, shown: float = 1.0) -> float:
    """Takes `photo_smile` units of the photo's own smile off the target smile in `offsets` ((P,),
    in place); returns the frown left out (smile units) where the corners show less (below).

    Where the target smiles at least as much, the smile shape itself is taken off (exactly);
    the rest of the photo's smile is taken off with the frown and lip_spread (UNDO_SMILE), and a
    target frown then comes on top. The frown brings the corners down only by the `shown` share
    of the rest (corner_share: what the photo's corners show of its smile); lip_spread takes back
    all of the smile's width, and the frown's own push outward."""
    smile, spread = face_index("smile"), face_index("lip_spread")
    target = offsets[smile]
    if target >= photo_smile:
        offsets[smile] = target - photo_smile
        return 0.0
    rest = photo_smile - max(target, 0.0)
    hidden = -UNDO_SMILE["smile"] * (1.0 - shown) * rest  # frown units left out, >= 0
    offsets[smile] = min(target, 0.0) + UNDO_SMILE["smile"] * rest + hidden
    # The frown left out does not push the corners out either: less to take back in.
    offsets[spread] += UNDO_SMILE["lip_spread"] * rest + FROWN_CORNER_OUT / SPREAD_CORNER_OUT * hidden
    return hidden
