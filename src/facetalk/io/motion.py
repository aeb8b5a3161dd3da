"""Motion parameters as JSON Lines: one object per frame, every MotionFrame field."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from facetalk.errors import InputError
from facetalk.io._files import input_file, partial_path
from facetalk.motion.frame import MotionFrame


class MotionWriter:
    """Context manager writing MotionFrames to `path`; the file appears only on a clean exit."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._tmp = partial_path(self.path)
        self._file = open(self._tmp, "w", encoding="utf-8")

    def write(self, frame: MotionFrame) -> None:
        self._file.write(json.dumps(frame.to_dict(), separators=(",", ":")) + "\n")

    def __enter__(self) -> "MotionWriter":
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._file.close()
        if exc_type is None:
            os.replace(self._tmp, self.path)
        else:
            self._tmp.unlink(missing_ok=True)


def read_motion(path: str | os.PathLike[str]) -> Iterator[MotionFrame]:
    """MotionFrames from a JSON Lines file written by MotionWriter."""
    path = input_file(path, what="motion file")
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            try:
                yield MotionFrame.from_dict(json.loads(line))
            except (ValueError, TypeError) as err:
                raise InputError(f"cannot read motion file '{path}': line {line_no}: {err}") from None
