"""The FastAPI app: avatars (photo -> cached face analysis), render jobs (audio or text -> MP4),
live streams (WebSocket, see websocket.py; WebRTC, see routes/webrtc.py) and the web page. Every
limit is in ServerSettings."""

from __future__ import annotations

import json
import tempfile
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import anyio
from fastapi import FastAPI, File, Form, HTTPException, UploadFile, WebSocket
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict
from starlette.datastructures import Headers

from facetalk import __version__, jsontext
from facetalk.config import Config, FramingConfig
from facetalk.errors import InputError
from facetalk.server import media
from facetalk.server.avatars import Avatar, AvatarStore, make_avatar
from facetalk.server.controls import controls_from_json, controls_schema
from facetalk.server.jobs import Job, JobManager, TooBusy
from facetalk.server.routes.webrtc import WebRtcRoutes
from facetalk.server.security import HostGuard, SecurityHeaders, TokenGuard, allowed_hosts
from facetalk.server.websocket import stream_endpoint

STATIC = Path(__file__).parent / "static"
SAMPLE_ID = "sample"

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


@dataclass(frozen=True)
class ServerSettings:
    size: int = 512                      # frame side of every avatar, in pixels
    max_upload_bytes: int = 20 * 2**20   # one photo or audio file
    max_image_pixels: int = 40_000_000
    max_audio_s: float = 300.0           # a render job's audio
    max_stream_s: float = 600.0          # one live session's audio
    max_verify_s: float = 300.0          # a video to verify
    max_text_chars: int = 2000
    max_avatars: int = 16                # analysed photos kept; the least recently used go first
    max_jobs: int = 4                    # render jobs queued or running (one renders at a time)
    max_finished_jobs: int = 16          # finished MP4s kept for download
    max_sessions: int = 4                # live streams at once
    idle_timeout_s: float = 30.0         # a stream silent this long is closed
    body_timeout_s: float = 30.0         # a request body stalled this long is answered 408
    max_decoding: int = 2                # uploads decoded at once (photos, audio, speech); others wait
    jpeg_quality: int = 80
    host: str = "127.0.0.1"              # the bind address: a name requests may carry in Host
    allowed_hosts: tuple[str, ...] = ()  # further names for Host (and Origin), besides loopback's
    token: str | None = None             # if set, every /api/ request must present it
    ice_servers: tuple[str, ...] = ()    # STUN/TURN URLs for WebRTC sessions; none by default (loopback, LAN)
    webrtc_peer_gone_s: float = 5.0      # a WebRTC peer sending no audio this long has gone (its track sends in silence)


class ServerState:
    """What the app owns: its work folder (uploads, MP4s; deleted at shutdown), avatars, jobs."""

    def __init__(self, settings: ServerSettings):
        self.settings = settings
        self.config = Config(framing=FramingConfig(size=settings.size))
        self._tmp = tempfile.TemporaryDirectory(prefix="facetalk-server-")
        self.workdir = Path(self._tmp.name)
        self.avatars = AvatarStore(settings.max_avatars)
        self.jobs = JobManager(self.workdir / "jobs", max_jobs=settings.max_jobs,
                               max_finished=settings.max_finished_jobs)
        self.live_sessions = 0  # changed only on the event loop
        # Photo analysis keeps a core busy for about half a second, verifying a video a few
        # seconds: one of each at a time, others wait.
        self.analysis_limiter = anyio.CapacityLimiter(1)
        self.verify_limiter = anyio.CapacityLimiter(1)
        # Decoded audio and images take memory far beyond their upload size: a few at a time.
        self.decode_limiter = anyio.CapacityLimiter(settings.max_decoding)

    def close(self) -> None:
        self.jobs.shutdown()
        self._tmp.cleanup()


class AvatarOut(BaseModel):
    avatar_id: str
    width: int
    height: int
    image_url: str


class JobOut(BaseModel):
    job_id: str
    status: str
    progress: float
    frames_done: int
    n_frames: int
    error: str | None = None
    video_url: str | None = None


class ControlField(BaseModel):
    model_config = ConfigDict(extra="allow")  # whatever metadata a Controls field carries
    name: str
    type: str
    default: Any


class InfoOut(BaseModel):
    version: str
    fps: int
    sample_rate: int
    size: int
    limits: dict[str, float]


class PayloadOut(BaseModel):
    version: str
    id: str  # 8 hex digits, as `facetalk verify` prints it


class VerifyOut(BaseModel):
    generated: bool        # the watermark was found, or the file carries facetalk's metadata tag
    watermark: bool
    score: float           # the watermark's z-score; found at >= threshold
    threshold: float
    confidence: float      # probability that content without the watermark scores lower
    payload: PayloadOut | None
    n_frames: int
    tag_id: str | None     # the id in the container's metadata tag, if any


class SpeechIn(BaseModel):
    text: str
    lang: str = "en"


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

        async def limited_receive():
            nonlocal total
            with anyio.move_on_after(self.timeout_s) as waited:
                message = await receive()
            if waited.cancelled_caught:  # a client that stops sending mid-body holds no worker
                raise HTTPException(408, f"the request body stalled for {self.timeout_s:.0f} s")
            total += len(message.get("body", b""))
            if total > self.limit:
                raise too_large  # while the body is parsed, so FastAPI answers it like any HTTPException
            return message

        await self.app(scope, limited_receive, send)


def create_app(settings: ServerSettings = ServerSettings()) -> FastAPI:
    state = ServerState(settings)
    webrtc = WebRtcRoutes(state)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
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

    def avatar_or_404(avatar_id: str) -> Avatar:
        avatar = state.avatars.get(avatar_id)
        if avatar is None:
            raise HTTPException(404, f"unknown avatar id '{avatar_id[:40]}'; upload the photo again")
        return avatar

    def job_or_404(job_id: str) -> Job:
        job = state.jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"unknown job id '{job_id[:40]}'")
        return job

    async def add_avatar(photo, *, source: str, avatar_id: str | None = None) -> AvatarOut:
        def analyse() -> Avatar:
            try:
                return make_avatar(photo, config=state.config, source=source,
                                   jpeg_quality=settings.jpeg_quality, avatar_id=avatar_id)
            except InputError as err:  # no face, face too small
                raise HTTPException(422, str(err)) from None

        avatar = await anyio.to_thread.run_sync(analyse, limiter=state.analysis_limiter)
        state.avatars.add(avatar)
        width, height = avatar.animator.size
        return AvatarOut(avatar_id=avatar.id, width=width, height=height,
                         image_url=f"/api/avatars/{avatar.id}/image")

    def job_out(job: Job) -> JobOut:
        return JobOut(job_id=job.id, status=job.status, progress=round(job.progress, 4),
                      frames_done=job.frames_done, n_frames=job.n_frames, error=job.error,
                      video_url=f"/api/jobs/{job.id}/video" if job.status == "done" else None)

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/api/info", response_model=InfoOut, summary="Frame rate, sample rate and limits")
    async def info() -> InfoOut:
        limits = {k: v for k, v in asdict(settings).items() if k.startswith("max_")}
        return InfoOut(version=__version__, fps=state.config.motion.fps, sample_rate=state.config.video.audio_sr,
                       size=settings.size, limits=limits)

    @app.get("/api/controls", response_model=list[ControlField], summary="The controls renders and streams accept")
    async def controls() -> list[dict[str, Any]]:
        return controls_schema()

    @app.post("/api/avatars", response_model=AvatarOut, status_code=201, summary="Upload a portrait photo",
              responses={413: {"description": "file or image too large"}, 415: {"description": "not an image"},
                         422: {"description": "corrupt image, or no usable face"}})
    async def upload_avatar(photo: Annotated[UploadFile, File(description="JPEG, PNG, WebP or BMP")]) -> AvatarOut:
        name = media.client_name(photo.filename)
        data = await media.read_upload(photo, limit=settings.max_upload_bytes, what="photo")
        image = await anyio.to_thread.run_sync(lambda: media.decode_photo(
            data, name=name, workdir=state.workdir, max_pixels=settings.max_image_pixels),
            limiter=state.decode_limiter)
        return await add_avatar(image, source=name)

    @app.post("/api/avatars/sample", response_model=AvatarOut, status_code=201,
              summary="The bundled sample portrait as an avatar")
    async def sample_avatar() -> AvatarOut:
        if (avatar := state.avatars.get(SAMPLE_ID)) is not None:
            width, height = avatar.animator.size
            return AvatarOut(avatar_id=SAMPLE_ID, width=width, height=height,
                             image_url=f"/api/avatars/{SAMPLE_ID}/image")
        from facetalk.io import load_image

        photo = load_image(resources.files("facetalk.data").joinpath("astronaut.jpg"))
        return await add_avatar(photo, source="astronaut.jpg", avatar_id=SAMPLE_ID)

    @app.get("/api/avatars/{avatar_id}/image", response_class=Response, summary="The avatar's still frame (JPEG)",
             responses={200: {"content": {"image/jpeg": {}}}})
    async def avatar_image(avatar_id: str) -> Response:
        return Response(avatar_or_404(avatar_id).preview_jpeg, media_type="image/jpeg")

    @app.post("/api/speech", response_class=Response, summary="Speak text with the local voice (WAV)",
              responses={200: {"content": {"audio/wav": {}}}})
    async def speech(body: SpeechIn) -> Response:
        sr = state.config.video.audio_sr
        audio = await anyio.to_thread.run_sync(lambda: media.speak(
            body.text, lang=body.lang, sr=sr, max_chars=settings.max_text_chars, max_s=settings.max_audio_s),
            limiter=state.decode_limiter)
        return Response(media.wav_bytes(audio, sr=sr, workdir=state.workdir), media_type="audio/wav")

    @app.post("/api/jobs", response_model=JobOut, status_code=202, summary="Render an MP4 of an avatar speaking",
              responses={404: {"description": "unknown avatar"}, 413: {"description": "file or audio too large"},
                         422: {"description": "bad audio, text or controls"},
                         429: {"description": "too many jobs queued"}})
    async def create_job(
        avatar_id: Annotated[str, Form()],
        audio: Annotated[UploadFile | None, File(description="speech in any format FFmpeg reads")] = None,
        text: Annotated[str | None, Form(description="instead of audio: text for the local voice")] = None,
        lang: Annotated[str, Form(description="language of the text, e.g. en, fr, en-us")] = "en",
        controls: Annotated[str, Form(description="JSON object, fields as listed by /api/controls")] = "{}",
    ) -> JobOut:
        avatar = avatar_or_404(avatar_id)
        try:
            chosen = controls_from_json(jsontext.loads(controls))
        except json.JSONDecodeError:
            raise HTTPException(422, "controls must be a JSON object") from None
        except ValueError as err:
            raise HTTPException(422, str(err)) from None
        if (audio is None) == (text is None):
            raise HTTPException(422, "give either an audio file or text, not both or neither")
        sr = state.config.video.audio_sr
        sound = None  # the upload again, for the MP4's sound at its own quality
        if audio is not None:
            name = media.client_name(audio.filename)
            data = await media.read_upload(audio, limit=settings.max_upload_bytes, what="audio")
            samples = await anyio.to_thread.run_sync(lambda: media.decode_audio(
                data, name=name, workdir=state.workdir, sr=sr, max_s=settings.max_audio_s),
                limiter=state.decode_limiter)
            sound = media.keep_upload(data, workdir=state.workdir)
        else:
            samples = await anyio.to_thread.run_sync(lambda: media.speak(
                text, lang=lang, sr=sr, max_chars=settings.max_text_chars, max_s=settings.max_audio_s),
                limiter=state.decode_limiter)
        try:
            return job_out(state.jobs.submit(avatar.animator, samples, chosen, audio_file=sound))
        except TooBusy as err:
            raise HTTPException(429, str(err)) from None

    @app.get("/api/jobs/{job_id}", response_model=JobOut, summary="A render job's status and progress")
    async def get_job(job_id: str) -> JobOut:
        return job_out(job_or_404(job_id))

    @app.get("/api/jobs/{job_id}/video", response_class=FileResponse, summary="The finished MP4",
             responses={200: {"content": {"video/mp4": {}}}, 409: {"description": "not finished, or failed"}})
    async def get_video(job_id: str) -> FileResponse:
        job = job_or_404(job_id)
        if job.status != "done":
            raise HTTPException(409, f"job '{job_id}' is {job.status}" + (f": {job.error}" if job.error else ""))
        return FileResponse(job.path, media_type="video/mp4", filename=f"facetalk-{job.id}.mp4")

    @app.post("/api/verify", response_model=VerifyOut, summary="Was this video or image generated by facetalk?",
              responses={413: {"description": "file, image or video too large, or video too long"},
                         422: {"description": "neither an image nor a readable video"}})
    async def verify(file: Annotated[UploadFile, File(description="a video (any container FFmpeg reads) "
                                                                  "or an image")]) -> VerifyOut:
        from facetalk.provenance import THRESHOLD

        name = media.client_name(file.filename)
        data = await media.read_upload(file, limit=settings.max_upload_bytes, what="file")
        result = await anyio.to_thread.run_sync(lambda: media.verify(
            data, name=name, workdir=state.workdir, max_pixels=settings.max_image_pixels,
            max_s=settings.max_verify_s), limiter=state.verify_limiter)
        payload = result.payload
        return VerifyOut(generated=result.generated, watermark=result.watermark, score=result.score,
                         threshold=THRESHOLD, confidence=result.confidence, n_frames=result.n_frames,
                         payload=PayloadOut(version=payload.version, id=f"{payload.id:08x}") if payload else None,
                         tag_id=None if result.tag_id is None else f"{result.tag_id:08x}")

    @app.websocket("/api/stream")
    async def stream(ws: WebSocket) -> None:
        await stream_endpoint(ws, state)

    app.include_router(webrtc.router)
    return app
