"""Subscriptions: what one `subscribe` gave a connection, and the gateway-wide index of them.

A subscription has its `sid` (per connection, from 1), its channel, the markets it filters on
(None: every market) and its own `seq`, which grows by one per message that carries one.
The index finds the subscriptions an event concerns without looking at the others:
by market for the market-data channels, by user for the private ones.
"""

from __future__ import annotations

from typing import Any

MARKET_CHANNELS = frozenset({"orderbook_delta", "ticker", "trade"})
USER_CHANNELS = frozenset({"fill", "market_positions", "user_orders", "order_group_updates", "communications"})
GLOBAL_CHANNELS = frozenset({"market_lifecycle_v2", "multivariate_market_lifecycle", "multivariate"})
PRIVATE_CHANNELS = USER_CHANNELS | {"orderbook_delta"}  # quick_start_websockets.md: private channels
FILTERED_USER_CHANNELS = frozenset({"fill", "market_positions", "user_orders"})


class Subscription:
    __slots__ = (
        "sid", "channel", "conn", "tickers", "use_yes_price", "seq", "waiting", "user_seq", "shard", "skip_ticker_ack",
    )

    def __init__(
        self,
        sid: int,
        channel: str,
        conn: Any,
        tickers: set[str] | None,
        use_yes_price: bool = False,
        shard: tuple[int, int] | None = None,
        skip_ticker_ack: bool = False,
    ) -> None:
        self.sid = sid
        self.channel = channel
        self.conn = conn
        self.tickers = tickers
        self.use_yes_price = use_yes_price
        self.seq = 0
        self.waiting: set[str] = set()  # orderbook markets whose snapshot is not sent yet
        self.user_seq: int = conn.caller.user_seq
        self.shard = shard
        self.skip_ticker_ack = skip_ticker_ack  # its update_subscription `ok` answers list no markets

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def wants(self, ticker: str) -> bool:
        return self.tickers is None or ticker in self.tickers


class Index:
    """Subscriptions by channel, then by market (market-data channels, None for every market)
    or by user (private channels)."""

    def __init__(self) -> None:
        self.by_market: dict[str, dict[str | None, set[Subscription]]] = {c: {} for c in MARKET_CHANNELS}
        self.by_user: dict[str, dict[int, set[Subscription]]] = {c: {} for c in USER_CHANNELS}
        self.global_: dict[str, set[Subscription]] = {c: set() for c in GLOBAL_CHANNELS}

    def add(self, sub: Subscription, tickers: set[str] | None = None) -> None:
        """Indexes `sub` (or only its new `tickers`)."""
        channel = sub.channel
        if channel in MARKET_CHANNELS:
            keys: set[str] | set[None] = tickers if tickers is not None else (sub.tickers or {None})
            for key in keys:
                self.by_market[channel].setdefault(key, set()).add(sub)
        elif channel in USER_CHANNELS:
            self.by_user[channel].setdefault(sub.user_seq, set()).add(sub)
        else:
            self.global_[channel].add(sub)

    def remove(self, sub: Subscription, tickers: set[str] | None = None) -> None:
        channel = sub.channel
        if channel in MARKET_CHANNELS:
            keys: set[str] | set[None] = tickers if tickers is not None else (sub.tickers or {None})
            table = self.by_market[channel]
            for key in keys:
                found = table.get(key)
                if found is not None:
                    found.discard(sub)
                    if not found:
                        del table[key]
        elif channel in USER_CHANNELS:
            users = self.by_user[channel]
            found = users.get(sub.user_seq)
            if found is not None:
                found.discard(sub)
                if not found:
                    del users[sub.user_seq]
        else:
            self.global_[channel].discard(sub)

    def of_market(self, channel: str, ticker: str) -> tuple[set[Subscription] | None, set[Subscription] | None]:
        """(subscriptions to `ticker`, subscriptions to every market) of a market-data channel."""
        table = self.by_market[channel]
        return table.get(ticker), table.get(None)

    def of_user(self, channel: str, user_seq: int) -> set[Subscription] | None:
        return self.by_user[channel].get(user_seq)
