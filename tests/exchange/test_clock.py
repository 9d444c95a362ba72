"""exchange/clock.py: the real and manual clocks, RFC 3339 out and datetimes in."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kalshi_local.exchange.clock import (
    MAX_US,
    MICROS,
    ManualClock,
    OutOfRange,
    RealClock,
    make_clock,
    parse_datetime,
    to_rfc3339,
)

JAN_4_2030_NOON = 1_893_758_400 * MICROS
YEAR_9999_END = 253_402_300_799 * MICROS + 999_999
DAY = 86_400 * MICROS
instants = st.integers(min_value=0, max_value=YEAR_9999_END)


# --- to_rfc3339 --------------------------------------------------------------------------------


def test_epoch_formats_with_a_z_and_no_fraction():
    assert to_rfc3339(0) == "1970-01-01T00:00:00Z"


def test_fraction_appears_only_when_microseconds_are_not_zero():
    assert to_rfc3339(JAN_4_2030_NOON) == "2030-01-04T12:00:00Z"
    assert to_rfc3339(JAN_4_2030_NOON + 1) == "2030-01-04T12:00:00.000001Z"
    assert to_rfc3339(JAN_4_2030_NOON + 500_000) == "2030-01-04T12:00:00.500000Z"


def test_instants_before_the_epoch_still_format():
    assert to_rfc3339(-1) == "1969-12-31T23:59:59.999999Z"


# --- parse_datetime ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2030-01-04T12:00:00Z",
        "2030-01-04T12:00:00z",
        "2030-01-04T12:00:00+00:00",
        "2030-01-04T12:00:00.000000+0000",  # the form kalshi-python-sync sends
        "2030-01-04T17:30:00+05:30",
        "2030-01-04T07:00:00-05:00",
        "2030-01-04T12:00:00",  # no zone: UTC
        " 2030-01-04T12:00:00Z ",
    ],
)
def test_parse_accepts_rfc3339_and_the_sdk_form(text):
    assert parse_datetime(text) == JAN_4_2030_NOON


def test_parse_keeps_microseconds():
    assert parse_datetime("2030-01-04T12:00:00.123456Z") == JAN_4_2030_NOON + 123_456


@pytest.mark.parametrize("text", ["", "yesterday", "2030-13-01T00:00:00Z", "2030-01-04T25:00:00Z", "1893758400"])
def test_parse_refuses_what_is_not_a_datetime(text):
    with pytest.raises(ValueError):
        parse_datetime(text)


@given(instants)
def test_parse_reads_back_every_formatted_instant(us):
    assert parse_datetime(to_rfc3339(us)) == us


@given(instants)
def test_formatting_agrees_with_the_standard_library(us):
    expected = datetime.fromtimestamp(us // MICROS, tz=UTC).replace(microsecond=us % MICROS)
    assert datetime.fromisoformat(to_rfc3339(us).replace("Z", "+00:00")) == expected


@given(
    st.integers(min_value=DAY, max_value=YEAR_9999_END - DAY),  # room for the shift inside years 1..9999
    st.integers(min_value=-23 * 60, max_value=23 * 60),
)
def test_any_sdk_style_utc_offset_names_the_same_instant(us, offset_minutes):
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    utc = datetime.fromtimestamp(us // MICROS, tz=UTC).replace(microsecond=us % MICROS)
    local = utc.astimezone(timezone(timedelta(minutes=offset_minutes)))
    text = local.strftime("%Y-%m-%dT%H:%M:%S.%f") + f"{sign}{hours:02d}{minutes:02d}"
    assert parse_datetime(text) == us


# --- clocks ------------------------------------------------------------------------------------


def test_manual_clock_stays_where_it_is_set():
    clock = ManualClock(JAN_4_2030_NOON)
    assert clock.now_us() == JAN_4_2030_NOON
    assert clock.now_us() == JAN_4_2030_NOON


def test_manual_clock_advances_by_seconds_and_fractions():
    clock = ManualClock(JAN_4_2030_NOON)
    clock.advance(60)
    clock.advance(0.5)
    assert clock.now_us() == JAN_4_2030_NOON + 60_500_000


def test_manual_clock_never_moves_backwards():
    clock = ManualClock(JAN_4_2030_NOON)
    with pytest.raises(ValueError, match="backwards"):
        clock.set(JAN_4_2030_NOON - 1)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)
    assert clock.now_us() == JAN_4_2030_NOON


def test_manual_clock_may_be_set_to_the_same_instant():
    clock = ManualClock(JAN_4_2030_NOON)
    clock.set(JAN_4_2030_NOON)
    assert clock.now_us() == JAN_4_2030_NOON


def test_now_s_rounds_down_to_whole_seconds():
    assert ManualClock(JAN_4_2030_NOON + 999_999).now_s() == JAN_4_2030_NOON // MICROS


def test_manual_clock_without_a_start_begins_at_the_wall_clock():
    before = time.time_ns() // 1000
    clock = ManualClock()
    after = time.time_ns() // 1000
    assert before <= clock.now_us() <= after


def test_real_clock_follows_the_wall_clock():
    clock = RealClock()
    before = time.time_ns() // 1000
    now = clock.now_us()
    after = time.time_ns() // 1000
    assert before <= now <= after


@given(st.lists(st.integers(min_value=0, max_value=10**6), max_size=20))
def test_manual_clock_moves_by_exactly_the_sum_of_its_steps(steps):
    clock = ManualClock(0)
    for step in steps:
        clock.advance(step)
    assert clock.now_us() == sum(steps) * MICROS


@pytest.mark.parametrize(("kind", "cls"), [("real", RealClock), ("manual", ManualClock)])
def test_make_clock_builds_the_named_kind(kind, cls):
    clock = make_clock(kind)
    assert isinstance(clock, cls) and clock.kind == kind


def test_make_clock_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="'sundial'"):
        make_clock("sundial")


def test_the_manual_clock_never_leaves_the_years_1_to_9999():
    clock = ManualClock(start_us=MAX_US - 1)
    for move in (lambda: clock.set(MAX_US + 1), lambda: clock.advance(10**30), lambda: clock.advance(float("inf"))):
        with pytest.raises(OutOfRange):
            move()
        assert clock.now_us() == MAX_US - 1
    clock.set(MAX_US)
    assert to_rfc3339(clock.now_us()) == "9999-12-31T23:59:59.999999Z"


@pytest.mark.parametrize("text", ["9999-12-31T23:59:59-00:01", "0001-01-01T00:00:00+00:01"])
def test_a_date_time_that_falls_outside_the_years_1_to_9999_in_utc_is_refused(text):
    with pytest.raises(OutOfRange):
        parse_datetime(text)
