"""The command-line options every training script shares (corpus, crop, batch, schedule, threads, seed),
in one place so their names, defaults and help read the same in each; torch-free, so a script's
--evaluate path can parse its options without torch."""

from __future__ import annotations

import argparse


def add_training_args(ap: argparse.ArgumentParser, *, epochs: int) -> None:
    """--corpus, --epochs (default `epochs`), --crop, --batch, --lr, --threads and --seed on `ap`."""
    ap.add_argument("--corpus", default="out/lip_corpus")
    ap.add_argument("--epochs", type=int, default=epochs)
    ap.add_argument("--crop", type=int, default=256, help="output frames per training crop")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1: reproducible on a shared machine)")
    ap.add_argument("--seed", type=int, default=0)
