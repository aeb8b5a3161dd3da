"""The face's own speech dynamics (motion.face): brows, a social smile and its lean."""

import numpy as np

from facetalk.face.rig import SMIRK_CORNER_LIFT
from facetalk.motion.face import SOCIAL_LEAN, FaceDynamics
from facetalk.motion.prosody import Prosody


def test_a_social_smile_leans_to_one_side_by_a_fixed_share_of_a_mouth():
    """The smile a phrase's end brings lifts one corner above the other by SOCIAL_LEAN mouth
    widths at its fullest (the rig's smirk lift times the smirk), so a stronger contempt smirk in
    the rig does not make speech lopsided."""
    leans, smiles = [], []
    for seed in range(6):
        face = FaceDynamics(np.random.default_rng(seed), fps=25)
        for k in range(25 * 30):
            state = face.step(Prosody(speaking=k % 50 < 40, activity=1.0, phrase_end=k % 50 == 40))
            leans.append(abs(state.smirk) * SMIRK_CORNER_LIFT)
            smiles.append(state.smile)
    assert max(smiles) > 0.25  # social smiles happened
    # The lean follows the social smile (at most 0.4): never beyond 0.4 of SOCIAL_LEAN.
    assert 0.3 * SOCIAL_LEAN < max(leans) <= 0.4 * SOCIAL_LEAN + 1e-6


def test_the_rig_leans_the_corner_by_the_smirk_times_its_lift(analysis):
    """What the lean above assumes of the rig: a smirk lifts its corner SMIRK_CORNER_LIFT mouth
    widths per unit, measured on the posed mesh (across the eye line, as a viewer sees a lean)."""
    from facetalk.face import landmarks as lm
    from facetalk.motion.frame import MotionFrame
    from facetalk.render.renderer import posed_vertices

    rest = posed_vertices(analysis.rig, MotionFrame(t_s=0))[:, :2]
    right, left = lm.MOUTH_CORNERS
    across = rest[lm.LEFT_EYE_UPPER[0]] - rest[lm.RIGHT_EYE_UPPER[0]]
    up = np.array([across[1], -across[0]]) / np.linalg.norm(across)
    up = up if up[1] < 0 else -up
    mouth_w = float(np.linalg.norm(rest[left] - rest[right]))
    smirk = 0.1
    posed = posed_vertices(analysis.rig, MotionFrame(t_s=0, smirk=smirk))[:, :2]
    lean = ((posed[left] - rest[left]) - (posed[right] - rest[right])) @ up / mouth_w
    assert abs(lean - smirk * SMIRK_CORNER_LIFT) < 0.25 * smirk * SMIRK_CORNER_LIFT
