"""FCM views: GET /fcm/orders and GET /fcm/positions (api-reference/fcm/*.md).

An FCM member reads the orders and positions of one of its sub-traders, named by
`subtrader_id` (the sub-trader's user id), with the filters and cursors of
/portfolio/orders and /portfolio/positions. Neither takes a `subaccount`: orders are every
subaccount's (as /portfolio/orders without one), positions the primary's (as
/portfolio/positions). The docs require "FCM member access level" and name no error for
others: a caller that is not an FCM member gets 403 `forbidden`; a sub-trader that is not
the caller's (or no user at all) is a 404.
"""

from __future__ import annotations

from starlette.requests import Request

from ..authenticator import Caller
from ..errors import Forbidden, InvalidParameter, NotFound
from ..models import trading as out
from ..store import fcm as store
from ..store import orders as order_store
from ..store import positions as position_store
from . import tiers
from .authenticated import signed_route
from .orders import STATUSES
from .params import Query
from .responses import json_response, services


def _subtrader(conn, caller: Caller, q: Query) -> tuple[int, str]:
    """(user_seq, user_id) of the sub-trader the request names; raises Forbidden or NotFound."""
    if not store.is_member(conn, caller.user_seq):
        raise Forbidden("GET /fcm/... needs FCM member access: this user is not an FCM member")
    subtrader_id = q.str("subtrader_id", required=True) or ""
    seq = store.subtrader_of(conn, caller.user_seq, subtrader_id)
    if seq is None:
        raise NotFound(f"subtrader {subtrader_id!r} is not one of your sub-traders")
    return seq, subtrader_id


def get_fcm_orders(request: Request, caller: Caller):
    q = Query(request.query_params)
    limit = q.int("limit", default=100, minimum=1, maximum=1000)
    event_ticker = q.str("event_ticker")
    flt = order_store.OrderFilter(
        ticker=q.str("ticker"),
        event_tickers=(event_ticker,) if event_ticker else (),
        min_us=q.timestamp_us("min_ts"),
        max_us=q.timestamp_us("max_ts"),
        status=q.enum("status", STATUSES),
        tier=tiers.orders(request),
    )
    cursor = q.str("cursor")
    with services(request).reading() as conn:
        seq, user_id = _subtrader(conn, caller, q)
        page = order_store.page(conn, seq, flt, cursor, limit)
    return json_response({"orders": [out.order(row, user_id) for row in page.rows], "cursor": page.cursor})


def get_fcm_positions(request: Request, caller: Caller):
    q = Query(request.query_params)
    limit = q.int("limit", default=100, minimum=1, maximum=1000)
    nonzero = q.list("count_filter")
    for name in nonzero:
        if name not in position_store.COUNT_FILTERS:
            raise InvalidParameter(f"count_filter accepts {', '.join(position_store.COUNT_FILTERS)}; got {name[:40]!r}")
    event_ticker = q.str("event_ticker")
    flt = position_store.PositionFilter(
        ticker=q.str("ticker"),
        event_tickers=(event_ticker,) if event_ticker else (),
        nonzero=tuple(dict.fromkeys(nonzero)),
        subaccount=0,  # the primary, as /portfolio/positions defaults; the spec gives FCM no subaccount filter
    )
    settlement_status = q.enum("settlement_status", store.SETTLEMENT_STATUSES, "unsettled")
    cursor = q.str("cursor")
    with services(request).reading() as conn:
        seq, _ = _subtrader(conn, caller, q)
        page = store.positions_page(conn, seq, flt, settlement_status, cursor, limit)
        events = position_store.event_sums(conn, seq, flt)
    return json_response(
        {
            "market_positions": [out.market_position(row) for row in page.rows],
            "event_positions": [out.event_position(row) for row in events],
            "cursor": page.cursor,
        }
    )


routes = [
    signed_route("/fcm/orders", get_fcm_orders, "GET"),
    signed_route("/fcm/positions", get_fcm_positions, "GET"),
]
