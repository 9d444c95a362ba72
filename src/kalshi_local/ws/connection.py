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
PROTOCOL = "kalshi_local.protocol"  # scope extension: the websockets protocol, for framed writes
BATCH = 256  # frames joined into one transport write
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
        self.key_removed = False  # its API key was deleted: no private channel any more (ws/keys.py)
        self._wake = asyncio.Event()
        self._overflowed = False
        self._busy = False  # the writer task holds messages it has not written yet
        self.send = websocket.send_text  # one message out; waits while the client's TCP window is full
        # The protocol when the server runs ours (ws/protocol.py): queued messages are then framed
        # here and written in batches, past the ASGI layers and the per-message await of send_text.
        self.protocol = websocket.scope.get("extensions", {}).get(PROTOCOL)

    def push(self, text: str, held: Held | None = None) -> None:
        """Queues `text`, or when nothing is ahead of it frames it straight into the transport
        (at the end of the fan-out round when `held` is given)."""
        if self.closed:
            return
        if not self.queue and not self._busy and type(text) is str and self._writable():
            # Waking this connection's writer task instead costs a task switch per message,
            # ~15 ms per delta over 1,000 subscribers (bench/ws_fanout.py).
            frame = _frame(text.encode())
            if held is None:
                self.protocol.transport.write(frame)
            else:
                held.frames.setdefault(self, []).append(frame)
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

    def _writable(self) -> bool:
        """Whether a message may be framed into the transport now: our protocol, no fault
        replacing `send`, the connection open and the client's TCP window not full."""
        protocol = self.protocol
        return (
            protocol is not None
            and self.send == self.websocket.send_text
            and protocol.open
            and protocol.writable.is_set()
        )

    async def write(self) -> None:
        """Sends the queue until the connection closes; after an overflow, the error then a close."""
        queue, wake = self.queue, self._wake
        while True:
            self._busy = False
            await wake.wait()
            self._busy = True
            wake.clear()
            send, protocol = self.send, self.protocol
            while queue:
                if type(queue[0]) is not str:  # a delayed message (ws/faults.py)
                    item = queue.popleft()
                    await asyncio.sleep(item.delay_s)  # type: ignore[attr-defined]
                    await send(item)
                elif protocol is None or send != self.websocket.send_text:
                    await send(queue.popleft())
                else:
                    await _write_frames(protocol, queue)
            if self.closed:
                if self._overflowed:
                    await self.websocket.close(OVERFLOW_CLOSE, "subscription buffer overflow")
                return


async def _write_frames(protocol: Any, queue: deque[str]) -> None:
    """Frames up to BATCH plain messages off the queue as unmasked text frames (RFC 6455 5.2;
    no compression bit: permessage-deflate allows uncompressed messages) in one transport
    write, then waits while the client's TCP window is full, as the protocol's own sends do."""
    frames: list[bytes] = []
    while queue and len(frames) < BATCH and type(queue[0]) is str:
        frames.append(_frame(queue.popleft().encode()))
    if not protocol.open:
        raise ConnectionError("the WebSocket connection is closed")
    protocol.transport.write(b"".join(frames))
    await protocol.drain()


class Held:
    """One fan-out round's frames for connections that could take them at once: written with
    one transport write per connection when the round ends (a batch of orders sends a reader
    of many markets one write, not one per delta)."""

    def __init__(self) -> None:
        self.frames: dict[Connection, list[bytes]] = {}

    def flush(self) -> None:
        for conn, frames in self.frames.items():
            protocol = conn.protocol
            if not conn.closed and protocol.open:
                protocol.transport.write(frames[0] if len(frames) == 1 else b"".join(frames))
        self.frames.clear()


def _frame(data: bytes) -> bytes:
    size = len(data)
    if size < 126:
        return bytes((0x81, size)) + data
    if size < 65536:
        return bytes((0x81, 126)) + size.to_bytes(2, "big") + data
    return bytes((0x81, 127)) + size.to_bytes(8, "big") + data


def error_frame(ident: int | None, error: errors.WsError) -> str:
    from .render import text

    msg: dict[str, Any] = {"code": error.code, "msg": error.text}
    if error.market_ticker is not None:
        msg["market_ticker"] = error.market_ticker
    body: dict[str, Any] = {"type": "error", "msg": msg}
    if ident:
        body = {"id": ident, **body}
    return text(body)
