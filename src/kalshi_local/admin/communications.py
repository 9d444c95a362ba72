"""RFQs and quotes on behalf of any member: the other side a client under test needs (a maker to
quote and confirm its RFQs, or a requester whose RFQs it quotes and who accepts).

Each is the Trade API's operation (api/communications.py) for the member the path names, through
the engine, so the venue's rules, windows and pauses apply and a refusal answers with its code.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api.responses import json_response, services
from ..errors import InvalidParameter
from ..exchange.rfq_events import QuoteChanged, RfqChanged
from ..exchange.rfqs import ConfirmQuote
from ..models import communications as models
from ..models.trading_inputs import Who
from ..store import rfqs as store
from .bodies import decode
from .orders import _engine, _user


class AdminRfqIn(models.CreateRfqIn, forbid_unknown_fields=True):
    """The Trade API's create, a misspelt field a 400 as in every admin body."""


class AdminQuoteIn(models.CreateQuoteIn, forbid_unknown_fields=True):
    pass


class AdminAcceptIn(models.AcceptQuoteIn, forbid_unknown_fields=True):
    pass


async def create_rfq(request: Request) -> Response:
    body = await decode(request, AdminRfqIn)
    if body.subtrader_id:
        raise InvalidParameter("subtrader_id: name the sub-trader in the path instead")
    engine, user = await _acting(request)
    collection, legs = await services(request).run_read(_combo, request, body.market_ticker)
    outcome = await engine.submit(models.create_rfq(body, Who(user.seq, user.user_id), collection, legs))
    made = next(e.rfq for e in outcome.events if isinstance(e, RfqChanged) and e.kind == "created")
    return json_response({"id": made.rfq_id}, status=201)


async def create_quote(request: Request) -> Response:
    body = await decode(request, AdminQuoteIn)
    engine, user = await _acting(request)
    outcome = await engine.submit(models.create_quote(body, Who(user.seq, user.user_id)))
    made = next(e.quote for e in outcome.events if isinstance(e, QuoteChanged) and e.kind == "created")
    return json_response({"id": made.quote_id}, status=201)


async def accept_quote(request: Request) -> Response:
    body = await decode(request, AdminAcceptIn)
    engine, user = await _acting(request)
    await engine.submit(models.accept_quote(body, user.seq, request.path_params["quote_id"]))
    return Response(status_code=204)


async def confirm_quote(request: Request) -> Response:
    engine, user = await _acting(request)
    await engine.submit(ConfirmQuote(user.seq, request.path_params["quote_id"]))
    return Response(status_code=204)


async def _acting(request: Request):
    """The engine and the member named in the path, for whom the route acts."""
    engine = _engine(request)
    return engine, await services(request).run_read(_user, request)


def _combo(request: Request, ticker: str):
    with services(request).reading() as conn:
        return store.combo_of(conn, ticker)


routes = [
    Route("/users/{name}/rfqs", create_rfq, methods=["POST"]),
    Route("/users/{name}/quotes", create_quote, methods=["POST"]),
    Route("/users/{name}/quotes/{quote_id}/accept", accept_quote, methods=["PUT"]),
    Route("/users/{name}/quotes/{quote_id}/confirm", confirm_quote, methods=["PUT"]),
]
