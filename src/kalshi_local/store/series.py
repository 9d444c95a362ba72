"""Series: lists, lookups, traded volume and writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Row, func, select

from ..errors import Conflict
from ..models.inputs import SeriesIn, decimal_text
from . import bulk
from .jsontext import dumps, loads
from .schema import events, markets, series


@dataclass(frozen=True, slots=True)
class SeriesFilter:
    category: str | None = None
    tags: tuple[str, ...] = ()  # any of them
    min_updated_us: int | None = None


def listing(conn: Connection, flt: SeriesFilter) -> Sequence[Row]:
    """Every matching series, oldest first (GET /series has no cursor)."""
    query = select(series).order_by(series.c.seq)
    if flt.category is not None:
        query = query.where(series.c.category == flt.category)
    if flt.min_updated_us is not None:
        query = query.where(series.c.updated_us > flt.min_updated_us)
    rows = conn.execute(query).all()
    if not flt.tags:
        return rows
    # Tags are a JSON list in one column; series are few, so match them here.
    wanted = set(flt.tags)
    return [row for row in rows if wanted.intersection(loads(row.tags))]


def get(conn: Connection, ticker: str) -> Row | None:
    return conn.execute(select(series).where(series.c.ticker == ticker)).first()


def volumes(conn: Connection, tickers: Iterable[str]) -> dict[str, int]:
    """Series ticker -> contracts traded over all its markets (Count units); 0 when none."""
    wanted = list(dict.fromkeys(tickers))
    if not wanted:
        return {}
    query = (
        select(markets.c.series_ticker, func.coalesce(func.sum(markets.c.volume), 0))
        .where(markets.c.series_ticker.in_(wanted))
        .group_by(markets.c.series_ticker)
    )
    found = dict(conn.execute(query).all())
    return {ticker: int(found.get(ticker, 0)) for ticker in wanted}


_COLUMNS = (
    "ticker",
    "frequency",
    "title",
    "category",
    "tags",
    "settlement_sources",
    "contract_url",
    "contract_terms_url",
    "product_metadata",
    "fee_type",
    "fee_multiplier",
    "additional_prohibitions",
    "updated_us",
)


def upsert(conn: Connection, spec: SeriesIn, now_us: int) -> None:
    """Insert or replace one series (it keeps its seq, so its place in listings)."""
    upsert_many(conn, [spec], now_us)


def upsert_many(conn: Connection, specs: Iterable[SeriesIn], now_us: int) -> None:
    """Insert or replace series in bulk, in order (a later duplicate ticker wins). Each
    statement inserts or updates its rows at once, so a concurrent writer of the same
    tickers cannot make it fail on the unique key."""
    by_ticker = {spec.ticker: spec for spec in specs}
    bulk.upsert(conn, series, "ticker", _COLUMNS, (_row(spec, now_us) for spec in by_ticker.values()))


def _row(spec: SeriesIn, now_us: int) -> tuple:
    return (
        spec.ticker,
        spec.frequency,
        spec.title,
        spec.category,
        dumps(spec.tags),
        dumps(spec.settlement_sources),
        spec.contract_url,
        spec.contract_terms_url,
        None if spec.product_metadata is None else dumps(spec.product_metadata),
        spec.fee_type,
        decimal_text(spec.fee_multiplier),
        dumps(spec.additional_prohibitions),
        now_us,
    )


def delete(conn: Connection, ticker: str) -> bool:
    """Removes a series that has no events left (Conflict otherwise)."""
    # Lock the row first (PostgreSQL): an event being written for the series holds a key-share
    # lock on it (events.upsert_many), so the check below sees that event once it commits.
    if conn.execute(select(series.c.seq).where(series.c.ticker == ticker).with_for_update()).first() is None:
        return False
    if conn.execute(select(events.c.seq).where(events.c.series_ticker == ticker).limit(1)).first() is not None:
        raise Conflict(f"series {ticker} still has events; delete them first")
    return conn.execute(series.delete().where(series.c.ticker == ticker)).rowcount > 0
