"""A write that waits too long for another writer's lock is a 409 (admin API) or one line and
exit 1 (CLI), with nothing written: PostgreSQL with a short lock_timeout, the lock held by
a second connection (SQLite waits its busy timeout, 30 s, which a test cannot afford)."""

from __future__ import annotations

import contextlib
import subprocess

import psycopg
import pytest

from ..client import AdminClient
from ..servers import ADMIN_TOKEN, start_server
from ..test_cli import CLI


@pytest.fixture
def pg_url(pg_cluster) -> str:
    url = pg_cluster.new_database()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {name} SET lock_timeout = '300ms'")
    return url


@contextlib.contextmanager
def locked(url: str, table: str):
    """Holds a lock that blocks writes to `table` (reads go on) until the block ends."""
    with psycopg.connect(url) as conn:
        conn.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        yield
        conn.rollback()


def _count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_scenario_load_that_waits_out_a_lock_is_a_409_and_writes_nothing(pg_url):
    server = start_server(pg_url, load_demo=False)
    admin = AdminClient(server.url, ADMIN_TOKEN)
    try:
        scenario = {
            "series": [{"ticker": "KXLOCK", "title": "Locked", "category": "Economics"}],
            "exchange": {"trading_active": False},
        }
        with locked(pg_url, "exchange_state"):
            body = admin.request("POST", "/scenario", scenario, expect=409)
        assert body["code"] == "conflict"
        assert "another write got in the way" in body["message"] and "try again" in body["message"]
        assert _count(pg_url, "series") == 0  # the series written before the lock wait is rolled back
        assert admin.request("POST", "/scenario", scenario)["loaded"]["series"] == 1  # and then it goes through
    finally:
        admin.close()
        server.stop()


def test_a_reset_that_waits_out_a_lock_is_a_409(pg_url):
    server = start_server(pg_url, load_demo=False)
    admin = AdminClient(server.url, ADMIN_TOKEN)
    try:
        with locked(pg_url, "series"):
            body = admin.request("POST", "/reset", {"demo": True}, expect=409)
        assert body["code"] == "conflict"
        assert _count(pg_url, "events") == 0
    finally:
        admin.close()
        server.stop()


def test_cli_writes_that_wait_out_a_lock_say_so_in_one_line(pg_url, tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text("series:\n  - {ticker: KXLOCK, title: Locked, category: Economics}\n")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([CLI, *args, "--database-url", pg_url], capture_output=True, text=True, timeout=60)

    assert run("users", "create", "bob").returncode == 0  # creates the schema
    with locked(pg_url, "users"):
        created = run("users", "create", "alice")
    with locked(pg_url, "series"):
        loaded = run("load", str(scenario))
    assert created.returncode == 1 and created.stderr.count("\n") == 1, created.stderr
    assert created.stderr.startswith("error: another write got in the way:")
    assert "nothing was written, try again" in created.stderr
    assert loaded.returncode == 1 and loaded.stderr.count("\n") == 1, loaded.stderr
    assert loaded.stderr.startswith("error: another write got in the way:") and "(nothing was loaded)" in loaded.stderr
    assert _count(pg_url, "users") == 1 and _count(pg_url, "series") == 0
