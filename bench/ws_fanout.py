"""WebSocket fan-out: (1) N subscribers to one market's orderbook_delta, from each order's REST
acknowledgement until every subscriber has its delta (median, p99); (2) the server's memory per
idle connection and per subscription (VmRSS differences).

    python bench/ws_fanout.py [--subscribers 1000] [--orders 200] [--port 8765]

The subscribers run in this process (one asyncio loop) and share the 2 cores with the server,
so the latency includes their own reading.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
import websockets
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

TOKEN = "bench-token"
TICKER = "KXWSB-1-A"
PATH = "/trade-api/ws/v2"


def _sign(key, method: str, path: str) -> dict[str, str]:
    stamp = str(int(time.time() * 1000))
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
    signature = base64.b64encode(key.sign((stamp + method + path).encode(), pss, hashes.SHA256())).decode()
    return {"KALSHI-ACCESS-KEY": "bench-key", "KALSHI-ACCESS-TIMESTAMP": stamp, "KALSHI-ACCESS-SIGNATURE": signature}


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _connect(url: str, key) -> websockets.ClientConnection:
    return await websockets.connect(url, additional_headers=_sign(key, "GET", PATH), max_queue=None)


async def _subscribe(ws, ident: int) -> None:
    command = {"id": ident, "cmd": "subscribe", "params": {"channels": ["orderbook_delta"], "market_ticker": TICKER}}
    await ws.send(json.dumps(command))
    while json.loads(await ws.recv())["type"] != "orderbook_snapshot":
        pass


async def run(args) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    with tempfile.TemporaryDirectory() as tmp:
        proc = harness.start_server(
            f"{tmp}/bench.db", args.port, "--no-demo", "--rate-limits", "off", "--admin-token", TOKEN
        )
        try:
            base = f"http://127.0.0.1:{args.port}"
            scenario = harness.trading_scenario(TICKER, public.decode(), {"bench": "bench-key"}, "1000000.00")
            harness.admin_call(base, TOKEN, "POST", "/scenario", scenario)
            url = f"ws://127.0.0.1:{args.port}{PATH}"
            before = _rss_kb(proc.pid)
            clients = [await _connect(url, key) for _ in range(args.subscribers)]
            idle = _rss_kb(proc.pid)
            for n, ws in enumerate(clients):
                await _subscribe(ws, n + 1)
            subscribed = _rss_kb(proc.pid)
            print(f"memory: {(idle - before) / args.subscribers:.1f} KiB per idle connection, "
                  f"{(subscribed - idle) / args.subscribers:.1f} KiB per orderbook subscription "
                  f"({args.subscribers} connections)")
            latencies = await _latencies(base, key, clients, args.orders)
            latencies.sort()
            p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
            print(f"{args.subscribers} subscribers, {args.orders} orders: REST ack to all-have-the-delta "
                  f"median {statistics.median(latencies):.2f} ms, p99 {p99:.2f} ms, max {latencies[-1]:.2f} ms")
            for ws in clients:
                await ws.close()
        finally:
            harness.stop(proc)


async def _latencies(base: str, key, clients, orders: int) -> list[float]:
    out: list[float] = []
    async with httpx.AsyncClient(base_url=base + "/trade-api/v2", timeout=30) as http:
        for n in range(orders):
            body = {"ticker": TICKER, "side": "bid", "count": "1", "price": f"0.{1 + n % 90:02d}00"}
            path = "/trade-api/v2/portfolio/events/orders"
            arrivals = [asyncio.ensure_future(_next_delta(ws)) for ws in clients]
            response = await http.post("/portfolio/events/orders", json=body, headers=_sign(key, "POST", path))
            acked = time.perf_counter()
            assert response.status_code == 201, response.text
            done = await asyncio.gather(*arrivals)
            out.append((max(done) - acked) * 1000)
    return out


async def _next_delta(ws) -> float:
    while True:
        message = await ws.recv()
        if '"orderbook_delta"' in message:
            return time.perf_counter()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--port", type=int, default=8765)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
