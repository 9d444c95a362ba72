"""GET /incentive_programs. The last page's `next_cursor` is "", as every list's cursor is."""

from __future__ import annotations

from starlette.requests import Request

from ..models import render
from ..store import incentive_programs as store
from .endpoints import route
from .params import Query
from .responses import json_response, services


def get_incentive_programs(request: Request):
    q = Query(request.query_params)
    flt = store.IncentiveFilter(
        status=q.enum("status", store.STATUSES, default="all"),
        type=q.enum("type", store.TYPES, default="all"),
        description=q.str("incentive_description"),
    )
    limit = q.int("limit", default=100, minimum=1, maximum=10_000)
    svc = services(request)
    with svc.reading() as conn:
        page = store.page(conn, flt, q.str("cursor"), limit, svc.clock.now_us())
    programs = [render.incentive_program(r) for r in page.rows]
    return json_response({"incentive_programs": programs, "next_cursor": page.cursor or ""})


routes = [route("/incentive_programs", get_incentive_programs)]
