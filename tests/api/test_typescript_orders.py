"""The official kalshi-typescript SDK trades on a real server.

tests/ts/orders.js runs two traders through the SDK's own methods: a V2 bid that rests,
an ask from the other trader that crosses part of it, a batch with one off-grid order, a
resting ask, then amend, decrease, cancel and a batched cancel; the order book, balances,
positions, fills and orders are read in the middle ("mid") and at the end ("end"). These
tests check the exact numbers, and that every request the SDK sent and every answer it
got fits openapi.yaml.

The numbers: a $100.00 maker buys 4 YES at $0.40 from a $100.00 taker (who so buys 4 NO
at $0.60). Quadratic taker fee 0.07 x 4 x 0.40 x 0.60 = $0.0672, which fee rounding takes
to $0.07. A resting order locks its collateral plus one cent for fee rounding.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest

from .. import spec
from ..client import ApiClient, assert_error_body
from ..signing import Signer, new_private_key
from . import trading_fixtures as fixtures
from .test_typescript_sdk import TS_DIR, _node_or_skip
from .write_path import new_market

server = fixtures.server
admin = fixtures.admin
_names = itertools.count()

# Sent by kalshi-typescript 3.30.0, which follows a newer API than openapi.yaml; the server accepts them.
SDK_ONLY_QUERY = {"exchange_index", "market_ticker"}
SDK_ONLY_BODY = {"exchange_index", "market_ticker", "subaccount"}


def _trader(admin) -> Signer:
    """A new prime user with $100.00 and a key of its own."""
    name = f"ts-trader-{next(_names)}"
    private, public = new_private_key()
    body = {"tier": "prime", "balance": "100.00", "api_keys": [{"id": f"{name}-key", "public_key": public}]}
    admin.request("PUT", f"/users/{name}", body)
    return Signer(f"{name}-key", private)


@pytest.fixture(scope="module")
def run(server, admin) -> dict:
    """{"calls": {NAME: call}, "signer": {NAME: "maker" | "taker"}, "signers": {role: Signer}}"""
    node = _node_or_skip()
    maker, taker = _trader(admin), _trader(admin)
    ticker = new_market(admin)
    env = {
        **os.environ,
        "KALSHI_MAKER_KEY_ID": maker.key_id,
        "KALSHI_MAKER_PEM": maker.private_pem,
        "KALSHI_TAKER_KEY_ID": taker.key_id,
        "KALSHI_TAKER_PEM": taker.private_pem,
    }
    result = subprocess.run(
        [node, "orders.js", server.api, ticker], cwd=TS_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return {**json.loads(result.stdout), "ticker": ticker, "signers": {"maker": maker, "taker": taker}}


def data(run: dict, name: str) -> dict:
    call = run["calls"][name]
    assert call["ok"], f"{name} failed: HTTP {call.get('status')} {call.get('error')} ({call.get('url')})"
    return call["data"]


# --- the V2 order operations ----------------------------------------------------------------------


def test_a_bid_rests_and_the_other_traders_ask_crosses_it(run):
    resting = data(run, "create_resting")
    assert run["calls"]["create_resting"]["status"] == 201
    assert (resting["client_order_id"], resting["fill_count"], resting["remaining_count"]) == (
        "ts-m-1",
        "0.00",
        "10.00",
    )
    crossing = data(run, "create_crossing")
    assert (crossing["client_order_id"], crossing["fill_count"], crossing["remaining_count"]) == (
        "ts-t-1",
        "4.00",
        "0.00",
    )
    assert Decimal(crossing["average_fill_price"]) == Decimal("0.40")
    assert Decimal(crossing["average_fee_paid"]) == Decimal("0.0175")  # $0.07 over 4 contracts
    assert resting["order_id"] != crossing["order_id"]


def test_a_batch_creates_each_valid_order_and_refuses_the_off_grid_one(run):
    items = data(run, "batch_create")["orders"]
    assert [(o["client_order_id"], o.get("remaining_count")) for o in items] == [
        ("ts-m-2", "2.00"),
        ("ts-m-3", "2.00"),
        ("ts-m-4", None),
    ]
    assert all(o["order_id"] and o.get("error") is None for o in items[:2])
    assert "order_id" not in items[2]
    assert items[2]["error"]["code"] == "invalid_order"
    assert "0.3050" in items[2]["error"]["message"]


def test_amend_decrease_and_cancel_act_on_the_partly_filled_order(run):
    order_id = data(run, "create_resting")["order_id"]
    amended = data(run, "amend")
    # count is the order's new total: 9, of which 4 already filled.
    assert (amended["order_id"], amended["client_order_id"], amended["remaining_count"]) == (
        order_id,
        "ts-m-1b",
        "5.00",
    )
    decreased = data(run, "decrease")
    assert (decreased["order_id"], decreased["remaining_count"]) == (order_id, "4.00")
    cancelled = data(run, "cancel")
    assert (cancelled["order_id"], cancelled["client_order_id"], cancelled["reduced_by"]) == (
        order_id,
        "ts-m-1b",
        "4.00",
    )
    assert data(run, "cancel_ask")["reduced_by"] == "3.00"


def test_a_batched_cancel_cancels_each_order_and_reports_the_unknown_one(run):
    created = [o["order_id"] for o in data(run, "batch_create")["orders"][:2]]
    items = data(run, "batch_cancel")["orders"]
    assert [(o["order_id"], o["reduced_by"]) for o in items] == [
        (created[0], "2.00"),
        (created[1], "2.00"),
        ("no-such-order", "0.00"),
    ]
    assert [o.get("client_order_id") for o in items[:2]] == ["ts-m-2", "ts-m-3"]
    assert items[2]["error"]["code"] == "not_found"


# --- the order book --------------------------------------------------------------------------------


def test_the_order_book_shows_both_sides_then_empties(run):
    mid = data(run, "orderbook_mid")["orderbook_fp"]
    assert mid == {
        "yes_dollars": [["0.3000", "2.00"], ["0.3100", "2.00"], ["0.4000", "6.00"]],
        "no_dollars": [["0.4000", "3.00"]],
    }
    assert data(run, "orderbook_depth_1_mid")["orderbook_fp"] == {
        "yes_dollars": [["0.4000", "6.00"]],
        "no_dollars": [["0.4000", "3.00"]],
    }
    empty = {"yes_dollars": [], "no_dollars": []}
    assert data(run, "orderbook_end")["orderbook_fp"] == empty
    assert data(run, "orderbook_depth_1_end")["orderbook_fp"] == empty


# --- the portfolio reads ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "balance", "portfolio_value"),
    [
        # 100.00 - 1.60 paid - (2.40 + 0.60 + 0.62 + 3 x 0.01) locked by three resting bids; the
        # portfolio is what is held, at cost (1.60), not the locked cash
        ("balance_maker_mid", 9_475, 160),
        # 100.00 - 2.40 paid - 0.07 fee - (1.20 + 0.01) locked by the resting ask
        ("balance_taker_mid", 9_632, 240),
        ("balance_taker_primary_mid", 9_632, 240),
        ("balance_maker_end", 9_840, 160),
        ("balance_taker_end", 9_753, 240),
        ("balance_taker_primary_end", 9_753, 240),
    ],
)
def test_balances_reflect_the_fill_the_fee_and_the_locked_collateral(run, name, balance, portfolio_value):
    body = data(run, name)
    assert (body["balance"], body["portfolio_value"]) == (balance, portfolio_value)
    assert Decimal(body["balance_dollars"]) * 100 == balance


def test_the_resting_order_value_is_the_collateral_of_the_resting_bids(run):
    assert data(run, "resting_value_maker_mid")["total_resting_order_value"] == 362  # 2.40 + 0.60 + 0.62
    assert data(run, "resting_value_maker_end")["total_resting_order_value"] == 0


@pytest.mark.parametrize("when", ["mid", "end"])
def test_positions_are_long_yes_for_the_maker_and_long_no_for_the_taker(run, when):
    maker, taker = data(run, f"positions_maker_{when}"), data(run, f"positions_taker_{when}")
    assert [_market_position(p) for p in maker["market_positions"]] == [
        (run["ticker"], "4.00", "1.6000", "1.6000", "0.0000")
    ]
    assert [_market_position(p) for p in taker["market_positions"]] == [
        (run["ticker"], "-4.00", "2.4000", "2.4000", "0.0700")
    ]
    assert [_event_position(p) for p in maker["event_positions"]] == [("1.6000", "4.00", "1.6000", "0.0000")]
    assert [_event_position(p) for p in taker["event_positions"]] == [("2.4000", "4.00", "2.4000", "0.0700")]
    nonzero = data(run, f"positions_taker_nonzero_{when}")["market_positions"]
    assert [p["ticker"] for p in nonzero] == [run["ticker"]]


def _market_position(p: dict) -> tuple:
    return (
        p["ticker"],
        p["position_fp"],
        p["total_traded_dollars"],
        p["market_exposure_dollars"],
        p["fees_paid_dollars"],
    )


def _event_position(p: dict) -> tuple:
    return p["total_cost_dollars"], p["total_cost_shares_fp"], p["event_exposure_dollars"], p["fees_paid_dollars"]


@pytest.mark.parametrize("when", ["mid", "end"])
def test_each_trader_has_one_fill_of_the_same_trade(run, when):
    (maker,) = data(run, f"fills_maker_{when}")["fills"]
    (taker,) = data(run, f"fills_taker_{when}")["fills"]
    assert maker["trade_id"] == taker["trade_id"]
    assert maker["order_id"] == data(run, "create_resting")["order_id"]
    assert taker["order_id"] == data(run, "create_crossing")["order_id"]
    assert _fill(maker) == ("yes", "bid", False, "4.00", "0.4000", "0.6000", "0.0000")
    assert _fill(taker) == ("no", "ask", True, "4.00", "0.4000", "0.6000", "0.0700")
    assert data(run, f"fills_taker_by_order_{when}")["fills"] == [taker]


def _fill(f: dict) -> tuple:
    return (
        f["outcome_side"],
        f["book_side"],
        f["is_taker"],
        f["count_fp"],
        f["yes_price_dollars"],
        f["no_price_dollars"],
        f["fee_cost"],
    )


def _orders(run: dict, name: str) -> list[tuple]:
    return [
        (o["client_order_id"], o["status"], o["yes_price_dollars"], o["fill_count_fp"], o["remaining_count_fp"])
        for o in data(run, name)["orders"]
    ]


def test_the_orders_list_shows_each_order_as_it_stands(run):
    assert _orders(run, "orders_maker_mid") == [
        ("ts-m-3", "resting", "0.3100", "0.00", "2.00"),
        ("ts-m-2", "resting", "0.3000", "0.00", "2.00"),
        ("ts-m-1", "resting", "0.4000", "4.00", "6.00"),
    ]
    assert _orders(run, "orders_taker_mid") == [
        ("ts-t-2", "resting", "0.6000", "0.00", "3.00"),
        ("ts-t-1", "executed", "0.4000", "4.00", "0.00"),
    ]
    assert sorted(_orders(run, "orders_maker_end")) == [
        ("ts-m-1b", "canceled", "0.4200", "4.00", "0.00"),
        ("ts-m-2", "canceled", "0.3000", "0.00", "0.00"),
        ("ts-m-3", "canceled", "0.3100", "0.00", "0.00"),
    ]
    assert _orders(run, "orders_taker_end") == [
        ("ts-t-2", "canceled", "0.6000", "0.00", "0.00"),
        ("ts-t-1", "executed", "0.4000", "4.00", "0.00"),
    ]


@pytest.mark.parametrize("when", ["mid", "end"])
def test_the_status_filter_and_the_cursor_walk_the_same_orders(run, when):
    everything = data(run, f"orders_maker_{when}")["orders"]
    resting = [o for o in everything if o["status"] == "resting"]
    assert data(run, f"orders_maker_resting_{when}")["orders"] == resting
    first, second = data(run, f"orders_maker_page_1_{when}"), data(run, f"orders_maker_page_2_{when}")
    assert len(first["orders"]) == 2 and first["cursor"]
    assert first["orders"] + second["orders"] == everything
    assert second["cursor"] == ""


# --- what the SDK sent and got, against the spec ---------------------------------------------------


def test_every_sdk_call_succeeded_but_the_refusals(run):
    failed = {name: call["status"] for name, call in run["calls"].items() if not call["ok"]}
    assert failed == {
        "refused_insufficient_balance": 400,
        "refused_fill_or_kill": 400,
        "refused_cancel_of_a_cancelled_order": 404,
        "refused_cancel_of_another_users_order": 404,
    }
    assert len(run["calls"]) == 9 + 4 + 2 * 17  # the writes, the refusals, then the same reads twice


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("refused_insufficient_balance", "insufficient_balance"),
        ("refused_fill_or_kill", "fok_insufficient_volume"),
        ("refused_cancel_of_a_cancelled_order", "not_found"),
        ("refused_cancel_of_another_users_order", "not_found"),
    ],
)
def test_a_refusal_reaches_the_sdk_as_kalshis_error_body(run, name, code):
    error = run["calls"][name]["error"]
    assert_error_body(error)
    assert error["code"] == code


def test_every_answer_the_sdk_got_fits_the_spec(run):
    for call in run["calls"].values():
        body = call["data"] if call["ok"] else call["error"]
        spec.validate(call["method"], urlsplit(call["url"]).path, call["status"], body)


def test_every_request_the_sdk_sent_fits_the_spec(run):
    for name, call in run["calls"].items():
        url = urlsplit(call["url"])
        template, op = spec.operation(call["method"], url.path)
        declared = {p["name"] for p in map(_resolve, op.get("parameters", [])) if p["in"] == "query"}
        sent = {key for key, _ in parse_qsl(url.query)}
        assert sent - declared <= SDK_ONLY_QUERY, f"{name}: {sent - declared} not in {template}"
        body_spec = _resolve(op.get("requestBody", {}))
        if call["body"] is None:
            assert not body_spec.get("required"), f"{name}: no body for {template}"
            continue
        schema = body_spec["content"]["application/json"]["schema"]
        spec._check(schema, call["body"], f"{name} request")
        assert _unknown_fields(schema, call["body"]) <= SDK_ONLY_BODY, name


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        _, section, name = node["$ref"].lstrip("#/").split("/")
        node = spec.spec()["components"][section][name]
    return node


def _unknown_fields(schema: dict, body) -> set[str]:
    """Names in `body`, at any depth, that `schema` does not declare."""
    schema = _resolve(schema)
    if isinstance(body, list):
        return set().union(*(_unknown_fields(schema.get("items", {}), item) for item in body))
    if not isinstance(body, dict) or "properties" not in schema:
        return set()
    props = schema["properties"]
    unknown = set(body) - set(props)
    return unknown.union(*(_unknown_fields(props[k], v) for k, v in body.items() if k in props))


def test_the_final_reads_replay_to_the_same_bodies(run, server):
    """What the SDK read last is what a spec-validating client reads at the same URLs."""
    ended = {name: call for name, call in run["calls"].items() if name.endswith("_end")}
    assert len(ended) == 17
    for role, signer in run["signers"].items():
        with ApiClient(server.api, signer) as client:
            for name, call in ended.items():
                if run["signer"][name] == role:
                    assert client.get(call["url"], expect=200).json() == call["data"], name
