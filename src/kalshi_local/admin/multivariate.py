"""Multivariate event collections: PUT (insert or replace) and DELETE by collection ticker.

The body is the scenario shape (models/inputs.py MultivariateEventCollectionIn); the ticker
may be left out of it. Each write is one transaction. Deleting a collection keeps the combo
markets made from it: they trade and settle on.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ..api.responses import json_response, services
from ..errors import NotFound
from ..models.inputs import MultivariateEventCollectionIn
from ..store import multivariate
from .bodies import decode, now_us, to_json

PATH = "/multivariate_event_collections/{collection_ticker}"


async def put_collection(request: Request) -> Response:
    spec = await decode(request, MultivariateEventCollectionIn, "collection_ticker")
    await services(request).run_write(multivariate.upsert_collection, spec, now_us(request))
    return json_response({"multivariate_event_collection": to_json(spec)})


async def delete_collection(request: Request) -> Response:
    ticker = request.path_params["collection_ticker"]
    if not await services(request).run_write(multivariate.delete_collection, ticker):
        raise NotFound(f"multivariate event collection {ticker} not found")
    return Response(status_code=204)


routes = [
    Route(PATH, put_collection, methods=["PUT"]),
    Route(PATH, delete_collection, methods=["DELETE"]),
]
