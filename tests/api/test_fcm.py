"""FCM views through a real server (api-reference/fcm/*.md): an FCM member, marked through the
admin API or a scenario's users section, reads one sub-trader's orders and positions with the
filters and cursors of the portfolio lists, over signed raw HTTP checked against openapi.yaml and
through kalshi-python-sync's FcmApi; others get 403, a sub-trader not theirs 404. SQLite and
PostgreSQL."""

from __future__ import annotations

import itertools
import uuid

import kalshi_python_sync
import pytest

from ..client import AdminClient, ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer
from .trading_rows import PRIVATE, PUBLIC
from .write_path import new_market, place

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


def member(admin, server, **fields) -> tuple[str, str, ApiClient]:
    """A new user with $1000 and a key: its name, user id and signed client."""
    name = f"fcm-{next(_names)}"
    keys = [{"id": f"{name}-key", "public_key": PUBLIC}]
    body = {"tier": "prime", "balance": "1000.00", "api_keys": keys, **fields}
    user = admin.request("PUT", f"/users/{name}", body)["user"]
    return name, user["user_id"], ApiClient(server.api, Signer(f"{name}-key", PRIVATE))


@pytest.fixture(scope="module")
def desk(server, admin):
    """An FCM member with two sub-traders who traded with each other in two markets, and an outsider."""
    sub1, sub1_id, trader1 = member(admin, server)
    sub2, sub2_id, trader2 = member(admin, server)
    _, _, fcm = member(admin, server, fcm_subtraders=[sub1, sub2])
    _, outsider_id, outsider = member(admin, server)
    first, second = new_market(admin), new_market(admin)
    for ticker in (first, second):
        place(trader1, ticker, "bid", "5", "0.4000")
        place(trader2, ticker, "ask", "3", "0.4000", time_in_force="immediate_or_cancel")
    resting = place(trader1, first, "bid", "2", "0.1000")["order_id"]
    yield {
        "fcm": fcm, "sub1": sub1_id, "sub2": sub2_id, "outsider": outsider, "outsider_id": outsider_id,
        "first": first, "second": second, "resting": resting,
    }  # fmt: skip
    for client in (trader1, trader2, fcm, outsider):
        client.close()


def test_an_fcm_member_reads_a_subtraders_orders_with_filters_and_cursors(desk):
    fcm = desk["fcm"]
    everything = fcm.ok("/fcm/orders", {"subtrader_id": desk["sub1"]})["orders"]
    assert len(everything) == 3 and {o["user_id"] for o in everything} == {desk["sub1"]}
    walked = fcm.walk("/fcm/orders", "orders", {"subtrader_id": desk["sub1"], "limit": 1})
    assert [o["order_id"] for o in walked] == [o["order_id"] for o in everything]
    resting = fcm.ok("/fcm/orders", {"subtrader_id": desk["sub1"], "status": "resting"})["orders"]
    assert [o["order_id"] for o in resting] == [desk["resting"], *[o["order_id"] for o in resting][1:]]
    assert {o["status"] for o in resting} == {"resting"}
    in_second = fcm.ok("/fcm/orders", {"subtrader_id": desk["sub1"], "ticker": desk["second"]})["orders"]
    assert [o["ticker"] for o in in_second] == [desk["second"]]
    event = desk["first"].rsplit("-", 1)[0]
    assert {
        o["ticker"] for o in fcm.ok("/fcm/orders", {"subtrader_id": desk["sub1"], "event_ticker": event})["orders"]
    } == {desk["first"]}
    taker = fcm.ok("/fcm/orders", {"subtrader_id": desk["sub2"]})["orders"]
    assert [o["status"] for o in taker] == ["executed", "executed"]


def test_an_fcm_member_reads_a_subtraders_positions(desk):
    fcm = desk["fcm"]
    found = fcm.ok("/fcm/positions", {"subtrader_id": desk["sub2"]})
    assert {(p["ticker"], p["position_fp"]) for p in found["market_positions"]} == {
        (desk["first"], "-3.00"),
        (desk["second"], "-3.00"),
    }
    assert len(found["event_positions"]) == 2
    one = fcm.ok("/fcm/positions", {"subtrader_id": desk["sub2"], "ticker": desk["first"]})["market_positions"]
    assert [p["ticker"] for p in one] == [desk["first"]]
    walked = fcm.walk("/fcm/positions", "market_positions", {"subtrader_id": desk["sub2"], "limit": 1})
    assert len(walked) == 2
    assert (
        fcm.ok("/fcm/positions", {"subtrader_id": desk["sub2"], "settlement_status": "settled"})["market_positions"]
        == []
    )
    assert (
        len(fcm.ok("/fcm/positions", {"subtrader_id": desk["sub2"], "settlement_status": "all"})["market_positions"])
        == 2
    )
    counted = fcm.ok("/fcm/positions", {"subtrader_id": desk["sub1"], "count_filter": "position,total_traded"})
    assert len(counted["market_positions"]) == 2


def test_fcm_positions_are_the_subtraders_primary_like_portfolio_positions(server, admin):
    """The spec gives /fcm/positions no subaccount filter; /portfolio/positions defaults to 0."""
    sub, sub_id, trader = member(admin, server)
    _, _, other = member(admin, server)
    _, _, fcm = member(admin, server, fcm_subtraders=[sub])
    ticker = new_market(admin)
    one = trader.request("POST", "/portfolio/subaccounts", expect=201).json()["subaccount_number"]
    transfer = {"client_transfer_id": str(uuid.uuid4()), "from_subaccount": 0, "to_subaccount": one}
    trader.request("POST", "/portfolio/subaccounts/transfer", json={**transfer, "amount_cents": 10_000})
    place(other, ticker, "ask", "10", "0.4000")
    place(trader, ticker, "bid", "2", "0.4000")
    place(trader, ticker, "bid", "5", "0.4000", subaccount=one)
    found = fcm.ok("/fcm/positions", {"subtrader_id": sub_id})
    assert [(p["ticker"], p["position_fp"]) for p in found["market_positions"]] == [(ticker, "2.00")]
    assert [(e["event_ticker"], e["total_cost_shares_fp"]) for e in found["event_positions"]] == [
        (ticker.rsplit("-", 1)[0], "2.00")
    ]
    own = trader.ok("/portfolio/positions")
    assert own["market_positions"] == found["market_positions"]
    assert own["event_positions"] == found["event_positions"]
    for client in (trader, other, fcm):
        client.close()


def test_others_get_403_and_a_subtrader_not_yours_is_a_404(desk):
    body = desk["outsider"].error("/fcm/orders", {"subtrader_id": desk["sub1"]}, status=403)
    assert body["code"] == "forbidden" and "FCM member" in body["message"]
    desk["outsider"].error("/fcm/positions", {"subtrader_id": desk["sub1"]}, status=403)
    fcm = desk["fcm"]
    assert fcm.error("/fcm/orders", {"subtrader_id": desk["outsider_id"]}, status=404)["code"] == "not_found"
    fcm.error("/fcm/positions", {"subtrader_id": "no-such-user"}, status=404)
    assert "subtrader_id" in fcm.error("/fcm/orders")["message"]
    assert fcm.error("/fcm/positions", {"subtrader_id": desk["sub1"], "settlement_status": "x"})["code"]


def test_the_python_sdk_reads_fcm_orders_and_positions(server, desk):
    name = desk["fcm"].signer.key_id
    config = kalshi_python_sync.Configuration(host=server.api)
    config.api_key_id = name
    config.private_key_pem = PRIVATE
    fcm = kalshi_python_sync.FcmApi(kalshi_python_sync.KalshiClient(config))
    orders = fcm.get_fcm_orders(subtrader_id=desk["sub1"], status="resting")
    assert [o.order_id for o in orders.orders][:1] == [desk["resting"]]
    positions = fcm.get_fcm_positions(subtrader_id=desk["sub2"])
    assert len(positions.market_positions) == 2


def test_admin_and_scenario_mark_and_unmark_fcm_members(server, admin):
    sub, sub_id, trader = member(admin, server)
    scenario = {"users": [{"name": "fcm-desk", "fcm_subtraders": [sub], "api_keys": [
        {"id": "fcm-desk-key", "public_key": PUBLIC}
    ]}]}  # fmt: skip
    admin.request("POST", "/scenario", scenario)
    desk = ApiClient(server.api, Signer("fcm-desk-key", PRIVATE))
    assert desk.ok("/fcm/orders", {"subtrader_id": sub_id})["orders"] == []
    admin.request("PUT", "/users/fcm-desk", {"fcm_member": False})
    desk.error("/fcm/orders", {"subtrader_id": sub_id}, status=403)
    admin.request("PUT", "/users/fcm-desk", {"fcm_member": True})
    desk.error("/fcm/orders", {"subtrader_id": sub_id}, status=404)  # a member again, with no sub-traders
    refused = admin.request("PUT", "/users/fcm-desk", {"fcm_subtraders": ["nobody-at-all"]}, expect=400)
    assert "nobody-at-all" in refused["message"]
    desk.close()
    trader.close()
