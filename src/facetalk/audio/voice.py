"""The voice at each video frame, read from the front end's analysis frames (audio.mel).

Video frame i, centred at sample c = frame_centre(i, sr=sr, fps=fps), reads the analysis frames
centred within c +- (look-ahead - half a spectrum window): their spectrum windows span
c +- look-ahead, so the frame is ready once audio reaches c + look-ahead, which is all it adds.
Its loudness is their mean power. It is voiced when their median VOICING reaches VOICED; its F0
is then the median of their voiced frames' F0, which outvotes the odd octave error of one frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from facetalk.audio.clock import frame_centre, frames_covering
from facetalk.audio.mel import ENERGY, VOICING, AnalysisClock, AudioFrames, AudioFrontEnd, energy_db

VOICED = 0.6  # VOICING (normalised autocorrelation peak) from which a frame has a pitch


@dataclass(frozen=True)
class VoiceFrame:
    """One video frame's voice. loudness_db: dBFS of RMS (a full-scale sine is -3; digital
    silence about -97). f0_hz: fundamental frequency, 0 where the frame is not voiced."""

    loudness_db: float
    f0_hz: float


class VoiceReader:
    """Feed the front end's `AudioFrames` in order; get the `VoiceFrame` of every video frame
    whose analysis frames have all arrived. Any chunking gives the same frames."""

    def __init__(self, *, sr: int, fps: int, lookahead_s: float):
        if fps <= 0:
            raise ValueError(f"fps must be positive, got {fps}")
        self.sr, self.fps = sr, fps
        self.clock = AnalysisClock(sr=sr)
        self._reach = int(round(lookahead_s * sr))  # samples past a frame's centre it may use
        self.lookahead_s = self._reach / sr
        self._silence = _voice(_rows(AudioFrontEnd(sr=sr).flush(n_frames=1)))  # before t = 0
        # Analysis frames still needed, from frame index _first on: energy, voicing, f0.
        self._rows = np.zeros((0, 3))
        self._first = 0
        self._next = 0  # next video frame

    def span(self, frame: int) -> tuple[int, int]:
        """First and last analysis frame video frame `frame` reads (last < 0: none yet, silence)."""
        centre = frame_centre(frame, sr=self.sr, fps=self.fps)
        last = self.clock.last_complete(centre + self._reach)
        first = self.clock.first_centred_from(centre - (self._reach - self.clock.half))
        return max(0, min(first, last)), last

    def frames_needed(self, n_frames: int) -> int:
        """Analysis frames the first `n_frames` video frames read."""
        return self.span(n_frames - 1)[1] + 1 if n_frames > 0 else 0

    def push(self, frames: AudioFrames) -> list[VoiceFrame]:
        """The video frames now complete."""
        self._append(frames)
        return self._emit(limit=None)

    def finish(self, frames: AudioFrames, *, n_frames: int) -> list[VoiceFrame]:
        """Ends the stream: the video frames up to `n_frames` in all; `frames` must complete
        `frames_needed(n_frames)`."""
        self._append(frames)
        if self._first + len(self._rows) < self.frames_needed(n_frames):
            raise ValueError(f"{n_frames} video frames need {self.frames_needed(n_frames)} analysis frames, "
                             f"got {self._first + len(self._rows)}")
        return self._emit(limit=n_frames)

    def _append(self, frames: AudioFrames) -> None:
        if frames.first != self._first + len(self._rows):
            raise ValueError(f"analysis frames must come in order: expected {self._first + len(self._rows)}, "
                             f"got {frames.first}")
        self._rows = np.concatenate([self._rows, _rows(frames)])

    def _emit(self, *, limit: int | None) -> list[VoiceFrame]:
        out = []
        while limit is None or self._next < limit:
            first, last = self.span(self._next)
            if last >= self._first + len(self._rows):
                break
            rows = self._rows[first - self._first:last - self._first + 1]
            out.append(self._silence if last < 0 else _voice(rows))
            self._next += 1
        # Later video frames read no earlier analysis frame than the next one does.
        drop = min(max(0, self.span(self._next)[0] - self._first), len(self._rows))
        self._rows = self._rows[drop:]
        self._first += drop
        return out


def _rows(frames: AudioFrames) -> np.ndarray:
    """(T, 3) float64: each analysis frame's ENERGY, VOICING and F0."""
    features = frames.features.astype(np.float64)
    return np.stack([features[:, ENERGY], features[:, VOICING], frames.f0_hz], axis=1)


def _voice(rows: np.ndarray) -> VoiceFrame:
    """The voice of the analysis frames `rows` (see the module's docstring)."""
    loudness_db = float(energy_db(np.log(np.exp(rows[:, 0]).mean())))
    if np.median(rows[:, 1]) < VOICED:
        return VoiceFrame(loudness_db=loudness_db, f0_hz=0.0)
    voiced = rows[:, 1] >= VOICED
    return VoiceFrame(loudness_db=loudness_db, f0_hz=float(np.exp(np.median(np.log(rows[voiced, 2])))))


def voice_of(samples: np.ndarray, *, sr: int, fps: int, lookahead_s: float,
             n_frames: int | None = None) -> list[VoiceFrame]:
    """The voice of every video frame of a whole clip (`n_frames`, default ceil(duration * fps)),
    the same as streaming it."""
    frontend, reader = AudioFrontEnd(sr=sr), VoiceReader(sr=sr, fps=fps, lookahead_s=lookahead_s)
    voices = reader.push(frontend.push(samples))
    n = n_frames if n_frames is not None else frames_covering(len(samples), sr=sr, fps=fps)
    return voices + reader.finish(frontend.flush(n_frames=max(reader.frames_needed(n), frontend.n_frames)), n_frames=n)
