"""What the server owns while it runs: its settings (settings.py), its work folder, the avatars,
the render jobs and the live-session count."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Callable

import anyio
from fastapi import Depends
from starlette.requests import HTTPConnection

from facetalk.config import Config, FramingConfig
from facetalk.face.mesh import FaceDetector, FaceModels, Segmenter, shared_face_models
from facetalk.server.avatars import Avatar, AvatarStore
from facetalk.server.jobs import JobManager
from facetalk.server.settings import ServerSettings


class ServerState:
    """What the app owns: its work folder (uploads, MP4s; deleted at shutdown), avatars, jobs, and
    the face models avatars are analysed with (`detector`, `segmenter`: given ones are the caller's
    to close; given neither, the process's shared set, face.mesh.shared_face_models, each loaded
    at the first avatar that needs it and kept for the process's life, not closed with the
    server)."""

    def __init__(self, settings: ServerSettings, *, detector: FaceDetector | None = None,
                 segmenter: Segmenter | None = None):
        self.settings = settings
        # Avatars are analysed with these, loaded at the first (0.15-0.5 s each time otherwise); a
        # caller holds `analysis_limiter`, so one photo at a time uses them. Given none, the
        # process's shared set, so that the server's analyses and any other in the process (an
        # Animator made here, a second app) load the models once between them.
        self._own_face_models = detector is not None or segmenter is not None
        self.face_models = (FaceModels(detector=detector, segmenter=segmenter) if self._own_face_models
                            else shared_face_models())
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
        if self._own_face_models:  # closes only what it loaded beside a given model
            self.face_models.close()
        self._tmp.cleanup()


def server_state(conn: HTTPConnection) -> ServerState:
    """The running app's ServerState, for routes (a FastAPI dependency, HTTP and WebSocket alike)."""
    return conn.app.state.facetalk


# A route's parameter `state: State` is given the running app's ServerState.
State = Annotated[ServerState, Depends(server_state)]
