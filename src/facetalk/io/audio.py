"""Decode any audio FFmpeg understands to mono float32; synthesize speech with espeak-ng; write WAV."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from facetalk.errors import InputError
from facetalk.io._files import decode_error, open_media


def load_audio(path: str | os.PathLike[str], *, sr: int = 16000) -> np.ndarray:
    """Decode the first audio stream of `path` to float32 mono samples in [-1, 1] at `sr` Hz.

    Returns shape (n_samples,); a valid file without samples gives an empty array. Raises
    InputError if the file is missing, empty, not a media file, has no audio or fails to decode.
    """
    import av

    container = open_media(path, what="audio")
    with container:
        if not container.streams.audio:
            raise InputError(f"cannot read audio '{path}': the file has no audio stream")
        # Resample at the source's channel count and average the channels ourselves:
        # FFmpeg's stereo->mono matrix sums L+R at -3 dB, which lifts the level and can clip.
        resampler = av.AudioResampler(format="fltp", rate=sr)
        chunks = []
        try:
            for frame in container.decode(container.streams.audio[0]):
                chunks += [out.to_ndarray() for out in resampler.resample(frame)]
            chunks += [out.to_ndarray() for out in resampler.resample(None)]
        except av.FFmpegError as err:
            raise decode_error(path, err, what="audio") from err
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    # Each chunk is (channels, n); lossy decoders can overshoot full scale slightly.
    mono = np.concatenate(chunks, axis=1).mean(axis=0)
    return np.clip(mono, -1.0, 1.0).astype(np.float32)


def synthesize_speech(text: str, *, lang: str = "en", sr: int = 16000) -> np.ndarray:
    """Speak `text` with espeak-ng in voice/language `lang`; float32 mono samples at `sr` Hz, shape (n,)."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise InputError("espeak-ng is not installed; install it with apt-get install espeak-ng")
    if not text.strip():
        raise InputError("cannot synthesize speech: the text is empty")
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
