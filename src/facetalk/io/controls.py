"""Controls that change over time, read from a JSON file (`facetalk render --controls FILE.json`).

The file is a list of keyframes, each a time in seconds and the controls it sets:

    [{"t_s": 0, "emotion": "none"},
     {"t_s": 3.5, "emotion": "happy", "emotion_strength": 0.8, "gaze": "free"},
     {"t_s": 8, "distance": 1.3, "animate_head": false}]

A control starts (t = 0) at the value the command line (or `base`) gives it, glides smoothly
to each of its keyframes in turn, arriving at the keyframe's time, and holds its last value; to
change quickly, put two keyframes close together. See facetalk.config.Controls.timeline.
"""

from __future__ import annotations

import os
from dataclasses import replace

from facetalk.config import Controls
from facetalk.errors import InputError
from facetalk.io._files import input_file


def read_controls(path: str | os.PathLike[str], base: Controls = Controls()) -> Controls:
    """`base` with its timeline taken from the keyframes in `path`; InputError names the file and
    the problem (bad JSON with its line and column, or which keyframe holds which bad value)."""
    path = input_file(path, what="controls file")
    problem = f"cannot read controls file '{path}'"
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{problem}: not UTF-8 text") from None
    if not text.strip():
        raise InputError(f"{problem}: no keyframes (the file is blank)")
    try:
        return replace(base, timeline=text)  # parsed and checked once, by Controls
    except ValueError as err:
        raise InputError(f"{problem}: {err}") from None
