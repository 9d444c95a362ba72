"""Admin request bodies: JSON decoded into the scenario shapes."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

import msgspec
from starlette.requests import Request

from ..api.bodies import convert, json_body
from ..api.responses import services
from ..errors import InvalidParameter

T = TypeVar("T")


async def decode(request: Request, shape: type[T], key: str | None = None) -> T:
    """The body as `shape`. With `key`, the body's `key` field may be left out and
    then comes from the path; when given it must match the path."""
    data = await json_body(request)
    if key is not None and isinstance(data, dict):
        expected = request.path_params[key]
        found = data.setdefault(key, expected)
        if found != expected:
            raise InvalidParameter(f"$.{key}: {found!r} does not match the path ({expected!r})")
    return convert(data, shape)


def to_json(spec: msgspec.Struct) -> dict:
    """A shape as the JSON object a client would send to recreate it (decimals stay
    Decimal: json_response writes them as JSON numbers, exactly)."""
    return msgspec.to_builtins(spec, builtin_types=(Decimal,))


def now_us(request: Request) -> int:
    return services(request).clock.now_us()
