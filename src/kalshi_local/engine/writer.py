"""Events to rows: one batch of domain events written in the caller's transaction.

Snapshot events (orders, positions, balances, market stats) become one upsert per
object with its latest state in the batch; fills and trades become inserts. Every
table gets one executemany, so a batch of a thousand orders costs a handful of
statements. The engine's counters go to `engine_state` in the same transaction,
so a restart never hands out a seq twice.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter

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
from ..exchange.orders import Account, Fill, MarketStats, Order, Position, Trade
from ..store import changes
from ..store.schema import engine_state, fills, orders, positions, trades

COUNTERS_KEY = "counters"  # engine_state: {"seq": last event seq, "order": last order seq}

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
            # BookChanged leaves no row: the book is the resting orders.


def write(conn: Connection, events: Sequence[Event], counters: tuple[int, int] = (0, 0)) -> tuple[int, int]:
    """Persists `events` (in seq order) in `conn`'s open transaction; commits nothing.
    `counters` are the (last event seq, last order seq) known before the batch;
    returns them as they stand after it."""
    batch = Batch()
    batch.add(events)
    sql = _statements(conn)
    _run(conn, sql.orders, [_ORDER_ROW(o) for o in batch.orders.values()])
    _run(conn, sql.fills, [_FILL_ROW(f) for f in batch.fills])
    _run(conn, sql.trades, [_TRADE_ROW(t) for t in batch.trades])
    _run(conn, sql.positions, [(*_POSITION_ROW(p), seq) for seq, p in batch.positions.values()])
    _run(conn, sql.balances, [_BALANCE_ROW(a) for a in batch.accounts.values()])
    if batch.stats:
        changes.market_rows_are_prices(conn)  # order flow, not a catalog change: catalog caches stay
        _run(conn, sql.stats, [_STATS_ROW(s) for s in batch.stats.values()])
    after = (max(counters[0], batch.last_seq), max(counters[1], batch.last_order))
    if after != counters:
        save_counters(conn, *after)
    return after


# Rows as plain tuples in column order: the statements below are plain SQL run with the
# driver's executemany, so SQLAlchemy neither compiles nor processes them per batch.
_ORDER_ROW = attrgetter(*_ORDER_COLUMNS)
_FILL_ROW = attrgetter(*_FILL_COLUMNS)
_TRADE_ROW = attrgetter(*_TRADE_COLUMNS)
_POSITION_ROW = attrgetter(*_POSITION_COLUMNS)
_BALANCE_COLUMNS = ("user_seq", "subaccount", "balance", "reserved", "updated_us")
_BALANCE_ROW = attrgetter(*_BALANCE_COLUMNS)
_STATS_ROW = attrgetter(*_STATS_COLUMNS, "ticker")


@dataclass(frozen=True, slots=True)
class _Statements:
    """The writer's SQL in one dialect's parameter style."""

    orders: str
    fills: str
    trades: str
    positions: str
    balances: str
    stats: str
    counters: str


_BY_PARAMSTYLE: dict[str, _Statements] = {}


def _statements(conn: Connection) -> _Statements:
    style = conn.dialect.paramstyle
    found = _BY_PARAMSTYLE.get(style)
    if found is None:
        found = _BY_PARAMSTYLE[style] = _build("?" if style == "qmark" else "%s")
    return found


def _build(mark: str) -> _Statements:
    """ON CONFLICT ... DO UPDATE reads the same in SQLite and PostgreSQL."""
    return _Statements(
        orders=_upsert_sql("orders", _ORDER_COLUMNS, ("order_id",), mark),
        fills=_insert_sql("fills", _FILL_COLUMNS, mark),
        trades=_insert_sql("trades", _TRADE_COLUMNS, mark),
        positions=_upsert_sql("positions", (*_POSITION_COLUMNS, "seq"), ("user_seq", "subaccount", "ticker"), mark),
        balances=_upsert_sql("balances", _BALANCE_COLUMNS, ("user_seq", "subaccount"), mark),
        stats=(
            f"UPDATE markets SET {', '.join(f'{c} = {mark}' for c in _STATS_COLUMNS)}, version = version + 1"
            f" WHERE ticker = {mark}"
        ),
        counters=_upsert_sql("engine_state", ("key", "value"), ("key",), mark),
    )


def _insert_sql(table: str, columns: Sequence[str], mark: str) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"


def _upsert_sql(table: str, columns: Sequence[str], key: Sequence[str], mark: str) -> str:
    changed = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in key)
    return f"{_insert_sql(table, columns, mark)} ON CONFLICT ({', '.join(key)}) DO UPDATE SET {changed}"


def _run(conn: Connection, sql: str, values: list[tuple]) -> None:
    if values:  # exec_driver_sql still fires the cursor events that store/changes.py counts writes by
        conn.exec_driver_sql(sql, values if len(values) > 1 else values[0])


def save_counters(conn: Connection, last_seq: int, last_order: int) -> None:
    """Records the highest seqs handed out (the venue's seqs only grow)."""
    value = json.dumps({"seq": last_seq, "order": last_order})
    conn.exec_driver_sql(_statements(conn).counters, (COUNTERS_KEY, value))


def load_counters(conn: Connection) -> tuple[int, int]:
    """(last event seq, last order seq) as recorded, (0, 0) on a new store."""
    text = conn.execute(select(engine_state.c.value).where(engine_state.c.key == COUNTERS_KEY)).scalar()
    if text is None:
        return 0, 0
    found = json.loads(text)
    return int(found["seq"]), int(found["order"])
