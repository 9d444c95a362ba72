"""FCM members and their sub-traders (schema.fcm_members, schema.fcm_subtraders): who may
read GET /fcm/orders and /fcm/positions, and for whom (api-reference/fcm/*.md).

A sub-trader is a user of the store; each clears through at most one FCM member.
"""

from __future__ import annotations

from sqlalchemy import Connection, Row, delete, insert, select

from ..errors import InvalidParameter
from .cursors import Page, decode_cursor, page_of
from .positions import KIND, PositionFilter, _where
from .schema import fcm_members, fcm_subtraders, markets, positions, users


def is_member(conn: Connection, user_seq: int) -> bool:
    return conn.execute(select(fcm_members.c.user_seq).where(fcm_members.c.user_seq == user_seq)).first() is not None


def subtrader_of(conn: Connection, fcm_user_seq: int, subtrader_id: str) -> int | None:
    """The user_seq of the sub-trader with public id `subtrader_id`, when it clears through
    `fcm_user_seq`; None otherwise."""
    s, u = fcm_subtraders.c, users.c
    query = (
        select(u.seq)
        .join_from(users, fcm_subtraders, s.subtrader_user_seq == u.seq)
        .where(u.user_id == subtrader_id, s.fcm_user_seq == fcm_user_seq)
    )
    return conn.execute(query).scalar()


def subtrader_seqs(conn: Connection, fcm_user_seq: int) -> frozenset[int]:
    """The user_seqs of the sub-traders clearing through `fcm_user_seq` (none for a non-member)."""
    s = fcm_subtraders.c
    return frozenset(conn.execute(select(s.subtrader_user_seq).where(s.fcm_user_seq == fcm_user_seq)).scalars())


def subtrader_names(conn: Connection, fcm_user_seq: int) -> list[str]:
    s, u = fcm_subtraders.c, users.c
    query = select(u.name).join_from(fcm_subtraders, users, s.subtrader_user_seq == u.seq)
    return list(conn.execute(query.where(s.fcm_user_seq == fcm_user_seq).order_by(u.name)).scalars())


def configure(conn: Connection, user_seq: int, member: bool | None, subtraders: list[str] | None) -> None:
    """Marks the user an FCM member (`member` true, or `subtraders` given: exactly those, by name)
    or not (`member` false: its sub-traders are let go). None leaves that part as it is.
    Raises InvalidParameter for an unknown sub-trader, the member itself, or one clearing
    through another FCM."""
    if member is False:
        if subtraders:
            raise InvalidParameter("fcm_subtraders: a user that is not an FCM member has no sub-traders")
        conn.execute(delete(fcm_subtraders).where(fcm_subtraders.c.fcm_user_seq == user_seq))
        conn.execute(delete(fcm_members).where(fcm_members.c.user_seq == user_seq))
        return
    if member is None and subtraders is None:
        return
    if not is_member(conn, user_seq):
        conn.execute(insert(fcm_members).values(user_seq=user_seq))
    if subtraders is None:
        return
    seqs = [_subtrader(conn, user_seq, name) for name in dict.fromkeys(subtraders)]
    conn.execute(delete(fcm_subtraders).where(fcm_subtraders.c.fcm_user_seq == user_seq))
    if seqs:
        conn.execute(insert(fcm_subtraders), [{"subtrader_user_seq": s, "fcm_user_seq": user_seq} for s in seqs])


def _subtrader(conn: Connection, fcm_user_seq: int, name: str) -> int:
    seq = conn.execute(select(users.c.seq).where(users.c.name == name)).scalar()
    if seq is None:
        raise InvalidParameter(f"fcm_subtraders: no user named {name!r} (list sub-traders before their FCM)")
    if seq == fcm_user_seq:
        raise InvalidParameter(f"fcm_subtraders: {name!r} cannot be its own sub-trader")
    other = conn.execute(
        select(fcm_subtraders.c.fcm_user_seq).where(fcm_subtraders.c.subtrader_user_seq == seq)
    ).scalar()
    if other is not None and other != fcm_user_seq:
        raise InvalidParameter(f"fcm_subtraders: {name!r} already clears through another FCM member")
    return seq


SETTLEMENT_STATUSES = ("all", "unsettled", "settled")


def positions_page(
    conn: Connection, user_seq: int, flt: PositionFilter, settlement_status: str, cursor: str | None, limit: int
) -> Page[Row]:
    """A sub-trader's market positions as GET /portfolio/positions pages them, kept to markets
    that settled (`settled`), that did not yet (`unsettled`) or both (`all`). Raises InvalidCursor."""
    p, m = positions.c, markets.c
    before = decode_cursor(KIND, cursor)
    query = _where(select(positions), user_seq, flt).order_by(p.seq.desc(), p.ticker).limit(limit + 1)
    if settlement_status != "all":
        settled = select(m.ticker).where(m.settlement_us.is_not(None))
        query = query.where(p.ticker.in_(settled) if settlement_status == "settled" else p.ticker.not_in(settled))
    if before:
        query = query.where(p.seq < before)
    return page_of(KIND, conn.execute(query).all(), limit)
