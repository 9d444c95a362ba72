"""Order books read together with the event seq they stand at: what a streamed book starts from.

One statement reads the resting orders and the engine's counters (engine/writer.py writes both
in each batch's transaction), so the levels are exactly those of every event up to that seq and
none after, on SQLite and PostgreSQL alike (a statement sees one snapshot).
"""

from __future__ import annotations

import json

from sqlalchemy import Connection, bindparam, text

Levels = dict[int, int]  # yes price (Price) -> resting count (Count)

_SQL = text(
    "SELECT NULL AS ticker, NULL AS book_side, NULL AS price, NULL AS remaining,"
    " (SELECT CAST(value AS TEXT) FROM engine_state WHERE key = 'counters') AS counters"
    " UNION ALL"
    " SELECT ticker, book_side, price, SUM(remaining_count), NULL FROM orders"
    " WHERE ticker IN :tickers AND status = 'resting' AND remaining_count > 0"
    " GROUP BY ticker, book_side, price"
).bindparams(bindparam("tickers", expanding=True))


def books_at_seq(conn: Connection, tickers: tuple[str, ...]) -> tuple[int, dict[str, tuple[Levels, Levels]]]:
    """(seq, {ticker: (bids, asks)}): the books after every event up to `seq` (0: none yet).
    Bids are YES bids, asks NO bids, both keyed by yes price; a ticker without orders is empty."""
    seq = 0
    books: dict[str, tuple[Levels, Levels]] = {ticker: ({}, {}) for ticker in tickers}
    for ticker, side, price, remaining, counters in conn.execute(_SQL, {"tickers": list(tickers)}):
        if ticker is None:
            seq = int(json.loads(counters)["seq"]) if counters else 0
        else:
            books[ticker][0 if side == "bid" else 1][int(price)] = int(remaining)
    return seq, books
