"""A small store per test, on each backend: two open markets, one not yet open, two funded users."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from kalshi_local.exchange.clock import ManualClock, parse_datetime
from kalshi_local.scenario import loader
from kalshi_local.store import accounts

NOW = parse_datetime("2026-03-01T12:00:00Z")
OPENS = parse_datetime("2026-03-02T00:00:00Z")


def _market(ticker: str, open_time: str = "2026-01-01T00:00:00Z") -> dict:
    return {"ticker": ticker, "open_time": open_time, "close_time": "2027-01-01T00:00:00Z", "title": ticker}


SCENARIO = {
    "series": [{"ticker": "KXT", "title": "Test", "category": "Test", "frequency": "custom", "settlement_sources": []}],
    "events": [
        {
            "event_ticker": "KXT-1",
            "series_ticker": "KXT",
            "title": "Test event",
            "markets": [_market("KXT-1-A"), _market("KXT-1-B"), _market("KXT-1-LATER", "2026-03-02T00:00:00Z")],
        }
    ],
    "users": [{"name": "alice", "balance": "1000.00"}, {"name": "bob", "balance": "1000.00"}],
}


@dataclass
class Store:
    db: Engine
    clock: ManualClock
    alice: int  # user seqs
    bob: int
    alice_id: str
    bob_id: str


@pytest.fixture
def store(engine) -> Store:
    clock = ManualClock(NOW)
    loader.apply(engine, loader.parse_data(SCENARIO, "engine"), NOW, "engine")
    with engine.connect() as conn:
        alice, bob = accounts.user_by_name(conn, "alice"), accounts.user_by_name(conn, "bob")
    assert alice is not None and bob is not None
    return Store(engine, clock, alice.seq, bob.seq, alice.user_id, bob.user_id)


def plain(obj) -> dict:
    """A dataclass as a dict without `updated_us` (market stats keep theirs only in memory)."""
    values = dataclasses.asdict(obj)
    if "yes_bid" in values:
        values.pop("updated_us")
    return values
