"""Order entry (V2 under /portfolio/events/orders, V1 under /portfolio/orders) and the order reads.

Handlers parse, call the engine, render: the rules are the venue's. A write is answered
only once the engine made it durable (engine/__init__.py).
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request

from ..auth import ratelimit
from ..authenticator import Caller
from ..engine.errors import TradingOff
from ..errors import ApiError, InvalidParameter, NotFound, TooManyRequests
from ..exchange.errors import AccountNotFound
from ..exchange.money import AMOUNT_SCALE, COUNT_SCALE, count_contracts, count_fp
from ..exchange.orders import CancelOrder, Command
from ..exchange.venue import Outcome
from ..models import trading as out
from ..models import trading_inputs as inputs
from ..store import orders as store
from ..store import subaccounts as subaccount_store
from . import tiers
from .authenticated import signed_route
from .bodies import json_body
from .params import Query
from .responses import json_response, services

V2 = "/portfolio/events/orders"
V1 = "/portfolio/orders"


def _who(caller: Caller) -> inputs.Who:
    return inputs.Who(caller.user_seq, caller.user_id)


def _engine(request: Request) -> Any:
    engine = getattr(services(request), "trading", None)
    if engine is None:
        raise TradingOff(services(request).trading_off)
    return engine


async def _submit(request: Request, command: Command) -> Outcome:
    return await _engine(request).submit(command)


async def _submit_many(request: Request, commands: list[Command]) -> list[Outcome | ApiError]:
    return await _engine(request).submit_many(commands)


def _bill_batch(request: Request, caller: Caller, method: str, path: str, items: int) -> None:
    """signed_route billed one item; batches cost per item (ratelimit.TOKEN_COSTS). A batch
    that costs more than the caller's full write bucket is a 400, whether or not limits are on."""
    limit = ratelimit.max_batch(method, path, caller.tier)
    if items > limit:
        cost = ratelimit.cost_of(method, path, items)
        raise InvalidParameter(
            f"orders: a batch of {items} costs {cost} tokens, more than the {caller.tier} tier's write bucket"
            f" holds: at most {limit} orders per batch"
        )
    extra = ratelimit.cost_of(method, path, items) - ratelimit.cost_of(method, path)
    auth = services(request).authenticator
    if extra > 0 and auth.rate_limits and not auth.buckets.try_spend(caller.user_seq, caller.tier, "write", extra):
        raise TooManyRequests()


def _subaccount(request: Request) -> int:
    """The order routes' `subaccount` defaults to the primary (0): an order of subaccount N is
    reached only with subaccount=N, as the spec's SubaccountQueryDefaultPrimary says."""
    if not request.scope["query_string"]:
        return 0
    return Query(request.query_params).int("subaccount", default=0, minimum=0, maximum=inputs.MAX_SUBACCOUNT)


def _ts_ms(outcome: Outcome) -> int:
    return outcome.ts_us // 1000


def _order_of(outcome: Outcome):
    assert outcome.order is not None, "order commands return their order"
    return outcome.order


def _average_yes_price(outcome: Outcome, order) -> str | msgspec.UnsetType:
    """V2 prices are YES prices on one book, so an ask's fills (costed on its NO side) turn around."""
    cost = outcome.fill_cost
    if order.book_side == "ask":
        cost = outcome.fill_count * (AMOUNT_SCALE // COUNT_SCALE) - cost
    return out.average_price(cost, outcome.fill_count)


def _error(exc: ApiError) -> out.ErrorBody:
    return out.ErrorBody(exc.code, exc.message, exc.details or "", "kalshi-local")


# --- V2 ------------------------------------------------------------------------------------------


def _created_v2(outcome: Outcome) -> out.CreateOrderV2Response:
    order = _order_of(outcome)
    return out.CreateOrderV2Response(
        order_id=order.order_id,
        client_order_id=order.client_order_id,
        fill_count=count_fp(outcome.fill_count),
        remaining_count=count_fp(order.remaining_count),
        ts_ms=_ts_ms(outcome),
        average_fill_price=_average_yes_price(outcome, order),
        average_fee_paid=out.average_price(outcome.fees, outcome.fill_count),
    )


async def create_order_v2(request: Request, caller: Caller):
    body = inputs.decode(await json_body(request), inputs.CreateOrderV2)
    outcome = await _submit(request, inputs.create_v2(body, _who(caller)))
    return json_response(_created_v2(outcome), status=201)


async def cancel_order_v2(request: Request, caller: Caller):
    command = CancelOrder(caller.user_seq, request.path_params["order_id"], _subaccount(request))
    outcome = await _submit(request, command)
    order = _order_of(outcome)
    return json_response(
        out.CancelOrderV2Response(order.order_id, order.client_order_id, count_fp(outcome.reduced_by), _ts_ms(outcome))
    )


async def amend_order_v2(request: Request, caller: Caller):
    body = inputs.decode(await json_body(request), inputs.AmendOrderV2)
    command = inputs.amend_v2(body, _who(caller), request.path_params["order_id"], _subaccount(request))
    outcome = await _submit(request, command)
    order = _order_of(outcome)
    return json_response(
        out.AmendOrderV2Response(
            order_id=order.order_id,
            client_order_id=order.client_order_id,
            remaining_count=count_fp(order.remaining_count),
            fill_count=count_fp(outcome.fill_count),
            ts_ms=_ts_ms(outcome),
            average_fill_price=_average_yes_price(outcome, order),
            average_fee_paid=out.average_price(outcome.fees, outcome.fill_count),
        )
    )


async def decrease_order_v2(request: Request, caller: Caller):
    body = inputs.decode(await json_body(request), inputs.DecreaseOrderV2)
    command = inputs.decrease_v2(body, _who(caller), request.path_params["order_id"], _subaccount(request))
    outcome = await _submit(request, command)
    order = _order_of(outcome)
    return json_response(
        out.DecreaseOrderV2Response(
            order.order_id, order.client_order_id, count_fp(order.remaining_count), _ts_ms(outcome)
        )
    )


async def batch_create_v2(request: Request, caller: Caller):
    body = inputs.decode(await json_body(request), inputs.BatchCreateV2)
    _bill_batch(request, caller, "POST", V2 + "/batched", len(body.orders))
    who = _who(caller)
    commands: list[Command] = [inputs.create_v2(o, who, f"orders[{i}].") for i, o in enumerate(body.orders)]
    results = await _submit_many(request, commands)
    items = []
    for item, result in zip(body.orders, results, strict=True):
        if isinstance(result, ApiError):
            items.append(out.BatchCreateV2Item(client_order_id=item.client_order_id, error=_error(result)))
            continue
        made = _created_v2(result)
        items.append(
            out.BatchCreateV2Item(
                made.order_id,
                made.client_order_id,
                made.fill_count,
                made.remaining_count,
                made.average_fill_price,
                made.average_fee_paid,
                made.ts_ms,
            )
        )
    return json_response({"orders": items}, status=201)


async def batch_cancel_v2(request: Request, caller: Caller):
    body = inputs.decode(await json_body(request), inputs.BatchCancelV2)
    _bill_batch(request, caller, "DELETE", V2 + "/batched", len(body.orders))
    commands: list[Command] = list(inputs.cancel_items(body.orders, _who(caller)))
    results = await _submit_many(request, commands)
    items = []
    for item, result in zip(body.orders, results, strict=True):
        if isinstance(result, ApiError):
            items.append(out.BatchCancelV2Item(item.order_id, count_fp(0), error=_error(result)))
            continue
        order = _order_of(result)
        items.append(
            out.BatchCancelV2Item(order.order_id, count_fp(result.reduced_by), order.client_order_id, _ts_ms(result))
        )
    return json_response({"orders": items})


async def cancel_all_orders(request: Request, caller: Caller):
    """DELETE /portfolio/events/orders (kalshi-typescript's cancelAllOrders; newer than our
    spec): cancels every resting order of the caller, of one subaccount when given."""
    subaccount = Query(request.query_params).int("subaccount", minimum=0, maximum=inputs.MAX_SUBACCOUNT)
    resting = await services(request).run_read(_resting_orders, request, caller.user_seq, subaccount)
    commands: list[Command] = [CancelOrder(caller.user_seq, row.order_id, row.subaccount) for row in resting]
    results = await _submit_many(request, commands) if commands else []
    cancelled = [r for r in results if not isinstance(r, ApiError)]  # one filled meanwhile is not an error
    return json_response({"canceled_count": len(cancelled)})


def _resting_orders(request: Request, user_seq: int, subaccount: int | None):
    with services(request).reading() as conn:
        return store.resting(conn, user_seq, (), None, subaccount)


# --- V1 ------------------------------------------------------------------------------------------


async def create_order_v1(request: Request, caller: Caller):
    body = inputs.decode(await json_body(request), inputs.CreateOrderV1)
    outcome = await _submit(request, inputs.create_v1(body, _who(caller)))
    return json_response({"order": out.order(_order_of(outcome), caller.user_id)}, status=201)


async def cancel_order_v1(request: Request, caller: Caller):
    command = CancelOrder(caller.user_seq, request.path_params["order_id"], _subaccount(request))
    outcome = await _submit(request, command)
    return json_response(_cancelled_v1(outcome, caller))


def _cancelled_v1(outcome: Outcome, caller: Caller) -> out.CancelOrderResponse:
    order = out.order(_order_of(outcome), caller.user_id)
    return out.CancelOrderResponse(order, count_fp(outcome.reduced_by), count_contracts(outcome.reduced_by))


async def amend_order_v1(request: Request, caller: Caller):
    body = inputs.decode(await json_body(request), inputs.AmendOrderV1)
    order_id = request.path_params["order_id"]
    command = inputs.amend_v1(body, _who(caller), order_id)
    old = await services(request).run_read(_stored_order, request, caller.user_seq, order_id)
    outcome = await _submit(request, command)
    new = out.order(_order_of(outcome), caller.user_id)
    return json_response({"old_order": out.order(old, caller.user_id) if old is not None else new, "order": new})


def _stored_order(request: Request, user_seq: int, order_id: str):
    with services(request).reading() as conn:
        return store.get(conn, user_seq, order_id)


async def decrease_order_v1(request: Request, caller: Caller):
    body = inputs.decode(await json_body(request), inputs.DecreaseOrderV1)
    outcome = await _submit(request, inputs.decrease_v1(body, _who(caller), request.path_params["order_id"]))
    return json_response({"order": out.order(_order_of(outcome), caller.user_id)})


async def batch_create_v1(request: Request, caller: Caller):
    body = inputs.decode(await json_body(request), inputs.BatchCreateV1)
    _bill_batch(request, caller, "POST", V1 + "/batched", len(body.orders))
    who = _who(caller)
    commands: list[Command] = [inputs.create_v1(o, who, f"orders[{i}].") for i, o in enumerate(body.orders)]
    results = await _submit_many(request, commands)
    items = [
        out.BatchCreateV1Item(item.client_order_id, error=_error(result))
        if isinstance(result, ApiError)
        else out.BatchCreateV1Item(item.client_order_id, out.order(_order_of(result), caller.user_id))
        for item, result in zip(body.orders, results, strict=True)
    ]
    return json_response({"orders": items}, status=201)


async def batch_cancel_v1(request: Request, caller: Caller):
    body = inputs.decode(await json_body(request), inputs.BatchCancelV1)
    commands = inputs.batch_cancel_v1(body, _who(caller))
    _bill_batch(request, caller, "DELETE", V1 + "/batched", len(commands))
    results = await _submit_many(request, list(commands))
    items = []
    for command, result in zip(commands, results, strict=True):
        if isinstance(result, ApiError):
            items.append(out.BatchCancelV1Item(command.order_id, count_fp(0), 0, error=_error(result)))
            continue
        done = _cancelled_v1(result, caller)
        items.append(out.BatchCancelV1Item(command.order_id, done.reduced_by_fp, done.reduced_by, done.order))
    return json_response({"orders": items})


# --- reads ---------------------------------------------------------------------------------------

STATUSES = ("resting", "canceled", "executed")


def get_orders(request: Request, caller: Caller):
    q = Query(request.query_params)
    limit = q.int("limit", default=100, minimum=1, maximum=1000)
    flt = store.OrderFilter(
        ticker=q.str("ticker"),
        event_tickers=tuple(q.list("event_ticker", max_items=10)),
        min_us=q.timestamp_us("min_ts"),
        max_us=q.timestamp_us("max_ts"),
        status=q.enum("status", STATUSES),
        subaccount=q.int("subaccount", minimum=0, maximum=inputs.MAX_SUBACCOUNT),
        tier=tiers.orders(request),  # older finished orders are served by /historical/orders
    )
    with services(request).reading() as conn:
        if flt.subaccount and not subaccount_store.exists(conn, caller.user_seq, flt.subaccount):
            raise AccountNotFound(f"subaccount {flt.subaccount} not found")
        page = store.page(conn, caller.user_seq, flt, q.str("cursor"), limit)
    return json_response({"orders": [out.order(row, caller.user_id) for row in page.rows], "cursor": page.cursor})


def _own_order(request: Request, caller: Caller):
    order_id = request.path_params["order_id"]
    with services(request).reading() as conn:
        row = store.get(conn, caller.user_seq, order_id)
        ahead = store.queue_ahead(conn, row) if row is not None else 0
    if row is None:
        raise NotFound(f"order {order_id} not found")
    return row, ahead


def get_order(request: Request, caller: Caller):
    row, _ = _own_order(request, caller)
    return json_response({"order": out.order(row, caller.user_id)})


def get_queue_position(request: Request, caller: Caller):
    row, ahead = _own_order(request, caller)
    return json_response({"queue_position_fp": count_fp(ahead), "queue_position": count_contracts(ahead)})


def get_queue_positions(request: Request, caller: Caller):
    q = Query(request.query_params)
    tickers = tuple(q.list("market_tickers", max_items=100))
    event_ticker = q.str("event_ticker")
    subaccount = q.int("subaccount", default=0, minimum=0, maximum=inputs.MAX_SUBACCOUNT)
    with services(request).reading() as conn:
        mine = store.resting(conn, caller.user_seq, tickers, event_ticker, subaccount)
        ahead = store.queue_ahead_many(conn, mine)
    positions = [out.queue_position(row.order_id, row.ticker, ahead.get(row.order_id, 0)) for row in mine]
    return json_response({"queue_positions": positions})


routes = [
    signed_route(V2, create_order_v2, "POST"),
    signed_route(V2 + "/batched", batch_create_v2, "POST"),
    signed_route(V2 + "/batched", batch_cancel_v2, "DELETE"),
    signed_route(V2, cancel_all_orders, "DELETE"),
    signed_route(V2 + "/{order_id}", cancel_order_v2, "DELETE"),
    signed_route(V2 + "/{order_id}/amend", amend_order_v2, "POST"),
    signed_route(V2 + "/{order_id}/decrease", decrease_order_v2, "POST"),
    signed_route(V1, create_order_v1, "POST"),
    signed_route(V1, get_orders, "GET"),
    signed_route(V1 + "/batched", batch_create_v1, "POST"),
    signed_route(V1 + "/batched", batch_cancel_v1, "DELETE"),
    signed_route(V1 + "/queue_positions", get_queue_positions, "GET"),
    signed_route(V1 + "/{order_id}", get_order, "GET"),
    signed_route(V1 + "/{order_id}", cancel_order_v1, "DELETE"),
    signed_route(V1 + "/{order_id}/amend", amend_order_v1, "POST"),
    signed_route(V1 + "/{order_id}/decrease", decrease_order_v1, "POST"),
    signed_route(V1 + "/{order_id}/queue_position", get_queue_position, "GET"),
]
