"""Commands that move a market through its lifecycle (getting_started/market_lifecycle.md).

The admin API, the CLI and scenario files send them to the engine like orders: each is
applied whole by the venue or refused with a TradingError. Prices are Price units
($0.0001); times are microseconds on the exchange clock.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeactivateMarket:
    """active -> inactive: trading pauses; the market stays open in time."""

    ticker: str


@dataclass(frozen=True, slots=True)
class ActivateMarket:
    """inactive -> active; every resting order is cancelled on this reactivation."""

    ticker: str


@dataclass(frozen=True, slots=True)
class CloseMarket:
    """Close now, ahead of close_time (only when can_close_early)."""

    ticker: str


@dataclass(frozen=True, slots=True)
class SetCloseTime:
    """Move close_time. Earlier than now closes the market (as CloseMarket); later than
    now reopens a closed market that has no result yet."""

    ticker: str
    close_us: int


@dataclass(frozen=True, slots=True)
class DetermineMarket:
    """closed -> determined with `result` yes, no or scalar; a scalar result needs
    `settlement_value` (what one YES contract pays, 0 to 10,000). The settlement timer starts."""

    ticker: str
    result: str
    settlement_value: int | None = None
    expiration_value: str = ""


@dataclass(frozen=True, slots=True)
class DisputeMarket:
    """determined or amended -> disputed; the settlement timer starts again."""

    ticker: str


@dataclass(frozen=True, slots=True)
class AmendMarket:
    """A new result after a dispute (or while determined): -> amended, the timer starts again."""

    ticker: str
    result: str
    settlement_value: int | None = None
    expiration_value: str = ""


@dataclass(frozen=True, slots=True)
class VoidMarket:
    """Any market not finalized: resting orders are cancelled, every position is paid back
    its cost, and the market is finalized at once."""

    ticker: str


@dataclass(frozen=True, slots=True)
class Tick:
    """Fire every timer due at or before `at_us` (market open, close, settlement, order
    expirations), in time order, each stamped with its own instant; with `most_instants`,
    at most that many instants, the Outcome's ts_us then being the last one fired."""

    at_us: int
    most_instants: int = 0  # 0: no limit


MarketCommand = (
    DeactivateMarket | ActivateMarket | CloseMarket | SetCloseTime | DetermineMarket | DisputeMarket | AmendMarket
    | VoidMarket | Tick
)  # fmt: skip
MARKET_COMMANDS = (
    DeactivateMarket, ActivateMarket, CloseMarket, SetCloseTime, DetermineMarket, DisputeMarket, AmendMarket,
    VoidMarket, Tick,
)  # fmt: skip
