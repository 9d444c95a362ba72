"""Fixed paths win over templates, and every operation of the spec is answered.

Every operation of openapi.yaml has a route of its own (a test walks the spec), so
`/markets/trades` never lands in `/markets/{ticker}`. Paths that are not in the spec stay 404.
"""

from __future__ import annotations

import re
from importlib import resources

import httpx
import pytest

from kalshi_local.api import served_routes
from kalshi_local.scenario import loader

from .. import spec
from ..client import assert_error_body

METHODS = ("get", "put", "post", "delete", "patch")
SPEC_OPERATIONS = sorted(
    (method.upper(), path) for path, item in spec.spec()["paths"].items() for method in item if method in METHODS
)


def served_operations() -> set[tuple[str, str]]:
    """(METHOD, path template) of every route kalshi-local serves, without the 501 stand-ins."""
    return {(method, route.path) for route in served_routes() for method in route.methods or () if method != "HEAD"}


def _demo():
    text = resources.files("kalshi_local.demo").joinpath("catalog.yaml").read_text(encoding="utf-8")
    return loader.parse_text(text, "demo/catalog.yaml")


DEMO = _demo()
MARKET = DEMO.events[0].markets[0].ticker
EVENT = DEMO.events[0].event_ticker


def concrete(template: str) -> str:
    """The template with each parameter filled in by a made-up value."""
    return re.sub(r"\{[^}]+\}", "SOME-ID", template)


def test_every_operation_of_the_spec_is_served():
    missing = sorted(set(SPEC_OPERATIONS) - served_operations())
    assert not missing, f"operations of openapi.yaml without a route: {missing}"
    assert len(SPEC_OPERATIONS) == 98


@pytest.mark.parametrize(("method", "template"), SPEC_OPERATIONS, ids=[f"{m} {t}" for m, t in SPEC_OPERATIONS])
def test_no_operation_answers_not_implemented(demo_server, method, template):
    response = httpx.request(method, demo_server.api + concrete(template), timeout=10)
    assert response.status_code != 501, response.text


def test_a_fixed_markets_path_is_not_read_as_a_ticker(demo_api):
    body = demo_api.error("/markets/candlesticks")  # the batch, not a market named "candlesticks"
    assert body["code"] == "missing_parameters" and "market_tickers" in body["message"], body
    assert demo_api.ok("/markets/trades")["cursor"] == ""
    assert "tickers" in demo_api.error("/markets/orderbooks")["message"]


def test_a_wrong_method_on_a_path_not_served_is_a_405_naming_its_methods(demo_server):
    response = httpx.post(demo_server.api + "/markets/trades", timeout=10)
    assert response.status_code == 405, response.text
    assert "GET" in response.headers.get("allow", "")


# Real template routes next to fixed ones still reach their own handler.
def test_a_market_ticker_still_reaches_the_market_route(demo_api):
    assert demo_api.ok(f"/markets/{MARKET}")["market"]["ticker"] == MARKET


def test_an_unknown_market_ticker_is_still_a_404(demo_api):
    body = demo_api.error("/markets/NO-SUCH-MARKET", status=404)
    assert body["code"] == "not_found" and "NO-SUCH-MARKET" in body["message"]


def test_multivariate_events_and_an_event_ticker_reach_their_own_routes(demo_api):
    assert "events" in demo_api.ok("/events/multivariate")
    assert demo_api.ok(f"/events/{EVENT}")["event"]["event_ticker"] == EVENT
    assert demo_api.ok(f"/events/{EVENT}/metadata") is not None


def test_a_market_orderbook_reaches_its_own_route(demo_api):
    assert demo_api.ok(f"/markets/{MARKET}/orderbook")["orderbook_fp"] == {"yes_dollars": [], "no_dollars": []}


@pytest.mark.parametrize(
    "path",
    ["/events/SOME-EVENT/candlesticks", "/markets/trades/extra", "/portfolio/nothing", "/historical"],
)
def test_a_path_outside_the_spec_stays_a_404(demo_server, path):
    response = httpx.get(demo_server.api + path, timeout=10)
    assert response.status_code == 404, response.text
    body = response.json()
    assert_error_body(body)
    assert body["code"] == "not_found"
