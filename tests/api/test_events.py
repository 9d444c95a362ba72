from __future__ import annotations

import pytest
from sqlalchemy import update

from kalshi_local.exchange.clock import MICROS, to_rfc3339
from kalshi_local.store.schema import events, markets

from ..client import ApiClient
from ..conftest import BACKENDS, new_database_url, sdk_for
from ..servers import start_server

HOUR = 3600
ELECTIONS = ["KXELEC-A", "KXELEC-B", "KXELEC-C", "KXELEC-EMPTY"]


def load(server, **sections) -> None:
    server.load(sections)


def at(base_us: int, hours: float) -> str:
    return to_rfc3339(base_us + int(hours * HOUR) * MICROS)


def market(ticker: str, base_us: int, open_h: float, close_h: float, **extra) -> dict:
    return {"ticker": ticker, "open_time": at(base_us, open_h), "close_time": at(base_us, close_h), **extra}


def event(ticker: str, series: str, markets_: list[dict] = (), **extra) -> dict:
    return {"event_ticker": ticker, "series_ticker": series, "title": ticker, "markets": list(markets_), **extra}


def milestone(mid: str, related: list[str]) -> dict:
    return {
        "id": mid,
        "category": "Sports",
        "type": "football_game",
        "title": mid,
        "start_date": "2030-01-01T00:00:00Z",
        "related_event_tickers": related,
    }


@pytest.fixture(scope="module", params=BACKENDS)
def catalog(request):
    server = start_server(new_database_url(request, request.param), load_demo=False)
    now = server.services.clock.now_us()
    load(
        server,
        series=[
            {"ticker": "KXELEC", "title": "Elections", "category": "Politics"},
            {"ticker": "KXGAME", "title": "Games", "category": "Sports"},
            {"ticker": "KXMVES", "title": "Combos", "category": "Sports"},
            {"ticker": "KXBULK", "title": "Bulk", "category": "Bulk"},
        ],
        events=[
            event(
                "KXELEC-A",
                "KXELEC",
                [
                    market("KXELEC-A-OPEN", now, -1, 1, image_url="/a.png", color_code="#ff0000"),
                    market("KXELEC-A-SETTLED", now, -5, -4, status="finalized", result="yes"),
                ],
                image_url="/event.png",
                featured_image_url="/featured.png",
                settlement_sources=[{"name": "Board", "url": "https://example.org/board"}],
                competition="Senate",
                competition_scope="State",
            ),
            event("KXELEC-B", "KXELEC", [market("KXELEC-B-UNOPENED", now, 1, 2)]),
            event("KXELEC-C", "KXELEC", [market("KXELEC-C-CLOSED", now, -3, -1)]),
            event("KXELEC-EMPTY", "KXELEC"),
            event("KXGAME-1", "KXGAME", [market("KXGAME-1-KC", now, -1, 24)], strike_period="week"),
            event("KXMVE-1", "KXMVES", [market("KXMVE-1-X", now, -1, 1)]),
            *[event(f"KXBULK-{i:03d}", "KXBULK") for i in range(205)],
        ],
        milestones=[
            milestone("m-elec-a", ["KXELEC-A"]),
            milestone("m-game", ["KXGAME-1", "KXOTHER-1"]),
            milestone("m-elec-b", ["KXELEC-B"]),
        ],
    )
    # Scenario files cannot declare multivariate events yet; mark one directly.
    with server.services.engine.begin() as conn:
        conn.execute(update(events).where(events.c.event_ticker == "KXMVE-1").values(is_multivariate=True))
        conn.execute(update(markets).where(markets.c.ticker == "KXMVE-1-X").values(mve_collection_ticker="KXMVECOLL"))
    server.now = now
    yield server
    server.stop()


def tickers(body: dict) -> list[str]:
    return [e["event_ticker"] for e in body["events"]]


# --- GET /events: limits, pagination ---------------------------------------------------------------


def test_events_list_gives_200_per_page_by_default(catalog_api):
    body = catalog_api.ok("/events")
    assert len(body["events"]) == 200 and body["cursor"]


@pytest.mark.parametrize("limit", [0, 201, "x"])
def test_events_list_refuses_a_limit_outside_1_to_200(catalog_api, limit):
    assert "limit" in catalog_api.error("/events", {"limit": limit})["message"]


def test_events_list_walks_every_event_once_and_leaves_out_multivariate_ones(catalog_api):
    walked = [e["event_ticker"] for e in catalog_api.walk("/events", "events", {"limit": 50})]
    assert len(walked) == len(set(walked)) == 210
    assert walked[:5] == [*ELECTIONS, "KXGAME-1"] and "KXMVE-1" not in walked


def test_last_events_page_has_an_empty_cursor(catalog_api):
    body = catalog_api.ok("/events", {"series_ticker": "KXELEC", "limit": 4})
    assert tickers(body) == ELECTIONS and body["cursor"] == ""


def test_events_list_refuses_a_markets_cursor(catalog_api):
    cursor = catalog_api.ok("/markets", {"limit": 1})["cursor"]
    assert "cursor" in catalog_api.error("/events", {"cursor": cursor})["message"]


def test_events_pagination_has_no_gaps_or_duplicates_while_events_are_added(empty_server):
    api = ApiClient(empty_server.api)
    now = empty_server.services.clock.now_us()
    load(empty_server, series=[{"ticker": "KXP", "title": "P", "category": "C"}])
    expected = [f"KXP-{i:02d}" for i in range(12)]
    load(empty_server, events=[event(t, "KXP", [market(f"{t}-M", now, -1, 1)]) for t in expected])
    seen, cursor, pages = [], None, 0
    while True:
        body = api.ok("/events", {"limit": 5, "with_nested_markets": "true", **({"cursor": cursor} if cursor else {})})
        seen += tickers(body)
        pages += 1
        if pages <= 2:
            added = [f"KXP-NEW{pages}-{i}" for i in range(3)]
            load(empty_server, events=[event(t, "KXP") for t in [*added, "KXP-00"]])  # KXP-00 is updated
            expected += added
        cursor = body["cursor"]
        if not cursor:
            break
    api.close()
    assert seen == expected


# --- GET /events: filters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, expected",
    [
        ("open", ["KXELEC-A", "KXGAME-1"]),
        ("settled", ["KXELEC-A"]),
        ("unopened", ["KXELEC-B"]),
        ("closed", ["KXELEC-C"]),
    ],
)
def test_status_filter_matches_events_with_any_market_in_that_status(catalog_api, status, expected):
    assert tickers(catalog_api.ok("/events", {"status": status})) == expected


@pytest.mark.parametrize("status", ["paused", "active", "finalized"])
def test_status_filter_refuses_values_events_do_not_take(catalog_api, status):
    assert "status" in catalog_api.error("/events", {"status": status})["message"]


def test_status_filter_follows_the_clock(empty_server):
    api = ApiClient(empty_server.api)
    clock = empty_server.services.clock
    now = clock.now_us()
    load(
        empty_server,
        series=[{"ticker": "KXT", "title": "T", "category": "C"}],
        events=[event("KXT-1", "KXT", [market("KXT-1-M", now, 1, 2)])],
    )

    def statuses() -> list[str]:
        return [s for s in ("unopened", "open", "closed", "settled") if tickers(api.ok("/events", {"status": s}))]

    assert statuses() == ["unopened"]
    clock.advance(HOUR)
    assert statuses() == ["open"]
    clock.advance(HOUR)
    assert statuses() == ["closed"]
    api.close()


def test_series_ticker_filter_keeps_that_series_only(catalog_api):
    assert tickers(catalog_api.ok("/events", {"series_ticker": "KXGAME"})) == ["KXGAME-1"]


def test_min_close_ts_keeps_events_with_a_market_closing_later(catalog, catalog_api):
    since = (catalog.now + int(1.5 * HOUR) * MICROS) // MICROS
    assert tickers(catalog_api.ok("/events", {"min_close_ts": since})) == ["KXELEC-B", "KXGAME-1"]


def test_min_updated_ts_keeps_events_changed_after_it(empty_server):
    api = ApiClient(empty_server.api)
    clock = empty_server.services.clock
    since = clock.now_us() // MICROS + 5
    load(empty_server, series=[{"ticker": "KXU", "title": "U", "category": "C"}])
    load(empty_server, events=[event("KXU-1", "KXU"), event("KXU-2", "KXU")])
    clock.advance(10)
    load(empty_server, events=[event("KXU-1", "KXU", title="renamed")])
    assert tickers(api.ok("/events", {"min_updated_ts": since})) == ["KXU-1"]
    api.close()


@pytest.mark.parametrize("name", ["min_close_ts", "min_updated_ts"])
def test_timestamp_filters_refuse_what_is_not_a_unix_time(catalog_api, name):
    assert name in catalog_api.error("/events", {name: "soon"})["message"]


# --- nested markets and milestones -----------------------------------------------------------------


def test_events_leave_markets_out_unless_asked(catalog_api):
    assert all("markets" not in e for e in catalog_api.ok("/events", {"series_ticker": "KXELEC"})["events"])


def test_with_nested_markets_puts_each_events_markets_inside_it(catalog_api):
    body = catalog_api.ok("/events", {"series_ticker": "KXELEC", "with_nested_markets": "true"})
    nested = {e["event_ticker"]: [m["ticker"] for m in e["markets"]] for e in body["events"]}
    assert nested == {
        "KXELEC-A": ["KXELEC-A-OPEN", "KXELEC-A-SETTLED"],
        "KXELEC-B": ["KXELEC-B-UNOPENED"],
        "KXELEC-C": ["KXELEC-C-CLOSED"],
        "KXELEC-EMPTY": [],
    }
    assert body["events"][0]["markets"][0]["category"] == "Politics"


def test_with_milestones_adds_the_milestones_related_to_the_page(catalog_api):
    body = catalog_api.ok("/events", {"series_ticker": "KXELEC", "with_milestones": "true"})
    assert [m["id"] for m in body["milestones"]] == ["m-elec-a", "m-elec-b"]
    game = catalog_api.ok("/events", {"series_ticker": "KXGAME", "with_milestones": "true"})
    assert [m["id"] for m in game["milestones"]] == ["m-game"]


def test_milestones_are_left_out_unless_asked(catalog_api):
    assert "milestones" not in catalog_api.ok("/events", {"series_ticker": "KXELEC"})


def test_with_milestones_on_an_empty_page_gives_an_empty_list(catalog_api):
    body = catalog_api.ok("/events", {"series_ticker": "NOPE", "with_milestones": "true"})
    assert body == {"events": [], "milestones": [], "cursor": ""}


# --- GET /events/{event_ticker} and its metadata ---------------------------------------------------


def test_event_lists_its_markets_beside_it(catalog_api):
    body = catalog_api.ok("/events/KXELEC-A")
    assert "markets" not in body["event"]
    assert [m["ticker"] for m in body["markets"]] == ["KXELEC-A-OPEN", "KXELEC-A-SETTLED"]
    assert [m["status"] for m in body["markets"]] == ["active", "finalized"]


def test_event_with_nested_markets_also_has_them_inside(catalog_api):
    body = catalog_api.ok("/events/KXELEC-A", {"with_nested_markets": "true"})
    assert body["event"]["markets"] == body["markets"] and len(body["markets"]) == 2


def test_event_matches_its_entry_in_the_list(catalog_api):
    listed = catalog_api.ok("/events", {"series_ticker": "KXGAME"})["events"][0]
    one = catalog_api.ok("/events/KXGAME-1")["event"]
    assert one == listed and one["category"] == "Sports" and one["strike_period"] == "week"


def test_event_without_markets_has_an_empty_market_list(catalog_api):
    assert catalog_api.ok("/events/KXELEC-EMPTY")["markets"] == []


def test_unknown_event_is_404_naming_it(catalog_api):
    assert "NOPE-1" in catalog_api.error("/events/NOPE-1", status=404)["message"]


def test_event_metadata_has_images_sources_and_market_details(catalog_api):
    body = catalog_api.ok("/events/KXELEC-A/metadata")
    assert body == {
        "image_url": "/event.png",
        "featured_image_url": "/featured.png",
        "market_details": [
            {"market_ticker": "KXELEC-A-OPEN", "image_url": "/a.png", "color_code": "#ff0000"},
            {"market_ticker": "KXELEC-A-SETTLED", "image_url": "", "color_code": ""},
        ],
        "settlement_sources": [{"name": "Board", "url": "https://example.org/board"}],
        "competition": "Senate",
        "competition_scope": "State",
    }


def test_event_metadata_leaves_out_competition_when_there_is_none(catalog_api):
    body = catalog_api.ok("/events/KXELEC-EMPTY/metadata")
    assert body["market_details"] == [] and "competition" not in body


def test_metadata_of_an_unknown_event_is_404(catalog_api):
    assert "NOPE-1" in catalog_api.error("/events/NOPE-1/metadata", status=404)["message"]


# --- GET /events/multivariate ----------------------------------------------------------------------


def test_multivariate_events_list_only_multivariate_events(catalog_api):
    body = catalog_api.ok("/events/multivariate", {"with_nested_markets": "true"})
    assert tickers(body) == ["KXMVE-1"] and body["cursor"] == ""
    assert [m["mve_collection_ticker"] for m in body["events"][0]["markets"]] == ["KXMVECOLL"]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"collection_ticker": "KXMVECOLL"}, ["KXMVE-1"]),
        ({"collection_ticker": "OTHER"}, []),
        ({"series_ticker": "KXMVES"}, ["KXMVE-1"]),
        ({"series_ticker": "KXELEC"}, []),
    ],
)
def test_multivariate_events_filter_by_collection_or_series(catalog_api, params, expected):
    assert tickers(catalog_api.ok("/events/multivariate", params)) == expected


def test_multivariate_events_refuse_series_and_collection_together(catalog_api):
    message = catalog_api.error("/events/multivariate", {"series_ticker": "A", "collection_ticker": "B"})["message"]
    assert "series_ticker" in message and "collection_ticker" in message


@pytest.mark.parametrize("limit", [0, 201])
def test_multivariate_events_refuse_a_limit_outside_1_to_200(catalog_api, limit):
    assert "limit" in catalog_api.error("/events/multivariate", {"limit": limit})["message"]


def test_multivariate_events_are_empty_without_combos(demo_api):
    assert demo_api.ok("/events/multivariate") == {"events": [], "cursor": ""}


# --- the official SDK ------------------------------------------------------------------------------
# kalshi-python-sync 3.2.0's Market.status enum lacks finalized, so nested markets are read through the
# SDK only for events whose markets it can parse; KXELEC-A's are checked above through raw HTTP.


def test_sdk_reads_events_with_nested_markets_and_milestones(catalog):
    page = sdk_for(catalog).get_events(series_ticker="KXGAME", with_nested_markets=True, with_milestones=True)
    assert [e.event_ticker for e in page.events] == ["KXGAME-1"]
    assert [m.ticker for m in page.events[0].markets] == ["KXGAME-1-KC"]
    assert [m.id for m in page.milestones] == ["m-game"] and page.cursor == ""


def test_sdk_pages_through_events(catalog):
    sdk = sdk_for(catalog)
    first = sdk.get_events(limit=200)
    second = sdk.get_events(limit=200, cursor=first.cursor)
    assert len(first.events) == 200 and len(second.events) == 10 and second.cursor == ""


def test_sdk_reads_events_by_status(catalog):
    page = sdk_for(catalog).get_events(status="closed")
    assert [e.event_ticker for e in page.events] == ["KXELEC-C"]


def test_sdk_reads_one_event_and_its_metadata(catalog):
    sdk = sdk_for(catalog)
    one = sdk.get_event(event_ticker="KXGAME-1", with_nested_markets=True)
    assert one.event.markets[0].ticker == one.markets[0].ticker == "KXGAME-1-KC"
    meta = sdk.get_event_metadata(event_ticker="KXELEC-A")
    assert meta.competition == "Senate" and meta.market_details[0].color_code == "#ff0000"
    assert meta.settlement_sources[0].url == "https://example.org/board"


def test_sdk_reads_multivariate_events(catalog):
    page = sdk_for(catalog).get_multivariate_events(collection_ticker="KXMVECOLL", with_nested_markets=True)
    assert [e.event_ticker for e in page.events] == ["KXMVE-1"]
    assert page.events[0].markets[0].mve_collection_ticker == "KXMVECOLL"
