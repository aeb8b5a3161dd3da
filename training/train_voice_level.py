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

--bands (a corpus of build_voice_mixes' with voice_mel): a second head of N_MELS outputs beside the level,
the voice's own log-mel spectrum under the music, in the front end's units (natural log power per band),
charged a squared error per band (in units of the input's standard deviation) on the frames where the
voice lies within BAND_RANGE_DB of its item's peak, times --bands-weight. The graph at --out stays the
level-only one the runtime loads (same output names); the band graph goes beside it
(<out>.bands.onnx: voice, next_state, voice_bands (T, N_MELS)).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: `training` is not installed
from facetalk.audio.mel import N_MELS, log_mel  # noqa: E402
from facetalk.motion.lipsync import VOICE_LEVEL  # noqa: E402
from training.train_lipsync import (  # noqa: E402
    LOOKAHEAD_FRAMES, LipNet, _ahead_max, crop_indices, export_streaming, music_frame_weights, optimizer_step,
    write_metadata)
from training.cli import add_training_args  # noqa: E402

CHANNELS = 64
DILATIONS = (1, 2, 4, 8, 16, 32, 1, 2)  # receptive field 1 + 2 * 66 = 133 frames: 1.32 s of past


class VoiceNet(LipNet):
    """The lip model's causal dilated conv net (train_lipsync.LipNet) with the voice level 0..1 through a
    sigmoid as output 0, its own width and dilations, and with `bands` N_MELS more outputs: the voice's own
    log-mel bands, in the input's units (the raw outputs times the input's std plus its mean, so an
    untrained head starts at the mean spectrum)."""

    def __init__(self, mean: np.ndarray, std: np.ndarray, *, channels: int = CHANNELS,
                 dilations: tuple[int, ...] = DILATIONS, bands: bool = False):
        super().__init__(mean, std, n_outputs=1 + (N_MELS if bands else 0), channels=channels, dilations=dilations)
        self.bands = bands

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, T, N_FEATURES) -> (B, T - receptive_field + 1, 1) voice levels 0..1: no padding."""
        return torch.sigmoid(super().forward(x)[..., :1])

    def forward_bands(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, T, N_FEATURES) -> voice levels (B, T', 1) 0..1 and voice bands (B, T', N_MELS) in natural
        log power, T' = T - receptive_field + 1."""
        raw = super().forward(x)
        return torch.sigmoid(raw[..., :1]), self._band_units(raw[..., 1:])

    def _band_units(self, raw: torch.Tensor) -> torch.Tensor:
        return raw / self.inv_std[:N_MELS] + self.mean[:N_MELS]

    def step(self, frames: torch.Tensor, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Streaming, as exported: frames (T, N_FEATURES) new, state (sum(history), channels) ->
        voice level (T, 1) and the next state."""
        raw, new_state = super().step(frames, state)
        return torch.sigmoid(raw[:, :1]), new_state

    def step_bands(self, frames: torch.Tensor,
                   state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """step's level (T, 1) and next state, and the voice bands (T, N_MELS)."""
        raw, new_state = super().step(frames, state)
        return torch.sigmoid(raw[:, :1]), new_state, self._band_units(raw[:, 1:])


class BandStreaming(torch.nn.Module):
    """The band graph's module: (frames, state) -> (voice, next_state, voice_bands)."""

    def __init__(self, net: VoiceNet):
        super().__init__()
        self.net = net

    def forward(self, frames: torch.Tensor, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """VoiceNet.step_bands: frames (T, N_FEATURES), state -> level (T, 1), next state, bands (T, N_MELS)."""
        return self.net.step_bands(frames, state)


@dataclass(frozen=True)
class LossWeights:
    """The training loss's terms: level_loss's under_weight, pattern_loss's weight, band_loss's weight."""

    under: float = 1.0
    pattern: float = 0.0
    bands: float = 1.0


@dataclass(frozen=True)
class VoiceCorpus:
    """Training frames as one stream with their target levels (frames,) and loss weights (frames,);
    the validation split likewise, utterance k at v_offsets[k]:v_offsets[k + 1]."""

    feats: np.ndarray
    level: np.ndarray
    weight: np.ndarray
    v_feats: np.ndarray
    v_level: np.ndarray
    # a lip corpus's first VALID_MUSIC_ITEMS validation items mixed over music (MUSIC_VALID_SNR_DB), or
    # build_voice_mixes' own validation items over music
    m_feats: np.ndarray
    m_level: np.ndarray
    mel: np.ndarray | None = None  # (frames, N_MELS) the voice's own bands, with --bands
    band_mask: np.ndarray | None = None  # (frames,) float32 1 where band_frame_mask keeps the frame
    b_feats: np.ndarray | None = None  # held-out mixes over music and their voices' bands, one stream
    b_mel: np.ndarray | None = None
    b_mask: np.ndarray | None = None


@dataclass(frozen=True)
class CropTensors:
    """VoiceCorpus's training frames as tensors, which crop_loss indexes: feats (frames, N_FEATURES),
    level (frames,), weight (frames,) and, with a band head, mel (frames, N_MELS) and band_mask (frames,)."""

    feats: torch.Tensor
    level: torch.Tensor
    weight: torch.Tensor
    mel: torch.Tensor | None = None
    band_mask: torch.Tensor | None = None

    @classmethod
    def of(cls, corpus: VoiceCorpus, *, bands: bool) -> CropTensors:
        """corpus's arrays as tensors sharing their memory; mel and band_mask only with bands."""
        extra = dict(mel=torch.from_numpy(corpus.mel), band_mask=torch.from_numpy(corpus.band_mask)) if bands else {}
        return cls(feats=torch.from_numpy(corpus.feats), level=torch.from_numpy(corpus.level),
                   weight=torch.from_numpy(corpus.weight), **extra)


VALID_MUSIC_ITEMS = 80
VOICED_LEVEL = 0.3  # a target over it is a voice sounding (-42 dBFS)
MUSIC_VALID_SNR_DB = (-6.0, 0.0)  # the speech-to-music levels
BAND_RANGE_DB = 30.0  # the band loss's frames: the voice within this of its item's loudest frame


def load_voice_corpus(path: Path, *, music_weight: float, valid_path: Path | None = None,
                      bands: bool = False) -> VoiceCorpus:
    """The training split of `path` (build_lip_corpus's or build_voice_mixes'), the validation split of
    `valid_path` (default `path`): a lip corpus's (with its audio, mixed here by music_validation) or
    build_voice_mixes' `--split valid` (already mixed: its items over music are the music split). bands:
    also the voice's own bands (build_voice_mixes' voice_mel; raises if the corpus has none)."""
    valid_path = valid_path or path
    train, valid = np.load(path / "train.npz"), np.load(valid_path / "valid.npz")
    items = json.loads((path / "train.json").read_text())["items"]
    if (valid_path / "valid_audio.npz").exists():
        m_feats, m_level = music_validation(np.load(valid_path / "valid_audio.npz"))
        music = None
    else:
        v_items = json.loads((valid_path / "valid.json").read_text())["items"]
        music = music_frame_weights(items=v_items, offsets=valid["offsets"], weight=1.0, elsewhere=0.0) > 0
        m_feats, m_level = valid["feats"][music], _ahead_max(valid["voice_level"])[music]
    corpus = VoiceCorpus(feats=train["feats"], level=_ahead_max(train["voice_level"]),
                         weight=music_frame_weights(items=items, offsets=train["offsets"], weight=music_weight),
                         v_feats=valid["feats"], v_level=_ahead_max(valid["voice_level"]),
                         m_feats=m_feats, m_level=m_level)
    if not bands:
        return corpus
    if "voice_mel" not in train.files or music is None or "voice_mel" not in valid.files:
        raise ValueError(f"--bands needs build_voice_mixes' voice_mel in {path} and its valid split in {valid_path}")
    v_mask = band_frame_mask(voice_mel=valid["voice_mel"], offsets=valid["offsets"])
    return replace(corpus, mel=train["voice_mel"],
                   band_mask=band_frame_mask(voice_mel=train["voice_mel"], offsets=train["offsets"]),
                   b_feats=valid["feats"][music], b_mel=valid["voice_mel"][music], b_mask=v_mask[music])


def band_frame_mask(*, voice_mel: np.ndarray, offsets: np.ndarray, range_db: float = BAND_RANGE_DB) -> np.ndarray:
    """(frames,) float32: 1 where the voice's power (the sum over its mel bands, voice_mel (frames, N_MELS)
    natural log) lies within range_db of its item's loudest frame (items at offsets), else 0: the band
    loss's frames (below that, a voice's spectrum under music is neither audible nor worth a target)."""
    power = np.logaddexp.reduce(voice_mel.astype(np.float64), axis=1)
    mask = np.zeros(len(power), np.float32)
    for a, b in zip(offsets[:-1], offsets[1:]):
        if b > a:
            mask[a:b] = power[a:b] >= power[a:b].max() - range_db * np.log(10.0) / 10.0
    return mask


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
    rs = []
    for feats, level in ((corpus.v_feats, corpus.v_level), (corpus.m_feats, corpus.m_level)):
        pred = _stream(net, feats=feats, silence=silence)[0]
        voiced = level > VOICED_LEVEL
        rs.append(float(np.corrcoef(pred[voiced], level[voiced])[0, 1]))
    return rs[0], rs[1]


def _stream(net: VoiceNet, *, feats: np.ndarray, silence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """feats (T, N_FEATURES) run as one stream after silence -> level (T,) and bands (T, N_MELS) or
    (T, 0) without a band head, each aligned with its frame (the look-ahead's outputs dropped)."""
    pad = np.repeat(silence[None], net.receptive_field - 1, 0)
    tail = np.repeat(silence[None], LOOKAHEAD_FRAMES, 0)
    x = torch.from_numpy(np.concatenate([pad, feats, tail]).astype(np.float32)[None])
    with torch.no_grad():
        if not net.bands:
            return net(x)[0, LOOKAHEAD_FRAMES:, 0].numpy(), np.zeros((len(feats), 0), np.float32)
        level, bands = net.forward_bands(x)
    return level[0, LOOKAHEAD_FRAMES:, 0].numpy(), bands[0, LOOKAHEAD_FRAMES:].numpy()


def band_r(estimate: np.ndarray, *, voice_mel: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(N_MELS,) per band, Pearson r of estimate with voice_mel (both (T, N_MELS)) over the frames where
    mask (T,) is set; NaN for a band constant there."""
    keep = mask > 0
    e, v = estimate[keep] - estimate[keep].mean(axis=0), voice_mel[keep] - voice_mel[keep].mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (e * v).sum(axis=0) / np.sqrt((e * e).sum(axis=0) * (v * v).sum(axis=0))


def band_loss(pred: torch.Tensor, *, target: torch.Tensor, mask: torch.Tensor,
              inv_std: torch.Tensor) -> torch.Tensor:
    """Mean squared error per band of pred against target (both (B, T, N_MELS), natural log power), each
    band in units of inv_std (N_MELS,) (the input's spread: bands count alike), over the frames where
    mask (B, T) is 1 (weights allowed); 0 where none is."""
    per_frame = (((pred - target) * inv_std) ** 2).mean(dim=-1)
    return (per_frame * mask).sum() / mask.sum().clamp(min=1.0)


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


def crop_loss(*, net: VoiceNet, tensors: CropTensors, idx: torch.Tensor, own: torch.Tensor,
              weights: LossWeights) -> torch.Tensor:
    """The loss on crops: idx (B, span) input frames, own (B, crop) the frames their outputs estimate;
    tensors: the training corpus as tensors."""
    x = tensors.feats[idx]
    if net.bands:
        level, bands = net.forward_bands(x)
        level, bands = level[:, LOOKAHEAD_FRAMES:, 0], bands[:, LOOKAHEAD_FRAMES:]
    else:
        level = net(x)[:, LOOKAHEAD_FRAMES:, 0]
    target = tensors.level[own]
    loss = level_loss(level, target, tensors.weight[own], under_weight=weights.under)
    if weights.pattern:
        loss = loss + weights.pattern * pattern_loss(level, target)
    if net.bands:
        mask = tensors.band_mask[own] * tensors.weight[own]
        loss = loss + weights.bands * band_loss(bands, target=tensors.mel[own], mask=mask,
                                                inv_std=net.inv_std[:N_MELS])
    return loss


def train(*, net: VoiceNet, corpus: VoiceCorpus, silence: np.ndarray, epochs: int, crop: int, batch: int,
          lr: float, rng: np.random.Generator, weights: LossWeights = LossWeights()) -> None:
    """AdamW on a cosine schedule, crop_loss's terms; prints the validation r per epoch (and with a band
    head the mean and least of the per-band r under music)."""
    steps = len(corpus.feats) // (crop * batch)
    total = steps * epochs
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 0.5 * (1 + math.cos(math.pi * min(s / total, 1.0))))
    tensors = CropTensors.of(corpus, bands=net.bands)
    span = net.receptive_field - 1 + crop + LOOKAHEAD_FRAMES
    # Output i of the net ends at input frame first + i: it estimates frame first + i - LOOKAHEAD_FRAMES.
    first = net.receptive_field - 1
    started = time.time()
    for epoch in range(epochs):
        net.train()
        running = 0.0
        for idx in crop_indices(rng, n_frames=len(corpus.feats), span=span, batch=batch, steps=steps):
            loss = crop_loss(net=net, tensors=tensors, idx=idx, own=idx[:, first:first + crop], weights=weights)
            running += optimizer_step(net=net, loss=loss, opt=opt, sched=sched)
        net.eval()
        r_all, r_music = validation_r(net, corpus, silence)
        line = (f"epoch {epoch + 1}/{epochs}: loss {running / steps:.5f}, valid voice r {r_all:.3f}, "
                f"under music {r_music:.3f}")
        if net.bands:
            rb = band_r(_stream(net, feats=corpus.b_feats, silence=silence)[1], voice_mel=corpus.b_mel,
                        mask=corpus.b_mask)
            line += f", bands r mean {np.nanmean(rb):.3f} least {np.nanmin(rb):.3f}"
        print(f"{line}, {time.time() - started:.0f} s", flush=True)


def export(net: VoiceNet, path: Path, silence: np.ndarray) -> None:
    """The streaming graph, checked against the trained net, with the metadata the runtime reads: the
    level only, whether or not the net has a band head."""
    export_streaming(net, path, silence=silence, output_name="voice", metadata=_metadata(net))


def _metadata(net: VoiceNet) -> tuple[tuple[str, object], ...]:
    """What the runtime reads from a voice-level graph's metadata."""
    return (("lookahead_frames", LOOKAHEAD_FRAMES), ("outputs", VOICE_LEVEL), ("receptive_field", net.receptive_field))


def export_bands(net: VoiceNet, *, path: Path, silence: np.ndarray) -> None:
    """The band graph: (frames (T, N_FEATURES), state) -> (voice (T, 1), next_state, voice_bands (T, N_MELS)),
    with export's metadata plus `bands` (N_MELS)."""
    frames = torch.from_numpy(np.repeat(silence[None], 5, 0).astype(np.float32))
    state = torch.zeros(sum(net.history), net.channels)
    torch.onnx.export(BandStreaming(net.eval()).eval(), (frames, state), str(path), dynamo=False, opset_version=17,
                      input_names=["frames", "state"], output_names=["voice", "next_state", "voice_bands"],
                      dynamic_axes={"frames": {0: "time"}, "voice": {0: "time"}, "voice_bands": {0: "time"}})
    write_metadata(path, _metadata(net) + (("bands", N_MELS),))


def _args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_training_args(ap, epochs=30)
    ap.add_argument("--valid-corpus", default=None,
                    help="the validation split's corpus (build_lip_corpus's, or build_voice_mixes' --split valid), "
                         "when --corpus is build_voice_mixes'")
    ap.add_argument("--out", required=True)
    ap.add_argument("--music-weight", type=float, default=2.0,
                    help="multiplies the loss on items whose augmentation carries music")
    ap.add_argument("--under-weight", type=float, default=1.0,
                    help="multiplies the loss where the estimate is under the voice's level (asymmetric)")
    ap.add_argument("--pattern-weight", type=float, default=0.0,
                    help="adds this x the mean over crops of 1 - r, the estimate's correlation with the "
                         "voice's level over the crop's voiced frames")
    ap.add_argument("--bands", action="store_true",
                    help="a head estimating the voice's own N_MELS log-mel bands (build_voice_mixes' voice_mel)")
    ap.add_argument("--bands-weight", type=float, default=1.0, help="multiplies the band loss")
    return ap.parse_args()


def main() -> None:
    args = _args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(args.seed)
    corpus = load_voice_corpus(Path(args.corpus), music_weight=args.music_weight, bands=args.bands,
                               valid_path=Path(args.valid_corpus) if args.valid_corpus else None)
    silence = log_mel(np.zeros(1600, np.float32))[0]
    net = VoiceNet(corpus.feats.mean(axis=0), corpus.feats.std(axis=0) + 1e-3, bands=args.bands)
    print(f"{len(corpus.feats) / 360000:.2f} h of training frames, {sum(p.numel() for p in net.parameters())} "
          f"parameters, receptive field {net.receptive_field} frames", flush=True)
    if args.bands:
        rb = band_r(corpus.b_feats[:, :N_MELS], voice_mel=corpus.b_mel, mask=corpus.b_mask)
        print(f"the mix's own bands against the voice's under music: r mean {np.nanmean(rb):.3f} "
              f"least {np.nanmin(rb):.3f}", flush=True)
    t0 = time.time()
    train(net=net, corpus=corpus, silence=silence, epochs=args.epochs, crop=args.crop, batch=args.batch, lr=args.lr,
          rng=rng, weights=LossWeights(under=args.under_weight, pattern=args.pattern_weight, bands=args.bands_weight))
    export(net, Path(args.out), silence)
    if args.bands:
        export_bands(net, path=Path(args.out).with_suffix(".bands.onnx"), silence=silence)
        torch.save(net.state_dict(), Path(args.out).with_suffix(".pt"))
    print(f"wrote {args.out} ({Path(args.out).stat().st_size / 1e6:.2f} MB) in {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
