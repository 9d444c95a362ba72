"""One market's order book in yes-price space: bids are YES bids, asks are NO bids at their yes price.

Built for speed: raw ints, one dict of price levels per side, each level a FIFO deque with lazy
deletion (a cancelled entry stays in its queue with nothing remaining until it reaches the head,
where it is dropped, or the level empties or is swept), and each side's prices in a sorted list
whose last item is the best.
Knows nothing of accounts: an entry names its owner only for self-trade prevention.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import deque

PRICE_SCALE = 10_000  # $1 in raw price units
_COMPACT_AT = 32  # a level's dead entries are swept when they are this many and the majority


class Resting:
    """An order's place in the book. `key` is the order's id, `owner` who placed it (for
    self-trade prevention), `price` its yes price, `remaining` its resting count (raw)."""

    __slots__ = ("key", "owner", "is_bid", "price", "remaining")

    def __init__(self, key: str, owner: int, is_bid: bool, price: int, remaining: int) -> None:
        self.key = key
        self.owner = owner
        self.is_bid = is_bid
        self.price = price
        self.remaining = remaining


class Level(deque[Resting]):
    """The entries resting at one price, oldest first (the deque itself, so that the hot paths
    skip an attribute); `size` is their total remaining count, `dead` how many have none left."""

    __slots__ = ("size", "dead")

    def __init__(self) -> None:
        super().__init__()
        self.size = 0
        self.dead = 0


class Book:
    """Bids and asks of one market. `bid_prices` ascends (best bid last); `ask_keys` holds
    -price ascending (best ask last). `liquidity` is the value of every resting entry (Amount):
    p x count for a bid, (1 - p) x count for an ask."""

    __slots__ = ("ticker", "bids", "asks", "bid_prices", "ask_keys", "entries", "liquidity")

    def __init__(self, ticker: str) -> None:
        self.ticker = ticker
        self.bids: dict[int, Level] = {}
        self.asks: dict[int, Level] = {}
        self.bid_prices: list[int] = []
        self.ask_keys: list[int] = []
        self.entries: dict[str, Resting] = {}
        self.liquidity = 0

    # --- reads ---

    def best_bid(self) -> int | None:
        return self.bid_prices[-1] if self.bid_prices else None

    def best_ask(self) -> int | None:
        return -self.ask_keys[-1] if self.ask_keys else None

    def size_at(self, is_bid: bool, price: int) -> int:
        level = (self.bids if is_bid else self.asks).get(price)
        return level.size if level else 0

    def crosses(self, is_bid: bool, price: int) -> bool:
        """Whether an order on `is_bid`'s side at `price` would meet a resting order."""
        if is_bid:
            return bool(self.ask_keys) and price >= -self.ask_keys[-1]
        return bool(self.bid_prices) and price <= self.bid_prices[-1]

    def levels(self, is_bid: bool) -> list[tuple[int, int]]:
        """(price, size) of one side, best first."""
        if is_bid:
            return [(p, self.bids[p].size) for p in reversed(self.bid_prices)]
        return [(-k, self.asks[-k].size) for k in reversed(self.ask_keys)]

    def queue_of(self, is_bid: bool, price: int) -> list[Resting]:
        """The live entries at one level, oldest first."""
        level = (self.bids if is_bid else self.asks).get(price)
        return [r for r in level if r.remaining] if level else []

    # --- writes ---

    def add(self, entry: Resting) -> None:
        """Rest `entry` at the back of its level."""
        price = entry.price
        remaining = entry.remaining
        if entry.is_bid:
            level = self.bids.get(price)
            if level is None:
                level = self.bids[price] = Level()
                insort(self.bid_prices, price)
            self.liquidity += price * remaining
        else:
            level = self.asks.get(price)
            if level is None:
                level = self.asks[price] = Level()
                insort(self.ask_keys, -price)
            self.liquidity += (PRICE_SCALE - price) * remaining
        level.append(entry)
        level.size += remaining
        self.entries[entry.key] = entry

    def reduce(self, entry: Resting, count: int) -> None:
        """Take `count` off a resting entry, keeping its place; at zero it leaves the book."""
        price = entry.price
        if entry.is_bid:
            level = self.bids[price]
            self.liquidity -= price * count
        else:
            level = self.asks[price]
            self.liquidity -= (PRICE_SCALE - price) * count
        left = entry.remaining = entry.remaining - count
        level.size -= count
        if not left:
            self._leave(entry, level)

    def remove(self, entry: Resting) -> None:
        """Take an entry out of the book (cancel)."""
        count = entry.remaining
        if not count:
            return
        price = entry.price
        if entry.is_bid:
            level = self.bids[price]
            self.liquidity -= price * count
        else:
            level = self.asks[price]
            self.liquidity -= (PRICE_SCALE - price) * count
        entry.remaining = 0
        level.size -= count
        self._leave(entry, level)

    def _leave(self, entry: Resting, level: Level) -> None:
        """`entry` has nothing left: forget it, and drop its level, or it from the head, or count it dead."""
        del self.entries[entry.key]
        if not level.size:
            self._drop_level(entry.is_bid, entry.price)
        elif level[0] is entry:  # filled or cancelled at the head: drop it and the dead behind it
            level.popleft()
            while not level[0].remaining:
                level.popleft()
                level.dead -= 1
        else:
            level.dead += 1
            if level.dead >= _COMPACT_AT and level.dead * 2 > len(level):
                live = [r for r in level if r.remaining]
                level.clear()
                level.extend(live)
                level.dead = 0

    def _drop_level(self, is_bid: bool, price: int) -> None:
        if is_bid:
            del self.bids[price]
            prices = self.bid_prices
            if prices[-1] == price:
                prices.pop()
            else:
                del prices[bisect_left(prices, price)]
        else:
            del self.asks[price]
            keys = self.ask_keys
            if keys[-1] == -price:
                keys.pop()
            else:
                del keys[bisect_left(keys, -price)]
