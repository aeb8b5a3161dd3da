"""examples/pipecat_agent.py as a user runs it (Pipecat's SmallWebRTC transport, espeak-ng TTS,
FacetalkVideoService), with an aiortc peer in place of the browser page. Real peer connections run
only inside a network namespace the test makes (as root, as tests/server/test_webrtc.py does), where
the only interfaces are `lo` and a veth pair with both ends inside: no packet leaves the machine.
The `netns_test_*` function runs only there."""

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from tests.netns import NETNS_ENV, NETNS_INTERFACES, NETNS_SETUP, netns_unavailable

pytest.importorskip("pipecat", reason="Pipecat is not installed (pip install 'facetalk[pipecat]'; make test does)")
pytest.importorskip("aiortc", reason="needs aiortc (pip install 'facetalk[webrtc]')")

REPO = Path(__file__).resolve().parents[2]
LISTEN_S = 10.0  # the agent's first line lasts about 4 s; then it idles




@pytest.mark.slow
def test_the_example_agent_talks_over_smallwebrtc_in_a_network_namespace():
    reason = netns_unavailable()
    if reason:
        pytest.skip(reason)
    run = subprocess.run(
        ["unshare", "--net", "sh", "-c", f'{NETNS_SETUP} && exec "$@"', "netns", sys.executable, "-m", "pytest",
         "-q", "-rsP", "-p", "no:cacheprovider", "-o", "python_functions=netns_test_*", __file__],
        env={**os.environ, NETNS_ENV: "1"}, capture_output=True, text=True, timeout=600, cwd=REPO)
    print(run.stdout[-4000:])
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]


@pytest.fixture
def agent(tmp_path):
    """The example, started as its README says, on a free loopback port; yields its base URL."""
    import ifaddr

    names = {a.nice_name for a in ifaddr.get_adapters()}
    if os.environ.get(NETNS_ENV) != "1" or not names <= NETNS_INTERFACES:
        pytest.fail(f"netns_test_* run only inside the namespace (interfaces here: {sorted(names)})")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "examples/pipecat_agent.py", "--image", "src/facetalk/data/astronaut.jpg", "--port", str(port)]
    log = (tmp_path / "agent.log").open("wb")  # Pipecat logs a lot: a pipe could fill and stall it
    process = subprocess.Popen(command, cwd=REPO, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, (tmp_path / "agent.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the example did not start serving"
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


async def _call(base: str) -> tuple[list, np.ndarray]:
    """Connects as the example's page does; returns the video frames (RGB) and the audio (mono
    48 kHz int16) received over LISTEN_S."""
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    from aiortc.mediastreams import MediaStreamError

    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    tracks = {}
    pc.on("track", lambda track: tracks.setdefault(track.kind, track))
    pc.addTransceiver("audio", direction="sendrecv")
    pc.addTransceiver("video", direction="sendrecv")
    await pc.setLocalDescription(await pc.createOffer())  # aiortc gathers every candidate here
    body = json.dumps({"sdp": pc.localDescription.sdp, "type": pc.localDescription.type}).encode()
    request = urllib.request.Request(base + "/api/offer", data=body, headers={"Content-Type": "application/json"})
    answer = json.loads(await asyncio.to_thread(lambda: urllib.request.urlopen(request, timeout=60).read()))
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type=answer["type"]))
    frames, sound = [], []

    async def take(kind, sink, convert):
        with_end = time.monotonic() + LISTEN_S
        try:
            while time.monotonic() < with_end:
                sink.append(convert(await asyncio.wait_for(tracks[kind].recv(), 10)))
        except MediaStreamError:
            pass

    while len(tracks) < 2:
        await asyncio.sleep(0.05)
    await asyncio.gather(take("video", frames, lambda f: f.to_ndarray(format="rgb24")),
                         take("audio", sound, lambda f: f.to_ndarray().reshape(-1, len(f.layout.channels))[:, 0]))
    await pc.close()
    return frames, np.concatenate(sound)


def netns_test_the_agent_speaks_with_a_face(agent):
    from facetalk.provenance import detect

    frames, sound = asyncio.run(_call(agent))
    seconds = len(sound) / 48000
    loud = np.sqrt(np.mean(sound[: len(sound) // 480 * 480].reshape(-1, 480).astype(float) ** 2, axis=1)) > 300
    print(f"{len(frames)} video frames, {seconds:.1f} s of audio ({loud.mean() * seconds:.1f} s of it speech)")
    # Pipecat draws the latest image at 25 fps; on a loaded CPU its encoder sends fewer.
    assert len(frames) >= 0.5 * 25 * LISTEN_S and frames[0].shape == (512, 512, 3)
    assert seconds >= 0.8 * LISTEN_S and loud.mean() * seconds >= 2.0, "the agent did not speak"
    assert detect(np.array(frames[::10])).watermark, "the frames do not carry the watermark"
    # The face moves (speaking, then idling): not a still image.
    assert np.abs(frames[-1].astype(float) - frames[len(frames) // 2]).mean() > 0.3
