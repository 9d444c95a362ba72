"""The order book of a market, aggregated from its resting orders (the store's durable state).

As Kalshi shows it (getting_started/orderbook_responses.md): bids only, per outcome. YES bids
are the `bid` orders at their yes price; NO bids are the `ask` orders at the no price 1 - p.
Each side is sorted by its own price ascending, so the best bid is last.
"""

from __future__ import annotations

from sqlalchemy import Connection, func, select

from ..exchange.money import PRICE_SCALE
from .schema import orders

Level = tuple[int, int]  # (price in the outcome's terms, Price; count, Count)


def book(conn: Connection, ticker: str, depth: int = 0) -> tuple[list[Level], list[Level]]:
    """(yes bids, no bids), each ascending, cut to the best `depth` levels (0: all)."""
    books = books_of(conn, (ticker,), depth)
    return books.get(ticker, ([], []))


def books_of(conn: Connection, tickers: tuple[str, ...], depth: int = 0) -> dict[str, tuple[list[Level], list[Level]]]:
    o = orders.c
    query = (
        select(o.ticker, o.book_side, o.price, func.sum(o.remaining_count))
        .where(o.ticker.in_(tickers), o.status == "resting", o.remaining_count > 0)
        .group_by(o.ticker, o.book_side, o.price)
    )
    found: dict[str, tuple[list[Level], list[Level]]] = {}
    for ticker, side, price, count in conn.execute(query).all():
        yes, no = found.setdefault(ticker, ([], []))
        if side == "bid":
            yes.append((price, int(count)))
        else:
            no.append((PRICE_SCALE - price, int(count)))
    return {ticker: (_best(yes, depth), _best(no, depth)) for ticker, (yes, no) in found.items()}


def _best(levels: list[Level], depth: int) -> list[Level]:
    levels.sort()
    return levels[-depth:] if depth > 0 else levels
