"""Checks and paths shared by the readers and writers in facetalk.io."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from facetalk.errors import InputError

if TYPE_CHECKING:
    import av.container


def input_file(path: str | os.PathLike[str], *, what: str) -> Path:
    """Return `path` if it is a non-empty regular file, else raise InputError naming it as `what`."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"cannot read {what} '{path}': file not found")
    if path.is_dir():
        raise InputError(f"cannot read {what} '{path}': is a directory, not a file")
    if path.stat().st_size == 0:
        raise InputError(f"cannot read {what} '{path}': file is empty")
    return path


def partial_path(path: Path) -> Path:
    """Hidden sibling of `path` to write into before renaming: same directory, so os.replace is atomic."""
    return path.with_name(f".{path.stem}.partial{path.suffix}")


def open_media(path: str | os.PathLike[str], *, what: str) -> av.container.InputContainer:
    """Open an audio/video file with PyAV for reading, turning FFmpeg errors into InputError."""
    import av

    path = input_file(path, what=what)
    try:
        return av.open(str(path), mode="r")
    except av.FFmpegError as err:
        reason = _ffmpeg_reason(err)
        raise InputError(f"cannot read {what} '{path}': not a media file, or corrupt or truncated ({reason})") from err


def decode_error(path: str | os.PathLike[str], err: Exception, *, what: str) -> InputError:
    """The InputError for an FFmpeg failure while demuxing or decoding an opened file."""
    reason = _ffmpeg_reason(err)
    return InputError(f"cannot read {what} '{path}': decoding failed, the file is corrupt or truncated ({reason})")


def _ffmpeg_reason(err: Exception) -> str:
    """FFmpeg's own one-line reason, without the errno and file name PyAV adds to str(err)."""
    return str(getattr(err, "strerror", None) or err).splitlines()[0]
