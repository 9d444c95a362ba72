"""Events to rows: one batch of domain events written in the caller's transaction.

Snapshot events (orders, positions, balances, market stats) become one upsert per
object with its latest state in the batch; fills and trades become inserts. Each
table's rows go in a few multi-row statements, so a batch of a thousand orders costs
a handful of statements. The engine's counters go to `engine_state` in the same transaction,
so a restart never hands out a seq twice.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from sqlalchemy import Connection, select

from ..exchange.events import (
    BalanceChanged,
    Event,
    Filled,
    MarketChanged,
    OrderChanged,
    PositionChanged,
    Traded,
)
from ..exchange.fee_changes import SeriesFeeChanged
from ..exchange.orders import Account, Fill, MarketStats, Order, Position, Trade
from ..store import changes
from ..store import exchange as exchange_store
from ..store.schema import engine_state, fills, orders, positions, trades
from . import candles, lifecycle_rows, order_group_rows, rfq_rows

COUNTERS_KEY = "counters"  # engine_state: {"seq": last event seq, "order": last order number}

_ORDER_COLUMNS = tuple(c.name for c in orders.c)
_FILL_COLUMNS = tuple(c.name for c in fills.c)
_TRADE_COLUMNS = tuple(c.name for c in trades.c)
_POSITION_COLUMNS = tuple(c.name for c in positions.c if c.name != "seq")
_STATS_COLUMNS = (
    "yes_bid", "yes_ask", "yes_bid_size", "yes_ask_size", "last_price", "previous_yes_bid",
    "previous_yes_ask", "previous_price", "volume", "volume_24h", "open_interest", "liquidity",
)  # fmt: skip


@dataclass(slots=True)
class Batch:
    """The rows one batch of events leaves behind: the latest snapshot of each object."""

    orders: dict[str, Order] = field(default_factory=dict)
    fills: list[Fill] = field(default_factory=list)
    trades: list[Trade] = field(default_factory=list)
    positions: dict[tuple[int, int, str], tuple[int, Position]] = field(default_factory=dict)
    accounts: dict[tuple[int, int], Account] = field(default_factory=dict)
    stats: dict[str, MarketStats] = field(default_factory=dict)
    fee_changes: list[SeriesFeeChanged] = field(default_factory=list)
    last_seq: int = 0
    last_order: int = 0

    def add(self, events: Iterable[Event]) -> None:
        for event in events:
            self.last_seq = max(self.last_seq, event.seq)
            if isinstance(event, OrderChanged):
                self.orders[event.order.order_id] = event.order
                self.last_order = max(self.last_order, event.order.seq)
            elif isinstance(event, Filled):
                self.fills.append(event.fill)
            elif isinstance(event, Traded):
                self.trades.append(event.trade)
            elif isinstance(event, PositionChanged):
                p = event.position
                self.positions[(p.user_seq, p.subaccount, p.ticker)] = (event.seq, p)
            elif isinstance(event, BalanceChanged):
                self.accounts[(event.account.user_seq, event.account.subaccount)] = event.account
            elif isinstance(event, MarketChanged):
                self.stats[event.stats.ticker] = event.stats
            elif isinstance(event, SeriesFeeChanged):
                self.fee_changes.append(event)
            # BookChanged leaves no row: the book is the resting orders.


def write(
    conn: Connection, events: Sequence[Event], counters: tuple[int, int] = (0, 0), last_order: int | None = None
) -> tuple[int, int]:
    """Persists `events` (in seq order) in `conn`'s open transaction; commits nothing.
    `counters` are the (last event seq, last order number) known before the batch, and
    `last_order` the venue's last order number after it (None: the highest order seq in
    the batch stands in for it); returns the counters as they stand after the batch."""
    batch = Batch()
    batch.add(events)
    mark = _mark(conn)
    cursor = conn.connection.cursor()
    try:
        _run(cursor, _ORDERS, mark, [_ORDER_ROW(o) for o in batch.orders.values()])
        _run(cursor, _FILLS, mark, [_FILL_ROW(f) for f in batch.fills])
        _run(cursor, _TRADES, mark, [_TRADE_ROW(t) for t in batch.trades])
        _run(cursor, _POSITIONS, mark, [(*_POSITION_ROW(p), seq) for seq, p in batch.positions.values()])
        _run(cursor, _BALANCES, mark, [_BALANCE_ROW(a) for a in batch.accounts.values()])
    finally:
        cursor.close()
    candles.write(conn, events)
    if batch.stats:
        changes.market_rows_are_prices(conn)  # order flow, not a catalog change: catalog caches stay
        stats = [_STATS_ROW(s) for s in batch.stats.values()]
        conn.exec_driver_sql(_stats_sql(mark), stats if len(stats) > 1 else stats[0])
    lifecycle_rows.write(conn, events)
    for fee_change in batch.fee_changes:  # the series row takes the fee (a catalog write)
        exchange_store.apply_fee_change(conn, fee_change.fee_change_id, fee_change.at_us)
    order_group_rows.write(conn, events)
    rfq_rows.write(conn, events)
    orders_after = batch.last_order if last_order is None else last_order
    after = (max(counters[0], batch.last_seq), max(counters[1], orders_after))
    if after != counters:
        save_counters(conn, *after)
    return after


# Rows go as plain tuples in column order into plain SQL on the driver's own cursor:
# SQLAlchemy's execution path cost more per statement than a small batch's rows. These
# tables are order flow, which no change scope counts (store/changes.py), so bypassing
# its cursor events loses nothing. Many rows go in one multi-row INSERT rather than an
# executemany: the SQLite driver lets go of the GIL around every statement it steps,
# and each hand-off to the event loop and back costs more than the row.
_BALANCE_COLUMNS = ("user_seq", "subaccount", "balance", "reserved", "updated_us")
_ORDER_ROW = attrgetter(*_ORDER_COLUMNS)
_FILL_ROW = attrgetter(*_FILL_COLUMNS)
_TRADE_ROW = attrgetter(*_TRADE_COLUMNS)
_POSITION_ROW = attrgetter(*_POSITION_COLUMNS)
_BALANCE_ROW = attrgetter(*_BALANCE_COLUMNS)
_STATS_ROW = attrgetter(*_STATS_COLUMNS, "ticker")
_MAX_ROWS = 512  # per statement: the widest table stays under SQLite 3.35's 32,766 parameters


@dataclass(frozen=True, slots=True)
class _Table:
    """An INSERT into `name`, or an upsert on `key` when there is one."""

    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...] = ()


_ORDERS = _Table("orders", _ORDER_COLUMNS, ("order_id",))  # an amend that loses priority gets a new seq
_FILLS = _Table("fills", _FILL_COLUMNS)
_TRADES = _Table("trades", _TRADE_COLUMNS)
_POSITIONS = _Table("positions", (*_POSITION_COLUMNS, "seq"), ("user_seq", "subaccount", "ticker"))
_BALANCES = _Table("balances", _BALANCE_COLUMNS, ("user_seq", "subaccount"))
_COUNTERS = _Table("engine_state", ("key", "value"), ("key",))


def _mark(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def _run(cursor: Any, table: _Table, mark: str, rows: list[tuple]) -> None:
    """Writes `rows` on a DB-API cursor in chunks of a power of two, so that few
    statement texts exist (the drivers keep them prepared)."""
    start = 0
    while start < len(rows):
        size = min(_MAX_ROWS, 1 << ((len(rows) - start).bit_length() - 1))
        chunk = rows[start : start + size]
        cursor.execute(_sql(table, mark, size), tuple(value for row in chunk for value in row))
        start += size


@functools.cache
def _sql(table: _Table, mark: str, rows: int) -> str:
    """ON CONFLICT ... DO UPDATE reads the same in SQLite and PostgreSQL."""
    values = ", ".join([f"({', '.join([mark] * len(table.columns))})"] * rows)
    sql = f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES {values}"
    if not table.key:
        return sql
    changed = ", ".join(f"{c} = excluded.{c}" for c in table.columns if c not in table.key)
    return f"{sql} ON CONFLICT ({', '.join(table.key)}) DO UPDATE SET {changed}"


@functools.cache
def _stats_sql(mark: str) -> str:
    changed = ", ".join(f"{c} = {mark}" for c in _STATS_COLUMNS)
    return f"UPDATE markets SET {changed}, version = version + 1 WHERE ticker = {mark}"


def save_counters(conn: Connection, last_seq: int, last_order: int) -> None:
    """Records the highest seqs handed out (the venue's seqs only grow)."""
    value = json.dumps({"seq": last_seq, "order": last_order})
    cursor = conn.connection.cursor()
    try:
        _run(cursor, _COUNTERS, _mark(conn), [(COUNTERS_KEY, value)])
    finally:
        cursor.close()


def load_counters(conn: Connection) -> tuple[int, int]:
    """(last event seq, last order seq) as recorded, (0, 0) on a new store."""
    text = conn.execute(select(engine_state.c.value).where(engine_state.c.key == COUNTERS_KEY)).scalar()
    if text is None:
        return 0, 0
    found = json.loads(text)
    return int(found["seq"]), int(found["order"])
