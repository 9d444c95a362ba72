"""The `users` section of a scenario: members with their subaccounts.

An item first clears what `reset` or `remove_subaccounts` asks for, through the store
functions of the admin routes (admin/subaccounts.py), then creates or updates the member
(store/accounts.py upsert_user), then opens or funds its numbered subaccounts. All of it is
in the scenario's transaction; the server rebuilds its venue after (Document.writes_rows).
"""

from __future__ import annotations

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
            subaccounts.remove(conn, found.seq, keep_primary=not item.reset)
    user = accounts.upsert_user(conn, item, now_us)
    if item.subaccounts:
        accounts.check_balances_free(conn)
    for index, sub in enumerate(item.subaccounts):
        cash = None if sub.balance is None else Amount.from_dollars(sub.balance).raw
        try:
            subaccounts.set_up(conn, user.seq, sub.number, cash, sub.netting, now_us)
        except ValueError as exc:
            raise RowError(0, str(exc), f".subaccounts[{index}]") from None
