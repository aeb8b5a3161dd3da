"""Builds a corpus for the voice-level network alone (train_voice_level.py): the lip corpus's training
voices (build_lip_corpus.plan, the same seed: espeak-ng in 14 languages, the Asterisk training prompts,
sung vowels), most of them over music 10 dB louder to 6 dB quieter than the voice, the music drawn from
more kinds than the lip corpus's chords and drums: bass lines, pads, a steady beat, and mixes of them.

  nice -n 15 .venv/bin/python training/build_voice_mixes.py --out out/vmix [--jobs 2] [--split valid] [--every K]

Writes train.npz (feats, voice_level, voice_mel, offsets) and train.json (items, each with its
`augmentation`, whose `music<snr>dB` entry train_voice_level's --music-weight reads). voice_mel (frames,
N_MELS) is the voice's own log-mel spectrum, the voice before mixing at the mix's gain through the same
front end (log_mel's first N_MELS columns): the target of train_voice_level's --bands head. `--split valid`
writes valid.npz / valid.json from the lip corpus's held-out voices, prompts and singers, mixed the same way
(train_voice_level.py --valid-corpus reads either it or a lip corpus's validation split); `--every K` keeps
every K-th job (a subset, for a loaded machine). No phone timings: the targets are the voice's own level and
spectrum, so the human prompts need no aligner.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import signal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: `training` is not installed
from facetalk.audio.mel import FRAME_RATE, N_MELS, log_mel  # noqa: E402
from facetalk.io import load_audio  # noqa: E402
from training.build_lip_corpus import (  # noqa: E402
    ESPEAK_SR, MINUTES_PER_LANG, SR, Espeak, _add_at_snr, _music, augment_parts, pad, plan, sung_vowel,
    voice_levels_of_mel)

MIX_SNR_DB = (-10.0, 6.0)   # speech-to-music: the issue's -6 dB with room on both sides
MUSIC_SHARE = 0.8           # items over music; the rest clean or with the other degradations only
VOICE_KINDS = {"tempo": 0.2, "speed": 0.2, "reverb": 0.2, "telephone": 0.2, "noise": 0.2}
VOICE_KINDS_SHARE = 0.5     # items that get 1-3 of VOICE_KINDS before the music (the benchmark's voices are clean)
SUNG_ITEMS = 400            # of the plan's training sung vowels, evenly spaced (every third of its 1200)
HUMAN_COPIES = 2            # the one human voice twice, over different music


def _notes(n: int, rng: np.random.Generator, *, low: int, high: int, span_s: tuple[float, float],
           harmonics: int, decay: tuple[float, float]) -> np.ndarray:
    """Tones at random semitones over 55 Hz in [low, high), each for span_s, `harmonics` partials."""
    out, t0 = np.zeros(n), 0
    while t0 < n:
        t = np.arange(min(int(rng.uniform(*span_s) * SR), n - t0)) / SR
        f = 55 * 2 ** (rng.integers(low, high) / 12)
        tone = sum(np.sin(2 * np.pi * f * k * t + rng.uniform(0, 6.3)) / k for k in range(1, harmonics + 1))
        out[t0:t0 + len(t)] += tone * np.exp(-t * rng.uniform(*decay))
        t0 += len(t)
    return out


def _pad(n: int, rng: np.random.Generator) -> np.ndarray:
    """Sustained chords of detuned harmonic tones, low-passed: strings or a synth pad. Each sample is
    weighted by the chord's own mean magnitude over 0.2 s, which swells and compresses the envelope."""
    out = np.zeros(n)
    for _ in range(int(rng.integers(2, 5))):
        out += _notes(n, rng, low=12, high=48, span_s=(1.0, 3.0), harmonics=8, decay=(0.0, 0.3))
    level_0p2s = np.convolve(np.abs(out), np.ones(int(0.2 * SR)) / (0.2 * SR), "same")
    sos = signal.butter(2, float(rng.uniform(1500, 4000)), fs=SR, output="sos")
    return signal.sosfilt(sos, out * level_0p2s)


def _beat(n: int, rng: np.random.Generator) -> np.ndarray:
    """A steady beat at 80-160 bpm: kick (a falling sine) on every beat; between beats, in turn,
    hi-hat (high-passed noise) and snare (noise). No backbeat: a snare on the off-beat after every
    other beat."""
    out = np.zeros(n)
    beat = int(60 / rng.uniform(80, 160) * SR)
    t = np.arange(int(0.15 * SR)) / SR
    kick = np.sin(2 * np.pi * (50 + 80 * np.exp(-t * 30)) * t) * np.exp(-t * 20)
    snare = rng.normal(size=len(t)) * np.exp(-t * 30) * 0.6
    hat = signal.sosfilt(signal.butter(2, 6000, "high", fs=SR, output="sos"), rng.normal(size=len(t)))
    hat *= np.exp(-t * 80) * 0.4
    for k, start in enumerate(range(int(rng.integers(0, beat)), n, beat // 2)):
        hit = kick if k % 2 == 0 else (snare if k % 4 == 3 else hat)
        m = min(len(hit), n - start)
        out[start:start + m] += hit[:m]
    return out


def backing(n: int, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """(n,) a random mix of 1-3 parts: the lip corpus's chords and drums, a bass line, a pad, a beat;
    unit standard deviation, and its parts' names."""
    parts = {"chords": lambda: _music(n, rng, SR),
             "bass": lambda: _notes(n, rng, low=0, high=24, span_s=(0.2, 0.8), harmonics=4, decay=(1.0, 5.0)),
             "pad": lambda: _pad(n, rng), "beat": lambda: _beat(n, rng)}
    chosen = sorted(rng.choice(list(parts), size=int(rng.integers(1, 4)), replace=False))
    out = np.zeros(n)
    for name in chosen:
        part = parts[name]()
        out += part / (part.std() + 1e-9) * rng.uniform(0.5, 1.0)
    return out / (out.std() + 1e-9), "+".join(chosen)


def mix_item(audio: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(mix, the voice alone as it sounds in it, augmentation names): 1-3 of VOICE_KINDS (on a
    VOICE_KINDS_SHARE of items), then with
    probability MUSIC_SHARE backing music at MIX_SNR_DB under the voice (as bench_lipsync.over_music
    sets it: against the voice's active samples), then a random gain of -24..+6 dB."""
    mixed, voice, applied = audio, audio, []
    if rng.random() < VOICE_KINDS_SHARE:
        mixed, voice, _, applied = augment_parts(audio, [("", 0.0, len(audio) / SR)], rng, kinds=VOICE_KINDS)
        applied = applied[:-1]  # augment_parts' own gain: set again below, over the music
    mixed, voice = mixed.astype(np.float64), voice.astype(np.float64)
    if rng.random() < MUSIC_SHARE:
        snr = float(rng.uniform(*MIX_SNR_DB))
        music, kind = backing(len(voice), rng)
        mixed = mixed + (_add_at_snr(voice, music, snr) - voice)
        applied.append(f"music{snr:.0f}dB:{kind}")
    gain_db = float(rng.uniform(-24, 6))
    scale = 0.5 * 10 ** (gain_db / 20) / (np.abs(mixed).max() + 1e-9)
    applied.append(f"gain{gain_db:.0f}dB")
    return (np.clip(mixed * scale, -1, 1).astype(np.float32), np.clip(voice * scale, -1, 1).astype(np.float32),
            applied)


@dataclass(frozen=True)
class VoiceItem:
    """One mixed voice: feats (frames, N_FEATURES) of the mix, voice_level (frames,) and voice_mel
    (frames, N_MELS) of the voice alone at the mix's gain, and meta, train.json's entry (source, lang, voice,
    augmentation, duration_s)."""
    feats: np.ndarray
    voice_level: np.ndarray
    voice_mel: np.ndarray
    meta: dict


_worker: dict = {}


def make_item(job: dict) -> VoiceItem:
    """One job of plan()'s, voice only (no phones), mixed by mix_item with the job's own seed."""
    rng = np.random.default_rng(job["seed"] + job.get("copy", 0))
    if job["source"] == "espeak":
        if "espeak" not in _worker:
            _worker["espeak"] = Espeak()
        raw, phones = _worker["espeak"].synth(job["text"], voice=f"{job['lang']}+{job['voice']}",
                                              rate=job["rate"], pitch=job["pitch"], pitch_range=job["range"])
        audio, _ = pad(signal.resample_poly(raw, SR // 50, ESPEAK_SR // 50).astype(np.float32), phones, rng)
    elif job["source"] == "human":
        audio, _ = pad(load_audio(job["path"], sr=SR), [("", 0.0, 0.0)], rng)
    else:
        audio, _ = sung_vowel(job["vowel"], rng, formant_scale=job["singer"])
    mixed, voice, applied = mix_item(audio, rng)
    feats = log_mel(mixed, sr=SR).astype(np.float32)
    voice_feats = log_mel(voice, sr=SR)  # once, for both targets
    meta = {k: job[k] for k in ("source", "lang", "voice")}
    meta.update(augmentation=applied, duration_s=len(mixed) / SR)
    return VoiceItem(feats=feats, voice_level=voice_levels_of_mel(voice_feats)[: len(feats)],
                     voice_mel=voice_feats[: len(feats), :N_MELS].astype(np.float32), meta=meta)


def jobs_of(seed: int, *, split: str = "train") -> list[dict]:
    """The lip corpus's jobs of `split` (plan at its default MINUTES_PER_LANG): its espeak items, its human
    prompts once per HUMAN_COPIES (plan lists the augmented copy twice), up to SUNG_ITEMS of its sung vowels,
    evenly spaced."""
    train = plan(MINUTES_PER_LANG, np.random.default_rng(seed))[split]
    speech = [j for j in train if j["source"] == "espeak"]
    prompts = {j["path"]: j for j in train if j["source"] == "human"}
    human = [dict(j, copy=c) for j in prompts.values() for c in range(HUMAN_COPIES)]
    sung_all = [j for j in train if j["source"] == "sung"]
    picks = np.linspace(0, len(sung_all), min(SUNG_ITEMS, len(sung_all)), endpoint=False).astype(int)
    sung = [sung_all[i] for i in picks]
    return speech + human + sung


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0, help="build_lip_corpus's plan seed (its items)")
    ap.add_argument("--split", default="train", choices=["train", "valid"])
    ap.add_argument("--every", type=int, default=1, help="keep every K-th job (a documented subset)")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    jobs, t0 = jobs_of(args.seed, split=args.split)[::args.every], time.time()
    items = []
    with multiprocessing.Pool(args.jobs) as pool:
        for i, item in enumerate(pool.imap(make_item, jobs, chunksize=4)):
            items.append(item)
            if i % 500 == 0:
                print(f"{i}/{len(jobs)} items, {time.time() - t0:.0f} s", flush=True)
    offsets = write_split(out, split=args.split, items=items)
    print(f"{len(items)} items, {offsets[-1] / FRAME_RATE / 3600:.2f} h in {time.time() - t0:.0f} s")


def write_split(out: Path, *, split: str, items: list[VoiceItem]) -> np.ndarray:
    """Writes `split`.npz (feats (frames, N_FEATURES), voice_level (frames,), voice_mel (frames, N_MELS),
    offsets (items + 1,)) and `split`.json from make_item's items; returns the offsets."""
    offsets = np.concatenate([[0], np.cumsum([len(item.feats) for item in items])])
    np.savez(out / f"{split}.npz", feats=np.concatenate([item.feats for item in items]),
             voice_level=np.concatenate([item.voice_level for item in items]),
             voice_mel=np.concatenate([item.voice_mel for item in items]), offsets=offsets)
    (out / f"{split}.json").write_text(json.dumps({"items": [item.meta for item in items]}, ensure_ascii=False))
    return offsets


if __name__ == "__main__":
    main()
