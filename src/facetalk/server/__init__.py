"""HTTP API, WebSocket streaming and the web page: `facetalk serve` (FastAPI + uvicorn).

create_app(ServerSettings()) builds the ASGI app (app.py: middleware and routers); the routes are
in routes/, every limit in state.ServerSettings, who may connect in security.py.
"""

from facetalk.server.app import ServerSettings, create_app

__all__ = ["ServerSettings", "create_app"]
