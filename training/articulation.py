"""Phones -> mouth-shape targets: the IPA table and the coarticulation model the lip-sync model
is trained on (training/build_lip_corpus.py), and is validated against (training/validate_lipsync.py).

Each IPA symbol has a target for every mouth parameter and a dominance saying how strongly it
holds that target against its neighbours. Frame values blend the targets of nearby phones
weighted by their dominance functions (Cohen & Massaro 1993): D(t) = a * exp(-(d / tau)^2),
flat (d = 0) over the middle of the phone, d the distance before it (anticipation, tau_before)
or after it (carry-over, tau_after). Bilabials hold a very high but short-reaching lip_press
dominance, so the lips close on every /p b m/ and still open on the vowel in between (in fast
speech less so, unless blend's press_reach_share caps the press's reach); velars and
/h/ have a low jaw dominance, so the jaw follows the neighbouring vowels.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np

from facetalk.audio.mel import FRAME_RATE  # the target frames' rate, as build_lip_corpus times them
# The mouth parameters, in MotionFrame units (motion.frame), in model-output order.
from facetalk.motion.lipsync import PARAMS  # noqa: F401 - the table's columns, as the runtime names them
REST = (0.0, 0.0, 0.0, 0.0, 0.0)  # silence: the photo's own mouth

CORE = 0.6             # share of a phone, centred, over which its dominance is flat
REACH_S = 0.4          # phones further than this from a frame have no say in it
# blend(press_reach_share=...): a closing phone's lip_press dominance reaches into a neighbour by
# at most this share of the neighbour's duration (its time constant capped there). With the fixed
# 20-25 ms reach a bilabial's press dominance (20) keeps a 45 ms /a/ between two /m/ pressed at
# 0.89: in fast speech the lips stay shut through the vowel. Capped at 0.25 that /a/ opens (press
# 0.03) while each /m/ keeps its full press to its release; vowels of 80 ms and more are
# unchanged. A retrain on such targets was tried, not adopted (docs/models/lipsync.md, Limits).
TRIED_PRESS_REACH_SHARE = 0.25


@dataclass(frozen=True)
class Viseme:
    target: tuple[float, float, float, float, float]     # PARAMS order
    dominance: tuple[float, float, float, float, float]  # > 0; relative weights
    tau_before: float = 0.05  # s; anticipation: lips move ahead of the sound
    tau_after: float = 0.04   # s; carry-over


def _v(jaw: float, spread: float, raise_: float = 0.0, depress: float = 0.0) -> Viseme:
    # Vowels hold jaw and lip shape; their open lips (press 0) yield to any closing consonant.
    return Viseme((jaw, spread, 0.0, raise_, depress), (1.0, 1.0, 0.6, 0.6, 0.6), 0.08, 0.06)


def _c(jaw: float, spread: float, press: float, raise_: float, depress: float,
       dominance: tuple[float, float, float, float, float], tau_before: float = 0.05,
       tau_after: float = 0.04) -> Viseme:
    return Viseme((jaw, spread, press, raise_, depress), dominance, tau_before, tau_after)


_BILABIAL = _c(0.04, 0.0, 1.0, 0.0, 0.0, (2.0, 0.3, 20.0, 2.0, 2.0), 0.025, 0.02)
_BILABIAL_FRIC = _c(0.07, 0.0, 0.65, 0.0, 0.0, (1.5, 0.3, 8.0, 1.0, 1.0), 0.025, 0.02)
_LABIODENTAL = _c(0.08, 0.0, 0.55, 0.45, 0.0, (1.5, 0.4, 8.0, 6.0, 2.0), 0.025, 0.02)
_LABIODENTAL_APPROX = _c(0.12, 0.0, 0.3, 0.3, 0.0, (1.0, 0.4, 3.0, 3.0, 1.0), 0.03, 0.025)
_ROUNDED_GLIDE = _c(0.12, -0.9, 0.0, 0.0, 0.0, (0.8, 4.0, 0.6, 0.6, 0.6))
_DENTAL = _c(0.14, 0.15, 0.0, 0.25, 0.15, (1.0, 0.4, 0.8, 2.0, 2.0))
_ALVEOLAR = _c(0.16, 0.1, 0.0, 0.0, 0.0, (0.7, 0.3, 0.6, 0.4, 0.4))
_SIBILANT = _c(0.08, 0.3, 0.0, 0.1, 0.0, (2.0, 0.8, 0.8, 0.8, 0.8))
_POSTALVEOLAR = _c(0.1, -0.55, 0.0, 0.2, 0.1, (2.0, 2.5, 0.8, 1.0, 1.0))
_ALVEOLOPALATAL = _c(0.1, 0.35, 0.0, 0.1, 0.0, (2.0, 1.2, 0.8, 0.8, 0.8))
_RETROFLEX = _c(0.15, -0.2, 0.0, 0.05, 0.0, (1.0, 0.8, 0.6, 0.4, 0.4))
_RETROFLEX_SIB = _c(0.1, -0.3, 0.0, 0.15, 0.0, (2.0, 1.5, 0.8, 0.8, 0.8))
_PALATAL = _c(0.14, 0.5, 0.0, 0.0, 0.0, (0.8, 1.0, 0.6, 0.4, 0.4))
_LATERAL = _c(0.2, 0.1, 0.0, 0.0, 0.0, (0.6, 0.3, 0.6, 0.4, 0.4))
_RHOTIC_APPROX = _c(0.18, -0.35, 0.0, 0.0, 0.0, (0.7, 1.2, 0.6, 0.4, 0.4))
_VELAR = _c(0.22, 0.0, 0.0, 0.0, 0.0, (0.35, 0.2, 0.6, 0.3, 0.3))
_UVULAR = _c(0.28, 0.0, 0.0, 0.0, 0.0, (0.3, 0.2, 0.6, 0.3, 0.3))
_PHARYNGEAL = _c(0.4, 0.0, 0.0, 0.0, 0.0, (0.4, 0.2, 0.6, 0.3, 0.3))
_GLOTTAL = _c(0.25, 0.0, 0.0, 0.0, 0.0, (0.1, 0.1, 0.3, 0.1, 0.1))
_CLICK = _c(0.15, 0.0, 0.0, 0.0, 0.0, (0.8, 0.3, 0.6, 0.4, 0.4))
# Pauses close the mouth to rest; strong enough that a 150 ms pause reaches it.
SILENCE = Viseme(REST, (2.5, 2.5, 2.5, 2.5, 2.5), 0.06, 0.05)

# Every IPA consonant and vowel letter (the full IPA chart; espeak-ng's extras such as ᵻ), so
# any language's phones map. Diacritics and suprasegmentals are stripped before lookup.
TABLE: dict[str, Viseme] = {
    # Close vowels: jaw nearly shut; front unrounded spread, rounded ones narrow.
    "i": _v(0.2, 0.75), "y": _v(0.2, -0.75), "ɨ": _v(0.2, 0.3), "ʉ": _v(0.2, -0.6),
    "ɯ": _v(0.2, 0.4), "u": _v(0.2, -0.9),
    # Near-close
    "ɪ": _v(0.28, 0.5), "ʏ": _v(0.28, -0.55), "ʊ": _v(0.28, -0.65), "ᵻ": _v(0.28, 0.35),
    "ᵿ": _v(0.28, -0.4),
    # Close-mid
    "e": _v(0.38, 0.6, 0.05), "ø": _v(0.36, -0.65), "ɘ": _v(0.38, 0.2), "ɵ": _v(0.36, -0.45),
    "ɤ": _v(0.38, 0.25), "o": _v(0.38, -0.75),
    # Mid
    "ə": _v(0.38, 0.0), "ɚ": _v(0.34, -0.3), "ɝ": _v(0.4, -0.3),
    # Open-mid
    "ɛ": _v(0.55, 0.45, 0.08, 0.1), "œ": _v(0.52, -0.5), "ɜ": _v(0.5, 0.1), "ɞ": _v(0.5, -0.35),
    "ʌ": _v(0.6, 0.05, 0.05, 0.1), "ɔ": _v(0.6, -0.55),
    # Near-open and open: jaw wide.
    "æ": _v(0.72, 0.45, 0.15, 0.2), "ɐ": _v(0.62, 0.1, 0.05, 0.15),
    "a": _v(0.88, 0.15, 0.12, 0.25), "ɶ": _v(0.8, -0.35, 0.0, 0.15),
    "ɑ": _v(0.88, -0.05, 0.1, 0.2), "ɒ": _v(0.8, -0.4, 0.0, 0.15),
    # Bilabials: lips closed whatever the jaw does.
    "p": _BILABIAL, "b": _BILABIAL, "m": _BILABIAL, "ɓ": _BILABIAL, "ʙ": _BILABIAL, "ʘ": _BILABIAL,
    "ɸ": _BILABIAL_FRIC, "β": _BILABIAL_FRIC,
    # Labiodentals: lower lip up against the upper teeth (upper lip lifts to show them).
    "f": _LABIODENTAL, "v": _LABIODENTAL, "ɱ": _LABIODENTAL, "ⱱ": _LABIODENTAL,
    "ʋ": _LABIODENTAL_APPROX,
    # Labial-velar / labial-palatal glides: rounded and narrow.
    "w": _ROUNDED_GLIDE, "ʍ": _ROUNDED_GLIDE, "ɥ": _c(0.12, -0.75, 0.0, 0.0, 0.0, (0.8, 3.0, 0.6, 0.6, 0.6)),
    # Dentals: tongue tip between the teeth, lips slightly apart.
    "θ": _DENTAL, "ð": _DENTAL,
    # Alveolars: jaw fairly closed, lips follow the vowels.
    "t": _ALVEOLAR, "d": _ALVEOLAR, "n": _ALVEOLAR, "ɾ": _ALVEOLAR, "r": _ALVEOLAR, "ɺ": _ALVEOLAR,
    "ɗ": _ALVEOLAR, "ǀ": _CLICK, "ǃ": _CLICK, "ǁ": _CLICK, "ǂ": _CLICK,
    "l": _LATERAL, "ɫ": _LATERAL, "ɬ": _LATERAL, "ɮ": _LATERAL,
    "s": _SIBILANT, "z": _SIBILANT,
    "ɹ": _RHOTIC_APPROX,
    # Postalveolar fricatives: lips protruded and rounded.
    "ʃ": _POSTALVEOLAR, "ʒ": _POSTALVEOLAR, "ɧ": _POSTALVEOLAR,
    "ɕ": _ALVEOLOPALATAL, "ʑ": _ALVEOLOPALATAL,
    # Retroflexes
    "ʈ": _RETROFLEX, "ɖ": _RETROFLEX, "ɳ": _RETROFLEX, "ɽ": _RETROFLEX, "ɭ": _RETROFLEX,
    "ɻ": _c(0.16, -0.4, 0.0, 0.0, 0.0, (0.8, 1.2, 0.6, 0.4, 0.4)),
    "ʂ": _RETROFLEX_SIB, "ʐ": _RETROFLEX_SIB,
    # Palatals: a little spread, like /i/.
    "c": _PALATAL, "ɟ": _PALATAL, "ɲ": _PALATAL, "ç": _PALATAL, "ʝ": _PALATAL, "j": _PALATAL,
    "ʎ": _PALATAL, "ʄ": _PALATAL,
    # Velars, uvulars, pharyngeals, glottals: made far back, so the jaw follows the vowels.
    "k": _VELAR, "g": _VELAR, "ɡ": _VELAR, "ŋ": _VELAR, "x": _VELAR, "ɣ": _VELAR, "ɰ": _VELAR,
    "ʟ": _VELAR, "ɠ": _VELAR,
    "q": _UVULAR, "ɢ": _UVULAR, "ɴ": _UVULAR, "χ": _UVULAR, "ʁ": _UVULAR, "ʀ": _UVULAR, "ʛ": _UVULAR,
    "ħ": _PHARYNGEAL, "ʕ": _PHARYNGEAL, "ʜ": _PHARYNGEAL, "ʢ": _PHARYNGEAL, "ʡ": _PHARYNGEAL,
    "h": _GLOTTAL, "ɦ": _GLOTTAL, "ʔ": _GLOTTAL,
}
VOWELS = frozenset("iyɨʉɯuɪʏʊᵻᵿeøɘɵɤoəɚɝɛœɜɞʌɔæɐaɶɑɒ")
_STOPS = frozenset("pbtdʈɖcɟkgɡqɢʔɓɗʄɠʛ")
_AFFRICATE_ENDS = frozenset("szʂʐʃʒɕʑ")
_ROUNDING_MARKS = frozenset("ʷᵝ")  # labialized / compressed: lips round
# espeak-ng writes a retroflex (or apical) articulation as a '.' after the letter.
_DOTTED = {"s": "ʂ", "z": "ʐ", "t": "ʈ", "d": "ɖ", "n": "ɳ", "r": "ɽ", "l": "ɭ", "i": "ɨ"}


def ipa_symbols(phone: str) -> list[tuple[str, bool]]:
    """The base IPA letters of one phone string, each with whether a rounding mark follows it.

    Drops stress and length marks, tones, diacritics (ˈ ː ̃ ̪ ...) and modifier letters (ʰ ʲ),
    and ASCII decorations espeak-ng adds ('.' for retroflex, '-' for tense, digits).
    """
    out: list[tuple[str, bool]] = []
    for ch in unicodedata.normalize("NFD", phone):
        if ch in _ROUNDING_MARKS and out:
            out[-1] = (out[-1][0], True)
        elif ch == "." and out and out[-1][0] in _DOTTED:
            out[-1] = (_DOTTED[out[-1][0]], out[-1][1])
        elif ch == "h" and out and out[-1][0] in _STOPS | _AFFRICATE_ENDS:
            continue  # espeak-ng's aspiration: ph, kh, tsh, tɕh
        elif ch in TABLE:
            out.append((ch, False))
    return out


@dataclass(frozen=True)
class Segment:
    """One phone (or part of a diphthong) in time, with the viseme it maps to."""

    start_s: float
    end_s: float
    viseme: Viseme


def phone_visemes(phone: str) -> list[tuple[Viseme, float]]:
    """Visemes of one phone string with their share of its duration (shares sum to 1).

    Diphthongs and espeak's multi-letter finals split in time (vowels weigh 1, consonants 0.5);
    a coronal stop before a fricative (ts, tʃ, dʒ, tɕ) takes the fricative's shape throughout.
    Raises KeyError for a phone with no IPA letter in TABLE; '' is a pause.
    """
    if not phone.strip():
        return [(SILENCE, 1.0)]
    symbols = ipa_symbols(phone)
    if not symbols:
        raise KeyError(f"no IPA letter of the table in phone {phone!r}")
    if len(symbols) >= 2 and symbols[0][0] in _STOPS and symbols[0][0] not in "pbɓ" \
            and symbols[1][0] not in VOWELS and symbols[1][0] not in _STOPS:
        symbols = symbols[1:]
    weights = np.array([1.0 if s in VOWELS else 0.5 for s, _ in symbols])
    weights /= weights.sum()
    out = []
    for (symbol, rounded), share in zip(symbols, weights):
        vis = TABLE[symbol]
        if rounded:
            target = list(vis.target)
            target[1] = min(target[1], -0.6)
            vis = Viseme(tuple(target), vis.dominance, vis.tau_before, vis.tau_after)
        out.append((vis, float(share)))
    return out


def segments_from_phones(phones: list[tuple[str, float, float]]) -> list[Segment]:
    """[(ipa, start_s, end_s)] -> Segments, diphthongs split. Pauses ('' or 'sil') map to SILENCE."""
    segments = []
    for phone, start, end in phones:
        t = start
        for vis, share in phone_visemes("" if phone.lower() in ("sil", "sp") else phone):
            t_end = t + share * (end - start)
            segments.append(Segment(t, t_end, vis))
            t = t_end
    return segments


def _duration(seg: Segment) -> float:
    return max(seg.end_s - seg.start_s, 1e-3)


def _reach(t: np.ndarray, *, start_s: float, end_s: float, tau_before_s, tau_after_s) -> np.ndarray:
    """A segment's dominance shape at times `t` (seconds): 1 over its middle CORE, a Gaussian fall-off
    before and after it with time constants tau_before_s / tau_after_s (floats: (len(t),); (P,) arrays, one
    per parameter: (len(t), P)). blend and tongue_tip_targets both weight their segments by it."""
    dur = max(end_s - start_s, 1e-3)
    before = np.clip(start_s + 0.5 * (1 - CORE) * dur - t, 0.0, None)
    after = np.clip(t - (end_s - 0.5 * (1 - CORE) * dur), 0.0, None)
    if np.ndim(tau_before_s):
        before, after = before[:, None], after[:, None]
    return np.exp(-(before / tau_before_s) ** 2 - (after / tau_after_s) ** 2)


def blend(segments: list[Segment], times_s: np.ndarray, *, press_reach_share: float | None = None) -> np.ndarray:
    """(T, len(PARAMS)) float32 targets at `times_s` by dominance-weighted blending of the
    segments' targets. Before the first and after the last segment the mouth is at rest.
    press_reach_share: cap a closure's press reach at this share of its neighbours' durations
    (None: the committed model's targets, no cap)."""
    times_s = np.asarray(times_s, dtype=np.float64)
    n_params = len(PARAMS)
    num = np.zeros((len(times_s), n_params))
    den = np.zeros((len(times_s), n_params))
    if not segments:
        return np.zeros((len(times_s), n_params), np.float32)
    press = PARAMS.index("lip_press")
    ordered = ([Segment(segments[0].start_s - 10.0, segments[0].start_s, SILENCE)] + list(segments)
               + [Segment(segments[-1].end_s, segments[-1].end_s + 10.0, SILENCE)])
    for i, seg in enumerate(ordered):
        lo, hi = np.searchsorted(times_s, [seg.start_s - REACH_S, seg.end_s + REACH_S])
        if lo >= hi:
            continue
        tau_before = np.full(n_params, seg.viseme.tau_before)
        tau_after = np.full(n_params, seg.viseme.tau_after)
        if press_reach_share and seg.viseme.target[press] > 0 and 0 < i < len(ordered) - 1:
            tau_before[press] = min(tau_before[press], press_reach_share * _duration(ordered[i - 1]))
            tau_after[press] = min(tau_after[press], press_reach_share * _duration(ordered[i + 1]))
        d = _reach(times_s[lo:hi], start_s=seg.start_s, end_s=seg.end_s, tau_before_s=tau_before,
                   tau_after_s=tau_after) * np.asarray(seg.viseme.dominance)
        num[lo:hi] += d * np.asarray(seg.viseme.target)[None, :]
        den[lo:hi] += d
    out = np.where(den > 0, num / np.maximum(den, 1e-12), 0.0)
    return out.astype(np.float32)


# cap_press_in_phones: the tongue's closures and narrowings, by their first IPA letter. At rap speed a
# bilabial's press dominance (20 against their 0.6-0.8) reaches through a 25-40 ms /t d k s/ between two
# bilabials and shuts it in the targets themselves (docs/models/lipsync.md, round 17).
NONLABIAL_CONSONANTS = frozenset("tdnszkgɡl")


def phone_frames(phones: list[tuple[str, float, float]], *, n_frames: int,
                 letters: frozenset[str]) -> np.ndarray:
    """(n_frames,) bool: True on the frames (frame j at j / FRAME_RATE s, as build_lip_corpus times its
    targets) inside the phones [(ipa, start_s, end_s)] whose first IPA letter is in `letters`."""
    inside = np.zeros(n_frames, bool)
    times_s = np.arange(n_frames) / FRAME_RATE
    for name, start_s, end_s in phones:
        symbols = ipa_symbols(name)
        if symbols and symbols[0][0] in letters:
            a, b = np.searchsorted(times_s, [start_s, end_s])
            inside[a:b] = True
    return inside


def cap_press_in_phones(targets: np.ndarray, phones: list[tuple[str, float, float]], *, cap: float,
                        letters: frozenset[str] = NONLABIAL_CONSONANTS) -> np.ndarray:
    """(T, len(PARAMS)) targets (frame j at j / 100 s, as build_lip_corpus times them) with lip_press at
    most `cap` on the frames inside the phones [(ipa, start_s, end_s)] whose first IPA letter is in
    `letters`; a copy, every other value as it was. Such a phone's own press is 0: what the cap cuts is
    a neighbouring closure's coarticulated press."""
    out = np.array(targets, copy=True)
    press = PARAMS.index("lip_press")
    inside = phone_frames(phones, n_frames=len(out), letters=letters)
    out[inside, press] = np.minimum(out[inside, press], cap)
    return out


# CMU/ARPAbet phones (pocketsphinx's en-us model) in IPA, for force-aligned human speech.
ARPABET_IPA = {
    "AA": "ɑ", "AE": "æ", "AH": "ʌ", "AO": "ɔ", "AW": "aʊ", "AY": "aɪ", "B": "b", "CH": "tʃ",
    "D": "d", "DH": "ð", "EH": "ɛ", "ER": "ɝ", "EY": "eɪ", "F": "f", "G": "ɡ", "HH": "h",
    "IH": "ɪ", "IY": "i", "JH": "dʒ", "K": "k", "L": "l", "M": "m", "N": "n", "NG": "ŋ",
    "OW": "oʊ", "OY": "ɔɪ", "P": "p", "R": "ɹ", "S": "s", "SH": "ʃ", "T": "t", "TH": "θ",
    "UH": "ʊ", "UW": "u", "V": "v", "W": "w", "Y": "j", "Z": "z", "ZH": "ʒ", "SIL": "",
}


# --- the tongue tip (train_tongue_tip.py) -----------------------------------------------------------
# /l t d n θ ð/ and the other tip-up coronals the table maps with them (taps, trills, ɗ, the laterals):
# the tip up at the back of the upper teeth (between them for θ ð). Not the sibilants (tip low or grooved)
# nor the retroflexes (curled back, out of sight).
TONGUE_TIP_LETTERS = frozenset("tdnlθðɾrɺɗɫɬɮ")
# How strongly a phone holds the tip's target (1 up, 0 low) against its neighbours: the tip class as a
# bilabial holds lip_press (a very high but short-reaching dominance, _BILABIAL's, its reach TIP_TAU_S): the tip
# is up over its phone and still down mid-vowel between two; pauses as the lips' SILENCE; vowels and other
# consonants hold it low with their own visemes' reach, the labials least (the tongue is free there).
TIP_DOMINANCE = _BILABIAL.dominance[PARAMS.index("lip_press")]
TIP_TAU_S = (_BILABIAL.tau_before, _BILABIAL.tau_after)
TIP_FREE_DOMINANCE = 0.3
TIP_LOW_DOMINANCE = 1.0
_LABIAL_LETTERS = frozenset("pbmɓʙʘɸβfvɱⱱʋwʍɥ")


def phone_letters(phone: str) -> list[str]:
    """The IPA letters of one phone string as phone_visemes splits it, one per viseme: a coronal stop
    before a fricative (ts, tʃ) is the fricative alone; [''] for a pause ('' or blank)."""
    if not phone.strip():
        return [""]
    letters = [s for s, _ in ipa_symbols(phone)]
    return letters[len(letters) - len(phone_visemes(phone)):]


def _tip_segments(phones: list[tuple[str, float, float]]) -> list[tuple[float, float, Viseme, float, float]]:
    """[(ipa, start_s, end_s)] -> [(start_s, end_s, viseme, tip target 0/1, tip dominance)], each phone's
    letters split in time as segments_from_phones splits them ('', 'sil' and 'sp' are pauses)."""
    out = []
    for phone, start, end in phones:
        name = "" if phone.lower() in ("sil", "sp") else phone
        t = start
        for letter, (vis, share) in zip(phone_letters(name), phone_visemes(name)):
            tip = letter in TONGUE_TIP_LETTERS
            dominance = (SILENCE.dominance[0] if not letter else TIP_DOMINANCE if tip
                         else TIP_FREE_DOMINANCE if letter in _LABIAL_LETTERS else TIP_LOW_DOMINANCE)
            out.append((t, t + share * (end - start), vis, float(tip), dominance))
            t += share * (end - start)
    return out


def tongue_tip_targets(phones: list[tuple[str, float, float]], times_s: np.ndarray) -> np.ndarray:
    """(T,) float32 tongue_tip 0..1 at `times_s`: 1 over the core of a phone in TONGUE_TIP_LETTERS, 0 over
    the others, blended across their boundaries by the same dominance functions as `blend` (CORE, REACH_S;
    a tip phone's reach TIP_TAU_S, another's its viseme's) with the tip's own dominances; 0 outside the phones."""
    times_s = np.asarray(times_s, dtype=np.float64)
    num, den = np.zeros(len(times_s)), np.zeros(len(times_s))
    segments = _tip_segments(phones)
    if not segments:
        return np.zeros(len(times_s), np.float32)
    pause = SILENCE.dominance[0]
    segments = ([(segments[0][0] - 10.0, segments[0][0], SILENCE, 0.0, pause)] + segments
                + [(segments[-1][1], segments[-1][1] + 10.0, SILENCE, 0.0, pause)])
    for start, end, vis, target, dominance in segments:
        lo, hi = np.searchsorted(times_s, [start - REACH_S, end + REACH_S])
        tau_before, tau_after = TIP_TAU_S if target else (vis.tau_before, vis.tau_after)
        d = dominance * _reach(times_s[lo:hi], start_s=start, end_s=end, tau_before_s=tau_before,
                               tau_after_s=tau_after)
        num[lo:hi] += d * target
        den[lo:hi] += d
    return np.where(den > 0, num / np.maximum(den, 1e-12), 0.0).astype(np.float32)
