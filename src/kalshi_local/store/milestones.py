"""Milestones: keyset pages, lookups and writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import Connection, Row, select

from ..exchange.clock import parse_datetime
from ..scenario.shapes import MilestoneIn
from .cursors import Page, decode_cursor, page_of
from .jsontext import dumps
from .schema import milestone_events, milestones

CURSOR_KIND = "milestones"


@dataclass(frozen=True, slots=True)
class MilestoneFilter:
    category: str | None = None
    competition: str | None = None
    source_id: str | None = None
    type: str | None = None
    related_event_ticker: str | None = None
    minimum_start_us: int | None = None
    min_updated_us: int | None = None


def page(conn: Connection, flt: MilestoneFilter, cursor: str | None, limit: int) -> Page[Row]:
    after = decode_cursor(CURSOR_KIND, cursor)
    m = milestones.c
    query = select(milestones).where(m.seq > after).order_by(m.seq).limit(limit + 1)
    if flt.related_event_ticker is not None:
        query = query.join(milestone_events, milestone_events.c.milestone_seq == m.seq).where(
            milestone_events.c.event_ticker == flt.related_event_ticker
        )
    for column, value in (
        (m.category, flt.category),
        (m.competition, flt.competition),
        (m.source_id, flt.source_id),
        (m.type, flt.type),
    ):
        if value is not None:
            query = query.where(column == value)
    if flt.minimum_start_us is not None:
        query = query.where(m.start_us >= flt.minimum_start_us)
    if flt.min_updated_us is not None:
        query = query.where(m.updated_us > flt.min_updated_us)
    return page_of(CURSOR_KIND, conn.execute(query).all(), limit)


def get(conn: Connection, milestone_id: str) -> Row | None:
    return conn.execute(select(milestones).where(milestones.c.id == milestone_id)).first()


def related_to_events(conn: Connection, event_tickers: Iterable[str]) -> list[Row]:
    """Milestones whose related_event_tickers name any of the events, each once."""
    tickers = list(event_tickers)
    if not tickers:
        return []
    seqs = select(milestone_events.c.milestone_seq).where(milestone_events.c.event_ticker.in_(tickers))
    return conn.execute(select(milestones).where(milestones.c.seq.in_(seqs)).order_by(milestones.c.seq)).all()


def upsert(conn: Connection, spec: MilestoneIn, now_us: int) -> None:
    values = {
        "category": spec.category,
        "type": spec.type,
        "title": spec.title,
        "notification_message": spec.notification_message,
        "start_us": parse_datetime(spec.start_date),
        "end_us": parse_datetime(spec.end_date) if spec.end_date else None,
        "source_id": spec.source_id,
        "source_ids": dumps(spec.source_ids),
        "details": dumps(spec.details),
        "primary_event_tickers": dumps(spec.primary_event_tickers),
        "related_event_tickers": dumps(spec.related_event_tickers),
        "competition": _competition(spec.details),
        "updated_us": now_us,
    }
    seq = conn.execute(select(milestones.c.seq).where(milestones.c.id == spec.id)).scalar()
    if seq is None:
        seq = conn.execute(milestones.insert().values(id=spec.id, **values)).inserted_primary_key[0]
    else:
        conn.execute(milestones.update().where(milestones.c.seq == seq).values(**values))
        conn.execute(milestone_events.delete().where(milestone_events.c.milestone_seq == seq))
    if spec.related_event_tickers:
        conn.execute(
            milestone_events.insert(),
            [{"event_ticker": t, "milestone_seq": seq} for t in dict.fromkeys(spec.related_event_tickers)],
        )


def delete(conn: Connection, milestone_id: str) -> bool:
    seq = conn.execute(select(milestones.c.seq).where(milestones.c.id == milestone_id)).scalar()
    if seq is None:
        return False
    conn.execute(milestone_events.delete().where(milestone_events.c.milestone_seq == seq))
    conn.execute(milestones.delete().where(milestones.c.seq == seq))
    return True


def touch(conn: Connection, milestone_id: str, now_us: int) -> None:
    conn.execute(milestones.update().where(milestones.c.id == milestone_id).values(updated_us=now_us))


def _competition(details: dict) -> str | None:
    value = details.get("competition")
    return value if isinstance(value, str) else None
