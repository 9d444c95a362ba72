"""exchange/fees.py: the fee models and fee_rounding.md's worked examples, every row."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kalshi_local.exchange.fees import CENT, FeeSchedule, round_fill
from kalshi_local.exchange.portfolio import unit_cost

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


def test_a_rebate_beyond_a_fills_own_fees_still_goes_with_it_so_the_order_pays_what_one_fill_would():
    # A maker ask 0.90 @ $0.45 (buys NO at $0.55) on a series with maker fees, filled in three 0.30
    # lots: each pays a $0.0013 fee and rounds $0.0037; the third crosses the cent and is rebated
    # it, so its net fee is -$0.0050 (fee_rounding.md's "always >= $0.00" cannot hold here: see fees.py).
    schedule = FeeSchedule.parse("quadratic_with_maker_fees", "1")
    revenue = -unit_cost(False, 4500) * 30
    accumulator, nets = 0, []
    for _ in range(3):
        fill = round_fill(revenue, schedule.trade_fee(30, 4500, is_taker=False), accumulator)
        accumulator = fill.accumulator_after
        nets.append(fill.net_fee)
    assert nets == [5_000, 5_000, -5_000]
    single = round_fill(revenue * 3, schedule.trade_fee(90, 4500, is_taker=False), 0)
    assert sum(nets) == single.net_fee == 5_000


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    st.integers(1, 9_999),
    st.lists(st.integers(1, 300), min_size=1, max_size=40),
    st.booleans(),
    st.booleans(),
    st.sampled_from([("quadratic", "1"), ("quadratic_with_maker_fees", "1"), ("quadratic", "0"), ("flat", "0.5")]),
)
def test_the_rounding_an_order_pays_beyond_its_trade_fees_never_exceeds_a_cent_however_it_fills(
    price, lots, is_bid, is_taker, fee
):
    """fee_rounding.md's accumulator: cash moves in whole cents, and the rounding kept over all
    fills is the accumulator, within [0, $0.01]; a lock of one cent less it covers what is left."""
    schedule = FeeSchedule.parse(*fee)
    accumulator = paid = trade_fees = 0
    for lot in lots:
        revenue = -unit_cost(is_bid, price) * lot
        trade_fee = schedule.trade_fee(lot, price, is_taker)
        fill = round_fill(revenue, trade_fee, accumulator)
        assert fill.cash_change % CENT == 0 and fill.cash_change == revenue - fill.net_fee
        accumulator = fill.accumulator_after
        paid += fill.net_fee
        trade_fees += trade_fee
        assert 0 <= paid - trade_fees == accumulator <= CENT
