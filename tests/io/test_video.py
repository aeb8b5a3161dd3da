import shutil

import av
import numpy as np
import pytest

from facetalk.errors import InputError
from facetalk.io import VideoInfo, VideoWriter, probe_video, read_frames, read_video_audio

SR = 16000
H, W = 96, 128


def _frame(i: int) -> np.ndarray:
    """A smooth, slowly moving color gradient (easy for H.264, so round-trip errors stay small)."""
    y, x = np.mgrid[0:H, 0:W].astype(np.float32)
    r = 128 + 100 * np.sin((x + 2 * i) / 20)
    g = 128 + 100 * np.cos(y / 15)
    b = np.full_like(x, 90 + i)
    return np.stack([r, g, b], axis=-1).astype(np.uint8)


def _tone(seconds: float, hz: float = 440.0) -> np.ndarray:
    return (0.4 * np.sin(2 * np.pi * hz * np.arange(round(seconds * SR)) / SR)).astype(np.float32)


def _write(path, n_frames: int = 50, **kwargs) -> None:
    with VideoWriter(path, fps=25, **kwargs) as writer:
        for i in range(n_frames):
            writer.write(_frame(i))


def test_write_and_probe(tmp_path):
    path = tmp_path / "talk.mp4"
    _write(path, audio=_tone(2.0))
    info = probe_video(path)
    assert isinstance(info, VideoInfo)
    assert info.n_frames == 50
    assert info.fps == 25
    assert (info.width, info.height) == (W, H)
    assert info.duration_s == pytest.approx(2.0, abs=0.05)
    assert info.has_audio and info.audio_duration_s == pytest.approx(2.0, abs=0.07)
    assert (info.video_codec, info.audio_codec, info.pix_fmt) == ("h264", "aac", "yuv420p")
    assert [p.name for p in tmp_path.iterdir()] == ["talk.mp4"]


def test_mp4_is_faststart_and_interleaved(tmp_path):
    path = tmp_path / "talk.mp4"
    _write(path, audio=_tone(2.0))
    data = path.read_bytes()
    assert 0 < data.index(b"moov") < data.index(b"mdat")  # index first: playback starts before download ends
    with av.open(str(path)) as container:
        kinds = [packet.stream.type for packet in container.demux() if packet.size]
    # Audio packets are spread through the file rather than all after the video.
    for part in np.array_split(np.array(kinds), 5):
        assert set(part) == {"audio", "video"}


def test_audio_longer_than_video_is_kept(tmp_path):
    path = tmp_path / "long.mp4"
    _write(path, n_frames=10, audio=_tone(1.0))
    assert probe_video(path).audio_duration_s == pytest.approx(1.0, abs=0.07)


def test_video_without_audio(tmp_path):
    path = tmp_path / "mute.mp4"
    _write(path, n_frames=5, audio=np.zeros(0, np.float32))
    info = probe_video(path)
    assert info.n_frames == 5 and not info.has_audio and info.audio_codec is None


def test_read_frames_round_trip(tmp_path):
    path = tmp_path / "talk.mp4"
    _write(path, n_frames=20)
    frames = read_frames(path)
    count = 0
    for i, frame in enumerate(frames):
        assert frame.shape == (H, W, 3) and frame.dtype == np.uint8
        assert np.abs(frame.astype(int) - _frame(i)).mean() < 3
        count += 1
    assert count == 20


def test_read_video_audio(tmp_path):
    path = tmp_path / "talk.mp4"
    _write(path, audio=_tone(2.0, hz=300))
    audio = read_video_audio(path, sr=8000)
    assert abs(len(audio) - 16000) < 0.05 * 16000
    spectrum = np.abs(np.fft.rfft(audio))
    assert abs(np.fft.rfftfreq(len(audio), 1 / 8000)[spectrum.argmax()] - 300) < 5


def test_metadata_round_trip(tmp_path):
    path = tmp_path / "meta.mp4"
    _write(path, n_frames=2, metadata={"comment": "facetalk seed=0", "title": "Hello"})
    info = probe_video(path)
    assert info.metadata["comment"] == "facetalk seed=0"
    assert info.metadata["title"] == "Hello"


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_exception_leaves_nothing(tmp_path, error):
    path = tmp_path / "out.mp4"
    with pytest.raises(error):
        with VideoWriter(path, fps=25, audio=_tone(1.0)) as writer:
            for i in range(5):
                writer.write(_frame(i))
            assert list(tmp_path.iterdir())  # the partial file exists while writing ...
            raise error("stop")
    assert list(tmp_path.iterdir()) == []  # ... and is gone afterwards


def test_failed_rewrite_keeps_the_old_file(tmp_path):
    path = tmp_path / "out.mp4"
    _write(path, n_frames=3)
    before = path.read_bytes()
    with pytest.raises(RuntimeError):
        with VideoWriter(path, fps=25) as writer:
            writer.write(_frame(0))
            raise RuntimeError("stop")
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["out.mp4"]


def test_no_frames_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="no frames"):
        with VideoWriter(tmp_path / "out.mp4", fps=25):
            pass
    assert list(tmp_path.iterdir()) == []


def test_odd_frame_size(tmp_path):
    with pytest.raises(ValueError, match="even"):
        with VideoWriter(tmp_path / "odd.mp4", fps=25) as writer:
            writer.write(np.zeros((H + 1, W, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []


def test_frame_size_must_not_change(tmp_path):
    with pytest.raises(ValueError, match="differs"):
        with VideoWriter(tmp_path / "out.mp4", fps=25) as writer:
            writer.write(_frame(0))
            writer.write(np.zeros((H // 2, W // 2, 3), np.uint8))
    assert list(tmp_path.iterdir()) == []


def test_bad_frame_type(tmp_path):
    with pytest.raises(ValueError, match="uint8"):
        with VideoWriter(tmp_path / "out.mp4", fps=25) as writer:
            writer.write(np.zeros((H, W, 3), np.float32))


def test_probe_and_read_errors(tmp_path):
    with pytest.raises(InputError, match=r"none\.mp4.*not found"):
        probe_video(tmp_path / "none.mp4")
    (tmp_path / "junk.mp4").write_bytes(b"not a video " * 100)
    with pytest.raises(InputError, match=r"junk\.mp4"):
        probe_video(tmp_path / "junk.mp4")
    with pytest.raises(InputError, match=r"junk\.mp4"):
        read_frames(tmp_path / "junk.mp4")  # raised at the call, before iterating


def _write_pcm_wav(path, channels: np.ndarray, sr: int) -> None:
    """(C, n) float in [-1, 1] as a 16-bit WAV with C interleaved channels."""
    import wave

    pcm = np.rint(np.clip(channels.T, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels.shape[0])
        out.setsampwidth(2)
        out.setframerate(sr)
        out.writeframes(pcm.tobytes())


def _decoded_track(path) -> tuple[np.ndarray, int]:
    """The MP4's audio as (C, n) float32 and its rate, as a player would decode it."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        parts = [frame.to_ndarray() for frame in container.decode(stream)]
    return np.concatenate(parts, axis=1).astype(np.float32), rate


def _band_level(x: np.ndarray, sr: int, hz: float) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    freqs = np.fft.rfftfreq(len(x), 1 / sr)
    return float(spectrum[np.abs(freqs - hz) < 30].max() / len(x))  # a sine of amplitude A gives A / 4


@pytest.mark.parametrize("sr", [44100, 48000])
def test_file_audio_keeps_rate_channels_and_highs(tmp_path, sr):
    """A 44.1/48 kHz stereo voice-over keeps its rate, both channels and what lies above 8 kHz."""
    from facetalk.io.audio import FileAudio

    t = np.arange(2 * sr) / sr
    left, right = 0.3 * np.sin(2 * np.pi * 12000 * t), 0.3 * np.sin(2 * np.pi * 3000 * t)
    source = tmp_path / "voice.wav"
    _write_pcm_wav(source, np.stack([left, right]), sr)
    path = tmp_path / "hifi.mp4"
    _write(path, audio_source=FileAudio(source))
    track, rate = _decoded_track(path)
    assert rate == sr and track.shape[0] == 2
    mid = track[:, sr // 2: sr // 2 + 16384]
    # 12 kHz (gone at 16 kHz) is in the left channel and not the right; 3 kHz the other way round.
    assert _band_level(mid[0], sr, 12000) > 0.05 and _band_level(mid[1], sr, 12000) < 0.005
    assert _band_level(mid[1], sr, 3000) > 0.05 and _band_level(mid[0], sr, 3000) < 0.005
    assert track.shape[1] == pytest.approx(2 * sr, abs=2048)


def test_file_audio_is_time_aligned(tmp_path):
    """A click at 0.5 s in the source is at 0.5 s in the MP4 (the encoder's priming is hidden)."""
    from facetalk.io.audio import FileAudio

    sr = 48000
    clip = np.zeros((1, sr * 2))
    clip[0, sr // 2: sr // 2 + 48] = 0.8
    source = tmp_path / "click.wav"
    _write_pcm_wav(source, clip, sr)
    path = tmp_path / "click.mp4"
    _write(path, audio_source=FileAudio(source))
    track, rate = _decoded_track(path)
    assert rate == sr and track.shape[0] == 1
    assert abs(int(np.argmax(np.abs(track[0]))) - sr // 2) < sr // 1000  # within 1 ms


def test_file_audio_rate_limits_and_length(tmp_path):
    """96 kHz becomes 48 kHz, an odd rate becomes 48 kHz, 6 channels become stereo; duration_s cuts or pads."""
    from facetalk.io.audio import FileAudio

    for sr, channels, expect_sr, expect_ch in [(96000, 1, 48000, 1), (37000, 2, 48000, 2), (22050, 6, 22050, 2)]:
        source = tmp_path / f"in{sr}.wav"
        _write_pcm_wav(source, 0.1 * np.ones((channels, sr)), sr)
        audio = FileAudio(source)
        chunk = audio.read(1000)
        assert (audio.sr, audio.channels, chunk.shape) == (expect_sr, expect_ch, (expect_ch, 1000))
        audio.close()
    padded = FileAudio(tmp_path / "in22050.wav", duration_s=1.5)
    total = sum(padded.read(4096).shape[1] for _ in range(20))
    assert total == round(1.5 * 22050)
    cut = FileAudio(tmp_path / "in22050.wav", duration_s=0.5)
    assert sum(cut.read(4096).shape[1] for _ in range(20)) == round(0.5 * 22050)


def test_file_audio_errors(tmp_path):
    from facetalk.io.audio import FileAudio

    with pytest.raises(InputError, match="file not found"):
        FileAudio(tmp_path / "missing.wav")
    still = tmp_path / "still.mp4"
    _write(still, n_frames=5)
    with pytest.raises(InputError, match="no audio stream"):
        FileAudio(still)


def test_file_audio_is_closed_with_the_writer(tmp_path):
    """The sound's file is closed when the video is written (or fails): a server or batch worker
    rendering many clips keeps no file open."""
    import gc
    import os

    from facetalk.io.audio import FileAudio

    source = tmp_path / "voice.wav"
    _write_pcm_wav(source, 0.1 * np.ones((1, 16000)), 16000)

    def open_fds() -> int:
        gc.collect()  # files that earlier tests left to the collector would close mid-count
        return len(os.listdir("/proc/self/fd"))

    before = open_fds()
    for i in range(5):
        _write(tmp_path / f"v{i}.mp4", n_frames=5, audio_source=FileAudio(source))
    with pytest.raises(ValueError):
        with VideoWriter(tmp_path / "bad.mp4", fps=25, audio_source=FileAudio(source)) as writer:
            writer.write(np.zeros((5, 5, 2), np.uint8))
    assert open_fds() == before


def _scene(i: int) -> np.ndarray:
    """Frame i of a clip with a hard cut every 25 frames (x264 starts a keyframe, hence a fragment,
    at each) and a white bar i % W px wide, so a frame shows which one it is."""
    scene = i // 25
    frame = np.full((H, W, 3), 255 * (scene % 2), np.uint8)  # black and white scenes, each striped in one channel
    frame[..., scene % 3] = 128 + 100 * np.sin(np.arange(W) / (5 + 4 * scene))
    frame[H // 2 - 8:H // 2 + 8, :i % W] = 255
    return frame


def _top_boxes(path) -> list[str]:
    """The MP4's top-level box types in file order."""
    import struct

    data, kinds, pos = path.read_bytes(), [], 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        size = struct.unpack(">Q", data[pos + 8:pos + 16])[0] if size == 1 else size
        kinds.append(kind.decode("latin-1"))
        pos += max(size, 8)
    return kinds


def _write_scenes(path, *, fragmented: bool | None, n_frames: int = 100) -> None:
    with VideoWriter(path, fps=25, audio=_tone(n_frames / 25), fragmented=fragmented,
                     metadata={"title": "facetalk", "comment": "AI-generated; facetalk provenance id 5eed1234"}) as writer:
        for i in range(n_frames):
            writer.write(_scene(i))


def test_fragmented_mp4_is_the_classic_one_in_fragments(tmp_path):
    """A fragmented MP4 (long outputs: flat memory) holds the same frames, sound, durations and
    metadata as the classic one, its header first and its video and audio starting together."""
    classic, fragmented = tmp_path / "classic.mp4", tmp_path / "fragmented.mp4"
    _write_scenes(classic, fragmented=False)
    _write_scenes(fragmented, fragmented=True)
    boxes = _top_boxes(fragmented)
    assert boxes[:3] == ["ftyp", "moov", "moof"] and boxes.count("moof") >= 4 and boxes[-1] == "mfra"
    assert "moof" not in _top_boxes(classic) and _top_boxes(classic).index("moov") < _top_boxes(classic).index("mdat")
    a, b = probe_video(classic), probe_video(fragmented)
    assert b.n_frames == a.n_frames == 100
    assert b.duration_s == pytest.approx(4.0, abs=1e-6)
    # its audio track's length counts the encoder's 1024 priming samples, which the edit list hides
    assert 4.0 <= b.audio_duration_s <= 4.0 + 1024 / SR + 1e-6
    assert b.metadata["title"] == "facetalk" and b.metadata["comment"] == a.metadata["comment"]
    assert all(np.array_equal(x, y) for x, y in zip(read_frames(classic), read_frames(fragmented), strict=True))
    np.testing.assert_array_equal(read_video_audio(fragmented, sr=SR), read_video_audio(classic, sr=SR))
    with av.open(str(fragmented)) as container:
        first_audio = next(container.decode(audio=0))
    with av.open(str(fragmented)) as container:
        first_video = next(container.decode(video=0))
    assert first_video.time == 0.0 and first_audio.time == 0.0  # no lag from B-frames or AAC priming


def test_fragmented_mp4_seeks(tmp_path):
    path = tmp_path / "fragmented.mp4"
    _write_scenes(path, fragmented=True)
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        container.seek(round(2.6 / video.time_base), stream=video)  # frame 65: its keyframe is frame 50
        frames = list(container.decode(video))
    assert 0.0 < frames[0].time <= 2.6 and len(frames) < 100
    at = next(frame for frame in frames if frame.time >= 2.6 - 1e-6)
    bar = at.to_ndarray(format="rgb24")[H // 2, :, 0] > 240
    assert round(at.time * 25) == 65 and abs(int(bar.sum()) - 65) <= 1


def test_fragmented_from_a_length(tmp_path):
    """The classic form up to FRAGMENT_FROM_S of sound, fragmented past it or when the length is
    not known before decoding; without sound, classic; an explicit choice wins."""
    from facetalk.io.audio import FileAudio
    from facetalk.io.video import FRAGMENT_FROM_S

    def form(**kwargs) -> bool:
        return VideoWriter(tmp_path / "x.mp4", fps=25, **kwargs).fragmented

    sr = 8000
    assert form(audio=np.zeros(round(FRAGMENT_FROM_S * sr), np.float32), sr=sr) is False
    assert form(audio=np.zeros(round(FRAGMENT_FROM_S * sr) + sr, np.float32), sr=sr) is True
    assert form() is False and form(fragmented=True) is True
    assert form(audio=np.zeros(round(2 * FRAGMENT_FROM_S * sr), np.float32), sr=sr, fragmented=False) is False
    wav = tmp_path / "voice.wav"
    _write_pcm_wav(wav, 0.1 * np.ones((1, 16000)), 16000)
    for duration_s, expected in ((None, False), (FRAGMENT_FROM_S + 1, True)):
        source = FileAudio(wav, duration_s=duration_s)
        assert form(audio_source=source) is expected
        source.close()


def test_verify_reads_a_fragmented_mp4(tmp_path, portrait):
    """`facetalk verify` finds the watermark and the metadata tag in a fragmented MP4 as in a classic one."""
    from facetalk.provenance import Payload, Watermarker, metadata_tags, verify_file

    payload = Payload(version="0.1", id=0x5EED1234)
    mark = Watermarker(payload)
    photo = portrait[:256, :256]
    results = []
    for fragmented in (False, True):
        path = tmp_path / f"marked-{fragmented}.mp4"
        with VideoWriter(path, fps=25, audio=_tone(2.0), fragmented=fragmented,
                         metadata=metadata_tags(payload, seed=3)) as writer:
            for i in range(50):
                writer.write(mark(np.roll(photo, i, axis=1)))
        results.append(verify_file(path))
    assert results[1] == results[0]
    assert results[1].watermark and results[1].payload == payload and results[1].tag_id == payload.id


BROWSER_PLAY_AND_SEEK = """
const [src, seekTo, done] = arguments;
const video = document.createElement('video');
video.muted = true;
video.onerror = () => done({error: video.error && video.error.code});
video.onloadedmetadata = () => { video.currentTime = seekTo; };
video.onseeked = () => setTimeout(() => {
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [video.videoWidth, video.videoHeight];
  const context = canvas.getContext('2d');
  context.drawImage(video, 0, 0);
  const row = context.getImageData(0, canvas.height / 2, canvas.width, 1).data;
  let bar = 0;
  for (let x = 0; x < canvas.width; x++) bar += row[4 * x + 1] > 240 && row[4 * x + 2] > 240;
  done({duration: video.duration, time: video.currentTime, bar});
}, 200);
video.src = src;
"""


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("chromedriver")),
                    reason="needs Debian's chromium and chromium-driver (scripts/install_system_deps.sh)")
def test_browser_plays_and_seeks_a_fragmented_mp4(tmp_path):
    """Headless Chromium reads the fragmented form's duration and shows the right frame after a seek."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    path = tmp_path / "fragmented.mp4"
    _write_scenes(path, fragmented=True)
    (tmp_path / "page.html").write_text("<!doctype html><title>play</title>")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--allow-file-access-from-files", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.set_script_timeout(20)
        driver.get((tmp_path / "page.html").as_uri())
        shown = [driver.execute_async_script(BROWSER_PLAY_AND_SEEK, path.as_uri(), t_s) for t_s in (2.6, 1.0)]
    finally:
        driver.quit()
    for seen, frame in zip(shown, (65, 25), strict=True):
        assert "error" not in seen, seen
        assert 4.0 <= seen["duration"] <= 4.0 + 1024 / SR + 1e-3  # the audio track's, priming included
        assert abs(seen["bar"] - frame) <= 1  # the frame at the seek, not its fragment's first
