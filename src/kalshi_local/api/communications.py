"""RFQs and quotes under /communications (getting_started/rfqs.md, api-reference/communications/).

Handlers parse, call the engine, render: the rules are exchange/rfqs.py's. Reads are private
where the docs say so: every RFQ is broadcast, a quote is seen only by its maker and the RFQ's
creator (anyone else gets 404), and the private fields only by their owner.
"""

from __future__ import annotations

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
from ..store import rfqs as store
from .authenticated import signed_route
from .bodies import json_body
from .orders import _submit
from .params import Query
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
    combo = await services(request).run_read(_combo, request, body.market_ticker)
    outcome = await _submit(request, models.create_rfq(body, Who(caller.user_seq, caller.user_id), *combo))
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
    )
    with services(request).reading() as conn:
        page = _paged(lambda: store.page_rfqs(conn, flt, q.str("cursor"), limit))
    return json_response({"rfqs": [models.rfq(row, caller.user_seq) for row in page.rows], "cursor": page.cursor})


def get_rfq(request: Request, caller: Caller):
    return json_response({"rfq": models.rfq(_rfq(request, request.path_params["rfq_id"]), caller.user_seq)})


async def delete_rfq(request: Request, caller: Caller):
    rfq_id = request.path_params["rfq_id"]
    found = await services(request).run_read(_rfq, request, rfq_id)
    if found.user_seq != caller.user_seq:
        raise NotFound(f"no RFQ {rfq_id} of yours")
    await _submit(request, DeleteRfq(caller.user_seq, rfq_id))
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
    )
    with services(request).reading() as conn:
        page = _paged(lambda: store.page_quotes(conn, caller.user_seq, flt, q.str("cursor"), limit))
    return json_response({"quotes": [models.quote(row, caller.user_seq) for row in page.rows], "cursor": page.cursor})


def get_quote(request: Request, caller: Caller):
    found = _party_quote(request, caller, request.path_params["quote_id"])
    return json_response({"quote": models.quote(found, caller.user_seq)})


async def delete_quote(request: Request, caller: Caller):
    quote_id = await _checked_quote(request, caller)
    await _submit(request, DeleteQuote(caller.user_seq, quote_id))
    return Response(status_code=204)


async def accept_quote(request: Request, caller: Caller):
    body = decode(await json_body(request), models.AcceptQuoteIn)
    quote_id = await _checked_quote(request, caller)
    await _submit(request, models.accept_quote(body, caller.user_seq, quote_id))
    return Response(status_code=204)


async def confirm_quote(request: Request, caller: Caller):
    await json_body(request)  # optional, empty: refused only when it is not JSON
    quote_id = await _checked_quote(request, caller)
    await _submit(request, ConfirmQuote(caller.user_seq, quote_id))
    return Response(status_code=204)


# --- helpers ---


def _combo(request: Request, ticker: str) -> tuple[str, tuple[Leg, ...]]:
    with services(request).reading() as conn:
        return store.combo_of(conn, ticker)


def _rfq(request: Request, rfq_id: str) -> Rfq:
    with services(request).reading() as conn:
        found = store.get_rfq(conn, rfq_id)
    if found is None:
        raise NotFound(f"RFQ {rfq_id} not found")
    return found


def _party_quote(request: Request, caller: Caller, quote_id: str) -> Quote:
    with services(request).reading() as conn:
        found = store.get_quote(conn, quote_id)
    if found is None or caller.user_seq not in (found.user_seq, found.rfq_user_seq):
        raise NotFound(f"quote {quote_id} not found")  # private to its two parties
    return found


async def _checked_quote(request: Request, caller: Caller) -> str:
    quote_id = request.path_params["quote_id"]
    await services(request).run_read(_party_quote, request, caller, quote_id)
    return quote_id


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
