"""Reads of the orders table (the engine writes it): a user's orders, one order, queue positions
and the value of resting orders. Lists are newest first, paged by keyset on `seq`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Row, and_, case, func, or_, select

from ..exchange.historical import Tier
from .cursors import Page, decode_cursor, page_of, tier_kind
from .schema import orders

KIND = "orders"


@dataclass(frozen=True, slots=True)
class OrderFilter:
    ticker: str | None = None
    event_tickers: tuple[str, ...] = ()
    min_us: int | None = None  # created at or after
    max_us: int | None = None  # created at or before
    status: str | None = None
    subaccount: int | None = None  # None: every subaccount
    tier: Tier | None = None  # live or historical (exchange/historical.py); None: both


def page(conn: Connection, user_seq: int, flt: OrderFilter, cursor: str | None, limit: int) -> Page[Row]:
    """A user's orders matching `flt`, newest first. Raises InvalidCursor."""
    o = orders.c
    kind = tier_kind(KIND, flt.tier)
    before = decode_cursor(kind, cursor)
    query = select(orders).where(o.user_seq == user_seq).order_by(o.seq.desc()).limit(limit + 1)
    if before:
        query = query.where(o.seq < before)
    if flt.ticker is not None:
        query = query.where(o.ticker == flt.ticker)
    if flt.event_tickers:
        query = query.where(o.event_ticker.in_(flt.event_tickers))
    if flt.min_us is not None:
        query = query.where(o.created_us >= flt.min_us)
    if flt.max_us is not None:
        query = query.where(o.created_us <= flt.max_us)
    if flt.status is not None:
        query = query.where(o.status == flt.status)
    if flt.subaccount is not None:
        query = query.where(o.subaccount == flt.subaccount)
    if flt.tier is not None:
        cutoff = flt.tier.cutoff_us
        if flt.tier.historical:  # exchange.historical.order_is_historical
            query = query.where(o.status != "resting", o.updated_us < cutoff)
        else:
            query = query.where(or_(o.status == "resting", o.updated_us >= cutoff))
    return page_of(kind, conn.execute(query).all(), limit)


def get(conn: Connection, user_seq: int, order_id: str) -> Row | None:
    """One of the user's orders; None if there is none with that id (or it is another user's)."""
    o = orders.c
    return conn.execute(select(orders).where(o.order_id == order_id, o.user_seq == user_seq)).first()


def queue_ahead(conn: Connection, order: Row) -> int:
    """Resting count (0.01 contracts) ahead of a resting `order`: same market, side and price,
    earlier in time. 0 for an order that no longer rests."""
    if order.status != "resting":
        return 0
    o = orders.c
    query = select(func.coalesce(func.sum(o.remaining_count), 0)).where(
        o.ticker == order.ticker,
        o.status == "resting",
        o.book_side == order.book_side,
        o.price == order.price,
        o.seq < order.seq,
    )
    return int(conn.execute(query).scalar_one())


def resting(
    conn: Connection, user_seq: int, tickers: tuple[str, ...], event_ticker: str | None, subaccount: int | None
) -> list[Row]:
    """The user's resting orders, oldest first, in `tickers` (any when empty) and `event_ticker`."""
    o = orders.c
    query = select(orders).where(o.user_seq == user_seq, o.status == "resting").order_by(o.seq)
    if tickers:
        query = query.where(o.ticker.in_(tickers))
    if event_ticker is not None:
        query = query.where(o.event_ticker == event_ticker)
    if subaccount is not None:
        query = query.where(o.subaccount == subaccount)
    return list(conn.execute(query).all())


def queue_ahead_many(conn: Connection, mine: list[Row]) -> dict[str, int]:
    """queue_ahead for each of `mine` (resting orders), in one query."""
    if not mine:
        return {}
    o = orders.c
    ahead = orders.alias("ahead")
    a = ahead.c
    query = (
        select(o.order_id, func.coalesce(func.sum(a.remaining_count), 0))
        .select_from(
            orders.outerjoin(
                ahead,
                and_(
                    a.ticker == o.ticker,
                    a.status == "resting",
                    a.book_side == o.book_side,
                    a.price == o.price,
                    a.seq < o.seq,
                ),
            )
        )
        .where(o.order_id.in_([row.order_id for row in mine]))
        .group_by(o.order_id)
    )
    return {order_id: int(total) for order_id, total in conn.execute(query).all()}


def resting_value(conn: Connection, user_seq: int, subaccount: int | None = None) -> int:
    """What the user's resting orders would pay if filled (Amount): price in each order's
    outcome terms times its remaining count."""
    o = orders.c
    per_contract = case((o.book_side == "bid", o.price), else_=10_000 - o.price)
    query = select(func.coalesce(func.sum(per_contract * o.remaining_count), 0)).where(
        o.user_seq == user_seq, o.status == "resting"
    )
    if subaccount is not None:
        query = query.where(o.subaccount == subaccount)
    return int(conn.execute(query).scalar_one())
