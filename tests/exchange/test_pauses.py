"""Exchange pauses in the pure venue (exchange/pauses.py) and the schedule arithmetic behind them
(exchange/hours.py): which operations each pause refuses, cancel_order_on_pause on the clock and
on a switch, and that the trading state never changes between the instants next_change names."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kalshi_local.exchange import errors
from kalshi_local.exchange.clock import MICROS, parse_datetime, to_rfc3339
from kalshi_local.exchange.events import OrderChanged
from kalshi_local.exchange.hours import DAYS, in_standard_hours, next_change, next_open, status_of
from kalshi_local.exchange.market_commands import Tick
from kalshi_local.exchange.orders import AmendOrder, CancelOrder, DecreaseOrder
from kalshi_local.exchange.pauses import SetExchangeState
from kalshi_local.models.inputs import DailyScheduleIn, ExchangeIn, MaintenanceWindowIn, WeeklyScheduleIn

from .venues import DOLLAR, make_venue, order

T0 = parse_datetime("2027-07-13T12:00:00Z")
OPEN = ExchangeIn()


def rest_two(venue):
    """User 1's resting bids in CENT: one kept through pauses, one with cancel_order_on_pause; their
    ids and what user 1 has reserved with only the kept one resting."""
    kept = venue.apply(order(1, "CENT", "bid", 3000, 500), T0).order
    kept_only = venue.account(1).reserved
    flagged = venue.apply(order(1, "CENT", "bid", 2000, 400, cancel_order_on_pause=True), T0).order
    assert venue.account(1).reserved > kept_only
    return kept.order_id, flagged.order_id, kept_only


def amend(order_id: str) -> AmendOrder:
    return AmendOrder(1, order_id, "CENT", "bid", 3100, 500)


@pytest.mark.parametrize(
    ("state", "refused", "code"),
    [
        (ExchangeIn(trading_active=False), ("create", "amend"), "trading_paused"),
        (ExchangeIn(exchange_active=False), ("create", "amend", "decrease", "cancel"), "exchange_paused"),
    ],
)
def test_a_switch_refuses_what_its_pause_refuses_and_cancels_flagged_orders(state, refused, code):
    venue = make_venue()
    kept, flagged, kept_only = rest_two(venue)
    outcome = venue.apply(SetExchangeState(state), T0 + 1)
    cancelled = [e for e in outcome.events if isinstance(e, OrderChanged)]
    assert [(e.order.order_id, e.order.status) for e in cancelled] == [(flagged, "canceled")]
    assert venue.order(flagged) is None and venue.order(kept) is not None
    assert venue.account(1).reserved == kept_only  # the flagged bid's collateral is free again
    commands = {
        "create": order(1, "CENT", "bid", 1000, 100),
        "amend": amend(kept),
        "decrease": DecreaseOrder(1, kept, reduce_by=100),
        "cancel": CancelOrder(1, kept),
    }
    for name, command in commands.items():
        if name in refused:
            with pytest.raises(errors.TradingError) as caught:
                venue.apply(command, T0 + 2)
            assert caught.value.code == code, name
        else:
            venue.apply(command, T0 + 2)
    venue.apply(SetExchangeState(OPEN), T0 + 3)
    venue.apply(order(1, "CENT", "bid", 1000, 100), T0 + 3)  # open again


def test_a_maintenance_window_cancels_flagged_orders_when_the_clock_reaches_it():
    venue = make_venue()
    start = T0 + 3600 * MICROS
    window = MaintenanceWindowIn(start_datetime=_text(start), end_datetime=_text(start + 7200 * MICROS))
    venue.apply(SetExchangeState(ExchangeIn(maintenance_windows=[window])), T0)
    _, flagged, kept_only = rest_two(venue)
    assert venue.next_due() == start
    venue.apply(Tick(start - 1), start - 1)
    assert venue.order(flagged) is not None and venue.pause is None
    outcome = venue.apply(Tick(start), start)
    assert venue.order(flagged) is None and venue.pause == "trading"
    assert venue.account(1).reserved == kept_only
    assert [e.order.status for e in outcome.events if isinstance(e, OrderChanged)] == ["canceled"]
    assert venue.next_due() == start + 7200 * MICROS
    venue.apply(Tick(start + 7200 * MICROS), start + 7200 * MICROS)
    assert venue.pause is None and venue.next_due() is None


def test_a_rebuilt_venue_inside_a_pause_cancels_flagged_orders_at_its_first_tick():
    venue = make_venue()
    _, flagged, kept_only = rest_two(venue)
    venue.use_exchange_state(ExchangeIn(trading_active=False), T0 + 5)
    assert venue.next_due() == T0 + 5
    venue.apply(Tick(T0 + 5), T0 + 5)
    assert venue.order(flagged) is None
    assert venue.account(1).reserved == kept_only and venue.account(1).balance == 100 * DOLLAR


def _text(us: int) -> str:
    return to_rfc3339(us)


# --- the schedule: status never changes between the instants next_change names -----------------

_MINUTES = st.integers(0, 96).map(lambda q: q * 15)  # quarter hours, 00:00 to 24:00


@st.composite
def weeks(draw):
    sessions = {}
    for day in DAYS:
        a, b = sorted(draw(st.lists(_MINUTES, min_size=0, max_size=2, unique=True)) + [0, 0])[-2:]
        sessions[day] = [DailyScheduleIn(open_time=_hhmm(a), close_time=_hhmm(b))] if a < b else []
    start = T0 - draw(st.integers(0, 20)) * 86_400 * MICROS
    end = T0 + draw(st.integers(1, 20)) * 86_400 * MICROS
    return WeeklyScheduleIn(start_time=_text(start), end_time=_text(end), **sessions)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@settings(max_examples=60, deadline=None)
@given(week=weeks(), offset=st.integers(0, 7 * 86_400), steps=st.lists(st.floats(0, 1), min_size=1, max_size=8))
def test_the_trading_state_holds_until_next_change(week, offset, steps):
    state = ExchangeIn(standard_hours=[week])
    now = T0 + offset * MICROS
    following = next_change(state, now)
    assert following is None or following > now
    horizon = following if following is not None else now + 8 * 86_400 * MICROS
    here = status_of(state, now).trading_active
    for step in steps:
        at = now + int((horizon - now) * step) // MICROS * MICROS
        if at < horizon:
            assert status_of(state, at).trading_active == here
    if not here:
        resume = next_open([week], now)
        if resume is not None:
            assert resume > now and in_standard_hours([week], resume)
            assert not in_standard_hours([week], resume - 60 * MICROS) or resume == parse_datetime(week.start_time)
