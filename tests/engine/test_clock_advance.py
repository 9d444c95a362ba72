"""Moving the manual clock through many due instants (engine/timers.py advance): every timer
fires in time order at its own instant, a batch holds at most INSTANTS_PER_BATCH of them, and
the store's clock ends at the target."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from kalshi_local.engine import Engine, timers
from kalshi_local.exchange.clock import MICROS, RealClock, to_rfc3339
from kalshi_local.exchange.events import MarketLifecycle, OrderChanged
from kalshi_local.exchange.orders import CreateOrder
from kalshi_local.scenario import loader
from kalshi_local.store import clock as clock_store
from kalshi_local.store.schema import markets

from .conftest import NOW, Store

CLOSINGS = timers.INSTANTS_PER_BATCH * 2 + 10  # three batches' worth of instants


def closing_markets(store: Store) -> list[str]:
    tickers = [f"KXT-2-C{i:03d}" for i in range(CLOSINGS)]
    event = {"event_ticker": "KXT-2", "series_ticker": "KXT", "title": "Closings", "markets": [
        {"ticker": t, "title": t, "open_time": "2026-01-01T00:00:00Z",
         "close_time": to_rfc3339(NOW + (i + 1) * MICROS)} for i, t in enumerate(tickers)]}  # fmt: skip
    loader.apply(store.db, loader.parse_data({"events": [event]}, "advance"), NOW, "advance")
    return tickers


def test_a_long_advance_fires_every_instant_in_order_in_a_few_batches(store):
    tickers = closing_markets(store)
    seen: list[tuple[str, int]] = []
    target = NOW + 3_600 * MICROS

    async def main() -> int:
        engine = Engine.start(store.db, store.clock)
        engine.subscribe(lambda events: seen.extend(
            (e.life.ticker, e.life.updated_us) for e in events if isinstance(e, MarketLifecycle)))  # fmt: skip
        try:
            return await timers.advance(engine, store.clock, target)
        finally:
            engine.close()

    batches = asyncio.run(main())
    assert seen == [(t, NOW + (i + 1) * MICROS) for i, t in enumerate(tickers)]
    assert batches == 3  # 64 + 64 + the last 10 and the target
    assert store.clock.now_us() == target
    with store.db.connect() as conn:
        assert clock_store.manual_time(conn) == target
        statuses = set(conn.execute(select(markets.c.status).where(markets.c.ticker.in_(tickers))).scalars())
    assert statuses == {"closed"}


def test_on_the_real_clock_an_order_expires_when_due_not_at_the_wakers_next_round(store):
    # The waker's round is MAX_WAIT_S (30 s) while nothing is pending; the engine tells it of
    # the expiration the order brought, so it fires within moments of it.
    cancelled: list[int] = []

    async def main() -> None:
        clock = RealClock()
        engine = Engine.start(store.db, clock)
        waker = timers.Waker(engine, clock)
        engine.subscribe(lambda events: cancelled.extend(
            clock.now_us() for e in events if isinstance(e, OrderChanged) and e.order.status == "canceled"))  # fmt: skip
        try:
            await asyncio.sleep(0.05)  # the waker's first round: nothing is due
            expires = clock.now_us() + 300_000
            order = CreateOrder(store.alice, store.alice_id, 0, "KXT-1-A", "bid", 100, 100, expiration_us=expires)
            assert (await engine.submit(order)).order.status == "resting"
            for _ in range(100):
                if cancelled:
                    break
                await asyncio.sleep(0.05)
            assert cancelled and expires <= cancelled[0] < expires + 2 * MICROS, (expires, cancelled)
        finally:
            waker.close()
            engine.close()

    asyncio.run(main())
