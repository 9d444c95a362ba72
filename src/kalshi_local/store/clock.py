"""The manual exchange clock's time, kept in the store (`exchange_state`, key `clock`), so a
restarted server, `kalshi-local load` and `kalshi-local clock` see the time it was left at.

The value is JSON: {"kind": "manual" | "real", "now_us": microseconds}. A server on the
real clock marks it real (its time is then the wall clock's), keeping the last manual time.
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, select

from . import rows
from .schema import exchange_state

KEY = "clock"


def stored(conn: Connection) -> tuple[str, int] | None:
    """(kind, now_us) as last saved, None if never."""
    text = conn.execute(select(exchange_state.c.value).where(exchange_state.c.key == KEY)).scalar()
    if text is None:
        return None
    found = json.loads(text)
    return str(found["kind"]), int(found["now_us"])


def manual_time(conn: Connection) -> int | None:
    """The manual clock's time when the store's clock is manual, else None."""
    found = stored(conn)
    return found[1] if found is not None and found[0] == "manual" else None


def save(conn: Connection, kind: str, now_us: int) -> None:
    rows.upsert(conn, exchange_state, ["key"], {"key": KEY, "value": json.dumps({"kind": kind, "now_us": now_us})})
