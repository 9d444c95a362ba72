"""Routing of the Trade API: fixed paths first, and every operation of the spec answered.

Starlette's router tries each route's regex in turn; the Trade API has about a
hundred routes, so a request for one near the end pays for every one before it. A
fixed path (no `{parameter}`) and method is one lookup here, and a parameter path
scans only the routes that share its first segment; every miss or wrong method goes
through Starlette's own scan, so its 404/405 handling stays.

A literal segment wins over a parameter in the same place, as the API means it:
`/events/multivariate` over `/events/{event_ticker}`, `/markets/trades` over
`/markets/{ticker}`. So a spec operation that is not served yet gets its own route
answering 501, which keeps it from falling into a template route.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette._utils import get_route_path
from starlette.requests import Request
from starlette.routing import BaseRoute, Match, Route, Router

from ..errors import NotServed


class IndexedRouter(Router):
    def __init__(self, routes: list[BaseRoute]) -> None:
        # No redirect from `/markets/` to `/markets`: a path is served as written, or it is a 404.
        super().__init__(routes=routes, redirect_slashes=False)
        self._fixed = {
            (r.path, method): r
            for r in routes
            if isinstance(r, Route) and "{" not in r.path
            for method in r.methods or ()
        }
        # Parameter routes by their first segment, in routing order: a request scans only its own.
        self._templates: dict[str, list[Route]] = {}
        for r in routes:
            if isinstance(r, Route) and "{" in r.path:
                self._templates.setdefault(_first_segment(r.path), []).append(r)

    async def app(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            path = get_route_path(scope)
            fixed = self._fixed.get((path, scope["method"]))
            for route in (fixed,) if fixed else self._templates.get(_first_segment(path), ()):
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope.update(child_scope)
                    await route.handle(scope, receive, send)
                    return
        await super().app(scope, receive, send)  # misses and wrong methods: Starlette's 404 and 405


def _first_segment(path: str) -> str:
    return path.split("/", 2)[1] if path.startswith("/") else ""


def with_unserved(served: list[BaseRoute], operations: Iterable[tuple[str, str]]) -> list[BaseRoute]:
    """`served` plus a 501 route for each (METHOD, path template) of `operations` that
    no served route handles, ordered so that literal segments are tried before parameters."""
    handled = {(r.path, method) for r in served if isinstance(r, Route) for method in r.methods or ()}
    missing: dict[str, list[str]] = {}
    for method, path in operations:
        if (path, method) not in handled:
            missing.setdefault(path, []).append(method)
    unserved = [Route(path, _not_served(path), methods=methods) for path, methods in missing.items()]
    return sorted([*served, *unserved], key=_specificity)


def _specificity(route: BaseRoute) -> tuple[bool, ...]:
    # Paths of different lengths never overlap; among equal lengths, a literal (False) sorts first.
    path = getattr(route, "path", "")
    return tuple(segment.startswith("{") for segment in path.split("/"))


def _not_served(path: str):
    async def not_served(request: Request):
        raise NotServed(f"{request.method} {path} is part of the Trade API but kalshi-local does not serve it yet")

    return not_served
