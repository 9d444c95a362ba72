"""RFQs and quotes in the pure venue (exchange/rfqs.py, getting_started/rfqs.md): the accept, confirm,
execute lock on the exchange clock, quote replacement, the price rules, target-cost sizing and the
clean-up of cancelled quotes; and, for any quote and side, that execution moves cash and contracts
exactly as a trade at the quoted price would."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kalshi_local.exchange import errors
from kalshi_local.exchange.clock import MICROS
from kalshi_local.exchange.events import Filled, Traded
from kalshi_local.exchange.market_commands import Tick
from kalshi_local.exchange.orders import MarketRules
from kalshi_local.exchange.pauses import SetExchangeState
from kalshi_local.exchange.rfq_events import QuoteChanged, RfqChanged
from kalshi_local.exchange.rfqs import (
    CLEANUP_US,
    AcceptQuote,
    ConfirmQuote,
    CreateQuote,
    CreateRfq,
    DeleteQuote,
    DeleteRfq,
)
from kalshi_local.models.inputs import ExchangeIn

from .venues import DOLLAR, MARKETS, make_venue

T0 = 1_800_000_000 * MICROS
COMBO = MarketRules("KXMVECOMBO-1", "KXMVECOMBO", True, "linear_cent", "quadratic", "1")
HVM_MARKETS = {**MARKETS, COMBO.ticker: COMBO}


def rfq(venue, user=1, ticker="CENT", contracts=1000, target=None, at=T0, **options) -> str:
    command = CreateRfq(user, f"user-{user}", 0, ticker, contracts, target, False, **options)
    return created(venue.apply(command, at).events, RfqChanged).rfq.rfq_id


def quote(venue, rfq_id, user=2, yes_bid=4000, no_bid=5500, at=T0, post_only=False) -> str:
    command = CreateQuote(user, f"user-{user}", 0, rfq_id, yes_bid, no_bid, False, post_only)
    return created(venue.apply(command, at).events, QuoteChanged).quote.quote_id


def created(events, kind):
    return next(e for e in events if isinstance(e, kind) and e.kind == "created")


def quote_kinds(events) -> list[tuple[str, str]]:
    return [(e.quote.quote_id, e.kind) for e in events if isinstance(e, QuoteChanged)]


def test_accept_confirm_and_execute_after_the_execution_timer():
    venue = make_venue()
    rfq_id = rfq(venue)
    quote_id = quote(venue, rfq_id)
    venue.apply(AcceptQuote(1, quote_id, "yes"), T0 + 1)
    venue.apply(ConfirmQuote(2, quote_id), T0 + 2)
    assert venue.next_due() == T0 + 2 + 15 * MICROS  # the standard execution timer
    early = venue.apply(Tick(T0 + 2 + 15 * MICROS - 1), T0 + 2 + 15 * MICROS - 1)
    assert not early.events
    done = venue.apply(Tick(T0 + 2 + 15 * MICROS), T0 + 2 + 15 * MICROS).events
    trade = next(e.trade for e in done if isinstance(e, Traded))
    assert (trade.price, trade.count, trade.taker_book_side) == (4500, 1000, "bid")  # YES at 1 - no_bid
    fills = {e.fill.user_seq: e.fill for e in done if isinstance(e, Filled)}
    assert fills[1].is_taker and not fills[2].is_taker
    assert venue.position(1, 0, "CENT").position == 1000  # the requester holds 10 YES
    assert venue.position(2, 0, "CENT").position == -1000  # the maker 10 NO
    executed = next(e.quote for e in done if isinstance(e, QuoteChanged) and e.kind == "executed")
    assert {executed.creator_order_id, executed.rfq_creator_order_id} == {fills[2].order_id, fills[1].order_id}
    assert executed.creator_client_order_id.startswith("quote:") and executed.creator_client_order_id.endswith(quote_id)
    assert any(isinstance(e, RfqChanged) and e.kind == "deleted" and e.rfq.status == "closed" for e in done)
    with pytest.raises(errors.RfqClosed):
        quote(venue, rfq_id, user=3)


def test_a_new_quote_replaces_the_makers_previous_one_only():
    venue = make_venue()
    rfq_id = rfq(venue)
    first = quote(venue, rfq_id, user=2)
    other = quote(venue, rfq_id, user=3)
    outcome = venue.apply(CreateQuote(2, "user-2", 0, rfq_id, 4100, 5500, False), T0 + 1)
    assert (first, "cancelled") in quote_kinds(outcome.events)
    assert other not in dict(quote_kinds(outcome.events))
    with pytest.raises(errors.InvalidRfqParameters):
        venue.apply(AcceptQuote(1, first, "yes"), T0 + 2)  # the replaced quote is gone


def test_confirming_after_the_window_fails_and_the_quote_is_cancelled():
    venue = make_venue()
    quote_id = quote(venue, rfq(venue))
    venue.apply(AcceptQuote(1, quote_id, "no"), T0)
    lapsed = venue.apply(Tick(T0 + 30 * MICROS), T0 + 30 * MICROS)
    assert (quote_id, "cancelled") in quote_kinds(lapsed.events)
    with pytest.raises(errors.RfqClosed, match="too late"):
        venue.apply(ConfirmQuote(2, quote_id), T0 + 30 * MICROS)


def test_a_combo_market_uses_the_hvm_windows():
    venue = make_venue(markets=HVM_MARKETS)
    quote_id = quote(venue, rfq(venue, ticker="KXMVECOMBO-1"))
    venue.apply(AcceptQuote(1, quote_id, "yes"), T0)
    assert venue.next_due() == T0 + 3 * MICROS
    venue.apply(ConfirmQuote(2, quote_id), T0 + 2 * MICROS)
    assert venue.next_due() == T0 + 3 * MICROS
    events = venue.apply(Tick(T0 + 3 * MICROS), T0 + 3 * MICROS).events
    assert (quote_id, "executed") in quote_kinds(events)


@pytest.mark.parametrize(
    ("yes_bid", "no_bid", "why"),
    [(6000, 4100, "exceed 1 dollar"), (4050, 5000, "grid"), (0, 0, "both be 0")],
)
def test_bad_prices_are_refused(yes_bid, no_bid, why):
    venue = make_venue()
    rfq_id = rfq(venue)
    with pytest.raises(errors.InvalidRfqParameters, match=why):
        quote(venue, rfq_id, yes_bid=yes_bid, no_bid=no_bid)


def test_target_cost_sizes_each_side_in_whole_contracts():
    venue = make_venue()
    rfq_id = rfq(venue, contracts=None, target=10 * DOLLAR)
    outcome = venue.apply(CreateQuote(2, "user-2", 0, rfq_id, 3000, 6000, False), T0)
    made = created(outcome.events, QuoteChanged).quote
    assert made.yes_contracts == 25 * 100  # $10 at 1 - 0.60 = $0.40 a YES
    assert made.no_contracts == 14 * 100  # $10 at 1 - 0.30 = $0.70 a NO: 14 whole contracts


@pytest.mark.parametrize(
    ("ticker", "target", "why"),
    [
        ("CENT", 0, "from 0.0001 to 1000000000000.0000"),
        ("CENT", 10**18 + 100, "from 0.0001 to 1000000000000.0000"),  # one centi-cent past the limit
        ("CENT", 2**62 * 100, "from 0.0001 to 1000000000000.0000"),
        ("CENT", DOLLAR + 10, "in steps of one centi-cent"),  # $1.00001
        ("CENT", 9_900, "the cheapest on this market's linear_cent grid costs 0.0100"),
        ("DECI", 900, "the cheapest on this market's deci_cent grid costs 0.0010"),
    ],
)
def test_a_target_cost_no_quote_could_fill_or_past_the_limit_is_refused(ticker, target, why):
    venue = make_venue()
    with pytest.raises(errors.InvalidRfqParameters, match=why):
        rfq(venue, ticker=ticker, contracts=None, target=target)
    assert venue._rfqs.rfqs == {}


@pytest.mark.parametrize(("ticker", "target"), [("CENT", 10_000), ("DECI", 1_000), ("CENT", 10**18)])
def test_a_target_cost_from_the_cheapest_contract_to_the_limit_is_taken(ticker, target):
    venue = make_venue()
    rfq_id = rfq(venue, ticker=ticker, contracts=None, target=target)
    assert venue._rfqs.rfqs[rfq_id].target_cost == target


def test_a_declined_side_cannot_be_accepted_and_parties_only_act_on_their_side():
    venue = make_venue()
    quote_id = quote(venue, rfq(venue), yes_bid=0, no_bid=5000)
    with pytest.raises(errors.InvalidRfqParameters, match="declined"):
        venue.apply(AcceptQuote(1, quote_id, "no"), T0)
    with pytest.raises(errors.RfqNotFound):
        venue.apply(AcceptQuote(3, quote_id, "yes"), T0)  # not the requester
    with pytest.raises(errors.RfqNotFound):
        venue.apply(DeleteQuote(1, quote_id), T0)  # not the maker


def test_one_open_rfq_per_market_unless_replaced():
    venue = make_venue()
    first = rfq(venue)
    with pytest.raises(errors.RfqAlreadyOpen):
        rfq(venue)
    second = rfq(venue, replace_existing=True)
    assert second != first
    with pytest.raises(errors.RfqClosed):
        venue.apply(DeleteRfq(1, first), T0)


def test_a_confirmed_quote_cannot_be_withdrawn_and_cancelled_quotes_are_cleaned_up():
    venue = make_venue()
    rfq_id = rfq(venue)
    kept, dropped = quote(venue, rfq_id, user=2), quote(venue, rfq_id, user=3)
    venue.apply(DeleteQuote(3, dropped), T0 + 1)
    venue.apply(AcceptQuote(1, kept, "yes"), T0 + 1)
    venue.apply(ConfirmQuote(2, kept), T0 + 1)
    for refused in (DeleteQuote(2, kept), DeleteRfq(1, rfq_id)):
        with pytest.raises(errors.InvalidRfqParameters, match="withdraw"):
            venue.apply(refused, T0 + 2)
    cleaned = venue.apply(Tick(T0 + 1 + CLEANUP_US), T0 + 1 + CLEANUP_US).events
    assert (dropped, "deleted") in quote_kinds(cleaned)


def test_a_post_only_quote_that_would_cross_the_book_is_cancelled_at_execution():
    from .venues import order

    venue = make_venue()
    quote_id = quote(venue, rfq(venue), yes_bid=4000, no_bid=5500, post_only=True)
    venue.apply(AcceptQuote(1, quote_id, "no"), T0)  # the maker buys YES at 0.40
    venue.apply(ConfirmQuote(2, quote_id), T0)
    venue.apply(order(3, "CENT", "ask", 3900, 100), T0)  # a YES ask at 0.39 now rests
    events = venue.apply(Tick(T0 + 15 * MICROS), T0 + 15 * MICROS).events
    assert not any(isinstance(e, Traded) for e in events)
    cancelled = next(e.quote for e in events if isinstance(e, QuoteChanged))
    assert (cancelled.status, cancelled.cancellation_reason) == ("cancelled", "execution_failed:invalid_order")


@pytest.mark.parametrize(
    ("state", "paused", "deletes"),
    [
        (ExchangeIn(trading_active=False), errors.TradingPaused, True),
        (ExchangeIn(exchange_active=False), errors.ExchangePaused, False),
    ],
)
def test_a_pause_refuses_rfq_commands_as_it_refuses_orders(state, paused, deletes):
    venue = make_venue(markets={**MARKETS, "FREE": MARKETS["FREE"]})
    rfq_id = rfq(venue)
    open_quote, accepted = quote(venue, rfq_id, user=2), quote(venue, rfq(venue, ticker="FREE"), user=3)
    venue.apply(AcceptQuote(1, accepted, "yes"), T0)
    venue.apply(SetExchangeState(state), T0 + 1)
    for command in (
        CreateRfq(1, "user-1", 0, "CENT", 1000, None, False, replace_existing=True),
        CreateQuote(3, "user-3", 0, rfq_id, 4000, 5500, False),
        AcceptQuote(1, open_quote, "yes"),
        ConfirmQuote(3, accepted),
    ):
        with pytest.raises(paused):
            venue.apply(command, T0 + 2)
    assert venue._rfqs.quotes[accepted].status == "accepted"  # refused whole: nothing changed
    deletions = (DeleteQuote(2, open_quote), DeleteRfq(1, rfq_id))
    if deletes:  # a trading pause lets cancels through
        for command in deletions:
            venue.apply(command, T0 + 3)
        assert rfq_id not in venue._rfqs.rfqs and venue._rfqs.quotes[open_quote].status == "cancelled"
    else:
        for command in deletions:
            with pytest.raises(paused):
                venue.apply(command, T0 + 3)
        assert rfq_id in venue._rfqs.rfqs


def test_a_pause_at_the_end_of_the_execution_timer_cancels_the_quote():
    venue = make_venue()
    rfq_id = rfq(venue)
    quote_id = quote(venue, rfq_id)
    venue.apply(AcceptQuote(1, quote_id, "yes"), T0)
    venue.apply(ConfirmQuote(2, quote_id), T0)
    venue.apply(SetExchangeState(ExchangeIn(trading_active=False)), T0 + 1)
    events = venue.apply(Tick(T0 + 15 * MICROS), T0 + 15 * MICROS).events
    assert not any(isinstance(e, Traded) for e in events)
    cancelled = next(e.quote for e in events if isinstance(e, QuoteChanged))
    assert (cancelled.status, cancelled.cancellation_reason) == ("cancelled", "execution_failed:trading_paused")
    assert rfq_id in venue._rfqs.rfqs  # the RFQ stays open for another quote


@settings(max_examples=40, deadline=None)
@given(
    yes_bid=st.integers(1, 98).map(lambda c: c * 100),
    no_bid=st.integers(1, 98).map(lambda c: c * 100),
    side=st.sampled_from(["yes", "no"]),
    contracts=st.integers(1, 50),
)
def test_execution_moves_cash_as_a_trade_at_the_quoted_price(yes_bid, no_bid, side, contracts):
    if yes_bid + no_bid > 10_000:
        yes_bid = 10_000 - no_bid
    venue = make_venue(markets={**MARKETS, "FREE": MARKETS["FREE"]})
    quote_id = quote(venue, rfq(venue, ticker="FREE", contracts=contracts * 100), yes_bid=yes_bid, no_bid=no_bid)
    venue.apply(AcceptQuote(1, quote_id, side), T0)
    venue.apply(ConfirmQuote(2, quote_id), T0)
    venue.apply(Tick(T0 + 15 * MICROS), T0 + 15 * MICROS)
    requester_pays = (10_000 - (no_bid if side == "yes" else yes_bid)) * contracts * 100
    maker_pays = (no_bid if side == "yes" else yes_bid) * contracts * 100
    assert venue.account(1).balance == 100 * DOLLAR - requester_pays  # FREE charges no fee
    assert venue.account(2).balance == 100 * DOLLAR - maker_pays
    assert venue.position(1, 0, "FREE").position == (contracts * 100 if side == "yes" else -contracts * 100)
