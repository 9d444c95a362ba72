"""Signed, durable V2 order entry: kalshi-local against the baseline (bench/baseline.py), same run.

Starts bench/baseline.py and `kalshi-local serve` (one uvicorn worker, rate limits off, a fresh
SQLite store in a temporary directory unless --store names an empty database), then loads one
active market and two users with large balances and API keys through the admin API. Each run
pre-signs fresh POST /trade-api/v2/portfolio/events/orders requests in worker processes
(count 1 at $0.50, alternating users: the first bids, the second asks, so about half cross a
resting order and fills are part of the figure) and wrk (-t1, through bench/presigned.lua)
sends every request once, to the baseline and to kalshi-local in turn (each its own fresh
file; which goes first alternates run by run). Prints each run, then medians: req/s, p50 and
p99 latency, each server's CPU per answer (all its threads, from /proc), status counts, the
share of orders that filled at once, and kalshi-local's rate as a fraction of the baseline's.
With --order-group each user first creates an order group (limit 1,000,000 contracts, never hit
here) and every order goes in it, so each fill also moves the group's 15-second window: run it
back to back with a run without to see what that costs.
Any non-2xx answer is printed loudly and makes the exit status 3.

    .venv/bin/python bench/order_entry.py
    .venv/bin/python bench/order_entry.py --seconds 10 --runs 5 --connections 32
    .venv/bin/python bench/order_entry.py --order-group
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

from harness import admin_call, process_cpu_s, start_baseline, start_server, stop, trading_scenario
from signed_load import Result, Signer, Unsigned, describe, new_key_pair, order_bodies, send, signed_call

TICKER = "BENCHORD-E1-M"
USERS = {"bench-bidder": "bench-key-bidder", "bench-asker": "bench-key-asker"}
RATIO_GOAL, P99_GOAL_MS = 0.60, 20.0
MIN_PACE = 500  # orders/s assumed at least when sizing a file
GROUPS_PATH = "/trade-api/v2/portfolio/order_groups/create"
CPU_US: dict[str, list[float]] = {"baseline": [], "kalshi-local": []}  # the server's CPU per answer, each run


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--runs", type=int, default=3, help="runs per server; medians are printed")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--rate-guess", type=int, default=8000,
                        help="at most this many orders signed per second of a run")
    parser.add_argument("--port", type=int, default=8921, help="kalshi-local's port")
    parser.add_argument("--baseline-port", type=int, default=8920)
    parser.add_argument("--store", help="an empty PostgreSQL database URL (default: a fresh SQLite file)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="signing processes")
    parser.add_argument("--order-group", action="store_true", help="every order in its user's order group")
    return parser.parse_args()


def prepare_kalshi_local(args, workdir: Path, public_pem: str) -> object:
    token = secrets.token_hex(16)
    store = args.store or str(workdir / "store.db")
    server = start_server(store, args.port, "--no-demo", "--rate-limits", "off", "--admin-token", token)
    try:
        base = f"http://127.0.0.1:{args.port}"
        scenario = trading_scenario(TICKER, public_pem, USERS, balance="100000000")
        for user in scenario["users"]:  # the running server's engine holds balances: a deposit moves them
            user.pop("balance")
        admin_call(base, token, "POST", "/scenario", scenario)
        for name in USERS:
            admin_call(base, token, "POST", f"/users/{name}/deposits", {"amount": "100000000"})
    except BaseException:
        stop(server)
        raise
    return server


def create_groups(args, private_pem: Path) -> tuple[str, str] | None:
    """With --order-group: one order group per user (limit 1,000,000 contracts); their ids."""
    if not args.order_group:
        return None
    base, body = f"http://127.0.0.1:{args.port}", b'{"contracts_limit": 1000000}'
    made = [signed_call(base, private_pem, Unsigned("POST", GROUPS_PATH, key_id, body)) for key_id in USERS.values()]
    return made[0]["order_group_id"], made[1]["order_group_id"]


def one_run(args, signer: Signer, file: Path, urls: dict[str, str], pids: dict[str, int], pace: dict[str, float],
            baseline_first: bool) -> dict[str, Result]:
    """Each server gets its own file, signed just before its run: kalshi-local refuses a signature
    older than its window (60 s) and, rightly, any signature it has seen before. A file holds twice
    what the server answered in its last run (at most --rate-guess per second), so that signing
    stays short; a server that doubles its rate uses the file up, and its rate is then taken over
    the time in flight."""
    results = {}
    for name in ("baseline", "kalshi-local") if baseline_first else ("kalshi-local", "baseline"):
        n = round(min(2 * pace[name], args.rate_guess) * (args.seconds + 1))
        began = time.monotonic()
        signer.write(order_bodies(TICKER, tuple(USERS.values()), n, groups=args.groups), file)
        signed_s = time.monotonic() - began
        cpu_before = process_cpu_s(pids[name])
        results[name] = send(urls[name], file, args.seconds, args.connections)
        CPU_US[name].append((process_cpu_s(pids[name]) - cpu_before) * 1e6 / max(results[name].answered, 1))
        pace[name] = max(results[name].rps, MIN_PACE)
        age = time.monotonic() - began
        print(f"  {name:13} {describe(results[name])}\n"
              f"  {'':13} ({n} orders signed in {signed_s:.1f} s; the oldest was {age:.0f} s old at the end;"
              f" server CPU {CPU_US[name][-1]:.0f} µs per answer)")
    return results


def warm_up(args, signer: Signer, file: Path, urls: dict[str, str]) -> dict[str, float]:
    """One short run on each server; the rates seen (orders/s) size the first run's files."""
    signer.write(order_bodies(TICKER, tuple(USERS.values()), 2000, groups=args.groups), file)
    pace = {}
    for name, url in urls.items():
        result = send(url, file, 1, args.connections)
        print(f"  warm-up {name:13} {describe(result)}")
        pace[name] = max(result.rps, MIN_PACE)
    return pace


def report(args, runs: list[dict[str, Result]]) -> bool:
    """Prints the medians; True if every run was clean."""
    print(f"\nwrk -t1 -c{args.connections} -d{args.seconds}s, each pre-signed order sent once, median of {len(runs)}"
          f" runs; kalshi-local: one uvicorn worker, rate limits off, store {args.store or 'fresh SQLite'}"
          + ("; every order in its user's order group" if args.order_group else ""))
    medians = {}
    for name in ("baseline", "kalshi-local"):
        results = [run[name] for run in runs]
        rps = statistics.median(r.rps for r in results)
        p50 = statistics.median(r.p50_ms for r in results)
        p99 = statistics.median(r.p99_ms for r in results)
        codes: dict[str, int] = {}
        for r in results:
            for code, count in r.codes.items():
                codes[code] = codes.get(code, 0) + count
        answered = sum(r.answered for r in results)
        filled = sum(r.filled for r in results)
        share = f"{filled / max(answered, 1):.0%}"
        crossed = "" if name == "baseline" else f"  filled at once {filled}/{answered} ({share})"
        medians[name] = (rps, p99)
        shown = " ".join(f"{code}={count}" for code, count in sorted(codes.items()))
        cpu = statistics.median(CPU_US[name]) if CPU_US[name] else float("nan")
        print(f"{name:13} {rps:8.0f} req/s  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  CPU {cpu:4.0f} µs/answer"
              f"  statuses summed [{shown}]{crossed}")
    unclean = [(i + 1, name, r) for i, run in enumerate(runs) for name, r in run.items() if not r.clean]
    ratio = medians["kalshi-local"][0] / medians["baseline"][0]
    per_run = ", ".join(f"{run['kalshi-local'].rps / run['baseline'].rps:.2f}" for run in runs)
    p99 = medians["kalshi-local"][1]

    def verdict(met: bool) -> str:
        return "NO VERDICT, not clean" if unclean else "met" if met else "NOT met"

    print(f"ratio kalshi-local / baseline: {ratio:.2f} (per run {per_run}); goal >= {RATIO_GOAL:.2f}: "
          f"{verdict(ratio >= RATIO_GOAL)}; p99 {p99:.2f} ms, goal <= {P99_GOAL_MS:.0f} ms: "
          f"{verdict(p99 <= P99_GOAL_MS)}")
    for number, name, r in unclean:
        print(f"!!! run {number} {name}: {r.non_2xx} non-2xx answers [{r.statuses()}], {r.socket_errors} socket "
              f"errors, {r.timeouts} timeouts: these figures measure errors, not order entry !!!")
    return not unclean


def main() -> None:
    args = parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="order-entry-") as tmp:
        workdir = Path(tmp)
        private_pem, public_pem = new_key_pair(workdir)
        signer = Signer(private_pem, args.workers)
        baseline = start_baseline(args.baseline_port, workdir / "public.pem")
        try:
            server = prepare_kalshi_local(args, workdir, public_pem)
            urls = {"baseline": f"http://127.0.0.1:{args.baseline_port}",
                    "kalshi-local": f"http://127.0.0.1:{args.port}"}
            try:
                args.groups = create_groups(args, private_pem)
                pace = warm_up(args, signer, workdir / "warm-up.tsv", urls)
                runs = []
                for number in range(args.runs):
                    print(f"run {number + 1}/{args.runs}")
                    pids = {"baseline": baseline.pid, "kalshi-local": server.pid}
                    runs.append(one_run(args, signer, workdir / "orders.tsv", urls, pids, pace, number % 2 == 0))
            finally:
                stop(server)
        finally:
            stop(baseline)
            signer.close()
    if not report(args, runs):
        sys.exit(3)


if __name__ == "__main__":
    main()
