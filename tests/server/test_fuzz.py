"""Malformed uploads, controls, text and stream messages thrown at the server (a seeded corpus,
see conftest.FuzzCorpus): always a 4xx with a one-line detail (or success), never a 500, and no
upload left in the work folder."""

import json
import random

import pytest
from starlette.websockets import WebSocketDisconnect


@pytest.fixture(scope="module")
def client(face_models):
    """The server with the real face models: how they take the fuzzed photos is part of what is
    tested (the other server tests' fakes know only the bundled portrait)."""
    from fastapi.testclient import TestClient

    from facetalk.server import create_app
    from tests.server.conftest import LIMITS

    with TestClient(create_app(LIMITS, detector=face_models.detector, segmenter=face_models.segmenter)) as test_client:
        yield test_client


def test_server_answers_malformed_requests_with_4xx(client, avatar_id, tmp_path, fuzz):
    rng = random.Random(fuzz.SEED + 2)
    png, wav = fuzz.valid_png(), fuzz.valid_wav(tmp_path)
    for i in range(fuzz.N_CASES // 2):
        for path, field, valid in (("/api/avatars", "photo", png), ("/api/verify", "file", wav)):
            r = client.post(path, files={field: (f"f{i}", fuzz.mutate(valid, rng))})
            assert r.status_code < 500, (path, r.text)
            if r.status_code >= 400:
                assert "\n" not in r.json()["detail"], r.text
    for text in fuzz.json_cases(rng)[:fuzz.N_CASES // 2]:
        r = client.post("/api/jobs", data={"avatar_id": avatar_id, "text": "hi", "controls": text})
        assert r.status_code in (202, 422, 429), (text[:80], r.text)
    for text in ["a\x00b", "\x1b[31m", "\x7f" * 5, "\u202e evil", " "]:
        r = client.post("/api/speech", json={"text": text, "lang": "en"})
        assert r.status_code in (200, 422), (text, r.text)
    assert client.post("/api/speech", json={"text": "a\x00b"}).status_code == 422
    assert not list(client.app.state.facetalk.workdir.glob("upload-*"))


def test_stream_refuses_malformed_messages(client, fuzz):
    rng = random.Random(fuzz.SEED + 3)
    for i, text in enumerate(fuzz.json_cases(rng)[:12]):
        with client.websocket_connect("/api/stream") as ws:
            ws.send_text(text if i % 3 != 1 else rng.randbytes(50).decode("latin-1"))
            try:
                message = ws.receive()
            except WebSocketDisconnect:
                continue
            if message["type"] == "websocket.send" and message.get("text"):
                reply = json.loads(message["text"])
                assert reply["type"] in ("error", "ready") and "Traceback" not in message["text"]


def test_findings_of_the_adversarial_pass(client, avatar_id):
    """Each was a 500 or an accepted job that then failed: now a 422 with the reason."""
    import numpy as np

    deep = "[" * 5000 + "]" * 5000
    r = client.post("/api/jobs", data={"avatar_id": avatar_id, "text": "hi", "controls": deep})
    assert r.status_code == 422 and "nested deeper than 32" in r.json()["detail"]
    r = client.post("/api/jobs", data={"avatar_id": avatar_id, "text": "a\x00b"})
    assert r.status_code == 422 and "control characters" in r.json()["detail"]
    samples = np.zeros(8000, "<f4")
    samples[10] = np.nan
    nan_wav = (b"RIFF" + (36 + samples.nbytes).to_bytes(4, "little") + b"WAVEfmt " + (16).to_bytes(4, "little")
               + (3).to_bytes(2, "little") + (1).to_bytes(2, "little") + (16000).to_bytes(4, "little")
               + (64000).to_bytes(4, "little") + (4).to_bytes(2, "little") + (32).to_bytes(2, "little")
               + b"data" + samples.nbytes.to_bytes(4, "little") + samples.tobytes())
    r = client.post("/api/jobs", data={"avatar_id": avatar_id}, files={"audio": ("nan.wav", nan_wav)})
    assert r.status_code == 422 and "NaN or infinite" in r.json()["detail"]
    with client.websocket_connect("/api/stream") as ws:
        ws.send_text(deep)
        reply = json.loads(ws.receive_text())
        assert reply["type"] == "error" and "nested deeper" in reply["message"]
