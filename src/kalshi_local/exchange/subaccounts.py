"""Subaccounts in the venue: opening one, moving cash between them, and netting.

Each (member, subaccount) is an Account of its own (exchange/orders.py): its own cash, positions
and collateral. Commands come from exchange/subaccount_commands.py; each is refused whole
(a TradingError) or applied whole, with a BalanceChanged per account it touched.

Netting (get-subaccount-netting.md; the docs say no more than "netting enabled"): positions in
one market always net within a subaccount (market_settlement.md: "only net positions are
settled"), so netting here is collateral netting. With netting on (the default) the part of a
resting order that would close a position the subaccount holds locks no collateral
(exchange/portfolio.py); with netting off every resting order locks its full collateral.
Turning it off is refused when the cash cannot cover the larger locks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import errors
from .money import Amount
from .orders import Account
from .portfolio import order_reserves
from .subaccount_commands import MAX_SUBACCOUNT, OpenSubaccount, SetNetting, SubaccountCommand, TransferCash

if TYPE_CHECKING:
    from .venue import Outcome, Venue

AccountKey = tuple[int, int]


class Netting:
    """Which accounts have netting off, and the (user_seq, client_transfer_id) of every transfer
    applied (a rebuild reads them back from the store: a repeat never moves cash twice)."""

    __slots__ = ("gross", "transfers")

    def __init__(self) -> None:
        self.gross: set[AccountKey] = set()
        self.transfers: set[tuple[int, str]] = set()

    def closable(self, key: AccountKey, position: int) -> int:
        """The signed position whose closing capacity `key`'s orders may use: none without netting."""
        return 0 if key in self.gross else position


def apply(venue: Venue, cmd: SubaccountCommand, now: int) -> Outcome:
    if isinstance(cmd, OpenSubaccount):
        return _open(venue, cmd, now)
    if isinstance(cmd, TransferCash):
        return _transfer(venue, cmd, now)
    return _set_netting(venue, cmd, now)


def _open(venue: Venue, cmd: OpenSubaccount, now: int) -> Outcome:
    if not 1 <= cmd.subaccount <= MAX_SUBACCOUNT:
        raise errors.SubaccountLimitReached(f"subaccounts are numbered 1 to {MAX_SUBACCOUNT}")
    key = (cmd.user_seq, cmd.subaccount)
    if venue.account(*key) is not None or venue._account_of(*key) is not None:
        raise errors.SubaccountExists(f"subaccount {cmd.subaccount} already exists")
    account = Account(cmd.user_seq, cmd.subaccount, 0, 0, now)
    venue._accounts[key] = account
    if cmd.netting:
        venue.netting.gross.discard(key)
    else:
        venue.netting.gross.add(key)
    change = venue._change(now)
    change.accounts[key] = account
    return venue._finish(change)


def _transfer(venue: Venue, cmd: TransferCash, now: int) -> Outcome:
    if cmd.from_subaccount == cmd.to_subaccount:
        raise errors.InvalidTransfer("from_subaccount and to_subaccount must differ")
    if cmd.amount <= 0:
        raise errors.InvalidTransfer("amount_cents must be positive")
    source = venue._account(cmd.user_seq, cmd.from_subaccount)
    target = venue._account(cmd.user_seq, cmd.to_subaccount)
    change = venue._change(now)
    ident = (cmd.user_seq, cmd.client_transfer_id)
    if ident in venue.netting.transfers:  # idempotent: applied once already
        return change.outcome
    if source.available < cmd.amount:
        raise errors.InsufficientBalance(
            f"subaccount {cmd.from_subaccount} has {Amount(source.available).to_dollars_exact()} dollars available,"
            f" the transfer needs {Amount(cmd.amount).to_dollars_exact()}"
        )
    if target.balance + cmd.amount > _max_balance():
        raise errors.InvalidBalance("a balance may not exceed 1000000000000 dollars")
    source.balance -= cmd.amount
    target.balance += cmd.amount
    venue.netting.transfers.add(ident)
    change.outcome.cash_moved = cmd.amount
    change.accounts[(source.user_seq, source.subaccount)] = source
    change.accounts[(target.user_seq, target.subaccount)] = target
    return venue._finish(change)


def _set_netting(venue: Venue, cmd: SetNetting, now: int) -> Outcome:
    key = (cmd.user_seq, cmd.subaccount)
    account = venue._account(*key)
    change = venue._change(now)
    if (key not in venue.netting.gross) == cmd.enabled:
        return venue._finish(change)
    holdings = [(ticker, holding) for (held_by, ticker), holding in venue._holdings.items() if held_by == key]
    if not cmd.enabled:
        more = 0
        for ticker, holding in holdings:
            orders = holding.orders()
            more += sum(order_reserves(0, orders, venue._markets[ticker].fees).values())
            more -= sum(order.reserved for order in orders)
        if account.reserved + more > account.balance:
            raise errors.InsufficientBalance(
                f"without netting the resting orders of subaccount {cmd.subaccount} would lock"
                f" {Amount(account.reserved + more).to_dollars_exact()} dollars;"
                f" the balance is {Amount(account.balance).to_dollars_exact()}"
            )
        venue.netting.gross.add(key)
    else:
        venue.netting.gross.discard(key)
    for ticker, holding in holdings:
        holding.stale = True  # re-locked whole by _finish
        venue._touch_reserve(change, key, ticker)
    change.accounts[key] = account
    return venue._finish(change)


def _max_balance() -> int:
    from .venue import MAX_BALANCE

    return MAX_BALANCE
