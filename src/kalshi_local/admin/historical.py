"""The historical window: how far the cutoffs trail the exchange clock (exchange/historical.py).

GET shows the window and today's cutoffs; PUT sets the window, kept in the store, at once
for every endpoint of this server (the live lists stop or start serving records as it moves).
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api.bodies import convert, json_body
from ..api.responses import json_response, services
from ..exchange.clock import to_rfc3339
from ..exchange.historical import MAX_WINDOW_S, cutoffs
from ..store import historical as store


class HistoricalIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    window_seconds: Annotated[int, msgspec.Meta(ge=0, le=MAX_WINDOW_S)]


def get_historical(request: Request) -> Response:
    return json_response(_shown(request))


async def put_historical(request: Request) -> Response:
    body = convert(await json_body(request), HistoricalIn)
    svc = services(request)
    await svc.run_write(store.save_window, body.window_seconds)
    svc.historical_window_s = body.window_seconds
    return json_response(_shown(request))


def _shown(request: Request) -> dict:
    svc = services(request)
    found = cutoffs(svc.clock.now_us(), svc.historical_window_s)
    return {
        "window_seconds": svc.historical_window_s,
        "market_settled_ts": to_rfc3339(found.market_settled_us),
        "trades_created_ts": to_rfc3339(found.trades_created_us),
        "orders_updated_ts": to_rfc3339(found.orders_updated_us),
    }


routes = [
    Route("/historical", get_historical, methods=["GET"]),
    Route("/historical", put_historical, methods=["PUT"]),
]
