"""orderbook_delta: a snapshot, then signed deltas with the subscription's seq, no-leg pricing
by default and use_yes_price on request, and client_order_id for the order's owner."""

from __future__ import annotations

from ..api.write_path import place


def book_of(api, ticker: str) -> dict:
    return api.ok(f"/markets/{ticker}/orderbook")["orderbook_fp"]


def test_a_subscription_gets_the_book_then_each_change_in_no_leg_pricing(alice, bob, ticker):
    place(alice, ticker, "bid", "10", "0.3000")
    place(alice, ticker, "ask", "5", "0.6000")  # a NO bid at $0.40
    with bob.ws() as ws:
        (subscribed,) = ws.subscribe("orderbook_delta", market_ticker=ticker)
        sid = subscribed["msg"]["sid"]
        snapshot = ws.expect("orderbook_snapshot")
        assert snapshot["sid"] == sid and snapshot["seq"] == 1
        assert snapshot["msg"]["yes_dollars_fp"] == [["0.3000", "10.00"]]
        assert snapshot["msg"]["no_dollars_fp"] == [["0.4000", "5.00"]]
        place(alice, ticker, "ask", "3", "0.7000", client_order_id="mine-1")
        delta = ws.expect("orderbook_delta")
        assert delta["seq"] == 2
        assert delta["msg"] | {"ts": None, "ts_ms": None} == {
            "market_ticker": ticker,
            "market_id": snapshot["msg"]["market_id"],
            "price_dollars": "0.3000",
            "delta_fp": "3.00",
            "side": "no",
            "ts": None,
            "ts_ms": None,
        }


def test_use_yes_price_shows_no_levels_at_their_yes_price(alice, bob, ticker):
    place(alice, ticker, "ask", "5", "0.6000")
    with bob.ws() as ws:
        ws.subscribe("orderbook_delta", market_ticker=ticker, use_yes_price=True)
        snapshot = ws.expect("orderbook_snapshot")
        assert snapshot["msg"]["no_dollars_fp"] == [["0.6000", "5.00"]]
        assert "yes_dollars_fp" not in snapshot["msg"]
        place(alice, ticker, "ask", "2", "0.6500")
        delta = ws.expect("orderbook_delta")
        assert (delta["msg"]["price_dollars"], delta["msg"]["side"]) == ("0.6500", "no")


def test_the_owner_sees_its_client_order_id_and_others_do_not(alice, bob, ticker):
    with alice.ws() as mine, bob.ws() as theirs:
        mine.subscribe("orderbook_delta", market_ticker=ticker)
        theirs.subscribe("orderbook_delta", market_ticker=ticker)
        mine.expect("orderbook_snapshot")
        theirs.expect("orderbook_snapshot")
        place(alice, ticker, "bid", "4", "0.2500", client_order_id="alice-1")
        assert mine.expect("orderbook_delta")["msg"]["client_order_id"] == "alice-1"
        assert "client_order_id" not in theirs.expect("orderbook_delta")["msg"]


def test_a_fill_takes_the_level_away_with_a_negative_delta(alice, bob, ticker):
    place(alice, ticker, "bid", "10", "0.3000")
    with bob.ws() as ws:
        ws.subscribe("orderbook_delta", market_ticker=ticker)
        ws.expect("orderbook_snapshot")
        place(bob, ticker, "ask", "4", "0.3000")
        delta = ws.expect("orderbook_delta")
        assert (delta["msg"]["price_dollars"], delta["msg"]["delta_fp"], delta["msg"]["side"]) == (
            "0.3000", "-4.00", "yes",
        )
        assert book_of(bob, ticker)["yes_dollars"] == [["0.3000", "6.00"]]
