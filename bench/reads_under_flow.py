"""Catalog reads while orders flow: GET /milestones (a cached query) and GET /markets?limit=100,
idle and while a paced writer sends signed V2 orders at a fixed rate (1,000/s by default).

Starts `kalshi-local serve` (one uvicorn worker, rate limits off) on a fresh SQLite store
loaded with a generated catalog (bench/make_scenario.py) unless --store names a prepared one
(orders are then written into it), and adds one active market and two funded users through
the admin API. Each run measures both reads idle with wrk, then starts the writer (wrk through
bench/presigned.lua with rate=R: each pre-signed order sent once, on a fixed schedule,
alternating a bid and an ask at one price so half of them fill) and measures both reads
again while it runs. Prints medians of idle and under-flow req/s and their ratio, and the
writer's achieved rate and status counts: a writer that fell behind or met errors is
printed loudly, since the reads were then not under the stated flow. Exit status 3 then.

    .venv/bin/python bench/reads_under_flow.py
    .venv/bin/python bench/reads_under_flow.py --store /tmp/big.db --runs 5
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import admin_call, run_wrk, start_server, stop, trading_scenario
from http_reads import targets
from signed_load import Result, Signer, describe, new_key_pair, order_bodies, send

TICKER = "BENCHFLOW-E1-M"
USERS = {"flow-bidder": "flow-key-bidder", "flow-asker": "flow-key-asker"}
MILESTONES_KEEP_GOAL, MARKETS_GOAL_RPS = 0.80, 3000
WRITER_CONNECTIONS = 32


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=5, help="length of each read measurement")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16, help="reader connections (as bench/http_reads.py)")
    parser.add_argument("--rate", type=int, default=1000, help="orders per second sent by the writer")
    parser.add_argument("--port", type=int, default=8922)
    parser.add_argument("--store", help="a SQLite file or PostgreSQL URL with a catalog loaded (default: generate one)")
    parser.add_argument("--milestones", type=int, default=100_000, help="size of the generated catalog")
    parser.add_argument("--events", type=int, default=10_000, help="size of the generated catalog (2 markets each)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="signing processes")
    return parser.parse_args()


def generated_store(args, workdir: Path) -> str:
    """A SQLite store loaded with a make_scenario.py catalog; its path."""
    here = Path(__file__).parent
    document, store = workdir / "catalog.json", workdir / "store.db"
    subprocess.run([sys.executable, str(here / "make_scenario.py"), "--milestones", str(args.milestones),
                    "--targets", str(min(args.milestones, 10_000)), "--events", str(args.events),
                    "--out", str(document)], check=True, stdout=subprocess.DEVNULL)
    subprocess.run([str(Path(sys.executable).parent / "kalshi-local"), "load", str(document), "--db", str(store)],
                   check=True, stdout=subprocess.DEVNULL)
    return str(store)


class Writer:
    """The paced order flow, in a background thread: wrk sends a fresh pre-signed file at `rate`."""

    def __init__(self, url: str, file: Path, seconds: float, rate: int) -> None:
        self.result: Result | None = None
        self._thread = threading.Thread(target=self._run, args=(url, file, seconds, rate))

    def _run(self, url: str, file: Path, seconds: float, rate: int) -> None:
        self.result = send(url, file, seconds, WRITER_CONNECTIONS, rate=rate)

    def __enter__(self) -> Writer:
        self._thread.start()
        time.sleep(1)  # let the flow settle before the reads are measured
        return self

    def __exit__(self, *_) -> None:
        self._thread.join()


def read(url: str, seconds: int, connections: int) -> float:
    _, rps, _, non_2xx = run_wrk(url, seconds, connections)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx} non-2xx answers")
    return rps


def one_run(args, signer: Signer, file: Path, base: str, reads: dict[str, str]) -> tuple[dict, dict, Result]:
    idle = {name: read(base + path, args.seconds, args.connections) for name, path in reads.items()}
    writer_seconds = len(reads) * args.seconds + 2
    signer.write(order_bodies(TICKER, tuple(USERS.values()), args.rate * (writer_seconds + 1)), file)
    with Writer(base, file, writer_seconds, args.rate) as writer:
        flowing = {name: read(base + path, args.seconds, args.connections) for name, path in reads.items()}
    shown = "  ".join(f"{name} {idle[name]:.0f} -> {flowing[name]:.0f}" for name in reads)
    print(f"  req/s idle -> under flow: {shown}\n  writer {describe(writer.result)}")
    return idle, flowing, writer.result


def report(args, runs: list[tuple[dict, dict, Result]], reads: dict[str, str]) -> bool:
    """Prints the medians; True if the writer kept its rate with 2xx answers only in every run."""
    print(f"\nwrk -t1 -c{args.connections} -d{args.seconds}s per read, median of {len(runs)} runs; writer: "
          f"{args.rate} signed V2 orders/s over {WRITER_CONNECTIONS} connections; kalshi-local: one uvicorn worker, "
          f"rate limits off, store {args.store or 'generated SQLite'}")
    print(f"{'read':45} {'idle req/s':>10} {'flow req/s':>10} {'ratio':>6}")
    medians = {}
    for name in reads:
        idle = statistics.median(run[0][name] for run in runs)
        flowing = statistics.median(run[1][name] for run in runs)
        medians[name] = (idle, flowing)
        print(f"{name:45} {idle:10.0f} {flowing:10.0f} {flowing / idle:6.2f}")
    writers = [run[2] for run in runs]
    achieved = statistics.median(w.rps for w in writers)
    bad = [w for w in writers if not w.clean or w.rps < 0.95 * args.rate]
    verdict = "NO VERDICT, the flow was not as stated" if bad else None
    milestones_idle, milestones_flow = medians["milestones"]
    keep = milestones_flow / milestones_idle
    print(f"milestones keeps {keep:.0%} of idle under flow, goal >= {MILESTONES_KEEP_GOAL:.0%}: "
          f"{verdict or ('met' if keep >= MILESTONES_KEEP_GOAL else 'NOT met')}")
    markets_flow = medians["markets?limit=100"][1]
    print(f"markets?limit=100 under flow {markets_flow:.0f} req/s, goal >= {MARKETS_GOAL_RPS}: "
          f"{verdict or ('met' if markets_flow >= MARKETS_GOAL_RPS else 'NOT met')}")
    print(f"writer: median {achieved:.0f} orders/s answered; filled at once "
          f"{sum(w.filled for w in writers)}/{sum(w.answered for w in writers)}")
    for w in bad:
        print(f"!!! writer run: {w.rps:.0f} orders/s of {args.rate}, statuses [{w.statuses()}], {w.socket_errors} "
              f"socket errors, {w.timeouts} timeouts: the reads were not measured under the stated flow !!!")
    return not bad


def main() -> None:
    args = parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="reads-under-flow-") as tmp:
        workdir = Path(tmp)
        store = args.store or generated_store(args, workdir)
        all_reads = dict(targets(store))
        reads = {"milestones": all_reads["milestones?related_event_ticker&limit=100"],
                 "markets?limit=100": all_reads["markets?limit=100"]}
        private_pem, public_pem = new_key_pair(workdir)
        signer = Signer(private_pem, args.workers)
        token = secrets.token_hex(16)
        server = start_server(store, args.port, "--no-demo", "--rate-limits", "off", "--admin-token", token)
        base = f"http://127.0.0.1:{args.port}"
        try:
            admin_call(base, token, "POST", "/scenario", trading_scenario(TICKER, public_pem, USERS, "100000000"))
            for name, path in reads.items():  # warm up
                print(f"  warm-up {name}: {read(base + path, 1, args.connections):.0f} req/s")
            runs = []
            for number in range(args.runs):
                print(f"run {number + 1}/{args.runs}")
                runs.append(one_run(args, signer, workdir / "orders.tsv", base, reads))
        finally:
            stop(server)
            signer.close()
    if not report(args, runs, reads):
        sys.exit(3)


if __name__ == "__main__":
    main()
