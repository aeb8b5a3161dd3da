"""Live sessions over WebRTC: `POST /api/webrtc/offer`, `DELETE /api/webrtc/{session_id}`,
`GET /api/webrtc/config`. The media side (aiortc) is facetalk.server.webrtc, imported by the first
offer: a server that never answers one never loads aiortc.

ICE is not trickled: the client sends its offer once its candidates are gathered, the answer
holds all of the server's. No STUN or TURN server is used unless `--ice-server` names one.
"""

from __future__ import annotations

import asyncio
import importlib.util
import json
import uuid
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import unquote

import anyio
from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel

from facetalk import jsontext
from facetalk.config import Controls
from facetalk.server.controls import controls_from_json
from facetalk.server.render_pool import ProcessGone, RenderPool

MAX_SDP_CHARS = 64 * 1024  # a browser's offer is 3-6 KB
ICE_SCHEMES = ("stun:", "stuns:", "turn:", "turns:")


@dataclass(frozen=True)
class IceServer:
    """One STUN or TURN server for the peer connections; TURN usually needs the credentials."""

    url: str
    username: str | None = None
    credential: str | None = None


def parse_ice_server(text: str) -> IceServer:
    """`stun:HOST[:PORT]` or `turn[s]:[USER:PASSWORD@]HOST[:PORT][?transport=udp|tcp]` -> IceServer;
    ValueError in one line otherwise. The credentials ride in the URL so that one repeatable
    option carries a whole server."""
    scheme = next((s for s in ICE_SCHEMES if text.lower().startswith(s)), None)
    rest = text[len(scheme):] if scheme else ""
    if scheme is None or not rest or any(c.isspace() for c in text):
        raise ValueError(f"an ICE server is stun:HOST[:PORT] or turn:[USER:PASSWORD@]HOST[:PORT], not '{text[:80]}'")
    if "@" not in rest:
        return IceServer(url=text)
    login, host = rest.rsplit("@", 1)
    user, _, password = login.partition(":")
    if not scheme.startswith("turn") or not user or not password or not host:
        raise ValueError(f"only a TURN server takes USER:PASSWORD@ before its host, not '{text[:80]}'")
    return IceServer(url=scheme + host, username=unquote(user), credential=unquote(password))


@dataclass(frozen=True)
class Offer:
    """A client's offer, checked: its SDP, the avatar to animate and the controls."""

    sdp: str
    avatar_id: str
    controls: Controls


class OfferIn(BaseModel):  # the request body, for the OpenAPI page; parse_offer reads it
    sdp: str
    type: Literal["offer"]
    avatar_id: str
    controls: dict[str, Any] = {}


class AnswerOut(BaseModel):
    sdp: str
    type: Literal["answer"]
    session_id: str


class IceServerOut(BaseModel):
    urls: str
    username: str | None = None
    credential: str | None = None


class WebRtcConfigOut(BaseModel):
    ice_servers: list[IceServerOut]


def parse_offer(body: bytes) -> Offer:
    """The JSON body of an offer -> Offer; HTTPException 422 with a one-line detail otherwise."""
    try:
        data = jsontext.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise HTTPException(422, "the offer must be a JSON object") from None
    except ValueError as err:  # nested too deep
        raise HTTPException(422, f"the offer is refused: {err}") from None
    if not isinstance(data, dict):
        raise HTTPException(422, "the offer must be a JSON object")
    if data.get("type") != "offer":
        raise HTTPException(422, 'the offer needs "type": "offer" (the server answers; it does not offer)')
    sdp, avatar_id = data.get("sdp"), data.get("avatar_id")
    if not isinstance(sdp, str) or not sdp.startswith("v=0"):
        raise HTTPException(422, '"sdp" must be the session description text of an offer (v=0 ...)')
    if len(sdp) > MAX_SDP_CHARS:
        raise HTTPException(413, f"the offer's SDP is over {MAX_SDP_CHARS // 1024} KiB")
    if not isinstance(avatar_id, str):
        raise HTTPException(422, '"avatar_id" must be the id POST /api/avatars returned')
    try:
        controls = controls_from_json(data.get("controls", {}))
    except ValueError as err:
        raise HTTPException(422, str(err)) from None
    return Offer(sdp=sdp, avatar_id=avatar_id, controls=controls)


def _avatar_key(avatar) -> str:
    """What the render processes hold an avatar under: an id reused for another photo is another key."""
    return f"{avatar.id}/{avatar.animator.provenance.id}"


class WebRtcRoutes:
    """The routes and the sessions they opened; `close_all()` at shutdown ends the sessions."""

    def __init__(self, state):
        self._state = state
        self._sessions: dict[str, Any] = {}  # session id -> facetalk.server.webrtc.LiveSession
        # Sessions render in processes of their own (every core), unless the settings say threads.
        self._pool = RenderPool() if state.settings.webrtc_render_processes else None
        self._warming: set[asyncio.Task] = set()  # warm_soon's, until done
        state.avatar_added.append(self.warm_soon)
        self.ice_servers = tuple(parse_ice_server(url) for url in state.settings.ice_servers)
        self.router = APIRouter(prefix="/api/webrtc", tags=["webrtc"])
        self.router.add_api_route(
            "/offer", self.offer, methods=["POST"], response_model=AnswerOut,
            summary="Start a live session over WebRTC: send audio, get the avatar's video and the audio back",
            openapi_extra={"requestBody": {"required": True, "content": {
                "application/json": {"schema": OfferIn.model_json_schema()}}}},
            responses={404: {"description": "unknown avatar"}, 413: {"description": "offer too large"},
                       422: {"description": "bad offer or controls"}, 429: {"description": "too many live sessions"},
                       501: {"description": "aiortc is not installed"}})
        self.router.add_api_route("/{session_id}", self.end, methods=["DELETE"], status_code=204,
                                  response_class=Response, summary="End a WebRTC session",
                                  responses={404: {"description": "unknown or ended session"}})
        self.router.add_api_route("/config", self.config, methods=["GET"], response_model=WebRtcConfigOut,
                                  summary="The ICE servers a client should use (none unless configured)")

    async def config(self) -> WebRtcConfigOut:
        return WebRtcConfigOut(ice_servers=[IceServerOut(urls=s.url, username=s.username, credential=s.credential)
                                            for s in self.ice_servers])

    async def offer(self, request: Request) -> AnswerOut:
        state, settings = self._state, self._state.settings
        offer = parse_offer(await request.body())
        avatar = state.avatars.get(offer.avatar_id)
        if avatar is None:
            raise HTTPException(404, f"unknown avatar id '{offer.avatar_id[:40]}'; upload the photo again")
        if importlib.util.find_spec("aiortc") is None:
            raise HTTPException(501, "WebRTC needs aiortc on the server: pip install 'facetalk[webrtc]'")
        if state.live_sessions >= settings.max_sessions:  # shared with the WebSocket streams
            raise HTTPException(429, f"{state.live_sessions} live sessions already run (the limit); try again later")
        from facetalk.server import webrtc

        problem = webrtc.offer_problem(offer.sdp)
        if problem:
            raise HTTPException(422, problem)
        session_id = uuid.uuid4().hex
        state.live_sessions += 1  # from here, while it waits for a render process too
        process = None
        try:
            stream, process = await self._open_stream(offer, avatar)
            session = webrtc.LiveSession(
                stream=stream, fps=avatar.animator.fps,
                limits=webrtc.SessionLimits(max_stream_s=settings.max_stream_s,
                                            peer_gone_s=min(settings.idle_timeout_s, settings.webrtc_peer_gone_s)),
                on_end=lambda: self._forget(session_id, process))
        except BaseException:  # a cancelled request or a session that failed to build: the slot is free again
            state.live_sessions -= 1
            if process is not None:
                process.end()
            raise
        self._sessions[session_id] = session
        try:
            sdp = await session.start(offer_sdp=offer.sdp, ice_servers=self.ice_servers)
        except ValueError as err:  # aiortc's word on an SDP it cannot use
            await session.close(reason="offer refused")
            raise HTTPException(422, f"the offer cannot be answered: {str(err)[:200]}") from None
        except BaseException:  # a server fault or a cancelled request: the slot is freed all the same
            await session.close(reason="offer failed")
            raise
        return AnswerOut(sdp=sdp, type="answer", session_id=session_id)

    async def end(self, session_id: str) -> Response:
        session = self._sessions.get(session_id)
        if session is None:
            raise HTTPException(404, f"unknown or ended WebRTC session '{session_id[:40]}'")
        await session.close()
        return Response(status_code=204)

    async def _open_stream(self, offer: Offer, avatar):
        """(the session's stream, its render process or None): in a render process of its own
        when one can be had, else in the server's threads."""
        if self._pool is not None:
            key = _avatar_key(avatar)
            process = await self._pool.lease(key, avatar.animator)
            if process is not None:
                try:
                    return await anyio.to_thread.run_sync(lambda: process.open(key, offer.controls)), process
                except ProcessGone:  # it has died since (or failed): a thread will do
                    process.end()
                except BaseException:  # a cancelled request: the process is not left running
                    process.end()
                    raise
        return avatar.animator.open_stream(offer.controls), None

    def _forget(self, session_id: str, process) -> None:
        # Called once per session, however it ends (DELETE, peer gone, limit, shutdown).
        if self._sessions.pop(session_id, None) is not None:
            self._state.live_sessions -= 1
            if process is not None:
                process.end()

    def warm_soon(self, avatar=None) -> None:
        """Readies the render processes in the background (when the server has them, aiortc, and
        webrtc_warm_start): the zygote, and `avatar` if given, so an offer does not wait for them.
        Called on the event loop: at startup, and for each avatar added."""
        if self._pool is None or not self._state.settings.webrtc_warm_start \
                or importlib.util.find_spec("aiortc") is None:
            return
        key_and_animator = (_avatar_key(avatar), avatar.animator) if avatar is not None else ()
        task = asyncio.get_running_loop().create_task(self._pool.warm(*key_and_animator))
        self._warming.add(task)
        task.add_done_callback(self._warming.discard)

    async def close_all(self) -> None:
        # The warm-up under way is awaited (its thread runs on whatever happens to the task);
        # those queued behind it return at once.
        if self._pool is not None:
            self._pool.stop_warming()
        for task in list(self._warming):
            await task
        for session in list(self._sessions.values()):
            await session.close()
        if self._pool is not None:
            await anyio.to_thread.run_sync(self._pool.close)
