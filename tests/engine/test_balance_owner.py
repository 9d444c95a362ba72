"""A running server's engine owns the balances: another process may not move them."""

from __future__ import annotations

import json
import os
import socket

import pytest

from kalshi_local.store import accounts
from kalshi_local.store.schema import engine_state


def mark(conn, pid: int, host: str | None = None) -> None:
    value = json.dumps({"pid": pid, "host": host or socket.gethostname()})
    conn.execute(engine_state.insert().values(key=accounts.OWNER_KEY, value=value))


def test_balances_are_free_without_a_server_and_for_the_server_itself(engine):
    with engine.begin() as conn:
        accounts.check_balances_free(conn)
        accounts.claim_balances(conn, "me")
        accounts.check_balances_free(conn, "me")  # this server owns them
        with pytest.raises(accounts.BalancesOwned):
            accounts.check_balances_free(conn, "another server of this process")
        accounts.check_balances_free(conn)  # a store write of the owner's own process
        accounts.release_balances(conn, "someone else")  # only the owner releases its mark
        with pytest.raises(accounts.BalancesOwned):
            accounts.check_balances_free(conn, "someone else")
        accounts.release_balances(conn, "me")
        accounts.check_balances_free(conn)
        mark(conn, 1)  # pid 1 lives on every host: a running server
        with pytest.raises(accounts.BalancesOwned, match="pid 1 .* admin API"):
            accounts.check_balances_free(conn)


def test_a_mark_left_by_a_killed_server_is_ignored(engine):
    dead = os.getpid() + 1_000_000  # above any pid_max
    with engine.begin() as conn:
        mark(conn, dead)
        accounts.check_balances_free(conn)


def test_a_server_on_another_host_is_taken_as_running(engine):
    with engine.begin() as conn:
        mark(conn, 12345, "elsewhere")
        with pytest.raises(accounts.BalancesOwned):
            accounts.check_balances_free(conn)
