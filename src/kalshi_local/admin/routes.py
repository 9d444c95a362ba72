"""The admin API under /admin/v1: catalog writes, live-data pushes, the clock, orders, RFQs
and quotes, scenarios and reset. Everything but /health needs the admin bearer token."""

from __future__ import annotations

import hmac
from collections.abc import Callable

from starlette.requests import Request
from starlette.routing import Route

from ..api.endpoints import endpoint, route
from ..api.responses import json_response, services
from ..errors import Unauthorized
from . import catalog, clock, docs, exchange, historical, lifecycle, orders, scenarios, subaccounts, users, ws_faults
from . import communications as rfqs
from . import multivariate as mve
from . import order_groups as groups

PREFIX = "/admin/v1"


def require_admin(request: Request) -> None:
    """Raises Unauthorized (401) naming what is wrong: no header, another scheme, no token or a wrong one."""
    expected = services(request).settings.admin_token
    header = request.headers.get("authorization", "").strip()
    if not header:
        raise Unauthorized("admin API needs the header 'Authorization: Bearer <admin token>'")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer":
        raise Unauthorized(f"the Authorization header must use the Bearer scheme, not {scheme[:20]!r}")
    if not token.strip():
        raise Unauthorized("the Authorization header has no token after 'Bearer'")
    if not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise Unauthorized(
            "the admin token in the Authorization header is wrong (serve prints it on start; --admin-token sets it)"
        )


def _admin_only(handler: Callable) -> Callable:
    run = endpoint(handler)  # a plain `def` reads through Services.run_read

    async def guarded(request: Request):
        require_admin(request)
        return await run(request)

    return guarded


def health(request: Request):
    with services(request).reading() as conn:
        conn.exec_driver_sql("SELECT 1")
    return json_response({"status": "ok"})


routes = [route("/health", health)] + [
    Route(r.path, _admin_only(r.endpoint), methods=sorted(r.methods - {"HEAD"}))
    for module in (catalog, exchange, clock, lifecycle, historical, scenarios, users, subaccounts, orders, groups)
    + (rfqs, ws_faults, mve, docs)
    for r in module.routes
]
