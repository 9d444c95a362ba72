"""A member's subaccounts and trading records: remove the numbered subaccounts, or reset the
member (Kalshi offers neither; a sandbox needs both so that state does not pile up).

Both rewrite the store between two engine batches and rebuild the venue from it
(Engine.reload): resting orders removed this way leave the books without WebSocket deltas.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api.bodies import convert, json_body
from ..api.responses import json_response, services
from ..errors import NotFound
from ..exchange.money import Amount
from ..models.inputs import Cents, UserIn
from ..scenario import users
from ..store import accounts
from ..store import subaccounts as store
from .bodies import now_us


class ResetIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    balance: Cents | None = None  # the primary's cash afterwards, dollars; left out: unchanged


async def delete_subaccounts(request: Request) -> Response:
    """200 {"removed": [numbers]}: the numbered subaccounts with their orders, fills, positions,
    settlements and transfers; their cash is withdrawn (a transfer to the primary and a
    withdrawal, recorded). The primary's cash stays as it is."""
    return await _rewrite(request, keep_primary=True, cents=None)


async def reset_user(request: Request) -> Response:
    """200 {"removed": [numbers]}: as DELETE .../subaccounts, and the primary's orders, fills,
    positions and settlements too, netting back on, its cash set to `balance` when given."""
    body = convert(await json_body(request), ResetIn)
    cents = None if body.balance is None else Amount.from_dollars(body.balance).to_cents()
    return await _rewrite(request, keep_primary=False, cents=cents)


async def _rewrite(request: Request, keep_primary: bool, cents: int | None) -> Response:
    name, svc, now = request.path_params["name"], services(request), now_us(request)
    removed: list[int] = []
    forget = forgetter(svc)

    def write(conn) -> None:
        user = accounts.user_by_name(conn, name)
        if user is None:
            raise NotFound(f"user {name} not found")
        removed[:] = [n for n in store.numbers(conn, user.seq) if n]
        users.remove_subaccounts(conn, user.seq, keep_primary, now)  # their cash leaves as withdrawals
        if cents is not None:
            accounts.upsert_user(conn, UserIn(name=name, balance=Amount.from_cents(cents).to_dollars(2)), now)
        forget(user.seq, keep_primary)

    if svc.trading is None:
        await svc.run_write(write)
    else:
        await run_in_threadpool(svc.trading.reload, write)
    return json_response({"removed": removed})


def forgetter(svc) -> Callable[[int | None, bool], None]:
    """For a write of removed trading records: tells the WebSocket gateway to forget the
    accounts' streamed volumes (ws/fanout.py). Scheduled on the event loop from inside the write,
    which runs between two engine batches: the earlier batch's messages are published before it,
    the later one's after."""
    gateway, loop = svc.gateway, asyncio.get_running_loop()

    def forget(user_seq: int | None, numbered_only: bool) -> None:
        if gateway is not None:
            loop.call_soon_threadsafe(gateway.forget_trading, user_seq, numbered_only)

    return forget


routes = [
    Route("/users/{name}/subaccounts", delete_subaccounts, methods=["DELETE"]),
    Route("/users/{name}/reset", reset_user, methods=["POST"]),
]
