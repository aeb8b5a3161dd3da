"""Audio chunks in, MotionFrames out, with bounded look-ahead: one core for files and live streams."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict

import numpy as np

from facetalk.audio.features import FrameFeatureExtractor
from facetalk.config import Controls, MotionConfig
from facetalk.motion.frame import MotionFrame, PhotoExpression
from facetalk.motion.holistic import HolisticMotion
from facetalk.motion.lipsync import LipSyncModel, MouthPose, load_lipsync_model
from facetalk.motion.prosody import PitchTracker, ProsodyTracker


class MotionGenerator:
    """Push PCM chunks (mono float32 at `sr`); get each frame's motion as soon as its audio
    (plus `lookahead_s`) has arrived. Deterministic for a given controls.seed, whatever the chunking.
    `photo`: the photo's own expression, which emotions undo. `lip_model`: the lip-sync network
    (default: the bundled one, loaded once and shared)."""

    def __init__(self, config: MotionConfig = MotionConfig(), controls: Controls = Controls(), *,
                 sr: int = 16000, photo: PhotoExpression = PhotoExpression(), lip_model: LipSyncModel | None = None):
        self.config = config
        self.sr = sr
        self._features = FrameFeatureExtractor(sr=sr, fps=config.fps, window_s=2 * config.lookahead_s)
        self._lips = (lip_model or load_lipsync_model()).stream(fps=config.fps, sr=sr, lead_s=config.mouth_lead_s,
                                                 lookahead_s=self._features.lookahead_s + config.mouth_lead_s,
                                                 jaw_gain=controls.mouth_gain)
        self._pitch = PitchTracker(sr=sr, fps=config.fps, window=self._features.window)
        self._prosody = ProsodyTracker(fps=config.fps)
        self._holistic = HolisticMotion(controls, fps=config.fps, photo=photo)
        self._index = 0
        # Audio features are ready before the mouth (which waits for its lead): each waits here
        # for the other.
        self._voice: list[tuple[float, float, float]] = []  # (loudness dB, f0 Hz, periodicity)
        self._mouths: list[MouthPose] = []

    @property
    def lookahead_s(self) -> float:
        return self._lips.lookahead_s

    def push(self, samples: np.ndarray) -> list[MotionFrame]:
        self._pitch.push(samples)
        return self._frames(self._features.push(samples), self._lips.push(samples))

    def flush(self, *, n_frames: int | None = None) -> list[MotionFrame]:
        """Ends the stream; emits the remaining frames (`n_frames` in all, if given)."""
        return self._frames(self._features.flush(n_frames=n_frames), self._lips.flush(n_frames=n_frames))

    def _frames(self, feats, mouth) -> list[MotionFrame]:
        f0_hz, periodicity = self._pitch.frames(self._index + len(self._voice), len(feats))
        self._voice += [(float(feats.loudness_db[i]), float(f0_hz[i]), float(periodicity[i])) for i in range(len(feats))]
        self._mouths += [mouth.frame(i) for i in range(len(mouth))]
        n = min(len(self._voice), len(self._mouths))
        frames = []
        for voice, mouth_shape in zip(self._voice[:n], self._mouths[:n]):
            prosody = self._prosody.step(*voice)
            lips = MotionFrame(t_s=self._index / self.config.fps, **asdict(mouth_shape))
            frames.append(self._holistic.step(lips, prosody))
            self._index += 1
        del self._voice[:n], self._mouths[:n]
        return frames


def generate_motion(chunks: Iterable[np.ndarray], config: MotionConfig = MotionConfig(),
                    controls: Controls = Controls(), *, sr: int = 16000,
                    n_frames: int | None = None) -> Iterator[MotionFrame]:
    """Motion for a whole clip given as an iterable of PCM chunks, frame by frame."""
    gen = MotionGenerator(config, controls, sr=sr)
    for chunk in chunks:
        yield from gen.push(chunk)
    yield from gen.flush(n_frames=n_frames)
