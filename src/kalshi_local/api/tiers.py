"""Where a request's cutoffs come from: the exchange clock less the historical window
(exchange/historical.py). The live endpoints read one side, `/historical/...` the other."""

from __future__ import annotations

from collections.abc import Hashable

from starlette.requests import Request

from ..exchange.historical import Cutoffs, Tier, cutoffs
from ..store import markets as market_store
from ..store.changes import data_marker, next_time_memo
from .responses import services


def cutoffs_of(request: Request) -> Cutoffs:
    svc = services(request)
    return cutoffs(svc.clock.now_us(), svc.historical_window_s)


def markets(request: Request, historical: bool = False) -> Tier:
    return Tier(cutoffs_of(request).market_settled_us, historical)


def trades(request: Request, historical: bool = False) -> Tier:
    """Trades, and the fills they made."""
    return Tier(cutoffs_of(request).trades_created_us, historical)


def orders(request: Request, historical: bool = False) -> Tier:
    return Tier(cutoffs_of(request).orders_updated_us, historical)


def archive_marker(request: Request, conn) -> Hashable:
    """For cached answers that show market data and depend on which markets are live: moves on
    every commit and whenever the market cutoff passes a settlement (either way)."""
    cutoff = cutoffs_of(request).market_settled_us
    first = next_time_memo(conn, "first_settled_from", cutoff, market_store.first_settled_from, inclusive=True)
    return data_marker(conn), first
