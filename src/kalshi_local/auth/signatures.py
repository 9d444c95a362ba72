"""Request signatures: reading the KALSHI-ACCESS-* headers and verifying them.

A client signs the UTF-8 text `timestamp + METHOD + path` (path from the root, with
/trade-api/v2 and without the query string) with RSA-PSS over SHA-256
(getting_started/api_keys.md). The verifier checks freshness, the signature, then replay.
"""

from __future__ import annotations

import binascii
import hashlib
import heapq
import threading
from collections.abc import Callable
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from ..exchange.clock import RealClock

KEY_HEADER = "KALSHI-ACCESS-KEY"
TIMESTAMP_HEADER = "KALSHI-ACCESS-TIMESTAMP"
SIGNATURE_HEADER = "KALSHI-ACCESS-SIGNATURE"

MAX_TIMESTAMP_DIGITS = 16
DEFAULT_WINDOW_MS = 60_000

# Kalshi's samples use salt length = digest length, other clients use the maximum.
# AUTO accepts both and measured no slower than DIGEST_LENGTH (bench/auth_cpu.py).
_PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.AUTO)
_SHA256 = hashes.SHA256()


class SignatureError(Exception):
    """A signed request was rejected; `message` names the check that failed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SignedRequest(NamedTuple):  # a tuple: built on every signed request, and cheaper than a frozen dataclass
    key_id: str
    timestamp_ms: int
    signature: bytes


def read_signed_headers(key: str | None, timestamp: str | None, signature: str | None) -> SignedRequest | None:
    """The three raw header values parsed, or None for an unsigned request (all three absent)."""
    if key is None and timestamp is None and signature is None:
        return None
    # All three are checked for presence before any is parsed: a missing header is reported first.
    key_id = _present(KEY_HEADER, key)
    timestamp_text = _present(TIMESTAMP_HEADER, timestamp)
    signature_text = _present(SIGNATURE_HEADER, signature)
    return SignedRequest(key_id, _parse_timestamp(timestamp_text), _parse_signature(signature_text))


def _present(name: str, value: str | None) -> str:
    if value is None:
        raise SignatureError(f"missing {name} header")
    if not value:
        raise SignatureError(f"{name} header is empty")
    return value


def _parse_timestamp(text: str) -> int:
    if not (text.isascii() and text.isdigit()):
        raise SignatureError(f"{TIMESTAMP_HEADER} must be milliseconds since the epoch, got {_quoted(text)}")
    if len(text) > MAX_TIMESTAMP_DIGITS:
        raise SignatureError(f"{TIMESTAMP_HEADER} must be at most {MAX_TIMESTAMP_DIGITS} digits, got {len(text)}")
    # The client signed the header text; re-rendering '0123' as 123 would never match it.
    if len(text) > 1 and text[0] == "0":
        raise SignatureError(f"{TIMESTAMP_HEADER} must not have leading zeros, got {_quoted(text)}")
    return int(text)


def _parse_signature(text: str) -> bytes:
    try:
        return binascii.a2b_base64(text, strict_mode=True)
    except ValueError:  # binascii.Error, or a non-ASCII str
        raise SignatureError(f"{SIGNATURE_HEADER} is not valid base64") from None


def _quoted(text: str, limit: int = 24) -> str:
    """The value as shown back to the client: quoted, and cut short so a 401 body stays small."""
    return repr(text if len(text) <= limit else text[:limit] + "...")


_REAL_CLOCK = RealClock()


def wall_clock_ms() -> int:
    return _REAL_CLOCK.now_us() // 1000


def _seconds(ms: int) -> str:
    """Milliseconds as seconds without floats or lost precision: 75200 -> '75.2', 60001 -> '60.001'."""
    whole, rest = divmod(ms, 1000)
    return f"{whole}.{rest:03d}".rstrip("0").rstrip(".")


class Verifier:
    """Checks signed requests against the real time (clients sign with it, never the exchange clock)."""

    def __init__(self, window_ms: int = DEFAULT_WINDOW_MS, now_ms: Callable[[], int] = wall_clock_ms) -> None:
        if window_ms < 1:
            raise ValueError(f"window_ms must be at least 1, got {window_ms}")
        self._window_ms = window_ms
        self._now_ms = now_ms
        self._memory = _ReplayMemory()
        # Highest time seen: freshness is re-checked against it under the lock, so neither
        # a wall clock stepping back nor a slower thread can revive a forgotten signature.
        self._latest_ms = 0
        self._lock = threading.Lock()

    def verify(self, request: SignedRequest, method: str, path: str, public_key: RSAPublicKey) -> None:
        """Raise SignatureError unless the request is fresh, signed by `public_key` and not a replay."""
        now_ms = self._now_ms()
        self._check_fresh(request.timestamp_ms, now_ms)
        self._check_signature(request, method, path, public_key)
        self._remember(request, now_ms)

    def remembered(self) -> int:
        """How many accepted signatures are kept for the replay check."""
        with self._lock:
            return len(self._memory)

    def _check_fresh(self, timestamp_ms: int, now_ms: int) -> None:
        if now_ms - timestamp_ms > self._window_ms:
            message = self._stale_message(f"{_seconds(now_ms - timestamp_ms)} s older than")
            if now_ms // 1000 - self._window_ms <= timestamp_ms <= now_ms // 1000 + self._window_ms:
                message += f"; {TIMESTAMP_HEADER} is in milliseconds, and this one looks like seconds"
            raise SignatureError(message)
        if timestamp_ms - now_ms > self._window_ms:
            raise SignatureError(self._stale_message(f"{_seconds(timestamp_ms - now_ms)} s in the future of"))

    def _stale_message(self, how_far: str) -> str:
        return f"request timestamp is {how_far} the server time; the window is {_seconds(self._window_ms)} s"

    def _check_signature(self, request: SignedRequest, method: str, path: str, public_key: RSAPublicKey) -> None:
        message = f"{request.timestamp_ms}{method}{path}".encode()
        try:
            public_key.verify(request.signature, message, _PSS, _SHA256)
        except InvalidSignature:
            raise SignatureError("signature does not match the request (key, method or path)") from None

    def _remember(self, request: SignedRequest, now_ms: int) -> None:
        # Only verified signatures get here, so an invalid one cannot poison the memory.
        with self._lock:
            self._latest_ms = max(self._latest_ms, now_ms)
            self._check_fresh(request.timestamp_ms, self._latest_ms)
            self._memory.forget_older_than(self._latest_ms - self._window_ms)
            if not self._memory.add(request.timestamp_ms, request.signature):
                raise SignatureError("signature was already used (replay)")


class _ReplayMemory:
    """Accepted signatures in buckets of one second of their timestamp, oldest bucket first in a heap.

    A signature covers its timestamp, so a replay carries the same timestamp and is found
    in one bucket; a bucket is dropped whole once every timestamp it can hold is stale.
    """

    _BUCKET_MS = 1000

    def __init__(self) -> None:
        self._buckets: dict[int, set[bytes]] = {}
        self._bucket_heap: list[int] = []
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def add(self, timestamp_ms: int, signature: bytes) -> bool:
        """Record the signature; False if it was already recorded."""
        # Keyed by a 128-bit digest of the signature's value, ~100 B per entry instead of 256-512 B.
        # A replay always maps to the same key: base64 spellings are folded by decoding, and
        # leading zero bytes are dropped because OpenSSL also accepts the signature without them;
        # no other bytes verify (values >= the modulus are rejected). Only verified signatures
        # are recorded, so a collision needs two valid ones: a 2**64 search by a key holder that
        # would only make one of that holder's own requests look like a replay.
        entry = hashlib.blake2b(signature.lstrip(b"\0"), digest_size=16).digest()
        bucket_id = timestamp_ms // self._BUCKET_MS
        bucket = self._buckets.get(bucket_id)
        if bucket is None:
            bucket = self._buckets[bucket_id] = set()
            heapq.heappush(self._bucket_heap, bucket_id)
        elif entry in bucket:
            return False
        bucket.add(entry)
        self._size += 1
        return True

    def forget_older_than(self, cutoff_ms: int) -> None:
        """Drop the buckets whose timestamps are all below `cutoff_ms`."""
        heap = self._bucket_heap
        while heap and (heap[0] + 1) * self._BUCKET_MS <= cutoff_ms:
            self._size -= len(self._buckets.pop(heapq.heappop(heap)))
