"""How the server uses the engine: started and stopped with the app, told of admin writes.

Every function takes the Services; `services.trading` is the Engine, or None where
none runs (the CLI).
"""

from __future__ import annotations

import logging
from typing import Any

from ..exchange.clock import RealClock
from ..exchange.orders import AdjustBalance, SetBalance
from ..store import accounts, db
from ..store import exchange as exchange_store
from .sequencer import Engine
from .timers import Waker

log = logging.getLogger("kalshi_local.engine")


def start(services: Any) -> None:
    """Marks the balances as this server's and starts the engine (rebuilt from the
    store). When another running server owns them, this one serves without trading:
    two venues on one store would spend the same cash twice (docs/architecture.md)."""
    try:
        with db.writing(services.engine) as conn:
            accounts.check_balances_free(conn, services.instance)
            accounts.claim_balances(conn, services.instance)
            # Series fee changes whose time passed while no engine ran take effect before any trade.
            exchange_store.apply_due_fee_changes(conn, services.clock.now_us())
    except accounts.BalancesOwned as exc:
        services.trading_off = str(exc)
        log.warning("trading is off on this server: %s", exc)
        return
    services.trading = Engine.start(services.engine, services.clock)
    if isinstance(services.clock, RealClock):  # a manual clock fires timers as it moves (timers.advance)
        services.waker = Waker(services.trading, services.clock)


def stop(services: Any) -> None:
    trading = services.trading
    if trading is None:
        return
    if services.waker is not None:
        services.waker.close()
        services.waker = None
    trading.close()
    services.trading = None
    with db.writing(services.engine) as conn:
        accounts.release_balances(conn, services.instance)


def catalog_changed(services: Any, ticker: str | None = None) -> None:
    """After an admin write to series, events or markets: rules are read again."""
    if services.trading is not None:
        services.trading.catalog_changed(ticker)
        timers_moved(services)
    for listener in services.catalog_listeners:  # e.g. the WebSocket lifecycle channels
        listener(ticker)


def timers_moved(services: Any) -> None:
    """A market's timers may have changed: on the real clock the waker looks again."""
    if services.waker is not None:
        services.waker.poke()


def reload(services: Any) -> None:
    """After a reset or a scenario load: the venue is rebuilt from the store. Waits
    for the rebuild, so call it from a worker thread."""
    if services.trading is not None:
        services.trading.reload()


async def move_cash(services: Any, user_seq: int, kind: str, method: str, cents: int, now_us: int) -> None:
    """A deposit or withdrawal (`kind`) as an engine command, its transfer row written in
    the same transaction. Raises the venue's TradingError (e.g. InsufficientBalance when
    a withdrawal would eat into cash locked by orders) and leaves everything as it was."""
    units = accounts.Amount.from_cents(cents).raw * (1 if kind == "deposit" else -1)

    def record(conn, _outcome) -> None:
        accounts.record_transfer(conn, user_seq, kind, method, cents, now_us)

    await services.trading.submit(AdjustBalance(user_seq, accounts.PRIMARY, units), record=record)


async def set_cash(services: Any, user_seq: int, cents: int, now_us: int) -> None:
    """Sets the primary account's cash to `cents` as one engine command (so concurrent
    sets cannot act on a stale balance), with the ACH deposit or withdrawal of the
    difference written in the same transaction. Raises InsufficientBalance when the cash
    locked by open orders is more than `cents`."""

    def record(conn, outcome) -> None:
        moved = accounts.Amount(abs(outcome.cash_moved)).to_cents()
        if moved:
            kind = "deposit" if outcome.cash_moved > 0 else "withdrawal"
            accounts.record_transfer(conn, user_seq, kind, "ach", moved, now_us)

    target = accounts.Amount.from_cents(cents).raw
    await services.trading.submit(SetBalance(user_seq, accounts.PRIMARY, target), record=record)
