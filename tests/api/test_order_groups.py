"""Order groups through a real server (api-reference/order-groups/*.md, websockets/
order-group-updates.md): one test per rule, each over signed raw HTTP checked against openapi.yaml
with the order_group_updates messages checked against asyncapi.yaml: the limit over the rolling
15-second window on the manual clock, the automatic cancel and the refusal until reset, trigger,
delete, a limit update, ownership, a rebuild that keeps the window; then kalshi-python-sync's
OrderGroupsApi. SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import uuid

import kalshi_python_sync
import pytest

from ..admin.conftest import AdminApi
from ..client import AdminClient, ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer
from ..ws.client import WsClient
from .trading_rows import PRIVATE, PUBLIC
from .write_path import V1, new_market, order, place, refused

GROUPS = "/portfolio/order_groups"
_names = itertools.count(1)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param), load_demo=False)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin(server):
    client = AdminClient(server.url, ADMIN_TOKEN)
    yield client
    client.close()


def member(server, admin) -> tuple[Signer, ApiClient]:
    name = f"og-{next(_names)}"
    keys = [{"id": f"{name}-key", "public_key": PUBLIC}]
    admin.request("PUT", f"/users/{name}", {"tier": "prime", "balance": "1000.00", "api_keys": keys})
    signer = Signer(f"{name}-key", PRIVATE)
    return signer, ApiClient(server.api, signer)


@pytest.fixture
def alice(server, admin):
    signer, api = member(server, admin)
    ws = WsClient(server, signer)
    ws.subscribe("order_group_updates")
    yield api, ws
    ws.close()
    api.close()


@pytest.fixture
def bob(server, admin):
    _, api = member(server, admin)
    yield api
    api.close()


def create(api: ApiClient, limit: int) -> str:
    made = api.request("POST", GROUPS + "/create", json={"contracts_limit": limit}, expect=201).json()
    assert made["subaccount"] == 0
    return made["order_group_id"]


def update(ws: WsClient, event_type: str, group: str) -> dict:
    msg = ws.expect("order_group_updates")["msg"]
    assert (msg["event_type"], msg["order_group_id"]) == (event_type, group), msg
    return msg


def group_of(api: ApiClient, group: str) -> dict:
    return api.ok(f"{GROUPS}/{group}")


def buy(api: ApiClient, ticker: str, count: str) -> dict:
    return place(api, ticker, "bid", count, "0.6000", time_in_force="immediate_or_cancel")


def test_the_limit_hit_in_the_window_cancels_the_groups_orders_and_refuses_new_ones_until_reset(
    server, admin, alice, bob
):
    api, ws = alice
    ticker = new_market(admin)
    group = create(api, 10)
    assert update(ws, "created", group)["contracts_limit_fp"] == "10.00"
    ask = place(api, ticker, "ask", "20", "0.6000", order_group_id=group)["order_id"]
    bid = place(api, ticker, "bid", "5", "0.2000", order_group_id=group)["order_id"]
    outside = place(api, ticker, "bid", "5", "0.1000")["order_id"]
    assert order(api, ask)["order_group_id"] == group
    assert buy(bob, ticker, "6")["fill_count"] == "6.00"
    assert group_of(api, group)["is_auto_cancel_enabled"] is True
    assert buy(bob, ticker, "4")["fill_count"] == "4.00"  # 10 of 10 matched: the limit is hit
    triggered = update(ws, "triggered", group)
    assert "contracts_limit_fp" not in triggered and triggered["ts_ms"] > 0
    assert [order(api, i)["status"] for i in (ask, bid, outside)] == ["canceled", "canceled", "resting"]
    found = group_of(api, group)
    assert found["is_auto_cancel_enabled"] is False and found["orders"] == [ask, bid]
    assert found["contracts_limit_fp"] == "10.00"
    body = refused(api, ticker, "bid", "1", "0.2000", order_group_id=group)
    assert body["code"] == "exceeded_order_group_risk_limit"
    v1 = {"ticker": ticker, "action": "buy", "side": "yes", "count": 1, "yes_price": 20, "order_group_id": group}
    assert api.error(V1, method="POST", json=v1)["code"] == "exceeded_order_group_risk_limit"
    api.request("PUT", f"{GROUPS}/{group}/reset", expect=200)
    update(ws, "reset", group)
    assert group_of(api, group)["is_auto_cancel_enabled"] is True
    assert place(api, ticker, "bid", "1", "0.2000", order_group_id=group)["remaining_count"] == "1.00"
    ws.quiet()


def test_an_order_matches_no_more_than_its_groups_limit_as_maker_or_taker(server, admin, alice, bob):
    api, ws = alice
    ticker = new_market(admin)
    group = create(api, 7)
    update(ws, "created", group)
    ask = place(api, ticker, "ask", "10", "0.6000", order_group_id=group)["order_id"]
    assert buy(bob, ticker, "8")["fill_count"] == "7.00"  # the maker's group allows 7
    update(ws, "triggered", group)
    assert order(api, ask)["fill_count_fp"] == "7.00" and order(api, ask)["status"] == "canceled"
    api.request("PUT", f"{GROUPS}/{group}/reset", expect=200)
    update(ws, "reset", group)
    place(bob, ticker, "ask", "10", "0.6000")
    taken = place(api, ticker, "bid", "8", "0.6000", order_group_id=group)  # as taker: 7 again, the rest cancelled
    assert (taken["fill_count"], taken["remaining_count"]) == ("7.00", "0.00")
    update(ws, "triggered", group)
    ws.quiet()


def test_only_contracts_matched_in_the_last_15_seconds_count(server, admin, alice, bob):
    api, ws = alice
    ticker = new_market(admin)
    group = create(api, 10)
    update(ws, "created", group)
    place(api, ticker, "ask", "30", "0.6000", order_group_id=group)
    buy(bob, ticker, "9")
    admin.request("POST", "/clock", {"advance_seconds": 15})
    buy(bob, ticker, "9")  # the first 9 left the window: 9 of 10
    assert group_of(api, group)["is_auto_cancel_enabled"] is True
    ws.quiet()
    server.services.trading.reload()  # a rebuild reads the window back from the fills
    buy(bob, ticker, "1")
    update(ws, "triggered", group)
    assert group_of(api, group)["orders"] and all(
        order(api, i)["status"] != "resting" for i in group_of(api, group)["orders"]
    )


def test_trigger_cancels_on_demand_and_delete_removes_the_group(server, admin, alice):
    api, ws = alice
    ticker = new_market(admin)
    group = create(api, 100)
    update(ws, "created", group)
    grouped = place(api, ticker, "bid", "3", "0.3000", order_group_id=group)["order_id"]
    api.request("PUT", f"{GROUPS}/{group}/trigger", expect=200)
    update(ws, "triggered", group)
    assert order(api, grouped)["status"] == "canceled"
    assert refused(api, ticker, "bid", "1", "0.3000", order_group_id=group)["code"] == (
        "exceeded_order_group_risk_limit"
    )
    api.request("PUT", f"{GROUPS}/{group}/reset", expect=200)
    update(ws, "reset", group)
    again = place(api, ticker, "bid", "3", "0.3000", order_group_id=group)["order_id"]
    api.request("DELETE", f"{GROUPS}/{group}", expect=200)
    update(ws, "deleted", group)
    assert order(api, again)["status"] == "canceled"
    assert api.error(f"{GROUPS}/{group}", status=404)["code"] == "order_group_not_found"
    assert group not in [g["id"] for g in api.ok(GROUPS)["order_groups"]]
    assert refused(api, ticker, "bid", "1", "0.3000", order_group_id=group)["code"] == "order_group_not_found"
    for path in (f"{GROUPS}/{group}/reset", f"{GROUPS}/{group}/trigger"):
        api.error(path, method="PUT", status=404)


def test_a_limit_update_is_published_and_triggers_at_once_at_or_below_the_window(server, admin, alice, bob):
    api, ws = alice
    ticker = new_market(admin)
    group = create(api, 10)
    update(ws, "created", group)
    ask = place(api, ticker, "ask", "10", "0.6000", order_group_id=group)["order_id"]
    buy(bob, ticker, "4")
    api.request("PUT", f"{GROUPS}/{group}/limit", json={"contracts_limit_fp": "5.00"}, expect=200)
    assert update(ws, "limit_updated", group)["contracts_limit_fp"] == "5.00"
    assert [g["contracts_limit"] for g in api.ok(GROUPS)["order_groups"] if g["id"] == group] == [5]
    assert order(api, ask)["status"] == "resting"
    api.request("PUT", f"{GROUPS}/{group}/limit", json={"contracts_limit": 4}, expect=200)
    assert update(ws, "limit_updated", group)["contracts_limit_fp"] == "4.00"
    update(ws, "triggered", group)
    assert order(api, ask)["status"] == "canceled"
    body = {"contracts_limit": 4, "contracts_limit_fp": "5.00"}
    assert "contracts_limit" in api.error(f"{GROUPS}/{group}/limit", method="PUT", json=body)["message"]
    assert api.error(GROUPS + "/create", method="POST", json={"contracts_limit": 0})["code"] == "invalid_parameters"
    assert api.error(GROUPS + "/create", method="POST", json={})["code"] == "invalid_parameters"


def test_another_users_group_is_not_found(server, admin, alice, bob):
    api, ws = alice
    ticker = new_market(admin)
    group = create(api, 10)
    update(ws, "created", group)
    assert bob.error(f"{GROUPS}/{group}", status=404)["code"] == "order_group_not_found"
    bob.error(f"{GROUPS}/{group}/trigger", method="PUT", status=404)
    bob.error(f"{GROUPS}/{group}", method="DELETE", status=404)
    assert bob.ok(GROUPS)["order_groups"] == []
    assert refused(bob, ticker, "bid", "1", "0.3000", order_group_id=group)["code"] == "order_group_not_found"
    assert group_of(api, group)["is_auto_cancel_enabled"] is True
    ws.quiet()  # nothing happened to alice's group
    assert api.ok(GROUPS, {"subaccount": 0})["order_groups"][-1]["id"] == group
    assert api.error(GROUPS, {"subaccount": 1}, status=400)["code"] == "customer_account_not_found"  # none yet


def test_a_group_of_a_subaccount_holds_that_subaccounts_orders_and_the_admin_lists_every_group(server, admin, bob):
    """A group belongs to one account (exchange/order_groups.py): created in subaccount 1, it takes
    that subaccount's orders, counts their fills, and is reached by naming the subaccount."""
    name = f"og-{next(_names)}"
    keys = [{"id": f"{name}-key", "public_key": PUBLIC}]
    admin.request("PUT", f"/users/{name}", {"tier": "prime", "balance": "1000.00", "api_keys": keys})
    api = ApiClient(server.api, Signer(f"{name}-key", PRIVATE))
    ticker = new_market(admin)
    one = api.request("POST", "/portfolio/subaccounts", expect=201).json()["subaccount_number"]
    move = {"client_transfer_id": str(uuid.uuid4()), "from_subaccount": 0, "to_subaccount": one, "amount_cents": 50_000}
    api.request("POST", "/portfolio/subaccounts/transfer", json=move, expect=200)
    missing = {"contracts_limit": 10, "subaccount": one + 1}  # a subaccount the member does not have
    refusal = api.request("POST", GROUPS + "/create", json=missing, expect=400).json()["error"]
    assert refusal["code"] == "customer_account_not_found"
    assert api.error(GROUPS, {"subaccount": one + 1}, status=400)["code"] == "customer_account_not_found"
    made = api.request("POST", GROUPS + "/create", json={"contracts_limit": 10, "subaccount": one}, expect=201)
    group = made.json()["order_group_id"]
    assert made.json()["subaccount"] == one
    primary = create(api, 50)
    ask = place(api, ticker, "ask", "20", "0.6000", order_group_id=group, subaccount=one)["order_id"]
    other = place(api, ticker, "ask", "5", "0.7000", subaccount=one)["order_id"]  # outside the group
    # The primary cannot place into subaccount 1's group, nor subaccount 1 into the primary's.
    assert refused(api, ticker, "bid", "1", "0.2000", order_group_id=group)["code"] == "order_group_not_found"
    body = refused(api, ticker, "bid", "1", "0.2000", order_group_id=primary, subaccount=one)
    assert body["code"] == "order_group_not_found"
    assert api.error(f"{GROUPS}/{group}/trigger", method="PUT", status=404)["code"] == "order_group_not_found"
    assert api.error(f"{GROUPS}/{group}", {"subaccount": 0}, status=404)["code"] == "order_group_not_found"
    assert [g["id"] for g in api.ok(GROUPS, {"subaccount": one})["order_groups"]] == [group]
    assert buy(bob, ticker, "10")["fill_count"] == "10.00"  # 10 of 10 matched in subaccount 1: triggered
    found = api.ok(f"{GROUPS}/{group}", {"subaccount": one})
    assert (found["is_auto_cancel_enabled"], found["orders"], found["subaccount"]) == (False, [ask], one)
    assert [order(api, i)["status"] for i in (ask, other)] == ["canceled", "resting"]
    held = api.ok("/portfolio/positions", {"subaccount": one})["market_positions"]
    assert [(p["ticker"], p["position_fp"]) for p in held] == [(ticker, "-10.00")]
    assert api.ok(f"{GROUPS}/{primary}")["is_auto_cancel_enabled"] is True  # the primary's group untouched
    api.request("PUT", f"{GROUPS}/{group}/reset", {"subaccount": one}, expect=200)
    # The admin API lists the member's groups of every subaccount, with their orders.
    admin_api = AdminApi(server.url)
    listed = admin_api.get(f"/order_groups?user={name}")["order_groups"]
    assert [(g["id"], g["subaccount"], g["is_auto_cancel_enabled"], g["orders"]) for g in listed] == [
        (group, one, True, [ask]),
        (primary, 0, True, []),
    ]
    assert [g["id"] for g in admin_api.get(f"/order_groups?user={name}&subaccount=0")["order_groups"]] == [primary]
    assert admin_api.call("GET", "/order_groups?user=nobody-at-all", expect=404).json()["code"] == "not_found"
    assert admin_api.call("GET", "/order_groups", expect=400).json()["code"] == "missing_parameters"
    admin_api.close()
    api.close()


def test_the_python_sdk_creates_reads_resets_and_deletes_groups(server, admin):
    signer, api = member(server, admin)
    config = kalshi_python_sync.Configuration(host=server.api)
    config.api_key_id = signer.key_id
    config.private_key_pem = PRIVATE
    sdk = kalshi_python_sync.KalshiClient(config)
    groups = kalshi_python_sync.OrderGroupsApi(sdk)
    made = groups.create_order_group(contracts_limit=25)
    assert made is not None and made.order_group_id
    listed = groups.get_order_groups().order_groups
    assert [(g.id, g.is_auto_cancel_enabled) for g in listed] == [(made.order_group_id, True)]
    found = groups.get_order_group(made.order_group_id)
    assert found.is_auto_cancel_enabled is True and found.orders == []
    api.request("PUT", f"{GROUPS}/{made.order_group_id}/trigger", expect=200)
    assert groups.get_order_group(made.order_group_id).is_auto_cancel_enabled is False
    groups.reset_order_group(made.order_group_id)
    assert groups.get_order_group(made.order_group_id).is_auto_cancel_enabled is True
    groups.delete_order_group(made.order_group_id)
    with pytest.raises(kalshi_python_sync.ApiException) as missing:
        groups.get_order_group(made.order_group_id)
    assert missing.value.status == 404
    api.close()
