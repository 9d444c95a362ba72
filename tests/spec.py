"""Validates responses against the packaged openapi.yaml (the contract)."""

from __future__ import annotations

import functools
import re
from importlib import resources

import yaml
from jsonschema.exceptions import ValidationError
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

PREFIX = "/trade-api/v2"


@functools.cache
def spec() -> dict:
    text = resources.files("kalshi_local.spec").joinpath("openapi.yaml").read_text(encoding="utf-8")
    return _null_beside_all_of(yaml.load(text, Loader=yaml.CSafeLoader))


def _null_beside_all_of(node):
    """`{allOf: [...], nullable: true}` also accepts null. OpenAPI 3.0.3 gives `nullable` effect only
    beside a `type`, so a strict validator refuses that null; the spec's descriptions ("Null if no
    trades occurred") and the SDKs (kalshi-typescript: `string | null`) read it as nullable."""
    if isinstance(node, list):
        return [_null_beside_all_of(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _null_beside_all_of(value) for key, value in node.items()}
    if node.get("nullable") is True and "allOf" in node and "type" not in node:
        rest = {key: value for key, value in node.items() if key not in ("allOf", "nullable")}
        return {**rest, "anyOf": [{"allOf": node["allOf"]}, {"enum": [None]}]}
    return node


@functools.cache
def _registry() -> Registry:
    return Registry().with_resource("urn:openapi", Resource(contents=spec(), specification=DRAFT4))


@functools.cache
def _templates() -> list[tuple[re.Pattern, str]]:
    out = []
    for template in spec()["paths"]:
        pattern = "^" + re.sub(r"\{[^}]+\}", "[^/]+", template) + "$"
        out.append((re.compile(pattern), template))
    # Literal segments beat parameters: /events/multivariate before /events/{event_ticker}.
    out.sort(key=lambda item: item[1].count("{"))
    return out


def operation(method: str, path: str) -> tuple[str, dict]:
    local = path[len(PREFIX):] if path.startswith(PREFIX) else path
    for pattern, template in _templates():
        if pattern.match(local) and method.lower() in spec()["paths"][template]:
            return template, spec()["paths"][template][method.lower()]
    raise AssertionError(f"{method} {path} is not an operation of openapi.yaml")


def _resolve(node: dict) -> dict:
    while "$ref" in node:
        _, section, name = node["$ref"].lstrip("#/").split("/")
        node = spec()["components"][section][name]
    return node


# Any signed operation may answer these, though few operations declare them:
# a read-only key on a write (403) and an empty token bucket (429).
_CROSS_CUTTING = {403: "ForbiddenError", 429: "RateLimitError"}


def validate(method: str, path: str, status: int, body) -> None:
    """Fails when the status is not declared for the operation or the body breaks its schema."""
    template, op = operation(method, path)
    responses = op["responses"]
    declared = responses.get(str(status)) or responses.get("default")
    if declared is None and status in _CROSS_CUTTING and "security" in op:
        declared = spec()["components"]["responses"][_CROSS_CUTTING[status]]
    if declared is None and status == 501:
        # An operation kalshi-local does not serve yet answers 501 in the error shape.
        declared = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}}
    if declared is None:
        raise AssertionError(f"{method} {template} answered {status}, which the spec does not declare")
    schema = _resolve(declared).get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        # Undeclared bodies on error statuses must still be our error shape.
        schema = {"$ref": "#/components/schemas/ErrorResponse"} if status >= 400 else None
    if schema is None:
        return
    _check(schema, body, f"{method} {template} {status}")
    if status >= 400 and isinstance(body, dict) and isinstance(body.get("error"), dict):
        # Errors carry the ErrorResponse fields twice: flat (the spec) and nested under
        # `error` (the live exchange). ErrorResponse allows the extra `error` property.
        _check({"$ref": "#/components/schemas/ErrorResponse"}, body["error"], f"{method} {template} {status} error")


def _check(schema: dict, body, where_prefix: str) -> None:
    wrapped = {"$ref": "urn:openapi" + schema["$ref"]} if "$ref" in schema else schema
    validator = OAS30Validator(wrapped, registry=_registry())
    try:
        validator.validate(body)
    except ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path)
        raise AssertionError(f"{where_prefix}: at {where or '$'}: {exc.message}") from None
