"""Module-scoped servers (one per backend) and traders for the trading read tests."""

from __future__ import annotations

import pytest

from ..client import AdminClient, ApiClient
from ..conftest import BACKENDS, new_database_url
from ..servers import ADMIN_TOKEN, start_server
from . import trading_rows as rows

# The factory's rows are stamped in 2023, months behind the clock: a window this long keeps them
# live (tests/api/test_historical.py moves records across the cutoff on purpose).
ALL_LIVE = {"historical_window_s": 100 * 365 * 86_400}


@pytest.fixture(scope="module", params=BACKENDS)
def server(request):
    running = start_server(new_database_url(request, request.param), **ALL_LIVE)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def admin(server):
    client = AdminClient(server.url, ADMIN_TOKEN)
    yield client
    client.close()


@pytest.fixture
def public(server):
    with ApiClient(server.api) as client:
        yield client


@pytest.fixture
def alice(server, admin):
    with rows.trader(server, admin) as api:
        yield api


@pytest.fixture
def bob(server, admin):
    with rows.trader(server, admin) as api:
        yield api
