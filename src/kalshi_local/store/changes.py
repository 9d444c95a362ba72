"""Telling cheaply whether the store changed since a moment ago, in all or in one scope.

`data_marker` moves on every commit. `scope_marker(conn, CATALOG or KEYS)` moves
only when a commit wrote a table of that scope: order flow (orders, fills,
trades, positions, balances, market prices) commits thousands of times a second
and must not empty the catalog's or the API keys' caches. Each scope has a
counter row in `change_counters`, bumped by the commit that wrote it, in the
same transaction (`track`), so writers in other processes (`kalshi-local load`,
the CLI) count too. Readers re-read the counters only when `data_marker` moved.

On SQLite in WAL mode every commit, by any connection of any process
(`kalshi-local load` too), rewrites the WAL-index header at the start of the
`-shm` file (its change counter, frame count and checksums; see SQLite's
"WAL-mode file format"). Readers map that file already, so mapping it too and
comparing its header costs well under a microsecond, against some 3 µs for
`PRAGMA data_version`, which is the fallback when there is no such file.

On PostgreSQL the marker is the current snapshot (`pg_current_snapshot()`): a
transaction that writes takes a transaction id, and its commit either moves the
snapshot's horizon or takes the id out of the in-progress list, so every commit
changes the text; reads take no id and change nothing. It costs a round trip,
which is still less than most queries it saves.
"""

from __future__ import annotations

import itertools
import mmap
import os
import re
from collections.abc import Callable, Hashable

from sqlalchemy import BigInteger, Column, Connection, Engine, Table, Text, event

from . import schema

CATALOG = "catalog"  # series, events, markets (their rules), milestones, targets, live data, exchange state...
KEYS = "keys"  # users and their API keys: who may sign what
SCOPES = (CATALOG, KEYS)

change_counters = Table(
    "change_counters",
    schema.metadata,
    Column("scope", Text, primary_key=True),
    Column("value", BigInteger, nullable=False),
)

# Tables whose writes move no scope marker: order flow. Their readers use data_marker.
MARKET_DATA_TABLES = frozenset(
    {"orders", "fills", "trades", "candles", "positions", "balances", "transfers", "engine_state", "settlements"}
    | {"subaccounts", "subaccount_transfers"}
    | {"order_groups"}
    | {"rfqs", "quotes"}
)
CATALOG_TABLES = frozenset(
    {
        "series", "events", "markets", "milestones", "milestone_events", "structured_targets",
        "target_competitions", "live_data", "announcements", "fee_changes", "incentive_programs",
        "exchange_state", "settlement_timers", "mve_collections", "mve_markets", "mve_creations",
    }
)  # fmt: skip
_TABLE_SCOPES = {"users": (KEYS,), "api_keys": (KEYS,), "change_counters": (), "schema_info": ()}
_TABLE_SCOPES.update({"fcm_members": (KEYS,), "fcm_subtraders": (KEYS,)})  # member configuration
_TABLE_SCOPES.update({name: () for name in MARKET_DATA_TABLES})
_TABLE_SCOPES.update({name: (CATALOG,) for name in CATALOG_TABLES})
_ALL = SCOPES  # any other table, a new one too: assume the worst until it is listed here
_WRITE = re.compile(r'\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
_TOUCHED = "changed_scopes"
_PRICES_ONLY = "market_rows_are_prices"

_connection_ids = itertools.count(1)
_WAL_INDEX_HEADERS = 96  # both copies of the 48-byte header


def data_marker(conn: Connection) -> Hashable:
    """Equal on two calls iff nothing was committed in between.

    Only meaningful on a connection that never writes (PRAGMA data_version does
    not count the connection's own commits).
    """
    if conn.dialect.name == "postgresql":
        cursor = conn.connection.cursor()
        try:
            return cursor.execute("SELECT pg_current_snapshot()::text").fetchone()[0]
        finally:
            cursor.close()
    read = conn.info.get("data_marker")
    if read is None:
        read = conn.info["data_marker"] = _marker_reader(conn)
    return read()


def next_time_memo(
    conn: Connection, name: str, at: int, query: Callable[[Connection, int], int | None], inclusive: bool
) -> int | None:
    """`query(conn, at)`, the first stored time at (`inclusive`) or after `at`, None if there is
    none. Its answer holds while nothing is committed and `at` moves forward short of it, so it
    is kept on the connection under `name` and read again only then: cached list answers check
    such a time on every request, and under order flow the query cost more than the answer."""
    data = data_marker(conn)
    memo = conn.info.get(name)
    if memo is not None:
        memo_data, memo_at, found = memo
        if memo_data == data and memo_at <= at and (found is None or at < found or (inclusive and at == found)):
            return found
    found = query(conn, at)
    conn.info[name] = (data, at, found)
    return found


def _marker_reader(conn: Connection) -> Callable[[], Hashable]:
    cursor = conn.connection.cursor()
    try:
        journal_mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        # Starts a read, so the -shm file exists from here on, for as long as this connection is open.
        cursor.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    finally:
        cursor.close()
    database = conn.engine.url.database
    if journal_mode == "wal" and database and os.path.exists(f"{database}-shm"):
        with open(f"{database}-shm", "rb") as file:
            index = mmap.mmap(file.fileno(), _WAL_INDEX_HEADERS, access=mmap.ACCESS_READ)
        return lambda: index[:_WAL_INDEX_HEADERS]
    return _data_version_reader(conn)


def _data_version_reader(conn: Connection) -> Callable[[], Hashable]:
    connection_id = next(_connection_ids)  # data_version values of two connections do not compare

    def read() -> Hashable:
        cursor = conn.connection.cursor()
        try:
            return connection_id, cursor.execute("PRAGMA data_version").fetchone()[0]
        finally:
            cursor.close()

    return read


def track(engine: Engine) -> None:
    """Make every commit on `engine` bump the counters of the scopes it wrote (store/db.py
    calls this for every engine it opens)."""
    event.listen(engine, "before_cursor_execute", _note_write)
    event.listen(engine, "commit", _bump)
    event.listen(engine, "rollback", _forget)


def market_rows_are_prices(conn: Connection) -> None:
    """Declare that this transaction's writes to `markets` change only market data
    (prices, sizes, volumes, open interest), not the catalog. The engine's writer
    calls it; every other write to `markets` moves the catalog marker."""
    conn.info[_PRICES_ONLY] = True


def touch(conn: Connection, scope: str) -> None:
    """Count this transaction as a write of `scope`, whatever its statements (the engine's
    lifecycle writes to `markets` are catalog changes, next to its price writes)."""
    conn.info.setdefault(_TOUCHED, set()).add(scope)


def _note_write(conn, _cursor, statement: str, _params, _context, _executemany) -> None:
    if statement[:1] in "Ss":  # SELECT: the common case, decided at once
        return
    found = _WRITE.match(statement)
    if found is None:
        return
    table = found.group(1).lower()
    if table == "markets" and conn.info.get(_PRICES_ONLY):
        return
    scopes = _TABLE_SCOPES.get(table, _ALL)
    if scopes:
        conn.info.setdefault(_TOUCHED, set()).update(scopes)


def _bump(conn) -> None:
    touched = conn.info.pop(_TOUCHED, None)
    conn.info.pop(_PRICES_ONLY, None)
    if not touched:
        return
    # Straight on the driver's cursor, inside the transaction being committed: the
    # counters move in the same commit as the rows. Sorted: two writers lock rows in one order.
    values = ", ".join(f"('{scope}', 1)" for scope in sorted(touched))
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(
            f"INSERT INTO change_counters (scope, value) VALUES {values}"
            " ON CONFLICT (scope) DO UPDATE SET value = change_counters.value + 1"
        )
    finally:
        cursor.close()


def _forget(conn) -> None:
    conn.info.pop(_TOUCHED, None)
    conn.info.pop(_PRICES_ONLY, None)


def scope_marker(conn: Connection, scope: str) -> Hashable:
    """Equal on two calls iff no commit wrote a table of `scope` in between (a
    connection that never writes, as for data_marker). On SQLite it costs a
    data_marker while nothing was committed; on PostgreSQL one round trip."""
    if conn.dialect.name == "postgresql":
        return _counters(conn).get(scope, 0)
    moved = data_marker(conn)
    cached = conn.info.get("scope_markers")
    if cached is None or cached[0] != moved:
        # data_marker first: a commit between the two reads only makes the next call read again.
        cached = conn.info["scope_markers"] = (moved, _counters(conn))
    return cached[1].get(scope, 0)


def _counters(conn: Connection) -> dict[str, int]:
    # Straight on the driver's cursor: read on every signed request after any commit (order
    # flow commits hundreds of times a second), where SQLAlchemy's execution path cost more than the query.
    cursor = conn.connection.cursor()
    try:
        return dict(cursor.execute("SELECT scope, value FROM change_counters").fetchall())
    finally:
        cursor.close()
