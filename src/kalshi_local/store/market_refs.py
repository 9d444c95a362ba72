"""Which markets exist, by ticker or market_id, and their order-flow fields: what a WebSocket
subscription checks and what its initial ticker message shows."""

from __future__ import annotations

from sqlalchemy import Connection, or_, select

from ..exchange.orders import MarketStats
from .schema import events, markets


def resolve(conn: Connection, tickers: tuple[str, ...], market_ids: tuple[str, ...]) -> dict[str, str]:
    """{ticker or market_id asked for: its market's ticker}, for those that exist."""
    m = markets.c
    query = select(m.ticker, m.market_id).where(or_(m.ticker.in_(tickers), m.market_id.in_(market_ids)))
    found: dict[str, str] = {}
    for ticker, market_id in conn.execute(query):
        if ticker in tickers:
            found[ticker] = ticker
        if market_id in market_ids:
            found[market_id] = ticker
    return found


def stats_of(conn: Connection, tickers: tuple[str, ...]) -> list[MarketStats]:
    m = markets.c
    query = select(
        m.ticker, m.yes_bid, m.yes_ask, m.yes_bid_size, m.yes_ask_size, m.last_price, m.volume, m.open_interest,
        m.updated_us,
    ).where(m.ticker.in_(tickers))
    return [
        MarketStats(
            ticker=row.ticker,
            yes_bid=int(row.yes_bid),
            yes_ask=int(row.yes_ask),
            yes_bid_size=int(row.yes_bid_size),
            yes_ask_size=int(row.yes_ask_size),
            last_price=int(row.last_price),
            volume=int(row.volume),
            open_interest=int(row.open_interest),
            updated_us=int(row.updated_us),
        )
        for row in conn.execute(query)
    ]


LIFECYCLE_FIELDS = (
    "ticker", "event_ticker", "status", "open_us", "close_us", "price_level_structure", "title", "subtitle",
    "yes_sub_title", "no_sub_title", "rules_primary", "rules_secondary", "can_close_early",
    "expected_expiration_us", "strike_type", "floor_strike", "cap_strike", "result", "settlement_value",
    "settlement_us",
)
EVENT_FIELDS = ("event_ticker", "series_ticker", "title", "sub_title", "collateral_return_type", "strike_date_us",
                "strike_period")


def lifecycle_rows(conn: Connection, ticker: str | None = None) -> list:
    """The fields market lifecycle messages show, of one market or all of them."""
    query = select(*(markets.c[name] for name in LIFECYCLE_FIELDS))
    if ticker is not None:
        query = query.where(markets.c.ticker == ticker)
    return list(conn.execute(query))


def event_rows(conn: Connection) -> list:
    return list(conn.execute(select(*(events.c[name] for name in EVENT_FIELDS))))
