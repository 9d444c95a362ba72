"""The write path end to end over HTTP: V2 and V1 orders from two users cross on a real
server (SQLite and PostgreSQL), and every read shows exactly the money, fees and positions
Kalshi's rules give. Each test trades on its own fresh market (write_path.new_market)."""

from __future__ import annotations

import pytest

from . import trading_fixtures as fixtures
from . import trading_rows as rows
from .write_path import V1, V2, balance, new_market, order, place, position

server = fixtures.server
admin = fixtures.admin
alice = fixtures.alice
bob = fixtures.bob
public = fixtures.public


@pytest.fixture
def carol(server, admin):
    with rows.trader(server, admin) as api:
        yield api


@pytest.fixture
def ticker(admin):
    return new_market(admin)


# --- a cross between two users --------------------------------------------------------------------


@pytest.fixture
def crossed(alice, bob, ticker):
    """Alice bids 10 YES at $0.40 (rests); Bob asks 4 at $0.30 and fills 4 at the maker's $0.40."""
    made = place(alice, ticker, "bid", "10", "0.40", client_order_id="a-1")
    taken = place(bob, ticker, "ask", "4", "0.30", client_order_id="b-1")
    return made, taken


def test_the_resting_order_and_the_taker_reply_with_their_counts(crossed):
    made, taken = crossed
    assert (made["fill_count"], made["remaining_count"], made["client_order_id"]) == ("0.00", "10.00", "a-1")
    assert "average_fill_price" not in made
    assert (taken["fill_count"], taken["remaining_count"]) == ("4.00", "0.00")
    # V2 prices are YES prices on one book: Bob's ask filled at the maker's $0.40.
    assert taken["average_fill_price"] in ("0.4000", "0.400000")
    # Taker fee 0.07 x 4 x 0.40 x 0.60 = $0.0672, plus $0.0028 rounding to the cent: $0.07 over 4.
    assert taken["average_fee_paid"] in ("0.0175", "0.017500")


def test_balances_lock_collateral_and_charge_the_taker_fee(crossed, alice, bob):
    # Alice: $1.60 paid for 4, $2.40 locked for the 6 resting and a cent for fee rounding; the
    # portfolio is the 4 held, at cost: the locked cash is in neither.
    assert balance(alice) == (9599, 160)
    # Bob: bought 4 NO at $0.60 = $2.40 and $0.07 fee.
    assert balance(bob) == (9753, 240)
    assert alice.ok("/portfolio/summary/total_resting_order_value")["total_resting_order_value"] == 240


def test_fills_show_maker_and_taker_with_the_net_fee(crossed, alice, bob, ticker):
    made, taken = crossed
    [maker] = alice.ok("/portfolio/fills", {"ticker": ticker})["fills"]
    [taker] = bob.ok("/portfolio/fills", {"order_id": taken["order_id"]})["fills"]
    assert maker["trade_id"] == taker["trade_id"]
    assert (maker["order_id"], maker["is_taker"], maker["fee_cost"]) == (made["order_id"], False, "0.0000")
    assert (taker["is_taker"], taker["fee_cost"]) == (True, "0.0700")
    assert (maker["action"], maker["side"], maker["book_side"], maker["outcome_side"]) == ("buy", "yes", "bid", "yes")
    assert (taker["action"], taker["book_side"], taker["outcome_side"]) == ("sell", "ask", "no")
    for fill in (maker, taker):
        assert (fill["count_fp"], fill["yes_price_dollars"], fill["no_price_dollars"]) == ("4.00", "0.4000", "0.6000")
        assert (fill["count"], fill["yes_price"], fill["no_price"]) == (4, 40, 60)


def test_positions_carry_exposure_and_fees(crossed, alice, bob, ticker):
    mine = position(alice, ticker)
    assert (mine["position_fp"], mine["market_exposure_dollars"], mine["fees_paid_dollars"]) == (
        "4.00",
        "1.6000",
        "0.0000",
    )
    assert (mine["resting_orders_count"], mine["total_traded_dollars"]) == (6, "1.6000")  # contracts still resting
    theirs = position(bob, ticker)
    assert (theirs["position_fp"], theirs["market_exposure_dollars"], theirs["fees_paid_dollars"]) == (
        "-4.00",
        "2.4000",
        "0.0700",
    )
    [event] = bob.ok("/portfolio/positions", {"ticker": ticker})["event_positions"]
    assert (event["event_ticker"], event["fees_paid"], event["total_cost_shares_fp"]) == (ticker[:-2], 7, "4.00")


def test_the_order_reads_show_status_and_costs(crossed, alice, bob):
    made, taken = crossed
    resting = order(alice, made["order_id"])
    assert (resting["status"], resting["fill_count_fp"], resting["remaining_count_fp"]) == ("resting", "4.00", "6.00")
    assert (resting["maker_fill_cost_dollars"], resting["yes_price_dollars"]) == ("1.6000", "0.4000")
    done = order(bob, taken["order_id"])
    assert (done["status"], done["taker_fill_cost_dollars"], done["taker_fees_dollars"]) == (
        "executed",
        "2.4000",
        "0.0700",
    )
    assert (done["action"], done["side"], done["no_price"]) == ("sell", "yes", 70)


def test_the_book_trades_and_market_reflect_the_cross(crossed, public, ticker):
    book = public.ok(f"/markets/{ticker}/orderbook")
    assert book["orderbook_fp"] == {"yes_dollars": [["0.4000", "6.00"]], "no_dollars": []}
    assert book["orderbook"]["yes"] == [[40, 6]] and book["orderbook"]["no"] == []
    [both] = public.ok("/markets/orderbooks", {"tickers": ticker})["orderbooks"]
    assert both["orderbook_fp"] == book["orderbook_fp"]
    [trade] = public.ok("/markets/trades", {"ticker": ticker})["trades"]
    assert (trade["count_fp"], trade["yes_price_dollars"], trade["taker_book_side"], trade["taker_side"]) == (
        "4.00",
        "0.4000",
        "ask",
        "no",
    )
    market = public.ok(f"/markets/{ticker}")["market"]
    assert (
        market["yes_bid_dollars"],
        market["last_price_dollars"],
        market["volume_fp"],
        market["open_interest_fp"],
    ) == (
        "0.4000",
        "0.4000",
        "4.00",
        "4.00",
    )


def test_queue_positions_count_what_rests_ahead(alice, bob, ticker):
    first = place(bob, ticker, "bid", "3", "0.20")
    mine = place(alice, ticker, "bid", "2", "0.20")
    assert alice.ok(f"{V1}/{mine['order_id']}/queue_position")["queue_position_fp"] == "3.00"
    assert bob.ok(f"{V1}/{first['order_id']}/queue_position")["queue_position_fp"] == "0.00"
    [listed] = alice.ok(f"{V1}/queue_positions", {"market_tickers": ticker})["queue_positions"]
    assert (listed["order_id"], listed["queue_position_fp"]) == (mine["order_id"], "3.00")


# --- exact money in a few more scenarios --------------------------------------------------------


def test_maker_fees_apply_on_a_series_that_charges_them(admin, alice, bob):
    ticker = new_market(admin, fee_type="quadratic_with_maker_fees")
    place(alice, ticker, "bid", "10", "0.50")
    place(bob, ticker, "ask", "10", "0.50")
    # Taker: 0.07 x 10 x 0.25 = $0.175, to the cent $0.18. Maker: 0.0175 x 10 x 0.25 = $0.04375,
    # up to $0.0438, to the cent $0.05.
    assert balance(alice) == (10_000 - 500 - 5, 500)
    assert balance(bob) == (10_000 - 500 - 18, 500)
    assert position(alice, ticker)["fees_paid_dollars"] == "0.0500"


def test_a_resting_orders_rounding_cent_is_spent_as_its_fractional_fills_round(admin, alice, bob):
    ticker = new_market(admin)
    place(alice, ticker, "bid", "0.90", "0.45")
    shown = [alice.ok("/portfolio/balance")["balance_dollars"]]  # $0.405 and a cent for rounding locked
    for _ in range(3):
        place(bob, ticker, "ask", "0.30", "0.45", time_in_force="fill_or_kill")
        shown.append(alice.ok("/portfolio/balance")["balance_dollars"])
    # Each 0.30 fill pays $0.135 rounded up to $0.14 and the lock gives back as much: what Alice
    # may spend stays put until the third fill's rebate returns the cent the rounding did not need.
    assert shown == ["99.585000", "99.585000", "99.585000", "99.59"]


def test_a_sell_closes_the_position_and_realizes_the_pnl(admin, alice, bob, carol):
    ticker = new_market(admin)
    place(alice, ticker, "bid", "5", "0.40")
    place(bob, ticker, "ask", "5", "0.40")  # Alice long 5 YES at $0.40
    place(carol, ticker, "bid", "5", "0.60")
    sold = place(alice, ticker, "ask", "5", "0.60")  # Alice sells them at $0.60 to Carol
    assert sold["fill_count"] == "5.00"
    # Alice: -$2.00, then +$3.00 less 0.07 x 5 x 0.6 x 0.4 = $0.084 (to the cent $0.09).
    assert balance(alice) == (10_000 - 200 + 300 - 9, 0)
    closed = position(alice, ticker)
    assert (closed["position_fp"], closed["market_exposure_dollars"], closed["fees_paid_dollars"]) == (
        "0.00",
        "0.0000",
        "0.0900",
    )
    assert closed["realized_pnl_dollars"] == "1.0000"
    assert balance(carol) == (10_000 - 300, 300)
    assert balance(bob) == (10_000 - 300 - 9, 300)  # 5 NO at $0.60 and the $0.09 fee
    market = fixtures_market(alice, ticker)
    assert (market["open_interest_fp"], market["volume_fp"]) == ("5.00", "10.00")


def fixtures_market(api, ticker: str) -> dict:
    return api.ok(f"/markets/{ticker}")["market"]


def test_an_ioc_fills_what_it_can_and_the_rest_is_cancelled(alice, bob, ticker):
    place(alice, ticker, "bid", "3", "0.40")
    taken = place(bob, ticker, "ask", "5", "0.40", time_in_force="immediate_or_cancel")
    assert (taken["fill_count"], taken["remaining_count"]) == ("3.00", "0.00")
    assert order(bob, taken["order_id"])["status"] == "canceled"
    assert balance(bob)[0] == 10_000 - 180 - 6  # 3 NO at $0.60; fee 0.07 x 3 x 0.24 = $0.0504 -> $0.06


def test_a_fill_or_kill_that_fills_whole(alice, bob, ticker):
    place(alice, ticker, "ask", "2", "0.70")
    taken = place(bob, ticker, "bid", "2", "0.75", time_in_force="fill_or_kill")
    assert (taken["fill_count"], taken["average_fill_price"][:6]) == ("2.00", "0.7000")


# --- every write operation ----------------------------------------------------------------------


def test_v2_amend_down_keeps_the_order(alice, ticker):
    made = place(alice, ticker, "bid", "5", "0.30", client_order_id="amend-down")
    body = {"ticker": ticker, "side": "bid", "price": "0.30", "count": "3", "updated_client_order_id": "amended-down"}
    reply = alice.request("POST", f"{V2}/{made['order_id']}/amend", json=body, expect=200).json()
    assert (reply["order_id"], reply["remaining_count"], reply["client_order_id"]) == (
        made["order_id"],
        "3.00",
        "amended-down",
    )
    assert balance(alice) == (10_000 - 91, 0)


def test_v2_amend_moves_the_price_and_count(alice, ticker):
    made = place(alice, ticker, "bid", "5", "0.30", client_order_id="amend-me")
    body = {"ticker": ticker, "side": "bid", "price": "0.35", "count": "7", "updated_client_order_id": "amended"}
    reply = alice.request("POST", f"{V2}/{made['order_id']}/amend", json=body, expect=200).json()
    assert (reply["remaining_count"], reply["fill_count"], reply["client_order_id"]) == ("7.00", "0.00", "amended")
    now = order(alice, reply["order_id"])
    assert (now["yes_price_dollars"], now["remaining_count_fp"], now["status"]) == ("0.3500", "7.00", "resting")


def test_v2_amend_that_crosses_fills(alice, bob, ticker):
    place(bob, ticker, "ask", "2", "0.50")
    made = place(alice, ticker, "bid", "2", "0.30")
    body = {"ticker": ticker, "side": "bid", "price": "0.50", "count": "2"}
    reply = alice.request("POST", f"{V2}/{made['order_id']}/amend", json=body, expect=200).json()
    assert (reply["fill_count"], reply["remaining_count"]) == ("2.00", "0.00")
    assert position(alice, ticker)["position_fp"] == "2.00"


@pytest.mark.parametrize(("body", "left"), [({"reduce_by": "2"}, "3.00"), ({"reduce_to": "1"}, "1.00")])
def test_v2_decrease(alice, ticker, body, left):
    made = place(alice, ticker, "bid", "5", "0.30")
    reply = alice.request("POST", f"{V2}/{made['order_id']}/decrease", json=body, expect=200).json()
    assert reply["remaining_count"] == left
    assert order(alice, made["order_id"])["remaining_count_fp"] == left


def test_v2_cancel_returns_the_count_taken_off_and_frees_the_collateral(alice, ticker):
    made = place(alice, ticker, "bid", "5", "0.30")
    assert balance(alice) == (10_000 - 151, 0)  # a resting bid is no position: portfolio_value 0
    reply = alice.request("DELETE", f"{V2}/{made['order_id']}", expect=200).json()
    assert (reply["order_id"], reply["reduced_by"]) == (made["order_id"], "5.00")
    assert balance(alice) == (10_000, 0)
    assert order(alice, made["order_id"])["status"] == "canceled"


def test_v2_batches_create_and_cancel_with_an_error_per_item(alice, ticker):
    good = {"ticker": ticker, "side": "bid", "count": "1", "price": "0.10", "client_order_id": "batch-1"}
    bad = {**good, "ticker": "KXNOPE-1-A", "client_order_id": "batch-2"}
    created = alice.request("POST", f"{V2}/batched", json={"orders": [good, bad]}, expect=201).json()["orders"]
    assert created[0]["remaining_count"] == "1.00" and created[0].get("error") is None
    assert created[1]["error"]["code"] == "market_not_found" and created[1]["client_order_id"] == "batch-2"
    items = [{"order_id": created[0]["order_id"]}, {"order_id": "no-such-order"}]
    cancelled = alice.request("DELETE", f"{V2}/batched", json={"orders": items}, expect=200).json()["orders"]
    assert cancelled[0]["reduced_by"] == "1.00" and cancelled[0].get("error") is None
    assert cancelled[1]["error"]["code"] == "not_found"


def test_v1_create_amend_decrease_cancel(alice, ticker):
    body = {"ticker": ticker, "action": "buy", "side": "no", "count": 4, "no_price": 70, "client_order_id": "v1"}
    made = alice.request("POST", V1, json=body, expect=201).json()["order"]
    # NO bid at $0.70 is a YES ask at $0.30.
    assert (made["book_side"], made["yes_price_dollars"], made["no_price"], made["status"]) == (
        "ask",
        "0.3000",
        70,
        "resting",
    )
    amend = {"ticker": ticker, "action": "buy", "side": "no", "count": 3, "no_price": 70}
    amended = alice.request("POST", f"{V1}/{made['order_id']}/amend", json=amend, expect=200).json()
    assert amended["old_order"]["remaining_count"] == 4 and amended["order"]["remaining_count"] == 3
    order_id = amended["order"]["order_id"]
    decreased = alice.request("POST", f"{V1}/{order_id}/decrease", json={"reduce_by": 1}, expect=200).json()
    assert decreased["order"]["remaining_count_fp"] == "2.00"
    cancelled = alice.request("DELETE", f"{V1}/{order_id}", expect=200).json()
    assert (cancelled["reduced_by_fp"], cancelled["reduced_by"], cancelled["order"]["status"]) == (
        "2.00",
        2,
        "canceled",
    )


def test_v1_amend_to_a_new_price(alice, ticker):
    body = {"ticker": ticker, "action": "buy", "side": "no", "count": 4, "no_price": 70}
    made = alice.request("POST", V1, json=body, expect=201).json()["order"]
    amend = {**body, "count": 6, "no_price": 65}
    amended = alice.request("POST", f"{V1}/{made['order_id']}/amend", json=amend, expect=200).json()
    assert amended["old_order"]["no_price"] == 70 and amended["order"]["no_price"] == 65


def test_v1_amend_of_the_price_alone_keeps_the_count(alice, bob, ticker):
    body = {"ticker": ticker, "action": "buy", "side": "yes", "count": 4, "yes_price": 30}
    made = alice.request("POST", V1, json=body, expect=201).json()["order"]
    bob.request("POST", V1, json={**body, "action": "sell", "count": 1}, expect=201)  # fills 1 of alice's 4
    amend = {"ticker": ticker, "action": "buy", "side": "yes", "yes_price": 32}
    amended = alice.request("POST", f"{V1}/{made['order_id']}/amend", json=amend, expect=200).json()["order"]
    assert (amended["yes_price"], amended["fill_count_fp"], amended["remaining_count_fp"]) == (32, "1.00", "3.00")


def test_v1_sell_position_floor_bounds_sells_only(alice, ticker):
    buy = {"ticker": ticker, "action": "buy", "side": "yes", "count": 2, "yes_price": 30, "sell_position_floor": 0}
    assert alice.request("POST", V1, json=buy, expect=201).json()["order"]["status"] == "resting"
    sell = {**buy, "action": "sell"}  # holds no YES: selling would open a NO position
    refused = alice.request("POST", V1, json=sell, expect=400).json()["error"]
    assert refused["code"] == "exceeded_sell_position_floor" and "sell_position_floor" in refused["message"]


def test_v1_batches(alice, ticker):
    one = {"ticker": ticker, "action": "buy", "side": "yes", "count": 1, "yes_price": 10}
    made = alice.request("POST", f"{V1}/batched", json={"orders": [one, {**one, "yes_price": 11}]}, expect=201).json()
    ids = [item["order"]["order_id"] for item in made["orders"]]
    assert [item["order"]["yes_price"] for item in made["orders"]] == [10, 11]
    gone = alice.request("DELETE", f"{V1}/batched", json={"ids": ids}, expect=200).json()["orders"]
    assert [item["reduced_by_fp"] for item in gone] == ["1.00", "1.00"]


def test_orders_list_filters_and_pages(alice, bob, ticker):
    ids = [place(alice, ticker, "bid", "1", f"0.{10 + i}")["order_id"] for i in range(3)]
    alice.request("DELETE", f"{V2}/{ids[0]}", expect=200)
    place(bob, ticker, "ask", "1", "0.12")  # fills ids[2]
    listed = alice.walk(V1, "orders", {"ticker": ticker, "limit": 1})
    assert sorted(o["order_id"] for o in listed) == sorted(ids)
    by_status = {
        s: [o["order_id"] for o in alice.ok(V1, {"ticker": ticker, "status": s})["orders"]]
        for s in ("resting", "canceled", "executed")
    }
    assert by_status == {"resting": [ids[1]], "canceled": [ids[0]], "executed": [ids[2]]}
    assert bob.ok(V1, {"ticker": ticker})["orders"][0]["status"] == "executed"
    assert alice.ok(V1, {"ticker": "KXNOPE-1-A"})["orders"] == []


def test_fills_and_trades_page_with_cursors(alice, bob, ticker):
    for i in range(3):
        place(alice, ticker, "bid", "1", f"0.{20 + i}")
    place(bob, ticker, "ask", "3", "0.20")
    assert len(alice.walk("/portfolio/fills", "fills", {"ticker": ticker, "limit": 1})) == 3
    trades = bob.walk("/markets/trades", "trades", {"ticker": ticker, "limit": 2})
    assert [t["yes_price_dollars"] for t in trades] == ["0.2000", "0.2100", "0.2200"][::-1] or sorted(
        t["yes_price_dollars"] for t in trades
    ) == ["0.2000", "0.2100", "0.2200"]
