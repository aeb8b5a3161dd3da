"""Per-video-frame audio features, computed incrementally from PCM chunks.

Frame i is centred at t_s = i / fps and analysed over a Hann window of `window_s`; it can be
computed once audio reaches t_s + window_s / 2, which is the look-ahead this stage adds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class AudioFeatures:
    """Features of T consecutive video frames; every array is (T,) float32.

    t_s: frame times in seconds. loudness_db: windowed RMS in dBFS (-100 for digital silence).
    low_ratio: share of energy below 1 kHz (vowels, nasals). high_ratio: share above 4 kHz
    (fricatives). f1_hz / f2_hz: spectral centroids of the 150-1100 Hz and 1000-3000 Hz bands,
    rough first/second formant proxies (jaw opening / lip spreading). zcr: zero crossings per sample.
    """

    t_s: np.ndarray
    loudness_db: np.ndarray
    low_ratio: np.ndarray
    high_ratio: np.ndarray
    f1_hz: np.ndarray
    f2_hz: np.ndarray
    zcr: np.ndarray

    def __len__(self) -> int:
        return len(self.t_s)


def _band_centroid(power: np.ndarray, freqs: np.ndarray, lo: float, hi: float) -> np.ndarray:
    band = (freqs >= lo) & (freqs < hi)
    p = power[:, band]
    return (p @ freqs[band]) / np.maximum(p.sum(axis=1), 1e-12)


class FrameFeatureExtractor:
    """Streaming feature extractor: push PCM chunks, get features of frames now complete."""

    def __init__(self, *, sr: int, fps: int, window_s: float = 0.064):
        if sr <= 0 or fps <= 0:
            raise ValueError(f"sr and fps must be positive, got sr={sr}, fps={fps}")
        self.sr, self.fps = sr, fps
        self.window = int(round(window_s * sr)) // 2 * 2
        self.lookahead_s = self.window / 2 / sr
        self._hann = np.hanning(self.window).astype(np.float32)
        self._freqs = np.fft.rfftfreq(self.window, 1.0 / sr)
        self._buffer = np.zeros(self.window // 2, np.float32)  # zero history before t = 0
        self._buffer_start = -self.window // 2  # absolute sample index of _buffer[0]
        self._n_samples = 0
        self._next_frame = 0

    @property
    def n_samples(self) -> int:
        """Samples pushed so far."""
        return self._n_samples

    def push(self, samples: np.ndarray) -> AudioFeatures:
        """Adds mono float PCM at `sr`; returns the frames whose window is now complete."""
        samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        self._buffer = np.concatenate([self._buffer, samples])
        self._n_samples += len(samples)
        return self._emit(self._n_samples)

    def flush(self, *, n_frames: int | None = None) -> AudioFeatures:
        """Ends the stream: emits the remaining frames (up to `n_frames` in all, default
        ceil(duration * fps)), treating audio past the end as silence."""
        total = n_frames if n_frames is not None else int(np.ceil(self._n_samples * self.fps / self.sr))
        needed = self._centre(total - 1) + self.window // 2 if total > 0 else 0
        pad = max(0, needed - (self._buffer_start + len(self._buffer)))
        self._buffer = np.concatenate([self._buffer, np.zeros(pad, np.float32)])
        return self._emit(self._buffer_start + len(self._buffer), limit=total)

    def _centre(self, frame: int) -> int:
        return int(round(frame * self.sr / self.fps))

    def _emit(self, available_end: int, *, limit: int | None = None) -> AudioFeatures:
        half = self.window // 2
        first = self._next_frame
        last = first
        while (limit is None or last < limit) and self._centre(last) + half <= available_end:
            last += 1
        self._next_frame = last
        feats = self._compute(np.arange(first, last))
        # Keep only what later frames still need.
        keep_from = self._centre(last) - half
        drop = max(0, keep_from - self._buffer_start)
        self._buffer = self._buffer[drop:]
        self._buffer_start += drop
        return feats

    def _compute(self, frames: np.ndarray) -> AudioFeatures:
        half = self.window // 2
        starts = np.array([self._centre(i) - half - self._buffer_start for i in frames], dtype=np.int64)
        idx = starts[:, None] + np.arange(self.window)[None, :]
        x = self._buffer[idx] if len(frames) else np.zeros((0, self.window), np.float32)
        windowed = x * self._hann
        # float64 as numpy 1 did: numpy 2's float32 FFT rounds a row differently with the batch
        # it comes in, and streaming must give what one push gives.
        power = np.abs(np.fft.rfft(windowed.astype(np.float64), axis=1)) ** 2
        total = np.maximum(power.sum(axis=1), 1e-12)
        rms = np.sqrt((windowed ** 2).sum(axis=1) / (self._hann ** 2).sum())
        signs = np.signbit(x)
        f32 = np.float32
        return AudioFeatures(
            t_s=(frames / self.fps).astype(f32),
            loudness_db=np.maximum(20 * np.log10(np.maximum(rms, 1e-10)), -100.0).astype(f32),
            low_ratio=(power[:, self._freqs < 1000].sum(axis=1) / total).astype(f32),
            high_ratio=(power[:, self._freqs >= 4000].sum(axis=1) / total).astype(f32),
            f1_hz=_band_centroid(power, self._freqs, 150, 1100).astype(f32),
            f2_hz=_band_centroid(power, self._freqs, 1000, 3000).astype(f32),
            zcr=(np.count_nonzero(signs[:, 1:] != signs[:, :-1], axis=1) / self.window).astype(f32),
        )


def extract_features(samples: np.ndarray, *, sr: int, fps: int) -> AudioFeatures:
    """Features of a whole clip at once (same result as streaming it in chunks)."""
    extractor = FrameFeatureExtractor(sr=sr, fps=fps)
    parts = [extractor.push(samples), extractor.flush()]
    return concat_features(parts)


def concat_features(parts: list[AudioFeatures]) -> AudioFeatures:
    names = AudioFeatures.__dataclass_fields__
    return AudioFeatures(**{n: np.concatenate([getattr(p, n) for p in parts]) for n in names})
