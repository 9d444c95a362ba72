"""The official kalshi-typescript SDK reads candlesticks (tests/ts/candles.js).

The scripted trades of test_candlesticks.py are replayed on a server of this module; the
SDK's getMarketCandlesticks, batchGetMarketCandlesticks and getMarketCandlesticksByEvent
must bring back the candles the independent model computes, every answer fitting
openapi.yaml.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from .. import spec
from ..client import AdminClient
from ..servers import ADMIN_TOKEN
from .test_candlesticks import DAY, expected, run_script, series_of, served, server  # noqa: F401
from .test_typescript_sdk import TS_DIR, _node_or_skip
from .write_path import new_market


@pytest.fixture(scope="module")
def run(server):  # noqa: F811
    node = _node_or_skip()
    admin = AdminClient(server.url, ADMIN_TOKEN)
    now = admin.request("GET", "/clock")["now_us"] // 1_000_000
    day = (now // DAY + 2) * DAY
    ticker = new_market(admin, close_time="2099-01-01T00:00:00Z")
    model = run_script(admin, ticker, day)
    event = ticker.rsplit("-", 1)[0]
    args = [node, "candles.js", server.api, series_of(ticker), ticker, event, str(day), str(day + 3 * DAY)]
    result = subprocess.run(args, cwd=TS_DIR, capture_output=True, text=True, timeout=60)
    admin.close()
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["calls"], model, ticker, day


def data(calls: dict, name: str) -> dict:
    call = calls[name]
    assert call["ok"], f"{name} failed: HTTP {call.get('status')} {call.get('error')} ({call.get('url')})"
    path = call["url"].split("?")[0]
    spec.validate("GET", path[path.index("/trade-api/v2") :], call["status"], call["data"])
    return call["data"]


def test_the_sdk_reads_one_markets_candles(run):
    calls, model, ticker, _ = run
    body = data(calls, "market")
    assert body["ticker"] == ticker
    assert [served(c) for c in body["candlesticks"]] == expected(model, 60)


def test_the_sdk_asks_for_the_latest_candle_before_start(run):
    calls, model, _, day = run
    candles = data(calls, "market_latest")["candlesticks"]
    assert candles[0]["end_period_ts"] == day + 600  # carried forward: no change in that minute
    assert [served(c) for c in candles[1:]] == [c for c in expected(model, 1) if c["end_period_ts"] > day + 600]


def test_the_sdk_reads_the_batch_and_the_events_candles(run):
    calls, model, ticker, _ = run
    (market,) = data(calls, "batch")["markets"]
    assert market["market_ticker"] == ticker
    assert [served(c) for c in market["candlesticks"]] == expected(model, 1440)
    event = data(calls, "event")
    assert event["market_tickers"] == [ticker]
    assert [served(c) for c in event["market_candlesticks"][0]] == expected(model, 60)
