"""The demo catalog: reproducible from its script, big enough that every list
pages, and carrying the rows the docs talk about."""

from __future__ import annotations

import importlib.util
from importlib import resources
from pathlib import Path

import pytest

from kalshi_local import demo
from kalshi_local.models.inputs import time_us

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_demo.py"
SCENARIO = demo.scenario()
MARKETS = [m for e in SCENARIO.events for m in e.markets]
TARGETS = {t.id: t for t in SCENARIO.structured_targets}
MADE_ON = time_us("2026-11-21T00:00:00Z")


def _script():
    spec = importlib.util.spec_from_file_location("make_demo", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_packaged_catalog_is_what_the_script_writes():
    packaged = resources.files("kalshi_local.demo").joinpath(demo.DEMO_FILE).read_text(encoding="utf-8")
    assert packaged == _script().render(), "run scripts/make_demo.py"


# --- every list pages at its default size ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "key", "cursor_key", "more_than"),
    [
        ("/events", {}, "events", "cursor", 200),
        ("/markets", {}, "markets", "cursor", 100),
        ("/structured_targets", {}, "structured_targets", "cursor", 100),
        ("/incentive_programs", {}, "incentive_programs", "next_cursor", 100),
        ("/milestones", {"limit": 100}, "milestones", "cursor", 300),
    ],
    ids=["events", "markets", "structured targets", "incentive programs", "milestones"],
)
def test_every_list_pages_at_its_default_size(demo_api, path, params, key, cursor_key, more_than):
    items, page = [], demo_api.ok(path, params)
    assert page.get(cursor_key), f"{path} fits in one page"
    for _ in range(50):  # bounded: a cursor that never ends fails instead of hanging
        items += page[key]
        if not page.get(cursor_key):
            break
        page = demo_api.ok(path, {**params, "cursor": page[cursor_key]})
    assert not page.get(cursor_key), f"{path} did not end within 50 pages"
    assert len(items) > more_than
    assert len({item.get("id") or item.get("ticker") or item.get("event_ticker") for item in items}) == len(items)


# --- sports --------------------------------------------------------------------------------------------


def test_the_first_milestone_is_the_hand_written_football_game():
    first = SCENARIO.milestones[0]
    assert (first.id, first.type, first.title) == ("5d3c2a10-0000-4000-8000-000000000001", "football_game",
                                                   "Kansas City at Buffalo")
    assert SCENARIO.events[0].event_ticker in first.primary_event_tickers


@pytest.mark.parametrize("sport", ["football", "basketball"])
def test_game_milestones_name_their_teams_as_structured_targets(sport):
    games = [m for m in SCENARIO.milestones if m.type == f"{sport}_game"]
    assert len(games) > 10
    competition = {"football": "Pro Football", "basketball": "Pro Basketball"}[sport]
    for game in games:
        assert game.details["competition"] == competition
        for side in ("home_team_id", "away_team_id"):
            assert TARGETS[game.details[side]].type == f"{sport}_team"


@pytest.mark.parametrize(("kind", "league"), [("football", "NFL"), ("basketball", "NBA")])
def test_teams_and_players_carry_their_league(kind, league):
    teams = [t for t in TARGETS.values() if t.type == f"{kind}_team"]
    players = [t for t in TARGETS.values() if t.type == f"{kind}_player"]
    assert len(teams) >= 30 and len(players) >= 30
    assert all(t.details["league"] == league and t.details["conference"] and t.details["division"] for t in teams)
    assert all(TARGETS[p.details["team_id"]].type == f"{kind}_team" for p in players)


def test_structured_strikes_point_at_existing_targets_of_their_type():
    structured = [m for m in MARKETS if m.strike_type == "structured"]
    assert {kind for m in structured for kind in m.custom_strike} >= {"football_team", "basketball_team", "football_player"}
    for market in structured:
        for kind, target in market.custom_strike.items():
            assert TARGETS[target].type == kind, market.ticker


def test_finished_games_have_scores_player_stats_and_play_by_play(demo_api):
    finished = [d for d in SCENARIO.live_data if d.details.get("status") == "closed"]
    assert len(finished) >= 2
    for live in finished:
        assert {"home_points", "away_points", "period", "clock"} <= set(live.details)
        assert live.player_stats and live.game_stats["pbp"]["periods"][0]["events"]
        served = demo_api.ok(f"/live_data/milestone/{live.milestone_id}/game_stats")
        assert served["pbp"]["periods"] == live.game_stats["pbp"]["periods"]


# --- elections -----------------------------------------------------------------------------------------


def test_the_wyoming_milestone_groups_its_three_races(demo_api):
    found = demo_api.ok("/milestones", {"limit": 10, "related_event_ticker": "KXHOUSERACE-WYAL-26"})["milestones"]
    assert [m["title"] for m in found] == ["Wyoming General Elections"]
    wyoming = found[0]
    assert wyoming["type"] == "one_off_milestone"
    assert wyoming["primary_event_tickers"] == ["SENATEWY-26"]
    assert wyoming["related_event_tickers"] == ["SENATEWY-26", "GOVPARTYWY-26", "KXHOUSERACE-WYAL-26"]
    for ticker in wyoming["related_event_tickers"]:
        event = demo_api.ok(f"/events/{ticker}")["event"]
        assert event["series_ticker"] == ticker.split("-")[0]


# --- numeric strikes and price levels ------------------------------------------------------------------


def test_numeric_strikes_use_floor_and_cap():
    by_kind = {kind: [m for m in MARKETS if m.strike_type == kind] for kind in ("greater", "less", "between")}
    assert all(by_kind.values())
    assert all(m.floor_strike is not None and m.cap_strike is None for m in by_kind["greater"])
    assert all(m.cap_strike is not None and m.floor_strike is None for m in by_kind["less"])
    assert all(m.floor_strike < m.cap_strike for m in by_kind["between"])


def test_all_three_price_level_structures_appear():
    used = {m.price_level_structure for m in MARKETS}
    assert used == {"linear_cent", "tapered_deci_cent", "deci_cent"}


@pytest.mark.parametrize("category", ["Sports", "Elections", "Economics", "Climate and Weather"])
def test_each_category_has_series(category):
    assert any(s.category == category for s in SCENARIO.series)


# --- times ---------------------------------------------------------------------------------------------


def test_open_markets_close_in_2027_or_later_and_a_few_are_closed_or_settled():
    early = [m for m in MARKETS if time_us(m.close_time) < time_us("2027-01-01T00:00:00Z")]
    settled = [m for m in early if m.status == "finalized"]
    assert settled and all(m.result in ("yes", "no") and m.settlement_value_dollars for m in settled)
    closed_by_clock = [m for m in early if m.status == "active"]
    assert closed_by_clock and all(time_us(m.close_time) < MADE_ON for m in closed_by_clock)


def test_the_api_reports_settled_and_closed_markets(demo_api):
    assert demo_api.ok("/markets", {"status": "settled"})["markets"]
    assert demo_api.ok("/markets", {"status": "closed"})["markets"]


def test_announcements_fee_changes_and_an_exchange_schedule_are_there():
    assert len(SCENARIO.announcements) >= 2 and SCENARIO.fee_changes
    assert SCENARIO.exchange is not None and SCENARIO.exchange.standard_hours


def test_the_demo_exchange_trades_at_any_time_a_sandbox_runs():
    """No maintenance window or end of schedule pauses a demo sandbox started today or for decades."""
    from kalshi_local.exchange.hours import status_of

    day_us = 86_400 * 1_000_000
    thursdays_0830_utc = [time_us("2026-11-26T08:30:00Z") + 7 * day_us * week for week in range(52 * 10)]
    for instant in [MADE_ON, *thursdays_0830_utc, time_us("2099-12-31T12:00:00Z")]:
        assert status_of(SCENARIO.exchange, instant).trading_active, instant
