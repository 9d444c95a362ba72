"""Catalog writes: PUT (insert or replace) and DELETE by id, one route pair per kind.

A PUT body is the kind's scenario shape (models/inputs.py); the id may be
left out of the body, since the path names it. Every write is one transaction.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api.responses import json_response, services
from ..engine import wiring
from ..errors import NotFound
from ..models.inputs import (
    EventIn,
    FeeChangeIn,
    IncentiveProgramIn,
    LiveDataIn,
    MarketIn,
    MilestoneIn,
    SeriesIn,
    StructuredTargetIn,
)
from ..store import events, exchange, incentive_programs, live_data, milestones, series, structured_targets
from .bodies import decode, now_us, to_json


def _put(shape: type, key: str, name: str, write: Callable, rules: bool) -> Callable:
    async def put(request: Request) -> Response:
        spec: msgspec.Struct = await decode(request, shape, key)
        await services(request).run_write(write, spec, now_us(request))
        if rules:
            wiring.catalog_changed(services(request))  # engine: market rules are read again
        return json_response({name: to_json(spec)})

    return put


def _delete(key: str, what: str, remove: Callable, rules: bool) -> Callable:
    async def delete(request: Request) -> Response:
        ident = request.path_params[key]
        if not await services(request).run_write(remove, ident):
            raise NotFound(f"{what} {ident} not found")
        if rules:
            wiring.catalog_changed(services(request))
        return Response(status_code=204)

    return delete


async def put_market(request: Request) -> Response:
    event_ticker = request.path_params["event_ticker"]
    spec = await decode(request, MarketIn, "ticker")
    await services(request).run_write(_write_market, spec, event_ticker, now_us(request))
    wiring.catalog_changed(services(request), spec.ticker)
    return json_response({"market": to_json(spec)})


def _write_market(conn, spec: MarketIn, event_ticker: str, now: int) -> None:
    event = events.get(conn, event_ticker)
    if event is None:
        raise NotFound(f"event {event_ticker} not found")
    events.upsert_market(conn, spec, event_ticker, event.series_ticker, now)


async def delete_market(request: Request) -> Response:
    event_ticker, ticker = request.path_params["event_ticker"], request.path_params["ticker"]
    if not await services(request).run_write(events.delete_market, ticker, event_ticker):
        raise NotFound(f"market {ticker} not found in event {event_ticker}")
    wiring.catalog_changed(services(request), ticker)
    return Response(status_code=204)


def _resource(
    path: str, key: str, name: str, shape: type, write: Callable, remove: Callable, rules: bool = False
) -> list[Route]:
    """PUT and DELETE of one kind. With `rules` (series, events, fee changes) a write may change
    markets' rules, which the engine then reads again, all of them, between two batches; the
    other kinds (milestones, targets, live data, programs) leave the engine alone, so a stream
    of live-data pushes never holds up order entry."""
    what = name.replace("_", " ")
    return [
        Route(path, _put(shape, key, name, write, rules), methods=["PUT"]),
        Route(path, _delete(key, what, remove, rules), methods=["DELETE"]),
    ]


routes = [
    *_resource("/series/{ticker}", "ticker", "series", SeriesIn, series.upsert, series.delete, rules=True),
    *_resource("/events/{event_ticker}", "event_ticker", "event", EventIn, events.upsert, events.delete, rules=True),
    Route("/events/{event_ticker}/markets/{ticker}", put_market, methods=["PUT"]),
    Route("/events/{event_ticker}/markets/{ticker}", delete_market, methods=["DELETE"]),
    *_resource("/milestones/{id}", "id", "milestone", MilestoneIn, milestones.upsert, milestones.delete),
    *_resource(
        "/structured_targets/{id}",
        "id",
        "structured_target",
        StructuredTargetIn,
        structured_targets.upsert,
        structured_targets.delete,
    ),
    # A live-data push also bumps the milestone's last_updated_ts (GET /milestones?min_updated_ts=).
    *_resource(
        "/live_data/{milestone_id}", "milestone_id", "live_data", LiveDataIn, live_data.upsert, live_data.delete
    ),
    *_resource(
        "/fee_changes/{id}",
        "id",
        "fee_change",
        FeeChangeIn,
        exchange.upsert_fee_change,  # a change already due applies at once
        exchange.delete_fee_change,
        rules=True,
    ),
    *_resource(
        "/incentive_programs/{id}",
        "id",
        "incentive_program",
        IncentiveProgramIn,
        lambda conn, spec, _now: incentive_programs.upsert(conn, spec),
        incentive_programs.delete,
    ),
]
