"""Contact sheet of a rendered video, for review by eye: a grid of frames, each with its time
and (if the motion JSONL is given) jaw/blink values, plus mouth and eye close-ups of the same frames.

  .venv/bin/python scripts/contact_sheet.py demo.mp4 sheet.png [--motion demo.motion.jsonl] [--n 16]
"""

import argparse

import cv2
import numpy as np

from facetalk.face.mesh import FaceMeshDetector
from facetalk.io import probe_video, read_frames, save_image
from facetalk.io.motion import read_motion


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("video")
    ap.add_argument("out_png")
    ap.add_argument("--motion", default=None)
    ap.add_argument("--n", type=int, default=16)
    ap.add_argument("--tile", type=int, default=256)
    args = ap.parse_args()

    info = probe_video(args.video)
    motion = list(read_motion(args.motion)) if args.motion else None
    picks = set(np.linspace(0, info.n_frames - 1, args.n).round().astype(int).tolist())
    if motion:
        # Make sure the sheet shows the moments worth reviewing: the deepest blink, the widest
        # gaze shift, the largest head turn and the widest mouth, in place of nearby even picks.
        tracks = {name: np.array([getattr(m, name) for m in motion]) for name in
                  ("blink_left", "gaze_x", "yaw_deg", "jaw_open")}
        for name, track in tracks.items():
            key = int(np.argmax(np.abs(track)))
            picks.discard(min(picks, key=lambda p: abs(p - key)))
            picks.add(key)
    frames = [(i, f) for i, f in enumerate(read_frames(args.video)) if i in picks]
    with FaceMeshDetector(max_faces=1) as det:
        faces = det.detect(frames[0][1])
    lmk = faces[0].landmarks_px if faces else None
    tiles, closeups = [], []
    for i, frame in frames:
        tile = cv2.resize(frame, (args.tile, args.tile), interpolation=cv2.INTER_AREA)
        label = f"{i / info.fps:.2f}s"
        if motion:
            m = motion[i]
            label += f" jaw {m.jaw_open:.2f} blink {m.blink_left:.2f}"
        cv2.putText(tile, label, (4, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (255, 255, 0), 1, cv2.LINE_AA)
        tiles.append(tile)
        if lmk is not None:
            crops = []
            for centre, (hw, hh) in ((lmk[13, :2], (60, 36)), (lmk[168, :2], (80, 30))):
                cx, cy = centre.astype(int)
                patch = frame[max(cy - hh, 0):cy + hh, max(cx - hw, 0):cx + hw]
                crops.append(patch)
            closeups.append(np.vstack([cv2.resize(c, (args.tile, args.tile // 2)) for c in crops]))
    cols = 4
    rows = []
    for r in range(0, len(tiles), cols):
        row_tiles = tiles[r:r + cols] + [np.zeros_like(tiles[0])] * (cols - len(tiles[r:r + cols]))
        rows.append(np.hstack(row_tiles))
        if closeups:
            cu = closeups[r:r + cols] + [np.zeros_like(closeups[0])] * (cols - len(closeups[r:r + cols]))
            rows.append(np.hstack(cu))
    save_image(args.out_png, np.vstack(rows))
    print(args.out_png)


if __name__ == "__main__":
    main()
