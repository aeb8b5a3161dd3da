"""uvicorn's HTTP/1.1 protocol with a deadline for each request's head: a connection that opens and
sends nothing, or half a request line or half its headers, is closed. uvicorn itself times out
only idle keep-alive connections, after a first response; a slow body is BodyLimit's (408)."""

from __future__ import annotations

import asyncio

HEADER_TIMEOUT_S = 10.0


def header_timeout_protocol(timeout_s: float = HEADER_TIMEOUT_S) -> type:
    """A uvicorn `http=` protocol class whose requests must bring their head within `timeout_s`."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderTimeoutH11(H11Protocol):
        _head_deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()  # the next request on this connection gets the same deadline

        def connection_lost(self, exc) -> None:
            if self._head_deadline is not None:
                self._head_deadline.cancel()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._head_deadline is not None:
                self._head_deadline.cancel()
            self._head_deadline = self.loop.call_later(timeout_s, self._expire)

        def _expire(self) -> None:
            # Still IDLE on their side: no complete request head has arrived since the deadline was set.
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

    return HeaderTimeoutH11
