"""The Trade API v2 handlers, one module per tag of openapi.yaml."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import (
    account,
    api_keys,
    events,
    exchange,
    incentive_programs,
    live_data,
    markets,
    milestones,
    portfolio,
    search,
    series,
    spec_files,
    structured_targets,
)

PREFIX = "/trade-api/v2"


def routes() -> list[BaseRoute]:
    return [
        route
        for module in (
            exchange,
            series,
            events,
            markets,
            milestones,
            structured_targets,
            live_data,
            search,
            incentive_programs,
            account,
            api_keys,
            portfolio,
            spec_files,
        )
        for route in module.routes
    ]
