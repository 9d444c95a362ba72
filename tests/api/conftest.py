"""Fixtures shared by the API test modules."""

from __future__ import annotations

import pytest

from ..client import ApiClient


@pytest.fixture
def catalog_api(catalog):
    """A client of the module's own `catalog` server (each module defines that fixture)."""
    with ApiClient(catalog.api) as client:
        yield client
