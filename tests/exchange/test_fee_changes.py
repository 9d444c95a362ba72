"""exchange/fee_changes.py: a series fee change takes effect in the venue at its instant on the
exchange clock: fills before it keep the old fee, fills from it on pay the new one, to $0.0001;
markets of an event with a fee override keep it; markets first seen afterwards get the new fee."""

from __future__ import annotations

from kalshi_local.exchange.fee_changes import FeeChange, SeriesFeeChanged
from kalshi_local.exchange.market_commands import Tick
from kalshi_local.exchange.orders import MarketRules
from kalshi_local.exchange.venue import Venue

from .venues import DOLLAR, make_venue, order

S = 1_000_000
AT = 500 * S  # the change's scheduled instant
CENTICENT = 100  # $0.0001 in Amount units


def rules(ticker: str, series: str = "KXFC", multiplier_override: str | None = None) -> MarketRules:
    """A market of `series` at quadratic x1 (its event's multiplier override, when given, is that x1's source)."""
    return MarketRules(
        ticker, "KXFC-1", True, "linear_cent", "quadratic", "1", series, fee_multiplier_override=multiplier_override
    )


MARKETS = {
    "A": rules("A"),
    "B": rules("B"),  # not traded before the change: its rules are first read after it
    "PINNED": rules("PINNED", multiplier_override="1"),  # its event overrides the multiplier
    "OTHER": rules("OTHER", series="KXOTHER"),
}


def venue_with(*changes: FeeChange) -> Venue:
    venue = make_venue(10_000 * DOLLAR, MARKETS)
    venue.use_fee_changes(lambda: list(changes))
    return venue


def taker_fee(venue: Venue, ticker: str, at: int) -> int:
    """The taker's net fee (Amount) of one match of 200 contracts at $0.50 (user 2 rests, user 1 takes)."""
    venue.apply(order(2, ticker, "ask", 5000, 20_000), at)
    outcome = venue.apply(order(1, ticker, "bid", 5000, 20_000), at)
    assert outcome.fill_count == 20_000
    return outcome.fees


def maker_fees(venue: Venue, ticker: str) -> int:
    position = venue.position(2, 0, ticker)
    assert position is not None
    return position.fees_paid


def test_fills_before_the_instant_keep_the_old_fee_and_fills_from_it_pay_the_new_one():
    venue = venue_with(FeeChange("fc-half", "KXFC", "quadratic", "0.5", AT))
    assert venue.next_due() == AT
    assert taker_fee(venue, "A", AT - 1) == 35_000 * CENTICENT  # 200 at $0.50, x1: $3.50
    fired = venue.apply(Tick(AT), AT).events
    assert [(e.fee_change_id, e.series_ticker, e.at_us) for e in fired if isinstance(e, SeriesFeeChanged)] == [
        ("fc-half", "KXFC", AT)
    ]
    assert venue.next_due() is None
    before = venue.position(1, 0, "A")
    assert before is not None and before.fees_paid == 35_000 * CENTICENT
    assert taker_fee(venue, "A", AT) == 17_500 * CENTICENT  # x0.5 from the instant on: $1.75
    assert taker_fee(venue, "B", AT + 1) == 17_500 * CENTICENT  # first read after the change
    assert taker_fee(venue, "PINNED", AT + 1) == 35_000 * CENTICENT  # the event's override stays
    assert taker_fee(venue, "OTHER", AT + 1) == 35_000 * CENTICENT  # another series


def test_a_change_due_fires_at_the_next_command_before_its_fills():
    venue = venue_with(FeeChange("fc-half", "KXFC", "quadratic", "0.5", AT))
    assert taker_fee(venue, "A", AT - S) == 35_000 * CENTICENT
    fired = venue.expire_due(AT + S).events  # the engine's batch start on the real clock
    assert any(isinstance(e, SeriesFeeChanged) for e in fired)
    assert taker_fee(venue, "A", AT + S) == 17_500 * CENTICENT


def test_a_change_to_maker_fees_charges_makers_from_its_instant():
    venue = venue_with(FeeChange("fc-maker", "KXFC", "quadratic_with_maker_fees", "2", AT))
    assert taker_fee(venue, "A", AT - 1) == 35_000 * CENTICENT
    assert maker_fees(venue, "A") == 0
    venue.apply(Tick(AT), AT)
    assert taker_fee(venue, "A", AT) == 70_000 * CENTICENT  # x2: $7.00
    assert maker_fees(venue, "A") == 17_500 * CENTICENT  # 0.0175 x 200 x 0.25 x 2


def test_changes_apply_in_time_order_and_the_latest_wins():
    venue = venue_with(
        FeeChange("fc-1", "KXFC", "quadratic", "0.5", AT, seq=1),
        FeeChange("fc-2", "KXFC", "quadratic", "0", AT + S, seq=2),
    )
    fired = venue.apply(Tick(AT + 2 * S), AT + 2 * S).events
    assert [(e.fee_change_id, e.at_us) for e in fired if isinstance(e, SeriesFeeChanged)] == [
        ("fc-1", AT),
        ("fc-2", AT + S),
    ]
    assert taker_fee(venue, "A", AT + 2 * S) == 0


def test_rules_read_again_come_from_the_store_and_so_do_the_changes_to_come():
    changes = [FeeChange("fc-half", "KXFC", "quadratic", "0.5", AT)]
    venue = make_venue(10_000 * DOLLAR, MARKETS)
    venue.use_fee_changes(lambda: list(changes))
    changes.clear()  # deleted from the store before its time
    venue.forget_rules(None)
    assert venue.next_due() is None
    venue.apply(Tick(AT), AT)
    assert taker_fee(venue, "A", AT) == 35_000 * CENTICENT
