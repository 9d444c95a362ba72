"""A WebSocket client for tests: signed handshake, numbered commands, every message validated."""

from __future__ import annotations

import json

from websockets.sync.client import ClientConnection, connect

from ..signing import Signer
from . import asyncapi

PATH = "/trade-api/ws/v2"
TIMEOUT = 30  # a loaded 2-core machine can take seconds on a PostgreSQL write


def ws_url(server) -> str:
    return server.url.replace("http://", "ws://") + PATH


class WsClient:
    def __init__(self, server, signer: Signer, **options) -> None:
        self.ws: ClientConnection = connect(
            ws_url(server), additional_headers=signer.headers("GET", PATH), open_timeout=TIMEOUT, **options
        ).__enter__()
        self.next_id = 1

    def send(self, cmd: str, **params) -> int:
        ident = self.next_id
        self.next_id += 1
        body: dict = {"id": ident, "cmd": cmd}
        if params:
            body["params"] = params
        self.ws.send(json.dumps(body))
        return ident

    def send_raw(self, body) -> None:
        self.ws.send(body if isinstance(body, str | bytes) else json.dumps(body))

    def recv(self, timeout: float = TIMEOUT) -> dict:
        message = json.loads(self.ws.recv(timeout=timeout))
        asyncapi.validate(message)
        return message

    def expect(self, kind: str, timeout: float = TIMEOUT) -> dict:
        message = self.recv(timeout)
        assert message["type"] == kind, message
        return message

    def subscribe(self, *channels: str, **params) -> list[dict]:
        """Subscribes; the `subscribed` answers, one per channel."""
        ident = self.send("subscribe", channels=list(channels), **params)
        answers = [self.expect("subscribed") for _ in channels]
        assert all(a["id"] == ident for a in answers), answers
        return answers

    def error(self, code: int) -> dict:
        message = self.expect("error")
        assert message["msg"]["code"] == code, message
        return message

    def quiet(self, timeout: float = 0.3) -> None:
        """Nothing more arrives within `timeout` seconds."""
        try:
            message = self.ws.recv(timeout=timeout)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected message {message}")

    def close(self) -> None:
        self.ws.close()

    def __enter__(self) -> WsClient:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()
