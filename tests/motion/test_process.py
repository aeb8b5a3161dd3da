"""Every per-frame motion process has the one shape of motion.process.FrameProcess."""

import dataclasses
import inspect
import typing

import numpy as np

from facetalk.motion.blinks import BlinkProcess
from facetalk.motion.face import FaceDynamics
from facetalk.motion.gaze import GazeProcess
from facetalk.motion.head import HeadMotion
from facetalk.motion.process import FrameProcess
from facetalk.motion.prosody import ProsodyTracker


def test_each_process_steps_on_one_typed_record():
    rng = np.random.default_rng(0)
    processes = [ProsodyTracker(fps=25), GazeProcess(rng, fps=25), HeadMotion([rng, rng, rng], fps=25),
                 BlinkProcess(rng, fps=25), FaceDynamics(rng, fps=25)]
    for process in processes:
        assert isinstance(process, FrameProcess)
        params = list(inspect.signature(process.step).parameters.values())
        assert len(params) == 1, (type(process).__name__, params)
        hints = typing.get_type_hints(process.step)
        assert dataclasses.is_dataclass(hints[params[0].name]), (type(process).__name__, hints)
        assert dataclasses.is_dataclass(hints["return"]) or hints["return"] is float, (type(process).__name__, hints)
