"""Prosody, frame by frame: pitch, vocal effort, pauses, phrase boundaries and accented syllables.

`ProsodyTracker` turns each video frame's voice (audio.voice.VoiceFrame: loudness and F0 from
the audio front end) into the events that drive non-verbal behaviour. It is
causal and stateful: feed frames in order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from facetalk.audio.voice import VoiceFrame
from facetalk.motion.dynamics import OnePole


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
    """A FrameProcess (motion.process): a `VoiceFrame` (loudness, F0) per frame in, `Prosody` out.
    Causal: a syllable is recognised a few frames after its onset, a phrase end once the pause
    lasts PHRASE_PAUSE_S."""

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

    def step(self, voice: VoiceFrame) -> Prosody:
        dt, loudness_db = self._dt, voice.loudness_db
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
        pitch_st = self._pitch(voice.f0_hz if active else 0.0)
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
