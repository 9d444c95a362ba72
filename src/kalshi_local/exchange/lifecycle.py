"""Market statuses, and how time moves a market between them.

The store keeps the status last set explicitly (by creation or by an admin
action). `initialized -> active` at `open_time` and `active/inactive -> closed`
at `close_time` are implicit (getting_started/market_lifecycle.md), so the
status a client sees is derived from the stored one and the exchange clock.
"""

from __future__ import annotations

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
