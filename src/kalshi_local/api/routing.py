"""A router that finds fixed paths by dictionary lookup.

Starlette's router tries each route's regex in turn; the Trade API has dozens
of routes, so a request for one near the end pays for every one before it. A
fixed path (no `{parameter}`) and method is now one lookup; the rest, and every miss or
wrong method, go through Starlette's own scan, so its 404/405 handling stays.
A fixed path also wins over a parameter route it overlaps (`/events/multivariate`
over `/events/{event_ticker}`), which is what the API means.
"""

from __future__ import annotations

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Match, Route, Router


class IndexedRouter(Router):
    def __init__(self, routes: list[BaseRoute]) -> None:
        super().__init__(routes=routes)
        self._fixed = {
            (r.path, method): r
            for r in routes
            if isinstance(r, Route) and "{" not in r.path
            for method in r.methods or ()
        }

    async def app(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            route = self._fixed.get((get_route_path(scope), scope["method"]))
            if route is not None:
                match, child_scope = route.matches(scope)
                if match is Match.FULL:
                    scope.update(child_scope)
                    await route.handle(scope, receive, send)
                    return
        await super().app(scope, receive, send)
