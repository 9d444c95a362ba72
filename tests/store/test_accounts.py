"""Users, balances, transfers and API keys in the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from kalshi_local.auth.keys import generate_key_pair, normalize_scopes
from kalshi_local.store import accounts, db, schema
from kalshi_local.store.accounts import AccountError
from kalshi_local.store.cursors import InvalidCursor, encode_cursor

NOW = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z


@pytest.fixture(scope="module")
def public_pem() -> str:
    return generate_key_pair()[1]


def rows(conn, table) -> int:
    return conn.execute(select(func.count()).select_from(table)).scalar_one()


# Users


def test_create_user_starts_with_an_empty_primary_subaccount(conn):
    user = accounts.create_user(conn, "alice", now_us=NOW)
    assert (user.name, user.tier, user.created_us) == ("alice", "basic", NOW)
    assert len(user.user_id) == 36
    assert accounts.balance(conn, user.seq) == accounts.Balance(0, NOW)
    assert accounts.transfers_page(conn, user.seq, "deposit", None, 10).rows == []


def test_an_opening_balance_is_an_applied_deposit_in_amount_units(conn):
    user = accounts.create_user(conn, "alice", now_us=NOW, balance_cents=100_050, tier="premier")
    assert accounts.balance(conn, user.seq).balance == 1_000_500_000
    [opening] = accounts.transfers_page(conn, user.seq, "deposit", None, 10).rows
    assert (opening.kind, opening.method, opening.status) == ("deposit", "ach", "applied")
    assert (opening.amount_cents, opening.fee_cents, opening.created_us, opening.finalized_us) == (100_050, 0, NOW, NOW)


def test_users_are_found_by_name_id_and_seq(conn):
    alice = accounts.create_user(conn, "alice", now_us=NOW, user_id="u-alice")
    bob = accounts.create_user(conn, "bob", now_us=NOW + 1)
    assert accounts.user_by_name(conn, "alice") == alice
    assert accounts.user_by_id(conn, "u-alice") == alice
    assert accounts.user_by_seq(conn, bob.seq) == bob
    assert accounts.user_by_name(conn, "carol") is None
    assert accounts.user_by_id(conn, "nobody") is None
    assert accounts.users(conn) == [alice, bob]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "name must not be empty"),
        ({"name": "   "}, "name must not be empty"),
        ({"name": "x" * 101}, "name must be at most 100 characters, got 101"),
        ({"tier": "gold"}, "tier must be one of basic, advanced, premier, paragon, prime, got 'gold'"),
        ({"balance_cents": -1}, "balance_cents must be a whole number of cents, at least 0, got -1"),
    ],
)
def test_create_user_refuses_bad_fields_naming_them(conn, fields, message):
    with pytest.raises(AccountError, match=message):
        accounts.create_user(conn, **{"name": "alice", "now_us": NOW, **fields})
    assert rows(conn, schema.users) == 0


def test_a_name_of_100_characters_is_accepted(conn):
    assert accounts.create_user(conn, "x" * 100, now_us=NOW).name == "x" * 100


def test_names_and_user_ids_are_unique(conn):
    accounts.create_user(conn, "alice", now_us=NOW, user_id="u-1")
    with pytest.raises(AccountError, match="user 'alice' already exists"):
        accounts.create_user(conn, "alice", now_us=NOW)
    with pytest.raises(AccountError, match="user id 'u-1' already exists"):
        accounts.create_user(conn, "bob", now_us=NOW, user_id="u-1")
    assert rows(conn, schema.users) == 1


def test_set_tier_changes_the_tier_and_checks_it(conn):
    user = accounts.create_user(conn, "alice", now_us=NOW)
    accounts.set_tier(conn, user.seq, "prime")
    assert accounts.user_by_seq(conn, user.seq).tier == "prime"
    with pytest.raises(AccountError, match="tier must be one of"):
        accounts.set_tier(conn, user.seq, "vip")
    with pytest.raises(AccountError, match="no user with seq 999"):
        accounts.set_tier(conn, 999, "basic")


# Balances and transfers


def test_deposit_and_withdraw_move_the_balance_and_stamp_it(conn):
    user = accounts.create_user(conn, "alice", now_us=NOW, balance_cents=1_000)
    deposit = accounts.deposit(conn, user.seq, 500, now_us=NOW + 1, method="wire")
    withdrawal = accounts.withdraw(conn, user.seq, 1_200, now_us=NOW + 2)
    assert accounts.balance(conn, user.seq) == accounts.Balance(300 * 10_000, NOW + 2)
    assert (deposit.kind, deposit.method, deposit.amount_cents) == ("deposit", "wire", 500)
    assert (withdrawal.kind, withdrawal.status, withdrawal.amount_cents) == ("withdrawal", "applied", 1_200)
    [listed] = accounts.transfers_page(conn, user.seq, "withdrawal", None, 10).rows
    assert listed == withdrawal


def test_withdrawing_the_whole_balance_leaves_zero(conn):
    user = accounts.create_user(conn, "alice", now_us=NOW, balance_cents=700)
    accounts.withdraw(conn, user.seq, 700, now_us=NOW)
    assert accounts.balance(conn, user.seq).balance == 0


def test_a_short_withdrawal_fails_and_changes_nothing(conn):
    user = accounts.create_user(conn, "alice", now_us=NOW, balance_cents=300)
    with pytest.raises(AccountError, match=r"the withdrawal of \$3.01 exceeds the balance of \$3.00"):
        accounts.withdraw(conn, user.seq, 301, now_us=NOW + 5)
    assert accounts.balance(conn, user.seq) == accounts.Balance(3_000_000, NOW)
    assert rows(conn, schema.transfers) == 1


def test_a_deposit_past_the_largest_balance_fails_and_changes_nothing(conn):
    most_cents = accounts.MAX_BALANCE // 10_000
    user = accounts.create_user(conn, "alice", now_us=NOW, balance_cents=most_cents - 100)
    with pytest.raises(AccountError, match=r"the deposit of \$1\.01 would take the balance past \$1000000000000\.00"):
        accounts.deposit(conn, user.seq, 101, now_us=NOW)
    accounts.deposit(conn, user.seq, 100, now_us=NOW)  # up to the limit exactly is fine
    assert accounts.balance(conn, user.seq).balance == accounts.MAX_BALANCE
    with pytest.raises(AccountError, match=r"a transfer is at most \$1000000000000\.00"):
        accounts.withdraw(conn, user.seq, most_cents + 1, now_us=NOW)
    assert rows(conn, schema.transfers) == 2


@pytest.mark.parametrize("amount", [0, -5, True, "100"])
@pytest.mark.parametrize("move", [accounts.deposit, accounts.withdraw])
def test_amounts_must_be_positive_whole_cents(conn, move, amount):
    user = accounts.create_user(conn, "alice", now_us=NOW, balance_cents=1_000)
    with pytest.raises(AccountError, match=f"amount_cents must be a positive whole number of cents, got {amount!r}"):
        move(conn, user.seq, amount, now_us=NOW)
    assert accounts.balance(conn, user.seq).balance == 10_000_000


def test_an_unknown_method_or_user_is_refused(conn):
    user = accounts.create_user(conn, "alice", now_us=NOW)
    with pytest.raises(AccountError, match="method must be one of ach, wire, crypto, debit, apm, got 'cash'"):
        accounts.deposit(conn, user.seq, 100, now_us=NOW, method="cash")
    with pytest.raises(AccountError, match="no user with seq 999"):
        accounts.deposit(conn, 999, 100, now_us=NOW)
    with pytest.raises(AccountError, match="no user with seq 999"):
        accounts.withdraw(conn, 999, 100, now_us=NOW)
    assert rows(conn, schema.transfers) == 0


def test_balance_of_an_unknown_subaccount_is_none(conn):
    user = accounts.create_user(conn, "alice", now_us=NOW)
    assert accounts.balance(conn, user.seq, subaccount=1) is None


def test_transfers_page_newest_first_and_the_cursor_walks_to_the_end(conn):
    user = accounts.create_user(conn, "alice", now_us=NOW)
    other = accounts.create_user(conn, "bob", now_us=NOW)
    made = [accounts.deposit(conn, user.seq, cents, now_us=NOW + cents) for cents in range(1, 8)]
    accounts.deposit(conn, other.seq, 99, now_us=NOW)
    accounts.withdraw(conn, user.seq, 1, now_us=NOW)
    seen, cursor, pages = [], None, 0
    while True:
        page = accounts.transfers_page(conn, user.seq, "deposit", cursor, 3)
        seen += page.rows
        pages += 1
        cursor = page.cursor
        if not cursor:
            break
    assert seen == made[::-1]
    assert pages == 3


def test_a_page_that_ends_exactly_at_the_limit_has_no_cursor(conn):
    user = accounts.create_user(conn, "alice", now_us=NOW)
    for cents in (1, 2):
        accounts.deposit(conn, user.seq, cents, now_us=NOW)
    assert accounts.transfers_page(conn, user.seq, "deposit", None, 2).cursor == ""


@pytest.mark.parametrize("cursor", ["not-a-cursor!", encode_cursor("withdrawal", 5), encode_cursor("markets", 5)])
def test_a_cursor_of_another_list_is_refused(conn, cursor):
    user = accounts.create_user(conn, "alice", now_us=NOW)
    with pytest.raises(InvalidCursor):
        accounts.transfers_page(conn, user.seq, "deposit", cursor, 10)


def test_transfers_page_refuses_an_unknown_kind(conn):
    with pytest.raises(AccountError, match="kind must be one of deposit, withdrawal, got 'refund'"):
        accounts.transfers_page(conn, 1, "refund", None, 10)


# API keys


def test_add_key_stores_the_key_with_canonical_scopes(conn, public_pem):
    user = accounts.create_user(conn, "alice", now_us=NOW)
    key = accounts.add_key(conn, user.seq, name="bot", public_key=public_pem, scopes=["write", "read"], now_us=NOW)
    assert len(key.key_id) == 36
    assert (key.user_seq, key.name, key.public_key, key.scopes, key.created_us) == (
        user.seq, "bot", public_pem, ("read", "write"), NOW)
    assert accounts.keys_of(conn, user.seq) == [key]


def test_keys_are_listed_oldest_first_and_only_their_owners(conn, public_pem):
    alice = accounts.create_user(conn, "alice", now_us=NOW)
    bob = accounts.create_user(conn, "bob", now_us=NOW)
    first = accounts.add_key(conn, alice.seq, name="a", public_key=public_pem, scopes=None, now_us=NOW, key_id="k1")
    accounts.add_key(conn, bob.seq, name="b", public_key=public_pem, scopes=["read"], now_us=NOW, key_id="k2")
    last = accounts.add_key(conn, alice.seq, name="c", public_key=public_pem, scopes=["read"], now_us=NOW, key_id="k0")
    assert accounts.keys_of(conn, alice.seq) == [first, last]
    assert [k.scopes for k in accounts.keys_of(conn, alice.seq)] == [("read", "write"), ("read",)]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "name must not be empty"),
        ({"name": "n" * 101}, "name must be at most 100 characters, got 101"),
        ({"public_key": "not a pem"}, "public_key is not a PEM-encoded public key"),
        ({"scopes": ["write"]}, "scope 'write' requires 'read'"),
        ({"scopes": ["read", "admin"]}, "scope 'admin' is not one of 'read', 'write'"),
        ({"scopes": []}, "scopes must name at least one"),
    ],
)
def test_add_key_refuses_bad_fields_naming_them(conn, public_pem, fields, message):
    user = accounts.create_user(conn, "alice", now_us=NOW)
    args = {"name": "bot", "public_key": public_pem, "scopes": None, "now_us": NOW, **fields}
    with pytest.raises(AccountError, match=message):
        accounts.add_key(conn, user.seq, **args)
    assert rows(conn, schema.api_keys) == 0


def test_key_ids_are_unique_and_the_user_must_exist(conn, public_pem):
    user = accounts.create_user(conn, "alice", now_us=NOW)
    accounts.add_key(conn, user.seq, name="a", public_key=public_pem, scopes=None, now_us=NOW, key_id="k1")
    with pytest.raises(AccountError, match="api key 'k1' already exists"):
        accounts.add_key(conn, user.seq, name="b", public_key=public_pem, scopes=None, now_us=NOW, key_id="k1")
    with pytest.raises(AccountError, match="no user with seq 999"):
        accounts.add_key(conn, 999, name="b", public_key=public_pem, scopes=None, now_us=NOW)


def test_key_owner_joins_the_key_to_its_user(conn, public_pem):
    user = accounts.create_user(conn, "alice", now_us=NOW, tier="advanced", user_id="u-alice")
    accounts.add_key(conn, user.seq, name="a", public_key=public_pem, scopes=["read"], now_us=NOW, key_id="k1")
    expected = accounts.KeyOwner("k1", ("read",), public_pem, user.seq, "u-alice", "advanced")
    assert accounts.key_owner(conn, "k1") == expected
    accounts.set_tier(conn, user.seq, "prime")
    assert accounts.key_owner(conn, "k1").tier == "prime"
    assert accounts.key_owner(conn, "k2") is None


def test_delete_key_removes_only_the_owners_key(conn, public_pem):
    alice = accounts.create_user(conn, "alice", now_us=NOW)
    bob = accounts.create_user(conn, "bob", now_us=NOW)
    accounts.add_key(conn, alice.seq, name="a", public_key=public_pem, scopes=None, now_us=NOW, key_id="k1")
    assert accounts.delete_key(conn, bob.seq, "k1") is False
    assert accounts.key_owner(conn, "k1") is not None
    assert accounts.delete_key(conn, alice.seq, "k1") is True
    assert accounts.key_owner(conn, "k1") is None
    assert accounts.delete_key(conn, alice.seq, "k1") is False


def test_wipe_clears_accounts_too(conn, public_pem):
    user = accounts.create_user(conn, "alice", now_us=NOW, balance_cents=5)
    accounts.add_key(conn, user.seq, name="a", public_key=public_pem, scopes=None, now_us=NOW)
    db.wipe(conn)
    assert [rows(conn, t) for t in (schema.users, schema.balances, schema.api_keys, schema.transfers)] == [0, 0, 0, 0]


# Scopes


@pytest.mark.parametrize(
    ("given", "expected"),
    [(None, ("read", "write")), (["read"], ("read",)), (["write", "read", "write"], ("read", "write"))],
)
def test_normalize_scopes_defaults_dedupes_and_orders(given, expected):
    assert normalize_scopes(given) == expected
