"""GET /structured_targets and GET /structured_targets/{structured_target_id}."""

from __future__ import annotations

import httpx
import pytest
from kalshi_python_sync.exceptions import NotFoundException


from ..client import ApiClient
from ..conftest import BACKENDS, new_database_url, sdk_for
from ..servers import start_server

NAMED = [
    {"id": "t-celtics", "name": "Boston Celtics", "type": "basketball_team",
     "details": {"league": "NBA", "conference": "Eastern", "division": "Atlantic"}, "source_id": "sr:celtics",
     "source_ids": {"sportradar": "sr:celtics"}},
    {"id": "t-tatum", "name": "Jayson Tatum", "type": "basketball_player", "details": {"league": "NBA"}},
    {"id": "t-arsenal", "name": "Arsenal", "type": "soccer_team", "details": {"leagues": ["EPL", "UCL"]}},
    {"id": "t-sinner", "name": "Jannik Sinner", "type": "tennis_player", "details": {"tour": "ATP"}},
    {"id": "t-fnatic", "name": "Fnatic", "type": "esports_org_v2", "details": {}},
    {"id": "t-ohio", "name": "Ohio State", "type": "football_team", "details": {"conference": "Big Ten"}},
]
FILLERS = [
    {"id": f"f-{i:03d}", "name": f"Filler {i}", "type": "filler", "details": {"league": "FILL"}} for i in range(110)
]
ALL_IDS = [t["id"] for t in NAMED + FILLERS]


def apply(server, targets: list[dict]) -> None:
    server.load({"structured_targets": targets})


@pytest.fixture(scope="module", params=BACKENDS)
def targets_server(request):
    server = start_server(new_database_url(request, request.param), load_demo=False)
    apply(server, NAMED + FILLERS)
    yield server
    server.stop()


@pytest.fixture
def api(targets_server):
    with ApiClient(targets_server.api) as client:
        yield client


def ids_of(body: dict) -> list[str]:
    return [t["id"] for t in body["structured_targets"]]


def undeclared_error(server, path: str, params, status: int = 400) -> dict:
    """Errors on statuses the spec leaves out for this operation: checked by hand, not by the spec."""
    response = httpx.get(server.api + path, params=params)
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] and body["message"] and body["service"] == "kalshi-local", body
    return body


def test_first_page_holds_a_hundred_targets_by_default(api):
    body = api.ok("/structured_targets")
    assert ids_of(body) == ALL_IDS[:100]
    assert body["cursor"]


def test_a_target_carries_every_field_it_was_given(api):
    (target,) = api.ok("/structured_targets", {"ids": "t-celtics"})["structured_targets"]
    assert target["name"] == "Boston Celtics"
    assert target["type"] == "basketball_team"
    assert target["details"] == {"league": "NBA", "conference": "Eastern", "division": "Atlantic"}
    assert target["source_id"] == "sr:celtics"
    assert target["source_ids"] == {"sportradar": "sr:celtics"}
    assert target["last_updated_ts"].endswith("Z")


def test_ids_repeated_select_exactly_those_targets(api):
    body = api.ok("/structured_targets", [("ids", "t-sinner"), ("ids", "t-tatum"), ("ids", "nope")])
    assert ids_of(body) == ["t-tatum", "t-sinner"]
    assert body["cursor"] == ""


def test_ids_accept_two_thousand_values(api):
    wanted = ["t-ohio", "f-005"] + [f"missing-{i}" for i in range(1998)]
    body = api.ok("/structured_targets", [("ids", i) for i in wanted])
    assert ids_of(body) == ["t-ohio", "f-005"]


def test_more_than_two_thousand_ids_is_a_bad_request(targets_server):
    body = undeclared_error(targets_server, "/structured_targets", [("ids", f"x{i}") for i in range(2001)])
    assert "ids" in body["message"]


@pytest.mark.parametrize("target_type", ["basketball_player", "esports_org_v2"])
def test_type_filters_on_any_type_not_a_fixed_list(api, target_type):
    expected = [t["id"] for t in NAMED if t["type"] == target_type]
    assert ids_of(api.ok("/structured_targets", {"type": target_type})) == expected


def test_an_unknown_type_matches_nothing(api):
    assert api.ok("/structured_targets", {"type": "curling_stone"}) == {"structured_targets": [], "cursor": ""}


@pytest.mark.parametrize(
    ("competition", "expected"),
    [
        ("NBA", ["t-celtics", "t-tatum"]),  # league
        ("Eastern", ["t-celtics"]),  # conference
        ("Atlantic", ["t-celtics"]),  # division
        ("ATP", ["t-sinner"]),  # tour
        ("UCL", ["t-arsenal"]),  # an entry of details.leagues
        ("Big Ten", ["t-ohio"]),
        ("MLS", []),
    ],
)
def test_competition_matches_league_conference_division_tour_or_leagues(api, competition, expected):
    assert ids_of(api.ok("/structured_targets", {"competition": competition})) == expected


def test_filters_combine(api):
    params = [("ids", "t-celtics"), ("ids", "t-tatum"), ("ids", "t-arsenal")]
    params += [("type", "basketball_player"), ("competition", "NBA")]
    assert ids_of(api.ok("/structured_targets", params)) == ["t-tatum"]


@pytest.mark.parametrize("page_size", ["0", "2001", "-1", "ten", "1.5"])
def test_page_size_outside_1_to_2000_is_a_bad_request(targets_server, page_size):
    body = undeclared_error(targets_server, "/structured_targets", {"page_size": page_size})
    assert "page_size" in body["message"]


@pytest.mark.parametrize("page_size", [1, 2000])
def test_page_size_bounds_are_accepted(api, page_size):
    assert len(ids_of(api.ok("/structured_targets", {"page_size": page_size}))) == min(page_size, len(ALL_IDS))


def test_cursor_walk_returns_every_target_once_in_order(api):
    walked = api.walk("/structured_targets", "structured_targets", {"page_size": 7})
    assert [t["id"] for t in walked] == ALL_IDS


def test_cursor_walk_keeps_the_filters(api):
    walked = api.walk("/structured_targets", "structured_targets", {"page_size": 2, "competition": "NBA"})
    assert [t["id"] for t in walked] == ["t-celtics", "t-tatum"]


@pytest.mark.parametrize("cursor", ["garbage!", "bWlsZXN0b25lczo1", "c3RydWN0dXJlZF90YXJnZXRzOi0x"])
def test_a_bogus_or_foreign_cursor_is_a_bad_request(targets_server, cursor):
    # the 2nd is a /milestones cursor, the 3rd a negative position
    body = undeclared_error(targets_server, "/structured_targets", {"cursor": cursor})
    assert "cursor" in body["message"]


def test_get_one_target_by_id(api):
    listed = api.ok("/structured_targets", {"ids": "t-arsenal"})["structured_targets"][0]
    assert api.ok("/structured_targets/t-arsenal") == {"structured_target": listed}


def test_unknown_target_is_404(api):
    body = api.error("/structured_targets/no-such-target", status=404)
    assert "no-such-target" in body["message"]


def test_sdk_reads_targets_with_its_strict_models(targets_server):
    sdk = sdk_for(targets_server)
    first = sdk.get_structured_targets(type="filler", page_size=100)
    second = sdk.get_structured_targets(type="filler", page_size=100, cursor=first.cursor)
    assert len(first.structured_targets) + len(second.structured_targets) == len(FILLERS)
    assert second.cursor == ""
    by_competition = sdk.get_structured_targets(competition="ATP")
    assert [t.name for t in by_competition.structured_targets] == ["Jannik Sinner"]
    one = sdk.get_structured_target(structured_target_id="t-celtics").structured_target
    assert one.details["division"] == "Atlantic" and one.source_id == "sr:celtics"
    with pytest.raises(NotFoundException):
        sdk.get_structured_target(structured_target_id="no-such-target")


def test_cursor_walk_sees_targets_inserted_between_pages_once(empty_server):
    apply(empty_server, [{"id": f"a-{i}", "name": f"A{i}", "type": "x"} for i in range(5)])
    client = ApiClient(empty_server.api)
    first = client.ok("/structured_targets", {"page_size": 3})
    apply(empty_server, [{"id": "b-new", "name": "New", "type": "x"}, {"id": "a-0", "name": "A0 renamed", "type": "x"}])
    rest = client.walk("/structured_targets", "structured_targets", {"page_size": 3, "cursor": first["cursor"]})
    assert ids_of(first) + [t["id"] for t in rest] == ["a-0", "a-1", "a-2", "a-3", "a-4", "b-new"]


def test_updating_a_target_moves_it_between_competitions(empty_server):
    traded = {"id": "t", "name": "Traded", "type": "basketball_player"}
    apply(empty_server, [{**traded, "details": {"league": "NBA"}}])
    apply(empty_server, [{**traded, "details": {"league": "EuroLeague"}}])
    client = ApiClient(empty_server.api)
    assert ids_of(client.ok("/structured_targets", {"competition": "NBA"})) == []
    assert ids_of(client.ok("/structured_targets", {"competition": "EuroLeague"})) == ["t"]


def test_the_same_query_asked_again_sees_a_write_made_in_between(empty_server):
    apply(empty_server, [{"id": "t", "name": "Before", "type": "x"}])
    client = ApiClient(empty_server.api)
    query = {"ids": ["t"]}
    for _ in range(2):
        assert [t["name"] for t in client.ok("/structured_targets", query)["structured_targets"]] == ["Before"]
    apply(empty_server, [{"id": "t", "name": "After", "type": "x"}])
    assert [t["name"] for t in client.ok("/structured_targets", query)["structured_targets"]] == ["After"]
