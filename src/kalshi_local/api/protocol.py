"""The HTTP transport: uvicorn's httptools protocol, with its own refusals in Kalshi's error shape.

uvicorn answers a request it cannot parse itself, before the app sees it, with a plain-text 400.
Clients read `{"error": {"code", "message"}}` from every answer, so those refusals are JSON here;
a URL over httptools' limit (its URL offsets are 16-bit) is 414 URI Too Long rather than 400,
and a head (request line and headers) over MAX_HEAD_BYTES is 431, where httptools has no limit.
A request must arrive whole within `read_timeout_s` of its first byte (408 otherwise), and a new
connection must start one within uvicorn's keep-alive timeout: uvicorn bounds neither, so a client
that sends a byte now and then would hold its connection forever.
"""

from __future__ import annotations

import asyncio
import json

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..errors import ApiError, BadRequest, HeadersTooLarge, RequestTimeout, UriTooLong

MAX_URL_BYTES = (1 << 16) - 1  # httptools.parse_url refuses longer URLs
MAX_HEAD_BYTES = 1 << 17  # request line and headers: httptools buffers a header whole, without a bound
LINGER_S = 5.0  # how long the rest of a refused request is read and dropped before the connection closes
READ_TIMEOUT_S = 30.0  # from a request's first byte to its last


class KalshiHttpProtocol(HttpToolsProtocol):
    read_timeout_s = READ_TIMEOUT_S
    refused = False
    in_head = False  # between a request's first byte and the end of its headers
    head_bytes = 0  # of the pieces read wholly inside the head: bounds a header still arriving
    header_bytes = 0  # of the headers parsed so far, whatever pieces they came in
    read_deadline: asyncio.TimerHandle | None = None  # while a request is being read

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # uvicorn arms its keep-alive timeout only after an answer; the first byte cancels it.
        self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)

    def connection_lost(self, exc: Exception | None) -> None:
        self._end_read_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return  # the rest of a refused request, still on its way
        self._unset_keepalive_if_required()
        was_in_head = self.in_head
        try:
            self.parser.feed_data(data)
            if was_in_head and self.in_head:  # the whole piece was more of the same request's head
                self.head_bytes += len(data)
                if self.head_bytes > MAX_HEAD_BYTES:
                    self._refuse(HeadersTooLarge(f"the request's headers are over {MAX_HEAD_BYTES} bytes long"))
        except httptools.HttpParserUpgrade:
            self._end_read_deadline()
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
        except httptools.HttpParserError:
            # self.url holds what was read of the target so far (unset before the first request began).
            if self.header_bytes > MAX_HEAD_BYTES:
                self._refuse(HeadersTooLarge(f"the request's headers are over {MAX_HEAD_BYTES} bytes long"))
            elif len(getattr(self, "url", b"")) > MAX_URL_BYTES:
                self._refuse(UriTooLong(f"the request URL is over {MAX_URL_BYTES} bytes long"))
            else:
                self._refuse(BadRequest("the request is not valid HTTP/1.1"))

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.in_head, self.head_bytes, self.header_bytes = True, 0, 0
        self._end_read_deadline()
        self.read_deadline = self.loop.call_later(self.read_timeout_s, self._read_timed_out)

    def on_message_complete(self) -> None:
        self._end_read_deadline()
        super().on_message_complete()

    def on_header(self, name: bytes, value: bytes) -> None:
        # httptools hands over each header whole, however many pieces it came in.
        self.header_bytes += len(name) + len(value) + 4  # ": " and CRLF
        if self.header_bytes > MAX_HEAD_BYTES:
            raise ValueError("headers too large")  # fails the parse: data_received answers 431
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self.in_head = False
        super().on_headers_complete()

    def on_url(self, url: bytes) -> None:
        # Fails the parse as soon as the target is too long, rather than buffering all of it.
        self.url += url
        if len(self.url) > MAX_URL_BYTES:
            raise ValueError("URL too long")

    def _end_read_deadline(self) -> None:
        if self.read_deadline is not None:
            self.read_deadline.cancel()
            self.read_deadline = None

    def _read_timed_out(self) -> None:
        self.read_deadline = None
        if self.flow.read_paused:  # the wait is ours (a pipelined request queued), not the client's
            self.read_deadline = self.loop.call_later(self.read_timeout_s, self._read_timed_out)
        elif not self.in_head and self.cycle is not None and self.cycle.response_complete:
            self.transport.close()  # answered without its body, which is still trickling in
        else:
            self._refuse(RequestTimeout(f"the request did not arrive whole within {self.read_timeout_s:g} s"))

    def _refuse(self, error: ApiError) -> None:
        self._end_read_deadline()
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            # Its headers were read and its app runs, but its body is broken: this answer
            # replaces the app's, whose writes are dropped as if the client had gone.
            cycle.disconnected = True
            cycle.message_event.set()
            if cycle.response_started:  # half of the app's answer is out: nothing can follow it
                self.transport.close()
                return
        body = json.dumps(error.body()).encode()
        head = [b"HTTP/1.1 %d %s\r\n" % (error.status, _REASONS[error.status])]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head.append(b"content-type: application/json\r\ncontent-length: %d\r\nconnection: close\r\n\r\n" % len(body))
        self.transport.write(b"".join(head) + body)
        # Closing while the client still sends would reset the connection and lose the answer
        # unread in its buffer: end our side, drop what still comes until the client closes
        # (eof_received) or LINGER_S passes.
        self.refused = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self.loop.call_later(LINGER_S, self.transport.close)


_REASONS = {400: b"Bad Request", 408: b"Request Timeout", 414: b"URI Too Long", 431: b"Request Header Fields Too Large"}
