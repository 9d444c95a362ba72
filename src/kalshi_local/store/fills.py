"""Reads of the fills table (the engine writes it): a user's fills, newest first, paged on `seq`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Row, select

from ..exchange.historical import Tier
from .cursors import Page, decode_cursor, page_of, tier_kind
from .schema import fills

KIND = "fills"


@dataclass(frozen=True, slots=True)
class FillFilter:
    ticker: str | None = None
    order_id: str | None = None
    min_us: int | None = None
    max_us: int | None = None
    subaccount: int | None = None  # None: every subaccount
    tier: Tier | None = None  # live or historical (by the trade's time); None: both


def page(conn: Connection, user_seq: int, flt: FillFilter, cursor: str | None, limit: int) -> Page[Row]:
    """Raises InvalidCursor."""
    f = fills.c
    kind = tier_kind(KIND, flt.tier)
    before = decode_cursor(kind, cursor)
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
    if flt.tier is not None:
        cutoff = flt.tier.cutoff_us
        query = query.where(f.created_us < cutoff if flt.tier.historical else f.created_us >= cutoff)
    return page_of(kind, conn.execute(query).all(), limit)
