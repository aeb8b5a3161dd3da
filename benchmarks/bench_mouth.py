"""The open mouth by numbers, on many portraits: is its inside dark and graded, with a lighter
tongue and lower teeth at the bottom, rather than one flat colour?

  .venv/bin/python benchmarks/bench_mouth.py [PORTRAIT ...] [--dir out/portraits]

For the widest vowel (jaw_open 1), over the pixels the mouth interior changed (the new opening),
in the middle 60% of its columns, each column split in thirds from the upper lip down:
  middle: the middle third's mean luminance, as a share of the skin's (median over the face oval);
  bottom/middle: the bottom third's (tongue, lower teeth) over the middle third's;
  dark: the share of the opening darker than 12% of the skin;
  sides/middle: the middle third's mean luminance in the columns 10-25% of the way in from either
    end of the opening over that in its middle 20% of columns (well over 1: lit walls round a dark
    blot mid-mouth, 1.20-2.43 at 926ef9b; since cavity39 the wide mouth's dark is a broad band over the
    tongue with lit walls only beside it, so 1.08-1.72 over the 14 portraits at fc582f9, 1.10-1.81 at
    fa97d5a (the floor beside the tongue's flanks dim, not black); about 1 or
    under: the columns 10-25% in as dark as the middle or darker, the band reaching the corners;
    1.07-2.46 since throat41, the bundled photo 1.20 and 01 1.18, near that: WALL_TOP_SHADE shades
    the walls' upper half too, lit only low; 0.89-1.68 since cavity43, bundled 0.90 and 01 0.89, by a
    lighter middle, not darker sides: the taller resting tongue's top reaches into the middle third
    mid-mouth, bundled 24.8 -> 32.9 there, its sides 29.5 -> 29.6);
  ms: the mouth painter's time for that frame (min of 20);
  flicker: held open (jaw_open 0.6) while the head turns slowly (0.24 deg a frame, 21 frames), the
    largest frame-to-frame step of the cavity's mean colour, gray levels (bench_realism's measure;
    the issue asks <= 1; held still, frames are identical). The cavity is re-cut in each frame, not
    followed as the lip band is: it is dark and nearly flat, so the pixels its edge gains or loses
    move its mean little (on the engraving 0.46 against the followed band's 0.48);
  lip flicker: the same for the lip band, the pixels within 3 px outside the opening (the lips'
    inner faces and edges the painter and the rim clearing touch), sampled head-relative: the band
    is taken once, in the middle frame, and each frame is read (bilinear) where those points went,
    by the affine map that best carries the middle frame's lip landmarks onto its own. A band
    re-cut in every frame's pixels shifts its pixel set as the head turns; on small mouths (45-88 px)
    that alone read 1.0-1.6 levels (03, 05, 06, 10) where the followed band steps 0.14-0.48.
    The band's mean hides local flicker: a few points jumping 10-40 levels move it under 0.3.
  lip points, jumpy: the band's points and how many of them step more than 8 levels between any
    two frames (JUMP_LEVELS); jumpy held: the same with the middle frame unchanged, moved by the
    same affine maps, so the count resampling alone gives on steep edges (the baseline: jumpy over
    jumpy held is the painter's own local flicker).

With --rounding, instead: are rounded lips round and spread lips wide, as dlib's 68 points (an
independent detector, the eval extra) read them? For each of ROUNDING_SHAPES (/o/, /u/, /i/ and the
neutral vowel at /o/'s jaw, the lip model's targets): "w" the outer mouth width (points 48-54) over
the photo's own, and "a" the inner opening's aspect, its height (62-66) over its width (60-64);
"o/i" /o/'s width over /i/'s (clearly under 1 on every face: rounded narrower than spread, smiling
photos too); "o id" dlib's identity distance from the photo to /o/'s frame (a mouth drawn in too far
reads as someone else). dlib predicts in the photo's face box, so the frames differ by the mouth alone.
"""

import argparse
import math
import time
from importlib import resources
from pathlib import Path

import numpy as np

from facetalk.face import landmarks as lm
from facetalk.face.rig import jaw_lift_share
from facetalk.imaging import sample_points
from facetalk.io import load_image
from facetalk.motion.frame import MotionFrame
from facetalk.pipeline import Animator
from facetalk.render.renderer import posed_vertices

LUMA = np.array([0.299, 0.587, 0.114])
LIP_BAND_PX = 3  # the lip band's width about the opening (px), for its flicker
JUMP_LEVELS = 8.0  # gray levels a followed lip point may step between frames before it counts
LIP_LANDMARKS = tuple(sorted(set(lm.LIPS_OUTER_UPPER + lm.LIPS_OUTER_LOWER + lm.LIPS_INNER_UPPER
                                 + lm.LIPS_INNER_LOWER)))  # the landmarks the lip band is followed by


def skin_luma(animator: Animator) -> float:
    import cv2

    image = animator.analysis.image
    oval = np.round(animator.analysis.landmarks_px[list(lm.FACE_OVAL), :2]).astype(np.int32)
    face = cv2.fillPoly(np.zeros(image.shape[:2], np.uint8), [oval], 1) > 0
    return float(np.median(image[face] @ LUMA))


def opening_figures(image: np.ndarray, opening: np.ndarray, skin: float) -> dict[str, float]:
    """The figures above for one frame and its (H, W) bool opening (NaN where it is too small to read)."""
    luma = image.astype(float) @ LUMA
    xs = np.nonzero(opening.any(axis=0))[0]
    nan = {"middle": math.nan, "bottom/middle": math.nan, "dark": math.nan, "sides/middle": math.nan}
    if len(xs) == 0:
        return nan
    span = xs.max() - xs.min() + 1
    cut = span // 5
    thirds = {}  # column -> (middle third, bottom third) luminances
    for x in range(xs.min(), xs.max() + 1):
        ys = np.nonzero(opening[:, x])[0]
        if len(ys) < 6:
            continue
        top, n = ys.min(), ys.max() + 1 - ys.min()
        thirds[x] = luma[top + n // 3:top + 2 * n // 3, x], luma[top + 2 * n // 3:top + n, x]
    dark = float(np.mean(luma[opening] < 0.12 * skin))
    inner = [x for x in thirds if xs.min() + cut <= x <= xs.max() - cut]
    if not inner:  # every column under 6 px: no thirds to compare
        return nan | {"dark": dark}
    middle_l = float(np.concatenate([thirds[x][0] for x in inner]).mean())
    bottom_l = float(np.concatenate([thirds[x][1] for x in inner]).mean())
    at = lambda lo, hi: [x for x in thirds if lo <= abs(x - xs.min() - 0.5 * span) / (0.5 * span) <= hi]  # noqa: E731
    sides, centre = at(0.5, 0.8), at(0.0, 0.2)
    sides_l = float(np.concatenate([thirds[x][0] for x in sides]).mean()) if sides and centre else math.nan
    centre_l = float(np.concatenate([thirds[x][0] for x in centre]).mean()) if sides and centre else math.nan
    return {"middle": middle_l / skin, "bottom/middle": bottom_l / max(middle_l, 1.0), "dark": dark,
            "sides/middle": sides_l / max(centre_l, 1.0)}


def measure(animator: Animator) -> dict[str, float | int]:
    renderer = animator._renderer
    frame = MotionFrame(t_s=0, jaw_open=1.0)
    image = renderer.render(frame)
    photo = animator.analysis.image
    opening = renderer.cavity_mask() & (np.abs(image.astype(int) - photo.astype(int)).sum(axis=2) > 12)
    figures = opening_figures(image, opening, skin_luma(animator))
    verts, buf = posed_vertices(animator.analysis.rig, frame), renderer._buffers
    times = []
    for _ in range(20):
        out = image.copy()
        start = time.perf_counter()
        renderer._mouth.paint(out, verts, buf.tri_id, buf.bary, jaw_lift=jaw_lift_share(frame.jaw_open))
        times.append(time.perf_counter() - start)
    return figures | {"ms": 1000 * min(times)} | flicker(animator)


def flicker(animator: Animator) -> dict[str, float | int]:
    """The largest step (gray levels) from frame to frame of the mean colour of the cavity
    ("flicker") and of the lip band about it ("lip flicker": the pixels within LIP_BAND_PX outside
    the middle frame's cavity, followed head-relative, see band_samples) while the head turns 0.24
    deg a frame with the mouth held open; the band's point count, its points stepping more than
    JUMP_LEVELS ("jumpy") and the same for the middle frame held and only moved ("jumpy held")."""
    import cv2

    ring = np.ones((2 * LIP_BAND_PX + 1, 2 * LIP_BAND_PX + 1), np.uint8)
    cavity, images, lips, masks = [], [], [], []
    for yaw in np.linspace(-2.4, 2.4, 21):
        frame = MotionFrame(t_s=0, yaw_deg=float(yaw), jaw_open=0.6)
        images.append(animator.render_motion(frame))
        masks.append(animator._renderer.cavity_mask().copy())
        lips.append(posed_vertices(animator.analysis.rig, frame)[list(LIP_LANDMARKS), :2])
        cavity.append(images[-1][masks[-1]].mean(axis=0))
    mid = len(images) // 2
    band_yx = np.nonzero((cv2.dilate(masks[mid].astype(np.uint8), ring) > 0) & ~masks[mid])
    band_xy = np.stack(band_yx[::-1], axis=1).astype(np.float64)
    band = band_samples(images, lips=lips, band_xy=band_xy, reference=mid)
    held = band_samples(held_frames(images, lips=lips, reference=mid), lips=lips, band_xy=band_xy, reference=mid)
    return {"flicker": step(np.array(cavity)), "lip flicker": step(band.mean(axis=1)),
            "lip points": len(band_xy), "jumpy": jumpy_points(band), "jumpy held": jumpy_points(held)}


def band_samples(images: list[np.ndarray], *, lips: list[np.ndarray], band_xy: np.ndarray,
                 reference: int) -> np.ndarray:
    """(F, N, 3) colours of the band's points (N, 2) x, y px, given in frame `reference`, read in
    each (H, W, 3) frame (bilinear, facetalk.imaging.sample_points) where they went: by the affine
    map (least squares) that carries the reference's (L, 2) lip landmarks onto that frame's. The
    same material points in every frame, so a head turn alone changes them by interpolation only."""
    return np.array([sample_points(image, moved) for image, moved in
                     zip(images, _followed(lips=lips, band_xy=band_xy, reference=reference), strict=True)])


def _followed(*, lips: list[np.ndarray], band_xy: np.ndarray, reference: int) -> list[np.ndarray]:
    """Each frame's (N, 2) positions of the reference's band points, by the lips' affine maps."""
    return [np.c_[band_xy, np.ones(len(band_xy))] @ affine for affine in _affines(lips, reference=reference)]


def _affines(lips: list[np.ndarray], *, reference: int) -> list[np.ndarray]:
    """Each frame's (3, 2) affine map (least squares) of the reference's (L, 2) lip landmarks onto its own."""
    source = np.c_[lips[reference], np.ones(len(lips[reference]))]
    return [np.linalg.lstsq(source, np.asarray(landmarks, np.float64), rcond=None)[0] for landmarks in lips]


def band_means(images: list[np.ndarray], *, lips: list[np.ndarray], band_xy: np.ndarray,
               reference: int) -> np.ndarray:
    """(F, 3) mean colour of the followed band (band_samples)."""
    return band_samples(images, lips=lips, band_xy=band_xy, reference=reference).mean(axis=1)


def held_frames(images: list[np.ndarray], *, lips: list[np.ndarray], reference: int) -> list[np.ndarray]:
    """The reference frame unchanged, moved (bilinear) by each frame's lip affine map: what the band
    reads from resampling alone, the baseline for jumpy_points."""
    import cv2

    height, width = images[reference].shape[:2]
    return [cv2.warpAffine(images[reference], affine.T, (width, height), flags=cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_REPLICATE) for affine in _affines(lips, reference=reference)]


def jumpy_points(samples: np.ndarray) -> int:
    """How many of (F, N, C) followed points step more than JUMP_LEVELS from frame to frame, in
    any channel at any frame: local flicker that the band's mean averages away."""
    return int((np.abs(np.diff(samples, axis=0)).max(axis=(0, 2)) > JUMP_LEVELS).sum())


def step(means: np.ndarray) -> float:
    """The largest frame-to-frame change of (F, C) means in any channel."""
    return float(np.abs(np.diff(means, axis=0)).max())


# (label, MotionFrame parameters): training/articulation.py's targets for /o/, /u/, /i/, and /o/'s
# jaw with the lips neither rounded nor spread (a jaw-matched neutral vowel).
ROUNDING_SHAPES = (("o", dict(jaw_open=0.38, lip_spread=-0.75)), ("u", dict(jaw_open=0.2, lip_spread=-0.9)),
                   ("i", dict(jaw_open=0.2, lip_spread=0.75)), ("neutral", dict(jaw_open=0.38)))


def dlib_mouth(landmarks: np.ndarray) -> tuple[float, float]:
    """(outer width px, inner opening height over width) of dlib's (68, 2) points."""
    p = landmarks
    width = float(np.linalg.norm(p[54] - p[48]))
    return width, float(np.linalg.norm(p[66] - p[62]) / max(np.linalg.norm(p[64] - p[60]), 1e-6))


def rounding(animator: Animator, dlib) -> dict[str, float] | None:
    """The --rounding figures for one portrait (see the module's docstring); None where dlib finds no face in
    the photo or in one of the shapes rendered from it."""
    face = dlib.measure(animator.analysis.image)
    if face is None:
        return None
    rest_w, _ = dlib_mouth(face.landmarks)
    out = {}
    for label, params in ROUNDING_SHAPES:
        image = animator.render_motion(MotionFrame(t_s=0, **params))
        seen = dlib.measure(image, box=face.box)
        if seen is None:
            return None
        width, aspect = dlib_mouth(seen.landmarks)
        out[f"{label} w"], out[f"{label} a"] = width / rest_w, aspect
        if label == "o":
            identity = np.linalg.norm(dlib.embedding(image, seen) - dlib.embedding(animator.analysis.image, face))
    return out | {"o/i": out["o w"] / out["i w"], "o id": float(identity)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("portraits", nargs="*")
    ap.add_argument("--dir", default="out/portraits")
    ap.add_argument("--rounding", action="store_true", help="rounded and spread lips' width and opening (dlib)")
    args = ap.parse_args()
    found = [("astronaut (bundled)", resources.files("facetalk.data").joinpath("astronaut.jpg"))]
    paths = [Path(p) for p in args.portraits]
    if args.dir and Path(args.dir).is_dir():
        paths += sorted(p for p in Path(args.dir).iterdir() if p.suffix.lower() in (".png", ".jpg", ".jpeg"))
    found += [(p.stem, p) for p in paths]
    dlib = None
    if args.rounding:
        from evaluation.dlib_face import DlibFace

        dlib = DlibFace()
    for name, path in found:
        animator = Animator(load_image(path), source=name)
        figures = measure(animator) if dlib is None else rounding(animator, dlib)
        if figures is None:
            print(f"{name[:28]:>28}: no face found by dlib (in the photo or a rendered shape)", flush=True)
            continue
        print(f"{name[:28]:>28}: " + ", ".join(f"{k} {v}" if isinstance(v, int) else f"{k} {v:.2f}" for k, v in figures.items()), flush=True)


if __name__ == "__main__":
    main()
