"""Series written in bulk behave as one upsert after another: file order is listing
order, a later duplicate ticker wins, and an existing series keeps its place."""

from __future__ import annotations

import msgspec

from kalshi_local.models.inputs import SeriesIn
from kalshi_local.store import series
from kalshi_local.store.jsontext import loads


def spec(ticker: str, title: str = "t", **extra) -> SeriesIn:
    return msgspec.convert({"ticker": ticker, "title": title, "category": "c", **extra}, SeriesIn)


def listed(conn) -> list[tuple[str, str]]:
    return [(row.ticker, row.title) for row in series.listing(conn, series.SeriesFilter())]


def test_many_series_keep_file_order_and_a_later_duplicate_wins(conn):
    series.upsert_many(conn, [spec("KXB", "first"), spec("KXA"), spec("KXB", "second")], 1)
    assert listed(conn) == [("KXB", "second"), ("KXA", "t")]


def test_an_existing_series_is_updated_in_place(conn):
    series.upsert(conn, spec("KXOLD", "old"), 1)
    series.upsert_many(conn, [spec("KXNEW"), spec("KXOLD", "new", tags=["x"], fee_multiplier=0.5)], 2)
    assert listed(conn) == [("KXOLD", "new"), ("KXNEW", "t")]
    row = series.get(conn, "KXOLD")
    assert (loads(row.tags), loads(row.fee_multiplier), row.updated_us) == (["x"], 0.5, 2)


def test_more_series_than_one_statement_holds(conn):
    tickers = [f"KX{i:05d}" for i in range(1_200)]
    series.upsert_many(conn, [spec(t) for t in tickers], 1)
    assert [ticker for ticker, _ in listed(conn)] == tickers
