"""GET /markets/{ticker}/orderbook and /markets/orderbooks, aggregated from resting orders."""

from __future__ import annotations

import httpx
import pytest

from . import trading_fixtures as fixtures
from . import trading_rows as rows

admin = fixtures.admin
alice = fixtures.alice
public = fixtures.public
server = fixtures.server


@pytest.fixture(scope="module")
def ticker(server):
    from ..client import ApiClient

    with ApiClient(server.api) as client:
        return client.ok("/markets", {"limit": 1})["markets"][0]["ticker"]


def test_an_empty_book_has_empty_sides_never_null(public, ticker):
    empty = {"yes_dollars": [], "no_dollars": []}
    assert public.ok(f"/markets/{ticker}/orderbook") == {
        "orderbook_fp": empty,
        "orderbook": {"yes": [], "no": [], **empty},
    }


def test_bids_per_outcome_ascending_best_last_and_depth_keeps_the_best(server, public, alice, ticker):
    def rest(book_side, price, count, status="resting"):
        rows.order(
            server,
            alice.user_seq,
            ticker=ticker,
            book_side=book_side,
            price=price,
            remaining_count=count,
            status=status,
        )

    rest("bid", 4_200, 1_000)
    rest("bid", 4_200, 250)  # same level: summed
    rest("bid", 1_500, 300)
    rest("bid", 4_500, 500, status="canceled")  # not in the book
    rest("ask", 6_000, 400)  # a NO bid at 0.40
    rest("ask", 5_500, 700)  # a NO bid at 0.45
    book = public.ok(f"/markets/{ticker}/orderbook")
    assert book["orderbook_fp"] == {
        "yes_dollars": [["0.1500", "3.00"], ["0.4200", "12.50"]],
        "no_dollars": [["0.4000", "4.00"], ["0.4500", "7.00"]],
    }
    assert book["orderbook"]["yes"] == [[15, 3], [42, 12]]
    assert book["orderbook"]["no"] == [[40, 4], [45, 7]]
    assert public.ok(f"/markets/{ticker}/orderbook", {"depth": 1})["orderbook_fp"] == {
        "yes_dollars": [["0.4200", "12.50"]],
        "no_dollars": [["0.4500", "7.00"]],
    }
    many = public.ok("/markets/orderbooks", {"tickers": [ticker, "NO-SUCH"]})["orderbooks"]
    assert many == [
        {"ticker": ticker, "orderbook_fp": book["orderbook_fp"]},
        {"ticker": "NO-SUCH", "orderbook_fp": {"yes_dollars": [], "no_dollars": []}},
    ]


def test_unknown_market_is_404_and_a_depth_of_0_or_below_is_every_level(public, ticker):
    assert public.error("/markets/NO-SUCH/orderbook", status=404)["code"] == "not_found"
    everything = public.ok(f"/markets/{ticker}/orderbook")
    assert public.ok(f"/markets/{ticker}/orderbook", {"depth": -1}) == everything  # the SDKs' "all levels"
    assert public.ok(f"/markets/{ticker}/orderbook", {"depth": 100}) == everything  # fewer than 100 levels here


@pytest.mark.parametrize("depth", ["101", "100000000000"])
def test_a_depth_past_100_is_a_400(server, public, ticker, depth):
    # Raw HTTP: the spec bounds depth to 0..100 but declares no 400 for this operation.
    response = httpx.get(f"{server.api}/markets/{ticker}/orderbook", params={"depth": depth})
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_parameters"
    assert response.json()["message"] == f"depth must be at most 100, got {depth}"
    assert public.ok("/markets/orderbooks", {"tickers": ticker, "depth": depth})["orderbooks"]  # it takes no depth
    assert "tickers" in public.error("/markets/orderbooks")["message"]
