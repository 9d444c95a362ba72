"""The input shapes: decoding is the validation, and errors name the field path."""

from __future__ import annotations

import msgspec
import pytest

from kalshi_local.models import inputs as shapes

MARKET = {"ticker": "KXS-1-A", "open_time": "2026-01-01T00:00:00Z", "close_time": "2031-01-01T00:00:00Z"}


def error_of(data, shape=shapes.Scenario) -> tuple[str, str]:
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.convert(data, shape)
    return shapes.describe(caught.value)


def test_describe_keeps_msgspecs_path_and_reason():
    assert error_of({"series": [{"ticker": "KXS", "title": 1, "category": "c"}]}) == (
        "$.series[0].title", "Expected `str`, got `int`")


def test_describe_moves_an_unknown_field_into_the_path():
    assert error_of({"series": [{"ticker": "KXS", "title": "t", "category": "c", "x": 1}]}) == (
        "$.series[0].x", "unknown field")


def test_describe_moves_a_missing_field_into_the_path():
    assert error_of({"series": [{"ticker": "KXS", "title": "t"}]}) == ("$.series[0].category", "required field is missing")


def test_describe_moves_the_field_a_rule_names_into_the_path():
    data = {"events": [{"event_ticker": "E", "series_ticker": "S", "title": "t",
                        "markets": [{**MARKET, "yes_bid_dollars": "2"}]}]}
    assert error_of(data) == ("$.events[0].markets[0].yes_bid_dollars", "must be at most 1.0000, got '2'")


def test_describe_replaces_the_root_with_a_prefix():
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.convert({"id": 5}, shapes.MilestoneIn)
    assert shapes.describe(caught.value, "$.milestones[7]") == ("$.milestones[7].id", "Expected `str`, got `int`")


def test_describe_of_a_root_error_is_the_root():
    with pytest.raises(msgspec.ValidationError) as caught:
        msgspec.convert([], shapes.Scenario)
    assert shapes.describe(caught.value) == ("$", "Expected `object`, got `array`")


@pytest.mark.parametrize(
    ("extra", "field", "reason"),
    [
        ({"close_time": "2025-12-31T23:59:59Z"}, "close_time", "must not be before open_time"),
        ({"open_time": "2026-02-30T00:00:00Z"}, "open_time", "RFC 3339"),
        ({"settlement_ts": "yesterday"}, "settlement_ts", "RFC 3339"),
        ({"yes_ask_dollars": "1.0001"}, "yes_ask_dollars", "at most 1.0000"),
        ({"settlement_value_dollars": "3.0000"}, "settlement_value_dollars", "at most 1.0000"),
        ({"yes_bid_dollars": "0.5000", "yes_ask_dollars": "0.4900"}, "yes_bid_dollars", "above yes_ask_dollars"),
        ({"status": "open"}, "status", "must be one of"),
        ({"price_level_structure": "cents"}, "price_level_structure", "must be one of"),
        ({"strike_type": "structured"}, "custom_strike", "structured target ids"),
        ({"volume_fp": "1.234"}, "volume_fp", "matching regex"),
        ({"settlement_timer_seconds": -1}, "settlement_timer_seconds", ">= 0"),
    ],
)
def test_market_rules_name_the_field(extra, field, reason):
    path, message = error_of({**MARKET, **extra}, shapes.MarketIn)
    assert path == f"$.{field}"
    assert reason in message


def test_a_good_market_keeps_its_text_values():
    market = msgspec.convert({**MARKET, "yes_bid_dollars": "0.4200", "floor_strike": 2.5}, shapes.MarketIn)
    assert (market.yes_bid_dollars, market.floor_strike, market.status) == ("0.4200", 2.5, "active")


def test_an_event_cannot_have_both_a_strike_date_and_a_strike_period():
    data = {"event_ticker": "E", "series_ticker": "S", "title": "t", "strike_date": "2027-01-01T00:00:00Z",
            "strike_period": "week"}
    assert error_of(data, shapes.EventIn)[0] == "$.strike_period"


def test_related_event_tickers_always_include_the_primary_ones():
    data = {"id": "m", "category": "c", "type": "t", "title": "t", "start_date": "2027-01-01T00:00:00Z",
            "primary_event_tickers": ["A", "B"], "related_event_tickers": ["C", "A"]}
    assert msgspec.convert(data, shapes.MilestoneIn).related_event_tickers == ["C", "A", "B"]


def test_an_incentive_program_ending_before_it_starts_is_refused():
    data = {"id": "p", "market_ticker": "M", "incentive_type": "volume", "start_date": "2027-01-02T00:00:00Z",
            "end_date": "2027-01-01T00:00:00Z", "period_reward": 1}
    assert error_of(data, shapes.IncentiveProgramIn) == ("$", "end_date is before start_date")


@pytest.mark.parametrize("shape", [shapes.MaintenanceWindowIn, shapes.WeeklyScheduleIn])
def test_schedule_times_are_checked(shape):
    first = next(f.name for f in msgspec.structs.fields(shape) if f.required)
    data = {f.name: "2027-01-01T00:00:00Z" for f in msgspec.structs.fields(shape) if f.required}
    data[first] = "noon"
    assert error_of(data, shape)[0] == f"$.{first}"


def test_time_us_parses_rfc3339_and_refuses_other_text():
    assert shapes.time_us("1970-01-01T00:00:01Z") == 1_000_000
    assert shapes.time_us("1970-01-01T00:00:01.5+00:00") == 1_500_000
    with pytest.raises(ValueError):
        shapes.time_us("not a time")


def test_price_and_count_helpers_are_exact_fixed_point():
    assert shapes.price_raw("0.4250") == 4250
    assert shapes.price_raw("1") == 10_000
    assert shapes.count_raw("12.34") == 1234
