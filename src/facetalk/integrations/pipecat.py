"""facetalk as a Pipecat video service: the TTS audio of a pipeline in, the avatar's frames and the
same audio, delayed to play in step with the mouth, out (pip install 'facetalk[pipecat]').

    pipeline = Pipeline([..., tts, FacetalkVideoService(photo=load_image("me.jpg")), transport.output()])

Timing, as facetalk's WebRTC endpoint does it (server/webrtc.py). The TTS audio is pushed into one
StreamSession (16 kHz mono) for the whole pipeline run; each frame it returns goes downstream with
the audio of its own 40 ms after it, so the audio leaves with the frame that animates it, delayed
by the stream's look-ahead. The image frames are marked `sync_with_audio`: Pipecat's output
transport queues them with the audio and shows each one once the audio before it has been played
(the transport must keep `video_out_is_live=False`, its default, and draws the latest image at
`video_out_framerate`). Other downstream frames (TTSStoppedFrame, text) wait for the audio that
came before them, so the transport sees them in their order.

Pacing. A TTS sends its audio faster than real time; it waits here and goes into the stream only
`buffer_s` ahead of the wall clock (of what the transport plays, when a loaded CPU makes it wait),
so the transport's queue holds about that much. An interruption then drops the rest of the speech
here (and late audio of the TTS context it cut off), the transport drops its short queue, and the
same stream goes on with silence: the head, the blinks and the breathing carry on from where they
were (a queue and a render call further on), the mouth closes within the look-ahead.

Silence. When no TTS audio has come for FILL_AFTER_S (or a TTSStoppedFrame ended the utterance),
silence is fed on the wall clock, so the face keeps blinking and breathing at 25 fps; those frames
go out without audio (the transport plays its own silence, and does not take the bot for speaking).

Errors. A failed render is pushed upstream as an ErrorFrame and the stream goes on; after
MAX_FAILURES in a row (or a photo that could not be analysed) the service says it can no longer do
its job (`force_treat_as_permanent`: the PipelineWorker's ProcessorUnusablePolicy decides) and
passes every frame through untouched, so the bot still speaks, without a face.

Rendering runs in one worker thread, never on the event loop.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
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
        StopFrame,
        SystemFrame,
        TTSAudioRawFrame,
        TTSStoppedFrame,
    )
    from pipecat.processors.frame_processor import FrameDirection, FrameProcessor, FrameProcessorSetup
except ModuleNotFoundError as err:
    raise ImportError(f"facetalk.integrations.pipecat needs Pipecat ({err.name} is missing): "
                      "pip install 'facetalk[pipecat]'") from None

from facetalk.config import Controls
from facetalk.pipeline import Animator, RenderedFrame, StreamSession

FILL_AFTER_S = 0.3   # no TTS audio for this long: feed silence (a streaming TTS's gaps stay below)
FILL_STEP_S = 0.02   # wake this often to keep the stream on the wall clock
BUFFER_S = 0.2       # speech goes this far ahead of playback: the transport's queue, what an interruption drops
PIECE_S = 0.02       # TTS audio is cut into pieces this long, so that pacing does not wait for a long frame
JOIN_S = 0.1         # and joined up to this long for one render call (fewer calls; what one interruption cuts)
MAX_FAILURES = 3     # renders failing in a row before the service gives up
MOTION_KEY = "facetalk_motion"  # OutputImageRawFrame.metadata[MOTION_KEY]: the MotionFrame it shows
NS_PER_S = 1_000_000_000

# What each output sample held for release is: the kind decides what an interruption drops.
SILENCE, SPEECH, KEPT = 0, 1, 2   # KEPT: speech of an uninterruptible TTS frame


@dataclasses.dataclass(frozen=True)
class _Step:
    """One frame's worth of output, in the order it goes downstream."""

    frame: RenderedFrame          # index and t_s on the service's timeline
    audio: np.ndarray | None      # int16 mono at the output rate: the speech this frame animates
    audio_start_s: float          # where `audio` starts on the same timeline
    context_id: str | None        # the TTS context `audio` came from
    interruptible: bool           # False: it carries uninterruptible speech (frame and audio survive)
    held: tuple[Frame, ...]       # frames that came after the audio released with this frame


@dataclasses.dataclass(frozen=True)
class _End:
    """Put in the inbox by an EndFrame or StopFrame: the pump renders what is left, then returns."""

    interruptible: bool = False


class _GaveUp(Exception):
    """Rendering failed MAX_FAILURES times in a row (already reported upstream)."""


def _pcm_frame(pcm: np.ndarray, *, rate: int, channels: int) -> av.AudioFrame:
    frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono" if channels == 1 else "stereo")
    frame.sample_rate = rate
    return frame


def _mono16(frames: list[av.AudioFrame]) -> np.ndarray:
    return np.concatenate([f.to_ndarray().reshape(-1) for f in frames]) if frames else np.zeros(0, np.int16)


def _pieces(frame: TTSAudioRawFrame) -> list[TTSAudioRawFrame]:
    """`frame` cut into PIECE_S pieces (whole samples), each keeping its context and interruptibility."""
    step = max(1, round(frame.sample_rate * PIECE_S)) * frame.num_channels * 2
    if len(frame.audio) <= step:
        return [frame]
    pieces = []
    for start in range(0, len(frame.audio), step):
        piece = TTSAudioRawFrame(audio=frame.audio[start:start + step], sample_rate=frame.sample_rate,
                                 num_channels=frame.num_channels, context_id=frame.context_id)
        piece.interruptible, piece.transport_destination = frame.interruptible, frame.transport_destination
        pieces.append(piece)
    return pieces


def _same_voice(first: TTSAudioRawFrame, item: Frame | _End) -> bool:
    """Whether `item` is TTS audio that can be joined onto `first` (same format, context, interruptibility)."""
    return isinstance(item, TTSAudioRawFrame) and \
        (item.sample_rate, item.num_channels, item.context_id, item.interruptible) == \
        (first.sample_rate, first.num_channels, first.context_id, first.interruptible)


class _Timeline:
    """The render side, one call at a time (in the worker thread): speech and the silence between
    it on one timeline into the stream; each frame out with the speech it animates."""

    def __init__(self, stream: StreamSession, *, fps: int, out_rate: int):
        self._stream = stream
        self._fps = fps
        self._out_rate = out_rate
        self._n_sent = 0                                     # output samples released
        self._held = np.zeros(0, np.int16)                   # output samples not released yet
        self._kind = np.zeros(0, np.int8)                    # SILENCE, SPEECH or KEPT, per held sample
        self._markers: list[tuple[int, Frame]] = []          # (release after sample, frame)
        self._contexts: list[tuple[int, str | None]] = []    # (from output sample, TTS context id)
        self._resamplers: tuple[tuple[int, int], av.AudioResampler, av.AudioResampler] | None = None

    @property
    def lookahead_s(self) -> float:
        return self._stream.lookahead_s

    @property
    def pushed_s(self) -> float:
        """The timeline's end: the audio pushed so far, speech and silence."""
        return self._stream.n_samples / self._stream.sample_rate

    def speech(self, frame: TTSAudioRawFrame) -> list[_Step]:
        """Adds TTS audio (int16 PCM, interleaved, any rate); returns the frames it completed."""
        key = (frame.sample_rate, frame.num_channels)
        if self._resamplers is None or self._resamplers[0] != key:
            self._flush_resamplers()
            self._resamplers = (key, av.AudioResampler(format="s16", layout="mono", rate=self._out_rate),
                                av.AudioResampler(format="s16", layout="mono", rate=self._stream.sample_rate))
        chunk = _pcm_frame(np.frombuffer(frame.audio, np.int16), rate=frame.sample_rate, channels=frame.num_channels)
        _, to_out, to_analysis = self._resamplers
        at = self._n_sent + len(self._held)
        if not self._contexts or self._contexts[-1][1] != frame.context_id:
            self._contexts.append((at, frame.context_id))
        self._hold_audio(_mono16(to_out.resample(chunk)), kind=SPEECH if frame.interruptible else KEPT)
        return self._push(_mono16(to_analysis.resample(chunk)))

    def silence(self, *, seconds: float) -> list[_Step]:
        """Adds `seconds` of silence (the gaps between utterances); returns the frames it completed."""
        steps = self._flush_resamplers()
        n = round(seconds * self._stream.sample_rate)
        # The output side gets what makes it as long as the stream: a resampler's delay is not carried on.
        end_s = self.pushed_s + n / self._stream.sample_rate
        self._hold_audio(np.zeros(max(0, round(end_s * self._out_rate) - self._n_sent - len(self._held)), np.int16),
                         kind=SILENCE)
        return steps + self._push(np.zeros(n, np.int16))

    def hold(self, frame: Frame) -> None:
        """Keeps `frame` until the audio that came before it has gone out."""
        self._markers.append((self._n_sent + len(self._held), frame))

    def interrupt(self) -> bool:
        """Drops the interruptible speech and frames held (the stream, and the face's motion in it,
        goes on). Returns whether uninterruptible speech is still held."""
        self._resamplers = None  # their few buffered samples belong to the speech cut off
        dropped = self._kind == SPEECH
        self._held = np.where(dropped, 0, self._held).astype(np.int16)
        self._kind = np.where(dropped, SILENCE, self._kind).astype(np.int8)
        self._markers = [(at, f) for at, f in self._markers if not f.interruptible]
        return bool((self._kind == KEPT).any())

    def finish(self) -> list[_Step]:
        """Ends the stream: the frames for all the audio pushed, with the rest of it and of the held frames."""
        steps = self._flush_resamplers() + self._steps(self._stream.close())
        if not steps:
            return []
        last = steps[-1]
        # The last frame's 40 ms may end a few samples short of the output audio (rounding, resampling).
        tail, tail_is_speech = self._held, bool(self._kind.any())
        audio = last.audio if last.audio is not None else np.zeros(0, np.int16)
        steps[-1] = dataclasses.replace(last, audio=np.concatenate([audio, tail]) if tail_is_speech else last.audio,
                                        held=last.held + tuple(f for _, f in self._markers))
        self._markers, self._held, self._kind = [], np.zeros(0, np.int16), np.zeros(0, np.int8)
        return steps

    def abandon(self) -> tuple[np.ndarray, tuple[Frame, ...]]:
        """What is held when rendering gives up: the speech not yet sent (output rate) and the frames."""
        speech, frames = self._held[self._kind != SILENCE], tuple(f for _, f in self._markers)
        self._markers, self._held, self._kind = [], np.zeros(0, np.int16), np.zeros(0, np.int8)
        return speech, frames

    def _hold_audio(self, samples: np.ndarray, *, kind: int) -> None:
        self._held = np.concatenate([self._held, samples])
        self._kind = np.concatenate([self._kind, np.full(len(samples), kind, np.int8)])

    def _flush_resamplers(self) -> list[_Step]:
        if self._resamplers is None:
            return []
        _, to_out, to_analysis = self._resamplers
        self._resamplers = None
        kind = int(self._kind[-1]) if len(self._kind) and self._kind[-1] != SILENCE else SPEECH
        self._hold_audio(_mono16(to_out.resample(None)), kind=kind)
        return self._push(_mono16(to_analysis.resample(None)))

    def _push(self, mono16k: np.ndarray) -> list[_Step]:
        return self._steps(self._stream.push(mono16k)) if len(mono16k) else []

    def _steps(self, frames: list[RenderedFrame]) -> list[_Step]:
        return [self._step(f) for f in frames]

    def _step(self, frame: RenderedFrame) -> _Step:
        # Frame i shows the instant i / fps: the audio up to the next frame goes with it.
        n = max(0, min(len(self._held), (frame.index + 1) * self._out_rate // self._fps - self._n_sent))
        audio, kind = self._held[:n], self._kind[:n]
        start = self._n_sent
        self._held, self._kind = self._held[n:], self._kind[n:]
        self._n_sent += n
        while len(self._contexts) > 1 and self._contexts[1][0] <= start:
            self._contexts.pop(0)
        due = tuple(f for at, f in self._markers if at <= self._n_sent)
        self._markers = [(at, f) for at, f in self._markers if at > self._n_sent]
        return _Step(frame=frame, audio=audio if kind.any() else None, audio_start_s=start / self._out_rate,
                     context_id=self._contexts[0][1] if self._contexts else None,
                     interruptible=not (kind == KEPT).any(), held=due)


class FacetalkVideoService(FrameProcessor):
    """Animates a portrait with the pipeline's TTS audio. Consumes TTSAudioRawFrames; emits the
    avatar's OutputImageRawFrames (fps of the Animator's config, 25 by default, watermarked as every
    facetalk frame, each with its MotionFrame in `metadata[MOTION_KEY]`) and the audio again as
    TTSAudioRawFrames (mono, at the pipeline's output rate, same context id), each after the frame
    that animates it. Give `photo` (analysed in setup()) or a ready `animator`."""

    def __init__(self, *, photo: np.ndarray | None = None, animator: Animator | None = None,
                 controls: Controls | None = None, audio_out_sample_rate_hz: int | None = None,
                 fill_after_s: float = FILL_AFTER_S, buffer_s: float = BUFFER_S, **kwargs):
        super().__init__(**kwargs)
        if (photo is None) == (animator is None):
            raise ValueError("give FacetalkVideoService a photo or an animator (one of them)")
        self._photo = photo
        self._animator = animator
        self._controls = controls
        self._out_rate = audio_out_sample_rate_hz
        self._fill_after_s = fill_after_s
        self._buffer_s = buffer_s
        # One thread: the stream's calls must not overlap, and the event loop must never render.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="facetalk-pipecat")
        self._setup_error: Exception | None = None
        self._timeline: _Timeline | None = None
        self._inbox: collections.deque[Frame | _End] = collections.deque()
        self._arrived = asyncio.Event()
        self._pump_task: asyncio.Task | None = None
        self._clock0 = 0.0        # wall time (monotonic) of the timeline's t = 0
        self._last_audio = -math.inf
        self._next_index = 0      # the next frame to send
        self._epoch = 0           # interruptions so far: steps rendered before one lose their speech
        self._interrupted = False
        self._context_id: str | None = None   # the TTS context of the last audio taken
        self._cut_contexts: set[str | None] = set()  # contexts an interruption cut off
        self._failures = 0        # renders failed in a row

    @property
    def animator(self) -> Animator | None:
        """The Animator in use (built from the photo in setup())."""
        return self._animator

    async def setup(self, setup: FrameProcessorSetup) -> None:
        await super().setup(setup)
        self._out_rate = self._out_rate or setup.audio_out_sample_rate
        if self._animator is None:  # analysing a photo takes seconds: here, not in the constructor
            try:
                self._animator = await self._in_worker(functools.partial(Animator, self._photo, source="pipecat"))
            except Exception as err:  # reported as an ErrorFrame once the pipeline has started
                self._setup_error = err

    async def cleanup(self) -> None:
        await super().cleanup()
        await self._stop_pump()
        # Waits for a render in flight: no facetalk thread outlives the pipeline.
        await asyncio.to_thread(self._worker.shutdown, wait=True, cancel_futures=True)

    async def process_frame(self, frame: Frame, direction: FrameDirection) -> None:
        await super().process_frame(frame, direction)
        if isinstance(frame, StartFrame) and direction == FrameDirection.DOWNSTREAM:
            await self.push_frame(frame, direction)
            await self._start()
        elif direction == FrameDirection.UPSTREAM or self._pump_task is None:
            await self.push_frame(frame, direction)  # not started, or given up: passed through
        elif isinstance(frame, TTSAudioRawFrame):
            if frame.interruptible and frame.context_id is not None and frame.context_id in self._cut_contexts:
                return  # late audio of a reply that was interrupted (it was on its way)
            self._context_id = frame.context_id
            self._put(*_pieces(frame))  # it goes on, delayed, with the frames it animates
        elif isinstance(frame, InterruptionFrame):
            self._interrupt()
            await self.push_frame(frame, direction)
        elif isinstance(frame, CancelFrame):
            await self._stop_pump()
            await self.push_frame(frame, direction)
        elif isinstance(frame, (EndFrame, StopFrame)):
            await self._finish()
            await self.push_frame(frame, direction)
        elif isinstance(frame, SystemFrame):
            await self.push_frame(frame, direction)
        else:
            self._put(frame)  # after the audio before it

    def _put(self, *items: Frame | _End) -> None:
        self._inbox.extend(items)
        self._arrived.set()

    async def _start(self) -> None:
        if self._setup_error is not None:
            await self.push_error(f"facetalk could not analyse the photo: {self._setup_error}",
                                  exception=self._setup_error, force_treat_as_permanent=True)
            return
        if self._animator is None:
            raise RuntimeError("FacetalkVideoService got a StartFrame before setup()")
        await self._stop_pump()  # a second StartFrame (after a StopFrame) starts a new stream
        stream = await self._in_worker(functools.partial(self._animator.open_stream, self._controls))
        self._timeline = _Timeline(stream, fps=self._animator.fps, out_rate=self._out_rate)
        self._last_audio, self._next_index, self._failures, self._interrupted = -math.inf, 0, 0, False
        # The first frames cost the most (the models warm up): they are made before the clock
        # starts, so that it does not start behind.
        await self._render(functools.partial(self._timeline.silence,
                                             seconds=self._timeline.lookahead_s + 1 / self._animator.fps))
        self._clock0 = time.monotonic()
        self._pump_task = self.create_task(self._pump(), name="facetalk-pump")

    async def _in_worker(self, call):
        return await asyncio.get_running_loop().run_in_executor(self._worker, call)

    async def _pump(self) -> None:
        """Feeds the inbox (and silence in its gaps) to the timeline, in order, and sends what comes out."""
        try:
            while True:
                if self._interrupted:
                    await self._resume_after_interruption()
                self._resync()
                item = await self._next_item()
                if isinstance(item, _End):
                    await self._render(self._timeline.finish)
                    return
                await self._take(item)
                await self._fill()
        except Exception as err:  # noqa: BLE001 - whatever stops the pump must reach the pipeline
            if not isinstance(err, _GaveUp):
                await self.push_error(f"facetalk's video service stopped: {err}", exception=err,
                                      force_treat_as_permanent=True)
            await self._pass_through()

    async def _next_item(self) -> Frame | _End | None:
        """The next inbox item once the timeline has room for it (speech waits until it is due), or
        None after a short wait."""
        if self._inbox:
            ahead_s = self._timeline.pushed_s - self._due_s(lead_s=self._buffer_s)
            if not isinstance(self._inbox[0], TTSAudioRawFrame):
                return self._inbox.popleft()
            if ahead_s < 0:
                return self._speech_due(room_s=min(-ahead_s, JOIN_S))
            await asyncio.sleep(min(FILL_STEP_S, ahead_s))
            return None
        self._arrived.clear()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._arrived.wait(), FILL_STEP_S)
        return None

    def _speech_due(self, *, room_s: float) -> TTSAudioRawFrame:
        """The speech at the head of the inbox, with the pieces after it that fit in `room_s` joined
        on (one render call for them all: the start of an utterance, a pump catching up)."""
        pieces = [self._inbox.popleft()]
        room_bytes = room_s * pieces[0].sample_rate * pieces[0].num_channels * 2
        while self._inbox and _same_voice(pieces[0], self._inbox[0]) and \
                sum(len(p.audio) for p in pieces) + len(self._inbox[0].audio) <= room_bytes:
            pieces.append(self._inbox.popleft())
        if len(pieces) == 1:
            return pieces[0]
        first = pieces[0]
        joined = TTSAudioRawFrame(audio=b"".join(p.audio for p in pieces), sample_rate=first.sample_rate,
                                  num_channels=first.num_channels, context_id=first.context_id)
        joined.interruptible = first.interruptible
        return joined

    def _resync(self) -> None:
        """In speech, if the frame for now is not made yet (a loaded CPU), the transport has been
        waiting for its audio and will play everything after that much later: the clock moves on by
        as much, so that the speech still goes only `buffer_s` ahead of what the transport plays.
        (In silence nothing waits: the frames catch up instead.)"""
        if time.monotonic() - self._last_audio >= self._fill_after_s:
            return
        late_s = self._due_s(lead_s=0.0) - self._timeline.pushed_s
        if late_s > 0:
            self._clock0 += late_s

    def _due_s(self, *, lead_s: float) -> float:
        """Where the timeline's end is due now, for frames `lead_s` ahead of the wall clock."""
        return time.monotonic() - self._clock0 + self._timeline.lookahead_s + lead_s

    async def _take(self, item: Frame | None) -> None:
        timeline = self._timeline
        if isinstance(item, TTSAudioRawFrame):
            self._last_audio = time.monotonic()
            await self._render(functools.partial(timeline.speech, item))
        elif item is not None:
            timeline.hold(item)
            if isinstance(item, TTSStoppedFrame) and not any(isinstance(i, TTSAudioRawFrame) for i in self._inbox):
                # The utterance is over: the silence that releases its last frames goes in now.
                self._last_audio = -math.inf
                await self._render(functools.partial(timeline.silence,
                                                     seconds=timeline.lookahead_s + 1 / self._animator.fps))

    async def _fill(self) -> None:
        """In a pause, keeps the timeline a look-ahead and a frame ahead of the wall clock."""
        if time.monotonic() - self._last_audio < self._fill_after_s:
            return
        if self._inbox and isinstance(self._inbox[0], TTSAudioRawFrame):
            return
        behind_s = self._due_s(lead_s=1 / self._animator.fps) - self._timeline.pushed_s
        if behind_s >= FILL_STEP_S / 2:
            await self._render(functools.partial(self._timeline.silence, seconds=behind_s))

    async def _render(self, call) -> None:
        """Runs one timeline call in the worker and sends its frames; a failure goes upstream as an
        ErrorFrame (the stream goes on), MAX_FAILURES in a row make it permanent."""
        if self._interrupted:  # one came since the pump last looked: its speech must not go out now
            await self._resume_after_interruption()
        epoch = self._epoch
        try:
            steps = await self._in_worker(call)
        except Exception as err:  # noqa: BLE001 - any render failure is the pipeline's to hear of
            self._failures += 1
            give_up = self._failures >= MAX_FAILURES
            await self.push_error(f"facetalk could not render: {err}", exception=err, force_treat_as_permanent=give_up)
            if give_up:
                raise _GaveUp from err
            return
        if steps:  # a call that completed no frame says nothing of the renderer
            self._failures = 0
        await self._send(steps, epoch=epoch)

    async def _send(self, steps: list[_Step], *, epoch: int) -> None:
        """Each frame, then its audio and the frames held for it. `epoch`: the interruptions counted
        when they were rendered; after a later one, what they hold that may be interrupted is
        dropped, images included (they show the speech cut off; the motion goes on from the next).
        Checked at each push: an interruption may come in between."""
        for step in steps:
            self._next_index = step.frame.index + 1
            if epoch == self._epoch or not step.interruptible:
                await self.push_frame(self._image_frame(step))
            if step.audio is not None and len(step.audio) and (epoch == self._epoch or not step.interruptible):
                audio = TTSAudioRawFrame(audio=step.audio.tobytes(), sample_rate=self._out_rate, num_channels=1,
                                         context_id=step.context_id)
                audio.pts, audio.interruptible = round(step.audio_start_s * NS_PER_S), step.interruptible
                await self.push_frame(audio)
            for held in step.held:
                if epoch == self._epoch or not held.interruptible:
                    await self.push_frame(held)

    @staticmethod
    def _image_frame(step: _Step) -> OutputImageRawFrame:
        rendered = step.frame
        h, w = rendered.image.shape[:2]
        frame = OutputImageRawFrame(image=rendered.image.tobytes(), size=(w, h), format="RGB")  # watermarked
        frame.sync_with_audio = True  # shown once the audio before it has played
        frame.pts = round(rendered.t_s * NS_PER_S)
        frame.interruptible = step.interruptible  # one that shows uninterruptible speech stays with it
        frame.metadata[MOTION_KEY] = rendered.motion
        return frame

    def _interrupt(self) -> None:
        """The user spoke over the bot: the speech not yet sent is dropped (the pump drops what the
        timeline holds), the face goes on."""
        self._epoch += 1
        self._cut_contexts.add(self._context_id)
        self._inbox = collections.deque(item for item in self._inbox if not item.interruptible)
        self._interrupted = True
        self._arrived.set()

    async def _resume_after_interruption(self) -> None:
        self._interrupted = False
        still_speaking = await self._in_worker(self._timeline.interrupt)
        if still_speaking or any(isinstance(item, TTSAudioRawFrame) for item in self._inbox):
            return  # uninterruptible speech plays on, on the transport's clock as before
        # The transport dropped its queue too: the next frame is due now, the face goes on from it.
        self._clock0 = time.monotonic() - self._next_index / self._animator.fps
        self._last_audio = -math.inf

    async def _pass_through(self) -> None:
        """After giving up: what was held goes downstream as it is (the speech undelayed, no face),
        and so does every frame from now on."""
        speech, frames = self._timeline.abandon() if self._timeline else (np.zeros(0, np.int16), ())
        if len(speech):
            await self.push_frame(TTSAudioRawFrame(audio=speech.tobytes(), sample_rate=self._out_rate, num_channels=1))
        for frame in frames:
            await self.push_frame(frame)
        while self._inbox:  # what arrives meanwhile joins the inbox, so the order holds
            item = self._inbox.popleft()
            if not isinstance(item, _End):
                await self.push_frame(item)
        self._pump_task = None

    async def _finish(self) -> None:
        """The frames and audio still due, then the pump ends (the EndFrame goes after them)."""
        task = self._pump_task
        self._put(_End())
        await asyncio.wait({task})
        self._pump_task = None

    async def _stop_pump(self) -> None:
        if self._pump_task is not None:
            await self.cancel_task(self._pump_task)
            self._pump_task = None
