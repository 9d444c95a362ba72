"""A market's whole life through a real server on the manual clock: trade, close by the clock
(resting orders cancelled, orders refused), determine, dispute and amend, settle, and read the
settlements through raw HTTP and the official kalshi-python-sync, to the cent; then a restart in
the middle of a life resumes at the same time with the same pending timers."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from decimal import Decimal

import httpx
import kalshi_python_sync
import pytest

from kalshi_local.exchange.clock import MICROS, to_rfc3339

from ..client import AdminClient, ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer
from .trading_rows import PRIVATE, PUBLIC
from .write_path import V1, balance, new_market, place

TIMER = 600  # settlement_timer_seconds
HOUR = 3600
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


def member(server, admin) -> tuple[str, ApiClient]:
    name = f"life-{next(_names)}"
    keys = [{"id": f"{name}-key", "public_key": PUBLIC}]
    admin.request("PUT", f"/users/{name}", {"balance": "100.00", "api_keys": keys})
    return name, ApiClient(server.api, Signer(f"{name}-key", PRIVATE))


def now(admin) -> int:
    return admin.request("GET", "/clock")["now_us"]


def advance(admin, seconds: int) -> None:
    admin.request("POST", "/clock", {"advance_seconds": seconds})


def life_market(admin, **fields) -> str:
    """Open now, closing in an hour, with a 600 s settlement timer."""
    at = now(admin)
    times = {"open_time": to_rfc3339(at - HOUR * MICROS), "close_time": to_rfc3339(at + HOUR * MICROS)}
    return new_market(admin, **times, settlement_timer_seconds=TIMER, **fields)


def market(server, ticker: str) -> dict:
    # Raw HTTP: kalshi-python-sync 3.2.0's Market enum predates finalized/disputed/amended (COMPAT.md).
    return httpx.get(f"{server.api}/markets/{ticker}", timeout=30).json()["market"]


def fee_of(api: ApiClient, ticker: str) -> Decimal:
    return sum((Decimal(f["fee_cost"]) for f in api.ok("/portfolio/fills", {"ticker": ticker})["fills"]), Decimal(0))


def cents(dollars: str | Decimal) -> int:
    return int(Decimal(dollars) * 100)


# result, settlement value, what the YES buyer and the NO buyer are credited, their settlement fees
RESULTS = [
    ("yes", None, "10.60", "0", "0", "0"),
    ("no", None, "0", "10.60", "0", "0"),
    ("scalar", "0.5970", "6.32", "4.27", "0.0082", "0.0018"),  # fee_rounding.md: 10.60 x $0.5970 = $6.3282
    ("void", None, "4.24", "6.36", "0", "0"),  # each paid back the cost of 10.60 at $0.40 / $0.60
]


@pytest.mark.parametrize(("result", "value", "yes_paid", "no_paid", "yes_fee", "no_fee"), RESULTS)
def test_a_full_life_settles_every_balance_to_the_cent(
    server, admin, result, value, yes_paid, no_paid, yes_fee, no_fee
):
    ticker = life_market(admin)
    _, yes_api = member(server, admin)
    _, no_api = member(server, admin)
    place(no_api, ticker, "ask", "10.60", "0.4000")  # rests: buys 10.60 NO at $0.60
    place(yes_api, ticker, "bid", "10.60", "0.4000")  # takes: buys 10.60 YES at $0.40, pays the taker fee
    resting = place(yes_api, ticker, "bid", "5.00", "0.3000")
    taker_fee, maker_fee = fee_of(yes_api, ticker), fee_of(no_api, ticker)
    assert taker_fee > 0 and maker_fee == 0
    yes_cash = 10_000 - 424 - cents(taker_fee)
    assert balance(yes_api)[0] < yes_cash  # the resting bid locks collateral

    advance(admin, HOUR)  # the close: the resting order is cancelled, its collateral back
    assert yes_api.ok(f"{V1}/{resting['order_id']}")["order"]["status"] == "canceled"
    assert balance(yes_api)[0] == yes_cash and balance(no_api)[0] == 10_000 - 636
    assert market(server, ticker)["status"] == "closed"
    refused = yes_api.error(V1, method="POST", status=400, json={
        "ticker": ticker, "action": "buy", "side": "yes", "count": 1, "type": "limit", "yes_price": 40,
    })  # fmt: skip
    assert refused["code"] == "market_closed"

    if result == "void":
        admin.request("POST", f"/markets/{ticker}/void")
    else:
        body = {"result": result, **({"settlement_value_dollars": value} if value else {})}
        shown = admin.request("POST", f"/markets/{ticker}/determine", body)["market"]
        assert shown["status"] == "determined"
        advance(admin, TIMER - 1)
        assert market(server, ticker)["status"] == "determined"
        assert yes_api.ok("/portfolio/settlements", {"ticker": ticker})["settlements"] == []
        advance(admin, 1)
    shown = market(server, ticker)
    assert shown["status"] == "finalized" and shown["settlement_ts"] is not None
    assert shown["result"] == ("" if result == "void" else result)

    assert balance(yes_api)[0] == yes_cash + cents(yes_paid)
    assert balance(no_api)[0] == 10_000 - 636 + cents(no_paid)
    yes_record = yes_api.ok("/portfolio/settlements")["settlements"]
    no_record = no_api.ok("/portfolio/settlements")["settlements"]
    assert len(yes_record) == len(no_record) == 1
    yes_row, no_row = yes_record[0], no_record[0]
    assert (yes_row["market_result"], yes_row["ticker"], yes_row["yes_count_fp"], yes_row["no_count_fp"]) == (
        result, ticker, "10.60", "0.00",
    )  # fmt: skip
    assert (yes_row["yes_total_cost_dollars"], yes_row["yes_count"], yes_row["yes_total_cost"]) == ("4.2400", 10, 424)
    assert (no_row["no_total_cost_dollars"], no_row["no_count"], no_row["no_total_cost"]) == ("6.3600", 10, 636)
    assert (yes_row["revenue"], no_row["revenue"]) == (cents(yes_paid), cents(no_paid))
    assert Decimal(yes_row["fee_cost"]) == taker_fee + Decimal(yes_fee)  # the fills' fees stay, plus rounding
    assert Decimal(no_row["fee_cost"]) == Decimal(no_fee)
    expected_value = {"yes": 100, "no": 0, "scalar": 59, "void": None}[result]
    assert yes_row["value"] == expected_value
    assert yes_api.ok("/portfolio/positions", {"ticker": ticker})["market_positions"][0]["position_fp"] == "0.00"
    for client in (yes_api, no_api):
        client.close()


def test_dispute_and_amend_each_restart_the_settlement_timer(server, admin):
    ticker = life_market(admin)
    _, yes_api = member(server, admin)
    _, no_api = member(server, admin)
    place(no_api, ticker, "ask", "2.00", "0.5000")
    place(yes_api, ticker, "bid", "2.00", "0.5000")
    advance(admin, HOUR)
    admin.request("POST", f"/markets/{ticker}/determine", {"result": "yes"})
    advance(admin, TIMER - 10)
    assert admin.request("POST", f"/markets/{ticker}/dispute")["market"]["status"] == "disputed"
    advance(admin, TIMER - 10)  # past the first timer's end: nothing settles
    assert market(server, ticker)["status"] == "disputed"
    assert admin.request("POST", f"/markets/{ticker}/amend", {"result": "no"})["market"]["status"] == "amended"
    advance(admin, TIMER - 1)
    assert market(server, ticker)["status"] == "amended"
    advance(admin, 1)
    assert (market(server, ticker)["status"], market(server, ticker)["result"]) == ("finalized", "no")
    assert [s["revenue"] for s in no_api.ok("/portfolio/settlements")["settlements"]] == [200]
    assert [s["revenue"] for s in yes_api.ok("/portfolio/settlements")["settlements"]] == [0]


def test_lifecycle_moves_the_market_status_does_not_allow_are_409s(server, admin):
    ticker = life_market(admin, can_close_early=False)
    conflict = httpx.post(
        f"{server.url}/admin/v1/markets/{ticker}/determine",
        json={"result": "yes"},
        headers={"Authorization": f"Bearer {ADMIN_TOKEN}"},
        timeout=30,
    )
    assert (conflict.status_code, conflict.json()["code"]) == (409, "market_status_conflict")
    early = httpx.post(
        f"{server.url}/admin/v1/markets/{ticker}/close", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, timeout=30
    )
    assert early.status_code == 409 and "can_close_early" in early.json()["message"]
    assert market(server, ticker)["status"] == "active"


def test_the_python_sdk_reads_settlements_and_pages_them_with_the_cursor(server, admin):
    name, api = member(server, admin)
    _, other = member(server, admin)
    tickers = [life_market(admin) for _ in range(3)]
    for ticker in tickers:
        place(other, ticker, "ask", "1.00", "0.2500")
        place(api, ticker, "bid", "1.00", "0.2500")
        admin.request("POST", f"/markets/{ticker}/void")
    config = kalshi_python_sync.Configuration(host=server.api)
    config.api_key_id, config.private_key_pem = f"{name}-key", PRIVATE
    client = kalshi_python_sync.KalshiClient(config)
    first = client.get_settlements(limit=2)
    assert [s.ticker for s in first.settlements] == tickers[::-1][:2]
    rest = client.get_settlements(limit=2, cursor=first.cursor)
    assert [s.ticker for s in rest.settlements] == tickers[:1] and not rest.cursor
    one = client.get_settlements(ticker=tickers[1]).settlements[0]
    assert (one.market_result, one.yes_count, one.yes_total_cost, one.revenue, one.value) == ("void", 1, 25, 25, None)
    assert client.get_settlements(event_ticker=tickers[0].rsplit("-", 1)[0]).settlements[0].ticker == tickers[0]
    after = now(admin) // MICROS + 1
    assert client.get_settlements(min_ts=after).settlements == []
    api.close()
    other.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_restart_mid_life_resumes_at_the_same_time_with_the_same_pending_timers(request, backend):
    url = new_database_url(request, backend)
    first = start_server(url, load_demo=False)
    admin = AdminClient(first.url, ADMIN_TOKEN)
    try:
        settling = life_market(admin)
        closing = life_market(admin)
        admin.request("POST", "/clock", {"advance_seconds": 100})
        _, api = member(first, admin)
        _, other = member(first, admin)
        place(other, settling, "ask", "1.00", "0.5000")
        place(api, settling, "bid", "1.00", "0.5000")
        admin.request("POST", f"/markets/{settling}/close")
        admin.request("POST", f"/markets/{settling}/determine", {"result": "yes"})
        place(api, closing, "bid", "1.00", "0.1000")  # rests until the close
        stopped_at = now(admin)
    finally:
        admin.close()
        first.stop()
    second = start_server(url, load_demo=False)
    admin = AdminClient(second.url, ADMIN_TOKEN)
    api.close()
    api = ApiClient(second.api, api.signer)
    try:
        assert now(admin) == stopped_at
        assert market(second, settling)["status"] == "determined"
        assert api.ok("/portfolio/orders", {"ticker": closing})["orders"][0]["status"] == "resting"
        advance(admin, TIMER)  # the settlement timer started before the restart
        assert market(second, settling)["status"] == "finalized"
        assert [s["revenue"] for s in api.ok("/portfolio/settlements")["settlements"]] == [100]
        assert market(second, closing)["status"] == "active"
        advance(admin, HOUR)  # past the other market's close: its resting order is cancelled
        assert api.ok("/portfolio/orders", {"ticker": closing})["orders"][0]["status"] == "canceled"
    finally:
        api.close()
        other.close()
        admin.close()
        second.stop()


def test_the_typescript_sdk_reads_settlements_with_every_field_it_declares(server, admin):
    from .test_typescript_sdk import TS_DIR, _node_or_skip

    node = _node_or_skip()
    name, api = member(server, admin)
    _, other = member(server, admin)
    tickers = [life_market(admin) for _ in range(2)]
    for ticker in tickers:
        place(other, ticker, "ask", "3.00", "0.2000")
        place(api, ticker, "bid", "3.00", "0.2000")
        admin.request("POST", f"/markets/{ticker}/close")
        admin.request("POST", f"/markets/{ticker}/determine", {"result": "yes"})
    advance(admin, TIMER)
    env = {**os.environ, "KALSHI_KEY_ID": f"{name}-key", "KALSHI_PEM": PRIVATE}
    result = subprocess.run(
        [node, "settlements.js", server.api], cwd=TS_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    calls = json.loads(result.stdout)["calls"]
    first, second = calls["first_page"], calls["second_page"]
    assert first["ok"] and second["ok"], calls
    rows = first["data"]["settlements"] + second["data"]["settlements"]
    assert [row["ticker"] for row in rows] == tickers[::-1]
    declared = ("ticker", "exchange_index", "event_ticker", "market_result", "yes_count_fp", "yes_total_cost_dollars",
                "no_count_fp", "no_total_cost_dollars", "revenue", "settled_time", "fee_cost")  # fmt: skip
    for row in rows:
        assert all(row.get(field) is not None for field in declared), row
        assert (row["revenue"], row["yes_count_fp"], row["value"]) == (300, "3.00", 100)
    assert second["data"]["cursor"] == ""
    api.close()
    other.close()


def test_an_inactive_markets_orders_may_be_pulled_but_not_placed_or_amended(server, admin):
    _, alice = member(server, admin)
    ticker = life_market(admin)
    body = {"ticker": ticker, "action": "buy", "side": "yes", "count": 4, "yes_price": 30}
    first = alice.request("POST", V1, json=body, expect=201).json()["order"]["order_id"]
    second = alice.request("POST", V1, json=body, expect=201).json()["order"]["order_id"]
    admin.request("POST", f"/markets/{ticker}/deactivate")
    refused = alice.error(V1, method="POST", status=400, json=body)
    assert refused["code"] == "market_closed" and "inactive" in refused["message"]
    amend = {**body, "yes_price": 31}
    assert alice.error(f"{V1}/{first}/amend", method="POST", status=400, json=amend)["code"] == "market_closed"
    # As in a trading pause, an order may be cancelled or decreased (maintenance_and_pauses.md).
    decreased = alice.request("POST", f"{V1}/{first}/decrease", json={"reduce_by": 1}, expect=200).json()["order"]
    assert decreased["remaining_count_fp"] == "3.00"
    v2 = f"/portfolio/events/orders/{second}"
    assert alice.request("DELETE", v2, expect=200).json()["reduced_by"] == "4.00"
    assert alice.request("DELETE", f"{V1}/{first}", expect=200).json()["order"]["status"] == "canceled"
    assert balance(alice)[0] == 10_000
