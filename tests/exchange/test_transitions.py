"""exchange/transitions.py: a market's whole life in the venue, to the cent: close cancels and
refuses, determination, dispute and amendment restart the settlement timer, settlement pays
(rounded down, the rest a fee), void pays back cost; and cash is conserved."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kalshi_local.exchange import errors
from kalshi_local.exchange.events import MarketLifecycle, OrderChanged, Settled
from kalshi_local.exchange.lifecycle import MarketLife
from kalshi_local.exchange.market_commands import (
    ActivateMarket,
    AmendMarket,
    CloseMarket,
    DeactivateMarket,
    DetermineMarket,
    DisputeMarket,
    SetCloseTime,
    Tick,
    VoidMarket,
)
from kalshi_local.exchange.orders import CancelOrder, MarketRules
from kalshi_local.exchange.rfq_events import QuoteChanged, RfqChanged
from kalshi_local.exchange.rfqs import CreateQuote, CreateRfq
from kalshi_local.exchange.settlement import posted, raw_payout
from kalshi_local.exchange.venue import Venue

from .venues import DOLLAR, MARKETS, make_venue, order

S = 1_000_000  # one second in microseconds
OPEN, CLOSE, TIMER = 100 * S, 1_000 * S, 60
FREE = {"FREE": MARKETS["FREE"], "CENT": MARKETS["CENT"], "DECI": MARKETS["DECI"]}


def life(ticker: str, **changes: object) -> MarketLife:
    fields: dict = dict(
        ticker=ticker, event_ticker="EV", status="active", open_us=OPEN, close_us=CLOSE, can_close_early=True,
        settlement_timer_s=TIMER, latest_expiration_us=CLOSE + 3_600 * S, expected_expiration_us=CLOSE + 60 * S,
    )  # fmt: skip
    fields.update(changes)
    return MarketLife(**fields)


def venue_with(*lives: MarketLife, markets: dict[str, MarketRules] = FREE, balance: int = 100 * DOLLAR) -> Venue:
    venue = make_venue(balance, markets)
    held = {one.ticker: one for one in lives}
    venue.use_lives(lambda ticker: list(held.values()) if ticker is None else [held[ticker]] if ticker in held else [])
    return venue


def trade(venue: Venue, ticker: str, price: int, count: int, at: int, yes: int = 1, no: int = 2) -> None:
    """`yes` buys `count` YES from `no` (who buys NO) at yes `price`."""
    venue.apply(order(no, ticker, "ask", price, count), at)
    outcome = venue.apply(order(yes, ticker, "bid", price, count), at)
    assert outcome.fill_count == count


def settled(events) -> dict[int, Settled]:
    return {e.settlement.user_seq: e.settlement for e in events if isinstance(e, Settled)}


def kinds(events) -> list[str]:
    return [e.kind for e in events if isinstance(e, MarketLifecycle)]


def test_the_fee_rounding_example_pays_6_32_and_keeps_0_0082_as_a_settlement_fee():
    # fee_rounding.md: 10.60 YES settling at $0.5970 -> $6.3282 raw
    raw = raw_payout(1060, 5970)
    assert raw == 6_328_200
    assert posted(raw) == (6_320_000, 8_200)
    assert raw_payout(-1060, 5970) == 1060 * 4030  # NO holders get 1 - value each


def test_a_yes_result_pays_a_dollar_per_yes_contract_after_the_timer_and_fills_keep_their_fees():
    venue = venue_with(life("CENT"))
    trade(venue, "CENT", 4000, 1000, OPEN + 1)  # 10 YES at $0.40: user 1 pays $4 + fee, user 2 $6
    one, two = venue.account(1).balance, venue.account(2).balance
    fees_1, fees_2 = venue.position(1, 0, "CENT").fees_paid, venue.position(2, 0, "CENT").fees_paid
    assert fees_1 == 170_000 and fees_2 == 0  # 0.07 x 10 x 0.4 x 0.6 = $0.168, rounded up to $0.17
    venue.apply(Tick(CLOSE), CLOSE)
    outcome = venue.apply(DetermineMarket("CENT", "yes"), CLOSE + 5 * S)
    assert kinds(outcome.events) == ["determined"]
    assert venue.next_due() == CLOSE + 5 * S + TIMER * S
    early = venue.apply(Tick(CLOSE + 5 * S + TIMER * S - 1), CLOSE + 5 * S + TIMER * S - 1)
    assert settled(early.events) == {}
    done = venue.apply(Tick(CLOSE + 5 * S + TIMER * S), CLOSE + 5 * S + TIMER * S)
    records = settled(done.events)
    assert venue.account(1).balance == one + 10 * DOLLAR
    assert venue.account(2).balance == two
    assert (records[1].revenue, records[1].settlement_fee, records[1].fee_cost) == (10 * DOLLAR, 0, fees_1)
    assert (records[1].yes_count, records[1].yes_total_cost, records[1].value) == (1000, 4 * DOLLAR, 10_000)
    assert (records[2].no_count, records[2].no_total_cost, records[2].revenue) == (1000, 6 * DOLLAR, 0)
    assert venue.position(1, 0, "CENT").position == 0 and venue.position(1, 0, "CENT").fees_paid == fees_1
    assert venue.position(1, 0, "CENT").realized_pnl == 6 * DOLLAR
    assert venue.life("CENT").status == "finalized"
    assert venue.life("CENT").settlement_us == CLOSE + 5 * S + TIMER * S
    assert venue.stats("CENT").open_interest == 0
    assert kinds(done.events) == ["settled"]


def test_a_no_result_pays_the_no_holders():
    venue = venue_with(life("FREE"))
    trade(venue, "FREE", 3000, 500, OPEN)
    one, two = venue.account(1).balance, venue.account(2).balance
    venue.apply(Tick(CLOSE), CLOSE)
    venue.apply(DetermineMarket("FREE", "no"), CLOSE)
    records = settled(venue.apply(Tick(CLOSE + TIMER * S), CLOSE + TIMER * S).events)
    assert venue.account(1).balance == one and venue.account(2).balance == two + 5 * DOLLAR
    assert (records[1].revenue, records[1].value, records[2].revenue) == (0, 0, 5 * DOLLAR)


def test_a_scalar_result_pays_pro_rata_rounded_down_with_the_rest_as_a_settlement_fee():
    venue = venue_with(life("DECI"))
    trade(venue, "DECI", 5000, 1060, OPEN)  # 10.60 contracts
    one, two = venue.account(1).balance, venue.account(2).balance
    fees_before = venue.fees_collected
    venue.apply(Tick(CLOSE), CLOSE)
    venue.apply(DetermineMarket("DECI", "scalar", 5970, "59.70"), CLOSE)
    records = settled(venue.apply(Tick(CLOSE + TIMER * S), CLOSE + TIMER * S).events)
    assert venue.account(1).balance == one + 6_320_000  # $6.3282 -> $6.32
    assert venue.account(2).balance == two + 4_270_000  # 10.60 x $0.4030 = $4.2718 -> $4.27
    assert (records[1].settlement_fee, records[2].settlement_fee) == (8_200, 1_800)
    assert venue.fees_collected == fees_before + 10_000
    assert records[1].value == 5970 and venue.life("DECI").expiration_value == "59.70"


def test_void_pays_every_position_back_its_cost_and_finalizes_at_once():
    venue = venue_with(life("FREE"))
    trade(venue, "FREE", 4000, 1000, OPEN)
    one, two = venue.account(1).balance, venue.account(2).balance
    outcome = venue.apply(VoidMarket("FREE"), OPEN + S)
    records = settled(outcome.events)
    assert venue.account(1).balance == one + 4 * DOLLAR and venue.account(2).balance == two + 6 * DOLLAR
    assert (records[1].market_result, records[1].value, records[1].revenue) == ("void", None, 4 * DOLLAR)
    assert venue.life("FREE").status == "finalized" and venue.life("FREE").close_us == OPEN + S
    assert venue.life("FREE").latest_expiration_us == OPEN + S


def test_dispute_and_amend_each_restart_the_settlement_timer_and_the_amended_result_pays():
    venue = venue_with(life("FREE"))
    trade(venue, "FREE", 4000, 100, OPEN)
    venue.apply(Tick(CLOSE), CLOSE)
    venue.apply(DetermineMarket("FREE", "yes"), CLOSE)
    venue.apply(DisputeMarket("FREE"), CLOSE + 30 * S)
    assert venue.life("FREE").status == "disputed"
    assert venue.next_due() == CLOSE + 30 * S + TIMER * S
    assert settled(venue.apply(Tick(CLOSE + TIMER * S), CLOSE + TIMER * S).events) == {}  # the first timer is gone
    venue.apply(AmendMarket("FREE", "no"), CLOSE + 50 * S)
    assert venue.next_due() == CLOSE + 50 * S + TIMER * S
    assert settled(venue.apply(Tick(CLOSE + 80 * S), CLOSE + 80 * S).events) == {}
    records = settled(venue.apply(Tick(CLOSE + 50 * S + TIMER * S), CLOSE + 50 * S + TIMER * S).events)
    assert (records[1].market_result, records[1].revenue, records[2].revenue) == ("no", 0, DOLLAR)


def test_the_close_cancels_resting_orders_with_their_collateral_back_and_refuses_every_order_operation():
    venue = venue_with(life("CENT"))
    resting = venue.apply(order(1, "CENT", "bid", 4000, 500), OPEN).order
    assert venue.account(1).reserved > 0
    outcome = venue.apply(Tick(CLOSE), CLOSE)
    cancels = [e for e in outcome.events if isinstance(e, OrderChanged)]
    assert [(e.order.order_id, e.order.status, e.reason, e.order.updated_us) for e in cancels] == [
        (resting.order_id, "canceled", "canceled", CLOSE)
    ]
    assert venue.account(1).reserved == 0 and venue.account(1).balance == 100 * DOLLAR
    assert kinds(outcome.events) == ["closed"]
    with pytest.raises(errors.MarketClosed, match="closed"):
        venue.apply(order(1, "CENT", "bid", 4000, 100), CLOSE + 1)
    with pytest.raises(errors.OrderNotFound):
        venue.apply(CancelOrder(1, resting.order_id), CLOSE + 1)


def test_a_clock_jump_fires_every_timer_in_time_order_each_at_its_own_instant():
    venue = venue_with(life("CENT", status="initialized"), life("FREE", close_us=CLOSE - 10 * S))
    ask = venue.apply(order(2, "FREE", "ask", 4000, 100, expiration_us=CLOSE - 20 * S), OPEN).order
    outcome = venue.apply(Tick(CLOSE + S), CLOSE + S)
    stamped = [
        (e.kind, e.life.ticker, e.life.updated_us) if isinstance(e, MarketLifecycle) else (e.reason, e.order.updated_us)
        for e in outcome.events
        if isinstance(e, MarketLifecycle | OrderChanged)
    ]
    assert stamped == [
        ("opened", "CENT", OPEN),
        ("expired", CLOSE - 20 * S),
        ("closed", "FREE", CLOSE - 10 * S),
        ("closed", "CENT", CLOSE),
    ]
    assert ask.status == "canceled" and outcome.next_due_us is None


def test_a_tick_with_most_instants_stops_after_that_many_and_says_how_far_it_got():
    venue = venue_with(life("CENT", status="initialized"), life("FREE", close_us=CLOSE - 10 * S))
    venue.apply(order(2, "FREE", "ask", 4000, 100, expiration_us=CLOSE - 20 * S), OPEN)
    first = venue.apply(Tick(CLOSE + S, most_instants=2), OPEN)
    assert [e.kind for e in first.events if isinstance(e, MarketLifecycle)] == ["opened"]
    assert [e.reason for e in first.events if isinstance(e, OrderChanged)] == ["expired"]
    assert (first.ts_us, first.next_due_us) == (CLOSE - 20 * S, CLOSE - 10 * S)
    rest = venue.apply(Tick(CLOSE + S, most_instants=2), CLOSE - 20 * S)
    assert kinds(rest.events) == ["closed", "closed"]
    assert (rest.ts_us, rest.next_due_us) == (CLOSE + S, None)  # every instant fired: the target reached
    behind = venue_with(life("CENT", status="initialized"), life("FREE", status="initialized", open_us=OPEN + S))
    late = behind.apply(Tick(CLOSE, most_instants=1), OPEN + 5 * S)  # due instants behind the clock
    assert kinds(late.events) == ["opened"] and late.ts_us == OPEN + 5 * S  # never before the clock


def test_deactivation_pauses_trading_and_reactivation_cancels_every_resting_order():
    venue = venue_with(life("CENT"))
    resting = venue.apply(order(1, "CENT", "bid", 4000, 100), OPEN).order
    venue.apply(DeactivateMarket("CENT"), OPEN + 1)
    with pytest.raises(errors.MarketClosed, match="inactive"):
        venue.apply(order(1, "CENT", "bid", 4000, 100), OPEN + 2)
    outcome = venue.apply(ActivateMarket("CENT"), OPEN + 3)
    assert kinds(outcome.events) == ["activated"] and resting.status == "canceled"
    assert venue.apply(order(1, "CENT", "bid", 4000, 100), OPEN + 4).order.status == "resting"


def test_an_early_close_needs_can_close_early_and_updates_the_time_fields():
    venue = venue_with(life("CENT", can_close_early=False), life("FREE"))
    with pytest.raises(errors.MarketStatusConflict, match="can_close_early"):
        venue.apply(CloseMarket("CENT"), OPEN + S)
    outcome = venue.apply(CloseMarket("FREE"), OPEN + S)
    closed = venue.life("FREE")
    assert kinds(outcome.events) == ["close_date_updated"]
    assert (closed.status, closed.close_us, closed.latest_expiration_us, closed.expected_expiration_us) == (
        "closed",
        OPEN + S,
        OPEN + S,
        OPEN + S,
    )
    assert venue.next_due() == CLOSE  # CENT's close: FREE has no timer left


def test_moving_close_time_into_the_future_reopens_a_closed_market():
    venue = venue_with(life("FREE"))
    venue.apply(Tick(CLOSE), CLOSE)
    outcome = venue.apply(SetCloseTime("FREE", CLOSE + 100 * S), CLOSE + S)
    assert kinds(outcome.events) == ["close_date_updated", "activated"]
    assert venue.life("FREE").status_at(CLOSE + S) == "active"
    assert venue.apply(order(1, "FREE", "bid", 4000, 100), CLOSE + 2).order.status == "resting"
    assert venue.next_due() == CLOSE + 100 * S


@pytest.mark.parametrize(
    ("command", "error"),
    [
        (DetermineMarket("FREE", "yes"), errors.MarketStatusConflict),  # still open
        (DisputeMarket("FREE"), errors.MarketStatusConflict),
        (ActivateMarket("FREE"), errors.MarketStatusConflict),
        (SetCloseTime("FREE", OPEN - 1), errors.InvalidLifecycle),
        (VoidMarket("NOPE"), errors.MarketNotFound),
    ],
)
def test_refused_transitions_change_nothing(command, error):
    venue = venue_with(life("FREE"))
    before = venue.state(), venue.life("FREE")
    shown = (before[1].status, before[1].close_us, before[1].result)
    with pytest.raises(error):
        venue.apply(command, OPEN + 1)
    assert venue.state() == before[0]
    assert (venue.life("FREE").status, venue.life("FREE").close_us, venue.life("FREE").result) == shown


def test_a_determination_with_a_bad_result_is_refused():
    venue = venue_with(life("FREE", status="closed"))
    with pytest.raises(errors.InvalidLifecycle):
        venue.apply(DetermineMarket("FREE", "scalar", None), OPEN)
    with pytest.raises(errors.InvalidLifecycle):
        venue.apply(DetermineMarket("FREE", "yes", 5000), OPEN)
    assert venue.life("FREE").status == "closed" and venue.next_due() is None


@settings(max_examples=40, deadline=None)
@given(
    trades=st.lists(
        st.tuples(st.sampled_from((1, 2, 3)), st.sampled_from((1, 2, 3)), st.integers(1, 99), st.integers(1, 500)),
        min_size=1,
        max_size=12,
    ),
    result=st.sampled_from(("yes", "no", "scalar")),
    value=st.integers(0, 10_000),
)
def test_after_settlement_cash_is_conserved(trades, result, value):
    """Sum of balances + fees collected = deposits, whatever traded and however it settled."""
    venue = venue_with(life("DECI"), balance=1_000 * DOLLAR)
    for at, (buyer, seller, cents, count) in enumerate(trades):
        if buyer != seller:
            venue.apply(order(seller, "DECI", "ask", cents * 100, count), OPEN + at)
            venue.apply(order(buyer, "DECI", "bid", cents * 100, count), OPEN + at)
    venue.apply(Tick(CLOSE), CLOSE)
    venue.apply(DetermineMarket("DECI", result, value if result == "scalar" else None), CLOSE)
    venue.apply(Tick(CLOSE + TIMER * S), CLOSE + TIMER * S)
    accounts = venue.accounts()  # those that traded (read on first use, each with $1,000)
    assert sum(a.balance for a in accounts) + venue.fees_collected == len(accounts) * 1_000 * DOLLAR
    assert all(p.position == 0 for p in venue.positions())
    assert all(a.balance % 10_000 == 0 for a in venue.accounts())  # every balance on whole cents


def test_a_closing_market_closes_its_open_rfqs_and_cancels_their_quotes():
    venue = venue_with(life("CENT"), life("DECI"))
    at = OPEN + S
    made = venue.apply(CreateRfq(1, "user-1", 0, "CENT", 1000, None, False), at).events
    rfq = next(e.rfq for e in made if isinstance(e, RfqChanged))
    other_made = venue.apply(CreateRfq(1, "user-1", 0, "DECI", 1000, None, False), at).events
    other = next(e.rfq for e in other_made if isinstance(e, RfqChanged))
    quoted = venue.apply(CreateQuote(2, "user-2", 0, rfq.rfq_id, 4000, 5500, False, False), at).events
    quote_id = next(e.quote.quote_id for e in quoted if isinstance(e, QuoteChanged))
    events = venue.apply(CloseMarket("CENT"), at + S).events
    closed = [e.rfq for e in events if isinstance(e, RfqChanged)]
    assert [(r.rfq_id, r.status, r.cancellation_reason) for r in closed] == [(rfq.rfq_id, "closed", "market_closed")]
    cancelled = [e.quote for e in events if isinstance(e, QuoteChanged)]
    assert [(q.quote_id, q.status, q.cancellation_reason) for q in cancelled] == [(quote_id, "cancelled", "rfq_closed")]
    with pytest.raises(errors.RfqClosed):
        venue.apply(CreateQuote(2, "user-2", 0, rfq.rfq_id, 4000, 5500, False, False), at + 2 * S)
    assert venue.apply(CreateQuote(2, "user-2", 0, other.rfq_id, 4000, 5500, False, False), at + 2 * S)  # still open
