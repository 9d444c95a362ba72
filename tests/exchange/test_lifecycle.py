"""exchange/lifecycle.py: the status a market shows as the clock moves, and the status filters."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kalshi_local.exchange.lifecycle import (
    EVENT_STATUS_FILTERS,
    FILTER_CONDITIONS,
    MARKET_STATUS_FILTERS,
    MARKET_STATUSES,
    POST_CLOSE,
    effective_status,
    matches_filter,
)

OPEN, CLOSE = 1_000, 2_000

stored_statuses = st.sampled_from(MARKET_STATUSES)
times = st.integers(min_value=-(2**62), max_value=2**62)
filters = st.sampled_from(MARKET_STATUS_FILTERS)
# Same examples on every run; more of them than the default, as they are cheap.
deterministic = settings(derandomize=True, max_examples=500)

# How far along the lifecycle a status is; time only ever moves a market to a later stage.
STAGE = {
    "initialized": 0,
    "active": 1,
    "inactive": 1,
    "closed": 2,
    "determined": 3,
    "disputed": 3,
    "amended": 3,
    "finalized": 4,
}

# The market_lifecycle.md table: which shown statuses each filter value matches.
DOCS_TABLE = {
    "unopened": {"initialized"},
    "open": {"active"},
    "paused": {"inactive"},
    "closed": set(POST_CLOSE),
    "settled": {"finalized"},
}


@pytest.mark.parametrize(
    ("stored", "now", "shown"),
    [
        ("active", OPEN - 1, "initialized"),
        ("active", OPEN, "active"),
        ("initialized", OPEN, "active"),
        ("initialized", OPEN - 1, "initialized"),
        ("active", CLOSE - 1, "active"),
        ("active", CLOSE, "closed"),
        ("inactive", OPEN - 1, "inactive"),
        ("inactive", CLOSE, "closed"),
        ("determined", OPEN - 1, "determined"),
        ("finalized", CLOSE + 1, "finalized"),
        ("closed", OPEN, "closed"),
    ],
)
def test_effective_status_follows_open_and_close_times(stored, now, shown):
    assert effective_status(stored, OPEN, CLOSE, now) == shown


@pytest.mark.parametrize("stored", sorted(set(MARKET_STATUSES) - {"initialized", "active", "inactive"}))
def test_statuses_set_by_the_exchange_ignore_the_clock(stored):
    assert {effective_status(stored, OPEN, CLOSE, now) for now in (0, OPEN, CLOSE, CLOSE * 10)} == {stored}


def test_unknown_filter_value_is_an_error():
    with pytest.raises(ValueError, match="unknown status filter"):
        matches_filter("active", "active", OPEN, CLOSE, OPEN)


def test_event_filters_are_a_subset_of_market_filters():
    assert set(EVENT_STATUS_FILTERS) < set(MARKET_STATUS_FILTERS)


@deterministic
@given(stored_statuses, times, times, times, times)
def test_effective_status_never_goes_backwards_as_time_advances(stored, open_us, close_us, t1, t2):
    earlier, later = sorted((t1, t2))
    before = effective_status(stored, open_us, close_us, earlier)
    after = effective_status(stored, open_us, close_us, later)
    assert STAGE[before] <= STAGE[after]
    if STAGE[before] == STAGE[after]:
        assert before == after  # time never flips active and inactive


@deterministic
@given(stored_statuses, times, times, times)
def test_effective_status_is_always_a_known_status(stored, open_us, close_us, now):
    assert effective_status(stored, open_us, close_us, now) in MARKET_STATUSES


@deterministic
@given(filters, stored_statuses, times, times, times)
def test_matches_filter_agrees_with_effective_status_and_the_docs_table(flt, stored, open_us, close_us, now):
    shown = effective_status(stored, open_us, close_us, now)
    assert matches_filter(flt, stored, open_us, close_us, now) == (shown in DOCS_TABLE[flt])


@deterministic
@given(stored_statuses, times, times, times)
def test_every_market_matches_exactly_one_filter_value(stored, open_us, close_us, now):
    matched = [f for f in MARKET_STATUS_FILTERS if matches_filter(f, stored, open_us, close_us, now)]
    assert len(matched) == 1


@deterministic
@given(filters, stored_statuses, times, times, times)
def test_filter_conditions_for_sql_agree_with_matches_filter(flt, stored, open_us, close_us, now):
    by_conditions = any(cond.holds(stored, open_us, close_us, now) for cond in FILTER_CONDITIONS[flt])
    assert by_conditions == matches_filter(flt, stored, open_us, close_us, now)


@deterministic
@given(filters, stored_statuses, st.integers(0, 10**6), st.integers(0, 10**6), st.integers(-10, 10**6 + 10))
def test_filter_conditions_agree_near_the_open_and_close_boundaries(flt, stored, open_us, length, now):
    close_us = open_us + length
    for t in (now, open_us, open_us - 1, close_us, close_us - 1):
        by_conditions = any(cond.holds(stored, open_us, close_us, t) for cond in FILTER_CONDITIONS[flt])
        assert by_conditions == matches_filter(flt, stored, open_us, close_us, t)
