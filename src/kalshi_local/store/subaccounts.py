"""A member's subaccounts: which exist, their netting settings, their balances, and the cash
moved between them (api-reference/portfolio/*subaccount*.md).

A subaccount exists when it has a balances row (the primary, 0, always does). The engine writes
balances; the rows here are written in the same transaction as the command they belong to.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, delete, select

from ..exchange.money import Amount
from .cursors import Page, decode_cursor, page_of
from .schema import (
    balances,
    fills,
    order_groups,
    orders,
    positions,
    quotes,
    rfqs,
    settlements,
    subaccount_transfers,
    subaccounts,
)

KIND = "subaccount_transfers"
_TRANSFER_IDS = uuid.UUID("3b8e5c2a-1f0d-4a77-9c36-5e2d8f41b0a7")  # fixed: a replay gives the same ids


@dataclass(frozen=True, slots=True)
class SubaccountBalance:
    subaccount: int
    balance: int  # Amount: all cash, what resting orders lock included
    reserved: int  # Amount
    updated_us: int


@dataclass(frozen=True, slots=True)
class SubaccountTransfer:
    seq: int
    transfer_id: str
    from_subaccount: int
    to_subaccount: int
    amount: int  # Amount
    created_us: int


def numbers(conn: Connection, user_seq: int) -> list[int]:
    """Every subaccount the member has, the primary (0) first."""
    b = balances.c
    return list(conn.execute(select(b.subaccount).where(b.user_seq == user_seq).order_by(b.subaccount)).scalars())


def exists(conn: Connection, user_seq: int, subaccount: int) -> bool:
    b = balances.c
    query = select(b.subaccount).where(b.user_seq == user_seq, b.subaccount == subaccount)
    return conn.execute(query).first() is not None


def all_balances(conn: Connection, user_seq: int) -> list[SubaccountBalance]:
    b = balances.c
    query = select(b.subaccount, b.balance, b.reserved, b.updated_us).where(b.user_seq == user_seq)
    return [SubaccountBalance(*row) for row in conn.execute(query.order_by(b.subaccount))]


def netting(conn: Connection, user_seq: int) -> dict[int, bool]:
    """Netting of each subaccount the member has; on unless it was turned off."""
    s = subaccounts.c
    rows = conn.execute(select(s.subaccount, s.netting_enabled).where(s.user_seq == user_seq))
    found = {int(n): bool(on) for n, on in rows}
    return {n: bool(found.get(n, True)) for n in numbers(conn, user_seq)}


def gross_accounts(conn: Connection) -> set[tuple[int, int]]:
    """(user_seq, subaccount) of every account with netting off: what a rebuilt venue needs."""
    s = subaccounts.c
    query = select(s.user_seq, s.subaccount).where(s.netting_enabled.is_(False))
    return {(int(u), int(n)) for u, n in conn.execute(query)}


def record_subaccount(conn: Connection, user_seq: int, subaccount: int, netting_enabled: bool, now_us: int) -> None:
    """The row of a subaccount the engine opened, or a new netting setting (an upsert)."""
    s = subaccounts.c
    found = conn.execute(select(s.subaccount).where(s.user_seq == user_seq, s.subaccount == subaccount)).first()
    if found is None:
        values = {"user_seq": user_seq, "subaccount": subaccount, "netting_enabled": netting_enabled}
        conn.execute(subaccounts.insert().values(**values, created_us=now_us))
    else:
        where = (s.user_seq == user_seq) & (s.subaccount == subaccount)
        conn.execute(subaccounts.update().where(where).values(netting_enabled=netting_enabled))


def set_up(conn: Connection, user_seq: int, subaccount: int, cents: int | None, netting_enabled: bool | None,
           now_us: int) -> int:  # fmt: skip
    """Opens numbered subaccount `subaccount` of the member, or sets the cash of one it has,
    straight in the store (a scenario; the venue is rebuilt after). Returns the cents added
    (negative: taken away): like the primary's (store/accounts.py), the cash moves by whole
    cents, from its cents rounded toward zero to `cents`. A new one takes the primary's
    netting unless `netting_enabled` says otherwise. Raises ValueError for cash below what
    its resting orders lock, or for another netting on one that exists (netting changes lock
    collateral again: the engine does that, PUT /portfolio/subaccounts/netting)."""
    b = balances.c
    where = (b.user_seq == user_seq) & (b.subaccount == subaccount)
    row = conn.execute(select(b.balance, b.reserved).where(where)).first()
    if row is None:
        if netting_enabled is None:
            netting_enabled = netting(conn, user_seq).get(0, True)
        opening = Amount.from_cents(cents or 0).raw
        values = {"user_seq": user_seq, "subaccount": subaccount, "balance": opening, "reserved": 0}
        conn.execute(balances.insert().values(**values, updated_us=now_us))
        record_subaccount(conn, user_seq, subaccount, netting_enabled, now_us)
        return cents or 0
    if netting_enabled is not None and netting(conn, user_seq)[subaccount] != netting_enabled:
        raise ValueError(
            f"subaccount {subaccount} exists with netting {'off' if netting_enabled else 'on'}: a scenario"
            " does not change it (PUT /portfolio/subaccounts/netting does)"
        )
    if cents is None:
        return 0
    moved = cents - Amount(row.balance).to_cents()
    balance = row.balance + Amount.from_cents(moved).raw
    if balance < row.reserved:
        raise ValueError(
            f"subaccount {subaccount}'s resting orders lock {Amount(row.reserved).to_dollars_exact()} dollars,"
            f" more than the balance {Amount(balance).to_dollars_exact()}"
        )
    conn.execute(balances.update().where(where).values(balance=balance, updated_us=now_us))
    return moved


def transfer_keys(conn: Connection) -> set[tuple[int, str]]:
    """(user_seq, client_transfer_id) of every transfer applied: a rebuilt venue refuses them
    again as repeats (exchange/subaccounts.py), whatever a handler's check before it saw."""
    t = subaccount_transfers.c
    return {(int(u), str(c)) for u, c in conn.execute(select(t.user_seq, t.client_transfer_id))}


def transfer_id(user_seq: int, client_transfer_id: str) -> str:
    return str(uuid.uuid5(_TRANSFER_IDS, f"{user_seq}:{client_transfer_id}"))


def find_transfer(conn: Connection, user_seq: int, client_transfer_id: str) -> SubaccountTransfer | None:
    """The transfer the member made under `client_transfer_id`, if any."""
    t = subaccount_transfers.c
    query = select(t.seq, t.transfer_id, t.from_subaccount, t.to_subaccount, t.amount, t.created_us).where(
        t.user_seq == user_seq, t.client_transfer_id == client_transfer_id
    )
    row = conn.execute(query).first()
    return None if row is None else SubaccountTransfer(*row)


def record_transfer(
    conn: Connection, user_seq: int, client_transfer_id: str, source: int, target: int, amount: int, now_us: int
) -> None:
    conn.execute(
        subaccount_transfers.insert().values(
            transfer_id=transfer_id(user_seq, client_transfer_id),
            user_seq=user_seq,
            client_transfer_id=client_transfer_id,
            from_subaccount=source,
            to_subaccount=target,
            amount=amount,
            created_us=now_us,
        )
    )


def transfers_page(conn: Connection, user_seq: int, cursor: str | None, limit: int) -> Page[SubaccountTransfer]:
    """The member's transfers between subaccounts, newest first."""
    t = subaccount_transfers.c
    before = decode_cursor(KIND, cursor)
    query = select(t.seq, t.transfer_id, t.from_subaccount, t.to_subaccount, t.amount, t.created_us)
    query = query.where(t.user_seq == user_seq).order_by(t.seq.desc()).limit(limit + 1)
    if before:
        query = query.where(t.seq < before)
    found = page_of(KIND, conn.execute(query).all(), limit)
    return Page([SubaccountTransfer(*row) for row in found.rows], found.cursor)


def remove(conn: Connection, user_seq: int, keep_primary: bool = True) -> None:
    """Deletes the member's numbered subaccounts with everything they hold (orders, fills,
    positions, settlements, cash, order groups, RFQs with every quote on them, quotes), and
    their transfers; without `keep_primary` the primary's trading records too (its cash row
    stays). For the engine's reload: the venue is rebuilt after."""

    def removed(c, primary_too: bool = not keep_primary):
        where = c.user_seq == user_seq
        return where if primary_too else where & (c.subaccount != 0)

    for table in (orders, fills, positions, settlements, subaccounts, order_groups):
        conn.execute(delete(table).where(removed(table.c)))
    conn.execute(delete(balances).where(removed(balances.c, primary_too=False)))
    r, q = rfqs.c, quotes.c
    conn.execute(delete(quotes).where(q.rfq_id.in_(select(r.rfq_id).where(removed(r)))))  # others' quotes on them
    conn.execute(delete(rfqs).where(removed(r)))
    conn.execute(delete(quotes).where(removed(q)))
    conn.execute(delete(subaccount_transfers).where(subaccount_transfers.c.user_seq == user_seq))
    if not keep_primary:  # its resting orders are gone: nothing is locked any more
        b = balances.c
        conn.execute(balances.update().where(b.user_seq == user_seq, b.subaccount == 0).values(reserved=0))
