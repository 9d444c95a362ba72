"""Incentive programs."""

from __future__ import annotations

from sqlalchemy import Connection, select

from ..exchange.clock import parse_datetime
from ..exchange.money import Count
from ..scenario.shapes import IncentiveProgramIn
from .schema import incentive_programs


def upsert(conn: Connection, spec: IncentiveProgramIn) -> None:
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
    if conn.execute(select(incentive_programs.c.seq).where(incentive_programs.c.id == spec.id)).first() is None:
        conn.execute(incentive_programs.insert().values(id=spec.id, **values))
    else:
        conn.execute(incentive_programs.update().where(incentive_programs.c.id == spec.id).values(**values))
