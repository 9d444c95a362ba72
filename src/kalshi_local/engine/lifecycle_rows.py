"""Lifecycle and settlement events to rows, in the batch's transaction (engine/writer.py
calls `write` after its own rows).

A MarketLifecycle event updates the market's lifecycle columns (its latest snapshot in
the batch) and its settlement timer row; a Settled event inserts a settlements row; a
LegsSettled event writes a combo's legs' settlement values into its stored legs.
Lifecycle writes are catalog changes: cached catalog answers that show the market go.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from sqlalchemy import Connection

from ..exchange.combos import LegsSettled
from ..exchange.events import Event, MarketLifecycle, Settled
from ..exchange.lifecycle import MarketLife
from ..exchange.money import price_dollars
from ..store import changes
from ..store import multivariate as combo_store
from ..store.schema import settlements

_SETTLEMENT_COLUMNS = tuple(c.name for c in settlements.c)
_SETTLEMENT_ROW = attrgetter(*_SETTLEMENT_COLUMNS)
_MARKET_COLUMNS = (
    "status", "close_us", "expected_expiration_us", "latest_expiration_us", "result", "settlement_value",
    "expiration_value", "settlement_us", "updated_us",
)  # fmt: skip


def write(conn: Connection, events: Sequence[Event]) -> None:
    lives: dict[str, MarketLife] = {}
    settled: list[tuple] = []
    legs: dict[str, LegsSettled] = {}
    for event in events:
        if isinstance(event, MarketLifecycle):
            lives[event.life.ticker] = event.life
        elif isinstance(event, Settled):
            settled.append(_SETTLEMENT_ROW(event.settlement))
        elif isinstance(event, LegsSettled):
            legs[event.ticker] = event
    if not lives and not settled and not legs:
        return
    if lives or legs:
        changes.touch(conn, changes.CATALOG)
    for ticker, event in legs.items():
        dollars = {leg: None if value is None else price_dollars(value) for leg, value in event.values}
        combo_store.set_leg_values(conn, ticker, dollars)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    if lives:
        assignments = ", ".join(f"{name} = {mark}" for name in _MARKET_COLUMNS)
        sql = f"UPDATE markets SET {assignments}, version = version + 1 WHERE ticker = {mark}"
        conn.exec_driver_sql(sql, [_market_row(life) for life in lives.values()])
        timer = (
            f"INSERT INTO settlement_timers (ticker, timer_start_us, voided) VALUES ({mark}, {mark}, {mark})"
            " ON CONFLICT (ticker) DO UPDATE SET timer_start_us = excluded.timer_start_us, voided = excluded.voided"
        )
        conn.exec_driver_sql(timer, [(t, life.timer_start_us, life.result == "void") for t, life in lives.items()])
    if settled:
        columns = ", ".join(_SETTLEMENT_COLUMNS)
        values = ", ".join([mark] * len(_SETTLEMENT_COLUMNS))
        conn.exec_driver_sql(f"INSERT INTO settlements ({columns}) VALUES ({values})", settled)


def _market_row(life: MarketLife) -> tuple:
    result = "" if life.result == "void" else life.result  # the spec's Market.result has no void
    return (
        life.status, life.close_us, life.expected_expiration_us, life.latest_expiration_us, result,
        life.settlement_value, life.expiration_value, life.settlement_us, life.updated_us, life.ticker,
    )  # fmt: skip
