"""A small factory for trading rows, written straight into a server's store (as the engine
would), so the read endpoints can be tested before and apart from the engine."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Iterator

from sqlalchemy import insert, select

from kalshi_local.store import db
from kalshi_local.store import subaccounts as subaccount_store
from kalshi_local.store.schema import balances, fills, orders, positions, trades, users

from ..client import AdminClient, ApiClient
from ..signing import Signer, new_private_key

_seq = itertools.count(1_000_000)  # above the seqs of the demo market maker's orders
_names = itertools.count()
PRIVATE, PUBLIC = new_private_key()


@contextlib.contextmanager
def trader(server, admin: AdminClient, balance: str = "100.00", tier: str = "prime") -> Iterator[ApiClient]:
    """A new user with one key; the client has `.user_seq` and `.user_id`."""
    name = f"trader-{next(_names)}"
    key_id = f"{name}-key"
    body = {"tier": tier, "balance": balance, "api_keys": [{"id": key_id, "public_key": PUBLIC}]}
    admin.request("PUT", f"/users/{name}", body)
    with ApiClient(server.api, Signer(key_id, PRIVATE)) as api:
        with server.services.engine.connect() as conn:
            found = conn.execute(select(users.c.seq, users.c.user_id).where(users.c.name == name)).one()
        api.user_seq, api.user_id = found
        yield api


def _write(server, table, row: dict) -> dict:
    with db.writing(server.services.engine) as conn:
        conn.execute(insert(table).values(**row))
        if row.get("subaccount"):  # a numbered subaccount exists before anything is filed under it
            _open_subaccount(conn, row["user_seq"], row["subaccount"])
    return row


def _open_subaccount(conn, user_seq: int, subaccount: int) -> None:
    if not subaccount_store.exists(conn, user_seq, subaccount):
        conn.execute(insert(balances).values(user_seq=user_seq, subaccount=subaccount, balance=0, updated_us=0))
        subaccount_store.record_subaccount(conn, user_seq, subaccount, True, 0)


def _user_id(server, user_seq: int) -> str:
    with server.services.engine.connect() as conn:
        return conn.execute(select(users.c.user_id).where(users.c.seq == user_seq)).scalar_one()


def order(server, user_seq: int, **fields) -> dict:
    seq = fields.pop("seq", None) or next(_seq)
    row = {
        "seq": seq,
        "order_id": f"ord-{seq}",
        "user_seq": user_seq,
        "user_id": _user_id(server, user_seq),
        "subaccount": 0,
        "ticker": "MKT-A",
        "event_ticker": "EVT-A",
        "book_side": "bid",
        "price": 4_200,
        "initial_count": 1_000,
        "remaining_count": 1_000,
        "fill_count": 0,
        "status": "resting",
        "time_in_force": "good_till_canceled",
        "self_trade_prevention": "taker_at_cross",
        "client_order_id": f"c-{seq}",
        "action": "buy",
        "side": "yes",
        "post_only": False,
        "reduce_only": False,
        "cancel_order_on_pause": False,
        "order_group_id": None,
        "expiration_us": None,
        "created_us": 1_700_000_000_000_000 + seq * 1_000_000,
        "updated_us": 1_700_000_000_000_000 + seq * 1_000_000,
        "taker_fill_cost": 0,
        "maker_fill_cost": 0,
        "taker_fees": 0,
        "maker_fees": 0,
        "fee_accumulator": 0,
        "reserved": 0,
    }
    return _write(server, orders, {**row, **fields})


def fill(server, user_seq: int, **fields) -> dict:
    seq = fields.pop("seq", None) or next(_seq)
    row = {
        "seq": seq,
        "fill_id": f"fill-{seq}",
        "trade_id": f"trade-{seq}",
        "order_id": f"ord-{seq}",
        "user_seq": user_seq,
        "subaccount": 0,
        "ticker": "MKT-A",
        "book_side": "bid",
        "action": "buy",
        "side": "yes",
        "price": 4_200,
        "count": 300,
        "is_taker": True,
        "fee": 21_000,
        "created_us": 1_700_000_000_000_000 + seq * 1_000_000,
    }
    return _write(server, fills, {**row, **fields})


def trade(server, **fields) -> dict:
    seq = fields.pop("seq", None) or next(_seq)
    row = {
        "seq": seq,
        "trade_id": f"trade-{seq}",
        "ticker": "MKT-A",
        "price": 4_200,
        "count": 300,
        "taker_book_side": "ask",
        "created_us": 1_700_000_000_000_000 + seq * 1_000_000,
    }
    return _write(server, trades, {**row, **fields})


def position(server, user_seq: int, **fields) -> dict:
    seq = fields.pop("seq", None) or next(_seq)
    row = {
        "user_seq": user_seq,
        "subaccount": 0,
        "ticker": "MKT-A",
        "event_ticker": "EVT-A",
        "position": 300,
        "total_traded": 1_260_000,
        "market_exposure": 1_260_000,
        "realized_pnl": 0,
        "fees_paid": 21_000,
        "resting_orders_count": 0,
        "updated_us": 1_700_000_000_000_000,
        "seq": seq,
    }
    return _write(server, positions, {**row, **fields})


def reserve(server, user_seq: int, amount: int, subaccount: int = 0) -> None:
    with db.writing(server.services.engine) as conn:
        b = balances.c
        conn.execute(
            balances.update().where(b.user_seq == user_seq, b.subaccount == subaccount).values(reserved=amount)
        )
