"""The venue: books, accounts and positions of every market, changed one command at a time.

Pure and synchronous: no web, database, asyncio or clock. The engine (engine/) feeds
it commands with the time on the exchange clock, persists the events it returns and
builds it again from the store at start-up.

A command either raises a TradingError (exchange/errors.py) and changes nothing, or
is applied whole and returns its Outcome with the events it caused, in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .events import Event
from .orders import Account, Command, MarketRules, MarketStats, Order, Position


@dataclass(slots=True)
class Outcome:
    """What a command did. `order` is the order after the command (create, amend,
    decrease, cancel), with the fills it got in this command; `reduced_by` is the
    count a cancel or decrease took off (Count)."""

    events: list[Event] = field(default_factory=list)
    order: Order | None = None
    fill_count: int = 0  # Count filled by this command
    fill_cost: int = 0  # Amount: sum of price x count of those fills, in the order's outcome side
    fees: int = 0  # Amount: net fees of those fills
    reduced_by: int = 0  # Count
    ts_us: int = 0


RulesOf = Callable[[str], MarketRules | None]  # ticker -> rules, None for an unknown market
AccountOf = Callable[[int, int], Account | None]  # (user_seq, subaccount) -> cash, None if no such account


class Venue:
    """All trading state of one exchange process.

    `rules_of` and `account_of` load what the venue has not seen yet (the engine
    backs them with the store); after that the venue's own copy is the truth.
    """

    def __init__(self, rules_of: RulesOf, account_of: AccountOf, next_seq: int = 1, next_order: int = 1) -> None:
        raise NotImplementedError

    def restore(
        self,
        orders: Iterable[Order],
        positions: Iterable[Position],
        accounts: Iterable[Account],
        stats: Iterable[MarketStats],
    ) -> None:
        """Load the state persisted in the store (resting orders in seq order)."""
        raise NotImplementedError

    def apply(self, command: Command, now_us: int) -> Outcome:
        raise NotImplementedError

    def forget_rules(self, ticker: str | None = None) -> None:
        """Drop cached market rules (all when `ticker` is None): the catalog changed."""
        raise NotImplementedError
