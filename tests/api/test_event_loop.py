"""Nothing waits on the event loop: while another process holds SQLite's write lock,
reads still answer at once and a write waits on its own thread."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import httpx
import pytest

from ..client import ApiClient
from ..conftest import new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import DEMO

HOLD_S = 3
FAST_S = 0.05
# Holds the write lock (BEGIN IMMEDIATE) from another process, as `kalshi-local load` would.
_HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


@pytest.fixture
def sqlite_server(request):
    server = start_server(new_database_url(request, "sqlite"))
    yield server
    server.stop()


def _hold_lock(server) -> subprocess.Popen:
    path = server.services.engine.url.database
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, path, str(HOLD_S)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "locked"
    return holder


def _timed(call) -> tuple[float, httpx.Response]:
    start = time.perf_counter()
    response = call()
    return time.perf_counter() - start, response


def _signed(path: str) -> dict[str, str]:
    # Signed ahead: loading the private key and signing take longer than the server's answer.
    return DEMO.headers("GET", "/trade-api/v2" + path)


def test_reads_answer_at_once_while_another_process_holds_the_write_lock(sqlite_server):
    admin = httpx.Client(base_url=sqlite_server.url + "/admin/v1", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    written: list[httpx.Response] = []
    with ApiClient(sqlite_server.api) as public:
        calls = (
            lambda: public.get("/exchange/user_data_timestamp"),
            lambda: public.get("/milestones", params={"limit": 5}),
            lambda: public.get("/markets", params={"limit": 5}),
            lambda: public.get("/portfolio/balance", headers=headers["balance"]),
            lambda: public.get("/api_keys", headers=headers["keys"]),
        )
        headers = {"balance": _signed("/portfolio/balance"), "keys": _signed("/api_keys")}
        for call in calls:  # warm: connections opened, response schemas compiled
            call()
        headers = {"balance": _signed("/portfolio/balance"), "keys": _signed("/api_keys")}
        holder = _hold_lock(sqlite_server)
        writer = threading.Thread(
            target=lambda: written.append(admin.put("/series/KXLOCK", json={"title": "t", "category": "c"}))
        )
        writer.start()
        try:
            for call in calls:
                elapsed, response = _timed(call)
                assert response.status_code == 200, response.text
                assert elapsed < FAST_S, f"{response.request.url.path} took {elapsed * 1000:.0f} ms under the lock"
            assert writer.is_alive()  # still waiting for the lock, on its own thread
        finally:
            holder.wait(timeout=HOLD_S + 10)
            writer.join(timeout=30)
    admin.close()
    assert written[0].status_code == 200, written[0].text
    assert public_series(sqlite_server) == "KXLOCK"


def public_series(server) -> str:
    with ApiClient(server.api) as client:
        return client.get("/series/KXLOCK", expect=200).json()["series"]["ticker"]


def test_an_api_key_write_under_the_lock_waits_without_blocking_reads(sqlite_server):
    with ApiClient(sqlite_server.api) as public, ApiClient(sqlite_server.api, DEMO) as signed:
        public.get("/milestones", params={"limit": 5}, expect=200)  # warm
        holder = _hold_lock(sqlite_server)
        created: list[httpx.Response] = []
        generate = threading.Thread(
            target=lambda: created.append(signed.request("POST", "/api_keys/generate", json={"name": "under lock"}))
        )
        generate.start()
        try:
            elapsed, response = _timed(lambda: public.get("/milestones", params={"limit": 5}))
            assert response.status_code == 200 and elapsed < FAST_S
        finally:
            holder.wait(timeout=HOLD_S + 10)
            generate.join(timeout=30)
    assert created[0].status_code == 201, created[0].text
