"""Domain events: every state change the venue makes, in the order it made them.

The engine persists them (each snapshot event is an upsert, each fill and trade an
insert) and, once durable, hands them to subscribers (the WebSocket gateway,
candlesticks). Replaying a stream from empty gives the same state: snapshot events
carry the whole object as it stands after the change.
Every event has `seq`, a number that grows by one per event across the exchange.
"""

from __future__ import annotations

from dataclasses import dataclass

from .combos import LegsSettled
from .fee_changes import SeriesFeeChanged
from .lifecycle import MarketLife
from .order_groups import OrderGroupChanged
from .orders import Account, BookSide, Fill, MarketStats, Order, Position, Trade
from .rfq_events import QuoteChanged, RfqChanged
from .settlement import Settlement


@dataclass(frozen=True, slots=True)
class OrderChanged:
    """An order was created, filled, amended, decreased, cancelled or expired.
    `reason` is one of created, filled, amended, decreased, canceled, expired, or collateral
    (only its `reserved` moved, because the user's position in the market changed)."""

    seq: int
    order: Order  # a copy: later changes do not show through
    reason: str


@dataclass(frozen=True, slots=True)
class Filled:
    seq: int
    fill: Fill


@dataclass(frozen=True, slots=True)
class Traded:
    seq: int
    trade: Trade


@dataclass(frozen=True, slots=True)
class BookChanged:
    """The resting count at one price level changed by `delta` (signed Count).
    `price` is the yes price of the level; `book_side` bid holds YES bids, ask NO bids."""

    seq: int
    ticker: str
    book_side: BookSide
    price: int
    delta: int
    client_order_id: str | None  # of the order whose change this is, for its owner
    user_seq: int | None
    subaccount: int = 0  # of that order, for its owner too


@dataclass(frozen=True, slots=True)
class MarketChanged:
    seq: int
    stats: MarketStats  # a copy


@dataclass(frozen=True, slots=True)
class PositionChanged:
    seq: int
    position: Position  # a copy


@dataclass(frozen=True, slots=True)
class BalanceChanged:
    seq: int
    account: Account  # a copy


@dataclass(frozen=True, slots=True)
class MarketLifecycle:
    """A market moved in its lifecycle; `life` is a copy as it stands after the move.
    `kind` is one of opened and closed (implicit, by the clock: no WebSocket event per
    market_lifecycle.md), deactivated, activated, close_date_updated, determined,
    disputed, amended, settled, voided."""

    seq: int
    life: MarketLife
    kind: str


@dataclass(frozen=True, slots=True)
class Settled:
    """One account's position in a market was paid out (or paid back, when void)."""

    seq: int
    settlement: Settlement


Event = (
    OrderChanged | Filled | Traded | BookChanged | MarketChanged | PositionChanged | BalanceChanged | MarketLifecycle
    | Settled | OrderGroupChanged | RfqChanged | QuoteChanged | LegsSettled | SeriesFeeChanged
)  # fmt: skip
