"""Time and peak memory of `kalshi-local load` for N items of one scenario section.

    python bench/load_sections.py series 20000
    python bench/load_sections.py live_data 20000 --runs 3 --format yaml

Each run starts from a fresh temporary SQLite store. What the section needs
(series for fee changes, milestones for live data, markets for incentive
programs) is loaded first by a separate, untimed `kalshi-local load`; then
the section alone is loaded and its wall time and the peak RSS of that
process are taken. Prints each run and the medians.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import msgspec
import yaml

BASE = "2027-01-01T00:00:00Z"
END = "2027-02-01T00:00:00Z"


def series(i: int) -> dict:
    return {
        "ticker": f"BSER{i:07d}",
        "title": f"Bench series {i}",
        "category": "Economics" if i % 2 else "Sports",
        "frequency": "daily",
        "tags": ["Bench", f"T{i % 50}"],
        "settlement_sources": [{"name": "Bench", "url": "https://example.com"}],
        "fee_multiplier": 1,
    }


def event(i: int) -> dict:
    return {"event_ticker": f"BEV-{i:07d}", "series_ticker": "BSER0000000", "title": f"Bench event {i}"}


def market_event(i: int) -> dict:
    market = {"ticker": f"BEV-{i:07d}-M", "open_time": BASE, "close_time": END}
    return {**event(i), "markets": [market]}


def milestone(i: int) -> dict:
    return {
        "id": f"10000000-0000-4000-8000-{i:012d}",
        "category": "Sports",
        "type": "football_game",
        "title": f"Bench game {i}",
        "start_date": BASE,
        "related_event_tickers": ["BEV-0000000"],
    }


def live_data(i: int) -> dict:
    return {"milestone_id": milestone(i)["id"], "type": "football_game", "details": {"status": "live", "n": i}}


def announcement(i: int) -> dict:
    return {"type": "info", "message": f"Bench announcement {i}", "delivery_time": BASE}


def fee_change(i: int) -> dict:
    return {
        "id": f"fee-{i}",
        "series_ticker": "BSER0000000",
        "fee_type": "quadratic",
        "fee_multiplier": 1,
        "scheduled_time": BASE,
    }


def incentive_program(i: int) -> dict:
    return {
        "id": f"inc-{i}",
        "market_ticker": f"BEV-{i % 100:07d}-M",
        "incentive_type": "volume",
        "start_date": BASE,
        "end_date": END,
        "period_reward": 100,
    }


def user(i: int) -> dict:
    return {"name": f"bench-user-{i}", "balance": "100.00"}


# Section -> (item maker, prerequisites for n items).
SECTIONS = {
    "series": (series, lambda n: {}),
    "events": (event, lambda n: {"series": [series(0)]}),
    "milestones": (milestone, lambda n: {}),
    "live_data": (live_data, lambda n: {"milestones": [milestone(i) for i in range(n)]}),
    "announcements": (announcement, lambda n: {}),
    "fee_changes": (fee_change, lambda n: {"series": [series(0)]}),
    "incentive_programs": (
        incentive_program,
        lambda n: {"series": [series(0)], "events": [market_event(i) for i in range(100)]},
    ),
    "users": (user, lambda n: {}),
}


def write(path: Path, document: dict) -> Path:
    if path.suffix == ".json":
        path.write_bytes(msgspec.json.encode(document))
    else:
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def load(files: list[Path], store: Path) -> tuple[float, float]:
    """Runs `kalshi-local load`; (seconds, peak RSS in MB) of that process."""
    command = [str(Path(sys.executable).parent / "kalshi-local"), "load", *map(str, files), "--db", str(store)]
    began = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - began
    if status != 0:
        raise SystemExit(f"load failed: {proc.stderr.read().decode() if proc.stderr else status}")
    return seconds, usage.ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("section", choices=list(SECTIONS))
    parser.add_argument("count", type=int)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--format", choices=["json", "yaml"], default="json")
    args = parser.parse_args()
    make, needs = SECTIONS[args.section]
    times, peaks = [], []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        setup = write(root / "setup.json", needs(args.count))
        items = write(root / f"items.{args.format}", {args.section: [make(i) for i in range(args.count)]})
        for run in range(args.runs):
            store = root / f"run{run}.db"
            load([setup], store)
            seconds, peak = load([items], store)
            times.append(seconds)
            peaks.append(peak)
            print(f"run {run + 1}: {seconds:.2f} s, peak RSS {peak:.0f} MB", flush=True)
    print(
        f"{args.section} x{args.count} ({args.format}): median {statistics.median(times):.2f} s,"
        f" peak RSS {statistics.median(peaks):.0f} MB"
    )


if __name__ == "__main__":
    main()
