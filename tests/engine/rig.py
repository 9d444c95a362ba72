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


# A server process with its imports done, waiting for its command line on stdin: a
# restart then takes a fraction of a second instead of the imports' second or two.
_STANDBY = (
    "import json, sys\n"
    "import uvicorn\n"
    "from kalshi_local import app, cli, services\n"
    "sys.argv = ['kalshi-local', *json.loads(sys.stdin.readline())]\n"
    "cli.main()\n"
)


class ServerProcess:
    """`kalshi-local serve` on `store` (a SQLite path or a database URL), its log in `log`."""

    def __init__(self, store: str, log: Path) -> None:
        self.store = store
        self.log = log
        self.proc: subprocess.Popen | None = None
        self._standby: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> None:
        """Starts the server and waits until it answers."""
        port = free_port()
        where = ["--database-url", self.store] if "://" in self.store else ["--db", self.store]
        args = ["serve", *where, "--port", str(port), "--clock", "manual", "--admin-token", ADMIN_TOKEN,
                "--no-demo", "--rate-limits", "off"]  # fmt: skip
        self.proc, self._standby = self._standby or self._spawn(), None
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(args) + "\n")
        self.proc.stdin.close()
        self.url = f"http://127.0.0.1:{port}"
        self._wait_until_up()
        self._standby = self._spawn()

    def _spawn(self) -> subprocess.Popen:
        with self.log.open("a") as log:
            return subprocess.Popen([sys.executable, "-c", _STANDBY], stdin=subprocess.PIPE, stdout=log, stderr=log,
                                    text=True, env=os.environ)  # fmt: skip

    def _wait_until_up(self) -> None:
        assert self.proc is not None
        deadline = time.monotonic() + 60  # a loaded machine: several servers start at once
        while True:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                if httpx.get(self.url + "/trade-api/v2/exchange/status", timeout=10).status_code == 200:
                    return
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
            time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, whatever is in flight is lost."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        for proc in (self.proc, self._standby):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                proc.wait(timeout=10)


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
