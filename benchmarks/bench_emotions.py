"""Emotions as an independent detector sees them, on several portraits, and a sheet to judge by eye.

  .venv/bin/python benchmarks/bench_emotions.py [PORTRAIT ...] [--out out/bench_emotions] [--reading detected]

Needs the `eval` extra (dlib). With no portraits given, it takes the bundled one and, from
out/portraits (scripts/gather_portraits.py), a neutral face, an elderly face, a bearded face and a
painting. Each emotion is rendered at strength 1 from 2 s of silence (head still, no blinks, the
eyes on the camera), and dlib's 68 landmarks on the last half second give, relative to the neutral
render of the same photo, in eye distances (the median over the frames, one frame's landmarks
jitter by up to ~0.04; read in the neutral render's face box on each frame and on its mirror
image, and the two averaged: held_figures; `--reading detected` reads each frame in the box dlib
detects on it, on the frame alone, as a user running dlib would: detected_figures). The neutral
render is the commanded neutral (`--emotion neutral`): on a smiling photo, its smile undone and its
teeth shut, not the default render (no emotion), which keeps the photo's smile:

- mouth-corner height (issue: happy >= +0.03, sad <= -0.03);
- brow height over the eyes (surprised >= +0.04, angry <= -0.02);
- eye opening (eye aspect ratio; surprised > neutral > happy);
- corner slant: how much higher the subject's left mouth corner sits than the right, across the
  eye line (contempt's one-sided smirk, the one emotion the other figures do not see: >= +0.03);
  for contempt, toward the corner its smirk is on (motion.emotion.smirk_side: the one facing the
  camera on a turned head, so the right one on Biden's, 04, whose nose points 0.151 eye distances
  toward his left) and less the median slant of the symmetric emotions on the same photo (dlib's
  slant is biased per photo: the faded print's symmetric emotions read -0.03), marked
  "slant>smirk" on contempt's row of the table;
- identity (on the last held frame alone: an embedding a frame costs more than landmarks):
  dlib's face-embedding distance from the render to the photo itself (the issue: <= 0.3
  on average at strength 1; under ~0.6 dlib calls it the same person);

then the head distance: at distance 1.5 the ratio of face size (eye distance) and of the body's
size under the chin (neck, collar, shoulders: the scale that registers the frames' edges there,
evaluation.body_scale) to distance 1 (both 0.667 +- 5% for a camera moving away). Writes a sheet (rows: portraits, columns: the emotions; the face at
2x) to --out/emotions.png.
"""

from __future__ import annotations

import argparse
from importlib import resources
from pathlib import Path

import cv2
import numpy as np

from facetalk.config import EMOTIONS, Controls
from evaluation.dlib_face import LEFT_EYE, MOUTH_CORNERS, RIGHT_EYE, DlibFace, FaceMeasure
from facetalk.io import load_image, save_image
from facetalk.motion.emotion import smirk_side
from facetalk.pipeline import Animator

from evaluation.body_scale import body_scale

DEFAULT_PORTRAITS = ("04-joe-biden-official-vp-portrait", "02-grace-hopper", "09-aksel-andersson-bearded-old-photo",
                     "06-morisot-young-woman-in-mauve-painting")
SR = 16000


# dlib's landmarks on one frame move by up to ~0.04 eye distances between frames a viewer cannot
# tell apart (the eyes' micro-movements; most on paintings and old photos, whose brows and lip
# lines are faint): each figure is the median over the last HELD_FRAMES frames, the expression
# fully in.
HELD_FRAMES = 12
# figures() of a mirror image, turned back into the face's: the corner slant changes sign.
MIRRORED_SIGNS = np.array([1.0, 1.0, 1.0, -1.0])


def held(animator: Animator, **controls) -> list[np.ndarray]:
    """The last HELD_FRAMES frames of 2 s of silence with these controls: the expression fully in."""
    controls = Controls(seed=0, head_motion=0.0, blink_rate_per_min=0.0, **controls)
    frames = list(animator.render(np.zeros(2 * SR, np.float32), controls))
    return [f.image for f in frames[-HELD_FRAMES:]]


def still(animator: Animator, **controls) -> np.ndarray:
    """The last frame of 2 s of silence with these controls: the expression fully in."""
    return held(animator, **controls)[-1]


def brow_height(face: FaceMeasure) -> float:
    """Mean height of the brows (dlib 17-26) over the eyes' centres, in eye distances."""
    p = face.landmarks
    eyes_y = 0.5 * (p[RIGHT_EYE, 1].mean() + p[LEFT_EYE, 1].mean())
    return float((eyes_y - p[17:27, 1].mean()) / face.interocular_px)


def corner_slant(face: FaceMeasure) -> float:
    """How far the subject's left mouth corner (dlib 54) sits above the right one (48), across the
    eye line (so a head's roll does not count), in eye distances."""
    p = face.landmarks
    eye_axis = (p[LEFT_EYE].mean(0) - p[RIGHT_EYE].mean(0)) / face.interocular_px
    d = p[MOUTH_CORNERS[1]] - p[MOUTH_CORNERS[0]]
    return float(-(eye_axis[0] * d[1] - eye_axis[1] * d[0]) / face.interocular_px)


def figures(face: FaceMeasure) -> np.ndarray:
    """(corner lift, brow height, eye opening, corner slant) of one face."""
    return np.array([face.mouth_corner_lift(), brow_height(face), face.eye_aspect_ratio(), corner_slant(face)])


def emotion_table(animator: Animator, dlib: DlibFace, photo: np.ndarray, *,
                  reading: str = "box") -> tuple[dict[str, np.ndarray], list[np.ndarray]]:
    """Per emotion, (corner lift, brow height, eye opening, corner slant) minus neutral's and the
    identity distance to the photo; and the frames. Contempt's slant is read toward its smirk's
    side (smirk_side), less the median slant of the six symmetric emotions on the same photo.
    `reading`: "box" (held_figures) or "detected" (detected_figures)."""
    rows, images, base, box = {}, [], None, None
    photo_face = dlib.measure(photo)
    identity = dlib.embedding(photo, photo_face) if photo_face is not None else None
    for emotion in EMOTIONS:
        frames = held(animator, emotion=emotion)
        images.append(frames[-1])
        face, fallback = _measure(dlib, frames[-1], emotion, box)
        if fallback:
            print(f"  ({emotion}: no face detected; identity read in the neutral render's face box)")
        box = face.box if emotion == "neutral" and face is not None else box
        if box is None:
            values = np.full(4, np.nan)
        else:
            values = held_figures(dlib, frames, box) if reading == "box" else detected_figures(dlib, frames, box)
        base = values if emotion == "neutral" else base
        distance = np.nan if face is None or identity is None else float(np.linalg.norm(dlib.embedding(frames[-1], face) - identity))
        rows[emotion] = np.append(values - base, distance)
    # dlib's slant has a per-photo bias every emotion shares (the faded print's symmetric ones
    # read -0.03): contempt's is measured from their median, so a bias with the smirk's sign does
    # not pass it.
    symmetric = np.nanmedian([rows[e][3] for e in EMOTIONS if e not in ("neutral", "contempt")])
    rows["contempt"][3] = smirk_side(photo=animator.analysis.expression) * (rows["contempt"][3] - symmetric)
    return rows, images


def held_figures(dlib: DlibFace, frames: list[np.ndarray], box: tuple[int, int, int, int]) -> np.ndarray:
    """(corner lift, brow height, eye opening, corner slant) of a held expression: dlib's landmarks
    on each frame and on its mirror image, all in the neutral render's face box (`box`; the head is
    held still); the mean of the two medians over the frames (the mirror image's slant with its
    sign turned: its subject's left corner is the face's right).

    dlib's 68 points are a shape regressed from the face box: a box the detector draws a few pixels
    larger for an open mouth moved the painting's brow reading by up to 0.07 eye distances between
    recipes differing only in the jaw (+0.005..+0.075; +0.071..+0.093 in one box), and its errors
    are not mirror-symmetric (Grace Hopper's eye opening under surprise -0.018, its mirror image's
    +0.050): the figures compare the faces, not the detector's draws."""
    width = frames[0].shape[1]
    mirror_box = (width - 1 - box[2], box[1], width - 1 - box[0], box[3])
    figures_in = [np.nanmedian([figures(dlib.measure(image, box=at)) for image in images], axis=0)
                  for images, at in ((frames, box), ([np.ascontiguousarray(f[:, ::-1]) for f in frames], mirror_box))]
    return 0.5 * (figures_in[0] + figures_in[1] * MIRRORED_SIGNS)


def detected_figures(dlib: DlibFace, frames: list[np.ndarray], box: tuple[int, int, int, int]) -> np.ndarray:
    """(corner lift, brow height, eye opening, corner slant) of a held expression as dlib reads each
    frame on its own: in the box it detects there (the neutral render's `box` where it finds no face), the
    median over the frames."""
    faces = [dlib.measure(image) or dlib.measure(image, box=box) for image in frames]
    return np.nanmedian([figures(face) for face in faces], axis=0)


def _measure(dlib: DlibFace, image: np.ndarray, emotion: str,
             box: tuple[int, int, int, int] | None) -> tuple[FaceMeasure | None, bool]:
    """dlib's face in `image`, and whether it was read in the neutral render's face box: where the
    detector misses one (a lowered brow's shadow can do it) the landmarks are read there (the
    emotion's posture turns the head a few degrees at most)."""
    face = dlib.measure(image)
    if face is None and emotion != "neutral" and box is not None:
        return dlib.measure(image, box=box), True
    return face, False


def print_summary(tables: dict[str, dict[str, np.ndarray]]) -> None:
    """Per emotion: portraits meeting the issue's figures, and the mean identity distance."""
    tests = {"happy": (0, lambda x: x >= 0.03, "corner >= +0.03"), "sad": (0, lambda x: x <= -0.03, "corner <= -0.03"),
             "surprised": (1, lambda x: x >= 0.04, "brow >= +0.04"), "angry": (1, lambda x: x <= -0.02, "brow <= -0.02"),
             "contempt": (3, lambda x: x >= 0.03, "slant toward the smirk, less the symmetric median, >= +0.03")}
    print(f"\nSummary over {len(tables)} portraits (dlib; nan where it found no face):")
    for emotion in EMOTIONS:
        rows = np.array([t[emotion] for t in tables.values()])
        line = f"  {emotion:10s} identity distance mean {np.nanmean(rows[:, 4]):.3f} max {np.nanmax(rows[:, 4]):.3f}"
        if emotion in tests:
            column, passes, label = tests[emotion]
            line += f"; {label} on {sum(bool(passes(x)) for x in rows[:, column])}/{len(rows)}"
        if emotion in ("surprised", "happy"):
            line += f"; eye opening {'>' if emotion == 'surprised' else '<'} neutral on " \
                    f"{sum(bool(x > 0 if emotion == 'surprised' else x < 0) for x in rows[:, 2])}/{len(rows)}"
        print(line)
    strong = np.array([t[e][4] for t in tables.values() for e in EMOTIONS[1:]])
    print(f"  all emotions but neutral: identity distance mean {np.nanmean(strong):.3f} (issue: <= 0.3)")


def distance_ratios(animator: Animator, dlib: DlibFace) -> tuple[float, float]:
    """(face size, body size) at distance 1.5 over distance 1, both from the rendered frames: the
    eye distance from dlib (steady_interocular_px: averaged over small shifts and the mirror image),
    the body under the chin by registering the two frames' edges (evaluation.body_scale: no
    segmenter, nothing the product uses)."""
    near, far = still(animator, distance=1.0), still(animator, distance=1.5)
    face_near, face_far = dlib.measure(near), dlib.measure(far)
    return (dlib.steady_interocular_px(far) / dlib.steady_interocular_px(near),
            body_scale(near, far, face_near=face_near, face_far=face_far))


def face_tile(image: np.ndarray, face: FaceMeasure | None, *, zoom: float = 2.0) -> np.ndarray:
    if face is None:
        return cv2.resize(image, (256, 256))
    x0, y0, x1, y1 = face.box
    pad = int(0.15 * (x1 - x0))
    crop = image[max(y0 - 2 * pad, 0):y1 + pad, max(x0 - pad, 0):x1 + pad]
    return cv2.resize(crop, (int(128 * zoom), int(128 * zoom * crop.shape[0] / crop.shape[1])))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("portraits", nargs="*")
    ap.add_argument("--out", default="out/bench_emotions")
    ap.add_argument("--reading", choices=("box", "detected"), default="box",
                    help="landmarks in the neutral render's box, frame and mirror image averaged (default), "
                         "or in the box dlib detects on each frame")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [Path(p) for p in args.portraits] or [Path("out/portraits") / f"{name}.png" for name in DEFAULT_PORTRAITS]
    portraits = [("astronaut (bundled)", resources.files("facetalk.data").joinpath("astronaut.jpg"))]
    portraits += [(p.stem, p) for p in paths if p.exists()]
    dlib = DlibFace()
    sheet_rows = []
    tables = {}
    print(f"{'portrait':28s} {'emotion':10s} {'corner lift':>12s} {'brow height':>12s} {'eye opening':>12s} "
          f"{'slant':>7s} {'identity':>9s}")
    for name, path in portraits:
        photo = load_image(path)
        animator = Animator(photo, source=name)
        table, images = emotion_table(animator, dlib, photo, reading=args.reading)
        tables[name] = table
        for emotion, (corner, brow, ear, slant, distance) in table.items():
            label = " slant>smirk" if emotion == "contempt" else ""
            print(f"{name[:28]:28s} {emotion:10s} {corner:+12.3f} {brow:+12.3f} {ear:+12.3f} {slant:+7.3f} {distance:9.3f}"
                  f"{label}")
        face_ratio, body_ratio = distance_ratios(animator, dlib)
        print(f"{name[:28]:28s} distance 1.5: face size x{face_ratio:.3f}, body under the chin x{body_ratio:.3f} "
              f"(a camera: x0.667 both)", flush=True)
        neutral_face = dlib.measure(images[0])
        tiles = [face_tile(image, neutral_face) for image in images]
        height = min(t.shape[0] for t in tiles)
        sheet_rows.append(np.hstack([t[:height] for t in tiles]))
    width = max(r.shape[1] for r in sheet_rows)
    header = np.full((22, width, 3), 255, np.uint8)
    tile_w = sheet_rows[0].shape[1] // len(EMOTIONS)
    for i, emotion in enumerate(EMOTIONS):
        cv2.putText(header, emotion, (i * tile_w + 4, 16), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    sheet = np.vstack([header] + [np.pad(r, ((0, 4), (0, width - r.shape[1]), (0, 0)), constant_values=255)
                                  for r in sheet_rows])
    save_image(out / "emotions.png", sheet)
    print_summary(tables)
    print(f"sheet: {out / 'emotions.png'}")


if __name__ == "__main__":
    main()
