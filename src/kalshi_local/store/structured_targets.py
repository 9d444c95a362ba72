"""Structured targets: keyset pages, lookups and writes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Row, select

from ..scenario.shapes import StructuredTargetIn
from .cursors import Page, decode_cursor, page_of
from .jsontext import dumps
from .schema import structured_targets, target_competitions

CURSOR_KIND = "structured_targets"
_COMPETITION_KEYS = ("league", "conference", "division", "tour")


@dataclass(frozen=True, slots=True)
class TargetFilter:
    ids: tuple[str, ...] = ()
    type: str | None = None
    competition: str | None = None


def page(conn: Connection, flt: TargetFilter, cursor: str | None, limit: int) -> Page[Row]:
    after = decode_cursor(CURSOR_KIND, cursor)
    t = structured_targets.c
    query = select(structured_targets).where(t.seq > after).order_by(t.seq).limit(limit + 1)
    if flt.ids:
        query = query.where(t.id.in_(flt.ids))
    if flt.type is not None:
        query = query.where(t.type == flt.type)
    if flt.competition is not None:
        query = query.join(target_competitions, target_competitions.c.target_seq == t.seq).where(
            target_competitions.c.competition == flt.competition
        )
    return page_of(CURSOR_KIND, conn.execute(query).all(), limit)


def get(conn: Connection, target_id: str) -> Row | None:
    return conn.execute(select(structured_targets).where(structured_targets.c.id == target_id)).first()


def upsert(conn: Connection, spec: StructuredTargetIn, now_us: int) -> None:
    values = {
        "name": spec.name,
        "type": spec.type,
        "details": dumps(spec.details),
        "source_id": spec.source_id,
        "source_ids": dumps(spec.source_ids),
        "updated_us": now_us,
    }
    t = structured_targets.c
    seq = conn.execute(select(t.seq).where(t.id == spec.id)).scalar()
    if seq is None:
        seq = conn.execute(structured_targets.insert().values(id=spec.id, **values)).inserted_primary_key[0]
    else:
        conn.execute(structured_targets.update().where(t.seq == seq).values(**values))
        conn.execute(target_competitions.delete().where(target_competitions.c.target_seq == seq))
    names = competitions(spec.details)
    if names:
        conn.execute(target_competitions.insert(), [{"competition": n, "target_seq": seq} for n in names])


def delete(conn: Connection, target_id: str) -> bool:
    t = structured_targets.c
    seq = conn.execute(select(t.seq).where(t.id == target_id)).scalar()
    if seq is None:
        return False
    conn.execute(target_competitions.delete().where(target_competitions.c.target_seq == seq))
    conn.execute(structured_targets.delete().where(t.seq == seq))
    return True


def competitions(details: dict) -> list[str]:
    """League, conference, division or tour in details, and every entry of details.leagues."""
    names = [details[k] for k in _COMPETITION_KEYS if isinstance(details.get(k), str)]
    leagues = details.get("leagues")
    if isinstance(leagues, list):
        names += [v for v in leagues if isinstance(v, str)]
    return list(dict.fromkeys(names))
