"""Each way of failing the admin bearer token gets its own 401 message, and none shows the token."""

from __future__ import annotations

import httpx
import pytest

from ..servers import ADMIN_TOKEN
from .conftest import PREFIX


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (None, "admin API needs the header 'Authorization: Bearer <admin token>'"),
        (f"Basic {ADMIN_TOKEN}", "the Authorization header must use the Bearer scheme, not 'Basic'"),
        ("Bearer", "the Authorization header has no token after 'Bearer'"),
        ("Bearer wrong-token", "the admin token in the Authorization header is wrong"),
        (f"Bearer {ADMIN_TOKEN[:-1]}", "the admin token in the Authorization header is wrong"),
    ],
    ids=["missing", "other scheme", "no token", "wrong token", "almost right"],
)
def test_each_failure_has_its_own_message(demo_server, header, message):
    headers = {"Authorization": header} if header else {}
    response = httpx.post(demo_server.url + PREFIX + "/clock", headers=headers, json={})
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "unauthorized" and body["message"].startswith(message)
    assert ADMIN_TOKEN not in response.text.replace(f"'{header}'", "")
