"""Real kalshi-local servers on loopback, and throwaway PostgreSQL clusters."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from kalshi_local import ws
from kalshi_local.app import build_app
from kalshi_local.config import Settings
from kalshi_local.services import Services

ADMIN_TOKEN = "test-admin-token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningServer:
    url: str
    services: Services
    _server: uvicorn.Server
    _thread: threading.Thread

    @property
    def api(self) -> str:
        return self.url + "/trade-api/v2"

    def load(self, scenario: dict | str) -> None:
        """Write a scenario (a mapping of sections, or YAML text) at the exchange clock's now."""
        from kalshi_local.scenario import loader

        parsed = loader.parse_text(scenario, "test") if isinstance(scenario, str) else loader.parse_data(scenario, "test")
        loader.apply(self.services.engine, parsed, self.services.clock.now_us(), "test")
        if self.services.trading is not None:
            self.services.trading.reload()  # balances and market rules may have changed

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.services.close()


def start_server(database_url: str, clock: str = "manual", load_demo: bool = True, **settings) -> RunningServer:
    from kalshi_local.engine import placing
    from kalshi_local.store import db

    services = Services.open(
        Settings(database_url=database_url, clock=clock, load_demo=load_demo, admin_token=ADMIN_TOKEN, **settings)
    )
    if load_demo and db.is_empty(services.engine):
        placing.load_demo(services.engine, services.clock.now_us())
    port = free_port()
    config = uvicorn.Config(
        build_app(services),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        **ws.server_options(services.settings),
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.005)
    return RunningServer(f"http://127.0.0.1:{port}", services, server, thread)


class PostgresCluster:
    """initdb into a temp dir and start on a private loopback port."""

    def __init__(self) -> None:
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            raise FileNotFoundError("PostgreSQL server binaries not found under /usr/lib/postgresql")
        self.bin = Path(bins[-1]).parent
        self.dir = tempfile.mkdtemp(prefix="kalshi-local-pg-")
        self.port = free_port()
        self._counter = 0
        as_user = self._as_user()
        shutil.chown(self.dir, "postgres") if as_user else None
        data = os.path.join(self.dir, "data")
        self._run(as_user, [str(self.bin / "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"])
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        # Lock waits and slow statements go to the log, kept when the run had any (see stop).
        options += " -c log_lock_waits=on -c deadlock_timeout=1s -c log_min_duration_statement=5000"
        self._run(as_user, [str(self.bin / "pg_ctl"), "-D", data, "-o", options, "-w", "-l", os.path.join(self.dir, "log"), "start"])
        self._data = data
        self._as = as_user

    @staticmethod
    def _as_user() -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @staticmethod
    def _run(prefix: list[str], cmd: list[str]) -> None:
        subprocess.run(prefix + cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def new_database(self) -> str:
        import psycopg

        self._counter += 1
        name = f"test_{self._counter}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self._run(self._as, [str(self.bin / "pg_ctl"), "-D", self._data, "-m", "immediate", "stop"])
        log = Path(self.dir, "log")
        text = log.read_text(errors="replace") if log.exists() else ""
        if "still waiting" in text or "duration:" in text:  # evidence of a stall: keep it
            kept = Path(tempfile.gettempdir(), f"kalshi-local-pg-{self.port}.log")
            shutil.copyfile(log, kept)
            print(f"\nPostgreSQL logged lock waits or slow statements: {kept}", file=sys.stderr)
        shutil.rmtree(self.dir, ignore_errors=True)
