"""Trains a small network that estimates only `tongue_tip` (0 low .. 1 the tip up at the back of the upper
teeth, for /l t d n θ ð/) from the lip model's input frames, and exports it to ONNX beside the lip model,
whose outputs it leaves as they are.

  nice -n 5 .venv/bin/python training/train_tongue_tip.py --corpus out/lip_corpus --out M.onnx [--seed 0]
  nice -n 5 .venv/bin/python training/train_tongue_tip.py --corpus out/lip_corpus --evaluate M.onnx

Needs the `train` extra (PyTorch, CPU) to train; --evaluate needs only onnxruntime. The corpus is
build_lip_corpus.py's: its items' phone timings (espeak-ng's own, pocketsphinx's on the Asterisk prompts)
give the target, articulation.tongue_tip_targets (1 over the core of a tip phone, 0 over the others, the
lip targets' coarticulation ramps between them). Same input (facetalk.audio.mel frames), same look-ahead
(LOOKAHEAD_FRAMES, so live latency does not grow) and the same causal dilated conv net as the lip model
(train_lipsync.LipNet, its dilations: 0.64 s of past), narrower (CHANNELS), its one output through a
sigmoid. The exported graph streams like the lip model's: (frames, state) -> (tongue_tip (T, 1), next
state); chunked or whole, the outputs agree (tested in tests/motion).

--evaluate: the held-out figures of an exported graph, run as the runtime runs it (motion.lipsync.
TongueTipNet, each validation item one stream from the settled state): per phone class the mean estimate
over the middle CORE of its phones, and the AUC of the tip class against the open vowels and against every
other phone, for English, Mandarin and Spanish espeak-ng voices and the Asterisk prompts held out.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: `training` is not installed
from facetalk.audio.mel import FRAME_RATE, log_mel  # noqa: E402
from facetalk.motion.lipsync import TONGUE_TIP, TongueTipNet  # noqa: E402
from training.articulation import CORE, ipa_symbols, phone_letters, tongue_tip_targets  # noqa: E402
from training.cli import add_training_args  # noqa: E402

LOOKAHEAD_FRAMES = 2  # train_lipsync's (imported there with torch; --evaluate does without)
# Narrower than the lip model's 80 (train_lipsync.CHANNELS): one output, not five; 101,953 parameters,
# 0.064 ms per 2-frame run. Not tuned: no other width was tried.
CHANNELS = 64
CHANGE_WEIGHT = 4.0  # the frame-to-frame change's squared error beside the value's: the tip must not flicker (1: blips, model card)
# The figures' phone classes, by a phone's first IPA letter (pauses in none).
TIP_CLASS = frozenset("tdnlθð")
OPEN_VOWELS = frozenset("aɑæɛʌɔɐɒɶœɜɞ")
BILABIAL_CLASS = frozenset("pbm")
GROUPS = (("English", ("espeak", "en-us")), ("Mandarin", ("espeak", "cmn-latn-pinyin")),
          ("Spanish", ("espeak", "es")), ("Asterisk", ("human", "en-us")))


@dataclass(frozen=True)
class TipCorpus:
    """Training frames as one stream (feats (frames, N_FEATURES), tip (frames,) targets 0..1); the
    validation split likewise, item k at v_offsets[k]:v_offsets[k + 1], its items' metadata in v_items."""

    feats: np.ndarray
    tip: np.ndarray
    v_feats: np.ndarray
    v_tip: np.ndarray
    v_offsets: np.ndarray
    v_items: list


def item_targets(*, items: list[dict], offsets: np.ndarray) -> np.ndarray:
    """(frames,) float32 tongue_tip targets of the items (frame j of an item at j / FRAME_RATE s, as
    build_lip_corpus times its targets), from each item's phones."""
    if len(items) != len(offsets) - 1:
        raise ValueError(f"{len(items)} items for {len(offsets) - 1} utterances in the corpus")
    return np.concatenate([tongue_tip_targets(item["phones"], np.arange(b - a) / FRAME_RATE)
                           for item, a, b in zip(items, offsets[:-1], offsets[1:])]
                          + [np.zeros(0, np.float32)]).astype(np.float32)


def load_tip_corpus(path: Path, *, splits: tuple[str, ...] = ("train", "valid")) -> TipCorpus:
    """The corpus at `path` (build_lip_corpus's) with its tongue-tip targets; a split not asked for is empty."""
    arrays = {}
    for split in ("train", "valid"):
        if split not in splits:
            arrays[split] = (np.zeros((0, 1), np.float32), np.zeros(0, np.float32), np.zeros(1, np.int64), [])
            continue
        data = np.load(path / f"{split}.npz")
        items = json.loads((path / f"{split}.json").read_text())["items"]
        arrays[split] = (data["feats"], item_targets(items=items, offsets=data["offsets"]), data["offsets"], items)
    (feats, tip, _, _), (v_feats, v_tip, v_offsets, v_items) = arrays["train"], arrays["valid"]
    return TipCorpus(feats=feats, tip=tip, v_feats=v_feats, v_tip=v_tip, v_offsets=v_offsets, v_items=v_items)


def phone_classes(phones: list[tuple[str, float, float]], *, n_frames: int) -> np.ndarray:
    """(n_frames,) int8 class of each frame (j at j / FRAME_RATE s) in the middle CORE of a phone, by its first
    letter as the target reads it (articulation.phone_letters: /ts/ is a sibilant): 1 tip class, 2 open vowel,
    3 bilabial, 4 any other phone; 0 outside those middles and in pauses."""
    out = np.zeros(n_frames, np.int8)
    times_s = np.arange(n_frames) / FRAME_RATE
    for name, start, end in phones:
        first = phone_letters(name)[0] if name.lower() not in ("sil", "sp") and ipa_symbols(name) else ""
        if not first:
            continue
        cls = 1 if first in TIP_CLASS else 2 if first in OPEN_VOWELS else 3 if first in BILABIAL_CLASS else 4
        margin = 0.5 * (1 - CORE) * (end - start)
        a, b = np.searchsorted(times_s, [start + margin, end - margin])
        out[a:b] = cls
    return out


def auc(positive: np.ndarray, negative: np.ndarray) -> float:
    """P(a positive's score > a negative's), ties counted half (the Mann-Whitney U over both sizes)."""
    if not len(positive) or not len(negative):
        return float("nan")
    scores = np.concatenate([positive, negative])
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores[np.r_[np.diff(np.sort(scores)) == 0, False]]):  # average tied ranks
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    u = ranks[:len(positive)].sum() - len(positive) * (len(positive) + 1) / 2
    return float(u / (len(positive) * len(negative)))


def stream_item(net: TongueTipNet, *, feats: np.ndarray, silence: np.ndarray) -> np.ndarray:
    """(T,) the net's tongue_tip for frames (T, N_FEATURES), one stream from the settled state, each value
    at its own frame (the look-ahead's outputs dropped, silence after the end)."""
    tail = np.repeat(silence[None], net.lookahead_frames, 0)
    tip, _ = net.run(np.concatenate([feats, tail]), net.initial_state(silence))
    return tip[net.lookahead_frames:]


def evaluate(net: TongueTipNet, corpus: TipCorpus, silence: np.ndarray) -> list[str]:
    """The held-out figures' lines: per GROUPS entry the mean estimate per phone class (frames in the middle
    of the phones) and the AUCs of the tip class against the open vowels and against all other phones."""
    per_group: dict[str, list[tuple[np.ndarray, np.ndarray]]] = {name: [] for name, _ in GROUPS}
    for item, a, b in zip(corpus.v_items, corpus.v_offsets[:-1], corpus.v_offsets[1:]):
        for name, (source, lang) in GROUPS:
            if item["source"] == source and item["lang"] == lang:
                classes = phone_classes(item["phones"], n_frames=b - a)
                per_group[name].append((stream_item(net, feats=corpus.v_feats[a:b], silence=silence), classes))
    lines = []
    for name, pairs in per_group.items():
        if not pairs:
            continue
        tip, classes = (np.concatenate(x) for x in zip(*pairs))
        means = [float(tip[classes == k].mean()) if (classes == k).any() else float("nan") for k in (1, 2, 3, 4)]
        lines.append(f"{name}: {len(pairs)} items; mean tongue_tip tip class {means[0]:.3f}, open vowels "
                     f"{means[1]:.3f}, bilabials {means[2]:.3f}, other phones {means[3]:.3f}; AUC tip vs open "
                     f"vowels {auc(tip[classes == 1], tip[classes == 2]):.3f}, vs all other phones "
                     f"{auc(tip[classes == 1], tip[classes >= 2]):.3f} (frames {np.bincount(classes, minlength=5)[1:].tolist()})")
    return lines


def _torch_parts():
    """The training side's torch classes and functions (imported only to train)."""
    import torch

    from training.train_lipsync import DILATIONS, LipNet, export_streaming, optimizer_step

    class TipNet(LipNet):
        """The lip model's causal dilated conv net (train_lipsync.LipNet, its dilations) with one output,
        tongue_tip 0..1 through a sigmoid, CHANNELS wide."""

        def __init__(self, mean: np.ndarray, std: np.ndarray):
            super().__init__(mean, std, n_outputs=1, channels=CHANNELS, dilations=DILATIONS)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            """(B, T, N_FEATURES) -> (B, T - receptive_field + 1, 1) tongue_tip 0..1: no padding."""
            return torch.sigmoid(super().forward(x))

        def step(self, frames: torch.Tensor, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            """Streaming, as exported: frames (T, N_FEATURES), state -> tongue_tip (T, 1), next state."""
            raw, new_state = super().step(frames, state)
            return torch.sigmoid(raw), new_state

    return torch, TipNet, export_streaming, optimizer_step


def crop_loss(*, pred, target, change_weight: float = CHANGE_WEIGHT):
    """Mean squared error of pred against target (both (B, T)) plus change_weight x that of their
    frame-to-frame changes."""
    change = (pred[:, 1:] - pred[:, :-1]) - (target[:, 1:] - target[:, :-1])
    return ((pred - target) ** 2).mean() + change_weight * (change ** 2).mean()


def validation_auc(net, corpus: TipCorpus, silence: np.ndarray) -> tuple[float, float]:
    """(r of the estimate with the target over the validation split run as one stream after silence, AUC of
    the tip class against the open vowels over the frames in their phones' middles)."""
    import torch

    pad = np.repeat(silence[None], net.receptive_field - 1, 0)
    tail = np.repeat(silence[None], LOOKAHEAD_FRAMES, 0)
    with torch.no_grad():
        x = torch.from_numpy(np.concatenate([pad, corpus.v_feats, tail]).astype(np.float32)[None])
        pred = net(x)[0, LOOKAHEAD_FRAMES:, 0].numpy()
    classes = np.concatenate([phone_classes(item["phones"], n_frames=b - a) for item, a, b
                              in zip(corpus.v_items, corpus.v_offsets[:-1], corpus.v_offsets[1:])])
    return float(np.corrcoef(pred, corpus.v_tip)[0, 1]), auc(pred[classes == 1], pred[classes == 2])


def train(*, corpus: TipCorpus, silence: np.ndarray, epochs: int, crop: int, batch: int, lr: float,
          rng: np.random.Generator, change_weight: float = CHANGE_WEIGHT):
    """A TipNet trained by AdamW on a cosine schedule on random crops; prints the validation figures per epoch."""
    torch, TipNet, _, optimizer_step = _torch_parts()
    from training.train_lipsync import crop_indices

    net = TipNet(corpus.feats.mean(axis=0), corpus.feats.std(axis=0) + 1e-3)
    print(f"{len(corpus.feats) / 360000:.2f} h of training frames, {sum(p.numel() for p in net.parameters())} "
          f"parameters, receptive field {net.receptive_field} frames", flush=True)
    steps = len(corpus.feats) // (crop * batch)
    total = steps * epochs
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s / total, 1.0))))
    feats, tip = torch.from_numpy(corpus.feats), torch.from_numpy(corpus.tip)
    span = net.receptive_field - 1 + crop + LOOKAHEAD_FRAMES
    first = net.receptive_field - 1  # output i of a crop estimates its input frame first + i
    started = time.time()
    for epoch in range(epochs):
        net.train()
        running = 0.0
        for idx in crop_indices(rng, n_frames=len(corpus.feats), span=span, batch=batch, steps=steps):
            pred = net(feats[idx])[:, LOOKAHEAD_FRAMES:, 0]
            loss = crop_loss(pred=pred, target=tip[idx[:, first:first + crop]], change_weight=change_weight)
            running += optimizer_step(net=net, loss=loss, opt=opt, sched=sched)
        net.eval()
        r, tip_auc = validation_auc(net, corpus, silence)
        print(f"epoch {epoch + 1}/{epochs}: loss {running / steps:.5f}, valid r {r:.3f}, AUC tip vs open vowels "
              f"{tip_auc:.3f}, {time.time() - started:.0f} s", flush=True)
    return net


def export(net, path: Path, silence: np.ndarray) -> None:
    """The streaming graph, checked against the trained net, with the metadata the runtime reads."""
    _, _, export_streaming, _ = _torch_parts()
    export_streaming(net, path, silence=silence, output_name=TONGUE_TIP, metadata=(
        ("lookahead_frames", LOOKAHEAD_FRAMES), ("outputs", TONGUE_TIP), ("receptive_field", net.receptive_field)))


def _args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_training_args(ap, epochs=16)
    ap.add_argument("--out", help="the ONNX graph to write")
    ap.add_argument("--evaluate", help="an exported graph: print its held-out figures, train nothing")
    ap.add_argument("--change-weight", type=float, default=CHANGE_WEIGHT,
                    help="multiplies the squared error of the frame-to-frame change (the committed net: 4)")
    args = ap.parse_args()
    if bool(args.out) == bool(args.evaluate):
        ap.error("give one of --out (train) and --evaluate (figures only)")
    return args


def main() -> None:
    args = _args()
    silence = log_mel(np.zeros(1600, np.float32))[0]
    if args.evaluate:
        corpus = load_tip_corpus(Path(args.corpus), splits=("valid",))
        print("\n".join(evaluate(TongueTipNet(args.evaluate), corpus, silence)))
        return
    import torch

    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    corpus = load_tip_corpus(Path(args.corpus))
    t0 = time.time()
    net = train(corpus=corpus, silence=silence, epochs=args.epochs, crop=args.crop, batch=args.batch, lr=args.lr,
                rng=np.random.default_rng(args.seed), change_weight=args.change_weight)
    export(net, Path(args.out), silence)
    print(f"wrote {args.out} ({Path(args.out).stat().st_size / 1e6:.2f} MB) in {time.time() - t0:.0f} s")
    print("\n".join(evaluate(TongueTipNet(args.out), corpus, silence)))


if __name__ == "__main__":
    main()
