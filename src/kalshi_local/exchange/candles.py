"""Candlesticks: per-market buckets of 1 minute, 1 hour and 1 day, built from the venue's events.

Pure: no web, database or clock. The engine turns each durable batch's events into
`Bucket` deltas (`aggregate`), the store merges a delta into the bucket it already holds
(`merge` says how; engine/candles.py does the same in SQL), and a read turns stored
buckets into the candles a client sees (`finish`).

Units are the venue's: prices in $0.0001, counts in 0.01 contracts; times in Unix
seconds for bucket ends, microseconds for events. A bucket covers the period
(end - period, end]: `end_period_ts` is its inclusive end (the spec's MarketCandlestick),
so a trade at exactly 12:01:00 belongs to the candle that ends at 12:01:00.

A bucket exists only for a period in which the market changed: a trade, or a command
that touched its book (a MarketChanged). A quiet period has no candlestick, which is
what the spec's `include_latest_before_start` (the latest real candlestick before
start_ts) presumes. What a stored bucket cannot know, the quote standing when the
period began and the last trade before it, comes from the bucket before it at read time.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .events import Event, MarketChanged, Traded

PERIODS = (1, 60, 1440)  # minutes: the spec's period_interval values
NO_BID = 0  # the venue's yes_bid when no one bids
NO_ASK = 10_000  # and its yes_ask when no one offers ($1)
_US = 1_000_000


def end_of(ts_us: int, period: int) -> int:
    """The end (Unix seconds) of the `period`-minute bucket holding `ts_us`: (end - period, end]."""
    step = period * 60 * _US
    return -(-ts_us // step) * period * 60


@dataclass(slots=True)
class Bucket:
    """One stored bucket, or what one batch adds to it. Price fields are None until a trade;
    bid and ask fields are None until a MarketChanged in the period; `price_volume` is the sum
    of price x count over the period's trades (for the mean)."""

    ticker: str
    period: int  # minutes
    end_ts: int  # Unix seconds, the inclusive end
    bid_first: int | None = None  # yes_bid after the period's first book change
    bid_low: int | None = None
    bid_high: int | None = None
    bid_close: int | None = None
    ask_first: int | None = None
    ask_low: int | None = None
    ask_high: int | None = None
    ask_close: int | None = None
    price_open: int | None = None
    price_low: int | None = None
    price_high: int | None = None
    price_close: int | None = None
    price_volume: int = 0
    volume: int = 0
    open_interest: int | None = None  # at the period's last change
    last_price: int | None = None  # the market's last trade price at the period's last change

    def trade(self, price: int, count: int) -> None:
        if self.price_open is None:
            self.price_open = price
        self.price_low = _low(self.price_low, price)
        self.price_high = _high(self.price_high, price)
        self.price_close = price
        self.price_volume += price * count
        self.volume += count
        self.last_price = price

    def quote(self, yes_bid: int, yes_ask: int, open_interest: int, last_price: int | None) -> None:
        if self.bid_first is None:
            self.bid_first, self.ask_first = yes_bid, yes_ask
        self.bid_low, self.bid_high = _low(self.bid_low, yes_bid), _high(self.bid_high, yes_bid)
        self.ask_low, self.ask_high = _low(self.ask_low, yes_ask), _high(self.ask_high, yes_ask)
        self.bid_close, self.ask_close = yes_bid, yes_ask
        self.open_interest = open_interest
        if last_price is not None:
            self.last_price = last_price


COLUMNS = tuple(f.name for f in dataclasses.fields(Bucket))


def aggregate(events: Iterable[Event]) -> list[Bucket]:
    """What `events` (in seq order) add to each bucket they fall in, every period, in first-touch order."""
    found: dict[tuple[str, int, int], Bucket] = {}

    def buckets(ticker: str, ts_us: int) -> list[Bucket]:
        out = []
        for period in PERIODS:
            key = (ticker, period, end_of(ts_us, period))
            bucket = found.get(key)
            if bucket is None:
                bucket = found[key] = Bucket(*key)
            out.append(bucket)
        return out

    for event in events:
        if isinstance(event, Traded):
            trade = event.trade
            for bucket in buckets(trade.ticker, trade.created_us):
                bucket.trade(trade.price, trade.count)
        elif isinstance(event, MarketChanged):
            stats = event.stats
            last = stats.last_price if stats.volume > 0 else None  # 0 is "never traded"
            for bucket in buckets(stats.ticker, stats.updated_us):
                bucket.quote(stats.yes_bid, stats.yes_ask, stats.open_interest, last)
    return list(found.values())


def merge(stored: Bucket, later: Bucket) -> Bucket:
    """`stored` with `later` (a later delta of the same bucket) applied: the rule the SQL upsert follows."""
    return Bucket(
        stored.ticker,
        stored.period,
        stored.end_ts,
        _first(stored.bid_first, later.bid_first),
        _low(stored.bid_low, later.bid_low),
        _high(stored.bid_high, later.bid_high),
        _first(later.bid_close, stored.bid_close),
        _first(stored.ask_first, later.ask_first),
        _low(stored.ask_low, later.ask_low),
        _high(stored.ask_high, later.ask_high),
        _first(later.ask_close, stored.ask_close),
        _first(stored.price_open, later.price_open),
        _low(stored.price_low, later.price_low),
        _high(stored.price_high, later.price_high),
        _first(later.price_close, stored.price_close),
        stored.price_volume + later.price_volume,
        stored.volume + later.volume,
        _first(later.open_interest, stored.open_interest),
        _first(later.last_price, stored.last_price),
    )


@dataclass(frozen=True, slots=True)
class Candle:
    """A candlestick as served. `yes_bid` and `yes_ask` are (open, low, high, close); the price
    fields are None for a period without trades (`mean` is volume-weighted, rounded half up to
    $0.0001); `previous` is the last trade price before the period, None if there was none."""

    end_ts: int
    yes_bid: tuple[int, int, int, int]
    yes_ask: tuple[int, int, int, int]
    open: int | None
    low: int | None
    high: int | None
    close: int | None
    mean: int | None
    previous: int | None
    volume: int
    open_interest: int


def finish(before: Bucket | None, buckets: Sequence[Bucket]) -> list[Candle]:
    """Candles of consecutive stored `buckets` (by end), `before` being the stored bucket just
    before the first one (None: there is none). A period opens at the quote the last one closed at."""
    bid = ask = None
    last = oi = None
    if before is not None:
        bid, ask, last, oi = before.bid_close, before.ask_close, _last_trade(before), before.open_interest
    candles = []
    for b in buckets:
        bid_open = _first(bid, b.bid_first, NO_BID)
        ask_open = _first(ask, b.ask_first, NO_ASK)
        bid = _first(b.bid_close, bid_open)
        ask = _first(b.ask_close, ask_open)
        mean = None if b.volume <= 0 else (2 * b.price_volume + b.volume) // (2 * b.volume)
        candles.append(
            Candle(
                b.end_ts,
                _ohlc(bid_open, b.bid_low, b.bid_high, bid),
                _ohlc(ask_open, b.ask_low, b.ask_high, ask),
                b.price_open,
                b.price_low,
                b.price_high,
                b.price_close,
                mean,
                last,
                b.volume,
                _first(b.open_interest, oi, 0),
            )
        )
        last = _first(_last_trade(b), last)
        oi = _first(b.open_interest, oi)
    return candles


def carried(before: Bucket, end_ts: int) -> Candle:
    """The spec's include_latest_before_start candle: `before` (the latest real bucket before
    start_ts) moved to `end_ts`, with no trade prices and `previous` at its last trade price.
    The quotes and open interest stand as `before` closed."""
    (real,) = finish(None, [before])
    bid, ask = real.yes_bid[3], real.yes_ask[3]
    return Candle(
        end_ts, (bid, bid, bid, bid), (ask, ask, ask, ask), None, None, None, None, None, _last_trade(before), 0,
        real.open_interest,
    )  # fmt: skip


def first_end(start_ts: int, period: int) -> int:
    """The first period boundary at or after `start_ts` (Unix seconds)."""
    return end_of(start_ts * _US, period)


def _ohlc(open_: int, low: int | None, high: int | None, close: int) -> tuple[int, int, int, int]:
    """A quote's period: it stood at `open_` when the period began, so that counts for low and high."""
    return (open_, open_ if low is None else min(low, open_), open_ if high is None else max(high, open_), close)


def _last_trade(bucket: Bucket) -> int | None:
    return _first(bucket.last_price, bucket.price_close)


def _first(*values):
    for value in values:
        if value is not None:
            return value
    return None


def _low(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _high(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)
