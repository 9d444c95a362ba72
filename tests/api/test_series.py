from __future__ import annotations

import httpx
import pytest

from kalshi_local.exchange.clock import MICROS

from ..client import ApiClient
from ..conftest import BACKENDS, new_database_url, sdk_for
from ..servers import start_server

OPEN, CLOSE = "2026-01-01T00:00:00Z", "2040-01-01T00:00:00Z"


def load(server, **sections) -> None:
    server.load(sections)


def event(ticker: str, series: str, volumes: list[str]) -> dict:
    markets = [
        {"ticker": f"{ticker}-{i}", "open_time": OPEN, "close_time": CLOSE, "volume_fp": volume}
        for i, volume in enumerate(volumes)
    ]
    return {"event_ticker": ticker, "series_ticker": series, "title": ticker, "markets": markets}


@pytest.fixture(scope="module", params=BACKENDS)
def catalog(request):
    server = start_server(new_database_url(request, request.param), load_demo=False)
    load(
        server,
        series=[
            {
                "ticker": "KXCPI",
                "title": "CPI",
                "category": "Economics",
                "tags": ["Inflation", "Monthly"],
                "product_metadata": {"scope": "US"},
                "fee_type": "quadratic_with_maker_fees",
                "fee_multiplier": 0.5,
                "settlement_sources": [{"name": "BLS", "url": "https://example.org/bls"}],
            },
            {"ticker": "KXGDP", "title": "GDP", "category": "Economics", "tags": ["Growth"]},
            {"ticker": "KXNFL", "title": "Football", "category": "Sports", "tags": ["Football", "Monthly"]},
            {"ticker": "KXQUIET", "title": "No markets", "category": "Sports"},
        ],
        events=[
            event("KXCPI-1", "KXCPI", ["10.50", "2.25"]),
            event("KXCPI-2", "KXCPI", ["100.00"]),
            event("KXNFL-1", "KXNFL", ["0.01"]),
        ],
    )
    yield server
    server.stop()


def tickers(body: dict) -> list[str]:
    return [s["ticker"] for s in body["series"]]


def test_series_list_gives_every_series_oldest_first_without_a_cursor(catalog_api):
    body = catalog_api.ok("/series")
    assert tickers(body) == ["KXCPI", "KXGDP", "KXNFL", "KXQUIET"] and "cursor" not in body


def test_category_filter_keeps_that_category_only(catalog_api):
    assert tickers(catalog_api.ok("/series", {"category": "Sports"})) == ["KXNFL", "KXQUIET"]


@pytest.mark.parametrize(
    "tags, expected",
    [
        ("Monthly", ["KXCPI", "KXNFL"]),
        ("Growth,Football", ["KXGDP", "KXNFL"]),
        ("Inflation,Monthly", ["KXCPI", "KXNFL"]),
        ("Month", []),
    ],
)
def test_tags_filter_keeps_series_with_any_of_the_tags(catalog_api, tags, expected):
    assert tickers(catalog_api.ok("/series", {"tags": tags})) == expected


def test_category_and_tags_filters_combine(catalog_api):
    assert tickers(catalog_api.ok("/series", {"category": "Economics", "tags": "Monthly"})) == ["KXCPI"]


def test_product_metadata_is_only_sent_when_asked(catalog_api):
    plain = catalog_api.ok("/series", {"category": "Economics"})["series"][0]
    asked = catalog_api.ok("/series", {"category": "Economics", "include_product_metadata": "true"})["series"][0]
    assert "product_metadata" not in plain
    assert asked["product_metadata"] == {"scope": "US"}


def test_include_volume_sums_the_volume_of_the_series_markets(catalog_api):
    body = catalog_api.ok("/series", {"include_volume": "true"})
    assert {s["ticker"]: s["volume_fp"] for s in body["series"]} == {
        "KXCPI": "112.75",
        "KXGDP": "0.00",
        "KXNFL": "0.01",
        "KXQUIET": "0.00",
    }
    assert all("volume_fp" not in s for s in catalog_api.ok("/series")["series"])


def test_series_fields_keep_their_json_types(catalog_api):
    one = catalog_api.ok("/series/KXCPI")["series"]
    assert (one["fee_type"], one["fee_multiplier"]) == ("quadratic_with_maker_fees", 0.5)
    assert one["settlement_sources"] == [{"name": "BLS", "url": "https://example.org/bls"}]
    assert one["tags"] == ["Inflation", "Monthly"] and one["additional_prohibitions"] == []


def test_min_updated_ts_keeps_series_changed_after_it(empty_server):
    api = ApiClient(empty_server.api)
    clock = empty_server.services.clock
    since = clock.now_us() // MICROS + 5
    load(empty_server, series=[{"ticker": t, "title": t, "category": "C"} for t in ("KXA", "KXB")])
    clock.advance(10)
    load(empty_server, series=[{"ticker": "KXB", "title": "renamed", "category": "C"}])
    assert tickers(api.ok("/series", {"min_updated_ts": since})) == ["KXB"]
    api.close()


@pytest.mark.parametrize(
    "params, name",
    [
        ({"include_volume": "maybe"}, "include_volume"),
        ({"include_product_metadata": "2"}, "include_product_metadata"),
        ({"min_updated_ts": "later"}, "min_updated_ts"),
    ],
)
def test_series_list_refuses_bad_parameters_naming_them(catalog_api, params, name):
    assert name in catalog_api.error("/series", params)["message"]


def test_one_series_matches_its_entry_in_the_list(catalog_api):
    listed = catalog_api.ok("/series", {"include_product_metadata": "true"})["series"][0]
    assert catalog_api.ok("/series/KXCPI")["series"] == listed


def test_one_series_with_volume(catalog_api):
    assert catalog_api.ok("/series/KXCPI", {"include_volume": "true"})["series"]["volume_fp"] == "112.75"
    assert "volume_fp" not in catalog_api.ok("/series/KXCPI")["series"]


def test_unknown_series_is_404(catalog):
    # Raw HTTP: openapi.yaml declares no 404 for this operation, so the validating client would refuse it.
    response = httpx.get(f"{catalog.api}/series/NOPE")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found" and "NOPE" in response.json()["message"]


def test_sdk_reads_the_series_list_and_one_series(catalog):
    sdk = sdk_for(catalog)
    listed = sdk.get_series_list(category="Economics", tags="Inflation", include_product_metadata=True)
    assert [s.ticker for s in listed.series] == ["KXCPI"]
    assert listed.series[0].product_metadata == {"scope": "US"} and listed.series[0].fee_multiplier == 0.5
    one = sdk.get_series(series_ticker="KXNFL")
    assert one.series.category == "Sports" and one.series.tags == ["Football", "Monthly"]



def test_a_fee_multiplier_is_served_as_the_exact_number_it_was_given(api, admin):
    cases = (("0.0175", b'"fee_multiplier":0.0175'), (1.10, b'"fee_multiplier":1.1'), ("2", b'"fee_multiplier":2'))
    for sent, shown in cases:
        echoed = admin.request("PUT", "/series/KXFEE", json={"title": "t", "category": "c", "fee_multiplier": sent})
        assert echoed["series"]["fee_multiplier"] == float(sent)
        assert shown in api.get("/series/KXFEE", expect=200).content
