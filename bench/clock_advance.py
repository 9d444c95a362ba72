"""One day of the manual exchange clock with 10,000 markets, each opening, closing, being
determined and settling with open positions.

Per run: a fresh SQLite store, `kalshi-local serve --clock manual`, the clock set to
2030-01-01T00:00Z, and a scenario of --markets markets in events of --per-event (one
open time, close time and settlement timer per event, events 3 s apart) plus two users.
The day, each step timed:

- 00:00 -> 02:00: every market opens (the "open" batch of each event's instant);
- trading (not timed as part of the clock): alice rests two bids a market (scenario
  `orders`), bob sells into the first through the admin order route, so every market has
  open positions and a resting order;
- 02:00 -> 13:00: every market closes, its resting orders cancelled;
- determination (at 13:00): one `lifecycle` upload determining every market, yes or no
  alternately (determination is an explicit move: market_lifecycle.md);
- 13:00 -> 24:00: every settlement timer ends (one hour plus 3 s per event): positions
  are paid out and the markets finalized.

The figure of the issue is the sum of the three clock moves and the determination. Each
move is a POST /admin/v1/clock over loopback. Prints medians of --runs runs.

    python bench/clock_advance.py [--runs 3] [--markets 10000] [--per-event 10]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from harness import admin_call, get_json, start_server, stop

DAY0 = 1_893_456_000  # 2030-01-01T00:00:00Z
SERIES = "KXADV"
STEP = 3  # seconds between two events' instants


def iso(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


def scenario(markets: int, per_event: int) -> dict:
    events = []
    for e in range((markets + per_event - 1) // per_event):
        shift = e * STEP
        tickers = [f"{SERIES}-E{e:05d}-M{k}" for k in range(min(per_event, markets - e * per_event))]
        events.append({
            "event_ticker": f"{SERIES}-E{e:05d}",
            "series_ticker": SERIES,
            "title": f"Event {e}",
            "markets": [{
                "ticker": ticker,
                "title": ticker,
                "status": "initialized",
                "open_time": iso(DAY0 + 3600 + shift),
                "close_time": iso(DAY0 + 12 * 3600 + shift),
                "settlement_timer_seconds": 3600 + shift,
            } for ticker in tickers],
        })
    return {
        "exchange": {"exchange_active": True, "trading_active": True},
        "series": [{"ticker": SERIES, "title": "Clock bench", "category": "Economics"}],
        "events": events,
        "users": [{"name": "alice", "tier": "premier"}, {"name": "bob", "tier": "premier"}],
    }


def tickers_of(doc: dict) -> list[str]:
    return [m["ticker"] for event in doc["events"] for m in event["markets"]]


def one_run(args, port: int) -> dict[str, float]:
    workdir = Path(tempfile.mkdtemp(prefix="kl-clock-"))
    token = secrets.token_hex(16)
    server = start_server(str(workdir / "store.db"), port, "--no-demo", "--rate-limits", "off",
                          "--clock", "manual", "--admin-token", token)
    base = f"http://127.0.0.1:{port}"
    took: dict[str, float] = {}

    def call(method: str, path: str, body: dict | None = None) -> dict:
        return admin_call(base, token, method, path, body)

    def move_to(name: str, seconds: int) -> None:
        began = time.perf_counter()
        call("POST", "/clock", {"set": iso(seconds)})
        took[name] = time.perf_counter() - began

    try:
        call("POST", "/clock", {"set": iso(DAY0)})
        doc = scenario(args.markets, args.per_event)
        tickers = tickers_of(doc)
        call("POST", "/scenario", doc)
        for name in ("alice", "bob"):
            call("POST", f"/users/{name}/deposits", {"amount": "10000000.00", "type": "wire"})

        move_to("open", DAY0 + 2 * 3600)
        bids = [{"user": "alice", "ticker": t, "side": "bid", "price": price, "count": count}
                for t in tickers for price, count in (("0.4000", "10.00"), ("0.3000", "5.00"))]
        call("POST", "/scenario", {"orders": bids})

        def sell(ticker: str) -> None:
            order = {"ticker": ticker, "side": "ask", "price": "0.4000", "count": "10.00"}
            call("POST", "/users/bob/orders", {**order, "time_in_force": "fill_or_kill"})

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(sell, tickers))

        move_to("close", DAY0 + 13 * 3600)
        began = time.perf_counter()
        moves = [{"ticker": t, "action": "determine", "result": "yes" if i % 2 else "no"}
                 for i, t in enumerate(tickers)]
        call("POST", "/scenario", {"lifecycle": moves})
        took["determine"] = time.perf_counter() - began
        move_to("settle", DAY0 + 24 * 3600)
        check(base, tickers)
    finally:
        stop(server)
    took["day"] = sum(took.values())
    return took


def check(base: str, tickers: list[str]) -> None:
    """Every market finalized, and settlements paid (spot checks: first and last market)."""
    for ticker in (tickers[0], tickers[-1]):
        market = get_json(base, f"/trade-api/v2/markets/{ticker}")["market"]
        if market["status"] != "finalized":
            raise SystemExit(f"{ticker} is {market['status']}, not finalized")
    settled = get_json(base, f"/trade-api/v2/markets?status=settled&limit=1000&series_ticker={SERIES}")
    if len(settled["markets"]) != min(1000, len(tickers)):
        raise SystemExit(f"only {len(settled['markets'])} settled markets listed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8931)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--markets", type=int, default=10_000)
    parser.add_argument("--per-event", type=int, default=10)
    args = parser.parse_args()

    runs = []
    for n in range(args.runs):
        runs.append(one_run(args, args.port))
        print(f"run {n + 1}: " + ", ".join(f"{k} {v:.2f} s" for k, v in runs[-1].items()), flush=True)
    events = (args.markets + args.per_event - 1) // args.per_event
    print(f"\n{args.markets:,} markets in {events:,} events ({events:,} instants each of open, close, settle),")
    print(f"two positions and one resting order a market; SQLite; median of {args.runs} runs")
    for name in runs[0]:
        print(f"{name:10} {statistics.median(run[name] for run in runs):7.2f} s")


if __name__ == "__main__":
    main()
