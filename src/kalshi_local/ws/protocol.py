"""The WebSocket transport: uvicorn's websockets protocol with Kalshi's heartbeat.

ASGI has no Ping frames, so the keep-alive lives here: every `ws_ping_interval_s` (10 s,
websockets/connection-keep-alive.md) the server sends a Ping with body `heartbeat`; a client
whose Pong has not come `ws_ping_timeout_s` (20 s) later is disconnected (close code 1011).
Client Pings are answered with Pongs by the protocol itself.
"""

from __future__ import annotations

import warnings
from typing import Any

from uvicorn.config import UvicornDeprecationWarning

with warnings.catch_warnings():
    # uvicorn warns on import that it will make another implementation the default; this
    # one is named explicitly here, so the warning would only reach the user's terminal.
    warnings.simplefilter("ignore", UvicornDeprecationWarning)
    from uvicorn.protocols.websockets.websockets_impl import WebSocketProtocol

HEARTBEAT = b"heartbeat"


class HeartbeatProtocol(WebSocketProtocol):
    async def run_asgi(self) -> None:
        # Lets fault injection drop a connection abruptly (ws/connection.py Connection.abort).
        extensions: dict = self.scope["extensions"]
        extensions["kalshi_local.abort"] = self.transport.abort
        extensions["kalshi_local.protocol"] = self  # framed batch writes (ws/connection.py)
        await super().run_asgi()

    async def ping(self, data: Any = None) -> Any:
        # The keep-alive loop pings without data; Kalshi's heartbeat has a body.
        return await super().ping(HEARTBEAT if data is None else data)


def server_options(settings: Any) -> dict[str, Any]:
    """uvicorn.Config keyword arguments for the WebSocket endpoint."""
    return {
        "ws": HeartbeatProtocol,
        "ws_ping_interval": settings.ws_ping_interval_s,
        "ws_ping_timeout": settings.ws_ping_timeout_s,
    }
