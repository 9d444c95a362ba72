"""Candlesticks: of one market, of several (batch), and of every market of an event.

Built by the engine from the trading core's events as they happen (exchange/candles.py);
here they are read, finished and rendered. A candlestick is listed when its period ends
in [start_ts, end_ts] (the spec: "ending on or after start_ts ... on or before end_ts").
Periods without any change have no candlestick.

Limits (Get Market Candlesticks in the Kalshi reference): one market's range spans at most
5,000 periods (more is a 400); the batch returns at most 10,000 candlesticks in all (the
latest beyond that are left out); an event's request covers at most 5,000 candlesticks over
its markets and says where it stopped in `adjusted_end_ts`, the start_ts of the next request.

A market settled before the historical cutoff has its candlesticks only under /historical
(historical_data.md): here it is a 404, an empty list in the batch, and left out of its event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from starlette.requests import Request

from ..errors import InvalidParameter, NotFound
from ..exchange import candles
from ..exchange.historical import Tier
from ..models.candles import candlestick
from ..store import candles as store
from ..store import events as event_store
from ..store import markets as market_store
from . import tiers
from .endpoints import route
from .params import Query
from .responses import cached_response, json_response, services
from .tiers import archive_marker

MAX_PERIODS = 5_000  # per market and request
MAX_BATCH_MARKETS = 100
MAX_BATCH_CANDLES = 10_000
MAX_EVENT_CANDLES = 5_000


@dataclass(frozen=True, slots=True)
class Window:
    """The query of a candlestick request: start_ts, end_ts (Unix seconds), period_interval (minutes)."""

    start: int
    end: int
    period: int
    with_latest_before: bool = False

    @classmethod
    def parse(cls, q: Query, periods: Sequence[int] = candles.PERIODS) -> Window:
        start = q.int("start_ts", required=True, minimum=0, maximum=_MAX_TS)
        end = q.int("end_ts", required=True, minimum=0, maximum=_MAX_TS)
        period = q.int("period_interval", required=True)
        if period not in periods:
            raise InvalidParameter(
                f"period_interval must be one of {', '.join(map(str, periods))} (minutes), got {period}"
            )
        if start > end:
            raise InvalidParameter(f"start_ts ({start}) must not be after end_ts ({end})")
        return cls(start, end, period, q.bool("include_latest_before_start"))

    @property
    def seconds(self) -> int:
        return self.period * 60

    def periods(self) -> int:
        """How many period ends fall in [start, end]."""
        first = candles.first_end(self.start, self.period)
        return 0 if first > self.end else (self.end - first) // self.seconds + 1


_MAX_TS = 253_402_300_799  # 9999-12-31T23:59:59Z: every time the exchange can render


def market_candles(conn: Connection, ticker: str, window: Window, limit: int) -> list[candles.Candle]:
    """The market's candlesticks in `window`, at most `limit` real ones, after the carried one
    (include_latest_before_start) when asked for and there is a bucket before start."""
    before = store.before(conn, ticker, window.period, window.start)
    found = candles.finish(before, store.between(conn, ticker, window.period, window.start, window.end, limit))
    if window.with_latest_before and before is not None:
        first = candles.first_end(window.start, window.period)
        if first <= window.end and not (found and found[0].end_ts == first):
            found.insert(0, candles.carried(before, first))
    return found


def _market(conn: Connection, series_ticker: str, ticker: str, live: Tier):
    row = market_store.get(conn, ticker)
    if row is None or row.series_ticker != series_ticker:
        raise NotFound(f"market {ticker} not found in series {series_ticker}")
    if not live.holds(row.settlement_us):
        raise NotFound(f"market {ticker} settled before the historical cutoff: see /historical/markets/{ticker}")
    return row


@cached_response(archive_marker)
def get_market_candlesticks(request: Request):
    window = Window.parse(Query(request.query_params))
    if window.periods() > MAX_PERIODS:
        raise InvalidParameter(
            f"end_ts is more than {MAX_PERIODS} periods of {window.period} minutes after start_ts; narrow the range"
        )
    params = request.path_params
    with services(request).reading() as conn:
        _market(conn, params["series_ticker"], params["ticker"], tiers.markets(request))
        found = market_candles(conn, params["ticker"], window, MAX_PERIODS + 1)
    return json_response({"ticker": params["ticker"], "candlesticks": [candlestick(c) for c in found]})


@cached_response(archive_marker)
def get_batch_candlesticks(request: Request):
    q = Query(request.query_params)
    tickers = list(dict.fromkeys(q.list("market_tickers", max_items=MAX_BATCH_MARKETS, required=True)))
    window = Window.parse(q)
    left = MAX_BATCH_CANDLES
    out: list[dict[str, Any]] = []
    live = tiers.markets(request)
    with services(request).reading() as conn:
        settled = market_store.settled_times(conn, tickers)
        for ticker in tickers:
            shown = left and live.holds(settled.get(ticker))
            found = market_candles(conn, ticker, window, left)[:left] if shown else []
            left -= len(found)
            out.append({"market_ticker": ticker, "candlesticks": [candlestick(c) for c in found]})
    return json_response({"markets": out})


@cached_response(archive_marker)
def get_event_candlesticks(request: Request):
    window = Window.parse(Query(request.query_params))
    params = request.path_params
    with services(request).reading() as conn:
        event = event_store.get(conn, params["ticker"])
        if event is None or event.series_ticker != params["series_ticker"]:
            # The spec declares no 404 here: an unknown event is a bad parameter.
            raise InvalidParameter(f"event {params['ticker']} not found in series {params['series_ticker']}")
        live = tiers.markets(request)
        rows = market_store.of_events(conn, [event.event_ticker])
        tickers = [row.ticker for row in rows if live.holds(row.settlement_us)]
        end, adjusted = window.end, window.end
        most = max(1, MAX_EVENT_CANDLES // max(1, len(tickers)))
        if window.periods() > most:  # stop before the first period that does not fit
            adjusted = candles.first_end(window.start, window.period) + most * window.seconds
            end = adjusted - 1
        narrowed = dataclasses.replace(window, end=end)
        found = [[candlestick(c) for c in market_candles(conn, t, narrowed, most)] for t in tickers]
    return json_response({"market_tickers": tickers, "market_candlesticks": found, "adjusted_end_ts": adjusted})


routes = [
    route("/markets/candlesticks", get_batch_candlesticks),
    route("/series/{series_ticker}/markets/{ticker}/candlesticks", get_market_candlesticks),
    route("/series/{series_ticker}/events/{ticker}/candlesticks", get_event_candlesticks),
]
