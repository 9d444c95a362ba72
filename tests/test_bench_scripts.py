"""The order benchmarks' parts work: the scripts start, the baseline verifies signatures, and
presigned.lua sends each request once and counts every status code (a run of errors must show)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import harness  # noqa: E402
import signed_load  # noqa: E402

needs_wrk = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")


@pytest.mark.parametrize(
    "script", ["baseline.py", "order_entry.py", "reads_under_flow.py", "rfq_roundtrip.py", "ws_fanout.py", "ws_sustained.py"]
)
def test_script_help(script: str) -> None:
    out = subprocess.run([sys.executable, str(BENCH / script), "--help"], capture_output=True, text=True, check=True)
    assert "usage:" in out.stdout


@pytest.fixture(scope="module")
def baseline(tmp_path_factory, unused_port):
    workdir = tmp_path_factory.mktemp("baseline")
    private_pem, _ = signed_load.new_key_pair(workdir)
    proc = harness.start_baseline(unused_port, workdir / "public.pem")
    signer = signed_load.Signer(private_pem, workers=1)
    yield f"http://127.0.0.1:{unused_port}", signer, workdir
    signer.close()
    harness.stop(proc)


@pytest.fixture(scope="module")
def unused_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _orders(n: int) -> list[signed_load.Unsigned]:
    return list(signed_load.order_bodies("BENCH-E1-M", ("key-a", "key-b"), n))


@needs_wrk
def test_each_signed_order_is_sent_once_and_answered_201(baseline) -> None:
    url, signer, workdir = baseline
    file = workdir / "good.tsv"
    assert signer.write(_orders(40), file) == 40
    result = signed_load.send(url, file, 1, connections=8)
    assert (result.sent, result.answered, result.codes) == (40, 40, {"201": 40})
    assert result.clean and result.used_up


@needs_wrk
def test_a_wrong_signature_is_counted_as_a_401_and_the_run_is_not_clean(baseline) -> None:
    url, signer, workdir = baseline
    file = workdir / "bad.tsv"
    # Signed for another path: the baseline checks the path it was sent to.
    signer.write([replace(r, path="/trade-api/v2/portfolio/orders") for r in _orders(4)], file)
    lines = [line.replace("/trade-api/v2/portfolio/orders", signed_load.ORDERS_PATH, 1)
             for line in file.read_text().splitlines(keepends=True)]
    file.write_text("".join(lines))
    result = signed_load.send(url, file, 1, connections=2)
    assert result.codes == {"401": 4}
    assert not result.clean and result.non_2xx == 4
    assert "unauthorized" in result.samples["401"]
    assert "NOT CLEAN" in signed_load.describe(result)


@needs_wrk
def test_a_rate_spreads_the_requests_over_time(baseline) -> None:
    url, signer, workdir = baseline
    file = workdir / "paced.tsv"
    signer.write(_orders(10), file)
    result = signed_load.send(url, file, 2, connections=4, rate=20)
    assert result.codes == {"201": 10}
    # Ten requests 50 ms apart: the last leaves about 450 ms after the first (wrk's timers have 1 ms steps);
    # unpaced, all would leave within a few ms.
    assert result.window_s >= 0.4
