from __future__ import annotations

import httpx
import yaml


def test_the_server_serves_the_openapi_document_it_implements(demo_server):
    response = httpx.get(demo_server.api + "/openapi.yaml")
    assert response.status_code == 200
    document = yaml.safe_load(response.text)
    assert document["paths"]["/milestones"]["get"]["operationId"] == "GetMilestones"


def test_the_server_serves_the_asyncapi_document(demo_server):
    response = httpx.get(demo_server.api + "/asyncapi.yaml")
    assert response.status_code == 200
    assert yaml.safe_load(response.text)["asyncapi"].startswith("3.")
