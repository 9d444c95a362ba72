"""The matching core alone (exchange/book.py + exchange/matching.py), in one process on one core.

A mixed stream, made up front: 70% adds that rest (bids below the middle, asks above it), 20%
cancels of a random resting order, 10% orders that cross the spread (immediate-or-cancel: planned
and executed, the rest dropped). Prints each run, then the median of 5 runs in ops/s, by the wall
clock and per CPU second (the machine may be shared), with the load average.

    .venv/bin/python bench/matching_core.py [--ops 1000000] [--markets 10] [--no-gc]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import time

from kalshi_local.engine import gc_tuning
from kalshi_local.exchange.book import Book, Resting
from kalshi_local.exchange.matching import execute, plan

ADD, CANCEL, CROSS = 0, 1, 2


def make_stream(ops: int, markets: int, seed: int = 7) -> list[tuple[int, int, int, bool, int, int]]:
    """(kind, market, key, is_bid, price, count) per op; a cancel's key names an earlier add."""
    rng = random.Random(seed)
    stream = []
    live: list[tuple[int, int]] = []  # (market, key) of adds, cancelled at random (some already filled)
    for key in range(ops):
        roll = rng.random()
        market = rng.randrange(markets)
        is_bid = rng.random() < 0.5
        count = rng.randrange(1, 50) * 100
        if roll < 0.7 or not live:
            price = rng.randrange(3000, 5000, 100) if is_bid else rng.randrange(5100, 7100, 100)
            stream.append((ADD, market, key, is_bid, price, count))
            live.append((market, key))
        elif roll < 0.9:
            market, victim = live.pop(rng.randrange(len(live)))
            stream.append((CANCEL, market, victim, is_bid, 0, 0))
        else:
            price = 7000 if is_bid else 3000
            stream.append((CROSS, market, key, is_bid, price, count))
    return stream


def run(stream: list[tuple[int, int, int, bool, int, int]], markets: int) -> tuple[float, float]:
    """Wall and CPU seconds for the stream on fresh books."""
    books = [Book(f"M{i}") for i in range(markets)]
    keys = [str(i) for i in range(len(stream))]
    add, remove = Book.add, Book.remove
    start, cpu = time.perf_counter(), time.process_time()
    for kind, market, key, is_bid, price, count in stream:
        book = books[market]
        if kind == ADD:
            add(book, Resting(keys[key], key & 63, is_bid, price, count))
        elif kind == CANCEL:
            entry = book.entries.get(keys[key])
            if entry is not None:
                remove(book, entry)
        else:
            result = plan(book, is_bid, price, count, -1, False)
            if result.fills:
                execute(book, result)
    return time.perf_counter() - start, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=1_000_000)
    parser.add_argument("--markets", type=int, default=10)
    parser.add_argument("--no-gc", action="store_true", help="turn the cyclic garbage collector off, to see its share")
    parser.add_argument(
        "--default-gc", action="store_true", help="Python's default collector thresholds, not the server's"
    )
    args = parser.parse_args()
    if args.no_gc:
        gc.disable()
    elif not args.default_gc:
        gc_tuning.tune()  # as `kalshi-local serve` runs
    stream = make_stream(args.ops, args.markets)
    seconds, cpu_seconds = [], []
    for attempt in range(5):
        elapsed, cpu = run(stream, args.markets)
        seconds.append(elapsed)
        cpu_seconds.append(cpu)
        rates = f"{args.ops / elapsed:,.0f} ops/s ({args.ops / cpu:,.0f} per CPU second)"
        print(f"run {attempt + 1}: {elapsed:.3f} s, {rates}")
    median, cpu = statistics.median(seconds), statistics.median(cpu_seconds)
    print(
        f"median of 5: {median:.3f} s for {args.ops:,} ops = {args.ops / median:,.0f} ops/s"
        f" ({args.ops / cpu:,.0f} per CPU second); load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
