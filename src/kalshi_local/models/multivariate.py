"""Shapes of the multivariate endpoints (openapi.yaml tag `multivariate`): request bodies in,
MultivariateEventCollection and LookupPoint out, rendered from store rows."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from ..exchange.clock import to_rfc3339
from .inputs import MAX_SHORT_LIST, Ticker


class TickerPair(msgspec.Struct, forbid_unknown_fields=True):
    market_ticker: Ticker
    event_ticker: Ticker
    # kalshi-python-sync 3.2.0 declares the side as 'true'/'false' (YAML read yes/no as booleans)
    # and sends only those: read as yes/no (`outcome_side`).
    side: Literal["yes", "no", "true", "false"]

    @property
    def outcome_side(self) -> str:
        return {"true": "yes", "false": "no"}.get(self.side, self.side)


Selection = Annotated[list[TickerPair], Meta(min_length=1, max_length=MAX_SHORT_LIST)]


class CreateMarketRequest(msgspec.Struct, forbid_unknown_fields=True):
    """CreateMarketInMultivariateEventCollectionRequest."""

    selected_markets: Selection
    with_market_payload: bool = False


class LookupRequest(msgspec.Struct, forbid_unknown_fields=True):
    """LookupTickersForMarketInMultivariateEventCollectionRequest."""

    selected_markets: Selection


class _Out(msgspec.Struct, omit_defaults=True):
    pass


class AssociatedEvent(_Out):
    ticker: str
    is_yes_only: bool
    active_quoters: list[str]
    size_max: int | None = None
    size_min: int | None = None


class MultivariateEventCollection(_Out):
    collection_ticker: str
    series_ticker: str
    title: str
    description: str
    open_date: str
    close_date: str
    associated_events: list[AssociatedEvent]
    associated_event_tickers: list[str]
    is_ordered: bool
    is_single_market_per_event: bool
    is_all_yes: bool
    size_min: int
    size_max: int
    functional_description: str


class LookupPoint(_Out):
    event_ticker: str
    market_ticker: str
    selected_markets: list[dict]
    last_queried_ts: str


def collection(row) -> MultivariateEventCollection:
    """A mve_collections row as the spec's MultivariateEventCollection. The deprecated flags
    follow associated_events: single market per event when every event takes at most one,
    all yes when every event is yes-only."""
    events = [AssociatedEvent(**e) for e in msgspec.json.decode(row.associated_events)]
    return MultivariateEventCollection(
        collection_ticker=row.collection_ticker,
        series_ticker=row.series_ticker,
        title=row.title,
        description=row.description,
        open_date=to_rfc3339(row.open_us),
        close_date=to_rfc3339(row.close_us),
        associated_events=events,
        associated_event_tickers=[e.ticker for e in events],
        is_ordered=row.is_ordered,
        is_single_market_per_event=all(e.size_max == 1 for e in events),
        is_all_yes=all(e.is_yes_only for e in events),
        size_min=row.size_min,
        size_max=row.size_max,
        functional_description=row.functional_description,
    )


def _ticker_pair(leg: dict) -> dict:
    """A stored leg as a TickerPair: without the settlement value a determined leg also holds."""
    return {key: leg[key] for key in ("event_ticker", "market_ticker", "side")}


def lookup_point(row) -> LookupPoint:
    """A mve_markets row as a LookupPoint."""
    return LookupPoint(
        event_ticker=row.event_ticker,
        market_ticker=row.market_ticker,
        selected_markets=[_ticker_pair(leg) for leg in msgspec.json.decode(row.legs)],
        last_queried_ts=to_rfc3339(row.last_queried_us),
    )
