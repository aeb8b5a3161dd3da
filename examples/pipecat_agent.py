"""A Pipecat agent with a facetalk face, over Pipecat's SmallWebRTC transport, all on this machine:
espeak-ng speaks (no cloud keys), FacetalkVideoService animates the photo, the browser shows both.

    pip install 'facetalk[pipecat]'        # or: make setup
    python examples/pipecat_agent.py --image src/facetalk/data/astronaut.jpg
    # then open http://127.0.0.1:7861/ and press Connect

The agent here is scripted (it says LINES, one after another): put an STT and an LLM of your choice
before the TTS for a conversation. No STUN or TURN server is used (an explicitly empty ICE server
list), so the call works on one machine or a LAN and sends nothing elsewhere.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncGenerator

import numpy as np
import uvicorn
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from pipecat.frames.frames import Frame, TTSAudioRawFrame, TTSSpeakFrame
from pipecat.pipeline.pipeline import Pipeline
from pipecat.pipeline.worker import PipelineParams, PipelineWorker
from pipecat.services.settings import TTSSettings
from pipecat.services.tts_service import TTSService
from pipecat.transports.base_transport import TransportParams
from pipecat.transports.smallwebrtc.connection import SmallWebRTCConnection
from pipecat.transports.smallwebrtc.transport import SmallWebRTCTransport
from pipecat.workers.runner import WorkerRunner

from facetalk.integrations.pipecat import FacetalkVideoService
from facetalk.io import load_image, synthesize_speech
from facetalk.pipeline import Animator

AUDIO_OUT_RATE_HZ = 24000
LINES = ("Hello! I am a photo that talks, rendered on this computer's CPU.",
         "My voice comes from espeak, and my face from facetalk, through a Pipecat pipeline.",
         "Put a speech recogniser and a language model in front of me, and we can have a conversation.")

PAGE = """<!doctype html><meta charset="utf-8"><title>facetalk + Pipecat</title>
<button id="go">Connect</button> <span id="state"></span><br><video id="v" autoplay playsinline></video>
<script>
document.getElementById("go").onclick = async () => {
  const pc = new RTCPeerConnection({iceServers: []});  // loopback / LAN only: no STUN
  const stream = new MediaStream();
  document.getElementById("v").srcObject = stream;
  pc.ontrack = (e) => stream.addTrack(e.track);
  pc.onconnectionstatechange = () => document.getElementById("state").textContent = pc.connectionState;
  pc.addTransceiver("audio", {direction: "sendrecv"});  // SmallWebRTC expects both; we send silence
  pc.addTransceiver("video", {direction: "sendrecv"});
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((done) => {  // non-trickle: wait for all candidates
    if (pc.iceGatheringState === "complete") return done();
    pc.onicegatheringstatechange = () => pc.iceGatheringState === "complete" && done();
  });
  const answer = await (await fetch("/api/offer", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({sdp: pc.localDescription.sdp, type: pc.localDescription.type})})).json();
  await pc.setRemoteDescription(answer);
};
</script>"""


class EspeakTTSService(TTSService):
    """Pipecat TTS on espeak-ng, offline: the whole sentence at once, sent in 20 ms frames."""

    def __init__(self, *, lang: str = "en", **kwargs):
        super().__init__(push_start_frame=True, push_stop_frames=True,
                         settings=TTSSettings(model=None, voice=lang, language=None), **kwargs)
        self._lang = lang

    async def run_tts(self, text: str, context_id: str) -> AsyncGenerator[Frame, None]:
        speech = await asyncio.to_thread(synthesize_speech, text, lang=self._lang, sr=self.sample_rate)
        pcm = np.round(np.clip(speech, -1, 1) * 32767).astype(np.int16)
        step = self.sample_rate // 50
        for i in range(0, len(pcm), step):
            yield TTSAudioRawFrame(audio=pcm[i:i + step].tobytes(), sample_rate=self.sample_rate, num_channels=1,
                                   context_id=context_id)


async def run_bot(connection: SmallWebRTCConnection, animator: Animator) -> None:
    """One call: TTS -> face -> the peer, saying LINES when the peer connects."""
    width, height = animator.size
    transport = SmallWebRTCTransport(webrtc_connection=connection, params=TransportParams(
        audio_out_enabled=True, video_out_enabled=True, video_out_is_live=False,  # FacetalkVideoService paces
        video_out_width=width, video_out_height=height, video_out_framerate=animator.fps))
    worker = PipelineWorker(Pipeline([EspeakTTSService(), FacetalkVideoService(animator=animator),
                                      transport.output()]),
                            params=PipelineParams(audio_out_sample_rate=AUDIO_OUT_RATE_HZ))

    @transport.event_handler("on_client_connected")
    async def greet(_transport, _client):
        await worker.queue_frames([TTSSpeakFrame(line) for line in LINES])

    @transport.event_handler("on_client_disconnected")
    async def leave(_transport, _client):
        await worker.cancel(reason="the peer left")  # nobody to play the rest of the speech to

    runner = WorkerRunner(handle_sigint=False)  # uvicorn handles Ctrl-C
    await runner.add_workers(worker)
    await runner.run()


def make_app(animator: Animator) -> FastAPI:
    app = FastAPI()
    calls: set[asyncio.Task] = set()

    @app.get("/")
    async def page() -> HTMLResponse:
        return HTMLResponse(PAGE)

    @app.post("/api/offer")
    async def offer(body: dict) -> dict:
        connection = SmallWebRTCConnection(ice_servers=[])  # explicitly none: nothing leaves the machine
        await connection.initialize(sdp=body["sdp"], type=body["type"])
        call = asyncio.create_task(run_bot(connection, animator))
        calls.add(call)
        call.add_done_callback(calls.discard)
        return connection.get_answer()

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--image", required=True, help="the portrait to animate")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7861)
    args = parser.parse_args()
    animator = Animator(load_image(args.image), source=args.image)
    uvicorn.run(make_app(animator), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
