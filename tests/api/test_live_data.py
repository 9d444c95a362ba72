"""Live data: by milestone, the legacy typed path, batches and game stats."""

from __future__ import annotations

import httpx
import pytest
from kalshi_python_sync.exceptions import NotFoundException

from kalshi_local.exchange.clock import to_rfc3339
from kalshi_local.scenario import loader

from ..client import ApiClient
from ..conftest import BACKENDS, new_database_url, sdk_for
from ..servers import start_server

GAME, HOOPS, RACE = "m-game", "m-hoops", "m-race"
PBP = {"pbp": {"periods": [{"events": [{"clock": "15:00", "description": "Kickoff"}]}, {"events": []}]}}
SCENARIO = {
    "milestones": [
        {"id": GAME, "category": "Sports", "type": "football_game", "title": "KC at BUF", "start_date": "2030-01-04"},
        {"id": HOOPS, "category": "Sports", "type": "basketball_game", "title": "BOS at NYK", "start_date": "2030-01-05"},
        {"id": RACE, "category": "Elections", "type": "political_race", "title": "WY", "start_date": "2030-11-05"},
    ],
    "live_data": [
        {
            "milestone_id": GAME,
            "type": "football_game",
            "details": {"status": "live", "home_points": 7, "away_points": 3},
            "player_stats": {"mahomes": {"passing_yards": 120}},
            "game_stats": PBP,
        },
        {"milestone_id": HOOPS, "type": "basketball_game", "details": {"status": "scheduled"}},
    ],
}


def apply(server, data: dict) -> None:
    loader.apply(server.services.engine, loader.parse_data(data, "live"), server.services.clock.now_us(), "live")


@pytest.fixture(scope="module", params=BACKENDS)
def live_server(request):
    server = start_server(new_database_url(request, request.param), load_demo=False)
    apply(server, SCENARIO)
    yield server
    server.stop()


@pytest.fixture
def api(live_server):
    with ApiClient(live_server.api) as client:
        yield client


def undeclared_error(server, path: str, params=None, status: int = 400) -> dict:
    """Errors on statuses the spec leaves out for this operation: checked by hand, not by the spec."""
    response = httpx.get(server.api + path, params=params)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] and body["message"] and body["service"] == "kalshi-local", body
    return body


# --- GET /live_data/milestone/{milestone_id} ---------------------------------------------------


def test_live_data_of_a_milestone(api):
    assert api.ok(f"/live_data/milestone/{GAME}") == {
        "live_data": {
            "type": "football_game",
            "details": {"status": "live", "home_points": 7, "away_points": 3},
            "milestone_id": GAME,
        }
    }


def test_player_stats_join_the_details_only_when_asked(api):
    plain = api.ok(f"/live_data/milestone/{GAME}", {"include_player_stats": "false"})["live_data"]["details"]
    asked = api.ok(f"/live_data/milestone/{GAME}", {"include_player_stats": "true"})["live_data"]["details"]
    assert "player_stats" not in plain
    assert asked == {**plain, "player_stats": {"mahomes": {"passing_yards": 120}}}


def test_asking_for_player_stats_changes_nothing_without_any(api):
    plain = api.ok(f"/live_data/milestone/{HOOPS}")
    assert api.ok(f"/live_data/milestone/{HOOPS}", {"include_player_stats": "true"}) == plain


def test_a_bad_include_player_stats_is_a_bad_request(live_server):
    body = undeclared_error(live_server, f"/live_data/milestone/{GAME}", {"include_player_stats": "maybe"})
    assert "include_player_stats" in body["message"]


def test_unknown_milestone_is_404(api):
    body = api.error("/live_data/milestone/m-nope", status=404)
    assert body["message"] == "milestone m-nope not found"


def test_milestone_without_live_data_is_404(api):
    body = api.error(f"/live_data/milestone/{RACE}", status=404)
    assert body["message"] == f"milestone {RACE} has no live data"


# --- GET /live_data/{type}/milestone/{milestone_id} (legacy) -----------------------------------


def test_legacy_path_with_the_right_type_matches_the_new_path(api):
    for include in ("false", "true"):
        params = {"include_player_stats": include}
        legacy = api.ok(f"/live_data/football_game/milestone/{GAME}", params)
        assert legacy == api.ok(f"/live_data/milestone/{GAME}", params)


def test_legacy_path_with_the_wrong_type_is_404(api):
    body = api.error(f"/live_data/basketball_game/milestone/{GAME}", status=404)
    assert "'football_game'" in body["message"] and "'basketball_game'" in body["message"]


@pytest.mark.parametrize("milestone_id", ["m-nope", RACE])
def test_legacy_path_without_live_data_is_404(api, milestone_id):
    api.error(f"/live_data/political_race/milestone/{milestone_id}", status=404)


# --- GET /live_data/batch ----------------------------------------------------------------------


def test_batch_answers_in_the_order_asked_and_skips_what_has_no_live_data(api):
    params = [("milestone_ids", m) for m in (HOOPS, "m-nope", RACE, GAME, HOOPS)]
    body = api.ok("/live_data/batch", params)
    assert [d["milestone_id"] for d in body["live_datas"]] == [HOOPS, GAME]


def test_batch_items_equal_the_single_answers(api):
    params = [("milestone_ids", GAME), ("milestone_ids", HOOPS), ("include_player_stats", "true")]
    batch = api.ok("/live_data/batch", params)["live_datas"]
    singles = [
        api.ok(f"/live_data/milestone/{m}", {"include_player_stats": "true"})["live_data"] for m in (GAME, HOOPS)
    ]
    assert batch == singles


def test_batch_of_nothing_known_is_empty(api):
    assert api.ok("/live_data/batch", {"milestone_ids": "m-nope"}) == {"live_datas": []}


def test_batch_accepts_a_hundred_ids(api):
    params = [("milestone_ids", GAME)] + [("milestone_ids", f"m-{i}") for i in range(99)]
    assert len(api.ok("/live_data/batch", params)["live_datas"]) == 1


def test_batch_of_more_than_a_hundred_ids_is_a_bad_request(live_server):
    body = undeclared_error(live_server, "/live_data/batch", [("milestone_ids", f"m-{i}") for i in range(101)])
    assert "milestone_ids" in body["message"]


def test_batch_without_milestone_ids_is_a_bad_request(live_server):
    body = undeclared_error(live_server, "/live_data/batch")
    assert body["code"] == "missing_parameters" and "milestone_ids" in body["message"]


# --- GET /live_data/milestone/{milestone_id}/game_stats ----------------------------------------


def test_game_stats_serve_the_stored_play_by_play(api):
    assert api.ok(f"/live_data/milestone/{GAME}/game_stats") == PBP


@pytest.mark.parametrize("milestone_id", [HOOPS, RACE])
def test_game_stats_are_empty_for_milestones_without_play_by_play(api, milestone_id):
    # The docs say "null"; the spec's pbp is a non-nullable object, so it is left out.
    assert api.ok(f"/live_data/milestone/{milestone_id}/game_stats") == {}


def test_game_stats_of_an_unknown_milestone_is_404(api):
    body = api.error("/live_data/milestone/m-nope/game_stats", status=404)
    assert "m-nope" in body["message"]


# --- pushes and the SDK ------------------------------------------------------------------------


def test_a_push_replaces_live_data_and_bumps_the_milestone(empty_server):
    apply(empty_server, SCENARIO)
    empty_server.services.clock.advance(90)
    final = {"milestone_id": GAME, "type": "football_game", "details": {"status": "final"}}
    apply(empty_server, {"live_data": [final]})
    client = ApiClient(empty_server.api)
    assert client.ok(f"/live_data/milestone/{GAME}")["live_data"]["details"] == {"status": "final"}
    assert client.ok(f"/live_data/milestone/{GAME}/game_stats") == {}
    milestone = client.ok(f"/milestones/{GAME}")["milestone"]
    assert milestone["last_updated_ts"] == to_rfc3339(empty_server.services.clock.now_us())


def test_live_data_for_an_unknown_milestone_is_refused(empty_server):
    data = {"live_data": [{"milestone_id": "m-ghost", "type": "football_game"}]}
    with pytest.raises(loader.ScenarioError, match=r"\$\.live_data\[0\]: milestone m-ghost not found"):
        apply(empty_server, data)


def test_live_data_of_another_type_than_its_milestone_is_refused(empty_server):
    apply(empty_server, {"milestones": SCENARIO["milestones"][:1]})
    wrong = {"live_data": [{"milestone_id": GAME, "type": "basketball_game"}]}
    with pytest.raises(loader.ScenarioError, match=r"\$\.live_data\[0\]: type: .*'basketball_game'.*'football_game'"):
        apply(empty_server, wrong)
    client = ApiClient(empty_server.api)
    assert client.error(f"/live_data/milestone/{GAME}", status=404)["message"] == f"milestone {GAME} has no live data"
    apply(empty_server, {"live_data": [{"milestone_id": GAME, "type": "football_game", "details": {"status": "live"}}]})
    assert client.ok(f"/live_data/football_game/milestone/{GAME}")["live_data"]["details"] == {"status": "live"}


def test_sdk_reads_live_data_with_its_strict_models(live_server):
    sdk = sdk_for(live_server)
    one = sdk.get_live_data(type="football_game", milestone_id=GAME).live_data
    assert one.milestone_id == GAME and one.details["home_points"] == 7
    many = sdk.get_live_datas(milestone_ids=[GAME, HOOPS, "m-nope"]).live_datas
    assert [d.type for d in many] == ["football_game", "basketball_game"]
    with pytest.raises(NotFoundException):
        sdk.get_live_data(type="basketball_game", milestone_id=GAME)
