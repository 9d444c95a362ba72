"""Response shapes of the order, fill, trade, position and order-book operations (openapi.yaml).

Money and counts leave as the spec's strings (FixedPointDollars, FixedPointCount),
next to the legacy integer fields that older clients still require (COMPAT.md):
cents for prices and money, whole contracts for counts, rounded toward zero.
The functions here are the one place where domain integers become those fields;
they take the store's rows (or the domain dataclasses, which share their names).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec

from ..exchange.clock import MICROS
from ..exchange.money import (
    PRICE_SCALE,
    Amount,
    count_contracts,
    count_fp,
    price_cents,
    price_dollars,
)
from ..exchange.orders import OUTCOME_OF

EXCHANGE_INDEX = 0  # one exchange here


class _Out(msgspec.Struct, omit_defaults=False, frozen=True):
    pass


def dollars(raw: int) -> str:
    """An Amount as dollars: 4 decimals, or 6 when fractions of $0.0001 remain."""
    amount = Amount(raw)
    return amount.to_dollars(4 if raw % 100 == 0 else 6)


def cents(raw: int) -> int:
    return Amount(raw).to_cents()


def iso_time(us: int) -> str:
    return datetime.fromtimestamp(us // MICROS, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _legacy_dollars_number(price: int) -> msgspec.Raw:
    """A legacy `price` field: dollars as a JSON number, written from the exact decimal."""
    return msgspec.Raw(price_dollars(price).encode())


class Order(_Out, frozen=True):
    order_id: str
    user_id: str
    client_order_id: str
    ticker: str
    side: str
    action: str
    outcome_side: str
    book_side: str
    type: str
    status: str
    yes_price_dollars: str
    no_price_dollars: str
    fill_count_fp: str
    remaining_count_fp: str
    initial_count_fp: str
    taker_fill_cost_dollars: str
    maker_fill_cost_dollars: str
    taker_fees_dollars: str
    maker_fees_dollars: str
    expiration_time: str | None
    created_time: str
    last_update_time: str
    self_trade_prevention_type: str
    order_group_id: str | None
    cancel_order_on_pause: bool
    subaccount_number: int
    # legacy (COMPAT.md)
    yes_price: int
    no_price: int
    fill_count: int
    remaining_count: int
    initial_count: int
    taker_fees: int
    maker_fees: int
    taker_fill_cost: int
    maker_fill_cost: int
    queue_position: int


def order(row: Any, user_id: str) -> Order:
    """An orders row (or exchange.orders.Order) as the API's Order. `queue_position` is
    deprecated upstream and always 0 there; GET .../queue_position has the real one."""
    return Order(
        order_id=row.order_id,
        user_id=user_id,
        client_order_id=row.client_order_id,
        ticker=row.ticker,
        side=row.side,
        action=row.action,
        outcome_side=OUTCOME_OF[row.book_side],
        book_side=row.book_side,
        type="limit",
        status=row.status,
        yes_price_dollars=price_dollars(row.price),
        no_price_dollars=price_dollars(PRICE_SCALE - row.price),
        fill_count_fp=count_fp(row.fill_count),
        remaining_count_fp=count_fp(row.remaining_count),
        initial_count_fp=count_fp(row.initial_count),
        taker_fill_cost_dollars=dollars(row.taker_fill_cost),
        maker_fill_cost_dollars=dollars(row.maker_fill_cost),
        taker_fees_dollars=dollars(row.taker_fees),
        maker_fees_dollars=dollars(row.maker_fees),
        expiration_time=None if row.expiration_us is None else iso_time(row.expiration_us),
        created_time=iso_time(row.created_us),
        last_update_time=iso_time(row.updated_us),
        self_trade_prevention_type=row.self_trade_prevention,
        order_group_id=row.order_group_id,
        cancel_order_on_pause=row.cancel_order_on_pause,
        subaccount_number=row.subaccount,
        yes_price=price_cents(row.price),
        no_price=price_cents(PRICE_SCALE - row.price),
        fill_count=count_contracts(row.fill_count),
        remaining_count=count_contracts(row.remaining_count),
        initial_count=count_contracts(row.initial_count),
        taker_fees=cents(row.taker_fees),
        maker_fees=cents(row.maker_fees),
        taker_fill_cost=cents(row.taker_fill_cost),
        maker_fill_cost=cents(row.maker_fill_cost),
        queue_position=0,
    )


class Fill(_Out, frozen=True):
    fill_id: str
    trade_id: str
    order_id: str
    ticker: str
    market_ticker: str
    side: str
    action: str
    outcome_side: str
    book_side: str
    count_fp: str
    yes_price_dollars: str
    no_price_dollars: str
    is_taker: bool
    created_time: str
    fee_cost: str
    subaccount_number: int
    ts: int  # seconds
    exchange_index: int
    # legacy (COMPAT.md)
    count: int
    price: msgspec.Raw  # dollars, as a JSON number
    yes_price: int
    no_price: int
    yes_price_fixed: str
    no_price_fixed: str


def fill(row: Any) -> Fill:
    yes, no = row.price, PRICE_SCALE - row.price
    return Fill(
        fill_id=row.fill_id,
        trade_id=row.trade_id,
        order_id=row.order_id,
        ticker=row.ticker,
        market_ticker=row.ticker,
        side=row.side,
        action=row.action,
        outcome_side=OUTCOME_OF[row.book_side],
        book_side=row.book_side,
        count_fp=count_fp(row.count),
        yes_price_dollars=price_dollars(yes),
        no_price_dollars=price_dollars(no),
        is_taker=row.is_taker,
        created_time=iso_time(row.created_us),
        fee_cost=dollars(row.fee),
        subaccount_number=row.subaccount,
        ts=row.created_us // MICROS,
        exchange_index=EXCHANGE_INDEX,
        count=count_contracts(row.count),
        price=_legacy_dollars_number(yes if row.side == "yes" else no),
        yes_price=price_cents(yes),
        no_price=price_cents(no),
        yes_price_fixed=price_dollars(yes),
        no_price_fixed=price_dollars(no),
    )


class Trade(_Out, frozen=True):
    trade_id: str
    ticker: str
    count_fp: str
    yes_price_dollars: str
    no_price_dollars: str
    taker_side: str
    taker_outcome_side: str
    taker_book_side: str
    created_time: str
    is_block_trade: bool
    # legacy (COMPAT.md)
    count: int
    price: msgspec.Raw  # yes price in dollars, as a JSON number
    yes_price: int
    no_price: int


def trade(row: Any) -> Trade:
    yes, no = row.price, PRICE_SCALE - row.price
    taker = OUTCOME_OF[row.taker_book_side]
    return Trade(
        trade_id=row.trade_id,
        ticker=row.ticker,
        count_fp=count_fp(row.count),
        yes_price_dollars=price_dollars(yes),
        no_price_dollars=price_dollars(no),
        taker_side=taker,
        taker_outcome_side=taker,
        taker_book_side=row.taker_book_side,
        created_time=iso_time(row.created_us),
        is_block_trade=False,
        count=count_contracts(row.count),
        price=_legacy_dollars_number(yes),
        yes_price=price_cents(yes),
        no_price=price_cents(no),
    )


class MarketPosition(_Out, frozen=True):
    ticker: str
    total_traded_dollars: str
    position_fp: str
    market_exposure_dollars: str
    realized_pnl_dollars: str
    resting_orders_count: int
    fees_paid_dollars: str
    last_updated_ts: str
    exchange_index: int
    # legacy (COMPAT.md)
    total_traded: int
    position: int
    market_exposure: int
    realized_pnl: int
    fees_paid: int


def market_position(row: Any) -> MarketPosition:
    return MarketPosition(
        ticker=row.ticker,
        total_traded_dollars=dollars(row.total_traded),
        position_fp=count_fp(row.position),
        market_exposure_dollars=dollars(row.market_exposure),
        realized_pnl_dollars=dollars(row.realized_pnl),
        resting_orders_count=row.resting_orders_count,
        fees_paid_dollars=dollars(row.fees_paid),
        last_updated_ts=iso_time(row.updated_us),
        exchange_index=EXCHANGE_INDEX,
        total_traded=cents(row.total_traded),
        position=count_contracts(row.position),
        market_exposure=cents(row.market_exposure),
        realized_pnl=cents(row.realized_pnl),
        fees_paid=cents(row.fees_paid),
    )


class EventPosition(_Out, frozen=True):
    event_ticker: str
    total_cost_dollars: str
    total_cost_shares_fp: str
    event_exposure_dollars: str
    realized_pnl_dollars: str
    fees_paid_dollars: str
    # legacy (COMPAT.md)
    total_cost: int
    total_cost_shares: int
    event_exposure: int
    realized_pnl: int
    fees_paid: int


def event_position(row: Any) -> EventPosition:
    """An event's sums (store.positions.EventSums): cost and shares are of the contracts held now."""
    return EventPosition(
        event_ticker=row.event_ticker,
        total_cost_dollars=dollars(row.total_cost),
        total_cost_shares_fp=count_fp(row.total_cost_shares),
        event_exposure_dollars=dollars(row.event_exposure),
        realized_pnl_dollars=dollars(row.realized_pnl),
        fees_paid_dollars=dollars(row.fees_paid),
        total_cost=cents(row.total_cost),
        total_cost_shares=count_contracts(row.total_cost_shares),
        event_exposure=cents(row.event_exposure),
        realized_pnl=cents(row.realized_pnl),
        fees_paid=cents(row.fees_paid),
    )


# --- order book --------------------------------------------------------------------------------


class OrderbookFp(_Out, frozen=True):
    yes_dollars: list[tuple[str, str]]
    no_dollars: list[tuple[str, str]]


class LegacyOrderbook(_Out, frozen=True):
    yes: list[tuple[int, int]]  # [cents, contracts]
    no: list[tuple[int, int]]
    yes_dollars: list[tuple[str, str]]
    no_dollars: list[tuple[str, str]]


class OrderbookResponse(_Out, frozen=True):
    orderbook_fp: OrderbookFp
    orderbook: LegacyOrderbook


class MarketOrderbook(_Out, frozen=True):
    ticker: str
    orderbook_fp: OrderbookFp


def orderbook_fp(yes_bids: list[tuple[int, int]], no_bids: list[tuple[int, int]]) -> OrderbookFp:
    """Bids per outcome as (price in that outcome's terms, count), best (highest) last."""
    return OrderbookFp(
        [(price_dollars(p), count_fp(c)) for p, c in yes_bids],
        [(price_dollars(p), count_fp(c)) for p, c in no_bids],
    )


def orderbook_response(yes_bids: list[tuple[int, int]], no_bids: list[tuple[int, int]]) -> OrderbookResponse:
    fp = orderbook_fp(yes_bids, no_bids)
    legacy = LegacyOrderbook(
        [(price_cents(p), count_contracts(c)) for p, c in yes_bids],
        [(price_cents(p), count_contracts(c)) for p, c in no_bids],
        fp.yes_dollars,
        fp.no_dollars,
    )
    return OrderbookResponse(fp, legacy)


# --- write responses -----------------------------------------------------------------------------


class CreateOrderV2Response(_Out, frozen=True):
    order_id: str
    client_order_id: str
    fill_count: str
    remaining_count: str
    ts_ms: int
    average_fill_price: str | msgspec.UnsetType = msgspec.UNSET  # only with fills (spec)
    average_fee_paid: str | msgspec.UnsetType = msgspec.UNSET


def average_price(fill_cost: int, fill_count: int) -> str | msgspec.UnsetType:
    """Volume-weighted price per contract (Amount / Count), to $0.000001; UNSET (left out) without fills."""
    if fill_count <= 0:
        return msgspec.UNSET
    # cost is in $1e-6, count in 1e-2 contracts: per contract in $1e-6 = cost * 100 / count.
    return Amount(fill_cost * 100 // fill_count).to_dollars(6)


class AmendOrderV2Response(_Out, frozen=True):
    order_id: str
    client_order_id: str
    remaining_count: str
    fill_count: str
    ts_ms: int
    average_fill_price: str | msgspec.UnsetType = msgspec.UNSET  # only with fills (spec)
    average_fee_paid: str | msgspec.UnsetType = msgspec.UNSET


class DecreaseOrderV2Response(_Out, frozen=True):
    order_id: str
    client_order_id: str
    remaining_count: str
    ts_ms: int


class CancelOrderV2Response(_Out, frozen=True):
    order_id: str
    client_order_id: str
    reduced_by: str
    ts_ms: int


class ErrorBody(_Out, frozen=True):
    code: str
    message: str
    details: str = ""
    service: str = "exchange"


class BatchCreateV2Item(msgspec.Struct, omit_defaults=True, frozen=True):
    order_id: str | None = None
    client_order_id: str | None = None
    fill_count: str | None = None
    remaining_count: str | None = None
    average_fill_price: str | msgspec.UnsetType = msgspec.UNSET  # only with fills (spec)
    average_fee_paid: str | msgspec.UnsetType = msgspec.UNSET
    ts_ms: int | None = None
    error: ErrorBody | None = None


class BatchCancelV2Item(msgspec.Struct, omit_defaults=True, frozen=True):
    order_id: str
    reduced_by: str
    client_order_id: str | None = None
    ts_ms: int | None = None
    error: ErrorBody | None = None


class CancelOrderResponse(_Out, frozen=True):
    order: Order
    reduced_by_fp: str
    reduced_by: int


class BatchCreateV1Item(msgspec.Struct, omit_defaults=True, frozen=True):
    client_order_id: str | None = None
    order: Order | None = None
    error: ErrorBody | None = None


class BatchCancelV1Item(msgspec.Struct, omit_defaults=True, frozen=True):
    order_id: str
    reduced_by_fp: str
    reduced_by: int
    order: Order | None = None
    error: ErrorBody | None = None


class QueuePosition(_Out, frozen=True):
    order_id: str
    market_ticker: str
    queue_position_fp: str
    queue_position: int


def queue_position(order_id: str, ticker: str, ahead: int) -> QueuePosition:
    return QueuePosition(order_id, ticker, count_fp(ahead), count_contracts(ahead))
