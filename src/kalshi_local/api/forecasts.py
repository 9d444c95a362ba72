"""GET /series/{series_ticker}/events/{ticker}/forecast_percentile_history: percentiles of a
numeric-strike event's outcome over time, read from its markets' candlesticks (how: the
docstring of exchange/forecasts.py).

A point is given for every period end in [start_ts, end_ts] at which any market of the event
has a candlestick (a change), as for candlesticks; each market counts at its latest price by
then, the latest before start_ts included. Only the candle periods are kept: period_interval 0
(5-second forecasts) is a 400. The range spans at most 5,000 periods, as one market's candles.
"""

from __future__ import annotations

import dataclasses

from starlette.requests import Request

from ..authenticator import Caller
from ..errors import InvalidParameter
from ..exchange import forecasts
from ..models.forecasts import forecast_point
from ..store import events as event_store
from ..store import markets as market_store
from .authenticated import signed_route
from .candlesticks import MAX_PERIODS, Window, market_candles
from .params import Query, parse_int
from .responses import json_response, services

MAX_PERCENTILES = 10
FIVE_SECONDS = 0  # the spec's period_interval for 5-second forecasts, which are not kept


def _percentiles(q: Query) -> list[int]:
    texts = q.list("percentiles", max_items=MAX_PERCENTILES, required=True)
    found = []
    for text in texts:
        value = parse_int(text)
        if value is None or not 0 <= value <= forecasts.PERCENTILE_SCALE:
            raise InvalidParameter(f"percentiles must be integers from 0 to 10000, got {text[:40]!r}")
        found.append(value)
    return found


def _window(q: Query) -> Window:
    if q.int("period_interval", required=True) == FIVE_SECONDS:
        raise InvalidParameter("period_interval 0 (5-second forecasts) is not kept here; use 1, 60 or 1440")
    window = dataclasses.replace(Window.parse(q), with_latest_before=True)
    if window.periods() > MAX_PERIODS:
        raise InvalidParameter(
            f"end_ts is more than {MAX_PERIODS} periods of {window.period} minutes after start_ts; narrow the range"
        )
    return window


def get_forecast_percentile_history(request: Request, caller: Caller):
    q = Query(request.query_params)
    percentiles = _percentiles(q)
    window = _window(q)
    series_ticker, ticker = request.path_params["series_ticker"], request.path_params["ticker"]
    with services(request).reading() as conn:
        event = event_store.get(conn, ticker)
        if event is None or event.series_ticker != series_ticker:
            # The spec declares no 404 here: an unknown event is a bad parameter.
            raise InvalidParameter(f"event {ticker} not found in series {series_ticker}")
        numeric = []
        for row in market_store.of_events(conn, [ticker]):
            strike = forecasts.strike_of(row.strike_type, row.floor_strike, row.cap_strike)
            if strike is not None:
                numeric.append((strike, market_candles(conn, row.ticker, window, MAX_PERIODS + 1)))
    if not numeric:
        raise InvalidParameter(f"event {ticker} has no market with a numeric strike (greater, less or between)")
    history = [
        forecast_point(ticker, end, window.period, points) for end, points in forecasts.history(numeric, percentiles)
    ]
    return json_response({"forecast_history": history})


PATH = "/series/{series_ticker}/events/{ticker}/forecast_percentile_history"
routes = [signed_route(PATH, get_forecast_percentile_history, "GET")]
