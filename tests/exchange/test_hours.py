from __future__ import annotations

from kalshi_local.exchange.clock import parse_datetime
from kalshi_local.exchange.hours import in_standard_hours, status_of
from kalshi_local.models.inputs import DailyScheduleIn, ExchangeIn, MaintenanceWindowIn, WeeklyScheduleIn

# Weekdays 09:30-16:00 Eastern, for all of 2027.
WEEKDAYS = WeeklyScheduleIn(
    start_time="2027-01-01T00:00:00Z",
    end_time="2028-01-01T00:00:00Z",
    **{day: [DailyScheduleIn(open_time="09:30", close_time="16:00")] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
)


def at(text: str) -> int:
    return parse_datetime(text)


def test_no_weekly_schedule_means_always_open():
    assert in_standard_hours([], at("2027-03-06T03:00:00Z"))


def test_a_session_is_read_in_eastern_time_across_daylight_saving():
    # 14:00 UTC is 09:00 EST in January (closed) but 10:00 EDT in July (open).
    assert not in_standard_hours([WEEKDAYS], at("2027-01-12T14:00:00Z"))
    assert in_standard_hours([WEEKDAYS], at("2027-07-13T14:00:00Z"))


def test_weekends_and_times_outside_the_week_in_effect_are_closed():
    assert not in_standard_hours([WEEKDAYS], at("2027-07-17T15:00:00Z"))  # a Saturday
    assert not in_standard_hours([WEEKDAYS], at("2028-07-12T15:00:00Z"))  # after end_time


def test_a_maintenance_window_pauses_trading_and_names_the_resume_time():
    window = MaintenanceWindowIn(start_datetime="2027-07-13T14:00:00Z", end_datetime="2027-07-13T15:00:00Z")
    state = ExchangeIn(maintenance_windows=[window])
    during = status_of(state, at("2027-07-13T14:30:00Z"))
    assert (during.exchange_active, during.trading_active, during.resume_us) == (True, False, at(window.end_datetime))
    after = status_of(state, at("2027-07-13T15:00:00Z"))
    assert (after.trading_active, after.resume_us) == (True, None)


def test_the_trading_switch_stops_trading_but_not_the_exchange():
    status = status_of(ExchangeIn(trading_active=False), at("2027-07-13T15:00:00Z"))
    assert (status.exchange_active, status.trading_active) == (True, False)
