"""An admin API client that checks every answer against admin/openapi.yaml."""

from __future__ import annotations

import functools
import re

import httpx
import pytest
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from kalshi_local.admin import docs

from ..servers import ADMIN_TOKEN

PREFIX = "/admin/v1"


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource("urn:admin", Resource(contents=docs.document(), specification=DRAFT4))


def operation(method: str, path: str) -> tuple[str, dict]:
    """The documented operation for a request path (without the /admin/v1 prefix)."""
    for template, item in docs.document()["paths"].items():
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        if re.match(pattern, path) and method.lower() in item:
            return template, item[method.lower()]
    raise AssertionError(f"{method} {path} is not an operation of admin/openapi.yaml")


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        _, section, name = node["$ref"].lstrip("#/").split("/")
        node = docs.document()["components"][section][name]
    return node


def validate(method: str, path: str, response: httpx.Response) -> None:
    template, op = operation(method, path)
    declared = op["responses"].get(str(response.status_code))
    assert declared is not None, f"{method} {template} answered {response.status_code}, not declared in the doc"
    content = _resolve(declared).get("content", {})
    if not content:
        assert not response.content, f"{method} {template} {response.status_code} has an undeclared body"
        return
    media = response.headers["content-type"].split(";")[0]
    assert media in content, f"{method} {template} answered {media}, the doc says {sorted(content)}"
    if media != "application/json":
        return
    schema = content[media]["schema"]
    if "$ref" in schema:
        pointer = schema["$ref"]
    else:  # an inline schema: point at it, so its own $refs resolve inside the document
        status = str(response.status_code)
        pointer = "#" + "/".join(
            ["", "paths", _escape(template), method.lower(), "responses", status, "content", _escape(media), "schema"]
        )
    try:
        OAS30Validator({"$ref": "urn:admin" + pointer}, registry=_registry()).validate(response.json())
    except ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "$"
        raise AssertionError(f"{method} {template} {response.status_code}: at {where}: {exc.message}") from None


class AdminApi:
    def __init__(self, base_url: str, token: str | None = ADMIN_TOKEN) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=base_url + PREFIX, headers=headers, timeout=30)

    def call(self, method: str, path: str, expect: int = 200, **kwargs) -> httpx.Response:
        response = self._http.request(method, path, **kwargs)
        assert response.status_code == expect, (response.status_code, response.text)
        validate(method, path.split("?")[0], response)
        return response

    def put(self, path: str, body, expect: int = 200) -> dict:
        return self.call("PUT", path, expect, json=body).json()

    def post(self, path: str, body=None, expect: int = 200, **kwargs) -> dict:
        if body is not None:
            kwargs["json"] = body
        return self.call("POST", path, expect, **kwargs).json()

    def get(self, path: str, expect: int = 200) -> dict:
        return self.call("GET", path, expect).json()

    def delete(self, path: str, expect: int = 204) -> dict | None:
        response = self.call("DELETE", path, expect)
        return response.json() if response.content else None

    def close(self) -> None:
        self._http.close()


@pytest.fixture
def admin_api(server):
    client = AdminApi(server.url)
    yield client
    client.close()
