"""Reads of the public trades table (the engine writes it): newest first, paged on `seq`."""

from __future__ import annotations

from sqlalchemy import Connection, Row, select

from ..exchange.historical import Tier
from .cursors import Page, decode_cursor, page_of, tier_kind
from .schema import trades

KIND = "trades"


def page(
    conn: Connection,
    ticker: str | None,
    min_us: int | None,
    max_us: int | None,
    cursor: str | None,
    limit: int,
    tier: Tier | None = None,
) -> Page[Row]:
    """Trades of `tier` (every one when None), newest first. Raises InvalidCursor."""
    t = trades.c
    kind = tier_kind(KIND, tier)
    before = decode_cursor(kind, cursor)
    query = select(trades).order_by(t.seq.desc()).limit(limit + 1)
    if before:
        query = query.where(t.seq < before)
    if ticker is not None:
        query = query.where(t.ticker == ticker)
    if min_us is not None:
        query = query.where(t.created_us >= min_us)
    if max_us is not None:
        query = query.where(t.created_us <= max_us)
    if tier is not None:
        query = query.where(t.created_us < tier.cutoff_us if tier.historical else t.created_us >= tier.cutoff_us)
    return page_of(kind, conn.execute(query).all(), limit)
