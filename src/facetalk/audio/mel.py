"""The audio front end: one streaming analysis of the PCM that the lip model and the motion read.

Every 10 ms (FRAME_RATE), frame j is centred at sample frame_centre(j, sr=sr, fps=FRAME_RATE).
Its spectrum comes from a 24 ms Hann window centred there: 40 log-mel energies and the log of
the frame's power (ENERGY), so it can be computed once audio reaches the centre + 12 ms
(`lookahead_s`). Its pitch comes from the autocorrelation of the 40 ms that end at the same
sample (no further look-ahead): VOICING, the normalised autocorrelation peak, and F0 from its
lag. Audio before t = 0 counts as silence. The same samples give the same frames however the
audio is chunked. The lip model (motion.lipsync) reads the frames' features as they are, and
was trained on them (training/); the motion reads loudness, F0 and voicing per video frame
through audio.voice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from facetalk.audio.clock import frame_centre, frames_covering

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
# dB per unit of natural-log power (ENERGY, the log-mel bands): 10 log10(e). A level change of x dB
# shifts every log-power column by x / DB_PER_LN_POWER.
DB_PER_LN_POWER = 10.0 / math.log(10.0)


def energy_db(energy: np.ndarray | float) -> np.ndarray | float:
    """ENERGY (natural log of a frame's power) in dBFS of RMS: a full-scale sine is -3 dBFS.
    The power is half the window-weighted mean square (one side of the spectrum), hence the 2."""
    return DB_PER_LN_POWER * np.asarray(energy, np.float64) + 10.0 * math.log10(2.0)


def energy_from_db(dbfs: np.ndarray | float) -> np.ndarray | float:
    """energy_db's inverse: dBFS of RMS -> ENERGY (natural log of a frame's power)."""
    return (np.asarray(dbfs, np.float64) - 10.0 * math.log10(2.0)) * math.log(10.0) / 10.0


def _mel(hz):
    return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)


def _band_edges_hz() -> np.ndarray:
    """(N_MELS + 2,) the mel bands' edges: band i rises from edge i, peaks at i + 1, falls to i + 2."""
    edges_mel = np.linspace(_mel(F_MIN_HZ), _mel(F_MAX_HZ), N_MELS + 2)
    return 700.0 * (10.0 ** (edges_mel / 2595.0) - 1.0)


def mel_band_centres_hz() -> np.ndarray:
    """(N_MELS,) each log-mel band's peak frequency, Hz."""
    return _band_edges_hz()[1:-1]


def mel_filterbank(sr: int, n_fft: int) -> np.ndarray:
    """(N_MELS, n_fft // 2 + 1) triangular filters, equal area. Bands above sr/2 stay empty, so
    8 kHz audio gives the telephone-band frames the model was trained on."""
    freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    edges = _band_edges_hz()
    lo, mid, hi = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    tri = np.maximum(0.0, np.minimum((freqs - lo) / (mid - lo), (hi - freqs) / (hi - mid)))
    return (tri * (2.0 / (hi - lo))).astype(np.float64)


@dataclass(frozen=True)
class AnalysisClock:
    """Where the analysis frames of audio at `sr` sit, and when each can be computed."""

    sr: int

    @property
    def window(self) -> int:
        """Samples in a frame's spectrum window (even)."""
        return int(round(WINDOW_S * self.sr)) // 2 * 2

    @property
    def half(self) -> int:
        """Samples a frame needs past its centre."""
        return self.window // 2

    @property
    def lookahead_s(self) -> float:
        return self.half / self.sr

    def centre(self, frame: int) -> int:
        return frame_centre(frame, sr=self.sr, fps=FRAME_RATE)

    def last_complete(self, end: int) -> int:
        """The latest frame computable from the audio before sample `end` (negative if none)."""
        k = (end - self.half) * FRAME_RATE // self.sr
        while self.centre(k + 1) + self.half <= end:
            k += 1
        while k >= 0 and self.centre(k) + self.half > end:
            k -= 1
        return k

    def first_centred_from(self, start: int) -> int:
        """The first frame centred at or after sample `start`."""
        k = start * FRAME_RATE // self.sr
        while self.centre(k) < start:
            k += 1
        while self.centre(k - 1) >= start:
            k -= 1
        return k


@dataclass(frozen=True)
class AudioFrames:
    """Analysis frames first .. first + T - 1 of a stream, and how much audio had arrived.

    features: (T, N_FEATURES) float32, the lip model's input: N_MELS log-mel energies, ENERGY
    (natural log of the frame's power), VOICING (0..1) and PITCH (VOICING * log2(f0 / 200 Hz),
    with f0 at a whole-sample lag). f0_hz: (T,) float64, the same F0 refined between lags, 0
    where VOICING is 0. n_samples: PCM samples pushed so far (the stream's clock).
    """

    first: int
    features: np.ndarray
    f0_hz: np.ndarray
    n_samples: int

    def __len__(self) -> int:
        return len(self.features)


class AudioFrontEnd:
    """Streaming: push mono float PCM at `sr`, get the `AudioFrames` now complete. Holds the one
    PCM buffer of a stream: only the samples later frames still need."""

    def __init__(self, *, sr: int = 16000):
        if sr < 8000:
            raise ValueError(f"sr must be at least 8000 Hz, got {sr}")
        self.sr = sr
        self.clock = AnalysisClock(sr=sr)
        self.window, self.half = self.clock.window, self.clock.half
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
        return self.clock.lookahead_s

    @property
    def n_frames(self) -> int:
        """Frames emitted so far."""
        return self._next

    @property
    def n_samples(self) -> int:
        """Samples pushed so far."""
        return self._n_samples

    def push(self, samples: np.ndarray) -> AudioFrames:
        samples = np.asarray(samples, dtype=np.float64).reshape(-1)
        self._buffer = np.concatenate([self._buffer, samples])
        self._n_samples += len(samples)
        return self._emit(self._n_samples, limit=None)

    def flush(self, *, n_frames: int | None = None) -> AudioFrames:
        """Ends the stream: the remaining frames (`n_frames` in all, default one per 10 ms of
        audio, rounded up), with silence past the end."""
        total = n_frames if n_frames is not None else frames_covering(self._n_samples, sr=self.sr, fps=FRAME_RATE)
        end = self._buffer_start + len(self._buffer)
        needed = self.clock.centre(total - 1) + self.half if total > 0 else end
        self._buffer = np.concatenate([self._buffer, np.zeros(max(0, needed - end))])
        return self._emit(max(end, needed), limit=total)

    def _emit(self, available_end: int, *, limit: int | None) -> AudioFrames:
        first = last = self._next
        while (limit is None or last < limit) and self.clock.centre(last) + self.half <= available_end:
            last += 1
        self._next = last
        features, f0_hz = self._compute(np.arange(first, last))
        drop = max(0, self.clock.centre(last) - self._back - self._buffer_start)
        self._buffer = self._buffer[drop:]
        self._buffer_start += drop
        return AudioFrames(first=first, features=features, f0_hz=f0_hz, n_samples=self._n_samples)

    def _compute(self, frames: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        out = np.zeros((len(frames), N_FEATURES), np.float32)
        if not len(frames):
            return out, np.zeros(0)
        ends = np.array([self.clock.centre(j) + self.half - self._buffer_start for j in frames])
        x = self._buffer[ends[:, None] - self.window + np.arange(self.window)]
        spec = np.abs(np.fft.rfft(x * self._hann, self.n_fft, axis=1)) ** 2 / self._window_power
        # einsum rather than a BLAS product: the same frame gives the same bits whatever the batch.
        mel = np.einsum("tf,mf->tm", spec, self._filters)
        out[:, :N_MELS] = np.log(mel + _FLOOR)
        out[:, ENERGY] = np.log(spec.sum(axis=1) / self.n_fft + _FLOOR)
        voicing, f0, f0_fine = self._pitch(
            self._buffer[ends[:, None] - self.pitch_window + np.arange(self.pitch_window)])
        out[:, VOICING] = voicing
        out[:, PITCH] = voicing * np.log2(f0 / 200.0)
        return out, np.where(voicing > 0.0, f0_fine, 0.0)

    def _pitch(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per row: voicing strength 0..1 (normalised autocorrelation peak), f0 in Hz at the
        peak's whole-sample lag (the model's input), and f0 with the peak interpolated."""
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
        voicing = np.where(voiced, np.clip(peak, 0.0, 1.0), 0.0)
        return voicing, self.sr / self._lags[best], self.sr / (self._lags[best] + _peak_shift(r, best))


def _peak_shift(r: np.ndarray, best: np.ndarray) -> np.ndarray:
    """Sub-lag offset (-0.5..0.5) of each row's peak at `best`, by a parabola through it and its
    neighbours: a whole-sample lag alone puts F0 up to 1% off at 300 Hz."""
    inner = np.clip(best, 1, r.shape[1] - 2)
    rows = np.arange(len(r))
    a, b, c = r[rows, inner - 1], r[rows, inner], r[rows, inner + 1]
    curvature = a - 2.0 * b + c
    ok = (best == inner) & (curvature < 0.0)
    return np.where(ok, 0.5 * (a - c) / np.where(ok, curvature, -1.0), 0.0)


def log_mel(samples: np.ndarray, *, sr: int = 16000) -> np.ndarray:
    """(n, N_FEATURES) features of a whole clip, one frame per 10 ms (same as streaming it)."""
    frontend = AudioFrontEnd(sr=sr)
    return np.concatenate([frontend.push(samples).features, frontend.flush().features])
