"""Restart: rebuilding the venue from a store with many resting orders (SQLite).

Fills a new store with `--orders` resting orders across `--markets` markets by bulk
inserts, then times reading the trading state back (engine/rebuild.py load_state)
and, once exchange/venue.py is implemented, the whole rebuild (restore into a Venue).
Prints the median of the runs. The goal (issue 8): 1,000,000 orders in under 10 s.

    python bench/rebuild.py --orders 1000000 --markets 1000 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

from kalshi_local.engine import rebuild
from kalshi_local.exchange.clock import ManualClock
from kalshi_local.store import db
from kalshi_local.store.schema import orders

CHUNK = 50_000


def fill(engine, count: int, markets: int) -> None:
    columns = [c.name for c in orders.c]
    placeholders = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO orders ({', '.join(columns)}) VALUES ({placeholders})"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for start in range(1, count + 1, CHUNK):
            cursor.executemany(statement, (_row(n, markets) for n in range(start, min(start + CHUNK, count + 1))))
        raw.commit()
    finally:
        raw.close()


def _row(n: int, markets: int) -> tuple:
    side = "bid" if n % 2 else "ask"
    price = 100 * (1 + n % 49) + (0 if side == "bid" else 5000)  # bids below asks: a book never crossed
    return (
        n, f"o-{n}", 1 + n % 100, f"user-{n % 100}", 0, f"M-{n % markets}", "E", side, price, 100, 100, 0,
        "resting", "good_till_canceled", "taker_at_cross", "", "buy", "yes", False, False, False, None, None,
        n, n, 0, 0, 0, 0, 0, price * 100,
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--markets", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        engine = db.open_engine(f"sqlite:///{directory}/bench.db")
        db.create_schema(engine)
        began = time.perf_counter()
        fill(engine, args.orders, args.markets)
        print(f"filled {args.orders:,} orders in {time.perf_counter() - began:.1f} s")
        reads, builds = [], []
        for _ in range(args.runs):
            began = time.perf_counter()
            with engine.connect() as conn:
                state = rebuild.load_state(conn)
            reads.append(time.perf_counter() - began)
            assert len(state.orders) == args.orders
            del state
            try:
                began = time.perf_counter()
                rebuild.build(engine, ManualClock(0))
                builds.append(time.perf_counter() - began)
            except NotImplementedError:
                pass
        print(f"read the state back: {statistics.median(reads):.2f} s (median of {args.runs})")
        if builds:
            print(f"whole rebuild into the venue: {statistics.median(builds):.2f} s (median of {args.runs})")
        else:
            print("whole rebuild: exchange/venue.py is not implemented yet")
        engine.dispose()


if __name__ == "__main__":
    main()
