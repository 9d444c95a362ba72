"""Placing a scenario's resting orders with an engine of this process (the CLI, and
`serve` before its own engine starts): started for the duration, then closed."""

from __future__ import annotations

import asyncio
import concurrent.futures
import uuid
from collections.abc import Sequence

from sqlalchemy import Connection
from sqlalchemy import Engine as DbEngine

from .. import demo
from ..exchange.clock import ManualClock
from ..scenario import lifecycle, loader
from ..scenario.orders import Placement, place
from ..store import accounts, candles, db
from .sequencer import Engine


def load_demo(db_engine: DbEngine, now_us: int) -> None:
    """Writes the demo catalog, then places its market maker's orders. Raises
    ScenarioError, and accounts.BalancesOwned when a running server owns the store."""
    catalog = loader.Document.of(demo.scenario(), demo.SOURCE)
    loader.apply(db_engine, catalog, now_us, demo.SOURCE)
    place_here(db_engine, catalog.placements, demo.SOURCE, now_us)


def flatten_opening_book(conn: Connection, placements: Sequence[Placement], now_us: int) -> None:
    """A scenario's resting orders (the demo's market maker's too) are its starting state, not
    trading. Placed order by order, one side first, they would open each market's candle with
    the other side empty for a moment (a $1 ask or a $0 bid): the candles open at `now_us`
    show the book as it stands instead, and the candles after them open there."""
    candles.flatten_opening_book(conn, (p.command.ticker for p in placements), now_us)


def place_here(
    db_engine: DbEngine,
    placements: Sequence[Placement],
    source: str,
    now_us: int,
    moves: Sequence[lifecycle.Move] = (),
) -> int:
    """`place` with an engine of this process (the CLI), started for the duration and
    stamping the orders at `now_us`, then the lifecycle `moves` (scenario/lifecycle.py).
    Raises accounts.BalancesOwned when a running server owns the store's balances: its
    engine, not this one, must place them."""
    if not placements and not moves:
        return 0
    instance = f"load-{uuid.uuid4().hex}"
    with db.writing(db_engine) as conn:
        accounts.check_balances_free(conn, instance)  # any running server, this process's too
        accounts.claim_balances(conn, instance)
    try:
        # A loop of its own in a worker thread: the caller may be inside one already.
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            placed = pool.submit(asyncio.run, _with_engine(db_engine, placements, source, now_us, moves)).result()
        with db.writing(db_engine) as conn:
            flatten_opening_book(conn, placements, now_us)
        return placed
    finally:
        with db.writing(db_engine) as conn:
            accounts.release_balances(conn, instance)


async def _with_engine(
    db_engine: DbEngine, placements: Sequence[Placement], source: str, now_us: int, moves: Sequence[lifecycle.Move]
) -> int:
    engine = Engine.start(db_engine, ManualClock(now_us))
    try:
        placed = await place(engine.submit_many, placements, source)
        await lifecycle.apply(engine.submit_many, moves, source)
        return placed
    finally:
        engine.close()


def check_free(db_engine: DbEngine) -> None:
    """Raises accounts.BalancesOwned when a running server owns the store (before a load writes anything)."""
    with db.writing(db_engine) as conn:
        accounts.check_balances_free(conn)
