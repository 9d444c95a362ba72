"""exchange/venue.py: scenarios with exact balances, fees and positions, and every refusal."""

from __future__ import annotations

import uuid

import pytest

from kalshi_local.exchange import errors
from kalshi_local.exchange.events import OrderChanged
from kalshi_local.exchange.fees import FeeSchedule
from kalshi_local.exchange.orders import AmendOrder, CancelOrder, DecreaseOrder, MarketRules, SetBalance
from kalshi_local.exchange.venue import numbered_id

from .venues import DOLLAR, MARKETS, make_venue, order


def test_a_crossing_order_fills_at_the_makers_price_and_pays_the_rounded_taker_fee():
    venue = make_venue()
    venue.apply(order(1, "CENT", "bid", 4000, 1000), 0)
    outcome = venue.apply(order(2, "CENT", "ask", 3500, 300), 1)
    # 3 NO at 1 - 0.40 = $1.80; fee 0.07 x 3 x 0.4 x 0.6 = $0.0504; -1.8504 floors to -1.86
    assert (outcome.fill_count, outcome.fill_cost, outcome.fees) == (300, 1_800_000, 60_000)
    assert venue.account(2).balance == 100 * DOLLAR - 1_860_000
    assert venue.account(1).balance == 100 * DOLLAR - 1_200_000  # maker: $1.20, no fee
    assert venue.position(1, 0, "CENT").position == 300 and venue.position(2, 0, "CENT").position == -300
    stats = venue.stats("CENT")
    assert (stats.last_price, stats.volume, stats.open_interest, stats.yes_bid, stats.yes_bid_size) == (
        4000,
        300,
        300,
        4000,
        700,
    )


def test_a_yes_and_no_pair_nets_into_a_dollar():
    venue = make_venue(markets={"FREE": make_venue.__defaults__[1]["FREE"]})
    venue.apply(order(1, "FREE", "ask", 4000, 100), 0)
    venue.apply(order(2, "FREE", "bid", 4000, 100), 1)  # user 1 holds 1 NO, paid $0.60
    venue.apply(order(3, "FREE", "ask", 5000, 100), 2)
    venue.apply(order(1, "FREE", "bid", 5000, 100), 3)  # pays $0.50 for YES, the pair returns $1
    assert venue.account(1).balance == 100 * DOLLAR - 600_000 - 500_000 + DOLLAR
    position = venue.position(1, 0, "FREE")
    assert (position.position, position.market_exposure, position.realized_pnl) == (0, 0, -100_000)


@pytest.mark.parametrize(
    ("command", "error"),
    [
        (order(1, "CENT", "bid", 4050, 100), errors.InvalidPrice),
        (order(1, "CENT", "bid", 0, 100), errors.InvalidPrice),
        (order(1, "CENT", "bid", 10_000, 100), errors.InvalidPrice),
        (order(1, "CENT", "bid", 4000, 0), errors.InvalidOrderSize),
        (order(1, "NOPE", "bid", 4000, 100), errors.MarketNotFound),
        (order(1, "SHUT", "bid", 4000, 100), errors.MarketClosed),
        (order(9, "CENT", "bid", 4000, 100), errors.AccountNotFound),
        (order(1, "CENT", "bid", 9900, 200_000), errors.InsufficientBalance),
        (order(1, "CENT", "bid", 4000, 100, reduce_only=True), errors.ExceededSellPositionFloor),
        (order(1, "CENT", "bid", 4000, 100, time_in_force="fill_or_kill"), errors.FillOrKillInsufficientVolume),
    ],
)
def test_refused_orders_change_nothing(command, error):
    venue = make_venue()
    venue.apply(SetBalance(1, 0, 100 * DOLLAR), 0)  # loads the account (a cache, not state)
    before = venue.state()
    with pytest.raises(error):
        venue.apply(command, 0)
    assert venue.state() == before


def test_post_only_that_would_cross_is_refused():
    venue = make_venue()
    venue.apply(order(1, "CENT", "ask", 4000, 100), 0)
    with pytest.raises(errors.PostOnlyCross):
        venue.apply(order(2, "CENT", "bid", 6000, 100, post_only=True), 1)


def test_a_duplicate_client_order_id_among_open_orders_is_refused():
    venue = make_venue()
    venue.apply(order(1, "CENT", "bid", 4000, 100, client_order_id="a"), 0)
    with pytest.raises(errors.OrderAlreadyExists):
        venue.apply(order(1, "CENT", "bid", 3000, 100, client_order_id="a"), 1)
    venue.apply(order(2, "CENT", "bid", 3000, 100, client_order_id="a"), 1)  # another user may


def test_taker_at_cross_cancels_the_taker_at_its_own_order_and_keeps_earlier_fills():
    venue = make_venue()
    venue.apply(order(2, "CENT", "ask", 4000, 100), 0)
    mine = venue.apply(order(1, "CENT", "ask", 4100, 100), 1).order
    outcome = venue.apply(order(1, "CENT", "bid", 5000, 300), 2)
    assert outcome.fill_count == 100 and outcome.order.status == "canceled" and outcome.reduced_by == 200
    assert venue.order(mine.order_id).remaining_count == 100


def test_maker_stp_cancels_the_own_resting_order_and_matching_continues():
    venue = make_venue()
    mine = venue.apply(order(1, "CENT", "ask", 4000, 100), 0).order
    venue.apply(order(2, "CENT", "ask", 4100, 100), 1)
    outcome = venue.apply(order(1, "CENT", "bid", 5000, 300, self_trade_prevention="maker"), 2)
    assert outcome.fill_count == 100 and venue.order(mine.order_id) is None and mine.status == "canceled"
    assert outcome.order.status == "resting" and outcome.order.remaining_count == 200


def test_cancel_of_another_users_order_is_not_found():
    venue = make_venue()
    placed = venue.apply(order(1, "CENT", "bid", 4000, 100), 0).order
    with pytest.raises(errors.OrderNotFound):
        venue.apply(CancelOrder(2, placed.order_id), 1)
    assert venue.apply(CancelOrder(1, placed.order_id), 1).order.status == "canceled"
    assert venue.account(1).reserved == 0


def test_amend_that_moves_the_price_loses_priority_and_a_decrease_keeps_it():
    venue = make_venue()
    first = venue.apply(order(1, "CENT", "bid", 4000, 200), 0).order
    second = venue.apply(order(2, "CENT", "bid", 4000, 200), 1).order
    venue.apply(DecreaseOrder(1, first.order_id, reduce_by=100), 2)
    assert [e.key for e in venue.book("CENT").queue_of(True, 4000)] == [first.order_id, second.order_id]
    venue.apply(AmendOrder(1, first.order_id, "CENT", "bid", 3900, 100), 3)
    venue.apply(AmendOrder(1, first.order_id, "CENT", "bid", 4000, 100), 4)
    assert [e.key for e in venue.book("CENT").queue_of(True, 4000)] == [second.order_id, first.order_id]
    with pytest.raises(errors.OrderSideMismatch):
        venue.apply(AmendOrder(1, first.order_id, "CENT", "ask", 4000, 100), 5)


def test_expired_orders_are_cancelled_when_due():
    venue = make_venue()
    placed = venue.apply(order(1, "CENT", "bid", 4000, 100, expiration_us=50), 0).order
    assert not venue.expire_due(49).events
    assert venue.expire_due(50).events and placed.status == "canceled" and venue.account(1).reserved == 0


def test_a_balance_cannot_be_set_below_what_open_orders_lock():
    venue = make_venue()
    venue.apply(order(1, "CENT", "bid", 4000, 100), 0)
    with pytest.raises(errors.InsufficientBalance):
        venue.apply(SetBalance(1, 0, 0), 1)


def test_when_a_market_starts_charging_makers_the_next_touch_locks_their_fee_bound_on_every_order():
    markets = dict(MARKETS)
    venue = make_venue(markets=markets)
    placed = [venue.apply(order(1, "CENT", "bid", 4000, 1000), now).order for now in range(3)]
    assert {o.reserved for o in placed} == {400_000 * 10 + 10_000}  # 10 x $0.40 and a cent
    markets["CENT"] = MarketRules("CENT", "EV", True, "linear_cent", "quadratic_with_maker_fees", "1")
    venue.forget_rules("CENT")
    outcome = venue.apply(CancelOrder(1, placed[0].order_id), 3)
    bound = FeeSchedule.parse("quadratic_with_maker_fees", "1").maker_fee_bound(1000, 4000)
    assert bound > 0 and [o.reserved for o in placed[1:]] == [4_010_000 + bound] * 2
    assert venue.account(1).reserved == 2 * (4_010_000 + bound)
    assert [e.reason for e in outcome.events if isinstance(e, OrderChanged)] == ["canceled", "collateral", "collateral"]


def test_numbered_ids_are_uuids_that_sort_as_handed_out_and_differ_by_kind():
    ids = [numbered_id("order", n) for n in (1, 2, 255, 256, 70_000, 2**40)]
    assert ids == sorted(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 8 and parsed.variant == uuid.RFC_4122
    assert numbered_id("order", 7) != numbered_id("fill", 7) and numbered_id("order", 7) == numbered_id("order", 7)


def _sells(venue, ticker: str, price: int, counts: list[int]) -> list[tuple[int, int]]:
    """User 2 sells into user 1's bid lot by lot; user 1's (balance, reserved) after each fill."""
    seen = []
    for now, count in enumerate(counts, start=10):
        venue.apply(order(2, ticker, "ask", price, count, time_in_force="fill_or_kill"), now)
        account = venue.account(1)
        seen.append((account.balance, account.reserved))
    return seen


def test_a_resting_orders_rounding_lock_shrinks_by_what_its_accumulator_already_holds():
    # 0.90 @ $0.45 without maker fees locks $0.405 and the cent the rounding may still cost; three
    # 0.30 fills each round $0.135 up to $0.14 (the accumulator 0.005, 0.010, then a rebate).
    venue = make_venue()
    venue.apply(SetBalance(1, 0, 420_000), 0)
    venue.apply(order(1, "CENT", "bid", 4500, 90), 1)
    assert venue.account(1).reserved == 415_000
    assert _sells(venue, "CENT", 4500, [30, 30, 30]) == [(280_000, 275_000), (140_000, 135_000), (10_000, 0)]


def test_a_whole_cent_whole_contract_order_keeps_its_rounding_cent_because_fractional_fills_can_cost_it():
    venue = make_venue()
    venue.apply(SetBalance(1, 0, 800_000), 0)
    with pytest.raises(errors.InsufficientBalance, match="needs 0.81 dollars"):
        venue.apply(order(1, "FREE", "bid", 4000, 200), 1)
    venue.apply(SetBalance(1, 0, 810_000), 2)
    venue.apply(order(1, "FREE", "bid", 4000, 200), 3)
    # 1.99 x $0.40 = $0.796 pays $0.80, then 0.01 x $0.40 = $0.004 pays $0.01: the accumulator
    # ends at exactly $0.0100, which does not exceed a cent, so no rebate: 2 @ $0.40 cost $0.81.
    assert _sells(venue, "FREE", 4000, [199, 1]) == [(10_000, 10_000), (0, 0)]
