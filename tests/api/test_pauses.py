"""Exchange pauses through a real server (getting_started/maintenance_and_pauses.md): per pause
kind (an admin trading pause, an admin exchange pause, a maintenance window and the documented
Thursday schedule on the manual clock), which order operations are refused with which code, that
cancel_order_on_pause orders are cancelled when the pause begins with their collateral returned,
and the estimated resume time; then the same through the official kalshi-python-sync."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import kalshi_python_sync
import pytest

from kalshi_local.exchange.clock import MICROS, to_rfc3339

from ..client import AdminClient, ApiClient, assert_error_body
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer
from .trading_rows import PRIVATE, PUBLIC
from .write_path import V1, V2, balance, new_market, order, place, refused

EASTERN = ZoneInfo("America/New_York")
ALL_DAY = [{"open_time": "00:00", "close_time": "24:00"}]
# The documented weekly maintenance: Thursday 3:00-5:00 AM ET is a trading pause (README).
THURSDAY_MAINTENANCE = {
    "start_time": "2000-01-01T00:00:00Z",
    "end_time": "9999-01-01T00:00:00Z",
    **{day: ALL_DAY for day in ("monday", "tuesday", "wednesday", "friday", "saturday", "sunday")},
    "thursday": [{"open_time": "00:00", "close_time": "03:00"}, {"open_time": "05:00", "close_time": "24:00"}],
}
_names = itertools.count(1)


@pytest.fixture(scope="module", params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param), load_demo=False)
    yield running
    running.stop()


@pytest.fixture
def admin(server):
    client = AdminClient(server.url, ADMIN_TOKEN)
    yield client
    client.request("PUT", "/exchange", {})  # open again for the next test
    client.close()


def member(server, admin) -> tuple[str, ApiClient]:
    name = f"pause-{next(_names)}"
    keys = [{"id": f"{name}-key", "public_key": PUBLIC}]
    admin.request("PUT", f"/users/{name}", {"balance": "100.00", "api_keys": keys})
    return name, ApiClient(server.api, Signer(f"{name}-key", PRIVATE))


def now(admin) -> int:
    return admin.request("GET", "/clock")["now_us"]


def status(api: ApiClient) -> dict:
    return api.ok("/exchange/status")


def rest_two(api: ApiClient, ticker: str) -> tuple[str, str, int]:
    """A resting bid that stays through a pause and one with cancel_order_on_pause; their ids and
    the balance with only the first one resting (in cents)."""
    kept = place(api, ticker, "bid", "5.00", "0.3000")["order_id"]
    kept_only = balance(api)[0]
    flagged = place(api, ticker, "bid", "4.00", "0.2000", cancel_order_on_pause=True)["order_id"]
    assert balance(api)[0] < kept_only  # the flagged order locks collateral too
    return kept, flagged, kept_only


def amend(api: ApiClient, order_id: str, ticker: str, expect: int) -> dict:
    body = {"ticker": ticker, "side": "bid", "price": "0.3100", "count": "5.00"}
    return api.request("POST", f"{V2}/{order_id}/amend", json=body, expect=expect).json()


def decrease(api: ApiClient, order_id: str, expect: int) -> dict:
    return api.request("POST", f"{V1}/{order_id}/decrease", json={"reduce_by": 1}, expect=expect).json()


def cancel(api: ApiClient, order_id: str, expect: int) -> dict:
    return api.request("DELETE", f"{V1}/{order_id}", expect=expect).json()


def refused_cancel(server, api: ApiClient, order_id: str) -> dict:
    """A cancel the exchange pause refuses. Sent around the spec check: the spec declares no 400
    for DELETE /portfolio/orders/{order_id}, but the docs refuse cancels in an exchange pause."""
    url = httpx.URL(f"{server.api}{V1}/{order_id}")
    assert api.signer is not None
    response = httpx.delete(url, headers=api.signer.headers("DELETE", url.path), timeout=30)
    assert response.status_code == 400, response.text
    body = response.json()
    assert_error_body(body)
    return body


def check_trading_pause(api: ApiClient, ticker: str, kept: str, flagged: str, kept_only: int) -> None:
    """Inside a trading pause: the flagged order is cancelled and its collateral back; placing and
    amending are refused with trading_paused; decreasing and cancelling work."""
    assert order(api, flagged)["status"] == "canceled"
    assert order(api, kept)["status"] == "resting"
    assert balance(api)[0] == kept_only
    assert refused(api, ticker, "bid", "1.00", "0.1000")["code"] == "trading_paused"
    assert amend(api, kept, ticker, 400)["code"] == "trading_paused"
    assert order(api, kept)["yes_price_dollars"] == "0.3000"
    assert decrease(api, kept, 200)["order"]["remaining_count_fp"] == "4.00"
    assert cancel(api, kept, 200)["order"]["status"] == "canceled"
    assert balance(api)[0] == 10_000


def test_a_trading_pause_refuses_placing_and_amending_and_cancels_flagged_orders(server, admin):
    ticker = new_market(admin)
    _, api = member(server, admin)
    kept, flagged, kept_only = rest_two(api, ticker)
    admin.request("PUT", "/exchange", {"trading_active": False})
    assert status(api) == {"exchange_active": True, "trading_active": False}
    check_trading_pause(api, ticker, kept, flagged, kept_only)
    admin.request("PUT", "/exchange", {})
    assert status(api) == {"exchange_active": True, "trading_active": True}
    place(api, ticker, "bid", "1.00", "0.1000")  # trading again
    api.close()


def test_an_exchange_pause_refuses_every_order_operation(server, admin):
    ticker = new_market(admin)
    _, api = member(server, admin)
    kept, flagged, kept_only = rest_two(api, ticker)
    resume = to_rfc3339(now(admin) + 3600 * MICROS)
    admin.request("PUT", "/exchange", {"exchange_active": False, "exchange_estimated_resume_time": resume})
    assert status(api) == {"exchange_active": False, "trading_active": False, "exchange_estimated_resume_time": resume}
    assert order(api, flagged)["status"] == "canceled"
    assert balance(api)[0] == kept_only
    assert refused(api, ticker, "bid", "1.00", "0.1000")["code"] == "exchange_paused"
    assert amend(api, kept, ticker, 400)["code"] == "exchange_paused"
    assert decrease(api, kept, 400)["code"] == "exchange_paused"
    assert refused_cancel(server, api, kept)["code"] == "exchange_paused"
    assert order(api, kept)["remaining_count_fp"] == "5.00"  # nothing changed
    admin.request("PUT", "/exchange", {})
    assert cancel(api, kept, 200)["order"]["status"] == "canceled"
    assert balance(api)[0] == 10_000
    api.close()


def test_a_pause_beginning_later_cancels_only_orders_resting_then(server, admin):
    """Switching a pause off and on again: an order placed between the two pauses with the
    flag is cancelled by the second; the switch staying on cancels nothing more."""
    ticker = new_market(admin)
    _, api = member(server, admin)
    admin.request("PUT", "/exchange", {"trading_active": False})
    admin.request("PUT", "/exchange", {})
    flagged = place(api, ticker, "bid", "1.00", "0.2000", cancel_order_on_pause=True)["order_id"]
    admin.request("PUT", "/exchange", {"trading_active": False})
    assert order(api, flagged)["status"] == "canceled"
    admin.request("PUT", "/exchange", {"trading_active": False, "exchange_active": False})
    assert refused(api, ticker, "bid", "1.00", "0.1000")["code"] == "exchange_paused"
    api.close()


def test_a_maintenance_window_on_the_manual_clock(server, admin):
    ticker = new_market(admin)
    _, api = member(server, admin)
    start = now(admin) + 3600 * MICROS
    window = {"start_datetime": to_rfc3339(start), "end_datetime": to_rfc3339(start + 7200 * MICROS)}
    admin.request("PUT", "/exchange", {"maintenance_windows": [window]})
    kept, flagged, kept_only = rest_two(api, ticker)
    admin.request("POST", "/clock", {"advance_seconds": 3599})
    assert order(api, flagged)["status"] == "resting"  # not yet
    admin.request("POST", "/clock", {"advance_seconds": 1})  # the window starts: the clock cancels it
    assert order(api, flagged)["status"] == "canceled"
    assert status(api) == {
        "exchange_active": True,
        "trading_active": False,
        "exchange_estimated_resume_time": window["end_datetime"],
    }
    check_trading_pause(api, ticker, kept, flagged, kept_only)
    admin.request("POST", "/clock", {"advance_seconds": 7200})  # the window ends
    assert status(api) == {"exchange_active": True, "trading_active": True}
    place(api, ticker, "bid", "1.00", "0.1000")
    api.close()


def test_the_thursday_maintenance_schedule_on_the_manual_clock(server, admin):
    ticker = new_market(admin)
    _, api = member(server, admin)
    local = datetime.fromtimestamp(now(admin) // MICROS, EASTERN) + timedelta(days=1)
    while local.weekday() != 3:  # the next Thursday, at least a day ahead
        local += timedelta(days=1)
    before = datetime(local.year, local.month, local.day, 2, 59, tzinfo=EASTERN)
    admin.request("POST", "/clock", {"set": to_rfc3339(int(before.timestamp()) * MICROS)})
    admin.request("PUT", "/exchange", {"standard_hours": [THURSDAY_MAINTENANCE]})
    kept, flagged, kept_only = rest_two(api, ticker)
    admin.request("POST", "/clock", {"advance_seconds": 60})  # 03:00 ET
    resume = to_rfc3339(int(before.replace(hour=5, minute=0).timestamp()) * MICROS)
    assert status(api) == {"exchange_active": True, "trading_active": False, "exchange_estimated_resume_time": resume}
    check_trading_pause(api, ticker, kept, flagged, kept_only)
    admin.request("POST", "/clock", {"advance_seconds": 7200})  # 05:00 ET
    assert status(api) == {"exchange_active": True, "trading_active": True}
    place(api, ticker, "bid", "1.00", "0.1000")
    api.close()


def test_the_python_sdk_sees_a_trading_pause(server, admin):
    ticker = new_market(admin)
    name, api = member(server, admin)
    config = kalshi_python_sync.Configuration(host=server.api)
    config.api_key_id, config.private_key_pem = f"{name}-key", PRIVATE
    client = kalshi_python_sync.KalshiClient(config)
    kept = client.create_order(ticker=ticker, side="yes", action="buy", count=2, yes_price=30).order.order_id
    flagged = client.create_order(
        ticker=ticker, side="yes", action="buy", count=3, yes_price=20, cancel_order_on_pause=True
    ).order.order_id
    admin.request("PUT", "/exchange", {"trading_active": False})
    shown = client.get_exchange_status()
    assert (shown.exchange_active, shown.trading_active) == (True, False)
    assert client.get_order(flagged).order.status == "canceled"
    with pytest.raises(kalshi_python_sync.ApiException) as caught:
        client.create_order(ticker=ticker, side="yes", action="buy", count=1, yes_price=10)
    assert caught.value.status == 400 and "trading_paused" in str(caught.value.body)
    assert client.cancel_order(kept).order.status == "canceled"
    assert client.get_balance().balance == 10_000
    api.close()
