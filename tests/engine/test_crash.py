"""Crash test: a real server process flooded with signed V2 orders from several clients is
killed with SIGKILL at a seeded moment, and restarted on the same store, again and again.

After every kill: each acknowledged order is in the store and served by the restarted
server; the rows agree with each other (no fill without its order, no trade without its two
fills, balances and positions equal to what the fills say, money conserved); and the venue
the engine rebuilds at start-up equals a replay of every stored order from scratch.
"""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select

from kalshi_local.store import db
from kalshi_local.store.schema import orders

from ..client import ApiClient
from . import ledger
from .rig import ServerProcess, Trader, flood, prepare_store

SEEDS = list(range(20))
THREADS = 4
BALANCES = {"ann": 5_000_000, "ben": 5_000_000, "cy": 5_000_000, "poor": 500}  # cents; "poor" gets refusals


def crash_rounds(store: str, url: str, log, seeds: list[int]) -> None:
    traders = prepare_store(url, BALANCES)
    server = ServerProcess(store, log)
    db_engine = db.open_engine(db.database_url(url=url))
    acked: list[str] = []
    try:
        server.start()
        for seed in seeds:
            target = random.Random(seed).randint(10, 80)  # acknowledged orders before the kill
            flooders = flood(server.url, traders, seed, THREADS, target, server.kill)
            refused = {status for f in flooders for status in f.refused}
            assert refused <= {400}, f"seed {seed}: answers other than 201 and 400: {refused}"
            acked += [order_id for f in flooders for order_id in f.acked]
            server.start()
            _check_after_restart(server.url, db_engine, traders, flooders, acked, seed)
        totals = ledger.check_rows(db_engine)
        assert totals["trades"] > totals["orders"] // 5, totals  # a good part of the flow crossed
        assert "Traceback" not in log.read_text()
    finally:
        server.stop()
        db_engine.dispose()


def _check_after_restart(url: str, db_engine, traders: list[Trader], flooders, acked: list[str], seed: int) -> None:
    with db_engine.connect() as conn:
        stored = set(conn.execute(select(orders.c.order_id)).scalars())
        now = conn.execute(select(func.max(orders.c.created_us))).scalar_one()
    missing = [order_id for order_id in acked if order_id not in stored]
    assert not missing, f"seed {seed}: {len(missing)} acknowledged orders lost, e.g. {missing[:3]}"
    ledger.check_rows(db_engine)
    rebuilt, _ = ledger.rebuilt_state(db_engine, now)
    replayed, _ = ledger.replayed_state(db_engine, now)
    assert rebuilt == replayed, f"seed {seed}: the rebuilt venue differs from a replay of the store"
    for flooder in flooders:  # the newest acknowledged order of each client, through the restarted server
        if flooder.acked:
            with ApiClient(url + "/trade-api/v2", flooder.trader.signer) as api:
                order = api.ok(f"/portfolio/orders/{flooder.acked[-1]}")["order"]
                assert order["order_id"] == flooder.acked[-1]


def test_sigkill_during_an_order_flood_loses_no_acknowledged_order_sqlite(tmp_path):
    path = tmp_path / "crash.db"
    crash_rounds(str(path), f"sqlite:///{path}", tmp_path / "server.log", SEEDS)


@pytest.mark.parametrize("backend", ["postgresql"])
def test_sigkill_during_an_order_flood_loses_no_acknowledged_order_postgresql(request, tmp_path, backend):
    url = request.getfixturevalue("pg_cluster").new_database()
    crash_rounds(url, url, tmp_path / "server.log", SEEDS[:3])
