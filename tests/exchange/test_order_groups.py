"""Order groups in the pure venue (exchange/order_groups.py): the contracts limit over a rolling
15-second window of matched contracts (taker and maker), the automatic cancel when it is hit, the
refusal of new orders until a reset, trigger, delete, a limit update that triggers at once, and
ownership; a hypothesis check that the group triggers exactly when its window reaches the limit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kalshi_local.exchange import errors
from kalshi_local.exchange.clock import MICROS
from kalshi_local.exchange.order_groups import (
    WINDOW_US,
    CreateOrderGroup,
    DeleteOrderGroup,
    OrderGroupChanged,
    ResetOrderGroup,
    TriggerOrderGroup,
    UpdateOrderGroupLimit,
)
from kalshi_local.exchange.pauses import SetExchangeState
from kalshi_local.models.inputs import ExchangeIn

from .venues import make_venue, order

T0 = 1_800_000_000 * MICROS
C = 100  # one contract, raw


def group_of(venue, user: int = 1, limit: int = 10 * C, at: int = T0) -> str:
    outcome = venue.apply(CreateOrderGroup(user, 0, limit), at)
    (event,) = [e for e in outcome.events if isinstance(e, OrderGroupChanged)]
    assert event.event_type == "created" and event.group.contracts_limit == limit
    return event.group.order_group_id


def group_events(outcome) -> list[str]:
    return [e.event_type for e in outcome.events if isinstance(e, OrderGroupChanged)]


def test_matched_contracts_up_to_the_limit_trigger_the_group_and_cancel_its_resting_orders():
    venue = make_venue()
    group = group_of(venue, limit=10 * C)
    resting = venue.apply(order(1, "CENT", "bid", 2000, 5 * C, order_group_id=group), T0).order
    maker = venue.apply(order(1, "CENT", "ask", 6000, 20 * C, order_group_id=group), T0).order
    first = venue.apply(order(2, "CENT", "bid", 6000, 6 * C), T0 + MICROS)
    assert group_events(first) == []  # 6 of 10 matched
    assert venue.order(maker.order_id) is not None
    second = venue.apply(order(2, "CENT", "bid", 6000, 4 * C), T0 + 2 * MICROS)
    assert group_events(second) == ["triggered"]  # 10 of 10: the limit is hit
    assert venue.order(maker.order_id) is None and venue.order(resting.order_id) is None
    assert venue.account(1).reserved == 0
    with pytest.raises(errors.ExceededOrderGroupRiskLimit):
        venue.apply(order(1, "CENT", "bid", 2000, C, order_group_id=group), T0 + 3 * MICROS)
    assert group_events(venue.apply(ResetOrderGroup(1, group), T0 + 4 * MICROS)) == ["reset"]
    placed = venue.apply(order(1, "CENT", "bid", 2000, C, order_group_id=group), T0 + 5 * MICROS).order
    assert placed.status == "resting"


def test_only_the_last_15_seconds_count():
    venue = make_venue()
    group = group_of(venue, limit=10 * C)
    venue.apply(order(1, "CENT", "ask", 6000, 30 * C, order_group_id=group), T0)
    venue.apply(order(2, "CENT", "bid", 6000, 9 * C), T0)
    # 15 s later the first 9 are out of the window: 9 more stay under the limit.
    outcome = venue.apply(order(2, "CENT", "bid", 6000, 9 * C), T0 + WINDOW_US)
    assert group_events(outcome) == []
    outcome = venue.apply(order(2, "CENT", "bid", 6000, C), T0 + WINDOW_US + 1)
    assert group_events(outcome) == ["triggered"]


def test_a_taker_order_in_the_group_counts_and_its_rest_is_cancelled():
    venue = make_venue()
    group = group_of(venue, limit=5 * C)
    venue.apply(order(2, "CENT", "ask", 6000, 5 * C), T0)
    outcome = venue.apply(order(1, "CENT", "bid", 6000, 8 * C, order_group_id=group), T0)
    assert outcome.fill_count == 5 * C
    assert outcome.order.status == "canceled" and outcome.order.remaining_count == 0
    assert group_events(outcome) == ["triggered"]


def test_a_taker_in_the_group_matches_no_more_than_the_limit_and_the_group_triggers():
    venue = make_venue()
    group = group_of(venue, limit=7 * C)
    maker = venue.apply(order(2, "CENT", "ask", 6000, 10 * C), T0).order
    outcome = venue.apply(order(1, "CENT", "bid", 6000, 8 * C, order_group_id=group), T0)
    assert outcome.fill_count == 7 * C  # not 8: the limit is the most the group may match
    assert outcome.order.status == "canceled" and outcome.order.remaining_count == 0
    assert group_events(outcome) == ["triggered"]
    assert venue.order(maker.order_id).remaining_count == 3 * C
    assert venue.position(1, 0, "CENT").position == 7 * C


def test_a_fill_or_kill_taker_beyond_the_groups_room_is_refused_whole():
    venue = make_venue()
    group = group_of(venue, limit=7 * C)
    venue.apply(order(2, "CENT", "ask", 6000, 10 * C), T0)
    before = venue.state()["orders"], venue.positions()
    with pytest.raises(errors.FillOrKillInsufficientVolume):
        venue.apply(order(1, "CENT", "bid", 6000, 8 * C, order_group_id=group, time_in_force="fill_or_kill"), T0)
    assert (venue.state()["orders"], venue.positions()) == before
    assert venue.apply(order(1, "CENT", "bid", 6000, 7 * C, order_group_id=group, time_in_force="fill_or_kill"), T0)


def test_makers_of_one_group_share_its_room_and_the_taker_goes_on_to_other_makers():
    venue = make_venue()
    group = group_of(venue, limit=7 * C)
    first = venue.apply(order(1, "CENT", "ask", 5900, 4 * C, order_group_id=group), T0).order
    second = venue.apply(order(1, "CENT", "ask", 6000, 10 * C, order_group_id=group), T0).order
    other = venue.apply(order(3, "CENT", "ask", 6000, 5 * C), T0).order
    outcome = venue.apply(order(2, "CENT", "bid", 6000, 12 * C), T0 + MICROS)
    # 4 from the first, 3 from the second (the group's 7), then 5 from the other maker at the same price
    assert outcome.fill_count == 12 * C
    assert group_events(outcome) == ["triggered"]
    assert venue.order(first.order_id) is None and venue.order(second.order_id) is None  # filled / cancelled
    assert venue.order(other.order_id) is None  # filled whole
    assert venue.position(1, 0, "CENT").position == -7 * C
    assert venue.position(3, 0, "CENT").position == -5 * C


def test_trigger_cancels_on_demand_and_delete_cancels_and_forgets():
    venue = make_venue()
    group = group_of(venue)
    kept = venue.apply(order(1, "CENT", "bid", 2000, C), T0).order
    grouped = venue.apply(order(1, "CENT", "bid", 2100, C, order_group_id=group), T0).order
    assert group_events(venue.apply(TriggerOrderGroup(1, group), T0)) == ["triggered"]
    assert venue.order(grouped.order_id) is None and venue.order(kept.order_id) is not None
    venue.apply(ResetOrderGroup(1, group), T0)
    again = venue.apply(order(1, "CENT", "bid", 2100, C, order_group_id=group), T0).order
    assert group_events(venue.apply(DeleteOrderGroup(1, group), T0)) == ["deleted"]
    assert venue.order(again.order_id) is None
    with pytest.raises(errors.OrderGroupNotFound):
        venue.apply(ResetOrderGroup(1, group), T0)
    with pytest.raises(errors.UnknownOrderGroup):
        venue.apply(order(1, "CENT", "bid", 2100, C, order_group_id=group), T0)


def test_a_limit_at_or_below_the_window_triggers_at_once():
    venue = make_venue()
    group = group_of(venue, limit=10 * C)
    grouped = venue.apply(order(1, "CENT", "ask", 6000, 10 * C, order_group_id=group), T0).order
    venue.apply(order(2, "CENT", "bid", 6000, 4 * C), T0)
    assert group_events(venue.apply(UpdateOrderGroupLimit(1, group, 5 * C), T0)) == ["limit_updated"]
    assert venue.order(grouped.order_id) is not None
    assert group_events(venue.apply(UpdateOrderGroupLimit(1, group, 4 * C), T0)) == ["limit_updated", "triggered"]
    assert venue.order(grouped.order_id) is None


def test_another_users_or_subaccounts_group_is_not_found():
    venue = make_venue()
    group = group_of(venue, user=1)
    with pytest.raises(errors.UnknownOrderGroup) as refused:
        venue.apply(order(2, "CENT", "bid", 2000, C, order_group_id=group), T0)
    assert refused.value.status == 400 and refused.value.code == "order_group_not_found"
    for command in (TriggerOrderGroup(2, group), DeleteOrderGroup(2, group), UpdateOrderGroupLimit(2, group, C)):
        with pytest.raises(errors.OrderGroupNotFound) as missing:
            venue.apply(command, T0)
        assert missing.value.status == 404
    with pytest.raises(errors.OrderGroupNotFound):
        venue.apply(TriggerOrderGroup(1, group, subaccount=3), T0)


@pytest.mark.parametrize("limit", [0, 99, 100_000_001])
def test_a_limit_outside_one_to_a_million_contracts_is_refused(limit):
    venue = make_venue()
    with pytest.raises(errors.InvalidOrderGroupLimit):
        venue.apply(CreateOrderGroup(1, 0, limit), T0)
    assert venue.order_groups.groups == {}


def test_an_exchange_pause_refuses_trigger_and_delete():
    venue = make_venue()
    group = group_of(venue)
    venue.apply(SetExchangeState(ExchangeIn(exchange_active=False)), T0)
    for command in (TriggerOrderGroup(1, group), DeleteOrderGroup(1, group)):
        with pytest.raises(errors.ExchangePaused):
            venue.apply(command, T0)


@settings(max_examples=60, deadline=None)
@given(
    limit=st.integers(1, 30),
    fills=st.lists(st.tuples(st.integers(0, 20_000_000), st.integers(1, 6)), min_size=1, max_size=12),
)
def test_the_group_triggers_exactly_when_its_window_reaches_the_limit_and_never_matches_past_it(limit, fills):
    venue = make_venue(balance=10_000 * 1_000_000)
    group = group_of(venue, limit=limit * C)
    venue.apply(order(1, "CENT", "ask", 6000, 500 * C, order_group_id=group), T0)
    at, seen = T0, []
    for gap, count in fills:
        at += gap
        before = sum(c for t, c in seen if t > at - WINDOW_US)
        outcome = venue.apply(order(2, "CENT", "bid", 6000, count * C, time_in_force="immediate_or_cancel"), at)
        assert outcome.fill_count == min(count * C, limit * C - before)  # the group's maker matches what is left
        seen.append((at, outcome.fill_count))
        in_window = before + outcome.fill_count
        assert ("triggered" in group_events(outcome)) == (in_window >= limit * C)
        if in_window >= limit * C:
            assert venue.orders() == []
            return
