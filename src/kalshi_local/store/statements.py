"""Hot read queries compiled once and run straight through the driver.

Building and compiling a SQLAlchemy statement, and building result metadata
for it, costs several times the query itself. A list endpoint's query has one
shape per combination of filters present, so each shape is built once (with
bind parameters for every value), compiled once per dialect, and executed on
the driver's cursor; rows come back as named tuples.
"""

from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass
from typing import Any, Callable, Hashable, Mapping, Sequence

from sqlalchemy import Connection
from sqlalchemy.sql import Select


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    positional: tuple[str, ...] | None  # names in order for qmark/format dialects
    defaults: Mapping[str, Any]  # values the dialect added itself (e.g. SQLite's OFFSET 0)
    row: type

    def bind(self, params: Mapping[str, Any]) -> Any:
        merged = {**self.defaults, **params}
        if self.positional is None:
            return merged
        return tuple(merged[name] for name in self.positional)


class StatementCache:
    """`build(shape)` returns the SELECT for a shape; values come at run time."""

    def __init__(self, build: Callable[[Hashable], Select]) -> None:
        self._build = build
        self._compiled: dict[tuple[str, Hashable], _Compiled] = {}

    def _compile(self, conn: Connection, shape: Hashable) -> _Compiled:
        key = (conn.dialect.name, shape)
        found = self._compiled.get(key)
        if found is None:
            statement = self._build(shape)
            compiled = statement.compile(dialect=conn.dialect)
            positional = tuple(compiled.positiontup) if compiled.positional else None
            defaults = {k: v for k, v in compiled.params.items() if v is not None}
            row = namedtuple("Row", [column.key for column in statement.selected_columns])
            found = self._compiled[key] = _Compiled(str(compiled), positional, defaults, row)
        return found

    def all(self, conn: Connection, shape: Hashable, params: Mapping[str, Any]) -> Sequence[Any]:
        compiled = self._compile(conn, shape)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(compiled.sql, compiled.bind(params))
            return list(map(compiled.row._make, cursor.fetchall()))
        finally:
            cursor.close()
