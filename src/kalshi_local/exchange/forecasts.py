"""Forecast percentiles of a numeric-strike event, read from its markets' prices (pure).

Get Event Forecast Percentile History gives no method, so kalshi-local reads an event
this way (README, "Forecast percentiles"):

1. Each market's probability at the end of a period is its YES price then: the middle of
   the yes bid and yes ask standing at the period's close when both sides are quoted,
   else its last trade price; a market with neither is left out of that period.
2. The markets give points of the distribution function F(x) = P(outcome <= x):
   `greater`/`greater_or_equal` with floor K give F(K) = 1 - p; `less`/`less_or_equal`
   with cap K give F(K) = p; `between` markets [floor, cap] are buckets: F is 0 at the
   lowest floor and, at each cap, the buckets' running sum over their total.
3. The points are sorted by strike and F made non-decreasing (a running maximum), since
   prices of neighbouring strikes may disagree.
4. Percentile q (in 1/100 of a percent: 5000 is the median) is the x where F reaches
   q / 10000, linear between neighbouring points, and clamped to the lowest strike below
   the first point and the highest above the last (the tails are unknown).

Values are exact fractions here; the API edge turns them into JSON numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from .candles import NO_ASK, NO_BID, Candle

PRICE_SCALE = 10_000  # a price of 10,000 is $1: probability 1
PERCENTILE_SCALE = 10_000
MIN_DECIMALS = 2
_THRESHOLDS_ABOVE = frozenset({"greater", "greater_or_equal"})
_THRESHOLDS_BELOW = frozenset({"less", "less_or_equal"})


@dataclass(frozen=True, slots=True)
class Strike:
    strike_type: str  # greater, greater_or_equal, less, less_or_equal or between
    floor: Fraction | None
    cap: Fraction | None
    decimals: int  # the most decimal places its strike texts show


def strike_of(strike_type: str | None, floor_text: str | None, cap_text: str | None) -> Strike | None:
    """The market's numeric strike, None when it has none (a structured, custom or functional
    strike, or the bound its type needs is missing)."""
    floor, cap = _number(floor_text), _number(cap_text)
    needs_floor = strike_type in _THRESHOLDS_ABOVE or strike_type == "between"
    needs_cap = strike_type in _THRESHOLDS_BELOW or strike_type == "between"
    if strike_type is None or not (needs_floor or needs_cap):
        return None
    if (needs_floor and floor is None) or (needs_cap and cap is None):
        return None
    decimals = max((_decimals(t) for t in (floor_text, cap_text) if t is not None), default=0)
    return Strike(strike_type, floor, cap, decimals)


def probability(candle: Candle) -> Fraction | None:
    """The market's YES probability as the candle's period closed (step 1)."""
    bid, ask = candle.yes_bid[3], candle.yes_ask[3]
    if bid > NO_BID and ask < NO_ASK:
        return Fraction(bid + ask, 2 * PRICE_SCALE)
    last = candle.close if candle.close is not None else candle.previous
    return None if last is None else Fraction(last, PRICE_SCALE)


def distribution(priced: Sequence[tuple[Strike, Fraction]]) -> list[tuple[Fraction, Fraction]]:
    """(strike, F(strike)) points, sorted, F non-decreasing (steps 2 and 3)."""
    points: list[tuple[Fraction, Fraction]] = []
    buckets: list[tuple[Fraction, Fraction, Fraction]] = []
    for strike, p in priced:
        if strike.strike_type in _THRESHOLDS_ABOVE:
            assert strike.floor is not None  # strike_of checked it
            points.append((strike.floor, 1 - p))
        elif strike.strike_type in _THRESHOLDS_BELOW:
            assert strike.cap is not None
            points.append((strike.cap, p))
        else:
            assert strike.floor is not None and strike.cap is not None
            buckets.append((strike.floor, strike.cap, p))
    total = sum((p for *_, p in buckets), Fraction(0))
    if total > 0:
        buckets.sort()
        points.append((buckets[0][0], Fraction(0)))
        running = Fraction(0)
        for _, cap, p in buckets:
            running += p
            points.append((cap, running / total))
    points.sort()
    monotone, highest = [], Fraction(0)
    for x, f in points:
        highest = max(highest, f)
        monotone.append((x, highest))
    return monotone


def percentile(points: Sequence[tuple[Fraction, Fraction]], percentile: int) -> Fraction:
    """The value where `points` (from `distribution`, not empty) reach `percentile` (step 4)."""
    q = Fraction(percentile, PERCENTILE_SCALE)
    if q <= points[0][1]:
        return points[0][0]
    for (x0, f0), (x1, f1) in zip(points, points[1:], strict=False):
        if q <= f1:  # f0 < q here, so f1 > f0
            return x0 + (q - f0) * (x1 - x0) / (f1 - f0)
    return points[-1][0]


def rounded(value: Fraction, decimals: int) -> Fraction:
    """`value` to `decimals` places, halves away from zero."""
    scale = 10**decimals
    magnitude = (abs(value) * scale * 2 + 1) // 2
    return Fraction(magnitude if value >= 0 else -magnitude, scale)


@dataclass(frozen=True, slots=True)
class Point:
    percentile: int
    raw: Fraction
    value: Fraction  # `raw` rounded to `decimals` places
    decimals: int


def history(
    markets: Sequence[tuple[Strike, Sequence[Candle]]], percentiles: Sequence[int]
) -> list[tuple[int, list[Point]]]:
    """(period end, points) for every period end at which some market has a candle, oldest first;
    each market stands as its latest candle at or before that end. Periods where no market has a
    price are left out."""
    ends = sorted({c.end_ts for _, found in markets for c in found})
    decimals = max([MIN_DECIMALS, *(strike.decimals for strike, _ in markets)])
    at = [0] * len(markets)
    out = []
    for end in ends:
        priced = []
        for i, (strike, found) in enumerate(markets):
            while at[i] < len(found) and found[at[i]].end_ts <= end:
                at[i] += 1
            p = probability(found[at[i] - 1]) if at[i] else None
            if p is not None:
                priced.append((strike, p))
        points = distribution(priced)
        if points:
            raws = [(pct, percentile(points, pct)) for pct in percentiles]
            out.append((end, [Point(pct, raw, rounded(raw, decimals), decimals) for pct, raw in raws]))
    return out


def _number(text: str | None) -> Fraction | None:
    if text is None:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return Fraction(value) if value.is_finite() else None


def _decimals(text: str) -> int:
    try:
        exponent = Decimal(text).as_tuple().exponent
    except InvalidOperation:
        return 0
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
