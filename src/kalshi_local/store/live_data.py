"""Live data, keyed by milestone id."""

from __future__ import annotations

from sqlalchemy import Connection, Row, select

from ..errors import InvalidParameter, NotFound
from ..models.inputs import LiveDataIn
from . import milestones, rows
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
    """A push: replaces the live data and bumps the milestone's last_updated_ts.

    NotFound without the milestone; InvalidParameter when `type` is not the
    milestone's type (GET /live_data/{type}/milestone/{id} looks it up by that).
    """
    # Touching the milestone first locks it: a concurrent delete cannot leave this row behind.
    milestone_type = milestones.touch(conn, spec.milestone_id, now_us)
    if milestone_type is None:
        raise NotFound(f"milestone {spec.milestone_id} not found (live data needs its milestone)")
    if spec.type != milestone_type:
        raise InvalidParameter(
            f"type: live data of type {spec.type!r} cannot belong to milestone {spec.milestone_id},"
            f" whose type is {milestone_type!r}"
        )
    values = {
        "milestone_id": spec.milestone_id,
        "type": spec.type,
        "details": dumps(spec.details),
        "player_stats": None if spec.player_stats is None else dumps(spec.player_stats),
        "game_stats": None if spec.game_stats is None else dumps(spec.game_stats),
        "updated_us": now_us,
    }
    rows.upsert(conn, live_data, ["milestone_id"], values)


def delete(conn: Connection, milestone_id: str) -> bool:
    return conn.execute(live_data.delete().where(live_data.c.milestone_id == milestone_id)).rowcount > 0
