"""GET /events, /events/multivariate, /events/{event_ticker} and its metadata."""

from __future__ import annotations

from msgspec import Raw
from sqlalchemy import Connection
from starlette.requests import Request

from ..errors import InvalidParameter, NotFound
from ..exchange.lifecycle import EVENT_STATUS_FILTERS
from ..models import catalog, render
from ..services import Services
from ..store import events as store
from ..store import markets, milestones
from . import tiers
from .endpoints import route
from .markets import rendered
from .params import Query
from .responses import json_response, services


def _render(conn: Connection, svc: Services, rows, now_us: int, nested: bool, live=None) -> list[catalog.Event]:
    """With `live` (a Tier), nested markets on its side only (historical_data.md: GET /events)."""
    if not nested:
        return render.events(rows, None)
    refs = markets.refs_of_events(conn, (row.event_ticker for row in rows))
    if live is not None:
        refs = [ref for ref in refs if live.holds(ref.settlement_us)]
    by_event: dict[str, list[Raw]] = {}
    for ref, market_json in rendered(conn, svc, refs, now_us):
        by_event.setdefault(ref.event_ticker, []).append(market_json)
    return render.events(rows, by_event)


def get_events(request: Request):
    q = Query(request.query_params)
    limit = q.int("limit", default=200, minimum=1, maximum=200)
    flt = store.EventFilter(
        series_ticker=q.str("series_ticker"),
        status=q.enum("status", EVENT_STATUS_FILTERS),
        min_close_us=q.timestamp_us("min_close_ts"),
        min_updated_us=q.timestamp_us("min_updated_ts"),
    )
    nested, with_milestones = q.bool("with_nested_markets"), q.bool("with_milestones")
    svc = services(request)
    now_us = svc.clock.now_us()
    with svc.reading() as conn:
        page = store.page(conn, flt, now_us, q.str("cursor"), limit)
        live = tiers.markets(request)
        body = {"events": _render(conn, svc, page.rows, now_us, nested, live), "cursor": page.cursor}
        if with_milestones:
            related = milestones.related_to_events(conn, (row.event_ticker for row in page.rows))
            body["milestones"] = [render.milestone(row) for row in related]
    return json_response(body)


def get_multivariate_events(request: Request):
    q = Query(request.query_params)
    limit = q.int("limit", default=100, minimum=1, maximum=200)
    flt = store.EventFilter(
        multivariate=True, series_ticker=q.str("series_ticker"), collection_ticker=q.str("collection_ticker")
    )
    if flt.series_ticker is not None and flt.collection_ticker is not None:
        raise InvalidParameter("collection_ticker cannot be combined with series_ticker")
    nested = q.bool("with_nested_markets")
    svc = services(request)
    now_us = svc.clock.now_us()
    with svc.reading() as conn:
        page = store.page(conn, flt, now_us, q.str("cursor"), limit)
        return json_response({"events": _render(conn, svc, page.rows, now_us, nested), "cursor": page.cursor})


def get_event(request: Request):
    ticker = request.path_params["event_ticker"]
    nested = Query(request.query_params).bool("with_nested_markets")
    svc = services(request)
    with svc.reading() as conn:
        row = store.get(conn, ticker)
        if row is None:
            raise NotFound(f"event {ticker} not found")
        live = tiers.markets(request)  # as GET /events: markets settled before the cutoff are historical
        refs = [ref for ref in markets.refs_of_events(conn, [ticker]) if live.holds(ref.settlement_us)]
        market_json = [raw for _, raw in rendered(conn, svc, refs, svc.clock.now_us())]
    # The top-level list is always there; with_nested_markets also puts it inside the event.
    return json_response({"event": render.event(row, market_json if nested else None), "markets": market_json})


def get_event_metadata(request: Request):
    ticker = request.path_params["event_ticker"]
    with services(request).reading() as conn:
        row = store.get(conn, ticker)
        if row is None:
            raise NotFound(f"event {ticker} not found")
        market_rows = markets.of_events(conn, [ticker])
    return json_response(render.event_metadata(row, market_rows))


routes = [
    route("/events", get_events),
    # Before /events/{event_ticker}, which would otherwise take "multivariate" as a ticker.
    route("/events/multivariate", get_multivariate_events),
    route("/events/{event_ticker}", get_event),
    route("/events/{event_ticker}/metadata", get_event_metadata),
]
