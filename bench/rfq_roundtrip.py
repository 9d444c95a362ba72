"""RFQ round trips through REST on the manual clock (getting_started/rfqs.md).

Per run: a fresh SQLite store (or --store, an empty PostgreSQL database URL), `kalshi-local serve
--clock manual`, one active market and two users with large balances and API keys. Each round trip
is five signed REST calls over one keep-alive connection per user (the requester creates an RFQ of
10 contracts, the maker quotes it, the requester accepts YES, the maker confirms, the requester reads
the quote) plus one admin clock move of 15 s that fires the execution timer: the read checks the
quote was executed. Prints round trips/s and REST operations/s per run, then the medians.

    .venv/bin/python bench/rfq_roundtrip.py [--runs 3] [--trips 200] [--store URL]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import secrets
import socket
import statistics
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from harness import admin_call, start_server, stop, trading_scenario
from signed_load import new_key_pair

TICKER = "BENCHRFQ-E1-M"
USERS = {"bench-requester": "bench-key-requester", "bench-maker": "bench-key-maker"}
PREFIX = "/trade-api/v2"
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)


class Party:
    """One user's signed REST calls on a keep-alive connection."""

    def __init__(self, port: int, key_id: str, private_pem: bytes) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.key_id = key_id
        self.key = serialization.load_pem_private_key(private_pem, password=None)

    def call(self, method: str, path: str, body: dict | None = None, expect: int = 200) -> dict:
        stamp = str(int(time.time() * 1000))
        message = f"{stamp}{method}{PREFIX}{path}".encode()
        signature = self.key.sign(message, _PSS, hashes.SHA256())  # type: ignore[union-attr,call-arg]
        headers = {
            "KALSHI-ACCESS-KEY": self.key_id,
            "KALSHI-ACCESS-TIMESTAMP": stamp,
            "KALSHI-ACCESS-SIGNATURE": base64.b64encode(signature).decode(),
            "Content-Type": "application/json",
        }
        self.conn.request(method, PREFIX + path, body=None if body is None else json.dumps(body), headers=headers)
        answer = self.conn.getresponse()
        data = answer.read()
        if answer.status != expect:
            raise SystemExit(f"{method} {path}: {answer.status} {data[:300]!r}")
        return json.loads(data) if data else {}


def round_trip(requester: Party, maker: Party, advance) -> None:
    rfq_id = requester.call("POST", "/communications/rfqs",
                            {"market_ticker": TICKER, "contracts_fp": "10.00", "rest_remainder": False}, 201)["id"]
    quote_id = maker.call("POST", "/communications/quotes",
                          {"rfq_id": rfq_id, "yes_bid": "0.4000", "no_bid": "0.5500", "rest_remainder": False},
                          201)["id"]  # fmt: skip
    requester.call("PUT", f"/communications/quotes/{quote_id}/accept", {"accepted_side": "yes"}, 204)
    maker.call("PUT", f"/communications/quotes/{quote_id}/confirm", None, 204)
    advance()
    status = requester.call("GET", f"/communications/quotes/{quote_id}")["quote"]["status"]
    if status != "executed":
        raise SystemExit(f"quote {quote_id} is {status} after the execution timer")


def one_run(args, port: int) -> float:
    workdir = Path(tempfile.mkdtemp(prefix="kl-rfq-"))
    private_path, public_pem = new_key_pair(workdir)
    token = secrets.token_hex(16)
    store = args.store or str(workdir / "store.db")
    server = start_server(store, port, "--no-demo", "--rate-limits", "off", "--clock", "manual", "--admin-token", token)
    base = f"http://127.0.0.1:{port}"
    try:
        admin_call(base, token, "POST", "/clock", {"set": "2029-06-01T00:00:00Z"})
        scenario = trading_scenario(TICKER, public_pem, USERS, balance="100000000")
        admin_call(base, token, "POST", "/scenario", scenario)
        pem = private_path.read_bytes()
        requester, maker = (Party(port, key_id, pem) for key_id in USERS.values())
        advance = lambda: admin_call(base, token, "POST", "/clock", {"advance_seconds": 15})  # noqa: E731
        round_trip(requester, maker, advance)  # warm up
        began = time.perf_counter()
        for _ in range(args.trips):
            round_trip(requester, maker, advance)
        return args.trips / (time.perf_counter() - began)
    finally:
        stop(server)


def free_port() -> int:
    with socket.socket() as probe:  # other benchmarks may hold the usual ports
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--trips", type=int, default=200, help="round trips per run")
    parser.add_argument("--port", type=int, default=0, help="kalshi-local's port (default: a free one)")
    parser.add_argument("--store", help="an empty PostgreSQL database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    rates = []
    for run in range(args.runs):
        rate = one_run(args, args.port or free_port())
        rates.append(rate)
        print(f"run {run + 1}: {rate:.1f} round trips/s, {rate * 5:.0f} REST operations/s")
    median = statistics.median(rates)
    print(f"median of {args.runs}: {median:.1f} round trips/s ({median * 5:.0f} REST operations/s,"
          " plus one clock move each)")


if __name__ == "__main__":
    main()
