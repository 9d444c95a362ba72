"""The fan-out: from the engine's durable batches to every subscription they concern.

`Gateway.publish` is the engine subscriber (engine/subscribers.py): it runs on the event loop,
batch after batch in seq order, and never waits. Each event is rendered once per variant
(per channel, and for the order book per `use_yes_price` and for the order's owner), framed
with each subscription's sid and seq, and appended to the connection's bounded send queue
(ws/connection.py): a slow reader never holds the others up.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
from collections.abc import Callable, Sequence
from typing import Any

from ..exchange.events import BookChanged, Event, Filled, MarketChanged, OrderChanged, PositionChanged, Traded
from ..store.events import market_id_of
from . import faults, render
from .books import StreamedBook
from .connection import Held
from .subscriptions import Index, Subscription

log = logging.getLogger("kalshi_local.ws")

_NO_POSITION = (0, 0, 0, 0, 0)
market_id = functools.lru_cache(maxsize=65_536)(market_id_of)


class Gateway:
    """One per server: the subscription index, the streamed books and the engine subscriber."""

    def __init__(self, now_us: Callable[[], int]) -> None:
        self.now_us = now_us
        self.index = Index()
        self.books: dict[str, StreamedBook] = {}
        self.loads: dict[str, asyncio.Future] = {}  # books being read from the store
        self.connections: set[Any] = set()
        self.connection_ids = itertools.count(1)
        self.faults = faults.Faults()  # none unless asked for (admin API, scenario files)
        self.last_trade_size: dict[str, int] = {}
        # When each market last changed: the store keeps the catalog's time, the engine its own.
        self.last_change_us: dict[str, int] = {}
        self.traded: dict[tuple[int, int, str], int] = {}  # (user, subaccount, ticker) -> contracts traded
        # (user, subaccount, ticker) -> the fields of its last market_position message
        self.positions: dict[tuple[int, int, str], tuple[int, ...]] = {}
        self.delivered = 0  # messages queued to connections, for the benchmarks
        self.lifecycle: Any = None  # ws/lifecycle.py's watcher
        # Domain event classes beyond the trading ones (e.g. market lifecycle), and their handlers.
        self.lifecycle_handlers: dict[type, Callable[[Any], None]] = {}
        self._held: Held | None = None  # the frames of the round being published

    # --- the engine subscriber ---

    def publish(self, events: Sequence[Event]) -> None:
        # Injected faults push out of turn: their rounds write each message at once.
        self._held = None if self.faults.active else Held()
        try:
            self._publish(events)
        finally:
            if self._held is not None:
                self._held.flush()
                self._held = None

    def _publish(self, events: Sequence[Event]) -> None:
        now = self.now_us()
        fills: dict[int, tuple[str | None, int]] | None = None
        for event in events:
            kind = type(event)
            if kind is BookChanged:
                self._book_changed(event, now)  # type: ignore[arg-type]
            elif kind is OrderChanged:
                self._order_changed(event)  # type: ignore[arg-type]
            elif kind is Filled:
                if fills is None:
                    fills = _fill_context(events)
                self._filled(event, fills)  # type: ignore[arg-type]
            elif kind is Traded:
                self._traded(event)  # type: ignore[arg-type]
            elif kind is MarketChanged:
                self._market_changed(event)  # type: ignore[arg-type]
            elif kind is PositionChanged:
                self._position_changed(event)  # type: ignore[arg-type]
            elif kind in self.lifecycle_handlers:
                self.lifecycle_handlers[kind](event)

    def _book_changed(self, event: BookChanged, now: int) -> None:
        ticker = event.ticker
        book = self.books.get(ticker)
        if book is not None:
            book.apply(event)
        subs, _ = self.index.of_market("orderbook_delta", ticker)
        if not subs:
            return
        bodies: dict[tuple[bool, bool], str] = {}  # one body per (use_yes_price, the order's owner)
        mid = market_id(ticker)
        mine = event.user_seq if event.client_order_id or event.subaccount else None
        for sub in subs:
            if ticker in sub.waiting:
                continue  # its snapshot, still to come, will hold this change
            variant = (sub.use_yes_price, sub.user_seq == mine)
            body = bodies.get(variant)
            if body is None:
                body = bodies[variant] = render.book_delta(event, mid, variant[0], now, owner=variant[1])
            self._send(sub, "orderbook_delta", body, True)

    def _market_changed(self, event: MarketChanged) -> None:
        stats = event.stats
        self.last_change_us[stats.ticker] = stats.updated_us
        subs, every = self.index.of_market("ticker", stats.ticker)
        if not subs and not every:
            return
        body = render.ticker(stats, market_id(stats.ticker), self.last_trade_size.get(stats.ticker, 0))
        for group in (subs, every):
            for sub in group or ():
                self._send(sub, "ticker", body, False)

    def _traded(self, event: Traded) -> None:
        trade = event.trade
        self.last_trade_size[trade.ticker] = trade.count
        subs, every = self.index.of_market("trade", trade.ticker)
        if not subs and not every:
            return
        body = render.trade(trade)
        for group in (subs, every):
            for sub in group or ():
                self._send(sub, "trade", body, False)

    def _filled(self, event: Filled, context: dict[int, tuple[str | None, int]]) -> None:
        fill = event.fill
        key = (fill.user_seq, fill.subaccount, fill.ticker)
        self.traded[key] = self.traded.get(key, 0) + fill.count
        subs = self.index.of_user("fill", fill.user_seq)
        if not subs:
            return
        client_order_id, post_position = context[event.seq]
        body = render.fill(fill, client_order_id, post_position)
        for sub in subs:
            if sub.wants(fill.ticker):
                self._send(sub, "fill", body, False)

    def _position_changed(self, event: PositionChanged) -> None:
        """A market_position only when one of its fields changed: resting orders placed or
        cancelled touch the position row but not what the message shows."""
        position = event.position
        key = (position.user_seq, position.subaccount, position.ticker)
        volume = self.traded.get(key, 0)
        shown = (position.position, position.market_exposure, position.realized_pnl, position.fees_paid, volume)
        if self.positions.get(key, _NO_POSITION) == shown:  # a new row at zero shows nothing either
            return
        self.positions[key] = shown
        subs = self.index.of_user("market_positions", position.user_seq)
        if not subs:
            return
        body: str | None = None
        for sub in subs:
            if sub.wants(position.ticker):
                body = body or render.position(position, sub.conn.caller.user_id, volume)
                self._send(sub, "market_position", body, False)

    def _order_changed(self, event: OrderChanged) -> None:
        if event.reason == "collateral":
            return  # only the reserved cash moved: nothing a user_order message shows
        order = event.order
        subs = self.index.of_user("user_orders", order.user_seq)
        if not subs:
            return
        body = render.user_order(order)
        for sub in subs:
            if sub.wants(order.ticker):
                self._send(sub, "user_order", body, False)

    def _send(self, sub: Subscription, kind: str, body: str, with_seq: bool) -> None:
        if self.faults.active:
            fault = self.faults.take(sub.conn, sub.channel, kind, with_seq)
            if fault is not None:
                frame = lambda seq: render.frame(kind, sub.sid, seq, body)  # noqa: E731
                self.delivered += faults.send(fault, sub, frame, with_seq)
                return
        sub.conn.push(render.frame(kind, sub.sid, sub.next_seq() if with_seq else None, body), self._held)
        self.delivered += 1

    def forget_trading(self, user_seq: int | None, numbered_only: bool = False) -> None:
        """A member's trading records were removed (admin reset of the member, of its numbered
        subaccounts when `numbered_only`, or of everyone when `user_seq` is None): its
        market_position `volume_fp` starts again from 0, as REST's `total_traded_dollars` does.
        Call it in the engine's order (between the batches before and after the removal)."""
        for table in (self.traded, self.positions):
            if user_seq is None:
                table.clear()
                continue
            for key in [k for k in table if k[0] == user_seq and (k[1] or not numbered_only)]:
                del table[key]

    def drop(self, sub: Subscription) -> None:
        """Ends `sub`: off its connection and the index (and its books when no one needs them)."""
        sub.conn.subscriptions.pop(sub.sid, None)
        self.index.remove(sub)
        if sub.channel == "orderbook_delta":
            self.drop_unused_books()

    # --- streamed books ---

    def book_for(self, ticker: str) -> StreamedBook:
        """The streamed book of `ticker`; a new one is not ready until `loaded` is called."""
        book = self.books.get(ticker)
        if book is None:
            book = self.books[ticker] = StreamedBook(ticker)
        return book

    def drop_unused_books(self) -> None:
        """Forgets the books no orderbook subscription needs any more (memory stays bounded)."""
        used = self.index.by_market["orderbook_delta"]
        for ticker in [t for t in self.books if t not in used]:
            del self.books[ticker]

    def send_snapshot(self, sub: Subscription, book: StreamedBook) -> None:
        body = render.book_snapshot(book.ticker, market_id(book.ticker), book.bids, book.asks, sub.use_yes_price)
        sub.waiting.discard(book.ticker)
        self._send(sub, "orderbook_snapshot", body, True)


def _fill_context(events: Sequence[Event]) -> dict[int, tuple[str | None, int]]:
    """For each fill of the batch (by seq): its order's client_order_id and the user's position
    in the market after it (the batch's next PositionChanged for that account and market)."""
    client_ids: dict[str, str] = {}
    after: dict[tuple[int, int, str], int] = {}
    out: dict[int, tuple[str | None, int]] = {}
    for event in events:
        if type(event) is OrderChanged:
            client_ids[event.order.order_id] = event.order.client_order_id
    for event in reversed(events):
        kind = type(event)
        if kind is PositionChanged:
            p = event.position  # type: ignore[union-attr]
            after[(p.user_seq, p.subaccount, p.ticker)] = p.position
        elif kind is Filled:
            f = event.fill  # type: ignore[union-attr]
            out[event.seq] = (client_ids.get(f.order_id), after.get((f.user_seq, f.subaccount, f.ticker), 0))
    return out
