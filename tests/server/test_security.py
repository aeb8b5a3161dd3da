"""Who may drive the server: Host names (DNS rebinding), Origin, the token, security headers,
stalled bodies, and `facetalk serve` refusing to listen beyond loopback without a token."""

import asyncio
import json

import pytest
from starlette.websockets import WebSocketDisconnect

from facetalk.cli import main
from facetalk.server import ServerSettings, create_app
from facetalk.server.security import allowed_hosts, is_loopback

TOKEN = "s3cret-token"
# `facetalk serve` readies the WebRTC render processes at startup (webrtc_warm_start); these apps
# do not: nothing here streams, and each start is a process that imports and loads every compiled
# kernel (test_render_pool and test_serve_stops_quietly_on_sigterm start them).
UNWARMED = {"webrtc_warm_start": False}


@pytest.fixture(scope="module")
def local():
    """A server as `facetalk serve` starts it by default (but UNWARMED), addressed as http://127.0.0.1:8000."""
    from fastapi.testclient import TestClient

    with TestClient(create_app(ServerSettings(**UNWARMED)), base_url="http://127.0.0.1:8000") as client:
        yield client


@pytest.fixture(scope="module")
def guarded():
    """A server with a token that also answers to the name facetalk.lan."""
    from fastapi.testclient import TestClient

    app = create_app(ServerSettings(host="0.0.0.0", allowed_hosts=("facetalk.lan",), token=TOKEN, **UNWARMED))
    with TestClient(app, base_url="http://facetalk.lan:8000") as client:
        yield client


def test_dns_rebinding_is_refused(local):
    """A page on evil.example whose name resolves to 127.0.0.1 sends its own Host and Origin."""
    rebound = {"Host": "evil.example:8000", "Origin": "http://evil.example:8000"}
    response = local.post("/api/avatars/sample", headers=rebound)
    assert response.status_code == 400 and "evil.example" in response.json()["detail"]
    assert local.get("/", headers={"Host": "evil.example:8000"}).status_code == 400
    with pytest.raises(WebSocketDisconnect) as refused:
        with local.websocket_connect("/api/stream", headers=rebound):
            pass
    assert refused.value.code == 1008 and "evil.example" in refused.value.reason


@pytest.mark.parametrize("host", ["localhost:8000", "127.0.0.1:8000", "[::1]:8000"])
def test_loopback_names_are_served(local, host):
    assert local.get("/api/info", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("origin", ["http://evil.example:8000", "http://127.0.0.1:9999", "null", "garbage"])
def test_origin_must_be_this_server(local, origin):
    response = local.get("/api/info", headers={"Origin": origin})
    assert response.status_code == 403 and "cross-site" in response.json()["detail"]


def test_same_origin_page_is_served(local):
    assert local.get("/api/info", headers={"Origin": "http://127.0.0.1:8000"}).status_code == 200
    assert local.get("/api/info", headers={"Origin": "http://localhost:8000"}).status_code == 200


def test_allowed_host_names():
    assert allowed_hosts("0.0.0.0") == {"localhost", "127.0.0.1", "::1"}
    assert allowed_hosts("192.168.1.5", ("Box.LAN",)) == {"localhost", "127.0.0.1", "::1", "192.168.1.5", "box.lan"}
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost") and is_loopback("127.1.2.3")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5") and not is_loopback("example.com")


def test_token_is_required_on_every_api_route(guarded):
    for method, path in [("get", "/api/info"), ("get", "/api/controls"), ("post", "/api/avatars/sample"),
                         ("get", "/api/jobs/x"), ("get", "/api/avatars/sample/image"), ("get", "/api/webrtc/config"),
                         ("post", "/api/webrtc/offer"), ("delete", "/api/webrtc/x")]:
        response = getattr(guarded, method)(path)
        assert response.status_code == 401, path
        assert response.headers["www-authenticate"] == "Bearer" and "token" in response.json()["detail"]
        wrong = getattr(guarded, method)(path, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401, path
    assert guarded.get("/api/info", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert guarded.get(f"/api/info?token={TOKEN}").status_code == 200  # <img>, <video>: no headers
    # The page itself and its files load without the token; it asks for it.
    assert guarded.get("/").status_code == 200 and guarded.get("/static/app.js").status_code == 200


def test_token_on_the_websocket(guarded):
    with pytest.raises(WebSocketDisconnect) as refused:
        with guarded.websocket_connect("ws://facetalk.lan:8000/api/stream"):
            pass
    assert refused.value.code == 1008 and "token" in refused.value.reason
    with guarded.websocket_connect(f"ws://facetalk.lan:8000/api/stream?token={TOKEN}") as ws:
        ws.send_text(json.dumps({"type": "start", "avatar_id": "none", "controls": {}, "sample_rate": 16000}))
        assert "unknown avatar" in json.loads(ws.receive_text())["message"]


def test_extra_allowed_host_and_others(guarded):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert guarded.get("/api/info", headers=auth).status_code == 200  # Host: facetalk.lan:8000
    assert guarded.get("/api/info", headers={**auth, "Host": "other.lan:8000"}).status_code == 400
    # A wildcard bind address is not a name anyone may send.
    assert guarded.get("/api/info", headers={**auth, "Host": "0.0.0.0:8000"}).status_code == 400


def test_security_headers(local):
    for path in ("/", "/api/info", "/static/app.js", "/api/jobs/unknown"):
        headers = local.get(path).headers
        policy = headers["content-security-policy"]
        script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "frame-ancestors 'none'" in policy, path
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff", path


def test_the_page_has_no_inline_script(local):
    """CSP forbids inline script, so the page must work without any."""
    import re

    index = local.get("/").text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", index)
    assert not re.search(r"\son[a-z]+\s*=", index)  # no inline event handlers either


def test_stalled_body_gets_408():
    """A client that sends headers and part of a body, then nothing, is answered and let go."""
    app = create_app(ServerSettings(body_timeout_s=0.3))
    sent = []

    async def receive():
        if not sent:
            sent.append(1)
            return {"type": "http.request", "body": b'{"text": ', "more_body": True}
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/speech", "raw_path": b"/api/speech", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1:8000"), (b"content-type", b"application/json"),
                         (b"content-length", b"100")], "client": ("127.0.0.1", 5), "server": ("127.0.0.1", 8000)}
    asyncio.run(asyncio.wait_for(app(scope, receive, send), 10))
    start = next(m for m in sent[1:] if m["type"] == "http.response.start")
    assert start["status"] == 408


@pytest.mark.parametrize("argv, words", [
    (["serve", "--host", "0.0.0.0"], "--token"),
    (["serve", "--host", "192.168.77.1"], "lets anyone"),
    (["serve", "--allowed-host", "http://x.lan/"], "--allowed-host takes a host name"),
])
def test_serve_refuses_to_listen_openly_without_a_token(capsys, monkeypatch, argv, words):
    monkeypatch.delenv("FACETALK_TOKEN", raising=False)
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and words in err


def test_a_long_download_is_not_cut_by_the_body_timeout():
    """The body timeout is for the request's body: after it, a response may wait on receive() (for
    a disconnect, as FileResponse does while it streams a large MP4) as long as it needs."""
    from facetalk.server.app import BodyLimit

    async def slow_app(scope, receive, send):
        await receive()  # the (complete) body
        await send({"type": "http.response.start", "status": 200, "headers": []})
        message = await receive()  # waits past the timeout for the client to go
        await send({"type": "http.response.body", "body": message["type"].encode()})

    sent = []
    calls = []

    async def receive():
        calls.append(1)
        if len(calls) == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.sleep(0.5)
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/x", "headers": [], "query_string": b""}
    asyncio.run(BodyLimit(slow_app, limit=1000, timeout_s=0.1)(scope, receive, send))
    assert sent[0]["status"] == 200 and sent[1]["body"] == b"http.disconnect"


def test_serve_stops_quietly_on_sigterm():
    """`facetalk serve` ends on SIGTERM (a service manager's stop) with exit 0, after uvicorn's
    graceful shutdown, not with an error line."""
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "facetalk.cli", "serve", "--port", str(port)],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/info", timeout=1).read()
            break
        except OSError:
            time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    err = proc.communicate(timeout=30)[1]
    assert proc.returncode == 0 and "stopped" not in err and "error" not in err, err


def test_half_open_connections_are_closed(serve):
    """A connection that sends nothing, or half a request head, is closed at the head deadline;
    a complete request on the same server is answered."""
    import socket
    import time
    import urllib.request

    from facetalk.server.protocol import header_timeout_protocol

    with serve(create_app(ServerSettings(**UNWARMED)), http=header_timeout_protocol(1.0)) as base:
        port = int(base.rsplit(":", 1)[1])
        for sent in (b"", b"GET /api/info HTTP/1.1\r\nHost: 127.0.0.1\r\n"):
            with socket.create_connection(("127.0.0.1", port)) as conn:
                conn.sendall(sent)
                conn.settimeout(10)
                start = time.monotonic()
                assert conn.recv(100) == b""  # closed by the server, no answer
                assert time.monotonic() - start < 5
        assert urllib.request.urlopen(base + "/api/info", timeout=10).status == 200
