"""The handshake, the heartbeat and slow readers."""

from __future__ import annotations

import asyncio
import json
import socket
import threading

import pytest
from websockets.client import ClientProtocol
from websockets.exceptions import InvalidStatus
from websockets.frames import Opcode
from websockets.http11 import Response
from websockets.sync.client import connect
from websockets.uri import parse_uri

from ..api import trading_rows as rows
from ..api.write_path import new_market, place
from ..client import AdminClient
from ..conftest import new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer
from .client import PATH, WsClient, ws_url


def _refused(server, headers) -> tuple[int, bytes]:
    with pytest.raises(InvalidStatus) as refused:
        connect(ws_url(server), additional_headers=headers, open_timeout=30)
    return refused.value.response.status_code, refused.value.response.body


def _raw_upgrade(server, path: str, key: str, version: str) -> tuple[int, dict[str, str], dict]:
    host, port = server.url.removeprefix("http://").split(":")
    request = (
        f"GET {path} HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: {version}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request.encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, json.loads(body)


@pytest.mark.parametrize(
    "path,key,version,status,code",
    [
        (PATH, "zz", "13", 400, "bad_request"),  # not a base64 16-byte key
        (PATH, "dGhlIHNhbXBsZSBub25jZQ==", "8", 400, "bad_request"),  # an old protocol version
        ("/trade-api/v2/exchange/status", "dGhlIHNhbXBsZSBub25jZQ==", "13", 403, "forbidden"),  # a REST path
    ],
)
def test_handshake_refusals_made_below_the_app_are_in_kalshis_error_shape(server, path, key, version, status, code):
    got, headers, body = _raw_upgrade(server, path, key, version)
    assert (got, headers["content-type"]) == (status, "application/json")
    assert body["error"]["code"] == body["code"] == code and body["message"]


def test_a_bad_handshake_is_refused_with_an_http_status_and_kalshis_error_body(server, alice, caplog):
    with caplog.at_level("ERROR"):
        status, body = _refused(server, {})
    assert status == 401 and json.loads(body)["code"] == "unauthorized"
    assert not [r for r in caplog.records if r.levelname == "ERROR"]  # an ordinary refusal, not a server error
    stale = alice.signer.headers("GET", PATH, timestamp_ms=1_000_000)
    assert _refused(server, stale)[0] == 401
    other_path = alice.signer.headers("GET", "/trade-api/v2/portfolio/balance")
    assert _refused(server, other_path)[0] == 401
    unknown = Signer("no-such-key", alice.signer.private_pem).headers("GET", PATH)
    assert "no-such-key" in json.loads(_refused(server, unknown)[1])["message"]


def test_a_plain_get_on_the_websocket_path_is_426_upgrade_required(server):
    import httpx

    answer = httpx.get(server.url + PATH, timeout=30)
    assert answer.status_code == 426
    assert answer.json()["code"] == "upgrade_required" and "Upgrade: websocket" in answer.json()["message"]


def test_a_replayed_handshake_is_refused(server, alice):
    headers = alice.signer.headers("GET", PATH)
    with connect(ws_url(server), additional_headers=headers, open_timeout=30):
        pass
    assert _refused(server, headers)[0] == 401


@pytest.fixture(scope="module")
def fast_heartbeat(request):
    running = start_server(new_database_url(request, "sqlite"), ws_ping_interval_s=0.2, ws_ping_timeout_s=0.5)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def small_queue(request):
    running = start_server(new_database_url(request, "sqlite"), ws_queue_limit=50)
    yield running
    running.stop()


def _trader(server):
    admin_client = AdminClient(server.url, ADMIN_TOKEN)
    with rows.trader(server, admin_client) as api:
        yield admin_client, api
    admin_client.close()


@pytest.fixture
def fast(fast_heartbeat):
    """(admin client, a trader) on the fast-heartbeat server."""
    yield from _trader(fast_heartbeat)


@pytest.fixture
def slow(small_queue):
    yield from _trader(small_queue)


def _raw_client(server, signer: Signer) -> tuple[socket.socket, ClientProtocol]:
    protocol = ClientProtocol(parse_uri(ws_url(server)))
    request = protocol.connect()
    for name, value in signer.headers("GET", PATH).items():
        request.headers[name] = value
    protocol.send_request(request)
    sock = socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1])), timeout=30)
    sock.sendall(b"".join(protocol.data_to_send()))
    while protocol.handshake_exc is None and not protocol.events_received():
        protocol.receive_data(sock.recv(65536))
    return sock, protocol


def _frames(sock: socket.socket, protocol: ClientProtocol, answer: bool, until) -> list:
    """Frames received until `until(frames)` holds (or the server closes); pings answered when `answer`."""
    frames: list = []
    while not until(frames):
        data = sock.recv(65536)
        if not data:
            protocol.receive_eof()
        else:
            protocol.receive_data(data)
        for event in protocol.events_received():
            if not isinstance(event, Response):
                frames.append(event)
        outgoing = protocol.data_to_send()
        if answer:
            sock.sendall(b"".join(outgoing))
        if not data:
            break
    return frames


def test_the_server_pings_with_heartbeat_and_keeps_an_answering_client(fast_heartbeat, fast):
    admin_client, api = fast
    sock, protocol = _raw_client(fast_heartbeat, api.signer)
    pings = lambda frames: [f for f in frames if f.opcode == Opcode.PING]  # noqa: E731
    frames = _frames(sock, protocol, True, lambda frames: len(pings(frames)) >= 4)
    assert [p.data for p in pings(frames)] == [b"heartbeat"] * 4
    assert not [f for f in frames if f.opcode == Opcode.CLOSE]
    sock.close()


def test_a_client_that_stops_answering_pings_is_closed(fast_heartbeat, fast):
    admin_client, api = fast
    sock, protocol = _raw_client(fast_heartbeat, api.signer)
    frames = _frames(sock, protocol, False, lambda frames: any(f.opcode == Opcode.CLOSE for f in frames))
    close = next(f for f in frames if f.opcode == Opcode.CLOSE)
    assert close.data[:2] == (1011).to_bytes(2, "big")
    sock.close()


def test_a_client_ping_gets_a_pong(alice, server):
    with WsClient(server, alice.signer) as ws:
        assert ws.ws.ping(b"are you there").wait(30)


def test_a_reader_that_falls_behind_gets_the_overflow_error_and_is_dropped(small_queue, slow):
    admin_client, api = slow
    ticker = new_market(admin_client)
    sock, protocol = _raw_client(small_queue, api.signer)
    protocol.send_text(b'{"id":1,"cmd":"subscribe","params":{"channels":["user_orders"]}}')
    sock.sendall(b"".join(protocol.data_to_send()))
    gateway = small_queue.services.gateway
    while not any(s.channel == "user_orders" for c in gateway.connections for s in c.subscriptions.values()):
        sock.settimeout(0.05)
        try:
            protocol.receive_data(sock.recv(65536))
        except TimeoutError:
            pass
    sock.settimeout(30)
    (conn,) = [c for c in gateway.connections if c.subscriptions]
    writer = conn.send
    stalled = threading.Event()

    async def stuck(text):
        # The reader stops reading: its writer waits, as on a full TCP window.
        while not stalled.is_set():
            await asyncio.sleep(0.01)
        await writer(text)

    conn.send = stuck
    for _ in range(60):  # past the 50-message limit of this server
        place(api, ticker, "bid", "1", "0.0100")
    assert conn.closed and list(conn.queue)[-1].startswith('{"type":"error","msg":{"code":25')
    assert len(conn.queue) == 1  # what was waiting is dropped: memory stays bounded
    stalled.set()
    frames = _frames(sock, protocol, True, lambda frames: any(f.opcode == Opcode.CLOSE for f in frames))
    texts = [f.data for f in frames if f.opcode == Opcode.TEXT]
    assert b'"code":25' in texts[-1], texts[-3:]
    sock.close()
