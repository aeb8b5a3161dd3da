"""The server's settings (every limit) and what it owns while it runs: its work folder, the
avatars, the render jobs and the live-session count."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Callable

import anyio
from fastapi import Depends
from starlette.requests import HTTPConnection

from facetalk.config import Config, FramingConfig
from facetalk.face.mesh import FaceDetector, FaceModels, Segmenter
from facetalk.server.avatars import Avatar, AvatarStore
from facetalk.server.jobs import JobManager


@dataclass(frozen=True)
class ServerSettings:
    size: int = FramingConfig.size       # frame side of every avatar, in pixels
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
    webrtc_render_processes: bool = True  # each WebRTC session renders in a process of its own (all cores)
    webrtc_warm_start: bool = True       # ready the render processes at startup and each avatar when added (no 1-5 s first offer)


class ServerState:
    """What the app owns: its work folder (uploads, MP4s; deleted at shutdown), avatars, jobs, and
    the face models avatars are analysed with (`detector`, `segmenter`: given ones are the caller's
    to close; else face.mesh's, loaded at the first avatar and kept)."""

    def __init__(self, settings: ServerSettings, *, detector: FaceDetector | None = None,
                 segmenter: Segmenter | None = None):
        self.settings = settings
        # Avatars are analysed with these, loaded at the first (0.15-0.5 s each time otherwise); a
        # caller holds `analysis_limiter`, so one photo at a time uses them.
        self.face_models = FaceModels(detector=detector, segmenter=segmenter)
        self.config = Config(framing=FramingConfig(size=settings.size))
        self._tmp = tempfile.TemporaryDirectory(prefix="facetalk-server-")
        self.workdir = Path(self._tmp.name)
        self.avatars = AvatarStore(settings.max_avatars)
        self.jobs = JobManager(self.workdir / "jobs", max_jobs=settings.max_jobs,
                               max_finished=settings.max_finished_jobs)
        self.live_sessions = 0  # changed only on the event loop
        # Called on the event loop with each avatar added (the WebRTC routes ready it for sessions).
        self.avatar_added: list[Callable[[Avatar], None]] = []
        # Photo analysis keeps a core busy for about half a second, verifying a video a few
        # seconds: one of each at a time, others wait.
        self.analysis_limiter = anyio.CapacityLimiter(1)
        self.verify_limiter = anyio.CapacityLimiter(1)
        # Decoded audio and images take memory far beyond their upload size: a few at a time.
        self.decode_limiter = anyio.CapacityLimiter(settings.max_decoding)

    def close(self) -> None:
        self.jobs.shutdown()
        self.face_models.close()
        self._tmp.cleanup()


def server_state(conn: HTTPConnection) -> ServerState:
    """The running app's ServerState, for routes (a FastAPI dependency, HTTP and WebSocket alike)."""
    return conn.app.state.facetalk


# A route's parameter `state: State` is given the running app's ServerState.
State = Annotated[ServerState, Depends(server_state)]
