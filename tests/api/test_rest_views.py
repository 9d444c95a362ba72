"""After every command of a random order flow over HTTP, the REST views (resting orders,
order book, positions, balance) equal the engine's venue: what clients read is what trades."""

from __future__ import annotations

from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kalshi_local.exchange.money import count_fp, price_dollars

from . import trading_fixtures as fixtures
from . import trading_rows as rows
from .write_path import V2, new_market

server = fixtures.server
admin = fixtures.admin

PRICES = ["0.30", "0.35", "0.40", "0.45", "0.50"]
COUNTS = ["1", "2.50", "4"]

create = st.tuples(
    st.just("create"),
    st.integers(0, 2),  # trader
    st.integers(0, 1),  # market
    st.sampled_from(["bid", "ask"]),
    st.sampled_from(PRICES),
    st.sampled_from(COUNTS),
    st.sampled_from(["good_till_canceled", "immediate_or_cancel"]),
)
cancel = st.tuples(st.just("cancel"), st.integers(0, 2), st.integers(0, 50))
amend = st.tuples(st.just("amend"), st.integers(0, 2), st.integers(0, 50), st.sampled_from(PRICES))
flows = st.lists(st.one_of(create, create, cancel, amend), min_size=4, max_size=10)


@pytest.fixture(scope="module")
def traders(server, admin):
    with rows.trader(server, admin, "60.00") as a, rows.trader(server, admin, "60.00") as b:
        with rows.trader(server, admin, "60.00") as c:
            yield [a, b, c]


@settings(max_examples=8, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(flow=flows)
def test_rest_views_equal_the_venue_after_every_command(server, admin, traders, flow):
    tickers = [new_market(admin), new_market(admin)]
    for step in flow:
        _run(step, traders, tickers)
        venue = server.services.trading._venue  # the engine thread's venue; the command is durable and idle now
        for trader in traders:
            _check_trader(trader, venue, tickers)
        for ticker in tickers:
            _check_book(traders[0], venue, ticker)


def _run(step: tuple, traders: list, tickers: list[str]) -> None:
    kind, who = step[0], traders[step[1]]
    if kind == "create":
        _, _, market, side, price, count, tif = step
        body = {"ticker": tickers[market], "side": side, "price": price, "count": count, "time_in_force": tif}
        who.request("POST", V2, json=body)  # a refusal (e.g. insufficient balance) is part of the flow
        return
    resting = who.ok("/portfolio/orders", {"status": "resting"})["orders"]
    if not resting:
        return
    target = resting[step[2] % len(resting)]
    if kind == "cancel":
        who.request("DELETE", f"{V2}/{target['order_id']}", expect=200)
    else:
        body = {"ticker": target["ticker"], "side": target["book_side"], "price": step[3], "count": "5"}
        who.request("POST", f"{V2}/{target['order_id']}/amend", json=body)


def _check_trader(trader, venue, tickers: list[str]) -> None:
    resting = trader.ok("/portfolio/orders", {"status": "resting"})["orders"]
    shown = {
        o["order_id"]: (o["ticker"], o["book_side"], o["yes_price_dollars"], o["remaining_count_fp"]) for o in resting
    }
    held = {
        o.order_id: (o.ticker, o.book_side, price_dollars(o.price), count_fp(o.remaining_count))
        for o in venue.orders()
        if o.user_seq == trader.user_seq
    }
    assert shown == held
    shown_positions = {p["ticker"]: p["position_fp"] for p in trader.ok("/portfolio/positions")["market_positions"]}
    held_positions = {p.ticker: count_fp(p.position) for p in venue.positions() if p.user_seq == trader.user_seq}
    assert _open(shown_positions, tickers) == _open(held_positions, tickers)
    account = venue.account(trader.user_seq)
    assert trader.ok("/portfolio/balance")["balance"] == account.available // 10_000


def _open(positions: dict[str, str], tickers: list[str]) -> dict[str, str]:
    return {ticker: size for ticker, size in positions.items() if ticker in tickers and size != "0.00"}


def _check_book(reader, venue, ticker: str) -> None:
    book = reader.ok(f"/markets/{ticker}/orderbook")["orderbook_fp"]
    levels: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for o in venue.orders():
        if o.ticker == ticker:
            levels[o.book_side][o.price] += o.remaining_count
    yes = [[price_dollars(p), count_fp(c)] for p, c in sorted(levels["bid"].items())]
    no = [[price_dollars(10_000 - p), count_fp(c)] for p, c in sorted(levels["ask"].items(), reverse=True)]
    assert book["yes_dollars"] == yes
    assert book["no_dollars"] == no
