"""GET /series/{series_ticker}/events/{ticker}/forecast_percentile_history on a numeric-strike event.

Three `greater` markets (3.00, 3.50, 4.00) get two-sided books through the engine; an hour
later the 3.50 market's ask is taken. The percentiles are checked against values worked by
hand from those prices (the reading is exchange/forecasts.py's: the middle of a two-sided
book, else the last trade; linear between strikes), over raw HTTP and through kalshi-python-sync.
"""

from __future__ import annotations

from datetime import UTC, datetime

import kalshi_python_sync
import pytest

from ..client import AdminClient, ApiClient
from . import trading_fixtures as fixtures
from . import trading_rows as rows
from .trading_rows import PRIVATE
from .write_path import place

server = fixtures.server
admin = fixtures.admin
HOUR = 3_600
SERIES, EVENT = "KXFCST", "KXFCST-1"
PATH = f"/series/{SERIES}/events/{EVENT}/forecast_percentile_history"
STRIKES = {"KXFCST-1-T3.00": ("3.00", "0.80", "0.84"), "KXFCST-1-T3.50": ("3.50", "0.48", "0.52"),
           "KXFCST-1-T4.00": ("4.00", "0.10", "0.14")}  # fmt: skip


def set_clock(admin: AdminClient, ts: int) -> None:
    admin.request("POST", "/clock", {"set": datetime.fromtimestamp(ts, UTC).isoformat()})


@pytest.fixture(scope="module")
def hours(server, admin):
    """The two hour ends (Unix seconds) at which the books changed."""
    now = admin.request("GET", "/clock")["now_us"] // 10**6
    start = (now // HOUR + 2) * HOUR
    admin.request("PUT", f"/series/{SERIES}", {"title": "Rates", "category": "Economics"})
    markets = [
        {"ticker": t, "open_time": "2020-01-01T00:00:00Z", "close_time": "2099-01-01T00:00:00Z",
         "strike_type": "greater", "floor_strike": float(k)}
        for t, (k, _, _) in STRIKES.items()
    ]  # fmt: skip
    markets.append({"ticker": "KXFCST-1-X", "open_time": "2020-01-01T00:00:00Z", "close_time": "2099-01-01T00:00:00Z"})
    admin.request("PUT", f"/events/{EVENT}", {"series_ticker": SERIES, "title": "Rate path", "markets": markets})
    with rows.trader(server, admin, balance="1000.00") as maker, rows.trader(server, admin) as taker:
        set_clock(admin, start + 60)
        for ticker, (_, bid, ask) in STRIKES.items():
            place(maker, ticker, "bid", "5", bid)
            place(maker, ticker, "ask", "5", ask)
        set_clock(admin, start + HOUR + 60)
        place(taker, "KXFCST-1-T3.50", "bid", "5", "0.52")  # takes the whole ask: one-sided, last trade 0.52
    return start + HOUR, start + 2 * HOUR


def test_percentiles_follow_the_strike_prices(server, admin, hours):
    first, second = hours
    with rows.trader(server, admin) as reader:
        params = {"percentiles": [5000, 2500, 1000, 9000], "start_ts": first - HOUR, "end_ts": second,
                  "period_interval": 60}  # fmt: skip
        body = reader.ok(PATH, params)
    history = body["forecast_history"]
    assert [(p["event_ticker"], p["end_period_ts"], p["period_interval"]) for p in history] == [
        (EVENT, first, 60), (EVENT, second, 60)
    ]  # fmt: skip
    # First hour: P(above) 0.82, 0.50, 0.12, so F = 0.18 at 3.00, 0.50 at 3.50, 0.88 at 4.00.
    one = history[0]["percentile_points"]
    assert [(p["percentile"], p["raw_numerical_forecast"], p["formatted_forecast"]) for p in one] == [
        (5000, 3.5, "3.50"), (2500, 3.109375, "3.11"), (1000, 3.0, "3.00"), (9000, 4.0, "4.00")
    ]  # fmt: skip
    assert [p["numerical_forecast"] for p in one] == [3.5, 3.11, 3.0, 4.0]
    # Second hour: the 3.50 market's last trade 0.52 gives F = 0.48 there; the median is
    # 3.50 + 0.02 / 0.40 x 0.50 = 3.525, shown to two places (half away from zero).
    median = history[1]["percentile_points"][0]
    assert (median["raw_numerical_forecast"], median["formatted_forecast"]) == (3.525, "3.53")


def test_the_python_sdk_reads_the_forecast(server, admin, hours):
    first, second = hours
    with rows.trader(server, admin) as reader:
        config = kalshi_python_sync.Configuration(host=server.api)
        config.api_key_id, config.private_key_pem = reader.signer.key_id, PRIVATE
        client = kalshi_python_sync.KalshiClient(config)
        found = client.get_event_forecast_percentiles_history(
            EVENT, SERIES, percentiles=[5000], start_ts=first - HOUR, end_ts=second, period_interval=60
        ).forecast_history
    assert [(p.end_period_ts, p.percentile_points[0].formatted_forecast) for p in found] == [
        (first, "3.50"), (second, "3.53")
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("path", "params", "named"),
    [
        (PATH, {"start_ts": 0, "end_ts": 60, "period_interval": 60}, "percentiles"),
        (PATH, {"percentiles": list(range(11)), "start_ts": 0, "end_ts": 60, "period_interval": 60}, "percentiles"),
        (PATH, {"percentiles": [10_001], "start_ts": 0, "end_ts": 60, "period_interval": 60}, "percentiles"),
        (PATH, {"percentiles": ["x"], "start_ts": 0, "end_ts": 60, "period_interval": 60}, "percentiles"),
        (PATH, {"percentiles": [5000], "start_ts": 0, "end_ts": 60, "period_interval": 0}, "period_interval"),
        (PATH, {"percentiles": [5000], "start_ts": 0, "end_ts": 60, "period_interval": 5}, "period_interval"),
        (PATH, {"percentiles": [5000], "start_ts": 0, "end_ts": 6_000 * 60, "period_interval": 1}, "end_ts"),
        (f"/series/OTHER/events/{EVENT}/forecast_percentile_history",
         {"percentiles": [5000], "start_ts": 0, "end_ts": 60, "period_interval": 60}, "OTHER"),
    ],
)  # fmt: skip
def test_bad_requests_are_400s_naming_the_problem(server, admin, hours, path, params, named):
    with rows.trader(server, admin) as reader:
        assert named in reader.error(path, params)["message"]


def test_an_event_without_numeric_strikes_is_a_400(server, admin, hours):
    admin.request("PUT", "/events/KXFCST-2", {"series_ticker": SERIES, "title": "Plain", "markets": [
        {"ticker": "KXFCST-2-A", "open_time": "2020-01-01T00:00:00Z", "close_time": "2099-01-01T00:00:00Z"}]})
    with rows.trader(server, admin) as reader:
        params = {"percentiles": [5000], "start_ts": 0, "end_ts": 60, "period_interval": 60}
        message = reader.error(f"/series/{SERIES}/events/KXFCST-2/forecast_percentile_history", params)["message"]
    assert "numeric strike" in message


def test_the_forecast_needs_a_signed_request(server, hours):
    with ApiClient(server.api) as anonymous:
        anonymous.error(PATH, {"percentiles": [5000], "start_ts": 0, "end_ts": 60, "period_interval": 60}, status=401)
