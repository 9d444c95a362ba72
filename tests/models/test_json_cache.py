"""The rendered-market cache never serves a stale market: every path that
changes what a market shows changes its cache key."""

from __future__ import annotations

from ..client import ApiClient

SCENARIO = """
series:
  - {ticker: KXCACHE, title: Cache series, category: Economics}
events:
  - event_ticker: KXCACHE-1
    series_ticker: KXCACHE
    title: Cache event
    markets:
      - {ticker: KXCACHE-1-A, open_time: "2030-01-01T00:00:00Z", close_time: "2030-02-01T00:00:00Z",
         yes_bid_dollars: "{bid}", yes_ask_dollars: "0.6000"}
"""


def _load(server, bid: str, category: str = "Economics") -> None:
    server.load(SCENARIO.replace("{bid}", bid).replace("category: Economics", f"category: {category}"))


def _listed(api) -> dict:
    (market,) = api.ok("/markets", {"tickers": "KXCACHE-1-A"})["markets"]
    return market


def test_a_rewritten_market_is_served_fresh_from_lists(empty_server):
    api = ApiClient(empty_server.api)
    _load(empty_server, "0.4000")
    assert _listed(api)["yes_bid_dollars"] == "0.4000"
    _load(empty_server, "0.4500")
    assert _listed(api)["yes_bid_dollars"] == "0.4500"
    nested = api.ok("/events/KXCACHE-1", {"with_nested_markets": "true"})
    assert nested["markets"][0]["yes_bid_dollars"] == "0.4500"
    assert nested["event"]["markets"][0]["no_ask_dollars"] == "0.5500"


def test_the_status_follows_the_clock_through_the_cache(empty_server):
    api = ApiClient(empty_server.api)
    clock = empty_server.services.clock
    clock.set(1_893_456_000_000_000)  # 2030-01-01T00:00:00Z, the open time
    _load(empty_server, "0.4000")
    assert _listed(api)["status"] == "active"
    clock.advance(31 * 86_400)
    assert _listed(api)["status"] == "closed"


def test_a_new_series_category_reaches_the_legacy_field(empty_server):
    api = ApiClient(empty_server.api)
    _load(empty_server, "0.4000")
    assert _listed(api)["category"] == "Economics"
    _load(empty_server, "0.4000", category="Financials")
    assert _listed(api)["category"] == "Financials"


MILESTONE = """
milestones:
  - {id: ms-cache-1, category: Sports, type: football_game, title: "{title}", start_date: "2030-01-01T00:00:00Z"}
live_data:
  - {milestone_id: ms-cache-1, type: football_game, details: {status: "{title}"}}
structured_targets:
  - {id: st-cache-1, name: "{title}", type: football_team}
"""


def _load_milestone(server, title: str) -> None:
    server.load(MILESTONE.replace("{title}", title))


def test_rewritten_milestones_and_targets_are_served_fresh(empty_server):
    api = ApiClient(empty_server.api)
    _load_milestone(empty_server, "first")
    assert api.ok("/milestones", {"limit": 10})["milestones"][0]["title"] == "first"
    assert api.ok("/structured_targets")["structured_targets"][0]["name"] == "first"
    _load_milestone(empty_server, "second")
    assert api.ok("/milestones", {"limit": 10})["milestones"][0]["title"] == "second"
    assert api.ok("/structured_targets")["structured_targets"][0]["name"] == "second"


def test_a_live_data_push_refreshes_the_listed_last_updated_ts(empty_server):
    api = ApiClient(empty_server.api)
    _load_milestone(empty_server, "first")
    before = api.ok("/milestones", {"limit": 10})["milestones"][0]["last_updated_ts"]
    empty_server.services.clock.advance(60)
    empty_server.load("live_data: [{milestone_id: ms-cache-1, type: football_game, details: {status: live}}]")
    after = api.ok("/milestones", {"limit": 10})["milestones"][0]["last_updated_ts"]
    assert after != before


def test_a_row_created_after_deleting_the_newest_never_shows_the_deleted_one(empty_server):
    from kalshi_local.store import milestones

    api = ApiClient(empty_server.api)
    one = 'milestones: [{id: %s, category: Sports, type: football_game, title: %s, start_date: "2030-01-01T00:00:00Z"}]'
    empty_server.load(one % ("ms-old", "deleted"))
    assert api.ok("/milestones", {"limit": 10})["milestones"][0]["title"] == "deleted"
    with empty_server.services.engine.begin() as conn:
        milestones.delete(conn, "ms-old")
    empty_server.load(one % ("ms-new", "new"))
    (listed,) = api.ok("/milestones", {"limit": 10})["milestones"]
    assert (listed["id"], listed["title"]) == ("ms-new", "new")
