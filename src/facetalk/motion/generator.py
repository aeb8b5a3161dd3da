"""Audio chunks in, MotionFrames out, with bounded look-ahead: one core for files and live streams."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict

import numpy as np

from facetalk.audio.clock import frames_covering
from facetalk.audio.mel import AudioFrontEnd
from facetalk.audio.voice import VoiceFrame, VoiceReader
from facetalk.config import Controls, MotionConfig
from facetalk.motion.frame import MotionFrame
from facetalk.motion.holistic import HolisticMotion
from facetalk.motion.lipsync import LipSyncModel, MouthPose, load_lipsync_model
from facetalk.motion.prosody import ProsodyTracker
from facetalk.params import PhotoExpression


class MotionGenerator:
    """Push PCM chunks (mono float32 at `sr`); get each frame's motion as soon as its audio
    (plus `lookahead_s`) has arrived. Deterministic for a given controls.seed, whatever the chunking.
    `photo`: the photo's own expression, which emotions undo. `lip_model`: the lip-sync network
    (default: the bundled one, loaded once and shared).

    The audio is analysed once (audio.mel.AudioFrontEnd); the lip model and the voice of each
    video frame (audio.voice, for prosody, head and face) read the same analysis frames."""

    def __init__(self, config: MotionConfig = MotionConfig(), controls: Controls = Controls(), *,
                 sr: int = 16000, photo: PhotoExpression = PhotoExpression(), lip_model: LipSyncModel | None = None):
        self.config = config
        self.sr = sr
        self._audio = AudioFrontEnd(sr=sr)
        self._voice = VoiceReader(sr=sr, fps=config.fps, lookahead_s=config.lookahead_s)
        self._lips = (lip_model or load_lipsync_model()).stream(fps=config.fps, sr=sr, lead_s=config.mouth_lead_s,
                                                 lookahead_s=self._voice.lookahead_s + config.mouth_lead_s,
                                                 jaw_gain=controls.mouth_gain)
        self._prosody = ProsodyTracker(fps=config.fps)
        self._holistic = HolisticMotion(controls, fps=config.fps, photo=photo)
        self._index = 0
        # The voice is ready before the mouth (which waits for its lead): each waits here for
        # the other.
        self._voices: list[VoiceFrame] = []
        self._mouths: list[MouthPose] = []

    @property
    def lookahead_s(self) -> float:
        return self._lips.lookahead_s

    def push(self, samples: np.ndarray) -> list[MotionFrame]:
        frames = self._audio.push(np.asarray(samples, dtype=np.float32).reshape(-1))
        return self._frames(self._voice.push(frames), self._lips.feed(frames))

    def flush(self, *, n_frames: int | None = None) -> list[MotionFrame]:
        """Ends the stream; emits the remaining frames (`n_frames` in all, default
        ceil(duration * fps)), with silence past the end of the audio."""
        total = n_frames if n_frames is not None else frames_covering(self._audio.n_samples, sr=self.sr,
                                                                      fps=self.config.fps)
        needed = max(self._voice.frames_needed(total), self._lips.frames_needed(total), self._audio.n_frames)
        frames = self._audio.flush(n_frames=needed)
        return self._frames(self._voice.finish(frames, n_frames=total), self._lips.finish(frames, n_frames=total))

    def _frames(self, voices: list[VoiceFrame], mouth) -> list[MotionFrame]:
        self._voices += voices
        self._mouths += [mouth.frame(i) for i in range(len(mouth))]
        n = min(len(self._voices), len(self._mouths))
        frames = []
        for voice, mouth_shape in zip(self._voices[:n], self._mouths[:n]):
            prosody = self._prosody.step(voice)
            lips = MotionFrame(t_s=self._index / self.config.fps, **asdict(mouth_shape))
            frames.append(self._holistic.step(lips, prosody))
            self._index += 1
        del self._voices[:n], self._mouths[:n]
        return frames


def generate_motion(chunks: Iterable[np.ndarray], config: MotionConfig = MotionConfig(),
                    controls: Controls = Controls(), *, sr: int = 16000,
                    n_frames: int | None = None) -> Iterator[MotionFrame]:
    """Motion for a whole clip given as an iterable of PCM chunks, frame by frame."""
    gen = MotionGenerator(config, controls, sr=sr)
    for chunk in chunks:
        yield from gen.push(chunk)
    yield from gen.flush(n_frames=n_frames)
