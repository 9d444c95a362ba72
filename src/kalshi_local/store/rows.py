"""Single-row writes that cannot lose a race with another writer.

A select followed by an insert or update lets two writers both see no row and
both insert: one of them then fails on the unique key. `INSERT ... ON CONFLICT`
decides in one statement (the same SQL on SQLite and PostgreSQL), so
concurrent writers of one key each either insert it or update it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, Row, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert(conn: Connection, table: Table):
    """An INSERT that takes `.on_conflict_do_update` / `.on_conflict_do_nothing`."""
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)


def upsert(
    conn: Connection,
    table: Table,
    key: Sequence[str | ColumnElement],
    values: Mapping[str, Any],
    *,
    keep: Sequence[str] = (),
    where: ColumnElement[bool] | None = None,
    returning: Sequence[Column] = (),
) -> Row | None:
    """Insert `values`, or update the row with the same `key` (columns or index
    expressions of a unique index; the columns in `keep` stay as they were).

    With `where`, an existing row that fails it is left alone: then nothing is
    returned. Returns the `returning` columns of the written row (None without any).
    """
    statement = insert(conn, table).values(**values)
    named = {k for k in key if isinstance(k, str)}
    updates = {c: statement.excluded[c] for c in values if c not in named and c not in keep}
    statement = statement.on_conflict_do_update(index_elements=list(key), set_=updates, where=where)
    if not returning:
        conn.execute(statement)
        return None
    return conn.execute(statement.returning(*returning)).first()


def insert_new(conn: Connection, table: Table, values: Mapping[str, Any], returning: Sequence[Column]) -> Row | None:
    """Insert `values` unless a row with any of the same unique keys exists
    (committed, or being written by another transaction, which is waited for).
    Returns the `returning` columns, or None when nothing was inserted."""
    statement = insert(conn, table).values(**values).on_conflict_do_nothing().returning(*returning)
    return conn.execute(statement).first()
