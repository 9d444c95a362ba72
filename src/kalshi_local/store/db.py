"""Opening the store: an embedded SQLite file by default, or PostgreSQL."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import NullPool

from . import schema

SCHEMA_VERSION = "1"
DEFAULT_DB_PATH = Path("~/.local/share/kalshi-local/kalshi-local.db")


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
    cursor.execute("PRAGMA busy_timeout=30000")
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
    return engine


def create_schema(engine: Engine) -> None:
    schema.metadata.create_all(engine)
    with engine.begin() as conn:  # create_all skips the indexes of tables that already exist
        for table in schema.metadata.sorted_tables:
            for index in table.indexes:
                index.create(conn, checkfirst=True)
    with engine.begin() as conn:
        found = conn.execute(select(schema.schema_info.c.value).where(schema.schema_info.c.key == "version")).scalar()
        if found is None:
            conn.execute(schema.schema_info.insert().values(key="version", value=SCHEMA_VERSION))
        elif found != SCHEMA_VERSION:
            raise RuntimeError(f"store has schema version {found}, this kalshi-local needs {SCHEMA_VERSION}")


def is_empty(engine: Engine) -> bool:
    with engine.connect() as conn:
        return all(
            conn.execute(select(table.c.seq).limit(1)).first() is None
            for table in (schema.series, schema.events, schema.markets, schema.milestones, schema.structured_targets)
        )


def wipe(conn) -> None:
    """Delete every row (used by reset): the schema stays."""
    for table in reversed(schema.metadata.sorted_tables):
        if table is not schema.schema_info:
            conn.execute(table.delete())
