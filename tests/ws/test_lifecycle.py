"""market_lifecycle_v2 from the engine's transitions (exchange/transitions.py) on the manual
clock: what the admin lifecycle routes and the clock do to a market, as a real websockets
client sees it (market_lifecycle.md), every message validated against asyncapi.yaml."""

from __future__ import annotations

from kalshi_local.exchange.clock import MICROS, to_rfc3339

from ..api.write_path import new_market

TIMER = 600
HOUR = 3600


def now_s(admin) -> int:
    return admin.request("GET", "/clock")["now_us"] // MICROS


def advance(admin, seconds: int) -> None:
    admin.request("POST", "/clock", {"advance_seconds": seconds})


def life_market(admin, ws, opens_in: int = -HOUR, **fields) -> str:
    """A market opening `opens_in` seconds from now and closing an hour after now; its created
    messages are read off `ws`."""
    at = now_s(admin)
    times = {"open_time": to_rfc3339((at + opens_in) * MICROS), "close_time": to_rfc3339((at + HOUR) * MICROS)}
    ticker = new_market(admin, **times, settlement_timer_seconds=TIMER, **fields)
    ws.expect("event_lifecycle")
    assert ws.expect("market_lifecycle_v2")["msg"]["event_type"] == "created"
    return ticker


def moved(ws, ticker: str) -> dict:
    message = ws.expect("market_lifecycle_v2")["msg"]
    assert message["market_ticker"] == ticker, message
    return message


def test_open_and_close_by_the_clock_send_nothing_then_determine_amend_and_settle(alice, admin):
    with alice.ws() as ws:
        ws.subscribe("market_lifecycle_v2")
        ticker = life_market(admin, ws, opens_in=60)
        advance(admin, 60)  # opens: implicit, no `activated` (market_lifecycle.md)
        ws.quiet()
        advance(admin, HOUR)  # closes by the clock: implicit too
        ws.quiet()
        at = now_s(admin)
        admin.request("POST", f"/markets/{ticker}/determine", {"result": "yes"})
        assert moved(ws, ticker) == {
            "market_ticker": ticker, "event_type": "determined", "result": "yes",
            "determination_ts": at, "settlement_value": "1.0000",
        }  # fmt: skip
        admin.request("POST", f"/markets/{ticker}/dispute")
        ws.quiet()  # no event type for a dispute in the contract
        advance(admin, 5)
        body = {"result": "scalar", "settlement_value_dollars": "0.2500"}
        admin.request("POST", f"/markets/{ticker}/amend", body)
        amended = moved(ws, ticker)
        assert (amended["event_type"], amended["result"], amended["settlement_value"]) == (
            "determined", "scalar", "0.2500",
        )
        assert amended["determination_ts"] == at + 5
        advance(admin, TIMER)  # the timer restarted at the amendment: it ends now
        settled = moved(ws, ticker)
        assert settled == {"market_ticker": ticker, "event_type": "settled", "settled_ts": at + 5 + TIMER}
        ws.quiet()


def test_deactivate_activate_close_early_and_reopen(alice, admin):
    with alice.ws() as ws:
        ws.subscribe("market_lifecycle_v2")
        ticker = life_market(admin, ws)
        admin.request("POST", f"/markets/{ticker}/deactivate")
        assert moved(ws, ticker) == {"market_ticker": ticker, "event_type": "deactivated", "is_deactivated": True}
        admin.request("POST", f"/markets/{ticker}/activate")
        assert moved(ws, ticker) == {"market_ticker": ticker, "event_type": "activated", "is_deactivated": False}
        at = now_s(admin)
        admin.request("POST", f"/markets/{ticker}/close")
        assert moved(ws, ticker) == {"market_ticker": ticker, "event_type": "close_date_updated", "close_ts": at}
        later = at + 2 * HOUR
        admin.request("POST", f"/markets/{ticker}/close_time", {"close_time": to_rfc3339(later * MICROS)})
        reopened = [moved(ws, ticker), moved(ws, ticker)]
        assert reopened == [
            {"market_ticker": ticker, "event_type": "close_date_updated", "close_ts": later},
            {"market_ticker": ticker, "event_type": "activated", "is_deactivated": False},
        ]
        ws.quiet()


def test_a_void_is_settled(alice, admin):
    with alice.ws() as ws:
        ws.subscribe("market_lifecycle_v2")
        ticker = life_market(admin, ws)
        at = now_s(admin)
        admin.request("POST", f"/markets/{ticker}/void")
        assert moved(ws, ticker) == {"market_ticker": ticker, "event_type": "settled", "settled_ts": at}
        ws.quiet()


def test_a_later_catalog_write_does_not_announce_engine_moves_again(alice, admin):
    with alice.ws() as ws:
        ws.subscribe("market_lifecycle_v2")
        ticker = life_market(admin, ws)
        admin.request("POST", f"/markets/{ticker}/deactivate")
        moved(ws, ticker)
        admin.request("POST", f"/markets/{ticker}/close")
        moved(ws, ticker)
        admin.request("POST", f"/markets/{ticker}/determine", {"result": "no"})
        assert moved(ws, ticker)["result"] == "no"
        admin.request("PUT", "/series/KXWSLIFE", {"title": "Another", "category": "Economics"})
        ws.quiet()  # the whole catalog compared again: nothing it did not already announce


def test_multivariate_transitions_go_to_their_own_channel(alice, admin):
    channel = "multivariate_market_lifecycle"
    with alice.ws() as ws:
        ws.subscribe(channel, "market_lifecycle_v2")
        admin.request("PUT", "/series/KXMVELIFE", {"title": "MVE", "category": "Sports"})
        at = now_s(admin)
        market = {"ticker": "KXMVELIFE-1-A", "open_time": to_rfc3339((at - HOUR) * MICROS),
                  "close_time": to_rfc3339((at + HOUR) * MICROS)}
        admin.request("PUT", "/events/KXMVELIFE-1", {"series_ticker": "KXMVELIFE", "title": "MVE", "markets": [market]})
        ws.expect("event_lifecycle")
        ws.expect(channel)
        admin.request("POST", "/markets/KXMVELIFE-1-A/deactivate")
        message = ws.expect(channel)
        assert (message["sid"], message["msg"]["event_type"]) == (1, "deactivated")
        ws.quiet()
