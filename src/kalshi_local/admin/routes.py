"""The admin API: catalog writes, live-data pushes, reset. Bearer-token protected."""

from __future__ import annotations

import hmac

from starlette.requests import Request
from starlette.routing import Route

from ..api.responses import json_response, services
from ..errors import Unauthorized

PREFIX = "/admin/v1"


def require_admin(request: Request) -> None:
    expected = services(request).settings.admin_token
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), expected.encode()):
        raise Unauthorized("admin API needs the header 'Authorization: Bearer <admin token>'")


async def health(request: Request):
    with services(request).engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
    return json_response({"status": "ok"})


routes = [
    Route("/health", health, methods=["GET"]),
]
