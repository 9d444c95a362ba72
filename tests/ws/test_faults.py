"""Fault injection (ours): each kind on the connection that asked for it, through the admin
API and a scenario upload, while a second connection to the same market is untouched."""

from __future__ import annotations

import pytest
from websockets.exceptions import ConnectionClosed

from ..api.write_path import place

FAULTS = "/ws/faults"


@pytest.fixture(autouse=True)
def no_faults_left(admin):
    yield
    admin.request("DELETE", FAULTS, expect=204)


def fault(admin, **body) -> dict:
    return admin.request("POST", FAULTS, body, expect=201)["fault"]


def book(ws, ticker: str) -> None:
    ws.subscribe("orderbook_delta", market_ticker=ticker)
    assert ws.expect("orderbook_snapshot")["seq"] == 1


def deltas(ws, n: int) -> list[tuple[int, str]]:
    """The next `n` deltas as (seq, price)."""
    found = [ws.expect("orderbook_delta") for _ in range(n)]
    return [(m["seq"], m["msg"]["price_dollars"]) for m in found]


def two_orders(bob, ticker: str) -> None:
    place(bob, ticker, "bid", "1", "0.1000")
    place(bob, ticker, "bid", "1", "0.2000")


@pytest.mark.parametrize(
    ("kind", "seen"),
    [
        ("drop", [(3, "0.2000")]),  # lost, and its seq with it: a gap
        ("duplicate", [(2, "0.1000"), (2, "0.1000"), (3, "0.2000")]),
        ("skip_seq", [(3, "0.1000"), (4, "0.2000")]),  # nothing lost, a number skipped
    ],
)
def test_a_fault_changes_only_the_connection_that_asked_for_it(alice, bob, admin, ticker, kind, seen):
    with alice.ws() as faulty, bob.ws() as other:
        book(faulty, ticker)
        book(other, ticker)
        fault(admin, kind=kind, user_id=alice.user_id, message_type="orderbook_delta")
        two_orders(bob, ticker)
        assert deltas(faulty, len(seen)) == seen
        assert deltas(other, 2) == [(2, "0.1000"), (3, "0.2000")]
        faulty.quiet()
        other.quiet()
    assert admin.request("GET", FAULTS)["faults"] == []  # spent after its one message


def test_after_and_count_pick_which_messages(alice, bob, admin, ticker):
    with alice.ws() as ws:
        book(ws, ticker)
        fault(admin, kind="drop", user_id=alice.user_id, channel="orderbook_delta", after=1, count=2)
        for price in ("0.1000", "0.2000", "0.3000", "0.4000"):
            place(bob, ticker, "bid", "1", price)
        assert deltas(ws, 2) == [(2, "0.1000"), (5, "0.4000")]


def test_a_delay_holds_the_message_and_those_behind_it(alice, bob, admin, ticker):
    with alice.ws() as ws, bob.ws() as other:
        book(ws, ticker)
        book(other, ticker)
        fault(admin, kind="delay", user_id=alice.user_id, message_type="orderbook_delta", delay_ms=1500)
        two_orders(bob, ticker)
        assert deltas(other, 2) == [(2, "0.1000"), (3, "0.2000")]
        ws.quiet(0.7)  # well inside the 1.5 s
        assert deltas(ws, 2) == [(2, "0.1000"), (3, "0.2000")]


def test_disconnect_drops_the_chosen_connection_without_a_close_frame(alice, bob, admin, ticker):
    with alice.ws() as first, alice.ws() as second:
        book(first, ticker)
        book(second, ticker)
        shown = admin.request("GET", "/ws/connections")["connections"]
        mine = [c for c in shown if c["user_id"] == alice.user_id]
        assert [c["subscriptions"] for c in mine] == [[{"sid": 1, "channel": "orderbook_delta"}]] * 2
        target = mine[0]["connection_id"]
        assert fault(admin, kind="disconnect", connection_id=target)["connection_id"] == target
        place(bob, ticker, "bid", "1", "0.1000")
        assert deltas(second, 1) == [(2, "0.1000")]  # the same user's other connection goes on
        with pytest.raises(ConnectionClosed) as closed:
            first.recv()
        assert closed.value.rcvd is None  # abrupt: no close frame came
        for _ in range(200):  # the server notices the aborted transport on its next loop turns
            left = [c for c in admin.request("GET", "/ws/connections")["connections"] if c["user_id"] == alice.user_id]
            if len(left) == 1:
                break
        assert [c["connection_id"] for c in left] == [mine[1]["connection_id"]]


def test_overflow_sends_the_buffer_overflow_error_and_closes(alice, bob, admin, ticker):
    with alice.ws() as ws, bob.ws() as other:
        ws.subscribe("trade", market_ticker=ticker)
        other.subscribe("trade", market_ticker=ticker)
        fault(admin, kind="overflow", user_id=alice.user_id, channel="trade")
        place(bob, ticker, "bid", "1", "0.5000")
        place(alice, ticker, "ask", "1", "0.5000")
        ws.error(25)
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv()
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
        assert other.expect("trade")["msg"]["count_fp"] == "1.00"


def test_faults_from_a_scenario_upload(alice, bob, admin, ticker):
    with alice.ws() as ws:
        book(ws, ticker)
        scenario = {"websocket_faults": [{"kind": "duplicate", "user_id": alice.user_id, "count": 0}]}
        assert admin.request("POST", "/scenario", scenario)["loaded"]["websocket_faults"] == 1
        (listed,) = admin.request("GET", FAULTS)["faults"]
        assert (listed["kind"], listed["count"], listed["applied"]) == ("duplicate", 0, 0)
        two_orders(bob, ticker)
        assert deltas(ws, 4) == [(2, "0.1000"), (2, "0.1000"), (3, "0.2000"), (3, "0.2000")]
        assert admin.request("GET", FAULTS)["faults"][0]["applied"] == 2  # count 0: in force until removed
        admin.request("DELETE", f"{FAULTS}/{listed['fault_id']}", expect=204)
        admin.request("DELETE", f"{FAULTS}/{listed['fault_id']}", expect=404)
        place(bob, ticker, "bid", "1", "0.3000")
        assert deltas(ws, 1) == [(4, "0.3000")]
        ws.quiet()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "drop"}, "a fault needs a target"),
        ({"kind": "delay", "channel": "trade"}, "delay_ms"),
        ({"kind": "drop", "channel": "trade", "delay_ms": 5}, "delay_ms"),
        ({"kind": "drop", "channel": "market_lifecycle"}, "$.channel"),
        ({"kind": "explode", "channel": "trade"}, "$.kind"),
        ({"kind": "drop", "channel": "trade", "count": -1}, "$.count"),
    ],
)
def test_a_bad_fault_is_refused_with_the_field(admin, body, field):
    error = admin.request("POST", FAULTS, body, expect=400)
    assert field in error["message"], error
    assert admin.request("GET", FAULTS)["faults"] == []
