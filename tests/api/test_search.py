"""GET /search/tags_by_categories and GET /search/filters_by_sport, derived from the catalog."""

from __future__ import annotations

import pytest

from kalshi_local.scenario import loader

from ..client import ApiClient
from ..conftest import BACKENDS, new_database_url, sdk_for
from ..servers import start_server


def series(ticker: str, category: str, tags: list[str]) -> dict:
    return {"ticker": ticker, "title": ticker, "category": category, "tags": tags}


def event(ticker: str, series_ticker: str, competition: str | None = None, scope: str | None = None) -> dict:
    return {
        "event_ticker": ticker,
        "series_ticker": series_ticker,
        "title": ticker,
        "competition": competition,
        "competition_scope": scope,
    }


SCENARIO = {
    "series": [
        series("KXNFL", "Sports", ["Football"]),
        series("KXNCAAF", "Sports", ["Football"]),
        series("KXNBA", "Sports", ["Basketball"]),
        series("KXNHL", "Sports", ["Hockey"]),
        series("KXOLY", "Sports", ["Olympics", "Skiing"]),
        series("KXCURL", "Sports", ["Curling"]),
        series("KXSENATE", "Politics", ["US Elections", "Senate"]),
        series("KXHOUSE", "Politics", ["House", "US Elections"]),
        series("KXCPI", "Economics", []),
    ],
    "events": [
        event("NFL-1", "KXNFL", "Pro Football", "Game"),
        event("NFL-2", "KXNFL", "Pro Football", "Futures"),
        event("NCAAF-1", "KXNCAAF", "College Football", "Game"),
        event("NBA-1", "KXNBA", "Pro Basketball (M)", "Game"),
        event("NBA-2", "KXNBA", None, "Awards"),
        event("NHL-1", "KXNHL", "Pro Hockey", None),
        event("NHL-2", "KXNHL", "Pro Hockey", "Game"),
        event("OLY-1", "KXOLY", "Winter Olympics", "Medals"),
        event("SEN-1", "KXSENATE", "Senate", "Race"),
        event("CPI-1", "KXCPI"),
    ],
}


def apply(server, data: dict) -> None:
    loader.apply(server.services.engine, loader.parse_data(data, "search"), server.services.clock.now_us(), "search")


@pytest.fixture(scope="module", params=BACKENDS)
def search_server(request):
    server = start_server(new_database_url(request, request.param), load_demo=False)
    apply(server, SCENARIO)
    yield server
    server.stop()


@pytest.fixture
def api(search_server):
    with ApiClient(search_server.api) as client:
        yield client


def test_tags_by_categories_lists_each_categorys_unique_tags_sorted(api):
    assert api.ok("/search/tags_by_categories") == {
        "tags_by_categories": {
            "Economics": [],
            "Politics": ["House", "Senate", "US Elections"],
            "Sports": ["Basketball", "Curling", "Football", "Hockey", "Olympics", "Skiing"],
        }
    }


def test_sports_are_ordered_by_number_of_events_then_by_name(api):
    assert api.ok("/search/filters_by_sport")["sport_ordering"] == [
        "Football",  # 3 events
        "Basketball",  # 2, and B before H
        "Hockey",  # 2
        "Olympics",  # 1: a series with two tags counts for both
        "Skiing",  # 1
        "Curling",  # a Sports series without events
    ]


def test_each_sport_lists_its_scopes_and_its_competitions_scopes(api):
    filters = api.ok("/search/filters_by_sport")["filters_by_sports"]
    assert filters["Football"] == {
        "scopes": ["Futures", "Game"],
        "competitions": {"College Football": {"scopes": ["Game"]}, "Pro Football": {"scopes": ["Futures", "Game"]}},
    }
    # an event without a competition still brings its scope to the sport
    assert filters["Basketball"] == {"scopes": ["Awards", "Game"], "competitions": {"Pro Basketball (M)": {"scopes": ["Game"]}}}
    # an event without a scope still brings its competition
    assert filters["Hockey"] == {"scopes": ["Game"], "competitions": {"Pro Hockey": {"scopes": ["Game"]}}}
    assert filters["Skiing"] == filters["Olympics"] == {"scopes": ["Medals"], "competitions": {"Winter Olympics": {"scopes": ["Medals"]}}}
    assert filters["Curling"] == {"scopes": [], "competitions": {}}


def test_only_sports_series_make_sports(api):
    filters = api.ok("/search/filters_by_sport")["filters_by_sports"]
    assert "Senate" not in filters and "US Elections" not in filters


def test_filters_follow_catalog_changes(empty_server):
    client = ApiClient(empty_server.api)
    assert client.ok("/search/filters_by_sport") == {"filters_by_sports": {}, "sport_ordering": []}
    assert client.ok("/search/tags_by_categories") == {"tags_by_categories": {}}
    baseball = {"series": [series("KXMLB", "Sports", ["Baseball"])], "events": [event("MLB-1", "KXMLB", "Pro Baseball", "Game")]}
    apply(empty_server, baseball)
    assert client.ok("/search/filters_by_sport")["sport_ordering"] == ["Baseball"]
    assert client.ok("/search/tags_by_categories") == {"tags_by_categories": {"Sports": ["Baseball"]}}


def test_sdk_reads_search_filters_with_its_strict_models(search_server):
    sdk = sdk_for(search_server)
    tags = sdk.get_tags_for_series_categories().tags_by_categories
    assert tags["Politics"] == ["House", "Senate", "US Elections"]
    filters = sdk.get_filters_for_sports()
    assert filters.sport_ordering[0] == "Football"
    assert filters.filters_by_sports["Football"].competitions["Pro Football"].scopes == ["Futures", "Game"]
