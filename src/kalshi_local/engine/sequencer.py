"""The sequencer: one thread that owns the venue and the write connection.

Gateways queue commands from the event loop. The thread takes everything queued
(group commit), applies it in arrival order, writes all events of the batch in one
transaction, commits durably, and only then resolves the callers' futures and hands
the events to subscribers on the loop, batch after batch in seq order.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlalchemy import Engine as DbEngine

from ..errors import ApiError
from ..exchange.clock import Clock
from ..exchange.errors import TradingError
from ..exchange.events import Event
from ..exchange.orders import Command
from ..exchange.venue import Outcome, Venue
from ..store import checkpoints, db
from . import rebuild, writer
from .errors import EngineClosed, EngineFault, WriteFailed
from .subscribers import Subscriber, Subscribers

log = logging.getLogger("kalshi_local.engine")

MAX_BATCH = 4096  # commands per transaction: bounds a batch's latency under a flood
SLOW_WRITE_S = 2.0  # a batch's transaction taking longer is logged
Record = Callable[[Connection, Outcome], None]  # more rows a command writes in its batch's transaction
Write = Callable[[Connection], None]
Result = Outcome | TradingError
Future = asyncio.Future | concurrent.futures.Future


@dataclass(slots=True)
class _Job:
    commands: Sequence[Command]
    many: bool
    future: Future
    loop: asyncio.AbstractEventLoop | None
    record: Record | None = None
    result: Any = None
    stop_at_refusal: bool = False


@dataclass(slots=True)
class _Control:
    action: str  # "catalog", "fee_changes", "reload", "stop"
    ticker: str | None = None
    write: Write | None = None
    done: concurrent.futures.Future = field(default_factory=concurrent.futures.Future)


class Engine:
    """One per process. See engine/__init__.py for the interface."""

    def __init__(self, db_engine: DbEngine, clock: Clock, factory: rebuild.VenueFactory = Venue) -> None:
        self._db = db_engine
        self._clock = clock
        self._factory = factory
        self._queue: queue.SimpleQueue[_Job | _Control] = queue.SimpleQueue()
        self._subscribers = Subscribers()
        self._conn: Connection | None = None
        self._checkpointer: checkpoints.Checkpointer | None = None
        self._venue: Venue | None = None
        self._counters = (0, 0)
        self._closed = False
        self.batches = 0  # transactions committed: how well commands group
        # Told the earliest pending timer after every batch (timers.Waker on the real clock).
        self.watch_next_due: Callable[[int | None], None] | None = None
        self._rebuild()
        try:
            self._loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self._loop = None  # no loop: subscribers run on the engine thread
        self._thread = threading.Thread(target=self._run, name="kalshi-local-engine", daemon=True)
        self._thread.start()

    @classmethod
    def start(cls, db_engine: DbEngine, clock: Clock, factory: rebuild.VenueFactory = Venue) -> Engine:
        """Rebuilds the venue from the store and starts the sequencer thread. Called on
        the event loop, subscribers run there; raises what the store raises."""
        return cls(db_engine, clock, factory)

    # --- gateway side ---

    async def submit(self, command: Command, record: Record | None = None) -> Outcome:
        """The command's Outcome once its batch is durable. Raises its TradingError,
        WriteFailed (503) when the batch could not be written, EngineClosed.
        `record(conn, outcome)` runs in the batch's transaction when the command succeeds."""
        return await self._enqueue([command], False, record)

    async def submit_many(self, commands: Sequence[Command], stop_at_refusal: bool = False) -> list[Result]:
        """Applies `commands` one after the other in one batch: each an Outcome or its
        TradingError. With `stop_at_refusal` the list ends at the first TradingError: the
        commands after it are not applied. Raises WriteFailed or EngineClosed for them all."""
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._put(_Job(list(commands), True, future, loop, stop_at_refusal=stop_at_refusal))
        return await future

    def submit_blocking(self, command: Command, record: Record | None = None) -> Outcome:
        """`submit` for a worker thread (never the event loop: it waits)."""
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._put(_Job([command], False, future, None, record))
        return future.result()

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """`callback(events)` after each durable batch, in seq order; returns an unsubscribe."""
        return self._subscribers.add(callback)

    def catalog_changed(self, ticker: str | None = None) -> None:
        """Market rules (of `ticker`, or all) must be read again before the next command."""
        self._put(_Control("catalog", ticker))

    def read_fee_changes(self) -> None:
        """The series fee changes to come are read again before the next command (another
        process, e.g. `kalshi-local load`, may have written some)."""
        self._put(_Control("fee_changes"))

    def reload(self, write: Write | None = None) -> None:
        """Runs `write(conn)` in its own transaction (e.g. a reset), then rebuilds the
        venue from the store, between two batches. Waits: call it from a worker thread."""
        control = _Control("reload", write=write)
        self._put(control)
        control.done.result()

    def close(self) -> None:
        """Stops the thread after the batches already queued; later submits raise EngineClosed."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(_Control("stop"))
        self._thread.join()

    async def _enqueue(self, commands: list[Command], many: bool, record: Record | None) -> Any:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._put(_Job(commands, many, future, loop, record))
        return await future

    def _put(self, item: _Job | _Control) -> None:
        if self._closed:
            raise EngineClosed("the exchange is shutting down; the command was not applied")
        self._queue.put(item)

    # --- the engine thread ---

    def _run(self) -> None:
        pending: deque[_Job | _Control] = deque()
        while True:
            if not pending:
                pending.append(self._queue.get())
            _drain(self._queue, pending)
            jobs: list[_Job] = []
            while pending:
                item: _Job | _Control | None = pending.popleft()
                if isinstance(item, _Job):
                    jobs.append(item)
                    if len(jobs) < MAX_BATCH:
                        continue
                    item = None
                if jobs:
                    self._process(jobs, pending)
                    jobs = []
                if isinstance(item, _Control) and not self._control(item, pending):
                    return
            if jobs:
                self._process(jobs, pending)

    def _control(self, control: _Control, pending: deque) -> bool:
        """Carries out a control item; False when the thread must stop."""
        if control.action == "stop":
            self._shut(pending)
            return False
        began = time.monotonic()
        try:
            if control.action == "catalog" and self._venue is not None:
                self._venue.forget_rules(control.ticker)
            elif control.action == "fee_changes" and self._venue is not None:
                self._venue.read_fee_changes()
            elif control.action == "reload":
                if control.write is not None:
                    with db.domain_errors():  # e.g. a lock held too long is a Conflict, not a 500
                        self._transaction(control.write)
                self._rebuild()
            control.done.set_result(None)
        except ApiError as exc:  # a domain error for the caller, e.g. a Conflict
            control.done.set_exception(exc)
        except Exception as exc:
            log.exception("engine %s failed", control.action)
            control.done.set_exception(exc)
        took = time.monotonic() - began
        if took > SLOW_WRITE_S:  # every command queued meanwhile waited as long
            log.warning("engine %s took %.1f s", control.action, took)
        return True

    def _process(self, jobs: list[_Job], pending: deque) -> None:
        """Applies and writes one batch. Never raises: the thread must outlive any bug."""
        try:
            self._process_batch(jobs, pending)
        except Exception:
            log.exception("a batch of %d commands failed unexpectedly; rebuilding the venue", len(jobs))
            self._try_rebuild()
            self._fail(jobs, EngineFault("the command failed unexpectedly; nothing was applied"))

    def _process_batch(self, jobs: list[_Job], pending: deque) -> None:
        if self._venue is None and not self._try_rebuild():
            self._fail(jobs, WriteFailed("the store cannot be read; nothing was applied, try again"))
            return
        now = self._clock.now_us()
        events = self._expire(now)
        done = self._apply(jobs, now, events)
        if done < len(jobs):
            pending.extendleft(reversed(jobs[done:]))  # a fault stopped the batch: they go in the next one
            jobs = jobs[:done]
        began = time.monotonic()
        try:
            self._counters = self._transaction(lambda conn: self._write(conn, jobs, events))
        except Exception:
            log.exception("writing a batch of %d commands failed; rebuilding the venue from the store", len(jobs))
            self._try_rebuild()
            self._fail(jobs, WriteFailed("the store refused the write; nothing of the command was applied, try again"))
            return
        self.batches += 1
        took = time.monotonic() - began
        if took > SLOW_WRITE_S:  # a lock or a stalled store: say so, a client is waiting
            log.warning("writing a batch of %d commands (%d events) took %.1f s", len(jobs), len(events), took)
        if self._checkpointer is not None:
            self._checkpointer.committed()
        if any(isinstance(job.result, EngineFault) or _has_fault(job.result) for job in jobs):
            self._try_rebuild()  # the venue may hold part of the failed command
        if self.watch_next_due is not None and self._venue is not None:
            self.watch_next_due(self._venue.next_due())
        self._deliver(jobs, events)

    def _expire(self, now: int) -> list[Event]:
        venue = self._venue
        assert venue is not None
        lookups = self._lookups
        if now >= lookups.stale_at:  # a market opened or closed since its rules were read
            venue.forget_rules(None)
            lookups.forget()
        return list(venue.expire_due(now).events)  # orders whose expiration time passed

    def _apply(self, jobs: list[_Job], now: int, events: list[Event]) -> int:
        """Applies each job, adding its events; returns how many jobs were handled
        (fewer than all when the venue failed unexpectedly: the rest wait)."""
        venue = self._venue
        assert venue is not None
        for index, job in enumerate(jobs):
            results: list[Result | EngineFault] = []
            for command in job.commands:
                results.append(_apply_one(venue, command, now, events))
                if job.stop_at_refusal and isinstance(results[-1], TradingError):
                    break
                if isinstance(results[-1], EngineFault):
                    skipped = len(job.commands) - len(results)
                    results += [EngineFault("not applied: an earlier command of the batch failed")] * skipped
                    job.result = results if job.many else results[0]
                    return index + 1
            job.result = results if job.many else results[0]
        return len(jobs)

    def _write(self, conn: Connection, jobs: list[_Job], events: list[Event]) -> tuple[int, int]:
        venue = self._venue
        assert venue is not None
        # The venue numbers orders apart from events (order ids derive from the number).
        counters = writer.write(conn, events, self._counters, last_order=venue.next_order - 1)
        for job in jobs:
            if job.record is not None and isinstance(job.result, Outcome):
                job.record(conn, job.result)
        return counters

    def _transaction(self, work: Callable[[Connection], Any]) -> Any:
        conn = self._connection()
        try:
            with conn.begin():
                if conn.dialect.name == "sqlite":
                    conn.exec_driver_sql("BEGIN IMMEDIATE")  # take the write lock now, not on upgrade
                return work(conn)
        except Exception:
            self._drop_connection()
            raise

    def _connection(self) -> Connection:
        if self._conn is None:
            conn = self._db.connect()
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA synchronous=FULL")  # fsync at every commit: durable on ack
                if conn.engine.url.database not in (None, "", ":memory:"):
                    checkpoints.disable_autocheckpoint(conn)
                    if self._checkpointer is None:
                        self._checkpointer = checkpoints.Checkpointer(self._db)
                conn.commit()
            self._conn = conn
        return self._conn

    def _drop_connection(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:
                log.debug("closing the engine's write connection failed", exc_info=True)
            self._conn = None
        if self._checkpointer is not None:
            self._checkpointer.close()
            self._checkpointer = None

    def _rebuild(self) -> None:
        self._venue = None
        venue, self._lookups, state = rebuild.build(self._db, self._clock, self._factory)
        self._counters = (state.last_seq, state.last_order)
        self._venue = venue

    def _try_rebuild(self) -> bool:
        try:
            self._rebuild()
            return True
        except Exception:
            log.exception("rebuilding the venue from the store failed; commands fail until it succeeds")
            return False

    def _deliver(self, jobs: list[_Job], events: list[Event]) -> None:
        """Resolves the jobs and publishes the events: on the loop when there is one."""
        by_loop: dict[asyncio.AbstractEventLoop, list[_Job]] = {}
        without_loop: list[_Job] = []
        for job in jobs:
            if job.loop is None:
                without_loop.append(job)
            else:
                by_loop.setdefault(job.loop, []).append(job)
        _resolve(without_loop)
        if self._loop is None:
            self._subscribers.publish(events)
        elif self._loop not in by_loop:
            by_loop[self._loop] = []
        for loop, group in by_loop.items():
            publish = events if loop is self._loop else ()
            _call_soon(loop, self._resolve_and_publish, group, publish)

    def _resolve_and_publish(self, jobs: list[_Job], events: Sequence[Event]) -> None:
        _resolve(jobs)
        self._subscribers.publish(events)

    def _fail(self, jobs: list[_Job], error: Exception) -> None:
        for job in jobs:
            job.result = error
        self._deliver(jobs, [])

    def _shut(self, pending: deque) -> None:
        closed = EngineClosed("the exchange is shutting down; the command was not applied")
        leftover = list(pending)
        _drain(self._queue, leftover)
        for item in leftover:
            if isinstance(item, _Control):
                item.done.set_exception(closed)
        self._fail([item for item in leftover if isinstance(item, _Job)], closed)
        self._drop_connection()


def _apply_one(venue: Venue, command: Command, now: int, events: list[Event]) -> Result | EngineFault:
    try:
        outcome = venue.apply(command, now)
    except TradingError as refused:
        return refused
    except Exception:
        log.exception("the venue failed on %r", command)
        return EngineFault("the exchange failed on this command; it was not applied")
    events.extend(outcome.events)
    return outcome


def _has_fault(result: Any) -> bool:
    return isinstance(result, list) and any(isinstance(r, EngineFault) for r in result)


def _drain(source: queue.SimpleQueue, into: deque | list) -> None:
    while True:
        try:
            into.append(source.get_nowait())
        except queue.Empty:
            return


def _resolve(jobs: list[_Job]) -> None:
    for job in jobs:
        future = job.future
        if future.done():  # an asyncio caller that went away
            continue
        result = job.result
        if isinstance(result, BaseException):
            future.set_exception(result)
        else:
            future.set_result(result)


def _call_soon(loop: asyncio.AbstractEventLoop, callback: Callable, *args: Any) -> None:
    try:
        loop.call_soon_threadsafe(callback, *args)
    except RuntimeError:  # the loop closed: nobody waits for these any more
        log.debug("event loop closed; %d results dropped", len(args[0]))
