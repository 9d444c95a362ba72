"""The WebSocket transport: uvicorn's sans-I/O websockets protocol with Kalshi's heartbeat.

ASGI has no Ping frames, so the keep-alive lives here: every `ws_ping_interval_s` (10 s,
websockets/connection-keep-alive.md) the server sends a Ping with body `heartbeat`; a client
whose Pong has not come `ws_ping_timeout_s` (20 s) later is disconnected (close code 1011).
Client Pings are answered with Pongs by the protocol itself.
"""

from __future__ import annotations

from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from ..api.protocol import KalshiHttpProtocol

HEARTBEAT = b"heartbeat"
# A client message larger than this closes the connection (1009): commands are a few KiB at
# most, and REST bodies have the same 1 MiB bound (api/bodies.py).
MAX_FRAME_BYTES = 1 << 20


class HeartbeatProtocol(WebSocketsSansIOProtocol):
    async def run_asgi(self) -> None:
        # Lets fault injection drop a connection abruptly (ws/connection.py Connection.abort).
        extensions: dict = self.scope["extensions"]
        extensions["kalshi_local.abort"] = self.transport.abort
        extensions["kalshi_local.protocol"] = self  # framed batch writes (ws/connection.py)
        await super().run_asgi()

    async def send(self, message: Any) -> None:
        await super().send(message)
        if message["type"] == "websocket.http.response.body" and not message.get("more_body", False):
            # A refused handshake (our 401/403 body) ends the handshake too: uvicorn 0.54 would
            # otherwise log "ASGI callable returned without completing handshake" as an ERROR.
            self.handshake_complete = True

    def send_keepalive_ping(self) -> None:
        # uvicorn pings with a random payload; Kalshi's heartbeat has this body, which the Pong echoes.
        self.ping_timer = None
        if self.close_sent or self.transport.is_closing():
            return
        self.pending_ping_payload = HEARTBEAT
        self.ping_sent_at = self.loop.time()
        self.conn.send_ping(HEARTBEAT)
        self.transport.write(b"".join(self.conn.data_to_send()))
        if self.ping_timeout is not None:
            self.pong_timer = self.loop.call_later(self.ping_timeout, self.keepalive_timeout)
        else:
            self.schedule_ping()

    # What ws/connection.py's framed writes need: whether frames may still go out, and to
    # wait while the client's TCP window is full.
    @property
    def open(self) -> bool:
        return self.handshake_complete and not (self.close_sent or self.disconnected)

    async def drain(self) -> None:
        await self.writable.wait()


def server_options(settings: Any) -> dict[str, Any]:
    """uvicorn.Config keyword arguments for the WebSocket endpoint, and the HTTP protocol
    that answers its own refusals in Kalshi's error shape."""
    return {
        "http": KalshiHttpProtocol,
        "ws": HeartbeatProtocol,
        "ws_ping_interval": settings.ws_ping_interval_s,
        "ws_ping_timeout": settings.ws_ping_timeout_s,
        "ws_max_size": MAX_FRAME_BYTES,
    }
