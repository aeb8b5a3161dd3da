"""Log-mel frames plus energy, voicing and pitch at 100 frames/s, computed incrementally from PCM
chunks: the input of the lip-sync model (motion.lipsync), and of its training corpus.

Frame j is centred at sample round(j * sr / 100). Its spectrum comes from a 24 ms Hann window
centred there, so it can be computed once audio reaches the centre + 12 ms (`lookahead_s`); the
pitch analysis uses the 40 ms that end at the same sample, so it adds no look-ahead. Audio before
t = 0 counts as silence. The same samples give the same frames however the audio is chunked.
"""

from __future__ import annotations

import numpy as np

FRAME_RATE = 100  # frames per second
WINDOW_S = 0.024
PITCH_WINDOW_S = 0.040
N_MELS = 40
F_MIN_HZ, F_MAX_HZ = 60.0, 7600.0
F0_MIN_HZ, F0_MAX_HZ = 50.0, 1000.0  # speech and singing
# Columns: N_MELS log-mel energies, then these three.
ENERGY, VOICING, PITCH = N_MELS, N_MELS + 1, N_MELS + 2
N_FEATURES = N_MELS + 3
_FLOOR = 1e-10  # power floor: digital silence gives one constant frame


def _mel(hz):
    return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)


def mel_filterbank(sr: int, n_fft: int) -> np.ndarray:
    """(N_MELS, n_fft // 2 + 1) triangular filters, equal area. Bands above sr/2 stay empty, so
    8 kHz audio gives the telephone-band frames the model was trained on."""
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    edges_mel = np.linspace(_mel(F_MIN_HZ), _mel(F_MAX_HZ), N_MELS + 2)
    edges = 700.0 * (10.0 ** (edges_mel / 2595.0) - 1.0)
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    tri = np.maximum(0.0, np.minimum((freqs - lo) / (mid - lo), (hi - freqs) / (hi - mid)))
    return (tri * (2.0 / (hi - lo))).astype(np.float64)


class MelExtractor:
    """Streaming: push mono float PCM at `sr`, get (n, N_FEATURES) float32 frames now complete."""

    def __init__(self, *, sr: int = 16000):
        if sr < 8000:
            raise ValueError(f"sr must be at least 8000 Hz, got {sr}")
        self.sr = sr
        self.window = int(round(WINDOW_S * sr)) // 2 * 2
        self.half = self.window // 2
        self.pitch_window = int(round(PITCH_WINDOW_S * sr))
        self.n_fft = 1 << (self.window - 1).bit_length()
        self._hann = np.hanning(self.window)
        self._pitch_hann = np.hanning(self.pitch_window)
        self._filters = mel_filterbank(sr, self.n_fft)
        self._window_power = float((self._hann ** 2).sum())
        self._lags = np.arange(int(sr / F0_MAX_HZ), int(np.ceil(sr / F0_MIN_HZ)) + 1)
        # Long enough that the circular autocorrelation is exact up to the longest lag.
        self._pitch_fft = 1 << (self.pitch_window + int(self._lags[-1]) - 1).bit_length()
        # Boersma's correction: divide by the window's own autocorrelation.
        w_acf = np.fft.irfft(np.abs(np.fft.rfft(self._pitch_hann, self._pitch_fft)) ** 2)
        self._w_acf = w_acf[self._lags] / w_acf[0]
        self._back = self.pitch_window - self.half  # samples a frame needs before its centre
        self._buffer = np.zeros(self._back, np.float64)
        self._buffer_start = -self._back  # absolute sample index of _buffer[0]
        self._n_samples = 0
        self._next = 0

    @property
    def lookahead_s(self) -> float:
        return self.half / self.sr

    @property
    def n_frames(self) -> int:
        """Frames emitted so far."""
        return self._next

    def centre(self, frame: int) -> int:
        return int(round(frame * self.sr / FRAME_RATE))

    def push(self, samples: np.ndarray) -> np.ndarray:
        samples = np.asarray(samples, dtype=np.float64).reshape(-1)
        self._buffer = np.concatenate([self._buffer, samples])
        self._n_samples += len(samples)
        return self._emit(self._n_samples, limit=None)

    def flush(self, *, n_frames: int | None = None) -> np.ndarray:
        """Ends the stream: the remaining frames (`n_frames` in all, default one per 10 ms of
        audio, rounded up), with silence past the end."""
        total = n_frames if n_frames is not None else int(np.ceil(self._n_samples * FRAME_RATE / self.sr))
        end = self._buffer_start + len(self._buffer)
        needed = self.centre(total - 1) + self.half if total > 0 else end
        self._buffer = np.concatenate([self._buffer, np.zeros(max(0, needed - end))])
        return self._emit(max(end, needed), limit=total)

    def _emit(self, available_end: int, *, limit: int | None) -> np.ndarray:
        first = last = self._next
        while (limit is None or last < limit) and self.centre(last) + self.half <= available_end:
            last += 1
        self._next = last
        frames = self._compute(np.arange(first, last))
        drop = max(0, self.centre(last) - self._back - self._buffer_start)
        self._buffer = self._buffer[drop:]
        self._buffer_start += drop
        return frames

    def _compute(self, frames: np.ndarray) -> np.ndarray:
        out = np.zeros((len(frames), N_FEATURES), np.float32)
        if not len(frames):
            return out
        ends = np.array([self.centre(j) + self.half - self._buffer_start for j in frames])
        x = self._buffer[ends[:, None] - self.window + np.arange(self.window)]
        spec = np.abs(np.fft.rfft(x * self._hann, self.n_fft, axis=1)) ** 2 / self._window_power
        # einsum rather than a BLAS product: the same frame gives the same bits whatever the batch.
        mel = np.einsum("tf,mf->tm", spec, self._filters)
        out[:, :N_MELS] = np.log(mel + _FLOOR)
        out[:, ENERGY] = np.log(spec.sum(axis=1) / self.n_fft + _FLOOR)
        voicing, f0 = self._pitch(self._buffer[ends[:, None] - self.pitch_window + np.arange(self.pitch_window)])
        out[:, VOICING] = voicing
        out[:, PITCH] = voicing * np.log2(f0 / 200.0)
        return out

    def _pitch(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per row: voicing strength 0..1 (normalised autocorrelation peak) and f0 in Hz."""
        x = x - x.mean(axis=1, keepdims=True)
        acf = np.fft.irfft(np.abs(np.fft.rfft(x * self._pitch_hann, self._pitch_fft, axis=1)) ** 2, axis=1)
        energy = acf[:, :1]
        r = acf[:, self._lags] / np.maximum(energy, 1e-12) / self._w_acf
        peak = r.max(axis=1)
        # The shortest lag with a peak near the best: multiples of the period score as high.
        local_max = np.zeros_like(r, dtype=bool)
        local_max[:, 1:-1] = (r[:, 1:-1] >= r[:, :-2]) & (r[:, 1:-1] >= r[:, 2:])
        best = np.argmax(local_max & (r >= 0.9 * peak[:, None]), axis=1)
        voiced = energy[:, 0] > 1e-7 * self.pitch_window  # below ~-70 dBFS: no pitch to speak of
        return np.where(voiced, np.clip(peak, 0.0, 1.0), 0.0), self.sr / self._lags[best]


def log_mel(samples: np.ndarray, *, sr: int = 16000) -> np.ndarray:
    """(n, N_FEATURES) frames of a whole clip, one per 10 ms (same as streaming it)."""
    extractor = MelExtractor(sr=sr)
    return np.concatenate([extractor.push(samples), extractor.flush()])
