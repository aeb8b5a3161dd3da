import wave
from fractions import Fraction

import av
import numpy as np
import pytest

from facetalk.errors import InputError
from facetalk.io import load_audio, synthesize_speech, write_wav

SR = 16000


def _tone(seconds: float, sr: int, hz: float = 440.0, amplitude: float = 0.5) -> np.ndarray:
    return (amplitude * np.sin(2 * np.pi * hz * np.arange(round(seconds * sr)) / sr)).astype(np.float32)


def _peak_hz(samples: np.ndarray, sr: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / sr)[spectrum.argmax()])


def _write_stereo_wav(path, samples: np.ndarray, sr: int) -> None:
    pcm = (np.stack([samples, samples], axis=1) * 32767).astype("<i2")  # (n, 2) interleaved
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(sr)
        out.writeframes(pcm.tobytes())


def _encode(path, samples: np.ndarray, sr: int, *, fmt: str, codec: str) -> None:
    """Encode stereo audio with PyAV the way other tools would."""
    with av.open(str(path), "w", format=fmt) as container:
        stream = container.add_stream(codec, rate=sr, layout="stereo")
        if codec == "vorbis":  # FFmpeg's native Vorbis encoder is flagged experimental
            stream.codec_context.options = {"strict": "experimental"}
        frame = av.AudioFrame.from_ndarray(np.repeat(samples, 2)[None, :], format="flt", layout="stereo")
        frame.sample_rate = sr
        frame.pts = 0
        frame.time_base = Fraction(1, sr)
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))


@pytest.mark.parametrize("source_sr", [8000, 44100])
def test_stereo_wav_is_resampled_to_mono(tmp_path, source_sr):
    _write_stereo_wav(tmp_path / "s.wav", _tone(1.5, source_sr), source_sr)
    out = load_audio(tmp_path / "s.wav", sr=SR)
    assert out.dtype == np.float32 and out.ndim == 1
    assert abs(len(out) - 1.5 * SR) <= 0.01 * 1.5 * SR
    assert abs(_peak_hz(out, SR) - 440) < 3
    # Downmixing identical channels keeps the level (FFmpeg's own mono matrix would raise it by 3 dB).
    assert 0.48 < np.abs(out).max() <= 0.51


def test_custom_sample_rate(tmp_path):
    write_wav(tmp_path / "m.wav", _tone(1.0, SR), sr=SR)
    out = load_audio(tmp_path / "m.wav", sr=22050)
    assert abs(len(out) - 22050) <= 221
    assert abs(_peak_hz(out, 22050) - 440) < 3


def test_write_wav_round_trip_and_clipping(tmp_path):
    samples = np.array([0.0, 0.5, -0.5, 2.0, -2.0], np.float32)
    write_wav(tmp_path / "w.wav", samples, sr=SR)
    with wave.open(str(tmp_path / "w.wav")) as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes()) == (1, 2, SR, 5)
    np.testing.assert_allclose(load_audio(tmp_path / "w.wav"), [0, 0.5, -0.5, 1, -1], atol=1e-4)


@pytest.mark.parametrize(
    ("fmt", "codec", "ext", "sr"),
    [
        ("mp3", "libmp3lame", "mp3", 44100),
        ("flac", "flac", "flac", 44100),
        ("ogg", "vorbis", "ogg", 44100),
        ("ogg", "libopus", "opus", 48000),
        ("ipod", "aac", "m4a", 44100),
    ],
)
def test_compressed_formats(tmp_path, fmt, codec, ext, sr):
    path = tmp_path / f"speech.{ext}"
    _encode(path, _tone(1.0, sr), sr, fmt=fmt, codec=codec)
    out = load_audio(path)
    assert out.dtype == np.float32 and out.ndim == 1
    # Lossy codecs pad to whole codec frames at the end, so allow a little extra.
    assert SR * 0.99 <= len(out) <= SR * 1.1
    assert abs(_peak_hz(out, SR) - 440) < 5
    assert np.abs(out).max() <= 1.0


def test_audio_track_of_a_video(tmp_path):
    from facetalk.io import VideoWriter

    with VideoWriter(tmp_path / "v.mp4", fps=25, audio=_tone(1.0, SR)) as writer:
        for _ in range(25):
            writer.write(np.zeros((16, 16, 3), np.uint8))
    out = load_audio(tmp_path / "v.mp4")
    assert abs(_peak_hz(out, SR) - 440) < 5
    # The AAC priming samples are hidden by the MP4 edit list, so the tone starts right away.
    assert np.abs(out[:200]).max() > 0.2


def test_wav_without_samples_is_empty(tmp_path):
    write_wav(tmp_path / "silent.wav", np.zeros(0), sr=SR)
    out = load_audio(tmp_path / "silent.wav")
    assert out.shape == (0,) and out.dtype == np.float32


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match=r"gone\.wav.*not found"):
        load_audio(tmp_path / "gone.wav")


def test_empty_file(tmp_path):
    (tmp_path / "empty.mp3").write_bytes(b"")
    with pytest.raises(InputError, match=r"empty\.mp3.*empty"):
        load_audio(tmp_path / "empty.mp3")


def test_directory(tmp_path):
    with pytest.raises(InputError, match="directory"):
        load_audio(tmp_path)


def test_garbage_bytes(tmp_path):
    (tmp_path / "junk.wav").write_bytes(b"definitely not audio " * 50)
    with pytest.raises(InputError, match=r"junk\.wav.*not a media file"):
        load_audio(tmp_path / "junk.wav")


def test_no_audio_stream(tmp_path):
    from facetalk.io import VideoWriter

    with VideoWriter(tmp_path / "mute.mp4", fps=25) as writer:
        writer.write(np.zeros((16, 16, 3), np.uint8))
    with pytest.raises(InputError, match=r"mute\.mp4.*no audio stream"):
        load_audio(tmp_path / "mute.mp4")


def test_truncated_wav_header(tmp_path):
    write_wav(tmp_path / "full.wav", _tone(0.5, SR), sr=SR)
    (tmp_path / "cut.wav").write_bytes((tmp_path / "full.wav").read_bytes()[:30])
    with pytest.raises(InputError, match=r"cut\.wav"):
        load_audio(tmp_path / "cut.wav")


def test_truncated_mp3(tmp_path):
    _encode(tmp_path / "full.mp3", _tone(1.0, 44100), 44100, fmt="mp3", codec="libmp3lame")
    data = (tmp_path / "full.mp3").read_bytes()
    (tmp_path / "stub.mp3").write_bytes(data[:200])  # too little to even find a stream
    with pytest.raises(InputError, match=r"stub\.mp3"):
        load_audio(tmp_path / "stub.mp3")
    # Cut mid-stream, MP3 decodes what is there (like any player) instead of failing.
    (tmp_path / "half.mp3").write_bytes(data[: len(data) // 2])
    assert 0.3 * SR < len(load_audio(tmp_path / "half.mp3")) < 0.7 * SR


def test_decoding_error_midway(tmp_path):
    _encode(tmp_path / "full.flac", _tone(1.0, 44100), 44100, fmt="flac", codec="flac")
    data = (tmp_path / "full.flac").read_bytes()
    (tmp_path / "cut.flac").write_bytes(data[: int(len(data) * 0.7)])
    with pytest.raises(InputError, match=r"cut\.flac.*(corrupt|truncated)"):
        load_audio(tmp_path / "cut.flac")


def test_synthesize_speech():
    out = synthesize_speech("Hello, this is a short test of the speech synthesizer.")
    assert out.dtype == np.float32 and out.ndim == 1
    assert 1.5 * SR < len(out) < 8 * SR
    assert np.abs(out).max() > 0.05


def test_synthesize_speech_text_starting_with_dash():
    assert len(synthesize_speech("-5 degrees", sr=8000)) > 0.3 * 8000


def test_synthesize_speech_unknown_language():
    with pytest.raises(InputError, match="unknown language 'xx-nope' for espeak-ng"):
        synthesize_speech("hello", lang="xx-nope")


@pytest.mark.parametrize("text", ["", "   \n"])
def test_synthesize_speech_empty_text(text):
    with pytest.raises(InputError, match="empty"):
        synthesize_speech(text)


def test_synthesize_speech_without_espeak(monkeypatch):
    monkeypatch.setattr("facetalk.io.audio.shutil.which", lambda name: None)
    with pytest.raises(InputError, match="espeak-ng is not installed"):
        synthesize_speech("hello")


def _mp3(path, seconds: float, *, bit_rate: int = 64000, sr: int = SR) -> bytes:
    """A mono MP3 of a tone, without ID3 tag or Xing header: FFmpeg guesses its length from the
    first frames' bit rate and the file size."""
    with av.open(str(path), "w", format="mp3", container_options={"write_xing": "0", "id3v2_version": "0"}) as out:
        stream = out.add_stream("libmp3lame", rate=sr, layout="mono")
        stream.bit_rate = bit_rate
        samples = _tone(seconds, sr)
        for start in range(0, len(samples), 1152):
            frame = av.AudioFrame.from_ndarray(samples[start:start + 1152].reshape(1, -1), format="flt", layout="mono")
            frame.sample_rate, frame.pts = sr, start
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return path.read_bytes()


def test_streamed_chunks_are_the_whole_decode(tmp_path):
    from facetalk.io.audio import stream_audio

    path = tmp_path / "tone.wav"
    write_wav(path, _tone(2.3, 44100), sr=44100)
    chunks = list(stream_audio(path, sr=SR, chunk_s=0.5))
    assert [len(c) for c in chunks[:-1]] == [8000] * 4 and 0 < len(chunks[-1]) <= 8000
    assert np.array_equal(np.concatenate(chunks), load_audio(path, sr=SR))
    assert all(c.dtype == np.float32 for c in chunks)


def test_too_long_audio_is_refused_from_the_header_and_while_decoding(tmp_path):
    """A header longer than the limit is refused before decoding; a header that lies (a short MP3
    with more MP3 frames appended) is caught as decoding passes the limit."""
    from facetalk.io.audio import AudioTooLong, audio_duration_s, stream_audio

    long_mp3 = tmp_path / "long.mp3"
    _mp3(long_mp3, 12.0)
    assert audio_duration_s(long_mp3) == pytest.approx(12.0, abs=0.3)
    with pytest.raises(AudioTooLong, match="lasts 12 s; the limit is 5 s"):
        stream_audio(long_mp3, max_s=5.0)  # raised on the call: nothing decoded
    # 2 s at a high bit rate, then 12 s at a low one: the length guessed from the start is ~3 s.
    liar = tmp_path / "liar.mp3"
    liar.write_bytes(_mp3(tmp_path / "a.mp3", 2.0, bit_rate=160000) + _mp3(tmp_path / "b.mp3", 12.0, bit_rate=16000))
    assert audio_duration_s(liar) < 5.0
    decoded = 0
    with pytest.raises(AudioTooLong, match="more than 5 s"):
        for chunk in stream_audio(liar, max_s=5.0):
            decoded += len(chunk)
    assert decoded <= 6.0 * SR
    assert len(load_audio(liar)) > 13 * SR  # without a limit it is all read


def test_nan_samples_are_refused(tmp_path):
    samples = np.zeros(4000, "<f4")
    samples[1000] = np.inf
    path = tmp_path / "inf.wav"
    header = (b"RIFF" + (36 + samples.nbytes).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
              + (3).to_bytes(2, "little") + (1).to_bytes(2, "little") + SR.to_bytes(4, "little")
              + (4 * SR).to_bytes(4, "little") + (4).to_bytes(2, "little") + (32).to_bytes(2, "little")
              + b"data" + samples.nbytes.to_bytes(4, "little"))
    path.write_bytes(header + samples.tobytes())
    with pytest.raises(InputError, match="NaN or infinite"):
        load_audio(path)
