"""Shapes of the communications operations (openapi.yaml: RFQ, Quote, Create*Request) and their
conversion to the venue's commands (exchange/rfqs.py).

Bodies arrive as the spec writes them (contracts_fp, target_cost_dollars, yes_bid/no_bid in
dollars) or as kalshi-python-sync 3.2.0 sends them (contracts, target_cost_centi_cents). RFQs and
quotes leave with the spec's fields, the legacy ones 3.2.0 requires (COMPAT.md: RFQ contracts;
Quote contracts, yes_bid, no_bid in cents) and the private fields only to the party they belong to.
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from ..errors import InvalidParameter
from ..exchange.clock import to_rfc3339
from ..exchange.combos import Leg
from ..exchange.money import PRICE_SCALE, Amount, Count, Price, count_contracts, count_fp, price_cents
from ..exchange.rfq_events import Quote, Rfq
from ..exchange.rfqs import CENTI_CENT, MAX_TARGET_COST, AcceptQuote, CreateQuote, CreateRfq, communications_id
from .trading import dollars
from .trading_inputs import MAX_SUBACCOUNT, Decimal, Who

UNSET = msgspec.UNSET
Subaccount = Annotated[int, Meta(ge=0, le=MAX_SUBACCOUNT)]


class _In(msgspec.Struct, kw_only=True):  # unknown fields are ignored: newer clients send more
    pass


class CreateRfqIn(_In):
    market_ticker: Annotated[str, Meta(min_length=1, max_length=200)]
    rest_remainder: bool
    contracts: Annotated[int, Meta(ge=0, le=2**53)] | None = None
    contracts_fp: Decimal | None = None
    target_cost_centi_cents: int | None = None  # its range is checked by _target_cost, naming the limits
    target_cost_dollars: Decimal | None = None
    replace_existing: bool = False
    subtrader_id: str | None = None
    subaccount: Subaccount = 0


class CreateQuoteIn(_In):
    rfq_id: Annotated[str, Meta(min_length=1, max_length=200)]
    yes_bid: Decimal
    no_bid: Decimal
    rest_remainder: bool
    post_only: bool = False
    subaccount: Subaccount = 0


class AcceptQuoteIn(_In):
    # kalshi-python-sync 3.2.0's enum is ('true', 'false'): its generator read YAML's bare yes/no as
    # booleans, so that client can only send those; they mean yes and no.
    accepted_side: Literal["yes", "no", "true", "false"]


def create_rfq(body: CreateRfqIn, who: Who, collection: str, legs: tuple[Leg, ...]) -> CreateRfq:
    """`collection` and `legs`: the market's, when it is a combo. Raises InvalidParameter naming the field."""
    contracts = _contracts(body)
    target = _target_cost(body)
    if (contracts is None) == (target is None):
        raise InvalidParameter("give exactly one of contracts_fp (or contracts) and target_cost_dollars")
    return CreateRfq(
        who.user_seq, who.user_id, body.subaccount, body.market_ticker, contracts, target, body.rest_remainder,
        body.replace_existing, bool(collection), collection, legs,
    )  # fmt: skip


def create_quote(body: CreateQuoteIn, who: Who) -> CreateQuote:
    yes_bid, no_bid = _bid(body.yes_bid, "yes_bid"), _bid(body.no_bid, "no_bid")
    return CreateQuote(
        who.user_seq, who.user_id, body.subaccount, body.rfq_id, yes_bid, no_bid, body.rest_remainder, body.post_only
    )


def accept_quote(body: AcceptQuoteIn, user_seq: int, quote_id: str) -> AcceptQuote:
    side = {"true": "yes", "false": "no"}.get(body.accepted_side, body.accepted_side)
    return AcceptQuote(user_seq, quote_id, side)


def _contracts(body: CreateRfqIn) -> int | None:
    given = []
    if body.contracts is not None:
        given.append(body.contracts * 100)
    if body.contracts_fp is not None:
        try:
            given.append(Count.from_fp(str(body.contracts_fp)).raw)
        except ValueError:
            raise InvalidParameter(
                f'contracts_fp: must be a contract count like "10.00", got {str(body.contracts_fp)[:40]!r}'
            ) from None
    if len(given) == 2 and given[0] != given[1]:
        raise InvalidParameter("contracts and contracts_fp must match when both are given")
    return given[0] if given else None


def _target_cost(body: CreateRfqIn) -> int | None:
    """In Amount: whole centi-cents from one to MAX_TARGET_COST (a larger one would not fit the store)."""
    if body.target_cost_dollars is not None:
        text = str(body.target_cost_dollars)
        try:
            raw = Amount.from_dollars(text).raw
        except ValueError:
            raw = -1
        if not 0 < raw <= MAX_TARGET_COST or raw % CENTI_CENT:
            raise InvalidParameter(
                f'target_cost_dollars: must be a dollar amount like "25.00" from 0.0001 to {_MAX_DOLLARS}'
                f" with at most 4 decimals (one centi-cent), got {text[:40]!r}"
            )
        return raw
    if body.target_cost_centi_cents is not None:
        value = body.target_cost_centi_cents
        if not 0 < value <= MAX_TARGET_COST // CENTI_CENT:
            raise InvalidParameter(
                f"target_cost_centi_cents: must be from 1 to {MAX_TARGET_COST // CENTI_CENT}"
                f" ({_MAX_DOLLARS} dollars), got {str(value)[:40]}"
            )
        return value * CENTI_CENT
    return None


_MAX_DOLLARS = Amount(MAX_TARGET_COST).to_dollars()


def _bid(value: str | int, field: str) -> int:
    """A quote price in [0, 1): 0 declines the side."""
    try:
        raw = Price.from_dollars(str(value)).raw
    except ValueError:
        raise InvalidParameter(f'{field}: must be a dollar amount like "0.5600", got {str(value)[:40]!r}') from None
    if not 0 <= raw < PRICE_SCALE:
        raise InvalidParameter(f"{field}: must be from 0 (declined) to below 1 dollar, got {value!r}")
    return raw


# --- out ---


class MveSelectedLegOut(msgspec.Struct, frozen=True):
    event_ticker: str
    market_ticker: str
    side: str


class RfqOut(msgspec.Struct, omit_defaults=True, frozen=True):
    id: str
    creator_id: str
    market_ticker: str
    contracts_fp: str
    contracts: int
    status: str
    created_ts: str
    updated_ts: str
    rest_remainder: bool
    target_cost_dollars: str | msgspec.UnsetType = UNSET
    target_cost_centi_cents: int | msgspec.UnsetType = UNSET
    cancellation_reason: str | msgspec.UnsetType = UNSET
    cancelled_ts: str | msgspec.UnsetType = UNSET
    creator_user_id: str | msgspec.UnsetType = UNSET
    creator_subaccount: int | msgspec.UnsetType = UNSET
    mve_collection_ticker: str | msgspec.UnsetType = UNSET
    mve_selected_legs: list[MveSelectedLegOut] | msgspec.UnsetType = UNSET


class QuoteOut(msgspec.Struct, omit_defaults=True, frozen=True):
    id: str
    rfq_id: str
    creator_id: str
    rfq_creator_id: str
    market_ticker: str
    contracts_fp: str
    contracts: int
    yes_bid_dollars: str
    no_bid_dollars: str
    yes_bid: int
    no_bid: int
    yes_contracts_fp: str
    no_contracts_fp: str
    created_ts: str
    updated_ts: str
    status: str
    rest_remainder: bool
    accepted_side: str | msgspec.UnsetType = UNSET
    accepted_ts: str | msgspec.UnsetType = UNSET
    confirmed_ts: str | msgspec.UnsetType = UNSET
    executed_ts: str | msgspec.UnsetType = UNSET
    cancelled_ts: str | msgspec.UnsetType = UNSET
    cancellation_reason: str | msgspec.UnsetType = UNSET
    rfq_target_cost_dollars: str | msgspec.UnsetType = UNSET
    rfq_target_cost_centi_cents: int | msgspec.UnsetType = UNSET
    post_only: bool | msgspec.UnsetType = UNSET
    creator_user_id: str | msgspec.UnsetType = UNSET
    creator_order_id: str | msgspec.UnsetType = UNSET
    creator_subaccount: int | msgspec.UnsetType = UNSET
    rfq_creator_user_id: str | msgspec.UnsetType = UNSET
    rfq_creator_order_id: str | msgspec.UnsetType = UNSET
    rfq_creator_subaccount: int | msgspec.UnsetType = UNSET


def rfq(row: Rfq, caller_seq: int) -> RfqOut:
    mine = row.user_seq == caller_seq
    return RfqOut(
        id=row.rfq_id,
        creator_id=communications_id(row.user_id),
        market_ticker=row.ticker,
        contracts_fp=count_fp(row.contracts),
        contracts=count_contracts(row.contracts),
        status=row.status,
        created_ts=to_rfc3339(row.created_us),
        updated_ts=to_rfc3339(row.updated_us),
        rest_remainder=row.rest_remainder,
        target_cost_dollars=_target_dollars(row.target_cost),
        target_cost_centi_cents=_centi_cents(row.target_cost),
        cancellation_reason=row.cancellation_reason or UNSET,
        cancelled_ts=_ts(row.cancelled_us),
        creator_user_id=row.user_id if mine else UNSET,
        creator_subaccount=row.subaccount if mine else UNSET,
        mve_collection_ticker=row.mve_collection_ticker or UNSET,
        mve_selected_legs=mve_legs(row.mve_selected_legs),
    )


def mve_legs(legs: tuple[Leg, ...]) -> list[MveSelectedLegOut] | msgspec.UnsetType:
    """A combo RFQ's legs (rfqs.md Combos); left out for any other market."""
    return [MveSelectedLegOut(leg.event_ticker, leg.market_ticker, leg.side) for leg in legs] or UNSET


def quote(row: Quote, caller_seq: int) -> QuoteOut:
    maker, requester = row.user_seq == caller_seq, row.rfq_user_seq == caller_seq
    return QuoteOut(
        id=row.quote_id,
        rfq_id=row.rfq_id,
        creator_id=communications_id(row.user_id),
        rfq_creator_id=communications_id(row.rfq_user_id),
        market_ticker=row.ticker,
        contracts_fp=count_fp(row.contracts),
        contracts=count_contracts(row.contracts),
        yes_bid_dollars=Price(row.yes_bid).to_dollars(),
        no_bid_dollars=Price(row.no_bid).to_dollars(),
        yes_bid=price_cents(row.yes_bid),
        no_bid=price_cents(row.no_bid),
        yes_contracts_fp=count_fp(row.yes_contracts),
        no_contracts_fp=count_fp(row.no_contracts),
        created_ts=to_rfc3339(row.created_us),
        updated_ts=to_rfc3339(row.updated_us),
        status=row.status,
        rest_remainder=row.rest_remainder,
        accepted_side=row.accepted_side or UNSET,
        accepted_ts=_ts(row.accepted_us),
        confirmed_ts=_ts(row.confirmed_us),
        executed_ts=_ts(row.executed_us),
        cancelled_ts=_ts(row.cancelled_us),
        cancellation_reason=row.cancellation_reason or UNSET,
        rfq_target_cost_dollars=_target_dollars(row.target_cost),
        rfq_target_cost_centi_cents=_centi_cents(row.target_cost),
        post_only=row.post_only if maker else UNSET,
        creator_user_id=row.user_id if maker else UNSET,
        creator_order_id=(row.creator_order_id or UNSET) if maker else UNSET,
        creator_subaccount=row.subaccount if maker else UNSET,
        rfq_creator_user_id=row.rfq_user_id if requester else UNSET,
        rfq_creator_order_id=(row.rfq_creator_order_id or UNSET) if requester else UNSET,
        rfq_creator_subaccount=row.rfq_subaccount if requester else UNSET,
    )


def _ts(us: int | None) -> str | msgspec.UnsetType:
    return UNSET if us is None else to_rfc3339(us)


def _target_dollars(raw: int | None) -> str | msgspec.UnsetType:
    return UNSET if raw is None else dollars(raw)


def _centi_cents(raw: int | None) -> int | msgspec.UnsetType:
    return UNSET if raw is None else raw // CENTI_CENT
