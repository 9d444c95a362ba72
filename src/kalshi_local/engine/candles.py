"""Candlestick buckets of one batch, upserted in the batch's transaction.

engine/writer.py calls `write` with every batch's events: the buckets the batch touched
(exchange/candles.py `aggregate`, three periods per change) are merged into the stored
ones by one multi-row INSERT ... ON CONFLICT per chunk, following `candles.merge`. So a
candlestick is durable with the trades it shows and never holds what the store does not.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from operator import attrgetter

from sqlalchemy import Connection

from ..exchange.candles import COLUMNS, aggregate
from ..exchange.events import Event

_KEY = ("ticker", "period", "end_ts")
_ROW = attrgetter(*COLUMNS)
_MAX_ROWS = 256  # 19 columns: far under SQLite's 32,766 parameters


def _keep(column: str) -> str:  # the stored value wins: the first of the period
    return f"COALESCE(candles.{column}, excluded.{column})"


def _take(column: str) -> str:  # the later value wins: the last of the period
    return f"COALESCE(excluded.{column}, candles.{column})"


def _extreme(column: str, op: str) -> str:
    a, b = f"candles.{column}", f"excluded.{column}"
    return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL THEN {a} WHEN {b} {op} {a} THEN {b} ELSE {a} END"


def _sum(column: str) -> str:
    return f"candles.{column} + excluded.{column}"


_MERGE = {
    **{f"{side}_first": _keep(f"{side}_first") for side in ("bid", "ask")},
    **{f"{side}_close": _take(f"{side}_close") for side in ("bid", "ask", "price")},
    **{f"{side}_low": _extreme(f"{side}_low", "<") for side in ("bid", "ask", "price")},
    **{f"{side}_high": _extreme(f"{side}_high", ">") for side in ("bid", "ask", "price")},
    "price_open": _keep("price_open"),
    "price_volume": _sum("price_volume"),
    "volume": _sum("volume"),
    "open_interest": _take("open_interest"),
    "last_price": _take("last_price"),
}
assert set(_MERGE) == set(COLUMNS) - set(_KEY)


def write(conn: Connection, events: Sequence[Event]) -> None:
    """Merges what `events` add to their candlestick buckets, in `conn`'s open transaction."""
    rows = [_ROW(bucket) for bucket in aggregate(events)]
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    # On the driver's cursor, as engine/writer.py writes order flow: candles are market data,
    # which no change scope counts, and SQLAlchemy's execution path costs more than the rows.
    cursor = conn.connection.cursor()
    try:
        start = 0
        while start < len(rows):  # chunks of a power of two: few statement texts, each prepared once
            size = min(_MAX_ROWS, 1 << ((len(rows) - start).bit_length() - 1))
            chunk = rows[start : start + size]
            cursor.execute(_sql(mark, size), tuple(value for row in chunk for value in row))
            start += size
    finally:
        cursor.close()


@functools.cache
def _sql(mark: str, rows: int) -> str:
    values = ", ".join([f"({', '.join([mark] * len(COLUMNS))})"] * rows)
    changed = ", ".join(f"{column} = {rule}" for column, rule in _MERGE.items())
    return (
        f"INSERT INTO candles ({', '.join(COLUMNS)}) VALUES {values} "
        f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {changed}"
    )
