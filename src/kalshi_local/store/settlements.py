"""Reads of the settlements table (the engine writes it): a user's settlements, newest
first, paged on `seq`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Row, select

from .cursors import Page, decode_cursor, page_of
from .schema import settlements

KIND = "settlements"


@dataclass(frozen=True, slots=True)
class SettlementFilter:
    ticker: str | None = None
    event_tickers: tuple[str, ...] = ()
    min_us: int | None = None  # settled at or after
    max_us: int | None = None  # settled at or before
    subaccount: int | None = None  # None: every subaccount


def page(conn: Connection, user_seq: int, flt: SettlementFilter, cursor: str | None, limit: int) -> Page[Row]:
    """Raises InvalidCursor."""
    s = settlements.c
    before = decode_cursor(KIND, cursor)
    query = select(settlements).where(s.user_seq == user_seq).order_by(s.seq.desc()).limit(limit + 1)
    if before:
        query = query.where(s.seq < before)
    if flt.ticker is not None:
        query = query.where(s.ticker == flt.ticker)
    if flt.event_tickers:
        query = query.where(s.event_ticker.in_(flt.event_tickers))
    if flt.min_us is not None:
        query = query.where(s.settled_us >= flt.min_us)
    if flt.max_us is not None:
        query = query.where(s.settled_us <= flt.max_us)
    if flt.subaccount is not None:
        query = query.where(s.subaccount == flt.subaccount)
    return page_of(KIND, conn.execute(query).all(), limit)
