"""Members: create or update them (tier, balance, keys), list them, and move cash.

Funding a user records a deposit, and taking cash out a withdrawal, so the
Trade API's /portfolio/deposits and /portfolio/withdrawals show every change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api.responses import json_response, services
from ..engine import wiring
from ..errors import InvalidParameter, NotFound
from ..exchange.money import Amount
from ..models.inputs import Cents, UserIn
from ..store import accounts
from .bodies import decode, now_us


class TransferIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    amount: Cents
    type: Literal[accounts.METHODS] = "ach"  # type: ignore[valid-type]


def _shown(conn, user: accounts.User) -> dict:
    cash = accounts.balance(conn, user.seq)
    return {
        "user_id": user.user_id,
        "name": user.name,
        "tier": user.tier,
        "balance": Amount(cash.balance if cash else 0).to_dollars_exact(),
        "api_key_ids": [key.key_id for key in accounts.keys_of(conn, user.seq)],
    }


async def put_user(request: Request) -> Response:
    spec = await decode(request, UserIn, "name")
    svc = services(request)
    trading = svc.trading is not None  # engine: the balance moves through it (below)
    written = msgspec.structs.replace(spec, balance=None) if trading else spec
    user = await svc.run_write(accounts.upsert_user, written, now_us(request))
    if trading and spec.balance is not None:
        await wiring.set_cash(svc, user.seq, Amount.from_dollars(spec.balance).to_cents(), now_us(request))
    return json_response({"user": await svc.run_read(_shown_now, svc, user)})


def _shown_now(svc, user: accounts.User) -> dict:
    """`_shown` on a read connection (run through Services.run_read: off the loop on PostgreSQL)."""
    with svc.reading() as conn:
        return _shown(conn, user)


def get_users(request: Request) -> Response:
    with services(request).reading() as conn:
        return json_response({"users": [_shown(conn, user) for user in accounts.users(conn)]})


def _mover(move: Callable) -> Callable:
    async def post(request: Request) -> Response:
        name = request.path_params["name"]
        body = await decode(request, TransferIn)
        cents = Amount.from_dollars(body.amount).to_cents()
        if cents <= 0:
            raise InvalidParameter(f"$.amount: must be more than 0, got {body.amount!r}")
        svc, now = services(request), now_us(request)

        def transfer(conn) -> accounts.User:
            user = accounts.user_by_name(conn, name)
            if user is None:
                raise NotFound(f"user {name} not found")
            if svc.trading is None:
                move(conn, user.seq, cents, now_us=now, method=body.type)
            return user

        user = await svc.run_write(transfer)
        if svc.trading is not None:  # engine wiring: the venue holds balances
            kind = "deposit" if move is accounts.deposit else "withdrawal"
            await wiring.move_cash(svc, user.seq, kind, body.type, cents, now)
        return json_response({"user": await svc.run_read(_shown_now, svc, user)})

    return post


routes = [
    Route("/users", get_users, methods=["GET"]),
    Route("/users/{name}", put_user, methods=["PUT"]),
    Route("/users/{name}/deposits", _mover(accounts.deposit), methods=["POST"]),
    Route("/users/{name}/withdrawals", _mover(accounts.withdraw), methods=["POST"]),
]
