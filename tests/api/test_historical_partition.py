"""Every record is served by exactly one tier, for any record times and any cutoff (hypothesis).

Each example writes trades, fills, orders (resting, canceled, executed) and markets (settled
or not) at random times around a random cutoff, straight into the store as the engine would,
sets the window so the cutoff falls where drawn, and walks the live and the historical lists
page by page. The side each record must be on is worked out here from its time alone:
before the cutoff is historical, at or after it live; a resting order is always live.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kalshi_local.exchange.clock import to_rfc3339

from ..client import AdminClient, ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from . import trading_rows as rows

DAY_US = 86_400 * 10**6
_tags = itertools.count(1)


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


@pytest.fixture(scope="module")
def member(server, admin):
    with rows.trader(server, admin) as api:
        yield api


@pytest.fixture(scope="module")
def public(server):
    with ApiClient(server.api) as client:
        yield client


def times(cutoff: int):
    """Microsecond times: anywhere in the four days around the cutoff, or right at it."""
    near = st.sampled_from([cutoff - 1, cutoff, cutoff + 1])
    return st.one_of(near, st.integers(cutoff - 2 * DAY_US, cutoff + 2 * DAY_US))


def walk(api: ApiClient, path: str, key: str, id_key: str, params: dict, limit: int) -> list[str]:
    found = [item[id_key] for item in api.walk(path, key, {**params, "limit": limit})]
    assert len(found) == len(set(found)), f"{path} served a record twice"
    return found


def split(records: dict[str, int | None], cutoff: int) -> tuple[set[str], set[str]]:
    old = {key for key, us in records.items() if us is not None and us < cutoff}
    return set(records) - old, old


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_live_and_historical_lists_split_every_record_once(server, admin, member, public, data):
    now = admin.request("GET", "/clock")["now_us"]
    window_s = data.draw(st.integers(1, 10 * 86_400), label="window seconds")
    cutoff = now - window_s * 10**6
    admin.request("PUT", "/historical", {"window_seconds": window_s})
    tag = next(_tags)
    ticker, event = f"HX{tag}-1-A", f"HX{tag}-1"
    limit = data.draw(st.integers(1, 3), label="page size")

    trades = {}
    for at in data.draw(st.lists(times(cutoff), max_size=6), label="trade times"):
        trades[rows.trade(server, ticker=ticker, created_us=at)["trade_id"]] = at
    fills = {}
    for at in data.draw(st.lists(times(cutoff), max_size=6), label="fill times"):
        fills[rows.fill(server, member.user_seq, ticker=ticker, created_us=at)["fill_id"]] = at
    orders, resting = {}, set()
    statuses = st.sampled_from(["resting", "canceled", "executed"])
    for status, created, updated in data.draw(
        st.lists(st.tuples(statuses, times(cutoff), times(cutoff)), max_size=6), label="orders"
    ):
        made = rows.order(server, member.user_seq, ticker=ticker, status=status, created_us=created, updated_us=updated)
        orders[made["order_id"]] = updated
        if status == "resting":
            resting.add(made["order_id"])
    settled = data.draw(st.lists(st.one_of(st.none(), times(cutoff)), max_size=4), label="settlement times")
    markets = {f"HX{tag}-1-M{i}": at for i, at in enumerate(settled)}
    admin.request("PUT", f"/series/HX{tag}", {"title": "Partition", "category": "Economics"})
    admin.request("PUT", f"/events/{event}", {"series_ticker": f"HX{tag}", "title": "Partition", "markets": [
        {"ticker": name, "open_time": "2020-01-01T00:00:00Z", "close_time": "2030-01-01T00:00:00Z"}
        | ({"status": "finalized", "result": "no", "settlement_ts": to_rfc3339(at)} if at is not None else {})
        for name, at in markets.items()
    ]})  # fmt: skip

    found_trades = (
        walk(public, "/markets/trades", "trades", "trade_id", {"ticker": ticker}, limit),
        walk(public, "/historical/trades", "trades", "trade_id", {"ticker": ticker}, limit),
    )
    found_fills = (
        walk(member, "/portfolio/fills", "fills", "fill_id", {"ticker": ticker}, limit),
        walk(member, "/historical/fills", "fills", "fill_id", {"ticker": ticker}, limit),
    )
    found_orders = (
        walk(member, "/portfolio/orders", "orders", "order_id", {"ticker": ticker}, limit),
        walk(member, "/historical/orders", "orders", "order_id", {"ticker": ticker}, limit),
    )
    found_markets = (
        walk(public, "/markets", "markets", "ticker", {"event_ticker": event}, limit),
        walk(public, "/historical/markets", "markets", "ticker", {"event_ticker": event}, limit),
    )
    assert tuple(map(set, found_trades)) == split(trades, cutoff)
    assert tuple(map(set, found_fills)) == split(fills, cutoff)
    assert tuple(map(set, found_markets)) == split(markets, cutoff)
    live_orders, old_orders = split({k: (None if k in resting else at) for k, at in orders.items()}, cutoff)
    assert tuple(map(set, found_orders)) == (live_orders, old_orders)
