"""GET /markets, /markets/{ticker}, its order book, /markets/orderbooks and /markets/trades.

Markets settled, and trades made, before the historical cutoffs are left to /historical
(exchange/historical.py): these list only the live ones, and a historical market is a 404.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from msgspec import Raw
from sqlalchemy import Connection
from starlette.requests import Request

from ..errors import InvalidParameter, NotFound
from ..exchange.lifecycle import MARKET_STATUS_FILTERS, effective_status
from ..models import render
from ..models import trading as out
from ..services import Services
from ..store import markets as store
from ..store import orderbook as book_store
from ..store import trades as trade_store
from ..store.changes import next_time_memo
from . import tiers
from .endpoints import route
from .params import Query
from .responses import cached_response, json_response, services

# The Get Markets doc page: timestamp groups exclude each other, and each allows
# only some status filters. min_updated_ts allows no other filter but mve_filter=exclude.
_TIMESTAMP_GROUPS = (
    (("min_created_ts", "max_created_ts"), ("unopened", "open")),
    (("min_close_ts", "max_close_ts"), ("closed",)),
    (("min_settled_ts", "max_settled_ts"), ("settled",)),
    (("min_updated_ts",), ()),
)


def _check_timestamps(stamps: Mapping[str, int | None], status: str | None, others: Mapping[str, object]) -> None:
    used = [
        ([n for n in names if stamps[n] is not None], statuses)
        for names, statuses in _TIMESTAMP_GROUPS
        if any(stamps[n] is not None for n in names)
    ]
    if len(used) > 1:
        raise InvalidParameter(f"{used[0][0][0]} cannot be combined with {used[1][0][0]}")
    if not used:
        return
    (name, *_), statuses = used[0]
    if status is not None and status not in statuses:
        raise InvalidParameter(f"status={status} cannot be combined with {name}")
    if name == "min_updated_ts":
        for other, value in others.items():
            if value:
                raise InvalidParameter(f"min_updated_ts cannot be combined with {other}")


def _market_filter(q: Query) -> store.MarketFilter:
    stamps: dict[str, Any] = {name: q.timestamp_us(name) for names, _ in _TIMESTAMP_GROUPS for name in names}
    status = q.enum("status", MARKET_STATUS_FILTERS)
    mve = q.enum("mve_filter", ("only", "exclude"))
    flt = store.MarketFilter(
        # The spec takes one event ticker; older clients send up to 10, comma-separated.
        event_tickers=tuple(q.list("event_ticker", max_items=10)),
        series_ticker=q.str("series_ticker"),
        tickers=tuple(q.list("tickers")),
        status=status,
        mve=mve,
        **{name.replace("_ts", "_us"): value for name, value in stamps.items()},
    )
    others = {
        "event_ticker": flt.event_tickers,
        "series_ticker": flt.series_ticker,
        "tickers": flt.tickers,
        "mve_filter=only": mve == "only",
    }
    _check_timestamps(stamps, status, others)
    return flt


def rendered(conn: Connection, svc: Services, refs, now_us: int) -> list[tuple[Any, Raw]]:
    """(reference, Market JSON) for market references (store.markets.REF_COLUMNS), via the cache."""

    def key(ref) -> tuple:
        status = effective_status(ref.status, ref.open_us, ref.close_us, now_us)
        return "market", ref.seq, ref.version, status, ref.category

    found = svc.json_cache.render(
        refs,
        key,
        lambda seqs: store.by_seqs(conn, seqs),
        lambda row, ref: render.market(row, now_us, ref.category or ""),
    )
    return [(ref, raw) for ref, raw in zip(refs, found, strict=True) if raw is not None]


def _store_and_statuses(request: Request, conn: Connection):
    # A list of markets depends on the store, on each market's shown status, which only
    # changes when some market opens or closes, and on which markets the cutoff archived.
    now_us = services(request).clock.now_us()
    changes = next_time_memo(conn, "next_status_change", now_us, store.next_status_change, inclusive=False)
    return tiers.archive_marker(request, conn), changes


@cached_response(_store_and_statuses)
def get_markets(request: Request):
    q = Query(request.query_params)
    limit = q.int("limit", minimum=0, maximum=1000) or 100
    flt = dataclasses.replace(_market_filter(q), tier=tiers.markets(request))
    svc = services(request)
    now_us = svc.clock.now_us()
    with svc.reading() as conn:
        page = store.page(conn, flt, now_us, q.str("cursor"), limit)
        body = {"markets": [raw for _, raw in rendered(conn, svc, page.rows, now_us)], "cursor": page.cursor}
    return json_response(body)


def get_market(request: Request):
    ticker = request.path_params["ticker"]
    svc = services(request)
    with svc.reading() as conn:
        row = store.get_rendered(conn, ticker)
        categories = store.categories(conn, [row] if row else [])
    if row is None:
        raise NotFound(f"market {ticker} not found")
    if not tiers.markets(request).holds(row.settlement_us):
        raise NotFound(f"market {ticker} settled before the historical cutoff: GET /historical/markets/{ticker}")
    return json_response({"market": render.market(row, svc.clock.now_us(), categories.get(row.series_ticker, ""))})


MAX_DEPTH = 100


def get_orderbook(request: Request):
    ticker = request.path_params["ticker"]
    # The SDKs document 0 or a negative depth as every level; past the spec's maximum is a 400.
    depth = max(Query(request.query_params).int("depth", default=0, maximum=MAX_DEPTH), 0)
    with services(request).reading() as conn:
        if store.get(conn, ticker) is None:
            raise NotFound(f"market {ticker} not found")
        yes, no = book_store.book(conn, ticker, depth)
    return json_response(out.orderbook_response(yes, no))


def get_orderbooks(request: Request):
    tickers = tuple(dict.fromkeys(Query(request.query_params).list("tickers", max_items=100, required=True)))
    with services(request).reading() as conn:
        books = book_store.books_of(conn, tickers)
    return json_response(
        {"orderbooks": [out.MarketOrderbook(t, out.orderbook_fp(*books.get(t, ([], [])))) for t in tickers]}
    )


def get_trades(request: Request):
    q = Query(request.query_params)
    limit = q.int("limit", minimum=0, maximum=1000) or 100
    ticker, min_us, max_us = q.str("ticker"), q.timestamp_us("min_ts"), q.timestamp_us("max_ts")
    with services(request).reading() as conn:
        page = trade_store.page(conn, ticker, min_us, max_us, q.str("cursor"), limit, tiers.trades(request))
    return json_response({"trades": [out.trade(row) for row in page.rows], "cursor": page.cursor})


routes = [
    route("/markets", get_markets),
    route("/markets/orderbooks", get_orderbooks),
    route("/markets/trades", get_trades),
    route("/markets/{ticker}", get_market),
    route("/markets/{ticker}/orderbook", get_orderbook),
]
