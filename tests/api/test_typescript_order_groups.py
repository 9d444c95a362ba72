"""The official kalshi-typescript SDK's OrderGroupsApi on a real server (tests/ts/order_groups.js):
create, list, get, a limit update, the limit hit by another trader's fill (the group's order
cancelled, new ones refused), reset, trigger and delete; every request and answer fits openapi.yaml."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from urllib.parse import urlsplit

import pytest

from .. import spec
from ..client import assert_error_body
from ..signing import Signer, new_private_key
from . import trading_fixtures as fixtures
from .test_typescript_sdk import TS_DIR, _node_or_skip
from .write_path import new_market

server = fixtures.server
admin = fixtures.admin
_names = itertools.count()


def _trader(admin) -> Signer:
    name = f"ts-og-{next(_names)}"
    private, public = new_private_key()
    body = {"tier": "prime", "balance": "100.00", "api_keys": [{"id": f"{name}-key", "public_key": public}]}
    admin.request("PUT", f"/users/{name}", body)
    return Signer(f"{name}-key", private)


@pytest.fixture(scope="module")
def run(server, admin) -> dict:
    node = _node_or_skip()
    owner, taker = _trader(admin), _trader(admin)
    env = {
        **os.environ,
        "KALSHI_OWNER_KEY_ID": owner.key_id,
        "KALSHI_OWNER_PEM": owner.private_pem,
        "KALSHI_TAKER_KEY_ID": taker.key_id,
        "KALSHI_TAKER_PEM": taker.private_pem,
    }
    args = [node, "order_groups.js", server.api, new_market(admin)]
    result = subprocess.run(args, cwd=TS_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def data(run: dict, name: str) -> dict:
    call = run["calls"][name]
    assert call["ok"], f"{name} failed: HTTP {call.get('status')} {call.get('error')} ({call.get('url')})"
    return call["data"]


def test_the_sdk_creates_lists_and_updates_a_group(run):
    group = run["order_group_id"]
    assert run["calls"]["create"]["status"] == 201 and data(run, "create")["subaccount"] == 0
    assert [(g["id"], g["is_auto_cancel_enabled"]) for g in data(run, "list")["order_groups"]] == [(group, True)]
    assert data(run, "rest")["remaining_count"] == "10.00"
    assert data(run, "limit") == {}
    armed = data(run, "get_armed")
    assert armed["contracts_limit_fp"] == "4.00" and armed["is_auto_cancel_enabled"] is True
    assert armed["orders"] == [data(run, "rest")["order_id"]]


def test_the_limit_hit_cancels_and_refuses_until_reset_then_trigger_and_delete(run):
    assert data(run, "fill")["fill_count"] == "4.00"
    assert data(run, "get_hit")["is_auto_cancel_enabled"] is False
    refused = run["calls"]["refused"]
    assert refused["status"] == 400 and refused["error"]["code"] == "exceeded_order_group_risk_limit"
    assert_error_body(refused["error"])
    assert data(run, "reset") == {}
    assert data(run, "rest_again")["remaining_count"] == "1.00"
    assert data(run, "trigger") == {}
    assert data(run, "get_triggered")["is_auto_cancel_enabled"] is False
    assert data(run, "delete") == {}
    missing = run["calls"]["get_deleted"]
    assert missing["status"] == 404 and missing["error"]["code"] == "order_group_not_found"


def test_every_request_and_answer_fits_the_spec(run):
    for name, call in run["calls"].items():
        path = urlsplit(call["url"]).path.removeprefix("/trade-api/v2")
        status = call["status"]
        spec.validate(call["method"], "/trade-api/v2" + path, status, call["data"] if call["ok"] else call["error"])
        assert status is not None, name
