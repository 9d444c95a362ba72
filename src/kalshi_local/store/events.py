"""Events and their markets: keyset pages of events, lookups, and writes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Row, exists, select

from ..models.inputs import EventIn, MarketIn, count_raw, decimal_text, price_raw, time_us
from . import bulk
from .cursors import Page, decode_cursor, page_of
from .jsontext import dumps
from .markets import status_clause
from .schema import events, markets, series

# Market ids are derived from tickers, so a reloaded scenario keeps them.
_MARKET_ID_NAMESPACE = uuid.UUID("6f1c1b1e-7d4e-4a51-9a0e-2f4d7c1c2b10")


CURSOR_KIND = "events"
MULTIVARIATE_CURSOR_KIND = "multivariate_events"


@dataclass(frozen=True, slots=True)
class EventFilter:
    """Market conditions (status, close, collection) match if ANY market of the event does."""

    multivariate: bool = False
    series_ticker: str | None = None
    collection_ticker: str | None = None
    status: str | None = None
    min_close_us: int | None = None
    min_updated_us: int | None = None


def page(conn: Connection, flt: EventFilter, now_us: int, cursor: str | None, limit: int) -> Page[Row]:
    kind = MULTIVARIATE_CURSOR_KIND if flt.multivariate else CURSOR_KIND
    after = decode_cursor(kind, cursor)
    e, mc = events.c, markets.c
    query = select(events).where(e.seq > after, e.is_multivariate == flt.multivariate)
    if flt.series_ticker is not None:
        query = query.where(e.series_ticker == flt.series_ticker)
    if flt.min_updated_us is not None:
        query = query.where(e.updated_us > flt.min_updated_us)
    market_clauses = []
    if flt.status is not None:
        market_clauses.append(status_clause(flt.status, now_us))
    if flt.min_close_us is not None:
        market_clauses.append(mc.close_us > flt.min_close_us)
    if flt.collection_ticker is not None:
        market_clauses.append(mc.mve_collection_ticker == flt.collection_ticker)
    if market_clauses:
        query = query.where(exists().where(mc.event_ticker == e.event_ticker, *market_clauses))
    query = query.order_by(e.seq).limit(limit + 1)
    return page_of(kind, conn.execute(query).all(), limit)


def get(conn: Connection, event_ticker: str) -> Row | None:
    return conn.execute(select(events).where(events.c.event_ticker == event_ticker)).first()


def upsert(conn: Connection, spec: EventIn, now_us: int) -> bool:
    """Insert or replace one event and its listed markets; True when the event is new."""
    return upsert_many(conn, [spec], now_us) == 1


def upsert_many(conn: Connection, specs: Sequence[EventIn], now_us: int) -> int:
    """Insert or replace events and their markets in bulk; returns how many events are new.

    Markets not listed are left alone. RowError names the event (by index) whose
    series is unknown or whose market belongs to another event.
    """
    categories = bulk.lookup(conn, series, "ticker", "category", (s.series_ticker for s in specs), share=True)
    for index, spec in enumerate(specs):
        if spec.series_ticker not in categories:
            raise bulk.RowError(index, f"series {spec.series_ticker} not found (event {spec.event_ticker})")
    rows = {s.event_ticker: _event_values(s, categories[s.series_ticker], now_us) for s in specs}
    written = bulk.upsert(conn, events, "event_ticker", _EVENT_COLUMNS, rows.values(), keep=("is_multivariate",))
    places: dict[str, tuple[int, int, str]] = {}  # market ticker -> (event index, market index, event)
    market_rows: dict[str, tuple] = {}
    for index, spec in enumerate(specs):
        for m_index, market in enumerate(spec.markets):
            seen = places.get(market.ticker)
            if seen is not None and seen[2] != spec.event_ticker:
                raise _moved(index, m_index, market.ticker, seen[2])
            places[market.ticker] = (index, m_index, spec.event_ticker)
            market_rows[market.ticker] = _market_values(market, spec.event_ticker, spec.series_ticker, now_us)
    _upsert_markets(conn, market_rows, places)
    return written.created


def upsert_market(conn: Connection, spec: MarketIn, event_ticker: str, series_ticker: str, now_us: int) -> None:
    """Insert or replace one market of an existing event (RowError if another event owns it)."""
    _upsert_markets(conn, {spec.ticker: _market_values(spec, event_ticker, series_ticker, now_us)}, {})


def _upsert_markets(conn: Connection, rows: dict[str, tuple], places: dict[str, tuple[int, int, str]]) -> None:
    kept = ("market_id", "created_us")
    written = bulk.upsert(
        conn, markets, "ticker", _MARKET_COLUMNS, rows.values(), kept, only_if_same="event_ticker", increment="version"
    )
    for ticker in rows:
        if ticker not in written.seqs:
            owner = conn.execute(select(markets.c.event_ticker).where(markets.c.ticker == ticker)).scalar()
            # Skipped only for a conflicting row of another event, which the conflict locked: it is still there.
            assert owner is not None
            index, m_index, _ = places.get(ticker, (0, None, ""))
            raise _moved(index, m_index, ticker, owner)


def _moved(index: int, m_index: int | None, ticker: str, owner: str) -> bulk.RowError:
    path = "" if m_index is None else f".markets[{m_index}]"
    return bulk.RowError(index, f"market {ticker} already belongs to event {owner}", path, conflict=True)


_EVENT_COLUMNS = (
    "event_ticker",
    "series_ticker",
    "title",
    "sub_title",
    "collateral_return_type",
    "mutually_exclusive",
    "category",
    "strike_date_us",
    "strike_period",
    "available_on_brokers",
    "product_metadata",
    "fee_type_override",
    "fee_multiplier_override",
    "image_url",
    "featured_image_url",
    "settlement_sources",
    "competition",
    "competition_scope",
    "is_multivariate",
    "updated_us",
)


def _event_values(spec: EventIn, category: str, now_us: int) -> tuple:
    return (
        spec.event_ticker,
        spec.series_ticker,
        spec.title,
        spec.sub_title,
        spec.collateral_return_type,
        spec.mutually_exclusive,
        category,
        _time(spec.strike_date),
        spec.strike_period,
        spec.available_on_brokers,
        _json(spec.product_metadata),
        spec.fee_type_override,
        None if spec.fee_multiplier_override is None else decimal_text(spec.fee_multiplier_override),
        spec.image_url,
        spec.featured_image_url,
        dumps(spec.settlement_sources),
        spec.competition,
        spec.competition_scope,
        False,
        now_us,
    )


_MARKET_COLUMNS = (
    "ticker",
    "market_id",
    "created_us",
    "event_ticker",
    "series_ticker",
    "market_type",
    "title",
    "subtitle",
    "yes_sub_title",
    "no_sub_title",
    "updated_us",
    "open_us",
    "close_us",
    "expected_expiration_us",
    "latest_expiration_us",
    "settlement_timer_seconds",
    "status",
    "result",
    "can_close_early",
    "notional_value",
    "yes_bid",
    "yes_ask",
    "yes_bid_size",
    "yes_ask_size",
    "last_price",
    "previous_yes_bid",
    "previous_yes_ask",
    "previous_price",
    "volume",
    "volume_24h",
    "open_interest",
    "settlement_value",
    "settlement_us",
    "expiration_value",
    "occurrence_us",
    "fee_waiver_expiration_us",
    "early_close_condition",
    "strike_type",
    "floor_strike",
    "cap_strike",
    "functional_strike",
    "custom_strike",
    "rules_primary",
    "rules_secondary",
    "price_level_structure",
    "is_provisional",
    "primary_participant_key",
    "image_url",
    "color_code",
)


def market_id_of(ticker: str) -> str:
    """A market's `market_id`: a UUID derived from its ticker, the same in every store."""
    return str(uuid.uuid5(_MARKET_ID_NAMESPACE, ticker))


def _market_values(spec: MarketIn, event_ticker: str, series_ticker: str, now_us: int) -> tuple:
    """A market row in _MARKET_COLUMNS order (market_id and created_us only count for a new row)."""
    close_us = time_us(spec.close_time)
    return (
        spec.ticker,
        market_id_of(spec.ticker),
        _time(spec.created_time) or now_us,
        event_ticker,
        series_ticker,
        spec.market_type,
        spec.title,
        spec.subtitle,
        spec.yes_sub_title,
        spec.no_sub_title,
        now_us,
        time_us(spec.open_time),
        close_us,
        _time(spec.expected_expiration_time),
        _time(spec.latest_expiration_time) or close_us,
        spec.settlement_timer_seconds,
        spec.status,
        spec.result,
        spec.can_close_early,
        price_raw(spec.notional_value_dollars),
        price_raw(spec.yes_bid_dollars),
        price_raw(spec.yes_ask_dollars),
        count_raw(spec.yes_bid_size_fp),
        count_raw(spec.yes_ask_size_fp),
        price_raw(spec.last_price_dollars),
        price_raw(spec.previous_yes_bid_dollars),
        price_raw(spec.previous_yes_ask_dollars),
        price_raw(spec.previous_price_dollars),
        count_raw(spec.volume_fp),
        count_raw(spec.volume_24h_fp),
        count_raw(spec.open_interest_fp),
        None if spec.settlement_value_dollars is None else price_raw(spec.settlement_value_dollars),
        _time(spec.settlement_ts),
        spec.expiration_value,
        _time(spec.occurrence_datetime),
        _time(spec.fee_waiver_expiration_time),
        spec.early_close_condition,
        spec.strike_type,
        _json(spec.floor_strike),
        _json(spec.cap_strike),
        spec.functional_strike,
        _json(spec.custom_strike),
        spec.rules_primary,
        spec.rules_secondary,
        spec.price_level_structure,
        spec.is_provisional,
        spec.primary_participant_key,
        spec.image_url,
        spec.color_code,
    )


def _json(value) -> str | None:
    return None if value is None else dumps(value)


def delete(conn: Connection, event_ticker: str) -> bool:
    # The event first: its lock makes a concurrent upsert of it (and its markets) finish before the markets go.
    found = conn.execute(events.delete().where(events.c.event_ticker == event_ticker)).rowcount > 0
    conn.execute(markets.delete().where(markets.c.event_ticker == event_ticker))
    return found


def delete_market(conn: Connection, ticker: str, event_ticker: str | None = None) -> bool:
    """Removes a market (only from `event_ticker` when given)."""
    query = markets.delete().where(markets.c.ticker == ticker)
    if event_ticker is not None:
        query = query.where(markets.c.event_ticker == event_ticker)
    return conn.execute(query).rowcount > 0


def _time(text: str | None) -> int | None:
    return None if text is None else time_us(text)
