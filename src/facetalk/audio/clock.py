"""The frame clock: where frame i of a clock running at `fps` frames per second sits in the PCM.

Every stage places its frames with `frame_centre` (the 10 ms analysis frames, the video frames
of the lip model and of the motion), so the same index at the same rate is the same sample
everywhere.
"""

from __future__ import annotations

import math


def frame_centre(i: int, *, sr: int, fps: float) -> int:
    """The sample at the centre of frame i (frame 0 is centred on sample 0)."""
    return int(round(i * sr / fps))


def frames_covering(n_samples: int, *, sr: int, fps: float) -> int:
    """How many frames of the clock it takes to cover `n_samples` of audio: ceil(duration * fps)."""
    return math.ceil(n_samples * fps / sr)
