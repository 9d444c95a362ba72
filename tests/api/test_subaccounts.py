"""Subaccounts through a real server (api-reference/portfolio/*subaccount*.md): create numbered
1..32 and refuse the 33rd, transfers (atomic, idempotent, refused when short) and their history,
all balances, netting on and off (collateral netting, exchange/subaccounts.py), positions,
balances, orders, fills and settlements kept apart per subaccount with every portfolio filter,
unknown subaccounts refused, and the admin removal and reset. Raw HTTP validated against the
spec (kalshi-python-sync 3.2.0 has no subaccount methods); the SDK reads the primary's views."""

from __future__ import annotations

import concurrent.futures
import itertools
import uuid

import kalshi_python_sync
import pytest

from ..client import AdminClient, ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer
from .trading_rows import PRIVATE, PUBLIC
from .write_path import V1, V2, new_market, place

SUBS = "/portfolio/subaccounts"
_names = itertools.count(1)


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


GROUPS = "/portfolio/order_groups/create"
RFQS, QUOTES = "/communications/rfqs", "/communications/quotes"


def member(server, admin, dollars: str = "100.00") -> tuple[str, ApiClient]:
    name = f"sub-{next(_names)}"
    admin.request(
        "PUT", f"/users/{name}", {"balance": dollars, "api_keys": [{"id": f"{name}-key", "public_key": PUBLIC}]}
    )
    return name, ApiClient(server.api, Signer(f"{name}-key", PRIVATE))


def create(api: ApiClient) -> int:
    return api.request("POST", SUBS, expect=201).json()["subaccount_number"]


def transfer(api: ApiClient, source: int, target: int, cents: int, client_id: str | None = None, expect: int = 200):
    body = {
        "client_transfer_id": client_id or str(uuid.uuid4()),
        "from_subaccount": source,
        "to_subaccount": target,
        "amount_cents": cents,
    }
    return api.request("POST", SUBS + "/transfer", json=body, expect=expect).json()


def balances(api: ApiClient) -> dict[int, str]:
    rows = api.ok(SUBS + "/balances")["subaccount_balances"]
    return {row["subaccount_number"]: row["balance"] for row in rows}


def cash(api: ApiClient, subaccount: int) -> int:
    return api.ok("/portfolio/balance", {"subaccount": subaccount})["balance"]


def netting(api: ApiClient) -> dict[int, bool]:
    return {c["subaccount_number"]: c["enabled"] for c in api.ok(SUBS + "/netting")["netting_configs"]}


def test_subaccounts_are_numbered_1_to_32_and_the_33rd_is_refused(server, admin):
    _, api = member(server, admin)
    assert [create(api) for _ in range(32)] == list(range(1, 33))
    body = api.error(SUBS, method="POST", status=400)
    assert body["code"] == "invalid_parameters" and "32" in body["message"]
    assert sorted(balances(api)) == list(range(33))
    assert set(balances(api).values()) == {"0.0000"} | {"100.0000"}


def test_a_transfer_moves_cash_once_and_is_listed_newest_first(server, admin):
    _, api = member(server, admin)
    one, two = create(api), create(api)
    same = str(uuid.uuid4())
    assert transfer(api, 0, one, 2500, same) == {}
    assert transfer(api, 0, one, 2500, same) == {}  # the same client_transfer_id: moved once
    transfer(api, one, two, 1000)
    assert balances(api) == {0: "75.0000", one: "15.0000", two: "10.0000"}
    assert (cash(api, 0), cash(api, one), cash(api, two)) == (7500, 1500, 1000)
    listed = api.walk(SUBS + "/transfers", "transfers", {"limit": 1})
    assert [(t["from_subaccount"], t["to_subaccount"], t["amount_cents"]) for t in listed] == [
        (one, two, 1000),
        (0, one, 2500),
    ]
    assert len({t["transfer_id"] for t in listed}) == 2


@pytest.mark.parametrize(
    ("source", "target", "cents", "status", "code"),
    [
        (1, 0, 1001, 400, "insufficient_balance"),  # subaccount 1 holds $10.00
        (0, 9, 100, 400, "customer_account_not_found"),
        (1, 1, 100, 400, "invalid_parameters"),
        (0, 33, 100, 400, "invalid_parameters"),
        (0, 1, 0, 400, "invalid_parameters"),
    ],
)
def test_a_bad_transfer_is_refused_and_moves_nothing(server, admin, source, target, cents, status, code):
    _, api = member(server, admin)
    transfer(api, 0, create(api), 1000)
    before = balances(api)
    body = {"client_transfer_id": str(uuid.uuid4()), "from_subaccount": source, "to_subaccount": target}
    assert (
        api.error(SUBS + "/transfer", method="POST", json={**body, "amount_cents": cents}, status=status)["code"]
        == code
    )
    assert balances(api) == before
    assert len(api.ok(SUBS + "/transfers")["transfers"]) == 1


@pytest.mark.parametrize(("source", "target", "cents"), [(0, 1, 2501), (0, 2, 2500), (2, 1, 2500)])
def test_a_client_transfer_id_reused_for_another_transfer_is_refused_and_moves_nothing(
    server, admin, source, target, cents
):
    _, api = member(server, admin)
    one, two = create(api), create(api)
    transfer(api, 0, two, 5000)
    same = str(uuid.uuid4())
    transfer(api, 0, one, 2500, same)
    before = balances(api)
    body = {"client_transfer_id": same, "from_subaccount": source, "to_subaccount": target, "amount_cents": cents}
    refused = api.error(SUBS + "/transfer", method="POST", json=body)
    assert refused["code"] == "invalid_parameters"
    assert refused["message"] == (
        f"client_transfer_id {same} was used for another transfer (2500 cents from subaccount 0 to {one});"
        " a retry must repeat it exactly"
    )
    assert balances(api) == before and len(api.ok(SUBS + "/transfers")["transfers"]) == 2
    assert transfer(api, 0, one, 2500, same) == {}  # the same transfer again is still a harmless retry
    assert balances(api) == before


def test_two_transfers_racing_with_one_client_transfer_id_move_cash_once_and_one_is_refused(server, admin):
    name, api = member(server, admin)
    one, two = create(api), create(api)
    same = str(uuid.uuid4())
    bodies = [
        {"client_transfer_id": same, "from_subaccount": 0, "to_subaccount": target, "amount_cents": cents}
        for target, cents in ((one, 1000), (two, 3000))
    ]
    clients = [ApiClient(server.api, Signer(f"{name}-key", PRIVATE)) for _ in bodies]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(lambda c, b: c.request("POST", SUBS + "/transfer", json=b), clients, bodies))
    for client in clients:
        client.close()
    assert sorted(a.status_code for a in answers) == [200, 400]
    won = bodies[[a.status_code for a in answers].index(200)]
    moved = {one: "0.0000", two: "0.0000", won["to_subaccount"]: f"{won['amount_cents'] // 100}.0000"}
    assert balances(api) == {0: f"{100 - won['amount_cents'] // 100}.0000", **moved}


def test_a_client_transfer_id_must_be_a_uuid(server, admin):
    _, api = member(server, admin)
    body = {"client_transfer_id": "not-a-uuid", "from_subaccount": 0, "to_subaccount": 0, "amount_cents": 1}
    assert "client_transfer_id" in api.error(SUBS + "/transfer", method="POST", json=body)["message"]


def test_positions_orders_fills_and_cash_are_kept_per_subaccount(server, admin):
    _, api = member(server, admin)
    _, maker = member(server, admin)
    ticker = new_market(admin)
    one = create(api)
    transfer(api, 0, one, 2000)
    resting = place(maker, ticker, "ask", "10.00", "0.4000")["order_id"]
    taken = place(api, ticker, "bid", "10.00", "0.4000", subaccount=one)
    assert taken["fill_count"] == "10.00"
    assert cash(api, 0) == 8000 and cash(api, one) < 2000 - 400 + 1  # $4.00 and the taker fee
    held = api.ok("/portfolio/positions", {"subaccount": one})["market_positions"]
    assert [(p["ticker"], p["position_fp"]) for p in held] == [(ticker, "10.00")]
    assert api.ok("/portfolio/positions")["market_positions"] == []  # the primary by default
    assert api.ok("/portfolio/positions", {"subaccount": 0})["market_positions"] == []
    for path, key in (("/portfolio/fills", "fills"), ("/portfolio/orders", "orders")):
        assert len(api.ok(path, {"subaccount": one})[key]) == 1
        assert api.ok(path, {"subaccount": 0})[key] == []
        assert len(api.ok(path)[key]) == 1  # left out: every subaccount
    assert api.ok("/portfolio/orders", {"subaccount": one})["orders"][0]["subaccount_number"] == one
    assert maker.ok("/portfolio/orders")["orders"][0]["order_id"] == resting
    # The primary cannot sell what subaccount 1 holds: reduce_only finds no position there.
    refused = api.request(
        "POST",
        V2,
        json={"ticker": ticker, "side": "ask", "count": "1.00", "price": "0.4000", "reduce_only": True},
        expect=400,
    ).json()
    assert refused["code"] == "exceeded_sell_position_floor"


# GET /portfolio/balance answers a 404 there (tests/api/test_accounts.py): the spec declares no 4xx on it.
@pytest.mark.parametrize(
    "path", ["/portfolio/orders", "/portfolio/fills", "/portfolio/positions", "/portfolio/settlements"]
)
def test_a_subaccount_the_member_does_not_have_is_refused(server, admin, path):
    _, api = member(server, admin)
    create(api)
    assert api.ok(path, {"subaccount": 1}) is not None
    assert api.error(path, {"subaccount": 2}, status=400)["code"] == "customer_account_not_found"


def test_an_order_in_a_missing_subaccount_is_refused(server, admin):
    _, api = member(server, admin)
    ticker = new_market(admin)
    body = {"ticker": ticker, "side": "bid", "count": "1.00", "price": "0.3000", "subaccount": 4}
    assert api.error(V2, method="POST", json=body, status=400)["code"] == "customer_account_not_found"


def test_an_order_of_a_subaccount_is_reached_only_by_naming_that_subaccount(server, admin):
    """Cancel, amend and decrease default to the primary (SubaccountQueryDefaultPrimary and the
    bodies' `subaccount` default 0): elsewhere the order is unknown. GET by id takes no subaccount."""
    _, api = member(server, admin)
    ticker = new_market(admin)
    one = create(api)
    transfer(api, 0, one, 2000)
    order_id = place(api, ticker, "bid", "5.00", "0.2000", subaccount=one)["order_id"]
    amend_v2 = {"ticker": ticker, "side": "bid", "price": "0.2000", "count": "4.00"}
    amend_v1 = {"ticker": ticker, "action": "buy", "side": "yes", "count": 4, "yes_price": 20}
    for query in ({}, {"subaccount": 0}):
        for method, path, body in (
            ("DELETE", f"{V2}/{order_id}", None),
            ("POST", f"{V2}/{order_id}/amend", amend_v2),
            ("POST", f"{V2}/{order_id}/decrease", {"reduce_by": "1.00"}),
            ("DELETE", f"{V1}/{order_id}", None),
        ):
            assert api.error(path, query, status=404, method=method, json=body)["code"] == "not_found"
    for body in (amend_v1, {**amend_v1, "subaccount": 0}):
        assert api.error(f"{V1}/{order_id}/amend", status=404, method="POST", json=body)["code"] == "not_found"
    decrease = f"{V1}/{order_id}/decrease"
    assert api.error(decrease, status=404, method="POST", json={"reduce_by": 1})["code"] == "not_found"
    for path, body in (
        (f"{V2}/batched", {"orders": [{"order_id": order_id}]}),
        (f"{V1}/batched", {"orders": [{"order_id": order_id, "subaccount": 0}]}),
        (f"{V1}/batched", {"ids": [order_id]}),
    ):
        [item] = api.request("DELETE", path, json=body, expect=200).json()["orders"]
        assert item["error"]["code"] == "not_found"
    assert api.ok(f"{V1}/{order_id}")["order"]["remaining_count_fp"] == "5.00"  # untouched, and found
    assert api.ok(f"{V1}/queue_positions", {"market_tickers": ticker})["queue_positions"] == []
    [queued] = api.ok(f"{V1}/queue_positions", {"market_tickers": ticker, "subaccount": one})["queue_positions"]
    assert queued["order_id"] == order_id
    # Named, each route reaches it.
    named = {"subaccount": one}
    decreased = api.request("POST", f"{V2}/{order_id}/decrease", named, json={"reduce_by": "1.00"}, expect=200)
    assert decreased.json()["remaining_count"] == "4.00"
    amended = api.request("POST", f"{V1}/{order_id}/amend", json={**amend_v1, "count": 3, **named}, expect=200)
    assert amended.json()["order"]["remaining_count_fp"] == "3.00"
    new_id = amended.json()["order"]["order_id"]
    reply = api.request("POST", f"{V1}/{new_id}/decrease", json={"reduce_by": 1, **named}, expect=200).json()
    assert reply["order"]["remaining_count_fp"] == "2.00"
    amended = api.request("POST", f"{V2}/{new_id}/amend", named, json={**amend_v2, "count": "3.00"}, expect=200)
    new_id = amended.json()["order_id"]
    [item] = api.request(
        "DELETE", f"{V2}/batched", json={"orders": [{"order_id": new_id, **named}]}, expect=200
    ).json()["orders"]
    assert item["reduced_by"] == "3.00" and item.get("error") is None  # amended back up to 3
    other = place(api, ticker, "bid", "1.00", "0.1000", subaccount=one)["order_id"]
    assert api.request("DELETE", f"{V1}/{other}", named, expect=200).json()["order"]["status"] == "canceled"
    other = place(api, ticker, "bid", "1.00", "0.1000", subaccount=one)["order_id"]
    assert api.request("DELETE", f"{V2}/{other}", named, expect=200).json()["reduced_by"] == "1.00"
    primary = place(api, ticker, "bid", "1.00", "0.1000")["order_id"]
    assert api.error(f"{V2}/{primary}", named, status=404, method="DELETE")["code"] == "not_found"
    assert api.request("DELETE", f"{V2}/{primary}", expect=200).json()["reduced_by"] == "1.00"


def test_netting_off_locks_full_collateral_for_orders_that_close_a_position(server, admin):
    _, api = member(server, admin)
    _, maker = member(server, admin)
    ticker = new_market(admin)
    one = create(api)
    transfer(api, 0, one, 1000)
    assert netting(api) == {0: True, one: True}
    place(maker, ticker, "ask", "10.00", "0.4000")
    place(api, ticker, "bid", "10.00", "0.4000", subaccount=one)  # holds 10 YES
    held = cash(api, one)
    place(api, ticker, "ask", "10.00", "0.9000", subaccount=one)  # closes the YES: locks fees only
    netted = cash(api, one)
    assert held - netted <= 2  # the fee bound and a cent
    api.request("PUT", SUBS + "/netting", json={"subaccount_number": one, "enabled": False}, expect=200)
    assert netting(api) == {0: True, one: False}
    assert cash(api, one) == netted - 100  # 10 NO at $0.10 now locked in full
    api.request("PUT", SUBS + "/netting", json={"subaccount_number": one, "enabled": True}, expect=200)
    assert cash(api, one) == netted
    transfer(api, one, 0, netted - 50)  # leaves $0.50: too little to lock $1.00
    off = {"subaccount_number": one, "enabled": False}
    assert api.error(SUBS + "/netting", method="PUT", json=off)["code"] == "insufficient_balance"
    assert netting(api)[one] is True


def test_a_new_subaccount_inherits_the_primarys_netting(server, admin):
    _, api = member(server, admin)
    api.request("PUT", SUBS + "/netting", json={"subaccount_number": 0, "enabled": False}, expect=200)
    one = create(api)
    assert netting(api) == {0: False, one: False}
    missing = {"subaccount_number": 7, "enabled": True}
    assert api.error(SUBS + "/netting", method="PUT", json=missing, status=400)["code"] == "customer_account_not_found"


def test_admin_removes_subaccounts_and_resets_a_member(server, admin):
    name, api = member(server, admin)
    _, maker = member(server, admin)
    ticker = new_market(admin)
    one = create(api)
    transfer(api, 0, one, 1000)
    place(api, ticker, "bid", "5.00", "0.2000", subaccount=one)
    group = api.request("POST", GROUPS, json={"contracts_limit": 10, "subaccount": one}, expect=201).json()
    rfq = {"market_ticker": ticker, "rest_remainder": False, "contracts_fp": "10.00", "subaccount": one}
    rfq_id = api.request("POST", RFQS, json=rfq, expect=201).json()["id"]
    quote = {"rfq_id": rfq_id, "yes_bid": "0.4000", "no_bid": "0.5000", "rest_remainder": False}
    maker.request("POST", QUOTES, json=quote, expect=201)
    assert admin.request("DELETE", f"/users/{name}/subaccounts") == {"removed": [one]}
    assert balances(api) == {0: "90.0000"}
    # Everything the subaccount held went with it: its order group, its RFQ and the quotes on it.
    api.error(f"/portfolio/order_groups/{group['order_group_id']}", status=404)
    api.error(f"{RFQS}/{rfq_id}", status=404)
    assert maker.ok(QUOTES, {"market_ticker": ticker})["quotes"] == []
    assert api.ok("/portfolio/orders")["orders"] == []
    # Its cash left recorded: a transfer to the primary and a withdrawal (what its order locked too).
    assert _history(api)[0] == [(one, 0, 1000)]
    assert [w["amount_cents"] for w in api.ok("/portfolio/withdrawals")["withdrawals"]] == [1000]
    assert create(api) == 1  # numbering starts again
    place(maker, ticker, "ask", "3.00", "0.3000")
    place(api, ticker, "bid", "3.00", "0.3000")
    place(api, ticker, "bid", "2.00", "0.1000")
    assert admin.request("POST", f"/users/{name}/reset", {"balance": "50.00"}) == {"removed": [1]}
    assert balances(api) == {0: "50.0000"}
    for path, key in (
        ("/portfolio/orders", "orders"),
        ("/portfolio/fills", "fills"),
        ("/portfolio/positions", "market_positions"),
    ):
        assert api.ok(path)[key] == []
    place(api, ticker, "bid", "1.00", "0.1000")  # trades on after the reset, from the venue rebuilt
    assert cash(api, 0) < 5000
    admin.request("POST", "/users/nobody-here/reset", {}, expect=404)


def _history(api: ApiClient) -> tuple[list[tuple[int, int, int]], int, int]:
    listed = api.walk(SUBS + "/transfers", "transfers")
    moves = [(t["from_subaccount"], t["to_subaccount"], t["amount_cents"]) for t in listed]
    deposits = sum(d["amount_cents"] for d in api.walk("/portfolio/deposits", "deposits"))
    withdrawals = sum(w["amount_cents"] for w in api.walk("/portfolio/withdrawals", "withdrawals"))
    return moves, deposits, withdrawals


@pytest.mark.parametrize("how", ["admin delete", "admin reset", "scenario"])
def test_the_cash_of_removed_subaccounts_leaves_as_recorded_withdrawals(server, admin, how):
    name, api = member(server, admin)
    one, two, three = create(api), create(api), create(api)
    transfer(api, 0, one, 2500)
    transfer(api, 0, two, 1000)  # three stays empty: nothing to record for it
    if how == "admin delete":
        assert admin.request("DELETE", f"/users/{name}/subaccounts") == {"removed": [one, two, three]}
    elif how == "admin reset":
        assert admin.request("POST", f"/users/{name}/reset", {}) == {"removed": [one, two, three]}
    else:
        server.load({"users": [{"name": name, "remove_subaccounts": True}]})
    moves, deposits, withdrawals = _history(api)
    assert moves == [(two, 0, 1000), (one, 0, 2500)]  # newest first; the earlier transfers went with them
    assert balances(api) == {0: "65.0000"}
    assert (deposits, withdrawals) == (10000, 3500)
    assert deposits - withdrawals == cash(api, 0)


def test_the_python_sdk_reads_the_primary_next_to_subaccounts(server, admin):
    name, api = member(server, admin)
    transfer(api, 0, create(api), 2500)
    config = kalshi_python_sync.Configuration(host=server.api)
    config.api_key_id = f"{name}-key"
    config.private_key_pem = PRIVATE
    client = kalshi_python_sync.KalshiClient(config)
    assert client.get_balance().balance == 7500
    assert client.get_positions().market_positions == []
