"""The official kalshi-python-sync client trades on a real server: it places, gets, lists,
amends, decreases, cancels and batches orders (its V1 paths), and its models parse every
reply, including the fills, positions, order books, trades and queue positions after a cross."""

from __future__ import annotations

import itertools

import kalshi_python_sync
import pytest

from . import trading_fixtures as fixtures
from .trading_rows import PRIVATE, PUBLIC
from .write_path import new_market

server = fixtures.server
admin = fixtures.admin
_names = itertools.count()


def sdk_trader(server, admin) -> kalshi_python_sync.KalshiClient:
    name = f"sdk-trader-{next(_names)}"
    body = {"tier": "prime", "balance": "100.00", "api_keys": [{"id": f"{name}-key", "public_key": PUBLIC}]}
    admin.request("PUT", f"/users/{name}", body)
    config = kalshi_python_sync.Configuration(host=server.api)
    config.api_key_id = f"{name}-key"
    config.private_key_pem = PRIVATE
    return kalshi_python_sync.KalshiClient(config)


@pytest.fixture
def maker(server, admin):
    return sdk_trader(server, admin)


@pytest.fixture
def taker(server, admin):
    return sdk_trader(server, admin)


@pytest.fixture
def ticker(admin):
    return new_market(admin)


def test_place_get_list_amend_decrease_cancel(maker, ticker):
    made = maker.create_order(ticker=ticker, side="yes", action="buy", count=5, yes_price=30, client_order_id="sdk-1")
    assert (made.order.status, made.order.remaining_count, made.order.yes_price) == ("resting", 5, 30)
    order_id = made.order.order_id
    assert maker.get_order(order_id).order.client_order_id == "sdk-1"
    assert [o.order_id for o in maker.get_orders(ticker=ticker, status="resting").orders] == [order_id]
    # The SDK's AmendOrderRequest requires both client order ids.
    amended = maker.amend_order(
        order_id,
        ticker=ticker,
        side="yes",
        action="buy",
        count=4,
        yes_price=30,
        client_order_id="sdk-1",
        updated_client_order_id="sdk-2",
    )
    assert (amended.old_order.remaining_count, amended.order.remaining_count) == (5, 4)
    assert amended.order.client_order_id == "sdk-2"
    repriced = maker.amend_order(  # the price alone: the count stays
        order_id, ticker=ticker, side="yes", action="buy", yes_price=31, client_order_id="sdk-2",
        updated_client_order_id="sdk-2",
    )
    assert (repriced.order.yes_price, repriced.order.remaining_count) == (31, 4)
    order_id = repriced.order.order_id
    decreased = maker.decrease_order(order_id, reduce_by=1)
    assert decreased.order.remaining_count == 3
    cancelled = maker.cancel_order(order_id)
    assert (cancelled.reduced_by, cancelled.order.status) == (3, "canceled")
    assert maker.get_balance().balance == 10_000


def test_batches(maker, ticker):
    one = {"ticker": ticker, "side": "yes", "action": "buy", "count": 1, "yes_price": 10}
    made = maker.batch_create_orders(orders=[one, {**one, "yes_price": 11}])
    ids = [item.order.order_id for item in made.orders]
    assert [item.order.yes_price for item in made.orders] == [10, 11]
    gone = maker.batch_cancel_orders(ids=ids)
    assert [item.reduced_by for item in gone.orders] == [1, 1]


def test_the_reads_after_a_cross(maker, taker, ticker):
    made = maker.create_order(ticker=ticker, side="yes", action="buy", count=10, yes_price=40)
    taken = taker.create_order(ticker=ticker, side="no", action="buy", count=4, no_price=70)
    assert (taken.order.status, taken.order.fill_count, taken.order.taker_fees) == ("executed", 4, 7)
    [fill] = taker.get_fills(ticker=ticker).fills
    assert (fill.count, fill.yes_price, fill.is_taker, fill.order_id) == (4, 40, True, taken.order.order_id)
    positions = maker.get_positions(ticker=ticker)
    assert (positions.market_positions[0].position, positions.market_positions[0].market_exposure) == (4, 160)
    assert taker.get_positions(ticker=ticker).market_positions[0].position == -4
    book = maker.get_market_orderbook(ticker)
    # The SDK's Orderbook model knows the dollar levels (its `yes`/`no` became `true`/`false`).
    assert (book.orderbook.yes_dollars, book.orderbook.no_dollars) == ([["0.4000", "6.00"]], [])
    [trade] = maker.get_trades(ticker=ticker).trades
    assert (trade.count, trade.yes_price, trade.taker_side) == (4, 40, "no")
    assert maker.get_order_queue_position(made.order.order_id).queue_position == 0
    [queued] = maker.get_order_queue_positions(market_tickers=ticker).queue_positions
    assert queued.order_id == made.order.order_id
    assert (maker.get_balance().balance, taker.get_balance().balance) == (9599, 9753)
    assert maker.get_portfolio_resting_order_total_value().total_resting_order_value == 240


def test_an_sdk_refusal_carries_kalshis_error(maker, ticker):
    with pytest.raises(kalshi_python_sync.ApiException) as raised:
        maker.create_order(ticker=ticker, side="yes", action="buy", count=1_000, yes_price=50)
    assert raised.value.status == 400 and "insufficient_balance" in raised.value.body
