"""HTTP throughput of the catalog reads, as ratios to a trivial endpoint.

Starts `kalshi-local serve` on a prepared store, then runs wrk (Debian's `wrk`)
against each target and against GET /exchange/user_data_timestamp (no store
access) in the same run, interleaved, and prints medians.

    python bench/make_scenario.py --milestones 1000000 --targets 1000000 --events 100000 --out /tmp/big.json
    kalshi-local load /tmp/big.json --db /tmp/big.db
    python bench/http_reads.py --store /tmp/big.db
    python bench/http_reads.py --store postgresql://user@host:5432/big   # after loading it there
"""

from __future__ import annotations

import argparse
import statistics

from sqlalchemy import create_engine, text

from harness import run_wrk, start_server

BASELINE = ("trivial", "/trade-api/v2/exchange/user_data_timestamp")


def wrk(url: str, seconds: int, connections: int) -> tuple[float, float]:
    _, rps, p50_ms, non_2xx = run_wrk(url, seconds, connections)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx} non-2xx responses")
    return rps, p50_ms


def targets(store: str) -> list[tuple[str, str]]:
    engine = create_engine(store if "://" in store else f"sqlite:///{store}")
    with engine.connect() as conn:
        query = "SELECT event_ticker FROM milestone_events ORDER BY milestone_seq DESC LIMIT 1"
        event = conn.execute(text(query)).scalar_one()
        ids = list(conn.execute(text("SELECT id FROM structured_targets ORDER BY seq DESC LIMIT 10")).scalars())
    engine.dispose()
    return [
        ("milestones?related_event_ticker&limit=100", f"/trade-api/v2/milestones?related_event_ticker={event}&limit=100"),
        ("structured_targets?ids x10", "/trade-api/v2/structured_targets?" + "&".join(f"ids={i}" for i in ids)),
        ("markets?limit=100", "/trade-api/v2/markets?limit=100"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True, help="a SQLite file or a PostgreSQL URL loaded with the big scenario")
    parser.add_argument("--port", type=int, default=8911)
    parser.add_argument("--seconds", type=int, default=5)
    # 16 keeps p50 a latency, not a queue: at 64 connections p50 is mostly waiting in line.
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    server = start_server(args.store, args.port, "--no-demo")
    base = f"http://127.0.0.1:{args.port}"
    try:
        all_targets = [BASELINE, *targets(args.store)]
        for _, path in all_targets:  # warm up
            wrk(base + path, 1, args.connections)
        results: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in all_targets}
        for _ in range(args.runs):
            for name, path in all_targets:
                results[name].append(wrk(base + path, args.seconds, args.connections))
    finally:
        server.terminate()
        server.wait()

    base_rps = statistics.median(r for r, _ in results[BASELINE[0]])
    print(f"wrk -t1 -c{args.connections} -d{args.seconds}s, median of {args.runs} runs, store {args.store}")
    print(f"{'endpoint':45} {'req/s':>9} {'p50 ms':>7} {'ratio':>6}")
    for name, runs in results.items():
        rps = statistics.median(r for r, _ in runs)
        p50 = statistics.median(p for _, p in runs)
        print(f"{name:45} {rps:9.0f} {p50:7.2f} {rps / base_rps:6.2f}")


if __name__ == "__main__":
    main()
