"""Per-channel renderers: pure functions from domain events to the contract's `msg` bodies.

Each returns the JSON text of one message's `msg` object (asyncapi.yaml's payload schemas),
made once per event and variant; `frame` wraps it with the per-subscription `sid`/`seq`.
Prices are fixed-point dollar strings, counts `_fp` strings (exchange/money.py); times are
the event's exchange time. No-leg pricing of the order book: getting_started/order_direction.md.
"""

from __future__ import annotations

import msgspec

from ..exchange.clock import to_rfc3339
from ..exchange.events import BookChanged
from ..exchange.money import COUNT_SCALE, PRICE_SCALE, Amount, count_fp, price_dollars
from ..exchange.orders import OUTCOME_OF, Fill, MarketStats, Order, Position, Trade

UNSET = msgspec.UNSET
_encode = msgspec.json.Encoder().encode


class _Msg(msgspec.Struct, omit_defaults=True, frozen=True):
    pass


class BookDelta(_Msg, frozen=True):
    market_ticker: str
    market_id: str
    price_dollars: str
    delta_fp: str
    side: str
    ts: str
    ts_ms: int
    client_order_id: str | msgspec.UnsetType = UNSET
    subaccount: int | msgspec.UnsetType = UNSET


class BookSnapshot(_Msg, frozen=True):
    market_ticker: str
    market_id: str
    yes_dollars_fp: list[tuple[str, str]] | msgspec.UnsetType = UNSET
    no_dollars_fp: list[tuple[str, str]] | msgspec.UnsetType = UNSET


class Ticker(_Msg, frozen=True):
    market_ticker: str
    market_id: str
    price_dollars: str
    yes_bid_dollars: str
    yes_ask_dollars: str
    volume_fp: str
    open_interest_fp: str
    dollar_volume: int
    dollar_open_interest: int
    yes_bid_size_fp: str
    yes_ask_size_fp: str
    last_trade_size_fp: str
    ts: int
    ts_ms: int
    time: str


class TradeMsg(_Msg, frozen=True):
    trade_id: str
    market_ticker: str
    yes_price_dollars: str
    no_price_dollars: str
    count_fp: str
    taker_side: str
    taker_outcome_side: str
    taker_book_side: str
    ts: int
    ts_ms: int


class FillMsg(_Msg, frozen=True):
    trade_id: str
    order_id: str
    market_ticker: str
    is_taker: bool
    side: str
    yes_price_dollars: str
    count_fp: str
    fee_cost: str
    action: str
    outcome_side: str
    book_side: str
    ts: int
    ts_ms: int
    post_position_fp: str
    purchased_side: str
    client_order_id: str | msgspec.UnsetType = UNSET
    subaccount: int | msgspec.UnsetType = UNSET


class PositionMsg(_Msg, frozen=True):
    user_id: str
    market_ticker: str
    position_fp: str
    position_cost_dollars: str
    realized_pnl_dollars: str
    fees_paid_dollars: str
    position_fee_cost_dollars: str
    volume_fp: str
    subaccount: int | msgspec.UnsetType = UNSET


class UserOrder(_Msg, frozen=True):
    order_id: str
    user_id: str
    ticker: str
    status: str
    side: str
    is_yes: bool
    outcome_side: str
    book_side: str
    yes_price_dollars: str
    fill_count_fp: str
    remaining_count_fp: str
    initial_count_fp: str
    taker_fill_cost_dollars: str
    maker_fill_cost_dollars: str
    taker_fees_dollars: str
    maker_fees_dollars: str
    client_order_id: str
    created_time: str
    created_ts_ms: int
    last_update_time: str
    last_updated_ts_ms: int
    self_trade_prevention_type: str
    subaccount_number: int
    order_group_id: str | msgspec.UnsetType = UNSET
    expiration_time: str | msgspec.UnsetType = UNSET
    expiration_ts_ms: int | msgspec.UnsetType = UNSET


def text(msg: msgspec.Struct | dict) -> str:
    return _encode(msg).decode()


def frame(kind: str, sid: int, seq: int | None, body: str) -> str:
    """One message as sent: `{"type", "sid", ["seq",] "msg"}` around a rendered body."""
    if seq is None:
        return f'{{"type":"{kind}","sid":{sid},"msg":{body}}}'
    return f'{{"type":"{kind}","sid":{sid},"seq":{seq},"msg":{body}}}'


def shown_price(is_bid: bool, price: int, use_yes_price: bool) -> int:
    """A level's price as the orderbook channels show it: no-side levels in no-leg pricing
    (1 - yes price) unless the subscription asked for `use_yes_price`."""
    return price if is_bid or use_yes_price else PRICE_SCALE - price


def book_delta(event: BookChanged, market_id: str, use_yes_price: bool, ts_us: int, owner: bool) -> str:
    is_bid = event.book_side == "bid"
    delta = BookDelta(
        market_ticker=event.ticker,
        market_id=market_id,
        price_dollars=price_dollars(shown_price(is_bid, event.price, use_yes_price)),
        delta_fp=count_fp(event.delta),
        side="yes" if is_bid else "no",
        ts=rfc3339(ts_us),
        ts_ms=ts_us // 1000,
    )
    if owner and (event.client_order_id or event.subaccount):
        # `subaccount` only for a numbered one, as on fill and market_position: "using subaccounts"
        delta = msgspec.structs.replace(
            delta,
            client_order_id=event.client_order_id or UNSET,
            subaccount=event.subaccount or UNSET,
        )
    return text(delta)


def book_snapshot(
    ticker: str, market_id: str, bids: dict[int, int], asks: dict[int, int], use_yes_price: bool
) -> str:
    """`bids`/`asks` map yes prices to resting counts; each side is listed by its shown price, ascending."""
    yes = sorted((p, c) for p, c in bids.items() if c)
    no = sorted((shown_price(False, p, use_yes_price), c) for p, c in asks.items() if c)
    return text(
        BookSnapshot(
            market_ticker=ticker,
            market_id=market_id,
            yes_dollars_fp=[(price_dollars(p), count_fp(c)) for p, c in yes] if yes else UNSET,
            no_dollars_fp=[(price_dollars(p), count_fp(c)) for p, c in no] if no else UNSET,
        )
    )


def ticker(stats: MarketStats, market_id: str, last_trade_size: int) -> str:
    """`dollar_volume` and `dollar_open_interest` are whole dollars of notional ($1 a contract)."""
    us = stats.updated_us
    return text(
        Ticker(
            market_ticker=stats.ticker,
            market_id=market_id,
            price_dollars=price_dollars(stats.last_price),
            yes_bid_dollars=price_dollars(stats.yes_bid),
            yes_ask_dollars=price_dollars(stats.yes_ask),
            volume_fp=count_fp(stats.volume),
            open_interest_fp=count_fp(stats.open_interest),
            dollar_volume=stats.volume // COUNT_SCALE,
            dollar_open_interest=stats.open_interest // COUNT_SCALE,
            yes_bid_size_fp=count_fp(stats.yes_bid_size),
            yes_ask_size_fp=count_fp(stats.yes_ask_size),
            last_trade_size_fp=count_fp(last_trade_size),
            ts=us // 1_000_000,
            ts_ms=us // 1000,
            time=rfc3339(us),
        )
    )


def trade(event: Trade) -> str:
    outcome = OUTCOME_OF[event.taker_book_side]
    return text(
        TradeMsg(
            trade_id=event.trade_id,
            market_ticker=event.ticker,
            yes_price_dollars=price_dollars(event.price),
            no_price_dollars=price_dollars(PRICE_SCALE - event.price),
            count_fp=count_fp(event.count),
            taker_side=outcome,
            taker_outcome_side=outcome,
            taker_book_side=event.taker_book_side,
            ts=event.created_us // 1_000_000,
            ts_ms=event.created_us // 1000,
        )
    )


def fill(event: Fill, client_order_id: str | None, post_position: int) -> str:
    """`post_position` is the user's signed position (Count) in the market after this fill."""
    outcome = OUTCOME_OF[event.book_side]
    return text(
        FillMsg(
            trade_id=event.trade_id,
            order_id=event.order_id,
            market_ticker=event.ticker,
            is_taker=event.is_taker,
            side=event.side,
            yes_price_dollars=price_dollars(event.price),
            count_fp=count_fp(event.count),
            fee_cost=dollars(event.fee),
            action=event.action,
            outcome_side=outcome,
            book_side=event.book_side,
            ts=event.created_us // 1_000_000,
            ts_ms=event.created_us // 1000,
            post_position_fp=count_fp(post_position),
            purchased_side=outcome,
            client_order_id=client_order_id if client_order_id else UNSET,
            subaccount=event.subaccount if event.subaccount else UNSET,
        )
    )


def position(event: Position, user_id: str, volume: int) -> str:
    """`volume` is the contracts this user traded in the market (Count)."""
    return text(
        PositionMsg(
            user_id=user_id,
            market_ticker=event.ticker,
            position_fp=count_fp(event.position),
            position_cost_dollars=dollars(event.market_exposure),
            realized_pnl_dollars=dollars(event.realized_pnl),
            fees_paid_dollars=dollars(event.fees_paid),
            position_fee_cost_dollars=dollars(event.fees_paid),
            volume_fp=count_fp(volume),
            subaccount=event.subaccount if event.subaccount else UNSET,
        )
    )


def user_order(order: Order) -> str:
    expires = order.expiration_us
    return text(
        UserOrder(
            order_id=order.order_id,
            user_id=order.user_id,
            ticker=order.ticker,
            status=order.status,
            side=order.side,
            is_yes=order.book_side == "bid",
            outcome_side=OUTCOME_OF[order.book_side],
            book_side=order.book_side,
            yes_price_dollars=price_dollars(order.price),
            fill_count_fp=count_fp(order.fill_count),
            remaining_count_fp=count_fp(order.remaining_count),
            initial_count_fp=count_fp(order.initial_count),
            taker_fill_cost_dollars=dollars(order.taker_fill_cost),
            maker_fill_cost_dollars=dollars(order.maker_fill_cost),
            taker_fees_dollars=dollars(order.taker_fees),
            maker_fees_dollars=dollars(order.maker_fees),
            client_order_id=order.client_order_id,
            created_time=rfc3339(order.created_us),
            created_ts_ms=order.created_us // 1000,
            last_update_time=rfc3339(order.updated_us),
            last_updated_ts_ms=order.updated_us // 1000,
            self_trade_prevention_type=order.self_trade_prevention,
            subaccount_number=order.subaccount,
            order_group_id=order.order_group_id or UNSET,
            expiration_time=UNSET if expires is None else rfc3339(expires),
            expiration_ts_ms=UNSET if expires is None else expires // 1000,
        )
    )


def dollars(raw: int) -> str:
    """An Amount as dollars: 4 decimals, or 6 when fractions of $0.0001 remain (as REST shows it)."""
    return Amount(raw).to_dollars(4 if raw % 100 == 0 else 6)


def rfc3339(us: int) -> str:
    """Whole seconds, as the WebSocket messages show times. Not strftime: under the fan-out's
    load the profiler found most of the loop's time on that line."""
    return to_rfc3339(us - us % 1_000_000)
