"""What ccxt and pykalshi send and read (COMPAT.md), through the whole write path."""

from __future__ import annotations

import pytest

from . import trading_fixtures as fixtures
from .write_path import V1, V2, new_market, order, place

server = fixtures.server
admin = fixtures.admin
alice = fixtures.alice
bob = fixtures.bob

PYKALSHI_STATUSES = {"resting", "canceled", "executed"}


@pytest.fixture
def ticker(admin):
    return new_market(admin)


@pytest.mark.parametrize(("count", "price"), [("1", "0.01"), ("2.00", "0.0100"), ("2.00", "0.01"), ("1", "0.0100")])
def test_counts_and_prices_as_clients_write_them(alice, ticker, count, price):
    made = place(alice, ticker, "bid", count, price)
    placed = order(alice, made["order_id"])
    assert (placed["yes_price_dollars"], placed["initial_count_fp"]) == ("0.0100", f"{int(float(count))}.00")


def test_a_v2_create_without_client_order_id_is_placed(alice, ticker):
    made = place(alice, ticker, "bid", "1", "0.05")
    assert made["remaining_count"] == "1.00"
    assert order(alice, made["order_id"])["status"] == "resting"


def _pykalshi_status(reply: dict) -> str:
    """pykalshi's reading of a create reply: resting while something remains, else executed or canceled."""
    if float(reply["remaining_count"]) > 0:
        return "resting"
    return "executed" if float(reply["fill_count"]) > 0 else "canceled"


def test_the_create_reply_gives_pykalshi_the_orders_status(alice, bob, ticker):
    rests = place(alice, ticker, "bid", "2", "0.40")
    fills = place(bob, ticker, "ask", "1", "0.40")
    killed = place(bob, ticker, "ask", "1", "0.45", time_in_force="immediate_or_cancel")
    for api, reply in ((alice, rests), (bob, fills), (bob, killed)):
        served = order(api, reply["order_id"])["status"]
        assert served in PYKALSHI_STATUSES
        assert _pykalshi_status(reply) == served, (reply, served)


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_a_json_content_type_without_a_body_is_served(alice, ticker, method):
    made = place(alice, ticker, "bid", "1", "0.05")
    path = f"{V1}/{made['order_id']}" if method == "GET" else f"{V2}/{made['order_id']}"
    headers = {**alice.signer.headers(method, "/trade-api/v2" + path), "Content-Type": "application/json"}
    response = alice.request(method, path, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["order" if method == "GET" else "order_id"]


def test_the_insufficient_balance_and_market_closed_codes_pykalshi_maps(server, admin, alice):
    closed = new_market(admin, status="closed")
    error = alice.error(V2, method="POST", json={"ticker": closed, "side": "bid", "count": "1", "price": "0.10"})
    assert error["error"]["code"] == "market_closed"
    open_ = new_market(admin)
    error = alice.error(V2, method="POST", json={"ticker": open_, "side": "bid", "count": "100000", "price": "0.10"})
    assert error["error"]["code"] == "insufficient_balance"
