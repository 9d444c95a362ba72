"""The writer on a real store (SQLite and PostgreSQL): whatever the batch sizes, the rows
left behind are the latest snapshot of every object, every fill and trade once."""

from __future__ import annotations

import dataclasses

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from kalshi_local.engine import writer
from kalshi_local.engine.rebuild import load_state
from kalshi_local.exchange.events import BalanceChanged, Filled, MarketChanged, OrderChanged, PositionChanged, Traded
from kalshi_local.exchange.orders import Account, Fill, MarketStats, Order, Position, Trade
from kalshi_local.store import db
from kalshi_local.store.schema import fills, orders, trades

from .conftest import Store

TICKERS = ("KXT-1-A", "KXT-1-B")


class Flow:
    """Events as a venue would emit them: orders that rest, get filled and get new seqs."""

    def __init__(self, store: Store, start: int) -> None:
        self.store = store
        self.seq = start  # event seq
        self.order_seq = start
        self.orders: dict[str, Order] = {}
        self.fills: list[Fill] = []
        self.trades: list[Trade] = []
        self.positions: dict[tuple, Position] = {}
        self.accounts: dict[tuple, Account] = {}
        self.stats: dict[str, MarketStats] = {}

    def _next(self) -> int:
        self.seq += 1
        return self.seq

    def step(self, n: int) -> list:
        """The events of the `n`th command: a new order, and every third one fills an older order."""
        user = self.store.alice if n % 2 else self.store.bob
        ticker = TICKERS[n % 2]
        self.order_seq += 1
        order = Order(self.order_seq, f"o-{self.order_seq}", user, "u", 0, ticker, "KXT-1", "bid", 100 + n % 9000,
                      500, 500, 0, "resting", "good_till_canceled", "taker_at_cross", f"c-{n}", "buy", "yes",
                      False, n % 2 == 0, False, None, None, n, n)  # fmt: skip
        events: list = [OrderChanged(self._next(), order, "created")]
        self.orders[order.order_id] = order
        if n % 3 == 0 and len(self.orders) > 1:
            maker = next(iter(self.orders.values()))
            self.order_seq += 1  # as an amend that loses priority: a new seq on the same order_id
            maker = dataclasses.replace(maker, seq=self.order_seq, remaining_count=maker.remaining_count - 100,
                                        fill_count=maker.fill_count + 100, updated_us=n)  # fmt: skip
            self.orders[maker.order_id] = maker
            seq = self._next()
            fill = Fill(seq, f"f-{seq}", f"t-{seq}", maker.order_id, maker.user_seq, 0, maker.ticker, "bid", "buy",
                        "yes", maker.price, 100, False, 7, n)  # fmt: skip
            trade = Trade(self._next(), f"t-{seq}", maker.ticker, maker.price, 100, "ask", n)
            self.fills.append(fill)
            self.trades.append(trade)
            events += [OrderChanged(self._next(), maker, "filled"), Filled(fill.seq, fill), Traded(trade.seq, trade)]
        position = self.positions[(user, 0, ticker)] = Position(user, 0, ticker, "KXT-1", n, total_traded=n)
        account = self.accounts[(user, 0)] = Account(user, 0, 10**12 - n, n)
        stats = self.stats[ticker] = MarketStats(ticker, volume=n, last_price=100 + n % 9000)
        events += [
            PositionChanged(self._next(), position),
            BalanceChanged(self._next(), account),
            MarketChanged(self._next(), stats),
        ]
        return events


def _write(store: Store, flow: Flow, sizes: list[int]) -> None:
    counters = (0, 0)
    n = 0
    with store.db.connect() as conn:
        for size in sizes:
            events = [event for k in range(n, n + size) for event in flow.step(k)]
            n += size
            with conn.begin():
                counters = writer.write(conn, events, counters)
    assert counters == (flow.seq, flow.order_seq) or not any(sizes)


def _check(store: Store, flow: Flow) -> None:
    with db.writing(store.db) as conn:
        state = load_state(conn)
        resting = {o.order_id: o for o in state.orders}
        assert resting == {i: o for i, o in flow.orders.items() if o.status == "resting"}
        stored_fills = conn.execute(select(fills.c.fill_id, fills.c.order_id).order_by(fills.c.seq)).all()
        assert [tuple(row) for row in stored_fills] == [(f.fill_id, f.order_id) for f in flow.fills]
        assert conn.execute(select(func.count()).select_from(trades)).scalar() == len(flow.trades)
        assert conn.execute(select(func.count()).select_from(orders)).scalar() == len(flow.orders)
        positions = {(p.user_seq, p.subaccount, p.ticker): p for p in state.positions}
        assert {key: positions[key] for key in flow.positions} == flow.positions
        accounts = {(a.user_seq, a.subaccount): a for a in state.accounts}
        assert {key: accounts[key] for key in flow.accounts} == flow.accounts
        stats = {s.ticker: (s.volume, s.last_price) for s in state.stats}
        assert {t: stats[t] for t in flow.stats} == {t: (s.volume, s.last_price) for t, s in flow.stats.items()}
        if flow.orders:
            assert state.last_seq == flow.seq and state.last_order == flow.order_seq


def test_a_batch_past_the_statement_size_keeps_every_row(store: Store) -> None:
    """1,100 orders in one batch: several multi-row statements per table, 512 rows at most."""
    flow = Flow(store, 0)
    _write(store, flow, [1100])
    _check(store, flow)
    assert len(flow.fills) > 300


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sizes=st.lists(st.integers(0, 40), min_size=1, max_size=6))
def test_any_batch_sizes_leave_the_latest_snapshots(store: Store, sizes: list[int]) -> None:
    # One store serves every example: each starts past the seqs of the ones before.
    with store.db.connect() as conn:
        start = writer.load_counters(conn)[0]
        conn.execute(orders.delete())
        conn.execute(fills.delete())
        conn.execute(trades.delete())
        conn.commit()
    flow = Flow(store, start)
    _write(store, flow, sizes)
    _check(store, flow)
