"""Routes that need a signed request: the handler gets the Caller as its second argument.

As with api/endpoints.py, a plain `def` handler only reads: the key lookup and the
handler run together through Services.run_read. An `async def` handler (a write)
runs on the loop after the lookup.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..auth import ratelimit
from ..authenticator import Caller
from .responses import CACHED, services

Handler = Callable[[Request, Caller], object]

_HEADERS = (b"kalshi-access-key", b"kalshi-access-timestamp", b"kalshi-access-signature")


def signed_route(path: str, handler: Handler, method: str) -> Route:
    """`path` is the spec's path template, which also names the endpoint's bucket and cost.
    Raises TypeError for a cached handler: its cache would serve one user's answer to another."""
    if getattr(handler, CACHED, False):
        raise TypeError(f"{handler.__name__} is cached by path and query only; a signed route answers per user")
    bucket = ratelimit.bucket_of(method, path)
    cost = ratelimit.cost_of(method, path)
    needs_write = method != "GET"

    def authenticate(request: Request) -> Caller:
        svc = services(request)
        with svc.reading() as conn:
            return svc.authenticator.authenticate(
                conn,
                auth_headers(request.scope["headers"]),
                request.scope["method"],  # as signed: HEAD reaches GET routes too
                signed_path(request.scope),
                needs_write=needs_write,
                bucket=bucket,
                cost=cost,
            )

    if inspect.iscoroutinefunction(handler):

        async def endpoint(request: Request) -> Response:
            caller = await services(request).run_read(authenticate, request)
            return await handler(request, caller)

    else:

        def read(request: Request) -> Response:
            return handler(request, authenticate(request))  # type: ignore[return-value]

        async def endpoint(request: Request) -> Response:
            return await services(request).run_read(read, request)

    endpoint.__name__ = handler.__name__
    return Route(path, endpoint, methods=[method])


def auth_headers(raw: list[tuple[bytes, bytes]]) -> tuple[str | None, str | None, str | None]:
    found: dict[bytes, str] = {}
    for name, value in raw:
        if name in _HEADERS:  # ASGI servers give header names in lower case
            found.setdefault(name, value.decode("latin-1"))
    return tuple(found.get(name) for name in _HEADERS)  # type: ignore[return-value]


def signed_path(scope) -> str:
    # Clients sign the path exactly as they put it in the URL, /trade-api/v2 included.
    raw = scope.get("raw_path")
    return raw.decode("latin-1") if raw else scope["path"]
