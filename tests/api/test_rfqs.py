"""RFQs and quotes through a real server (getting_started/rfqs.md), one test per path: a maker's new
quote replaces the previous one, quotes stay private between two makers (REST and the communications
channel), accept then confirm then execute on the manual clock (fills carrying the quote's order ids),
confirm too late, the HVM windows of a combo (KXMVE) market, and target-cost sizing; by raw HTTP
checked against the spec and through kalshi-python-sync's CommunicationsApi."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import zlib
from urllib.parse import urlsplit

import httpx
import kalshi_python_sync
import pytest

from ..client import AdminClient, ApiClient, assert_error_body
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer
from ..ws.client import WsClient
from .trading_rows import PRIVATE, PUBLIC
from .write_path import CLOSE, OPEN, new_market

RFQS, QUOTES = "/communications/rfqs", "/communications/quotes"
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


def member(server, admin, balance: str = "1000.00") -> tuple[str, ApiClient]:
    name, _, api = user(server, admin, balance=balance)
    return name, api


def user(server, admin, **fields) -> tuple[str, str, ApiClient]:
    """A new user with a key (and $1000 unless `fields` say otherwise): name, user id, client."""
    name = f"rfq-{next(_names)}"
    keys = [{"id": f"{name}-key", "public_key": PUBLIC}]
    made = admin.request("PUT", f"/users/{name}", {"balance": "1000.00", "api_keys": keys, **fields})["user"]
    return name, made["user_id"], ApiClient(server.api, Signer(f"{name}-key", PRIVATE))


def sdk(server, name: str) -> kalshi_python_sync.CommunicationsApi:
    config = kalshi_python_sync.Configuration(host=server.api)
    config.api_key_id = f"{name}-key"
    config.private_key_pem = PRIVATE
    return kalshi_python_sync.CommunicationsApi(kalshi_python_sync.KalshiClient(config))


def combo_market(admin: AdminClient) -> str:
    n = next(_names)
    series, event, ticker = f"KXMVERFQ{n}", f"KXMVERFQ{n}-1", f"KXMVERFQ{n}-1-A"
    admin.request("PUT", f"/series/{series}", {"title": f"Combo {n}", "category": "Sports", "fee_type": "quadratic"})
    market = {"ticker": ticker, "open_time": OPEN, "close_time": CLOSE}
    admin.request("PUT", f"/events/{event}", {"series_ticker": series, "title": f"Combo {n}", "markets": [market]})
    return ticker


def create_rfq(api: ApiClient, ticker: str, **size) -> str:
    body = {"market_ticker": ticker, "rest_remainder": False, **(size or {"contracts_fp": "10.00"})}
    return api.request("POST", RFQS, json=body, expect=201).json()["id"]


def create_quote(api: ApiClient, rfq_id: str, yes_bid: str, no_bid: str) -> str:
    body = {"rfq_id": rfq_id, "yes_bid": yes_bid, "no_bid": no_bid, "rest_remainder": False}
    return api.request("POST", QUOTES, json=body, expect=201).json()["id"]


def get_quote(api: ApiClient, quote_id: str) -> dict:
    return api.ok(f"{QUOTES}/{quote_id}")["quote"]


def advance(admin: AdminClient, seconds: int) -> None:
    admin.request("POST", "/clock", {"advance_seconds": seconds})


def off_spec(server, api: ApiClient, method: str, path: str, json=None) -> dict:
    """A refusal the docs give (rfqs.md: RFQ_CLOSED, invalid_parameters) on an operation whose spec
    declares no 400: sent around the spec check, the error shape checked."""
    url = httpx.URL(f"{server.api}{path}")
    assert api.signer is not None
    response = httpx.request(method, url, json=json, headers=api.signer.headers(method, url.path), timeout=30)
    assert response.status_code == 400, response.text
    body = response.json()
    assert_error_body(body)
    return body


def communications(server, api: ApiClient) -> WsClient:
    assert api.signer is not None
    ws = WsClient(server, api.signer)
    ws.subscribe("communications")
    return ws


def test_a_new_quote_replaces_the_makers_previous_one_and_quotes_stay_private(server, admin):
    ticker = new_market(admin)
    _, requester = member(server, admin)
    _, maker_a = member(server, admin)
    _, maker_b = member(server, admin)
    feeds = {who: communications(server, api) for who, api in (("req", requester), ("a", maker_a), ("b", maker_b))}
    rfq_id = create_rfq(requester, ticker)
    for ws in feeds.values():  # the RFQ is broadcast to every subscriber
        assert ws.expect("rfq_created")["msg"]["id"] == rfq_id
    first = create_quote(maker_a, rfq_id, "0.4000", "0.5500")
    second = create_quote(maker_a, rfq_id, "0.4200", "0.5500")
    other = create_quote(maker_b, rfq_id, "0.4100", "0.5600")
    assert get_quote(maker_a, first)["status"] == "cancelled"
    assert get_quote(maker_a, second)["status"] == "open"
    live = requester.ok(QUOTES, {"rfq_id": rfq_id, "status": "open"})["quotes"]
    assert {q["id"] for q in live} == {second, other}
    assert {q["id"] for q in maker_a.ok(QUOTES, {"rfq_id": rfq_id})["quotes"]} == {first, second}
    assert {q["id"] for q in maker_b.ok(QUOTES, {"rfq_id": rfq_id})["quotes"]} == {other}
    assert maker_b.error(f"{QUOTES}/{second}", status=404)["code"] == "not_found"
    mine = requester.ok(QUOTES, {"rfq_user_filter": "self", "user_filter": "self"})["quotes"]
    assert mine == []  # the requester made none of them
    a_sees = [feeds["a"].expect("quote_created")["msg"]["quote_id"] for _ in range(2)]
    req_sees = [feeds["req"].expect("quote_created")["msg"]["quote_id"] for _ in range(3)]
    assert a_sees == [first, second] and req_sees == [first, second, other]
    assert feeds["b"].expect("quote_created")["msg"]["quote_id"] == other  # nothing of maker A's before it
    for ws in feeds.values():
        ws.ws.close()


def test_accept_confirm_and_execute_with_the_python_sdk(server, admin):
    ticker = new_market(admin, fee_type="quadratic")
    requester_name, requester = member(server, admin)
    maker_name, maker = member(server, admin)
    req_sdk, maker_sdk = sdk(server, requester_name), sdk(server, maker_name)
    rfq_id = req_sdk.create_rfq(market_ticker=ticker, contracts=10, rest_remainder=False).id
    assert req_sdk.get_rfq(rfq_id).rfq.contracts == 10
    quote_id = maker_sdk.create_quote(rfq_id=rfq_id, yes_bid="0.4000", no_bid="0.5500", rest_remainder=False).id
    assert [q.id for q in req_sdk.get_quotes(rfq_id=rfq_id).quotes] == [quote_id]
    feed = communications(server, requester)
    req_sdk.accept_quote(quote_id, accepted_side="true")  # 3.2.0's enum reads YAML's yes as true
    assert feed.expect("quote_accepted")["msg"]["contracts_accepted_fp"] == "10.00"
    maker_sdk.confirm_quote(quote_id)
    advance(admin, 14)
    assert get_quote(maker, quote_id)["status"] == "confirmed"  # the 15 s execution timer still runs
    advance(admin, 1)
    executed = feed.expect("quote_executed")["msg"]
    mine = get_quote(requester, quote_id)
    assert mine["status"] == "executed" and mine["rfq_creator_order_id"] == executed["order_id"]
    theirs = get_quote(maker, quote_id)
    assert "rfq_creator_order_id" not in theirs and theirs["creator_order_id"] != executed["order_id"]
    fill = requester.ok("/portfolio/fills", {"ticker": ticker})["fills"]
    assert [(f["order_id"], f["yes_price_dollars"], f["count_fp"]) for f in fill] == [
        (executed["order_id"], "0.4500", "10.00")  # YES at $1 - no_bid
    ]
    assert maker.ok("/portfolio/fills", {"ticker": ticker})["fills"][0]["order_id"] == theirs["creator_order_id"]
    assert req_sdk.get_rfq(rfq_id).rfq.status == "closed"
    feed.ws.close()


def test_confirming_after_the_confirmation_window_fails(server, admin):
    ticker = new_market(admin)
    _, requester = member(server, admin)
    _, maker = member(server, admin)
    quote_id = create_quote(maker, create_rfq(requester, ticker), "0.3000", "0.6000")
    requester.request("PUT", f"{QUOTES}/{quote_id}/accept", json={"accepted_side": "no"}, expect=204)
    advance(admin, 30)
    refused = off_spec(server, maker, "PUT", f"{QUOTES}/{quote_id}/confirm")
    assert refused["code"] == "rfq_closed" and "too late" in refused["message"]
    quote = get_quote(maker, quote_id)
    assert (quote["status"], quote["cancellation_reason"]) == ("cancelled", "confirmation_timeout")


def test_a_combo_market_confirms_in_3_seconds_and_executes_after_1(server, admin):
    ticker = combo_market(admin)
    _, requester = member(server, admin)
    _, maker = member(server, admin)
    quote_id = create_quote(maker, create_rfq(requester, ticker), "0.3000", "0.6000")
    requester.request("PUT", f"{QUOTES}/{quote_id}/accept", json={"accepted_side": "yes"}, expect=204)
    advance(admin, 2)
    maker.request("PUT", f"{QUOTES}/{quote_id}/confirm", expect=204)
    advance(admin, 1)
    assert get_quote(requester, quote_id)["status"] == "executed"
    late_id = create_quote(maker, create_rfq(requester, ticker), "0.3000", "0.6000")
    requester.request("PUT", f"{QUOTES}/{late_id}/accept", json={"accepted_side": "yes"}, expect=204)
    advance(admin, 3)
    assert get_quote(maker, late_id)["status"] == "cancelled"  # 3 s is the whole HVM window


def test_target_cost_sizes_the_quote_and_the_execution(server, admin):
    ticker = new_market(admin)
    _, requester = member(server, admin)
    _, maker = member(server, admin)
    rfq_id = create_rfq(requester, ticker, target_cost_dollars="10.00")
    assert requester.ok(f"{RFQS}/{rfq_id}")["rfq"]["target_cost_dollars"] == "10.0000"
    quote_id = create_quote(maker, rfq_id, "0.3000", "0.6000")
    quote = get_quote(requester, quote_id)
    assert (quote["yes_contracts_fp"], quote["no_contracts_fp"]) == ("25.00", "14.00")
    requester.request("PUT", f"{QUOTES}/{quote_id}/accept", json={"accepted_side": "no"}, expect=204)
    maker.request("PUT", f"{QUOTES}/{quote_id}/confirm", expect=204)
    advance(admin, 15)
    fills = requester.ok("/portfolio/fills", {"ticker": ticker})["fills"]
    assert [(f["side"], f["count_fp"], f["no_price_dollars"]) for f in fills] == [("no", "14.00", "0.7000")]


def test_bad_quotes_and_rfqs_are_refused_with_kalshis_codes(server, admin):
    ticker = new_market(admin)
    _, requester = member(server, admin)
    _, maker = member(server, admin)
    rfq_id = create_rfq(requester, ticker)
    for yes_bid, no_bid in (("0.6000", "0.4100"), ("0.4050", "0.5000")):  # above $1, off the cent grid
        body = {"rfq_id": rfq_id, "yes_bid": yes_bid, "no_bid": no_bid, "rest_remainder": False}
        assert maker.error(QUOTES, method="POST", json=body)["code"] == "invalid_parameters"
    body = {"market_ticker": ticker, "rest_remainder": False, "contracts_fp": "5.00"}
    assert requester.error(RFQS, method="POST", json=body, status=409)["code"] == "conflict"
    requester.request("DELETE", f"{RFQS}/{rfq_id}", expect=204)
    body = {"rfq_id": rfq_id, "yes_bid": "0.4000", "no_bid": "0.5000", "rest_remainder": False}
    assert maker.error(QUOTES, method="POST", json=body)["code"] == "rfq_closed"
    assert requester.error(f"{RFQS}/nope", status=404)["code"] == "not_found"
    ident = requester.ok("/communications/id")["communications_id"]
    assert ident == requester.ok(f"{RFQS}/{rfq_id}")["rfq"]["creator_id"]
    assert ident != maker.ok("/communications/id")["communications_id"]


def test_a_target_cost_past_the_limit_or_below_one_contract_is_refused_naming_the_bound(server, admin):
    ticker = new_market(admin)  # linear_cent: the cheapest contract costs $0.01
    _, requester = member(server, admin)
    base = {"market_ticker": ticker, "rest_remainder": False}
    for centi_cents in (10**16 + 1, 10**17, 2**61, 2**62, 2**62 + 1):
        refused = requester.error(RFQS, method="POST", json={**base, "target_cost_centi_cents": centi_cents})
        assert refused["code"] == "invalid_parameters"
        assert "target_cost_centi_cents: must be from 1 to 10000000000000000" in refused["message"], refused
    for text in ("1000000000000.0001", "99999999999999999.99", "0.00001", "1.00005", "0", "-1.00"):
        refused = requester.error(RFQS, method="POST", json={**base, "target_cost_dollars": text})
        assert "from 0.0001 to 1000000000000.0000 with at most 4 decimals" in refused["message"], (text, refused)
    refused = requester.error(RFQS, method="POST", json={**base, "target_cost_dollars": "0.0099"})
    assert "the cheapest on this market's linear_cent grid costs 0.0100" in refused["message"], refused
    assert requester.ok(RFQS, {"market_ticker": ticker})["rfqs"] == []  # nothing was created
    rfq_id = create_rfq(requester, ticker, target_cost_centi_cents=10**16)
    shown = requester.ok(f"{RFQS}/{rfq_id}")["rfq"]
    assert (shown["target_cost_centi_cents"], shown["target_cost_dollars"]) == (10**16, "1000000000000.0000")
    requester.request("DELETE", f"{RFQS}/{rfq_id}", expect=204)
    rfq_id = create_rfq(requester, ticker, target_cost_dollars="0.0100")
    assert requester.ok(f"{RFQS}/{rfq_id}")["rfq"]["target_cost_centi_cents"] == 100


def test_the_rfq_list_refuses_a_subaccount_the_caller_does_not_have(server, admin):
    from .test_subaccounts import create as create_subaccount

    _, requester = member(server, admin)
    subaccount = create_subaccount(requester)
    ticker = new_market(admin)
    body = {"market_ticker": ticker, "rest_remainder": False, "contracts_fp": "10.00", "subaccount": subaccount}
    rfq_id = requester.request("POST", RFQS, json=body, expect=201).json()["id"]
    listed = requester.ok(RFQS, {"subaccount": subaccount, "market_ticker": ticker})["rfqs"]
    assert [r["id"] for r in listed] == [rfq_id]
    assert requester.ok(RFQS, {"subaccount": 0, "market_ticker": ticker})["rfqs"] == []
    refused = off_spec(server, requester, "GET", f"{RFQS}?subaccount={subaccount + 1}")  # the spec lists no 400
    assert refused["code"] == "customer_account_not_found" and str(subaccount + 1) in refused["message"]


def test_creator_user_id_filters_match_only_where_the_caller_may_see_the_user_id(server, admin):
    _, requester_id, requester = user(server, admin)
    _, maker_a_id, maker_a = user(server, admin)
    _, _, maker_b = user(server, admin)
    ticker = new_market(admin)
    rfq_id = create_rfq(requester, ticker)
    other_rfq = create_rfq(maker_b, ticker)
    quote_a = create_quote(maker_a, rfq_id, "0.4000", "0.5500")
    quote_b = create_quote(maker_b, rfq_id, "0.4100", "0.5500")
    on_market = {"market_ticker": ticker}

    def rfqs(api, creator):
        return [r["id"] for r in api.ok(RFQS, {**on_market, "creator_user_id": creator})["rfqs"]]

    def quotes(api, **filters):
        return [q["id"] for q in api.ok(QUOTES, {**on_market, **filters})["quotes"]]

    assert {r["id"] for r in maker_a.ok(RFQS, on_market)["rfqs"]} == {rfq_id, other_rfq}  # every RFQ is public
    assert rfqs(requester, requester_id) == [rfq_id]
    assert rfqs(requester, "nobody") == []
    assert rfqs(maker_a, requester_id) == []  # another's user id is private: it matches none of their RFQs
    assert quotes(maker_a, quote_creator_user_id=maker_a_id) == [quote_a]
    assert quotes(maker_a, quote_creator_user_id="nobody") == []
    assert quotes(requester, quote_creator_user_id=maker_a_id) == []  # the maker's user id is private to it
    assert quotes(requester, rfq_creator_user_id=requester_id) == [quote_b, quote_a]
    assert quotes(requester, rfq_creator_user_id="nobody") == []
    assert quotes(maker_a, rfq_creator_user_id=requester_id) == []
    assert quotes(maker_b, rfq_creator_user_id=requester_id, quote_creator_user_id="nobody") == []


def test_the_typescript_sdk_runs_the_round_trip(server, admin):
    from .. import spec
    from .test_typescript_sdk import TS_DIR, _node_or_skip

    node = _node_or_skip()
    ticker = new_market(admin)
    parties = {role: member(server, admin) for role in ("REQUESTER", "MAKER")}
    env = {**os.environ, "KALSHI_ADMIN_TOKEN": ADMIN_TOKEN}
    for role, (name, _) in parties.items():
        env[f"KALSHI_{role}_KEY_ID"], env[f"KALSHI_{role}_PEM"] = f"{name}-key", PRIVATE
    command = [node, "rfqs.js", server.api, server.url + "/admin/v1", ticker]
    result = subprocess.run(command, cwd=TS_DIR, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    calls = json.loads(result.stdout)["calls"]
    for name, call in calls.items():
        assert call["ok"], (name, call)
        if name != "advance":
            spec.validate(call["method"], urlsplit(call["url"]).path, call["status"], call["data"] or None)
    assert calls["create_rfq"]["status"] == calls["create_quote"]["status"] == 201
    assert [q["id"] for q in calls["quotes"]["data"]["quotes"]] == [calls["create_quote"]["data"]["id"]]
    mine, theirs = calls["quote_requester"]["data"]["quote"], calls["quote_maker"]["data"]["quote"]
    assert mine["status"] == "executed" and mine["accepted_side"] == "no"
    assert "creator_order_id" not in mine and "rfq_creator_order_id" not in theirs  # each sees only their own
    fills = parties["REQUESTER"][1].ok("/portfolio/fills", {"ticker": ticker})["fills"]
    assert [(f["order_id"], f["side"], f["no_price_dollars"]) for f in fills] == [
        (mine["rfq_creator_order_id"], "no", "0.6500")  # NO at $1 - yes_bid
    ]
    assert calls["rfq"]["data"]["rfq"]["status"] == "closed"
    assert calls["id"]["data"]["communications_id"] == calls["rfq"]["data"]["rfq"]["creator_id"]


def test_open_rfqs_and_running_timers_survive_a_rebuild_from_the_store(server, admin):
    ticker = new_market(admin)
    _, requester = member(server, admin)
    _, maker = member(server, admin)
    rfq_id = create_rfq(requester, ticker)
    quote_id = create_quote(maker, rfq_id, "0.3000", "0.6000")
    requester.request("PUT", f"{QUOTES}/{quote_id}/accept", json={"accepted_side": "yes"}, expect=204)
    advance(admin, 10)
    server.services.trading.reload()  # the venue is rebuilt from the store, as at a restart
    maker.request("PUT", f"{QUOTES}/{quote_id}/confirm", expect=204)  # 10 s into its 30 s window
    server.services.trading.reload()
    advance(admin, 15)
    assert get_quote(requester, quote_id)["status"] == "executed"
    assert requester.ok(f"{RFQS}/{rfq_id}")["rfq"]["status"] == "closed"


def test_sharded_subscriptions_split_the_rfqs_between_them(server, admin):
    _, requester = member(server, admin)
    assert requester.signer is not None
    shards = {key: WsClient(server, requester.signer) for key in (0, 1)}  # one subscription per connection
    for key, ws in shards.items():
        ws.subscribe("communications", shard_factor=2, shard_key=key)
    created = [create_rfq(requester, new_market(admin)) for _ in range(4)]
    expected = {key: [i for i in created if zlib.crc32(i.encode()) % 2 == key] for key in (0, 1)}
    for key, ws in shards.items():  # each RFQ once, to the shard its id hashes to; in order, so none of the other's
        assert [ws.expect("rfq_created")["msg"]["id"] for _ in expected[key]] == expected[key]
    last = create_rfq(requester, new_market(admin))
    shards[zlib.crc32(last.encode()) % 2].expect("rfq_created")  # nothing of the other shard came before it
    for ws in shards.values():
        ws.ws.close()


def test_a_trading_pause_refuses_creating_accepting_and_confirming_but_lets_deletes_through(server, admin):
    _, requester = member(server, admin)
    _, maker = member(server, admin)
    rfq_id = create_rfq(requester, new_market(admin))
    open_quote = create_quote(maker, rfq_id, "0.3000", "0.6000")
    accepted = create_quote(maker, create_rfq(requester, new_market(admin)), "0.3000", "0.6000")
    requester.request("PUT", f"{QUOTES}/{accepted}/accept", json={"accepted_side": "yes"}, expect=204)
    admin.request("PUT", "/exchange", {"trading_active": False})
    try:
        body = {"market_ticker": new_market(admin), "rest_remainder": False, "contracts_fp": "1.00"}
        assert requester.error(RFQS, method="POST", json=body)["code"] == "trading_paused"
        body = {"rfq_id": rfq_id, "yes_bid": "0.3100", "no_bid": "0.6000", "rest_remainder": False}
        assert maker.error(QUOTES, method="POST", json=body)["code"] == "trading_paused"
        accept = {"accepted_side": "no"}
        assert requester.error(f"{QUOTES}/{open_quote}/accept", method="PUT", json=accept)["code"] == "trading_paused"
        assert off_spec(server, maker, "PUT", f"{QUOTES}/{accepted}/confirm")["code"] == "trading_paused"
        assert get_quote(maker, accepted)["status"] == "accepted"
        maker.request("DELETE", f"{QUOTES}/{open_quote}", expect=204)
        requester.request("DELETE", f"{RFQS}/{rfq_id}", expect=204)
        assert requester.ok(f"{RFQS}/{rfq_id}")["rfq"]["status"] == "closed"
    finally:
        admin.request("PUT", "/exchange", {})
    maker.request("PUT", f"{QUOTES}/{accepted}/confirm", expect=204)  # open again, still in its window


def test_an_exchange_pause_refuses_every_rfq_and_quote_command(server, admin):
    _, requester = member(server, admin)
    _, maker = member(server, admin)
    ticker = new_market(admin)
    rfq_id = create_rfq(requester, ticker)
    quote_id = create_quote(maker, rfq_id, "0.3000", "0.6000")
    admin.request("PUT", "/exchange", {"exchange_active": False})
    try:
        body = {"market_ticker": new_market(admin), "rest_remainder": False, "contracts_fp": "1.00"}
        assert requester.error(RFQS, method="POST", json=body)["code"] == "exchange_paused"
        accept = {"accepted_side": "yes"}
        assert requester.error(f"{QUOTES}/{quote_id}/accept", method="PUT", json=accept)["code"] == "exchange_paused"
        assert off_spec(server, maker, "DELETE", f"{QUOTES}/{quote_id}")["code"] == "exchange_paused"
        assert off_spec(server, requester, "DELETE", f"{RFQS}/{rfq_id}")["code"] == "exchange_paused"
        assert get_quote(requester, quote_id)["status"] == "open"  # reads still work; nothing changed
    finally:
        admin.request("PUT", "/exchange", {})
    requester.request("DELETE", f"{RFQS}/{rfq_id}", expect=204)


def test_a_combo_rfq_carries_its_collection_and_legs(server, admin):
    from .test_multivariate import create as create_combo
    from .test_multivariate import leg, world

    _, requester = member(server, admin)
    _, maker = member(server, admin)
    w = world(admin)
    legs = [leg(w["a"], "A1"), leg(w["b"], "B1", "yes")]
    ticker = create_combo(requester, w["collection"], legs)["market_ticker"]
    feed = communications(server, maker)
    rfq_id = create_rfq(requester, ticker)
    by_ticker = lambda found: sorted(found, key=lambda x: x["market_ticker"])  # noqa: E731
    for shown in (maker.ok(f"{RFQS}/{rfq_id}")["rfq"], requester.ok(RFQS, {"market_ticker": ticker})["rfqs"][0],
                  feed.expect("rfq_created")["msg"]):  # fmt: skip
        assert shown["id"] == rfq_id and shown["mve_collection_ticker"] == w["collection"]
        assert by_ticker(shown["mve_selected_legs"]) == by_ticker(legs)
    server.services.trading.reload()  # the venue's RFQ comes back from the store, legs and all:
    requester.request("DELETE", f"{RFQS}/{rfq_id}", expect=204)  # its closing rewrites the row
    closed = maker.ok(f"{RFQS}/{rfq_id}")["rfq"]
    assert closed["status"] == "closed" and closed["mve_selected_legs"] == shown["mve_selected_legs"]
    assert "mve_selected_legs" not in feed.expect("rfq_deleted")["msg"]  # asyncapi has them on rfq_created only
    plain = create_rfq(requester, new_market(admin))
    assert not {"mve_collection_ticker", "mve_selected_legs"} & set(feed.expect("rfq_created")["msg"])
    assert not {"mve_collection_ticker", "mve_selected_legs"} & set(maker.ok(f"{RFQS}/{plain}")["rfq"])
    feed.ws.close()


def test_an_fcm_member_creates_and_runs_an_rfq_for_its_sub_trader(server, admin):
    sub_name, sub_id, sub = user(server, admin)
    _, _, fcm = user(server, admin, fcm_subtraders=[sub_name])
    _, maker = member(server, admin)
    ticker = new_market(admin)
    body = {"market_ticker": ticker, "rest_remainder": False, "contracts_fp": "10.00", "subtrader_id": sub_id}
    refused = maker.error(RFQS, method="POST", json=body)  # not an FCM member
    assert refused["code"] == "invalid_parameters" and "FCM" in refused["message"]
    assert fcm.error(RFQS, method="POST", json={**body, "subtrader_id": "nobody"})["code"] == "invalid_parameters"
    assert fcm.error(RFQS, method="POST", json={**body, "subaccount": 1})["code"] == "invalid_parameters"
    rfq_id = fcm.request("POST", RFQS, json=body, expect=201).json()["id"]
    sub_public = sub.ok("/communications/id")["communications_id"]
    for reader in (sub, fcm):  # the sub-trader's RFQ, its private fields to both
        shown = reader.ok(f"{RFQS}/{rfq_id}")["rfq"]
        assert (shown["creator_user_id"], shown["creator_id"]) == (sub_id, sub_public)
    assert "creator_user_id" not in maker.ok(f"{RFQS}/{rfq_id}")["rfq"]
    quote_id = create_quote(maker, rfq_id, "0.3000", "0.6000")
    listed = fcm.ok(QUOTES, {"rfq_creator_subtrader_id": sub_id})["quotes"]
    assert [q["id"] for q in listed] == [quote_id] and fcm.ok(QUOTES)["quotes"] == []
    assert [q["id"] for q in fcm.ok(QUOTES, {"rfq_creator_user_id": sub_id})["quotes"]] == [quote_id]
    assert [r["id"] for r in fcm.ok(RFQS, {"creator_user_id": sub_id})["rfqs"]] == [rfq_id]
    fcm.request("PUT", f"{QUOTES}/{quote_id}/accept", json={"accepted_side": "yes"}, expect=204)
    maker.request("PUT", f"{QUOTES}/{quote_id}/confirm", expect=204)
    advance(admin, 15)
    assert get_quote(sub, quote_id)["status"] == "executed"
    assert [f["count_fp"] for f in sub.ok("/portfolio/fills", {"ticker": ticker})["fills"]] == ["10.00"]
    assert fcm.ok("/portfolio/fills", {"ticker": ticker})["fills"] == []  # the sub-trader's account traded
    other = create_rfq(sub, new_market(admin))
    maker.error(f"{RFQS}/{other}", method="DELETE", status=404)
    fcm.request("DELETE", f"{RFQS}/{other}", expect=204)
    assert sub.ok(f"{RFQS}/{other}")["rfq"]["status"] == "closed"


def _about(ws, rfq_id: str):
    """The feed's messages about RFQ `rfq_id` (its own and its quotes'), in order."""
    while True:
        message = ws.recv()
        if message["msg"].get("rfq_id", message["msg"].get("id")) == rfq_id:
            yield message


def test_quote_accepted_and_executed_name_the_recipients_subaccount(server, admin):
    from .test_subaccounts import create as create_subaccount
    from .test_subaccounts import transfer

    _, requester = member(server, admin)
    _, maker = member(server, admin)
    subaccount = create_subaccount(requester)
    transfer(requester, 0, subaccount, 50_000)
    ticker = new_market(admin)
    feeds = {"req": communications(server, requester), "maker": communications(server, maker)}
    body = {"market_ticker": ticker, "rest_remainder": False, "contracts_fp": "10.00", "subaccount": subaccount}
    rfq_id = requester.request("POST", RFQS, json=body, expect=201).json()["id"]
    quote_id = create_quote(maker, rfq_id, "0.3000", "0.6000")
    requester.request("PUT", f"{QUOTES}/{quote_id}/accept", json={"accepted_side": "yes"}, expect=204)
    maker.request("PUT", f"{QUOTES}/{quote_id}/confirm", expect=204)
    advance(admin, 15)
    seen = {}
    for who, ws in feeds.items():
        ours = _about(ws, rfq_id)  # rfq_created/rfq_deleted of other tests' RFQs go to every subscriber
        assert [next(ours)["type"] for _ in range(2)] == ["rfq_created", "quote_created"]
        accepted, executed = next(ours), next(ours)
        assert (accepted["type"], executed["type"]) == ("quote_accepted", "quote_executed")
        seen[who] = [accepted["msg"].get("subaccount"), executed["msg"].get("subaccount")]
        ws.ws.close()
    assert seen == {"req": [subaccount, subaccount], "maker": [None, None]}  # the maker quoted from its primary
    fills = requester.ok("/portfolio/fills", {"ticker": ticker, "subaccount": subaccount})["fills"]
    assert [f["count_fp"] for f in fills] == ["10.00"]


def test_the_admin_api_plays_the_other_side(server, admin):
    """A maker quotes and confirms the client's RFQ, and a requester creates and accepts, by the admin API."""
    maker_name, _ = member(server, admin)
    requester_name, _ = member(server, admin)
    _, client = member(server, admin)
    ticker = new_market(admin)
    rfq_id = create_rfq(client, ticker)
    quote_id = admin.request("POST", f"/users/{maker_name}/quotes",
                             {"rfq_id": rfq_id, "yes_bid": "0.3000", "no_bid": "0.6000", "rest_remainder": False},
                             expect=201)["id"]  # fmt: skip
    client.request("PUT", f"{QUOTES}/{quote_id}/accept", json={"accepted_side": "no"}, expect=204)
    admin.request("PUT", f"/users/{maker_name}/quotes/{quote_id}/confirm", expect=204)
    advance(admin, 15)
    assert get_quote(client, quote_id)["status"] == "executed"
    body = {"market_ticker": ticker, "rest_remainder": False, "contracts_fp": "5.00"}
    theirs = admin.request("POST", f"/users/{requester_name}/rfqs", body, expect=201)["id"]
    assert client.ok(f"{RFQS}/{theirs}")["rfq"]["contracts_fp"] == "5.00"
    admin.request("POST", f"/users/{requester_name}/rfqs", body, expect=409)  # the venue's rules apply
    admin.request("POST", f"/users/{requester_name}/rfqs", {**body, "contract_fp": "1.00"}, expect=400)  # misspelt
    mine = create_quote(client, theirs, "0.4000", "0.5500")
    admin.request("PUT", f"/users/{requester_name}/quotes/{mine}/accept", {"accepted_side": "yes"}, expect=204)
    admin.request("PUT", f"/users/{maker_name}/quotes/{mine}/accept", {"accepted_side": "yes"}, expect=404)
    client.request("PUT", f"{QUOTES}/{mine}/confirm", expect=204)
    advance(admin, 15)
    assert get_quote(client, mine)["status"] == "executed"
    admin.request("POST", "/users/nobody/rfqs", body, expect=404)
