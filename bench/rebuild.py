"""Restart: how long the engine takes to start on a store with many resting orders (SQLite).

Fills a new store by bulk inserts with `--markets` open markets (quadratic fees, no maker
fees), `--users` funded users and `--orders` resting orders spread over them, rows as the
engine would have written them: bids below asks in every book, each order's collateral
(yes price or 1 - price per contract, plus the cent of fee rounding) and each account's
reserved total consistent. Then times the engine's whole start (Engine.start: the store read
and the real venue's restore) and, apart, the store read alone. Prints medians of `--runs`.
The goal (issue 8): 1,000,000 orders across 1,000 markets in at most 10 s.

    python bench/rebuild.py --orders 1000000 --markets 1000 --runs 3
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections import defaultdict

from kalshi_local.engine import Engine, rebuild
from kalshi_local.exchange.clock import ManualClock, parse_datetime
from kalshi_local.exchange.fees import CENT
from kalshi_local.scenario import loader
from kalshi_local.store import accounts, db
from kalshi_local.store.schema import balances, orders

CHUNK = 50_000
NOW = parse_datetime("2026-06-01T00:00:00Z")
ORDER_COLUMNS = [c.name for c in orders.c]


def fill(engine, count: int, markets: int, users: int) -> None:
    tickers = [f"KXBENCH-1-M{n}" for n in range(markets)]
    loader.apply(engine, loader.parse_data(_catalog(tickers), "bench"), NOW, "bench")
    with db.writing(engine) as conn:
        user_ids = [
            (user.seq, user.user_id)
            for user in (
                accounts.create_user(conn, f"bench-{n}", now_us=NOW, balance_cents=10**11) for n in range(users)
            )
        ]
    reserved: dict[int, int] = defaultdict(int)
    statement = f"INSERT INTO orders ({', '.join(ORDER_COLUMNS)}) VALUES ({', '.join('?' for _ in ORDER_COLUMNS)})"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for start in range(1, count + 1, CHUNK):
            chunk = [_row(n, tickers, user_ids, reserved) for n in range(start, min(start + CHUNK, count + 1))]
            cursor.executemany(statement, chunk)
        raw.commit()
    finally:
        raw.close()
    with db.writing(engine) as conn:
        for user_seq, amount in reserved.items():
            conn.execute(balances.update().where(balances.c.user_seq == user_seq).values(reserved=amount))


def _catalog(tickers: list[str]) -> dict:
    market = {"open_time": "2026-01-01T00:00:00Z", "close_time": "2031-01-01T00:00:00Z"}
    return {
        "series": [{"ticker": "KXBENCH", "title": "Bench", "category": "Test", "fee_type": "quadratic"}],
        "events": [
            {
                "event_ticker": "KXBENCH-1",
                "series_ticker": "KXBENCH",
                "title": "Bench event",
                "markets": [{"ticker": t, "title": t, **market} for t in tickers],
            }
        ],
    }


def _row(n: int, tickers: list[str], user_ids: list[tuple[int, str]], reserved: dict[int, int]) -> tuple:
    user_seq, user_id = user_ids[n % len(user_ids)]
    is_bid = n % 2 == 1
    price = 100 * (1 + n % 49) + (0 if is_bid else 5000)  # bids $0.01-0.49, asks $0.51-0.99: never crossed
    count = 100 * (1 + n % 10)
    collateral = (price if is_bid else 10_000 - price) * count + CENT
    reserved[user_seq] += collateral
    values = {
        "seq": n, "order_id": str(uuid.UUID(int=n)), "user_seq": user_seq, "user_id": user_id, "subaccount": 0,
        "ticker": tickers[n % len(tickers)], "event_ticker": "KXBENCH-1", "book_side": "bid" if is_bid else "ask",
        "price": price, "initial_count": count, "remaining_count": count, "fill_count": 0, "status": "resting",
        "time_in_force": "good_till_canceled", "self_trade_prevention": "taker_at_cross", "client_order_id": "",
        "action": "buy" if is_bid else "sell", "side": "yes", "post_only": False, "reduce_only": False,
        "cancel_order_on_pause": False, "order_group_id": None, "expiration_us": None, "created_us": NOW,
        "updated_us": NOW, "taker_fill_cost": 0, "maker_fill_cost": 0, "taker_fees": 0, "maker_fees": 0,
        "fee_accumulator": 0, "reserved": collateral,
    }  # fmt: skip
    return tuple(values[name] for name in ORDER_COLUMNS)


def _timed(work) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--markets", type=int, default=1000)
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        engine = db.open_engine(f"sqlite:///{directory}/bench.db")
        db.create_schema(engine)
        filled = _timed(lambda: fill(engine, args.orders, args.markets, args.users))
        print(f"filled {args.orders:,} orders in {filled:.1f} s")
        reads, starts = [], []
        for _ in range(args.runs):
            with engine.connect() as conn:
                began = time.perf_counter()
                rebuild.load_state(conn)
                reads.append(time.perf_counter() - began)
            began = time.perf_counter()
            started = Engine.start(engine, ManualClock(NOW))
            starts.append(time.perf_counter() - began)
            venue = started._venue
            assert venue is not None and len(venue.orders()) == args.orders
            started.close()
            del started, venue
        print(f"store read alone: {statistics.median(reads):.2f} s (median of {args.runs})")
        print(f"engine start (store read + venue restore): {statistics.median(starts):.2f} s (median of {args.runs})")
        engine.dispose()


if __name__ == "__main__":
    main()
