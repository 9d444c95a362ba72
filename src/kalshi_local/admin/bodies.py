"""Admin request bodies: JSON decoded into the scenario shapes, and the
transaction every admin write runs in."""

from __future__ import annotations

import contextlib
from typing import Any, Iterator, TypeVar

import msgspec
from sqlalchemy import Connection
from sqlalchemy.exc import DataError
from starlette.requests import Request

from ..api.responses import services
from ..errors import ApiError, Conflict, InvalidParameter, NotFound
from ..scenario.shapes import describe
from ..store.bulk import RowError

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


async def json_body(request: Request, empty: Any = None) -> Any:
    body = await request.body()
    if not body.strip():
        return {} if empty is None else empty
    try:
        return msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise InvalidParameter(f"the body is not valid JSON: {exc}") from None


def convert(data: Any, shape: type[T]) -> T:
    try:
        return msgspec.convert(data, shape)
    except msgspec.ValidationError as exc:
        path, reason = describe(exc)
        raise InvalidParameter(f"{path}: {reason}") from None


def to_json(spec: msgspec.Struct) -> dict:
    """A shape as the JSON object a client would send to recreate it."""
    return msgspec.to_builtins(spec)


@contextlib.contextmanager
def transaction(request: Request) -> Iterator[Connection]:
    """One transaction per admin write. A RowError from the store becomes a 404
    (a missing reference) or a 409, another ValueError a 400."""
    with services(request).engine.begin() as conn:
        try:
            yield conn
        except RowError as exc:
            error: ApiError = Conflict(exc.message) if exc.conflict else NotFound(exc.message)
            raise error from None
        except ValueError as exc:  # a rule the store checks on write
            raise InvalidParameter(str(exc)) from None
        except DataError as exc:  # e.g. a NUL character, which PostgreSQL text cannot hold
            raise InvalidParameter(f"a value in the body cannot be stored: {exc.orig}") from None


def now_us(request: Request) -> int:
    return services(request).clock.now_us()
