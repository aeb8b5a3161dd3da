"""Checks and paths shared by the readers and writers in facetalk.io."""

from __future__ import annotations

import errno
import os
import secrets
import threading
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
    if not path.is_file():  # a device, a pipe or a socket: no size, no end, maybe endless
        raise InputError(f"cannot read {what} '{path}': not a regular file")
    if path.stat().st_size == 0:
        raise InputError(f"cannot read {what} '{path}': file is empty")
    return path


# Every temporary name handed out, oldest first, and maybe still on disk: a signal can land between
# a writer's open() and the `with` that would delete its file (MotionWriter's __init__ opens it), so
# the command's stop handler deletes whatever is left (remove_partials). Once it grows, the older
# half is pruned of names no longer on disk (a name just handed out may not be created yet), so a
# long-running server does not collect them. The server's render threads share it: a lock.
_PARTIALS: dict[Path, None] = {}
_PARTIALS_PRUNE_AT = 64
_PARTIALS_LOCK = threading.Lock()


def partial_path(path: Path) -> Path:
    """Hidden sibling of `path` to write into before renaming: same directory, so os.replace is
    atomic, and unique to this process and call, so two renders to one path never share it."""
    tmp = path.with_name(f".{path.stem}.{os.getpid()}-{secrets.token_hex(3)}.partial{path.suffix}")
    with _PARTIALS_LOCK:
        if len(_PARTIALS) >= _PARTIALS_PRUNE_AT:
            older = list(_PARTIALS)[: _PARTIALS_PRUNE_AT // 2]
            for gone in [p for p in older if not p.exists()]:
                del _PARTIALS[gone]
        _PARTIALS[tmp] = None
    return tmp


def remove_partials() -> None:
    """Deletes every temporary file partial_path named that is still on disk (a stopped command's)."""
    with _PARTIALS_LOCK:
        names = list(_PARTIALS)
        _PARTIALS.clear()
    for tmp in names:
        tmp.unlink(missing_ok=True)


def output_file(path: str | os.PathLike[str], *, what: str) -> Path:
    """Return `path` if a file can be written there (an existing file is replaced), else raise
    InputError naming it as `what`: a directory, a missing folder, a folder this process may not
    write in or a read-only file system. Checked before any work, so nothing is rendered in vain."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"cannot write {what} '{path}': is a directory")
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {what} '{path}': folder '{folder}' does not exist")
    probe = partial_path(path)  # the very name the writer will use (as long, in the same folder)
    try:  # access() misses read-only mounts and ACLs: try what the writer will do
        probe.open("x").close()
        probe.unlink()
    except OSError as err:
        raise InputError(f"cannot write {what} '{path}': {WRITE_ERRNOS.get(err.errno, err.strerror or err)}") from None
    return path


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Writes `text` (UTF-8) to `path` whole or not at all: a temporary sibling, then a rename."""
    path = Path(path)
    tmp = partial_path(path)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# What an OSError while writing means for the user: these are the disk's or the folder's doing.
WRITE_ERRNOS = {errno.ENOSPC: "no space left on the disk", errno.EDQUOT: "disk quota exceeded",
                errno.EROFS: "read-only file system", errno.EACCES: "permission denied", errno.EPERM: "not permitted",
                errno.EFBIG: "file too large for the file system", errno.ENAMETOOLONG: "file name too long"}


def user_path(filename: str) -> str:
    """The path a user named, for a temporary `.NAME.PID-XXXXXX.partial.EXT` written on its way there."""
    path = Path(filename)
    parts = path.name.split(".")
    if path.name.startswith(".") and len(parts) >= 5 and parts[-2] == "partial":
        return str(path.with_name(".".join(parts[1:-3]) + "." + parts[-1]))
    return filename


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
