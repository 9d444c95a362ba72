"""GET /search/tags_by_categories and GET /search/filters_by_sport, derived from the catalog."""

from __future__ import annotations

from starlette.requests import Request

from ..models import render
from ..store import search as store
from .endpoints import route
from .responses import json_response, services


def get_tags_for_series_categories(request: Request):
    with services(request).reading() as conn:
        tags = store.tags_by_categories(conn)
    return json_response({"tags_by_categories": tags})


def get_filters_for_sports(request: Request):
    with services(request).reading() as conn:
        sports = store.sports(conn)
    return json_response(
        {
            "filters_by_sports": {s.name: render.sport_filter(s) for s in sports},
            "sport_ordering": [s.name for s in sports],
        }
    )


routes = [
    route("/search/tags_by_categories", get_tags_for_series_categories),
    route("/search/filters_by_sport", get_filters_for_sports),
]
