"""Cold start with the demo catalog: time to the first answered request, and RSS.

Each run starts `kalshi-local serve` on a new, empty SQLite file (so the demo
catalog is loaded), polls GET /exchange/status until it answers, and reads the
process's resident memory from /proc. Prints the median of the runs.

    python bench/cold_start.py --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def one_run(port: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(Path(sys.executable).parent / "kalshi-local"), "serve", "--db", f"{tmp}/demo.db", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/trade-api/v2/markets?limit=1", timeout=1)
                    break
                except urllib.error.HTTPError as exc:
                    raise SystemExit(f"server answered {exc.code}") from None
                except OSError:
                    if proc.poll() is not None:
                        raise SystemExit("server exited")
                    time.sleep(0.005)
            elapsed = time.perf_counter() - started
            return elapsed, rss_mb(proc.pid)
        finally:
            proc.terminate()
            proc.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--port", type=int, default=8912)
    args = parser.parse_args()
    runs = [one_run(args.port) for _ in range(args.runs)]
    print(f"cold start with demo catalog, median of {args.runs}: "
          f"{statistics.median(t for t, _ in runs):.3f} s to first response, "
          f"RSS {statistics.median(r for _, r in runs):.1f} MB")


if __name__ == "__main__":
    main()
