"""Multivariate event collections and the combo markets made from them: writes, lookups,
keyset pages and the lookup history (api-reference/multivariate/*.md)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Row, delete, func, select, update

from ..errors import InvalidParameter
from ..exchange import combos
from ..exchange.clock import to_rfc3339
from ..exchange.lifecycle import effective_status
from ..models.inputs import EventIn, MarketIn, MultivariateEventCollectionIn, time_us
from . import bulk
from . import events as event_store
from . import rows as rows_store
from .cursors import Page, decode_cursor, page_of
from .jsontext import dumps, loads
from .schema import events, markets, mve_collections, mve_creations, mve_markets, series, users

CURSOR_KIND = "multivariate_event_collections"


@dataclass(frozen=True, slots=True)
class CollectionFilter:
    status: str | None = None  # unopened, open or closed, by the exchange clock
    associated_event_ticker: str | None = None
    series_ticker: str | None = None


_COLUMNS = (
    "collection_ticker",
    "series_ticker",
    "title",
    "description",
    "open_us",
    "close_us",
    "associated_events",
    "is_ordered",
    "size_min",
    "size_max",
    "functional_description",
    "updated_us",
)


def upsert_collection(conn: Connection, spec: MultivariateEventCollectionIn, now_us: int) -> None:
    """Insert or replace one collection. Raises InvalidParameter when its series is unknown."""
    if conn.execute(select(series.c.ticker).where(series.c.ticker == spec.series_ticker)).first() is None:
        raise InvalidParameter(f"series {spec.series_ticker} not found (collection {spec.collection_ticker})")
    associated = [
        {
            "ticker": e.ticker,
            "is_yes_only": e.is_yes_only,
            "size_min": e.size_min,
            "size_max": e.size_max,
            "active_quoters": e.active_quoters,
        }
        for e in spec.associated_events
    ]
    row = (
        spec.collection_ticker,
        spec.series_ticker,
        spec.title,
        spec.description,
        time_us(spec.open_date),
        time_us(spec.close_date),
        dumps(associated),
        spec.is_ordered,
        spec.size_min,
        spec.size_max,
        spec.functional_description,
        now_us,
    )
    bulk.upsert(conn, mve_collections, "collection_ticker", _COLUMNS, [row])


def delete_collection(conn: Connection, ticker: str) -> bool:
    """Removes a collection; combo markets already made stay (they trade and settle on)."""
    return conn.execute(mve_collections.delete().where(mve_collections.c.collection_ticker == ticker)).rowcount > 0


def get(conn: Connection, ticker: str) -> Row | None:
    return conn.execute(select(mve_collections).where(mve_collections.c.collection_ticker == ticker)).first()


def page(conn: Connection, flt: CollectionFilter, now_us: int, cursor: str | None, limit: int) -> Page[Row]:
    c = mve_collections.c
    query = select(mve_collections).where(c.seq > decode_cursor(CURSOR_KIND, cursor))
    if flt.series_ticker is not None:
        query = query.where(c.series_ticker == flt.series_ticker)
    if flt.status == "unopened":
        query = query.where(c.open_us > now_us)
    elif flt.status == "open":
        query = query.where(c.open_us <= now_us, c.close_us > now_us)
    elif flt.status == "closed":
        query = query.where(c.close_us <= now_us)
    if flt.associated_event_ticker is not None:
        # The JSON text is written sorted and compact (jsontext.dumps): match its ticker field.
        needle = dumps({"ticker": flt.associated_event_ticker})[1:-1]
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(c.associated_events.like(f"%{escaped}%", escape="\\"))
    return page_of(CURSOR_KIND, conn.execute(query.order_by(c.seq).limit(limit + 1)).all(), limit)


def rules_of(row: Row) -> combos.Collection:
    return combos.Collection(
        collection_ticker=row.collection_ticker,
        series_ticker=row.series_ticker,
        open_us=row.open_us,
        close_us=row.close_us,
        is_ordered=row.is_ordered,
        size_min=row.size_min,
        size_max=row.size_max,
        associated_events=tuple(
            combos.AssociatedEvent(e["ticker"], e["is_yes_only"], e["size_min"], e["size_max"])
            for e in loads(row.associated_events)
        ),
    )


def leg_markets(conn: Connection, legs: Sequence[combos.Leg], now_us: int) -> dict[str, combos.LegMarket]:
    """The selected markets that exist, with their status as the clock shows it."""
    m = markets.c
    query = select(m.ticker, m.event_ticker, m.status, m.open_us, m.close_us).where(
        m.ticker.in_(sorted({leg.market_ticker for leg in legs}))
    )
    return {
        row.ticker: combos.LegMarket(row.event_ticker, effective_status(row.status, row.open_us, row.close_us, now_us))
        for row in conn.execute(query)
    }


def find(conn: Connection, market_ticker: str) -> Row | None:
    return conn.execute(select(mve_markets).where(mve_markets.c.market_ticker == market_ticker)).first()


def legs_json(legs: Sequence[combos.Leg]) -> list[dict[str, str]]:
    return [{"event_ticker": leg.event_ticker, "market_ticker": leg.market_ticker, "side": leg.side} for leg in legs]


def set_leg_values(conn: Connection, market_ticker: str, values: Mapping[str, str | None]) -> None:
    """Writes each leg's yes_settlement_value_dollars (dollar text, None: not settled) into the
    combo's stored legs, which its market shows as mve_selected_legs, and moves the market's
    version so that cached answers showing it go."""
    c = mve_markets.c
    text = conn.execute(select(c.legs).where(c.market_ticker == market_ticker)).scalar()
    if text is None:
        return
    legs = loads(text)
    for leg in legs:
        value = values.get(leg["market_ticker"])
        if value is None:
            leg.pop("yes_settlement_value_dollars", None)
        else:
            leg["yes_settlement_value_dollars"] = value
    conn.execute(update(mve_markets).where(c.market_ticker == market_ticker).values(legs=dumps(legs)))
    m = markets.c
    conn.execute(update(markets).where(m.ticker == market_ticker).values(version=m.version + 1))


def legs_of(text: str | None) -> tuple[tuple[str, str], ...]:
    """A combo's (market ticker, side) pairs from its stored legs; () for any other market."""
    return () if text is None else tuple((leg["market_ticker"], leg["side"]) for leg in loads(text))


def count_creation(conn: Connection, user_seq: int, now_us: int, limit: int) -> None:
    """Records one combo market made by the user, or raises combos.CreationLimit when `limit`
    were made in the window before `now_us` (older records are dropped here)."""
    # Lock the user's row: two creations at once on PostgreSQL count one after the other.
    conn.execute(select(users.c.seq).where(users.c.seq == user_seq).with_for_update())
    c = mve_creations.c
    conn.execute(
        delete(mve_creations).where(c.user_seq == user_seq, c.created_us <= now_us - combos.CREATION_WINDOW_US)
    )
    made = conn.execute(select(func.count()).select_from(mve_creations).where(c.user_seq == user_seq)).scalar_one()
    combos.check_creations(made, limit)
    conn.execute(mve_creations.insert().values(user_seq=user_seq, created_us=now_us))


def create(
    conn: Connection, collection: Row, legs: Sequence[combos.Leg], tickers: tuple[str, str], now_us: int
) -> bool:
    """Makes the combo's event and market (once; True when made now) and records the lookup.
    `legs` were checked (combos.check_selection); `tickers` are combos.tickers_of them."""
    event_ticker, market_ticker = tickers
    if find(conn, market_ticker) is not None:
        touch(conn, market_ticker, now_us)
        return False
    m = markets.c
    selected = [leg.market_ticker for leg in legs]
    rows = {row.ticker: row for row in conn.execute(select(markets).where(m.ticker.in_(selected)))}
    parts = [f"{leg.side} {rows[leg.market_ticker].yes_sub_title or rows[leg.market_ticker].title}" for leg in legs]
    opens = max([now_us, *(rows[leg.market_ticker].open_us for leg in legs)])
    closes = min([collection.close_us, *(rows[leg.market_ticker].close_us for leg in legs)])
    expected = [r.expected_expiration_us for r in rows.values() if r.expected_expiration_us is not None]
    title = ",".join(parts)
    market = MarketIn(
        ticker=market_ticker,
        title=title[:10_000],
        yes_sub_title=title[:10_000],
        open_time=to_rfc3339(opens),
        close_time=to_rfc3339(closes),
        expected_expiration_time=to_rfc3339(max(expected)) if expected else None,
        latest_expiration_time=to_rfc3339(max(max(r.latest_expiration_us for r in rows.values()), closes)),
        settlement_timer_seconds=max(r.settlement_timer_seconds for r in rows.values()),
        status="initialized" if opens > now_us else "active",
        rules_primary=f"Resolves yes if every selected leg resolves to its selected side: {title}"[:10_000],
    )
    event = EventIn(
        event_ticker=event_ticker,
        series_ticker=collection.series_ticker,
        title=collection.title,
        sub_title=title[:10_000],
        markets=[market],
    )
    try:
        event_store.upsert(conn, event, now_us)
    except bulk.RowError as exc:  # the collection's series was deleted since
        raise InvalidParameter(f"collection {collection.collection_ticker}: {exc.message}") from None
    conn.execute(update(events).where(events.c.event_ticker == event_ticker).values(is_multivariate=True))
    conn.execute(
        update(markets).where(m.ticker == market_ticker).values(mve_collection_ticker=collection.collection_ticker)
    )
    values = {
        "market_ticker": market_ticker,
        "collection_ticker": collection.collection_ticker,
        "event_ticker": event_ticker,
        "legs": dumps(legs_json(legs)),
        "created_us": now_us,
        "last_queried_us": now_us,
    }
    # A concurrent create of the same selection may have won: then it made the same rows.
    return rows_store.insert_new(conn, mve_markets, values, [mve_markets.c.market_ticker]) is not None


def touch(conn: Connection, market_ticker: str, now_us: int) -> None:
    """Records a lookup of the combo at `now_us` (its history, GET .../lookup)."""
    c = mve_markets.c
    conn.execute(update(mve_markets).where(c.market_ticker == market_ticker).values(last_queried_us=now_us))


def history(conn: Connection, collection_ticker: str, since_us: int) -> list[Row]:
    """Combos of the collection looked up (or made) at or after `since_us`, latest first."""
    c = mve_markets.c
    query = (
        select(mve_markets)
        .where(c.collection_ticker == collection_ticker, c.last_queried_us >= since_us)
        .order_by(c.last_queried_us.desc(), c.market_ticker)
    )
    return list(conn.execute(query))
