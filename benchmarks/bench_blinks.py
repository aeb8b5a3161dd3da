"""Blinks as an independent detector sees them, on many portraits.

  .venv/bin/python benchmarks/bench_blinks.py [PORTRAIT ...] [--dir out/portraits] [--seconds 12]
      [--out out/bench_blinks]

Needs the `eval` extra (dlib). For each portrait (the bundled one, every image in --dir, and the
files given), a clip of synthesized speech is rendered with 25 blinks a minute and dlib's 68
landmarks measure the eye aspect ratio (EAR) in every frame. Prints per portrait:

- blinks recovered: a commanded blink (a frame where both lids are >= 0.95 closed, local maximum)
  counts as seen when dlib's EAR falls below 0.6 x the clip's median EAR within +-0.12 s of it;
  with how deep dlib sees them: the median over blinks of the lowest EAR within that window, as
  a share of the clip's median (a blink is seen below 0.6);
- at full closure (both blinks = 1, rendered still), the share of the eye opening (dlib's eye
  polygons on the neutral render) still showing the open eye: pixels a full blink left unchanged,
  apart from the shut lash line (where dlib puts the shut lids); and of those, the share the shut
  lid painter (render.eyes.LidPainter) left as the warped photo had them (or painted within
  PAINTED_LEVELS of it): at most the photo's own eye showing, where the rest are painted lid or
  lash whose colour matches the open eye's;
- the identity distance (dlib's face encoder) between the photo and the frames.

Writes a close-up sheet per portrait (render/closeups.py's layout) to --out.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from unittest.mock import patch

import cv2
import numpy as np

from facetalk.config import Controls
from facetalk.errors import InputError
from evaluation.dlib_face import LEFT_EYE, RIGHT_EYE, DlibFace
from facetalk.io import load_image, save_image, synthesize_speech
from facetalk.motion.frame import MotionFrame
from facetalk.pipeline import Animator
from facetalk.render.eyes import LidPainter

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from closeup_sheet import closeup_sheet  # noqa: E402

TEXT = ("I remember the first morning on the ship. We woke early, checked the systems, and looked out "
        "at the blue planet turning below us. Nobody said a word for a long time.")
WINDOW_S = 0.12
# A pixel of the open eye is unchanged at full closure when every channel is within this of the
# open frame's.
SAME_LEVELS = 10
# ... and the lid painter left it as the warped photo had it when it moved no channel this far (a
# lid faded out at the eye's corners, LID_SIDE_FADE, moves the photo's pixels there by less).
PAINTED_LEVELS = 3


def blink_recovery(animator: Animator, audio: np.ndarray, dlib_face: DlibFace) -> tuple[int, int, float, float]:
    """(commanded blinks, blinks dlib saw, the median over blinks of the lowest EAR near each as a
    share of the clip's median EAR (a blink is seen below 0.6), mean identity distance) over one
    rendered clip."""
    photo = animator.analysis.image
    ref = dlib_face.measure(photo)
    ref_emb = dlib_face.embedding(photo, ref) if ref is not None else None
    ears, closures, times, ids = [], [], [], []
    for frame in animator.render(audio, Controls(seed=3, blink_rate_per_min=25)):
        face = dlib_face.measure(frame.image)
        ears.append(face.eye_aspect_ratio() if face is not None else np.nan)
        if face is not None and ref_emb is not None and frame.index % 5 == 0:
            ids.append(np.linalg.norm(dlib_face.embedding(frame.image, face) - ref_emb))
        closures.append(min(frame.motion.blink_left, frame.motion.blink_right))
        times.append(frame.t_s)
    ears, closures, times = np.array(ears), np.array(closures), np.array(times)
    threshold = 0.6 * np.nanmedian(ears)
    apexes = [i for i in range(1, len(closures) - 1)
              if closures[i] >= 0.95 and closures[i] >= closures[i - 1] and closures[i] > closures[i + 1]]
    lowest = np.array([np.nanmin(ears[np.abs(times - times[i]) <= WINDOW_S + 1e-9], initial=np.inf) for i in apexes])
    seen = int(np.sum(lowest < threshold))
    depth = float(np.median(lowest) / np.nanmedian(ears)) if apexes else float("nan")
    return len(apexes), seen, depth, float(np.mean(ids)) if ids else float("nan")


@dataclass(frozen=True)
class Showing:
    """Shares of the open eye's pixels (dlib's eye polygons on the neutral render, one pixel in
    from their edge) that a full blink leaves as they were (every channel within SAME_LEVELS)."""

    eye: float  # apart from the shut lash line (within 1.5 px of dlib's shut eye polygons)
    with_lash_line: float  # the lash line counted too
    photo: float  # of `eye`, those the lid painter moved less than PAINTED_LEVELS: at most the photo's own


def showing_shares(*, opened: np.ndarray, shut: np.ndarray, unpainted: np.ndarray, inside: np.ndarray,
                   lash_line: np.ndarray) -> Showing:
    """Showing from (H, W, 3) uint8 frames: the open eye, the shut eye, and the shut eye as the
    warped photo drew it before the lid painter (`unpainted`); `inside`, `lash_line` (H, W) bool:
    the open eye's pixels and the shut lash line's."""
    same = np.abs(shut.astype(int) - opened).max(axis=2) < SAME_LEVELS
    painted = np.abs(shut.astype(int) - unpainted).max(axis=2) >= PAINTED_LEVELS
    showing = same & ~lash_line
    return Showing(eye=float(showing[inside].mean()), with_lash_line=float(same[inside].mean()),
                   photo=float((showing & ~painted)[inside].mean()))


def eye_showing(animator: Animator, dlib_face: DlibFace) -> Showing | None:
    """Showing at full closure: iris or sclera still showing. The shut eye's lash line, where dlib
    puts the shut lids (within 1.5 px), is lid, not eye, even where it happens to match the open
    eye's dark iris or lower lash line; a painted pixel elsewhere may match it too (Showing.photo
    leaves those out). None where dlib finds no face or eye."""
    opened = animator.render_motion(MotionFrame(t_s=0))
    shut_motion = MotionFrame(t_s=0, blink_left=1.0, blink_right=1.0)
    shut = animator.render_motion(shut_motion)
    with patch.object(LidPainter, "paint", lambda *args, **kwargs: None):
        unpainted = animator.render_motion(shut_motion)
    face, shut_face = dlib_face.measure(opened), dlib_face.measure(shut)
    if face is None:
        return None
    mask = np.zeros(opened.shape[:2], np.uint8)
    lash_line = np.zeros_like(mask)
    for sl in (RIGHT_EYE, LEFT_EYE):
        cv2.fillPoly(mask, [np.round(face.landmarks[sl]).astype(np.int32)], 1)
        if shut_face is not None:
            cv2.polylines(lash_line, [np.round(shut_face.landmarks[sl]).astype(np.int32)], True, 1, 3)
    inside = cv2.erode(mask, np.ones((3, 3), np.uint8)).astype(bool)
    if not inside.any():
        return None
    return showing_shares(opened=opened, shut=shut, unpainted=unpainted, inside=inside,
                          lash_line=lash_line.astype(bool))


def portraits(args: argparse.Namespace) -> list[tuple[str, np.ndarray]]:
    found = [("astronaut (bundled)", load_image(resources.files("facetalk.data").joinpath("astronaut.jpg")))]
    paths = [Path(p) for p in args.portraits]
    if args.dir and Path(args.dir).is_dir():
        paths += sorted(p for p in Path(args.dir).iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    for path in paths:
        found.append((path.stem, load_image(path)))
    return found


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("portraits", nargs="*")
    ap.add_argument("--dir", default="out/portraits")
    ap.add_argument("--seconds", type=float, default=12.0)
    ap.add_argument("--out", default="out/bench_blinks")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    dlib_face = DlibFace()
    speech = synthesize_speech(TEXT, sr=16000)
    audio = np.tile(speech, int(np.ceil(args.seconds * 16000 / len(speech))))[: int(args.seconds * 16000)]
    totals = np.zeros(2, int)
    for name, photo in portraits(args):
        try:
            animator = Animator(photo, source=name)
        except InputError as err:
            print(f"{name:>28}: skipped ({err})")
            continue
        if dlib_face.measure(animator.analysis.image) is None:
            print(f"{name:>28}: skipped (dlib finds no face in the photo)")
            continue
        n, seen, depth, identity = blink_recovery(animator, audio, dlib_face)
        showing = eye_showing(animator, dlib_face) or Showing(np.nan, np.nan, np.nan)
        totals += (n, seen)
        print(f"{name:>28}: blinks seen {seen}/{n} ({seen / max(n, 1):.0%}, EAR at blinks {depth:.2f} x median); "
              f"at full closure eye showing {showing.eye:.1%} (the photo's own at most {showing.photo:.1%}, "
              f"lash line counted as eye {showing.with_lash_line:.1%}); identity distance {identity:.3f}", flush=True)
        save_image(out / f"closeup-{name.split()[0]}.png", closeup_sheet(animator))
    print(f"all portraits: blinks seen {totals[1]}/{totals[0]} ({totals[1] / max(totals[0], 1):.0%}); sheets in {out}/")


if __name__ == "__main__":
    main()
