"""Stream RGB frames (+ their sound) into a browser-friendly MP4; probe and read MP4s back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import numpy as np

from facetalk.audio.clock import frame_centre
from facetalk.errors import InputError
from facetalk.io._files import decode_error, open_media, partial_path
from facetalk.io.audio import ArrayAudio, FileAudio, load_audio

if TYPE_CHECKING:
    import av.container
    import av.stream

# AAC encodes 1024-sample frames; feeding whole frames avoids needless buffering in PyAV.
_AUDIO_CHUNK = 1024

# A classic MP4's muxer keeps every sample's index entry in memory until it writes the index at
# the end (about 0.25 MB per minute at 25 fps with AAC). A fragmented MP4 writes each fragment's
# index with its data, so memory stays flat. Classic is kept up to this length: every player and
# editor reads it and its header states the duration, and its index stays under ~3 MB.
FRAGMENT_FROM_S = 600.0
_CLASSIC_FLAGS = "+faststart"  # the index moved to the front: playback starts before the download ends
# A fragment per keyframe (x264's GOP: 10 s at most, buffered by the muxer). delay_moov writes the
# header with the first fragment, once the encoders' delays are known, so its edit lists start the
# video and the audio (its AAC priming hidden) as in the classic file: with empty_moov the video
# would start 2 frames late and the priming would play. The header still comes first.
_FRAGMENTED_FLAGS = "frag_keyframe+delay_moov+default_base_moof"


class VideoWriter:
    """Encode frames one at a time to H.264/yuv420p (+ AAC) in an MP4, its index at the front.

    Use as a context manager. The frame size comes from the first frame (even width and height).
    The file appears at `path` only when the block exits cleanly after at least one frame; until
    then it is written to a hidden `.NAME.partial.mp4` beside it, deleted on any exception.
    The sound is either `audio` (float32 mono at `sr` Hz, shape (n,)) or `audio_source`: an
    ArrayAudio, or a FileAudio decoding a file at its own rate and channels as the video
    advances. It is interleaved with the video as frames arrive, starting with frame 0; samples
    beyond the last frame are still written at close. No audio, or empty audio, gives no audio track. `metadata` goes into the
    container (title, comment, ...), except "encoder": libavformat always overwrites that one.
    `fragmented` (None: decided from the sound's length known up front) writes a fragmented MP4,
    whose memory does not grow with length, when the sound lasts more than FRAGMENT_FROM_S or its
    length is not known before decoding; else a classic one. Without sound: classic.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        fps: int,
        audio: np.ndarray | None = None,
        sr: int = 16000,
        audio_source: ArrayAudio | FileAudio | None = None,
        crf: int = 20,
        metadata: dict[str, str] | None = None,
        fragmented: bool | None = None,
    ) -> None:
        if fps <= 0 or sr <= 0:
            raise ValueError(f"fps and sr must be positive, got fps={fps}, sr={sr}")
        if audio is not None and audio_source is not None:
            raise ValueError("give audio or audio_source, not both")
        self.path = Path(path)
        self.fps = fps
        self.crf = crf
        self.metadata = dict(metadata or {})
        self.n_frames = 0
        if audio_source is None and audio is not None and np.size(audio):
            audio_source = ArrayAudio(audio, sr=sr)
        # The MP4 muxer drops an audio track without samples anyway; leave it out explicitly.
        self._audio = audio_source
        self.sr = audio_source.sr if audio_source is not None else sr
        if fragmented is None:
            fragmented = audio_source is not None and (audio_source.duration_s is None
                                                       or audio_source.duration_s > FRAGMENT_FROM_S)
        self.fragmented = fragmented
        self._n_audio_written = 0  # samples
        self._tmp = partial_path(self.path.with_suffix(".mp4"))
        self._container: av.container.OutputContainer | None = None
        self._video: av.stream.Stream | None = None
        self._audio_stream: av.stream.Stream | None = None

    def __enter__(self) -> VideoWriter:
        return self

    def write(self, frame: np.ndarray) -> None:
        """Encode one (H, W, 3) uint8 RGB frame now, then the audio that plays before its end."""
        import av

        if frame.ndim != 3 or frame.shape[2] != 3 or frame.dtype != np.uint8:
            raise ValueError(f"expected an (H, W, 3) uint8 frame, got {frame.shape} {frame.dtype}")
        if self._container is None:
            self._open(width=frame.shape[1], height=frame.shape[0])
        elif frame.shape[:2] != (self._video.height, self._video.width):
            raise ValueError(f"frame size {frame.shape[1]}x{frame.shape[0]} differs from the first frame's "
                             f"{self._video.width}x{self._video.height}")
        video_frame = av.VideoFrame.from_ndarray(frame, format="rgb24")
        video_frame.pts = self.n_frames  # in 1/fps units
        self._container.mux(self._video.encode(video_frame))
        self.n_frames += 1
        self._write_audio(until=frame_centre(self.n_frames, sr=self.sr, fps=self.fps))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc is None:
                self._finish()
                os.replace(self._tmp, self.path)
        finally:
            if self._container is not None:
                # A no-op after _finish; after a failure, the caller's exception is the one to report.
                with suppress(Exception):
                    self._container.close()
            if self._audio is not None:
                self._audio.close()  # a FileAudio's open file, whatever happened
            self._tmp.unlink(missing_ok=True)  # no-op after a successful rename

    def _open(self, *, width: int, height: int) -> None:
        import av

        if width % 2 or height % 2:
            raise ValueError(f"frame width and height must be even for yuv420p, got {width}x{height}")
        self._container = av.open(
            str(self._tmp), mode="w", format="mp4",
            container_options={"movflags": _FRAGMENTED_FLAGS if self.fragmented else _CLASSIC_FLAGS},
        )
        self._container.metadata.update(self.metadata)
        self._video = self._container.add_stream(
            "libx264", rate=self.fps, width=width, height=height, pix_fmt="yuv420p",
            options={"crf": str(self.crf), "preset": "veryfast"},
        )
        if self._audio is not None:
            layout = "mono" if self._audio.channels == 1 else "stereo"
            self._audio_stream = self._container.add_stream("aac", rate=self.sr, layout=layout)
            # 96 kb/s a channel at 32 kHz and more (192 kb/s stereo), 64 kb/s a channel below.
            self._audio_stream.bit_rate = (96_000 if self.sr >= 32000 else 64_000) * self._audio.channels

    def _finish(self) -> None:
        """Encode the remaining audio, flush both encoders and write the MP4 trailer."""
        if self._container is None:
            raise ValueError(f"no frames were written to '{self.path}'")
        self._write_audio(until=None)
        self._container.mux(self._video.encode(None))
        if self._audio_stream is not None:
            self._container.mux(self._audio_stream.encode(None))
        self._container.close()

    def _write_audio(self, *, until: int | None) -> None:
        """Encode audio samples [written, until) (all remaining if None) in AAC-frame-sized chunks."""
        import av

        if self._audio_stream is None:
            return
        layout = "mono" if self._audio.channels == 1 else "stereo"
        while until is None or self._n_audio_written < until:
            want = _AUDIO_CHUNK if until is None else min(_AUDIO_CHUNK, until - self._n_audio_written)
            chunk = np.ascontiguousarray(self._audio.read(want), dtype=np.float32)
            if not chunk.shape[1]:
                return
            audio_frame = av.AudioFrame.from_ndarray(chunk, format="fltp", layout=layout)
            audio_frame.sample_rate = self.sr
            # An explicit pts makes the encoder emit its 1024 priming samples at negative time, so the
            # MP4 gets an edit list that hides them; without it the audio would lag the video by 1024/sr s.
            audio_frame.pts = self._n_audio_written
            audio_frame.time_base = Fraction(1, self.sr)
            self._container.mux(self._audio_stream.encode(audio_frame))
            self._n_audio_written += chunk.shape[1]


@dataclass(frozen=True)
class VideoInfo:
    """What probe_video learns about a video file; durations in seconds."""

    n_frames: int
    fps: float
    width: int
    height: int
    duration_s: float
    has_audio: bool
    audio_duration_s: float
    video_codec: str
    audio_codec: str | None
    pix_fmt: str
    metadata: dict[str, str]


def probe_video(path: str | os.PathLike[str]) -> VideoInfo:
    """Describe the first video (and audio) stream of `path`; n_frames is exact (counts packets)."""
    import av

    with _open_video(path) as container:
        video = container.streams.video[0]
        audio = container.streams.audio[0] if container.streams.audio else None
        try:
            # Demuxing alone is exact for counting (one packet per frame) and far cheaper than decoding;
            # the size-0 packets PyAV yields at the end are flush markers, not frames.
            n_frames = sum(packet.size > 0 for packet in container.demux(video))
        except av.FFmpegError as err:
            raise decode_error(path, err, what="video") from err
        fps = float(video.average_rate or video.guessed_rate or 0)
        return VideoInfo(
            n_frames=n_frames,
            fps=fps,
            width=video.codec_context.width,
            height=video.codec_context.height,
            duration_s=_stream_seconds(video) or (n_frames / fps if fps else 0.0),
            has_audio=audio is not None,
            audio_duration_s=_stream_seconds(audio) if audio is not None else 0.0,
            video_codec=video.codec_context.name,
            audio_codec=audio.codec_context.name if audio is not None else None,
            pix_fmt=video.codec_context.pix_fmt or "",
            metadata=dict(container.metadata),
        )


def _open_video(path: str | os.PathLike[str]) -> av.container.InputContainer:
    container = open_media(path, what="video")
    if not container.streams.video:
        container.close()
        raise InputError(f"cannot read video '{path}': the file has no video stream")
    return container


def _stream_seconds(stream: av.stream.Stream) -> float:
    return float(stream.duration * stream.time_base) if stream.duration is not None else 0.0


def read_frames(path: str | os.PathLike[str]) -> Iterator[np.ndarray]:
    """Decode the video frames of `path` one by one as (H, W, 3) uint8 RGB arrays.

    The file is opened (and checked) when this is called, not on the first next().
    """
    import av

    container = _open_video(path)

    def frames() -> Iterator[np.ndarray]:
        with container:
            try:
                for frame in container.decode(container.streams.video[0]):
                    yield frame.to_ndarray(format="rgb24")
            except av.FFmpegError as err:
                raise decode_error(path, err, what="video") from err

    return frames()


def encode_frames(path: str | os.PathLike[str], frames: list[np.ndarray], *, fps: int, codec: str,
                  container_format: str | None = None, options: dict[str, str] | None = None,
                  bit_rate: int | None = None) -> Path:
    """Encodes (H, W, 3) uint8 RGB frames, video only, with any FFmpeg encoder and container:
    for tests and benchmarks that need footage re-encoded the way other tools would."""
    import av

    with av.open(str(path), "w", format=container_format) as container:
        stream = container.add_stream(codec, rate=fps, options=options or {})
        stream.height, stream.width = frames[0].shape[:2]
        stream.pix_fmt = "yuv420p"
        if bit_rate:
            stream.bit_rate = bit_rate
        for i, frame in enumerate(frames):
            video_frame = av.VideoFrame.from_ndarray(frame, format="rgb24")
            video_frame.pts = i
            container.mux(stream.encode(video_frame))
        container.mux(stream.encode(None))
    return Path(path)


def read_video_audio(path: str | os.PathLike[str], *, sr: int = 16000) -> np.ndarray:
    """The first audio stream of a video file as float32 mono at `sr` Hz, shape (n,)."""
    return load_audio(path, sr=sr)
