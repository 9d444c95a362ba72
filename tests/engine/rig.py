"""A real `kalshi-local serve` process on a store prepared here, and clients that flood it
with signed V2 orders: what the crash and lock tests drive."""

from __future__ import annotations

import base64
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from sqlalchemy import Engine

from kalshi_local.exchange.clock import parse_datetime
from kalshi_local.scenario import loader
from kalshi_local.store import accounts, db

from ..servers import free_port
from ..signing import PSS_DIGEST, Signer, new_private_key

ADMIN_TOKEN = "crash-admin-token"
MARKETS = ("KXCRASH-1-A", "KXCRASH-1-B", "KXCRASH-1-C")
CREATE_PATH = "/trade-api/v2/portfolio/events/orders"
PRIVATE, PUBLIC = new_private_key()
_KEY = serialization.load_pem_private_key(PRIVATE.encode(), password=None)

SCENARIO = {
    "series": [
        {
            "ticker": "KXCRASH",
            "title": "Crash",
            "category": "Test",
            "frequency": "custom",
            "settlement_sources": [],
            "fee_type": "quadratic_with_maker_fees",
        }
    ],
    "events": [
        {
            "event_ticker": "KXCRASH-1",
            "series_ticker": "KXCRASH",
            "title": "Crash event",
            "markets": [
                {"ticker": t, "open_time": "2026-01-01T00:00:00Z", "close_time": "2031-01-01T00:00:00Z", "title": t}
                for t in MARKETS
            ],
        }
    ],
}


@dataclass(frozen=True)
class Trader:
    name: str
    user_seq: int
    signer: Signer
    deposit_cents: int

    def sign(self, method: str, path: str) -> dict[str, str]:
        """Signed headers as `signer.headers` gives them, with the key parsed once (parsing
        validates the RSA key, which costs a loaded machine a few hundred ms)."""
        stamp = str(time.time_ns() // 1_000_000)
        signature = _KEY.sign((stamp + method + path).encode(), PSS_DIGEST, hashes.SHA256())
        return {
            "KALSHI-ACCESS-KEY": self.signer.key_id,
            "KALSHI-ACCESS-TIMESTAMP": stamp,
            "KALSHI-ACCESS-SIGNATURE": base64.b64encode(signature).decode(),
        }


def prepare_store(url: str, balances_cents: dict[str, int]) -> list[Trader]:
    """Schema, three open markets and one user with a key per entry of `balances_cents`."""
    engine = db.open_engine(db.database_url(url=url))
    try:
        db.create_schema(engine)
        now = parse_datetime("2026-06-01T00:00:00Z")
        loader.apply(engine, loader.parse_data(SCENARIO, "crash"), now, "crash")
        return [_trader(engine, name, cents, now) for name, cents in balances_cents.items()]
    finally:
        engine.dispose()


def _trader(engine: Engine, name: str, cents: int, now: int) -> Trader:
    with db.writing(engine) as conn:
        user = accounts.create_user(conn, name, now_us=now, tier="prime", balance_cents=cents)
        key = accounts.add_key(
            conn, user.seq, name=name, public_key=PUBLIC, scopes=None, now_us=now, key_id=f"{name}-k"
        )
    return Trader(name, user.seq, Signer(key.key_id, PRIVATE), cents)


# Forks servers with the imports already done: a restart then costs the app's start-up,
# not a fresh interpreter's second or two of imports. Each line on stdin is a command line
# for `kalshi-local`; the answer is the new server's pid. Children are reaped by the kernel.
_ZYGOTE = """
import json, os, signal, sys
import uvicorn
from kalshi_local import app, cli, services
signal.signal(signal.SIGCHLD, signal.SIG_IGN)
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.dup2(2, 1)
        sys.argv = ["kalshi-local", *json.loads(line)]
        try:
            cli.main()
        except SystemExit as exc:
            os._exit(exc.code if isinstance(exc.code, int) else 1)
        os._exit(0)
    print(pid, flush=True)
"""


class ServerProcess:
    """`kalshi-local serve` on `store` (a SQLite path or a database URL), its log in `log`.
    Each server is forked from one process that imported the package once."""

    def __init__(self, store: str, log: Path) -> None:
        self.store = store
        self.log = log
        self.pid = 0
        self.url = ""
        with log.open("a") as out:
            self._zygote = subprocess.Popen(
                [sys.executable, "-c", _ZYGOTE], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=out, text=True
            )

    def start(self) -> None:
        """Starts a server and waits until it answers."""
        port = free_port()
        where = ["--database-url", self.store] if "://" in self.store else ["--db", self.store]
        args = ["serve", *where, "--port", str(port), "--clock", "manual", "--admin-token", ADMIN_TOKEN,
                "--no-demo", "--rate-limits", "off"]  # fmt: skip
        assert self._zygote.stdin is not None and self._zygote.stdout is not None
        self._zygote.stdin.write(json.dumps(args) + "\n")
        self._zygote.stdin.flush()
        self.pid = int(self._zygote.stdout.readline())
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60  # a loaded machine: several servers start at once
        while True:
            assert self._alive(), self.log.read_text()
            try:
                if httpx.get(self.url + "/trade-api/v2/exchange/status", timeout=10).status_code == 200:
                    return
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
            time.sleep(0.02)

    def _alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, whatever is in flight is lost."""
        os.kill(self.pid, signal.SIGKILL)
        while self._alive():  # until the kernel reaped it
            time.sleep(0.005)

    def stop(self) -> None:
        if self.pid and self._alive():
            os.kill(self.pid, signal.SIGTERM)
            while self._alive():
                time.sleep(0.02)
        if self._zygote.stdin is not None:
            self._zygote.stdin.close()
        self._zygote.wait(timeout=10)


def order_body(rng: random.Random) -> dict:
    """A V2 create around the middle of the book: about half of them cross."""
    side = rng.choice(("bid", "ask"))
    return {
        "ticker": rng.choice(MARKETS),
        "side": side,
        "price": f"0.{rng.randint(45, 55)}",
        "count": str(rng.randint(1, 5)),
        "time_in_force": rng.choice(("good_till_canceled",) * 4 + ("immediate_or_cancel",)),
        "self_trade_prevention_type": rng.choice(("taker_at_cross", "maker")),
        "client_order_id": str(uuid.UUID(int=rng.getrandbits(128))),
    }


@dataclass
class Flooder:
    """One client thread: sends orders until the server goes away or `stop` is set."""

    url: str
    trader: Trader
    seed: int
    stop: threading.Event
    acked: list[str] = field(default_factory=list)  # order ids of 201 answers
    refused: dict[int, int] = field(default_factory=dict)  # status -> how many
    unanswered: int = 0

    def run(self, on_ack) -> None:
        rng = random.Random(self.seed)
        with httpx.Client(base_url=self.url, timeout=10) as http:
            while not self.stop.is_set():
                body = order_body(rng)
                headers = self.trader.sign("POST", CREATE_PATH)
                try:
                    response = http.post(CREATE_PATH, json=body, headers=headers)
                except httpx.HTTPError:
                    self.unanswered += 1  # the server died under it: maybe applied, never acknowledged
                    return
                if response.status_code == 201:
                    self.acked.append(response.json()["order_id"])
                    on_ack()
                else:
                    self.refused[response.status_code] = self.refused.get(response.status_code, 0) + 1


def flood(url: str, traders: list[Trader], seed: int, threads: int, until_acked: int, then) -> list[Flooder]:
    """Runs `threads` flooders (users in turn) until `until_acked` orders were acknowledged
    in all, then calls `then()` (e.g. the SIGKILL) while they keep sending; returns them
    after they stopped."""
    stop = threading.Event()
    reached = threading.Event()
    lock = threading.Lock()
    total = [0]

    def on_ack() -> None:
        with lock:
            total[0] += 1
            if total[0] >= until_acked:
                reached.set()

    flooders = [Flooder(url, traders[i % len(traders)], seed * 100 + i, stop) for i in range(threads)]
    workers = [threading.Thread(target=f.run, args=(on_ack,), daemon=True) for f in flooders]
    for worker in workers:
        worker.start()
    reached.wait(timeout=30)
    then()
    stop.set()
    for worker in workers:
        worker.join(timeout=30)
    assert reached.is_set(), "the flood never reached its target"
    return flooders
