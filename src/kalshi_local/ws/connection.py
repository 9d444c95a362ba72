"""One WebSocket connection: its bounded send queue and the task that writes it out.

Everything sent (command answers and channel messages) goes through `push`, so a client sees
them in the order they were queued. The queue holds at most `limit` messages: a reader that
falls that far behind gets the buffer overflow error (code 25, quick_start_websockets.md),
its queue is dropped and the connection closed, so memory per connection stays bounded and
the fan-out never waits on it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

from starlette.websockets import WebSocket

from . import errors
from .subscriptions import Subscription

log = logging.getLogger("kalshi_local.ws")

ABORT = "kalshi_local.abort"  # scope extension: drops the transport (ws/protocol.py)
OVERFLOW_CLOSE = 1008  # policy violation: the client did not read fast enough


class Connection:
    def __init__(self, websocket: WebSocket, caller: Any, limit: int, connection_id: int = 0) -> None:
        self.websocket = websocket
        self.connection_id = connection_id
        self.caller = caller
        self.limit = limit
        self.queue: deque[str] = deque()
        self.subscriptions: dict[int, Subscription] = {}
        self.next_sid = 1
        self.closed = False  # nothing more is queued
        self._wake = asyncio.Event()
        self._overflowed = False
        self.send = websocket.send_text  # one message out; waits while the client's TCP window is full

    def push(self, text: str) -> None:
        if self.closed:
            return
        if len(self.queue) >= self.limit:
            self.overflow()
            return
        self.queue.append(text)
        self._wake.set()

    def overflow(self) -> None:
        self.queue.clear()
        self.queue.append(error_frame(None, errors.BufferOverflow()))
        self.closed = self._overflowed = True
        self._wake.set()
        log.info("connection of %s dropped: its send buffer overflowed", self.caller.key_id)

    def close(self) -> None:
        self.closed = True
        self.queue.clear()
        self._wake.set()

    def abort(self) -> None:
        """Drops the TCP connection at once, with no close frame (fault injection)."""
        self.close()
        abort = self.websocket.scope.get("extensions", {}).get(ABORT)
        if abort is not None:
            abort()

    async def write(self) -> None:
        """Sends the queue until the connection closes; after an overflow, the error then a close."""
        queue, wake = self.queue, self._wake
        while True:
            await wake.wait()
            wake.clear()
            send = self.send
            while queue:
                item = queue.popleft()
                if type(item) is not str:  # a delayed message (ws/faults.py)
                    await asyncio.sleep(item.delay_s)  # type: ignore[attr-defined]
                await send(item)
            if self.closed:
                if self._overflowed:
                    await self.websocket.close(OVERFLOW_CLOSE, "subscription buffer overflow")
                return


def error_frame(ident: int | None, error: errors.WsError) -> str:
    from .render import text

    msg: dict[str, Any] = {"code": error.code, "msg": error.text}
    if error.market_ticker is not None:
        msg["market_ticker"] = error.market_ticker
    body: dict[str, Any] = {"type": "error", "msg": msg}
    if ident:
        body = {"id": ident, **body}
    return text(body)
