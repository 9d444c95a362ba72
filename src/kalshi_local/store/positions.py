"""Reads of the positions table (the engine writes it): market positions paged on the seq
of their last change (newest first), their sums per event, and what the balance shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Row, func, or_, select

from .cursors import Page, decode_cursor, page_of
from .schema import balances, positions

KIND = "positions"
COUNT_FILTERS = ("position", "total_traded")


@dataclass(frozen=True, slots=True)
class PositionFilter:
    ticker: str | None = None
    event_tickers: tuple[str, ...] = ()
    nonzero: tuple[str, ...] = ()  # COUNT_FILTERS: keep rows where any of these is not 0
    subaccount: int | None = None


def _where(query, user_seq: int, flt: PositionFilter):
    p = positions.c
    query = query.where(p.user_seq == user_seq)
    if flt.ticker is not None:
        query = query.where(p.ticker == flt.ticker)
    if flt.event_tickers:
        query = query.where(p.event_ticker.in_(flt.event_tickers))
    if flt.nonzero:
        query = query.where(or_(*(p[name] != 0 for name in flt.nonzero)))
    if flt.subaccount is not None:
        query = query.where(p.subaccount == flt.subaccount)
    return query


def page(conn: Connection, user_seq: int, flt: PositionFilter, cursor: str | None, limit: int) -> Page[Row]:
    """Raises InvalidCursor."""
    p = positions.c
    before = decode_cursor(KIND, cursor)
    query = _where(select(positions), user_seq, flt).order_by(p.seq.desc(), p.ticker).limit(limit + 1)
    if before:
        query = query.where(p.seq < before)
    return page_of(KIND, conn.execute(query).all(), limit)


@dataclass(frozen=True, slots=True)
class EventSums:
    event_ticker: str
    total_cost: int  # Amount: traded in the event
    total_cost_shares: int  # Count: contracts held, either side
    event_exposure: int  # Amount
    realized_pnl: int  # Amount
    fees_paid: int  # Amount


def event_sums(conn: Connection, user_seq: int, flt: PositionFilter) -> list[EventSums]:
    """Per event of the matching positions, event tickers in order."""
    p = positions.c
    query = (
        _where(
            select(
                p.event_ticker,
                func.sum(p.total_traded),
                func.sum(func.abs(p.position)),
                func.sum(p.market_exposure),
                func.sum(p.realized_pnl),
                func.sum(p.fees_paid),
            ),
            user_seq,
            flt,
        )
        .group_by(p.event_ticker)
        .order_by(p.event_ticker)
    )
    return [EventSums(row[0], *(int(v) for v in row[1:])) for row in conn.execute(query).all()]


def exposure(conn: Connection, user_seq: int, subaccount: int) -> int:
    """Cost of the contracts an account holds (Amount)."""
    p = positions.c
    query = select(func.coalesce(func.sum(p.market_exposure), 0)).where(
        p.user_seq == user_seq, p.subaccount == subaccount
    )
    return int(conn.execute(query).scalar_one())


def reserved(conn: Connection, user_seq: int, subaccount: int) -> int:
    """Cash locked by the account's resting orders (Amount)."""
    b = balances.c
    query = select(b.reserved).where(b.user_seq == user_seq, b.subaccount == subaccount)
    return int(conn.execute(query).scalar() or 0)
