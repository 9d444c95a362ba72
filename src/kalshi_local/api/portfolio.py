"""GET /portfolio/balance, /portfolio/deposits and /portfolio/withdrawals."""

from __future__ import annotations

from starlette.requests import Request

from ..authenticator import Caller
from ..errors import NotFound
from ..exchange.clock import MICROS
from ..exchange.money import Amount
from ..models.accounts import Balance, Transfer
from ..store import accounts as store
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
    if found is None:
        raise NotFound(f"subaccount {subaccount} not found")
    # No positions exist yet, so they are worth nothing.
    cash = Amount(found.balance)
    return json_response(
        Balance(
            balance=cash.to_cents(),
            balance_dollars=cash.to_dollars_exact(),
            portfolio_value=0,
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


routes = [
    signed_route("/portfolio/balance", get_balance, "GET"),
    signed_route("/portfolio/deposits", get_deposits, "GET"),
    signed_route("/portfolio/withdrawals", get_withdrawals, "GET"),
]
