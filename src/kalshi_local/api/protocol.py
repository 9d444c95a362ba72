"""The HTTP transport: uvicorn's httptools protocol, with its own refusals in Kalshi's error shape.

uvicorn answers a request it cannot parse itself, before the app sees it, with a plain-text 400.
Clients read `{"error": {"code", "message"}}` from every answer, so those refusals are JSON here;
a URL over httptools' limit (its URL offsets are 16-bit) is 414 URI Too Long rather than 400.
"""

from __future__ import annotations

import json

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from ..errors import ApiError, BadRequest

MAX_URL_BYTES = (1 << 16) - 1  # httptools.parse_url refuses longer URLs
LINGER_S = 5.0  # how long the rest of a refused request is read and dropped before the connection closes


class UriTooLong(ApiError):
    status = 414
    code = "uri_too_long"


class KalshiHttpProtocol(HttpToolsProtocol):
    refused = False

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return  # the rest of a refused request, still on its way
        self._unset_keepalive_if_required()
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            if self._should_upgrade():
                self.handle_websocket_upgrade()
            else:
                self._unsupported_upgrade_warning()
        except httptools.HttpParserError:
            # self.url holds what was read of the target so far (unset before the first request began).
            if len(getattr(self, "url", b"")) > MAX_URL_BYTES:
                self._refuse(UriTooLong(f"the request URL is over {MAX_URL_BYTES} bytes long"))
            else:
                self._refuse(BadRequest("the request is not valid HTTP/1.1"))

    def on_url(self, url: bytes) -> None:
        # Fails the parse as soon as the target is too long, rather than buffering all of it.
        self.url += url
        if len(self.url) > MAX_URL_BYTES:
            raise ValueError("URL too long")

    def _refuse(self, error: ApiError) -> None:
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


_REASONS = {400: b"Bad Request", 414: b"URI Too Long"}
