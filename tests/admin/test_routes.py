"""The admin bearer token guards every route but /health."""

from __future__ import annotations

import httpx
import pytest

from ..servers import ADMIN_TOKEN
from .conftest import PREFIX


def test_health_answers_without_a_token(demo_server):
    response = httpx.get(demo_server.url + PREFIX + "/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "header",
    [None, "Bearer wrong-token", f"Basic {ADMIN_TOKEN}", "Bearer", f"Bearer {ADMIN_TOKEN}x"],
    ids=["none", "wrong token", "basic scheme", "empty bearer", "longer token"],
)
def test_a_missing_or_wrong_token_is_401_in_the_kalshi_error_shape(demo_server, header):
    headers = {"Authorization": header} if header else {}
    response = httpx.get(demo_server.url + PREFIX + "/clock", headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthorized"
    assert "Authorization" in body["message"]


def test_the_token_is_checked_before_the_body(demo_server):
    response = httpx.put(demo_server.url + PREFIX + "/series/KXNEW", content=b"{not json")
    assert response.status_code == 401


def test_the_right_token_is_accepted(demo_server):
    response = httpx.get(demo_server.url + PREFIX + "/clock", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 200


def test_the_scheme_name_is_case_insensitive(demo_server):
    response = httpx.get(demo_server.url + PREFIX + "/clock", headers={"Authorization": f"bearer {ADMIN_TOKEN}"})
    assert response.status_code == 200


def test_a_nul_character_in_a_path_id_is_a_400(demo_server):
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    response = httpx.delete(demo_server.url + PREFIX + "/milestones/a%00b", headers=headers)
    assert response.status_code == 400
    assert "NUL" in response.json()["message"]


def test_a_nul_character_in_a_body_is_a_400_not_a_server_error(demo_server):
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    body = {"title": "a\u0000b", "category": "Economics"}
    response = httpx.put(demo_server.url + PREFIX + "/series/KXNUL", json=body, headers=headers)
    # Refused on SQLite too: a store must not hold what PostgreSQL cannot.
    assert response.status_code == 400, response.text
    assert response.json()["message"] == "$.title: a string contains a NUL character (\\u0000)"
