"""Requests uvicorn refuses before the app sees them are answered in Kalshi's error shape (api/protocol.py)."""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

from kalshi_local.api.protocol import MAX_HEAD_BYTES, MAX_URL_BYTES

from ..conftest import new_database_url
from ..servers import ADMIN_TOKEN, start_server

READ_TIMEOUT_S = 0.5  # the slow server's: long enough for a loaded machine to send a whole request


def _connect(server) -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _read_to_close(sock: socket.socket) -> bytes:
    answer = b""
    while chunk := sock.recv(65536):  # the server closes the connection after a refusal
        answer += chunk
    return answer


def _raw(server, request: bytes) -> tuple[bytes, dict[str, str], dict]:
    with _connect(server) as sock:
        sock.sendall(request)
        return _parse(_read_to_close(sock))


def _parse(answer: bytes) -> tuple[bytes, dict[str, str], dict]:
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


@pytest.mark.parametrize(
    ("headers", "piece"),
    [
        (b"X-Big: " + b"a" * (MAX_HEAD_BYTES + 10) + b"\r\n", None),
        (b"X-Big: " + b"a" * (MAX_HEAD_BYTES + 10) + b"\r\n", 8192),
        (b"".join(b"X-H%d: %s\r\n" % (n, b"a" * 1000) for n in range(140)), 8192),
    ],
    ids=["one header, one write", "one header, in pieces", "many headers, in pieces"],
)
def test_headers_just_over_the_limit_are_a_431_however_they_arrive(demo_server, headers, piece):
    request = b"GET /trade-api/v2/exchange/status HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n"
    with _connect(demo_server) as sock:
        for start in range(0, len(request), piece or len(request)):
            try:
                sock.sendall(request[start : start + (piece or len(request))])
            except (BrokenPipeError, ConnectionResetError):
                break  # refused before the rest was sent
        answer = _parse(_read_to_close(sock))
    assert "headers" in _assert_error(*answer, 431, "request_header_fields_too_large")


@pytest.fixture(scope="module")
def slow_server(request):
    """A server that gives a request READ_TIMEOUT_S to arrive whole (the protocol is the same on both backends)."""
    server = start_server(new_database_url(request, "sqlite"), request_read_timeout_s=READ_TIMEOUT_S)
    yield server
    server.stop()


STATUS = b"GET /trade-api/v2/exchange/status HTTP/1.1\r\nHost: x\r\n"


@pytest.mark.parametrize(
    "partial",
    [
        STATUS,
        b"PUT /admin/v1/users/slow HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Length: 100\r\n\r\n{\"a"
        % ADMIN_TOKEN.encode(),
    ],
    ids=["headers", "body"],
)
def test_a_request_that_does_not_arrive_whole_in_time_is_a_408(slow_server, partial):
    with _connect(slow_server) as sock:
        sock.sendall(partial)
        started = time.monotonic()
        answer = _parse(_read_to_close(sock))
    assert time.monotonic() - started >= READ_TIMEOUT_S * 0.9
    assert "0.5 s" in _assert_error(*answer, 408, "request_timeout")


def test_time_between_requests_on_a_connection_does_not_count(slow_server):
    with _connect(slow_server) as sock:
        for _ in range(2):
            sock.sendall(STATUS + b"\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
            time.sleep(READ_TIMEOUT_S * 1.5)  # idle, under uvicorn's keep-alive timeout


def test_a_connection_that_never_sends_a_byte_is_closed(slow_server):
    with _connect(slow_server) as sock:
        started = time.monotonic()
        assert sock.recv(1) == b""  # closed by uvicorn's keep-alive timeout (5 s)
    assert time.monotonic() - started < 9
