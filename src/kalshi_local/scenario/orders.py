"""The `orders` section of a scenario: resting orders placed through the engine.

Orders are never written to the tables directly. `resolve` checks each item
against the store inside the scenario's transaction (the user and the market
must exist, so a typo changes nothing) and makes it a CreateOrder; once that
transaction committed, `place` submits them all, in file order, as one engine
batch. They are post-only: placing them never trades, so when the venue refuses
one (off the price grid, short of cash, crossing an earlier one), the ones
placed before it are cancelled and every balance is as it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection

from ..errors import ApiError
from ..exchange.lifecycle import effective_status
from ..exchange.money import Count
from ..exchange.orders import CancelOrder, Command, CreateOrder
from ..exchange.venue import Outcome
from ..models.inputs import OrderIn, count_raw, price_raw
from ..store import accounts, markets, subaccounts
from .errors import PlacingError, ScenarioError

SubmitMany = Callable[[Sequence[Command]], Awaitable[list]]


@dataclass(frozen=True, slots=True)
class Placement:
    """One item of the section, ready for the engine."""

    index: int
    user: str
    command: CreateOrder

    def where(self, source: str) -> str:
        return f"{source}: $.orders[{self.index}] ({self.user} in {self.command.ticker})"


def resolve(conn: Connection, items: Sequence[OrderIn], source: str, now_us: int) -> list[Placement]:
    """The items as commands. Raises ScenarioError naming the item when its user or market
    does not exist. An item `only_if_open` is left out when its market is not open at `now_us`
    (the demo catalog's, whose markets open and close one after the other as time passes)."""
    placements: list[Placement] = []
    nowhere = "in the file or the store"
    users: dict[str, accounts.User | None] = {}
    known = markets.many(conn, (item.ticker for item in items))
    for index, item in enumerate(items):
        if item.user not in users:
            users[item.user] = accounts.user_by_name(conn, item.user)
        user = users[item.user]
        if user is None:
            raise ScenarioError(f"{source}: $.orders[{index}].user: no user named {item.user!r} {nowhere}")
        market = known.get(item.ticker)
        if market is None:
            raise ScenarioError(f"{source}: $.orders[{index}].ticker: no market {item.ticker!r} {nowhere}")
        if item.subaccount and not subaccounts.exists(conn, user.seq, item.subaccount):
            raise ScenarioError(
                f"{source}: $.orders[{index}].subaccount: {item.user!r} has no subaccount {item.subaccount} {nowhere}"
            )
        if item.only_if_open and effective_status(market.status, market.open_us, market.close_us, now_us) != "active":
            continue
        placements.append(Placement(index, item.user, _command(item, user)))
    return placements


def _command(item: OrderIn, user: accounts.User) -> CreateOrder:
    count = Count.from_contracts(item.count).raw if isinstance(item.count, int) else count_raw(item.count)
    return CreateOrder(
        user_seq=user.seq,
        user_id=user.user_id,
        subaccount=item.subaccount,
        ticker=item.ticker,
        book_side=item.side,
        price=price_raw(item.price),
        count=count,
        client_order_id=item.client_order_id,
        action="buy" if item.side == "bid" else "sell",
        side="yes",
        post_only=True,
    )


async def place(submit_many: SubmitMany, placements: Sequence[Placement], source: str) -> int:
    """Submits the placements as one engine batch; returns how many rest. When the venue
    refuses one, the ones placed before it are cancelled (their rows stay, as canceled orders).
    Raises PlacingError (a ScenarioError) naming the first refused item and the venue's reason."""
    if not placements:
        return 0
    results = await _submitted(submit_many, [p.command for p in placements], source)
    refused = next(((p, r) for p, r in zip(placements, results, strict=True) if not isinstance(r, Outcome)), None)
    if refused is None:
        return len(placements)
    placed = [r.order for r in results if isinstance(r, Outcome) and r.order is not None]
    await _submitted(submit_many, [CancelOrder(o.user_seq, o.order_id) for o in placed], source)
    placement, error = refused
    reason = error.message if isinstance(error, ApiError) else str(error)
    code = f" ({': '.join(filter(None, (error.code, error.details)))})" if isinstance(error, ApiError) else ""
    undone = "; no order of the file rests (those before it were cancelled)" if placed else ""
    raise PlacingError(f"{placement.where(source)}: the exchange refused it: {reason}{code}{undone}")


async def _submitted(submit_many: SubmitMany, commands: list[Command], source: str) -> list:
    try:
        return await submit_many(commands) if commands else []
    except ApiError as exc:  # the engine could not write the batch: nothing of it applied
        raise PlacingError(f"{source}: $.orders: could not be placed: {exc.message}") from None
