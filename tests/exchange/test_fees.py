"""exchange/fees.py: the fee models and fee_rounding.md's worked examples, every row."""

from __future__ import annotations

import pytest

from kalshi_local.exchange.fees import FeeSchedule, round_fill

D = 1_000_000  # $1 in Amount units


def _amount(text: str) -> int:
    whole, _, frac = text.partition(".")
    sign = -1 if whole.startswith("-") else 1
    return sign * (abs(int(whole)) * D + int(frac.ljust(6, "0")))


# (revenue, trade fee, [(rounding, accumulator, rebate, net fee, balance change) per fill])
EXAMPLES = {
    "3 contracts at $0.055 as three 1-lots": (
        "-0.055",
        "0.0085",
        [
            ("0.0065", "0.0065", "0", "0.0150", "-0.07"),
            ("0.0065", "0.0130", "0.01", "0.0050", "-0.07"),
            ("0.0065", "0.0095", "0", "0.0150", "-0.07"),
        ],
    ),
    "0.90 contracts at $0.50 as three 0.30-lots": (
        "-0.15",
        "0.0041",
        [
            ("0.0059", "0.0059", "0", "0.0100", "-0.16"),
            ("0.0059", "0.0118", "0.01", "0.0000", "-0.16"),
            ("0.0059", "0.0077", "0", "0.0100", "-0.16"),
        ],
    ),
    "0.09 contracts at $0.3301 as three 0.03-lots": (
        "-0.009903",
        "0.0005",
        [
            ("0.009597", "0.009597", "0", "0.010097", "-0.02"),
            ("0.009597", "0.019194", "0.01", "0.000097", "-0.02"),
            ("0.009597", "0.018791", "0.01", "0.000097", "-0.02"),
        ],
    ),
}


@pytest.mark.parametrize("name", EXAMPLES)
def test_fee_rounding_follows_every_row_of_the_worked_examples(name):
    revenue, trade_fee, rows = EXAMPLES[name]
    accumulator = 0
    for rounding, accumulated, rebate, net, change in rows:
        fill = round_fill(_amount(revenue), _amount(trade_fee), accumulator)
        assert fill.trade_fee == _amount(trade_fee)
        assert fill.rounding_fee == _amount(rounding)
        assert fill.accumulator == _amount(accumulated)
        assert fill.rebate == _amount(rebate)
        assert fill.net_fee == _amount(net)
        assert fill.balance_change == _amount(change)
        assert fill.cash_change == _amount(revenue) - fill.net_fee
        accumulator = fill.accumulator_after


def test_the_third_examples_trade_fee_is_the_quadratic_taker_fee_rounded_up():
    # 0.07 x 0.03 x 0.3301 x 0.6699 = $0.000464... -> $0.0005
    assert FeeSchedule.parse("quadratic", "1").trade_fee(3, 3301, is_taker=True) == 500


@pytest.mark.parametrize(
    ("fee_type", "multiplier", "count", "price", "taker", "maker"),
    [
        ("quadratic", "1", 100, 5000, 17_500, 0),  # 0.07 x 1 x 0.25 = $0.0175
        ("quadratic", "1", 1000, 4000, 168_000, 0),  # 0.07 x 10 x 0.24 = $0.168
        ("quadratic", "0.5", 100, 5000, 8_800, 0),  # $0.00875 -> $0.0088
        ("quadratic_with_maker_fees", "1", 100, 5000, 17_500, 4_400),  # 0.0175 x 0.25 = $0.004375 -> $0.0044
        ("quadratic_with_maker_fees", "1.25", 400, 5000, 87_500, 21_900),  # maker $0.021875 -> $0.0219
        ("flat", "1", 100, 5000, 17_500, 0),
        ("quadratic", "0", 100, 5000, 0, 0),
    ],
)
def test_trade_fees_follow_the_fee_type_and_exact_multiplier(fee_type, multiplier, count, price, taker, maker):
    schedule = FeeSchedule.parse(fee_type, multiplier)
    assert schedule.trade_fee(count, price, is_taker=True) == taker
    assert schedule.trade_fee(count, price, is_taker=False) == maker


def test_the_maker_fee_bound_covers_any_split_of_the_count():
    schedule = FeeSchedule.parse("quadratic_with_maker_fees", "1")
    whole = schedule.trade_fee(100, 5000, is_taker=False)
    by_lots = sum(schedule.trade_fee(1, 5000, is_taker=False) for _ in range(100))
    assert schedule.maker_fee_bound(100, 5000) == by_lots >= whole


@pytest.mark.parametrize(("fee_type", "multiplier"), [("tiered", "1"), ("quadratic", "-1"), ("quadratic", "0.5x")])
def test_unknown_fee_types_and_bad_multipliers_are_refused(fee_type, multiplier):
    with pytest.raises(ValueError):
        FeeSchedule.parse(fee_type, multiplier)
