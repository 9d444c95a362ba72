"""Telling cheaply whether the store changed since a moment ago.

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
from collections.abc import Callable, Hashable

from sqlalchemy import Connection

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
