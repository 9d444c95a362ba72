"""admin/openapi.yaml describes exactly the routes the admin API serves, with the shapes it reads."""

from __future__ import annotations

import re

import httpx
import msgspec
import pytest
import yaml

from kalshi_local.admin import communications, docs, historical, users
from kalshi_local.admin import routes as admin_routes
from kalshi_local.models import inputs as shapes

from ..servers import ADMIN_TOKEN
from .conftest import PREFIX

DOC = docs.document()
OPERATIONS = [
    (method.upper(), path)
    for path, item in DOC["paths"].items()
    for method in item
    if method in ("get", "put", "post", "delete", "patch")
]


def _sample(path: str) -> str:
    # Any value fills a path parameter; announcement ids are integers.
    value = "1" if path.startswith("/announcements") else "KXSAMPLE"
    return re.sub(r"\{[^}]+\}", value, path)


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_documented_operation_is_served_and_guarded(demo_server, method, path):
    response = httpx.request(method, demo_server.url + PREFIX + _sample(path))
    if path == "/health":
        assert response.status_code == 200
    else:
        # 401 (not 404 or 405) shows the route exists for this method and checks the token first.
        assert response.status_code == 401, (response.status_code, response.text)


def test_every_served_route_is_documented():
    documented = {(m, p) for m, p in OPERATIONS}
    served = {
        (method, re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path))
        for route in admin_routes.routes
        for method in route.methods - {"HEAD"}
    }
    assert served == documented


def test_every_operation_but_health_declares_the_401_it_can_answer():
    missing = [
        f"{method} {path}"
        for method, path in OPERATIONS
        if path != "/health" and "401" not in DOC["paths"][path][method.lower()]["responses"]
    ]
    assert missing == []


def test_operation_ids_are_unique():
    ids = [DOC["paths"][p][m.lower()]["operationId"] for m, p in OPERATIONS]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    "shape",
    [
        shapes.SeriesIn,
        shapes.EventIn,
        shapes.MarketIn,
        shapes.MilestoneIn,
        shapes.StructuredTargetIn,
        shapes.LiveDataIn,
        shapes.AnnouncementIn,
        shapes.FeeChangeIn,
        shapes.IncentiveProgramIn,
        shapes.ExchangeIn,
        shapes.WeeklyScheduleIn,
        shapes.DailyScheduleIn,
        shapes.MaintenanceWindowIn,
        shapes.SettlementSourceIn,
        shapes.Scenario,
        shapes.UserIn,
        shapes.ScenarioUserIn,
        shapes.SubaccountIn,
        shapes.OrderIn,
        shapes.ApiKeyIn,
        shapes.LifecycleIn,
        shapes.WsFaultIn,
        shapes.MultivariateEventCollectionIn,
        shapes.AssociatedEventIn,
        users.TransferIn,
        historical.HistoricalIn,
        communications.AdminRfqIn,
        communications.AdminQuoteIn,
        communications.AdminAcceptIn,
    ],
    ids=lambda shape: shape.__name__,
)
def test_documented_body_schemas_have_the_fields_of_the_shapes(shape):
    schema = DOC["components"]["schemas"][shape.__name__]
    fields = msgspec.structs.fields(shape)
    assert set(schema["properties"]) == {f.name for f in fields}
    assert set(schema.get("required", [])) == {f.name for f in fields if f.required}
    assert schema.get("additionalProperties") is False


def test_the_document_is_served_as_yaml_and_json(demo_server):
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    as_yaml = httpx.get(demo_server.url + PREFIX + "/openapi.yaml", headers=headers)
    as_json = httpx.get(demo_server.url + PREFIX + "/openapi.json", headers=headers)
    assert as_yaml.status_code == as_json.status_code == 200
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert yaml.safe_load(as_yaml.text) == as_json.json() == DOC
    assert as_json.json()["openapi"].startswith("3.0")
