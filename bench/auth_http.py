"""What authentication costs: a signed GET /portfolio/balance against the unsigned GET /exchange/status.

Starts `kalshi-local serve` on a fresh temporary SQLite store (the demo catalog loads
itself) with --rate-limits off, since the tiers cap far below benchmark rates. Before
each signed wrk run it pre-signs enough distinct requests with the demo user's key
(RSA-PSS is randomised, so every signature differs) on all cores; a Lua script sends
each exactly once, because the server rejects replays. The unsigned baseline goes
through the same Lua script, interleaved run by run, and so does a third run: the
unsigned endpoint carrying the three headers, to show what parsing them costs. Medians
are printed with the implied cost added per request (1/signed - 1/unsigned).

Then, in this process on the same store, the median CPU per call of
Authenticator.authenticate (header parsing, key lookup, freshness, RSA-PSS verify,
replay memory) next to the bare cryptography verify it wraps.

    .venv/bin/python bench/auth_http.py
    .venv/bin/python bench/auth_http.py --seconds 5 --runs 3 --connections 16
"""

from __future__ import annotations

import argparse
import base64
import multiprocessing
import os
import re
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from harness import Case, interleaved_round, run_wrk, start_server
from kalshi_local import demo

SIGNED = ("signed GET /portfolio/balance", "/trade-api/v2/portfolio/balance")
UNSIGNED = ("unsigned GET /exchange/status", "/trade-api/v2/exchange/status")
# The same unsigned endpoint carrying the three headers (it ignores them): isolates their parsing.
WITH_HEADERS = ("  the same + KALSHI-ACCESS-* headers", "/trade-api/v2/exchange/status")
SIGNING_CHUNK = 1000

# Every request is built in init(); request() hands out the next one. Once the
# signed ones run out it sends the path unsigned, a 401 that wrk counts as non-2xx.
# An empty file therefore gives the unsigned baseline through the same client code.
LUA = r"""
local prepared = {}
local count = 0
local unsigned
sent = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local file, key, path = args[1], args[2], args[3]
  for line in io.lines(file) do
    local timestamp, signature = line:match("^(%S+) (%S+)$")
    count = count + 1
    prepared[count] = wrk.format("GET", path, {
      ["KALSHI-ACCESS-KEY"] = key,
      ["KALSHI-ACCESS-TIMESTAMP"] = timestamp,
      ["KALSHI-ACCESS-SIGNATURE"] = signature,
    })
  end
  unsigned = wrk.format("GET", path)
end

function request()
  sent = sent + 1
  return prepared[sent] or unsigned
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
  end
  io.write(string.format("requests-built: %d\n", total))
end
"""


# --- signing, in worker processes ---------------------------------------------------------

_private_key = None
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


def _load_key() -> None:
    global _private_key
    _private_key = serialization.load_pem_private_key(demo.private_key_pem().encode(), password=None)


def _sign_chunk(job: tuple[str, int]) -> list[tuple[str, str]]:
    """`count` requests for GET `path` as (timestamp, base64 signature), stamped when signed."""
    path, count = job
    signed = []
    for _ in range(count):
        timestamp = str(time.time_ns() // 1_000_000)
        signature = _private_key.sign(f"{timestamp}GET{path}".encode(), _PSS, hashes.SHA256())
        signed.append((timestamp, base64.b64encode(signature).decode()))
    return signed


def presign(pool, path: str, n: int) -> list[tuple[str, str]]:
    jobs = [(path, min(SIGNING_CHUNK, n - start)) for start in range(0, n, SIGNING_CHUNK)]
    return [pair for chunk in pool.map(_sign_chunk, jobs) for pair in chunk]


# --- HTTP ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    rps: float
    p50_ms: float
    non_2xx: int
    built: int  # requests the Lua script handed to wrk


def wrk(url: str, script: Path, lines: Path, path: str, seconds: int, connections: int) -> Run:
    out, rps, p50_ms, non_2xx = run_wrk(url, seconds, connections, str(script), str(lines), demo.KEY_ID, path)
    built = int(re.search(r"requests-built: (\d+)", out).group(1))
    return Run(rps, p50_ms, non_2xx, built)


def write_lines(file: Path, signed: list[tuple[str, str]]) -> None:
    file.write_text("".join(f"{timestamp} {signature}\n" for timestamp, signature in signed))


class Bench:
    def __init__(self, args, pool, base: str, workdir: Path) -> None:
        self.args, self.pool, self.base = args, pool, base
        self.script = workdir / "presigned.lua"
        self.script.write_text(LUA)
        self.lines = workdir / "signed.txt"
        self.empty = workdir / "none.txt"
        self.empty.write_text("")

    def unsigned(self, seconds: int) -> Run:
        _, path = UNSIGNED
        return wrk(self.base + path, self.script, self.empty, path, seconds, self.args.connections)

    def with_headers(self, seconds: int) -> Run:
        """Sends the last signed run's headers (used or not) to the unsigned endpoint."""
        _, path = WITH_HEADERS
        return wrk(self.base + path, self.script, self.lines, path, seconds, self.args.connections)

    def signed(self, seconds: int) -> tuple[Run, int, float]:
        """The run, how many requests were signed for it, and the age of the oldest when wrk ended."""
        _, path = SIGNED
        n = seconds * self.args.max_rps
        began = time.monotonic()
        write_lines(self.lines, presign(self.pool, path, n))
        run = wrk(self.base + path, self.script, self.lines, path, seconds, self.args.connections)
        return run, n, time.monotonic() - began


# --- in-process CPU ----------------------------------------------------------------------

def cpu_cases(services, conn, signed: list[tuple[str, str]], path: str) -> dict[str, Case]:
    from kalshi_local.auth.signatures import Verifier, read_signed_headers

    public_key = serialization.load_pem_private_key(demo.private_key_pem().encode(), password=None).public_key()
    sha256 = hashes.SHA256()
    prepared = [(base64.b64decode(sig), f"{ts}GET{path}".encode()) for ts, sig in signed]
    headers = [(demo.KEY_ID, ts, sig) for ts, sig in signed]
    verifier = Verifier(window_ms=services.settings.signature_window_s * 1000)
    authenticator = services.authenticator

    def raw(salt) -> Case:
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt)

        def run(start: int, stop: int) -> None:
            for signature, message in prepared[start:stop]:
                public_key.verify(signature, message, pss, sha256)

        return run

    def verify(start: int, stop: int) -> None:
        for triple in headers[start:stop]:
            verifier.verify(read_signed_headers(*triple), "GET", path, public_key)

    def authenticate(start: int, stop: int) -> None:
        for triple in headers[start:stop]:
            authenticator.authenticate(conn, triple, "GET", path, needs_write=False, bucket="read", cost=10)

    return {
        "raw verify, salt DIGEST_LENGTH": raw(padding.PSS.DIGEST_LENGTH),
        "raw verify, salt AUTO (as served)": raw(padding.PSS.AUTO),
        "headers + Verifier.verify": verify,
        "authenticator.authenticate": authenticate,
    }


def measure_cpu(args, pool, db: Path) -> dict[str, list[float]]:
    from kalshi_local.config import Settings
    from kalshi_local.services import Services
    from kalshi_local.store import db as store_db

    _, path = SIGNED
    services = Services.open(Settings(database_url=store_db.database_url(db), rate_limits=False))
    timings: dict[str, list[float]] = {}
    try:
        with services.reading() as conn:
            for _ in range(args.cpu_rounds):
                # Fresh signatures every round: the authenticator remembers the last round's.
                signed = presign(pool, path, args.cpu_n)
                for name, value in interleaved_round(cpu_cases(services, conn, signed, path), args.cpu_n).items():
                    timings.setdefault(name, []).append(value)
    finally:
        services.close()
    return timings


# --- main --------------------------------------------------------------------------------


def median_of(runs: list[Run]) -> tuple[float, float]:
    return statistics.median(r.rps for r in runs), statistics.median(r.p50_ms for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8912)
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--max-rps", type=int, default=10_000,
                        help="signed requests prepared per second of a run; must exceed the signed rate")
    parser.add_argument("--signature-window", type=int, default=60, help="the server's freshness window, s")
    parser.add_argument("--cpu-n", type=int, default=2000, help="signed requests per in-process round")
    parser.add_argument("--cpu-rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="signing processes")
    args = parser.parse_args()

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="auth-http-") as tmp, \
            multiprocessing.Pool(args.workers, initializer=_load_key) as pool:
        workdir = Path(tmp)
        db = workdir / "store.db"
        server = start_server(str(db), args.port, "--rate-limits", "off", "--signature-window", str(args.signature_window))
        bench = Bench(args, pool, f"http://127.0.0.1:{args.port}", workdir)
        unsigned: list[Run] = []
        signed: list[Run] = []
        with_headers: list[Run] = []
        prepared: list[int] = []
        oldest_s = 0.0
        try:
            bench.unsigned(1)  # warm up
            bench.signed(1)
            for _ in range(args.runs):
                unsigned.append(bench.unsigned(args.seconds))
                run, n, age = bench.signed(args.seconds)
                signed.append(run)
                prepared.append(n)
                oldest_s = max(oldest_s, age)
                with_headers.append(bench.with_headers(args.seconds))
        finally:
            server.terminate()
            server.wait()
        cpu = measure_cpu(args, pool, db)
    report(args, unsigned, signed, with_headers, prepared, oldest_s, cpu)


def report(args, unsigned, signed, with_headers, prepared, oldest_s, cpu) -> None:
    print(f"kalshi-local serve --rate-limits off (the tiers cap far below these rates), "
          f"--signature-window {args.signature_window}, fresh SQLite store with the demo catalog")
    print(f"wrk -t1 -c{args.connections} -d{args.seconds}s through a Lua script, runs interleaved, "
          f"median of {args.runs}")
    print(f"{'endpoint':37} {'req/s':>7} {'p50 ms':>7}  per run (req/s)")
    for (name, _), runs in ((UNSIGNED, unsigned), (WITH_HEADERS, with_headers), (SIGNED, signed)):
        rps, p50 = median_of(runs)
        print(f"{name:37} {rps:7.0f} {p50:7.2f}  [{', '.join(f'{r.rps:.0f}' for r in runs)}]")
    unsigned_rps, _ = median_of(unsigned)
    signed_rps, _ = median_of(signed)
    ratio = signed_rps / unsigned_rps
    added_us = (1 / signed_rps - 1 / unsigned_rps) * 1e6
    per_run = ", ".join(f"{s.rps / u.rps:.2f}" for s, u in zip(signed, unsigned))
    print(f"ratio signed/unsigned: {ratio:.2f}   (goal >= 0.60: {'met' if ratio >= 0.60 else 'NOT met'});"
          f" per run [{per_run}]")
    headers_us = (1 / median_of(with_headers)[0] - 1 / unsigned_rps) * 1e6
    print(f"signed balance minus unsigned status: {added_us:.1f} µs of server time per request (authentication plus"
          f" the two handlers' own difference; carrying the headers alone: {headers_us:.1f} µs)")
    sent = [r.built for r in signed]
    non_2xx = [r.non_2xx for r in signed]
    print(f"signed requests: prepared {prepared}, handed to wrk {sent}; non-2xx {non_2xx} (must be 0); "
          f"oldest signature {oldest_s:.0f} s old at the end of its run")
    print(f"unsigned non-2xx {[r.non_2xx + h.non_2xx for r, h in zip(unsigned, with_headers)]} (must be 0)")

    medians = {name: statistics.median(values) for name, values in cpu.items()}
    baseline = medians["raw verify, salt AUTO (as served)"]
    print(f"in-process CPU per call, µs, median of {args.cpu_rounds} rounds of {args.cpu_n} distinct requests:")
    for name, value in medians.items():
        spread = ", ".join(f"{v:.1f}" for v in cpu[name])
        print(f"  {name:34} {value:7.1f}  +{value - baseline:5.1f} over raw AUTO   [{spread}]")
    step = medians["authenticator.authenticate"]
    print(f"goal: authentication adds <= 25 µs per request. In process it takes {step:.1f} µs "
          f"({'met' if step <= 25 else 'NOT met'}): the RSA verify alone {baseline:.1f} µs, the key lookup, "
          f"header parsing and replay check {step - baseline:.1f} µs")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if any(non_2xx) or any(r.non_2xx for r in unsigned + with_headers):
        raise SystemExit("some responses were not 2xx: the figures above are not valid")


if __name__ == "__main__":
    main()
