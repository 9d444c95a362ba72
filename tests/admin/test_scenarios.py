"""Whole scenarios over the admin API, and reset."""

from __future__ import annotations

import json

from kalshi_local import demo

SCENARIO = {
    "series": [{"ticker": "KXSCN", "title": "Scenario series", "category": "Economics"}],
    "events": [{"event_ticker": "KXSCN-1", "series_ticker": "KXSCN", "title": "Scenario event", "markets": [
        {"ticker": "KXSCN-1-A", "open_time": "2026-01-01T00:00:00Z", "close_time": "2031-01-01T00:00:00Z"}]}],
    "milestones": [{"id": "m-scn", "category": "Economics", "type": "one_off_milestone", "title": "Release",
                    "start_date": "2027-01-01T00:00:00Z", "primary_event_tickers": ["KXSCN-1"]}],
}

YAML = """
series:
  - {ticker: KXSCNY, title: From YAML, category: Economics}
events:
  - event_ticker: KXSCNY-1
    series_ticker: KXSCNY
    title: YAML event
    markets:
      - {ticker: KXSCNY-1-A, open_time: 2026-01-01T00:00:00Z, close_time: 2031-01-01T00:00:00Z}
"""


def test_a_json_scenario_loads_and_reports_its_counts(admin_api, api):
    loaded = admin_api.post("/scenario", SCENARIO)["loaded"]
    assert (loaded["series"], loaded["events"], loaded["milestones"], loaded["live_data"]) == (1, 1, 1, 0)
    assert api.ok("/markets/KXSCN-1-A")["market"]["event_ticker"] == "KXSCN-1"
    assert api.ok("/milestones/m-scn")["milestone"]["primary_event_tickers"] == ["KXSCN-1"]


def test_a_yaml_scenario_loads_with_a_yaml_content_type(admin_api, api):
    admin_api.call("POST", "/scenario", 200, content=YAML, headers={"content-type": "application/yaml"})
    assert api.ok("/markets/KXSCNY-1-A")["market"]["close_time"] == "2031-01-01T00:00:00Z"


def test_a_bad_scenario_is_a_400_naming_the_path_and_writes_nothing(admin_api, api):
    bad = json.loads(json.dumps(SCENARIO))
    bad["milestones"][0]["start_date"] = "someday"
    message = admin_api.call("POST", "/scenario", 400, json=bad).json()["message"]
    assert message.startswith("body: $.milestones[0].start_date:")
    assert api._http.get("/series/KXSCN").status_code == 404


def test_a_scenario_failing_on_write_rolls_back_the_whole_document(admin_api, api):
    bad = json.loads(json.dumps(SCENARIO))
    bad["events"].append({"event_ticker": "KXSCN-2", "series_ticker": "KXNOPE", "title": "Orphan"})
    message = admin_api.call("POST", "/scenario", 400, json=bad).json()["message"]
    assert "$.events[1]" in message and "KXNOPE" in message
    assert api._http.get("/series/KXSCN").status_code == 404
    assert api._http.get("/markets/KXSCN-1-A").status_code == 404


def test_a_nul_character_in_a_json_scenario_is_a_400_naming_its_path_and_writes_nothing(admin_api, api):
    bad = json.loads(json.dumps(SCENARIO))
    bad["events"][0]["markets"][0]["subtitle"] = "a\u0000b"  # PostgreSQL cannot store it: SQLite must not either
    message = admin_api.call("POST", "/scenario", 400, json=bad).json()["message"]
    assert message == "body: $.events[0].markets[0].subtitle: a string contains a NUL character (\\u0000)"
    assert api._http.get("/series/KXSCN").status_code == 404


def test_a_nul_character_in_a_yaml_scenario_or_a_key_is_a_400_naming_its_path(admin_api, api):
    text = YAML.replace("title: YAML event", 'title: "YAML\\0event"')
    response = admin_api.call("POST", "/scenario", 400, content=text, headers={"content-type": "application/yaml"})
    assert response.json()["message"] == "body: $.events[0].title: a string contains a NUL character (\\u0000)"
    bad = {"users": [{"name": "nul-key", "balance_dollars": "1.00", "ex\u0000tra": 1}]}
    message = admin_api.call("POST", "/scenario", 400, json=bad).json()["message"]
    assert message == "body: $.users[0]: a key contains a NUL character (\\u0000)"
    assert api._http.get("/series/KXSCNY").status_code == 404


def test_a_scenario_body_that_is_not_json_is_a_400(admin_api):
    message = admin_api.call("POST", "/scenario", 400, content=b"{\"series\": [").json()["message"]
    assert "not valid JSON" in message


def test_reset_wipes_the_store_and_reloads_the_demo_catalog(admin_api, api):
    admin_api.post("/scenario", SCENARIO)
    assert admin_api.post("/reset") == {"demo_loaded": True}
    assert api._http.get("/series/KXSCN").status_code == 404
    first = demo.scenario().milestones[0].id
    assert api.ok(f"/milestones/{first}")["milestone"]["id"] == first
    events = api.walk("/events", "events", {"limit": 200})
    assert len(events) == len(demo.scenario().events)


def test_reset_without_the_demo_leaves_an_empty_catalog(admin_api, api):
    assert admin_api.post("/reset", {"demo": False}) == {"demo_loaded": False}
    assert api.ok("/events")["events"] == []
    assert api.ok("/milestones", {"limit": 5})["milestones"] == []


def test_reset_keeps_the_clock(admin_api, server):
    admin_api.post("/clock", {"advance_seconds": 3600})
    before = server.services.clock.now_us()
    admin_api.post("/reset")
    assert server.services.clock.now_us() == before


def test_reset_removes_the_websocket_faults(admin_api):
    fault = {"kind": "drop", "channel": "trade"}
    admin_api.post("/scenario", {"websocket_faults": [fault]})
    assert len(admin_api.call("GET", "/ws/faults", 200).json()["faults"]) == 1
    admin_api.post("/reset", {"demo": False})
    assert admin_api.call("GET", "/ws/faults", 200).json()["faults"] == []


def test_a_bad_reset_body_is_a_400(admin_api):
    assert admin_api.call("POST", "/reset", 400, json={"demo": "yes"}).json()["message"].startswith("$.demo:")
