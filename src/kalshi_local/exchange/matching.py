"""Matching an incoming order against a book: price-time priority, at the resting order's price.

Two steps, so that the venue can check an order's whole effect before changing anything:
`plan` walks the book without touching it and says what would happen; `execute` applies a plan.
Knows nothing of accounts, fees or time-in-force: the caller decides whether to execute.
"""

from __future__ import annotations

from collections.abc import Callable

from .book import Book, Resting

# A maker entry's cap: (the key of the limit it falls under, the contracts still allowed under
# it) or None when nothing caps it. Entries under one key share what is allowed.
Room = Callable[[Resting], tuple[str, int] | None]


class Plan:
    """What an incoming order would do. `fills` are (maker entry, count) in execution order, each at
    the maker's price; `self_cancels` the owner's own resting entries met under STP `maker` (all of
    each is cancelled); `self_stopped` is True when STP `taker_at_cross` stopped the walk at the
    owner's own entry; `filled` is the total count of `fills`."""

    __slots__ = ("fills", "self_cancels", "self_stopped", "filled")

    def __init__(self) -> None:
        self.fills: list[tuple[Resting, int]] = []
        self.self_cancels: list[Resting] = []
        self.self_stopped = False
        self.filled = 0

    @property
    def self_crossed(self) -> bool:
        return self.self_stopped or bool(self.self_cancels)


def plan(
    book: Book, is_bid: bool, limit: int, count: int, owner: int, cancel_maker: bool, room: Room | None = None
) -> Plan:
    """Walk the opposite side from its best price while it crosses `limit` (a bid crosses asks at or
    below it, an ask bids at or above it), until `count` (raw) is matched. Meeting `owner`'s own
    entry: with `cancel_maker` that entry is to be cancelled and the walk goes on, else it stops.
    With `room`, a maker entry matches no more than its cap allows; one with no room left is passed over."""
    result = Plan()
    if count <= 0:
        return result
    left = count
    fills = result.fills
    used: dict[str, int] = {}
    if is_bid:
        levels, keys, sign = book.asks, book.ask_keys, -1
    else:
        levels, keys, sign = book.bids, book.bid_prices, 1
    for key in reversed(keys):  # best first
        price = sign * key
        if (price > limit) if is_bid else (price < limit):
            break
        for entry in levels[price]:
            remaining = entry.remaining
            if not remaining:
                continue
            if entry.owner == owner:
                if not cancel_maker:
                    result.self_stopped = True
                    result.filled = count - left
                    return result
                result.self_cancels.append(entry)
                continue
            take = remaining if remaining < left else left
            capped = room(entry) if room is not None else None
            if capped is not None:
                cap, allowed = capped
                allowed -= used.get(cap, 0)
                if allowed <= 0:
                    continue
                take = min(take, allowed)
                used[cap] = used.get(cap, 0) + take
            fills.append((entry, take))
            left -= take
            if not left:
                result.filled = count
                return result
    result.filled = count - left
    return result


def execute(book: Book, result: Plan) -> None:
    """Apply a plan to the book it was made on (nothing else may have changed the book since):
    each maker entry loses its filled count, self-cancelled entries leave the book."""
    reduce = book.reduce
    for entry, take in result.fills:
        reduce(entry, take)
    for entry in result.self_cancels:
        book.remove(entry)
