"""Users, their balances, deposits and withdrawals, and their API keys.

Functions take a Connection and never commit: the caller owns the
transaction, so a command that fails half way leaves nothing behind.
"""

from __future__ import annotations

import json
import os
import socket
import uuid
from dataclasses import dataclass

from sqlalchemy import Connection, Row, Select, bindparam, select

from ..auth.keys import load_public_key, normalize_scopes
from ..auth.ratelimit import TIERS
from ..errors import Conflict, InvalidParameter
from ..exchange.money import Amount
from . import fcm, rows
from .cursors import Page, decode_cursor, page_of
from .schema import api_keys, balances, engine_state, transfers
from .schema import users as user_rows
from .statements import StatementCache

MAX_NAME = 100
KINDS = ("deposit", "withdrawal")
METHODS = ("ach", "wire", "crypto", "debit", "apm")  # the spec's Deposit.type / Withdrawal.type
PRIMARY = 0  # the subaccount every user has
# The most an account holds: $1 trillion keeps every sum of balances inside a 64-bit integer.
MAX_BALANCE = Amount.from_dollars("1000000000000").raw


class AccountError(InvalidParameter):
    """A bad request about an account: the message names the field and value."""


class BalancesOwned(Conflict):
    """Another running server's engine holds the balances of this store. `owner` names that
    server, for callers that refuse something other than a balance change."""

    def __init__(self, owner: str) -> None:
        super().__init__(
            f"{owner} and holds the balances: change them through its admin API"
            " (/admin/v1/users/NAME/deposits, /withdrawals), or stop it"
        )
        self.owner = owner


@dataclass(frozen=True, slots=True)
class User:
    seq: int
    user_id: str
    name: str
    tier: str
    created_us: int


@dataclass(frozen=True, slots=True)
class ApiKeyRow:
    key_id: str
    user_seq: int
    name: str
    public_key: str
    scopes: tuple[str, ...]
    created_us: int


@dataclass(frozen=True, slots=True)
class KeyOwner:
    """What authenticating a request needs to know about a key."""

    key_id: str
    scopes: tuple[str, ...]
    public_key: str
    user_seq: int
    user_id: str
    tier: str


@dataclass(frozen=True, slots=True)
class Balance:
    balance: int  # Amount units ($0.000001)
    updated_us: int


@dataclass(frozen=True, slots=True)
class Transfer:
    transfer_id: str
    kind: str
    method: str
    status: str
    amount_cents: int
    fee_cents: int
    created_us: int
    finalized_us: int | None


# Users


def create_user(
    conn: Connection,
    name: str,
    *,
    now_us: int,
    tier: str = "basic",
    balance_cents: int = 0,
    user_id: str | None = None,
) -> User:
    """A new user with subaccount 0; an opening balance is recorded as an applied deposit.
    AccountError when the name or user id is taken (by another process a moment ago too)."""
    _check_name("name", name)
    _check_tier(tier)
    if isinstance(balance_cents, bool) or not isinstance(balance_cents, int) or balance_cents < 0:
        raise AccountError(f"balance_cents must be a whole number of cents, at least 0, got {balance_cents!r}")
    user = _insert_user(conn, name, tier, user_id, now_us)
    if user is None:
        if user_by_name(conn, name) is not None:
            raise AccountError(f"user {name!r} already exists")
        raise AccountError(f"user id {user_id!r} already exists")
    if balance_cents:
        deposit(conn, user.seq, balance_cents, now_us=now_us)
    return user


def _insert_user(conn: Connection, name: str, tier: str, user_id: str | None, now_us: int) -> User | None:
    """The new user with an empty primary subaccount, or None when the name or id is taken.
    One statement decides, so two processes creating one name cannot both succeed."""
    user_id = user_id or str(uuid.uuid4())
    values = {"user_id": user_id, "name": name, "tier": tier, "created_us": now_us}
    row = rows.insert_new(conn, user_rows, values, returning=[user_rows.c.seq])
    if row is None:
        return None
    conn.execute(balances.insert().values(user_seq=row.seq, subaccount=PRIMARY, balance=0, updated_us=now_us))
    return User(row.seq, user_id, name, tier, now_us)


def user_by_name(conn: Connection, name: str) -> User | None:
    return _user_where(conn, user_rows.c.name == name)


def user_by_id(conn: Connection, user_id: str) -> User | None:
    return _user_where(conn, user_rows.c.user_id == user_id)


def user_by_seq(conn: Connection, seq: int) -> User | None:
    return _user_where(conn, user_rows.c.seq == seq)


def users(conn: Connection) -> list[User]:
    return [_user(row) for row in conn.execute(select(user_rows).order_by(user_rows.c.seq))]


def set_tier(conn: Connection, user_seq: int, tier: str) -> None:
    _check_tier(tier)
    if conn.execute(user_rows.update().where(user_rows.c.seq == user_seq).values(tier=tier)).rowcount != 1:
        raise AccountError(f"no user with seq {user_seq}")


def _user_where(conn: Connection, condition) -> User | None:
    row = conn.execute(select(user_rows).where(condition)).first()
    return _user(row) if row else None


def _user(row: Row) -> User:
    return User(row.seq, row.user_id, row.name, row.tier, row.created_us)


def _check_name(field: str, name: str) -> None:
    if not isinstance(name, str) or not name.strip():
        raise AccountError(f"{field} must not be empty, got {name!r}")
    if len(name) > MAX_NAME:
        raise AccountError(f"{field} must be at most {MAX_NAME} characters, got {len(name)}")


def _check_tier(tier: str) -> None:
    if tier not in TIERS:
        raise AccountError(f"tier must be one of {', '.join(TIERS)}, got {tier!r}")


# Balances and transfers


# GET /portfolio/balance runs this on every call: compiled once.
_balance: StatementCache[None] = StatementCache(
    lambda _: select(balances.c.balance, balances.c.updated_us).where(
        balances.c.user_seq == bindparam("user_seq"), balances.c.subaccount == bindparam("subaccount")
    )
)


def balance(conn: Connection, user_seq: int, subaccount: int = PRIMARY) -> Balance | None:
    rows = _balance.all(conn, None, {"user_seq": user_seq, "subaccount": subaccount})
    return Balance(rows[0].balance, rows[0].updated_us) if rows else None


def deposit(conn: Connection, user_seq: int, amount_cents: int, *, now_us: int, method: str = "ach") -> Transfer:
    _check_transfer(amount_cents, method)
    if not _add_to_balance(conn, user_seq, amount_cents, now_us):
        if balance(conn, user_seq) is None:
            raise AccountError(f"no user with seq {user_seq}")
        wanted = Amount.from_cents(amount_cents).to_dollars(2)
        most = Amount(MAX_BALANCE).to_dollars(2)
        raise AccountError(f"the deposit of ${wanted} would take the balance past ${most}, the most an account holds")
    return _record(conn, user_seq, "deposit", method, amount_cents, now_us)


def withdraw(conn: Connection, user_seq: int, amount_cents: int, *, now_us: int, method: str = "ach") -> Transfer:
    """Refused when the balance is short; then nothing changes."""
    _check_transfer(amount_cents, method)
    if not _add_to_balance(conn, user_seq, -amount_cents, now_us):
        found = balance(conn, user_seq)
        if found is None:
            raise AccountError(f"no user with seq {user_seq}")
        have = Amount(found.balance).to_dollars_exact()
        wanted = Amount.from_cents(amount_cents).to_dollars(2)
        raise AccountError(f"the withdrawal of ${wanted} exceeds the balance of ${have}")
    return _record(conn, user_seq, "withdrawal", method, amount_cents, now_us)


def _add_to_balance(conn: Connection, user_seq: int, cents: int, now_us: int) -> bool:
    """One conditional UPDATE, so two withdrawals at once can never overdraw (nor
    two deposits take the balance past MAX_BALANCE)."""
    b = balances.c
    units = Amount.from_cents(cents).raw
    statement = (
        balances.update()
        .where(b.user_seq == user_seq, b.subaccount == PRIMARY, b.balance + units >= 0)
        .where(b.balance <= MAX_BALANCE - units)
        .values(balance=b.balance + units, updated_us=now_us)
    )
    return conn.execute(statement).rowcount == 1


# While a server runs, its engine (engine/) holds every balance in memory and writes them
# back: a balance written by another process would be overwritten, so that is refused.
OWNER_KEY = "balances_owner"


def claim_balances(conn: Connection, instance: str) -> None:
    """Marks this server (`instance`, unique per engine) as the owner of the balances."""
    value = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "instance": instance})
    statement = rows.insert(conn, engine_state).values(key=OWNER_KEY, value=value)
    conn.execute(statement.on_conflict_do_update(index_elements=["key"], set_={"value": value}))


def release_balances(conn: Connection, instance: str) -> None:
    if _balances_owner(conn).get("instance") == instance:
        conn.execute(engine_state.delete().where(engine_state.c.key == OWNER_KEY))


def _balances_owner(conn: Connection) -> dict:
    text = conn.execute(select(engine_state.c.value).where(engine_state.c.key == OWNER_KEY)).scalar()
    return json.loads(text) if text else {}


def check_balances_free(conn: Connection, instance: str | None = None) -> None:
    """BalancesOwned when another running server owns the balances (a server killed
    without a clean stop leaves a mark that is ignored once its pid is gone). With an
    `instance`, a server asks whether it may own them: another server of this process
    is then an owner too."""
    owner = _balances_owner(conn)
    if not owner or (instance is not None and owner.get("instance") == instance):
        return
    if instance is None and owner["pid"] == os.getpid():
        return  # a store write of the owner's own process (admin, scenario load): it rebuilds its venue after
    if owner["host"] == socket.gethostname() and not _alive(owner["pid"]):
        return
    raise BalancesOwned(f"a kalshi-local server (pid {owner['pid']} on {owner['host']}) is running on this store")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def record_transfer(
    conn: Connection, user_seq: int, kind: str, method: str, amount_cents: int, now_us: int
) -> Transfer:
    """The deposit or withdrawal row of a balance change made elsewhere (by the engine)."""
    return _record(conn, user_seq, kind, method, amount_cents, now_us)


def _record(conn: Connection, user_seq: int, kind: str, method: str, amount_cents: int, now_us: int) -> Transfer:
    # Local money moves at once: every transfer is applied when it is made.
    transfer = Transfer(str(uuid.uuid4()), kind, method, "applied", amount_cents, 0, now_us, now_us)
    conn.execute(
        transfers.insert().values(
            transfer_id=transfer.transfer_id,
            user_seq=user_seq,
            kind=kind,
            method=method,
            status=transfer.status,
            amount_cents=amount_cents,
            fee_cents=0,
            created_us=now_us,
            finalized_us=now_us,
        )
    )
    return transfer


def _check_transfer(amount_cents: int, method: str) -> None:
    if isinstance(amount_cents, bool) or not isinstance(amount_cents, int) or amount_cents <= 0:
        raise AccountError(f"amount_cents must be a positive whole number of cents, got {amount_cents!r}")
    if Amount.from_cents(amount_cents).raw > MAX_BALANCE:
        most = Amount(MAX_BALANCE).to_dollars(2)
        raise AccountError(f"a transfer is at most ${most}, got {amount_cents} cents")
    if method not in METHODS:
        raise AccountError(f"method must be one of {', '.join(METHODS)}, got {method!r}")


def transfers_page(conn: Connection, user_seq: int, kind: str, cursor: str | None, limit: int) -> Page[Transfer]:
    """A user's deposits or withdrawals, newest first."""
    if kind not in KINDS:
        raise AccountError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    t = transfers.c
    before = decode_cursor(kind, cursor)
    query = select(transfers).where(t.user_seq == user_seq, t.kind == kind).order_by(t.seq.desc()).limit(limit + 1)
    if before:
        query = query.where(t.seq < before)
    found = page_of(kind, conn.execute(query).all(), limit)
    return Page([_transfer(row) for row in found.rows], found.cursor)


def _transfer(row: Row) -> Transfer:
    return Transfer(
        row.transfer_id, row.kind, row.method, row.status, row.amount_cents, row.fee_cents, row.created_us,
        row.finalized_us,
    )


# API keys


def add_key(
    conn: Connection,
    user_seq: int,
    *,
    name: str,
    public_key: str,
    scopes: list[str] | None,
    now_us: int,
    key_id: str | None = None,
) -> ApiKeyRow:
    key_id = key_id or str(uuid.uuid4())
    values = _key_values(key_id, user_seq, name, public_key, scopes, now_us)
    if user_by_seq(conn, user_seq) is None:
        raise AccountError(f"no user with seq {user_seq}")
    if rows.insert_new(conn, api_keys, values, returning=[api_keys.c.seq]) is None:
        raise AccountError(f"api key {key_id!r} already exists")
    return ApiKeyRow(key_id, user_seq, name, public_key, _scopes(values["scopes"]), now_us)


def _replace_key(conn: Connection, user_seq: int, key, now_us: int) -> None:
    """Adds a models.inputs.ApiKeyIn to the user, or replaces the user's key with that id
    (its scopes or public key may have changed). AccountError if another user owns the id."""
    values = _key_values(key.id, user_seq, key.name, key.public_key, key.scopes, now_us)
    mine = api_keys.c.user_seq == user_seq
    if rows.upsert(conn, api_keys, ["key_id"], values, where=mine, returning=[api_keys.c.seq]) is None:
        raise AccountError(f"API key {key.id!r} belongs to another user")


def _key_values(
    key_id: str, user_seq: int, name: str, public_key: str, scopes: list[str] | None, now_us: int
) -> dict:
    """An api_keys row, checked (AccountError names the bad field)."""
    _check_name("name", name)
    try:
        load_public_key(public_key)
        normalized = normalize_scopes(scopes)
    except ValueError as exc:
        raise AccountError(str(exc)) from None
    return {
        "key_id": key_id, "user_seq": user_seq, "name": name, "public_key": public_key,
        "scopes": ",".join(normalized), "created_us": now_us,
    }


def keys_of(conn: Connection, user_seq: int) -> list[ApiKeyRow]:
    k = api_keys.c
    rows = conn.execute(select(api_keys).where(k.user_seq == user_seq).order_by(k.seq))
    return [
        ApiKeyRow(row.key_id, row.user_seq, row.name, row.public_key, _scopes(row.scopes), row.created_us)
        for row in rows
    ]


def delete_key(conn: Connection, user_seq: int, key_id: str) -> bool:
    """False when the user has no such key (another user's key is left alone)."""
    k = api_keys.c
    return conn.execute(api_keys.delete().where(k.key_id == key_id, k.user_seq == user_seq)).rowcount == 1


def _owner_statement(_shape: str) -> Select:
    k, u = api_keys.c, user_rows.c
    return (
        select(k.key_id, k.scopes, k.public_key, k.user_seq, u.user_id, u.tier)
        .join_from(api_keys, user_rows, u.seq == k.user_seq)
        .where(k.key_id == bindparam("key_id"))
    )


# Run on every signed request: compiled once.
_owner = StatementCache(_owner_statement)


def key_owner(conn: Connection, key_id: str) -> KeyOwner | None:
    rows = _owner.all(conn, "owner", {"key_id": key_id})
    if not rows:
        return None
    row = rows[0]
    return KeyOwner(row.key_id, _scopes(row.scopes), row.public_key, row.user_seq, row.user_id, row.tier)


def key_users(conn: Connection, key_ids: list[str]) -> dict[str, int]:
    """The user (seq) of each of `key_ids` that still exists."""
    k = api_keys.c
    found: dict[str, int] = {}
    for start in range(0, len(key_ids), 500):  # bounded IN lists
        chunk = key_ids[start : start + 500]
        result = conn.execute(select(k.key_id, k.user_seq).where(k.key_id.in_(chunk)))
        found.update((row.key_id, row.user_seq) for row in result)
    return found


def _scopes(text: str) -> tuple[str, ...]:
    return tuple(text.split(","))


def upsert_user(conn: Connection, spec, now_us: int) -> User:
    """Create or update a user from a models.inputs.UserIn, keys included.

    Safe against another process writing the same user at once: the insert
    decides who creates it, and the balance row is locked before it is compared.
    """
    cents = None if spec.balance is None else Amount.from_dollars(spec.balance).to_cents()
    _check_name("name", spec.name)
    _check_tier(spec.tier or "basic")
    user = _insert_user(conn, spec.name, spec.tier or "basic", spec.user_id, now_us)
    if user is None:
        user = user_by_name(conn, spec.name)
        if user is None:
            raise AccountError(f"user id {spec.user_id!r} already exists")
        if spec.user_id is not None and spec.user_id != user.user_id:
            raise AccountError(f"user {spec.name!r} exists with user_id {user.user_id!r}, not {spec.user_id!r}")
        if spec.tier is not None:
            set_tier(conn, user.seq, spec.tier)
    if cents is not None:
        _set_balance(conn, user.seq, cents, now_us)
    for key in spec.api_keys:
        _replace_key(conn, user.seq, key, now_us)
    fcm.configure(conn, user.seq, spec.fcm_member, spec.fcm_subtraders)  # GET /fcm/... (store/fcm.py)
    found = user_by_seq(conn, user.seq)
    assert found is not None  # inserted or found above in this transaction, and users are never deleted
    return found


def _set_balance(conn: Connection, user_seq: int, cents: int, now_us: int) -> None:
    """Reaches `cents` through a deposit or withdrawal of the difference."""
    check_balances_free(conn)
    b = balances.c
    # An UPDATE that changes nothing, to lock the row: another writer's change waits until the commit.
    lock = balances.update().where(b.user_seq == user_seq, b.subaccount == PRIMARY).values(balance=b.balance)
    difference = cents - Amount(conn.execute(lock.returning(b.balance)).scalar_one()).to_cents()
    if difference > 0:
        deposit(conn, user_seq, difference, now_us=now_us)
    elif difference < 0:
        withdraw(conn, user_seq, -difference, now_us=now_us)
