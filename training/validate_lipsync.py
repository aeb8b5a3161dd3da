"""Validation figures of the lip-sync model on held-out data (run after build_lip_corpus.py).

  .venv/bin/python training/validate_lipsync.py [--corpus out/lip_corpus] [--model src/facetalk/data/lipsync.onnx]

Runs the runtime path (facetalk.motion.lipsync: PCM -> mel -> ONNX, streamed in 20 ms chunks,
at 100 frames/s and the model's own 32 ms look-ahead) on the corpus's validation audio: espeak-ng
voices never trained on (in the training languages, and in two languages never trained on), 1 in
6 Asterisk prompts (held-out utterances of the one human speaker; 8 kHz telephone audio), and
sung vowels from held-out synthetic singers. Targets are the articulation table blended by
coarticulation (training/articulation.py). Prints:

- frame correlation of predicted and target jaw_open (issue target >= 0.8), per group, also
  with noise, telephone band and music added to the held-out voices;
- the share of /p b m/ during which the lips close (target >= 90%): the aperture
  jaw_open * (1 - lip_press) drops below CLOSED somewhere within the phone (+-20 ms); also
  counted over only those whose target opens the mouth wide (> 0.25) within 120 ms, where
  closing takes a real movement;
- open vowels (a ɑ æ ä) against close ones (i u y ɪ ʊ): peak jaw_open, share reaching OPEN;
- after speech stops (the last 10 ms within 40 dB of the utterance's peak), how long until the
  mouth is shut for good: jaw_open < 0.05 (target <= 100 ms; the lips are then at the photo's
  rest or pressed together, as the runtime's PauseClosure does in pauses); also from
  the end of the last labelled phone, which can come before the sound has died away;
- sung vowels: jaw_open and lip_spread variation over the sustained part, while the pitch
  glides and wobbles: not flapping (mean frame-to-frame change of both < 0.01), and holding
  the shape (also std < 0.05, so no drift from one note to the next).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: `training` is not installed
from facetalk.motion.lipsync import LipSyncModel  # noqa: E402
from training.articulation import PARAMS, ipa_symbols  # noqa: E402
from training.build_lip_corpus import UNSEEN_LANGS, augment  # noqa: E402

SR, RATE = 16000, 100
CHUNK = SR // 50
NOISE_FLOOR = 10 ** (-65 / 20)
CLOSED = 0.08   # aperture below which the lips count as closed
OPEN = 0.4      # peak jaw_open an open vowel must reach
BILABIALS = set("pbm")
OPEN_VOWELS = set("aɑæ")
CLOSE_VOWELS = set("iuyɪʊ")


def predict(model: LipSyncModel, audio: np.ndarray) -> np.ndarray:
    """(T, len(PARAMS)) at 100 frames/s, streamed in 20 ms chunks."""
    stream = model.stream(fps=RATE, sr=SR)
    parts = [stream.push(audio[i:i + CHUNK]) for i in range(0, len(audio), CHUNK)] + [stream.flush()]
    return np.stack([np.concatenate([getattr(p, name) for p in parts]) for name in PARAMS], axis=1)


def primary(phone: str) -> str:
    symbols = ipa_symbols(phone)
    return symbols[0][0] if symbols else ""


def aperture(y: np.ndarray) -> np.ndarray:
    return y[:, 0] * (1 - y[:, 2])


Record = tuple[dict, np.ndarray, np.ndarray]  # corpus item, predicted and target (frames, len(PARAMS))
TRAINED = "held-out voices, trained languages"
UNSEEN = "held-out voices, unseen languages (ko, sw)"
HUMAN = "held-out human prompts (Asterisk, 8 kHz)"


@dataclass(frozen=True)
class Corpus:
    """The validation split: utterance k's frames are offsets[k]:offsets[k + 1] of `targets`, its
    samples audio_offsets[k]:audio_offsets[k + 1] of `audio` (int16 at SR)."""

    items: list[dict]
    targets: np.ndarray
    offsets: np.ndarray
    audio: np.ndarray
    audio_offsets: np.ndarray

    def utterance(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Target track and float audio of utterance k."""
        a, b = self.audio_offsets[k], self.audio_offsets[k + 1]
        return self.targets[self.offsets[k]:self.offsets[k + 1]], self.audio[a:b].astype(np.float32) / 32767


@dataclass(frozen=True)
class Predictions:
    groups: dict[str, list[Record]]  # speech: TRAINED, UNSEEN, HUMAN, in that (printed) order
    sung: list[Record]
    degraded: dict[str, list[Record]]  # a third of TRAINED again, with noise, telephone band or music

    @property
    def speech(self) -> list[Record]:
        return sum(self.groups.values(), [])


def load_corpus(path: Path) -> Corpus:
    data, audio = np.load(path / "valid.npz"), np.load(path / "valid_audio.npz")
    return Corpus(items=json.loads((path / "valid.json").read_text())["items"], targets=data["targets"],
                  offsets=data["offsets"], audio=audio["audio"], audio_offsets=audio["offsets"])


# The validation's music stays at the speech-to-music ratios earlier models were measured at
# (bench_lipsync.py measures -6 and 0 dB).
VALID_MUSIC_SNR_DB = (3.0, 20.0)


def degrade(audio: np.ndarray, phones: list, *, kind: str, rng: np.random.Generator) -> np.ndarray:
    """`audio` through the corpus's augmentation, drawn again until it adds `kind` and keeps the speed."""
    while True:
        noisy, _, applied = augment(audio, phones, rng, music_snr_db=VALID_MUSIC_SNR_DB)
        if any(a.startswith(kind) for a in applied) and not any(a.startswith("speed") for a in applied):
            return noisy


def predict_corpus(*, model: LipSyncModel, corpus: Corpus) -> Predictions:
    out = Predictions(groups={TRAINED: [], UNSEEN: [], HUMAN: []}, sung=[],
                      degraded={"noise": [], "telephone": [], "music": []})
    rng = np.random.default_rng(0)
    for k, item in enumerate(corpus.items):
        target, audio = corpus.utterance(k)
        item = dict(item, acoustic_end_s=acoustic_end(audio))
        # A recording's noise floor (-65 dBFS), so that the runtime's digital-silence rule never
        # closes the mouth for the model: these figures are the network's own.
        audio = audio + NOISE_FLOOR * rng.standard_normal(len(audio)).astype(np.float32)
        record = (item, predict(model, audio)[: len(target)], target)
        if item["source"] == "sung":
            out.sung.append(record)
        elif item["source"] == "human":
            out.groups[HUMAN].append(record)
        elif item["lang"] in UNSEEN_LANGS:
            out.groups[UNSEEN].append(record)
        else:
            out.groups[TRAINED].append(record)
            if k % 3 == 0:  # a third of them again, degraded
                for kind, records in out.degraded.items():
                    noisy = degrade(audio, item["phones"], kind=kind, rng=rng)
                    records.append((item, predict(model, noisy)[: len(target)], target))
    return out


def print_jaw(*, pred: Predictions) -> None:
    print("\n== jaw_open: frame correlation with the target (>= 0.8) ==")
    for name, records in list(pred.groups.items()) + [("all of the above", pred.speech)]:
        print(f"  {name:45s} r = {jaw_r(records):.3f}  ({len(records)} utterances)")
    for kind, records in pred.degraded.items():
        print(f"  {'held-out voices + ' + kind + ' (random level)':45s} r = {jaw_r(records):.3f}  ({len(records)})")


def print_bilabials(*, pred: Predictions) -> None:
    print(f"\n== /p b m/: lips close (aperture < {CLOSED}) within the phone (>= 90%) ==")
    for name, records in list(pred.groups.items()) + [("all", pred.speech)]:
        got, want, n, got_open, n_open = bilabials(records)
        print(f"  {name:45s} {got:.1%} of {n} (target track: {want:.1%}); between open vowels {got_open:.1%} of {n_open}")


def print_vowels(*, speech: list[Record]) -> None:
    print("\n== open vowels open: peak jaw_open per vowel ==")
    open_peaks, close_peaks = vowel_peaks(speech, OPEN_VOWELS), vowel_peaks(speech, CLOSE_VOWELS)
    print(f"  open  (a ɑ æ):     mean peak {np.mean(open_peaks):.2f}, {np.mean(open_peaks >= OPEN):.1%} reach {OPEN} "
          f"({len(open_peaks)} vowels)")
    print(f"  close (i u y ɪ ʊ): mean peak {np.mean(close_peaks):.2f}, {np.mean(close_peaks >= OPEN):.1%} reach {OPEN} "
          f"({len(close_peaks)} vowels)")


def print_closing(*, speech: list[Record]) -> None:
    print("\n== after speech stops: time until jaw_open < 0.05 for good (<= 100 ms) ==")
    for name, end in (("from the sound's end", lambda item: item["acoustic_end_s"]),
                      ("from the last phone's end", lambda item: max(e for p, _, e in item["phones"] if primary(p)))):
        delays = np.array([closing_delay(pred, end(item)) for item, pred, _ in speech])
        print(f"  {name:26s} median {np.median(delays) * 1000:.0f} ms, 95th percentile "
              f"{np.percentile(delays, 95) * 1000:.0f} ms, {np.mean(delays <= 0.1):.1%} of {len(delays)} within 100 ms")


def print_sung(*, sung: list[Record]) -> None:
    print("\n== sung vowels (held-out singers; notes glide 2-7 semitones, vibrato): shape held ==")
    stats = np.array([sustain_stats(item, pred, target) for item, pred, target in sung])
    held = (stats[:, 0] < 0.05) & (stats[:, 1] < 0.05) & (stats[:, 2] < 0.01)
    steady = (stats[:, 2] < 0.01) & (stats[:, 4] < 0.01)
    print(f"  jaw_open std {np.mean(stats[:, 0]):.3f}, lip_spread std {np.mean(stats[:, 1]):.3f}, "
          f"mean |frame-to-frame jaw change| {np.mean(stats[:, 2]):.4f} (max {np.max(stats[:, 2]):.4f}), "
          f"spread {np.mean(stats[:, 4]):.4f} (max {np.max(stats[:, 4]):.4f}), |mean jaw - target| {np.mean(stats[:, 3]):.2f}")
    print(f"  {np.mean(steady):.1%} of {len(stats)} sung vowels do not flap (mean |frame-to-frame change| < 0.01, "
          "jaw and spread)")
    print(f"  {np.mean(held):.1%} of {len(stats)} sung vowels hold their shape (also std < 0.05: no drift between notes)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="out/lip_corpus")
    ap.add_argument("--model", default=None, help="default: the bundled model")
    args = ap.parse_args()
    corpus = load_corpus(Path(args.corpus))
    model = LipSyncModel(args.model)
    print(f"model look-ahead {model.lookahead_s(SR) * 1000:.0f} ms; {len(corpus.items)} held-out utterances")
    pred = predict_corpus(model=model, corpus=corpus)
    print_jaw(pred=pred)
    print_bilabials(pred=pred)
    print_vowels(speech=pred.speech)
    print_closing(speech=pred.speech)
    print_sung(sung=pred.sung)


def jaw_r(records) -> float:
    p = np.concatenate([pred[:, 0] for _, pred, _ in records])
    t = np.concatenate([target[:, 0] for _, _, target in records])
    return float(np.corrcoef(p, t)[0, 1])


def bilabials(records) -> tuple[float, float, int, float, int]:
    got, want, wide = [], [], []
    for item, pred, target in records:
        for phone, start, end in item["phones"]:
            if primary(phone) in BILABIALS:
                a, b = max(0, int(np.floor((start - 0.02) * RATE))), int(np.ceil((end + 0.02) * RATE)) + 1
                got.append(aperture(pred[a:b]).min() < CLOSED)
                want.append(aperture(target[a:b]).min() < CLOSED)
                around = target[max(0, int((start - 0.12) * RATE)): int((end + 0.12) * RATE) + 1]
                wide.append(aperture(around).max() > 0.25)
    got, wide = np.array(got), np.array(wide)
    return float(got.mean()), float(np.mean(want)), len(got), float(got[wide].mean()), int(wide.sum())


def vowel_peaks(records, vowels: set[str]) -> np.ndarray:
    peaks = []
    for item, pred, _ in records:
        for phone, start, end in item["phones"]:
            if primary(phone) in vowels and end - start >= 0.05:
                peaks.append(pred[int(start * RATE): int(np.ceil(end * RATE)) + 1, 0].max())
    return np.array(peaks)


def acoustic_end(audio: np.ndarray) -> float:
    hop = SR // RATE
    n = len(audio) // hop
    db = 10 * np.log10(np.mean(audio[: n * hop].reshape(n, hop).astype(np.float64) ** 2, axis=1) + 1e-12)
    return float((np.nonzero(db > db.max() - 40.0)[0][-1] + 1) / RATE)


def closing_delay(pred: np.ndarray, speech_end: float) -> float:
    t = np.arange(len(pred)) / RATE
    rest = pred[:, 0] < 0.05  # the lips may be pressed together (PauseClosure): still shut
    moving = np.nonzero(~rest & (t >= speech_end))[0]  # the mouth stays at rest after the last of these
    return float(t[moving[-1]] + 1 / RATE - speech_end) if len(moving) else 0.0


def sustain_stats(item, pred, target) -> tuple[float, float, float, float, float]:
    """jaw std, spread std, mean |frame-to-frame jaw change|, |mean jaw - target|, the same change
    of spread; over the sustained part."""
    _, (_, start, end), _ = item["phones"]
    a, b = int((start + 0.2) * RATE), int((end - 0.2) * RATE)
    jaw, spread = pred[a:b, 0], pred[a:b, 1]
    return (float(jaw.std()), float(spread.std()), float(np.abs(np.diff(jaw)).mean()),
            float(abs(jaw.mean() - target[a:b, 0].mean())), float(np.abs(np.diff(spread)).mean()))


if __name__ == "__main__":
    main()
