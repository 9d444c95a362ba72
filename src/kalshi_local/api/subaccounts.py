"""Subaccounts (api-reference/portfolio/*subaccount*.md): create, all balances, netting,
transfers and their history. Handlers parse, call the engine or the store, render; the rules
are exchange/subaccounts.py's."""

from __future__ import annotations

import uuid

from starlette.requests import Request

from ..authenticator import Caller
from ..errors import InvalidParameter
from ..exchange import errors
from ..exchange.clock import MICROS
from ..exchange.money import Amount
from ..exchange.subaccount_commands import MAX_SUBACCOUNT, OpenSubaccount, SetNetting, TransferCash
from ..models import subaccounts as shapes
from ..models.trading import dollars
from ..store import subaccounts as store
from .authenticated import signed_route
from .bodies import decode
from .orders import _engine
from .params import Query
from .responses import json_response, services


async def create_subaccount(request: Request, caller: Caller):
    """201 {"subaccount_number": n}: the next number after the highest the member has (1..32).
    Raises SubaccountLimitReached (400) past 32."""
    user = caller.user_seq
    for _ in range(MAX_SUBACCOUNT + 1):  # a number taken by a concurrent create: take the next
        taken, netting = await services(request).run_read(_next_number, request, user)
        number = max(taken) + 1
        if number > MAX_SUBACCOUNT:
            raise errors.SubaccountLimitReached(f"a member has at most {MAX_SUBACCOUNT} subaccounts")

        def record(conn, outcome, number=number, netting=netting) -> None:
            store.record_subaccount(conn, user, number, netting, outcome.ts_us)

        try:
            await _engine(request).submit(OpenSubaccount(user, number, netting), record)
        except errors.SubaccountExists:
            continue
        return json_response({"subaccount_number": number}, status=201)
    raise errors.SubaccountExists("subaccounts are being created concurrently; try again")


def _next_number(request: Request, user_seq: int) -> tuple[list[int], bool]:
    """The numbers taken, and the primary's netting, which a new subaccount inherits (changelog)."""
    with services(request).reading() as conn:
        return store.numbers(conn, user_seq) or [0], store.netting(conn, user_seq).get(0, True)


def get_subaccount_balances(request: Request, caller: Caller):
    with services(request).reading() as conn:
        rows = store.all_balances(conn, caller.user_seq)
    balances = [
        shapes.SubaccountBalance(row.subaccount, dollars(row.balance - row.reserved), row.updated_us // MICROS)
        for row in rows
    ]
    return json_response({"subaccount_balances": balances})


def get_subaccount_netting(request: Request, caller: Caller):
    with services(request).reading() as conn:
        found = store.netting(conn, caller.user_seq)
    return json_response({"netting_configs": [shapes.NettingConfig(n, on) for n, on in found.items()]})


async def update_subaccount_netting(request: Request, caller: Caller):
    """200 {}. Raises AccountNotFound (400) for a subaccount the member does not have,
    InsufficientBalance when turning netting off needs more collateral than the cash."""
    body = await decode(request, shapes.NettingIn)
    user, number, enabled = caller.user_seq, body.subaccount_number, body.enabled

    def record(conn, outcome) -> None:
        store.record_subaccount(conn, user, number, enabled, outcome.ts_us)

    await _engine(request).submit(SetNetting(user, number, enabled), record)
    return json_response({})


async def apply_subaccount_transfer(request: Request, caller: Caller):
    """200 {}. Moves available cash between two of the member's subaccounts, once per
    client_transfer_id (a repeat of the same transfer answers 200 and moves nothing; the id of
    another transfer is InvalidParameter, 400). Raises AccountNotFound (400),
    InsufficientBalance (400), InvalidTransfer (400)."""
    body = await decode(request, shapes.TransferIn)
    try:
        client_id = str(uuid.UUID(body.client_transfer_id))
    except ValueError:
        raise InvalidParameter(f"client_transfer_id must be a UUID, got {body.client_transfer_id[:60]!r}") from None
    user, svc = caller.user_seq, services(request)
    amount = Amount.from_cents(body.amount_cents).raw
    command = TransferCash(user, body.from_subaccount, body.to_subaccount, amount, client_id)
    done = await svc.run_read(_done, request, user, client_id)
    if done is None:

        def record(conn, outcome) -> None:
            if outcome.events:  # not a repeat
                store.record_transfer(
                    conn, user, client_id, command.from_subaccount, command.to_subaccount, command.amount, outcome.ts_us
                )

        if (await _engine(request).submit(command, record)).events:
            return json_response({})
        # Applied meanwhile by a request with the same id: compare with what that one moved.
        done = await svc.run_read(_done, request, user, client_id)
    if done is not None and (done.from_subaccount, done.to_subaccount, done.amount) != (
        command.from_subaccount, command.to_subaccount, command.amount
    ):
        raise InvalidParameter(
            f"client_transfer_id {client_id} was used for another transfer ({Amount(done.amount).to_cents()} cents"
            f" from subaccount {done.from_subaccount} to {done.to_subaccount}); a retry must repeat it exactly"
        )
    return json_response({})


def _done(request: Request, user_seq: int, client_id: str) -> store.SubaccountTransfer | None:
    with services(request).reading() as conn:
        return store.find_transfer(conn, user_seq, client_id)


def get_subaccount_transfers(request: Request, caller: Caller):
    q = Query(request.query_params)
    limit = q.int("limit", default=100, minimum=1, maximum=1000)
    with services(request).reading() as conn:
        page = store.transfers_page(conn, caller.user_seq, q.str("cursor"), limit)
    transfers = [
        shapes.SubaccountTransfer(
            t.transfer_id, t.from_subaccount, t.to_subaccount, Amount(t.amount).to_cents(), t.created_us // MICROS
        )
        for t in page.rows
    ]
    return json_response({"transfers": transfers, "cursor": page.cursor})


routes = [
    signed_route("/portfolio/subaccounts", create_subaccount, "POST"),
    signed_route("/portfolio/subaccounts/balances", get_subaccount_balances, "GET"),
    signed_route("/portfolio/subaccounts/netting", get_subaccount_netting, "GET"),
    signed_route("/portfolio/subaccounts/netting", update_subaccount_netting, "PUT"),
    signed_route("/portfolio/subaccounts/transfer", apply_subaccount_transfer, "POST"),
    signed_route("/portfolio/subaccounts/transfers", get_subaccount_transfers, "GET"),
]
