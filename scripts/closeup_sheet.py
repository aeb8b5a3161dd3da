"""Close-up sheet of one portrait, for review by eye at 2x zoom: the photo and the mouth and eye
shapes a viewer looks at (widest vowel, speech's usual openings at jaw 0.45 and 0.6, /o/, /i/, /f/,
a bilabial closure, a smile with teeth, fear's stretched mouth, a blink apex, a half blink, a look
down), mouth and eyes each in a row of their own.

  .venv/bin/python scripts/closeup_sheet.py PHOTO OUT.png [--shapes "widest vowel" ...] [--zoom 2]
  .venv/bin/python scripts/closeup_sheet.py --across mouth|eyes OUT.png [--shapes "widest vowel" ...]
      [--dir out/portraits] [--zoom 2]

--across compares one region over many portraits: a row per portrait (the bundled one, then every
image in --dir), the photo and the shapes named (all of SHAPES by default) side by side, so a change
is judged on faces in general, not one.

The shapes are MotionFrames in the lip model's units (training/articulation.py's targets for the
phones; /l/ between open vowels), rendered still, so the sheet shows the renderer alone and is the same on every run.
"""

from __future__ import annotations

import argparse

import cv2
import numpy as np

from facetalk.face import landmarks as lm
from facetalk.config import EMOTIONS
from facetalk.motion.emotion import blend
from facetalk.motion.frame import MotionFrame
from facetalk.pipeline import Animator

# The mouth's part of motion.emotion's fear recipe (on a closed mouth), its brows and lids left out.
FEAR_MOUTH = ("jaw_open", "lip_spread", "lower_lip_depress", "mouth_roll_upper", "smile")


class _FromBlend:
    """Marks a SHAPES entry whose parameters _motion takes from motion.emotion.blend for the photo."""


FROM_BLEND = _FromBlend()
# (name, MotionFrame parameters): None is the photo itself, FROM_BLEND the photo's fear mouth.
SHAPES: tuple[tuple[str, dict[str, float] | _FromBlend | None], ...] = (
    ("photo", None),
    ("widest vowel", dict(jaw_open=1.0)),
    # Speech's usual openings: on human speech the lip model's jaw_open has median 0.28, 90th
    # percentile 0.60 and 99th 0.99, so the widest vowel is its top 1% and these are most frames.
    ("vowel, jaw 0.45", dict(jaw_open=0.45)),
    ("vowel, jaw 0.6", dict(jaw_open=0.6)),
    ("/o/", dict(jaw_open=0.38, lip_spread=-0.75)),
    ("/i/", dict(jaw_open=0.2, lip_spread=0.75)),
    ("/f/", dict(jaw_open=0.08, lip_press=0.55, upper_lip_raise=0.45)),
    ("/p b m/", dict(jaw_open=0.04, lip_press=1.0)),
    ("/l/ in /ala/", dict(jaw_open=0.4, lip_spread=0.1, tongue_tip=0.85)),
    ("smile, teeth", dict(smile=1.0, upper_lip_raise=0.5, jaw_open=0.15, lip_spread=0.4)),
    # Fear's mouth (AU20+25+26): stretched, a little open, the lower lip down, the upper lip drawn
    # down over the upper teeth (an open stretched mouth baring them is a grin); drawn as
    # motion.emotion.blend gives it for the photo (_motion).
    ("fear mouth", FROM_BLEND),
    ("blink apex", dict(blink_left=1.0, blink_right=1.0)),
    ("half blink", dict(blink_left=0.5, blink_right=0.5)),
    ("look down", dict(gaze_y=1.0)),
)


def _motion(animator: Animator, name: str) -> MotionFrame:
    """The still MotionFrame of SHAPES' `name` for this photo. Fear's mouth is motion.emotion.blend's
    for this photo (its FEAR_MOUTH parameters): its own smile undone, and on a toothy smile or lips
    parted in speech the opening the photo already has counted (the recipe's closed-mouth values
    drawn on a toothy smile showed a mouth the product never renders)."""
    params = dict(SHAPES)[name]
    if params is FROM_BLEND:
        mood = blend(tuple(float(e == "fearful") for e in EMOTIONS), photo=animator.analysis.expression)
        params = {param: mood.offset(param) for param in FEAR_MOUTH}
    return MotionFrame(t_s=0, **params)


def _box(points: np.ndarray, *, aspect: float, pad: float, shape: tuple[int, int]) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1): the points' box grown by `pad` of its width, at width/height `aspect`."""
    centre = (points.min(axis=0) + points.max(axis=0)) / 2
    width = np.ptp(points[:, 0]) * (1 + 2 * pad)
    half = np.array([width / 2, width / aspect / 2])
    x0, y0 = np.maximum(np.round(centre - half).astype(int), 0)
    x1, y1 = np.minimum(np.round(centre + half).astype(int), (shape[1], shape[0]))
    return int(x0), int(y0), int(x1), int(y1)


def _label(tile: np.ndarray, text: str) -> np.ndarray:
    bar = np.full((18, tile.shape[1], 3), 255, np.uint8)
    cv2.putText(bar, text, (3, 13), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (0, 0, 0), 1, cv2.LINE_AA)
    return np.vstack([bar, tile])


def closeup_sheet(animator: Animator, *, shapes: tuple[str, ...] = tuple(name for name, _ in SHAPES),
                  zoom: float = 2.0, per_row: int = 5) -> np.ndarray:
    """(H, W, 3) uint8 RGB sheet: one column per name in `shapes` (SHAPES' names, all by default),
    the mouth above the eyes, `per_row` columns to a row."""
    pts = animator.analysis.landmarks_px[:, :2]
    shape = animator.analysis.image.shape[:2]
    mouth = _box(pts[list(lm.LIPS_OUTER_UPPER + lm.LIPS_OUTER_LOWER)], aspect=1.3, pad=0.35, shape=shape)
    eyes = _box(pts[list(lm.RIGHT_EYE_UPPER + lm.LEFT_EYE_UPPER + lm.RIGHT_BROW + lm.LEFT_BROW)],
                aspect=2.6, pad=0.08, shape=shape)
    params_of = dict(SHAPES)
    columns = []
    for name in shapes:
        image = animator.analysis.image if params_of[name] is None else animator.render_motion(_motion(animator, name))
        tiles = []
        for x0, y0, x1, y1 in (mouth, eyes):
            tiles.append(cv2.resize(image[y0:y1, x0:x1], None, fx=zoom, fy=zoom, interpolation=cv2.INTER_CUBIC))
        width = max(t.shape[1] for t in tiles)
        tiles = [np.pad(t, ((0, 4), (0, width - t.shape[1]), (0, 0)), constant_values=255) for t in tiles]
        columns.append(_label(np.vstack(tiles), name))
    height = max(c.shape[0] for c in columns)
    columns = [np.pad(c, ((0, height - c.shape[0]), (0, 4), (0, 0)), constant_values=255) for c in columns]
    columns += [np.full_like(columns[0], 255)] * (-len(columns) % per_row)
    return np.vstack([np.hstack(columns[i:i + per_row]) for i in range(0, len(columns), per_row)])


def _region_box(animator: Animator, region: str) -> tuple[int, int, int, int]:
    """The mouth's or both eyes' box on the photo, as closeup_sheet frames them."""
    pts = animator.analysis.landmarks_px[:, :2]
    shape = animator.analysis.image.shape[:2]
    if region == "mouth":
        return _box(pts[list(lm.LIPS_OUTER_UPPER + lm.LIPS_OUTER_LOWER)], aspect=1.3, pad=0.35, shape=shape)
    return _box(pts[list(lm.RIGHT_EYE_UPPER + lm.LEFT_EYE_UPPER + lm.RIGHT_BROW + lm.LEFT_BROW)],
                aspect=2.6, pad=0.08, shape=shape)


def across_sheet(animators: list[tuple[str, Animator]], *, region: str, shapes: tuple[str, ...],
                 zoom: float = 2.0) -> np.ndarray:
    """(H, W, 3) uint8 RGB sheet: a row per (name, animator), the photo and then each of `shapes`
    (SHAPES' names) in `region` ("mouth" or "eyes"), at `zoom`."""
    params = dict(SHAPES)
    rows = []
    for name, animator in animators:
        x0, y0, x1, y1 = _region_box(animator, region)
        tiles = []
        for shape in ("photo",) + tuple(shapes):
            image = (animator.analysis.image if params[shape] is None
                     else animator.render_motion(_motion(animator, shape)))
            tile = cv2.resize(image[y0:y1, x0:x1], None, fx=zoom, fy=zoom, interpolation=cv2.INTER_CUBIC)
            tiles.append(_label(np.pad(tile, ((0, 4), (0, 4), (0, 0)), constant_values=255), f"{name}: {shape}"))
        height = max(t.shape[0] for t in tiles)
        rows.append(np.hstack([np.pad(t, ((0, height - t.shape[0]), (0, 0), (0, 0)), constant_values=255)
                               for t in tiles]))
    width = max(r.shape[1] for r in rows)
    return np.vstack([np.pad(r, ((0, 0), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in rows])


def main() -> None:
    from importlib import resources
    from pathlib import Path

    from facetalk.io import load_image, save_image

    ap = argparse.ArgumentParser()
    ap.add_argument("photo", nargs="?", help="one portrait's sheet (without --across)")
    ap.add_argument("out_png")
    ap.add_argument("--zoom", type=float, default=2.0)
    ap.add_argument("--across", choices=("mouth", "eyes"), help="one region over many portraits")
    ap.add_argument("--shapes", nargs="+", choices=[name for name, _ in SHAPES],
                    help="the shapes to draw (all by default; the photo comes first either way with --across)")
    ap.add_argument("--dir", default="out/portraits")
    args = ap.parse_args()
    if not args.across:
        shapes = tuple(args.shapes) if args.shapes else tuple(name for name, _ in SHAPES)
        save_image(args.out_png, closeup_sheet(Animator(load_image(args.photo)), shapes=shapes, zoom=args.zoom))
        return
    paths = [("bundled", resources.files("facetalk.data").joinpath("astronaut.jpg"))]
    if Path(args.dir).is_dir():
        paths += [(p.stem[:2], p) for p in sorted(Path(args.dir).iterdir())
                  if p.suffix.lower() in (".png", ".jpg", ".jpeg")]
    animators = [(name, Animator(load_image(path))) for name, path in paths]
    shapes = args.shapes or [name for name, params in SHAPES if params is not None]
    save_image(args.out_png, across_sheet(animators, region=args.across,
                                          shapes=tuple(s for s in shapes if s != "photo"), zoom=args.zoom))


if __name__ == "__main__":
    main()
