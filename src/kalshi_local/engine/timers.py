"""Moving the exchange clock, and firing its timers through the engine.

Every timer (a market's open, close and settlement, an order's expiration) fires as a
`Tick` command: applied by the venue between commands like any other, durable before
anything of it shows. `advance` moves a manual clock forward through the due instants in
time order, each instant its own change stamped with that instant, INSTANTS_PER_BATCH of
them to an engine batch (one transaction, group commit as for orders) that also saves
the clock's time reached, and only then sets the clock: a restart resumes at the last
instant written, with the timers after it still pending. On the real clock a `Waker`
thread submits a Tick when the next timer falls due.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import uuid
import weakref

from sqlalchemy import Connection
from sqlalchemy import Engine as DbEngine

from ..exchange.clock import MICROS, Clock, ManualClock, RealClock
from ..exchange.market_commands import Tick
from ..exchange.venue import Outcome
from ..store import accounts, db
from ..store import clock as clock_store
from .errors import EngineClosed
from .sequencer import Engine

log = logging.getLogger("kalshi_local.engine")
_locks: weakref.WeakKeyDictionary[ManualClock, asyncio.Lock] = weakref.WeakKeyDictionary()


def _save(conn: Connection, outcome: Outcome) -> None:
    clock_store.save(conn, "manual", outcome.ts_us)


INSTANTS_PER_BATCH = 64  # due instants fired per transaction while the clock is moved


async def advance(engine: Engine, clock: ManualClock, target_us: int) -> int:
    """Moves `clock` to `target_us`, firing every timer due on the way in time order, at
    most INSTANTS_PER_BATCH due instants to a durable batch. Returns how many batches that
    took. Raises ValueError (the clock never moves back) and what the engine raises
    (WriteFailed: the clock stays at the last instant written)."""
    lock = _locks.setdefault(clock, asyncio.Lock())
    async with lock:
        if target_us < clock.now_us():
            raise ValueError("the manual clock never moves backwards")
        engine.read_fee_changes()  # another process (`kalshi-local load`) may have scheduled some
        batches = 0
        while True:
            reached = (await engine.submit(Tick(target_us, INSTANTS_PER_BATCH), record=_save)).ts_us
            clock.set(reached)
            batches += 1
            if reached >= target_us:
                return batches


def advance_here(db_engine: DbEngine, target_us: int | None = None, seconds: int = 0) -> int:
    """`advance` with an engine of this process (the CLI), from the store's manual time
    (the wall clock's when none is stored) to `target_us`, or by `seconds`. Returns the
    time reached. Raises accounts.BalancesOwned when a running server owns the store
    (its own clock must be moved, through the admin API), ValueError for a move back."""
    instance = f"clock-{uuid.uuid4().hex}"
    with db.writing(db_engine) as conn:
        accounts.check_balances_free(conn, instance)
        accounts.claim_balances(conn, instance)
        start = clock_store.manual_time(conn)
    clock = ManualClock(start)
    target = clock.now_us() + seconds * MICROS if target_us is None else target_us
    try:
        with concurrent.futures.ThreadPoolExecutor(1) as pool:  # a loop of its own: the caller may be in one
            pool.submit(asyncio.run, _with_engine(db_engine, clock, target)).result()
    finally:
        with db.writing(db_engine) as conn:
            accounts.release_balances(conn, instance)
    return clock.now_us()


async def _with_engine(db_engine: DbEngine, clock: ManualClock, target: int) -> None:
    engine = Engine.start(db_engine, clock)
    try:
        await advance(engine, clock, target)
    finally:
        engine.close()


def start_clock(db_engine: DbEngine, kind: str) -> Clock:
    """The process's clock: a manual one resumes at the store's manual time (the wall clock's
    the first time, saved at once); the real one marks the store's clock real."""
    with db.writing(db_engine) as conn:
        found = clock_store.stored(conn)
        if kind == "real":
            if found is not None and found[0] != "real":
                clock_store.save(conn, "real", found[1])
            return RealClock()
        clock = ManualClock(found[1] if found is not None and found[0] == "manual" else None)
        clock_store.save(conn, "manual", clock.now_us())
        return clock


class Waker:
    """On the real clock: submits a Tick when the next timer is due, at least every MAX_WAIT_S.
    The engine tells it the earliest pending timer after every batch (`watch`), so an order's
    expiration or a quote's execution scheduled by any command wakes it in time; `poke`
    makes it look again at once (a catalog write may have moved a market's times)."""

    MAX_WAIT_S = 30.0

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self._engine, self._clock = engine, clock
        self._poked = threading.Event()
        self._lock = threading.Lock()
        self._asking = False  # a Tick of ours is on its way through the engine
        self._reported: int | None = None  # the earliest timer the last batch left pending
        self._target: int | None = None  # the instant waited for (None: no timer pending)
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="kalshi-local-timers", daemon=True)
        self._thread.start()
        engine.watch_next_due = self.watch

    def poke(self) -> None:
        self._poked.set()

    def watch(self, due_us: int | None) -> None:
        """On the engine thread, after each batch: `due_us` is its earliest pending timer."""
        with self._lock:
            self._reported = due_us
            if not self._asking and due_us is not None and (self._target is None or due_us < self._target):
                self._poked.set()

    def close(self) -> None:
        self._engine.watch_next_due = None
        self._stopped = True
        self._poked.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stopped:
            self._poked.clear()
            with self._lock:
                self._asking = True
            try:
                self._engine.read_fee_changes()  # another process (`kalshi-local load`) may have scheduled some
                due = self._engine.submit_blocking(Tick(self._clock.now_us())).next_due_us
            except EngineClosed:
                return
            except Exception:
                log.exception("firing the clock's timers failed; trying again shortly")
                due = None
            with self._lock:
                self._asking = False
                # The last batch's report is at least as recent as the Tick's own answer.
                reported = self._reported
                self._target = due if reported is None else reported if due is None else min(due, reported)
                target = self._target
            wait = self.MAX_WAIT_S if target is None else (target - self._clock.now_us()) / MICROS
            self._poked.wait(min(max(wait, 0.0), self.MAX_WAIT_S))
