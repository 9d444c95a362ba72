"""Exchange-wide state (status flags, schedule, maintenance) and announcements.

A new exchange state is an engine command (exchange/pauses.py) written in the same
transaction: the venue enforces a pause from the answer on, and a pause beginning with
it cancels the cancel_order_on_pause orders.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api.params import parse_int
from ..api.responses import json_response, services
from ..engine import wiring
from ..errors import InvalidParameter, NotFound
from ..exchange.clock import to_rfc3339
from ..exchange.pauses import SetExchangeState
from ..models.inputs import AnnouncementIn, ExchangeIn
from ..store import exchange as store
from .bodies import decode, to_json


def get_exchange(request: Request) -> Response:
    with services(request).reading() as conn:
        return json_response({"exchange": to_json(store.state(conn))})


async def put_exchange(request: Request) -> Response:
    spec = await decode(request, ExchangeIn)
    svc = services(request)
    if svc.trading is None:  # no venue here (trading off): the store is all there is
        await svc.run_write(store.set_state, spec)
    else:
        await svc.trading.submit(SetExchangeState(spec), record=lambda conn, _: store.set_state(conn, spec))
        wiring.timers_moved(svc)
    return json_response({"exchange": to_json(spec)})


def get_announcements(request: Request) -> Response:
    with services(request).reading() as conn:
        rows = store.all_announcements(conn)
    return json_response({"announcements": [_announcement(row) for row in rows]})


async def post_announcement(request: Request) -> Response:
    spec = await decode(request, AnnouncementIn)
    seq = await services(request).run_write(store.add_announcement, spec)
    return json_response({"announcement": {"id": seq, **to_json(spec)}}, status=201)


def _announcement_id(request: Request) -> int:
    """The path's id: ASCII digits (400 otherwise); beyond a BIGINT it names no announcement (404)."""
    raw = request.path_params["id"]
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidParameter(f"id must be an integer (ASCII digits), got {raw[:40]!r}")
    seq = parse_int(raw)
    if seq is None:
        raise NotFound(f"announcement {raw[:40]} not found")
    return seq


async def put_announcement(request: Request) -> Response:
    seq = _announcement_id(request)
    spec = await decode(request, AnnouncementIn)
    if not await services(request).run_write(store.update_announcement, seq, spec):
        raise NotFound(f"announcement {seq} not found")
    return json_response({"announcement": {"id": seq, **to_json(spec)}})


async def delete_announcement(request: Request) -> Response:
    seq = _announcement_id(request)
    if not await services(request).run_write(store.delete_announcement, seq):
        raise NotFound(f"announcement {seq} not found")
    return Response(status_code=204)


def _announcement(row) -> dict:
    return {
        "id": row.seq,
        "type": row.type,
        "message": row.message,
        "delivery_time": to_rfc3339(row.delivery_us),
        "status": row.status,
    }


routes = [
    Route("/exchange", get_exchange, methods=["GET"]),
    Route("/exchange", put_exchange, methods=["PUT"]),
    Route("/announcements", get_announcements, methods=["GET"]),
    Route("/announcements", post_announcement, methods=["POST"]),
    Route("/announcements/{id}", put_announcement, methods=["PUT"]),
    Route("/announcements/{id}", delete_announcement, methods=["DELETE"]),
]
