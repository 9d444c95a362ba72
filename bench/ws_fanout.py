"""WebSocket fan-out: (1) N subscribers to one market's orderbook_delta, from each order's REST
acknowledgement until every subscriber has its delta (median, p99); (2) the server's memory per
idle connection and per subscription (VmRSS differences).

    python bench/ws_fanout.py [--subscribers 1000] [--orders 200] [--port 8765]

The subscribers run in this process (one asyncio loop, raw sockets: see _Subscriber) and share
the 2 cores with the server, so the latency includes their own reading.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402

TOKEN = "bench-token"
TICKER = "KXWSB-1-A"
PATH = "/trade-api/ws/v2"


def _sign(key, method: str, path: str, key_id: str = "bench-key") -> dict[str, str]:
    stamp = str(int(time.time() * 1000))
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
    signature = base64.b64encode(key.sign((stamp + method + path).encode(), pss, hashes.SHA256())).decode()
    return {"KALSHI-ACCESS-KEY": key_id, "KALSHI-ACCESS-TIMESTAMP": stamp, "KALSHI-ACCESS-SIGNATURE": signature}


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class _Subscriber(asyncio.Protocol):
    """One subscriber on a raw socket: the handshake by hand, then server frames parsed in
    data_received (unmasked, RFC 6455 5.2) with no task or future per message. The websockets
    library spent ~30 us of this process's loop on each message (a recv future, a task per
    wait): with 1,000 subscribers that is ~30 ms of reading per order, which measured the
    client instead of the server's fan-out."""

    def __init__(self, request: bytes, hub: _Hub) -> None:
        self.request, self.hub = request, hub
        self.buffer = bytearray()
        self.upgraded: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.snapshot: asyncio.Future[None] | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        buffer = self.buffer
        buffer += data
        if not self.upgraded.done():
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            status = bytes(buffer[:end]).split(b"\r\n", 1)[0]
            if b" 101 " not in status:
                self.upgraded.set_exception(RuntimeError(f"handshake refused: {status!r}"))
                return
            del buffer[: end + 4]
            self.upgraded.set_result(None)
        while len(buffer) >= 2:
            opcode, size, at = buffer[0] & 0x0F, buffer[1] & 0x7F, 2
            if size == 126:
                if len(buffer) < 4:
                    return
                size, at = int.from_bytes(buffer[2:4], "big"), 4
            elif size == 127:
                if len(buffer) < 10:
                    return
                size, at = int.from_bytes(buffer[2:10], "big"), 10
            if len(buffer) < at + size:
                return
            payload = bytes(buffer[at : at + size])
            del buffer[: at + size]
            if opcode == 0x1:
                self._text(payload)
            elif opcode == 0x9:  # the server's heartbeat: answer it or be closed
                self.send(payload, 0xA)

    def _text(self, payload: bytes) -> None:
        if b'"orderbook_delta"' in payload:
            self.hub.arrived()
        elif b'"orderbook_snapshot"' in payload and self.snapshot is not None and not self.snapshot.done():
            self.snapshot.set_result(None)

    def send(self, payload: bytes, opcode: int = 0x1) -> None:
        """A masked client frame (RFC 6455 5.3), payload under 64 KiB."""
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        size = len(payload)
        if size < 126:
            head = bytes((0x80 | opcode, 0x80 | size))
        else:
            head = bytes((0x80 | opcode, 0xFE)) + size.to_bytes(2, "big")
        assert self.transport is not None
        self.transport.write(head + mask + masked)


class _Hub:
    """Counts one order's deltas across every subscriber; `done` resolves at the last one."""

    def __init__(self) -> None:
        self.expected, self.count, self.last = 0, 0, 0.0
        self.done: asyncio.Future[None] | None = None

    def expect(self, n: int) -> asyncio.Future[None]:
        self.expected, self.count = n, 0
        self.done = asyncio.get_running_loop().create_future()
        return self.done

    def arrived(self) -> None:
        self.count += 1
        if self.count == self.expected and self.done is not None:
            self.last = time.perf_counter()
            self.done.set_result(None)


async def _connect(port: int, key, hub: _Hub, key_id: str = "bench-key") -> _Subscriber:
    headers = _sign(key, "GET", PATH, key_id) | {
        "Host": f"127.0.0.1:{port}",
        "Upgrade": "websocket",
        "Connection": "Upgrade",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
        "Sec-WebSocket-Version": "13",
    }
    request = f"GET {PATH} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    loop = asyncio.get_running_loop()
    _, sub = await loop.create_connection(lambda: _Subscriber(request.encode(), hub), "127.0.0.1", port)
    await sub.upgraded
    return sub


async def _subscribe(sub: _Subscriber, ident: int, params: dict | None = None) -> None:
    """Subscribes to orderbook_delta (one market unless `params` say otherwise); returns at the first snapshot."""
    params = params or {"channels": ["orderbook_delta"], "market_ticker": TICKER}
    command = {"id": ident, "cmd": "subscribe", "params": params}
    sub.snapshot = asyncio.get_running_loop().create_future()
    sub.send(json.dumps(command, separators=(",", ":")).encode())
    await sub.snapshot


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
            hub = _Hub()
            before = _rss_kb(proc.pid)
            clients = [await _connect(args.port, key, hub) for _ in range(args.subscribers)]
            idle = _rss_kb(proc.pid)
            for n, ws in enumerate(clients):
                await _subscribe(ws, n + 1)
            subscribed = _rss_kb(proc.pid)
            print(f"memory: {(idle - before) / args.subscribers:.1f} KiB per idle connection, "
                  f"{(subscribed - idle) / args.subscribers:.1f} KiB per orderbook subscription "
                  f"({args.subscribers} connections)")
            latencies, whole = await _latencies(base, key, hub, len(clients), args.orders)
            print(f"{args.subscribers} subscribers, {args.orders} orders: REST ack to all-have-the-delta "
                  f"{_summary(latencies)}")
            print(f"  (POST sent to all-have-the-delta: {_summary(whole)}; below zero above: every "
                  f"delta was out before the REST answer)")
            for sub in clients:
                assert sub.transport is not None
                sub.transport.close()
        finally:
            harness.stop(proc)


async def _latencies(base: str, key, hub: _Hub, subscribers: int, orders: int) -> tuple[list[float], list[float]]:
    """Per order: REST acknowledgement -> last subscriber's delta (ms; below zero when every
    delta beat the REST answer), and POST sent -> last delta."""
    out: list[float] = []
    whole: list[float] = []
    async with httpx.AsyncClient(base_url=base + "/trade-api/v2", timeout=30) as http:
        for n in range(orders):
            body = {"ticker": TICKER, "side": "bid", "count": "1", "price": f"0.{1 + n % 90:02d}00"}
            path = "/trade-api/v2/portfolio/events/orders"
            done = hub.expect(subscribers)
            sent = time.perf_counter()
            response = await http.post("/portfolio/events/orders", json=body, headers=_sign(key, "POST", path))
            acked = time.perf_counter()
            assert response.status_code == 201, response.text
            await done
            out.append((hub.last - acked) * 1000)
            whole.append((hub.last - sent) * 1000)
    return out, whole


def _summary(values: list[float]) -> str:
    values = sorted(values)
    p99 = values[max(0, int(len(values) * 0.99) - 1)]
    return f"median {statistics.median(values):.2f} ms, p99 {p99:.2f} ms, max {values[-1]:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=1000)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--port", type=int, default=8765)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
