"""store.db.transaction: usable by any gateway, raising domain errors only, and
letting a bug through as the bug it is."""

from __future__ import annotations

import ast
import pathlib

import pytest
from sqlalchemy import insert, select

import kalshi_local
from kalshi_local.errors import Conflict, InvalidParameter, NotFound
from kalshi_local.store import db, schema
from kalshi_local.store.accounts import AccountError
from kalshi_local.store.bulk import RowError

PACKAGE = pathlib.Path(kalshi_local.__file__).parent


def _count(engine) -> int:
    with engine.connect() as conn:
        return len(conn.execute(select(schema.exchange_state)).all())


@pytest.mark.parametrize(
    "raised,expected",
    [
        (RowError(0, "series KX not found"), NotFound),
        (RowError(0, "market M already belongs to event E", conflict=True), Conflict),
        (AccountError("tier must be one of ..."), InvalidParameter),
    ],
)
def test_store_errors_come_out_as_domain_errors_and_nothing_is_written(engine, raised, expected):
    with pytest.raises(expected) as caught, db.transaction(engine) as conn:
        conn.execute(insert(schema.exchange_state).values(key="half", value="1"))
        raise raised
    assert caught.value.message == raised.message
    assert _count(engine) == 0


def test_a_plain_value_error_is_a_bug_and_passes_through(engine):
    with pytest.raises(ValueError, match="a bug") as caught, db.transaction(engine) as conn:
        conn.execute(insert(schema.exchange_state).values(key="half", value="1"))
        raise ValueError("a bug")
    assert type(caught.value) is ValueError
    assert _count(engine) == 0


def test_a_duplicate_key_at_commit_is_a_conflict(engine):
    with db.transaction(engine) as conn:
        conn.execute(insert(schema.exchange_state).values(key="k", value="1"))
    with pytest.raises(Conflict, match="try again"), db.transaction(engine) as conn:
        conn.execute(insert(schema.exchange_state).values(key="k", value="2"))


@pytest.mark.parametrize("layer", ["store", "exchange", "engine"])
def test_the_domain_layers_import_nothing_of_http(layer):
    for path in (PACKAGE / layer).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [("." * node.level) + (node.module or "")]
            for name in names:
                assert not name.startswith(("starlette", "uvicorn", "httpx", "..api", "kalshi_local.api")), (
                    f"{path.relative_to(PACKAGE)} imports {name}"
                )
