"""ticker, trade, fill, market_positions, user_orders, the lifecycle channels and the channels
that publish nothing yet: each message as the contract has it, for orders placed over REST."""

from __future__ import annotations

import pytest

from ..api.write_path import OPEN, new_market, place


def test_a_cross_sends_trade_ticker_fill_position_and_order_messages(alice, bob, ticker):
    resting = place(alice, ticker, "bid", "10", "0.4000", client_order_id="a-1")
    with alice.ws() as mine, bob.ws() as public:
        public.subscribe("trade", "ticker", market_ticker=ticker)
        mine.subscribe("fill", "market_positions", "user_orders")
        taker = place(bob, ticker, "ask", "4", "0.4000")
        trade = next(m for m in (public.recv(), public.recv()) if m["type"] == "trade")
        assert trade["msg"] | {"trade_id": None, "ts": None, "ts_ms": None} == {
            "trade_id": None,
            "market_ticker": ticker,
            "yes_price_dollars": "0.4000",
            "no_price_dollars": "0.6000",
            "count_fp": "4.00",
            "taker_side": "no",
            "taker_outcome_side": "no",
            "taker_book_side": "ask",
            "ts": None,
            "ts_ms": None,
        }
        kinds = {m["type"]: m for m in (mine.recv(), mine.recv(), mine.recv())}
        order = kinds["user_order"]["msg"]
        assert (order["order_id"], order["status"], order["fill_count_fp"], order["remaining_count_fp"]) == (
            resting["order_id"], "resting", "4.00", "6.00",
        )
        assert order["client_order_id"] == "a-1" and order["user_id"] == alice.user_id
        fill = kinds["fill"]["msg"]
        assert (fill["order_id"], fill["is_taker"], fill["count_fp"], fill["post_position_fp"]) == (
            resting["order_id"], False, "4.00", "4.00",
        )
        assert (fill["outcome_side"], fill["book_side"], fill["client_order_id"]) == ("yes", "bid", "a-1")
        position = kinds["market_position"]["msg"]
        assert (position["market_ticker"], position["position_fp"], position["volume_fp"]) == (ticker, "4.00", "4.00")
        rest = alice.ok("/portfolio/positions", {"ticker": ticker})["market_positions"][0]
        assert position["position_cost_dollars"] == rest["market_exposure_dollars"]
        assert taker["fill_count"] == "4.00"


def test_market_position_is_sent_only_when_a_field_it_shows_changes(alice, bob, ticker):
    with alice.ws() as mine:
        mine.subscribe("market_positions")
        for price in ("0.3000", "0.3100", "0.3200"):  # resting orders, placed and cancelled: nothing shown changes
            made = place(alice, ticker, "bid", "5", price)
            alice.request("DELETE", f"/portfolio/events/orders/{made['order_id']}", expect=200)
        resting = place(alice, ticker, "bid", "5", "0.4000")
        mine.quiet()
        place(bob, ticker, "ask", "2", "0.4000")
        message = mine.expect("market_position")["msg"]
        assert (message["position_fp"], message["volume_fp"]) == ("2.00", "2.00")
        mine.quiet()
        alice.request("DELETE", f"/portfolio/events/orders/{resting['order_id']}", expect=200)
        mine.quiet()


def test_ticker_follows_the_best_prices_and_volume(alice, bob, ticker):
    with bob.ws() as ws:
        ws.subscribe("ticker", market_ticker=ticker)
        place(alice, ticker, "bid", "10", "0.4000")
        message = ws.expect("ticker")["msg"]
        assert (message["yes_bid_dollars"], message["yes_bid_size_fp"], message["volume_fp"]) == (
            "0.4000", "10.00", "0.00",
        )
        place(bob, ticker, "ask", "3", "0.4000")
        message = ws.expect("ticker")["msg"]
        assert (message["price_dollars"], message["volume_fp"], message["last_trade_size_fp"]) == (
            "0.4000", "3.00", "3.00",
        )


def test_ticker_with_send_initial_snapshot_starts_with_the_market_now(alice, bob, ticker):
    place(alice, ticker, "bid", "10", "0.4000")
    with bob.ws() as ws:
        ws.subscribe("ticker", market_tickers=[ticker], send_initial_snapshot=True)
        message = ws.expect("ticker")["msg"]
        assert (message["market_ticker"], message["yes_bid_dollars"]) == (ticker, "0.4000")


def test_a_ticker_snapshot_is_stamped_with_the_markets_latest_change(alice, bob, ticker, admin):
    admin.request("POST", "/clock", {"advance_seconds": 120})  # the market was written two minutes before
    place(alice, ticker, "bid", "10", "0.4000")
    changed_s = admin.request("GET", "/clock")["now_us"] // 1_000_000
    with bob.ws() as ws:
        ws.subscribe("ticker", market_tickers=[ticker], send_initial_snapshot=True)
        assert ws.expect("ticker")["msg"]["ts"] == changed_s


def test_private_channels_carry_only_the_subscribers_own_activity(alice, bob, ticker):
    with alice.ws() as ws:
        ws.subscribe("user_orders", "fill")
        place(bob, ticker, "bid", "1", "0.1000")
        ws.quiet()
        place(alice, ticker, "bid", "1", "0.1000")
        assert ws.expect("user_order")["msg"]["user_id"] == alice.user_id


def test_market_filters_on_private_channels(alice, admin, ticker):
    other = new_market(admin)
    with alice.ws() as ws:
        ws.subscribe("user_orders", market_tickers=[other])
        place(alice, ticker, "bid", "1", "0.1000")
        ws.quiet()
        place(alice, other, "bid", "1", "0.1000")
        assert ws.expect("user_order")["msg"]["ticker"] == other


def test_a_market_put_through_the_admin_api_is_created_then_metadata_updated(alice, admin):
    with alice.ws() as ws:
        ws.subscribe("market_lifecycle_v2")
        ticker = new_market(admin)
        event = ws.expect("event_lifecycle")["msg"]
        assert event["event_ticker"] == ticker.rsplit("-", 1)[0]
        created = ws.expect("market_lifecycle_v2")["msg"]
        assert (created["market_ticker"], created["event_type"], created["price_level_structure"]) == (
            ticker, "created", "linear_cent",
        )
        body = {"ticker": ticker, "open_time": OPEN, "close_time": "2031-01-01T00:00:00Z", "yes_sub_title": "Above 5"}
        admin.request("PUT", f"/events/{event['event_ticker']}/markets/{ticker}", body)
        updated = ws.expect("market_lifecycle_v2")["msg"]
        assert updated == {"market_ticker": ticker, "event_type": "metadata_updated", "yes_sub_title": "Above 5"}
        body |= {"close_time": "2032-01-01T00:00:00Z", "status": "inactive"}
        admin.request("PUT", f"/events/{event['event_ticker']}/markets/{ticker}", body)
        kinds = [ws.expect("market_lifecycle_v2")["msg"] for _ in range(2)]
        assert [k["event_type"] for k in kinds] == ["deactivated", "close_date_updated"]
        assert kinds[1]["close_ts"] == 1956528000


def test_multivariate_markets_go_to_their_own_lifecycle_channel(alice, admin):
    with alice.ws() as ws:
        ws.subscribe("multivariate_market_lifecycle", "market_lifecycle_v2")
        admin.request("PUT", "/series/KXMVETEST", {"title": "MVE", "category": "Sports"})
        market = {"ticker": "KXMVETEST-1-A", "open_time": OPEN, "close_time": "2031-01-01T00:00:00Z"}
        admin.request("PUT", "/events/KXMVETEST-1", {"series_ticker": "KXMVETEST", "title": "MVE", "markets": [market]})
        event = ws.expect("event_lifecycle")
        assert event["sid"] == 1
        created = ws.expect("multivariate_market_lifecycle")
        assert (created["sid"], created["msg"]["market_ticker"]) == (1, "KXMVETEST-1-A")
        ws.quiet()


@pytest.mark.parametrize("channel", ["communications", "order_group_updates", "multivariate"])
def test_channels_without_traffic_yet_accept_a_subscription(alice, channel):
    with alice.ws() as ws:
        options = {"shard_factor": 2, "shard_key": 1} if channel == "communications" else {}
        (answer,) = ws.subscribe(channel, **options)
        assert answer["msg"]["channel"] == channel
