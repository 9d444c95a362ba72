"""GET /milestones and GET /milestones/{milestone_id}."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import httpx
import pytest
from kalshi_python_sync.exceptions import NotFoundException

from kalshi_local.api.params import MAX_TIMESTAMP_S, MIN_TIMESTAMP_S
from kalshi_local.exchange.clock import MICROS

from ..client import ApiClient
from ..conftest import BACKENDS, new_database_url, sdk_for
from ..servers import start_server

DEMO_MILESTONE = "5d3c2a10-0000-4000-8000-000000000001"


def test_milestones_list_requires_a_limit(demo_api):
    body = demo_api.error("/milestones", status=400)
    assert "limit" in body["message"]


def test_milestone_by_id_matches_the_list(demo_api):
    listed = demo_api.ok("/milestones", {"limit": 500})["milestones"]
    one = demo_api.ok(f"/milestones/{DEMO_MILESTONE}")["milestone"]
    assert one in listed


def test_unknown_milestone_is_404(demo_api):
    body = demo_api.error("/milestones/nope", status=404)
    assert "nope" in body["message"]


def test_sdk_reads_milestones(demo_sdk):
    response = demo_sdk.get_milestones(limit=10)
    assert any(m.id == DEMO_MILESTONE for m in response.milestones)
    one = demo_sdk.get_milestone(milestone_id=DEMO_MILESTONE)
    assert one.milestone.type == "football_game"


# --- every filter, pages and the SDK, on a catalog of our own -----------------------------------


def milestone(mid, category, mtype, start, primary=(), related=(), competition=None, source_id=None) -> dict:
    return {
        "id": mid,
        "category": category,
        "type": mtype,
        "title": mid,
        "start_date": start,
        "source_id": source_id,
        "details": {"competition": competition} if competition else {},
        "primary_event_tickers": list(primary),
        "related_event_tickers": list(related),
    }


NAMED = [
    milestone("m-nfl", "Sports", "football_game", "2030-01-04T12:00:00Z", ["KXNFL-A"], ["KXNFL-A", "KXNFL-PROPS"],
              competition="Pro Football", source_id="sr:1"),
    milestone("m-nba", "Sports", "basketball_game", "2030-01-04T11:59:59Z", ["KXNBA-B"],
              competition="Pro Basketball (M)", source_id="sr:2"),
    milestone("m-wy", "Elections", "political_race", "2030-11-05T00:00:00Z", ["SENATEWY-26"],
              ["SENATEWY-26", "GOVPARTYWY-26", "KXHOUSERACE-WYAL-26"]),
    milestone("m-ncaaf", "sports", "football_game", "2030-01-05T00:00:00Z", ["KXNCAAF-C"], ["KXNFL-PROPS"],
              competition="College Football"),
]
FILLERS = [
    milestone(f"m-btc-{i:02d}", "Crypto", "crypto_daily", f"2031-01-{i + 1:02d}T00:00:00Z", [], ["KXBTC-D"])
    for i in range(30)
]
ALL_IDS = [m["id"] for m in NAMED + FILLERS]
FILLER_IDS = [m["id"] for m in FILLERS]


def apply_milestones(server, items: list[dict]) -> None:
    server.load({"milestones": items})


@pytest.fixture(scope="module", params=BACKENDS)
def milestones_server(request):
    server = start_server(new_database_url(request, request.param), load_demo=False)
    apply_milestones(server, NAMED + FILLERS)
    yield server
    server.stop()


@pytest.fixture
def api(milestones_server):
    with ApiClient(milestones_server.api) as client:
        yield client


def listed(client, params: dict) -> list[str]:
    return [m["id"] for m in client.walk("/milestones", "milestones", {"limit": 500, **params})]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "Sports"}, ["m-nfl", "m-nba", "m-ncaaf"]),
        ({"category": "SPORTS"}, ["m-nfl", "m-nba", "m-ncaaf"]),  # case-insensitive, per Kalshi's changelog
        ({"category": "Elections"}, ["m-wy"]),
        ({"competition": "Pro Football"}, ["m-nfl"]),
        ({"competition": "pro football"}, []),
        ({"source_id": "sr:2"}, ["m-nba"]),
        ({"type": "football_game"}, ["m-nfl", "m-ncaaf"]),
        ({"related_event_ticker": "KXNFL-PROPS"}, ["m-nfl", "m-ncaaf"]),
        ({"related_event_ticker": "KXNBA-B"}, ["m-nba"]),  # a primary ticker is also related
        ({"related_event_ticker": "KXHOUSERACE-WYAL-26"}, ["m-wy"]),
        ({"related_event_ticker": "KXNONE"}, []),
        ({"category": "Sports", "type": "football_game", "related_event_ticker": "KXNFL-PROPS"}, ["m-nfl", "m-ncaaf"]),
        ({"category": "Sports", "competition": "College Football"}, ["m-ncaaf"]),
    ],
)
def test_each_filter_selects_its_milestones(api, params, expected):
    assert listed(api, params) == expected


@pytest.mark.parametrize(
    ("minimum", "expected"),
    [
        ("2030-01-04T12:00:00Z", ["m-nfl", "m-wy", "m-ncaaf", *FILLER_IDS]),
        ("2030-01-04T12:00:00.000000+0000", ["m-nfl", "m-wy", "m-ncaaf", *FILLER_IDS]),  # the SDK's form
        ("2030-01-04T13:00:00+01:00", ["m-nfl", "m-wy", "m-ncaaf", *FILLER_IDS]),
        ("2030-01-04T11:59:59Z", ALL_IDS),
        ("2030-01-04T12:00:00.000001Z", ["m-wy", "m-ncaaf", *FILLER_IDS]),
        ("2040-01-01T00:00:00Z", []),
    ],
)
def test_minimum_start_date_keeps_milestones_starting_at_or_after_it(api, minimum, expected):
    assert listed(api, {"minimum_start_date": minimum}) == expected


@pytest.mark.parametrize(("name", "value"), [("minimum_start_date", "soon"), ("min_updated_ts", "yesterday")])
def test_bad_times_are_bad_requests(api, name, value):
    assert name in api.error("/milestones", {"limit": 10, name: value})["message"]


@pytest.mark.parametrize("limit", ["0", "501", "-1", "ten"])
def test_limit_outside_1_to_500_is_a_bad_request(api, limit):
    assert "limit" in api.error("/milestones", {"limit": limit})["message"]


@pytest.mark.parametrize("limit", [1, 500])
def test_limit_bounds_are_accepted(api, limit):
    assert len(api.ok("/milestones", {"limit": limit})["milestones"]) == min(limit, len(ALL_IDS))


def test_cursor_walk_returns_every_milestone_once_in_order(api):
    assert [m["id"] for m in api.walk("/milestones", "milestones", {"limit": 3})] == ALL_IDS


def test_cursor_walk_keeps_the_related_event_filter(api):
    walked = api.walk("/milestones", "milestones", {"limit": 4, "related_event_ticker": "KXBTC-D"})
    assert [m["id"] for m in walked] == FILLER_IDS


def test_last_page_has_an_empty_cursor(api):
    assert api.ok("/milestones", {"limit": 500})["cursor"] == ""


@pytest.mark.parametrize("cursor", ["not a cursor", "c3RydWN0dXJlZF90YXJnZXRzOjE", "bWlsZXN0b25lczp4"])
def test_a_bogus_or_foreign_cursor_is_a_bad_request(api, cursor):
    # the 2nd belongs to /structured_targets, the 3rd names no position
    assert "cursor" in api.error("/milestones", {"limit": 5, "cursor": cursor})["message"]


def test_related_event_tickers_always_include_the_primary_ones(api):
    for item in api.walk("/milestones", "milestones", {"limit": 50}):
        assert set(item["primary_event_tickers"]) <= set(item["related_event_tickers"]), item["id"]
    ncaaf = api.ok("/milestones/m-ncaaf")["milestone"]
    assert ncaaf["related_event_tickers"] == ["KXNFL-PROPS", "KXNCAAF-C"]


def test_min_updated_ts_keeps_milestones_updated_after_it(empty_server):
    clock = empty_server.services.clock
    clock.set((clock.now_s() + 1) * MICROS)  # a whole second
    loaded_s = clock.now_s()
    apply_milestones(empty_server, NAMED)
    clock.advance(10)
    apply_milestones(empty_server, [{**NAMED[1], "title": "renamed"}])
    client = ApiClient(empty_server.api)
    assert listed(client, {"min_updated_ts": loaded_s}) == ["m-nba"]
    assert listed(client, {"min_updated_ts": loaded_s - 1}) == ["m-nfl", "m-nba", "m-wy", "m-ncaaf"]
    assert listed(client, {"min_updated_ts": clock.now_s()}) == []


def test_cursor_walk_sees_milestones_inserted_between_pages_once(empty_server):
    apply_milestones(empty_server, NAMED)
    client = ApiClient(empty_server.api)
    first = client.ok("/milestones", {"limit": 2})
    apply_milestones(empty_server, [FILLERS[0], {**NAMED[0], "title": "updated in place"}])
    second = client.ok("/milestones", {"limit": 2, "cursor": first["cursor"]})
    apply_milestones(empty_server, [FILLERS[1]])
    rest = client.walk("/milestones", "milestones", {"limit": 2, "cursor": second["cursor"]})
    seen = [m["id"] for m in first["milestones"] + second["milestones"] + rest]
    assert seen == ["m-nfl", "m-nba", "m-wy", "m-ncaaf", FILLER_IDS[0], FILLER_IDS[1]]


def test_the_sdk_form_of_a_datetime_survives_the_query_string(milestones_server):
    # kalshi-python-sync sends +0000; the "+" must arrive as a plus, not a space.
    url = milestones_server.api + "/milestones?limit=500&minimum_start_date=2031-01-30T00:00:00.000000%2B0000"
    assert [m["id"] for m in httpx.get(url).json()["milestones"]] == FILLER_IDS[29:]


def test_sdk_lists_milestones_with_every_filter(milestones_server):
    sdk = sdk_for(milestones_server)
    assert [m.id for m in sdk.get_milestones(limit=10, category="sports").milestones] == ["m-nfl", "m-nba", "m-ncaaf"]
    assert [m.id for m in sdk.get_milestones(limit=10, competition="Pro Football").milestones] == ["m-nfl"]
    assert [m.id for m in sdk.get_milestones(limit=10, source_id="sr:2").milestones] == ["m-nba"]
    assert [m.id for m in sdk.get_milestones(limit=10, type="political_race").milestones] == ["m-wy"]
    assert [m.id for m in sdk.get_milestones(limit=10, related_event_ticker="KXNBA-B").milestones] == ["m-nba"]
    start = datetime(2030, 11, 5, tzinfo=timezone.utc)
    found = sdk.get_milestones(limit=500, minimum_start_date=start).milestones
    assert [m.id for m in found] == ["m-wy", *FILLER_IDS]
    ist = timezone(timedelta(hours=5, minutes=30))
    assert [m.id for m in sdk.get_milestones(limit=500, minimum_start_date=start.astimezone(ist)).milestones] == [
        m.id for m in found
    ]


def test_sdk_pages_with_the_cursor(milestones_server):
    sdk = sdk_for(milestones_server)
    ids, cursor = [], None
    while True:
        page = sdk.get_milestones(limit=7, cursor=cursor)
        ids += [m.id for m in page.milestones]
        cursor = page.cursor
        if not cursor:
            break
    assert ids == ALL_IDS


def test_sdk_reads_one_milestone_and_raises_on_an_unknown_one(milestones_server):
    sdk = sdk_for(milestones_server)
    one = sdk.get_milestone(milestone_id="m-wy").milestone
    assert one.related_event_tickers == ["SENATEWY-26", "GOVPARTYWY-26", "KXHOUSERACE-WYAL-26"]
    assert one.start_date == datetime(2030, 11, 5, tzinfo=timezone.utc)
    with pytest.raises(NotFoundException):
        sdk.get_milestone(milestone_id="m-nope")


@pytest.mark.parametrize(("seconds", "expected"), [(str(MAX_TIMESTAMP_S), []), (str(MIN_TIMESTAMP_S), ALL_IDS)])
def test_min_updated_ts_accepts_every_second_from_year_1_to_9999(api, seconds, expected):
    assert listed(api, {"min_updated_ts": seconds}) == expected


@pytest.mark.parametrize("seconds", [str(MAX_TIMESTAMP_S + 1), str(MIN_TIMESTAMP_S - 1), "9223372036854775807", "-9223372036854775807"])
def test_min_updated_ts_beyond_that_is_a_bad_request_not_a_server_error(api, seconds):
    assert "min_updated_ts" in api.error("/milestones", {"limit": 1, "min_updated_ts": seconds})["message"]


def test_the_same_query_asked_again_sees_a_write_made_in_between(empty_server):
    apply_milestones(empty_server, NAMED[:1])
    client = ApiClient(empty_server.api)
    query = {"limit": 10, "related_event_ticker": "KXNFL-A"}
    for _ in range(2):
        assert [m["title"] for m in client.ok("/milestones", query)["milestones"]] == [NAMED[0]["title"]]
    apply_milestones(empty_server, [{**NAMED[0], "title": "renamed"}])
    assert [m["title"] for m in client.ok("/milestones", query)["milestones"]] == ["renamed"]
