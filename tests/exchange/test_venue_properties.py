"""The venue under random command streams: invariants after every command, restore and replay."""

from __future__ import annotations

import copy
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kalshi_local.exchange.errors import TradingError
from kalshi_local.exchange.events import BalanceChanged, MarketChanged, OrderChanged, PositionChanged, Traded
from kalshi_local.exchange.fees import FeeSchedule
from kalshi_local.exchange.orders import AmendOrder, CancelOrder, DecreaseOrder, MarketRules, SetBalance
from kalshi_local.exchange.portfolio import order_reserves
from kalshi_local.exchange.venue import Venue

from .venues import DOLLAR, MARKETS, USERS, make_venue, order

TICKERS = ("CENT", "MAKER", "DECI")
START = 20 * DOLLAR

creates = st.builds(
    lambda user, ticker, side, cents, count, tif, stp, post, reduce: order(
        user,
        ticker,
        side,
        cents * 100,
        count,
        time_in_force=tif,
        self_trade_prevention=stp,
        post_only=post,
        reduce_only=reduce,
    ),
    st.sampled_from(USERS),
    st.sampled_from(TICKERS),
    st.sampled_from(["bid", "ask"]),
    st.integers(1, 99),
    st.integers(1, 1500),
    st.sampled_from(["good_till_canceled", "good_till_canceled", "immediate_or_cancel", "fill_or_kill"]),
    st.sampled_from(["taker_at_cross", "maker"]),
    st.sampled_from([False, False, False, True]),
    st.sampled_from([False, False, False, True]),
)
actions = st.one_of(
    creates,
    creates,
    creates,
    st.tuples(st.just("cancel"), st.integers(0, 50)),
    st.tuples(st.just("decrease"), st.integers(0, 50), st.integers(1, 500)),
    st.tuples(st.just("amend"), st.integers(0, 50), st.integers(1, 99), st.integers(1, 1500)),
)


def _command(venue: Venue, action):
    if not isinstance(action, tuple):
        return action
    resting = venue.orders()
    if not resting:
        return None
    target = resting[action[1] % len(resting)]
    if action[0] == "cancel":
        return CancelOrder(target.user_seq, target.order_id)
    if action[0] == "decrease":
        return DecreaseOrder(target.user_seq, target.order_id, reduce_by=action[2])
    return AmendOrder(
        target.user_seq,
        target.order_id,
        target.ticker,
        target.book_side,
        action[2] * 100,
        target.fill_count + action[3],
    )


def _check(venue: Venue, deposited: int) -> None:
    for ticker in TICKERS:
        book = venue.book(ticker)
        if book is None:
            continue
        bid, ask = book.best_bid(), book.best_ask()
        assert bid is None or ask is None or bid < ask, f"{ticker} is crossed"
    yes = {t: 0 for t in TICKERS}
    no = {t: 0 for t in TICKERS}
    for position in venue.positions():
        yes[position.ticker] += max(0, position.position)
        no[position.ticker] += max(0, -position.position)
        assert position.market_exposure >= 0 and position.fees_paid >= 0 and position.resting_orders_count >= 0
    assert yes == no
    for ticker in TICKERS:
        stats = venue.stats(ticker)
        assert stats is None or stats.open_interest == yes[ticker]
    for account in venue.accounts():
        assert 0 <= account.reserved <= account.balance
        assert account.reserved == sum(
            o.reserved for o in venue.orders() if o.account == (account.user_seq, account.subaccount)
        )
    for resting in venue.orders():
        assert resting.remaining_count > 0 and resting.fill_count >= 0 and resting.reserved >= 0
    _check_locks_from_scratch(venue)
    cash = sum(a.balance for a in venue.accounts())
    backing = 10_000 * sum(yes.values())  # $1 per YES/NO pair outstanding
    assert cash + venue.fees_collected + backing == deposited


def _check_locks_from_scratch(venue: Venue, markets: dict[str, MarketRules] = MARKETS) -> None:
    """Every resting order locks what portfolio.order_reserves gives for its holding, recomputed
    from nothing (the venue re-locks incrementally), and each position counts its resting orders."""
    holdings: dict[tuple, list] = {}
    for resting in venue.orders():  # in time priority
        holdings.setdefault((resting.user_seq, resting.subaccount, resting.ticker), []).append(resting)
    for (user, subaccount, ticker), own in holdings.items():
        position = venue.position(user, subaccount, ticker)
        rules = markets[ticker]
        fees = FeeSchedule.parse(rules.fee_type, rules.fee_multiplier)
        expected = order_reserves(position.position if position else 0, own, fees)
        assert {o.order_id: o.reserved for o in own} == expected
        assert position is not None and position.resting_orders_count == sum(o.remaining_count for o in own) // 100


def _restored(venue: Venue, events) -> Venue:
    """A new venue built from the latest snapshot of each object in `events`."""
    orders, positions, accounts, stats, trades = {}, {}, {}, {}, []
    for event in events:
        if isinstance(event, OrderChanged):
            orders[event.order.order_id] = event.order
        elif isinstance(event, PositionChanged):
            positions[(event.position.user_seq, event.position.ticker)] = event.position
        elif isinstance(event, BalanceChanged):
            accounts[event.account.user_seq] = event.account
        elif isinstance(event, MarketChanged):
            stats[event.stats.ticker] = event.stats
        elif isinstance(event, Traded):
            trades.append(event.trade)
    rebuilt = Venue(MARKETS.get, lambda user, sub: None, venue.next_seq, venue.next_order)
    resting = sorted((copy.copy(o) for o in orders.values() if o.status == "resting"), key=lambda o: o.seq)
    rebuilt.restore(
        resting,
        [copy.copy(p) for p in positions.values()],
        [copy.copy(a) for a in accounts.values()],
        [copy.copy(s) for s in stats.values()],
        trades,
    )
    return rebuilt


@settings(max_examples=200, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def _stream(seed: int) -> list:
    """A stream of 60 actions drawn evenly (hypothesis' own draws favour the smallest values)."""
    rng = random.Random(seed)
    stream = []
    for _ in range(60):
        roll = rng.random()
        if roll < 0.65:
            stream.append(
                order(
                    rng.choice(USERS),
                    rng.choice(TICKERS),
                    rng.choice(["bid", "ask"]),
                    rng.randint(30, 70) * 100,
                    rng.choice([rng.randint(1, 1500), rng.randint(1, 10) * 100]),
                    time_in_force=rng.choice(["good_till_canceled"] * 3 + ["immediate_or_cancel", "fill_or_kill"]),
                    self_trade_prevention=rng.choice(["taker_at_cross", "maker"]),
                    post_only=rng.random() < 0.1,
                    reduce_only=rng.random() < 0.15,
                )
            )
        elif roll < 0.8:
            stream.append(("cancel", rng.randrange(50)))
        elif roll < 0.9:
            stream.append(("decrease", rng.randrange(50), rng.randint(1, 500)))
        else:
            stream.append(("amend", rng.randrange(50), rng.randint(30, 70), rng.randint(1, 1500)))
    return stream


@settings(max_examples=100, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32))
def test_random_even_streams_keep_every_invariant_and_replay_to_the_same_state(seed):
    test_random_streams_keep_every_invariant_and_replay_to_the_same_state.hypothesis.inner_test(_stream(seed))


@settings(max_examples=100, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(actions, min_size=20, max_size=60))
def test_random_streams_keep_every_invariant_and_replay_to_the_same_state(stream):
    venue = make_venue(START)
    for user in USERS:
        venue.apply(order(user, "CENT", "bid", 100, 1, time_in_force="immediate_or_cancel"), 0)  # loads the account
    deposited = START * len(USERS)
    events = []
    last_seq = 0
    for now, action in enumerate(stream, start=1):
        command = _command(venue, action)
        if command is None:
            continue
        before = venue.state()
        try:
            outcome = venue.apply(command, now)
        except TradingError:
            assert venue.state() == before, "a refused command changed something"
            continue
        for event in outcome.events:
            assert event.seq == last_seq + 1 or last_seq == 0
            last_seq = event.seq
        events.extend(outcome.events)
        _check(venue, deposited)
    touched = [a for a in venue.accounts()]
    rebuilt = _restored(venue, events)
    for account in touched:  # accounts never touched by an event still hold the start balance
        if rebuilt.account(account.user_seq) is None:
            rebuilt.restore([], [], [copy.copy(account)], [])
    assert rebuilt.state() == venue.state()
    follow = order(1, "CENT", "bid", 5000, 300)
    assert _attempt(rebuilt, follow) == _attempt(venue, follow)
    assert rebuilt.state() == venue.state()


def _attempt(venue: Venue, command):
    """What a command does: its events, fills, fees and order, or the error it raises."""
    try:
        outcome = venue.apply(command, 10_000)
    except TradingError as error:
        return type(error), str(error)
    return outcome.events, outcome.fill_count, outcome.fees, outcome.order


# --- restore in bulk: client ids, expiries, several markets, several restore calls ---

timed_creates = st.builds(
    lambda user, ticker, side, cents, count, client, expires: order(
        user,
        ticker,
        side,
        cents * 100,
        count,
        client_order_id=f"c{client}" if client is not None else "",
        expiration_us=1_000 + expires if expires is not None else None,
    ),
    st.sampled_from(USERS),
    st.sampled_from(TICKERS),
    st.sampled_from(["bid", "ask"]),
    st.integers(1, 99),
    st.integers(1, 1500),
    st.one_of(st.none(), st.integers(0, 30)),
    st.one_of(st.none(), st.integers(0, 20)),
)


@settings(max_examples=100, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(timed_creates, timed_creates, st.tuples(st.just("cancel"), st.integers(0, 50))), max_size=60),
    st.integers(0, 60),
)
def test_a_restore_in_two_calls_carries_on_with_client_ids_and_expiries_as_the_venue(stream, split):
    venue = make_venue(START)
    events = []
    for user in USERS:  # loads the accounts
        events.extend(venue.apply(order(user, "CENT", "bid", 100, 1, time_in_force="immediate_or_cancel"), 0).events)
    for now, action in enumerate(stream, start=1):
        command = _command(venue, action)
        if command is None:
            continue
        try:
            events.extend(venue.apply(command, now).events)
        except TradingError:
            continue
    whole = _restored(venue, events)
    assert whole.state() == venue.state()
    halves = Venue(MARKETS.get, lambda user, sub: None, venue.next_seq, venue.next_order)
    resting = [copy.copy(o) for o in whole.orders()]
    stats = [copy.copy(s) for s in whole.all_stats()]  # market stats count only before a market's first use
    trades = [event.trade for event in events if isinstance(event, Traded)]
    halves.restore(resting[:split], [], [copy.copy(a) for a in whole.accounts()], stats, trades)
    halves.restore(resting[split:], [copy.copy(p) for p in whole.positions()], [], [])
    assert halves.state() == venue.state()
    for now in (1_005, 1_012, 1_030):  # the expiries fall due in the same order, with the same events
        expected = venue.expire_due(now).events
        assert whole.expire_due(now).events == expected
        assert halves.expire_due(now).events == expected
    reused = order(1, "CENT", "bid", 4000, 100, client_order_id="c1")  # taken while c1 rests
    follow = order(2, "CENT", "ask", 100, 2000)
    for command in (reused, follow):
        expected = _attempt(venue, command)
        assert _attempt(whole, command) == expected
        assert _attempt(halves, command) == expected
    assert whole.state() == halves.state() == venue.state()


# --- a member funded to the cent of their locks: many partial fills must never find the lock short ---

SUB_CENT = {**MARKETS, "DECIMAKER": MarketRules("DECIMAKER", "EV", True, "deci_cent", "quadratic_with_maker_fees", "1")}


@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32))
def test_an_account_funded_to_exactly_its_locks_pays_every_partial_fill_of_its_orders(seed):
    """User 1 rests orders (some closing a position it holds), its cash is cut to the least the
    venue allows, then user 2 fills them in many small fractional lots: after every fill the
    remaining locks must still fit in the cash (so cash never goes negative)."""
    rng = random.Random(seed)
    venue = make_venue(markets=SUB_CENT)
    ticker = rng.choice(["CENT", "MAKER", "DECI", "DECIMAKER", "FREE"])
    tick = 10 if ticker.startswith("DECI") else 100

    def price() -> int:
        return rng.randint(1, 10_000 // tick - 1) * tick

    now = 0
    if rng.random() < 0.5:  # a position first, so that some of the orders close it
        side, count, at = rng.choice(["bid", "ask"]), rng.randint(1, 400), price()
        venue.apply(order(3, ticker, "ask" if side == "bid" else "bid", at, count), now)
        venue.apply(order(1, ticker, side, at, count, time_in_force="fill_or_kill"), now + 1)
        now += 2
    for _ in range(rng.randint(1, 4)):
        now += 1
        try:
            count = rng.choice([rng.randint(1, 600), rng.randint(1, 6) * 100])  # whole contracts too
            venue.apply(order(1, ticker, rng.choice(["bid", "ask"]), price(), count, post_only=True), now)
        except TradingError:
            continue
    reserved = venue.account(1).reserved
    venue.apply(SetBalance(1, 0, -(-reserved // 10_000) * 10_000), now)  # the least whole-cent cash allowed
    for _ in range(60):
        mine = [o for o in venue.orders() if o.user_seq == 1]
        if not mine:
            break
        target = rng.choice(mine)
        count = rng.choice([rng.randint(1, 5), rng.randint(1, 60), target.remaining_count])
        now += 1
        side = "ask" if target.book_side == "bid" else "bid"
        venue.apply(order(2, ticker, side, target.price, count, time_in_force="immediate_or_cancel"), now)
        account = venue.account(1)
        assert 0 <= account.reserved <= account.balance, f"locks {account.reserved} above cash {account.balance}"
        assert account.reserved == sum(o.reserved for o in venue.orders() if o.user_seq == 1)
        _check_locks_from_scratch(venue, SUB_CENT)
