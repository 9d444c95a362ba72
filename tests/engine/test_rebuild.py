"""The engine with the real venue across restarts: what a rebuilt venue must carry on with
exactly as a venue that never stopped (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import uuid

import pytest
from sqlalchemy import select, update

from kalshi_local.engine import Engine, rebuild
from kalshi_local.exchange.orders import AdjustBalance, AmendOrder, CreateOrder, Order
from kalshi_local.exchange.venue import numbered_id
from kalshi_local.store import db
from kalshi_local.store.schema import markets, orders

from .conftest import Store

DAY_S = 86_400


def run(store: Store, scenario):
    """Runs `scenario(engine)` on an engine started from the store, then closes it (a restart
    between two calls); returns what the scenario returned."""

    async def main():
        engine = Engine.start(store.db, store.clock)
        try:
            return await scenario(engine)
        finally:
            engine.close()

    return asyncio.run(main())


def bid(store: Store, price: int = 5000) -> CreateOrder:
    return CreateOrder(store.alice, store.alice_id, 0, "KXT-1-A", "bid", price, 100)


def ask(store: Store, price: int = 5000) -> CreateOrder:
    return CreateOrder(store.bob, store.bob_id, 0, "KXT-1-A", "ask", price, 100)


def volume_24h(store: Store) -> int:
    with store.db.connect() as conn:
        return conn.execute(select(markets.c.volume_24h).where(markets.c.ticker == "KXT-1-A")).scalar_one()


def test_volume_24h_forgets_a_trade_a_day_later_across_a_restart(store):
    async def trade(engine):
        await engine.submit(bid(store))
        await engine.submit(ask(store))

    run(store, trade)
    assert volume_24h(store) == 100
    store.clock.advance(DAY_S // 2)

    async def nothing(engine):
        await engine.submit(AdjustBalance(store.alice, 0, 0))  # a batch: the window rolls

    run(store, nothing)
    assert volume_24h(store) == 100  # half a day: still counted
    store.clock.advance(DAY_S // 2 + 1)
    run(store, nothing)
    assert volume_24h(store) == 0


def test_order_ids_after_a_restart_continue_as_without_one(store):
    async def two_orders(engine):
        return [(await engine.submit(bid(store, price))).order.order_id for price in (4000, 4100)]

    first = run(store, two_orders)
    second = run(store, two_orders)
    numbered = [numbered_id("order", n) for n in range(1, 5)]
    assert first + second == numbered


def test_an_amended_order_keeps_one_row_and_its_new_priority_across_a_restart(store):
    async def place_and_amend(engine):
        placed = (await engine.submit(bid(store, 4000))).order
        await engine.submit(bid(store, 4100))
        amended = await engine.submit(AmendOrder(store.alice, placed.order_id, "KXT-1-A", "bid", 4100, 100))
        return placed.order_id, amended.order.seq

    order_id, seq = run(store, place_and_amend)
    with store.db.connect() as conn:
        rows = conn.execute(select(orders.c.seq, orders.c.price).where(orders.c.order_id == order_id)).all()
    assert rows == [(seq, 4100)]

    async def queue(engine):
        return [(o.order_id, o.price) for o in engine._venue.orders()]

    assert run(store, queue)[-1] == (order_id, 4100)  # behind the other order at 0.41 after the amend


ENUMS = {
    "book_side": ("bid", "ask"),
    "time_in_force": ("good_till_canceled", "immediate_or_cancel", "fill_or_kill"),
    "self_trade_prevention": ("taker_at_cross", "maker"),
    "action": ("buy", "sell"),
    "side": ("yes", "no"),
    "post_only": (False, True),
    "reduce_only": (False, True),
    "cancel_order_on_pause": (False, True),
}


def _stored(store: Store, seq: int, **values) -> Order:
    """A resting order row with `values`, its other fields all different from their neighbours'."""
    order = Order(
        seq, str(uuid.UUID(int=seq)), store.alice, store.alice_id, seq % 3, "KXT-1-A", "KXT-1", "bid",
        100 + seq, 1000 + seq, 900 + seq, 100, "resting", "good_till_canceled", "taker_at_cross", f"c{seq}",
        "buy", "yes", False, False, False, f"g{seq}" if seq % 2 else None, 10**15 + seq if seq % 3 else None,
        10**15 - seq, 10**15 + 2 * seq, 7 * seq, 11 * seq, 13 * seq, 17 * seq, 19 * seq, 23 * seq,
    )  # fmt: skip
    return dataclasses.replace(order, **values)


def test_the_store_read_gives_back_every_enum_and_flag_of_a_resting_order(store):
    combos = [dict(zip(ENUMS, values, strict=True)) for values in itertools.product(*ENUMS.values())]
    written = [_stored(store, seq, **combo) for seq, combo in enumerate(combos, start=1)]
    closed = _stored(store, len(written) + 1, status="canceled")
    with db.writing(store.db) as conn:
        conn.execute(orders.insert(), [dataclasses.asdict(o) for o in [*written, closed]])
        state = rebuild.load_state(conn)
    assert state.orders == written
    for order in state.orders:  # booleans, not 0/1 (msgspec would send a number)
        assert type(order.post_only) is type(order.reduce_only) is type(order.cancel_order_on_pause) is bool


def test_an_unknown_enum_value_in_the_store_stops_the_read_with_the_order_named(store):
    with db.writing(store.db) as conn:
        conn.execute(orders.insert(), [dataclasses.asdict(_stored(store, 1))])
        conn.execute(update(orders).values(time_in_force="good_till_date"))
    with store.db.connect() as conn, pytest.raises(ValueError, match=str(uuid.UUID(int=1))):
        rebuild.load_state(conn)
