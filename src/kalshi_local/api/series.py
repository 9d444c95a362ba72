"""GET /series and GET /series/{series_ticker}."""

from __future__ import annotations

from starlette.requests import Request

from ..errors import NotFound
from ..models import render
from ..store import series as store
from .endpoints import route
from .params import Query
from .responses import json_response, services


def get_series_list(request: Request):
    q = Query(request.query_params)
    flt = store.SeriesFilter(
        category=q.str("category"),
        tags=tuple(q.list("tags")),
        min_updated_us=q.timestamp_us("min_updated_ts"),
    )
    with_metadata, with_volume = q.bool("include_product_metadata"), q.bool("include_volume")
    with services(request).reading() as conn:
        rows = store.listing(conn, flt)
        volumes = store.volumes(conn, (r.ticker for r in rows)) if with_volume else {}
    return json_response(
        {"series": [render.series(r, volumes.get(r.ticker), with_product_metadata=with_metadata) for r in rows]}
    )


def get_series(request: Request):
    ticker = request.path_params["series_ticker"]
    with_volume = Query(request.query_params).bool("include_volume")
    with services(request).reading() as conn:
        row = store.get(conn, ticker)
        volumes = store.volumes(conn, [ticker]) if with_volume and row else {}
    if row is None:
        # The spec lists no 404 here; an unknown ticker is still not found, as for markets.
        raise NotFound(f"series {ticker} not found")
    return json_response({"series": render.series(row, volumes.get(ticker))})


routes = [
    route("/series", get_series_list),
    route("/series/{series_ticker}", get_series),
]
