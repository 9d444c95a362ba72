"""Transfers between subaccounts stay idempotent across a rebuild of the venue (a restart, a
reload): the client_transfer_ids already applied come back from the store, so a repeat that
reaches the engine after the rebuild moves nothing (transfer-between-subaccounts.md)."""

from __future__ import annotations

import asyncio
import uuid

from kalshi_local.engine import Engine
from kalshi_local.exchange.money import Amount
from kalshi_local.exchange.subaccount_commands import OpenSubaccount, TransferCash
from kalshi_local.store import subaccounts

from .conftest import Store
from .test_rebuild import run


def _transfer(store: Store, client_id: str, dollars: int = 10) -> TransferCash:
    return TransferCash(store.alice, 0, 1, Amount.from_cents(dollars * 100).raw, client_id)


async def _send(engine: Engine, command: TransferCash) -> int:
    """Submits `command` as the API does (its row written in the batch); the events it made."""

    def record(conn, outcome) -> None:
        if outcome.events:
            subaccounts.record_transfer(
                conn, command.user_seq, command.client_transfer_id, 0, 1, command.amount, outcome.ts_us
            )

    return len((await engine.submit(command, record)).events)


def _cash(store: Store) -> dict[int, int]:
    with store.db.connect() as conn:
        return {row.subaccount: row.balance for row in subaccounts.all_balances(conn, store.alice)}


def _opened(store: Store) -> None:
    async def open_one(engine):
        await engine.submit(OpenSubaccount(store.alice, 1, True))

    run(store, open_one)


def test_a_repeated_transfer_after_a_restart_moves_nothing(store):
    _opened(store)
    client_id = str(uuid.uuid4())
    ten = Amount.from_cents(1000).raw

    async def once(engine):
        return await _send(engine, _transfer(store, client_id))

    assert run(store, once) > 0
    after_first = _cash(store)
    assert after_first[1] == ten
    assert run(store, once) == 0  # a new venue, built from the store
    assert _cash(store) == after_first
    other = str(uuid.uuid4())  # a new id still moves cash

    async def another(engine):
        return await _send(engine, _transfer(store, other))

    assert run(store, another) > 0
    assert _cash(store)[1] == 2 * ten


def test_a_repeated_transfer_after_a_reload_moves_nothing(store):
    _opened(store)
    client_id = str(uuid.uuid4())

    async def around_a_reload(engine):
        first = await _send(engine, _transfer(store, client_id))
        before = _cash(store)
        await asyncio.to_thread(engine.reload)  # as the admin reset does, between two batches
        second = await _send(engine, _transfer(store, client_id))
        return first, before, second

    first, before, second = run(store, around_a_reload)
    assert first > 0 and second == 0
    assert _cash(store) == before
    assert before[1] == Amount.from_cents(1000).raw


def test_a_transfer_removed_with_its_subaccounts_may_be_sent_again(store):
    """The admin removal deletes the transfers with the subaccounts: the id is free again."""
    _opened(store)
    client_id = str(uuid.uuid4())

    async def send_remove_send(engine):
        await _send(engine, _transfer(store, client_id))
        await asyncio.to_thread(engine.reload, lambda conn: subaccounts.remove(conn, store.alice))
        await engine.submit(OpenSubaccount(store.alice, 1, True))
        return await _send(engine, _transfer(store, client_id))

    assert run(store, send_remove_send) > 0
    assert _cash(store)[1] == Amount.from_cents(1000).raw
