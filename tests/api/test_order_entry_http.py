"""Order entry over HTTP before the engine answers: a malformed body is a 400 naming the field,
whatever the client sends, and batches are billed per item to the write bucket."""

from __future__ import annotations

import pytest

from . import trading_fixtures as fixtures
from . import trading_rows as rows

server = fixtures.server
admin = fixtures.admin
alice = fixtures.alice

V2 = {"ticker": "MKT", "side": "bid", "count": "1", "price": "0.01", "time_in_force": "good_till_canceled"}


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
        too_many = basic.request("POST", "/portfolio/events/orders/batched", json={"orders": [V2] * 11})
        assert too_many.status_code == 429, too_many.text
    with rows.trader(server, admin, tier="basic") as basic:
        fits = basic.request("POST", "/portfolio/events/orders/batched", json={"orders": [V2] * 10})
        assert fits.status_code != 429, fits.text
