"""Opening the store: an embedded SQLite file by default, or PostgreSQL."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Connection, Engine, create_engine, event, func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DataError, DBAPIError
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import CreateColumn

from ..errors import ApiError, Conflict, InvalidParameter, NotFound
from . import changes, schema
from .bulk import RowError

SCHEMA_VERSION = "1"
DEFAULT_DB_PATH = Path("~/.local/share/kalshi-local/kalshi-local.db")
BUSY_TIMEOUT_MS = 30_000  # how long a SQLite connection waits for another's lock


def default_db_path() -> Path:
    """The SQLite file used when no store is given: `KALSHI_LOCAL_DB`, else DEFAULT_DB_PATH."""
    return Path(os.environ.get("KALSHI_LOCAL_DB") or DEFAULT_DB_PATH).expanduser()


def _looks_like_url(text: str) -> bool:
    return re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", text) is not None


def database_url(db_path: str | Path | None = None, url: str | None = None) -> str:
    """The SQLAlchemy URL of the store: `--db PATH` or `--database-url URL`, else the
    environment's `KALSHI_LOCAL_DATABASE_URL` or `KALSHI_LOCAL_DB`, else the default file.

    A value that looks like a URL (`postgresql://...`, `sqlite:///...`) is taken as a URL
    wherever it is given, never as a file name. Raises ValueError when both variables are set."""
    if not url and not db_path:
        env_url, env_db = os.environ.get("KALSHI_LOCAL_DATABASE_URL"), os.environ.get("KALSHI_LOCAL_DB")
        if env_url and env_db:
            raise ValueError("set KALSHI_LOCAL_DATABASE_URL or KALSHI_LOCAL_DB, not both")
        url = env_url or (env_db if env_db and _looks_like_url(env_db) else None)
    if not url and db_path and _looks_like_url(str(db_path)):
        url = str(db_path)
    if url:
        if url.startswith(("postgresql://", "postgres://")):
            return "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    path = Path(db_path).expanduser() if db_path else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _tune_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets `kalshi-local load` write while the server reads.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def open_engine(url: str, autocommit: bool = False) -> Engine:
    """`autocommit` (PostgreSQL only) makes a pool for reads: each statement reads the
    latest commits, and no BEGIN or ROLLBACK round trip frames a request's queries."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise ValueError(f"not a database URL: {url!r}") from exc
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, poolclass=NullPool if parsed.database in (None, "", ":memory:") else None)
        event.listen(engine, "connect", _tune_sqlite)
    elif parsed.get_backend_name() == "postgresql":
        isolation = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
        engine = create_engine(url, pool_size=8, max_overflow=8, pool_pre_ping=False, **isolation)
    else:
        raise ValueError(f"unsupported database {parsed.get_backend_name()!r}: use SQLite or PostgreSQL")
    changes.track(engine)
    return engine


@contextlib.contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction (committed at the end, rolled back on an exception).

    On SQLite it takes the write lock at once (BEGIN IMMEDIATE), waiting up to the
    busy timeout for another writer: what the transaction reads before its first
    write then cannot change under it, and it never has to upgrade a read lock,
    which fails at once ("database is locked") when another connection committed
    in between. Read connections are not affected.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn


@contextlib.contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """`writing`, for a command of any gateway (REST, WebSocket, FIX, admin): the
    store's own failures come out as domain errors (errors.py), rendered once at the edge.

    A RowError becomes NotFound (a missing reference) or Conflict; a value the
    database cannot hold (a NUL in PostgreSQL text) InvalidParameter; a write that
    lost a race with another writer (a duplicate key, a lock held past the busy
    timeout, a serialization failure; at commit too) Conflict: the client may try
    again. Anything else, a plain ValueError included, is a bug and passes through.
    """
    with domain_errors(), writing(engine) as conn:
        yield conn


@contextlib.contextmanager
def domain_errors() -> Iterator[None]:
    """The store's failures inside the block as domain errors (see `transaction`)."""
    try:
        yield
    except RowError as exc:
        error: ApiError = Conflict(exc.message) if exc.conflict else NotFound(exc.message)
        raise error from None
    except DataError as exc:
        raise InvalidParameter(f"a value in the body cannot be stored: {exc.orig}") from None
    except DBAPIError as exc:
        reason = write_conflict(exc)
        if reason is None:
            raise
        raise Conflict(f"another write got in the way: {reason}; try again") from None


# SQLSTATEs (PostgreSQL) and result codes (SQLite) of a write that lost a race with another writer.
_PG_CONFLICTS = {
    "23505": "a row with the same key was written at the same time",
    "23503": "a row it refers to was changed at the same time",
    "40001": "a concurrent write conflicted with it",
    "40P01": "a concurrent write deadlocked with it",
    "55P03": "a row it needs is locked by another writer",
}
_SQLITE_CONFLICTS = {
    "SQLITE_CONSTRAINT_UNIQUE": "a row with the same key was written at the same time",
    "SQLITE_CONSTRAINT_PRIMARYKEY": "a row with the same key was written at the same time",
    "SQLITE_CONSTRAINT_FOREIGNKEY": "a row it refers to was changed at the same time",
    "SQLITE_BUSY": "another writer held the store for too long",
    "SQLITE_BUSY_SNAPSHOT": "another writer committed first",
    "SQLITE_LOCKED": "another writer held the store for too long",
}


def write_conflict(exc: DBAPIError) -> str | None:
    """Why a write failed because of another writer (a duplicate key, a lock, a
    serialization failure), or None when it failed for another reason."""
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate in _PG_CONFLICTS:
        detail = getattr(getattr(orig, "diag", None), "message_primary", None)
        return f"{_PG_CONFLICTS[sqlstate]} ({detail})" if detail else _PG_CONFLICTS[sqlstate]
    name = getattr(orig, "sqlite_errorname", None)
    if name in _SQLITE_CONFLICTS:
        return f"{_SQLITE_CONFLICTS[name]} ({orig})"
    return None


# Any constant: the advisory lock that lets one process at a time create the schema.
_SCHEMA_LOCK = 7_405_226_011


def create_schema(engine: Engine) -> None:
    """Creates the tables and indexes that are missing, and checks the schema version.

    Changes are made in one write transaction, by one process at a time: two
    servers started at once on an empty store would otherwise both create a table.
    """
    with engine.connect() as conn:
        complete = _schema_complete(conn)
    if not complete:
        with writing(engine) as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(select(func.pg_advisory_xact_lock(_SCHEMA_LOCK)))
            schema.metadata.create_all(conn)
            for table in schema.metadata.sorted_tables:  # create_all skips the indexes of tables that exist
                for index in table.indexes:
                    index.create(conn, checkfirst=True)
            _add_missing_columns(conn)
            _add_announcement_key(conn)
            if _version(conn) is None:
                conn.execute(schema.schema_info.insert().values(key="version", value=SCHEMA_VERSION))
    with engine.connect() as conn:
        found = _version(conn)
    if found != SCHEMA_VERSION:
        raise RuntimeError(f"store has schema version {found}, this kalshi-local needs {SCHEMA_VERSION}")


def _schema_complete(conn: Connection) -> bool:
    inspector = inspect(conn)
    tables = set(inspector.get_table_names())
    if not set(schema.metadata.tables) <= tables:
        return False
    if _missing_columns(inspector):
        return False
    indexes = {name for found in inspector.get_multi_indexes().values() for name in (i["name"] for i in found)}
    wanted = {index.name for table in schema.metadata.sorted_tables for index in table.indexes}
    return wanted | {schema.ANNOUNCEMENT_KEY_INDEX} <= indexes and _version(conn) is not None


def _add_missing_columns(conn: Connection) -> None:
    """Columns added since a store was written (each nullable or with a server default, so
    its rows take the default): ALTER TABLE ... ADD COLUMN, as create_all does not."""
    for name, column in _missing_columns(inspect(conn)):
        if not column.nullable and column.server_default is None:
            missing = f"{name}.{column.name}"
            raise RuntimeError(f"the store lacks column {missing}, which has no default: start a new store")
        spec = CreateColumn(column).compile(dialect=conn.dialect)
        conn.exec_driver_sql(f"ALTER TABLE {conn.dialect.identifier_preparer.quote(name)} ADD COLUMN {spec}")


def _missing_columns(inspector: Any) -> list[tuple[str, Column]]:
    """(table name, column) of the schema's columns the store's tables lack (one catalog read)."""
    present = {key[1]: {c["name"] for c in cols} for key, cols in inspector.get_multi_columns().items()}
    return [
        (name, column)
        for name, table in schema.metadata.tables.items()
        for column in table.columns
        if column.name not in present.get(name, ())
    ]


def _version(conn: Connection) -> str | None:
    return conn.execute(select(schema.schema_info.c.value).where(schema.schema_info.c.key == "version")).scalar()


def _add_announcement_key(conn: Connection) -> None:
    """The unique index on announcements. A store written before it existed may hold
    the same announcement twice: the first one (the id clients saw first) is kept."""
    if conn.dialect.has_index(conn, "announcements", schema.ANNOUNCEMENT_KEY_INDEX):
        return
    a = schema.announcements.c
    first = select(func.min(a.seq)).group_by(a.message, a.delivery_us)
    conn.execute(schema.announcements.delete().where(a.seq.not_in(first)))
    conn.exec_driver_sql(schema.announcement_key_ddl(conn.dialect.name))


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return all(
            conn.execute(select(table.c.seq).limit(1)).first() is None
            for table in (schema.series, schema.events, schema.markets, schema.milestones, schema.structured_targets)
        )


def wipe(conn) -> None:
    """Delete every row (used by reset): the schema stays."""
    for table in reversed(schema.metadata.sorted_tables):
        # The change counters only ever grow: a reader's marker must never come back. The
        # engine's state too: its ids are never handed out twice, and it still owns the balances.
        if table is schema.exchange_state:  # the manual clock's time stays: time never moves back
            conn.execute(table.delete().where(table.c.key != "clock"))
        elif table not in (schema.schema_info, changes.change_counters, schema.engine_state):
            conn.execute(table.delete())
