"""The exchange clock through the admin API: read it, move a manual clock forward."""

from __future__ import annotations

import pytest

from kalshi_local.exchange.clock import MICROS, parse_datetime, to_rfc3339

from ..servers import start_server
from .conftest import AdminApi


def test_the_clock_reads_as_the_servers_clock(admin_api, server):
    clock = admin_api.get("/clock")
    assert clock["kind"] == "manual"
    assert clock["now_us"] == server.services.clock.now_us()
    assert clock["now"] == to_rfc3339(clock["now_us"])


def test_advancing_moves_the_clock_by_whole_seconds(admin_api, server):
    before = server.services.clock.now_us()
    moved = admin_api.post("/clock", {"advance_seconds": 90})
    assert moved["now_us"] == before + 90 * MICROS == server.services.clock.now_us()


def test_set_moves_the_clock_to_a_time(admin_api, server):
    moved = admin_api.post("/clock", {"set": "2099-03-01T12:00:00Z"})
    assert moved["now"] == "2099-03-01T12:00:00Z"
    assert server.services.clock.now_us() == parse_datetime("2099-03-01T12:00:00Z")


def test_the_clock_drives_market_status(admin_api, api):
    event = {"series_ticker": "KXCLK", "title": "Clock", "markets": [
        {"ticker": "KXCLK-1-A", "open_time": "2098-01-01T00:00:00Z", "close_time": "2098-06-01T00:00:00Z"}]}
    admin_api.put("/series/KXCLK", {"title": "Clock", "category": "Economics"})
    admin_api.put("/events/KXCLK-1", event)
    assert api.ok("/markets/KXCLK-1-A")["market"]["status"] == "initialized"
    admin_api.post("/clock", {"set": "2098-02-01T00:00:00Z"})
    assert api.ok("/markets/KXCLK-1-A")["market"]["status"] == "active"
    admin_api.post("/clock", {"advance_seconds": 200 * 86_400})
    assert api.ok("/markets/KXCLK-1-A")["market"]["status"] == "closed"


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"set": "2000-01-01T00:00:00Z"}, "never moves back"),
        ({"advance_seconds": -5}, "$.advance_seconds"),
        ({"advance_seconds": 1, "set": "2099-01-01T00:00:00Z"}, "exactly one"),
        ({}, "exactly one"),
        ({"set": "tomorrow"}, "$.set"),
        ({"advance_seconds": "10"}, "$.advance_seconds"),
        ({"rewind": 3}, "$.rewind"),
    ],
    ids=["backwards", "negative", "both", "neither", "bad date", "string seconds", "unknown field"],
)
def test_a_bad_move_is_a_400_and_leaves_the_clock(admin_api, server, body, words):
    before = server.services.clock.now_us()
    message = admin_api.call("POST", "/clock", 400, json=body).json()["message"]
    assert words in message
    assert server.services.clock.now_us() == before


@pytest.fixture
def real_clock_server(tmp_path):
    server = start_server(f"sqlite:///{tmp_path}/real.db", clock="real", load_demo=False)
    yield server
    server.stop()


def test_a_real_clock_cannot_be_moved(real_clock_server):
    client = AdminApi(real_clock_server.url)
    try:
        assert client.get("/clock")["kind"] == "real"
        message = client.call("POST", "/clock", 409, json={"advance_seconds": 60}).json()["message"]
        assert "--clock manual" in message
    finally:
        client.close()
