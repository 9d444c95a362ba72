"""fill, user_orders, market_positions and orderbook_delta for an order in a numbered subaccount: each
carries the subaccount as the asyncapi contract has it (`subaccount` on fill, market_position and the
owner's orderbook deltas, present only for a subaccount; `subaccount_number` on user_order, 0 for the primary). Messages are validated
against src/kalshi_local/spec/asyncapi.yaml by WsClient.recv."""

from __future__ import annotations

import uuid

from ..api.write_path import place

SUBS = "/portfolio/subaccounts"


def funded_subaccount(api, dollars_cents: int) -> int:
    """Opens two subaccounts (the second one is used: a number other than 1) and funds it."""
    api.request("POST", SUBS, expect=201)
    number = api.request("POST", SUBS, expect=201).json()["subaccount_number"]
    body = {"client_transfer_id": str(uuid.uuid4()), "from_subaccount": 0, "to_subaccount": number,
            "amount_cents": dollars_cents}  # fmt: skip
    api.request("POST", SUBS + "/transfer", json=body, expect=200)
    return number


def private_messages(ws) -> dict[str, dict]:
    """The user_order, fill and market_position messages of one fill, by type."""
    found = [ws.recv() for _ in range(3)]
    kinds = {m["type"]: m["msg"] for m in found}
    assert set(kinds) == {"user_order", "fill", "market_position"}, found
    return kinds


def test_messages_of_an_order_in_a_subaccount_carry_its_number(alice, bob, ticker):
    number = funded_subaccount(alice, 5_000)
    assert number == 2
    resting = place(alice, ticker, "bid", "10", "0.4000", subaccount=number)
    with alice.ws() as maker, bob.ws() as taker:
        maker.subscribe("fill", "market_positions", "user_orders")
        taker.subscribe("fill", "market_positions", "user_orders")
        place(bob, ticker, "ask", "4", "0.4000")
        mine = private_messages(maker)
        assert mine["user_order"]["order_id"] == resting["order_id"]
        assert mine["user_order"]["subaccount_number"] == number
        assert (mine["fill"]["order_id"], mine["fill"]["subaccount"]) == (resting["order_id"], number)
        assert (mine["market_position"]["position_fp"], mine["market_position"]["subaccount"]) == ("4.00", number)
        theirs = private_messages(taker)  # bob trades from his primary
        assert theirs["user_order"]["subaccount_number"] == 0
        assert "subaccount" not in theirs["fill"]
        assert "subaccount" not in theirs["market_position"]
    # The subaccount's REST views agree; the primary holds nothing in the market.
    held = alice.ok("/portfolio/positions", {"ticker": ticker, "subaccount": number})["market_positions"]
    assert [p["position_fp"] for p in held] == ["4.00"]
    assert alice.ok("/portfolio/positions", {"ticker": ticker})["market_positions"] == []


def test_a_primary_order_of_a_member_with_subaccounts_carries_0_or_nothing(alice, bob, ticker):
    funded_subaccount(alice, 1_000)
    resting = place(alice, ticker, "bid", "5", "0.3000")
    with alice.ws() as maker:
        maker.subscribe("fill", "market_positions", "user_orders")
        place(bob, ticker, "ask", "5", "0.3000")
        mine = private_messages(maker)
        assert (mine["user_order"]["order_id"], mine["user_order"]["subaccount_number"]) == (resting["order_id"], 0)
        assert mine["user_order"]["status"] == "executed"
        assert "subaccount" not in mine["fill"] and "subaccount" not in mine["market_position"]


def test_orderbook_deltas_of_a_subaccount_order_carry_its_number_for_the_owner_only(alice, bob, ticker):
    number = funded_subaccount(alice, 5_000)
    with alice.ws() as mine, bob.ws() as theirs:
        for ws in (mine, theirs):
            ws.subscribe("orderbook_delta", market_ticker=ticker)
            ws.expect("orderbook_snapshot")
        place(alice, ticker, "bid", "10", "0.4000", subaccount=number, client_order_id="sub-1")
        placed = mine.expect("orderbook_delta")["msg"]
        assert (placed["client_order_id"], placed["subaccount"]) == ("sub-1", number)
        assert "subaccount" not in theirs.expect("orderbook_delta")["msg"]
        place(bob, ticker, "ask", "4", "0.4000")  # takes from alice's resting order
        taken = mine.expect("orderbook_delta")["msg"]
        assert (taken["delta_fp"], taken["subaccount"]) == ("-4.00", number)
        assert "subaccount" not in theirs.expect("orderbook_delta")["msg"]
        place(alice, ticker, "bid", "2", "0.3000", client_order_id="primary-1")
        primary = mine.expect("orderbook_delta")["msg"]
        assert primary["client_order_id"] == "primary-1" and "subaccount" not in primary  # the primary shows none


def _name(api) -> str:
    return api.signer.key_id.removesuffix("-key")  # tests/api/trading_rows.py names keys so


def _volume_after_cross(alice, bob, ticker: str, count: str, ws, **where) -> str:
    place(alice, ticker, "bid", count, "0.4000", **where)
    place(bob, ticker, "ask", count, "0.4000")
    return ws.expect("market_position")["msg"]["volume_fp"]


def test_volume_starts_again_after_an_admin_reset_of_the_member(alice, bob, admin, ticker):
    from ..api.write_path import position

    with alice.ws() as ws:
        ws.subscribe("market_positions")
        assert _volume_after_cross(alice, bob, ticker, "4", ws) == "4.00"
        admin.request("POST", f"/users/{_name(alice)}/reset", {})
        assert position(alice, ticker) is None
        assert _volume_after_cross(alice, bob, ticker, "2", ws) == "2.00"  # not 6.00: the reset went first
        assert position(alice, ticker)["total_traded_dollars"] == "0.8000"  # REST counts the same fill only


def test_removing_the_subaccounts_keeps_the_primary_volume(alice, bob, admin, ticker):
    number = funded_subaccount(alice, 1_000)
    with alice.ws() as ws:
        ws.subscribe("market_positions")
        assert _volume_after_cross(alice, bob, ticker, "3", ws) == "3.00"
        assert _volume_after_cross(alice, bob, ticker, "5", ws, subaccount=number) == "5.00"
        admin.request("DELETE", f"/users/{_name(alice)}/subaccounts")
        assert _volume_after_cross(alice, bob, ticker, "1", ws) == "4.00"  # the primary's fills stay
        assert funded_subaccount(alice, 1_000) == number
        assert _volume_after_cross(alice, bob, ticker, "2", ws, subaccount=number) == "2.00"


def test_volume_starts_again_after_a_scenario_resets_the_member(alice, bob, admin, ticker):
    with alice.ws() as ws:
        ws.subscribe("market_positions")
        assert _volume_after_cross(alice, bob, ticker, "4", ws) == "4.00"
        admin.request("POST", "/scenario", {"users": [{"name": _name(alice), "reset": True}]})
        assert _volume_after_cross(alice, bob, ticker, "1", ws) == "1.00"
