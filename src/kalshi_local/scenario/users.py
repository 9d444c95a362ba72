"""The `users` section of a scenario: members with their subaccounts.

An item first clears what `reset` or `remove_subaccounts` asks for, through the store
functions of the admin routes (admin/subaccounts.py), then creates or updates the member
(store/accounts.py upsert_user), then opens or funds its numbered subaccounts (a deposit and
a subaccount transfer record the cash). All of it is in the scenario's transaction; a server
writes it between two engine batches when it clears accounts (Document.clears_accounts) and
rebuilds its venue after.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Connection

from ..exchange.money import Amount
from ..models.inputs import ScenarioUserIn
from ..store import accounts, subaccounts
from ..store.bulk import RowError


def write(conn: Connection, item: ScenarioUserIn, now_us: int) -> None:
    """Raises AccountError (bad names, keys, balances), BalancesOwned when another server holds
    the balances, RowError naming the subaccount item that cannot be set up."""
    if item.reset or item.remove_subaccounts:
        found = accounts.user_by_name(conn, item.name)
        if found is not None:  # a new member has nothing to clear
            accounts.check_balances_free(conn)
            remove_subaccounts(conn, found.seq, keep_primary=not item.reset, now_us=now_us)
    user = accounts.upsert_user(conn, item, now_us)
    if item.subaccounts:
        accounts.check_balances_free(conn)
    for index, sub in enumerate(item.subaccounts):
        cents = None if sub.balance is None else Amount.from_dollars(sub.balance).to_cents()
        try:
            moved = subaccounts.set_up(conn, user.seq, sub.number, cents, sub.netting, now_us)
        except ValueError as exc:
            raise RowError(0, str(exc), f".subaccounts[{index}]") from None
        _record_funding(conn, user.seq, sub.number, moved, now_us)


def remove_subaccounts(conn: Connection, user_seq: int, keep_primary: bool, now_us: int) -> None:
    """subaccounts.remove, and the cash of each removed subaccount recorded as it leaves: a
    subaccount transfer to the primary and a withdrawal from it (whole cents, as every
    withdrawal), after the removal, which deletes the member's earlier subaccount transfers."""
    leaving = [(b.subaccount, Amount(b.balance).to_cents()) for b in subaccounts.all_balances(conn, user_seq)]
    subaccounts.remove(conn, user_seq, keep_primary)
    for number, cents in leaving:
        if number != accounts.PRIMARY and cents > 0:
            _record_funding(conn, user_seq, number, -cents, now_us)


def _record_funding(conn: Connection, user_seq: int, number: int, cents: int, now_us: int) -> None:
    """Cash a scenario gives a subaccount comes in as the primary's does, a deposit (or leaves
    as a withdrawal), passing through the primary by a subaccount transfer: deposits, withdrawals,
    subaccount transfers and balances add up. The primary's own cash is unchanged."""
    if cents == 0:
        return
    units = Amount.from_cents(abs(cents)).raw
    transfer_id = str(uuid.uuid4())
    if cents > 0:
        accounts.record_transfer(conn, user_seq, "deposit", "ach", cents, now_us)
        subaccounts.record_transfer(conn, user_seq, transfer_id, accounts.PRIMARY, number, units, now_us)
    else:
        subaccounts.record_transfer(conn, user_seq, transfer_id, number, accounts.PRIMARY, units, now_us)
        accounts.record_transfer(conn, user_seq, "withdrawal", "ach", -cents, now_us)
