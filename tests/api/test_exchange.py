"""The exchange tag: status, schedule, announcements, user data timestamp and series fee changes."""

from __future__ import annotations

from datetime import datetime, timezone

import httpx
import pytest

from kalshi_local.exchange.clock import parse_datetime
from kalshi_local.scenario import loader

from ..client import ApiClient
from ..conftest import BACKENDS, new_database_url, sdk_for
from ..servers import start_server

NOW = "2097-06-01T00:00:00Z"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
OFFICE_HOURS = {  # Eastern Time, weekdays only, in effect during 2097
    "start_time": "2097-01-01T00:00:00Z",
    "end_time": "2098-01-01T00:00:00Z",
    **{day: [{"open_time": "09:30", "close_time": "16:00"}] for day in WEEKDAYS},
}
MAINTENANCE = {"start_datetime": "2097-01-10T08:00:00Z", "end_datetime": "2097-01-10T10:00:00Z"}
FEE_CHANGES = [
    {"id": "fc-past", "series_ticker": "KXA", "fee_type": "flat", "fee_multiplier": 0.5, "scheduled_time": "2097-01-01T00:00:00Z"},
    {"id": "fc-now", "series_ticker": "KXA", "fee_type": "quadratic", "fee_multiplier": 1, "scheduled_time": NOW},
    {"id": "fc-later", "series_ticker": "KXB", "fee_type": "quadratic_with_maker_fees", "fee_multiplier": 0.0175,
     "scheduled_time": "2097-07-01T00:00:00Z"},
]
ANNOUNCEMENTS = [
    {"type": "info", "message": "Welcome", "delivery_time": "2097-05-01T00:00:00Z"},
    {"type": "warning", "message": "Maintenance Thursday", "delivery_time": "2097-05-20T12:00:00Z", "status": "inactive"},
    {"type": "error", "message": "Not yet", "delivery_time": "2097-06-02T00:00:00Z"},
]


def at(server, when: str) -> None:
    server.services.clock.set(parse_datetime(when))


def apply(server, data: dict) -> None:
    scenario = loader.parse_data(data, "exchange")
    loader.apply(server.services.engine, scenario, server.services.clock.now_us(), "exchange")


@pytest.fixture(scope="module", params=BACKENDS)
def exchange_server(request):
    server = start_server(new_database_url(request, request.param), load_demo=False)
    at(server, NOW)
    apply(server, {"fee_changes": FEE_CHANGES, "announcements": ANNOUNCEMENTS})
    yield server
    server.stop()


@pytest.fixture
def api(exchange_server):
    with ApiClient(exchange_server.api) as client:
        yield client


@pytest.fixture
def fresh(empty_server):
    client = ApiClient(empty_server.api)
    yield empty_server, client
    client.close()


# --- GET /exchange/status ----------------------------------------------------------------------


def test_status_is_open_with_nothing_stored(api):
    assert api.ok("/exchange/status") == {"exchange_active": True, "trading_active": True}


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({"trading_active": False}, {"exchange_active": True, "trading_active": False}),
        ({"exchange_active": False}, {"exchange_active": False, "trading_active": False}),
        (
            {"exchange_active": False, "exchange_estimated_resume_time": "2097-06-01T02:00:00+00:00"},
            {"exchange_active": False, "trading_active": False, "exchange_estimated_resume_time": "2097-06-01T02:00:00Z"},
        ),
    ],
)
def test_status_follows_the_stored_switches(fresh, stored, expected):
    server, client = fresh
    at(server, NOW)
    apply(server, {"exchange": stored})
    assert client.ok("/exchange/status") == expected


@pytest.mark.parametrize(
    ("when", "trading", "resume"),
    [
        ("2096-12-31T15:00:00Z", False, "2097-01-01T14:30:00Z"),  # a Monday before the schedule: Tuesday 09:30 EST
        ("2097-01-07T14:29:00Z", False, "2097-01-07T14:30:00Z"),  # Monday 09:29 EST
        ("2097-01-07T14:30:00Z", True, None),  # Monday 09:30 EST: the session opens
        ("2097-01-07T20:59:00Z", True, None),  # Monday 15:59 EST
        ("2097-01-07T21:00:00Z", False, "2097-01-08T14:30:00Z"),  # Monday 16:00 EST: closed until Tuesday
        ("2097-01-12T15:00:00Z", False, "2097-01-14T14:30:00Z"),  # Saturday: Monday's open
        ("2097-07-01T13:45:00Z", True, None),  # Monday 09:45 EDT: summer time is followed
        ("2097-07-01T13:15:00Z", False, "2097-07-01T13:30:00Z"),  # Monday 09:15 EDT
        ("2098-01-06T15:00:00Z", False, None),  # a Monday after the schedule ended: no session ahead
    ],
)
def test_trading_follows_the_standard_hours_in_eastern_time(fresh, when, trading, resume):
    server, client = fresh
    at(server, when)
    apply(server, {"exchange": {"standard_hours": [OFFICE_HOURS]}})
    expected = {"exchange_active": True, "trading_active": trading}
    if resume is not None:
        expected["exchange_estimated_resume_time"] = resume
    assert client.ok("/exchange/status") == expected


def test_a_maintenance_window_pauses_trading_until_its_end(fresh):
    server, client = fresh
    at(server, "2097-01-10T07:59:59Z")
    apply(server, {"exchange": {"maintenance_windows": [MAINTENANCE]}})
    assert client.ok("/exchange/status") == {"exchange_active": True, "trading_active": True}
    server.services.clock.advance(1)
    assert client.ok("/exchange/status") == {
        "exchange_active": True,
        "trading_active": False,
        "exchange_estimated_resume_time": "2097-01-10T10:00:00Z",
    }
    at(server, MAINTENANCE["end_datetime"])
    assert client.ok("/exchange/status") == {"exchange_active": True, "trading_active": True}


# --- GET /exchange/schedule --------------------------------------------------------------------


def test_schedule_without_a_stored_one_is_open_every_day_all_day(api):
    schedule = api.ok("/exchange/schedule")["schedule"]
    assert schedule["maintenance_windows"] == []
    (week,) = schedule["standard_hours"]
    assert parse_datetime(week["start_time"]) <= parse_datetime(NOW) < parse_datetime(week["end_time"])
    for day in (*WEEKDAYS, "saturday", "sunday"):
        assert week[day] == [{"open_time": "00:00", "close_time": "24:00"}]


def test_schedule_serves_the_stored_hours_and_windows(fresh):
    server, client = fresh
    apply(server, {"exchange": {"standard_hours": [OFFICE_HOURS], "maintenance_windows": [MAINTENANCE]}})
    expected_week = {**OFFICE_HOURS, "saturday": [], "sunday": []}
    assert client.ok("/exchange/schedule") == {
        "schedule": {"standard_hours": [expected_week], "maintenance_windows": [MAINTENANCE]}
    }


# --- GET /exchange/announcements ---------------------------------------------------------------


def test_announcements_list_the_delivered_ones_newest_first(api):
    assert api.ok("/exchange/announcements") == {
        "announcements": [
            {"type": "warning", "message": "Maintenance Thursday", "delivery_time": "2097-05-20T12:00:00Z", "status": "inactive"},
            {"type": "info", "message": "Welcome", "delivery_time": "2097-05-01T00:00:00Z", "status": "active"},
        ]
    }


def test_a_scheduled_announcement_appears_once_its_delivery_time_comes(fresh):
    server, client = fresh
    at(server, NOW)
    apply(server, {"announcements": ANNOUNCEMENTS})
    assert len(client.ok("/exchange/announcements")["announcements"]) == 2
    at(server, "2097-06-02T00:00:00Z")
    assert client.ok("/exchange/announcements")["announcements"][0]["message"] == "Not yet"


# --- GET /exchange/user_data_timestamp ---------------------------------------------------------


def test_user_data_timestamp_is_the_exchange_clock(fresh):
    server, client = fresh
    at(server, NOW)
    assert client.ok("/exchange/user_data_timestamp") == {"as_of_time": "2097-06-01T00:00:00Z"}
    server.services.clock.advance(1.25)
    assert client.ok("/exchange/user_data_timestamp") == {"as_of_time": "2097-06-01T00:00:01.250000Z"}


# --- GET /series/fee_changes -------------------------------------------------------------------


def fee_ids(body: dict) -> list[str]:
    return [c["id"] for c in body["series_fee_change_arr"]]


def test_fee_changes_default_to_those_at_or_after_now(api):
    assert fee_ids(api.ok("/series/fee_changes")) == ["fc-now", "fc-later"]


def test_fee_changes_with_history_list_all_by_schedule(api):
    assert fee_ids(api.ok("/series/fee_changes", {"show_historical": "true"})) == ["fc-past", "fc-now", "fc-later"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"series_ticker": "KXA"}, ["fc-now"]),
        ({"series_ticker": "KXA", "show_historical": "true"}, ["fc-past", "fc-now"]),
        ({"series_ticker": "KXNONE", "show_historical": "true"}, []),
    ],
)
def test_fee_changes_filter_by_series(api, params, expected):
    assert fee_ids(api.ok("/series/fee_changes", params)) == expected


def test_a_fee_change_keeps_its_fields_and_exact_multiplier(api, exchange_server):
    raw = httpx.get(exchange_server.api + "/series/fee_changes", params={"series_ticker": "KXB"}).text
    assert '"fee_multiplier":0.0175' in raw
    assert api.ok("/series/fee_changes", {"series_ticker": "KXB"})["series_fee_change_arr"] == [
        {"id": "fc-later", "series_ticker": "KXB", "fee_type": "quadratic_with_maker_fees", "fee_multiplier": 0.0175,
         "scheduled_ts": "2097-07-01T00:00:00Z"}
    ]


def test_a_bad_show_historical_is_a_bad_request(api):
    body = api.error("/series/fee_changes", {"show_historical": "sometimes"})
    assert "show_historical" in body["message"]


# --- the SDK -----------------------------------------------------------------------------------


def test_sdk_reads_the_exchange_with_its_strict_models(exchange_server):
    sdk = sdk_for(exchange_server)
    status = sdk.get_exchange_status()
    assert status.exchange_active is True and status.trading_active is True
    week = sdk.get_exchange_schedule().schedule.standard_hours[0]
    assert week.sunday[0].close_time == "24:00"
    announcements = sdk.get_exchange_announcements().announcements
    assert [a.type for a in announcements] == ["warning", "info"]
    stamp = sdk.get_user_data_timestamp().as_of_time
    assert stamp == datetime(2097, 6, 1, tzinfo=timezone.utc)
    changes = sdk.get_series_fee_changes(series_ticker="KXA", show_historical=True).series_fee_change_arr
    assert [(c.id, c.fee_multiplier) for c in changes] == [("fc-past", 0.5), ("fc-now", 1)]


def test_sdk_reads_a_stored_schedule(fresh):
    server, _ = fresh
    apply(server, {"exchange": {"standard_hours": [OFFICE_HOURS], "maintenance_windows": [MAINTENANCE]}})
    schedule = sdk_for(server).get_exchange_schedule().schedule
    assert schedule.standard_hours[0].saturday == []
    assert schedule.maintenance_windows[0].end_datetime == datetime(2097, 1, 10, 10, tzinfo=timezone.utc)
    assert schedule.standard_hours[0].end_time == datetime(2098, 1, 1, tzinfo=timezone.utc)
