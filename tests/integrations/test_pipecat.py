"""FacetalkVideoService inside a real Pipecat pipeline: a source pushes espeak-ng speech as a TTS
service does (24 kHz, 20 ms frames, faster than real time), a sink collects what comes out."""

import asyncio
import time

import numpy as np
import pytest

pytest.importorskip("pipecat", reason="Pipecat is not installed (pip install 'facetalk[pipecat]'; make test does)")

from pipecat.frames.frames import (  # noqa: E402
    EndFrame,
    Frame,
    InterruptionFrame,
    OutputImageRawFrame,
    TTSAudioRawFrame,
    TTSStartedFrame,
    TTSStoppedFrame,
)
from pipecat.pipeline.pipeline import Pipeline  # noqa: E402
from pipecat.pipeline.worker import PipelineParams, PipelineWorker  # noqa: E402
from pipecat.processors.frame_processor import FrameDirection, FrameProcessor  # noqa: E402
from pipecat.workers.runner import WorkerRunner  # noqa: E402

from facetalk.config import Controls  # noqa: E402
from facetalk.integrations.pipecat import FacetalkVideoService  # noqa: E402
from facetalk.pipeline import Animator  # noqa: E402

TTS_RATE = 24000
FPS = 25
NS = 1e9
IDLE_LEAD_S = 1.0      # idle before the speech
IDLE_TAIL_S = 1.5      # and after it has played


class Source(FrameProcessor):
    """Pushes what `speak` is given downstream, as a TTS service would."""

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        await self.push_frame(frame, direction)

    async def speak(self, pcm: np.ndarray) -> None:
        await self.push_frame(TTSStartedFrame())
        step = TTS_RATE // 50
        for i in range(0, len(pcm), step):
            await self.push_frame(TTSAudioRawFrame(audio=pcm[i:i + step].tobytes(), sample_rate=TTS_RATE,
                                                   num_channels=1))
        await self.push_frame(TTSStoppedFrame())


class Sink(FrameProcessor):
    """Collects every downstream frame with its arrival time."""

    def __init__(self):
        super().__init__()
        self.got: list[tuple[float, Frame]] = []

    async def process_frame(self, frame: Frame, direction: FrameDirection):
        await super().process_frame(frame, direction)
        if direction == FrameDirection.DOWNSTREAM:
            self.got.append((time.monotonic(), frame))
        await self.push_frame(frame, direction)


@pytest.fixture(scope="module")
def animator(portrait):
    return Animator(portrait, source="astronaut.jpg")


@pytest.fixture(scope="module")
def tts_speech() -> np.ndarray:
    from facetalk.io import synthesize_speech

    speech = synthesize_speech("Hello! I am an astronaut, and this photo can talk.", lang="en", sr=TTS_RATE)
    return np.round(np.clip(speech, -1, 1) * 32767).astype(np.int16)


def _run(animator, scenario) -> tuple[list[tuple[float, Frame]], FacetalkVideoService]:
    """Runs source -> service -> sink until `scenario(source, worker)` has queued an EndFrame."""
    source, sink = Source(), Sink()
    service = FacetalkVideoService(animator=animator, controls=Controls(seed=3))
    worker = PipelineWorker(Pipeline([source, service, sink]), params=PipelineParams(audio_out_sample_rate=TTS_RATE))

    async def main():
        runner = WorkerRunner(handle_sigint=False)
        await runner.add_workers(worker)
        play = asyncio.ensure_future(scenario(source, worker))
        await asyncio.wait_for(runner.run(), timeout=120)
        await play

    asyncio.run(main())
    return sink.got, service


def _speak_then_end(pcm):
    async def scenario(source, worker):
        await asyncio.sleep(IDLE_LEAD_S)
        await source.speak(pcm)
        await asyncio.sleep(len(pcm) / TTS_RATE + IDLE_TAIL_S)
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


@pytest.mark.slow
def test_speech_in_a_pipeline_gives_frames_and_audio_in_sync(animator, tts_speech):
    from facetalk.provenance import detect

    got, service = _run(animator, _speak_then_end(tts_speech))
    frames = [f for _, f in got]
    images = [f for f in frames if isinstance(f, OutputImageRawFrame)]
    audio = [f for f in frames if isinstance(f, TTSAudioRawFrame)]
    assert isinstance(frames[-1], EndFrame), "EndFrame must come last, after every frame"
    assert service._pump_task is None

    # 25 fps, no frame missing: frame i shows the instant i / 25, through the idle lead, the
    # speech and the idle tail.
    pts_s = np.array([f.pts for f in images]) / NS
    assert np.allclose(pts_s, np.arange(len(images)) / FPS, atol=1e-6)
    wall_s = got[-1][0] - got[0][0]
    assert len(images) >= 0.8 * wall_s * FPS, (len(images), wall_s)
    assert all(f.size == (animator.size[0], animator.size[1]) and f.format == "RGB" and f.sync_with_audio
               for f in images)

    # The audio comes out whole, mono at the pipeline's rate, and each piece right after the
    # frame that animates it: sync within one frame (+-40 ms), never ahead of its frame.
    out = np.concatenate([np.frombuffer(f.audio, np.int16) for f in audio]).astype(float)
    assert all(f.sample_rate == TTS_RATE and f.num_channels == 1 for f in audio)
    assert np.all(np.diff([f.pts for f in audio]) == [len(f.audio) // 2 * NS / TTS_RATE for f in audio[:-1]])
    # The first piece starts with its frame: the speech begins within it, after the pause before.
    lead = _best_lag(out, tts_speech.astype(float))
    assert 0 <= lead < TTS_RATE // FPS and abs(len(out) - lead - len(tts_speech)) <= TTS_RATE // FPS
    n = min(len(out) - lead, len(tts_speech))
    assert np.corrcoef(out[lead:lead + n], tts_speech[:n].astype(float))[0, 1] > 0.99
    last_image_s = None
    for frame in frames:
        if isinstance(frame, OutputImageRawFrame):
            last_image_s = frame.pts / NS
        elif isinstance(frame, TTSAudioRawFrame):
            assert last_image_s is not None and 0 <= frame.pts / NS - last_image_s < 0.040 + 1e-6
    speech_start_s = audio[0].pts / NS + lead / TTS_RATE
    # The speech is placed after the idle lead, a look-ahead behind the wall clock at most.
    assert IDLE_LEAD_S - 0.1 <= speech_start_s <= IDLE_LEAD_S + service._timeline.lookahead_s + 0.5
    # The TTSStoppedFrame keeps its place: after the last of the speech.
    stopped = next(i for i, f in enumerate(frames) if isinstance(f, TTSStoppedFrame))
    assert stopped > frames.index(audio[-1])

    # The mouth moves with the speech and rests in the idle lead; the idle face is not frozen.
    pixels = [np.frombuffer(f.image, np.uint8).reshape(f.size[1], f.size[0], 3) for f in images]
    voiced = [i for i, f in enumerate(images) if _voiced_at(audio, f.pts / NS)]
    idle = [i for i, f in enumerate(images) if f.pts / NS < speech_start_s - 0.2]
    assert len(voiced) >= 20 and len(idle) >= 15
    gaps, rest = _lip_gaps([pixels[i] for i in voiced]), _lip_gaps([pixels[i] for i in idle])
    assert np.median(gaps) > np.median(rest) + 0.03, (np.median(gaps), np.median(rest))
    assert np.abs(pixels[idle[-1]].astype(float) - pixels[idle[0]]).mean() > 0.3
    assert detect(np.array(pixels[::5])).watermark, "the frames do not carry the watermark"


def _best_lag(values: np.ndarray, reference: np.ndarray) -> int:
    """Where `reference` sits in `values`, in samples (by cross-correlation)."""
    n = 1 << int(np.ceil(np.log2(len(values) + len(reference))))
    corr = np.fft.irfft(np.fft.rfft(values, n) * np.conj(np.fft.rfft(reference, n)), n)
    lag = int(np.argmax(corr))
    return lag - n if lag > n // 2 else lag


def _voiced_at(audio: list[TTSAudioRawFrame], t_s: float) -> bool:
    """Whether the audio sent with the frame at t_s is loud speech (not a pause between words)."""
    for frame in audio:
        if abs(frame.pts / NS - t_s) < 1e-6:
            pcm = np.frombuffer(frame.audio, np.int16).astype(float)
            return np.sqrt(np.mean(pcm ** 2)) > 0.05 * 32768
    return False


@pytest.mark.slow
def test_an_interruption_drops_the_rest_of_the_speech_and_the_face_idles_on(animator, tts_speech):
    long_speech = np.concatenate([tts_speech] * 3)

    async def scenario(source, worker):
        await asyncio.sleep(0.3)
        await source.speak(long_speech)
        await asyncio.sleep(0.5)
        await worker.queue_frame(InterruptionFrame())
        await asyncio.sleep(1.5)
        await worker.queue_frame(EndFrame())

    got, _ = _run(animator, scenario)
    frames = [f for _, f in got]
    cut = next(i for i, f in enumerate(frames) if isinstance(f, InterruptionFrame))
    after = frames[cut + 1:]
    assert not any(isinstance(f, TTSAudioRawFrame) for f in after), "speech went on after the interruption"
    sent = sum(len(f.audio) // 2 for f in frames[:cut] if isinstance(f, TTSAudioRawFrame))
    assert sent < len(long_speech) / 2
    # The face idles on: frames keep coming, indices and times continue without a jump back.
    images_after = [f for f in after if isinstance(f, OutputImageRawFrame)]
    assert len(images_after) >= 20
    pts = np.array([f.pts for f in frames if isinstance(f, OutputImageRawFrame)]) / NS
    assert np.allclose(np.diff(pts), 1 / FPS, atol=1e-6)
    assert isinstance(frames[-1], EndFrame)
