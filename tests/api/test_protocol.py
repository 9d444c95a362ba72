"""Requests uvicorn refuses before the app sees them are answered in Kalshi's error shape (api/protocol.py)."""

from __future__ import annotations

import json
import socket

import httpx
import pytest

from kalshi_local.api.protocol import MAX_HEAD_BYTES, MAX_URL_BYTES


def _raw(server, request: bytes) -> tuple[bytes, dict[str, str], dict]:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(65536):  # the server closes the connection after a refusal
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    assert int(headers["content-length"]) == len(body)
    return status_line.encode(), headers, json.loads(body)


def _assert_error(status_line: bytes, headers: dict[str, str], body: dict, status: int, code: str) -> str:
    assert status_line.startswith(b"HTTP/1.1 %d " % status), status_line
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    assert body["error"]["code"] == code and body["code"] == code, body
    assert body["error"]["message"] == body["message"] and body["message"], body
    return body["message"]


@pytest.mark.parametrize("extra", [1, 200_000])
def test_a_url_over_the_limit_is_a_414_in_the_error_shape(demo_server, extra):
    target = b"/trade-api/v2/markets?cursor=" + b"a" * (MAX_URL_BYTES - 28 + extra)
    assert len(target) > MAX_URL_BYTES
    answer = _raw(demo_server, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert "65535 bytes" in _assert_error(*answer, 414, "uri_too_long")


def test_a_url_at_the_limit_is_served(demo_server):
    target = "/trade-api/v2/markets?limit=1&x=" + "a" * (MAX_URL_BYTES - 32)
    assert len(target) == MAX_URL_BYTES
    with httpx.Client(base_url=demo_server.url, timeout=10) as client:
        assert client.get(target).status_code == 200


@pytest.mark.parametrize(
    "request_bytes",
    [b"GET /trade-api/v2/markets\x01 HTTP/1.1\r\nHost: x\r\n\r\n", b"NOT HTTP AT ALL\r\n\r\n"],
)
def test_a_request_that_is_not_http_is_a_400_in_the_error_shape(demo_server, request_bytes):
    _assert_error(*_raw(demo_server, request_bytes), 400, "bad_request")


def test_the_server_goes_on_serving_after_a_refusal(demo_server):
    _raw(demo_server, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    with httpx.Client(base_url=demo_server.url, timeout=10) as client:
        assert client.get("/trade-api/v2/exchange/status").status_code == 200


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /trade-api/v2/exchange/status HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
        b"GET /admin/v1/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
    ],
)
def test_a_broken_body_after_good_headers_is_a_400_without_a_server_error(demo_server, request_bytes, caplog):
    with caplog.at_level("ERROR"):
        _assert_error(*_raw(demo_server, request_bytes), 400, "bad_request")
        with httpx.Client(base_url=demo_server.url, timeout=10) as client:  # the app's own answer has finished by now
            assert client.get("/trade-api/v2/exchange/status").status_code == 200
    assert not [r for r in caplog.records if r.levelname == "ERROR"], [r.getMessage() for r in caplog.records]


def test_headers_over_the_limit_are_a_431_and_headers_under_it_are_served(demo_server):
    def big_header(size: int) -> bytes:
        return b"GET /trade-api/v2/exchange/status HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * size + b"\r\n\r\n"

    answer = _raw(demo_server, big_header(MAX_HEAD_BYTES * 4))
    assert "headers" in _assert_error(*answer, 431, "request_header_fields_too_large")
    with httpx.Client(base_url=demo_server.url, timeout=10) as client:
        assert client.get("/trade-api/v2/exchange/status", headers={"X-Big": "a" * 60_000}).status_code == 200
