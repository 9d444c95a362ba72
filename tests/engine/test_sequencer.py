"""The sequencer on a real store (SQLite and PostgreSQL) with a stand-in venue:
group commit, durability before acknowledgement, failed batches, the event stream."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text

from kalshi_local.engine import Engine, EngineClosed, EngineFault, WriteFailed
from kalshi_local.engine.rebuild import load_state
from kalshi_local.exchange.errors import InsufficientBalance, MarketClosed, OrderNotFound
from kalshi_local.exchange.events import OrderChanged
from kalshi_local.exchange.orders import AdjustBalance, CancelOrder, CreateOrder, SetBalance
from kalshi_local.store import accounts
from kalshi_local.store.schema import balances, fills, orders, trades

from .conftest import OPENS, Store, plain
from .standin import StandInVenue


def create(store: Store, user: str = "alice", price: int = 5000, count: int = 100, **options) -> CreateOrder:
    options.setdefault("ticker", "KXT-1-A")
    options.setdefault("book_side", "bid")
    seq, user_id = (store.alice, store.alice_id) if user == "alice" else (store.bob, store.bob_id)
    return CreateOrder(seq, user_id, 0, price=price, count=count, **options)


def run(store: Store, scenario) -> None:
    """Runs `scenario(engine)` on a loop with an engine started on it, then closes the engine."""

    async def main():
        engine = Engine.start(store.db, store.clock, StandInVenue)
        try:
            await scenario(engine)
        finally:
            engine.close()

    asyncio.run(main())


def assert_venue_matches_store(engine: Engine, store: Store) -> None:
    venue = engine._venue
    assert isinstance(venue, StandInVenue)
    with store.db.connect() as conn:
        state = load_state(conn)
    assert [plain(o) for o in venue.orders.values()] == [plain(o) for o in state.orders]
    assert {k: plain(a) for k, a in venue.accounts.items()} == {
        (a.user_seq, a.subaccount): plain(a) for a in state.accounts if (a.user_seq, a.subaccount) in venue.accounts
    }
    assert {k: plain(p) for k, p in venue.positions.items()} == {
        (p.user_seq, p.subaccount, p.ticker): plain(p) for p in state.positions
    }
    stored_stats = {s.ticker: plain(s) for s in state.stats}
    assert all(stored_stats[t] == plain(s) for t, s in venue.stats.items())


def test_concurrent_submits_share_few_transactions(store):
    async def scenario(engine):
        outcomes = await asyncio.gather(*(engine.submit(create(store, price=100 + i)) for i in range(300)))
        assert len({o.order.order_id for o in outcomes}) == 300
        assert engine.batches < 30  # 300 commands grouped, not one transaction each

    run(store, scenario)
    with store.db.connect() as conn:
        assert conn.execute(select(orders.c.seq)).all().__len__() == 300


def test_a_result_and_its_events_come_only_after_the_rows_are_committed(store):
    seen_in_store = []

    def reader(events):
        ids = [e.order.order_id for e in events if isinstance(e, OrderChanged)]
        with store.db.connect() as conn:
            found = conn.execute(select(orders.c.order_id).where(orders.c.order_id.in_(ids))).scalars().all()
        seen_in_store.append(sorted(found) == sorted(set(ids)))

    async def scenario(engine):
        engine.subscribe(reader)
        for _ in range(5):
            outcome = await engine.submit(create(store))
            with store.db.connect() as conn:  # a fresh connection: only committed rows
                row = conn.execute(select(orders).where(orders.c.order_id == outcome.order.order_id)).one()
            assert row.remaining_count == 100 and row.status == "resting"

    run(store, scenario)
    assert seen_in_store == [True] * 5


def test_a_refused_command_fails_alone_and_the_others_of_its_batch_apply(store):
    async def scenario(engine):
        results = await engine.submit_many(
            [create(store), create(store, count=10_000_000), CancelOrder(store.alice, "o-999"), create(store)]
        )
        assert [type(r).__name__ for r in results] == ["Outcome", "InsufficientBalance", "OrderNotFound", "Outcome"]
        with pytest.raises(InsufficientBalance):
            await engine.submit(create(store, count=10_000_000))
        with pytest.raises(OrderNotFound):
            await engine.submit(CancelOrder(store.bob, results[0].order.order_id))  # not bob's
        assert_venue_matches_store(engine, store)

    run(store, scenario)


BOOM_TRIGGERS = {
    "sqlite": [
        "CREATE TRIGGER boom BEFORE INSERT ON orders WHEN NEW.client_order_id = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'boom'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN "
        "IF NEW.client_order_id = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER boom BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION boom()",
    ],
}


def test_a_batch_whose_write_fails_fails_whole_and_the_venue_is_rebuilt_from_the_store(store):
    with store.db.begin() as conn:
        for statement in BOOM_TRIGGERS[store.db.dialect.name]:
            conn.exec_driver_sql(statement)
    events = []

    async def scenario(engine):
        engine.subscribe(events.extend)
        kept = await engine.submit(create(store, user="bob", book_side="ask", price=6000))
        with pytest.raises(WriteFailed) as failed:
            # the first order crosses bob's: a fill, a trade, positions and balances, none of it written
            await engine.submit_many([create(store, price=6000), create(store, client_order_id="boom")])
        assert failed.value.status == 503 and "nothing" in failed.value.message
        assert_venue_matches_store(engine, store)
        assert list(engine._venue.orders) == [kept.order.order_id]
        after = await engine.submit(create(store, price=6000))  # the store works again: it fills now
        assert after.order.fill_count == 100
        assert_venue_matches_store(engine, store)

    run(store, scenario)
    with store.db.connect() as conn:
        assert conn.execute(select(orders.c.client_order_id)).scalars().all().count("boom") == 0
        assert len(conn.execute(select(fills)).all()) == 2 and len(conn.execute(select(trades)).all()) == 1
    seqs = [e.seq for e in events]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_a_venue_fault_fails_its_command_and_the_rest_still_apply(store):
    async def scenario(engine):
        engine._venue.fail_on = "bug"
        ok, bad = await asyncio.gather(
            engine.submit(create(store)), engine.submit(create(store, client_order_id="bug")), return_exceptions=True
        )
        assert not isinstance(ok, Exception) and isinstance(bad, EngineFault) and bad.status == 500
        assert await engine.submit(create(store))
        assert_venue_matches_store(engine, store)

    run(store, scenario)


def test_events_reach_subscribers_in_seq_order_without_gaps_across_restarts(store):
    events: list = []

    def broken(_events):
        raise RuntimeError("a subscriber bug")

    async def flow(engine):
        engine.subscribe(broken)  # logged; the next subscriber still gets every batch
        engine.subscribe(events.extend)
        placed = await asyncio.gather(
            *(engine.submit(create(store, user="alice", price=4000 + 10 * i)) for i in range(20)),
            *(engine.submit(create(store, user="bob", book_side="ask", price=4100 + 10 * i)) for i in range(20)),
        )
        await engine.submit_many([CancelOrder(o.order.user_seq, o.order.order_id) for o in placed[:5]])

    run(store, flow)
    run(store, flow)  # a new engine on the same store continues the seqs
    seqs = [e.seq for e in events]
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


def test_rebuild_gives_the_state_the_venue_had(store):
    async def scenario(engine):
        for i in range(30):
            side, user = ("bid", "alice") if i % 2 else ("ask", "bob")
            await engine.submit(create(store, user=user, book_side=side, price=4000 + 137 * (i % 7), count=50 * i + 1))
        before = engine._venue
        engine.close()
        again = Engine.start(store.db, store.clock, StandInVenue)
        try:
            assert [plain(o) for o in again._venue.orders.values()] == [plain(o) for o in before.orders.values()]
            assert {k: plain(p) for k, p in again._venue.positions.items()} == {
                k: plain(p) for k, p in before.positions.items()
            }
            for key, account in before.accounts.items():
                assert plain(again._venue.accounts[key]) == plain(account)
            assert again._venue.next_seq == before.next_seq and again._venue.next_order == before.next_order
        finally:
            again.close()

    run(store, scenario)


def test_rules_are_read_again_once_the_clock_passes_a_market_open_time(store):
    async def scenario(engine):
        with pytest.raises(MarketClosed):
            await engine.submit(create(store, ticker="KXT-1-LATER"))
        store.clock.set(OPENS)
        assert (await engine.submit(create(store, ticker="KXT-1-LATER"))).order.status == "resting"

    run(store, scenario)


def test_balance_commands_write_the_balance_and_their_record_in_one_transaction(store):
    async def scenario(engine):
        def record(conn, _outcome):
            accounts._record(conn, store.alice, "deposit", "ach", 500, store.clock.now_us())

        await engine.submit(AdjustBalance(store.alice, 0, 5_000_000), record=record)
        await engine.submit(SetBalance(store.bob, 0, 7_000_000))
        with pytest.raises(InsufficientBalance):
            await engine.submit(create(store, user="bob", count=100_000))  # $500 > $7

    run(store, scenario)
    with store.db.connect() as conn:
        assert conn.execute(select(balances.c.balance).where(balances.c.user_seq == store.alice)).scalar() == (
            1005 * 1_000_000
        )
        assert conn.execute(select(balances.c.balance).where(balances.c.user_seq == store.bob)).scalar() == 7_000_000
        assert accounts.transfers_page(conn, store.alice, "deposit", None, 10).rows[0].amount_cents == 500


def test_reload_runs_its_write_then_rebuilds_and_close_refuses_more(store):
    async def scenario(engine):
        await engine.submit(create(store))

        def wipe_orders(conn):
            conn.execute(orders.delete())
            conn.execute(balances.update().values(reserved=0))

        await asyncio.to_thread(engine.reload, wipe_orders)
        assert engine._venue.orders == {}
        assert_venue_matches_store(engine, store)
        assert await asyncio.to_thread(engine.submit_blocking, create(store))
        engine.close()
        with pytest.raises(EngineClosed):
            await engine.submit(create(store))

    run(store, scenario)


def test_a_write_waits_for_a_lock_held_elsewhere_and_then_applies(store):
    async def scenario(engine):
        conn = store.db.connect()
        conn.begin()
        conn.execute(text("UPDATE balances SET updated_us = updated_us"))  # holds the write lock / row lock
        pending = asyncio.ensure_future(engine.submit(create(store)))
        await asyncio.sleep(0.2)  # not a clock: gives the engine thread time to block on the lock
        assert not pending.done()
        conn.commit()
        conn.close()
        assert (await pending).order.status == "resting"

    run(store, scenario)
