"""The live stream over a WebSocket (protocol in facetalk.server.websocket)."""

from __future__ import annotations

from fastapi import APIRouter, WebSocket

from facetalk.server.websocket import stream_endpoint

router = APIRouter()


@router.websocket("/api/stream")
async def stream(ws: WebSocket) -> None:
    await stream_endpoint(ws, ws.app.state.facetalk)
