"""GET /portfolio/balance, deposits, withdrawals, fills, positions, settlements and total_resting_order_value."""

from __future__ import annotations

from starlette.requests import Request

from ..authenticator import Caller
from ..errors import InvalidParameter, NotFound
from ..exchange.clock import MICROS
from ..exchange.errors import AccountNotFound
from ..exchange.money import Amount
from ..models import trading as out
from ..models.accounts import Balance, Transfer
from ..models.settlements import settlement
from ..store import accounts as store
from ..store import fills as fill_store
from ..store import orders as order_store
from ..store import positions as position_store
from ..store import settlements as settlement_store
from ..store import subaccounts as subaccount_store
from . import tiers
from .authenticated import signed_route
from .params import Query
from .responses import json_response, services

MAX_SUBACCOUNT = 32


def get_balance(request: Request, caller: Caller):
    subaccount = 0
    if request.scope["query_string"]:  # most calls have none: skip parsing
        subaccount = Query(request.query_params).int("subaccount", default=0, minimum=0, maximum=MAX_SUBACCOUNT)
    with services(request).reading() as conn:
        found = store.balance(conn, caller.user_seq, subaccount)
        reserved = position_store.reserved(conn, caller.user_seq, subaccount)
        held = position_store.exposure(conn, caller.user_seq, subaccount)
    if found is None:  # a 404 as before: the spec declares no client error here
        raise NotFound(f"subaccount {subaccount} not found")
    # `balance` is what may be spent: cash less what resting orders lock. `portfolio_value`
    # is "the current value of all positions held" (the spec's Balance), valued at cost;
    # the cash resting orders lock is in neither.
    available = Amount(found.balance - reserved)
    return json_response(
        Balance(
            balance=available.to_cents(),
            balance_dollars=available.to_dollars_exact(),
            portfolio_value=Amount(held).to_cents(),
            updated_ts=found.updated_us // MICROS,
        )
    )


def get_deposits(request: Request, caller: Caller):
    return _transfers(request, caller, "deposit", "deposits")


def get_withdrawals(request: Request, caller: Caller):
    return _transfers(request, caller, "withdrawal", "withdrawals")


def _transfers(request: Request, caller: Caller, kind: str, key: str):
    q = Query(request.query_params)
    limit = q.int("limit", default=100, minimum=1, maximum=500)
    with services(request).reading() as conn:
        page = store.transfers_page(conn, caller.user_seq, kind, q.str("cursor"), limit)
    return json_response({key: [_transfer(t) for t in page.rows], "cursor": page.cursor})


def _transfer(t: store.Transfer) -> Transfer:
    finalized = t.finalized_us // MICROS if t.finalized_us is not None else None
    return Transfer(t.transfer_id, t.status, t.method, t.amount_cents, t.fee_cents, t.created_us // MICROS, finalized)


def _subaccount(q: Query, default: int | None = None) -> int | None:
    return q.int("subaccount", default=default, minimum=0, maximum=MAX_SUBACCOUNT)


def check_subaccount(conn, user_seq: int, subaccount: int | None) -> None:
    """Raises AccountNotFound (400) for a subaccount the member does not have."""
    if subaccount and not subaccount_store.exists(conn, user_seq, subaccount):
        raise AccountNotFound(f"subaccount {subaccount} not found")


def get_fills(request: Request, caller: Caller):
    q = Query(request.query_params)
    limit = q.int("limit", default=100, minimum=1, maximum=1000)
    flt = fill_store.FillFilter(
        ticker=q.str("ticker"),
        order_id=q.str("order_id"),
        min_us=q.timestamp_us("min_ts"),
        max_us=q.timestamp_us("max_ts"),
        subaccount=_subaccount(q),
        tier=tiers.trades(request),  # older fills are served by /historical/fills
    )
    with services(request).reading() as conn:
        check_subaccount(conn, caller.user_seq, flt.subaccount)
        page = fill_store.page(conn, caller.user_seq, flt, q.str("cursor"), limit)
    return json_response({"fills": [out.fill(row) for row in page.rows], "cursor": page.cursor})


def get_positions(request: Request, caller: Caller):
    q = Query(request.query_params)
    limit = q.int("limit", default=100, minimum=1, maximum=1000)
    nonzero = q.list("count_filter")
    for name in nonzero:
        if name not in position_store.COUNT_FILTERS:
            raise InvalidParameter(f"count_filter accepts {', '.join(position_store.COUNT_FILTERS)}; got {name[:40]!r}")
    flt = position_store.PositionFilter(
        ticker=q.str("ticker"),
        event_tickers=tuple(q.list("event_ticker", max_items=10)),
        nonzero=tuple(dict.fromkeys(nonzero)),
        subaccount=_subaccount(q, default=0),  # the spec's SubaccountQueryDefaultPrimary
    )
    with services(request).reading() as conn:
        check_subaccount(conn, caller.user_seq, flt.subaccount)
        page = position_store.page(conn, caller.user_seq, flt, q.str("cursor"), limit)
        events = position_store.event_sums(conn, caller.user_seq, flt)
    return json_response(
        {
            "market_positions": [out.market_position(row) for row in page.rows],
            "event_positions": [out.event_position(row) for row in events],
            "cursor": page.cursor,
        }
    )


def get_settlements(request: Request, caller: Caller):
    q = Query(request.query_params)
    limit = q.int("limit", default=100, minimum=1, maximum=1000)
    events = q.str("event_ticker")
    flt = settlement_store.SettlementFilter(
        ticker=q.str("ticker"),
        # The spec takes one event ticker; the SDKs document a comma-separated list of up to 10.
        event_tickers=tuple(t for t in events.split(",") if t)[:10] if events else (),
        min_us=q.timestamp_us("min_ts"),
        max_us=q.timestamp_us("max_ts"),
        subaccount=_subaccount(q),
    )
    with services(request).reading() as conn:
        check_subaccount(conn, caller.user_seq, flt.subaccount)
        page = settlement_store.page(conn, caller.user_seq, flt, q.str("cursor"), limit)
    return json_response({"settlements": [settlement(row) for row in page.rows], "cursor": page.cursor})


def get_total_resting_order_value(request: Request, caller: Caller):
    with services(request).reading() as conn:
        value = order_store.resting_value(conn, caller.user_seq)
    return json_response(
        {
            "total_resting_order_value": Amount(value).to_cents(),
            "resting_order_value_breakdown": [{"exchange_index": out.EXCHANGE_INDEX, "balance": out.dollars(value)}],
        }
    )


routes = [
    signed_route("/portfolio/balance", get_balance, "GET"),
    signed_route("/portfolio/deposits", get_deposits, "GET"),
    signed_route("/portfolio/withdrawals", get_withdrawals, "GET"),
    signed_route("/portfolio/fills", get_fills, "GET"),
    signed_route("/portfolio/positions", get_positions, "GET"),
    signed_route("/portfolio/settlements", get_settlements, "GET"),
    signed_route("/portfolio/summary/total_resting_order_value", get_total_resting_order_value, "GET"),
]
