"""Who may drive the server: allowed Host names, same-origin pages, an optional bearer token, and
the headers that keep the page from being framed or fed foreign scripts.

Three ASGI middlewares, outermost first in create_app: HostGuard (DNS rebinding: a request must
name this server in its Host, and a browser's Origin must be one of those names), TokenGuard
(`Authorization: Bearer TOKEN`, or `?token=TOKEN` where a browser cannot set headers: the
WebSocket, <img> and <video> URLs) and SecurityHeaders.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from urllib.parse import parse_qs, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.websockets import WebSocketClose

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")

# The page loads only its own scripts, styles and media; nothing may frame it.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
               "media-src 'self' blob:; connect-src 'self' {ws}; worker-src 'self'; object-src 'none'; "
               "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# FastAPI's /docs and /redoc pages are an inline script loading Swagger UI / ReDoc from jsdelivr.
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
               "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
               "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
               "font-src https://fonts.gstatic.com; worker-src blob:; frame-ancestors 'none'")
DOCS_PATHS = ("/docs", "/redoc")


def is_loopback(host: str) -> bool:
    """Whether a bind address (a name or an IP literal) only listens on this machine."""
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(bind_host: str, extra: tuple[str, ...] = ()) -> frozenset[str]:
    """The names a request's Host may carry: loopback names, the bind address unless it is a
    wildcard (0.0.0.0, ::), and `extra` (lower case, IPv6 without brackets)."""
    names = {name.strip("[]").lower() for name in (*LOOPBACK_NAMES, *extra)}
    if bind_host.strip("[]") not in ("0.0.0.0", "::", ""):
        names.add(bind_host.strip("[]").lower())
    return frozenset(names)


def _refusal(scope, status: int, detail: str, headers: dict[str, str] | None = None):
    if scope["type"] == "websocket":
        return WebSocketClose(code=1008, reason=detail[:120])
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


_HOST_SYNTAX = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?")


def _split_host(value: str) -> tuple[str | None, int | None]:
    """(host name, port) of a Host header or an Origin's netloc; (None, None) when malformed
    (a name with user info, a path, spaces: nothing a browser sends)."""
    if not _HOST_SYNTAX.fullmatch(value):
        return None, None
    try:
        parts = urlsplit("//" + value)
        return parts.hostname, parts.port
    except ValueError:
        return None, None


class HostGuard:
    """400 for a Host that is not one of this server's names (a rebound DNS name pointing at
    127.0.0.1 carries its own), 403 for a browser's Origin that is not one of them on the same port."""

    def __init__(self, app, *, hosts: frozenset[str]):
        self.app = app
        self.hosts = hosts

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        headers = Headers(scope=scope)
        host, port = _split_host(headers.get("host", ""))
        if host not in self.hosts:
            shown = headers.get("host", "")[:60]
            return await _refusal(scope, 400, f"this server does not answer to the host '{shown}': it is not "
                                  "one of the names it was told to serve")(scope, receive, send)
        origin = headers.get("origin")
        if origin is not None:
            origin_host, origin_port = _split_host(urlsplit(origin).netloc) if "://" in origin else (None, None)
            if origin_host not in self.hosts or origin_port != port:
                return await _refusal(scope, 403, "cross-site requests are not served")(scope, receive, send)
        await self.app(scope, receive, send)


class TokenGuard:
    """401 for an API request without the server's token (header, or `token` query parameter)."""

    def __init__(self, app, *, token: str | None):
        self.app = app
        self.token = token.encode() if token else None

    def _presented(self, scope) -> bytes:
        auth = Headers(scope=scope).get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip().encode()
        values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [""])
        return values[0].encode()

    async def __call__(self, scope, receive, send) -> None:
        if (self.token is None or scope["type"] not in ("http", "websocket")
                or not scope["path"].startswith("/api/") or hmac.compare_digest(self._presented(scope), self.token)):
            return await self.app(scope, receive, send)
        return await _refusal(scope, 401, "this server needs its token: send Authorization: Bearer TOKEN "
                              "(or ?token=TOKEN)", {"WWW-Authenticate": "Bearer"})(scope, receive, send)


class SecurityHeaders:
    """Adds a Content-Security-Policy (no inline script, no framing), X-Frame-Options,
    X-Content-Type-Options and Referrer-Policy to every HTTP response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        host = Headers(scope=scope).get("host", "")
        policy = DOCS_POLICY if scope["path"] in DOCS_PATHS else PAGE_POLICY.format(ws=f"ws://{host} wss://{host}")

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Security-Policy"] = policy
                headers["X-Frame-Options"] = "DENY"
                headers["X-Content-Type-Options"] = "nosniff"
                headers["Referrer-Policy"] = "no-referrer"
            await send(message)

        await self.app(scope, receive, send_with_headers)
