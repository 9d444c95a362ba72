"""What every request handler needs: the store, the clock and the settings,
and where its blocking work runs.

Built once per process from Settings (and rebuilt by nothing: a reset
rewrites the store, and the handlers keep no other state).

Nothing that can wait runs on the event loop (DESIGN.md):
- `run_write(work, *args)`: `work(conn, *args)` in one store transaction
  (store.db.transaction) on a worker thread; a write may wait for SQLite's lock.
- `run_read(fn, *args)`: `fn(*args)`, a function that reads the store. On SQLite
  it runs inline: in WAL mode a read never waits for a writer, and a thread hop
  would cost more than most reads (bench/compare_sources.py). On PostgreSQL every
  query is a network round trip, so it runs on a worker thread.
- `run_cpu(fn, *args)`: CPU-heavy work (RSA key generation) on a worker thread.
Writes and PostgreSQL reads have their own thread limits, so writers stuck
behind a lock never take the threads that reads need.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from anyio import CapacityLimiter, to_thread
from sqlalchemy import Connection, Engine

from .authenticator import Authenticator
from .config import Settings
from .engine import timers
from .exchange.clock import Clock
from .exchange.historical import DEFAULT_WINDOW_S
from .models.json_cache import JsonCache
from .models.response_cache import ResponseCache
from .store import db
from .store import historical as historical_store

T = TypeVar("T")
WRITE_THREADS = 4  # SQLite takes one writer at a time anyway; PostgreSQL writes are short
READ_THREADS = 16  # the PostgreSQL read pool's size with its overflow (store/db.py)
SLOW_CHECKOUT_S = 1.0  # a PostgreSQL read waiting longer for a pooled connection is logged

log = logging.getLogger("kalshi_local.store")


@dataclass
class Services:
    settings: Settings
    engine: Engine
    read_engine: Engine | None  # PostgreSQL's autocommit pool; SQLite reads on per-thread connections
    clock: Clock
    authenticator: Authenticator
    trading: Any = None  # engine.Engine, started by the app's lifespan (engine/wiring.py); None in the CLI
    trading_off: str = "this process runs no trading engine"  # why `trading` is None, for error messages
    waker: Any = None  # engine.timers.Waker on the real clock while trading runs
    gateway: Any = None  # ws.fanout.Gateway: the WebSocket subscriptions, made by the app's lifespan
    catalog_listeners: list[Callable[[str | None], None]] = field(default_factory=list)  # after catalog writes
    lookup_listeners: list[Callable[[dict], None]] = field(default_factory=list)  # combo creates and lookups
    # After a commit that removed API keys or users: e.g. the WebSocket private channels of their connections.
    key_listeners: list[Callable[[], Awaitable[None]]] = field(default_factory=list)
    historical_window_s: int = DEFAULT_WINDOW_S  # the cutoffs trail the clock by this (exchange/historical.py)
    instance: str = field(default_factory=lambda: uuid.uuid4().hex)  # this server, as an owner of the store
    json_cache: JsonCache = field(default_factory=JsonCache)
    response_caches: dict[str, ResponseCache] = field(default_factory=dict)  # per handler
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _readers: list[Connection] = field(default_factory=list, repr=False)
    _limiters: dict[str, CapacityLimiter] = field(default_factory=dict, repr=False)

    @property
    def reads_inline(self) -> bool:
        return self.read_engine is None

    async def run_read(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(*args)`, which reads the store: inline on SQLite, on a read thread on PostgreSQL."""
        if self.read_engine is None:
            return fn(*args)
        queued = time.monotonic()

        def timed() -> T:
            waited = time.monotonic() - queued
            if waited > SLOW_CHECKOUT_S:  # every read thread was busy
                log.warning("a read waited %.1f s for a read thread", waited)
            return fn(*args)

        return await to_thread.run_sync(timed, limiter=self._limiter("read", READ_THREADS))

    async def run_write(self, work: Callable[..., T], *args: Any) -> T:
        """`work(conn, *args)` in one transaction (store.db.transaction: its domain
        errors pass through) on a write thread; returns what `work` returns."""
        return await to_thread.run_sync(self._write, work, args, limiter=self._limiter("write", WRITE_THREADS))

    async def run_cpu(self, fn: Callable[..., T], *args: Any) -> T:
        return await to_thread.run_sync(fn, *args)

    def _write(self, work: Callable[..., T], args: tuple) -> T:
        with db.transaction(self.engine) as conn:
            return work(conn, *args)

    async def keys_removed(self) -> None:
        """Tells the key listeners that API keys or users were removed (after the commit). Never
        raises: the removal stands whatever a listener does."""
        for listener in self.key_listeners:
            try:
                await listener()
            except Exception:
                log.exception("a listener of removed API keys failed")

    def _limiter(self, name: str, threads: int) -> CapacityLimiter:
        # Made on first use, inside the event loop, as anyio wants.
        limiter = self._limiters.get(name)
        if limiter is None:
            limiter = self._limiters[name] = CapacityLimiter(threads)
        return limiter

    def reading(self) -> AbstractContextManager[Connection]:
        """A connection for one request's reads. On PostgreSQL each request checks one
        out of a pool of its own, in autocommit: every statement reads the latest
        commits, as on SQLite, without a BEGIN and ROLLBACK round trip around them."""
        if self.read_engine is None:
            return _ThreadReader(self)
        began = time.monotonic()
        conn = self.read_engine.connect()
        waited = time.monotonic() - began
        if waited > SLOW_CHECKOUT_S:  # the pool ran dry: every read thread held a connection
            log.warning("a read waited %.1f s for a connection: %s", waited, self.read_engine.pool.status())
        return conn

    @classmethod
    def open(cls, settings: Settings) -> Services:
        engine = db.open_engine(settings.database_url)
        db.create_schema(engine)
        authenticator = Authenticator(window_ms=settings.signature_window_s * 1000, rate_limits=settings.rate_limits)
        sqlite = engine.dialect.name == "sqlite"
        read_engine = None if sqlite else db.open_engine(settings.database_url, autocommit=True)
        window = settings.historical_window_s
        if window is not None:  # kept, like a window the admin API sets
            with db.transaction(engine) as conn:
                historical_store.save_window(conn, window)
        else:
            with engine.connect() as conn:
                window = historical_store.window(conn)
        return cls(
            settings=settings,
            engine=engine,
            read_engine=read_engine,
            clock=timers.start_clock(engine, settings.clock),  # a manual one resumes where it was left
            authenticator=authenticator,
            historical_window_s=DEFAULT_WINDOW_S if window is None else window,
        )

    def close(self) -> None:
        for conn in self._readers:
            conn.close()
        self.engine.dispose()
        if self.read_engine is not None:
            self.read_engine.dispose()


class _ThreadReader:
    """The calling thread's own connection for reads (SQLite).

    A pool checkout and return cost as much as a small query there, so each thread
    keeps one connection open. SQLite's driver takes no snapshot for a SELECT, so it
    sees every commit. A class, not a generator context manager: this runs several
    times per request.
    """

    __slots__ = ("_services", "_conn")

    def __init__(self, services: Services) -> None:
        self._services = services

    def __enter__(self) -> Connection:
        services = self._services
        conn = getattr(services._local, "conn", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = services._local.conn = services.engine.connect()
            services._readers.append(conn)
        self._conn = conn
        return conn

    def __exit__(self, *_exc) -> None:
        if self._conn.in_transaction():
            self._conn.rollback()
