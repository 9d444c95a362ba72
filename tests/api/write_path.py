"""Fresh markets made through the admin API, and short helpers to place orders over HTTP,
so every write-path test trades on its own book with exact, known numbers."""

from __future__ import annotations

import itertools

from ..client import AdminClient, ApiClient

OPEN, CLOSE = "2020-01-01T00:00:00Z", "2031-01-01T00:00:00Z"
V2 = "/portfolio/events/orders"
V1 = "/portfolio/orders"
_markets = itertools.count(1)


def new_market(admin: AdminClient, fee_type: str = "quadratic", **market) -> str:
    """A new series, event and market (linear_cent, active unless `market` says otherwise); its ticker."""
    n = next(_markets)
    series, event, ticker = f"KXWP{n}", f"KXWP{n}-1", f"KXWP{n}-1-A"
    admin.request(
        "PUT", f"/series/{series}", {"title": f"Write path {n}", "category": "Economics", "fee_type": fee_type}
    )
    body = {"ticker": ticker, "open_time": OPEN, "close_time": CLOSE, **market}
    admin.request("PUT", f"/events/{event}", {"series_ticker": series, "title": f"Event {n}", "markets": [body]})
    return ticker


def place(api: ApiClient, ticker: str, side: str, count: str, price: str, expect: int = 201, **options) -> dict:
    """A V2 create (side bid/ask, YES price in dollars); the response body."""
    body = {"ticker": ticker, "side": side, "count": count, "price": price, **options}
    return api.request("POST", V2, json=body, expect=expect).json()


def refused(api: ApiClient, ticker: str, side: str, count: str, price: str, status: int = 400, **options) -> dict:
    """A V2 create that must fail; Kalshi's error body (checked by ApiClient.error)."""
    body = {"ticker": ticker, "side": side, "count": count, "price": price, **options}
    return api.error(V2, method="POST", json=body, status=status)


def balance(api: ApiClient) -> tuple[int, int]:
    """(balance, portfolio_value) in cents."""
    body = api.ok("/portfolio/balance")
    return body["balance"], body["portfolio_value"]


def position(api: ApiClient, ticker: str) -> dict | None:
    found = api.ok("/portfolio/positions", {"ticker": ticker})["market_positions"]
    return found[0] if found else None


def order(api: ApiClient, order_id: str) -> dict:
    return api.ok(f"{V1}/{order_id}")["order"]
