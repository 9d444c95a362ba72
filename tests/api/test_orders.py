"""GET /portfolio/orders (filters, cursor), one order, queue positions: rows written as the engine would."""

from __future__ import annotations

import pytest

from ..client import AdminClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from . import trading_fixtures as fixtures
from . import trading_rows as rows


@pytest.fixture(scope="module", params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param), load_demo=False, **fixtures.ALL_LIVE)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin(server):
    client = AdminClient(server.url, ADMIN_TOKEN)
    yield client
    client.close()


@pytest.fixture
def alice(server, admin):
    with rows.trader(server, admin) as api:
        yield api


@pytest.fixture
def bob(server, admin):
    with rows.trader(server, admin) as api:
        yield api


def test_an_order_carries_the_spec_fields_and_the_legacy_ones(server, alice):
    made = rows.order(
        server,
        alice.user_seq,
        book_side="ask",
        action="buy",
        side="no",
        price=4_200,
        initial_count=1_000,
        remaining_count=700,
        fill_count=300,
        taker_fill_cost=1_740_000,
        taker_fees=21_000,
        expiration_us=None,
    )
    order = alice.ok(f"/portfolio/orders/{made['order_id']}")["order"]
    assert order["user_id"] == alice.user_id
    assert (order["book_side"], order["outcome_side"], order["action"], order["side"]) == ("ask", "no", "buy", "no")
    assert (order["yes_price_dollars"], order["no_price_dollars"]) == ("0.4200", "0.5800")
    assert (order["yes_price"], order["no_price"]) == (42, 58)
    assert (order["initial_count_fp"], order["remaining_count_fp"], order["fill_count_fp"]) == ("10.00", "7.00", "3.00")
    assert (order["initial_count"], order["remaining_count"], order["fill_count"]) == (10, 7, 3)
    assert (order["taker_fill_cost_dollars"], order["taker_fill_cost"]) == ("1.7400", 174)
    assert (order["taker_fees_dollars"], order["taker_fees"]) == ("0.0210", 2)
    assert order["maker_fees_dollars"] == "0.0000" and order["queue_position"] == 0
    assert order["status"] == "resting" and order["type"] == "limit"
    assert order["expiration_time"] is None and order["created_time"].endswith("Z")


def test_fractional_counts_and_six_decimal_costs_are_exact(server, alice):
    made = rows.order(server, alice.user_seq, initial_count=250, remaining_count=250, maker_fill_cost=1_234_567)
    order = alice.ok(f"/portfolio/orders/{made['order_id']}")["order"]
    assert (order["initial_count_fp"], order["initial_count"]) == ("2.50", 2)
    assert (order["maker_fill_cost_dollars"], order["maker_fill_cost"]) == ("1.234567", 123)


def test_another_users_order_is_not_found(server, alice, bob):
    made = rows.order(server, bob.user_seq)
    body = alice.error(f"/portfolio/orders/{made['order_id']}", status=404)
    assert body["code"] == "not_found" and made["order_id"] in body["message"]
    alice.error("/portfolio/orders/nope/queue_position", status=404)


def test_the_list_is_newest_first_and_pages_with_a_cursor(server, alice, bob):
    mine = [rows.order(server, alice.user_seq)["order_id"] for _ in range(5)]
    rows.order(server, bob.user_seq)
    first = alice.ok("/portfolio/orders", {"limit": 2})
    assert [o["order_id"] for o in first["orders"]] == mine[::-1][:2] and first["cursor"]
    assert [o["order_id"] for o in alice.walk("/portfolio/orders", "orders", {"limit": 2})] == mine[::-1]
    last = alice.ok("/portfolio/orders", {"limit": 5})
    assert last["cursor"] == ""


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"ticker": "MKT-B"}, ["b"]),
        ({"event_ticker": "EVT-B,EVT-C"}, ["b", "c"]),
        ({"status": "canceled"}, ["c"]),
        ({"subaccount": 2}, ["c"]),
        ({"min_ts": 1_700_000_000 + 2_000_050}, ["b", "c"]),
        ({"max_ts": 1_700_000_000 + 2_000_050}, ["a"]),
    ],
)
def test_filters(server, alice, params, expected):
    made = {
        "a": rows.order(server, alice.user_seq, created_us=(1_700_000_000 + 2_000_000) * 10**6),
        "b": rows.order(
            server,
            alice.user_seq,
            ticker="MKT-B",
            event_ticker="EVT-B",
            created_us=(1_700_000_000 + 2_000_100) * 10**6,
        ),
        "c": rows.order(
            server,
            alice.user_seq,
            ticker="MKT-C",
            event_ticker="EVT-C",
            status="canceled",
            subaccount=2,
            created_us=(1_700_000_000 + 2_000_200) * 10**6,
        ),
    }
    ids = {row["order_id"]: name for name, row in made.items()}
    found = [ids[o["order_id"]] for o in alice.walk("/portfolio/orders", "orders", params) if o["order_id"] in ids]
    assert sorted(found) == expected


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 1001}, {"status": "open"}, {"min_ts": "x"}, {"cursor": "bad!"}, {"subaccount": 33}],
)
def test_bad_list_parameters_are_400s_naming_them(alice, params):
    body = alice.error("/portfolio/orders", params)
    assert next(iter(params)) in body["message"]


def test_queue_position_counts_resting_contracts_ahead_at_the_same_price_and_side(server, alice, bob):
    ticker = "MKT-Q"
    ahead = rows.order(server, bob.user_seq, ticker=ticker, remaining_count=550)
    rows.order(server, bob.user_seq, ticker=ticker, remaining_count=900, price=4_100)  # another price
    rows.order(server, bob.user_seq, ticker=ticker, remaining_count=900, book_side="ask")  # other side
    rows.order(server, bob.user_seq, ticker=ticker, remaining_count=900, status="canceled")
    mine = rows.order(server, alice.user_seq, ticker=ticker)
    rows.order(server, bob.user_seq, ticker=ticker, remaining_count=800)  # behind
    assert alice.ok(f"/portfolio/orders/{mine['order_id']}/queue_position") == {
        "queue_position_fp": "5.50",
        "queue_position": 5,
    }
    listed = alice.ok("/portfolio/orders/queue_positions", {"market_tickers": ticker})["queue_positions"]
    assert listed == [
        {"order_id": mine["order_id"], "market_ticker": ticker, "queue_position_fp": "5.50", "queue_position": 5}
    ]
    assert bob.ok(f"/portfolio/orders/{ahead['order_id']}/queue_position")["queue_position_fp"] == "0.00"


def test_total_resting_order_value_prices_each_order_in_its_outcome(server, alice):
    rows.order(server, alice.user_seq, book_side="bid", price=4_200, remaining_count=1_000)  # 10 x 0.42
    rows.order(server, alice.user_seq, book_side="ask", price=4_200, remaining_count=200)  # 2 x 0.58
    rows.order(server, alice.user_seq, status="canceled")
    body = alice.ok("/portfolio/summary/total_resting_order_value")
    assert body["total_resting_order_value"] == 420 + 116
    assert body["resting_order_value_breakdown"] == [{"exchange_index": 0, "balance": "5.3600"}]
