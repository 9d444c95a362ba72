"""Market statuses, and how time moves a market between them.

The store keeps the status last set explicitly (by creation or by an admin
action). `initialized -> active` at `open_time` and `active/inactive -> closed`
at `close_time` are implicit (getting_started/market_lifecycle.md), so the
status a client sees is derived from the stored one and the exchange clock.
"""

from __future__ import annotations

from dataclasses import dataclass

MARKET_STATUSES = (
    "initialized",
    "inactive",
    "active",
    "closed",
    "determined",
    "disputed",
    "amended",
    "finalized",
)

# Statuses that time can still move (before any determination).
TIME_DRIVEN = frozenset({"initialized", "active", "inactive"})
POST_CLOSE = frozenset({"closed", "determined", "disputed", "amended"})

# GET /markets?status= and GET /events?status= filter values.
MARKET_STATUS_FILTERS = ("unopened", "open", "paused", "closed", "settled")
EVENT_STATUS_FILTERS = ("unopened", "open", "closed", "settled")


def effective_status(stored: str, open_us: int, close_us: int, now_us: int) -> str:
    if stored not in TIME_DRIVEN:
        return stored
    if now_us >= close_us:
        return "closed"
    if stored == "inactive":
        return "inactive"
    return "active" if now_us >= open_us else "initialized"


def matches_filter(filter_value: str, stored: str, open_us: int, close_us: int, now_us: int) -> bool:
    """The docs' filter mapping, on one market (the store expresses the same in SQL)."""
    status = effective_status(stored, open_us, close_us, now_us)
    if filter_value == "unopened":
        return status == "initialized"
    if filter_value == "open":
        return status == "active"
    if filter_value == "paused":
        return status == "inactive"
    if filter_value == "closed":
        return status in POST_CLOSE
    if filter_value == "settled":
        return status == "finalized"
    raise ValueError(f"unknown status filter {filter_value!r}")


@dataclass(frozen=True, slots=True)
class StatusCondition:
    """A stored status in `stored`, with the clock on a given side of open and close.

    `opened`/`closed`: True means `open_us <= now` / `close_us <= now`, False the
    opposite, None either. The store turns these into SQL with `now` as a parameter.
    """

    stored: frozenset[str]
    opened: bool | None = None
    closed: bool | None = None

    def holds(self, stored: str, open_us: int, close_us: int, now_us: int) -> bool:
        return (
            stored in self.stored
            and (self.opened is None or (open_us <= now_us) == self.opened)
            and (self.closed is None or (close_us <= now_us) == self.closed)
        )


# Stored as either; the clock decides which one shows.
_OPENABLE = frozenset({"initialized", "active"})

# matches_filter as alternatives of stored-status conditions (a market matches if any holds).
FILTER_CONDITIONS: dict[str, tuple[StatusCondition, ...]] = {
    "unopened": (StatusCondition(_OPENABLE, opened=False, closed=False),),
    "open": (StatusCondition(_OPENABLE, opened=True, closed=False),),
    "paused": (StatusCondition(frozenset({"inactive"}), closed=False),),
    "closed": (StatusCondition(POST_CLOSE), StatusCondition(TIME_DRIVEN, closed=True)),
    "settled": (StatusCondition(frozenset({"finalized"})),),
}


# Stored statuses from which the settlement timer runs (market_lifecycle.md: determined,
# and again after a dispute or an amendment).
TIMER_RUNNING = frozenset({"determined", "disputed", "amended"})
RESULTS = ("yes", "no", "scalar")
MICROS = 1_000_000


@dataclass(slots=True)
class MarketLife:
    """One market's lifecycle, as the venue keeps it between commands.

    Times are microseconds on the exchange clock. `status` is the stored status (the
    clock derives the visible one, `status_at`). `result` is yes, no, scalar, void or
    "" before determination; `settlement_value` is what one YES contract pays (Price,
    $0.0001 units: 10,000 for yes, 0 for no). `timer_start_us` is when the settlement
    timer last (re)started: at determination, dispute and amendment.
    """

    ticker: str
    event_ticker: str
    status: str
    open_us: int
    close_us: int
    can_close_early: bool
    settlement_timer_s: int
    latest_expiration_us: int
    expected_expiration_us: int | None = None
    result: str = ""
    settlement_value: int | None = None
    expiration_value: str = ""
    timer_start_us: int | None = None
    settlement_us: int | None = None
    updated_us: int = 0
    legs: tuple[tuple[str, str], ...] = ()  # a combo's (market ticker, side) legs (exchange/combos.py)

    def status_at(self, now_us: int) -> str:
        return effective_status(self.status, self.open_us, self.close_us, now_us)

    def open_due(self) -> int | None:
        """When the clock makes it active, if still ahead (stored initialized)."""
        return self.open_us if self.status == "initialized" else None

    def close_due(self) -> int | None:
        """When the clock closes it, while time still drives it."""
        return self.close_us if self.status in TIME_DRIVEN else None

    def settle_due(self) -> int | None:
        """When the settlement timer ends, while one runs."""
        if self.status not in TIMER_RUNNING or self.timer_start_us is None:
            return None
        return self.timer_start_us + self.settlement_timer_s * MICROS
