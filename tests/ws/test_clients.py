"""Real client programs: the quick-start of getting_started/quick_start_websockets.md, unchanged
but for its URL, key and market, and pykalshi's Feed (COMPAT.md)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ..api.write_path import place
from .client import ws_url

DOC = Path(__file__).resolve().parents[3] / "shared/docs/kalshi/getting_started/quick_start_websockets.md"


def _quick_start() -> str:
    if not DOC.exists():
        pytest.skip(f"{DOC} is not here (the docs live beside the repository)")
    text = DOC.read_text()
    section = text[text.index("## Complete Example"):]
    return re.search(r"```python[^\n]*\n(.*?)```", section, re.S).group(1)


def test_the_quick_start_program_receives_a_snapshot_and_deltas(server, alice, bob, ticker, tmp_path):
    key = tmp_path / "key.pem"
    key.write_text(alice.signer.private_pem)
    program = _quick_start()
    for name, value in (
        ("KEY_ID", alice.signer.key_id), ("PRIVATE_KEY_PATH", str(key)), ("MARKET_TICKER", ticker),
        ("WS_URL", ws_url(server)),
    ):
        program, found = re.subn(rf'^{name} = "[^"]*"', f'{name} = "{value}"', program, flags=re.M)
        assert found == 1, name
    script = tmp_path / "quick_start.py"
    script.write_text(program)
    place(bob, ticker, "bid", "3", "0.2000")
    run = subprocess.Popen([sys.executable, "-u", str(script)], stdout=subprocess.PIPE, text=True)
    try:
        lines = [run.stdout.readline() for _ in range(3)]
        assert lines[0].startswith("Connected!") and lines[1].startswith("Subscribed:"), lines
        assert lines[2].startswith("Orderbook snapshot:") and "'0.2000', '3.00'" in lines[2], lines
        place(alice, ticker, "bid", "2", "0.2100", client_order_id="quick-1")
        update = run.stdout.readline()
        assert update.startswith("Orderbook update (your order quick-1):"), update
    finally:
        run.kill()
        run.wait()


def test_pykalshi_feed_receives_a_snapshot_and_deltas(server, alice, bob, ticker, tmp_path):
    from pykalshi import KalshiClient
    from pykalshi.feed import OrderbookDeltaMessage, OrderbookSnapshotMessage

    key = tmp_path / "key.pem"
    key.write_text(alice.signer.private_pem)
    place(bob, ticker, "ask", "5", "0.7000")
    client = KalshiClient(api_key_id=alice.signer.key_id, private_key_path=str(key), api_base=server.api)
    feed = client.feed()
    feed._ws_url = ws_url(server)  # pykalshi has no setting for its WebSocket URL
    got: list = []
    arrived = threading.Event()

    def on_book(message) -> None:
        got.append(message)
        arrived.set()

    feed.on("orderbook_delta", on_book)
    feed.subscribe("orderbook_delta", market_ticker=ticker)
    feed.start()
    try:
        deadline = time.monotonic() + 30
        while not got and time.monotonic() < deadline:
            arrived.wait(1)
        assert isinstance(got[0], OrderbookSnapshotMessage), got
        assert got[0].no_dollars == [("0.3000", "5.00")]
        arrived.clear()
        place(bob, ticker, "ask", "1", "0.7000")
        while len(got) < 2 and time.monotonic() < deadline:
            arrived.wait(1)
        delta = got[1]
        assert isinstance(delta, OrderbookDeltaMessage), got
        assert (delta.price_dollars, delta.delta_fp, delta.side) == ("0.3000", "1.00", "no")
    finally:
        feed.stop()
