"""Orders while another process holds the SQLite write lock: a real server process keeps
answering reads at once, and the orders sent meanwhile are acknowledged only once their
batch could be written after the lock was released (or fail with Kalshi's error body,
never a 500)."""

from __future__ import annotations

import sqlite3
import threading
import time

import httpx
from sqlalchemy import select

from kalshi_local.store import db
from kalshi_local.store.schema import orders

from .. import spec
from ..client import assert_error_body
from .rig import CREATE_PATH, MARKETS, ServerProcess, Trader, prepare_store

HOLD_S = 3.0  # how long the other process keeps the write lock (issue 8)
READ_LIMIT_S = 0.5  # a read waiting on the lock would take the rest of HOLD_S; a loaded CI box takes 50 ms
API = "/trade-api/v2"


def _order(trader: Trader, url: str, body: dict, answers: list) -> None:
    with httpx.Client(base_url=url, timeout=60) as http:
        response = http.post(CREATE_PATH, json=body, headers=trader.sign("POST", CREATE_PATH))
    answers.append((time.monotonic(), response.status_code, response.json()))


def _timed_get(http: httpx.Client, trader: Trader | None, path: str) -> float:
    headers = trader.sign("GET", API + path.split("?")[0]) if trader else {}
    began = time.perf_counter()
    response = http.get(API + path, headers=headers)
    took = time.perf_counter() - began
    assert response.status_code == 200, (path, response.status_code, response.text)
    spec.validate("GET", API + path.split("?")[0], 200, response.json())
    return took


def test_reads_answer_and_orders_wait_while_another_process_holds_the_write_lock(tmp_path):
    path = tmp_path / "lock.db"
    ann, ben = prepare_store(f"sqlite:///{path}", {"ann": 100_000, "ben": 100_000})
    server = ServerProcess(str(path), tmp_path / "server.log")
    try:
        server.start()
        with httpx.Client(base_url=server.url, timeout=10) as http:
            resting = http.post(CREATE_PATH, json=_body("bid", "0.40"), headers=ann.sign("POST", CREATE_PATH))
            assert resting.status_code == 201, resting.text
            order_id = resting.json()["order_id"]
            reads = [
                (None, "/exchange/status"),
                (None, f"/markets/{MARKETS[0]}/orderbook"),
                (None, "/markets?limit=5"),
                (ann, f"/portfolio/orders/{order_id}"),
                (ann, "/portfolio/orders"),
                (ann, "/portfolio/balance"),
                (ann, "/portfolio/positions"),
            ]
            for trader, read in reads:  # warm: first requests build caches and connections
                _timed_get(http, trader, read)

            holder = sqlite3.connect(path, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")  # the write lock, as `kalshi-local load` would take it
            locked_at = time.monotonic()
            answers: list = []
            senders = [
                threading.Thread(target=_order, args=(trader, server.url, _body(side, price), answers))
                for trader, side, price in ((ann, "bid", "0.55"), (ben, "ask", "0.55"), (ben, "ask", "0.60"))
            ]
            for sender in senders:
                sender.start()
            slow = []
            while time.monotonic() - locked_at < HOLD_S:
                for trader, read in reads:
                    took = _timed_get(http, trader, read)
                    if took > READ_LIMIT_S:
                        slow.append((read, round(took * 1000)))
                time.sleep(0.05)  # a client polling, not a benchmark
            assert answers == [], "an order was acknowledged while its batch could not be written"
            holder.execute("COMMIT")
            released_at = time.monotonic()
            holder.close()
            for sender in senders:
                sender.join(timeout=60)
        assert not slow, f"{len(slow)} reads slower than {READ_LIMIT_S} s while the lock was held, e.g. {slow[:5]}"
        assert len(answers) == 3
        for answered_at, status, body in answers:
            assert status in (201, 503), (status, body)
            assert answered_at >= released_at
            if status == 503:
                assert_error_body(body)
        acknowledged = [body["order_id"] for _, status, body in answers if status == 201]
        engine = db.open_engine(f"sqlite:///{path}")
        try:
            with engine.connect() as conn:
                stored = set(conn.execute(select(orders.c.order_id)).scalars())
        finally:
            engine.dispose()
        assert set(acknowledged) <= stored and order_id in stored
        assert "Traceback" not in (tmp_path / "server.log").read_text()
    finally:
        server.stop()


def _body(side: str, price: str) -> dict:
    return {
        "ticker": MARKETS[0],
        "side": side,
        "price": price,
        "count": "2",
        "time_in_force": "good_till_canceled",
        "self_trade_prevention_type": "taker_at_cross",
    }
