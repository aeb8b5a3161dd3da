"""HTTP API, WebSocket streaming and the web page: `facetalk serve` (FastAPI + uvicorn).

create_app(ServerSettings()) builds the ASGI app; see app.py for the routes and their limits.
"""

from facetalk.server.app import ServerSettings, create_app

__all__ = ["ServerSettings", "create_app"]
