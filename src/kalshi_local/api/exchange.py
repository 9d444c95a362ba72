"""The exchange tag: status, schedule, announcements, user data timestamp, series fee changes.

GET /series/fee_changes lives here (it is tagged `exchange`); api/__init__.py lists this
module before series, so the route wins over /series/{series_ticker}.
"""

from __future__ import annotations

from starlette.requests import Request

from ..exchange.clock import to_rfc3339
from ..models import render
from ..store import exchange as store
from .endpoints import route
from .params import Query
from .responses import json_response, services


def get_exchange_status(request: Request):
    svc = services(request)
    with svc.reading() as conn:
        status = store.status(conn, svc.clock.now_us())
    return json_response(render.exchange_status(status))


def get_exchange_schedule(request: Request):
    with services(request).reading() as conn:
        state = store.schedule(conn)
    return json_response({"schedule": render.schedule(state)})


def get_exchange_announcements(request: Request):
    svc = services(request)
    with svc.reading() as conn:
        rows = store.list_announcements(conn, svc.clock.now_us())
    return json_response({"announcements": [render.announcement(r) for r in rows]})


async def get_user_data_timestamp(request: Request):
    return json_response({"as_of_time": to_rfc3339(services(request).clock.now_us())})


def get_series_fee_changes(request: Request):
    q = Query(request.query_params)
    series_ticker, show_historical = q.str("series_ticker"), q.bool("show_historical")
    svc = services(request)
    with svc.reading() as conn:
        rows = store.list_fee_changes(conn, series_ticker, None if show_historical else svc.clock.now_us())
    return json_response({"series_fee_change_arr": [render.series_fee_change(r) for r in rows]})


routes = [
    route("/exchange/status", get_exchange_status),
    route("/exchange/schedule", get_exchange_schedule),
    route("/exchange/announcements", get_exchange_announcements),
    route("/exchange/user_data_timestamp", get_user_data_timestamp),
    route("/series/fee_changes", get_series_fee_changes),
]
