"""Incentive programs: keyset pages and writes.

Status follows the exchange clock and reads as a lifecycle, each program in
exactly one state: upcoming (not started), active (started, not ended),
closed (ended, not paid out), paid_out.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Row, and_, select

from ..errors import NotFound
from ..exchange.clock import parse_datetime
from ..exchange.money import Count
from ..models.inputs import IncentiveProgramIn
from . import rows
from .cursors import Page, decode_cursor, page_of
from .schema import incentive_programs, markets

CURSOR_KIND = "incentive_programs"
STATUSES = ("all", "active", "upcoming", "closed", "paid_out")
TYPES = ("all", "liquidity", "volume")


@dataclass(frozen=True, slots=True)
class IncentiveFilter:
    status: str = "all"
    type: str = "all"
    description: str | None = None


def page(conn: Connection, flt: IncentiveFilter, cursor: str | None, limit: int, now_us: int) -> Page[Row]:
    """Programs with their market's `market_id` and `series_ticker` (None if the market is gone)."""
    after = decode_cursor(CURSOR_KIND, cursor)
    p = incentive_programs.c
    query = (
        select(incentive_programs, markets.c.market_id, markets.c.series_ticker)
        .select_from(incentive_programs.outerjoin(markets, markets.c.ticker == p.market_ticker))
        .where(p.seq > after)
        .order_by(p.seq)
        .limit(limit + 1)
    )
    status = _status_clause(flt.status, now_us)
    if status is not None:
        query = query.where(status)
    if flt.type != "all":
        query = query.where(p.incentive_type == flt.type)
    if flt.description is not None:
        query = query.where(p.incentive_description == flt.description)
    return page_of(CURSOR_KIND, conn.execute(query).all(), limit)


def _status_clause(status: str, now_us: int):
    p = incentive_programs.c
    unpaid = p.paid_out.is_(False)
    return {
        "all": None,
        "paid_out": p.paid_out.is_(True),
        "upcoming": and_(unpaid, p.start_us > now_us),
        "active": and_(unpaid, p.start_us <= now_us, p.end_us > now_us),
        "closed": and_(unpaid, p.end_us <= now_us),
    }[status]


def upsert(conn: Connection, spec: IncentiveProgramIn) -> None:
    if conn.execute(select(markets.c.seq).where(markets.c.ticker == spec.market_ticker)).first() is None:
        raise NotFound(f"market {spec.market_ticker} not found (incentive program {spec.id})")
    values = {
        "market_ticker": spec.market_ticker,
        "incentive_type": spec.incentive_type,
        "incentive_description": spec.incentive_description,
        "start_us": parse_datetime(spec.start_date),
        "end_us": parse_datetime(spec.end_date),
        "period_reward": spec.period_reward,
        "paid_out": spec.paid_out,
        "discount_factor_bps": spec.discount_factor_bps,
        "target_size": None if spec.target_size_fp is None else Count.from_fp(spec.target_size_fp).raw,
    }
    rows.upsert(conn, incentive_programs, ["id"], {"id": spec.id, **values})


def delete(conn: Connection, program_id: str) -> bool:
    return conn.execute(incentive_programs.delete().where(incentive_programs.c.id == program_id)).rowcount > 0
