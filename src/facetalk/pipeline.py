"""The public API: analyse a photo once, then turn audio into frames or an MP4.

The pipeline, in the order a frame goes through it (each step is marked in the code):

1. Analyse the photo, once (`Animator.__init__`: face.analysis.analyse_face, its lip lift fitted by
   render.renderer.with_photo_lip_lift; a Renderer).
2. Audio in chunks -> MotionFrames (`Animator.motion`, `StreamSession.push`: motion.generator).
3. MotionFrame -> image (`Animator.frame`: render.renderer.Renderer.render; offline, `Animator.frames`
   may draw several at once: in worker processes (render.workers), or on threads, each with a
   Renderer of its own).
4. Label if asked, then the watermark, on every frame (`Animator._finish_frame`: provenance).
5. Frames -> MP4, and the motion file if asked (`Animator._write`: io.video, io.motion).

Offline (render, render_to_file, render_file) and live (open_stream, stream) go through the same
steps with the same state, so they give the same frames.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import math
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from facetalk.audio.clock import frame_centre, frames_covering
from facetalk.config import Config, Controls
from facetalk.face.analysis import FaceAnalysis, analyse_face
from facetalk.face.mesh import FaceDetector, Segmenter
from facetalk.io.audio import ArrayAudio, FileAudio
from facetalk.motion.frame import MotionFrame
from facetalk.motion.generator import MotionGenerator
from facetalk.motion.lipsync import LipSyncModel
from facetalk.provenance import Payload, Watermarker, draw_label, metadata_tags
from facetalk.render.renderer import Renderer, with_photo_lip_lift
from facetalk.render.workers import frame_pool

MIN_DURATION_S = 1.0  # shorter (even empty) audio still gives a 1 s clip of a living face
CHUNK_S = 0.5  # offline renders feed the streaming core half a second of audio at a time


@dataclass(frozen=True, eq=False)
class RenderedFrame:
    """One output frame: `image` (H, W, 3) uint8 RGB shown at `t_s`, and the motion that made it."""

    index: int
    t_s: float
    image: np.ndarray
    motion: MotionFrame


def n_frames_for(n_samples: int, *, sr: int, fps: int) -> int:
    """Video length for audio of `n_samples`: covers all of it, and at least MIN_DURATION_S."""
    return max(frames_covering(n_samples, sr=sr, fps=fps), math.ceil(MIN_DURATION_S * fps))


class Animator:
    """One photo, analysed once, animated by any number of audio clips.

    >>> animator = Animator(load_image("me.jpg"))            # doctest: +SKIP
    >>> for frame in animator.render(audio, Controls(seed=1)):  # doctest: +SKIP
    ...     show(frame.image)
    """

    def __init__(self, photo: np.ndarray, *, config: Config = Config(), source: str = "photo", label: bool = False,
                 detector: FaceDetector | None = None, segmenter: Segmenter | None = None,
                 lip_model: LipSyncModel | None = None):
        """`label` draws a visible "AI-generated" label on every frame; the invisible watermark is
        always there, carrying this release's version and an id derived from the framed photo
        (`provenance`), so that the same inputs give the same video.

        The models are injectable (tests give small fakes; a caller analysing many photos may
        share one detector): `detector` and `segmenter` analyse the photo (default: the process's
        shared ones, face.mesh.shared_face_models, each loaded by the first analysis that needs it
        and kept for later photos), `lip_model` drives the mouth (default: the bundled network,
        loaded once). An injected segmenter's `alpha` is called from two threads at once (the
        analysis builds the photo's surround on a second thread), so it must allow that."""
        # 1. Analyse the photo once: find and frame the face, build its rig and appearance; its
        # lip's lift at a wide jaw fitted to the photo's own crowns (with_photo_lip_lift), once
        # here, so each Renderer (frame threads, stream sessions, workers) draws this rig.
        analysis = with_photo_lip_lift(analyse_face(photo, framing=config.framing, source=source, detector=detector,
                                                    segmenter=segmenter))
        self._set_up(analysis, config=config, label=label, lip_model=lip_model)

    @classmethod
    def from_analysis(cls, analysis: FaceAnalysis, *, config: Config = Config(), label: bool = False,
                      lip_model: LipSyncModel | None = None) -> Animator:
        """The Animator of a photo analysed before (an Animator's `analysis`, which pickles): the
        same frames without analysing the photo again (a render process of the server gets its
        avatars so)."""
        animator = cls.__new__(cls)
        animator._set_up(analysis, config=config, label=label, lip_model=lip_model)
        return animator

    @property
    def remade(self) -> Callable[[], Animator]:
        """A picklable callable that makes this Animator again from its analysis (from_analysis,
        with its config and label; the lip model is loaded there): what a worker process draws with."""
        return functools.partial(Animator.from_analysis, self.analysis, config=self.config, label=self.label)

    def _set_up(self, analysis: FaceAnalysis, *, config: Config, label: bool, lip_model: LipSyncModel | None) -> None:
        self.config = config
        self._lip_model = lip_model
        self.analysis: FaceAnalysis = analysis
        self._renderer = Renderer(analysis)
        # The renderers of frames()' threads, kept between calls (each ~0.1-0.4 s to make and ~16 MB
        # at 512²): a caller rendering many short clips makes them once.
        self._spare_renderers: list[Renderer] = []
        self._spare_lock = threading.Lock()
        self._watermark = Watermarker(Payload.for_content(analysis.image.tobytes()))
        self._watermark(analysis.image)  # its pattern for this frame size, and its compiled pass, made now
        self._label = label

    @property
    def label(self) -> bool:
        """Whether every frame carries the visible "AI-generated" label."""
        return self._label

    @property
    def lip_model(self) -> LipSyncModel | None:
        """The lip model it was given (None: the bundled one, loaded when motion first needs it)."""
        return self._lip_model

    @property
    def provenance(self) -> Payload:
        """What every frame of this Animator carries in its watermark (version and 32-bit id)."""
        return self._watermark.payload

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the frames, in pixels."""
        h, w = self.analysis.image.shape[:2]
        return w, h

    @property
    def fps(self) -> int:
        return self.config.motion.fps

    def render_motion(self, motion: MotionFrame) -> np.ndarray:
        """(H, W, 3) uint8 frame for one set of motion parameters."""
        return self._finish_frame(self._renderer.render(motion))

    def _finish_frame(self, image: np.ndarray) -> np.ndarray:
        """Last step of every frame facetalk outputs: the optional label, then the watermark."""
        # 4. Label, watermark.
        if self._label:
            image = draw_label(image)
        return self._watermark(image)

    def motion_generator(self, controls: Controls | None = None) -> MotionGenerator:
        """A fresh motion generator for one clip or stream of this photo."""
        return MotionGenerator(self.config.motion, controls or self.config.controls, sr=self.config.video.audio_sr,
                               photo=self.analysis.expression, lip_model=self._lip_model)

    def _borrow_renderer(self) -> Renderer:
        """A renderer for one thread of frames(): a kept one, or a new one."""
        with self._spare_lock:
            if self._spare_renderers:
                return self._spare_renderers.pop()
        return Renderer(self.analysis)

    def _give_back_renderers(self, renderers: Iterable[Renderer]) -> None:
        with self._spare_lock:
            self._spare_renderers.extend(renderers)

    def frame(self, index: int, motion: MotionFrame, *, renderer: Renderer | None = None) -> RenderedFrame:
        """Frame `index` showing `motion`, watermarked (and labelled if asked); `renderer`: a
        stream's own (sessions render in parallel), default this Animator's."""
        # 3. Draw the motion; 4. label and watermark it.
        image = self._finish_frame((renderer or self._renderer).render(motion))
        return RenderedFrame(index=index, t_s=motion.t_s, image=image, motion=motion)

    def motion(self, audio: np.ndarray | Iterable[np.ndarray], controls: Controls | None = None) -> Iterator[MotionFrame]:
        """MotionFrames for mono float32 audio at config.video.audio_sr: one (n,) array, or its
        chunks in order (as io.stream_audio decodes a file; any chunk lengths give the same frames)."""
        sr = self.config.video.audio_sr
        if isinstance(audio, np.ndarray):
            whole = _mono_float(audio)
            step = int(CHUNK_S * sr)
            audio = (whole[start:start + step] for start in range(0, len(whole), step))
        # 2. Audio -> motion, chunk by chunk (as a live stream would feed it).
        gen = self.motion_generator(controls)
        n_samples = 0
        for chunk in audio:
            chunk = _mono_float(chunk)
            n_samples += len(chunk)
            yield from gen.push(chunk)
        yield from gen.flush(n_frames=n_frames_for(n_samples, sr=sr, fps=self.fps))

    def render(self, audio: np.ndarray | Iterable[np.ndarray], controls: Controls | None = None, *,
               threads: int = 1, processes: int = 0) -> Iterator[RenderedFrame]:
        """Frames for `audio` (an array, or its chunks as motion() takes them), one at a time
        (nothing is held: memory stays bounded); `threads` and `processes` as in frames()."""
        return self.frames(self.motion(audio, controls), threads=threads, processes=processes)

    def frames(self, motions: Iterable[MotionFrame], *, threads: int = 1,
               processes: int = 0) -> Iterator[RenderedFrame]:
        """Frame i showing the i-th of `motions`, in order, one at a time. A frame depends on its
        motion alone, so however they are drawn the frames are the same bit for bit, and a few
        are drawn ahead at most (memory stays bounded):

        - `processes` >= 1: in that many worker processes (render.workers), forked from a zygote
          that this process starts at the first such call (or start_frame_processes()) and keeps,
          holding this Animator's analysis, sent once. Up to that many times faster on as many
          free cores; the first call costs the zygote's imports (1-4 s of CPU, on another core)
          and each Animator's first call sending it (~1.3 s for the process's first, its kernels
          loaded; ~0.2 s after). A worker that fails or dies raises
          render.workers.ProcessGone, naming the frame and why; workers stop when this ends,
          early or not.
        - `threads` > 1: on that many threads, each with a Renderer of its own (made by the first
          call that needs them and kept for the next). No start-up, but the drawing's Python holds
          the interpreter lock for much of a frame: two threads draw ~1.1-1.2x one.
        """
        for name, value, least in (("threads", threads, 1), ("processes", processes, 0)):
            if isinstance(value, bool) or not isinstance(value, int) or value < least:
                raise ValueError(f"{name} must be a whole number >= {least}, not {value!r}")
        if processes and threads > 1:
            raise ValueError("frames are drawn on threads or in processes, not both")
        if processes:
            return _drawn_in_processes(self, motions, processes=processes)
        if threads == 1:
            return (self.frame(i, motion) for i, motion in enumerate(motions))
        return _drawn_in_parallel(self, motions, threads=threads)

    def open_stream(self, controls: Controls | None = None) -> StreamSession:
        """A live session: push PCM chunks as they arrive, get each frame as soon as it is ready."""
        return StreamSession(self, controls)

    def stream(self, chunks: Iterable[np.ndarray], controls: Controls | None = None) -> Iterator[RenderedFrame]:
        """Frames for audio arriving as `chunks` (20-40 ms of PCM each, say), each yielded as soon
        as its audio plus the motion look-ahead is in; the same frames render() gives for the whole clip."""
        session = self.open_stream(controls)
        for chunk in chunks:
            yield from session.push(chunk)
        yield from session.close()

    def n_frames(self, audio: np.ndarray) -> int:
        return n_frames_for(len(audio), sr=self.config.video.audio_sr, fps=self.fps)

    def render_to_file(self, audio: np.ndarray, path: str | os.PathLike[str], *,
                       controls: Controls | None = None, motion_path: str | os.PathLike[str] | None = None,
                       on_frame: Callable[[RenderedFrame], None] | None = None, threads: int = 1,
                       processes: int = 0) -> Path:
        """Writes an H.264 + AAC MP4 of `audio` (mono at config.video.audio_sr) spoken by the
        photo; returns its path.

        `motion_path` also writes every frame's MotionFrame: as JSON Lines, or as a Live Link Face
        CSV of ARKit blendshapes if it ends in .csv. Both files appear only when the whole render
        succeeded. `on_frame` is called after each frame (progress bars). `threads`, `processes`:
        how frames are drawn (frames()); the same file whatever they are.
        """
        audio = _mono_float(audio)
        controls = controls or self.config.controls
        sound = ArrayAudio(audio, sr=self.config.video.audio_sr) if audio.size else None
        return self._write(self.render(audio, controls, threads=threads, processes=processes), path, sound=sound,
                           seed=controls.seed, motion_path=motion_path, on_frame=on_frame)

    def render_file(self, audio_path: str | os.PathLike[str], path: str | os.PathLike[str], *,
                    controls: Controls | None = None, motion_path: str | os.PathLike[str] | None = None,
                    max_s: float | None = None, on_frame: Callable[[RenderedFrame], None] | None = None,
                    threads: int = 1, processes: int = 0) -> Path:
        """As render_to_file, for speech in an audio file (any format FFmpeg reads): decoded as the
        video advances, so memory stays flat whatever its length, and the MP4 carries the file's
        own sound (its rate up to 48 kHz and its channels), not the 16 kHz mono copy the face is
        driven from. `max_s` refuses longer audio (io.AudioTooLong), from the header or while decoding."""
        from facetalk.io.audio import stream_audio

        controls = controls or self.config.controls
        chunks = stream_audio(audio_path, sr=self.config.video.audio_sr, chunk_s=CHUNK_S, max_s=max_s)
        return self._write(self.render(chunks, controls, threads=threads, processes=processes), path,
                           sound=FileAudio(audio_path), seed=controls.seed, motion_path=motion_path, on_frame=on_frame)

    def render_motion_to_file(self, motions: Iterable[MotionFrame], path: str | os.PathLike[str], *,
                              audio: np.ndarray | None = None, audio_file: str | os.PathLike[str] | None = None,
                              motion_path: str | os.PathLike[str] | None = None,
                              on_frame: Callable[[RenderedFrame], None] | None = None, threads: int = 1,
                              processes: int = 0) -> Path:
        """Writes an MP4 of the photo moved by given motion (one MotionFrame per video frame, as
        `io.read_blendshapes` gives from a Live Link Face CSV), with `audio` (or `audio_file` at its
        own quality) muxed if given (the lips still follow the motion; cut or padded with silence
        to the motion's length: the video and its sound end together), else silence. `threads`
        and `processes` as in frames()."""
        motions = list(motions)
        if audio_file is not None:  # the file cuts or pads itself to the motion's length
            sound = FileAudio(audio_file, duration_s=len(motions) / self.fps)
        else:
            sr = self.config.video.audio_sr
            n_samples = frame_centre(len(motions), sr=sr, fps=self.fps)  # where the video ends
            audio = np.zeros(0, np.float32) if audio is None else _mono_float(audio)[:n_samples]
            audio = np.pad(audio, (0, n_samples - len(audio)))
            sound = ArrayAudio(audio, sr=sr) if audio.size else None
        return self._write(self.frames(motions, threads=threads, processes=processes), path, sound=sound,
                           seed=self.config.controls.seed, motion_path=motion_path, on_frame=on_frame)

    def _write(self, frames: Iterable[RenderedFrame], path: str | os.PathLike[str], *, sound, seed: int,
               motion_path: str | os.PathLike[str] | None, on_frame: Callable[[RenderedFrame], None] | None) -> Path:
        from facetalk.io.motion import MotionWriter
        from facetalk.io.video import VideoWriter

        # 5. Write the MP4 (and the motion file), frame by frame as they come.
        metadata = {"title": "facetalk", **metadata_tags(self.provenance, seed=seed)}
        with contextlib.ExitStack() as stack:
            # The motion file is entered first so it closes last: it is kept only if the video was.
            motion_file = stack.enter_context(MotionWriter(motion_path, fps=self.fps)) if motion_path else None
            video = stack.enter_context(VideoWriter(path, fps=self.fps, audio_source=sound,
                                                    crf=self.config.video.crf, metadata=metadata))
            # Closed first when anything below fails (a full disk, Ctrl-C in on_frame): frames
            # drawn on threads or in processes stop before the files are cleaned up, not whenever
            # it is collected.
            frames = iter(frames)
            stack.callback(getattr(frames, "close", lambda: None))
            for frame in frames:
                video.write(frame.image)
                if motion_file:
                    motion_file.write(frame.motion)
                if on_frame:
                    on_frame(frame)
        return Path(path)


class StreamSession:
    """One live stream of one Animator: `push(pcm)` returns the frames that chunk completed,
    `close()` the rest. PCM is mono at config.video.audio_sr, float in [-1, 1] or int16.

    A frame at t_s is ready once audio up to t_s + lookahead_s has been pushed, so the delay a
    stream adds is the look-ahead plus the chunk length plus render time. Each session renders
    with its own buffers, so sessions of one Animator may run in different threads.
    """

    def __init__(self, animator: Animator, controls: Controls | None = None):
        self._animator = animator
        self.sample_rate = animator.config.video.audio_sr
        self._motion = animator.motion_generator(controls)
        self._renderer = Renderer(animator.analysis)
        self.n_samples = 0
        self._n_frames = 0
        self._closed = False

    @property
    def lookahead_s(self) -> float:
        return self._motion.lookahead_s

    @property
    def n_frames_done(self) -> int:
        """Frames completed so far, rendered or skipped."""
        return self._n_frames

    def push(self, pcm: np.ndarray, *, render: bool = True) -> list[RenderedFrame]:
        """Adds one chunk of audio; returns the frames now ready (often none or one).

        With render=False the frames this chunk completes are skipped, not drawn: the motion
        still moves on, so every frame drawn later is the offline render's frame of its index
        (for a live stream that has fallen behind real time)."""
        if self._closed:
            raise RuntimeError("push() after close()")
        pcm = _mono_float(pcm)
        self.n_samples += len(pcm)
        motions = self._motion.push(pcm)  # 2. (then 3 and 4 in _render)
        if not render:
            self._n_frames += len(motions)
            return []
        return self._render(motions)

    def close(self) -> list[RenderedFrame]:
        """Ends the stream: the remaining frames, so that they cover all the audio pushed (and at
        least MIN_DURATION_S, as render() does). Later calls return nothing."""
        if self._closed:
            return []
        self._closed = True
        n_frames = n_frames_for(self.n_samples, sr=self.sample_rate, fps=self._animator.fps)
        return self._render(self._motion.flush(n_frames=n_frames))

    def _render(self, motions: list[MotionFrame]) -> list[RenderedFrame]:
        first = self._n_frames
        self._n_frames += len(motions)
        return [self._animator.frame(first + i, m, renderer=self._renderer) for i, m in enumerate(motions)]


def _drawn_in_parallel(animator: Animator, motions: Iterable[MotionFrame], *, threads: int) -> Iterator[RenderedFrame]:
    """Animator.frames on `threads` threads: each draws with a Renderer of its own (borrowed from
    the Animator on its first frame, given back at the end), at most 2 x threads frames ahead of
    the one yielded. The motions are read in the caller's thread (a generator's state is not for
    other threads)."""
    from concurrent.futures import ThreadPoolExecutor

    local = threading.local()
    borrowed: list[Renderer] = []

    def draw(index: int, motion: MotionFrame) -> RenderedFrame:
        if not hasattr(local, "renderer"):
            local.renderer = animator._borrow_renderer()
            borrowed.append(local.renderer)
        try:
            return animator.frame(index, motion, renderer=local.renderer)
        except BaseException:  # a renderer stopped mid-frame is not kept for later calls
            borrowed.remove(local.renderer)
            del local.renderer
            raise

    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="facetalk-frames")
    pending: collections.deque = collections.deque()
    try:
        for index, motion in enumerate(motions):
            pending.append(pool.submit(draw, index, motion))
            if len(pending) >= 2 * threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:  # also when the caller closes it early (an error, a signal): nothing more is drawn
        pool.shutdown(wait=True, cancel_futures=True)
        animator._give_back_renderers(borrowed)


def start_frame_processes() -> None:
    """Starts the zygote that frames(processes=N) forks its workers from, without waiting: its
    imports (1-4 s of CPU) then overlap what the caller does next, such as analysing the photo."""
    frame_pool(preload=(__name__,)).launch()


def stop_frame_processes() -> None:
    """Stops that zygote now (it holds ~20 MB per Animator drawn, up to 4) rather than at exit;
    the next frames(processes=N) starts another."""
    frame_pool(preload=(__name__,)).close()


def _drawn_in_processes(animator: Animator, motions: Iterable[MotionFrame], *,
                        processes: int) -> Iterator[RenderedFrame]:
    """Animator.frames in `processes` worker processes, each drawing with an Animator made in the
    zygote from this one's analysis (from_analysis: the same frames). The motions are read here."""
    width, height = animator.size
    drawn = frame_pool(preload=(__name__,)).draw(animator, animator.remade, motions, processes=processes,
                                                 shape=(height, width, 3))
    with contextlib.closing(drawn):  # closed with this generator: the workers stop at once
        for index, (motion, image) in enumerate(drawn):
            yield RenderedFrame(index=index, t_s=motion.t_s, image=image, motion=motion)


def _mono_float(audio: np.ndarray) -> np.ndarray:
    audio = np.asarray(audio)
    # int16 PCM (what browsers and sound cards send) is scaled to [-1, 1), anything else taken as float.
    audio = audio.astype(np.float32) / 32768.0 if audio.dtype == np.int16 else audio.astype(np.float32, copy=False)
    if audio.ndim != 1:
        raise ValueError(f"audio must be mono (n,) samples, got shape {audio.shape}")
    if not np.all(np.isfinite(audio)):
        raise ValueError("audio holds NaN or infinite samples")
    return audio
