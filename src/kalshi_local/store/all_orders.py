"""Reads of the orders table across users, for the admin API (store/orders.py reads one user's)."""

from __future__ import annotations

from sqlalchemy import Connection, Row, select

from .schema import orders


def by_id(conn: Connection, order_id: str) -> Row | None:
    """The order with this id, whoever placed it; None if there is none."""
    return conn.execute(select(orders).where(orders.c.order_id == order_id)).first()


def resting(conn: Connection, user_seq: int | None = None, ticker: str | None = None) -> list[Row]:
    """Resting orders, oldest first, of one user and/or in one market (None: any)."""
    o = orders.c
    query = select(orders).where(o.status == "resting").order_by(o.seq)
    if user_seq is not None:
        query = query.where(o.user_seq == user_seq)
    if ticker is not None:
        query = query.where(o.ticker == ticker)
    return list(conn.execute(query).all())
