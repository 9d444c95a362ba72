"""The `communications` channel (websockets/communications.md): RFQ and quote notifications.

`rfq_created` and `rfq_deleted` go to every subscriber; `quote_created`, `quote_accepted` and
`quote_executed` only to the quote's maker and the RFQ's creator, `quote_executed` with each
one's own order. A subscription with `shard_factor`/`shard_key` gets only the RFQs whose id
falls in its shard (crc32 of the RFQ id modulo the factor), quotes following their RFQ.
`quote_accepted` and `quote_executed` carry `subaccount`, the recipient's own (the quote's for
its maker, the RFQ's for its creator), when it is not the primary account (changelog: the
field is returned when the quote or RFQ was placed from a subaccount; asyncapi lacks it).
"""

from __future__ import annotations

import zlib

import msgspec

from ..exchange.clock import to_rfc3339
from ..exchange.money import Price, count_fp
from ..exchange.rfq_events import Quote, QuoteChanged, Rfq, RfqChanged
from ..exchange.rfqs import communications_id
from ..models.communications import MveSelectedLegOut, mve_legs
from ..models.trading import dollars
from .fanout import Gateway
from .subscriptions import Subscription

CHANNEL = "communications"
UNSET = msgspec.UNSET
_encoder = msgspec.json.Encoder()


def _encode(msg: msgspec.Struct) -> str:
    return _encoder.encode(msg).decode()


class _Msg(msgspec.Struct, omit_defaults=True, frozen=True):
    pass


class RfqMsg(_Msg, frozen=True):
    id: str
    creator_id: str
    market_ticker: str
    event_ticker: str
    contracts_fp: str
    target_cost_dollars: str | msgspec.UnsetType = UNSET
    created_ts: str | msgspec.UnsetType = UNSET
    deleted_ts: str | msgspec.UnsetType = UNSET
    mve_collection_ticker: str | msgspec.UnsetType = UNSET  # rfq_created only, as asyncapi has them
    mve_selected_legs: list[MveSelectedLegOut] | msgspec.UnsetType = UNSET


class QuoteMsg(_Msg, frozen=True):
    quote_id: str
    rfq_id: str
    quote_creator_id: str
    market_ticker: str
    event_ticker: str
    yes_bid_dollars: str
    no_bid_dollars: str
    yes_contracts_offered_fp: str
    no_contracts_offered_fp: str
    rfq_target_cost_dollars: str | msgspec.UnsetType = UNSET
    created_ts: str | msgspec.UnsetType = UNSET
    accepted_side: str | msgspec.UnsetType = UNSET
    contracts_accepted_fp: str | msgspec.UnsetType = UNSET
    subaccount: int | msgspec.UnsetType = UNSET


class ExecutedMsg(_Msg, frozen=True):
    quote_id: str
    rfq_id: str
    quote_creator_id: str
    rfq_creator_id: str
    order_id: str
    client_order_id: str
    market_ticker: str
    executed_ts: str
    subaccount: int | msgspec.UnsetType = UNSET


class Communications:
    """Registers itself as the gateway's handler of RFQ and quote events."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        gateway.lifecycle_handlers[RfqChanged] = self.rfq_changed
        gateway.lifecycle_handlers[QuoteChanged] = self.quote_changed

    def rfq_changed(self, event: RfqChanged) -> None:
        rfq = event.rfq
        subs = [sub for group in self.gateway.index.by_user[CHANNEL].values() for sub in group]
        if not subs:
            return
        created = event.kind == "created"
        body = _encode(_rfq_msg(rfq, created, event))
        for sub in subs:
            if _in_shard(sub, rfq.rfq_id):
                self.gateway._send(sub, "rfq_created" if created else "rfq_deleted", body, False)

    def quote_changed(self, event: QuoteChanged) -> None:
        quote = event.quote
        kind = {"created": "quote_created", "accepted": "quote_accepted", "executed": "quote_executed"}.get(event.kind)
        if kind is None:
            return
        for user_seq in dict.fromkeys((quote.user_seq, quote.rfq_user_seq)):
            subs = self.gateway.index.of_user(CHANNEL, user_seq)
            if not subs:
                continue
            maker = user_seq == quote.user_seq
            if kind == "quote_executed":
                body = _encode(_executed_msg(quote, maker))
            else:
                body = _encode(_quote_msg(quote, kind, maker))
            for sub in subs:
                if _in_shard(sub, quote.rfq_id):
                    self.gateway._send(sub, kind, body, False)


def _in_shard(sub: Subscription, rfq_id: str) -> bool:
    if sub.shard is None:
        return True
    factor, key = sub.shard
    return zlib.crc32(rfq_id.encode()) % factor == key


def _target(raw: int | None) -> str | msgspec.UnsetType:
    return UNSET if raw is None else dollars(raw)


def _rfq_msg(rfq: Rfq, created: bool, event: RfqChanged) -> RfqMsg:
    return RfqMsg(
        id=rfq.rfq_id,
        creator_id="" if created else communications_id(rfq.user_id),  # asyncapi: empty on rfq_created
        market_ticker=rfq.ticker,
        event_ticker=rfq.event_ticker,
        contracts_fp=count_fp(rfq.contracts),
        target_cost_dollars=_target(rfq.target_cost),
        created_ts=to_rfc3339(rfq.created_us) if created else UNSET,
        deleted_ts=UNSET if created else to_rfc3339(rfq.updated_us),
        mve_collection_ticker=(rfq.mve_collection_ticker or UNSET) if created else UNSET,
        mve_selected_legs=mve_legs(rfq.mve_selected_legs) if created else UNSET,
    )


def _own_subaccount(quote: Quote, maker: bool) -> int | msgspec.UnsetType:
    return (quote.subaccount if maker else quote.rfq_subaccount) or UNSET


def _quote_msg(quote: Quote, kind: str, maker: bool) -> QuoteMsg:
    accepted = kind == "quote_accepted"
    return QuoteMsg(
        quote_id=quote.quote_id,
        rfq_id=quote.rfq_id,
        quote_creator_id=communications_id(quote.user_id),
        market_ticker=quote.ticker,
        event_ticker=quote.event_ticker,
        yes_bid_dollars=Price(quote.yes_bid).to_dollars(),
        no_bid_dollars=Price(quote.no_bid).to_dollars(),
        yes_contracts_offered_fp=count_fp(quote.yes_contracts),
        no_contracts_offered_fp=count_fp(quote.no_contracts),
        rfq_target_cost_dollars=_target(quote.target_cost),
        created_ts=UNSET if accepted else to_rfc3339(quote.created_us),
        accepted_side=quote.accepted_side if accepted else UNSET,
        contracts_accepted_fp=count_fp(quote.accepted_contracts) if accepted else UNSET,
        subaccount=_own_subaccount(quote, maker) if accepted else UNSET,
    )


def _executed_msg(quote: Quote, maker: bool) -> ExecutedMsg:
    return ExecutedMsg(
        quote_id=quote.quote_id,
        rfq_id=quote.rfq_id,
        quote_creator_id=communications_id(quote.user_id),
        rfq_creator_id=communications_id(quote.rfq_user_id),
        order_id=quote.creator_order_id if maker else quote.rfq_creator_order_id,
        client_order_id=quote.creator_client_order_id if maker else quote.rfq_creator_client_order_id,
        market_ticker=quote.ticker,
        executed_ts=to_rfc3339(quote.executed_us or quote.updated_us),
        subaccount=_own_subaccount(quote, maker),
    )
