"""Markets: keyset pages and lookups (writes live in store/events.py).

The status a market shows depends on the exchange clock (exchange/lifecycle.py),
so status filters take `now_us` and become SQL on the stored status and times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import ColumnElement, Connection, Row, and_, false, or_, select

from ..exchange.lifecycle import FILTER_CONDITIONS
from .cursors import Page, decode_cursor, page_of
from .schema import markets, series

CURSOR_KIND = "markets"
m = markets.c


@dataclass(frozen=True, slots=True)
class MarketFilter:
    """Bounds are microseconds: `min_*` exclusive below, `max_*` exclusive above."""

    event_tickers: tuple[str, ...] = ()
    series_ticker: str | None = None
    tickers: tuple[str, ...] = ()
    status: str | None = None
    mve: str | None = None  # "only" or "exclude"
    min_created_us: int | None = None
    max_created_us: int | None = None
    min_close_us: int | None = None
    max_close_us: int | None = None
    min_settled_us: int | None = None
    max_settled_us: int | None = None
    min_updated_us: int | None = None


def status_clause(filter_value: str, now_us: int, table=markets) -> ColumnElement[bool]:
    """GET /markets?status= as SQL: the lifecycle mapping with the clock's now."""
    c = table.c
    alternatives = []
    for cond in FILTER_CONDITIONS[filter_value]:
        parts = [c.status.in_(sorted(cond.stored))]
        if cond.opened is not None:
            parts.append(c.open_us <= now_us if cond.opened else c.open_us > now_us)
        if cond.closed is not None:
            parts.append(c.close_us <= now_us if cond.closed else c.close_us > now_us)
        alternatives.append(and_(*parts))
    return or_(*alternatives) if alternatives else false()


def _where(flt: MarketFilter, now_us: int) -> list[ColumnElement[bool]]:
    clauses = []
    if flt.event_tickers:
        clauses.append(m.event_ticker.in_(flt.event_tickers))
    if flt.series_ticker is not None:
        clauses.append(m.series_ticker == flt.series_ticker)
    if flt.tickers:
        clauses.append(m.ticker.in_(flt.tickers))
    if flt.status is not None:
        clauses.append(status_clause(flt.status, now_us))
    if flt.mve == "only":
        clauses.append(m.mve_collection_ticker.is_not(None))
    elif flt.mve == "exclude":
        clauses.append(m.mve_collection_ticker.is_(None))
    for column, low, high in (
        (m.created_us, flt.min_created_us, flt.max_created_us),
        (m.close_us, flt.min_close_us, flt.max_close_us),
        (m.settlement_us, flt.min_settled_us, flt.max_settled_us),
        (m.updated_us, flt.min_updated_us, None),
    ):
        if low is not None:
            clauses.append(column > low)
        if high is not None:
            clauses.append(column < high)
    return clauses


def page(conn: Connection, flt: MarketFilter, now_us: int, cursor: str | None, limit: int) -> Page[Row]:
    after = decode_cursor(CURSOR_KIND, cursor)
    query = select(markets).where(m.seq > after, *_where(flt, now_us)).order_by(m.seq).limit(limit + 1)
    return page_of(CURSOR_KIND, conn.execute(query).all(), limit)


def get(conn: Connection, ticker: str) -> Row | None:
    return conn.execute(select(markets).where(m.ticker == ticker)).first()


def of_events(conn: Connection, event_tickers: Iterable[str]) -> list[Row]:
    """Every market of the events, in creation order."""
    tickers = list(dict.fromkeys(event_tickers))
    if not tickers:
        return []
    return conn.execute(select(markets).where(m.event_ticker.in_(tickers)).order_by(m.seq)).all()


def categories(conn: Connection, rows: Iterable[Row]) -> dict[str, str]:
    """Series ticker -> series category for the markets' series, in one query."""
    tickers = sorted({row.series_ticker for row in rows})
    if not tickers:
        return {}
    query = select(series.c.ticker, series.c.category).where(series.c.ticker.in_(tickers))
    return dict(conn.execute(query).all())
