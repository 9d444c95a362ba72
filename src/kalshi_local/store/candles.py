"""Reads of the candlestick buckets the engine writes (engine/candles.py)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, select, update

from ..exchange.candles import COLUMNS, Bucket
from .schema import candles
from .statements import StatementCache

_c = candles.c
_ALL = [_c[name] for name in COLUMNS]
_OF = (_c.ticker == bindparam("ticker"), _c.period == bindparam("period"))

_BETWEEN: StatementCache[None] = StatementCache(
    lambda _: (
        select(*_ALL)
        .where(*_OF, _c.end_ts >= bindparam("start"), _c.end_ts <= bindparam("end"))
        .order_by(_c.end_ts)
        .limit(bindparam("limit"))
    )
)
_BEFORE: StatementCache[None] = StatementCache(
    lambda _: select(*_ALL).where(*_OF, _c.end_ts < bindparam("start")).order_by(_c.end_ts.desc()).limit(1)
)


def flatten_opening_book(conn: Connection, tickers: Iterable[str], since_us: int) -> None:
    """The trade-free buckets of `tickers` still open at `since_us` (when a scenario placed its
    orders) show the quote their period closed at throughout: placed one order at a time, a
    scenario's opening book would otherwise open its markets' first candles with one side empty
    (a $1 ask, a $0 bid). A bucket holding a trade is left as it is, and so are earlier ones.
    Later candles open at the book it left."""
    c = _c
    flat = {f"{side}_{part}": c[f"{side}_close"] for side in ("bid", "ask") for part in ("first", "low", "high")}
    names = sorted(set(tickers))
    since_s = since_us // 1_000_000  # a bucket's end is in seconds: (end - period, end] holds since_us
    for start in range(0, len(names), 500):  # bounded IN lists
        chunk = names[start : start + 500]
        conn.execute(update(candles).where(c.ticker.in_(chunk), c.volume == 0, c.end_ts >= since_s).values(**flat))


def between(conn: Connection, ticker: str, period: int, start_ts: int, end_ts: int, limit: int) -> list[Bucket]:
    """Stored buckets of `ticker` ending in [start_ts, end_ts] (Unix seconds), oldest first, at most `limit`."""
    params = {"ticker": ticker, "period": period, "start": start_ts, "end": end_ts, "limit": limit}
    return [Bucket(*row) for row in _BETWEEN.all(conn, None, params)]


def before(conn: Connection, ticker: str, period: int, start_ts: int) -> Bucket | None:
    """The latest stored bucket of `ticker` ending before `start_ts`, None if there is none."""
    found = _BEFORE.all(conn, None, {"ticker": ticker, "period": period, "start": start_ts})
    return Bucket(*found[0]) if found else None


def after_each(conn: Connection, tickers: Iterable[str], period: int, start_ts: int, end_ts: int) -> list[int]:
    """The distinct bucket ends in [start_ts, end_ts] of any of `tickers`, in order."""
    query = (
        select(_c.end_ts)
        .distinct()
        .where(_c.ticker.in_(list(tickers)), _c.period == period, _c.end_ts >= start_ts, _c.end_ts <= end_ts)
        .order_by(_c.end_ts)
    )
    return list(conn.execute(query).scalars())
