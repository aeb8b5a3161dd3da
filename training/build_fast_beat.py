"""Fast speech over a beat, for the lip model's fine-tunes (docs/models/lipsync.md, rounds 15-16; not run in CI).

  nice -n 15 .venv/bin/python training/build_fast_beat.py --out out/fast_beat [--espeak 450] [--human 120]
      [--clean-twins] [--jobs 2]

Items of the committed corpus's training plan (build_lip_corpus.plan, seed 0: the same espeak-ng texts and
TRAIN_VOICES, the same Asterisk training prompts), synthesised clean (make_item without augmentation), then
time-compressed FAST_BEAT_TEMPO times (time_compress, pitch kept) over a piece of the corpus's chords and drums
(_music) at FAST_BEAT_SNR_DB speech-to-music, then a gain of FAST_BEAT_GAIN_DB. With --clean-twins the same
items follow, with the same factors and gains and no music. Writes OUT/train.npz and OUT/train.json as
build_lip_corpus.py does (merge them into a corpus with merge_lip_corpora.py).

Item k draws its music, factor, level and gain from default_rng(item_seed(k)): SeedSequence entropy
[FAST_BEAT_SEED, k]. An integer seed under 2**32 is one word of entropy, and SeedSequence drops trailing zero
words ([16, 0] is 16), so only item 0 equals an integer seed, FAST_BEAT_SEED itself: never one of the
evaluation's beats (rap_eval.py and rap_more.py give default_rng the integers 7-36 and 100-129).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: `training` is not installed
import training.build_lip_corpus as corpus  # noqa: E402

FAST_BEAT_SEED = 1016
FAST_BEAT_TEMPO = (1.4, 1.8)  # time compression: rap's syllable rate from the plan's speech
FAST_BEAT_SNR_DB = (-6.0, 0.0)  # the beat as loud as the voice, or up to 6 dB louder
FAST_BEAT_GAIN_DB = (-24.0, 6.0)  # on a peak of 0.5
PICK_SEED = 1616  # which of the plan's items


def item_seed(k: int) -> list[int]:
    """The SeedSequence entropy of fast item k (see the module's docstring)."""
    return [FAST_BEAT_SEED, k]


def over_a_beat(audio: np.ndarray, phones: list[tuple[str, float, float]], *, k: int, clean: bool
                ) -> tuple[np.ndarray, np.ndarray, list[tuple[str, float, float]], list[str]]:
    """`audio` (16 kHz, float) sped up over a beat, as item k: (mixed, voice) float32 at the same scale, the phones'
    times scaled, the augmentation's entries. `clean`: the twin, the mixed audio the voice alone (the music is
    drawn either way, so that the twin's gain is its item's)."""
    rng = np.random.default_rng(item_seed(k))
    factor, snr = float(rng.uniform(*FAST_BEAT_TEMPO)), float(rng.uniform(*FAST_BEAT_SNR_DB))
    voice = corpus.time_compress(np.asarray(audio, np.float64), factor)
    phones = [(p, a / factor, b / factor) for p, a, b in phones]
    mixed = corpus._add_at_snr(voice, corpus._music(len(voice), rng, corpus.SR), snr)
    if clean:
        mixed = voice
    gain_db = float(rng.uniform(*FAST_BEAT_GAIN_DB))
    scale = 1.0 / (np.abs(mixed).max() + 1e-9) * 0.5 * 10 ** (gain_db / 20)
    augmentation = [f"tempo{factor:.2f}"] + ([] if clean else [f"music{snr:.0f}dB"]) + [f"gain{gain_db:.0f}dB"]
    return (np.clip(mixed * scale, -1, 1).astype(np.float32), np.clip(voice * scale, -1, 1).astype(np.float32),
            phones, augmentation)


def fast_items(job: dict) -> list[dict]:
    """Plan job `job` (with its index "k" and "twins") synthesised clean, then over its beat and, with twins, clean
    and as fast: a list of build_lip_corpus items (feats, targets, voice_level, meta), empty if not aligned."""
    k, twins = job["k"], job["twins"]
    plain = corpus.make_item({key: v for key, v in job.items() if key not in ("k", "twins")} | {"augment": False})
    if "skip" in plain:
        return []
    audio = plain["audio"].astype(np.float64) / 32767
    phones = [tuple(p) for p in plain["meta"]["phones"]]
    items = []
    for clean in (False, True) if twins else (False,):
        mixed, voice, fast_phones, augmentation = over_a_beat(audio, phones, k=k, clean=clean)
        feats, targets = corpus.frames_of(mixed, fast_phones)
        meta = {**plain["meta"], "augmentation": augmentation, "fast_beat": k, "duration_s": len(mixed) / corpus.SR,
                "phones": [(p, round(a, 4), round(b, 4)) for p, a, b in fast_phones]}
        items.append({"feats": feats.astype(np.float32), "targets": targets,
                      "voice_level": corpus.voice_levels(voice)[: len(feats)], "meta": meta})
    return items


def pick_jobs(train_plan: list[dict], *, n_espeak: int, n_human: int) -> list[dict]:
    """n_espeak of the plan's espeak items and n_human of its Asterisk prompts (one copy each), in plan order."""
    pick = np.random.default_rng(PICK_SEED)
    esp = [j for j in train_plan if j["source"] == "espeak"]
    hum = list({j["path"]: j for j in train_plan if j["source"] == "human"}.values())
    return ([esp[i] for i in sorted(pick.choice(len(esp), n_espeak, replace=False))]
            + [hum[i] for i in sorted(pick.choice(len(hum), n_human, replace=False))])


def write_split(out: Path, items: list[dict]) -> float:
    """OUT/train.npz and OUT/train.json of `items`; returns their hours."""
    offsets = np.concatenate([[0], np.cumsum([len(i["feats"]) for i in items])])
    np.savez(out / "train.npz", feats=np.concatenate([i["feats"] for i in items]),
             targets=np.concatenate([i["targets"] for i in items]),
             voice_level=np.concatenate([i["voice_level"] for i in items]), offsets=offsets)
    (out / "train.json").write_text(json.dumps({"params": corpus.PARAMS, "items": [i["meta"] for i in items]},
                                               ensure_ascii=False))
    return offsets[-1] / corpus.FRAME_RATE / 3600


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="out/fast_beat")
    ap.add_argument("--espeak", type=int, default=450, help="espeak-ng items of the plan")
    ap.add_argument("--human", type=int, default=120, help="Asterisk prompts of the plan (some fail to align)")
    ap.add_argument("--clean-twins", action="store_true", help="the same items without the music, after them")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    train_plan = corpus.plan(corpus.MINUTES_PER_LANG, np.random.default_rng(0))["train"]
    jobs = [{**j, "k": k, "twins": args.clean_twins}
            for k, j in enumerate(pick_jobs(train_plan, n_espeak=args.espeak, n_human=args.human))]
    started = time.time()
    with multiprocessing.Pool(args.jobs) as pool:
        done = pool.map(fast_items, jobs, chunksize=4)
    # Every item over its beat first, then the twins: the order round 16's corpus was merged in.
    items = [pair[0] for pair in done if pair] + [pair[1] for pair in done if len(pair) > 1]
    hours = write_split(out, items)
    print(f"{len(items)} items, {hours:.3f} h, {time.time() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
