"""market_lifecycle_v2, event_lifecycle and multivariate_market_lifecycle: catalog changes as
the lifecycle messages of websockets/market-and-event-lifecycle.md.

The mapping from a change to messages lives in `market_messages`, `transition_messages` and
`event_message`, and nowhere else. Changes come from two places:
- the engine's MarketLifecycle events (exchange/transitions.py: the clock, and the admin
  lifecycle routes), published in commit order as they arrive (`engine_moved`);
- catalog writes (admin PUTs, scenario loads): after each, the watcher compares the markets
  and events it knows with the store's and publishes what moved (created, activated,
  deactivated, close_date_updated, determined, settled, price_level_structure_updated,
  metadata_updated).
The watcher's copy of a market follows the engine's moves too, so a later catalog compare
does not announce them again. It reads the catalog only once someone subscribed to a
lifecycle channel.
"""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

from ..exchange.events import MarketLifecycle
from ..exchange.lifecycle import MarketLife
from ..exchange.money import price_dollars
from ..store import market_refs
from . import render
from .fanout import Gateway

log = logging.getLogger("kalshi_local.ws")

LIFECYCLE_CHANNELS = ("market_lifecycle_v2", "multivariate_market_lifecycle")
MULTIVARIATE_PREFIX = "KXMVE"
_METADATA = ("title", "subtitle", "no_sub_title", "rules_primary", "rules_secondary", "can_close_early",
             "strike_type", "cap_strike", "expected_expiration_us")
_COLLATERAL_RETURN_TYPES = ("MECNET", "DIRECNET")


class LifecycleWatcher:
    def __init__(self, gateway: Gateway, services: Any) -> None:
        self.gateway = gateway
        self.services = services
        self.markets: dict[str, Any] | None = None  # ticker -> lifecycle row, once someone listens
        self.events: dict[str, Any] = {}
        self._lock = asyncio.Lock()
        self._moved: set[str] | None = None  # markets the engine moved while a compare read
        gateway.lifecycle = self
        gateway.lifecycle_handlers[MarketLifecycle] = self.engine_moved

    async def listen(self) -> None:
        """Reads the catalog the changes are compared with, if not done yet."""
        async with self._lock:
            if self.markets is None:
                markets, events = await self.services.run_read(self._read, None)
                self.markets = {row.ticker: _mutable(row) for row in markets}
                self.events = {row.event_ticker: row for row in events}

    def catalog_changed(self, ticker: str | None) -> None:
        if self.markets is not None:
            asyncio.ensure_future(self._compare(ticker))

    async def _compare(self, ticker: str | None) -> None:
        async with self._lock:
            assert self.markets is not None
            self._moved = set()
            try:
                markets, events = await self.services.run_read(self._read, ticker)
            except Exception:
                log.exception("reading the catalog for lifecycle messages failed")
                return
            finally:
                moved, self._moved = self._moved, None
            for row in events:
                if row.event_ticker not in self.events:
                    self._publish("event_lifecycle", row.event_ticker, event_message(row))
                self.events[row.event_ticker] = row
            for found in markets:
                row, old = _mutable(found), self.markets.get(found.ticker)
                if old is not None and row.ticker in moved:
                    _follow(row, old)  # the read may predate the engine's move: the engine's fields win
                for body in market_messages(old, row):
                    self._publish("market_lifecycle_v2", row.ticker, body)
                self.markets[row.ticker] = row

    def engine_moved(self, event: MarketLifecycle) -> None:
        """A durable MarketLifecycle event from the engine (Gateway.publish, in commit order)."""
        life = event.life
        for body in transition_messages(event.kind, life):
            self._publish("market_lifecycle_v2", life.ticker, body)
        if self.markets is not None:
            row = self.markets.get(life.ticker)
            if row is not None:
                _follow(row, life)
            if self._moved is not None:
                self._moved.add(life.ticker)

    def _read(self, ticker: str | None) -> tuple[list, list]:
        with self.services.reading() as conn:
            return market_refs.lifecycle_rows(conn, ticker), market_refs.event_rows(conn)

    def _publish(self, kind: str, ticker: str, body: dict) -> None:
        multivariate = ticker.startswith(MULTIVARIATE_PREFIX)
        channel = "multivariate_market_lifecycle" if multivariate else "market_lifecycle_v2"
        if kind == "market_lifecycle_v2" and multivariate:
            kind = "multivariate_market_lifecycle"
        text = render.text(body)
        for sub in self.gateway.index.global_[channel]:
            self.gateway._send(sub, kind, text, False)


def market_messages(old: Any, new: Any) -> list[dict]:
    """The lifecycle messages (their `msg` bodies) for a market going from `old` to `new`
    (None: it did not exist)."""
    ticker = new.ticker
    if old is None:
        return [_created(new)]
    out: list[dict] = []
    if old.status != new.status:
        if new.status == "inactive":
            out.append({"market_ticker": ticker, "event_type": "deactivated", "is_deactivated": True})
        elif new.status == "active" and old.status == "inactive":
            out.append({"market_ticker": ticker, "event_type": "activated", "is_deactivated": False})
        elif new.status == "determined":
            out.append(_determined(new))
        elif new.status == "finalized":
            out.append({"market_ticker": ticker, "event_type": "settled", "settled_ts": _s(new.settlement_us)})
    if old.close_us != new.close_us:
        out.append({"market_ticker": ticker, "event_type": "close_date_updated", "close_ts": _s(new.close_us)})
    if old.price_level_structure != new.price_level_structure:
        out.append(
            {
                "market_ticker": ticker,
                "event_type": "price_level_structure_updated",
                "price_level_structure": new.price_level_structure,
            }
        )
    changed: dict[str, Any] = {}
    if old.floor_strike != new.floor_strike and new.floor_strike is not None:
        changed["floor_strike"] = _number(new.floor_strike)
    if old.yes_sub_title != new.yes_sub_title:
        changed["yes_sub_title"] = new.yes_sub_title
    others = {name: getattr(new, name) for name in _METADATA if getattr(old, name) != getattr(new, name)}
    if changed or others:
        message = {"market_ticker": ticker, "event_type": "metadata_updated", **changed}
        if others:
            message["additional_metadata"] = _metadata(new)
        out.append(message)
    return out


def transition_messages(kind: str, life: MarketLife) -> list[dict]:
    """The lifecycle messages (their `msg` bodies) for one engine transition `kind`
    (exchange/events.py MarketLifecycle) of the market now at `life`.

    market_lifecycle.md: opening and closing by the clock are implicit and send nothing;
    `amended` is a new determination, so it sends `determined` with the amended result; a
    dispute has no event type in the contract and sends nothing; a void is `settled`.
    """
    ticker = life.ticker
    if kind == "deactivated":
        return [{"market_ticker": ticker, "event_type": "deactivated", "is_deactivated": True}]
    if kind == "activated":
        return [{"market_ticker": ticker, "event_type": "activated", "is_deactivated": False}]
    if kind == "close_date_updated":
        return [{"market_ticker": ticker, "event_type": "close_date_updated", "close_ts": _s(life.close_us)}]
    if kind in ("determined", "amended"):
        body: dict[str, Any] = {"market_ticker": ticker, "event_type": "determined", "result": life.result}
        if life.timer_start_us is not None:
            body["determination_ts"] = _s(life.timer_start_us)
        if life.settlement_value is not None:
            body["settlement_value"] = price_dollars(life.settlement_value)
        return [body]
    if kind == "settled":
        return [{"market_ticker": ticker, "event_type": "settled", "settled_ts": _s(life.settlement_us or 0)}]
    return []  # opened, closed, disputed


def _mutable(row: Any) -> SimpleNamespace:
    return SimpleNamespace(**row._mapping)


def _follow(row: SimpleNamespace, moved: Any) -> None:
    """Copies the fields the engine's transitions own from `moved` (a MarketLife or row)."""
    for name in ("status", "open_us", "close_us", "result", "settlement_value", "settlement_us"):
        setattr(row, name, getattr(moved, name))


def event_message(row: Any) -> dict:
    crt = row.collateral_return_type if row.collateral_return_type in _COLLATERAL_RETURN_TYPES else ""
    body: dict[str, Any] = {
        "event_ticker": row.event_ticker,
        "title": row.title,
        "subtitle": row.sub_title,
        "collateral_return_type": crt,
        "series_ticker": row.series_ticker,
    }
    if row.strike_date_us is not None:
        body["strike_date"] = _s(row.strike_date_us)
    if row.strike_period:
        body["strike_period"] = row.strike_period
    return body


def _created(row: Any) -> dict:
    return {
        "market_ticker": row.ticker,
        "event_type": "created",
        "open_ts": _s(row.open_us),
        "close_ts": _s(row.close_us),
        "price_level_structure": row.price_level_structure,
        "additional_metadata": _metadata(row),
    }


def _determined(row: Any) -> dict:
    body: dict[str, Any] = {"market_ticker": row.ticker, "event_type": "determined", "result": row.result}
    if row.settlement_us is not None:
        body["determination_ts"] = _s(row.settlement_us)
    if row.settlement_value is not None:
        body["settlement_value"] = price_dollars(int(row.settlement_value))
    return body


def _metadata(row: Any) -> dict:
    meta: dict[str, Any] = {
        "name": row.title,
        "title": row.title,
        "yes_sub_title": row.yes_sub_title,
        "no_sub_title": row.no_sub_title,
        "rules_primary": row.rules_primary,
        "rules_secondary": row.rules_secondary,
        "can_close_early": bool(row.can_close_early),
        "event_ticker": row.event_ticker,
    }
    if row.expected_expiration_us is not None:
        meta["expected_expiration_ts"] = _s(row.expected_expiration_us)
    if row.strike_type:
        meta["strike_type"] = row.strike_type
    for name in ("floor_strike", "cap_strike"):
        value = getattr(row, name)
        if value is not None:
            meta[name] = _number(value)
    return meta


def _number(text: str) -> int | float:
    # The contract has strikes as JSON numbers; the store keeps their decimal text.
    value = float(text)
    return int(value) if value.is_integer() else value


def _s(us: int) -> int:
    return us // 1_000_000
