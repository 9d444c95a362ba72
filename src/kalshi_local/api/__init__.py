"""The Trade API v2 handlers, one module per tag of openapi.yaml; the spec's other
operations answer 501 (routing.with_unserved)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import (
    account,
    api_keys,
    candlesticks,
    communications,
    events,
    exchange,
    fcm,
    forecasts,
    historical,
    incentive_programs,
    live_data,
    markets,
    milestones,
    multivariate,
    order_groups,
    orders,
    portfolio,
    search,
    series,
    spec_files,
    structured_targets,
    subaccounts,
)
from .routing import with_unserved

PREFIX = "/trade-api/v2"


def routes() -> list[BaseRoute]:
    return with_unserved(served_routes(), spec_files.operations())


def served_routes() -> list[BaseRoute]:
    return [
        route
        for module in (
            exchange,
            series,
            events,
            markets,
            candlesticks,
            forecasts,
            historical,
            milestones,
            structured_targets,
            live_data,
            search,
            incentive_programs,
            account,
            api_keys,
            portfolio,
            orders,
            subaccounts,
            order_groups,
            fcm,
            multivariate,
            communications,
            spec_files,
        )
        for route in module.routes
    ]
