"""Signed requests end to end: every rejection has its own status and message."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from ..client import AdminClient, ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import DEMO, Signer, new_private_key

BALANCE = "/trade-api/v2/portfolio/balance"
OTHER_PRIVATE, _ = new_private_key()
READ_ONLY_PRIVATE, READ_ONLY_PUBLIC = new_private_key()
READ_ONLY = Signer("read-only-key", READ_ONLY_PRIVATE)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param))
    admin = AdminClient(running.url, ADMIN_TOKEN)
    admin.request("PUT", "/users/demo", {"api_keys": [{"id": READ_ONLY.key_id, "public_key": READ_ONLY_PUBLIC, "scopes": ["read"]}]})
    admin.close()
    yield running
    running.stop()


@pytest.fixture
def http(server):
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def unauthorized(message: str) -> dict:
    fields = {"code": "unauthorized", "message": message, "service": "kalshi-local"}
    return {**fields, "error": fields}  # flat and nested, as every error body


def now_ms() -> int:
    return int(time.time() * 1000)


def test_a_signed_request_reads_the_balance(server):
    with ApiClient(server.api, DEMO) as api:
        assert api.ok("/portfolio/balance")["balance"] == 1_000_000


def test_the_maximum_salt_length_is_accepted_too(http):
    salt = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH)
    assert http.get(BALANCE, headers=DEMO.headers("GET", BALANCE, salt=salt)).status_code == 200


def test_the_query_string_is_not_signed(http):
    response = http.get(BALANCE + "?subaccount=0", headers=DEMO.headers("GET", BALANCE))
    assert response.status_code == 200


def test_an_unsigned_request_is_401(http):
    response = http.get(BALANCE)
    assert response.status_code == 401
    assert response.json() == unauthorized("this endpoint needs a signed request: missing KALSHI-ACCESS-KEY header")


@pytest.mark.parametrize("header", ["KALSHI-ACCESS-KEY", "KALSHI-ACCESS-TIMESTAMP", "KALSHI-ACCESS-SIGNATURE"])
def test_each_missing_header_is_named(http, header):
    headers = DEMO.headers("GET", BALANCE)
    del headers[header]
    response = http.get(BALANCE, headers=headers)
    assert (response.status_code, response.json()) == (401, unauthorized(f"missing {header} header"))


def test_a_non_numeric_timestamp_is_401(http):
    headers = {**DEMO.headers("GET", BALANCE), "KALSHI-ACCESS-TIMESTAMP": "yesterday"}
    response = http.get(BALANCE, headers=headers)
    expected = "KALSHI-ACCESS-TIMESTAMP must be milliseconds since the epoch, got 'yesterday'"
    assert (response.status_code, response.json()) == (401, unauthorized(expected))


def test_a_signature_that_is_not_base64_is_401(http):
    headers = {**DEMO.headers("GET", BALANCE), "KALSHI-ACCESS-SIGNATURE": "not base64!"}
    response = http.get(BALANCE, headers=headers)
    assert (response.status_code, response.json()) == (401, unauthorized("KALSHI-ACCESS-SIGNATURE is not valid base64"))


def test_an_unknown_key_id_is_401(http):
    headers = Signer("no-such-key", OTHER_PRIVATE).headers("GET", BALANCE)
    response = http.get(BALANCE, headers=headers)
    expected = unauthorized("unknown API key 'no-such-key' (never created, or deleted)")
    assert (response.status_code, response.json()) == (401, expected)


@pytest.mark.parametrize(
    ("sent", "shown"),
    [(b"caf\xe9", "'caf\\xe9'"), (b"caf\xc3\xa9", "'caf\\xc3\\xa9'"), (b"k" * 100, "'" + "k" * 64 + "...'")],
)
def test_an_unknown_key_id_is_shown_back_as_the_ascii_escapes_of_its_bytes_and_cut_short(http, sent, shown):
    headers = {**Signer("x", OTHER_PRIVATE).headers("GET", BALANCE), "KALSHI-ACCESS-KEY": sent}
    response = http.get(BALANCE, headers=headers)
    expected = unauthorized(f"unknown API key {shown} (never created, or deleted)")
    assert (response.status_code, response.json()) == (401, expected)
    assert response.content.isascii()


def test_a_non_ascii_timestamp_is_shown_back_as_escapes(http):
    headers = {**DEMO.headers("GET", BALANCE), "KALSHI-ACCESS-TIMESTAMP": b"1\xe9"}
    response = http.get(BALANCE, headers=headers)
    expected = "KALSHI-ACCESS-TIMESTAMP must be milliseconds since the epoch, got '1\\xe9'"
    assert (response.status_code, response.json()) == (401, unauthorized(expected))


def test_a_deleted_key_is_401_at_once(server):
    with ApiClient(server.api, DEMO) as api:
        created = api.request("POST", "/api_keys/generate", json={"name": "short-lived"}, expect=201).json()
        fresh = Signer(created["api_key_id"], created["private_key"])
        with ApiClient(server.api, fresh) as client:
            assert client.ok("/portfolio/balance")["balance"] == 1_000_000
            api.request("DELETE", f"/api_keys/{fresh.key_id}", expect=204)
            body = client.request("GET", "/portfolio/balance", expect=401).json()
    assert body == unauthorized(f"unknown API key '{fresh.key_id}' (never created, or deleted)")


MISMATCH = unauthorized("signature does not match the request (key, method or path)")


@pytest.mark.parametrize(
    ("signer", "method", "path"),
    [
        (Signer(DEMO.key_id, OTHER_PRIVATE), "GET", BALANCE),
        (DEMO, "POST", BALANCE),
        (DEMO, "GET", "/trade-api/v2/portfolio/deposits"),
        (DEMO, "GET", "/portfolio/balance"),
    ],
    ids=["another key", "another method", "another path", "path without /trade-api/v2"],
)
def test_a_signature_over_anything_else_is_401(http, signer, method, path):
    response = http.get(BALANCE, headers=signer.headers(method, path))
    assert (response.status_code, response.json()) == (401, MISMATCH)


@pytest.mark.parametrize(("offset_s", "how"), [(-70, "older than"), (70, "in the future of")])
def test_a_timestamp_outside_the_window_is_401(http, offset_s, how):
    response = http.get(BALANCE, headers=DEMO.headers("GET", BALANCE, now_ms() + offset_s * 1000))
    assert response.status_code == 401
    message = response.json()["message"]
    assert re.fullmatch(rf"request timestamp is (69|70)(\.\d+)? s {how} the server time; the window is 60 s", message)


def test_a_timestamp_inside_the_window_is_accepted(http):
    assert http.get(BALANCE, headers=DEMO.headers("GET", BALANCE, now_ms() - 55_000)).status_code == 200


def test_a_replayed_signature_is_401(http):
    headers = DEMO.headers("GET", BALANCE)
    assert http.get(BALANCE, headers=headers).status_code == 200
    response = http.get(BALANCE, headers=headers)
    assert (response.status_code, response.json()) == (401, unauthorized("signature was already used (replay)"))


def test_the_window_is_configurable(request):
    running = start_server(new_database_url(request, "sqlite"), signature_window_s=5)
    try:
        with httpx.Client(base_url=running.url, timeout=10) as http:
            assert http.get(BALANCE, headers=DEMO.headers("GET", BALANCE, now_ms() - 4_000)).status_code == 200
            response = http.get(BALANCE, headers=DEMO.headers("GET", BALANCE, now_ms() - 6_000))
            assert response.status_code == 401 and response.json()["message"].endswith("the window is 5 s")
    finally:
        running.stop()


def test_a_read_only_key_reads_but_gets_403_on_writes(server):
    with ApiClient(server.api, READ_ONLY) as api:
        assert api.ok("/api_keys")["api_keys"][0]["api_key_id"] == DEMO.key_id
        body = api.error("/api_keys/generate", status=403, method="POST", json={"name": "x"})
        assert body["message"] == "API key read-only-key has the read scope only; POST needs the write scope"
        api.error(f"/api_keys/{DEMO.key_id}", status=403, method="DELETE")
    with ApiClient(server.api, DEMO) as api:
        assert DEMO.key_id in [k["api_key_id"] for k in api.ok("/api_keys")["api_keys"]]


@pytest.mark.parametrize(
    "headers",
    [{}, DEMO.headers("GET", "/trade-api/v2/exchange/status"), {"KALSHI-ACCESS-KEY": "junk", "KALSHI-ACCESS-SIGNATURE": "junk"}],
    ids=["unsigned", "signed", "junk headers"],
)
def test_public_endpoints_ignore_signatures(http, headers):
    assert http.get("/trade-api/v2/exchange/status", headers=headers).status_code == 200


def test_a_head_request_is_signed_with_its_own_method(http):
    assert http.head(BALANCE, headers=DEMO.headers("HEAD", BALANCE)).status_code == 200
    assert http.head(BALANCE, headers=DEMO.headers("GET", BALANCE)).status_code == 401
