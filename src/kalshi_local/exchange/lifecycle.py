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
