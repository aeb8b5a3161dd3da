"""The live stream: PCM chunks in, timestamped JPEG frames out; bad input closes with a reason."""

import json
import struct

import cv2
import numpy as np
import pytest
from starlette.websockets import WebSocketDisconnect

from facetalk.pipeline import n_frames_for

SR = 16000


def _start(ws, avatar_id, **extra):
    ws.send_json({"type": "start", "avatar_id": avatar_id, **extra})
    return ws.receive_json()


def _frames_until_end(ws):
    frames = []
    while True:
        message = ws.receive()
        if message.get("bytes") is not None:
            index, t_s = struct.unpack_from("<Id", message["bytes"])
            frames.append((index, t_s, message["bytes"][12:]))
        else:
            return frames, json.loads(message["text"])


def _refusal(ws) -> tuple[str, int]:
    """The error message and the close code that follows it."""
    error = ws.receive_json()
    assert error["type"] == "error"
    with pytest.raises(WebSocketDisconnect) as closed:
        ws.receive_bytes()
    return error["message"], closed.value.code


def test_stream_sends_each_frame_with_its_time(client, avatar_id, speech):
    pcm = np.round(speech * 32767).astype("<i2")
    with client.websocket_connect("/api/stream") as ws:
        ready = _start(ws, avatar_id, controls={"seed": 2}, sample_rate=SR, format="s16le")
        assert ready == {"type": "ready", "fps": 25, "width": 512, "height": 512, "sample_rate": SR,
                         "lookahead_s": pytest.approx(0.052)}
        for start in range(0, len(pcm), 320):  # 20 ms chunks
            ws.send_bytes(pcm[start:start + 320].tobytes())
        ws.send_json({"type": "end"})
        received, end = _frames_until_end(ws)
    n = n_frames_for(len(pcm), sr=SR, fps=25)
    assert end == {"type": "end", "frames": n}
    assert [i for i, _, _ in received] == list(range(n))
    assert [t for _, t, _ in received] == pytest.approx(np.arange(n) / 25)
    image = cv2.imdecode(np.frombuffer(received[n // 2][2], np.uint8), cv2.IMREAD_COLOR)
    assert image.shape == (512, 512, 3)


def test_float_pcm_is_accepted(client, avatar_id):
    with client.websocket_connect("/api/stream") as ws:
        assert _start(ws, avatar_id, format="f32le")["type"] == "ready"
        ws.send_bytes(np.zeros(1120, "<f4").tobytes())  # 70 ms: frame 0 is ready
        index, t_s = struct.unpack_from("<Id", ws.receive_bytes())
        assert (index, t_s) == (0, 0.0)


@pytest.mark.parametrize("start, words", [
    ({"type": "start", "avatar_id": "nope"}, "unknown avatar"),
    ({"type": "hello"}, "first message"),
    ({"type": "start", "avatar_id": "AVATAR", "controls": {"head_motion": -1}}, "head_motion"),
    ({"type": "start", "avatar_id": "AVATAR", "controls": {"wings": 2}}, "unknown control"),
    ({"type": "start", "avatar_id": "AVATAR", "sample_rate": 44100}, "sample_rate must be 16000"),
    ({"type": "start", "avatar_id": "AVATAR", "format": "mp3"}, "format"),
    ({"type": "start", "avatar_id": "AVATAR", "format": ["s16le"]}, "format"),
])
def test_bad_start_messages_are_refused(client, avatar_id, start, words):
    with client.websocket_connect("/api/stream") as ws:
        ws.send_text(json.dumps(start).replace("AVATAR", avatar_id))
        message, code = _refusal(ws)
    assert words in message and code == 1008


@pytest.mark.parametrize("send, words, code", [
    (lambda ws: ws.send_text("not json"), "not valid JSON", 1003),
    (lambda ws: ws.send_bytes(b"\x00\x01"), "expected a JSON text message", 1003),
])
def test_bad_first_frames_are_refused(client, send, words, code):
    with client.websocket_connect("/api/stream") as ws:
        send(ws)
        message, closed = _refusal(ws)
    assert words in message and closed == code


@pytest.mark.parametrize("chunk, words, code", [
    (b"\x00\x01\x02", "not whole 2-byte samples", 1003),
    (bytes(2 * SR + 2), "over 1 s of audio", 1009),
    (json.dumps({"type": "pause"}), "then {\"type\": \"end\"}", 1008),
])
def test_bad_chunks_are_refused(client, avatar_id, chunk, words, code):
    with client.websocket_connect("/api/stream") as ws:
        _start(ws, avatar_id)
        ws.send_bytes(chunk) if isinstance(chunk, bytes) else ws.send_text(chunk)
        message, closed = _refusal(ws)
    assert words in message and closed == code


def test_stream_length_is_limited(client, avatar_id):
    with client.websocket_connect("/api/stream") as ws:
        _start(ws, avatar_id)
        for _ in range(5):  # max_stream_s = 4: the fifth second is refused
            ws.send_bytes(np.zeros(SR, "<i2").tobytes())
        frames, error = _frames_until_end(ws)
    assert error["type"] == "error" and "over the 4 s limit" in error["message"]
    assert len(frames) == 99  # every frame whose audio (+ 52 ms look-ahead) came within the 4 s


def test_sessions_are_limited(client, avatar_id):
    with client.websocket_connect("/api/stream") as first, client.websocket_connect("/api/stream") as second:
        assert _start(first, avatar_id)["type"] == _start(second, avatar_id)["type"] == "ready"
        with client.websocket_connect("/api/stream") as third:
            message, code = _refusal(third)
        assert "try again later" in message and code == 1013
    # Closed sessions free their places.
    with client.websocket_connect("/api/stream") as again:
        assert _start(again, avatar_id)["type"] == "ready"


def test_other_sites_pages_cannot_stream(client):
    with pytest.raises(WebSocketDisconnect) as refused:
        with client.websocket_connect("/api/stream", headers={"Origin": "http://evil.example"}):
            pass
    assert refused.value.code == 1008
