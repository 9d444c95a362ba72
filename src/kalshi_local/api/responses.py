"""Encoding responses: msgspec Structs straight to JSON bytes."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import msgspec
from msgspec import Raw
from starlette.requests import Request
from starlette.responses import Response

from ..models.response_cache import ResponseCache
from ..services import Services
from ..store.changes import data_marker

_encoder = msgspec.json.Encoder()


def json_response(body: Any, status: int = 200) -> Response:
    return Response(_encoder.encode(body), status_code=status, media_type="application/json")


def services(request: Request) -> Services:
    return request.app.state.services


def versioned_json(request: Request, kind: str, refs, fetch, make) -> list[Raw]:
    """JSON of rows referenced by (seq, version), from the cache; `fetch(seqs)` and
    `make(row)` serve the misses. A row deleted meanwhile drops out."""
    found = services(request).json_cache.render(refs, lambda ref: (kind, ref.seq, ref.version), fetch, make)
    return [raw for raw in found if raw is not None]


def store_marker(request: Request, conn) -> Hashable:
    return data_marker(conn)


def cached_response(marker_of: Callable[[Request, Any], Hashable] = store_marker):
    """Serve a handler's 200 JSON responses again while `marker_of(request, conn)` holds.

    The marker must change whenever anything the response depends on, besides the
    path and query string, may have changed.
    """

    def decorate(handler: Callable[[Request], Awaitable[Response]]):
        name = f"{handler.__module__}.{handler.__qualname__}"

        @functools.wraps(handler)
        async def serve(request: Request) -> Response:
            svc = services(request)
            with svc.reading() as conn:
                marker = marker_of(request, conn)
            cache = svc.response_caches.get(name) or svc.response_caches.setdefault(name, ResponseCache())
            key = (request.scope["path"], request.scope["query_string"])
            body = cache.get(marker, key)
            if body is not None:
                return Response(body, media_type="application/json")
            response = await handler(request)
            if response.status_code == 200:
                cache.put(marker, key, bytes(response.body))
            return response

        return serve

    return decorate
