"""What every request handler needs: the store, the clock and the settings.

Built once per process from Settings (and rebuilt by nothing: a reset
rewrites the store, and the handlers keep no other state).
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import ContextManager, Iterator

from sqlalchemy import Connection, Engine

from .auth.authenticator import Authenticator
from .config import Settings
from .exchange.clock import Clock, make_clock
from .models.json_cache import JsonCache
from .models.response_cache import ResponseCache
from .store import db


@dataclass
class Services:
    settings: Settings
    engine: Engine
    clock: Clock
    authenticator: Authenticator
    json_cache: JsonCache = field(default_factory=JsonCache)
    response_caches: dict[str, ResponseCache] = field(default_factory=dict)  # per handler
    _local: threading.local = field(default_factory=threading.local, repr=False)
    _readers: list[Connection] = field(default_factory=list, repr=False)

    def reading(self) -> ContextManager[Connection]:
        """A connection for one request's reads."""
        return _reading(self)

    @classmethod
    def open(cls, settings: Settings) -> "Services":
        engine = db.open_engine(settings.database_url)
        db.create_schema(engine)
        authenticator = Authenticator(window_ms=settings.signature_window_s * 1000, rate_limits=settings.rate_limits)
        return cls(settings=settings, engine=engine, clock=make_clock(settings.clock), authenticator=authenticator)

    def close(self) -> None:
        for conn in self._readers:
            conn.close()
        self.engine.dispose()


@contextmanager
def _reading(services: Services) -> Iterator[Connection]:
    # On SQLite a pool checkout and return cost as much as a small query, so each
    # thread keeps one connection open for reads. SQLite's driver takes no snapshot
    # for a SELECT, so it sees every commit. PostgreSQL would, so it checks one out
    # per request as usual.
    if services.engine.dialect.name != "sqlite":
        with services.engine.connect() as conn:
            yield conn
        return
    conn = getattr(services._local, "conn", None)
    if conn is None or conn.closed or conn.invalidated:
        conn = services._local.conn = services.engine.connect()
        services._readers.append(conn)
    try:
        yield conn
    finally:
        if conn.in_transaction():
            conn.rollback()
