"""kalshi-typescript 3.30.0 drives subaccounts on a real server (tests/ts/subaccounts.js):
create, transfers (a repeated client_transfer_id moves nothing; short or unknown subaccounts
are refused), all balances, the transfer history with its cursor, netting read and turned off,
and an order resting in a subaccount. The answers are checked here, and every request the
SDK sent and every answer it got against openapi.yaml.

The numbers: a $100.00 member moves $25.00 to subaccount 1, then $5.00 from 1 to 2; a bid of
10 at $0.30 in subaccount 1 locks $3.00 and a cent for fee rounding."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import uuid
from urllib.parse import parse_qsl, urlsplit

import pytest

from .. import spec
from ..client import assert_error_body
from ..signing import Signer, new_private_key
from . import trading_fixtures as fixtures
from .test_typescript_orders import SDK_ONLY_BODY, SDK_ONLY_QUERY, _resolve, _unknown_fields
from .test_typescript_sdk import TS_DIR, _node_or_skip
from .write_path import new_market

server = fixtures.server
admin = fixtures.admin
_names = itertools.count()


@pytest.fixture(scope="module")
def run(server, admin) -> dict:
    """{"calls": {NAME: call}, "transfer_id": the first transfer's client_transfer_id}"""
    node = _node_or_skip()
    name = f"ts-sub-{next(_names)}"
    private, public = new_private_key()
    body = {"tier": "prime", "balance": "100.00", "api_keys": [{"id": f"{name}-key", "public_key": public}]}
    admin.request("PUT", f"/users/{name}", body)
    signer = Signer(f"{name}-key", private)
    ticker, transfer_id = new_market(admin), str(uuid.uuid4())
    env = {**os.environ, "KALSHI_KEY_ID": signer.key_id, "KALSHI_PEM": signer.private_pem}
    result = subprocess.run(
        [node, "subaccounts.js", server.api, ticker, transfer_id],
        cwd=TS_DIR, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return {**json.loads(result.stdout), "transfer_id": transfer_id}


def data(run: dict, name: str):
    call = run["calls"][name]
    assert call["ok"], f"{name} failed: HTTP {call.get('status')} {call.get('error')} ({call.get('url')})"
    return call["data"]


def test_subaccounts_are_created_in_order(run):
    assert data(run, "create_first") == {"subaccount_number": 1}
    assert data(run, "create_second") == {"subaccount_number": 2}
    assert run["calls"]["create_first"]["status"] == 201


def test_transfers_move_cash_once_per_client_transfer_id(run):
    for name in ("transfer", "transfer_repeated", "transfer_onward"):
        assert data(run, name) == {}
    balances = {b["subaccount_number"]: b["balance"] for b in data(run, "balances")["subaccount_balances"]}
    assert balances == {0: "75.0000", 1: "20.0000", 2: "5.0000"}  # the repeat moved nothing
    assert {b["exchange_index"] for b in data(run, "balances")["subaccount_balances"]} == {0}


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("refused_transfer_short", "insufficient_balance"),
        ("refused_transfer_unknown", "customer_account_not_found"),
        ("refused_netting_unknown", "customer_account_not_found"),
    ],
)
def test_a_refusal_reaches_the_sdk_as_kalshis_error_body(run, name, code):
    call = run["calls"][name]
    assert (call["ok"], call["status"]) == (False, 400)
    assert_error_body(call["error"])
    assert call["error"]["code"] == code


def test_the_transfer_history_lists_each_applied_transfer_newest_first_with_a_cursor(run):
    transfers = data(run, "transfers")["transfers"]
    moved = [(t["from_subaccount"], t["to_subaccount"], t["amount_cents"]) for t in transfers]
    assert moved == [(1, 2, 500), (0, 1, 2500)]
    assert len({t["transfer_id"] for t in transfers}) == 2
    first, second = data(run, "transfers_page_1"), data(run, "transfers_page_2")
    assert [t["transfer_id"] for t in first["transfers"] + second["transfers"]] == [t["transfer_id"] for t in transfers]
    assert first["cursor"]


def test_netting_is_on_until_turned_off_for_one_subaccount(run):
    before = {c["subaccount_number"]: c["enabled"] for c in data(run, "netting_before")["netting_configs"]}
    assert before == {0: True, 1: True, 2: True}
    assert data(run, "netting_off") == {}
    after = {c["subaccount_number"]: c["enabled"] for c in data(run, "netting_after")["netting_configs"]}
    assert after == {0: True, 1: True, 2: False}


def test_an_order_rests_in_its_subaccount_and_locks_that_subaccounts_cash(run):
    placed = data(run, "order_in_subaccount")
    assert run["calls"]["order_in_subaccount"]["status"] == 201
    assert data(run, "balance_subaccount_1")["balance"] == 2000 - 301
    assert data(run, "balance_primary")["balance"] == 7500
    resting = data(run, "orders_subaccount_1")["orders"]
    assert [(o["order_id"], o["client_order_id"]) for o in resting] == [(placed["order_id"], "ts-sub-1")]
    assert data(run, "orders_primary")["orders"] == []
    balances = {b["subaccount_number"]: b["balance"] for b in data(run, "balances_end")["subaccount_balances"]}
    assert balances == {0: "75.0000", 1: "16.9900", 2: "5.0000"}


def test_every_answer_the_sdk_got_fits_the_spec(run):
    assert len(run["calls"]) == 21
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
        if "content" not in body_spec:  # POST /portfolio/subaccounts declares none; 3.30 may send {}
            assert call["body"] in (None, {}), f"{name}: a body for {template}"
            continue
        if call["body"] is None:
            assert not body_spec.get("required"), f"{name}: no body for {template}"
            continue
        schema = body_spec["content"]["application/json"]["schema"]
        spec._check(schema, call["body"], f"{name} request")
        assert _unknown_fields(schema, call["body"]) <= SDK_ONLY_BODY, name
