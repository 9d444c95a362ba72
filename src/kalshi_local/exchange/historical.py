"""The live and historical tiers: which records the live endpoints stop serving.

getting_started/historical_data.md: records older than a cutoff are served only by the
`/historical/...` endpoints, and the cutoffs trail the exchange clock by a window (the
docs' target is three months, taken here as 90 days). One window moves all three cutoffs:

- a market is historical once it settled (`settlement_us`) before `market_settled_us`;
  its candlesticks follow it;
- a trade, and every fill of it, once it happened before `trades_created_us`;
- an order once it was canceled or fully executed (its last change, `updated_us`) before
  `orders_updated_us`. A resting order is always live.

"Before" is strict: a record at exactly the cutoff is live. Times are microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from .clock import MICROS, MIN_US

DAY_S = 86_400
DEFAULT_WINDOW_S = 90 * DAY_S  # "The target window for live data is 3 months"
MAX_WINDOW_S = 365_000 * DAY_S  # past the years an exchange time can show: nothing is ever historical


@dataclass(frozen=True, slots=True)
class Cutoffs:
    market_settled_us: int
    trades_created_us: int
    orders_updated_us: int


def cutoffs(now_us: int, window_s: int) -> Cutoffs:
    """The cutoffs `window_s` seconds behind `now_us` (never before the first time a record can have)."""
    cutoff = max(now_us - window_s * MICROS, MIN_US)
    return Cutoffs(cutoff, cutoff, cutoff)


@dataclass(frozen=True, slots=True)
class Tier:
    """One side of a cutoff: `historical` is True for the records before `cutoff_us`,
    False for those at or after it (the live side)."""

    cutoff_us: int
    historical: bool

    def holds(self, us: int | None) -> bool:
        """Whether a record stamped `us` is on this side (None, e.g. a market never settled, is live)."""
        if us is None:
            return not self.historical
        return (us < self.cutoff_us) == self.historical


def order_is_historical(status: str, updated_us: int, cutoff_us: int) -> bool:
    """A canceled or executed order whose last change came before the cutoff."""
    return status != "resting" and updated_us < cutoff_us
