"""RFQs and quotes as the venue keeps them, and the events their changes emit (getting_started/rfqs.md).

Plain values: money in the units of exchange/money.py (prices $0.0001, counts 0.01 contracts,
amounts $0.000001), times in microseconds on the exchange clock. The engine writes each
snapshot as an upsert of its row (engine/rfq_rows.py); a `deleted` quote leaves the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .combos import Leg

RfqStatus = Literal["open", "closed"]
QuoteStatus = Literal["open", "accepted", "confirmed", "executed", "cancelled"]


@dataclass(slots=True)
class Rfq:
    """A request for quote. `contracts` is 0 when the size is `target_cost` (an Amount)."""

    seq: int  # the event seq that created it: the order of GET /communications/rfqs
    rfq_id: str
    user_seq: int
    user_id: str
    subaccount: int
    ticker: str
    event_ticker: str
    contracts: int
    target_cost: int | None
    rest_remainder: bool
    hvm: bool  # a high volatility market: the short confirmation and execution windows
    status: RfqStatus
    created_us: int
    updated_us: int
    cancelled_us: int | None = None
    cancellation_reason: str = ""
    mve_collection_ticker: str = ""  # a combo (multivariate) market's collection, and its legs
    mve_selected_legs: tuple[Leg, ...] = ()


@dataclass(slots=True)
class Quote:
    """A maker's two prices on an RFQ. `yes_bid`/`no_bid` are what the maker pays per YES/NO
    contract (0: that side declined); `yes_contracts`/`no_contracts` the count the RFQ creator
    gets by accepting that side. The RFQ creator's fields are copied in: a quote outlives its RFQ."""

    seq: int
    quote_id: str
    rfq_id: str
    user_seq: int
    user_id: str
    subaccount: int
    rfq_user_seq: int
    rfq_user_id: str
    rfq_subaccount: int
    ticker: str
    event_ticker: str
    contracts: int
    target_cost: int | None
    yes_bid: int
    no_bid: int
    yes_contracts: int
    no_contracts: int
    rest_remainder: bool
    post_only: bool
    hvm: bool
    status: QuoteStatus
    created_us: int
    updated_us: int
    accepted_side: str = ""  # "yes" or "no": the side the RFQ creator buys
    accepted_us: int | None = None
    confirmed_us: int | None = None
    executed_us: int | None = None
    cancelled_us: int | None = None
    cancellation_reason: str = ""
    creator_order_id: str = ""  # the maker's order, once executed
    rfq_creator_order_id: str = ""
    creator_client_order_id: str = ""
    rfq_creator_client_order_id: str = ""

    @property
    def accepted_contracts(self) -> int:
        return self.yes_contracts if self.accepted_side == "yes" else self.no_contracts


@dataclass(frozen=True, slots=True)
class RfqChanged:
    """`kind`: created or deleted (closed by its creator, replaced, or at the execution of a quote)."""

    seq: int
    rfq: Rfq  # a copy
    kind: str


@dataclass(frozen=True, slots=True)
class QuoteChanged:
    """`kind`: created, accepted, confirmed, executed, cancelled, or deleted (the 14-day clean-up)."""

    seq: int
    quote: Quote  # a copy
    kind: str
