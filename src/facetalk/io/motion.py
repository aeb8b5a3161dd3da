"""Motion parameters in files: JSON Lines (one object per frame, every MotionFrame field), or a
Live Link Face CSV (ARKit blendshapes and head/eye rotations, motion.arkit) when the name ends in .csv."""

from __future__ import annotations

import csv
import json
import logging
import math
import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

import numpy as np

from facetalk.errors import InputError
from facetalk.io._files import input_file, partial_path
from facetalk.motion import arkit
from facetalk.motion.frame import MotionFrame
from facetalk.params import BY_NAME

log = logging.getLogger(__name__)

# Frame rates a Live Link Face timecode's frame field is read against: the smallest above the
# highest frame number in the file (a file facetalk wrote carries its exact times instead).
TIMECODE_RATES = (24, 25, 30, 48, 50, 60, 100, 120)
EXACT_TIME = "FacetalkTime_s"
MAX_ROTATION_RAD = math.radians(BY_NAME["yaw_deg"].hi)  # beyond this a file's angles are not radians of a head
CAMERA_ZOOM = (BY_NAME["scale"].lo, BY_NAME["scale"].hi)


class MotionWriter:
    """Context manager writing MotionFrames to `path` (JSON Lines, or a Live Link Face CSV at
    `fps` if the name ends in .csv); the file appears only on a clean exit."""

    def __init__(self, path: str | os.PathLike[str], *, fps: int = 25):
        self.path = Path(path)
        self._tmp = partial_path(self.path)
        self._file = open(self._tmp, "w", encoding="utf-8", newline="")
        self._fps = fps
        self._csv = None
        if self.path.suffix.lower() == ".csv":
            self._csv = csv.writer(self._file)
            self._csv.writerow(["Timecode", "BlendShapeCount", *arkit.COLUMNS, *arkit.EXTRA, EXACT_TIME])

    def write(self, frame: MotionFrame) -> None:
        try:
            if self._csv is None:
                self._file.write(json.dumps(frame.to_dict(), separators=(",", ":")) + "\n")
                return
            values = arkit.to_arkit(frame)
            cells = (f"{v:.9f}".replace("-0.000000000", "0.000000000") for v in values)
            self._csv.writerow([_timecode(frame.t_s, self._fps), len(arkit.COLUMNS), *cells, f"{frame.t_s:.9f}"])
        except OSError as err:  # a full disk: say which file (a text file's error names none)
            raise self._named(err) from err

    def _named(self, err: OSError) -> OSError:
        return OSError(err.errno, err.strerror, str(self._tmp))

    def __enter__(self) -> "MotionWriter":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            self._file.close()  # flushes: a full disk may show only here
        except OSError as err:
            self._tmp.unlink(missing_ok=True)
            if exc_type is None:
                raise self._named(err) from err
            return
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            self._tmp.unlink(missing_ok=True)


def _timecode(t_s: float, fps: int) -> str:
    """HH:MM:SS:FF.fff of time t_s at `fps` frames a second."""
    frames = t_s * fps
    whole = int(math.floor(frames + 1e-6))
    seconds, frame = divmod(whole, fps)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours:02d}:{minute:02d}:{second:02d}:{frame:02d}.{max(frames - whole, 0.0) * 1000:03.0f}"


def read_motion(path: str | os.PathLike[str]) -> Iterator[MotionFrame]:
    """MotionFrames from a JSON Lines file written by MotionWriter."""
    path = input_file(path, what="motion file")
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            try:
                yield MotionFrame.from_dict(json.loads(line))
            except (ValueError, TypeError) as err:
                raise InputError(f"cannot read motion file '{path}': line {line_no}: {err}") from None


def read_blendshapes(path: str | os.PathLike[str], *, fps: int) -> list[MotionFrame]:
    """MotionFrames at `fps` from a Live Link Face CSV (Timecode, BlendShapeCount, the 61 ARKit
    columns by name in any order), resampled linearly from its own frame times. Blendshapes
    outside 0..1 are clipped, with one warning."""
    path = input_file(path, what="blendshape file")
    try:
        times, values = _read_csv(path)
    except (UnicodeDecodeError, csv.Error) as err:
        raise InputError(f"cannot read blendshape file '{path}': not a CSV text file ({type(err).__name__})") from None
    n_shapes = len(arkit.BLENDSHAPES)
    rotations = values[:, n_shapes:len(arkit.COLUMNS)]
    clipped = (values[:, :n_shapes] < -1e-6) | (values[:, :n_shapes] > 1 + 1e-6)
    turned = np.abs(rotations) > MAX_ROTATION_RAD
    if clipped.any() or turned.any():
        log.warning("%s: %d blendshape values outside 0..1 and %d rotations beyond %.0f degrees clipped",
                    path, int(clipped.sum()), int(turned.sum()), math.degrees(MAX_ROTATION_RAD))
    values[:, n_shapes:len(arkit.COLUMNS)] = np.clip(rotations, -MAX_ROTATION_RAD, MAX_ROTATION_RAD)
    zoom = values[:, len(arkit.COLUMNS) + arkit.EXTRA.index("FacetalkCameraZoom")]
    if np.any((zoom < CAMERA_ZOOM[0]) | (zoom > CAMERA_ZOOM[1])):
        raise InputError(f"cannot read blendshape file '{path}': FacetalkCameraZoom must be "
                         f"{CAMERA_ZOOM[0]}..{CAMERA_ZOOM[1]}")
    times = times - times[0]
    out_t = np.arange(int(math.floor(times[-1] * fps + 1e-6)) + 1) / fps
    columns = np.stack([np.interp(out_t, times, values[:, k]) for k in range(values.shape[1])], axis=1)
    return [arkit.from_arkit(row, t_s=float(t)) for t, row in zip(out_t, columns)]


def _read_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(T,) frame times in s (increasing) and (T, 70) values in arkit.COLUMNS + EXTRA order (the
    extra columns at their defaults if the file has none; the brow knit at 0, not browDown's, if it
    has some of facetalk's own but not the knit's, as facetalk wrote them before brow_knit). Times are the file's exact ones if it
    has them (facetalk's column), else its timecodes at the rate they imply."""
    def bad(why: str) -> InputError:
        return InputError(f"cannot read blendshape file '{path}': {why}")

    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        raise bad("it is empty")
    header = [name.strip() for name in rows[0]]
    missing = [name for name in ("Timecode", *arkit.COLUMNS) if name not in header]
    if missing:
        raise bad(f"missing columns {', '.join(missing[:8])}{' ...' if len(missing) > 8 else ''}")
    index = [header.index(name) for name in arkit.COLUMNS]
    extra = [header.index(name) if name in header else None for name in arkit.EXTRA]
    # A file of facetalk's own from before the knit had its column: its browDown was the drop alone.
    defaults = [0.0 if name == "FacetalkBrowKnit" and any(i is not None for i in extra) else default
                for name, default in zip(arkit.EXTRA, arkit.EXTRA_DEFAULTS)]
    exact_at = header.index(EXACT_TIME) if EXACT_TIME in header else None
    exact = []
    stamps, values = [], []
    for line_no, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise bad(f"line {line_no} has {len(row)} cells, the header {len(header)}")
        try:
            values.append([float(row[i]) for i in index]
                          + [default if i is None else float(row[i]) for i, default in zip(extra, defaults)])
            if exact_at is not None:
                exact.append(float(row[exact_at]))
        except ValueError:
            raise bad(f"line {line_no}: a cell is not a number") from None
        if not all(math.isfinite(v) for v in values[-1][:len(arkit.COLUMNS)]):
            raise bad(f"line {line_no}: a cell is not a finite number")
        stamps.append(_parse_timecode(row[header.index("Timecode")], bad=lambda why, n=line_no: bad(f"line {n}: {why}")))
    if len(values) < 1:
        raise bad("it has no frames")
    if exact_at is not None:
        times = np.array(exact)
    else:
        rate = next((r for r in TIMECODE_RATES if r > max(frame for *_, frame, _ in stamps)), TIMECODE_RATES[-1])
        times = np.array([h * 3600 + m * 60 + s + (frame + sub) / rate for h, m, s, frame, sub in stamps])
    if len(times) > 1 and np.any(np.diff(times) <= 0):
        raise bad("its timecodes do not increase")
    return times, np.array(values)


def _parse_timecode(text: str, *, bad) -> tuple[int, int, int, int, float]:
    """(hours, minutes, seconds, frame, fraction of a frame) of HH:MM:SS:FF[.fff]."""
    parts = text.strip().split(":")
    try:
        if len(parts) != 4:
            raise ValueError
        frame, _, sub = parts[3].partition(".")
        return int(parts[0]), int(parts[1]), int(parts[2]), int(frame), float(f"0.{sub}") if sub else 0.0
    except ValueError:
        raise bad(f"timecode '{text}' is not HH:MM:SS:FF.fff") from None
