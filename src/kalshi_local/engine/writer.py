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
from typing import Any

from sqlalchemy import Connection, Table, bindparam, select

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
from ..store import changes, rows
from ..store.schema import balances, engine_state, fills, markets, orders, positions, trades

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


def write(
    conn: Connection, events: Sequence[Event], counters: tuple[int, int] = (0, 0), last_order: int | None = None
) -> tuple[int, int]:
    """Persists `events` (in seq order) in `conn`'s open transaction; commits nothing.
    `counters` are the (last event seq, last order number) known before the batch, and
    `last_order` the venue's last order number after it (None: the highest order seq in
    the batch stands in for it); returns the counters as they stand after the batch."""
    batch = Batch()
    batch.add(events)
    # Keyed by order_id: an amend that moves an order gives it a new seq (its new time priority).
    _upsert(conn, orders, ["order_id"], [_values(o, _ORDER_COLUMNS) for o in batch.orders.values()])
    _insert(conn, fills, [_values(f, _FILL_COLUMNS) for f in batch.fills])
    _insert(conn, trades, [_values(t, _TRADE_COLUMNS) for t in batch.trades])
    _upsert(
        conn,
        positions,
        ["user_seq", "subaccount", "ticker"],
        [{**_values(p, _POSITION_COLUMNS), "seq": seq} for seq, p in batch.positions.values()],
    )
    _upsert(conn, balances, ["user_seq", "subaccount"], [_account(a) for a in batch.accounts.values()])
    _update_stats(conn, batch.stats.values())
    orders_after = batch.last_order if last_order is None else last_order
    after = (max(counters[0], batch.last_seq), max(counters[1], orders_after))
    if after != counters:
        save_counters(conn, *after)
    return after


def _values(obj: Any, columns: Sequence[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in columns}


def _account(account: Account) -> dict[str, Any]:
    return {
        "user_seq": account.user_seq,
        "subaccount": account.subaccount,
        "balance": account.balance,
        "reserved": account.reserved,
        "updated_us": account.updated_us,
    }


def _insert(conn: Connection, table: Table, values: list[dict[str, Any]]) -> None:
    if values:
        conn.execute(table.insert(), values)


def _upsert(conn: Connection, table: Table, key: list[str], values: list[dict[str, Any]]) -> None:
    if not values:
        return
    statement = rows.insert(conn, table)
    changed = {name: statement.excluded[name] for name in values[0] if name not in key}
    conn.execute(statement.on_conflict_do_update(index_elements=key, set_=changed), values)


_stats_update = (
    markets.update()
    .where(markets.c.ticker == bindparam("b_ticker"))
    .values({**{name: bindparam(f"b_{name}") for name in _STATS_COLUMNS}, "version": markets.c.version + 1})
)


def _update_stats(conn: Connection, stats: Iterable[MarketStats]) -> None:
    values = [{f"b_{name}": getattr(s, name) for name in ("ticker", *_STATS_COLUMNS)} for s in stats]
    if values:
        changes.market_rows_are_prices(conn)  # order flow, not a catalog change: catalog caches stay
        conn.execute(_stats_update, values)


def save_counters(conn: Connection, last_seq: int, last_order: int) -> None:
    """Records the highest seqs handed out (the venue's seqs only grow)."""
    value = json.dumps({"seq": last_seq, "order": last_order})
    statement = rows.insert(conn, engine_state).values(key=COUNTERS_KEY, value=value)
    conn.execute(statement.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def load_counters(conn: Connection) -> tuple[int, int]:
    """(last event seq, last order seq) as recorded, (0, 0) on a new store."""
    text = conn.execute(select(engine_state.c.value).where(engine_state.c.key == COUNTERS_KEY)).scalar()
    if text is None:
        return 0, 0
    found = json.loads(text)
    return int(found["seq"]), int(found["order"])
