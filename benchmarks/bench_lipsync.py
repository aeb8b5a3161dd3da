"""Lip-sync benchmark: the rendered mouth measured by an independent landmark detector, and speed.

  .venv/bin/python benchmarks/bench_lipsync.py [--fps 50] [--size 384] [--seconds 60] [--photo P] [--music-draws 3]
                                              [--clips en-us cmn-latn-pinyin es human] [--voice-net ONNX|none] [--stages]
                                              [--rap-beats 30]

Needs the `eval` extra (dlib) and, for the human speech, Debian's asterisk-core-sounds-en(-wav)
(not pocketsphinx: the benchmark has no phone times for it). At about 1.4 rendered frames a second
on a busy 2-core machine the whole run (some 27,000 frames) takes hours: --clips and
--music-draws trim it. For English, Mandarin and Spanish sentences spoken by
espeak-ng voices the model never trained on (phone timings from espeak-ng's C API, as in
training/build_lip_corpus.py), and for held-out human read speech (Asterisk prompts), the
portrait is rendered and dlib's 68 landmarks measure the mouth in every frame (inner-lip gap
over mouth width; mouth width over eye distance). Prints:

- the lag at which mouth aperture best correlates with the speech envelope (RMS over 40 ms;
  negative = the mouth leads the sound; issue: -40..0 ms at 50 fps) and the correlation at zero
  lag (floors: TTS 0.65, human 0.55);
- the share of /p b m/ where the rendered lips close (aperture at or below the photo's own
  resting mouth) within the phone +-20 ms, by its release (within the 40 ms before its end), and
  by the burst (the same before the sound's own release, where a nasal's murmur gives way to the
  vowel before espeak-ng's next phone begins: `nasal_release`);
- per phone class (open vowels, spread, rounded, labiodental, bilabial, tongue tip), the mean
  aperture and width over the middle half of each phone, relative to open vowels;
- speech over synthetic chords and drums at 0 and -6 dB speech-to-music, each over
  `--music-draws` random pieces of music: the zero-lag correlation with the speech's own
  envelope (mean drop against the clean clip: <= 0.1, and its range), and, over 2 s of the
  music alone before the voice, how far the mouth opens above rest;
- speech at 1.5x the rate (espeak-ng's own timing, so the phones stay labelled), and the clean
  clip time-compressed 1.5x with its pitch kept (every phone alike; espeak-ng's faster rate
  shortens vowels 1.7-2.0x and /p b m/ 1.1-1.3x): lag, correlation (and its drop against the clean
  clip: <= 0.1) and /p b m/ closure (>= 85%);
- the human read speech over music and time-compressed as the TTS clips (no phone times there,
  so no closures);
- inference speed on one core (mel + ONNX + frame resampling, onnxruntime with one thread),
  offline (0.5 s chunks) and live (20 ms chunks), and the added latency of a live stream: the
  look-ahead plus the worst 99th-percentile compute time of one 20 ms chunk.

With --stages, instead of all that (no rendering, seconds): the lip gap's zero-lag correlation
with the envelope before rendering, in the targets, at the network's output, after the runtime's
passes but the stress pass, and after all of them, at 1x and 1.5x; and over music at 0 and -6 dB
(the rendered run's pieces of music), the drop at each of those stages and the mean lip gap over the music
alone: how much is lost before the renderer and dlib, and where. Then fast speech over a beat (the
reference's demos include a painting rapping; the rows above measure music and fast speech apart, and
their combination is worse than either): the /p b m/ whose lip gap shuts (under SHUT_GAP within the
phone +-20 ms) at the stream's output, on each clip time-compressed 1.5x, clean and over
`--music-draws` pieces of music at 0 dB, and on RAP, an English sentence full of bilabials
time-compressed RAP_FACTOR x over a beat at 0 dB.

With --rap-beats N (alone, or after --stages' rows; no rendering, seconds): the README's "rap-speed English
over a beat" figure, once a scratch script's (out/quiet40/measure.py, lost): RAP time-compressed RAP_FACTOR x
over N pieces of chords and drums at 0 dB (`default_rng(seed)`, seeds RAP_BEAT_SEED_FROM.., the beats of the
model card's rounds 14-20, after MUSIC_LEAD_S s of the music alone), the /p b m/ shut (lip gap under SHUT_GAP
within the phone +-20 ms) at the stream's output at --fps (the README's figure: --fps 25) of 29 N, and clean of
29; the /t d k s/ shut by the same rule and in their middle half on 10 ms rows (their false closures, the cost a
gain there has brought before: the +-20 ms window reaches a neighbouring bilabial's closure at 1.6x), the vowels
shut in their middle half (lips shut through a vowel); and where the misses are lost: the /p b m/ shut on some 10 ms mel row after each of the stream's passes in turn
(the network alone first), then on the frames shown.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core for the speed figures

import numpy as np  # noqa: E402
from scipy import signal  # noqa: E402

from facetalk.config import Config, FramingConfig, MotionConfig  # noqa: E402
from evaluation.dlib_face import MOUTH_CORNERS, DlibFace  # noqa: E402
from facetalk.io import load_image  # noqa: E402
from facetalk.motion.generator import MotionGenerator  # noqa: E402
from facetalk.audio.mel import FRAME_RATE  # noqa: E402
from facetalk.motion.lipsync import JAW_INDEX, PRESS_INDEX, load_lipsync_model  # noqa: E402
from facetalk.pipeline import Animator  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from training.articulation import ipa_symbols  # noqa: E402
from training.build_lip_corpus import ESPEAK_SR, Espeak, refine_stop_closures, time_compress  # noqa: E402

SR = 16000
CLIPS = [  # (language, held-out voice, text)
    ("en-us", "m3", "Maybe my brother Bob will bring the paper map back before the meeting. "
                    "People sometimes applaud a bumpy performance."),
    ("cmn-latn-pinyin", "f4", "ma1 ma pao3 bu4 mai3 mian4 bao1, ba4 ba ping2 an1 bu4 bing4. "
                              "peng2 you3 men2 bu4 pa4 mang2."),
    ("es", "m3", "Mi mamá compra pan y buenas manzanas, pero Pablo prefiere beber mucho agua bien fría."),
]
# Rap-speed speech over a beat (--stages): a bilabial-heavy English sentence, time-compressed, over music at 0 dB.
RAP = ("en-us", "m3", "Big beats bump in my mind, maps of the moment, people pump up, pop the bottle, "
                      "bring the bass back, boom, make my money move.")
RAP_FACTOR = 1.6
SHUT_GAP = 0.05  # a lip gap jaw * (1 - press) under this is shut (before rendering)
RAP_BEAT_SEED_FROM = 7  # --rap-beats' first default_rng seed: the beats rng 7-36 of the model card's rounds 14-20
RAP_BAR = 0.85  # issue 14's fast-speech closure bar, over the beats
TONGUE_TIP_STOPS = set("tdks")  # /t d k s/ by the first IPA letter: the false closures next to a bilabial
VOWEL_LETTERS = set("aeiouæɑɒɐəɛɜɪɔʊʌ")  # a vowel's first IPA letter (espeak-ng's English, Mandarin, Spanish)


def speech_of(engine: Espeak, lang: str, voice: str, text: str, *, rate: int = 165) -> tuple[np.ndarray, list]:
    raw, phones = engine.synth(text, voice=f"{lang}+{voice}", rate=rate, pitch=50, pitch_range=60)
    phones = refine_stop_closures(raw, ESPEAK_SR, phones)
    lead = np.zeros(SR // 2, np.float32)
    audio = np.concatenate([lead, signal.resample_poly(raw, 320, 441).astype(np.float32), lead])
    # A recording's noise floor (-65 dBFS): no digital silence for the runtime to shortcut.
    audio += 10 ** (-65 / 20) * np.random.default_rng(0).standard_normal(len(audio)).astype(np.float32)
    return audio, [(p, a + 0.5, b + 0.5) for p, a, b in phones]


def time_compressed(audio: np.ndarray, phones: list, factor: float) -> tuple[np.ndarray, list]:
    """speech_of's clip with its speech `factor` times faster and its pitch kept (the corpus's
    tempo augmentation, training.build_lip_corpus.time_compress), the 0.5 s of lead and tail as
    they were; phone times scaled alike.

    espeak-ng's own faster rate shortens vowels far more than consonants (on the benchmark's
    sentences vowels 1.7-2.0x, /p b m/ 1.1-1.3x), so the lips stay shut on more of the sound;
    this is the issue's plain time compression, every phone alike."""
    pad = SR // 2
    out = time_compress(audio[pad:len(audio) - pad], factor).astype(np.float32)
    fast = np.concatenate([audio[:pad], out, audio[len(audio) - pad:]])
    scaled = [(p, 0.5 + (a - 0.5) / factor, 0.5 + (b - 0.5) / factor) for p, a, b in phones]
    return fast, scaled


@dataclass(frozen=True)
class TtsClip:
    """One of CLIPS spoken: the clean clip (audio at SR, phones (ipa, start_s, end_s)), and its
    versions at 1.5x (`fast`: label -> (audio, phones))."""

    audio: np.ndarray
    phones: list
    fast: dict[str, tuple[np.ndarray, list]]


def spoken_clips(engine: Espeak) -> dict[str, TtsClip]:
    """Every clip of CLIPS, clean and at 1.5x, synthesized in one fixed order whichever are
    measured: espeak-ng's output depends on what it spoke before in the process (after an English
    sentence the Mandarin clip comes out 41 ms longer), so a clip is the same clip with any --clips."""
    clips = {}
    for lang, voice, text in CLIPS:
        audio, phones = speech_of(engine, lang, voice, text)
        fast = {"at 1.5x rate": speech_of(engine, lang, voice, text, rate=int(1.5 * 165)),
                "time-compressed 1.5x": time_compressed(audio, phones, 1.5)}
        clips[lang] = TtsClip(audio=audio, phones=phones, fast=fast)
    return clips


def envelope(audio: np.ndarray, fps: int) -> np.ndarray:
    n = int(np.ceil(len(audio) / SR * fps))
    half = int(0.02 * SR)
    padded = np.concatenate([np.zeros(half, np.float32), audio, np.zeros(half + SR // fps, np.float32)])
    centres = (np.arange(n) * SR / fps).round().astype(int) + half
    return np.array([np.sqrt(np.mean(padded[c - half:c + half] ** 2)) for c in centres])


def best_lag(aperture: np.ndarray, env: np.ndarray, fps: int, max_lag_s: float = 0.2) -> tuple[float, float]:
    """(lag in s, correlation) maximising corr(aperture[t + lag], env[t]), refined by a parabola."""
    max_k = int(round(max_lag_s * fps))
    lags = np.arange(-max_k, max_k + 1)
    r = []
    for k in lags:
        a, e = (aperture[k:], env[:len(env) - k]) if k >= 0 else (aperture[:k], env[-k:])
        r.append(np.corrcoef(a, e)[0, 1])
    r = np.array(r)
    i = int(np.argmax(r))
    shift = 0.0
    if 0 < i < len(r) - 1:
        denom = r[i - 1] - 2 * r[i] + r[i + 1]
        shift = 0.5 * (r[i - 1] - r[i + 1]) / denom if denom else 0.0
    return float((lags[i] + shift) / fps), float(r[i])


# Phone classes viewers lip-read, by the first IPA letter of the phone.
CLASSES = {
    "open vowels (a ɑ æ)": set("aɑæ"),
    "spread (i e ɛ)": set("ieɛ"),
    "rounded (u o ɔ ʊ w ʃ)": set("uoɔʊwʃ"),
    "labiodental (f v)": set("fv"),
    "bilabial (p b m)": set("pbm"),
    "tongue tip (l t d n θ ð)": set("ltdnθð"),
}


@dataclass(frozen=True)
class Track:
    """Per video frame, from dlib: inner-lip aperture (over mouth width) and mouth width (over
    the eye distance); NaN-free (frames without a face get the clip's median)."""

    aperture: np.ndarray
    width: np.ndarray


def measure(animator: Animator, dlib: DlibFace, audio: np.ndarray) -> Track:
    apertures, widths = [], []
    for frame in animator.render(audio):
        face = dlib.measure(frame.image)
        if face is None:
            apertures.append(np.nan), widths.append(np.nan)
            continue
        p = face.landmarks
        apertures.append(face.mouth_aperture())
        widths.append(np.linalg.norm(p[MOUTH_CORNERS[0]] - p[MOUTH_CORNERS[1]]) / face.interocular_px)
    fill = [np.where(np.isnan(x), np.nanmedian(x), x) for x in (np.array(apertures), np.array(widths))]
    return Track(*fill)


def phone_class(phone: str) -> str | None:
    symbols = ipa_symbols(phone)
    first = symbols[0][0] if symbols else ""
    return next((name for name, letters in CLASSES.items() if first in letters), None)


def bilabial_closures(track: Track, phones, rest: float, fps: int, *, audio: np.ndarray | None = None
                      ) -> tuple[list[bool], list[bool], list[bool]]:
    """Per /p b m/: closed somewhere within the phone +-20 ms; closed by its release: somewhere in
    the 40 ms before the phone's end, not only after it; and closed by the burst: the same before
    the sound's own release where a nasal's comes earlier than its end (nasal_release, with
    `audio`, the clip at SR; without it, by the phone's end as well)."""
    def closed_before(release: float) -> bool:
        a, b = int(np.floor((release - 0.04) * fps)), int(round(release * fps)) + 1
        return bool(track.aperture[max(a, 0):b].min() <= rest)

    within, by_release, by_burst = [], [], []
    for phone, start, end in phones:
        if phone_class(phone) != "bilabial (p b m)":
            continue
        a, b = int(np.floor((start - 0.02) * fps)), int(np.ceil((end + 0.02) * fps)) + 1
        within.append(bool(track.aperture[max(a, 0):b].min() <= rest))
        by_release.append(closed_before(end))
        by_burst.append(closed_before(nasal_release(audio, start, end) if audio is not None and phone.startswith("m")
                                      else end))
    return within, by_release, by_burst


def open_bilabials(phones, within: list[bool]) -> str:
    """The /p b m/ that bilabial_closures found open within the phone (`within`, in its order), as
    'ph@0.75 p@1.85' (espeak-ng's phone and its start in s), or '' when all shut: which syllables
    to look into, since the share alone moves by a closure with what espeak-ng said before."""
    starts = [(phone, start) for phone, start, _ in phones if phone_class(phone) == "bilabial (p b m)"]
    return " ".join(f"{phone}@{start:.2f}" for (phone, start), shut in zip(starts, within) if not shut)


NASAL_BAND_HZ = (500.0, 3000.0)  # a vowel's F1-F2, where a nasal's murmur has little power
NASAL_RISE_DB = 10.0


def nasal_release(audio: np.ndarray, start_s: float, end_s: float) -> float:
    """When a nasal's lips open, in s: the phone's end, or earlier where the sound says so.

    espeak-ng's event for the vowel after a nasal can come well after the lips have opened: in the
    Mandarin clip's last "mang2" the murmur (its power under 500 Hz) gives way to the vowel's
    formants some 45 ms before the /a/'s event, where the clip's other /m/ end within about 10 ms
    of theirs. The release is where the first Hann window (10 ms, hop 2.5 ms), from 20 ms into the
    phone to its end, has a power in NASAL_BAND_HZ NASAL_RISE_DB over the murmur's (the median over
    the phone's first half): a window shows the vowel once its onset is past the window's middle."""
    win, hop = SR // 100, SR // 400
    lo, hi = int(start_s * SR), int(end_s * SR)
    starts = np.arange(max(lo, 0), min(hi, len(audio) - win), hop)
    if len(starts) < 4:
        return end_s
    freqs = np.fft.rfftfreq(win, 1 / SR)
    band = (freqs >= NASAL_BAND_HZ[0]) & (freqs < NASAL_BAND_HZ[1])
    frames = np.stack([audio[i:i + win] for i in starts]).astype(np.float64) * np.hanning(win)
    power = 10 * np.log10((np.abs(np.fft.rfft(frames, axis=1))[:, band] ** 2).sum(axis=1) + 1e-12)
    murmur = float(np.median(power[starts + win <= (lo + hi) // 2] if starts[1] + win <= (lo + hi) // 2 else power[:2]))
    rise = np.flatnonzero((power > murmur + NASAL_RISE_DB) & (starts >= lo + int(0.02 * SR)))
    return min(end_s, (starts[rise[0]] + win / 2) / SR) if len(rise) else end_s


def class_means(track: Track, phones, fps: int) -> dict[str, list[tuple[float, float]]]:
    """Per class, (aperture, width) averaged over the middle half of each phone."""
    out: dict[str, list[tuple[float, float]]] = {name: [] for name in CLASSES}
    for phone, start, end in phones:
        name = phone_class(phone)
        a, b = int(round((start + 0.25 * (end - start)) * fps)), int(round((end - 0.25 * (end - start)) * fps)) + 1
        if name and b > a and b <= len(track.aperture):
            out[name].append((float(track.aperture[a:b].mean()), float(track.width[a:b].mean())))
    return out


def human_speech(n_prompts: int = 8) -> np.ndarray:
    """Held-out Asterisk prompts (one human speaker, read speech) joined by 0.4 s pauses."""
    from training.build_lip_corpus import asterisk_items, is_valid_prompt

    from facetalk.io import load_audio

    paths = [path for path, _ in asterisk_items() if is_valid_prompt(path)][:n_prompts]
    pause = np.zeros(int(0.4 * SR), np.float32)
    return np.concatenate([np.concatenate([pause, load_audio(path, sr=SR)]) for path in paths] + [pause])


def timing(track: Track, speech: np.ndarray, fps: int) -> tuple[float, float]:
    """(lag of the best aperture-envelope correlation in s, correlation at zero lag)."""
    env = envelope(speech, fps)[: len(track.aperture)]
    lag, _ = best_lag(track.aperture, env, fps)
    return lag, float(np.corrcoef(track.aperture, env)[0, 1])


def video_figures(args, clips: dict[str, TtsClip]) -> None:
    photo = load_image(args.photo or resources.files("facetalk.data").joinpath("astronaut.jpg"))
    config = Config(framing=FramingConfig(size=args.size), motion=MotionConfig(fps=args.fps))
    animator = Animator(photo, config=config, lip_model=_lip_model(args))
    dlib = DlibFace()
    rest = dlib.measure(animator.analysis.image).mouth_aperture()
    rng = np.random.default_rng(0)
    print(f"rendered at {args.fps} fps, {args.size} px; photo's own mouth aperture {rest:.3f}; "
          f"look-ahead {animator.open_stream().lookahead_s * 1000:.0f} ms")
    print(f"{'clip':44s} {'best lag':>9s} {'r at 0':>7s} {'/p b m/ closed':>15s} {'by release':>11s} {'by burst':>9s}")
    classes: dict[str, list[tuple[float, float]]] = {name: [] for name in CLASSES}
    closed_all = []
    for lang, clip in clips.items():
        if lang not in args.clips:
            continue
        audio, phones = clip.audio, clip.phones
        clean = measure(animator, dlib, audio)
        lag, r0 = timing(clean, audio, args.fps)
        within, by_release, by_burst = bilabial_closures(clean, phones, rest, args.fps, audio=audio)
        closed_all += within
        for name, values in class_means(clean, phones, args.fps).items():
            classes[name] += values
        print(f"{lang + ' TTS':44s} {lag * 1000:+7.0f} ms {r0:7.2f} {np.mean(within):9.0%} of {len(within):<3d}"
              f" {np.mean(by_release):10.0%} {np.mean(by_burst):8.0%}  {_open_note(phones, within)}")
        if args.music_draws:
            music_figures(animator, dlib, audio, lang, r0, rest, rng, args.fps, args.music_draws)
        for name, (fast, fast_phones) in clip.fast.items():
            fast_track = measure(animator, dlib, fast)
            lag, r0_fast = timing(fast_track, fast, args.fps)
            within, by_release, by_burst = bilabial_closures(fast_track, fast_phones, rest, args.fps, audio=fast)
            print(f"{'  ' + lang + ' TTS ' + name:44s} {lag * 1000:+7.0f} ms {r0_fast:7.2f} "
                  f"{np.mean(within):9.0%} of {len(within):<3d} {np.mean(by_release):10.0%} {np.mean(by_burst):8.0%}"
                  f"  (drop {r0 - r0_fast:+.2f})  {_open_note(fast_phones, within)}")
    if "human" in args.clips:
        human_figures(animator, dlib, rest, rng, args)
    if closed_all:  # some TTS clip was rendered
        print_classes(classes, closed_all)


def _open_note(phones, within: list[bool]) -> str:
    opened = open_bilabials(phones, within)
    return f"open: {opened}" if opened else ""


def human_figures(animator: Animator, dlib: DlibFace, rest: float, rng: np.random.Generator, args) -> None:
    """Held-out human read speech: lag and zero-lag r (floor 0.55), over music as the TTS clips
    (after them, so their pieces of music stay the same), and time-compressed 1.5x. Without phone
    times (pocketsphinx's alignment is the training corpus's, not the benchmark's): no closures."""
    human = human_speech()
    lag, r0 = timing(measure(animator, dlib, human), human, args.fps)
    print(f"{'human read speech (Asterisk, held out)':44s} {lag * 1000:+7.0f} ms {r0:7.2f}")
    if args.music_draws:
        music_figures(animator, dlib, human, "human", r0, rest, rng, args.fps, args.music_draws)
    fast, _ = time_compressed(human, [], 1.5)
    lag, r0_fast = timing(measure(animator, dlib, fast), fast, args.fps)
    print(f"{'  human time-compressed 1.5x':44s} {lag * 1000:+7.0f} ms {r0_fast:7.2f} {'':27s}  (drop {r0 - r0_fast:+.2f})")


def print_classes(classes: dict[str, list[tuple[float, float]]], closed_all: list[bool]) -> None:
    """All TTS clips' /p b m/ closures, and each phone class's aperture and width."""
    print(f"{'all TTS /p b m/':44s} {'':>9s} {'':>7s} {np.mean(closed_all):9.0%} of {len(closed_all)}")
    open_aperture, open_width = np.mean(classes["open vowels (a ɑ æ)"], axis=0)
    print(f"\nper phone class, relative to open vowels (aperture {open_aperture:.3f}, width {open_width:.3f} "
          "eye distances), middle half of each phone:")
    for name, values in classes.items():
        aperture, width = np.mean(values, axis=0) if values else (np.nan, np.nan)
        print(f"  {name:26s} aperture {aperture / open_aperture:5.2f}  width {width / open_width:5.2f}"
              f"  ({len(values)} phones)")


MUSIC_LEAD_S = 2  # seconds of the music alone before the voice


def over_music(speech: np.ndarray, rng: np.random.Generator, snr_db: int) -> np.ndarray:
    """MUSIC_LEAD_S s of a random piece of synthetic chords and drums (one draw from `rng`), then
    the speech over it at `snr_db` speech-to-music, the peak cut to 0.95 full scale."""
    from training.build_lip_corpus import _add_at_snr, _music

    lead = MUSIC_LEAD_S * SR
    music = _music(lead + len(speech), rng, SR)
    mixed = _add_at_snr(np.concatenate([np.zeros(lead, np.float32), speech]), music, snr_db).astype(np.float32)
    mixed /= max(1.0, float(np.abs(mixed).max()) / 0.95)
    return mixed


def music_figures(animator: Animator, dlib: DlibFace, speech: np.ndarray, lang: str, r0_clean: float,
                  rest: float, rng: np.random.Generator, fps: int, draws: int) -> None:
    """Speech over synthetic chords and drums at 0 and -6 dB (the correlation is with the speech's
    own envelope), and 2 s of the music alone before the speech: the mouth should stay at rest.

    Each level is measured over `draws` random pieces of music: with one, the drop depended on
    where the chords and drums happened to fall (at the lip model's output, Spanish at -6 dB
    dropped -0.02 to +0.28 over five draws), so it prints the mean and the range."""
    voice_starts = MUSIC_LEAD_S * fps
    for snr_db in (0, -6):
        r0s, alone = [], []
        for _ in range(draws):
            track = measure(animator, dlib, over_music(speech, rng, snr_db))
            # Music alone: up to 0.1 s before the voice (whose onset the mouth may anticipate).
            alone.append(track.aperture[:voice_starts - int(0.1 * fps)] - rest)
            r0s.append(timing(Track(track.aperture[voice_starts:], track.width[voice_starts:]), speech, fps)[1])
        drops = r0_clean - np.array(r0s)
        alone = np.concatenate(alone)
        print(f"{'  ' + lang + f' over music at {snr_db:+d} dB':44s} {'':>9s} {np.mean(r0s):7.2f} (clean {r0_clean:.2f}, "
              f"drop {drops.mean():+.2f}, {drops.min():+.2f}..{drops.max():+.2f} over {draws} draws); music alone: "
              f"aperture above rest mean {alone.mean():+.3f}, {np.mean(alone > 0.05):.0%} of frames open > 0.05")


class _NoHold:
    """A sustain hold that holds nothing (the network alone, for --stages)."""

    smoothed = np.zeros(0, bool)

    def __call__(self, outputs: np.ndarray, frames: np.ndarray, *, loudness: np.ndarray | None = None) -> np.ndarray:
        self.smoothed = np.zeros(len(outputs), bool)
        return outputs


class _NoVoiceYield:
    """A voice yield that acts nowhere (the network alone, for --stages). The stream still calls `acting`
    for the press yield's `voiced` argument, which the stubbed press yield then ignores."""

    def acting(self, frames: np.ndarray, **_) -> np.ndarray:
        return np.zeros(len(frames), np.float32)

    def __call__(self, outputs: np.ndarray, frames: np.ndarray, **_) -> np.ndarray:
        return outputs


class _NoVoiceGate:
    """A voice gate that acts nowhere (the network alone, for --stages): the pause closure, stubbed
    too there, still reads its gains and press_scale (None: a voice throughout)."""

    press_scale = None
    gains = None

    def __call__(self, outputs: np.ndarray, frames: np.ndarray, **_) -> np.ndarray:
        return outputs


class _LevelOnly:
    """A stress pass that scales nothing but keeps the voice's running level (VoiceYield reads it)."""

    def __init__(self, stress) -> None:
        self._stress = stress

    @property
    def levels(self) -> np.ndarray:
        return self._stress.levels

    def __call__(self, outputs: np.ndarray, frames: np.ndarray, *, held: np.ndarray,
                 loudness: np.ndarray | None = None) -> np.ndarray:
        self._stress(outputs, frames, held=held, loudness=loudness)
        return outputs


def _runtime_gap(model, audio: np.ndarray, n_frames: int, fps: int, *, passes: str) -> np.ndarray:
    """The lip gap jaw * (1 - press) per video frame from a stream over `audio`: passes "none"
    (the network alone), "no stress" (every runtime pass but StressJaw's scaling) or "all"."""
    stream = model.stream(fps=fps, sr=SR, lead_s=MotionConfig().mouth_lead_s)
    if passes == "none":
        stream._hold = _NoHold()
        stream._gate = lambda outputs, frames: outputs
        stream._pause = lambda outputs, **_: outputs
        stream._yield = lambda outputs, **_: outputs
        stream._music_around = lambda frames, *, net: 0.0  # the press yield's music share: nothing reads it
        stream._voice_yield = _NoVoiceYield()
        stream._music = lambda outputs, frames, **_: outputs
        stream._voice_gate = _NoVoiceGate()
        stream._release = lambda outputs: outputs
    if passes != "all":
        stream._stress = _LevelOnly(stream._stress)
    shape = [stream.push(audio), stream.flush(n_frames=n_frames)]
    return np.concatenate([s.jaw_open * (1 - s.lip_press) for s in shape])


STAGE_PASSES = ("none", "no stress", "all")


def stage_figures(args, clips: dict[str, TtsClip]) -> None:
    """Before rendering (no dlib): the zero-lag correlation of the lip gap jaw * (1 - press) with
    the speech envelope in the targets (the phone table and coarticulation on espeak-ng's phone
    times), at the network's raw output, after the runtime's passes without the stress pass, and
    with all of them, each frame read at its time plus the mouth lead; at 1x and both 1.5x; then over
    music (`--music-draws` pieces at 0 and -6 dB, 2 s of music alone first): the mean drop
    against the clean clip at each stage, and the music alone's mean lip gap at each stage."""
    from training.articulation import blend, segments_from_phones

    model = _lip_model(args)
    lead_s = MotionConfig().mouth_lead_s
    rng = np.random.default_rng(0)  # the rendered run's pieces of music, clip by clip
    print(f"lip gap ~ envelope, zero lag, before rendering ({args.fps} fps):")
    print(f"{'clip':44s} {'targets':>8s} {'network':>8s} {'-stress':>8s} {'runtime':>8s}")
    for lang, clip in clips.items():
        if lang not in args.clips:
            continue
        for label, (audio, phones) in {"": (clip.audio, clip.phones), **clip.fast}.items():
            env = envelope(audio, args.fps)
            targets = blend(segments_from_phones(phones), np.arange(len(env)) / args.fps + lead_s)
            gaps = [targets[:, 0] * (1 - targets[:, 2])]
            gaps += [_runtime_gap(model, audio, len(env), args.fps, passes=p) for p in STAGE_PASSES]
            name = f"{lang} TTS" + (f" {label}" if label else "")  # "" is the clean clip
            print(f"{name:44s}" + "".join(f" {np.corrcoef(g, env)[0, 1]:8.2f}" for g in gaps))
            if not label and args.music_draws:
                r0 = [np.corrcoef(g, env)[0, 1] for g in gaps[1:]]
                stage_music(model, audio, r0, rng, args)
    if "human" in args.clips:
        human = human_speech()
        for label, audio in {"": human, " time-compressed 1.5x": time_compressed(human, [], 1.5)[0]}.items():
            env = envelope(audio, args.fps)
            gaps = [_runtime_gap(model, audio, len(env), args.fps, passes=p) for p in STAGE_PASSES]
            print(f"{'human read speech' + label:44s} {'(none)':>8s}" + "".join(f" {np.corrcoef(g, env)[0, 1]:8.2f}" for g in gaps))
            if not label and args.music_draws:
                stage_music(model, audio, [np.corrcoef(g, env)[0, 1] for g in gaps], rng, args)


def shut_bilabials(gap: np.ndarray, phones, fps: int, *, offset_s: float = 0.0, kind: str = "bilabial") -> list[bool]:
    """Per /p b m/ of `phones` (times offset by `offset_s`, the music's lead; with `kind` "tongue", per /t d k s/
    instead: is_of_kind): whether the lip gap (per video frame at `fps`) falls under SHUT_GAP somewhere within
    the phone +-20 ms."""
    shut = []
    for phone, start, end in phones:
        if is_of_kind(phone, kind):
            a = int(np.floor((start + offset_s - 0.02) * fps))
            b = int(np.ceil((end + offset_s + 0.02) * fps)) + 1
            shut.append(bool(gap[max(a, 0):b].min() < SHUT_GAP))
    return shut


def is_of_kind(phone: str, kind: str) -> bool:
    """Whether an espeak-ng phone is of `kind`: "bilabial" /p b m/, "tongue" /t d k s/ (is_tongue_stop) or
    "vowel" (is_vowel)."""
    if kind == "bilabial":
        return phone_class(phone) == "bilabial (p b m)"
    return is_tongue_stop(phone) if kind == "tongue" else is_vowel(phone)


def is_tongue_stop(phone: str) -> bool:
    """Whether an espeak-ng phone is one of /t d k s/ (TONGUE_TIP_STOPS, by its first IPA letter)."""
    symbols = ipa_symbols(phone)
    return bool(symbols) and symbols[0][0] in TONGUE_TIP_STOPS


def rap_clip(engine: Espeak) -> tuple[np.ndarray, list]:
    """RAP spoken and time-compressed RAP_FACTOR x (audio at SR, phones). Spoken once, after spoken_clips
    (espeak-ng's output depends on what it spoke before: spoken first, the clip shuts 26 of 29 clean)."""
    audio, phones = speech_of(engine, *RAP)
    return time_compressed(audio, phones, RAP_FACTOR)


def stage_fast_over_music(model, clips: dict[str, TtsClip], rap: tuple[np.ndarray, list], args) -> None:
    """stage_figures' fast-speech-over-a-beat rows: /p b m/ shut at the stream's output (all passes),
    time-compressed clean and over `--music-draws` pieces of music at 0 dB (their own draws, so the
    rows above keep theirs); `rap`: rap_clip's."""
    rng = np.random.default_rng(7)
    fast = {f"{lang} TTS time-compressed 1.5x": clip.fast["time-compressed 1.5x"]
            for lang, clip in clips.items() if lang in args.clips}
    if "en-us" in args.clips:
        fast[f"rap ({RAP[0]}) time-compressed {RAP_FACTOR}x"] = rap
    print(f"fast speech over a beat: /p b m/ shut (lip gap < {SHUT_GAP}) at the stream's output, before rendering "
          "(stricter than the rendered closure, the photo's resting aperture)")
    for name, (audio, phones) in fast.items():
        n = int(np.ceil(len(audio) / SR * args.fps))
        clean = shut_bilabials(_runtime_gap(model, audio, n, args.fps, passes="all"), phones, args.fps)
        music = []
        for _ in range(args.music_draws):
            mixed = over_music(audio, rng, 0)
            gap = _runtime_gap(model, mixed, MUSIC_LEAD_S * args.fps + n, args.fps, passes="all")
            music += shut_bilabials(gap, phones, args.fps, offset_s=MUSIC_LEAD_S)
        print(f"  {name:42s} clean {sum(clean)}/{len(clean)}, over music at 0 dB {sum(music)}/{len(music)} "
              f"({args.music_draws} draws)")


# The stream's passes in the order LipSync._run applies them (its attribute, a name to print): rap_beats
# counts the /p b m/ shut on some 10 ms row after each, the network's own rows (the first pass's input) first.
RAP_PASSES = (("_hold", "sustain hold"), ("_stress", "stress"), ("_gate", "silence gate"), ("_yield", "press yield"),
              ("_voice_yield", "voice yield"), ("_music", "music press"), ("_voice_gate", "voice gate"),
              ("_pause", "pause closure"), ("_release", "release hold"))


def _row_gaps(outputs: np.ndarray) -> np.ndarray:
    """(T,) lip gap jaw * (1 - press) of (T, len(PARAMS)) runtime outputs, each clipped to 0..1 as the stream's."""
    return np.clip(outputs[:, JAW_INDEX], 0, 1) * (1 - np.clip(outputs[:, PRESS_INDEX], 0, 1))


class _Traced:
    """One of a stream's passes, unchanged, recording the lip gap of the rows it returns (in `rows`, per
    call) and, given `inputs`, of the rows it is given; anything else it is asked is the pass's."""

    def __init__(self, inner, rows: list, inputs: list | None = None) -> None:
        self._inner, self._rows, self._inputs = inner, rows, inputs

    def __call__(self, outputs: np.ndarray, *args, **kwargs) -> np.ndarray:
        if self._inputs is not None:
            self._inputs.append(_row_gaps(outputs))
        result = self._inner(outputs, *args, **kwargs)
        self._rows.append(_row_gaps(result))
        return result

    def __getattr__(self, name: str):
        return getattr(self._inner, name)


@dataclass(frozen=True)
class RapCounts:
    """One stream over the rap clip, each a list over its phones: /p b m/ (`bilabials`) and /t d k s/
    (`tongue`) shut on the frames shown (shut_bilabials), the /t d k s/ and the vowels shut in their middle
    half on the last pass's 10 ms rows (`tongue_middle`, `vowel_middle`), and per pass (`by_pass`: "network",
    then RAP_PASSES' names) the /p b m/ shut on some 10 ms mel row after it."""

    bilabials: list[bool]
    tongue: list[bool]
    tongue_middle: list[bool]
    vowel_middle: list[bool]
    by_pass: dict[str, list[bool]]


def rap_counts(model, audio: np.ndarray, phones, *, fps: int, n_frames: int, offset_s: float = 0.0) -> RapCounts:
    """rap_beats' counts for one stream over `audio` (the phones' times offset by `offset_s`): shut on a row
    whose time, read as the stream reads it (the mouth lead ahead), lies within the phone +-20 ms (to the row)."""
    lead_s = MotionConfig().mouth_lead_s
    stream = model.stream(fps=fps, sr=SR, lead_s=lead_s)
    rows: dict[str, list] = {"network": [], **{name: [] for _, name in RAP_PASSES}}
    for attr, name in RAP_PASSES:
        setattr(stream, attr, _Traced(getattr(stream, attr), rows[name], rows["network"] if attr == "_hold" else None))
    shape = [stream.push(audio), stream.flush(n_frames=n_frames)]
    gap = np.concatenate([s.jaw_open * (1 - s.lip_press) for s in shape])
    row_gaps = {name: np.concatenate(parts) for name, parts in rows.items()}
    by_pass = {name: shut_rows(gap, phones, offset_s=offset_s + lead_s, first_row=-model.lookahead_frames)
               for name, gap in row_gaps.items()}
    middle = {kind: shut_rows(row_gaps[RAP_PASSES[-1][1]], phones, offset_s=offset_s + lead_s,
                              first_row=-model.lookahead_frames, kind=kind) for kind in ("tongue", "vowel")}
    return RapCounts(bilabials=shut_bilabials(gap, phones, fps, offset_s=offset_s),
                     tongue=shut_bilabials(gap, phones, fps, offset_s=offset_s, kind="tongue"),
                     tongue_middle=middle["tongue"], vowel_middle=middle["vowel"], by_pass=by_pass)


def shut_rows(row_gap: np.ndarray, phones, *, offset_s: float, first_row: int, kind: str = "bilabial") -> list[bool]:
    """Per /p b m/ of `phones`: whether the lip gap of a stream's 10 ms rows (`row_gap`, its first row
    mel frame `first_row`: the output fed with frame k is the mouth at k - lookahead_frames) falls under
    SHUT_GAP on a row within the phone +-20 ms, its times offset by `offset_s` (the music's lead and the
    mouth lead: a frame at time t shows the row at t + lead). With `kind` "tongue", per /t d k s/ within its
    middle half instead: its own closure, not a neighbouring bilabial's, which the +-20 ms window reaches at
    1.6x; "vowel", per vowel within its middle half (lips shut through a vowel: mumbling)."""
    shut = []
    for phone, start, end in phones:
        if not is_of_kind(phone, kind):
            continue
        if kind == "bilabial":
            lo, hi = start - 0.02, end + 0.02
        else:
            lo, hi = start + 0.25 * (end - start), end - 0.25 * (end - start)
        a = int(np.floor((lo + offset_s) * FRAME_RATE)) - first_row
        b = int(np.ceil((hi + offset_s) * FRAME_RATE)) - first_row + 1
        shut.append(bool(row_gap[max(a, 0):b].min() < SHUT_GAP))
    return shut


def is_vowel(phone: str) -> bool:
    """Whether an espeak-ng phone is a vowel (its first IPA letter one of VOWEL_LETTERS)."""
    symbols = ipa_symbols(phone)
    return bool(symbols) and symbols[0][0] in VOWEL_LETTERS


def rap_beats(model, rap: tuple[np.ndarray, list], *, beats: int, fps: int) -> None:
    """--rap-beats: rap_clip's /p b m/ and /t d k s/ shut at the stream's output, clean and over `beats`
    pieces of music at 0 dB (default_rng(RAP_BEAT_SEED_FROM + i), after MUSIC_LEAD_S s of the music alone),
    and over the beats the /p b m/ shut on some 10 ms row after each pass."""
    audio, phones = rap
    n = int(np.ceil(len(audio) / SR * fps))
    clean = rap_counts(model, audio, phones, fps=fps, n_frames=n)
    over = [rap_counts(model, over_music(audio, np.random.default_rng(RAP_BEAT_SEED_FROM + i), 0), phones, fps=fps,
                       n_frames=MUSIC_LEAD_S * fps + n, offset_s=MUSIC_LEAD_S) for i in range(beats)]
    shut = [s for c in over for s in c.bilabials]
    tongue = [s for c in over for s in c.tongue]
    middle = [s for c in over for s in c.tongue_middle]
    vowels = [s for c in over for s in c.vowel_middle]
    seeds = f"default_rng {RAP_BEAT_SEED_FROM}..{RAP_BEAT_SEED_FROM + beats - 1}"
    print(f"rap ({RAP[0]}) time-compressed {RAP_FACTOR}x over {beats} beats ({seeds}) at 0 dB, {fps} fps, lip gap < "
          f"{SHUT_GAP} within the phone +-20 ms:\n  /p b m/ shut {sum(shut)} of {len(shut)} ({np.mean(shut):.1%}; "
          f"bar {RAP_BAR:.0%}: {int(np.ceil(RAP_BAR * len(shut)))}), clean {sum(clean.bilabials)} of "
          f"{len(clean.bilabials)}; /t d k s/ shut {sum(tongue)} of {len(tongue)}, clean {sum(clean.tongue)} of "
          f"{len(clean.tongue)}; in their middle half on 10 ms rows {sum(middle)}, clean {sum(clean.tongue_middle)}; "
          f"vowels shut in their middle half {sum(vowels)} of {len(vowels)}, clean {sum(clean.vowel_middle)}")
    passes = ", ".join(f"{name} {sum(s for c in over for s in c.by_pass[name])}" for name in clean.by_pass)
    print(f"  /p b m/ shut on some 10 ms row after each pass in turn: {passes}; on the frames shown {sum(shut)}")


def stage_music(model, speech: np.ndarray, r0_clean: list[float], rng: np.random.Generator, args) -> None:
    """stage_figures' music rows: per level, the mean r drop at each runtime stage over the draws,
    and the mean lip gap over the music alone (before the voice, less 0.1 s)."""
    voice_starts = MUSIC_LEAD_S * args.fps
    env = envelope(speech, args.fps)
    for snr_db in (0, -6):
        drops, alone = [], []
        for _ in range(args.music_draws):
            mixed = over_music(speech, rng, snr_db)
            n = voice_starts + len(env)
            gaps = [_runtime_gap(model, mixed, n, args.fps, passes=p) for p in STAGE_PASSES]
            drops.append([r - np.corrcoef(g[voice_starts:], env)[0, 1] for r, g in zip(r0_clean, gaps)])
            alone.append([g[:voice_starts - int(0.1 * args.fps)].mean() for g in gaps])
        name = f"  over music at {snr_db:+d} dB: drop"
        print(f"{name:44s} {'':8s}" + "".join(f" {d:8.2f}" for d in np.mean(drops, axis=0))
              + "   music alone gap " + " ".join(f"{a:.3f}" for a in np.mean(alone, axis=0)))


def speed_figures(args, english: np.ndarray) -> None:
    model = _lip_model(args)
    once = english
    audio = np.tile(once, int(np.ceil(args.seconds * SR / len(once))))[: int(args.seconds * SR)]
    for name, chunk in (("offline, 0.5 s chunks", SR // 2), ("live, 20 ms chunks", SR // 50)):
        stream = model.stream(fps=25, sr=SR)
        times = []
        t0 = time.perf_counter()
        for i in range(0, len(audio), chunk):
            t = time.perf_counter()
            stream.push(audio[i:i + chunk])
            times.append(time.perf_counter() - t)
        stream.flush()
        elapsed = time.perf_counter() - t0
        print(f"inference {name:22s} {args.seconds / elapsed:6.0f}x real time (one core)")
    p99 = float(np.percentile(times, 99))
    look = MotionGenerator(lip_model=model).lookahead_s  # the model's own 32 ms and the mouth's lead
    print(f"added latency, live: look-ahead {look * 1000:.0f} ms (model {model.lookahead_s(SR) * 1000:.0f} ms + "
          f"mouth lead {MotionConfig().mouth_lead_s * 1000:.0f} ms) + compute p99 {p99 * 1000:.2f} ms per 20 ms chunk "
          f"= {(look + p99) * 1000:.1f} ms (limit: look-ahead + 20 ms)")


def _lip_model(args):
    """The lip model under test with its voice-level net (--voice-net: the bundled one, another, or none) and its
    tongue-tip net (--tongue-net likewise)."""
    voice_net, tongue_net = ({"bundled": True, "none": False}.get(name, name) for name in (args.voice_net, args.tongue_net))
    return load_lipsync_model(args.lip_model, voice_net=voice_net, tongue_net=tongue_net)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fps", type=int, default=50, help="render rate: 20 ms lag resolution at 50")
    ap.add_argument("--size", type=int, default=384)
    ap.add_argument("--seconds", type=float, default=60.0, help="audio for the speed figures")
    ap.add_argument("--photo", default=None, help="portrait to render (default: the bundled one)")
    ap.add_argument("--music-draws", type=int, default=3, help="random pieces of music per clip and level (0: none)")
    names = [lang for lang, _, _ in CLIPS] + ["human"]
    ap.add_argument("--clips", nargs="+", default=names, choices=names, metavar="CLIP",
                    help=f"clips to render, of {' '.join(names)} (default: all)")
    ap.add_argument("--lip-model", default=None, metavar="ONNX",
                    help="a lip model to measure instead of the bundled one (a retrained candidate)")
    ap.add_argument("--voice-net", default="bundled", metavar="ONNX",
                    help="the voice-level net read under music: bundled (where it fits --lip-model: one with "
                         "voice_level and the same look-ahead; else none), none (the lip model alone) or a path")
    ap.add_argument("--tongue-net", default="bundled", metavar="ONNX",
                    help="the tongue-tip net: bundled (where its look-ahead is --lip-model's; else none), none "
                         "(tongue_tip 0) or a path")
    ap.add_argument("--stages", action="store_true",
                    help="only the lip gap's correlation before rendering: targets, network, runtime (fast)")
    ap.add_argument("--rap-beats", type=int, default=0, metavar="N",
                    help="the rap clip's /p b m/ over N beats at the stream's output (README: 30 at --fps 25); "
                         "alone, or after --stages' rows")
    args = ap.parse_args()
    engine = Espeak()  # one engine per process: espeak-ng's state is global
    clips = spoken_clips(engine)
    # Spoken after the clips, which stay as they were; only where read (the video rows speak nothing more).
    rap = rap_clip(engine) if args.stages or args.rap_beats else None
    if args.stages:
        stage_figures(args, clips)
        stage_fast_over_music(_lip_model(args), clips, rap, args)
    if args.rap_beats:
        rap_beats(_lip_model(args), rap, beats=args.rap_beats, fps=args.fps)
    if args.stages or args.rap_beats:
        return
    speed_figures(args, clips["en-us"].audio)
    video_figures(args, clips)


if __name__ == "__main__":
    main()
