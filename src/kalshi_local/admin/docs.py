"""The admin API's own OpenAPI document (admin/openapi.yaml), as YAML or JSON."""

from __future__ import annotations

import functools
from importlib import resources

import msgspec
import yaml
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DOC_FILE = "openapi.yaml"


@functools.cache
def text() -> str:
    return resources.files(__package__).joinpath(DOC_FILE).read_text(encoding="utf-8")


@functools.cache
def document() -> dict:
    return yaml.load(text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


async def openapi_yaml(_request: Request) -> Response:
    return Response(text(), media_type="application/yaml")


async def openapi_json(_request: Request) -> Response:
    return Response(msgspec.json.encode(document()), media_type="application/json")


routes = [
    Route("/openapi.yaml", openapi_yaml, methods=["GET"]),
    Route("/openapi.json", openapi_json, methods=["GET"]),
]
