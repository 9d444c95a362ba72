"""Sustained WebSocket load: M markets, S subscribers to every market's orderbook_delta, orders
placed over REST at a target rate; messages delivered per second (counted by the subscribers)
and the server's memory (VmRSS) over the run.

    python bench/ws_sustained.py [--markets 100] [--subscribers 200] [--rate 1000] [--seconds 120]

Subscribers run in --client-processes processes; the order driver signs every request (RSA-PSS)
in this process. All share the machine's cores with the server, so on 2 cores the rates reached
are bounded by the clients as much as by the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from ws_fanout import PATH, TOKEN, _rss_kb, _sign  # noqa: E402


def tickers(markets: int) -> list[str]:
    return [f"KXWSS-1-M{n}" for n in range(markets)]


def scenario(markets: int, public: str) -> dict:
    base = harness.trading_scenario("KXWSS-1-M0", public, {"bench": "bench-key"}, "100000000.00")
    base["events"][0]["markets"] = [
        {**base["events"][0]["markets"][0], "ticker": ticker} for ticker in tickers(markets)
    ]
    return base


def subscribers(url: str, pem: bytes, count: int, markets: list[str], report, stop) -> None:
    key = serialization.load_pem_private_key(pem, None)

    async def one(n: int, counter: list[int]) -> None:
        async with websockets.connect(url, additional_headers=_sign(key, "GET", PATH), max_queue=None,
                                      compression=None) as ws:
            params = {"channels": ["orderbook_delta"], "market_tickers": markets}
            await ws.send(json.dumps({"id": 1, "cmd": "subscribe", "params": params}))
            report.put(("ready", 1))
            async for _ in ws:
                counter[0] += 1

    async def main() -> None:
        counter = [0]
        tasks = [asyncio.ensure_future(one(n, counter)) for n in range(count)]
        while not stop.is_set():
            await asyncio.sleep(1)
            report.put(("count", counter[0]))
            counter[0] = 0
        for task in tasks:
            task.cancel()

    asyncio.run(main())


async def drive(base: str, key, markets: list[str], rate: int, seconds: float, placed: list[int]) -> None:
    path = "/trade-api/v2/portfolio/events/orders"
    rng = random.Random(7)
    failures: list[str] = []
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=16)) as http:
        async def one() -> None:
            bid = rng.random() < 0.5
            price = rng.randint(1, 45) if bid else rng.randint(55, 99)
            body = {"ticker": rng.choice(markets), "side": "bid" if bid else "ask", "count": "1",
                    "price": f"0.{price:02d}00"}
            response = await http.post(path, json=body, headers=_sign(key, "POST", path))
            if response.status_code == 201:
                placed[0] += 1
            elif not failures:
                failures.append(f"{response.status_code} {response.text[:200]}")

        start, sent, pending = time.perf_counter(), 0, set()
        while (elapsed := time.perf_counter() - start) < seconds:
            due = int(elapsed * rate) - sent
            for _ in range(min(due, 64)):
                pending.add(asyncio.ensure_future(one()))
                sent += 1
            pending = {t for t in pending if not t.done()}
            await asyncio.sleep(0.005 if len(pending) < 64 else 0.02)
        await asyncio.gather(*pending)
    if failures:
        print(f"refused orders, the first: {failures[0]}")


def run(args) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    markets = tickers(args.markets)
    with tempfile.TemporaryDirectory() as tmp:
        proc = harness.start_server(
            f"{tmp}/bench.db", args.port, "--no-demo", "--rate-limits", "off", "--admin-token", TOKEN
        )
        try:
            base = f"http://127.0.0.1:{args.port}"
            harness.admin_call(base, TOKEN, "POST", "/scenario", scenario(args.markets, public.decode()))
            url = f"ws://127.0.0.1:{args.port}{PATH}"
            report, stop = multiprocessing.Queue(), multiprocessing.Event()
            per = args.subscribers // args.client_processes
            workers = [
                multiprocessing.Process(target=subscribers, args=(url, pem, per, markets, report, stop))
                for _ in range(args.client_processes)
            ]
            for worker in workers:
                worker.start()
            ready = 0
            while ready < per * args.client_processes:
                kind, n = report.get(timeout=120)
                ready += n if kind == "ready" else 0
            time.sleep(2)  # snapshots delivered
            while not report.empty():
                report.get()
            rss_start = _rss_kb(proc.pid)
            placed = [0]
            delivered, samples = 0, []
            loop = asyncio.new_event_loop()
            driver = loop.run_in_executor(None, lambda: asyncio.run(
                drive(base, key, markets, args.rate, args.seconds, placed)))
            started = time.perf_counter()
            next_sample = started
            while not driver.done():
                loop.run_until_complete(asyncio.sleep(0.2))
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
            print(f"{args.markets} markets, {args.subscribers} subscribers, target {args.rate} orders/s, "
                  f"{args.seconds:.0f} s: {placed[0] / elapsed:.0f} orders/s placed, "
                  f"{delivered / elapsed:.0f} deliveries/s received")
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
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
