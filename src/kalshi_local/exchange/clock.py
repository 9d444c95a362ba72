"""The exchange clock: the one source of "now" for the whole exchange.

Times are integers of microseconds since the Unix epoch (UTC). A real clock
follows the wall clock; a manual clock moves only when told, so tests and
simulations decide when markets open, close and settle.
"""

from __future__ import annotations

import functools
import time
from datetime import UTC, date, datetime, timedelta

MICROS = 1_000_000
_EPOCH = date(1970, 1, 1)
_DAY_US = 86_400 * MICROS
# The instants an RFC 3339 date-time can name (years 0001 to 9999): every time
# the exchange holds or parses stays inside, so it can always be rendered.
MIN_US = (date.min - _EPOCH).days * _DAY_US
MAX_US = (date.max - _EPOCH).days * _DAY_US + _DAY_US - 1


class OutOfRange(ValueError):
    """A time outside MIN_US..MAX_US (years 0001 to 9999)."""


def check_range(us: int) -> int:
    """`us` itself; raises OutOfRange when it is outside years 0001 to 9999."""
    if not MIN_US <= us <= MAX_US:
        raise OutOfRange("the time is outside the years 0001 to 9999")
    return us


class Clock:
    def now_us(self) -> int:
        raise NotImplementedError

    def now_s(self) -> int:
        return self.now_us() // MICROS


class RealClock(Clock):
    kind = "real"

    def now_us(self) -> int:
        return time.time_ns() // 1000


class ManualClock(Clock):
    kind = "manual"

    def __init__(self, start_us: int | None = None) -> None:
        self._now = check_range(time.time_ns() // 1000 if start_us is None else start_us)

    def now_us(self) -> int:
        return self._now

    def set(self, now_us: int) -> None:
        """Raises ValueError (OutOfRange past 9999-12-31) and leaves the clock as it was."""
        if now_us < self._now:
            raise ValueError("the manual clock never moves backwards")
        self._now = check_range(now_us)

    def advance(self, seconds: float | int) -> None:
        """Raises ValueError as `set` does (also for an infinite or NaN step)."""
        try:
            step = int(seconds * MICROS)
        except OverflowError:
            raise OutOfRange("the time is outside the years 0001 to 9999") from None
        self.set(self._now + step)


def make_clock(kind: str) -> Clock:
    if kind == "real":
        return RealClock()
    if kind == "manual":
        return ManualClock()
    raise ValueError(f"clock must be 'real' or 'manual', got {kind!r}")


@functools.lru_cache(maxsize=8192)
def _date(days: int) -> str:
    return (_EPOCH + timedelta(days=days)).isoformat()


def to_rfc3339(us: int) -> str:
    """`2026-01-04T12:00:00Z`, with microseconds only when they are not zero."""
    # Rendered on every catalog row, so it avoids strftime: the date part is cached per day.
    seconds, micros = divmod(us, MICROS)
    days, second_of_day = divmod(seconds, 86_400)
    hours, rest = divmod(second_of_day, 3600)
    minutes, secs = divmod(rest, 60)
    stamp = f"{_date(days)}T{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{stamp}.{micros:06d}Z" if micros else f"{stamp}Z"


def parse_datetime(text: str) -> int:
    """RFC 3339 (`...Z`, `...+00:00`) and the SDK form `...+0000`, to microseconds.

    A value without a zone is taken as UTC. Raises ValueError for text that is
    not a date-time, and OutOfRange (a ValueError) when the instant in UTC falls
    outside the years 0001 to 9999.
    """
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    delta = parsed - datetime(1970, 1, 1, tzinfo=UTC)
    return check_range((delta.days * 86_400 + delta.seconds) * MICROS + delta.microseconds)
