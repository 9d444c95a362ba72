"""The scenario `lifecycle` section: market moves applied through the engine after the file's
orders, in file order, by the server's engine for an admin upload and by the CLI's own for
`kalshi-local load`; a move the market's status refuses names its item."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from kalshi_local.store import db, schema

from ..admin.conftest import AdminApi
from ..client import ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import start_server
from ..signing import Signer, new_private_key
from ..test_cli import run

PRIVATE, PUBLIC = new_private_key()
TICKER = "KXSCL-1-A"
BASE = {
    "series": [{"ticker": "KXSCL", "title": "Scenario lifecycle", "category": "Economics"}],
    "events": [{"event_ticker": "KXSCL-1", "series_ticker": "KXSCL", "title": "Lifecycle", "markets": [
        {"ticker": TICKER, "open_time": "2020-01-01T00:00:00Z", "close_time": "2031-01-01T00:00:00Z",
         "settlement_timer_seconds": 0}]}],
    "users": [{"name": "alice", "balance": "100.00", "api_keys": [{"id": "alice-key", "public_key": PUBLIC}]}],
    "orders": [{"user": "alice", "ticker": TICKER, "side": "bid", "price": "0.4000", "count": 10}],
}
MOVES = [{"ticker": TICKER, "action": "close"}, {"ticker": TICKER, "action": "determine", "result": "no"}]


@pytest.fixture(params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param), load_demo=False)
    yield running
    running.stop()


def test_an_uploaded_scenario_closes_and_determines_its_market_after_placing_its_orders(server):
    admin = AdminApi(server.url)
    try:
        loaded = admin.post("/scenario", {**BASE, "lifecycle": MOVES})["loaded"]
        assert loaded["lifecycle"] == 2
        with ApiClient(server.api, Signer("alice-key", PRIVATE)) as alice:
            [order] = alice.ok("/portfolio/orders", {"ticker": TICKER})["orders"]
            assert order["status"] == "canceled"  # placed, then cancelled by the close
            market = alice.ok(f"/markets/{TICKER}")["market"]
            assert (market["status"], market["result"]) == ("finalized", "no")  # a timer of 0 s
            assert alice.ok("/portfolio/balance")["balance"] == 10_000
    finally:
        admin.close()


def test_a_move_the_status_refuses_names_its_item_and_keeps_the_moves_before_it(server):
    admin = AdminApi(server.url)
    try:
        moves = [{"ticker": TICKER, "action": "deactivate"}, {"ticker": TICKER, "action": "dispute"}]
        message = admin.call("POST", "/scenario", 400, json={**BASE, "lifecycle": moves}).json()["message"]
        assert "$.lifecycle[1] (DisputeMarket KXSCL-1-A)" in message and "market_status_conflict" in message
        assert "the 1 before it were applied" in message
        assert admin.call("POST", "/scenario", 400, json={"lifecycle": [{"ticker": "NOPE", "action": "void"}]})
    finally:
        admin.close()


def test_kalshi_local_load_applies_the_moves_with_its_own_engine(tmp_path):
    database = tmp_path / "store.db"
    path = tmp_path / "life.json"
    path.write_text(json.dumps({**BASE, "lifecycle": [{"ticker": TICKER, "action": "void"}]}))
    loaded = run("load", str(path), "--db", str(database))
    assert loaded.returncode == 0, loaded.stderr
    engine = db.open_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            m = schema.markets.c
            status = conn.execute(select(m.status, m.result).where(m.ticker == TICKER)).one()
    finally:
        engine.dispose()
    assert tuple(status) == ("finalized", "")  # void: the spec's Market.result has no "void"
