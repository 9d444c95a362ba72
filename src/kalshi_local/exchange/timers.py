"""The exchange clock's timers: what falls due next, per market and kind.

Pure bookkeeping, no clock of its own: the venue asks what is due up to an instant and
fires it. Kinds at one instant fire in the order of KINDS (a market opens before it
closes, closes before it settles). Order expirations live in the venue's own heap.
"""

from __future__ import annotations

import heapq

KINDS = ("open", "close", "settle")


class Timers:
    """At most one pending instant per (kind, ticker); setting one again replaces it. `kinds`
    (KINDS by default) ranks the kinds due at one instant; the ticker may be any key (an RFQ's
    quote id, exchange/rfqs.py)."""

    def __init__(self, kinds: tuple[str, ...] = KINDS) -> None:
        self._kinds = kinds
        self._rank = {kind: rank for rank, kind in enumerate(kinds)}
        self._heap: list[tuple[int, int, str]] = []  # (due_us, rank, ticker); stale entries are skipped
        self._due: dict[tuple[int, str], int] = {}  # (rank, ticker) -> due_us

    def __len__(self) -> int:
        return len(self._due)

    def set(self, kind: str, ticker: str, due_us: int | None) -> None:
        """Schedule `kind` for `ticker` at `due_us` (microseconds on the exchange clock); None cancels it."""
        key = (self._rank[kind], ticker)
        if due_us is None:
            self._due.pop(key, None)
            return
        if self._due.get(key) == due_us:
            return
        self._due[key] = due_us
        heapq.heappush(self._heap, (due_us, key[0], ticker))

    def due(self, kind: str, ticker: str) -> int | None:
        return self._due.get((self._rank[kind], ticker))

    def next_due(self) -> int | None:
        """The earliest pending instant, or None."""
        self._drop_stale()
        return self._heap[0][0] if self._heap else None

    def pop_at(self, instant: int) -> list[tuple[str, str]]:
        """Takes off every (kind, ticker) due at exactly `instant` (the earliest pending one),
        in kind order then ticker order."""
        fired: list[tuple[str, str]] = []
        while True:
            self._drop_stale()
            if not self._heap or self._heap[0][0] != instant:
                return fired
            _, rank, ticker = heapq.heappop(self._heap)
            del self._due[(rank, ticker)]
            fired.append((self._kinds[rank], ticker))

    def clear(self) -> None:
        self._heap.clear()
        self._due.clear()

    def _drop_stale(self) -> None:
        heap, due = self._heap, self._due
        while heap and due.get((heap[0][1], heap[0][2])) != heap[0][0]:
            heapq.heappop(heap)
