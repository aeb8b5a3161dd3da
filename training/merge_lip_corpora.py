"""Joins lip corpora's training splits into one corpus for train_lipsync.py (not run in CI).

  .venv/bin/python training/merge_lip_corpora.py --out OUT BASE EXTRA [EXTRA ...] [--valid DIR]

OUT/train.npz and OUT/train.json: BASE's training utterances, then each EXTRA's (build_fast_beat.py's), one
stream in that order; BASE's params. OUT's validation split (valid.npz, valid.json, valid_audio.npz) is linked
from --valid, by default BASE (a build with --splits train has none: give a build of the same plan's validation
split, whose items are never augmented).
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

VALID_FILES = ("valid.npz", "valid.json", "valid_audio.npz")


def merge(*, out: Path, parts: list[Path]) -> int:
    """OUT/train.{npz,json} of the parts' training splits in order; returns the number of utterances."""
    data = [np.load(p / "train.npz") for p in parts]
    ends = np.cumsum([0] + [int(d["offsets"][-1]) for d in data])
    offsets = np.concatenate([[0]] + [d["offsets"][1:] + end for d, end in zip(data, ends)])
    np.savez(out / "train.npz", **{k: np.concatenate([d[k] for d in data]) for k in ("feats", "targets", "voice_level")},
             offsets=offsets)
    merged = json.loads((parts[0] / "train.json").read_text())
    for p in parts[1:]:
        merged["items"] += json.loads((p / "train.json").read_text())["items"]
    if len(merged["items"]) != len(offsets) - 1:
        raise ValueError(f"{len(merged['items'])} items in the json files for {len(offsets) - 1} utterances")
    (out / "train.json").write_text(json.dumps(merged, ensure_ascii=False))
    return len(merged["items"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--valid", help="the corpus whose validation split OUT links (default: BASE)")
    ap.add_argument("parts", nargs="+", metavar="CORPUS", help="BASE, then the extras")
    args = ap.parse_args()
    out, parts = Path(args.out), [Path(p) for p in args.parts]
    valid = Path(args.valid or parts[0])
    missing = [name for name in VALID_FILES if not (valid / name).exists()]
    if missing:
        ap.error(f"{valid} has no {', '.join(missing)}: give --valid a corpus with the validation split")
    out.mkdir(parents=True, exist_ok=True)
    n = merge(out=out, parts=parts)
    for name in VALID_FILES:
        if not (out / name).exists():
            os.symlink((valid / name).resolve(), out / name)
    print(f"{n} items in {out}")


if __name__ == "__main__":
    main()
