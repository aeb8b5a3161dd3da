"""A server with small limits, so that each limit is cheap to hit, and the sample avatar in it;
`served` runs an app on a real loopback port."""

import contextlib

import pytest

from facetalk.server import ServerSettings, create_app

LIMITS = ServerSettings(max_upload_bytes=300_000, max_image_pixels=1_000_000, max_audio_s=8.0, max_stream_s=4.0,
                        max_text_chars=300, max_jobs=1, max_sessions=2, idle_timeout_s=5.0, max_verify_s=3.0,
                        allowed_hosts=("testserver",),  # the test client's Host
                        webrtc_warm_start=False)  # the render processes start at the first offer (test_render_pool)


@pytest.fixture(scope="module")
def client(fake_face_models):
    """The app with the fake face models (tests/fakes.py): the server's avatars are the bundled
    portrait, uploaded or as the sample, and blank photos; tests/face tests the real models."""
    from fastapi.testclient import TestClient

    detector, segmenter = fake_face_models.get()
    with TestClient(create_app(LIMITS, detector=detector, segmenter=segmenter)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def avatar_id(client) -> str:
    response = client.post("/api/avatars/sample")
    assert response.status_code == 201, response.text
    return response.json()["avatar_id"]


@pytest.fixture(scope="session")
def serve():
    """`with serve(app) as base_url:` runs the app on a real loopback port (see served)."""
    return served


@contextlib.contextmanager
def served(app, **uvicorn_options):
    """`app` on a free loopback port in a uvicorn thread, for tests that need a real server
    (browsers, WebRTC peers); yields its base URL and stops it after."""
    import socket
    import threading
    import time

    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", **uvicorn_options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
