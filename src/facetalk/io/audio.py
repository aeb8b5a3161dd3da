"""Decode any audio FFmpeg understands: to mono float32 for analysis (load_audio), or streamed at
its own rate and channels for the output's sound track (FileAudio); synthesize speech with
espeak-ng; write WAV."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from facetalk.errors import InputError
from facetalk.io._files import decode_error, open_media

if TYPE_CHECKING:
    import av.container


class AudioTooLong(InputError):
    """The audio lasts longer than the caller's limit (seen in the header, or while decoding)."""

    def __init__(self, path, *, duration_s: float, max_s: float, exact: bool):
        super().__init__(f"audio '{path}' lasts {'' if exact else 'more than '}{duration_s:.0f} s; "
                         f"the limit is {max_s:g} s")
        self.duration_s = duration_s
        self.max_s = max_s


def audio_duration_s(path: str | os.PathLike[str]) -> float | None:
    """The first audio stream's duration from the container's header (nothing is decoded), or
    None if the header does not say. Raises InputError if the file is not media or has no audio."""
    container = open_media(path, what="audio")
    with container:
        if not container.streams.audio:
            raise InputError(f"cannot read audio '{path}': the file has no audio stream")
        return _declared_s(container)


def _declared_s(container: av.container.InputContainer) -> float | None:
    stream = container.streams.audio[0]
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return container.duration / 1e6 if container.duration else None  # microseconds


def stream_audio(path: str | os.PathLike[str], *, sr: int = 16000, chunk_s: float = 0.5,
                 max_s: float | None = None) -> Iterator[np.ndarray]:
    """Decode the first audio stream of `path` as float32 mono chunks in [-1, 1] at `sr` Hz, each
    (round(chunk_s * sr),) except the last: memory stays flat whatever the file's length.

    The file is opened (and checked) when this is called. With `max_s`, a header longer than that
    raises AudioTooLong before anything is decoded, and so does decoding past it (a header can lie).
    Raises InputError for a file that is missing, not media, without audio, corrupt, or that
    holds NaN or infinite samples (float WAVs can: they would poison every feature).
    """
    if max_s is not None and (declared := audio_duration_s(path)) is not None and declared > max_s + 0.5:
        raise AudioTooLong(path, duration_s=declared, max_s=max_s, exact=True)
    container = open_media(path, what="audio")
    if not container.streams.audio:
        container.close()
        raise InputError(f"cannot read audio '{path}': the file has no audio stream")
    return _decoded_chunks(container, path, sr=sr, chunk=max(1, round(chunk_s * sr)), max_s=max_s)


def _decoded_chunks(container, path, *, sr: int, chunk: int, max_s: float | None) -> Iterator[np.ndarray]:
    import av

    # Resample at the source's channel count and average the channels ourselves:
    # FFmpeg's stereo->mono matrix sums L+R at -3 dB, which lifts the level and can clip.
    resampler = av.AudioResampler(format="fltp", rate=sr)
    pending: list[np.ndarray] = []
    n_pending = n_total = 0
    with container:
        frames = container.decode(container.streams.audio[0])
        while True:
            try:
                frame = next(frames, None)
                outs = resampler.resample(frame)
            except av.FFmpegError as err:
                raise decode_error(path, err, what="audio") from err
            for out in outs:
                mono = out.to_ndarray().mean(axis=0)  # (channels, n) -> (n,)
                if not np.isfinite(mono).all():
                    raise InputError(f"cannot read audio '{path}': it contains NaN or infinite samples")
                pending.append(mono)
                n_pending += len(mono)
                n_total += len(mono)
            if max_s is not None and n_total > (max_s + 0.5) * sr:
                raise AudioTooLong(path, duration_s=max_s, max_s=max_s, exact=False)
            while n_pending >= chunk or (frame is None and n_pending):
                joined = np.concatenate(pending)
                # Lossy decoders can overshoot full scale slightly.
                yield np.clip(joined[:chunk], -1.0, 1.0).astype(np.float32)
                rest = joined[chunk:]
                pending, n_pending = ([rest] if len(rest) else []), len(rest)
            if frame is None:
                return


def load_audio(path: str | os.PathLike[str], *, sr: int = 16000, max_s: float | None = None) -> np.ndarray:
    """Decode the first audio stream of `path` to float32 mono samples in [-1, 1] at `sr` Hz.

    Returns shape (n_samples,); a valid file without samples gives an empty array. Raises
    InputError as stream_audio does (AudioTooLong beyond `max_s`).
    """
    chunks = list(stream_audio(path, sr=sr, chunk_s=30.0, max_s=max_s))
    return np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)


# AAC's sample rates up to 48 kHz: a source at one of them keeps it, others become 48 kHz.
AAC_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)


class ArrayAudio:
    """Mono float32 samples at `sr` Hz, shape (n,), read out in chunks as (1, m) arrays."""

    def __init__(self, samples: np.ndarray, *, sr: int):
        self.samples = np.asarray(samples, dtype=np.float32).reshape(-1)
        self.sr = sr
        self.channels = 1
        self.duration_s: float | None = len(self.samples) / sr  # known before reading, as FileAudio's
        self._pos = 0

    def read(self, n: int) -> np.ndarray:
        """The next up to `n` samples, (channels, m); m < n only at the end."""
        chunk = self.samples[self._pos:self._pos + n]
        self._pos += len(chunk)
        return chunk.reshape(1, -1)

    def close(self) -> None:
        pass


class FileAudio:
    """The first audio stream of a file at its own quality, decoded as it is read: its sample rate
    (kept if AAC has it and it is at most 48 kHz, else 48 kHz) and its channels (mono stays mono,
    anything more becomes stereo). Memory stays flat whatever the length.

    `duration_s` cuts it there or pads it with silence to it. read(n) gives (channels, m) float32.
    Its attribute `duration_s` is the length known before reading: the one given, else the header's
    (None if the header does not say).
    """

    def __init__(self, path: str | os.PathLike[str], *, duration_s: float | None = None):
        import av

        self.path = path
        self._container = open_media(path, what="audio")
        if not self._container.streams.audio:
            self._container.close()
            raise InputError(f"cannot read audio '{path}': the file has no audio stream")
        stream = self._container.streams.audio[0]
        native = stream.codec_context.sample_rate or 48000
        self.sr = native if native in AAC_RATES else 48000
        self.channels = 1 if stream.codec_context.layout.nb_channels == 1 else 2
        try:
            self._resampler = av.AudioResampler(format="fltp", layout="mono" if self.channels == 1 else "stereo",
                                                rate=self.sr)
        except (av.FFmpegError, ValueError) as err:
            self._container.close()
            raise decode_error(path, err, what="audio") from err
        self._frames = self._container.decode(stream)
        self._buffer: list[np.ndarray] = []
        self._buffered = 0
        self._ended = False
        self._left = None if duration_s is None else int(round(duration_s * self.sr))
        self.duration_s = duration_s if duration_s is not None else _declared_s(self._container)

    def read(self, n: int) -> np.ndarray:
        """The next up to `n` samples, (channels, m); m < n only at the end."""
        if self._left is not None:
            n = min(n, self._left)
        while self._buffered < n and not self._ended:
            self._decode_more()
        if self._ended and self._buffered < n and self._left is not None:  # pad to duration_s
            self._buffer.append(np.zeros((self.channels, n - self._buffered), np.float32))
            self._buffered = n
        joined = np.concatenate(self._buffer, axis=1) if self._buffer else np.zeros((self.channels, 0), np.float32)
        out, rest = joined[:, :n], joined[:, n:]
        self._buffer, self._buffered = ([rest] if rest.shape[1] else []), rest.shape[1]
        if self._left is not None:
            self._left -= out.shape[1]
        return np.clip(out, -1.0, 1.0)

    def _decode_more(self) -> None:
        import av

        try:
            frame = next(self._frames, None)
            outs = self._resampler.resample(frame)
        except av.FFmpegError as err:
            raise decode_error(self.path, err, what="audio") from err
        self._ended = frame is None
        for out in outs:
            samples = out.to_ndarray().astype(np.float32).reshape(self.channels, -1)
            self._buffer.append(samples)
            self._buffered += samples.shape[1]

    def close(self) -> None:
        self._container.close()  # closing twice is harmless


def synthesize_speech(text: str, *, lang: str = "en", sr: int = 16000) -> np.ndarray:
    """Speak `text` with espeak-ng in voice/language `lang`; float32 mono samples at `sr` Hz, shape (n,)."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise InputError("espeak-ng is not installed; install it with apt-get install espeak-ng")
    if not text.strip():
        raise InputError("cannot synthesize speech: the text is empty")
    if any(ord(c) < 32 and c not in "\t\n\r" or ord(c) == 127 for c in text):
        raise InputError("cannot synthesize speech: the text contains control characters (such as NUL); remove them")
    with tempfile.TemporaryDirectory(prefix="facetalk-tts-") as tmp:
        wav = Path(tmp) / "speech.wav"
        # "--" ends the options, so text such as "-5 degrees" is spoken rather than parsed.
        command = [espeak, "-v", lang, "-w", str(wav), "--", text]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if "voice does not exist" in result.stderr:  # espeak-ng's message for an unknown -v
            raise InputError(f"unknown language '{lang}' for espeak-ng")
        if result.returncode != 0 or not wav.exists():
            reason = (result.stderr.strip() or f"exit status {result.returncode}").splitlines()[0]
            raise InputError(f"espeak-ng failed for language '{lang}': {reason}")
        return load_audio(wav, sr=sr)


def write_wav(path: str | os.PathLike[str], samples: np.ndarray, *, sr: int) -> None:
    """Write float samples in [-1, 1], shape (n,), as a 16-bit PCM mono WAV at `sr` Hz."""
    pcm = np.rint(np.clip(np.asarray(samples, dtype=np.float64), -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sr)
        out.writeframes(pcm.tobytes())
