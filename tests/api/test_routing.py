"""Fixed paths win over templates, and every operation of the spec is answered.

An operation of openapi.yaml that kalshi-local does not serve yet answers 501
`not_implemented` in the error shape, so `/markets/trades` never lands in
`/markets/{ticker}`. Paths that are not in the spec stay 404.
"""

from __future__ import annotations

import re
from importlib import resources

import httpx
import pytest

from kalshi_local.scenario import loader

from .. import spec
from ..client import assert_error_body

# The operations README.md lists under "What is served"; every other one is a 501.
SERVED = {
    ("GET", "/exchange/status"),
    ("GET", "/exchange/schedule"),
    ("GET", "/exchange/announcements"),
    ("GET", "/exchange/user_data_timestamp"),
    ("GET", "/series/fee_changes"),
    ("GET", "/series"),
    ("GET", "/series/{series_ticker}"),
    ("GET", "/events"),
    ("GET", "/events/{event_ticker}"),
    ("GET", "/events/{event_ticker}/metadata"),
    ("GET", "/events/multivariate"),
    ("GET", "/markets"),
    ("GET", "/markets/{ticker}"),
    ("GET", "/milestones"),
    ("GET", "/milestones/{milestone_id}"),
    ("GET", "/structured_targets"),
    ("GET", "/structured_targets/{structured_target_id}"),
    ("GET", "/live_data/milestone/{milestone_id}"),
    ("GET", "/live_data/{type}/milestone/{milestone_id}"),
    ("GET", "/live_data/batch"),
    ("GET", "/live_data/milestone/{milestone_id}/game_stats"),
    ("GET", "/search/tags_by_categories"),
    ("GET", "/search/filters_by_sport"),
    ("GET", "/incentive_programs"),
    ("GET", "/account/limits"),
    ("GET", "/account/endpoint_costs"),
    ("GET", "/api_keys"),
    ("POST", "/api_keys"),
    ("POST", "/api_keys/generate"),
    ("DELETE", "/api_keys/{api_key}"),
    ("GET", "/portfolio/balance"),
    ("GET", "/portfolio/deposits"),
    ("GET", "/portfolio/withdrawals"),
    ("GET", "/portfolio/settlements"),
    # trading (issue 8)
    ("POST", "/portfolio/events/orders"),
    ("DELETE", "/portfolio/events/orders/{order_id}"),
    ("POST", "/portfolio/events/orders/{order_id}/amend"),
    ("POST", "/portfolio/events/orders/{order_id}/decrease"),
    ("POST", "/portfolio/events/orders/batched"),
    ("DELETE", "/portfolio/events/orders/batched"),
    ("POST", "/portfolio/orders"),
    ("GET", "/portfolio/orders"),
    ("GET", "/portfolio/orders/{order_id}"),
    ("DELETE", "/portfolio/orders/{order_id}"),
    ("POST", "/portfolio/orders/{order_id}/amend"),
    ("POST", "/portfolio/orders/{order_id}/decrease"),
    ("POST", "/portfolio/orders/batched"),
    ("DELETE", "/portfolio/orders/batched"),
    ("GET", "/portfolio/orders/queue_positions"),
    ("GET", "/portfolio/orders/{order_id}/queue_position"),
    ("GET", "/portfolio/summary/total_resting_order_value"),
    ("GET", "/portfolio/fills"),
    ("GET", "/portfolio/positions"),
    ("GET", "/markets/{ticker}/orderbook"),
    ("GET", "/markets/orderbooks"),
    ("GET", "/markets/trades"),
    # candlesticks (issue 9)
    ("GET", "/series/{series_ticker}/markets/{ticker}/candlesticks"),
    ("GET", "/markets/candlesticks"),
    ("GET", "/series/{series_ticker}/events/{ticker}/candlesticks"),
    ("GET", "/series/{series_ticker}/events/{ticker}/forecast_percentile_history"),
    # the historical tier (issue 9)
    ("GET", "/historical/cutoff"),
    ("GET", "/historical/markets"),
    ("GET", "/historical/markets/{ticker}"),
    ("GET", "/historical/markets/{ticker}/candlesticks"),
    ("GET", "/historical/trades"),
    ("GET", "/historical/fills"),
    ("GET", "/historical/orders"),
    # subaccounts (issue 11)
    ("POST", "/portfolio/subaccounts"),
    ("GET", "/portfolio/subaccounts/balances"),
    ("GET", "/portfolio/subaccounts/netting"),
    ("PUT", "/portfolio/subaccounts/netting"),
    ("POST", "/portfolio/subaccounts/transfer"),
    ("GET", "/portfolio/subaccounts/transfers"),
    # order groups (issue 11)
    ("GET", "/portfolio/order_groups"),
    ("POST", "/portfolio/order_groups/create"),
    ("GET", "/portfolio/order_groups/{order_group_id}"),
    ("DELETE", "/portfolio/order_groups/{order_group_id}"),
    ("PUT", "/portfolio/order_groups/{order_group_id}/limit"),
    ("PUT", "/portfolio/order_groups/{order_group_id}/reset"),
    ("PUT", "/portfolio/order_groups/{order_group_id}/trigger"),
    # FCM views (issue 11)
    ("GET", "/fcm/orders"),
    ("GET", "/fcm/positions"),
    ("GET", "/multivariate_event_collections"),
    ("GET", "/multivariate_event_collections/{collection_ticker}"),
    ("POST", "/multivariate_event_collections/{collection_ticker}"),
    ("GET", "/multivariate_event_collections/{collection_ticker}/lookup"),
    ("PUT", "/multivariate_event_collections/{collection_ticker}/lookup"),
    # RFQs and quotes (issue 11)
    ("GET", "/communications/id"),
    ("GET", "/communications/rfqs"),
    ("POST", "/communications/rfqs"),
    ("GET", "/communications/rfqs/{rfq_id}"),
    ("DELETE", "/communications/rfqs/{rfq_id}"),
    ("GET", "/communications/quotes"),
    ("POST", "/communications/quotes"),
    ("GET", "/communications/quotes/{quote_id}"),
    ("DELETE", "/communications/quotes/{quote_id}"),
    ("PUT", "/communications/quotes/{quote_id}/accept"),
    ("PUT", "/communications/quotes/{quote_id}/confirm"),
}

METHODS = ("get", "put", "post", "delete", "patch")
SPEC_OPERATIONS = sorted(
    (method.upper(), path) for path, item in spec.spec()["paths"].items() for method in item if method in METHODS
)
NOT_SERVED = [op for op in SPEC_OPERATIONS if op not in SERVED]


def _demo():
    text = resources.files("kalshi_local.demo").joinpath("catalog.yaml").read_text(encoding="utf-8")
    return loader.parse_text(text, "demo/catalog.yaml")


DEMO = _demo()
MARKET = DEMO.events[0].markets[0].ticker
EVENT = DEMO.events[0].event_ticker


def concrete(template: str) -> str:
    """The template with each parameter filled in by a made-up value."""
    return re.sub(r"\{[^}]+\}", "SOME-ID", template)


def test_the_served_table_is_part_of_the_spec():
    assert SERVED <= set(SPEC_OPERATIONS)
    assert NOT_SERVED, "everything is served: this test's 501 cases have nothing left to check"


@pytest.mark.parametrize(("method", "template"), NOT_SERVED, ids=[f"{m} {t}" for m, t in NOT_SERVED])
def test_an_operation_not_served_yet_is_a_501_that_names_it(demo_api, method, template):
    response = demo_api.request(method, concrete(template), expect=501)
    body = response.json()
    assert_error_body(body)
    assert body["code"] == "not_implemented"
    assert body["message"] == f"{method} {template} is part of the Trade API but kalshi-local does not serve it yet"


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
