"""HTTP API, WebSocket streaming and the web page: `facetalk serve` (FastAPI + uvicorn).

create_app(ServerSettings()) builds the ASGI app (app.py: middleware and routers); the routes are
in routes/, every limit in settings.ServerSettings, who may connect in security.py.

The two names load on first use: settings.py needs no web framework, and the CLI reads its
defaults without the `server` extra installed.
"""

from __future__ import annotations

__all__ = ["ServerSettings", "create_app"]


def __getattr__(name: str):
    if name == "ServerSettings":
        from facetalk.server.settings import ServerSettings

        return ServerSettings
    if name == "create_app":
        from facetalk.server.app import create_app

        return create_app
    raise AttributeError(f"module 'facetalk.server' has no attribute {name!r}")
