"""Encoding responses: msgspec Structs straight to JSON bytes."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import Response

from ..errors import ApiError
from ..services import Services

_encoder = msgspec.json.Encoder()


def json_response(body: Any, status: int = 200) -> Response:
    return Response(_encoder.encode(body), status_code=status, media_type="application/json")


def error_body(error: ApiError) -> dict[str, str]:
    body = {"code": error.code, "message": error.message, "service": "kalshi-local"}
    if error.details:
        body["details"] = error.details
    return body


def services(request: Request) -> Services:
    return request.app.state.services

