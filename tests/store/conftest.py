"""A fresh store per test, on each backend, inside one transaction."""

from __future__ import annotations

import pytest


@pytest.fixture
def conn(engine):
    with engine.begin() as connection:
        yield connection
