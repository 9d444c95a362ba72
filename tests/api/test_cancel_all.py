"""DELETE /portfolio/events/orders (kalshi-typescript's cancelAllOrders, newer than our spec):
every resting order of the caller is cancelled, and no one else's."""

from __future__ import annotations

from . import trading_fixtures as fixtures
from . import trading_rows as rows
from .write_path import V2, balance, new_market, place

server = fixtures.server
admin = fixtures.admin


def _cancel_all(api, query: str = "") -> dict:
    path = api._http.base_url.path.rstrip("/") + V2
    headers = api.signer.headers("DELETE", path)
    response = api._http.request("DELETE", V2 + query, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_cancel_all_cancels_only_the_callers_resting_orders(server, admin):
    ticker = new_market(admin)
    with rows.trader(server, admin) as alice, rows.trader(server, admin) as bob:
        before = balance(alice)
        place(alice, ticker, "bid", "2", "0.30")
        place(alice, ticker, "ask", "1", "0.70")
        kept = place(bob, ticker, "bid", "1", "0.20")
        assert _cancel_all(alice) == {"canceled_count": 2}
        assert alice.ok("/portfolio/orders", {"status": "resting"})["orders"] == []
        assert [o["order_id"] for o in bob.ok("/portfolio/orders", {"status": "resting"})["orders"]] == [
            kept["order_id"]
        ]
        assert balance(alice) == before  # the collateral came back
        assert _cancel_all(alice, "?subaccount=0") == {"canceled_count": 0}
