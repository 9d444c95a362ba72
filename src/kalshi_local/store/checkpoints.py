"""SQLite WAL checkpoints on a thread of their own, off the engine's commit path.

By default the connection whose commit pushes the write-ahead log past 1,000 pages
copies the log into the database file and fsyncs it, inside that commit. For the
engine that is an order batch waiting on a copy it does not need: measured, a quarter
of order-entry throughput. The engine's connection turns automatic checkpoints off
(`disable_autocheckpoint`) and this thread runs PASSIVE checkpoints instead, which
never wait for or block a writer. SQLite drops the GIL while it copies and syncs.

A log only starts over from its beginning when a checkpoint copied all of it before
the next write, which PASSIVE checkpoints under a steady flow of commits never do: the
log would grow without end (measured: 480 MB in 30 s of order entry). So once it is
longer than RESTART_PAGES, the thread runs a RESTART checkpoint right after a PASSIVE
one: it holds writers back only while it copies the few pages added in between.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Connection, Engine

from . import db

log = logging.getLogger("kalshi_local.store")

PAUSE_S = 0.2  # at most this often: each checkpoint syncs the database file
RESTART_PAGES = 4096  # 16 MB of log with 4 KB pages
RESTART_WAIT_MS = 100  # how long a RESTART may hold writers back waiting for a reader; then it tries later


def disable_autocheckpoint(conn: Connection) -> None:
    """`conn`'s commits no longer checkpoint; a Checkpointer must run instead."""
    conn.exec_driver_sql("PRAGMA wal_autocheckpoint=0")


class Checkpointer:
    """Checkpoints the SQLite store of `db_engine` after `committed()` is called, at most
    every PAUSE_S seconds. A failed checkpoint is logged and tried again later: the
    log only grows meanwhile, nothing is lost."""

    def __init__(self, db_engine: Engine) -> None:
        self._db = db_engine
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.runs = 0  # checkpoints done
        self._thread = threading.Thread(target=self._run, name="kalshi-local-checkpoints", daemon=True)
        self._thread.start()

    def committed(self) -> None:
        """A commit added to the log: a checkpoint is due."""
        self._wake.set()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            if self._stop.is_set():
                return
            self._wake.clear()
            try:
                self.checkpoint()
            except Exception:
                log.warning("a WAL checkpoint failed; it is tried again after the next commit", exc_info=True)
            self._stop.wait(PAUSE_S)

    def checkpoint(self, restart_pages: int = RESTART_PAGES) -> tuple[int, int, int]:
        """A PASSIVE checkpoint now, and a RESTART one after it when the log had more than
        `restart_pages`: (1 if the last could not finish, pages in the log, pages copied)."""
        with self._db.connect() as conn:
            busy, log_pages, copied = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
            if log_pages > restart_pages:
                conn.exec_driver_sql(f"PRAGMA busy_timeout={RESTART_WAIT_MS}")
                try:
                    busy, log_pages, copied = conn.exec_driver_sql("PRAGMA wal_checkpoint(RESTART)").one()
                finally:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={db.BUSY_TIMEOUT_MS}")
        self.runs += 1
        return busy, log_pages, copied
