"""The full venue (exchange/venue.py: accounts, collateral, fees, positions, events) in one process.

Every user first rests `--depth` orders in every market (not timed), so each holds thousands of
resting orders. Then a mixed stream, made up front: 70% adds that rest (bids below the middle,
asks above it), 20% cancels of a random earlier add (an order already filled is refused, as the
engine would refuse it), 10% immediate-or-cancel orders that cross the spread and so build
positions (and with them closing capacity). Half the markets charge maker fees. Prints each run,
then the median of 5 runs in ops/s.

`--pattern order-entry` runs instead what bench/order_entry.py sends over HTTP: one active
market (its lifecycle kept by the venue, as the engine does), two users, orders of one contract
at $0.50 with a fresh client_order_id, alternating: the first user bids (rests), the second asks
(fills that bid). Prints CPU microseconds per order, the median of 5 runs.

    .venv/bin/python bench/venue.py [--ops 100000] [--users 4] [--markets 4] [--depth 1000]
    .venv/bin/python bench/venue.py --pattern order-entry [--ops 50000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time

from kalshi_local.engine import gc_tuning
from kalshi_local.exchange.errors import TradingError
from kalshi_local.exchange.lifecycle import MarketLife
from kalshi_local.exchange.orders import Account, CancelOrder, CreateOrder, MarketRules
from kalshi_local.exchange.venue import Venue

BALANCE = 10**12  # Amount: $1,000,000 each
ADD, CANCEL, CROSS = 0, 1, 2


def make_rules(markets: int) -> dict[str, MarketRules]:
    fee_types = ("quadratic", "quadratic_with_maker_fees")
    return {f"M{i}": MarketRules(f"M{i}", "EV", True, "linear_cent", fee_types[i % 2], "1") for i in range(markets)}


def make_venue(rules: dict[str, MarketRules], users: int) -> Venue:
    return Venue(rules.get, lambda user, sub: Account(user, sub, BALANCE) if 0 < user <= users and sub == 0 else None)


def resting(rng: random.Random, user: int, ticker: str) -> CreateOrder:
    is_bid = rng.random() < 0.5
    price = rng.randrange(3000, 5000, 100) if is_bid else rng.randrange(5100, 7100, 100)
    side = "bid" if is_bid else "ask"
    return CreateOrder(user, f"user-{user}", 0, ticker, side, price, rng.randrange(1, 20) * 100)


def make_stream(ops: int, users: int, tickers: list[str], adds_before: int, seed: int = 7) -> list[tuple[int, object]]:
    """(kind, payload) per op: a CreateOrder, or for a cancel the index of the add (preload first) it cancels."""
    rng = random.Random(seed)
    live = list(range(adds_before))
    adds = adds_before
    stream: list[tuple[int, object]] = []
    for _ in range(ops):
        roll = rng.random()
        user = rng.randint(1, users)
        ticker = rng.choice(tickers)
        if roll < 0.7 or not live:
            stream.append((ADD, resting(rng, user, ticker)))
            live.append(adds)
            adds += 1
        elif roll < 0.9:
            stream.append((CANCEL, live.pop(rng.randrange(len(live)))))
        else:
            is_bid = rng.random() < 0.5
            side, price = ("bid", 7500) if is_bid else ("ask", 2500)
            count = rng.randrange(1, 20) * 100
            tif = "immediate_or_cancel"
            stream.append((CROSS, CreateOrder(user, f"user-{user}", 0, ticker, side, price, count, time_in_force=tif)))
    return stream


def preload(venue: Venue, users: int, tickers: list[str], depth: int) -> list[tuple[int, str]]:
    """Rest `depth` orders per user and market; returns (user_seq, order_id) of each, in order."""
    rng = random.Random(11)
    placed = []
    for _ in range(depth):
        for user in range(1, users + 1):
            for ticker in tickers:
                order = venue.apply(resting(rng, user, ticker), 0).order
                assert order is not None
                placed.append((user, order.order_id))
    return placed


def run(stream: list[tuple[int, object]], venue: Venue, placed: list[tuple[int, str]]) -> tuple[float, float, int]:
    """Wall and CPU seconds for the stream, and how many commands were refused."""
    refused = 0
    apply = venue.apply
    append = placed.append
    now = 1
    start, cpu = time.perf_counter(), time.process_time()
    for kind, payload in stream:
        now += 1
        try:
            if kind == CANCEL:
                user, order_id = placed[payload]  # type: ignore[index]
                apply(CancelOrder(user, order_id), now)
            else:
                outcome = apply(payload, now)  # type: ignore[arg-type]
                if kind == ADD:
                    append((payload.user_seq, outcome.order.order_id))  # type: ignore[union-attr]
        except TradingError:
            refused += 1
            if kind == ADD:
                append((0, ""))
    return time.perf_counter() - start, time.process_time() - cpu, refused


def order_entry(orders: int) -> float:
    """CPU seconds for `orders` alternating bids and asks in one market, as bench/order_entry.py sends them."""
    ticker, far = "BENCHORD-E1-M", 1 << 60
    rules = {ticker: MarketRules(ticker, "BENCHORD-E1", True, "linear_cent", "quadratic", "1")}
    venue = make_venue(rules, 2)
    life = MarketLife(ticker, "BENCHORD-E1", "active", 0, far, False, 0, far)
    venue.use_lives(lambda wanted: [life] if wanted in (None, ticker) else [])
    stream = [
        CreateOrder(1 + i % 2, f"user-{1 + i % 2}", 0, ticker, "ask" if i % 2 else "bid", 5000, 100,
                    client_order_id=f"{i:032x}")
        for i in range(orders)
    ]  # fmt: skip
    apply = venue.apply
    now = 1_000_000
    cpu = time.process_time()
    for command in stream:
        now += 1
        apply(command, now)
    cpu = time.process_time() - cpu
    assert len(venue.orders()) == orders % 2 and venue.stats(ticker).volume == orders // 2 * 100  # type: ignore[union-attr]
    return cpu


def main_order_entry(orders: int, runs: int) -> None:
    gc_tuning.tune()  # as `kalshi-local serve` runs
    per_order = []
    for attempt in range(runs):
        per_order.append(order_entry(orders) / orders * 1e6)
        print(f"run {attempt + 1}: {per_order[-1]:.1f} CPU µs per order")
    print(
        f"median of {runs}: {statistics.median(per_order):.1f} CPU µs per order ({orders:,} orders a run);"
        f" load average {os.getloadavg()[0]:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pattern", choices=("mixed", "order-entry"), default="mixed")
    parser.add_argument("--ops", type=int, help="commands a run (default 100,000 mixed, 50,000 order-entry)")
    parser.add_argument("--users", type=int, default=4)
    parser.add_argument("--markets", type=int, default=4)
    parser.add_argument("--depth", type=int, default=1000, help="resting orders per user and market before the run")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.pattern == "order-entry":
        main_order_entry(args.ops or 50_000, args.runs)
        return
    args.ops = args.ops or 100_000
    rules = make_rules(args.markets)
    tickers = sorted(rules)
    adds_before = args.depth * args.users * len(tickers)
    stream = make_stream(args.ops, args.users, tickers, adds_before)
    seconds, cpu_seconds = [], []
    for attempt in range(args.runs):
        venue = make_venue(rules, args.users)
        placed = preload(venue, args.users, tickers, args.depth)
        elapsed, cpu, refused = run(stream, venue, placed)
        seconds.append(elapsed)
        cpu_seconds.append(cpu)
        print(
            f"run {attempt + 1}: {elapsed:.3f} s, {args.ops / elapsed:,.0f} ops/s"
            f" ({args.ops / cpu:,.0f} per CPU second; {refused} refused,"
            f" {len(venue.orders()):,} orders resting at the end)"
        )
    median, cpu = statistics.median(seconds), statistics.median(cpu_seconds)
    print(
        f"median of {args.runs}: {median:.3f} s for {args.ops:,} ops = {args.ops / median:,.0f} ops/s"
        f" ({args.ops / cpu:,.0f} per CPU second); load average {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
