"""Whole response bodies of read endpoints, replayed while the store is unchanged.

A milestone or structured-target list depends on nothing but the store and the
request's query string, so its bytes can be served again until the next commit
(store/changes.py). Entries belong to the marker they were made under; a
request that sees another marker empties the cache first.
"""

from __future__ import annotations

import gzip
from collections.abc import Hashable


class ResponseCache:
    def __init__(self, max_bytes: int = 64 << 20) -> None:
        self._marker: Hashable | None = None
        self._bodies: dict[Hashable, bytes] = {}
        self._gzipped: dict[Hashable, bytes] = {}
        self._bytes = 0
        self._max_bytes = max_bytes

    def get(self, marker: Hashable, key: Hashable) -> bytes | None:
        if marker != self._marker:
            self._marker = marker
            self._bodies.clear()
            self._gzipped.clear()
            self._bytes = 0
            return None
        return self._bodies.get(key)

    def gzipped(self, key: Hashable, body: bytes) -> bytes:
        """`body` (the entry of `key`) gzip-compressed, made once per entry: a client that
        accepts gzip gets a large list (5,000 candlesticks: 3 MB) in about a tenth of the bytes."""
        packed = self._gzipped.get(key)
        if packed is None:
            packed = self._gzipped[key] = gzip.compress(body, compresslevel=1, mtime=0)
            self._bytes += len(packed)
        return packed

    def put(self, marker: Hashable, key: Hashable, body: bytes) -> None:
        if marker != self._marker:
            return
        if self._bytes + len(body) > self._max_bytes:
            self._bodies.clear()
            self._gzipped.clear()
            self._bytes = 0
        self._bodies[key] = body
        self._bytes += len(body)
