"""Telling cheaply whether the store changed since a moment ago.

SQLite's `PRAGMA data_version` changes whenever another connection, in this
process or any other (`kalshi-local load`), commits. On a connection that only
reads, that means: whenever anything changed. PostgreSQL has nothing as cheap,
so there the answer is "unknown" and callers skip their caches.
"""

from __future__ import annotations

import itertools
from typing import Hashable

from sqlalchemy import Connection

_connection_ids = itertools.count(1)


def data_marker(conn: Connection) -> Hashable | None:
    """Equal on two calls iff nothing was committed in between; None if unknown.

    Only meaningful on a connection that never writes; markers of different
    connections never compare equal.
    """
    if conn.dialect.name != "sqlite":
        return None
    info = conn.info
    connection_id = info.get("marker_id")
    if connection_id is None:
        connection_id = info["marker_id"] = next(_connection_ids)
    cursor = conn.connection.cursor()
    try:
        return connection_id, cursor.execute("PRAGMA data_version").fetchone()[0]
    finally:
        cursor.close()
