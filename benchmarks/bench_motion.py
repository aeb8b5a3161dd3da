"""Motion figures, measured on rendered frames by an independent detector (dlib's 68 landmarks,
evaluation), plus the streaming generator's seam and memory checks.

  .venv/bin/python benchmarks/bench_motion.py [--audio SPEECH] [--seconds 30] [--seeds 0 1 2] [--sheet OUT.png]

Speech: --audio, else the Asterisk prompt demo-congrats.wav (30 s of human US English, package
asterisk-core-sounds-en-wav) when installed, else espeak-ng reading a paragraph.
Per seed, on the rendered clip: blinks per minute (EAR dips below 80% of the clip's running
open-eye EAR), yaw/pitch standard deviation from a PnP fit, jitter = RMS second difference of
yaw and pitch in degrees per frame^2 (commanded, measured, and the detector's own floor on a
frozen-head render), and the share of pose power in 0.5-3 Hz. Then the commanded controls seen
on the frames (gaze -> iris, happy -> mouth corners, distance -> face size), and the generator's
chunk borders (discontinuity there vs elsewhere) and memory over 1 vs 10 minutes.
--sheet writes a contact sheet: one row per seed, the same instants across rows.
"""

import argparse
import os
import time
import tracemalloc
from importlib import resources

import numpy as np
from scipy.ndimage import percentile_filter
from scipy.signal import welch

from facetalk.config import Controls, MotionConfig
from evaluation.dlib_face import DlibFace
from facetalk.io import load_audio, load_image, save_image, synthesize_speech
from facetalk.motion.generator import generate_motion
from facetalk.pipeline import Animator

SR, FPS = 16000, 25
ASTERISK = "/usr/share/asterisk/sounds/en/demo-congrats.wav"
TEXT = ("The astronaut looked back at the blue planet. Every sunrise in orbit comes sixteen times a day, "
        "and each one is different! We trained for years... and still, nothing prepares you for the view. "
        "Would you go, if they asked you? I think you would. The launch is loud, very loud, and then "
        "suddenly it is quiet, and you float.")
BLINK_EAR_RATIO = 0.8  # a frame is a blink frame when its EAR is below this share of the running open-eye EAR


def speech_clip(path: str | None, seconds: float) -> tuple[np.ndarray, str]:
    if path is None and os.path.exists(ASTERISK):
        path = ASTERISK
    if path:
        audio, name = load_audio(path, sr=SR), os.path.basename(path)
    else:
        audio, name = synthesize_speech(TEXT, lang="en", sr=SR), "espeak-ng paragraph"
    n = int(seconds * SR)
    return np.tile(audio, int(np.ceil(n / len(audio))))[:n], name


def measure(animator: Animator, dlib: DlibFace, audio: np.ndarray, controls: Controls) -> dict[str, np.ndarray]:
    """Per frame: commanded motion and dlib's measurements (NaN where no face was found)."""
    rows = []
    for frame in animator.render(audio, controls):
        m = dlib.measure(frame.image)
        if m is None:
            rows.append((np.nan,) * 8)
        else:
            yaw, pitch, _ = m.head_pose_deg(frame.image.shape[:2])
            rows.append((m.eye_aspect_ratio(), yaw, pitch, m.interocular_px, *m.iris_offset(frame.image),
                         m.mouth_corner_lift(), m.mouth_aperture()))
        rows[-1] = rows[-1] + (frame.motion,)
    cols = list(zip(*rows))
    out = {k: np.array(v, dtype=float) for k, v in zip(("ear", "yaw", "pitch", "iod", "iris_x", "iris_y", "lift",
                                                         "aperture"), cols[:8])}
    out["motion"] = cols[8]
    return out


def track(motion, name: str) -> np.ndarray:
    return np.array([getattr(m, name) for m in motion])


def spans(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], mask.astype(int), [0]]))
    return list(zip(np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]))


def ear_blinks(ear: np.ndarray) -> list[tuple[int, int]]:
    """Blinks as runs of frames whose EAR dips below BLINK_EAR_RATIO x the open-eye EAR, taken
    as the 75th percentile over the surrounding 2 s (robust to the blinks themselves)."""
    ear = np.where(np.isfinite(ear), ear, np.nanmedian(ear))
    baseline = percentile_filter(ear, 75, size=2 * FPS + 1, mode="nearest")
    return spans(ear < BLINK_EAR_RATIO * baseline)


def rms_d2(x: np.ndarray) -> float:
    d2 = np.diff(x[np.isfinite(x)], 2)
    return float(np.sqrt(np.mean(d2 ** 2)))


def band_share(x: np.ndarray, lo: float = 0.5, hi: float = 3.0) -> float:
    x = x[np.isfinite(x)]
    f, p = welch(x - x.mean(), fs=FPS, nperseg=min(256, len(x)))
    return float(p[(f >= lo) & (f <= hi)].sum() / p.sum())


def seed_figures(animator, dlib, audio, seed: int) -> dict:
    t0 = time.perf_counter()
    r = measure(animator, dlib, audio, Controls(seed=seed))
    minutes = len(r["ear"]) / FPS / 60
    commanded_blinks = spans(track(r["motion"], "blink_left") > 0.5)
    detected = ear_blinks(r["ear"])
    hits = sum(any(s <= e2 and s2 <= e for s2, e2 in commanded_blinks) for s, e in detected)
    return {
        "seed": seed, "s": time.perf_counter() - t0, "found": float(np.mean(np.isfinite(r["ear"]))),
        "blinks_min": len(detected) / minutes, "blinks_cmd_min": len(commanded_blinks) / minutes,
        "blink_hits": hits, "n_detected": len(detected),
        "yaw_std": float(np.nanstd(r["yaw"])), "pitch_std": float(np.nanstd(r["pitch"])),
        "yaw_cmd_std": float(track(r["motion"], "yaw_deg").std()),
        "pitch_cmd_std": float(track(r["motion"], "pitch_deg").std()),
        "jitter": (rms_d2(r["yaw"]) + rms_d2(r["pitch"])) / 2,
        "jitter_cmd": (rms_d2(track(r["motion"], "yaw_deg")) + rms_d2(track(r["motion"], "pitch_deg"))) / 2,
        "band": (band_share(r["yaw"]) + band_share(r["pitch"])) / 2,
        "band_cmd": (band_share(track(r["motion"], "yaw_deg")) + band_share(track(r["motion"], "pitch_deg"))) / 2,
        "yaw_cmd": track(r["motion"], "yaw_deg"),
    }


def still_frames(animator, dlib, audio, **controls) -> dict[str, np.ndarray]:
    """Measurements of a render with the head frozen: what the controls alone change."""
    return measure(animator, dlib, audio, Controls(animate_head=False, **controls))


def open_eyes(r: dict) -> np.ndarray:
    return track(r["motion"], "blink_left") < 0.1


def seam_and_memory(audio: np.ndarray) -> None:
    config, controls = MotionConfig(fps=FPS), Controls(seed=3)
    whole = list(generate_motion([audio], config, controls, sr=SR))
    chunk = SR // 2
    chunked = list(generate_motion([audio[i:i + chunk] for i in range(0, len(audio), chunk)], config, controls, sr=SR))
    tiny = list(generate_motion([audio[i:i + 320] for i in range(0, len(audio), 320)], config, controls, sr=SR))
    print(f"  frames identical whole vs 0.5 s chunks vs 20 ms chunks: {whole == chunked == tiny}")
    d2 = np.abs(np.diff(np.stack([track(chunked, n) for n in ("yaw_deg", "pitch_deg", "roll_deg")]), 2, axis=1))
    border = np.zeros(d2.shape[1], bool)
    border[np.arange(FPS // 2 - 2, d2.shape[1], FPS // 2)] = True  # d2 index i spans frames i..i+2
    print(f"  mean |second difference| of yaw/pitch/roll at 0.5 s chunk borders / elsewhere: "
          f"{d2[:, border].mean() / d2[:, ~border].mean():.3f}")
    for minutes in (1, 10):
        long = np.tile(audio, int(np.ceil(minutes * 60 * SR / len(audio))))[: minutes * 60 * SR]
        tracemalloc.start()
        n = sum(1 for _ in generate_motion((long[i:i + chunk] for i in range(0, len(long), chunk)), config,
                                           controls, sr=SR))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  {minutes:2d} min of audio in 0.5 s chunks: {n} frames, peak traced memory {peak / 1e6:.2f} MB")


def contact_sheet(animator, audio, seeds, path: str) -> None:
    import cv2

    times = [2.0, 2.4, 2.8, 3.2, 9.0, 9.4, 9.8, 16.0, 16.4, 16.8]
    picks = {round(t * FPS) for t in times}
    rows = []
    for seed in seeds:
        tiles = []
        for frame in animator.render(audio, Controls(seed=seed)):
            if frame.index in picks:
                h, w = frame.image.shape[:2]
                face = frame.image[int(0.1 * h):int(0.75 * h), int(0.18 * w):int(0.82 * w)]
                tile = cv2.resize(face, (240, 240), interpolation=cv2.INTER_AREA)
                cv2.putText(tile, f"seed {seed} {frame.t_s:.1f}s", (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.45,
                            (255, 255, 0), 1, cv2.LINE_AA)
                tiles.append(tile)
        rows.append(np.hstack(tiles))
    save_image(path, np.vstack(rows))
    print(f"contact sheet: {path}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--audio", default=None)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--sheet", default=None)
    args = ap.parse_args()

    audio, name = speech_clip(args.audio, args.seconds)
    animator = Animator(load_image(resources.files("facetalk.data").joinpath("astronaut.jpg")))
    dlib = DlibFace()
    print(f"speech: {name}, {len(audio) / SR:.1f} s; portrait 512x512 at {FPS} fps; measured by dlib 68 landmarks")

    print("\nper seed (measured on the frames by dlib; 'cmd' = the generated motion itself)")
    figures = [seed_figures(animator, dlib, audio, seed) for seed in args.seeds]
    for f in figures:
        print(f"  seed {f['seed']}: blinks/min {f['blinks_min']:.1f} (cmd {f['blinks_cmd_min']:.1f}; "
              f"{f['blink_hits']}/{f['n_detected']} detected blinks match a commanded one) | "
              f"yaw std {f['yaw_std']:.2f} deg (cmd {f['yaw_cmd_std']:.2f}) | pitch std {f['pitch_std']:.2f} deg "
              f"(cmd {f['pitch_cmd_std']:.2f}) | jitter {f['jitter']:.3f} deg/frame^2 (cmd {f['jitter_cmd']:.3f}) | "
              f"pose power in 0.5-3 Hz {f['band']:.2f} (cmd {f['band_cmd']:.2f}) | face found {f['found']:.0%} "
              f"| {f['s']:.0f} s")
    if len(figures) > 1:
        yaws = np.stack([f["yaw_cmd"] for f in figures])
        corr = np.corrcoef(yaws)[np.triu_indices(len(figures), 1)]
        print(f"  yaw correlation between seeds: {', '.join(f'{c:+.2f}' for c in corr)} (different takes)")
    same = list(generate_motion([audio[:5 * SR]], controls=Controls(seed=args.seeds[0]), sr=SR))
    again = list(generate_motion([audio[:5 * SR]], controls=Controls(seed=args.seeds[0]), sr=SR))
    print(f"  same seed, same motion: {same == again}")

    short = audio[: 4 * SR]
    floor = still_frames(animator, dlib, short, seed=args.seeds[0])
    print(f"  detector floor, head frozen: jitter {(rms_d2(floor['yaw']) + rms_d2(floor['pitch'])) / 2:.3f} "
          f"deg/frame^2, yaw std {np.nanstd(floor['yaw']):.2f}, pitch std {np.nanstd(floor['pitch']):.2f}")

    print("\ncommanded controls, seen on the frames (head frozen, 4 s of speech)")
    neutral = floor
    for spec in ("25,0", "-25,0"):
        r = still_frames(animator, dlib, short, seed=args.seeds[0], gaze=spec)
        x, x0 = np.nanmean(r["iris_x"][open_eyes(r)]), np.nanmean(neutral["iris_x"][open_eyes(neutral)])
        print(f"  gaze {spec:>6}: iris x {x:+.3f} vs camera {x0:+.3f} eye widths (shift {x - x0:+.3f})")
    r = still_frames(animator, dlib, short, seed=args.seeds[0], emotion="happy")
    print(f"  happy: mouth corner lift {np.nanmean(r['lift']):.3f} vs neutral {np.nanmean(neutral['lift']):.3f} "
          f"interocular distances (+{np.nanmean(r['lift']) - np.nanmean(neutral['lift']):.3f}); mouth aperture "
          f"correlation with neutral {np.corrcoef(r['aperture'], neutral['aperture'])[0, 1]:.2f} (speech in sync)")
    for distance in (0.7, 1.5):
        r = still_frames(animator, dlib, short, seed=args.seeds[0], distance=distance)
        ratio = np.nanmedian(r["iod"]) / np.nanmedian(neutral["iod"])
        print(f"  distance {distance}: face size ratio {ratio:.3f}, commanded {1 / distance:.3f} "
              f"(error {100 * (ratio * distance - 1):+.1f}%)")

    print("\nstreaming generator: windows are chunks, the carried state conditions each on the last")
    seam_and_memory(audio)
    if args.sheet:
        contact_sheet(animator, audio, args.seeds, args.sheet)


if __name__ == "__main__":
    main()
