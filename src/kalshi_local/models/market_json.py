"""Rendered Market JSON, cached per market version.

A Market carries some 75 fields; rendering one costs tens of microseconds, so
a page of 1,000 would cost tens of milliseconds. Every write of a market row
bumps its `version`, and the shown status and legacy `category` are part of
the key, so a cached entry is exact for as long as its key matches: nothing
is ever invalidated, old keys just stop being asked for.
"""

from __future__ import annotations

import itertools
from typing import Callable, Iterable, Sequence

import msgspec
from msgspec import Raw

from ..exchange.lifecycle import effective_status
from . import render

Fetch = Callable[[Iterable[int]], Sequence]  # seqs -> whole market rows


class MarketJsonCache:
    def __init__(self, max_entries: int = 50_000) -> None:
        self._entries: dict[tuple, Raw] = {}
        self._max = max_entries
        self._encode = msgspec.json.Encoder().encode

    def render(self, refs: Sequence, now_us: int, fetch: Fetch) -> list[Raw | None]:
        """JSON of each referenced market (rows with seq, version, status, open_us,
        close_us and the series category), aligned with `refs`; None for a market
        deleted meanwhile."""
        found = [self._entries.get(self._key(ref, ref.category, now_us)) for ref in refs]
        missing = {ref.seq: ref.category or "" for ref, raw in zip(refs, found) if raw is None}
        if missing:
            fresh = {}
            for row in fetch(missing):
                category = missing[row.seq]
                fresh[row.seq] = self._entries[self._key(row, category, now_us)] = Raw(
                    self._encode(render.market(row, now_us, category))
                )
            self._trim()
            found = [raw if raw is not None else fresh.get(ref.seq) for ref, raw in zip(refs, found)]
        return found

    @staticmethod
    def _key(ref, category: str | None, now_us: int) -> tuple:
        status = effective_status(ref.status, ref.open_us, ref.close_us, now_us)
        return ref.seq, ref.version, status, category or ""

    def _trim(self) -> None:
        excess = len(self._entries) - self._max
        if excess > 0:
            for key in list(itertools.islice(self._entries, excess + self._max // 10)):
                del self._entries[key]
