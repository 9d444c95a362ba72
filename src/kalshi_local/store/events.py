"""Events and their markets: writes (reads live with their handlers' queries)."""

from __future__ import annotations

import uuid

from sqlalchemy import Connection, Row, select

from ..errors import NotFound
from ..exchange.clock import parse_datetime
from ..exchange.money import Count, Price
from ..scenario.shapes import EventIn, MarketIn
from .jsontext import dumps
from .schema import events, markets, series

# Market ids are derived from tickers, so a reloaded scenario keeps them.
_MARKET_ID_NAMESPACE = uuid.UUID("6f1c1b1e-7d4e-4a51-9a0e-2f4d7c1c2b10")


def get(conn: Connection, event_ticker: str) -> Row | None:
    return conn.execute(select(events).where(events.c.event_ticker == event_ticker)).first()


def upsert(conn: Connection, spec: EventIn, now_us: int) -> None:
    series_row = conn.execute(select(series.c.category).where(series.c.ticker == spec.series_ticker)).first()
    if series_row is None:
        raise NotFound(f"series {spec.series_ticker} not found (event {spec.event_ticker})")
    values = {
        "series_ticker": spec.series_ticker,
        "title": spec.title,
        "sub_title": spec.sub_title,
        "collateral_return_type": spec.collateral_return_type,
        "mutually_exclusive": spec.mutually_exclusive,
        "category": series_row.category,
        "strike_date_us": parse_datetime(spec.strike_date) if spec.strike_date else None,
        "strike_period": spec.strike_period,
        "available_on_brokers": spec.available_on_brokers,
        "product_metadata": None if spec.product_metadata is None else dumps(spec.product_metadata),
        "fee_type_override": spec.fee_type_override,
        "fee_multiplier_override": None
        if spec.fee_multiplier_override is None
        else dumps(spec.fee_multiplier_override),
        "image_url": spec.image_url,
        "featured_image_url": spec.featured_image_url,
        "settlement_sources": dumps(spec.settlement_sources),
        "competition": spec.competition,
        "competition_scope": spec.competition_scope,
        "updated_us": now_us,
    }
    if get(conn, spec.event_ticker) is None:
        conn.execute(events.insert().values(event_ticker=spec.event_ticker, is_multivariate=False, **values))
    else:
        conn.execute(events.update().where(events.c.event_ticker == spec.event_ticker).values(**values))
    for market in spec.markets:
        upsert_market(conn, market, spec.event_ticker, spec.series_ticker, now_us)


def upsert_market(conn: Connection, spec: MarketIn, event_ticker: str, series_ticker: str, now_us: int) -> None:
    open_us, close_us = parse_datetime(spec.open_time), parse_datetime(spec.close_time)
    latest = parse_datetime(spec.latest_expiration_time) if spec.latest_expiration_time else close_us
    values = {
        "event_ticker": event_ticker,
        "series_ticker": series_ticker,
        "market_type": spec.market_type,
        "title": spec.title,
        "subtitle": spec.subtitle,
        "yes_sub_title": spec.yes_sub_title,
        "no_sub_title": spec.no_sub_title,
        "updated_us": now_us,
        "open_us": open_us,
        "close_us": close_us,
        "expected_expiration_us": _time(spec.expected_expiration_time),
        "latest_expiration_us": latest,
        "settlement_timer_seconds": spec.settlement_timer_seconds,
        "status": spec.status,
        "result": spec.result,
        "can_close_early": spec.can_close_early,
        "notional_value": Price.from_dollars(spec.notional_value_dollars).raw,
        "yes_bid": Price.from_dollars(spec.yes_bid_dollars).raw,
        "yes_ask": Price.from_dollars(spec.yes_ask_dollars).raw,
        "yes_bid_size": Count.from_fp(spec.yes_bid_size_fp).raw,
        "yes_ask_size": Count.from_fp(spec.yes_ask_size_fp).raw,
        "last_price": Price.from_dollars(spec.last_price_dollars).raw,
        "previous_yes_bid": Price.from_dollars(spec.previous_yes_bid_dollars).raw,
        "previous_yes_ask": Price.from_dollars(spec.previous_yes_ask_dollars).raw,
        "previous_price": Price.from_dollars(spec.previous_price_dollars).raw,
        "volume": Count.from_fp(spec.volume_fp).raw,
        "volume_24h": Count.from_fp(spec.volume_24h_fp).raw,
        "open_interest": Count.from_fp(spec.open_interest_fp).raw,
        "settlement_value": None
        if spec.settlement_value_dollars is None
        else Price.from_dollars(spec.settlement_value_dollars).raw,
        "settlement_us": _time(spec.settlement_ts),
        "expiration_value": spec.expiration_value,
        "occurrence_us": _time(spec.occurrence_datetime),
        "fee_waiver_expiration_us": _time(spec.fee_waiver_expiration_time),
        "early_close_condition": spec.early_close_condition,
        "strike_type": spec.strike_type,
        "floor_strike": None if spec.floor_strike is None else dumps(spec.floor_strike),
        "cap_strike": None if spec.cap_strike is None else dumps(spec.cap_strike),
        "functional_strike": spec.functional_strike,
        "custom_strike": None if spec.custom_strike is None else dumps(spec.custom_strike),
        "rules_primary": spec.rules_primary,
        "rules_secondary": spec.rules_secondary,
        "price_level_structure": spec.price_level_structure,
        "is_provisional": spec.is_provisional,
        "primary_participant_key": spec.primary_participant_key,
        "image_url": spec.image_url,
        "color_code": spec.color_code,
    }
    existing = conn.execute(select(markets.c.event_ticker).where(markets.c.ticker == spec.ticker)).first()
    if existing is None:
        created = _time(spec.created_time) or now_us
        conn.execute(
            markets.insert().values(
                ticker=spec.ticker,
                market_id=str(uuid.uuid5(_MARKET_ID_NAMESPACE, spec.ticker)),
                created_us=created,
                **values,
            )
        )
    elif existing.event_ticker != event_ticker:
        raise ValueError(f"market {spec.ticker} already belongs to event {existing.event_ticker}")
    else:
        conn.execute(markets.update().where(markets.c.ticker == spec.ticker).values(**values))


def delete(conn: Connection, event_ticker: str) -> bool:
    conn.execute(markets.delete().where(markets.c.event_ticker == event_ticker))
    return conn.execute(events.delete().where(events.c.event_ticker == event_ticker)).rowcount > 0


def delete_market(conn: Connection, ticker: str) -> bool:
    return conn.execute(markets.delete().where(markets.c.ticker == ticker)).rowcount > 0


def _time(text: str | None) -> int | None:
    return None if text is None else parse_datetime(text)
