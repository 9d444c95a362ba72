"""Candlestick reads of one market that traded every minute for 30 days.

Builds a SQLite store with one market and 43,200 one-minute buckets (plus the hourly
and daily ones) written by the engine's own candle writer (engine/candles.py) from a
trade and a book change each minute, starts `kalshi-local serve` on it, and runs wrk
against GET /series/{s}/markets/{t}/candlesticks at each period_interval over the 30
days (1 minute: the last 5,000 minutes, the most one request may span), and against
GET /exchange/user_data_timestamp in the same run. "cached" repeats one URL, which the
response cache answers while nothing is committed; "uncached" makes each URL unique
(bench/uncached.lua), so every request reads and renders; "cached gzip" asks for gzip, which
the cache answers with the body compressed once (a tenth of the bytes). Prints medians.

    python bench/candlesticks.py [--runs 3] [--seconds 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from harness import run_wrk, start_server
from sqlalchemy import create_engine

from kalshi_local.engine import candles as candle_writer
from kalshi_local.exchange.events import MarketChanged, Traded
from kalshi_local.exchange.orders import MarketStats, Trade

SERIES, EVENT, TICKER = "KXBENCH", "KXBENCH-30D", "KXBENCH-30D-A"
START = 1_767_225_600  # 2026-01-01T00:00:00Z
MINUTES = 30 * 1440
SCRIPT = str(Path(__file__).with_name("uncached.lua"))


def scenario() -> dict:
    market = {"ticker": TICKER, "open_time": "2025-12-01T00:00:00Z", "close_time": "2099-01-01T00:00:00Z"}
    return {
        "series": [{"ticker": SERIES, "title": "Bench", "category": "Economics"}],
        "events": [{"event_ticker": EVENT, "series_ticker": SERIES, "title": "Bench", "markets": [market]}],
    }


def fill(db: str) -> None:
    """One trade and one book change a minute, written a day per transaction."""
    engine = create_engine(f"sqlite:///{db}")
    seq, volume = 0, 0
    for day in range(30):
        events: list = []
        for minute in range(day * 1440, (day + 1) * 1440):
            us = (START + minute * 60 + 30) * 1_000_000
            price = 3_000 + (minute * 37) % 4_000
            seq += 1
            volume += 500
            events.append(Traded(seq, Trade(seq, f"t{seq}", TICKER, price, 500, "bid", us)))
            stats = MarketStats(TICKER, price - 100, price + 100, last_price=price, volume=volume,
                                open_interest=volume // 3, updated_us=us)  # fmt: skip
            seq += 1
            events.append(MarketChanged(seq, stats))
        with engine.begin() as conn:
            candle_writer.write(conn, events)
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8913)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="kl-candles-"))
    db = str(workdir / "candles.db")
    (workdir / "scenario.json").write_text(json.dumps(scenario()))
    load = [str(Path(sys.executable).parent / "kalshi-local"), "load", str(workdir / "scenario.json"), "--db", db]
    subprocess.run(load, check=True, capture_output=True)
    fill(db)

    end = START + MINUTES * 60
    path = f"/trade-api/v2/series/{SERIES}/markets/{TICKER}/candlesticks"
    targets = [("trivial", "/trade-api/v2/exchange/user_data_timestamp", False)]
    for period, start in ((1440, START), (60, START), (1, end - 4_999 * 60)):
        url = f"{path}?start_ts={start}&end_ts={end}&period_interval={period}"
        targets += [(f"period {period:4} cached", url, False), (f"period {period:4} uncached", url, True)]
    targets.append(("period    1 cached gzip", targets[-2][1], False))  # Accept-Encoding: gzip

    server = start_server(db, args.port, "--no-demo", "--rate-limits", "off")
    base = f"http://127.0.0.1:{args.port}"
    results: dict[str, list[tuple[float, float]]] = {name: [] for name, _, _ in targets}
    try:
        for _ in range(args.runs):
            for name, url, unique in targets:
                script = [SCRIPT] if unique else []
                headers = ["Accept-Encoding: gzip"] if name.endswith("gzip") else []
                if not unique:  # made and cached once before the run, not by 16 connections at once
                    warm = urllib.request.Request(base + url, headers=dict(h.split(": ") for h in headers))
                    urllib.request.urlopen(warm, timeout=60).read()
                _, rps, p50, non_2xx = run_wrk(base + url, args.seconds, args.connections, *script, headers=headers)
                if non_2xx:
                    raise SystemExit(f"{url}: {non_2xx} non-2xx responses")
                results[name].append((rps, p50))
    finally:
        server.terminate()
        server.wait()

    print(f"one market, {MINUTES:,} one-minute buckets over 30 days; wrk -t1 -c{args.connections} -d{args.seconds}s,")
    print(f"median of {args.runs} runs; candles per answer: 30 (1440), 720 (60), 5,000 (1)")
    base_rps = statistics.median(r for r, _ in results["trivial"])
    print(f"{'target':24} {'req/s':>9} {'p50 ms':>8} {'ratio':>6}")
    for name, runs in results.items():
        rps, p50 = statistics.median(r for r, _ in runs), statistics.median(p for _, p in runs)
        print(f"{name:24} {rps:9.0f} {p50:8.2f} {rps / base_rps:6.2f}")


if __name__ == "__main__":
    main()
