"""GET /markets/trades: public, spec and legacy fields, filters, cursor; the fixed path beats /markets/{ticker}."""

from __future__ import annotations

import pytest

from . import trading_fixtures as fixtures
from . import trading_rows as rows

public = fixtures.public
server = fixtures.server


def test_a_trade_carries_the_spec_fields_and_the_legacy_ones(server, public):
    made = rows.trade(server, ticker="TR-ONE", price=4_250, count=150, taker_book_side="ask")
    (found,) = public.ok("/markets/trades", {"ticker": "TR-ONE"})["trades"]
    assert found["trade_id"] == made["trade_id"]
    assert (found["yes_price_dollars"], found["no_price_dollars"], found["yes_price"], found["no_price"]) == (
        "0.4250",
        "0.5750",
        42,
        57,
    )
    assert (found["count_fp"], found["count"], found["price"]) == ("1.50", 1, 0.425)
    assert (found["taker_book_side"], found["taker_outcome_side"], found["taker_side"]) == ("ask", "no", "no")
    assert found["is_block_trade"] is False and found["created_time"].endswith("Z")


def test_trades_are_newest_first_with_a_cursor(server, public):
    made = [rows.trade(server, ticker="TR-PAGE")["trade_id"] for _ in range(3)]
    walked = public.walk("/markets/trades", "trades", {"ticker": "TR-PAGE", "limit": 2})
    assert [t["trade_id"] for t in walked] == made[::-1]
    assert public.ok("/markets/trades", {"ticker": "TR-NONE"}) == {"trades": [], "cursor": ""}


@pytest.mark.parametrize(
    ("params", "expected"), [({"min_ts": 1_900_000_050}, ["b"]), ({"max_ts": 1_900_000_050}, ["a"])]
)
def test_time_filters(server, public, params, expected):
    made = {
        "a": rows.trade(server, ticker="TR-TIME", created_us=1_900_000_000 * 10**6),
        "b": rows.trade(server, ticker="TR-TIME", created_us=1_900_000_100 * 10**6),
    }
    ids = {row["trade_id"]: name for name, row in made.items()}
    found = [
        ids[t["trade_id"]]
        for t in public.walk("/markets/trades", "trades", {"ticker": "TR-TIME", **params})
        if t["trade_id"] in ids
    ]
    assert found == expected


@pytest.mark.parametrize("params", [{"limit": 1001}, {"min_ts": "x"}, {"cursor": "???"}])
def test_bad_parameters_are_400s_naming_them(public, params):
    assert next(iter(params)) in public.error("/markets/trades", params)["message"]
