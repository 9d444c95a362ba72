"""The venue's market transitions (getting_started/market_lifecycle.md, market_settlement.md).

Functions on a Venue (exchange/venue.py), which calls them: the lifecycle commands of
market_commands.py, and the timers the exchange clock fires (open, close, settlement,
next to the venue's own order expirations). Like every venue command, a transition
checks everything first and raises a TradingError having changed nothing, or applies
whole: resting orders cancelled, positions paid out, then one MarketLifecycle event
(and one Settled per position paid) and the usual snapshots.

Choices where the docs are silent:
- Closing (by the clock, early, or by moving close_time before now) cancels every
  resting order; an early close also pulls a later expected/latest expiration time in to
  the close, and a determination pulls them in to the determination, so no client reads
  an expiration still ahead of a market whose outcome is known.
- Dispute and amendment both start the settlement timer again; a disputed market that
  is not amended settles with its result when the timer ends.
- Void cancels resting orders, pays every position back its cost (market_exposure) and
  finalizes the market at once. Its payouts, like all, are rounded down to the cent.
"""

from __future__ import annotations

import copy
import heapq
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from . import combos, errors, fee_changes, rfqs
from .events import Event, MarketLifecycle, Settled
from .lifecycle import RESULTS, TIMER_RUNNING, MarketLife
from .market_commands import (
    ActivateMarket,
    AmendMarket,
    CloseMarket,
    DeactivateMarket,
    DetermineMarket,
    DisputeMarket,
    MarketCommand,
    SetCloseTime,
    Tick,
    VoidMarket,
)
from .settlement import Settlement, posted, raw_payout, yes_value

if TYPE_CHECKING:
    from .venue import Outcome, Venue, _Change


def load(venue: Venue, lives: Iterable[MarketLife], replace_all: bool = False, ticker: str | None = None) -> None:
    """Take `lives` as the truth (from the store) and schedule their timers. `replace_all`
    drops every life held before; `ticker` drops that one (it may be gone from the store)."""
    if replace_all:
        venue._lives.clear()
        venue._timers.clear()
        venue._combos_on = None
    elif ticker is not None:
        gone = venue._lives.pop(ticker, None)
        if gone is not None and gone.legs:
            venue._combos_on = None
        _schedule(venue, MarketLife(ticker, "", "finalized", 0, 0, False, 0, 0))  # cancels its timers
    for life in lives:
        venue._lives[life.ticker] = life
        if life.legs:
            venue._combos_on = None
        _schedule(venue, life)


def _combos_on(venue: Venue, leg: str) -> list[MarketLife]:
    """The combos held with `leg` among their legs. The index is built again after any combo
    was loaded or dropped: a scan of every life per determined leg made a 10,000-market
    determination quadratic."""
    index = venue._combos_on
    if index is None:
        index = {}
        for life in venue._lives.values():
            for t, _ in life.legs:
                index.setdefault(t, []).append(life.ticker)
        venue._combos_on = index
    return [venue._lives[ticker] for ticker in index.get(leg, ())]


def next_due(venue: Venue) -> int | None:
    expiries = venue._expiries
    while expiries and not _live_expiry(venue, expiries[0]):
        heapq.heappop(expiries)
    market = venue._timers.next_due()
    order = expiries[0][0] if expiries else None
    pause = venue._pauses.due_us  # the exchange's trading state may change (exchange/pauses.py)
    if pause is not None:
        order = pause if order is None else min(order, pause)
    quote = venue._rfqs.next_due()  # an RFQ quote's confirmation, execution or clean-up (exchange/rfqs.py)
    if quote is not None:
        order = quote if order is None else min(order, quote)
    fee = venue.fee_changes.next_due()  # a series fee change (exchange/fee_changes.py)
    if fee is not None:
        order = fee if order is None else min(order, fee)
    if market is None or order is None:
        return market if order is None else order
    return min(market, order)


def fire_due(venue: Venue, until: int, most: int = 0) -> tuple[list[Event], int | None]:
    """Fires every timer due at or before `until`, one instant after the other, each with
    its own instant as the time of its changes; with `most` > 0, at most that many instants.
    Returns their events in order and the last instant fired (None: none was due)."""
    events: list[Event] = []
    last: int | None = None
    fired = 0
    while (instant := next_due(venue)) is not None and instant <= until:
        if instant != last:
            if fired == most > 0:
                break  # the next instant waits for the next Tick
            fired += 1
        last = instant
        change = venue._change(instant)
        fee_changes.fire(venue, change, instant)  # first: whatever else happens at the instant pays the new fee
        expiries = venue._expiries
        while expiries and expiries[0][0] == instant:
            expiration, _, order_id = heapq.heappop(expiries)
            order = venue._orders.get(order_id)
            if order is not None and order.expiration_us == expiration:
                venue._take_off(change, order, venue._markets[order.ticker], order.remaining_count, "expired")
        for kind, ticker in venue._timers.pop_at(instant):
            life = venue._lives.get(ticker)
            if life is not None:
                _FIRE[kind](venue, change, life)
        if venue._pauses.due_us == instant and venue._pauses.evaluate(instant):
            venue.cancel_on_pause(change)
        rfqs.fire(venue, change, instant)
        events += venue._finish(change).events
    return events, last


def apply(venue: Venue, cmd: MarketCommand, now: int) -> Outcome:
    if isinstance(cmd, Tick):
        events, last = fire_due(venue, cmd.at_us, cmd.most_instants)
        due = next_due(venue)
        stopped = last is not None and due is not None and due <= cmd.at_us
        reached = max(last, now) if last is not None and stopped else cmd.at_us
        outcome = venue._change(reached).outcome  # ts_us: how far the clock may move
        outcome.events = events
        outcome.next_due_us = due
        return outcome
    life = venue.life(cmd.ticker)
    if life is None:
        raise errors.MarketNotFound(f"market {cmd.ticker!r} not found")
    status = life.status_at(now)
    change = venue._change(now)
    _HANDLERS[type(cmd)](venue, change, life, status, cmd)
    _schedule(venue, life)
    due = life.settle_due()
    if due is not None and due <= now:  # a timer of 0 s: settled by the same command
        venue._timers.set("settle", life.ticker, None)
        _settle(venue, change, life)
    return venue._finish(change)


# --- commands (each checks first, then changes) ---


def _deactivate(venue: Venue, change: _Change, life: MarketLife, status: str, cmd: DeactivateMarket) -> None:
    _require(life, status, ("active",), "deactivate")
    life.status = "inactive"
    _moved(venue, change, life, "deactivated")


def _activate(venue: Venue, change: _Change, life: MarketLife, status: str, cmd: ActivateMarket) -> None:
    _require(life, status, ("inactive",), "activate")
    _cancel_resting(venue, change, life.ticker)
    life.status = "active"
    _moved(venue, change, life, "activated")


def _close_early(venue: Venue, change: _Change, life: MarketLife, status: str, cmd: CloseMarket) -> None:
    _require(life, status, ("initialized", "active", "inactive"), "close")
    _require_early(life)
    _close(venue, change, life, change.now, "close_date_updated")


def _set_close_time(venue: Venue, change: _Change, life: MarketLife, status: str, cmd: SetCloseTime) -> None:
    _require(life, status, ("initialized", "active", "inactive", "closed"), "move the close time of")
    close, now = cmd.close_us, change.now
    if close < life.open_us:
        raise errors.InvalidLifecycle("close_time must not be before the market's open_time")
    if status != "closed" and close < life.close_us:
        _require_early(life)
    if close <= now and status != "closed":
        _close(venue, change, life, close, "close_date_updated")
        return
    life.close_us = close
    if close > now and status == "closed":  # reopens: close_date_updated, then activated
        life.status = "active"
        _moved(venue, change, life, "close_date_updated")
        _moved(venue, change, life, "activated")
        return
    _moved(venue, change, life, "close_date_updated")


def _determine(venue: Venue, change: _Change, life: MarketLife, status: str, cmd: DetermineMarket) -> None:
    _require(life, status, ("closed",), "determine")
    _set_result(change, life, cmd.result, cmd.settlement_value, cmd.expiration_value)
    life.status = "determined"
    _moved(venue, change, life, "determined")


def _dispute(venue: Venue, change: _Change, life: MarketLife, status: str, cmd: DisputeMarket) -> None:
    _require(life, status, ("determined", "amended"), "dispute")
    life.status = "disputed"
    life.timer_start_us = change.now
    _moved(venue, change, life, "disputed")


def _amend(venue: Venue, change: _Change, life: MarketLife, status: str, cmd: AmendMarket) -> None:
    _require(life, status, tuple(TIMER_RUNNING), "amend")
    _set_result(change, life, cmd.result, cmd.settlement_value, cmd.expiration_value)
    life.status = "amended"
    _moved(venue, change, life, "amended")


def _void(venue: Venue, change: _Change, life: MarketLife, status: str, cmd: VoidMarket) -> None:
    if status == "finalized":
        raise errors.MarketStatusConflict(f"market {life.ticker} is finalized: it cannot be voided")
    now = change.now
    _cancel_resting(venue, change, life.ticker)
    if life.close_us > now:
        life.close_us = now
    _pull_in_expirations(life, now)
    life.result, life.settlement_value, life.timer_start_us = "void", None, None
    _settle(venue, change, life)


_HANDLERS: dict[type, Callable[..., None]] = {
    DeactivateMarket: _deactivate,
    ActivateMarket: _activate,
    CloseMarket: _close_early,
    SetCloseTime: _set_close_time,
    DetermineMarket: _determine,
    DisputeMarket: _dispute,
    AmendMarket: _amend,
    VoidMarket: _void,
}


def _require(life: MarketLife, status: str, allowed: tuple[str, ...], what: str) -> None:
    if status not in allowed:
        raise errors.MarketStatusConflict(
            f"cannot {what} market {life.ticker}: it is {status} (allowed from {', '.join(allowed)})"
        )


def _require_early(life: MarketLife) -> None:
    if not life.can_close_early:
        raise errors.MarketStatusConflict(
            f"market {life.ticker} has can_close_early false: it cannot close before its close_time"
        )


def _set_result(change: _Change, life: MarketLife, result: str, value: int | None, expiration_value: str) -> None:
    if result not in RESULTS:
        raise errors.InvalidLifecycle(f"result must be one of {', '.join(RESULTS)}; got {result[:20]!r}")
    if result != "scalar" and value is not None and value != yes_value(result, None):
        raise errors.InvalidLifecycle(f"a {result} result settles at {yes_value(result, None) // 100} cents a YES")
    try:
        paid = yes_value(result, value)
    except ValueError:
        raise errors.InvalidLifecycle("a scalar result needs a settlement value from 0 to 1 dollar") from None
    life.result, life.settlement_value, life.expiration_value = result, paid, expiration_value
    life.timer_start_us = change.now
    _pull_in_expirations(life, change.now)


# --- timers ---


def _open(venue: Venue, change: _Change, life: MarketLife) -> None:
    if life.status == "initialized":
        life.status = "active"
        _moved(venue, change, life, "opened")


def _close_by_clock(venue: Venue, change: _Change, life: MarketLife) -> None:
    if life.status in ("initialized", "active", "inactive"):
        _close(venue, change, life, life.close_us, "closed")


def _settle_by_clock(venue: Venue, change: _Change, life: MarketLife) -> None:
    if life.status in TIMER_RUNNING:
        _settle(venue, change, life)


_FIRE = {"open": _open, "close": _close_by_clock, "settle": _settle_by_clock}


def _schedule(venue: Venue, life: MarketLife) -> None:
    timers = venue._timers
    timers.set("open", life.ticker, life.open_due())
    timers.set("close", life.ticker, life.close_due())
    timers.set("settle", life.ticker, life.settle_due())


# --- what transitions do ---


def _moved(venue: Venue, change: _Change, life: MarketLife, kind: str) -> None:
    life.updated_us = change.now
    venue._emit(change, MarketLifecycle(venue._seq, copy.copy(life), kind))
    if kind in ("determined", "amended") or (kind == "settled" and life.result == "void"):
        _follow_legs(venue, change, life.ticker)


def _follow_legs(venue: Venue, change: _Change, leg: str) -> None:
    """A leg got a result: every combo on it whose legs all have one is closed (if still
    open) and determined, or amended when its outcome changed, in the same change."""
    now = change.now
    for combo in _combos_on(venue, leg):
        venue._emit(change, combos.LegsSettled(venue._seq, combo.ticker, combos.leg_values(combo.legs, venue.life)))
        status = combo.status_at(now)
        found = combos.outcome(combo.legs, venue.life)
        if found is None or status == "finalized":
            continue
        result, value = found
        if result == "void":
            _cancel_resting(venue, change, combo.ticker)
            combo.close_us = min(combo.close_us, now)
            _pull_in_expirations(combo, now)
            combo.result, combo.settlement_value, combo.timer_start_us = "void", None, None
            _settle(venue, change, combo)
            continue
        if status in TIMER_RUNNING:
            if (combo.result, combo.settlement_value) == (result, value):
                continue
            _set_result(change, combo, result, value if result == "scalar" else None, "")
            combo.status = "amended"
            _moved(venue, change, combo, "amended")
        else:
            if status != "closed":
                _close(venue, change, combo, now, "close_date_updated")
            _set_result(change, combo, result, value if result == "scalar" else None, "")
            combo.status = "determined"
            _moved(venue, change, combo, "determined")
        _schedule(venue, combo)


def _close(venue: Venue, change: _Change, life: MarketLife, close_us: int, kind: str) -> None:
    _cancel_resting(venue, change, life.ticker)
    rfqs.close_market(venue, change, life.ticker)
    if close_us < life.close_us:
        life.close_us = close_us
        _pull_in_expirations(life, close_us)
    life.status = "closed"
    _moved(venue, change, life, kind)


def _pull_in_expirations(life: MarketLife, instant: int) -> None:
    if life.latest_expiration_us > instant:
        life.latest_expiration_us = instant
    if life.expected_expiration_us is not None and life.expected_expiration_us > instant:
        life.expected_expiration_us = instant


def _cancel_resting(venue: Venue, change: _Change, ticker: str) -> None:
    market = venue._markets.get(ticker)
    if market is None:
        return
    for order_id in list(market.book.entries):
        order = venue._orders[order_id]
        venue._take_off(change, order, market, order.remaining_count, "canceled")


def _settle(venue: Venue, change: _Change, life: MarketLife) -> None:
    """Pays out every position in the market and finalizes it (market_settlement.md)."""
    now, ticker = change.now, life.ticker
    void = life.result == "void"
    value = None if void else yes_value(life.result, life.settlement_value)
    for key in list(venue._holders.get(ticker, ())):
        position = venue._positions[(key, ticker)]
        held, cost = position.position, position.market_exposure
        if held == 0:
            continue
        credited, fee = posted(cost if value is None else raw_payout(held, value))
        account = venue._account(*key)
        account.balance += credited
        position.realized_pnl += credited - cost
        position.fees_paid += fee
        venue.fees_collected += fee
        record = Settlement(
            seq=venue._seq,
            user_seq=key[0],
            subaccount=key[1],
            ticker=ticker,
            event_ticker=life.event_ticker or position.event_ticker,
            market_result=life.result,
            yes_count=max(held, 0),
            yes_total_cost=cost if held > 0 else 0,
            no_count=max(-held, 0),
            no_total_cost=cost if held < 0 else 0,
            revenue=credited,
            settlement_fee=fee,
            fee_cost=position.fees_paid,
            value=value,
            settled_us=now,
        )
        venue._emit(change, Settled(venue._seq, record))
        position.position = position.market_exposure = 0
        change.positions[(key, ticker)] = position
        change.accounts[key] = account
    market = venue._markets.get(ticker)
    if market is not None and market.stats.open_interest:
        market.stats.open_interest = 0
        change.markets[ticker] = market
    life.status, life.settlement_us = "finalized", now
    _schedule(venue, life)
    _moved(venue, change, life, "settled")


def _live_expiry(venue: Venue, entry: tuple[int, int, str]) -> bool:
    order = venue._orders.get(entry[2])
    return order is not None and order.expiration_us == entry[0]
