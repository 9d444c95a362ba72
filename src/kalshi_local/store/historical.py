"""The historical window (exchange/historical.py), kept in the store so a restart keeps
what the admin API set (`exchange_state`, key `historical_window`, whole seconds as text)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from . import rows
from .schema import exchange_state

KEY = "historical_window"


def window(conn: Connection) -> int | None:
    """The stored window in seconds; None if none was ever set."""
    text = conn.execute(select(exchange_state.c.value).where(exchange_state.c.key == KEY)).scalar()
    return None if text is None else int(text)


def save_window(conn: Connection, seconds: int) -> None:
    rows.upsert(conn, exchange_state, ["key"], {"key": KEY, "value": str(seconds)})
