"""Whole scenarios: load one from the request body, or reset the store to the demo catalog."""

from __future__ import annotations

from collections.abc import Callable

import msgspec
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import demo
from ..api.bodies import convert, json_body, read_body
from ..api.responses import json_response, services
from ..engine import placing, wiring
from ..engine.errors import TradingOff
from ..errors import Conflict, InvalidParameter
from ..scenario import lifecycle, loader, orders
from ..store import accounts, db
from .bodies import now_us
from .subaccounts import forgetter

SOURCE = "body"
# Bytes of an uploaded scenario; `kalshi-local load FILE` takes bigger files. Parsing
# YAML costs about 70 bytes of memory per byte of text, JSON (split into raw items,
# decoded chunk by chunk) about 10: YAML gets the smaller limit.
MAX_SCENARIO_BODY = 64 << 20
MAX_YAML_SCENARIO_BODY = 16 << 20
_BIGGER = "; load a bigger scenario with `kalshi-local load FILE` (the server may be running)"
_BIGGER_YAML = f"; send it as JSON (up to {MAX_SCENARIO_BODY >> 20} MiB) or load it with `kalshi-local load FILE`"


class ResetOptions(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    demo: bool | None = None  # default: as the server was started (--no-demo)


async def post_scenario(request: Request) -> Response:
    """A scenario document, JSON or (with a YAML content type) YAML, loaded in one transaction.
    Bodies over MAX_SCENARIO_BODY bytes (MAX_YAML_SCENARIO_BODY for YAML) are refused (413)
    as soon as they pass it."""
    content_type = request.headers.get("content-type", "")
    if "yaml" in content_type:
        body = await read_body(request, MAX_YAML_SCENARIO_BODY, _BIGGER_YAML)
    else:
        body = await read_body(request, MAX_SCENARIO_BODY, _BIGGER)
    svc, now = services(request), now_us(request)
    try:
        # Parsing and writing a big document take seconds: keep the event loop serving reads meanwhile.
        document = await run_in_threadpool(_document, body, content_type)
        if document.has_orders and svc.trading is None:  # refused before anything is written
            raise TradingOff(f"{SOURCE}: $.orders: this server places no orders: {svc.trading_off}")
        if document.clears_accounts and svc.trading is not None:
            counts = await run_in_threadpool(_load_between, svc.trading, document, now, forgetter(svc))
        else:
            counts = await run_in_threadpool(_load, svc.engine, document, now)
            if document.writes_rows:  # the engine's balances and rules may have changed
                await run_in_threadpool(wiring.reload, svc)
        if document.placements:
            await orders.place(svc.trading.submit_many, document.placements, SOURCE)
            await svc.run_write(placing.flatten_opening_book, document.placements, now)
        if document.moves:
            await lifecycle.apply(svc.trading.submit_many, document.moves, SOURCE)
        if document.faults and svc.gateway is not None:
            svc.gateway.faults.add_all(document.faults)  # ws/faults.py
    except loader.ScenarioConflict as exc:
        raise Conflict(str(exc)) from None
    except loader.ScenarioError as exc:
        raise InvalidParameter(str(exc)) from None
    return json_response({"loaded": counts})


def _load(engine: Engine, document: loader.Document, now: int) -> dict[str, int]:
    return loader.apply(engine, document, now, SOURCE)


def _load_between(trading, document: loader.Document, now: int, forget: Callable) -> dict[str, int]:
    """Removing subaccounts or resetting a member, like admin/subaccounts.py: written between two
    engine batches and the venue rebuilt before the next, so no batch writes rows back for an
    account the document removed."""
    counts: dict[str, int] = {}

    def write(conn) -> None:
        try:
            counts.update(loader.write_between(conn, document, now))
        except loader.ScenarioError as exc:  # an ApiError: the engine thread answers it without a log
            raise InvalidParameter(str(exc)) from None
        for name, keep_primary in document.cleared_users():  # their streamed volumes start again too
            user = accounts.user_by_name(conn, name)
            if user is not None:
                forget(user.seq, keep_primary)

    trading.reload(write)
    return counts


async def reset(request: Request) -> Response:
    options = convert(await json_body(request), ResetOptions)
    load_demo = services(request).settings.load_demo if options.demo is None else options.demo
    svc, now = services(request), now_us(request)
    if svc.gateway is not None:
        svc.gateway.faults.clear()  # a reset is a clean slate: injected WebSocket faults go too
    if svc.trading is None:  # the demo's book needs an engine: without one it stays empty
        await svc.run_write(_reset, now, load_demo)
        if svc.gateway is not None:
            svc.gateway.forget_trading(None)
        await svc.keys_removed()  # every user and key went
        return json_response({"demo_loaded": load_demo})
    placements: list[orders.Placement] = []
    forget = forgetter(svc)

    def write(conn) -> None:
        placements[:] = _reset(conn, now, load_demo)
        forget(None, False)  # user seqs may be given again: no volume carries over

    # Between two engine batches, then the venue is rebuilt from the reset store.
    await run_in_threadpool(svc.trading.reload, write)
    await svc.keys_removed()
    try:
        await orders.place(svc.trading.submit_many, placements, demo.SOURCE)
    except loader.ScenarioError as exc:  # the packaged catalog is tested: only a broken store gets here
        raise Conflict(f"the demo catalog was loaded without its order books: {exc}") from None
    await svc.run_write(placing.flatten_opening_book, placements, now)
    return json_response({"demo_loaded": load_demo})


def _reset(conn, now: int, load_demo: bool) -> list[orders.Placement]:
    db.wipe(conn)
    return demo.write(conn, now) if load_demo else []


def _document(body: bytes, content_type: str) -> loader.Document:
    try:
        if "yaml" in content_type:
            return loader.Document.of(loader.parse_text(_text(body), SOURCE), SOURCE)
        return loader.open_json(body, SOURCE)
    except loader.ScenarioError as exc:
        raise InvalidParameter(str(exc)) from None


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidParameter(f"the body is not UTF-8: {exc.reason} at byte {exc.start}") from None


routes = [
    Route("/scenario", post_scenario, methods=["POST"]),
    Route("/reset", reset, methods=["POST"]),
]
