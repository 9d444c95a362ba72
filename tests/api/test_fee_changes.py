"""Scheduled series fee changes through a real server on the manual clock: the series shows the
new fee_type and fee_multiplier from the scheduled time on (GET /series/{ticker}, GET /series), and
trades pay the new fee from then on while earlier fills keep theirs, to $0.0001; a change already
past when written (admin API or scenario) applies at once; and a restart keeps it, or applies one
whose time passed while no server ran."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest

from kalshi_local.exchange.clock import MICROS, to_rfc3339
from kalshi_local.models.inputs import FeeChangeIn
from kalshi_local.scenario import loader
from kalshi_local.store import db
from kalshi_local.store import exchange as exchange_store

from ..client import AdminClient, ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer
from .trading_rows import PRIVATE, PUBLIC
from .write_path import CLOSE, OPEN, new_market, place

_names = itertools.count(1)
# 200 contracts at $0.50: the taker's fee is 0.07 x 200 x 0.25 x multiplier, whole cents for x1 and x0.5,
# so no rounding fee or rebate moves it.
FULL_FEE, HALF_FEE = "3.5000", "1.7500"


@pytest.fixture(scope="module", params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param), load_demo=False)
    yield running
    running.stop()


@pytest.fixture
def admin(server):
    client = AdminClient(server.url, ADMIN_TOKEN)
    yield client
    client.close()


@pytest.fixture
def api(server):
    with ApiClient(server.api) as client:
        yield client


def member(server, admin) -> ApiClient:
    name = f"fees-{next(_names)}"
    keys = [{"id": f"{name}-key", "public_key": PUBLIC}]
    admin.request("PUT", f"/users/{name}", {"balance": "1000.00", "api_keys": keys})
    return ApiClient(server.api, Signer(f"{name}-key", PRIVATE))


def now(admin) -> int:
    return admin.request("GET", "/clock")["now_us"]


def advance(admin, seconds: int) -> None:
    admin.request("POST", "/clock", {"advance_seconds": seconds})


def series_of(ticker: str) -> str:
    return ticker.split("-", 1)[0]


def schedule(admin, change_id: str, series: str, at_us: int, multiplier: float = 0.5, fee_type: str = "quadratic"):
    body = {"series_ticker": series, "fee_type": fee_type, "fee_multiplier": multiplier}
    body["scheduled_time"] = to_rfc3339(at_us)
    admin.request("PUT", f"/fee_changes/{change_id}", body)


def taker_fee(server, admin, ticker: str, takers: list[ApiClient] | None = None) -> str:
    """The taker's fee_cost of a new match of 200 contracts at $0.50 between two new members
    (the taker's client kept in `takers` when given, to read its fill again later)."""
    maker, taker = member(server, admin), member(server, admin)
    try:
        place(maker, ticker, "ask", "200.00", "0.5000")
        place(taker, ticker, "bid", "200.00", "0.5000")
        return fill_fee(taker, ticker)
    finally:
        maker.close()
        if takers is None:
            taker.close()
        else:
            takers.append(taker)


def fill_fee(taker: ApiClient, ticker: str) -> str:
    fills = taker.ok("/portfolio/fills", {"ticker": ticker})["fills"]
    assert len(fills) == 1 and fills[0]["is_taker"]
    return fills[0]["fee_cost"]


def fee_of(api: ApiClient, series: str) -> tuple[str, float]:
    shown = api.ok(f"/series/{series}")["series"]
    listed = {s["ticker"]: s for s in api.ok("/series")["series"]}[series]
    assert (listed["fee_type"], listed["fee_multiplier"]) == (shown["fee_type"], shown["fee_multiplier"])
    return shown["fee_type"], shown["fee_multiplier"]


def test_a_change_takes_effect_when_the_clock_reaches_it(server, admin, api):
    ticker = new_market(admin)
    series = series_of(ticker)
    at = now(admin) + 60 * MICROS
    schedule(admin, f"fc-{series}", series, at)
    assert [c["id"] for c in api.ok("/series/fee_changes", {"series_ticker": series})["series_fee_change_arr"]] == [
        f"fc-{series}"
    ]
    takers: list[ApiClient] = []
    assert fee_of(api, series) == ("quadratic", 1)
    assert taker_fee(server, admin, ticker, takers) == FULL_FEE

    advance(admin, 59)
    assert fee_of(api, series) == ("quadratic", 1)
    assert taker_fee(server, admin, ticker, takers) == FULL_FEE

    advance(admin, 1)  # the scheduled instant
    assert fee_of(api, series) == ("quadratic", 0.5)
    assert api.ok(f"/series/{series}")["series"]["last_updated_ts"] == to_rfc3339(at)
    assert [s["ticker"] for s in api.ok("/series", {"min_updated_ts": at // MICROS - 1})["series"]] == [series]
    assert taker_fee(server, admin, ticker) == HALF_FEE
    assert [fill_fee(taker, ticker) for taker in takers] == [FULL_FEE, FULL_FEE]  # earlier fills keep their fee
    for taker in takers:
        taker.close()


def test_a_change_to_maker_fees_charges_the_maker_too(server, admin, api):
    ticker = new_market(admin)
    series = series_of(ticker)
    at = now(admin) + 10 * MICROS
    schedule(admin, f"fc-{series}", series, at, multiplier=2, fee_type="quadratic_with_maker_fees")
    advance(admin, 10)
    assert fee_of(api, series) == ("quadratic_with_maker_fees", 2)
    maker, taker = member(server, admin), member(server, admin)
    place(maker, ticker, "ask", "200.00", "0.5000")
    place(taker, ticker, "bid", "200.00", "0.5000")
    assert [f["fee_cost"] for f in taker.ok("/portfolio/fills")["fills"]] == ["7.0000"]
    assert [f["fee_cost"] for f in maker.ok("/portfolio/fills")["fills"]] == ["1.7500"]  # 0.0175 x 200 x 0.25 x 2
    maker.close()
    taker.close()


def test_a_change_already_past_when_written_applies_at_once(server, admin, api):
    ticker = new_market(admin)
    series = series_of(ticker)
    schedule(admin, f"fc-{series}", series, now(admin) - 60 * MICROS)
    assert fee_of(api, series) == ("quadratic", 0.5)
    assert taker_fee(server, admin, ticker) == HALF_FEE


def test_an_event_fee_override_keeps_precedence_over_a_series_change(server, admin, api):
    ticker = new_market(admin)
    series, event = series_of(ticker), ticker.rsplit("-", 1)[0]
    body = {"series_ticker": series, "title": "Pinned", "fee_type_override": "quadratic", "fee_multiplier_override": 1}
    admin.request("PUT", f"/events/{event}", body)
    schedule(admin, f"fc-{series}", series, now(admin) + MICROS)
    advance(admin, 1)
    assert fee_of(api, series) == ("quadratic", 0.5)
    assert taker_fee(server, admin, ticker) == FULL_FEE


def test_a_deleted_change_never_takes_effect(server, admin, api):
    ticker = new_market(admin)
    series = series_of(ticker)
    schedule(admin, f"fc-{series}", series, now(admin) + MICROS)
    admin.request("DELETE", f"/fee_changes/fc-{series}", expect=204)
    advance(admin, 1)
    assert fee_of(api, series) == ("quadratic", 1)
    assert taker_fee(server, admin, ticker) == FULL_FEE


def test_a_scenario_fee_changes_section_behaves_the_same(server, admin, api):
    n = next(_names)
    at = now(admin)
    scenario = {
        "series": [
            {"ticker": f"KXFCSA{n}", "title": "Scheduled", "category": "Economics"},
            {"ticker": f"KXFCSB{n}", "title": "Past", "category": "Economics"},
        ],
        "events": [
            {"event_ticker": f"KXFCS{x}{n}-1", "series_ticker": f"KXFCS{x}{n}", "title": "Event", "markets": [
                {"ticker": f"KXFCS{x}{n}-1-A", "open_time": OPEN, "close_time": CLOSE,
                 "price_level_structure": "linear_cent"},
            ]}
            for x in "AB"
        ],
        "fee_changes": [
            {"id": f"fc-s-a{n}", "series_ticker": f"KXFCSA{n}", "fee_type": "quadratic", "fee_multiplier": 0.5,
             "scheduled_time": to_rfc3339(at + 30 * MICROS)},
            {"id": f"fc-s-b{n}", "series_ticker": f"KXFCSB{n}", "fee_type": "quadratic", "fee_multiplier": 0.5,
             "scheduled_time": to_rfc3339(at - 30 * MICROS)},
        ],
    }  # fmt: skip
    admin.request("POST", "/scenario", scenario)
    assert fee_of(api, f"KXFCSB{n}") == ("quadratic", 0.5)  # past: at once
    assert taker_fee(server, admin, f"KXFCSB{n}-1-A") == HALF_FEE
    assert fee_of(api, f"KXFCSA{n}") == ("quadratic", 1)
    assert taker_fee(server, admin, f"KXFCSA{n}-1-A") == FULL_FEE
    advance(admin, 30)
    assert fee_of(api, f"KXFCSA{n}") == ("quadratic", 0.5)
    assert taker_fee(server, admin, f"KXFCSA{n}-1-A") == HALF_FEE


def test_a_change_another_process_writes_takes_effect_when_the_clock_reaches_it(server, admin, api):
    ticker = new_market(admin)
    series = series_of(ticker)
    change = {"id": f"fc-{series}", "series_ticker": series, "fee_type": "quadratic", "fee_multiplier": 0.5,
              "scheduled_time": to_rfc3339(now(admin) + 5 * MICROS)}  # fmt: skip
    # As `kalshi-local load` does it: straight into the store, the server not told.
    parsed = loader.parse_data({"fee_changes": [change]}, "cli")
    loader.apply(server.services.engine, parsed, server.services.clock.now_us(), "cli")
    advance(admin, 5)
    assert fee_of(api, series) == ("quadratic", 0.5)
    assert taker_fee(server, admin, ticker) == HALF_FEE


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_restart_keeps_an_applied_change_and_applies_one_that_fell_due_meanwhile(request, backend):
    url = new_database_url(request, backend)
    takers: list[ApiClient] = []
    first = start_server(url, load_demo=False)
    admin = AdminClient(first.url, ADMIN_TOKEN)
    try:
        applied = new_market(admin)
        waiting = new_market(admin)
        start = now(admin)
        schedule(admin, "fc-applied", series_of(applied), start + 60 * MICROS)
        assert taker_fee(first, admin, applied, takers) == FULL_FEE
        advance(admin, 120)
        assert taker_fee(first, admin, applied, takers) == HALF_FEE
        stopped_at = now(admin)
    finally:
        admin.close()
        first.stop()
    # Written while no server runs and left pending, as in a store from before changes were applied.
    engine = db.open_engine(url)
    try:
        with db.writing(engine) as conn:
            spec = FeeChangeIn(
                id="fc-waiting", series_ticker=series_of(waiting), fee_type="quadratic",
                fee_multiplier=Decimal("0.5"), scheduled_time=to_rfc3339(stopped_at - MICROS),
            )  # fmt: skip
            exchange_store.upsert_fee_change(conn, spec, now_us=0)
    finally:
        engine.dispose()
    second = start_server(url, load_demo=False)
    admin = AdminClient(second.url, ADMIN_TOKEN)
    try:
        with ApiClient(second.api) as api:
            assert now(admin) == stopped_at
            assert fee_of(api, series_of(applied)) == ("quadratic", 0.5)
            assert fee_of(api, series_of(waiting)) == ("quadratic", 0.5)
        assert taker_fee(second, admin, applied) == HALF_FEE
        assert taker_fee(second, admin, waiting) == HALF_FEE
        for taker in takers:  # fills before the change keep their fee across the restart
            with ApiClient(second.api, taker.signer) as again:
                assert fill_fee(again, applied) == (FULL_FEE if taker is takers[0] else HALF_FEE)
    finally:
        for taker in takers:
            taker.close()
        admin.close()
        second.stop()
