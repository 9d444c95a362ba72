"""The official kalshi-typescript SDK reads the public catalog of a real server.

tests/ts/catalog.js drives the SDK's own API classes (no API key) and prints what
each call returned; these tests check the values against the demo catalog and
replay every request the SDK sent through the spec-validating client.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from kalshi_local.scenario import loader

from ..client import ApiClient

TS_DIR = Path(__file__).resolve().parents[1] / "ts"
SCRIPT = "catalog.js"


def _node_or_skip() -> str:
    node = shutil.which("node")
    if node is None:
        reason = "node is not on PATH"
    elif not (TS_DIR / "node_modules" / "kalshi-typescript").is_dir():
        reason = "tests/ts/node_modules is missing: run `npm ci` in tests/ts"
    else:
        return node
    if os.environ.get("KALSHI_LOCAL_REQUIRE_TS") == "1":
        pytest.fail(f"KALSHI_LOCAL_REQUIRE_TS=1 but {reason}")
    pytest.skip(reason)


def _two_or_more(ids: list[str]) -> list[str]:
    # With a one-item catalog the same id is sent twice, so the request still repeats the parameter.
    return ids if len(ids) >= 2 else ids * 2


def _demo_inputs() -> dict:
    """What the script asks for, taken from the demo catalog so it follows the catalog as it grows."""
    text = resources.files("kalshi_local.demo").joinpath("catalog.yaml").read_text(encoding="utf-8")
    scenario = loader.parse_text(text, "demo/catalog.yaml")
    related = {ticker: m for m in reversed(scenario.milestones) for ticker in m.related_event_tickers}
    event = next(e for e in scenario.events if e.markets and e.event_ticker in related)
    milestone = related[event.event_ticker]
    return {
        "series_ticker": event.series_ticker,
        "event_ticker": event.event_ticker,
        "event_market_tickers": sorted(m.ticker for m in event.markets),
        "market_ticker": event.markets[0].ticker,
        "milestone_id": milestone.id,
        "milestone_type": milestone.type,
        "structured_target_ids": _two_or_more([t.id for t in scenario.structured_targets[:3]]),
        "live_data": [{"milestone_id": d.milestone_id, "type": d.type} for d in scenario.live_data[:3]],
        "live_data_batch_ids": _two_or_more([d.milestone_id for d in scenario.live_data[:3]]),
    }


INPUTS = _demo_inputs()


@pytest.fixture(scope="module")
def summary(demo_server) -> dict:
    node = _node_or_skip()
    result = subprocess.run(
        [node, SCRIPT, demo_server.api, json.dumps(INPUTS)],
        cwd=TS_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["calls"]


def data(summary: dict, name: str) -> dict:
    call = summary[name]
    assert call["ok"], f"{name} failed: HTTP {call.get('status')} {call.get('error')} ({call.get('url')})"
    return call["data"]


def test_markets_filtered_by_event_are_exactly_that_events_markets(summary):
    markets = data(summary, "get_markets")["markets"]
    assert sorted(m["ticker"] for m in markets) == INPUTS["event_market_tickers"]
    assert {m["event_ticker"] for m in markets} == {INPUTS["event_ticker"]}


def test_market_by_ticker_round_trips(summary):
    market = data(summary, "get_market")["market"]
    assert market["ticker"] == INPUTS["market_ticker"]
    assert market["event_ticker"] == INPUTS["event_ticker"]


def test_events_of_a_series_carry_nested_markets_and_milestones(summary):
    body = data(summary, "get_events")
    assert {e["series_ticker"] for e in body["events"]} == {INPUTS["series_ticker"]}
    event = next(e for e in body["events"] if e["event_ticker"] == INPUTS["event_ticker"])
    assert sorted(m["ticker"] for m in event["markets"]) == INPUTS["event_market_tickers"]
    assert INPUTS["milestone_id"] in {m["id"] for m in body["milestones"]}


def test_event_by_ticker_comes_with_its_markets(summary):
    body = data(summary, "get_event")
    assert body["event"]["event_ticker"] == INPUTS["event_ticker"]
    assert sorted(m["ticker"] for m in body["event"]["markets"]) == INPUTS["event_market_tickers"]
    assert sorted(m["ticker"] for m in body["markets"]) == INPUTS["event_market_tickers"]


def test_series_list_and_series_by_ticker_agree(summary):
    listed = {s["ticker"]: s for s in data(summary, "get_series_list")["series"]}
    one = data(summary, "get_series")["series"]
    assert one["ticker"] == INPUTS["series_ticker"]
    assert listed[one["ticker"]]["title"] == one["title"]


def test_milestone_id_round_trips_through_list_and_get(summary):
    listed = data(summary, "get_milestones")["milestones"]
    one = data(summary, "get_milestone")["milestone"]
    assert one["id"] == INPUTS["milestone_id"]
    assert one["type"] == INPUTS["milestone_type"]
    assert one in listed


def test_structured_targets_by_repeated_ids_return_exactly_those_targets(summary):
    call = summary["get_structured_targets"]
    targets = data(summary, "get_structured_targets")["structured_targets"]
    assert sorted(t["id"] for t in targets) == sorted(set(INPUTS["structured_target_ids"]))
    # The SDK sends an array as a repeated parameter.
    assert call["url"].count("ids=") == len(INPUTS["structured_target_ids"])


def test_structured_target_by_id_round_trips(summary):
    target = data(summary, "get_structured_target")["structured_target"]
    assert target["id"] == INPUTS["structured_target_ids"][0]


def test_live_data_by_type_and_milestone_round_trips(summary):
    wanted = INPUTS["live_data"][0]
    live = data(summary, "get_live_data")["live_data"]
    assert (live["milestone_id"], live["type"]) == (wanted["milestone_id"], wanted["type"])
    assert data(summary, "get_live_data_by_milestone")["live_data"] == live


def test_live_data_batch_returns_the_requested_milestones(summary):
    live_datas = data(summary, "get_live_datas")["live_datas"]
    assert sorted(d["milestone_id"] for d in live_datas) == sorted(set(INPUTS["live_data_batch_ids"]))
    assert summary["get_live_datas"]["url"].count("milestone_ids=") == len(INPUTS["live_data_batch_ids"])


def test_every_request_the_sdk_sent_replays_to_the_same_spec_valid_body(summary, demo_server):
    client = ApiClient(demo_server.api)
    try:
        replayed = {name: client.get(call["url"], expect=200).json() for name, call in summary.items() if call["ok"]}
    finally:
        client.close()
    assert replayed, "no SDK call succeeded"
    assert replayed == {name: call["data"] for name, call in summary.items() if call["ok"]}
