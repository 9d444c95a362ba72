"""Streamed order books: one per market with orderbook_delta subscribers, kept from the events.

A book starts from the store at a known seq (store/book_snapshots.py). Events published while
that read runs wait in `pending` and only those after its seq are applied, so the book equals
the store's after every published event: a snapshot taken from it and the deltas sent after it
add up to GET /markets/{ticker}/orderbook at the same point.
"""

from __future__ import annotations

from ..exchange.events import BookChanged


class StreamedBook:
    __slots__ = ("ticker", "bids", "asks", "seq", "pending", "ready")

    def __init__(self, ticker: str) -> None:
        self.ticker = ticker
        self.bids: dict[int, int] = {}  # yes price -> count
        self.asks: dict[int, int] = {}
        self.seq = 0
        self.pending: list[BookChanged] | None = []  # events published while loading
        self.ready = False

    def apply(self, event: BookChanged) -> None:
        if not self.ready:
            assert self.pending is not None
            self.pending.append(event)
            return
        if event.seq <= self.seq:
            return
        self.seq = event.seq
        levels = self.bids if event.book_side == "bid" else self.asks
        size = levels.get(event.price, 0) + event.delta
        if size:
            levels[event.price] = size
        else:
            levels.pop(event.price, None)

    def loaded(self, seq: int, bids: dict[int, int], asks: dict[int, int]) -> None:
        """The store's levels at `seq`; the events that waited meanwhile are applied after them."""
        self.bids, self.asks, self.seq = dict(bids), dict(asks), seq
        pending, self.pending, self.ready = self.pending or [], None, True
        for event in pending:
            self.apply(event)
