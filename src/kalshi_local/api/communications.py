"""RFQs and quotes under /communications (getting_started/rfqs.md, api-reference/communications/).

Handlers parse, call the engine, render: the rules are exchange/rfqs.py's. Reads are private
where the docs say so: every RFQ is broadcast, a quote is seen only by its maker and the RFQ's
creator (anyone else gets 404), and the private fields only by their owner.

FCM members (store/fcm.py): `subtrader_id` on a create makes the RFQ the sub-trader's (their
account trades); the member then acts for the sub-trader on it (reads its private fields,
deletes it, reads and accepts its quotes, `rfq_creator_subtrader_id` on the quote list). For
any other caller `subtrader_id` is a 400.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from starlette.requests import Request
from starlette.responses import Response

from ..authenticator import Caller
from ..errors import InvalidParameter, NotFound
from ..exchange.combos import Leg
from ..exchange.rfq_events import Quote, QuoteChanged, Rfq, RfqChanged
from ..exchange.rfqs import ConfirmQuote, DeleteQuote, DeleteRfq, communications_id
from ..exchange.venue import Outcome
from ..models import communications as models
from ..models.trading_inputs import MAX_SUBACCOUNT, Who, decode
from ..store import cursors
from ..store import fcm as fcm_store
from ..store import rfqs as store
from .authenticated import signed_route
from .bodies import json_body
from .orders import _submit
from .params import Query
from .portfolio import check_subaccount
from .responses import json_response, services

BASE = "/communications"
T = TypeVar("T")
RFQ_STATUSES = ("open", "closed")
QUOTE_STATUSES = ("open", "accepted", "confirmed", "executed", "cancelled")


def get_communications_id(request: Request, caller: Caller):
    return json_response({"communications_id": communications_id(caller.user_id)})


# --- RFQs ---


async def create_rfq(request: Request, caller: Caller):
    body = decode(await json_body(request), models.CreateRfqIn)
    who, collection, legs = await services(request).run_read(_rfq_for, request, caller, body)
    outcome = await _submit(request, models.create_rfq(body, who, collection, legs))
    return json_response({"id": _made(outcome, RfqChanged).rfq.rfq_id}, status=201)


def get_rfqs(request: Request, caller: Caller):
    q = Query(request.query_params)
    limit = q.int("limit", default=100, minimum=1, maximum=100)
    flt = store.RfqFilter(
        ticker=q.str("market_ticker"),
        event_ticker=q.str("event_ticker"),
        status=q.enum("status", RFQ_STATUSES),
        user_seq=caller.user_seq if _self_filter(q, "user_filter") else None,
        subaccount=q.int("subaccount", minimum=0, maximum=MAX_SUBACCOUNT),
        creator_user_id=q.str("creator_user_id"),
    )
    with services(request).reading() as conn:
        check_subaccount(conn, caller.user_seq, flt.subaccount)
        subs = fcm_store.subtrader_seqs(conn, caller.user_seq)
        # a creator's user id is private to them (and their FCM member): others' RFQs never match it
        flt = replace(flt, creator_seqs=(caller.user_seq, *subs))
        page = _paged(lambda: store.page_rfqs(conn, flt, q.str("cursor"), limit))
    rows = [models.rfq(row, _viewer(caller, subs, row.user_seq)) for row in page.rows]
    return json_response({"rfqs": rows, "cursor": page.cursor})


def get_rfq(request: Request, caller: Caller):
    found = _rfq(request, request.path_params["rfq_id"])
    return json_response({"rfq": models.rfq(found, _viewer(caller, _subtraders(request, caller), found.user_seq))})


async def delete_rfq(request: Request, caller: Caller):
    rfq_id = request.path_params["rfq_id"]
    found = await services(request).run_read(_rfq, request, rfq_id)
    subs = await services(request).run_read(_subtraders, request, caller)
    if _viewer(caller, subs, found.user_seq) != found.user_seq:
        raise NotFound(f"no RFQ {rfq_id} of yours")
    await _submit(request, DeleteRfq(found.user_seq, rfq_id))
    return Response(status_code=204)


# --- quotes ---


async def create_quote(request: Request, caller: Caller):
    body = decode(await json_body(request), models.CreateQuoteIn)
    await services(request).run_read(_rfq, request, body.rfq_id)  # 404 for an RFQ that never was
    outcome = await _submit(request, models.create_quote(body, Who(caller.user_seq, caller.user_id)))
    return json_response({"id": _made(outcome, QuoteChanged).quote.quote_id}, status=201)


def get_quotes(request: Request, caller: Caller):
    q = Query(request.query_params)
    limit = q.int("limit", default=500, minimum=1, maximum=500)
    flt = store.QuoteFilter(
        ticker=q.str("market_ticker"),
        event_ticker=q.str("event_ticker"),
        status=q.enum("status", QUOTE_STATUSES),
        rfq_id=q.str("rfq_id"),
        mine=_self_filter(q, "user_filter"),
        on_my_rfqs=_self_filter(q, "rfq_user_filter"),
        creator_user_id=q.str("quote_creator_user_id"),
        rfq_creator_user_id=q.str("rfq_creator_user_id"),
    )
    subtrader_id = q.str("rfq_creator_subtrader_id")
    with services(request).reading() as conn:
        seq = caller.user_seq
        if not subtrader_id and flt.rfq_creator_user_id:  # an FCM member may name its sub-trader so
            sub = fcm_store.subtrader_of(conn, caller.user_seq, flt.rfq_creator_user_id)
            seq = seq if sub is None else sub
        if subtrader_id:  # the quotes on one sub-trader's RFQs, seen as that sub-trader sees them
            seq = _subtrader(conn, caller, subtrader_id, "rfq_creator_subtrader_id")
        if seq != caller.user_seq:
            flt = replace(flt, on_my_rfqs=True)
        page = _paged(lambda: store.page_quotes(conn, seq, flt, q.str("cursor"), limit))
    return json_response({"quotes": [models.quote(row, seq) for row in page.rows], "cursor": page.cursor})


def get_quote(request: Request, caller: Caller):
    found, acting = _party_quote(request, caller, request.path_params["quote_id"])
    return json_response({"quote": models.quote(found, acting)})


async def delete_quote(request: Request, caller: Caller):
    quote_id, acting = await _checked_quote(request, caller)
    await _submit(request, DeleteQuote(acting, quote_id))
    return Response(status_code=204)


async def accept_quote(request: Request, caller: Caller):
    body = decode(await json_body(request), models.AcceptQuoteIn)
    quote_id, acting = await _checked_quote(request, caller)
    await _submit(request, models.accept_quote(body, acting, quote_id))
    return Response(status_code=204)


async def confirm_quote(request: Request, caller: Caller):
    await json_body(request)  # optional, empty: refused only when it is not JSON
    quote_id, acting = await _checked_quote(request, caller)
    await _submit(request, ConfirmQuote(acting, quote_id))
    return Response(status_code=204)


# --- helpers ---


def _rfq_for(request: Request, caller: Caller, body: models.CreateRfqIn) -> tuple[Who, str, tuple[Leg, ...]]:
    """Who the RFQ is for (the caller, or the sub-trader an FCM member names), and the market's
    collection and legs when it is a combo."""
    with services(request).reading() as conn:
        who = Who(caller.user_seq, caller.user_id)
        if body.subtrader_id:  # an empty one is left out
            if body.subaccount:
                raise InvalidParameter("give subtrader_id (FCM members) or subaccount (direct members), not both")
            who = Who(_subtrader(conn, caller, body.subtrader_id, "subtrader_id"), body.subtrader_id)
        return who, *store.combo_of(conn, body.market_ticker)


def _subtrader(conn, caller: Caller, subtrader_id: str, field: str) -> int:
    """The user_seq of the caller's sub-trader `subtrader_id`; InvalidParameter for anyone else."""
    if not fcm_store.is_member(conn, caller.user_seq):
        raise InvalidParameter(f"{field}: only FCM members act for a sub-trader; this user is not one")
    seq = fcm_store.subtrader_of(conn, caller.user_seq, subtrader_id)
    if seq is None:
        raise InvalidParameter(f"{field}: {subtrader_id[:64]!r} is not one of your sub-traders")
    return seq


def _subtraders(request: Request, caller: Caller) -> frozenset[int]:
    with services(request).reading() as conn:
        return fcm_store.subtrader_seqs(conn, caller.user_seq)


def _viewer(caller: Caller, subs: frozenset[int], owner_seq: int) -> int:
    """Whom the caller reads or acts as on what `owner_seq` owns: the owner, when the owner is the
    caller's sub-trader; the caller otherwise."""
    return owner_seq if owner_seq in subs else caller.user_seq


def _rfq(request: Request, rfq_id: str) -> Rfq:
    with services(request).reading() as conn:
        found = store.get_rfq(conn, rfq_id)
    if found is None:
        raise NotFound(f"RFQ {rfq_id} not found")
    return found


def _party_quote(request: Request, caller: Caller, quote_id: str) -> tuple[Quote, int]:
    """The quote and whom the caller acts as on it: itself when a party, or the RFQ's creator
    when that is the caller's sub-trader."""
    with services(request).reading() as conn:
        found = store.get_quote(conn, quote_id)
        if found is not None and caller.user_seq in (found.user_seq, found.rfq_user_seq):
            return found, caller.user_seq
        if found is not None and found.rfq_user_seq in fcm_store.subtrader_seqs(conn, caller.user_seq):
            return found, found.rfq_user_seq
    raise NotFound(f"quote {quote_id} not found")  # private to its two parties


async def _checked_quote(request: Request, caller: Caller) -> tuple[str, int]:
    quote_id = request.path_params["quote_id"]
    _, acting = await services(request).run_read(_party_quote, request, caller, quote_id)
    return quote_id, acting


def _self_filter(q: Query, name: str) -> bool:
    value = q.str(name)
    if value not in (None, "", "self"):
        raise InvalidParameter(f"{name}: must be self or left out, got {value[:40]!r}")
    return value == "self"


def _paged(fetch):
    try:
        return fetch()
    except cursors.InvalidCursor as exc:
        raise InvalidParameter(str(exc)) from None


def _made(outcome: Outcome, kind: type[T]) -> T:
    return next(e for e in outcome.events if isinstance(e, kind) and getattr(e, "kind", "") == "created")


routes = [
    signed_route(BASE + "/id", get_communications_id, "GET"),
    signed_route(BASE + "/rfqs", get_rfqs, "GET"),
    signed_route(BASE + "/rfqs", create_rfq, "POST"),
    signed_route(BASE + "/rfqs/{rfq_id}", get_rfq, "GET"),
    signed_route(BASE + "/rfqs/{rfq_id}", delete_rfq, "DELETE"),
    signed_route(BASE + "/quotes", get_quotes, "GET"),
    signed_route(BASE + "/quotes", create_quote, "POST"),
    signed_route(BASE + "/quotes/{quote_id}", get_quote, "GET"),
    signed_route(BASE + "/quotes/{quote_id}", delete_quote, "DELETE"),
    signed_route(BASE + "/quotes/{quote_id}/accept", accept_quote, "PUT"),
    signed_route(BASE + "/quotes/{quote_id}/confirm", confirm_quote, "PUT"),
]
