"""Reading query parameters the way Kalshi clients send them.

Booleans are `true`/`false`, arrays are repeated parameters (`ids=a&ids=b`),
datetimes are RFC 3339 or the SDK's `2030-01-04T12:00:00.000000+0000`.
Integers are read as Kalshi's server reads them (Go's strconv): an optional
sign and ASCII digits only, within 64 bits; `1_000`, ` 12`, `1e3` or non-ASCII
digits are refused. Every failure names the parameter.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Sequence
from typing import Literal, overload

from starlette.datastructures import QueryParams

from ..errors import InvalidParameter, MissingParameter
from ..exchange.clock import MAX_US, MICROS, MIN_US, parse_datetime

_TRUE = {"true", "1"}
_FALSE = {"false", "0"}
INT64_MAX = 2**63 - 1
# Timestamps are bounded to what a date-time can show (years 0001 to 9999).
MIN_TIMESTAMP_S = -(-MIN_US // MICROS)
MAX_TIMESTAMP_S = MAX_US // MICROS
_INTEGER = re.compile(r"[+-]?[0-9]+")


def parse_int(text: str) -> int | None:
    """A Go-style base-10 int64: optional sign, ASCII digits. None if `text` is not one."""
    if not _INTEGER.fullmatch(text) or len(text.lstrip("+-").lstrip("0")) > 19:
        return None
    value = int(text)
    return value if -INT64_MAX - 1 <= value <= INT64_MAX else None


class Query:
    """The query string of one request. Its methods are named after what they read, so
    the annotations here spell the builtins out (`builtins.int`)."""

    def __init__(self, params: QueryParams) -> None:
        self._params = params

    def _raw(self, name: builtins.str, required: builtins.bool) -> builtins.str | None:
        value = self._params.get(name)
        if value is None or value == "":
            if required:
                raise MissingParameter(f"{name} is required")
            return None
        return value

    def str(self, name: builtins.str, required: builtins.bool = False) -> builtins.str | None:
        return self._raw(name, required)

    @overload
    def int(
        self,
        name: builtins.str,
        default: builtins.int,
        minimum: builtins.int | None = None,
        maximum: builtins.int | None = None,
        required: builtins.bool = False,
    ) -> builtins.int: ...

    @overload
    def int(
        self,
        name: builtins.str,
        default: None = None,
        minimum: builtins.int | None = None,
        maximum: builtins.int | None = None,
        *,
        required: Literal[True],
    ) -> builtins.int: ...

    @overload
    def int(
        self,
        name: builtins.str,
        default: None = None,
        minimum: builtins.int | None = None,
        maximum: builtins.int | None = None,
        required: builtins.bool = False,
    ) -> builtins.int | None: ...

    def int(
        self,
        name: builtins.str,
        default: builtins.int | None = None,
        minimum: builtins.int | None = None,
        maximum: builtins.int | None = None,
        required: builtins.bool = False,
    ) -> builtins.int | None:
        raw = self._raw(name, required)
        if raw is None:
            return default
        value = parse_int(raw)
        if value is None:
            if _INTEGER.fullmatch(raw):
                raise InvalidParameter(f"{name} is out of range: {raw[:40]}")
            raise InvalidParameter(f"{name} must be an integer (ASCII digits), got {raw[:40]!r}")
        if minimum is not None and value < minimum:
            raise InvalidParameter(f"{name} must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise InvalidParameter(f"{name} must be at most {maximum}, got {value}")
        return value

    def timestamp_us(self, name: builtins.str) -> builtins.int | None:
        """A Unix timestamp in seconds, returned in microseconds (bounded so it fits a BIGINT)."""
        seconds = self.int(name, minimum=MIN_TIMESTAMP_S, maximum=MAX_TIMESTAMP_S)
        return None if seconds is None else seconds * MICROS

    def bool(self, name: builtins.str, default: builtins.bool = False) -> builtins.bool:
        raw = self._raw(name, False)
        if raw is None:
            return default
        lowered = raw.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise InvalidParameter(f"{name} must be true or false, got {raw[:40]!r}")

    @overload
    def enum(self, name: builtins.str, choices: Sequence[builtins.str], default: builtins.str) -> builtins.str: ...

    @overload
    def enum(
        self, name: builtins.str, choices: Sequence[builtins.str], default: None = None
    ) -> builtins.str | None: ...

    def enum(
        self, name: builtins.str, choices: Sequence[builtins.str], default: builtins.str | None = None
    ) -> builtins.str | None:
        raw = self._raw(name, False)
        if raw is None:
            return default
        if raw not in choices:
            raise InvalidParameter(f"{name} must be one of {', '.join(choices)}; got {raw[:60]!r}")
        return raw

    def datetime_us(self, name: builtins.str) -> builtins.int | None:
        raw = self._raw(name, False)
        if raw is None:
            return None
        try:
            return parse_datetime(raw)
        except (ValueError, OverflowError):
            raise InvalidParameter(
                f"{name} must be an RFC 3339 date-time in the years 0001 to 9999, got {raw[:60]!r}"
            ) from None

    def list(
        self, name: builtins.str, max_items: builtins.int | None = None, required: builtins.bool = False
    ) -> builtins.list[builtins.str]:
        """A repeated parameter; a comma-separated value is split as well."""
        values = [part for raw in self._params.getlist(name) for part in raw.split(",") if part]
        if required and not values:
            raise MissingParameter(f"{name} is required")
        if max_items is not None and len(values) > max_items:
            raise InvalidParameter(f"{name} accepts at most {max_items} values, got {len(values)}")
        return values
