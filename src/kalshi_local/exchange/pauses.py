"""Exchange pauses as the venue enforces them (getting_started/maintenance_and_pauses.md).

A trading pause (the `trading_active` switch off, a maintenance window, outside the weekly
schedule) refuses placing and amending orders and lets cancels through; an exchange pause
(`exchange_active` off) refuses every order operation. Decreasing an order is a partial
cancel, so a trading pause allows it (the docs name only place, amend and cancel). When a
pause begins, every resting order with cancel_order_on_pause is cancelled.

`Pauses` holds the exchange state (the fields of models.inputs.ExchangeIn) and the pause
in effect, re-evaluated at each instant the state may change (hours.next_change): the
venue fires those instants with its other timers, so the exchange clock drives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import errors, hours

TRADING = "trading"
EXCHANGE = "exchange"


@dataclass(frozen=True, slots=True)
class SetExchangeState:
    """The exchange's switches, maintenance windows or weekly schedule changed (admin):
    `state` has the fields of models.inputs.ExchangeIn and is not changed afterwards."""

    state: Any


def pause_of(state: Any, now_us: int) -> str | None:
    """TRADING, EXCHANGE or None (open) at `now_us`; None for no state (always open)."""
    if state is None:
        return None
    status = hours.status_of(state, now_us)
    if not status.exchange_active:
        return EXCHANGE
    return None if status.trading_active else TRADING


class Pauses:
    """The pause in effect, as of the last instant evaluated, and the next instant to look again."""

    __slots__ = ("state", "pause", "due_us")

    def __init__(self) -> None:
        self.state: Any = None
        self.pause: str | None = None
        self.due_us: int | None = None

    def load(self, state: Any, now_us: int) -> None:
        """Take `state` (the store's, at a rebuild) and look again at `now_us`: a pause in effect
        then counts as beginning, so orders a pause should have cancelled while no venue ran go."""
        self.state, self.pause, self.due_us = state, None, now_us

    def set(self, state: Any, now_us: int) -> bool:
        """Take a new state at `now_us`; True when a pause begins with it."""
        self.state = state
        return self.evaluate(now_us)

    def evaluate(self, now_us: int) -> bool:
        """The pause at `now_us`, the next instant to evaluate; True when a pause begins now."""
        was, self.pause = self.pause, pause_of(self.state, now_us)
        self.due_us = None if self.state is None else hours.next_change(self.state, now_us)
        return was is None and self.pause is not None

    def check(self, operation: str, refused: str = "", allowed: str = "") -> None:
        """Raises TradingPaused or ExchangePaused when the pause in effect refuses `operation`
        ("create", "amend", "decrease", "cancel"). For other than orders (RFQs and quotes follow
        the same rule: exchange/rfqs.py) `refused` and `allowed` say what is refused and what works."""
        if self.pause == EXCHANGE:
            raise errors.ExchangePaused(f"the exchange is paused: {refused or 'no order can be ' + _DONE[operation]}")
        if self.pause == TRADING and operation in ("create", "amend"):
            refused = refused or f"orders cannot be {_DONE[operation]}"
            raise errors.TradingPaused(f"trading is paused: {refused}; {allowed or 'cancelling and decreasing work'}")


_DONE = {"create": "placed", "amend": "amended", "decrease": "decreased", "cancel": "cancelled"}
