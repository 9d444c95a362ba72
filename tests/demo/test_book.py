"""The demo market maker's books: two-sided, on each market's grid, quoted as the markets
show them, and deep enough that the demo user's first marketable order fills."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest

from kalshi_local import demo
from kalshi_local.exchange.price_levels import is_tradable
from kalshi_local.models.inputs import price_raw

from ..client import ApiClient
from ..signing import Signer

SCENARIO = demo.scenario()
MARKETS = {market.ticker: market for event in SCENARIO.events for market in event.markets}
BOOKS: dict[str, list] = defaultdict(list)
for item in SCENARIO.orders:
    BOOKS[item.ticker].append(item)


def _best(levels: list[list[str]]) -> list[str] | None:
    return max(levels, key=lambda level: level[0]) if levels else None


def _booked_markets(api: ApiClient) -> dict[str, dict]:
    """The order books of the booked markets that are open now."""
    open_now = {m["ticker"] for m in api.walk("/markets", "markets", {"status": "open", "limit": 1000})}
    return {t: api.ok(f"/markets/{t}/orderbook")["orderbook_fp"] for t in BOOKS if t in open_now}


def test_every_book_has_3_to_5_levels_a_side_on_its_grid_at_its_quotes():
    # 2 where the quote is a cent from the grid's edge (a $0.98 ask has room for $0.99 only).
    assert len(BOOKS) >= 10
    for ticker, items in BOOKS.items():
        market = MARKETS[ticker]
        assert {item.user for item in items} == {demo.MARKET_MAKER}
        for side, quote in (("bid", market.yes_bid_dollars), ("ask", market.yes_ask_dollars)):
            prices = [price_raw(item.price) for item in items if item.side == side]
            edge = price_raw(quote) in (200, 9_800)
            assert (2 if edge else 3) <= len(prices) <= 5, ticker
            assert (max if side == "bid" else min)(prices) == price_raw(quote), ticker
            assert all(is_tradable(market.price_level_structure, p) for p in prices), ticker
        assert all(10 <= int(item.count) <= 500 for item in items), ticker


def test_the_market_maker_is_a_member_and_the_demo_user_can_pay():
    users = {user.name: user for user in SCENARIO.users}
    assert float(users[demo.MARKET_MAKER].balance) >= 100_000
    assert float(users[demo.USER_NAME].balance) >= 1_000


def test_open_demo_markets_have_two_sided_books_from_the_market_maker(demo_api):
    books = _booked_markets(demo_api)
    both = [t for t, book in books.items() if book["yes_dollars"] and book["no_dollars"]]
    assert len(both) >= 10
    assert set(both) == set(books)
    for ticker in both:
        book = books[ticker]
        assert 2 <= len(book["yes_dollars"]) <= 5 and 2 <= len(book["no_dollars"]) <= 5, ticker


def test_market_quotes_are_the_best_levels_of_the_book(demo_api):
    for ticker, book in _booked_markets(demo_api).items():
        market = demo_api.ok(f"/markets/{ticker}")["market"]
        bid, no_bid = _best(book["yes_dollars"]), _best(book["no_dollars"])
        assert (market["yes_bid_dollars"], market["yes_bid_size_fp"]) == (bid[0], bid[1]), ticker
        ask = f"{(10_000 - price_raw(no_bid[0])) / 10_000:.4f}"
        assert (market["yes_ask_dollars"], market["yes_ask_size_fp"]) == (ask, no_bid[1]), ticker


@pytest.fixture
def demo_user(server):
    with ApiClient(server.api, Signer(demo.KEY_ID, demo.private_key_pem())) as client:
        yield client


def test_the_demo_users_first_marketable_order_fills_against_the_book(demo_user):
    ticker = next(iter(_booked_markets(demo_user)))
    market = demo_user.ok(f"/markets/{ticker}")["market"]
    body = {"ticker": ticker, "side": "bid", "price": market["yes_ask_dollars"], "count": "5.00"}
    made = demo_user.request("POST", "/portfolio/events/orders", json=body, expect=201).json()
    assert (made["fill_count"], made["remaining_count"]) == ("5.00", "0.00")
    [fill] = demo_user.ok("/portfolio/fills", {"ticker": ticker})["fills"]
    assert (fill["yes_price_dollars"], fill["count_fp"], fill["is_taker"]) == (market["yes_ask_dollars"], "5.00", True)
    [position] = demo_user.ok("/portfolio/positions", {"ticker": ticker})["market_positions"]
    assert position["position_fp"] == "5.00"


def test_reset_brings_the_books_back(server, demo_user, admin):
    ticker = next(iter(_booked_markets(demo_user)))
    admin.request("DELETE", f"/markets/{ticker}/orders")
    assert demo_user.ok(f"/markets/{ticker}/orderbook")["orderbook_fp"] == {"yes_dollars": [], "no_dollars": []}
    admin.request("POST", "/reset")
    books = _booked_markets(demo_user)
    assert books[ticker]["yes_dollars"] and books[ticker]["no_dollars"]


def _cents(dollars: str) -> int:
    return int(Decimal(dollars) * 100)


@pytest.mark.parametrize("after", ["start", "reset"])
def test_the_demo_books_candles_show_the_book_and_later_candles_open_at_it(server, demo_user, admin, after):
    # Placed one side first, the book once made each market's first candle open at a $1 ask.
    if after == "reset":
        admin.request("POST", "/reset")
    markets = [demo_user.ok(f"/markets/{ticker}")["market"] for ticker in _booked_markets(demo_user)]
    market = next(m for m in markets if _cents(m["yes_ask_dollars"]) - _cents(m["yes_bid_dollars"]) >= 2)
    ticker = market["ticker"]
    series = demo_user.ok(f"/events/{market['event_ticker']}")["event"]["series_ticker"]
    now = admin.request("GET", "/clock")["now_us"] // 1_000_000
    path = f"/series/{series}/markets/{ticker}/candlesticks"

    def candle(period: int, end: int) -> dict:
        window = {"start_ts": end - period * 60 + 1, "end_ts": end, "period_interval": period}
        [found] = demo_user.ok(path, window)["candlesticks"]
        return found

    def quote(found: dict, side: str) -> list[str]:
        return [found[side][f"{name}_dollars"] for name in ("open", "low", "high", "close")]

    first = candle(1, -(-now // 60) * 60)  # the minute the book was placed in
    for side in ("yes_ask", "yes_bid"):
        assert quote(first, side) == [market[f"{side}_dollars"]] * 4, (side, first[side])
    # A minute later, an ask inside the spread: that minute opens at the book standing before it.
    admin.request("POST", "/clock", {"advance_seconds": 60})
    inside = f"{(_cents(market['yes_ask_dollars']) - 1) / 100:.4f}"  # a cent better than the best ask
    body = {"ticker": ticker, "side": "ask", "price": inside, "count": "1.00", "post_only": True}
    assert demo_user.request("POST", "/portfolio/events/orders", json=body, expect=201).json()["fill_count"] == "0.00"
    later = candle(1, -(-(now + 60) // 60) * 60)
    assert quote(later, "yes_ask") == [market["yes_ask_dollars"], inside, market["yes_ask_dollars"], inside]
