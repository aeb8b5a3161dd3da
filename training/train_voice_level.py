"""Trains a small network that estimates only `voice_level` (the voice's own loudness under any music or
noise) and exports it to ONNX, beside the lip model whose mouth outputs it leaves as they are.

  nice -n 15 .venv/bin/python training/train_voice_level.py --corpus out/lips9/corpus --out M.onnx [--seed 0]

Needs the `train` extra (PyTorch, CPU). Same input (facetalk.audio.mel frames), same look-ahead
(LOOKAHEAD_FRAMES, so live latency does not grow) and same target as the lip model's sixth output
(train_lipsync: the largest of the voice's levels over the frame and the frames it looks ahead at),
but a net of its own with a longer past (DILATIONS: 1.3 s, against the lip net's 0.64 s: music is
sustained and periodic, a voice's harmonics glide and stop) and a loss on the voice level alone,
weighted up on items carrying music. The exported graph streams like the lip model's: (frames,
state) -> (voice_level (T, 1), next state); chunked or whole, the outputs agree within 1e-6 (tested).
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: `training` is not installed
from facetalk.audio.mel import log_mel  # noqa: E402
from facetalk.motion.lipsync import VOICE_LEVEL  # noqa: E402
from training.train_lipsync import (  # noqa: E402
    LOOKAHEAD_FRAMES, LipNet, _ahead_max, export_streaming, music_frame_weights, optimizer_step)

CHANNELS = 64
DILATIONS = (1, 2, 4, 8, 16, 32, 1, 2)  # receptive field 1 + 2 * 66 = 133 frames: 1.32 s of past


class VoiceNet(LipNet):
    """The lip model's causal dilated conv net (train_lipsync.LipNet) with one output, the voice level
    0..1 through a sigmoid, and its own width and dilations."""

    def __init__(self, mean: np.ndarray, std: np.ndarray, *, channels: int = CHANNELS,
                 dilations: tuple[int, ...] = DILATIONS):
        super().__init__(mean, std, n_outputs=1, channels=channels, dilations=dilations)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, N_FEATURES) -> (B, T - receptive_field + 1, 1) voice levels 0..1: no padding."""
        return torch.sigmoid(super().forward(x))

    def step(self, frames: torch.Tensor, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Streaming, as exported: frames (T, N_FEATURES) new, state (sum(history), channels) ->
        voice level (T, 1) and the next state."""
        level, new_state = super().step(frames, state)
        return torch.sigmoid(level), new_state


@dataclass(frozen=True)
class VoiceCorpus:
    """Training frames as one stream with their target levels (frames,) and loss weights (frames,);
    the validation split likewise, utterance k at v_offsets[k]:v_offsets[k + 1]."""

    feats: np.ndarray
    level: np.ndarray
    weight: np.ndarray
    v_feats: np.ndarray
    v_level: np.ndarray
    m_feats: np.ndarray  # the first VALID_MUSIC_ITEMS validation items over music (MUSIC_VALID_SNR_DB)
    m_level: np.ndarray


VALID_MUSIC_ITEMS = 80
VOICED_LEVEL = 0.3  # a target over it is a voice sounding (-42 dBFS)
MUSIC_VALID_SNR_DB = (-6.0, 0.0)  # the speech-to-music levels


def load_voice_corpus(path: Path, *, music_weight: float, valid_path: Path | None = None) -> VoiceCorpus:
    """The training split of `path` (build_lip_corpus's or build_voice_mixes'), the validation split (and its
    audio) of `valid_path` (build_lip_corpus's; default `path`)."""
    valid_path = valid_path or path
    train, valid = np.load(path / "train.npz"), np.load(valid_path / "valid.npz")
    items = json.loads((path / "train.json").read_text())["items"]
    m_feats, m_level = music_validation(np.load(valid_path / "valid_audio.npz"))
    return VoiceCorpus(feats=train["feats"], level=_ahead_max(train["voice_level"]),
                       weight=music_frame_weights(items=items, offsets=train["offsets"], weight=music_weight),
                       v_feats=valid["feats"], v_level=_ahead_max(valid["voice_level"]),
                       m_feats=m_feats, m_level=m_level)


def music_validation(audio: np.lib.npyio.NpzFile) -> tuple[np.ndarray, np.ndarray]:
    """(features, target levels) of held-out items over build_lip_corpus's music (the validation split
    has none), seeded: the figure the runtime needs, the voice's loudness under louder music."""
    from training.build_lip_corpus import SR, _add_at_snr, _music, voice_levels

    rng = np.random.default_rng(1234)
    pcm, offsets = audio["audio"], audio["offsets"]
    feats, levels = [], []
    for a, b in zip(offsets[:VALID_MUSIC_ITEMS], offsets[1:VALID_MUSIC_ITEMS + 1]):
        voice = pcm[a:b].astype(np.float64) / 32768.0
        mix = _add_at_snr(voice, _music(len(voice), rng, SR), rng.uniform(*MUSIC_VALID_SNR_DB))
        f = log_mel(mix.astype(np.float32), sr=SR)
        feats.append(f)
        levels.append(_ahead_max(voice_levels(voice.astype(np.float32))[:len(f)]))
    return np.concatenate(feats).astype(np.float32), np.concatenate(levels)


def validation_r(net: VoiceNet, corpus: VoiceCorpus, silence: np.ndarray) -> tuple[float, float]:
    """(r of the estimate with the target over the validation frames with a voice (level > VOICED_LEVEL),
    the same over music), each split run as one stream after silence."""
    pad = np.repeat(silence[None], net.receptive_field - 1, 0)
    tail = np.repeat(silence[None], LOOKAHEAD_FRAMES, 0)
    rs = []
    for feats, level in ((corpus.v_feats, corpus.v_level), (corpus.m_feats, corpus.m_level)):
        with torch.no_grad():
            pred = net(torch.from_numpy(np.concatenate([pad, feats, tail])[None]))[0, LOOKAHEAD_FRAMES:, 0].numpy()
        voiced = level > VOICED_LEVEL
        rs.append(float(np.corrcoef(pred[voiced], level[voiced])[0, 1]))
    return rs[0], rs[1]


def level_loss(pred: torch.Tensor, target: torch.Tensor, weight: torch.Tensor, *,
               under_weight: float = 1.0) -> torch.Tensor:
    """Mean weighted squared error of levels (any shape alike), times under_weight where the estimate
    is under the target. A plain squared error hedges toward quiet where music covers the voice (round
    10's nets read the voice 8-12 dB low under music 6 dB louder). An estimate under the target costing
    under_weight = u times more moves the optimum from the mean to the tau = u / (1 + u) expectile of
    the targets (u 4: 0.8): it raises the estimate on every item, clean speech and silence too, not only
    where music hides the voice (1: the plain squared error, the same bits)."""
    under = torch.where(pred < target, under_weight, 1.0)
    return ((pred - target) ** 2 * weight * under).mean()


def pattern_loss(pred: torch.Tensor, target: torch.Tensor, *, min_frames: int = 10) -> torch.Tensor:
    """Mean over the crops (rows of (B, T)) with at least min_frames voiced frames (target over
    VOICED_LEVEL) of 1 - Pearson r of the estimate with the target over those frames; 0 if none. What the
    runtime reads is the level's rise and fall within the voice (StressJaw's gain is the level over its
    running mean), which a squared error over all frames weighs little against the step from silence to
    voice: this term asks for that pattern alone, at any offset and scale, within each crop (an item's
    overall gain is not part of it)."""
    voiced = (target > VOICED_LEVEL).to(pred.dtype)
    n = voiced.sum(dim=1)
    rows = n >= min_frames
    if not bool(rows.any()):
        return pred.sum() * 0.0
    p_mean = (pred * voiced).sum(dim=1, keepdim=True) / n.clamp(min=1)[:, None]
    t_mean = (target * voiced).sum(dim=1, keepdim=True) / n.clamp(min=1)[:, None]
    p, t = (pred - p_mean) * voiced, (target - t_mean) * voiced
    r = (p * t).sum(dim=1) / torch.sqrt((p * p).sum(dim=1) * (t * t).sum(dim=1) + 1e-12)
    return (1.0 - r[rows]).mean()


def train(*, net: VoiceNet, corpus: VoiceCorpus, silence: np.ndarray, epochs: int, crop: int, batch: int,
          lr: float, rng: np.random.Generator, under_weight: float = 1.0, pattern_weight: float = 0.0) -> None:
    """AdamW on a cosine schedule, weighted squared error of the level (+ pattern_weight x pattern_loss);
    prints the validation r per epoch. under_weight: level_loss's."""
    steps = len(corpus.feats) // (crop * batch)
    total = steps * epochs
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s / total, 1.0))))
    x_all, y_all = torch.from_numpy(corpus.feats), torch.from_numpy(corpus.level)
    w_all = torch.from_numpy(corpus.weight)
    span = net.receptive_field - 1 + crop + LOOKAHEAD_FRAMES
    # Output i of the net ends at input frame first + i: it estimates frame first + i - LOOKAHEAD_FRAMES.
    first = net.receptive_field - 1
    started = time.time()
    for epoch in range(epochs):
        net.train()
        running = 0.0
        for _ in range(steps):
            starts = rng.integers(0, len(x_all) - span, size=batch)
            idx = torch.from_numpy(starts[:, None] + np.arange(span)[None, :])
            own = idx[:, first:first + crop]
            pred = net(x_all[idx])[:, LOOKAHEAD_FRAMES:, 0]
            loss = level_loss(pred, y_all[own], w_all[own], under_weight=under_weight)
            if pattern_weight:
                loss = loss + pattern_weight * pattern_loss(pred, y_all[own])
            running += optimizer_step(net=net, loss=loss, opt=opt, sched=sched)
        net.eval()
        r_all, r_music = validation_r(net, corpus, silence)
        print(f"epoch {epoch + 1}/{epochs}: loss {running / steps:.5f}, valid voice r {r_all:.3f}, "
              f"under music {r_music:.3f}, {time.time() - started:.0f} s", flush=True)


def export(net: VoiceNet, path: Path, silence: np.ndarray) -> None:
    """The streaming graph, checked against the trained net, with the metadata the runtime reads."""
    export_streaming(net, path, silence=silence, output_name="voice",
                     metadata=(("lookahead_frames", LOOKAHEAD_FRAMES), ("outputs", VOICE_LEVEL),
                               ("receptive_field", net.receptive_field)))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="out/lip_corpus")
    ap.add_argument("--valid-corpus", default=None,
                    help="the validation split's corpus (build_lip_corpus's), when --corpus is build_voice_mixes'")
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--crop", type=int, default=256, help="output frames per training crop")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--music-weight", type=float, default=2.0,
                    help="multiplies the loss on items whose augmentation carries music")
    ap.add_argument("--under-weight", type=float, default=1.0,
                    help="multiplies the loss where the estimate is under the voice's level (asymmetric)")
    ap.add_argument("--pattern-weight", type=float, default=0.0,
                    help="adds this x the mean over crops of 1 - r, the estimate's correlation with the "
                         "voice's level over the crop's voiced frames")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)  # one thread: the machine is shared, and this keeps runs reproducible
    rng = np.random.default_rng(args.seed)
    corpus = load_voice_corpus(Path(args.corpus), music_weight=args.music_weight,
                               valid_path=Path(args.valid_corpus) if args.valid_corpus else None)
    silence = log_mel(np.zeros(1600, np.float32))[0]
    net = VoiceNet(corpus.feats.mean(axis=0), corpus.feats.std(axis=0) + 1e-3)
    print(f"{len(corpus.feats) / 360000:.2f} h of training frames, {sum(p.numel() for p in net.parameters())} "
          f"parameters, receptive field {net.receptive_field} frames", flush=True)
    t0 = time.time()
    train(net=net, corpus=corpus, silence=silence, epochs=args.epochs, crop=args.crop, batch=args.batch,
          lr=args.lr, rng=rng, under_weight=args.under_weight, pattern_weight=args.pattern_weight)
    export(net, Path(args.out), silence)
    print(f"wrote {args.out} ({Path(args.out).stat().st_size / 1e6:.2f} MB) in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
