"""PUT and DELETE of catalog objects, read back through the Trade API.

The tests share one server per backend and module; each writes its own ids.
"""

from __future__ import annotations

import pytest

from kalshi_local.exchange.clock import MICROS

from ..client import ApiClient
from .conftest import AdminApi

OPEN, CLOSE = "2026-01-01T00:00:00Z", "2031-01-01T00:00:00Z"


@pytest.fixture
def admin_api(demo_server):
    client = AdminApi(demo_server.url)
    yield client
    client.close()


@pytest.fixture
def api(demo_server):
    with ApiClient(demo_server.api) as client:
        yield client


def missing(api: ApiClient, path: str) -> bool:
    # Some 404s are not declared by the Trade API spec, so this reads without the spec check.
    return api._http.get(path).status_code == 404


def market(ticker: str, **extra) -> dict:
    return {"ticker": ticker, "open_time": OPEN, "close_time": CLOSE, **extra}


def make_series(admin_api: AdminApi, ticker: str) -> None:
    admin_api.put(f"/series/{ticker}", {"title": f"Series {ticker}", "category": "Economics"})


def make_event(admin_api: AdminApi, series: str, event: str, *markets: dict) -> dict:
    make_series(admin_api, series)
    return admin_api.put(f"/events/{event}", {"series_ticker": series, "title": f"Event {event}", "markets": list(markets)})


def error_message(admin_api: AdminApi, method: str, path: str, body, status: int) -> str:
    return admin_api.call(method, path, status, json=body).json()["message"]


# --- series ------------------------------------------------------------------------------------------


def test_a_put_series_is_served_by_the_trade_api(admin_api, api):
    stored = admin_api.put("/series/KXADM1", {"title": "Admin one", "category": "Economics", "tags": ["Fed"]})
    assert stored["series"]["ticker"] == "KXADM1"
    assert stored["series"]["frequency"] == "custom"  # defaults filled in
    served = api.ok("/series/KXADM1")["series"]
    assert (served["title"], served["category"], served["tags"]) == ("Admin one", "Economics", ["Fed"])


def test_a_second_put_replaces_the_series(admin_api, api):
    make_series(admin_api, "KXADM2")
    admin_api.put("/series/KXADM2", {"title": "Renamed", "category": "Climate and Weather"})
    assert api.ok("/series/KXADM2")["series"]["title"] == "Renamed"


def test_a_body_naming_another_ticker_than_the_path_is_a_400(admin_api):
    message = error_message(admin_api, "PUT", "/series/KXADM3", {"ticker": "KXOTHER", "title": "t", "category": "c"}, 400)
    assert "$.ticker" in message and "KXOTHER" in message


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"title": 5, "category": "c"}, "$.title"),
        ({"title": "t"}, "$.category"),
        ({"title": "t", "category": "c", "colour": "red"}, "$.colour"),
        ({"title": "t", "category": "c", "fee_type": "steep"}, "$.fee_type"),
        ({"title": "t", "category": "c", "settlement_sources": [{"name": 1}]}, "$.settlement_sources[0].name"),
    ],
    ids=["wrong type", "missing field", "unknown field", "bad enum", "nested"],
)
def test_a_bad_series_body_is_a_400_naming_the_field_path(admin_api, api, body, path):
    message = error_message(admin_api, "PUT", "/series/KXADMBAD", body, 400)
    assert message.startswith(path + ":"), message
    assert missing(api, "/series/KXADMBAD")


def test_a_body_that_is_not_json_is_a_400(admin_api):
    response = admin_api.call("PUT", "/series/KXADMJSON", 400, content=b"{title:")
    assert "JSON" in response.json()["message"]


def test_a_series_with_events_cannot_be_deleted(admin_api, api):
    make_event(admin_api, "KXADM4", "KXADM4-1")
    assert "still has events" in error_message(admin_api, "DELETE", "/series/KXADM4", None, 409)
    api.ok("/series/KXADM4")


def test_deleting_a_series_without_events_removes_it(admin_api, api):
    make_series(admin_api, "KXADM5")
    admin_api.delete("/series/KXADM5")
    assert missing(api, "/series/KXADM5")


def test_deleting_an_unknown_series_is_a_404_naming_it(admin_api):
    assert "KXNOSUCH" in admin_api.call("DELETE", "/series/KXNOSUCH", 404).json()["message"]


# --- events and markets ------------------------------------------------------------------------------


def test_a_put_event_creates_its_markets(admin_api, api):
    make_event(admin_api, "KXADM6", "KXADM6-1", market("KXADM6-1-A", yes_bid_dollars="0.4200", yes_ask_dollars="0.4500"))
    event = api.ok("/events/KXADM6-1", {"with_nested_markets": "true"})["event"]
    assert [m["ticker"] for m in event["markets"]] == ["KXADM6-1-A"]
    assert event["markets"][0]["yes_bid_dollars"] == "0.4200"


def test_an_event_of_an_unknown_series_is_a_404_and_writes_nothing(admin_api, api):
    body = {"series_ticker": "KXNOSERIES", "title": "t", "markets": [market("KXADM7-1-A")]}
    assert "KXNOSERIES" in error_message(admin_api, "PUT", "/events/KXADM7-1", body, 404)
    assert missing(api, "/events/KXADM7-1")
    assert missing(api, "/markets/KXADM7-1-A")


def test_a_put_event_keeps_the_markets_it_does_not_list(admin_api, api):
    make_event(admin_api, "KXADM8", "KXADM8-1", market("KXADM8-1-A"), market("KXADM8-1-B"))
    admin_api.put("/events/KXADM8-1", {"series_ticker": "KXADM8", "title": "Renamed", "markets": [market("KXADM8-1-A")]})
    assert api.ok("/events/KXADM8-1")["event"]["title"] == "Renamed"
    api.ok("/markets/KXADM8-1-B")


def test_an_event_write_is_one_transaction(admin_api, api):
    make_event(admin_api, "KXADM9", "KXADM9-1", market("KXADM9-1-A"))
    # The second market belongs to another event: the whole PUT is refused, the new event too.
    body = {"series_ticker": "KXADM9", "title": "t", "markets": [market("KXADM9-2-A"), market("KXADM9-1-A")]}
    assert "KXADM9-1" in error_message(admin_api, "PUT", "/events/KXADM9-2", body, 409)
    assert missing(api, "/events/KXADM9-2")
    assert missing(api, "/markets/KXADM9-2-A")


def test_deleting_an_event_deletes_its_markets(admin_api, api):
    make_event(admin_api, "KXADM10", "KXADM10-1", market("KXADM10-1-A"))
    admin_api.delete("/events/KXADM10-1")
    assert missing(api, "/events/KXADM10-1")
    assert missing(api, "/markets/KXADM10-1-A")


def test_a_put_market_joins_an_existing_event(admin_api, api):
    make_event(admin_api, "KXADM11", "KXADM11-1")
    stored = admin_api.put("/events/KXADM11-1/markets/KXADM11-1-A", {**market("KXADM11-1-A"), "floor_strike": 3.5})
    assert stored["market"]["strike_type"] is None
    served = api.ok("/markets/KXADM11-1-A")["market"]
    assert (served["event_ticker"], served["floor_strike"]) == ("KXADM11-1", 3.5)


def test_a_market_body_may_leave_out_its_ticker(admin_api, api):
    make_event(admin_api, "KXADM12", "KXADM12-1")
    admin_api.put("/events/KXADM12-1/markets/KXADM12-1-A", {"open_time": OPEN, "close_time": CLOSE})
    api.ok("/markets/KXADM12-1-A")


def test_a_market_of_an_unknown_event_is_a_404(admin_api):
    assert "KXNOEVENT" in error_message(admin_api, "PUT", "/events/KXNOEVENT/markets/KXNOEVENT-A", market("KXNOEVENT-A"), 404)


def test_a_market_cannot_move_to_another_event(admin_api):
    make_event(admin_api, "KXADM13", "KXADM13-1", market("KXADM13-1-A"))
    make_event(admin_api, "KXADM13", "KXADM13-2")
    message = error_message(admin_api, "PUT", "/events/KXADM13-2/markets/KXADM13-1-A", market("KXADM13-1-A"), 409)
    assert "already belongs to event KXADM13-1" in message


@pytest.mark.parametrize(
    ("extra", "path"),
    [
        ({"yes_bid_dollars": "1.5000"}, "$.yes_bid_dollars"),
        ({"yes_bid_dollars": "0.123456"}, "$.yes_bid_dollars"),
        ({"yes_bid_dollars": 0.5}, "$.yes_bid_dollars"),
        ({"yes_bid_dollars": "0.6000", "yes_ask_dollars": "0.5000"}, "$.yes_bid_dollars"),
        ({"close_time": "2025-01-01T00:00:00Z"}, "$.close_time"),
        ({"open_time": "next tuesday"}, "$.open_time"),
        ({"status": "sleeping"}, "$.status"),
        ({"price_level_structure": "quarter_cent"}, "$.price_level_structure"),
        ({"strike_type": "structured"}, "$.custom_strike"),
    ],
    ids=["above one dollar", "too many decimals", "a number", "crossed", "closes before it opens", "bad date",
         "bad status", "bad price levels", "structured without targets"],
)
def test_a_bad_market_is_a_400_naming_the_field(admin_api, api, extra, path):
    make_event(admin_api, "KXADM14", "KXADM14-1")
    message = error_message(admin_api, "PUT", "/events/KXADM14-1/markets/KXADM14-1-X", {**market("KXADM14-1-X"), **extra}, 400)
    assert message.startswith(path + ":"), message
    assert missing(api, "/markets/KXADM14-1-X")


def test_deleting_a_market_through_another_event_is_a_404(admin_api, api):
    make_event(admin_api, "KXADM15", "KXADM15-1", market("KXADM15-1-A"))
    make_event(admin_api, "KXADM15", "KXADM15-2")
    admin_api.delete("/events/KXADM15-2/markets/KXADM15-1-A", expect=404)
    admin_api.delete("/events/KXADM15-1/markets/KXADM15-1-A")
    assert missing(api, "/markets/KXADM15-1-A")


# --- milestones, structured targets, live data -------------------------------------------------------


def milestone(**extra) -> dict:
    return {"category": "Sports", "type": "football_game", "title": "A game", "start_date": "2027-02-01T18:00:00Z", **extra}


def test_a_put_milestone_is_served_with_related_tickers_including_the_primary_ones(admin_api, api):
    stored = admin_api.put("/milestones/m-adm-1", milestone(primary_event_tickers=["KXA-1"], related_event_tickers=["KXB-1"]))
    assert stored["milestone"]["related_event_tickers"] == ["KXB-1", "KXA-1"]
    served = api.ok("/milestones/m-adm-1")["milestone"]
    assert served["related_event_tickers"] == ["KXB-1", "KXA-1"]
    assert [m["id"] for m in api.ok("/milestones", {"limit": 10, "related_event_ticker": "KXA-1"})["milestones"]] == ["m-adm-1"]


def test_replacing_a_milestone_replaces_its_event_links(admin_api, api):
    admin_api.put("/milestones/m-adm-2", milestone(related_event_tickers=["KXOLD-1"]))
    admin_api.put("/milestones/m-adm-2", milestone(related_event_tickers=["KXNEW-1"]))
    assert api.ok("/milestones", {"limit": 10, "related_event_ticker": "KXOLD-1"})["milestones"] == []
    assert len(api.ok("/milestones", {"limit": 10, "related_event_ticker": "KXNEW-1"})["milestones"]) == 1


def test_a_milestone_ending_before_it_starts_is_a_400(admin_api):
    message = error_message(admin_api, "PUT", "/milestones/m-adm-3", milestone(end_date="2027-01-01T00:00:00Z"), 400)
    assert message.startswith("$.end_date:")


def test_deleting_a_milestone_deletes_its_live_data(admin_api, api):
    admin_api.put("/milestones/m-adm-4", milestone())
    admin_api.put("/live_data/m-adm-4", {"type": "football_game", "details": {"status": "live"}})
    admin_api.delete("/milestones/m-adm-4")
    assert missing(api, "/milestones/m-adm-4")
    assert missing(api, "/live_data/milestone/m-adm-4")
    admin_api.delete("/milestones/m-adm-4", expect=404)


def test_a_put_structured_target_is_found_by_its_competition(admin_api, api):
    admin_api.put("/structured_targets/t-adm-1", {"name": "Team", "type": "football_team", "details": {"league": "AdmLeague"}})
    found = api.ok("/structured_targets", {"competition": "AdmLeague"})["structured_targets"]
    assert [t["id"] for t in found] == ["t-adm-1"]
    admin_api.put("/structured_targets/t-adm-1", {"name": "Team", "type": "football_team", "details": {"league": "Other"}})
    assert api.ok("/structured_targets", {"competition": "AdmLeague"})["structured_targets"] == []


def test_deleting_a_structured_target_removes_it(admin_api, api):
    admin_api.put("/structured_targets/t-adm-2", {"name": "Player", "type": "football_player"})
    admin_api.delete("/structured_targets/t-adm-2")
    assert missing(api, "/structured_targets/t-adm-2")
    admin_api.delete("/structured_targets/t-adm-2", expect=404)


def test_a_live_data_push_bumps_the_milestone_for_min_updated_ts_polling(admin_api, api, demo_server):
    clock = demo_server.services.clock
    admin_api.put("/milestones/m-adm-5", milestone())
    clock.advance(10)
    since = clock.now_us() // MICROS
    clock.advance(5)

    def changed() -> list[str]:
        return [m["id"] for m in api.walk("/milestones", "milestones", {"limit": 500, "min_updated_ts": since})]

    assert "m-adm-5" not in changed()
    admin_api.put("/live_data/m-adm-5", {"type": "football_game", "details": {"status": "live", "home_points": 7}})
    assert "m-adm-5" in changed()
    assert api.ok("/live_data/milestone/m-adm-5")["live_data"]["details"] == {"status": "live", "home_points": 7}


def test_live_data_for_an_unknown_milestone_is_a_404(admin_api):
    assert "m-nowhere" in error_message(admin_api, "PUT", "/live_data/m-nowhere", {"type": "football_game"}, 404)


def test_live_data_of_another_type_than_its_milestone_is_a_400_naming_both(admin_api, api):
    admin_api.put("/milestones/m-adm-7", milestone())
    message = error_message(admin_api, "PUT", "/live_data/m-adm-7", {"type": "basketball_game"}, 400)
    assert "'basketball_game'" in message and "'football_game'" in message and "m-adm-7" in message
    assert missing(api, "/live_data/milestone/m-adm-7")  # nothing was written
    admin_api.put("/live_data/m-adm-7", {"type": "football_game", "details": {"status": "live"}})
    assert api.ok("/live_data/football_game/milestone/m-adm-7")["live_data"]["details"] == {"status": "live"}


def test_deleting_live_data_keeps_the_milestone(admin_api, api):
    admin_api.put("/milestones/m-adm-6", milestone())
    admin_api.put("/live_data/m-adm-6", {"type": "football_game"})
    admin_api.delete("/live_data/m-adm-6")
    assert missing(api, "/live_data/milestone/m-adm-6")
    api.ok("/milestones/m-adm-6")


# --- fee changes and incentive programs --------------------------------------------------------------


def test_a_put_fee_change_is_listed_for_its_series(admin_api, api):
    make_series(admin_api, "KXADM16")
    body = {"series_ticker": "KXADM16", "fee_type": "flat", "fee_multiplier": 2, "scheduled_time": "2030-01-01T00:00:00Z"}
    admin_api.put("/fee_changes/fc-adm-1", body)
    listed = api.ok("/series/fee_changes", {"series_ticker": "KXADM16", "show_historical": "true"})["series_fee_change_arr"]
    assert [(c["id"], c["fee_type"]) for c in listed] == [("fc-adm-1", "flat")]
    admin_api.delete("/fee_changes/fc-adm-1")
    assert api.ok("/series/fee_changes", {"series_ticker": "KXADM16", "show_historical": "true"})["series_fee_change_arr"] == []
    admin_api.delete("/fee_changes/fc-adm-1", expect=404)


def program(market: str, **extra) -> dict:
    return {"market_ticker": market, "incentive_type": "volume", "start_date": "2026-01-01T00:00:00Z",
            "end_date": "2031-01-01T00:00:00Z", "period_reward": 500_000, **extra}


def test_a_put_incentive_program_is_listed(admin_api, api):
    make_event(admin_api, "KXADM17", "KXADM17-1", market("KXADM17-1-A"))
    admin_api.put("/incentive_programs/ip-adm-1", program("KXADM17-1-A", incentive_description="adm-17"))
    listed = api.ok("/incentive_programs", {"incentive_description": "adm-17"})["incentive_programs"]
    assert [(p["id"], p["market_ticker"]) for p in listed] == [("ip-adm-1", "KXADM17-1-A")]
    admin_api.delete("/incentive_programs/ip-adm-1")
    assert api.ok("/incentive_programs", {"incentive_description": "adm-17"})["incentive_programs"] == []


def test_an_incentive_program_on_an_unknown_market_is_a_404(admin_api):
    assert "KXNOMARKET" in error_message(admin_api, "PUT", "/incentive_programs/ip-adm-2", program("KXNOMARKET"), 404)


def test_an_incentive_program_ending_before_it_starts_is_a_400(admin_api):
    make_event(admin_api, "KXADM18", "KXADM18-1", market("KXADM18-1-A"))
    body = program("KXADM18-1-A", end_date="2025-01-01T00:00:00Z")
    assert "end_date is before start_date" in error_message(admin_api, "PUT", "/incentive_programs/ip-adm-3", body, 400)


def test_only_writes_that_can_move_market_rules_make_the_engine_read_them_again(admin_api, demo_server, monkeypatch):
    # Reading every market's rules again takes the engine a while: a live-data push must not cost it.
    engine = demo_server.services.trading
    asked: list[str | None] = []
    monkeypatch.setattr(engine, "catalog_changed", lambda ticker=None: asked.append(ticker))
    admin_api.put("/milestones/m-adm-rules", milestone())
    admin_api.put("/live_data/m-adm-rules", {"type": "football_game", "details": {"status": "live"}})
    assert asked == []
    make_series(admin_api, "KXADMRULES")
    assert asked == [None]


def test_a_fee_change_takes_the_apis_scheduled_ts_or_the_older_scheduled_time_once(admin_api, api):
    make_series(admin_api, "KXADM17")
    body = {"series_ticker": "KXADM17", "fee_type": "flat", "fee_multiplier": 2}
    when = "2030-01-01T00:00:00Z"
    admin_api.put("/fee_changes/fc-adm-2", {**body, "scheduled_ts": when})
    listed = api.ok("/series/fee_changes", {"series_ticker": "KXADM17", "show_historical": "true"})["series_fee_change_arr"]
    assert [(c["id"], c["scheduled_ts"]) for c in listed] == [("fc-adm-2", when)]
    for wrong in ({}, {"scheduled_ts": when, "scheduled_time": when}):
        message = error_message(admin_api, "PUT", "/fee_changes/fc-adm-3", {**body, **wrong}, 400)
        assert "scheduled_ts" in message, message
