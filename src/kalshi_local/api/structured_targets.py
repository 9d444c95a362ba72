"""GET /structured_targets and GET /structured_targets/{structured_target_id}."""

from __future__ import annotations

from starlette.requests import Request

from ..errors import NotFound
from ..models import render
from ..store import structured_targets as store
from .endpoints import route
from .params import Query
from .responses import cached_response, json_response, services, versioned_json

MAX_IDS = 2000


@cached_response()
def get_structured_targets(request: Request):
    q = Query(request.query_params)
    flt = store.TargetFilter(
        ids=tuple(q.list("ids", max_items=MAX_IDS)),
        type=q.str("type"),
        competition=q.str("competition"),
    )
    page_size = q.int("page_size", default=100, minimum=1, maximum=2000)
    with services(request).reading() as conn:
        page = store.page(conn, flt, q.str("cursor"), page_size)
        found = versioned_json(
            request,
            "structured_target",
            page.rows,
            lambda seqs: store.by_seqs(conn, seqs),
            lambda row, _: render.structured_target(row),
        )
    return json_response({"structured_targets": found, "cursor": page.cursor})


def get_structured_target(request: Request):
    target_id = request.path_params["structured_target_id"]
    with services(request).reading() as conn:
        row = store.get(conn, target_id)
    if row is None:
        raise NotFound(f"structured target {target_id} not found")
    return json_response({"structured_target": render.structured_target(row)})


routes = [
    route("/structured_targets", get_structured_targets),
    route("/structured_targets/{structured_target_id}", get_structured_target),
]
