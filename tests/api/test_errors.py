"""Errors speak Kalshi's ErrorResponse shape, flat and nested under `error`: unknown
routes, wrong methods, operations not served yet, bad query parameters and unexpected
server failures."""

from __future__ import annotations

import logging
import socket
import time
from importlib import resources

import httpx
import pytest
from sqlalchemy import text

from kalshi_local.scenario import loader

from ..servers import ADMIN_TOKEN

ERROR_KEYS = {"code", "message", "service"}
FIELD_KEYS = ERROR_KEYS | {"details"}


def _demo():
    source = resources.files("kalshi_local.demo").joinpath("catalog.yaml").read_text(encoding="utf-8")
    return loader.parse_text(source, "demo/catalog.yaml")


DEMO = _demo()
EVENT = DEMO.events[0].event_ticker
MILESTONE = DEMO.milestones[0].id


@pytest.fixture
def http(demo_server):
    with httpx.Client(base_url=demo_server.url, timeout=10) as client:
        yield client


def assert_error_shape(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    # The spec's flat ErrorResponse, and the same fields nested as the live exchange sends them.
    assert ERROR_KEYS <= set(body), body
    assert set(body) <= FIELD_KEYS | {"error"}, body
    assert all(isinstance(body[key], str) and body[key] for key in ERROR_KEYS), body
    assert body["error"] == {key: body[key] for key in FIELD_KEYS if key in body}, body
    return body


@pytest.mark.parametrize(
    "path",
    ["/trade-api/v2/no_such_thing", "/trade-api/v2/markets/A/B/C/D", "/trade-api/v3/markets", "/"],
)
def test_unknown_route_is_a_404_in_the_error_shape(http, path):
    body = assert_error_shape(http.get(path), 404)
    assert body["code"] == "not_found"


@pytest.mark.parametrize(
    "path", ["/trade-api/v2/markets/", "/trade-api/v2", "/trade-api/v2/", "/admin/v1", "/admin/v1/"]
)
def test_a_path_is_served_as_written_never_redirected_to_add_or_drop_a_slash(http, path):
    response = http.get(path, follow_redirects=False)
    body = assert_error_shape(response, 404)
    assert body["message"] == f"no route for GET {path}"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/trade-api/v2/milestones"),
        ("DELETE", f"/trade-api/v2/milestones/{MILESTONE}"),
        ("PUT", "/trade-api/v2/markets"),
        ("PATCH", f"/trade-api/v2/events/{EVENT}"),
    ],
)
def test_wrong_method_on_a_known_route_is_a_405_in_the_error_shape(http, method, path):
    body = assert_error_shape(http.request(method, path), 405)
    assert body["code"] == "method_not_allowed"


def test_a_message_that_echoes_a_huge_id_is_cut_short(http):
    body = assert_error_shape(http.get("/trade-api/v2/markets/" + "A" * 60_000), 404)
    assert len(body["message"]) == 500 and body["message"].startswith("market AAAA") and body["message"].endswith("...")


def test_a_405_names_the_methods_the_route_allows(http):
    # RFC 9110 requires the Allow header on a 405.
    response = http.post("/trade-api/v2/milestones")
    assert response.status_code == 405
    assert "GET" in response.headers.get("allow", ""), f"no Allow header: {dict(response.headers)}"
    message = response.json()["message"]
    assert message.startswith("POST is not allowed on /trade-api/v2/milestones; allowed: ") and "GET" in message


def test_a_client_that_leaves_before_its_body_arrives_is_not_logged_as_a_server_error(demo_server, caplog):
    caplog.set_level(logging.DEBUG, logger="kalshi_local")
    host, port = demo_server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(b"POST /admin/v1/clock HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + ADMIN_TOKEN.encode()
                     + b"\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"advance")
    deadline = time.monotonic() + 10  # the server notices the disconnect on its own thread
    while "client left" not in caplog.text and "unhandled error" not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.01)
    assert "client left before its body arrived: POST '/admin/v1/clock'" in caplog.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"], caplog.text
    with httpx.Client(base_url=demo_server.url) as client:  # and goes on serving
        assert client.get("/trade-api/v2/exchange/status").status_code == 200


def test_a_server_failure_is_a_500_in_the_error_shape_without_internals(empty_server):
    # A real failure, not a mock: the table the handler reads is gone.
    with empty_server.services.engine.begin() as conn:
        conn.execute(text("ALTER TABLE milestones RENAME TO milestones_gone"))
    response = httpx.get(empty_server.api + "/milestones", params={"limit": 1}, timeout=10)
    body = assert_error_shape(response, 500)
    assert body["code"] == "internal_server_error"
    leaked = [
        marker
        for marker in ("Traceback", 'File "', "sqlalchemy", "psycopg", "sqlite", "Error:", "SELECT", "milestones")
        if marker.lower() in response.text.lower()
    ]
    assert leaked == [], response.text


# (path, params, the parameter the message must name)
BAD_PARAMETERS = [
    # integers
    ("/milestones", {"limit": "ten"}, "limit"),
    ("/milestones", {"limit": "0"}, "limit"),
    ("/milestones", {"limit": "10", "min_updated_ts": "yesterday"}, "min_updated_ts"),
    ("/markets", {"limit": "ten"}, "limit"),
    ("/markets", {"min_close_ts": "soon"}, "min_close_ts"),
    ("/events", {"limit": "1.5"}, "limit"),
    ("/events/multivariate", {"limit": "many"}, "limit"),
    ("/series", {"min_updated_ts": "x"}, "min_updated_ts"),
    ("/structured_targets", {"page_size": "big"}, "page_size"),
    ("/incentive_programs", {"limit": "all"}, "limit"),
    # booleans
    ("/events", {"with_nested_markets": "maybe"}, "with_nested_markets"),
    ("/events", {"with_milestones": "yes please"}, "with_milestones"),
    (f"/events/{EVENT}", {"with_nested_markets": "maybe"}, "with_nested_markets"),
    ("/series", {"include_volume": "maybe"}, "include_volume"),
    ("/series/fee_changes", {"show_historical": "maybe"}, "show_historical"),
    (f"/live_data/milestone/{MILESTONE}", {"include_player_stats": "maybe"}, "include_player_stats"),
    ("/live_data/batch", {"milestone_ids": MILESTONE, "include_player_stats": "maybe"}, "include_player_stats"),
    # enums
    ("/markets", {"status": "bogus"}, "status"),
    ("/markets", {"mve_filter": "bogus"}, "mve_filter"),
    ("/events", {"status": "bogus"}, "status"),
    ("/incentive_programs", {"status": "bogus"}, "status"),
    ("/incentive_programs", {"type": "bogus"}, "type"),
    # date-times and required parameters
    ("/milestones", {"limit": "1", "minimum_start_date": "not-a-date"}, "minimum_start_date"),
    ("/live_data/batch", {}, "milestone_ids"),
]


@pytest.mark.parametrize(
    ("path", "params", "name"),
    BAD_PARAMETERS,
    ids=[f"{path}?{'&'.join(f'{k}={v}' for k, v in params.items())}" for path, params, _ in BAD_PARAMETERS],
)
def test_a_bad_query_parameter_is_a_400_that_names_it(http, path, params, name):
    body = assert_error_shape(http.get("/trade-api/v2" + path, params=params), 400)
    assert name in body["message"], body


# A NUL byte cannot be stored in PostgreSQL text, so it must be turned away before the query.
NUL_REQUESTS = [
    ("/markets/A%00B", {}),
    ("/events/A%00B", {}),
    ("/series/A%00B", {}),
    ("/milestones/A%00B", {}),
    ("/structured_targets/A%00B", {}),
    ("/live_data/milestone/A%00B", {}),
    ("/markets", {"event_ticker": "A\x00B"}),
    ("/events", {"series_ticker": "A\x00B"}),
    ("/milestones", {"limit": "1", "category": "A\x00B"}),
    ("/structured_targets", {"ids": "A\x00B"}),
    ("/live_data/batch", {"milestone_ids": "A\x00B"}),
    ("/series/fee_changes", {"series_ticker": "A\x00B"}),
    ("/incentive_programs", {"incentive_description": "A\x00B"}),
    ("/events/multivariate", {"collection_ticker": "A\x00B"}),
]


@pytest.mark.parametrize(
    ("path", "params"),
    NUL_REQUESTS,
    ids=[path + "".join(f"?{name}" for name in params if name != "limit") for path, params in NUL_REQUESTS],
)
def test_a_nul_byte_in_a_parameter_is_never_a_server_error(http, path, params):
    response = http.get("/trade-api/v2" + path, params=params)
    assert response.status_code < 500, (response.status_code, response.text)
    if response.status_code >= 400:
        assert_error_shape(response, response.status_code)
