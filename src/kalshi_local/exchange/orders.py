"""Orders, fills, trades, positions and accounts: the trading state, and the commands that change it.

Every amount is a raw fixed-point integer (exchange/money.py): prices in $0.0001,
counts in 0.01 contracts, money in $0.000001. Prices are always in yes-price space
(getting_started/order_direction.md): a `bid` (outcome_side yes) at p pays p per
contract, an `ask` (outcome_side no) at p pays 1 - p. Times are microseconds on
the exchange clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .market_commands import MarketCommand
from .order_groups import OrderGroupCommand
from .pauses import SetExchangeState
from .rfq_commands import RfqCommand
from .subaccount_commands import SubaccountCommand

BookSide = Literal["bid", "ask"]  # bid ≡ yes, ask ≡ no
OutcomeSide = Literal["yes", "no"]
Action = Literal["buy", "sell"]  # legacy direction, as a V1 client sent it
TimeInForce = Literal["good_till_canceled", "immediate_or_cancel", "fill_or_kill"]
SelfTradePrevention = Literal["taker_at_cross", "maker"]
OrderStatus = Literal["resting", "canceled", "executed"]

OUTCOME_OF: dict[str, OutcomeSide] = {"bid": "yes", "ask": "no"}
BOOK_SIDE_OF: dict[str, BookSide] = {"yes": "bid", "no": "ask"}


def book_side_of(action: Action, side: OutcomeSide) -> BookSide:
    """The legacy (action, side) pair as a book side: buy yes and sell no are bids."""
    return "bid" if (action == "buy") == (side == "yes") else "ask"


AccountKey = tuple[int, int]  # (user_seq, subaccount)


@dataclass(slots=True)
class Order:
    """One order, as it stands now. Mutated only by the venue."""

    seq: int  # time priority and the order of GET /portfolio/orders
    order_id: str
    user_seq: int
    user_id: str
    subaccount: int
    ticker: str
    event_ticker: str
    book_side: BookSide
    price: int  # yes price
    initial_count: int
    remaining_count: int
    fill_count: int
    status: OrderStatus
    time_in_force: TimeInForce
    self_trade_prevention: SelfTradePrevention
    client_order_id: str
    action: Action  # legacy fields as submitted (V2: bid is buy yes, ask is sell yes)
    side: OutcomeSide
    post_only: bool
    reduce_only: bool
    cancel_order_on_pause: bool
    order_group_id: str | None
    expiration_us: int | None
    created_us: int
    updated_us: int
    taker_fill_cost: int = 0  # Amount
    maker_fill_cost: int = 0
    taker_fees: int = 0
    maker_fees: int = 0
    fee_accumulator: int = 0  # fee_rounding.md: rounding overpaid so far, Amount
    reserved: int = 0  # collateral locked for the remaining count, Amount

    @property
    def account(self) -> AccountKey:
        return (self.user_seq, self.subaccount)

    @property
    def outcome_side(self) -> OutcomeSide:
        return OUTCOME_OF[self.book_side]


@dataclass(frozen=True, slots=True)
class Fill:
    """One side of a match: each match gives a taker fill and a maker fill."""

    seq: int
    fill_id: str
    trade_id: str
    order_id: str
    user_seq: int
    subaccount: int
    ticker: str
    book_side: BookSide
    action: Action
    side: OutcomeSide
    price: int  # yes price of the trade (the maker's price)
    count: int
    is_taker: bool
    fee: int  # net fee of this fill (trade fee + rounding fee - rebate), Amount
    created_us: int


@dataclass(frozen=True, slots=True)
class Trade:
    """A public trade: what GET /markets/trades lists."""

    seq: int
    trade_id: str
    ticker: str
    price: int  # yes price
    count: int
    taker_book_side: BookSide
    created_us: int


@dataclass(slots=True)
class Position:
    """A user's holding in one market. `position` is signed: > 0 YES, < 0 NO contracts."""

    user_seq: int
    subaccount: int
    ticker: str
    event_ticker: str
    position: int = 0  # Count
    total_traded: int = 0  # Amount
    market_exposure: int = 0  # Amount: cost of the contracts held now
    realized_pnl: int = 0  # Amount
    fees_paid: int = 0  # Amount
    resting_orders_count: int = 0
    updated_us: int = 0


@dataclass(slots=True)
class Account:
    """Cash of one (sub)account. `balance` is all cash, `reserved` the part locked
    by resting orders; what a new order may spend is `balance - reserved`."""

    user_seq: int
    subaccount: int
    balance: int  # Amount
    reserved: int = 0  # Amount
    updated_us: int = 0

    @property
    def available(self) -> int:
        return self.balance - self.reserved


@dataclass(frozen=True, slots=True)
class MarketRules:
    """What the venue needs to know of a market to accept orders in it."""

    ticker: str
    event_ticker: str
    trading: bool  # status active: orders may be placed, amended, decreased and cancelled
    price_level_structure: str  # exchange/price_levels.py
    fee_type: str  # quadratic, quadratic_with_maker_fees, flat
    fee_multiplier: str  # decimal text as stored, e.g. "1" or "0.5"
    # What a series fee change must leave alone (exchange/fee_changes.py): the event's overrides.
    series_ticker: str = ""
    fee_type_override: str | None = None
    fee_multiplier_override: str | None = None


@dataclass(slots=True)
class MarketStats:
    """The order-flow fields of a Market, kept by the venue (prices, sizes, volumes)."""

    ticker: str
    yes_bid: int = 0  # best bid (Price); 0 when none
    yes_ask: int = 10_000  # best ask (Price); $1 when none
    yes_bid_size: int = 0  # Count
    yes_ask_size: int = 0
    last_price: int = 0
    previous_yes_bid: int = 0
    previous_yes_ask: int = 0
    previous_price: int = 0
    volume: int = 0  # Count
    volume_24h: int = 0
    open_interest: int = 0
    liquidity: int = 0  # Amount: value of resting orders
    updated_us: int = 0


# --- Commands: what gateways ask of the engine. Each names the caller's account. ---


@dataclass(frozen=True, slots=True)
class CreateOrder:
    user_seq: int
    user_id: str
    subaccount: int
    ticker: str
    book_side: BookSide
    price: int  # yes price; for buy_max_cost orders without a price, the worst acceptable price
    count: int
    time_in_force: TimeInForce = "good_till_canceled"
    self_trade_prevention: SelfTradePrevention = "taker_at_cross"
    client_order_id: str = ""
    action: Action = "buy"
    side: OutcomeSide = "yes"
    expiration_us: int | None = None
    post_only: bool = False
    reduce_only: bool = False
    buy_max_cost: int | None = None  # Amount; implies fill_or_kill
    cancel_order_on_pause: bool = False
    order_group_id: str | None = None


@dataclass(frozen=True, slots=True)
class CancelOrder:
    user_seq: int
    order_id: str
    subaccount: int | None = None  # None: any of the user's subaccounts


@dataclass(frozen=True, slots=True)
class AmendOrder:
    """Change price and/or total count (filled + remaining) of a resting order."""

    user_seq: int
    order_id: str
    ticker: str
    book_side: BookSide
    price: int
    count: int | None  # the new initial count: fill_count + new remaining; None: as it is
    client_order_id: str | None = None  # must match when given
    updated_client_order_id: str | None = None
    subaccount: int | None = None


@dataclass(frozen=True, slots=True)
class DecreaseOrder:
    """Exactly one of reduce_by and reduce_to."""

    user_seq: int
    order_id: str
    reduce_by: int | None = None
    reduce_to: int | None = None
    subaccount: int | None = None


@dataclass(frozen=True, slots=True)
class AdjustBalance:
    """Admin: add `delta` (Amount, may be negative) to an account's cash."""

    user_seq: int
    subaccount: int
    delta: int


@dataclass(frozen=True, slots=True)
class SetBalance:
    """Admin: set an account's cash (Amount)."""

    user_seq: int
    subaccount: int
    balance: int


Command = (
    CreateOrder | CancelOrder | AmendOrder | DecreaseOrder | AdjustBalance | SetBalance | MarketCommand
    | SetExchangeState | SubaccountCommand | OrderGroupCommand | RfqCommand
)  # fmt: skip
