"""Fixtures: real servers on loopback over SQLite and PostgreSQL."""

from __future__ import annotations

import os

import pytest

from kalshi_local.store import db

from .client import AdminClient, ApiClient
from .servers import ADMIN_TOKEN, PostgresCluster, start_server

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def pg_cluster():
    try:
        cluster = PostgresCluster()
    except (FileNotFoundError, OSError) as exc:
        if os.environ.get("KALSHI_LOCAL_REQUIRE_PG") == "1":
            raise
        pytest.skip(f"PostgreSQL is not available: {exc}")
    yield cluster
    cluster.stop()


def new_database_url(request, backend: str) -> str:
    if backend == "postgresql":
        return request.getfixturevalue("pg_cluster").new_database()
    directory = request.getfixturevalue("tmp_path_factory").mktemp("db")
    return f"sqlite:///{directory}/kalshi-local.db"


@pytest.fixture(params=BACKENDS)
def engine(request):
    """A fresh, empty store with its schema, on each backend."""
    engine = db.open_engine(db.database_url(url=new_database_url(request, request.param)))
    db.create_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def demo_server(request):
    """A server with the demo catalog, shared by a module's read-only tests."""
    server = start_server(new_database_url(request, request.param))
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def server(request):
    """A fresh server with the demo catalog, for tests that write."""
    server = start_server(new_database_url(request, request.param))
    yield server
    server.stop()


@pytest.fixture(params=BACKENDS)
def empty_server(request):
    server = start_server(new_database_url(request, request.param), load_demo=False)
    yield server
    server.stop()


@pytest.fixture
def demo_api(demo_server):
    with ApiClient(demo_server.api) as client:
        yield client


@pytest.fixture
def api(server):
    with ApiClient(server.api) as client:
        yield client


@pytest.fixture
def admin(server):
    client = AdminClient(server.url, ADMIN_TOKEN)
    yield client
    client.close()


def sdk_for(server):
    from kalshi_python_sync import Configuration, KalshiClient

    return KalshiClient(Configuration(host=server.api))


@pytest.fixture
def demo_sdk(demo_server):
    return sdk_for(demo_server)


@pytest.fixture
def sdk(server):
    return sdk_for(server)
