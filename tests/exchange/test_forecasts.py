"""Forecast percentiles from strike prices (exchange/forecasts.py), against values worked by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalshi_local.exchange import forecasts
from kalshi_local.exchange.candles import Candle


def candle(end: int, bid: int, ask: int, close: int | None = None, previous: int | None = None) -> Candle:
    return Candle(end, (bid,) * 4, (ask,) * 4, close, close, close, close, close, previous, 0, 0)


GREATER = [forecasts.strike_of("greater", text, None) for text in ("3.00", "3.50", "4.00")]


def test_a_two_sided_book_counts_at_its_middle_else_the_last_trade():
    assert forecasts.probability(candle(60, 4_000, 4_400)) == Fraction(42, 100)
    assert forecasts.probability(candle(60, 4_000, 10_000, close=4_500)) == Fraction(45, 100)
    assert forecasts.probability(candle(60, 0, 6_000, previous=5_100)) == Fraction(51, 100)
    assert forecasts.probability(candle(60, 0, 10_000)) is None


def test_thresholds_give_the_distribution_and_percentiles_interpolate_between_them():
    priced = list(zip(GREATER, [Fraction(82, 100), Fraction(50, 100), Fraction(12, 100)], strict=True))
    points = forecasts.distribution(priced)
    assert points == [(3, Fraction(18, 100)), (Fraction(7, 2), Fraction(1, 2)), (4, Fraction(88, 100))]
    assert forecasts.percentile(points, 5_000) == Fraction(7, 2)
    assert forecasts.percentile(points, 2_500) == Fraction(3109375, 1000000)  # 3 + 0.07 / 0.32 x 0.5
    assert forecasts.percentile(points, 1_000) == 3  # below the first point: the lowest strike
    assert forecasts.percentile(points, 9_000) == 4  # above the last: the highest


def test_less_thresholds_read_the_other_way():
    strike = forecasts.strike_of("less", None, "10")
    assert forecasts.distribution([(strike, Fraction(3, 10))]) == [(Fraction(10), Fraction(3, 10))]


def test_buckets_are_normalised_and_start_at_zero():
    strikes = [forecasts.strike_of("between", str(lo), str(lo + 1)) for lo in (0, 1, 2)]
    priced = list(zip(strikes, [Fraction(1, 10), Fraction(2, 10), Fraction(2, 10)], strict=True))
    assert forecasts.distribution(priced) == [(0, 0), (1, Fraction(1, 5)), (2, Fraction(3, 5)), (3, 1)]
    assert forecasts.percentile(forecasts.distribution(priced), 5_000) == Fraction(7, 4)  # 1 + 0.3 / 0.4


def test_prices_that_disagree_are_made_monotone():
    priced = list(zip(GREATER, [Fraction(50, 100), Fraction(60, 100), Fraction(10, 100)], strict=True))
    assert [f for _, f in forecasts.distribution(priced)] == [Fraction(1, 2), Fraction(1, 2), Fraction(9, 10)]


@pytest.mark.parametrize(
    ("strike_type", "floor", "cap"),
    [("structured", None, None), ("greater", None, "3"), ("between", "1", None), (None, "1", "2"), ("less", None, "x")],
)
def test_markets_without_a_numeric_strike_are_not_read(strike_type, floor, cap):
    assert forecasts.strike_of(strike_type, floor, cap) is None


def test_rounding_is_half_away_from_zero():
    assert forecasts.rounded(Fraction(3525, 1000), 2) == Fraction(353, 100)
    assert forecasts.rounded(Fraction(-3525, 1000), 2) == Fraction(-353, 100)
    assert forecasts.rounded(Fraction(31094, 10000), 2) == Fraction(311, 100)


def test_history_carries_each_market_forward_and_skips_unpriced_periods():
    found = forecasts.history(
        [
            (GREATER[0], [candle(60, 8_000, 8_400)]),
            (GREATER[1], [candle(120, 0, 10_000), candle(180, 4_800, 5_200)]),
        ],
        [5_000],
    )
    # At 60 only the 3.00 market is priced (one point: the median is its strike); at 120 the
    # 3.50 market has no price yet; at 180 both count (F = 0.18 and 0.50).
    assert [(end, [p.value for p in points]) for end, points in found] == [
        (60, [Fraction(3)]), (120, [Fraction(3)]), (180, [Fraction(7, 2)])
    ]  # fmt: skip
    assert found[0][1][0].decimals == 2


@given(
    st.lists(st.integers(0, 10_000), min_size=1, max_size=6),
    st.integers(0, 10_000),
    st.integers(0, 10_000),
)
def test_percentiles_never_decrease_and_stay_between_the_strikes(prices, low, high):
    strikes = [forecasts.strike_of("greater", str(k), None) for k in range(len(prices))]
    points = forecasts.distribution([(s, Fraction(p, 10_000)) for s, p in zip(strikes, prices, strict=True)])
    low, high = sorted((low, high))
    a, b = forecasts.percentile(points, low), forecasts.percentile(points, high)
    assert 0 <= a <= b <= len(prices) - 1
