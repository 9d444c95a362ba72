"""The engine's writer on SQLite with fsync: how many orders/s one thread can make durable.

Each order is what a resting order or a cross leaves behind: an order snapshot, a
balance, the market's stats, and for a cross two fills, a trade, two positions and
the maker's order. Batches of B orders are written in one transaction with
`synchronous=FULL`, as the engine does (engine/sequencer.py). Prints the median
orders/s over the runs for each batch size.

    python bench/engine_writer.py --orders 4000 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from kalshi_local.engine import writer
from kalshi_local.exchange.events import BalanceChanged, Filled, MarketChanged, OrderChanged, PositionChanged, Traded
from kalshi_local.exchange.orders import Account, Fill, MarketStats, Order, Position, Trade
from kalshi_local.store import accounts, db


def order_events(n: int, seq: int) -> list:
    """Events of order n: half rest, half cross a resting order of another user."""
    ticker = f"M-{n % 100}"
    user = 1 + n % 50
    order = Order(n, f"o-{n}", user, "u", 0, ticker, "E", "bid", 5000, 100, 100, 0, "resting", "good_till_canceled",
                  "taker_at_cross", "", "buy", "yes", False, False, False, None, None, n, n)  # fmt: skip
    events = [OrderChanged(seq, order, "created"), BalanceChanged(seq + 1, Account(1 + n % 50, 0, 10**9, 5 * 10**5))]
    seq += 2
    if n % 2:
        for is_taker in (True, False):
            fill = Fill(seq, f"f-{seq}", f"t-{n}", f"o-{n}", 1 + n % 50, 0, ticker, "bid", "buy", "yes", 5000, 100,
                        is_taker, 0, n)  # fmt: skip
            events += [
                Filled(seq, fill),
                PositionChanged(seq + 1, Position(1 + (n + is_taker) % 50, 0, ticker, "E", 100)),
            ]
            seq += 2
        events.append(Traded(seq, Trade(seq, f"t-{n}", ticker, 5000, 100, "bid", n)))
        seq += 1
    events.append(MarketChanged(seq, MarketStats(ticker, volume=n)))
    return events


def run(batch: int, orders: int) -> float:
    with tempfile.TemporaryDirectory() as directory:
        engine = db.open_engine(f"sqlite:///{directory}/bench.db")
        db.create_schema(engine)
        with db.writing(engine) as conn:
            for n in range(50):
                accounts.create_user(conn, f"user{n}", now_us=0)
        conn = engine.connect()
        conn.exec_driver_sql("PRAGMA synchronous=FULL")
        conn.commit()
        seq, counters = 1, (0, 0)
        batches = []
        for start in range(0, orders, batch):
            events = []
            for n in range(start, min(start + batch, orders)):
                events += order_events(n, seq)
                seq = events[-1].seq + 1
            batches.append(events)
        began = time.perf_counter()
        for events in batches:
            with conn.begin():
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                counters = writer.write(conn, events, counters)
        elapsed = time.perf_counter() - began
        conn.close()
        engine.dispose()
    return orders / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=4000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    for batch in (1, 16, 128, 1024):
        rates = [run(batch, args.orders if batch > 1 else args.orders // 8) for _ in range(args.runs)]
        print(f"batch {batch:5d}: {statistics.median(rates):10,.0f} orders/s (median of {args.runs})")


if __name__ == "__main__":
    main()
