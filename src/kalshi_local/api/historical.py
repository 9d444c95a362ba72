"""The historical tier: GET /historical/cutoff, markets, a market, its candlesticks, trades,
fills and orders (getting_started/historical_data.md).

They serve exactly what the live endpoints stopped serving: the records on the far side of
the cutoffs (exchange/historical.py), in the live endpoints' shapes and newest-first keyset
pages, with cursors of their own. Markets, trades and candlesticks are public; fills and
orders are the signed caller's own.
"""

from __future__ import annotations

from sqlalchemy import Connection
from starlette.requests import Request

from ..authenticator import Caller
from ..errors import InvalidParameter, NotFound
from ..exchange.clock import to_rfc3339
from ..models import render
from ..models import trading as out
from ..models.candles import historical_candlestick
from ..store import fills as fill_store
from ..store import markets as market_store
from ..store import orders as order_store
from ..store import trades as trade_store
from . import tiers
from .authenticated import signed_route
from .candlesticks import MAX_PERIODS, Window, market_candles
from .endpoints import route
from .markets import rendered
from .params import Query
from .responses import json_response, services


def get_cutoff(request: Request):
    found = tiers.cutoffs_of(request)
    return json_response(
        {
            "market_settled_ts": to_rfc3339(found.market_settled_us),
            "trades_created_ts": to_rfc3339(found.trades_created_us),
            "orders_updated_ts": to_rfc3339(found.orders_updated_us),
        }
    )


_EXCLUSIVE = ("tickers", "event_ticker", "series_ticker")  # "Filters are mutually exclusive"


def get_markets(request: Request):
    q = Query(request.query_params)
    limit = q.int("limit", minimum=0, maximum=1000) or 100
    tickers, event_ticker, series_ticker = tuple(q.list("tickers")), q.str("event_ticker"), q.str("series_ticker")
    given = [name for name, value in zip(_EXCLUSIVE, (tickers, event_ticker, series_ticker), strict=True) if value]
    if len(given) > 1:
        raise InvalidParameter(f"{given[0]} cannot be combined with {given[1]}: the filters are mutually exclusive")
    flt = market_store.MarketFilter(
        event_tickers=(event_ticker,) if event_ticker else (),
        series_ticker=series_ticker,
        tickers=tickers,
        mve=q.enum("mve_filter", ("exclude",)),
        tier=tiers.markets(request, historical=True),
    )
    svc = services(request)
    now_us = svc.clock.now_us()
    with svc.reading() as conn:
        page = market_store.page(conn, flt, now_us, q.str("cursor"), limit)
        body = {"markets": [raw for _, raw in rendered(conn, svc, page.rows, now_us)], "cursor": page.cursor}
    return json_response(body)


def _historical_market(request: Request, conn: Connection, ticker: str):
    row = market_store.get_rendered(conn, ticker)
    if row is None:
        raise NotFound(f"market {ticker} not found")
    if not tiers.markets(request, historical=True).holds(row.settlement_us):
        raise NotFound(f"market {ticker} did not settle before the historical cutoff: see /markets/{ticker}")
    return row


def get_market(request: Request):
    ticker = request.path_params["ticker"]
    svc = services(request)
    with svc.reading() as conn:
        row = _historical_market(request, conn, ticker)
        categories = market_store.categories(conn, [row])
    return json_response({"market": render.market(row, svc.clock.now_us(), categories.get(row.series_ticker, ""))})


def get_market_candlesticks(request: Request):
    window = Window.parse(Query(request.query_params))
    if window.periods() > MAX_PERIODS:
        raise InvalidParameter(
            f"end_ts is more than {MAX_PERIODS} periods of {window.period} minutes after start_ts; narrow the range"
        )
    ticker = request.path_params["ticker"]
    with services(request).reading() as conn:
        _historical_market(request, conn, ticker)
        found = market_candles(conn, ticker, window, MAX_PERIODS + 1)
    return json_response({"ticker": ticker, "candlesticks": [historical_candlestick(c) for c in found]})


def get_trades(request: Request):
    q = Query(request.query_params)
    limit = q.int("limit", minimum=0, maximum=1000) or 100
    ticker, min_us, max_us = q.str("ticker"), q.timestamp_us("min_ts"), q.timestamp_us("max_ts")
    tier = tiers.trades(request, historical=True)
    with services(request).reading() as conn:
        page = trade_store.page(conn, ticker, min_us, max_us, q.str("cursor"), limit, tier)
    return json_response({"trades": [out.trade(row) for row in page.rows], "cursor": page.cursor})


def get_fills(request: Request, caller: Caller):
    q = Query(request.query_params)
    limit = q.int("limit", default=100, minimum=1, maximum=1000)
    flt = fill_store.FillFilter(
        ticker=q.str("ticker"),
        min_us=q.timestamp_us("min_ts"),  # not in openapi.yaml; kalshi-typescript 3.30.0 sends it
        max_us=q.timestamp_us("max_ts"),
        tier=tiers.trades(request, historical=True),
    )
    with services(request).reading() as conn:
        page = fill_store.page(conn, caller.user_seq, flt, q.str("cursor"), limit)
    return json_response({"fills": [out.fill(row) for row in page.rows], "cursor": page.cursor})


def get_orders(request: Request, caller: Caller):
    q = Query(request.query_params)
    limit = q.int("limit", default=100, minimum=1, maximum=1000)
    flt = order_store.OrderFilter(
        ticker=q.str("ticker"),
        min_us=q.timestamp_us("min_ts"),  # as for fills: the newer SDK's filter
        max_us=q.timestamp_us("max_ts"),
        tier=tiers.orders(request, historical=True),
    )
    with services(request).reading() as conn:
        page = order_store.page(conn, caller.user_seq, flt, q.str("cursor"), limit)
    return json_response({"orders": [out.order(row, caller.user_id) for row in page.rows], "cursor": page.cursor})


routes = [
    route("/historical/cutoff", get_cutoff),
    route("/historical/markets", get_markets),
    route("/historical/markets/{ticker}", get_market),
    route("/historical/markets/{ticker}/candlesticks", get_market_candlesticks),
    route("/historical/trades", get_trades),
    signed_route("/historical/fills", get_fills, "GET"),
    signed_route("/historical/orders", get_orders, "GET"),
]
