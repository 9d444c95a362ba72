"""Encoding responses: msgspec Structs straight to JSON bytes."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Hashable
from typing import Any

import msgspec
from msgspec import Raw
from starlette.requests import Request
from starlette.responses import Response

from ..models.response_cache import ResponseCache
from ..services import Services
from ..store.changes import CATALOG, data_marker, scope_marker

_encoder = msgspec.json.Encoder(decimal_format="number")  # exact decimals (fee multipliers) as numbers


def json_response(body: Any, status: int = 200) -> Response:
    return Response(_encoder.encode(body), status_code=status, media_type="application/json")


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header value lists gzip with a q-value above 0 (RFC 9110
    12.5.3). A bare `*` is not taken as a request for gzip: only clients that name it get it."""
    found: dict[str, bool] = {}
    for item in accept_encoding.split(","):
        name, _, params = item.partition(";")
        weight = params.strip().lower()
        refused = weight.startswith("q=") and weight[2:].strip().rstrip("0").rstrip(".") in ("0", "")
        found[name.strip().lower()] = not refused
    return found.get("gzip", False)


def services(request: Request) -> Services:
    return request.app.state.services


def versioned_json(request: Request, kind: str, refs, fetch, make) -> list[Raw]:
    """JSON of rows referenced by (seq, version), from the cache; `fetch(seqs)` and
    `make(row)` serve the misses. A row deleted meanwhile drops out."""
    found = services(request).json_cache.render(refs, lambda ref: (kind, ref.seq, ref.version), fetch, make)
    return [raw for raw in found if raw is not None]


def store_marker(request: Request, conn) -> Hashable:
    """Moves on every commit: for responses that show market data (prices, volumes)."""
    return data_marker(conn)


def catalog_marker(request: Request, conn) -> Hashable:
    """Moves only on commits that change the catalog, never on order flow."""
    return scope_marker(conn, CATALOG)


CACHED = "_cached_response"  # set on handlers cached_response made; signed_route refuses them
# A replayed body this large goes gzip-compressed to clients that accept it (compressed once per entry).
GZIP_MIN_BYTES = 16 << 10
_VARY = {"vary": "Accept-Encoding"}
_GZIPPED = {"content-encoding": "gzip", "vary": "Accept-Encoding"}


def cached_response(marker_of: Callable[[Request, Any], Hashable] = catalog_marker):
    """Serve a public read handler's 200 JSON responses again while `marker_of(request, conn)` holds.

    The cache key is the path and query string only, so the handler must answer
    the same to everyone: signed routes refuse cached handlers (authenticated.py).
    The marker must change whenever anything else the response depends on may have changed.
    """

    def decorate(handler: Callable[[Request], Response]):
        if inspect.iscoroutinefunction(handler):
            raise TypeError(f"cached_response takes a plain `def` read handler, not async {handler.__name__}")
        name = f"{handler.__module__}.{handler.__qualname__}"

        @functools.wraps(handler)
        def serve(request: Request) -> Response:
            svc = services(request)
            with svc.reading() as conn:
                marker = marker_of(request, conn)
            cache = svc.response_caches.get(name) or svc.response_caches.setdefault(name, ResponseCache())
            key = (request.scope["path"], request.scope["query_string"])
            body = cache.get(marker, key)
            if body is not None:
                if len(body) >= GZIP_MIN_BYTES and accepts_gzip(request.headers.get("accept-encoding", "")):
                    return Response(cache.gzipped(key, body), media_type="application/json", headers=_GZIPPED)
                return Response(body, media_type="application/json", headers=_VARY)
            response = handler(request)
            if response.status_code == 200:
                cache.put(marker, key, bytes(response.body))
                response.headers["vary"] = "Accept-Encoding"
            return response

        setattr(serve, CACHED, True)
        return serve

    return decorate
