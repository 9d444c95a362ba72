"""exchange/candles.py: buckets from events, merged batch after batch, finished into candles."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kalshi_local.exchange.candles import Bucket, aggregate, end_of, finish, merge
from kalshi_local.exchange.events import MarketChanged, Traded
from kalshi_local.exchange.orders import MarketStats, Trade

T0 = 1_800_000_000 * 1_000_000


def test_a_bucket_ends_at_the_period_boundary_that_holds_the_time():
    assert end_of(T0 + 1, 1) == T0 // 1_000_000 + 60
    assert end_of(T0, 1) == T0 // 1_000_000  # the end is inclusive
    assert end_of(T0 + 61_000_000, 60) == T0 // 1_000_000 + 3_600


steps = st.lists(
    st.tuples(
        st.integers(0, 3 * 3_600),  # seconds after T0
        st.integers(1, 9_999),  # trade price
        st.integers(1, 1_000),  # count
        st.integers(0, 9_999),  # yes_bid after
        st.integers(1, 10_000),  # yes_ask after
    ),
    min_size=1,
    max_size=40,
).map(sorted)


def events_of(script) -> list:
    events, seq, volume = [], 0, 0
    for offset, price, count, bid, ask in script:
        us = T0 + offset * 1_000_000
        seq, volume = seq + 1, volume + count
        events.append(Traded(seq, Trade(seq, f"t{seq}", "M", price, count, "bid", us)))
        seq += 1
        stats = MarketStats("M", bid, ask, last_price=price, volume=volume, open_interest=volume, updated_us=us)
        events.append(MarketChanged(seq, stats))
    return events


def stored(batches) -> dict:
    """What the store holds after writing `batches` one by one (merge, as the SQL upsert does)."""
    held: dict = {}
    for batch in batches:
        for bucket in aggregate(batch):
            key = (bucket.ticker, bucket.period, bucket.end_ts)
            held[key] = merge(held[key], bucket) if key in held else bucket
    return held


@given(steps, st.data())
def test_any_split_into_batches_stores_the_same_buckets(script, data):
    events = events_of(script)
    cuts = sorted(data.draw(st.sets(st.integers(0, len(events)), max_size=5)))
    batches = [events[a:b] for a, b in zip([0, *cuts], [*cuts, len(events)], strict=True)]
    assert stored(batches) == stored([events])


@given(steps)
def test_candles_follow_the_trades_and_quotes(script):
    held = stored([events_of(script)])
    buckets = sorted((b for b in held.values() if b.period == 1), key=lambda b: b.end_ts)
    candles = finish(None, buckets)
    last_quote = None
    for candle in candles:
        start_s, end_s = candle.end_ts - 60, candle.end_ts
        inside = [s for s in script if start_s < T0 // 1_000_000 + s[0] <= end_s]
        assert candle.volume == sum(s[2] for s in inside)
        assert (candle.open, candle.close) == (inside[0][1], inside[-1][1])
        assert (candle.low, candle.high) == (min(s[1] for s in inside), max(s[1] for s in inside))
        opening = last_quote if last_quote is not None else inside[0][3:5]
        assert candle.yes_bid[0] == opening[0] and candle.yes_ask[0] == opening[1]
        assert candle.yes_bid[3] == inside[-1][3] and candle.yes_bid[1] == min([opening[0]] + [s[3] for s in inside])
        last_quote = inside[-1][3:5]


def test_a_bucket_without_trades_has_no_prices_and_keeps_the_previous():
    before = Bucket("M", 1, 60, 10, 10, 10, 10, 20, 20, 20, 20, 5, 5, 5, 5, 500, 100, 100, 5)
    later = Bucket("M", 1, 180, 12, 12, 12, 12, 20, 20, 20, 20, open_interest=100)
    (candle,) = finish(before, [later])
    assert (candle.open, candle.mean, candle.previous, candle.volume) == (None, None, 5, 0)
    assert candle.yes_bid == (10, 10, 12, 12)
