"""Refuses NUL bytes in the path or query before they reach a handler.

PostgreSQL cannot store or compare text with NUL in it, so such a value would
fail deep in the driver; here it becomes a 400 that says what was wrong.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from ..errors import InvalidParameter
from .responses import json_response


class NulGuard:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            problem = find_nul(scope)
            if problem:
                response = json_response(InvalidParameter(problem).body(), status=400)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def find_nul(scope) -> str | None:
    if "\x00" in scope["path"]:
        return "the path contains a NUL byte"
    query = scope.get("query_string", b"")
    if b"%00" in query or b"\x00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return f"query parameter {name.strip(chr(0))!r} contains a NUL byte"
    return None
