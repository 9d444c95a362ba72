"""A member's order groups, whatever the subaccount: GET /order_groups?user=NAME (the portfolio
routes show a member only its own, one subaccount at a time: api/order_groups.py)."""

from __future__ import annotations

import msgspec
from starlette.requests import Request
from starlette.routing import Route

from ..api.params import Query
from ..api.responses import json_response, services
from ..errors import NotFound
from ..exchange.money import count_contracts, count_fp
from ..models import trading_inputs as inputs
from ..store import accounts
from ..store import order_groups as store


class AdminOrderGroup(msgspec.Struct, frozen=True):
    """The spec's OrderGroup, with the orders placed in it (as GetOrderGroupResponse lists them)."""

    id: str
    subaccount: int
    is_auto_cancel_enabled: bool
    contracts_limit: int
    contracts_limit_fp: str
    orders: list[str]


def get_order_groups(request: Request):
    """200 {"order_groups": [...]}, oldest first; `subaccount` narrows them to one subaccount."""
    q = Query(request.query_params)
    name = q.str("user", required=True) or ""
    subaccount = q.int("subaccount", minimum=0, maximum=inputs.MAX_SUBACCOUNT)
    with services(request).reading() as conn:
        user = accounts.user_by_name(conn, name)
        if user is None:
            raise NotFound(f"user {name} not found")
        listed = [
            AdminOrderGroup(
                row.order_group_id, row.subaccount, not row.triggered, count_contracts(row.contracts_limit),
                count_fp(row.contracts_limit), store.order_ids(conn, user.seq, row.order_group_id),
            )  # fmt: skip
            for row in store.of_user(conn, user.seq, subaccount)
        ]
    return json_response({"order_groups": listed})


routes = [Route("/order_groups", get_order_groups, methods=["GET"])]
