"""A connection whose API key is removed (DELETE /api_keys/{api_key}, an admin reset) loses its
private subscriptions at once: one error 9, then an `unsubscribed` for each; its public ones go on
(docs/websocket.md)."""

from __future__ import annotations

from ..api.write_path import place


def _revoked(ws, sids: list[int]) -> None:
    error = ws.error(9)
    assert "id" not in error
    ended = [ws.expect("unsubscribed") for _ in sids]
    assert [(m["sid"], "id" in m) for m in ended] == [(sid, False) for sid in sids]


def test_deleting_the_key_ends_the_private_subscriptions_of_its_connections(alice, bob, ticker):
    place(alice, ticker, "bid", "10", "0.4000")
    with alice.ws() as mine, bob.ws() as theirs:
        mine.subscribe("ticker", market_ticker=ticker)
        mine.subscribe("fill", "user_orders")
        theirs.subscribe("fill")
        alice.request("DELETE", f"/api_keys/{alice.signer.key_id}", expect=204)
        _revoked(mine, [2, 3])
        place(bob, ticker, "ask", "4", "0.4000")
        assert theirs.expect("fill")["msg"]["is_taker"] is True  # another key's connection is untouched
        assert mine.expect("ticker")["sid"] == 1  # public data still streams
        mine.quiet()  # but no fill nor user_order for the resting order
        mine.send("subscribe", channels=["user_orders"])
        mine.error(9)
        mine.send("list_subscriptions")
        assert mine.expect("ok")["msg"] == [{"channel": "ticker", "sid": 1}]


def test_a_connection_without_private_subscriptions_gets_no_message(alice, ticker):
    with alice.ws() as ws:
        ws.subscribe("ticker", market_ticker=ticker)
        alice.request("DELETE", f"/api_keys/{alice.signer.key_id}", expect=204)
        ws.quiet()
        ws.send("subscribe", channels=["fill"])
        ws.error(9)


def test_an_admin_reset_ends_the_private_subscriptions_of_every_connection(alice, admin):
    with alice.ws() as ws:
        ws.subscribe("fill", "market_positions")
        admin.request("POST", "/reset", {"demo": False})
        _revoked(ws, [1, 2])
        ws.quiet()
