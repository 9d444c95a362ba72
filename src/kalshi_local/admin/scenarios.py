"""Whole scenarios: load one from the request body, or reset the store to the demo catalog."""

from __future__ import annotations

import msgspec
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .. import demo
from ..api.bodies import convert, json_body
from ..api.responses import json_response, services
from ..errors import Conflict, InvalidParameter
from ..scenario import loader
from ..store import db
from .bodies import now_us

SOURCE = "body"


class ResetOptions(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    demo: bool | None = None  # default: as the server was started (--no-demo)


async def post_scenario(request: Request) -> Response:
    """A scenario document, JSON or (with a YAML content type) YAML, loaded in one transaction."""
    document = _document(await request.body(), request.headers.get("content-type", ""))
    engine = services(request).engine
    try:
        # Big documents take seconds: keep the event loop serving reads meanwhile.
        counts = await run_in_threadpool(loader.apply, engine, document, now_us(request), SOURCE)
    except loader.ScenarioConflict as exc:
        raise Conflict(str(exc)) from None
    except loader.ScenarioError as exc:
        raise InvalidParameter(str(exc)) from None
    return json_response({"loaded": counts})


async def reset(request: Request) -> Response:
    options = convert(await json_body(request), ResetOptions)
    load_demo = services(request).settings.load_demo if options.demo is None else options.demo
    try:
        await run_in_threadpool(_reset, services(request).engine, now_us(request), load_demo)
    except DBAPIError as exc:
        reason = db.write_conflict(exc)
        if reason is None:
            raise
        raise Conflict(f"another write got in the way: {reason}; nothing was reset, try again") from None
    return json_response({"demo_loaded": load_demo})


def _reset(engine, now: int, load_demo: bool) -> None:
    with db.writing(engine) as conn:
        db.wipe(conn)
        if load_demo:
            demo.write(conn, now)


def _document(body: bytes, content_type: str) -> loader.Document:
    try:
        if "yaml" in content_type:
            scenario = loader.parse_text(body.decode("utf-8", errors="replace"), SOURCE)
        else:
            scenario = loader.parse_json(body, SOURCE)
    except loader.ScenarioError as exc:
        raise InvalidParameter(str(exc)) from None
    return loader.Document.of(scenario, SOURCE)


routes = [
    Route("/scenario", post_scenario, methods=["POST"]),
    Route("/reset", reset, methods=["POST"]),
]
