"""Official SDKs sign requests that a real server accepts, with the demo user's key.

kalshi-python-sync and kalshi-python run in this process; kalshi-typescript runs under
node (tests/ts/auth.js). demo_server lives for the whole module, so tests that change
keys work on keys they generate and leave the demo key alone.
"""

from __future__ import annotations

import json
import os
import subprocess

import kalshi_python
import kalshi_python_sync
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from kalshi_python.exceptions import UnauthorizedException as LegacyUnauthorized

from kalshi_local import demo

from .test_typescript_sdk import TS_DIR, _node_or_skip

DEMO_BALANCE_CENTS = 1_000_000


def unregistered_private_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def sync_client(server, key_id: str, private_key_pem: str) -> kalshi_python_sync.KalshiClient:
    config = kalshi_python_sync.Configuration(host=server.api)
    config.api_key_id = key_id
    config.private_key_pem = private_key_pem
    return kalshi_python_sync.KalshiClient(config)


def legacy_client(server, key_id: str, private_key_pem: str) -> kalshi_python.KalshiClient:
    # KalshiClient reads these two attributes off the configuration when it is built.
    config = kalshi_python.Configuration(host=server.api)
    config.api_key_id = key_id
    config.private_key_pem = private_key_pem
    return kalshi_python.KalshiClient(config)


@pytest.fixture
def demo_client(demo_server):
    return sync_client(demo_server, demo.KEY_ID, demo.private_key_pem())


# --- kalshi-python-sync ------------------------------------------------------------------------------


def test_sync_sdk_reads_the_demo_balance(demo_client):
    balance = demo_client.get_balance()
    assert (balance.balance, balance.portfolio_value) == (DEMO_BALANCE_CENTS, 0)
    assert balance.updated_ts > 0


def test_sync_sdk_lists_the_demo_key(demo_client):
    listed = {k.api_key_id: k for k in demo_client.get_api_keys().api_keys}
    assert listed[demo.KEY_ID].name == "demo"
    assert sorted(listed[demo.KEY_ID].scopes) == ["read", "write"]


def test_a_generated_key_signs_for_the_same_user_until_it_is_deleted(demo_server, demo_client):
    generated = demo_client.generate_api_key(name="sdk-generated")
    assert generated.api_key_id != demo.KEY_ID
    assert generated.private_key.startswith("-----BEGIN PRIVATE KEY-----")
    listed = {k.api_key_id: k.name for k in demo_client.get_api_keys().api_keys}
    assert listed[generated.api_key_id] == "sdk-generated"

    holder = sync_client(demo_server, generated.api_key_id, generated.private_key)
    assert holder.get_balance().balance == DEMO_BALANCE_CENTS

    demo_client.delete_api_key(generated.api_key_id)
    with pytest.raises(kalshi_python_sync.UnauthorizedException) as refused:
        holder.get_balance()
    assert refused.value.status == 401
    assert generated.api_key_id not in {k.api_key_id for k in demo_client.get_api_keys().api_keys}


def test_a_read_only_generated_key_reads_but_may_not_generate_keys(demo_server, demo_client):
    generated = demo_client.generate_api_key(name="sdk-read-only", scopes=["read"])
    try:
        reader = sync_client(demo_server, generated.api_key_id, generated.private_key)
        assert reader.get_balance().balance == DEMO_BALANCE_CENTS
        with pytest.raises(kalshi_python_sync.ForbiddenException) as refused:
            reader.generate_api_key(name="not-allowed")
        assert refused.value.status == 403
    finally:
        demo_client.delete_api_key(generated.api_key_id)


# --- kalshi-python 2.1.4 -----------------------------------------------------------------------------


def test_legacy_sdk_reads_the_demo_balance(demo_server):
    client = legacy_client(demo_server, demo.KEY_ID, demo.private_key_pem())
    assert client.get_balance().balance == DEMO_BALANCE_CENTS


def test_legacy_sdk_signing_with_the_wrong_private_key_is_refused(demo_server):
    client = legacy_client(demo_server, demo.KEY_ID, unregistered_private_key_pem())
    with pytest.raises(LegacyUnauthorized) as refused:
        client.get_balance()
    assert refused.value.status == 401
    assert "signature does not match" in json.loads(refused.value.body)["message"]


# --- kalshi-typescript -------------------------------------------------------------------------------


def run_ts_auth(server, key_id: str, private_key_pem: str) -> dict:
    node = _node_or_skip()
    result = subprocess.run(
        [node, "auth.js", server.api],
        cwd=TS_DIR,
        env={**os.environ, "KALSHI_API_KEY_ID": key_id, "KALSHI_PRIVATE_KEY_PEM": private_key_pem},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["calls"]


@pytest.fixture(scope="module")
def ts_calls(demo_server) -> dict:
    return run_ts_auth(demo_server, demo.KEY_ID, demo.private_key_pem())


def ts_data(calls: dict, name: str) -> dict:
    call = calls[name]
    assert call["ok"], f"{name} failed: HTTP {call.get('status')} {call.get('error')} ({call.get('url')})"
    return call["data"]


def test_typescript_sdk_reads_the_demo_balance(ts_calls):
    balance = ts_data(ts_calls, "get_balance")
    assert (balance["balance"], balance["portfolio_value"]) == (DEMO_BALANCE_CENTS, 0)


def test_typescript_sdk_lists_the_demo_key(ts_calls):
    listed = {k["api_key_id"]: k for k in ts_data(ts_calls, "get_api_keys")["api_keys"]}
    assert listed[demo.KEY_ID]["name"] == "demo"


def test_typescript_sdk_sees_the_opening_deposit_and_no_withdrawals(ts_calls):
    deposits = ts_data(ts_calls, "get_deposits")["deposits"]
    assert [(d["amount_cents"], d["type"], d["status"]) for d in deposits] == [(DEMO_BALANCE_CENTS, "ach", "applied")]
    assert ts_data(ts_calls, "get_withdrawals")["withdrawals"] == []


def test_typescript_sdk_signing_with_the_wrong_private_key_is_refused_everywhere(demo_server):
    calls = run_ts_auth(demo_server, demo.KEY_ID, unregistered_private_key_pem())
    assert {name: call["status"] for name, call in calls.items()} == dict.fromkeys(
        ["get_balance", "get_api_keys", "get_deposits", "get_withdrawals"], 401
    )
    assert "signature does not match" in calls["get_balance"]["error"]["message"]
