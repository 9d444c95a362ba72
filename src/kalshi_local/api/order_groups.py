"""Order groups under /portfolio/order_groups (api-reference/order-groups/*.md).

Handlers parse, call the engine, render: the rules are exchange/order_groups.py's. Every
write is an engine command, answered once durable; reads come from the store.
"""

from __future__ import annotations

from starlette.requests import Request

from ..authenticator import Caller
from ..exchange.errors import OrderGroupNotFound
from ..exchange.order_groups import (
    CreateOrderGroup,
    DeleteOrderGroup,
    OrderGroupChanged,
    ResetOrderGroup,
    TriggerOrderGroup,
    UpdateOrderGroupLimit,
)
from ..models import order_groups as model
from ..models import trading_inputs as inputs
from ..store import order_groups as store
from .authenticated import signed_route
from .bodies import json_body
from .orders import _submit
from .params import Query
from .portfolio import check_subaccount
from .responses import json_response, services

PATH = "/portfolio/order_groups"


def _subaccount(request: Request, default: int | None) -> int | None:
    found = Query(request.query_params).int("subaccount", minimum=0, maximum=inputs.MAX_SUBACCOUNT)
    return default if found is None else found


async def create_order_group(request: Request, caller: Caller):
    body = inputs.decode(await json_body(request), model.CreateOrderGroupIn)
    outcome = await _submit(request, CreateOrderGroup(caller.user_seq, body.subaccount, model.limit_of(body)))
    (made,) = [e.group for e in outcome.events if isinstance(e, OrderGroupChanged)]
    return json_response({"order_group_id": made.order_group_id, "subaccount": made.subaccount}, status=201)


def get_order_groups(request: Request, caller: Caller):
    subaccount = _subaccount(request, None)
    with services(request).reading() as conn:
        check_subaccount(conn, caller.user_seq, subaccount)
        rows = store.of_user(conn, caller.user_seq, subaccount)
    return json_response({"order_groups": [model.group(row) for row in rows]})


def get_order_group(request: Request, caller: Caller):
    group_id = request.path_params["order_group_id"]
    subaccount = _subaccount(request, None)
    with services(request).reading() as conn:
        row = store.get(conn, caller.user_seq, group_id, subaccount)
        order_ids = store.order_ids(conn, caller.user_seq, group_id) if row is not None else []
    if row is None:
        raise OrderGroupNotFound(f"order group {group_id!r} not found")
    return json_response(model.group_detail(row, order_ids))


async def delete_order_group(request: Request, caller: Caller):
    group_id = request.path_params["order_group_id"]
    await _submit(request, DeleteOrderGroup(caller.user_seq, group_id, _subaccount(request, 0)))
    return json_response({})


async def reset_order_group(request: Request, caller: Caller):
    group_id = request.path_params["order_group_id"]
    await _submit(request, ResetOrderGroup(caller.user_seq, group_id, _subaccount(request, 0)))
    return json_response({})


async def trigger_order_group(request: Request, caller: Caller):
    group_id = request.path_params["order_group_id"]
    await _submit(request, TriggerOrderGroup(caller.user_seq, group_id, _subaccount(request, 0)))
    return json_response({})


async def update_order_group_limit(request: Request, caller: Caller):
    group_id = request.path_params["order_group_id"]
    body = inputs.decode(await json_body(request), model.LimitIn)
    await _submit(request, UpdateOrderGroupLimit(caller.user_seq, group_id, model.limit_of(body)))
    return json_response({})


routes = [
    signed_route(PATH, get_order_groups, "GET"),
    signed_route(PATH + "/create", create_order_group, "POST"),
    signed_route(PATH + "/{order_group_id}", get_order_group, "GET"),
    signed_route(PATH + "/{order_group_id}", delete_order_group, "DELETE"),
    signed_route(PATH + "/{order_group_id}/limit", update_order_group_limit, "PUT"),
    signed_route(PATH + "/{order_group_id}/reset", reset_order_group, "PUT"),
    signed_route(PATH + "/{order_group_id}/trigger", trigger_order_group, "PUT"),
]
