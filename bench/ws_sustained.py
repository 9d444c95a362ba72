"""Sustained WebSocket load: M markets, S subscribers to every market's orderbook_delta, orders
placed over REST at a target rate; messages delivered per second (counted by the subscribers)
and the server's memory (VmRSS) over the run.

    python bench/ws_sustained.py [--markets 100] [--subscribers 200] [--rate 1000] [--seconds 120]

Every order is signed (RSA-PSS) before the run, in all cores, and wrk sends each once at the
target rate (bench/presigned.lua; the server runs with a signature window longer than the run).
In each market a bid then an ask at the same price: every second order fills the one resting,
so the book stays small and each order is one delta (a level added or removed) to every
subscriber. Subscribers are raw-socket clients (ws_fanout._Subscriber) in
--client-processes processes. All share the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives import serialization

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
import signed_load  # noqa: E402
from ws_fanout import TOKEN, _connect, _rss_kb, _subscribe  # noqa: E402

# Two traders (no self-trade prevention between them) and the user whose connections watch.
KEYS = {"maker": "bench-maker", "taker": "bench-taker", "watcher": "bench-watcher"}


def tickers(markets: int) -> list[str]:
    return [f"KXWSS-1-M{n}" for n in range(markets)]


def scenario(markets: int, public: str) -> dict:
    base = harness.trading_scenario("KXWSS-1-M0", public, KEYS, "100000000.00")
    base["events"][0]["markets"] = [
        {**base["events"][0]["markets"][0], "ticker": ticker} for ticker in tickers(markets)
    ]
    return base


def orders(markets: list[str], n: int) -> list[signed_load.Unsigned]:
    """Random markets; in each, a bid then an ask at one random price, so every second order
    fills the one resting (another user's): the book (and the server's memory) stays the same size."""
    rng = random.Random(7)
    resting: dict[str, int] = {}
    out = []
    for _ in range(n):
        ticker = rng.choice(markets)
        price = resting.pop(ticker, None)
        bid = price is None
        if price is None:
            price = resting[ticker] = rng.randint(1, 99)
        body = {"ticker": ticker, "side": "bid" if bid else "ask", "count": "1",
                "price": f"0.{price:02d}00", "time_in_force": "good_till_canceled",
                "self_trade_prevention_type": "taker_at_cross", "client_order_id": uuid.uuid4().hex}
        out.append(signed_load.Unsigned(
            "POST", signed_load.ORDERS_PATH, KEYS["maker" if bid else "taker"], msgspec.json.encode(body)
        ))
    return out


class _Count:
    """What the subscribers of one process received."""

    def __init__(self) -> None:
        self.count = 0

    def arrived(self) -> None:
        self.count += 1


def subscribers(port: int, pem: bytes, count: int, markets: list[str], report, stop) -> None:
    key = serialization.load_pem_private_key(pem, None)

    async def main() -> None:
        counter = _Count()
        subs = [await _connect(port, key, counter, KEYS["watcher"]) for _ in range(count)]  # type: ignore[arg-type]
        for n, sub in enumerate(subs):
            await _subscribe(sub, n + 1, {"channels": ["orderbook_delta"], "market_tickers": markets})
        report.put(("ready", count))
        while not stop.is_set():
            await asyncio.sleep(1)
            report.put(("count", counter.count))
            counter.count = 0
        for sub in subs:
            if sub.transport is not None:
                sub.transport.close()

    asyncio.run(main())


def run(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        private_pem, public = signed_load.new_key_pair(Path(tmp))
        markets = tickers(args.markets)
        signer = signed_load.Signer(private_pem)
        began = time.perf_counter()
        file = Path(tmp) / "orders.tsv"
        total = signer.write(orders(markets, int(args.rate * args.seconds)), file)
        signer.close()
        print(f"{total} orders signed in {time.perf_counter() - began:.0f} s")
        window = int(args.seconds * 3 + 600)
        proc = harness.start_server(f"{tmp}/bench.db", args.port, "--no-demo", "--rate-limits", "off",
                                    "--admin-token", TOKEN, "--signature-window", str(window))
        try:
            base = f"http://127.0.0.1:{args.port}"
            harness.admin_call(base, TOKEN, "POST", "/scenario", scenario(args.markets, public))
            report, stop = multiprocessing.Queue(), multiprocessing.Event()
            per = args.subscribers // args.client_processes
            workers = [
                multiprocessing.Process(target=subscribers, args=(args.port, private_pem.read_bytes(), per, markets,
                                                                  report, stop))
                for _ in range(args.client_processes)
            ]
            for worker in workers:
                worker.start()
            ready = 0
            while ready < per * args.client_processes:
                kind, n = report.get(timeout=300)
                ready += n if kind == "ready" else 0
            time.sleep(2)  # snapshots delivered
            while not report.empty():
                report.get()
            rss_start = _rss_kb(proc.pid)
            delivered, samples, result = 0, [], []
            driver = threading.Thread(target=lambda: result.append(
                signed_load.send(base, file, args.seconds + 5, args.connections, args.rate)))
            started = time.perf_counter()
            driver.start()
            next_sample = started
            while driver.is_alive():
                time.sleep(0.2)
                while not report.empty():
                    kind, n = report.get()
                    delivered += n if kind == "count" else 0
                if time.perf_counter() >= next_sample:
                    samples.append((round(time.perf_counter() - started), _rss_kb(proc.pid) // 1024))
                    next_sample += args.seconds / 6
            elapsed = time.perf_counter() - started
            time.sleep(2)
            while not report.empty():
                kind, n = report.get()
                delivered += n if kind == "count" else 0
            stop.set()
            for worker in workers:
                worker.join(10)
                if worker.is_alive():
                    worker.terminate()
            sent = result[0] if result else None
            window_s = sent.window_s if sent and sent.window_s else elapsed
            print(f"{args.markets} markets, {args.subscribers} subscribers, target {args.rate} orders/s, "
                  f"{args.seconds:.0f} s: {signed_load.describe(sent) if sent else 'driver failed'}")
            print(f"deliveries received: {delivered} in {window_s:.1f} s = {delivered / window_s:.0f}/s "
                  f"(expected {sent.answered * args.subscribers if sent else 0}: one per order and subscriber)")
            print(f"server memory (MiB) at seconds: {samples}; start {rss_start // 1024}, "
                  f"end {_rss_kb(proc.pid) // 1024}")
        finally:
            harness.stop(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markets", type=int, default=100)
    parser.add_argument("--subscribers", type=int, default=200)
    parser.add_argument("--rate", type=int, default=1000, help="orders per second to aim at")
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--connections", type=int, default=16, help="wrk connections sending the orders")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
