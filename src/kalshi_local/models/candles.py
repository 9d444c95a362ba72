"""Candlesticks as the Trade API renders them (MarketCandlestick), with the legacy fields.

The spec's fields are `*_dollars` strings and `*_fp` counts; kalshi-python-sync 3.2.0 still
requires integer cents in BidAskDistribution (open, low, high, close) and whole contracts in
`volume` and `open_interest` (COMPAT.md), and reads cents in PriceDistribution when present.
"""

from __future__ import annotations

from typing import Any

from ..exchange.candles import Candle
from ..exchange.money import count_contracts, count_fp
from ..exchange.money import price_cents as _cents_of
from ..exchange.money import price_dollars as _dollars_of

# Every price is on the $0.0001 grid between $0 and $1: its texts are looked up, not formatted
# (a 5,000-candle answer formats some 60,000 of them).
_DOLLARS = [_dollars_of(raw) for raw in range(10_001)]
_CENTS = [_cents_of(raw) for raw in range(10_001)]


def price_dollars(raw: int) -> str:
    return _DOLLARS[raw] if 0 <= raw <= 10_000 else _dollars_of(raw)


def price_cents(raw: int) -> int:
    return _CENTS[raw] if 0 <= raw <= 10_000 else _cents_of(raw)


def _quote(ohlc: tuple[int, int, int, int]) -> dict[str, Any]:
    o, low, high, c = ohlc
    return {
        "open": price_cents(o), "open_dollars": price_dollars(o),
        "low": price_cents(low), "low_dollars": price_dollars(low),
        "high": price_cents(high), "high_dollars": price_dollars(high),
        "close": price_cents(c), "close_dollars": price_dollars(c),
    }  # fmt: skip


def _price(candle: Candle) -> dict[str, Any]:
    # A price the period does not have is left out: the spec's fields are optional, and its
    # `nullable` sits beside a $ref, which OpenAPI 3.0 ignores, so null would not validate.
    out: dict[str, Any] = {}
    for name in ("open", "low", "high", "close", "mean", "previous"):
        value = getattr(candle, name)
        if value is not None:
            out[name] = price_cents(value)
            out[f"{name}_dollars"] = price_dollars(value)
    return out


def candlestick(candle: Candle) -> dict[str, Any]:
    return {
        "end_period_ts": candle.end_ts,
        "yes_bid": _quote(candle.yes_bid),
        "yes_ask": _quote(candle.yes_ask),
        "price": _price(candle),
        "volume_fp": count_fp(candle.volume),
        "open_interest_fp": count_fp(candle.open_interest),
        "volume": count_contracts(candle.volume),
        "open_interest": count_contracts(candle.open_interest),
    }


def historical_candlestick(candle: Candle) -> dict[str, Any]:
    """MarketCandlestickHistorical: dollar strings under the short names, counts as `_fp` strings."""
    o, low, high, c = candle.yes_bid
    ao, alow, ahigh, ac = candle.yes_ask
    price = {
        name: None if getattr(candle, name) is None else price_dollars(getattr(candle, name))
        for name in ("open", "low", "high", "close", "mean", "previous")
    }
    return {
        "end_period_ts": candle.end_ts,
        "yes_bid": {"open": price_dollars(o), "low": price_dollars(low), "high": price_dollars(high),
                    "close": price_dollars(c)},
        "yes_ask": {"open": price_dollars(ao), "low": price_dollars(alow), "high": price_dollars(ahigh),
                    "close": price_dollars(ac)},
        "price": price,
        "volume": count_fp(candle.volume),
        "open_interest": count_fp(candle.open_interest),
    }  # fmt: skip
