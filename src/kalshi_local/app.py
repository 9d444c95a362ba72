"""Builds the ASGI app: the Trade API, the admin API, errors and start-up."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Mount, Router

from . import api, ws
from .admin import routes as admin
from .api.nul_guard import NulGuard
from .api.responses import json_response
from .api.routing import IndexedRouter
from .api.shortcut import Shortcut
from .engine import wiring
from .errors import ApiError, BadRequest, NotFound
from .services import Services
from .store.cursors import InvalidCursor

log = logging.getLogger("kalshi_local")


async def _api_error(_request: Request, exc: ApiError):
    return json_response(exc.body(), status=exc.status)


async def _invalid_cursor(request: Request, exc: InvalidCursor):
    return await _api_error(request, BadRequest(str(exc)))


async def _http_error(request: Request, exc: HTTPException):
    error: ApiError
    if exc.status_code == 404:
        error = NotFound(f"no route for {request.method} {request.url.path}")
    elif exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        error = ApiError(f"{request.method} is not allowed on {request.url.path}; allowed: {allowed}")
        error.status, error.code = 405, "method_not_allowed"
    else:
        error = ApiError(exc.detail or "request failed")
        error.status = exc.status_code
        error.code = "bad_request"
    response = await _api_error(request, error)
    response.headers.update(exc.headers or {})  # e.g. Allow on a 405
    return response


async def _client_gone(request: Request, _exc: ClientDisconnect) -> Response:
    # The client closed the connection before its body arrived: nobody reads the answer.
    log.debug("client left before its body arrived: %s %r", request.method, request.url.path)
    return Response(status_code=400)


async def _unexpected(request: Request, exc: Exception):
    log.exception("unhandled error on %s %r", request.method, request.url.path)
    return await _api_error(request, ApiError("internal server error"))


def build_app(services: Services) -> Shortcut:
    """The ASGI app: Starlette, behind the short way in for fixed Trade API paths (api/shortcut.py)."""
    @asynccontextmanager
    async def lifespan(_app):
        wiring.start(services)  # the trading engine (engine/wiring.py)
        ws.start(services)  # the WebSocket gateway, fed by the engine's events
        yield
        wiring.stop(services)
        services.close()

    # Each handler takes its own exception class; Starlette picks it by the exception's MRO.
    handlers: dict[Any, Callable[..., Awaitable[Response]]] = {
        ApiError: _api_error,
        InvalidCursor: _invalid_cursor,
        HTTPException: _http_error,
        ClientDisconnect: _client_gone,
        Exception: _unexpected,
    }
    trade_api = api.routes()
    app = Starlette(
        routes=[
            *ws.routes(),
            Mount(api.PREFIX, app=IndexedRouter(trade_api)),
            Mount(admin.PREFIX, app=Router(admin.routes, redirect_slashes=False)),
        ],
        exception_handlers=handlers,
        middleware=[Middleware(NulGuard)],
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # `/trade-api/v2` without its slash is a 404 too, not a redirect
    app.state.services = services
    return Shortcut(app, api.PREFIX, trade_api, handlers)
