"""Positions and collateral: what a fill does to a holding, and what resting orders lock.

Collateral (Amount) of a resting order: p per contract for a bid, 1 - p for an ask, except the part
that would close a position the user holds on the other side (a sell), which locks nothing. That
closing capacity goes to the user's orders in time priority (oldest first). Every resting order
also locks the most maker fees its rest can cost and the rounding it can still overpay: one cent
less what its fee accumulator already holds (fee_rounding.md: the accumulator keeps the order's
rounding paid beyond its rebates and never exceeds a cent). The cent stays even for a whole-cent,
whole-contract order: fractional fills can round it (2 @ $0.40 filled as 1.99 + 0.01 costs $0.81).
"""

from __future__ import annotations

from collections.abc import Iterable

from .fees import CENT, FeeSchedule
from .orders import Order, Position

DOLLAR = 1_000_000  # $1 in Amount units
PAIR_VALUE = DOLLAR // 100  # what one raw count (0.01 contract) of a YES + NO pair returns


def unit_cost(is_bid: bool, price: int) -> int:
    """What one raw count costs the buyer of its outcome, in raw price units: p for YES, 1 - p for NO."""
    return price if is_bid else 10_000 - price


def order_reserves(position: int, orders: Iterable[Order], fees: FeeSchedule) -> dict[str, int]:
    """The collateral (Amount) of each of one user's resting orders in one market, given the
    user's signed position (raw Count, > 0 YES). `orders` must be in time priority."""
    closable = {"bid": max(0, -position), "ask": max(0, position)}
    reserves = {}
    for order in orders:
        remaining = order.remaining_count
        closing = min(closable[order.book_side], remaining)
        closable[order.book_side] -= closing
        opening = remaining - closing
        collateral = unit_cost(order.book_side == "bid", order.price) * opening
        reserve = collateral + fees.maker_fee_bound(remaining, order.price)
        if remaining:
            reserve += CENT - order.fee_accumulator
        reserves[order.order_id] = reserve
    return reserves


def apply_fill(position: Position, is_bid: bool, price: int, count: int) -> int:
    """Book a fill of `count` (raw) bought on `is_bid`'s outcome at yes `price` into `position`.
    Contracts that meet the opposite holding net into pairs; returns the pairs' count (raw), whose
    $1 each the caller credits to cash. Exposure leaves at the average cost of the closed holding."""
    held = position.position
    opposite = -held if is_bid else held
    pairs = min(count, opposite) if opposite > 0 else 0
    cost = unit_cost(is_bid, price)
    if pairs:
        closed_cost = position.market_exposure * pairs // opposite
        position.market_exposure -= closed_cost
        position.realized_pnl += pairs * PAIR_VALUE - cost * pairs - closed_cost
    position.market_exposure += cost * (count - pairs)
    position.position = held + count if is_bid else held - count
    position.total_traded += cost * count
    return pairs


def yes_held(position: int) -> int:
    """The YES contracts (raw) a signed position holds."""
    return position if position > 0 else 0
