"""The Settlement shape of GET /portfolio/settlements (openapi.yaml), with the legacy
integer fields kalshi-python-sync 3.2.0 requires (COMPAT.md): counts in whole contracts
and costs in cents, rounded toward zero."""

from __future__ import annotations

from typing import Any

import msgspec

from ..exchange.money import count_contracts, count_fp, price_cents
from .trading import EXCHANGE_INDEX, cents, dollars, iso_time


class Settlement(msgspec.Struct, omit_defaults=False, frozen=True):
    ticker: str
    exchange_index: int  # kalshi-typescript 3.30.0 requires it (COMPAT.md): one exchange here
    event_ticker: str
    market_result: str
    yes_count_fp: str
    yes_total_cost_dollars: str
    no_count_fp: str
    no_total_cost_dollars: str
    revenue: int  # cents credited
    settled_time: str
    fee_cost: str  # trading fees paid in the market plus the settlement rounding fee
    value: int | None  # what one YES contract paid, in cents; null when void
    yes_count: int
    yes_total_cost: int
    no_count: int
    no_total_cost: int


def settlement(row: Any) -> Settlement:
    return Settlement(
        ticker=row.ticker,
        exchange_index=EXCHANGE_INDEX,
        event_ticker=row.event_ticker,
        market_result=row.market_result,
        yes_count_fp=count_fp(row.yes_count),
        yes_total_cost_dollars=dollars(row.yes_total_cost),
        no_count_fp=count_fp(row.no_count),
        no_total_cost_dollars=dollars(row.no_total_cost),
        revenue=cents(row.revenue),
        settled_time=iso_time(row.settled_us),
        fee_cost=dollars(row.fee_cost),
        value=None if row.value is None else price_cents(row.value),
        yes_count=count_contracts(row.yes_count),
        yes_total_cost=cents(row.yes_total_cost),
        no_count=count_contracts(row.no_count),
        no_total_cost=cents(row.no_total_cost),
    )
