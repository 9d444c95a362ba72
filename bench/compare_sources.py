"""Catalog reads of two source trees side by side: a change's cost on the hot paths.

Starts `kalshi-local serve` twice on fresh demo stores, one with each tree first on
PYTHONPATH, and runs wrk against both, interleaved, on a few paths; prints medians
and the ratio after/before.

    git worktree add /tmp/before <commit>
    python bench/compare_sources.py --before /tmp/before/src --after src
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import urllib.request

from harness import run_wrk, start_server


def start(src: str, store: str, port: int) -> subprocess.Popen:
    return start_server(store, port, "--rate-limits", "off", env={**os.environ, "PYTHONPATH": src})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--before", required=True, help="the src/ folder of the baseline tree")
    parser.add_argument("--after", required=True, help="the src/ folder of the changed tree")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    ports = {"before": 8601, "after": 8602}
    with tempfile.TemporaryDirectory() as tmp:
        servers = {
            name: start(getattr(args, name), f"{tmp}/{name}.db", port) for name, port in ports.items()
        }
        try:
            url = f"http://127.0.0.1:{ports['before']}/trade-api/v2/markets?limit=1"
            ticker = json.load(urllib.request.urlopen(url))["markets"][0]["ticker"]
            paths = {
                "exchange/status": "/trade-api/v2/exchange/status",
                "markets/{ticker}": f"/trade-api/v2/markets/{ticker}",
                "markets?limit=100": "/trade-api/v2/markets?limit=100",
            }
            found: dict[tuple[str, str], list[float]] = {(p, n): [] for p in paths for n in ports}
            for _ in range(args.rounds):
                for label, path in paths.items():
                    for name, port in ports.items():
                        _, rps, _, _ = run_wrk(f"http://127.0.0.1:{port}{path}", args.seconds, args.connections)
                        found[label, name].append(rps)
            for label in paths:
                before, after = (statistics.median(found[label, n]) for n in ports)
                print(f"{label:20s} before {before:8.0f} req/s   after {after:8.0f} req/s   ratio {after / before:.2f}")
        finally:
            for proc in servers.values():
                proc.terminate()
                proc.wait(timeout=10)


if __name__ == "__main__":
    main()
