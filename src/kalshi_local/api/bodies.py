"""Request bodies: JSON decoded into msgspec shapes."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
from starlette.requests import Request

from ..errors import InvalidParameter, PayloadTooLarge
from ..models.inputs import describe, find_nul

T = TypeVar("T")

MAX_JSON_BODY = 1 << 20  # bytes: a single object (a series, a user, an API key...) is far smaller


async def decode(request: Request, shape: type[T]) -> T:
    return convert(await json_body(request), shape)


async def json_body(request: Request, empty: Any = None) -> Any:
    """The body as JSON (`empty`, default {}, when blank). Raises PayloadTooLarge past
    MAX_JSON_BODY bytes, InvalidParameter for invalid JSON, text that is not UTF-8 or
    nesting too deep to decode, or a NUL character in a string."""
    body = await read_body(request, MAX_JSON_BODY)
    if not body.strip():
        return {} if empty is None else empty
    try:
        data = msgspec.json.decode(body)
        if b"\\u0000" in body:  # JSON writes NUL only as this escape (raw control bytes are invalid)
            found = find_nul(data)
            if found:
                raise InvalidParameter(found)
        return data
    except msgspec.DecodeError as exc:
        raise InvalidParameter(f"the body is not valid JSON: {exc}") from None
    except UnicodeDecodeError as exc:
        raise InvalidParameter(f"the body is not UTF-8: {exc.reason} at byte {exc.start}") from None
    except RecursionError:
        raise InvalidParameter("the body is nested too deeply") from None


async def read_body(request: Request, limit: int, advice: str = "") -> bytes:
    """The raw body, read piece by piece. Raises PayloadTooLarge as soon as it passes
    `limit` bytes, or before reading when Content-Length already says so (`advice`
    ends the message: what to do instead)."""
    declared = request.headers.get("content-length", "")
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit, advice)
    pieces: list[bytes] = []
    size = 0
    async for piece in request.stream():
        size += len(piece)
        if size > limit:
            raise _too_large(limit, advice)
        pieces.append(piece)
    return b"".join(pieces)


def _too_large(limit: int, advice: str) -> PayloadTooLarge:
    return PayloadTooLarge(f"the body is larger than {_size(limit)} ({limit} bytes){advice}")


def _size(limit: int) -> str:
    return f"{limit / 2**20:g} MiB" if limit >= 2**20 else f"{limit / 2**10:g} KiB"


def convert(data: Any, shape: type[T]) -> T:
    try:
        return msgspec.convert(data, shape)
    except msgspec.ValidationError as exc:
        path, reason = describe(exc)
        raise InvalidParameter(f"{path}: {reason}") from None
    except RecursionError:
        raise InvalidParameter("the body is nested too deeply") from None
