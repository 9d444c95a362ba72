"""What every request handler needs: the store, the clock and the settings.

Built once per process from Settings (and rebuilt by nothing: a reset
rewrites the store, and the handlers keep no other state).
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine

from .authenticator import Authenticator
from .config import Settings
from .exchange.clock import Clock, make_clock
from .models.json_cache import JsonCache
from .models.response_cache import ResponseCache
from .store import db


@dataclass
class Services:
    settings: Settings
    engine: Engine
    read_engine: Engine | None  # PostgreSQL's autocommit pool; SQLite reads on per-thread connections
    clock: Clock
    authenticator: Authenticator
    trading: Any = None  # engine.Engine, started by the app's lifespan (engine/wiring.py); None in the CLI
    json_cache: JsonCache = field(default_factory=JsonCache)
    response_caches: dict[str, ResponseCache] = field(default_factory=dict)  # per handler
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _readers: list[Connection] = field(default_factory=list, repr=False)

    def reading(self) -> AbstractContextManager[Connection]:
        """A connection for one request's reads. On PostgreSQL each request checks one
        out of a pool of its own, in autocommit: every statement reads the latest
        commits, as on SQLite, without a BEGIN and ROLLBACK round trip around them."""
        if self.read_engine is None:
            return _ThreadReader(self)
        return self.read_engine.connect()

    @classmethod
    def open(cls, settings: Settings) -> Services:
        engine = db.open_engine(settings.database_url)
        db.create_schema(engine)
        authenticator = Authenticator(window_ms=settings.signature_window_s * 1000, rate_limits=settings.rate_limits)
        sqlite = engine.dialect.name == "sqlite"
        read_engine = None if sqlite else db.open_engine(settings.database_url, autocommit=True)
        return cls(
            settings=settings,
            engine=engine,
            read_engine=read_engine,
            clock=make_clock(settings.clock),
            authenticator=authenticator,
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
