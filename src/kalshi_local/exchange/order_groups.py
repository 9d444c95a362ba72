"""Order groups: a contracts limit per rolling 15-second window over a set of orders
(api-reference/order-groups/*.md, websockets/order-group-updates.md, fix/order-groups.md).

Functions on a Venue (exchange/venue.py), which calls them, like transitions.py. A group
belongs to one account (user and subaccount). Every contract one of its orders matches,
as taker or maker, counts against the group on the exchange clock; when the contracts
matched in the last 15 seconds reach the limit, the group is triggered: its resting
orders are cancelled in the same command and new orders in it are refused
(ExceededOrderGroupRiskLimit) until it is reset. Trigger does the same on demand;
reset empties the window and arms the group again; delete cancels its orders and
removes it; a new limit at or below what the window holds triggers it at once.

A group never matches more than its limit in the window: an order in it, as taker or
maker, matches only what is left, and the group then triggers (its "maximum number of
contracts that can be matched", openapi.yaml's contracts_limit). A taker's unmatched
rest is cancelled with the group's resting orders, or refused whole for fill_or_kill.

Every change but a fill emits an OrderGroupChanged with the group as it stands after it:
`created`, `triggered`, `reset`, `deleted` and `limit_updated` (the WebSocket channel's
event types). The window is not stored: a rebuild reads it back from the fills of the
group's orders after its last reset (`reset_seq`) in the last 15 seconds.

Choices where the docs are silent:
- The limit is hit when the window holds the limit (a limit of 10 allows 10 contracts,
  then the group triggers).
- `is_auto_cancel_enabled` is true while the group is armed, false once triggered.
- Trigger, delete and a triggering limit update cancel orders, so an exchange pause
  refuses them like a cancel (maintenance_and_pauses.md).
"""

from __future__ import annotations

import copy
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import errors
from .money import count_fp

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .book import Resting
    from .matching import Room
    from .orders import Order
    from .venue import Outcome, Venue, _Change

WINDOW_US = 15_000_000  # the rolling window: 15 seconds on the exchange clock
MAX_LIMIT = 100_000_000  # Count: 1,000,000 contracts (fix/order-groups.md)
MIN_LIMIT = 100  # Count: one contract


@dataclass(slots=True)
class OrderGroup:
    """One order group. `window` holds (matched_us, Count) of the fills of its orders since
    its last reset, oldest first, one entry per instant, and `total` their sum; only the
    last 15 seconds count. `contracts_limit` is a Count; `reset_seq` the seq of the last
    reset (or of the creation): fills after it count."""

    order_group_id: str
    user_seq: int
    subaccount: int
    contracts_limit: int
    triggered: bool = False
    reset_seq: int = 0
    created_us: int = 0
    updated_us: int = 0
    window: deque[tuple[int, int]] = field(default_factory=deque)
    total: int = 0

    def add(self, at_us: int, count: int) -> None:
        """`count` contracts (Count) matched at `at_us` (never before the last one added)."""
        window = self.window
        if window and window[-1][0] == at_us:
            window[-1] = (at_us, window[-1][1] + count)
        else:
            window.append((at_us, count))
        self.total += count

    def matched(self, now_us: int) -> int:
        """The contracts (Count) matched in the 15 seconds up to `now_us`; forgets older ones."""
        window = self.window
        while window and window[0][0] <= now_us - WINDOW_US:
            self.total -= window.popleft()[1]
        return self.total

    def clear(self) -> None:
        self.window.clear()
        self.total = 0


@dataclass(frozen=True, slots=True)
class OrderGroupChanged:
    """A group changed; `group` is a copy as it stands after (without its window).
    `event_type` is one of created, triggered, reset, deleted, limit_updated."""

    seq: int
    group: OrderGroup
    event_type: str


# --- commands ---


@dataclass(frozen=True, slots=True)
class CreateOrderGroup:
    user_seq: int
    subaccount: int
    contracts_limit: int  # Count


@dataclass(frozen=True, slots=True)
class DeleteOrderGroup:
    user_seq: int
    order_group_id: str
    subaccount: int | None = 0  # None: the group of any of the user's subaccounts


@dataclass(frozen=True, slots=True)
class ResetOrderGroup:
    user_seq: int
    order_group_id: str
    subaccount: int | None = 0


@dataclass(frozen=True, slots=True)
class TriggerOrderGroup:
    user_seq: int
    order_group_id: str
    subaccount: int | None = 0


@dataclass(frozen=True, slots=True)
class UpdateOrderGroupLimit:
    user_seq: int
    order_group_id: str
    contracts_limit: int  # Count
    subaccount: int | None = None


OrderGroupCommand = CreateOrderGroup | DeleteOrderGroup | ResetOrderGroup | TriggerOrderGroup | UpdateOrderGroupLimit
ORDER_GROUP_COMMANDS = (CreateOrderGroup, DeleteOrderGroup, ResetOrderGroup, TriggerOrderGroup, UpdateOrderGroupLimit)


class OrderGroups:
    """The venue's order groups by id, and what the current command matched in each."""

    __slots__ = ("groups",)

    def __init__(self) -> None:
        self.groups: dict[str, OrderGroup] = {}

    def load(self, groups: list[OrderGroup]) -> None:
        """Take the store's groups as the truth (at a rebuild)."""
        self.groups = {group.order_group_id: group for group in groups}

    def owned(self, user_seq: int, order_group_id: str, subaccount: int | None) -> OrderGroup:
        """The caller's group; OrderGroupNotFound for another user's, another subaccount's or none."""
        group = self.groups.get(order_group_id)
        if group is None or group.user_seq != user_seq or (subaccount is not None and group.subaccount != subaccount):
            raise errors.OrderGroupNotFound(f"order group {order_group_id!r} not found")
        return group

    def room(self, order_group_id: str | None, now_us: int) -> int | None:
        """The contracts (Count) the group may still match in its window now; None for no group."""
        group = self.groups.get(order_group_id) if order_group_id is not None else None
        if group is None:
            return None
        return max(0, group.contracts_limit - group.matched(now_us))

    def maker_room(self, orders: Mapping[str, Order], now_us: int) -> Room | None:
        """The cap on resting orders for matching.plan: each order in a group matches no more
        than the group may still match, shared by all its orders. None while there are no groups."""
        if not self.groups:
            return None

        def room(entry: Resting) -> tuple[str, int] | None:
            group_id = orders[entry.key].order_group_id
            allowed = self.room(group_id, now_us)
            return None if group_id is None or allowed is None else (group_id, allowed)

        return room

    def check_order(self, user_seq: int, subaccount: int, order_group_id: str) -> None:
        """An order may join the group: it is the account's own and not triggered.
        Raises UnknownOrderGroup (400: order entry declares no 404) or ExceededOrderGroupRiskLimit."""
        group = self.groups.get(order_group_id)
        if group is None or group.user_seq != user_seq or group.subaccount != subaccount:
            raise errors.UnknownOrderGroup(f"order group {order_group_id!r} not found")
        if group.triggered:
            raise errors.ExceededOrderGroupRiskLimit(
                f"order group {order_group_id} hit its contracts limit or was triggered: reset it to place orders"
            )


def apply(venue: Venue, cmd: OrderGroupCommand, now: int) -> Outcome:
    """Applies one order-group command; raises a TradingError having changed nothing."""
    groups = venue.order_groups
    change = venue._change(now)
    if isinstance(cmd, CreateOrderGroup):
        _check_limit(cmd.contracts_limit)
        if cmd.subaccount:
            venue._account(cmd.user_seq, cmd.subaccount)  # AccountNotFound for one the member does not have
        group_id = _group_id(venue._seq)
        group = OrderGroup(group_id, cmd.user_seq, cmd.subaccount, cmd.contracts_limit, False, venue._seq, now, now)
        groups.groups[group_id] = group
        _emit(venue, change, group, "created")
        return venue._finish(change)
    group = groups.owned(cmd.user_seq, cmd.order_group_id, cmd.subaccount)
    if isinstance(cmd, ResetOrderGroup):
        group.clear()
        group.triggered = False
        group.reset_seq = venue._seq
        group.updated_us = now
        _emit(venue, change, group, "reset")
    elif isinstance(cmd, TriggerOrderGroup):
        venue._pauses.check("cancel")
        _trigger(venue, change, group)
    elif isinstance(cmd, DeleteOrderGroup):
        venue._pauses.check("cancel")
        _cancel_orders(venue, change, group)
        del groups.groups[group.order_group_id]
        group.updated_us = now
        _emit(venue, change, group, "deleted")
    else:
        _check_limit(cmd.contracts_limit)
        hits = group.matched(now) >= cmd.contracts_limit
        if hits and not group.triggered:
            venue._pauses.check("cancel")
        group.contracts_limit = cmd.contracts_limit
        group.updated_us = now
        _emit(venue, change, group, "limit_updated")
        if hits and not group.triggered:
            _trigger(venue, change, group)
    return venue._finish(change)


def matched(venue: Venue, change: _Change, order_group_id: str, count: int) -> None:
    """One fill of `count` (Count) of an order in the group: into its window, now."""
    group = venue.order_groups.groups.get(order_group_id)
    if group is not None:
        group.add(change.now, count)
        change.groups[order_group_id] = group


def enforce(venue: Venue, change: _Change) -> None:
    """After the command's fills: each group they moved whose window reached the limit is
    triggered (its resting orders cancelled)."""
    touched = change.groups
    change.groups = {}
    for group in touched.values():
        if not group.triggered and group.matched(change.now) >= group.contracts_limit:
            _trigger(venue, change, group)


def _trigger(venue: Venue, change: _Change, group: OrderGroup) -> None:
    _cancel_orders(venue, change, group)
    group.triggered = True
    group.updated_us = change.now
    _emit(venue, change, group, "triggered")


def _cancel_orders(venue: Venue, change: _Change, group: OrderGroup) -> None:
    """Every resting order of the group leaves the book (FIX Text ORDER_GROUP_CANCEL)."""
    mine = [o for o in venue._orders.values() if o.order_group_id == group.order_group_id]
    for order in sorted(mine, key=lambda o: o.seq):
        venue._take_off(change, order, venue._markets[order.ticker], order.remaining_count, "canceled")


def _emit(venue: Venue, change: _Change, group: OrderGroup, event_type: str) -> None:
    snapshot = copy.copy(group)
    snapshot.window, snapshot.total = deque(), 0
    venue._emit(change, OrderGroupChanged(venue._seq, snapshot, event_type))


def _check_limit(limit: int) -> None:
    if not MIN_LIMIT <= limit <= MAX_LIMIT:
        raise errors.InvalidOrderGroupLimit(
            f"contracts_limit must be from 1 to 1000000 contracts, not {count_fp(limit)}"
        )


def _group_id(seq: int) -> str:
    from .venue import numbered_id  # the venue imports this module: import at use

    return numbered_id("order_group", seq)
