"""Module-scoped servers (one per backend), traders and fresh markets for the WebSocket tests."""

from __future__ import annotations

import pytest

from ..api import trading_rows as rows
from ..api.write_path import new_market
from ..client import AdminClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from ..signing import Signer
from .client import WsClient


@pytest.fixture(scope="module", params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin(server):
    client = AdminClient(server.url, ADMIN_TOKEN)
    yield client
    client.close()


@pytest.fixture
def alice(server, admin):
    with rows.trader(server, admin) as api:
        api.ws = lambda **options: WsClient(server, api.signer, **options)
        yield api


@pytest.fixture
def bob(server, admin):
    with rows.trader(server, admin) as api:
        api.ws = lambda **options: WsClient(server, api.signer, **options)
        yield api


@pytest.fixture
def ticker(admin) -> str:
    return new_market(admin)


def signer_of(api) -> Signer:
    return api.signer
