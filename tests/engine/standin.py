"""A tiny stand-in for the venue (exchange/venue.py), for testing the engine's mechanics
only: orders rest and match price-time against one another at the maker's price,
collateral is the yes price (bids) or 1 - price (asks), nothing else (no fees,
netting or options). It follows the venue's contract: a refused command changes nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable

from kalshi_local.exchange.errors import InsufficientBalance, MarketClosed, MarketNotFound, OrderNotFound
from kalshi_local.exchange.events import (
    BalanceChanged,
    BookChanged,
    Filled,
    MarketChanged,
    OrderChanged,
    PositionChanged,
    Traded,
)
from kalshi_local.exchange.orders import (
    Account,
    AdjustBalance,
    CancelOrder,
    CreateOrder,
    Fill,
    MarketStats,
    Order,
    Position,
    SetBalance,
    Trade,
)
from kalshi_local.exchange.venue import Outcome

ONE = 10_000  # $1 in Price units


class StandInVenue:
    def __init__(self, rules_of, account_of, next_seq: int = 1, next_order: int = 1) -> None:
        self.rules_of, self.account_of = rules_of, account_of
        self.next_seq, self.next_order = next_seq, next_order
        self.orders: dict[str, Order] = {}  # resting, in seq order
        self.accounts: dict[tuple[int, int], Account] = {}
        self.positions: dict[tuple[int, int, str], Position] = {}
        self.stats: dict[str, MarketStats] = {}
        self.rules: dict = {}
        self.fail_on: str | None = None  # a client_order_id that makes apply raise a bug

    def restore(self, orders: Iterable[Order], positions, accounts, stats, trades=()) -> None:
        self.orders = {o.order_id: copy.copy(o) for o in orders}
        self.positions = {(p.user_seq, p.subaccount, p.ticker): copy.copy(p) for p in positions}
        self.accounts = {(a.user_seq, a.subaccount): copy.copy(a) for a in accounts}
        self.stats = {s.ticker: copy.copy(s) for s in stats}

    def expire_due(self, now_us: int) -> Outcome:
        return Outcome(ts_us=now_us)  # no expirations here

    def forget_rules(self, ticker: str | None = None) -> None:
        if ticker is None:
            self.rules.clear()
        else:
            self.rules.pop(ticker, None)

    def apply(self, command, now_us: int) -> Outcome:
        self._events: list = []
        if isinstance(command, CreateOrder):
            return self._create(command, now_us)
        if isinstance(command, CancelOrder):
            return self._cancel(command, now_us)
        if isinstance(command, (AdjustBalance, SetBalance)):
            return self._balance(command, now_us)
        raise NotImplementedError(type(command).__name__)

    # --- commands ---

    def _create(self, cmd: CreateOrder, now: int) -> Outcome:
        if cmd.client_order_id == self.fail_on:
            raise RuntimeError("a bug in the venue")
        rules = self.rules.get(cmd.ticker) or self.rules_of(cmd.ticker)
        if rules is None:
            raise MarketNotFound(f"market {cmd.ticker} not found")
        if not rules.trading:
            raise MarketClosed(f"market {cmd.ticker} is not open")
        self.rules[cmd.ticker] = rules
        account = self._account(cmd.user_seq, cmd.subaccount)
        cost = _collateral(cmd.book_side, cmd.price, cmd.count)
        if account.available < cost:
            raise InsufficientBalance(f"needs {cost}, has {account.available}")
        order = Order(
            self.next_order, f"o-{self.next_order}", cmd.user_seq, cmd.user_id, cmd.subaccount, cmd.ticker,
            rules.event_ticker, cmd.book_side, cmd.price, cmd.count, cmd.count, 0, "resting", cmd.time_in_force,
            cmd.self_trade_prevention, cmd.client_order_id, cmd.action, cmd.side, cmd.post_only, cmd.reduce_only,
            cmd.cancel_order_on_pause, cmd.order_group_id, cmd.expiration_us, now, now, reserved=cost,
        )  # fmt: skip
        self.next_order += 1
        account.reserved += cost
        self._match(order, now)
        if order.remaining_count:
            self.orders[order.order_id] = order
            self._emit(BookChanged, order.ticker, order.book_side, order.price, order.remaining_count,
                       order.client_order_id, order.user_seq)  # fmt: skip
        else:
            order.status = "executed"
        self._emit(OrderChanged, copy.copy(order), "created")
        self._emit(BalanceChanged, copy.copy(account))
        self._stats_changed(order.ticker, now)
        return Outcome(events=self._events, order=copy.copy(order), fill_count=order.fill_count, ts_us=now)

    def _match(self, taker: Order, now: int) -> None:
        for maker in list(self.orders.values()):
            if taker.remaining_count == 0:
                return
            if maker.ticker != taker.ticker or maker.book_side == taker.book_side:
                continue
            bid, ask = (taker, maker) if taker.book_side == "bid" else (maker, taker)
            if bid.price < ask.price:
                continue
            count = min(taker.remaining_count, maker.remaining_count)
            trade_id = f"t-{self.next_seq}"
            self._emit(Traded, Trade(self.next_seq, trade_id, taker.ticker, maker.price, count, taker.book_side, now))
            for order in (taker, maker):
                self._fill(order, maker.price, count, trade_id, order is taker, now)
            self._emit(BookChanged, maker.ticker, maker.book_side, maker.price, -count,
                       maker.client_order_id, maker.user_seq)  # fmt: skip
            if maker.remaining_count == 0:
                maker.status = "executed"
                del self.orders[maker.order_id]
            self._emit(OrderChanged, copy.copy(maker), "filled")
            stats = self._stats(taker.ticker)
            stats.last_price, stats.volume = maker.price, stats.volume + count

    def _fill(self, order: Order, price: int, count: int, trade_id: str, is_taker: bool, now: int) -> None:
        account = self._account(order.user_seq, order.subaccount)
        locked = _collateral(order.book_side, order.price, count)
        paid = _collateral(order.book_side, price, count)
        order.remaining_count -= count
        order.fill_count += count
        order.reserved -= locked
        account.reserved -= locked
        account.balance -= paid
        seq = self.next_seq
        fill = Fill(seq, f"f-{seq}", trade_id, order.order_id, order.user_seq, order.subaccount, order.ticker,
                    order.book_side, order.action, order.side, price, count, is_taker, 0, now)  # fmt: skip
        self._emit(Filled, fill)
        key = (order.user_seq, order.subaccount, order.ticker)
        position = self.positions.setdefault(key, Position(*key, order.event_ticker))
        position.position += count if order.book_side == "bid" else -count
        position.total_traded += paid
        position.updated_us = now
        self._emit(PositionChanged, copy.copy(position))
        if not is_taker:
            self._emit(BalanceChanged, copy.copy(account))

    def _cancel(self, cmd: CancelOrder, now: int) -> Outcome:
        order = self.orders.get(cmd.order_id)
        if order is None or order.user_seq != cmd.user_seq:
            raise OrderNotFound(f"order {cmd.order_id} not found")
        del self.orders[order.order_id]
        account = self._account(order.user_seq, order.subaccount)
        account.reserved -= order.reserved
        reduced, order.remaining_count, order.reserved = order.remaining_count, 0, 0
        order.status, order.updated_us = "canceled", now
        self._emit(BookChanged, order.ticker, order.book_side, order.price, -reduced, order.client_order_id,
                   order.user_seq)  # fmt: skip
        self._emit(OrderChanged, copy.copy(order), "canceled")
        self._emit(BalanceChanged, copy.copy(account))
        self._stats_changed(order.ticker, now)
        return Outcome(events=self._events, order=copy.copy(order), reduced_by=reduced, ts_us=now)

    def _balance(self, cmd, now: int) -> Outcome:
        account = self._account(cmd.user_seq, cmd.subaccount)
        balance = account.balance + cmd.delta if isinstance(cmd, AdjustBalance) else cmd.balance
        if balance < account.reserved:
            raise InsufficientBalance(f"the balance would fall below the {account.reserved} locked by orders")
        account.balance, account.updated_us = balance, now
        self._emit(BalanceChanged, copy.copy(account))
        return Outcome(events=self._events, ts_us=now)

    # --- helpers ---

    def _account(self, user_seq: int, subaccount: int) -> Account:
        key = (user_seq, subaccount)
        if key not in self.accounts:
            found = self.account_of(user_seq, subaccount)
            if found is None:
                from kalshi_local.exchange.errors import AccountNotFound

                raise AccountNotFound(f"no account {key}")
            self.accounts[key] = found
        return self.accounts[key]

    def _stats(self, ticker: str) -> MarketStats:
        return self.stats.setdefault(ticker, MarketStats(ticker))

    def _stats_changed(self, ticker: str, now: int) -> None:
        stats = self._stats(ticker)
        resting = [o for o in self.orders.values() if o.ticker == ticker]
        bids = [o.price for o in resting if o.book_side == "bid"]
        asks = [o.price for o in resting if o.book_side == "ask"]
        stats.yes_bid = max(bids, default=0)
        stats.yes_ask = min(asks, default=ONE)
        stats.liquidity = sum(o.reserved for o in resting)
        stats.updated_us = now
        self._emit(MarketChanged, copy.copy(stats))

    def _emit(self, kind, *fields) -> None:
        self._events.append(kind(self.next_seq, *fields))
        self.next_seq += 1


def _collateral(book_side: str, price: int, count: int) -> int:
    per = price if book_side == "bid" else ONE - price
    return per * count  # Price (1e-4) x Count (1e-2) is an Amount (1e-6)
