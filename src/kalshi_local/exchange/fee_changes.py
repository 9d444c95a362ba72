"""Scheduled series fee changes (GET /series/fee_changes' SeriesFeeChange) as the venue applies them.

A fee change gives its series a new `fee_type` and `fee_multiplier` at `scheduled_us` on
the exchange clock. The venue fires it with its other timers (exchange/transitions.py),
before anything else due at that instant: every market of the series charges the new fee
from that instant on, fills before it kept the old one. A SeriesFeeChanged event lets the
engine write it to the series (engine/writer.py); until that write is read back, `overlay`
gives markets first seen meanwhile the new fee too.

Choices where the docs are silent:
- An event's fee_type_override / fee_multiplier_override keeps taking precedence over the
  series' fee (the spec's "takes precedence over the series-level fee"), a changed one too:
  markets of such an event keep their override.
- A change written with its time already past applies at once (store/exchange.py does it
  in the write's transaction, and for changes a server finds past due when it starts).
- Several changes of one series at one instant apply in the order they were written.
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .orders import MarketRules

if TYPE_CHECKING:
    from .venue import Venue, _Change


@dataclass(frozen=True, slots=True)
class FeeChange:
    """One pending change, as the store holds it (`seq`: the order it was written in)."""

    id: str
    series_ticker: str
    fee_type: str
    fee_multiplier: str  # decimal text as stored
    scheduled_us: int
    seq: int = 0


@dataclass(frozen=True, slots=True)
class SeriesFeeChanged:
    """Fee change `fee_change_id` took effect for `series_ticker` at `at_us`."""

    seq: int
    fee_change_id: str
    series_ticker: str
    at_us: int


class FeeChanges:
    """The pending changes in the order they take effect, and the series fees applied since
    the rules were last read from the store (`applied`: series ticker -> (fee_type, multiplier))."""

    __slots__ = ("_heap", "applied")

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, FeeChange]] = []
        self.applied: dict[str, tuple[str, str]] = {}

    def load(self, pending: Iterable[FeeChange]) -> None:
        """Take `pending` (the store's) as the whole schedule."""
        self._heap = [(c.scheduled_us, c.seq, c) for c in pending]
        heapq.heapify(self._heap)

    def next_due(self) -> int | None:
        return self._heap[0][0] if self._heap else None

    def pop_at(self, instant: int) -> list[FeeChange]:
        """Takes off the changes due at or before `instant`, in order."""
        due: list[FeeChange] = []
        while self._heap and self._heap[0][0] <= instant:
            due.append(heapq.heappop(self._heap)[2])
        return due

    def overlay(self, rules: MarketRules) -> MarketRules:
        """`rules` with the fee of a change applied to its series since they were read."""
        found = self.applied.get(rules.series_ticker)
        if found is None:
            return rules
        fee_type = rules.fee_type_override or found[0]
        multiplier = rules.fee_multiplier_override or found[1]
        if (fee_type, multiplier) == (rules.fee_type, rules.fee_multiplier):
            return rules
        return dataclasses.replace(rules, fee_type=fee_type, fee_multiplier=multiplier)


def fire(venue: Venue, change: _Change, instant: int) -> None:
    """Applies every change due by `instant`: the series' markets the venue holds take the new fee."""
    schedule = venue.fee_changes
    for fee_change in schedule.pop_at(instant):
        series = fee_change.series_ticker
        schedule.applied[series] = (fee_change.fee_type, fee_change.fee_multiplier)
        for ticker, market in list(venue._markets.items()):
            if market.rules.series_ticker == series:
                venue._use_rules(ticker, market, schedule.overlay(market.rules))
        venue._emit(change, SeriesFeeChanged(venue._seq, fee_change.id, series, instant))
