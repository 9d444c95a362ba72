"""How handlers run (api/endpoints.py, api/authenticated.py) and how errors come out
(app.py), on a tiny app built around the real one; no server needed."""

from __future__ import annotations

import logging

import pytest
from starlette.responses import Response
from starlette.testclient import TestClient

from kalshi_local.api.authenticated import signed_route
from kalshi_local.api.endpoints import route
from kalshi_local.api.responses import cached_response, json_response, services
from kalshi_local.app import build_app
from kalshi_local.config import Settings
from kalshi_local.errors import NotFound
from kalshi_local.services import Services


@pytest.fixture
def app(tmp_path):
    svc = Services.open(Settings(database_url=f"sqlite:///{tmp_path}/s.db", clock="manual", load_demo=False))
    app = build_app(svc)
    yield app
    svc.close()


def _mount(app, *routes) -> TestClient:
    app.app.router.routes[0:0] = list(routes)
    return TestClient(app, raise_server_exceptions=False)


def test_a_value_error_in_a_write_is_a_500_with_its_traceback_logged(app, caplog):
    async def broken(request):
        def work(conn):
            raise ValueError("a bug, not the client's fault")

        await services(request).run_write(work)

    with _mount(app, route("/broken", broken, "POST")) as client, caplog.at_level(logging.ERROR, "kalshi_local"):
        response = client.post("/broken")
    assert response.status_code == 500
    assert response.json()["code"] == "internal_server_error"
    assert "a bug" not in response.text  # the client learns nothing of the internals
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.exc_info[0] is ValueError and "POST '/broken'" in record.getMessage()


def test_a_domain_error_from_a_write_thread_is_rendered_once(app):
    async def missing(request):
        def work(conn):
            raise NotFound("widget 7 not found")

        await services(request).run_write(work)

    with _mount(app, route("/missing", missing, "POST")) as client:
        response = client.post("/missing")
    assert (response.status_code, response.json()["message"]) == (404, "widget 7 not found")


def test_a_plain_def_handler_reads_through_run_read(app):
    calls = []

    def read(request):
        calls.append(request.url.path)
        with services(request).reading() as conn:
            return json_response({"one": conn.exec_driver_sql("SELECT 1").scalar()})

    with _mount(app, route("/read", read)) as client:
        assert client.get("/read").json() == {"one": 1}
    assert calls == ["/read"]


def test_a_cached_handler_cannot_serve_a_signed_route():
    @cached_response()
    def per_user(request, caller=None):
        return Response(b"{}")

    with pytest.raises(TypeError, match="cached"):
        signed_route("/portfolio/balance", per_user, "GET")


def test_cached_response_takes_only_plain_read_handlers():
    async def handler(request):
        return Response(b"{}")

    with pytest.raises(TypeError, match="plain `def`"):
        cached_response()(handler)
