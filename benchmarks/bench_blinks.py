"""Blinks as an independent detector sees them, on many portraits.

  .venv/bin/python benchmarks/bench_blinks.py [PORTRAIT ...] [--dir out/portraits] [--seconds 12]
      [--out out/bench_blinks] [--still-only]

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
- at full closure, the issue's own figure (iris or sclera showing): the share of the same polygons
  whose colour at full closure is nearer the photo's own iris or sclera than any blend of its lid
  skin, that skin in shade and the shut lash line's dark (CIE Lab, per eye; see `eye_colours` and
  `iris_or_sclera`): what is certainly eye (an iris as dark as the lash line is not told from it);
- the identity distance (dlib's face encoder) between the photo and the frames.

Writes a close-up sheet per portrait (render/closeups.py's layout) to --out. With --still-only,
only the two figures at full closure (no clip, no identity, no sheet: seconds a portrait).
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
from facetalk.face.landmarks import LEFT_IRIS, RIGHT_IRIS
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


# The iris disc from the face mesh's iris ring is widened by this before the sclera is sampled
# outside it, so the limbus's blend of iris and white does not pull the sclera's colour toward the iris.
LIMBUS_MARGIN = 1.25
# The lid skin is sampled in crescents above and below the opening: the eye polygon moved this many
# eye widths up (down), less the polygon itself grown by LID_BAND_GAP_PX (its lash lines).
LID_BAND_SHIFT = 0.25
LID_BAND_GAP_PX = 2
# The shut lash line's dark: the median of its darkest tenth (its core, not the skin it blends into).
LASH_DARK_QUANTILE = 10
# A shut lid's skin is seen down to this share of its light (linear RGB): the socket's shade.
LID_SHADE = 0.5


@dataclass(frozen=True, eq=False)
class EyeColours:
    """One eye's reference colours, CIE Lab (L 0-100), each (3,) float32 or None when it had no pixels:
    the photo's own iris and sclera (the open neutral render), the lid skin above and below the
    opening, open and at full closure (the shut lid painter's), the shut lash line's dark."""

    iris: np.ndarray | None
    sclera: np.ndarray | None
    lid_above: np.ndarray | None
    lid_below: np.ndarray | None
    lid_shut_above: np.ndarray | None
    lid_shut_below: np.ndarray | None
    lash: np.ndarray | None


def to_lab(image: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 RGB -> (H, W, 3) float32 CIE Lab, L in 0-100."""
    return cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)


def _median(*, lab: np.ndarray, mask: np.ndarray) -> np.ndarray | None:
    return np.median(lab[mask], axis=0) if mask.any() else None


def eye_colours(*, opened_lab: np.ndarray, shut_lab: np.ndarray, inside: np.ndarray, iris_disc: np.ndarray,
                lid_above: np.ndarray, lid_below: np.ndarray, lash_line: np.ndarray) -> EyeColours:
    """One eye's colours from (H, W, 3) Lab frames, open and shut, and (H, W) bool masks: the open
    eye's polygon, the iris disc (the mesh's iris, widened by LIMBUS_MARGIN), the lid bands above
    and below the opening, the shut lash line. The iris is the median of the polygon inside the disc;
    the sclera that of the brighter half (L) of the polygon outside it (the sclera is the brightest
    part of an open eye; its darker half is lash shadow and lid margin); the lash line's dark that
    of the darkest LASH_DARK_QUANTILE % of the shut lash line beside the disc."""
    outside = inside & ~iris_disc
    bright = outside & (opened_lab[..., 0] >= np.median(opened_lab[..., 0][outside])) if outside.any() else outside
    # The lash line is sampled beside the iris disc: where the eye shows across it, the iris there
    # would be taken for lash (and never counted).
    line = lash_line & ~iris_disc if (lash_line & ~iris_disc).any() else lash_line
    lash = None
    if line.any():
        lum = shut_lab[..., 0][line]
        lash = np.median(shut_lab[line][lum <= np.percentile(lum, LASH_DARK_QUANTILE)], axis=0)
    return EyeColours(iris=_median(lab=opened_lab, mask=inside & iris_disc),
                      sclera=_median(lab=opened_lab, mask=bright),
                      lid_above=_median(lab=opened_lab, mask=lid_above),
                      lid_below=_median(lab=opened_lab, mask=lid_below),
                      lid_shut_above=_median(lab=shut_lab, mask=lid_above),
                      lid_shut_below=_median(lab=shut_lab, mask=lid_below), lash=lash)


def _distance_to_blends(*, lab: np.ndarray, refs: list[np.ndarray]) -> np.ndarray:
    """(N,) Lab distance from each of (N, 3) Lab pixels to the nearest blend of two of the (3,) Lab
    colours (the segment between them)."""
    best = np.full(lab.shape[0], np.inf, np.float32)
    for i, a in enumerate(refs):
        for b in refs[i:]:
            span = b - a
            t = np.clip((lab - a) @ span / max(float(span @ span), 1e-6), 0.0, 1.0)
            best = np.minimum(best, np.linalg.norm(lab - a - t[:, None] * span, axis=1))
    return best


def _shaded(lab: np.ndarray) -> np.ndarray:
    """(3,) Lab: the colour with its light (linear RGB) scaled by LID_SHADE."""
    rgb = cv2.cvtColor(lab.reshape(1, 1, 3).astype(np.float32), cv2.COLOR_Lab2RGB)
    return cv2.cvtColor(rgb * np.float32(LID_SHADE), cv2.COLOR_RGB2Lab).reshape(3)


def iris_or_sclera(*, lab: np.ndarray, colours: EyeColours) -> np.ndarray:
    """(N,) bool: those of the (N, 3) Lab pixels nearer the eye's iris or sclera than any blend of
    its lid skins and the shut lash line's dark (each also shaded by LID_SHADE; Euclidean in Lab;
    all False when the eye has neither iris nor sclera sampled). Blends, because a lash line's soft
    edge and the lid's socket shade mix lash, skin and shadow: mid-way between a pale lid and its
    dark line sits about where a brown iris does, and that is lid. So an iris as dark as the lash
    line or the shaded lid is not told from them: the figure counts what is certainly eye."""
    eye = [c for c in (colours.iris, colours.sclera) if c is not None]
    skins = [c for c in (colours.lid_above, colours.lid_below, colours.lid_shut_above, colours.lid_shut_below)
             if c is not None]
    dark = [colours.lash, _shaded(colours.lash)] if colours.lash is not None else []  # its core is darker still
    lid = skins + [_shaded(c) for c in skins] + dark
    if not eye or not lid:
        return np.zeros(lab.shape[0], bool)
    nearest_eye = np.min([np.linalg.norm(lab - c, axis=1) for c in eye], axis=0)
    return nearest_eye < _distance_to_blends(lab=lab, refs=lid)


def _polygon_mask(*, shape: tuple[int, ...], points: np.ndarray) -> np.ndarray:
    mask = np.zeros(shape[:2], np.uint8)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 1)
    return mask


@dataclass(frozen=True, eq=False)
class EyeMasks:
    """One eye's (H, W) bool masks: the open polygon's inside, the iris disc, the lid bands above and
    below the opening, and the shut lash line (empty where dlib found no shut eye)."""

    inside: np.ndarray
    iris_disc: np.ndarray
    lid_above: np.ndarray
    lid_below: np.ndarray
    lash_line: np.ndarray


def eye_masks(*, shape: tuple[int, ...], eye_px: np.ndarray, shut_eye_px: np.ndarray | None,
              iris_px: np.ndarray) -> EyeMasks:
    """EyeMasks for one eye from dlib's (6, 2) px eye polygons, open and shut (None: no lash line),
    and the mesh's (5, 2) px iris (centre, then the ring)."""
    polygon = _polygon_mask(shape=shape, points=eye_px)
    inside = cv2.erode(polygon, np.ones((3, 3), np.uint8)).astype(bool)
    radius = LIMBUS_MARGIN * np.linalg.norm(iris_px[1:] - iris_px[0], axis=1).mean()
    disc = np.zeros(shape[:2], np.uint8)
    cv2.circle(disc, tuple(int(v) for v in np.round(iris_px[0])), max(int(round(radius)), 1), 1, -1)
    grown = cv2.dilate(polygon, np.ones((2 * LID_BAND_GAP_PX + 1,) * 2, np.uint8)).astype(bool)
    shift = np.array([0.0, LID_BAND_SHIFT * np.linalg.norm(eye_px[3] - eye_px[0])])
    above, below = (_polygon_mask(shape=shape, points=eye_px + sign * shift).astype(bool) & ~grown for sign in (-1, 1))
    lash = np.zeros(shape[:2], np.uint8)
    if shut_eye_px is not None:
        cv2.polylines(lash, [np.round(shut_eye_px).astype(np.int32)], True, 1, 3)
    return EyeMasks(inside=inside, iris_disc=disc.astype(bool), lid_above=above, lid_below=below,
                    lash_line=lash.astype(bool))


@dataclass(frozen=True, eq=False)
class IrisSclera:
    """The issue's figure at full closure: the share of the open eye's pixels (both eyes' polygons)
    whose colour is the eye's iris or sclera rather than lid skin or lash; `counted` (H, W) bool
    marks them (for checking by eye)."""

    share: float
    counted: np.ndarray


def iris_sclera_showing(*, opened: np.ndarray, shut: np.ndarray, eyes: list[EyeMasks]) -> IrisSclera:
    """IrisSclera from (H, W, 3) uint8 RGB frames, open and shut, and per eye its eye_masks."""
    opened_lab, shut_lab = to_lab(opened), to_lab(shut)
    counted = np.zeros(opened.shape[:2], bool)
    total = np.zeros(opened.shape[:2], bool)
    for eye in eyes:
        colours = eye_colours(opened_lab=opened_lab, shut_lab=shut_lab, inside=eye.inside, iris_disc=eye.iris_disc,
                              lid_above=eye.lid_above, lid_below=eye.lid_below, lash_line=eye.lash_line)
        counted[eye.inside] |= iris_or_sclera(lab=shut_lab[eye.inside], colours=colours)
        total |= eye.inside
    return IrisSclera(share=float(counted[total].mean()) if total.any() else float("nan"), counted=counted)


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


def iris_sclera_at_closure(*, animator: Animator, dlib_face: DlibFace) -> IrisSclera | None:
    """The issue's figure at full closure (both blinks = 1, still): dlib's eye polygons on the
    neutral render, the face mesh's irises of the photo. None where dlib finds no face."""
    opened = animator.render_motion(MotionFrame(t_s=0))
    shut = animator.render_motion(MotionFrame(t_s=0, blink_left=1.0, blink_right=1.0))
    face, shut_face = dlib_face.measure(opened), dlib_face.measure(shut)
    if face is None:
        return None
    irises = [animator.analysis.landmarks_px[list(ids), :2] for ids in (RIGHT_IRIS, LEFT_IRIS)]
    eyes = []
    for sl in (RIGHT_EYE, LEFT_EYE):
        eye_px = face.landmarks[sl]
        iris = min(irises, key=lambda pts: np.linalg.norm(pts[0] - eye_px.mean(0)))  # image side, not naming
        eyes.append(eye_masks(shape=opened.shape, eye_px=eye_px, iris_px=iris,
                              shut_eye_px=shut_face.landmarks[sl] if shut_face is not None else None))
    return iris_sclera_showing(opened=opened, shut=shut, eyes=eyes)


def portraits(args: argparse.Namespace) -> list[tuple[str, np.ndarray]]:
    found = [("astronaut (bundled)", load_image(resources.files("facetalk.data").joinpath("astronaut.jpg")))]
    paths = [Path(p) for p in args.portraits]
    if args.dir and Path(args.dir).is_dir():
        paths += sorted(p for p in Path(args.dir).iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    for path in paths:
        found.append((path.stem, load_image(path)))
    return found


def still_figures(*, animator: Animator, dlib_face: DlibFace) -> str:
    """The two figures at full closure, as printed."""
    showing = eye_showing(animator, dlib_face) or Showing(np.nan, np.nan, np.nan)
    issue = iris_sclera_at_closure(animator=animator, dlib_face=dlib_face)
    return (f"at full closure eye showing {showing.eye:.1%} (the photo's own at most {showing.photo:.1%}, "
            f"lash line counted as eye {showing.with_lash_line:.1%}), iris or sclera by colour "
            f"{issue.share if issue is not None else np.nan:.1%}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("portraits", nargs="*")
    ap.add_argument("--dir", default="out/portraits")
    ap.add_argument("--seconds", type=float, default=12.0)
    ap.add_argument("--out", default="out/bench_blinks")
    ap.add_argument("--still-only", action="store_true", help="only the figures at full closure")
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
        if args.still_only:
            print(f"{name:>28}: {still_figures(animator=animator, dlib_face=dlib_face)}", flush=True)
            continue
        n, seen, depth, identity = blink_recovery(animator, audio, dlib_face)
        totals += (n, seen)
        print(f"{name:>28}: blinks seen {seen}/{n} ({seen / max(n, 1):.0%}, EAR at blinks {depth:.2f} x median); "
              f"{still_figures(animator=animator, dlib_face=dlib_face)}; identity distance {identity:.3f}", flush=True)
        save_image(out / f"closeup-{name.split()[0]}.png", closeup_sheet(animator))
    if not args.still_only:
        print(f"all portraits: blinks seen {totals[1]}/{totals[0]} ({totals[1] / max(totals[0], 1):.0%}); "
              f"sheets in {out}/")


if __name__ == "__main__":
    main()
