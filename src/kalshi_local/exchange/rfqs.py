"""RFQs and quotes: the two-step lock of getting_started/rfqs.md, as venue commands and clock timers.

A requester creates an RFQ on a market (whole `contracts`, or `target_cost` in dollars); makers
quote it privately (`yes_bid`/`no_bid`, what they pay per YES/NO contract; a maker's new quote
on the RFQ replaces their previous one); the requester accepts one side of one quote; the maker
confirms within the confirmation window (30 s, 3 s on a high volatility market); when the
execution timer ends (15 s, 1 s on HVM) the two orders are entered and cross at the quoted
price: the maker's order is the maker, the requester's the taker. Cancelled quotes leave the
store 14 days after their cancellation (changelog). All times are on the exchange clock.

Functions on a Venue (exchange/venue.py), like exchange/transitions.py: a command checks
everything first and raises a TradingError having changed nothing, or applies whole.

Choices where the docs are silent:
- accepted_side is the side the requester buys (FIX AcceptQuote: BUY takes the maker's NO bid).
  `yes`: the maker buys NO at no_bid, the requester YES at $1 - no_bid; `no`: the maker buys YES
  at yes_bid, the requester NO at $1 - yes_bid. With target_cost, that side's count is the whole
  contracts the target buys at the requester's price.
- The two orders cross each other, not the public book: the quote is the price both agreed. A
  post_only quote is cancelled at execution if its order would cross a resting order. Nothing
  is left over to rest, so rest_remainder only sets the orders' time in force.
- Funds are checked at accept (the requester), at confirm (the maker) and again at execution; a
  refusal there (funds, market no longer active) cancels the quote and leaves the RFQ open.
- A quote that is accepted or confirmed cannot be replaced; a confirmed quote cannot be deleted,
  nor its RFQ (rfqs.md: once confirmed, neither party can withdraw).
- replace_existing deletes the requester's open RFQs on the same market.
- An RFQ closes with its market (cancellation_reason `market_closed`), its quotes cancelled
  (`rfq_closed`), confirmed ones too: nothing can execute on a closed market.
- Pauses (exchange/pauses.py): creating, accepting and confirming count as placing orders, deleting
  as cancelling. The windows run on through a pause; execution in one cancels the quote.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from . import errors
from .book import PRICE_SCALE, Resting
from .events import Traded
from .matching import Plan
from .money import AMOUNT_SCALE, COUNT_SCALE, Amount, price_dollars
from .orders import OUTCOME_OF, BookSide, Order, TimeInForce, Trade
from .price_levels import is_tradable, lowest_price
from .rfq_commands import (
    RFQ_COMMANDS,
    AcceptQuote,
    ConfirmQuote,
    CreateQuote,
    CreateRfq,
    DeleteQuote,
    DeleteRfq,
    RfqCommand,
)
from .rfq_events import Quote, QuoteChanged, Rfq, RfqChanged

__all__ = [
    "RFQ_COMMANDS", "AcceptQuote", "ConfirmQuote", "CreateQuote", "CreateRfq", "DeleteQuote", "DeleteRfq", "Quote",
    "Rfq", "Rfqs",
]  # fmt: skip
from .timers import Timers

if TYPE_CHECKING:
    from .venue import Outcome, Venue, _Change, _Market

SECOND_US = 1_000_000
CONFIRM_US = {False: 30 * SECOND_US, True: 3 * SECOND_US}  # rfqs.md Timing: standard, HVM
EXECUTE_US = {False: 15 * SECOND_US, True: 1 * SECOND_US}
CLEANUP_US = 14 * 86_400 * SECOND_US  # changelog: cancelled quotes are deleted 14 days later
CENTI_CENT = AMOUNT_SCALE // 10_000  # Amount: the step of target_cost_centi_cents and of *_dollars (4 places)
MAX_TARGET_COST = 10**18  # Amount: $1,000,000,000,000, far inside a BIGINT
MAX_OPEN_RFQS = 100  # api-reference/communications/create-rfq.md
HVM_PREFIX = "KXMVE"  # combo markets (multivariate event collections) are all HVM
KINDS = ("confirm", "execute", "cleanup")
LIVE = ("open", "accepted", "confirmed")
BID: BookSide = "bid"
ASK: BookSide = "ask"


class Rfqs:
    """The venue's open RFQs, its quotes still open, accepted, confirmed or cancelled (those
    until their clean-up), and their timers. Executed quotes and closed RFQs live in the store only."""

    def __init__(self) -> None:
        self.rfqs: dict[str, Rfq] = {}
        self.quotes: dict[str, Quote] = {}
        self.timers = Timers(KINDS)
        self.of_rfq: dict[str, dict[str, None]] = {}  # rfq_id -> its live quotes
        self.of_user: dict[int, dict[str, None]] = {}  # user_seq -> its open RFQs

    def restore(self, rfqs: list[Rfq], quotes: list[Quote]) -> None:
        """Load the store's open RFQs and live or cancelled quotes, and set their timers again."""
        for rfq in rfqs:
            self._add_rfq(rfq)
        for quote in quotes:
            self.quotes[quote.quote_id] = quote
            if quote.status in LIVE:
                self.of_rfq.setdefault(quote.rfq_id, {})[quote.quote_id] = None
            _schedule(self, quote)

    def next_due(self) -> int | None:
        return self.timers.next_due()

    def _add_rfq(self, rfq: Rfq) -> None:
        self.rfqs[rfq.rfq_id] = rfq
        self.of_user.setdefault(rfq.user_seq, {})[rfq.rfq_id] = None

    def _drop_rfq(self, rfq: Rfq) -> None:
        del self.rfqs[rfq.rfq_id]
        mine = self.of_user.get(rfq.user_seq)
        if mine is not None:
            mine.pop(rfq.rfq_id, None)
        self.of_rfq.pop(rfq.rfq_id, None)


def is_hvm(ticker: str, mve_collection_ticker: str | None = None) -> bool:
    """High volatility market: every combo market (rfqs.md Timing)."""
    return ticker.startswith(HVM_PREFIX) or bool(mve_collection_ticker)


def communications_id(user_id: str) -> str:
    """A user's public, pseudonymous communications id: the same on every run."""
    return hashlib.sha256(f"kalshi-local communications {user_id}".encode()).hexdigest()[:32]


def apply(venue: Venue, cmd: RfqCommand, now: int) -> Outcome:
    operation, refused = _PAUSE_RULE[type(cmd)]
    venue._pauses.check(operation, refused, "deleting RFQs and quotes works")
    change = venue._change(now)
    _HANDLERS[type(cmd)](venue, venue._rfqs, change, cmd)
    return venue._finish(change)


def fire(venue: Venue, change: _Change, instant: int) -> None:
    """Fire the RFQ timers due at `instant` (exchange/transitions.py fire_due calls this)."""
    state = venue._rfqs
    for kind, quote_id in state.timers.pop_at(instant):
        quote = state.quotes.get(quote_id)
        if quote is None:
            continue
        if kind == "confirm" and quote.status == "accepted":
            _cancel_quote(venue, change, quote, "confirmation_timeout")
        elif kind == "execute" and quote.status == "confirmed":
            _execute(venue, change, quote)
        elif kind == "cleanup" and quote.status == "cancelled":
            del state.quotes[quote_id]
            _emit_quote(venue, change, quote, "deleted")


# --- commands (each checks first, then changes) ---


def _create_rfq(venue: Venue, state: Rfqs, change: _Change, cmd: CreateRfq) -> None:
    now = change.now
    venue._account(cmd.user_seq, cmd.subaccount)
    market = venue._market(cmd.ticker, now=now)
    if (cmd.contracts is None) == (cmd.target_cost is None):
        raise errors.InvalidRfqParameters("give exactly one of contracts_fp and target_cost_dollars")
    if cmd.contracts is not None and (cmd.contracts <= 0 or cmd.contracts % COUNT_SCALE):
        raise errors.InvalidRfqParameters("contracts must be a positive whole number of contracts")
    if cmd.contracts is not None and cmd.contracts > 10**11:
        raise errors.InvalidRfqParameters("contracts may be at most 1000000000")
    if cmd.target_cost is not None:
        _check_target_cost(market, cmd.target_cost)
    mine = [state.rfqs[rfq_id] for rfq_id in state.of_user.get(cmd.user_seq, {})]
    same_market = [rfq for rfq in mine if rfq.ticker == cmd.ticker]
    if same_market and not cmd.replace_existing:
        raise errors.RfqAlreadyOpen(f"you have an open RFQ on {cmd.ticker} already: {same_market[0].rfq_id}")
    if len(mine) - len(same_market) >= MAX_OPEN_RFQS:
        raise errors.InvalidRfqParameters(f"at most {MAX_OPEN_RFQS} open RFQs at a time")
    for old in same_market:
        _close_rfq(venue, change, old, "replaced")
    rfq = Rfq(
        seq=venue._seq,
        rfq_id=_numbered("rfq", venue._seq),
        user_seq=cmd.user_seq,
        user_id=cmd.user_id,
        subaccount=cmd.subaccount,
        ticker=cmd.ticker,
        event_ticker=market.rules.event_ticker,
        contracts=cmd.contracts or 0,
        target_cost=cmd.target_cost,
        rest_remainder=cmd.rest_remainder,
        hvm=cmd.hvm or is_hvm(cmd.ticker, cmd.mve_collection_ticker),
        status="open",
        created_us=now,
        updated_us=now,
        mve_collection_ticker=cmd.mve_collection_ticker,
        mve_selected_legs=cmd.mve_selected_legs,
    )
    state._add_rfq(rfq)
    venue._emit(change, RfqChanged(venue._seq, copy.copy(rfq), "created"))


def _delete_rfq(venue: Venue, state: Rfqs, change: _Change, cmd: DeleteRfq) -> None:
    rfq = state.rfqs.get(cmd.rfq_id)
    if rfq is None:
        raise errors.RfqClosed(f"RFQ {cmd.rfq_id} is not open: deleted, expired or executed")
    if rfq.user_seq != cmd.user_seq:
        raise errors.RfqNotFound(f"no RFQ {cmd.rfq_id} of yours")
    if any(state.quotes[q].status == "confirmed" for q in state.of_rfq.get(rfq.rfq_id, {})):
        raise errors.InvalidRfqParameters("a quote on this RFQ is confirmed: neither party can withdraw")
    _close_rfq(venue, change, rfq, "deleted")


def _create_quote(venue: Venue, state: Rfqs, change: _Change, cmd: CreateQuote) -> None:
    now = change.now
    rfq = state.rfqs.get(cmd.rfq_id)
    if rfq is None:
        raise errors.RfqClosed(f"RFQ {cmd.rfq_id} is not open: deleted, expired or executed")
    if rfq.user_seq == cmd.user_seq:
        raise errors.InvalidRfqParameters("you cannot quote your own RFQ")
    venue._account(cmd.user_seq, cmd.subaccount)
    market = venue._market(rfq.ticker, now=now)
    _check_prices(market, cmd.yes_bid, cmd.no_bid)
    previous = [
        state.quotes[q] for q in state.of_rfq.get(rfq.rfq_id, {}) if state.quotes[q].user_seq == cmd.user_seq
    ]
    if any(q.status != "open" for q in previous):
        raise errors.InvalidRfqParameters("your quote on this RFQ is accepted or confirmed: it cannot be replaced")
    yes_contracts = _side_count(rfq, cmd.no_bid)
    no_contracts = _side_count(rfq, cmd.yes_bid)
    if not yes_contracts and not no_contracts:
        raise errors.InvalidRfqParameters("the quote buys no whole contract of the RFQ's target cost on either side")
    for old in previous:
        _cancel_quote(venue, change, old, "replaced")
    quote = Quote(
        seq=venue._seq,
        quote_id=_numbered("quote", venue._seq),
        rfq_id=rfq.rfq_id,
        user_seq=cmd.user_seq,
        user_id=cmd.user_id,
        subaccount=cmd.subaccount,
        rfq_user_seq=rfq.user_seq,
        rfq_user_id=rfq.user_id,
        rfq_subaccount=rfq.subaccount,
        ticker=rfq.ticker,
        event_ticker=rfq.event_ticker,
        contracts=rfq.contracts,
        target_cost=rfq.target_cost,
        yes_bid=cmd.yes_bid,
        no_bid=cmd.no_bid,
        yes_contracts=yes_contracts,
        no_contracts=no_contracts,
        rest_remainder=cmd.rest_remainder,
        post_only=cmd.post_only,
        hvm=rfq.hvm,
        status="open",
        created_us=now,
        updated_us=now,
    )
    state.quotes[quote.quote_id] = quote
    state.of_rfq.setdefault(rfq.rfq_id, {})[quote.quote_id] = None
    _emit_quote(venue, change, quote, "created")


def _delete_quote(venue: Venue, state: Rfqs, change: _Change, cmd: DeleteQuote) -> None:
    quote = _party_quote(state, cmd.quote_id, cmd.user_seq, maker=True)
    if quote.status == "confirmed":
        raise errors.InvalidRfqParameters("the quote is confirmed: neither party can withdraw")
    if quote.status not in LIVE:
        raise errors.InvalidRfqParameters(f"the quote is {quote.status} already")
    _cancel_quote(venue, change, quote, "deleted")


def _accept_quote(venue: Venue, state: Rfqs, change: _Change, cmd: AcceptQuote) -> None:
    now = change.now
    quote = _party_quote(state, cmd.quote_id, cmd.user_seq, maker=False)
    if quote.rfq_id not in state.rfqs:
        raise errors.RfqClosed(f"RFQ {quote.rfq_id} is not open: deleted, expired or executed")
    if quote.status != "open":
        raise errors.InvalidRfqParameters(f"the quote is {quote.status}, not open")
    if cmd.accepted_side not in ("yes", "no"):
        raise errors.InvalidRfqParameters("accepted_side must be yes or no")
    if any(state.quotes[q].status in ("accepted", "confirmed") for q in state.of_rfq.get(quote.rfq_id, {})):
        raise errors.InvalidRfqParameters("a quote on this RFQ is accepted already")
    count = quote.yes_contracts if cmd.accepted_side == "yes" else quote.no_contracts
    if not count:
        raise errors.InvalidRfqParameters(f"the maker declined the {cmd.accepted_side} side of this quote")
    market = venue._market(quote.ticker, now=now)
    probe = copy.copy(quote)
    probe.accepted_side = cmd.accepted_side
    maker, taker = _orders(probe, market, 0, now)
    _check_funds(venue, market, taker, maker, now)
    quote.accepted_side = cmd.accepted_side
    quote.accepted_us = now
    quote.status = "accepted"
    quote.updated_us = now
    state.timers.set("confirm", quote.quote_id, now + CONFIRM_US[quote.hvm])
    _emit_quote(venue, change, quote, "accepted")


def _confirm_quote(venue: Venue, state: Rfqs, change: _Change, cmd: ConfirmQuote) -> None:
    now = change.now
    quote = _party_quote(state, cmd.quote_id, cmd.user_seq, maker=True)
    if quote.status == "cancelled" and quote.cancellation_reason == "confirmation_timeout":
        raise errors.RfqClosed("too late: the confirmation window ended and the quote was cancelled")
    if quote.status != "accepted":
        raise errors.InvalidRfqParameters(f"the quote is {quote.status}, not accepted")
    assert quote.accepted_us is not None
    if now >= quote.accepted_us + CONFIRM_US[quote.hvm]:  # the timer fires before any command; belt and braces
        raise errors.RfqClosed("too late: the confirmation window ended")
    market = venue._market(quote.ticker, now=now)
    maker, taker = _orders(quote, market, 0, now)
    _check_funds(venue, market, maker, taker, now)
    quote.status = "confirmed"
    quote.confirmed_us = now
    quote.updated_us = now
    state.timers.set("confirm", quote.quote_id, None)
    state.timers.set("execute", quote.quote_id, now + EXECUTE_US[quote.hvm])
    _emit_quote(venue, change, quote, "confirmed")


# A pause refuses what it refuses for orders: creating, accepting and confirming place (or
# commit to placing) orders; deleting is a cancel.
_PAUSE_RULE: dict[type, tuple[str, str]] = {
    CreateRfq: ("create", "RFQs cannot be created"),
    CreateQuote: ("create", "quotes cannot be created"),
    AcceptQuote: ("create", "quotes cannot be accepted"),
    ConfirmQuote: ("create", "quotes cannot be confirmed"),
    DeleteRfq: ("cancel", "RFQs cannot be deleted"),
    DeleteQuote: ("cancel", "quotes cannot be deleted"),
}

_HANDLERS: dict[type, Callable[..., None]] = {
    CreateRfq: _create_rfq,
    DeleteRfq: _delete_rfq,
    CreateQuote: _create_quote,
    DeleteQuote: _delete_quote,
    AcceptQuote: _accept_quote,
    ConfirmQuote: _confirm_quote,
}


# --- execution ---


def _execute(venue: Venue, change: _Change, quote: Quote) -> None:
    """The execution timer ended: both orders are entered and cross at the quoted price."""
    state, now = venue._rfqs, change.now
    rfq = state.rfqs.get(quote.rfq_id)
    try:
        if rfq is None:
            raise errors.RfqClosed("the RFQ is closed")
        venue._pauses.check("create")  # no order enters the book in a pause
        market = venue._market(quote.ticker, now=now)
        maker, taker = _orders(quote, market, venue._next_order, now)
        if quote.post_only and market.book.crosses(maker.book_side == "bid", maker.price):
            raise errors.PostOnlyCross("the post-only quote's order would cross a resting order")
        _check_funds(venue, market, taker, maker, now)
        _check_funds(venue, market, maker, taker, now)
    except errors.TradingError as refused:
        _cancel_quote(venue, change, quote, f"execution_failed:{refused.code}")
        return
    assert rfq is not None
    venue._next_order += 2
    count, price = maker.initial_count, maker.price
    quote.status = "executed"
    quote.executed_us = quote.updated_us = now
    quote.creator_order_id, quote.rfq_creator_order_id = maker.order_id, taker.order_id
    quote.creator_client_order_id, quote.rfq_creator_client_order_id = maker.client_order_id, taker.client_order_id
    state.timers.set("execute", quote.quote_id, None)
    del state.quotes[quote.quote_id]
    state.of_rfq.get(rfq.rfq_id, {}).pop(quote.quote_id, None)
    maker.seq = venue._seq
    _emit_quote(venue, change, quote, "executed")
    taker.seq = venue._seq
    change.markets[quote.ticker] = market
    change.order(taker, "created")
    change.order(maker, "created")
    trade = Trade(venue._seq, _numbered_trade(venue), quote.ticker, price, count, taker.book_side, now)
    venue._emit(change, Traded(venue._seq, trade))
    venue._fill(change, market, taker, trade, count, is_taker=True)
    venue._fill(change, market, maker, trade, count, is_taker=False)
    taker.status = maker.status = "executed"
    stats = market.stats
    stats.volume += count
    stats.volume_24h += count
    market.window.append((now, count))
    venue._windowed(now)
    if stats.last_price != price:
        stats.previous_price, stats.last_price = stats.last_price, price
    _close_rfq(venue, change, rfq, "executed")


def _orders(quote: Quote, market: _Market, number: int, now: int) -> tuple[Order, Order]:
    """The maker's and the requester's orders of an accepted quote, numbered `number` and the next."""
    from .venue import numbered_id  # the venue imports this module

    if quote.accepted_side == "yes":  # the maker buys NO at no_bid; the requester YES at 1 - no_bid
        price, maker_side, taker_side = PRICE_SCALE - quote.no_bid, ASK, BID
    else:
        price, maker_side, taker_side = quote.yes_bid, BID, ASK
    tag = hashlib.sha1(quote.quote_id.encode()).hexdigest()[:8]
    tif: TimeInForce = "good_till_canceled" if quote.rest_remainder else "fill_or_kill"
    count = quote.accepted_contracts

    def order(n: int, user_seq: int, user_id: str, subaccount: int, side: BookSide, client_id: str, post: bool):
        return Order(
            seq=0, order_id=numbered_id("order", n), user_seq=user_seq, user_id=user_id, subaccount=subaccount,
            ticker=quote.ticker, event_ticker=market.rules.event_ticker, book_side=side, price=price,
            initial_count=count, remaining_count=count, fill_count=0, status="resting", time_in_force=tif,
            self_trade_prevention="taker_at_cross", client_order_id=client_id, action="buy", side=OUTCOME_OF[side],
            post_only=post, reduce_only=False, cancel_order_on_pause=False, order_group_id=None, expiration_us=None,
            created_us=now, updated_us=now,
        )  # fmt: skip

    maker_id, taker_id = f"quote:{tag}:{quote.quote_id}", f"rfq:{tag}:{quote.rfq_id}"
    maker = order(number, quote.user_seq, quote.user_id, quote.subaccount, maker_side, maker_id, quote.post_only)
    taker = order(number + 1, quote.rfq_user_seq, quote.rfq_user_id, quote.rfq_subaccount, taker_side, taker_id, False)
    return maker, taker


def _check_funds(venue: Venue, market: _Market, order: Order, other: Order, now: int) -> None:
    """InsufficientBalance unless `order`'s account can pay its whole fill against `other`."""
    walk = Plan()
    against = Resting(other.order_id, other.user_seq, other.book_side == "bid", other.price, 0)
    walk.fills = [(against, order.initial_count)]
    walk.filled = order.initial_count
    account = venue._account(order.user_seq, order.subaccount)
    venue._check_funds(account, market, order, walk, False, now)


# --- bookkeeping ---


def _check_prices(market: _Market, yes_bid: int, no_bid: int) -> None:
    for name, price in (("yes_bid", yes_bid), ("no_bid", no_bid)):
        if price and not is_tradable(market.rules.price_level_structure, price):
            raise errors.InvalidRfqParameters(
                f"{name} {price_dollars(price)} is not on the {market.rules.price_level_structure} grid"
                " strictly between 0 and 1"
            )
    if not yes_bid and not no_bid:
        raise errors.InvalidRfqParameters("yes_bid and no_bid may not both be 0")
    if yes_bid + no_bid > PRICE_SCALE:
        raise errors.InvalidRfqParameters(
            f"yes_bid + no_bid is {price_dollars(yes_bid + no_bid)}: it may not exceed 1 dollar"
        )


def _check_target_cost(market: _Market, target: int) -> None:
    if not 0 < target <= MAX_TARGET_COST or target % CENTI_CENT:
        raise errors.InvalidRfqParameters(
            f"target_cost_dollars must be from 0.0001 to {Amount(MAX_TARGET_COST).to_dollars()} dollars"
            f" in steps of one centi-cent (0.0001), got {Amount(target).to_dollars(6)}"
        )
    structure = market.rules.price_level_structure
    cheapest = lowest_price(structure)
    if target < cheapest * (AMOUNT_SCALE // PRICE_SCALE):  # no quote could ever size a whole contract
        raise errors.InvalidRfqParameters(
            f"target_cost_dollars {Amount(target).to_dollars()} buys no whole contract: the cheapest on this"
            f" market's {structure} grid costs {price_dollars(cheapest)}"
        )


def _side_count(rfq: Rfq, maker_bid: int) -> int:
    """Contracts the requester gets on the side whose price is $1 - `maker_bid` (0: declined)."""
    if not maker_bid:
        return 0
    if rfq.target_cost is None:
        return rfq.contracts
    unit = (PRICE_SCALE - maker_bid) * (AMOUNT_SCALE // PRICE_SCALE)  # Amount of one contract
    return rfq.target_cost // unit * COUNT_SCALE  # whole contracts only


def _party_quote(state: Rfqs, quote_id: str, user_seq: int, maker: bool) -> Quote:
    quote = state.quotes.get(quote_id)
    if quote is None:
        raise errors.RfqClosed(f"quote {quote_id} is not live: executed, or its RFQ closed")
    if (quote.user_seq if maker else quote.rfq_user_seq) != user_seq:
        raise errors.RfqNotFound(f"no quote {quote_id} {'of yours' if maker else 'on your RFQs'}")
    return quote


def _cancel_quote(venue: Venue, change: _Change, quote: Quote, reason: str) -> None:
    state = venue._rfqs
    quote.status = "cancelled"
    quote.cancelled_us = quote.updated_us = change.now
    quote.cancellation_reason = reason
    state.of_rfq.get(quote.rfq_id, {}).pop(quote.quote_id, None)
    state.timers.set("confirm", quote.quote_id, None)
    state.timers.set("execute", quote.quote_id, None)
    state.timers.set("cleanup", quote.quote_id, change.now + CLEANUP_US)
    _emit_quote(venue, change, quote, "cancelled")


def close_market(venue: Venue, change: _Change, ticker: str) -> None:
    """The market stopped trading (closed by its clock, early, or as a combo whose legs all have
    a result): its open RFQs close, reason `market_closed`, their quotes with them. None could execute."""
    for rfq in [r for r in venue._rfqs.rfqs.values() if r.ticker == ticker]:
        _close_rfq(venue, change, rfq, "market_closed")


def _close_rfq(venue: Venue, change: _Change, rfq: Rfq, reason: str) -> None:
    state = venue._rfqs
    for quote_id in list(state.of_rfq.get(rfq.rfq_id, {})):
        _cancel_quote(venue, change, state.quotes[quote_id], "rfq_closed")
    state._drop_rfq(rfq)
    rfq.status = "closed"
    rfq.updated_us = change.now
    if reason != "executed":
        rfq.cancelled_us = change.now
        rfq.cancellation_reason = reason
    venue._emit(change, RfqChanged(venue._seq, copy.copy(rfq), "deleted"))


def _emit_quote(venue: Venue, change: _Change, quote: Quote, kind: str) -> None:
    venue._emit(change, QuoteChanged(venue._seq, copy.copy(quote), kind))


def _schedule(state: Rfqs, quote: Quote) -> None:
    if quote.status == "accepted" and quote.accepted_us is not None:
        state.timers.set("confirm", quote.quote_id, quote.accepted_us + CONFIRM_US[quote.hvm])
    elif quote.status == "confirmed" and quote.confirmed_us is not None:
        state.timers.set("execute", quote.quote_id, quote.confirmed_us + EXECUTE_US[quote.hvm])
    elif quote.status == "cancelled" and quote.cancelled_us is not None:
        state.timers.set("cleanup", quote.quote_id, quote.cancelled_us + CLEANUP_US)


def _numbered(kind: str, seq: int) -> str:
    from .venue import numbered_id

    return numbered_id(kind, seq)


def _numbered_trade(venue: Venue) -> str:
    return _numbered("trade", venue._seq)
