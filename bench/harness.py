"""What the benchmark scripts share: starting a server, and timing cases side by side."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
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
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/v1/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("server did not start")


def interleaved_round(cases: dict[str, Case], n: int, chunk: int = 250) -> dict[str, float]:
    """µs per item of each case over n items, run chunk by chunk in turn so outside load hits all alike."""
    spent = dict.fromkeys(cases, 0.0)
    for start in range(0, n, chunk):
        for name, run in cases.items():
            began = time.perf_counter()
            run(start, min(start + chunk, n))
            spent[name] += time.perf_counter() - began
    return {name: seconds / n * 1e6 for name, seconds in spent.items()}


def run_wrk(url: str, seconds: int, connections: int, *script: str) -> tuple[str, float, float, int]:
    """wrk -t1 on `url` (`script`: -s FILE and its arguments); (output, req/s, p50 ms, non-2xx count)."""
    extra = ["-s", script[0], url, "--", *script[1:]] if script else [url]
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", *extra],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p50.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return out, rps, float(p50.group(1)) * scale, int(errors.group(1)) if errors else 0
