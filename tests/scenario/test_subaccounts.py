"""Subaccounts in scenarios (docs/scenario-format.md, `users`): a member's numbered subaccounts
opened with cash and netting, orders resting in them, and `remove_subaccounts` and `reset`
acting as the admin routes do, the venue rebuilt after. Uploads to one server per backend."""

from __future__ import annotations

import itertools
import json

import pytest
import yaml

from kalshi_local.exchange.clock import parse_datetime
from kalshi_local.scenario import loader
from kalshi_local.store import accounts, subaccounts

from ..admin.conftest import AdminApi
from ..client import ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import start_server
from ..signing import Signer, new_private_key

PRIVATE, PUBLIC = new_private_key()
TICKER = "KXSCS-1-A"
CATALOG = {
    "series": [{"ticker": "KXSCS", "title": "Scenario subaccounts", "category": "Economics"}],
    "events": [{"event_ticker": "KXSCS-1", "series_ticker": "KXSCS", "title": "Subaccounts", "markets": [
        {"ticker": TICKER, "open_time": "2020-01-01T00:00:00Z", "close_time": "2031-01-01T00:00:00Z"}]}],
}  # fmt: skip
SUBS = "/portfolio/subaccounts"
_names = itertools.count(1)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param), load_demo=False)
    admin = AdminApi(running.url)
    admin.post("/scenario", CATALOG)
    admin.close()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin_api(server):
    client = AdminApi(server.url)
    yield client
    client.close()


def upload(admin_api: AdminApi, document: dict, expect: int = 200) -> dict:
    return admin_api.call("POST", "/scenario", expect, json=document).json()


def member(server, admin_api: AdminApi, **fields) -> tuple[str, ApiClient]:
    """A new member loaded by a scenario with `fields`, and a client signing as it."""
    name = f"scs-{next(_names)}"
    user = {"name": name, "balance": "100.00", "api_keys": [{"id": f"{name}-key", "public_key": PUBLIC}], **fields}
    upload(admin_api, {"users": [user]})
    return name, ApiClient(server.api, Signer(f"{name}-key", PRIVATE))


def order(name: str, price: str, count: int, subaccount: int = 0, side: str = "bid") -> dict:
    return {"user": name, "ticker": TICKER, "side": side, "price": price, "count": count, "subaccount": subaccount}


def place_in(api: ApiClient, price: str, count: int) -> str:
    body = {"ticker": TICKER, "side": "bid", "price": price, "count": f"{count}.00"}
    return api.request("POST", "/portfolio/events/orders", json=body, expect=201).json()["order_id"]


def balances(api: ApiClient) -> dict[int, str]:
    return {row["subaccount_number"]: row["balance"] for row in api.ok(SUBS + "/balances")["subaccount_balances"]}


def netting(api: ApiClient) -> dict[int, bool]:
    return {c["subaccount_number"]: c["enabled"] for c in api.ok(SUBS + "/netting")["netting_configs"]}


def resting(api: ApiClient, subaccount: int) -> list[tuple[str, str]]:
    found = api.ok("/portfolio/orders", {"status": "resting", "subaccount": subaccount})["orders"]
    return sorted((o["yes_price_dollars"], o["remaining_count_fp"]) for o in found)


def test_a_scenario_opens_subaccounts_with_cash_and_netting_and_rests_orders_in_them(server, admin_api):
    name, api = member(
        server,
        admin_api,
        subaccounts=[{"number": 1, "balance": "25.50", "netting": False}, {"number": 3}],
    )
    assert balances(api) == {0: "100.0000", 1: "25.5000", 3: "0.0000"}
    assert netting(api) == {0: True, 1: False, 3: True}
    upload(admin_api, {"orders": [order(name, "0.3000", 10, subaccount=1), order(name, "0.2000", 5)]})
    assert resting(api, 1) == [("0.3000", "10.00")]
    assert resting(api, 0) == [("0.2000", "5.00")]
    assert api.ok("/portfolio/balance", {"subaccount": 1})["balance"] == 2550 - 301  # $3 and a cent locked
    assert api.ok("/portfolio/balance")["balance"] == 10_000 - 101
    created = api.request("POST", SUBS, expect=201).json()  # the API numbers after the highest
    assert created == {"subaccount_number": 4}


def test_loading_the_same_member_again_keeps_or_sets_its_subaccounts_cash(server, admin_api):
    name, api = member(server, admin_api, subaccounts=[{"number": 2, "balance": "10.00", "netting": False}])
    upload(admin_api, {"users": [{"name": name, "subaccounts": [{"number": 2, "netting": False}]}]})
    assert balances(api) == {0: "100.0000", 2: "10.0000"}
    upload(admin_api, {"users": [{"name": name, "subaccounts": [{"number": 2, "balance": "7.25"}]}]})
    assert balances(api) == {0: "100.0000", 2: "7.2500"}
    assert api.ok("/portfolio/balance", {"subaccount": 2})["balance"] == 725  # the rebuilt venue's view


def test_cash_a_scenario_gives_a_subaccount_is_recorded_as_a_deposit_and_a_transfer(server, admin_api):
    name, api = member(server, admin_api, subaccounts=[{"number": 1, "balance": "12.50"}, {"number": 2}])

    def history() -> tuple[list[int], list[int], list[tuple[int, int, int]]]:
        deposits = [t["amount_cents"] for t in api.ok("/portfolio/deposits")["deposits"]]
        withdrawals = [t["amount_cents"] for t in api.ok("/portfolio/withdrawals")["withdrawals"]]
        moved = api.ok(SUBS + "/transfers")["transfers"]
        return (
            sorted(deposits),
            withdrawals,
            [(t["from_subaccount"], t["to_subaccount"], t["amount_cents"]) for t in moved],
        )

    # $100.00 for the primary, $12.50 through it to subaccount 1; subaccount 2 opened empty.
    assert history() == ([1250, 10_000], [], [(0, 1, 1250)])
    upload(admin_api, {"users": [{"name": name, "subaccounts": [{"number": 1, "balance": "10.00"}, {"number": 2}]}]})
    assert history() == ([1250, 10_000], [250], [(1, 0, 250), (0, 1, 1250)])  # newest first
    upload(admin_api, {"users": [{"name": name, "subaccounts": [{"number": 1, "balance": "10.00"}]}]})
    assert len(history()[2]) == 2  # the same cash: nothing recorded
    assert balances(api) == {0: "100.0000", 1: "10.0000", 2: "0.0000"}
    deposited, withdrawn, _ = history()
    assert sum(deposited) - sum(withdrawn) == 10_000 + 1000  # what the accounts hold, together


def test_remove_subaccounts_clears_them_and_their_orders_and_keeps_the_primary(server, admin_api):
    name, api = member(server, admin_api, subaccounts=[{"number": 1, "balance": "20.00"}, {"number": 2}])
    upload(admin_api, {"orders": [order(name, "0.1100", 4, subaccount=1), order(name, "0.1200", 3)]})
    upload(admin_api, {"users": [{"name": name, "remove_subaccounts": True}]})
    assert balances(api) == {0: "99.6300"}  # the primary's order still locks $0.36 and a cent
    assert netting(api) == {0: True}
    assert resting(api, 0) == [("0.1200", "3.00")]
    body = api.error("/portfolio/orders", {"subaccount": 1})
    assert "subaccount" in body["message"]
    book = api.ok(f"/markets/{TICKER}/orderbook")["orderbook_fp"]["yes_dollars"]
    assert ["0.1100", "4.00"] not in book and ["0.1200", "3.00"] in book
    # The numbers are free again, in the same file as the removal.
    upload(admin_api, {"users": [{"name": name, "remove_subaccounts": True, "subaccounts": [{"number": 1}]}]})
    assert balances(api) == {0: "99.6300", 1: "0.0000"}


def test_a_removal_is_written_by_the_engine_between_two_batches(server, admin_api, monkeypatch):
    """Engine.reload(write) runs the document's transaction on the engine thread and rebuilds the
    venue before any later batch, as the admin removal routes do; other loads rebuild after."""
    name, api = member(server, admin_api, subaccounts=[{"number": 1, "balance": "5.00"}])
    trading, writes = server.services.trading, []
    reload = trading.reload

    def spy(write=None):
        writes.append(write)
        reload(write)

    monkeypatch.setattr(trading, "reload", spy)
    upload(admin_api, {"users": [{"name": name, "remove_subaccounts": True}]})
    assert len(writes) == 1 and writes[0] is not None
    assert balances(api) == {0: "100.0000"}
    upload(admin_api, {"users": [{"name": name, "balance": "90.00"}]})
    assert len(writes) == 2 and writes[1] is None  # written first, the venue rebuilt after
    bad = {"users": [{"name": name, "reset": True, "subaccounts": [{"number": 1, "colour": "red"}]}]}
    assert "colour" in upload(admin_api, bad, 400)["message"]  # refused inside the engine's step
    assert balances(api) == {0: "90.0000"}
    order_id = place_in(api, "0.0100", 1)
    assert api.ok(f"/portfolio/orders/{order_id}")["order"]["status"] == "resting"  # the engine trades on


def test_reset_clears_every_trading_record_and_sets_the_primary_cash(server, admin_api):
    name, api = member(server, admin_api, subaccounts=[{"number": 1, "balance": "20.00", "netting": False}])
    upload(admin_api, {"orders": [order(name, "0.1300", 4, subaccount=1), order(name, "0.1400", 3)]})
    upload(admin_api, {"users": [{"name": name, "reset": True, "balance": "50.00"}]})
    assert balances(api) == {0: "50.0000"}
    assert api.ok("/portfolio/orders")["orders"] == []
    book = api.ok(f"/markets/{TICKER}/orderbook")["orderbook_fp"]["yes_dollars"]
    assert ["0.1300", "4.00"] not in book and ["0.1400", "3.00"] not in book
    # The engine trades on from the rebuilt venue: the whole $50 is there.
    placed = {"ticker": TICKER, "side": "yes", "action": "buy", "count": 99, "yes_price": 50, "post_only": True}
    api.request("POST", "/portfolio/orders", json=placed, expect=201)
    assert api.ok("/portfolio/balance")["balance"] == 5000 - 4951  # $49.50 and a cent locked


@pytest.mark.parametrize(
    ("user", "orders", "path"),
    [
        ({}, [{"subaccount": 5}], "$.orders[0].subaccount: 'NAME' has no subaccount 5"),
        ({"subaccounts": [{"number": 33}]}, [], "$.users[0].subaccounts[0].number"),
        ({"subaccounts": [{"number": 1, "colour": "red"}]}, [], "$.users[0].subaccounts[0].colour: unknown field"),
        ({"subaccounts": [{"number": 1, "netting": True}]}, [], "$.users[0].subaccounts[0]: subaccount 1 exists"),
        ({"subaccounts": [{"number": 1, "balance": "1.00"}]}, [], "$.users[0].subaccounts[0]: subaccount 1's resting"),
    ],
    ids=["order in a missing subaccount", "number 33", "unknown field", "netting changed", "cash under the locks"],
)
def test_a_bad_subaccount_item_fails_the_load_and_changes_nothing(server, admin_api, user, orders, path):
    name, api = member(server, admin_api, subaccounts=[{"number": 1, "balance": "20.00", "netting": False}])
    upload(admin_api, {"orders": [order(name, "0.1500", 10, subaccount=1)]})
    before = (balances(api), netting(api), resting(api, 1))
    document = {
        "users": [{"name": name, "remove_subaccounts": True, "balance": "1.00", **user}],
        "orders": [{**order(name, "0.0500", 1), **item} for item in orders],
    }
    if "resting" in path or "exists" in path:  # the removal would free both: keep the subaccount
        document["users"][0].pop("remove_subaccounts")
    message = upload(admin_api, document, 400)["message"]
    assert path.replace("NAME", name) in message
    assert (balances(api), netting(api), resting(api, 1)) == before


def test_the_store_load_without_a_server_opens_and_clears_subaccounts(engine):
    """`kalshi-local load`'s path: loader.apply on a store no server holds."""
    now = parse_datetime("2026-03-01T12:00:00Z")
    opened = {"name": "cli", "balance": "10.00", "subaccounts": [{"number": 1, "balance": "2.50"}, {"number": 4}]}
    loader.apply(engine, loader.parse_data({"users": [opened]}, "cli"), now, "cli")
    with engine.connect() as conn:
        user = accounts.user_by_name(conn, "cli")
        assert user is not None
        assert [(b.subaccount, b.balance) for b in subaccounts.all_balances(conn, user.seq)] == [
            (0, 10_000_000), (1, 2_500_000), (4, 0)]  # fmt: skip
    loader.apply(engine, loader.parse_data({"users": [{"name": "cli", "reset": True}]}, "cli"), now, "cli")
    with engine.connect() as conn:
        assert subaccounts.numbers(conn, user.seq) == [0]


@pytest.mark.parametrize(
    ("users", "clears"),
    [
        ([{"name": "a"}, {"name": "b", "remove_subaccounts": True}], True),
        ([{"name": "a", "reset": True}], True),
        ([{"name": "a", "reset": False, "subaccounts": [{"number": 1}]}], False),
        ([], False),
    ],
)
def test_a_document_that_removes_accounts_is_known_before_it_is_written(users, clears):
    """Such a document is written between two engine batches (admin/scenarios.py), in JSON
    (items still raw) and in YAML alike."""
    as_json = loader.open_json(json.dumps({"users": users}).encode(), "t.json")
    as_yaml = loader.Document.of(loader.parse_text(yaml.safe_dump({"users": users}), "t.yaml"), "t.yaml")
    assert (as_json.clears_accounts, as_yaml.clears_accounts) == (clears, clears)
