"""Client media in, through facetalk.io; frames and speech out as JPEG and WAV bytes.

Uploaded bytes are written into the server's work folder under names the server makes up,
decoded by facetalk.io and deleted at once: no name or path sent by a client is ever opened.
Each problem becomes an HTTPException with a 4xx status and a message for the user.
"""

from __future__ import annotations

import io
import re
import uuid
import warnings
from pathlib import Path

import numpy as np
from fastapi import HTTPException, UploadFile

from facetalk.errors import InputError
from facetalk.io import load_audio, load_image, synthesize_speech, write_wav
from facetalk.io.audio import AudioTooLong
from facetalk.provenance import VerifyResult

# espeak-ng voice names such as "en", "en-us", "cmn", "en-gb-x-rp"; anything else, a path among
# them, is refused before it reaches espeak-ng's -v.
_LANG = re.compile(r"[a-z]{2,3}(-[a-z0-9]{1,8}){0,3}", re.IGNORECASE)
_IMAGE_FORMATS = {"PNG", "JPEG", "WEBP", "BMP", "TIFF", "GIF"}  # Pillow's names of what verify reads as images


def client_name(filename: str | None) -> str:
    """The base name a client gave its upload, made safe for messages (never used as a path)."""
    name = "".join(c for c in Path(filename or "").name if c.isprintable())[:80]
    return name or "upload"


async def read_upload(upload: UploadFile, *, limit: int, what: str) -> bytes:
    """The upload's bytes: 413 above `limit`, 422 when empty."""
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise HTTPException(413, f"{what} '{client_name(upload.filename)}' is larger than {_mib(limit)}")
    if not data:
        raise HTTPException(422, f"{what} '{client_name(upload.filename)}' is empty")
    return data


def decode_photo(data: bytes, *, name: str, workdir: Path, max_pixels: int) -> np.ndarray:
    """(H, W, 3) uint8 RGB. 415: not an image; 413: too many pixels; 422: corrupt or truncated."""
    from PIL import UnidentifiedImageError

    try:
        width, height, _ = _image_header(data, what="photo", name=name, max_pixels=max_pixels)
    except HTTPException:
        raise
    except UnidentifiedImageError:
        raise HTTPException(415, f"photo '{name}' is not an image (JPEG, PNG, WebP or BMP)") from None
    except Exception as err:  # noqa: BLE001 - Pillow raises many types for broken headers
        raise HTTPException(422, f"photo '{name}' is corrupt ({err})") from None
    _check_pixels(width, height, what="photo", name=name, max_pixels=max_pixels)
    return _through_file(data, name, workdir, load_image)


def decode_audio(data: bytes, *, name: str, workdir: Path, sr: int, max_s: float) -> np.ndarray:
    """Mono float32 at `sr`. 422: not audio, corrupt; 413: longer than `max_s`, said by the header
    before anything is decoded, or found while decoding (which stops there: a lying header costs
    at most `max_s` of samples)."""
    def decode(path: Path) -> np.ndarray:
        try:
            return load_audio(path, sr=sr, max_s=max_s)
        except AudioTooLong as err:
            raise HTTPException(413, f"audio '{name}' lasts {'' if err.duration_s > err.max_s else 'more than '}"
                                     f"{err.duration_s:.0f} s; the limit is {max_s:g} s") from None

    return _through_file(data, name, workdir, decode)


def keep_upload(data: bytes, *, workdir: Path) -> Path:
    """Writes an upload that decoded under a fresh server-made name, for a job to read again (its
    sound, at the upload's own quality); the job deletes it."""
    path = workdir / f"sound-{uuid.uuid4().hex}"
    _store(path, data)
    return path


def verify(data: bytes, *, name: str, workdir: Path, max_pixels: int, max_s: float) -> VerifyResult:
    """facetalk.provenance.verify_file on an uploaded image or video. 413: an image or video frame
    with too many pixels, a video longer than `max_s`; 422: neither an image nor a readable video."""
    from facetalk.io import probe_video
    from facetalk.provenance import verify_file

    try:
        width, height, kind = _image_header(data, what="image", name=name, max_pixels=max_pixels)
    except HTTPException:
        raise
    except Exception:  # noqa: BLE001 - not an image Pillow knows (it raises many types): try it as a video
        kind = None
    if kind in _IMAGE_FORMATS:  # Pillow also opens some video streams (MPEG-1/2): those go to FFmpeg
        _check_pixels(width, height, what="image", name=name, max_pixels=max_pixels)
        # verify_file tells images from videos by the suffix
        return _through_file(data, name, workdir, verify_file, suffix=".png")

    def checked_verify(path: Path) -> VerifyResult:
        info = probe_video(path)
        if info.width * info.height > max_pixels:
            raise HTTPException(413, f"video '{name}' is {info.width}x{info.height}, "
                                     f"more than {max_pixels / 1e6:g} megapixels a frame")
        if info.duration_s > max_s:
            raise HTTPException(413, f"video '{name}' lasts {info.duration_s:.0f} s; the limit is {max_s:g} s")
        return verify_file(path)

    return _through_file(data, name, workdir, checked_verify)


def speak(text: str, *, lang: str, sr: int, max_chars: int, max_s: float) -> np.ndarray:
    """Speech for `text` from the local espeak-ng voice `lang`."""
    if len(text) > max_chars:
        raise HTTPException(413, f"text is {len(text)} characters long; the limit is {max_chars}")
    if not _LANG.fullmatch(lang):
        raise HTTPException(422, f"'{lang[:40]}' is not a language code such as en, fr or en-us")
    try:
        audio = synthesize_speech(text, lang=lang, sr=sr)
    except InputError as err:
        raise HTTPException(422, str(err)) from None
    _check_duration(audio, sr=sr, max_s=max_s, what="the spoken text")
    return audio


def wav_bytes(audio: np.ndarray, *, sr: int, workdir: Path) -> bytes:
    """16-bit mono WAV file contents."""
    path = workdir / f"speech-{uuid.uuid4().hex}.wav"
    try:
        write_wav(path, audio, sr=sr)
        return path.read_bytes()
    finally:
        path.unlink(missing_ok=True)


def encode_jpeg(image: np.ndarray, quality: int) -> bytes:
    """(H, W, 3) uint8 RGB -> JPEG bytes."""
    import cv2

    ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(image[:, :, ::-1]), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes()


def _image_header(data: bytes, *, what: str, name: str, max_pixels: int) -> tuple[int, int, str]:
    """(width, height, Pillow's format name) from the header alone: nothing is decoded yet. 413 for
    a decompression bomb; what Pillow raises for anything else that is not an image propagates."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as im:
                return im.size[0], im.size[1], im.format
    except Image.DecompressionBombError:
        raise HTTPException(413, f"{what} '{name}' has more than {max_pixels / 1e6:g} megapixels") from None


def _check_pixels(width: int, height: int, *, what: str, name: str, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise HTTPException(413, f"{what} '{name}' is {width}x{height}, more than {max_pixels / 1e6:g} megapixels")


def _through_file(data: bytes, name: str, workdir: Path, decode, *, suffix: str = ""):
    """facetalk.io decodes files: write `data` under a fresh server-made name, decode, delete."""
    path = workdir / f"upload-{uuid.uuid4().hex}{suffix}"
    try:
        _store(path, data)
        return decode(path)
    except InputError as err:
        # The message names our file; the user knows theirs.
        raise HTTPException(422, str(err).replace(str(path), name)) from None
    finally:
        path.unlink(missing_ok=True)


def _store(path: Path, data: bytes) -> None:
    """Writes an upload to the work folder; a full or read-only disk is the server's 507, whole or nothing."""
    from facetalk.io._files import WRITE_ERRNOS

    try:
        path.write_bytes(data)
    except OSError as err:
        path.unlink(missing_ok=True)
        if err.errno in WRITE_ERRNOS:
            raise HTTPException(507, f"the server cannot store the upload: {WRITE_ERRNOS[err.errno]}") from None
        raise


def _check_duration(audio: np.ndarray, *, sr: int, max_s: float, what: str) -> None:
    if len(audio) > max_s * sr:
        raise HTTPException(413, f"{what} lasts {len(audio) / sr:.0f} s; the limit is {max_s:g} s")


def _mib(n: int) -> str:
    return f"{n / 2**20:g} MiB"
