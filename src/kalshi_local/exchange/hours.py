"""Whether the exchange trades at a given time: switches, maintenance windows
and the weekly schedule (standard hours are Eastern Time), and when that next changes.

Docs: getting_started/maintenance_and_pauses.md. A maintenance window is a trading
pause; `exchange_active` false is an exchange pause; outside the weekly schedule
trading is paused until the next session opens (the estimated resume time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
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
    elif window is not None:
        resume = parse_datetime(window.end_datetime)
    elif not trading and current.exchange_active and current.trading_active:
        resume = next_open(current.standard_hours, now_us)  # outside the weekly schedule
    else:
        resume = None  # an admin pause with no resume time given
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


_LOOKAHEAD_DAYS = 8  # every session of a week recurs within this many days


def next_change(current: Any, now_us: int) -> int | None:
    """The earliest instant after `now_us` (microseconds) at which `status_of` may change, None
    when it never does. A session edge within the next week counts only if trading flips there;
    a maintenance window's or a weekly schedule's start or end always counts (what follows it
    is not looked at). Between those, trading follows a weekly pattern: a week with no flip has
    none until the next such start or end."""
    bounds = [
        at
        for w in current.maintenance_windows
        for at in (parse_datetime(w.start_datetime), parse_datetime(w.end_datetime))
    ]
    for week in current.standard_hours:
        bounds += (parse_datetime(week.start_time), parse_datetime(week.end_time))
    structural = min((at for at in bounds if at > now_us), default=None)
    trading = status_of(current, now_us).trading_active
    for at in sorted(set(_session_edges(current.standard_hours, now_us))):
        if at <= now_us:
            continue
        if structural is not None and at >= structural:
            break
        if status_of(current, at).trading_active != trading:
            return at
    return structural


def next_open(weeks: list[Any], now_us: int) -> int | None:
    """The first instant after `now_us` inside the weekly schedule, None if none within a week."""
    opens = _session_edges(weeks, now_us, closes=False) + [parse_datetime(week.start_time) for week in weeks]
    return next((at for at in sorted(opens) if at > now_us and in_standard_hours(weeks, at)), None)


def _session_edges(weeks: list[Any], now_us: int, closes: bool = True) -> list[int]:
    """Session opens (and closes) of the next _LOOKAHEAD_DAYS days, as instants."""
    if not weeks:
        return []
    today = datetime.fromtimestamp(now_us // MICROS, tz=EASTERN).date()
    edges: list[int] = []
    for offset in range(-1, _LOOKAHEAD_DAYS):
        day = today + timedelta(days=offset)
        for week in weeks:
            for session in getattr(week, DAYS[day.weekday()]):
                edges.append(_instant(day, session.open_time))
                if closes:
                    edges.append(_instant(day, session.close_time))
    return edges


def _instant(day: date, hhmm: str) -> int:
    """Wall-clock `hhmm` ("24:00": the next midnight) on `day` in Eastern Time, in microseconds."""
    minutes = _minutes(hhmm)
    hour, minute = divmod(minutes % 1440, 60)
    local = datetime.combine(day + timedelta(days=minutes // 1440), time(hour, minute), EASTERN)
    return int(local.timestamp()) * MICROS
