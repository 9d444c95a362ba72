"""Bulk writes: many rows per statement, for scenario loads of millions of rows.

`upsert` sends multi-row `INSERT ... ON CONFLICT (key) DO UPDATE ... RETURNING`
statements (the same SQL on SQLite 3.35+ and PostgreSQL), so new rows and
existing ones take one round trip per batch and keep their `seq`. Rows are
plain tuples in a fixed column order: building dicts for a million rows costs
more than the insert itself.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, func, select

# SQLite allows 32766 bound parameters per statement, psycopg 65535.
_MAX_PARAMS = 32_000
_MAX_ROWS = 500


class RowError(ValueError):
    """A row that cannot be written: `index` is its place in the caller's list,
    `path` the part inside it (`.markets[2]`) when the fault lies deeper.
    `conflict` tells a clash with stored rows from a reference to a missing one."""

    def __init__(self, index: int, message: str, path: str = "", conflict: bool = False) -> None:
        super().__init__(message)
        self.index = index
        self.message = message
        self.path = path
        self.conflict = conflict


@dataclass(frozen=True, slots=True)
class Upserted:
    seqs: dict[str, int]  # key -> seq of every row written
    inserted: frozenset[str]  # keys of the rows this call inserted (the others it updated)

    @property
    def created(self) -> int:
        return len(self.inserted)

    def updated_seqs(self) -> list[int]:
        return [seq for key, seq in self.seqs.items() if key not in self.inserted]


def upsert(
    conn: Connection,
    table: Table,
    key: str,
    columns: Sequence[str],
    rows: Iterable[tuple],
    keep: Sequence[str] = (),
    only_if_same: str | None = None,
    increment: str | None = None,
) -> Upserted:
    """Insert rows, or update the row with the same `key` (columns in `keep` stay as they were,
    the `increment` column grows by one).

    With `only_if_same`, an existing row whose value in that column differs is
    left alone and missing from the result, so the caller can report it.
    Keys must be unique within `rows`.

    Which rows were inserted is exact with `increment` (a new row still has the
    column's default, 1), even while another process writes the same keys.
    Without it, rows with a seq above the largest one before the call count as
    inserted, which another writer's commit in between can make wrong.
    """
    last_old = None if increment else conn.execute(select(func.coalesce(func.max(table.c.seq), 0))).scalar_one()
    seqs: dict[str, int] = {}
    inserted: set[str] = set()
    per_statement = max(1, min(_MAX_ROWS, _MAX_PARAMS // len(columns)))
    rows = iter(rows)
    while batch := list(itertools.islice(rows, per_statement)):
        sql = _upsert_sql(
            conn.dialect.name, table.name, key, tuple(columns), tuple(keep), only_if_same, increment, len(batch)
        )
        for found, seq, *counter in conn.exec_driver_sql(sql, tuple(itertools.chain.from_iterable(batch))):
            seqs[found] = seq
            if (counter[0] == 1) if increment else seq > last_old:
                inserted.add(found)
    return Upserted(seqs, frozenset(inserted))


def insert(conn: Connection, table: Table, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Plain inserts, many rows per statement (twice as fast as executemany on SQLite)."""
    per_statement = max(1, min(_MAX_PARAMS // len(columns), 5_000))
    rows = iter(rows)
    while batch := list(itertools.islice(rows, per_statement)):
        sql = _insert_sql(conn.dialect.name, table.name, tuple(columns), len(batch))
        conn.exec_driver_sql(sql, tuple(itertools.chain.from_iterable(batch)))


def delete_in(conn: Connection, table: Table, column: str, values: Sequence) -> None:
    """DELETE ... WHERE column IN (values), in statements of at most _MAX_ROWS values."""
    for start in range(0, len(values), _MAX_ROWS):
        conn.execute(table.delete().where(table.c[column].in_(values[start : start + _MAX_ROWS])))


def lookup(
    conn: Connection, table: Table, key: str, column: str, keys: Iterable[str], share: bool = False
) -> dict[str, Any]:
    """key -> column (as stored) for the `keys` found in `table`. With `share`, the rows found stay
    until the commit (PostgreSQL's FOR KEY SHARE: a concurrent delete waits)."""
    wanted, found = list(dict.fromkeys(keys)), dict[str, Any]()
    for start in range(0, len(wanted), _MAX_ROWS):
        chunk = wanted[start : start + _MAX_ROWS]
        query = select(table.c[key], table.c[column]).where(table.c[key].in_(chunk))
        if share:
            query = query.with_for_update(read=True, key_share=True)
        found.update(conn.execute(query).all())
    return found


@functools.lru_cache(maxsize=256)
def _upsert_sql(
    dialect: str,
    table: str,
    key: str,
    columns: tuple[str, ...],
    keep: tuple[str, ...],
    only_if_same: str | None,
    increment: str | None,
    count: int,
) -> str:
    mark = _mark(dialect)
    one = "(" + ", ".join([mark] * len(columns)) + ")"
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != key and c not in keep)
    if increment:
        updates += f", {increment} = {table}.{increment} + 1"
    guard = f" WHERE {table}.{only_if_same} = excluded.{only_if_same}" if only_if_same else ""
    returning = f"{key}, seq, {increment}" if increment else f"{key}, seq"
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * count)}"
        f" ON CONFLICT ({key}) DO UPDATE SET {updates}{guard} RETURNING {returning}"
    )


@functools.lru_cache(maxsize=64)
def _insert_sql(dialect: str, table: str, columns: tuple[str, ...], count: int) -> str:
    one = "(" + ", ".join([_mark(dialect)] * len(columns)) + ")"
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([one] * count)}"


def _mark(dialect: str) -> str:
    # exec_driver_sql hands the text to the driver: sqlite3 wants ?, psycopg %s.
    return "?" if dialect == "sqlite" else "%s"
