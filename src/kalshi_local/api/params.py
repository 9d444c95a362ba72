"""Reading query parameters the way Kalshi clients send them.

Booleans are `true`/`false`, arrays are repeated parameters (`ids=a&ids=b`),
datetimes are RFC 3339 or the SDK's `2030-01-04T12:00:00.000000+0000`.
Every failure names the parameter.
"""

from __future__ import annotations

from typing import Sequence

from starlette.datastructures import QueryParams

from ..errors import InvalidParameter, MissingParameter
from ..exchange.clock import MICROS, parse_datetime

_TRUE = {"true", "1"}
_FALSE = {"false", "0"}
INT64_MAX = 2**63 - 1
MAX_TIMESTAMP_S = INT64_MAX // MICROS


class Query:
    def __init__(self, params: QueryParams) -> None:
        self._params = params

    def _raw(self, name: str, required: bool) -> str | None:
        value = self._params.get(name)
        if value is None or value == "":
            if required:
                raise MissingParameter(f"{name} is required")
            return None
        return value

    def str(self, name: str, required: bool = False) -> str | None:
        return self._raw(name, required)

    def int(
        self,
        name: str,
        default: int | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
        required: bool = False,
    ) -> int | None:
        raw = self._raw(name, required)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise InvalidParameter(f"{name} must be an integer, got {raw!r}") from None
        if abs(value) > INT64_MAX:
            raise InvalidParameter(f"{name} is out of range: {raw}")
        if minimum is not None and value < minimum:
            raise InvalidParameter(f"{name} must be at least {minimum}, got {value}")
        if maximum is not None and value > maximum:
            raise InvalidParameter(f"{name} must be at most {maximum}, got {value}")
        return value

    def timestamp_us(self, name: str) -> int | None:
        """A Unix timestamp in seconds, returned in microseconds (bounded so it fits a BIGINT)."""
        seconds = self.int(name, minimum=-MAX_TIMESTAMP_S, maximum=MAX_TIMESTAMP_S)
        return None if seconds is None else seconds * MICROS

    def bool(self, name: str, default: bool = False) -> bool:
        raw = self._raw(name, False)
        if raw is None:
            return default
        lowered = raw.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise InvalidParameter(f"{name} must be true or false, got {raw!r}")

    def enum(self, name: str, choices: Sequence[str], default: str | None = None) -> str | None:
        raw = self._raw(name, False)
        if raw is None:
            return default
        if raw not in choices:
            raise InvalidParameter(f"{name} must be one of {', '.join(choices)}; got {raw!r}")
        return raw

    def datetime_us(self, name: str) -> int | None:
        raw = self._raw(name, False)
        if raw is None:
            return None
        try:
            return parse_datetime(raw)
        except (ValueError, OverflowError):
            raise InvalidParameter(f"{name} must be an RFC 3339 date-time, got {raw!r}") from None

    def list(self, name: str, max_items: int | None = None, required: bool = False) -> list[str]:
        """A repeated parameter; a comma-separated value is split as well."""
        values = [part for raw in self._params.getlist(name) for part in raw.split(",") if part]
        if required and not values:
            raise MissingParameter(f"{name} is required")
        if max_items is not None and len(values) > max_items:
            raise InvalidParameter(f"{name} accepts at most {max_items} values, got {len(values)}")
        return values
