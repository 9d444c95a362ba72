"""Errors as exceptions. One handler in app.py renders them as Kalshi's
ErrorResponse (`code`, `message`, `details`, `service`)."""

from __future__ import annotations

MAX_MESSAGE = 500  # characters: a message that echoes a 60 KB id stays readable


class ApiError(Exception):
    status = 500
    code = "internal_server_error"

    def __init__(self, message: str, details: str | None = None) -> None:
        if len(message) > MAX_MESSAGE:
            message = message[: MAX_MESSAGE - 3] + "..."
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict[str, object]:
        """The JSON body clients get: the spec's flat ErrorResponse fields (`code`,
        `message`, `service`, `details` when there are some), and the same fields again
        under `error`, as the live exchange nests them and clients read them."""
        fields = {"code": self.code, "message": self.message, "service": "kalshi-local"}
        if self.details:
            fields["details"] = self.details
        return {**fields, "error": fields}


class BadRequest(ApiError):
    status = 400
    code = "bad_request"


class InvalidParameter(BadRequest):
    code = "invalid_parameters"


class MissingParameter(BadRequest):
    code = "missing_parameters"


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class UpgradeRequired(ApiError):
    """A plain HTTP request to the WebSocket endpoint (RFC 9110 15.5.22)."""

    status = 426
    code = "upgrade_required"


class RequestTimeout(ApiError):
    """A request that did not arrive whole in time (api/protocol.py)."""

    status = 408
    code = "request_timeout"


class PayloadTooLarge(ApiError):
    """A request body over the size the route accepts."""

    status = 413
    code = "payload_too_large"


class UriTooLong(ApiError):
    """A request URL over what the HTTP parser takes (api/protocol.py)."""

    status = 414
    code = "uri_too_long"


class HeadersTooLarge(ApiError):
    """A request line and headers over the size the server reads (api/protocol.py)."""

    status = 431
    code = "request_header_fields_too_large"


class NotServed(ApiError):
    """An operation of the Trade API that kalshi-local does not implement yet."""

    status = 501
    code = "not_implemented"


class TooManyRequests(ApiError):
    """Over the rate limit. Kalshi answers this one with its own small body and no Retry-After."""

    status = 429
    code = "too_many_requests"

    def __init__(self) -> None:
        super().__init__("too many requests")

    def body(self) -> dict[str, object]:
        return {"error": self.message}
