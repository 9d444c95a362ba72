"""Live data, keyed by milestone id."""

from __future__ import annotations

from sqlalchemy import Connection, Row, select

from ..errors import NotFound
from ..models.inputs import LiveDataIn
from . import milestones
from .jsontext import dumps
from .schema import live_data
from .schema import milestones as milestones_table


def get(conn: Connection, milestone_id: str) -> Row | None:
    return conn.execute(select(live_data).where(live_data.c.milestone_id == milestone_id)).first()


def game_stats(conn: Connection, milestone_id: str) -> Row | None:
    """The milestone's id and its stored game_stats (None without any); None for an unknown milestone."""
    query = (
        select(milestones_table.c.id, live_data.c.game_stats)
        .select_from(milestones_table.outerjoin(live_data, live_data.c.milestone_id == milestones_table.c.id))
        .where(milestones_table.c.id == milestone_id)
    )
    return conn.execute(query).first()


def milestone_exists(conn: Connection, milestone_id: str) -> bool:
    return conn.execute(select(milestones_table.c.seq).where(milestones_table.c.id == milestone_id)).first() is not None


def get_many(conn: Connection, milestone_ids: list[str]) -> list[Row]:
    if not milestone_ids:
        return []
    rows = conn.execute(select(live_data).where(live_data.c.milestone_id.in_(milestone_ids))).all()
    order = {mid: i for i, mid in enumerate(dict.fromkeys(milestone_ids))}
    return sorted(rows, key=lambda r: order[r.milestone_id])


def upsert(conn: Connection, spec: LiveDataIn, now_us: int) -> None:
    """A push: replaces the live data and bumps the milestone's last_updated_ts."""
    if not milestone_exists(conn, spec.milestone_id):
        raise NotFound(f"milestone {spec.milestone_id} not found (live data needs its milestone)")
    values = {
        "type": spec.type,
        "details": dumps(spec.details),
        "player_stats": None if spec.player_stats is None else dumps(spec.player_stats),
        "game_stats": None if spec.game_stats is None else dumps(spec.game_stats),
        "updated_us": now_us,
    }
    if get(conn, spec.milestone_id) is None:
        conn.execute(live_data.insert().values(milestone_id=spec.milestone_id, **values))
    else:
        conn.execute(live_data.update().where(live_data.c.milestone_id == spec.milestone_id).values(**values))
    milestones.touch(conn, spec.milestone_id, now_us)


def delete(conn: Connection, milestone_id: str) -> bool:
    return conn.execute(live_data.delete().where(live_data.c.milestone_id == milestone_id)).rowcount > 0
