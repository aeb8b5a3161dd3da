"""Realism figures for the renderer, measured with dlib (not the MediaPipe mesh the renderer uses).

  .venv/bin/python benchmarks/bench_realism.py [--seconds 10] [--sheet out/realism_sheet.png]

Prints: identity distance photo->frames, commanded vs recovered head pose, eye aspect ratio at
blink apexes, background stability away from the person, temporal smoothness of the mouth
interior, per-photo preparation time, and the same checks on stylized / mirrored / rotated /
recoloured / spectacled variants of the bundled portrait.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from importlib import resources

import cv2
import numpy as np

from facetalk.config import Controls
from evaluation.dlib_face import DlibFace
from evaluation.variants import photo_variants
from facetalk.io import load_image, synthesize_speech
from facetalk.motion.frame import MotionFrame
from facetalk.pipeline import Animator

TEXT = ("Good morning. Today we launch at dawn, and the weather looks perfect. "
        "I have waited many years for this flight, and I am ready.")
POSES = [dict(yaw_deg=a) for a in (-20, -10, 10, 20)] + [dict(pitch_deg=a) for a in (-20, -10, 10, 20)] \
    + [dict(roll_deg=a) for a in (-20, -10, 10, 20)]


def pose_errors(animator: Animator, dlib_face: DlibFace) -> list[tuple[str, float, float]]:
    """(axis, commanded, recovered - commanded) for each single-axis pose, relative to neutral."""
    neutral = animator.render_motion(MotionFrame(t_s=0))
    hw = neutral.shape[:2]
    face = dlib_face.measure(neutral)
    if face is None:
        return [(axis, value, float("nan")) for pose in POSES for axis, value in pose.items()]
    base = np.array(face.head_pose_deg(hw))
    rows = []
    for pose in POSES:
        (axis, value), = pose.items()
        face = dlib_face.measure(animator.render_motion(MotionFrame(t_s=0, **pose)))
        if face is None:
            rows.append((axis, value, float("nan")))
            continue
        got = np.array(face.head_pose_deg(hw)) - base
        rows.append((axis, value, float(got[["yaw_deg", "pitch_deg", "roll_deg"].index(axis)] - value)))
    return rows


def clip_figures(animator: Animator, audio: np.ndarray, dlib_face: DlibFace) -> dict[str, float]:
    photo = animator.analysis.image
    ref = dlib_face.measure(photo)
    if ref is None:
        return {"identity_mean": float("nan"), "identity_max": float("nan"), "faces_found": 0.0,
                "blink_apex_ear_max": float("nan"), "n_apex": 0.0, "background_median_absdiff_max": float("nan")}
    ref_emb = dlib_face.embedding(photo, ref)
    alpha = animator.analysis.appearance.person_alpha
    away = ~cv2.dilate((alpha > 0).astype(np.uint8), np.ones((41, 41), np.uint8)).astype(bool)
    ids, apex_ears, bg_diffs = [], [], []
    for frame in animator.render(audio, Controls(seed=0, blink_rate_per_min=20)):
        face = dlib_face.measure(frame.image)
        if face is None:
            ids.append(np.nan)
            continue
        ids.append(np.linalg.norm(dlib_face.embedding(frame.image, face) - ref_emb))
        m = frame.motion
        if min(m.blink_left, m.blink_right) > 0.95:
            apex_ears.append(face.eye_aspect_ratio())
        bg_diffs.append(np.median(np.abs(frame.image[away].astype(int) - photo[away])))
    return {"identity_mean": float(np.nanmean(ids)), "identity_max": float(np.nanmax(ids)),
            "faces_found": float(np.mean(np.isfinite(ids))), "blink_apex_ear_max": float(np.max(apex_ears)) if apex_ears else float("nan"),
            "n_apex": float(len(apex_ears)), "background_median_absdiff_max": float(np.max(bg_diffs))}


def flicker(animator: Animator) -> dict[str, float]:
    """Largest frame-to-frame change (gray levels) of synthesized regions' mean colour while the
    head turns slowly (0.24 deg a frame) and the mouth and gaze hold still: flicker shows as jumps.
    The mouth interior is its mask in each frame; the eye, a box that moves with it (sampled at
    the posed eye's centre to the subpixel, so the turn itself does not count as change)."""
    from facetalk.render.renderer import posed_vertices

    rig = animator.analysis.rig
    rest = rig.rest_xyz
    box_wh = (int(rest[133, 0] - rest[33, 0]) + 8, int(rest[145, 1] - rest[159, 1]) + 12)
    interior, eye = [], []
    for yaw in np.linspace(-6, 6, 51):
        frame = MotionFrame(t_s=0, yaw_deg=float(yaw), jaw_open=0.6, gaze_x=0.8)
        image = animator.render_motion(frame)
        interior.append(image[animator._renderer.cavity_mask()].mean(axis=0))
        centre = posed_vertices(rig, frame)[[33, 133, 159, 145], :2].mean(axis=0)
        patch = cv2.getRectSubPix(image, box_wh, (float(centre[0]), float(centre[1])))
        eye.append(patch.reshape(-1, 3).astype(np.float64).mean(axis=0))
    return {"interior_max_step": float(np.abs(np.diff(interior, axis=0)).max()),
            "eye_max_step": float(np.abs(np.diff(eye, axis=0)).max())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--sheet", default=None, help="also write a contact sheet of the clip here")
    args = ap.parse_args()
    photo = load_image(resources.files("facetalk.data").joinpath("astronaut.jpg"))
    dlib_face = DlibFace()

    Animator(photo)  # load models once, so the timing below is per photo
    t0 = time.perf_counter()
    animator = Animator(photo)
    prep = time.perf_counter() - t0
    print(f"per-photo preparation: {prep:.2f} s")

    errs = pose_errors(animator, dlib_face)
    for axis, value, err in errs:
        print(f"pose {axis:>9} {value:+4.0f}: recovered error {err:+.1f} deg")
    print(f"pose recovery: max |error| {np.nanmax(np.abs([e for *_, e in errs])):.1f} deg over {len(errs)} poses")

    speech = synthesize_speech(TEXT, sr=16000)
    audio = np.tile(speech, int(np.ceil(args.seconds * 16000 / len(speech))))[: int(args.seconds * 16000)]
    figs = clip_figures(animator, audio, dlib_face)
    print(f"{args.seconds:.0f} s clip: identity distance mean {figs['identity_mean']:.3f} (max {figs['identity_max']:.3f}), "
          f"face found in {figs['faces_found']:.0%} of frames")
    print(f"blink apex eye aspect ratio: max {figs['blink_apex_ear_max']:.3f} over {figs['n_apex']:.0f} apex frames")
    print(f"background away from the person: worst frame median |diff| {figs['background_median_absdiff_max']:.1f} gray levels")
    steps = flicker(animator)
    print(f"flicker during a slow head turn: mouth interior mean colour max step {steps['interior_max_step']:.2f}, "
          f"eye region max step {steps['eye_max_step']:.2f} gray levels per frame")

    crop = animator.analysis.crop
    to_photo = crop.width / animator.analysis.image.shape[1]
    eyes = [tuple(int(v) for v in animator.analysis.landmarks_px[i, :2] * to_photo + (crop.x0, crop.y0)) for i in (468, 473)]
    for name, image in photo_variants(photo, eye_centres=tuple(eyes)).items():
        try:
            anim = Animator(image, source=name)
        except Exception as err:  # noqa: BLE001 - report and go on
            print(f"variant {name:>16}: no animation ({err})")
            continue
        errs = pose_errors(anim, dlib_face)
        short = clip_figures(anim, audio[: 3 * 16000], dlib_face)
        print(f"variant {name:>16}: identity mean {short['identity_mean']:.3f}, faces found {short['faces_found']:.0%}, "
              f"pose max |error| {np.nanmax(np.abs([e for *_, e in errs])):.1f} deg")

    if args.sheet:
        with tempfile.TemporaryDirectory() as tmp:
            video, motion = os.path.join(tmp, "clip.mp4"), os.path.join(tmp, "clip.jsonl")
            animator.render_to_file(audio, video, controls=Controls(seed=0, blink_rate_per_min=20), motion_path=motion)
            subprocess.run([sys.executable, "scripts/contact_sheet.py", video, args.sheet, "--motion", motion,
                            "--n", "16"], check=True)


if __name__ == "__main__":
    main()
