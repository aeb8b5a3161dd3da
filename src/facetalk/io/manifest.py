"""Batch manifests (`facetalk batch MANIFEST`): one clip per row, as CSV or JSON Lines.

Columns (names are case-insensitive, '-' reads as '_'):

    image                  the portrait, a path relative to the manifest (or absolute)
    audio | text [+ lang]  the speech: an audio file, or text for espeak-ng (lang defaults to en)
    output                 optional: the MP4's name inside the output folder (default: made from the
                           photo's name and a digest of the row's inputs, so an edited row renders anew)
    seed, emotion, emotion_strength, gaze, distance, head_motion, blink_rate, expressiveness,
    mouth_gain, animate    optional controls, as `facetalk render` takes them
    controls               optional: a JSON timeline ([{"t_s": 2, "emotion": "happy"}]) or a path to one

Every row is checked before anything renders: the files exist and their headers decode (nothing is
decoded in full), the controls parse. A bad row becomes a RowProblem with its line number; the
others are returned as ManifestRows. Problems with the manifest as a whole (unreadable, unknown or
missing columns) raise InputError.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path, PurePosixPath

from facetalk import jsontext
from facetalk.config import Controls, animate_components
from facetalk.errors import InputError
from facetalk.io._files import input_file, open_media

# Column -> Controls field. blink_rate is the CLI's name for blink_rate_per_min.
CONTROL_COLUMNS = {"seed": "seed", "emotion": "emotion", "emotion_strength": "emotion_strength", "gaze": "gaze",
                   "distance": "distance", "head_motion": "head_motion", "blink_rate": "blink_rate_per_min",
                   "blink_rate_per_min": "blink_rate_per_min", "expressiveness": "expressiveness",
                   "mouth_gain": "mouth_gain"}
COLUMNS = ("image", "audio", "text", "lang", "output", "controls", "animate", *CONTROL_COLUMNS)
_CONTROL_TYPES = {f.name: f.type for f in fields(Controls)}


@dataclass(frozen=True)
class ManifestRow:
    """One valid row: absolute paths, the speech (audio file or text), where the MP4 goes."""

    line: int                  # 1-based line in the manifest where the row starts
    image: Path
    image_sha256: str          # the photo's content: workers cache their analysis by it
    audio: Path | None         # exactly one of audio and text is set
    audio_s: float | None      # the audio's duration from its header, when it says
    text: str | None
    lang: str
    output: str                # relative POSIX path inside the output folder, ends in .mp4
    controls: Controls


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


@dataclass(frozen=True)
class Manifest:
    path: Path
    rows: tuple[ManifestRow, ...]
    problems: tuple[RowProblem, ...]

    @property
    def n_rows(self) -> int:
        return len(self.rows) + len(self.problems)


@dataclass(frozen=True)
class _Checked:
    """A file's check, cached per path: rows share photos and often speech."""

    sha256: str
    duration_s: float | None


def read_manifest(path: str | os.PathLike[str], *, base: Controls = Controls()) -> Manifest:
    """The manifest at `path`, every row checked. `base` gives the controls a row leaves out."""
    path = input_file(path, what="manifest")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"cannot read manifest '{path}': not UTF-8 text") from None
    records = list(_jsonl_records(text, path) if _is_jsonl(path, text) else _csv_records(text, path))
    if not records:
        raise InputError(f"manifest '{path}' has no rows")
    columns = {name for _, record in records if isinstance(record, dict) for name in record}
    unknown = sorted(columns - set(COLUMNS))
    if unknown:
        raise InputError(f"manifest '{path}': unknown column '{unknown[0]}' (columns: {', '.join(COLUMNS)})")
    if "image" not in columns or not columns & {"audio", "text"}:
        raise InputError(f"manifest '{path}' needs an 'image' column and an 'audio' or 'text' column")
    checker = _RowChecker(folder=path.parent, base=base)
    rows: list[ManifestRow] = []
    problems: list[RowProblem] = []
    for line, record in records:
        try:
            rows.append(checker.row(line, record))
        except (InputError, ValueError) as err:
            problems.append(RowProblem(line=line, message=str(err)))
    return Manifest(path=path, rows=tuple(rows), problems=tuple(problems))


def _is_jsonl(path: Path, text: str) -> bool:
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return True
    return path.suffix.lower() != ".csv" and text.lstrip().startswith("{")


def _column(name: str) -> str:
    return name.strip().lower().replace("-", "_")


def _jsonl_records(text: str, path: Path) -> Iterator[tuple[int, dict | str]]:
    """(line, record) per non-blank line; a line that is not a JSON object gives its problem as text."""
    for line, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            record = jsontext.loads(raw)
        except ValueError as err:  # JSONDecodeError included
            yield line, f"not valid JSON ({err})"
            continue
        if not isinstance(record, dict):
            yield line, "not a JSON object"
            continue
        yield line, {_column(k): v for k, v in record.items()}


def _csv_records(text: str, path: Path) -> Iterator[tuple[int, dict | str]]:
    """(line, record) per non-blank CSV row after the header; cells left empty are left out."""
    reader = csv.reader(io.StringIO(text), strict=True)  # an unclosed quote is an error, not a cell to the end
    header: list[str] | None = None
    end = 0  # the line the previous record ended on: a quoted cell may span lines
    try:
        for cells in reader:
            start, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if header is None:
                header = [_column(c) for c in cells]
                continue
            if len(cells) > len(header):
                yield start, f"{len(cells)} cells but the header has {len(header)} columns"
                continue
            yield start, {name: cell for name, cell in zip(header, cells) if cell.strip()}
    except csv.Error as err:
        raise InputError(f"cannot read manifest '{path}': line {reader.line_num}: {err}") from None


class _RowChecker:
    """Turns a record into a ManifestRow, or raises the row's problem (InputError or ValueError)."""

    def __init__(self, *, folder: Path, base: Controls):
        self._folder = folder
        self._base = base
        self._images: dict[Path, _Checked | InputError] = {}
        self._audio: dict[Path, _Checked | InputError] = {}
        self._outputs: dict[str, int] = {}  # output name -> the line that claimed it

    def row(self, line: int, record: dict | str) -> ManifestRow:
        if isinstance(record, str):
            raise ValueError(record)
        image = self._path(record, "image")
        if image is None:
            raise ValueError("no image")
        audio, text = self._path(record, "audio"), _string(record.get("text"))
        if (audio is None) == (text is None):
            raise ValueError("give the speech as 'audio' or as 'text', one of them")
        lang = _string(record.get("lang")) or "en"
        if not re.fullmatch(r"[A-Za-z0-9_+/-]{1,40}", lang):
            raise ValueError(f"lang {lang!r} is not an espeak-ng language or voice name")
        photo = _cached(self._images, image, _check_image)
        sound = _cached(self._audio, audio, _check_audio) if audio is not None else None
        if text is not None:
            _check_text(text)
        controls = _controls(record, base=self._base, folder=self._folder)
        output = self._output(line, record, image=photo, speech=sound or text + "\0" + lang, controls=controls,
                              stem=f"{image.stem}-{audio.stem if audio else 'text'}")
        return ManifestRow(line=line, image=image, image_sha256=photo.sha256, audio=audio,
                           audio_s=sound.duration_s if sound else None, text=text, lang=lang, output=output,
                           controls=controls)

    def _path(self, record: dict, name: str) -> Path | None:
        value = _string(record.get(name))
        return None if value is None else self._folder / Path(value).expanduser()

    def _output(self, line: int, record: dict, *, image: _Checked, speech, controls: Controls, stem: str) -> str:
        """The row's output name, unique in the batch. The default digests everything that makes the
        clip, so a rerun after a row is edited renders it anew instead of skipping a stale file."""
        name = _string(record.get("output"))
        if name is None:
            inputs = json.dumps([image.sha256, getattr(speech, "sha256", speech), repr(controls)])
            name = f"{_safe(stem)}-{hashlib.sha256(inputs.encode()).hexdigest()[:10]}.mp4"
        relative = PurePosixPath(name.replace("\\", "/"))
        if relative.is_absolute() or ".." in relative.parts or relative.suffix.lower() != ".mp4":
            raise ValueError(f"output {name!r} must be a relative path ending in .mp4, inside the output folder")
        key = str(relative)
        if key in self._outputs:
            raise ValueError(f"output '{key}' is also line {self._outputs[key]}'s")
        self._outputs[key] = line
        return key


def _string(value) -> str | None:
    """A cell as text, None when empty; JSON numbers count (a seed written 3 in JSON Lines)."""
    if value is None:
        return None
    if isinstance(value, (dict, list, bool)):
        raise ValueError(f"expected text, not {json.dumps(value)[:40]}")
    text = str(value).strip()
    return text or None


def _safe(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)[:60].strip("._") or "clip"


def _cached(cache: dict, path: Path, check) -> _Checked:
    if path not in cache:
        try:
            cache[path] = check(path)
        except InputError as err:
            cache[path] = err
    result = cache[path]
    if isinstance(result, InputError):
        raise result
    return result


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check_image(path: Path) -> _Checked:
    """The image's header: it is a picture Pillow reads, of a sane size (pixels are decoded later)."""
    import warnings

    from PIL import Image

    from facetalk.io.image import MAX_PIXELS

    input_file(path, what="image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                width, height = im.size
    except Exception as err:  # Pillow raises many kinds for many formats: all mean "not a usable image"
        raise InputError(f"cannot read image '{path}': not an image file, or a corrupt one "
                         f"({type(err).__name__})") from None
    if width * height > MAX_PIXELS:
        raise InputError(f"cannot read image '{path}': {width}x{height} is larger than "
                         f"{MAX_PIXELS // 1_000_000} megapixels")
    return _Checked(sha256=_sha256(path), duration_s=None)


def _check_audio(path: Path) -> _Checked:
    """The audio's header: a media file with an audio stream; its duration if the header says."""
    with open_media(path, what="audio") as container:
        if not container.streams.audio:
            raise InputError(f"cannot read audio '{path}': the file has no audio stream")
        stream = container.streams.audio[0]
        if stream.duration is not None and stream.time_base is not None:
            duration_s = float(stream.duration * stream.time_base)
        else:
            duration_s = container.duration / 1e6 if container.duration else None  # microseconds
    return _Checked(sha256=_sha256(path), duration_s=duration_s)


def _check_text(text: str) -> None:
    if any(ord(c) < 32 and c not in "\t\n\r" or ord(c) == 127 for c in text):
        raise ValueError("the text contains control characters (such as NUL)")
    if shutil.which("espeak-ng") is None:
        raise ValueError("text needs espeak-ng, which is not installed (apt-get install espeak-ng)")


def _controls(record: dict, *, base: Controls, folder: Path) -> Controls:
    """The row's Controls: `base` with the row's control columns and timeline (ValueError if bad)."""
    values = {}
    for column, name in CONTROL_COLUMNS.items():
        if record.get(column) is not None and _string(record[column]) is not None:
            values[name] = _typed(name, record[column])
    if _string(record.get("animate")) is not None:
        values.update(animate_components(_string(record["animate"])))
    timeline = record.get("controls")
    if isinstance(timeline, list):  # JSON Lines may hold the keyframes themselves
        values["timeline"] = json.dumps(timeline, separators=(",", ":"))
    elif (spec := _string(timeline)) is not None:
        values["timeline"] = spec if spec.startswith("[") else _timeline_file(folder / spec)
    return replace(base, **values)  # Controls checks every value and the timeline


def _typed(name: str, value):
    """A cell's value as the Controls field's type: CSV gives text, JSON may give either."""
    kind = _CONTROL_TYPES[name]
    if kind == "str" or not isinstance(value, str):
        return value
    try:
        return int(value) if kind == "int" else float(value)
    except ValueError:
        raise ValueError(f"{name} must be {'an integer' if kind == 'int' else 'a number'}, not {value!r}") from None


def _timeline_file(path: Path) -> str:
    from facetalk.io.controls import read_controls

    return read_controls(path).timeline
