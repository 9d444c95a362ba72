"""Whether the exchange trades at a given time: switches, maintenance windows
and the weekly schedule (standard hours are Eastern Time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from .clock import MICROS, parse_datetime

EASTERN = ZoneInfo("America/New_York")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


@dataclass(frozen=True, slots=True)
class Status:
    exchange_active: bool
    trading_active: bool
    resume_us: int | None


def status_of(current: Any, now_us: int) -> Status:
    """`current` has the fields of the exchange state (models.inputs.ExchangeIn)."""
    window = next(
        (
            w
            for w in current.maintenance_windows
            if parse_datetime(w.start_datetime) <= now_us < parse_datetime(w.end_datetime)
        ),
        None,
    )
    trading = (
        current.exchange_active
        and current.trading_active
        and window is None
        and in_standard_hours(current.standard_hours, now_us)
    )
    resume: int | None
    if current.exchange_estimated_resume_time is not None:
        resume = parse_datetime(current.exchange_estimated_resume_time)
    else:
        resume = None if window is None else parse_datetime(window.end_datetime)
    return Status(exchange_active=current.exchange_active, trading_active=trading, resume_us=resume)


def in_standard_hours(weeks: list[Any], now_us: int) -> bool:
    """True with no weekly schedule; otherwise inside a session of a week in effect now."""
    if not weeks:
        return True
    local = datetime.fromtimestamp(now_us // MICROS, tz=EASTERN)
    minute = local.hour * 60 + local.minute
    day = DAYS[local.weekday()]
    return any(
        parse_datetime(week.start_time) <= now_us < parse_datetime(week.end_time)
        and any(_minutes(s.open_time) <= minute < _minutes(s.close_time) for s in getattr(week, day))
        for week in weeks
    )


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)
