"""FacetalkVideoService inside a real Pipecat pipeline: a source pushes espeak-ng speech as a TTS
service does (20 ms frames, faster than real time), a sink collects what comes out. Where what the
viewer sees matters, the pipeline ends in a real Pipecat output transport (BaseOutputTransport)
whose only fake part is the device: a sound card that takes 40 ms to play 40 ms of audio, and a
screen that records what it is given."""

import asyncio
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import pytest

pytest.importorskip("pipecat", reason="Pipecat is not installed (pip install 'facetalk[pipecat]'; make test does)")

from pipecat.frames.frames import (  # noqa: E402
    CancelFrame,
    EndFrame,
    ErrorFrame,
    Frame,
    InterruptionFrame,
    OutputAudioRawFrame,
    OutputImageRawFrame,
    StartFrame,
    StopFrame,
    TTSAudioRawFrame,
    TTSStartedFrame,
    TTSStoppedFrame,
)
from pipecat.pipeline.pipeline import Pipeline  # noqa: E402
from pipecat.pipeline.worker import PipelineParams, PipelineWorker  # noqa: E402
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor  # noqa: E402
from pipecat.transports.base_output import BaseOutputTransport  # noqa: E402
from pipecat.transports.base_transport import TransportParams  # noqa: E402
from pipecat.workers.runner import WorkerRunner  # noqa: E402

from facetalk.config import Controls  # noqa: E402
from facetalk.integrations.pipecat import BUFFER_S, MOTION_KEY, FacetalkVideoService  # noqa: E402
from facetalk.pipeline import Animator  # noqa: E402

OUT_RATE = 24000
FPS = 25
NS = 1e9
IDLE_LEAD_S = 1.0      # idle before the speech
IDLE_TAIL_S = 1.5      # and after it has played


class Source(FrameProcessor):
    """Pushes what `speak` is given downstream, as a TTS service would; keeps what comes upstream."""

    def __init__(self):
        super().__init__()
        self.upstream: list[Frame] = []

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if direction == FrameDirection.UPSTREAM:
            self.upstream.append(frame)
        await self.push_frame(frame, direction)

    async def speak(self, pcm: np.ndarray, *, rate: int = OUT_RATE, interruptible: bool = True) -> None:
        """`pcm`: int16, (n,) mono or (n, 2) stereo."""
        await self.push_frame(TTSStartedFrame())
        step = rate // 50
        for i in range(0, len(pcm), step):
            piece = pcm[i:i + step]
            frame = TTSAudioRawFrame(audio=piece.tobytes(), sample_rate=rate, num_channels=piece.ndim,
                                     context_id="reply-1")
            frame.interruptible = interruptible
            await self.push_frame(frame)
        await self.push_frame(TTSStoppedFrame())


class Sink(FrameProcessor):
    """Collects every downstream frame with its arrival time."""

    def __init__(self):
        super().__init__()
        self.got: list[tuple[float, Frame]] = []
        self.first_image = asyncio.Event()

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if direction == FrameDirection.DOWNSTREAM:
            self.got.append((time.monotonic(), frame))
            if isinstance(frame, OutputImageRawFrame):
                self.first_image.set()
        await self.push_frame(frame, direction)


class SoundCard(BaseOutputTransport):
    """Pipecat's own output transport (queues, sync_with_audio, interruption handling) on a
    device that plays audio in real time and records the images drawn, with their times."""

    def __init__(self, *, size: tuple[int, int]):
        super().__init__(TransportParams(audio_out_enabled=True, video_out_enabled=True, video_out_is_live=False,
                                         video_out_width=size[0], video_out_height=size[1],
                                         video_out_framerate=FPS))
        self.played: list[tuple[float, bytes]] = []            # (write time, PCM)
        self.drawn: list[tuple[float, OutputImageRawFrame]] = []
        self.received: list[OutputImageRawFrame] = []          # every image given to the transport
        self.audio: list[TTSAudioRawFrame] = []                # and every piece of speech
        self.interrupted_at: float | None = None
        self._deadline = 0.0

    async def start(self, frame: StartFrame):
        await super().start(frame)
        await self.set_transport_ready(frame)

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        if isinstance(frame, InterruptionFrame):
            self.interrupted_at = time.monotonic()
        elif isinstance(frame, OutputImageRawFrame):
            self.received.append(frame)
        elif isinstance(frame, TTSAudioRawFrame):
            self.audio.append(frame)
        await super().process_frame(frame, direction)

    async def write_audio_frame(self, frame: OutputAudioRawFrame) -> bool:
        now = time.monotonic()
        self.played.append((now, frame.audio))
        self._deadline = max(self._deadline, now) + len(frame.audio) / 2 / frame.sample_rate
        await asyncio.sleep(self._deadline - now)  # a sound card takes as long to play as the audio lasts
        return True

    async def write_video_frame(self, frame: OutputImageRawFrame) -> bool:
        self.drawn.append((time.monotonic(), frame))
        return True


@dataclass
class Run:
    got: list[tuple[float, Frame]]
    service: FacetalkVideoService
    source: Source
    errors: list[ErrorFrame] = field(default_factory=list)  # as on_pipeline_error saw them

    @property
    def frames(self) -> list[Frame]:
        return [f for _, f in self.got]


@pytest.fixture(scope="module")
def animator(analysis):
    """The bundled portrait's Animator, made from the session's analysis of it (conftest: the face
    models' answers replayed, bit-identical to theirs; Animator.__init__ is test_pipeline's)."""
    return Animator.from_analysis(analysis)


def _speech(text: str, *, sr: int = OUT_RATE) -> np.ndarray:
    from facetalk.io import synthesize_speech

    speech = synthesize_speech(text, lang="en", sr=sr)
    return np.round(np.clip(speech, -1, 1) * 32767).astype(np.int16)


@pytest.fixture(scope="module")
def tts_speech() -> np.ndarray:
    return _speech("Hello! I am an astronaut, and this photo can talk.")


def _run(scenario, *, service: FacetalkVideoService, transport: FrameProcessor | None = None) -> Run:
    """Runs source -> service [-> transport] -> sink until `scenario(source, worker, sink)` has queued
    an EndFrame or CancelFrame."""
    source, sink = Source(), Sink()
    worker = PipelineWorker(Pipeline([source, service, *([transport] if transport else []), sink]),
                            params=PipelineParams(audio_out_sample_rate=OUT_RATE))
    run = Run(got=sink.got, service=service, source=source)

    @worker.event_handler("on_pipeline_error")
    async def on_error(_worker, frame):
        run.errors.append(frame)

    async def main():
        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(worker)
        play = asyncio.ensure_future(scenario(source, worker, sink))
        await asyncio.wait_for(runner.run(), timeout=120)
        await play
        # Nothing of the service outlives the pipeline: no task, no render thread.
        assert service._pump_task is None
        assert not [t for t in asyncio.all_tasks() if "facetalk" in t.get_name()]

    asyncio.run(main())
    if not isinstance(run.frames[-1], StopFrame):  # a stopped pipeline's processors are not cleaned up
        assert not [t for t in threading.enumerate() if t.name.startswith("facetalk-pipecat")]
    return run


def _speak_then_end(pcm, *, rate: int = OUT_RATE):
    async def scenario(source, worker, sink):
        await sink.first_image.wait()
        await asyncio.sleep(IDLE_LEAD_S)
        await source.speak(pcm, rate=rate)
        await asyncio.sleep(len(pcm) / rate + IDLE_TAIL_S)
        await worker.queue_frame(EndFrame())
    return scenario


def _lip_gaps(frames) -> np.ndarray:
    """Inner-lip opening over mouth width, by the face mesh (as tests/server/test_webrtc.py)."""
    from facetalk.face.mesh import FaceMeshDetector

    gaps = []
    with FaceMeshDetector(max_faces=1) as detector:
        for frame in frames:
            p = detector.detect(frame)[0].landmarks_px[:, :2]
            gaps.append(np.linalg.norm(p[13] - p[14]) / np.linalg.norm(p[61] - p[291]))
    return np.array(gaps)


def _service(animator, **kwargs) -> FacetalkVideoService:
    return FacetalkVideoService(animator=animator, controls=Controls(seed=3), **kwargs)


@pytest.mark.slow
def test_speech_in_a_pipeline_gives_frames_and_audio_in_sync(animator, tts_speech):
    from facetalk.provenance import detect

    run = _run(_speak_then_end(tts_speech), service=_service(animator))
    frames, got = run.frames, run.got
    images = [f for f in frames if isinstance(f, OutputImageRawFrame)]
    audio = [f for f in frames if isinstance(f, TTSAudioRawFrame)]
    assert isinstance(frames[-1], EndFrame), "EndFrame must come last, after every frame"
    assert not run.errors

    # 25 fps, no frame missing: frame i shows the instant i / 25, through the idle lead, the
    # speech and the idle tail; each carries the motion it shows.
    pts_s = np.array([f.pts for f in images]) / NS
    assert np.allclose(pts_s, np.arange(len(images)) / FPS, atol=1e-6)
    assert np.allclose([f.metadata[MOTION_KEY].t_s for f in images], pts_s, atol=1e-6)
    # Frames keep coming on the wall clock, idle or not (the rate itself is the benchmarks' to
    # measure: this 2-core machine, shared, renders a pipeline at 13-25 fps).
    wall_s = got[-1][0] - got[0][0]
    assert len(images) >= 0.5 * wall_s * FPS, (len(images), wall_s)
    assert all(f.size == (animator.size[0], animator.size[1]) and f.format == "RGB" and f.sync_with_audio
               for f in images)

    speech_start_s = _check_audio(audio, frames, tts_speech, rate=OUT_RATE)
    assert all(f.context_id == "reply-1" for f in audio)
    # The speech is placed after the idle lead, a look-ahead behind the wall clock at most.
    # (Half of it at least: a loaded CPU may render the idle face slower than real time.)
    assert IDLE_LEAD_S / 2 <= speech_start_s <= IDLE_LEAD_S + run.service._timeline.lookahead_s + 0.5
    # Paced: the speech leaves about BUFFER_S ahead of the wall clock, not as fast as the TTS sends it.
    arrival = {id(f): t for t, f in got}
    t0 = arrival[id(images[0])]
    ahead_s = [f.pts / NS - (arrival[id(f)] - t0) for f in audio]
    assert max(ahead_s) <= BUFFER_S + 0.15, max(ahead_s)
    # The TTSStoppedFrame keeps its place: after the last of the speech.
    stopped = next(i for i, f in enumerate(frames) if isinstance(f, TTSStoppedFrame))
    assert stopped > frames.index(audio[-1])

    # The mouth moves with the speech and rests in the idle lead; the idle face is not frozen.
    pixels = [np.frombuffer(f.image, np.uint8).reshape(f.size[1], f.size[0], 3) for f in images]
    voiced = [i for i, f in enumerate(images) if _voiced_at(audio, f.pts / NS)]
    idle = [i for i, f in enumerate(images) if f.pts / NS < speech_start_s - 0.2]
    assert len(voiced) >= 20 and len(idle) >= 15
    gaps, rest = _lip_gaps([pixels[i] for i in voiced]), _lip_gaps([pixels[i] for i in idle])
    # The upper quartile, as tests/test_pipeline.py (the mesh reads a lit tongue as lower lip).
    assert np.percentile(gaps, 75) > np.median(rest) + 0.03, (np.percentile(gaps, 75), np.median(rest))
    assert np.abs(pixels[idle[-1]].astype(float) - pixels[idle[0]]).mean() > 0.3
    assert detect(np.array(pixels[::5])).watermark, "the frames do not carry the watermark"


def _check_audio(audio: list[TTSAudioRawFrame], frames: list[Frame], speech: np.ndarray, *, rate: int) -> float:
    """The audio comes out whole, mono at the pipeline's rate, and each piece right after the frame
    that animates it: sync within one frame (+-40 ms), never ahead of its frame. `speech`: what the
    TTS sent, mono at the output rate. Returns where the speech starts on the frames' timeline."""
    out = np.concatenate([np.frombuffer(f.audio, np.int16) for f in audio]).astype(float)
    assert all(f.sample_rate == OUT_RATE and f.num_channels == 1 for f in audio)
    assert np.all(np.diff([f.pts for f in audio]) == [len(f.audio) // 2 * NS / OUT_RATE for f in audio[:-1]])
    # The first piece starts with its frame: the speech begins within it, after the pause before.
    lead = _best_lag(out, speech.astype(float))
    assert 0 <= lead < OUT_RATE // FPS and abs(len(out) - lead - len(speech)) <= OUT_RATE // FPS
    n = min(len(out) - lead, len(speech))
    assert np.corrcoef(out[lead:lead + n], speech[:n].astype(float))[0, 1] > 0.99
    last_image_s = None
    for frame in frames:
        if isinstance(frame, OutputImageRawFrame):
            last_image_s = frame.pts / NS
        elif isinstance(frame, TTSAudioRawFrame):
            assert last_image_s is not None and 0 <= frame.pts / NS - last_image_s < 0.040 + 1e-6
    return audio[0].pts / NS + lead / OUT_RATE


@pytest.mark.slow
def test_tts_audio_at_another_rate_in_stereo_is_resampled_to_the_pipelines(animator):
    """A TTS at 22.05 kHz stereo: the audio comes out mono at the pipeline's 24 kHz, whole and in sync."""
    import av

    mono = _speech("Testing, one two three.", sr=22050)
    stereo = np.stack([mono, mono // 2], axis=1)  # the channels differ: both must be mixed, not one taken
    run = _run(_speak_then_end(stereo, rate=22050), service=_service(animator))
    audio = [f for f in run.frames if isinstance(f, TTSAudioRawFrame)]
    # What the TTS said, as an independent resampler puts it at 24 kHz mono.
    resampler = av.AudioResampler(format="s16", layout="mono", rate=OUT_RATE)
    frame = av.AudioFrame.from_ndarray(stereo.reshape(1, -1), format="s16", layout="stereo")
    frame.sample_rate = 22050
    expected = np.concatenate([f.to_ndarray().reshape(-1)
                               for f in resampler.resample(frame) + resampler.resample(None)])
    _check_audio(audio, run.frames, expected, rate=OUT_RATE)
    assert not run.errors


def _voiced_at(audio: list[TTSAudioRawFrame], t_s: float) -> bool:
    """Whether the audio sent with the frame at t_s is loud speech (not a pause between words)."""
    for frame in audio:
        if abs(frame.pts / NS - t_s) < 1e-6:
            pcm = np.frombuffer(frame.audio, np.int16).astype(float)
            return np.sqrt(np.mean(pcm ** 2)) > 0.05 * 32768
    return False


def _best_lag(values: np.ndarray, reference: np.ndarray) -> int:
    """Where `reference` sits in `values`, in samples (by cross-correlation)."""
    n = 1 << int(np.ceil(np.log2(len(values) + len(reference))))
    corr = np.fft.irfft(np.fft.rfft(values, n) * np.conj(np.fft.rfft(reference, n)), n)
    lag = int(np.argmax(corr))
    return lag - n if lag > n // 2 else lag


def _pose(frame: OutputImageRawFrame) -> np.ndarray:
    motion = frame.metadata[MOTION_KEY]
    return np.array([motion.yaw_deg, motion.pitch_deg, motion.roll_deg])


@pytest.mark.slow
def test_an_interruption_drops_the_speech_and_the_face_goes_on_from_where_it_was(animator, tts_speech):
    long_speech = np.concatenate([tts_speech] * 3)
    card, service = SoundCard(size=animator.size), _service(animator)
    cut_index = []  # the first frame the service sends after it took the interruption
    take_interruption = service._interrupt
    service._interrupt = lambda: (cut_index.append(service._next_index), take_interruption())

    async def scenario(source, worker, sink):
        await sink.first_image.wait()
        await asyncio.sleep(IDLE_LEAD_S)
        await source.speak(long_speech)
        while not card.played:  # the speech is playing (a loaded CPU may take a while to start it)
            await asyncio.sleep(0.02)
        await asyncio.sleep(2.0)
        await worker.queue_frame(InterruptionFrame())
        await asyncio.sleep(2.0)
        await worker.queue_frame(EndFrame())

    run = _run(scenario, service=service, transport=card)
    assert not run.errors and card.interrupted_at is not None and len(cut_index) == 1
    cut, cut_s = card.interrupted_at, cut_index[0] / FPS
    images = card.received
    first_after = next(i for i, f in enumerate(images) if f.pts / NS >= cut_s - 1e-6)

    heard_s, heard_after_s = _heard_around(card, cut=cut, cut_s=cut_s)
    gap, across, spans = _motion_goes_on(images, first_after=first_after)
    before, after = _screen_goes_on(card, images, cut=cut, first_after=first_after)
    # The mouth closes quickly: at rest, as before the speech, from 0.3 s after the interruption.
    rest = max(f.metadata[MOTION_KEY].jaw_open for f in images[:FPS // 2])
    jaw = np.array([f.metadata[MOTION_KEY].jaw_open for f in images[first_after:]])
    assert len(jaw) >= 30 and jaw[round(0.3 * FPS):].max() <= rest + 0.05, (jaw.round(2), rest)
    closed_s = next(i for i in range(len(jaw)) if jaw[i:].max() <= rest + 0.05) / FPS
    print(f"interruption: {heard_s:.2f} s heard; head pose change across the cut ({gap} frames) {across:.2f} deg "
          f"(elsewhere up to {spans:.2f}); screen skips {after - before:.2f} s; jaw at rest "
          f"{closed_s:.2f} s after; {heard_after_s:.2f} s of speech heard after it")
    assert isinstance(run.frames[-1], EndFrame)


def _heard_around(card, *, cut: float, cut_s: float) -> tuple[float, float]:
    """Heard: the speech until the interruption; none sent after it. (Pipecat's processors take a
    SystemFrame ahead of the frames still in their input queue, whose reset only empties the
    queue behind: audio already on its way into the transport may still play, a frame or two
    on a loaded CPU.) Returns (seconds heard before, loud seconds heard after)."""
    def loud(pcm: bytes) -> bool:
        return np.sqrt(np.mean(np.frombuffer(pcm, np.int16).astype(float) ** 2)) > 0.02 * 32768
    heard_s = sum(len(pcm) / 2 / OUT_RATE for t, pcm in card.played if t < cut)
    heard_after_s = sum(len(pcm) / 2 / OUT_RATE for t, pcm in card.played if t > cut + 0.05 and loud(pcm))
    assert heard_s >= 0.5, heard_s
    assert not [f for f in card.audio if f.pts / NS >= cut_s - 1e-6], "speech was sent after the interruption"
    assert heard_after_s <= BUFFER_S, f"speech went on after the interruption ({heard_after_s:.2f} s)"
    return heard_s, heard_after_s


def _motion_goes_on(images, *, first_after: int) -> tuple[int, float, float]:
    """One stream throughout: the motion goes on where it was. Its time runs on, frame by frame,
    but for the frames rendered with the speech that was cut off (dropped: they show it) and the
    head pose changes across that gap no more than it does over any gap as long elsewhere in the
    run; a new stream would start its time again at 0. Returns (gap in frames, pose change
    across it, the largest change over as long elsewhere), in degrees."""
    motion_t = np.array([f.metadata[MOTION_KEY].t_s for f in images])
    gaps = np.round(np.diff(motion_t) * FPS).astype(int)
    gap = gaps[first_after - 1]
    assert np.all(np.delete(gaps, first_after - 1) == 1) and 1 <= gap <= round(BUFFER_S * FPS) + 3, gap
    pose = np.array([_pose(f) for f in images])
    across = np.abs(pose[first_after] - pose[first_after - 1]).max()
    spans = np.abs(pose[gap:] - pose[:-gap]).max(axis=1)
    assert across <= spans.max(), (across, spans.max())
    return int(gap), float(across), float(spans.max())


def _screen_goes_on(card, images, *, cut: float, first_after: int) -> tuple[float, float]:
    """Seen: the screen goes on from the last frame shown before the interruption to the first the
    service sent after it, skipping only what the transport had queued (BUFFER_S, more on a
    loaded CPU) and the dropped frames, never back. Returns (the pts shown before, after), s."""
    drawn_pts = [(t, f.pts / NS) for t, f in card.drawn]
    before = max(p for t, p in drawn_pts if t < cut)
    after = min(p for t, p in drawn_pts if t > cut and p > before)
    assert after <= images[first_after].pts / NS + 0.12, (before, images[first_after].pts / NS, after)
    return before, after


def _failing(animator, monkeypatch, *, when) -> None:
    """Makes the Animator's frame rendering raise for the frame indices `when` accepts: a fault
    injected where the renderer would fail (an exhausted GPU or ONNX runtime, say)."""
    real = animator.frame

    def frame(index, motion, **kwargs):
        if when(index):
            raise RuntimeError(f"injected render failure at frame {index}")
        return real(index, motion, **kwargs)

    monkeypatch.setattr(animator, "frame", frame)


def _speak_during_idle_then_end(pcm):
    async def scenario(source, worker, sink):
        await asyncio.sleep(1.5)
        await source.speak(pcm)
        await asyncio.sleep(len(pcm) / OUT_RATE + 1.0)
        await worker.queue_frame(EndFrame())
    return scenario


@pytest.mark.slow
def test_a_failed_render_is_an_error_frame_upstream_and_the_face_goes_on(animator, tts_speech, monkeypatch):
    _failing(animator, monkeypatch, when=lambda index: index == 30)

    async def scenario(source, worker, sink):
        await source.speak(tts_speech[:OUT_RATE])
        while not any(isinstance(f, OutputImageRawFrame) and f.pts / NS * FPS >= 30 + FPS for _, f in sink.got):
            await asyncio.sleep(0.1)  # (a loaded CPU renders slower than real time: wait for the frames)
        await worker.queue_frame(EndFrame())

    run = _run(scenario, service=_service(animator))
    assert len(run.errors) == 1 and run.errors[0].processor is run.service
    assert "injected render failure at frame 30" in run.errors[0].error
    upstream = [f for f in run.source.upstream if isinstance(f, ErrorFrame)]
    assert len(upstream) == 1 and upstream[0] is run.errors[0], "the ErrorFrame must travel upstream"
    assert run.service.is_usable, "one failure is not the end of the service"
    images = [f for f in run.frames if isinstance(f, OutputImageRawFrame)]
    indices = [round(f.pts / NS * FPS) for f in images]
    assert 30 not in indices and max(indices) >= 30 + FPS  # the frame is lost, the face goes on
    assert [f for f in run.frames if isinstance(f, TTSAudioRawFrame)]
    assert isinstance(run.frames[-1], EndFrame)


@pytest.mark.slow
def test_a_renderer_that_keeps_failing_gives_up_and_the_bot_still_speaks(animator, tts_speech, monkeypatch):
    from facetalk.integrations.pipecat import MAX_FAILURES

    _failing(animator, monkeypatch, when=lambda index: index >= 10)
    speech = tts_speech[:OUT_RATE]
    run = _run(_speak_during_idle_then_end(speech), service=_service(animator))
    assert len(run.errors) == MAX_FAILURES and all(e.processor is run.service for e in run.errors)
    assert not run.service.is_usable, "the last error must say the service can no longer do its job"
    # From then on every frame passes through: the TTS audio reaches the end as it was sent.
    audio = [f for f in run.frames if isinstance(f, TTSAudioRawFrame) and f.sample_rate == OUT_RATE]
    assert np.array_equal(np.concatenate([np.frombuffer(f.audio, np.int16) for f in audio]), speech)
    assert all(f.pts / NS < 0.5 for f in run.frames if isinstance(f, OutputImageRawFrame))
    assert isinstance(run.frames[-1], EndFrame)


@pytest.mark.slow
def test_a_photo_without_a_face_is_an_error_frame_at_start(tts_speech):
    service = FacetalkVideoService(photo=np.full((256, 256, 3), 128, np.uint8))
    run = _run(_speak_during_idle_then_end(tts_speech[:OUT_RATE // 2]), service=service)
    assert len(run.errors) == 1 and "no face found" in run.errors[0].error and not service.is_usable
    assert not [f for f in run.frames if isinstance(f, OutputImageRawFrame)]
    assert len([f for f in run.frames if isinstance(f, TTSAudioRawFrame)]) == OUT_RATE // 2 // (OUT_RATE // 50)
    assert isinstance(run.frames[-1], EndFrame)


@pytest.mark.slow
def test_a_cancel_frame_stops_at_once_in_mid_speech(animator, tts_speech):
    cancelled_at = []

    async def scenario(source, worker, sink):
        await sink.first_image.wait()
        await source.speak(np.concatenate([tts_speech] * 3))
        await asyncio.sleep(1.0)
        cancelled_at.append(time.monotonic())
        await worker.queue_frame(CancelFrame())

    run = _run(scenario, service=_service(animator))  # checks that no task or thread is left
    assert isinstance(run.frames[-1], CancelFrame)
    assert run.got[-1][0] - cancelled_at[0] < 1.0
    heard_s = sum(len(f.audio) / 2 / OUT_RATE for f in run.frames if isinstance(f, TTSAudioRawFrame))
    assert heard_s < 1.0 + BUFFER_S + 0.2, heard_s  # paced: not the whole 10 s sent ahead


@pytest.mark.slow
def test_uninterruptible_speech_plays_on_through_an_interruption(animator, tts_speech):
    speech = tts_speech[:2 * OUT_RATE]

    async def scenario(source, worker, sink):
        await sink.first_image.wait()
        await source.speak(speech, interruptible=False)
        await asyncio.sleep(0.6)
        await worker.queue_frame(InterruptionFrame())
        await asyncio.sleep(len(speech) / OUT_RATE + 0.5)
        await worker.queue_frame(EndFrame())

    run = _run(scenario, service=_service(animator))
    audio = [f for f in run.frames if isinstance(f, TTSAudioRawFrame)]
    assert not [f for f in audio if f.interruptible]
    _check_audio(audio, run.frames, speech, rate=OUT_RATE)  # all of it, in sync


@pytest.mark.slow
def test_a_stop_frame_sends_what_is_due_and_stops_the_stream(animator, tts_speech):
    speech = tts_speech[:OUT_RATE]

    async def scenario(source, worker, sink):
        await sink.first_image.wait()
        await source.speak(speech)
        await worker.queue_frame(StopFrame())  # at once: the speech is still to be paced out

    run = _run(scenario, service=_service(animator))  # no task is left running either
    assert isinstance(run.frames[-1], StopFrame)
    audio = [f for f in run.frames if isinstance(f, TTSAudioRawFrame)]
    _check_audio(audio, run.frames, speech, rate=OUT_RATE)  # all of it went out before the StopFrame
