"""A market's lifecycle on demand (getting_started/market_lifecycle.md): deactivate,
activate, close early, move close_time, determine, dispute, amend, void.

Each is one engine command (exchange/market_commands.py), durable before the answer,
which is the market as GET /markets/{ticker} shows it afterwards. A move the market's
status does not allow is a 409 market_status_conflict naming the status; a bad value a 400.
"""

from __future__ import annotations

from typing import Literal

import msgspec
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api.responses import json_response, services
from ..engine import wiring
from ..engine.errors import TradingOff
from ..errors import InvalidParameter, NotFound
from ..exchange import market_commands as commands
from ..models import render
from ..models.inputs import Dollars, price_raw, time_us
from ..store import markets
from .bodies import decode


class ResultIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """`settlement_value_dollars` is what one YES contract pays; required for scalar."""

    result: Literal["yes", "no", "scalar"]
    settlement_value_dollars: Dollars | None = None
    expiration_value: str = ""


class CloseTimeIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    close_time: str


async def deactivate(request: Request) -> Response:
    return await _run(request, commands.DeactivateMarket(_ticker(request)))


async def activate(request: Request) -> Response:
    return await _run(request, commands.ActivateMarket(_ticker(request)))


async def close(request: Request) -> Response:
    return await _run(request, commands.CloseMarket(_ticker(request)))


async def dispute(request: Request) -> Response:
    return await _run(request, commands.DisputeMarket(_ticker(request)))


async def void(request: Request) -> Response:
    return await _run(request, commands.VoidMarket(_ticker(request)))


async def set_close_time(request: Request) -> Response:
    body = await decode(request, CloseTimeIn)
    try:
        close_us = time_us(body.close_time)
    except (ValueError, OverflowError):
        raise InvalidParameter(f"$.close_time: must be an RFC 3339 date-time, got {body.close_time[:60]!r}") from None
    return await _run(request, commands.SetCloseTime(_ticker(request), close_us))


async def determine(request: Request) -> Response:
    body = await decode(request, ResultIn)
    return await _run(request, commands.DetermineMarket(_ticker(request), *_result(body)))


async def amend(request: Request) -> Response:
    body = await decode(request, ResultIn)
    return await _run(request, commands.AmendMarket(_ticker(request), *_result(body)))


def _result(body: ResultIn) -> tuple[str, int | None, str]:
    value = None if body.settlement_value_dollars is None else price_raw(body.settlement_value_dollars)
    if value is not None and value > 10_000:
        raise InvalidParameter("$.settlement_value_dollars: must be from 0 to 1")
    return body.result, value, body.expiration_value


def _ticker(request: Request) -> str:
    return request.path_params["ticker"]


async def _run(request: Request, command: commands.MarketCommand) -> Response:
    svc = services(request)
    if svc.trading is None:
        raise TradingOff(svc.trading_off)
    await svc.trading.submit(command)
    wiring.timers_moved(svc)
    return json_response({"market": await svc.run_read(_market, request, _ticker(request))})


def _market(request: Request, ticker: str):
    svc = services(request)
    with svc.reading() as conn:
        row = markets.get_rendered(conn, ticker)
        categories = markets.categories(conn, [row] if row else [])
    if row is None:
        raise NotFound(f"market {ticker} not found")
    return render.market(row, svc.clock.now_us(), categories.get(row.series_ticker, ""))


routes = [
    Route("/markets/{ticker}/deactivate", deactivate, methods=["POST"]),
    Route("/markets/{ticker}/activate", activate, methods=["POST"]),
    Route("/markets/{ticker}/close", close, methods=["POST"]),
    Route("/markets/{ticker}/close_time", set_close_time, methods=["POST"]),
    Route("/markets/{ticker}/determine", determine, methods=["POST"]),
    Route("/markets/{ticker}/dispute", dispute, methods=["POST"]),
    Route("/markets/{ticker}/amend", amend, methods=["POST"]),
    Route("/markets/{ticker}/void", void, methods=["POST"]),
]
