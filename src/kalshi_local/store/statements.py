"""Hot read queries compiled once and run straight through the driver.

Building and compiling a SQLAlchemy statement, and building result metadata
for it, costs several times the query itself. A list endpoint's query has one
shape per combination of filters present, so each shape is built once (with
bind parameters for every value), compiled once per dialect, and executed on
the driver's cursor; rows come back as named tuples.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, bindparam
from sqlalchemy.sql import Select


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    positional: tuple[str, ...] | None  # names in order for qmark/format dialects
    defaults: Mapping[str, Any]  # values the dialect added itself (e.g. SQLite's OFFSET 0)
    row: Any  # a namedtuple class

    def bind(self, params: Mapping[str, Any]) -> Any:
        merged = {**self.defaults, **params}
        if self.positional is None:
            return merged
        return tuple(merged[name] for name in self.positional)


def _row_type(names: list[str]) -> Any:
    return namedtuple("Row", names)  # field names known only at run time


Shape = TypeVar("Shape", bound=Hashable)


class StatementCache(Generic[Shape]):
    """`build(shape)` returns the SELECT for a shape; values come at run time."""

    def __init__(self, build: Callable[[Shape], Select]) -> None:
        self._build = build
        self._compiled: dict[tuple[str, Shape], _Compiled] = {}

    def _compile(self, conn: Connection, shape: Shape) -> _Compiled:
        key = (conn.dialect.name, shape)
        found = self._compiled.get(key)
        if found is None:
            statement = self._build(shape)
            compiled = statement.compile(dialect=conn.dialect)
            positional = tuple(compiled.positiontup or ()) if compiled.positional else None
            defaults = {k: v for k, v in compiled.params.items() if v is not None}
            row = _row_type([str(column.key) for column in statement.selected_columns])
            found = self._compiled[key] = _Compiled(str(compiled), positional, defaults, row)
        return found

    def all(self, conn: Connection, shape: Shape, params: Mapping[str, Any]) -> Sequence[Any]:
        compiled = self._compile(conn, shape)
        cursor = conn.connection.cursor()
        try:
            cursor.execute(compiled.sql, compiled.bind(params))
            return list(map(compiled.row._make, cursor.fetchall()))
        finally:
            cursor.close()


# A list of values binds one parameter each; its length is rounded up to one of
# these (the last value repeats), so a handful of statement shapes cover every request.
_SLOTS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096)


def slotted(name: str, values: Sequence[Any], params: dict[str, Any]) -> int:
    """Bind `values` as name0, name1, ...; returns the slot count for the shape (0 for none)."""
    if not values:
        return 0
    slots = next((n for n in _SLOTS if n >= len(values)), len(values))
    padded = tuple(values) + (values[-1],) * (slots - len(values))
    params.update((f"{name}{i}", value) for i, value in enumerate(padded))
    return slots


def slot_params(name: str, slots: int) -> list:
    return [bindparam(f"{name}{i}") for i in range(slots)]
