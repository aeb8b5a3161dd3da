"""The FastAPI app, assembled: middleware (security.py: hosts, token, headers; BodyLimit here)
and one router per resource (routes/: the page and info, avatars, speech, jobs, verify, the
WebSocket stream, WebRTC). Every limit is in ServerSettings (state.py)."""

from __future__ import annotations

from contextlib import asynccontextmanager

import anyio
from fastapi import FastAPI, HTTPException
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import Headers

from facetalk import __version__
from facetalk.face.mesh import FaceDetector, Segmenter
from facetalk.server.routes import avatars, info, jobs, speech, stream_ws, verify
from facetalk.server.routes.info import STATIC
from facetalk.server.routes.webrtc import WebRtcRoutes
from facetalk.server.security import HostGuard, SecurityHeaders, TokenGuard, allowed_hosts
from facetalk.server.settings import ServerSettings
from facetalk.server.state import ServerState

__all__ = ["ServerSettings", "create_app"]

DESCRIPTION = """
One portrait photo + speech -> a talking face, rendered on the CPU.

1. `POST /api/avatars` a photo (or `POST /api/avatars/sample`) -> `avatar_id`.
2. Either `POST /api/jobs` audio or text -> `job_id`; poll `GET /api/jobs/{job_id}`; fetch
   `GET /api/jobs/{job_id}/video` when its status is `done`;
3. or stream live over the WebSocket `/api/stream`: send
   `{"type": "start", "avatar_id": ..., "controls": {...}, "sample_rate": 16000, "format": "s16le"}`,
   wait for `{"type": "ready", ...}`, then send binary mono PCM chunks (20-40 ms) and receive one
   binary message per frame: uint32 LE index, float64 LE time in seconds, then the JPEG. Send
   `{"type": "end"}` to get the last frames and `{"type": "end", "frames": N}`.
4. or over WebRTC: `POST /api/webrtc/offer` `{"sdp", "type": "offer", "avatar_id", "controls"}`
   (one audio track sendrecv, one video track recvonly; candidates gathered first, no trickle)
   -> `{"sdp", "type": "answer", "session_id"}`: the avatar's video and the speech come back in
   sync. `DELETE /api/webrtc/{session_id}` ends it.

`GET /api/controls` lists the controls a render or stream accepts. `POST /api/verify` a video or
image to learn whether facetalk generated it (its invisible watermark and metadata tag).
"""


class BodyLimit:
    """ASGI middleware: 413 with a JSON message for a request body over `limit` bytes, before
    reading it when its Content-Length says so, else as soon as the bytes read pass the limit."""

    def __init__(self, app, limit: int, timeout_s: float):
        self.app = app
        self.limit = limit
        self.timeout_s = timeout_s

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        too_large = HTTPException(413, f"the request is larger than {self.limit / 2**20:.1f} MiB")
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.limit:
            response = JSONResponse({"detail": too_large.detail}, status_code=413)
            return await response(scope, receive, send)
        total = 0
        body_done = False

        async def limited_receive():
            nonlocal total, body_done
            if body_done:  # after the body, receive() waits for a disconnect (a long download): no timeout
                return await receive()
            with anyio.move_on_after(self.timeout_s) as waited:
                message = await receive()
            if waited.cancelled_caught:  # a client that stops sending mid-body holds no worker
                raise HTTPException(408, f"the request body stalled for {self.timeout_s:.0f} s")
            body_done = message.get("type") != "http.request" or not message.get("more_body", False)
            total += len(message.get("body", b""))
            if total > self.limit:
                raise too_large  # while the body is parsed, so FastAPI answers it like any HTTPException
            return message

        await self.app(scope, limited_receive, send)


def create_app(settings: ServerSettings = ServerSettings(), *, detector: FaceDetector | None = None,
               segmenter: Segmenter | None = None) -> FastAPI:
    """The app. `detector` and `segmenter` analyse avatars' photos (default: the process's shared
    ones, face.mesh.shared_face_models, loaded at the first avatar and kept after shutdown; given
    ones are left open at shutdown)."""
    state = ServerState(settings, detector=detector, segmenter=segmenter)
    webrtc = WebRtcRoutes(state)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        webrtc.warm_soon()  # the server answers at once; the render processes get ready meanwhile
        yield
        await webrtc.close_all()
        state.close()

    app = FastAPI(title="facetalk", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.facetalk = state
    # Outermost last: the Host is checked before anything else reads the request.
    app.add_middleware(BodyLimit, limit=settings.max_upload_bytes + 64 * 1024,  # multipart adds a little
                       timeout_s=settings.body_timeout_s)
    app.add_middleware(TokenGuard, token=settings.token)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HostGuard, hosts=allowed_hosts(settings.host, settings.allowed_hosts))
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (info, avatars, speech, jobs, verify, stream_ws):
        app.include_router(module.router)
    app.include_router(webrtc.router)
    return app
