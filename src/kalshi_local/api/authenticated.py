"""Routes that need a signed request: the handler gets the Caller as its second argument."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth import ratelimit
from ..authenticator import Caller
from .responses import services

Handler = Callable[[Request, Caller], Awaitable[Response]]

_HEADERS = (b"kalshi-access-key", b"kalshi-access-timestamp", b"kalshi-access-signature")


def signed_route(path: str, handler: Handler, method: str) -> Route:
    """`path` is the spec's path template, which also names the endpoint's bucket and cost."""
    bucket = ratelimit.bucket_of(method, path)
    cost = ratelimit.cost_of(method, path)
    needs_write = method != "GET"

    async def endpoint(request: Request) -> Response:
        svc = services(request)
        with svc.reading() as conn:
            caller = svc.authenticator.authenticate(
                conn,
                _auth_headers(request.scope["headers"]),
                request.scope["method"],  # as signed: HEAD reaches GET routes too
                _signed_path(request.scope),
                needs_write=needs_write,
                bucket=bucket,
                cost=cost,
            )
        return await handler(request, caller)

    endpoint.__name__ = handler.__name__
    return Route(path, endpoint, methods=[method])


def _auth_headers(raw: list[tuple[bytes, bytes]]) -> tuple[str | None, str | None, str | None]:
    found: dict[bytes, str] = {}
    for name, value in raw:
        if name in _HEADERS:  # ASGI servers give header names in lower case
            found.setdefault(name, value.decode("latin-1"))
    return tuple(found.get(name) for name in _HEADERS)  # type: ignore[return-value]


def _signed_path(scope) -> str:
    # Clients sign the path exactly as they put it in the URL, /trade-api/v2 included.
    raw = scope.get("raw_path")
    return raw.decode("latin-1") if raw else scope["path"]
