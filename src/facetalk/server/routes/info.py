"""The web page, the server's figures and limits, and the controls a render or stream accepts."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse

from facetalk import __version__
from facetalk.server.controls import controls_schema
from facetalk.server.schemas import ControlField, InfoOut
from facetalk.server.state import State

STATIC = Path(__file__).resolve().parent.parent / "static"
router = APIRouter()


@router.get("/", include_in_schema=False)
async def index() -> FileResponse:
    return FileResponse(STATIC / "index.html")


@router.get("/api/info", response_model=InfoOut, summary="Frame rate, sample rate and limits")
async def info(state: State) -> InfoOut:
    settings = state.settings
    limits = {k: v for k, v in asdict(settings).items() if k.startswith("max_")}
    return InfoOut(version=__version__, fps=state.config.motion.fps, sample_rate=state.config.video.audio_sr,
                   size=settings.size, limits=limits)


@router.get("/api/controls", response_model=list[ControlField], summary="The controls renders and streams accept")
async def controls() -> list[dict[str, Any]]:
    return controls_schema()
