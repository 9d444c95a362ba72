"""Routes whose handlers may block: the one way every handler reaches the store.

A handler that only reads is a plain `def`: `route` runs it where reads belong
(Services.run_read: inline on SQLite, on a read thread on PostgreSQL). A handler
that awaits its body or writes is an `async def`: it decodes the body on the loop
and hands each blocking step to Services.run_write or run_cpu itself.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .responses import services


def route(path: str, handler: Callable, method: str = "GET") -> Route:
    return Route(path, endpoint(handler), methods=[method])


def endpoint(handler: Callable[[Request], Response]) -> Callable:
    """`handler` as an ASGI endpoint: an `async def` as it is, a `def` through run_read."""
    if inspect.iscoroutinefunction(handler):
        return handler

    async def read(request: Request) -> Response:
        return await services(request).run_read(handler, request)

    read.__name__ = handler.__name__
    return read
