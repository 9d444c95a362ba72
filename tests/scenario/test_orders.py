"""The scenario `orders` section: resting orders placed through the engine, in file order,
by the server's engine for an admin upload and by one of the CLI's own for `kalshi-local load`."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import func, select

from kalshi_local.store import db, schema

from ..admin.conftest import AdminApi
from ..client import ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import start_server
from ..signing import Signer, new_private_key
from ..test_cli import run

PRIVATE, PUBLIC = new_private_key()
TICKER = "KXSCO-1-A"
BASE = {
    "series": [{"ticker": "KXSCO", "title": "Scenario orders", "category": "Economics"}],
    "events": [{"event_ticker": "KXSCO-1", "series_ticker": "KXSCO", "title": "Orders", "markets": [
        {"ticker": TICKER, "open_time": "2020-01-01T00:00:00Z", "close_time": "2031-01-01T00:00:00Z"}]}],
    "users": [{"name": "alice", "balance": "100.00", "api_keys": [{"id": "alice-key", "public_key": PUBLIC}]},
              {"name": "bob", "balance": "50.00"}],
}
ORDERS = [
    {"user": "alice", "ticker": TICKER, "side": "bid", "price": "0.4000", "count": "10.00", "client_order_id": "a1"},
    {"user": "alice", "ticker": TICKER, "side": "bid", "price": "0.3900", "count": 5},
    {"user": "alice", "ticker": TICKER, "side": "ask", "price": "0.6000", "count": "20"},
    {"user": "bob", "ticker": TICKER, "side": "ask", "price": "0.6000", "count": "3"},
]
# Collateral of alice's orders, in cents: price (bid) or 1 - price (ask) times count, plus a cent
# each (the largest maker fee of a quadratic market is 0).
ALICE_LOCKED = (40 * 10 + 1) + (39 * 5 + 1) + (40 * 20 + 1)


@pytest.fixture(params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param), load_demo=False)
    yield running
    running.stop()


@pytest.fixture
def admin_api(server):
    client = AdminApi(server.url)
    yield client
    client.close()


@pytest.fixture
def alice(server):
    with ApiClient(server.api, Signer("alice-key", PRIVATE)) as client:
        yield client


def upload(admin_api: AdminApi, document: dict, expect: int = 200) -> dict:
    return admin_api.call("POST", "/scenario", expect, json=document).json()


def test_orders_of_an_upload_rest_in_file_order_with_their_collateral(admin_api, alice):
    loaded = upload(admin_api, {**BASE, "orders": ORDERS})["loaded"]
    assert loaded["orders"] == 4
    book = alice.ok(f"/markets/{TICKER}/orderbook")["orderbook_fp"]
    assert book == {"yes_dollars": [["0.3900", "5.00"], ["0.4000", "10.00"]], "no_dollars": [["0.4000", "23.00"]]}
    mine = alice.ok("/portfolio/orders")["orders"][::-1]  # newest first: file order reversed
    assert [(o["book_side"], o["yes_price_dollars"], o["remaining_count_fp"]) for o in mine] == [
        ("bid", "0.4000", "10.00"), ("bid", "0.3900", "5.00"), ("ask", "0.6000", "20.00")]
    assert {o["status"] for o in mine} == {"resting"}
    assert mine[0]["client_order_id"] == "a1"
    assert alice.ok("/portfolio/balance")["balance"] == 10_000 - ALICE_LOCKED
    quote = alice.ok(f"/markets/{TICKER}")["market"]
    assert (quote["yes_bid_dollars"], quote["yes_ask_dollars"]) == ("0.4000", "0.6000")
    assert alice.ok("/portfolio/fills")["fills"] == []


def _minute_candle(client: ApiClient, end_s: int) -> dict:
    window = {"start_ts": end_s - 59, "end_ts": end_s, "period_interval": 1}
    [candle] = client.ok(f"/series/KXSCO/markets/{TICKER}/candlesticks", window)["candlesticks"]
    return {side: [candle[side][f"{part}_dollars"] for part in ("open", "low", "high", "close")]
            for side in ("yes_bid", "yes_ask")}


def test_an_uploads_book_opens_its_candles_as_it_stands_and_leaves_earlier_candles_alone(admin_api, alice):
    # Placed bids first, the book had no ask for a moment: the minute's candle would open at $1.
    now = admin_api.call("GET", "/clock").json()["now_us"] // 1_000_000
    minute = -(-now // 60) * 60
    upload(admin_api, {**BASE, "orders": ORDERS})
    assert _minute_candle(alice, minute) == {"yes_bid": ["0.4000"] * 4, "yes_ask": ["0.6000"] * 4}
    # A client's bid a minute later moves that minute's candle; a later upload leaves it so.
    admin_api.call("POST", "/clock", json={"advance_seconds": 60})
    bid = {"ticker": TICKER, "side": "bid", "price": "0.4500", "count": "1.00"}
    alice.request("POST", "/portfolio/events/orders", json=bid, expect=201)
    moved = {"yes_bid": ["0.4000", "0.4000", "0.4500", "0.4500"], "yes_ask": ["0.6000"] * 4}
    assert _minute_candle(alice, minute + 60) == moved
    admin_api.call("POST", "/clock", json={"advance_seconds": 60})
    upload(admin_api, {"orders": [{"user": "bob", "ticker": TICKER, "side": "ask", "price": "0.5900", "count": 1}]})
    assert _minute_candle(alice, minute + 60) == moved
    # That upload's minute opens at the book standing before it, as any minute does.
    after = {"yes_bid": ["0.4500"] * 4, "yes_ask": ["0.6000", "0.5900", "0.6000", "0.5900"]}
    assert _minute_candle(alice, minute + 120) == after


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ({"price": "0.4050"}, "grid"),
        ({"count": "1000"}, "insufficient balance"),
        ({"side": "ask", "price": "0.3900"}, "post only cross"),
    ],
    ids=["off the grid", "short of cash", "crossing an earlier one"],
)
def test_a_refused_order_names_the_item_and_no_order_of_the_file_rests(admin_api, alice, bad, words):
    orders = [ORDERS[0], ORDERS[1], {**ORDERS[2], **bad}, ORDERS[3]]
    message = upload(admin_api, {**BASE, "orders": orders}, 400)["message"]
    assert f"$.orders[2] (alice in {TICKER})" in message
    assert words in message
    assert alice.ok("/portfolio/orders", {"status": "resting"})["orders"] == []
    assert alice.ok(f"/markets/{TICKER}/orderbook")["orderbook_fp"] == {"yes_dollars": [], "no_dollars": []}
    assert alice.ok("/portfolio/balance")["balance"] == 10_000


@pytest.mark.parametrize(
    ("item", "path"),
    [
        ({**ORDERS[0], "user": "nobody"}, "$.orders[1].user: no user named 'nobody'"),
        ({**ORDERS[0], "ticker": "KXSCO-1-Z"}, "$.orders[1].ticker: no market 'KXSCO-1-Z'"),
        ({**ORDERS[0], "price": "1.2000"}, "$.orders[1].price: must be between 0 and 1"),
        ({**ORDERS[0], "count": "0.00"}, "$.orders[1].count: must be positive"),
        ({**ORDERS[0], "side": "yes"}, "$.orders[1].side"),
        ({**ORDERS[0], "colour": "red"}, "$.orders[1].colour: unknown field"),
    ],
    ids=["unknown user", "unknown market", "price over $1", "zero count", "bad side", "unknown field"],
)
def test_a_bad_item_is_refused_before_anything_is_written(admin_api, server, item, path):
    message = upload(admin_api, {**BASE, "orders": [ORDERS[0], item]}, 400)["message"]
    assert path in message
    with server.services.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.markets)).scalar_one() == 0
        assert conn.execute(select(func.count()).select_from(schema.orders)).scalar_one() == 0


def _cli_store(request, backend: str) -> tuple[str, list[str]]:
    url = new_database_url(request, backend)
    return url, ["--database-url", url]


@pytest.mark.parametrize("backend", BACKENDS)
def test_kalshi_local_load_places_the_orders_with_its_own_engine(request, backend, tmp_path):
    url, store = _cli_store(request, backend)
    path = tmp_path / "orders.json"  # JSON: its items are decoded chunk by chunk
    path.write_text(json.dumps({**BASE, "orders": ORDERS}), encoding="utf-8")
    done = run("load", str(path), *store)
    assert done.returncode == 0, done.stderr
    assert "4 orders" in done.stdout
    server = start_server(url, load_demo=False)  # the server's engine rebuilds the books from the store
    try:
        with ApiClient(server.api, Signer("alice-key", PRIVATE)) as alice:
            assert len(alice.ok("/portfolio/orders", {"status": "resting"})["orders"]) == 3
            assert alice.ok("/portfolio/balance")["balance"] == 10_000 - ALICE_LOCKED
            book = alice.ok(f"/markets/{TICKER}/orderbook")["orderbook_fp"]
            assert book["no_dollars"] == [["0.4000", "23.00"]]
            first = _minute_candle(alice, -(-int(time.time()) // 60) * 60)  # the CLI places at the real time
            assert first == {"yes_bid": ["0.4000"] * 4, "yes_ask": ["0.6000"] * 4}
    finally:
        server.stop()


@pytest.mark.parametrize("backend", BACKENDS)
def test_kalshi_local_load_of_a_refused_order_names_it(request, backend, tmp_path):
    _, store = _cli_store(request, backend)
    path = tmp_path / "orders.yaml"
    path.write_text(json.dumps({**BASE, "orders": [ORDERS[0], {**ORDERS[1], "price": "0.3950"}]}), encoding="utf-8")
    done = run("load", str(path), *store)
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert f"$.orders[1] (alice in {TICKER})" in line and "grid" in line


@pytest.mark.parametrize("backend", BACKENDS)
def test_kalshi_local_load_with_orders_is_refused_while_a_server_owns_the_store(request, backend, tmp_path):
    url, store = _cli_store(request, backend)
    server = start_server(url, load_demo=False)
    try:
        path = tmp_path / "orders.yaml"
        path.write_text(json.dumps({**BASE, "orders": ORDERS}), encoding="utf-8")
        done = run("load", str(path), *store)
        assert done.returncode == 1
        [line] = done.stderr.splitlines()
        assert "is running on this store" in line and "POST /admin/v1/scenario" in line
        assert "nothing was loaded" in line
        with server.services.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(schema.markets)).scalar_one() == 0
        # Without orders and balances the catalog loads: it is not the engine's.
        path.write_text(json.dumps({**BASE, "users": []}), encoding="utf-8")
        assert run("load", str(path), *store).returncode == 0
    finally:
        server.stop()


def test_an_upload_with_orders_to_a_server_without_trading_is_refused_first(server):
    second = start_server(server.services.settings.database_url, load_demo=False)  # the first owns trading
    try:
        other = AdminApi(second.url)
        error = other.call("POST", "/scenario", 503, json={**BASE, "orders": ORDERS}).json()
        other.close()
        assert "$.orders" in error["message"]
    finally:
        second.stop()
    with db.writing(server.services.engine) as conn:
        assert conn.execute(select(func.count()).select_from(schema.markets)).scalar_one() == 0
