"""The live stream over a WebSocket: PCM chunks in, timestamped JPEG frames out.

Protocol (also in the OpenAPI description):
  client -> {"type": "start", "avatar_id": ID, "controls": {...}, "sample_rate": 16000, "format": "s16le"|"f32le"}
  server -> {"type": "ready", "fps", "width", "height", "sample_rate", "lookahead_s"}
  client -> binary: mono PCM chunks at sample_rate (20-40 ms each suits; at most 1 s)
  server -> binary per frame: uint32 LE frame index, float64 LE time in s (12 bytes), then a JPEG
  client -> {"type": "end"};  server -> the last frames, {"type": "end", "frames": N}, close 1000
  on bad input: {"type": "error", "message": ...} then close 1003/1008/1009, or 1013 when full.
"""

from __future__ import annotations

import asyncio
import json
import struct

import anyio
import numpy as np
from starlette.websockets import WebSocket, WebSocketDisconnect

from facetalk import jsontext
from facetalk.server.controls import controls_from_json
from facetalk.server.media import encode_jpeg

FRAME_HEADER = struct.Struct("<Id")
_FORMATS = {"s16le": np.dtype("<i2"), "f32le": np.dtype("<f4")}
MAX_CHUNK_S = 1.0

# Close codes (RFC 6455): 1003 data of a kind not accepted, 1008 policy (bad or unknown input),
# 1009 message too big, 1013 try again later.
UNSUPPORTED, POLICY, TOO_BIG, TRY_LATER = 1003, 1008, 1009, 1013


class _Refused(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code


async def stream_endpoint(ws: WebSocket, state) -> None:
    await ws.accept()
    if state.live_sessions >= state.settings.max_sessions:
        await _refuse(ws, _Refused(TRY_LATER, f"{state.live_sessions} live sessions already run "
                                              "(the limit); try again later"))
        return
    state.live_sessions += 1
    try:
        await _serve(ws, state)
    except _Refused as err:
        await _refuse(ws, err)
    except WebSocketDisconnect:
        pass
    finally:
        state.live_sessions -= 1


async def _serve(ws: WebSocket, state) -> None:
    settings = state.settings
    start = _json(await _receive(ws, settings.idle_timeout_s))
    if start.get("type") != "start":
        raise _Refused(POLICY, 'the first message must be {"type": "start", "avatar_id": ...}')
    avatar = state.avatars.get(str(start.get("avatar_id")))
    if avatar is None:
        raise _Refused(POLICY, f"unknown avatar id '{str(start.get('avatar_id'))[:40]}'; upload the photo again")
    try:
        controls = controls_from_json(start.get("controls", {}))
    except ValueError as err:
        raise _Refused(POLICY, str(err)) from None
    dtype = _FORMATS.get(str(start.get("format", "s16le")))
    if dtype is None:
        raise _Refused(POLICY, f"format must be one of {', '.join(_FORMATS)}")
    session = avatar.animator.open_stream(controls)
    sr = session.sample_rate
    if start.get("sample_rate", sr) != sr:
        raise _Refused(POLICY, f"sample_rate must be {sr} (mono PCM at {sr} Hz)")
    width, height = avatar.animator.size
    await ws.send_json({"type": "ready", "fps": avatar.animator.fps, "width": width, "height": height,
                        "sample_rate": sr, "lookahead_s": session.lookahead_s})

    max_samples = int(settings.max_stream_s * sr)
    quality = settings.jpeg_quality

    def encoded(frames):
        return [FRAME_HEADER.pack(f.index, f.t_s) + encode_jpeg(f.image, quality) for f in frames]

    n_sent = 0
    while True:
        message = await _receive(ws, settings.idle_timeout_s)
        ending = message.get("bytes") is None
        if ending:
            if _json(message).get("type") != "end":
                raise _Refused(POLICY, 'after "start", send binary PCM chunks, then {"type": "end"}')
            out = await anyio.to_thread.run_sync(lambda: encoded(session.close()))
        else:
            data = message["bytes"]
            if len(data) > MAX_CHUNK_S * sr * dtype.itemsize:
                raise _Refused(TOO_BIG, f"a chunk of {len(data)} bytes is over {MAX_CHUNK_S:g} s of audio")
            if len(data) % dtype.itemsize:
                raise _Refused(UNSUPPORTED, f"a chunk of {len(data)} bytes is not whole {dtype.itemsize}-byte samples")
            pcm = np.frombuffer(data, dtype)
            if session.n_samples + len(pcm) > max_samples:
                raise _Refused(POLICY, f"the stream is over the {settings.max_stream_s:g} s limit")
            if dtype.kind == "f" and not np.all(np.isfinite(pcm)):
                raise _Refused(UNSUPPORTED, "a chunk holds NaN or infinite samples")
            # Rendering is CPU work outside the event loop, so other sessions keep flowing.
            out = await anyio.to_thread.run_sync(lambda: encoded(session.push(pcm)))
        for frame in out:
            await ws.send_bytes(frame)
        n_sent += len(out)
        if ending:
            await ws.send_json({"type": "end", "frames": n_sent})
            await ws.close(1000)
            return


async def _receive(ws: WebSocket, timeout_s: float) -> dict:
    try:
        message = await asyncio.wait_for(ws.receive(), timeout_s)
    except asyncio.TimeoutError:
        raise _Refused(POLICY, f"nothing received for {timeout_s:g} s") from None
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    return message


def _json(message: dict) -> dict:
    if message.get("text") is None:
        raise _Refused(UNSUPPORTED, "expected a JSON text message here, got binary data")
    try:
        value = jsontext.loads(message["text"])
    except json.JSONDecodeError:
        raise _Refused(UNSUPPORTED, "a text message is not valid JSON") from None
    except ValueError as err:  # nested too deep
        raise _Refused(POLICY, f"a text message is refused: {err}") from None
    if not isinstance(value, dict):
        raise _Refused(UNSUPPORTED, "a text message must be a JSON object")
    return value


async def _refuse(ws: WebSocket, err: _Refused) -> None:
    try:
        await ws.send_json({"type": "error", "message": str(err)})
        await ws.close(err.code)
    except (WebSocketDisconnect, RuntimeError):
        pass  # the client is already gone
