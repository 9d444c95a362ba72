"""The `lifecycle` section of a scenario: market moves (close, determine, void...) applied
through the engine after the file's orders, one command each, in file order.

`resolve` checks that each item's market exists inside the scenario's transaction (a typo
changes nothing) and makes it a command; once the file is written and its orders placed,
`apply` submits them in order, as one engine batch (one transaction) that stops at the
first refusal. When the exchange refuses one (the market's status does not allow it), the
ones before it stay applied and the error names the item.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from ..errors import ApiError
from ..exchange import market_commands as commands
from ..models.inputs import LifecycleIn, price_raw, time_us
from ..store import markets
from .errors import PlacingError, ScenarioError

SubmitMany = Callable[..., Awaitable[list]]  # Engine.submit_many


@dataclass(frozen=True, slots=True)
class Move:
    index: int
    command: commands.MarketCommand

    def where(self, source: str) -> str:
        ticker = getattr(self.command, "ticker", "")
        return f"{source}: $.lifecycle[{self.index}] ({type(self.command).__name__} {ticker})"


def resolve(conn: Connection, items: Sequence[LifecycleIn], source: str) -> list[Move]:
    """The items as commands. Raises ScenarioError naming the item when its market does not exist."""
    moves = []
    known = markets.many(conn, (item.ticker for item in items))
    for index, item in enumerate(items):
        if item.ticker not in known:
            where = f"{source}: $.lifecycle[{index}].ticker"
            raise ScenarioError(f"{where}: no market {item.ticker!r} in the file or the store")
        moves.append(Move(index, _command(item)))
    return moves


def _command(item: LifecycleIn) -> commands.MarketCommand:
    value = None if item.settlement_value_dollars is None else price_raw(item.settlement_value_dollars)
    ticker, result = item.ticker, item.result or ""
    if item.action == "determine":
        return commands.DetermineMarket(ticker, result, value, item.expiration_value)
    if item.action == "amend":
        return commands.AmendMarket(ticker, result, value, item.expiration_value)
    if item.action == "close_time":
        assert item.close_time is not None  # checked by LifecycleIn
        return commands.SetCloseTime(ticker, time_us(item.close_time))
    simple: dict[str, Callable[[str], commands.MarketCommand]] = {
        "deactivate": commands.DeactivateMarket,
        "activate": commands.ActivateMarket,
        "close": commands.CloseMarket,
        "dispute": commands.DisputeMarket,
        "void": commands.VoidMarket,
    }
    return simple[item.action](ticker)


async def apply(submit_many: SubmitMany, moves: Sequence[Move], source: str) -> int:
    """Submits the moves in order; returns how many were applied. Raises PlacingError naming
    the first the exchange refused (those before it stay applied)."""
    if not moves:
        return 0
    results = await submit_many([move.command for move in moves], stop_at_refusal=True)
    for done, (move, result) in enumerate(zip(moves, results, strict=False)):
        if isinstance(result, ApiError):
            code = f" ({result.code})" if result.code else ""
            kept = f"; the {done} before it were applied" if done else ""
            raise PlacingError(f"{move.where(source)}: the exchange refused it: {result.message}{code}{kept}")
    return len(moves)
