"""The commands of one connection: subscribe, unsubscribe, list_subscriptions, update_subscription.

Answers follow asyncapi.yaml (`subscribed`, `unsubscribed`, `ok`, `error`); every mistake gets
its error code (ws/errors.py) and the connection stays open. Commands of one connection run one
after the other, in the order they arrived.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from ..store import accounts, market_refs
from ..store.book_snapshots import books_at_seq
from . import commands, errors, render
from .commands import ListSubscriptions, Subscribe, Unsubscribe, UpdateSubscription
from .connection import Connection, error_frame
from .fanout import Gateway
from .subscriptions import FILTERED_USER_CHANNELS, GLOBAL_CHANNELS, MARKET_CHANNELS, PRIVATE_CHANNELS, Subscription

log = logging.getLogger("kalshi_local.ws")

TRADING_CHANNELS = MARKET_CHANNELS | FILTERED_USER_CHANNELS
BY_TICKER_ONLY = frozenset({"orderbook_delta", "market_positions"})  # market_id(s) not supported
UPDATABLE = frozenset({"orderbook_delta", "fill", "user_orders", "ticker", "trade", "market_positions"})
NO_MARKETS = GLOBAL_CHANNELS | {"communications", "order_group_updates"}  # filters ignored


class Session:
    def __init__(self, conn: Connection, gateway: Gateway, services: Any, timeout_s: float) -> None:
        self.conn = conn
        self.gateway = gateway
        self.services = services
        self.timeout_s = timeout_s

    async def handle(self, text: str | bytes) -> None:
        """Runs one command; its answer, or its error, goes to the send queue."""
        data: Any = None
        try:
            data = commands.decode(text)
            command = commands.parse(data)
            await self._run(command)
        except errors.WsError as exc:
            self.conn.push(error_frame(commands.command_id(data), exc))
        except Exception:
            log.exception("websocket command failed: %r", data)
            self.conn.push(error_frame(commands.command_id(data), errors.InternalError()))

    async def _run(self, command: commands.Command) -> None:
        if isinstance(command, Subscribe):
            await self.subscribe(command)
        elif isinstance(command, Unsubscribe):
            self.unsubscribe(command)
        elif isinstance(command, ListSubscriptions):
            listed = [{"channel": s.channel, "sid": s.sid} for s in self.conn.subscriptions.values()]
            self.conn.push(render.text({"id": command.id, "type": "ok", "msg": listed}))
        else:
            await self.update(command)

    # --- subscribe ---

    async def subscribe(self, command: Subscribe) -> None:
        needs_market = [c for c in command.channels if c == "orderbook_delta"]
        if needs_market and command.tickers is None:
            raise errors.MarketTickerRequired("orderbook_delta needs market_ticker or market_tickers")
        if command.market_ids and any(c in BY_TICKER_ONLY for c in command.channels):
            raise errors.InvalidParameter("market_id and market_ids are not supported on this channel")
        if any(c in TRADING_CHANNELS for c in command.channels) and self.services.trading is None:
            raise errors.ChannelError(self.services.trading_off)
        private = any(c in PRIVATE_CHANNELS for c in command.channels)
        tickers = await self._read(self._check, command, private)
        for channel in command.channels:
            try:
                await self._subscribe_one(command, channel, None if channel in NO_MARKETS else tickers)
            except errors.WsError as exc:
                self.conn.push(error_frame(command.id or None, exc))

    def _check(self, command: Subscribe, private: bool) -> set[str] | None:
        """The markets asked for, as tickers; raises MarketNotFound or AuthenticationRequired."""
        with self.services.reading() as conn:
            if private and not self._key_stands(conn):
                raise errors.AuthenticationRequired("the connection's API key was deleted")
            asked = (command.tickers or ()) + (command.market_ids or ())
            if not asked:
                return None
            found = market_refs.resolve(conn, command.tickers or (), command.market_ids or ())
        for name in asked:
            if name not in found:
                raise errors.MarketNotFound(f"no market {name}", market_ticker=name)
        return set(found.values())

    def _key_stands(self, conn: Any) -> bool:
        caller = self.conn.caller
        if self.conn.key_removed:
            return False
        owner = accounts.key_owner(conn, caller.key_id)
        return owner is not None and owner.user_seq == caller.user_seq

    async def _subscribe_one(self, command: Subscribe, channel: str, tickers: set[str] | None) -> None:
        if channel in PRIVATE_CHANNELS and self.conn.key_removed:  # removed while this command read
            raise errors.AuthenticationRequired("the connection's API key was deleted")
        self._refuse_overlap(channel, tickers)
        if channel in ("market_lifecycle_v2", "multivariate_market_lifecycle") and self.gateway.lifecycle:
            await self.gateway.lifecycle.listen()  # changes from here on are compared with the catalog now
        conn = self.conn
        sub = Subscription(
            conn.next_sid, channel, conn, tickers, command.use_yes_price, command.shard, command.skip_ticker_ack
        )
        conn.next_sid += 1
        conn.subscriptions[sub.sid] = sub
        if channel == "orderbook_delta":
            sub.waiting = set(tickers or ())
        self.gateway.index.add(sub)
        conn.push(render.text({"id": command.id, "type": "subscribed", "msg": {"channel": channel, "sid": sub.sid}}))
        if channel == "orderbook_delta":
            await self._snapshots(sub, sorted(tickers or ()))
        elif channel == "ticker" and command.send_initial_snapshot and tickers:
            await self._ticker_snapshots(sub, tuple(sorted(tickers)))

    def _refuse_overlap(self, channel: str, tickers: set[str] | None, updated: Subscription | None = None) -> None:
        """Error 6 when another subscription of this connection to `channel` covers one of `tickers`:
        each change of a market reaches a connection once per channel."""
        for existing in self.conn.subscriptions.values():
            if existing is not updated and existing.channel == channel and _overlaps(existing.tickers, tickers):
                raise errors.AlreadySubscribed(f"sid {existing.sid} already covers these markets")

    async def _snapshots(self, sub: Subscription, tickers: list[str]) -> None:
        try:
            await self._load_books(tickers)
        except errors.WsError:
            self._drop(sub)
            raise
        if sub.sid not in self.conn.subscriptions:
            return  # unsubscribed meanwhile
        for ticker in tickers:
            self.gateway.send_snapshot(sub, self.gateway.books[ticker])

    async def _load_books(self, tickers: list[str]) -> None:
        gateway = self.gateway
        new = [t for t in tickers if t not in gateway.books]
        for ticker in new:
            gateway.book_for(ticker)
        if new:
            task = asyncio.ensure_future(self._load(tuple(new)))
            for ticker in new:
                gateway.loads[ticker] = task
        waits = {gateway.loads[t] for t in tickers if not gateway.books[t].ready and t in gateway.loads}
        if not waits:
            return
        try:
            await asyncio.wait_for(asyncio.shield(asyncio.gather(*waits)), self.timeout_s)
        except TimeoutError:
            raise errors.CommandTimeout("the order book could not be read in time") from None
        except Exception as exc:
            log.exception("reading order books %s failed", tickers)
            raise errors.ChannelError("the order book could not be read") from exc

    async def _load(self, tickers: tuple[str, ...]) -> None:
        gateway = self.gateway
        try:
            seq, books = await self.services.run_read(self._read_books, tickers)
        except BaseException:
            for ticker in tickers:
                book = gateway.books.get(ticker)
                if book is not None and not book.ready:
                    del gateway.books[ticker]  # the next subscription reads it again
            raise
        finally:
            for ticker in tickers:
                gateway.loads.pop(ticker, None)
        for ticker, (bids, asks) in books.items():
            book = gateway.books.get(ticker)
            if book is not None and not book.ready:
                book.loaded(seq, bids, asks)

    def _read_books(self, tickers: tuple[str, ...]) -> tuple[int, dict]:
        with self.services.reading() as conn:
            return books_at_seq(conn, tickers)

    async def _ticker_snapshots(self, sub: Subscription, tickers: tuple[str, ...]) -> None:
        found = await self._read(self._stats, tickers)
        from .fanout import market_id

        for stats in found:
            stats.updated_us = max(stats.updated_us, self.gateway.last_change_us.get(stats.ticker, 0))
            body = render.ticker(stats, market_id(stats.ticker), self.gateway.last_trade_size.get(stats.ticker, 0))
            self.gateway._send(sub, "ticker", body, False)

    def _stats(self, tickers: tuple[str, ...]) -> list:
        with self.services.reading() as conn:
            return market_refs.stats_of(conn, tickers)

    # --- unsubscribe, update ---

    def unsubscribe(self, command: Unsubscribe) -> None:
        for sid in command.sids:
            sub = self.conn.subscriptions.get(sid)
            if sub is None:
                self.conn.push(error_frame(command.id or None, errors.UnknownSid(f"no subscription {sid}")))
                continue
            self._drop(sub)
            answer = {"id": command.id, "sid": sid, "seq": sub.next_seq(), "type": "unsubscribed"}
            self.conn.push(render.text(answer))

    def _drop(self, sub: Subscription) -> None:
        self.gateway.drop(sub)

    async def update(self, command: UpdateSubscription) -> None:
        sub = self.conn.subscriptions.get(command.sid)
        if sub is None:
            raise errors.UnknownSid(f"no subscription {command.sid}")
        if command.action == "get_snapshot" and sub.channel != "orderbook_delta":
            raise errors.UnsupportedAction("get_snapshot is for orderbook_delta subscriptions")
        if sub.channel not in UPDATABLE or sub.tickers is None:
            raise errors.UnsupportedAction(f"a {sub.channel} subscription to every market has no market list")
        if command.market_ids and sub.channel in BY_TICKER_ONLY:
            raise errors.InvalidParameter("market_id and market_ids are not supported on this channel")
        check = Subscribe(command.id, (sub.channel,), command.tickers or None, command.market_ids or None)
        tickers = await self._read(self._check, check, False) or set()
        if command.action == "get_snapshot":
            await self._load_books(sorted(tickers))
            for ticker in sorted(tickers):
                self.gateway.send_snapshot(sub, self.gateway.books[ticker])
            self.gateway.drop_unused_books()
            return
        added: set[str] = set()
        if command.action == "add_markets":
            added = tickers - sub.tickers
            if added:
                self._refuse_overlap(sub.channel, added, sub)
            sub.tickers |= added
            self.gateway.index.add(sub, added)
            if sub.channel == "orderbook_delta":
                sub.waiting |= added
        else:
            removed = tickers & sub.tickers
            if removed == sub.tickers:
                raise errors.InvalidParameter("a subscription keeps at least one market; unsubscribe instead")
            sub.tickers -= removed
            sub.waiting -= removed
            self.gateway.index.remove(sub, removed)
            self.gateway.drop_unused_books()
        answer: dict[str, Any] = {"id": command.id, "sid": sub.sid, "type": "ok"}
        if sub.seq:
            answer["seq"] = sub.seq
        if not sub.skip_ticker_ack:
            answer["msg"] = {"market_tickers": sorted(sub.tickers)}
        self.conn.push(render.text(answer))
        if not added:
            return
        if sub.channel == "orderbook_delta":
            await self._snapshots(sub, sorted(added))  # always, as a new subscription gets them
        elif sub.channel == "ticker" and command.send_initial_snapshot:
            await self._ticker_snapshots(sub, tuple(sorted(added)))

    async def _read(self, fn, *args):
        try:
            return await asyncio.wait_for(self.services.run_read(fn, *args), self.timeout_s)
        except TimeoutError:
            raise errors.CommandTimeout() from None

    def close(self) -> None:
        for sub in list(self.conn.subscriptions.values()):
            self._drop(sub)
        self.conn.close()


def _overlaps(a: set[str] | None, b: set[str] | None) -> bool:
    return a is None or b is None or bool(a & b)
