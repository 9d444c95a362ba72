"""Milestones: keyset pages, lookups and writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Row, Select, bindparam, func, select

from ..models.inputs import MilestoneIn, time_us
from . import bulk
from .cursors import Page, decode_cursor, page_of
from .jsontext import dumps
from .schema import live_data, milestone_events, milestones
from .statements import StatementCache

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


_EQUALS = ("competition", "source_id", "type")


def _page_statement(shape: tuple[str, ...]) -> Select:
    m = milestones.c
    # References only: the JSON of most rows comes from the cache (models/json_cache.py).
    query = select(m.seq, m.version).where(m.seq > bindparam("after")).limit(bindparam("limit"))
    if "related_event_ticker" in shape:
        # Walk the (event_ticker, milestone_seq) index in order: no sort needed.
        link = milestone_events.c
        query = (
            query.join(milestone_events, link.milestone_seq == m.seq)
            .where(link.event_ticker == bindparam("related_event_ticker"), link.milestone_seq > bindparam("after"))
            .order_by(link.milestone_seq)
        )
    else:
        query = query.order_by(m.seq)
    if "category" in shape:
        # Case-insensitive: Kalshi's changelog says "sports" finds "Sports".
        query = query.where(func.lower(m.category) == func.lower(bindparam("category")))
    for name in _EQUALS:
        if name in shape:
            query = query.where(getattr(m, name) == bindparam(name))
    if "minimum_start_us" in shape:
        query = query.where(m.start_us >= bindparam("minimum_start_us"))
    if "min_updated_us" in shape:
        query = query.where(m.updated_us > bindparam("min_updated_us"))
    return query


_pages = StatementCache(_page_statement)


def page(conn: Connection, flt: MilestoneFilter, cursor: str | None, limit: int) -> Page[Row]:
    """A page of (seq, version) references."""
    params = {name: getattr(flt, name) for name in MilestoneFilter.__slots__ if getattr(flt, name) is not None}
    shape = tuple(sorted(params))
    params.update(after=decode_cursor(CURSOR_KIND, cursor), limit=limit + 1)
    return page_of(CURSOR_KIND, _pages.all(conn, shape, params), limit)


def by_seqs(conn: Connection, seqs: Iterable[int]) -> Sequence[Row]:
    return conn.execute(select(milestones).where(milestones.c.seq.in_(list(seqs)))).all()


def get(conn: Connection, milestone_id: str) -> Row | None:
    return conn.execute(select(milestones).where(milestones.c.id == milestone_id)).first()


def related_to_events(conn: Connection, event_tickers: Iterable[str]) -> Sequence[Row]:
    """Milestones whose related_event_tickers name any of the events, each once."""
    tickers = list(event_tickers)
    if not tickers:
        return []
    seqs = select(milestone_events.c.milestone_seq).where(milestone_events.c.event_ticker.in_(tickers))
    return conn.execute(select(milestones).where(milestones.c.seq.in_(seqs)).order_by(milestones.c.seq)).all()


_COLUMNS = (
    "id",
    "category",
    "type",
    "title",
    "notification_message",
    "start_us",
    "end_us",
    "source_id",
    "source_ids",
    "details",
    "primary_event_tickers",
    "related_event_tickers",
    "competition",
    "updated_us",
)


def upsert(conn: Connection, spec: MilestoneIn, now_us: int) -> bool:
    """Insert or replace one milestone; True when it is new."""
    return upsert_many(conn, [spec], now_us) == 1


def upsert_many(conn: Connection, specs: Iterable[MilestoneIn], now_us: int) -> int:
    """Insert or replace milestones in bulk (a later duplicate id wins); returns how many are new."""
    by_id = {spec.id: spec for spec in specs}
    rows = (_row(spec, now_us) for spec in by_id.values())
    written = bulk.upsert(conn, milestones, "id", _COLUMNS, rows, increment="version")
    bulk.delete_in(conn, milestone_events, "milestone_seq", written.updated_seqs())
    links = [
        (ticker, written.seqs[spec.id])
        for spec in by_id.values()
        for ticker in dict.fromkeys(spec.related_event_tickers)
    ]
    bulk.insert(conn, milestone_events, ("event_ticker", "milestone_seq"), links)
    return written.created


def _row(spec: MilestoneIn, now_us: int) -> tuple:
    return (
        spec.id,
        spec.category,
        spec.type,
        spec.title,
        spec.notification_message,
        time_us(spec.start_date),
        time_us(spec.end_date) if spec.end_date else None,
        spec.source_id,
        dumps(spec.source_ids),
        dumps(spec.details),
        dumps(spec.primary_event_tickers),
        dumps(spec.related_event_tickers),
        _competition(spec.details),
        now_us,
    )


def delete(conn: Connection, milestone_id: str) -> bool:
    """Removes the milestone with its event links and live data."""
    # The row first: its lock makes a concurrent upsert or live-data push finish before the rest goes.
    m = milestones.c
    seq = conn.execute(milestones.delete().where(m.id == milestone_id).returning(m.seq)).scalar()
    if seq is None:
        return False
    conn.execute(milestone_events.delete().where(milestone_events.c.milestone_seq == seq))
    conn.execute(live_data.delete().where(live_data.c.milestone_id == milestone_id))
    return True


def touch(conn: Connection, milestone_id: str, now_us: int) -> str | None:
    """Bumps the milestone's last_updated_ts and locks its row until the commit;
    returns its type, or None when there is no such milestone."""
    m = milestones.c
    statement = milestones.update().where(m.id == milestone_id).values(updated_us=now_us, version=m.version + 1)
    return conn.execute(statement.returning(m.type)).scalar()


def _competition(details: dict) -> str | None:
    value = details.get("competition")
    return value if isinstance(value, str) else None
