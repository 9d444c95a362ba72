"""GET /incentive_programs: status by the exchange clock, type, description, pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from kalshi_local.exchange.clock import parse_datetime
from kalshi_local.scenario import loader
from kalshi_local.store.schema import markets

from ..client import ApiClient
from ..conftest import BACKENDS, new_database_url, sdk_for
from ..servers import start_server

NOW = "2097-06-01T00:00:00Z"
CATALOG = {
    "series": [{"ticker": "KXINC", "title": "Incentives", "category": "Economics"}],
    "events": [
        {
            "event_ticker": "KXINC-97",
            "series_ticker": "KXINC",
            "title": "Incentives 2097",
            "markets": [
                {"ticker": f"KXINC-97-{m}", "open_time": "2097-01-01T00:00:00Z", "close_time": "2098-01-01T00:00:00Z"}
                for m in ("A", "B")
            ],
        }
    ],
}
MARKET_A, MARKET_B = "KXINC-97-A", "KXINC-97-B"


def program(pid, market, kind, start, end, description="", **extra) -> dict:
    return {
        "id": pid,
        "market_ticker": market,
        "incentive_type": kind,
        "incentive_description": description,
        "start_date": start,
        "end_date": end,
        "period_reward": 100_000,
        **extra,
    }


NAMED = [
    program("p-upcoming", MARKET_A, "liquidity", "2097-07-01T00:00:00Z", "2097-08-01T00:00:00Z", "Summer liquidity",
            period_reward=500_000, target_size_fp="250.50", discount_factor_bps=5000),
    program("p-active", MARKET_A, "liquidity", "2097-05-01T00:00:00Z", "2097-07-01T00:00:00Z", "Spring liquidity"),
    program("p-active-vol", MARKET_B, "volume", "2097-05-15T00:00:00Z", "2097-06-15T00:00:00Z", "Volume boost"),
    program("p-closed", MARKET_B, "volume", "2097-04-01T00:00:00Z", "2097-05-01T00:00:00Z", "Volume boost"),
    program("p-paid", MARKET_A, "liquidity", "2097-03-01T00:00:00Z", "2097-04-01T00:00:00Z", "Spring liquidity", paid_out=True),
    program("p-ends-now", MARKET_B, "liquidity", "2097-05-01T00:00:00Z", NOW),
    program("p-starts-now", MARKET_B, "liquidity", NOW, "2097-06-02T00:00:00Z"),
]
FILLERS = [
    program(f"f-{i:03d}", MARKET_B, "volume", "2097-05-01T00:00:00Z", "2097-12-01T00:00:00Z", "filler")
    for i in range(105)
]
ALL_IDS = [p["id"] for p in NAMED + FILLERS]
FILLER_IDS = [p["id"] for p in FILLERS]


def apply(server, data: dict) -> None:
    scenario = loader.parse_data(data, "incentives")
    loader.apply(server.services.engine, scenario, server.services.clock.now_us(), "incentives")


@pytest.fixture(scope="module", params=BACKENDS)
def incentives_server(request):
    server = start_server(new_database_url(request, request.param), load_demo=False)
    server.services.clock.set(parse_datetime(NOW))
    apply(server, {**CATALOG, "incentive_programs": NAMED + FILLERS})
    yield server
    server.stop()


@pytest.fixture
def api(incentives_server):
    with ApiClient(incentives_server.api) as client:
        yield client


@pytest.fixture
def catalog_server(empty_server):
    """A fresh server at NOW with the markets but no programs."""
    empty_server.services.clock.set(parse_datetime(NOW))
    apply(empty_server, CATALOG)
    return empty_server


def listed(client, params=None) -> list[str]:
    """Ids of every program, following `next_cursor` (sent back as `cursor`) to the last page."""
    ids, cursor = [], None
    for _ in range(1000):
        page = client.ok("/incentive_programs", {**(params or {}), **({"cursor": cursor} if cursor else {})})
        ids += [p["id"] for p in page["incentive_programs"]]
        cursor = page["next_cursor"]
        if cursor == "":
            return ids
    raise AssertionError("the cursor walk never ended")


def market_id(server, ticker: str) -> str:
    with server.services.engine.connect() as conn:
        return conn.execute(select(markets.c.market_id).where(markets.c.ticker == ticker)).scalar_one()


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("all", ALL_IDS),
        ("active", ["p-active", "p-active-vol", "p-starts-now", *FILLER_IDS]),
        ("upcoming", ["p-upcoming"]),
        ("closed", ["p-closed", "p-ends-now"]),  # ended and not yet paid out
        ("paid_out", ["p-paid"]),
    ],
)
def test_status_places_each_program_in_one_stage_of_its_lifecycle(api, status, expected):
    assert listed(api, {"status": status}) == expected


def test_status_defaults_to_all(api):
    assert listed(api) == ALL_IDS


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("liquidity", ["p-upcoming", "p-active", "p-paid", "p-ends-now", "p-starts-now"]),
        ("volume", ["p-active-vol", "p-closed", *FILLER_IDS]),
        ("all", ALL_IDS),
    ],
)
def test_type_filters_by_incentive_type(api, kind, expected):
    assert listed(api, {"type": kind}) == expected


@pytest.mark.parametrize(
    ("description", "expected"),
    [("Volume boost", ["p-active-vol", "p-closed"]), ("volume boost", []), ("Volume", [])],
)
def test_description_must_match_exactly(api, description, expected):
    assert listed(api, {"incentive_description": description}) == expected


def test_filters_combine(api):
    params = {"status": "active", "type": "volume", "incentive_description": "Volume boost"}
    assert listed(api, params) == ["p-active-vol"]


def test_a_program_carries_its_market_id_and_every_field(api, incentives_server):
    (found,) = api.ok("/incentive_programs", {"status": "upcoming"})["incentive_programs"]
    assert found == {
        "id": "p-upcoming",
        "market_id": market_id(incentives_server, MARKET_A),
        "market_ticker": MARKET_A,
        "series_ticker": "KXINC",
        "incentive_type": "liquidity",
        "incentive_description": "Summer liquidity",
        "start_date": "2097-07-01T00:00:00Z",
        "end_date": "2097-08-01T00:00:00Z",
        "period_reward": 500_000,
        "paid_out": False,
        "discount_factor_bps": 5000,
        "target_size_fp": "250.50",
        "target_size": 250,  # legacy whole contracts, toward zero
    }


def test_optional_fields_are_left_out_when_unset(api):
    (found,) = api.ok("/incentive_programs", {"status": "paid_out"})["incentive_programs"]
    assert found["paid_out"] is True
    assert not {"discount_factor_bps", "target_size_fp", "target_size"} & set(found)


def test_first_page_holds_a_hundred_programs_by_default(api):
    body = api.ok("/incentive_programs")
    assert [p["id"] for p in body["incentive_programs"]] == ALL_IDS[:100]
    assert body["next_cursor"]


def test_cursor_walk_returns_each_program_once_and_the_last_page_has_no_cursor(api):
    assert listed(api, {"limit": 7}) == ALL_IDS
    last = api.ok("/incentive_programs", {"limit": 10_000})
    assert len(last["incentive_programs"]) == len(ALL_IDS) and last["next_cursor"] == ""


@pytest.mark.parametrize("limit", ["0", "10001", "-5", "many"])
def test_limit_outside_1_to_10000_is_a_bad_request(api, limit):
    assert "limit" in api.error("/incentive_programs", {"limit": limit})["message"]


@pytest.mark.parametrize(("name", "value"), [("status", "finished"), ("type", "maker"), ("status", "ACTIVE")])
def test_unknown_status_or_type_is_a_bad_request(api, name, value):
    body = api.error("/incentive_programs", {name: value})
    assert body["code"] == "invalid_parameters" and name in body["message"]


@pytest.mark.parametrize("cursor", ["???", "bWlsZXN0b25lczo1"])
def test_a_bogus_or_foreign_cursor_is_a_bad_request(api, cursor):
    assert "cursor" in api.error("/incentive_programs", {"cursor": cursor})["message"]


def test_programs_change_status_as_the_clock_moves(catalog_server):
    apply(catalog_server, {"incentive_programs": [NAMED[0]]})
    client = ApiClient(catalog_server.api)
    assert listed(client, {"status": "upcoming"}) == ["p-upcoming"]
    catalog_server.services.clock.set(parse_datetime("2097-07-01T00:00:00Z"))
    assert listed(client, {"status": "upcoming"}) == []
    assert listed(client, {"status": "active"}) == ["p-upcoming"]
    catalog_server.services.clock.set(parse_datetime("2097-08-01T00:00:00Z"))
    assert listed(client, {"status": "closed"}) == ["p-upcoming"]


def test_a_program_on_an_unknown_market_is_refused(catalog_server):
    bad = program("p-x", "KXNOPE", "volume", NOW, "2097-07-01T00:00:00Z")
    with pytest.raises(loader.ScenarioError, match=r"\$\.incentive_programs\[0\]: market KXNOPE not found"):
        apply(catalog_server, {"incentive_programs": [bad]})


def test_a_program_ending_before_it_starts_is_refused(catalog_server):
    bad = program("p-x", MARKET_A, "volume", "2097-07-01T00:00:00Z", NOW)
    with pytest.raises(loader.ScenarioError, match="end_date is before start_date"):
        apply(catalog_server, {"incentive_programs": [bad]})


def test_sdk_reads_programs_with_its_strict_models(incentives_server):
    sdk = sdk_for(incentives_server)
    first = sdk.get_incentive_programs(status="active", type="volume", limit=50)
    second = sdk.get_incentive_programs(status="active", type="volume", limit=100, cursor=first.next_cursor)
    ids = [p.id for p in first.incentive_programs + second.incentive_programs]
    assert ids == ["p-active-vol", *FILLER_IDS]
    assert second.next_cursor == ""
    (upcoming,) = sdk.get_incentive_programs(status="upcoming").incentive_programs
    assert upcoming.target_size == 250 and upcoming.period_reward == 500_000
