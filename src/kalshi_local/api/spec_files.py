"""The API description files, served next to the API they describe."""

from __future__ import annotations

import functools
from importlib import resources

import yaml
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def _file(name: str) -> bytes:
    return resources.files("kalshi_local.spec").joinpath(name).read_bytes()


_METHODS = ("get", "put", "post", "delete", "patch")


@functools.cache
def operations() -> tuple[tuple[str, str], ...]:
    """(METHOD, path template) of every operation in the packaged openapi.yaml (parsed once)."""
    paths = yaml.load(_file("openapi.yaml"), Loader=yaml.CSafeLoader)["paths"]
    return tuple((method.upper(), path) for path, item in paths.items() for method in item if method in _METHODS)


async def openapi(_request: Request) -> Response:
    return Response(_file("openapi.yaml"), media_type="application/yaml")


async def asyncapi(_request: Request) -> Response:
    return Response(_file("asyncapi.yaml"), media_type="application/yaml")


routes = [
    Route("/openapi.yaml", openapi, methods=["GET"]),
    Route("/asyncapi.yaml", asyncapi, methods=["GET"]),
]
