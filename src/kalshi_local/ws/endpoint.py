"""`/trade-api/ws/v2`: the handshake, authenticated like a signed `GET /trade-api/ws/v2`, then
the command loop of one connection.

A refused handshake is an HTTP answer with Kalshi's error body (401 for who, 429 for the
rate limit), never a bare close (quick_start_websockets.md: headers signed over
`timestamp + "GET" + "/trade-api/ws/v2"`, with REST's freshness and replay rules).
"""

from __future__ import annotations

import asyncio
import logging

from starlette.websockets import WebSocket

from ..api.authenticated import auth_headers, signed_path
from ..api.responses import json_response
from ..auth import ratelimit
from ..errors import ApiError
from .connection import Connection
from .session import Session

log = logging.getLogger("kalshi_local.ws")

PATH = "/trade-api/ws/v2"
_BUCKET = ratelimit.bucket_of("GET", PATH)
_COST = ratelimit.cost_of("GET", PATH)


async def endpoint(websocket: WebSocket) -> None:
    services = websocket.app.state.services
    try:
        caller = await services.run_read(_authenticate, services, websocket.scope)
    except ApiError as exc:
        await websocket.send_denial_response(json_response(exc.body(), status=exc.status))
        return
    except Exception:
        log.exception("websocket handshake failed")
        await websocket.send_denial_response(json_response(ApiError("internal server error").body(), status=500))
        return
    await websocket.accept()
    settings = services.settings
    gateway = services.gateway
    conn = Connection(websocket, caller, settings.ws_queue_limit, next(gateway.connection_ids))
    session = Session(conn, gateway, services, settings.ws_command_timeout_s)
    gateway.connections.add(conn)
    writer = asyncio.ensure_future(conn.write())
    try:
        await _read(websocket, session, writer)
    finally:
        gateway.connections.discard(conn)
        session.close()
        await asyncio.wait([writer], timeout=1)
        writer.cancel()


async def _read(websocket: WebSocket, session: Session, writer: asyncio.Future) -> None:
    receive = websocket.receive
    while not writer.done():
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        data = message.get("text")
        if data is None:
            data = message.get("bytes") or b""
        await session.handle(data)


def _authenticate(services, scope):
    with services.reading() as conn:
        return services.authenticator.authenticate(
            conn,
            auth_headers(scope["headers"]),
            "GET",
            signed_path(scope),
            needs_write=False,
            bucket=_BUCKET,
            cost=_COST,
        )
