"""Two servers on one store: a `kalshi-local serve` process and the in-process test server.

Concurrent admin writes through both answer 2xx (or a clean 409), never a 5xx.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from kalshi_local.store import db

from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, free_port, start_server

CLI = str(Path(sys.executable).parent / "kalshi-local")
THREADS = 4  # per server
ROUNDS = 25
HEADERS = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(params=BACKENDS)
def two_servers(request):
    url = db.database_url(url=new_database_url(request, request.param))
    local = start_server(url, load_demo=False)
    port = free_port()
    process = subprocess.Popen(
        [CLI, "serve", "--database-url", url, "--port", str(port), "--no-demo", "--clock", "manual",
         "--rate-limits", "off", "--admin-token", ADMIN_TOKEN],
        stdout=subprocess.DEVNULL,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/admin/v1/exchange")
        yield [local.url, f"http://127.0.0.1:{port}"]
    finally:
        process.terminate()
        process.wait(timeout=10)
        local.stop()


def _wait_for(url: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(url, headers=HEADERS, timeout=10).raise_for_status()
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def hammer(bases: list[str], send) -> list[tuple[int, str]]:
    """THREADS threads per server each send ROUNDS requests, in lockstep rounds; returns every 5xx."""
    barrier = threading.Barrier(THREADS * len(bases))
    failures: list[tuple[int, str]] = []

    def run(base: str, who: int) -> None:
        with httpx.Client(base_url=base + "/admin/v1", headers=HEADERS, timeout=60) as http:
            for i in range(ROUNDS):
                barrier.wait(timeout=60)
                response = send(http, who, i)
                if response.status_code >= 500 or response.status_code not in (200, 201, 409):
                    failures.append((response.status_code, response.text))

    threads = [
        threading.Thread(target=run, args=(base, n * THREADS + k)) for n, base in enumerate(bases) for k in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return failures


def test_two_servers_answer_concurrent_exchange_puts_without_5xx(two_servers):
    def put(http: httpx.Client, who: int, _i: int) -> httpx.Response:
        return http.put("/exchange", json={"trading_active": who % 2 == 0})

    assert hammer(two_servers, put) == []
    state = httpx.get(two_servers[1] + "/admin/v1/exchange", headers=HEADERS).json()["exchange"]
    assert state["trading_active"] in (True, False)


def test_two_servers_answer_concurrent_creations_without_5xx(two_servers):
    def create(http: httpx.Client, who: int, i: int) -> httpx.Response:
        kind = i % 4
        if kind == 0:
            return http.put(f"/series/S{i}", json={"title": f"by {who}", "category": "Test"})
        if kind == 1:
            return http.put(f"/users/u{i}", json={"balance": f"{who + 1}.00"})
        if kind == 2:
            return http.post("/announcements", json={"type": "info", "message": f"m{i}", "delivery_time": "2026-01-01T00:00:00Z"})
        return http.put(f"/structured_targets/T{i}", json={"name": f"by {who}", "type": "team"})

    assert hammer(two_servers, create) == []
    announcements = httpx.get(two_servers[0] + "/admin/v1/announcements", headers=HEADERS).json()["announcements"]
    messages = [a["message"] for a in announcements]
    assert sorted(messages) == sorted(f"m{i}" for i in range(2, ROUNDS, 4))


def test_an_announcement_moved_onto_another_is_a_409(empty_server):
    base = empty_server.url + "/admin/v1"
    first = {"type": "info", "message": "one", "delivery_time": "2026-01-01T00:00:00Z"}
    second = {**first, "message": "two"}
    httpx.post(base + "/announcements", json=first, headers=HEADERS).raise_for_status()
    seq = httpx.post(base + "/announcements", json=second, headers=HEADERS).json()["announcement"]["id"]
    response = httpx.put(f"{base}/announcements/{seq}", json=first, headers=HEADERS)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "conflict"
    assert "same key" in response.json()["message"]
    shown = httpx.get(base + "/announcements", headers=HEADERS).json()["announcements"]
    assert [a["message"] for a in shown] == ["one", "two"]  # nothing half-written
