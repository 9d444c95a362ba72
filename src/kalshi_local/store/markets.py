"""Markets: keyset pages and lookups (writes live in store/events.py).

The status a market shows depends on the exchange clock (exchange/lifecycle.py),
so status filters take `now_us` and become SQL on the stored status and times.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, Row, Select, and_, bindparam, false, func, literal, or_, select

from ..exchange.historical import Tier
from ..exchange.lifecycle import FILTER_CONDITIONS
from .cursors import Page, decode_cursor, page_of, tier_kind
from .schema import markets, mve_markets, series
from .statements import StatementCache, slot_params, slotted

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
    tier: Tier | None = None  # live or historical by settlement time (exchange/historical.py); None: both


def tier_clause(historical: bool) -> ColumnElement[bool]:
    """Markets on one side of the cutoff (bound as `cutoff`): settled before it, or not."""
    if historical:
        return m.settlement_us < bindparam("cutoff")
    return or_(m.settlement_us.is_(None), m.settlement_us >= bindparam("cutoff"))


def status_clause(filter_value: str, now_us, table=markets) -> ColumnElement[bool]:
    """GET /markets?status= as SQL: the lifecycle mapping with the clock's now."""
    c = table.c
    alternatives = []
    for cond in FILTER_CONDITIONS[filter_value]:
        # literal() binds keep the statement compilable once (store/statements.py).
        parts = [c.status.in_([literal(status) for status in sorted(cond.stored)])]
        if cond.opened is not None:
            parts.append(c.open_us <= now_us if cond.opened else c.open_us > now_us)
        if cond.closed is not None:
            parts.append(c.close_us <= now_us if cond.closed else c.close_us > now_us)
        alternatives.append(and_(*parts))
    return or_(*alternatives) if alternatives else false()


# What a page query returns per market: enough to key the rendered-JSON cache
# (models/market_json.py) and to derive the shown status; the rest is fetched
# only for markets not in the cache.
REF_COLUMNS = (
    m.seq,
    m.ticker,
    m.event_ticker,
    m.version,
    m.status,
    m.open_us,
    m.close_us,
    series.c.category,  # the legacy Market.category
    m.settlement_us,  # its tier (exchange/historical.py)
)
_WITH_SERIES = markets.outerjoin(series, series.c.ticker == m.series_ticker)
_RANGES = (
    ("created", m.created_us),
    ("close", m.close_us),
    ("settled", m.settlement_us),
    ("updated", m.updated_us),
)


# (event slots, ticker slots, by series, status, mve, names of the bounds present, historical tier)
_PageShape = tuple[int, int, bool, str | None, str | None, tuple[str, ...], bool | None]


def _page_statement(shape: _PageShape) -> Select:
    event_slots, ticker_slots, by_series, status, mve, bounds, historical = shape
    query = select(*REF_COLUMNS).select_from(_WITH_SERIES).where(m.seq > bindparam("after"))
    if event_slots:
        query = query.where(m.event_ticker.in_(slot_params("event", event_slots)))
    if by_series:
        query = query.where(m.series_ticker == bindparam("series_ticker"))
    if ticker_slots:
        query = query.where(m.ticker.in_(slot_params("ticker", ticker_slots)))
    if status is not None:
        query = query.where(status_clause(status, bindparam("now")))
    if mve == "only":
        query = query.where(m.mve_collection_ticker.is_not(None))
    elif mve == "exclude":
        query = query.where(m.mve_collection_ticker.is_(None))
    for name, column in _RANGES:
        if f"min_{name}" in bounds:
            query = query.where(column > bindparam(f"min_{name}"))
        if f"max_{name}" in bounds:
            query = query.where(column < bindparam(f"max_{name}"))
    if historical is not None:
        query = query.where(tier_clause(historical))
    return query.order_by(m.seq).limit(bindparam("limit"))


_pages = StatementCache(_page_statement)


def page(conn: Connection, flt: MarketFilter, now_us: int, cursor: str | None, limit: int) -> Page:
    """A page of market references (REF_COLUMNS)."""
    kind = tier_kind(CURSOR_KIND, flt.tier)
    params: dict = {"after": decode_cursor(kind, cursor), "limit": limit + 1, "now": now_us}
    event_slots = slotted("event", flt.event_tickers, params)
    ticker_slots = slotted("ticker", flt.tickers, params)
    if flt.series_ticker is not None:
        params["series_ticker"] = flt.series_ticker
    bounds = []
    for name, _ in _RANGES:
        for side in ("min", "max"):
            value = getattr(flt, f"{side}_{name}_us", None)
            if value is not None:
                bounds.append(f"{side}_{name}")
                params[f"{side}_{name}"] = value
    if flt.tier is not None:
        params["cutoff"] = flt.tier.cutoff_us
    historical = None if flt.tier is None else flt.tier.historical
    shape: _PageShape = (
        event_slots, ticker_slots, flt.series_ticker is not None, flt.status, flt.mve, tuple(bounds), historical
    )  # fmt: skip
    return page_of(kind, _pages.all(conn, shape, params), limit)


_NEXT_CHANGE: StatementCache[None] = StatementCache(
    lambda _: select(
        select(func.min(m.open_us)).where(m.open_us > bindparam("now")).scalar_subquery().label("open_us"),
        select(func.min(m.close_us)).where(m.close_us > bindparam("now")).scalar_subquery().label("close_us"),
    )
)


def next_status_change(conn: Connection, now_us: int) -> int | None:
    """The first open or close time after `now_us`: until then no market's shown status changes."""
    row = _NEXT_CHANGE.all(conn, None, {"now": now_us})[0]
    return min((t for t in row if t is not None), default=None)


_FIRST_LIVE_SETTLEMENT: StatementCache[None] = StatementCache(
    lambda _: select(func.min(m.settlement_us).label("first")).where(m.settlement_us >= bindparam("cutoff"))
)


def first_settled_from(conn: Connection, cutoff_us: int) -> int | None:
    """The earliest settlement at or after `cutoff_us`: which markets are historical changes only
    when the cutoff passes it (or moves back), so it marks cached answers that list markets."""
    return _FIRST_LIVE_SETTLEMENT.all(conn, None, {"cutoff": cutoff_us})[0][0]


def get(conn: Connection, ticker: str) -> Row | None:
    return conn.execute(select(markets).where(m.ticker == ticker)).first()


# What render.market needs: the row and, for a combo, its selected legs (`mve_legs`, JSON text).
_RENDERED = select(markets, mve_markets.c.legs.label("mve_legs")).select_from(
    markets.outerjoin(mve_markets, mve_markets.c.market_ticker == m.ticker)
)


def get_rendered(conn: Connection, ticker: str) -> Row | None:
    """One market row for render.market."""
    return conn.execute(_RENDERED.where(m.ticker == ticker)).first()


_MANY_CHUNK = 500  # tickers per IN list: well under every backend's parameter limit


def many(conn: Connection, tickers: Iterable[str]) -> dict[str, Row]:
    """Ticker -> whole market row, for those of `tickers` that exist (one query per 500)."""
    wanted = list(dict.fromkeys(tickers))
    found: dict[str, Row] = {}
    for start in range(0, len(wanted), _MANY_CHUNK):
        chunk = wanted[start : start + _MANY_CHUNK]
        found.update((row.ticker, row) for row in conn.execute(select(markets).where(m.ticker.in_(chunk))))
    return found


def settled_times(conn: Connection, tickers: Iterable[str]) -> dict[str, int | None]:
    """Ticker -> settlement time (None: not settled) of those of `tickers` that exist."""
    wanted = list(dict.fromkeys(tickers))
    if not wanted:
        return {}
    return dict(conn.execute(select(m.ticker, m.settlement_us).where(m.ticker.in_(wanted))).all())


def by_seqs(conn: Connection, seqs: Iterable[int]) -> Sequence[Row]:
    """Whole market rows, for the markets a page has to render (render.market)."""
    return conn.execute(_RENDERED.where(m.seq.in_(list(seqs)))).all()


def refs_of_events(conn: Connection, event_tickers: Iterable[str]) -> Sequence[Row]:
    """Market references (REF_COLUMNS) of the events, in creation order."""
    tickers = list(dict.fromkeys(event_tickers))
    if not tickers:
        return []
    query = select(*REF_COLUMNS).select_from(_WITH_SERIES).where(m.event_ticker.in_(tickers)).order_by(m.seq)
    return conn.execute(query).all()


def of_events(conn: Connection, event_tickers: Iterable[str]) -> Sequence[Row]:
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
