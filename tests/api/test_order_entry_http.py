"""Order entry over HTTP before the engine answers: a malformed body is a 400 naming the field,
whatever the client sends; batches are billed per item to the write bucket and hold at most what a full
bucket pays for."""

from __future__ import annotations

import pytest

from . import trading_fixtures as fixtures
from . import trading_rows as rows

server = fixtures.server
admin = fixtures.admin
alice = fixtures.alice

V2 = {"ticker": "MKT", "side": "bid", "count": "1", "price": "0.01", "time_in_force": "good_till_canceled"}
V1_ITEM = {"ticker": "MKT", "action": "buy", "side": "yes", "count": 1, "yes_price": 1}


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/portfolio/events/orders", {**V2, "price": "1.5"}, "price"),
        ("POST", "/portfolio/events/orders", {**V2, "count": "0"}, "count"),
        ("POST", "/portfolio/events/orders", {**V2, "side": "yes"}, "side"),
        ("POST", "/portfolio/events/orders/batched", {"orders": [V2, {**V2, "price": "x"}]}, "orders[1].price"),
        ("POST", "/portfolio/events/orders/o1/amend", {"ticker": "MKT", "side": "bid", "price": "0.5"}, "count"),
        ("POST", "/portfolio/events/orders/o1/decrease", {"reduce_by": "1", "reduce_to": "0"}, "reduce_by"),
        ("POST", "/portfolio/orders", {"ticker": "MKT", "action": "buy", "side": "yes", "count": 1}, "yes_price"),
        (
            "POST",
            "/portfolio/orders",
            {"ticker": "MKT", "action": "buy", "side": "yes", "count": 1, "yes_price": 5, "no_price": 95},
            "yes_price",
        ),
        ("POST", "/portfolio/orders/batched", {"orders": []}, "orders"),
        ("POST", "/portfolio/orders/o1/decrease", {}, "reduce_by"),
    ],
)
def test_a_malformed_order_body_is_a_400_naming_the_field(alice, method, path, body, field):
    error = alice.error(path, method=method, json=body)
    assert field in error["message"], error


def test_the_batched_cancel_reads_its_json_body(alice):
    error = alice.error("/portfolio/events/orders/batched", method="DELETE", json={"orders": [{"subaccount": 1}]})
    assert "orders[0].order_id" in error["message"]


def test_a_get_with_a_json_content_type_and_no_body_is_served(alice):
    response = alice.request("GET", "/portfolio/orders", headers=None)
    assert response.status_code == 200
    signed = alice.signer.headers("GET", "/trade-api/v2/portfolio/fills")
    response = alice.request("GET", "/portfolio/fills", headers={**signed, "Content-Type": "application/json"})
    assert response.status_code == 200 and response.json()["fills"] == []


def test_a_batch_is_billed_per_item_to_the_write_bucket(server, admin):
    # basic: the write bucket holds 100 tokens; a batched create costs 10 per order.
    with rows.trader(server, admin, tier="basic") as basic:
        fits = basic.request("POST", "/portfolio/events/orders/batched", json={"orders": [V2] * 10})
        assert fits.status_code != 429, fits.text
        empty = basic.request("POST", "/portfolio/events/orders/batched", json={"orders": [V2] * 10})
        assert empty.status_code == 429, empty.text


@pytest.mark.parametrize(
    ("tier", "method", "path", "limit"),
    [
        ("basic", "POST", "/portfolio/events/orders/batched", 10),
        ("basic", "DELETE", "/portfolio/orders/batched", 50),
        ("premier", "POST", "/portfolio/orders/batched", 200),
        ("advanced", "DELETE", "/portfolio/events/orders/batched", 300),
    ],
)
def test_a_batch_costing_more_than_the_tiers_write_bucket_is_a_400(server, admin, tier, method, path, limit):
    # batch-create-orders.md: the maximum batch size scales with the tier's write budget.
    item = {"order_id": "o1"} if method == "DELETE" else V2 if "events" in path else V1_ITEM
    with rows.trader(server, admin, tier=tier) as trader:  # a full bucket for each request
        error = trader.error(path, method=method, json={"orders": [item] * (limit + 1)})
        assert error["message"].endswith(f"the {tier} tier's write bucket holds: at most {limit} orders per batch")
    with rows.trader(server, admin, tier=tier) as trader:
        at_limit = trader.request(method, path, json={"orders": [item] * limit})
        assert at_limit.status_code in (200, 201), at_limit.text
        assert len(at_limit.json()["orders"]) == limit


def test_a_premier_trader_batches_25_creates(server, admin):
    with rows.trader(server, admin, tier="premier") as premier:
        made = premier.request("POST", "/portfolio/orders/batched", json={"orders": [V1_ITEM] * 25}, expect=201)
        assert len(made.json()["orders"]) == 25
