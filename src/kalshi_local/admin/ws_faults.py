"""WebSocket fault injection and the connections it can target (docs/websocket.md).

GET /ws/connections lists the open connections; /ws/faults adds, lists and removes faults
(models/inputs.py WsFaultIn). Faults live in the server's gateway (ws/faults.py), not in the
store: they end with the server. None is in force unless asked for.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api.responses import json_response, services
from ..errors import Conflict, NotFound
from ..models.inputs import WsFaultIn
from .bodies import decode


def _gateway(request: Request):
    gateway = services(request).gateway
    if gateway is None:
        raise Conflict("this server runs no WebSocket gateway")
    return gateway


async def list_connections(request: Request) -> Response:
    shown = [
        {
            "connection_id": conn.connection_id,
            "user_id": conn.caller.user_id,
            "key_id": conn.caller.key_id,
            "subscriptions": [{"sid": s.sid, "channel": s.channel} for s in conn.subscriptions.values()],
        }
        for conn in sorted(_gateway(request).connections, key=lambda c: c.connection_id)
    ]
    return json_response({"connections": shown})


async def list_faults(request: Request) -> Response:
    return json_response({"faults": [fault.shown() for fault in _gateway(request).faults.active]})


async def add_fault(request: Request) -> Response:
    gateway = _gateway(request)
    spec = await decode(request, WsFaultIn)
    return json_response({"fault": gateway.faults.add(spec).shown()}, status=201)


async def remove_fault(request: Request) -> Response:
    gateway = _gateway(request)
    ident = request.path_params["fault_id"]
    if not (ident.isascii() and ident.isdigit() and gateway.faults.remove(int(ident))):
        raise NotFound(f"fault {ident} not found (a spent fault is removed by itself)")
    return Response(status_code=204)


async def clear_faults(request: Request) -> Response:
    _gateway(request).faults.clear()
    return Response(status_code=204)


routes = [
    Route("/ws/connections", list_connections, methods=["GET"]),
    Route("/ws/faults", list_faults, methods=["GET"]),
    Route("/ws/faults", add_fault, methods=["POST"]),
    Route("/ws/faults", clear_faults, methods=["DELETE"]),
    Route("/ws/faults/{fault_id}", remove_fault, methods=["DELETE"]),
]
