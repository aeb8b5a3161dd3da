from dataclasses import fields

import pytest

from facetalk.motion.frame import EXPRESSION_NAMES, MotionFrame, neutral

NAMES = [f.name for f in fields(MotionFrame)]


def distinct_frame() -> MotionFrame:
    """Every parameter set to a different value, so mix-ups show."""
    return MotionFrame(**{name: 0.5 + 0.25 * i for i, name in enumerate(NAMES)})


def test_dict_round_trip():
    frame = distinct_frame()
    d = frame.to_dict()
    assert list(d) == NAMES and all(isinstance(v, float) for v in d.values())
    assert MotionFrame.from_dict(d) == frame
    assert MotionFrame.from_dict({"t_s": 1.0, "jaw_open": 1}) == neutral(1.0).with_(jaw_open=1.0)


def test_unknown_key_raises():
    with pytest.raises(ValueError, match="nose_wiggle"):
        MotionFrame.from_dict({**neutral().to_dict(), "nose_wiggle": 1.0})


def test_expression_follows_expression_names():
    frame = distinct_frame()
    assert set(EXPRESSION_NAMES) <= set(NAMES) and len(set(EXPRESSION_NAMES)) == len(EXPRESSION_NAMES)
    assert frame.expression() == tuple(getattr(frame, name) for name in EXPRESSION_NAMES)
    assert frame.expression()[EXPRESSION_NAMES.index("jaw_open")] == frame.jaw_open
    assert neutral().expression() == (0.0,) * len(EXPRESSION_NAMES)
