"""The exchange clock: read it, and move a manual clock forward.

A move fires every timer due on the way (markets opening, closing and settling, orders
expiring) in time order, each due instant its own change, up to 64 to a durable engine batch
that saves the clock's time reached in the store (engine/timers.py).
"""

from __future__ import annotations

from typing import Annotated

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api.bodies import convert, json_body
from ..api.responses import json_response, services
from ..engine import timers
from ..errors import Conflict, InvalidParameter
from ..exchange.clock import MAX_US, MICROS, MIN_US, Clock, ManualClock, OutOfRange, check_range, to_rfc3339
from ..models.inputs import time_us
from ..store import clock as clock_store

# No move can take the clock past 9999-12-31 (exchange.clock.MAX_US); this bound
# only keeps the arithmetic small.
_MAX_ADVANCE_S = (MAX_US - MIN_US) // MICROS


class ClockMove(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Exactly one of: seconds to move forward, or the RFC 3339 time to move to."""

    advance_seconds: Annotated[int, msgspec.Meta(ge=0, le=_MAX_ADVANCE_S)] | None = None
    set: str | None = None


async def get_clock(request: Request) -> Response:
    return json_response(_clock(services(request).clock))


async def move_clock(request: Request) -> Response:
    move = convert(await json_body(request), ClockMove)
    clock = services(request).clock
    if not isinstance(clock, ManualClock):
        raise Conflict("the server runs on the real clock; start it with --clock manual to move time")
    target = _target(clock, move)
    try:
        check_range(target)
    except OutOfRange:
        field = "$.set" if move.set is not None else "$.advance_seconds"
        raise InvalidParameter(f"{field}: the clock cannot move past {to_rfc3339(MAX_US)}") from None
    svc = services(request)
    if svc.trading is None:  # no engine here: no timer fires; the time is saved all the same
        await svc.run_write(clock_store.save, "manual", target)
        clock.set(target)
    else:
        await timers.advance(svc.trading, clock, target)
    return json_response(_clock(clock))


def _target(clock: ManualClock, move: ClockMove) -> int:
    if (move.advance_seconds is None) == (move.set is None):
        raise InvalidParameter("give exactly one of advance_seconds or set")
    if move.advance_seconds is not None:
        return clock.now_us() + move.advance_seconds * MICROS
    assert move.set is not None  # one of the two is given (checked above)
    try:
        target = time_us(move.set)
    except (ValueError, OverflowError):
        raise InvalidParameter(
            f"$.set: must be an RFC 3339 date-time in the years 0001 to 9999, got {move.set[:60]!r}"
        ) from None
    if target < clock.now_us():
        now = to_rfc3339(clock.now_us())
        raise InvalidParameter(f"$.set: {move.set} is before the clock ({now}); time never moves back")
    return target


def _clock(clock: Clock) -> dict:
    now = clock.now_us()
    return {"kind": getattr(clock, "kind", "real"), "now": to_rfc3339(now), "now_us": now}


routes = [
    Route("/clock", get_clock, methods=["GET"]),
    Route("/clock", move_clock, methods=["POST"]),
]
