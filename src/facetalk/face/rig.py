"""Photo -> appearance model: a 3D-aware triangle mesh over the photo and its motion bases.

The mesh is MediaPipe's 468-point face topology, plus triangles filling the eye openings
(so the eyeball and iris can move), a "cavity" strip inside the lips (drawn as the mouth
interior when the jaw opens), and rings of vertices around the face oval that reach past the
image border (hair, ears, neck, background). Each vertex carries how rigidly it follows the
head (1 on the face, falling to 0 on the background) and one displacement per expression
coefficient (a linear blendshape basis, in pixels at coefficient 1).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache, partial
from importlib import resources

import numpy as np

from facetalk.face import landmarks as lm
from facetalk.face.lips import CORNER_RINGS as LIP_CORNER_RINGS, LOWER_RINGS as LIP_LOWER_RINGS, \
    UPPER_RINGS as LIP_UPPER_RINGS
from facetalk.params import EXPRESSION_NAMES, WIDE_BLINK, PhotoExpression

MATERIAL_PHOTO = 0
MATERIAL_CAVITY = 1
MATERIAL_EYE = 2  # eye openings: sclera from the texture, iris drawn on top

# Rings around the face oval, as multiples of the oval's radius from its centre; the last
# one lies far outside any crop so the mesh covers the whole image. Everything at head level
# follows the head rigidly (hair, ears, and background the matte hides anyway); below the
# chin the weight falls off over the neck, so shoulders and body stay.
# A full blink: the upper lid travels this share of the eye opening and the lower lid rises
# this share (they meet when the two add up to one). In a blink the mesh keeps the lower lid
# still (a vertical look moves it: _gaze_y_lids):
# moving it drags the photo's lash line up into a thick band; the lid painter
# (render.eyes.LidPainter) raises it instead, as skin, late in a blink.
LID_TRAVEL = 1.0
LID_RISE = 0.0
# The lash band just above the lid margin is squeezed by this share of the opening as the lid
# closes, so a shut eye shows one thin lash line rather than the open eye's thick fringe.
LASH_SQUEEZE = 0.5

# The skin over a raised upper lid (blink < 0) follows it up to this many openings above the margin.
LID_RAISE_REACH = 2.0
# How far above the lid margin (in eye distances) the skin moves with a blink. The covered part
# of the opening is painted as lid skin (render.eyes.LidPainter), so the skin above need not
# stretch far: brows and spectacle frames a little higher stay where they are.
LID_SKIN_REACH = 0.10

# How far smile = 1 raises the mouth corners and pulls each outward, and lip_spread = 1 pulls
# each outward, in mouth widths.
SMILE_CORNER_LIFT = 0.17
SMILE_CORNER_OUT = 0.10
SPREAD_CORNER_OUT = 0.12
# The lip stretcher (lip_stretch = 1, AU20), in mouth widths: the corners drawn out toward the ears
# and down, not along a smile's lifted path (fear used lip_spread, which on a photo whose smile an
# emotion undoes pushed the corners back out into the grin, fear47); mid-mouth each lip thinned by
# tension, its outer edge drawn this share of its red toward the inner one (which stays: drawing
# the inner lines together shut fear's opening on the bundled photo's teeth, test_emotion).
STRETCH_CORNER_OUT = 0.12  # as far out as lip_spread 1 draws them
STRETCH_CORNER_DOWN = 0.04
STRETCH_THIN = 0.3
STRETCH_PULL_SIGMA = 0.28  # mouth widths: the corner pull's reach, the cheek beside the corner following
STRETCH_BACK = 0.5  # the corner's push into the head, per unit of its pull out
# The smirk (one corner, AU12+14), in mouth widths: how far the corner rises and moves out, and the
# reach of its pull (tighter than a smile's, so the lip line slants up into that corner alone). At a
# lift of 0.15, and still at 0.22 out 0.08, contempt's one raised corner was hard to tell from
# neutral on closed-mouth faces at 2x (Biden, the painting: bench_emotions' sheet); drawn back
# further (AU14 pulls the corner into the cheek) the lip on that side thins and the slant shows.
SMIRK_CORNER_LIFT = 0.28
SMIRK_CORNER_OUT = 0.12
SMIRK_REACH = 0.22
# The smirk's reach outward and below its corner (mouth widths): at SMIRK_REACH all round the corner
# was the peak of a tent, rising 0.13 mouth widths past the skin just out and below it and turning
# the sliver between them over (out/portraits' 07 287-291-409, 71 px^2 at contempt 1).
SMIRK_REACH_OUT = 0.35
# Half the width (mouth widths) over which the smirk's reach below its corner goes from SMIRK_REACH
# (under the lips) to SMIRK_REACH_OUT (outside them), about the corner's vertical (_smirk).
SMIRK_REACH_BLEND = 0.05
# The frown (smile < 0, AU15+17), in mouth widths: how far the corners drop and move out, and how
# far the lower lip's middle and the chin rise.
FROWN_CORNER_DROP = 0.20
FROWN_CORNER_OUT = 0.03
FROWN_CHIN_RAISE = 0.04
# Taking a unit of a photo's smile off with the frown and lip_spread (motion.emotion.UNDO_SMILE,
# undo_spread_per_frown): the frown that brings its lifted corners back down, and the lip_spread < 0
# that takes back its width and that frown's own push outward.
UNDO_FROWN_PER_SMILE = SMILE_CORNER_LIFT / FROWN_CORNER_DROP
UNDO_SPREAD_PER_SMILE = (SMILE_CORNER_OUT + FROWN_CORNER_OUT * SMILE_CORNER_LIFT / FROWN_CORNER_DROP) \
    / SPREAD_CORNER_OUT
# The depressor (AU15) pulls on the modiolus, the knot of muscle this far outside a neutral mouth's
# corner (mouth widths): the frown's pull is centred there, and the corner, the lip line's end and
# the skin (a moustache's ends) beyond it come down together, the corner itself by
# FROWN_CORNER_DROP. Centred on the corner, the lip line's ends stayed where the photo drew them
# under a moustache: sad read 0.026 eye distances down on the bearded photo (out/portraits' 09),
# 0.046 centred here (bench_emotions). A smile draws the corner out onto the modiolus, so on a smiling photo the
# pull stays at the corner (by the photo's smile, face.expression): undoing it there moved
# dlib's identity distance (disgust on the bundled smile 0.48 -> 0.54 at 0.07 out).
FROWN_MODIOLUS_OUT = 0.12
# The share of its red's height by which a lip's outer border moves further than its inner edge
# as it rolls in (mouth_roll_* = 1): the red thins (AU23/24's tightened lips). With the lip moving whole, anger's
# roll 0.6 thinned the red shown mid-mouth by 1% of a mouth width, not seen at 2x (out/emo41). At 0.4
# anger's red shows 0.68-0.73 of neutral's mid-mouth, thin at 2x, and its identity distance over
# bench_emotions' five stays 0.262 (0.260 unthinned; out/emo41/bench_after2, probe_red.py).
ROLL_THIN = 0.4
# The brow lowerer (brow_raise < 0, AU4), in eye distances: the whole brow's drop, the inner
# ends' extra drop and their pull toward each other. The corrugator and the depressors pull the
# brows' heads down and in toward the nose, so the whole-brow drop falls from its full value at
# the inner ends to BROW_TAIL_SHARE of it at the tails: the lowered brows slope down toward the
# nose (the V that reads as anger). Dropped evenly (inner 0.10, together 0.07, tails whole), the
# brows came down level and, under lids widened for the glare, read as worried (out/emo29 at 2x).
BROW_DROP = 0.11
BROW_INNER_DROP = 0.16
BROW_DRAW_TOGETHER = 0.12
BROW_TAIL_SHARE = 0.3
# The draw-together grows linearly from the midline to its full pull at this share of the brows'
# inner points' mean distance from it (_brow_lowerer). Signed by side at full pull (frown49), the
# nose root's skin fanned into a point (least stretch there 0.01-0.25 over 14 faces); ramped to 1.0
# the heads came in 0.079 eye distances (0.107 before) and the gap between them narrowed 0.164, under
# the 0.18 that reads as anger (test_rig); at 0.85 0.094 and 0.194, least stretch 0.24-0.37 on seven
# faces (0.15-0.23 before; out/frown49/sweep.log).
BROW_DRAW_RAMP = 0.85
# The knit (brow_knit = 1, the corrugator's part of AU4), in eye distances: the brows' inner heads
# come in toward the midline by up to KNIT_IN each (the heads' landmarks, short of the full weight
# off the brow line, 0.039-0.044 on average on the bundled photo, 02, 07, 11, 13: out/fix43f) and,
# with the brows lowered (brow_raise < 0, by how far), down by KNIT_DROP; the skin between them is drawn
# in evenly (the pull grows linearly from nothing on the midline, so the two sides never cross: the
# glabella bunches, where the glabellar lines are shaded), the brow's body follows, the pull falling
# off over KNIT_BODY eye distances outward of the heads (about a sixth of it left at the tails; a
# linear fall to 0.2 at the tails, kept beyond, turned a sliver of the temple by the face's edge
# over on out/portraits' 11), and the pull fades over KNIT_REACH eye distances off the brows, twice
# as fast below them (the lids and the nose's root stay).
KNIT_IN = 0.06
# 0.03 took anger's brows down 0.0275 eye distances on average on the bundled photo, past the
# 0.027 that test_emotion holds the drop's identity cost to. Not under raised brows: there the
# dropped heads read as anger's on out/portraits' 07 and 13 (judge43), fear's heads stay up.
KNIT_DROP = 0.02
KNIT_BODY = 0.25
KNIT_REACH = 0.3
# With the full lowerer (which draws the heads in too, BROW_DRAW_TOGETHER) the two together drew the
# skin by the nose's root past the skin beside it (one to two triangles turned over at brow_raise -1,
# brow_knit 1: what a capture's browDown = 1 reads as, motion.arkit): the knit's pull in stops where
# the two would take a vertex more than this share of its way to the midline, by how far the brows
# are lowered (FaceRig.knit_lowered): fully lowered, the heads come in 0.035-0.039 eye distances.
KNIT_ROOM = 0.75
# MediaPipe's midline points at the nose's root and between the brows, whose sideways shift under the
# lowerer is the midline's (the shift fades over half an eye distance up and down from them).
KNIT_MIDLINE = (8, 9, 168)
# The inner ends of the brows (right, left), which the lowerer and the inner raise move most.
INNER_BROW_POINTS = (107, 66, 55, 65, 336, 296, 285, 295)
# How far brow_raise = 1 lifts the brows (AU1+2), in eye distances.
BROW_LIFT = 0.2
# The upper lid from its margin to about its crease, this share of the way up to the brow, stays
# when the brows rise; the skin above takes the stretch evenly.
LID_HOLD_RAISED = 0.3
# A lowered brow pushes the lid skin down over the lid (hooding) to within this share of the
# margin (the lash line stays). 0.04 (0.08 before; fear46): with BROW_FOLD_SLOPE 0.75 (below) the
# lowered skin comes down over more of the lid, hooding it into a glare. It also bounds the knit's
# zone under fear's raised brows (at 0.08 fear's P over six portraits was 0.095, at 0.04 0.096:
# out/rev46f/p_fear.log; fear's loss was the glabellar lines', render.shading.GLABELLA_KNIT).
LID_HOLD_LOWERED = 0.04
# The lowered skin's compression at most (the share of its height a column of lid skin loses):
# below 1, so no skin passes the skin under it. On most faces the lid is short enough that this,
# not BROW_DROP, sets the drop. At 0.85 the lid skin was squashed to a fifth of its height into a
# smeared band (area ratio 0.16-0.20 on the bundled photo and the painting): a texture no face
# shows, and the largest part of what anger and disgust moved dlib's identity distance by.
# 0.75 (0.5 before; fear46): at half the lid's height the brows' heads came down 0.02-0.04 eye
# distances and anger's brows hardly moved at 2x (Biden, Hopper); with the brow's shade and the
# glabellar lines deeper (render.shading) they come down over the lid into a glare, and the
# offline classifier's P(angry) over six portraits rose 0.085 -> 0.156 (out/fear46/NOTES.md). It
# is near that band: anger's least lid area ratio is 0.199 on the bundled photo, 0.173 on the
# painting (0.158 at 0.85), whose lid shows faint streaks at 12x (out/rev46f/z_06_lid_12x.png);
# test_rig's squash bar (0.165) fails at 0.85.
BROW_FOLD_SLOPE = 0.75
# The brow's hairs reach below its landmarks' lower edge (on thick brows, by a good part of the
# gap): from this share of the way up the brow moves whole, so its hairs are not stretched.
BROW_HAIR_FROM = 0.8
# A lowered brow's lower hairs bunch up with the lid skin under them (they are not stretched):
# the lowerer's share reaches 1 this share of the way up from the lid to the brow's lower edge.
BROW_BUNCHED_FROM = 1.0
# A raised brow rises at most this share of the height from the lid's margin to it (0.6 before:
# the lid skin stretched further than the brow needs to read as raised, and dlib's identity
# distance of surprise on a face with long lids, Biden's, fell 0.39 -> 0.34 at 0.5). Brows the
# landmarks find on spectacle rims count their gap to the top of the frames' hold
# (_brows_on_rims_px): Grace Hopper's surprise read +0.024 eye distances up to dlib, +0.050 now
# (+0.060 with the extra counted for both brows whole, which stretched 11's real brow upward).
LIFT_PER_LID = 0.5

# Spectacle frames stay rigid over the face (render.renderer.GlassesLayer), drawn over skin filled
# in under their rims. A brow raise that lifted that skin pulled the fill up into view above the
# top rim as a smooth, smeared band; with frames, the brows' lift fades to nothing at the rims' top
# edge over this many eye distances above it, so only the skin above the frames stretches. At 0.25
# brows that sit on the rims (Grace Hopper's, out/portraits' 02) kept 0.57 of their lift and
# surprise read as no raise to dlib (+0.035 eye distances; 0.81 of it at 0.15, +0.057, with no
# band seen at 2x).
FRAMES_HOLD_RAMP = 0.15
# The hold's line is level over each end's outer this many eye distances, at the frames' highest
# pixel there: the decorative tips of Grace Hopper's cat-eye frames lie outside the frames' mask,
# where the rim's corner curves down, and a line that followed it lifted them with the brow as a
# dark notch over the rims' ends.
FRAMES_TIP_REACH = 0.15
# A brow landmark counts as found on the rim (_brows_on_rims_px) at or below the rims' top, not at all
# from this many eye distances over it: Hopper's lower-edge landmarks lie -0.028..+0.021 over her
# rims, those of the man in wire glasses (11), whose brow really sits just over them, +0.013..+0.052
# but for one outer end (-0.036).
FRAMES_ON_RIM = 0.02
# The lift the frames take from the brows (its share: the mean over their upper edges) is made up
# at their inner ends (brow_inner_raise's shape, the frontalis' middle: AU1 is surprise's too), which
# lie over the bridge, mostly clear of the rims, by this many times that share. Grace Hopper's brows
# (out/portraits' 02) kept 0.45 of their lift and surprise read +0.032-0.039 eye distances up to dlib
# (issue: +0.04); at 1.2, +0.044-0.047, her identity distance unchanged (at 0.8, +0.039). Faces
# without frames are unchanged.
FRAMES_INNER_LIFT = 1.2

# Share of the eye opening the lower lid rises at smile = 1 (cheeks pushing it up).
SMILE_SQUINT = 0.25

# Share of the eye opening the lower lid rises at eye_squint = 1 (the lid tightener, AU7).
EYE_SQUINT = 0.35
# On a smiling photo, how much of its smile's squint (SMILE_SQUINT, the lower lids raised by the
# cheeks) the frown takes back per unit of it, times the photo's smile (a unit of smile is undone by
# 0.85 of the frown, emotion.UNDO_SMILE): the smiling eyes over a sad or angry mouth read as happy
# to the offline classifier (sad on the bundled photo: happy 0.91 -> 0.66), and dlib's identity
# distance fell (sad over four toothy photos 0.377 -> 0.371; out/emo10/t_l). A frown on a photo
# that does not smile moves no lid.
SQUINT_UNDONE = 1.0

# The nose wrinkler (AU9): MediaPipe points on the nose wings and the nose's root (between the
# eyes), and how far nose_sneer = 1 lifts the wings, in eye distances.
NOSE_WINGS = (129, 358)
NOSE_ROOT = 168
NOSE_WING_LIFT = 0.07
# How far nose_sneer = 1 lifts the upper lip within 0.3 mouth widths of its middle, in mouth
# widths, fading to 0 at the corners: the levator pulling with the wings squares the upper lip off
# the upper teeth (AU9+10), and the middle, lifted by this, its own 0.03 eye distances and
# upper_lip_raise, stays highest, as AU10's (a lift sparing the middle curls a thin lip into an M).
# More shuts a toothy smile's lips (disgust: CLOSES_A_SMILE) into a taller arch, sad's mouth.
NOSE_SNEER_LIP_SIDES = 0.06
CHEEKS = (205, 425)  # MediaPipe points mid-cheek (subject's right, left): where cheek_puff bulges most

# Mouth widths under the lower lip's border over which lower_lip_depress's pull fades on the skin.
DEPRESS_SKIN_REACH = 0.2
# Share of the jaw's drop the mouth corners follow.
JAW_CORNER_SHARE = 0.45
# The opening's inner corners (the commissures) come in along the face this many mouth widths each
# at jaw_open 1, posed as the upper lip's lift is (FaceRig.jaw_lift, jaw_lift_share: none on
# speech's small openings, 0.013 of it on /o/): the lips roll round the corners as they part wide,
# so the first upper and lower inner-lip segments meet at a blunt angle, not a knife point.
# render.mouth.MouthPainter._widened adds this back, so the lips are not read as rounded (/o/ /u/).
JAW_CORNER_IN = 0.04
# The lip about each inner corner comes in with it (_corners_in): its landmark rings by
# exp(-0.5 (d / JAW_CORNER_IN_REACH)^2) of the corner's draw-in, d the mouth widths along the face
# from the corner. Drawn in alone, the corner stretched the photo's own corner lip into its few
# triangles (area x17-150 at jaw 1): 12's and 11's pale wedges, the dark line running on from the
# bundled photo's, 01's and 07's corners (out/wedge37); with the lip x6-10 (07's sliver x58, out/corner38).
JAW_CORNER_IN_REACH = 0.07
# Rounded lips (lip_spread = -1, _rounding): the corners come in this many mouth widths more than
# the spread's own, the lower lip parts from the upper up to this far between the middle and the
# corners, and the lips come forward this many times that. The corners in 0.05 made /o/ rounder
# still (mid height over width 0.43, 0.405 at 0.02) but cost dlib's identity on Grace Hopper's
# (out/portraits' 02) held /o/ and /u/ 0.252/0.239 -> 0.302/0.300 (0.288/0.270 at 0.02).
ROUND_NARROW = 0.02
ROUND_FULL = 0.06
ROUND_PROTRUDE = 1.5
# The upper lip parts this share of the lower's (raised as far, it bared the upper teeth on the skull).
ROUND_UPPER_SHARE = 0.5
# Rounded lips on a smiling photo (FaceRig.round_smiling): at full rounding the corners first give
# back ROUND_SMILE_WIDTH of the photo's smile's width (SMILE_CORNER_OUT a side at smile 1) and
# ROUND_SMILE_LIFT of its lift (the frown, as motion.emotion.UNDO_SMILE takes a smile off), then
# round as on an unsmiling photo: the orbicularis pursing the lips pulls against the zygomatic.
# Left out (the photo's smile kept whole), /o/ on the toothy smiles (the bundled photo, 01, 03)
# was a smile-width slot, only 0.85-0.89 of the photo's width (dlib, out/o46).
ROUND_SMILE_WIDTH = 1.0
ROUND_SMILE_LIFT = 0.5
# ... and of _rounding's parting of the lips beside the middle, this share: a toothy smile's lips are
# apart already, and parted further the rig's opening stood 0.2 of its peak taller than the lens the
# painter rounds it to, a wide grey band of inner lip face round the hole (bundled, 01, 11, 12).
ROUND_SMILE_PARTING = 0.0
# The face skin about a mouth corner drops with it, the corner's share fading out between these
# distances from it (mouth widths), less by the photo's own smile: left to the jaw's weight by
# height on the face, the skin beside and above a dropped corner stayed and the triangles between
# folded, drawing straight jagged lines out of the corners (the engraving, out/portraits' 10; 09).
# A smiling photo's corners sit in the cheeks' raised mass, which the jaw does not pull down (and
# dlib read the bundled smile's open-mouthed frames 0.024 further from the person when it did).
CORNER_SKIN_REACH = (0.05, 0.3)
# A press closes a photo's parted lips by moving each lip as a whole, nearly: the ring behind the
# inner contour closes LIP_PRESS_MIDDLE of the gap (the inner contour half), the outer contour
# LIP_PRESS_OUTER. At 0.33 the ring lagged the contour and the lip's rim stretched 2-3x on a
# closure, magnifying the photo's blurred lip edge into a band (the Pedersen portrait: ~1.5 px
# at rest, ~4 px closed).
LIP_PRESS_MIDDLE = 0.5
LIP_PRESS_OUTER = 0.45
# Jaws at which a press's outer corner is checked for turning its own triangles over (_corner_press):
# a shut /p b m/ and the pressed speech shapes about it (out/rev39e/variants.py took 0-0.4).
CORNER_PRESS_JAWS = (0.0, 0.4)
# A press moves the outer mouth corners with the upper lip, as the inner ones; where the mouth line
# put an outer corner in the lower lip, the skin and lip about it (a Gaussian of this many mouth
# widths; none below PRESS_CORNER_FLOOR) blend toward the corner's move. Left in the lower lip, the outer
# corner rose while the inner came down, and the commissure turned up past the shut line's ends, a
# dark tick read as a smile (out/portraits' 12 sad P(happy) 0.19; out/shutline/NOTES.md). The
# corner moved alone hung a dark wedge under each end on /p b m/ (out/shutline/pbm_old_v2_v1.png).
PRESS_CORNER_SIGMA = 0.08
PRESS_CORNER_FLOOR = 0.01
# A smile that bares the teeth stretches the lips thin over them (out/portraits' 12: the upper lip
# 0.05 eye distances at mid-mouth, the lower 0.09), and pressed shut at that thickness they drew a
# thin dark line with hardly a lip; a closed mouth's lips are 0.06-0.14 eye distances (upper) and
# 0.10-0.20 (lower) on the closed-mouth portraits (02, 04-07). Where a parted photo's lip is thinner
# than CLOSED_LIP_IPD (upper, lower; eye distances at mid-mouth, tapering to the corners as
# (1 - x^2)^0.5), the press moves its outer contour less than its inner, so the lip fills out into
# the gap instead of the skin beyond it stretching over it (11's chin: vertical streaks): by at most
# LIP_FILL_STRETCH - 1 of the lip's own thickness (its photo's edges stretch with it) and at most
# its outer contour's share of the gap (the contour never moves away from the other lip). 0.1 and
# 0.14 (about 6 and 9 mm at a 63 mm eye distance): 12's lips close 0.115 and 0.154 thick at
# mid-mouth (0.061 and 0.100 before), the bundled photo's and 01's 0.112 and 0.151 (0.073-0.080
# and 0.124-0.129 before; out/closed/probe.py).
CLOSED_LIP_IPD = (0.1, 0.14)
LIP_FILL_STRETCH = 2.0
# Filled only on a parted photo: from the inner lips' gap at mid-mouth of face.lips' MIN_OPENING
# mouth widths (a closed mouth's landmarks lie 0-0.03 apart), fully from twice that.
LIP_FILL_FROM = 0.03
# The upper lip's drop beside the opening's inner corners (x = -1, 1 across it, 0 mid-mouth):
# JAW_CORNER_SHARE * (1 - (1 - x^2)^power) of the jaw's, so the opening tapers to nothing at its
# corners; with the lower lip's own JAW_LOWER_OPENING_POWER the opening's height is
# (1 - s) * (1 - x^2)^0.4 + s * (1 - x^2)^power of the middle's (s = JAW_CORNER_SHARE), 0.50 of it
# beside the corners. 0.5 (an ellipse's) on both lips left 0.61-0.65 there, a box with rounded
# ends; 1 on both made dlib read a smiling photo's open-mouthed frames 0.03-0.05 further from the
# person (tests/render/test_realism).
JAW_OPENING_POWER = 0.75
# The lower lip drops along its own (1 - x^2)^power, fuller toward the corners than the upper lip's
# side: a wide-open lower lip is a U, curving up into the corners (0.63 of the middle's drop at the
# landmark 0.2 of the way in on the bundled photo). Dropped on JAW_OPENING_POWER, its first segment
# ran in one straight diagonal into the tongue and the widest vowel's opening was a lemon with
# knife tips (13, the bundled photo, 03, 07). 0.5 (an ellipse's) bent it less at 2x; 0.35 drew 12's
# lower lip a bowl. It costs the engraving 10's 43-91-146 beside its left corner a fold
# (_unfolded). Figures: out/outline35/NOTES.md.
JAW_LOWER_OPENING_POWER = 0.4
# As the jaw opens wide, the upper lip's inner edge lifts mid-mouth JAW_UPPER_LIFT of the jaw's drop,
# along a parabola 1 - x^2 (x -1..1 from one corner to the other along each lip column, its border
# and inner edge at one place: _lip_across); its outer border rises by all but what the lip thins,
# JAW_LIFT_THIN_SHARE of the lift and at most JAW_LIFT_THIN of the lip's height there (shares), so
# the lip keeps at least 0.7 of its height and the photo's thickness across it (a lip thinned
# further reads as an even painted liner at 3-4x); the skin over it
# and the nose stay (_jaw_lift). Carried level between its corners drawn down with the jaw, the
# photo's lip line ran flat across the widest vowel's top: a bucket or trapezoid at 2x. 0.2 (about
# 5 mm at a 63 mm eye distance) arches it. A parabola turns evenly along the lip's few vertices,
# where a steeper profile drew a thin lip into a tent at its middle vertex. Posing takes it by
# ((jaw_open - JAW_UPPER_LIFT_FROM) / (1 - JAW_UPPER_LIFT_FROM))^2 (jaw_lift_share): none on /i/, a
# smile or speech's small openings (jaw 0.1-0.3), whose slits and rows are measured to the pixel,
# and little on /o/ (0.013 at jaw 0.38: taken linearly, its lift made a closed mouth's rounded
# opening 0.68 as tall half way to the corners as mid-mouth); growing in with no kink.
JAW_UPPER_LIFT = 0.2
JAW_LIFT_THIN = 0.3
JAW_LIFT_THIN_SHARE = 0.3
# No triangle touching the lift keeps less than JAW_LIFT_KEEP of its area without it (a share, as
# JAW_FOLD_KEEP), at JAW_LIFT_CHECKS jaws from JAW_UPPER_LIFT_FROM to 1; each nudge aims JAW_LIFT_AIM
# of the area past that, so the passes settle (a few hundred on the portraits, 10 ms), at most
# JAW_LIFT_PASSES; the inner edge moves JAW_LIFT_EDGE_GIVE as far as the rest of the lip does (a
# share), keeping the arch (_lift_unfolded). A larger share holds a thin lip's border down
# mid-mouth under the skin above it.
JAW_LIFT_KEEP = 0.25
JAW_LIFT_AIM = 0.02
JAW_LIFT_CHECKS = 15
JAW_LIFT_PASSES = 3000
JAW_LIFT_EDGE_GIVE = 0.05
# How far the chin drops at jaw_open 1, in eye distances.
JAW_DROP = 0.38
JAW_UPPER_LIFT_FROM = 0.3
# The skin under the lower lip drops at least so far that each triangle there keeps this share of
# its rest area at jaw_open 1 (_unfolded), raised over at most this many passes down the chin.
JAW_FOLD_KEEP = 0.25
JAW_FOLD_PASSES = 8
# A triangle joining the lower lip to the skin beside it (_unfold_seam) keeps at least this share:
# those are slivers at rest (10's 43-91-146: 3.6 px^2), and one kept to a quarter, its photo laid
# 4 times thinner, stepped a held wide-open jaw 11 levels where its edge crossed a pixel's centre.
JAW_SEAM_KEEP = 0.5

# Vertical gaze: how far each lid margin travels with the iris, as a share of the iris's own travel
# (mid-eye; less toward the corners, as the opening there is lower). A real upper lid follows the
# eye nearly all the way up or down (the iris keeps its overlap with it: no white over it looking
# up, no half blink looking down); the lower lid rises a little looking up (less white under the
# iris than a stare) and drops a little looking down (the lowered iris stays in view).
LID_GAZE_UP = 0.9
LID_GAZE_DOWN = 0.8
LOWER_LID_GAZE_UP = 0.45
LOWER_LID_GAZE_DOWN = 0.3

RING_SCALES = (1.25, 1.6, 2.1, 2.8, 3.6, 4.6, 6.0, 12.0)
# Face heights from the photo's edges over which the head's hold on the rings fades to nothing.
EDGE_HOLD = 0.25


@dataclass(frozen=True, eq=False)
class LiftGuard:
    """The skin row over the upper lip's border that rides up as far as the jaw's lift, posed with an
    expression, would otherwise turn a triangle between them over (renderer's _guard_lift): a frown or
    a sneer brings that skin down toward the border or the border up toward it, and the lift, checked
    at build against the jaw alone (_lift_unfolded), then carries the border past it. That skin rises
    no further than keeps its triangles to the skin that stays (the nose's base) their floor too;
    what it cannot give, the whole lip gives up of its lift.

    triangles: (T, 3) int32 mesh triangles: the first `guarded` join a lifted vertex to that skin (the
        skin rises for them); the rest join that skin to vertices that neither rise nor lift (they cap
        its rise).
    slot: (T, 3) int32 each corner's index into `vertex`, -1 for a corner that does not rise.
    floor: (T,) float32 px^2 JAW_LIFT_KEEP of twice each triangle's rest area, signed as at rest (per
        frame a guarded triangle keeps the lesser of this and its area with the lift left out).
    guarded: how many of `triangles` (the first) the skin rises for.
    vertex: (S,) int32 the skin vertices that may rise.
    up: (2,) float32 the face's up in the image (unit), the way they rise (as the lift does).
    corner_tri: (C, 3) int32 the triangles at the opening's two inner corners, the corner first: the
        corner's draw-in (JAW_CORNER_IN, its jaw_lift row) is held back per frame as far as one of them
        needs to keep JAW_LIFT_KEEP of its area without it, which a jaw_sideways or lip_spread posed
        with a wide jaw (the opening narrow at a corner) would otherwise turn over.
    """

    triangles: np.ndarray
    slot: np.ndarray
    floor: np.ndarray
    guarded: int
    vertex: np.ndarray
    up: np.ndarray
    corner_tri: np.ndarray


@dataclass(frozen=True, eq=False)
class FaceRig:
    """Mesh and motion bases for one cropped photo. Arrays are float32 unless noted.

    rest_xyz: (V, 3) vertex positions in the photo; x, y in pixels, z in pixels (negative = nearer).
    triangles: (F, 3) int32 vertex indices.
    material: (F,) uint8, MATERIAL_PHOTO or MATERIAL_CAVITY.
    movable: (F,) bool; False for triangles no parameter can move (drawn as the photo itself).
    depth_bias: (F,) float32 px subtracted from a triangle's depth (eye openings sit behind the lids).
    head_weight: (V,) how rigidly each vertex follows head pose, 0..1.
    expression_basis: (K, V, 3) displacement in pixels per unit of each EXPRESSION_NAMES coefficient.
    expression_basis_negative: (K, V, 3) displacement at -1 of each coefficient: the mirror of the
        above, except where the opposite movement is a muscle of its own (smile < 0: the frown,
        AU15+17; brow_raise < 0: the brow lowerer, AU4).
    pivot_xyz: (3,) centre of head rotation (about the upper neck).
    cavity_t: (V,) 0 on the upper inner lip, 1 on the lower, 0.5 at the corners.
    cavity_partner: (V,) int32 index of the facing inner-lip vertex (itself elsewhere).
    cavity_u: (V,) position along the inner lips, 0 at the subject's right corner .. 1 at the left.
    press_vertex, press_upper, press_lower: (M,) int32 — vertices moved by lip_press (the lips',
        and the skin's about the outer corners), and the inner-lip pair whose gap each closes;
        press_weight: (M,) signed share of that gap (+ toward the lower lip for upper-lip vertices,
        - for lower-lip ones).
    press_fill, press_rest_px: (M,) float32 — the signed share of the pair's gap at rest (its length
        `press_rest_px`, px) that the lip's fill holds back on a parted photo (0 elsewhere): what a
        press closes (the length less the teeth's allowance) beyond the rest length closes by
        press_weight + press_fill, the lip as a whole.
    jaw_lift: (V, 3) displacement in pixels at jaw_open 1, taken by jaw_lift_share(jaw_open) (renderer's
        posed_vertices): the upper lip's middle lifting as the jaw opens wide (JAW_UPPER_LIFT), and the
        opening's inner corners coming in (JAW_CORNER_IN).
    knit_lowered: (V, 3) displacement in pixels added at brow_knit 1 and brow_raise -1, taken by
        brow_knit x max(-brow_raise, 0) (renderer's posed_vertices): the knit's drop, and its pull in
        cut back to leave the lowerer's draw-together room (_brow_knit). Zero wherever the knit's
        own shape is.
    round_smiling: (V, 3) displacement in pixels added at smiling_round_share 1 (renderer's
        posed_vertices): on a smiling photo, what rounded lips take off its smile and the rounding
        the lip_spread < 0 shape leaves out there (_smiling_rounding); zero on an unsmiling photo.
    round_undone: (V, 3) the same where an emotion has undone the photo's smile (renderer's
        posed_vertices, by the undone share): only the rounding the lip_spread < 0 shape leaves out on a
        smile, as an unsmiling mouth rounds, scaled to the mouth the undo leaves (_undone_rounding); zero
        on an unsmiling photo.
    undo_frown: the frown (smile units, >= 0) with which an emotion takes the whole of this photo's
        smile off (UNDO_FROWN_PER_SMILE x its smile x corner_share, SHOWN_FLOOR at least); 0 unsmiling.
        True of the CORNERS_AS_SHOWN emotions (motion.emotion); the renderer reads any frown as undo, so
        sad's own frown, or fear's (as shown plus its margin, motion.emotion.CORNERS_SHOWN_MARGIN) and contempt's
        whole-lift one where corner_share < 1, saturate it early.
    lift_guard: the skin over the lifted border that rises with it where it must (LiftGuard).
    face_height_px, ipd_px, mouth_width_px: face measures in pixels.
    undo_spread_per_frown: lip_spread < 0 per unit of frown (smile < 0) with which an emotion takes
        this photo's smile off (undo_spread_per_frown): what of a frame's lip_spread is not rounding.
    lip_lift_share: the share (0..1) of the upper lip's lift that `jaw_lift` holds (with_lip_lift sets
        it; 1 as built), so a second with_lip_lift sets the share rather than taking it twice.
    """

    rest_xyz: np.ndarray
    triangles: np.ndarray
    material: np.ndarray
    movable: np.ndarray
    depth_bias: np.ndarray
    head_weight: np.ndarray
    expression_basis: np.ndarray
    expression_basis_negative: np.ndarray
    knit_lowered: np.ndarray
    round_smiling: np.ndarray
    round_undone: np.ndarray
    pivot_xyz: np.ndarray
    cavity_t: np.ndarray
    cavity_partner: np.ndarray
    cavity_u: np.ndarray
    press_vertex: np.ndarray
    press_upper: np.ndarray
    press_lower: np.ndarray
    press_weight: np.ndarray
    press_fill: np.ndarray
    press_rest_px: np.ndarray
    jaw_lift: np.ndarray
    lift_guard: LiftGuard
    face_height_px: float
    ipd_px: float
    mouth_width_px: float
    undo_spread_per_frown: float
    undo_frown: float
    lip_lift_share: float = 1.0

    @property
    def n_vertices(self) -> int:
        return int(self.rest_xyz.shape[0])


@lru_cache(maxsize=1)
def face_mesh_triangles() -> np.ndarray:
    """(852, 3) int32 triangles of MediaPipe's face topology (see scripts/make_face_triangles.py)."""
    with resources.files("facetalk.data").joinpath("face_mesh_triangles.npy").open("rb") as f:
        return np.load(f).astype(np.int32)


def smoothstep(x: np.ndarray, edge0: float, edge1: float) -> np.ndarray:
    """0 below edge0, 1 above edge1, a smooth cubic in between (elementwise)."""
    if _is_double(x) and _is_double(edge0) and _is_double(edge1) and edge0 != edge1:
        # One float64 (the renderers ask for a few dozen a frame): the same double arithmetic in
        # Python floats, as numpy's scalar, without np.clip's wrappers (~4 us a call).
        t = min(max((float(x) - edge0) / (edge1 - edge0), 0.0), 1.0)
        return np.float64(t * t * (3.0 - 2.0 * t))
    t = np.clip((x - edge0) / (edge1 - edge0), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _is_double(x) -> bool:
    """Whether `x` is one value that numpy's arithmetic would take as a float64: a Python float or
    int, a numpy float64, or a 0-d float64 array."""
    kind = type(x)
    return kind is float or kind is int or kind is np.float64 or (
        kind is np.ndarray and x.ndim == 0 and x.dtype == np.float64)


def with_lip_lift(rig: FaceRig, *, share: float) -> FaceRig:
    """`rig` with its upper lip's lift at a wide jaw (FaceRig.jaw_lift's part up the face,
    LiftGuard.up) at `share` of the lift as built, clamped to 0..1: absolute, so applying it again
    (or to a rig already at a share) sets the share rather than taking it twice
    (FaceRig.lip_lift_share records it); the draw-in about the inner corners (JAW_CORNER_IN, along
    the face) as it was. The rig itself where the share is already that. A lift taken to 0 cannot
    be given back (ValueError)."""
    share = min(max(float(share), 0.0), 1.0)
    if share == rig.lip_lift_share:
        return rig
    if rig.lip_lift_share <= 0.0:
        raise ValueError("the rig's lip lift was taken to 0; rebuild it to give it back")
    lift = rig.jaw_lift.astype(np.float64)
    up = rig.lift_guard.up.astype(np.float64)
    free = np.ones(len(lift), bool)
    free[list(lm.INNER_MOUTH_CORNERS)] = False
    lift[free, :2] -= (1.0 - share / rig.lip_lift_share) * np.outer(lift[free, :2] @ up, up)
    return replace(rig, jaw_lift=lift.astype(np.float32), lip_lift_share=share)


def jaw_lift_share(jaw_open: float) -> float:
    """How much of FaceRig.jaw_lift a frame's `jaw_open` takes: 0 up to JAW_UPPER_LIFT_FROM, 1 at 1."""
    return (max(jaw_open - JAW_UPPER_LIFT_FROM, 0.0) / (1.0 - JAW_UPPER_LIFT_FROM)) ** 2


def inside_polygon(points_xy: np.ndarray, polygon_xy: np.ndarray, *, on_edge_px: float = 1e-3) -> np.ndarray:
    """(N,) bool: points inside the polygon (even-odd rule) or within `on_edge_px` of its edges."""
    x, y = points_xy[:, :1].astype(np.float64), points_xy[:, 1:2].astype(np.float64)  # (N, 1)
    x0, y0 = polygon_xy[:, 0].astype(np.float64), polygon_xy[:, 1].astype(np.float64)  # (M,)
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    # A ray to +x crosses the edges whose ends lie on either side of the point's row, right of it.
    straddles = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_cross = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    inside = (np.count_nonzero(straddles & (x < x_cross), axis=1) % 2) == 1
    # Distance to each edge segment, for points on the outline.
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((x - x0) * dx + (y - y0) * dy) / np.maximum(dx * dx + dy * dy, 1e-12), 0.0, 1.0)
    near = np.hypot(x - (x0 + t * dx), y - (y0 + t * dy)).min(axis=1) <= on_edge_px
    return inside | near


class _FaceFrame:
    """Face-aligned 2D coordinates: u along the eye line (toward the subject's left), v down."""

    def __init__(self, pts: np.ndarray, origin: np.ndarray):
        right_eye, left_eye = lm.eye_centres(pts)
        ex = left_eye - right_eye
        self.ipd = float(np.linalg.norm(ex))
        self.ex = ex / self.ipd
        self.ey = np.array([-self.ex[1], self.ex[0]])
        self.origin = origin

    def uv(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d = xy - self.origin
        return d @ self.ex, d @ self.ey

    def to_image(self, du: np.ndarray, dv: np.ndarray) -> np.ndarray:
        """(N, 2) image-space displacement from face-frame components."""
        return np.outer(du, self.ex) + np.outer(dv, self.ey)


def _contour_v(u_query: np.ndarray, u_pts: np.ndarray, v_pts: np.ndarray, *, contour: tuple[int, ...]) -> np.ndarray:
    """(N,) face-frame v (px) of a lip `contour` (landmark ids into the (V,) face-frame `u_pts`,
    `v_pts`) at each of the (N,) `u_query`."""
    ids = list(contour)
    return lm.height_along(u_query, u_pts[ids], v_pts[ids])


def _rings(oval: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices of the rings around the face oval, each one's distance (px) outside the oval
    along its ray from the oval's centre, and that centre."""
    centre = oval[:, :2].mean(axis=0)
    direction = oval[:, :2] - centre
    radius = np.linalg.norm(direction, axis=1)
    verts = [np.column_stack([centre + direction * scale, oval[:, 2]]) for scale in RING_SCALES]
    outside = [(scale - 1.0) * radius for scale in RING_SCALES]
    return np.concatenate(verts), np.concatenate(outside), centre


def _strip(a: list[int], b: list[int], *, closed: bool) -> list[tuple[int, int, int]]:
    """Triangles joining two vertex chains of equal length, skipping degenerate ones."""
    n = len(a)
    tris = []
    for j in range(n if closed else n - 1):
        k = (j + 1) % n
        for tri in ((a[j], a[k], b[k]), (a[j], b[k], b[j])):
            if len(set(tri)) == 3:
                tris.append(tri)
    return tris


def _eye_fill(pts: np.ndarray, upper: tuple[int, ...], lower: tuple[int, ...]) -> list[tuple[int, int, int]]:
    """Triangulates an eye opening (a hole in MediaPipe's mesh) from its contour alone."""
    from scipy.spatial import Delaunay

    contour = np.array(list(upper) + list(lower[-2:0:-1]))
    poly = pts[contour, :2]
    keep = []
    for simplex in Delaunay(poly.astype(np.float64)).simplices:
        if inside_polygon(poly[simplex].mean(axis=0, keepdims=True), poly)[0]:
            keep.append(tuple(int(i) for i in contour[simplex]))
    return keep


def _shoulder_drop(person_alpha: np.ndarray | None, pts: np.ndarray, face_h: float) -> float:
    """How far below the chin (px) the body widens into shoulders, from the person matte:
    the first row where the matte is 1.4 face widths wide; 0.1-0.5 face heights, 0.45 if unknown."""
    if person_alpha is None:
        return 0.45 * face_h
    chin_y = pts[lm.CHIN_BOTTOM, 1]
    face_w = np.ptp(pts[list(lm.FACE_OVAL), 0])
    rows = person_alpha[int(chin_y):int(chin_y + 0.5 * face_h)] > 0.5
    wide = np.nonzero(rows.sum(axis=1) > 1.4 * face_w)[0]
    drop = float(wide[0]) if len(wide) else 0.5 * face_h
    return float(np.clip(drop, 0.1 * face_h, 0.5 * face_h))


@dataclass(frozen=True, eq=False)
class _Topology:
    """The mesh before any motion: (V, 3) rest vertices (the 478 landmarks, then the rings out to
    past the border), triangles and their materials, and the rings' geometry."""

    rest: np.ndarray
    triangles: list[tuple[int, int, int]]
    material: list[int]
    ring_xyz: np.ndarray
    ring_outside: np.ndarray
    centre: np.ndarray
    n_face: int


@dataclass(frozen=True, eq=False)
class _Measures:
    """Face-aligned coordinates of every vertex (u along the eyes, v down, from the mouth centre)
    and the face's sizes, in pixels."""

    frame: _FaceFrame
    u: np.ndarray
    v: np.ndarray
    ipd: float
    mouth_w: float
    face_h: float


@dataclass(frozen=True, eq=False)
class _Lips:
    """(V,) masks of the upper and lower lip's vertices, and of the face mesh's; the mouth corners."""

    upper: np.ndarray
    lower: np.ndarray
    is_face: np.ndarray
    corners: list[int]


@dataclass(frozen=True, eq=False)
class _Head:
    """What turns with the head: (V,) weight per vertex (1 rigid with the head, 0 the body) and
    the (3,) pivot it turns about."""

    weight: np.ndarray
    pivot_xyz: np.ndarray


@dataclass(frozen=True, eq=False)
class _Basis:
    """(K, V, 3) displacement per unit of each EXPRESSION_NAMES parameter (positive), and at -1
    of each (negative); (V, 3) the upper lip's lift at jaw_open 1 (jaw_lift_share); (V, 3) what the
    knit adds at brow_knit 1 with the brows fully lowered (FaceRig.knit_lowered); (V, 3) rounded lips
    on a smiling photo (FaceRig.round_smiling), and on one whose smile is undone (FaceRig.round_undone)."""

    positive: np.ndarray
    negative: np.ndarray
    jaw_lift: np.ndarray
    knit_lowered: np.ndarray
    round_smiling: np.ndarray
    round_undone: np.ndarray


@dataclass(frozen=True, eq=False)
class _Cavity:
    """Mouth cavity attributes per vertex: t, which lip an inner vertex belongs to (0 upper, 1
    lower, 0.5 a corner); partner, its vertex on the other lip; u, its place along the mouth 0..1."""

    t: np.ndarray
    partner: np.ndarray
    u: np.ndarray


@dataclass(frozen=True, eq=False)
class _Press:
    """lip_press per lip vertex: vertex ids, the upper and lower inner-lip partners whose gap it
    closes, its signed share of the gap (int32 / float32), the signed share of the photo's own
    gap its fill holds back (float32; weight + fill closes what an expression opens beyond it) and
    that gap's length (rest_px, float32 px)."""

    vertex: np.ndarray
    upper: np.ndarray
    lower: np.ndarray
    weight: np.ndarray
    fill: np.ndarray
    rest_px: np.ndarray


def _moved_by(basis: _Basis) -> np.ndarray:
    """(V,) bool: the vertices some expression (`basis`, _expression_basis's) moves."""
    return np.any(basis.positive != 0, axis=(0, 2)) | np.any(basis.negative != 0, axis=(0, 2)) \
        | np.any(basis.jaw_lift != 0, axis=1) | np.any(basis.knit_lowered != 0, axis=1) \
        | np.any(basis.round_smiling != 0, axis=1) | np.any(basis.round_undone != 0, axis=1)


def build_rig(landmarks_px: np.ndarray, *, person_alpha: np.ndarray | None = None,
              frames_mask: np.ndarray | None = None, hidden_eyes: tuple[str, ...] = ()) -> FaceRig:
    """Builds the mesh rig from (478, 3) landmarks in the (cropped) photo's pixels; the (H, W)
    person matte, if given, tells where the neck ends and the shoulders (which stay) begin, and
    where the photo's edges are (the head lets go of the rings there: EDGE_HOLD); the
    (H, W) spectacle frames' mask (face.glasses), if given, holds the skin under them when the
    brows rise (FRAMES_HOLD_RAMP); the `hidden_eyes` sides stay as photographed (_held_by_glasses)."""
    pts = np.asarray(landmarks_px, dtype=np.float64)
    if pts.shape != (lm.N_LANDMARKS, 3):
        raise ValueError(f"expected ({lm.N_LANDMARKS}, 3) landmarks, got {pts.shape}")
    # 1. Topology: face mesh, eye fills, mouth cavity strip, rings out to past the border.
    topo = _topology(pts)
    # 2. Face measures and a face-aligned frame centred on the mouth.
    meas = _measures(pts, topo)
    # 3. Head weights and pivot: the head turns, the body stays.
    head = _head_weights(pts, topo, meas, person_alpha)
    # 4. Expression basis: jaw, lips, corners, brows, lids and gaze.
    lips = _lip_regions(pts, topo, meas)
    on_rims = None if frames_mask is None else _brows_on_rims_px(pts, frames_mask, meas.ipd)
    photo = _photo_expression(pts)  # the photo's own smile: the basis's and the undo's
    basis = _expression_basis(pts, topo, meas, lips, photo_smile=photo.smile, brows_on_rims_px=on_rims)
    _holds(basis, pts=pts, topo=topo, meas=meas, photo_smile=photo.smile, frames_mask=frames_mask,
           hidden_eyes=hidden_eyes, person_alpha=person_alpha)
    # 5. Mouth cavity attributes, and 6. which inner-lip pair each lip vertex closes on.
    cavity = _cavity(len(topo.rest))
    press = _lip_press(meas, lips, poses_xy=_jaw_poses_xy(topo.rest, basis),
                       triangles=np.array(topo.triangles, dtype=np.int64))
    # 7. Triangles that never move are left out of the per-frame rasterization.
    moving = (head.weight > 0) | _moved_by(basis)
    tri_arr = np.array(topo.triangles, dtype=np.int32)
    return FaceRig(
        rest_xyz=topo.rest.astype(np.float32),
        triangles=tri_arr,
        material=np.array(topo.material, dtype=np.uint8),
        movable=moving[tri_arr].any(axis=1),
        depth_bias=np.where(np.array(topo.material) == MATERIAL_EYE, 0.05 * meas.ipd, 0.0).astype(np.float32),
        head_weight=head.weight.astype(np.float32),
        expression_basis=basis.positive.astype(np.float32),
        expression_basis_negative=basis.negative.astype(np.float32),
        knit_lowered=basis.knit_lowered.astype(np.float32),
        round_smiling=basis.round_smiling.astype(np.float32),
        round_undone=_undone_rounding(basis, pts, photo).astype(np.float32),
        pivot_xyz=head.pivot_xyz.astype(np.float32),
        cavity_t=cavity.t.astype(np.float32),
        cavity_partner=cavity.partner.astype(np.int32),
        cavity_u=cavity.u.astype(np.float32),
        press_vertex=press.vertex,
        press_upper=press.upper,
        press_lower=press.lower,
        press_weight=press.weight,
        press_fill=press.fill,
        press_rest_px=press.rest_px,
        jaw_lift=basis.jaw_lift.astype(np.float32),
        lift_guard=_lift_guard(meas, lips, triangles=tri_arr, jaw_lift=_lift_and_corners(basis.jaw_lift, meas)),
        face_height_px=meas.face_h,
        ipd_px=meas.ipd,
        mouth_width_px=meas.mouth_w,
        undo_spread_per_frown=undo_spread_per_frown(photo),
        undo_frown=undo_frown(photo),
    )


# The least share of a photo's smile its corners are taken to show (undo_spread_per_frown), so the
# ratio stays finite.
SHOWN_FLOOR = 0.05


def undo_spread_per_frown(photo: PhotoExpression) -> float:
    """lip_spread < 0 per unit of frown with which motion.emotion takes the `photo`'s smile off
    (_undo_smile: UNDO_FROWN_PER_SMILE and UNDO_SPREAD_PER_SMILE, less the frown for what its corners
    do not show, corner_share, and that frown's push out):
    1.23 where the corners show all of the smile, 4.0 on out/portraits' 12 (0.26 shown)."""
    from facetalk.face.expression import corner_share  # that module reads this one's constants

    shown = corner_share(photo)
    spread = UNDO_SPREAD_PER_SMILE - FROWN_CORNER_OUT / SPREAD_CORNER_OUT * UNDO_FROWN_PER_SMILE * (1.0 - shown)
    return spread / (UNDO_FROWN_PER_SMILE * max(shown, SHOWN_FLOOR))


def _jaw_poses_xy(rest: np.ndarray, basis: _Basis) -> np.ndarray:
    """(len(CORNER_PRESS_JAWS), V, 2) the lips' rest shape opened to each of CORNER_PRESS_JAWS (the
    jaw's own shape and its lift), where _lip_press reads which inner-lip pair each vertex closes on."""
    jaw_k = EXPRESSION_NAMES.index("jaw_open")
    return np.stack([rest[:, :2] + j * basis.positive[jaw_k, :, :2] + jaw_lift_share(j) * basis.jaw_lift[:, :2]
                     for j in CORNER_PRESS_JAWS])


def _undone_rounding(basis: _Basis, pts: np.ndarray, photo: PhotoExpression) -> np.ndarray:
    """(V, 3) FaceRig.round_undone: basis.round_undone, with what the lip_spread shape adds on top of
    it, scaled to the mouth the undo leaves (its corners' distance over the photo's, about 0.8 on a
    full smile). Both are sized by the photo's own mouth width, which on a smile is the grin's: unscaled,
    /o/ under surprise rounded an undone smile ~1.25 times as far as an unsmiling mouth of its width
    and pinched it to a lipless slot (rev49s). Unchanged (zero) on an unsmiling photo."""
    frown = undo_frown(photo)
    if frown == 0.0:
        return basis.round_undone
    k = {name: i for i, name in enumerate(EXPRESSION_NAMES)}
    spread = basis.negative[k["lip_spread"]]
    corners = list(lm.MOUTH_CORNERS)
    undone = (pts[corners, :2] + frown * basis.negative[k["smile"]][corners, :2]
              + frown * undo_spread_per_frown(photo) * spread[corners, :2])
    share = float(np.linalg.norm(undone[0] - undone[1]) / np.linalg.norm(pts[corners[0], :2] - pts[corners[1], :2]))
    # Rounded by r on the undone smile the lips move r x (spread + this): share x (spread + round_undone).
    return share * basis.round_undone + (share - 1.0) * spread


def undo_frown(photo: PhotoExpression) -> float:
    """>= 0: the frown (smile units) with which motion.emotion takes the whole of the `photo`'s smile
    off (_undo_smile: UNDO_FROWN_PER_SMILE per unit, by the share its corners show, corner_share, at
    least SHOWN_FLOOR): the renderer reads a frame's frown over it as the share of the smile undone."""
    from facetalk.face.expression import corner_share  # that module reads this one's constants

    return UNDO_FROWN_PER_SMILE * max(photo.smile, 0.0) * max(corner_share(photo), SHOWN_FLOOR)


def _topology(pts: np.ndarray) -> _Topology:
    oval = pts[list(lm.FACE_OVAL)]
    ring_xyz, ring_outside, centre = _rings(oval)
    n_face, n_oval = len(pts), len(lm.FACE_OVAL)
    tris = [tuple(t) for t in face_mesh_triangles()]
    material = [MATERIAL_PHOTO] * len(tris)
    eyes = _eye_fill(pts, lm.RIGHT_EYE_UPPER, lm.RIGHT_EYE_LOWER) + _eye_fill(pts, lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER)
    cavity = _strip(list(lm.LIPS_INNER_UPPER), list(lm.LIPS_INNER_LOWER), closed=False)
    tris += eyes + cavity
    material += [MATERIAL_EYE] * len(eyes) + [MATERIAL_CAVITY] * len(cavity)
    chain = list(lm.FACE_OVAL)
    for r in range(len(RING_SCALES)):
        nxt = list(range(n_face + r * n_oval, n_face + (r + 1) * n_oval))
        tris += _strip(chain, nxt, closed=True)
        chain = nxt
    material += [MATERIAL_PHOTO] * (len(tris) - len(material))
    return _Topology(rest=np.concatenate([pts, ring_xyz]), triangles=tris, material=material, ring_xyz=ring_xyz,
                     ring_outside=ring_outside, centre=centre, n_face=n_face)


def _measures(pts: np.ndarray, topo: _Topology) -> _Measures:
    frame = _FaceFrame(pts, pts[list(lm.MOUTH_CORNERS), :2].mean(axis=0))
    u, v = frame.uv(topo.rest[:, :2])
    return _Measures(frame=frame, u=u, v=v, ipd=frame.ipd,
                     mouth_w=float(np.linalg.norm(pts[lm.MOUTH_CORNERS[0], :2] - pts[lm.MOUTH_CORNERS[1], :2])),
                     face_h=float(np.ptp(pts[list(lm.FACE_OVAL), 1])))


def _head_weights(pts: np.ndarray, topo: _Topology, meas: _Measures,
                  person_alpha: np.ndarray | None) -> _Head:
    """Head weights and the pivot (upper neck, behind the face). Rays from the oval's
    centre that point sideways or up carry hair and ears: rigid. Rays pointing down pass the neck
    and collar: their weight falls to 0 by the shoulders, so the neck bends and the body stays."""
    frame, face_h = meas.frame, meas.face_h
    ray_du, ray_dv = frame.uv(topo.ring_xyz[:, :2])
    centre_du, centre_dv = frame.uv(topo.centre[None])
    ray_dv, ray_du = ray_dv - centre_dv, ray_du - centre_du
    downward = smoothstep(ray_dv / np.hypot(ray_du, ray_dv), 0.0, 0.5)
    neck = _shoulder_drop(person_alpha, pts, face_h)
    ring_weight = 1.0 - downward * smoothstep(topo.ring_outside, 0.02 * face_h, neck)
    # Far from the head everything stays: rotating it would drag the body's matte into the
    # background. Hair within half a face height of the oval moves rigidly.
    ring_weight *= 1.0 - smoothstep(topo.ring_outside, 0.5 * face_h, 0.9 * face_h)
    head_weight = np.concatenate([np.ones(topo.n_face), ring_weight])
    if person_alpha is not None:
        # Toward the photo's edges the rings' weight falls to 0: a head moving rigidly there would
        # show what lies beyond the photo, which sampling can only smear into streaks (hair cut by
        # the top edge when the head nods or turns). The hair in between stretches a little
        # instead; the face itself stays rigid (a face at the edge would otherwise bend, and the
        # spectacle frames, moved by the pose alone, slide off it).
        h, w = person_alpha.shape[:2]
        x, y = topo.ring_xyz[:, 0], topo.ring_xyz[:, 1]
        to_edge = np.minimum(np.minimum(x, w - 1 - x), np.minimum(y, h - 1 - y))
        head_weight[topo.n_face:] *= smoothstep(to_edge, 0.0, EDGE_HOLD * face_h)
    pivot = np.array([topo.centre[0], topo.centre[1] + 0.3 * face_h, pts[:, 2].mean() + 0.5 * face_h])
    return _Head(weight=head_weight, pivot_xyz=pivot)


def _lip_regions(pts: np.ndarray, topo: _Topology, meas: _Measures) -> _Lips:
    """Lip vertices split at the mouth line (midway between the inner contours): upper or lower."""
    n = len(topo.rest)
    lip_poly = pts[list(lm.LIPS_OUTER_UPPER) + list(lm.LIPS_OUTER_LOWER[-2:0:-1]), :2]
    in_lips = np.zeros(n, bool)
    in_lips[:topo.n_face] = inside_polygon(pts[:, :2], lip_poly)
    u_in, v_in = meas.frame.uv(pts[:, :2])
    mid_v = 0.5 * (_contour_v(meas.u, u_in, v_in, contour=lm.LIPS_INNER_UPPER)
                   + _contour_v(meas.u, u_in, v_in, contour=lm.LIPS_INNER_LOWER))
    lower_lip = in_lips & (meas.v > mid_v)
    upper_lip = in_lips & (meas.v <= mid_v)
    lower_lip[list(lm.LIPS_INNER_LOWER)] = True
    upper_lip[list(lm.LIPS_INNER_LOWER)] = False
    upper_lip[list(lm.LIPS_INNER_UPPER)] = True
    lower_lip[list(lm.LIPS_INNER_UPPER)] = False
    return _Lips(upper=upper_lip, lower=lower_lip, is_face=np.arange(n) < topo.n_face,
                 corners=[*lm.INNER_MOUTH_CORNERS, *lm.MOUTH_CORNERS])


def _photo_expression(pts: np.ndarray) -> PhotoExpression:
    """The photo's own expression (face.expression; imported here, as that module reads this one's
    smile constants)."""
    from facetalk.face.expression import estimate_expression

    return estimate_expression(pts)


def _expression_basis(pts: np.ndarray, topo: _Topology, meas: _Measures,
                      lips: _Lips, *, photo_smile: float = 0.0,
                      brows_on_rims_px: np.ndarray | None = None) -> _Basis:
    """The displacement per unit of each EXPRESSION_NAMES parameter, and at -1 of each;
    `photo_smile`: the photo's own smile 0..1 (where the frown pulls from: _frown);
    `brows_on_rims_px`: (10,) px, how far each of the brows' lower-edge landmarks lies inside the
    frames' hold (_brows_on_rims_px); None without frames."""
    basis = np.zeros((len(EXPRESSION_NAMES), len(topo.rest), 3))
    k = {name: i for i, name in enumerate(EXPRESSION_NAMES)}
    _jaw_basis(basis[k["jaw_open"]], pts, meas, lips, photo_smile=photo_smile, triangles=topo.triangles)
    _corner_bases(basis, k, pts, meas, lips)
    _brow_bases(basis, k, pts, topo, meas, lips, on_rims_px=brows_on_rims_px)
    # blinks and gaze, per eye; looking up is not looking down reversed (the lids follow unlike).
    gaze_up = np.zeros((len(topo.rest), 3))
    for side, upper, lower, iris in (("left", lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER, lm.LEFT_IRIS),
                                     ("right", lm.RIGHT_EYE_UPPER, lm.RIGHT_EYE_LOWER, lm.RIGHT_IRIS)):
        _eye_bases(basis, k, side, topo.rest, meas.u, meas.v, meas.frame, pts, upper, lower, iris, meas.ipd, gaze_up)
    basis[k["nose_sneer"]] = _nose_wrinkler(pts, meas, lips)
    _lip_and_jaw_action_units(basis, k, pts, meas, lips)
    negative = -basis
    negative[k["gaze_y"]] = gaze_up
    negative[k["smile"]] = _frown(pts, meas, lips, photo_smile=photo_smile)
    round_smiling = _smiling_rounding(meas, lips, spread=negative[k["lip_spread"]], frown=negative[k["smile"]],
                                      photo_smile=photo_smile)
    kept_rounding = _rounding(meas, lips, negative[k["lip_spread"]], photo_smile=photo_smile)
    round_undone = _rounding(meas, lips, negative[k["lip_spread"]], photo_smile=0.0) - kept_rounding
    negative[k["lip_spread"]] += kept_rounding
    # smirk < 0 is the same one-sided smile on the subject's right corner, not the left one pulled down.
    negative[k["smirk"]] = _smirk(meas.frame.uv(pts[[lm.MOUTH_CORNERS[0]], :2]), meas, lips)
    # blink < 0 (eyeWide, AU5) is the upper lid raised, not a blink undone (_lid_raiser).
    for side, upper, lower in (("left", lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER),
                               ("right", lm.RIGHT_EYE_UPPER, lm.RIGHT_EYE_LOWER)):
        negative[k[f"blink_{side}"]] = _lid_raiser(pts, meas, upper, lower)
    raised_dv = -(negative[k["blink_left"], :, :2] + negative[k["blink_right"], :, :2]) @ meas.frame.ey
    negative[k["brow_raise"]] = _brow_lowerer(pts, topo, meas, lips, raised_dv)
    basis[k["brow_knit"]], knit_lowered = _brow_knit(pts, topo, meas, lips, raised_dv=raised_dv,
                                                     lowered=negative[k["brow_raise"]])
    # On a smiling photo the frown that undoes its smile takes the smile's squint with it: the
    # lower lids come down by the share a smile raised them (the eye_squint shape, reversed).
    negative[k["smile"]] -= SQUINT_UNDONE * photo_smile * (SMILE_SQUINT / EYE_SQUINT) * basis[k["eye_squint"]]
    jaw_dv = basis[k["jaw_open"], :, :2] @ meas.frame.ey
    triangles = np.array(topo.triangles)
    lifted = _jaw_lift(pts, meas, lips, triangles=triangles, jaw_dv=jaw_dv)
    drawn_in = _corners_in(pts, meas, triangles=triangles, jaw_dv=jaw_dv, lift_dv=lifted[:, :2] @ meas.frame.ey)
    return _Basis(positive=basis, negative=negative, jaw_lift=lifted + drawn_in, knit_lowered=knit_lowered,
                  round_smiling=round_smiling, round_undone=round_undone)


def _corners_in(pts: np.ndarray, meas: _Measures, *, triangles: np.ndarray, jaw_dv: np.ndarray,
                lift_dv: np.ndarray) -> np.ndarray:
    """(V, 3) px the opening's two inner corners come in toward each other along the face at
    jaw_open 1 (JAW_CORNER_IN mouth widths each), the lip's landmark rings about each with it by
    JAW_CORNER_IN_REACH's falloff, evened out over the (F, 3) `triangles` it would turn over
    (_draw_in_unfolded, with the jaw's (V,) `jaw_dv` and the lift's `lift_dv`, px down the face at
    jaw 1); renderer._hold_corners holds them back together. The skin stays."""
    inner = list(lm.INNER_MOUTH_CORNERS)
    corner_u = meas.u[inner]
    nearer = np.argmin(np.abs(meas.u[:, None] - corner_u[None, :]), axis=1)  # (V,) 0 / 1
    d = np.abs(meas.u - corner_u[nearer]) / meas.mouth_w  # along the face: a lip column moves as one
    share = np.exp(-0.5 * (d / JAW_CORNER_IN_REACH) ** 2)
    ring = np.zeros(len(share), bool)
    ring[[i for r in (*LIP_UPPER_RINGS, *LIP_LOWER_RINGS, *LIP_CORNER_RINGS) for i in r]] = True
    ring[list(lm.LIPS_INNER_UPPER + lm.LIPS_INNER_LOWER + lm.LIPS_OUTER_UPPER + lm.LIPS_OUTER_LOWER)] = True
    # The lip's landmark rings only (the lip mask's other vertices reach into the engraving's skin under
    # its lip, whose slivers turned over), and not the lip's far side.
    share = np.where(ring & (share > 0.01), share, 0.0)
    share[inner] = 1.0
    sign = -np.sign(_inner_across(corner_u, pts, meas))  # inward, per corner
    full = sign[nearer] * JAW_CORNER_IN * meas.mouth_w
    fixed = ~ring
    fixed[inner] = True
    share = _draw_in_unfolded(share, full_du=full, meas=meas, triangles=triangles, jaw_dv=jaw_dv,
                              lift_dv=lift_dv, fixed=fixed)
    along = share * full
    out = np.zeros((len(meas.u), 3))
    out[:, :2] = meas.frame.to_image(along, np.zeros_like(along))
    return out


def _draw_in_unfolded(share: np.ndarray, *, full_du: np.ndarray, meas: _Measures, triangles: np.ndarray,
                      jaw_dv: np.ndarray, lift_dv: np.ndarray, fixed: np.ndarray) -> np.ndarray:
    """(V,) `share` of each vertex's full draw-in (`full_du`, px along the face at jaw 1) evened out,
    but on the (V,) bool `fixed` vertices, over each of (F, 3) `triangles` that keeps less than
    JAW_LIFT_KEEP of its area without it at one of JAW_LIFT_CHECKS jaws from JAW_UPPER_LIFT_FROM to 1
    (the jaw alone dropping each vertex `jaw_dv` px, the lift `lift_dv` px down the face, both as
    _lift_unfolded takes them): a triangle's vertices moved in alike keep its area. Drawn in by their
    own falloff, the lip's slivers beside the corners (306-407-408, 321-405-406 on the fixtures)
    turned over, and one crossing a pixel's centre stepped a held wide jaw 4 levels."""
    share = share.copy()
    tri = triangles[(share > 0)[triangles].any(axis=1)]
    jaws = np.linspace(JAW_UPPER_LIFT_FROM, 1.0, JAW_LIFT_CHECKS)
    lift = np.array([jaw_lift_share(j) for j in jaws])[:, None, None]
    v = meas.v[tri][None] + jaws[:, None, None] * jaw_dv[tri][None] + lift * lift_dv[tri][None]  # (J, T, 3)

    def area2(u: np.ndarray) -> np.ndarray:  # (J, T) twice the signed area
        return (u[..., 1] - u[..., 0]) * (v[..., 2] - v[..., 0]) - (u[..., 2] - u[..., 0]) * (v[..., 1] - v[..., 0])

    ref = area2(np.broadcast_to(meas.u[tri][None], v.shape))
    for _ in range(JAW_LIFT_PASSES):
        kept = np.sign(ref) * area2(meas.u[tri][None] + lift * (share * full_du)[tri][None])
        turned = np.nonzero((kept < JAW_LIFT_KEEP * np.abs(ref)).any(axis=0))[0]
        if len(turned) == 0:
            break
        for t in turned:
            ids = tri[t][~fixed[tri[t]]]
            share[ids] = share[tri[t]].mean()
    return share


def _rounding(meas: _Measures, lips: _Lips, spread: np.ndarray, *, photo_smile: float = 0.0,
              parting: float = 1.0) -> np.ndarray:
    """(V, 3) what lip_spread = -1 adds to the corners drawn in (`spread`: the (V, 3) lip_spread
    basis, mirrored): the lips round (AU18/22, /o/ /u/) and the opening the jaw makes is an oval,
    not the thin wide lens of a narrowed mouth (0.75 of rounding at jaw 0.38 barely opened it
    taller than /i/). The corners come in ROUND_NARROW mouth widths more; between the middle and
    the corners the lower lip parts from the upper by up to ROUND_FULL mouth widths (2.6 a (1 -
    a^2), a 0..1 from the middle to a corner: the lens fills out toward an oval), the upper lip
    ROUND_UPPER_SHARE of that, the skin beside them following a little, and the lips come
    forward. Mid-mouth they hardly part: surprise (lip_spread -0.5 on a jaw of 0.55) keeps the
    height its identity distance was tuned for (motion.emotion's recipe; parting mid-mouth too
    put 0.385 mouth widths between the bearded old photo's lips there, 0.36 before). None of it
    on a photo's own smile (`photo_smile` 0..1), which emotions undo with lip_spread < 0
    (motion.emotion.UNDO_SMILE) and must not open."""
    v, mouth_w = meas.v, meas.mouth_w
    free = 1.0 - min(max(photo_smile, 0.0), 1.0)
    a = np.minimum(np.abs(meas.u) / (0.5 * mouth_w), 1.0)
    profile = ROUND_FULL * 2.6 * a * (1.0 - a * a)
    share = mouth_w * profile * free
    apart = parting * share * (_chin(v, mouth_w, lips) * lips.is_face - ROUND_UPPER_SHARE * _over_upper_lip(v, mouth_w, lips))
    out = spread * (ROUND_NARROW / SPREAD_CORNER_OUT * free)
    out[:, :2] += meas.frame.to_image(np.zeros_like(v), apart)
    out[:, 2] -= ROUND_PROTRUDE * share * (lips.upper | lips.lower)
    return out


def _smiling_rounding(meas: _Measures, lips: _Lips, *, spread: np.ndarray, frown: np.ndarray,
                      photo_smile: float) -> np.ndarray:
    """(V, 3) FaceRig.round_smiling: fully rounded lips (lip_spread -1 from speech, not an emotion)
    on a photo smiling `photo_smile` (0..1): the corners in by ROUND_SMILE_WIDTH of the smile's width
    and down by ROUND_SMILE_LIFT of its lift (`spread`, `frown`: the (V, 3) lip_spread and smile
    shapes at -1), and the rounding that _rounding leaves out on a smile. Not in the lip_spread
    basis itself: emotions undo a smile with lip_spread < 0 under a frown, which must not open the
    lips (renderer.smiling_round_share tells the two apart)."""
    s = min(max(photo_smile, 0.0), 1.0)
    undo = (ROUND_SMILE_WIDTH * SMILE_CORNER_OUT / SPREAD_CORNER_OUT * spread
            + ROUND_SMILE_LIFT * SMILE_CORNER_LIFT / FROWN_CORNER_DROP * frown)
    left_out = (_rounding(meas, lips, spread, photo_smile=0.0, parting=ROUND_SMILE_PARTING)
                - _rounding(meas, lips, spread, photo_smile=s, parting=ROUND_SMILE_PARTING))
    return s * undo + left_out


def _near(u: np.ndarray, v: np.ndarray, centre_u: float, centre_v: float, sigma: float) -> np.ndarray:
    """(V,) Gaussian weight of each vertex's distance (face frame) from a centre, reach `sigma`."""
    return np.exp(-((u - centre_u) ** 2 + (v - centre_v) ** 2) / (2 * sigma ** 2))


def _mid_mouth(u: np.ndarray, mouth_w: float) -> np.ndarray:
    """(V,) 1 at the middle of the mouth .. 0 at the corners and beyond (cos squared across it)."""
    return np.cos(np.clip(u / mouth_w, -0.5, 0.5) * np.pi) ** 2


def _chin(v: np.ndarray, mouth_w: float, lips: _Lips) -> np.ndarray:
    """(V,) 1 on the lower lip, and below it the chin's skin fading over 0.45 mouth widths (counted
    from the corners' line); 0 on the upper lip. (A toothy smile's middle sits below its corners:
    the upper lip's inner rows there were taken as chin and rose with the lower lip under sad's
    frown and chin raiser while its border stayed, folding the lip over itself mid-mouth: on
    out/portraits' 11 at sad 1, 0.5 and angry 0.5, 92-384 px^2, and the shut line a tent.)"""
    return _fading_under_lower_lip(v, v, 0.45 * mouth_w, lips)


def _under_lower_lip(meas: _Measures, lips: _Lips) -> np.ndarray:
    """(V,) 1 on the lower lip, and below its outer contour the skin fading over DEPRESS_SKIN_REACH
    mouth widths (counted from that contour, so the skin at the lip's border moves as the lip
    does); 0 on the upper lip. (Counted from the corners' line at half weight, the skin a px or two
    under the border kept 0.2 of the lip's pull: fear's AU16 at a wide jaw drew the border over
    it, folding 17-18-83 and its mirror, 02 59 px^2.)"""
    u, v = meas.u, meas.v
    outer = list(lm.LIPS_OUTER_LOWER)
    under = v - lm.height_along(u, u[outer], v[outer])  # (V,) px under the lower lip's outer contour
    return _fading_under_lower_lip(under, v, DEPRESS_SKIN_REACH * meas.mouth_w, lips)


def _fading_under_lower_lip(depth: np.ndarray, v: np.ndarray, reach_px: float, lips: _Lips) -> np.ndarray:
    """(V,) 1 on the lower lip; the face's skin below the corners' line (`v` > 0) fading by
    exp(-`depth` / `reach_px`) ((V,) px, 1 at or above 0); 0 on the upper lip (_chin and
    _under_lower_lip: a toothy smile's upper lip lies below the corners' line)."""
    skin = np.exp(-np.clip(depth, 0, None) / reach_px) * (v > 0) * lips.is_face * ~lips.upper
    return np.where(lips.lower, 1.0, skin)


def _over_upper_lip(v: np.ndarray, mouth_w: float, lips: _Lips) -> np.ndarray:
    """(V,) 1 on the upper lip, and above it the skin fading over 0.25 mouth widths; 0 on the lower
    lip. (Counted from the corners' line, the middle of a mouth arched above its corners (Biden's,
    out/portraits' 04) had its lower lip taken as skin above: disgust's upper lip rose 4.5 px and
    the lower one 3.8 px under it, the lips stayed shut and the sneer read as sad's pout.)"""
    above = np.exp(-np.clip(-v, 0, None) / (0.25 * mouth_w)) * (v < 0) * lips.is_face * ~lips.lower
    return np.where(lips.upper, 1.0, above)


def _frown(pts: np.ndarray, meas: _Measures, lips: _Lips, *, photo_smile: float = 0.0) -> np.ndarray:
    """(V, 3) smile = -1: the lip-corner depressor and the chin raiser (AU15+17). The corners go
    down and a little out, pulled from the modiolus outside them (FROWN_MODIOLUS_OUT, less by the
    photo's own smile 0..1), the smile's cheek mass down (undoing a smiling photo's cheeks), the
    lower lip's middle and the chin boss up, so the mouth line bows down at its ends."""
    u, v, mouth_w, frame, is_face = meas.u, meas.v, meas.mouth_w, meas.frame, lips.is_face
    du, dv = np.zeros_like(u), np.zeros_like(u)
    sigma, out_u = 0.24 * mouth_w, FROWN_MODIOLUS_OUT * (1.0 - min(max(photo_smile, 0.0), 1.0)) * mouth_w
    for c in lm.MOUTH_CORNERS:
        cu, cv = frame.uv(pts[[c], :2])
        # Scaled so the corner itself still drops FROWN_CORNER_DROP (what UNDO_SMILE counts on).
        # Beyond the corner, cut off from 1.5 to 2.2 reaches out: the face's outline (the jaw,
        # ~2.5 reaches from the modiolus) stays, where a speaking face's slight frowns (-0.01)
        # redrew its edge over the background each frame (dlib's identity distance of a neutral
        # render 0.10 -> 0.13 on Grace Hopper's). The lips' middle keeps its share.
        r = np.hypot(u - cu - np.sign(cu) * out_u, v - cv) / sigma * (np.abs(u) > np.abs(cu))
        corner = _near(u, v, cu + np.sign(cu) * out_u, cv, sigma) * (1.0 - smoothstep(r, 1.5, 2.2)) * is_face \
            / np.exp(-out_u ** 2 / (2 * sigma ** 2))
        du += np.sign(cu) * FROWN_CORNER_OUT * mouth_w * corner
        dv += FROWN_CORNER_DROP * mouth_w * corner
        cheek_u, cheek_v = cu + np.sign(cu) * 0.15 * mouth_w, cv - 0.35 * mouth_w
        dv += 0.035 * mouth_w * _near(u, v, cheek_u, cheek_v, 0.35 * mouth_w) * is_face
    dv -= FROWN_CHIN_RAISE * mouth_w * _mid_mouth(u, mouth_w) * _chin(v, mouth_w, lips)
    out = np.zeros((len(u), 3))
    out[:, :2] = frame.to_image(du, dv)
    return out


def _nose_wrinkler(pts: np.ndarray, meas: _Measures, lips: _Lips) -> np.ndarray:
    """(V, 3) nose_sneer = 1: the nose wrinkler (AU9). The nose wings and the cheeks beside them
    rise, the skin of the nose's root bunches down toward them, the upper lip's middle lifts a
    little with the wings, and the whole upper lip with it (NOSE_SNEER_LIP_SIDES), squared off the
    upper teeth."""
    # Lengths in eye distances: the pull about each wing reaches 0.16 and draws it 0.015 in; the
    # root's skin comes 0.025 down over 0.12; the upper lip's middle rises 0.03. The lip's lift (1
    # within 0.3 mouth widths of the middle, falling as a square to 0 at the corners, which stay)
    # takes the skin above the lip along, not the lower lip.
    u, v, ipd, frame, is_face = meas.u, meas.v, meas.ipd, meas.frame, lips.is_face
    du, dv = np.zeros_like(u), np.zeros_like(u)
    for wing in NOSE_WINGS:
        wu, wv = frame.uv(pts[[wing], :2])
        near = _near(u, v, wu, wv, 0.16 * ipd) * is_face
        du -= np.sign(wu) * 0.015 * ipd * near
        dv -= NOSE_WING_LIFT * ipd * near
    root_u, root_v = frame.uv(pts[[NOSE_ROOT], :2])
    dv += 0.025 * ipd * _near(u, v, root_u, root_v, 0.12 * ipd) * is_face
    dv -= 0.03 * ipd * _mid_mouth(u, meas.mouth_w) * lips.upper
    across = np.clip((0.5 - np.abs(u / meas.mouth_w)) / 0.2, 0.0, 1.0) ** 2
    # The skin's share fades out from 0.3 to 0.7 mouth widths above the corners (under the nose):
    # _over_upper_lip's exponential tail alone would reach the brows' heads.
    under_nose = np.clip((v + 0.7 * meas.mouth_w) / (0.4 * meas.mouth_w), 0.0, 1.0)
    dv -= NOSE_SNEER_LIP_SIDES * meas.mouth_w * across * _over_upper_lip(v, meas.mouth_w, lips) * under_nose
    out = np.zeros((len(u), 3))
    out[:, :2] = frame.to_image(du, dv)
    return out


def _brow_lowerer(pts: np.ndarray, topo: _Topology, meas: _Measures, lips: _Lips,
                  raised_dv: np.ndarray) -> np.ndarray:
    """(V, 3) brow_raise = -1: the corrugator and depressors (AU4). The brows come down, their
    inner ends most and their tails least (_medial_taper), and draw together toward the nose.
    `raised_dv`: (V,) px each vertex moves up the face at blink = -1 (the lids raised), both eyes.
    Each brow's head drops as far as the lid skin under it can take (`fits`), so a brow over a
    shorter lid drops less: on the bundled photo the subject's left head 0.019 eye distances, the
    right 0.043 (lid to brow 0.054 and 0.080). The taper's places are the two brows' mean; it is 1
    at both heads there and on a three-quarter view (out/portraits' 07), so it plays no part in that."""
    rest, u, ipd, frame, is_face = topo.rest, meas.u, meas.ipd, meas.frame, lips.is_face
    brows = pts[list(lm.RIGHT_BROW + lm.LEFT_BROW), :2]
    d_brow = np.min(np.linalg.norm(rest[:, None, :2] - brows[None], axis=2), axis=1)
    w_brow = np.exp(-(d_brow / (0.3 * ipd)) ** 2) * is_face
    inner_ends = pts[list(INNER_BROW_POINTS), :2]
    d_inner = np.min(np.linalg.norm(rest[:, None, :2] - inner_ends[None], axis=2), axis=1)
    w_inner = np.exp(-(d_inner / (0.25 * ipd)) ** 2) * is_face
    centre_u = frame.uv(inner_ends)[0].mean()
    w_brow = w_brow * _medial_taper(pts, u - centre_u, centre_u=centre_u, frame=frame)
    # The lowered skin is spread over the lid as the widest glare leaves it (blink = -WIDE_BLINK):
    # anger raises the lid margin while the brows come down, and spread over the lid at rest both
    # squeezed one band of skin over the lash line until its triangles flipped.
    zone, gap = _lid_to_brow(pts, meas, hold=LID_HOLD_LOWERED, whole_from=BROW_BUNCHED_FROM,
                             widening_dv=WIDE_BLINK * raised_dv, level=True)
    w_brow, w_inner = np.minimum(w_brow, zone), np.minimum(w_inner, zone)
    # The lowered skin takes up the lid's height below it; where that height is short the drop is
    # scaled down, so no skin is pushed past the skin under it (the mesh would fold over).
    ramp = (BROW_BUNCHED_FROM - LID_HOLD_LOWERED) * gap
    fits = np.minimum(1.0, BROW_FOLD_SLOPE * ramp / ((BROW_DROP + BROW_INNER_DROP) * ipd))
    # The draw-together grows linearly from nothing on the midline (BROW_DRAW_RAMP), as the knit's
    # does: the skin between the heads bunches evenly. Signed by side at full strength, the points
    # by the midline moved with one brow or the other, squeezing the triangles between them to
    # 0.01-0.25 of their width: the photo's skin fanned into a point at the nose's root (judge48).
    ramp_u = max(BROW_DRAW_RAMP * float(np.abs(frame.uv(inner_ends)[0] - centre_u).mean()), 1e-6)
    toward_mid = np.clip(np.abs(u - centre_u) / ramp_u, 0.0, 1.0)
    du = -np.sign(u - centre_u) * BROW_DRAW_TOGETHER * ipd * w_inner * toward_mid
    dv = (BROW_DROP * ipd * w_brow + BROW_INNER_DROP * ipd * w_inner) * fits
    out = np.zeros((len(u), 3))
    out[:, :2] = frame.to_image(du, dv)
    return out


def _brow_knit(pts: np.ndarray, topo: _Topology, meas: _Measures, lips: _Lips, *,
               raised_dv: np.ndarray, lowered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(V, 3) px at brow_knit = 1 with the brows unlowered: the corrugator draws the brows' inner
    heads toward the midline (KNIT_IN), the skin between them bunching evenly and the brows' bodies
    following with a falloff; spread over the lid as the lowerer's drop is (_lid_to_brow, the lids
    as the widest glare leaves them: `raised_dv`, (V,) px up the face at blink = -1), so the lid
    margins stay. And (V, 3) px the knit adds to that with the brows fully lowered (`lowered`,
    (V, 3) px at brow_raise = -1; FaceRig.knit_lowered): the heads' drop (KNIT_DROP), and the pull
    in giving way to the lowerer's own draw-together, measured from the midline as the lowerer moves
    it (KNIT_MIDLINE), so the two never take a vertex more than KNIT_ROOM of its way to it.
    Spectacle frames are a rigid layer of their own (render.renderer.GlassesLayer)."""
    rest, u, v, ipd, frame, is_face = topo.rest, meas.u, meas.v, meas.ipd, meas.frame, lips.is_face
    ends_u, ends_v = frame.uv(pts[list(INNER_BROW_POINTS), :2])
    centre_u = ends_u.mean()
    heads_u = max(float(np.abs(ends_u - centre_u).mean()), 1e-6)
    x = u - centre_u
    # Linear between the heads (no seam on the midline), then falling off along the brows.
    beyond = np.maximum(np.abs(x) - heads_u, 0.0)
    along = np.clip(np.abs(x) / heads_u, 0.0, 1.0) * np.exp(-(beyond / (KNIT_BODY * ipd)) ** 2)
    # Off the brows (and the glabella between the heads): the brows' points and the heads' middle.
    brow_u, brow_v = frame.uv(pts[list(lm.RIGHT_BROW + lm.LEFT_BROW), :2])
    near_u = np.append(brow_u, centre_u)
    near_v = np.append(brow_v, ends_v.mean())
    d_u, d_v = u[:, None] - near_u[None], v[:, None] - near_v[None]
    d = np.sqrt(d_u ** 2 + np.where(d_v > 0.0, 2.0 * d_v, d_v) ** 2).min(axis=1)
    reach = np.exp(-(d / (KNIT_REACH * ipd)) ** 2) * is_face
    zone, _ = _lid_to_brow(pts, meas, hold=LID_HOLD_LOWERED, whole_from=BROW_BUNCHED_FROM,
                           widening_dv=WIDE_BLINK * raised_dv, level=True)
    w = np.minimum(reach, zone)
    # The lowerer moves the glabella sideways a little (4.5-8.5 px at -1 on the bundled photo, 02, 11
    # before its draw-together ramped through the midline, frown49; under 0.015 eye distances now):
    # its draw-together is measured from that moved midline, or a head lands past it.
    mid_shift = lowered[list(KNIT_MIDLINE), :2].mean(axis=0)
    mid_v = v[list(KNIT_MIDLINE)].mean()
    lowered_xy = lowered[:, :2] - mid_shift * np.exp(-((v - mid_v) / (0.5 * ipd)) ** 2)[:, None]
    lowered_in = -np.sign(x) * (lowered_xy @ frame.ex)
    free_in = KNIT_IN * ipd * along * w
    pull_in = np.minimum(free_in, np.maximum(KNIT_ROOM * np.abs(x) - lowered_in, 0.0))
    free, with_lowered = np.zeros((len(u), 3)), np.zeros((len(u), 3))
    free[:, :2] = frame.to_image(-np.sign(x) * free_in, np.zeros_like(u))
    with_lowered[:, :2] = frame.to_image(np.sign(x) * (free_in - pull_in), KNIT_DROP * ipd * along * w)
    return free, with_lowered


def _medial_taper(pts: np.ndarray, du: np.ndarray, *, centre_u: float, frame: _FaceFrame) -> np.ndarray:
    """(V,) share of the whole-brow drop at each vertex: 1 inward of the brows' heads, falling
    linearly to BROW_TAIL_SHARE at their tails (and beyond). `du`: (V,) px from the face's midline
    (the brows' heads' centre, `centre_u`) along the face frame's u axis."""
    heads_u = np.abs(frame.uv(pts[list(INNER_BROW_POINTS), :2])[0] - centre_u).mean()
    tails_u = np.abs(frame.uv(pts[[lm.RIGHT_BROW[0], lm.RIGHT_BROW[-1], lm.LEFT_BROW[0], lm.LEFT_BROW[-1]], :2])[0]
                     - centre_u).mean()
    along = np.clip((np.abs(du) - heads_u) / max(tails_u - heads_u, 1e-6), 0.0, 1.0)
    return 1.0 - (1.0 - BROW_TAIL_SHARE) * along


def _lid_to_brow(pts: np.ndarray, meas: _Measures, *, hold: float, whole_from: float = BROW_HAIR_FROM,
                 widening_dv: np.ndarray | None = None, level: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """((V,) share of the brows' movement each vertex takes, (V,) px from the upper lid's margin up
    to the brow's lower edge over it; `widening_dv` and `level` as the comments by them say). The
    share is 0 at and below the upper lids' margins (the eyes and everything under them) and up to
    `hold` of the way to the brow, rises linearly from there to 1 at `whole_from` of the way (the
    default: the brow's lowest hairs; 1.0: the brow's lower edge), and is 1 above.

    The brows move the lid skin, not the lid margin (a lowered brow narrows the eye without
    shutting it, a raised one does not open it: that is the lids' own AU5), and the whole lid
    between them stretches evenly, as skin does. A ramp over a fixed tenth of the eye distance
    above the margin put the whole lift there: the lash line stretched three-fold into a vertical
    smear that read as a heavy, half-shut eye and hid the raised brow (most on faces with faint
    brows and dark lids, such as paintings)."""
    frame, u, v = meas.frame, meas.u, meas.v
    # The margins without the eye corners: from either end the line carries on level, so the skin
    # by a corner (where the margin dips) does not take a steeper ramp than the skin beside it.
    lid_u, lid_v = frame.uv(pts[list(lm.RIGHT_EYE_UPPER[1:-1] + lm.LEFT_EYE_UPPER[1:-1]), :2])
    brow_u, brow_v = frame.uv(pts[list(lm.BROWS_LOWER_EDGE), :2])
    lid_at = lm.height_along(u, lid_u, lid_v)
    if level:
        # Counted from the line through the margins' tops (straight, level in the face frame)
        # where the margin lies below it: the lid's skin lies in level rows while its margin
        # curves down to the corners, and counted from the margin, the skin of one row took
        # shares differing enough to shear over the row above.
        half = len(lid_u) // 2
        lid_at = np.minimum(lid_at, np.interp(u, [lid_u[:half].mean(), lid_u[half:].mean()],
                                              [lid_v[:half].min(), lid_v[half:].min()]))
    gap = np.maximum(lid_at - lm.height_along(u, brow_u, brow_v), 0.05 * meas.ipd)
    height = lid_at - v
    if widening_dv is not None:
        # Heights and gap over the lid margin once the lids widen by `widening_dv` ((V,) px up the
        # face per vertex): the share is spread over the lid as it is then.
        margin = lm.height_along(u, lid_u, widening_dv[list(lm.RIGHT_EYE_UPPER[1:-1] + lm.LEFT_EYE_UPPER[1:-1])])
        height, gap = height + widening_dv - margin, np.maximum(gap - margin, 0.05 * meas.ipd)
    share = np.clip((height / gap - hold) / (whole_from - hold), 0.0, 1.0)
    share[list(lm.RIGHT_IRIS + lm.LEFT_IRIS)] = 0.0  # an iris the lid hides reaches over its margin
    return share, gap


def _jaw_weight(pts: np.ndarray, meas: _Measures, lips: _Lips) -> np.ndarray:
    """(V,) how much of the jaw's movement each vertex follows: the lower face, and below the chin
    the skin of the neck, which stretches with the jaw, fading toward the collar."""
    u, v, ipd, face_h, is_face = meas.u, meas.v, meas.ipd, meas.face_h, lips.is_face
    chin_v = meas.frame.uv(pts[[lm.CHIN_BOTTOM], :2])[1][0]
    jaw_w = smoothstep(v, -0.15 * ipd, 0.35 * ipd) * (1.0 - smoothstep(np.abs(u), 0.5 * ipd, 1.25 * ipd))
    jaw_w[~is_face] = (1.0 - smoothstep(v[~is_face], chin_v, chin_v + 0.3 * face_h)) * (v[~is_face] > chin_v - 0.05 * face_h) \
        * (1.0 - smoothstep(np.abs(u[~is_face]), 0.5 * ipd, 1.0 * ipd)) * 0.6
    return jaw_w


def _jaw_basis(out: np.ndarray, pts: np.ndarray, meas: _Measures, lips: _Lips, *, photo_smile: float = 0.0,
               triangles: list[tuple[int, int, int]]) -> None:
    """jaw_open into `out` (V, 3): the lower face drops (and recedes a little); the upper lip stays
    but beside the corners, which drop JAW_CORNER_SHARE of the jaw with the skin about them (less
    by `photo_smile`, the photo's own smile 0..1: CORNER_SKIN_REACH); the skin under the lower lip
    no less than keeps the mesh's `triangles` unfolded (_unfolded)."""
    u, ipd = meas.u, meas.ipd
    jaw_w = _jaw_weight(pts, meas, lips)
    # The lips part as a lens, not a box: the lower lip drops with the jaw along a profile that
    # is full mid-mouth and falls to the corners' share at the opening's own (inner) corners, and
    # near them the upper lip goes down with the corners, so the opening tapers to nothing there.
    # (Across the outer corners, the opening beside its inner corners was still 0.6 of its middle:
    # a box with rounded ends.)
    across = _inner_across(u, pts, meas)
    upper_lens = np.clip(1.0 - across ** 2, 0.0, 1.0) ** JAW_OPENING_POWER
    lower_lens = np.clip(1.0 - across ** 2, 0.0, 1.0) ** JAW_LOWER_OPENING_POWER
    lip_w = JAW_CORNER_SHARE + (1.0 - JAW_CORNER_SHARE) * lower_lens
    # The skin under the lower lip goes down with it, handing over to the jaw's weight over 0.4
    # eye distances: a steeper hand-over folds the mesh there (a seam across a beard).
    lip_v = lm.height_along(u, *meas.frame.uv(pts[list(lm.LIPS_OUTER_LOWER), :2]))
    below = meas.v - lip_v
    under_mouth = lips.is_face * (below > 0) * (1.0 - smoothstep(np.abs(u), 0.5 * meas.mouth_w, 1.0 * meas.mouth_w))
    jaw_w = np.maximum(jaw_w, lip_w * under_mouth * (1.0 - smoothstep(below, 0.0, 0.4 * ipd)))
    skin = np.nonzero(lips.is_face & ~lips.upper & ~lips.lower)[0]
    to_corner = np.min([np.hypot(u[skin] - cu, meas.v[skin] - cv) for cu, cv in
                        zip(*meas.frame.uv(pts[list(lm.MOUTH_CORNERS), :2]))], axis=0)
    near = 1.0 - smoothstep(to_corner / meas.mouth_w, *CORNER_SKIN_REACH)
    jaw_w[skin] = np.maximum(jaw_w[skin], JAW_CORNER_SHARE * (1.0 - min(max(photo_smile, 0.0), 1.0)) * near)
    jaw_w[lips.lower] = lip_w[lips.lower]
    jaw_w[lips.upper] = JAW_CORNER_SHARE * (1.0 - upper_lens[lips.upper])
    jaw_w[lips.corners] = JAW_CORNER_SHARE
    jaw_drop = JAW_DROP * ipd
    lower_lip = lips.lower.copy()
    lower_lip[lips.corners] = False  # the corners carry the upper lip too
    jaw_w = _unfolded(jaw_w, meas=meas, triangles=np.array(triangles), drop_px=jaw_drop,
                      skin=(under_mouth > 0) & ~lips.upper & ~lips.lower, lip=lower_lip,
                      beside_lip=lips.is_face & ~lips.upper & ~lips.lower)
    out[:, :2] = meas.frame.to_image(np.zeros_like(u), jaw_drop * jaw_w)
    out[:, 2] = 0.15 * jaw_drop * jaw_w


def _inner_across(u: np.ndarray, pts: np.ndarray, meas: _Measures) -> np.ndarray:
    """(V,) each vertex's place -1..1 between the opening's inner corners along the face (its `u`):
    _lip_across's on the inner edge."""
    return _lip_across(u, inward=1.0, pts=pts, meas=meas)


def _lip_across(u: np.ndarray, *, inward: np.ndarray | float, pts: np.ndarray, meas: _Measures) -> np.ndarray:
    """(V,) each upper-lip vertex's place -1..1 across its lip column: between the mouth's outer corners
    on the lip's outer border (`inward` 0) and the opening's inner corners on its inner edge (`inward`
    1), blended by (V,) `inward` (or one for all) between, so a column's border and edge share one
    place (_jaw_lift)."""
    outer_u = meas.frame.uv(pts[list(lm.MOUTH_CORNERS), :2])[0]
    inner_u = meas.frame.uv(pts[list(lm.INNER_MOUTH_CORNERS), :2])[0]
    ends_u = [(1.0 - inward) * float(o) + inward * float(i) for o, i in zip(outer_u, inner_u)]
    return (u - 0.5 * (ends_u[0] + ends_u[1])) / np.maximum(0.5 * np.abs(ends_u[1] - ends_u[0]), 1.0)


def _jaw_lift(pts: np.ndarray, meas: _Measures, lips: _Lips, *, triangles: np.ndarray,
              jaw_dv: np.ndarray) -> np.ndarray:
    """(V, 3) px the upper lip's lift at jaw_open 1 (JAW_UPPER_LIFT, taken by jaw_lift_share): up the
    face, in the image plane, by 1 - x^2 across each lip column (_lip_across), the inner edge all of
    it, the outer border all but what the lip thins (JAW_LIFT_THIN_SHARE of the lift, at most
    JAW_LIFT_THIN of the lip's height there), the vertices between by their place; then kept from
    folding the (F, 3) `triangles` as the jaw alone opens by (V,) `jaw_dv` px down the face at jaw_open
    1 (_lift_unfolded; with a frown or sneer posed on it the skin over the border rises where it must:
    LiftGuard). The corners, the skin and the nose stay."""
    u, v = meas.u, meas.v
    v_out = lm.height_along(u, *meas.frame.uv(pts[list(lm.LIPS_OUTER_UPPER), :2]))
    v_in = lm.height_along(u, *meas.frame.uv(pts[list(lm.LIPS_INNER_UPPER), :2]))
    height = np.maximum(v_in - v_out, 0.0)
    inward = np.clip((v - v_out) / np.maximum(height, 1e-6), 0.0, 1.0)  # 0 outer border .. 1 inner edge
    across = _lip_across(u, inward=inward, pts=pts, meas=meas)
    edge_px = JAW_UPPER_LIFT * JAW_DROP * meas.ipd * np.clip(1.0 - across ** 2, 0.0, 1.0)
    thin_px = np.minimum(JAW_LIFT_THIN_SHARE * edge_px, JAW_LIFT_THIN * height)
    free = lips.upper & ~np.isin(np.arange(len(u)), lips.corners)
    lift_px = np.where(free, edge_px - thin_px * (1.0 - inward), 0.0)
    give = np.where(np.isin(np.arange(len(u)), lm.LIPS_INNER_UPPER), JAW_LIFT_EDGE_GIVE, 1.0)
    lift_px = _lift_unfolded(lift_px, meas=meas, triangles=triangles, jaw_dv=jaw_dv, free=free, give=give)
    lifted = np.zeros((len(u), 3))
    lifted[:, :2] = meas.frame.to_image(np.zeros_like(u), -lift_px)
    return lifted


def _lift_and_corners(jaw_lift: np.ndarray, meas: _Measures) -> np.ndarray:
    """(V, 3) `jaw_lift` without the draw-in of the lip about the inner corners (its part along the face,
    but the corners'): LiftGuard's triangles are the lift's and the corners', as before the lip came in
    with them."""
    out = jaw_lift.copy()
    free = np.ones(len(out), bool)
    free[list(lm.INNER_MOUTH_CORNERS)] = False
    out[free, :2] -= np.outer(out[free, :2] @ meas.frame.ex, meas.frame.ex)
    out[np.abs(out) < 1e-9] = 0.0  # the lift's own rows: no along-face part left to count as lifted
    return out


def _lift_guard(meas: _Measures, lips: _Lips, *, triangles: np.ndarray, jaw_lift: np.ndarray) -> LiftGuard:
    """The LiftGuard of (F, 3) `triangles` and the (V, 3) px `jaw_lift`: the triangles joining a lifted
    vertex to face skin (not lip, not lifted) above the upper lip's outer border, that skin free to
    rise, then those joining that skin to vertices that neither rise nor lift; each floor
    JAW_LIFT_KEEP of twice its rest area."""
    lifted = np.any(jaw_lift != 0, axis=1)
    pts_uv = np.stack([meas.u, meas.v], axis=1)
    border_v = lm.height_along(meas.u, pts_uv[list(lm.LIPS_OUTER_UPPER), 0], pts_uv[list(lm.LIPS_OUTER_UPPER), 1])
    rises = lips.is_face & ~lips.upper & ~lips.lower & ~lifted & (meas.v < border_v)
    rises[lips.corners] = False
    guarded = lifted[triangles].any(axis=1) & rises[triangles].any(axis=1)
    vertex = np.unique(triangles[guarded][rises[triangles[guarded]]]).astype(np.int32)
    rises = np.isin(np.arange(len(rises)), vertex)  # only the skin a guarded triangle lifts
    capping = ~lifted[triangles].any(axis=1) & rises[triangles].any(axis=1)
    tri = np.concatenate([triangles[guarded], triangles[capping]])
    slot = np.where(rises[tri], np.searchsorted(vertex, tri), -1).astype(np.int32)
    xy = meas.frame.to_image(meas.u, meas.v)  # the rest place, about the face frame's origin
    a, b, c = xy[tri[:, 0]], xy[tri[:, 1]], xy[tri[:, 2]]
    area2 = (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1])
    up = meas.frame.to_image(np.zeros(1), -np.ones(1))[0]
    return LiftGuard(triangles=tri.astype(np.int32), slot=slot, floor=(JAW_LIFT_KEEP * area2).astype(np.float32),
                     guarded=int(guarded.sum()), vertex=vertex, up=up.astype(np.float32),
                     corner_tri=_corner_triangles(triangles))


def _corner_triangles(triangles: np.ndarray) -> np.ndarray:
    """(C, 3) int32 the (F, 3) `triangles` at the opening's two inner corners, each turned so its corner
    comes first (the winding kept)."""
    out = []
    for corner in lm.INNER_MOUTH_CORNERS:
        for t in triangles[np.any(triangles == corner, axis=1)]:
            out.append(np.roll(t, -int(np.nonzero(t == corner)[0][0])))
    return np.array(out, np.int32).reshape(-1, 3)


def _lift_unfolded(lift_px: np.ndarray, *, meas: _Measures, triangles: np.ndarray, jaw_dv: np.ndarray,
                   free: np.ndarray, give: np.ndarray) -> np.ndarray:
    """(V,) `lift_px` (px up the face at jaw_open 1) changed on the (V,) bool `free` vertices, each by
    its (V,) `give` (a share: the inner edge gives least, keeping the arch), until no triangle of (F, 3)
    `triangles` touching them keeps less than JAW_LIFT_KEEP of its area without the lift at the
    JAW_LIFT_CHECKS jaws from JAW_UPPER_LIFT_FROM to 1, the jaw alone (the chin dropping each vertex
    `jaw_dv` px, the lift taken by jaw_lift_share). A lift that differs between a sliver's vertices
    (the lip beside the corners is a px thick) turns it over."""
    tri = triangles[free[triangles].any(axis=1)]
    u, v = meas.u[tri], meas.v[tri]
    du = np.stack([u[:, 2] - u[:, 1], u[:, 0] - u[:, 2], u[:, 1] - u[:, 0]], axis=1)  # d(2 area)/d(v_k)
    jaws = np.linspace(JAW_UPPER_LIFT_FROM, 1.0, JAW_LIFT_CHECKS)
    share = np.array([jaw_lift_share(j) for j in jaws])
    # (J, T) twice the signed area at each jaw without the lift: v moves by jaw * jaw_dv.
    area0 = np.einsum("tk,jtk->jt", du, v[None] + jaws[:, None, None] * jaw_dv[tri][None])
    sign = np.where(area0 >= 0, 1.0, -1.0)
    mobile = (free * give)[tri]  # (T, 3)
    lift = lift_px.copy()
    for _ in range(JAW_LIFT_PASSES):
        # The lift moves v by -share * lift: twice the area changes by -share * du . lift.
        slack = sign * (area0 - share[:, None] * (du * lift[tri]).sum(axis=1)) - JAW_LIFT_KEEP * np.abs(area0)
        folding = np.nonzero(slack.min(axis=0) < -1e-9)[0]
        if len(folding) == 0:
            break
        for t in folding:  # one at a time: neighbours share vertices
            slack_t = sign[:, t] * (area0[:, t] - share * (du[t] @ lift[tri[t]])) - JAW_LIFT_KEEP * np.abs(area0[:, t])
            j = int(np.argmin(slack_t))
            grad = -sign[j, t] * share[j] * du[t]  # d slack / d lift at the triangle's vertices
            step = mobile[t] * grad
            if slack_t[j] < 0 and float(grad @ step) > 0:
                aim = slack_t[j] - JAW_LIFT_AIM * abs(area0[j, t])
                lift[tri[t]] -= step * (aim / float(grad @ step))
    return lift


def _unfolded(jaw_w: np.ndarray, *, meas: _Measures, triangles: np.ndarray, skin: np.ndarray, lip: np.ndarray,
              beside_lip: np.ndarray, drop_px: float) -> np.ndarray:
    """(V,) `jaw_w` changed where the jaw, dropping each vertex `drop_px` * its weight down the face,
    would fold a triangle ((F, 3) vertex indices) with a corner in `skin` (V,) bool (the skin under
    the lower lip): the skin corner whose drop unfolds it most drops just far enough for the
    triangle to keep JAW_FOLD_KEEP of its rest area. The lip is carried by the lens's weights, the
    skin under it by the chin's: where a photo's landmarks put the lip's outline a px or two above
    the skin under it (a beard: out/portraits' 09), the lip crossed it, the triangles between folded
    over, and a fold's edge crossing a pixel's centre steps it (09's held jaw by 25 levels).
    A triangle joining the lower lip (`lip`, (V,) bool, its corners left out: they carry the upper
    lip) to skin beside it (`beside_lip`) that no skin corner unfolds (beside the mouth corners the
    skin lies above the lip's line, and the lens's slope there drops one lip vertex past another:
    10's 43-91-146 and 273-321-375) gets the one weight change that keeps JAW_SEAM_KEEP and
    is smallest and thins no other triangle there: a skin corner's further drop, or a lip vertex's,
    either way (_unfold_seam)."""
    u, v = meas.u[triangles], meas.v[triangles]  # (F, 3)
    rest = 0.5 * ((u[:, 1] - u[:, 0]) * (v[:, 2] - v[:, 0]) - (u[:, 2] - u[:, 0]) * (v[:, 1] - v[:, 0]))
    # The area's rate with each corner's drop: half the other two corners' spread across the face.
    rate = 0.5 * (np.roll(u, -2, axis=1) - np.roll(u, -1, axis=1))
    gain = np.where(skin[triangles], rate * np.sign(rest)[:, None], 0.0)
    rows = np.arange(len(triangles))
    best = np.argmax(gain, axis=1)
    moves = gain[rows, best] > 0.0  # some skin corner's further drop unfolds it
    seam = np.nonzero(~moves & np.any(lip[triangles], axis=1) & np.any(beside_lip[triangles], axis=1)
                      & (rest != 0.0))[0]
    # The triangles a skin corner's drop unfolds, and that corner of each.
    fold_tris, fold_rest, fold_rate, fold_best = triangles[moves], rest[moves], rate[moves], best[moves]
    each = np.arange(len(fold_tris))
    corner, corner_rate = fold_tris[each, fold_best], fold_rate[each, fold_best]
    w = jaw_w.copy()
    for _ in range(JAW_FOLD_PASSES):  # a lowered corner can fold the triangles under it in turn
        by_others = np.sum(fold_rate * drop_px * w[fold_tris], axis=1) - corner_rate * drop_px * w[corner]
        need = np.clip(((JAW_FOLD_KEEP - 1.0) * fold_rest - by_others) / corner_rate / drop_px, 0.0, 1.0)
        raised = np.any(need > w[corner])
        np.maximum.at(w, corner, need)
        if not (_unfold_seam(w, triangles=triangles, rest=rest, rate=rate, seam=seam, drop_px=drop_px,
                             lip=lip, beside_lip=beside_lip) or raised):
            break
    return w


def _kept_share(at: np.ndarray, *, w: np.ndarray, triangles: np.ndarray, rest: np.ndarray, rate: np.ndarray,
                drop_px: float) -> np.ndarray:
    """(len(at),) the share of their rest area the triangles `at` (indices into `triangles`
    (F, 3), with (F,) rest areas and (F, 3) area rates per px of drop) keep at jaw 1 under the
    (V,) jaw weights `w`, the jaw dropping `drop_px`."""
    return (rest[at] + np.sum(rate[at] * drop_px * w[triangles[at]], axis=1)) / rest[at]


def _unfold_seam(w: np.ndarray, *, triangles: np.ndarray, rest: np.ndarray, rate: np.ndarray, seam: np.ndarray,
                 drop_px: float, lip: np.ndarray, beside_lip: np.ndarray) -> bool:
    """In place on (V,) jaw weights `w`: each `seam` triangle (indices into `triangles` (F, 3), with
    their (F,) rest areas and (F, 3) area rates per px of drop, _unfolded's) that would keep under
    JAW_SEAM_KEEP of its area at jaw 1 gets the smallest single weight change that keeps it, of a
    `lip` corner either way or a `beside_lip` corner further down, that leaves every other triangle
    at that corner no thinner than JAW_SEAM_KEEP or than it was (the cheapest change alone see-sawed:
    10's lip vertex 375 rose for 273-321-375 and folded 273-291-375). Whether any weight changed."""
    # Reads `w` as it stands (changed in place below).
    share = partial(_kept_share, w=w, triangles=triangles, rest=rest, rate=rate, drop_px=drop_px)
    changed = False
    for f in seam[share(seam) < JAW_SEAM_KEEP - 1e-9]:
        tri, now = triangles[f], share(np.array([f]))[0]
        if now >= JAW_SEAM_KEEP - 1e-9:  # a change made for an earlier one kept it already
            continue
        need = w[tri] + (JAW_SEAM_KEEP - now) * rest[f] / (rate[f] * drop_px)
        for k in np.argsort(np.abs(need - w[tri])):
            v, to = tri[k], need[k]
            if not (np.isfinite(to) and 0.0 <= to <= 1.0 and (lip[v] or (beside_lip[v] and to > w[v]))):
                continue
            at = np.nonzero(np.any(triangles == v, axis=1) & (rest != 0.0))[0]
            before, was = share(at), w[v]
            w[v] = to
            if np.all(share(at) >= np.minimum(before, JAW_SEAM_KEEP) - 1e-9):
                changed = True
                break
            w[v] = was
    return changed


def _into_red_px(pts: np.ndarray, meas: _Measures, lips: _Lips) -> np.ndarray:
    """(V,) px each lip vertex lies from its lip's inner edge toward the outer border, along the
    face's v at its u (0 off the lips, and within the red: 0 on the edge, the red's height on the
    border)."""
    u_pts, v_pts = meas.frame.uv(pts[:, :2])
    depth = np.zeros_like(meas.u)
    for mask, inner, outer in ((lips.upper, lm.LIPS_INNER_UPPER, lm.LIPS_OUTER_UPPER),
                               (lips.lower, lm.LIPS_INNER_LOWER, lm.LIPS_OUTER_LOWER)):
        v_in = _contour_v(meas.u, u_pts, v_pts, contour=inner)
        v_out = _contour_v(meas.u, u_pts, v_pts, contour=outer)
        across = (meas.v - v_in) / np.where(np.abs(v_out - v_in) > 1.0, v_out - v_in, np.inf)
        depth[mask] = (np.clip(across, 0.0, 1.0) * np.abs(v_out - v_in))[mask]
    return depth


def _lip_and_jaw_action_units(basis: np.ndarray, k: dict[str, int], pts: np.ndarray, meas: _Measures,
                              lips: _Lips) -> None:
    """The ARKit shapes of the lower face that speech rarely needs but capture files carry: the
    jaw sideways and forward, the lips sideways, funnelled, rolled in and shrugged, the dimpler
    (AU14) and puffed cheeks. Lengths are in mouth widths (lips) or eye distances (jaw, cheeks)."""
    u, v, ipd, mouth_w, frame, is_face = meas.u, meas.v, meas.ipd, meas.mouth_w, meas.frame, lips.is_face
    zero = np.zeros_like(u)
    jaw_w = _jaw_weight(pts, meas, lips)
    jaw_w[lips.lower] = 1.0
    jaw_w[lips.upper] = 0.0
    # + toward the subject's left (the image's right), as ARKit's jawLeft and mouthLeft.
    basis[k["jaw_sideways"], :, :2] = frame.to_image(0.12 * ipd * jaw_w, zero)
    basis[k["jaw_forward"], :, :2] = frame.to_image(zero, 0.02 * ipd * jaw_w)
    basis[k["jaw_forward"], :, 2] = -0.12 * ipd * jaw_w
    # Nothing above the nose wings moves (the lids and brows are the eyes' own shapes).
    wings_v = float(frame.uv(pts[list(NOSE_WINGS), :2])[1].mean())
    lower_face = smoothstep(v, wings_v - 0.1 * ipd, wings_v + 0.1 * ipd) * is_face
    mouth = _near(u, v, 0.0, 0.0, 0.45 * mouth_w) * lower_face
    basis[k["mouth_sideways"], :, :2] = frame.to_image(0.12 * mouth_w * mouth, zero)
    middle = _mid_mouth(u, mouth_w)
    # Funnel: the corners come in, the lips flare apart at the middle and push forward.
    basis[k["mouth_funnel"], :, :2] = frame.to_image(-np.sign(u) * 0.1 * mouth_w * mouth * (1.0 - middle),
                                                     0.05 * mouth_w * middle * (lips.lower.astype(float) - lips.upper))
    basis[k["mouth_funnel"], :, 2] = -0.08 * mouth_w * mouth
    # Rolled in: the lip moves toward the other and its outer edge further, toward its inner one (the
    # red thins by ROLL_THIN of its height; the inner edge, which the presses close, moves as
    # before); shrugged: it rises.
    thin = ROLL_THIN * _into_red_px(pts, meas, lips)
    basis[k["mouth_roll_lower"], :, :2] = frame.to_image(zero, -(0.05 * mouth_w + thin) * middle * lips.lower)
    basis[k["mouth_roll_upper"], :, :2] = frame.to_image(zero, (0.04 * mouth_w + thin) * middle * lips.upper)
    basis[k["mouth_shrug_lower"], :, :2] = frame.to_image(zero, -0.06 * mouth_w * middle * _chin(v, mouth_w, lips))
    basis[k["mouth_shrug_upper"], :, :2] = frame.to_image(zero, -0.04 * mouth_w * middle * _over_upper_lip(v, mouth_w, lips))
    # Dimpler: the corners tighten in and back.
    corners = np.zeros_like(u)
    for c in lm.MOUTH_CORNERS:
        cu, cv = frame.uv(pts[[c], :2])
        corners += _near(u, v, cu, cv, 0.2 * mouth_w) * is_face
    basis[k["mouth_dimple"], :, :2] = frame.to_image(-np.sign(u) * 0.05 * mouth_w * corners, zero)
    basis[k["mouth_dimple"], :, 2] = 0.03 * mouth_w * corners
    # Puffed cheeks bulge out to the sides and toward the camera.
    for cheek in CHEEKS:
        cu, cv = frame.uv(pts[[cheek], :2])
        near = _near(u, v, cu, cv, 0.35 * ipd) * lower_face
        basis[k["cheek_puff"], :, :2] += frame.to_image(np.sign(cu) * 0.08 * ipd * near, zero)
        basis[k["cheek_puff"], :, 2] -= 0.06 * ipd * near


def _corner_bases(basis: np.ndarray, k: dict[str, int], pts: np.ndarray, meas: _Measures, lips: _Lips) -> None:
    """lip_spread, smile, smirk, lower_lip_depress and upper_lip_raise."""
    u, v, mouth_w, frame, is_face = meas.u, meas.v, meas.mouth_w, meas.frame, lips.is_face
    corner_uv = [frame.uv(pts[[c], :2]) for c in lm.MOUTH_CORNERS]
    # lip_spread / smile: Gaussian pulls centred on the mouth corners. A smile pulls the corners up
    # and out while the middle of the lips stays (a pull wide enough to drag the middle along would
    # lift the whole mouth and read as no smile at all), and raises the cheek mass above and
    # outside each corner.
    for name, pulls in (("lip_spread", ((0.28, 0.0, 0.0, SPREAD_CORNER_OUT, 0.0),)),
                        ("smile", ((0.24, 0.0, 0.0, SMILE_CORNER_OUT, -SMILE_CORNER_LIFT), (0.35, 0.15, -0.35, 0.0, -0.035)))):
        du = np.zeros_like(u)
        dv = np.zeros_like(u)
        for cu, cv in corner_uv:
            for sigma, out_u, up_v, du_amp, dv_amp in pulls:
                centre_u, centre_v = cu + np.sign(cu) * out_u * mouth_w, cv + up_v * mouth_w
                g = _near(u, v, centre_u, centre_v, sigma * mouth_w) * is_face
                du += np.sign(cu) * du_amp * mouth_w * g
                dv += dv_amp * mouth_w * g
        basis[k[name], :, :2] = frame.to_image(du, dv)
    profile = _mid_mouth(u, mouth_w)
    # lower_lip_depress: the lower lip pulls down at its centre, the chin skin under it along.
    basis[k["lower_lip_depress"], :, :2] = frame.to_image(
        np.zeros_like(u), 0.10 * mouth_w * profile * _under_lower_lip(meas, lips))
    basis[k["smirk"]] = _smirk(corner_uv[1], meas, lips)
    basis[k["lip_stretch"]] = _lip_stretcher(corner_uv, meas, lips)
    # upper_lip_raise: the upper lip lifts most at its centre; the skin above follows.
    above = _over_upper_lip(v, mouth_w, lips)
    basis[k["upper_lip_raise"], :, :2] = frame.to_image(np.zeros_like(u), -0.12 * mouth_w * profile * above)


def _lip_stretcher(corner_uv: list[tuple[np.ndarray, np.ndarray]], meas: _Measures, lips: _Lips) -> np.ndarray:
    """(V, 3) px at lip_stretch = 1 (AU20): each corner pulled out and down by a Gaussian pull
    (so the cheek beside it follows), and back into the head; mid-mouth each lip's
    red thinned toward its inner edge, as tension thins it."""
    u, v, mouth_w = meas.u, meas.v, meas.mouth_w
    du, dv, back = np.zeros_like(u), np.zeros_like(u), np.zeros_like(u)
    for cu, cv in corner_uv:
        g = _near(u, v, cu, cv, STRETCH_PULL_SIGMA * mouth_w) * lips.is_face
        du += np.sign(cu) * STRETCH_CORNER_OUT * mouth_w * g
        dv += STRETCH_CORNER_DOWN * mouth_w * g
        back += STRETCH_BACK * STRETCH_CORNER_OUT * mouth_w * g
    middle = _mid_mouth(u, mouth_w)
    for inner, mask in ((lm.LIPS_INNER_UPPER, lips.upper), (lm.LIPS_INNER_LOWER, lips.lower)):
        inner_v = lm.height_along(u, u[list(inner)], v[list(inner)])
        dv += STRETCH_THIN * (inner_v - v) * middle * mask
    out = np.zeros((u.size, 3))
    out[:, :2] = meas.frame.to_image(du, dv)
    out[:, 2] = back  # + is away from the camera (jaw_forward's - is toward it)
    return out


def _smirk(corner_uv: tuple[np.ndarray, np.ndarray], meas: _Measures, lips: _Lips) -> np.ndarray:
    """(V, 3) a one-sided smile tightened into the cheek (AU12+14 on one side, contempt's smirk) at
    the corner at `corner_uv` (face frame): the corner goes up, out and back, pulled tighter than a
    smile's (so the lip line slants up into it while the other half stays), and the cheek above it
    rises. Lengths in mouth widths."""
    u, v, mouth_w, is_face = meas.u, meas.v, meas.mouth_w, lips.is_face
    cu, cv = corner_uv
    side = np.sign(cu)
    # SMIRK_REACH toward the lips' middle and above (the lip line slants up into the corner),
    # SMIRK_REACH_OUT outward, and below outside the corner (the cheek and the skin out and under
    # the corner go up with it; under the lips it stays SMIRK_REACH, or the lips shut). Below, the
    # two meet over SMIRK_REACH_BLEND either side of the corner's vertical: switched there, the weight
    # stepped 0.035 -> 0.265 across it (out/portraits' 11 at smirk -1: 150 rose 9.7 px, 170 5 px away 1.4).
    du, dv = u - cu, v - cv
    outside = side * du > 0
    reach_u = np.where(outside, SMIRK_REACH_OUT, SMIRK_REACH) * mouth_w
    below_out = smoothstep(side * du, -SMIRK_REACH_BLEND * mouth_w, SMIRK_REACH_BLEND * mouth_w) * (dv > 0)
    reach_v = (SMIRK_REACH + (SMIRK_REACH_OUT - SMIRK_REACH) * below_out) * mouth_w
    corner = np.exp(-0.5 * ((du / reach_u) ** 2 + (dv / reach_v) ** 2)) * is_face
    cheek = _near(u, v, cu + side * 0.15 * mouth_w, cv - 0.35 * mouth_w, 0.35 * mouth_w) * is_face
    out = np.zeros((len(u), 3))
    out[:, :2] = meas.frame.to_image(side * SMIRK_CORNER_OUT * mouth_w * corner,
                                     -SMIRK_CORNER_LIFT * mouth_w * corner - 0.04 * mouth_w * cheek)
    out[:, 2] = 0.05 * mouth_w * corner
    return out


def _frames_top_px(frames_mask: np.ndarray, ipd: float, *, tip_reach: float = FRAMES_TIP_REACH) -> np.ndarray | None:
    """(W,) image row of the spectacle frames' top edge in each column of the (H, W) `frames_mask`:
    a smooth line (the frames' topmost pixels, interpolated across gaps, level over each end's
    outer `tip_reach` eye distances at the highest of them and carried on flat beyond, smoothed over
    0.1 eye distances: a ragged one shears the skin column by column); None without frames."""
    import cv2

    covered = frames_mask > 0.5
    cols = np.nonzero(covered.any(axis=0))[0]
    if len(cols) == 0:
        return None
    tops = covered[:, cols].argmax(axis=0).astype(np.float32)
    for end in (cols <= cols[0] + tip_reach * ipd, cols >= cols[-1] - tip_reach * ipd):
        tops[end] = tops[end].min()
    top = np.interp(np.arange(frames_mask.shape[1]), cols, tops).astype(np.float32)
    return cv2.GaussianBlur(top.reshape(1, -1), (0, 0), 0.1 * ipd).ravel()


def _below_frames_top(rest_xy: np.ndarray, frames_mask: np.ndarray, ipd: float) -> np.ndarray:
    """(V,) share of a brow lift each vertex keeps over spectacle frames: 0 at and below the
    frames' top edge (_frames_top_px), 1 from FRAMES_HOLD_RAMP eye distances above it."""
    top = _frames_top_px(frames_mask, ipd)
    if top is None:
        return np.ones(len(rest_xy))
    x = np.clip(np.round(rest_xy[:, 0]).astype(int), 0, len(top) - 1)
    return smoothstep(top[x] - rest_xy[:, 1], 0.0, FRAMES_HOLD_RAMP * ipd)


def _brows_on_rims_px(pts: np.ndarray, frames_mask: np.ndarray, ipd: float) -> np.ndarray:
    """(10,) px, per lower-edge landmark of the brows (landmarks.BROWS_LOWER_EDGE of (478, 3)
    `pts`), how far it lies below the top of the frames' hold ramp (FRAMES_HOLD_RAMP eye distances
    over the rims' top edge in the (H, W) `frames_mask`), counted only for landmarks at the rims' top
    or below it and fading to none FRAMES_ON_RIM eye distances above it: 0 for brows clear of the
    rims. The landmark model takes a dark top rim for the brow's lower edge (Grace Hopper's,
    out/portraits' 02: her faint brows lie about 0.1-0.15 eye distances higher), so the lid-to-brow
    gap that caps a raise (LIFT_PER_LID) reads short there, and the ramp holds the brow back too; a
    brow found just over thin rims (the man in wire glasses, 11) is the real one, and a larger cap
    only stretches it upward."""
    ids = list(lm.BROWS_LOWER_EDGE)
    top = _frames_top_px(frames_mask, ipd)
    if top is None:
        return np.zeros(len(ids))
    lower = pts[ids, :2]
    x = np.clip(np.round(lower[:, 0]).astype(int), 0, len(top) - 1)
    depth = FRAMES_HOLD_RAMP * ipd - np.clip(top[x] - lower[:, 1], 0.0, FRAMES_HOLD_RAMP * ipd)
    # Whether on the rim is read against the rims themselves, not the hold's line levelled at
    # their ends (round rims' ends curve down under the brows' tails).
    over_rim = _frames_top_px(frames_mask, ipd, tip_reach=0.0)[x] - lower[:, 1]
    return depth * (1.0 - smoothstep(over_rim, 0.0, FRAMES_ON_RIM * ipd))


def _hold_over_frames(basis: _Basis, rest_xy: np.ndarray, frames_mask: np.ndarray, ipd: float) -> None:
    """Holds the brow lifts under spectacle frames ((H, W) `frames_mask`; FRAMES_HOLD_RAMP; lowered
    skin goes behind the rims, so brow_raise < 0 stays) in `basis`, in place, and hands
    FRAMES_INNER_LIFT of the lift this takes from the brows' upper edges (the mean share of their
    landmarks, the first of the (V, 2) `rest_xy`) to their inner ends."""
    held = _below_frames_top(rest_xy, frames_mask, ipd)[:, None]
    raise_k, inner_k = EXPRESSION_NAMES.index("brow_raise"), EXPRESSION_NAMES.index("brow_inner_raise")
    for k in (raise_k, inner_k):
        basis.positive[k] *= held
    upper_edges = list(lm.RIGHT_BROW[:5] + lm.LEFT_BROW[:5])
    lost = 1.0 - float(held[upper_edges, 0].mean())
    basis.positive[raise_k] += FRAMES_INNER_LIFT * lost * basis.positive[inner_k]


# angry54: the brows' movement fades to nothing at the photo's background (the person matte under
# SILHOUETTE_MATTE), over SILHOUETTE_REACH eye distances from it (smoothstep): what the brows move
# does not cross the silhouette. On a turned face the far brow's landmarks lie past the face oval, on
# the silhouette itself (held-out h08: the far brow's tail within 2 px of the background, moved
# 12 px by anger), and anger's drop dragged the background across it in a stair-step strip (judge54
# item 3). Brows farther than that from the background (bundled, 01, 09) move as before. Pixels at
# brow height within 6 px of the matte's edge, outside the oval, moved over 25 levels by anger: h08
# 180 -> 85 (153 at a reach of 0.15), 07 117 -> 31 (105); the far brow's tail no longer drops there.
SILHOUETTE_MATTE = 0.5
SILHOUETTE_REACH = 0.3
# A matte that calls over this share of the face oval background has not found the face (held-out
# h12, a cartoon: 0.56; every other test face 0.001 or less): it cannot place the silhouette, and
# its hold took anger's brows away there (dlib's brow -0.039 -> -0.005). No hold on such a photo.
SILHOUETTE_MATTE_MISSES = 0.05
# The brows' bases: brow_raise both ways, brow_inner_raise, brow_knit (and FaceRig.knit_lowered).
_BROW_BASES = ("brow_raise", "brow_inner_raise", "brow_knit")


def _hold_brows_at_silhouette(basis: _Basis, *, pts: np.ndarray, topo: _Topology, meas: _Measures,
                              person_alpha: np.ndarray | None) -> None:
    """Fades the brows' bases in `basis` (in place) to 0 at the background of the (H, W)
    `person_alpha` matte, over SILHOUETTE_REACH eye distances from it (SILHOUETTE_*); not where the
    matte misses the face itself (SILHOUETTE_MATTE_MISSES of its oval, from the (478, 3) `pts`),
    nor with no matte."""
    import cv2

    if person_alpha is None:
        return
    person = (person_alpha >= SILHOUETTE_MATTE).astype(np.uint8)
    if person.all():
        return
    oval = np.zeros_like(person)
    cv2.fillPoly(oval, [np.round(pts[list(lm.FACE_OVAL), :2]).astype(np.int32)], 1)
    if oval.any() and 1.0 - float(person[oval > 0].mean()) > SILHOUETTE_MATTE_MISSES:
        return
    # Each pixel's distance to the nearest background pixel (past the photo's edges: none), the face
    # oval filled first: a hole the matte leaves inside the face (glare on a bald forehead, under
    # SILHOUETTE_MATTE_MISSES) is no silhouette, and holds no brow beside it.
    to_background = cv2.distanceTransform(np.maximum(person, oval), cv2.DIST_L2, 5)
    h, w = person.shape
    x = np.clip(np.round(topo.rest[:, 0]).astype(int), 0, w - 1)
    y = np.clip(np.round(topo.rest[:, 1]).astype(int), 0, h - 1)
    hold = smoothstep(to_background[y, x].astype(np.float64), 0.0, SILHOUETTE_REACH * meas.ipd)
    for name in _BROW_BASES:
        k = EXPRESSION_NAMES.index(name)
        basis.positive[k] *= hold[:, None]
        basis.negative[k] *= hold[:, None]
    basis.knit_lowered[:] *= hold[:, None]  # the frozen _Basis's array, in place


def _brow_bases(basis: np.ndarray, k: dict[str, int], pts: np.ndarray, topo: _Topology, meas: _Measures,
                lips: _Lips, *, on_rims_px: np.ndarray | None = None) -> None:
    """brow_raise (brows and forehead lift, fading over a few tenths of the eye distance) and
    brow_inner_raise (only the brows' inner ends, by the nose). `on_rims_px`: (10,) px, how far
    each of the brows' lower-edge landmarks lies inside the spectacle frames' hold
    (_brows_on_rims_px), counted into the lid-to-brow gap that caps the raise along the brows."""
    rest, v, ipd, frame, is_face = topo.rest, meas.v, meas.ipd, meas.frame, lips.is_face
    brows = pts[list(lm.RIGHT_BROW + lm.LEFT_BROW), :2]
    d_brow = np.min(np.linalg.norm(rest[:, None, :2] - brows[None], axis=2), axis=1)
    brow_v = frame.uv(brows)[1].mean()
    w_brow = np.exp(-(d_brow / (0.3 * ipd)) ** 2)
    zone, gap = _lid_to_brow(pts, meas, hold=LID_HOLD_RAISED)
    w_brow = np.minimum(np.maximum(w_brow, 0.5 * smoothstep(brow_v - v, 0.0, 0.6 * ipd)) * is_face, zone)
    # Low brows (a short lid under them) rise less: the lid could only take the full lift by
    # stretching into streaks, the brow's own lower hairs with it. Brows found on spectacle rims
    # count their gap up to where the skin above the rims moves whole (_brows_on_rims_px).
    raise_gap = gap
    if on_rims_px is not None:
        lower_u = frame.uv(pts[list(lm.BROWS_LOWER_EDGE), :2])[0]
        raise_gap = gap + lm.height_along(meas.u, lower_u, on_rims_px)
    lift = np.minimum(BROW_LIFT * ipd, LIFT_PER_LID * raise_gap)
    basis[k["brow_raise"], :, :2] = frame.to_image(np.zeros_like(meas.u), -lift * w_brow)
    inner_lift = np.minimum(0.16 * ipd, LIFT_PER_LID * gap)
    inner_ends = pts[list(INNER_BROW_POINTS), :2]
    # The frontalis' middle lifts the forehead above the inner ends with them, fading twice as
    # slowly upward: a lift confined to the ends pushed them past the skin above (a fold there).
    ends_u, ends_v = frame.uv(inner_ends)
    d_u, d_v = meas.u[:, None] - ends_u[None], v[:, None] - ends_v[None]
    d_inner = np.sqrt(d_u ** 2 + np.where(d_v < 0.0, 0.5 * d_v, d_v) ** 2).min(axis=1)
    w_inner = np.minimum(np.exp(-(d_inner / (0.22 * ipd)) ** 2) * is_face, zone)
    basis[k["brow_inner_raise"], :, :2] = frame.to_image(np.zeros_like(meas.u), -inner_lift * w_inner)


def _cavity(n_vertices: int) -> _Cavity:
    """Mouth cavity attributes per vertex (see _Cavity)."""
    cavity_t = np.zeros(n_vertices)
    cavity_partner = np.arange(n_vertices)
    cavity_u = np.zeros(n_vertices)
    n_inner = len(lm.LIPS_INNER_UPPER)
    for i, (a, b) in enumerate(zip(lm.LIPS_INNER_UPPER, lm.LIPS_INNER_LOWER)):
        cavity_t[b] = 1.0 if a != b else 0.5
        cavity_partner[a], cavity_partner[b] = b, a
        cavity_u[a] = cavity_u[b] = i / (n_inner - 1)
    return _Cavity(t=cavity_t, partner=cavity_partner, u=cavity_u)


def _lip_press(meas: _Measures, lips: _Lips, *, poses_xy: np.ndarray, triangles: np.ndarray) -> _Press:
    """lip_press: each lip vertex closes a share of the gap of its nearest inner-lip pair: half
    on the inner contour (the lips meet), LIP_PRESS_MIDDLE on the ring behind it, LIP_PRESS_OUTER
    at the outer contour, less by the lip's fill on a parted photo (_lip_fill), the skin under
    the lower lip following it (_chin_follow). The outer corners close theirs as the upper lip, as
    the inner corners do, where one lies in the upper lip no further than the outer upper-lip vertex
    beside it (lm.MOUTH_CORNER_UPPER_NEIGHBOURS) unless that turns more of its own triangles over
    (_corner_press, on (J, V, 2) `poses_xy` at CORNER_PRESS_JAWS, of (T, 3) `triangles`); where one
    lay in the lower lip, the skin and lip about it blend toward its share (PRESS_CORNER_SIGMA). The
    fill is a share of the photo's own gap (_Press.fill, rest_px): what an expression opens beyond it
    closes by the unfilled shares, the lip moving as a whole."""
    u = meas.u
    pairs = [(a, b) for a, b in zip(lm.LIPS_INNER_UPPER, lm.LIPS_INNER_LOWER) if a != b]
    pair_u = np.array([0.5 * (u[a] + u[b]) for a, b in pairs])
    nearest = np.abs(u[:, None] - pair_u[None]).argmin(axis=1)  # (V,) pair index
    mid = len(lm.LIPS_INNER_UPPER) // 2
    gap_w = (meas.v[lm.LIPS_INNER_LOWER[mid]] - meas.v[lm.LIPS_INNER_UPPER[mid]]) / meas.mouth_w
    parted = float(smoothstep(np.array(gap_w), LIP_FILL_FROM, 2.0 * LIP_FILL_FROM))
    fill = parted * _lip_fill(meas, lips, pairs=pairs, nearest=nearest)
    follow, side = _corner_follow(meas, inner=list(set(lm.LIPS_INNER_UPPER) | set(lm.LIPS_INNER_LOWER)))
    base = _base_shares(meas, lips)
    weight, skin, loose = _press_shares(meas, lips, base=base, fill=fill, parted=parted, follow=follow, side=side)
    whole, whole_skin, whole_loose = _press_shares(meas, lips, base=base, fill=np.zeros_like(fill), parted=parted,
                                                   follow=follow, side=side)
    corners = np.array(lm.MOUTH_CORNERS)
    # Skin takes its corner's pair (the corner's own nearest, as for every lip vertex).
    pair = np.where(lips.upper | lips.lower | skin | whole_skin, nearest, nearest[corners][side])
    pair_upper = np.array([pairs[p][0] for p in pair])
    pair_lower = np.array([pairs[p][1] for p in pair])
    for shares, unbound in ((weight, loose), (whole, whole_loose)):
        _corner_press(shares, loose=unbound, upper=pair_upper, lower=pair_lower, poses_xy=poses_xy,
                      triangles=triangles)
    ids = np.nonzero(lips.upper | lips.lower | (weight != 0) | (whole != 0))[0]
    upper, lower = pair_upper[ids].astype(np.int32), pair_lower[ids].astype(np.int32)
    rest_px = np.hypot(meas.u[lower] - meas.u[upper], meas.v[lower] - meas.v[upper])
    return _Press(vertex=ids.astype(np.int32), upper=upper, lower=lower, weight=weight[ids].astype(np.float32),
                  fill=(whole - weight)[ids].astype(np.float32), rest_px=rest_px.astype(np.float32))


def _base_shares(meas: _Measures, lips: _Lips) -> np.ndarray:
    """(V,) unsigned press share of each lip vertex before any fill: 0.5 on the inner contours (the
    lips meet), LIP_PRESS_OUTER on the outer ones, LIP_PRESS_MIDDLE between; 0 off the lips."""
    outer = set(lm.LIPS_OUTER_UPPER) | set(lm.LIPS_OUTER_LOWER)
    inner = set(lm.LIPS_INNER_UPPER) | set(lm.LIPS_INNER_LOWER)
    share = np.zeros(len(meas.u))
    for i in np.nonzero(lips.upper | lips.lower)[0]:
        share[i] = 0.5 if i in inner else LIP_PRESS_OUTER if i in outer else LIP_PRESS_MIDDLE
    return share


def _press_shares(meas: _Measures, lips: _Lips, *, base: np.ndarray, fill: np.ndarray, parted: float,
                  follow: np.ndarray, side: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(V,) signed press share of each vertex (+ upper lip, - lower): the (V,) `base` shares
    (_base_shares) with (V,) `fill` held back (_lip_fill's, 0 for the lip moving as a whole), (V,)
    bool the skin under the lower lip that follows it (_chin_follow, by `parted`, 0..1 how far the
    photo's lips are apart), and (V,) the lips' shares before the outer corners' bound (`loose`, for
    _corner_press). `follow`, `side`: _corner_follow's, off the inner lips."""
    share = np.where(lips.upper, base - fill, -(base - fill))
    # An outer corner in the upper lip closes as the upper lip's outer contour beside it, filled
    # (_lip_fill): at LIP_PRESS_OUTER it went down past that neighbour while the skin beside it
    # stayed, turning the slivers 57-61-185 and 287-291-409 over on a toothy smile's shut
    # (out/emo39/corner_tri.py: the bundled photo's neutral -6.7 px^2, 11's disgusted -43.1). The
    # lower of the two sides' neighbours bounds both, so a symmetric mouth closes symmetrically (each
    # side's own: 0.265/0.185 on the bundled photo; the lower turned 6.0 px^2 less in the fold sweep,
    # out/fix39e/sym_variants.py). A neighbour in the lower lip (share <= 0) bounds nothing: the
    # corner would never close.
    loose = share.copy()
    beside = [share[b] for b in lm.MOUTH_CORNER_UPPER_NEIGHBOURS if share[b] > 0]
    for corner in lm.MOUTH_CORNERS:
        if share[corner] > 0 and beside:
            share[corner] = min(share[corner], min(beside))
    chin = parted * _chin_follow(meas, lips, share=share)
    share += chin
    corners = np.array(lm.MOUTH_CORNERS)
    # Only about a corner the mouth line put in the lower lip: elsewhere the corner already moves
    # with the upper lip, and its skin stays as before (following it there, 03 disgusted and 11 sad
    # read happier to the expression classifier and the bundled photo's identity fell 0.01).
    follow = np.where(share[corners][side] < 0, follow, 0.0)
    return share + follow * (LIP_PRESS_OUTER - share), chin != 0, loose


def _corner_press(weight: np.ndarray, *, loose: np.ndarray, upper: np.ndarray, lower: np.ndarray,
                  poses_xy: np.ndarray, triangles: np.ndarray) -> None:
    """Sets each outer mouth corner's (V,) press `weight`, in place, back to its unclamped `loose`
    share where that turns less of the corner's own triangles (of (T, 3) `triangles`) over at a full
    press: the px^2 whose signed area flips against the rest's, summed over the (J, V, 2) px
    `poses_xy` (the jaw alone at CORNER_PRESS_JAWS; the first, jaw 0, is the rest), each vertex moved
    by its weight of its pair's (`upper`, `lower`: (V,) vertex ids) gap. Where the skin and ring
    beside a corner close further than its clamped share (03: 76 at 0.49 against the corner's 0.30),
    the clamp turned 61-76-146 over on /p b m/ instead (out/rev39e/REVIEW.md)."""
    for corner in lm.MOUTH_CORNERS:
        if loose[corner] <= weight[corner]:
            continue
        tri = triangles[(triangles == corner).any(axis=1)]
        ids = np.unique(tri)
        rest = twice_signed_area(poses_xy[0][tri])
        turned = []
        for w in (weight[corner], loose[corner]):
            ws = weight[ids].copy()
            ws[ids == corner] = w
            flipped = 0.0
            for xy in poses_xy:
                shut = xy.copy()
                shut[ids] += ws[:, None] * (xy[lower[ids]] - xy[upper[ids]])
                flipped += -0.5 * np.clip(np.sign(rest) * twice_signed_area(shut[tri]), None, 0.0).sum()
            turned.append(flipped)
        if turned[1] < turned[0]:
            weight[corner] = loose[corner]


def twice_signed_area(tri_xy: np.ndarray) -> np.ndarray:
    """Twice the signed areas of (..., 3, 2) triangles' corner places (e.g. (V, 2) places indexed by (T, 3))."""
    a, b, c = tri_xy[..., 0, :], tri_xy[..., 1, :], tri_xy[..., 2, :]
    return (b[..., 0] - a[..., 0]) * (c[..., 1] - a[..., 1]) - (b[..., 1] - a[..., 1]) * (c[..., 0] - a[..., 0])


def _lip_fill(meas: _Measures, lips: _Lips, *, pairs: list[tuple[int, int]], nearest: np.ndarray) -> np.ndarray:
    """(V,) share of its pair's gap by which each lip vertex's press falls short (0 off the lips):
    none on the inner contour, rising linearly in the vertex's place across its lip (face frame v)
    to its pair's fill at the outer contour (CLOSED_LIP_IPD). `pairs`: the inner-lip (upper,
    lower) vertex pairs off the corners; `nearest`: (V,) each vertex's pair index."""
    u, v = meas.u, meas.v
    fill = np.zeros(len(u))
    for inner, outer, mask, want_ipd, sign in (
            (lm.LIPS_INNER_UPPER, lm.LIPS_OUTER_UPPER, lips.upper, CLOSED_LIP_IPD[0], -1.0),
            (lm.LIPS_INNER_LOWER, lm.LIPS_OUTER_LOWER, lips.lower, CLOSED_LIP_IPD[1], 1.0)):
        inner_v = _contour_v(u, u, v, contour=inner)  # (V,) the contours at each vertex's u
        outer_v = _contour_v(u, u, v, contour=outer)
        thickness = sign * (outer_v - inner_v)  # (V,) px across the lip
        gap = np.array([v[b] - v[a] for a, b in pairs])[nearest]  # (V,) px between the inner lips
        x = np.minimum(np.abs(u) / (0.5 * meas.mouth_w), 1.0)
        want = want_ipd * meas.ipd * np.sqrt(1.0 - x * x)
        grow = np.clip(want - thickness, 0.0, (LIP_FILL_STRETCH - 1.0) * np.maximum(thickness, 0.0))
        at_outer = np.minimum(grow / np.maximum(gap, 1e-6), LIP_PRESS_OUTER) * (gap > 0)
        across = np.clip(sign * (v - inner_v) / np.maximum(thickness, 1e-6), 0.0, 1.0)
        fill = np.where(mask, across * at_outer, fill)
    return fill


def _chin_follow(meas: _Measures, lips: _Lips, *, share: np.ndarray) -> np.ndarray:
    """(V,) signed press share of the face skin under the lower lip: the lower lip's outer
    contour's (from `share`, (V,) the lips' signed shares, along the mouth), fading linearly to
    none at lm.CHIN_BOTTOM and toward the mouth corners as 1 - x^2 (x: -1..1 corner to corner): the
    lower lip rising alone would stretch the strip of skin just under it by the whole of its move,
    its photo drawn out into vertical streaks."""
    u, v = meas.u, meas.v
    outer = list(lm.LIPS_OUTER_LOWER)
    below = v - lm.height_along(u, u[outer], v[outer])  # (V,) px under the lower lip's outer contour
    reach = v[lm.CHIN_BOTTOM] - v[lm.LIPS_OUTER_LOWER[len(outer) // 2]]
    x = np.minimum(np.abs(u) / (0.5 * meas.mouth_w), 1.0)
    fade = np.clip(1.0 - below / max(reach, 1e-6), 0.0, 1.0) * (1.0 - x * x)
    skin = lips.is_face & ~(lips.upper | lips.lower) & (below > 0)
    return np.where(skin, lm.height_along(u, u[outer], share[outer]) * fade, 0.0)


def _corner_follow(meas: _Measures, *, inner: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(V,) 0..1 how far each vertex follows its side's outer mouth corner's press (a Gaussian of
    PRESS_CORNER_SIGMA mouth widths about it, 0 on the inner lips and below PRESS_CORNER_FLOOR),
    and (V,) int the side: 0 the subject's right corner, 1 the left."""
    u, v = meas.u, meas.v
    sigma = PRESS_CORNER_SIGMA * meas.mouth_w
    g = np.stack([np.exp(-((u - u[c]) ** 2 + (v - v[c]) ** 2) / (2.0 * sigma ** 2)) for c in lm.MOUTH_CORNERS])
    side = g.argmax(axis=0)
    follow = g.max(axis=0)
    follow[inner] = 0.0
    follow[follow < PRESS_CORNER_FLOOR] = 0.0
    return follow, side


def _lid_raiser(pts: np.ndarray, meas: _Measures, upper: tuple[int, ...], lower: tuple[int, ...]) -> np.ndarray:
    """(V, 3) blink = -1 for one eye: the upper lid raiser (AU5). The margin rises by the opening's
    height and the skin above it follows, less the higher it lies, to nothing LID_RAISE_REACH
    openings up (at least LID_SKIN_REACH eye distances, at most the brow's lowest hairs); inside
    the opening points rise in proportion, as a blink's go down, but the iris stays. A blink
    undone (the mirror of blink > 0) also stretched the lash band up and handed the lift over
    within 0.07 eye distances: at blink = -0.3 the skin there passed the skin above it."""
    u, v, ipd, frame = meas.u, meas.v, meas.ipd, meas.frame
    up_u, up_v = frame.uv(pts[list(upper), :2])
    lo_u, lo_v = frame.uv(pts[list(lower), :2])
    lid_v_at, low_v_at = lm.height_along(u, up_u, up_v), lm.height_along(u, lo_u, lo_v)
    opening = np.clip(low_v_at - lid_v_at, 0, None)
    span = (u >= up_u.min()) & (u <= up_u.max())
    _, gap = _lid_to_brow(pts, meas, hold=0.0)
    reach = np.clip(LID_RAISE_REACH * opening, LID_SKIN_REACH * ipd,
                    np.maximum(BROW_HAIR_FROM * gap, LID_SKIN_REACH * ipd))
    height = lid_v_at - v
    up = np.zeros_like(u)
    above = span & (height > 1e-3)
    up[above] = opening[above] * (1.0 - smoothstep(height[above] / reach[above], 0.0, 1.0))
    inside = span & (height <= 1e-3) & (v <= low_v_at + 1e-3)
    up[inside] = opening[inside] * np.clip((low_v_at[inside] - v[inside]) / np.maximum(opening[inside], 1e-6), 0, 1)
    up[list(upper)] = opening[list(upper)]
    up[list(lower)] = 0.0
    up[[upper[0], upper[-1]]] = 0.0  # eye corners stay
    # The eyeball does not move with the lid: a widened eye shows more white over the iris (the
    # cue of surprise and fear), where a lifted iris kept half of it covered.
    up[list(lm.LEFT_IRIS) + list(lm.RIGHT_IRIS)] = 0.0
    up *= np.arange(len(u)) < lm.N_LANDMARKS
    out = np.zeros((len(u), 3))
    out[:, :2] = frame.to_image(np.zeros_like(u), -up)
    return out


def _gaze_y_lids(blink_dv: np.ndarray, *, opening: np.ndarray, frac: np.ndarray, v: np.ndarray,
                 low_v_at: np.ndarray, mask: np.ndarray, ipd: float, iris_px: float, mid_opening: float,
                 corners: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """(V,) px down the eye's frame at gaze_y = +1 and at gaze_y = -1 for one eye's lids (the iris's
    own points are the caller's). The upper lid moves as a share of a blink (`blink_dv`: its margin
    travels the opening), the lower margin by its own share with the skin below it fading as a
    blink's rise does; both scaled so that mid-eye they travel LID_GAZE_* of the iris's `iris_px`."""
    per_px = iris_px / max(LID_TRAVEL * mid_opening, 1e-6)
    lower = np.zeros_like(v)
    inside = mask & (frac > 0) & (frac < 1)
    lower[inside] = opening[inside] * (1.0 - frac[inside])
    # The skin under the lower lid follows less the lower it lies, to nothing 0.3 eye distances down.
    below = mask & (v >= low_v_at - 1e-3) & (opening > 0)
    depth = v[below] - low_v_at[below]
    lower[below] = opening[below] * np.exp(-depth / (0.08 * ipd)) * (1.0 - smoothstep(depth, 0.2 * ipd, 0.3 * ipd))
    lower[list(corners)] = 0.0
    lower *= iris_px / max(mid_opening, 1e-6)
    down = LID_GAZE_DOWN * per_px * blink_dv + LOWER_LID_GAZE_DOWN * lower
    up = -LID_GAZE_UP * per_px * blink_dv - LOWER_LID_GAZE_UP * lower
    return down, up


def _eye_bases(basis, k, side, rest, u, v, frame, pts, upper, lower, iris, ipd, gaze_up) -> None:
    """Fills blink_<side>, and adds this eye's share of gaze_x / gaze_y (looking down), and of
    looking up (gaze_y = -1) to `gaze_up` (V, 3)."""
    up_u, up_v = frame.uv(pts[list(upper), :2])
    lo_u, lo_v = frame.uv(pts[list(lower), :2])
    lid_v_at = lm.height_along(u, up_u, up_v)
    low_v_at = lm.height_along(u, lo_u, lo_v)
    opening = np.clip(low_v_at - lid_v_at, 0, None)
    span = (u >= up_u.min()) & (u <= up_u.max())
    eye_w = float(up_u.max() - up_u.min())

    # Closing: the upper lid margin travels down onto the lower lid (the eye's own triangles sit
    # behind the lids, so nothing of the eyeball shows through the seam);
    # skin above follows with a fall-off; points inside the opening are squeezed in proportion.
    dv = np.zeros_like(u)
    above = span & (v < lid_v_at - 1e-3)
    # The lid margin and lashes slide down unstretched; the skin toward the brow takes the stretch.
    d_above = lid_v_at[above] - v[above]
    # Never past the margin: a point squeezes by at most 90% of its height above it.
    squeeze = np.minimum(LASH_SQUEEZE * opening[above] * smoothstep(d_above, 0.0, 0.03 * ipd), 0.9 * d_above)
    dv[above] = (LID_TRAVEL * opening[above] + squeeze) * (1.0 - smoothstep(d_above, 0.03 * ipd, LID_SKIN_REACH * ipd))
    inside = span & (v >= lid_v_at - 1e-3) & (v <= low_v_at + 1e-3)
    frac = np.clip((low_v_at - v) / np.maximum(opening, 1e-6), 0, 1)
    dv[inside] = LID_TRAVEL * opening[inside] * frac[inside]
    below = span & (v > low_v_at + 1e-3)
    dv[below] = -LID_RISE * opening[below] * np.exp(-(v[below] - low_v_at[below]) / (0.08 * ipd))
    dv[list(upper)] = LID_TRAVEL * opening[list(upper)]
    dv[list(lower)] = -LID_RISE * opening[list(lower)]
    dv[[upper[0], upper[-1]]] = 0.0  # eye corners stay
    dv_mask = (np.abs(u - 0.5 * (up_u.min() + up_u.max())) < eye_w) & (np.arange(len(u)) < lm.N_LANDMARKS)
    dv *= dv_mask
    basis[k[f"blink_{side}"], :, :2] = frame.to_image(np.zeros_like(u), dv)

    # Gaze: the iris slides inside the opening and the lids follow vertical gaze (_gaze_y_lids).
    iris_ids = list(iris)
    gx = np.zeros_like(u)
    gx[iris_ids] = 0.22 * eye_w
    # Vertically the iris travels with the opening's height (narrow eyes hide it sooner), never
    # more than it would in an eye a third as high as wide.
    iris_px = min(0.35 * float(opening[iris[0]]), 0.12 * eye_w)
    down, up = _gaze_y_lids(dv, opening=opening, frac=frac, v=v, low_v_at=low_v_at, mask=dv_mask & span, ipd=ipd,
                            iris_px=iris_px, mid_opening=float(opening[iris[0]]), corners=(upper[0], upper[-1]))
    down[iris_ids], up[iris_ids] = iris_px, -iris_px
    gaze_up[:, :2] += frame.to_image(np.zeros_like(u), up)
    basis[k["gaze_x"], :, :2] += frame.to_image(gx, np.zeros_like(u))
    basis[k["gaze_y"], :, :2] += frame.to_image(np.zeros_like(u), down)

    # A smile's cheeks push the lower lid up (the Duchenne squint): the lower margin rises by a
    # share of the opening, the skin below it less the farther down it lies.
    below = span & (v >= low_v_at - 1e-3) & (np.arange(len(u)) < lm.N_LANDMARKS)
    squint = np.zeros_like(u)
    squint[below] = -SMILE_SQUINT * opening[below] * np.exp(-(v[below] - low_v_at[below]) / (0.12 * ipd))
    squint[[upper[0], upper[-1]]] = 0.0  # eye corners stay
    basis[k["smile"], :, :2] += frame.to_image(np.zeros_like(u), squint)
    # The lid tightener (AU7) raises the lower lid the same way, by its own share of the opening.
    basis[k["eye_squint"], :, :2] += frame.to_image(np.zeros_like(u), squint * (EYE_SQUINT / SMILE_SQUINT))


def _holds(basis: _Basis, *, pts: np.ndarray, topo: _Topology, meas: _Measures, photo_smile: float,
           frames_mask: np.ndarray | None, hidden_eyes: tuple[str, ...], person_alpha: np.ndarray | None) -> None:
    """Holds in `basis` (in place) what the photo keeps still: the skin under spectacle frames and
    the eyes behind opaque lenses (_held_by_glasses), the brows at the silhouette (_hold_brows_at_silhouette)."""
    _held_by_glasses(basis, pts=pts, topo=topo, meas=meas, photo_smile=photo_smile, frames_mask=frames_mask,
                     hidden_eyes=hidden_eyes)
    _hold_brows_at_silhouette(basis, pts=pts, topo=topo, meas=meas, person_alpha=person_alpha)


def _held_by_glasses(basis: _Basis, *, pts: np.ndarray, topo: _Topology, meas: _Measures, photo_smile: float,
                     frames_mask: np.ndarray | None, hidden_eyes: tuple[str, ...]) -> None:
    """Holds in `basis` (in place) the skin under spectacle frames (the (H, W) `frames_mask`, if
    given) and the `hidden_eyes` sides ("left", "right": face.glasses.EyesShown), eyes behind opaque
    lenses, which blinks, squints, widening and gaze then leave as photographed."""
    if frames_mask is not None:
        _hold_over_frames(basis, topo.rest[:, :2], frames_mask, meas.ipd)
    for side in hidden_eyes:
        _still_eye(basis, side, pts=pts, topo=topo, meas=meas, photo_smile=photo_smile)


def _still_eye(basis: _Basis, side: str, *, pts: np.ndarray, topo: _Topology, meas: _Measures,
               photo_smile: float) -> None:
    """Takes eye `side`'s own part out of `basis` (in place): its blink and widening, its share of
    the gaze, of a smile's squint and of eye_squint, and of the frown's squint undone. Behind an
    opaque lens these moved the lens's own pixels (h06's sunglasses: lids and lashes drawn on it).
    The part is what _eye_bases adds for that eye, taken away; the other eye's is left to the bit."""
    upper, lower, iris = {"left": (lm.LEFT_EYE_UPPER, lm.LEFT_EYE_LOWER, lm.LEFT_IRIS),
                          "right": (lm.RIGHT_EYE_UPPER, lm.RIGHT_EYE_LOWER, lm.RIGHT_IRIS)}[side]
    k = {name: i for i, name in enumerate(EXPRESSION_NAMES)}
    own, own_up = np.zeros_like(basis.positive), np.zeros(basis.positive.shape[1:])
    _eye_bases(own, k, side, topo.rest, meas.u, meas.v, meas.frame, pts, upper, lower, iris, meas.ipd, own_up)
    for name in ("gaze_x", "gaze_y", "smile", "eye_squint"):
        basis.positive[k[name]] -= own[k[name]]
    for name in ("gaze_x", "eye_squint"):  # their -1 is the mirror (the smile's is the frown)
        basis.negative[k[name]] += own[k[name]]
    basis.negative[k["gaze_y"]] -= own_up  # looking up has a shape of its own (_gaze_y_lids)
    basis.negative[k["smile"]] += SQUINT_UNDONE * photo_smile * (SMILE_SQUINT / EYE_SQUINT) * own[k["eye_squint"]]
    basis.positive[k[f"blink_{side}"]] = 0.0
    basis.negative[k[f"blink_{side}"]] = 0.0
