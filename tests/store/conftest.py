"""A fresh store per test, on each backend, inside one transaction."""

from __future__ import annotations

import pytest

from kalshi_local.store import db

from ..conftest import BACKENDS, new_database_url


@pytest.fixture(params=BACKENDS)
def conn(request):
    engine = db.open_engine(db.database_url(url=new_database_url(request, request.param)))
    db.create_schema(engine)
    with engine.begin() as connection:
        yield connection
    engine.dispose()
