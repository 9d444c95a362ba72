"""The RFQ and quote commands (getting_started/rfqs.md) the gateways send to the engine.

Applied by exchange/rfqs.py. Prices are Price units ($0.0001), counts Count (0.01 contracts),
amounts Amount ($0.000001).
"""

from __future__ import annotations

from dataclasses import dataclass

from .combos import Leg


@dataclass(frozen=True, slots=True)
class CreateRfq:
    """Exactly one of `contracts` (Count, whole contracts) and `target_cost` (Amount)."""

    user_seq: int
    user_id: str
    subaccount: int
    ticker: str
    contracts: int | None
    target_cost: int | None
    rest_remainder: bool
    replace_existing: bool = False
    hvm: bool = False  # the gateway knows: a KXMVE ticker or a market of a multivariate collection
    mve_collection_ticker: str = ""  # a combo market's collection and legs, as the gateway read them
    mve_selected_legs: tuple[Leg, ...] = ()


@dataclass(frozen=True, slots=True)
class DeleteRfq:
    user_seq: int
    rfq_id: str


@dataclass(frozen=True, slots=True)
class CreateQuote:
    """`yes_bid`, `no_bid`: Price, 0 declines that side."""

    user_seq: int
    user_id: str
    subaccount: int
    rfq_id: str
    yes_bid: int
    no_bid: int
    rest_remainder: bool
    post_only: bool = False


@dataclass(frozen=True, slots=True)
class DeleteQuote:
    user_seq: int
    quote_id: str


@dataclass(frozen=True, slots=True)
class AcceptQuote:
    user_seq: int
    quote_id: str
    accepted_side: str  # "yes" or "no": the side the requester buys


@dataclass(frozen=True, slots=True)
class ConfirmQuote:
    user_seq: int
    quote_id: str


RFQ_COMMANDS = (CreateRfq, DeleteRfq, CreateQuote, DeleteQuote, AcceptQuote, ConfirmQuote)
RfqCommand = CreateRfq | DeleteRfq | CreateQuote | DeleteQuote | AcceptQuote | ConfirmQuote
