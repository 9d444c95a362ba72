"""`kalshi-local clock show|set|advance`: the store keeps the manual clock's time, a move fires the
timers due on the way (a market closes), and a running server's clock is moved through its admin API."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from kalshi_local.store import db, schema

from .servers import start_server

CLI = str(Path(sys.executable).parent / "kalshi-local")
SCENARIO = """
series: [{ticker: KXCLK, title: Clock, category: Economics}]
events:
  - event_ticker: KXCLK-1
    series_ticker: KXCLK
    title: Clock event
    markets:
      - {ticker: KXCLK-1-A, open_time: "2029-12-31T00:00:00Z", close_time: "2030-01-01T00:30:00Z"}
"""


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120)


def status(database: Path, ticker: str) -> str:
    engine = db.open_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            return conn.execute(select(schema.markets.c.status).where(schema.markets.c.ticker == ticker)).scalar_one()
    finally:
        engine.dispose()


def test_the_clock_moves_forward_in_the_store_and_fires_the_timers_on_the_way(tmp_path):
    database = tmp_path / "store.db"
    shown = run("clock", "show", "--db", str(database))
    assert shown.returncode == 0 and shown.stdout.startswith("real clock"), shown.stderr
    moved = run("clock", "set", "2030-01-01T00:00:00Z", "--db", str(database))
    assert moved.returncode == 0 and moved.stdout.splitlines()[-1] == "2030-01-01T00:00:00Z", moved.stderr
    (tmp_path / "clock.yaml").write_text(SCENARIO)
    assert run("load", str(tmp_path / "clock.yaml"), "--db", str(database)).returncode == 0
    assert status(database, "KXCLK-1-A") == "active"
    moved = run("clock", "advance", "3600", "--db", str(database))
    assert moved.returncode == 0 and moved.stdout.splitlines()[-1] == "2030-01-01T01:00:00Z", moved.stderr
    assert status(database, "KXCLK-1-A") == "closed"  # the close fired on the way
    shown = run("clock", "show", "--db", str(database))
    assert shown.stdout.splitlines() == [f"manual clock (store: {database})", "2030-01-01T01:00:00Z"]
    back = run("clock", "set", "2029-01-01T00:00:00Z", "--db", str(database))
    assert back.returncode == 1 and back.stderr.strip() == "error: the manual clock never moves backwards"


def test_a_server_on_the_store_owns_its_clock(tmp_path):
    database = tmp_path / "store.db"
    server = start_server(f"sqlite:///{database}", load_demo=False)
    try:
        refused = run("clock", "advance", "60", "--db", str(database))
        assert refused.returncode == 1
        line = refused.stderr.strip()
        assert line.startswith("error: a kalshi-local server (pid ") and line.endswith(
            "is running on this store and owns its clock: move it through its admin API (POST /admin/v1/clock),"
            " or stop it"
        )
        assert "balance" not in line and "deposit" not in line
        assert run("clock", "show", "--db", str(database)).stdout.startswith("manual clock")
    finally:
        server.stop()
