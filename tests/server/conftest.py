"""A server with small limits, so that each limit is cheap to hit, and the sample avatar in it."""

import pytest

from facetalk.server import ServerSettings, create_app

LIMITS = ServerSettings(max_upload_bytes=300_000, max_image_pixels=1_000_000, max_audio_s=8.0, max_stream_s=4.0,
                        max_text_chars=300, max_jobs=1, max_sessions=2, idle_timeout_s=5.0, max_verify_s=3.0,
                        allowed_hosts=("testserver",))  # the test client's Host


@pytest.fixture(scope="module")
def client():
    from fastapi.testclient import TestClient

    with TestClient(create_app(LIMITS)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def avatar_id(client) -> str:
    response = client.post("/api/avatars/sample")
    assert response.status_code == 201, response.text
    return response.json()["avatar_id"]
