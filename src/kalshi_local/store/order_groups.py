"""Order groups as stored (schema.order_groups): the reads of /portfolio/order_groups and the
rebuild's load, windows included (exchange/order_groups.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from ..exchange.order_groups import WINDOW_US, OrderGroup
from .schema import fills, order_groups, orders

_G = order_groups.c


def of_user(conn: Connection, user_seq: int, subaccount: int | None) -> list[Any]:
    """The user's groups, oldest first; of one subaccount when given."""
    query = select(order_groups).where(_G.user_seq == user_seq)
    if subaccount is not None:
        query = query.where(_G.subaccount == subaccount)
    return list(conn.execute(query.order_by(_G.created_seq)).all())


def get(conn: Connection, user_seq: int, order_group_id: str, subaccount: int | None) -> Any | None:
    """The user's group `order_group_id` (of `subaccount` when given), None if there is none."""
    query = select(order_groups).where(_G.order_group_id == order_group_id, _G.user_seq == user_seq)
    if subaccount is not None:
        query = query.where(_G.subaccount == subaccount)
    return conn.execute(query).first()


def order_ids(conn: Connection, user_seq: int, order_group_id: str) -> list[str]:
    """The ids of every order placed in the group, oldest first."""
    o = orders.c
    query = select(o.order_id).where(o.user_seq == user_seq, o.order_group_id == order_group_id).order_by(o.seq)
    return list(conn.execute(query).scalars())


def load(conn: Connection, now_us: int) -> list[OrderGroup]:
    """Every group, each with its window: the fills of its orders after its last reset in
    the 15 seconds up to `now_us`, one entry per instant."""
    groups = {row.order_group_id: _group(row) for row in conn.execute(select(order_groups))}
    if not groups:
        return []
    f, o = fills.c, orders.c
    recent = (
        select(o.order_group_id, f.seq, f.created_us, f.count)
        .join_from(fills, orders, o.order_id == f.order_id)
        .where(f.created_us > now_us - WINDOW_US, o.order_group_id.is_not(None))
        .order_by(f.created_us, f.seq)
    )
    for group_id, seq, created_us, count in conn.execute(recent):
        group = groups.get(group_id)
        if group is not None and seq > group.reset_seq:
            group.add(created_us, count)
    return list(groups.values())


def _group(row: Any) -> OrderGroup:
    triggered = bool(row.triggered)
    return OrderGroup(
        row.order_group_id, row.user_seq, row.subaccount, row.contracts_limit, triggered, row.reset_seq,
        row.created_us, row.updated_us,
    )  # fmt: skip
