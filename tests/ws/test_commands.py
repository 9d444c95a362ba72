"""Commands and every error code of the contract, each caused by the situation its row describes;
the connection stays open after each error."""

from __future__ import annotations

import pytest
from websockets.exceptions import ConnectionClosedError

UNKNOWN_ID = "9b0f6b43-5b68-4f9f-9f02-9a2d1b8ac1a1"


def test_subscribe_answers_one_subscribed_per_channel_with_new_sids(alice, ticker):
    with alice.ws() as ws:
        answers = ws.subscribe("ticker", "trade", market_tickers=[ticker])
        assert [a["msg"]["channel"] for a in answers] == ["ticker", "trade"]
        assert [a["msg"]["sid"] for a in answers] == [1, 2]


def test_list_subscriptions_and_unsubscribe(alice, ticker):
    with alice.ws() as ws:
        ws.subscribe("ticker", "fill")
        ident = ws.send("list_subscriptions")
        listed = ws.expect("ok")
        assert listed["id"] == ident
        assert listed["msg"] == [{"channel": "ticker", "sid": 1}, {"channel": "fill", "sid": 2}]
        ident = ws.send("unsubscribe", sids=[1, 2])
        gone = [ws.expect("unsubscribed"), ws.expect("unsubscribed")]
        assert [(m["id"], m["sid"]) for m in gone] == [(ident, 1), (ident, 2)]
        ws.send("list_subscriptions")
        assert ws.expect("ok")["msg"] == []


def test_update_subscription_adds_and_deletes_markets_with_sid_or_sids(alice, admin, ticker):
    from ..api.write_path import new_market

    other = new_market(admin)
    with alice.ws() as ws:
        ws.subscribe("orderbook_delta", market_ticker=ticker)
        ws.expect("orderbook_snapshot")
        ident = ws.send("update_subscription", sid=1, market_tickers=[other], action="add_markets")
        ok = ws.expect("ok")
        assert (ok["id"], ok["sid"], ok["msg"]["market_tickers"]) == (ident, 1, sorted([ticker, other]))
        snapshot = ws.expect("orderbook_snapshot")
        assert snapshot["msg"]["market_ticker"] == other and snapshot["seq"] == 2
        ws.send("update_subscription", sids=[1], market_tickers=[ticker], action="delete_markets")
        assert ws.expect("ok")["msg"]["market_tickers"] == [other]
        ws.send("update_subscription", sids=[1], market_tickers=[other], action="get_snapshot")
        assert ws.expect("orderbook_snapshot")["msg"]["market_ticker"] == other


def _error_after(ws, code: int, body) -> dict:
    ws.send_raw(body)
    error = ws.error(code)
    ws.send("list_subscriptions")  # the connection is still open and answering
    ws.expect("ok")
    return error


CASES = [
    (1, "not json"),
    (1, {"id": 1, "cmd": "subscribe", "params": {"channels": "ticker"}}),
    (2, {"id": 1, "cmd": "subscribe"}),
    (3, {"id": 1, "cmd": "subscribe", "params": {"channels": []}}),
    (4, {"id": 1, "cmd": "unsubscribe", "params": {}}),
    (5, {"id": 1, "cmd": "subscribe_all", "params": {}}),
    (7, {"id": 1, "cmd": "unsubscribe", "params": {"sids": [99]}}),
    (7, {"id": 1, "cmd": "update_subscription", "params": {"sid": 99, "market_ticker": "X", "action": "add_markets"}}),
    (8, {"id": 1, "cmd": "subscribe", "params": {"channels": ["market_lifecycle"]}}),
    (8, {"id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook"]}}),
    (11, {"id": 1, "cmd": "subscribe", "params": {"channels": ["ticker"], "market_id": "not-a-uuid"}}),
    (12, {"id": 1, "cmd": "update_subscription", "params": {"sids": [1, 2], "action": "add_markets"}}),
    (12, {"id": 1, "cmd": "update_subscription", "params": {"action": "add_markets", "market_ticker": "X"}}),
    (13, {"id": 1, "cmd": "update_subscription", "params": {"sid": 1, "action": "replace_markets"}}),
    (14, {"id": 1, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"]}}),
    (15, {"id": 1, "cmd": "update_subscription", "params": {"sid": 1}}),
    (16, {"id": 1, "cmd": "subscribe", "params": {"channels": ["ticker"], "market_ticker": "NO-SUCH-MARKET"}}),
    (16, {"id": 1, "cmd": "subscribe", "params": {"channels": ["ticker"], "market_id": UNKNOWN_ID}}),
    (19, {"id": 1, "cmd": "subscribe", "params": {"channels": ["communications"], "shard_factor": 0}}),
    (20, {"id": 1, "cmd": "subscribe", "params": {"channels": ["communications"], "shard_key": 1}}),
    (21, {"id": 1, "cmd": "subscribe", "params": {"channels": ["communications"], "shard_factor": 4, "shard_key": 4}}),
    (22, {"id": 1, "cmd": "subscribe", "params": {"channels": ["communications"], "shard_factor": 101}}),
]


@pytest.mark.parametrize(("code", "body"), CASES)
def test_each_mistake_gets_its_error_code_and_the_connection_stays_open(alice, code, body):
    with alice.ws() as ws:
        error = _error_after(ws, code, body)
        if isinstance(body, dict):
            assert error["id"] == 1


def test_a_frame_nested_too_deeply_is_unable_to_process_without_a_traceback(alice, caplog):
    with alice.ws() as ws, caplog.at_level("ERROR", "kalshi_local"):
        error = _error_after(ws, 1, "[" * 200_000 + "]" * 200_000)
    assert error["msg"] == {"code": 1, "msg": "Unable to process message"}
    assert not [r for r in caplog.records if r.exc_info]


def test_a_frame_over_one_mib_closes_the_connection_as_too_big(alice):
    with alice.ws() as ws:
        ws.send_raw('{"id": 1, "cmd": "list_subscriptions", "pad": "' + "x" * (1 << 20) + '"}')
        with pytest.raises(ConnectionClosedError) as closed:
            ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009


@pytest.mark.parametrize("ident", [2**63, 123456789012345678901234567890, -1])
def test_an_id_outside_int64_is_unable_to_process_and_never_echoed(alice, ident):
    with alice.ws() as ws:
        error = _error_after(ws, 1, f'{{"id": {ident}, "cmd": "list_subscriptions"}}')
    assert "id" not in error  # an int64 client could not read it


def test_the_largest_int64_id_is_echoed(alice):
    with alice.ws() as ws:
        ws.send_raw({"id": 2**63 - 1, "cmd": "list_subscriptions"})
        assert ws.expect("ok")["id"] == 2**63 - 1


def test_market_not_found_names_the_market(alice):
    with alice.ws() as ws:
        body = {"id": 3, "cmd": "subscribe", "params": {"channels": ["trade"], "market_ticker": "NOPE-1"}}
        error = _error_after(ws, 16, body)
        assert error["msg"] == {"code": 16, "msg": "Market not found", "market_ticker": "NOPE-1"}


def test_a_second_subscription_to_the_same_markets_is_already_subscribed(alice, ticker):
    with alice.ws() as ws:
        ws.subscribe("ticker", market_ticker=ticker)
        _error_after(ws, 6, {"id": 2, "cmd": "subscribe", "params": {"channels": ["ticker"], "market_ticker": ticker}})


def test_get_snapshot_on_another_channel_is_an_unsupported_action(alice, ticker):
    with alice.ws() as ws:
        ws.subscribe("trade", market_ticker=ticker)
        params = {"sid": 1, "market_ticker": ticker, "action": "get_snapshot"}
        body = {"id": 2, "cmd": "update_subscription", "params": params}
        _error_after(ws, 13, body)


def test_a_private_channel_after_the_key_was_deleted_needs_authentication(server, admin, alice):
    with alice.ws() as ws:
        ws.subscribe("ticker")  # public channels still work on the open connection
        with server.services.engine.begin() as conn:
            from sqlalchemy import delete

            from kalshi_local.store.schema import api_keys

            conn.execute(delete(api_keys).where(api_keys.c.key_id == alice.signer.key_id))
        _error_after(ws, 9, {"id": 5, "cmd": "subscribe", "params": {"channels": ["fill"]}})


def test_a_server_without_a_trading_engine_answers_channel_error(server, alice):
    trading = server.services.trading
    server.services.trading = None
    try:
        with alice.ws() as ws:
            _error_after(ws, 10, {"id": 1, "cmd": "subscribe", "params": {"channels": ["fill"]}})
    finally:
        server.services.trading = trading


def test_an_unexpected_failure_is_an_internal_error(server, alice):
    reading = server.services.reading
    with alice.ws() as ws:
        server.services.reading = None  # the store cannot be read: the command fails unexpectedly
        try:
            ws.send_raw({"id": 4, "cmd": "subscribe", "params": {"channels": ["trade"], "market_ticker": "ANY"}})
            ws.error(17)
        finally:
            server.services.reading = reading


def test_a_command_whose_store_read_is_too_slow_times_out(server, alice, ticker):
    settings = server.services.settings
    before = settings.ws_command_timeout_s
    object.__setattr__(settings, "ws_command_timeout_s", 0)
    try:
        with alice.ws() as ws:
            ws.send_raw({"id": 4, "cmd": "subscribe", "params": {"channels": ["trade"], "market_ticker": ticker}})
            ws.error(18)
    finally:
        object.__setattr__(settings, "ws_command_timeout_s", before)


def test_add_markets_with_send_initial_snapshot_sends_the_added_markets_now(alice, admin, ticker):
    from ..api.write_path import new_market, place

    second, third = new_market(admin), new_market(admin)
    place(alice, second, "bid", "3", "0.2000")
    with alice.ws() as ws:
        ws.subscribe("ticker", market_ticker=ticker)
        ws.send("update_subscription", sid=1, market_tickers=[ticker, second], action="add_markets",
                send_initial_snapshot=True)  # fmt: skip
        assert ws.expect("ok")["msg"]["market_tickers"] == sorted([ticker, second])
        snapshot = ws.expect("ticker")  # the newly added market only
        assert (snapshot["sid"], snapshot["msg"]["market_ticker"]) == (1, second)
        assert snapshot["msg"]["yes_bid_dollars"] == "0.2000"
        ws.quiet()
        ws.send("update_subscription", sid=1, market_ticker=third, action="add_markets")
        ws.expect("ok")
        ws.quiet()  # no snapshot unless asked for


def test_skip_ticker_ack_leaves_the_market_lists_out_of_ok_answers(alice, admin, ticker):
    from ..api.write_path import new_market

    other = new_market(admin)
    with alice.ws() as ws:
        ws.subscribe("trade", market_ticker=ticker, skip_ticker_ack=True)
        ws.subscribe("ticker", market_ticker=ticker)
        ident = ws.send("update_subscription", sid=1, market_ticker=other, action="add_markets")
        ok = ws.expect("ok")
        assert (ok["id"], ok["sid"]) == (ident, 1)
        assert "market_tickers" not in ok.get("msg", {}) and "market_ids" not in ok.get("msg", {})
        ws.send("update_subscription", sid=1, market_ticker=ticker, action="delete_markets")
        assert "market_tickers" not in ws.expect("ok").get("msg", {})
        ws.send("update_subscription", sid=2, market_ticker=other, action="add_markets")
        assert ws.expect("ok")["msg"]["market_tickers"] == sorted([ticker, other])  # only sid 1 skips them


def test_add_markets_covered_by_another_subscription_is_already_subscribed(alice, admin, ticker):
    from ..api.write_path import new_market, place

    other = new_market(admin)
    with alice.ws() as ws:
        ws.subscribe("ticker", market_ticker=ticker)
        ws.subscribe("ticker", market_ticker=other)
        error = _error_after(
            ws, 6, {"id": 7, "cmd": "update_subscription",
                    "params": {"sid": 1, "market_tickers": [other], "action": "add_markets"}},
        )  # fmt: skip
        assert error["id"] == 7
        place(alice, other, "bid", "1", "0.1000")
        assert ws.expect("ticker")["sid"] == 2
        ws.quiet()  # not a second copy on sid 1
        ws.send("update_subscription", sid=1, market_ticker=ticker, action="add_markets")
        assert ws.expect("ok")["msg"]["market_tickers"] == [ticker]


def test_an_unsubscribe_of_too_many_sids_is_one_invalid_parameter_error(alice, ticker):
    from kalshi_local.ws.commands import MAX_UNSUBSCRIBE_SIDS

    with alice.ws() as ws:
        ws.subscribe("ticker", market_ticker=ticker)
        sids = list(range(1, 100_000))
        _error_after(ws, 11, {"id": 3, "cmd": "unsubscribe", "params": {"sids": sids}})
        ws.send("list_subscriptions")
        assert ws.expect("ok")["msg"] == [{"channel": "ticker", "sid": 1}]  # nothing was unsubscribed
        ws.send("unsubscribe", sids=list(range(1, MAX_UNSUBSCRIBE_SIDS + 1)))  # the limit itself is answered
        assert ws.expect("unsubscribed")["sid"] == 1
        assert {ws.error(7)["id"] for _ in range(MAX_UNSUBSCRIBE_SIDS - 1)} == {ws.next_id - 1}
        ws.quiet()
