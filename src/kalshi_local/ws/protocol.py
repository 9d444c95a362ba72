"""The WebSocket transport: uvicorn's sans-I/O websockets protocol with Kalshi's heartbeat.

ASGI has no Ping frames, so the keep-alive lives here: every `ws_ping_interval_s` (10 s,
websockets/connection-keep-alive.md) the server sends a Ping with body `heartbeat`; a client
whose Pong has not come `ws_ping_timeout_s` (20 s) later is disconnected (close code 1011).
Client Pings are answered with Pongs by the protocol itself.
"""

from __future__ import annotations

import json
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.datastructures import Headers
from websockets.http11 import Response

from ..api.protocol import KalshiHttpProtocol
from ..errors import ApiError, BadRequest, Forbidden
from .endpoint import PATH

HEARTBEAT = b"heartbeat"
# A client message larger than this closes the connection (1009): commands are a few KiB at
# most, and REST bodies have the same 1 MiB bound (api/bodies.py).
MAX_FRAME_BYTES = 1 << 20


class HeartbeatProtocol(WebSocketsSansIOProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The handshake refusals uvicorn and websockets make themselves (a bad Sec-WebSocket-Key
        # or version, an upgrade to a path that serves none) are plain text: send them as JSON.
        send_response = self.conn.send_response
        self.conn.send_response = lambda response: send_response(_in_error_shape(response))  # type: ignore[method-assign]

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


def _in_error_shape(response: Response) -> Response:
    """A plain-text handshake refusal as Kalshi's JSON error; any other response as it is."""
    if response.status_code == 101 or not response.headers.get("Content-Type", "").startswith("text/plain"):
        return response
    text = bytes(response.body).decode("utf-8", "replace").strip()
    error: ApiError
    if response.status_code == 400:
        error = BadRequest(text or "the WebSocket handshake is not valid")
    elif response.status_code == 403:
        error = Forbidden(text or f"no WebSocket is served at this path: connect to {PATH}")
    else:
        error = ApiError(text or "the WebSocket handshake failed")
        error.status = response.status_code
    body = json.dumps(error.body()).encode()
    kept = [(name, value) for name, value in response.headers.raw_items() if not name.lower().startswith("content-")]
    headers = Headers(kept)
    headers["Content-Type"] = "application/json"
    headers["Content-Length"] = str(len(body))
    return Response(response.status_code, response.reason_phrase, headers, body)


def server_options(settings: Any) -> dict[str, Any]:
    """uvicorn.Config keyword arguments for the WebSocket endpoint, and the HTTP protocol
    that answers its own refusals in Kalshi's error shape."""
    http = type("KalshiHttpProtocol", (KalshiHttpProtocol,), {"read_timeout_s": settings.request_read_timeout_s})
    return {
        "http": http,
        "ws": HeartbeatProtocol,
        "ws_ping_interval": settings.ws_ping_interval_s,
        "ws_ping_timeout": settings.ws_ping_timeout_s,
        "ws_max_size": MAX_FRAME_BYTES,
    }
