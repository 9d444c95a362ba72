from __future__ import annotations

import pytest
from sqlalchemy import update

from kalshi_local.exchange.clock import MICROS, to_rfc3339
from kalshi_local.store.schema import markets

from ..client import ApiClient
from ..conftest import BACKENDS, new_database_url, sdk_for
from ..servers import start_server

HOUR = 3600
CPI = ["UNOPENED", "OPEN", "PAUSED", "CLOSED", "DETERMINED", "SETTLED"]


def load(server, **sections) -> None:
    server.load(sections)


def at(base_us: int, hours: float) -> str:
    return to_rfc3339(base_us + int(hours * HOUR) * MICROS)


def ts(base_us: int, hours: float) -> int:
    """A Unix timestamp in seconds, as the query parameters take it."""
    return (base_us + int(hours * HOUR) * MICROS) // MICROS


def market(ticker: str, base_us: int, open_h: float, close_h: float, **extra) -> dict:
    return {"ticker": ticker, "open_time": at(base_us, open_h), "close_time": at(base_us, close_h), **extra}


def cpi_markets(now: int) -> list[dict]:
    return [
        market("KXCPI-26-UNOPENED", now, 1, 2, created_time=at(now, -10)),
        market("KXCPI-26-OPEN", now, -1, 1, created_time=at(now, -9)),
        market("KXCPI-26-PAUSED", now, -1, 1, status="inactive", created_time=at(now, -8)),
        market("KXCPI-26-CLOSED", now, -3, -1, created_time=at(now, -7)),
        market("KXCPI-26-DETERMINED", now, -4, -3, status="determined", result="yes", created_time=at(now, -6)),
        market(
            "KXCPI-26-SETTLED",
            now,
            -5,
            -4,
            status="finalized",
            result="no",
            settlement_value_dollars="0.0000",
            settlement_ts=at(now, -2),
            created_time=at(now, -5.5),
        ),
    ]


@pytest.fixture(scope="module", params=BACKENDS)
def catalog(request):
    server = start_server(new_database_url(request, request.param), load_demo=False)
    now = server.services.clock.now_us()
    load(
        server,
        series=[
            {"ticker": "KXCPI", "title": "CPI", "category": "Economics"},
            {"ticker": "KXGAME", "title": "Games", "category": "Sports"},
            {"ticker": "KXBULK", "title": "Bulk", "category": "Bulk"},
        ],
        events=[
            {"event_ticker": "KXCPI-26", "series_ticker": "KXCPI", "title": "CPI", "markets": cpi_markets(now)},
            {
                "event_ticker": "KXGAME-1",
                "series_ticker": "KXGAME",
                "title": "Game",
                "markets": [
                    market(
                        "KXGAME-1-KC",
                        now,
                        -1,
                        24,
                        strike_type="structured",
                        custom_strike={"football_team": "0b7f7a5e-6c1a-4a8f-9a43-1d2f7f0c0001"},
                        yes_bid_dollars="0.4200",
                        yes_ask_dollars="0.4550",
                        volume_fp="12.50",
                    ),
                    market("KXGAME-1-RANGE", now, -1, 24, strike_type="between", floor_strike=10, cap_strike=20.5),
                ],
            },
            {
                "event_ticker": "KXBULK-1",
                "series_ticker": "KXBULK",
                "title": "Bulk",
                "markets": [market(f"KXBULK-1-{i:03d}", now, -1, 48) for i in range(105)],
            },
        ],
    )
    # Scenario files cannot declare MVE markets yet; mark one as a combo directly.
    with server.services.engine.begin() as conn:
        conn.execute(update(markets).where(markets.c.ticker == "KXGAME-1-RANGE").values(mve_collection_ticker="KXMVE1"))
    server.now = now
    yield server
    server.stop()


def tickers(body: dict) -> list[str]:
    return [m["ticker"] for m in body["markets"]]


def cpi(*names: str) -> list[str]:
    return [f"KXCPI-26-{n}" for n in names]


# --- limits and pagination -------------------------------------------------------------------------


@pytest.mark.parametrize("limit", [None, 0])
def test_markets_list_gives_100_per_page_by_default_and_for_limit_zero(catalog_api, limit):
    body = catalog_api.ok("/markets", {} if limit is None else {"limit": limit})
    assert len(body["markets"]) == 100
    assert body["cursor"]


@pytest.mark.parametrize("limit", [-1, 1001, "ten"])
def test_markets_list_refuses_a_limit_outside_0_to_1000(catalog_api, limit):
    body = catalog_api.error("/markets", {"limit": limit})
    assert "limit" in body["message"]


def test_markets_list_walks_every_market_once_in_creation_order(catalog_api):
    walked = [m["ticker"] for m in catalog_api.walk("/markets", "markets", {"limit": 7})]
    assert len(walked) == len(set(walked)) == 113
    assert walked[:6] == cpi(*CPI)


def test_last_markets_page_has_an_empty_cursor(catalog_api):
    body = catalog_api.ok("/markets", {"limit": 1000})
    assert len(body["markets"]) == 113 and body["cursor"] == ""


@pytest.mark.parametrize("cursor", ["not-a-cursor", "bWlsZXN0b25lczox"])  # the second is a milestones cursor
def test_markets_list_refuses_a_foreign_or_broken_cursor(catalog_api, cursor):
    body = catalog_api.error("/markets", {"cursor": cursor})
    assert "cursor" in body["message"]


def test_markets_pagination_has_no_gaps_or_duplicates_while_markets_are_added(empty_server):
    api = ApiClient(empty_server.api)
    now = empty_server.services.clock.now_us()
    load(empty_server, series=[{"ticker": "KXP", "title": "P", "category": "C"}])

    def add_event(n: int, count: int) -> list[str]:
        names = [f"KXP-{n}-{i}" for i in range(count)]
        event = {"event_ticker": f"KXP-{n}", "series_ticker": "KXP", "title": "P"}
        load(empty_server, events=[{**event, "markets": [market(t, now, -1, 1) for t in names]}])
        return names

    expected = add_event(0, 25)
    seen, cursor, pages = [], None, 0
    while True:
        body = api.ok("/markets", {"limit": 10, **({"cursor": cursor} if cursor else {})})
        seen += tickers(body)
        pages += 1
        if pages <= 3:
            expected += add_event(pages, 3)
            add_event(0, 1)  # re-loading a seen market updates it in place
        cursor = body["cursor"]
        if not cursor:
            break
    api.close()
    assert seen == expected


# --- status filter ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, expected",
    [
        ("unopened", cpi("UNOPENED")),
        ("open", cpi("OPEN")),
        ("paused", cpi("PAUSED")),
        ("closed", cpi("CLOSED", "DETERMINED")),
        ("settled", cpi("SETTLED")),
    ],
)
def test_status_filter_follows_the_lifecycle_mapping(catalog_api, status, expected):
    body = catalog_api.ok("/markets", {"series_ticker": "KXCPI", "status": status})
    assert tickers(body) == expected


def test_each_market_shows_the_status_its_times_give_it(catalog_api):
    shown = {m["ticker"]: m["status"] for m in catalog_api.ok("/markets", {"series_ticker": "KXCPI"})["markets"]}
    assert shown == dict(
        zip(cpi(*CPI), ["initialized", "active", "inactive", "closed", "determined", "finalized"])
    )


def test_status_filter_refuses_an_unknown_value(catalog_api):
    body = catalog_api.error("/markets", {"status": "active"})
    assert "status" in body["message"]


def test_status_filter_follows_the_clock(empty_server):
    api = ApiClient(empty_server.api)
    clock = empty_server.services.clock
    now = clock.now_us()
    load(
        empty_server,
        series=[{"ticker": "KXT", "title": "T", "category": "C"}],
        events=[
            {
                "event_ticker": "KXT-1",
                "series_ticker": "KXT",
                "title": "T",
                "markets": [
                    market("KXT-1-A", now, 1, 2),
                    market("KXT-1-P", now, -1, 2, status="inactive"),
                    market("KXT-1-I", now, 1, 2, status="initialized"),
                ],
            }
        ],
    )

    def by_filter() -> dict[str, list[str]]:
        return {s: tickers(api.ok("/markets", {"status": s})) for s in ("unopened", "open", "paused", "closed")}

    assert by_filter() == {"unopened": ["KXT-1-A", "KXT-1-I"], "open": [], "paused": ["KXT-1-P"], "closed": []}
    clock.advance(HOUR)  # exactly open_time: open
    assert by_filter() == {"unopened": [], "open": ["KXT-1-A", "KXT-1-I"], "paused": ["KXT-1-P"], "closed": []}
    assert api.ok("/markets/KXT-1-I")["market"]["status"] == "active"
    clock.advance(HOUR)  # exactly close_time: closed, the paused one too
    assert by_filter() == {"unopened": [], "open": [], "paused": [], "closed": ["KXT-1-A", "KXT-1-P", "KXT-1-I"]}
    assert {m["status"] for m in api.ok("/markets")["markets"]} == {"closed"}
    api.close()


# --- other filters ---------------------------------------------------------------------------------


def test_event_ticker_filter_keeps_that_event_only(catalog_api):
    assert tickers(catalog_api.ok("/markets", {"event_ticker": "KXGAME-1"})) == ["KXGAME-1-KC", "KXGAME-1-RANGE"]


def test_event_ticker_filter_also_takes_the_older_comma_separated_form(catalog_api):
    body = catalog_api.ok("/markets", {"event_ticker": "KXGAME-1,KXCPI-26", "status": "open"})
    assert tickers(body) == ["KXCPI-26-OPEN", "KXGAME-1-KC", "KXGAME-1-RANGE"]


def test_event_ticker_filter_refuses_more_than_10_events(catalog_api):
    body = catalog_api.error("/markets", {"event_ticker": ",".join(f"KXE-{i}" for i in range(11))})
    assert "event_ticker" in body["message"]


def test_series_ticker_filter_keeps_that_series_only(catalog_api):
    assert tickers(catalog_api.ok("/markets", {"series_ticker": "KXCPI"})) == cpi(*CPI)


def test_tickers_filter_takes_a_comma_separated_list(catalog_api):
    body = catalog_api.ok("/markets", {"tickers": "KXGAME-1-RANGE,KXCPI-26-OPEN,NOPE"})
    assert tickers(body) == ["KXCPI-26-OPEN", "KXGAME-1-RANGE"]


def test_unknown_series_gives_an_empty_list(catalog_api):
    assert catalog_api.ok("/markets", {"series_ticker": "NOPE"}) == {"markets": [], "cursor": ""}


@pytest.mark.parametrize("mve, expected", [("only", ["KXGAME-1-RANGE"]), ("exclude", ["KXGAME-1-KC"])])
def test_mve_filter_splits_combo_markets_from_the_rest(catalog_api, mve, expected):
    assert tickers(catalog_api.ok("/markets", {"series_ticker": "KXGAME", "mve_filter": mve})) == expected


def test_mve_filter_refuses_an_unknown_value(catalog_api):
    assert "mve_filter" in catalog_api.error("/markets", {"mve_filter": "all"})["message"]


@pytest.mark.parametrize(
    "hours, expected",
    [
        ({"min_created_ts": -7.5}, cpi("CLOSED", "DETERMINED", "SETTLED")),
        ({"max_created_ts": -8.5}, cpi("UNOPENED", "OPEN")),
        ({"min_created_ts": -9.5, "max_created_ts": -7.5}, cpi("OPEN", "PAUSED")),
        ({"min_close_ts": 1.5}, cpi("UNOPENED")),
        ({"max_close_ts": -2}, cpi("DETERMINED", "SETTLED")),
        ({"min_close_ts": -3.5, "max_close_ts": 0}, cpi("CLOSED", "DETERMINED")),
        ({"min_settled_ts": -3}, cpi("SETTLED")),
        ({"min_settled_ts": -1}, []),
        ({"max_settled_ts": -1}, cpi("SETTLED")),
    ],
)
def test_timestamp_filters_bound_their_time(catalog, catalog_api, hours, expected):
    params = {name: ts(catalog.now, h) for name, h in hours.items()}
    assert tickers(catalog_api.ok("/markets", {"series_ticker": "KXCPI", **params})) == expected


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"min_created_ts": -8.5, "status": "open"}, []),
        ({"max_created_ts": -8.5, "status": "open"}, cpi("OPEN")),
        ({"max_created_ts": -8.5, "status": "unopened"}, cpi("UNOPENED")),
        ({"max_close_ts": 0, "status": "closed"}, cpi("CLOSED", "DETERMINED")),
        ({"min_settled_ts": -3, "status": "settled"}, cpi("SETTLED")),
    ],
)
def test_timestamp_filters_combine_with_their_compatible_statuses(catalog, catalog_api, params, expected):
    query = {k: (v if k == "status" else ts(catalog.now, v)) for k, v in params.items()}
    assert tickers(catalog_api.ok("/markets", {"series_ticker": "KXCPI", **query})) == expected


def test_min_updated_ts_returns_markets_changed_after_it(empty_server):
    api = ApiClient(empty_server.api)
    clock = empty_server.services.clock
    now = clock.now_us()
    load(empty_server, series=[{"ticker": "KXU", "title": "U", "category": "C"}])

    def event(n: int) -> dict:
        markets_ = [market(f"KXU-{n}-M", now, -1, 1)]
        return {"event_ticker": f"KXU-{n}", "series_ticker": "KXU", "title": "U", "markets": markets_}

    load(empty_server, events=[event(1), event(2)])
    clock.advance(10)
    load(empty_server, events=[event(2)])
    since = now // MICROS + 5
    assert tickers(api.ok("/markets", {"min_updated_ts": since})) == ["KXU-2-M"]
    assert tickers(api.ok("/markets", {"min_updated_ts": since, "mve_filter": "exclude", "limit": 5})) == ["KXU-2-M"]
    api.close()


# --- 400s for filter combinations the Get Markets page rules out ------------------------------------


@pytest.mark.parametrize(
    "first, second",
    [
        ("min_created_ts", "min_close_ts"),
        ("max_created_ts", "max_settled_ts"),
        ("min_close_ts", "min_settled_ts"),
        ("max_close_ts", "min_updated_ts"),
        ("min_settled_ts", "min_updated_ts"),
        ("max_created_ts", "min_updated_ts"),
    ],
)
def test_timestamp_filters_from_two_groups_are_refused_naming_both(catalog_api, first, second):
    message = catalog_api.error("/markets", {first: 1, second: 2})["message"]
    assert first in message and second in message


@pytest.mark.parametrize(
    "stamp, status",
    [
        ("min_created_ts", "closed"),
        ("max_created_ts", "settled"),
        ("min_created_ts", "paused"),
        ("min_close_ts", "open"),
        ("max_close_ts", "settled"),
        ("min_settled_ts", "closed"),
        ("max_settled_ts", "unopened"),
        ("min_updated_ts", "open"),
    ],
)
def test_timestamp_filter_with_an_incompatible_status_is_refused(catalog_api, stamp, status):
    message = catalog_api.error("/markets", {stamp: 1, "status": status})["message"]
    assert stamp in message and "status" in message


@pytest.mark.parametrize(
    "other, value",
    [("event_ticker", "KXCPI-26"), ("series_ticker", "KXCPI"), ("tickers", "KXCPI-26-OPEN"), ("mve_filter", "only")],
)
def test_min_updated_ts_refuses_any_other_filter(catalog_api, other, value):
    message = catalog_api.error("/markets", {"min_updated_ts": 1, other: value})["message"]
    assert "min_updated_ts" in message and other in message


@pytest.mark.parametrize("name", ["min_created_ts", "max_close_ts", "min_settled_ts", "min_updated_ts"])
@pytest.mark.parametrize("value", ["yesterday", "1.5", str(2**62)])
def test_timestamp_filters_refuse_what_is_not_a_unix_time(catalog_api, name, value):
    assert name in catalog_api.error("/markets", {name: value})["message"]


# --- one market and its fields ---------------------------------------------------------------------


def test_market_by_ticker_matches_the_list(catalog_api):
    listed = catalog_api.ok("/markets", {"series_ticker": "KXGAME"})["markets"]
    assert catalog_api.ok("/markets/KXGAME-1-KC")["market"] == listed[0]


def test_unknown_market_is_404_naming_it(catalog_api):
    assert "NOPE-1" in catalog_api.error("/markets/NOPE-1", status=404)["message"]


def test_market_carries_legacy_fields_with_the_series_category(catalog_api):
    one = catalog_api.ok("/markets/KXGAME-1-KC")["market"]
    assert one["category"] == "Sports"
    assert (one["yes_bid"], one["yes_ask"], one["no_bid"], one["no_ask"]) == (42, 45, 54, 58)
    assert (one["yes_bid_dollars"], one["no_bid_dollars"]) == ("0.4200", "0.5450")
    assert (one["volume"], one["volume_fp"]) == (12, "12.50")
    assert one["response_price_units"] == "usd_cent"


def test_structured_market_carries_custom_strike_and_no_numeric_strikes(catalog_api):
    one = catalog_api.ok("/markets/KXGAME-1-KC")["market"]
    assert one["strike_type"] == "structured"
    assert one["custom_strike"] == {"football_team": "0b7f7a5e-6c1a-4a8f-9a43-1d2f7f0c0001"}
    assert "floor_strike" not in one and "cap_strike" not in one


def test_numeric_market_carries_floor_and_cap_strikes(catalog_api):
    one = catalog_api.ok("/markets/KXGAME-1-RANGE")["market"]
    assert (one["strike_type"], one["floor_strike"], one["cap_strike"]) == ("between", 10, 20.5)
    assert "custom_strike" not in one
    assert one["mve_collection_ticker"] == "KXMVE1"


def test_settled_market_shows_its_settlement(catalog, catalog_api):
    one = catalog_api.ok("/markets/KXCPI-26-SETTLED")["market"]
    assert (one["result"], one["settlement_value_dollars"], one["settlement_value"]) == ("no", "0.0000", 0)
    assert one["settlement_ts"] == at(catalog.now, -2)


# --- the official SDK ------------------------------------------------------------------------------
# kalshi-python-sync 3.2.0's Market.status enum lacks inactive/disputed/amended/finalized, so markets in
# those states fail its model (as they do against Kalshi); they are read above through raw HTTP.


def test_sdk_reads_a_page_of_markets_and_follows_the_cursor(catalog):
    sdk = sdk_for(catalog)
    first = sdk.get_markets(series_ticker="KXBULK", limit=100)
    second = sdk.get_markets(series_ticker="KXBULK", limit=100, cursor=first.cursor)
    assert len(first.markets) == 100 and len(second.markets) == 5 and second.cursor == ""
    assert first.markets[0].category == "Bulk" and first.markets[0].status == "active"


def test_sdk_reads_structured_and_numeric_strikes(catalog):
    sdk = sdk_for(catalog)
    page = sdk.get_markets(event_ticker="KXGAME-1")
    kc, ranged = page.markets
    assert kc.custom_strike == {"football_team": "0b7f7a5e-6c1a-4a8f-9a43-1d2f7f0c0001"}
    assert (ranged.floor_strike, ranged.cap_strike) == (10, 20.5)


@pytest.mark.parametrize(
    "status, expected",
    [("unopened", ["initialized"]), ("open", ["active"]), ("closed", ["closed", "determined"])],
)
def test_sdk_reads_markets_by_status(catalog, status, expected):
    page = sdk_for(catalog).get_markets(series_ticker="KXCPI", status=status)
    assert [m.status for m in page.markets] == expected


def test_sdk_reads_one_market(catalog):
    one = sdk_for(catalog).get_market(ticker="KXCPI-26-OPEN").market
    assert (one.ticker, one.status, one.category, one.tick_size) == ("KXCPI-26-OPEN", "active", "Economics", 1)
