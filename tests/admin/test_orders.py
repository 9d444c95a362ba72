"""Orders on behalf of members through the admin API: placed and cancelled through the engine,
seen by the members over the signed Trade API, refused with the exchange's own codes."""

from __future__ import annotations

import itertools

import pytest

from ..api.write_path import V1, new_market
from ..client import AdminClient, ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer, new_private_key
from .conftest import AdminApi

PRIVATE, PUBLIC = new_private_key()
_names = itertools.count(1)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param), load_demo=False)
    yield running
    running.stop()


@pytest.fixture
def admin_api(server):
    client = AdminApi(server.url)
    yield client
    client.close()


@pytest.fixture
def market(server):
    client = AdminClient(server.url, ADMIN_TOKEN)
    yield new_market(client)
    client.close()


class Member:
    def __init__(self, name: str, api: ApiClient) -> None:
        self.name, self.api = name, api


@pytest.fixture
def member(server, admin_api):
    clients = []

    def make(balance: str = "100.00") -> Member:
        name = f"member-{next(_names)}"
        key = f"{name}-key"
        admin_api.put(f"/users/{name}", {"balance": balance, "api_keys": [{"id": key, "public_key": PUBLIC}]})
        clients.append(ApiClient(server.api, Signer(key, PRIVATE)))
        return Member(name, clients[-1])

    yield make
    for client in clients:
        client.close()


def place(admin_api: AdminApi, name: str, ticker: str, side: str, price: str, count: str = "10", **options) -> dict:
    body = {"ticker": ticker, "side": side, "price": price, "count": count, **options}
    return admin_api.post(f"/users/{name}/orders", body, expect=201)["order"]


def refused(admin_api: AdminApi, name: str, body: dict, status: int) -> dict:
    return admin_api.call("POST", f"/users/{name}/orders", status, json=body).json()


def test_an_order_placed_for_a_member_rests_in_their_name(admin_api, member, market):
    alice = member()
    order = place(admin_api, alice.name, market, "bid", "0.4000", client_order_id="admin-1")
    assert (order["status"], order["book_side"], order["yes_price_dollars"]) == ("resting", "bid", "0.4000")
    assert order["remaining_count_fp"] == "10.00"
    seen = alice.api.ok(f"{V1}/{order['order_id']}")["order"]
    assert seen == order
    assert seen["client_order_id"] == "admin-1"
    book = alice.api.ok(f"/markets/{market}/orderbook")["orderbook_fp"]
    assert book["yes_dollars"] == [["0.4000", "10.00"]]
    # $4.00 of collateral is locked, plus the largest maker fee (none: quadratic) and a cent.
    assert alice.api.ok("/portfolio/balance")["balance"] == 10_000 - 400 - 1
    assert alice.api.ok("/portfolio/orders", {"status": "resting"})["orders"] == [seen]


def test_an_order_placed_for_one_member_fills_against_anothers(admin_api, member, market):
    alice, bob = member(), member()
    resting = place(admin_api, bob.name, market, "ask", "0.4000", "5")
    taken = place(admin_api, alice.name, market, "bid", "0.4500", "5")
    assert (taken["status"], taken["fill_count_fp"], taken["remaining_count_fp"]) == ("executed", "5.00", "0.00")
    assert bob.api.ok(f"{V1}/{resting['order_id']}")["order"]["status"] == "executed"
    [mine] = alice.api.ok("/portfolio/positions", {"ticker": market})["market_positions"]
    [theirs] = bob.api.ok("/portfolio/positions", {"ticker": market})["market_positions"]
    assert (mine["position_fp"], theirs["position_fp"]) == ("5.00", "-5.00")
    [fill] = alice.api.ok("/portfolio/fills", {"ticker": market})["fills"]
    assert (fill["yes_price_dollars"], fill["count_fp"], fill["is_taker"]) == ("0.4000", "5.00", True)


def test_cancel_one_order_of_any_member(admin_api, member, market):
    alice = member()
    order = place(admin_api, alice.name, market, "ask", "0.6000", "7")
    done = admin_api.delete(f"/orders/{order['order_id']}", expect=200)
    assert done["reduced_by_fp"] == "7.00"
    assert (done["order"]["status"], done["order"]["remaining_count_fp"]) == ("canceled", "0.00")
    assert alice.api.ok(f"{V1}/{order['order_id']}")["order"]["status"] == "canceled"
    assert alice.api.ok(f"/markets/{market}/orderbook")["orderbook_fp"]["no_dollars"] == []
    again = admin_api.call("DELETE", f"/orders/{order['order_id']}", 404).json()
    assert again["code"] == "not_found" and "is not resting" in again["message"] and "yours" not in again["message"]
    assert admin_api.call("DELETE", "/orders/no-such-order", 404).json()["code"] == "not_found"


def test_cancel_all_of_a_member_leaves_the_others(admin_api, member, market, server):
    alice, bob = member(), member()
    other = new_market(AdminClient(server.url, ADMIN_TOKEN))
    mine = {place(admin_api, alice.name, ticker, "bid", price)["order_id"]
            for ticker, price in ((market, "0.3000"), (market, "0.3100"), (other, "0.2000"))}
    theirs = place(admin_api, bob.name, market, "bid", "0.3000")
    only_other = admin_api.delete(f"/users/{alice.name}/orders?ticker={other}", expect=200)["orders"]
    assert [o["ticker"] for o in only_other] == [other]
    rest = admin_api.delete(f"/users/{alice.name}/orders", expect=200)["orders"]
    assert {o["order_id"] for o in only_other + rest} == mine
    assert all(o["status"] == "canceled" and o["user_id"] == only_other[0]["user_id"] for o in only_other + rest)
    assert alice.api.ok("/portfolio/orders", {"status": "resting"})["orders"] == []
    assert bob.api.ok(f"{V1}/{theirs['order_id']}")["order"]["status"] == "resting"
    assert admin_api.delete(f"/users/{alice.name}/orders", expect=200) == {"orders": []}


def test_cancel_all_in_a_market_cancels_every_members_orders_there(admin_api, member, market, server):
    alice, bob = member(), member()
    other = new_market(AdminClient(server.url, ADMIN_TOKEN))
    placed = [place(admin_api, alice.name, market, "bid", "0.3000")]
    placed.append(place(admin_api, bob.name, market, "ask", "0.7000"))
    elsewhere = place(admin_api, bob.name, other, "ask", "0.7000")
    done = admin_api.delete(f"/markets/{market}/orders", expect=200)["orders"]
    assert sorted(o["order_id"] for o in done) == sorted(o["order_id"] for o in placed)
    assert {o["user_id"] for o in done} == {o["user_id"] for o in placed}
    book = alice.api.ok(f"/markets/{market}/orderbook")["orderbook_fp"]
    assert book == {"yes_dollars": [], "no_dollars": []}
    assert bob.api.ok(f"{V1}/{elsewhere['order_id']}")["order"]["status"] == "resting"
    assert admin_api.call("DELETE", "/markets/KXNOSUCH-1-A/orders", 404).json()["code"] == "not_found"


def test_an_unknown_member_is_a_404(admin_api, market):
    body = {"ticker": market, "side": "bid", "price": "0.5000", "count": "1"}
    assert "nobody" in refused(admin_api, "nobody", body, 404)["message"]
    assert admin_api.call("DELETE", "/users/nobody/orders", 404).json()["code"] == "not_found"


@pytest.mark.parametrize(
    ("change", "status", "code", "words"),
    [
        ({"count": "1000"}, 400, "insufficient_balance", "insufficient balance"),
        ({"price": "0.4050"}, 400, "invalid_order", "grid"),
        ({"ticker": "KXNOSUCH-1-A"}, 404, "market_not_found", "KXNOSUCH-1-A"),
        ({"price": "1.5"}, 400, "invalid_parameters", "price"),
        ({"colour": "red"}, 400, "invalid_parameters", "colour"),
    ],
    ids=["short of cash", "off the grid", "unknown market", "price above $1", "unknown field"],
)
def test_a_refusal_has_the_exchanges_code_and_changes_nothing(admin_api, member, market, change, status, code, words):
    alice = member("10.00")
    body = {"ticker": market, "side": "bid", "price": "0.4000", "count": "10", **change}
    error = refused(admin_api, alice.name, body, status)
    assert error["code"] == code
    assert words in error["message"]
    assert alice.api.ok("/portfolio/orders")["orders"] == []
    assert alice.api.ok("/portfolio/balance")["balance"] == 1_000
