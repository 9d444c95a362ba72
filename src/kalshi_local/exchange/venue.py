"""The venue: books, accounts and positions of every market, changed one command at a time.

Pure and synchronous: no web, database, asyncio or clock. The engine (engine/) feeds
it commands with the time on the exchange clock, persists the events it returns and
builds it again from the store at start-up.

A command either raises a TradingError (exchange/errors.py) and changes nothing, or
is applied whole and returns its Outcome with the events it caused, in order: per match a
Traded, the taker's and the maker's Filled and the maker level's BookChanged; then the
other book changes (the order resting, cancels); then one snapshot per touched order
(OrderChanged), position, account and market, each as it stands after the command.

Collateral (portfolio.py's rule) is kept incrementally by collateral.py: a command re-locks only the
orders it changed and those whose closing share moved with them. After a restore, or when a market's
fees change, the holding is re-locked whole at its next touch (portfolio.order_reserves).

Choices where the docs are silent:
- reduce_only with no opposite position to reduce: ExceededSellPositionFloor; a larger count
  is cut to the position.
- A cancel, amend or decrease of an order that is not resting (filled, cancelled, someone else's):
  OrderNotFound (404).
- buy_max_cost: fill-or-kill whose fills, fees included, must cost at most buy_max_cost, else
  FillOrKillInsufficientVolume.
- previous_yes_bid / previous_yes_ask / previous_price hold the value before the latest change.
- Self-trade prevention compares users (all subaccounts of one user are one party).
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import heapq
import operator
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from . import errors, fee_changes, order_groups, pauses, rfqs, subaccounts, transitions
from .book import PRICE_SCALE, Book, Resting
from .collateral import Ladder, Rung
from .events import (
    BalanceChanged,
    BookChanged,
    Event,
    Filled,
    MarketChanged,
    OrderChanged,
    PositionChanged,
    Traded,
)
from .fees import CENT, FeeSchedule, round_fill
from .lifecycle import MarketLife
from .market_commands import MARKET_COMMANDS
from .matching import Plan, execute, plan
from .money import COUNT_SCALE, Amount, count_fp, price_dollars
from .orders import (
    Account,
    AccountKey,
    AdjustBalance,
    AmendOrder,
    CancelOrder,
    Command,
    CreateOrder,
    DecreaseOrder,
    Fill,
    MarketRules,
    MarketStats,
    Order,
    Position,
    SetBalance,
    Trade,
)
from .portfolio import PAIR_VALUE, apply_fill, order_reserves, unit_cost, yes_held
from .price_levels import is_tradable
from .subaccount_commands import SUBACCOUNT_COMMANDS
from .timers import Timers

ID_NAMESPACE = uuid.UUID("6f1c1a52-5a4e-4c8e-9a57-6b0e3c1d2f40")  # fixed: a replay gives the same ids
_NAMESPACE_BYTES = ID_NAMESPACE.bytes
_ID_NUMBER_MASK = (1 << 48) - 1
_VARIANT = {digit: "89ab"[int(digit, 16) & 3] for digit in "0123456789abcdef"}  # RFC 9562: its top bits are 10
DAY_US = 86_400_000_000
_NEVER = 1 << 62  # a time after any the clock reaches
MAX_COUNT = 10**11  # raw: one billion contracts, so that every cost fits 64 bits
MAX_BALANCE = 10**18  # Amount: $1 trillion
_T = TypeVar("_T")


@dataclass(slots=True)
class Outcome:
    """What a command did. `order` is the order after the command (create, amend,
    decrease, cancel), with the fills it got in this command; `reduced_by` is the
    count a cancel or decrease took off (Count)."""

    events: list[Event] = field(default_factory=list)
    order: Order | None = None
    fill_count: int = 0  # Count filled by this command
    fill_cost: int = 0  # Amount: sum of price x count of those fills, in the order's outcome side
    fees: int = 0  # Amount: net fees of those fills
    reduced_by: int = 0  # Count
    cash_moved: int = 0  # Amount an admin balance command added to cash (negative: took away)
    ts_us: int = 0
    next_due_us: int | None = None  # a Tick's: the earliest timer still pending after it


RulesOf = Callable[[str], MarketRules | None]  # ticker -> rules, None for an unknown market
AccountOf = Callable[[int, int], Account | None]  # (user_seq, subaccount) -> cash, None if no such account
# ticker -> that market's life ([] if none); None -> every market with a timer pending
LivesOf = Callable[[str | None], list[MarketLife]]


class _Market:
    __slots__ = ("rules", "fees", "book", "stats", "window")

    def __init__(self, rules: MarketRules, stats: MarketStats) -> None:
        self.rules = rules
        self.fees = FeeSchedule.parse(rules.fee_type, rules.fee_multiplier)
        self.book = Book(rules.ticker)
        self.stats = stats
        self.window: deque[tuple[int, int]] = deque()  # (created_us, count) of trades in the last 24 h


class _Holding:
    """One account's resting orders in one market, per book side (collateral.py). `stale`: the
    orders' locks may be off (restored, or the market's fees changed), re-lock all at next touch."""

    __slots__ = ("bid", "ask", "stale")

    def __init__(self) -> None:
        self.bid = Ladder()
        self.ask = Ladder()
        self.stale = False

    def ladder(self, is_bid: bool) -> Ladder:
        return self.bid if is_bid else self.ask

    def orders(self) -> list[Order]:
        return sorted((rung.order for ladder in (self.bid, self.ask) for rung in ladder), key=lambda o: o.seq)


_NO_HOLDING = _Holding()  # read only: an account with no resting order in a market


class _Change:
    """The events and touched objects of one command, in order."""

    __slots__ = ("outcome", "orders", "positions", "accounts", "markets", "reserve_keys", "now", "groups")

    def __init__(self, now: int) -> None:
        self.outcome = Outcome(ts_us=now)
        self.orders: dict[str, tuple[Order, str]] = {}
        self.positions: dict[tuple[AccountKey, str], Position] = {}
        self.accounts: dict[AccountKey, Account] = {}
        self.markets: dict[str, _Market] = {}
        self.reserve_keys: dict[tuple[AccountKey, str], None] = {}
        self.now = now
        self.groups: dict[str, order_groups.OrderGroup] = {}  # order groups its fills moved

    def order(self, order: Order, reason: str) -> None:
        kept = self.orders.get(order.order_id)
        if kept is None or kept[1] == "filled":
            self.orders[order.order_id] = (order, reason)


class Venue:
    """All trading state of one exchange process.

    `rules_of` and `account_of` load what the venue has not seen yet (the engine
    backs them with the store); after that the venue's own copy is the truth.
    `next_seq` and `next_order` continue the event and order-id counters after a restart.
    """

    def __init__(self, rules_of: RulesOf, account_of: AccountOf, next_seq: int = 1, next_order: int = 1) -> None:
        self._rules_of = rules_of
        self._account_of = account_of
        self._seq = next_seq
        self._next_order = next_order
        self._markets: dict[str, _Market] = {}
        self._orders: dict[str, Order] = {}  # resting orders only
        self._accounts: dict[AccountKey, Account] = {}
        self._positions: dict[tuple[AccountKey, str], Position] = {}
        self._rungs: dict[str, Rung] = {}  # order_id -> its place in its holding, resting orders only
        self._holdings: dict[tuple[AccountKey, str], _Holding] = {}
        self._client_ids: dict[tuple[int, str], str] = {}  # (user_seq, client_order_id) -> open order_id
        self._expiries: list[tuple[int, int, str]] = []  # heap of (expiration_us, seq, order_id)
        self._pending_stats: dict[str, MarketStats] = {}
        self._pending_trades: dict[str, list[Trade]] = {}
        self.fees_collected = 0  # Amount: every net fee charged since this venue was built
        self._lives_of: LivesOf | None = None  # None: trading follows MarketRules.trading only
        self._lives: dict[str, MarketLife] = {}
        self._combos_on: dict[str, list[str]] | None = None  # leg ticker -> combo tickers; None: to build
        self._timers = Timers()  # market open, close and settlement (order expirations: _expiries)
        self._holders: dict[str, dict[AccountKey, None]] = {}  # ticker -> accounts with a position in it
        # No market's 24 h window has a trade to forget before this: batches skip the scan of all markets.
        self._roll_due = 0
        self._pauses = pauses.Pauses()  # the exchange's trading state: always open until told
        self.netting = subaccounts.Netting()  # accounts with netting off (exchange/subaccounts.py)
        self.order_groups = order_groups.OrderGroups()  # contracts limits over sets of orders
        self._rfqs = rfqs.Rfqs()  # RFQs, quotes and their timers (exchange/rfqs.py)
        self.fee_changes = fee_changes.FeeChanges()  # series fee changes to come (exchange/fee_changes.py)
        self._fee_changes_of: Callable[[], list[fee_changes.FeeChange]] | None = None

    @property
    def next_seq(self) -> int:
        return self._seq

    @property
    def next_order(self) -> int:
        return self._next_order

    # --- loading ---

    def restore(
        self,
        orders: Iterable[Order],
        positions: Iterable[Position],
        accounts: Iterable[Account],
        stats: Iterable[MarketStats],
        trades: Iterable[Trade] = (),
    ) -> None:
        """Load the state persisted in the store (resting orders in seq order; `trades` those of the
        last 24 h, oldest first, for volume_24h). Objects are taken as they are, not copied."""
        for account in accounts:
            self._accounts[(account.user_seq, account.subaccount)] = account
        for position in positions:
            self._positions[((position.user_seq, position.subaccount), position.ticker)] = position
            self._holders.setdefault(position.ticker, {})[(position.user_seq, position.subaccount)] = None
            self.fees_collected += position.fees_paid
        for row in stats:
            self._pending_stats[row.ticker] = row
        for trade in trades:
            self._pending_trades.setdefault(trade.ticker, []).append(trade)
        for ticker in list(self._pending_stats):
            self._market(ticker, require_trading=False, rules_missing_ok=True)
        for ticker, resting in self._index(orders).items():
            self._rest_all(ticker, resting, self._market(ticker, require_trading=False, rules_missing_ok=True))
        for (key, ticker), holding in self._holdings.items():  # trust no stored lock: check at first touch
            held = self._positions.get((key, ticker))
            _settle(holding, self.netting.closable(key, held.position) if held else 0, [])
            holding.stale = True

    def use_lives(self, lives_of: LivesOf) -> None:
        """Keep market lifecycles here (exchange/transitions.py): loads every market with a timer
        pending; others are read on first use. Trading then follows the lifecycle and the clock."""
        self._lives_of = lives_of
        transitions.load(self, lives_of(None), replace_all=True)

    def use_exchange_state(self, state: object, now_us: int) -> None:
        """Follow the exchange's switches, maintenance windows and weekly schedule (the fields of
        models.inputs.ExchangeIn; exchange/pauses.py) from `now_us`. A pause in effect then
        cancels the cancel_order_on_pause orders at the next command or Tick."""
        self._pauses.load(state, now_us)

    def use_fee_changes(self, fee_changes_of: Callable[[], list[fee_changes.FeeChange]]) -> None:
        """Apply the series fee changes `fee_changes_of()` lists when their time comes; they are
        read again whenever all rules are (forget_rules)."""
        self._fee_changes_of = fee_changes_of
        self.fee_changes.load(fee_changes_of())

    def read_fee_changes(self) -> None:
        """Read the series fee changes to come again (only between batches: the store must hold
        every change this venue applied)."""
        if self._fee_changes_of is not None:
            self.fee_changes.load(self._fee_changes_of())

    def use_order_groups(self, groups: list[order_groups.OrderGroup]) -> None:
        """Take the store's order groups, their windows read back from the fills (exchange/order_groups.py)."""
        self.order_groups.load(groups)

    @property
    def pause(self) -> str | None:
        """The pause in effect: "trading", "exchange" or None."""
        return self._pauses.pause

    def restore_rfqs(self, open_rfqs: list[rfqs.Rfq], quotes: list[rfqs.Quote]) -> None:
        """Load the store's open RFQs and live or cancelled quotes (exchange/rfqs.py), timers set again."""
        self._rfqs.restore(open_rfqs, quotes)

    def life(self, ticker: str) -> MarketLife | None:
        """The market's lifecycle as the venue holds it (read on first use), None if unknown."""
        life = self._lives.get(ticker)
        if life is None and self._lives_of is not None:
            transitions.load(self, self._lives_of(ticker))
            life = self._lives.get(ticker)
        return life

    def next_due(self) -> int | None:
        """The earliest pending timer: a market's open, close or settlement, or an order's expiration."""
        return transitions.next_due(self)

    def forget_rules(self, ticker: str | None = None) -> None:
        """Drop cached market rules (all when `ticker` is None): the catalog changed. Lifecycles
        are read again too (the catalog may have set a status or moved a time)."""
        if self._lives_of is not None:
            transitions.load(self, self._lives_of(ticker), replace_all=ticker is None, ticker=ticker)
        if ticker is None:  # the store holds every fee change applied so far, and those to come
            self.fee_changes.applied.clear()
            self.read_fee_changes()
        for name in [ticker] if ticker is not None else list(self._markets):
            market = self._markets.get(name)
            if market is not None:
                rules = self._rules_of(name)
                if rules is not None:
                    self._use_rules(name, market, self.fee_changes.overlay(rules))

    def _use_rules(self, name: str, market: _Market, rules: MarketRules) -> None:
        market.rules = rules
        fees = FeeSchedule.parse(rules.fee_type, rules.fee_multiplier)
        if fees != market.fees:  # maker fee bounds moved: re-lock at next touch
            market.fees = fees
            for (_, held_in), holding in self._holdings.items():
                if held_in == name:
                    holding.stale = True

    # --- reads (for the engine and the tests) ---

    def order(self, order_id: str) -> Order | None:
        """A resting order, or None."""
        return self._orders.get(order_id)

    def orders(self) -> list[Order]:
        return sorted(self._orders.values(), key=lambda o: o.seq)

    def account(self, user_seq: int, subaccount: int = 0) -> Account | None:
        return self._accounts.get((user_seq, subaccount))

    def accounts(self) -> list[Account]:
        return list(self._accounts.values())

    def position(self, user_seq: int, subaccount: int, ticker: str) -> Position | None:
        return self._positions.get(((user_seq, subaccount), ticker))

    def positions(self) -> list[Position]:
        return list(self._positions.values())

    def stats(self, ticker: str) -> MarketStats | None:
        market = self._markets.get(ticker)
        return market.stats if market else self._pending_stats.get(ticker)

    def all_stats(self) -> list[MarketStats]:
        return [m.stats for m in self._markets.values()]

    def book(self, ticker: str) -> Book | None:
        market = self._markets.get(ticker)
        return market.book if market else None

    def state(self) -> dict[str, object]:
        """Everything the venue holds, as plain comparable values (for tests and checks)."""
        markets = {  # a market only looked at (rules cached, nothing traded) is not state
            ticker: m
            for ticker, m in sorted(self._markets.items())
            if m.book.entries or m.window or m.stats != MarketStats(ticker)
        }
        books = {
            ticker: [
                [
                    (price, [(e.key, e.remaining) for e in m.book.queue_of(side, price)])
                    for price, _ in m.book.levels(side)
                ]
                for side in (True, False)
            ]
            for ticker, m in markets.items()
        }
        return {
            "orders": {k: copy.copy(v) for k, v in sorted(self._orders.items())},
            "accounts": {k: copy.copy(v) for k, v in sorted(self._accounts.items())},
            "positions": {k: copy.copy(v) for k, v in sorted(self._positions.items())},
            "stats": {k: copy.copy(m.stats) for k, m in markets.items()},
            "windows": {k: list(m.window) for k, m in markets.items() if m.window},
            "books": books,
            "client_ids": dict(sorted(self._client_ids.items())),
            "order_groups": {
                k: (g.user_seq, g.subaccount, g.contracts_limit, g.triggered, g.reset_seq)
                for k, g in sorted(self.order_groups.groups.items())
            },
        }

    # --- commands ---

    def apply(self, command: Command, now_us: int) -> Outcome:
        """Apply one command at `now_us`. Raises a TradingError, having changed nothing, when refused."""
        if isinstance(command, CreateOrder):
            return self._create(command, now_us)
        if isinstance(command, CancelOrder):
            return self._cancel(command, now_us)
        if isinstance(command, AmendOrder):
            return self._amend(command, now_us)
        if isinstance(command, DecreaseOrder):
            return self._decrease(command, now_us)
        if isinstance(command, AdjustBalance | SetBalance):
            return self._set_balance(command, now_us)
        if isinstance(command, MARKET_COMMANDS):
            return transitions.apply(self, command, now_us)
        if isinstance(command, SUBACCOUNT_COMMANDS):
            return subaccounts.apply(self, command, now_us)
        if isinstance(command, order_groups.ORDER_GROUP_COMMANDS):
            return order_groups.apply(self, command, now_us)
        if isinstance(command, rfqs.RFQ_COMMANDS):
            return rfqs.apply(self, command, now_us)
        if isinstance(command, pauses.SetExchangeState):
            change = _Change(now_us)
            if self._pauses.set(command.state, now_us):
                self.cancel_on_pause(change)
            return self._finish(change)
        raise errors.InvalidOrder(f"unknown command {type(command).__name__}")

    def expire_due(self, now_us: int) -> Outcome:
        """Cancel every good-till-canceled order whose expiration_us is at or before `now_us`, and
        let volume_24h forget trades older than 24 h. Market timers due by then fire first, in
        time order with the expirations (exchange/transitions.py)."""
        fired, _ = transitions.fire_due(self, now_us)
        change = _Change(now_us)
        while self._expiries and self._expiries[0][0] <= now_us:
            expiration, _, order_id = heapq.heappop(self._expiries)
            order = self._orders.get(order_id)
            if order is not None and order.expiration_us == expiration:
                market = self._markets[order.ticker]
                self._take_off(change, order, market, order.remaining_count, "expired")
        if now_us >= self._roll_due:
            self._roll_windows(change, now_us)
        outcome = self._finish(change)
        outcome.events[:0] = fired
        return outcome

    # --- create ---

    def _create(self, cmd: CreateOrder, now: int) -> Outcome:
        self._pauses.check("create")
        account = self._account(cmd.user_seq, cmd.subaccount)
        market = self._market(cmd.ticker, now=now)
        is_bid = cmd.book_side == "bid"
        self._check_price(market, cmd.price)
        _check_count(cmd.count, "count")
        if cmd.order_group_id is not None:
            self.order_groups.check_order(cmd.user_seq, cmd.subaccount, cmd.order_group_id)
        time_in_force = "fill_or_kill" if cmd.buy_max_cost is not None else cmd.time_in_force
        if cmd.expiration_us is not None and time_in_force != "good_till_canceled":
            raise errors.InvalidOrder("expiration_ts can only be combined with time_in_force good_till_canceled")
        if cmd.expiration_us is not None and cmd.expiration_us <= now:
            raise errors.InvalidOrder("expiration_ts must be in the future")
        if cmd.buy_max_cost is not None and cmd.buy_max_cost <= 0:
            raise errors.InvalidOrder("buy_max_cost must be positive")
        if cmd.client_order_id and (cmd.user_seq, cmd.client_order_id) in self._client_ids:
            raise errors.OrderAlreadyExists(
                f"client_order_id {cmd.client_order_id!r} is used by one of your open orders"
            )
        count = cmd.count
        key = (account.user_seq, account.subaccount)
        position = self._positions.get((key, cmd.ticker))
        if cmd.reduce_only:
            held = position.position if position else 0
            reducible = max(0, -held if is_bid else held)
            if reducible == 0:
                raise errors.ExceededSellPositionFloor(
                    "reduce-only (reduce_only, or sell_position_floor 0 on a sell): no position for it to reduce"
                )
            count = min(count, reducible)
        if cmd.post_only and market.book.crosses(is_bid, cmd.price):
            raise errors.PostOnlyCross()
        walk = self._walk(market, is_bid, cmd.price, count, cmd, now)
        # A self-crossing fill-or-kill keeps its partial fills (changelog, "self-crossing FoK orders").
        if time_in_force == "fill_or_kill" and walk.filled < count and not walk.self_crossed:
            raise errors.FillOrKillInsufficientVolume(
                f"fill_or_kill: only {count_fp(walk.filled)} of {count_fp(count)} contracts can fill now"
            )
        order = Order(
            seq=self._seq,
            order_id=numbered_id("order", self._next_order),
            user_seq=cmd.user_seq,
            user_id=cmd.user_id,
            subaccount=cmd.subaccount,
            ticker=cmd.ticker,
            event_ticker=market.rules.event_ticker,
            book_side=cmd.book_side,
            price=cmd.price,
            initial_count=count,
            remaining_count=count,
            fill_count=0,
            status="resting",
            time_in_force=time_in_force,
            self_trade_prevention=cmd.self_trade_prevention,
            client_order_id=cmd.client_order_id,
            action=cmd.action,
            side=cmd.side,
            post_only=cmd.post_only,
            reduce_only=cmd.reduce_only,
            cancel_order_on_pause=cmd.cancel_order_on_pause,
            order_group_id=cmd.order_group_id,
            expiration_us=cmd.expiration_us,
            created_us=now,
            updated_us=now,
        )
        rests = time_in_force == "good_till_canceled" and not walk.self_stopped
        cost, fees = self._check_funds(account, market, order, walk, rests, now)
        if cmd.buy_max_cost is not None and cost + fees > cmd.buy_max_cost:
            raise errors.FillOrKillInsufficientVolume(
                f"buy_max_cost: the fills would cost {_usd(cost + fees)} dollars with fees, above buy_max_cost"
            )
        self._next_order += 1
        change = _Change(now)
        self._take(change, market, order, walk, rests, "created")
        return self._finish(change, order)

    def _walk(
        self, market: _Market, is_bid: bool, price: int, count: int, taker: CreateOrder | Order, now: int
    ) -> Plan:
        """What `taker` would match at `price` for `count` (matching.plan), within the room left
        in its order group and in the makers' groups (exchange/order_groups.py)."""
        groups = self.order_groups
        room = groups.room(taker.order_group_id, now)
        matchable = count if room is None else min(count, room)
        cancel_maker = taker.self_trade_prevention == "maker"
        makers_room = groups.maker_room(self._orders, now)
        return plan(market.book, is_bid, price, matchable, taker.user_seq, cancel_maker, makers_room)

    def _check_funds(
        self, account: Account, market: _Market, order: Order, walk: Plan, rests: bool, now: int
    ) -> tuple[int, int]:
        """Raise InsufficientBalance unless the account can pay `order`'s fills as `walk` plans them and
        lock collateral for what rests, with every other order of it in the market re-locked for the
        position after. Returns the fills' cost and net fees (Amount). Changes nothing."""
        is_bid = order.book_side == "bid"
        key = order.account
        position = self._positions.get((key, order.ticker))
        held = position.position if position else 0
        cash = account.balance
        accumulator = order.fee_accumulator
        cost = fees = 0
        for entry, take in walk.fills:
            fee = market.fees.trade_fee(take, entry.price, is_taker=True)
            revenue = -unit_cost(is_bid, entry.price) * take
            rounded = round_fill(revenue, fee, accumulator)
            accumulator = rounded.accumulator_after
            opposite = -held if is_bid else held
            pairs = min(take, opposite) if opposite > 0 else 0
            held += take if is_bid else -take
            cash += rounded.cash_change + pairs * PAIR_VALUE
            cost -= revenue
            fees += rounded.net_fee
        remaining = order.remaining_count - walk.filled if rests else 0
        reserved = account.reserved + self._lock_change(key, market, order, remaining, walk, held, accumulator)
        if cash < reserved:
            raise errors.InsufficientBalance(
                f"insufficient balance: the order needs {_usd(reserved - account.reserved + account.balance - cash)}"
                f" dollars with fees and collateral; {_usd(account.available)} available"
            )
        return cost, fees

    def _lock_change(
        self, key: AccountKey, market: _Market, order: Order, remaining: int, walk: Plan, held: int, accumulator: int
    ) -> int:
        """How much the account's locked collateral (Amount) would move if `order` rested with
        `remaining` (0: does not rest) and fee `accumulator`, its own entries in `walk.self_cancels`
        left the book and the position became `held`. Costs O(1) plus the orders whose closing share
        would move."""
        holding = self._holdings.get((key, market.rules.ticker), _NO_HOLDING)
        held = self.netting.closable(key, held)
        fees = market.fees
        gone: list[Rung] = []  # own orders that leave the book: self-cancels, and an amended order itself
        if walk.self_cancels or order.order_id in self._rungs:
            own = (holding.bid, holding.ask)
            gone = [self._rungs[e.key] for e in walk.self_cancels]
            if order.order_id in self._rungs:  # an amend: the order is placed anew
                gone.append(self._rungs[order.order_id])
            gone = [rung for rung in gone if rung.ladder in own]
        if holding.stale:
            return self._lock_change_in_full(holding, market, order, remaining, gone, held, accumulator)
        is_bid = order.book_side == "bid"
        unit = unit_cost(is_bid, order.price)
        change = 0
        sides = ((holding.bid, max(0, -held), is_bid), (holding.ask, max(0, held), not is_bid))
        for ladder, closable, takes_order in sides:
            leaving = [rung for rung in gone if rung.ladder is ladder] if gone else []
            for rung in leaving:
                change -= _full_lock(rung.unit, rung.count, rung.order.price, fees, rung.order.fee_accumulator)
            change += ladder.total_credit()
            change -= ladder.credit_after(closable, leaving, unit, remaining if takes_order else 0)
        if remaining:
            change += _full_lock(unit, remaining, order.price, fees, accumulator)
        return change

    def _lock_change_in_full(
        self,
        holding: _Holding,
        market: _Market,
        order: Order,
        remaining: int,
        gone: list[Rung],
        held: int,
        accumulator: int,
    ) -> int:
        """`_lock_change` from scratch, for a holding whose stored locks are not to be trusted."""
        own = holding.orders()
        leaving = {id(rung.order) for rung in gone}
        after = [o for o in own if id(o) not in leaving]
        if remaining:
            probe = copy.copy(order)
            probe.remaining_count, probe.seq, probe.fee_accumulator = remaining, self._seq, accumulator
            after.append(probe)
        return sum(order_reserves(held, after, market.fees).values()) - sum(o.reserved for o in own)

    def _take(self, change: _Change, market: _Market, order: Order, walk: Plan, rests: bool, reason: str) -> None:
        """Execute `walk` for the taker `order`, then rest what is left or cancel it."""
        outcome = change.outcome
        outcome.order = order
        change.markets[order.ticker] = market
        change.order(order, reason)
        self._touch_reserve(change, order.account, order.ticker)
        for entry in walk.self_cancels:
            maker = self._orders[entry.key]
            self._take_off(change, maker, market, entry.remaining, "canceled")
        for entry, take in walk.fills:
            self._match(change, market, order, self._orders[entry.key], take)
        execute(market.book, _fills_only(walk))
        for entry, _ in walk.fills:
            maker = self._orders[entry.key]
            if maker.remaining_count == 0:
                self._forget(maker, "executed")
        if order.remaining_count and rests:
            order.seq = self._seq
            self._rest(order, market)
            self._emit(
                change,
                BookChanged(
                    self._seq,
                    order.ticker,
                    order.book_side,
                    order.price,
                    order.remaining_count,
                    order.client_order_id or None,
                    order.user_seq,
                    order.subaccount,
                ),
            )
        elif order.remaining_count:
            outcome.reduced_by = order.remaining_count
            order.remaining_count = 0
            order.status = "canceled"
        else:
            order.status = "executed"
        order.updated_us = change.now

    def _match(self, change: _Change, market: _Market, taker: Order, maker: Order, take: int) -> None:
        price = maker.price
        trade_id = numbered_id("trade", self._seq)
        trade = Trade(self._seq, trade_id, taker.ticker, price, take, taker.book_side, change.now)
        self._emit(change, Traded(self._seq, trade))
        taker_fill = self._fill(change, market, taker, trade, take, is_taker=True)
        self._fill(change, market, maker, trade, take, is_taker=False)
        self._emit(
            change,
            BookChanged(
                self._seq,
                maker.ticker,
                maker.book_side,
                price,
                -take,
                maker.client_order_id or None,
                maker.user_seq,
                maker.subaccount,
            ),
        )
        outcome = change.outcome
        outcome.fill_count += take
        outcome.fill_cost += unit_cost(taker.book_side == "bid", price) * take
        outcome.fees += taker_fill
        stats = market.stats
        stats.volume += take
        market.window.append((change.now, take))
        self._windowed(change.now)
        stats.volume_24h += take
        if stats.last_price != price:
            stats.previous_price = stats.last_price
            stats.last_price = price

    def _fill(self, change: _Change, market: _Market, order: Order, trade: Trade, take: int, is_taker: bool) -> int:
        """Book one side of a match into the order, its account and its position; returns the net fee."""
        is_bid = order.book_side == "bid"
        price = trade.price
        fee = market.fees.trade_fee(take, price, is_taker)
        revenue = -unit_cost(is_bid, price) * take
        rounded = round_fill(revenue, fee, order.fee_accumulator)
        net_fee = rounded.net_fee
        order.fee_accumulator = rounded.accumulator_after
        order.fill_count += take
        order.remaining_count -= take
        order.updated_us = change.now
        if is_taker:
            order.taker_fill_cost -= revenue
            order.taker_fees += net_fee
        else:
            order.maker_fill_cost -= revenue
            order.maker_fees += net_fee
        if order.order_group_id is not None:
            order_groups.matched(self, change, order.order_group_id, take)
        key = order.account
        position = self._position(key, order.ticker, market, change)
        before = yes_held(position.position)
        pairs = apply_fill(position, is_bid, price, take)
        market.stats.open_interest += yes_held(position.position) - before
        position.fees_paid += net_fee
        self.fees_collected += net_fee
        self._accounts[key].balance += rounded.cash_change + pairs * PAIR_VALUE
        change.order(order, "filled")
        self._touch_reserve(change, key, order.ticker)  # and reports the account's new balance
        fill_seq = self._seq
        fill = Fill(
            seq=fill_seq,
            fill_id=numbered_id("fill", fill_seq),
            trade_id=trade.trade_id,
            order_id=order.order_id,
            user_seq=order.user_seq,
            subaccount=order.subaccount,
            ticker=order.ticker,
            book_side=order.book_side,
            action=order.action,
            side=order.side,
            price=price,
            count=take,
            is_taker=is_taker,
            fee=net_fee,
            created_us=change.now,
        )
        self._emit(change, Filled(self._seq, fill))
        return net_fee

    # --- cancel, decrease, amend ---

    def _owned(self, user_seq: int, order_id: str, subaccount: int | None) -> Order:
        order = self._orders.get(order_id)
        if order is None or order.user_seq != user_seq or (subaccount is not None and order.subaccount != subaccount):
            raise errors.OrderNotFound(f"no open order {order_id!r} of yours")
        return order

    def _cancel(self, cmd: CancelOrder, now: int) -> Outcome:
        self._pauses.check("cancel")
        order = self._owned(cmd.user_seq, cmd.order_id, cmd.subaccount)
        market = self._market(order.ticker, now=now, pulling=True)
        change = _Change(now)
        change.outcome.order = order
        change.outcome.reduced_by = order.remaining_count
        self._take_off(change, order, market, order.remaining_count, "canceled")
        return self._finish(change, order)

    def _decrease(self, cmd: DecreaseOrder, now: int) -> Outcome:
        self._pauses.check("decrease")
        order = self._owned(cmd.user_seq, cmd.order_id, cmd.subaccount)
        market = self._market(order.ticker, now=now, pulling=True)
        if (cmd.reduce_by is None) == (cmd.reduce_to is None):
            raise errors.InvalidOrder("give exactly one of reduce_by and reduce_to")
        if cmd.reduce_by is not None:
            _check_count(cmd.reduce_by, "reduce_by")
            by = min(cmd.reduce_by, order.remaining_count)
        else:
            to = cmd.reduce_to
            if to is None or to < 0 or to > order.remaining_count:
                raise errors.InvalidAmendQuantity(
                    f"reduce_to must be from 0 to the remaining count {count_fp(order.remaining_count)}"
                )
            by = order.remaining_count - to
        change = _Change(now)
        change.outcome.order = order
        change.outcome.reduced_by = by
        if by:
            reason = "canceled" if by == order.remaining_count else "decreased"
            self._take_off(change, order, market, by, reason)
        return self._finish(change, order)

    def _amend(self, cmd: AmendOrder, now: int) -> Outcome:
        self._pauses.check("amend")
        order = self._owned(cmd.user_seq, cmd.order_id, cmd.subaccount)
        market = self._market(order.ticker, now=now)
        if cmd.ticker != order.ticker:
            raise errors.OrderTickerMismatch(f"order {order.order_id} is in {order.ticker}, not {cmd.ticker}")
        if cmd.book_side != order.book_side:
            raise errors.OrderSideMismatch(
                f"order {order.order_id} is on the {order.book_side} side, not {cmd.book_side}"
            )
        if cmd.client_order_id is not None and cmd.client_order_id != order.client_order_id:
            raise errors.OrderIdAndClientOrderIdMismatch("client_order_id does not match the order's")
        self._check_price(market, cmd.price)
        count = order.initial_count if cmd.count is None else cmd.count
        _check_count(count, "count")
        if count <= order.fill_count:
            raise errors.InvalidAmendQuantity(
                f"count must be above the filled count {count_fp(order.fill_count)} (it is the new total)"
            )
        new_id = cmd.updated_client_order_id
        if new_id and new_id != order.client_order_id and (order.user_seq, new_id) in self._client_ids:
            raise errors.OrderAlreadyExists(f"client_order_id {new_id!r} is used by one of your open orders")
        remaining = count - order.fill_count
        if cmd.price == order.price and remaining <= order.remaining_count:
            return self._amend_down(order, market, remaining, new_id, now)
        is_bid = order.book_side == "bid"
        if order.post_only and market.book.crosses(is_bid, cmd.price):
            raise errors.PostOnlyCross()
        walk = self._walk(market, is_bid, cmd.price, remaining, order, now)
        probe = copy.copy(order)
        probe.price, probe.remaining_count, probe.seq = cmd.price, remaining, self._seq
        self._check_funds(self._accounts[order.account], market, probe, walk, not walk.self_stopped, now)
        change = _Change(now)
        self._take_off(change, order, market, order.remaining_count, "amended", keep=True)
        order.price, order.remaining_count, order.initial_count = cmd.price, remaining, count
        self._rename(order, new_id)
        self._take(change, market, order, walk, not walk.self_stopped, "amended")
        return self._finish(change, order)

    def _amend_down(self, order: Order, market: _Market, remaining: int, new_id: str | None, now: int) -> Outcome:
        """An amend that only lowers the count keeps the order's time priority."""
        change = _Change(now)
        change.outcome.order = order
        by = order.remaining_count - remaining
        if by:
            self._take_off(change, order, market, by, "amended")
        order.initial_count = order.fill_count + remaining
        self._rename(order, new_id)
        change.order(order, "amended")
        return self._finish(change, order)

    def _rename(self, order: Order, new_id: str | None) -> None:
        if new_id and new_id != order.client_order_id:
            self._client_ids.pop((order.user_seq, order.client_order_id), None)
            order.client_order_id = new_id
            self._client_ids[(order.user_seq, new_id)] = order.order_id

    def cancel_on_pause(self, change: _Change) -> None:
        """A pause began: every resting order with cancel_order_on_pause is cancelled."""
        for order in sorted((o for o in self._orders.values() if o.cancel_order_on_pause), key=lambda o: o.seq):
            self._take_off(change, order, self._markets[order.ticker], order.remaining_count, "canceled")

    def _take_off(
        self, change: _Change, order: Order, market: _Market, count: int, reason: str, keep: bool = False
    ) -> None:
        """Take `count` off a resting order; all of it leaves the book (cancelled, or with `keep`
        out of the book for now, to be placed again)."""
        market.book.reduce(market.book.entries[order.order_id], count)
        order.remaining_count -= count
        order.updated_us = change.now
        self._emit(
            change,
            BookChanged(
                self._seq,
                order.ticker,
                order.book_side,
                order.price,
                -count,
                order.client_order_id or None,
                order.user_seq,
                order.subaccount,
            ),
        )
        change.markets[order.ticker] = market
        change.order(order, reason)
        self._touch_reserve(change, order.account, order.ticker)
        if order.remaining_count == 0:
            self._forget(order, "canceled", keep)

    # --- admin ---

    def _set_balance(self, cmd: AdjustBalance | SetBalance, now: int) -> Outcome:
        account = self._account(cmd.user_seq, cmd.subaccount)
        balance = account.balance + cmd.delta if isinstance(cmd, AdjustBalance) else cmd.balance
        if balance < account.reserved or balance < 0:
            raise errors.InsufficientBalance(
                f"the balance would be {_usd(balance)} dollars,"
                f" below the {_usd(account.reserved)} locked by open orders"
            )
        if balance > MAX_BALANCE:
            raise errors.InvalidBalance("a balance may not exceed 1000000000000 dollars")
        change = _Change(now)
        change.outcome.cash_moved = balance - account.balance
        account.balance = balance
        change.accounts[(account.user_seq, account.subaccount)] = account
        return self._finish(change)

    # --- bookkeeping ---

    def _emit(self, change: _Change, event: Event) -> None:
        """Record `event`, made with `self._seq` as its seq, and move the counter on."""
        change.outcome.events.append(event)
        self._seq += 1

    def _account(self, user_seq: int, subaccount: int) -> Account:
        key = (user_seq, subaccount)
        account = self._accounts.get(key)
        if account is None:
            account = self._account_of(user_seq, subaccount)
            if account is None:
                raise errors.AccountNotFound(f"subaccount {subaccount} not found")  # as the portfolio reads say it
            self._accounts[key] = account
        return account

    def _change(self, now: int) -> _Change:
        return _Change(now)

    def _market(
        self,
        ticker: str,
        require_trading: bool = True,
        rules_missing_ok: bool = False,
        now: int | None = None,
        pulling: bool = False,
    ) -> _Market:
        market = self._markets.get(ticker)
        if market is None:
            rules = self._rules_of(ticker)
            if rules is None:
                if not rules_missing_ok:
                    raise errors.MarketNotFound(f"market {ticker!r} not found")
                rules = MarketRules(ticker, "", False, "deci_cent", "quadratic", "0")
            rules = self.fee_changes.overlay(rules)
            stats = self._pending_stats.pop(ticker, None) or MarketStats(ticker)
            market = self._markets[ticker] = _Market(rules, stats)
            for trade in self._pending_trades.pop(ticker, ()):
                market.window.append((trade.created_us, trade.count))
                self._windowed(trade.created_us)
        if require_trading:
            life = self.life(ticker) if now is not None else None
            if life is None and not market.rules.trading:
                raise errors.MarketClosed(f"market {ticker} is not open for trading")
            status = life.status_at(now) if life is not None else "active"  # type: ignore[arg-type]
            # An inactive market's trading is paused, not closed: its orders may still be pulled
            # (cancelled or decreased), as in a trading pause (maintenance_and_pauses.md).
            if status == "inactive" and not pulling:
                raise errors.MarketClosed(f"market {ticker} is inactive: only cancels and decreases are accepted")
            if status not in ("active", "inactive"):
                raise errors.MarketClosed(f"market {ticker} is {status}: no order operation is accepted")
        return market

    def _position(self, key: AccountKey, ticker: str, market: _Market, change: _Change) -> Position:
        position = self._positions.get((key, ticker))
        if position is None:
            position = self._positions[(key, ticker)] = Position(key[0], key[1], ticker, market.rules.event_ticker)
            self._holders.setdefault(ticker, {})[key] = None
        change.positions[(key, ticker)] = position
        return position

    def _check_price(self, market: _Market, price: int) -> None:
        if not is_tradable(market.rules.price_level_structure, price):
            raise errors.InvalidPrice(
                f"price {price_dollars(price)} is not on the {market.rules.price_level_structure} grid"
                " strictly between 0 and 1"
            )

    def _rest(self, order: Order, market: _Market) -> None:
        market.book.add(
            Resting(order.order_id, order.user_seq, order.book_side == "bid", order.price, order.remaining_count)
        )
        self._orders[order.order_id] = order
        holding = self._holdings.get((order.account, order.ticker))
        if holding is None:
            holding = self._holdings[(order.account, order.ticker)] = _Holding()
        is_bid = order.book_side == "bid"
        ladder = holding.ladder(is_bid)
        rung = self._rungs[order.order_id] = Rung(order, unit_cost(is_bid, order.price), ladder)
        ladder.append(rung)
        if order.client_order_id:
            self._client_ids[(order.user_seq, order.client_order_id)] = order.order_id
        if order.expiration_us is not None:
            heapq.heappush(self._expiries, (order.expiration_us, order.seq, order.order_id))

    def _index(self, orders: Iterable[Order]) -> dict[str, list[Order]]:
        """The resting `orders` (in seq order) by market, in order of first appearance; files
        their client ids and expiries on the way (as _rest does)."""
        by_market: dict[str, list[Order]] = {}
        client_ids = self._client_ids
        expiries = self._expiries
        count = len(expiries)
        for order in orders:
            if order.status != "resting":
                continue
            same_market = by_market.get(order.ticker)
            if same_market is None:
                by_market[order.ticker] = [order]
            else:
                same_market.append(order)
            if order.client_order_id:
                client_ids[(order.user_seq, order.client_order_id)] = order.order_id
            if order.expiration_us is not None:
                expiries.append((order.expiration_us, order.seq, order.order_id))
        if len(expiries) != count:
            heapq.heapify(expiries)
        return by_market

    def _rest_all(self, ticker: str, orders: list[Order], market: _Market) -> None:
        """Rest one market's orders, oldest first, as _rest one by one would (client ids and
        expiries aside: _index files those), with one pass per structure."""
        market.book.load(
            [Resting(o.order_id, o.user_seq, o.book_side == "bid", o.price, o.remaining_count) for o in orders]
        )
        self._orders.update({order.order_id: order for order in orders})
        queues: dict[tuple[int, int, str], list[Order]] = {}  # (user_seq, subaccount, book_side) -> orders
        for order in orders:
            queue = queues.get((order.user_seq, order.subaccount, order.book_side))
            if queue is None:
                queues[(order.user_seq, order.subaccount, order.book_side)] = [order]
            else:
                queue.append(order)
        rungs = self._rungs
        for (user_seq, subaccount, book_side), queue in queues.items():
            holding = self._holdings.get(((user_seq, subaccount), ticker))
            if holding is None:
                holding = self._holdings[((user_seq, subaccount), ticker)] = _Holding()
            if book_side == "bid":
                ladder = holding.bid
                placed = [Rung(order, order.price, ladder) for order in queue]
            else:
                ladder = holding.ask
                placed = [Rung(order, PRICE_SCALE - order.price, ladder) for order in queue]
            ladder.extend(placed)
            rungs.update({rung.order.order_id: rung for rung in placed})

    def _forget(self, order: Order, status: str, keep: bool = False) -> None:
        """The order leaves the resting set (`keep`: only for the moment, it is placed again)."""
        del self._orders[order.order_id]
        rung = self._rungs.pop(order.order_id)
        rung.ladder.remove(rung)
        if order.client_order_id and self._client_ids.get((order.user_seq, order.client_order_id)) == order.order_id:
            del self._client_ids[(order.user_seq, order.client_order_id)]
        if not keep:
            order.status = status  # type: ignore[assignment]

    def _touch_reserve(self, change: _Change, key: AccountKey, ticker: str) -> None:
        change.reserve_keys[(key, ticker)] = None
        change.accounts[key] = self._accounts[key]

    def _roll_windows(self, change: _Change, now: int) -> None:
        due = _NEVER
        for market in self._markets.values():
            if market.window and market.window[0][0] <= now - DAY_US:
                self._roll_window(market, now)
                change.markets[market.rules.ticker] = market
            if market.window:
                due = min(due, market.window[0][0] + DAY_US)
        self._roll_due = due

    def _windowed(self, created_us: int) -> None:
        # A trade entered a window: its market forgets it a day later.
        if created_us + DAY_US < self._roll_due:
            self._roll_due = created_us + DAY_US

    def _roll_window(self, market: _Market, now: int) -> None:
        window, stats = market.window, market.stats
        while window and window[0][0] <= now - DAY_US:
            stats.volume_24h -= window.popleft()[1]

    def _finish(self, change: _Change, order: Order | None = None) -> Outcome:
        """Re-lock collateral where it may have moved, refresh market stats, emit the snapshots."""
        if change.groups:  # fills moved order groups: those at their limit cancel their orders
            order_groups.enforce(self, change)
        self._relock_touched(change)
        for market in change.markets.values():
            self._refresh(market, change.now)
        for changed, reason in change.orders.values():
            self._emit(change, OrderChanged(self._seq, _copy_order(changed), reason))
        for position in change.positions.values():
            position.updated_us = change.now
            self._emit(change, PositionChanged(self._seq, _copy_position(position)))
        for account in change.accounts.values():
            account.updated_us = change.now
            self._emit(change, BalanceChanged(self._seq, _copy_account(account)))
        for market in change.markets.values():
            self._emit(change, MarketChanged(self._seq, _copy_stats(market.stats)))
        if order is not None:
            change.outcome.order = order
        return change.outcome

    def _relock_touched(self, change: _Change) -> None:
        """Re-lock collateral in every holding the command touched: the orders it changed and those
        whose closing share moved with them; orders that left the book lock nothing."""
        moved: dict[tuple[AccountKey, str], list[Rung]] = {}
        for changed, _ in change.orders.values():
            rung = self._rungs.get(changed.order_id)
            if rung is not None:
                if rung.count != changed.remaining_count:
                    rung.ladder.resize(rung, changed.remaining_count)
                moved.setdefault((changed.account, changed.ticker), []).append(rung)
        for key, ticker in change.reserve_keys:
            self._relock(change, key, ticker, moved.get((key, ticker), []))
        for changed, _ in change.orders.values():
            if changed.remaining_count == 0 and changed.reserved:
                self._accounts[changed.account].reserved -= changed.reserved
                changed.reserved = 0

    def _relock(self, change: _Change, key: AccountKey, ticker: str, moved: list[Rung]) -> None:
        market = self._markets[ticker]
        position = self._positions.get((key, ticker))
        holding = self._holdings.get((key, ticker))
        count = contracts = 0
        if holding is not None:
            _settle(holding, self.netting.closable(key, position.position) if position else 0, moved)
            if holding.stale:
                moved = [rung for ladder in (holding.bid, holding.ask) for rung in ladder]
                holding.stale = False
            account = self._accounts[key]
            fees = market.fees
            for rung in sorted(dict.fromkeys(moved), key=_by_seq):  # a rung is hashed by identity
                order = rung.order
                opening = rung.count - rung.ladder.closing(rung)
                new = rung.unit * opening + fees.maker_fee_bound(rung.count, order.price) + CENT - order.fee_accumulator
                if new != order.reserved:
                    account.reserved += new - order.reserved
                    order.reserved = new
                    if order.order_id not in change.orders:
                        change.order(order, "collateral")
            count = holding.bid.size + holding.ask.size
            contracts = holding.bid.contracts + holding.ask.contracts
            if not count:
                del self._holdings[(key, ticker)]
        if position is not None or count:
            position = self._position(key, ticker, market, change)
            # The spec's "aggregate size of resting orders in contract units", in whole contracts.
            position.resting_orders_count = contracts // COUNT_SCALE

    def _refresh(self, market: _Market, now: int) -> None:
        stats, book = market.stats, market.book
        self._roll_window(market, now)
        bid, ask = book.best_bid(), book.best_ask()
        yes_bid = bid if bid is not None else 0
        yes_ask = ask if ask is not None else 10_000
        if yes_bid != stats.yes_bid:
            stats.previous_yes_bid, stats.yes_bid = stats.yes_bid, yes_bid
        if yes_ask != stats.yes_ask:
            stats.previous_yes_ask, stats.yes_ask = stats.yes_ask, yes_ask
        stats.yes_bid_size = book.size_at(True, bid) if bid is not None else 0
        stats.yes_ask_size = book.size_at(False, ask) if ask is not None else 0
        stats.liquidity = book.liquidity
        stats.updated_us = now


def numbered_id(kind: str, number: int) -> str:
    """The id of the `number`th `kind` ("order", "trade", "fill"): a UUID (version 8, RFC 9562)
    whose first 48 bits are the number and the rest a SHA-1 of kind and number, the same on
    every replay. Ids sort as they were handed out, so the store's indexes on them grow at
    one end: random ids dirtied a page per row and index in every batch (a third of the
    order-entry rate, bench/order_entry.py)."""
    digest = hashlib.sha1(_NAMESPACE_BYTES + f"{kind}:{number}".encode()).hexdigest()
    head = (number & _ID_NUMBER_MASK).to_bytes(6, "big").hex()  # a third cheaper than a format spec
    return f"{head[:8]}-{head[8:]}-8{digest[13:16]}-{_VARIANT[digest[16]]}{digest[17:20]}-{digest[20:32]}"


def _copier(cls: type[_T]) -> Callable[[_T], _T]:
    """A shallow copy of a dataclass instance through its constructor (copy.copy's reduce is slower)."""
    fields = operator.attrgetter(*(f.name for f in dataclasses.fields(cls)))  # type: ignore[arg-type]
    return lambda obj: cls(*fields(obj))


_copy_order = _copier(Order)
_copy_position = _copier(Position)
_copy_account = _copier(Account)
_copy_stats = _copier(MarketStats)


def _check_count(count: int, name: str) -> None:
    if not 0 < count <= MAX_COUNT:
        raise errors.InvalidOrderSize(
            f"{name} must be above 0 and at most {MAX_COUNT // 100} contracts, in steps of 0.01"
        )


def _settle(holding: _Holding, position: int, moved: list[Rung]) -> None:
    """Hand a signed position's closing capacity to the holding's orders (bids close NO, asks YES)."""
    holding.bid.settle(max(0, -position), moved)
    holding.ask.settle(max(0, position), moved)


def _full_lock(unit: int, count: int, price: int, fees: FeeSchedule, accumulator: int) -> int:
    """What a resting order of `count` locks when none of it closes (Amount): portfolio.py's rule."""
    return unit * count + fees.maker_fee_bound(count, price) + CENT - accumulator


def _by_seq(rung: Rung) -> int:
    return rung.seq


def _fills_only(walk: Plan) -> Plan:
    """The plan without its self-cancels (those are taken off the book one by one, with their events)."""
    if not walk.self_cancels:
        return walk
    only = Plan()
    only.fills = walk.fills
    return only


def _usd(amount: int) -> str:
    return Amount(amount).to_dollars_exact()
