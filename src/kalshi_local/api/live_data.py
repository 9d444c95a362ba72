"""Live data and game stats of milestones.

The legacy `/live_data/{type}/milestone/{id}` answers 404 when `type` is not
the type of the milestone's live data: a wrong type is a client bug, and
serving other data under it would hide the bug.
"""

from __future__ import annotations

from starlette.requests import Request

from ..errors import NotFound
from ..models import render
from ..store import live_data as store
from .endpoints import route
from .params import Query
from .responses import json_response, services

MAX_BATCH = 100


def _not_found(conn, milestone_id: str) -> NotFound:
    if store.milestone_exists(conn, milestone_id):
        return NotFound(f"milestone {milestone_id} has no live data")
    return NotFound(f"milestone {milestone_id} not found")


def get_live_data_by_milestone(request: Request):
    milestone_id = request.path_params["milestone_id"]
    include_player_stats = Query(request.query_params).bool("include_player_stats")
    with services(request).reading() as conn:
        row = store.get(conn, milestone_id)
        if row is None:
            raise _not_found(conn, milestone_id)
    return json_response({"live_data": render.live_data(row, include_player_stats)})


def get_live_data(request: Request):
    live_type, milestone_id = request.path_params["type"], request.path_params["milestone_id"]
    include_player_stats = Query(request.query_params).bool("include_player_stats")
    with services(request).reading() as conn:
        row = store.get(conn, milestone_id)
        if row is None:
            raise _not_found(conn, milestone_id)
    if row.type != live_type:
        raise NotFound(f"milestone {milestone_id} has live data of type {row.type!r}, not {live_type!r}")
    return json_response({"live_data": render.live_data(row, include_player_stats)})


def get_live_datas(request: Request):
    q = Query(request.query_params)
    milestone_ids = q.list("milestone_ids", max_items=MAX_BATCH, required=True)
    include_player_stats = q.bool("include_player_stats")
    with services(request).reading() as conn:
        rows = store.get_many(conn, milestone_ids)
    return json_response({"live_datas": [render.live_data(r, include_player_stats) for r in rows]})


def get_game_stats(request: Request):
    milestone_id = request.path_params["milestone_id"]
    with services(request).reading() as conn:
        row = store.game_stats(conn, milestone_id)
    if row is None:
        raise NotFound(f"milestone {milestone_id} not found")
    return json_response(render.game_stats(row.game_stats))


routes = [
    route("/live_data/batch", get_live_datas),
    route("/live_data/milestone/{milestone_id}", get_live_data_by_milestone),
    route("/live_data/milestone/{milestone_id}/game_stats", get_game_stats),
    route("/live_data/{type}/milestone/{milestone_id}", get_live_data),
]
