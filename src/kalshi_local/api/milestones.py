"""GET /milestones and GET /milestones/{milestone_id}."""

from __future__ import annotations

from starlette.requests import Request

from ..errors import NotFound
from ..models import render
from ..store import milestones as store
from .endpoints import route
from .params import Query
from .responses import cached_response, json_response, services, versioned_json


@cached_response()
def get_milestones(request: Request):
    q = Query(request.query_params)
    limit = q.int("limit", minimum=1, maximum=500, required=True)
    flt = store.MilestoneFilter(
        category=q.str("category"),
        competition=q.str("competition"),
        source_id=q.str("source_id"),
        type=q.str("type"),
        related_event_ticker=q.str("related_event_ticker"),
        minimum_start_us=q.datetime_us("minimum_start_date"),
        min_updated_us=q.timestamp_us("min_updated_ts"),
    )
    with services(request).reading() as conn:
        page = store.page(conn, flt, q.str("cursor"), limit)
        found = versioned_json(
            request,
            "milestone",
            page.rows,
            lambda seqs: store.by_seqs(conn, seqs),
            lambda row, _: render.milestone(row),
        )
    return json_response({"milestones": found, "cursor": page.cursor})


def get_milestone(request: Request):
    milestone_id = request.path_params["milestone_id"]
    with services(request).reading() as conn:
        row = store.get(conn, milestone_id)
    if row is None:
        raise NotFound(f"milestone {milestone_id} not found")
    return json_response({"milestone": render.milestone(row)})


routes = [
    route("/milestones", get_milestones),
    route("/milestones/{milestone_id}", get_milestone),
]
