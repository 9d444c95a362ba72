"""Order request bodies (V2 and V1) and their conversion to engine commands.

Decoding checks only the request's shape: types, ranges and which fields exclude
each other. Market rules (the price grid, balances, positions) are the venue's.
Every error names the field (`orders[2].price: ...`). Commands carry the YES
price in $0.0001 (exchange/orders.py): a V1 `no_price` p becomes 1 - p.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, TypeVar

import msgspec
from msgspec import Meta

from ..auth.ratelimit import TIERS, max_batch
from ..errors import InvalidParameter
from ..exchange.clock import MICROS
from ..exchange.money import PRICE_SCALE, Amount, Count, Price
from ..exchange.orders import (
    AmendOrder,
    BookSide,
    CancelOrder,
    CreateOrder,
    DecreaseOrder,
    book_side_of,
)
from .inputs import describe

MAX_SUBACCOUNT = 32
# Orders in one batched create or cancel for the richest tier; each caller's own limit is
# ratelimit.max_batch, checked where the caller is known (api/orders.py).
MAX_BATCH = max(max_batch("DELETE", "/portfolio/orders/batched", tier) for tier in TIERS)
MAX_TIMESTAMP_S = 253_402_300_799  # 9999-12-31T23:59:59Z

Ticker = Annotated[str, Meta(min_length=1, max_length=200)]
ClientOrderId = Annotated[str, Meta(max_length=200)]
OrderId = Annotated[str, Meta(min_length=1, max_length=200)]
Subaccount = Annotated[int, Meta(ge=0, le=MAX_SUBACCOUNT)]
Cents = Annotated[int, Meta(ge=1, le=99)]
Contracts = Annotated[int, Meta(ge=0, le=2**53)]
Seconds = Annotated[int, Meta(ge=0, le=MAX_TIMESTAMP_S)]
# Counts and prices arrive as strings ("1", "2.00", "0.0100"); a JSON number is taken too.
Decimal = Annotated[str, Meta(max_length=40)] | Annotated[int, Meta(ge=0, le=2**53)]
TimeInForceIn = Literal["good_till_canceled", "immediate_or_cancel", "fill_or_kill"]
StpIn = Literal["taker_at_cross", "maker"]


@dataclass(frozen=True, slots=True)
class Who:
    """The caller a command is for."""

    user_seq: int
    user_id: str


class _In(msgspec.Struct, kw_only=True):  # unknown fields are ignored: newer clients send more
    pass


# --- V2 ------------------------------------------------------------------------------------------


class _OrderOptions(_In, kw_only=True):
    """What V1 and V2 creates share."""

    client_order_id: ClientOrderId = ""  # the spec requires it on V2; ccxt omits it
    time_in_force: TimeInForceIn = "good_till_canceled"
    post_only: bool = False
    reduce_only: bool = False
    self_trade_prevention_type: StpIn | None = None
    order_group_id: OrderId | None = None
    cancel_order_on_pause: bool = False
    subaccount: Subaccount = 0
    exchange_index: Literal[0] | None = None  # ExchangeIndex: "currently only 0 supported"


class CreateOrderV2(_OrderOptions, kw_only=True):
    ticker: Ticker
    side: Literal["bid", "ask"]
    count: Decimal
    price: Decimal
    expiration_time: Seconds | None = None


class AmendOrderV2(_In):
    ticker: Ticker
    side: Literal["bid", "ask"]
    price: Decimal
    count: Decimal
    client_order_id: ClientOrderId | None = None
    updated_client_order_id: ClientOrderId | None = None


class DecreaseOrderV2(_In):
    reduce_by: Decimal | None = None
    reduce_to: Decimal | None = None


class BatchCreateV2(_In):
    orders: Annotated[list[CreateOrderV2], Meta(min_length=1, max_length=MAX_BATCH)]


class CancelItem(_In):
    order_id: OrderId
    subaccount: Subaccount = 0  # the primary unless named


class BatchCancelV2(_In):
    orders: Annotated[list[CancelItem], Meta(min_length=1, max_length=MAX_BATCH)]


# --- V1 ------------------------------------------------------------------------------------------


class CreateOrderV1(_OrderOptions, kw_only=True):
    ticker: Ticker
    action: Literal["buy", "sell"]
    side: Literal["yes", "no"]
    count: Contracts | None = None
    count_fp: Decimal | None = None
    yes_price: Cents | None = None
    no_price: Cents | None = None
    yes_price_dollars: Decimal | None = None
    no_price_dollars: Decimal | None = None
    type: Literal["limit", "market"] | None = None
    expiration_ts: Seconds | None = None
    buy_max_cost: Annotated[int, Meta(ge=1, le=2**53)] | None = None  # cents
    sell_position_floor: int | None = None


class AmendOrderV1(_In):
    ticker: Ticker
    action: Literal["buy", "sell"]
    side: Literal["yes", "no"]
    count: Contracts | None = None
    count_fp: Decimal | None = None
    yes_price: Cents | None = None
    no_price: Cents | None = None
    yes_price_dollars: Decimal | None = None
    no_price_dollars: Decimal | None = None
    client_order_id: ClientOrderId | None = None
    updated_client_order_id: ClientOrderId | None = None
    subaccount: Subaccount = 0  # the primary unless named


class DecreaseOrderV1(_In):
    reduce_by: Contracts | None = None
    reduce_by_fp: Decimal | None = None
    reduce_to: Contracts | None = None
    reduce_to_fp: Decimal | None = None
    subaccount: Subaccount = 0  # the primary unless named


class BatchCreateV1(_In):
    orders: Annotated[list[CreateOrderV1], Meta(min_length=1, max_length=MAX_BATCH)]


class BatchCancelV1(_In):
    ids: Annotated[list[OrderId], Meta(max_length=MAX_BATCH)] | None = None
    orders: Annotated[list[CancelItem], Meta(max_length=MAX_BATCH)] | None = None


# --- decoding ------------------------------------------------------------------------------------


S = TypeVar("S", bound=msgspec.Struct)


def decode(data: object, shape: type[S], prefix: str = "") -> S:
    """`data` (decoded JSON) as `shape`. Raises InvalidParameter naming the field."""
    try:
        return msgspec.convert(data, shape)
    except msgspec.ValidationError as exc:
        path, reason = describe(exc, prefix)
        raise InvalidParameter(f"{path.lstrip('.') or 'body'}: {reason}") from None


def _fail(field: str, reason: str) -> InvalidParameter:
    return InvalidParameter(f"{field}: {reason}")


def _price(value: str | int, field: str) -> int:
    """A dollar price strictly between 0 and 1, in $0.0001."""
    try:
        raw = Price.from_dollars(str(value)).raw
    except ValueError:
        raise _fail(
            field, f'must be a dollar amount with at most 4 decimal places, like "0.5600", got {str(value)[:40]!r}'
        ) from None
    if not 0 < raw < PRICE_SCALE:
        raise _fail(field, f"must be between 0 and 1 dollar exclusive, got {value!r}")
    return raw


def _count(value: str | int, field: str, allow_zero: bool = False) -> int:
    """A contract count in 0.01 contracts; positive unless `allow_zero`."""
    try:
        raw = Count.from_fp(str(value)).raw
    except ValueError:
        raise _fail(
            field, f'must be a contract count with at most 2 decimal places, like "10.00", got {str(value)[:40]!r}'
        ) from None
    if raw < 0 or (raw == 0 and not allow_zero):
        raise _fail(field, f"must be {'at least 0' if allow_zero else 'positive'}, got {value!r}")
    return raw


def _seconds_us(seconds: int | None) -> int | None:
    return None if seconds is None else seconds * MICROS


def _stp(value: str | None) -> Literal["taker_at_cross", "maker"]:
    return "maker" if value == "maker" else "taker_at_cross"


def create_v2(body: CreateOrderV2, who: Who, at: str = "") -> CreateOrder:
    """A V2 create as a command: bid buys YES at `price`, ask sells YES (buys NO at 1 - price)."""
    book_side: BookSide = body.side
    return CreateOrder(
        user_seq=who.user_seq,
        user_id=who.user_id,
        subaccount=body.subaccount,
        ticker=body.ticker,
        book_side=book_side,
        price=_price(body.price, at + "price"),
        count=_count(body.count, at + "count"),
        time_in_force=body.time_in_force,
        self_trade_prevention=_stp(body.self_trade_prevention_type),
        client_order_id=body.client_order_id,
        action="buy" if book_side == "bid" else "sell",
        side="yes",
        expiration_us=_seconds_us(body.expiration_time),
        post_only=body.post_only,
        reduce_only=body.reduce_only,
        cancel_order_on_pause=body.cancel_order_on_pause,
        order_group_id=body.order_group_id,
    )


def amend_v2(body: AmendOrderV2, who: Who, order_id: str, subaccount: int) -> AmendOrder:
    return AmendOrder(
        user_seq=who.user_seq,
        order_id=order_id,
        ticker=body.ticker,
        book_side=body.side,
        price=_price(body.price, "price"),
        count=_count(body.count, "count"),
        client_order_id=body.client_order_id,
        updated_client_order_id=body.updated_client_order_id,
        subaccount=subaccount,
    )


def decrease_v2(body: DecreaseOrderV2, who: Who, order_id: str, subaccount: int) -> DecreaseOrder:
    reduce_by = None if body.reduce_by is None else _count(body.reduce_by, "reduce_by")
    reduce_to = None if body.reduce_to is None else _count(body.reduce_to, "reduce_to", allow_zero=True)
    _exactly_one({"reduce_by": reduce_by, "reduce_to": reduce_to})
    return DecreaseOrder(who.user_seq, order_id, reduce_by=reduce_by, reduce_to=reduce_to, subaccount=subaccount)


def cancel_items(items: list[CancelItem], who: Who) -> list[CancelOrder]:
    return [CancelOrder(who.user_seq, item.order_id, item.subaccount) for item in items]


def batch_cancel_v1(body: BatchCancelV1, who: Who) -> list[CancelOrder]:
    """`ids` (older clients) or `orders` (with subaccounts), not both and not neither."""
    if body.ids and body.orders:
        raise _fail("ids", "give ids or orders, not both")
    if body.orders:
        return cancel_items(body.orders, who)
    if body.ids:
        return [CancelOrder(who.user_seq, order_id, 0) for order_id in body.ids]
    if body.ids is not None:  # named, but empty
        raise _fail("ids", "at least one order id is required")
    raise _fail("orders", "at least one order to cancel is required (orders, or ids)")


def _exactly_one(fields: dict[str, int | None]) -> None:
    given = [name for name, value in fields.items() if value is not None]
    if len(given) != 1:
        names = " or ".join(fields)
        raise _fail(names, "exactly one is required" + (f", got {' and '.join(given)}" if given else ""))


def _v1_count(count: int | None, count_fp: str | int | None, at: str, allow_zero: bool = False) -> int | None:
    """`count` (whole contracts) and/or `count_fp`; equal when both are given."""
    name = at
    whole = None
    if count is not None:
        whole = Count.from_contracts(count).raw
        if whole == 0 and not allow_zero:
            raise _fail(name, "must be positive, got 0")
    fp = None if count_fp is None else _count(count_fp, name + "_fp", allow_zero)
    if whole is not None and fp is not None and whole != fp:
        raise _fail(name + "_fp", f"must equal {name} when both are given ({count_fp!r} vs {count})")
    return fp if fp is not None else whole


def _v1_yes_price(body: CreateOrderV1 | AmendOrderV1, at: str, required: bool) -> int | None:
    """The one price given, as a YES price: yes_price(_dollars) p, or no_price(_dollars) p as 1 - p."""
    given = {
        name: value
        for name, value in (
            ("yes_price", body.yes_price),
            ("no_price", body.no_price),
            ("yes_price_dollars", body.yes_price_dollars),
            ("no_price_dollars", body.no_price_dollars),
        )
        if value is not None
    }
    if len(given) > 1:
        raise _fail(at + "yes_price", f"give exactly one price, got {', '.join(given)}")
    if not given:
        if required:
            prices = "yes_price, no_price, yes_price_dollars or no_price_dollars"
            raise _fail(at + "yes_price", f"a price is required: {prices}")
        return None
    ((name, value),) = given.items()
    raw = _price(value, at + name) if name.endswith("_dollars") else Price.from_cents(int(value)).raw
    return raw if name.startswith("yes") else PRICE_SCALE - raw


_NO_MARKET_ORDERS = (
    "market orders are no longer offered (Kalshi removed type=market): give a price, one of yes_price,"
    " no_price, yes_price_dollars or no_price_dollars (with buy_max_cost to cap the cost)"
)


def create_v1(body: CreateOrderV1, who: Who, at: str = "") -> CreateOrder:
    """A V1 create as a command. Every order needs a price: `type` market is no longer offered
    (changelog: "POST /portfolio/orders removed `type`"), so older clients' `type` is read and
    otherwise ignored, and buy_max_cost caps the cost of a fill-or-kill order at its price."""
    if body.sell_position_floor not in (None, 0):
        raise _fail(at + "sell_position_floor", f"only 0 is supported, got {body.sell_position_floor}")
    if body.buy_max_cost is not None and body.action != "buy":
        raise _fail(at + "buy_max_cost", "applies only to buy orders")
    count = _v1_count(body.count, body.count_fp, at + "count")
    if count is None:
        raise _fail(at + "count", "count or count_fp is required")
    book_side = book_side_of(body.action, body.side)
    if body.type == "market" and _v1_yes_price(body, at, required=False) is None:
        raise _fail(at + "type", _NO_MARKET_ORDERS)
    price = _v1_yes_price(body, at, required=True)
    assert price is not None
    return CreateOrder(
        user_seq=who.user_seq,
        user_id=who.user_id,
        subaccount=body.subaccount,
        ticker=body.ticker,
        book_side=book_side,
        price=price,
        count=count,
        time_in_force=body.time_in_force,
        self_trade_prevention=_stp(body.self_trade_prevention_type),
        client_order_id=body.client_order_id,
        action=body.action,
        side=body.side,
        expiration_us=_seconds_us(body.expiration_ts),
        post_only=body.post_only,
        # sell_position_floor 0: a sell may close the position but never flip it; a buy is a buy.
        reduce_only=body.reduce_only or (body.sell_position_floor == 0 and body.action == "sell"),
        buy_max_cost=None if body.buy_max_cost is None else Amount.from_cents(body.buy_max_cost).raw,
        cancel_order_on_pause=body.cancel_order_on_pause,
        order_group_id=body.order_group_id,
    )


def amend_v1(body: AmendOrderV1, who: Who, order_id: str) -> AmendOrder:
    """A V1 amend as a command: without count or count_fp the order keeps its count."""
    count = _v1_count(body.count, body.count_fp, "count")
    price = _v1_yes_price(body, "", required=True)
    assert price is not None
    return AmendOrder(
        user_seq=who.user_seq,
        order_id=order_id,
        ticker=body.ticker,
        book_side=book_side_of(body.action, body.side),
        price=price,
        count=count,
        client_order_id=body.client_order_id,
        updated_client_order_id=body.updated_client_order_id,
        subaccount=body.subaccount,
    )


def decrease_v1(body: DecreaseOrderV1, who: Who, order_id: str) -> DecreaseOrder:
    reduce_by = _v1_count(body.reduce_by, body.reduce_by_fp, "reduce_by")
    reduce_to = _v1_count(body.reduce_to, body.reduce_to_fp, "reduce_to", allow_zero=True)
    _exactly_one({"reduce_by": reduce_by, "reduce_to": reduce_to})
    return DecreaseOrder(who.user_seq, order_id, reduce_by=reduce_by, reduce_to=reduce_to, subaccount=body.subaccount)
