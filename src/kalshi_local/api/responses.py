"""Encoding responses: msgspec Structs straight to JSON bytes."""

from __future__ import annotations

from typing import Any

import msgspec
from msgspec import Raw
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



def versioned_json(request: Request, kind: str, refs, fetch, make) -> list[Raw]:
    """JSON of rows referenced by (seq, version), from the cache; `fetch(seqs)` and
    `make(row)` serve the misses. A row deleted meanwhile drops out."""
    found = services(request).json_cache.render(refs, lambda ref: (kind, ref.seq, ref.version), fetch, make)
    return [raw for raw in found if raw is not None]
