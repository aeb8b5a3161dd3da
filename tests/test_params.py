from dataclasses import fields

import numpy as np

from facetalk import params as parameters
from facetalk.motion import arkit
from facetalk.motion.frame import EXPRESSION_NAMES, MotionFrame


def test_the_table_has_every_motion_frame_field_once():
    names = [p.name for p in parameters.ALL]
    assert sorted(names) == sorted(f.name for f in fields(MotionFrame) if f.name != "t_s")
    assert len(set(names)) == len(names)
    assert EXPRESSION_NAMES == tuple(p.name for p in parameters.EXPRESSION)
    for p in parameters.ALL:
        assert p.lo < p.hi and p.lo <= getattr(MotionFrame(t_s=0.0), p.name) <= p.hi, p.name
        assert p.region and p.doc
        if p.pair:  # mirror pairs name each other, share a range and a region
            q = parameters.BY_NAME[p.pair]
            assert q.pair == p.name and (q.lo, q.hi, q.region) == (p.lo, p.hi, p.region)


def test_every_arkit_blendshape_has_one_home():
    """Each of the 52 ARKit shapes is written from one table row, derived by hand in motion.arkit,
    or listed as not driven: none twice, none missing, no name that is not ARKit's."""
    homes = [name for p in parameters.ALL for name in p.arkit + p.arkit_negative]
    homes += list(parameters.ARKIT_DERIVED) + list(parameters.ARKIT_UNSUPPORTED)
    assert sorted(homes) == sorted(arkit.BLENDSHAPES) and len(arkit.BLENDSHAPES) == 52


def test_clip_face_clips_each_parameter_to_its_own_range():
    values = np.full(len(parameters.FACE), 5.0)
    clipped = parameters.clip_face(values)
    assert clipped[parameters.face_index("smile")] == 1.0 and clipped[parameters.face_index("jaw_open")] == 1.0
    clipped = parameters.clip_face(-values)
    assert clipped[parameters.face_index("smile")] == -2.0 and clipped[parameters.face_index("blink_left")] == -0.3
    frame = MotionFrame(t_s=1.0, jaw_open=0.4, tongue_tip=0.2, blink_left=0.5)
    assert frame.with_face(frame.face_values()) == frame
