"""WAL checkpoints off the engine's commit path (store/checkpoints.py)."""

from __future__ import annotations

import os
import time

from kalshi_local.store import checkpoints, db

PAGE_ROWS = 400  # rows of ~200 bytes: well over 1,000 pages of log in all


def _log_pages(url: str) -> int:
    path = url.removeprefix("sqlite:///") + "-wal"
    return os.path.getsize(path) // 4096 if os.path.exists(path) else 0


def _write_a_lot(conn) -> None:
    conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS filler (n INTEGER, text TEXT)")
    for batch in range(60):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        rows = [(batch * PAGE_ROWS + i, "x" * 200) for i in range(PAGE_ROWS)]
        conn.connection.cursor().executemany("INSERT INTO filler VALUES (?, ?)", rows)
        conn.exec_driver_sql("COMMIT")


def test_a_connection_without_autocheckpoint_leaves_the_log_to_the_checkpointer(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = db.open_engine(url)
    reader = engine.connect()
    reader.exec_driver_sql("SELECT 1").all()  # a second connection: closing the writer must not checkpoint
    reader.rollback()  # ends its read: a read in progress would keep the log from starting over
    with engine.connect() as writer:
        writer.commit()
        checkpoints.disable_autocheckpoint(writer)
        writer.commit()
        _write_a_lot(writer)
        grown = _log_pages(url)
        assert grown > 1_000  # autocheckpoint would have reset the log at 1,000 pages
        checkpointer = checkpoints.Checkpointer(engine)
        try:
            busy, log_pages, copied = checkpointer.checkpoint()
            assert busy == 0 and copied == log_pages > 1_000
            _write_a_lot(writer)  # the log starts over once it was copied whole, so it does not grow
            assert _log_pages(url) < 1.5 * grown  # without the checkpoint it would be twice as long
        finally:
            checkpointer.close()
    reader.close()
    engine.dispose()


def test_committed_wakes_the_thread(tmp_path):
    engine = db.open_engine(f"sqlite:///{tmp_path / 'store.db'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    checkpointer = checkpoints.Checkpointer(engine)
    try:
        assert checkpointer.runs == 0
        checkpointer.committed()
        deadline = time.monotonic() + 10  # waits for another thread, not for time to pass
        while checkpointer.runs == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert checkpointer.runs == 1
    finally:
        checkpointer.close()
    engine.dispose()


def test_a_long_log_restarts_and_a_reader_holds_writers_back_only_briefly(tmp_path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = db.open_engine(url)
    checkpointer = checkpoints.Checkpointer(engine)
    with engine.connect() as writer, engine.connect() as reader:
        writer.commit()
        checkpoints.disable_autocheckpoint(writer)
        writer.commit()
        _write_a_lot(writer)
        reader.exec_driver_sql("BEGIN")
        reader.exec_driver_sql("SELECT count(*) FROM filler").one()  # holds its snapshot: the log cannot restart
        _write_a_lot(writer)
        try:
            started = time.monotonic()
            busy, log_pages, copied = checkpointer.checkpoint(restart_pages=100)
            waited = time.monotonic() - started
            assert busy == 1 and copied < log_pages  # the reader's snapshot still needs the pages after it
            assert waited < 5  # it gave up after RESTART_WAIT_MS (plus the copying), not the 30 s busy timeout
            reader.rollback()
            busy, log_pages, copied = checkpointer.checkpoint(restart_pages=100)
            assert busy == 0 and copied == log_pages
            grown = _log_pages(url)
            _write_a_lot(writer)
            assert _log_pages(url) <= grown  # written from the start of the file again
        finally:
            checkpointer.close()
    engine.dispose()
