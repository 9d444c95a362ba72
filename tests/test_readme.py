"""The README's examples run as written: its scenario adds to the demo catalog without touching it,
its Python snippets run against a demo server, and its commands run from the repository root."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from kalshi_local.store import db, schema

from .servers import ADMIN_TOKEN, start_server
from .test_cli import CLI

ROOT = Path(__file__).parent.parent
README = (ROOT / "README.md").read_text()
DEMO = yaml.safe_load((ROOT / "src/kalshi_local/demo/catalog.yaml").read_text())
TABLES = {"series": schema.series, "events": schema.events, "markets": schema.markets,
          "milestones": schema.milestones}


def blocks(language: str) -> list[str]:
    """The fenced code blocks of one language ("" for a bare fence), in order."""
    found, current, inside = [], [], None
    for line in README.splitlines(keepends=True):
        if line.startswith("```"):
            if inside is None:
                inside, current = line[3:].strip(), []
            else:
                found += ["".join(current)] if inside == language else []
                inside = None
        elif inside is not None:
            current.append(line)
    return found


def counts(path: Path) -> dict[str, int]:
    engine = db.open_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            return {name: conn.execute(select(func.count()).select_from(t)).scalar_one() for name, t in TABLES.items()}
    finally:
        engine.dispose()


def keys(document: dict) -> set[str]:
    """Every ticker and id a scenario document writes."""
    found = {s["ticker"] for s in document.get("series", [])} | {m["id"] for m in document.get("milestones", [])}
    for event in document.get("events", []):
        found |= {event["event_ticker"]} | {m["ticker"] for m in event.get("markets", [])}
    return found


def test_the_scenario_example_is_new_to_the_demo_catalog_and_loads_next_to_it(tmp_path):
    [example] = [block for block in blocks("yaml") if not block.startswith("orders:")]
    document = yaml.safe_load(example)
    assert keys(document) and not keys(document) & keys(DEMO)
    store = tmp_path / "store.db"
    assert subprocess.run([CLI, "load", str(ROOT / "src/kalshi_local/demo/catalog.yaml"), "--db", str(store)],
                          capture_output=True, timeout=120).returncode == 0
    before = counts(store)
    (tmp_path / "example.yaml").write_text(example)
    loaded = subprocess.run([CLI, "load", str(tmp_path / "example.yaml"), "--db", str(store)], capture_output=True,
                            text=True, timeout=120)
    assert loaded.returncode == 0, loaded.stderr
    added = {"series": 1, "events": 1, "markets": 1, "milestones": 1}
    assert counts(store) == {name: before[name] + added[name] for name in TABLES}


def test_the_orders_example_is_a_valid_scenario_section():
    from kalshi_local.scenario import loader

    [example] = [block for block in blocks("yaml") if block.startswith("orders:")]
    orders = loader.parse_text(example, "README").orders
    assert [(o.user, o.side, o.price) for o in orders] == [("alice", "bid", "0.3100"), ("alice", "ask", "0.3400")]


def test_the_python_examples_run_against_a_demo_server(tmp_path):
    server = start_server(f"sqlite:///{tmp_path}/demo.db", clock="real")
    try:
        assert subprocess.run([CLI, "demo-key", "--out", "demo.pem"], cwd=tmp_path, timeout=60).returncode == 0
        outputs = []
        for number, code in enumerate(python_blocks(ccxt=False)):
            script = tmp_path / f"example{number}.py"
            script.write_text(code.replace("http://127.0.0.1:8000", server.url))
            result = subprocess.run([sys.executable, script.name], cwd=tmp_path, capture_output=True, text=True,
                                    timeout=120)
            assert result.returncode == 0, f"example {number}: {result.stderr}"
            assert result.stdout.strip()
            outputs.append(result.stdout)
        assert "balance=1000000" in outputs[-2]
        # The first trade: filled against the demo book, with the fill, the position and the balance it says.
        lines = outputs[-1].splitlines()
        assert lines[0] == "['0.7800', '360.00'] ['0.2000', '410.00']"
        assert lines[1:] == ["OrderStatus.EXECUTED 10", "80 10 True", "10", lines[-1]]
        assert lines[-1].startswith("balance=999188 portfolio_value=800 ")
    finally:
        server.stop()


def python_blocks(ccxt: bool) -> list[str]:
    """The Python examples for the official SDKs, or the ccxt one (ccxt is no dependency of the tests)."""
    return [code for code in blocks("python") if ("import ccxt" in code) == ccxt]


def test_the_ccxt_example_runs_after_the_first_trade(tmp_path):
    pytest.importorskip("ccxt.prediction")
    [example] = python_blocks(ccxt=True)
    first_trade = python_blocks(ccxt=False)[-1]
    server = start_server(f"sqlite:///{tmp_path}/demo.db", clock="real")
    try:
        assert subprocess.run([CLI, "demo-key", "--out", "demo.pem"], cwd=tmp_path, timeout=60).returncode == 0
        outputs = []
        for number, code in enumerate((first_trade, example)):
            script = tmp_path / f"example{number}.py"
            script.write_text(code.replace("http://127.0.0.1:8000", server.url))
            result = subprocess.run([sys.executable, script.name], cwd=tmp_path, capture_output=True, text=True,
                                    timeout=120)
            assert result.returncode == 0, f"example {number}: {result.stderr}"
            outputs.append(result.stdout)
        assert outputs[1].splitlines() == ["[0.78, 360.0] [0.8, 400.0]", "closed 10.0"]
    finally:
        server.stop()


def test_the_admin_curl_example_runs_against_a_demo_server(tmp_path):
    [example] = [block for block in blocks("sh") if "admin/v1/live_data" in block]
    server = start_server(f"sqlite:///{tmp_path}/demo.db")
    try:
        script = example.replace("http://127.0.0.1:8000", server.url)
        script = re.sub(r"^TOKEN=.*$", f"TOKEN={ADMIN_TOKEN}", script, flags=re.MULTILINE)
        result = subprocess.run(["bash", "-euc", script.replace("curl ", "curl -sf ")], capture_output=True,
                                text=True, timeout=60)
        assert result.returncode == 0, result.stdout + result.stderr
    finally:
        server.stop()


def test_every_command_in_the_readme_runs_from_the_repository_root():
    """A bare `kalshi-local` is not on PATH unless the venv is active: commands name .venv/bin/."""
    # Code blocks, and inline code with an option or a file (prose names commands as `kalshi-local load`).
    inline = [code for code in re.findall(r"`([^`\n]+)`", README) if re.search(r" --|\.\w+$", code)]
    code = "\n".join(blocks("sh") + blocks("") + inline)
    bare = [line for line in code.splitlines() if re.match(r"\s*(kalshi-local|python|pip) ", line)]
    assert bare == []
    for command in re.findall(r"(?:^|\s)(\.venv/bin/\S+|\./scripts/\S+)", code):
        assert command.startswith((".venv/bin/kalshi-local", ".venv/bin/pip", ".venv/bin/python")) or (
            ROOT / command).exists(), command
    assert os.access(ROOT / "scripts" / "serve", os.X_OK)
