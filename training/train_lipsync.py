"""Trains the lip-sync model on the corpus of build_lip_corpus.py and exports it to ONNX.

  nice -n 10 .venv/bin/python training/train_lipsync.py [--corpus out/lip_corpus] [--epochs 40]
      [--out src/facetalk/data/lipsync.onnx] [--init MODEL.onnx --epochs 5 --lr 2e-4]

Needs the `train` extra (PyTorch, CPU). The network is a causal dilated temporal conv net over
the frames of facetalk.audio.mel: its output at frame j + LOOKAHEAD_FRAMES is the mouth at
frame j, so it sees 20 ms of audio past a frame (32 ms with the mel window). The exported graph
streams: it takes new frames plus a state (the past activations every layer needs) and returns
the outputs for those frames plus the next state (see facetalk.motion.lipsync). It is written
with time as the rows of matrix products, never as a convolution axis: onnxruntime's matrix
products give each row the same bits whatever the number of rows, so a stream's output does not
depend on how its audio was chunked (its Conv kernels do not promise that). On the CPU the same
form also trains several times faster than Conv1d.
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
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: `training` is not installed
from facetalk.audio.mel import FRAME_RATE, N_FEATURES, log_mel  # noqa: E402
from facetalk.motion.lipsync import VOICE_LEVEL  # noqa: E402
from training.articulation import PARAMS, cap_press_in_phones, phone_frames  # noqa: E402
from training.cli import add_training_args  # noqa: E402

LOOKAHEAD_FRAMES = 2
CHANNELS = 80
KERNEL = 3
DILATIONS = (1, 2, 4, 8, 16, 1)
LOSS_WEIGHTS = (1.0, 0.5, 1.0, 0.5, 0.5)  # PARAMS order: jaw and lip closure matter most
CHANGE_WEIGHTS = (1.0, 1.0, 1.0, 0.5, 0.5)  # on frame-to-frame changes: lip shape must not flap either
JAW, PRESS = PARAMS.index("jaw_open"), PARAMS.index("lip_press")
# --voice-level: a sixth output, the voice's own loudness (build_lip_corpus.voice_levels) over the
# frames the output sees (its own and LOOKAHEAD_FRAMES more, as the runtime's stress pass took the
# mix's), fitted by squared error with this weight.
VOICE_WEIGHT = 1.0
# The press's shortfall (a bilabial left open) is weighted 2; --music-press-weight multiplies that on
# the frames of items whose augmentation carries music (round 8: under music 0-8 dB louder than the
# voice the network presses less, and a retrain on more of that music pressed less still).
SHORTFALL_WEIGHT = 2.0
# --music-false-press-weight: the press's excess over its target, on the frames whose target press is
# under this (no bilabial: /t d k s/, vowels), weighted like the shortfall times that weight on the same
# items (round 15's fine-tune shut /t d k s/ under beats 69 -> 125 of 240 while it learned the bilabials).
FALSE_PRESS_TARGET = 0.05
# --false-press-phones narrows that charge to the frames inside the named phones (by their first IPA
# letter), e.g. the closure-like consonants a beat's hit is pressed on: the vowels around a bilabial,
# where the press's onset and release fall, stay free.
# --music-gap-weight: the lip gap's excess over its target (jaw * (1 - press) left open) on the frames inside
# the bilabials of the items the press weight weighs is charged that many times in all: a jaw of 0.36 with a
# press of 0.85 (gap 0.054, open by the runtime's SHUT_GAP 0.05) costs more than the press's shortfall says.
BILABIALS = frozenset("pbm")


class LipNet(nn.Module):
    """Dilated causal conv net in (batch, time, channels) layout. Each conv is one matrix
    product over its taps side by side (tap k of output frame t is input frame t + k * d):
    faster than Conv1d on the CPU, and what the ONNX graph computes."""

    def __init__(self, mean: np.ndarray, std: np.ndarray, *, n_outputs: int = len(PARAMS),
                 channels: int = CHANNELS, dilations: tuple[int, ...] = DILATIONS):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32))
        self.register_buffer("inv_std", torch.tensor(1.0 / std, dtype=torch.float32))
        self.channels, self.dilations = channels, dilations
        self.inp = nn.Linear(N_FEATURES, channels)
        self.dconv = nn.ModuleList(nn.Linear(KERNEL * channels, channels) for _ in dilations)
        self.pw = nn.ModuleList(nn.Linear(channels, channels) for _ in dilations)
        self.out = nn.Linear(channels, n_outputs)
        self.history = [(KERNEL - 1) * d for d in dilations]  # frames of the past each layer needs

    @property
    def receptive_field(self) -> int:
        return sum(self.history) + 1

    @staticmethod
    def _taps(full: torch.Tensor, n: int, d: int) -> torch.Tensor:
        # Slice bounds counted from the end are constants: the graph takes any number of frames.
        return torch.cat([full[:, k * d: (k * d - n) if k * d < n else None] for k in range(KERNEL)], dim=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, N_FEATURES) -> (B, T - receptive_field + 1, n_outputs): no padding."""
        h = self.inp((x - self.mean) * self.inv_std)
        for conv, pw, n, d in zip(self.dconv, self.pw, self.history, self.dilations):
            h = h[:, n:] + pw(torch.relu(conv(self._taps(h, n, d))))
        return self.out(torch.relu(h))

    def step(self, frames: torch.Tensor, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Streaming, as exported: frames (T, N_FEATURES) new, state (sum(history), channels)
        the inputs each layer saw last -> outputs (T, n_outputs) and the next state."""
        h = self.inp((frames - self.mean) * self.inv_std)[None]
        new_state, offset = [], 0
        for conv, pw, n, d in zip(self.dconv, self.pw, self.history, self.dilations):
            full = torch.cat([state[None, offset:offset + n], h], dim=1)
            offset += n
            new_state.append(full[0, -n:])
            h = h + pw(torch.relu(conv(self._taps(full, n, d))))
        return self.out(torch.relu(h))[0], torch.cat(new_state, dim=0)


class Streaming(nn.Module):
    def __init__(self, net: LipNet):
        super().__init__()
        self.net = net

    def forward(self, frames: torch.Tensor, state: torch.Tensor):
        return self.net.step(frames, state)


def load_onnx_net(path: Path) -> LipNet:
    """The LipNet whose exported graph (export()) is the ONNX file at `path`, for --init: the
    standardisation buffers and biases by name; the weights by the order the graph multiplies by
    them (the input layer, each block's dilated conv then its 1x1, the output layer), since the
    exporter renames the MatMul ones and stores them (in, out), nn.Linear's transposed."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    arrays = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    meta = {p.key: p.value for p in model.metadata_props}
    if int(meta.get("lookahead_frames", -1)) != LOOKAHEAD_FRAMES:
        raise ValueError(f"{path}: lookahead_frames {meta.get('lookahead_frames')}, this net's is {LOOKAHEAD_FRAMES}")
    weights = []  # (out, in), in the graph's order
    for node in model.graph.node:
        if node.op_type in ("Gemm", "MatMul") and node.input[1] in arrays:
            w = arrays[node.input[1]]
            trans_b = any(a.name == "transB" and a.i for a in node.attribute)
            weights.append(w if trans_b else w.T)
    state = {k[len("net."):]: torch.from_numpy(v.copy()) for k, v in arrays.items() if k.startswith("net.")}
    net = LipNet(np.zeros(N_FEATURES), np.ones(N_FEATURES), n_outputs=len(state["out.bias"]),
                 channels=len(state["inp.bias"]))
    keys = ["inp.weight"] + [f"{kind}.{i}.weight" for i in range(len(net.dilations)) for kind in ("dconv", "pw")]
    if len(weights) != len(keys) + 1 or net.receptive_field != int(meta.get("receptive_field", -1)):
        raise ValueError(f"{path}: not a LipNet of dilations {net.dilations}")
    state.update((k, torch.from_numpy(np.array(w, np.float32))) for k, w in zip(keys + ["out.weight"], weights))
    net.load_state_dict(state)  # strict: every parameter and buffer, each of its shape
    return net


def load(corpus: Path, split: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data = np.load(corpus / f"{split}.npz")
    return data["feats"], data["targets"], data["offsets"]


def jaw_correlation(net: LipNet, feats, targets, offsets, silence: np.ndarray) -> float:
    """Frame correlation of predicted and target jaw_open over whole utterances, each started from
    silence (as the runtime starts), with the model's look-ahead undone."""
    pad = net.receptive_field - 1
    preds, wants = [], []
    with torch.no_grad():
        for a, b in zip(offsets[:-1], offsets[1:]):
            x = np.concatenate([np.repeat(silence[None], pad, 0), feats[a:b], np.repeat(silence[None], LOOKAHEAD_FRAMES, 0)])
            y = net(torch.from_numpy(x[None]))[0].numpy()
            preds.append(y[LOOKAHEAD_FRAMES:, 0])
            wants.append(targets[a:b, 0])
    return float(np.corrcoef(np.concatenate(preds), np.concatenate(wants))[0, 1])


@dataclass(frozen=True)
class Corpus:
    """Training frames as one long stream (utterances start and end in silence) and the
    validation split, utterance k at v_offsets[k]:v_offsets[k + 1]."""

    feats: np.ndarray  # (frames, N_FEATURES)
    targets: np.ndarray  # (frames, len(PARAMS) [+ 1 with --voice-level])
    v_feats: np.ndarray
    v_targets: np.ndarray
    v_offsets: np.ndarray
    press_weight: np.ndarray  # (frames,) multiplies the press's shortfall loss; ones by default
    voice_weight: np.ndarray  # (frames,) multiplies the voice_level loss; ones by default
    false_press_weight: np.ndarray  # (frames,) weighs the press's excess where none is due; zeros by default
    gap_weight: np.ndarray  # (frames,) weighs the lip gap's excess over its target, beside its error; zeros by default


@dataclass(frozen=True)
class Schedule:
    """What --epochs, --crop, --batch and --lr ask for."""

    epochs: int
    crop: int  # output frames per training crop
    batch: int
    lr: float


def load_corpus(path: Path, *, voice_level: bool = False, music_press_weight: float = 1.0,
                music_voice_weight: float = 1.0, press_weight_needs: tuple[str, ...] = ("music",),
                music_false_press_weight: float = 0.0, false_press_phones: frozenset[str] = frozenset(),
                music_gap_weight: float = 1.0, press_cap: float | None = None) -> Corpus:
    """The corpus at `path` with its loss weights; `press_cap`: the training targets' press at most that
    inside the tongue's closures (articulation.cap_press_in_phones; None: the targets as built)."""
    feats, targets, offsets = load(path, "train")
    v_feats, v_targets, v_offsets = load(path, "valid")
    # The items' augmentations and phones are read once, and only where a weight or the cap needs them.
    items = (json.loads((path / "train.json").read_text())["items"]
             if music_press_weight != 1.0 or music_voice_weight != 1.0 or music_false_press_weight
             or music_gap_weight != 1.0 or press_cap is not None else None)
    if press_cap is not None:
        targets = capped_press_targets(targets=targets, items=items, offsets=offsets, cap=press_cap)
    if voice_level:
        targets = np.concatenate([targets, _ahead_max(np.load(path / "train.npz")["voice_level"])[:, None]], axis=1)
    press_weight, voice_weight = (np.ones(len(feats), np.float32) if weight == 1.0
                                  else music_frame_weights(items=items, offsets=offsets, weight=weight, needs=needs)
                                  for weight, needs in ((music_press_weight, press_weight_needs),
                                                        (music_voice_weight, ("music",))))
    # The false press is weighed on the press weight's items only (and their named phones), nowhere else.
    false_press_weight = (np.zeros(len(feats), np.float32) if not music_false_press_weight
                          else music_frame_weights(items=items, offsets=offsets, weight=music_false_press_weight,
                                                   needs=press_weight_needs, elsewhere=0.0))
    if music_false_press_weight and false_press_phones:
        false_press_weight = false_press_weight * phone_frame_mask(items=items, offsets=offsets,
                                                                   letters=false_press_phones)
    gap_weight = (np.zeros(len(feats), np.float32) if music_gap_weight == 1.0
                  else (music_gap_weight - 1.0) * phone_frame_mask(items=items, offsets=offsets, letters=BILABIALS)
                  * music_frame_weights(items=items, offsets=offsets, weight=1.0, needs=press_weight_needs,
                                        elsewhere=0.0))
    return Corpus(feats=feats, targets=targets, v_feats=v_feats, v_offsets=v_offsets, v_targets=v_targets,
                  press_weight=press_weight, voice_weight=voice_weight, false_press_weight=false_press_weight,
                  gap_weight=gap_weight.astype(np.float32))


def capped_press_targets(*, targets: np.ndarray, items: list[dict], offsets: np.ndarray, cap: float) -> np.ndarray:
    """(frames, len(PARAMS)) targets with each item's press capped at `cap` inside its tongue's closures
    (articulation.cap_press_in_phones on the item's own frames and phones)."""
    if len(items) != len(offsets) - 1:
        raise ValueError(f"{len(items)} items for {len(offsets) - 1} utterances in the corpus")
    return np.concatenate([cap_press_in_phones(targets[a:b], item["phones"], cap=cap)
                           for item, a, b in zip(items, offsets[:-1], offsets[1:])]).astype(targets.dtype)


def music_frame_weights(*, items: list[dict], offsets: np.ndarray, weight: float,
                        needs: tuple[str, ...] = ("music",), elsewhere: float = 1.0) -> np.ndarray:
    """(frames,) `weight` on the frames of the items whose augmentation carries every kind in
    `needs` (build_lip_corpus's entries: `music<snr>dB`, `tempo<factor>`), `elsewhere` on the rest."""
    if len(items) != len(offsets) - 1:
        raise ValueError(f"{len(items)} items for {len(offsets) - 1} utterances in the corpus")
    per_item = np.array([weight if all(any(a.startswith(kind) for a in item["augmentation"]) for kind in needs)
                         else elsewhere for item in items], np.float32)
    return np.repeat(per_item, np.diff(offsets))


def phone_frame_mask(*, items: list[dict], offsets: np.ndarray, letters: frozenset[str]) -> np.ndarray:
    """(frames,) 1 on the frames (frame j of an item at j / FRAME_RATE s, as build_lip_corpus times its
    targets) inside the items' phones whose first IPA letter is in `letters`, 0 elsewhere."""
    if len(items) != len(offsets) - 1:
        raise ValueError(f"{len(items)} items for {len(offsets) - 1} utterances in the corpus")
    return np.concatenate([phone_frames(item["phones"], n_frames=end - first, letters=letters)
                           for item, first, end in zip(items, offsets[:-1], offsets[1:])]
                          + [np.zeros(0, bool)]).astype(np.float32)


def _ahead_max(level: np.ndarray) -> np.ndarray:
    """Per frame, the largest of it and the LOOKAHEAD_FRAMES after it (the last ones: what is left)."""
    padded = np.concatenate([level, np.full(LOOKAHEAD_FRAMES, -np.inf, level.dtype)])
    return np.max([padded[k:k + len(level)] for k in range(LOOKAHEAD_FRAMES + 1)], axis=0).astype(np.float32)


def random_crops(*, net: LipNet, x_all: torch.Tensor, y_all: torch.Tensor, w_all: torch.Tensor, schedule: Schedule,
                 rng: np.random.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A batch of crops of the stream: inputs carry the receptive field's worth of past frames and
    LOOKAHEAD_FRAMES of future ones; targets and the loss weights `w_all` (frames, 4: the press's
    shortfall's, the voice level's, the false press's, the gap's excess's) are the crop's own frames."""
    span = net.receptive_field - 1 + schedule.crop + LOOKAHEAD_FRAMES
    starts = rng.integers(0, len(x_all) - span, size=schedule.batch)
    idx = torch.from_numpy(starts[:, None] + np.arange(span)[None, :])
    # Output i of the net ends at input frame receptive_field - 1 + i: it predicts the
    # target LOOKAHEAD_FRAMES before that.
    first = net.receptive_field - 1
    own = idx[:, first:first + schedule.crop]
    return x_all[idx], y_all[own], w_all[own]


def crop_loss(*, pred: torch.Tensor, y: torch.Tensor, press_weight: torch.Tensor | None = None,
              voice_weight: torch.Tensor | None = None, false_press_weight: torch.Tensor | None = None,
              gap_weight: torch.Tensor | None = None) -> torch.Tensor:
    """Weighted error of the predicted mouth `pred` against the targets `y`, both (B, T, len(PARAMS)),
    or both with the voice level after them; `press_weight` (B, T) multiplies the press's shortfall,
    `voice_weight` (B, T) the voice level's error, `false_press_weight` (B, T) adds the press's excess
    over a target under FALSE_PRESS_TARGET, `gap_weight` (B, T) the lip gap's excess over its target's
    (on top of the gap's squared error, at the same factor)."""
    voice = 0.0
    if y.shape[-1] > len(PARAMS):
        voice_err = (pred[..., len(PARAMS):] - y[..., len(PARAMS):]) ** 2
        voice = (voice_err if voice_weight is None else voice_err * voice_weight[..., None]).mean()
    pred, y = pred[..., :len(PARAMS)], y[..., :len(PARAMS)]
    err = ((pred - y) ** 2 * torch.tensor(LOSS_WEIGHTS)).mean()
    # Matching frame-to-frame changes keeps the mouth from flapping on pitch or noise.
    d_err = ((pred.diff(dim=1) - y.diff(dim=1)).abs() * torch.tensor(CHANGE_WEIGHTS)).mean()
    # What shows is the lip gap, jaw * (1 - press): fit it directly. A bilabial left
    # open, or a mouth open in silence, looks worse than a closure on a /t/: both are
    # penalised more.
    gap_excess = pred[..., JAW] * (1 - pred[..., PRESS]) - y[..., JAW] * (1 - y[..., PRESS])
    gap = gap_excess ** 2
    if gap_weight is not None:
        gap = gap + torch.relu(gap_excess) ** 2 * gap_weight
    under_press = torch.relu(y[..., PRESS] - pred[..., PRESS]) ** 2
    if press_weight is not None:
        under_press = under_press * press_weight
    if false_press_weight is not None:
        over_press = torch.relu(pred[..., PRESS] - y[..., PRESS]) ** 2 * (y[..., PRESS] < FALSE_PRESS_TARGET)
        under_press = under_press + over_press * false_press_weight
    rest = (y.abs().sum(dim=2, keepdim=True) < 0.02).float()
    moving_at_rest = (pred * rest) ** 2
    return (err + 2.0 * d_err + 2.0 * gap.mean() + SHORTFALL_WEIGHT * under_press.mean() + 4.0 * moving_at_rest.mean()
            + VOICE_WEIGHT * voice)


def train(*, net: LipNet, corpus: Corpus, silence: np.ndarray, schedule: Schedule, rng: np.random.Generator) -> float:
    """AdamW on a cosine schedule; after each epoch, prints the loss, the validation jaw correlation
    and the time since the first epoch started, the time.time() it returns."""
    steps_per_epoch = len(corpus.feats) // (schedule.crop * schedule.batch)
    total = steps_per_epoch * schedule.epochs
    opt = torch.optim.AdamW(net.parameters(), lr=schedule.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s / total, 1.0))))
    x_all, y_all = torch.from_numpy(corpus.feats), torch.from_numpy(corpus.targets)
    w_all = torch.from_numpy(np.stack([corpus.press_weight, corpus.voice_weight, corpus.false_press_weight,
                                       corpus.gap_weight], axis=1))
    started = time.time()
    for epoch in range(schedule.epochs):
        net.train()
        running = 0.0
        for _ in range(steps_per_epoch):
            x, y, w = random_crops(net=net, x_all=x_all, y_all=y_all, w_all=w_all, schedule=schedule, rng=rng)
            loss = crop_loss(pred=net(x)[:, LOOKAHEAD_FRAMES:], y=y, press_weight=w[..., 0], voice_weight=w[..., 1],
                             false_press_weight=w[..., 2], gap_weight=w[..., 3])
            running += optimizer_step(net=net, loss=loss, opt=opt, sched=sched)
        net.eval()
        corr = jaw_correlation(net, corpus.v_feats, corpus.v_targets, corpus.v_offsets, silence)
        print(f"epoch {epoch + 1}/{schedule.epochs}: loss {running / steps_per_epoch:.4f}, valid jaw r {corr:.3f}, "
              f"{time.time() - started:.0f} s", flush=True)
    return started


def crop_indices(rng: np.random.Generator, *, n_frames: int, span: int, batch: int, steps: int):
    """`steps` (batch, span) int64 tensors of frame indices, each row a random crop of `span` consecutive frames
    out of `n_frames` (the side nets' training loops; one rng draw per step, so a seed gives the same crops)."""
    for _ in range(steps):
        starts = rng.integers(0, n_frames - span, size=batch)
        yield torch.from_numpy(starts[:, None] + np.arange(span)[None, :])


def optimizer_step(*, net: nn.Module, loss: torch.Tensor, opt: torch.optim.Optimizer,
                   sched: torch.optim.lr_scheduler.LRScheduler) -> float:
    """One clipped AdamW step on the loss; returns the loss's value."""
    opt.zero_grad()
    loss.backward()
    nn.utils.clip_grad_norm_(net.parameters(), 1.0)
    opt.step()
    sched.step()
    return loss.item()


def parser() -> argparse.ArgumentParser:
    """The command line's options (main checks their combinations)."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_training_args(ap, epochs=40)
    ap.add_argument("--out", default="src/facetalk/data/lipsync.onnx")
    ap.add_argument("--voice-level", action="store_true",
                    help="a sixth output: the voice's own loudness, which the runtime's stress pass reads")
    ap.add_argument("--music-press-weight", type=float, default=1.0,
                    help="multiplies the press's shortfall loss on items whose augmentation carries music "
                         "(1: off, the committed recipe)")
    ap.add_argument("--fast-music-only", action="store_true",
                    help="--music-press-weight only on items whose augmentation carries time compression too")
    ap.add_argument("--music-false-press-weight", type=float, default=0.0,
                    help="weighs the press's excess over a target of no press (/t d k s/, vowels) on the items "
                         "--music-press-weight weighs (0: off, the committed recipe)")
    ap.add_argument("--false-press-phones", nargs="+", default=[], metavar="LETTER",
                    help="--music-false-press-weight only inside phones whose first IPA letter is one of these "
                         "(e.g. t d k s n l ɡ g); all such frames by default")
    ap.add_argument("--music-voice-weight", type=float, default=1.0,
                    help="multiplies the voice_level loss on items whose augmentation carries music (1: off)")
    ap.add_argument("--music-gap-weight", type=float, default=1.0,
                    help="the lip gap's excess over its target on the bilabials' frames of the items "
                         "--music-press-weight weighs, charged this many times in all (1: off, the committed recipe)")
    ap.add_argument("--cap-nonlabial-press", type=float, default=None, metavar="CAP",
                    help="the training targets' press at most CAP inside /t d n s z k g l/ (a neighbouring "
                         "bilabial's coarticulation; articulation.cap_press_in_phones; default: as built)")
    ap.add_argument("--init", metavar="MODEL.onnx",
                    help="start from this exported model's weights (a fine-tune; --lr and --epochs then small)")
    return ap


def main() -> None:
    ap = parser()
    args = ap.parse_args()
    if args.music_voice_weight != 1.0 and not args.voice_level:
        ap.error("--music-voice-weight weighs the voice_level output, which only --voice-level trains")
    if args.false_press_phones and not args.music_false_press_weight:
        ap.error("--false-press-phones narrows --music-false-press-weight, which is 0")
    if args.music_gap_weight < 1.0:  # charged (W - 1) times on top of the loss: under 1 would reward a gap left open
        ap.error(f"--music-gap-weight {args.music_gap_weight} is under 1 (1: off)")
    if args.cap_nonlabial_press is not None and not 0.0 <= args.cap_nonlabial_press <= 1.0:
        ap.error(f"--cap-nonlabial-press {args.cap_nonlabial_press} is outside 0..1, the press's range")
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    corpus = load_corpus(Path(args.corpus), voice_level=args.voice_level, music_press_weight=args.music_press_weight,
                         music_voice_weight=args.music_voice_weight,
                         press_weight_needs=("music", "tempo") if args.fast_music_only else ("music",),
                         music_false_press_weight=args.music_false_press_weight,
                         false_press_phones=frozenset(args.false_press_phones),
                         music_gap_weight=args.music_gap_weight, press_cap=args.cap_nonlabial_press)
    silence = log_mel(np.zeros(1600, np.float32))[0]
    if args.init:  # a fine-tune: the given model's weights and standardisation, not the corpus's
        net = load_onnx_net(Path(args.init))
        if net.out.out_features != corpus.targets.shape[1]:
            ap.error(f"--init {args.init} has {net.out.out_features} outputs, the corpus {corpus.targets.shape[1]}"
                     " (--voice-level adds voice_level)")
    else:
        net = LipNet(corpus.feats.mean(axis=0), corpus.feats.std(axis=0) + 1e-3, n_outputs=corpus.targets.shape[1])
    n_params = sum(p.numel() for p in net.parameters())
    print(f"{len(corpus.feats) / 360000:.2f} h of training frames, {n_params} parameters, "
          f"receptive field {net.receptive_field} frames", flush=True)
    t0 = train(net=net, corpus=corpus, silence=silence, rng=rng,
               schedule=Schedule(epochs=args.epochs, crop=args.crop, batch=args.batch, lr=args.lr))
    export(net, Path(args.out), silence)
    print(f"wrote {args.out} ({Path(args.out).stat().st_size / 1e6:.2f} MB) in {time.time() - t0:.0f} s")


def export(net: LipNet, path: Path, silence: np.ndarray) -> None:
    extras = VOICE_LEVEL if net.out.out_features > len(PARAMS) else ""
    export_streaming(net, path, silence=silence, output_name="mouth",
                     metadata=(("lookahead_frames", LOOKAHEAD_FRAMES), ("params", ",".join(PARAMS)),
                               ("receptive_field", net.receptive_field), ("extras", extras)))


def export_streaming(net: LipNet, path: Path, *, silence: np.ndarray, output_name: str,
                     metadata: tuple[tuple[str, object], ...]) -> None:
    """The streaming graph (frames, state) -> (outputs, next_state), checked against the trained net
    (streamed in two pieces it must give what training computed in one), with the metadata the runtime reads."""
    net.eval()
    stream = Streaming(net).eval()
    frames = torch.from_numpy(np.repeat(silence[None], 5, 0))
    state = torch.zeros(sum(net.history), net.channels)
    with torch.no_grad():
        x = torch.randn(net.receptive_field - 1 + 50, N_FEATURES) * 3 + net.mean
        _, warm = stream(x[:net.receptive_field - 1], state)
        streamed, _ = stream(x[net.receptive_field - 1:], warm)
        gap = float((streamed - net(x[None])[0]).abs().max())
    if gap > 1e-4:
        raise RuntimeError(f"streaming graph differs from the trained net by {gap}")
    torch.onnx.export(stream, (frames, state), str(path), dynamo=False, opset_version=17,
                      input_names=["frames", "state"], output_names=[output_name, "next_state"],
                      dynamic_axes={"frames": {0: "time"}, output_name: {0: "time"}})
    write_metadata(path, metadata)


def write_metadata(path: Path, metadata: tuple[tuple[str, object], ...]) -> None:
    """Adds the (key, value) pairs to the ONNX file at `path` as its metadata, values as text (the runtime reads them)."""
    import onnx

    model = onnx.load(str(path))
    for key, value in metadata:
        entry = model.metadata_props.add()
        entry.key, entry.value = key, str(value)
    onnx.save(model, str(path))

if __name__ == "__main__":
    main()
