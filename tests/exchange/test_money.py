"""exchange/money.py: fixed-point parsing and formatting, exact to the last unit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalshi_local.exchange.money import (
    ONE_DOLLAR,
    ZERO_COUNT,
    ZERO_PRICE,
    Amount,
    Count,
    Price,
    count_contracts,
    count_fp,
    dollars_raw,
    parse_multiplier,
    price_cents,
    price_dollars,
)

BIG = 2**63 - 1  # the parsing bound (a BIGINT), far past a float's 53 bits, so any float on the way shows up
raws = st.integers(min_value=-BIG, max_value=BIG)
price_raws = st.integers(min_value=0, max_value=10_000)
count_raws = st.integers(min_value=0, max_value=BIG)


def _decimal(value: int, places: int) -> str:
    """An independent formatter: integer units of 10**-places as a decimal string."""
    sign, digits = ("-" if value < 0 else ""), str(abs(value)).rjust(places + 1, "0")
    return f"{sign}{digits[:-places]}.{digits[-places:]}"


def _trunc_div(value: int, unit: int) -> int:
    """Integer division rounding toward zero, without floats."""
    quotient = abs(value) // unit
    return -quotient if value < 0 else quotient


# --- Price -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "raw"),
    [
        ("0.1200", 1200),
        ("0.12", 1200),
        ("1", 10_000),
        ("1.0000", 10_000),
        ("0.0001", 1),
        ("0", 0),
        ("0.", 0),
        ("0.12000000", 1200),  # zeros past the 4th place lose nothing
        (" 0.5 ", 5000),
    ],
)
def test_price_parses_dollar_strings_exactly(text, raw):
    assert Price.from_dollars(text).raw == raw


@pytest.mark.parametrize("text", ["0.00001", "0.12345", "abc", "", "1e-2", "0,12", "--1", ".5", "1.2.3"])
def test_price_refuses_strings_that_are_not_four_place_decimals(text):
    with pytest.raises(ValueError, match="price"):
        Price.from_dollars(text)


@pytest.mark.parametrize("value", [0.12, 12, None])
def test_price_refuses_values_that_are_not_strings(value):
    with pytest.raises(ValueError, match="price must be a decimal string"):
        Price.from_dollars(value)


@pytest.mark.parametrize(
    ("raw", "dollars", "cents"),
    [(1200, "0.1200", 12), (1, "0.0001", 0), (199, "0.0199", 1), (10_000, "1.0000", 100)],
)
def test_price_formats_dollars_and_legacy_cents_toward_zero(raw, dollars, cents):
    assert Price(raw).to_dollars() == dollars
    assert Price(raw).to_cents() == cents


def test_price_from_cents_is_a_hundred_units_per_cent():
    assert Price.from_cents(12) == Price(1200)


def test_price_times_count_is_an_amount_in_micro_dollars():
    # $0.1200 x 2.50 contracts = $0.30
    assert Price.from_dollars("0.12") * Count.from_fp("2.50") == Amount.from_dollars("0.30")


def test_price_times_anything_but_a_count_is_refused():
    with pytest.raises(TypeError):
        Price(1) * 3


def test_prices_order_by_value():
    assert Price(1) < Price(2) and ZERO_PRICE < ONE_DOLLAR == Price.from_dollars("1")


@given(price_raws)
def test_price_dollars_round_trip(raw):
    assert Price.from_dollars(Price(raw).to_dollars()) == Price(raw)


@given(raws)
def test_price_cents_round_toward_zero_at_any_size(raw):
    assert price_cents(raw) == _trunc_div(raw, 100)


def test_every_valid_price_formats_like_any_other_number():
    # The 10,001 prices from $0 to $1 come from a precomputed table.
    assert [price_dollars(raw) for raw in range(10_001)] == [_decimal(raw, 4) for raw in range(10_001)]


@given(raws)
def test_price_helpers_format_any_raw_value(raw):
    assert price_dollars(raw) == _decimal(raw, 4)
    assert price_cents(raw) == _trunc_div(raw, 100)


@given(price_raws)
def test_price_methods_agree_with_the_helpers(raw):
    assert Price(raw).to_dollars() == price_dollars(raw) and Price(raw).to_cents() == price_cents(raw)


@pytest.mark.parametrize("raw", [-1, -5000, 10_001, 2**40])
def test_price_refuses_raw_values_outside_zero_to_one_dollar(raw):
    with pytest.raises(ValueError, match="price must be an integer from 0 to 10000"):
        Price(raw)


@pytest.mark.parametrize("text", ["-0.5", "1.0001", "2"])
def test_price_refuses_dollar_text_outside_zero_to_one(text):
    with pytest.raises(ValueError, match="price"):
        Price.from_dollars(text)


def test_price_arithmetic_stays_a_price():
    assert Price(3000) + Price(2000) == Price(5000)
    assert Price(3000) - Price(2000) == Price(1000)
    assert Price(3000).complement() == Price(7000) and ONE_DOLLAR.complement() == ZERO_PRICE
    with pytest.raises(ValueError):
        Price(2000) - Price(3000)
    with pytest.raises(ValueError):
        Price(6000) + Price(5000)


def test_amount_to_dollars_exact_shows_cents_or_every_micro_dollar():
    assert Amount(1_230_000).to_dollars_exact() == "1.23"
    assert Amount(1_234_567).to_dollars_exact() == "1.234567"
    assert Amount(-9_903).to_dollars_exact() == "-0.009903"
    assert (-Amount(10_000)).to_dollars_exact() == "-0.01"


@pytest.mark.parametrize(
    ("text", "fraction"),
    [
        ("1", (1_000_000, 1_000_000)),
        ("0.5", (500_000, 1_000_000)),
        ("1.25", (1_250_000, 1_000_000)),
        ("0", (0, 1_000_000)),
    ],
)
def test_fee_multipliers_parse_to_exact_fractions(text, fraction):
    assert parse_multiplier(text) == fraction


@pytest.mark.parametrize("text", ["-1", "abc", "1e-2", "0.0000001"])
def test_fee_multipliers_refuse_anything_but_a_non_negative_decimal(text):
    with pytest.raises(ValueError, match="fee_multiplier"):
        parse_multiplier(text)


def test_dollars_raw_reads_dollar_text_beyond_one_dollar():
    assert dollars_raw("2") == 20_000 and dollars_raw("0.12") == 1200


# --- Count -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "raw"), [("10.00", 1000), ("10", 1000), ("10.0", 1000), ("2.5", 250), ("0.01", 1)])
def test_count_parses_fixed_point_strings(text, raw):
    assert Count.from_fp(text).raw == raw


@pytest.mark.parametrize("text", ["0.001", "1.234", "ten", ""])
def test_count_refuses_more_than_two_places_or_junk(text):
    with pytest.raises(ValueError, match="count"):
        Count.from_fp(text)


@pytest.mark.parametrize(("raw", "fp", "contracts"), [(1000, "10.00", 10), (250, "2.50", 2), (99, "0.99", 0)])
def test_count_formats_fp_and_legacy_whole_contracts_toward_zero(raw, fp, contracts):
    assert Count(raw).to_fp() == fp
    assert Count(raw).to_contracts() == contracts


def test_count_adds_and_subtracts_as_counts():
    assert Count(150) + Count(50) == Count(200)
    with pytest.raises(ValueError, match="count must be a non-negative"):
        Count(150) - Count(200)
    assert Count.from_contracts(3) - Count(300) == ZERO_COUNT


@pytest.mark.parametrize("raw", [-1, -250])
def test_count_refuses_negative_raw_values(raw):
    with pytest.raises(ValueError, match="count must be a non-negative"):
        Count(raw)


@given(count_raws)
def test_count_fp_round_trip(raw):
    assert Count.from_fp(Count(raw).to_fp()) == Count(raw)


@given(raws)
def test_count_whole_contracts_round_toward_zero(raw):
    assert count_contracts(raw) == _trunc_div(raw, 100)


@given(count_raws)
def test_count_helpers_agree_with_the_count_methods(raw):
    assert count_fp(raw) == Count(raw).to_fp() == _decimal(raw, 2)
    assert count_contracts(raw) == Count(raw).to_contracts()


@given(count_raws, count_raws)
def test_count_sum_is_exact(a, b):
    assert (Count(a) + Count(b)).raw == a + b
    big, small = max(a, b), min(a, b)
    assert (Count(big) - Count(small)).raw == big - small


# --- Amount ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "raw"), [("0.30", 300_000), ("1.000001", 1_000_001), ("-2", -2_000_000)])
def test_amount_parses_six_place_dollars(text, raw):
    assert Amount.from_dollars(text).raw == raw


def test_amount_refuses_seven_places():
    with pytest.raises(ValueError, match="amount"):
        Amount.from_dollars("0.0000001")


def test_amount_formats_four_places_by_default_and_six_on_request():
    assert Amount(1_234_500).to_dollars() == "1.2345"
    assert Amount(1_234_567).to_dollars(6) == "1.234567"
    assert Amount(-1_000_000).to_dollars(2) == "-1.00"


def test_amount_refuses_to_drop_nonzero_digits_when_formatting():
    with pytest.raises(ValueError, match="not representable"):
        Amount(1_234_567).to_dollars()


def test_amount_legacy_cents_round_toward_zero():
    assert Amount(1_239_999).to_cents() == 123
    assert Amount(-1_239_999).to_cents() == -123
    assert Amount.from_cents(123) == Amount(1_230_000)


@given(raws)
def test_amount_six_place_round_trip(raw):
    assert Amount.from_dollars(Amount(raw).to_dollars(6)) == Amount(raw)


@given(raws)
def test_amount_cents_round_toward_zero(raw):
    assert Amount(raw).to_cents() == _trunc_div(raw, 10_000)


@given(price_raws, count_raws)
def test_price_times_count_is_the_exact_integer_product(price, count):
    assert (Price(price) * Count(count)).raw == price * count


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=0, max_value=4))
def test_amount_formats_whenever_the_dropped_digits_are_zero(whole, places):
    raw = whole * 10 ** (6 - places)
    assert Amount.from_dollars(Amount(raw).to_dollars(places)) == Amount(raw)


@pytest.mark.parametrize(("raw", "shown"), [(25_050_000, "25.05"), (0, "0.00"), (1_000_001, "1.000001")])
def test_amount_shows_cents_unless_fees_left_finer_units(raw, shown):
    assert Amount(raw).to_dollars_exact() == shown


@pytest.mark.parametrize("text", ["١٢", "1_000", "１", "9" * 20, "9" * 5000, "1e3"])
def test_only_ascii_digits_within_a_bigint_parse(text):
    with pytest.raises(ValueError):
        Amount.from_dollars(text)
