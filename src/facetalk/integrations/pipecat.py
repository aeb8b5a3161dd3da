"""facetalk as a Pipecat video service: the TTS audio of a pipeline in, the avatar's frames and the
same audio, delayed to play in step with the mouth, out (pip install 'facetalk[pipecat]').

    pipeline = Pipeline([..., tts, FacetalkVideoService(photo=load_image("me.jpg")), transport.output()])

Timing, as facetalk's WebRTC endpoint does it (server/webrtc.py). The TTS audio is pushed into a
StreamSession (16 kHz mono); each frame it returns goes downstream with the audio of its own 40 ms
after it, so the audio leaves with the frame that animates it, delayed by the stream's look-ahead.
The image frames are marked `sync_with_audio`: Pipecat's output transport queues them with the
audio and shows each one once the audio before it has been played (the transport must keep
`video_out_is_live=False`, its default, and draws the latest image at `video_out_framerate`).
Other downstream frames (TTSStoppedFrame, text) wait for the audio that came before them, so the
transport sees them in their order.

Silence. When no TTS audio has come for FILL_AFTER_S, silence is fed on the wall clock, so the face
keeps blinking and breathing at 25 fps; those frames go out without audio (the transport plays its
own silence, and does not take the bot for speaking).

Rendering runs in one worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import math
import time
from concurrent.futures import ThreadPoolExecutor

import av
import numpy as np

try:
    from pipecat.frames.frames import (
        CancelFrame,
        EndFrame,
        Frame,
        InterruptionFrame,
        OutputImageRawFrame,
        StartFrame,
        SystemFrame,
        TTSAudioRawFrame,
    )
    from pipecat.processors.frame_processor import FrameDirection, FrameProcessor, FrameProcessorSetup
except ModuleNotFoundError as err:
    raise ImportError(f"facetalk.integrations.pipecat needs Pipecat ({err.name} is missing): "
                      "pip install 'facetalk[pipecat]'") from None

from facetalk.config import Controls
from facetalk.pipeline import Animator, RenderedFrame, StreamSession

FILL_AFTER_S = 0.3   # no TTS audio for this long: feed silence (a streaming TTS's gaps stay below)
FILL_STEP_S = 0.02   # then wake this often to keep the idle face on the wall clock
NS_PER_S = 1_000_000_000


@dataclasses.dataclass(frozen=True)
class _Step:
    """One frame's worth of output, in the order it goes downstream."""

    frame: RenderedFrame          # index and t_s on the service's timeline (continues over restarts)
    audio: np.ndarray | None      # int16 mono at the output rate: the speech this frame animates
    audio_start_s: float          # where `audio` starts on the same timeline
    held: tuple[Frame, ...]       # frames that came after the audio released with this frame


def _pcm_frame(pcm: np.ndarray, *, rate: int, channels: int) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono" if channels == 1 else "stereo")
    frame.sample_rate = rate
    return frame


def _mono16(frames: list[av.AudioFrame]) -> np.ndarray:
    return np.concatenate([f.to_ndarray().reshape(-1) for f in frames]) if frames else np.zeros(0, np.int16)


class _Timeline:
    """The render side, one call at a time (in the worker thread): speech and the silence between
    it on one timeline into the stream; each frame out with the speech it animates."""

    def __init__(self, animator: Animator, controls: Controls | None, *, out_rate: int):
        self._animator = animator
        self._controls = controls
        self._fps = animator.fps
        self._out_rate = out_rate
        self._open(first_frame=0)

    def _open(self, *, first_frame: int) -> None:
        self._stream: StreamSession = self._animator.open_stream(self._controls)
        self._frame_offset = first_frame
        self._n_sent = first_frame * self._out_rate // self._fps   # output samples released
        self._held = np.zeros(0, np.int16)                          # output samples not released yet
        self._is_speech = np.zeros(0, bool)
        self._markers: list[tuple[int, Frame]] = []                 # (release after sample, frame)
        self._resamplers: tuple[tuple[int, int], av.AudioResampler, av.AudioResampler] | None = None

    @property
    def lookahead_s(self) -> float:
        return self._stream.lookahead_s

    @property
    def pushed_s(self) -> float:
        """The timeline's end: the audio pushed so far, speech and silence."""
        return self._frame_offset / self._fps + self._stream.n_samples / self._stream.sample_rate

    def speech(self, pcm: bytes, *, rate: int, channels: int) -> list[_Step]:
        """Adds TTS audio (int16 PCM, interleaved); returns the frames it completed."""
        if self._resamplers is None or self._resamplers[0] != (rate, channels):
            self._flush_resamplers()
            self._resamplers = ((rate, channels), av.AudioResampler(format="s16", layout="mono", rate=self._out_rate),
                                av.AudioResampler(format="s16", layout="mono", rate=self._stream.sample_rate))
        chunk = _pcm_frame(np.frombuffer(pcm, np.int16), rate=rate, channels=channels)
        _, to_out, to_analysis = self._resamplers
        self._hold_audio(_mono16(to_out.resample(chunk)), speech=True)
        return self._push(_mono16(to_analysis.resample(chunk)))

    def silence(self, *, seconds: float) -> list[_Step]:
        """Adds `seconds` of silence (the gaps between utterances); returns the frames it completed."""
        steps = self._flush_resamplers()
        n = round(seconds * self._stream.sample_rate)
        # The output side gets what makes it as long as the stream: a resampler's delay is not carried on.
        end_s = self.pushed_s + n / self._stream.sample_rate
        self._hold_audio(np.zeros(max(0, self._n_out_for(end_s) - self._n_sent - len(self._held)), np.int16),
                         speech=False)
        return steps + self._push(np.zeros(n, np.int16))

    def hold(self, frame: Frame) -> None:
        """Keeps `frame` until the audio that came before it has gone out."""
        self._markers.append((self._n_sent + len(self._held), frame))

    def finish(self) -> list[_Step]:
        """Ends the stream: the frames for all the audio pushed, with the rest of it and of the held frames."""
        steps = self._flush_resamplers() + self._steps(self._stream.close())
        if not steps:
            return []
        last = steps[-1]
        # The last frame's 40 ms may end a few samples short of the output audio (rounding, resampling).
        tail, tail_is_speech = self._held, self._is_speech.any()
        audio = last.audio if last.audio is not None else np.zeros(0, np.int16)
        steps[-1] = dataclasses.replace(last, audio=np.concatenate([audio, tail]) if tail_is_speech else last.audio,
                                        held=last.held + tuple(f for _, f in self._markers))
        self._markers, self._held, self._is_speech = [], np.zeros(0, np.int16), np.zeros(0, bool)
        return steps

    def restart(self, *, first_frame: int) -> tuple[Frame, ...]:
        """Drops the speech not yet released (an interruption): a new stream from frame `first_frame`
        (the next one not sent) on. Returns the held frames an interruption may not drop."""
        keep = tuple(f for _, f in self._markers if not f.interruptible)
        self._open(first_frame=first_frame)
        return keep

    def _n_out_for(self, t_s: float) -> int:
        return round(t_s * self._out_rate)

    def _hold_audio(self, samples: np.ndarray, *, speech: bool) -> None:
        self._held = np.concatenate([self._held, samples])
        self._is_speech = np.concatenate([self._is_speech, np.full(len(samples), speech)])

    def _flush_resamplers(self) -> list[_Step]:
        if self._resamplers is None:
            return []
        _, to_out, to_analysis = self._resamplers
        self._resamplers = None
        self._hold_audio(_mono16(to_out.resample(None)), speech=True)
        return self._push(_mono16(to_analysis.resample(None)))

    def _push(self, mono16k: np.ndarray) -> list[_Step]:
        return self._steps(self._stream.push(mono16k)) if len(mono16k) else []

    def _steps(self, frames: list[RenderedFrame]) -> list[_Step]:
        return [self._step(f) for f in frames]

    def _step(self, frame: RenderedFrame) -> _Step:
        index = self._frame_offset + frame.index
        shown = RenderedFrame(index=index, t_s=index / self._fps, image=frame.image, motion=frame.motion)
        # Frame i shows the instant i / fps: the audio up to the next frame goes with it.
        n = max(0, min(len(self._held), (index + 1) * self._out_rate // self._fps - self._n_sent))
        audio, is_speech = self._held[:n], self._is_speech[:n]
        start_s = self._n_sent / self._out_rate
        self._held, self._is_speech = self._held[n:], self._is_speech[n:]
        self._n_sent += n
        due = tuple(f for at, f in self._markers if at <= self._n_sent)
        self._markers = [(at, f) for at, f in self._markers if at > self._n_sent]
        return _Step(frame=shown, audio=audio if is_speech.any() else None, audio_start_s=start_s, held=due)



@dataclasses.dataclass(frozen=True)
class _End:
    """Put in the inbox by the EndFrame: the pump renders what is left, then resolves `done`."""

    done: asyncio.Future


class FacetalkVideoService(FrameProcessor):
    """Animates a portrait with the pipeline's TTS audio. Consumes TTSAudioRawFrames; emits the
    avatar's OutputImageRawFrames (fps of the Animator's config, 25 by default, watermarked as every
    facetalk frame) and the audio again as TTSAudioRawFrames (mono, at the pipeline's output rate),
    each after the frame that animates it. Give `photo` (analysed in setup()) or a ready `animator`."""

    def __init__(self, *, photo: np.ndarray | None = None, animator: Animator | None = None,
                 controls: Controls | None = None, audio_out_sample_rate_hz: int | None = None,
                 fill_after_s: float = FILL_AFTER_S, **kwargs):
        super().__init__(**kwargs)
        if (photo is None) == (animator is None):
            raise ValueError("give FacetalkVideoService a photo or an animator (one of them)")
        self._photo = photo
        self._animator = animator
        self._controls = controls
        self._out_rate = audio_out_sample_rate_hz
        self._fill_after_s = fill_after_s
        # One thread: the stream's calls must not overlap, and the event loop must never render.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="facetalk-pipecat")
        self._timeline: _Timeline | None = None
        self._inbox: asyncio.Queue = asyncio.Queue()
        self._pump_task: asyncio.Task | None = None
        self._clock0 = 0.0        # wall time (monotonic) of the timeline's t = 0
        self._last_audio = -math.inf
        self._next_index = 0    # the next frame to send

    @property
    def animator(self) -> Animator | None:
        """The Animator in use (built from the photo in setup())."""
        return self._animator

    async def setup(self, setup: FrameProcessorSetup) -> None:
        await super().setup(setup)
        self._out_rate = self._out_rate or setup.audio_out_sample_rate
        if self._animator is None:  # analysing a photo takes seconds: here, not in the constructor
            self._animator = await self._in_worker(functools.partial(Animator, self._photo, source="pipecat"))

    async def cleanup(self) -> None:
        await super().cleanup()
        await self._stop_pump()
        self._worker.shutdown(wait=False, cancel_futures=True)

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if direction == FrameDirection.UPSTREAM:
            await self.push_frame(frame, direction)
        elif isinstance(frame, StartFrame):
            await self.push_frame(frame, direction)
            await self._start()
        elif isinstance(frame, TTSAudioRawFrame):
            self._inbox.put_nowait(frame)  # it goes on, delayed, with the frames it animates
        elif isinstance(frame, InterruptionFrame):
            await self._interrupt()
            await self.push_frame(frame, direction)
        elif isinstance(frame, CancelFrame):
            await self._stop_pump()
            await self.push_frame(frame, direction)
        elif isinstance(frame, EndFrame):
            await self._finish()
            await self.push_frame(frame, direction)
        elif isinstance(frame, SystemFrame) or self._pump_task is None:
            await self.push_frame(frame, direction)
        else:
            self._inbox.put_nowait(frame)  # after the audio before it

    async def _start(self) -> None:
        if self._animator is None:
            raise RuntimeError("FacetalkVideoService got a StartFrame before setup()")
        self._timeline = await self._in_worker(
            functools.partial(_Timeline, self._animator, self._controls, out_rate=self._out_rate))
        self._clock0 = time.monotonic()
        self._pump_task = self.create_task(self._pump(), name="facetalk-pump")

    async def _in_worker(self, call):
        return await asyncio.get_running_loop().run_in_executor(self._worker, call)

    async def _pump(self) -> None:
        """Feeds the inbox (and silence in its gaps) to the timeline, in order, and sends what comes out."""
        while True:
            try:
                item = await asyncio.wait_for(self._inbox.get(), FILL_STEP_S)
            except asyncio.TimeoutError:
                item = None
            timeline = self._timeline
            if isinstance(item, _End):
                await self._send(await self._in_worker(timeline.finish))
                item.done.set_result(None)
                return
            if isinstance(item, TTSAudioRawFrame):
                self._last_audio = time.monotonic()
                await self._send(await self._in_worker(functools.partial(
                    timeline.speech, item.audio, rate=item.sample_rate, channels=item.num_channels)))
            elif item is not None:
                timeline.hold(item)
            await self._fill(timeline)

    async def _fill(self, timeline: _Timeline) -> None:
        """In a pause, keeps the timeline a look-ahead and a frame ahead of the wall clock."""
        now = time.monotonic()
        if now - self._last_audio < self._fill_after_s:
            return
        behind_s = (now - self._clock0) + timeline.lookahead_s + 1 / self._animator.fps - timeline.pushed_s
        if behind_s >= FILL_STEP_S / 2:
            await self._send(await self._in_worker(functools.partial(timeline.silence, seconds=behind_s)))

    async def _send(self, steps: list[_Step]) -> None:
        for step in steps:
            await self.push_frame(self._image_frame(step.frame))
            self._next_index = step.frame.index + 1
            if step.audio is not None and len(step.audio):
                audio = TTSAudioRawFrame(audio=step.audio.tobytes(), sample_rate=self._out_rate, num_channels=1)
                audio.pts = round(step.audio_start_s * NS_PER_S)
                await self.push_frame(audio)
            for held in step.held:
                await self.push_frame(held)

    @staticmethod
    def _image_frame(rendered: RenderedFrame) -> OutputImageRawFrame:
        h, w = rendered.image.shape[:2]
        frame = OutputImageRawFrame(image=rendered.image.tobytes(), size=(w, h), format="RGB")  # watermarked
        frame.sync_with_audio = True  # shown once the audio before it has played
        frame.pts = round(rendered.t_s * NS_PER_S)
        return frame

    async def _interrupt(self) -> None:
        """The user spoke over the bot: the speech not yet sent is dropped, the face idles on."""
        if self._pump_task is None:
            return
        await self._stop_pump()
        while not self._inbox.empty():  # the rest of the interrupted utterance
            self._inbox.get_nowait()
        keep = await self._in_worker(functools.partial(self._timeline.restart, first_frame=self._next_index))
        for frame in keep:
            await self.push_frame(frame)
        # The transport drops its queued audio too: the new stream starts now, on the wall clock.
        self._clock0 = time.monotonic() - self._timeline.pushed_s
        self._last_audio = -math.inf
        self._pump_task = self.create_task(self._pump(), name="facetalk-pump")

    async def _finish(self) -> None:
        if self._pump_task is None:
            return
        done = asyncio.get_running_loop().create_future()
        self._inbox.put_nowait(_End(done=done))
        await done
        self._pump_task = None

    async def _stop_pump(self) -> None:
        if self._pump_task is not None:
            await self.cancel_task(self._pump_task)
            self._pump_task = None
