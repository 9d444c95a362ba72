"""Orders on behalf of any member: place one, cancel one, cancel all of a member or of a market.

Every write goes through the engine like a signed request's (engine/__init__.py), so the
venue's rules apply and a refusal answers with the venue's code and status. Answers carry
orders as the Trade API renders them (models/trading.py).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api.params import Query
from ..api.responses import json_response, services
from ..engine.errors import TradingOff
from ..errors import NotFound
from ..exchange.errors import OrderNotFound
from ..exchange.money import count_fp
from ..exchange.orders import CancelOrder
from ..exchange.venue import Outcome
from ..models import trading as out
from ..models import trading_inputs as inputs
from ..store import accounts, all_orders, markets
from .bodies import decode


class AdminOrderIn(inputs.CreateOrderV2, forbid_unknown_fields=True):
    """A V2 create: the same fields, and a misspelt one is a 400 as in every admin body."""


def _engine(request: Request) -> Any:
    svc = services(request)
    if svc.trading is None:
        raise TradingOff(svc.trading_off)
    return svc.trading


def _user(request: Request) -> accounts.User:
    name = request.path_params["name"]
    with services(request).reading() as conn:
        user = accounts.user_by_name(conn, name)
    if user is None:
        raise NotFound(f"user {name} not found")
    return user


async def place_order(request: Request) -> Response:
    body = await decode(request, AdminOrderIn)
    engine = _engine(request)
    user = await services(request).run_read(_user, request)
    outcome = await engine.submit(inputs.create_v2(body, inputs.Who(user.seq, user.user_id)))
    assert outcome.order is not None, "a create returns its order"
    return json_response({"order": out.order(outcome.order, user.user_id)}, status=201)


async def cancel_order(request: Request) -> Response:
    order_id = request.path_params["order_id"]
    engine = _engine(request)
    row = await services(request).run_read(_order, request, order_id)
    try:
        outcome = await engine.submit(CancelOrder(row.user_seq, order_id))
    except OrderNotFound:  # the venue words it for the order's owner
        raise OrderNotFound(f"order {order_id} of {row.user_id} is not resting: nothing to cancel") from None
    assert outcome.order is not None, "a cancel returns its order"
    order = outcome.order
    return json_response({"order": out.order(order, order.user_id), "reduced_by_fp": count_fp(outcome.reduced_by)})


def _order(request: Request, order_id: str):
    with services(request).reading() as conn:
        row = all_orders.by_id(conn, order_id)
    if row is None:
        raise NotFound(f"order {order_id} not found")
    return row


async def cancel_users_orders(request: Request) -> Response:
    """Every resting order of the member (?ticker= narrows it to one market)."""
    engine = _engine(request)
    ticker = Query(request.query_params).str("ticker")
    user = await services(request).run_read(_user, request)
    rows = await services(request).run_read(_resting, request, user.seq, ticker)
    return await _cancel_all(request, engine, rows)


async def cancel_market_orders(request: Request) -> Response:
    """Every resting order in the market, whoever placed it."""
    engine = _engine(request)
    ticker = request.path_params["ticker"]
    await services(request).run_read(_market, request, ticker)
    rows = await services(request).run_read(_resting, request, None, ticker)
    return await _cancel_all(request, engine, rows)


def _market(request: Request, ticker: str) -> None:
    with services(request).reading() as conn:
        if markets.get(conn, ticker) is None:
            raise NotFound(f"market {ticker} not found")


def _resting(request: Request, user_seq: int | None, ticker: str | None) -> list:
    with services(request).reading() as conn:
        return all_orders.resting(conn, user_seq, ticker)


async def _cancel_all(request: Request, engine: Any, rows: list) -> Response:
    """Cancels `rows` in one engine batch. An order that stopped resting in the meantime
    (filled, or cancelled by its owner) is left out of the answer."""
    results = await engine.submit_many([CancelOrder(row.user_seq, row.order_id) for row in rows])
    cancelled = [r.order for r in results if isinstance(r, Outcome) and r.order is not None]
    return json_response({"orders": [out.order(order, order.user_id) for order in cancelled]})


routes = [
    Route("/users/{name}/orders", place_order, methods=["POST"]),
    Route("/users/{name}/orders", cancel_users_orders, methods=["DELETE"]),
    Route("/markets/{ticker}/orders", cancel_market_orders, methods=["DELETE"]),
    Route("/orders/{order_id}", cancel_order, methods=["DELETE"]),
]
