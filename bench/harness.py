"""What the benchmark scripts share: starting a server, and timing cases side by side."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

Case = Callable[[int, int], None]  # runs items [start, stop)


def start_server(store: str, port: int, *options: str, env: dict[str, str] | None = None) -> subprocess.Popen:
    """`kalshi-local serve` on `store` (a SQLite path or a database URL), once it answers /admin/v1/health."""
    store_option = ["--database-url", store] if "://" in store else ["--db", store]
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "kalshi-local"), "serve", *store_option, "--port", str(port), *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    return _answering(proc, f"http://127.0.0.1:{port}/admin/v1/health")


def start_baseline(port: int, public_key: Path) -> subprocess.Popen:
    """bench/baseline.py on `port`, verifying orders against the PEM file `public_key`, once it listens."""
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("baseline.py")), "--port", str(port),
         "--public-key", str(public_key)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Any HTTP answer will do (a GET there is a 405): the server is up.
    return _answering(proc, f"http://127.0.0.1:{port}/trade-api/v2/portfolio/events/orders", any_status=True)


def _answering(proc: subprocess.Popen, url: str, any_status: bool = False) -> subprocess.Popen:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=1)
            return proc
        except urllib.error.HTTPError:
            if any_status:
                return proc
            time.sleep(0.05)
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit(f"server did not start ({url})")


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user + system, every thread) the process `pid` has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def admin_call(base: str, token: str, method: str, path: str, body: dict | None = None) -> dict:
    """An admin API call on `base` (http://host:port); the decoded JSON answer. Exits on an error status."""
    request = urllib.request.Request(
        f"{base}/admin/v1{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return json.loads(answer.read())
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"admin {method} {path}: {exc.code} {exc.read()[:500]!r}") from None


def get_json(base: str, path: str) -> dict:
    with urllib.request.urlopen(f"{base}{path}", timeout=30) as answer:
        return json.loads(answer.read())


def trading_scenario(ticker: str, public_pem: str, key_ids: dict[str, str], balance: str) -> dict:
    """A scenario with the exchange open around the clock until 2030, one active market `ticker`
    (series and event named after it) and one user per name of `key_ids`, each with `balance`
    dollars and an API key of that id on `public_pem`."""
    day = [{"open_time": "00:00", "close_time": "24:00"}]
    weekdays = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    series, event = ticker.split("-")[0], ticker.rsplit("-", 1)[0]
    return {
        "exchange": {
            "exchange_active": True,
            "trading_active": True,
            "standard_hours": [{"start_time": "2020-01-01T00:00:00Z", "end_time": "2030-01-01T00:00:00Z",
                                **dict.fromkeys(weekdays, day)}],
        },
        "series": [{"ticker": series, "title": "Benchmark series", "category": "Economics"}],
        "events": [{
            "event_ticker": event,
            "series_ticker": series,
            "title": "Benchmark event",
            "markets": [{"ticker": ticker, "title": "Benchmark market", "open_time": "2020-01-01T00:00:00Z",
                         "close_time": "2030-01-01T00:00:00Z", "status": "active"}],
        }],
        "users": [
            {"name": name, "tier": "premier", "balance": balance,
             "api_keys": [{"id": key_id, "public_key": public_pem, "name": "bench"}]}
            for name, key_id in key_ids.items()
        ],
    }


def interleaved_round(cases: dict[str, Case], n: int, chunk: int = 250) -> dict[str, float]:
    """µs per item of each case over n items, run chunk by chunk in turn so outside load hits all alike."""
    spent = dict.fromkeys(cases, 0.0)
    for start in range(0, n, chunk):
        for name, run in cases.items():
            began = time.perf_counter()
            run(start, min(start + chunk, n))
            spent[name] += time.perf_counter() - began
    return {name: seconds / n * 1e6 for name, seconds in spent.items()}


def run_wrk(
    url: str, seconds: int, connections: int, *script: str, headers: Sequence[str] = ()
) -> tuple[str, float, float, int]:
    """wrk -t1 on `url` (`script`: -s FILE and its arguments; `headers`: "Name: value" lines);
    (output, req/s, p50 ms, non-2xx count)."""
    extra = ["-s", script[0], url, "--", *script[1:]] if script else [url]
    with_headers = [arg for header in headers for arg in ("-H", header)]
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", *with_headers, *extra],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return out, rps, float(p50.group(1)) * scale, int(errors.group(1)) if errors else 0
