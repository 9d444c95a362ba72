"""Multivariate event collections (combos) through a real server on the manual clock, SQLite and
PostgreSQL: a collection from the admin API, a combo market created for a selection of legs (the
same selection names the same market), lookup and its history, Kalshi's errors for bad selections,
trading the combo, its determination from the legs' results and its settlement, the
multivariate_market_lifecycle and multivariate WebSocket messages; raw HTTP validated against
openapi.yaml and the official kalshi-python-sync (MultivariateApi, EventsApi)."""

from __future__ import annotations

import itertools
import json

import httpx
import kalshi_python_sync
import pytest
from kalshi_python_sync import EventsApi, MultivariateApi, TickerPair

from kalshi_local.exchange.clock import MICROS, to_rfc3339

from ..client import AdminClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..ws.client import WsClient
from . import trading_rows as rows
from .trading_rows import PRIVATE
from .write_path import balance, place

HOUR = 3600
TIMER = 300  # the legs' settlement timer: the combo takes the longest of its legs'
_worlds = itertools.count(1)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param), load_demo=False)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin(server):
    client = AdminClient(server.url, ADMIN_TOKEN)
    yield client
    client.close()


@pytest.fixture
def alice(server, admin):
    with rows.trader(server, admin) as api:
        yield api


@pytest.fixture
def bob(server, admin):
    with rows.trader(server, admin) as api:
        yield api


def now_us(admin) -> int:
    return admin.request("GET", "/clock")["now_us"]


def advance(admin, seconds: int) -> None:
    admin.request("POST", "/clock", {"advance_seconds": seconds})


def world(admin, size_max: int = 2, is_ordered: bool = False) -> dict:
    """Two leg events (A: markets A1, A2, at most one per selection; B: market B1, yes only),
    an event outside the collection, and collection KXMVET<n>-C of 2..size_max legs."""
    n = next(_worlds)
    at = now_us(admin)
    times = {"open_time": to_rfc3339(at - HOUR * MICROS), "close_time": to_rfc3339(at + HOUR * MICROS)}
    names = {"a": f"KXLEGA{n}-1", "b": f"KXLEGB{n}-1", "out": f"KXLEGO{n}-1", "series": f"KXMVET{n}"}
    for key, markets in (("a", ["A1", "A2"]), ("b", ["B1"]), ("out", ["O1"])):
        series = names[key].rsplit("-", 1)[0]
        admin.request("PUT", f"/series/{series}", {"title": f"Legs {series}", "category": "Sports"})
        body = [
            {"ticker": f"{names[key]}-{m}", "yes_sub_title": f"{m} wins", "settlement_timer_seconds": TIMER, **times}
            for m in markets
        ]
        event = {"series_ticker": series, "title": f"Game {key}", "markets": body}
        admin.request("PUT", f"/events/{names[key]}", event)
    admin.request("PUT", f"/series/{names['series']}", {"title": "Combos", "category": "Sports"})
    collection = f"KXMVET{n}-C"
    admin.request(
        "PUT",
        f"/multivariate_event_collections/{collection}",
        {
            "series_ticker": names["series"],
            "title": "Game parlays",
            "open_date": to_rfc3339(at - HOUR * MICROS),
            "close_date": to_rfc3339(at + 24 * HOUR * MICROS),
            "associated_events": [
                {"ticker": names["a"], "size_max": 1},
                {"ticker": names["b"], "is_yes_only": True},
            ],
            "is_ordered": is_ordered,
            "size_min": 2,
            "size_max": size_max,
        },
    )
    return {**names, "collection": collection}


def leg(event: str, market: str, side: str = "yes") -> dict:
    return {"event_ticker": event, "market_ticker": f"{event}-{market}", "side": side}


def create(api, collection: str, legs: list[dict], expect: int = 200, **extra) -> dict:
    path = f"/multivariate_event_collections/{collection}"
    return api.request("POST", path, json={"selected_markets": legs, **extra}, expect=expect).json()


def market(server, ticker: str) -> dict:
    return httpx.get(f"{server.api}/markets/{ticker}", timeout=30).json()["market"]


def leg_value(server, ticker: str, leg_ticker: str) -> str | None:
    """A combo leg's yes_settlement_value_dollars as GET /markets/{ticker} shows it."""
    legs = market(server, ticker)["mve_selected_legs"]
    return next(leg for leg in legs if leg["market_ticker"] == leg_ticker).get("yes_settlement_value_dollars")


def test_create_returns_the_same_market_for_the_same_selection_and_records_lookups(server, admin, alice):
    w = world(admin)
    legs = [leg(w["a"], "A1", "no"), leg(w["b"], "B1")]
    made = create(alice, w["collection"], legs, with_market_payload=True)
    event, ticker = made["event_ticker"], made["market_ticker"]
    assert ticker.startswith(f"{w['series']}-S") and ticker.startswith(event + "-")
    assert made["market"]["mve_collection_ticker"] == w["collection"]
    assert made["market"]["mve_selected_legs"] == legs
    assert made["market"]["status"] == "active" and made["market"]["title"] == "no A1 wins,yes B1 wins"
    again = create(alice, w["collection"], legs[::-1])  # unordered: the order of the legs does not matter
    assert (again["event_ticker"], again["market_ticker"]) == (event, ticker)
    other = create(alice, w["collection"], [leg(w["a"], "A2"), leg(w["b"], "B1")])
    assert other["market_ticker"] != ticker

    shown = alice.ok(f"/markets/{ticker}")["market"]
    assert (shown["event_ticker"], shown["mve_collection_ticker"]) == (event, w["collection"])
    assert shown["mve_selected_legs"] == legs  # as chosen, in the stored (sorted) order
    a_leg = alice.ok(f"/markets/{w['a']}-A1")["market"]
    assert "mve_selected_legs" not in a_leg and "mve_collection_ticker" not in a_leg
    [paged] = alice.ok("/markets", {"tickers": ticker})["markets"]
    assert (paged["mve_collection_ticker"], paged["mve_selected_legs"]) == (w["collection"], legs)
    listed = alice.ok("/events/multivariate", {"collection_ticker": w["collection"], "with_nested_markets": "true"})
    assert [e["event_ticker"] for e in listed["events"]] == [event, other["event_ticker"]]
    assert listed["events"][0]["markets"][0]["ticker"] == ticker
    assert listed["events"][1]["markets"][0]["mve_selected_legs"] == [leg(w["a"], "A2"), leg(w["b"], "B1")]
    assert event not in [e["event_ticker"] for e in alice.walk("/events", "events")]  # GET /events excludes combos
    only = alice.walk("/markets", "markets", {"mve_filter": "only"})
    assert {m["ticker"] for m in only} >= {ticker, other["market_ticker"]}

    lookup_path = f"/multivariate_event_collections/{w['collection']}/lookup"
    advance(admin, 30)
    found = alice.request("PUT", lookup_path, json={"selected_markets": legs}, expect=200).json()
    assert found == {"event_ticker": event, "market_ticker": ticker}
    recent = alice.ok(lookup_path, {"lookback_seconds": 10})["lookup_points"]
    assert [(p["market_ticker"], p["selected_markets"]) for p in recent] == [(ticker, legs)]
    assert recent[0]["last_queried_ts"] == to_rfc3339(now_us(admin))
    assert {p["market_ticker"] for p in alice.ok(lookup_path, {"lookback_seconds": 60})["lookup_points"]} == {
        ticker, other["market_ticker"],
    }  # fmt: skip
    never = alice.error(lookup_path, method="PUT", status=404, json={"selected_markets": [leg(w["a"], "A2", "no")]})
    assert never["code"] == "not_found"
    advance(admin, 11)
    assert alice.ok(lookup_path, {"lookback_seconds": 10})["lookup_points"] == []


def test_invalid_selections_get_kalshis_errors(server, admin, alice):
    w = world(admin)
    path = f"/multivariate_event_collections/{w['collection']}"
    cases = [
        ([leg(w["a"], "A1")], "takes 2 to 2 markets; got 1"),
        ([leg(w["a"], "A1"), leg(w["b"], "B1"), leg(w["out"], "O1")], "takes 2 to 2 markets; got 3"),
        ([leg(w["a"], "A1"), leg(w["out"], "O1")], f"event {w['out']} is not in collection"),
        ([leg(w["a"], "A1"), {**leg(w["b"], "B1"), "event_ticker": w["a"]}], "is not in event"),
        ([leg(w["a"], "A1"), leg(w["b"], "B1", "no")], "only takes the yes side"),
        ([leg(w["a"], "A1"), leg(w["a"], "A2")], f"at most 1 markets of event {w['a']}"),
        ([leg(w["a"], "A1"), leg(w["a"], "A1")], "is selected twice"),
        ([leg(w["a"], "A1"), {**leg(w["b"], "B1"), "side": "maybe"}], "selected_markets[1].side"),
    ]
    for legs, message in cases:
        body = alice.error(path, method="POST", json={"selected_markets": legs})
        assert body["code"] == "invalid_parameters" and message in body["message"], (legs, body)
    missing = alice.error("/multivariate_event_collections/KXMVENOPE", method="POST", status=400,
                          json={"selected_markets": [leg(w["a"], "A1"), leg(w["b"], "B1")]})  # fmt: skip
    assert missing["code"] == "invalid_parameters" and "KXMVENOPE not found" in missing["message"]  # no 404 in the spec
    assert alice.error("/multivariate_event_collections/KXMVENOPE", status=404)["code"] == "not_found"
    assert "lookback_seconds" in alice.error(f"{path}/lookup", {"lookback_seconds": 5})["message"]
    assert alice.error(f"{path}/lookup")["code"] in ("missing_parameters", "invalid_parameters")
    unsigned = httpx.post(f"{server.api}{path}", json={"selected_markets": []}, timeout=30)
    assert unsigned.status_code == 401
    admin.request("DELETE", f"/series/{w['series']}", expect=204)  # the combos' series is gone
    gone = alice.error(path, method="POST", json={"selected_markets": [leg(w["a"], "A1"), leg(w["b"], "B1")]})
    assert gone["code"] == "invalid_parameters" and f"series {w['series']} not found" in gone["message"]
    assert market_count(alice, w["collection"]) == 0  # nothing half-written


def market_count(api, collection: str) -> int:
    return len(api.ok("/events/multivariate", {"collection_ticker": collection})["events"])


def test_the_python_sdk_lists_creates_and_looks_up(server, admin, alice):
    w = world(admin, size_max=3, is_ordered=True)
    config = kalshi_python_sync.Configuration(host=server.api)
    config.api_key_id, config.private_key_pem = alice.signer.key_id, PRIVATE
    client = kalshi_python_sync.KalshiClient(config)
    api = MultivariateApi(client)
    one = api.get_multivariate_event_collection(w["collection"]).multivariate_contract
    assert (one.series_ticker, one.size_min, one.size_max, one.is_ordered) == (w["series"], 2, 3, True)
    assert one.associated_event_tickers == [w["a"], w["b"]] and one.is_all_yes is False
    assert [e.is_yes_only for e in one.associated_events] == [False, True]
    listed = api.get_multivariate_event_collections(associated_event_ticker=w["b"], status="open")
    assert [c.collection_ticker for c in listed.multivariate_contracts] == [w["collection"]]
    assert api.get_multivariate_event_collections(associated_event_ticker=w["out"]).multivariate_contracts == []
    # kalshi-python-sync 3.2.0's TickerPair checks `side` against ('true', 'false') (the spec's yes/no read
    # as YAML booleans): built without that check, it sends yes as the spec says (COMPAT.md).
    pairs = [TickerPair.model_construct(**leg(w["a"], "A1")), TickerPair.model_construct(**leg(w["b"], "B1"))]
    made = api.create_market_in_multivariate_event_collection(w["collection"], selected_markets=pairs)
    reversed_made = api.create_market_in_multivariate_event_collection(w["collection"], selected_markets=pairs[::-1])
    assert reversed_made.market_ticker != made.market_ticker  # ordered: the order is part of the selection
    found = api.lookup_tickers_for_market_in_multivariate_event_collection(w["collection"], selected_markets=pairs)
    assert (found.event_ticker, found.market_ticker) == (made.event_ticker, made.market_ticker)
    # Built as its users must build them, 'true' for yes: the same selection, the same market.
    sdk_pairs = [TickerPair(**{**leg(w["a"], "A1"), "side": "true"}), TickerPair(**{**leg(w["b"], "B1"), "side": "true"})]
    again = api.create_market_in_multivariate_event_collection(w["collection"], selected_markets=sdk_pairs)
    assert again.market_ticker == made.market_ticker
    looked_up = api.lookup_tickers_for_market_in_multivariate_event_collection(w["collection"], selected_markets=sdk_pairs)
    assert looked_up.market_ticker == made.market_ticker
    # Its LookupPoint model refuses the same sides on the way back: the raw answer, as it gets it.
    raw = api.get_multivariate_event_collection_lookup_history_without_preload_content(
        w["collection"], lookback_seconds=60
    )
    points = json.loads(raw.read())["lookup_points"]
    assert {p["market_ticker"] for p in points} == {made.market_ticker, reversed_made.market_ticker}
    events = EventsApi(client).get_multivariate_events(collection_ticker=w["collection"], with_nested_markets=True)
    assert [e.markets[0].ticker for e in events.events] == [made.market_ticker, reversed_made.market_ticker]


# legs A1 and B1 both taken yes; their results; the combo's result and what a YES pays
OUTCOMES = [
    ("yes", "yes", "yes", 100),
    ("yes", "no", "no", 0),
    ("void", "yes", "yes", 100),  # a void leg drops out
    ("void", "void", "void", None),
]


@pytest.mark.parametrize(("a_result", "b_result", "combo_result", "value"), OUTCOMES)
def test_a_combo_trades_then_settles_from_its_legs(server, admin, alice, bob, a_result, b_result, combo_result, value):
    w = world(admin)
    with WsClient(server, alice.signer) as ws:
        ws.subscribe("multivariate_market_lifecycle", "multivariate", "market_lifecycle_v2")
        made = create(alice, w["collection"], [leg(w["a"], "A1"), leg(w["b"], "B1")])
        ticker, event = made["market_ticker"], made["event_ticker"]
        lookup = ws.expect("multivariate_lookup")["msg"]
        assert (lookup["collection_ticker"], lookup["market_ticker"]) == (w["collection"], ticker)
        assert lookup["selected_markets"] == [leg(w["a"], "A1"), leg(w["b"], "B1")]
        kinds = {}
        for _ in range(2):  # the event's and the market's creation, on the multivariate channel only
            message = ws.recv()
            kinds[message["type"]] = message["msg"]
        assert kinds["event_lifecycle"]["event_ticker"] == event
        assert kinds["multivariate_market_lifecycle"] == {**kinds["multivariate_market_lifecycle"],
                                                          "market_ticker": ticker, "event_type": "created"}  # fmt: skip

        place(bob, ticker, "ask", "10.00", "0.3000")  # bob sells YES: buys 10 NO at $0.70
        place(alice, ticker, "bid", "10.00", "0.3000")  # alice buys 10 YES at $0.30
        alice_cash, bob_cash = balance(alice)[0], balance(bob)[0]
        assert market(server, ticker)["volume_fp"] == "10.00"

        for name, result in (("a", a_result), ("b", b_result)):
            leg_ticker = f"{w[name]}-{'A1' if name == 'a' else 'B1'}"
            if result == "void":
                admin.request("POST", f"/markets/{leg_ticker}/void")
            else:
                admin.request("POST", f"/markets/{leg_ticker}/close")
                admin.request("POST", f"/markets/{leg_ticker}/determine", {"result": result})
            assert ws.expect("market_lifecycle_v2")["msg"]["market_ticker"] == leg_ticker
            if result != "void":
                assert ws.expect("market_lifecycle_v2")["msg"]["event_type"] == "determined"
        if combo_result == "void":
            settled = ws.expect("multivariate_market_lifecycle")["msg"]
            assert (settled["market_ticker"], settled["event_type"]) == (ticker, "settled")
        else:
            closed = ws.expect("multivariate_market_lifecycle")["msg"]
            assert (closed["market_ticker"], closed["event_type"]) == (ticker, "close_date_updated")
            determined = ws.expect("multivariate_market_lifecycle")["msg"]
            assert (determined["event_type"], determined["result"]) == ("determined", combo_result)
            assert market(server, ticker)["status"] == "determined"
            advance(admin, TIMER)  # the legs' timers and the combo's end together
            moved = [ws.recv() for _ in range(3 if a_result != "void" else 2)]
            combo = [m["msg"] for m in moved if m["type"] == "multivariate_market_lifecycle"]
            assert [(m["market_ticker"], m["event_type"]) for m in combo] == [(ticker, "settled")]
        ws.quiet()

    shown = market(server, ticker)
    assert shown["status"] == "finalized"
    payout = {"yes": (1000, 0), "no": (0, 1000), "void": (300, 700)}[combo_result]
    assert balance(alice)[0] == alice_cash + payout[0]
    assert balance(bob)[0] == bob_cash + payout[1]
    record = alice.ok("/portfolio/settlements", {"ticker": ticker})["settlements"]
    assert [(s["market_result"], s["value"]) for s in record] == [(combo_result, value)]


def test_a_combo_waits_for_every_leg_survives_a_rebuild_and_follows_an_amendment(server, admin, alice):
    w = world(admin)
    selection = [leg(w["a"], "A2", "no"), leg(w["b"], "B1")]
    ticker = create(alice, w["collection"], selection)["market_ticker"]
    a2, b1 = f"{w['a']}-A2", f"{w['b']}-B1"
    server.services.trading.reload()  # a venue rebuilt from the store, as at start-up, knows the combo's legs
    advance(admin, HOUR)  # every market closes by the clock
    assert market(server, ticker)["status"] == "closed"
    server.services.trading.reload()  # and once closed, with no timer pending, it still waits on its legs
    assert [leg_value(server, ticker, t) for t in (a2, b1)] == [None, None]  # filled only after determination
    admin.request("POST", f"/markets/{a2}/determine", {"result": "no"})
    assert market(server, ticker)["status"] == "closed"  # B1 has no result yet
    assert [leg_value(server, ticker, t) for t in (a2, b1)] == ["0.0000", None]  # A2's YES pays nothing
    server.services.trading.reload()
    admin.request("POST", f"/markets/{b1}/determine", {"result": "yes"})
    assert (market(server, ticker)["status"], market(server, ticker)["result"]) == ("determined", "yes")
    assert [leg_value(server, ticker, t) for t in (a2, b1)] == ["0.0000", "1.0000"]
    admin.request("POST", f"/markets/{b1}/amend", {"result": "no"})
    assert (market(server, ticker)["status"], market(server, ticker)["result"]) == ("amended", "no")
    assert [leg_value(server, ticker, t) for t in (a2, b1)] == ["0.0000", "0.0000"]
    lookup_path = f"/multivariate_event_collections/{w['collection']}/lookup"
    alice.request("PUT", lookup_path, json={"selected_markets": selection}, expect=200)
    points = alice.ok(lookup_path, {"lookback_seconds": 10})["lookup_points"]
    assert [set(leg) for leg in points[0]["selected_markets"]] == [{"event_ticker", "market_ticker", "side"}] * 2
    advance(admin, TIMER)
    assert (market(server, ticker)["status"], market(server, ticker)["result"]) == ("finalized", "no")


def test_a_scenario_declares_collections_and_pages_list_them(server, admin, alice):
    at = now_us(admin)
    dates = {"open_date": to_rfc3339(at - HOUR * MICROS), "close_date": to_rfc3339(at + HOUR * MICROS)}
    later = {"open_date": to_rfc3339(at + HOUR * MICROS), "close_date": to_rfc3339(at + 2 * HOUR * MICROS)}
    server.load({
        "series": [{"ticker": "KXMVESCN", "title": "Scenario combos", "category": "Sports"}],
        "multivariate_event_collections": [
            {"collection_ticker": f"KXMVESCN-{i}", "series_ticker": "KXMVESCN", "title": f"Combos {i}",
             "associated_events": [{"ticker": "KXSCN-1"}], **(later if i == 2 else dates)}
            for i in range(3)
        ],
    })  # fmt: skip
    listed = alice.walk("/multivariate_event_collections", "multivariate_contracts",
                        {"series_ticker": "KXMVESCN", "limit": 2})  # fmt: skip
    assert [c["collection_ticker"] for c in listed] == ["KXMVESCN-0", "KXMVESCN-1", "KXMVESCN-2"]
    assert listed[0]["associated_event_tickers"] == ["KXSCN-1"] and listed[0]["is_single_market_per_event"] is False
    unopened = alice.ok("/multivariate_event_collections", {"series_ticker": "KXMVESCN", "status": "unopened"})
    assert [c["collection_ticker"] for c in unopened["multivariate_contracts"]] == ["KXMVESCN-2"]
    advance(admin, HOUR)
    closed = alice.ok("/multivariate_event_collections", {"series_ticker": "KXMVESCN", "status": "closed"})
    assert [c["collection_ticker"] for c in closed["multivariate_contracts"]] == ["KXMVESCN-0", "KXMVESCN-1"]
    with pytest.raises(Exception, match="starts with KXMVE"):
        server.load({"multivariate_event_collections": [
            {"collection_ticker": "BAD", "series_ticker": "KXSCN", "title": "t", "associated_events": [{"ticker": "E"}],
             **dates}
        ]})  # fmt: skip
    admin.request("DELETE", "/multivariate_event_collections/KXMVESCN-0", expect=204)
    assert alice.error("/multivariate_event_collections/KXMVESCN-0", status=404)["code"] == "not_found"


@pytest.fixture(scope="module", params=BACKENDS)
def limited(request):
    """A server allowing two combo market creations per user and week."""
    running = start_server(new_database_url(request, request.param), load_demo=False, combo_creations_per_week=2)
    client = AdminClient(running.url, ADMIN_TOKEN)
    yield running, client
    client.close()
    running.stop()


def test_combo_market_creations_are_limited_per_user_and_week(limited):
    server, admin = limited
    w = world(admin)
    selections = [[leg(w["a"], market, side), leg(w["b"], "B1")] for market in ("A1", "A2") for side in ("yes", "no")]
    with rows.trader(server, admin) as alice, rows.trader(server, admin) as bob:
        made = [create(alice, w["collection"], legs)["market_ticker"] for legs in selections[:2]]
        advance(admin, 3600 - 60)  # the legs close in an hour
        refused = alice.error(
            f"/multivariate_event_collections/{w['collection']}",
            method="POST",
            json={"selected_markets": selections[2]},
            status=429,
        )
        assert refused["code"] == "too_many_requests" and "2 per week" in refused["message"]
        assert create(alice, w["collection"], selections[0])["market_ticker"] == made[0]  # it exists: free
        before = {m["ticker"] for m in alice.walk("/markets", "markets", {"mve_filter": "only"})}
        assert len(before) == 2  # the refused selection made no market
        assert create(bob, w["collection"], selections[2])["market_ticker"] not in made  # per user
        # A week after the first creation the window has room again, on the exchange clock.
        advance(admin, 7 * 24 * 3600 - (3600 - 60))
        later = world(admin)
        create(alice, later["collection"], [leg(later["a"], "A1"), leg(later["b"], "B1")])
        create(alice, later["collection"], [leg(later["a"], "A2"), leg(later["b"], "B1")])
        again = [leg(later["a"], "A1", "no"), leg(later["b"], "B1")]
        path = f"/multivariate_event_collections/{later['collection']}"
        assert (
            alice.error(path, method="POST", json={"selected_markets": again}, status=429)["code"]
            == "too_many_requests"
        )
