"""Balance, deposits, withdrawals, API keys and account limits, per user and never across users."""

from __future__ import annotations

import contextlib
import itertools
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from kalshi_local.auth.ratelimit import TokenBuckets

from ..client import AdminClient, ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer, new_private_key

ALICE_PRIVATE, ALICE_PUBLIC = new_private_key()
BOB_PRIVATE, BOB_PUBLIC = new_private_key()
_names = itertools.count()


@pytest.fixture(scope="module", params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param), load_demo=False)
    yield running
    running.stop()


@pytest.fixture
def admin(server):
    client = AdminClient(server.url, ADMIN_TOKEN)
    yield client
    client.close()


def member(admin: AdminClient, private: str, public: str, **fields) -> tuple[Signer, dict]:
    """A new user with one key; returns its signer and the admin view of it."""
    name = f"user-{next(_names)}"
    key_id = f"{name}-key"
    body = {"tier": "prime", **fields, "api_keys": [{"id": key_id, "public_key": public}]}
    user = admin.request("PUT", f"/users/{name}", body)["user"]
    return Signer(key_id, private), user


@contextlib.contextmanager
def signed_client(server, admin: AdminClient, private: str, public: str, balance: str):
    signer, user = member(admin, private, public, balance=balance)
    with ApiClient(server.api, signer) as api:
        api.user = user
        yield api


@pytest.fixture
def alice(server, admin):
    with signed_client(server, admin, ALICE_PRIVATE, ALICE_PUBLIC, "250.50") as api:
        yield api


@pytest.fixture
def bob(server, admin):
    with signed_client(server, admin, BOB_PRIVATE, BOB_PUBLIC, "7.00") as api:
        yield api


# --- balance ---------------------------------------------------------------------------------------


def test_balance_is_integer_cents_of_the_callers_own_cash(server, alice, bob):
    now_s = server.services.clock.now_s()
    assert alice.ok("/portfolio/balance") == {
        "balance": 25050,
        "balance_dollars": "250.50",
        "portfolio_value": 0,
        "updated_ts": now_s,
    }
    assert bob.ok("/portfolio/balance")["balance"] == 700


def balance_error(server, api: ApiClient, subaccount: str) -> httpx.Response:
    # GetBalance declares only 401 and 500, so these errors are read raw (a spec gap).
    headers = api.signer.headers("GET", "/trade-api/v2/portfolio/balance")
    return httpx.get(server.api + "/portfolio/balance", params={"subaccount": subaccount}, headers=headers)


def test_balance_of_a_subaccount_that_does_not_exist_is_404(server, alice):
    response = balance_error(server, alice, "1")
    assert response.status_code == 404 and response.json()["message"] == "subaccount 1 not found"


@pytest.mark.parametrize("subaccount", ["-1", "33", "x"])
def test_balance_refuses_a_subaccount_outside_0_to_32(server, alice, subaccount):
    response = balance_error(server, alice, subaccount)
    assert response.status_code == 400 and "subaccount" in response.json()["message"]


# --- deposits and withdrawals ----------------------------------------------------------------------


def test_funding_and_withdrawing_show_as_deposits_and_withdrawals(server, admin, alice, bob):
    name = alice.user["name"]
    admin.request("POST", f"/users/{name}/deposits", {"amount": "100", "type": "wire"})
    admin.request("POST", f"/users/{name}/withdrawals", {"amount": "0.50"})
    now_s = server.services.clock.now_s()
    deposits = alice.ok("/portfolio/deposits")["deposits"]
    assert [(d["amount_cents"], d["type"], d["status"]) for d in deposits] == [(10000, "wire", "applied"), (25050, "ach", "applied")]
    assert {(d["fee_cents"], d["created_ts"], d["finalized_ts"]) for d in deposits} == {(0, now_s, now_s)}
    withdrawals = alice.ok("/portfolio/withdrawals")["withdrawals"]
    assert [w["amount_cents"] for w in withdrawals] == [50]
    assert alice.ok("/portfolio/balance")["balance"] == 25050 + 10000 - 50
    assert [d["amount_cents"] for d in bob.ok("/portfolio/deposits")["deposits"]] == [700]
    assert bob.ok("/portfolio/withdrawals") == {"withdrawals": [], "cursor": ""}


def test_deposits_page_newest_first_with_a_cursor(admin, alice):
    for dollars in ("1", "2", "3"):
        admin.request("POST", f"/users/{alice.user['name']}/deposits", {"amount": dollars})
    first = alice.ok("/portfolio/deposits", {"limit": 2})
    assert [d["amount_cents"] for d in first["deposits"]] == [300, 200] and first["cursor"]
    rest = alice.ok("/portfolio/deposits", {"limit": 2, "cursor": first["cursor"]})
    assert [d["amount_cents"] for d in rest["deposits"]] == [100, 25050] and rest["cursor"] == ""


@pytest.mark.parametrize("limit", [0, 501])
def test_deposits_limit_is_1_to_500(alice, limit):
    assert "limit" in alice.error("/portfolio/deposits", {"limit": limit})["message"]


@pytest.mark.parametrize("move", ["deposits", "withdrawals"])
@pytest.mark.parametrize("amount", ["0", "0.00"])
def test_a_transfer_of_nothing_is_refused_naming_the_amount_field(admin, alice, move, amount):
    response = admin._http.post(f"/users/{alice.user['name']}/{move}", json={"amount": amount})
    assert response.status_code == 400
    assert response.json()["message"] == f"$.amount: must be more than 0, got {amount!r}"
    assert alice.ok("/portfolio/balance")["balance"] == 25050


def test_withdrawing_more_than_the_balance_is_refused_and_changes_nothing(admin, alice):
    response = admin._http.post(f"/users/{alice.user['name']}/withdrawals", json={"amount": "1000"})
    assert response.status_code == 400 and "the balance would be -749.50" in response.json()["message"]
    assert alice.ok("/portfolio/withdrawals")["withdrawals"] == []
    assert alice.ok("/portfolio/balance")["balance"] == 25050


def test_concurrent_balance_sets_end_on_one_of_them_and_the_transfers_add_up(admin, alice):
    """Each PUT sets the cash, whatever the others did meanwhile (never a delta from a stale read)."""
    name = alice.user["name"]
    wanted = [f"{n}.00" for n in range(1, 17)]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda dollars: admin._http.put(f"/users/{name}", json={"balance": dollars}), wanted))
    assert [a.status_code for a in answers] == [200] * len(wanted)
    cents = alice.ok("/portfolio/balance")["balance"]
    assert cents in {int(d.split(".")[0]) * 100 for d in wanted}
    deposited = sum(d["amount_cents"] for d in alice.ok("/portfolio/deposits", {"limit": 500})["deposits"])
    withdrawn = sum(w["amount_cents"] for w in alice.ok("/portfolio/withdrawals", {"limit": 500})["withdrawals"])
    assert deposited - withdrawn == cents


# --- API keys --------------------------------------------------------------------------------------


def test_api_keys_lists_only_the_callers_keys(alice, bob):
    assert [k["api_key_id"] for k in alice.ok("/api_keys")["api_keys"]] == [alice.signer.key_id]
    assert [k["api_key_id"] for k in bob.ok("/api_keys")["api_keys"]] == [bob.signer.key_id]


def test_create_api_key_registers_a_public_key_that_then_signs(server, alice):
    private, public = new_private_key()
    body = {"name": "mine", "public_key": public, "scopes": ["read"]}
    created = alice.request("POST", "/api_keys", json=body, expect=201).json()
    listed = {k["api_key_id"]: k for k in alice.ok("/api_keys")["api_keys"]}
    assert listed[created["api_key_id"]] == {"api_key_id": created["api_key_id"], "name": "mine", "scopes": ["read"]}
    with ApiClient(server.api, Signer(created["api_key_id"], private)) as client:
        assert client.ok("/portfolio/balance")["balance"] == 25050


def test_create_api_key_needs_the_premier_tier(admin, server):
    signer, _ = member(admin, ALICE_PRIVATE, ALICE_PUBLIC, tier="advanced")
    _, public = new_private_key()
    with ApiClient(server.api, signer) as api:
        body = api.error("/api_keys", status=403, method="POST", json={"name": "x", "public_key": public})
    assert "premier" in body["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "x", "public_key": "not a key"}, "public_key is not a PEM-encoded public key"),
        ({"name": "x", "public_key": "KEY", "scopes": ["write"]}, "scope 'write' requires 'read'"),
        ({"name": "x", "public_key": "KEY", "scopes": ["admin"]}, "scope 'admin' is not one of 'read', 'write'"),
        ({"public_key": "KEY"}, "name"),
    ],
    ids=["bad pem", "write without read", "unknown scope", "no name"],
)
def test_create_api_key_validates_the_body(alice, body, message):
    _, public = new_private_key()
    body = {k: (public if v == "KEY" else v) for k, v in body.items()}
    assert message in alice.error("/api_keys", status=400, method="POST", json=body)["message"]


def test_generate_api_key_returns_a_private_key_once_and_stores_only_the_public_half(server, alice, caplog):
    with caplog.at_level("DEBUG"):
        created = alice.request("POST", "/api_keys/generate", json={"name": "gen"}, expect=201).json()
    assert created["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert "PRIVATE KEY" not in caplog.text
    with server.services.engine.connect() as conn:
        dump = "\n".join(conn.connection.dbapi_connection.iterdump()) if server.services.engine.dialect.name == "sqlite" else ""
        stored = conn.exec_driver_sql("SELECT public_key FROM api_keys WHERE key_id = %s" % _quoted(created["api_key_id"])).scalar_one()
    assert "PRIVATE KEY" not in dump and "PRIVATE" not in stored
    with ApiClient(server.api, Signer(created["api_key_id"], created["private_key"])) as client:
        assert client.ok("/portfolio/balance")["balance"] == 25050


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def test_deleting_another_users_key_is_404_and_leaves_it_working(alice, bob):
    body = bob.error(f"/api_keys/{alice.signer.key_id}", status=404, method="DELETE")
    assert body["message"] == f"API key {alice.signer.key_id} not found"
    assert alice.ok("/portfolio/balance")["balance"] == 25050


def test_deleting_an_unknown_key_is_404(alice):
    alice.error("/api_keys/no-such-key", status=404, method="DELETE")


# --- account limits and rate limiting --------------------------------------------------------------


@pytest.mark.parametrize(
    ("tier", "read", "write"),
    [("basic", (200, 200), (100, 100)), ("advanced", (300, 300), (300, 600)), ("prime", (4000, 4000), (4000, 8000))],
)
def test_account_limits_show_the_callers_tier(admin, server, tier, read, write):
    signer, _ = member(admin, ALICE_PRIVATE, ALICE_PUBLIC, tier=tier)
    with ApiClient(server.api, signer) as api:
        assert api.ok("/account/limits") == {
            "usage_tier": tier,
            "read": {"refill_rate": read[0], "bucket_capacity": read[1]},
            "write": {"refill_rate": write[0], "bucket_capacity": write[1]},
            "grants": [],
        }


def test_a_tier_set_through_the_admin_api_applies_to_the_next_request(admin, server):
    signer, user = member(admin, ALICE_PRIVATE, ALICE_PUBLIC, tier="basic")
    with ApiClient(server.api, signer) as api:
        assert api.ok("/account/limits")["usage_tier"] == "basic"
        admin.request("PUT", f"/users/{user['name']}", {"tier": "paragon"})
        assert api.ok("/account/limits")["read"] == {"refill_rate": 2000, "bucket_capacity": 2000}


def test_endpoint_costs_list_the_cheaper_endpoints(server):
    with ApiClient(server.api) as api:
        body = api.ok("/account/endpoint_costs")
    assert body["default_cost"] == 10
    assert {"method": "DELETE", "path": "/portfolio/orders/{order_id}", "cost": 2} in body["endpoint_costs"]
    assert all(cost["cost"] != 10 for cost in body["endpoint_costs"])


class FakeNanos:
    def __init__(self) -> None:
        self.now = 0

    def __call__(self) -> int:
        return self.now


def test_an_empty_read_bucket_gives_429_until_it_refills(admin, server):
    clock = FakeNanos()
    server.services.authenticator.buckets = TokenBuckets(now_ns=clock)
    try:
        signer, _ = member(admin, ALICE_PRIVATE, ALICE_PUBLIC, tier="basic")
        with ApiClient(server.api, signer) as api:
            for _ in range(20):  # basic: 200 tokens, 10 a request
                api.ok("/portfolio/balance")
            response = api.request("GET", "/portfolio/balance", expect=429)
            assert response.json() == {"error": "too many requests"}
            assert "retry-after" not in response.headers
            clock.now += 49_000_000  # 9.8 tokens back: still short
            api.request("GET", "/portfolio/balance", expect=429)
            clock.now += 1_000_000  # 10 tokens
            api.ok("/portfolio/balance")
            api.request("GET", "/api_keys", expect=429)  # the same read bucket
    finally:
        server.services.authenticator.buckets = TokenBuckets()


def test_users_have_separate_buckets(admin, server):
    clock = FakeNanos()
    server.services.authenticator.buckets = TokenBuckets(now_ns=clock)
    try:
        first, _ = member(admin, ALICE_PRIVATE, ALICE_PUBLIC, tier="basic")
        second, _ = member(admin, BOB_PRIVATE, BOB_PUBLIC, tier="basic")
        with ApiClient(server.api, first) as one, ApiClient(server.api, second) as two:
            for _ in range(20):
                one.ok("/portfolio/balance")
            one.request("GET", "/portfolio/balance", expect=429)
            two.ok("/portfolio/balance")
    finally:
        server.services.authenticator.buckets = TokenBuckets()


def test_rate_limits_off_serves_every_request(request):
    running = start_server(new_database_url(request, "sqlite"), rate_limits=False)
    try:
        admin = AdminClient(running.url, ADMIN_TOKEN)
        signer, _ = member(admin, ALICE_PRIVATE, ALICE_PUBLIC, tier="basic")
        admin.close()
        with ApiClient(running.api, signer) as api:
            for _ in range(30):
                api.ok("/portfolio/balance")
    finally:
        running.stop()
