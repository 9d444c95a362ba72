"""Structured targets: keyset pages, lookups and writes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Row, Select, bindparam, select

from ..models.inputs import StructuredTargetIn
from . import bulk
from .cursors import Page, decode_cursor, page_of
from .jsontext import dumps
from .schema import structured_targets, target_competitions
from .statements import StatementCache, slot_params, slotted

CURSOR_KIND = "structured_targets"
_COMPETITION_KEYS = ("league", "conference", "division", "tour")


@dataclass(frozen=True, slots=True)
class TargetFilter:
    ids: tuple[str, ...] = ()
    type: str | None = None
    competition: str | None = None


def _page_statement(shape: tuple[int, bool, bool]) -> Select:
    id_slots, by_type, by_competition = shape
    t = structured_targets.c
    if by_competition:
        # Walk the (competition, target_seq) key in order, so a big league needs no sort.
        link = target_competitions.c
        query = (
            select(t.seq, t.version)
            .select_from(target_competitions.join(structured_targets, t.seq == link.target_seq))
            .where(link.competition == bindparam("competition"), link.target_seq > bindparam("after"))
            .order_by(link.target_seq)
        )
    else:
        query = select(t.seq, t.version).where(t.seq > bindparam("after")).order_by(t.seq)
    if id_slots:
        query = query.where(t.id.in_(slot_params("id", id_slots)))
    if by_type:
        query = query.where(t.type == bindparam("type"))
    return query.limit(bindparam("limit"))


_pages = StatementCache(_page_statement)


def page(conn: Connection, flt: TargetFilter, cursor: str | None, limit: int) -> Page[Row]:
    """A page of (seq, version) references; the JSON of most rows comes from the cache."""
    params: dict[str, Any] = {"after": decode_cursor(CURSOR_KIND, cursor), "limit": limit + 1}
    id_slots = slotted("id", flt.ids, params)
    if flt.type is not None:
        params["type"] = flt.type
    if flt.competition is not None:
        params["competition"] = flt.competition
    shape = (id_slots, flt.type is not None, flt.competition is not None)
    return page_of(CURSOR_KIND, _pages.all(conn, shape, params), limit)


def by_seqs(conn: Connection, seqs: Iterable[int]) -> Sequence[Row]:
    return conn.execute(select(structured_targets).where(structured_targets.c.seq.in_(list(seqs)))).all()


def get(conn: Connection, target_id: str) -> Row | None:
    return conn.execute(select(structured_targets).where(structured_targets.c.id == target_id)).first()


_COLUMNS = ("id", "name", "type", "details", "source_id", "source_ids", "updated_us")


def upsert(conn: Connection, spec: StructuredTargetIn, now_us: int) -> bool:
    """Insert or replace one target; True when it is new."""
    return upsert_many(conn, [spec], now_us) == 1


def upsert_many(conn: Connection, specs: Iterable[StructuredTargetIn], now_us: int) -> int:
    """Insert or replace targets in bulk (a later duplicate id wins); returns how many are new."""
    by_id = {spec.id: spec for spec in specs}
    rows = (
        (s.id, s.name, s.type, dumps(s.details), s.source_id, dumps(s.source_ids), now_us) for s in by_id.values()
    )
    written = bulk.upsert(conn, structured_targets, "id", _COLUMNS, rows, increment="version")
    bulk.delete_in(conn, target_competitions, "target_seq", written.updated_seqs())
    links = [(name, written.seqs[s.id]) for s in by_id.values() for name in competitions(s.details)]
    bulk.insert(conn, target_competitions, ("competition", "target_seq"), links)
    return written.created


def delete(conn: Connection, target_id: str) -> bool:
    # The row first: its lock makes a concurrent upsert of the target finish before the links go.
    t = structured_targets.c
    seq = conn.execute(structured_targets.delete().where(t.id == target_id).returning(t.seq)).scalar()
    if seq is None:
        return False
    conn.execute(target_competitions.delete().where(target_competitions.c.target_seq == seq))
    return True


def competitions(details: dict) -> list[str]:
    """League, conference, division or tour in details, and every entry of details.leagues."""
    names = [details[k] for k in _COMPETITION_KEYS if isinstance(details.get(k), str)]
    leagues = details.get("leagues")
    if isinstance(leagues, list):
        names += [v for v in leagues if isinstance(v, str)]
    return list(dict.fromkeys(names))
