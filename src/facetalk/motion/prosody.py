"""Prosody, frame by frame: pitch, vocal effort, pauses, phrase boundaries and accented syllables.

`PitchTracker` estimates F0 at each video frame (YIN on a window centred on the frame, the same
window the audio features use, so it adds no look-ahead). `ProsodyTracker` turns loudness and
pitch into the events that drive non-verbal behaviour. Both are causal and stateful: feed frames
in order, and any chunking gives the same result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from facetalk.motion.dynamics import OnePole

F0_MIN_HZ, F0_MAX_HZ = 70.0, 400.0
_YIN_THRESHOLD = 0.2  # first dip of the normalised difference below this is the period


class PitchTracker:
    """Push PCM as it arrives; `frames(first, n)` gives (f0_hz, periodicity) of video frames
    first..first+n-1, each from `window` samples centred on the frame (zeros before t = 0 and
    past the end of the stream). f0 is 0 where the window holds no clear period; periodicity
    is 0..1 (1 = perfectly periodic)."""

    def __init__(self, *, sr: int, fps: int, window: int):
        self.sr, self.fps, self.window = sr, fps, window
        self._lag_min = int(sr / F0_MAX_HZ)
        self._lag_max = min(int(math.ceil(sr / F0_MIN_HZ)), window // 2)
        self._span = window - self._lag_max  # samples each difference sums over
        self._nfft = 1 << (2 * window - 1).bit_length()
        self._buffer = np.zeros(window // 2, np.float32)  # silence before t = 0
        self._buffer_start = -(window // 2)  # absolute sample index of _buffer[0]

    def push(self, samples: np.ndarray) -> None:
        self._buffer = np.concatenate([self._buffer, np.asarray(samples, np.float32).reshape(-1)])

    def frames(self, first: int, n: int) -> tuple[np.ndarray, np.ndarray]:
        half = self.window // 2
        starts = np.array([self._centre(i) - half - self._buffer_start for i in range(first, first + n)],
                          dtype=np.int64)
        need = int(starts.max()) + self.window if n else 0
        if need > len(self._buffer):  # the end of the stream: silence past it
            self._buffer = np.concatenate([self._buffer, np.zeros(need - len(self._buffer), np.float32)])
        x = self._buffer[starts[:, None] + np.arange(self.window)] if n else np.zeros((0, self.window))
        f0, periodicity = self._yin(x.astype(np.float64))
        drop = max(0, self._centre(first + n) - half - self._buffer_start)
        self._buffer = self._buffer[drop:]
        self._buffer_start += drop
        return f0, periodicity

    def _centre(self, frame: int) -> int:
        return int(round(frame * self.sr / self.fps))

    def _yin(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """De Cheveigne and Kawahara's cumulative-mean-normalised difference, per row."""
        n, lags, span = len(x), self._lag_max + 1, self._span
        if n == 0:
            return np.zeros(0), np.zeros(0)
        spec_head = np.fft.rfft(x[:, :span], self._nfft, axis=1)
        spec_all = np.fft.rfft(x, self._nfft, axis=1)
        cross = np.fft.irfft(np.conj(spec_head) * spec_all, self._nfft, axis=1)[:, :lags]
        energy = np.concatenate([np.zeros((n, 1)), np.cumsum(x ** 2, axis=1)], axis=1)
        e_head = energy[:, span:span + 1]
        e_lag = energy[:, span:span + lags] - energy[:, :lags]
        diff = np.maximum(e_head + e_lag - 2.0 * cross, 0.0)
        cum = np.cumsum(diff[:, 1:], axis=1)
        norm = np.ones_like(diff)
        norm[:, 1:] = diff[:, 1:] * np.arange(1, lags) / np.maximum(cum, 1e-12)
        f0, periodicity = np.zeros(n), np.zeros(n)
        for row in range(n):
            if e_head[row, 0] < 1e-6 * span:  # below about -60 dBFS: nothing to track
                continue
            d = norm[row]
            below = np.nonzero(d[self._lag_min:] < _YIN_THRESHOLD)[0]
            if not len(below):
                continue
            lag = self._lag_min + int(below[0])
            while lag + 1 < lags and d[lag + 1] < d[lag]:  # down to the bottom of that dip
                lag += 1
            # Parabolic interpolation between neighbouring lags for a sub-sample period.
            shift = 0.0
            if self._lag_min < lag < lags - 1:
                a, b, c = d[lag - 1], d[lag], d[lag + 1]
                shift = 0.5 * (a - c) / max(a - 2 * b + c, 1e-12)
            f0[row] = self.sr / (lag + shift)
            periodicity[row] = 1.0 - d[lag]
        return f0, periodicity


@dataclass(frozen=True)
class Prosody:
    """One frame's prosody.

    speaking: speech now (short gaps such as stop closures bridged). activity: 0..1, speaking
    smoothed over ~0.4 s. pause_s: time since speech stopped (0 while speaking). effort: vocal
    effort, 1 = this speaker's running average, up to ~2 when louder and higher than usual.
    pitch_st: semitones above the speaker's running mean pitch (0 outside speech, held through
    unvoiced sounds). accent: 0..1 prominence of a stressed syllable, on the frame it is
    recognised (0 on the others). phrase_start / phrase_end: true on the frame an utterance
    starts after a pause, or the frame a pause after an utterance becomes long enough to count.
    """

    speaking: bool = False
    activity: float = 0.0
    pause_s: float = 0.0
    effort: float = 1.0
    pitch_st: float = 0.0
    accent: float = 0.0
    phrase_start: bool = False
    phrase_end: bool = False


class ProsodyTracker:
    """Loudness (dBFS) and pitch per frame in, `Prosody` out. Causal: a syllable is recognised a
    few frames after its onset, a phrase end once the pause lasts PHRASE_PAUSE_S."""

    SILENCE_DB = -50.0      # quieter is never speech
    SPEECH_RANGE_DB = 30.0  # speech is within this of the speaker's running peak
    GAP_BRIDGE_S = 0.15     # silences shorter than this (stop closures) stay inside speech
    PHRASE_PAUSE_S = 0.25   # a pause this long ends a phrase
    MIN_PHRASE_S = 0.4      # ...if the phrase lasted at least this
    ONSET_RISE_DB = 5.0     # a syllable: the envelope rises this much above its last dip
    ACCENT_DELAY_FRAMES = 2  # prominence is judged this many frames after the onset

    def __init__(self, *, fps: int):
        self.fps = fps
        self._dt = 1.0 / fps
        self._peak_db = self.SILENCE_DB + 10.0
        self._peak_decay_db = 3.0 * self._dt  # running peak falls 3 dB per second
        self._activity = OnePole(fps=fps, tau_s=0.4)
        self._level_short = OnePole(fps=fps, tau_s=0.5)
        self._level_long = 0.0
        self._n_active = 0
        self._envelope = OnePole(fps=fps, tau_s=0.03, x0=-100.0)
        self._pitch_mean: float | None = None
        self._pitch_var = 4.0
        self._pitch_mean_rate = 1.0 - math.exp(-self._dt / 3.0)
        self._pitch_now = OnePole(fps=fps, tau_s=0.08)
        self._pitch_held = 0.0
        self._since_active = math.inf
        self._utterance_s = 0.0
        self._speaking = False
        self._phrase_open = False
        self._dip_db = 0.0
        self._top_db = -100.0
        self._armed = True
        self._countdown = -1
        self._peak_since_onset = -100.0
        self._syllable_mean_db: float | None = None
        self._syllable_var_db = 16.0
        self._pitch_since_onset = -math.inf

    def step(self, loudness_db: float, f0_hz: float, periodicity: float) -> Prosody:
        dt = self._dt
        self._peak_db = max(loudness_db, self._peak_db - self._peak_decay_db, self.SILENCE_DB + 10.0)
        active = loudness_db > max(self.SILENCE_DB, self._peak_db - self.SPEECH_RANGE_DB)
        self._since_active = 0.0 if active else self._since_active + dt
        was_speaking = self._speaking
        self._speaking = self._since_active < self.GAP_BRIDGE_S
        phrase_start = self._speaking and not was_speaking and not self._phrase_open
        if phrase_start:
            self._phrase_open, self._utterance_s = True, 0.0
        if self._speaking:
            self._utterance_s += dt
        phrase_end = False
        if self._phrase_open and self._since_active >= self.PHRASE_PAUSE_S:
            self._phrase_open = False
            phrase_end = self._utterance_s >= self.MIN_PHRASE_S
        activity = self._activity.step(1.0 if self._speaking else 0.0)

        if active:
            # The long-term level: the mean of all speech so far, then of the last ~8 s.
            self._n_active += 1
            if self._n_active == 1:
                self._level_short.x = loudness_db
            self._level_long += max(1.0 / self._n_active, dt / 8.0) * (loudness_db - self._level_long)
            self._level_short.step(loudness_db)
        pitch_st = self._pitch(f0_hz if active and periodicity > 0.6 else 0.0)
        effort = min(max(1.0 + (self._level_short.x - self._level_long) / 8.0 + 0.1 * max(pitch_st, 0.0), 0.4), 2.0)
        accent = self._accent(loudness_db if active else -100.0, pitch_st)
        return Prosody(speaking=self._speaking, activity=activity,
                       pause_s=0.0 if self._speaking else self._since_active, effort=effort,
                       pitch_st=pitch_st if self._speaking else 0.0, accent=accent,
                       phrase_start=phrase_start, phrase_end=phrase_end)

    def _pitch(self, f0_hz: float) -> float:
        """Semitones above the running mean of voiced frames, smoothed, held through unvoiced ones."""
        if f0_hz > 0.0:
            st = 12.0 * math.log2(f0_hz / 100.0)
            if self._pitch_mean is None:
                self._pitch_mean = st
            dev = st - self._pitch_mean
            # Octave jumps and other tracking errors: let them nudge the statistics only a little.
            dev = max(min(dev, 3.0 * math.sqrt(self._pitch_var)), -3.0 * math.sqrt(self._pitch_var))
            self._pitch_mean += self._pitch_mean_rate * dev
            self._pitch_var += self._pitch_mean_rate * (dev * dev - self._pitch_var)
            self._pitch_held = dev
        return self._pitch_now.step(self._pitch_held)

    def _accent(self, loudness_db: float, pitch_st: float) -> float:
        """A syllable is an onset of the loudness envelope; its prominence, judged a couple of
        frames later, is how far its loudness and pitch stand above this speaker's usual syllable."""
        env = self._envelope.step(loudness_db)
        accent = 0.0
        if self._countdown >= 0:
            self._peak_since_onset = max(self._peak_since_onset, env)
            self._pitch_since_onset = max(self._pitch_since_onset, pitch_st)
            if self._countdown == 0:
                accent = self._prominence(self._peak_since_onset, self._pitch_since_onset)
            self._countdown -= 1
        if self._armed:
            self._dip_db = min(self._dip_db, env)
            if env - self._dip_db >= self.ONSET_RISE_DB:
                self._armed = False
                self._countdown = self.ACCENT_DELAY_FRAMES
                self._peak_since_onset, self._pitch_since_onset, self._top_db = env, pitch_st, env
        else:
            # Re-arm once the envelope falls back from this syllable's top.
            self._top_db = max(self._top_db, env)
            if env <= self._top_db - 3.0:
                self._armed, self._dip_db = True, env
        return accent

    def _prominence(self, peak_db: float, pitch_st: float) -> float:
        if self._syllable_mean_db is None:
            self._syllable_mean_db = peak_db
        dev = peak_db - self._syllable_mean_db
        z = 0.6 * dev / math.sqrt(self._syllable_var_db) + 0.6 * pitch_st / math.sqrt(max(self._pitch_var, 1.0))
        self._syllable_mean_db += 0.1 * dev
        self._syllable_var_db += 0.1 * (min(dev * dev, 100.0) - self._syllable_var_db)
        self._syllable_var_db = max(self._syllable_var_db, 4.0)
        return min(max((z + 0.3) / 1.5, 0.0), 1.0)
