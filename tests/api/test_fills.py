"""GET /portfolio/fills: fields (spec and legacy), filters, cursor, only the caller's own."""

from __future__ import annotations

import pytest

from . import trading_fixtures as fixtures
from . import trading_rows as rows

admin = fixtures.admin
alice = fixtures.alice
bob = fixtures.bob
server = fixtures.server


def test_a_fill_carries_the_spec_fields_and_the_legacy_ones(server, alice):
    made = rows.fill(
        server, alice.user_seq, book_side="ask", action="buy", side="no", price=4_200, count=250, fee=17_500
    )
    (found,) = alice.ok("/portfolio/fills", {"order_id": made["order_id"]})["fills"]
    assert found["fill_id"] == made["fill_id"] and found["market_ticker"] == found["ticker"] == "MKT-A"
    assert (found["book_side"], found["outcome_side"], found["action"], found["side"]) == ("ask", "no", "buy", "no")
    assert (found["yes_price_dollars"], found["no_price_dollars"]) == ("0.4200", "0.5800")
    assert (found["yes_price_fixed"], found["no_price_fixed"], found["yes_price"], found["no_price"]) == (
        "0.4200",
        "0.5800",
        42,
        58,
    )
    assert (found["count_fp"], found["count"]) == ("2.50", 2)
    assert found["price"] == 0.58  # legacy: the fill's own side, in dollars
    assert found["fee_cost"] == "0.0175" and found["is_taker"] is True
    assert found["ts"] == made["created_us"] // 10**6 and found["created_time"].endswith("Z")


def test_fills_are_the_callers_own_newest_first_with_a_cursor(server, alice, bob):
    mine = [rows.fill(server, alice.user_seq)["fill_id"] for _ in range(3)]
    rows.fill(server, bob.user_seq)
    assert [f["fill_id"] for f in alice.walk("/portfolio/fills", "fills", {"limit": 2})] == mine[::-1]
    assert alice.ok("/portfolio/fills", {"limit": 3})["cursor"] == ""


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"ticker": "MKT-F2"}, ["b"]),
        ({"subaccount": 3}, ["b"]),
        ({"min_ts": 1_800_000_050}, ["b"]),
        ({"max_ts": 1_800_000_050}, ["a"]),
    ],
)
def test_filters(server, alice, params, expected):
    made = {
        "a": rows.fill(server, alice.user_seq, ticker="MKT-F1", created_us=1_800_000_000 * 10**6),
        "b": rows.fill(server, alice.user_seq, ticker="MKT-F2", subaccount=3, created_us=1_800_000_100 * 10**6),
    }
    ids = {row["fill_id"]: name for name, row in made.items()}
    found = [ids[f["fill_id"]] for f in alice.walk("/portfolio/fills", "fills", params) if f["fill_id"] in ids]
    assert found == expected


@pytest.mark.parametrize("params", [{"limit": 0}, {"max_ts": "soon"}, {"cursor": "x"}, {"subaccount": -1}])
def test_bad_parameters_are_400s_naming_them(alice, params):
    assert next(iter(params)) in alice.error("/portfolio/fills", params)["message"]


def test_a_cursor_of_another_list_is_refused(server, alice):
    for _ in range(2):
        rows.order(server, alice.user_seq)
    cursor = alice.ok("/portfolio/orders", {"limit": 1})["cursor"]
    assert "cursor" in alice.error("/portfolio/fills", {"cursor": cursor})["message"]
