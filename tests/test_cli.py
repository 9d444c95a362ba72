"""`kalshi-local load` as users run it: a subprocess on a SQLite file."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from kalshi_local.store import schema

from .servers import free_port, start_server

CLI = str(Path(sys.executable).parent / "kalshi-local")
SCENARIO = {
    "series": [{"ticker": "KXCLI", "title": "CLI series", "category": "Economics"}],
    "events": [{"event_ticker": "KXCLI-1", "series_ticker": "KXCLI", "title": "CLI event", "markets": [
        {"ticker": "KXCLI-1-A", "open_time": "2026-01-01T00:00:00Z", "close_time": "2031-01-01T00:00:00Z"}]}],
    "milestones": [{"id": "m-cli", "category": "Economics", "type": "one_off_milestone", "title": "CLI",
                    "start_date": "2027-01-01T00:00:00Z", "primary_event_tickers": ["KXCLI-1"]}],
}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120)


def count(db: Path, table) -> int:
    engine = create_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table)).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture
def scenario_file(tmp_path) -> Path:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(SCENARIO), encoding="utf-8")
    return path


def test_load_writes_a_scenario_and_reports_what_it_loaded(tmp_path, scenario_file):
    db = tmp_path / "store.db"
    result = run("load", str(scenario_file), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert f"{scenario_file}: loaded 4 items (1 series, 1 events, 1 markets, 1 milestones)" in result.stdout
    assert (count(db, schema.markets), count(db, schema.milestones)) == (1, 1)


def test_load_takes_yaml_and_json_files_in_one_go(tmp_path, scenario_file):
    series = tmp_path / "series.yaml"
    series.write_text("series:\n  - {ticker: KXCLI2, title: Second, category: Economics}\n", encoding="utf-8")
    result = run("load", str(series), str(scenario_file), "--db", str(tmp_path / "store.db"))
    assert result.returncode == 0, result.stderr
    assert count(tmp_path / "store.db", schema.series) == 2


def test_a_bad_file_exits_1_with_the_message_and_loads_nothing(tmp_path, scenario_file):
    bad = tmp_path / "bad.yaml"
    bad.write_text("events:\n  - {event_ticker: KXCLI-9, series_ticker: KXCLI, title: 7, markets: []}\n"
                   "  - {event_ticker: KXCLI-8, title: Missing series}\n", encoding="utf-8")
    db = tmp_path / "store.db"
    result = run("load", str(scenario_file), str(bad), "--db", str(db))
    assert result.returncode == 1
    assert f"error: {bad}: $.events[0].title: Expected `str`, got `int`" in result.stderr
    assert "nothing was loaded" in result.stderr
    assert count(db, schema.series) == 0


def test_a_missing_file_exits_1(tmp_path):
    result = run("load", str(tmp_path / "absent.json"), "--db", str(tmp_path / "store.db"))
    assert result.returncode == 1
    assert "absent.json: cannot read" in result.stderr


def test_db_and_database_url_together_are_refused(tmp_path, scenario_file):
    result = run("load", str(scenario_file), "--db", str(tmp_path / "a.db"), "--database-url", "sqlite:///b.db")
    assert result.returncode != 0
    assert "not both" in result.stderr


def test_an_unsupported_database_url_exits_1(scenario_file):
    result = run("load", str(scenario_file), "--database-url", "mysql://localhost/db")
    assert result.returncode == 1
    assert "unsupported database" in result.stderr


def test_load_while_the_server_runs_is_seen_by_the_server(tmp_path, scenario_file):
    db = tmp_path / "live.db"
    server = start_server(f"sqlite:///{db}")
    try:
        with httpx.Client(base_url=server.api, timeout=10) as http:
            related = {"limit": 10, "related_event_ticker": "KXCLI-1"}
            assert http.get("/markets/KXCLI-1-A").status_code == 404
            # Asked twice, so the answer sits in the response cache when the other process writes.
            for _ in range(2):
                assert http.get("/milestones", params=related).json()["milestones"] == []
            result = run("load", str(scenario_file), "--db", str(db))
            assert result.returncode == 0, result.stderr
            assert http.get("/markets/KXCLI-1-A").json()["market"]["event_ticker"] == "KXCLI-1"
            milestones = http.get("/milestones", params=related).json()
            assert [m["id"] for m in milestones["milestones"]] == ["m-cli"]
            # The demo catalog the server loaded is still there next to it.
            assert http.get("/series/KXNFLGAME").status_code == 200
    finally:
        server.stop()


def wait_for(url: str) -> httpx.Response:
    """The first answer from a server that printed its banner and may still be binding its port."""
    deadline = time.monotonic() + 10
    while True:
        try:
            return httpx.get(url, timeout=10)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def test_serve_prints_where_it_listens_and_stops_on_sigint(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [CLI, "serve", "--db", str(tmp_path / "s.db"), "--port", str(port), "--rate-limits", "off",
         "--signature-window", "5", "--admin-token", "t0ken"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [proc.stdout.readline() for _ in range(5)]
        assert lines[0] == "Loaded the demo catalog.\n"
        assert lines[1].startswith(f"kalshi-local listening on http://127.0.0.1:{port}/trade-api/v2")
        assert "(token: t0ken)" in lines[2]
        assert lines[4].startswith("Demo user's API key: 0d3e0000-0000-4000-8000-0000000000a1")
        assert wait_for(f"http://127.0.0.1:{port}/trade-api/v2/exchange/status").status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0


def test_serve_refuses_an_unknown_rate_limits_value(tmp_path):
    result = run("serve", "--db", str(tmp_path / "s.db"), "--rate-limits", "maybe")
    assert result.returncode == 2 and "--rate-limits must be on or off" in result.stderr


def test_websocket_faults_are_refused_by_load_and_nothing_is_loaded(tmp_path):
    path = tmp_path / "faults.json"
    path.write_text(json.dumps({**SCENARIO, "websocket_faults": [{"kind": "drop", "channel": "trade"}]}))
    db = tmp_path / "store.db"
    result = run("load", str(path), "--db", str(db))
    assert result.returncode == 1
    assert "websocket_faults" in result.stderr and "POST /admin/v1/scenario" in result.stderr
    assert count(db, schema.series) == 0
