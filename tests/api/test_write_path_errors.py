"""Every refusal of the write path over HTTP: Kalshi's error body, status and code, and
nothing changed (the balance and the book stay as they were)."""

from __future__ import annotations

import pytest

from ..client import assert_error_body
from . import trading_fixtures as fixtures
from . import trading_rows as rows
from .write_path import V1, V2, balance, new_market, order, place, refused

server = fixtures.server
admin = fixtures.admin
alice = fixtures.alice
bob = fixtures.bob
public = fixtures.public


@pytest.fixture
def ticker(admin):
    return new_market(admin)


def book(public, ticker: str) -> dict:
    return public.ok(f"/markets/{ticker}/orderbook")["orderbook_fp"]


def test_an_off_grid_price_is_refused(alice, ticker):
    error = refused(alice, ticker, "bid", "1", "0.405")
    assert error["code"] == "invalid_order" and "price" in error["message"]
    assert balance(alice) == (10_000, 0)


def test_a_deci_cent_market_takes_the_finer_price(admin, alice):
    ticker = new_market(admin, price_level_structure="deci_cent")
    assert place(alice, ticker, "bid", "1", "0.405")["remaining_count"] == "1.00"


def test_insufficient_balance_is_refused_before_anything_is_written(server, admin, ticker, public):
    with rows.trader(server, admin, balance="1.00") as poor:
        error = refused(poor, ticker, "bid", "10", "0.40")
        assert error["code"] == "insufficient_balance"
        assert balance(poor) == (100, 0)
        assert poor.ok(V1, {"ticker": ticker})["orders"] == []
    assert book(public, ticker) == {"yes_dollars": [], "no_dollars": []}


def test_a_post_only_order_that_would_cross_is_refused(alice, bob, ticker, public):
    place(alice, ticker, "bid", "2", "0.40")
    error = refused(bob, ticker, "ask", "1", "0.30", post_only=True)
    assert error["code"] == "invalid_order" and "post" in error["message"].lower()
    assert balance(bob) == (10_000, 0)
    assert book(public, ticker) == {"yes_dollars": [["0.4000", "2.00"]], "no_dollars": []}


def test_reduce_only_with_nothing_to_reduce_does_not_open_a_position(alice, bob, ticker):
    place(alice, ticker, "bid", "2", "0.40")
    error = refused(bob, ticker, "ask", "1", "0.40", reduce_only=True)
    assert "reduce_only" in error["message"]
    assert bob.ok("/portfolio/positions", {"ticker": ticker})["market_positions"] == []
    assert balance(bob) == (10_000, 0)


def test_fill_or_kill_that_cannot_fill_whole_is_refused(alice, bob, ticker):
    place(alice, ticker, "bid", "2", "0.40")
    error = refused(bob, ticker, "ask", "3", "0.40", time_in_force="fill_or_kill")
    assert error["code"] == "fok_insufficient_volume"
    assert balance(bob) == (10_000, 0)


def test_self_trade_taker_at_cross_cancels_the_taker(alice, ticker, public):
    resting = place(alice, ticker, "bid", "2", "0.40")
    taker = place(alice, ticker, "ask", "1", "0.40", self_trade_prevention_type="taker_at_cross")
    assert (taker["fill_count"], taker["remaining_count"]) == ("0.00", "0.00")
    assert order(alice, taker["order_id"])["status"] == "canceled"
    assert order(alice, resting["order_id"])["status"] == "resting"
    assert book(public, ticker) == {"yes_dollars": [["0.4000", "2.00"]], "no_dollars": []}


def test_self_trade_maker_cancels_the_resting_order(alice, ticker, public):
    resting = place(alice, ticker, "bid", "2", "0.40")
    taker = place(alice, ticker, "ask", "1", "0.40", self_trade_prevention_type="maker")
    assert order(alice, resting["order_id"])["status"] == "canceled"
    assert (taker["fill_count"], taker["remaining_count"]) == ("0.00", "1.00")
    assert book(public, ticker) == {"yes_dollars": [], "no_dollars": [["0.6000", "1.00"]]}
    assert alice.ok("/portfolio/fills", {"ticker": ticker})["fills"] == []


def test_a_duplicate_client_order_id_among_open_orders_is_a_409(alice, ticker):
    place(alice, ticker, "bid", "1", "0.10", client_order_id="dup")
    error = refused(alice, ticker, "bid", "1", "0.11", status=409, client_order_id="dup")
    assert error["code"] == "order_already_exists"


def test_a_client_order_id_is_free_again_once_its_order_is_closed(alice, ticker):
    made = place(alice, ticker, "bid", "1", "0.10", client_order_id="again")
    alice.request("DELETE", f"{V2}/{made['order_id']}", expect=200)
    assert place(alice, ticker, "bid", "1", "0.10", client_order_id="again")["remaining_count"] == "1.00"


@pytest.mark.parametrize("path", [V2 + "/{id}", V1 + "/{id}"])
def test_cancelling_another_users_order_is_a_404(alice, bob, ticker, path):
    made = place(alice, ticker, "bid", "1", "0.10")
    error = bob.error(path.format(id=made["order_id"]), method="DELETE", status=404)
    assert error["code"] == "not_found"
    assert bob.error(f"{V1}/{made['order_id']}", status=404)["code"] == "not_found"
    assert order(alice, made["order_id"])["status"] == "resting"


def test_an_unknown_market_is_a_404(alice):
    # Kalshi answers 404 market_not_found; openapi.yaml declares no 404 for a create, so this
    # one response is read without the spec check (the body is still Kalshi's error shape).
    body = {"ticker": "KXNOPE-1-A", "side": "bid", "count": "1", "price": "0.10"}
    signed = alice.signer.headers("POST", "/trade-api/v2" + V2)
    response = alice._http.post(V2, json=body, headers=signed)
    assert response.status_code == 404
    assert_error_body(response.json())
    assert response.json()["code"] == "market_not_found" and "KXNOPE-1-A" in response.json()["message"]


@pytest.mark.parametrize(
    "market",
    [{"close_time": "2021-01-01T00:00:00Z"}, {"status": "closed"}],
    ids=["past close time", "closed status"],
)
def test_a_market_not_open_for_trading_is_refused(admin, alice, market):
    ticker = new_market(admin, **market)
    error = refused(alice, ticker, "bid", "1", "0.10")
    assert error["code"] == "market_closed"
    assert balance(alice) == (10_000, 0)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"ticker": "KXOTHER-1-A"}, "order_ticker_mismatch"),
        ({"side": "ask"}, "order_side_mismatch"),
        ({"client_order_id": "not-mine"}, "order_id_and_client_order_id_mismatch"),
        ({"count": "0.50"}, "invalid_amend_qty_for_order"),
    ],
)
def test_an_amend_that_does_not_match_its_order_is_refused(alice, bob, ticker, change, code):
    made = place(alice, ticker, "bid", "2", "0.40", client_order_id="amend-check")
    place(bob, ticker, "ask", "1", "0.40")  # one filled: the new total must exceed it
    body = {"ticker": ticker, "side": "bid", "price": "0.40", "count": "2", **change}
    error = alice.error(f"{V2}/{made['order_id']}/amend", method="POST", json=body)
    assert error["code"] == code, error
    assert order(alice, made["order_id"])["remaining_count_fp"] == "1.00"


@pytest.mark.parametrize("path", [V2 + "/{id}/decrease", V1 + "/{id}/decrease"])
def test_a_decrease_with_both_reduce_by_and_reduce_to_is_refused(alice, ticker, path):
    made = place(alice, ticker, "bid", "2", "0.40")
    body = {"reduce_by": "1", "reduce_to": "0"} if path.startswith(V2) else {"reduce_by": 1, "reduce_to": 0}
    error = alice.error(path.format(id=made["order_id"]), method="POST", json=body)
    assert "reduce_by" in error["message"] and "reduce_to" in error["message"]
    assert order(alice, made["order_id"])["remaining_count_fp"] == "2.00"


def test_amending_a_cancelled_order_is_refused(alice, ticker):
    made = place(alice, ticker, "bid", "2", "0.40")
    alice.request("DELETE", f"{V2}/{made['order_id']}", expect=200)
    body = {"ticker": ticker, "side": "bid", "price": "0.40", "count": "1"}
    response = alice.request("POST", f"{V2}/{made['order_id']}/amend", json=body)
    assert response.status_code in (400, 404), response.text


def v1_buy(ticker: str, **extra) -> dict:
    return {"ticker": ticker, "side": "yes", "action": "buy", "count": 1, "type": "limit", "yes_price": 5, **extra}


@pytest.mark.parametrize("path", [V1, V2])
def test_a_nul_character_in_a_body_string_is_refused_on_every_backend(alice, ticker, path):
    body = v1_buy(ticker) if path == V1 else {"ticker": ticker, "side": "bid", "count": "1", "price": "0.05"}
    error = alice.error(path, method="POST", json={**body, "client_order_id": "a\x00b"})
    assert error["message"] == "$.client_order_id: a string contains a NUL character (\\u0000)"
    assert alice.ok(V1, {"ticker": ticker})["orders"] == []


def test_a_nul_character_in_a_batch_names_its_order(alice, ticker):
    orders = [v1_buy(ticker), v1_buy(ticker, client_order_id="\x00")]
    error = alice.error(V1 + "/batched", method="POST", json={"orders": orders})
    assert error["message"].startswith("$.orders[1].client_order_id: ")
    assert alice.ok(V1, {"ticker": ticker})["orders"] == []


def test_an_escaped_backslash_before_u0000_is_no_nul(alice, ticker):
    made = alice.request("POST", V1, json=v1_buy(ticker, client_order_id="a\\u0000b"), expect=201).json()
    assert made["order"]["client_order_id"] == "a\\u0000b"


@pytest.mark.parametrize("extra", [{"type": "market"}, {"type": "market", "buy_max_cost": 500}, {"buy_max_cost": 500}])
def test_a_v1_create_without_a_price_says_a_price_is_required(alice, ticker, extra):
    body = {key: value for key, value in v1_buy(ticker, **extra).items() if key != "yes_price"}
    message = alice.error(V1, method="POST", json=body)["message"]
    assert "grid" not in message
    if "type" in extra:
        assert message.startswith("type: market orders are no longer offered"), message
    else:
        assert message.startswith("yes_price: a price is required"), message
    assert alice.ok(V1, {"ticker": ticker})["orders"] == []


@pytest.mark.parametrize("path", [V2, V1])
def test_an_order_in_a_missing_subaccount_names_the_subaccount_not_the_user(server, alice, ticker, path):
    body = {"ticker": ticker, "count": 1, "subaccount": 3}
    body |= {"side": "bid", "price": "0.4000"} if path == V2 else {"side": "yes", "action": "buy", "yes_price": 40}
    error = alice.error(path, method="POST", json=body, status=400)
    assert error["code"] == "customer_account_not_found"
    assert error["message"] == "subaccount 3 not found"
    assert balance(alice) == (10_000, 0)
