"""Reads of the fills table (the engine writes it): a user's fills, newest first, paged on `seq`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Row, select

from .cursors import Page, decode_cursor, page_of
from .schema import fills

KIND = "fills"


@dataclass(frozen=True, slots=True)
class FillFilter:
    ticker: str | None = None
    order_id: str | None = None
    min_us: int | None = None
    max_us: int | None = None
    subaccount: int | None = None  # None: every subaccount


def page(conn: Connection, user_seq: int, flt: FillFilter, cursor: str | None, limit: int) -> Page[Row]:
    """Raises InvalidCursor."""
    f = fills.c
    before = decode_cursor(KIND, cursor)
    query = select(fills).where(f.user_seq == user_seq).order_by(f.seq.desc()).limit(limit + 1)
    if before:
        query = query.where(f.seq < before)
    if flt.ticker is not None:
        query = query.where(f.ticker == flt.ticker)
    if flt.order_id is not None:
        query = query.where(f.order_id == flt.order_id)
    if flt.min_us is not None:
        query = query.where(f.created_us >= flt.min_us)
    if flt.max_us is not None:
        query = query.where(f.created_us <= flt.max_us)
    if flt.subaccount is not None:
        query = query.where(f.subaccount == flt.subaccount)
    return page_of(KIND, conn.execute(query).all(), limit)
