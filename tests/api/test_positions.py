"""GET /portfolio/positions (market and event positions, filters, cursor) and the balance
with collateral locked by resting orders."""

from __future__ import annotations

import pytest

from . import trading_fixtures as fixtures
from . import trading_rows as rows

admin = fixtures.admin
alice = fixtures.alice
bob = fixtures.bob
server = fixtures.server


def test_market_and_event_positions_carry_spec_and_legacy_fields(server, alice):
    rows.position(
        server,
        alice.user_seq,
        ticker="EV1-A",
        event_ticker="EV1",
        position=-250,
        total_traded=1_450_000,
        market_exposure=1_450_000,
        realized_pnl=-10_000,
        fees_paid=35_000,
        resting_orders_count=2,
    )
    rows.position(
        server,
        alice.user_seq,
        ticker="EV1-B",
        event_ticker="EV1",
        position=100,
        total_traded=420_000,
        market_exposure=420_000,
        realized_pnl=0,
        fees_paid=7_000,
    )
    body = alice.ok("/portfolio/positions", {"event_ticker": "EV1"})
    by_ticker = {p["ticker"]: p for p in body["market_positions"]}
    a = by_ticker["EV1-A"]
    assert (a["position_fp"], a["position"]) == ("-2.50", -2)
    assert (a["total_traded_dollars"], a["total_traded"]) == ("1.4500", 145)
    assert (a["market_exposure_dollars"], a["realized_pnl_dollars"], a["realized_pnl"]) == ("1.4500", "-0.0100", -1)
    assert (a["fees_paid_dollars"], a["fees_paid"], a["resting_orders_count"]) == ("0.0350", 3, 2)
    assert a["last_updated_ts"].endswith("Z")
    assert body["event_positions"] == [
        {
            "event_ticker": "EV1",
            "total_cost_dollars": "1.8700",
            "total_cost_shares_fp": "3.50",
            "event_exposure_dollars": "1.8700",
            "realized_pnl_dollars": "-0.0100",
            "fees_paid_dollars": "0.0420",
            "total_cost": 187,
            "total_cost_shares": 3,
            "event_exposure": 187,
            "realized_pnl": -1,
            "fees_paid": 4,
        }
    ]
    assert body["cursor"] == ""


def test_positions_page_with_a_cursor_and_stay_private(server, alice, bob):
    tickers = [rows.position(server, alice.user_seq, ticker=f"PG-{i}")["ticker"] for i in range(3)]
    rows.position(server, bob.user_seq, ticker="PG-BOB")
    walked = alice.walk("/portfolio/positions", "market_positions", {"limit": 2})
    assert [p["ticker"] for p in walked] == tickers[::-1]


@pytest.mark.parametrize(
    ("count_filter", "expected"),
    [
        ("position", ["CF-OPEN"]),
        ("total_traded", ["CF-OPEN", "CF-CLOSED"]),
        ("position,total_traded", ["CF-OPEN", "CF-CLOSED"]),
    ],
)
def test_count_filter_keeps_rows_with_any_named_field_non_zero(server, alice, count_filter, expected):
    rows.position(server, alice.user_seq, ticker="CF-OPEN", event_ticker="CF", position=100, total_traded=10)
    rows.position(server, alice.user_seq, ticker="CF-CLOSED", event_ticker="CF", position=0, total_traded=10)
    rows.position(server, alice.user_seq, ticker="CF-NONE", event_ticker="CF", position=0, total_traded=0)
    body = alice.ok("/portfolio/positions", {"event_ticker": "CF", "count_filter": count_filter})
    assert sorted(p["ticker"] for p in body["market_positions"]) == sorted(expected)


@pytest.mark.parametrize("params", [{"count_filter": "volume"}, {"limit": 1001}, {"cursor": "zz"}])
def test_bad_parameters_are_400s_naming_them(alice, params):
    assert next(iter(params)) in alice.error("/portfolio/positions", params)["message"]


def test_balance_shows_cash_less_locked_collateral_and_the_positions_at_cost(server, alice):
    assert alice.ok("/portfolio/balance")["portfolio_value"] == 0
    rows.reserve(server, alice.user_seq, 4_200_000)  # $4.20 locked by resting orders
    rows.position(server, alice.user_seq, ticker="BAL-A", market_exposure=1_260_000)
    body = alice.ok("/portfolio/balance")
    assert (body["balance"], body["balance_dollars"]) == (10_000 - 420, "95.80")
    assert body["portfolio_value"] == 126  # the spec's "value of all positions held": not the locked cash
