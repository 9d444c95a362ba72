"""Signed load for the benchmarks: keys, pre-signed requests made in worker processes, and
wrk runs through presigned.lua that send each of them once and count every status code.

A request is signed as Kalshi clients sign it: RSA-PSS (SHA-256, MGF1-SHA-256, salt = digest
length) over `timestamp_ms + METHOD + path`, base64. Each is stamped with the wall clock when it
is signed, so a file must be sent within the server's freshness window (60 s by default).
"""

from __future__ import annotations

import base64
import json
import multiprocessing
import os
import re
import subprocess
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

LUA = Path(__file__).with_name("presigned.lua")
ORDERS_PATH = "/trade-api/v2/portfolio/events/orders"
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
_CHUNK = 1000  # requests per job handed to a signing process


def new_key_pair(directory: Path) -> tuple[Path, str]:
    """A fresh RSA-2048 key: (path of its private PEM, its public PEM text); the public PEM is also
    written next to it as public.pem."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    (directory / "private.pem").write_bytes(private_pem)
    (directory / "public.pem").write_bytes(public_pem)
    return directory / "private.pem", public_pem.decode()


@dataclass(frozen=True)
class Unsigned:
    """One request to sign: the path is signed without its query string, as clients do."""

    method: str
    path: str
    key_id: str
    body: bytes = b""


def order_bodies(
    ticker: str, key_ids: tuple[str, str], n: int, price: str = "0.50", groups: tuple[str, str] | None = None
) -> Iterator[Unsigned]:
    """n V2 create-order requests alternating between two users at one price: the first user
    bids, the second asks, so about half of the orders cross a resting one (count 1 each).
    With `groups`, each user's orders go in that user's order group."""
    encode = msgspec.json.encode
    for i in range(n):
        body: dict[str, str] = {
            "ticker": ticker,
            "side": "bid" if i % 2 == 0 else "ask",
            "price": price,
            "count": "1",
            "time_in_force": "good_till_canceled",
            "self_trade_prevention_type": "taker_at_cross",
            "client_order_id": uuid.uuid4().hex,
        }
        if groups is not None:
            body["order_group_id"] = groups[i % 2]
        yield Unsigned("POST", ORDERS_PATH, key_ids[i % 2], encode(body))


# --- signing, in worker processes -------------------------------------------------------

_private_key = None


def _load_key(private_pem: Path) -> None:
    global _private_key
    _private_key = serialization.load_pem_private_key(private_pem.read_bytes(), password=None)


def signed_call(base: str, private_pem: Path, request: Unsigned) -> dict:
    """Sends one request signed now (on `base`, http://host:port); its decoded JSON answer."""
    import urllib.request

    key = serialization.load_pem_private_key(private_pem.read_bytes(), password=None)
    timestamp = str(time.time_ns() // 1_000_000)
    signature = key.sign(f"{timestamp}{request.method}{request.path}".encode(), _PSS, hashes.SHA256())  # type: ignore
    headers = {
        "KALSHI-ACCESS-KEY": request.key_id,
        "KALSHI-ACCESS-TIMESTAMP": timestamp,
        "KALSHI-ACCESS-SIGNATURE": base64.b64encode(signature).decode(),
        "Content-Type": "application/json",
    }
    body = request.body or None
    call = urllib.request.Request(base + request.path, data=body, method=request.method, headers=headers)
    with urllib.request.urlopen(call, timeout=60) as answer:
        return json.loads(answer.read())


def _sign_chunk(chunk: list[Unsigned]) -> list[str]:
    lines = []
    for r in chunk:
        timestamp = str(time.time_ns() // 1_000_000)
        signature = _private_key.sign(f"{timestamp}{r.method}{r.path.split('?')[0]}".encode(), _PSS, hashes.SHA256())
        fields = (r.method, r.path, r.key_id, timestamp, base64.b64encode(signature).decode(), r.body.decode())
        lines.append("\t".join(fields) + "\n")
    return lines


class Signer:
    """A pool of signing processes holding one private key (every user of a run shares it)."""

    def __init__(self, private_pem: Path, workers: int | None = None) -> None:
        self._pool = multiprocessing.Pool(
            workers or os.cpu_count() or 1, initializer=_load_key, initargs=(private_pem,)
        )

    def write(self, requests: Iterable[Unsigned], out: Path) -> int:
        """Sign `requests` in order into `out` (presigned.lua's format); how many were written."""
        chunks, chunk = [], []
        for r in requests:
            if "\t" in r.body.decode() or "\n" in r.body.decode():
                raise ValueError("a request body may not hold a tab or a newline")
            chunk.append(r)
            if len(chunk) == _CHUNK:
                chunks.append(chunk)
                chunk = []
        if chunk:
            chunks.append(chunk)
        written = 0
        with out.open("w") as f:
            for lines in self._pool.imap(_sign_chunk, chunks):
                f.writelines(lines)
                written += len(lines)
        return written

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()


# --- sending ---------------------------------------------------------------------------


@dataclass
class Result:
    """One wrk run: rates per second, latencies in ms, answers by status code."""

    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    sent: int
    answered: int
    filled: int
    used_up: bool
    window_s: float
    socket_errors: int
    timeouts: int
    codes: dict[str, int] = field(default_factory=dict)
    samples: dict[str, str] = field(default_factory=dict)

    @property
    def non_2xx(self) -> int:
        return sum(n for code, n in self.codes.items() if not code.startswith("2"))

    @property
    def clean(self) -> bool:
        return self.answered > 0 and self.non_2xx == 0 and self.socket_errors == 0 and self.timeouts == 0

    def statuses(self) -> str:
        return " ".join(f"{code}={n}" for code, n in sorted(self.codes.items())) or "none"


def send(url: str, file: Path, seconds: float, connections: int, rate: int | None = None) -> Result:
    """Send `file` through wrk -t1 (each request once; at `rate` per second if given) for at most
    `seconds` (whole seconds, at least 1)."""
    options = [f"file={file}"] + ([f"rate={rate}"] if rate else [])
    command = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "--latency",
               "-s", str(LUA), url, "--", *options]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    found = re.search(r"^PRESIGNED_RESULT (.*)$", out, re.MULTILINE)
    if not found:
        raise SystemExit(f"wrk printed no result:\n{out}")
    return Result(**json.loads(found.group(1)))


def describe(result: Result) -> str:
    """One line: the figures, then the status counts and a loud warning for anything but 2xx."""
    line = (f"{result.rps:8.0f} req/s  p50 {result.p50_ms:6.2f} ms  p99 {result.p99_ms:6.2f} ms  "
            f"[{result.statuses()}]")
    if result.filled:
        line += f" filled at once {result.filled / result.answered:.0%}"
    if result.used_up:
        line += " (file used up: rate over the time in flight)"
    if result.answered == 0:
        line += f"\n    !!! NO ANSWER to any of {result.sent} requests: the server stalled !!!"
    if not result.clean:
        line += (f"\n    !!! NOT CLEAN: {result.non_2xx} non-2xx, {result.socket_errors} socket errors, "
                 f"{result.timeouts} timeouts of {result.answered} answers !!!")
        for code, body in sorted(result.samples.items()):
            line += f"\n    first {code}: {body}"
    return line
